package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestStampOf(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name                      string
		ldVersion, ldCommit, date string
		bi                        *debug.BuildInfo
		want                      buildStamp
	}{
		{"no build information", "", "", "", nil, buildStamp{Version: "dev"}},
		{
			"release build: the link-time values win",
			"1.2.0", "fae27acd1234abcd", "2026-12-04T08:00:00Z",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.revision", "0123456789abcdef")},
			buildStamp{Version: "1.2.0", Commit: "fae27acd1234abcd", Date: "2026-12-04T08:00:00Z"},
		},
		{
			"go install ...@v1.2.0",
			"", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}},
			buildStamp{Version: "v1.2.0"},
		},
		{
			"go install ...@latest of an untagged commit: the pseudo-version's commit and time",
			"", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261204084417-fae27acd1234"}},
			buildStamp{Version: "v0.0.0-20261204084417-fae27acd1234", Commit: "fae27acd1234", Date: "2026-12-04T08:44:17Z"},
		},
		{
			"pseudo-version after a tag",
			"", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v1.2.1-0.20261204084417-fae27acd1234"}},
			buildStamp{Version: "v1.2.1-0.20261204084417-fae27acd1234", Commit: "fae27acd1234", Date: "2026-12-04T08:44:17Z"},
		},
		{
			"go build in a modified checkout",
			"", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(
				"vcs.revision", "fae27acd1234abcdef", "vcs.time", "2026-12-04T08:44:17Z", "vcs.modified", "true")},
			buildStamp{Version: "dev", Commit: "fae27acd1234-dirty", Date: "2026-12-04T08:44:17Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stampOf(tt.ldVersion, tt.ldCommit, tt.date, tt.bi); got != tt.want {
				t.Errorf("stampOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBuildStampString(t *testing.T) {
	got := buildStamp{Version: "v1.2.0", Commit: "fae27acd1234", Date: "2026-12-04T08:44:17Z"}.String()
	if want := "1.2.0 (commit fae27acd1234, built 2026-12-04T08:44:17Z, go"; !strings.HasPrefix(got, want) {
		t.Errorf("String = %q, want it to start with %q", got, want)
	}
	if got := (buildStamp{Version: "dev"}).String(); !strings.HasPrefix(got, "dev (go") {
		t.Errorf("String = %q, want dev (go…", got)
	}
}
