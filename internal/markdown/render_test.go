package markdown

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// lines is what a terminal shows of out: its lines without styles.
func lines(out string) []string { return strings.Split(ansi.Strip(out), "\n") }

func TestPlainLayout(t *testing.T) {
	got := Render("# Push\n\nBuild, tag, **push**.\n\n## Then\n\nLook at *it* with `docker images`.\n", 40, Plain)
	want := "\n  # Push\n\n  Build, tag, **push**.\n\n  ## Then\n\n  Look at *it* with `docker images`.\n\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestLinesFitTheWidth(t *testing.T) {
	src := "A paragraph long enough to wrap more than once at this width, with `a code span` and **bold text** in it.\n\n" +
		"- a bullet whose text wraps onto a second line and a third;\n- a short one\n\n" +
		"1. **First.** Numbered items hang under their text too.\n2. Second.\n\n" +
		"| Priority | Path | Target group |\n|---|---|---|\n| 1 | `/api/users*` | users |\n"
	for _, theme := range []Theme{Plain, Dark, Light} {
		for _, width := range []int{24, 40, 80} {
			for _, l := range lines(Render(src, width, theme)) {
				if w := ansi.StringWidth(l); w > width {
					t.Errorf("%s at %d: %q is %d cells wide", theme, width, l, w)
				}
			}
		}
	}
}

func TestCodeSpansStayWholeOnALine(t *testing.T) {
	out := strings.Join(lines(Render("Run the login so that `docker login --password-stdin` reads it.", 40, Plain)), "\n")
	if !strings.Contains(out, "`docker login --password-stdin`") {
		t.Errorf("the code span is broken:\n%s", out)
	}
	long := "`" + strings.Repeat("x", 50) + "`"
	for _, l := range lines(Render(long, 30, Plain)) {
		if ansi.StringWidth(l) > 30 {
			t.Errorf("a code span wider than the line overflows: %q", l)
		}
	}
}

func TestListItemsHang(t *testing.T) {
	got := lines(Render("- one two three four five six\n- seven\n\n1. eight nine ten eleven\n", 20, Plain))
	want := []string{"", "  • one two three", "    four five six", "  • seven", "", "  1. eight nine", "     ten eleven", "", ""}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTable(t *testing.T) {
	got := lines(Render("| Priority | Path |\n|---|---|\n| 1 | `/api/users*` |\n", 60, Plain))
	want := []string{"", "   Priority | Path", "  ----------|---------------", "   1        | `/api/users*`", "", ""}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	dark := Render("| a | b |\n|---|---|\n| 1 | 2 |\n", 60, Dark)
	if !strings.Contains(dark, "│") || !strings.Contains(dark, "┼") {
		t.Errorf("the dark table is not drawn with box lines: %q", dark)
	}
}

func TestColours(t *testing.T) {
	out := Render("# Title\n\nText with `code`.\n", 40, Dark)
	for _, want := range []string{
		"\x1b[38;5;228;48;5;63;1m Title \x1b[m",         // the title's badge
		"\x1b[38;5;252mText with ",                      // body text
		"\x1b[38;5;203;48;5;236m\u00a0code\u00a0\x1b[m", // a code span
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}
	if plain := Render("# Title\n\n**b** `c`\n", 40, Plain); strings.Contains(plain, "\x1b") {
		t.Errorf("plain has styles: %q", plain)
	}
	if light := Render("text", 40, Light); !strings.Contains(light, "\x1b[38;5;234m") {
		t.Errorf("light text is not in its colour: %q", light)
	}
}

func TestEscapesAndEntities(t *testing.T) {
	out := strings.Join(lines(Render(`A \*literal\* star &amp; an entity.`, 60, Plain)), "\n")
	if !strings.Contains(out, "A *literal* star & an entity.") {
		t.Errorf("got %q", out)
	}
}
