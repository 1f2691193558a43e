"""Named first-level regions (frontwatch.geo.admin) and shares of their land
(frontwatch.analysis.shares), on the real data of ../shared: the geoBoundaries UKR ADM1 file
(data/admin), the OSM land borders (data/borders) and the DeepStateMap history (data/deepstate/history).
No network: FRONTWATCH_OFFLINE=1 keeps the geoBoundaries download from being tried."""
from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest
from click.testing import CliRunner

from conftest import SHARED, _need

ADMIN = SHARED / "admin" / "geoBoundaries-UKR-ADM1.geojson"


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("FRONTWATCH_OFFLINE", "1")


@pytest.fixture(scope="module")
def admin_store(store_path, tmp_path_factory):
    """A copy of the shared real-data store with Ukraine's 27 units saved by `frontwatch admin`."""
    import shutil

    from frontwatch.faces.cli import main

    _need(ADMIN)
    path = tmp_path_factory.mktemp("admin") / "s.duckdb"
    shutil.copy(store_path, path)
    os.environ["FRONTWATCH_OFFLINE"] = "1"
    res = CliRunner().invoke(main, ["admin", str(ADMIN), "--store", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)) == 27
    return path


def _cli(*args):
    from frontwatch.faces.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("spec,iso", [
    ("Donetsk oblast", "UA-14"), ("Donetska oblast", "UA-14"), ("Донецька область", "UA-14"),
    ("Donetsk region", "UA-14"), ("UA-14", "UA-14"), ("Донецкая область", "UA-14"),
    ("Kyiv", "UA-30"), ("Kyiv oblast", "UA-32"), ("Київська область", "UA-32"),
    ("Zaporizhzhia oblast", "UA-23"), ("Запорізька область", "UA-23"), ("Odessa region", "UA-51"),
    ("Crimea", "UA-43"), ("Sevastopol", "UA-40"), ("Kharkov oblast", "UA-63"), ("Luhansk", "UA-09"),
])
def test_an_oblast_resolves_from_any_of_its_names_or_its_iso_code(admin_store, borders_file, spec, iso):
    """English, Ukrainian and Russian names (and short forms) and ISO 3166-2 codes of an oblast."""
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with Store(admin_store) as st:
        r = resolve_region(spec, store=st)
    assert r.units == (iso,)
    assert r.country == "UKR"


def test_union_of_oblasts_is_their_union(admin_store):
    from frontwatch.geo.geodesy import area_km2
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with Store(admin_store) as st:
        a, b = resolve_region("Donetsk oblast", store=st), resolve_region("Luhansk oblast", store=st)
        u = resolve_region("Donetsk oblast+Луганська область", store=st)
    assert u.units == ("UA-14", "UA-09") and u.name == "Donetsk Oblast+Luhansk Oblast"
    assert area_km2(u.geometry) == pytest.approx(area_km2(a.geometry) + area_km2(b.geometry), rel=1e-4)


def test_oblasts_are_cut_to_land(admin_store):
    """Kherson as drawn holds the territorial sea (33,739 km2): the region is its land only."""
    import geopandas as gpd

    from frontwatch.geo.geodesy import area_km2
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    drawn = gpd.read_file(ADMIN).set_index("shapeISO").geometry["UA-65"]
    with Store(admin_store) as st:
        land = resolve_region("Kherson oblast", store=st).geometry
    assert area_km2(drawn) > 33_000
    assert 20_000 < area_km2(land) < 29_000


def _independent_russia_share(iso: str, date: dt.date) -> float:
    """Russia's share of an oblast's land on ``date``, computed here with GeoPandas and pyproj
    alone: the oblast of the geoBoundaries file cut to UKR land of the OSM borders, the Russian
    layers (occupied, ORDLO, Crimea) of the last history map of the day, areas by pyproj's Geod."""
    import geopandas as gpd
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    history = _need(SHARED / "deepstate" / "history")
    end = dt.datetime.combine(date, dt.time(23, 59, 59), tzinfo=dt.timezone.utc).timestamp()
    snap = max(int(p.stem) for p in history.glob("*.geojson") if int(p.stem) <= end)
    maps = gpd.read_file(history / f"{snap}.geojson")
    code = maps["name"].astype(str).str.split("///").str[-1].str.strip()
    russian = maps[code.isin(["geoJSON.status.occupied", "geoJSON.territories.ordlo", "geoJSON.territories.crimea"])
                   & maps.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    held = russian.geometry.make_valid().union_all()
    borders = gpd.read_file(SHARED / "borders" / "countries-osm.geojson")
    ukr = borders[borders["iso_a3"] == "UKR"].geometry.make_valid().union_all()
    oblast = gpd.read_file(ADMIN).set_index("shapeISO").geometry[iso].intersection(ukr)

    def km2(g):
        return abs(geod.geometry_area_perimeter(g)[0]) / 1e6

    return 100.0 * km2(held.intersection(oblast)) / km2(oblast)


@pytest.mark.parametrize("iso,names", [
    ("UA-09", ("Luhansk oblast", "Луганська область", "UA-09")),
    ("UA-14", ("Donetsk oblast", "Донецька область", "UA-14")),
    ("UA-23", ("Zaporizhzhia oblast", "Запорізька область", "UA-23")),
    ("UA-65", ("Kherson oblast", "Херсонська область", "UA-65")),
])
def test_russia_share_of_oblast_matches_independent_geopandas(admin_store, iso, names):
    expected = _independent_russia_share(iso, dt.date(2024, 11, 24))
    for name in names:
        res = _cli("area", "--region", name, "--date", "2024-11-24", "--store", admin_store, "--format", "json")
        assert res.exit_code == 0, res.output
        recs = json.loads(res.output)
        russia = next(r for r in recs if r["status"] == "russia")
        assert russia["share_pct"] == pytest.approx(expected, abs=1.0), (name, russia, expected)
        statuses = {r["status"]: r for r in recs}
        assert {"occupied", "occupied_before_2022", "ukraine_held", "contested", "ukraine"} <= set(statuses)
        # The sides and the grey zone cover the oblast's land.
        total = russia["share_pct"] + statuses["ukraine"]["share_pct"] + statuses["contested"]["share_pct"]
        assert total == pytest.approx(100.0, abs=0.5)


def test_area_table_says_russia_holds_about_two_thirds_of_donetsk(admin_store):
    res = _cli("area", "--region", "Donetsk oblast", "--date", "2024-11-24", "--store", admin_store)
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.output.splitlines() if re.search(r"\brussia\b", ln))
    assert "Donetsk Oblast" in line and "65.86" in line


def test_change_takes_a_named_region(admin_store):
    res = _cli("change", "--region", "Донецька область", "--status", "occupied", "--from", "2024-11-01",
               "--to", "2024-11-24", "--store", admin_store, "--format", "json")
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)[0]
    assert rec["region"] == "Donetsk Oblast" and rec["gained_km2"] > 100


def test_peak_takes_a_named_region(admin_store):
    res = _cli("peak", "--region", "UA-14", "--status", "ukraine_held", "--until", "2024-11-24", "--store", admin_store,
               "--format", "json")
    assert res.exit_code == 0, res.output


def test_regions_lists_the_27_units_of_ukraine_with_land(admin_store):
    res = _cli("regions", "--store", admin_store, "--format", "json", "--country", "UKR")
    assert res.exit_code == 0, res.output
    recs = [r for r in json.loads(res.stdout) if r["iso"].startswith("UA-")]
    assert len(recs) == 27
    donetsk = next(r for r in recs if r["iso"] == "UA-14")
    assert donetsk["name_uk"] == "Донецька область" and 25_000 < donetsk["land_km2"] < 27_500
    assert "no RUS regions stored" in res.stderr


def test_unknown_region_names_the_closest(admin_store):
    res = _cli("area", "--region", "Donetsc oblast", "--date", "2024-11-24", "--store", admin_store)
    assert res.exit_code != 0
    assert "closest regions: Donetsk Oblast (UA-14)" in res.output
    assert "Traceback" not in res.output


def test_russian_oblast_without_russian_shapes_is_one_line(admin_store):
    res = _cli("area", "--region", "Курская область", "--date", "2024-11-24", "--store", admin_store)
    assert res.exit_code != 0
    assert "Kursk Oblast (RU-KRS)" in res.output and "frontwatch admin FILE" in res.output


def _kursk_file(tmp_path, borders_file):
    """A boundaries file in geoBoundaries' format for Russia made here (no RUS ADM1 file is in
    ../shared): 'Kursk Oblast' is RUS land of the OSM borders in a box around the Kursk
    incursion, named as geoBoundaries names it, with the sea-free land left as it is."""
    import geopandas as gpd
    import shapely

    borders = gpd.read_file(borders_file)
    rus = borders[borders["iso_a3"] == "RUS"].geometry.union_all()
    kursk = rus.intersection(shapely.box(34.0, 50.9, 38.5, 52.4))
    belgorod = rus.intersection(shapely.box(35.3, 49.8, 39.3, 50.9))
    df = gpd.GeoDataFrame({"shapeName": ["Kursk Oblast", "Belgorod Oblast"], "shapeISO": ["RU-KRS", "RU-BEL"],
                           "shapeGroup": ["RUS", "RUS"], "shapeType": ["ADM1", "ADM1"]},
                          geometry=[kursk, belgorod], crs="EPSG:4326")
    path = tmp_path / "geoBoundaries-RUS-ADM1.geojson"
    df.to_file(path, driver="GeoJSON")
    return path


def test_russian_oblast_by_russian_name_from_a_russian_file(admin_store, borders_file, tmp_path):
    path = _kursk_file(tmp_path, borders_file)
    res = _cli("area", "--region", "Курская область", "--status", "ukraine_held", "--date", "2024-11-24",
               "--store", admin_store, "--admin", path, "--format", "json")
    assert res.exit_code == 0, res.output
    recs = json.loads(res.output)
    held = next(r for r in recs if r["status"] == "ukraine_held")
    rus = json.loads(_cli("area", "--region", "RUS", "--status", "ukraine_held", "--date", "2024-11-24",
                          "--store", admin_store, "--format", "json").output)[0]
    # All of the Ukrainian-held ground in Russia on that day was in Kursk oblast.
    assert held["region"] == "Kursk Oblast"
    assert held["km2"] == pytest.approx(rus["km2"], rel=0.02)
    assert 0 < held["share_pct"] < 10


@pytest.mark.parametrize("content,reason", [
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"shapeName":"X"},'
     '"geometry":{"type":"Point","coordinates":[30,50]}}]}', "no polygons"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},'
     '"geometry":{"type":"Polygon","coordinates":[[[30,50],[31,50],[31,51],[30,50]]]}}]}', "no region names"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"shapeName":"X"},'
     '"geometry":{"type":"Polygon","coordinates":[[[3000000,5000000],[3100000,5000000],[3100000,5100000],'
     '[3000000,5000000]]]}}]}', "not lon/lat"),
    ("", "empty file"),
])
def test_bad_admin_file_is_one_line_naming_it(tmp_path, content, reason):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    res = _cli("admin", path, "--store", tmp_path / "s.duckdb")
    assert res.exit_code != 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "bad.geojson" in lines[0] and reason in lines[0], res.output
