package awsproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxAPIBody bounds the body of an API call (not of registry uploads).
const maxAPIBody = 10 << 20

// Invoker runs an operation for a request the way the server runs them all
// (after the configured latency, under the state lock, saving a change):
// the protocol handlers decode, call it, and encode.
type Invoker func(r *http.Request, requestID string, op func(*Call) (any, error)) (any, error)

// ServeJSON serves an awsJson request (X-Amz-Target: Prefix.Operation).
func (rt *Router) ServeJSON(w http.ResponseWriter, r *http.Request, requestID string, invoke Invoker) {
	target := r.Header.Get("X-Amz-Target")
	prefix, opName, _ := cutLast(target, ".")
	op := rt.json[prefix][opName]
	if op == nil {
		writeJSONError(w, ClientErr("UnknownOperationException", "%s", rt.notEmulated(target, rt.json[prefix] != nil, SortedKeys(rt.json[prefix]))))
		return
	}
	if r.Method != http.MethodPost {
		writeJSONError(w, ClientErr("SerializationException", "awsJson requests must be POST, not %s", r.Method))
		return
	}
	body, aerr := readAPIBody(w, r)
	if aerr != nil {
		writeJSONError(w, aerr)
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	out, err := invoke(r, requestID, func(c *Call) (any, error) { return op(c, body) })
	if err != nil {
		writeJSONError(w, AsError(err))
		return
	}
	data, err := json.Marshal(out)
	if err != nil {
		writeJSONError(w, ServerErr("ServerException", "encode the response: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// DecodeJSON decodes an operation's input, answering malformed JSON or a
// value of the wrong type with SerializationException as AWS does.
func DecodeJSON(body []byte, v any) error {
	if !json.Valid(body) {
		return ClientErr("SerializationException", "the request body is not valid JSON")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return ClientErr("SerializationException", "field %q: expected %s, found a JSON %s", te.Field, te.Type, te.Value)
		}
		return ClientErr("SerializationException", "the request body does not match the operation's input: %v", err)
	}
	return nil
}

// readAPIBody reads an API call's body, refusing one over maxAPIBody.
func readAPIBody(w http.ResponseWriter, r *http.Request) ([]byte, *Error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "SerializationException",
			Message: "the request body is larger than " + strconv.Itoa(maxAPIBody) + " bytes"}
	case err != nil:
		return nil, ClientErr("SerializationException", "read the request body: %v", err)
	}
	return body, nil
}

// writeJSONError writes the awsJson error envelope.
func writeJSONError(w http.ResponseWriter, e *Error) {
	data, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(data)
}

// AsError turns an operation's error into the error the client sees.
func AsError(err error) *Error {
	var aerr *Error
	if errors.As(err, &aerr) {
		return aerr
	}
	return ServerErr("ServerException", "%v", err)
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
