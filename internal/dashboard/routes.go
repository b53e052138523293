package dashboard

import (
	"encoding/json"
	"net/http"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
)

// routes maps the paths to their handlers, behind the security headers.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Learners: the join code, then their own token.
	mux.HandleFunc("POST "+wire.PathJoin, s.handleJoin)
	mux.HandleFunc("POST "+wire.PathLearnersPrefix+"{id}/results", s.learnerOnly(s.handleResult))
	mux.HandleFunc("POST "+wire.PathLearnersPrefix+"{id}/heartbeat", s.learnerOnly(s.handleHeartbeat))
	// The instructor: the instructor token, as a cookie or a bearer token.
	mux.HandleFunc("GET /login", s.handleLogin)
	mux.HandleFunc("GET /{$}", s.instructorOnly(s.handlePage))
	mux.HandleFunc("GET /learners/{id}", s.instructorOnly(s.handleLearnerPage))
	mux.HandleFunc("GET /events", s.instructorOnly(s.handleEvents))
	mux.HandleFunc("GET /learners/{id}/events", s.instructorOnly(s.handleLearnerEvents))
	mux.HandleFunc("GET /export.csv", s.instructorOnly(s.handleCSV))
	mux.HandleFunc("GET "+wire.PathBoard, s.instructorOnly(s.handleBoardAPI))
	mux.HandleFunc("GET "+wire.PathLearnersPrefix+"{id}", s.instructorOnly(s.handleLearnerAPI))
	// The organiser: the organiser token, for the list of classes.
	mux.HandleFunc("GET /organiser/login", s.handleOrganiserLogin)
	mux.HandleFunc("GET /organiser", s.organiserOnly(s.handleOrganiserPage))
	mux.HandleFunc("GET /organiser/events", s.organiserOnly(s.handleOrganiserEvents))
	mux.HandleFunc("GET /organiser/classes/{id}/export.csv", s.organiserOnly(s.handleOrganiserCSV))
	mux.HandleFunc("GET "+wire.PathClasses, s.organiserOnly(s.handleClassesAPI))
	// The page's script and style sheet hold no class data.
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	return securityHeaders(mux)
}

// securityHeaders sets the headers every answer carries: no script or
// style but the dashboard's own files, no framing, no referrer (the login
// URL holds the token), no caching of class data.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with a wire.Error.
func writeError(w http.ResponseWriter, code int, msg, hint string) {
	writeJSON(w, code, wire.Error{Message: msg, Hint: hint})
}
