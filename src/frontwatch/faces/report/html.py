"""The HTML report: one self-contained file (images as base64 PNG, inline CSS, no script and no
external resource) on a region and a date range: latest area per status, peaks and shares lost,
the area chart, a map of the last date compared with the first, weekly changes by side, the
advance near a place, settlements that changed hands, and the check of news articles' claims.
Every number comes from a library call (frontwatch.analysis.measure, frontwatch.analysis.front,
frontwatch.analysis.settlements, frontwatch.claims.check); this module only chooses the calls and lays out
their results, which the Jinja2 template ``templates/report.html.j2`` lays out (autoescaped).
The page names no module of frontwatch and no local path: a reader sees what was measured, in
words, and where the data came from. :func:`build_report` is what ``frontwatch report`` writes.
May import: jinja2, frontwatch.analysis.measure, frontwatch.notices, frontwatch.geo.regions, frontwatch.faces.report.*, frontwatch.claims.check,
frontwatch.analysis.front, frontwatch.analysis.settlements, frontwatch.statuses.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
from pathlib import Path

from frontwatch import __version__, notices
from frontwatch.claims.check import check_rows
from frontwatch.geo.places import coverage_note, gazetteer_origin
from frontwatch.workspace import MeasureError
from frontwatch.statuses import SIDE_COUNTRY, SIDES, STATUSES, mixes_sides
from frontwatch.faces.report.charts import (COUNTRY_NAMES, STATUS_LABELS, _cap, _source_name, advance_chart,
                                            area_chart, chart_title, figure_bytes, ground_words, region_words)
from frontwatch.faces.report.maps import _origin_name, control_map

SIDE_NAMES = {"russia": "Russia", "ukraine": "Ukraine"}
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def compass(bearing_deg) -> str:
    """A bearing in degrees as one of the eight compass points (290 -> W)."""
    return "" if bearing_deg is None else COMPASS[int(((float(bearing_deg) % 360) + 22.5) // 45) % 8]

MAX_CHANGE_ROWS = 26
MAX_SETTLEMENT_ROWS = 40     # about half a year of weeks; longer windows step by month
SHOWN_MIN_SHARE = 0.02   # statuses whose peak stays under 2 % of the largest are border slivers

_DATE_KEYS = ("date", "from", "to", "from_date", "to_date", "peak_date")


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


@functools.lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("frontwatch.faces.report", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template("report.html.j2")


def _what(statuses) -> str:
    st = tuple(str(statuses).split(",")) if isinstance(statuses, str) else tuple(statuses)
    return ground_words(st)[len("Ground "):] if ground_words(st).startswith("Ground ") else ground_words(st)


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def build_report(ws, region, start=None, end=None, articles=(), near=None, radius_km=None, *,
                 source=None, map_fronts=True, warnings=()) -> str:
    """The report as one HTML document (str) on the maps of the workspace ``ws``
    (:class:`frontwatch.workspace.Workspace`: its store, borders and regions). ``region``: a Region
    or a region spec (``RUS``, ``Kurakhove:25km``...); ``start``/``end``: dates (default: the
    archive's range); ``articles``: paths of text files whose claims are checked;
    ``near``/``radius_km``: a place (name or "lat,lon") and radius for the advance table;
    ``warnings``: messages the caller already has (from resolving the region), listed with the
    library's own warnings in a Warnings section. Raises MeasureError/RegionError/ValueError on a
    window without data."""
    store, borders = ws.store, ws.borders
    region = ws.region(region)
    snaps = ws.snapshots(start, end, source=source, required=True)
    first, last = snaps[0], snaps[-1]
    generated = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ctx = {"date_keys": _DATE_KEYS, "region_words": region_words(region.name), "source_name": _source_name(first.source),
           "first_date": first.date.isoformat(), "last_date": last.date.isoformat(),
           "last_time": f"{last.taken_at:%H:%M}", "generated": f"{generated:%Y-%m-%d %H:%M} UTC"}

    # The library's warnings (a gap in the archive, an ambiguous place) go into the report, and
    # are given once each to the caller too.
    with notices.collect() as said:
        # ---- summary: latest areas (border slivers left out, as `area` does), peaks
        records = [r.to_record() for r in ws.area(region, STATUSES, start=first.date, end=last.date, source=source,
                                                  shares=False)]
        shown = shown_statuses(records, region.name) or ("ukraine_held",)
        latest = [r for r in records if r["snapshot_id"] == last.id]
        peaks = [ws.peak(region, (st,), since=start, until=end, source=source).to_record() for st in shown]
        if len(shown) > 1 and not mixes_sides(shown):
            peaks.append(ws.peak(region, shown, since=start, until=end, source=source).to_record())
        ctx["areas"] = [{"what": _cap(STATUS_LABELS[r["status"]]), "km2": _n(r["km2"]), "sqmi": _n(r["sqmi"])}
                        for r in latest if r["km2"] or not r.get("border_slivers_km2")]
        cut = [r for r in latest if r.get("border_slivers_km2")]
        ctx["slivers"] = ("border slivers of " + ", ".join(f"{STATUS_LABELS[r['status']]} ({_n(r['border_slivers_km2'])} km²)"
                                                         for r in cut)
                          + ": pieces of Russia's statuses inside Russia narrower than 3 km along Ukraine's border, where "
                            "the map's border line and OpenStreetMap's differ") if cut else ""
        ctx["peaks"] = [{"what": _cap(_what(p["statuses"])), "peak_date": p["peak_date"], "peak_km2": _n(p["peak_km2"]),
                         "peak_sqmi": _n(p["peak_sqmi"]), "date": p["date"], "km2": _n(p["km2"]),
                         "lost_km2": _n(p["lost_km2"]),
                         "share": (_n(p["share_lost_pct"]) + " %") if p["share_lost_pct"] and round(p["share_lost_pct"], 1) > 0
                         else "none: the last map is at the peak"} for p in peaks]

        # ---- chart
        data = ws.area_chart_data(region, shown, start, end, source=source)
        ctx["chart_png"] = _b64(figure_bytes(area_chart(data)))
        ctx["chart_alt"] = chart_title(shown, region.name)

        # ---- map
        compare = first.date if first.date < last.date else None
        ctx.update(map_png=None, map_note="", map_error="", map_alt=f"map of {region_words(region.name)} on {last.date}")
        try:
            md = ws.map_data(region, last.date, compare=compare, source=source, fronts=map_fronts)
            ctx["map_png"] = _b64(figure_bytes(control_map(md)))
            if md["change"] is not None:
                c = md["change"]
                who = SIDE_NAMES.get(c["side"], c["side"])
                ctx["map_note"] = (f"Hatched: ground {who} took ({_n(c['gained_km2'])} km²) and ground taken from {who} "
                                   f"({_n(c['lost_km2'])} km²) in {region_words(region.name)} between {c['from_date']} "
                                   f"and {c['to_date']}.")
        except (MeasureError, ValueError) as exc:
            ctx["map_error"] = str(exc)

        # ---- weekly changes
        every, changes = ws.side_changes(region, start, end, source=source)
        rows = [{"from": c["from_date"], "to": c["to_date"], "side": SIDE_NAMES.get(c["side"], c["side"]),
                 "gained": _n(c["gained_km2"]), "lost": _n(c["lost_km2"]), "net": _n(c["net_km2"]),
                 "total": _n(c["km2_to"])} for c in changes]
        ctx.update(every=every, changes=rows, change_note=_change_note(region, borders))

        # ---- advance near a place
        ctx["advance"] = (_advance_section(ws, near, radius_km or 15.0, first.date, last.date, every, source)
                          if near else None)

        # ---- settlements
        ctx["settlements"] = _settlements_section(ws, region, first.date, last.date, source)

        # ---- claims
        ctx["claims"] = [_claims_section(ws, Path(path), source) for path in articles]

    # A warning a section already gives in its own words (the gazetteer's floor, in the
    # settlements section) is not repeated under Warnings.
    inline = " ".join(sec.get("intro", "") for sec in [ctx.get("settlements") or {}])
    ctx["warnings"] = [w for w in dict.fromkeys([*warnings, *said]) if w not in inline]
    for message in said:
        notices.warn(message)

    # ---- provenance: names and dates, never a local path
    summary = store.summary()
    src = next((s for s in summary["sources"] if s["source"] == first.source), None)
    ctx["provenance"] = [
        ("maps", f"{_source_name(first.source)}: {len(snaps)} maps from {first.date} to {last.date} "
                 f"({first.taken_at:%Y-%m-%d %H:%M} to {last.taken_at:%Y-%m-%d %H:%M} UTC)"),
        ("maps in the store", f"{src['snapshots']}, {src['first']} to {src['last']}" if src else ""),
        ("country borders", _origin_name(ws.borders_origin())),
        ("places", _places_origin()),
        ("store", Path(str(summary["path"])).name),
        ("made", f"{generated:%Y-%m-%d %H:%M:%S} UTC with frontwatch {__version__}")]
    ctx["title"] = f"Control {'' if ctx['region_words'].startswith('within') else 'in '}{ctx['region_words']}, {first.date} to {last.date}"
    return _template().render(**ctx) + "\n"


def _change_note(region, borders) -> str:
    name = region.name.upper()
    if name in SIDE_COUNTRY.values():
        other = next(side for side, iso in SIDE_COUNTRY.items() if iso != name)
        return (f"{SIDE_NAMES[other]}'s ground in {COUNTRY_NAMES[name]} is the ground its statuses cover "
                f"({', '.join(STATUS_LABELS[s] for s in SIDES[other])})")
    if name == "ALL":
        return "Russia's ground is what its statuses cover on the whole map"
    return "Russia's ground is what its statuses cover plus Russia's own land that no layer covers"


def _advance_section(ws, near, radius_km, start, end, every, source) -> dict:
    out = {"radius": f"{radius_km:g}", "near": near, "error": "", "png": None, "rows": [], "cols": [], "numeric": ()}
    try:
        data = ws.advance_chart_data(near, radius_km, start, end, every=every, source=source)
    except (MeasureError, ValueError) as exc:
        out["error"] = str(exc)
        return out
    recs = data["records"]
    if len(recs) > 1:  # one bar per period: the pace at a glance, above the table of its figures
        out["png"] = _b64(figure_bytes(advance_chart(data)))
    out["cols"] = [("from", "from"), ("to", "to"), ("days", "days"), ("front", "front km"), ("gained", "gained km²"),
                   ("lost", "lost km²"), ("mean", "mean advance m/day"), ("shift", "largest shift m"), ("toward", "toward")]
    out["numeric"] = ("days", "front", "gained", "lost", "mean", "shift")
    out["rows"] = [{"from": r["from_date"], "to": r["to_date"], "days": _n(r.get("days")), "front": _n(r.get("front_km_new")),
                    "gained": _n(r.get("russia_gained_km2"), 2), "lost": _n(r.get("russia_lost_km2"), 2),
                    "mean": _n(r.get("russia_mean_m_per_day"), 0), "shift": _n(r.get("russia_shift_m"), 0),
                    "toward": compass(r.get("russia_shift_bearing_deg")) if (r.get("russia_shift_m") or 0) > 0 else ""}
                   for r in recs]
    return out


def _places_origin() -> str:
    return gazetteer_origin()


def _settlements_section(ws, region, start, end, source) -> dict:
    try:
        found = ws.settlements(region, start=start, end=end, source=source)
    except (MeasureError, ValueError) as exc:
        return {"error": str(exc)}
    recs = [r.to_record() for r in found]
    s = ws.settlement_summary(found)
    # Largest places first: a reader scans for the towns, not for hamlets flickering in the grey zone.
    top = sorted(recs, key=lambda r: (-(r.get("population") or 0), r["date"]))[:MAX_SETTLEMENT_ROWS]
    top.sort(key=lambda r: (r["date"], -(r.get("population") or 0)))

    def state(status, side):
        if status is None:
            return f"no layer: {SIDE_NAMES.get(side, 'its country')}'s own land"
        return {"contested": "grey zone, neither side's"}.get(status, STATUS_LABELS[status])

    rows = [{"date": r["date"], "place": r["place"], "oblast": r.get("oblast") or "", "population": f"{r['population']:,}" if r.get("population") else "",
             "old": state(r["old_status"], r["old_side"]), "new": state(r["new_status"], r["new_side"])} for r in top]
    floor = coverage_note(tuple(sorted({r["country"] for r in recs if r.get("country") in ("UA", "RU")})))
    intro = (f"{s['changes']} changes of status or side at {s['places']} settlements of the gazetteer "
             f"({_places_origin()}) in {region_words(region.name)}; "
             f"{s['places_changed_side']} ended on another side than they started. The date is the first map showing "
             "the new state." + (f" The {len(top)} changes of the largest places are listed." if len(recs) > len(top) else "")
             + (f" Note: {floor}." if floor else ""))
    return {"error": "", "intro": intro, "rows": rows}


def _claims_section(ws, path: Path, source) -> dict:
    out = {"name": path.name, "error": "", "rows": [], "consistency": [], "notes": [], "published": ""}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        out["error"] = f"Cannot read {path.name}: {exc.strerror}"
        return out
    res = ws.check_claims(text, source=source)
    out["published"] = res["published"] or "date unknown"
    out["rows"] = [{**r, "measure": str(r.get("measure") or "").replace("_", " ")} for r in check_rows(res["claims"])]
    out["consistency"] = [f"{'consistent' if c['consistent'] else 'inconsistent'}: {c['explanation']}"
                          for c in res["consistency"]]
    out["notes"] = list(res["notes"] or [])
    return out
