package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"time"
)

// hexID returns n random lower-case hex digits, for AWS-shaped ids such as
// vpc-0a1b2c3d4e5f60718.
func hexID(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// upperAlnum returns n random characters of A-Z0-9, as CloudFormation puts
// at the end of the names it generates.
func upperAlnum(n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

// digits returns n random decimal digits.
func digits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// isoTime is a time that XML protocols send as ISO 8601 with milliseconds,
// as AWS does (2026-01-02T15:04:05.123Z).
type isoTime time.Time

// isoLayout is isoTime's text form.
const isoLayout = "2006-01-02T15:04:05.000Z"

// MarshalText implements encoding.TextMarshaler.
func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format(isoLayout)), nil
}

// isoPtr is an optional isoTime: nil when t is nil or zero.
func isoPtr(t *time.Time) *isoTime {
	if t == nil || t.IsZero() {
		return nil
	}
	v := isoTime(*t)
	return &v
}

// sortStrings sorts in place.
func sortStrings(s []string) { sort.Strings(s) }
