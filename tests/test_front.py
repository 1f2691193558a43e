"""Front line and advance on the shared archive (store fixture: ../shared/data/deepstate/history
and ../shared/data/borders/countries-osm.geojson)."""
from __future__ import annotations

import datetime as dt

import pytest
import shapely

from frontwatch.front import advance, border_line, components, front
from frontwatch.geodesy import length_km
from frontwatch.measure import MeasureError
from frontwatch.places import PlaceNotFound
from frontwatch.regions import resolve_region

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


def test_bad_radius_and_windows_are_clear_errors(store, borders):
    with pytest.raises(MeasureError, match="radius"):
        advance(store, "Kurakhove", 0, start=dt.date(2024, 11, 1), end=DAY, borders=borders)
    with pytest.raises(MeasureError, match="2022-04-03 to 2024-12-31"):
        advance(store, "Kurakhove", 10, start=dt.date(2021, 1, 1), end=dt.date(2021, 2, 1), borders=borders)
    with pytest.raises(MeasureError, match="2024-12-31"):
        advance(store, "Kurakhove", 10, start=dt.date(2024, 11, 1), end=dt.date(2025, 3, 1), borders=borders)
    with pytest.raises(MeasureError, match="need two"):
        advance(store, "Kurakhove", 10, start=dt.date(2024, 11, 25), end=dt.date(2024, 11, 30), every="month",
                borders=borders)
