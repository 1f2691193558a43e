"""``frontwatch area``: area per status in a region, on a date or as a series."""
from __future__ import annotations

import collections

import click

from frontwatch.workspace import SLIVER_WIDTH_KM
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, day_or_window, engine_opt, every_opt, from_opt, period_opt, region_opt, scheduler_opt, statuses_opt, to_opt, units_opt
from frontwatch.faces.cli.output import area_in, area_unit, emit, warn


@click.command("area")
@region_opt
@statuses_opt()
@period_opt
@from_opt
@to_opt
@every_opt
@units_opt
@click.option("--with-slivers", is_flag=True,
              help=f"Keep border slivers (Russia's statuses inside Russia narrower than {SLIVER_WIDTH_KM:g} km along "
                   "Ukraine's border, where the map's border and OpenStreetMap's differ) in the figures.")
@engine_opt
@scheduler_opt
@common
def command(region, statuses, period, start, end, every, units, with_slivers, engine, scheduler, store_path, borders_file,
            source, fmt):
    """Geodesic area (WGS84) of each status inside a region: on --date, or for every snapshot
    between --from and --to (one per --every period); a month or year as --date (2024-11) is the
    series over it. Border slivers (Russia's statuses inside Russia, narrower than 3 km along
    Ukraine's border: the map's border line is not OpenStreetMap's) are left out and named on
    stderr; --with-slivers keeps them; json carries them as border_slivers_km2. With --region ALL, UKR or RUS the map
    maker's own figures of the same ground are shown beside ours (official_km2, diff_pct) where
    they were synced or ingested, and a note says why they differ where that is known. Each status,
    and each side's total (Russia: occupied + occupied_before_2022 + Russian land no layer covers;
    Ukraine: ukraine_held + Ukrainian land no layer covers), is also given as a share of the
    region's land (share_pct), e.g. for an oblast asked by name.

    \b
    Examples:
      frontwatch area --region RUS --status ukraine_held,contested --date 2024-11-22
      frontwatch area --region "Donetsk oblast" --date 2024-11-24
      frontwatch area --region UKR --status russia --date 2024-11 --every week --units sqmi
    """
    date, start, end = day_or_window(period, start, end)
    ws = make_context(store_path, borders_file, engine=engine, scheduler=scheduler, source=source)
    with one_line_errors():
        recs = [r.to_record() for r in ws.area(ws.region(region), statuses, date=date, start=start, end=end,
                                               every=every, slivers="keep" if with_slivers else "leave_out")]
    slivers = [r for r in recs if r.get("border_slivers_km2")]
    if slivers and fmt != "json":
        latest = max(r["snapshot_id"] for r in slivers)
        now = [r for r in slivers if r["snapshot_id"] == latest]
        what = ", ".join(f"{r['status']} {area_in(r['border_slivers_km2'], units):,.1f} {area_unit(units)}" for r in now)
        warn(f"note: border slivers {'kept in' if with_slivers else 'left out of'} the figures ({what} on {now[0]['date']}): "
             f"Russia's statuses inside Russia, narrower than {SLIVER_WIDTH_KM:g} km along Ukraine's border, where the "
             f"map's border line and OpenStreetMap's differ" + ("" if with_slivers else "; --with-slivers keeps them"))
    if fmt != "table":
        emit(recs, fmt)
        return
    rows = [{"date": r["date"], "region": r["region"], "status": r["status"], area_unit(units): area_in(r["km2"], units),
             "share_pct": r.get("share_pct"),
             **({"official_km2": r.get("official_km2"), "diff_pct": r.get("diff_pct")} if "official_km2" in r else {})}
            for r in recs]
    cols = ["date", "region", "status", area_unit(units)]
    if any(r.get("share_pct") is not None for r in recs):
        cols += ["share_pct"]
    if any("official_km2" in r for r in recs):
        cols += ["official_km2", "diff_pct"]
    emit(rows, fmt, cols)
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
