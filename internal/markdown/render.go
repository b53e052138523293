// Package markdown renders the workshop's explanations for a terminal:
// headings, paragraphs, emphasis, code, lists, quotes and tables, wrapped
// to a width and coloured for a dark or a light background, or plain.
//
// It replaces glamour, whose element renderer executes a text/template for
// every styled token: a reachable template executor makes the linker keep
// every exported method of every type in the binary.
package markdown

import (
	"image/color"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// margin indents every line.
const margin = "  "

// minWidth is the narrowest the text is wrapped to, whatever the width.
const minWidth = 10

// Render renders src for lines of width cells: a blank line, the blocks
// indented by a margin of two cells and separated by blank lines, then a
// blank line.
func Render(src string, width int, theme Theme) string {
	source := []byte(src)
	doc := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).
		Parser().Parse(text.NewReader(source))
	r := &renderer{src: source, pal: theme.palette()}
	var b strings.Builder
	b.WriteString("\n")
	for i, blk := range r.blocks(doc, max(width-2*len(margin), minWidth)) {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, line := range strings.Split(blk, "\n") {
			b.WriteString(margin + line + "\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

// renderer renders one document.
type renderer struct {
	src []byte
	pal *palette // nil: plain
}

// blocks renders the block children of n for width cells, one string of
// lines per block.
func (r *renderer) blocks(n ast.Node, width int) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s, ok := r.block(c, width); ok {
			out = append(out, s)
		}
	}
	return out
}

// block renders one block node; false for a node that shows nothing.
func (r *renderer) block(n ast.Node, width int) (string, bool) {
	switch n := n.(type) {
	case *ast.Heading:
		return r.heading(n, width), true
	case *ast.Paragraph, *ast.TextBlock:
		return r.flow(r.inlines(n, r.textLook()), width), true
	case *ast.List:
		return r.list(n, width), true
	case *ast.Blockquote:
		return r.quote(n, width), true
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return r.codeBlock(n), true
	case *ast.HTMLBlock:
		return r.lines(n), true
	case *ast.ThematicBreak:
		return r.styled("--------", r.fg(func(p *palette) color.Color { return p.rule })), true
	case *east.Table:
		return r.table(n, width), true
	}
	if n.HasChildren() {
		return strings.Join(r.blocks(n, width), "\n\n"), true
	}
	return "", false
}

// heading renders a heading: "# Title" plain, else the first level as a
// badge and the others as "## Title" in the heading colour.
func (r *renderer) heading(n *ast.Heading, width int) string {
	if r.pal != nil && n.Level == 1 {
		l := look{fg: r.pal.h1, bg: r.pal.h1Back, bold: true}
		pad := piece{text: " ", look: l, keep: true}
		return r.flow(append(append([]piece{pad}, r.inlines(n, l)...), pad), width)
	}
	l := look{}
	if r.pal != nil {
		l = look{fg: r.pal.heading, bold: true}
	}
	mark := piece{text: strings.Repeat("#", n.Level) + " ", look: l}
	return r.flow(append([]piece{mark}, r.inlines(n, l)...), width)
}

// list renders a list's items with a bullet or a number, their lines
// hanging under the item's first.
func (r *renderer) list(n *ast.List, width int) string {
	var items []string
	num := n.Start
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		mark := "• "
		if n.IsOrdered() {
			mark = itoa(num) + ". "
			num++
		}
		sep := "\n"
		if !n.IsTight {
			sep = "\n\n"
		}
		body := strings.Join(r.blocks(c, max(width-cells(mark), minWidth)), sep)
		items = append(items, hang(r.styled(mark, r.textLook()), cells(mark), body))
	}
	if n.IsTight {
		return strings.Join(items, "\n")
	}
	return strings.Join(items, "\n\n")
}

// quote renders a block quote with a bar before each line.
func (r *renderer) quote(n *ast.Blockquote, width int) string {
	bar := "│ "
	if r.pal == nil {
		bar = "| "
	}
	body := strings.Join(r.blocks(n, max(width-cells(bar), minWidth)), "\n\n")
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = r.styled(bar, r.textLook()) + l
	}
	return strings.Join(lines, "\n")
}

// codeBlock renders code as it is, in the code block colour.
func (r *renderer) codeBlock(n ast.Node) string {
	code := strings.TrimRight(r.rawLines(n), "\n")
	l := r.fg(func(p *palette) color.Color { return p.codeBlock })
	lines := strings.Split(code, "\n")
	for i, line := range lines {
		lines[i] = margin + r.styled(line, l)
	}
	return strings.Join(lines, "\n")
}

// lines renders a block's raw lines as text.
func (r *renderer) lines(n ast.Node) string {
	return r.styled(strings.TrimRight(r.rawLines(n), "\n"), r.textLook())
}

// rawLines is the source of a block's lines.
func (r *renderer) rawLines(n ast.Node) string {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(r.src))
	}
	return b.String()
}

// hang puts mark (cells wide) before body's first line and as many spaces
// before the others.
func hang(mark string, width int, body string) string {
	lines := strings.Split(body, "\n")
	pad := strings.Repeat(" ", width)
	for i, l := range lines {
		if i == 0 {
			lines[i] = mark + l
		} else if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}
