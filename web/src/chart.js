// A small SVG line chart of area over time (no chart library needed for one series). The axes
// follow the data: the y axis spans the series' own range on round ticks (from 0 only when the
// data come near it), the x axis marks months (or days, for a short series).
const NS = "http://www.w3.org/2000/svg";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function fmt(x, digits = 1) {
  return Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

// Round ticks covering [lo, hi]: about `n` of them, steps of 1, 2 or 5 times a power of ten.
export function niceTicks(lo, hi, n = 4) {
  if (!(hi > lo)) { const d = Math.abs(hi) * 0.1 || 1; lo -= d; hi += d; }
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const start = Math.floor(lo / step) * step, stop = Math.ceil(hi / step) * step;
  const ticks = [];
  for (let v = start; v <= stop + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function dateTicks(t0, t1) {
  const out = [];
  const days = (t1 - t0) / 864e5;
  const d = new Date(t0);
  if (days <= 45) {  // a short series: every week
    d.setUTCHours(0, 0, 0, 0);
    for (let t = d.getTime(); t <= t1; t += 7 * 864e5) if (t >= t0) out.push([t, `${new Date(t).getUTCDate()} ${MONTHS[new Date(t).getUTCMonth()]}`]);
    return out;
  }
  const every = days > 800 ? 6 : days > 400 ? 3 : days > 200 ? 2 : 1;
  let m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  while (m.getTime() <= t1) {
    if (m.getUTCMonth() % every === 0) {
      const label = m.getUTCMonth() === 0 ? String(m.getUTCFullYear()) : MONTHS[m.getUTCMonth()];
      out.push([m.getTime(), label]);
    }
    m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
  }
  return out;
}

// points: [{date: "YYYY-MM-DD", km2: number}], marker: date string to highlight.
export function drawChart(container, points, { marker, label = "km²" } = {}) {
  container.replaceChildren();
  if (!points.length) { container.textContent = "no data"; return; }
  const W = 420, H = 200, L = 54, R = 12, T = 22, B = 30;
  const t = points.map((p) => Date.parse(p.date));
  const v = points.map((p) => p.km2);
  const t0 = Math.min(...t), t1 = Math.max(...t);
  let lo = Math.min(...v), hi = Math.max(...v);
  // From zero when the data reach down near it; else the data's own range.
  if (lo <= (hi - lo) * 0.5) lo = 0;
  const ticks = niceTicks(lo, hi);
  const y0 = ticks[0], y1 = ticks.at(-1);
  const x = (ti) => L + (t1 === t0 ? 0.5 : (ti - t0) / (t1 - t0)) * (W - L - R);
  const y = (vi) => T + (1 - (vi - y0) / (y1 - y0 || 1)) * (H - T - B);
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img" });
  svg.dataset.ymin = y0;
  svg.dataset.ymax = y1;
  for (const tv of ticks) {
    svg.append(el("line", { x1: L, x2: W - R, y1: y(tv), y2: y(tv), class: "grid" }));
    svg.append(el("text", { x: L - 4, y: y(tv) + 4, "text-anchor": "end", class: "tick ytick" }, fmt(tv, 0)));
  }
  svg.append(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
  for (const [tm, text] of dateTicks(t0, t1)) {
    svg.append(el("line", { x1: x(tm), x2: x(tm), y1: H - B, y2: H - B + 4, class: "axis" }));
    svg.append(el("text", { x: x(tm), y: H - B + 15, "text-anchor": "middle", class: "tick xtick" }, text));
  }
  svg.append(el("text", { x: L, y: 13, class: "tick title" }, label));
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(t[i]).toFixed(1)},${y(p.km2).toFixed(1)}`).join("");
  svg.append(el("path", { d, class: "series" }));
  points.forEach((p, i) => {
    const c = el("circle", { cx: x(t[i]), cy: y(p.km2), r: 2.2, class: "pt" });
    c.append(el("title", {}, `${p.date}: ${fmt(p.km2)} km²`));
    svg.append(c);
  });
  if (marker) {
    const tm = Date.parse(marker);
    if (tm >= t0 && tm <= t1) svg.append(el("line", { x1: x(tm), x2: x(tm), y1: T, y2: H - B, class: "marker" }));
  }
  container.append(svg);
}
