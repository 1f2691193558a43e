"""The full pass written as DuckDB spatial SQL: ST_Read every snapshot (once), keep the layers by name
(the same hand-written filters as bench/naive.py), ST_Union_Agg per file and status, ST_Intersection
with the country, ST_Area_Spheroid. Needs only duckdb with its spatial extension, so it can run
under another Python than frontwatch's (the spatial extension must match the duckdb version:
`pip install duckdb==1.4.4 duckdb-ext-spatial` ships a prebuilt one when extensions.duckdb.org is
unreachable). Prints one JSON line: rows, seconds (setup_seconds of them on the borders).

Usage: python bench/duckdb_sql.py HISTORY_DIR BORDERS_FILE [--limit N] [--every K]
"""
from __future__ import annotations

import glob
import json
import os
import resource
import sys
import time

import duckdb

# bench/naive.py's filters, in SQL, on the lower-cased name.
FILTERS = {
    "occupied": "n LIKE '%occupied%' AND NOT regexp_matches(n, 'crimea|cadr|petsamo|salla|latvia|estonia|pechor|kuril|tskhinval|prussia|karelia|ichkeri|abkhaz|transnistria|tuzla')",
    "ukraine_held": "(n LIKE '%liberated%' OR n LIKE '%taken back%')",
    "contested": "(n LIKE '%unknown status%' OR n LIKE '%contested%')",
}
COUNTRY = {"ukraine_held": "RUS", "contested": "RUS", "occupied": "UKR"}


def load_spatial(con):
    try:
        con.execute("INSTALL spatial")
        con.execute("LOAD spatial")
        return "INSTALL spatial"
    except duckdb.Error as first:
        try:
            import duckdb_ext  # noqa: F401  (duckdb-ext-spatial: a prebuilt extension as a pip package)
        except ImportError:
            raise SystemExit(f"spatial extension unavailable: {str(first).splitlines()[0]}") from None
        path = glob.glob(os.path.join(list(duckdb_ext.__path__)[0], "extensions", f"v{duckdb.__version__}", "*", "spatial.duckdb_extension"))
        if not path:
            raise SystemExit(f"spatial extension unavailable: {str(first).splitlines()[0]}; duckdb-ext-spatial has none for duckdb {duckdb.__version__}")
        con.execute(f"LOAD '{path[0]}'")
        return "duckdb-ext-spatial"


def run(history_dir, borders_file, limit=None, every=1):
    con = duckdb.connect()
    how = load_spatial(con)
    t0 = time.perf_counter()
    files = sorted(glob.glob(os.path.join(history_dir, "*.geojson")))[::every][:limit]
    con.execute(f"""CREATE TABLE country AS
        SELECT 'UKR' AS iso, ST_Union_Agg(geom) AS geom FROM ST_Read('{borders_file}') WHERE iso_a3 = 'UKR'""")
    # Crimea is in both OSM polygons: RUS without the UKR overlap, as bench/naive.py does.
    con.execute(f"""INSERT INTO country
        SELECT 'RUS', ST_Difference(ST_Union_Agg(geom), (SELECT geom FROM country WHERE iso = 'UKR'))
        FROM ST_Read('{borders_file}') WHERE iso_a3 = 'RUS'""")
    setup = time.perf_counter() - t0
    rows = []
    for f in files:
        day = time.strftime("%Y-%m-%d", time.gmtime(int(os.path.basename(f).split(".")[0])))
        # Each file read once: three ST_Read calls per file (one per status, as a CTE inlined in
        # each query) made the pass 25% slower (5.1 s against 3.9 s on 24 files).
        con.execute(f"""CREATE OR REPLACE TEMP TABLE src AS SELECT lower(coalesce(name, '')) AS n, geom FROM ST_Read('{f}')
                        WHERE ST_GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION')""")
        for status, cond in FILTERS.items():
            r = con.execute(f"""
                WITH layer AS (SELECT ST_Union_Agg(ST_MakeValid(geom)) AS g FROM src WHERE {cond})
                SELECT coalesce(ST_Area_Spheroid(ST_FlipCoordinates(ST_Intersection(layer.g, c.geom))), 0)
                FROM layer, country c WHERE c.iso = '{COUNTRY[status]}'""").fetchone()
            rows.append((day, status, (r[0] or 0.0) / 1e6 if r else 0.0))
    return rows, time.perf_counter() - t0, setup, how, len(files)


if __name__ == "__main__":
    args = sys.argv[1:]
    limit = int(args[args.index("--limit") + 1]) if "--limit" in args else None
    every = int(args[args.index("--every") + 1]) if "--every" in args else 1
    rows, secs, setup, how, n = run(args[0], args[1], limit, every)
    max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the kernel's peak, for bench/full_pass.py
    print(json.dumps({"files": n, "seconds": secs, "setup_seconds": setup, "extension": how, "duckdb": duckdb.__version__, "rows": rows,
                      "max_rss_kb": max_rss_kb}))
