"""Settlements that changed hands, dated by frontwatch, against the dates of the map maker's notes.

DeepStateMap's notes of June to December 2024 (the ``descriptionEn`` of
../shared/data/deepstate/api/history-public.json) say which settlements were captured or liberated,
each a link with its coordinates. The list is read by the test's own parser
(tests/realdata/test_settlements_notes.py, independent of frontwatch's). For each settlement in
Ukraine, a hit is a change of hands to that side, found by frontwatch within 2 km of the note's link,
dated within 3 (7, 14) days of the note. Two readings are measured, each on June-September and
October-December separately:

In Ukraine and in Russia (Kursk oblast, where the gazetteer without GeoNames' RU.zip holds
cities500's towns only).

- ``gazetteer``: the places of ../shared/data/places/ua-localities-wof.csv at their own points
  (what the `settlements` command does when the store holds no notes);
- ``notes``: the same places, those the notes say changed hands read at the note's link, the map
  maker's own point (``settlement_changes(notes=...)``; what the command does with notes stored).

Prints the table and every miss, with the offset (days from the note to the nearest change to that
side within 2 km; "none" when there is none).

Usage: python bench/settlements_vs_notes.py [--store FILE] [--cache DIR]
(without --store, a store of ../shared/data/deepstate/history is built in a temporary folder: about
a minute; without --cache, the gazetteer's index with ua-localities-wof.csv is built there too.)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data"
sys.path.insert(0, str(ROOT / "tests" / "realdata"))
sys.path.insert(0, str(ROOT / "tests"))

START, END = dt.date(2024, 6, 1), dt.date(2024, 12, 31)  # the notes the test reads: June-December 2024
WINDOWS = (("Jun-Sep", dt.date(2024, 6, 1), dt.date(2024, 9, 30)), ("Oct-Dec", dt.date(2024, 10, 1), dt.date(2024, 12, 31)))


def offsets(changes, said):
    """{(name, side): days from the note to the nearest change to that side within 2 km, or None}."""
    import numpy as np

    lat = np.array([r["lat"] for r in changes])
    lon = np.array([r["lon"] for r in changes])
    day = np.array([dt.date.fromisoformat(r["date"]).toordinal() for r in changes])
    side = np.array([r["new_side"] or "" for r in changes])
    out = {}
    for (name, says), (d, la, lo) in said.items():
        km = np.hypot((lat - la) * 111.2, (lon - lo) * 111.2 * np.cos(np.radians(la)))
        off = day[(km <= 2.0) & (side == says)] - d.toordinal()
        out[(name, says)] = int(off[np.argmin(np.abs(off))]) if off.size else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="a store holding ../shared/data/deepstate/history and the borders")
    ap.add_argument("--cache", type=Path, help="a FRONTWATCH_CACHE_DIR whose gazetteer holds ua-localities-wof.csv")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="frontwatch-bench-"))
    os.environ["FRONTWATCH_OFFLINE"] = "1"
    os.environ["FRONTWATCH_CACHE_DIR"] = str(args.cache or tmp / "cache")

    import shapely
    from click.testing import CliRunner

    from frontwatch.analysis.settlements import settlement_changes
    from frontwatch.faces.cli import main as cli
    from frontwatch.geo.regions import prepare_borders, read_borders_file, resolve_region
    from frontwatch.ingest import ingest
    from frontwatch.store import Store
    from test_settlements_notes import _recorded_notes, _said_to_change_hands

    if args.cache is None:
        res = CliRunner().invoke(cli, ["places", str(SHARED / "places" / "ua-localities-wof.csv"), "--format", "json"])
        assert res.exit_code == 0, res.output
    store_path = args.store
    if store_path is None:
        store_path = tmp / "frontwatch.duckdb"
        with Store(store_path) as st:
            ingest(st, SHARED / "deepstate" / "history")
            b = SHARED / "borders" / "countries-osm.geojson"
            st.set_borders(prepare_borders(read_borders_file(b)), origin=str(b))
    notes = _recorded_notes()
    for country in ("UKR", "RUS"):
        with Store(store_path) as st:
            borders = st.borders()
            region = resolve_region(country, borders)
            said = {k: v for k, v in _said_to_change_hands(notes).items()
                    if shapely.intersects_xy(borders[country], v[2], v[1])}
            runs = {"gazetteer": settlement_changes(st, region, start=START, end=END, borders=borders),
                    "notes": settlement_changes(st, region, start=START, end=END, borders=borders, notes=notes)}
        table(country, said, runs)


def table(country, said, runs) -> None:
    print(f"\n== {country}: {len(said)} settlements the notes say changed hands, {START} to {END}\n")
    print(f"{'points':10s} {'window':8s} {'n':>3s} {'<=3 d':>12s} {'<=7 d':>12s} {'<=14 d':>12s}")
    misses = {}
    for how, changes in runs.items():
        off = offsets(changes, said)
        for wname, a, b in WINDOWS + (("all", START, END),):
            keys = [k for k in said if a <= said[k][0] <= b]
            if not keys:
                continue
            cells = []
            for days in (3, 7, 14):
                hit = sum(1 for k in keys if off[k] is not None and abs(off[k]) <= days)
                cells.append(f"{hit:3d} {100 * hit / len(keys):5.1f}%")
            print(f"{how:10s} {wname:8s} {len(keys):3d} " + " ".join(f"{c:>12s}" for c in cells))
        misses[how] = sorted(((said[k][0], k, off[k]) for k in said if off[k] is None or abs(off[k]) > 3))
    for how, rows in misses.items():
        print(f"\nmisses in {country} ({how} points): {len(rows)}")
        for d, (name, side), o in rows:
            print(f"  {d}  {name:22s} -> {side:8s} {'none' if o is None else f'{o:+d} d'}")


if __name__ == "__main__":
    main()
