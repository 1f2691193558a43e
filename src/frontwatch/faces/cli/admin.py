"""``frontwatch admin``: save a boundaries file of first-level regions (oblasts) into the store."""
from __future__ import annotations

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import format_opt, store_opt
from frontwatch.faces.cli.output import emit
from frontwatch.geo.admin import AdminError, describe_units, read_admin_file, save_admin


@click.command("admin")
@click.argument("path", type=click.Path(dir_okay=False))
@store_opt
@format_opt
def command(path, store_path, fmt):
    """Save first-level regions (a GeoJSON/GeoPackage with one polygon per region and its name,
    e.g. geoBoundaries ADM1) into the store, replacing those of the same country, so that named
    regions ("Donetsk oblast", "Курская область", UA-14) resolve offline. The shapes are cut to
    land when used. Without it, Ukraine's and Russia's come from geoBoundaries, fetched once.

    Example: frontwatch admin ../shared/data/admin/geoBoundaries-UKR-ADM1.geojson
    """
    ctx = make_context(store_path, None)
    with one_line_errors():
        try:
            units = read_admin_file(path)
        except AdminError as exc:
            raise click.ClickException(str(exc)) from None
        save_admin(ctx.store, units, str(path))
    emit(describe_units(units), fmt)
