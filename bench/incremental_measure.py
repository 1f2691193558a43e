"""Prototype (issue 27): how much of measuring a changed layer an incremental measure could skip,
one that redoes only the rows and tiles of a big layer's part whose cut changed since the
previous map and takes the others' figures from it.

The cold job of bench/full_pass.py (ingest of the 239 maps and the borders file into an empty
store, then the three daily series) runs in ONE process pinned to one CPU, the engine given one
worker, with :meth:`TiledRegion.area_km2_plane` and :meth:`TiledRegion._row_km2` replaced by
copies that time (thread CPU) each step and count, for every row band and every tile a layer's
edge crosses, whether its cut was met before (a memo hit: the figure is known, only the cut,
its WKB and its hash were paid for) or not. The copies compute the same figures (checked: the
three series equal those of the unmodified code in this process).

What an incremental measure could at best skip is the cut, WKB and hash of the rows and tiles
that were met before (it must still find which ones changed, which is not free), and nothing of
what was not met before (those cuts are new: their figures must be computed). The figures below
are that ceiling.

    python bench/incremental_measure.py
"""
from __future__ import annotations

import atexit
import collections
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
import full_pass  # noqa: E402

from frontwatch.geo import geodesy  # noqa: E402

T = collections.Counter()
N = collections.Counter()


def clock():
    return time.thread_time()


def area_km2_plane(self, g) -> float:
    """TiledRegion.area_km2_plane, each step timed (the same figures)."""
    if g is None or g.is_empty:
        return 0.0
    if not self.tiled:
        return ORIGINAL_PLANE(self, g)
    gx0, gy0, gx1, gy1 = g.bounds
    memo = self._memo
    total = 0.0
    rows = [j for j, (y0, y1, x0, x1, _) in enumerate(self._rows)
            if not (y1 < gy0 or y0 > gy1 or x1 < gx0 or x0 > gx1)]
    if not rows:
        return 0.0
    c = clock()
    r = self._row_rects[rows]
    bands = geodesy.clip_by_rects(g, r[:, 0], r[:, 1], r[:, 2], r[:, 3])
    keep = ~shapely.is_empty(bands)
    T["rows: clip"] += clock() - c
    if not keep.any():
        return 0.0
    bands = bands[keep]
    rows = [j for j, k in zip(rows, keep) if k]
    c = clock()
    wkbs = shapely.to_wkb(bands)
    T["rows: WKB"] += clock() - c
    nv = shapely.get_num_coordinates(bands)
    for j, band, w, v_n in zip(rows, bands, wkbs, nv):
        c = clock()
        key = ("row", j, hashlib.blake2b(w, digest_size=16).digest())
        v = memo.get(key)
        T["rows: hash + memo"] += clock() - c
        N["row bands"] += 1
        N["row band vertices"] += int(v_n)
        if v is None:
            N["row bands new"] += 1
            N["row band vertices new"] += int(v_n)
            v = self._row_km2(self._rows[j][4], band)
            geodesy._remember(memo, key, v)
        total += v
    return max(total, 0.0)


def _row_km2(self, idx, band) -> float:
    """TiledRegion._row_km2, each step timed (the same figures)."""
    c = clock()
    shapely.prepare(band)
    try:
        hit = idx[shapely.intersects(band, self.cells[idx])]
        T["new rows: tiles reached (prepared tests)"] += clock() - c
        self._ensure_cut(hit)
        c = clock()
        hit = hit[self.piece_km2[hit] > 0]
        inside = hit[shapely.contains(band, self.cells[hit])]
    finally:
        shapely.destroy_prepared(band)
    touched = np.setdiff1d(hit, inside)
    total = float(self.piece_km2[inside].sum())
    T["new rows: tiles reached (prepared tests)"] += clock() - c
    if not touched.size:
        return total
    c = clock()
    m = self.margin
    b = self.boxes[touched]
    wide = geodesy.clip_by_rects(band, b[:, 0] - m, b[:, 1] - m, b[:, 2] + m, b[:, 3] + m)
    T["new rows: crossed tiles' clip"] += clock() - c
    c = clock()
    keys = [("tile", int(k), hashlib.blake2b(w, digest_size=16).digest())
            for k, w in zip(touched, shapely.to_wkb(wide))]
    memo = self._memo
    values = [memo.get(key) for key in keys]
    todo = [i for i, v in enumerate(values) if v is None]
    T["new rows: crossed tiles' WKB + hash + memo"] += clock() - c
    N["crossed tiles in new rows"] += len(keys)
    N["crossed tiles new"] += len(todo)
    if todo:
        c = clock()
        for i, v in zip(todo, self._tile_km2(touched[todo], wide[todo])):
            values[i] = v
            geodesy._remember(memo, keys[i], v)
        T["new tiles: figures (_tile_km2)"] += clock() - c
    return total + sum(values)


ORIGINAL_PLANE = geodesy.TiledRegion.area_km2_plane
ORIGINAL_ROW = geodesy.TiledRegion._row_km2


def run(files, instrumented: bool):
    from frontwatch.engine import LocalEngine
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    geodesy.TiledRegion.area_km2_plane = area_km2_plane if instrumented else ORIGINAL_PLANE
    geodesy.TiledRegion._row_km2 = _row_km2 if instrumented else ORIGINAL_ROW
    with tempfile.TemporaryDirectory() as d:
        eng = LocalEngine(1)
        with Store(str(Path(d) / "m.duckdb")) as st:
            ingest(st, [*files, str(full_pass.BORDERS)], engine=eng)
            c = time.process_time()
            rows = full_pass.three_series(st, eng)
            cpu = time.process_time() - c
        eng.close()
    return rows, cpu


def main():
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    # The first time on a machine: a new cache folder (the user's may keep borders prepared,
    # tilings and land areas from earlier runs, which a cold pass would then not make).
    os.environ["FRONTWATCH_CACHE_DIR"] = cache = tempfile.mkdtemp(prefix="fw-cold-cache-")
    atexit.register(shutil.rmtree, cache, True)
    files = [str(f) for f in sorted(full_pass.HISTORY.glob("*.geojson"))]
    rows, cpu = run(files, True)
    print(f"three series of the cold pass, one process, one CPU: {len(rows)} records, {cpu:.2f} s of CPU "
          f"(load average {os.getloadavg()[0]:.2f})")
    for k, v in T.items():
        print(f"  {k:46s} {v:6.3f} s")
    for k, v in N.items():
        print(f"  {k:46s} {v:10,}")
    known = N["row bands"] - N["row bands new"]
    share = 1 - N["row band vertices new"] / max(N["row band vertices"], 1)
    ceiling = (T["rows: clip"] + T["rows: WKB"]) * share + T["rows: hash + memo"] * known / max(N["row bands"], 1)
    tiles_known = N["crossed tiles in new rows"] - N["crossed tiles new"]
    ceiling += (T["new rows: crossed tiles' clip"] + T["new rows: crossed tiles' WKB + hash + memo"]) * tiles_known / max(
        N["crossed tiles in new rows"], 1)
    print(f"row bands met before: {known:,} of {N['row bands']:,} ({share:.0%} of the band vertices); crossed tiles met "
          f"before in new rows: {tiles_known:,} of {N['crossed tiles in new rows']:,}")
    print(f"ceiling of an incremental measure (cut + WKB + hash of what was met before, by share of vertices and "
          f"counts): {ceiling:.3f} s of the series' {cpu:.2f} s of CPU")
    plain, cpu0 = run(files, False)
    same = [(r.date, r.km2) for r in rows] == [(r.date, r.km2) for r in plain] if hasattr(rows[0], "km2") else rows == plain
    print(f"the same figures as the unmodified code: {same} (its series: {cpu0:.2f} s of CPU)")


if __name__ == "__main__":
    main()
