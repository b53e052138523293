package sandbox

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

// serveJSON serves an awsJson request (X-Amz-Target: Prefix.Operation).
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, requestID string) {
	target := r.Header.Get("X-Amz-Target")
	prefix, opName, _ := cutLast(target, ".")
	op := s.routes.json[prefix][opName]
	if op == nil {
		writeJSONError(w, clientErr("UnknownOperationException", "operation %q is not supported by the sandbox", target))
		return
	}
	if r.Method != http.MethodPost {
		writeJSONError(w, clientErr("SerializationException", "awsJson requests must be POST, not %s", r.Method))
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
	out, err := s.invoke(r, requestID, func(c *call) (any, error) { return op(c, body) })
	if err != nil {
		writeJSONError(w, asAPIError(err))
		return
	}
	data, err := json.Marshal(out)
	if err != nil {
		writeJSONError(w, serverErr("ServerException", "encode the response: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// decodeJSON decodes an operation's input, answering malformed JSON or a
// value of the wrong type with SerializationException as AWS does.
func decodeJSON(body []byte, v any) error {
	if !json.Valid(body) {
		return clientErr("SerializationException", "the request body is not valid JSON")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return clientErr("SerializationException", "field %q: expected %s, found a JSON %s", te.Field, te.Type, te.Value)
		}
		return clientErr("SerializationException", "the request body does not match the operation's input: %v", err)
	}
	return nil
}

// readAPIBody reads an API call's body, refusing one over maxAPIBody.
func readAPIBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "SerializationException",
			Message: "the request body is larger than " + strconv.Itoa(maxAPIBody) + " bytes"}
	case err != nil:
		return nil, clientErr("SerializationException", "read the request body: %v", err)
	}
	return body, nil
}

// writeJSONError writes the awsJson error envelope.
func writeJSONError(w http.ResponseWriter, e *apiError) {
	data, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(data)
}

// asAPIError turns an operation's error into the error the client sees.
func asAPIError(err error) *apiError {
	var aerr *apiError
	if errors.As(err, &aerr) {
		return aerr
	}
	return serverErr("ServerException", "%v", err)
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
