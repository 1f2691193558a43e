"""Formatting records for the terminal: table, CSV or JSON on stdout; messages on stderr."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import sys

import click


def _cell(v):
    if v is None:
        return "-"  # a blank cell reads as belonging to the next column
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
    from frontwatch import notices

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
