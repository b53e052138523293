package dashboard

import (
	"strconv"
	"strings"
)

// The pages are written by hand rather than with html/template: executing
// a template calls methods by name through reflection, which makes the
// linker keep every exported method of every type in the binary (the
// whole AWS SDK's unused operations among them, about half its size).

// htmlEscaper escapes text for an HTML element's content or a quoted
// attribute value exactly as html/template does for a string.
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// htmlWriter builds a page: markup is written as is, values escaped.
type htmlWriter struct{ b strings.Builder }

// raw writes markup.
func (w *htmlWriter) raw(markup ...string) {
	for _, m := range markup {
		w.b.WriteString(m)
	}
}

// text writes a value, escaped.
func (w *htmlWriter) text(v string) { _, _ = htmlEscaper.WriteString(&w.b, v) }

// int writes a number.
func (w *htmlWriter) int(n int) { w.b.WriteString(strconv.Itoa(n)) }

// id writes a learner id.
func (w *htmlWriter) id(n int64) { w.b.WriteString(strconv.FormatInt(n, 10)) }

// bytes is the page written so far.
func (w *htmlWriter) bytes() []byte { return []byte(w.b.String()) }
