package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// handleJoin adds a learner who knows the join code and returns their
// token.
func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	if wait := s.joins.wait(clientKey(r)); wait > 0 {
		s.tooManyFor(w, r, wait, "too many join attempts from your address")
		return
	}
	var req wire.JoinRequest
	if !s.readJSON(w, r, wire.MaxSmallBodyBytes, &req) {
		return
	}
	var rm *room
	for _, c := range s.roomList() {
		if joinCodeMatches(req.Code, c.model.class.JoinCode) {
			rm = c
		}
	}
	if rm == nil {
		s.reject(w, r, http.StatusForbidden, "the join code is not this class's", "ask the instructor for the code shown on the dashboard")
		return
	}
	if !wire.ValidName(req.Name) {
		s.reject(w, r, http.StatusBadRequest, fmt.Sprintf("invalid name: use 1 to %d printable characters", wire.MaxNameLen), "")
		return
	}
	if rm.model.size() >= s.opts.MaxLearners {
		s.reject(w, r, http.StatusForbidden, fmt.Sprintf("the class is full (%d learners)", s.opts.MaxLearners), "ask the instructor")
		return
	}
	token := newToken("wl_")
	now := s.now()
	id, err := s.store.AddLearner(r.Context(), rm.model.class.ID, req.Name, hashToken(token), now)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rm.model.addLearner(StoredLearner{ID: id, Name: req.Name, TokenHash: hashToken(token), JoinedAt: now})
	rm.events.changed()
	writeJSON(w, http.StatusCreated, wire.JoinResponse{LearnerID: id, Token: token, Class: rm.model.class.Name})
}

// learnerOnly lets through requests that carry learner {id}'s own token,
// within that learner's rate limit, to the learner's class.
func (s *Server) learnerOnly(next func(http.ResponseWriter, *http.Request, *room, int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			s.reject(w, r, http.StatusNotFound, "no such learner", "")
			return
		}
		token, ok := bearerToken(r)
		if !ok {
			s.reject(w, r, http.StatusUnauthorized, "a learner token is required", "join the class again with --class URL --code CODE")
			return
		}
		rm, auth := s.authLearner(id, token)
		if auth == authUnknown && rm == nil {
			rm, auth = s.authAfterCatchUp(r.Context(), id, token)
		}
		switch auth {
		case authUnknown:
			s.reject(w, r, http.StatusUnauthorized, "the token is not valid for this class", "join the class again with --class URL --code CODE")
			return
		case authOther:
			s.reject(w, r, http.StatusForbidden, "this token writes only its own learner's results", "")
			return
		}
		if !s.learners.allow(strconv.FormatInt(id, 10)) {
			s.tooMany(w, r, "too many requests for this learner")
			return
		}
		next(w, r, rm, id)
	}
}

// authLearner checks token against learner id in whichever class knows
// the learner (nil when none does) or the token.
func (s *Server) authLearner(id int64, token string) (*room, authResult) {
	for _, rm := range s.roomList() {
		if rm.model.knows(id) {
			return rm, rm.model.authLearner(id, token)
		}
	}
	for _, rm := range s.roomList() {
		if rm.model.authLearner(id, token) == authOther {
			return rm, authOther
		}
	}
	return nil, authUnknown
}

// authAfterCatchUp checks a token again after reading the other servers'
// writes, when the store is shared: the learner may have joined through
// another server behind the same load balancer a moment ago.
func (s *Server) authAfterCatchUp(ctx context.Context, id int64, token string) (*room, authResult) {
	if _, ok := s.store.(sharedStore); !ok {
		return nil, authUnknown
	}
	// Check again even when this read found nothing new: the follow loop
	// may have read the learner while this request waited for it.
	if _, err := s.catchUpAll(ctx); err != nil {
		return nil, authUnknown
	}
	return s.authLearner(id, token)
}

// handleResult stores a learner's check result.
func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, rm *room, id int64) {
	key := r.Header.Get(wire.HeaderResultID)
	if !wire.ValidResultID(key) {
		s.reject(w, r, http.StatusBadRequest, fmt.Sprintf("header %s must be 1 to %d letters, digits, '-' or '_'", wire.HeaderResultID, wire.MaxResultIDLen), "")
		return
	}
	body, ok := s.readBody(w, r, wire.MaxResultBytes)
	if !ok {
		return
	}
	res, err := workshop.DecodeResult(body)
	if err != nil {
		s.reject(w, r, http.StatusBadRequest, "malformed result: "+err.Error(), "")
		return
	}
	if err := checkBounds(res); err != nil {
		s.reject(w, r, http.StatusBadRequest, "invalid result: "+err.Error(), "")
		return
	}
	if err := res.Validate(); err != nil {
		s.reject(w, r, http.StatusBadRequest, "invalid "+err.Error(), "")
		return
	}
	canonical, err := json.Marshal(res)
	if err != nil {
		s.reject(w, r, http.StatusBadRequest, "invalid result: "+err.Error(), "")
		return
	}
	if rm.model.resultCount(id) >= s.opts.MaxResults {
		s.reject(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("this learner has sent the %d results a class keeps", s.opts.MaxResults), "")
		return
	}
	now := s.now()
	resultID, added, err := s.store.AddResult(r.Context(), id, key, now, canonical)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !added {
		writeJSON(w, http.StatusOK, wire.PostResponse{Duplicate: true})
		return
	}
	rm.model.applyResult(id, resultID, res, now)
	rm.events.changed()
	writeJSON(w, http.StatusCreated, wire.PostResponse{})
}

// handleHeartbeat records that a learner is there, and where.
func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request, rm *room, id int64) {
	var hb wire.Heartbeat
	if !s.readJSON(w, r, wire.MaxSmallBodyBytes, &hb) {
		return
	}
	if hb.Where != "" {
		if _, err := workshop.ParseTarget(hb.Where); err != nil {
			if _, _, err := workshop.SplitID(hb.Where); err != nil {
				s.reject(w, r, http.StatusBadRequest, "invalid where: expected a target or step id, like module-2/create-target-group", "")
				return
			}
		}
	}
	now := s.now()
	if err := s.store.PutHeartbeat(r.Context(), id, now, hb.Where); err != nil {
		s.internal(w, r, err)
		return
	}
	rm.model.applyHeartbeat(id, hb.Where, now)
	rm.events.changed()
	w.WriteHeader(http.StatusNoContent)
}

// readJSON reads a JSON body of at most limit bytes into v, strictly, or
// answers the error and returns false.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	body, ok := s.readBody(w, r, limit)
	if !ok {
		return false
	}
	if err := decodeStrict(body, v); err != nil {
		s.reject(w, r, http.StatusBadRequest, "malformed request: "+err.Error(), "")
		return false
	}
	return true
}

// readBody reads a JSON body of at most limit bytes, or answers 413 or 415
// and returns false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			s.reject(w, r, http.StatusUnsupportedMediaType, "the body must be application/json", "")
			return nil, false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.reject(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", limit), "")
		return nil, false
	case err != nil:
		s.reject(w, r, http.StatusBadRequest, "read the body: "+err.Error(), "")
		return nil, false
	}
	return body, true
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// clientKey identifies a client for rate limits: its IP address.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reject answers a refused request and logs it.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, code int, msg, hint string) {
	s.log.Info("rejected", "method", r.Method, "path", r.URL.Path, "client", clientKey(r), "status", code, "why", msg)
	writeError(w, code, msg, hint)
}

// tooMany answers 429 with a Retry-After of a second.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, msg string) {
	s.tooManyFor(w, r, time.Second, msg)
}

// tooManyFor answers 429 with a Retry-After of wait.
func (s *Server) tooManyFor(w http.ResponseWriter, r *http.Request, wait time.Duration, msg string) {
	after := retryAfter(wait)
	w.Header().Set("Retry-After", after)
	s.reject(w, r, http.StatusTooManyRequests, msg, "slow down and retry after "+after+" s")
}

// internal answers 500 without internals, which go to the log.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "the dashboard could not store this; try again", "")
}
