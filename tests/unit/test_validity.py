"""The quick validity check of country borders (regions.is_valid_polygonal) against GEOS's own.

``surely_valid`` may say True only for geometries GEOS calls valid; ``is_valid_polygonal``
must always give GEOS's answer. Checked on random lattice polygons built so that holes, shells
and parts often touch, share edges, cross and nest, and on hand-made hard cases (on the real OSM
borders: tests/realdata/test_validity_borders.py).
"""
from __future__ import annotations

import collections

import numpy as np
import pytest
import shapely

from frontwatch.geo.regions import is_valid_polygonal, surely_valid


def _box(x0, y0, w, h):
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]


def _lattice_geometry(rng):
    """Up to three shells side by side (overlapping or touching now and then), with holes on a
    grid (some touching each other or the shell) and islands in lakes (some touching the lake)."""
    parts = []
    for k in range(rng.integers(1, 4)):
        x0, y0 = 30 * k + rng.integers(0, 3), rng.integers(0, 3)
        w, h = rng.integers(6, 32, 2)
        holes = []
        for cx in range(0, w, 5):
            for cy in range(0, h, 5):
                if rng.random() < 0.4:
                    hw, hh = rng.integers(1, 6, 2)
                    off = rng.choice([0, 0.5, 1], p=[0.15, 0.55, 0.3])
                    if cx + off + hw > w or cy + off + hh > h or (cx + off + hw == w and rng.random() < 0.8):
                        continue
                    holes.append(_box(x0 + cx + off, y0 + cy + off, hw, hh))
        parts.append(shapely.Polygon(_box(x0, y0, w, h), holes))
        if holes and rng.random() < 0.5:  # an island in a lake, inside it or along its edge
            (hx, hy), (hx1, _), (_, hy1) = holes[0][:3]
            d = rng.choice([0, 0.25])
            parts.append(shapely.Polygon(_box(hx + d, hy + d, hx1 - hx - 2 * d, hy1 - hy - 2 * d)))
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def test_quick_validity_never_calls_an_invalid_geometry_valid():
    rng = np.random.default_rng(3)
    seen = collections.Counter()
    for _ in range(3000):
        g = _lattice_geometry(rng)
        real = bool(shapely.is_valid(g))
        quick = surely_valid(g, min_holes=1)
        assert not (quick and not real), g.wkt
        seen[(quick, real)] += 1
    # Both kinds occur often, and the quick path decides most valid ones (else it tests nothing).
    assert seen[(False, False)] > 1000 and seen[(True, True)] > 300, seen


HARD = {
    # four holes meeting corner to corner in a loop: the middle is cut off
    "holes in a loop": (False, shapely.Polygon(_box(0, 0, 12, 12), [_box(2, 2, 2, 2), _box(4, 4, 2, 2), _box(2, 6, 2, 2), _box(0.5, 4, 1.5, 2)])),
    "hole touching the shell at a point": (True, shapely.Polygon(_box(0, 0, 10, 10), [[(0, 5), (2, 4), (2, 6), (0, 5)], _box(5, 5, 1, 1)])),
    "hole touching the shell at two points": (False, shapely.Polygon(_box(0, 0, 10, 10), [[(0, 5), (5, 0), (5, 5), (0, 5)], _box(7, 7, 1, 1)])),
    "hole touching the shell and a hole that touches it too": (False, shapely.Polygon(_box(0, 0, 10, 10), [[(0, 5), (3, 3), (3, 5), (0, 5)], [(3, 3), (0, 0.5), (1, 3), (3, 3)][::-1], _box(7, 7, 1, 1)])),
    # a loop shell - hole - hole - hole - shell, its middle hole touching only the other two
    "loop through a hole that does not touch the shell": (False, shapely.Polygon(_box(0, 0, 10, 10), [
        [(0, 5), (2, 6), (2, 5), (0, 5)], _box(2, 3, 1, 2), [(3, 3), (5, 0), (4, 3), (3, 3)], _box(7, 7, 1, 1)])),
    "nested holes": (False, shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 5, 5), _box(3, 3, 1, 1)])),
    "hole outside the shell": (False, shapely.Polygon(_box(0, 0, 10, 10), [_box(12, 2, 1, 1), _box(3, 3, 1, 1)])),
    "hole crossing the shell": (False, shapely.Polygon(_box(0, 0, 10, 10), [_box(9, 2, 2, 1), _box(3, 3, 1, 1)])),
    "self-crossing shell": (False, shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)], [_box(8, 4, 1, 1)])),
    "island in a lake": (True, shapely.MultiPolygon([shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 4, 4), _box(7, 7, 1, 1)]), shapely.Polygon(_box(3, 3, 1, 1))])),
    "island touching its lake at a point": (True, shapely.MultiPolygon([shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 4, 4), _box(7, 7, 1, 1)]), shapely.Polygon([(2, 2), (4, 3), (3, 4), (2, 2)])])),
    "island along its lake's edge": (False, shapely.MultiPolygon([shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 4, 4), _box(7, 7, 1, 1)]), shapely.Polygon(_box(2, 2, 1, 1))])),
    "island on dry land": (False, shapely.MultiPolygon([shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 1, 1)]), shapely.Polygon(_box(5, 5, 1, 1))])),
    "parts sharing an edge": (False, shapely.MultiPolygon([shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 1, 1)]), shapely.Polygon(_box(10, 0, 3, 3))])),
    "parts meeting at a corner": (True, shapely.MultiPolygon([shapely.Polygon(_box(0, 0, 10, 10), [_box(2, 2, 1, 1)]), shapely.Polygon(_box(10, 10, 3, 3))])),
}


@pytest.mark.parametrize("name", sorted(HARD))
def test_quick_validity_on_hard_cases(name):
    expected, g = HARD[name]
    assert bool(shapely.is_valid(g)) is expected, shapely.is_valid_reason(g)
    assert is_valid_polygonal(g, min_holes=1) is expected
    if not expected:
        assert not surely_valid(g, min_holes=1)
