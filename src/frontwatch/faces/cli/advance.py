"""``frontwatch advance``: how fast the front moves near a place, by two methods."""
from __future__ import annotations

import json

import click
import shapely

from frontwatch.geo.regions import parse_radius_km
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import (common, engine_opt, every_opt, period_from_opt, period_opt, period_to_opt,
                                          scheduler_opt, units_opt)
from frontwatch.faces.cli.output import advance_rows, emit


@click.command("advance")
@click.option("--near", required=True, help="A place (any spelling: Kurakhove, Курахове) or LAT,LON.")
@click.option("--radius", default="15km", show_default=True, help="Circle radius: 15km, 500m, 10mi.")
@period_from_opt
@period_to_opt
@period_opt
@every_opt
@units_opt
@click.option("--side", type=click.Choice(["russia", "ukraine"]), default="russia", show_default=True,
              help="Whose advance the table shows (csv/json carry both).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the circle, the old and new fronts and the gained/lost areas as GeoJSON.")
@engine_opt
@scheduler_opt
@common
def command(near, radius, start, end, period, every, units, side, out, engine, scheduler, store_path, borders_file, source, fmt):
    """Advance of each side inside a circle around a place between --from and --to (or, with
    --every week|month, for each consecutive pair of snapshots). Two methods: mean advance
    (net area gained / mean front length inside the circle / days) and the largest local shift
    (farthest distance of the new front from the old one, with its bearing), both in m/day
    (ft/day with --units sqmi). The table shows one side (--side) with the compass direction the
    front moved (toward: N, NE, ... W, NW); csv and json carry both sides and every field.

    \b
    Examples:
      frontwatch advance --near Kurakhove --radius 15km --from 2024-11-01 --to 2024-11-24
      frontwatch advance --near Pokrovsk --date 2024-11 --every week
    """
    if period is not None:
        if start or end:
            raise click.UsageError("give --date (a month or year) or --from and --to, not both")
        start, end = period.start, period.end
    ws = make_context(store_path, borders_file, engine=engine, scheduler=scheduler, source=source)
    with one_line_errors():
        recs = [r.to_record() for r in ws.advance(near, parse_radius_km(radius), start=start, end=end, every=every)]
    if out:
        feats = []
        for r in recs:
            for k, g in r["geometry"].items():
                if g is not None and not g.is_empty:
                    feats.append({"type": "Feature",
                                  "properties": {"layer": k, "place": r["place"], "from": r["from_date"], "to": r["to_date"]},
                                  "geometry": json.loads(shapely.to_geojson(g))})
        with open(out, "w") as fh:
            json.dump({"type": "FeatureCollection", "features": feats}, fh)
    if fmt == "table":
        rows, cols = advance_rows(recs, side, units)
        emit(rows, fmt, cols)
    else:
        emit(recs, fmt)
