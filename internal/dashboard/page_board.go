package dashboard

import (
	"time"
)

// writePage writes the class page: the header with the join command and
// the board.
func writePage(w *htmlWriter, v pageView) {
	w.raw(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`)
	w.text(v.Board.Class)
	w.raw(` · workshop dashboard</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header>
  <h1>`)
	w.text(v.Board.Class)
	w.raw(`</h1>
  <p class="join">Join: <code>`)
	w.text(v.JoinCommand)
	w.raw(`</code> <span class="code">`)
	w.text(v.JoinCode)
	w.raw(`</span></p>
  <p class="tools"><span id="live" class="live">connecting…</span> · <a href="/export.csv">Export CSV</a></p>
</header>
<main id="board" data-events="/events" data-event="board">`)
	writeBoard(w, v.Board)
	w.raw(`</main>
</body>
</html>
`)
}

// maxCauses is how many root causes the first screen shows.
const maxCauses = 5

// writeBoard writes the board part of the page, which live updates
// replace: the summary, then side by side the learner grid and the root
// causes (both on the first screen of a 1280×900 projector), then who is
// stuck and the room by condition.
func writeBoard(w *htmlWriter, b Board) {
	w.raw("\n", `<p class="summary" data-at="`)
	w.text(b.At.Format(time.RFC3339))
	w.raw(`">
  <strong>`)
	w.int(len(b.Learners))
	w.raw(`</strong> `)
	w.text(plural(len(b.Learners), "learner", "learners"))
	w.raw(` ·
  <strong>`)
	w.int(b.Finished)
	w.raw(`</strong> finished ·
  <strong class="`)
	if len(b.Stuck) > 0 {
		w.raw("bad")
	}
	w.raw(`">`)
	w.int(len(b.Stuck))
	w.raw(`</strong> stuck ·
  updated `)
	w.text(clockTime(b.At))
	w.raw(`
</p>
<div class="room">
<section class="grid">
  <table>
    <thead><tr><th>Learner</th>`)
	for _, c := range b.Columns {
		w.raw(`<th class="col" title="`)
		w.text(targetTitle(c))
		w.raw(`">`)
		w.text(column(c))
		w.raw(`</th>`)
	}
	w.raw(`<th>Held up by</th><th class="num">On step</th><th class="num">Seen</th></tr></thead>
    <tbody>
    `)
	for _, l := range b.Learners {
		writeLearnerRow(w, l, b.At)
	}
	if len(b.Learners) == 0 {
		w.raw(`
    <tr><td colspan="10" class="none">No learner has joined yet.</td></tr>
    `)
	}
	w.raw(`
    </tbody>
  </table>
</section>
<aside class="cohort">
  <h2>Root causes</h2>
  `)
	writeCohort(w, b.Cohort)
	w.raw(`
</aside>
</div>
`)
	if len(b.Stuck) > 0 {
		writeStuck(w, b.Stuck)
	}
	if len(b.Conditions) > 0 {
		writeConditions(w, b.Conditions)
	}
	w.raw("\n")
}

// writeCohort writes the root causes: for each condition that is the first
// to hold learners up, how many, the hint and who, with the failures after
// it folded in.
func writeCohort(w *htmlWriter, cohort []CohortEntry) {
	shown := cohort
	if len(shown) > maxCauses {
		shown = shown[:maxCauses]
	}
	for _, e := range shown {
		w.raw(`
  <div class="entry" data-condition="`)
		w.text(e.Condition)
		w.raw(`">
    <p><strong>`)
		w.int(e.Count)
		w.raw(`</strong> `)
		w.text(plural(e.Count, "learner held up by", "learners held up by"))
		w.raw(` <code>`)
		w.text(e.Condition)
		w.raw(`</code> `)
		w.text(e.Title)
		if e.Waiting > 0 {
			w.raw(` <span class="small">(`)
			w.int(e.Waiting)
			w.raw(` converging)</span>`)
		}
		w.raw(`</p>
    `)
		if e.Hint != "" {
			w.raw(`<p class="hint">Hint: `)
			w.text(e.Hint)
			w.raw(`</p>`)
		}
		w.raw(`
    <p class="who">`)
		w.text(names(e.Learners))
		if e.Downstream > 0 {
			w.raw(` <span class="small">· `)
			w.int(e.Downstream)
			w.raw(` `)
			w.text(plural(e.Downstream, "failure after it folded in", "failures after it folded in"))
			w.raw(`</span>`)
		}
		w.raw(`</p>
  </div>
  `)
	}
	if len(cohort) > len(shown) {
		rest := 0
		for _, e := range cohort[len(shown):] {
			rest += e.Count
		}
		w.raw(`<p class="small">and `)
		w.int(len(cohort) - len(shown))
		w.raw(` more `)
		w.text(plural(len(cohort)-len(shown), "cause", "causes"))
		w.raw(` holding up `)
		w.int(rest)
		w.raw(` `)
		w.text(plural(rest, "learner", "learners"))
		w.raw(`, in the grid</p>`)
	}
	if len(cohort) == 0 {
		w.raw(`
  <p class="none">Nobody is held up right now.</p>
  `)
	}
}

// writeStuck writes the table of stuck learners.
func writeStuck(w *htmlWriter, stuck []LearnerRow) {
	w.raw(`
<section class="stuck">
  <h2>Stuck</h2>
  <table>
    <thead><tr><th>Learner</th><th>Held up by</th><th>Why</th></tr></thead>
    <tbody>
    `)
	shown := stuck
	if len(shown) > 20 {
		shown = shown[:20]
	}
	for _, l := range shown {
		w.raw(`
    <tr><td><a href="/learners/`)
		w.id(l.ID)
		w.raw(`">`)
		w.text(l.Name)
		w.raw(`</a></td><td>`)
		if l.Failing != "" {
			w.raw(`<code>`)
			w.text(l.Failing)
			w.raw(`</code>`)
		} else {
			w.raw("—")
		}
		w.raw(`</td><td>`)
		w.text(l.StuckReason)
		w.raw(`</td></tr>
    `)
	}
	w.raw(`
    </tbody>
  </table>
  `)
	if len(stuck) > 20 {
		w.raw(`<p class="small">and `)
		w.int(len(stuck) - 20)
		w.raw(` more, marked in the grid</p>`)
	}
	w.raw(`
</section>
`)
}

// writeLearnerRow writes one learner's line of the grid.
func writeLearnerRow(w *htmlWriter, l LearnerRow, at time.Time) {
	w.raw(`
    <tr id="learner-`)
	w.id(l.ID)
	w.raw(`" class="learner`)
	if l.Stuck {
		w.raw(" is-stuck")
	}
	if l.Finished {
		w.raw(" is-finished")
	}
	w.raw(`">
      <td class="name"><a href="/learners/`)
	w.id(l.ID)
	w.raw(`">`)
	w.text(l.Name)
	w.raw(`</a>`)
	if l.Stuck {
		w.raw(` <span class="flag" title="`)
		w.text(l.StuckReason)
		w.raw(`">stuck</span>`)
	}
	w.raw(`</td>
      `)
	for _, c := range l.Cells {
		w.raw(`<td class="cell st-`)
		if c != "" {
			w.text(c)
		} else {
			w.raw("none")
		}
		w.raw(`">`)
		w.text(symbol(c))
		w.raw(`</td>`)
	}
	w.raw(`
      <td class="failing">`)
	switch {
	case l.Failing != "":
		w.raw(`<code title="`)
		w.text(l.FailingTitle)
		w.raw(`">`)
		w.text(l.Failing)
		w.raw(`</code>`)
	case l.Finished:
		w.raw("done")
	default:
		w.raw("—")
	}
	w.raw(`</td>
      <td class="num">`)
	if l.Failing != "" {
		w.text(formatDuration(l.OnStep))
	} else {
		w.raw("—")
	}
	w.raw(`</td>
      <td class="num">`)
	w.text(formatDuration(at.Sub(l.LastSeen)) + " ago")
	w.raw(`</td>
    </tr>
    `)
}

// writeConditions writes how the room stands on each condition.
func writeConditions(w *htmlWriter, conditions []ConditionCount) {
	w.raw(`
<section class="conditions">
  <h2>The room by condition</h2>
  <table>
    <thead><tr><th>Condition</th><th class="col st-pass" title="pass">✔</th><th class="col st-fail" title="fail">✘</th><th class="col st-waiting" title="converging">…</th><th class="col" title="warning, skipped or could not check">-</th></tr></thead>
    <tbody>
    `)
	for _, c := range conditions {
		w.raw(`
    <tr><td><code>`)
		w.text(c.Condition)
		w.raw(`</code> <span class="small">`)
		w.text(c.Title)
		w.raw(`</span></td><td class="cell">`)
		w.int(c.Pass)
		w.raw(`</td><td class="cell`)
		if c.Fail != 0 {
			w.raw(" st-fail")
		}
		w.raw(`">`)
		w.int(c.Fail)
		w.raw(`</td><td class="cell`)
		if c.Waiting != 0 {
			w.raw(" st-waiting")
		}
		w.raw(`">`)
		w.int(c.Waiting)
		w.raw(`</td><td class="cell">`)
		w.int(c.Other)
		w.raw(`</td></tr>
    `)
	}
	w.raw(`
    </tbody>
  </table>
</section>
`)
}
