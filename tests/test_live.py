"""The live DeepStateMap client and `frontwatch sync`, against a local HTTP server on 127.0.0.1.

The server lists tests/fixtures/live/history_public.json (five real map ids, 19-23 Nov 2024),
serves each map's geojson from the shared history file of that id
(../shared/data/deepstate/history/{id}.geojson, via the ``history_dir`` fixture) and its area
figures from tests/fixtures/live/areas/{id}.json (constructed, see the README there). No test
touches the network; delays are made zero through parameters or an injected ``sleep``.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontwatch.sources.live import (
    SourceUnreachable, parse_areas, parse_listing, sync,
)
from frontwatch.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "live"
LISTING = json.loads((FIXTURES / "history_public.json").read_text())
IDS = [e["id"] for e in LISTING]
FAST = dict(min_interval=0, backoff=0, timeout=10)


class FakeDeepState:
    """A tiny stand-in for deepstatemap.live: counts requests per path, and can be told to answer
    a path with a given status/headers/body a number of times before the real answer."""

    def __init__(self, history_dir: Path):
        self.history_dir = history_dir
        self.counts = collections.Counter()
        self.user_agents = []
        self.script = collections.defaultdict(list)  # path -> [(status, headers, body), ...]
        self.bodies = {}  # path -> body replacing the real one for good
        self.listing = LISTING
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                fake.counts[self.path] += 1
                fake.user_agents.append(self.headers.get("User-Agent", ""))
                if fake.script[self.path]:
                    status, headers, body = fake.script[self.path].pop(0)
                    return self._send(status, body, headers)
                if self.path in fake.bodies:
                    return self._send(200, fake.bodies[self.path])
                if self.path == "/api/history/public":
                    return self._send(200, json.dumps(fake.listing).encode())
                m = re.fullmatch(r"/api/history/(\d+)/(geojson|areas)", self.path)
                if m:
                    sid, what = m.groups()
                    f = (fake.history_dir / f"{sid}.geojson") if what == "geojson" else (FIXTURES / "areas" / f"{sid}.json")
                    if f.exists():
                        return self._send(200, f.read_bytes())
                self._send(404, b'{"message":"Not Found"}')

            def _send(self, status, body, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def geojson_requests(self) -> int:
        return sum(n for p, n in self.counts.items() if p.endswith("/geojson"))


@pytest.fixture()
def api(history_dir):
    fake = FakeDeepState(history_dir)
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture()
def fresh_store(tmp_path):
    st = Store(tmp_path / "live.duckdb")
    yield st
    st.close()


def _dead_url() -> str:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


# ------------------------------------------------------------------ sync into a store

def test_sync_adds_every_listed_map_with_its_time_and_id(api, fresh_store):
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert summary.errors == []
    assert (summary.listed, summary.added, summary.skipped_existing) == (5, 5, 0)
    snaps = fresh_store.snapshots("deepstate")
    assert [s.source_id for s in snaps] == [str(i) for i in IDS]
    assert [int(s.taken_at.timestamp()) for s in snaps] == IDS
    assert summary.last == dt.datetime(2024, 11, 23, 20, 53, 0, tzinfo=dt.timezone.utc)
    assert set(fresh_store.layers(snaps[-1].id)) == {"occupied", "occupied_before_2022", "ukraine_held", "contested"}


def test_second_sync_adds_nothing_and_fetches_no_geojson(api, fresh_store):
    sync(fresh_store, base_url=api.url, **FAST)
    assert api.geojson_requests() == 5
    again = sync(fresh_store, base_url=api.url, **FAST)
    assert (again.added, again.skipped_existing, again.errors) == (0, 5, [])
    assert api.geojson_requests() == 5
    # Every stored map already has its figures, so nothing but the listing was asked for.
    assert again.requests == 1


def test_official_figures_are_stored_and_shown_beside_ours_for_region_all(api, fresh_store):
    from frontwatch.analysis.measure import area_series
    from frontwatch.geo.regions import resolve_region

    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert summary.official_areas == 5
    snap = fresh_store.snapshots("deepstate")[-1]
    stored = fresh_store.official_areas(snap.id)
    assert {a["type"] for a in stored} == {"occupied_after_24_02_2022", "occupied_to_24_02_2022", "liberated",
                                           "unspecified", "other_territories"}
    assert {a["type"]: a["status"] for a in stored}["other_territories"] is None
    fixture = {a["type"]: a["area"] for a in json.loads((FIXTURES / "areas" / f"{IDS[-1]}.json").read_text())}
    recs = {r["status"]: r for r in area_series(fresh_store, resolve_region("ALL"), snapshots=[snap])}
    assert recs["occupied"]["official_km2"] == pytest.approx(fixture["occupied_after_24_02_2022"], abs=0.001)
    assert recs["ukraine_held"]["official_km2"] == pytest.approx(fixture["liberated"], abs=0.001)
    # The fixture's figures were computed with frontwatch, so ours and "theirs" agree here.
    assert all(abs(r["diff_pct"]) < 0.1 for r in recs.values())


def test_stored_maps_without_official_figures_get_them_without_refetching_the_map(api, fresh_store, history_dir):
    from frontwatch.ingest import ingest

    ingest(fresh_store, [history_dir / f"{i}.geojson" for i in IDS[:2]], workers=1)
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert (summary.added, summary.skipped_existing, summary.official_areas) == (3, 2, 5)
    assert api.counts[f"/api/history/{IDS[0]}/geojson"] == 0
    first = fresh_store.snapshots("deepstate")[0]
    assert fresh_store.official_areas(first.id)


def test_since_and_until_keep_only_maps_of_those_days(api, fresh_store):
    summary = sync(fresh_store, since=dt.date(2024, 11, 21), base_url=api.url, **FAST)
    assert summary.added == 3
    assert [s.date for s in fresh_store.snapshots("deepstate")] == [dt.date(2024, 11, d) for d in (21, 22, 23)]
    summary = sync(fresh_store, until=dt.date(2024, 11, 19), base_url=api.url, **FAST)
    assert (summary.added, summary.skipped_existing) == (1, 0)
    assert api.counts[f"/api/history/{IDS[1]}/geojson"] == 0


def test_a_corrupt_or_pointless_map_is_reported_by_id_and_the_others_go_in(api, fresh_store):
    api.bodies[f"/api/history/{IDS[1]}/geojson"] = b'{"type": "FeatureCollection", "features": [{"type": '
    api.bodies[f"/api/history/{IDS[3]}/geojson"] = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [37.5, 48.0]}}]}).encode()
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert summary.added == 3
    assert len(summary.errors) == 2
    assert str(IDS[1]) in summary.errors[0] and "JSON" in summary.errors[0]
    assert str(IDS[3]) in summary.errors[1] and "no control-area polygons" in summary.errors[1]
    assert all("\n" not in e for e in summary.errors)
    # The next sync tries only the two that failed.
    api.bodies.clear()
    again = sync(fresh_store, base_url=api.url, **FAST)
    assert (again.added, again.skipped_existing, again.errors) == (2, 3, [])


# ------------------------------------------------------------------ politeness and failures

def test_a_503_then_200_is_retried(api, fresh_store):
    api.script["/api/history/public"].append((503, {}, b"busy"))
    api.script[f"/api/history/{IDS[2]}/geojson"].append((502, {}, b"bad gateway"))
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert (summary.added, summary.errors) == (5, [])
    assert api.counts["/api/history/public"] == 2
    assert api.counts[f"/api/history/{IDS[2]}/geojson"] == 2


def test_a_429_with_retry_after_is_honoured(api, fresh_store):
    slept = []
    api.script[f"/api/history/{IDS[0]}/geojson"].append((429, {"Retry-After": "7"}, b"slow down"))
    summary = sync(fresh_store, base_url=api.url, sleep=slept.append, **FAST)
    assert summary.added == 5
    assert slept == [7.0]  # the server's wait, not the (zero) backoff
    assert api.counts[f"/api/history/{IDS[0]}/geojson"] == 2


def test_requests_are_spaced_by_min_interval_and_name_frontwatch(api, fresh_store):
    now, slept = [0.0], []

    def sleep(s):  # a clock that moves only when the client waits: no real time involved
        slept.append(s)
        now[0] += s

    sync(fresh_store, base_url=api.url, min_interval=0.25, backoff=0, sleep=sleep, clock=lambda: now[0])
    # 11 requests (listing + 5 maps + 5 area lists); each after the first waits its turn.
    assert len(api.user_agents) == 11
    assert slept == [0.25] * 10
    assert all(ua.startswith("frontwatch/") for ua in api.user_agents)


def test_a_site_failing_mid_run_keeps_what_was_fetched_and_says_what_was_not(api, fresh_store):
    api.script[f"/api/history/{IDS[2]}/geojson"].extend([(503, {}, b"down")] * 3)
    summary = sync(fresh_store, base_url=api.url, retries=2, **FAST)
    assert summary.added == 2
    assert str(IDS[2]) in summary.errors[0] and "unreachable" in summary.errors[0]
    assert summary.errors[1].startswith("2 more maps not fetched")


def test_an_unreachable_site_raises_one_line_source_unreachable(fresh_store):
    url = _dead_url()
    with pytest.raises(SourceUnreachable) as info:
        sync(fresh_store, base_url=url, retries=1, **FAST)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{url[7:]} unreachable (ConnectionError: ")
    assert str(SourceUnreachable("deepstatemap.live", "ConnectionError: refused")) == \
        "deepstatemap.live unreachable (ConnectionError: refused)"


def test_base_url_comes_from_the_environment(api, fresh_store, monkeypatch):
    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", api.url)
    summary = sync(fresh_store, **FAST)
    assert summary.base_url == api.url and summary.added == 5


# ------------------------------------------------------------------ lenient parsing

def test_listing_takes_time_from_created_at_else_from_id_and_ignores_extra_fields():
    entries, problems = parse_listing([
        {"id": 1732311864, "createdAt": "2024-11-22T21:44:24.000Z", "new_field": [1, 2]},
        {"id": "1732395180"},
        {"id": 1700000000000},  # milliseconds, no createdAt
        {"createdAt": "2024-11-22T21:44:24Z"},
        "junk",
    ])
    assert [e.id for e in entries] == [1700000000000, 1732311864, 1732395180]
    assert entries[1].taken_at == dt.datetime(2024, 11, 22, 21, 44, 24, tzinfo=dt.timezone.utc)
    assert entries[2].taken_at == dt.datetime(2024, 11, 23, 20, 53, 0, tzinfo=dt.timezone.utc)
    assert entries[0].taken_at.year == 2023
    assert len(problems) == 2


def test_area_records_map_types_to_statuses():
    recs = parse_areas([{"hash": "#a52714", "area": 100.5, "percent": "0.017", "type": "occupied_after_24_02_2022"},
                        {"hash": "#ff5252", "area": 9, "percent": 0.1, "type": "other_territories"},
                        {"hash": "#bcaaa4", "area": None, "type": "unspecified"}])
    assert recs == [
        {"type": "occupied_after_24_02_2022", "status": "occupied", "hash": "#a52714", "area": 100.5, "percent": "0.017"},
        {"type": "other_territories", "status": None, "hash": "#ff5252", "area": 9.0, "percent": "0.1"},
    ]


# ------------------------------------------------------------------ the command

def test_cli_sync_prints_the_summary_and_exits_0(api, tmp_path):
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["sync", "deepstate", "--base-url", api.url, "--min-interval", "0",
                                    "--store", str(tmp_path / "s.duckdb"), "--format", "json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)[0]
    assert (rec["added"], rec["listed"], rec["errors"]) == (5, 5, [])
    assert rec["last"] == "2024-11-23 20:53:00 UTC"


def test_cli_sync_exits_1_when_a_map_failed(api, tmp_path):
    from frontwatch.faces.cli import main

    api.bodies[f"/api/history/{IDS[0]}/geojson"] = b"not json"
    res = CliRunner().invoke(main, ["sync", "--base-url", api.url, "--min-interval", "0",
                                    "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 1
    assert f"error: map {IDS[0]}:" in res.stderr
    assert re.search(r"added\s+4", res.stdout)


def test_cli_sync_exits_2_with_one_line_when_unreachable(tmp_path):
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["sync", "deepstate", "--base-url", _dead_url(), "--retries", "0",
                                    "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "unreachable (ConnectionError" in lines[0]


def test_cli_sync_names_the_known_sources():
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["sync", "liveuamap"])
    assert res.exit_code == 2
    assert "deepstate" in res.stderr


def test_main_job_syncs_the_site_and_prints_the_kursk_report(api, tmp_path, borders_file, monkeypatch):
    """`frontwatch run` online (the site here: the local server with five real maps of 19-23
    November 2024): the maps are synced into an empty store, one line says how many, and the
    report is that of the last map."""
    from frontwatch.faces.cli import main

    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", api.url)
    store = tmp_path / "main.duckdb"
    res = CliRunner().invoke(main, ["run", "--store", str(store), "--borders", str(borders_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert res.stderr.strip().splitlines() == ["synced deepstatemap.live: 5 new maps"]
    rep = json.loads(res.stdout)[0]
    assert rep["region"] == "RUS" and rep["date"] == "2024-11-23" and rep["snapshots"] == 5
    held = {r["status"]: r["km2"] for r in rep["areas"]}["ukraine_held"]
    assert 500 < held < 620  # DeepStateMap said about 560 km2 on 22 November
    assert api.geojson_requests() == 5
    # Run again: nothing new is fetched, the same report.
    again = CliRunner().invoke(main, ["run", "--store", str(store), "--borders", str(borders_file), "--format", "json"])
    assert again.exit_code == 0 and again.stderr.strip().splitlines() == ["synced deepstatemap.live: 0 new maps"]
    assert json.loads(again.stdout)[0]["areas"] == rep["areas"] and api.geojson_requests() == 5
