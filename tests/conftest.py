"""Shared fixtures. Real-data tests read ../shared (next to the repo) and skip when it is absent."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data"
HISTORY = SHARED / "deepstate" / "history"
DAILY = SHARED / "deepstate" / "occupied-daily"
BORDERS = SHARED / "borders" / "countries-osm.geojson"
ARTICLE = SHARED / "articles" / "kursk-2024-11-24.txt"


def pytest_configure(config):
    """Derived data frontwatch caches across processes (the gazetteer's index) go to a folder of
    this test run, not the user's cache: every run builds it once, as a new machine does."""
    # No download in tests (GeoNames dumps, geoBoundaries regions): what a test needs, it loads.
    os.environ.setdefault("FRONTWATCH_OFFLINE", "1")
    if not os.environ.get("FRONTWATCH_CACHE_DIR"):
        import tempfile

        os.environ["FRONTWATCH_CACHE_DIR"] = config._frontwatch_cache = tempfile.mkdtemp(prefix="frontwatch-test-cache-")


def pytest_unconfigure(config):
    folder = getattr(config, "_frontwatch_cache", None)
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not present: {path} (see ../shared/README.md)")
    return path


@pytest.fixture(scope="session")
def history_dir() -> Path:
    """../shared/data/deepstate/history: raw DeepStateMap snapshots."""
    return _need(HISTORY)


@pytest.fixture(scope="session")
def daily_dir() -> Path:
    """../shared/data/deepstate/occupied-daily: processed daily archive."""
    return _need(DAILY)


@pytest.fixture(scope="session")
def borders_file() -> Path:
    """../shared/data/borders/countries-osm.geojson: OSM land borders."""
    return _need(BORDERS)


@pytest.fixture(scope="session")
def article_file() -> Path:
    """../shared/data/articles/kursk-2024-11-24.txt: the seed article."""
    return _need(ARTICLE)


@pytest.fixture(scope="session")
def store_path(history_dir, borders_file, tmp_path_factory) -> Path:
    """A store holding every snapshot of ../shared/data/deepstate/history and the OSM borders of
    ../shared/data/borders, built once per test session. Tests must not modify it: tests that
    write build their own store. Open it with ``Store(store_path)`` (one DuckDB instance per
    process, so open it read-write like the CLI does)."""
    from frontwatch.ingest import ingest
    from frontwatch.geo.regions import prepare_borders, read_borders_file
    from frontwatch.store import Store

    path = tmp_path_factory.mktemp("store") / "frontwatch.duckdb"
    with Store(path) as st:
        summary = ingest(st, history_dir)
        assert not summary.errors, summary.errors
        st.set_borders(prepare_borders(read_borders_file(borders_file)), origin=str(borders_file))
    return path


@pytest.fixture()
def store(store_path):
    """The shared real-data store, opened for one test."""
    from frontwatch.store import Store

    st = Store(store_path)
    yield st
    st.close()


@pytest.fixture(scope="module")
def client(store_path):
    """A test client of the JSON API over the shared real-data store (read-only, no token), one per
    test module; a module that needs another service makes its own."""
    pytest.importorskip("fastapi", reason="the web service needs fastapi (pip install -e '.[serve]')")
    from fastapi.testclient import TestClient

    from frontwatch.faces.service import ServiceConfig, create_app

    app = create_app(ServiceConfig(store_path=store_path))
    with TestClient(app) as c:
        yield c
    app.state.frontwatch.close()


@contextlib.contextmanager
def gazetteer_in(folder):
    """For the ``with`` block, the gazetteer of the cache folder ``folder`` (FRONTWATCH_CACHE_DIR
    pointed there and the process's gazetteer reloaded), then the one before."""
    from frontwatch.geo import places

    old = os.environ.get("FRONTWATCH_CACHE_DIR")
    os.environ["FRONTWATCH_CACHE_DIR"] = str(folder)
    places.reset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("FRONTWATCH_CACHE_DIR", None)
        else:
            os.environ["FRONTWATCH_CACHE_DIR"] = old
        places.reset()


@pytest.fixture(scope="session")
def wof_cache(tmp_path_factory) -> Path:
    """A cache folder whose gazetteer holds the 34,264 places of
    ../shared/data/places/ua-localities-wof.csv (loaded with `frontwatch places FILE`; cities500
    elsewhere). Point FRONTWATCH_CACHE_DIR at it (and call frontwatch.geo.places.reset()) to use it."""
    from click.testing import CliRunner

    from frontwatch.faces.cli import main
    from frontwatch.geo import places

    wof = _need(SHARED / "places" / "ua-localities-wof.csv")
    folder = tmp_path_factory.mktemp("wof-cache")
    old = os.environ.get("FRONTWATCH_CACHE_DIR")
    os.environ["FRONTWATCH_CACHE_DIR"] = str(folder)
    try:
        res = CliRunner().invoke(main, ["places", str(wof), "--format", "json"])
        assert res.exit_code == 0, res.output
    finally:
        if old is not None:
            os.environ["FRONTWATCH_CACHE_DIR"] = old
        places.reset()
    return folder
