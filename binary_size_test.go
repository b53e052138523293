package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxStrippedSize is the most the stripped binary may weigh. It was 79 MB
// while templates were executed (cobra's version template, the dashboard's
// html/template, glamour) and 29 MB without.
const maxStrippedSize = 45_000_000 // bytes

// TestBinaryStaysLean builds the stripped binary, as 'go run' links it,
// and fails when it grows past maxStrippedSize or when the linker sees a
// call of a method by a name known only at run time (reflect's
// Value.Method or MethodByName, as text/template and html/template make
// to evaluate {{.Field}}): then the linker must keep every exported method
// of every type that can reach an interface, the AWS SDK's hundreds of
// unused operations among them, and the binary and its link time double.
// The failure shows how main reaches such a call.
func TestBinaryStaysLean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "workshop")
	cmd := exec.Command("go", "build", "-ldflags=-s -w -dumpdep", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, tail(out))
	}
	for _, chain := range reflectMethodChains(string(out)) {
		t.Errorf("the linker keeps every exported method because main reaches a call of a method by name:\n  %s",
			strings.Join(chain, "\n  ← "))
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > maxStrippedSize {
		t.Errorf("the stripped binary weighs %.1f MB, more than %.0f MB", float64(fi.Size())/1e6, maxStrippedSize/1e6)
	}
	t.Logf("stripped binary: %.1f MB", float64(fi.Size())/1e6)
}

// dumpdepAttrs are the attributes -dumpdep writes after a symbol's name.
var dumpdepAttrs = regexp.MustCompile(` <[A-Za-z]+>`)

// reflectMethodChains reads the linker's -dumpdep output ("from -> to",
// one line for each symbol it marks reachable, from the symbol that first
// reached it) and returns, for each reachable function marked
// <ReflectMethod>, the chain of symbols from it back to the program's entry.
func reflectMethodChains(dump string) [][]string {
	parent := map[string]string{}
	var flagged []string
	for _, line := range strings.Split(dump, "\n") {
		from, to, ok := strings.Cut(line, " -> ")
		if !ok {
			continue
		}
		name := dumpdepAttrs.ReplaceAllString(to, "")
		if _, seen := parent[name]; !seen {
			parent[name] = dumpdepAttrs.ReplaceAllString(from, "")
		}
		if strings.Contains(to, "<ReflectMethod>") {
			flagged = append(flagged, name)
		}
	}
	// Once one call is seen, reflect.Value's own methods are kept too, and
	// those that call Method are marked: they follow from the cause.
	var causes []string
	for _, f := range flagged {
		if !strings.HasPrefix(f, "reflect.") {
			causes = append(causes, f)
		}
	}
	if len(causes) == 0 {
		causes = flagged
	}
	var chains [][]string
	for _, f := range causes {
		chain := []string{f}
		for s := parent[f]; s != "" && s != "_" && len(chain) < 40; s = parent[s] {
			chain = append(chain, s)
			if s == "main.main" {
				break
			}
		}
		chains = append(chains, chain)
	}
	return chains
}

// tail is the end of a long output.
func tail(out []byte) []byte {
	if len(out) > 4000 {
		return out[len(out)-4000:]
	}
	return out
}
