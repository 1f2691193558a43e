"""The live DeepStateMap client, `frontwatch sync` and `frontwatch run`, against a local HTTP server
on 127.0.0.1 that answers what the real API answers, from recorded responses:

- ``/api/history/public``: the real listing (../shared/data/deepstate/api/history-public.json,
  1,734 maps with the map maker's notes), as the site showed it on a given day (the entries
  published by then) and, unless a test says otherwise, limited to the maps whose bodies are
  recorded: the site "serves" the 239 maps of ../shared/data/deepstate/history;
- ``/api/history/{id}/geojson``: that shared history file, byte for byte;
- ``/api/history/{id}/areas``: the map maker's own figures of that map, from
  ../shared/data/deepstate/api/areas-2022-2024.json (recorded by a public tracker);
- failures scripted per path: an HTTP status with a body (tests/realdata/fixtures/live/ holds the web pages a
  CDN or a maintenance screen answers), a body cut short, an answer slower than the timeout.

No test touches the network; delays are zero through parameters or an injected ``sleep``.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED
from frontwatch.sources.live import BadResponse, SourceUnreachable, first_run_since, parse_listing, sync
from frontwatch.sources.official import parse_areas
from frontwatch.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "live"
API = SHARED / "deepstate" / "api"
FAST = dict(min_interval=0, backoff=0, timeout=10)
UTC = dt.timezone.utc
NOV19, NOV23 = dt.datetime(2024, 11, 19, tzinfo=UTC), dt.datetime(2024, 11, 23, 23, 59, 59, tzinfo=UTC)
IDS = [1732052521, 1732138237, 1732225007, 1732311864, 1732395180]  # the maps of 19-23 November 2024


@pytest.fixture(scope="session")
def recorded():
    """The recorded listing and figures (skipped, with the reason, where ../shared is absent)."""
    for f in ("history-public.json", "areas-2022-2024.json"):
        if not (API / f).exists():
            pytest.skip(f"shared data not present: {API / f} (see ../shared/README.md)")
    return json.loads((API / "history-public.json").read_text()), json.loads((API / "areas-2022-2024.json").read_text())


def _created(entry) -> dt.datetime:
    return dt.datetime.fromisoformat(entry["createdAt"].replace("Z", "+00:00"))


class RecordedDeepState:
    """deepstatemap.live as recorded: the listing as of ``as_of`` (entries published from
    ``first`` on, by default only those whose geojson is recorded), each map's geojson and area
    figures. Counts requests per path; ``script[path]`` answers a path with given (status,
    headers, body) first ("truncate" as status cuts the real body short, "slow" answers after
    ``slow_s``); ``bodies[path]`` replaces an answer for good; ``updated[id]`` changes a listing
    entry's updatedAt (a revision)."""

    def __init__(self, history_dir: Path, listing, areas, *, first=NOV19, as_of=NOV23, only_recorded=True):
        self.history_dir = history_dir
        self.all_entries, self.areas = listing, areas
        self.first, self.as_of, self.only_recorded = first, as_of, only_recorded
        self.recorded = {int(p.stem) for p in history_dir.glob("*.geojson")}
        self.counts = collections.Counter()
        self.user_agents = []
        self.script = collections.defaultdict(list)
        self.bodies = {}
        self.updated = {}
        self.slow_s = 2.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                fake.counts[self.path] += 1
                fake.user_agents.append(self.headers.get("User-Agent", ""))
                if fake.script[self.path]:
                    status, headers, body = fake.script[self.path].pop(0)
                    if status == "truncate":
                        real = fake.answer(self.path)[2]
                        return self._send(200, real[: len(real) // 3], {"Content-Length": str(len(real))})
                    if status == "slow":
                        time.sleep(fake.slow_s)
                        status, headers, body = fake.answer(self.path)
                    return self._send(status, body, headers)
                if self.path in fake.bodies:
                    return self._send(200, fake.bodies[self.path])
                status, headers, body = fake.answer(self.path)
                self._send(status, body, headers)

            def _send(self, status, body, headers=None):
                headers = dict(headers or {})
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", "application/json; charset=utf-8"))
                self.send_header("Content-Length", headers.pop("Content-Length", str(len(body))))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def entries(self) -> list[dict]:
        out = []
        for e in self.all_entries:
            t = _created(e)
            if (self.first and t < self.first) or (self.as_of and t > self.as_of):
                continue
            if self.only_recorded and e["id"] not in self.recorded:
                continue
            if e["id"] in self.updated:
                e = {**e, "updatedAt": self.updated[e["id"]]}
            out.append(e)
        return out

    def answer(self, path) -> tuple:
        if path == "/api/history/public":
            # The site lists the newest first.
            return 200, {}, json.dumps(list(reversed(self.entries())), ensure_ascii=False).encode()
        m = re.fullmatch(r"/api/history/(\d+)/(geojson|areas)", path)
        if m:
            sid, what = m.groups()
            if what == "geojson" and (self.history_dir / f"{sid}.geojson").exists():
                return 200, {}, (self.history_dir / f"{sid}.geojson").read_bytes()
            if what == "areas" and sid in self.areas:
                return 200, {}, json.dumps(self.areas[sid]).encode()
        return 404, {}, b'{"statusCode":404,"message":"Not Found"}'

    def geojson_requests(self) -> int:
        return sum(n for p, n in self.counts.items() if p.endswith("/geojson"))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def site(history_dir, recorded):
    made = []

    def make(**kw):
        fake = RecordedDeepState(history_dir, *recorded, **kw)
        fake.thread.start()
        made.append(fake)
        return fake

    yield make
    for fake in made:
        fake.stop()


@pytest.fixture(scope="module")
def module_site(history_dir, recorded):
    """The site on 23 November 2024 (as ``api``), shared by the tests of a module-scoped fixture
    that syncs once and lets several tests look at the outcome."""
    fake = RecordedDeepState(history_dir, *recorded)
    fake.thread.start()
    yield fake
    fake.stop()


@pytest.fixture()
def api(site):
    """The site on 23 November 2024, listing the maps from 19 November (five)."""
    return site()


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


CDN_403 = (FIXTURES / "cdn-403.html").read_bytes()
MAINTENANCE = (FIXTURES / "maintenance.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=UTF-8"}


# ------------------------------------------------------------------ the recorded listing

def test_every_entry_of_the_recorded_listing_parses_with_its_times(recorded):
    """parse_listing on the real listing: 1,734 entries, none refused, each with its time of
    publication (its id), its time of last revision and its note."""
    listing, _ = recorded
    entries, problems = parse_listing(listing)
    assert (len(entries), problems) == (1734, [])
    assert entries[0].id == 1648989208 and entries[-1].id == 1787314988
    assert all(int(e.taken_at.timestamp()) == e.id for e in entries)  # id = createdAt, in seconds
    revised = [e for e in entries if (e.updated_at - e.taken_at).total_seconds() >= 3600]
    assert len(revised) == 630  # updatedAt an hour or more after createdAt
    assert entries[-1].description == "The enemy has advanced near Illinivka and Pryvillia."


def test_parsed_area_rows_keep_what_the_site_sent_with_a_status_where_known():
    """parse_areas keeps each row's type, colour (lower case), area and percent, gives the
    status its type or colour means (None where neither says), and drops a row with no area."""
    recs = parse_areas([{"hash": "#a52714", "area": 100.5, "percent": "0.017", "type": "occupied_after_24_02_2022"},
                        {"hash": "#01579B", "area": 9, "percent": 0.1, "type": "other_territories"},
                        {"hash": "#ff5252", "area": 139991.5, "percent": "23.189", "type": "other_territories"},
                        {"hash": "#bcaaa4", "area": None, "type": "unspecified"}])
    assert recs == [
        {"type": "occupied_after_24_02_2022", "status": "occupied", "hash": "#a52714", "area": 100.5, "percent": "0.017"},
        {"type": "other_territories", "status": "ukraine_held", "hash": "#01579b", "area": 9.0, "percent": "0.1"},
        {"type": "other_territories", "status": None, "hash": "#ff5252", "area": 139991.5, "percent": "23.189"},
    ]


# ------------------------------------------------------------------ sync into a store

@pytest.fixture(scope="module")
def first_sync(module_site, tmp_path_factory):
    """One sync of the five maps of 19-23 November into an empty store: its summary and the store."""
    st = Store(tmp_path_factory.mktemp("sync") / "live.duckdb")
    summary = sync(st, base_url=module_site.url, **FAST)
    yield summary, st
    st.close()


def test_sync_stores_every_listed_map_under_its_id_at_its_time(first_sync):
    summary, store = first_sync
    assert summary.errors == []
    assert (summary.listed, summary.added, summary.skipped_existing, summary.official_areas) == (5, 5, 0, 5)
    snaps = store.snapshots("deepstate")
    assert [s.source_id for s in snaps] == [str(i) for i in IDS]
    assert [int(s.taken_at.timestamp()) for s in snaps] == IDS
    assert summary.last == dt.datetime(2024, 11, 23, 20, 53, 0, tzinfo=UTC)
    assert set(store.layers(snaps[-1].id)) == {"occupied", "occupied_before_2022", "ukraine_held", "contested"}


def test_sync_stores_the_map_makers_figures_of_each_map(first_sync):
    """The recorded figures of 22 November, all seven rows."""
    _, store = first_sync
    snaps = store.snapshots("deepstate")
    rows = store.official_areas(snaps[3].id)
    assert len(rows) == 7 and {r["hash"]: r["km2"] for r in rows}["#01579b"] == pytest.approx(571.176, abs=0.001)


def test_sync_stores_the_note_of_every_listed_map(first_sync):
    summary, store = first_sync
    notes = store.notes()
    assert [n.map_id for n in notes] == IDS and summary.notes == 5
    assert notes[3].text.startswith("The enemy advanced near Velyka Novosilka")


def test_a_second_sync_asks_only_for_the_listing(api, fresh_store):
    """Right after a sync, the next one adds nothing, fetches no map and no figures: one request."""
    sync(fresh_store, base_url=api.url, **FAST)
    assert api.geojson_requests() == 5
    again = sync(fresh_store, base_url=api.url, **FAST)
    assert (again.added, again.revised, again.skipped_existing, again.errors) == (0, 0, 5, [])
    assert api.geojson_requests() == 5
    # Every stored map already has its figures and its version: only the listing was asked for.
    assert again.requests == 1 and again.notes == 0


def test_incremental_sync_fetches_only_the_maps_published_since(site, fresh_store):
    """The site on 21 November, then on 23 November: the second sync fetches the two new maps."""
    early = site(as_of=dt.datetime(2024, 11, 21, 23, 59, tzinfo=UTC))
    first = sync(fresh_store, base_url=early.url, **FAST)
    assert (first.listed, first.added) == (3, 3)
    later = site()
    second = sync(fresh_store, base_url=later.url, **FAST)
    assert (second.listed, second.added, second.skipped_existing, second.errors) == (5, 2, 3, [])
    assert later.geojson_requests() == 2
    assert [s.source_id for s in fresh_store.snapshots("deepstate")] == [str(i) for i in IDS]


def test_stored_maps_without_official_figures_get_them_without_refetching_the_map(api, fresh_store, history_dir):
    from frontwatch.ingest import ingest

    ingest(fresh_store, [history_dir / f"{i}.geojson" for i in IDS[:2]], workers=1)
    # (recheck_days=0: no revision is looked for, see the revision tests)
    summary = sync(fresh_store, base_url=api.url, recheck_days=0, **FAST)
    assert (summary.added, summary.skipped_existing, summary.official_areas) == (3, 2, 5)
    assert api.counts[f"/api/history/{IDS[0]}/geojson"] == 0
    first = fresh_store.snapshots("deepstate")[0]
    assert fresh_store.official_areas(first.id)


def test_since_keeps_only_the_maps_from_that_day_on(api, fresh_store):
    summary = sync(fresh_store, since=dt.date(2024, 11, 21), base_url=api.url, **FAST)
    assert summary.added == 3
    assert [s.date for s in fresh_store.snapshots("deepstate")] == [dt.date(2024, 11, d) for d in (21, 22, 23)]


def test_until_keeps_only_the_maps_up_to_that_day(api, fresh_store):
    summary = sync(fresh_store, until=dt.date(2024, 11, 19), base_url=api.url, **FAST)
    assert (summary.added, summary.skipped_existing) == (1, 0)
    assert api.counts[f"/api/history/{IDS[1]}/geojson"] == 0


def test_a_corrupt_or_pointless_map_fails_alone_until_the_next_sync(api, fresh_store):
    """A truncated map and a map of points only: one line each naming the map, the three others
    stored, and the next sync tries only the two that failed."""
    api.bodies[f"/api/history/{IDS[1]}/geojson"] = b'{"type": "FeatureCollection", "features": [{"type": '
    api.bodies[f"/api/history/{IDS[3]}/geojson"] = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [37.5, 48.0]}}]}).encode()
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert summary.added == 3
    assert len(summary.errors) == 2
    assert str(IDS[1]) in summary.errors[0] and "truncated JSON" in summary.errors[0]
    assert str(IDS[3]) in summary.errors[1] and "no control-area polygons" in summary.errors[1]
    assert all("\n" not in e for e in summary.errors)
    # The next sync tries only the two that failed.
    api.bodies.clear()
    again = sync(fresh_store, base_url=api.url, **FAST)
    assert (again.added, again.skipped_existing, again.errors) == (2, 3, [])


# ------------------------------------------------------------------ revisions

def test_a_map_revised_after_it_was_stored_is_replaced_under_its_id(api, fresh_store, history_dir):
    """22 November's map is stored; the map maker then revises it (its updatedAt moves on, its
    geojson changes: here the real next map's body stands for the revised one). The next sync
    fetches it again, replaces it under the same store id, and counts it as revised."""
    sync(fresh_store, base_url=api.url, **FAST)
    before = {s.source_id: s for s in fresh_store.snapshots("deepstate")}
    old = before[str(IDS[3])]
    old_layers = fresh_store.layer_hashes(old.id)
    api.updated[IDS[3]] = "2024-11-24T09:00:00.000Z"
    api.bodies[f"/api/history/{IDS[3]}/geojson"] = (history_dir / f"{IDS[4]}.geojson").read_bytes()
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert (summary.revised, summary.added, summary.errors) == (1, 0, [])
    assert api.counts[f"/api/history/{IDS[3]}/geojson"] == 2
    assert all(api.counts[f"/api/history/{i}/geojson"] == 1 for i in IDS if i != IDS[3])
    after = {s.source_id: s for s in fresh_store.snapshots("deepstate")}
    assert after[str(IDS[3])].id == old.id and after[str(IDS[3])].taken_at == old.taken_at
    assert fresh_store.layer_hashes(old.id) != old_layers
    assert fresh_store.layer_hashes(old.id) == fresh_store.layer_hashes(after[str(IDS[4])].id)
    assert fresh_store.official_areas(old.id)  # the figures were fetched again with it
    # Known now: the next sync fetches nothing.
    again = sync(fresh_store, base_url=api.url, **FAST)
    assert (again.revised, again.requests) == (0, 1)


def test_a_revised_map_is_no_longer_what_an_older_file_of_it_gives(api, fresh_store, history_dir):
    """A map ingested from a file, then revised on the site: the file no longer stands for the
    stored map (its record is dropped with the old content), so ingesting it again is a conflict
    to decide (--replace), not a silent 'unchanged'."""
    from frontwatch.ingest import ingest

    f = history_dir / f"{IDS[3]}.geojson"
    assert ingest(fresh_store, [f], workers=1).added == 1
    api.updated[IDS[3]] = "2024-11-24T09:00:00.000Z"
    api.bodies[f"/api/history/{IDS[3]}/geojson"] = (history_dir / f"{IDS[4]}.geojson").read_bytes()
    assert sync(fresh_store, base_url=api.url, **FAST).revised == 1
    again = ingest(fresh_store, [f], workers=1)
    assert (again.unchanged, again.added) == (0, 0)
    assert len(again.errors) == 1 and "already stored with other content (use --replace to overwrite)" in again.errors[0]


def test_a_revision_of_an_old_map_is_not_looked_for(api, fresh_store):
    """Only the maps of the last ``recheck_days`` days of the listing are fetched again."""
    sync(fresh_store, base_url=api.url, **FAST)
    api.updated[IDS[0]] = "2024-11-24T09:00:00.000Z"  # 19 November: 4 days before the newest map
    assert sync(fresh_store, base_url=api.url, recheck_days=3, **FAST).revised == 0
    assert api.counts[f"/api/history/{IDS[0]}/geojson"] == 1
    summary = sync(fresh_store, base_url=api.url, recheck_days=7, **FAST)
    assert summary.requests == 3 and summary.unchanged == 1  # fetched again; the same content
    assert api.counts[f"/api/history/{IDS[0]}/geojson"] == 2


def test_maps_stored_from_files_are_rechecked_once_when_the_site_says_they_were_revised(api, fresh_store, history_dir):
    """A map ingested from a file has no known version: if the listing says it was revised after
    publication (all five were, within an hour), it is fetched once, and known from then on."""
    from frontwatch.ingest import ingest

    ingest(fresh_store, [history_dir / f"{i}.geojson" for i in IDS], workers=1)
    first = sync(fresh_store, base_url=api.url, **FAST)
    assert (first.added, first.revised, first.unchanged) == (0, 0, 5)  # the files were the final versions
    assert api.geojson_requests() == 5
    again = sync(fresh_store, base_url=api.url, **FAST)
    assert api.geojson_requests() == 5 and again.requests == 1


# ------------------------------------------------------------------ failures: one line each, and a fallback

@pytest.mark.parametrize("answer, expected", [
    ((403, HTML, CDN_403), r'^127\.0\.0\.1:\d+/api/history/public: HTTP 403 Forbidden \(an HTML page: "Attention Required! \| Cloudflare"\)$'),
    ((200, HTML, MAINTENANCE), r'^127\.0\.0\.1:\d+/api/history/public: an HTML page: "deepstatemap\.live is under maintenance" in place of the API\'s data \(HTTP 200\)$'),
    ((404, {}, b'{"statusCode":404,"message":"Not Found"}'), r"^127\.0\.0\.1:\d+/api/history/public: HTTP 404 Not Found$"),
    (("truncate", {}, b""), r"^127\.0\.0\.1:\d+/api/history/public: truncated body \(received [\d,]+ of [\d,]+ bytes\), 2 tries$"),
])
def test_a_listing_that_is_no_listing_is_one_line(api, fresh_store, answer, expected):
    api.script["/api/history/public"].extend([answer] * 2)
    with pytest.raises(BadResponse) as info:
        sync(fresh_store, base_url=api.url, retries=1, **{**FAST})
    assert re.match(expected, str(info.value)), str(info.value)
    assert fresh_store.snapshots("deepstate") == []


def test_a_listing_slower_than_the_timeout_is_unreachable_in_one_line(api, fresh_store):
    api.slow_s = 1.5
    api.script["/api/history/public"].extend([("slow", {}, b"")] * 2)
    with pytest.raises(SourceUnreachable) as info:
        sync(fresh_store, base_url=api.url, retries=1, min_interval=0, backoff=0, timeout=0.3)
    assert re.fullmatch(r"127\.0\.0\.1:\d+ unreachable \(timed out after 0\.3 s\)", str(info.value))


def test_a_truncated_body_is_tried_again(api, fresh_store):
    api.script[f"/api/history/{IDS[2]}/geojson"].append(("truncate", {}, b""))
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert (summary.added, summary.errors) == (5, [])
    assert api.counts[f"/api/history/{IDS[2]}/geojson"] == 2


def test_a_map_that_is_missing_or_cut_short_fails_alone_in_one_line(api, fresh_store):
    """A map the site answers 404 for and one cut short on every try: one line each naming the
    map, the URL and the reason; the three others stored."""
    api.script[f"/api/history/{IDS[1]}/geojson"].append((404, {}, b'{"message":"Not Found"}'))
    api.script[f"/api/history/{IDS[3]}/geojson"].extend([("truncate", {}, b"")] * 3)
    summary = sync(fresh_store, base_url=api.url, retries=2, **FAST)
    assert summary.added == 3
    assert len(summary.errors) == 2
    assert re.fullmatch(rf"map {IDS[1]}: 127\.0\.0\.1:\d+/api/history/{IDS[1]}/geojson: HTTP 404 Not Found", summary.errors[0])
    assert re.fullmatch(rf"map {IDS[3]}: 127\.0\.0\.1:\d+/api/history/{IDS[3]}/geojson: truncated body "
                        r"\(received [\d,]+ of [\d,]+ bytes\), 3 tries", summary.errors[1])


def test_a_site_that_starts_refusing_mid_run_ends_the_sync_keeping_what_was_fetched(api, fresh_store):
    """A 403 on the third map: the two fetched are stored, the refusal is named, the two maps
    not fetched are counted, and no more maps are asked for."""
    api.script[f"/api/history/{IDS[2]}/geojson"].append((403, HTML, CDN_403))
    summary = sync(fresh_store, base_url=api.url, **FAST)
    assert summary.added == 2
    assert str(IDS[2]) in summary.errors[0] and "HTTP 403 Forbidden" in summary.errors[0]
    assert re.fullmatch(r"2 more maps not fetched: 127\.0\.0\.1:\d+ refused \(HTTP 403 Forbidden \(an HTML page: "
                        r"\"Attention Required! \| Cloudflare\"\)\)", summary.errors[1])
    assert api.geojson_requests() == 3  # it did not go on asking for maps it is refused


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


@pytest.fixture(scope="module")
def paced_sync(history_dir, recorded, tmp_path_factory):
    """A sync with min_interval=0.25 s against a site of its own, on a clock that moves only when
    the client waits (no real time involved): the User-Agent of each request and the waits."""
    fake = RecordedDeepState(history_dir, *recorded)
    fake.thread.start()
    now, slept = [0.0], []

    def sleep(s):
        slept.append(s)
        now[0] += s

    try:
        with Store(tmp_path_factory.mktemp("paced") / "live.duckdb") as st:
            sync(st, base_url=fake.url, min_interval=0.25, backoff=0, sleep=sleep, clock=lambda: now[0])
    finally:
        fake.stop()
    return list(fake.user_agents), slept


def test_requests_are_spaced_by_min_interval(paced_sync):
    user_agents, slept = paced_sync
    # 11 requests (listing + 5 maps + 5 area lists); each after the first waits its turn.
    assert len(user_agents) == 11
    assert slept == [0.25] * 10


def test_requests_name_frontwatch_in_their_user_agent(paced_sync):
    user_agents, _ = paced_sync
    assert all(ua.startswith("frontwatch/") for ua in user_agents)


def test_a_site_failing_mid_run_keeps_what_was_fetched_naming_what_was_not(api, fresh_store):
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


# ------------------------------------------------------------------ the first sync

DEC = dict(first=dt.datetime(2024, 12, 1, tzinfo=UTC), as_of=dt.datetime(2024, 12, 31, 23, 59, tzinfo=UTC))


def test_a_first_sync_says_up_front_what_it_will_fetch(site, fresh_store):
    dec = site(**DEC)
    plans = []
    summary = sync(fresh_store, base_url=dec.url, on_plan=plans.append, **FAST)
    [plan] = plans
    assert plan.first and plan.maps == summary.added == len(dec.entries()) == 29  # December 2024
    assert plan.requests == 58 and plan.bytes == 29 * 600_000 and plan.revisions == 0
    assert plan.newest == dt.date(2024, 12, 31)


def test_an_interrupted_first_sync_resumes_where_it_stopped(site, fresh_store):
    """Stopped (Ctrl-C) after 11 maps: the maps of the whole batches fetched are stored, and the
    next sync fetches only the others."""
    dec = site(**DEC)

    def stop_after_11(done, total):
        if done == 11:
            raise KeyboardInterrupt

    first = sync(fresh_store, base_url=dec.url, progress=stop_after_11, **FAST)
    assert first.interrupted and first.added == 11
    assert len(fresh_store.snapshots("deepstate")) == 11 and dec.geojson_requests() == 11
    second = sync(fresh_store, base_url=dec.url, **FAST)
    assert (second.added, second.skipped_existing, second.errors) == (18, 11, [])
    assert dec.geojson_requests() == 29
    assert len(fresh_store.snapshots("deepstate")) == 29


def test_a_first_sync_cut_off_by_the_site_going_away_resumes_too(site, fresh_store):
    dec = site(**DEC)
    ids = [e["id"] for e in dec.entries()]
    dec.script[f"/api/history/{ids[20]}/geojson"].extend([(503, {}, b"down")] * 2)
    first = sync(fresh_store, base_url=dec.url, retries=1, **FAST)
    assert first.added == 20 and first.errors[-1].startswith("8 more maps not fetched")
    second = sync(fresh_store, base_url=dec.url, **FAST)
    assert (second.added, second.errors) == (9, []) and len(fresh_store.snapshots("deepstate")) == 29


def test_the_main_jobs_first_sync_takes_the_last_twelve_months(recorded, fresh_store):
    listing, _ = recorded
    entries, _ = parse_listing(listing)
    newest = entries[-1].taken_at.date()
    assert first_run_since(fresh_store, newest) == dt.date(2025, 8, 21)
    year = [e for e in entries if e.taken_at.date() >= dt.date(2025, 8, 21)]
    assert len(year) == 358  # a year of the recorded listing: 358 maps, not 1,734


# ------------------------------------------------------------------ the commands

def test_cli_sync_prints_the_summary_with_exit_status_0(api, tmp_path):
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["sync", "deepstate", "--base-url", api.url, "--min-interval", "0",
                                    "--store", str(tmp_path / "s.duckdb"), "--format", "json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)[0]
    assert (rec["added"], rec["listed"], rec["errors"], rec["notes"], rec["official_areas"]) == (5, 5, [], 5, 5)
    assert rec["last"] == "2024-11-23 20:53:00 UTC"


def test_cli_first_sync_says_its_plan(site, tmp_path):
    from frontwatch.faces.cli import main

    dec = site(**DEC)
    res = CliRunner().invoke(main, ["sync", "--base-url", dec.url, "--min-interval", "0", "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines()[0] == ("sync: 29 maps to fetch (about 17 MB, 58 requests, at least 0 s at the polite "
                                         "pace); it can be interrupted and resumes where it stopped; --since YYYY-MM-DD "
                                         "fetches fewer")


def test_an_interrupted_cli_sync_says_how_to_go_on(site, tmp_path, monkeypatch):
    """Ctrl-C at the third map: exit 130, and the last line counts the maps stored and names the
    command that goes on from there."""
    from frontwatch.faces.cli import main
    import frontwatch.sources.live as live

    real = live.fetch_snapshot
    calls = []

    def interrupted(client, entry):
        calls.append(entry.id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(client, entry)

    monkeypatch.setattr(live, "fetch_snapshot", interrupted)
    dec2 = site(first=dt.datetime(2024, 11, 1, tzinfo=UTC), as_of=DEC["as_of"])
    res = CliRunner().invoke(main, ["sync", "--base-url", dec2.url, "--min-interval", "0", "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 130
    assert res.stderr.strip().splitlines()[-1] == "interrupted: 2 maps stored; `frontwatch sync deepstate` goes on from there"


def test_cli_sync_exits_1_when_a_map_failed(api, tmp_path):
    from frontwatch.faces.cli import main

    api.bodies[f"/api/history/{IDS[0]}/geojson"] = b"not json"
    res = CliRunner().invoke(main, ["sync", "--base-url", api.url, "--min-interval", "0",
                                    "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 1
    assert f"error: map {IDS[0]}:" in res.stderr
    assert re.search(r"added\s+4", res.stdout)


@pytest.mark.parametrize("answer, reason", [
    ((403, HTML, CDN_403), 'HTTP 403 Forbidden (an HTML page: "Attention Required! | Cloudflare")'),
    ((200, HTML, MAINTENANCE), 'an HTML page: "deepstatemap.live is under maintenance" in place of the API\'s data (HTTP 200)'),
])
def test_cli_sync_on_a_refused_listing_is_one_line_saying_what_the_store_holds(api, tmp_path, history_dir, answer, reason):
    from frontwatch.faces.cli import main
    from frontwatch.ingest import ingest

    with Store(tmp_path / "s.duckdb") as st:
        ingest(st, [history_dir / f"{i}.geojson" for i in IDS[:2]], workers=1)
    api.script["/api/history/public"].append(answer)
    res = CliRunner().invoke(main, ["sync", "--base-url", api.url, "--min-interval", "0", "--retries", "0",
                                    "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 2
    [line] = res.stderr.strip().splitlines()
    age = (dt.datetime.now(UTC).date() - dt.date(2024, 11, 20)).days
    assert line == (f"error: {api.url[7:]}/api/history/public: {reason}; nothing synced; the store holds 2 maps, "
                    f"the latest of 2024-11-20 ({age} days old)")


def test_cli_sync_on_a_listing_slower_than_the_timeout_is_one_line_saying_what_the_store_holds(api, tmp_path, history_dir):
    from frontwatch.faces.cli import main
    from frontwatch.ingest import ingest

    with Store(tmp_path / "s.duckdb") as st:
        ingest(st, [history_dir / f"{i}.geojson" for i in IDS], workers=1)
    api.slow_s = 1.5
    api.script["/api/history/public"].append(("slow", {}, b""))
    res = CliRunner().invoke(main, ["sync", "--base-url", api.url, "--timeout", "0.3", "--retries", "0",
                                    "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 2
    [line] = res.stderr.strip().splitlines()
    assert line.startswith(f"error: {api.url[7:]} unreachable (timed out after 0.3 s); nothing synced; the store holds "
                           "5 maps, the latest of 2024-11-23 (")


def test_cli_sync_exits_2_with_one_line_when_unreachable(tmp_path):
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["sync", "deepstate", "--base-url", _dead_url(), "--retries", "0",
                                    "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "unreachable (ConnectionError" in lines[0] and "the store holds no maps" in lines[0]


def test_cli_sync_names_the_known_sources():
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["sync", "liveuamap"])
    assert res.exit_code == 2
    assert "deepstate" in res.stderr


@pytest.fixture(scope="module")
def main_job_run(history_dir, recorded, borders_file, tmp_path_factory):
    """`frontwatch run --format json` online into an empty store, against a site of its own (the
    real maps of 19-23 November 2024): the CLI's result, the store and the site (kept running)."""
    from frontwatch.faces.cli import main

    fake = RecordedDeepState(history_dir, *recorded)
    fake.thread.start()
    store = tmp_path_factory.mktemp("main-job") / "main.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONTWATCH_DEEPSTATE_URL", fake.url)
        res = CliRunner().invoke(main, ["run", "--store", str(store), "--borders", str(borders_file), "--format", "json"])
    yield res, store, fake
    fake.stop()


def test_main_job_online_reports_on_the_last_map_it_synced(main_job_run):
    """`frontwatch run` online (the site here: the local server with the real maps of 19-23
    November 2024): the maps are synced into an empty store, one line says the plan of this first
    sync and one how many went in, and the report is that of the last map, with DeepStateMap's own
    figure of the ground Ukraine held in Russia."""
    res, _, api = main_job_run
    assert res.exit_code == 0, res.output
    assert res.stderr.strip().splitlines()[1:] == ["synced deepstatemap.live: 5 new maps"]
    assert res.stderr.startswith("first sync: 5 maps to fetch from 2023-11-24 (about 3 MB, 10 requests")
    rep = json.loads(res.stdout)[0]
    assert rep["region"] == "RUS" and rep["date"] == "2024-11-23" and rep["snapshots"] == 5
    held = {r["status"]: r for r in rep["areas"]}["ukraine_held"]
    assert held["km2"] == pytest.approx(555.7, abs=0.1)
    assert held["official_km2"] == pytest.approx(557.1, abs=0.1)  # the map maker's #01579b figure of 23 November
    assert api.geojson_requests() == 5


def test_main_job_run_again_gives_the_same_report_without_fetching(main_job_run, borders_file, monkeypatch):
    from frontwatch.faces.cli import main

    res, store, api = main_job_run
    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", api.url)
    rep = json.loads(res.stdout)[0]
    again = CliRunner().invoke(main, ["run", "--store", str(store), "--borders", str(borders_file), "--format", "json"])
    assert again.exit_code == 0 and again.stderr.strip().splitlines() == ["synced deepstatemap.live: 0 new maps"]
    assert json.loads(again.stdout)[0]["areas"] == rep["areas"] and api.geojson_requests() == 5


def test_main_jobs_table_gives_the_map_makers_figure_in_words(main_job_run, borders_file):
    from frontwatch.faces.cli import main

    _, store, _ = main_job_run
    table = CliRunner().invoke(main, ["run", "--offline", "--store", str(store), "--borders", str(borders_file),
                                      "--date", "2024-11-22"])
    assert "held by Ukraine: DeepStateMap's own figure: 571 km2; measured here: 569.5 km2" in table.stdout


def test_main_jobs_first_run_leaves_the_older_history_to_sync(site, tmp_path, borders_file, monkeypatch):
    """The site lists monthly maps from October 2023 and the maps of 19-23 November 2024: a first
    `frontwatch run` takes the year before the newest map (from 24 November 2023: six maps) and
    says how to get the two older ones."""
    from frontwatch.faces.cli import main

    fake = site(first=dt.datetime(2023, 10, 1, tzinfo=UTC))
    keep = {e["id"] for e in fake.entries() if _created(e) >= NOV19 or _created(e).day <= 2 and _created(e).year == 2023}
    fake.all_entries = [e for e in fake.all_entries if e["id"] in keep]
    assert len(fake.entries()) == 8
    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", fake.url)
    res = CliRunner().invoke(main, ["run", "--store", str(tmp_path / "m.duckdb"), "--borders", str(borders_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    lines = res.stderr.strip().splitlines()
    assert lines[0].startswith("first sync: 6 maps to fetch from 2023-11-24 (")
    assert lines[0].endswith("; the 2 older maps: frontwatch sync deepstate")
    assert lines[1] == "synced deepstatemap.live: 6 new maps"


@pytest.mark.parametrize("answer, reason", [
    ((403, HTML, CDN_403), 'HTTP 403 Forbidden (an HTML page: "Attention Required! | Cloudflare")'),
    ((200, HTML, MAINTENANCE), 'an HTML page: "deepstatemap.live is under maintenance" in place of the API\'s data (HTTP 200)'),
    (("truncate", {}, b""), "truncated body"),
])
def test_main_job_on_a_refused_listing_reports_from_the_store_with_one_warning(api, tmp_path, borders_file, history_dir,
                                                                               monkeypatch, answer, reason):
    from frontwatch.faces.cli import main
    from frontwatch.ingest import ingest

    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", api.url)
    store = tmp_path / "main.duckdb"
    with Store(store) as st:
        ingest(st, [history_dir / f"{i}.geojson" for i in IDS], workers=1)
    api.script["/api/history/public"].extend([answer] * 3)
    res = CliRunner().invoke(main, ["run", "--store", str(store), "--borders", str(borders_file)])
    assert res.exit_code == 0, res.output
    [line] = res.stderr.strip().splitlines()
    age = (dt.datetime.now(UTC).date() - dt.date(2024, 11, 23)).days
    assert line.startswith(f"warning: {api.url[7:]}/api/history/public: {reason}")
    assert line.endswith(f"; reporting from the store as it is: 5 maps, the latest of 2024-11-23 ({age} days old)")
    assert res.stdout.startswith("frontwatch report: Kursk incursion (Ukrainian-held ground in Russia)\nmap of 2024-11-23")


def test_main_job_on_a_refused_listing_with_an_empty_store_exits_2(api, tmp_path, borders_file, monkeypatch):
    from frontwatch.faces.cli import main

    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", api.url)
    api.script["/api/history/public"].append((403, HTML, CDN_403))
    res = CliRunner().invoke(main, ["run", "--store", str(tmp_path / "e.duckdb"), "--borders", str(borders_file)])
    assert res.exit_code == 2
    [line] = res.stderr.strip().splitlines()
    assert line.startswith(f"error: {api.url[7:]}/api/history/public: HTTP 403 Forbidden")
    assert "the store has no maps; to run the same job on a local archive: frontwatch ingest PATH" in line
    assert res.stdout == ""


def test_main_job_offline_reports_from_the_store_after_one_line_saying_so(api, tmp_path, borders_file, history_dir,
                                                                          monkeypatch):
    from frontwatch.faces.cli import main
    from frontwatch.ingest import ingest

    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", _dead_url())
    store = tmp_path / "off.duckdb"
    with Store(store) as st:
        ingest(st, [history_dir / f"{i}.geojson" for i in IDS], workers=1)
    res = CliRunner().invoke(main, ["run", "--store", str(store), "--borders", str(borders_file)])
    assert res.exit_code == 0, res.output
    [line] = res.stderr.strip().splitlines()
    assert " unreachable (ConnectionError: " in line and "frontwatch ingest PATH && frontwatch run --offline" in line
    assert "reporting from the store as it is: 5 maps, the latest of 2024-11-23" in line


def test_a_big_sync_off_a_terminal_reports_its_progress_with_the_time_left(capsys):
    """Off a terminal (a log, a cron job), a sync of 50 maps or more writes a line every tenth,
    with the time left at the pace so far."""
    from frontwatch.faces.cli.sync import ProgressLines

    now = [0.0]
    lines = ProgressLines("table", "sync", clock=lambda: now[0])
    lines.lines = True  # as off a terminal (pytest's stderr may be either)
    for done in range(1, 201):
        now[0] += 2.0  # two seconds a map
        lines(done, 200)
    lines.close()
    out = capsys.readouterr().err.strip().splitlines()
    assert len(out) == 10
    assert out[0] == "sync: 20 of 200 maps, 38 s so far, about 6 min left"
    assert out[4] == "sync: 100 of 200 maps, 3 min so far, about 3 min left"
    assert out[-1] == "sync: 200 of 200 maps, 7 min so far, about 0 s left"


def test_the_plan_line_names_the_older_maps_a_first_run_leaves_for_later():
    from frontwatch.faces.cli.sync import describe_plan
    from frontwatch.sources.live import SyncPlan

    plan = SyncPlan(maps=358, revisions=0, official_only=0, requests=716, bytes=358 * 600_000, min_seconds=358.0,
                    first=True, since=dt.date(2025, 8, 21), newest=dt.date(2026, 8, 21), older=1376)
    assert describe_plan(plan, "first sync") == (
        "first sync: 358 maps to fetch from 2025-08-21 (about 215 MB, 716 requests, at least 6 min at the polite pace); "
        "it can be interrupted and resumes where it stopped; the 1,376 older maps: frontwatch sync deepstate")
    whole = SyncPlan(maps=1734, revisions=0, official_only=0, requests=3468, bytes=1734 * 600_000, min_seconds=1734.0,
                     first=True, since=None, newest=dt.date(2026, 8, 21))
    assert describe_plan(whole) == (
        "sync: 1,734 maps to fetch (about 1.0 GB, 3,468 requests, at least 29 min at the polite pace); it can be "
        "interrupted and resumes where it stopped; --since YYYY-MM-DD fetches fewer")
    routine = SyncPlan(maps=1, revisions=1, official_only=0, requests=4, bytes=1_200_000, min_seconds=2.0, first=False,
                       since=None, newest=dt.date(2026, 8, 21))
    assert describe_plan(routine) is None
