"""What makes a command answer at once (issue 27): lazy imports, and work the store already
holds not done again. No timing assertions: what is checked is what is loaded and what is done."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from frontwatch.faces.cli import COMMANDS, main, short_help

HEAVY = ("shapely", "pyproj", "numpy", "duckdb", "pandas", "geopandas", "matplotlib")


def _loaded_after(args) -> set:
    """The top-level modules loaded by ``frontwatch ARGS`` in a fresh interpreter."""
    code = ("import sys; from frontwatch.faces.cli import main\n"
            "try:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('\\n' + __import__('json').dumps(sorted({m.split('.')[0] for m in sys.modules})))" % (list(args),))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_loads_no_geometry_or_database_library():
    loaded = _loaded_after(["--help"])
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def _threads_after_numpy(env_value=None) -> tuple[int, str]:
    """Threads of a fresh interpreter that imported the CLI then numpy, and its OPENBLAS_NUM_THREADS."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if env_value is not None:
        env["OPENBLAS_NUM_THREADS"] = env_value
    code = ("import os, frontwatch.faces.cli, numpy; "
            "print(len(os.listdir('/proc/self/task')), os.environ['OPENBLAS_NUM_THREADS'])")
    n, value = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env=env).stdout.split()
    return int(n), value


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counting threads needs Linux's /proc")
def test_the_command_starts_numpy_without_a_blas_thread_pool():
    """numpy's OpenBLAS starts no thread pool in a command (frontwatch does no linear algebra;
    starting it was a third of numpy's import), unless the user set OPENBLAS_NUM_THREADS."""
    assert _threads_after_numpy() == (1, "1")
    assert _threads_after_numpy("2")[1] == "2"


def test_help_lists_each_command_with_its_own_short_help():
    # The list is read from the modules' sources; it must say what the imported commands say.
    res = CliRunner().invoke(main, ["--help"], terminal_width=100)
    assert res.exit_code == 0, res.output
    listed = res.output.split("Commands:")[1]
    for name, _ in COMMANDS:
        cmd = main.get_command(None, name)
        assert cmd.short_help is None, f"{name}: a short_help set in code would not be the one listed"
        assert short_help(name, 60) == cmd.get_short_help_str(60), name
        assert f"{name} " in listed


def _names(history_dir, n):
    return sorted((p.name for p in history_dir.glob("*.geojson")), key=lambda s: int(s.split(".")[0]))[-n:]


def test_a_borders_file_the_store_holds_is_not_prepared_twice(history_dir, borders_file, tmp_path, monkeypatch):
    """../shared/data/borders/countries-osm.geojson given again (`--borders FILE`, `frontwatch
    borders FILE`, or among the paths of an ingest) is taken from the store, not read and prepared
    again, with the same figures; a file of other content is prepared once, then kept."""
    import shutil

    from frontwatch.geo import regions

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "cache"))  # a machine that never prepared it
    prepared = []
    real = regions.prepare_borders
    monkeypatch.setattr(regions, "prepare_borders", lambda raw: prepared.append(sorted(raw)) or real(raw))
    maps = tmp_path / "maps"
    maps.mkdir()
    for name in _names(history_dir, 3):
        shutil.copy(history_dir / name, maps / name)
    store = str(tmp_path / "s.duckdb")
    run = lambda *args: CliRunner().invoke(main, [*args, "--store", store, "--format", "json"])  # noqa: E731
    area = ["area", "--region", "RUS", "--status", "ukraine_held"]

    assert run("ingest", str(maps)).exit_code == 0
    first = run(*area, "--borders", str(borders_file))  # the store holds no borders: prepared, and kept
    assert first.exit_code == 0, first.output
    assert len(prepared) == 1
    again = run(*area, "--borders", str(borders_file))
    assert again.exit_code == 0 and json.loads(again.stdout) == json.loads(first.stdout)
    assert len(prepared) == 1, "the same file given again was prepared again"

    saved = run("borders", str(borders_file))  # now the store's own borders: the kept ones, not prepared again
    assert saved.exit_code == 0, saved.output
    count = len(prepared)
    assert count == 1
    assert run("borders", str(borders_file)).exit_code == 0
    shutil.copy(borders_file, maps / "countries.geojson")
    ingested = run("ingest", str(maps))
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)[0]["borders"].endswith("countries.geojson")
    assert run(*area, "--borders", str(borders_file)).stdout == first.stdout
    assert run(*area).stdout == first.stdout  # the store's own borders
    assert len(prepared) == count, "a borders file the store holds was prepared again"

    other = tmp_path / "other.geojson"  # the same countries, other bytes: another file
    other.write_bytes(borders_file.read_bytes() + b"\n")
    assert run(*area, "--borders", str(other)).stdout == first.stdout
    assert run(*area, "--borders", str(other)).stdout == first.stdout
    assert len(prepared) == count + 1


def test_a_second_store_reuses_what_the_machine_keeps_of_a_borders_file(history_dir, borders_file, tmp_path, monkeypatch):
    """A borders file given (`--borders FILE`) to a query on one store is prepared, RUS tiled and
    its land measured once on the machine: a query on another store (other maps) given the same
    file prepares, tiles and measures none of them again, and gives the figures a store that
    prepared everything itself gives."""
    import shutil

    from frontwatch.analysis import shares
    from frontwatch.geo import geodesy, regions

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "machine"))
    done = {"prepared": 0, "tiled": 0, "land": 0}
    real_prepare, real_tiling, real_area = regions.prepare_borders, geodesy.TiledRegion.__init__, geodesy.area_km2

    def count(what, fn):
        def counted(*a, **k):
            done[what] += 1
            return fn(*a, **k)
        return counted

    monkeypatch.setattr(regions, "prepare_borders", count("prepared", real_prepare))
    monkeypatch.setattr(geodesy.TiledRegion, "__init__", count("tiled", real_tiling))
    monkeypatch.setattr(shares.geodesy, "area_km2", count("land", real_area))
    names = _names(history_dir, 4)
    area = ["area", "--region", "RUS", "--status", "ukraine_held", "--borders", str(borders_file), "--format", "json"]

    def store_of(which, maps):
        folder = tmp_path / which
        (folder / "maps").mkdir(parents=True)
        for name in maps:
            shutil.copy(history_dir / name, folder / "maps" / name)
        store = str(folder / "s.duckdb")
        assert CliRunner().invoke(main, ["ingest", str(folder / "maps"), "--store", store]).exit_code == 0
        return store

    geodesy._TILED.clear()
    first = CliRunner().invoke(main, [*area, "--store", store_of("a", names[:2])])
    assert first.exit_code == 0, first.output
    assert done == {"prepared": 1, "tiled": 1, "land": 1}
    geodesy._TILED.clear()  # as in a new process
    second = CliRunner().invoke(main, [*area, "--store", store_of("b", names[2:])])
    assert second.exit_code == 0, second.output
    assert done == {"prepared": 1, "tiled": 1, "land": 1}, "a second store prepared again what the machine keeps"

    # The same figures as a store on a machine that kept nothing.
    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "other-machine"))
    geodesy._TILED.clear()
    alone = CliRunner().invoke(main, [*area, "--store", store_of("c", names[2:])])
    assert done == {"prepared": 2, "tiled": 2, "land": 2}
    assert json.loads(alone.stdout) == json.loads(second.stdout)


def _count_prepared(monkeypatch) -> dict:
    """How many times borders are prepared from a file (``regions.prepare_borders``) from now on."""
    from frontwatch.geo import regions

    done = {"prepared": 0}
    real = regions.prepare_borders

    def counted(*a, **k):
        done["prepared"] += 1
        return real(*a, **k)

    monkeypatch.setattr(regions, "prepare_borders", counted)
    return done


def _ingest_into(folder, history_dir, names, *extra) -> str:
    import shutil

    (folder / "maps").mkdir(parents=True)
    for name in names:
        shutil.copy(history_dir / name, folder / "maps" / name)
    store = str(folder / "s.duckdb")
    got = CliRunner().invoke(main, ["ingest", str(folder / "maps"), *map(str, extra), "--store", store])
    assert got.exit_code == 0, got.output
    return store


def _borders_and_tilings(store) -> tuple:
    """What a store holds of its borders: each country's WKB, key and file hash, and the saved tilings."""
    import duckdb

    con = duckdb.connect(store, read_only=True)
    try:
        borders = con.execute("SELECT iso_a3, wkb, key, file_hash FROM borders ORDER BY iso_a3").fetchall()
        tiles = con.execute("SELECT * FROM region_tiles ORDER BY key").fetchall()
    finally:
        con.close()
    return borders, tiles


def test_an_ingest_does_not_prepare_a_borders_file_the_machine_keeps(history_dir, borders_file, tmp_path, monkeypatch):
    """`frontwatch ingest MAPS borders.geojson` into a second store on the same machine takes the
    borders the first ingest prepared (kept in the machine cache under the file's hash) instead
    of reading and preparing the file again, and the second store holds the same borders, region
    keys and tilings, byte for byte."""
    from frontwatch.geo import geodesy

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "machine"))
    done = _count_prepared(monkeypatch)
    names = _names(history_dir, 2)
    geodesy._TILED.clear()
    first = _ingest_into(tmp_path / "a", history_dir, names[:1], borders_file)
    assert done["prepared"] == 1
    geodesy._TILED.clear()  # as in a new process
    second = _ingest_into(tmp_path / "b", history_dir, names[1:], borders_file)
    assert done["prepared"] == 1, "the second ingest prepared again the borders the machine keeps"
    assert _borders_and_tilings(second) == _borders_and_tilings(first)


def test_an_ingest_takes_the_tiles_the_machine_cut_with_the_same_figures(history_dir, borders_file, tmp_path, monkeypatch):
    """A second store ingested with a borders file the machine keeps gets the RUS and UKR tilings
    with the tiles queries on the first store cut (no tiling made, no tile cut again), and its
    figures are those of the first store."""
    import numpy as np

    from frontwatch.geo import geodesy

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "machine"))
    made = {"tilings": 0, "tiles": 0}
    real_init, real_cut = geodesy.TiledRegion.__init__, geodesy.TiledRegion._cut_tile

    def counted(what, fn):
        def run(*a, **k):
            made[what] += 1
            return fn(*a, **k)
        return run

    monkeypatch.setattr(geodesy.TiledRegion, "__init__", counted("tilings", real_init))
    monkeypatch.setattr(geodesy.TiledRegion, "_cut_tile", counted("tiles", real_cut))
    names = _names(history_dir, 3)
    series = [["area", "--region", iso, "--status", status, "--every", "day", "--format", "json", "--store"]
              for iso, status in (("UKR", "occupied"), ("RUS", "ukraine_held"))]
    geodesy._TILED.clear()
    first = _ingest_into(tmp_path / "a", history_dir, names, borders_file)
    a = [CliRunner().invoke(main, [*args, first]) for args in series]
    assert [r.exit_code for r in a] == [0, 0], [r.output for r in a]
    assert made["tilings"] == 2 and made["tiles"] > 0
    before = dict(made)
    geodesy._TILED.clear()  # as in a new process
    second = _ingest_into(tmp_path / "b", history_dir, names, borders_file)
    b = [CliRunner().invoke(main, [*args, second]) for args in series]
    assert [r.exit_code for r in b] == [0, 0], [r.output for r in b]
    assert made == before, "the second store made a tiling or cut a tile the machine keeps"
    assert [json.loads(r.stdout) for r in b] == [json.loads(r.stdout) for r in a]
    ukr = [row for row in _borders_and_tilings(second)[1] if row[0].startswith(_key_of(second, "UKR"))]
    assert ukr and not np.isnan(np.frombuffer(ukr[0][3], dtype="<f8")).all(), "the store saved a tiling without its cut tiles"


def _key_of(store, iso) -> str:
    return next(row[2] for row in _borders_and_tilings(store)[0] if row[0] == iso)


def test_a_query_on_another_store_takes_the_borders_an_ingest_prepared(history_dir, borders_file, tmp_path, monkeypatch):
    """Borders prepared by `frontwatch ingest` for one store are kept for the machine: a query
    given the same file (`--borders FILE`) on another store does not prepare them again."""
    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "machine"))
    done = _count_prepared(monkeypatch)
    names = _names(history_dir, 2)
    _ingest_into(tmp_path / "a", history_dir, names[:1], borders_file)
    other = _ingest_into(tmp_path / "b", history_dir, names[1:])
    assert done["prepared"] == 1
    got = CliRunner().invoke(main, ["area", "--region", "UKR", "--borders", str(borders_file), "--format", "json",
                                    "--store", other])
    assert got.exit_code == 0, got.output
    assert done["prepared"] == 1, "the query prepared again the borders an ingest prepared on this machine"


def test_stored_borders_keep_each_countrys_region_key(store_path, borders_file, tmp_path):
    """The key saved with a country is the one its geometry gives (what every cached figure is
    filed under), so a region resolved from the store needs no hashing of its geometry."""
    from frontwatch.geo.regions import _key, load_borders, resolve_region
    from frontwatch.store import Store

    with Store(tmp_path / "s.duckdb") as st:
        fresh = load_borders(st, borders_file)  # prepared, and kept under the file's hash
        kept = st.borders_of_file(__import__("frontwatch.geo.regions", fromlist=["x"]).borders_file_hash(borders_file))
        assert kept is not None and sorted(kept) == sorted(fresh)
        for iso in ("RUS", "UKR"):
            assert kept.key_of(iso) == _key(kept[iso]) == resolve_region(iso, fresh).key
            assert resolve_region(iso, kept).key == kept.key_of(iso)


@pytest.fixture(scope="module")
def warm_store(history_dir, borders_file, tmp_path_factory):
    """A store of the last 5 shared maps and the shared borders (ingested from one folder, as
    `frontwatch ingest` takes them), with the queries below answered once."""
    import shutil

    folder = tmp_path_factory.mktemp("warm")
    maps = folder / "maps"
    maps.mkdir()
    for name in _names(history_dir, 5):
        shutil.copy(history_dir / name, maps / name)
    shutil.copy(borders_file, maps / "countries.geojson")
    store = str(folder / "s.duckdb")
    assert CliRunner().invoke(main, ["ingest", str(maps), "--store", store]).exit_code == 0
    for args in WARM_QUERIES:
        res = CliRunner().invoke(main, [*args, "--store", store, "--format", "json"])
        assert res.exit_code == 0, res.output
    return store


WARM_QUERIES = (
    ("area", "--region", "RUS", "--status", "ukraine_held"),
    ("area", "--region", "UKR", "--every", "day"),
    ("area", "--region", "ALL"),
    ("peak", "--region", "RUS", "--status", "ukraine_held,contested"),
    ("change", "--region", "UKR", "--from", "2024-12-28", "--to", "2024-12-31"),
    ("change", "--region", "RUS", "--status", "ukraine_held", "--from", "2024-12-28", "--to", "2024-12-31"),
)


@pytest.mark.parametrize("args", WARM_QUERIES, ids=lambda a: " ".join(a[:3]))
def test_a_repeated_query_loads_no_geometry_library(warm_store, borders_file, args):
    """A query whose figures the store holds (area, peak, change, with the borders given again
    or not) answers without numpy, shapely or pyproj: no import, no geometry decoded, no worker."""
    for extra in ((), ("--borders", str(borders_file))):
        loaded = _loaded_after([*args, *extra, "--store", warm_store, "--format", "json"])
        assert not loaded & {"numpy", "shapely", "pyproj", "pandas", "geopandas"}, (args, extra)


def test_a_repeated_query_with_borders_the_machine_keeps_loads_no_geometry_library(history_dir, borders_file, tmp_path,
                                                                                    monkeypatch):
    """A store without borders of its own, given `--borders FILE` whose preparation the machine
    cache holds: the query asked again answers without numpy, shapely or pyproj."""
    import shutil

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "machine"))
    maps = tmp_path / "maps"
    maps.mkdir()
    for name in _names(history_dir, 2):
        shutil.copy(history_dir / name, maps / name)
    store = str(tmp_path / "s.duckdb")
    assert CliRunner().invoke(main, ["ingest", str(maps), "--store", store]).exit_code == 0
    args = ["area", "--region", "RUS", "--status", "ukraine_held", "--borders", str(borders_file), "--store", store,
            "--format", "json"]
    assert CliRunner().invoke(main, args).exit_code == 0  # prepared, kept on the machine, measured
    loaded = _loaded_after(args)  # a fresh interpreter, the same FRONTWATCH_CACHE_DIR
    assert not loaded & {"numpy", "shapely", "pyproj", "pandas", "geopandas"}, sorted(loaded)


def test_a_repeated_change_gives_the_figures_it_measured(warm_store, borders_file):
    """change's four areas come back from the cache as they were measured, and --out (which needs
    the shapes) still measures them, giving the same figures."""
    args = ["change", "--region", "UKR", "--from", "2024-12-28", "--to", "2024-12-31", "--store", warm_store, "--format", "json"]
    cached = json.loads(CliRunner().invoke(main, args).stdout)
    out = CliRunner().invoke(main, [*args, "--out", str(__import__("pathlib").Path(warm_store).with_suffix(".change.geojson"))])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == cached
    assert cached[0]["what"] == "russia" and cached[0]["km2_to"] > 100_000


def test_the_key_of_all_is_that_of_the_theatre():
    import shapely

    from frontwatch.geo.regions import ALL_KEY, THEATRE, _key, resolve_region

    assert ALL_KEY == _key(shapely.box(*THEATRE))
    region = resolve_region("ALL")
    assert region.key == ALL_KEY and region.geometry.equals(shapely.box(*THEATRE))
