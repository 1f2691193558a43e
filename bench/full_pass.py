"""The full pass over the shared archive, timed: frontwatch (cold, repeated, incremental, 50
regions, Dask) against the naive hand-written pipeline (bench/naive.py) and the same job in
DuckDB spatial SQL (bench/duckdb_sql.py), plus a scaling table. One command, prints tables.

The job: ingest every snapshot of ../shared/data/deepstate/history and the country borders into
an empty store, as `frontwatch ingest` does (the borders, with the RUS and UKR equal-area
tilings, prepared on a thread while the maps are read), then the daily area of ukraine_held and
contested in RUS and of occupied in UKR. Every frontwatch job runs as the first time on a machine
(``FRONTWATCH_CACHE_DIR``, a new folder per job), except the "second store on this machine" row:
the same cold job into another new store, with the cache folder of the first (the borders file
prepared once on the machine, as after any earlier ingest or ``--borders FILE``). Each timed job runs in a fresh subprocess and its wall time (Python start-up and imports
included) is reported. Peak memory is the largest sum of the PSS (proportional set size) of that
process and its children, sampled every 250 ms (psutil; reading PSS is not free, so not more
often): forked workers share their parent's pages, which a sum of RSS would count once per process.
Beside it, in brackets, the kernel's peak RSS of the largest single process of the job (exact).
CPU is the user + system time of the job and of the workers it reaped.

    python bench/full_pass.py                        # everything, naive and SQL on all files
    python bench/full_pass.py --naive-sample 24 --sql-sample 24   # those two on an evenly spaced
                                                     # sample, extrapolated (printed as such)
    python bench/full_pass.py --sql-python /path/to/python  # a Python whose duckdb loads spatial
"""
from __future__ import annotations

import argparse
import dataclasses
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

import psutil

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data"
HISTORY = SHARED / "deepstate" / "history"
BORDERS = SHARED / "borders" / "countries-osm.geojson"
SERIES = (("RUS", ("ukraine_held", "contested")), ("UKR", ("occupied",)))


# ---------------------------------------------------------------- jobs (run in a subprocess)

def three_series(st, engine=None) -> list:
    """The job's daily series (SERIES) from the store ``st``."""
    from frontwatch.analysis.measure import area_series
    from frontwatch.geo.regions import resolve_region

    borders = st.borders()
    return [r for iso, statuses in SERIES for r in area_series(st, resolve_region(iso, borders), statuses, engine=engine)]


def job_frontwatch(store, files, engine="local", scheduler=None):
    """Cold: ingest ``files`` and the borders file into an empty store (as `frontwatch ingest`
    does: the borders are prepared on a thread while the maps are read), then the three daily series."""
    from frontwatch.engine import get_engine
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    eng = get_engine(engine, scheduler)
    t = time.perf_counter()
    with Store(store) as st:
        s = ingest(st, [*files, str(BORDERS)], engine=eng)
        t_ingest = time.perf_counter() - t
        t1 = time.perf_counter()
        out = three_series(st, eng)
        t_area = time.perf_counter() - t1
    eng.close()
    return {"ingest_s": t_ingest, "area_s": t_area, "added": s.added, "errors": len(s.errors), "borders": s.borders,
            "rows": [(r["date"], r["status"], r["km2"]) for r in out]}


def job_borders_only(store):
    """Set up: a store holding only the borders and the RUS/UKR tilings (as after `frontwatch borders`)."""
    from frontwatch.geo.regions import borders_from_file, save_borders
    from frontwatch.store import Store

    with Store(store) as st:
        borders, tilings = borders_from_file(BORDERS)
        save_borders(st, borders, str(BORDERS), tilings)
    return {}


def job_with_borders(store, files):
    """Cold pass over the snapshots into a store that already has the borders and tilings."""
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    with Store(store) as st:
        t = time.perf_counter()
        s = ingest(st, files)
        t_ingest = time.perf_counter() - t
        t1 = time.perf_counter()
        n = len(three_series(st))
        return {"ingest_s": t_ingest, "area_s": time.perf_counter() - t1, "added": s.added, "records": n}


def job_repeat(store):
    """The three series again from a store that has them (a fresh process: no warm memory;
    modules imported before the clock starts, as in a running service)."""
    import frontwatch.analysis.measure  # noqa: F401
    import frontwatch.geo.regions  # noqa: F401
    from frontwatch.store import Store

    with Store(store) as st:
        t = time.perf_counter()
        n = len(three_series(st))
        return {"query_s": time.perf_counter() - t, "records": n}


def job_incremental(store, new_file):
    """One new snapshot into a store holding the others: ingest it and update the three series
    (modules imported before the clock starts)."""
    import frontwatch.analysis.measure  # noqa: F401
    import frontwatch.geo.regions  # noqa: F401
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    with Store(store) as st:
        t = time.perf_counter()
        s = ingest(st, [new_file], workers=1)
        t_ing = time.perf_counter() - t
        n = len(three_series(st))
        return {"ingest_s": t_ing, "total_s": time.perf_counter() - t, "added": s.added, "records": n}


def fifty_regions(borders):
    """RUS, UKR and 48 circles of 20 km on a grid over the front zone (lon 33-39.5, lat 46.5-51.5)."""
    from frontwatch.geo.regions import resolve_region

    regions = [resolve_region("RUS", borders), resolve_region("UKR", borders)]
    for i in range(8):
        for j in range(6):
            regions.append(resolve_region(f"{46.5 + j:.2f},{33.0 + i * 6.5 / 7:.2f}:20km"))
    return regions


def job_many(store):
    """Area of occupied, ukraine_held, contested in 50 regions over every snapshot (cold cache)."""
    from frontwatch.analysis.measure import area_series_many
    from frontwatch.store import Store

    with Store(store) as st:
        st.clear_cached()
        t = time.perf_counter()
        recs = area_series_many(st, fifty_regions(st.borders()), ("occupied", "ukraine_held", "contested"))
        return {"seconds": time.perf_counter() - t, "records": len(recs)}


def job_naive(files_every, limit):
    sys.path.insert(0, str(ROOT / "bench"))
    import naive

    files = sorted(HISTORY.glob("*.geojson"))[::files_every][:limit]
    t = time.perf_counter()
    countries = naive.load_countries(BORDERS)
    setup = time.perf_counter() - t
    # naive_pass globs the folder itself: give it a folder of links to the sample.
    with tempfile.TemporaryDirectory() as d:
        for f in files:
            os.symlink(f, Path(d) / f.name)
        rows = naive.naive_pass(d, BORDERS, countries=countries)
    return {"seconds": time.perf_counter() - t, "setup_seconds": setup, "files": len(files), "rows": rows}


def job_floor(files):
    """The floor of any full pass, in one process: read every file, hash it (the ingest's file
    key, sha256), split it into features and hash each one's raw bytes (blake2b), and parse with
    GEOS, and check the validity of, only the polygon geometries never seen before in the run
    (the unique part: 2,679 of 24,175 polygon geometries, 17.0 of 87.5 MB, on the shared
    archive). No union, no store, no borders, no areas: whatever a pass does beyond this is
    work this design could still save."""
    import hashlib

    import numpy as np
    import shapely

    from frontwatch.sources.base import decode_feature, split_features

    t, c = time.perf_counter(), time.process_time()
    seen, unique, nbytes = set(), [], 0
    for f in files:
        data = Path(f).read_bytes()
        nbytes += len(data)
        hashlib.sha256(data).digest()
        for raw in split_features(data):
            key = hashlib.blake2b(raw, digest_size=16).digest()
            if key in seen:
                continue
            seen.add(key)
            ft = decode_feature(raw)
            if ft is not None and ft.geometry_type() in ("Polygon", "MultiPolygon", "GeometryCollection"):
                unique.append(bytes(ft.geometry))
    t_scan = time.perf_counter() - t
    ublobs = list(dict.fromkeys(unique))  # the same geometry under other properties is parsed once
    geoms = shapely.from_geojson(np.asarray(ublobs, dtype=object), on_invalid="ignore")
    shapely.is_valid(geoms)
    return {"seconds": time.perf_counter() - t, "cpu_s": time.process_time() - c, "scan_s": t_scan,
            "features": len(seen), "unique_geometries": len(ublobs), "unique_mb": sum(map(len, ublobs)) / 1e6,
            "file_mb": nbytes / 1e6}


JOBS = {"floor": job_floor, "frontwatch": job_frontwatch, "borders_only": job_borders_only, "with_borders": job_with_borders,
        "repeat": job_repeat, "incremental": job_incremental, "many": job_many,
        "naive": job_naive}


# ---------------------------------------------------------------- running and measuring

def max_rss_kb() -> int:
    """The kernel's high-water mark of resident memory (KiB) of the largest single process among
    this one and the children it reaped (its worker processes): exact, not sampled."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def _pss(p):
    """Proportional set size (shared pages split between the processes sharing them: forked
    workers do not count their parent's memory twice); RSS where the system has no PSS."""
    try:
        return p.memory_full_info().pss
    except (psutil.Error, AttributeError):
        return p.memory_info().rss


@dataclasses.dataclass
class Memory:
    """Peak memory of a job: the largest PSS sum of it and its children (sampled) and the
    kernel's peak RSS of its largest single process (exact; None when the job did not say)."""

    pss_mb: float
    max_rss_mb: float | None = None


def fmt_mem(m: Memory) -> str:
    return f"{m.pss_mb:.0f} MB" + (f" ({m.max_rss_mb:.0f} MB)" if m.max_rss_mb else "")


def run_measured(cmd, env=None):
    """Run ``cmd``; return (its JSON output, wall seconds, peak memory MB of it and its children:
    the largest sum of their PSS, sampled every 250 ms, CPU seconds: user + system time of it and
    the children it waited for, from the kernel's accounting of reaped processes; a Dask
    cluster's workers are not its children and are not counted)."""
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0]
    done = threading.Event()

    def sample():
        p = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                mem = _pss(p) + sum(_pss(c) for c in p.children(recursive=True))
                peak[0] = max(peak[0], mem)
            except psutil.Error:
                pass
            done.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {err.strip().splitlines()[-1] if err.strip() else proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    rss = result.pop("max_rss_kb", None)
    return result, wall, Memory(peak[0] / 2**20, rss / 1024 if rss else None), cpu


def extrapolate(wall, work_s, files, n) -> float:
    """The wall time of a job over all ``n`` files, from a run over ``files`` of them that took
    ``wall`` seconds, ``work_s`` of them on the files themselves: the per-file work scales, the
    rest (Python start-up, imports, reading the borders) is paid once. Scaling the whole wall time
    instead would count that rest once per sample's worth of files, in frontwatch's favour."""
    return work_s / files * n + (wall - work_s)


def sub(job, *args):
    return [sys.executable, __file__, "--job", job, "--args", json.dumps(args)]


def machine(folder) -> dict:
    """The environment of a job run on a machine whose frontwatch cache folder is ``folder``
    (``FRONTWATCH_CACHE_DIR``; a new folder: the first time on a machine, nothing prepared for
    another store, no land area or tiling kept)."""
    return {**os.environ, "FRONTWATCH_CACHE_DIR": str(folder)}


def fmt_cpu(cpu, wall):
    return f"{cpu:.1f} s ({cpu / wall:.2f})" if wall > 0 else f"{cpu:.1f} s"


def fmt_s(s):
    return f"{s:.2f} s" if s >= 0.1 else f"{s * 1000:.0f} ms"


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def start_cluster():
    from distributed import LocalCluster

    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--naive-sample", type=int, default=None, help="run the naive pipeline on N evenly spaced files and extrapolate")
    ap.add_argument("--sql-sample", type=int, default=None, help="the same for the DuckDB SQL pass")
    ap.add_argument("--sql-python", default=os.environ.get("FRONTWATCH_SQL_PYTHON", sys.executable),
                    help="Python whose duckdb can load the spatial extension (default: this one, or $FRONTWATCH_SQL_PYTHON)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: naive, sql, dask, scaling, many")
    ap.add_argument("--job", help=argparse.SUPPRESS)
    ap.add_argument("--args", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.job:
        out = JOBS[a.job](*json.loads(a.args))
        print(json.dumps({**out, "max_rss_kb": max_rss_kb()}))
        return
    skip = set(filter(None, a.skip.split(",")))
    files = [str(f) for f in sorted(HISTORY.glob("*.geojson"))]
    n = len(files)
    work = Path(tempfile.mkdtemp(prefix="fw-bench-"))
    load0 = os.getloadavg()
    print(f"frontwatch full pass: {n} snapshots of {HISTORY}, {os.cpu_count()} cores, "
          f"load average at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}\n")
    res, rows = {}, []
    try:
        # Cold full pass, local engine.
        store = str(work / "full.duckdb")
        # Every frontwatch job runs as the first time on a machine (its own new cache folder),
        # unless it says otherwise: the user's cache would hold borders and land areas of earlier runs.
        cold_machine = machine(work / "cache-cold")
        fw, wall, mem, cpu = run_measured(sub("frontwatch", store, files), cold_machine)
        res["fw"] = fw
        cold_cpu = cpu
        rows.append(["frontwatch cold (ingest + 3 series)", fmt_s(wall), fmt_cpu(cpu, wall), fmt_mem(mem),
                     f"ingest with borders + tilings {fmt_s(fw['ingest_s'])}, areas {fmt_s(fw['area_s'])}"])
        cold = wall
        # The floor: reading, hashing, parsing the unique part (one process; on 2 cores at best half).
        fl, wall, mem, cpu = run_measured(sub("floor", files))
        cores = os.cpu_count() or 1
        rows.append(["floor: read + hash every file and feature, parse the unique geometries", fmt_s(wall),
                     fmt_cpu(cpu, wall), fmt_mem(mem),
                     f"work {fmt_s(fl['seconds'])} ({fl['cpu_s']:.2f} s CPU: {fl['cpu_s'] / cores:.2f} s on {cores} cores at best); "
                     f"{fl['features']:,} distinct features, {fl['unique_geometries']:,} unique polygon geometries "
                     f"({fl['unique_mb']:.1f} of {fl['file_mb']:.0f} MB)"])
        # The same cold pass into a second new store on the same machine: the borders file was
        # prepared by the first (kept for the machine), the maps and their figures were not.
        second, wall, mem, cpu = run_measured(sub("frontwatch", str(work / "second.duckdb"), files), cold_machine)
        rows.append(["frontwatch cold, a second store on this machine (borders prepared before)", fmt_s(wall),
                     fmt_cpu(cpu, wall), fmt_mem(mem),
                     f"ingest {fmt_s(second['ingest_s'])}, areas {fmt_s(second['area_s'])}; "
                     f"{'identical' if second['rows'] == fw['rows'] else 'DIFFERENT'} results"])
        second_machine = wall
        # The same pass when the borders (and tilings) are already in the store.
        wb_store = str(work / "with_borders.duckdb")
        wb_machine = machine(work / "cache-with-borders")
        run_measured(sub("borders_only", wb_store), wb_machine)
        wb, wall, mem, cpu = run_measured(sub("with_borders", wb_store, files), wb_machine)
        rows.append(["frontwatch cold, borders already in the store", fmt_s(wall), fmt_cpu(cpu, wall), fmt_mem(mem),
                     f"ingest {fmt_s(wb['ingest_s'])}, areas {fmt_s(wb['area_s'])}"])
        warm_borders = wall
        rep, wall, mem, cpu = run_measured(sub("repeat", store), cold_machine)
        rows.append(["repeated query (3 series from the store)", fmt_s(rep["query_s"]), fmt_cpu(cpu, wall) + " *", fmt_mem(mem),
                     f"{rep['records']} records; whole process {fmt_s(wall)}"])
        # Incremental: a store with all but the last snapshot and its series, then the last one.
        inc_store = str(work / "inc.duckdb")
        inc_machine = machine(work / "cache-incremental")
        run_measured(sub("frontwatch", inc_store, files[:-1]), inc_machine)
        inc, wall, mem, cpu = run_measured(sub("incremental", inc_store, files[-1]), inc_machine)
        rows.append(["incremental: 1 new snapshot + 3 series", fmt_s(inc["total_s"]), fmt_cpu(cpu, wall) + " *", fmt_mem(mem),
                     f"ingest {fmt_s(inc['ingest_s'])}, added {inc['added']}"])
        if "many" not in skip:
            many_store = str(work / "many.duckdb")
            shutil.copy(store, many_store)
            many, wall, mem, cpu = run_measured(sub("many", many_store), cold_machine)
            rows.append(["50 regions x 3 statuses, all snapshots", fmt_s(many["seconds"]), fmt_cpu(cpu, wall) + " *", fmt_mem(mem),
                         f"{many['records']} records, cold cache"])
        if "dask" not in skip:
            cluster = start_cluster()
            try:
                dstore = str(work / "dask.duckdb")
                dk, wall, mem, cpu = run_measured(sub("frontwatch", dstore, files, "dask", cluster.scheduler_address),
                                                  machine(work / "cache-dask"))
                same = dk["rows"] == fw["rows"]
                wrss = sum(_pss(p) for p in psutil.Process().children(recursive=True) if p.pid != os.getpid()) / 2**20
                rows.append(["frontwatch cold on Dask (2 local workers)", fmt_s(wall), fmt_cpu(cpu, wall) + " (client only)",
                             fmt_mem(mem) + f" + workers {wrss:.0f} MB at end",
                             f"ingest {fmt_s(dk['ingest_s'])}, areas {fmt_s(dk['area_s'])}; "
                             f"{'identical' if same else 'DIFFERENT'} results; {100 * (wall / cold - 1):+.0f}% vs local"])
            finally:
                cluster.close()
        base, base_cpu = {}, {}
        if "naive" not in skip:
            k = a.naive_sample
            every = max(1, n // k) if k else 1
            nv, wall, mem, cpu = run_measured(sub("naive", every, k))
            est = wall if not k else extrapolate(wall, nv["seconds"] - nv["setup_seconds"], nv["files"], n)
            base["naive"] = est
            base_cpu["naive"] = cpu if not k else cpu * est / wall
            label = "naive (geopandas, per file)" + (f", EXTRAPOLATED from {nv['files']} files" if k else "")
            rows.append([label, fmt_s(est), fmt_cpu(cpu, wall), fmt_mem(mem), f"measured {fmt_s(wall)} on {nv['files']} files"])
        if "sql" not in skip:
            k = a.sql_sample
            every = max(1, n // k) if k else 1
            cmd = [a.sql_python, str(ROOT / "bench" / "duckdb_sql.py"), str(HISTORY), str(BORDERS), "--every", str(every)]
            if k:
                cmd += ["--limit", str(k)]
            try:
                sq, wall, mem, cpu = run_measured(cmd)
                est = wall if not k else extrapolate(wall, sq["seconds"] - sq["setup_seconds"], sq["files"], n)
                base["sql"] = est
                base_cpu["sql"] = cpu if not k else cpu * est / wall
                label = f"DuckDB spatial SQL ({sq['extension']}, duckdb {sq['duckdb']})" + (f", EXTRAPOLATED from {sq['files']} files" if k else "")
                rows.append([label, fmt_s(est), fmt_cpu(cpu, wall), fmt_mem(mem), f"measured {fmt_s(wall)} on {sq['files']} files"])
            except RuntimeError as exc:
                rows.append(["DuckDB spatial SQL", "blocked", "", "", str(exc)[:150]])
        print(table(rows, ["job", "time", "CPU (cores busy)", "peak memory: PSS sum (max RSS)", "notes"]))
        print("* CPU of the whole process (start-up, imports, opening the store included); the time is the job's own")
        cores = os.cpu_count() or 1
        print(f"The cold pass used {cold_cpu:.1f} s of CPU: on {cores} cores no schedule of the same work "
              f"finishes in less than {cold_cpu / cores:.2f} s (it took {fmt_s(cold)}).")
        if base:
            print()
            # The CPU ratio beside the wall-time one: on a loaded machine the scheduler shares the
            # cores per process, which favours a job of several processes over a one-process baseline.
            print(table([[k, f"{v / cold:.1f}x", f"{v / second_machine:.1f}x", f"{v / warm_borders:.1f}x",
                          f"{base_cpu[k] / cold_cpu:.1f}x"] for k, v in base.items()],
                        ["frontwatch is faster than", "cold pass", "second store on the machine", "borders already stored",
                         "CPU used, cold pass"]))
        if "scaling" not in skip:
            srows = []
            for m in (60, 120, n):
                sstore = str(work / f"scale{m}.duckdb")
                # Evenly spaced, so each sample spans the archive's naming schemes and sizes.
                pick = [files[round(i * (n - 1) / (m - 1))] for i in range(m)] if m < n else files
                r, wall, mem, cpu = run_measured(sub("frontwatch", sstore, pick), machine(work / f"cache-scale{m}"))
                srows.append([m, fmt_s(wall), fmt_cpu(cpu, wall), f"{1000 * wall / m:.0f} ms", fmt_s(r["ingest_s"]), fmt_s(r["area_s"]), fmt_mem(mem)])
            print()
            print(table(srows, ["snapshots", "cold pass", "CPU (cores busy)", "per snapshot", "ingest", "areas", "peak memory: PSS sum (max RSS)"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load1 = os.getloadavg()
    print(f"\nload average at end {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} (other work on this machine slows every row alike)")


if __name__ == "__main__":
    main()
