"""``frontwatch regions``: the named regions a --region can take."""
from __future__ import annotations

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common
from frontwatch.faces.cli.output import emit, warn


@click.command("regions")
@click.option("--country", default=None, help="Only this country's regions (ISO-3: UKR, RUS).")
@common
def command(country, store_path, borders_file, source, fmt):
    """First-level regions (oblasts, Crimea, Kyiv, Sevastopol; Russia's oblasts and krais) that
    --region takes by name, with their ISO 3166-2 code, English, Ukrainian and Russian names and
    land area (km2, cut to the country's land in the borders). Countries (ISO-3) of the borders are
    listed too. Regions come from --admin FILE, else the store (`frontwatch admin FILE`), else
    geoBoundaries (fetched once).

    Example: frontwatch regions --country UKR
    """
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        recs, missing = ctx.named_regions(country)
    for line in missing:
        warn(f"warning: {line}")
    cols = ["iso", "country", "name", "name_uk", "name_ru", "land_km2"] if fmt == "table" else None
    emit(recs, fmt, cols)
