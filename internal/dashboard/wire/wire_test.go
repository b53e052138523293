package wire

import (
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"Ada", true},
		{"José Müller", true},
		{"ada@laptop", true},
		{strings.Repeat("é", MaxNameLen), true},
		{"", false},
		{" Ada", false},
		{"Ada ", false},
		{"A\nda", false},
		{"A\x1b[31mda", false},
		{"A\u0085da", false},
		{"A\u2028da", false},
		{"\xff", false},
		{strings.Repeat("x", MaxNameLen+1), false},
	} {
		if got := ValidName(tt.name); got != tt.ok {
			t.Errorf("ValidName(%q) = %t, want %t", tt.name, got, tt.ok)
		}
	}
}

func TestValidResultID(t *testing.T) {
	for _, tt := range []struct {
		id string
		ok bool
	}{
		{"0001764150000000000000-9f3a", true},
		{"r_1", true},
		{"", false},
		{"../etc", false},
		{"a b", false},
		{strings.Repeat("a", MaxResultIDLen+1), false},
	} {
		if got := ValidResultID(tt.id); got != tt.ok {
			t.Errorf("ValidResultID(%q) = %t, want %t", tt.id, got, tt.ok)
		}
	}
}
