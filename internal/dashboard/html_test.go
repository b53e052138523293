package dashboard

import (
	"html/template"
	"strings"
	"testing"
)

// TestHTMLEscaperMatchesHTMLTemplate: the hand-written pages escape every
// value as html/template did in element text, quoted attributes and the
// title, byte for byte.
func TestHTMLEscaperMatchesHTMLTemplate(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`<title>{{.}}</title><p class="{{.}}" data-at="{{.}}">{{.}}</p><pre>{{.}}</pre>`))
	for _, v := range []string{
		"", "plain", `<script>alert("x")</script>`, "a & b", "it's", "2026-01-01T10:00:00+01:00",
		"nul\x00byte", "bad utf-8 \xff\xfe", "é · — ✔", "&amp; already", "{{.}}", "\ufdd0\uffff",
	} {
		var want strings.Builder
		if err := tmpl.Execute(&want, v); err != nil {
			t.Fatal(err)
		}
		var w htmlWriter
		w.raw("<title>")
		w.text(v)
		w.raw(`</title><p class="`)
		w.text(v)
		w.raw(`" data-at="`)
		w.text(v)
		w.raw(`">`)
		w.text(v)
		w.raw("</p><pre>")
		w.text(v)
		w.raw("</pre>")
		if got := string(w.bytes()); got != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", v, got, want.String())
		}
	}
}
