"""Geography, pure: geodesic measures on the WGS84 ellipsoid (:mod:`.geodesy`), region specs
turned into polygons (:mod:`.regions`) and the gazetteer of places (:mod:`.places`).

May import: frontwatch.statuses, frontwatch.notices, frontwatch.sources (file readers), and
third-party geometry libraries. Nothing here reads the store or prints.
"""

__all__ = ["admin", "display", "files", "geodesy", "names", "placefiles", "places", "regions", "tiling"]
