"""The floor under the CLI workflow of bench/cli_workflow.py: what four fresh processes cost
before they do any of the work, with the libraries each really needs, and what reading the maps
costs at least (issue 27: "10x on 40 maps" means the whole workflow, four processes, in a tenth
of the naive pipeline's time).

Each line is a fresh ``python`` process (this interpreter, the bytecode cache as a user has it),
run ``--repeat`` times, median wall and CPU (user + system, from the kernel's accounting):

- ``python -c pass``: the interpreter alone;
- a query's libraries: click and DuckDB, and an in-memory DuckDB connection (every command opens
  the store; a query answered from stored figures needs nothing else);
- a measuring command's libraries: the same with numpy, shapely, pyproj and msgspec (``area`` of
  layers not measured yet, ``ingest``'s readers);
- ``frontwatch --help`` and a repeated ``frontwatch area --borders FILE`` (the whole command,
  from its store and the machine cache; only with ``--store``).

Then the reading floor of the newest ``--maps`` maps in one process (read, hash, split into
features, parse the unique polygon geometries: bench/full_pass.py's ``job_floor``).

    python bench/cli_floor.py                    # 40 maps, 7 runs of each
    python bench/cli_floor.py --maps 239 --store STORE
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data"
HISTORY = SHARED / "deepstate" / "history"
BORDERS = SHARED / "borders" / "countries-osm.geojson"

QUERY_LIBS = "import click, duckdb; duckdb.connect(':memory:').close()"
MEASURE_LIBS = QUERY_LIBS + "; import numpy, shapely, pyproj, msgspec"


def timed(cmd: list[str], env: dict, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``cmd`` run ``repeat`` times."""
    walls, cpus = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--maps", type=int, default=40, help="how many of the newest maps the reading floor reads")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--store", help="a store to time a repeated `frontwatch area` on")
    a = ap.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the frontwatch command sets it
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    rows = [("python -c pass", [sys.executable, "-c", "pass"]),
            ("a query's libraries (click, duckdb + connect)", [sys.executable, "-c", QUERY_LIBS]),
            ("a measuring command's libraries (+ numpy, shapely, pyproj, msgspec)", [sys.executable, "-c", MEASURE_LIBS]),
            ("frontwatch --help", [sys.executable, "-m", "frontwatch.faces.cli", "--help"])]
    if a.store:
        rows.append(("frontwatch area (repeated, from the store)",
                     [sys.executable, "-m", "frontwatch.faces.cli", "area", "--region", "RUS", "--status",
                      "ukraine_held", "--store", a.store, "--borders", str(BORDERS), "--format", "csv"]))
    print(f"{'fresh process':<72} {'wall':>8} {'CPU':>8}")
    for label, cmd in rows:
        wall, cpu = timed(cmd, env, a.repeat)
        print(f"{label:<72} {wall:>6.3f} s {cpu:>6.3f} s")
    if HISTORY.exists():
        files = sorted(HISTORY.glob("*.geojson"), key=lambda p: int(p.stem))[-a.maps:]
        code = (f"import sys, json; sys.path.insert(0, {str(ROOT / 'bench')!r}); import full_pass; "
                f"r = full_pass.job_floor({[str(f) for f in files]!r}); print(json.dumps(r))")
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
        import json

        r = json.loads(out.strip().splitlines()[-1])
        print(f"reading floor of the newest {a.maps} maps (one process, modules loaded): {r['seconds']:.3f} s wall, "
              f"{r['cpu_s']:.3f} s CPU ({r['unique_geometries']} unique polygon geometries, {r['unique_mb']:.1f} MB)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
