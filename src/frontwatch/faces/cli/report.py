"""``frontwatch report``: one self-contained HTML report on a region and date range
(frontwatch.faces.report.html.build_report)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

import click

from frontwatch.extras import require
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import borders_opt, from_opt, region_opt, source_opt, store_opt, to_opt
from frontwatch.faces.cli.output import warnings_once
from frontwatch.geo.regions import parse_radius_km
from frontwatch.lazy import lazy_import

# The report modules need the plot extra: imported on first use, after require().
if TYPE_CHECKING:
    from frontwatch.faces.report import html
else:
    html = lazy_import("frontwatch.faces.report.html")


@click.command("report")
@region_opt
@from_opt
@to_opt
@click.option("--article", "articles", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A news article (text file) whose numeric claims are checked (repeatable).")
@click.option("--near", default=None, help="Place name or LAT,LON for the advance table.")
@click.option("--radius", "radius", default="15km", show_default=True, help="Radius around --near (e.g. 15km, 10mi).")
@click.option("--no-front", is_flag=True, help="Leave the front lines off the map (faster).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output HTML file.")
@store_opt
@borders_opt
@source_opt
def command(region, start, end, articles, near, radius, no_front, out, store_path, borders_file, source):
    """Write one HTML file (images embedded, no external resources): latest area per status, peaks
    and shares lost, the area chart, a map of the last date compared with the first, changes by
    week, the advance near --near, settlements that changed hands, the claims check of each
    --article, and where the data came from.

    Example: frontwatch report --region RUS --from 2024-08-01 --to 2024-12-31
    --article kursk-2024-11-24.txt --out kursk.html
    """
    require("plot", "frontwatch report")
    ctx = make_context(store_path, borders_file)
    with one_line_errors(), warnings_once() as said:  # printed once each, and listed in the report
        if not out.lower().endswith((".html", ".htm")):
            raise ValueError(f"{out}: use an .html file name")
        km = parse_radius_km(radius) if near else None
        reg = ctx.region(region)
        doc = html.build_report(ctx, reg, start, end, articles=articles, near=near, radius_km=km, source=source,
                           map_fronts=not no_front, warnings=tuple(said))
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    click.echo(f"{path}: {len(doc) / 1024:,.0f} KiB")
