"""``frontwatch front``: the contact line between the sides, and its geodesic length."""
from __future__ import annotations

import json

import click
import shapely

from frontwatch.engine import get_engine
from frontwatch.analysis.front import front
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, date_opt, engine_opt, every_opt, from_opt, region_opt, scheduler_opt, to_opt
from frontwatch.faces.cli.output import emit


@click.command("front")
@region_opt
@date_opt
@from_opt
@to_opt
@every_opt
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the line(s) as GeoJSON (MultiLineString per snapshot, EPSG:4326).")
@engine_opt
@scheduler_opt
@common
def command(region, date, start, end, every, out, engine, scheduler, store_path, borders_file, source, fmt):
    """The front line (occupied or contested against Ukrainian-held ground, not the international
    border or a coast) inside a region, with its geodesic length: on --date (default: the latest
    map), or for every snapshot between --from and --to (one per --every period).

    Example: frontwatch front --date 2024-11-24 --region UKR --out front.geojson
    """
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        reg = ctx.region(region)
        eng = get_engine(engine, scheduler)
        try:
            recs = front(ctx.store, reg, date=date, start=start, end=end, every=every, borders=ctx.borders, source=source, engine=eng)
        finally:
            eng.close()
    if out:
        feats = [{"type": "Feature", "properties": {k: v for k, v in r.items() if k != "geometry"},
                  "geometry": json.loads(shapely.to_geojson(r["geometry"]))} for r in recs]
        with open(out, "w") as fh:
            json.dump({"type": "FeatureCollection", "features": feats}, fh)
    emit(recs, fmt, ["date", "region", "length_km", "components", "longest_km"] if fmt == "table" else None)
