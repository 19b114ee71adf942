// The Streaming tab: draws the page from the /events snapshot, then applies each batch and
// receiver event as it arrives, so nothing needs a reload. Plain browser JavaScript, no build step;
// charts are uPlot (window.uPlot, vendored).
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var COLORS = {
    "input-rate": "#2563eb",
    "scheduling-delay": "#d97706",
    "processing-time": "#059669",
    "total-delay": "#7c3aed",
  };
  var REF_COLOR = "#dc2626";
  var PAGE_ROWS = 100;

  var state = {
    s: null, // the streaming part of the last snapshot
    batches: new Map(), // batchId -> batch row
    receivers: new Map(), // streamId -> receiver
    charts: new Map(), // chart element id -> { plot, kind }
    seen: new Set(), // batch ids already drawn, to highlight new rows
    firstDraw: true,
    showAll: false,
    expanded: false,
  };

  // ---- formatting, as Spark's UIUtils ----
  function pad(n, w) { return String(n).padStart(w || 2, "0"); }
  function fmtDuration(ms) {
    if (ms === undefined || ms === null || !isFinite(ms)) return "-";
    if (ms < 100) return Math.round(ms) + " ms";
    var s = ms / 1000;
    if (s < 1) return s.toFixed(1) + " s";
    if (s < 60) return s.toFixed(0) + " s";
    var m = s / 60;
    if (m < 10) return m.toFixed(1) + " min";
    if (m < 60) return m.toFixed(0) + " min";
    return (m / 60).toFixed(1) + " h";
  }
  function unit(n, name) { return n + " " + name + (n === 1 ? "" : "s"); }
  function fmtVerbose(ms) {
    if (ms < 1000) return Math.max(0, Math.round(ms)) + " ms";
    var s = Math.floor(ms / 1000);
    var sec = unit(s % 60, "second");
    if (s < 60) return sec;
    var min = unit(Math.floor(s / 60) % 60, "minute");
    if (s < 3600) return min + " " + sec;
    var hour = unit(Math.floor(s / 3600) % 24, "hour");
    if (s < 86400) return hour + " " + min + " " + sec;
    return unit(Math.floor(s / 86400), "day") + " " + hour + " " + min + " " + sec;
  }
  function fmtDate(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "/" + pad(d.getMonth() + 1) + "/" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function fmtBatchTime(ms) {
    var base = fmtDate(ms);
    return state.s && state.s.batchDuration < 1000 ? base + "." + pad(new Date(ms).getMilliseconds(), 3) : base;
  }
  function fmtNum(n) { return Number(n).toLocaleString("en-US"); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  /** Spark scales the three delay charts to one unit chosen from their largest value. */
  function timeUnit(maxMs) {
    if (maxMs < 1000) return { name: "ms", div: 1 };
    if (maxMs < 60000) return { name: "s", div: 1000 };
    if (maxMs < 3600000) return { name: "min", div: 60000 };
    return { name: "h", div: 3600000 };
  }

  // ---- live connection ----
  function setLive(s) {
    var el = $("live");
    if (!el) return;
    el.dataset.state = s;
    el.textContent = s === "live" ? "live" : s === "offline" ? "offline" : "connecting";
  }

  var pending = null;
  function schedule() {
    if (pending !== null) return;
    pending = setTimeout(function () { pending = null; render(); }, 30);
  }

  function upsertBatch(b) {
    state.batches.set(b.batchId, b);
    // Keep what the server keeps: the most recent completed batches, up to its retention.
    var limit = state.s ? state.s.retainedBatches : 1000;
    var completed = [];
    state.batches.forEach(function (x) { if (x.status === "COMPLETED") completed.push(x.batchId); });
    if (completed.length > limit) {
      completed.sort(function (a, b) { return a - b; });
      for (var i = 0; i < completed.length - limit; i++) state.batches.delete(completed[i]);
    }
  }

  function applySnapshot(d) {
    state.s = d.streaming;
    state.batches = new Map();
    state.receivers = new Map();
    if (d.streaming) {
      d.streaming.batches.forEach(function (b) { state.batches.set(b.batchId, b); });
      d.streaming.receivers.forEach(function (r) { state.receivers.set(r.streamId, r); });
    }
    schedule();
  }

  function connect() {
    var es = new EventSource("/events");
    // The browser retries a lost stream by itself; a second failure in a row means the application is gone.
    var failures = 0;
    es.onopen = function () { failures = 0; setLive("live"); };
    es.onerror = function () { failures++; setLive(es.readyState === EventSource.CLOSED || failures > 1 ? "offline" : "connecting"); };
    es.addEventListener("snapshot", function (e) {
      applySnapshot(JSON.parse(e.data));
      setLive("live");
    });
    es.addEventListener("batch", function (e) {
      if (!state.s) return;
      var d = JSON.parse(e.data);
      state.s.statistics = d.statistics;
      upsertBatch(d.batch);
      schedule();
    });
    es.addEventListener("receiver", function (e) {
      if (!state.s) return;
      var d = JSON.parse(e.data);
      state.s.statistics = d.statistics;
      state.receivers.set(d.receiver.streamId, d.receiver);
      schedule();
    });
    es.addEventListener("streaming", function (e) {
      var d = JSON.parse(e.data);
      if (d.state === "stopped" && state.s) { state.s.stopped = true; schedule(); }
    });
  }

  // ---- charts ----
  function chartWidth(el) { return Math.max(160, Math.floor(el.getBoundingClientRect().width)); }

  function refLineHook(getRef, axis) {
    return function (u) {
      var ref = getRef();
      if (ref === null || ref === undefined) return;
      var sc = u.scales[axis];
      if (sc.max === undefined || ref > sc.max) return;
      var ctx = u.ctx;
      var pos = Math.round(u.valToPos(ref, axis, true));
      ctx.save();
      ctx.strokeStyle = REF_COLOR;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      if (axis === "y") { ctx.moveTo(u.bbox.left, pos); ctx.lineTo(u.bbox.left + u.bbox.width, pos); }
      else { ctx.moveTo(pos, u.bbox.top); ctx.lineTo(pos, u.bbox.top + u.bbox.height); }
      ctx.stroke();
      ctx.restore();
    };
  }

  function tooltipPlugin(format) {
    var tip;
    return {
      hooks: {
        init: function (u) {
          tip = document.createElement("div");
          tip.className = "chart-tip";
          tip.hidden = true;
          u.over.appendChild(tip);
        },
        setCursor: function (u) {
          var i = u.cursor.idx;
          if (i === null || i === undefined || u.data[1][i] === null || u.data[1][i] === undefined) { tip.hidden = true; return; }
          tip.hidden = false;
          tip.innerHTML = format(u, i);
          var left = u.valToPos(u.data[0][i], "x");
          var top = u.valToPos(u.data[1][i], "y");
          tip.style.left = Math.min(left + 10, u.over.clientWidth - tip.offsetWidth - 4) + "px";
          tip.style.top = Math.max(0, top - tip.offsetHeight - 8) + "px";
        },
      },
    };
  }

  var axisStyle = { stroke: "#6b7280", grid: { stroke: "#eef0f4", width: 1 }, ticks: { stroke: "#e5e7eb", width: 1 }, font: "11px system-ui, sans-serif" };

  function makeTimeline(el, color, opts) {
    var plot = new uPlot({
      width: chartWidth(el),
      height: 150,
      legend: { show: false },
      // Room on the right for the newest batch's time label.
      padding: [10, 30, 0, 0],
      cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 8, fill: color } },
      scales: { x: { time: true }, y: { range: function () { return [0, opts.yMax()]; } } },
      axes: [
        Object.assign({}, axisStyle, {
          size: 28,
          // Ticks on batch times, newest first, as many as fit: uPlot's own would split seconds.
          splits: function (u) {
            var xs = u.data[0];
            if (!xs.length) return [];
            var fit = Math.max(2, Math.floor(u.bbox.width / devicePixelRatio / 90));
            var step = Math.ceil(xs.length / fit);
            var out = [];
            for (var i = xs.length - 1; i >= 0; i -= step) out.unshift(xs[i]);
            return out;
          },
          values: function (u, splits) {
            return splits.map(function (v) {
              var d = new Date(Math.round(v * 1000));
              var t = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
              return state.s && state.s.batchDuration < 1000 ? t + "." + pad(d.getMilliseconds(), 3) : t;
            });
          },
        }),
        Object.assign({}, axisStyle, { size: 52, label: opts.yLabel(), labelSize: 14, labelFont: "11px system-ui, sans-serif" }),
      ],
      series: [
        {},
        { stroke: color, width: 2, fill: color + "14", spanGaps: true, points: { show: true, size: 5, fill: color, stroke: color } },
      ],
      hooks: { draw: opts.ref ? [refLineHook(opts.ref, "y")] : [] },
      plugins: [tooltipPlugin(function (u, i) {
        return "<b>" + esc(fmtBatchTime(u.data[0][i] * 1000)) + "</b><br>" + esc(opts.tip(u.data[1][i]));
      })],
    }, [[], []], el);
    // A click on a point opens that batch, as in Spark.
    plot.over.addEventListener("click", function () {
      var i = plot.cursor.idx;
      if (i !== null && i !== undefined && plot.data[0][i] !== undefined) location.href = "/streaming/batch/?id=" + Math.round(plot.data[0][i] * 1000);
    });
    plot.over.style.cursor = "pointer";
    return plot;
  }

  function makeHistogram(el, color, opts) {
    return new uPlot({
      width: chartWidth(el),
      height: 150,
      legend: { show: false },
      padding: [10, 12, 0, 0],
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      scales: { x: { time: false, range: function () { return [0, opts.xMax()]; } }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [
        Object.assign({}, axisStyle, { size: 28 }),
        Object.assign({}, axisStyle, { size: 40, label: "#batches", labelSize: 14, labelFont: "11px system-ui, sans-serif" }),
      ],
      series: [
        {},
        { stroke: color, width: 1, fill: color + "88", paths: uPlot.paths.bars({ size: [1, Infinity], align: 1, gap: 1 }), points: { show: false } },
      ],
      hooks: { draw: opts.ref ? [refLineHook(opts.ref, "x")] : [] },
      plugins: [tooltipPlugin(function (u, i) {
        return esc(opts.binLabel(i)) + "<br><b>" + u.data[1][i] + "</b> batch" + (u.data[1][i] === 1 ? "" : "es");
      })],
    }, [[], []], el);
  }

  /** Equal-width bins from 0 to max (Sturges' rule for how many), as x = bin start. */
  function histogram(values, max) {
    var n = Math.min(20, Math.max(5, Math.ceil(Math.log2(Math.max(1, values.length)) + 1)));
    var top = max > 0 ? max : 1;
    var width = top / n;
    var xs = [], ys = [];
    for (var i = 0; i < n; i++) { xs.push(i * width); ys.push(0); }
    values.forEach(function (v) { ys[Math.min(n - 1, Math.floor(v / width))]++; });
    return { xs: xs, ys: ys, width: width };
  }

  /** Creates the chart pair for a row once, then feeds it new data. */
  function drawRow(id, color, series, cfg) {
    var tEl = $(id + "-timeline"), hEl = $(id + "-histogram");
    if (!tEl || !hEl) return;
    var entry = state.charts.get(id);
    if (!entry) {
      // The server's static charts give way to the live ones.
      tEl.textContent = "";
      hEl.textContent = "";
      entry = { cfg: cfg };
      entry.timeline = makeTimeline(tEl, color, {
        yMax: function () { return entry.cfg.yMax; },
        yLabel: function () { return entry.cfg.unitLabel; },
        tip: function (v) { return entry.cfg.tip(v); },
        ref: cfg.ref !== undefined ? function () { return entry.cfg.ref; } : null,
      });
      entry.histogram = makeHistogram(hEl, color, {
        xMax: function () { return entry.cfg.yMax; },
        binLabel: function (i) { return entry.cfg.binLabel(i); },
        ref: cfg.ref !== undefined ? function () { return entry.cfg.ref; } : null,
      });
      state.charts.set(id, entry);
    }
    entry.cfg = cfg;
    var values = series.ys.filter(function (v) { return v !== null; });
    var h = histogram(values, cfg.yMax);
    cfg.binLabel = function (i) { return cfg.tip(h.xs[i]) + " – " + cfg.tip(h.xs[i] + h.width); };
    if (entry.timeline.axes[1].label !== cfg.unitLabel) {
      entry.timeline.axes[1].label = cfg.unitLabel;
      entry.timeline.redraw(false, true);
    }
    entry.timeline.setData([series.xs, series.ys]);
    entry.histogram.setData([h.xs, h.ys]);
    tEl.dataset.points = String(values.length);
    hEl.dataset.points = String(values.length);
    hEl.dataset.batches = String(h.ys.reduce(function (a, b) { return a + b; }, 0));
  }

  function resizeCharts() {
    state.charts.forEach(function (entry, id) {
      var tEl = $(id + "-timeline"), hEl = $(id + "-histogram");
      if (tEl && tEl.offsetParent) entry.timeline.setSize({ width: chartWidth(tEl), height: 150 });
      if (hEl && hEl.offsetParent) entry.histogram.setSize({ width: chartWidth(hEl), height: 150 });
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resizeCharts, 100);
  });

  // ---- rendering ----
  function sortedBatches() {
    var all = Array.from(state.batches.values());
    all.sort(function (a, b) { return a.batchId - b.batchId; });
    return all;
  }

  function renderHeader(stats) {
    var s = state.s;
    $("bi-batch").textContent = fmtVerbose(s.batchDuration);
    var start = s.startTime !== null ? s.startTime : Date.parse(stats.startTime.replace("GMT", "Z"));
    $("bi-since").textContent = fmtDate(start);
    $("bi-for").textContent = fmtVerbose(Date.now() - start);
    $("bi-completed").textContent = fmtNum(stats.numTotalCompletedBatches);
    $("bi-records").textContent = fmtNum(stats.numReceivedRecords);
    var info = $("basic-info");
    info.firstChild.textContent = s.stopped ? "Ran batches of " : "Running batches of ";
    $("stream-stopped").hidden = !s.stopped;
  }

  function renderCharts(batches) {
    var s = state.s;
    var xs = batches.map(function (b) { return b.batchId / 1000; });
    var rates = batches.map(function (b) { return (b.inputSize * 1000) / s.batchDuration; });
    var sched = batches.map(function (b) { return b.schedulingDelay === undefined ? null : b.schedulingDelay; });
    var proc = batches.map(function (b) { return b.processingTime === undefined ? null : b.processingTime; });
    var total = batches.map(function (b) { return b.totalDelay === undefined ? null : b.totalDelay; });
    var maxRate = Math.max.apply(null, [1].concat(rates));
    var maxDelay = Math.max.apply(null, [1].concat(sched, proc, total).filter(function (v) { return v !== null; }));
    var u = timeUnit(maxDelay);
    var conv = function (arr) { return arr.map(function (v) { return v === null ? null : v / u.div; }); };
    var yMaxDelay = niceMax(maxDelay / u.div);
    var delayTip = function (v) { return fmtDuration(v * u.div); };
    var stats = s.statistics;

    $("timeline-summary").textContent = "last " + batches.length + " batches, " + (stats.numActiveBatches) + " active, " + stats.numRetainedCompletedBatches + " completed";
    $("avg-input-rate").textContent = stats.avgInputRate === undefined ? "-" : stats.avgInputRate.toFixed(2);
    $("avg-scheduling-delay").textContent = fmtDuration(stats.avgSchedulingDelay);
    $("avg-processing-time").textContent = fmtDuration(stats.avgProcessingTime);
    $("avg-total-delay").textContent = fmtDuration(stats.avgTotalDelay);
    var ref = s.batchDuration / u.div;
    var legend = document.querySelector("[data-metric=processing-time] .legend");
    if (legend) legend.innerHTML = '<span class="legend-line"></span> batch interval ' + esc(fmtDuration(s.batchDuration)) + (ref > yMaxDelay ? " (above the chart)" : "");

    drawRow("input-rate", COLORS["input-rate"], { xs: xs, ys: rates }, {
      yMax: niceMax(maxRate), unitLabel: "records/sec", tip: function (v) { return v.toFixed(2) + " records/sec"; },
    });
    drawRow("scheduling-delay", COLORS["scheduling-delay"], { xs: xs, ys: conv(sched) }, { yMax: yMaxDelay, unitLabel: u.name, tip: delayTip });
    drawRow("processing-time", COLORS["processing-time"], { xs: xs, ys: conv(proc) }, { yMax: yMaxDelay, unitLabel: u.name, tip: delayTip, ref: ref });
    drawRow("total-delay", COLORS["total-delay"], { xs: xs, ys: conv(total) }, { yMax: yMaxDelay, unitLabel: u.name, tip: delayTip });
    return { xs: xs, maxRate: maxRate };
  }

  function niceMax(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v * 1.05) return steps[i] * p;
    return 10 * p;
  }

  function renderInputs(batches, xs, maxRate) {
    var s = state.s;
    var receivers = Array.from(state.receivers.values());
    var active = receivers.filter(function (r) { return r.isActive; }).length;
    $("receivers-summary").textContent = receivers.length > 0 ? "Receivers: " + active + " / " + receivers.length + " active" : "";
    renderReceiverTable(receivers, batches);
    var box = $("inputs");
    var streams = s.streams.slice();
    state.receivers.forEach(function (r) {
      if (!streams.some(function (x) { return x.id === r.streamId; })) streams.push({ id: r.streamId, name: r.streamName });
    });
    streams.sort(function (a, b) { return a.id - b.id; });
    if (box.dataset.streams !== streams.map(function (x) { return x.id; }).join(",")) {
      box.dataset.streams = streams.map(function (x) { return x.id; }).join(",");
      box.innerHTML = streams.length === 0 ? '<p class="muted">No input streams.</p>' : streams.map(function (st) {
        var id = "stream-" + st.id;
        return '<div class="input-stream" data-stream-id="' + st.id + '">' +
          '<div class="input-head"><strong class="input-name" id="' + id + '-name"></strong> <span id="' + id + '-status"></span>' +
          '<span class="input-meta" id="' + id + '-meta"></span></div>' +
          '<div class="input-error" id="' + id + '-error" hidden></div>' +
          '<div class="input-charts"><div class="chart" id="' + id + '-timeline" data-points="0"></div><div class="chart" id="' + id + '-histogram" data-points="0"></div></div></div>';
      }).join("");
      streams.forEach(function (st) { state.charts.delete("stream-" + st.id); });
    }
    streams.forEach(function (st) {
      var id = "stream-" + st.id;
      var r = state.receivers.get(st.id);
      var rates = batches.map(function (b) { return ((b.inputs[String(st.id)] || 0) * 1000) / s.batchDuration; });
      var avg = rates.length ? rates.reduce(function (a, b) { return a + b; }, 0) / rates.length : 0;
      $(id + "-name").textContent = r ? r.streamName : st.name;
      $(id + "-status").innerHTML = r ? (r.isActive ? '<span class="badge badge-ok">ACTIVE</span>' : '<span class="badge badge-fail">INACTIVE</span>') : '<span class="badge badge-muted">no receiver</span>';
      $(id + "-meta").textContent = (r ? "Executor / Host: " + (r.executorId || "-") + " / " + (r.executorHost || "-") + " · " : "") + "Avg: " + avg.toFixed(2) + " records/sec";
      var err = $(id + "-error");
      if (r && (r.lastErrorMessage || r.lastError)) {
        err.hidden = false;
        var when = r.lastErrorTime ? fmtDate(Date.parse(r.lastErrorTime.replace("GMT", "Z"))) : "-";
        err.innerHTML = '<span class="muted">Last error at ' + esc(when) + ":</span> " + esc(r.lastErrorMessage || "") + (r.lastError ? '<details><summary>details</summary><pre>' + esc(r.lastError) + "</pre></details>" : "");
      } else err.hidden = true;
      if (state.expanded) drawRow(id, COLORS["input-rate"], { xs: xs, ys: rates }, {
        yMax: niceMax(maxRate), unitLabel: "records/sec", tip: function (v) { return v.toFixed(2) + " records/sec"; },
      });
    });
  }

  // The server renders the same table (streamingPage.ts's receiverRows); this keeps it current.
  function renderReceiverTable(receivers, batches) {
    var s = state.s;
    $("receivers-card").hidden = receivers.length === 0;
    $("receivers-count").textContent = String(receivers.length);
    receivers.sort(function (a, b) { return a.streamId - b.streamId; });
    $("receivers-table").tBodies[0].innerHTML = receivers.length === 0 ? '<tr class="empty"><td colspan="6">No receivers</td></tr>' : receivers.map(function (r) {
      var rates = batches.map(function (b) { return ((b.inputs[String(r.streamId)] || 0) * 1000) / s.batchDuration; });
      var avg = rates.length ? rates.reduce(function (a, b) { return a + b; }, 0) / rates.length : 0;
      var when = r.lastErrorTime ? fmtDate(Date.parse(r.lastErrorTime.replace("GMT", "Z"))) : "-";
      return '<tr data-stream-id="' + r.streamId + '"' + (r.lastErrorMessage ? ' class="failed"' : "") + '><td class="receiver-name">' + esc(r.streamName) + "</td>" +
        '<td class="receiver-status">' + (r.isActive ? '<span class="badge badge-ok">ACTIVE</span>' : '<span class="badge badge-fail">INACTIVE</span>') + "</td>" +
        '<td class="receiver-location">' + esc((r.executorId || "-") + " / " + (r.executorHost || "-")) + "</td>" +
        '<td class="receiver-rate">' + avg.toFixed(2) + " records/sec</td>" +
        '<td class="receiver-error-time">' + esc(when) + "</td>" +
        '<td class="receiver-error">' + errorCell(r.lastErrorMessage) + "</td></tr>";
    }).join("");
  }

  function opsCell(b) {
    var ok = b.numCompletedOutputOps, total = b.numTotalOutputOps, failed = b.numFailedOutputOps;
    var pct = total > 0 ? (100 * ok) / total : 0;
    var fpct = total > 0 ? (100 * failed) / total : 0;
    return '<div class="progress"><span class="progress-done" style="width:' + pct + '%"></span><span class="progress-failed" style="width:' + fpct + '%"></span>' +
      '<span class="progress-text">' + ok + "/" + total + (failed ? " (" + failed + " failed)" : "") + "</span></div>";
  }

  function batchLink(b) {
    return '<a href="/streaming/batch/?id=' + b.batchId + '">' + esc(fmtBatchTime(b.batchId)) + "</a>";
  }

  function errorCell(reason) {
    if (!reason) return '<span class="muted">-</span>';
    var first = reason.split("\n")[0];
    if (first.length > 120) first = first.slice(0, 117) + "...";
    return '<details class="error"><summary>' + esc(first) + "</summary><pre>" + esc(reason) + "</pre></details>";
  }

  function renderTables(batches) {
    var active = batches.filter(function (b) { return b.status !== "COMPLETED"; }).reverse();
    var completed = batches.filter(function (b) { return b.status === "COMPLETED"; }).reverse();
    var fresh = function (b) { return !state.firstDraw && !state.seen.has(b.batchId + ":" + b.status) ? ' class="fresh"' : ""; };
    $("active-count").textContent = String(active.length);
    $("active-batches").tBodies[0].innerHTML = active.length === 0
      ? '<tr class="empty"><td colspan="6">No active batches</td></tr>'
      : active.map(function (b) {
          var status = b.status === "PROCESSING" ? '<span class="badge badge-run">processing</span>' : '<span class="badge badge-wait">queued</span>';
          return "<tr data-batch-id=\"" + b.batchId + "\"" + fresh(b) + "><td>" + batchLink(b) + "</td><td>" + fmtNum(b.inputSize) + " records</td><td>" + fmtDuration(b.schedulingDelay) +
            "</td><td>" + fmtDuration(b.processingTime) + "</td><td>" + opsCell(b) + "</td><td>" + status + "</td></tr>";
        }).join("");
    var total = state.s.statistics.numTotalCompletedBatches;
    var shown = state.showAll ? completed : completed.slice(0, PAGE_ROWS);
    $("completed-title").textContent = "last " + completed.length + " out of " + fmtNum(total);
    $("completed-batches").tBodies[0].innerHTML = shown.length === 0
      ? '<tr class="empty"><td colspan="7">No completed batches yet</td></tr>'
      : shown.map(function (b) {
          var cls = b.numFailedOutputOps > 0 ? ' class="failed"' : fresh(b);
          return "<tr data-batch-id=\"" + b.batchId + "\"" + cls + "><td>" + batchLink(b) + "</td><td>" + fmtNum(b.inputSize) + " records</td><td>" + fmtDuration(b.schedulingDelay) +
            "</td><td>" + fmtDuration(b.processingTime) + "</td><td>" + fmtDuration(b.totalDelay) + "</td><td>" + opsCell(b) + "</td><td>" + errorCell(b.firstFailureReason) + "</td></tr>";
        }).join("");
    var more = $("show-all-batches");
    more.hidden = completed.length <= PAGE_ROWS;
    more.textContent = state.showAll ? "Show the latest " + PAGE_ROWS : "Show all " + completed.length;
    batches.forEach(function (b) { state.seen.add(b.batchId + ":" + b.status); });
  }

  function render() {
    var s = state.s;
    $("no-stream").hidden = !!s;
    document.querySelectorAll("#basic-info, #stat-table").forEach(function (el) { el.closest("section, p").hidden = !s; });
    if (!s) return;
    var batches = sortedBatches();
    renderHeader(s.statistics);
    var c = renderCharts(batches);
    renderInputs(batches, c.xs, c.maxRate);
    renderTables(batches);
    state.firstDraw = false;
    document.body.dataset.batches = String(batches.length);
  }

  $("expand-input-rate").addEventListener("click", function () {
    state.expanded = !state.expanded;
    this.setAttribute("aria-expanded", String(state.expanded));
    $("inputs-row").hidden = !state.expanded;
    if (state.expanded) render();
  });
  $("show-all-batches").addEventListener("click", function () {
    state.showAll = !state.showAll;
    render();
  });
  // "for 3 minutes 21 seconds" keeps counting between batches.
  setInterval(function () {
    if (state.s && !state.s.stopped) renderHeader(state.s.statistics);
  }, 1000);

  // The page comes with the current snapshot, so charts draw at once, even where the event
  // stream is slow to arrive (a proxy that buffers it); /events then brings the changes.
  var initial = $("initial-snapshot");
  if (initial) {
    try { applySnapshot(JSON.parse(initial.textContent)); } catch (e) { /* the event stream's snapshot follows */ }
  }
  connect();
})();
