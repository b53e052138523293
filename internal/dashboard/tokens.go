package dashboard

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Tokens are random secrets of 256 bits. The store keeps only their SHA-256
// hashes (a slow password hash adds nothing to a secret with this much
// entropy), and every comparison is in constant time.

// newToken returns a fresh token with the given prefix ("wi_" for an
// instructor, "wl_" for a learner), so a leaked one is recognisable.
func newToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a token.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// tokenMatches reports, in constant time, whether token hashes to hash.
func tokenMatches(token string, hash []byte) bool {
	return len(hash) == sha256.Size && subtle.ConstantTimeCompare(hashToken(token), hash) == 1
}

// joinAlphabet has no letters or digits that read alike (0/O, 1/I/L).
const joinAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newJoinCode returns a code such as "K7QD-3MXA": easy to read out in a
// room, and about 8.5e11 possibilities, enough with the join rate limit.
func newJoinCode() string {
	const n = byte(len(joinAlphabet))
	var b []byte
	var r [1]byte
	for len(b) < 8 {
		_, _ = rand.Read(r[:])
		if int(r[0]) < 256/int(n)*int(n) { // no modulo bias
			b = append(b, joinAlphabet[r[0]%n])
		}
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// normalizeJoinCode lets a learner type the code in any case, with or
// without the dash or spaces.
func normalizeJoinCode(code string) string {
	code = strings.ToUpper(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, code)
}

// joinCodeMatches compares a typed code with the class's in constant time.
func joinCodeMatches(typed, code string) bool {
	a, b := normalizeJoinCode(typed), normalizeJoinCode(code)
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
