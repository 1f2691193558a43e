"""Ingest: every naming scheme, re-ingest idempotence, dedup, bad input, crash safety.
Real-data tests read ../shared/data/deepstate/history and ../shared/data/deepstate/occupied-daily."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner

from frontwatch.faces.cli import main
from frontwatch.ingest import ingest
from frontwatch.sources.deepstate import classify
from frontwatch.statuses import STATUSES
from frontwatch.store import Store

# Names as they appear in the archive, one per naming scheme (plus the damaged-UTF-8 kind).
SCHEMES = [
    ("Звільнено 25.03", "#0288d1", "ukraine_held"),
    ("Окуповано", "#a52714", "occupied"),
    ("Під питанням", "#bcaaa4", "contested"),
    ("Невідомо точно при вихід", "#a52714", "contested"),
    ("ОРДЛО", "#000000", "occupied_before_2022"),
    ("Крим", "#000000", "occupied_before_2022"),
    ("Придністров'я", "#880e4f", "annotation"),
    ("Звільнено /// Taken back", "#0f9d58", "ukraine_held"),
    ("Під питанням /// Contested\n", "#bcaaa4", "contested"),
    ("Окуповано /// Occupied", "#a52714", "occupied"),
    ("Звільнено /// Liberated", "#0f9d58", "ukraine_held"),
    ("Статус невідомий /// Unknown status", "#bcaaa4", "contested"),
    ("Окупований Крим /// Occupied Crimea", "#880e4f", "occupied_before_2022"),
    ("ОРДЛО /// CADR and CALR\n", "#880e4f", "occupied_before_2022"),
    ("Окупована область Петсамо\n///\nOccupied Petsamo\n", "#ff5252", "annotation"),
    ("Тимчасово окупована східна Пруссія. /// East Prussia is temporarily occupied.", "#ff5252", "annotation"),
    ("Звільнено /// Liberated\xa0/// geoJSON.status.dismissed", "#0f9d58", "ukraine_held"),
    ("Звільнено 25.03 /// Liberated 25.03\xa0/// geoJSON.status.dismissed_at {{at:25.03}}", "#0f9d58", "ukraine_held"),
    ("Статус невідомий /// Unknown status /// geoJSON.status.unknown\n", "#bdbdbd", "contested"),
    ("Окуповано /// Occupied /// geoJSON.status.occupied", "#a52714", "occupied"),
    ("ОРДЛО /// CADR and CALR\xa0/// geoJSON.territories.ordlo", "#880e4f", "occupied_before_2022"),
    ("Острів Тузла /// Occupied Tuzla Island\xa0/// geoJSON.territories.tuzla", "#880e4f", "occupied_before_2022"),
    ("Окупован\ufffd /// Occupied /// geoJSON.status.occupied", "#a52714", "occupied"),
    ("Тимчасово окупована територія Карелії. /// The temporarily occupied territory of Karelia. /// geoJSON.territories.karelia", "#ff5252", "annotation"),
    ("Багатокутник 11", "#a52714", "occupied"),  # no status word: the fill colour says
]


@pytest.mark.parametrize("name,fill,expected", SCHEMES)
def test_every_naming_scheme_classifies(name, fill, expected):
    assert classify(name, fill) == expected


def test_unknown_layer_without_colour_is_not_guessed():
    assert classify("Щось інше /// Something else", "#123456") is None


def test_every_shared_snapshot_has_the_front_layers(store):
    """../shared/data/deepstate/history: each map, from April 2022 to December 2024, yields
    occupied, pre-2022 occupied and Ukrainian-held layers, and no unknown layer names."""
    snaps = store.snapshots()
    assert len(snaps) == 239
    hashes = store.all_layer_hashes([s.id for s in snaps])
    for s in snaps:
        assert {"occupied", "occupied_before_2022", "ukraine_held"} <= set(hashes[s.id]), s.origin
        assert store.stats(s.id)["unknown_layers"] == [], s.origin


def _copy(src_dir, names, dst):
    dst.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(src_dir / n, dst / n)
    return dst


def _names(history_dir, k=3, start=-3):
    return sorted(p.name for p in history_dir.glob("*.geojson"))[start:start + k or None]


def test_reingest_changes_nothing(history_dir, tmp_path):
    src = _copy(history_dir, _names(history_dir), tmp_path / "in")
    with Store(tmp_path / "s.duckdb") as st:
        first = ingest(st, src)
        geoms = st.con.execute("select count(*) from geometries").fetchone()[0]
        again = ingest(st, src)
        assert (first.added, again.added, again.unchanged) == (3, 0, 3)
        assert st.con.execute("select count(*) from geometries").fetchone()[0] == geoms


def test_identical_snapshots_store_their_geometry_once(history_dir, tmp_path):
    name = _names(history_dir, 1)[0]
    src = _copy(history_dir, [name], tmp_path / "in")
    shutil.copy(src / name, src / f"{int(name.split('.')[0]) + 3600}.geojson")  # republished unchanged
    with Store(tmp_path / "s.duckdb") as st:
        summary = ingest(st, src)
        assert summary.added == 2
        n_layers = st.con.execute("select count(*) from layers").fetchone()[0]
        n_geoms = st.con.execute("select count(*) from geometries").fetchone()[0]
        assert n_geoms * 2 == n_layers


def test_geometries_are_written_the_same_with_or_without_a_temporary_folder(history_dir, tmp_path, monkeypatch):
    """New geometries go to DuckDB as temporary files it reads (read_blob); with no room for
    them (a full disk) they go as query parameters: the same rows either way."""
    import tempfile

    src = _copy(history_dir, _names(history_dir, 12, start=-12), tmp_path / "in")
    rows = []
    for full in (False, True):
        if full:
            def no_room(*a, **k):
                raise OSError(28, "No space left on device")
            monkeypatch.setattr(tempfile, "TemporaryDirectory", no_room)
        with Store(tmp_path / f"s{full}.duckdb") as st:
            assert ingest(st, src, workers=1).added == 12
            rows.append(st.con.execute("select hash, md5(wkb) from geometries order by hash").fetchall())
    assert rows[0] == rows[1] and sum(len(r) for r in rows) > 20


def test_gzip_files_are_read(history_dir, tmp_path):
    name = _names(history_dir, 1)[0]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / (name + ".gz")).write_bytes(gzip.compress((history_dir / name).read_bytes()))
    with Store(tmp_path / "s.duckdb") as st:
        assert ingest(st, tmp_path / "in").added == 1


def _bad_inputs(history_dir, d: Path) -> dict:
    """Each kind of bad file the issue lists, next to two good ones. Returns {file name: reason words}."""
    good = _names(history_dir, 2)
    _copy(history_dir, good, d)
    raw = (history_dir / good[0]).read_bytes()
    doc = json.loads(raw)
    base = int(good[0].split(".")[0])
    (d / f"{base - 10}.geojson").write_bytes(raw[: len(raw) // 2])
    (d / f"{base - 20}.geojson").write_text("{this is not json")
    (d / f"{base - 30}.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    (d / f"{base - 40}.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": points}))
    swapped = json.loads(raw)
    for f in swapped["features"]:
        g = f["geometry"]
        if g["type"] == "Polygon":
            g["coordinates"] = [[[c[1], c[0]] for c in ring] for ring in g["coordinates"]]
    swapped["features"] = [f for f in swapped["features"] if f["geometry"]["type"] == "Polygon"]
    (d / f"{base - 50}.geojson").write_text(json.dumps(swapped))
    unknown = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Щось /// Something new", "fill": "#123456"},
         "geometry": {"type": "Polygon", "coordinates": [[[37, 48], [37.1, 48], [37.1, 48.1], [37, 48]]]}}]}
    (d / f"{base - 60}.geojson").write_text(json.dumps(unknown))
    (d / "empty.geojson").write_bytes(b"")
    return {f"{base - 10}.geojson": "truncated", f"{base - 20}.geojson": "invalid JSON",
            f"{base - 30}.geojson": "empty FeatureCollection", f"{base - 40}.geojson": "only points",
            f"{base - 50}.geojson": "swapped", f"{base - 60}.geojson": "no control-area polygons",
            "empty.geojson": "empty file"}


def test_each_bad_file_fails_alone_in_one_line_saying_why(history_dir, tmp_path):
    """Seven kinds of bad file beside two good maps: exit 1, one error line per bad file naming
    it and what is wrong with it, and the two good maps stored."""
    expected = _bad_inputs(history_dir, tmp_path / "in")
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(store), "--format", "json"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(expected)
    for name, words in expected.items():
        line = next(e for e in errors if name in e)
        assert words in line, line
    assert json.loads(result.stdout)[0]["added"] == 2
    with Store(store) as st:
        assert len(st.snapshots()) == 2


def test_strict_writes_nothing_when_any_file_is_bad(history_dir, tmp_path):
    _bad_inputs(history_dir, tmp_path / "in")
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(store), "--strict"])
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    with Store(store) as st:
        assert st.snapshots() == [] and st.con.execute("select count(*) from geometries").fetchone()[0] == 0


def test_same_time_other_content_is_refused_not_overwritten(history_dir, tmp_path):
    a, b = _names(history_dir, 2)
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    shutil.copy(history_dir / a, tmp_path / "one" / a)
    shutil.copy(history_dir / b, tmp_path / "two" / a)  # other content under the same timestamp
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(tmp_path / "one"), "--store", str(store)]).exit_code == 0
    with Store(store) as st:
        before = st.snapshots()[0].content_hash
    result = runner.invoke(main, ["ingest", str(tmp_path / "two"), "--store", str(store)])
    assert result.exit_code == 1 and "already stored with other content" in result.stderr and a in result.stderr
    with Store(store) as st:
        assert [s.content_hash for s in st.snapshots()] == [before]
    assert runner.invoke(main, ["ingest", str(tmp_path / "two"), "--store", str(store), "--replace"]).exit_code == 0
    with Store(store) as st:
        assert [s.content_hash for s in st.snapshots()] != [before]


def test_kill_during_ingest_leaves_a_consistent_store(history_dir, tmp_path):
    """kill -9 in the middle of ingesting the whole history into a store that holds one map: the
    store is as it was (one map, complete; the writer wrote a copy, never published), and a
    second ingest finishes the job. (Stores are written as a copy moved in place: see
    frontwatch.store; tests/realdata/test_robustness.py checks the worker processes and leftovers.)"""
    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        ingest(st, history_dir / "1732311864.geojson")
    cmd = [sys.executable, "-m", "frontwatch.faces.cli", "ingest", str(history_dir), "--store", str(store)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        # The first batches are committed to the writer's copy of the store.
        copies = list(tmp_path.glob("s.duckdb.writing-*"))
        if sum(p.stat().st_size for p in copies if p.exists()) > 4_000_000:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(store) as st:
        snaps = st.snapshots()
        hashes = st.all_layer_hashes([s.id for s in snaps])
        for s in snaps:
            assert hashes[s.id], f"snapshot {s.id} has no layers"
            for h in hashes[s.id].values():
                st.geometry(h)
        n_before = len(snaps)
        assert n_before == (1 if killed else 239)
        summary = ingest(st, history_dir)
        assert not summary.errors
        assert len(st.snapshots()) == 239
        assert summary.unchanged == n_before
    assert not list(tmp_path.glob("s.duckdb.writing-*"))


def test_daily_archive_matches_the_raw_maps(daily_dir, history_dir, tmp_path):
    """../shared/data/deepstate/occupied-daily vs the raw history: the daily file of a day is the
    union of occupied + pre-2022 layers of a map of that day, so the Russian-held areas agree."""
    from frontwatch.analysis import measure
    from frontwatch.geo.regions import resolve_region

    with Store(tmp_path / "s.duckdb") as st:
        ingest(st, daily_dir / "deepstatemap_data_20241122.geojson")
        ingest(st, history_dir / "1732311864.geojson")  # 2024-11-22 21:44 UTC
        region = resolve_region("ALL")
        daily = measure.area_on(st, region, ("occupied",), None, source="deepstate-daily")[0]["km2"]
        raw = measure.area_on(st, region, ("occupied", "occupied_before_2022"), None, source="deepstate")
        assert daily == pytest.approx(sum(r["km2"] for r in raw), rel=0.01)


def test_generic_reader_takes_a_projected_geopackage(history_dir, tmp_path):
    """Another map maker's GeoPackage in Web Mercator with its own status words."""
    import geopandas as gpd

    from frontwatch.analysis import measure
    from frontwatch.geo.regions import resolve_region

    with Store(tmp_path / "ref.duckdb") as ref:
        ingest(ref, history_dir / "1732311864.geojson")
        layers = ref.layers(ref.snapshots()[0].id)
        want = measure.area_on(ref, resolve_region("ALL"), ("occupied", "ukraine_held"))
    words = {"occupied": "RU", "ukraine_held": "UA"}
    df = gpd.GeoDataFrame({"who": [words[s] for s in words]}, geometry=[layers[s] for s in words], crs=4326).to_crs(3857)
    path = tmp_path / "other.gpkg"
    df.to_file(path, driver="GPKG")
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(path), "--store", str(store), "--status-field", "who",
                                  "--status-map", "RU=occupied,UA=ukraine_held", "--date", "2024-11-22", "--source", "other"])
    assert r.exit_code == 0, r.output
    with Store(store) as st:
        got = measure.area_on(st, resolve_region("ALL"), ("occupied", "ukraine_held"), source="other")
    for g, w in zip(got, want):
        assert g["km2"] == pytest.approx(w["km2"], rel=1e-4)


@pytest.fixture(scope="module")
def reference_layers(history_dir, tmp_path_factory):
    """The occupied and ukraine_held layers of map 1732311864 (22 Nov 2024) and their areas over
    ALL, read once from a store of that one map."""
    from frontwatch.analysis import measure
    from frontwatch.geo.regions import resolve_region

    with Store(tmp_path_factory.mktemp("ref") / "ref.duckdb") as ref:
        ingest(ref, history_dir / "1732311864.geojson")
        layers = ref.layers(ref.snapshots()[0].id)
        want = measure.area_on(ref, resolve_region("ALL"), ("occupied", "ukraine_held"))
    return layers, want


def _who_feature(status, geom):
    return {"type": "Feature", "properties": {"who": status}, "geometry": json.loads(shapely.to_geojson(geom))}


def _generic_args(store):
    return ["--store", str(store), "--status-field", "who", "--date", "2024-11-22", "--source", "other"]


def test_a_generic_file_whose_declared_crs_misplaces_it_is_refused(reference_layers, tmp_path):
    """Real layers written as GeoJSON whose ``crs`` member says EPSG:3857 while the coordinates
    are degrees: reprojected as declared they land at (0, 0), which must be an error naming the
    file and the CRS, with nothing stored."""
    layers, _ = reference_layers
    feats = [_who_feature(s, layers[s]) for s in ("occupied", "ukraine_held")]
    wrong = tmp_path / "wrong.geojson"
    wrong.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}}))
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(wrong), *_generic_args(store)])
    assert r.exit_code == 1, r.output
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "wrong.geojson" in err[0] and "no polygon lies in the theatre" in err[0] \
        and "EPSG:3857" in err[0], r.stderr
    with Store(store) as st:
        assert st.snapshots(source="other") == []


def test_a_generic_files_part_far_outside_the_theatre_is_dropped_with_a_count(reference_layers, tmp_path):
    """A part far outside the theatre (a box in the Arabian Sea) beside real layers is dropped
    and counted, as for DeepStateMap; the real layers measure as in the reference store."""
    from frontwatch.analysis import measure
    from frontwatch.geo.regions import resolve_region

    layers, want = reference_layers
    feats = [_who_feature(s, layers[s]) for s in ("occupied", "ukraine_held")]
    stray = tmp_path / "stray.geojson"  # the real layers and a box in the Arabian Sea
    stray.write_text(json.dumps({"type": "FeatureCollection", "features": [
        *feats, _who_feature("occupied", shapely.box(60, 15, 61, 16))]}))
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(stray), *_generic_args(store), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["out_of_theatre"] == 1
    with Store(store) as st:
        got = measure.area_on(st, resolve_region("ALL"), ("occupied", "ukraine_held"), source="other")
    for g, w in zip(got, want):
        assert g["km2"] == pytest.approx(w["km2"], rel=1e-6)


def test_generic_file_without_mapping_says_what_to_do(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"k": "a"}, "geometry": {"type": "Polygon", "coordinates": [[[37, 48], [37.1, 48], [37.1, 48.1], [37, 48]]]}}]}))
    r = CliRunner().invoke(main, ["ingest", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 1 and "--status-field" in r.stderr and "x.geojson" in r.stderr


def test_a_borders_file_among_the_maps_is_saved_with_its_tilings(history_dir, borders_file, tmp_path):
    """`frontwatch ingest FOLDER` with maps and a borders file: the borders (prepared on a thread
    while the maps are read) are saved with the RUS and UKR tilings, and the maps go in as usual."""
    from frontwatch.geo import geodesy
    from frontwatch.geo.regions import prepare_borders, read_borders_file, resolve_region

    (tmp_path / "in").mkdir()
    for name in _names(history_dir, 6, start=-6):
        shutil.copy(history_dir / name, tmp_path / "in" / name)
    shutil.copy(borders_file, tmp_path / "in" / "countries.geojson")
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "countries.geojson saved" in result.stderr
    rec = json.loads(result.stdout)[0]
    assert rec["added"] == 6 and rec["files"] == 6 and rec["borders"].endswith("countries.geojson")
    expected = prepare_borders(read_borders_file(borders_file))
    with Store(store) as st:
        saved = st.borders()
        assert sorted(saved) == sorted(expected)
        for iso in ("RUS", "UKR"):
            assert saved[iso].equals(expected[iso])
            key = resolve_region(iso, saved).key
            assert st.region_tiles(f"{key}|v{geodesy.TILING_VERSION}") is not None


def test_a_bad_borders_file_fails_alone_in_one_line(history_dir, tmp_path):
    """A cut-off borders file beside two maps: exit 1, one error line naming it, no borders
    saved, and the two maps stored."""
    (tmp_path / "in").mkdir()
    for name in _names(history_dir, 2):
        shutil.copy(history_dir / name, tmp_path / "in" / name)
    # Looks like a borders file (an iso_a3 attribute), but is cut off.
    (tmp_path / "in" / "borders.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                                                     '"properties": {"iso_a3": "UKR"}, "geometry": {"type": "Polygon", "coordinates": [[[30')
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(store), "--format", "json"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "borders.geojson" in errors[0] and "cannot read borders" in errors[0]
    assert json.loads(result.stdout)[0]["added"] == 2
    with Store(store) as st:
        assert st.borders() == {} and len(st.snapshots()) == 2


def test_a_url_of_an_unknown_kind_is_one_line_naming_it(tmp_path):
    """Object-store URLs go through fsspec (tests/realdata/test_object_store.py); a protocol it does not
    know is one line naming the URL, and nothing is written."""
    with Store(tmp_path / "s.duckdb") as st:
        s = ingest(st, ["nosuchproto://bucket/maps"])
        assert s.added == 0 and st.snapshots() == []
    assert s.errors == ["nosuchproto://bucket/maps: cannot open this kind of URL (Protocol not known: nosuchproto)"]


def test_a_file_whose_polygons_cannot_be_read_says_why(history_dir, tmp_path):
    """A real snapshot whose every polygon is damaged (an unclosed ring, a number that overflows,
    a string for the coordinates): one line naming the file, how many were unreadable and GEOS's
    reason for the first, no stray warning; a zero-area polygon is called that."""
    name = _names(history_dir, 1)[0]
    doc = json.loads((history_dir / name).read_bytes())
    feats = doc["features"] if "features" in doc else doc["map"]["features"]
    polys = [f for f in feats if f["geometry"] and f["geometry"]["type"] == "Polygon"]
    damages = [lambda g: g["coordinates"][0].pop(),  # the closing point: the ring is open
               lambda g: g.update(coordinates="abc"),
               lambda g: g["coordinates"][0][0].__setitem__(0, 1e400)]
    for i, f in enumerate(polys):
        damages[i % 3](f["geometry"])
    text = json.dumps({"type": "FeatureCollection", "features": polys}).replace("Infinity", "1e400")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text(text)
    zero = dict(polys[0], geometry={"type": "Polygon", "coordinates": [[[37, 48], [37, 48], [37, 48], [37, 48]]]})
    other = str(int(name.split(".")[0]) + 1) + ".geojson"
    (tmp_path / "in" / other).write_text(json.dumps({"type": "FeatureCollection", "features": [zero]}))
    r = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-c", "from frontwatch.faces.cli import main; main()", "ingest", str(tmp_path / "in"),
                        "--store", str(tmp_path / "s.duckdb")], capture_output=True, text=True)
    assert r.returncode == 1
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith("error:") for line in lines), r.stderr
    front = sum(classify(f["properties"].get("name"), f["properties"].get("fill")) in STATUSES for f in polys)  # not annotations
    assert name in lines[0] and f"{front} unreadable geometries" in lines[0] \
        and "do not form a closed linestring" in lines[0], lines[0]
    assert other in lines[1] and "1 empty or zero-area polygon" in lines[1], lines[1]


@pytest.fixture()
def layer_names_ingest(tmp_path):
    """`ingest --format json` of two one-box maps, one layer named "Occupied" (1732311864), the
    other "Sector 7" (1732311865): the CLI's result and the store's path."""
    box = {"type": "Polygon", "coordinates": [[[37, 48], [37.1, 48], [37.1, 48.1], [37, 48]]]}
    (tmp_path / "in").mkdir()
    for stamp, name in ((1732311864, "Occupied"), (1732311865, "Sector 7")):
        (tmp_path / "in" / f"{stamp}.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": name}, "geometry": box}]}))
    r = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--store", str(tmp_path / "s.duckdb"), "--format", "json"])
    return r, tmp_path / "s.duckdb"


def test_a_layer_name_without_status_is_one_line_saying_what_to_do(layer_names_ingest):
    """A name and colour that say nothing give exit 1 and one line naming the file and the name
    and pointing to --status-field, not "no front-line layers"."""
    r, _ = layer_names_ingest
    assert r.exit_code == 1
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "1732311865.geojson" in err[0] and "'sector 7'" in err[0] and "--status-field" in err[0], err


def test_a_bare_english_status_name_is_read(layer_names_ingest):
    """"Occupied" alone is a status: that map goes in with its one occupied layer."""
    r, store = layer_names_ingest
    assert json.loads(r.stdout)[0]["added"] == 1
    with Store(store) as st:
        assert list(st.layers(st.snapshots()[0].id)) == ["occupied"]


def test_a_status_field_reads_a_file_with_a_digit_name_as_the_user_maps_it(history_dir, tmp_path):
    """--status-field means the generic reader, even for a file named like a DeepStateMap snapshot."""
    path = tmp_path / "20241122.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"who": "RU"}, "geometry": {"type": "Polygon", "coordinates": [[[37, 48], [37.1, 48], [37.1, 48.1], [37, 48]]]}}]}))
    r = CliRunner().invoke(main, ["ingest", str(path), "--store", str(tmp_path / "s.duckdb"), "--status-field", "who",
                                  "--status-map", "RU=occupied", "--date", "2024-11-22", "--source", "other"])
    assert r.exit_code == 0, r.output
    with Store(tmp_path / "s.duckdb") as st:
        assert len(st.snapshots(source="other")) == 1


def test_a_geopackage_with_one_layer_per_status_is_read_whole(history_dir, tmp_path):
    """A QGIS export puts each status in a layer of its own (here one of them in Web Mercator):
    every layer is read, not only the first (the second was silently lost), and
    ``--status-field layer`` maps the layer names."""
    import geopandas as gpd

    from frontwatch.analysis import measure
    from frontwatch.geo.regions import resolve_region

    statuses = ("occupied", "ukraine_held", "contested")
    with Store(tmp_path / "ref.duckdb") as ref:
        ingest(ref, history_dir / "1732311864.geojson")
        layers = ref.layers(ref.snapshots()[0].id)
        want = measure.area_on(ref, resolve_region("ALL"), statuses)
    path = tmp_path / "export.gpkg"
    for i, st in enumerate(statuses):
        df = gpd.GeoDataFrame({"note": [f"layer {i}"]}, geometry=[layers[st]], crs=4326)
        (df.to_crs(3857) if i == 1 else df).to_file(path, layer=st, driver="GPKG")
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(path), "--store", str(store), "--status-field", "layer",
                                  "--date", "2024-11-22", "--source", "qgis"])
    assert r.exit_code == 0, r.output
    with Store(store) as st:
        got = measure.area_on(st, resolve_region("ALL"), statuses, source="qgis")
    for g, w in zip(got, want):
        assert g["status"] == w["status"] and g["km2"] == pytest.approx(w["km2"], rel=1e-6)


def test_a_kml_with_status_words_in_its_names_gets_a_ready_mapping_in_its_error(history_dir, tmp_path):
    """A Google My Maps / QGIS KML with one folder per status, named in words ("Occupied
    territory", "Liberated", "Grey zone", "Occupied before 2022"): without --status-field the
    error now says which attribute and mapping would read it, and that mapping, pasted back,
    gives the DeepStateMap figures."""
    import re

    import geopandas as gpd
    import pyogrio

    from frontwatch.analysis import measure
    from frontwatch.geo.regions import resolve_region

    names = {"occupied": "Occupied territory", "ukraine_held": "Liberated", "contested": "Grey zone",
             "occupied_before_2022": "Occupied before 2022"}
    with Store(tmp_path / "ref.duckdb") as ref:
        ingest(ref, history_dir / "1732311864.geojson")
        layers = ref.layers(ref.snapshots()[0].id)
        want = measure.area_on(ref, resolve_region("ALL"), tuple(names))
    path = tmp_path / "mymaps.kml"
    for i, (st, name) in enumerate(names.items()):
        df = gpd.GeoDataFrame({"Name": [name]}, geometry=[layers[st]], crs=4326)
        pyogrio.write_dataframe(df, path, layer=name.replace(" ", "_"), driver="KML", append=i > 0)
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(path), "--store", str(store), "--date", "2024-11-22"])
    assert r.exit_code == 1
    (line,) = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    m = re.search(r'--status-field (\S+) --status-map "([^"]+)"', line)
    assert m and "check before use" in line, line
    assert dict(kv.split("=") for kv in m.group(2).split(",")) == {v: k for k, v in names.items()}, line
    r = CliRunner().invoke(main, ["ingest", str(path), "--store", str(store), "--date", "2024-11-22", "--source", "mymaps",
                                  "--status-field", m.group(1), "--status-map", m.group(2)])
    assert r.exit_code == 0, r.output
    with Store(store) as st:
        got = measure.area_on(st, resolve_region("ALL"), tuple(names), source="mymaps")
    for g, w in zip(got, want):
        assert g["status"] == w["status"] and g["km2"] == pytest.approx(w["km2"], rel=1e-6)


@pytest.fixture(scope="module")
def held_store(history_dir, tmp_path_factory):
    """A store of one map whose writer lock another process holds (it has begun writing and
    sleeps): the store's path and that process. The process is killed at the end of the module
    at the latest; the last test using it kills it itself."""
    tmp = tmp_path_factory.mktemp("held")
    store = tmp / "s.duckdb"
    with Store(store) as st:
        ingest(st, history_dir / "1732311864.geojson")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from frontwatch.store import Store; "
                               f"s = Store({str(store)!r}); s.begin_writing(); print('open', flush=True); "
                               "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        yield store, holder
    finally:
        holder.kill()
        holder.wait()


def test_a_store_being_written_is_still_read(held_store):
    """While another process holds the writer lock, a query reads the store (the writer writes a copy)."""
    store, holder = held_store
    assert holder.poll() is None
    r = CliRunner().invoke(main, ["snapshots", "--store", str(store), "--format", "json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 1, r.output


def test_a_second_writer_gets_one_line_naming_the_holder_until_it_is_gone(held_store, history_dir):
    """One process writes a store at a time: a second writer gets one line naming the store and
    the holder's PID, before it reads anything; once the holder is gone, the next writer gets
    the lock and removes the holder's copy."""
    store, holder = held_store
    assert holder.poll() is None
    try:
        r = CliRunner().invoke(main, ["ingest", str(history_dir / "1732395180.geojson"), "--store", str(store)])
        assert r.exit_code != 0
        line = r.output.strip().splitlines()[-1]
        assert "s.duckdb" in line and "being written by another process" in line and f"PID {holder.pid}" in line, r.output
    finally:
        holder.kill()
        holder.wait()
    # The holder's lock went with it: the next writer gets it (and removes the holder's copy).
    r = CliRunner().invoke(main, ["ingest", str(history_dir / "1732395180.geojson"), "--store", str(store)])
    assert r.exit_code == 0, r.output
    assert not list(store.parent.glob("s.duckdb.writing-*"))


def test_an_archive_is_read_as_the_folder_it_holds(history_dir, daily_dir, tmp_path):
    """Three history maps and one daily map packed as .zip (in a folder) and as .tar.gz: the
    same snapshots and layers as the unpacked folder, origins named ARCHIVE!member, no temporary
    folder left behind, and re-ingesting the folder after the zip changes nothing (same keys)."""
    import glob
    import tarfile
    import tempfile
    import zipfile

    hist = _names(history_dir)
    daily = sorted(p.name for p in daily_dir.glob("*.geojson"))[-1]
    folder = _copy(history_dir, hist, tmp_path / "maps" / "history")
    shutil.copy(daily_dir / daily, tmp_path / "maps" / daily)
    (tmp_path / "packed").mkdir()
    with zipfile.ZipFile(tmp_path / "packed" / "maps.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((tmp_path / "maps").rglob("*.geojson")):
            zf.write(p, p.relative_to(tmp_path / "maps").as_posix())
    with tarfile.open(tmp_path / "maps.tar.gz", "w:gz") as tf:
        tf.add(tmp_path / "maps", arcname="maps")
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), f"frontwatch-archive-{os.getpid()}-*")))

    def stored(st):
        return {(s.source, s.taken_at, s.content_hash) for src in ("deepstate", "deepstate-daily")
                for s in st.snapshots(source=src)}

    with Store(tmp_path / "folder.duckdb") as st:
        ref = ingest(st, tmp_path / "maps")
        want = stored(st)
    with Store(tmp_path / "zip.duckdb") as st:
        got = ingest(st, tmp_path / "packed")  # the zip found in a folder
        assert (got.files, got.added, got.errors) == (ref.files, ref.added, []) == (4, 4, [])
        assert stored(st) == want
        origins = sorted(s.origin for s in st.snapshots(source="deepstate"))
        assert origins == sorted(f"{tmp_path / 'packed' / 'maps.zip'}!history/{n}" for n in hist), origins
        again = ingest(st, tmp_path / "maps")  # the unpacked folder: the same file keys
        assert (again.added, again.unchanged) == (0, 4)
    with Store(tmp_path / "tar.duckdb") as st:
        got = ingest(st, tmp_path / "maps.tar.gz")
        assert (got.added, got.errors, stored(st)) == (4, [], want)
        assert ingest(st, tmp_path / "maps.tar.gz").unchanged == 4
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), f"frontwatch-archive-{os.getpid()}-*"))) == before
    assert folder.exists()


def test_each_bad_archive_or_empty_folder_fails_alone_in_one_line(history_dir, tmp_path):
    """A truncated zip, a truncated tar.gz, a tar whose member climbs out of the folder, a map
    in a zip that is not a map, and an empty folder: one line each naming it, and the good map
    next to them still goes in; nothing is written outside the temporary folder."""
    import io
    import tarfile
    import zipfile

    good = _names(history_dir, 1)
    d = _copy(history_dir, good, tmp_path / "in")
    raw = (history_dir / good[0]).read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("1700000000.geojson", raw)
        zf.writestr("../../1600000000.geojson", '{"type": "FeatureCollection", "features": []}')
    (d / "trunc.zip").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (d / "climb.zip").write_bytes(buf.getvalue())
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w:gz") as tf:
        info = tarfile.TarInfo("1700000000.geojson")
        info.size = len(raw)
        tf.addfile(info, io.BytesIO(raw))
    (d / "trunc.tar.gz").write_bytes(tbuf.getvalue()[: len(tbuf.getvalue()) // 2])
    with tarfile.open(d / "evil.tar", "w") as tf:
        info = tarfile.TarInfo("../../evil.geojson")
        info.size = 2
        tf.addfile(info, io.BytesIO(b"{}"))
    (tmp_path / "empty").mkdir()
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(d), str(tmp_path / "empty"), "--store", str(store), "--format", "json"])
    assert r.exit_code == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    expect = {"trunc.zip:": "corrupt or truncated zip archive", "trunc.tar.gz:": "corrupt or truncated tar archive",
              "evil.tar:": "unsafe member in tar archive",
              "climb.zip!1600000000.geojson:": "empty FeatureCollection",
              f"{tmp_path / 'empty'}:": "no map files in this folder"}
    assert len(errors) == len(expect), errors
    for name, words in expect.items():
        line = next(e for e in errors if name in e)
        assert words in line and "frontwatch-archive-" not in line, line
    assert json.loads(r.stdout)[0]["added"] == 2  # the map itself, and the same map in climb.zip under another time
    assert not (tmp_path / "1600000000.geojson").exists() and not (tmp_path.parent / "evil.geojson").exists()
