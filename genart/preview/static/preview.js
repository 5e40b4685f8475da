// The live preview: follows the run's event stream, fetches the pictures and plots each event names.
"use strict";

const $ = (id) => document.getElementById(id);
let shownVersion = -1;
let loading = false;
let pending = null;

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${r}s` : `${r}s`;
}

function figures(state) {
  $("title").textContent = state.title;
  document.title = `${state.title} · genart preview`;
  if (state.phase === undefined) return;
  $("phase").textContent = state.phase;
  $("done").textContent = `${state.done} / ${state.total || "?"} ${state.unit}s`;
  $("error-name").textContent = state.error_name;
  $("error").textContent = state.error === null ? "–" : state.error.toFixed(2);
  $("rate-name").textContent = `${state.unit}s per second`;
  $("rate").textContent = state.rate === null ? "–" : state.rate.toFixed(state.rate < 10 ? 2 : 0);
  $("elapsed").textContent = duration(state.seconds);
  $("eta").textContent = state.finished ? "done" : duration(state.eta);
}

function tiles(state) {
  const box = $("tiles");
  const [cols, rows] = state.grid || [1, 1];
  const shares = state.tiles || [];
  if (shares.length < 2) { box.replaceChildren(); return; }
  box.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
  box.style.gridTemplateRows = `repeat(${rows}, 1fr)`;
  const cells = shares.map((share) => {
    const cell = document.createElement("div");
    const label = document.createElement("span");
    label.textContent = `${Math.round(share * 100)}%`;
    cell.append(label);
    return cell;
  });
  box.replaceChildren(...cells);
}

function stages(state) {
  const list = state.stages || [];
  $("stages-section").hidden = list.length === 0;
  $("stages").replaceChildren(...list.map((stage) => {
    const item = document.createElement("li");
    item.className = stage.state;
    const took = stage.seconds === null ? "" : ` (${stage.seconds.toFixed(1)} s)`;
    item.textContent = `${stage.state}: ${stage.label}${took}`;
    return item;
  }));
}

async function plot(where, x, version) {
  const reply = await fetch(`/curve.svg?x=${x}&v=${version}`);
  if (reply.ok) $(where).innerHTML = await reply.text();
}

// loads the picture off the page, then swaps it in: the page never shows a half-loaded picture
function image(id, url) {
  return new Promise((done) => {
    const next = new Image();
    next.onload = () => {
      const shown = $(id);
      next.id = id;
      next.alt = shown.alt;
      next.dataset.id = shown.dataset.id || "";
      shown.replaceWith(next);
      done();
    };
    next.onerror = () => done();
    next.src = url;
  });
}

// one round of fetches at a time: a newer state waits for the round in flight, then only the newest is fetched
async function show(state) {
  if (loading) { pending = state; return; }
  loading = true;
  try {
    if (state.phase !== undefined && state.version !== shownVersion) {
      const v = state.version;
      await Promise.all([
        image("canvas", `/canvas.png?v=${v}`), image("difference", `/difference.png?v=${v}`),
        $("target").dataset.id === String(state.target) ? Promise.resolve() : image("target", `/target.png?t=${state.target}`),
        plot("plot-time", "seconds", v), plot("plot-done", "done", v),
      ]);
      $("target").dataset.id = String(state.target);
      $("canvas").dataset.version = String(v);
      shownVersion = v;
      document.body.dataset.version = String(v);
    }
  } finally {
    loading = false;
  }
  if (pending) { const next = pending; pending = null; show(next); }
}

function follow() {
  const stream = new EventSource("/events");
  stream.onopen = () => { $("status").textContent = "live"; $("status").className = ""; };
  stream.onmessage = (message) => {
    const state = JSON.parse(message.data);
    figures(state);
    tiles(state);
    stages(state);
    $("status").textContent = state.finished ? "finished" : "live";
    $("status").className = state.finished ? "finished" : "";
    show(state);
  };
  stream.onerror = () => {
    $("status").textContent = "the run has stopped (or the connection was lost); this page shows its last state";
    $("status").className = "lost";
  };
}

follow();
