package markdown

import (
	"strings"

	east "github.com/yuin/goldmark/extension/ast"
)

// table renders a table without an outer border: cells separated by bars,
// the header underlined, columns as wide as their widest cell, shrunk
// (their cells wrapped) when the table is wider than width.
func (r *renderer) table(n *east.Table, width int) string {
	var rows [][][]piece
	for row := n.FirstChild(); row != nil; row = row.NextSibling() {
		var cellsOf [][]piece
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cellsOf = append(cellsOf, r.inlines(c, r.textLook()))
		}
		rows = append(rows, cellsOf)
	}
	if len(rows) == 0 {
		return ""
	}
	widths := columnWidths(rows, len(n.Alignments), width)
	bar, rule, cross := "│", "─", "┼"
	if r.pal == nil {
		bar, rule, cross = "|", "-", "|"
	}
	var lines []string
	for i, row := range rows {
		lines = append(lines, r.tableRow(row, widths, n.Alignments, bar)...)
		if i == 0 {
			var segs []string
			for _, w := range widths {
				segs = append(segs, strings.Repeat(rule, w+2))
			}
			lines = append(lines, strings.Join(segs, cross))
		}
	}
	return strings.Join(lines, "\n")
}

// tableRow renders one row, as many lines as its tallest wrapped cell.
func (r *renderer) tableRow(row [][]piece, widths []int, align []east.Alignment, bar string) []string {
	wrapped := make([][]string, len(widths))
	height := 1
	for i, w := range widths {
		var cell []piece
		if i < len(row) {
			cell = row[i]
		}
		wrapped[i] = strings.Split(r.flow(cell, w), "\n")
		height = max(height, len(wrapped[i]))
	}
	lines := make([]string, height)
	for l := range lines {
		segs := make([]string, len(widths))
		for i, w := range widths {
			cell := ""
			if l < len(wrapped[i]) {
				cell = wrapped[i][l]
			}
			segs[i] = " " + pad(cell, w, align[i]) + " "
		}
		lines[l] = strings.TrimRight(strings.Join(segs, bar), " ")
	}
	return lines
}

// columnWidths are the widest cell of each of n columns, the widest
// columns narrowed until the table (a space each side of every cell and a
// bar between cells) fits in width.
func columnWidths(rows [][][]piece, n, width int) []int {
	widths := make([]int, n)
	for _, row := range rows {
		for i, c := range row {
			if i < n {
				for _, w := range words(c) {
					widths[i] = max(widths[i], w.width)
				}
				widths[i] = max(widths[i], lineWidth(c))
			}
		}
	}
	total := func() int {
		t := 3*n - 1
		for _, w := range widths {
			t += w
		}
		return t
	}
	for total() > width {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= 3 {
			break
		}
		widths[widest]--
	}
	return widths
}

// pad aligns a cell in w cells.
func pad(cell string, w int, align east.Alignment) string {
	space := max(w-cells(cell), 0)
	switch align {
	case east.AlignRight:
		return strings.Repeat(" ", space) + cell
	case east.AlignCenter:
		return strings.Repeat(" ", space/2) + cell + strings.Repeat(" ", space-space/2)
	}
	return cell + strings.Repeat(" ", space)
}

// lineWidth is the width of pieces on one line.
func lineWidth(pieces []piece) int {
	w := 0
	for _, p := range pieces {
		w += cells(p.text)
	}
	return w
}
