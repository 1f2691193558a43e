"""The JSON API of ``frontwatch serve``: every endpoint answers the library's own numbers, errors
are JSON with 4xx codes, and writes need the token.

Real-data tests use the shared session store (every snapshot of ../shared/data/deepstate/history
and the OSM borders of ../shared/data/borders), the seed article
(../shared/data/articles/kursk-2024-11-24.txt), and one history file copied into a fresh store for
the upload test. Expected values are computed through the library on the app's own store.
"""
from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
import shapely.geometry

fastapi = pytest.importorskip("fastapi", reason="the web service needs fastapi (pip install fastapi uvicorn)")
from fastapi.testclient import TestClient  # noqa: E402

from frontwatch.faces.service import ServiceConfig, create_app  # noqa: E402

D = dt.date(2024, 11, 24)
TOKEN = "test-token-123"


@pytest.fixture(scope="module")
def lib(client):
    """The app's own store and borders, for computing expected values through the library."""
    st = client.app.state.frontwatch
    return st


def _region(lib, spec):
    from frontwatch.geo.regions import resolve_region

    return resolve_region(spec, lib.borders)


# ------------------------------------------------------------------ basics

def test_health_describes_the_store(client, lib):
    """Its count of snapshots, and that it is read-only with writes off."""
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["read_only"] is True and body["writes_enabled"] is False
    assert body["snapshots"] == len(lib.store.snapshots()) == 239


def test_regions_lists_the_border_countries(client, lib):
    body = client.get("/api/regions").json()
    assert body["countries"] == sorted(lib.store.borders())
    assert {"RUS", "UKR"} <= set(body["countries"])


def test_snapshots_window_matches_the_store(client, lib):
    body = client.get("/api/snapshots", params={"from": "2024-11-20", "to": "2024-11-24"}).json()
    expected = [s.to_record() for s in lib.store.snapshots(start=dt.date(2024, 11, 20), end=D)]
    assert body["snapshots"] == expected and len(expected) == 5


def test_openapi_schema_is_published_without_write_endpoints_when_read_only(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/area", "/api/change", "/api/peak", "/api/layers", "/api/front", "/api/advance",
              "/api/settlements", "/api/claims/extract", "/api/claims/check", "/api/regions", "/api/health",
              "/api/snapshots", "/api/borders"):
        assert p in paths, p
    assert "/api/ingest" not in paths and "/api/sync" not in paths


# ------------------------------------------------------------------ measures

def test_area_on_a_date_equals_the_librarys(client, lib):
    from frontwatch.analysis.measure import area_on, totals_by_snapshot

    body = client.get("/api/area", params={"region": "RUS", "date": D.isoformat()}).json()
    expected = area_on(lib.store, _region(lib, "RUS"), date=D)
    # Each record has, besides the library's figures, its share of the region's land (frontwatch.analysis.shares),
    # and Russia's statuses in Russia have their border slivers set apart (frontwatch.analysis.holdings).
    got = [{k: v for k, v in r.items() if k not in ("share_pct", "land_km2", "border_slivers_km2")} for r in body["records"]]
    for g, r in zip(got, body["records"]):
        if r.get("border_slivers_km2"):
            g["km2"] = round(g["km2"] + r["border_slivers_km2"], 3)
            g["sqmi"] = next(e["sqmi"] for e in expected if e["status"] == g["status"])
    assert got == expected
    assert {r["status"] for r in body["records"] if r.get("border_slivers_km2")} == {"occupied", "occupied_before_2022"}
    assert all(r["share_pct"] == round(100 * r["km2"] / r["land_km2"], 2) for r in body["records"])
    assert body["totals"] == totals_by_snapshot(body["records"])
    # Both sides' totals when every status is asked for (the web map shows both).
    assert [s["side"] for s in body["sides"]] == ["russia", "ukraine"]
    held = next(r for r in body["records"] if r["status"] == "ukraine_held")
    assert 400 < held["km2"] < 700  # Ukrainian-held ground in Kursk in late November 2024


def test_area_series_equals_the_librarys(client, lib):
    from frontwatch.analysis.measure import area_series

    body = client.get("/api/area", params={"region": "RUS", "status": "ukraine_held", "from": "2024-08-01",
                                           "to": "2024-12-31", "every": "month"}).json()
    expected = area_series(lib.store, _region(lib, "RUS"), ("ukraine_held",), start=dt.date(2024, 8, 1),
                           end=dt.date(2024, 12, 31), every="month")
    strip = [{k: v for k, v in r.items() if k not in ("share_pct", "land_km2")} for r in body["records"]]
    assert strip == expected and len(expected) == 5


def test_change_equals_the_librarys(client, lib):
    from frontwatch.analysis.measure import change

    body = client.get("/api/change", params={"region": "RUS", "side": "ukraine", "from": "2024-11-17",
                                             "to": "2024-11-24", "geometry": "true"}).json()
    expected = change(lib.store, _region(lib, "RUS"), start=dt.date(2024, 11, 17), end=D, side="ukraine",
                      borders=lib.borders)
    expected.pop("geometry")
    gj = body.pop("geojson")
    assert body == expected
    assert {f["properties"]["change"] for f in gj["features"]} <= {"gained", "lost"}
    assert expected["lost_km2"] > 0


def test_peak_equals_the_librarys(client, lib):
    from frontwatch.analysis.measure import peak

    body = client.get("/api/peak", params={"region": "RUS", "status": "ukraine_held", "until": D.isoformat()}).json()
    assert body == peak(lib.store, _region(lib, "RUS"), ("ukraine_held",), until=D)
    assert body["peak_date"].startswith("2024-0")


def test_a_peak_or_change_of_both_sides_statuses_is_refused(client):
    for path, params in (("/api/peak", {"region": "RUS", "status": "occupied,ukraine_held"}),
                         ("/api/change", {"region": "RUS", "status": "all", "from": "2024-08-01", "to": "2024-12-31"})):
        r = client.get(path, params=params)
        assert r.status_code == 404 and "give the statuses of one side" in r.json()["error"], r.text


# ------------------------------------------------------------------ shapes

def test_layers_are_that_dates_status_polygons(client, lib):
    from frontwatch.analysis.measure import snapshot_on

    fc = client.get("/api/layers", params={"date": D.isoformat(), "tolerance": 0.01}).json()
    snap = snapshot_on(lib.store, D)
    assert fc["type"] == "FeatureCollection" and fc["snapshot"]["id"] == snap.id
    assert sorted(f["properties"]["status"] for f in fc["features"]) == sorted(lib.store.layers(snap.id))
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in fc["features"])


def test_layer_simplification_is_bounded(client):
    r = client.get("/api/layers", params={"date": D.isoformat(), "tolerance": 5})
    assert r.status_code == 422 and "tolerance" in r.json()["error"]


def test_borders_are_geojson_countries(client, lib):
    fc = client.get("/api/borders").json()
    assert sorted(f["properties"]["iso_a3"] for f in fc["features"]) == sorted(lib.store.borders())


def _simplified_borders(client, tolerance) -> dict:
    fc = client.get("/api/borders", params={"tolerance": tolerance}).json()
    return {f["properties"]["iso_a3"]: shapely.geometry.shape(f["geometry"]) for f in fc["features"]}


@pytest.mark.parametrize("tolerance", [0.01, 0.05])
def test_simplified_borders_are_valid_shapes(client, lib, tolerance):
    """Every shape stays valid on the GeoJSON's 1e-4 grid (island-in-a-filled-hole and rounding
    made invalid shapes before), and Ukraine keeps its area (holes filled: 1.1% at 0.05)."""
    shapes = _simplified_borders(client, tolerance)
    assert all(g.is_valid for g in shapes.values()), [i for i, g in shapes.items() if not g.is_valid]
    assert shapes["UKR"].area == pytest.approx(lib.borders["UKR"].area, rel=0.02)


@pytest.mark.parametrize("tolerance", [0.01, 0.05])
def test_simplified_neighbours_share_their_edge(client, tolerance):
    """Simplified together, Russia and Ukraine still meet without overlapping (each on its own,
    Douglas-Peucker overlapped them by 0.003 deg2 at 0.01)."""
    shapes = _simplified_borders(client, tolerance)
    assert shapes["RUS"].intersection(shapes["UKR"]).area < 1e-6
    assert shapes["RUS"].distance(shapes["UKR"]) == 0


@pytest.mark.skipif(importlib.util.find_spec("frontwatch.analysis.front") is None, reason="frontwatch.analysis.front not installed")
def test_front_on_a_date_equals_the_librarys(client, lib):
    from frontwatch.analysis.front import front

    body = client.get("/api/front", params={"date": D.isoformat(), "region": "RUS"}).json()
    expected = front(lib.store, _region(lib, "RUS"), date=D, borders=lib.borders)[-1]
    assert body["length_km"] == expected["length_km"] > 0
    assert body["properties"]["components"] == expected["components"]
    assert body["geometry"]["type"] == "MultiLineString"


@pytest.mark.skipif(importlib.util.find_spec("frontwatch.analysis.front") is None, reason="frontwatch.analysis.front not installed")
def test_advance_near_a_place_equals_the_librarys(client, lib):
    from frontwatch.analysis.front import advance

    body = client.get("/api/advance", params={"near": "Kurakhove", "radius": 15, "from": "2024-10-24",
                                              "to": "2024-11-24"}).json()
    expected = advance(lib.store, "Kurakhove", 15.0, start=dt.date(2024, 10, 24), end=D, borders=lib.borders)
    for r in expected:
        r.pop("geometry", None)
    assert body["records"] == expected
    assert expected[0]["russia_mean_m_per_day"] > 0


def test_settlements_on_a_date_equal_the_librarys(client, lib):
    from frontwatch.analysis.settlements import settlements_on

    reg = _region(lib, "Sudzha:20km")
    body = client.get("/api/settlements", params={"near": "Sudzha", "radius": 20, "date": D.isoformat()}).json()
    assert body["records"] == settlements_on(lib.store, reg, D, borders=lib.borders)
    assert any(r["side"] == "ukraine" for r in body["records"])


def test_settlement_changes_over_a_period_equal_the_librarys(client, lib):
    from frontwatch.analysis.settlements import settlement_changes, summarise_changes

    reg = _region(lib, "Sudzha:20km")
    body = client.get("/api/settlements", params={"near": "Sudzha", "radius": 20, "from": "2024-08-01",
                                                  "to": "2024-11-24"}).json()
    expected = settlement_changes(lib.store, reg, start=dt.date(2024, 8, 1), end=D, borders=lib.borders)
    assert body["records"] == expected and body["summary"] == summarise_changes(expected)
    assert body["summary"]["changes"] > 0


def test_a_radius_is_written_as_on_the_command_line(client, lib):
    """"15km", "10mi" and "500m" as the CLI takes them; a radius past 100 km, or not a length, is a
    422 that says what is expected."""
    from frontwatch.geo.regions import parse_radius_km
    from frontwatch.analysis.settlements import settlements_on

    for radius in ("12km", "10mi", "9000m"):
        body = client.get("/api/settlements", params={"near": "Sudzha", "radius": radius, "date": D.isoformat()}).json()
        reg = _region(lib, f"Sudzha:{parse_radius_km(radius):g}km")
        assert body["region"]["name"] == reg.name and body["records"] == settlements_on(lib.store, reg, D, borders=lib.borders)
    assert parse_radius_km("10mi") == pytest.approx(16.09344)
    for bad in ("500km", "101", "70mi", "15 furlongs", "0"):
        r = client.get("/api/settlements", params={"near": "Sudzha", "radius": bad, "date": D.isoformat()})
        assert r.status_code == 422 and "10mi" in r.text, (bad, r.text)


# ------------------------------------------------------------------ claims

def test_claims_extract_equals_the_librarys(client, article_file):
    from frontwatch.claims import extract_claims
    from frontwatch.claims.check import reference_date

    text = article_file.read_text(encoding="utf-8")
    body = client.post("/api/claims/extract", json={"text": text}).json()
    ref = reference_date(text)
    assert body["published"] == ref.isoformat()
    assert body["claims"] == [c.to_record() for c in extract_claims(text, ref)]
    assert any(c["measure"] == "share_lost" for c in body["claims"])


def test_claims_check_equals_the_librarys(client, lib, article_file):
    from frontwatch.claims.check import check_text

    text = article_file.read_text(encoding="utf-8")
    body = client.post("/api/claims/check", json={"text": text, "published": "2024-11-24"}).json()
    expected = check_text(lib.store, text, D, lib.borders)
    assert [(c["surface"], c["verdict"]) for c in body["claims"]] == \
        [(c["surface"], c["verdict"]) for c in expected["claims"]]
    assert any(c["verdict"].startswith("consistent") for c in body["claims"])


def test_claims_text_over_the_limit_is_refused_with_413(store_path):
    app = create_app(ServiceConfig(store_path=store_path, max_claims_bytes=1000))
    with TestClient(app) as c:
        r = c.post("/api/claims/extract", json={"text": "x" * 10_000})
        assert r.status_code == 413 and "too large" in r.json()["error"]
    app.state.frontwatch.close()


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("params, status, words", [
    ({"region": "XYZ"}, 404, "unknown country"),
    ({"region": "RUS", "date": "1990-01-01"}, 404, "no snapshots"),
    ({"region": "RUS", "status": "held"}, 422, "status"),
    ({"region": "/etc/passwd"}, 422, "region"),
    ({"region": "bbox:40,50,30,45"}, 422, "bbox"),
    ({"region": "RUS", "date": "24/11/2024"}, 422, "date"),
    ({"region": "Nowhereville Zzq:10km"}, 404, ""),
])
def test_bad_queries_are_json_errors_with_4xx(client, params, status, words):
    r = client.get("/api/area", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert words in r.json()["error"]


def test_a_region_file_path_is_never_read(client, tmp_path):
    poly = tmp_path / "region.geojson"
    poly.write_text('{"type":"Polygon","coordinates":[[[35,48],[36,48],[36,49],[35,48]]]}')
    r = client.get("/api/area", params={"region": str(poly)})
    assert r.status_code == 422


def test_unknown_api_path_is_a_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and "error" in r.json()


def test_a_query_over_the_time_limit_answers_504(store_path):
    app = create_app(ServiceConfig(store_path=store_path, timeout_s=0.001))
    with TestClient(app) as c:
        r = c.get("/api/area", params={"region": "bbox:35,47,36,48", "from": "2022-01-01", "to": "2024-12-31"})
        assert r.status_code == 504 and "longer than" in r.json()["error"]
    app.state.frontwatch.close()


# ------------------------------------------------------------------ writes

def test_a_read_only_service_refuses_every_write(client, lib, history_dir):
    """Ingest and sync, even with a token, are refused by a service started without one, and the
    store is as it was."""
    before = len(lib.store.snapshots())
    data = sorted(history_dir.glob("*.geojson"))[0].read_bytes()
    r = client.post("/api/ingest", params={"filename": "1648989208.geojson"}, content=data,
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "read-only" in r.json()["error"]
    r = client.post("/api/sync", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403
    assert len(lib.store.snapshots()) == before


@pytest.fixture()
def write_client(tmp_path):
    app = create_app(ServiceConfig(store_path=tmp_path / "fresh.duckdb", token=TOKEN,
                                   sync_base_url="http://127.0.0.1:9", sync_retries=1, sync_backoff_s=0.05))
    with TestClient(app) as c:
        yield c
    app.state.frontwatch.close()


def test_ingest_needs_the_token(write_client, history_dir):
    f = sorted(history_dir.glob("*.geojson"))[-1]
    for headers, status in (({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": "Basic x"}, 401)):
        r = write_client.post("/api/ingest", params={"filename": f.name}, content=f.read_bytes(), headers=headers)
        assert r.status_code == status, r.text
        assert "error" in r.json()
    r = write_client.post("/api/sync")
    assert r.status_code == 401
    assert write_client.get("/api/health").json()["snapshots"] == 0


def test_ingest_with_the_token_stores_an_uploaded_history_file(write_client, history_dir):
    f = sorted(history_dir.glob("*.geojson"))[-1]  # copied at test time: the upload is its bytes
    r = write_client.post("/api/ingest", params={"filename": f.name}, content=f.read_bytes(),
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1
    snaps = write_client.get("/api/snapshots").json()["snapshots"]
    assert [s["source_id"] for s in snaps] == [f.stem]
    assert write_client.get("/api/health").json()["snapshots"] == 1
    # The same bytes again change nothing.
    r = write_client.post("/api/ingest", params={"filename": f.name}, content=f.read_bytes(),
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.json()["unchanged"] == 1 and write_client.get("/api/health").json()["snapshots"] == 1


def test_ingest_refuses_unsafe_uploads(write_client):
    """A file name that is a path (422) or bytes that are no map (400) store nothing."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = write_client.post("/api/ingest", params={"filename": "../../etc/x.geojson"}, content=b"{}", headers=auth)
    assert r.status_code == 422
    r = write_client.post("/api/ingest", params={"filename": "1732485298.geojson"}, content=b"not json", headers=auth)
    assert r.status_code == 400 and r.json()["error"]
    assert write_client.get("/api/health").json()["snapshots"] == 0


def test_sync_with_the_token_reports_an_unreachable_site_as_502(write_client):
    r = write_client.post("/api/sync", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 502, r.text
    assert write_client.get("/api/health").json()["snapshots"] == 0


# ------------------------------------------------------------------ a real server

def test_real_http_server_answers_the_same_numbers(store_path, client):
    import httpx

    from frontwatch.faces.service.server import running_server

    expected = client.get("/api/area", params={"region": "RUS", "date": D.isoformat()}).json()
    with running_server(ServiceConfig(store_path=store_path)) as base:
        with httpx.Client(base_url=base, timeout=120) as http:
            r = http.get("/api/area", params={"region": "RUS", "date": D.isoformat()})
            assert r.status_code == 200 and r.json() == expected
            assert http.get("/openapi.json").json()["info"]["title"] == "frontwatch"
            ui = http.get("/")
            assert ui.status_code == 200 and "frontwatch" in ui.text


def test_concurrent_answers_each_carry_exactly_their_own_warnings(store_path):
    """What the CLI prints as a warning line is the answer's "warnings" list. Eight queries at once
    on a live server (four worker threads): each day in a gap of the archive gets the warning naming
    its own map, the ambiguous "Pokrovsk" its own, and a day with its own map none. (Collected with
    warnings.catch_warnings, which swaps process-wide state, one thread's warnings could reach
    another answer or be lost.)"""
    import concurrent.futures as cf

    import httpx

    from frontwatch.faces.service.server import running_server

    gaps = {"2022-08-20": "2022-08-01", "2023-03-25": "2023-03-01", "2023-05-20": "2023-05-01",
            "2023-10-20": "2023-10-01", "2024-02-20": "2024-02-01"}
    queries = [("area", {"region": "RUS", "status": "ukraine_held", "date": day}) for day in gaps]
    queries += [("area", {"region": "Pokrovsk:10km", "date": "2024-11-24"}),
                ("area", {"region": "UKR", "status": "occupied", "date": "2024-11-24"}),
                ("settlements", {"near": "Sudzha", "radius": 10, "date": "2024-11-24"})]
    with running_server(ServiceConfig(store_path=store_path)) as base:
        with httpx.Client(base_url=base, timeout=120) as http, cf.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda q: http.get(f"/api/{q[0]}", params=q[1]), queries))
            again = http.get("/api/settlements", params={"region": "Pokrovsk:10km", "date": "2024-11-24"})
    bodies = [r.json() for r in answers]
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    for (day, map_day), body in zip(gaps.items(), bodies):
        gap = (dt.date.fromisoformat(day) - dt.date.fromisoformat(map_day)).days
        assert body["warnings"] == [f"the map for {day} is of {map_day}, {gap} days earlier (a gap in the archive)"]
        assert body["totals"][0]["date"] == map_day
    (ambiguous,) = bodies[len(gaps)]["warnings"]
    assert ambiguous.startswith("'Pokrovsk' is ambiguous") and "picked Pokrovsk" in ambiguous
    assert "warnings" not in bodies[len(gaps) + 1]
    # A settlements list says it is a floor when the gazetteer holds cities500's towns only (the
    # tests load no country dump): that line, and nothing else.
    assert all("settlement lists there are a floor" in w for w in bodies[len(gaps) + 2].get("warnings", []))
    # The region is resolved once and cached by the service: its warning is given on every answer.
    assert again.status_code == 200
    assert [w for w in again.json()["warnings"] if "are a floor" not in w] == [ambiguous]


def test_the_front_of_a_day_in_a_gap_warns_whatever_the_display_tolerance(client):
    """The front line of a date is computed once for every display variant; each carries the warning."""
    for tol in (0, 0.01):
        body = client.get("/api/front", params={"region": "Kurakhove:15km", "date": "2023-05-20",
                                                "tolerance": tol}).json()
        assert body["date"] == "2023-05-01", body
        assert body["warnings"] == ["the map for 2023-05-20 is of 2023-05-01, 19 days earlier (a gap in the archive)"]


def test_dates_are_iso_only(client):
    """A number is not a date (pydantic alone would read from=0 as the Unix time 1970-01-01)."""
    for params in ({"from": "0"}, {"date": "1732233600"}, {"date": "2024-11-22T00:00:00"}):
        r = client.get("/api/area", params={"region": "RUS", **params})
        assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["error"], (params, r.text)
    r = client.get("/api/change", params={"region": "RUS", "status": "ukraine_held", "from": "0", "to": "2024-11-22"})
    assert r.status_code == 422, r.text
    assert client.get("/api/area", params={"region": "RUS", "date": "2024-11-22"}).status_code == 200
