"""``frontwatch advance``: how fast the front moves near a place, by two methods."""
from __future__ import annotations

import json

import click
import shapely

from frontwatch.engine import get_engine
from frontwatch.analysis.front import advance
from frontwatch.geo.regions import parse_radius_km
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, engine_opt, every_opt, period_from_opt, scheduler_opt, period_to_opt
from frontwatch.faces.cli.output import emit

_TABLE = ["place", "from_date", "to_date", "days", "front_km_old", "front_km_new", "{s}_gained_km2", "{s}_lost_km2",
          "{s}_mean_m_per_day", "{s}_shift_m", "{s}_shift_m_per_day", "{s}_shift_bearing_deg"]


@click.command("advance")
@click.option("--near", required=True, help="A place (any spelling: Kurakhove, Курахове) or LAT,LON.")
@click.option("--radius", default="15km", show_default=True, help="Circle radius: 15km, 500m, 10mi.")
@period_from_opt
@period_to_opt
@every_opt
@click.option("--side", type=click.Choice(["russia", "ukraine"]), default="russia", show_default=True,
              help="Whose advance the table shows (csv/json carry both).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the circle, the old and new fronts and the gained/lost areas as GeoJSON.")
@engine_opt
@scheduler_opt
@common
def command(near, radius, start, end, every, side, out, engine, scheduler, store_path, borders_file, source, fmt):
    """Advance of each side inside a circle around a place between --from and --to (or, with
    --every week|month, for each consecutive pair of snapshots). Two methods: mean advance
    (net area gained / mean front length inside the circle / days) and the largest local shift
    (farthest distance of the new front from the old one, with its bearing), both in m/day.

    Example: frontwatch advance --near Kurakhove --radius 15km --from 2024-11-01 --to 2024-11-24
    """
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        km = parse_radius_km(radius)
        eng = get_engine(engine, scheduler)
        try:
            recs = advance(ctx.store, near, km, start=start, end=end, every=every, borders=ctx.borders, source=source, engine=eng)
        finally:
            eng.close()
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
    cols = [c.format(s=side) for c in _TABLE] if fmt == "table" else None
    emit(recs, fmt, cols)
