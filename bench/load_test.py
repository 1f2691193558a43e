"""Load test of ``frontwatch serve`` on this machine only (127.0.0.1): N concurrent clients
(asyncio + httpx) for a bounded time on the area and front endpoints; reports requests per
second, p50/p99 latency and the error count, and exits non-zero on any error.

The server is ``frontwatch serve`` itself, started as a child process on 127.0.0.1 (a free port)
over an existing store, read-only (no token), and stopped at the end; the clients run in this
process, so they do not share the server's interpreter. Each client cycles through a fixed
list of queries (areas of RUS/UKR/ALL on a few dates, the front line of those dates), so the
measure is of the service answering repeated map queries: the first answer of each query is
computed by the library (warm-up, not timed), the timed ones are served from its answer cache.

Usage: python bench/load_test.py --store PATH [--clients 50] [--seconds 30] [--max-requests 200000]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import statistics
import sys
import time

DATES = ("2024-08-15", "2024-09-06", "2024-10-01", "2024-11-24", "2024-12-31")


def queries():
    out = []
    for d in DATES:
        for region in ("RUS", "UKR", "ALL"):
            out.append(("/api/area", {"region": region, "date": d}))
        out.append(("/api/front", {"date": d, "tolerance": 0.002}))
    return out


async def client(http, qs, offset, stop_at, budget, lat, errors):
    i = offset
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        path, params = qs[i % len(qs)]
        i += 1
        t0 = time.perf_counter()
        try:
            r = await http.get(path, params=params)
            ok = r.status_code == 200
        except Exception as exc:  # noqa: BLE001 - counted
            ok, r = False, exc
        lat.append(time.perf_counter() - t0)
        if not ok:
            errors.append(f"{path} {params}: {getattr(r, 'status_code', r)}")


async def run(base, clients, seconds, max_requests):
    import httpx

    qs = queries()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as http:
        t0 = time.monotonic()
        for path, params in qs:  # warm-up: each query computed once by the library
            r = await http.get(path, params=params)
            r.raise_for_status()
        warm = time.monotonic() - t0
        lat, errors, budget = [], [], [max_requests]
        start = time.monotonic()
        await asyncio.gather(*(client(http, qs, k, start + seconds, budget, lat, errors) for k in range(clients)))
        wall = time.monotonic() - start
    return warm, wall, lat, errors


@contextlib.contextmanager
def serve(store):
    """``frontwatch serve`` on a free 127.0.0.1 port; yields its base URL, stops it on exit."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "FRONTWATCH_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-m", "frontwatch.faces.cli", "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--store", str(store), "--timeout", "600"], env=env)
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
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=os.environ.get("FRONTWATCH_STORE"), required=not os.environ.get("FRONTWATCH_STORE"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--max-requests", type=int, default=200_000, help="Hard cap on requests sent.")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 300:
        ap.error("keep it bounded: 1-200 clients, at most 300 s")

    load = os.getloadavg()
    with serve(args.store) as base:
        warm, wall, lat, errors = asyncio.run(run(base, args.clients, args.seconds, args.max_requests))
    lat_ms = sorted(x * 1000 for x in lat)
    n = len(lat_ms)
    p = lambda q: lat_ms[min(n - 1, int(q * n))] if n else float("nan")  # noqa: E731
    print(f"server: frontwatch serve (child process) on 127.0.0.1, store {args.store} (read-only)")
    print(f"machine: {os.cpu_count()} cores, load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")
    print(f"warm-up: {len(queries())} distinct queries (area RUS/UKR/ALL + front, {len(DATES)} dates) "
          f"computed once in {warm:.1f} s")
    print(f"load: {args.clients} concurrent clients for {wall:.1f} s on /api/area and /api/front")
    print(f"requests: {n}  ({n / wall:.0f} req/s)  errors: {len(errors)}")
    if n:
        print(f"latency ms: p50 {p(0.50):.1f}  p90 {p(0.90):.1f}  p99 {p(0.99):.1f}  max {lat_ms[-1]:.1f}  "
              f"mean {statistics.fmean(lat_ms):.1f}")
    for e in errors[:10]:
        print("error:", e)
    return 1 if errors or not n else 0


if __name__ == "__main__":
    sys.exit(main())
