"""The HTML report: one self-contained file (images as base64 PNG, inline CSS, no script and no
external resource) on a region and a date range: latest area per status, peaks and shares lost,
the area chart, a map of the last date compared with the first, weekly changes by side, the
advance near a place, settlements that changed hands, and the check of news articles' claims.
Every number comes from a library call (frontwatch.analysis.measure, frontwatch.analysis.front,
frontwatch.analysis.settlements, frontwatch.claims.check); this module only chooses the calls and lays out
their results. :func:`build_report` is what ``frontwatch report`` writes.
May import: frontwatch.analysis.measure, frontwatch.notices, frontwatch.geo.regions, frontwatch.faces.report.*, frontwatch.claims.check,
frontwatch.analysis.front, frontwatch.analysis.settlements, frontwatch.statuses.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path

from frontwatch import __version__, notices
from frontwatch.analysis.measure import MeasureError, area_series, peak, select_snapshots
from frontwatch.geo.regions import load_borders, resolve_region
from frontwatch.statuses import SIDE_COUNTRY, SIDES, STATUSES, mixes_sides
from frontwatch.faces.report.charts import STATUS_LABELS, advance_chart, advance_records_data, area_chart, area_chart_data, figure_bytes
from frontwatch.faces.report.maps import borders_origin, control_map, map_data, side_change

# The advance columns a reader needs; the record has more (bearings, the other side's mirror).
ADVANCE_COLUMNS = ("from_date", "to_date", "days", "front_km_new", "russia_gained_km2", "russia_lost_km2",
                   "russia_mean_m_per_day", "russia_shift_m")
MAX_CHANGE_ROWS = 26
MAX_SETTLEMENT_ROWS = 40     # about half a year of weeks; longer windows step by month
SHOWN_MIN_SHARE = 0.02   # statuses whose peak stays under 2 % of the largest are border slivers

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.3em .6em;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
img{max-width:100%;height:auto;border:1px solid #eee}.muted{color:#666;font-size:.9em}
.v-consistent{background:#e6f4ea}.v-overstated,.v-understated{background:#fdecea}
td.d{white-space:nowrap}.prov td:first-child{font-weight:600;white-space:nowrap}
"""


_DATE_KEYS = ("date", "from", "to", "from_date", "to_date", "peak_date")


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _table(rows, cols, numeric=()) -> str:
    """rows: list of dicts; cols: [(key, header)]; numeric keys are right-aligned."""
    if not rows:
        return "<p class='muted'>(nothing)</p>"
    head = "".join(f"<th>{_e(h)}</th>" for _, h in cols)
    body = []
    for r in rows:
        cls = f" class='v-{_e(str(r.get('verdict', '')).split(' ')[0])}'" if r.get("verdict") else ""
        cells = "".join(f"<td class='n'>{_e(r.get(k))}</td>" if k in numeric
                        else f"<td class='d'>{_e(r.get(k))}</td>" if k in _DATE_KEYS else f"<td>{_e(r.get(k))}</td>"
                        for k, _ in cols)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _img(png: bytes, alt: str) -> str:
    return f"<img alt='{_e(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}'>"


def _n(v, nd=1):
    if v is None:
        return ""
    v = 0.0 if round(v, nd) == 0 else v  # no "-0.0"
    return f"{v:,.{nd}f}"


def shown_statuses(records, region_name: str = "") -> tuple:
    """Statuses worth a line and a peak. In RUS or UKR: the other side's statuses and contested,
    since the map maker's layers overlap OSM's border in slivers (tens of km2 of "occupied" in
    RUS) that would swell a combined total. Elsewhere: every status whose largest area reaches
    SHOWN_MIN_SHARE of the largest status's."""
    top = {st: max((r["km2"] for r in records if r["status"] == st), default=0.0) for st in STATUSES}
    home = next((side for side, iso in SIDE_COUNTRY.items() if iso == region_name.upper()), None)
    if home is not None:
        other = next(side for side in SIDES if side != home)
        return tuple(st for st in STATUSES if (st in SIDES[other] or st == "contested") and top[st] > 0.5)
    biggest = max(top.values(), default=0.0)
    return tuple(st for st in STATUSES if top[st] > 0.5 and top[st] >= SHOWN_MIN_SHARE * biggest)


def change_pairs(store, start, end, source=None, max_rows=MAX_CHANGE_ROWS):
    """Consecutive pairs of the last snapshot of each week (month when the window is longer than
    ``max_rows`` weeks; then the last ``max_rows`` months)."""
    for every in ("week", "month"):
        snaps = select_snapshots(store, start=start, end=end, every=every, source=source)
        pairs = list(zip(snaps[:-1], snaps[1:]))
        if len(pairs) <= max_rows:
            return every, pairs
    return every, pairs[-max_rows:]


def build_report(store, region, start=None, end=None, articles=(), near=None, radius_km=None, borders=None, *,
                 source=None, map_fronts=True, warnings=()) -> str:
    """The report as one HTML document (str). ``region``: a Region or a region spec (``RUS``,
    ``Kurakhove:25km``...); ``start``/``end``: dates (default: the archive's range); ``articles``:
    paths of text files whose claims are checked; ``near``/``radius_km``: a place (name or
    "lat,lon") and radius for the advance table; ``borders``: ``{iso_a3: geometry}`` (default:
    the store's); ``warnings``: messages the caller already has (from resolving the region), listed
    with the library's own warnings in a Warnings section. Raises MeasureError/RegionError/ValueError
    on a window without data."""
    borders = borders if borders is not None else load_borders(store)
    if isinstance(region, str):
        region = resolve_region(region, borders, store=store)  # a named oblast comes from the store
    snaps = select_snapshots(store, start=start, end=end, source=source)
    first, last = snaps[0], snaps[-1]
    generated = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    parts = []

    # The library's warnings (a gap in the archive, an ambiguous place) go into the report, and
    # are given once each to the caller too.
    with notices.collect() as said:
        # ---- summary: latest areas, peaks
        records = area_series(store, region, STATUSES, snapshots=snaps)
        shown = shown_statuses(records, region.name) or ("ukraine_held",)
        latest = [r for r in records if r["snapshot_id"] == last.id]
        peaks = [peak(store, region, (st,), since=start, until=end, source=source) for st in shown]
        if len(shown) > 1 and not mixes_sides(shown):
            peaks.append(peak(store, region, shown, since=start, until=end, source=source))
        parts.append("<h2>Summary</h2>")
        parts.append(f"<p>Area of each status inside <b>{_e(region.name)}</b> on the last map of the window "
                     f"({_e(last.date)}, taken {last.taken_at:%Y-%m-%d %H:%M} UTC); geodesic areas on WGS84.</p>")
        parts.append(_table([{"status": STATUS_LABELS[st], "km2": _n(r["km2"]), "sqmi": _n(r["sqmi"])}
                             for r in latest for st in [r["status"]]],
                            [("status", "status"), ("km2", "km²"), ("sqmi", "sq mi")], numeric=("km2", "sqmi")))
        parts.append(f"<p>Peak of each within {_e(first.date)} to {_e(last.date)} (measure.peak), the area on the "
                     "last map and the share of the peak lost since:</p>")
        parts.append(_table([{"statuses": p["statuses"], "peak_date": p["peak_date"], "peak_km2": _n(p["peak_km2"]),
                              "peak_sqmi": _n(p["peak_sqmi"]), "date": p["date"], "km2": _n(p["km2"]),
                              "lost_km2": _n(p["lost_km2"]), "share": _n(p["share_lost_pct"]) + " %"
                              if p["share_lost_pct"] is not None else ""} for p in peaks],
                            [("statuses", "statuses"), ("peak_date", "peak on"), ("peak_km2", "peak km²"),
                             ("peak_sqmi", "peak sq mi"), ("date", "last map"), ("km2", "then km²"),
                             ("lost_km2", "lost km²"), ("share", "share of peak lost")],
                            numeric=("peak_km2", "peak_sqmi", "km2", "lost_km2", "share")))

        # ---- chart
        data = area_chart_data(store, region, shown, start, end, source=source)
        parts.append("<h2>Area over time</h2>")
        parts.append(_img(figure_bytes(area_chart(data)), f"area of {', '.join(shown)} in {region.name}"))

        # ---- map
        parts.append("<h2>Map</h2>")
        compare = first.date if first.date < last.date else None
        try:
            md = map_data(store, region, last.date, compare=compare, borders=borders, source=source, fronts=map_fronts)
            parts.append(_img(figure_bytes(control_map(md)), f"control map of {region.name} on {last.date}"))
            if md["change"] is not None:
                c = md["change"]
                parts.append(f"<p>Hatched: ground the {_e(c['side'])} side gained ({_n(c['gained_km2'])} km²) and lost "
                             f"({_n(c['lost_km2'])} km²) in {_e(region.name)} between {_e(c['from_date'])} and "
                             f"{_e(c['to_date'])}; {_e(c['note'])}.</p>")
        except (MeasureError, ValueError) as exc:
            parts.append(f"<p class='muted'>No map: {_e(exc)}</p>")

        # ---- weekly changes
        every, pairs = change_pairs(store, start, end, source)
        rows = []
        for a, b in pairs:
            c = side_change(store, region, a.taken_at, b.taken_at, borders=borders, source=source)
            rows.append({"from": c["from_date"], "to": c["to_date"], "side": c["side"], "gained": _n(c["gained_km2"]),
                         "lost": _n(c["lost_km2"]), "net": _n(c["net_km2"]), "total": _n(c["km2_to"]),
                         "_note": c["note"]})
        parts.append(f"<h2>Change by {every}</h2>")
        if rows:
            parts.append(f"<p>Between the last maps of consecutive {every}s (measure.change); {_e(rows[0]['_note'])}.</p>")
        parts.append(_table(rows, [("from", "from"), ("to", "to"), ("side", "side"), ("gained", "gained km²"),
                                   ("lost", "lost km²"), ("net", "net km²"), ("total", "held then km²")],
                            numeric=("gained", "lost", "net", "total")))

        # ---- advance near a place
        if near:
            parts.append(_advance_section(store, near, radius_km or 15.0, first.date, last.date, every, borders, source))

        # ---- settlements
        parts.append(_settlements_section(store, region, first.date, last.date, borders, source))

        # ---- claims
        for path in articles:
            parts.append(_claims_section(store, Path(path), borders, source))

    listed = list(dict.fromkeys([*warnings, *said]))
    if listed:
        parts.append("<h2>Warnings</h2><ul class='muted'>" + "".join(f"<li>{_e(m)}</li>" for m in listed) + "</ul>")
    for message in said:
        notices.warn(message)

    # ---- provenance
    summary = store.summary()
    src = next((s for s in summary["sources"] if s["source"] == first.source), None)
    prov = [("store", summary["path"]), ("source", first.source),
            ("snapshots in window", f"{len(snaps)}, {first.date} to {last.date} "
                                    f"({first.taken_at:%Y-%m-%d %H:%M} to {last.taken_at:%Y-%m-%d %H:%M} UTC)"),
            ("snapshots in store", f"{src['snapshots']}, {src['first']} to {src['last']}" if src else ""),
            ("country borders", borders_origin(store) or "fetched (see frontwatch borders)"),
            ("places", _places_origin()),
            ("generated", f"{generated:%Y-%m-%d %H:%M:%S} UTC"), ("frontwatch", __version__)]
    parts.append("<h2>Where the data come from</h2><table class='prov'>"
                 + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in prov) + "</table>")

    title = f"{region.name}: control from {first.date} to {last.date}"
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{_e(title)}</h1><p class='muted'>frontwatch {_e(__version__)} report on {_e(first.source)} maps, "
            f"generated {generated:%Y-%m-%d %H:%M} UTC. Areas are geodesic (WGS84).</p>"
            + "\n".join(parts) + "</body></html>\n")


def _advance_section(store, near, radius_km, start, end, every, borders, source) -> str:
    head = f"<h2>Advance within {radius_km:g} km of {_e(near)}</h2>"
    try:
        from frontwatch.analysis.front import advance
    except ImportError:
        return head + "<p class='muted'>Not available: frontwatch.analysis.front is not installed.</p>"
    try:
        recs = advance(store, near, radius_km, start=start, end=end, every=every, borders=borders, source=source)
    except (MeasureError, ValueError) as exc:
        return head + f"<p class='muted'>No advance table: {_e(exc)}</p>"
    chart = ""
    if len(recs) > 1:  # one bar per period: the pace at a glance, above the table of its figures
        data = advance_records_data(recs, radius_km, every, source or store.default_source())
        chart = _img(figure_bytes(advance_chart(data)), f"advance within {radius_km:g} km of {near} per {every}")
    wanted = [k for k in ADVANCE_COLUMNS if recs and k in recs[0]]
    keys = wanted or ([k for k in recs[0] if k not in ("geometry", "place", "radius_km")
                       and not isinstance(recs[0][k], (list, dict, tuple))] if recs else [])
    rows = [{k: _n(r[k], 2) if isinstance(r[k], float) else r[k] for k in keys} for r in recs]
    return head + chart + ("<p>Per pair of maps (frontwatch.analysis.front.advance), the Russian side (occupied + contested "
                   "against Ukrainian-held): mean advance = net area gained / mean front length, per day; "
                   "largest local shift of the front in metres (negative: a retreat).</p>"
                   + _table(rows, [(k, k) for k in keys], numeric=[k for k in keys if k not in ("from_date", "to_date")]))


def _places_origin() -> str:
    from frontwatch.geo.places import gazetteer_origin

    return gazetteer_origin()


def _settlements_section(store, region, start, end, borders, source) -> str:
    head = "<h2>Settlements that changed hands</h2>"
    try:
        from frontwatch.analysis.settlements import settlement_changes, summarise_changes
    except ImportError:
        return head + "<p class='muted'>Not available in this installation (frontwatch.analysis.settlements missing).</p>"
    try:
        recs = settlement_changes(store, region, start=start, end=end, borders=borders, source=source)
    except (MeasureError, ValueError) as exc:
        return head + f"<p class='muted'>No settlements table: {_e(exc)}</p>"
    s = summarise_changes(recs)
    # Largest places first: a reader scans for the towns, not for hamlets flickering in the grey zone.
    top = sorted(recs, key=lambda r: (-(r.get("population") or 0), r["date"]))[:MAX_SETTLEMENT_ROWS]
    top.sort(key=lambda r: (r["date"], -(r.get("population") or 0)))
    rows = [{**r, "old": f"{r['old_status'] or 'no layer'} ({r['old_side'] or 'neither'})",
             "new": f"{r['new_status'] or 'no layer'} ({r['new_side'] or 'neither'})"} for r in top]
    from frontwatch.geo.places import coverage_note

    floor = coverage_note(tuple(sorted({r["country"] for r in recs if r.get("country") in ("UA", "RU")})))
    intro = (f"<p>{s['changes']} changes of status or side at {s['places']} gazetteer settlements "
             f"inside {_e(region.name)}; {s['places_changed_side']} ended on another side than they "
             f"started (frontwatch.analysis.settlements). The date is the first map showing the new state."
             + (f" The {len(top)} changes of the largest places are listed." if len(recs) > len(top) else "")
             + (f" Note: {_e(floor)}." if floor else "")
             + "</p>")
    return head + intro + _table(rows, [("date", "date"), ("place", "place"), ("oblast", "oblast"),
                                        ("population", "population"), ("old", "before"), ("new", "after")],
                                 numeric=("population",))


def _claims_section(store, path: Path, borders, source) -> str:
    from frontwatch.claims.check import check_rows, check_text

    head = f"<h2>Claims check: {_e(path.name)}</h2>"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return head + f"<p class='muted'>Cannot read {_e(path)}: {_e(exc.strerror)}</p>"
    res = check_text(store, text, borders=borders, source=source)
    out = [head, f"<p>Numeric claims found in the article (published {_e(res['published'] or 'date unknown')}) and "
                 "what the maps say for the same place and date (frontwatch.claims.check).</p>"]
    out.append(_table(check_rows(res["claims"]), [("claim", "claim"), ("measure", "measure"), ("side", "side"),
                                                  ("place", "place"), ("date", "date"), ("map", "maps"),
                                                  ("verdict", "verdict"), ("reason", "reason")]))
    if res["consistency"]:
        out.append("<p>Internal consistency of the article's own figures:</p><ul>" + "".join(
            f"<li>{'consistent' if c['consistent'] else 'inconsistent'}: {_e(c['explanation'])}</li>"
            for c in res["consistency"]) + "</ul>")
    if res["notes"]:
        out.append("<p class='muted'>" + "<br>".join(_e(n) for n in res["notes"]) + "</p>")
    return "\n".join(out)
