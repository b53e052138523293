// The dashboard page's live updates: the server sends the board's HTML,
// rendered and escaped on the server, as the "board" event on /events.
"use strict";
(function () {
  const board = document.getElementById("board");
  const live = document.getElementById("live");
  if (!board || !window.EventSource) {
    return;
  }
  let updates = 0;
  const events = new EventSource("/events");
  events.addEventListener("board", function (e) {
    board.innerHTML = e.data;
    updates++;
    document.body.dataset.updates = String(updates);
  });
  events.addEventListener("open", function () {
    live.textContent = "live";
    live.className = "live on";
  });
  events.addEventListener("error", function () {
    live.textContent = "reconnecting…";
    live.className = "live off";
  });
})();
