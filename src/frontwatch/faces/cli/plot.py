"""``frontwatch plot``: charts of library results: ``plot area`` (area per status over time) and
``plot advance`` (the pace of the front near a place, per week or month)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from frontwatch.extras import require
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import (borders_opt, engine_opt, from_opt, region_opt, scheduler_opt, source_opt, statuses_opt, store_opt,
                      to_opt, units_opt)
from frontwatch.geo.regions import parse_radius_km
from frontwatch.lazy import lazy_import

# The report modules need the plot extra: imported on first use, after require().
if TYPE_CHECKING:
    from frontwatch.faces.report import charts
else:
    charts = lazy_import("frontwatch.faces.report.charts")


out_opt = click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output file: .png or .svg.")


def chart_opts(fn):
    """``--out`` and the store, borders and source options every chart takes."""
    for opt in (source_opt, borders_opt, store_opt, out_opt):
        fn = opt(fn)
    return fn


def _image_name(out: str) -> str:
    if not out.lower().endswith((".png", ".svg")):
        raise ValueError(f"{out}: use a .png or .svg file name")
    return out


@click.group("plot")
def command():
    """Charts as PNG or SVG files (the format follows the --out suffix)."""
    require("plot", "frontwatch plot")


@command.command("area")
@region_opt
@statuses_opt("all")
@from_opt
@to_opt
@units_opt
@click.option("--event", "events", multiple=True, metavar='DATE="LABEL"',
              help='Mark an event, e.g. --event 2024-08-06="Incursion begins" (repeatable).')
@click.option("--title", default=None, help="Chart title (default: region, source and date range).")
@chart_opts
def area(region, statuses, start, end, units, events, title, out, store_path, borders_file, source):
    """Area of each status inside a region over time (one line per status plus their total), with
    the peak of the combined area and the share lost since marked (measure.peak); statuses of
    both sides (the default, all) get no total or peak, which would add one side's ground to the other's.

    Example: frontwatch plot area --region RUS --status ukraine_held,contested --from 2024-08-01
    --to 2024-12-31 --event 2024-08-06="Incursion begins" --out kursk.png
    """
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        evs = [charts.parse_event(e) for e in events]
        _image_name(out)
        data = ctx.area_chart_data(ctx.region(region), statuses, start, end, source=source)
        path = charts.save_figure(charts.area_chart(data, units=units, events=evs, title=title), out)
    pk = data["peak"]
    if pk is None:
        peak_text = "statuses of both sides: no total or peak drawn (give one side's statuses for them)"
    elif pk["share_lost_pct"] is None or round(pk["share_lost_pct"], 1) <= 0:
        peak_text = f"peak {pk['peak_km2']:,.1f} km2 on {pk['peak_date']}, the last map"
    else:
        peak_text = f"peak {pk['peak_km2']:,.1f} km2 on {pk['peak_date']}, {pk['share_lost_pct']:.1f}% lost by {pk['date']}"
    click.echo(f"{path}: {data['region']} {','.join(data['statuses'])}, {data['snapshots']} snapshot{'s' if data['snapshots'] != 1 else ''} "
               f"{data['first']} to {data['last']}; {peak_text}")


@command.command("advance")
@click.option("--near", required=True, help="A place (any spelling: Kurakhove, Курахове) or LAT,LON.")
@click.option("--radius", default="15km", show_default=True, help="Circle radius: 15km, 500m, 10mi.")
@from_opt
@to_opt
@click.option("--every", type=click.Choice(["day", "week", "month"]), default="week", show_default=True,
              help="One bar per period: between the last maps of consecutive periods.")
@click.option("--side", type=click.Choice(["russia", "ukraine"]), default="russia", show_default=True,
              help="Whose advance the bars show (a retreat is below zero).")
@click.option("--title", default=None, help="Chart title (default: place, radius, period and dates).")
@engine_opt
@scheduler_opt
@chart_opts
def advance(near, radius, start, end, every, side, title, out, engine, scheduler, store_path, borders_file, source):
    """The pace of the front near a place: per week (or day, month), the side's mean advance in
    metres per day as bars and its largest local shift as dots (frontwatch.analysis.front.advance, the
    figures of `frontwatch advance --every`).

    Example: frontwatch plot advance --near Kurakhove --radius 15km --from 2024-09-01
    --to 2024-12-31 --out kurakhove-pace.png
    """
    ctx = make_context(store_path, borders_file, engine=engine, scheduler=scheduler)
    with one_line_errors():
        _image_name(out)
        if start is None or end is None:
            raise ValueError("give --from and --to: the chart needs a window")
        data = ctx.advance_chart_data(near, parse_radius_km(radius), start, end, every=every, source=source)
        path = charts.save_figure(charts.advance_chart(data, side=side, title=title), out)
    span = data["range"][side]
    summary = "no front in the circle" if span is None else (
        f"{side} mean advance {span[0]:,.0f} to {span[1]:,.0f} m/day per {every}"
        + (f", largest local shift {span[2]:,.0f} m/day" if span[2] is not None else ""))
    click.echo(f"{path}: {data['near']} within {data['radius_km']:g} km, {len(data['records'])} {every}s "
               f"{data['first']} to {data['last']}; {summary}")
