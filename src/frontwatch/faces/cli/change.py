"""``frontwatch change``: gained, lost and net area over a period of days."""
from __future__ import annotations

import json

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, period_from_opt, period_opt, period_to_opt, region_opt, statuses_opt, units_opt
from frontwatch.faces.cli.output import change_rows, emit


@click.command("change")
@region_opt
@statuses_opt(None)
@click.option("--side", type=click.Choice(["russia", "ukraine"]), default=None,
              help="Measure a side (its statuses plus its country's unmapped land) instead of --status.")
@period_from_opt
@period_to_opt
@period_opt
@units_opt
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the gained and lost areas as GeoJSON.")
@common
def command(region, statuses, side, start, end, period, units, out, store_path, borders_file, source, fmt):
    """What a set of statuses (their union) or a side (default: Russia's) gained and lost in a
    region over a period of days, --from to --to inclusive, or over a month or year (--date
    2024-11): from the state at the start of the first day (the last map before it) to the last
    map on or before the last day. November 2024 is --date 2024-11 (or --from 2024-11-01 --to
    2024-11-30): the maps of 31 October and 30 November, 30 days. The table shows the side, the
    areas in --units and the net change as a share of what was held at the start (net_pct); csv
    and json carry every field (snapshot ids, both units).

    \b
    Examples:
      frontwatch change --region UKR --date 2024-11
      frontwatch change --region UKR --status occupied --from 2024-11-17 --to 2024-11-24
    """
    if period is not None:
        if start or end:
            raise click.UsageError("give --date (a day, month or year) or --from and --to, not both")
        start, end = period.start, period.end
    if not start or not end:
        raise click.UsageError("give --from and --to, or a month or year as --date (2024-11)")
    ws = make_context(store_path, borders_file, source=source)
    with one_line_errors():
        rec = ws.change(ws.region(region), start=start, end=end, statuses=statuses, side=side,
                        geometry=bool(out)).to_record()
    if out:
        import shapely

        feats = [{"type": "Feature", "properties": {"change": k, "from": rec["from_date"], "to": rec["to_date"]},
                  "geometry": json.loads(shapely.to_geojson(g))} for k, g in rec["geometry"].items() if not g.is_empty]
        with open(out, "w") as fh:
            json.dump({"type": "FeatureCollection", "features": feats}, fh)
    if fmt == "table":
        rows, cols = change_rows([rec], units)
        emit(rows, fmt, cols)
    else:
        emit(rec, fmt)
