"""``frontwatch settlements``: who held which place, and when it changed hands."""
from __future__ import annotations

import click

from frontwatch.geo.regions import parse_radius_km
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, day_or_window, from_opt, period_opt, region_opt, to_opt
from frontwatch.faces.cli.output import emit, warn, warnings_once


@click.command("settlements")
@region_opt
@click.option("--near", default=None, help="Instead of --region: a place (any spelling) or LAT,LON, with --radius.")
@click.option("--radius", default="20km", show_default=True, help="Circle radius for --near.")
@click.option("--side", type=click.Choice(["russia", "ukraine"]), default=None,
              help="Only the changes that put a place on this side.")
@click.option("--flagged", is_flag=True, help="Only what the map maker's notes and polygons disagree on.")
@click.option("--at-notes/--at-gazetteer", "at_notes", default=True, show_default=True,
              help="Read a place the stored notes say changed hands at the note's link (the map maker's own "
                   "point for it), or always at the gazetteer's point.")
@period_opt
@from_opt
@to_opt
@common
def command(region, near, radius, side, flagged, at_notes, period, start, end, store_path, borders_file, source, fmt):
    """Settlements of the gazetteer inside a region (every village with GeoNames' dumps or
    `frontwatch places FILE`; cities500's towns otherwise, which it says): those that changed hands
    between --from and --to, sorted by date (the first map showing the new state), with the side and
    status before and after and the place's oblast; or, with --date, the status and side of each
    on that day; a month or year as --date (2024-08) lists the changes within it. A place no layer
    covers has no status and the side of its country.

    Where the store holds the map maker's notes (synced from DeepStateMap), each change gets the
    note of its map that names the place (note_says: the side the note says took it), and what
    the two disagree on is flagged: "map only" (the polygons put the place on a side, no note within
    3 days says so) and "note only" (a note says a place changed hands, no settlement within 2 km
    changes so in the polygons within 3 days). A place a stored note says changed hands is then
    read at the note's link, the map maker's own point for it (point_from: note), not at the
    gazetteer's point, which may stand a kilometre from where the map maker drew the change
    (--at-gazetteer keeps the gazetteer's points).

    \b
    Examples:
      frontwatch settlements --region "Donetsk oblast" --side russia --from 2024-10-01 --to 2024-12-31
      frontwatch settlements --near Sudzha --radius 20km --date 2024-11-24
    """
    date, start, end = day_or_window(period, start, end)
    ws = make_context(store_path, borders_file, source=source)
    with one_line_errors(), warnings_once():
        if near:
            reg = ws.region(f"{near}:{parse_radius_km(radius)}km", param_hint="--near")
        else:
            reg = ws.region(region)
        if date or not (start or end):
            recs = [r.to_record() for r in ws.settlements(reg, date=date, side=side)]
            cols = ["date", "place", "oblast", "country", "population", "status", "side"]
        else:
            notes = ws.settlement_notes(start, end)
            recs = [r.to_record() for r in ws.settlements(reg, start=start, end=end, side=side, notes=notes,
                                                          at_notes=at_notes)]
            cols = ["date", "place", "oblast", "population", "old_status", "new_status", "old_side", "new_side"]
            if notes is None:
                if flagged:
                    warn("warning: the store holds none of the map maker's notes (`frontwatch sync deepstate` stores them): "
                         "nothing to cross-check")
            else:
                cols += ["note_says", "flag"]
            if flagged:
                recs = [r for r in recs if r.get("flag")]
    emit(recs, fmt, cols if fmt == "table" else None)
