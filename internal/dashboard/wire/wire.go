// Package wire is the HTTP contract between a learner's workshop command
// and the instructor dashboard: paths, headers, request and response bodies.
// The dashboard server and the learner's client both use it, so neither
// imports the other.
package wire

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The dashboard's API paths.
const (
	// PathJoin is where a learner joins a class (POST JoinRequest).
	PathJoin = "/api/v1/join"
	// PathBoard is the instructor's read API for the whole class (GET).
	PathBoard = "/api/v1/board"
	// PathClasses is the organiser's read API: every class served, summed
	// up (GET).
	PathClasses = "/api/v1/classes"
	// PathLearnersPrefix starts the per-learner paths.
	PathLearnersPrefix = "/api/v1/learners/"
)

// ResultsPath is where learner id posts its check results (the body is a
// workshop.Result in its design §3 JSON form).
func ResultsPath(id int64) string { return PathLearnersPrefix + strconv.FormatInt(id, 10) + "/results" }

// HeartbeatPath is where learner id posts its heartbeat (a Heartbeat body).
func HeartbeatPath(id int64) string {
	return PathLearnersPrefix + strconv.FormatInt(id, 10) + "/heartbeat"
}

// LearnerPath is the instructor's read API for one learner (GET).
func LearnerPath(id int64) string { return PathLearnersPrefix + strconv.FormatInt(id, 10) }

// HeaderResultID carries the client's id of a result, so a result resent
// after a lost answer is stored once.
const HeaderResultID = "X-Result-Id"

// Limits the server enforces on learner input, which clients should respect.
const (
	// MaxNameLen is the longest learner name, in characters.
	MaxNameLen = 64
	// MaxResultBytes is the largest result body accepted.
	MaxResultBytes = 256 << 10
	// MaxSmallBodyBytes is the largest join or heartbeat body accepted.
	MaxSmallBodyBytes = 4 << 10
	// MaxResultIDLen is the longest X-Result-Id.
	MaxResultIDLen = 64
)

// JoinRequest asks to join a class.
type JoinRequest struct {
	// Code is the class's join code, as the instructor announced it.
	Code string `json:"code"`
	// Name is how the learner appears on the dashboard.
	Name string `json:"name"`
}

// JoinResponse gives a learner their id and token.
type JoinResponse struct {
	// LearnerID identifies the learner in the per-learner paths.
	LearnerID int64 `json:"learner_id"`
	// Token authorises the learner's writes, as "Authorization: Bearer TOKEN".
	Token string `json:"token"`
	// Class is the class's name.
	Class string `json:"class"`
}

// Heartbeat tells the dashboard a learner is still there, and where.
type Heartbeat struct {
	// Where is a target or step id, such as "module-2" or
	// "module-2/create-target-group"; empty when unknown.
	Where string `json:"where"`
}

// PostResponse answers an accepted result.
type PostResponse struct {
	// Duplicate is true when the result had been accepted before.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Error is the body of every error answer.
type Error struct {
	// Message says what was wrong.
	Message string `json:"error"`
	// Hint says what the caller can do, when there is something.
	Hint string `json:"hint,omitempty"`
}

// ValidName reports whether name can appear on the dashboard: 1 to
// MaxNameLen characters, printable, no leading or trailing space.
func ValidName(name string) bool {
	if name == "" || strings.TrimSpace(name) != name || !utf8.ValidString(name) {
		return false
	}
	n := 0
	for _, r := range name {
		n++
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return n <= MaxNameLen
}

// ValidResultID reports whether id is a usable X-Result-Id: 1 to
// MaxResultIDLen letters, digits, '-' or '_'.
func ValidResultID(id string) bool {
	if id == "" || len(id) > MaxResultIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
