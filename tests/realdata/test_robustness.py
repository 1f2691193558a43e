"""Abuse, faults and load (issue 25), and the store while the web map is open (issue 23).

Each test reproduces one defect of issue 25 on real data and fails on the code before its fix:
claims work bounded at the service (1), bounded display answers (2), archive bombs (3), a
truncated store (4), a full disk mid-ingest (5), kill -9 of an ingest (6), a mistyped --store
(7), GET requests growing the store (8), statuses and messages (9), a cold service (11); and
`frontwatch area` and `frontwatch ingest` run against a store a live `frontwatch serve` uses.

Real data: the shared session store (every snapshot of ../shared/data/deepstate/history and the
OSM borders of ../shared/data/borders), copied where a test damages or writes it; history files
of ../shared/data/deepstate/history; the seed article ../shared/data/articles. Services are
started by the tests on 127.0.0.1; no network.
"""
from __future__ import annotations

import concurrent.futures as cf
import gzip
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile

import pytest

fastapi = pytest.importorskip("fastapi", reason="the web service needs fastapi (pip install fastapi uvicorn)")
import httpx  # noqa: E402
import psutil  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from frontwatch.faces.cli import main  # noqa: E402
from frontwatch.faces.service import ServiceConfig, create_app  # noqa: E402
from frontwatch.faces.service.server import running_server  # noqa: E402
from frontwatch.ingest import ingest  # noqa: E402
from frontwatch.store import Store  # noqa: E402

TOKEN = "robust-token-1"
DAY = "2024-11-24"


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait(predicate, seconds=30.0, step=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def _copy_store(store_path, folder):
    dst = folder / "copy.duckdb"
    shutil.copyfile(store_path, dst)
    return dst


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "FRONTWATCH_TOKEN"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _cli(*args, env=None, timeout=600, **kwargs):
    return subprocess.run([sys.executable, "-m", "frontwatch.faces.cli", *map(str, args)], capture_output=True,
                          text=True, env=env or _env(), timeout=timeout, **kwargs)


def _error_lines(stderr: str) -> list[str]:
    """What a person reads on stderr: progress bars (carriage returns) left out."""
    return [ln for ln in stderr.splitlines() if ln.strip() and "\r" not in ln and "it/s" not in ln]


# ------------------------------------------------------------------ 1: claims work bounded at the service

@pytest.fixture(scope="module")
def claims_over_budget(store_path):
    """Two texts of 500 distinct checkable claims (a town, a period and an area each: about
    half a minute of checking) posted with a 1 s budget to a service of two claims workers, and
    an area query asked meanwhile; then the text of a normal claim with a 30 s budget. Returns
    what was seen: the answers, the pool's count of killed workers, whether the first workers
    were gone within 10 s and fresh ones idle within 120 s. Run once for the tests below (the
    claims work takes about half a minute)."""
    seen = {}
    towns = ("Pokrovsk", "Kurakhove", "Toretsk", "Chasiv Yar", "Vuhledar", "Sudzha", "Kupiansk", "Siversk")
    texts = [" ".join(f"Russian forces took {17 + i} square kilometres near {towns[i % len(towns)]} in the "
                      f"{i % 27 + 2} days to {['August', 'September', 'October', 'November'][i % 4]} "
                      f"{i % 28 + 1}, 2024{tail}." for i in range(500)) for tail in ("", ", a source said")]
    app = create_app(ServiceConfig(store_path=store_path, claims_timeout_s=1.0, claims_workers=2))
    pool = app.state.frontwatch.claims
    with running_server(app=app) as base, httpx.Client(base_url=base, timeout=120) as http:
        pool.start()
        seen["started"] = _wait(lambda: len(pool.pids()) == 2 and pool._idle.qsize() == 2, 60)
        before = set(pool.pids())
        with cf.ThreadPoolExecutor(3) as ex:
            claims = [ex.submit(http.post, "/api/claims/check", json={"text": t}) for t in texts]
            time.sleep(0.3)
            area = ex.submit(http.get, "/api/area", params={"region": "bbox:36.5,47.5,37.5,48.5", "date": DAY})
            seen["answers"] = [f.result() for f in claims]
            seen["area"] = area.result()
        seen["killed"] = pool.killed
        seen["first_workers_gone"] = _wait(lambda: all(_gone(pid) for pid in before), 10)
        seen["fresh_workers_idle"] = _wait(
            lambda: len(pool.pids()) == 2 and not set(pool.pids()) & before and pool._idle.qsize() == 2, 120)
        # A normal text still answers (with a budget that lets a fresh worker load the gazetteer).
        app.state.frontwatch.config.claims_timeout_s = 30.0
        seen["normal"] = http.post("/api/claims/extract",
                                   json={"text": "Russian forces took 40 square kilometres near Pokrovsk."})
    return seen


def test_a_claims_request_over_its_budget_is_stopped_with_504(claims_over_budget):
    seen = claims_over_budget
    assert seen["started"]
    answers = seen["answers"]
    assert [r.status_code for r in answers] == [504, 504], [r.text for r in answers]
    assert all("stopped" in r.json()["error"] for r in answers)


def test_the_worker_of_a_stopped_claims_request_is_replaced_by_a_fresh_one(claims_over_budget):
    """The worker processes that ran the stopped requests are gone (the work stopped with the
    request, where a thread used to compute on for minutes), fresh workers replace them, and a
    normal text then answers."""
    seen = claims_over_budget
    assert seen["killed"] == 2
    assert seen["first_workers_gone"]
    assert seen["fresh_workers_idle"]
    r = seen["normal"]
    assert r.status_code == 200 and r.json()["claims"], r.text


def test_other_queries_answer_while_claims_work_runs_over_its_budget(claims_over_budget):
    area = claims_over_budget["area"]
    assert area.status_code == 200, area.text


def test_a_claims_text_over_the_service_limit_is_413_before_any_work(store_path):
    app = create_app(ServiceConfig(store_path=store_path))
    with TestClient(app) as c:
        r = c.post("/api/claims/extract", json={"text": "half of " * 40_000})  # 320 KB
        assert r.status_code in (413, 422) and ("too large" in r.text or "text" in r.text), r.text
        assert app.state.frontwatch.claims.started == 0  # no worker was even started
    app.state.frontwatch.close()


# ------------------------------------------------------------------ 2: bounded answers

@pytest.fixture(scope="module")
def small_cache_client(store_path):
    """A service whose answer cache holds at most 3 MB: its test client and its state."""
    app = create_app(ServiceConfig(store_path=store_path, cache_bytes=3 * 1024 * 1024))
    state = app.state.frontwatch
    with TestClient(app) as c:
        yield c, state
    state.close()


def _thirty_border_tolerances(c):
    got = set()
    for i in range(30):
        r = c.get("/api/borders", params={"tolerance": round(0.0003 + i * 0.0017, 4)})
        assert r.status_code == 200
        got.add(r.json()["tolerance"])
    return got


def test_display_tolerances_snap_to_a_few_levels(small_cache_client):
    """Thirty different border tolerances cost at most eight computations (one per level)."""
    from frontwatch.faces.service.app import TOLERANCE_LEVELS

    c, _ = small_cache_client
    got = _thirty_border_tolerances(c)
    assert got <= set(TOLERANCE_LEVELS) and len(got) <= 8


def test_the_answer_cache_is_bounded_in_bytes(small_cache_client):
    """After thirty border answers and twelve days of layers, answers never hold more bytes than
    the cache's bound (each used to be kept: 8 MB apiece)."""
    c, state = small_cache_client
    _thirty_border_tolerances(c)  # (answered from the cache where the test above ran first)
    for i in range(12):
        c.get("/api/layers", params={"date": f"2024-11-{10 + i}", "tolerance": 0.0005})
    assert state.cache_bytes <= 3 * 1024 * 1024
    assert state.cache_bytes == sum(len(v) for v in state.cache.values())


# ------------------------------------------------------------------ 3: archive bombs

def _gzip_zeros(path, mb):
    block = b"\0" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as fh:
        for _ in range(mb):
            fh.write(block)


def test_a_gzip_bomb_is_stopped_at_the_unpacked_limit(tmp_path, monkeypatch):
    """64 MB of zeros gzipped (64 KB) with a limit of 8 MB: one error line naming the file and
    the limit, and no more than the limit (and a block) was ever unpacked."""
    from frontwatch.sources.base import gunzip_capped

    monkeypatch.setenv("FRONTWATCH_MAX_UNPACKED_MB", "8")
    bomb = tmp_path / "1732311864.geojson.gz"
    _gzip_zeros(bomb, 64)
    assert bomb.stat().st_size < 200_000
    with Store(tmp_path / "s.duckdb") as st:
        summary = ingest(st, bomb)
    assert summary.errors == [f"{bomb}: gzip unpacks to more than 8 MB (the limit for one map file; "
                              "$FRONTWATCH_MAX_UNPACKED_MB raises it)"]
    seen = []
    with pytest.raises(ValueError, match="more than 8 MB"):
        gunzip_capped([bomb.read_bytes()], 8 << 20, lambda b: seen.append(len(b)))
    assert sum(seen) <= (8 << 20) + (1 << 20)


def test_archives_larger_unpacked_than_the_cap_are_refused_before_unpacking(history_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTWATCH_MAX_ARCHIVE_MB", "1")
    files = sorted(history_dir.glob("*.geojson"))[-2:]  # about 4 MB unpacked
    zpath = tmp_path / "history.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f"history/{f.name}")
    with Store(tmp_path / "s.duckdb") as st:
        summary = ingest(st, zpath)
    assert len(summary.errors) == 1 and summary.errors[0].startswith(f"{zpath}: unpacks to ")
    assert "more than the" in summary.errors[0] and "FRONTWATCH_MAX_ARCHIVE_MB" in summary.errors[0]
    assert summary.added == 0


def test_the_service_refuses_an_upload_that_unpacks_past_its_limit(tmp_path):
    bomb = tmp_path / "1732311864.geojson.gz"
    _gzip_zeros(bomb, 40)
    app = create_app(ServiceConfig(store_path=tmp_path / "w.duckdb", token=TOKEN,
                                   max_unpacked_upload_bytes=8 * 1024 * 1024))
    with TestClient(app) as c:
        r = c.post("/api/ingest", params={"filename": bomb.name}, content=bomb.read_bytes(),
                   headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 413 and "more than 8 MB" in r.json()["error"], r.text
        assert c.get("/api/health").json()["snapshots"] == 0
    app.state.frontwatch.close()


# ------------------------------------------------------------------ 4: a truncated store

def test_a_truncated_store_is_one_line_in_the_cli(store_path, tmp_path):
    bad = _copy_store(store_path, tmp_path)
    os.truncate(bad, bad.stat().st_size // 2)  # truncate -s 50%
    for args in (["area", "--region", "RUS", "--date", DAY], ["snapshots"]):
        r = _cli(*args, "--store", bad)
        assert r.returncode != 0
        lines = _error_lines(r.stderr)
        assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
        assert str(bad) in lines[0] and "damaged" in lines[0] and "backup" in lines[0], lines


def test_a_store_truncated_under_the_service_is_503_in_the_api(store_path, tmp_path):
    good = tmp_path / "good.duckdb"
    shutil.copyfile(store_path, good)
    app = create_app(ServiceConfig(store_path=good))
    with TestClient(app) as c:
        assert c.get("/api/area", params={"region": "RUS", "date": DAY}).status_code == 200
        os.truncate(good, good.stat().st_size // 2)  # under the running service
        time.sleep(0.3)
        for path, params in (("/api/area", {"region": "UKR", "date": "2024-10-01"}), ("/api/health", {})):
            r = c.get(path, params=params)
            assert r.status_code == 503, r.text
            assert str(good) in r.json()["error"] and "damaged" in r.json()["error"]
    app.state.frontwatch.close()


# ------------------------------------------------------------------ 5: a full disk during ingest

def test_a_full_disk_during_ingest_fails_in_one_line_leaving_the_store_as_it_was(history_dir, tmp_path):
    """The store file may grow only 3 MB (RLIMIT_FSIZE: writes past it fail as on a full disk):
    the ingest of the whole history fails in one line, the store still holds its one map, and
    no copy is left behind. (It used to print 40 lines: COMMIT failed, then ROLLBACK raised.)"""
    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        ingest(st, history_dir / "1732311864.geojson")
    limit = store.stat().st_size + 3_000_000

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    r = _cli("ingest", history_dir, "--store", store, preexec_fn=limited)
    assert r.returncode == 1
    lines = _error_lines(r.stderr)
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "cannot write the store" in lines[0] and "as it was" in lines[0]
    with Store(store, read_only=True) as st:
        snaps = st.snapshots()
        assert len(snaps) == 1 and st.layers(snaps[0].id)
    assert not list(tmp_path.glob("s.duckdb.writing-*"))


# ------------------------------------------------------------------ 6: kill -9 of an ingest

@pytest.fixture(scope="module")
def killed_ingest(history_dir, tmp_path_factory):
    """An ingest of a zip of 80 maps into a new store, with two reader processes, killed (kill -9
    of the ingest process alone, not its group) once its readers run and its store copy exists.
    Returns the folders, paths and environment it used, its PID and its reader processes' PIDs."""
    tmp_path = tmp_path_factory.mktemp("killed")
    files = sorted(history_dir.glob("*.geojson"))[-80:]
    zpath = tmp_path / "history.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_STORED) as zf:
        for f in files:
            zf.write(f, f"history/{f.name}")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = _env(TMPDIR=tmp)
    store = tmp_path / "s.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "frontwatch.faces.cli", "ingest", str(zpath), "--store",
                             str(store), "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    try:
        assert _wait(lambda: len([c for c in parent.children() if c.status() != psutil.STATUS_ZOMBIE]) >= 2
                     and list(tmp_path.glob("s.duckdb.writing-*")), 120, 0.02), "no reader processes seen"
        workers = [c.pid for c in parent.children(recursive=True)]
        assert list(tmp.glob(f"frontwatch-archive-{proc.pid}-*"))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    return dict(tmp_path=tmp_path, tmp=tmp, env=env, store=store, zpath=zpath, pid=proc.pid, workers=workers)


def test_kill_9_of_ingest_takes_its_reader_processes_with_it(killed_ingest):
    """Its reader processes exit within seconds (they used to stay, re-parented, 78 MB each)."""
    workers = killed_ingest["workers"]
    assert _wait(lambda: all(_gone(pid) for pid in workers), 15), [p for p in workers if not _gone(p)]


def test_the_ingest_after_a_kill_9_cleans_up_what_the_killed_one_left(killed_ingest):
    """The store is as it was (none), and the next ingest removes the unpacked archive and the
    store copy the killed one left, and stores the 80 maps."""
    k = killed_ingest
    tmp_path, tmp, env, store, zpath = k["tmp_path"], k["tmp"], k["env"], k["store"], k["zpath"]
    _wait(lambda: all(_gone(pid) for pid in k["workers"]), 15)  # as after the test above (it asserts this)
    assert list(tmp.glob(f"frontwatch-archive-{k['pid']}-*")) and list(tmp_path.glob("s.duckdb.writing-*"))
    assert not store.exists()  # nothing was published: the store is as it was (none)
    r = _cli("ingest", zpath, "--store", store, env=env)
    assert r.returncode == 0, r.stderr
    assert not list(tmp.glob("frontwatch-*")) and not list(tmp_path.glob("s.duckdb.writing-*"))
    with Store(store, read_only=True) as st:
        assert len(st.snapshots()) == 80


# ------------------------------------------------------------------ 7: a mistyped --store

@pytest.mark.parametrize("args", [["area", "--region", "RUS"], ["snapshots"], ["peak", "--region", "RUS"],
                                  ["change", "--region", "RUS", "--from", "2024-11-01", "--to", "2024-11-30"],
                                  ["front", "--region", "RUS"], ["claims", "list"]])
def test_read_commands_never_create_a_store(tmp_path, args):
    typo = tmp_path / "frontwach.duckdb"
    r = CliRunner().invoke(main, [*args, "--store", str(typo)])
    assert r.exit_code != 0
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and f"no store at {typo}" in lines[0] and "frontwatch ingest" in lines[0], r.output
    assert not typo.exists() and not list(tmp_path.iterdir())


# ------------------------------------------------------------------ 8: GET requests and the store file

@pytest.fixture(scope="module")
def forty_box_series(store_path, tmp_path_factory):
    """Forty new box series (1,120 measures) through the API of a service on a copy of the store,
    with FRONTWATCH_CACHE_ROWS=300: the copy's path and its stat before and after. Run once for
    the two tests below."""
    store = _copy_store(store_path, tmp_path_factory.mktemp("get"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONTWATCH_CACHE_ROWS", "300")
        before = os.stat(store)
        app = create_app(ServiceConfig(store_path=store))
        with TestClient(app) as c:
            for i in range(40):
                x = 35.0 + 0.1 * i
                r = c.get("/api/area", params={"region": f"bbox:{x:.1f},47.0,{x + 0.5:.1f},48.0", "every": "month",
                                               "from": "2024-06-01"})
                assert r.status_code == 200, r.text
        app.state.frontwatch.close()
        after = os.stat(store)
    return store, before, after


def test_get_requests_never_write_the_store(forty_box_series):
    """The store file is not touched (it used to grow by 2.1 MB)."""
    _, before, after = forty_box_series
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_the_cache_of_get_requests_keeps_at_most_its_bound(forty_box_series, monkeypatch):
    """The cache beside the store keeps at most its bound of figures (300 rows here)."""
    from frontwatch.store import SideCache

    store, _, _ = forty_box_series
    monkeypatch.setenv("FRONTWATCH_CACHE_ROWS", "300")
    rows = Store(store, read_only=True).cache.rows()
    assert 0 < rows <= 300
    assert SideCache(store.with_name(store.name + ".cache")).rows() == rows


# ------------------------------------------------------------------ 9: statuses and messages


@pytest.mark.parametrize("path, params, status, words", [
    ("/api/area", {"region": "RUS", "from": "2024-09-01", "to": "2024-08-01"}, 422, "from (2024-09-01) is after to"),
    ("/api/change", {"region": "RUS", "from": "2024-12-01", "to": "2024-11-01"}, 422, "starts after it ends"),
    ("/api/snapshots", {"from": "2024-12-01", "to": "2024-11-01"}, 422, "starts after it ends"),
    ("/api/settlements", {"near": "Sudzha", "from": "2024-12-01", "to": "2024-11-01"}, 422, "after to"),
    ("/api/peak", {"region": "RUS", "since": "2024-12-01", "until": "2024-11-01"}, 422, "since"),
    ("/api/area", {"region": "bbox:40,50,30,45"}, 422, "min below its max"),
    ("/api/area", {"region": "95.0,30.0:10km"}, 422, "LAT,LON"),
    ("/api/area", {"region": "RUS", "date": DAY, "source": "nosuch"}, 404, "no snapshots of source 'nosuch'"),
    ("/api/snapshots", {"source": "nosuch"}, 404, "the store holds deepstate"),
    ("/api/area", {"region": "RUS", "date": "1990-01-01"}, 404, "no snapshots"),
])
def test_queries_get_the_status_that_says_what_is_wrong(client, path, params, status, words):
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    msg = r.json()["error"]
    assert words in msg and "--" not in msg, msg


def test_a_method_a_path_does_not_take_is_405_with_allow(client):
    r = client.get("/api/claims/extract")
    assert r.status_code == 405 and r.headers["allow"] == "POST" and "POST" in r.json()["error"], r.text
    r = client.put("/api/area", params={"region": "RUS"})
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert client.get("/api/nothing-here").status_code == 404


def test_library_messages_name_query_parameters_not_cli_flags(client):
    from frontwatch.faces.service.app import api_words

    assert api_words("--to (2024-11-24) must be after --from (2024-11-25); give --source deepstate-daily, or "
                     "use --replace") == ("to (2024-11-24) must be after from (2024-11-25); give "
                                          "source=deepstate-daily, or use replace=true")
    r = client.get("/api/advance", params={"near": "Kurakhove", "from": "2024-11-25", "to": "2024-11-24"})
    assert r.status_code in (400, 404, 422), r.text
    assert "--" not in r.json()["error"]


def test_the_cli_refuses_a_reversed_period(store_path):
    r = CliRunner().invoke(main, ["snapshots", "--from", "2024-12-01", "--to", "2024-11-01", "--store", str(store_path)])
    assert r.exit_code != 0 and "starts after it ends" in r.output


def test_the_cli_refuses_an_unknown_source_naming_the_stored_ones(store_path):
    r = CliRunner().invoke(main, ["snapshots", "--source", "nosuch", "--store", str(store_path)])
    assert r.exit_code != 0 and "no snapshots of source 'nosuch'; the store holds deepstate" in r.output
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--date", DAY, "--source", "nosuch", "--store", str(store_path)])
    assert r.exit_code != 0 and "no snapshots of source 'nosuch'" in r.output


def test_an_uploaded_files_error_names_the_file_not_the_servers_folder(tmp_path):
    import tempfile

    app = create_app(ServiceConfig(store_path=tmp_path / "w.duckdb", token=TOKEN))
    with TestClient(app) as c:
        r = c.post("/api/ingest", params={"filename": "1732485298.geojson"}, content=b'{"type": "FeatureColl',
                   headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 400, r.text
        body = r.json()
        for text in [body["error"], *body["errors"]]:
            assert text.startswith("1732485298.geojson: ") and tempfile.gettempdir() not in text, text
    app.state.frontwatch.close()


# ------------------------------------------------------------------ 11: cold service, slow queries

def test_a_warm_service_has_the_map_pages_first_answers_before_it_serves(store_path):
    """With warming on, startup computes what the map page asks first: afterwards those requests
    are answered from the cache, with no computation submitted to any pool. (A cold service
    answered its first minute of visitors at 5 requests/s, p99 27 s.)"""
    from frontwatch.faces.service.app import warm_queries

    app = create_app(ServiceConfig(store_path=store_path, warm=True, warm_recent=0, claims_workers=1))
    state = app.state.frontwatch
    with TestClient(app) as c:  # startup (lifespan) warms
        submitted = []
        for pool in state.pools.values():
            real = pool.submit
            pool.submit = lambda *a, real=real, **k: submitted.append(a) or real(*a, **k)
        queries = warm_queries(state.store)
        assert len(queries) >= 9
        for path, params in queries:
            assert c.get(path, params=params).status_code == 200, (path, params)
        assert submitted == []
        # Something not warmed is computed.
        assert c.get("/api/area", params={"region": "UKR", "date": "2024-10-01"}).status_code == 200
        assert len(submitted) == 1
    state.close()


def test_one_slow_query_does_not_queue_the_quick_ones(store_path):
    """The pool of slow queries is held busy: a quick query still answers, and a slow one that
    waited its whole budget for a worker is dropped (504), never computed later."""
    app = create_app(ServiceConfig(store_path=store_path, heavy_workers=1, timeout_s=3))
    state = app.state.frontwatch
    release = threading.Event()
    blocker = state.pools["heavy"].submit(release.wait, 60)
    try:
        with TestClient(app) as c:
            r = c.get("/api/area", params={"region": "bbox:37.0,47.0,37.6,47.6", "date": DAY})
            assert r.status_code == 200, r.text
            r = c.get("/api/front", params={"date": "2024-10-02"})
            assert r.status_code == 504 and "dropped" in r.json()["error"], r.text
            assert not state.inflight
    finally:
        release.set()
        blocker.result()
    state.close()


# ------------------------------------------------------------------ issue 23: the store while the map is open

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_live_service_leaves_its_store_open_to_the_cli(history_dir, borders_file, tmp_path):
    """`frontwatch serve` (warm, read-only) on a store of 20 maps; meanwhile `frontwatch area`
    reads it and gives the service's numbers, `frontwatch ingest` adds 5 maps, and the service
    answers from all 25 within seconds, without a restart. (A running service used to lock the
    store: every other command failed with "store is in use".)"""
    files = sorted(history_dir.glob("*.geojson"))[-25:]
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    for f in files[:20]:
        shutil.copy(f, first / f.name)
    for f in files[20:]:
        shutil.copy(f, later / f.name)
    store = tmp_path / "s.duckdb"
    r = _cli("ingest", first, borders_file, "--store", store)
    assert r.returncode == 0, r.stderr
    port = _free_port()
    serve = subprocess.Popen([sys.executable, "-m", "frontwatch.faces.cli", "serve", "--host", "127.0.0.1",
                              "--port", str(port), "--store", str(store)], env=_env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def up():
            try:
                return httpx.get(base + "/api/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False
        assert _wait(up, 180, 0.3), serve.stderr.read() if serve.poll() is not None else "no answer"
        health = httpx.get(base + "/api/health").json()
        assert health["snapshots"] == 20
        day = files[19].stem
        api = httpx.get(base + "/api/area", params={"region": "RUS", "status": "ukraine_held",
                                                   "date": _day(files[19])}, timeout=120).json()
        r = _cli("area", "--region", "RUS", "--status", "ukraine_held", "--date", _day(files[19]), "--store", store,
                 "--format", "json")
        assert r.returncode == 0, r.stderr
        assert [x["km2"] for x in json.loads(r.stdout)] == [x["km2"] for x in api["records"]], day
        r = _cli("ingest", later, "--store", store)
        assert r.returncode == 0, r.stderr
        assert _wait(lambda: httpx.get(base + "/api/health").json()["snapshots"] == 25, 120, 0.3)
        snaps = httpx.get(base + "/api/snapshots").json()["snapshots"]
        assert [s["source_id"] for s in snaps][-5:] == [f.stem for f in files[20:]]
        newest = httpx.get(base + "/api/area", params={"region": "RUS", "date": _day(files[-1])}, timeout=120)
        assert newest.status_code == 200 and newest.json()["records"][0]["date"] == _day(files[-1])
        assert serve.poll() is None
    finally:
        serve.terminate()
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            serve.kill()


def _day(f) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(int(f.stem), dt.timezone.utc).date().isoformat()


def test_a_store_whose_file_ends_in_freed_blocks_is_not_taken_for_truncated(store_path, history_dir, tmp_path):
    """A store written in place (as before this version) where a large table was dropped: the
    checkpoint cut the freed blocks off the file, which DuckDB's total_blocks still counts. It is
    not taken for a truncated store, before or after a writer publishes a new map into it."""
    import duckdb

    store = _copy_store(store_path, tmp_path)
    con = duckdb.connect(str(store))
    con.execute("CREATE TABLE junk AS SELECT repeat('x', 100000) || i AS v FROM range(200) t(i)")
    con.execute("CHECKPOINT")
    con.execute("DROP TABLE junk")
    con.execute("CHECKPOINT")
    con.close()
    with Store(store, read_only=True) as st:
        n = len(st.snapshots())
    new = tmp_path / "1735700000.geojson"
    new.write_bytes(sorted(history_dir.glob("*.geojson"))[-1].read_bytes() + b"\n")
    with Store(store) as st:
        assert ingest(st, new, workers=1).added == 1
    with Store(store, read_only=True) as st:
        assert len(st.snapshots()) == n + 1


def test_a_long_write_publishes_what_it_committed_as_it_goes(history_dir, tmp_path, monkeypatch):
    """A writer publishes its committed batches every PUBLISH_EVERY_S (30 s; 0 here): a reader
    sees the first batch of 32 maps while the ingest of 40 is still reading, and all 40 after."""
    import frontwatch.store as store_mod

    monkeypatch.setattr(store_mod, "PUBLISH_EVERY_S", 0.0)
    folder = tmp_path / "maps"
    folder.mkdir()
    for f in sorted(history_dir.glob("*.geojson"))[:40]:
        shutil.copy(f, folder / f.name)
    path = tmp_path / "s.duckdb"
    seen = {}

    def progress(done, total):
        if done == 40 and path.exists():
            with Store(path, read_only=True) as reader:
                seen[done] = len(reader.snapshots())

    with Store(path) as st:
        assert ingest(st, folder, workers=1, progress=progress).added == 40
    assert seen == {40: 32}
    with Store(path, read_only=True) as st:
        assert len(st.snapshots()) == 40
