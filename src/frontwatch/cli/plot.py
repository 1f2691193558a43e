"""``frontwatch plot``: charts of library results (for now ``plot area``: area per status over time)."""
from __future__ import annotations

import click

from .context import make_context
from .errors import one_line_errors
from .options import borders_opt, from_opt, region_opt, source_opt, statuses_opt, store_opt, to_opt, units_opt


@click.group("plot")
def command():
    """Charts as PNG or SVG files (the format follows the --out suffix)."""


@command.command("area")
@region_opt
@statuses_opt("all")
@from_opt
@to_opt
@units_opt
@click.option("--event", "events", multiple=True, metavar='DATE="LABEL"',
              help='Mark an event, e.g. --event 2024-08-06="Incursion begins" (repeatable).')
@click.option("--title", default=None, help="Chart title (default: region, source and date range).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output file: .png or .svg.")
@store_opt
@borders_opt
@source_opt
def area(region, statuses, start, end, units, events, title, out, store_path, borders_file, source):
    """Area of each status inside a region over time (one line per status plus their total), with
    the peak of the combined area and the share lost since marked (measure.peak); statuses of
    both sides (the default, all) get no total or peak, which would add one side's ground to the other's.

    Example: frontwatch plot area --region RUS --status ukraine_held,contested --from 2024-08-01
    --to 2024-12-31 --event 2024-08-06="Incursion begins" --out kursk.png
    """
    from ..report.charts import area_chart, area_chart_data, parse_event, save_figure

    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        evs = [parse_event(e) for e in events]
        if not out.lower().endswith((".png", ".svg")):
            raise ValueError(f"{out}: use a .png or .svg file name")
        data = area_chart_data(ctx.store, ctx.region(region), statuses, start, end, source=source)
        path = save_figure(area_chart(data, units=units, events=evs, title=title), out)
    pk = data["peak"]
    peak_text = (f"peak {pk['peak_km2']:,.1f} km2 on {pk['peak_date']}, {pk['share_lost_pct']}% lost by {pk['date']}"
                 if pk is not None else "statuses of both sides: no total or peak drawn (give one side's statuses for them)")
    click.echo(f"{path}: {data['region']} {','.join(data['statuses'])}, {data['snapshots']} snapshot{'s' if data['snapshots'] != 1 else ''} "
               f"{data['first']} to {data['last']}; {peak_text}")
