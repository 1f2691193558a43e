"""Time a full-year weekly advance series for one place (Kurakhove, 15 km, 2024) two ways, in one
run, and print the ratio: frontwatch.analysis.front.advance (sides cut to the circle first, each map's
sides computed once) against a straightforward per-snapshot Shapely implementation (both maps'
sides rebuilt from the full layers and full country borders at every step, the theatre-wide
contact line computed and only then cut to the circle, nothing cached).

Usage: python bench/advance_series.py --store STORE [--near Kurakhove] [--radius 15] [--year 2024]
"""
from __future__ import annotations

import argparse
import datetime as dt
import time

import shapely

from frontwatch.analysis.front import _largest_shift, advance, contact_line, front_sides, islets, resolve_center
from frontwatch.geo.geodesy import area_km2, length_km
from frontwatch.analysis.measure import select_snapshots
from frontwatch.geo.regions import circle
from frontwatch.store import Store


def naive_series(store, near, radius_km, start, end, borders, limit=None):
    name, lon, lat = resolve_center(near)
    disk = circle(lon, lat, radius_km)
    wide = circle(lon, lat, radius_km + max(radius_km, 5.0))
    snaps = select_snapshots(store, start=start, end=end, every="week")
    home = {k: borders[k] for k in ("RUS", "UKR")}
    out = []
    pairs = list(zip(snaps[:-1], snaps[1:]))
    if limit:
        step = max(1, len(pairs) // limit)  # spread over the year: early monthly maps and late daily ones
        pairs = pairs[::step][:limit]
    for a, b in pairs:
        days = (b.taken_at - a.taken_at).total_seconds() / 86400
        fronts, sides = [], []
        for s in (a, b):
            russia, ukraine = front_sides(store.layers(s.id), borders)  # full layers, full borders
            line = contact_line(russia, ukraine, home=home, void=islets(ukraine))
            fronts.append(shapely.intersection(line, wide))
            sides.append((russia, ukraine))
        f_old, f_new = fronts[0], shapely.intersection(fronts[1], disk)
        mean_km = (length_km(shapely.intersection(f_old, disk)) + length_km(f_new)) / 2
        gained = shapely.intersection(shapely.difference(sides[1][0], sides[0][0]), disk)
        lost = shapely.intersection(shapely.difference(sides[0][0], sides[1][0]), disk)
        net = area_km2(gained) - area_km2(lost)
        shift = _largest_shift(f_old, f_new, lon, lat, 25.0)
        out.append({"from": a.date.isoformat(), "to": b.date, "mean_m_per_day": net * 1e6 / (mean_km * 1000) / days if mean_km else None,
                    "shift_m": shift[0] if shift else None})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--near", default="Kurakhove")
    ap.add_argument("--radius", type=float, default=15.0)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--naive-pairs", type=int, default=None,
                    help="Time the naive way on this many pairs only (spread over the year) and scale its time "
                         "to the whole series; the naive full year takes about half an hour on 2 cores.")
    args = ap.parse_args()
    start, end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    with Store(args.store) as store:
        borders = store.borders()
        resolve_center(args.near)  # load the gazetteer outside the timings
        t0 = time.perf_counter()
        fast = advance(store, args.near, args.radius, start=start, end=end, every="week", borders=borders)
        t_fast = time.perf_counter() - t0
        print(f"{args.near} {args.radius:g} km, weekly {args.year}: {len(fast)} pairs", flush=True)
        print(f"frontwatch advance: {t_fast:8.2f} s", flush=True)
        t0 = time.perf_counter()
        slow = naive_series(store, args.near, args.radius, start, end, borders, args.naive_pairs)
        t_slow = time.perf_counter() - t0
    scaled = t_slow * len(fast) / len(slow)
    by_from = {f["from_date"]: f for f in fast}
    worst = max(abs((by_from[s["from"]]["russia_mean_m_per_day"] or 0) - (s["mean_m_per_day"] or 0)) for s in slow)
    note = f" ({len(slow)} pairs timed: {t_slow:.2f} s, scaled to {len(fast)})" if len(slow) < len(fast) else ""
    print(f"naive per snapshot: {scaled:8.2f} s{note}")
    print(f"ratio (naive / frontwatch): {scaled / t_fast:.1f}x; largest difference in mean advance {worst:.2f} m/day")


if __name__ == "__main__":
    main()
