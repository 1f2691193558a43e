"""``frontwatch front``: the contact line between the sides, and its geodesic length."""
from __future__ import annotations

import json

import click
import shapely

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, day_or_window, engine_opt, every_opt, from_opt, period_opt, region_opt, scheduler_opt, to_opt, units_opt
from frontwatch.faces.cli.output import emit, length_in, length_unit


@click.command("front")
@region_opt
@period_opt
@from_opt
@to_opt
@every_opt
@units_opt
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the line(s) as GeoJSON (MultiLineString per snapshot, EPSG:4326).")
@engine_opt
@scheduler_opt
@common
def command(region, period, start, end, every, units, out, engine, scheduler, store_path, borders_file, source, fmt):
    """The front line (occupied or contested against Ukrainian-held ground, not the international
    border or a coast) inside a region, with its geodesic length: on --date (default: the latest
    map), or for every snapshot between --from and --to (one per --every period).

    A month or year as --date (2024-11) is the series over it.

    Example: frontwatch front --date 2024-11-24 --region UKR --out front.geojson
    """
    date, start, end = day_or_window(period, start, end)
    ws = make_context(store_path, borders_file, engine=engine, scheduler=scheduler, source=source)
    with one_line_errors():
        recs = [r.to_record() for r in ws.front(ws.region(region), date=date, start=start, end=end, every=every)]
    if out:
        feats = [{"type": "Feature", "properties": {k: v for k, v in r.items() if k != "geometry"},
                  "geometry": json.loads(shapely.to_geojson(r["geometry"]))} for r in recs]
        with open(out, "w") as fh:
            json.dump({"type": "FeatureCollection", "features": feats}, fh)
    if fmt != "table":
        emit(recs, fmt)
        return
    ln = length_unit(units)
    rows = [{"date": r["date"], "region": r["region"], f"length_{ln}": length_in(r["length_km"], units),
             "pieces": r["components"], f"longest_{ln}": length_in(r["longest_km"], units)} for r in recs]
    emit(rows, fmt, list(rows[0]) if rows else None)
