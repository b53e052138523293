package workshop

import "testing"

func TestIsManaged(t *testing.T) {
	for _, tt := range []struct {
		name string
		tags map[string]string
		want bool
	}{
		{"no tags", nil, false},
		{"the tag", map[string]string{"workshop:managed": "true", "team": "x"}, true},
		{"another value", map[string]string{"workshop:managed": "false"}, false},
		{"another case", map[string]string{"Workshop:Managed": "true"}, false},
		{"a look-alike name", map[string]string{"Name": "workshop:managed"}, false},
	} {
		if got := IsManaged(tt.tags); got != tt.want {
			t.Errorf("%s: IsManaged(%v) = %v, want %v", tt.name, tt.tags, got, tt.want)
		}
	}
}
