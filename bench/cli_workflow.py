"""The workflow people run through the command line, timed against the fair naive pipeline.

The job (issue 27): ``frontwatch ingest`` of the maps into an empty store, then three
``frontwatch area --every day`` series (RUS ukraine_held, RUS contested, UKR occupied), each
with ``--borders FILE`` as a user copying the README would type it; every command a fresh
process, so start-up, imports and any re-reading of the borders are paid as the user pays them.
The baseline is bench/naive.py (read_file, filter, union, intersection with the country, pyproj
geodesic area) over the same maps, in one fresh process including its own borders set-up.
Both run on the last 40 maps and on all 239 of ../shared/data/deepstate/history, interleaved,
``--repeat`` times each (the median is reported); the ratio is naive / frontwatch.

Each size is run twice: with a fresh cache folder (``FRONTWATCH_CACHE_DIR``: the first time on a
machine, the borders file prepared, RUS and UKR tiled and their land measured by the first
commands that need them), then again into a new store (the maps ingested and measured again)
with the cache folder of that first run (every later time on the same machine with the same
borders file: the store-independent part, prepared borders, tilings with the tiles cut so far,
land areas, comes from the machine cache; see frontwatch.store). The ratio of each is against
the same naive run.

Also timed: one repeated ``area`` query on the warm store (the same command again, the borders
stored), and ``frontwatch --help``; and each command of the workflow on its own (wall and CPU),
where the time goes (docs/performance.md).

Beside wall time, the CPU time (user + system) of each side's processes and the workers they
reaped, from the kernel's accounting: on a machine other work shares, CPU time moves less than
wall time. Child processes run with Python's default bytecode cache (``PYTHONDONTWRITEBYTECODE``
removed from their environment, as on a user's machine).

    python bench/cli_workflow.py                 # both sizes, 1 run each
    python bench/cli_workflow.py --repeat 3      # medians of 3
    python bench/cli_workflow.py --sizes 40      # only the last 40 maps
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data"
HISTORY = SHARED / "deepstate" / "history"
BORDERS = SHARED / "borders" / "countries-osm.geojson"
SERIES = (("RUS", "ukraine_held"), ("RUS", "contested"), ("UKR", "occupied"))
FRONTWATCH = [sys.executable, "-m", "frontwatch.faces.cli"]


CPU: dict = {}  # label -> CPU seconds of the last _run with that label


def _run(cmd: list[str], env: dict, label: str | None = None) -> float:
    """Wall seconds of ``cmd``; its CPU seconds (with its reaped workers) go to CPU[label]."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label:
        CPU[label] = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall


def _base_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _env(tmp: Path, cache: Path | None = None) -> dict:
    env = _base_env()
    env["FRONTWATCH_STORE"] = str(tmp / "store.duckdb")
    env["FRONTWATCH_CACHE_DIR"] = str(cache or tmp / "cache")
    return env


def frontwatch_workflow(files: list[Path], tmp: Path, cache: Path | None = None) -> dict:
    """Seconds of ingest and of each area series, through the real command, into a new store in
    ``tmp``; ``cache``: the machine's cache folder (default: a new one in ``tmp``)."""
    maps = tmp / "maps"
    maps.mkdir()
    for f in files:
        (maps / f.name).symlink_to(f)
    env = _env(tmp, cache)
    out = {"ingest": _run([*FRONTWATCH, "ingest", str(maps)], env, "ingest")}
    first, last = _day(files[0]), _day(files[-1])
    for iso, status in SERIES:
        out[f"{iso} {status}"] = _run([*FRONTWATCH, "area", "--region", iso, "--status", status, "--every", "day",
                                       "--from", first, "--to", last, "--borders", str(BORDERS), "--format", "csv"], env,
                                      f"{iso} {status}")
    out["total"] = sum(out.values())
    out["cpu"] = sum(CPU[k] for k in ("ingest", *(f"{i} {s}" for i, s in SERIES)))
    out["cpu by command"] = {k: CPU[k] for k in ("ingest", *(f"{i} {s}" for i, s in SERIES))}
    out["cpu ingest"] = CPU["ingest"]
    # The same query again on the warm store (borders given again, as the user would).
    iso, status = SERIES[0]
    out["repeat"] = _run([*FRONTWATCH, "area", "--region", iso, "--status", status, "--date", last,
                          "--borders", str(BORDERS), "--format", "csv"], env)
    return out


def naive_workflow(files: list[Path], tmp: Path) -> float:
    """Seconds of the naive pipeline over ``files`` in one fresh process (its borders included)."""
    maps = tmp / "naive"
    maps.mkdir()
    for f in files:
        (maps / f.name).symlink_to(f)
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import naive; "
            f"naive.naive_pass({str(maps)!r}, {str(BORDERS)!r})")
    return _run([sys.executable, "-c", code], _base_env(), "naive")


def _day(f: Path) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(int(f.stem), dt.timezone.utc).date().isoformat()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="40,239", help="comma-separated: how many of the newest maps")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    if not HISTORY.exists() or not BORDERS.exists():
        print(f"shared data not present under {SHARED}", file=sys.stderr)
        return 2
    files = sorted(HISTORY.glob("*.geojson"), key=lambda p: int(p.stem))
    load = os.getloadavg()[0]
    help_s = []
    for _ in range(max(3, a.repeat)):
        help_s.append(_run([*FRONTWATCH, "--help"], _base_env()))
    print(f"load average at start: {load:.2f}; `frontwatch --help`: {statistics.median(help_s):.2f} s (median)")
    print()
    print("fresh: a new machine cache folder; warm: a new store, the machine cache of the fresh run")
    print("maps  cache  frontwatch CLI: wall (CPU)  of which ingest  naive: wall (CPU)  ratio: wall (CPU)  repeated query")
    print("----  -----  --------------------------  ---------------  -----------------  -----------------  --------------")
    breakdown = []
    for n in (int(s) for s in a.sizes.split(",")):
        chosen = files[-n:]
        runs = {"fresh": [], "warm": []}
        nv, nv_cpu = [], []
        for _ in range(a.repeat):
            with tempfile.TemporaryDirectory(prefix="fw-cli-bench-") as d:
                cache = Path(d) / "machine-cache"
                (Path(d) / "first").mkdir()
                runs["fresh"].append(frontwatch_workflow(chosen, Path(d) / "first", cache))
                (Path(d) / "again").mkdir()
                runs["warm"].append(frontwatch_workflow(chosen, Path(d) / "again", cache))
            with tempfile.TemporaryDirectory(prefix="fw-cli-bench-") as d:
                nv.append(naive_workflow(chosen, Path(d)))
                nv_cpu.append(CPU["naive"])
        naive, naive_cpu = statistics.median(nv), statistics.median(nv_cpu)
        for case, fw in runs.items():
            total = statistics.median(r["total"] for r in fw)
            cpu = statistics.median(r["cpu"] for r in fw)
            ingest = statistics.median(r["ingest"] for r in fw)
            repeat = statistics.median(r["repeat"] for r in fw)
            print(f"{n:>4}  {case:<5}  {total:>10.2f} s ({cpu:>6.2f} s)  {ingest:>13.2f} s  {naive:>7.2f} s ({naive_cpu:>6.2f} s)  "
                  f"{naive / total:>6.1f}x ({naive_cpu / cpu:>5.1f}x)  {repeat:>12.2f} s")
            by = fw[0]["cpu by command"]
            breakdown.append(f"{n:>4}  {case:<5}  " + "  ".join(
                f"{k} {statistics.median(r[k] for r in fw):.2f} s ({statistics.median(r['cpu by command'][k] for r in fw):.2f} s)"
                for k in by))
    print("\neach command, wall (CPU):")
    print("\n".join(breakdown))
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
