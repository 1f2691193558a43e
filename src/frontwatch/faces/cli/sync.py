"""``frontwatch sync``: bring the store up to date with the live DeepStateMap archive.

Also the messages `frontwatch run` shares with it: the plan said up front, progress with a time
estimate, and the one line that says what the store holds when the site fails."""
from __future__ import annotations

import datetime as dt
import sys
import time

import click

from frontwatch.sources.base import SourceError
from frontwatch.sources.live import DEFAULT_BASE_URL, RECHECK_DAYS, SourceUnreachable, sync
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.options import DATE, format_opt, store_opt
from frontwatch.faces.cli.output import Progress, emit, warn

SOURCES = ("deepstate",)
BIG = 50  # maps: a sync this large says its plan up front and reports progress in lines off a terminal


def describe_plan(plan, what: str = "sync") -> str | None:
    """One line on what a sync is about to fetch (None for a small routine sync)."""
    n = plan.maps + plan.revisions
    if not plan.first and n < BIG:
        return None
    mb = plan.bytes / 1e6
    size = f"{mb / 1000:.1f} GB" if mb >= 1000 else f"{mb:,.0f} MB"
    mins = plan.min_seconds / 60
    took = f"at least {mins:,.0f} min" if mins >= 1 else f"at least {plan.min_seconds:.0f} s"
    span = f" from {plan.since}" if plan.since else ""
    line = (f"{what}: {plan.maps:,} maps to fetch{span} (about {size}, {plan.requests:,} requests, {took} at the polite "
            "pace); it can be interrupted and resumes where it stopped")
    if plan.older:
        line += f"; the {plan.older:,} older maps: frontwatch sync deepstate"
    elif not plan.since:
        line += "; --since YYYY-MM-DD fetches fewer"
    return line


class ProgressLines:
    """``progress(done, total)`` for a sync: the terminal's bar (with tqdm's time estimate), and
    off a terminal, for a big sync, a line every tenth with the time left at the pace so far."""

    def __init__(self, fmt: str, desc: str, clock=time.monotonic):
        self.bar = Progress(fmt, desc)
        self.fmt, self.desc, self.clock = fmt, desc, clock
        self.start = None
        self.next_tenth = 1
        self.lines = fmt != "json" and not sys.stderr.isatty()

    def __call__(self, done: int, total: int):
        if self.start is None:
            self.start = self.clock()
        self.bar(done, total)
        if not self.lines or total < BIG or done < total * self.next_tenth / 10:
            return
        while done >= total * self.next_tenth / 10:
            self.next_tenth += 1
        elapsed = self.clock() - self.start
        left = elapsed / done * (total - done) if done else 0
        warn(f"{self.desc}: {done:,} of {total:,} maps, {_duration(elapsed)} so far, about {_duration(left)} left")

    def close(self):
        self.bar.close()


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def store_holds(store) -> str:
    """``"239 maps, the latest of 2024-12-31 (706 days old)"``, or ``"no maps"``."""
    snaps = store.snapshots()
    if not snaps:
        return "no maps"
    age = (dt.datetime.now(dt.timezone.utc).date() - snaps[-1].date).days
    return f"{len(snaps):,} maps, the latest of {snaps[-1].date} ({age} day{'' if age == 1 else 's'} old)"


@click.command("sync")
@click.argument("source", type=click.Choice(SOURCES), default="deepstate", required=False)
@click.option("--since", type=DATE, default=None, help="Only maps from this day on (UTC, inclusive).")
@click.option("--until", type=DATE, default=None, help="Only maps up to this day (UTC, inclusive).")
@click.option("--base-url", default=None, envvar="FRONTWATCH_DEEPSTATE_URL",
              help=f"API root (default {DEFAULT_BASE_URL}, or $FRONTWATCH_DEEPSTATE_URL).")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--retries", type=int, default=4, show_default=True,
              help="Retries after a connection error, timeout, truncated body, 5xx or 429.")
@click.option("--min-interval", type=float, default=0.5, show_default=True, help="Seconds between requests (be polite).")
@click.option("--recheck-days", type=int, default=RECHECK_DAYS, show_default=True,
              help="Fetch again the maps of these last days of the archive that the map maker revised since they were stored.")
@store_opt
@format_opt
def command(source, since, until, base_url, timeout, retries, min_interval, recheck_days, store_path, fmt):
    """Fetch the DeepStateMap maps the store does not have yet (with the map maker's own area
    figures and notes) from the public API, and store them; maps of the last --recheck-days days
    that the map maker revised since are fetched again and replace the stored ones. Maps already
    stored are not fetched again, so a daily `frontwatch sync` downloads only the new map. A
    first sync of the whole archive (about 1,700 maps, 1 GB, half an hour at the polite pace)
    says so up front, shows its progress, and can be interrupted: the next sync resumes. A bad map
    is reported and the rest go in (exit code 1); a site that cannot be reached, refuses (403), or
    answers a web page in place of the list of maps is one line saying what the store holds, and
    exit code 2.

    Example: frontwatch sync deepstate --since 2024-11-01
    """
    ctx = make_context(store_path, None)
    on_progress = ProgressLines(fmt, "sync")

    def on_plan(plan):
        line = describe_plan(plan)
        if line and fmt != "json":
            warn(line)

    try:
        summary = sync(ctx.store, since=since, until=until, base_url=base_url, timeout=timeout, retries=retries,
                       min_interval=min_interval, recheck_days=recheck_days, progress=on_progress, on_plan=on_plan)
    except SourceUnreachable as exc:
        warn(f"error: {exc}; nothing synced; the store holds {store_holds(ctx.store)}; to work offline: "
             "frontwatch ingest PATH (a folder of DeepStateMap history files)")
        sys.exit(2)
    except SourceError as exc:
        warn(f"error: {exc}; nothing synced; the store holds {store_holds(ctx.store)}")
        sys.exit(2)
    finally:
        on_progress.close()
    for w in summary.warnings:
        warn(f"warning: {w}")
    for e in summary.errors:
        warn(f"error: {e}")
    rec = {"source": source, "base_url": summary.base_url, "listed": summary.listed, "added": summary.added,
           "revised": summary.revised, "unchanged": summary.unchanged, "skipped_existing": summary.skipped_existing,
           "official_areas": summary.official_areas, "notes": summary.notes, "errors": len(summary.errors),
           "requests": summary.requests, "mb": round(summary.bytes / 1e6, 1),
           "last": summary.last.strftime("%Y-%m-%d %H:%M:%S UTC") if summary.last else None,
           "store": str(ctx.store.path)}
    if fmt == "json":
        rec["errors"] = summary.errors
        rec["warnings"] = summary.warnings
        rec["interrupted"] = summary.interrupted
    if fmt == "table":
        # One key per line reads better than a 14-column row.
        emit([{"field": k, "value": "" if v is None else str(v)} for k, v in rec.items()], fmt)
    else:
        emit(rec, fmt)
    if summary.interrupted:
        warn(f"interrupted: {summary.added:,} maps stored; `frontwatch sync deepstate` goes on from there")
        sys.exit(130)
    if summary.errors:
        sys.exit(1)
