package markdown

import (
	"html"
	"image/color"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// nbsp pads a code span without letting the line break there.
const nbsp = "\u00a0"

// piece is a run of text in one look; keep: a code span, which a line
// breaks inside only when it is wider than the line.
type piece struct {
	text string
	look look
	keep bool
}

// inlines renders n's inline children in look l.
func (r *renderer) inlines(n ast.Node, l look) []piece {
	var out []piece
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out = r.inline(out, c, l)
	}
	return out
}

// inline appends one inline node, in look l, to out.
func (r *renderer) inline(out []piece, n ast.Node, l look) []piece {
	switch n := n.(type) {
	case *ast.Text:
		out = append(out, piece{text: r.value(n.Value(r.src)), look: l})
		switch {
		case n.HardLineBreak():
			out = append(out, piece{text: "\n", look: l})
		case n.SoftLineBreak():
			out = append(out, piece{text: " ", look: l})
		}
	case *ast.String:
		out = append(out, piece{text: r.value(n.Value), look: l})
	case *ast.CodeSpan:
		code := r.plainText(n)
		if r.pal == nil {
			return append(out, piece{text: "`" + code + "`", keep: true})
		}
		l.fg, l.bg = r.pal.code, r.pal.codeBack
		out = append(out, piece{text: nbsp + code + nbsp, look: l, keep: true})
	case *ast.Emphasis:
		mark := strings.Repeat("*", n.Level)
		if n.Level >= 2 {
			l.bold = true
		} else {
			l.italic = true
		}
		out = r.marked(out, n, l, mark)
	case *east.Strikethrough:
		l.strike = true
		out = r.marked(out, n, l, "~~")
	case *ast.Link:
		out = append(out, r.inlines(n, r.linkTextLook(l))...)
		if url := string(n.Destination); url != "" && url != r.plainText(n) {
			out = append(out, piece{text: " ", look: l}, piece{text: url, look: r.linkLook(l)})
		}
	case *ast.AutoLink:
		out = append(out, piece{text: string(n.URL(r.src)), look: r.linkLook(l)})
	case *ast.Image:
		out = append(out, piece{text: "Image: " + r.plainText(n), look: l})
		if url := string(n.Destination); url != "" {
			out = append(out, piece{text: " ", look: l}, piece{text: url, look: r.linkLook(l)})
		}
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			out = append(out, piece{text: string(seg.Value(r.src)), look: l})
		}
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			out = r.inline(out, c, l)
		}
	}
	return out
}

// marked appends n's children in look l, between marks when plain.
func (r *renderer) marked(out []piece, n ast.Node, l look, mark string) []piece {
	if r.pal == nil {
		out = append(out, piece{text: mark, look: l})
		out = append(out, r.inlines(n, l)...)
		return append(out, piece{text: mark, look: l})
	}
	return append(out, r.inlines(n, l)...)
}

// linkLook is an address's look inside l.
func (r *renderer) linkLook(l look) look {
	if r.pal != nil {
		l.fg, l.underline = r.pal.link, true
	}
	return l
}

// linkTextLook is a link text's look inside l.
func (r *renderer) linkTextLook(l look) look {
	if r.pal != nil {
		l.fg, l.bold = r.pal.linkText, true
	}
	return l
}

// plainText is the text of n's descendants, without styles.
func (r *renderer) plainText(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.WriteString(r.value(c.Value(r.src)))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteString(" ")
			}
		case *ast.String:
			b.WriteString(r.value(c.Value))
		default:
			b.WriteString(r.plainText(c))
		}
	}
	return b.String()
}

// value is a text's source with its backslash escapes and character
// references resolved.
func (r *renderer) value(v []byte) string {
	return html.UnescapeString(string(util.UnescapePunctuations(v)))
}

// styled is s in look l; s itself when plain.
func (r *renderer) styled(s string, l look) string {
	if r.pal == nil || s == "" {
		return s
	}
	return l.style().Styled(s)
}

// textLook is body text's look.
func (r *renderer) textLook() look {
	if r.pal == nil {
		return look{}
	}
	return look{fg: r.pal.text}
}

// fg is the look of one of the palette's colours; nothing when plain.
func (r *renderer) fg(pick func(*palette) color.Color) look {
	if r.pal == nil {
		return look{}
	}
	return look{fg: pick(r.pal)}
}

// cells is the width of s on a terminal.
func cells(s string) int { return ansi.StringWidth(s) }

// itoa formats a list number.
func itoa(n int) string { return strconv.Itoa(n) }
