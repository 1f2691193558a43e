"""``frontwatch sync``: bring the store up to date with the live DeepStateMap archive."""
from __future__ import annotations

import sys

import click

from frontwatch.sources.base import SourceError
from frontwatch.sources.live import DEFAULT_BASE_URL, SourceUnreachable, sync
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.options import DATE, format_opt, store_opt
from frontwatch.faces.cli.output import Progress, emit, warn

SOURCES = ("deepstate",)


@click.command("sync")
@click.argument("source", type=click.Choice(SOURCES), default="deepstate", required=False)
@click.option("--since", type=DATE, default=None, help="Only maps from this day on (UTC, inclusive).")
@click.option("--until", type=DATE, default=None, help="Only maps up to this day (UTC, inclusive).")
@click.option("--base-url", default=None, envvar="FRONTWATCH_DEEPSTATE_URL",
              help=f"API root (default {DEFAULT_BASE_URL}, or $FRONTWATCH_DEEPSTATE_URL).")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--retries", type=int, default=4, show_default=True, help="Retries after a connection error, 5xx or 429.")
@click.option("--min-interval", type=float, default=0.5, show_default=True, help="Seconds between requests (be polite).")
@store_opt
@format_opt
def command(source, since, until, base_url, timeout, retries, min_interval, store_path, fmt):
    """Fetch the DeepStateMap maps the store does not have yet (with the map maker's own area
    figures) from the public API, and store them. Maps already stored are never fetched again,
    so a daily `frontwatch sync` downloads only the new map. A bad map is reported and the rest
    go in (exit code 1); an unreachable site is one line and exit code 2.

    Example: frontwatch sync deepstate --since 2024-11-01
    """
    ctx = make_context(store_path, None)
    on_progress = Progress(fmt, "sync")

    try:
        summary = sync(ctx.store, since=since, until=until, base_url=base_url, timeout=timeout,
                       retries=retries, min_interval=min_interval, progress=on_progress)
    except SourceUnreachable as exc:
        warn(f"error: {exc}; to work offline: frontwatch ingest PATH (a folder of DeepStateMap history files)")
        sys.exit(2)
    except SourceError as exc:
        warn(f"error: {exc}")
        sys.exit(2)
    finally:
        on_progress.close()
    for w in summary.warnings:
        warn(f"warning: {w}")
    for e in summary.errors:
        warn(f"error: {e}")
    rec = {"source": source, "base_url": summary.base_url, "listed": summary.listed, "added": summary.added,
           "unchanged": summary.unchanged, "skipped_existing": summary.skipped_existing,
           "official_areas": summary.official_areas, "notes": summary.notes, "errors": len(summary.errors),
           "requests": summary.requests,
           "last": summary.last.strftime("%Y-%m-%d %H:%M:%S UTC") if summary.last else None,
           "store": str(ctx.store.path)}
    if fmt == "json":
        rec["errors"] = summary.errors
        rec["warnings"] = summary.warnings
    if fmt == "table":
        # One key per line reads better than a 10-column row.
        emit([{"field": k, "value": "" if v is None else str(v)} for k, v in rec.items()], fmt)
    else:
        emit(rec, fmt)
    if summary.errors:
        sys.exit(1)
