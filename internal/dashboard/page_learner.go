package dashboard

// writeLearnerPage writes one learner's drill-down: where they are held up
// and the latest result of each target. Its main part follows the learner
// live (writeLearnerFragment, on /learners/ID/events).
func writeLearnerPage(w *htmlWriter, d LearnerDetail) {
	w.raw(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`)
	w.text(d.Name)
	w.raw(` · workshop dashboard</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header>
  <p class="tools"><a href="/">← Class</a> · <span id="live" class="live">connecting…</span></p>
  <h1>`)
	w.text(d.Name)
	w.raw(`</h1>
</header>
<main id="learner" data-events="/learners/`)
	w.id(d.ID)
	w.raw(`/events" data-event="learner">`)
	writeLearnerFragment(w, d)
	w.raw(`</main>
</body>
</html>
`)
}

// writeLearnerFragment writes the live part of a learner's drill-down:
// where they are held up, then each target's latest conditions.
func writeLearnerFragment(w *htmlWriter, d LearnerDetail) {
	w.raw(`
<p class="status">`)
	switch {
	case d.Finished:
		w.raw("Finished module 4.")
	case d.Failing != "":
		w.raw(`Held up by <code>`)
		w.text(d.Failing)
		w.raw(`</code> (`)
		w.text(d.FailingStatus)
		w.raw(`) for `)
		w.text(formatDuration(d.OnStep))
		w.raw(".")
	default:
		w.raw("No failing condition.")
	}
	w.raw("\n  ")
	if d.Stuck {
		w.raw(`<span class="flag">stuck</span> `)
		w.text(d.StuckReason)
		w.raw(".")
	}
	w.raw("\n  ")
	if d.Where != "" {
		w.raw(`Last heartbeat at <code>`)
		w.text(d.Where)
		w.raw(`</code>.`)
	}
	w.raw(" ")
	w.int(d.Results)
	w.raw(" ")
	w.text(plural(d.Results, "result", "results"))
	w.raw(`.</p>
`)
	for _, t := range d.Targets {
		writeTargetDetail(w, t)
	}
	if len(d.Targets) == 0 {
		w.raw(`
<p class="none">No check result yet.</p>
`)
	}
}

// writeTargetDetail writes a target's latest conditions.
func writeTargetDetail(w *htmlWriter, t TargetDetail) {
	outcome := "fail"
	if t.Passed {
		outcome = "pass"
	}
	w.raw(`
<section class="target">
  <h2>`)
	w.text(symbol(outcome))
	w.raw(" ")
	w.text(t.Target)
	w.raw(" — ")
	w.text(t.Title)
	w.raw(` <span class="small">checked `)
	w.text(clockTime(t.At))
	w.raw(`</span></h2>
  <table>
    <thead><tr><th></th><th>Condition</th><th>Expected</th><th>Observed</th></tr></thead>
    <tbody>
    `)
	for _, c := range t.Conditions {
		status := string(c.Status)
		w.raw(`
    <tr class="st-`)
		w.text(status)
		w.raw(`">
      <td class="cell st-`)
		w.text(status)
		w.raw(`">`)
		w.text(symbol(status))
		w.raw(`</td>
      <td><code>`)
		w.text(c.ID)
		w.raw(`</code><br>`)
		w.text(c.Title)
		w.raw(`</td>
      <td>`)
		w.text(c.Expected)
		w.raw(`</td>
      <td>`)
		w.text(c.Observed)
		if c.Hint != "" {
			w.raw(`<p class="hint">Hint: `)
			w.text(c.Hint)
			w.raw(`</p>`)
		}
		if c.Fix != "" {
			w.raw(`<pre>`)
			w.text(c.Fix)
			w.raw(`</pre>`)
		}
		w.raw(`</td>
    </tr>
    `)
	}
	w.raw(`
    </tbody>
  </table>
</section>
`)
}

// writeMessage writes a page with a title and one paragraph.
func writeMessage(w *htmlWriter, title, text string) {
	w.raw(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>`)
	w.text(title)
	w.raw(` · workshop dashboard</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header><h1>`)
	w.text(title)
	w.raw(`</h1></header>
<main><p>`)
	w.text(text)
	w.raw(`</p></main>
</body>
</html>
`)
}
