"""``frontwatch notes``: the map maker's notes on its maps, between two days, near a place."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import format_opt, from_opt, store_opt, to_opt
from frontwatch.faces.cli.output import emit
from frontwatch.lazy import lazy_import

# The gazetteer (pandas), loaded only when --near names a place.
if TYPE_CHECKING:
    from frontwatch.geo import places
else:
    places = lazy_import("frontwatch.geo.places")

DEFAULT_NEAR_KM = 10.0
TEXT_WIDTH = 110  # characters of a note shown in the table (csv and json carry it whole)


@click.command("notes")
@from_opt
@to_opt
@click.option("--near", default=None, metavar="PLACE[:RADIUS]",
              help=f"Only notes linking a place within RADIUS of PLACE (a name or lat,lon; default {DEFAULT_NEAR_KM:g} km), "
                   "e.g. Pokrovsk, Pokrovsk:15km, 48.28,37.18:5km.")
@store_opt
@format_opt
def command(start, end, near, store_path, fmt):
    """The map maker's notes on the maps published between --from and --to (UTC days): what
    DeepStateMap said changed, in English where it gave English (else Ukrainian), with the
    places each note links. With --near, only the notes that link a place within the radius,
    and those places with their distance. The notes come from `frontwatch sync` or from a
    recorded listing given to `frontwatch ingest` (history-public.json).

    Example: frontwatch notes --from 2024-11-20 --to 2024-11-30 --near Pokrovsk:15km
    """
    ctx = make_context(store_path, None)
    with one_line_errors():
        point = _near(near) if near else None
        if start and end and start > end:
            raise click.ClickException(f"the window starts after it ends ({start} > {end}): swap the two dates")
        notes = ctx.store.notes(start, end, near=point)
        if not notes and not ctx.store.notes_summary()["notes"]:
            raise click.ClickException("the store has no notes yet: run `frontwatch sync deepstate`, or `frontwatch "
                                       "ingest history-public.json` (a recorded DeepStateMap listing)")
    recs = [n.to_record() for n in notes]
    if fmt == "json":
        emit(recs, fmt)
        return
    rows = []
    for n, r in zip(notes, recs):
        row = {"date": r["date"], "map_id": r["map_id"], "lang": r["lang"]}
        if point:
            row["near"] = ", ".join(f"{p.name} {km:.1f} km" for p, km in n.near)
        if fmt == "csv":
            row["places"] = "; ".join(p.name for p in n.places)
        text = " ".join(r["text"].split())
        row["text"] = text if fmt == "csv" or len(text) <= TEXT_WIDTH else text[:TEXT_WIDTH - 1] + "…"
        rows.append(row)
    if fmt == "table" and not rows:
        click.echo("(no notes)")
        return
    emit(rows, fmt)


def _near(spec: str) -> tuple[float, float, float]:
    """``(lat, lon, km)`` of ``PLACE[:RADIUS]`` or ``LAT,LON[:RADIUS]``."""
    spec = spec.strip()
    if ":" not in spec:
        spec = f"{spec}:{DEFAULT_NEAR_KM:g}km"
    try:
        place, km = places.parse_place_radius(spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc).splitlines()[0], param_hint="--near") from None
    return place.lat, place.lon, km
