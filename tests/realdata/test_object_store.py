"""Inputs in an object store: `frontwatch ingest s3://bucket/prefix` lists and reads the objects
(fsspec + s3fs) with every reader unchanged, names the URL in the store and in errors, skips
unchanged objects, and Dask workers fetch the objects themselves. The store is a real S3 server
(moto's) started on 127.0.0.1 by the tests, holding files of ../shared/data."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from frontwatch.analysis import measure
from frontwatch.faces.cli import main
from frontwatch.engine import DaskEngine, LocalEngine
from frontwatch.ingest import ingest
from frontwatch.geo.regions import resolve_region
from frontwatch.sources.base import iter_files
from frontwatch.sources.batch import read_files
from frontwatch.store import Store

pytest.importorskip("s3fs", reason="object-store inputs need s3fs (pip install frontwatch[s3])")
moto_server = pytest.importorskip("moto.server", reason="the S3 test server needs moto[server]")

BUCKET = "maps"


@pytest.fixture(scope="module")
def history_files(history_dir):
    """Twelve consecutive snapshots of August 2024 (the Kursk incursion)."""
    import datetime as dt

    start = int(dt.datetime(2024, 8, 5, tzinfo=dt.timezone.utc).timestamp())
    return [f for f in sorted(history_dir.glob("*.geojson")) if int(f.stem) >= start][:12]


@pytest.fixture(scope="module")
def s3(history_files, borders_file):
    """An S3 server on 127.0.0.1 with s3://maps/history/ (the twelve maps), the borders file,
    and s3://maps/bad/ (a truncated map, an empty one). Credentials and endpoint go through the
    environment, as for a real store (and so reach Dask worker processes started afterwards)."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ACCESS_KEY_ID": "frontwatch", "AWS_SECRET_ACCESS_KEY": "frontwatch", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://{host}:{port}"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    fs.mkdir(BUCKET)
    for f in history_files:
        fs.put(str(f), f"{BUCKET}/history/{f.name}")
    fs.put(str(borders_file), f"{BUCKET}/borders/{borders_file.name}")
    truncated = history_files[0].read_bytes()[:5000]
    fs.pipe(f"{BUCKET}/bad/1723000000.geojson", truncated)
    fs.pipe(f"{BUCKET}/bad/1723000001.geojson", b"")
    yield fs
    s3fs.S3FileSystem.clear_instance_cache()
    server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _hashes(st):
    return [(s.taken_at, s.content_hash) for s in st.snapshots()]


def test_a_prefix_lists_its_map_files_in_order(s3, history_files):
    urls = list(iter_files(f"s3://{BUCKET}/history"))
    assert urls == [f"s3://{BUCKET}/history/{f.name}" for f in history_files]
    assert list(iter_files(urls[3])) == [urls[3]]


def test_ingest_from_the_store_equals_ingest_of_the_local_files(tmp_path, s3, history_files, borders_file):
    with Store(tmp_path / "s3.duckdb") as a, Store(tmp_path / "local.duckdb") as b:
        sa = ingest(a, [f"s3://{BUCKET}/history", f"s3://{BUCKET}/borders/{borders_file.name}"])
        sb = ingest(b, [*history_files, borders_file])
        assert sa.errors == [] and sa.added == sb.added == 12
        assert sa.borders == [f"s3://{BUCKET}/borders/{borders_file.name}"]
        assert _hashes(a) == _hashes(b)
        assert [s.origin for s in a.snapshots()] == [f"s3://{BUCKET}/history/{f.name}" for f in history_files]
        assert [s.source_id for s in a.snapshots()] == [s.source_id for s in b.snapshots()]
        rus_a, rus_b = (resolve_region("RUS", st.borders()) for st in (a, b))
        assert rus_a.key == rus_b.key
        sa_km2 = [r["km2"] for r in measure.area_series(a, rus_a, ("ukraine_held",))]
        assert sa_km2 == [r["km2"] for r in measure.area_series(b, rus_b, ("ukraine_held",))]
        assert max(sa_km2) > 500  # the Kursk incursion is in these maps


def test_an_object_is_downloaded_again_only_when_its_etag_changes(tmp_path, s3, history_files, monkeypatch):
    """A second ingest of the same prefixes fetches nothing; an object given new bytes (a new
    ETag) is fetched again, and the rest are not."""
    from frontwatch import ingest as ingest_module
    from frontwatch.sources import base

    fetched = []
    real_copy, real_blocks = base.local_copy, ingest_module.iter_blocks
    monkeypatch.setattr(base, "local_copy", lambda url: fetched.append(url) or real_copy(url))
    monkeypatch.setattr(ingest_module, "iter_blocks", lambda path, *a: fetched.append(path) or real_blocks(path, *a))
    s3.put(str(history_files[0]), f"{BUCKET}/changing/{history_files[0].name}")
    with Store(tmp_path / "s3.duckdb") as st:
        first = ingest(st, [f"s3://{BUCKET}/history", f"s3://{BUCKET}/changing"], workers=1)
        assert len(fetched) == 13  # each object once, by its reader; keyed by its ETag, not its bytes
        fetched.clear()
        again = ingest(st, [f"s3://{BUCKET}/history", f"s3://{BUCKET}/changing"], workers=1)
        assert fetched == []
        # New bytes (the same map with a trailing newline): a new ETag, so it is read again.
        s3.pipe(f"{BUCKET}/changing/{history_files[0].name}", history_files[0].read_bytes() + b"\n")
        third = ingest(st, f"s3://{BUCKET}/changing", workers=1)
    assert (first.added, again.added, again.unchanged) == (12, 0, 13)
    assert fetched == [f"s3://{BUCKET}/changing/{history_files[0].name}"]
    assert (third.added, third.unchanged) == (0, 1)  # same map content: nothing new stored


def test_a_bad_object_or_missing_url_is_a_one_line_error_naming_it(tmp_path, s3):
    """A truncated object, an empty one, a prefix with no objects and a bucket that does not
    exist: one line each, starting with its URL, while the twelve good maps go in."""
    with Store(tmp_path / "s3.duckdb") as st:
        s = ingest(st, [f"s3://{BUCKET}/bad", f"s3://{BUCKET}/history", f"s3://{BUCKET}/no-such-prefix",
                        "s3://no-such-bucket-frontwatch/x.geojson"])
        assert s.added == 12
        assert len(s.errors) == 4, s.errors
        for e in s.errors:
            assert "\n" not in e and e.startswith("s3://")
        by_url = {e.split(": ", 1)[0]: e.split(": ", 1)[1] for e in s.errors}
        assert "truncated JSON" in by_url[f"s3://{BUCKET}/bad/1723000000.geojson"]
        assert "empty file" in by_url[f"s3://{BUCKET}/bad/1723000001.geojson"]
        assert "no such object" in by_url[f"s3://{BUCKET}/no-such-prefix"]
        assert "s3://no-such-bucket-frontwatch/x.geojson" in by_url


def test_strict_ingest_with_a_bad_object_writes_nothing(tmp_path, s3):
    with Store(tmp_path / "strict.duckdb") as st:
        s = ingest(st, [f"s3://{BUCKET}/history", f"s3://{BUCKET}/bad"], strict=True)
        assert not s.written and st.snapshots() == []


def test_the_cli_ingests_a_url(tmp_path, s3):
    r = CliRunner().invoke(main, ["ingest", f"s3://{BUCKET}/history", "--store", str(tmp_path / "cli.duckdb"),
                                  "--format", "json"])
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output)
    rec = rec[0] if isinstance(rec, list) else rec
    assert rec["added"] == 12 and rec["errors"] == 0


def test_dask_workers_fetch_the_objects_themselves(tmp_path, s3, history_files):
    distributed = pytest.importorskip("distributed")
    # Started after the fixture set the endpoint and credentials: the workers inherit them.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        engine = DaskEngine(cluster.scheduler_address)
        try:
            remote = list(read_files(iter_files(f"s3://{BUCKET}/history"), engine=engine))
            workers = set(engine.client.run(os.getpid).values())
        finally:
            engine.close()
    local = list(read_files(history_files, engine=LocalEngine(2)))
    assert len(workers) == 2 and os.getpid() not in workers
    assert [r[0] for r in remote] == [f"s3://{BUCKET}/history/{f.name}" for f in history_files]
    for (_, sl, el), (url, sr, er) in zip(local, remote):
        assert el is None and er is None
        assert [s.content_hash() for s in sl] == [s.content_hash() for s in sr]
        assert [s.origin for s in sr] == [url]


def test_temporary_copies_are_removed(tmp_path, s3, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Store(tmp_path / "s3.duckdb") as st:
        ingest(st, [f"s3://{BUCKET}/history", f"s3://{BUCKET}/bad"], workers=1)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("frontwatch-object-")] == []


def test_borders_from_a_url_are_saved_as_from_the_file(tmp_path, s3, borders_file):
    url = f"s3://{BUCKET}/borders/{borders_file.name}"
    r = CliRunner().invoke(main, ["borders", url, "--store", str(tmp_path / "b.duckdb"), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert {"RUS", "UKR"} <= {rec["iso_a3"] for rec in json.loads(r.output)}
    with Store(tmp_path / "b.duckdb") as st:
        assert resolve_region("UKR", st.borders()).key == resolve_region("UKR", _local_borders(borders_file)).key
    r = CliRunner().invoke(main, ["borders", f"s3://{BUCKET}/borders/missing.geojson", "--store", str(tmp_path / "c.duckdb")])
    assert r.exit_code == 1 and f"s3://{BUCKET}/borders/missing.geojson: no such object" in r.output
    assert len(r.output.strip().splitlines()) == 1


def _local_borders(path):
    from frontwatch.geo.regions import prepare_borders, read_borders_file

    return prepare_borders(read_borders_file(path))


def test_a_zip_object_is_read_as_the_folder_it_holds(tmp_path, s3, history_files):
    """s3://maps/packed/history.zip (the twelve maps): fetched once, unpacked, the same snapshots
    as the prefix of loose objects, origins naming the URL and the member."""
    import zipfile

    zpath = tmp_path / "history.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in history_files:
            zf.write(f, f"history/{f.name}")
    s3.put(str(zpath), f"{BUCKET}/packed/history.zip")
    with Store(tmp_path / "zip.duckdb") as a, Store(tmp_path / "loose.duckdb") as b:
        got = ingest(a, f"s3://{BUCKET}/packed")
        ingest(b, f"s3://{BUCKET}/history")
        assert (got.added, got.errors) == (len(history_files), [])
        assert _hashes(a) == _hashes(b)
        assert a.snapshots()[0].origin == f"s3://{BUCKET}/packed/history.zip!history/{history_files[0].name}"
