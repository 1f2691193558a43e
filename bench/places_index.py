"""Time the gazetteer's cached index: how long a new process takes to read it (the cost every
command that names a place or lists settlements pays), with GeoNames cities500 alone and with a
full list of Ukraine's places loaded (`frontwatch places FILE`), and how long it takes to build once.

Each figure is the median of --runs fresh processes (python -c ...), so it includes nothing of this
process's warm caches; "read" is the time of frontwatch.geo.places._gazetteer() alone (the index
file is read and unpickled), "resolve" adds one name lookup and one settlements_in, "command" is
a whole `frontwatch places --find NAME` (interpreter start and imports included).

Usage: python bench/places_index.py [--places ../shared/data/places/ua-localities-wof.csv] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READ = """
import time
t0 = time.perf_counter()
from frontwatch.geo import places
t1 = time.perf_counter()
places._gazetteer()
t2 = time.perf_counter()
p = places.resolve_place("Kurakhove")
from frontwatch.geo.regions import circle
places.settlements_in(circle(p.lon, p.lat, 15))
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def _run(code, env):
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def _command(env, name="Pokrovsk, UA"):
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "frontwatch.faces.cli", "places", "--find", name], env=env,
                   capture_output=True, check=True)
    return time.perf_counter() - t


def measure(label, env, runs):
    t = time.perf_counter()
    _run(READ, env)  # builds the index when the cache has none
    first = time.perf_counter() - t
    reads = [_run(READ, env) for _ in range(runs)]
    cmds = [_command(env) for _ in range(runs)]
    med = lambda xs: statistics.median(xs)  # noqa: E731
    print(f"{label}: first use (build and save) {first:.1f} s; then, median of {runs} processes: "
          f"import {med([r[0] for r in reads]):.2f} s, read index {med([r[1] for r in reads]):.3f} s, "
          f"resolve + settlements_in {med([r[2] for r in reads]):.3f} s, whole `places --find` command "
          f"{med(cmds):.2f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--places", default=str(Path(__file__).resolve().parents[1].parent / "shared/data/places/ua-localities-wof.csv"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    base = {**os.environ, "FRONTWATCH_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as plain, tempfile.TemporaryDirectory() as full:
        measure("cities500 only", {**base, "FRONTWATCH_CACHE_DIR": plain}, args.runs)
        env = {**base, "FRONTWATCH_CACHE_DIR": full}
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "frontwatch.faces.cli", "places", args.places], env=env,
                       capture_output=True, check=True)
        print(f"`frontwatch places {Path(args.places).name}` (read, normalise, build the index): "
              f"{time.perf_counter() - t:.1f} s")
        measure(f"with {Path(args.places).name}", env, args.runs)


if __name__ == "__main__":
    main()
