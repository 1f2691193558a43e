"""``frontwatch change``: gained, lost and net area over a period of days."""
from __future__ import annotations

import json

import click

from frontwatch.analysis.measure import change
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, period_from_opt, region_opt, statuses_opt, period_to_opt


@click.command("change")
@region_opt
@statuses_opt(None)
@click.option("--side", type=click.Choice(["russia", "ukraine"]), default=None,
              help="Measure a side (its statuses plus its country's unmapped land) instead of --status.")
@period_from_opt
@period_to_opt
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the gained and lost areas as GeoJSON.")
@common
def command(region, statuses, side, start, end, out, store_path, borders_file, source, fmt):
    """What a set of statuses (their union) or a side gained and lost in a region over a period
    of days, --from to --to inclusive: from the state at the start of --from (the last map
    before it) to the last map on or before --to. November 2024 is --from 2024-11-01 --to
    2024-11-30: the maps of 31 October and 30 November, 30 days.

    Example: frontwatch change --region UKR --side russia --from 2024-11-01 --to 2024-11-30
    """
    from frontwatch.faces.cli.output import emit

    if not start or not end:
        raise click.UsageError("give --from and --to")
    if statuses is None and side is None:
        side = "russia"
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        reg = ctx.region(region)
        rec = change(ctx.store, reg, start=start, end=end, statuses=statuses if not side else None, side=side,
                     borders=ctx.borders if side else None, source=source, geometry=bool(out))
    if out:
        import shapely

        feats = [{"type": "Feature", "properties": {"change": k, "from": rec["from_date"], "to": rec["to_date"]},
                  "geometry": json.loads(shapely.to_geojson(g))} for k, g in rec["geometry"].items() if not g.is_empty]
        with open(out, "w") as fh:
            json.dump({"type": "FeatureCollection", "features": feats}, fh)
    emit(rec, fmt)
