package dashboard

import (
	"net/http"
	"strconv"
	"strings"
)

// organiserCookie is the organiser's session cookie, set like the
// instructor's.
const organiserCookie = "workshop_organiser"

// ClassSummary is one class on the organiser's list.
type ClassSummary struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	Learners int      `json:"learners"`
	Finished int      `json:"finished"`
	Stuck    int      `json:"stuck"`
	Columns  []string `json:"columns"`
	// Passed counts, per column, the learners whose target passes.
	Passed []int `json:"passed"`
	// TopCause is the root cause holding up the most learners, if any.
	TopCause *CohortEntry `json:"top_cause,omitempty"`
}

// summary sums a class's board up for the organiser.
func summary(id int64, b Board) ClassSummary {
	cs := ClassSummary{ID: id, Name: b.Class, Learners: len(b.Learners), Finished: b.Finished, Stuck: len(b.Stuck),
		Columns: b.Columns, Passed: make([]int, len(b.Columns))}
	for _, l := range b.Learners {
		for i, c := range l.Cells {
			if c == "pass" && i < len(cs.Passed) {
				cs.Passed[i]++
			}
		}
	}
	if len(b.Cohort) > 0 {
		top := b.Cohort[0]
		cs.TopCause = &top
	}
	return cs
}

// organiserOnly lets through requests that carry the organiser token, as
// the cookie set by /organiser/login or as "Authorization: Bearer TOKEN".
func (s *Server) organiserOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			if c, err := r.Cookie(organiserCookie); err == nil {
				token = c.Value
			}
		}
		if token != "" && tokenMatches(token, s.opts.OrganiserHash) {
			next(w, r)
			return
		}
		if !s.clients.allow(clientKey(r)) {
			s.tooMany(w, r, "too many attempts from your address")
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/organiser") {
			s.reject(w, r, http.StatusUnauthorized, "the organiser token is required", "pass it as 'Authorization: Bearer TOKEN'")
			return
		}
		s.log.Info("rejected", "method", r.Method, "path", r.URL.Path, "client", clientKey(r), "status", http.StatusUnauthorized)
		s.renderMessage(w, http.StatusUnauthorized, "Log in first",
			"Open the organiser URL that 'workshop dashboard serve' printed (…/organiser/login?token=…). Lost it? Run 'workshop dashboard serve --new-organiser-token' for a new one.")
	}
}

// handleOrganiserLogin exchanges the organiser token in the URL for the
// session cookie.
func (s *Server) handleOrganiserLogin(w http.ResponseWriter, r *http.Request) {
	if !s.clients.allow(clientKey(r)) {
		s.tooMany(w, r, "too many login attempts from your address")
		return
	}
	token := r.URL.Query().Get("token")
	if !tokenMatches(token, s.opts.OrganiserHash) {
		s.log.Info("rejected", "method", r.Method, "path", r.URL.Path, "client", clientKey(r), "status", http.StatusUnauthorized)
		s.renderMessage(w, http.StatusUnauthorized, "This login link is not valid",
			"Use the organiser URL 'workshop dashboard serve' printed, or run 'workshop dashboard serve --new-organiser-token' for a new one.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: organiserCookie, Value: token, Path: "/organiser", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/organiser", http.StatusSeeOther)
}

// summaries sums up every class served.
func (s *Server) summaries() []ClassSummary {
	rooms := s.roomList()
	out := make([]ClassSummary, 0, len(rooms))
	for _, rm := range rooms {
		out = append(out, summary(rm.model.class.ID, rm.model.board(s.now(), s.opts.Stuck)))
	}
	return out
}

// handleOrganiserPage lists the classes with their progress.
func (s *Server) handleOrganiserPage(w http.ResponseWriter, r *http.Request) {
	list := s.summaries()
	s.renderHTML(w, http.StatusOK, func(page *htmlWriter) { writeOrganiserPage(page, list) })
}

// renderClassesFragment renders the part of the organiser's page live
// updates replace: the table of classes.
func (s *Server) renderClassesFragment() []byte {
	var page htmlWriter
	writeClassesTable(&page, s.summaries())
	return page.bytes()
}

// handleClassesAPI answers the list of classes as JSON.
func (s *Server) handleClassesAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.summaries())
}

// handleOrganiserCSV exports one class, as its instructor's export does.
func (s *Server) handleOrganiserCSV(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for _, rm := range s.roomList() {
		if err == nil && rm.model.class.ID == id {
			writeCSV(w, rm.model.board(s.now(), s.opts.Stuck))
			return
		}
	}
	s.renderMessage(w, http.StatusNotFound, "No such class", "Go back to the list of classes.")
}
