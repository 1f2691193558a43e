"""Front line and advance on the shared archive (store fixture: ../shared/data/deepstate/history
and ../shared/data/borders/countries-osm.geojson)."""
from __future__ import annotations

import datetime as dt

import pytest
import shapely

from frontwatch.analysis.front import advance, border_line, components, front
from frontwatch.geo.geodesy import length_km
from frontwatch.analysis.measure import MeasureError
from frontwatch.geo.places import PlaceNotFound
from frontwatch.geo.regions import resolve_region

DAY = dt.date(2024, 11, 24)


@pytest.fixture()
def borders(store):
    return store.borders()


@pytest.fixture()
def front_all(store, borders):
    return front(store, resolve_region("ALL", borders), date=DAY, borders=borders)[0]


def test_donbas_front_is_one_line_from_kupiansk_to_zaporizhzhia(front_all):
    main = components(front_all["geometry"])[0]
    x0, y0, x1, y1 = main.bounds
    assert y1 > 49.8 and x1 > 37.8  # reaches the Kupiansk sector at the border
    assert y0 < 47.6 and x0 < 35.6  # down to the Kakhovka reservoir near Zaporizhzhia
    assert length_km(main) > 600
    assert front_all["components"] < 80


def test_front_length_is_about_a_thousand_km(front_all):
    assert 850 < front_all["length_km"] < 1300


def test_front_does_not_follow_the_russia_ukraine_border(front_all, borders):
    border = border_line(borders)
    near = shapely.intersection(front_all["geometry"], shapely.buffer(border, 0.01))  # ~1 km
    near_km = length_km(near)
    # Allowed: where the fighting is at the border (Kursk pocket, Vovchansk, Lyptsi, Tetkino).
    fighting = shapely.box(34.0, 50.1, 37.2, 51.6)
    elsewhere = shapely.difference(near, fighting)
    assert near_km < 60
    assert length_km(elsewhere) < 5


def test_the_dnipro_counts_as_front(front_all):
    kherson = shapely.box(32.3, 46.4, 33.5, 46.85)
    assert length_km(shapely.intersection(front_all["geometry"], kherson)) > 80


def test_kursk_pocket_edges_are_front_in_region_rus(store, borders):
    rec = front(store, resolve_region("RUS", borders), date=DAY, borders=borders)[0]
    assert 50 < rec["length_km"] < 200


def test_kurakhove_advance_both_methods_are_in_the_articles_range(store, borders):
    rec = advance(store, "Kurakhove", 15, start=dt.date(2024, 11, 1), end=DAY, borders=borders)[0]
    assert rec["russia_gained_km2"] > 100
    assert 100 < rec["russia_mean_m_per_day"] < 400
    assert 150 < rec["russia_shift_m_per_day"] < 400
    # Not exactly opposite: water the occupied layer covers (the Kurakhove reservoir) was nobody's.
    assert rec["ukraine_mean_m_per_day"] == pytest.approx(-rec["russia_mean_m_per_day"], rel=0.05)


def test_weekly_series_has_one_record_per_pair(store, borders):
    recs = advance(store, "47.98,37.28", 10, start=dt.date(2024, 10, 1), end=dt.date(2024, 10, 31), every="week",
                   borders=borders)
    assert len(recs) >= 3
    assert all(r["from_date"] < r["to_date"] for r in recs)


def test_unknown_place_suggests_matches(store, borders):
    with pytest.raises(PlaceNotFound, match="did you mean"):
        advance(store, "Kurakhovxqz", 10, start=dt.date(2024, 11, 1), end=DAY, borders=borders)


def test_a_zero_radius_is_a_clear_error(store, borders):
    with pytest.raises(MeasureError, match="radius"):
        advance(store, "Kurakhove", 0, start=dt.date(2024, 11, 1), end=DAY, borders=borders)


def test_a_window_outside_the_archive_is_a_clear_error_naming_its_span(store, borders):
    """Wholly before the first map, or running past the last: the error gives the archive's span."""
    with pytest.raises(MeasureError, match="2022-04-03 to 2024-12-31"):
        advance(store, "Kurakhove", 10, start=dt.date(2021, 1, 1), end=dt.date(2021, 2, 1), borders=borders)
    with pytest.raises(MeasureError, match="2024-12-31"):
        advance(store, "Kurakhove", 10, start=dt.date(2024, 11, 1), end=dt.date(2025, 3, 1), borders=borders)


def test_a_window_holding_fewer_than_two_steps_is_a_clear_error(store, borders):
    with pytest.raises(MeasureError, match="need two"):
        advance(store, "Kurakhove", 10, start=dt.date(2024, 11, 25), end=dt.date(2024, 11, 30), every="month",
                borders=borders)


def test_a_region_holding_the_whole_front_gives_the_same_line_as_all(store, borders, front_all):
    """A whole-theatre box or a 3,000 km circle holds every front line: the same length and the
    same pieces as ALL (the box used to re-node the line into 36 pieces against ALL's 39)."""
    for spec in ("bbox:19,42,51,58", "Kurakhove:3000km"):
        rec = front(store, resolve_region(spec, borders), date=DAY, borders=borders)[0]
        assert rec["length_km"] == front_all["length_km"] and rec["components"] == front_all["components"], spec


def test_a_circle_wider_than_the_theatre_is_cut_to_it(store, borders):
    """A 5,000 km disk folded over the pole in lon/lat and measured 0 km2 and no front; cut to
    the theatre in its own plane, it holds all the map and the whole front. (advance draws its
    circles with the same function; an advance over the whole theatre takes 30 s, so the front
    stands for it here.)"""
    from frontwatch.analysis import measure

    wide_region = resolve_region("Kurakhove:5000km", borders)
    wide = measure.area_on(store, wide_region, date=DAY)
    whole = measure.area_on(store, resolve_region("ALL", borders), date=DAY)
    assert [r["km2"] for r in wide] == pytest.approx([r["km2"] for r in whole], rel=1e-6)
    line = front(store, wide_region, date=DAY, borders=borders)[0]
    assert line["length_km"] > 850 and line["length_km"] == pytest.approx(
        front(store, resolve_region("ALL", borders), date=DAY, borders=borders)[0]["length_km"], abs=0.2)


def test_an_advance_outside_the_theatre_is_an_error_not_zero(store, borders):
    with pytest.raises(MeasureError, match="outside the theatre"):
        advance(store, "0,0", 15, start=dt.date(2024, 11, 17), end=DAY, borders=borders)


def test_the_cli_gives_a_library_warning_as_one_line(store_path):
    from click.testing import CliRunner

    from frontwatch.faces.cli import main

    r = CliRunner().invoke(main, ["area", "--region", "Pokrovsk:5km", "--date", "2024-11-24", "--store", str(store_path)])
    assert r.exit_code == 0, r.output
    warned = [line for line in r.stderr.splitlines() if "ambiguous" in line]
    assert len(warned) == 1 and warned[0].startswith("warning: 'Pokrovsk' is ambiguous") and ".py" not in r.stderr, r.stderr


@pytest.mark.parametrize("spec,day", [("Kherson:30km", dt.date(2023, 6, 20)), ("Vovchansk:15km", DAY),
                                      ("Sudzha:30km", dt.date(2024, 8, 20))])
def test_a_regions_front_from_its_framed_ground_equals_the_one_from_the_whole_map(store, borders, monkeypatch, spec, day):
    """The front inside a region is traced from the ground within FRAME_DEG of it (2 s a map less
    for a town's circle); the Dnipro, the Kharkiv border and the Kursk pocket give the same line as
    tracing from the whole theatre's layers and borders (to 1e-9 degrees: the cut moves a few
    coordinates by 1e-12)."""
    import frontwatch.analysis.front as fm

    region = resolve_region(spec, borders)
    framed = front(store, region, date=day, borders=borders)[0]
    monkeypatch.setattr(fm, "FRAME_DEG", 90.0)
    whole = front(store, region, date=day, borders=borders)[0]
    assert framed["length_km"] > 5 and framed["length_km"] == whole["length_km"]
    assert framed["geometry"].normalize().equals_exact(whole["geometry"].normalize(), 1e-9)
