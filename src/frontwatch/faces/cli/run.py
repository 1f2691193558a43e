"""``frontwatch run``: the main job. Sync the live DeepStateMap archive, then print the report
for a region (Kursk, i.e. Ukrainian-held ground in Russia, by default)."""
from __future__ import annotations

import sys

import click

from frontwatch.faces.report.summary import region_report
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, borders_opt, format_opt, store_opt
from frontwatch.faces.cli.output import Progress, render, warn

OFFLINE_HINT = ("to run the same job on a local archive: frontwatch ingest PATH && frontwatch run --offline "
                "(e.g. PATH = ../shared/data, which holds the history and the borders)")


@click.command("run")
@click.option("--region", default="RUS", show_default=True,
              help="Region to report on. RUS = Russia's land, where Ukraine-held ground is the Kursk incursion.")
@click.option("--date", type=DATE, default=None, help="Report date (default: latest snapshot).")
@click.option("--offline", is_flag=True, help="Do not sync; report from the store as it is.")
@click.option("--since", type=DATE, default=None, help="Sync only maps published since this day.")
@store_opt
@borders_opt
@format_opt
def command(region, date, offline, since, store_path, borders_file, fmt):
    """Sync the live DeepStateMap archive into the store and print the report for a region:
    areas per status on the latest map, change over the last 7 and 30 days, the peak and the
    share lost since. Offline, says so in one line and how to use a local archive.

    Example: frontwatch run --region RUS
    """
    ctx = make_context(store_path, borders_file)
    if not offline:
        from frontwatch.sources.live import SourceUnreachable, sync

        # The first run fetches the whole archive (minutes, at the polite pace of `sync`): a bar
        # on a terminal, as `frontwatch sync` shows.
        on_progress = Progress(fmt, "sync deepstatemap.live")
        try:
            summary = sync(ctx.store, since=since, retries=2, backoff=0.5, progress=on_progress)
            on_progress.close()
            warn(f"synced deepstatemap.live: {summary.added} new maps")
        except SourceUnreachable as exc:
            on_progress.close()
            have = bool(ctx.store.snapshots())
            warn(f"{exc}; {OFFLINE_HINT}" + ("; reporting from the store as it is" if have else ""))
            if not have:
                sys.exit(2)
    with one_line_errors():
        if not ctx.store.snapshots():
            raise click.ClickException(f"the store {ctx.store.path} is empty; {OFFLINE_HINT}")
        reg = ctx.region(region)
        rep = region_report(ctx.store, reg, date, borders=ctx.borders if reg.name.upper() != "ALL" else None)
    if fmt == "json":
        click.echo(render([rep], "json"))
        return
    click.echo(format_report(rep, fmt))


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
    if rep["changes"]:
        lines += ["", "change:"]
        lines.append(render(rep["changes"], fmt, ["what", "from_date", "to_date", "gained_km2", "lost_km2", "net_km2", "net_sqmi"]))
    if rep["peaks"]:
        lines += ["", "peak and share lost since:"]
        lines.append(render(rep["peaks"], fmt, ["statuses", "peak_date", "peak_km2", "peak_sqmi", "date", "km2", "sqmi", "share_lost_pct"]))
    return "\n".join(lines)
