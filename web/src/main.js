// frontwatch map UI: a date slider over the stored snapshots, the control areas and front line
// of that date with place names, the area of a chosen region (table, each side apart, and chart
// over time), a claims checker, and a permalink (the URL's fragment holds date, region and view).
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
// What each status and side is, in words (the API speaks in codes).
const LABELS = {
  occupied: "occupied by Russia since 24 Feb 2022",
  occupied_before_2022: "occupied by Russia before 2022",
  ukraine_held: "held by Ukraine",
  contested: "grey zone (contested)",
};
// A side's total: its statuses and its country's land that no layer covers (the grey zone is neither's).
const SIDES = { russia: "Russia, with its own land", ukraine: "Ukraine, with its own land" };
const ATTRIBUTION = "Control areas: <a href=\"https://deepstatemap.live\">DeepStateMap</a> · Borders: © OpenStreetMap contributors (ODbL) · " +
  "Places: GeoNames (CC BY 4.0) · Figures: frontwatch";
const $ = (id) => document.getElementById(id);

const state = { dates: [], date: null, region: "RUS", requests: {} };
const link = readLink();

// ------------------------------------------------------------------ permalink
// The URL's fragment holds the date, the region and the view: #date=2024-11-24&region=RUS&view=51.2,35.3,9
function readLink() {
  const p = new URLSearchParams(location.hash.replace(/^#/, ""));
  const view = (p.get("view") || "").split(",").map(Number);
  return {
    date: p.get("date"), region: p.get("region"),
    view: view.length === 3 && view.every(Number.isFinite) ? view : null,
  };
}

function writeLink() {
  if (!state.date) return;
  const c = map.getCenter();
  const p = new URLSearchParams({ date: state.date, region: state.region,
    view: `${c.lat.toFixed(4)},${c.lng.toFixed(4)},${map.getZoom()}` });
  const hash = "#" + p.toString().replace(/%2C/g, ",").replace(/%3A/g, ":");
  history.replaceState(null, "", hash);
  $("permalink").href = hash;
  document.body.dataset.permalink = hash;
}

// ------------------------------------------------------------------ map
const map = L.map("map", { zoomControl: true, attributionControl: false, preferCanvas: true })
  .setView(link.view ? [link.view[0], link.view[1]] : [48.5, 35.5], link.view ? link.view[2] : 6);
L.control.attribution({ prefix: false, position: "bottomright" }).addAttribution(ATTRIBUTION).addTo(map);
const bordersLayer = L.geoJSON(null, {
  style: { color: "#666", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 }, interactive: false,
}).addTo(map);
const statusLayer = L.geoJSON(null, {
  style: (f) => ({ color: COLORS[f.properties.status], weight: 0.5, fillColor: COLORS[f.properties.status], fillOpacity: 0.55 }),
  onEachFeature: (f, layer) => layer.bindTooltip(LABELS[f.properties.status] || f.properties.status, { sticky: true }),
}).addTo(map);
const frontLayer = L.geoJSON(null, { style: { color: "#111", weight: 2 }, interactive: false }).addTo(map);
const regionLayer = L.layerGroup().addTo(map);
const svgRenderer = L.svg();  // the region's outline as an SVG path (the layers draw on canvas)
const placesLayer = L.layerGroup().addTo(map);

function legend() {
  $("legend").innerHTML = Object.entries(COLORS)
    .map(([s, c]) => `<span><i style="background:${c}"></i>${LABELS[s]}</span>`).join("") +
    `<span><i class="line"></i>front line</span>`;
}

// Place names from the gazetteer, largest first, as many as the view has room for.
async function loadPlaces() {
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const bbox = [clamp(b.getWest(), -179, 179), clamp(b.getSouth(), -85, 85), clamp(b.getEast(), -179, 179),
    clamp(b.getNorth(), -85, 85)].map((v) => v.toFixed(4)).join(",");
  const size = map.getSize();
  const limit = Math.max(6, Math.min(40, Math.round((size.x * size.y) / 28000)));
  try {
    const res = await latest("places", (signal) => get("places", { bbox, limit }, { signal }));
    if (!res) return;
    placesLayer.clearLayers();
    const taken = [];
    for (const p of res.places) {
      const pt = map.latLngToContainerPoint([p.lat, p.lon]);
      const w = 7 * p.name.length + 12, h = 16;
      const box = { x0: pt.x, y0: pt.y - h, x1: pt.x + w, y1: pt.y + 4 };
      if (taken.some((t) => box.x0 < t.x1 && box.x1 > t.x0 && box.y0 < t.y1 && box.y1 > t.y0)) continue;
      taken.push(box);
      const big = p.population >= 100000;
      L.circleMarker([p.lat, p.lon], { radius: big ? 3.5 : 2.5, color: "#111", weight: 1, fillColor: "#fff", fillOpacity: 1, interactive: false })
        .bindTooltip(p.name, { permanent: true, direction: "right", offset: [4, 0], className: big ? "place-label big" : "place-label" })
        .addTo(placesLayer);
    }
    document.body.dataset.places = String(placesLayer.getLayers().length);
  } catch (e) {
    placesLayer.clearLayers();
  }
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
  if (spec === "UKR" && $("chart-status").value === "ukraine_held") $("chart-status").value = "russia";
  writeLink();
  loadArea();
  loadChart();
}

// A place region as the API resolved it: its circle drawn and the map centred on it.
function showRegion(region) {
  if (!region.center || !region.radius_km || region.name !== state.region) return;
  const [lon, lat] = region.center;
  regionLayer.clearLayers();
  const circle = L.circle([lat, lon], { radius: region.radius_km * 1000, color: "#1565c0", weight: 2, fill: false, dashArray: "4 3",
    renderer: svgRenderer, className: "region-outline" })
    .addTo(regionLayer);
  document.body.dataset.regionCircle = region.name;
  if (!state.keepView) map.fitBounds(circle.getBounds(), { padding: [20, 20] });
  state.keepView = false;
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
  const sides = $("area-sides").tBodies[0];
  $("area-error").hidden = true;
  $("area-date").textContent = date;
  try {
    const res = await latest("area", (signal) => get("area", { region, date }, { signal }));
    if (!res) return;
    body.replaceChildren(...res.records.filter((r) => r.km2 > 0 || !r.border_slivers_km2).map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.status = r.status;
      tr.dataset.km2 = r.km2;
      tr.innerHTML = `<td><i class="swatch" style="background:${COLORS[r.status]}"></i>${LABELS[r.status]}</td>` +
        `<td class="num">${fmt(r.km2)}</td><td class="num">${fmt(r.sqmi)}</td>`;
      return tr;
    }));
    // Each side's ground apart: the two sides are never added together.
    sides.replaceChildren(...(res.sides || []).map((t) => {
      const tr = document.createElement("tr");
      tr.dataset.side = t.side;
      tr.dataset.km2 = t.km2;
      tr.innerHTML = `<td>${SIDES[t.side] || t.side}</td><td class="num">${fmt(t.km2)}</td><td class="num">${t.share_pct == null ? "" : fmt(t.share_pct) + "%"}</td>`;
      return tr;
    }));
    const slivers = res.records.filter((r) => r.border_slivers_km2);
    $("area-slivers").textContent = slivers.length ? "Left out: border slivers of " +
      slivers.map((r) => `${LABELS[r.status]} (${fmt(r.border_slivers_km2)} km²)`).join(", ") +
      ", narrower than 3 km along Ukraine's border, where the map's border line and OpenStreetMap's differ." : "";
    $("area-slivers").hidden = !slivers.length;
    $("area-table").dataset.region = res.region.name;
    $("area-table").dataset.date = date;
    $("area-table").dataset.snapshotDate = res.records[0]?.date ?? "";
    showRegion(res.region);
    // What the CLI prints as warning lines (an ambiguous place name, an older map): shown as given.
    $("area-warning").textContent = (res.warnings || []).join("; ");
    $("area-warning").hidden = !(res.warnings || []).length;
  } catch (e) {
    $("area-warning").hidden = true;
    body.replaceChildren();
    sides.replaceChildren();
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
    const words = $("chart-status").selectedOptions[0]?.textContent || status;
    state.chartLabel = `Ground ${words} in ${res.region.name}, km²`;
    drawChart($("chart"), res.totals, { marker: state.date, label: state.chartLabel });
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
      tr.querySelector("div").textContent = [String(c.measure || "").replace(/_/g, " "), c.place, c.date].filter(Boolean).join(" · ");
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
  if (state.chart) drawChart($("chart"), state.chart, { marker: state.date, label: state.chartLabel });
  writeLink();
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
    // A permalink's date: the last map on or before it.
    let idx = state.dates.length - 1;
    if (link.date) {
      const before = state.dates.filter((d) => d <= link.date);
      if (before.length) idx = state.dates.indexOf(before.at(-1));
    }
    slider.value = String(idx);
    $("status-line").textContent = `${snaps.snapshots.length} maps, ${state.dates[0]} to ${state.dates.at(-1)}`;
    state.date = state.dates[idx];
    $("date-label").textContent = state.date;
    refreshDate();
    const region = link.region || "RUS";
    if (link.view) state.keepView = true;
    if (/^[A-Za-z]{3}$/.test(region)) sel.value = region.toUpperCase();
    else if (region.includes(":") && !region.startsWith("bbox:")) {
      document.querySelector("input[name=mode][value=place]").checked = true;
      showMode("place");
      const [where, km] = region.split(/:(?=[^:]*$)/);
      $("place-input").value = where;
      $("radius-input").value = parseFloat(km) || 15;
    }
    setRegion(region);
    loadPlaces();
    document.body.dataset.ready = "1";
  } catch (e) {
    $("status-line").textContent = `cannot load the store: ${e.message}`;
  }
}

$("date-slider").addEventListener("input", onSlider);
map.on("moveend", () => { writeLink(); loadPlaces(); });
$("country-select").addEventListener("change", (e) => setRegion(e.target.value));
$("place-go").addEventListener("click", usePlace);
$("place-input").addEventListener("keydown", (e) => { if (e.key === "Enter") usePlace(); });
$("draw-box").addEventListener("click", drawBox);
$("chart-status").addEventListener("change", loadChart);
$("chart-every").addEventListener("change", loadChart);
$("claims-check").addEventListener("click", checkClaims);
for (const r of document.querySelectorAll("input[name=mode]")) r.addEventListener("change", (e) => showMode(e.target.value));

start();
