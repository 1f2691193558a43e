"""``frontwatch places``: load a full list of populated places into the gazetteer, or look names up."""
from __future__ import annotations

import click

from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import format_opt
from frontwatch.faces.cli.output import emit, warn, warnings_once
from frontwatch.geo import placefiles, places


@click.command("places")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--find", "name", default=None, help="Instead of loading: the places a name resolves to (any script).")
@click.option("--country", default=None, help="For a CSV without a country column: its ISO alpha-2 code (UA).")
@click.option("--fetch", is_flag=True, help="Download GeoNames' UA.zip and RU.zip now (cached; RU cut to its border regions).")
@format_opt
def command(path, name, country, fetch, fmt):
    """Load every populated place of a file into the gazetteer (kept in the cache folder, used by
    every command that names a place or lists settlements): GeoNames' country dumps (UA.zip,
    RU.zip, or the .txt inside; Russia's cut to Kursk, Belgorod, Bryansk, Rostov, Voronezh and
    Krasnodar), a Who's On First localities CSV, or any CSV with name, lat, lon. A file replaces
    the earlier one of the same countries; elsewhere GeoNames cities500 stays. Without a file:
    what the gazetteer holds; with --find NAME: what a name resolves to, with its current name and
    oblast.

    \b
    Examples:
      frontwatch places ../shared/data/places/ua-localities-wof.csv
      frontwatch places --find Krasnoarmiisk
    """
    with one_line_errors(), warnings_once():
        if fetch:
            for line in placefiles.fetch_geonames(force=True):
                warn(f"error: {line}")
        if path:
            try:
                frame, coverage = placefiles.read_places_file(path, country=country)
            except placefiles.PlacesError as exc:
                raise click.ClickException(str(exc)) from None
            placefiles.save_places(frame, coverage, str(path))
            places.reset()
        if name:
            recs = [{"name": p.name, "country": p.country, "oblast": p.oblast, "population": p.population,
                     "lat": round(p.lat, 5), "lon": round(p.lon, 5), "geonameid": p.geonameid}
                    for p in [places.resolve_place(name)]]
            emit(recs, fmt)
            return
        recs = places.gazetteer_summary()
    emit(recs, fmt)
