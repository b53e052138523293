package awsproto

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultRegion is the region of a request whose credential scope names none.
const DefaultRegion = "us-east-1"

// Account is the sandbox's one AWS account id (moto's default, so results
// compare with moto's).
const Account = "123456789012"

// Call is one API request being served.
type Call struct {
	// Ctx ends when the client goes away.
	Ctx context.Context
	// Region is the region the request is for (RegionOf).
	Region string
	// RequestID is the id the response carries.
	RequestID string
	// Now is when the call started, in UTC: the one time an operation
	// stamps on what it makes.
	Now time.Time
	// mutated is set by an operation that changed the state, so that the
	// router writes it to disk.
	mutated bool
}

// NewCall is the call of request r, with the request id the response
// carries.
func NewCall(r *http.Request, requestID string) *Call {
	return &Call{Ctx: r.Context(), Region: RegionOf(r), RequestID: requestID, Now: time.Now().UTC()}
}

// Mutated reports whether an operation changed the state during this
// call, so that the server saves it.
func (c *Call) Mutated() bool { return c.mutated }

// Changed marks the state as changed by this call.
func (c *Call) Changed() { c.mutated = true }

// RegionOf reads the region from the SigV4 credential scope of the
// Authorization header (or of a presigned URL's X-Amz-Credential), falling
// back to DefaultRegion.
func RegionOf(r *http.Request) string {
	scope := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		if _, after, ok := strings.Cut(auth, "Credential="); ok {
			scope, _, _ = strings.Cut(after, ",")
		}
	} else {
		scope = r.URL.Query().Get("X-Amz-Credential")
	}
	// AKID/DATE/REGION/SERVICE/aws4_request
	parts := strings.Split(strings.TrimSpace(scope), "/")
	if len(parts) == 5 && validRegion(parts[2]) {
		return parts[2]
	}
	return DefaultRegion
}

// validRegion accepts names like us-east-1 or cn-north-1: lower-case
// letters, digits and dashes.
func validRegion(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// NewRequestID returns a random id in the UUID form AWS uses.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Epoch is a time that JSON protocols send as epoch seconds (a number with
// a fraction), as ECR and ECS do.
type Epoch time.Time

// MarshalJSON implements json.Marshaler.
func (t Epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}
