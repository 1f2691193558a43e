"""``frontwatch map``: a map of control on a date (status layers, front line, settlements,
borders), with the ground gained and lost since --compare DATE; PNG or SVG by the --out suffix."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from frontwatch.extras import require
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, borders_opt, region_opt, source_opt, store_opt
from frontwatch.lazy import lazy_import

# The report modules need the plot extra: imported on first use, after require().
if TYPE_CHECKING:
    from frontwatch.faces.report import charts
    from frontwatch.faces.report import maps
else:
    charts = lazy_import("frontwatch.faces.report.charts")
    maps = lazy_import("frontwatch.faces.report.maps")


@click.command("map")
@region_opt
@click.option("--date", type=DATE, default=None, help="Day to map (the last snapshot on or before it; default: latest).")
@click.option("--compare", type=DATE, default=None,
              help="Earlier day: hatch the ground gained and lost since its start (the last map before it, as "
                   "`change --from`), and draw both front lines.")
@click.option("--no-front", is_flag=True, help="Skip the front line (it takes a few seconds per date).")
@click.option("--labels", default=14, show_default=True, help="Most settlements labelled (largest first, no overlaps).")
@click.option("--title", default=None, help="Map title (default: region and date).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output file: .png or .svg.")
@store_opt
@borders_opt
@source_opt
def command(region, date, compare, no_front, labels, title, out, store_path, borders_file, source):
    """Map of control on --date inside (and around) a region, in DeepStateMap's colours.

    The view is the region's bounds; for a country (RUS, UKR) the part of it the map's layers
    cover. Set FRONTWATCH_TILES to a tile URL template to draw web tiles underneath (needs
    contextily and a reachable server; otherwise the footer says why there are none).

    Example: frontwatch map --date 2024-11-24 --region Kurakhove:25km --compare 2024-11-01 --out kurakhove.png
    """
    require("plot", "frontwatch map")
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        if not out.lower().endswith((".png", ".svg")):
            raise ValueError(f"{out}: use a .png or .svg file name")
        day = date or ctx.snapshot(source=source).date
        data = ctx.map_data(ctx.region(region), day, compare=compare, source=source, fronts=not no_front,
                            max_labels=labels)
        path = charts.save_figure(maps.control_map(data, title=title), out)
    msg = f"{path}: {data['region'].name} on {data['snapshot'].date}"
    chg = data["change"]
    if chg is not None:
        msg += (f"; {chg['side']} since {chg['from_date']}: gained {chg['gained_km2']:,.1f} km2, "
                f"lost {chg['lost_km2']:,.1f} km2")
    for d, rec in data["fronts"].items():
        msg += f"; front {rec['date']}: {rec['length_km']:,.1f} km in view"
    click.echo(msg)
