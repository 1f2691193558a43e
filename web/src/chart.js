// A small SVG line chart of area over time (no chart library needed for one series).
const NS = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function fmt(x, digits = 1) {
  return Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

// points: [{date: "YYYY-MM-DD", km2: number}], marker: date string to highlight.
export function drawChart(container, points, { marker, label = "km²" } = {}) {
  container.replaceChildren();
  if (!points.length) { container.textContent = "no data"; return; }
  const W = 420, H = 190, L = 58, R = 10, T = 10, B = 28;
  const t = points.map((p) => Date.parse(p.date));
  const v = points.map((p) => p.km2);
  const t0 = Math.min(...t), t1 = Math.max(...t), v1 = Math.max(...v, 1e-9);
  const x = (ti) => L + (t1 === t0 ? 0.5 : (ti - t0) / (t1 - t0)) * (W - L - R);
  const y = (vi) => T + (1 - vi / v1) * (H - T - B);
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img" });
  svg.append(el("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), class: "axis" }));
  svg.append(el("line", { x1: L, y1: T, x2: L, y2: y(0), class: "axis" }));
  for (const f of [0, 0.5, 1]) {
    svg.append(el("text", { x: L - 4, y: y(v1 * f) + 4, "text-anchor": "end", class: "tick" }, fmt(v1 * f, 0)));
  }
  svg.append(el("text", { x: L, y: H - 8, class: "tick" }, points[0].date));
  svg.append(el("text", { x: W - R, y: H - 8, "text-anchor": "end", class: "tick" }, points[points.length - 1].date));
  svg.append(el("text", { x: L + 4, y: T + 10, class: "tick" }, label));
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(t[i]).toFixed(1)},${y(p.km2).toFixed(1)}`).join("");
  svg.append(el("path", { d, class: "series" }));
  points.forEach((p, i) => {
    const c = el("circle", { cx: x(t[i]), cy: y(p.km2), r: 2.2, class: "pt" });
    c.append(el("title", {}, `${p.date}: ${fmt(p.km2)} km²`));
    svg.append(c);
  });
  if (marker) {
    const tm = Date.parse(marker);
    if (tm >= t0 && tm <= t1) svg.append(el("line", { x1: x(tm), x2: x(tm), y1: T, y2: y(0), class: "marker" }));
  }
  container.append(svg);
}
