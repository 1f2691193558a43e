"""Where the cold full pass's CPU goes, part by part: the job of bench/full_pass.py's cold row
(ingest of the shared archive and the borders file into an empty store, then the three daily
series) run in ONE process pinned to ONE CPU, with the local engine given one worker, so that the
readers and the measures run in this process's main thread and each part's CPU can be timed.

Each part is the CPU time of the thread running it (``time.thread_time``) spent inside the
functions that do it (inclusive, the outermost call counted), timed by a thin wrapper put
around those functions for the run (about a microsecond a call: a profiler's per-call cost
inflates Python-heavy parts several times). The borders are prepared on their side thread as in a
real ingest; the GEOS calls they spread over threads run on that thread here, one after the
other, so that they are timed. "other" is the rest of the main thread (the store's own work:
DuckDB statements, opening, publishing); the total is the kernel's (user + system) for the
whole process, which also counts DuckDB's own threads.

    python bench/profile_pass.py              # the 239 shared maps
    python bench/profile_pass.py --maps 40    # the newest 40 (the CLI workflow's small size)
    python bench/profile_pass.py --second-store   # a second new store on the same machine

On 2 cores the same work is shared by 2 reading and 2 measuring processes: their CPU beyond this
one-process total is the price of parallelism (duplicated memos, forks, pickling, imports);
compare with bench/full_pass.py's cold row.
"""
from __future__ import annotations

import argparse
import atexit
import collections
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import full_pass  # noqa: E402  (the job and the shared paths)

# (label, "module:qualified name"): each timed part; indented labels are parts of the one above.
PARTS = [
    ("reading the maps", "frontwatch.sources.batch:_read_one"),
    ("  read the file", "frontwatch.sources.base:read_bytes"),
    ("  split into features", "frontwatch.sources.base:split_features"),
    ("  hash + classify each feature", "frontwatch.sources.deepstate:_entries"),
    ("  parse new features (GEOS's GeoJSON reader)", "shapely:from_geojson"),
    ("  repair + cut new features to polygons", "frontwatch.sources.base:_clean_features"),
    ("  union a layer's groups", "frontwatch.sources.base:_union_groups"),
    ("    group features by overlapping boxes", "frontwatch.sources.base:_groups"),
    ("    dissolve changed groups", "frontwatch.sources.base:_dissolve"),
    ("  map maker's colour records", "frontwatch.sources.deepstate:_fill_records"),
    ("  out-of-theatre records", "frontwatch.sources.deepstate:_outside_theatre"),
    ("  encode layers (normalise, hash, WKB)", "frontwatch.sources.base:Snapshot.encoded"),
    ("writing the maps (store.add_snapshots)", "frontwatch.ingest:_write"),
    ("saving the borders and tilings", "frontwatch.geo.regions:save_borders"),
    ("the three series", "full_pass:three_series"),
    ("  read layers' WKB back", "frontwatch.store:Store.geometry_wkbs"),
    ("  measure (project, rows, tiles)", "frontwatch.analysis.tasks:clipped_areas"),
    ("    project parts to LAEA", "frontwatch.geo.geodesy:to_laea"),
    ("    cut tiles from the region", "frontwatch.geo.geodesy:TiledRegion._ensure_cut"),
    ("    tiles the layers cross", "frontwatch.geo.geodesy:TiledRegion._tile_km2"),
    ("  save tilings", "frontwatch.geo.tiling:save_tilings"),
    ("  the map maker's figures", "frontwatch.analysis.official:compare"),
    ("hashing the files (file_keys)", "frontwatch.ingest:file_keys"),
    ("borders thread", "frontwatch.ingest:_prepare_others"),
    ("  read, clip, validate, union countries", "frontwatch.geo.regions:read_borders_file"),
    ("  remove UKR from its neighbours", "frontwatch.geo.regions:prepare_borders"),
    ("  RUS and UKR tilings", "frontwatch.geo.tiling:build_tilings"),
    ("  hash of the file", "frontwatch.geo.regions:borders_file_hash"),
]
TOTALS = collections.Counter()
_DEPTH = threading.local()


def timed(label, fn, main_only=False):
    """``fn`` adding its thread's CPU time to ``TOTALS[label]`` (outermost calls only; with
    ``main_only``, calls on the main thread only)."""
    @functools.wraps(fn)
    def wrapper(*a, **k):
        if main_only and threading.current_thread() is not threading.main_thread():
            return fn(*a, **k)
        depth = getattr(_DEPTH, label, 0)
        setattr(_DEPTH, label, depth + 1)
        c = time.thread_time()
        try:
            return fn(*a, **k)
        finally:
            setattr(_DEPTH, label, depth)
            if depth == 0:
                TOTALS[label] += time.thread_time() - c
    return wrapper


def install():
    """Wrap every part's function where it is defined and wherever it was imported by name."""
    import importlib

    for label, where in PARTS:
        mod_name, qual = where.split(":")
        mod = importlib.import_module(mod_name)
        owner, name = mod, qual
        if "." in qual:
            cls, name = qual.split(".")
            owner = getattr(mod, cls)
        fn = getattr(owner, name)
        # A library function (shapely's) is timed where the readers call it: on the main thread.
        w = timed(label, fn, main_only=not mod_name.startswith(("frontwatch", "full_pass")))
        setattr(owner, name, w)
        if owner is mod:
            for m in list(sys.modules.values()):
                if m is not None and m is not mod and getattr(m, name, None) is fn:
                    setattr(m, name, w)


def serial_threads():
    """The borders' GEOS calls on the calling thread (timed there), not on a pool of threads."""
    import numpy as np

    import frontwatch.geo.regions as regions
    import frontwatch.geo.tiling as tiling
    from frontwatch.geo import geodesy

    def threaded(fn, geoms):
        out = np.empty(len(geoms), dtype=object)
        out[:] = [fn(g) for g in geoms]
        return out

    def build_tilings(regs, workers=None):
        return {r.key: geodesy.TiledRegion(r.geometry) for r in regs if geodesy.needs_tiling(r.geometry)}

    regions._threaded = threaded
    tiling.build_tilings = build_tilings


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maps", type=int, default=0, help="only the newest N maps (default: all)")
    ap.add_argument("--second-store", action="store_true",
                    help="profile a second new store on the machine: the same cold job run first, in another process, "
                         "into another store with the same cache folder (borders prepared, tilings and tiles kept)")
    args = ap.parse_args()
    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})
    # The first time on a machine: a new cache folder (the user's may keep borders prepared,
    # tilings and land areas from earlier runs, which a cold pass would then not make).
    os.environ["FRONTWATCH_CACHE_DIR"] = cache = tempfile.mkdtemp(prefix="fw-cold-cache-")
    atexit.register(shutil.rmtree, cache, True)
    files = [str(f) for f in sorted(full_pass.HISTORY.glob("*.geojson"), key=lambda p: int(p.name.split(".")[0]))]
    if args.maps:
        files = files[-args.maps:]
    if args.second_store:
        subprocess.run([sys.executable, full_pass.__file__, "--job", "frontwatch", "--args",
                        json.dumps([str(Path(cache) / "first.duckdb"), files])], check=True, stdout=subprocess.DEVNULL)
    t0 = time.process_time()
    import frontwatch.analysis.measure  # noqa: F401
    import frontwatch.analysis.official  # noqa: F401
    import frontwatch.analysis.tasks  # noqa: F401
    import frontwatch.geo.regions  # noqa: F401
    import frontwatch.geo.tiling  # noqa: F401
    import frontwatch.ingest  # noqa: F401
    import frontwatch.sources.batch  # noqa: F401
    import frontwatch.sources.deepstate  # noqa: F401
    import frontwatch.store  # noqa: F401
    from frontwatch.engine import LocalEngine
    from frontwatch.store import Store
    t_imports = time.process_time() - t0
    serial_threads()
    install()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    w0, m0 = time.perf_counter(), time.thread_time()
    with tempfile.TemporaryDirectory() as d:
        eng = LocalEngine(1)
        with Store(str(Path(d) / "p.duckdb")) as st:
            s = frontwatch.ingest.ingest(st, [*files, str(full_pass.BORDERS)], engine=eng)
            rows = full_pass.three_series(st, eng)
    main_cpu = time.thread_time() - m0
    wall = time.perf_counter() - w0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    user, system = ru1.ru_utime - ru0.ru_utime, ru1.ru_stime - ru0.ru_stime
    print(f"cold pass{' into a second store on this machine' if args.second_store else ''} in one process on CPU "
          f"{cpu}: {len(files)} maps ({s.added} snapshots added), {len(rows)} records; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"wall {wall:.2f} s; CPU {user + system:.2f} s (user {user:.2f}, system {system:.2f}); "
          f"imports before the clock {t_imports:.2f} s\n")
    print(f"{'part':58s} CPU s")
    print(f"{'main thread':58s} {main_cpu:6.2f}")
    side = TOTALS["borders thread"]

    def depth(label):
        return len(label) - len(label.lstrip(" "))

    # What a part spends beyond its listed sub-parts (Python bookkeeping, small calls), printed
    # after its last sub-part.
    rest_after = {}
    for i, (label, _) in enumerate(PARTS):
        if depth(label):
            continue
        kids, last = [], None
        for j in range(i + 1, len(PARTS)):
            if depth(PARTS[j][0]) == 0:
                break
            last = j
            if depth(PARTS[j][0]) == 2:
                kids.append(TOTALS[PARTS[j][0]])
        if last is not None:
            rest_after[last] = TOTALS[label] - sum(kids)
    top = 0.0
    for i, (label, _) in enumerate(PARTS):
        if label == "borders thread":
            print(f"{'  other (the store: DuckDB statements, open, publish)':58s} {main_cpu - top:6.2f}")
        v = TOTALS[label]
        if depth(label) == 0 and label != "borders thread":
            top += v
        print(f"{('' if label == 'borders thread' else '  ') + label:58s} {v:6.2f}")
        if i in rest_after:
            print(f"{'    the rest (Python bookkeeping, small calls)':58s} {rest_after[i]:6.2f}")
    print(f"{'other threads (DuckDB workers, file hashing)':58s} {user + system - main_cpu - side:6.2f}")


if __name__ == "__main__":
    main()
