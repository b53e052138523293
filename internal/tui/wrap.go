package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrapAtSpaces wraps each line of s to width cells, breaking only at spaces:
// a word (a command token, an ARN) is never split, and one wider than width
// stays whole on its own line. Styles inside words are kept.
func wrapAtSpaces(s string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		cur, curW := "", 0
		for _, w := range strings.Split(line, " ") {
			ww := ansi.StringWidth(w)
			switch {
			case cur == "" && curW == 0:
				cur, curW = w, ww
			case curW+1+ww <= width:
				cur, curW = cur+" "+w, curW+1+ww
			default:
				out = append(out, cur)
				cur, curW = w, ww
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}
