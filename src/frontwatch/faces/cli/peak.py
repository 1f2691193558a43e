"""``frontwatch peak``: the peak of an area and the share lost since."""
from __future__ import annotations

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, common, period_opt, region_opt, statuses_opt, units_opt
from frontwatch.faces.cli.output import Fixed, area_in, area_unit, emit


@click.command("peak")
@region_opt
@statuses_opt("ukraine_held")
@click.option("--until", type=DATE, default=None, help="Last day considered (default: the latest snapshot).")
@click.option("--since", type=DATE, default=None, help="First day considered.")
@period_opt
@units_opt
@common
def command(region, statuses, until, since, period, units, store_path, borders_file, source, fmt):
    """The date and size of the largest combined area of the statuses in a region, the area on
    --until, and the share of the peak lost since; --date 2024 looks within a year (or month).

    Example: frontwatch peak --region RUS --status ukraine_held --until 2024-11-24
    """
    if period is not None:
        if since or until:
            raise click.UsageError("give --date (a month or year) or --since and --until, not both")
        since, until = period.start, period.end
    ws = make_context(store_path, borders_file, source=source)
    with one_line_errors():
        rec = ws.peak(ws.region(region), statuses, until=until, since=since).to_record()
    if fmt != "table":
        emit(rec, fmt)
        return
    a = area_unit(units)
    row = {"region": rec["region"], "statuses": " + ".join(str(rec["statuses"]).split(",")), "peak_date": rec["peak_date"],
           f"peak_{a}": area_in(rec["peak_km2"], units), "date": rec["date"], a: area_in(rec["km2"], units),
           f"lost_{a}": area_in(rec["lost_km2"], units),
           "share_lost_pct": Fixed(rec["share_lost_pct"], 1) if rec.get("share_lost_pct") is not None else None}
    emit([row], fmt, list(row))
