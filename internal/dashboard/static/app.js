// The dashboard pages' live updates: the element with data-events is
// replaced by the HTML the server sends, rendered and escaped on the
// server, as the event named by data-event (the class page's "board" on
// /events, a learner's "learner" on /learners/ID/events, the organiser's
// "classes" on /organiser/events).
"use strict";
(function () {
  const target = document.querySelector("[data-events]");
  const live = document.getElementById("live");
  if (!target || !window.EventSource) {
    return;
  }
  let updates = 0;
  const events = new EventSource(target.dataset.events);
  events.addEventListener(target.dataset.event, function (e) {
    target.innerHTML = e.data;
    updates++;
    document.body.dataset.updates = String(updates);
  });
  events.addEventListener("open", function () {
    if (live) {
      live.textContent = "live";
      live.className = "live on";
    }
  });
  events.addEventListener("error", function () {
    if (live) {
      live.textContent = "reconnecting…";
      live.className = "live off";
    }
  });
})();
