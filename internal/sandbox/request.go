package sandbox

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

// call is one API request being served.
type call struct {
	ctx       context.Context
	region    string
	requestID string
	now       time.Time
	// mutated is set by an operation that changed the state, so that the
	// router writes it to disk.
	mutated bool
}

// changed marks the state as changed by this call.
func (c *call) changed() { c.mutated = true }

// regionOf reads the region from the SigV4 credential scope of the
// Authorization header (or of a presigned URL's X-Amz-Credential), falling
// back to DefaultRegion.
func regionOf(r *http.Request) string {
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

// newRequestID returns a random id in the UUID form AWS uses.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// epoch is a time that JSON protocols send as epoch seconds (a number with
// a fraction), as ECR and ECS do.
type epoch time.Time

// MarshalJSON implements json.Marshaler.
func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}
