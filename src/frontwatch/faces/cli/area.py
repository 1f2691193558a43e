"""``frontwatch area``: area per status in a region, on a date or as a series."""
from __future__ import annotations

import collections

import click

from frontwatch.analysis.shares import area_with_shares
from frontwatch.faces.cli.context import lazy_engine, make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, date_opt, engine_opt, every_opt, from_opt, region_opt, scheduler_opt, statuses_opt, to_opt, units_opt
from frontwatch.faces.cli.output import emit


@click.command("area")
@region_opt
@statuses_opt()
@date_opt
@from_opt
@to_opt
@every_opt
@units_opt
@engine_opt
@scheduler_opt
@common
def command(region, statuses, date, start, end, every, units, engine, scheduler, store_path, borders_file, source, fmt):
    """Geodesic area (WGS84) of each status inside a region: on --date, or for every snapshot
    between --from and --to (one per --every period). With --region ALL, UKR or RUS the map
    maker's own figures of the same ground are shown beside ours (official_km2, diff_pct) where
    they were synced or ingested, and a note says why they differ where that is known. Each status,
    and each side's total (Russia: occupied + occupied_before_2022 + Russian land no layer covers;
    Ukraine: ukraine_held + Ukrainian land no layer covers), is also given as a share of the
    region's land (share_pct), e.g. for an oblast asked by name.

    Examples: frontwatch area --region RUS --status ukraine_held,contested --date 2024-11-22
              frontwatch area --region "Donetsk oblast" --date 2024-11-24
    """
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        reg = ctx.region(region)
        eng = lazy_engine(engine, scheduler)
        try:
            recs = area_with_shares(ctx.store, reg, statuses, date=date, start=start, end=end, every=every,
                                    source=source, engine=eng, borders=ctx.stored_borders())
        finally:
            eng.close()
    cols = None
    if fmt == "table":
        cols = ["date", "region", "status", units]
        if any("share_pct" in r for r in recs):
            cols += ["share_pct"]
        if any("official_km2" in r for r in recs):
            cols += ["official_km2", "diff_pct"]
    emit(recs, fmt, cols)
    if fmt == "table":
        # Why the map maker's figure differs, where that is known: each distinct note once, with
        # its map and status when it is about one.
        notes = [r for r in recs if r.get("official_note")]
        times = collections.Counter(r["official_note"] for r in notes)
        for r in notes:
            note = r["official_note"]
            if times.get(note):
                click.echo(f"note: {note}" if times[note] > 1 else f"note: {r['date']} {r['status']}: {note}")
                times[note] = 0
