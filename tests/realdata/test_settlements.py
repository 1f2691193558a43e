"""Settlement status analytics on the shared archive (store fixture: ../shared/data/deepstate/history
and ../shared/data/borders/countries-osm.geojson)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import shapely

from frontwatch.geo.regions import resolve_region
from frontwatch.analysis.settlements import settlement_changes, settlements_on, statuses_of


def _five_places():
    """statuses_of for five places along a row: in an occupied, a contested and a ukraine_held box,
    then two no layer covers (in Ukraine, in Russia); each of the first three given a country its
    layer overrides."""
    layers = {"occupied": shapely.box(0, 0, 1, 1), "contested": shapely.box(1, 0, 2, 1), "ukraine_held": shapely.box(2, 0, 3, 1)}
    lon = np.array([0.5, 1.5, 2.5, 3.5, 4.5])
    lat = np.full(5, 0.5)
    return statuses_of(layers, lon, lat, ["ukraine", "ukraine", "russia", "ukraine", "russia"])


def test_a_places_status_comes_from_the_layer_it_lies_in():
    status, _ = _five_places()
    assert status == ["occupied", "contested", "ukraine_held", None, None]


def test_a_places_side_comes_from_its_layer_or_its_country_when_uncovered():
    """The grey zone is nobody's side."""
    _, side = _five_places()
    assert side == ["russia", None, "ukraine", "ukraine", "russia"]


def test_sudzha_changes_to_ukraine_held_in_august_2024(store):
    borders = store.borders()
    changes = settlement_changes(store, resolve_region("RUS", borders), start=dt.date(2024, 8, 1),
                                 end=dt.date(2024, 12, 31), borders=borders)
    sudzha = [c for c in changes if c["place"] == "Sudzha"]
    assert sudzha and sudzha[0]["new_status"] == "ukraine_held" and sudzha[0]["date"].startswith("2024-08")
    assert sudzha[0]["old_side"] == "russia" and sudzha[0]["new_side"] == "ukraine"
    assert [c["date"] for c in changes] == sorted(c["date"] for c in changes)


def test_status_near_a_place_resolves_cyrillic_names(store):
    borders = store.borders()
    recs = settlements_on(store, resolve_region("Суджа:20km", borders), dt.date(2024, 11, 24), borders=borders)
    by_name = {r["place"]: r for r in recs}
    assert by_name["Sudzha"]["status"] == "ukraine_held"
