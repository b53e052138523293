package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// word is what a line does not break inside (unless it is wider than the
// line), and the look of the space after it.
type word struct {
	pieces []piece
	space  look
	width  int
	// newline: a hard line break follows.
	newline bool
}

// words splits pieces at their spaces; a code span stays whole.
func words(pieces []piece) []word {
	var out []word
	var cur word
	end := func(space look, newline bool) {
		if len(cur.pieces) > 0 || newline {
			cur.space, cur.newline = space, newline
			out = append(out, cur)
		}
		cur = word{}
	}
	for _, p := range pieces {
		if p.keep {
			cur.pieces = append(cur.pieces, p)
			cur.width += cells(p.text)
			continue
		}
		for i, part := range strings.Split(p.text, "\n") {
			if i > 0 {
				end(p.look, true)
			}
			for j, w := range strings.Split(part, " ") {
				if j > 0 {
					end(p.look, false)
				}
				if w != "" {
					cur.pieces = append(cur.pieces, piece{text: w, look: p.look})
					cur.width += cells(w)
				}
			}
		}
	}
	end(look{}, false)
	return out
}

// flow renders pieces in lines of at most width cells, breaking at spaces.
func (r *renderer) flow(pieces []piece, width int) string {
	var lines []string
	var line []piece
	used := 0
	var space *look
	flush := func() {
		lines = append(lines, r.line(line))
		line, used, space = nil, 0, nil
	}
	for _, w := range words(pieces) {
		if used > 0 && used+1+w.width > width {
			flush()
		}
		if used > 0 && space != nil && w.width > 0 {
			line = append(line, piece{text: " ", look: *space})
			used++
		}
		for w.width > width { // at the start of a line: it was flushed above
			head, rest := splitWord(w, width)
			line = append(line, head.pieces...)
			flush()
			w = rest
		}
		line = append(line, w.pieces...)
		used += w.width
		s := w.space
		space = &s
		if w.newline {
			flush()
		}
	}
	if used > 0 || len(lines) == 0 {
		flush()
	}
	return strings.Join(lines, "\n")
}

// line renders a line's pieces, one style for each run in the same look.
func (r *renderer) line(pieces []piece) string {
	var b strings.Builder
	for i := 0; i < len(pieces); {
		j := i
		var run strings.Builder
		for ; j < len(pieces) && pieces[j].look == pieces[i].look; j++ {
			run.WriteString(pieces[j].text)
		}
		b.WriteString(r.styled(run.String(), pieces[i].look))
		i = j
	}
	return b.String()
}

// splitWord cuts the first width cells off a word too wide for a line.
func splitWord(w word, width int) (head, rest word) {
	rest = w
	rest.pieces = nil
	for i, p := range w.pieces {
		if head.width+cells(p.text) <= width {
			head.pieces = append(head.pieces, p)
			head.width += cells(p.text)
			continue
		}
		cut := ansi.Truncate(p.text, width-head.width, "")
		if cut != "" {
			head.pieces = append(head.pieces, piece{text: cut, look: p.look, keep: p.keep})
			head.width += cells(cut)
		}
		rest.pieces = append(rest.pieces, piece{text: p.text[len(cut):], look: p.look, keep: p.keep})
		rest.pieces = append(rest.pieces, w.pieces[i+1:]...)
		break
	}
	rest.width = w.width - head.width
	return head, rest
}
