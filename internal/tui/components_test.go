package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// plainLines strips styles and splits a view into lines.
func plainLines(s string) []string { return strings.Split(ansi.Strip(s), "\n") }

func TestNavigatorMovesWithinBoundsAndScrolls(t *testing.T) {
	b := newBoard(testModules(), nil)
	n := newNavigator(b, defaultKeyMap(), defaultStyles())
	n.setSize(30, 3)
	up, down := tea.KeyPressMsg{Code: tea.KeyUp}, tea.KeyPressMsg{Code: 'j', Text: "j"}
	n, _ = n.Update(up)
	if n.cursor != 0 {
		t.Fatalf("up from the top moved to %d", n.cursor)
	}
	for range 10 {
		n, _ = n.Update(down)
	}
	if n.cursor != len(n.rows)-1 || n.selected() != (row{module: 2, step: 0}) {
		t.Fatalf("down past the end: cursor %d, row %v", n.cursor, n.selected())
	}
	lines := plainLines(n.View(b))
	if len(lines) != 3 {
		t.Fatalf("%d lines, want the height 3:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(lines[2], "▌  ⊘ Create the stack") {
		t.Errorf("the selected, locked step is not the last line shown:\n%s", strings.Join(lines, "\n"))
	}
}

func TestNavigatorMarksTheCurrentStep(t *testing.T) {
	b := newBoard(testModules(), []workshop.Result{preflightPass})
	n := newNavigator(b, defaultKeyMap(), defaultStyles())
	n.setSize(30, 10)
	n.selectRow(0, -1) // the selection is elsewhere
	if v := ansi.Strip(n.View(b)); !strings.Contains(v, "  ▸ Create the ECR") || !strings.Contains(v, "  ○ Build and push") {
		t.Errorf("the current step is not marked:\n%s", v)
	}
}

func TestNavigatorViewMarksAndWidth(t *testing.T) {
	b := newBoard(testModules(), []workshop.Result{preflightPass, module1Half})
	n := newNavigator(b, defaultKeyMap(), defaultStyles())
	n.setSize(24, 10)
	n.selectRow(1, 1)
	view := n.View(b)
	for _, want := range []string{" ✔ Preflight", " ✘ Containerize the mon…", "   ✔ Create the ECR rep…", "▌  ✘ Build and push the…", " ⊘ Deploy the monolith"} {
		if !strings.Contains(ansi.Strip(view), want) {
			t.Errorf("view lacks %q:\n%s", want, ansi.Strip(view))
		}
	}
	for _, l := range strings.Split(view, "\n") {
		if w := lipgloss.Width(l); w > 24 {
			t.Errorf("line %q is %d cells wide, more than 24", ansi.Strip(l), w)
		}
	}
}

func TestActivityShowsLinesBarsAndTheStackTree(t *testing.T) {
	a := newActivity(defaultStyles(), defaultKeyMap())
	a.setSize(60, 12)
	a.reset("Running module-1")
	for _, e := range []workshop.Event{
		{Step: "module-1/push-image", Kind: workshop.EventStepStarted, Message: "Build and push"},
		{Kind: workshop.EventLog, Message: "Step 1/17 : FROM scratch"},
		{Kind: workshop.EventProgress, ID: "abc123", Status: "Pushing", Current: 1 << 20, Total: 4 << 20},
		{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_IN_PROGRESS"},
		{Kind: workshop.EventResource, ID: "Cluster", Type: "AWS::ECS::Cluster", Status: "CREATE_IN_PROGRESS"},
		{Kind: workshop.EventResource, ID: "Cluster", Type: "AWS::ECS::Cluster", Status: "CREATE_COMPLETE"},
	} {
		a.apply(e)
	}
	view := ansi.Strip(a.View())
	for _, want := range []string{"▶ module-1/push-image: Build and push", "| Step 1/17 : FROM scratch",
		"↑ abc123", "1.0/4.0 MB", "stack: 1 resource(s) done, 1 in progress", "└─ VPC CREATE_IN_PROGRESS", "· Cluster CREATE_COMPLETE"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if n := len(strings.Split(view, "\n")); n != 12 {
		t.Errorf("%d lines, want 12", n)
	}
	a.apply(workshop.Event{Step: "module-1/push-image", Kind: workshop.EventStepDone, Message: "done in 2s"})
	view = ansi.Strip(a.View())
	if strings.Contains(view, "in progress") || strings.Contains(view, "MB") || !strings.Contains(view, "✔ module-1/push-image: done in 2s") {
		t.Errorf("a finished step leaves nothing in flight:\n%s", view)
	}
}

func TestActivityShowsTheServicesItWaitsFor(t *testing.T) {
	a := newActivity(defaultStyles(), defaultKeyMap())
	a.setSize(70, 12)
	a.reset("run")
	a.apply(workshop.Event{Kind: workshop.EventWaiting, Message: "api: running 0 of 2, 0 of 2 target(s) healthy; users: running 1 of 1, 0 of 1 target(s) healthy"})
	view := ansi.Strip(a.View())
	for _, want := range []string{"waiting for:", "… api: running 0 of 2, 0 of 2 target(s) healthy", "… users: running 1 of 1"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	a.apply(workshop.Event{Kind: workshop.EventAction, Message: "services settled: api, users"})
	if view := ansi.Strip(a.View()); strings.Contains(view, "waiting for:") {
		t.Errorf("the table stays after the services settled:\n%s", view)
	}
}

func TestActivityScrollsBackAndKeepsABoundedLog(t *testing.T) {
	a := newActivity(defaultStyles(), defaultKeyMap())
	a.setSize(40, 5)
	a.reset("run")
	for i := range maxActivityLines + 50 {
		a.apply(workshop.Event{Kind: workshop.EventLog, Message: fmt.Sprintf("line %d", i)})
	}
	if len(a.lines) != maxActivityLines {
		t.Errorf("%d lines kept, want %d", len(a.lines), maxActivityLines)
	}
	last := ansi.Strip(a.View())
	a.scroll(3)
	if ansi.Strip(a.View()) == last {
		t.Error("scrolling back did not change the view")
	}
	a.scroll(-100)
	if ansi.Strip(a.View()) != last || a.back != 0 {
		t.Error("scrolling forward past the end does not return to the tail")
	}
}

func TestCheckPanelCardsAndLines(t *testing.T) {
	p := newCheckPanel(defaultStyles(), defaultKeyMap())
	p.setSize(50, 30)
	p.show(workshop.TargetModule1, &module1Half, nil, false)
	view := ansi.Strip(p.View())
	for _, want := range []string{"✘ module-1 not passed yet: 1 pass, 1 fail, 1 skip", "account 123456789012, us-east-1",
		"╭", "✘ Title of module-1/image", "Expected: expected module-1/image", "Observed: observed module-1/image",
		"Hint: hint for module-1/image", "aws fix module-1/image", "✔ Title of module-1/repository:"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	for _, l := range strings.Split(p.View(), "\n") {
		if w := lipgloss.Width(l); w > 50 {
			t.Errorf("line %q is %d cells wide", ansi.Strip(l), w)
		}
	}
	p.show(workshop.TargetModule2, nil, nil, false)
	if v := ansi.Strip(p.View()); !strings.Contains(v, "module-2 has not been checked yet: press c") {
		t.Errorf("unchecked: %s", v)
	}
	p.show(workshop.TargetModule2, nil, errString("reach AWS: connection refused"), false)
	if v := ansi.Strip(p.View()); !strings.Contains(v, "could not run") || !strings.Contains(v, "connection refused") {
		t.Errorf("error: %s", v)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestCheckPanelAndDocumentScrollWithThePageKeys(t *testing.T) {
	long := strings.Repeat("line\n", 100)
	d := newDocument(defaultKeyMap())
	d.setSize(20, 5)
	d.show("a", long)
	d, _ = d.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
	if d.vp.YOffset() == 0 {
		t.Error("page down did not scroll the document")
	}
	d, _ = d.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	off := d.vp.YOffset()
	d, _ = d.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
	if d.vp.YOffset() >= off {
		t.Error("page up did not scroll back")
	}
	d.show("b", long)
	if d.vp.YOffset() != 0 {
		t.Error("another document does not start at the top")
	}
	res := result(workshop.TargetModule2)
	for i := range 30 {
		res.Conditions = append(res.Conditions, cond("module-2/c"+string(rune('a'+i)), workshop.StatusFail))
	}
	p := newCheckPanel(defaultStyles(), defaultKeyMap())
	p.setSize(40, 5)
	p.show(workshop.TargetModule2, &res, nil, false)
	p, _ = p.Update(tea.KeyPressMsg{Code: ' ', Text: " "})
	if p.vp.YOffset() == 0 {
		t.Error("space did not scroll the check panel")
	}
}

func TestStatusBar(t *testing.T) {
	b := newStatusBar(defaultStyles(), "sandbox", testNow)
	b.width = 80
	b.now = testNow.Add(75 * time.Second)
	b.account, b.region = "123456789012", "us-east-1"
	v := b.View()
	if got := ansi.Strip(v); !strings.HasPrefix(got, " workshop · sandbox · account 123456789012 · us-east-1") || !strings.HasSuffix(got, "1:15 ") {
		t.Errorf("bar %q", got)
	}
	if w := lipgloss.Width(v); w != 80 {
		t.Errorf("bar is %d cells wide, want 80", w)
	}
	b.width, b.task = 40, "running module-1/push-image"
	if w := lipgloss.Width(b.View()); w > 40 {
		t.Errorf("a narrow bar is %d cells wide", w)
	}
	if got := clock(2*time.Hour + 3*time.Minute + 4*time.Second); got != "2:03:04" {
		t.Errorf("clock %s", got)
	}
}

func TestConfirmationAnswers(t *testing.T) {
	c := confirmation{question: "Run?"}
	keys := defaultKeyMap()
	for k, want := range map[string][2]bool{"y": {true, true}, "n": {false, true}, "x": {false, false}} {
		yes, ok := c.answer(tea.KeyPressMsg{Code: rune(k[0]), Text: k}, keys)
		if [2]bool{yes, ok} != want {
			t.Errorf("%s: %v %v, want %v", k, yes, ok, want)
		}
	}
	if yes, ok := c.answer(tea.KeyPressMsg{Code: tea.KeyEscape}, keys); yes || !ok {
		t.Error("esc does not answer no")
	}
	if v := ansi.Strip(c.View(defaultStyles(), 40)); !strings.Contains(v, "Run?") || !strings.Contains(v, "[y] yes") {
		t.Errorf("view %s", v)
	}
}

func TestActivityUpdateTakesBatchesAndPageKeys(t *testing.T) {
	a := newActivity(defaultStyles(), defaultKeyMap())
	a.setSize(40, 6)
	a.reset("run")
	var batch runEventsMsg
	for i := range 30 {
		batch.events = append(batch.events, workshop.Event{Kind: workshop.EventLog, Message: fmt.Sprintf("line %d", i)})
	}
	batch.events = append(batch.events, workshop.Event{Kind: workshop.EventProgress, ID: "l1", Status: "Pushing", Current: 1, Total: 2})
	a, _ = a.Update(batch)
	if v := ansi.Strip(a.View()); !strings.Contains(v, "line 29") || !strings.Contains(v, "↑ l1") {
		t.Fatalf("the batch is not shown:\n%s", v)
	}
	a, _ = a.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
	if v := ansi.Strip(a.View()); strings.Contains(v, "line 29") {
		t.Errorf("page up did not scroll back:\n%s", v)
	}
	a, _ = a.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
	a, _ = a.Update(runEventsMsg{done: true, err: errString("boom")})
	if v := ansi.Strip(a.View()); !strings.Contains(v, "line 29") || strings.Contains(v, "↑ l1") {
		t.Errorf("after the run: back at the end, nothing in flight:\n%s", v)
	}
}

func TestStatusBarUpdate(t *testing.T) {
	b := newStatusBar(defaultStyles(), "sandbox", testNow)
	b.width = 80
	b, _ = b.Update(tickMsg(testNow.Add(3 * time.Second)))
	if !strings.Contains(ansi.Strip(b.View()), "0:03") {
		t.Errorf("the clock did not move: %s", ansi.Strip(b.View()))
	}
	tickMsg := b.spinner.Tick()
	if _, cmd := b.Update(tickMsg); cmd != nil {
		t.Error("the spinner turns with nothing running")
	}
	b.task = "checking module-1"
	if _, cmd := b.Update(tickMsg); cmd == nil {
		t.Error("the spinner does not turn while something runs")
	}
}

// TestCheckPanelNeverSplitsAFixCommandToken: a card wraps its fix command at
// spaces only, and a token wider than the panel stays whole.
func TestCheckPanelNeverSplitsAFixCommandToken(t *testing.T) {
	longARN := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/BreakTheMonolith-Demo-posts/0123456789abcdef"
	fix := "aws elbv2 describe-target-health --target-group-arn " + longARN + " --query TargetHealthDescriptions[].TargetHealth.State --region us-east-1"
	for _, width := range []int{40, 60, 80} {
		res := result(workshop.TargetModule4)
		c := cond("module-4/targets", workshop.StatusFail)
		c.Fix = fix
		res.Conditions = append(res.Conditions, c)
		p := newCheckPanel(defaultStyles(), defaultKeyMap())
		p.setSize(width, 60)
		p.vp.SetWidth(400) // see the lines whole, overflow included
		p.show(workshop.TargetModule4, &res, nil, false)
		var words []string
		for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
			words = append(words, strings.Fields(strings.Trim(l, " │╭╮╰╯─"))...)
		}
		for _, tok := range strings.Fields(fix) {
			if !slices.Contains(words, tok) {
				t.Errorf("width %d: token %q is split:\n%s", width, tok, ansi.Strip(p.View()))
			}
		}
	}
}
