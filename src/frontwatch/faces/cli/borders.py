"""``frontwatch borders``: save a country-borders file into the store."""
from __future__ import annotations

from pathlib import Path

import click

from frontwatch.geo.regions import prepare_borders, read_borders_file, save_borders, stored_borders_of
from frontwatch.sources.base import is_url
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import format_opt, store_opt
from frontwatch.faces.cli.output import emit


@click.command("borders")
@click.argument("path")
@store_opt
@format_opt
def command(path, store_path, fmt):
    """Save country borders (GeoJSON/GPKG with an iso_a3 attribute) into the store, so that
    regions like RUS and UKR resolve offline. Crimea is counted in UKR only. PATH may be an
    object-store URL (s3://bucket/borders.geojson), as for `frontwatch ingest`.

    Example: frontwatch borders ../shared/data/borders/countries-osm.geojson
    """
    if not is_url(path) and not Path(path).is_file():
        raise click.BadParameter(f"{path}: no such file", param_hint="PATH")
    ctx = make_context(store_path, None)
    with one_line_errors():
        # A file whose content the store holds already (as its borders, or kept from a command
        # given it with --borders) is not read or prepared again.
        b, file_hash = stored_borders_of(ctx.store, path, kept=True)
        if b is None or b.file_hash != ctx.store.borders().file_hash:
            b = b if b is not None else prepare_borders(read_borders_file(path))
            save_borders(ctx.store, b, str(path), file_hash=file_hash)
    emit([{"iso_a3": k, "bounds": ",".join(f"{v:.2f}" for v in g.bounds)} for k, g in sorted(b.items())], fmt)
