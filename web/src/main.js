// frontwatch map UI: a date slider over the stored snapshots, the control areas and front line
// of that date, the area of a chosen region (table and chart over time), and a claims checker.
// It computes nothing: every figure is read from the JSON API (see api.js).
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import "./style.css";
import { get, post } from "./api.js";
import { drawChart, fmt } from "./chart.js";

const COLORS = {
  occupied: "#a52714",
  occupied_before_2022: "#880e4f",
  ukraine_held: "#0f9d58",
  contested: "#9e9e9e",
};
const $ = (id) => document.getElementById(id);

const state = { dates: [], date: null, region: "RUS", requests: {} };

// ------------------------------------------------------------------ map
const map = L.map("map", { zoomControl: true, attributionControl: false, preferCanvas: true })
  .setView([48.5, 35.5], 6);
const bordersLayer = L.geoJSON(null, {
  style: { color: "#666", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 }, interactive: false,
}).addTo(map);
const statusLayer = L.geoJSON(null, {
  style: (f) => ({ color: COLORS[f.properties.status], weight: 0.5, fillColor: COLORS[f.properties.status], fillOpacity: 0.55 }),
  onEachFeature: (f, layer) => layer.bindTooltip(f.properties.status, { sticky: true }),
}).addTo(map);
const frontLayer = L.geoJSON(null, { style: { color: "#111", weight: 2 }, interactive: false }).addTo(map);
const regionLayer = L.layerGroup().addTo(map);

function legend() {
  $("legend").innerHTML = Object.entries(COLORS)
    .map(([s, c]) => `<span><i style="background:${c}"></i>${s}</span>`).join("") +
    `<span><i class="line"></i>front line</span>`;
}

// Latest request wins: a slider dragged quickly must not show an older date's answer.
async function latest(name, fn) {
  state.requests[name]?.abort();
  const ctl = new AbortController();
  state.requests[name] = ctl;
  try {
    return await fn(ctl.signal);
  } catch (e) {
    if (e.name === "AbortError") return undefined;
    throw e;
  }
}

async function loadLayers() {
  const date = state.date;
  const fc = await latest("layers", (signal) => get("layers", { date }, { signal }));
  if (!fc) return;
  statusLayer.clearLayers().addData(fc);
  document.body.dataset.layersDate = date;
}

async function loadFront() {
  const date = state.date;
  $("front-length").textContent = "computing…";
  $("front-length").dataset.date = "";
  try {
    const f = await latest("front", (signal) => get("front", { date }, { signal }));
    if (!f) return;
    frontLayer.clearLayers().addData(f.geometry);
    $("front-length").textContent = `${fmt(f.length_km)} km (${f.date})`;
    $("front-length").dataset.date = f.date;
    $("front-length").dataset.km = f.length_km;
  } catch (e) {
    frontLayer.clearLayers();
    $("front-length").textContent = e.message;
  }
}

// ------------------------------------------------------------------ region
function setRegion(spec, shape) {
  state.region = spec;
  $("region-spec").textContent = spec;
  regionLayer.clearLayers();
  if (shape) shape.setStyle({ color: "#1565c0", weight: 2, fill: false, dashArray: "4 3" }).addTo(regionLayer);
  if (spec === "RUS" && $("chart-status").value !== "ukraine_held") $("chart-status").value = "ukraine_held";
  loadArea();
  loadChart();
}

function showMode(mode) {
  for (const m of ["country", "place", "box"]) $(`mode-${m}`).hidden = m !== mode;
}

function usePlace() {
  const where = $("place-input").value.trim();
  const km = Number($("radius-input").value) || 15;
  if (!where) return;
  const m = where.match(/^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/);
  const shape = m ? L.circle([Number(m[1]), Number(m[2])], { radius: km * 1000 }) : null;
  setRegion(`${where}:${km}km`, shape);
}

function drawBox() {
  const btn = $("draw-box");
  btn.textContent = "Drag on the map…";
  map.dragging.disable();
  let start = null, rect = null;
  const down = (e) => { start = e.latlng; rect = L.rectangle([start, start]).addTo(regionLayer); };
  const move = (e) => { if (start) rect.setBounds([start, e.latlng]); };
  const up = (e) => {
    map.off("mousedown", down).off("mousemove", move).off("mouseup", up);
    map.dragging.enable();
    btn.textContent = "Draw a box on the map";
    if (!start) return;
    const b = L.latLngBounds(start, e.latlng);
    const r = (x) => x.toFixed(3);
    setRegion(`bbox:${r(b.getWest())},${r(b.getSouth())},${r(b.getEast())},${r(b.getNorth())}`, L.rectangle(b));
  };
  map.on("mousedown", down).on("mousemove", move).on("mouseup", up);
}

map.on("click", (e) => {
  if ($("mode-place").hidden) return;
  $("place-input").value = `${e.latlng.lat.toFixed(4)},${e.latlng.lng.toFixed(4)}`;
  usePlace();
});

// ------------------------------------------------------------------ area and chart
async function loadArea() {
  const date = state.date, region = state.region;
  const body = $("area-table").tBodies[0];
  $("area-error").hidden = true;
  $("area-date").textContent = date;
  try {
    const res = await latest("area", (signal) => get("area", { region, date }, { signal }));
    if (!res) return;
    body.replaceChildren(...res.records.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.status = r.status;
      tr.dataset.km2 = r.km2;
      tr.innerHTML = `<td><i class="swatch" style="background:${COLORS[r.status]}"></i>${r.status}</td>` +
        `<td class="num">${fmt(r.km2)}</td><td class="num">${fmt(r.sqmi)}</td>`;
      return tr;
    }));
    const total = res.totals[0];
    $("area-total").textContent = fmt(total.km2);
    $("area-total").dataset.km2 = total.km2;
    $("area-total-sqmi").textContent = fmt(total.sqmi);
    $("area-table").dataset.region = res.region.name;
    $("area-table").dataset.date = date;
    $("area-table").dataset.snapshotDate = total.date;
    // What the CLI prints as warning lines (an ambiguous place name, an older map): shown as given.
    $("area-warning").textContent = (res.warnings || []).join("; ");
    $("area-warning").hidden = !(res.warnings || []).length;
  } catch (e) {
    $("area-warning").hidden = true;
    body.replaceChildren();
    $("area-total").textContent = "";
    $("area-error").textContent = e.message;
    $("area-error").hidden = false;
  }
}

async function loadChart() {
  const region = state.region, status = $("chart-status").value, every = $("chart-every").value;
  $("chart").textContent = "loading…";
  try {
    const res = await latest("chart", (signal) => get("area", { region, status, every, from: state.dates[0] }, { signal }));
    if (!res) return;
    state.chart = res.totals;
    drawChart($("chart"), res.totals, { marker: state.date, label: `${status} in ${res.region.name}, km²` });
  } catch (e) {
    $("chart").textContent = e.message;
  }
}

// ------------------------------------------------------------------ claims
async function checkClaims() {
  const text = $("claims-text").value;
  if (!text.trim()) return;
  $("claims-status").textContent = "checking…";
  const table = $("claims-table");
  try {
    const res = await post("claims/check", { text, published: $("claims-published").value || null });
    table.tBodies[0].replaceChildren(...res.claims.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.verdict = c.verdict;
      const map = c.map_value == null ? "" : `${fmt(c.map_value)} ${c.map_unit ?? ""}`;
      tr.innerHTML = `<td><q></q><div class="muted small"></div></td>` +
        `<td><span class="verdict v-${(c.verdict || "").replace(/\W+/g, "-")}"></span></td><td class="num"></td>`;
      tr.querySelector("q").textContent = c.surface;
      tr.querySelector("div").textContent = [c.measure, c.place, c.date].filter(Boolean).join(" · ");
      tr.querySelector(".verdict").textContent = c.verdict;
      tr.querySelector(".verdict").title = c.reason || "";
      tr.cells[2].textContent = map;
      return tr;
    }));
    table.hidden = false;
    $("claims-status").textContent = `${res.claims.length} claims` + (res.published ? `, as of ${res.published}` : "") +
      (res.notes?.length ? ` (${res.notes.join("; ")})` : "") +
      (res.warnings?.length ? `; warning: ${res.warnings.join("; ")}` : "");
  } catch (e) {
    $("claims-status").textContent = e.message;
  }
}

// ------------------------------------------------------------------ date slider
let debounce;
function onSlider() {
  state.date = state.dates[Number($("date-slider").value)];
  $("date-label").textContent = state.date;
  clearTimeout(debounce);
  debounce = setTimeout(refreshDate, 200);
}

function refreshDate() {
  document.body.dataset.date = state.date;
  loadLayers();
  loadFront();
  loadArea();
  if (state.chart) drawChart($("chart"), state.chart, { marker: state.date, label: $("chart").querySelector("text:last-of-type")?.textContent });
}

async function start() {
  legend();
  try {
    const [snaps, regions, borders] = await Promise.all([get("snapshots"), get("regions"), get("borders")]);
    bordersLayer.addData(borders);
    state.dates = [...new Set(snaps.snapshots.map((s) => s.date))];
    const sel = $("country-select");
    sel.replaceChildren(...["ALL", ...regions.countries].map((c) => new Option(c, c, false, c === "RUS")));
    const slider = $("date-slider");
    slider.max = String(state.dates.length - 1);
    slider.value = String(state.dates.length - 1);
    $("status-line").textContent = `${snaps.snapshots.length} snapshots, ${state.dates[0]} to ${state.dates.at(-1)}`;
    state.date = state.dates.at(-1);
    $("date-label").textContent = state.date;
    refreshDate();
    setRegion("RUS");
    document.body.dataset.ready = "1";
  } catch (e) {
    $("status-line").textContent = `cannot load the store: ${e.message}`;
  }
}

$("date-slider").addEventListener("input", onSlider);
$("country-select").addEventListener("change", (e) => setRegion(e.target.value));
$("place-go").addEventListener("click", usePlace);
$("place-input").addEventListener("keydown", (e) => { if (e.key === "Enter") usePlace(); });
$("draw-box").addEventListener("click", drawBox);
$("chart-status").addEventListener("change", loadChart);
$("chart-every").addEventListener("change", loadChart);
$("claims-check").addEventListener("click", checkClaims);
for (const r of document.querySelectorAll("input[name=mode]")) r.addEventListener("change", (e) => showMode(e.target.value));

start();
