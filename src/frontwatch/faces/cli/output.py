"""Formatting records for the terminal: table, CSV or JSON on stdout; messages on stderr."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import sys

import click

from frontwatch import notices


class Fixed(float):
    """A float shown in a table with a fixed number of decimals (and thousands separators); still
    a plain number in CSV and JSON."""

    def __new__(cls, value, digits: int = 1):
        obj = super().__new__(cls, value)
        obj.digits = digits
        return obj

    def __repr__(self):
        return repr(float(self))


def _cell(v):
    if v is None:
        return "-"  # a blank cell reads as belonging to the next column
    if isinstance(v, Fixed):
        return f"{0.0 if round(v, v.digits) == 0 else float(v):,.{v.digits}f}"  # no "-0.0"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) >= 100 else f"{v:.2f}"
    return str(v)


def render(records, fmt="table", columns=None) -> str:
    """``records`` (a list of dicts, or one dict) as a table, CSV or JSON text."""
    if isinstance(records, dict):
        records = [records]
    records = [{k: v for k, v in r.items() if not k.startswith("_") and k != "geometry"} for r in records]
    if fmt == "json":
        return json.dumps(records, indent=1, ensure_ascii=False, default=str)
    if not records:
        return "(no records)" if fmt == "table" else ""
    cols = columns or list(dict.fromkeys(k for r in records for k in r))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({k: r.get(k) for k in cols})
        return buf.getvalue().rstrip("\n")
    rows = [[_cell(r.get(c)) for c in cols] for r in records]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    numeric = [all(_is_num(r.get(c)) for r in records if r.get(c) is not None) for c in cols]
    def line(vals):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric)).rstrip()
    out = [line(cols), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def emit(records, fmt="table", columns=None):
    click.echo(render(records, fmt, columns))


def warn(msg: str):
    click.echo(msg, err=True)


@contextlib.contextmanager
def warnings_once():
    """``with warnings_once() as said:`` the library's warnings given inside the block
    (frontwatch.notices), printed after it as ``warning:`` lines, each once however many times it
    was given (an ambiguous place named by several claims)."""
    with notices.collect() as said:
        yield said
    for message in said:
        warn(f"warning: {' '.join(message.split())}")


def progress(total: int, fmt: str, desc: str):
    """A tqdm bar on stderr when it is a terminal and output is not JSON; else a no-op callable."""
    if fmt == "json" or not sys.stderr.isatty() or total < 2:
        return _NoBar()
    from tqdm import tqdm

    # No monitor thread: the engine forks its workers only from a single-threaded process.
    tqdm.monitor_interval = 0
    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


class Progress:
    """A ``progress(done, total)`` callback for the library (ingest, sync) that shows
    :func:`progress`'s bar, made when the total is first known; ``close()`` when done."""

    def __init__(self, fmt: str, desc: str):
        self.fmt, self.desc, self.bar = fmt, desc, None

    def __call__(self, done: int, total: int):
        if self.bar is None:
            self.bar = progress(total, self.fmt, self.desc)
        self.bar.update(done - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


class _NoBar:
    n = 0

    def update(self, k=1):
        self.n += k

    def close(self):
        pass


# ------------------------------------------------------------------ tables a reporter reads
# The default table of a measuring command shows dates, the side, areas and distances in the
# units asked (--units km2: km2, km, m; sqmi: sq mi, mi, ft), shares and a compass direction;
# CSV and JSON keep every field of the library's records. Only units are converted here.

SQMI_PER_KM2 = 1 / 2.589988110336  # international mile
MI_PER_KM = 1 / 1.609344
FT_PER_M = 1 / 0.3048
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
SIDE_NAMES = {"russia": "Russia", "ukraine": "Ukraine"}


def compass(bearing_deg) -> str | None:
    """A bearing in degrees (0 = north, clockwise) as one of the eight compass points: 290 -> W."""
    if bearing_deg is None:
        return None
    return COMPASS[int(((float(bearing_deg) % 360) + 22.5) // 45) % 8]


def area_in(km2, units: str):
    """``km2`` in the units asked (km2 or sqmi), rounded for a table."""
    if km2 is None:
        return None
    return Fixed(km2 * (SQMI_PER_KM2 if units == "sqmi" else 1.0), 1)


def rate_in(m_per_day, units: str):
    """Metres a day as m/day (km2) or ft/day (sqmi)."""
    if m_per_day is None:
        return None
    return Fixed(m_per_day * (FT_PER_M if units == "sqmi" else 1.0), 0)


def length_in(km, units: str):
    if km is None:
        return None
    return Fixed(km * (MI_PER_KM if units == "sqmi" else 1.0), 1)


def area_unit(units: str) -> str:
    return "sqmi" if units == "sqmi" else "km2"


def rate_unit(units: str) -> str:
    return "ft_per_day" if units == "sqmi" else "m_per_day"


def length_unit(units: str) -> str:
    return "mi" if units == "sqmi" else "km"


def who(rec: dict) -> str:
    """The side a change record is about ("Russia"), or its statuses ("occupied + contested")."""
    what = rec.get("what") or rec.get("side") or ""
    return SIDE_NAMES.get(what, " + ".join(str(what).split(",")))


def change_rows(records, units: str = "km2") -> tuple[list, list]:
    """``(rows, columns)`` of `change`'s table: from, to, days, side, gained, lost, net, held at
    the end, and the net change as a share of what was held at the start (``net_pct``)."""
    a = area_unit(units)
    rows = []
    for r in records:
        start = r.get("km2_from")
        rows.append({"from": r["from_date"], "to": r["to_date"], "days": r.get("days"), "side": who(r),
                     f"gained_{a}": area_in(r["gained_km2"], units), f"lost_{a}": area_in(r["lost_km2"], units),
                     f"net_{a}": area_in(r["net_km2"], units), f"held_{a}": area_in(r.get("km2_to"), units),
                     "net_pct": Fixed(100 * r["net_km2"] / start, 2) if start else None})
    return rows, list(rows[0]) if rows else []


def advance_rows(records, side: str = "russia", units: str = "km2") -> tuple[list, list]:
    """``(rows, columns)`` of `advance`'s table for one side: place, from, to, days, side, front
    length, area gained and lost, mean advance, largest local shift (a rate) and its direction."""
    a, v, ln = area_unit(units), rate_unit(units), length_unit(units)
    rows = []
    for r in records:
        rows.append({"place": r["place"], "from": r["from_date"], "to": r["to_date"],
                     "days": Fixed(r["days"], 1) if r.get("days") is not None else None, "side": SIDE_NAMES[side],
                     f"front_{ln}": length_in(r.get("front_km_new"), units),
                     f"gained_{a}": area_in(r.get(f"{side}_gained_km2"), units),
                     f"lost_{a}": area_in(r.get(f"{side}_lost_km2"), units),
                     f"mean_advance_{v}": rate_in(r.get(f"{side}_mean_m_per_day"), units),
                     f"largest_shift_{v}": rate_in(r.get(f"{side}_shift_m_per_day"), units),
                     # Where the front moved, for a side that moved it forward.
                     "toward": compass(r.get(f"{side}_shift_bearing_deg")) if (r.get(f"{side}_shift_m") or 0) > 0 else None})
    return rows, list(rows[0]) if rows else []
