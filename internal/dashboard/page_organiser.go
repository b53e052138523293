package dashboard

// writeOrganiserPage writes the organiser's page: the list of classes,
// which live updates replace (the event "classes" on /organiser/events).
func writeOrganiserPage(w *htmlWriter, classes []ClassSummary) {
	w.raw(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Classes · workshop dashboard</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header><h1>Classes</h1><p class="tools"><span id="live" class="live">connecting…</span></p></header>
<main id="classes" data-events="/organiser/events" data-event="classes">`)
	writeClassesTable(w, classes)
	w.raw(`</main>
</body>
</html>
`)
}

// writeClassesTable writes the list of classes: per class its size, how
// many finished and are stuck, how many passed each module, the root cause
// holding up the most learners, and its CSV export.
func writeClassesTable(w *htmlWriter, classes []ClassSummary) {
	w.raw(`
<table class="classes">
  <thead><tr><th>Class</th><th class="num">Learners</th><th class="num">Finished</th><th class="num">Stuck</th>`)
	var columns []string
	if len(classes) > 0 {
		columns = classes[0].Columns
	}
	for _, c := range columns {
		w.raw(`<th class="col" title="`)
		w.text(targetTitle(c))
		w.raw(`">`)
		w.text(column(c))
		w.raw(`</th>`)
	}
	w.raw(`<th>Holds up most</th><th>Export</th></tr></thead>
  <tbody>`)
	for _, c := range classes {
		w.raw(`
  <tr class="class"><td class="name">`)
		w.text(c.Name)
		w.raw(`</td><td class="num">`)
		w.int(c.Learners)
		w.raw(`</td><td class="num">`)
		w.int(c.Finished)
		w.raw(`</td><td class="num`)
		if c.Stuck > 0 {
			w.raw(` bad`)
		}
		w.raw(`">`)
		w.int(c.Stuck)
		w.raw(`</td>`)
		for _, n := range c.Passed {
			w.raw(`<td class="cell">`)
			w.int(percent(n, c.Learners))
			w.raw(`%</td>`)
		}
		w.raw(`<td>`)
		if t := c.TopCause; t != nil {
			w.int(t.Count)
			w.raw(` · <code>`)
			w.text(t.Condition)
			w.raw(`</code>`)
		} else {
			w.raw("—")
		}
		w.raw(`</td><td><a href="/organiser/classes/`)
		w.id(c.ID)
		w.raw(`/export.csv">CSV</a></td></tr>`)
	}
	if len(classes) == 0 {
		w.raw(`
  <tr><td colspan="12" class="none">No class is served.</td></tr>`)
	}
	w.raw(`
  </tbody>
</table>
`)
}

// percent is n of total in whole percent (0 of nothing).
func percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return n * 100 / total
}
