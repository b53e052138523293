package workshop

import (
	"bytes"
	"encoding/json"
	"errors"
)

// DecodeResult decodes exactly one result in its design §3 JSON form, the
// one Result.MarshalJSON writes, rejecting fields that form does not have.
// It is the strict reader for results received from elsewhere (the class
// dashboard uses it), so the sender and the receiver share one wire type:
// a field added to Result or Condition is accepted as soon as it is sent.
// Use Validate for the rest.
func DecodeResult(data []byte) (Result, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w resultJSON
	if err := dec.Decode(&w); err != nil {
		return Result{}, err
	}
	if dec.More() {
		return Result{}, errors.New("unexpected data after the JSON value")
	}
	return w.result()
}
