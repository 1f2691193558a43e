"""The local and the Dask engine give identical results: a real `distributed` scheduler with two
worker processes on 127.0.0.1 reads files of ../shared/data/deepstate/history and measures their
layers in the countries of ../shared/data/borders/countries-osm.geojson."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from click.testing import CliRunner

from frontwatch.analysis import measure
from frontwatch.geo import tiling
from frontwatch.faces.cli import main
from frontwatch.analysis.front import front_lines
from frontwatch.analysis.tasks import FORK_MIN_LAYERS, areas_many, clipped_areas
from frontwatch.engine import DaskEngine, EngineError, LocalEngine, get_engine
from frontwatch.ingest import ingest
from frontwatch.geo.regions import resolve_region
from frontwatch.sources.batch import read_files
from frontwatch.store import Store

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                 dashboard_address=None)
    yield c
    c.close()


@pytest.fixture(scope="module")
def dask_engine(cluster):
    e = DaskEngine(cluster.scheduler_address)
    yield e
    e.close()


@pytest.fixture(scope="module")
def some_files(history_dir):
    """Ten snapshots of Aug-Sept 2024 (the Kursk incursion) and two older ones."""
    files = sorted(history_dir.glob("*.geojson"))
    start = int(dt.datetime(2024, 8, 10, tzinfo=dt.timezone.utc).timestamp())
    recent = [f for f in files if int(f.stem) >= start][:10]
    return files[:2] + recent


def test_reading_files_on_the_cluster_gives_the_same_snapshots(dask_engine, some_files):
    local = list(read_files(some_files, engine=LocalEngine(2)))
    remote = list(read_files(some_files, engine=dask_engine))
    assert [r[0] for r in remote] == [str(f) for f in some_files]
    for (pl, sl, el), (pr, sr, er) in zip(local, remote):
        assert el is None and er is None
        assert [s.content_hash() for s in sl] == [s.content_hash() for s in sr]
        assert [s.origin for s in sl] == [s.origin for s in sr] == [str(pl)]
        assert [s.stats for s in sl] == [s.stats for s in sr]


def test_ingest_through_the_cluster_writes_the_same_store(tmp_path, dask_engine, some_files):
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        sa = ingest(a, some_files, engine=LocalEngine(2))
        sb = ingest(b, some_files, engine=dask_engine)
        assert sa.to_record() == sb.to_record()
        assert [s.to_record() for s in a.snapshots()] == [s.to_record() for s in b.snapshots()]


def test_bad_file_is_reported_the_same_way(tmp_path, dask_engine):
    bad = tmp_path / "1700000000.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    local = list(read_files([bad], engine=LocalEngine(1)))
    remote = list(read_files([bad], engine=dask_engine))
    assert local == remote and "truncated JSON" in remote[0][2]


def test_clipped_areas_are_identical_on_the_cluster(dask_engine, store):
    snaps = store.snapshots()[-40::4]
    hashes = store.all_layer_hashes([s.id for s in snaps])
    for iso, statuses in (("RUS", ("ukraine_held", "contested")), ("UKR", ("occupied",))):
        region = resolve_region(iso, store.borders())
        geoms = [store.geometry(h) for h in sorted({h for hs in hashes.values() for st, h in hs.items() if st in statuses})]
        assert clipped_areas(geoms, region, dask_engine) == clipped_areas(geoms, region, LocalEngine(2))


def test_dask_workers_rebuild_a_tiling_from_its_saved_state(store, monkeypatch):
    """What the Dask engine sends its workers with a region: the saved state of its tiling, from
    which a fresh worker rebuilds it without cutting the country again, with the same figures."""
    import pickle

    import shapely

    from frontwatch.analysis import tasks
    from frontwatch.geo import geodesy

    region = resolve_region("UKR", store.borders())
    tiling.prepare_tilings(store, [region])
    hashes = store.all_layer_hashes([s.id for s in store.snapshots()[-5:]])
    wkbs = list(store.geometry_wkbs([hs["occupied"] for hs in hashes.values()]).values())
    expected = clipped_areas(wkbs, region, LocalEngine(1))  # cuts the tiles these layers reach
    [state] = tasks._tiling_states([region], DaskEngine.__new__(DaskEngine))  # one pickled blob (not thousands of message frames)
    saved = pickle.loads(state)
    assert isinstance(state, bytes) and len(saved["gaps"]) > 1000
    assert 0 < (~np.isnan(saved["piece_km2"])).sum() < len(saved["piece_km2"]) / 2  # only the tiles reached
    monkeypatch.setattr(geodesy, "_TILED", {})  # a worker that has no tiling yet
    monkeypatch.setattr(geodesy.TiledRegion, "__init__", lambda *a, **k: pytest.fail("the tiling was made again"))
    # The same figures, and no tile cut again (nothing goes back to the client).
    assert tasks._areas_chunk(wkbs, region.key, shapely.to_wkb(region.geometry), state) == (expected, {})
    assert tasks._areas_many_chunk(wkbs, [(region.key, shapely.to_wkb(region.geometry), state)]) == ([[v] for v in expected], [{}])


def test_forked_local_workers_give_the_serial_figures(store):
    """Enough layers for the local engine to fork its workers (which inherit the tilings):
    the figures are those of one process measuring one layer after another, exactly, for
    geometries and for the WKB the store hands over."""
    snaps = store.snapshots()[-60:]
    hashes = store.all_layer_hashes([s.id for s in snaps])
    region = resolve_region("UKR", store.borders())
    wanted = list(dict.fromkeys(hs["occupied"] for hs in hashes.values()))
    assert len(wanted) >= FORK_MIN_LAYERS
    wkbs = store.geometry_wkbs(wanted)
    forked = clipped_areas([wkbs[h] for h in wanted], region, LocalEngine(2))
    serial = clipped_areas([store.geometry(h) for h in wanted], region, LocalEngine(1))
    assert forked == serial and all(v > 50_000 for v in forked)
    many = areas_many([wkbs[h] for h in wanted], [region, resolve_region("47.98,37.28:15km")], LocalEngine(2))
    assert list(many[:, 0]) == serial


def test_no_fork_while_another_thread_runs(store, history_dir):
    """`frontwatch serve` measures in request threads: forking there copied a lock another thread
    held into the child, which hung (the browser test's place region did, in CI). With another
    thread alive the local engine measures in threads and reads files in spawned processes, with
    the same figures."""
    import threading

    from frontwatch import engine as engine_mod

    snaps = store.snapshots()[-30:]
    wanted = list(dict.fromkeys(hs["occupied"] for hs in store.all_layer_hashes([s.id for s in snaps]).values()))
    region = resolve_region("UKR", store.borders())
    geoms = [store.geometry(h) for h in wanted]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not engine_mod._fork_is_safe() and not LocalEngine(2)._forking(len(wanted), FORK_MIN_LAYERS)
        in_threads = clipped_areas(geoms, region, LocalEngine(2))
        files = sorted(history_dir.glob("*.geojson"))[-4:]
        spawned = [(p, [s_.content_hash() for s_ in snaps_], err) for p, snaps_, err in read_files(files, engine=LocalEngine(2))]
    finally:
        stop.set()
        other.join()
    assert in_threads == clipped_areas(geoms, region, LocalEngine(1))
    serial = [(p, [s_.content_hash() for s_ in snaps_], err) for p, snaps_, err in read_files(files, engine=LocalEngine(1))]
    assert spawned == serial and all(hashes for _, hashes, _ in serial)


def test_many_regions_are_identical_on_the_cluster(dask_engine, store):
    snaps = store.snapshots()[-10:]
    hashes = sorted({h for hs in store.all_layer_hashes([s.id for s in snaps]).values() for h in hs.values()})
    geoms = [store.geometry(h) for h in hashes]
    regions = [resolve_region(s, store.borders()) for s in ("RUS", "51.03,35.27:15km", "47.98,37.28:15km", "bbox:34.8,51.0,35.8,51.6")]
    remote = areas_many(geoms, regions, dask_engine)
    local = areas_many(geoms, regions, LocalEngine(2))
    assert (remote == local).all()
    assert list(local[:, 0]) == clipped_areas(geoms, regions[0], LocalEngine(1))


def test_front_lines_are_identical_on_the_cluster(dask_engine, store):
    pytest.importorskip("frontwatch.analysis.front")
    region = resolve_region("47.98,37.28:15km")
    snaps = [measure.snapshot_on(store, dt.date(2024, 11, d)) for d in (1, 24)]
    layer_sets = [store.layers(s.id) for s in snaps]
    remote = front_lines(layer_sets, store.borders(), region.geometry, dask_engine)
    local = front_lines(layer_sets, store.borders(), region.geometry, LocalEngine(2))
    assert [g.wkb for g in remote] == [g.wkb for g in local]
    assert all(not g.is_empty for g in local)


def _plain(recs):
    """Records with geometries as WKB, for exact comparison."""
    out = []
    for r in recs:
        g = r["geometry"]
        geo = {k: (v.wkb if v is not None else None) for k, v in g.items()} if isinstance(g, dict) else g.wkb
        out.append({**r, "geometry": geo})
    return out


def test_front_series_is_identical_on_the_cluster(dask_engine, store):
    from frontwatch.analysis.front import front

    region = resolve_region("47.98,37.28:25km")
    kw = dict(start=dt.date(2024, 10, 1), end=dt.date(2024, 11, 24), every="week", borders=store.borders())
    here = front(store, region, **kw)
    there = front(store, region, engine=dask_engine, **kw)
    assert len(here) >= 7 and _plain(there) == _plain(here)
    assert all(r["length_km"] > 0 for r in here)


def test_advance_series_is_identical_on_the_cluster(dask_engine, store):
    from frontwatch.analysis.front import advance

    kw = dict(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 24), every="week", borders=store.borders())
    here = advance(store, "Kurakhove", 10.0, **kw)
    there = advance(store, "Kurakhove", 10.0, engine=dask_engine, **kw)
    assert len(here) >= 3 and _plain(there) == _plain(here)
    assert sum(r["russia_gained_km2"] for r in here) > 0


def test_advance_cli_with_dask_engine_prints_the_same_table(cluster, store_path):
    args = ["advance", "--near", "Kurakhove", "--radius", "10km", "--from", "2024-11-01", "--to", "2024-11-24",
            "--every", "week", "--format", "json", "--store", str(store_path)]
    r1 = CliRunner().invoke(main, args)
    r2 = CliRunner().invoke(main, [*args, "--engine", "dask", "--scheduler", cluster.scheduler_address])
    assert r1.exit_code == 0 and r2.exit_code == 0, r2.output
    assert json.loads(r1.stdout) == json.loads(r2.stdout)


def test_area_cli_with_dask_engine_prints_the_same_series(cluster, store_path, tmp_path):
    args = ["area", "--region", "RUS", "--status", "ukraine_held", "--from", "2024-08-01", "--to", "2024-08-31",
            "--every", "week", "--format", "json"]
    # A copy of the store, so the first run cannot fill the cache the second one reads.
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(store_path, copy)
    r1 = CliRunner().invoke(main, [*args, "--store", str(store_path)])
    r2 = CliRunner().invoke(main, [*args, "--store", str(copy), "--engine", "dask", "--scheduler", cluster.scheduler_address])
    assert r1.exit_code == 0 and r2.exit_code == 0, r2.output
    assert json.loads(r1.stdout) == json.loads(r2.stdout)


def test_engine_errors_are_one_line(tmp_path, monkeypatch, some_files):
    with pytest.raises(EngineError, match="unknown engine"):
        get_engine("spark")
    with pytest.raises(EngineError, match="--scheduler"):
        get_engine("dask", None)
    monkeypatch.setenv("FRONTWATCH_DASK_TIMEOUT", "3s")
    store = str(tmp_path / "x.duckdb")
    assert CliRunner().invoke(main, ["ingest", str(some_files[0]), "--store", store]).exit_code == 0
    r = CliRunner().invoke(main, ["area", "--region", "ALL", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1",
                                  "--store", store])
    assert r.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_environment_selects_the_engine(monkeypatch):
    monkeypatch.setenv("FRONTWATCH_ENGINE", "local")
    assert get_engine().name == "local"
    monkeypatch.setenv("FRONTWATCH_ENGINE", "dask")
    monkeypatch.delenv("FRONTWATCH_SCHEDULER", raising=False)
    with pytest.raises(EngineError):
        get_engine()
