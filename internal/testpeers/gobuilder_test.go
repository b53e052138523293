package testpeers

import (
	"archive/tar"
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
)

func TestGoBuilderContextHoldsOnlyWhatCompilingNeeds(t *testing.T) {
	var buf bytes.Buffer
	if err := writeGoBuilderContext(&buf, GOROOT(t)); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(&buf)
	have := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		have[h.Name] = true
		if strings.HasSuffix(h.Name, "_test.go") || strings.Contains(h.Name, "/testdata/") ||
			strings.HasPrefix(h.Name, "go/src/cmd/") || strings.HasPrefix(h.Name, "go/test/") {
			t.Errorf("context holds %s, which compiling does not need", h.Name)
		}
	}
	tool := "go/pkg/tool/" + runtime.GOOS + "_" + runtime.GOARCH + "/"
	for _, want := range []string{"Dockerfile", "go/bin/go", tool + "compile", tool + "link", tool + "asm",
		"go/src/net/http/server.go", "go/src/runtime/asm_amd64.s", "go/go.env", "go/VERSION"} {
		if !have[want] {
			t.Errorf("context lacks %s", want)
		}
	}
	if have["go/bin/gofmt"] || have[tool+"vet"] {
		t.Error("context holds tools compiling does not need")
	}
}
