"""Charts of library results: the area of each status in a region over time, with the peak
marked and events annotated, and the pace of the front near a place. The figures come gathered
from the workspace (``ws.area_chart_data``, ``ws.advance_chart_data``:
:mod:`frontwatch.analysis.views`); this module draws them (:func:`area_chart`,
:func:`advance_chart`) with matplotlib's Agg backend, so it works without a display.
May import: matplotlib, frontwatch (version).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI; must precede pyplot
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from frontwatch import __version__  # noqa: E402

# DeepStateMap's own fills, so a reader of the map recognises the statuses.
STATUS_COLOURS = {
    "occupied": "#a52714",
    "occupied_before_2022": "#880e4f",
    "ukraine_held": "#0f9d58",
    "contested": "#8d6e63",  # the map's #bcaaa4 is too pale for a line; same hue, darker
}
STATUS_LABELS = {
    "occupied": "occupied by Russia since 24 Feb 2022",
    "occupied_before_2022": "occupied by Russia before 2022",
    "ukraine_held": "held by Ukraine",
    "contested": "grey zone (contested)",
}
UNIT_LABEL = {"km2": "km²", "sqmi": "sq mi"}
COUNTRY_NAMES = {"RUS": "Russia", "UKR": "Ukraine", "BLR": "Belarus", "MDA": "Moldova", "POL": "Poland",
                 "ROU": "Romania", "SVK": "Slovakia", "HUN": "Hungary"}


def region_words(name: str) -> str:
    """A region spec in words, to follow "in": ``RUS`` -> "Russia", ``Kurakhove:15km`` ->
    "within 15 km of Kurakhove" (no "in" then), ``ALL`` -> "the whole map"; a box or file stays as written."""
    upper = name.upper()
    if upper in COUNTRY_NAMES:
        return COUNTRY_NAMES[upper]
    if upper == "ALL":
        return "the whole map"
    m = re.match(r"^(.+):(\d+(?:\.\d+)?)\s*(km|m|mi)$", name.strip())
    if m and not m.group(1).lower().startswith("bbox"):
        return f"within {m.group(2)} {m.group(3)} of {m.group(1)}"
    return name


def ground_words(statuses) -> str:
    """What a set of statuses is, in words: ("ukraine_held", "contested") -> "Ground held by
    Ukraine and the grey zone"."""
    st = tuple(statuses)
    if st == ("ukraine_held",):
        return "Ground held by Ukraine"
    if set(st) == {"ukraine_held", "contested"}:
        return "Ground held by Ukraine and the grey zone"
    if set(st) == {"occupied", "occupied_before_2022"}:
        return "Ground held by Russia"
    if set(st) == {"occupied", "occupied_before_2022", "contested"}:
        return "Ground held by Russia and the grey zone"
    if st == ("contested",):
        return "The grey zone (contested ground)"
    if len(st) == 1:
        return "Ground " + STATUS_LABELS[st[0]]
    return "Ground by status"


def chart_title(statuses, region_name: str) -> str:
    """``Ground held by Ukraine in Russia``; ``Ground held by Russia within 15 km of Kurakhove``."""
    where = region_words(region_name)
    prep = "" if where.startswith("within") else "on " if where == "the whole map" else "in "
    return f"{ground_words(statuses)} {prep}{where}"


def fmt_area(value, units="km2") -> str:
    """``1,246.0 km²``: the one way areas are written in charts, maps and reports."""
    return f"{value:,.1f} {UNIT_LABEL[units]}"


def parse_event(text: str) -> tuple[dt.date, str]:
    """``2024-08-06=Incursion begins`` -> (date, label); ValueError on a malformed event."""
    day, sep, label = str(text).partition("=")
    if not sep or not label.strip():
        raise ValueError(f"bad event {text!r}: expected DATE=LABEL, e.g. 2024-08-06=\"Incursion begins\"")
    try:
        d = dt.date.fromisoformat(day.strip())
    except ValueError:
        raise ValueError(f"bad event date {day!r}: expected YYYY-MM-DD") from None
    return d, label.strip().strip('"')


def peak_sentence(pk: dict, units: str = "km2") -> str:
    """The peak and what is left, in words; never "0.0% of the peak lost": when the last map is
    at the peak (or within 0.05% of it), it says so."""
    key = "km2" if units == "km2" else "sqmi"
    pv, last = pk[f"peak_{key}"], pk[key]
    head = f"Peak: {fmt_area(pv, units)} on {_long_date(pk['peak_date'])}"
    share = pk.get("share_lost_pct")
    if share is None or round(share, 1) <= 0.0:
        return head + (" (the last map)" if pk["peak_date"] == pk["date"] else f"\n{_long_date(pk['date'])}: still at the peak")
    return head + f"\n{_long_date(pk['date'])}: {fmt_area(last, units)}, {share:.1f}% of the peak lost"


def _long_date(iso: str) -> str:
    d = dt.date.fromisoformat(str(iso)[:10])
    return f"{d.day} {d:%b %Y}"


# Where the peak's note may go, in axes fractions (x, y, ha, va): tried in order, the first whose
# box covers no point of the data (nor the legend) is used.
_NOTE_SPOTS = ((0.02, 0.97, "left", "top"), (0.98, 0.97, "right", "top"), (0.5, 0.97, "center", "top"),
               (0.02, 0.04, "left", "bottom"), (0.98, 0.04, "right", "bottom"), (0.5, 0.5, "center", "center"))


def area_chart(data: dict, *, units: str = "km2", events=(), title: str | None = None, size=(10, 5.6)):
    """A matplotlib Figure: one line per status (statuses that stay at zero are left out), a total
    line when several statuses of one side are shown, the peak of the combined area marked (not
    for statuses of both sides, whose total means nothing), ``events`` ((date, label) pairs) as
    dashed vertical lines, and a footer naming the data source. Titles and legends are in words;
    the peak's note goes where it covers no data, with an arrow to the peak."""
    key = "km2" if units == "km2" else "sqmi"
    fig, ax = plt.subplots(figsize=size, dpi=110)
    shown = []
    series = []
    for st in data["statuses"]:
        recs = [r for r in data["records"] if r["status"] == st]
        if not any(r[key] for r in recs):
            continue
        shown.append(st)
        xs, ys = [_day(r["taken_at"]) for r in recs], [r[key] for r in recs]
        series.append((xs, ys))
        ax.plot(xs, ys, color=STATUS_COLOURS[st], lw=1.6, label=_cap(STATUS_LABELS[st]), drawstyle="steps-post")
    totals = data["totals"]
    pk = data["peak"]
    if len(shown) > 1 and pk is not None:
        xs, ys = [_day(t["taken_at"]) for t in totals], [t[key] for t in totals]
        series.append((xs, ys))
        ax.plot(xs, ys, color="#222222", lw=2.2, label=ground_words(shown) + " (together)", drawstyle="steps-post")
    ymax = max([t[key] for t in totals] if pk is not None else [r[key] for r in data["records"]]) if totals else 0.0
    ymax = max(ymax, 1.0)
    # Headroom above the data for the note and the legend, so neither covers a line.
    ax.set_ylim(0, ymax * 1.45)
    if series:
        first = min(min(xs) for xs, _ in series)
        last = max(max(xs) for xs, _ in series)
        pad = (last - first) * 0.02 if last > first else dt.timedelta(days=1)
        ax.set_xlim(first - pad, last + pad)
    for d, label in events:
        ax.axvline(d, color="#555555", ls="--", lw=1)
        # Labels along the foot of the line: the top is where the peak's note goes.
        ax.text(d, ymax * 0.02, f"{label} ({d.day} {d:%b})", rotation=90, va="bottom", ha="right", fontsize=8,
                color="#333333", bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))
    ax.set_ylabel(f"area ({UNIT_LABEL[units]})")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(True, color="#e0e0e0")
    legend = ax.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.95)
    ax.set_title(title or chart_title(shown or data["statuses"], data["region"]), fontsize=13, loc="left", pad=22)
    ax.text(0.0, 1.015, f"{data['first']} to {data['last']}, {data['source']} maps; geodesic areas in "
            f"{UNIT_LABEL[units]}", transform=ax.transAxes, fontsize=9, color="#555555", va="bottom")
    fig.text(0.01, 0.01, f"Source: {_source_name(data['source'])} ({data['snapshots']} maps, {data['first']} to "
             f"{data['last']}); borders: OpenStreetMap"
             + ("; border slivers (Russia's statuses inside Russia, under 3 km wide) left out" if data.get("slivers_left_out") else "")
             + f". Made with frontwatch {__version__}.", fontsize=7.5, color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    if pk is not None and pk["peak_km2"]:
        pv = pk["peak_km2"] if key == "km2" else pk["peak_sqmi"]
        # The peak's own snapshot time, so the marker sits on the line, not at midnight.
        pd_ = next((_day(t["taken_at"]) for t in totals if t["date"] == pk["peak_date"] and t["km2"] == pk["peak_km2"]),
                   dt.datetime.fromisoformat(pk["peak_date"]))
        ax.plot([pd_], [pv], marker="o", ms=9, mfc="none", mec="black", mew=2, zorder=5)
        _place_note(fig, ax, peak_sentence(pk, units), (pd_, pv), series, avoid=[legend])
    return fig


def _place_note(fig, ax, text, xy, series, avoid=()):
    """The note in the first of :data:`_NOTE_SPOTS` where its box covers no data point (steps
    included) and nothing in ``avoid``, with an arrow to ``xy``; the last spot when none is free."""
    import numpy as np

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pts = []
    for xs, ys in series:
        num = mdates.date2num(xs)
        # A step line also passes through (x[i+1], y[i]): sample both corners.
        px = np.repeat(num, 2)[1:]
        py = np.repeat(ys, 2)[:-1]
        pts.append(ax.transData.transform(np.column_stack([px, py])))
    pts = np.vstack(pts) if pts else np.empty((0, 2))
    boxes = [a.get_window_extent(renderer) for a in avoid if a is not None]
    target = ax.transData.transform((mdates.date2num(xy[0]), xy[1]))
    axbox = ax.get_window_extent(renderer)
    free = []
    for x, y, ha, va in _NOTE_SPOTS:
        note = ax.annotate(text, xy=xy, xytext=(x, y), textcoords="axes fraction", ha=ha, va=va, fontsize=9,
                           arrowprops=dict(arrowstyle="->", color="black", lw=1, shrinkB=6),
                           bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="#888888", alpha=0.95), zorder=6)
        fig.canvas.draw()  # lays the note out: its box is known only once drawn
        bb = note.get_bbox_patch().get_window_extent(renderer).expanded(1.04, 1.1)
        note.remove()
        covers = ((pts[:, 0] >= bb.x0) & (pts[:, 0] <= bb.x1) & (pts[:, 1] >= bb.y0) & (pts[:, 1] <= bb.y1)).any()
        inside = axbox.contains(bb.x0, bb.y0) and axbox.contains(bb.x1, bb.y1)
        if not covers and inside and not any(bb.overlaps(b) for b in boxes):
            # The free spot nearest the peak: the shortest arrow.
            free.append((np.hypot(*(np.array([(bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2]) - target)), (x, y, ha, va)))
    x, y, ha, va = min(free)[1] if free else _NOTE_SPOTS[-1]
    return ax.annotate(text, xy=xy, xytext=(x, y), textcoords="axes fraction", ha=ha, va=va, fontsize=9,
                       arrowprops=dict(arrowstyle="->", color="black", lw=1, shrinkB=6),
                       bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="#888888", alpha=0.95), zorder=6)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _source_name(source: str) -> str:
    return {"deepstate": "DeepStateMap", "deepstate-daily": "DeepStateMap (daily archive)"}.get(source, source)


SIDE_COLOURS = {"russia": "#a52714", "ukraine": "#0f9d58"}


def advance_chart(data: dict, *, side: str = "russia", title: str | None = None, size=(10, 5.6)):
    """A matplotlib Figure of the pace of the front near a place: per period, ``side``'s mean
    advance (net area gained over the mean front length, m/day; below zero: it fell back) as
    bars, and its largest local shift (m/day) as dots, the two ends of the band the claims
    checker sets a reported pace against. Periods with no front in the circle are gaps."""
    recs = data["records"]
    other = "ukraine" if side == "russia" else "russia"
    fig, ax = plt.subplots(figsize=size, dpi=110)
    starts = [_day(r["from_date"]) for r in recs]
    widths = [(_day(r["to_date"]) - _day(r["from_date"])) * 0.85 for r in recs]
    mean = [r.get(f"{side}_mean_m_per_day") for r in recs]
    shift = [r.get(f"{side}_shift_m_per_day") for r in recs]
    colours = [SIDE_COLOURS[side] if (m or 0) >= 0 else SIDE_COLOURS[other] for m in mean]
    who, whose = ("Russia", "Russia's") if side == "russia" else ("Ukraine", "Ukraine's")
    ax.bar(starts, [m or 0 for m in mean], width=widths, align="edge", color=colours, alpha=0.8,
           label=f"{whose} mean advance (ground gained ÷ length of the front; below zero: it fell back)")
    pts = [(s + w / 2, v) for s, w, v in zip(starts, widths, shift) if v is not None]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", color="black", ms=5,
                label="Largest local shift of the front")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_ylabel("metres per day")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(True, axis="y", color="#e0e0e0")
    top = max([abs(v) for v in mean + shift if v is not None] or [1.0])
    ax.set_ylim(min(0, min((m or 0) for m in mean) * 1.2), top * 1.35)  # headroom: the legend sits above the bars
    ax.legend(loc="upper left", fontsize=9, frameon=True, framealpha=0.95)
    ax.set_title(title or f"How fast {who} advanced within {data['radius_km']:g} km of {data['near']}",
                 fontsize=13, loc="left", pad=22)
    ax.text(0.0, 1.015, f"Per {data['every']}, {data['first']} to {data['last']}; metres per day",
            transform=ax.transAxes, fontsize=9, color="#555555", va="bottom")
    fig.text(0.01, 0.01, f"Source: {_source_name(data['source'])} maps, {len(recs)} pairs of consecutive "
             f"{data['every']}-end maps; the front is where the two sides' ground meets. Made with frontwatch {__version__}.",
             fontsize=7.5, color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _day(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def figure_bytes(fig, fmt: str = "png") -> bytes:
    """The figure as PNG or SVG bytes (closing it: figures are not reused)."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=_metadata(fmt))
    plt.close(fig)
    return buf.getvalue()


def save_figure(fig, out) -> Path:
    """Write the figure to ``out``; the format follows the suffix (.png or .svg)."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        plt.close(fig)
        raise ValueError(f"{out}: unknown image format; use a .png or .svg file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(figure_bytes(fig, fmt))
    return out


def _metadata(fmt):
    # Fixed metadata (no creation date) so the same data give byte-identical images.
    software = f"frontwatch {__version__} (matplotlib {matplotlib.__version__})"
    if fmt == "png":
        return {"Software": software}
    return {"Creator": software, "Date": None}
