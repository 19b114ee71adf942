// Keeps a server-rendered page (jobs, stages, a batch, the environment) current: on each change
// event from /events it re-fetches the page's <main> and swaps it in, without a reload.
"use strict";
(function () {
  var main = document.getElementById("main");
  var live = document.getElementById("live");
  var tab = document.body.dataset.tab;
  // The environment does not change while the application runs.
  // Executors and Storage change with tasks, which the jobs event reports.
  var topics = tab === "environment" ? [] : tab === "streaming" ? ["batch", "jobs"] : ["jobs"];
  var timer = null;
  var inFlight = false;
  var again = false;

  function setLive(s) {
    if (!live) return;
    live.dataset.state = s;
    live.textContent = s === "live" ? "live" : s === "offline" ? "offline" : "connecting";
  }

  function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    // Expanded error details stay expanded across the swap.
    var open = Array.prototype.map.call(main.querySelectorAll("details[open] > summary"), function (s) { return s.textContent; });
    fetch(location.href, { headers: { "X-Dstream-Fragment": "main" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (text === null) return;
        main.innerHTML = text;
        main.querySelectorAll("details > summary").forEach(function (s) {
          if (open.indexOf(s.textContent) >= 0) s.parentElement.open = true;
        });
        document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || "0") + 1);
      })
      .catch(function () {})
      .then(function () {
        inFlight = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    // A finished batch, job or stage no longer changes.
    if (timer !== null || main.querySelector("[data-live-done]")) return;
    timer = setTimeout(function () { timer = null; refresh(); }, 250);
  }

  var es = new EventSource("/events");
  // The browser retries a lost stream by itself; a second failure in a row means the application is gone.
  var failures = 0;
  es.onopen = function () { failures = 0; setLive("live"); };
  es.onerror = function () { failures++; setLive(es.readyState === EventSource.CLOSED || failures > 1 ? "offline" : "connecting"); };
  es.addEventListener("snapshot", function () { setLive("live"); });
  topics.forEach(function (t) { es.addEventListener(t, schedule); });
})();
