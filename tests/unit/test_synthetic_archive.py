"""The main commands on the synthetic archive (synthetic.py), whose true figures are known: the
areas of its rectangles on the WGS84 ellipsoid (pyproj's Geod, independently of frontwatch's
tiled equal-area measure), their changes, the incursion's peak and the front's growth."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pyproj import Geod

from synthetic import DAYS, INCURSION_EAST, OCCUPIED_WEST
from frontwatch.faces.cli import main

GEOD = Geod(ellps="WGS84")


def geodesic_km2(x0, y0, x1, y1, n=2000) -> float:
    """Area on the WGS84 ellipsoid, km2, of a lon/lat rectangle whose edges follow the meridians
    and parallels (as a map draws it): its edges cut into ``n`` steps, so that no edge is taken
    for the geodesic between its ends, which bulges poleward from a parallel."""
    xs = [x0 + (x1 - x0) * k / n for k in range(n)] + [x1] * n + [x1 - (x1 - x0) * k / n for k in range(n)] + [x0] * n
    ys = [y0] * n + [y0 + (y1 - y0) * k / n for k in range(n)] + [y1] * n + [y1 - (y1 - y0) * k / n for k in range(n)]
    area, _ = GEOD.polygon_area_perimeter(xs, ys)
    return abs(area) / 1e6


def run_json(store, *args):
    done = CliRunner().invoke(main, [*args, "--store", str(store), "--format", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_ingest_stores_one_snapshot_per_map(unit_store):
    snaps = run_json(unit_store, "snapshots")
    assert [s["date"] for s in snaps] == [d.isoformat() for d in DAYS]


@pytest.mark.parametrize("i", range(4))
def test_the_incursions_area_is_that_of_its_rectangle(unit_store, i):
    [rec] = run_json(unit_store, "area", "--region", "RUS", "--status", "ukraine_held", "--date", DAYS[i].isoformat())
    assert rec["km2"] == pytest.approx(geodesic_km2(38.0, 49.0, INCURSION_EAST[i], 49.5), rel=1e-4)


def test_the_occupied_area_is_that_of_its_rectangle(unit_store):
    recs = run_json(unit_store, "area", "--region", "UKR", "--status", "occupied", "--date", DAYS[-1].isoformat())
    assert recs[0]["km2"] == pytest.approx(geodesic_km2(OCCUPIED_WEST[-1], 46.0, 38.0, 48.0), rel=1e-4)


def test_a_series_has_one_record_per_map(unit_store):
    recs = run_json(unit_store, "area", "--region", "RUS", "--status", "ukraine_held", "--from", "2024-08-01", "--to", "2024-09-30")
    assert [r["date"] for r in recs] == [d.isoformat() for d in DAYS]


def test_the_peak_is_the_incursions_widest_map(unit_store):
    [pk] = run_json(unit_store, "peak", "--region", "RUS", "--status", "ukraine_held")
    widest, last = geodesic_km2(38.0, 49.0, 38.8, 49.5), geodesic_km2(38.0, 49.0, 38.4, 49.5)
    assert pk["peak_date"] == "2024-08-15"
    assert pk["peak_km2"] == pytest.approx(widest, rel=1e-4)
    assert pk["share_lost_pct"] == pytest.approx(100 * (1 - last / widest), abs=0.01)


def test_russias_gain_is_the_strip_the_occupied_edge_moved_over(unit_store):
    [chg] = run_json(unit_store, "change", "--region", "UKR", "--side", "russia", "--from", "2024-08-02", "--to", "2024-09-15")
    # Russia's side is occupied + contested-free ground; contested moved with the occupied edge.
    strip = geodesic_km2(OCCUPIED_WEST[-1], 46.0, OCCUPIED_WEST[0], 48.0)
    assert chg["from_date"] == "2024-08-01" and chg["to_date"] == "2024-09-15"
    assert chg["gained_km2"] == pytest.approx(strip, rel=1e-3)
    assert chg["lost_km2"] == pytest.approx(0.0, abs=0.5)


def test_the_front_lengthens_by_the_occupied_edge_it_gains(unit_store):
    recs = run_json(unit_store, "front", "--region", "UKR", "--from", "2024-08-01", "--to", "2024-09-30")
    lengths = [r["length_km"] for r in recs]
    step = GEOD.line_length([36.0, 35.9], [48.0, 48.0]) / 1000  # 0.1 degree of the occupied ground's north edge
    assert [round(b - a, 1) for a, b in zip(lengths, lengths[1:])] == [pytest.approx(step, abs=0.2)] * 3
    assert all(r["components"] == 1 for r in recs)
