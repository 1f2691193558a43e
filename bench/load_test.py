"""Load test of ``frontwatch serve`` on this machine only (127.0.0.1): a cold start, then a warm
run, each N concurrent clients for a bounded time, as visitors of the map page would load it.

The server is ``frontwatch serve`` itself (warming on, as shipped), started as a child process
on 127.0.0.1 over a copy of the store in a temporary folder (so no figure computed before is
beside it: the cold run starts from nothing computed but the service's own start-up warm-up),
read-only (no token), and stopped at the end. The clients run in this process: asyncio with a
minimal HTTP/1.1 keep-alive client (:class:`Connection`), a tenth of httpx's CPU per request, so
that the measure is of the service rather than of the client on a machine of two cores.

Each client plays visitors, one after another, each opening a shared link and looking around:
the page's first requests (the list of maps, the countries, the borders; the link's map: its
layers, front line, the area of the link's region and the region's weekly chart), then three
moves of the date slider (the layers, front line and area of another map). The link is to the
latest map for 7 visitors in 10, else to one of the 7 maps before it; the slider moves to the
latest map or one of those 7; the region is RUS (7 in 10), UKR (2) or Pokrovsk:15km (1).
Choices are random with a fixed seed per client, the same in both runs. ``--spread`` sends
the link and the slider to maps of August to November 2024 instead (SPREAD), which the service
does not warm: the cost of maps nobody asked for yet.

* cold: clients start the moment the service answers /api/health (it listens only once warm);
  the time from launch to that moment is reported as the start-up;
* warm: the same clients and mix again on the same server, right after.

Reports requests/s, latency percentiles and errors per run, the machine's load average and
the busiest other processes while it ran (other work on the machine changes the figures), and
exits non-zero on any error.

Usage: python bench/load_test.py --store PATH [--clients 50] [--seconds 30] [--no-warm]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

SPREAD = ("2024-08-15", "2024-09-06", "2024-10-01", "2024-11-24")
REGIONS = (("RUS", 7), ("UKR", 2), ("Pokrovsk:15km", 1))


def visitor(rng, latest, first, dates):
    """The requests of one visitor, in order."""
    day = latest if rng.random() < 0.7 else rng.choice(dates)
    region = rng.choices([r for r, _ in REGIONS], [w for _, w in REGIONS])[0]
    out = [("/api/snapshots", {}), ("/api/regions", {}), ("/api/borders", {}),
           ("/api/layers", {"date": day}), ("/api/front", {"date": day}), ("/api/area", {"region": region, "date": day}),
           ("/api/area", {"region": region, "status": "ukraine_held", "every": "week", "from": first})]
    for _ in range(3):
        d = rng.choice((latest, *dates))
        out += [("/api/layers", {"date": d}), ("/api/front", {"date": d}), ("/api/area", {"region": region, "date": d})]
    return out


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, GET only (the service answers with a
    Content-Length); reconnects when the server has closed it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, path, params) -> tuple[int, bytes]:
        target = path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode()
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(request)
                head = await self.reader.readuntil(b"\r\n\r\n")
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def client(conn, seed, latest, first, dates, stop_at, budget, lat, errors):
    rng = random.Random(seed)
    while time.monotonic() < stop_at and budget[0] > 0:
        for path, params in visitor(rng, latest, first, dates):
            if time.monotonic() >= stop_at or budget[0] <= 0:
                return
            budget[0] -= 1
            t0 = time.perf_counter()
            try:
                status, body = await conn.get(path, params)
                what = status
            except Exception as exc:  # noqa: BLE001 - counted
                status, body, what = None, b"", f"{type(exc).__name__}: {exc}"
            lat.append((time.perf_counter() - t0, path))
            if status != 200:
                errors.append(f"{path} {params}: {what} {body[:200]!r}")


async def run(base, clients, seconds, max_requests, latest, first, dates):
    host, port = base.rsplit("//", 1)[1].split(":")
    conns = [Connection(host, int(port)) for _ in range(clients)]
    lat, errors, budget = [], [], [max_requests]
    start = time.monotonic()
    await asyncio.gather(*(client(conns[k], k, latest, first, dates, start + seconds, budget, lat, errors)
                           for k in range(clients)))
    wall = time.monotonic() - start
    for c in conns:
        c.close()
    return wall, lat, errors


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(store, warm=True):
    """``frontwatch serve`` on a free 127.0.0.1 port; yields (base URL, seconds to ready, process)."""
    import httpx

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "FRONTWATCH_TOKEN"}
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "frontwatch.faces.cli", "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--store", str(store), *([] if warm else ["--no-warm"])], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("frontwatch serve did not start")
            time.sleep(0.05)
        yield base, time.monotonic() - t0, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


class Others:
    """The busiest processes other than the server and this one, sampled while a run goes on."""

    def __init__(self, exclude):
        import psutil

        self.psutil = psutil
        self.exclude = set(exclude)
        self.cpu: dict = {}
        self.names: dict = {}
        self.start = {}

    def begin(self):
        for p in self.psutil.process_iter(["pid", "name", "cmdline", "cpu_times"]):
            if p.pid in self.exclude:
                continue
            try:
                t = p.info["cpu_times"]
                self.start[p.pid] = t.user + t.system
                self.names[p.pid] = " ".join((p.info["cmdline"] or [p.info["name"] or "?"])[:4])[:90]
            except (TypeError, AttributeError):
                pass

    def end(self, wall):
        out = []
        for p in self.psutil.process_iter(["pid", "cpu_times"]):
            if p.pid in self.start:
                try:
                    t = p.info["cpu_times"]
                    out.append(((t.user + t.system - self.start[p.pid]) / wall, self.names[p.pid]))
                except (TypeError, AttributeError):
                    pass
        return sorted(out, reverse=True)[:5]


def report(name, wall, lat, errors, load_before, others):
    ms = sorted(x * 1000 for x, _ in lat)
    n = len(ms)
    p = lambda q: ms[min(n - 1, int(q * n))] if n else float("nan")  # noqa: E731
    print(f"{name}: {n} requests in {wall:.1f} s ({n / wall:.0f} req/s), errors {len(errors)}; load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    if n:
        over = sum(1 for x in ms if x > 3000)
        print(f"  latency ms: p50 {p(0.50):.1f}  p90 {p(0.90):.1f}  p99 {p(0.99):.1f}  p99.9 {p(0.999):.1f}  "
              f"max {ms[-1]:.1f}  mean {statistics.fmean(ms):.1f}; {over} requests over 3 s")
        slow = sorted(lat, reverse=True)[:max(1, n // 100)]
        by_path = {}
        for _, path in slow:
            by_path[path] = by_path.get(path, 0) + 1
        print("  the slowest 1%: " + ", ".join(f"{k} {v}" for k, v in sorted(by_path.items(), key=lambda kv: -kv[1])))
    busy = [(c, name) for c, name in others if c >= 0.05]
    print("  other processes (cores busy): " + ("; ".join(f"{c:.2f} {name}" for c, name in busy) or "none above 0.05"))
    for e in errors[:10]:
        print("  error:", e)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=os.environ.get("FRONTWATCH_STORE"), required=not os.environ.get("FRONTWATCH_STORE"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--max-requests", type=int, default=500_000, help="Hard cap on requests sent per run.")
    ap.add_argument("--no-warm", action="store_true", help="Start the service without its warm-up (for comparison).")
    ap.add_argument("--spread", action="store_true", help="Links and slider to maps of Aug-Nov 2024 (not warmed).")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 300:
        ap.error("keep it bounded: 1-200 clients, at most 300 s")
    from frontwatch.store import Store

    with Store(args.store, read_only=True) as st:
        snaps = st.snapshots()
    days = list(dict.fromkeys(s.date.isoformat() for s in snaps))
    latest, first = days[-1], days[0]
    dates = SPREAD if args.spread else tuple(days[-8:-1])
    print(f"machine: {os.cpu_count()} cores; store {args.store} ({len(snaps)} maps, {first} to {latest}), copied "
          f"without its cache; {args.clients} clients, {args.seconds:g} s a run, on 127.0.0.1; links and slider to "
          f"{latest} and {', '.join(dates)}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="frontwatch-load-") as tmp:
        store = os.path.join(tmp, "store.duckdb")
        shutil.copyfile(args.store, store)
        load0 = os.getloadavg()[0]
        with serve(store, warm=not args.no_warm) as (base, ready_s, proc):
            print(f"start-up: {ready_s:.1f} s from launch to the first answer ({'warm-up included' if not args.no_warm else 'no warm-up'}); "
                  f"load average {load0:.2f} at launch")
            import psutil

            server, me = psutil.Process(proc.pid), psutil.Process()

            def cpu(p):
                t = p.cpu_times()
                return t.user + t.system

            for name in ("cold", "warm"):
                others = Others([os.getpid(), proc.pid, *[c.pid for c in server.children(recursive=True)]])
                others.begin()
                before = os.getloadavg()[0]
                c0, m0 = cpu(server), cpu(me)
                wall, lat, errors = asyncio.run(run(base, args.clients, args.seconds, args.max_requests, latest, first,
                                                    dates))
                report(name, wall, lat, errors, before, others.end(wall))
                print(f"  cores busy: server {(cpu(server) - c0) / wall:.2f}, these clients {(cpu(me) - m0) / wall:.2f}")
                failed = failed or bool(errors) or not lat
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
