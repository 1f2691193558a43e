"""Raw features (frontwatch.sources.base.split_features / decode_feature): what the readers'
fast path decodes is what the general parser (parse_features) reads, odd features included."""
from __future__ import annotations

import json

import shapely

from frontwatch.sources import base

POLY = {"type": "Polygon", "coordinates": [[[30, 48], [31, 48], [31, 49], [30, 48]]]}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_odd_features_decode_as_the_general_parser_reads_them():
    data = collection({"type": "Feature", "properties": {"name": "Occupied"}, "geometry": POLY},
                      {"type": "Feature", "properties": ["not", "an", "object"], "geometry": POLY},
                      None, 7)
    raws = base.split_features(data)
    general = base.parse_features("x.geojson", data)
    fast = [base.decode_feature(r) for r in raws]
    # The general parser writes the geometries of such a document again (compact JSON): the
    # same geometries, other spacing.
    assert [(f.properties, shapely.from_geojson(bytes(f.geometry)).wkb) if f else None for f in fast] == \
           [(f.properties, shapely.from_geojson(bytes(f.geometry)).wkb) if f else None for f in general]


def test_documents_that_are_no_plain_collection_go_to_the_general_parser():
    wrapped = json.dumps({"map": {"type": "FeatureCollection", "features": [{"geometry": POLY}]}}).encode()
    for data in (b"[]", b'{"type": "FeatureCollection", "features": []}', wrapped, b'{"features": [', b"not json"):
        assert base.split_features(data) is None
