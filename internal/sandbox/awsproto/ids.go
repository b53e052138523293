package awsproto

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"
)

// DerivedUUID is a version 4 shaped UUID derived from s, for ids inside
// ARNs that must stay the same for the same resource.
func DerivedUUID(s string) string {
	h := sha256.Sum256([]byte(s))
	h[6], h[8] = h[6]&0x0f|0x40, h[8]&0x3f|0x80
	id := hex.EncodeToString(h[:16])
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// HexID returns n random lower-case hex digits, for AWS-shaped ids such as
// vpc-0a1b2c3d4e5f60718.
func HexID(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// UpperAlnum returns n random characters of A-Z0-9, as CloudFormation puts
// at the end of the names it generates.
func UpperAlnum(n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

// Digits returns n random decimal digits.
func Digits(n int) string {
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

// ISOTime is a time that XML protocols send as ISO 8601 with milliseconds,
// as AWS does (2026-01-02T15:04:05.123Z).
type ISOTime time.Time

// ISOLayout is ISOTime's text form.
const ISOLayout = "2006-01-02T15:04:05.000Z"

// MarshalText implements encoding.TextMarshaler.
func (t ISOTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format(ISOLayout)), nil
}

// ISOPtr is an optional ISOTime: nil when t is nil or zero.
func ISOPtr(t *time.Time) *ISOTime {
	if t == nil || t.IsZero() {
		return nil
	}
	v := ISOTime(*t)
	return &v
}

// SortedKeys returns the keys of m in order.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
