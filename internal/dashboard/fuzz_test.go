package dashboard

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// FuzzResultBody posts arbitrary bodies as a learner's result: the server
// must answer with a client error or accept a valid result, and never fail
// (5xx) or store something that does not validate.
//
//	go test -run '^$' -fuzz FuzzResultBody -fuzztime 60s ./internal/dashboard/
func FuzzResultBody(f *testing.F) {
	valid, _ := json.Marshal(module2(workshop.StatusFail))
	f.Add(valid)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"target":"all","account":"123456789012","region":"r","passed":true,"started_at":"2026-01-01T00:00:00Z","duration_ms":0,"api_calls":0,"conditions":[]}`))
	f.Add([]byte(`{"target":"module-2","conditions":[{"id":"module-2/x","status":"fail"}]}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte("\x00\xff"))
	tc := startClass(f, func(o *Options) { o.LearnerRate, o.LearnerBurst, o.MaxResults = 1e9, 1e9, 1<<30 })
	id, token := tc.join("Fuzz")
	h := tc.server.Handler()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", wire.ResultsPath(id), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set(wire.HeaderResultID, "f"+strconv.FormatInt(n.Add(1), 10))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusCreated:
			var res workshop.Result
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatalf("accepted a body that does not decode: %v", err)
			}
			if err := res.Validate(); err != nil {
				t.Fatalf("accepted an invalid result: %v", err)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			var e wire.Error
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Message == "" {
				t.Fatalf("a %d without an error message: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
