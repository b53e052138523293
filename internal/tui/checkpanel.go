package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// checkPanel shows a module's latest check: a summary line, a card per
// condition that does not pass (expected, observed, hint, fix command), then
// a line per condition that passes.
type checkPanel struct {
	keys   keyMap
	styles styles
	vp     viewport.Model
	target workshop.Target
	width  int
	// pending says a check of the shown target is running.
	pending bool
}

func newCheckPanel(st styles, keys keyMap) checkPanel {
	vp := viewport.New()
	// Content arrives wrapped at spaces (show); a soft wrap would split the
	// tokens of a fix command that is wider than the panel.
	vp.SoftWrap = false
	return checkPanel{keys: keys, styles: st, vp: vp}
}

func (p *checkPanel) setSize(w, h int) {
	p.width = w
	p.vp.SetWidth(w)
	p.vp.SetHeight(h)
}

// show displays res (or, when the check could not run, err) for target.
func (p *checkPanel) show(target workshop.Target, res *workshop.Result, err error, saved bool) {
	if target != p.target {
		p.vp.GotoTop()
	}
	p.target = target
	p.vp.SetContent(p.render(target, res, err, saved))
}

func (p checkPanel) render(target workshop.Target, res *workshop.Result, err error, saved bool) string {
	s := p.styles
	if p.pending {
		note := s.warn.Render("…") + " checking " + string(target) + " now"
		if res == nil && err == nil {
			return note
		}
		return note + "; the last result:\n" + p.renderResult(target, res, err, saved)
	}
	return p.renderResult(target, res, err, saved)
}

func (p checkPanel) renderResult(target workshop.Target, res *workshop.Result, err error, saved bool) string {
	s := p.styles
	if err != nil {
		return p.wrap(s.fail.Render("✘ ") + fmt.Sprintf("the check of %s could not run:\n\n%s", target, err))
	}
	if res == nil {
		return p.wrap(fmt.Sprintf("%s has not been checked yet: press c.", target))
	}
	var b strings.Builder
	counts := map[workshop.Status]int{}
	for _, c := range res.Conditions {
		counts[c.Status]++
	}
	var parts []string
	for _, st := range workshop.Statuses() {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	mark, word := s.pass.Render("✔"), "passed"
	if !res.Passed {
		mark, word = s.fail.Render("✘"), "not passed yet"
	}
	b.WriteString(p.wrap(fmt.Sprintf("%s %s %s: %s", mark, res.Target, word, strings.Join(parts, ", "))) + "\n")
	when := fmt.Sprintf("checked %s", res.StartedAt.Local().Format("15:04:05"))
	if saved {
		when = fmt.Sprintf("saved from %s; checking again", res.StartedAt.Local().Format("Jan 2 15:04"))
	}
	b.WriteString(p.wrap(s.dim.Render(fmt.Sprintf("account %s, %s · %s · %d ms", res.Account, res.Region, when, res.Duration.Milliseconds()))) + "\n")
	cardWidth := max(p.width-2, 20)
	for _, c := range res.Conditions {
		if c.Status == workshop.StatusPass || c.Status == workshop.StatusSkip {
			continue
		}
		b.WriteString(p.boxed(c, cardWidth) + "\n")
	}
	for _, c := range res.Conditions {
		if c.Status == workshop.StatusPass || c.Status == workshop.StatusSkip {
			b.WriteString(p.wrap(fmt.Sprintf("%s %s: %s", s.status(c.Status), c.Title, s.dim.Render(c.Observed))) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// boxed draws c's card width cells wide, its text wrapped at spaces only:
// a command token wider than the card widens the card (and overflows the
// panel) rather than being split, so it stays whole to copy.
func (p checkPanel) boxed(c workshop.Condition, width int) string {
	frame := p.styles.card.GetHorizontalFrameSize()
	text := p.card(c, max(width-frame, 1))
	for _, l := range strings.Split(text, "\n") {
		width = max(width, ansi.StringWidth(l)+frame)
	}
	return p.styles.card.Width(width).Render(text)
}

// wrap wraps text to the panel's width at spaces.
func (p checkPanel) wrap(text string) string { return wrapAtSpaces(text, max(p.width, 10)) }

// card is a condition that does not pass, in full, wrapped at spaces to width.
func (p checkPanel) card(c workshop.Condition, width int) string {
	s := p.styles
	lines := []string{wrapAtSpaces(s.status(c.Status)+" "+s.cardTitle.Render(c.Title), width)}
	add := func(label, value string) {
		if value != "" {
			lines = append(lines, wrapAtSpaces(s.dim.Render(label)+" "+value, width))
		}
	}
	if c.Status != workshop.StatusWarn {
		add("Expected:", c.Expected)
	}
	add("Observed:", c.Observed)
	add("Hint:", c.Hint)
	if c.Fix != "" {
		var fix []string
		for _, l := range strings.Split(wrapAtSpaces(c.Fix, width), "\n") {
			fix = append(fix, s.fix.Render(l))
		}
		lines = append(lines, s.dim.Render("Fix:"), strings.Join(fix, "\n"))
	}
	return strings.Join(lines, "\n")
}

// Update scrolls a page with the page keys.
func (p checkPanel) Update(msg tea.Msg) (checkPanel, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.PageUp):
			p.vp.PageUp()
		case key.Matches(k, p.keys.PageDown):
			p.vp.PageDown()
		}
	}
	return p, nil
}

// View renders the visible part.
func (p checkPanel) View() string { return p.vp.View() }
