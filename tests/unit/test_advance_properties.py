"""Advance analytics on synthetic side polygons (no store): a straight front moving uniformly."""
from __future__ import annotations

import math

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontwatch.analysis.front import advance_between, contact_line
from frontwatch.geo.geodesy import from_local, length_km
from frontwatch.analysis.measure import MeasureError

CENTER = (37.28, 47.98)


def sides(offset_m, angle_deg, half_width_m):
    """Russian ground on the side of the line u = offset_m opposite to the normal at angle_deg
    (degrees from north), Ukrainian ground beyond it; both squares of half_width_m, lon/lat."""
    w = half_width_m
    r = shapely.box(-w, -w, offset_m, w)
    u = shapely.box(offset_m, -w, w, w)
    out = []
    for g in (r, u):
        # The normal (+x before rotation) must point at angle_deg from north: rotate by 90 - angle.
        g = shapely.affinity.rotate(g, 90 - angle_deg, origin=(0, 0))
        g = shapely.segmentize(g, 200.0)  # keep the edges straight in metres after reprojection
        out.append(from_local(g, *CENTER))
    return out


fronts = st.tuples(
    st.floats(5.0, 25.0),        # radius km
    st.floats(-0.4, 0.3),        # old offset, in radii
    st.floats(0.01, 0.15),       # move, in radii
    st.floats(0.0, 359.0),       # direction of the advance, degrees from north
    st.floats(1.0, 60.0),        # days
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fronts)
def test_uniform_straight_advance_gives_distance_over_time_by_both_methods(case):
    radius_km, x0, dx, angle, days = case
    r_m = radius_km * 1000
    d = dx * r_m
    half = 4 * r_m
    r0, u0 = sides(x0 * r_m, angle, half)
    r1, u1 = sides(x0 * r_m + d, angle, half)
    res = advance_between(r0, u0, r1, u1, CENTER, radius_km, days)
    rus = res["russia"]
    assert rus["mean_m_per_day"] == pytest.approx(d / days, rel=0.02)
    assert rus["shift_m_per_day"] == pytest.approx(d / days, rel=0.02)
    # Bearing of the shift is the direction of the advance.
    diff = (rus["shift_bearing_deg"] - angle + 180) % 360 - 180
    assert abs(diff) < 2.0
    # The Ukrainian side lost what Russia gained.
    assert res["ukraine"]["mean_m_per_day"] == pytest.approx(-d / days, rel=0.02)


@settings(max_examples=6, deadline=None)
@given(fronts)
def test_swapping_the_dates_flips_the_sign(case):
    radius_km, x0, dx, angle, days = case
    r_m = radius_km * 1000
    r0, u0 = sides(x0 * r_m, angle, 4 * r_m)
    r1, u1 = sides((x0 + dx) * r_m, angle, 4 * r_m)
    fwd = advance_between(r0, u0, r1, u1, CENTER, radius_km, days)["russia"]
    back = advance_between(r1, u1, r0, u0, CENTER, radius_km, days)["russia"]
    assert back["mean_m_per_day"] == pytest.approx(-fwd["mean_m_per_day"], rel=0.01)
    assert back["shift_m_per_day"] == pytest.approx(-fwd["shift_m_per_day"], rel=0.02)
    assert fwd["mean_m_per_day"] > 0 and fwd["shift_m_per_day"] > 0


@settings(max_examples=6, deadline=None)
@given(st.floats(5.0, 25.0), st.floats(-0.5, 0.5), st.floats(0.0, 359.0))
def test_no_movement_gives_zero(radius_km, x0, angle):
    r, u = sides(x0 * radius_km * 1000, angle, 4 * radius_km * 1000)
    res = advance_between(r, u, r, u, CENTER, radius_km, 7.0)
    for side in ("russia", "ukraine"):
        assert res[side]["gained_km2"] == 0 and res[side]["lost_km2"] == 0
        assert res[side]["mean_m_per_day"] == 0
        assert abs(res[side]["shift_m"]) < 1.0


def test_front_inside_circle_is_the_chord():
    r, u = sides(0.0, 90.0, 40_000)
    line = contact_line(r, u, within=shapely.Polygon(from_local(shapely.Point(0, 0).buffer(10_000, 64), *CENTER)))
    assert length_km(line) == pytest.approx(20.0, rel=0.01)


def test_touching_sides_across_a_coast_are_not_front():
    # Two sides 5 km apart across "water": no contact.
    r = from_local(shapely.box(-20_000, -20_000, -2_500, 20_000), *CENTER)
    u = from_local(shapely.box(2_500, -20_000, 20_000, 20_000), *CENTER)
    assert contact_line(r, u).is_empty


def test_zero_radius_or_no_time_is_an_error():
    r, u = sides(0.0, 0.0, 40_000)
    with pytest.raises(MeasureError, match="radius"):
        advance_between(r, u, r, u, CENTER, 0, 7)
    with pytest.raises(MeasureError, match="apart"):
        advance_between(r, u, r, u, CENTER, 10, 0)
    assert math.isfinite(advance_between(r, u, r, u, CENTER, 10, 1)["front_km_new"])
