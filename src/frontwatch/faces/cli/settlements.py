"""``frontwatch settlements``: who held which place, and when it changed hands."""
from __future__ import annotations

import click

from frontwatch.geo.regions import parse_radius_km
from frontwatch.analysis.settlements import settlement_changes, settlements_on
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, from_opt, period_opt, region_opt, to_opt
from frontwatch.faces.cli.output import emit


@click.command("settlements")
@region_opt
@click.option("--near", default=None, help="Instead of --region: a place (any spelling) or LAT,LON, with --radius.")
@click.option("--radius", default="20km", show_default=True, help="Circle radius for --near.")
@period_opt
@from_opt
@to_opt
@common
def command(region, near, radius, period, start, end, store_path, borders_file, source, fmt):
    """Settlements of the gazetteer (GeoNames cities500) inside a region: those that changed hands
    between --from and --to, sorted by date (the first map showing the new status), or, with
    --date, the status and side of each on that day. A place no layer covers has no status and
    the side of its country.

    Examples: frontwatch settlements --region RUS --from 2024-08-01 --to 2024-12-31
              frontwatch settlements --near Sudzha --radius 20km --date 2024-11-24
    """
    date = None
    if period is not None:
        if start or end:
            raise click.UsageError("give --date or --from and --to, not both")
        if period.is_day:
            date = period.start
        else:  # a month or a year: the changes of hands within it
            start, end = period.start, period.end
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        if near:
            reg = ctx.region(f"{near}:{parse_radius_km(radius)}km", param_hint="--near")
        else:
            reg = ctx.region(region)
        if date or not (start or end):
            recs = settlements_on(ctx.store, reg, date, borders=ctx.borders, source=source)
            cols = ["date", "place", "country", "population", "status", "side"]
        else:
            recs = settlement_changes(ctx.store, reg, start=start, end=end, borders=ctx.borders, source=source)
            cols = ["date", "place", "country", "population", "old_status", "new_status", "old_side", "new_side"]
    emit(recs, fmt, cols if fmt == "table" else None)
