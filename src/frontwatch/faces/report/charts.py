"""Charts of library results: the area of each status in a region over time, with the peak
marked and events annotated, and the pace of the front near a place. Numbers come from
frontwatch.analysis.measure (area_series, totals_by_snapshot, peak) and frontwatch.analysis.front (advance); this
module only gathers them (:func:`area_chart_data`, :func:`advance_chart_data`) and draws them
(:func:`area_chart`, :func:`advance_chart`) with matplotlib's Agg backend, so it works without a
display. May import: matplotlib, frontwatch.analysis.measure, frontwatch.analysis.front, frontwatch.statuses,
frontwatch (version).
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI; must precede pyplot
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from frontwatch import __version__  # noqa: E402
from frontwatch.analysis.measure import area_series, peak, resolve_statuses, select_snapshots, totals_by_snapshot  # noqa: E402
from frontwatch.statuses import STATUSES, mixes_sides  # noqa: E402

# DeepStateMap's own fills, so a reader of the map recognises the statuses.
STATUS_COLOURS = {
    "occupied": "#a52714",
    "occupied_before_2022": "#880e4f",
    "ukraine_held": "#0f9d58",
    "contested": "#8d6e63",  # the map's #bcaaa4 is too pale for a line; same hue, darker
}
STATUS_LABELS = {
    "occupied": "occupied (since 24 Feb 2022)",
    "occupied_before_2022": "occupied before 2022",
    "ukraine_held": "held by Ukraine",
    "contested": "contested (grey zone)",
}
UNIT_LABEL = {"km2": "km²", "sqmi": "sq mi"}


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


def area_chart_data(store, region, statuses=STATUSES, start=None, end=None, *, source=None) -> dict:
    """Everything the area chart shows: ``records`` (measure.area_series), ``totals``
    (measure.totals_by_snapshot), ``peak`` (measure.peak over the same window), ``statuses``,
    ``region``, ``source``, ``first``/``last`` (dates of the first and last snapshot used)."""
    snaps = select_snapshots(store, start=start, end=end, source=source)
    statuses = resolve_statuses(store, statuses, snaps[0].source)
    records = area_series(store, region, statuses, snapshots=snaps)
    # Statuses of both sides have no meaningful total: then no total line and no peak (None).
    mixed = mixes_sides(statuses)
    return {"records": records, "totals": totals_by_snapshot(records),
            "peak": None if mixed else peak(store, region, statuses, since=start, until=end, source=source),
            "statuses": tuple(statuses), "region": region.name, "source": snaps[0].source,
            "first": snaps[0].date.isoformat(), "last": snaps[-1].date.isoformat(), "snapshots": len(snaps)}


def area_chart(data: dict, *, units: str = "km2", events=(), title: str | None = None, size=(10, 5.6)):
    """A matplotlib Figure: one line per status (statuses that stay at zero are left out), a total
    line when several statuses of one side are shown, the peak of the combined area marked (not
    for statuses of both sides, whose total means nothing), ``events``
    ((date, label) pairs) as dashed vertical lines, and a footer naming the data source."""
    key = "km2" if units == "km2" else "sqmi"
    fig, ax = plt.subplots(figsize=size, dpi=110)
    shown = []
    for st in data["statuses"]:
        recs = [r for r in data["records"] if r["status"] == st]
        if not any(r[key] for r in recs):
            continue
        shown.append(st)
        ax.plot([_day(r["taken_at"]) for r in recs], [r[key] for r in recs], color=STATUS_COLOURS[st],
                lw=1.6, label=STATUS_LABELS[st], drawstyle="steps-post")
    totals = data["totals"]
    pk = data["peak"]
    if len(shown) > 1 and pk is not None:
        ax.plot([_day(t["taken_at"]) for t in totals], [t[key] for t in totals], color="#222222", lw=2.2,
                label="total of shown statuses", drawstyle="steps-post")
    if pk is not None and pk["peak_km2"]:
        pv = pk["peak_km2"] if key == "km2" else pk["peak_sqmi"]
        # The peak's own snapshot time, so the marker sits on the line, not at midnight.
        pd_ = next((_day(t["taken_at"]) for t in totals if t["date"] == pk["peak_date"] and t["km2"] == pk["peak_km2"]),
                   dt.datetime.fromisoformat(pk["peak_date"]))
        ax.plot([pd_], [pv], marker="o", ms=9, mfc="none", mec="black", mew=2, zorder=5)
        what = "peak" if len(data["statuses"]) == 1 else "peak of " + " + ".join(data["statuses"])
        last_v = pk["km2"] if key == "km2" else pk["sqmi"]
        ax.annotate(f"{what}: {fmt_area(pv, units)} on {pk['peak_date']}\n"
                    f"{pk['date']}: {fmt_area(last_v, units)} ({pk['share_lost_pct']:.1f} % of the peak lost)",
                    xy=(pd_, pv), xytext=(40, -28), textcoords="offset points", va="top", fontsize=9,
                    arrowprops=dict(arrowstyle="->", color="black", lw=1),
                    bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#888888", alpha=0.95), zorder=6)
    ymax = max([t[key] for t in totals] if pk is not None else [r[key] for r in data["records"]]) if totals else 0.0
    ymax = max(ymax, 1.0)
    for d, label in events:
        ax.axvline(d, color="#555555", ls="--", lw=1)
        # Labels along the foot of the line: the top is where the peak annotation goes.
        ax.text(d, ymax * 0.02, f"{label} ({d:%d %b})", rotation=90, va="bottom", ha="right", fontsize=8,
                color="#333333", bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))
    ax.set_ylim(0, ymax * 1.15)
    ax.set_ylabel(f"area ({UNIT_LABEL[units]}, geodesic)")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(True, color="#e0e0e0")
    ax.legend(loc="best", fontsize=9, frameon=True, framealpha=0.95)
    ax.set_title(title or f"{data['region']}: area by status, {data['source']} maps, {data['first']} to {data['last']}",
                 fontsize=12)
    fig.text(0.01, 0.01, f"Data: {data['source']} snapshots ({data['snapshots']}, {data['first']} to {data['last']}); "
             f"areas inside region {data['region']}. Made with frontwatch {__version__}.", fontsize=7.5, color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


SIDE_COLOURS = {"russia": "#a52714", "ukraine": "#0f9d58"}


def advance_chart_data(store, near, radius_km, start, end, *, every="week", borders, source=None, engine=None) -> dict:
    """Everything the advance chart shows: ``records`` (frontwatch.analysis.front.advance, one per pair of
    consecutive period-end maps), ``near``, ``radius_km``, ``every``, ``first``/``last``."""
    from frontwatch.analysis.front import advance

    records = advance(store, near, radius_km, start=start, end=end, every=every, borders=borders, source=source,
                      engine=engine)
    return advance_records_data(records, radius_km, every, source or store.default_source())


def advance_records_data(records, radius_km, every, source) -> dict:
    """:func:`advance_chart`'s input from records of frontwatch.analysis.front.advance already computed;
    ``range`` gives per side ``(lowest mean, highest mean, largest shift)`` in m/day over the
    periods with a front (None when no period has one)."""
    span = {}
    for side in ("russia", "ukraine"):
        means = [r[f"{side}_mean_m_per_day"] for r in records if r.get(f"{side}_mean_m_per_day") is not None]
        shifts = [r[f"{side}_shift_m_per_day"] for r in records if r.get(f"{side}_shift_m_per_day") is not None]
        span[side] = (min(means), max(means), max(shifts) if shifts else None) if means else None
    return {"records": records, "near": records[0]["place"], "radius_km": radius_km, "every": every,
            "first": records[0]["from_date"], "last": records[-1]["to_date"], "source": source, "range": span}


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
    ax.bar(starts, [m or 0 for m in mean], width=widths, align="edge", color=colours, alpha=0.8,
           label=f"{side}: mean advance (net area gained / front length)")
    pts = [(s + w / 2, v) for s, w, v in zip(starts, widths, shift) if v is not None]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", color="black", ms=5,
                label=f"{side}: largest local shift of the front")
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_ylabel("metres per day")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(True, axis="y", color="#e0e0e0")
    ax.legend(loc="best", fontsize=9, frameon=True, framealpha=0.95)
    ax.set_title(title or f"Advance within {data['radius_km']:g} km of {data['near']}, per {data['every']}, "
                          f"{data['first']} to {data['last']}", fontsize=12)
    fig.text(0.01, 0.01, f"Data: {data['source']} maps, {len(recs)} pairs of consecutive {data['every']}-end maps; "
             f"fronts between sides (frontwatch.analysis.front.advance). Made with frontwatch {__version__}.",
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
