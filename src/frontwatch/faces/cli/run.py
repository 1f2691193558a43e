"""``frontwatch run``: the main job. Sync the live DeepStateMap archive, then print the report
for a region (Kursk, i.e. Ukrainian-held ground in Russia, by default)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sys

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, borders_opt, format_opt, store_opt
from frontwatch.faces.cli.output import render, warn
from frontwatch.sources.base import SourceError
from frontwatch.lazy import lazy_import

# The live client, loaded unless --offline.
if TYPE_CHECKING:
    from frontwatch.faces.cli import sync as cli_sync
    from frontwatch.sources import live
else:
    cli_sync = lazy_import("frontwatch.faces.cli.sync")
    live = lazy_import("frontwatch.sources.live")

OFFLINE_HINT = ("to run the same job on a local archive: frontwatch ingest PATH && frontwatch run --offline "
                "(e.g. PATH = ../shared/data, which holds the history and the borders)")


@click.command("run")
@click.option("--region", default="RUS", show_default=True,
              help="Region to report on. RUS = Russia's land, where Ukraine-held ground is the Kursk incursion.")
@click.option("--date", type=DATE, default=None, help="Report date (default: latest snapshot).")
@click.option("--offline", is_flag=True, help="Do not sync; report from the store as it is.")
@click.option("--since", type=DATE, default=None,
              help="Sync the maps published since this day (default: the last 12 months on a first run, "
                   "then the new maps).")
@store_opt
@borders_opt
@format_opt
def command(region, date, offline, since, store_path, borders_file, fmt):
    """Sync the live DeepStateMap archive into the store and print the report for a region:
    areas per status on the latest map (with DeepStateMap's own figure of the same ground), change
    over the last 7 and 30 days, the peak and the share lost since.

    The first run fetches the 12 months of maps before the newest (358 maps in the recorded
    listing of August 2026: about 215 MB, at least six minutes at the polite pace), says so up
    front and shows its progress; `frontwatch sync deepstate` fetches the
    older history when wanted (resumable). Later runs fetch the new maps and the recent revisions.
    When the site cannot be reached, refuses (403) or answers a web page, one warning line says so
    and the report is that of the maps stored, with their age (exit 0; 2 when the store has none).

    Example: frontwatch run --region RUS
    """
    ctx = make_context(store_path, borders_file)
    if not offline:
        on_progress = cli_sync.ProgressLines(fmt, "sync deepstatemap.live")

        def on_plan(plan):
            line = cli_sync.describe_plan(plan, "first sync" if plan.first else "sync")
            if line:
                warn(line)

        try:
            summary = live.sync(ctx.store, since=since, retries=2, backoff=0.5, progress=on_progress, on_plan=on_plan,
                           since_first_run=None if since else live.first_run_since)
            on_progress.close()
            revised = f", {summary.revised} revised" if summary.revised else ""
            failed = (f"; {len(summary.errors)} not synced ({summary.errors[0]}); `frontwatch sync deepstate` "
                      "tries again" if summary.errors else "")
            warn(f"synced deepstatemap.live: {summary.added} new maps{revised}{failed}")
            if summary.interrupted:
                warn("interrupted: what was fetched is stored; `frontwatch run` or `frontwatch sync deepstate` goes on")
                sys.exit(130)
        except SourceError as exc:
            on_progress.close()
            held = cli_sync.store_holds(ctx.store)
            hint = f"; {OFFLINE_HINT}" if isinstance(exc, live.SourceUnreachable) or held == "no maps" else ""
            if held == "no maps":
                warn(f"error: {exc}; the store has no maps{hint}")
                sys.exit(2)
            warn(f"warning: {exc}{hint}; reporting from the store as it is: {held}")
    with one_line_errors():
        if not ctx.store.snapshots():
            raise click.ClickException(f"the store {ctx.store.path} is empty; {OFFLINE_HINT}")
        rep = ctx.summary(ctx.region(region), date).to_record()
    if fmt == "json":
        click.echo(render([rep], "json"))
        return
    click.echo(format_report(rep, fmt))


STATUS_WORDS = {"ukraine_held": "held by Ukraine", "contested": "grey zone", "occupied": "occupied",
                "occupied_before_2022": "occupied before 2022"}


def format_report(rep: dict, fmt: str) -> str:
    title = "Kursk incursion (Ukrainian-held ground in Russia)" if rep["region"] == "RUS" else rep["region"]
    lines = [f"frontwatch report: {title}",
             f"map of {rep['date']} ({rep['source']}, taken {rep['taken_at']}); store holds {rep['snapshots']} "
             f"snapshots {rep['first']} to {rep['last']}", ""]
    # Statuses that are only border slivers here (Russia's inside Russia) are named under the table.
    slivers = [r for r in rep["areas"] if r.get("border_slivers_km2")]
    lines.append(render([r for r in rep["areas"] if r["km2"] or not r.get("border_slivers_km2")], fmt,
                        ["status", "km2", "sqmi"]))
    if slivers:
        lines.append("(left out: border slivers of " + ", ".join(f"{r['status']} {r['border_slivers_km2']:,.1f} km2"
                                                              for r in slivers)
                     + ", pieces narrower than 3 km along Ukraine's border where the map's border line and "
                       "OpenStreetMap's differ)")
    if fmt == "table":
        for r in rep["areas"]:
            if r.get("official_km2") is not None:
                why = (f" ({r['diff_pct']:+.1f}%: {r['official_note']})"
                       if r.get("official_note") and abs(r.get("diff_pct") or 0) > 0.3 else "")
                lines.append(f"{STATUS_WORDS.get(r['status'], r['status'])}: DeepStateMap's own figure: "
                             f"{r['official_km2']:,.0f} km2; measured here: {r['km2']:,.1f} km2{why}")
    if rep["changes"]:
        lines += ["", "change:"]
        lines.append(render(rep["changes"], fmt, ["what", "from_date", "to_date", "gained_km2", "lost_km2", "net_km2", "net_sqmi"]))
    if rep["peaks"]:
        lines += ["", "peak and share lost since:"]
        lines.append(render(rep["peaks"], fmt, ["statuses", "peak_date", "peak_km2", "peak_sqmi", "date", "km2", "sqmi", "share_lost_pct"]))
    return "\n".join(lines)
