"""How long a repeated question takes on a warm store: through the ``frontwatch`` command (a fresh
process each time, start-up and imports included) and through the JSON API (``frontwatch serve``
on 127.0.0.1, a client in this process). Targets of issue 27: under 0.3 s wall through the CLI,
under 50 ms through the API (p50 over 50 requests).

The store: all 239 maps of ../shared/data/deepstate/history and the shared borders, ingested into
a temporary folder (or ``--store PATH``, used as it is), then warmed: every figure the queries
below need is computed once (the daily series of every status in RUS, UKR and ALL, and the
changes and peaks asked). What is timed is answering again.

- CLI: ``area``, ``change`` and ``peak`` (each also with ``--borders FILE``, as the README shows
  it), ``--repeat`` runs each; wall time (median and min) and CPU (user + system of the process).
- API: 50 ``/api/area`` requests for 50 different days (each answer computed by the library from
  the stored figures: the service's answer cache does not hold it), 50 ``/api/change`` and 50
  ``/api/peak`` the same way, then 50 identical ``/api/area`` requests (served from the answer
  cache); p50 and p90 of each, one request at a time.

Every child process runs with Python's default bytecode cache (``PYTHONDONTWRITEBYTECODE`` is
removed from its environment, as on a user's machine: without it every frontwatch module is
compiled from source at each start, 50-90 ms here).

    python bench/query_latency.py               # build and warm a store, then time
    python bench/query_latency.py --repeat 20
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import shutil
import socket
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
FRONTWATCH = [sys.executable, "-m", "frontwatch.faces.cli"]

CLI_QUERIES = {
    "area": ["area", "--region", "RUS", "--status", "ukraine_held", "--date", "2024-11-24"],
    "area series": ["area", "--region", "RUS", "--status", "ukraine_held,contested", "--every", "week",
                    "--from", "2024-08-01", "--to", "2024-12-31"],
    "change": ["change", "--region", "UKR", "--from", "2024-11-17", "--to", "2024-11-24"],
    "peak": ["peak", "--region", "RUS", "--status", "ukraine_held", "--until", "2024-11-24"],
}


def child_env(store: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FRONTWATCH_TOKEN")}
    env["FRONTWATCH_STORE"] = str(store)
    env.setdefault("FRONTWATCH_CACHE_DIR", str(store.parent / "cache"))
    return env


def run(args, env) -> tuple[float, float]:
    """``(wall s, CPU s)`` of one ``frontwatch ARGS`` process."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([*FRONTWATCH, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def build_store(folder: Path) -> Path:
    maps = folder / "maps"
    maps.mkdir()
    for f in HISTORY.glob("*.geojson"):
        (maps / f.name).symlink_to(f)
    (maps / "countries.geojson").symlink_to(BORDERS)
    store = folder / "store.duckdb"
    run(["ingest", str(maps)], child_env(store))
    return store


def warm(store: Path, days: list[str]) -> None:
    env = child_env(store)
    for region in ("RUS", "UKR", "ALL"):
        run(["area", "--region", region, "--every", "day"], env)
    for args in CLI_QUERIES.values():
        run(args, env)
    # The changes and peaks the API is asked below (a change's figures are kept once measured).
    code = ("import sys, datetime as dt\n"
            "from frontwatch.store import Store\n"
            "from frontwatch.geo.regions import resolve_region\n"
            "from frontwatch.analysis.measure import change, peak\n"
            "st = Store(sys.argv[1]); b = st.borders(); rus = resolve_region('RUS', b); ukr = resolve_region('UKR', b)\n"
            "for d in sys.argv[2:]:\n"
            "    d = dt.date.fromisoformat(d)\n"
            "    change(st, ukr, start=d - dt.timedelta(days=7), end=d, side='russia', borders=b, geometry=False)\n"
            "    peak(st, rus, ('ukraine_held',), until=d)\n"
            "st.close()\n")
    subprocess.run([sys.executable, "-c", code, str(store), *days], env=env, check=True)


@contextlib.contextmanager
def serve(store: Path):
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*FRONTWATCH, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)],
                            env=child_env(store), stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("frontwatch serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def api_latencies(base: str, requests: list[tuple[str, dict]]) -> list[float]:
    import httpx

    out = []
    with httpx.Client(base_url=base, timeout=120) as http:
        for path, params in requests:
            t = time.perf_counter()
            r = http.get(path, params=params)
            out.append(time.perf_counter() - t)
            r.raise_for_status()
    return out


def _p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="a store to use as it is (default: built from ../shared)")
    ap.add_argument("--repeat", type=int, default=10, help="runs of each CLI query")
    a = ap.parse_args(argv)
    if a.store is None and not (HISTORY.exists() and BORDERS.exists()):
        print(f"shared data not present under {SHARED}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="fw-query-bench-") as tmp:
        store = a.store or build_store(Path(tmp))
        first = dt.date(2024, 8, 20)
        days = [(first + dt.timedelta(days=2 * i)).isoformat() for i in range(50)]
        warm(store, days)
        env = child_env(store)
        print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores); store {store}")
        print()
        print("CLI (a fresh process each run)          wall median  wall min  CPU median")
        for name, args in CLI_QUERIES.items():
            for extra in ((), ("--borders", str(BORDERS))):
                runs = [run([*args, *extra], env) for _ in range(a.repeat)]
                label = f"{name}{' --borders FILE' if extra else ''}"
                print(f"  {label:<38} {statistics.median(w for w, _ in runs):>8.3f} s {min(w for w, _ in runs):>7.3f} s "
                      f"{statistics.median(c for _, c in runs):>8.3f} s")
        with serve(store) as base:
            print()
            print("API (one request at a time, 50 each)    p50        p90")
            sets = {
                "/api/area RUS, 50 days": [("/api/area", {"region": "RUS", "date": d}) for d in days],
                "/api/change UKR, 50 weeks": [("/api/change", {"region": "UKR", "from": (dt.date.fromisoformat(d) - dt.timedelta(days=7)).isoformat(), "to": d}) for d in days],
                "/api/peak RUS, 50 days": [("/api/peak", {"region": "RUS", "status": "ukraine_held", "until": d}) for d in days],
                "/api/area RUS, one day 50 times": [("/api/area", {"region": "RUS", "date": days[-1]})] * 50,
            }
            for name, reqs in sets.items():
                lat = api_latencies(base, reqs)
                print(f"  {name:<38} {1000 * _p(lat, 0.5):>6.1f} ms {1000 * _p(lat, 0.9):>6.1f} ms")
        print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
        if a.store is None:
            shutil.rmtree(Path(tmp) / "maps", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
