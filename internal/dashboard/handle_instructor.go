package dashboard

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// cookieName is the instructor's session cookie; its value is the
// instructor token, kept out of reach of scripts (HttpOnly) and other
// sites (SameSite=Strict).
const cookieName = "workshop_dashboard"

// instructorOnly lets through requests that carry an instructor token, as
// the cookie set by /login or as "Authorization: Bearer TOKEN", to the
// class of that token.
func (s *Server) instructorOnly(next func(http.ResponseWriter, *http.Request, *room)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			if c, err := r.Cookie(cookieName); err == nil {
				token = c.Value
			}
		}
		if rm := s.roomOfInstructor(token); rm != nil {
			next(w, r, rm)
			return
		}
		if !s.clients.allow(clientKey(r)) {
			s.tooMany(w, r, "too many attempts from your address")
			return
		}
		if wantsHTML(r) {
			s.log.Info("rejected", "method", r.Method, "path", r.URL.Path, "client", clientKey(r), "status", http.StatusUnauthorized)
			s.renderMessage(w, http.StatusUnauthorized, "Log in first",
				"Open the instructor URL that 'workshop dashboard serve' printed when it created the class (…/login?token=…). Lost it? Run 'workshop dashboard serve --new-token' for a new one.")
			return
		}
		s.reject(w, r, http.StatusUnauthorized, "the instructor token is required", "pass it as 'Authorization: Bearer TOKEN' (or --token)")
	}
}

// wantsHTML tells a browser's navigation from an API call.
func wantsHTML(r *http.Request) bool {
	return r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/learners/")
}

// handleLogin exchanges the instructor token in the URL for the session
// cookie, then sends the browser to the page (so the token leaves the
// address bar).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if !s.clients.allow(clientKey(r)) {
		s.tooMany(w, r, "too many login attempts from your address")
		return
	}
	token := r.URL.Query().Get("token")
	if s.roomOfInstructor(token) == nil {
		s.log.Info("rejected", "method", r.Method, "path", r.URL.Path, "client", clientKey(r), "status", http.StatusUnauthorized)
		s.renderMessage(w, http.StatusUnauthorized, "This login link is not valid",
			"Use the instructor URL printed when the class was created, or run 'workshop dashboard serve --new-token' for a new one.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// pageView is what the class page shows.
type pageView struct {
	Board       Board
	JoinCommand string
	JoinCode    string
}

// handlePage serves the dashboard page.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request, rm *room) {
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	code := rm.model.class.JoinCode
	v := pageView{
		Board:       rm.model.board(s.now(), s.opts.Stuck),
		JoinCommand: "workshop start --class " + scheme + "://" + r.Host + " --code " + code,
		JoinCode:    code,
	}
	s.renderHTML(w, http.StatusOK, func(page *htmlWriter) { writePage(page, v) })
}

// handleLearnerPage serves one learner's drill-down.
func (s *Server) handleLearnerPage(w http.ResponseWriter, r *http.Request, rm *room) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d, ok := rm.model.detail(id, s.now(), s.opts.Stuck)
	if err != nil || !ok {
		s.renderMessage(w, http.StatusNotFound, "No such learner", "Go back to the class page.")
		return
	}
	s.renderHTML(w, http.StatusOK, func(page *htmlWriter) { writeLearnerPage(page, d) })
}

// handleBoardAPI answers the board as JSON.
func (s *Server) handleBoardAPI(w http.ResponseWriter, r *http.Request, rm *room) {
	writeJSON(w, http.StatusOK, rm.model.board(s.now(), s.opts.Stuck))
}

// handleLearnerAPI answers one learner's drill-down as JSON.
func (s *Server) handleLearnerAPI(w http.ResponseWriter, r *http.Request, rm *room) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d, ok := rm.model.detail(id, s.now(), s.opts.Stuck)
	if err != nil || !ok {
		writeError(w, http.StatusNotFound, "no such learner", "")
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// handleCSV exports one line per learner of the instructor's class.
func (s *Server) handleCSV(w http.ResponseWriter, r *http.Request, rm *room) {
	writeCSV(w, rm.model.board(s.now(), s.opts.Stuck))
}

// writeCSV answers with a class's board as CSV, one line per learner.
func writeCSV(w http.ResponseWriter, b Board) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	head := []string{"id", "name", "module", "failing_condition", "failing_status", "minutes_on_step", "stuck", "stuck_reason", "finished", "results", "last_seen"}
	head = append(head, b.Columns...)
	_ = cw.Write(head)
	for _, l := range b.Learners {
		rec := []string{strconv.FormatInt(l.ID, 10), l.Name, l.Module, l.Failing, l.FailingStatus,
			strconv.Itoa(int(l.OnStep.Minutes())), strconv.FormatBool(l.Stuck), l.StuckReason,
			strconv.FormatBool(l.Finished), strconv.Itoa(l.Results), l.LastSeen.UTC().Format(time.RFC3339)}
		rec = append(rec, l.Cells...)
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileSafe(b.Class)+`.csv"`)
	_, _ = w.Write(buf.Bytes())
}

// csvSafe keeps a spreadsheet from reading a learner's text as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileSafe makes a class name usable as a download's file name.
func fileSafe(name string) string {
	if f := strings.Trim(unsafeFileChars.ReplaceAllString(name, "-"), "-."); f != "" {
		return f
	}
	return "class"
}

// renderHTML sends a page written by write.
func (s *Server) renderHTML(w http.ResponseWriter, code int, write func(*htmlWriter)) {
	var page htmlWriter
	write(&page)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(page.bytes())
}

// renderMessage shows a page with a title and one paragraph.
func (s *Server) renderMessage(w http.ResponseWriter, code int, title, text string) {
	s.renderHTML(w, code, func(page *htmlWriter) { writeMessage(page, title, text) })
}

// renderBoardFragment renders the board part of a class's page, for live
// updates.
func (s *Server) renderBoardFragment(rm *room) []byte {
	var page htmlWriter
	writeBoard(&page, rm.model.board(s.now(), s.opts.Stuck))
	return page.bytes()
}

// roomOfInstructor is the class whose instructor token is token, or nil.
func (s *Server) roomOfInstructor(token string) *room {
	if token == "" {
		return nil
	}
	for _, rm := range s.roomList() {
		if rm.model.instructorOK(token) {
			return rm
		}
	}
	return nil
}
