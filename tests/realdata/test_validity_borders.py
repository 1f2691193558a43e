"""The quick validity check of country borders (regions.surely_valid) decides the real OSM
borders of ../shared/data/borders/countries-osm.geojson (where the quick path must decide, or it
saves nothing); its checks against GEOS on made-up polygons are tests/unit/test_validity.py."""
from __future__ import annotations

import shapely

from frontwatch.geo.regions import _CLIP, _read_geojson_borders, surely_valid


def test_quick_validity_decides_the_real_borders(borders_file):
    geoms, isos = _read_geojson_borders(borders_file)
    for iso in ("UKR", "RUS"):
        g = shapely.clip_by_rect(geoms[list(isos).index(iso)], *_CLIP)
        assert shapely.get_num_interior_rings(shapely.get_parts(g)).sum() > 5000  # OSM lakes
        assert surely_valid(g), iso  # decided without GEOS's per-hole walk, which takes 1.2 s for UKR
        assert shapely.is_valid(g)
