"""Measures on the shared archive (../shared/data/deepstate/history + ../shared/data/borders)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely
from click.testing import CliRunner

from frontwatch.geo import geodesy

from frontwatch.analysis import measure
from frontwatch.faces.cli import main
from frontwatch.geo.regions import resolve_region


def run_json(store_path, *args):
    r = CliRunner().invoke(main, [*args, "--store", str(store_path), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_kursk_area_matches_deepstate_own_figure(store_path):
    """DeepStateMap said about 560 km2 of Kursk held by Ukraine and about 200 km2 undefined on 22 Nov 2024."""
    recs = run_json(store_path, "area", "--region", "RUS", "--status", "ukraine_held,contested", "--date", "2024-11-22")
    got = {r["status"]: r for r in recs}
    assert got["ukraine_held"]["km2"] == pytest.approx(560, rel=0.05)
    assert got["contested"]["km2"] == pytest.approx(200, rel=0.15)
    for r in recs:
        assert {"date", "status", "region", "km2", "sqmi"} <= set(r)
        assert r["date"] == "2024-11-22" and r["region"] == "RUS"
        assert r["sqmi"] == pytest.approx(r["km2"] / 2.589988, rel=1e-4)


@pytest.fixture(scope="module")
def kursk_daily(store_path):
    """`area --region RUS --status ukraine_held` every day from 25 July to 31 December 2024, by day."""
    series = run_json(store_path, "area", "--region", "RUS", "--status", "ukraine_held",
                      "--from", "2024-07-25", "--to", "2024-12-31", "--every", "day")
    return {dt.date.fromisoformat(r["date"]): r["km2"] for r in series}


def test_ukraine_held_in_russia_rises_from_slivers_to_a_peak_in_late_august(kursk_daily):
    by_day = kursk_daily
    before = [v for d, v in by_day.items() if d <= dt.date(2024, 8, 5)]
    assert max(before) < 20  # border slivers only, before the incursion of 6 August
    top = max(by_day, key=by_day.get)
    assert dt.date(2024, 8, 20) <= top <= dt.date(2024, 9, 15)


def test_peak_is_the_top_of_the_daily_series_with_the_share_lost_since(store_path, kursk_daily):
    """`peak` names the day and figure of the daily series' top, and the share lost by 24 November."""
    by_day = kursk_daily
    top = max(by_day, key=by_day.get)
    p = run_json(store_path, "peak", "--region", "RUS", "--status", "ukraine_held", "--until", "2024-11-24")[0]
    assert p["peak_date"] == top.isoformat() and p["peak_km2"] == pytest.approx(by_day[top])
    assert p["date"] == "2024-11-24" and p["km2"] < p["peak_km2"]
    assert p["share_lost_pct"] == pytest.approx(100 * (p["peak_km2"] - p["km2"]) / p["peak_km2"], abs=0.01)


def test_weekly_series_takes_the_last_snapshot_of_each_week(store):
    region = resolve_region("bbox:34.8,51.0,35.8,51.6")
    weekly = measure.area_series(store, region, ("ukraine_held",), start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 30), every="week")
    daily = measure.area_series(store, region, ("ukraine_held",), start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 30))
    weeks = {}
    for r in daily:
        d = dt.date.fromisoformat(r["date"])
        weeks[d - dt.timedelta(days=d.weekday())] = r
    assert [r["snapshot_id"] for r in weekly] == [weeks[k]["snapshot_id"] for k in sorted(weeks)]


def test_tiled_clipping_equals_a_direct_overlay(store):
    """The fast tiled clip against a 10 m country border gives the same area as shapely.intersection."""
    region = resolve_region("RUS", store.borders())
    snap = measure.snapshot_on(store, dt.date(2024, 9, 1))
    layer = store.layers(snap.id)["ukraine_held"]
    direct = geodesy.area_km2(shapely.intersection(layer, region.geometry))
    # Tiled areas come from an equal-area projection, the direct one from Geod: they agree to ~1e-6.
    assert geodesy.tiled_region(region.key, region.geometry).area_km2(layer) == pytest.approx(direct, rel=1e-5)


def test_change_adds_up(store):
    """gained - lost equals the difference of the two areas (a real invariant of the overlay)."""
    region = resolve_region("UKR", store.borders())
    c = measure.change(store, region, start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 24), statuses=("occupied",))
    assert c["net_km2"] == pytest.approx(c["km2_to"] - c["km2_from"], abs=0.05)
    assert c["gained_km2"] > 100 and c["days"] == 24  # from the map of 31 October (measure.period_maps)


def test_side_change_counts_unmapped_land(store):
    """Russia's side in a circle at Kurakhove grows in November 2024, by at least what 'occupied' grew."""
    region = resolve_region("47.98,37.28:15km")
    side = measure.change(store, region, start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 24), side="russia", borders=store.borders())
    occ = measure.change(store, region, start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 24), statuses=("occupied", "occupied_before_2022"))
    assert side["net_km2"] > 0
    assert side["km2_to"] >= occ["km2_to"] - 0.01


def test_crimea_is_not_counted_twice(store):
    b = store.borders()
    rus = measure.area_on(store, resolve_region("RUS", b), ("occupied_before_2022",), dt.date(2024, 11, 24))[0]["km2"]
    ukr = measure.area_on(store, resolve_region("UKR", b), ("occupied_before_2022",), dt.date(2024, 11, 24))[0]["km2"]
    assert ukr > 40_000 and rus < 100


def test_a_region_reaching_round_the_globe_measures_what_all_measures(store):
    """A world-wide box has no equal-area plane: it used to come out as 0 km2 for every status.
    Cut to the theatre, it measures exactly what ALL does."""
    day = dt.date(2024, 11, 24)
    world = measure.area_on(store, resolve_region("bbox:-180,-85,180,85"), date=day)
    whole = measure.area_on(store, resolve_region("ALL"), date=day)
    assert [r["km2"] for r in world] == pytest.approx([r["km2"] for r in whole], rel=1e-9)
    assert min(r["km2"] for r in whole if r["status"] != "contested") > 40_000


@pytest.mark.parametrize("spec,words", [
    ("bbox:0,0,1,1", "lies outside the theatre"),
    ("0,0:10km", "lies outside the theatre"),
    ("95,37:5km", "latitude first"),
])
def test_a_region_the_maps_cannot_cover_is_one_line(store_path, spec, words):
    r = CliRunner().invoke(main, ["area", "--region", spec, "--store", str(store_path)])
    assert r.exit_code == 2 and words in r.output and spec in r.output, r.output
    assert "nan" not in r.output  # an empty cut circle's bounds were printed as "lon nan..nan"


@pytest.mark.parametrize("text,words", [
    ("", "empty file"),
    ('{"type":"Polygon","coordinates":[[[4000000,6000000],[4100000,6000000],[4100000,6100000],[4000000,6000000]]]}',
     "not lon/lat degrees"),
    ('{"type":"Polygon","coordinates":[[[48,36],[49,36],[49,37],[48,36]]]}', "lat/lon swapped"),
    ('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}', "lies outside the theatre"),
])
def test_a_bad_region_file_is_one_line_naming_it(store_path, tmp_path, text, words):
    """A region file in metres used to hang the measure (read as degrees); now each of these is
    refused in one line naming the file."""
    path = tmp_path / "mine.geojson"
    path.write_text(text)
    r = CliRunner().invoke(main, ["area", "--region", str(path), "--store", str(store_path)])
    assert r.exit_code == 2 and words in r.output and "mine.geojson" in r.output, r.output


def test_statuses_of_both_sides_have_no_peak_or_change(store, store_path):
    """A union of occupied and ukraine_held adds one side's ground to the other's: peak and
    change refuse it in one line (CLI exit 1, API 404), while contested goes with either side."""
    from frontwatch.statuses import mixes_sides

    assert mixes_sides(("occupied", "ukraine_held")) and mixes_sides(("occupied_before_2022", "ukraine_held", "contested"))
    assert not mixes_sides(("ukraine_held", "contested")) and not mixes_sides(("occupied", "occupied_before_2022", "contested"))
    rus = resolve_region("RUS", store.borders())
    with pytest.raises(measure.MeasureError, match="adds Russian-held ground"):
        measure.peak(store, rus, ("occupied", "ukraine_held"))
    with pytest.raises(measure.MeasureError, match="adds Russian-held ground"):
        measure.change(store, rus, start=dt.date(2024, 8, 1), end=dt.date(2024, 12, 31), statuses=("occupied", "ukraine_held"))
    assert measure.peak(store, rus, ("ukraine_held", "contested"))["peak_km2"] > 1000
    r = CliRunner().invoke(main, ["peak", "--region", "RUS", "--status", "all", "--store", str(store_path)])
    assert r.exit_code == 1 and "give the statuses of one side" in r.output and len(r.output.strip().splitlines()) == 1


def test_date_before_the_archive_names_the_range(store_path):
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--date", "2020-01-01", "--store", str(store_path)])
    assert r.exit_code != 0
    assert "2022-04-03" in r.output and "2024-12-31" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_window_that_ends_before_it_starts_says_so(store_path):
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--from", "2024-09-01", "--to", "2024-08-01",
                                  "--store", str(store_path)])
    assert r.exit_code == 1 and "starts after it ends (2024-09-01 > 2024-08-01)" in r.output, r.output
    # change used to answer a reversed window with days -30 and the later map's gains as "gained"
    r = CliRunner().invoke(main, ["change", "--region", "RUS", "--status", "ukraine_held", "--from", "2024-12-01",
                                  "--to", "2024-11-01", "--store", str(store_path)])
    assert r.exit_code == 1 and "starts after it ends (2024-12-01 > 2024-11-01)" in r.output, r.output
    from fastapi.testclient import TestClient

    from frontwatch.faces.service import ServiceConfig, create_app

    app = create_app(ServiceConfig(store_path=store_path))
    with TestClient(app) as c:  # 422: each date alone is valid, the two together are not (issue 25)
        r = c.get("/api/area", params={"region": "RUS", "from": "2024-09-01", "to": "2024-08-01"})
        assert r.status_code == 422 and "starts after it ends" in r.json()["error"], r.text
        r = c.get("/api/change", params={"region": "RUS", "status": "ukraine_held", "from": "2024-12-01",
                                         "to": "2024-11-01"})
        assert r.status_code == 422 and "starts after it ends" in r.json()["error"], r.text
    app.state.frontwatch.close()


def test_unknown_status_is_a_clear_error(store_path):
    r = CliRunner().invoke(main, ["area", "--status", "liberated", "--store", str(store_path)])
    assert r.exit_code == 2 and "unknown status 'liberated'" in r.output


def test_csv_output_has_both_units(store_path):
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--status", "ukraine_held", "--date", "2024-11-22",
                                  "--store", str(store_path), "--format", "csv"])
    header, row = r.stdout.strip().splitlines()
    assert "km2" in header.split(",") and "sqmi" in header.split(",") and row.startswith("2024-11-22")


def test_main_job_offline_reports_kursk(store_path, monkeypatch):
    """`frontwatch run` with the live site unreachable: one line saying so and how to use a local
    archive, then the report from the store."""
    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", "http://127.0.0.1:9")
    r = CliRunner().invoke(main, ["run", "--store", str(store_path), "--date", "2024-11-24"])
    assert r.exit_code == 0, r.output
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "unreachable" in err[0] and "frontwatch ingest PATH" in err[0]
    assert "ukraine_held" in r.stdout and "share_lost_pct" in r.stdout


def test_main_job_on_an_empty_store_exits_with_the_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTWATCH_DEEPSTATE_URL", "http://127.0.0.1:9")
    r = CliRunner().invoke(main, ["run", "--store", str(tmp_path / "empty.duckdb")])
    assert r.exit_code == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "frontwatch ingest PATH" in r.stderr


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory, history_dir, daily_dir, borders_file):
    """A store with four weeks of the daily archive (source deepstate-daily, which maps only
    occupied) and the raw maps of the same weeks (deepstate, all four statuses)."""
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    path = tmp_path_factory.mktemp("sources") / "two.duckdb"
    daily = sorted(daily_dir.glob("deepstatemap_data_202411*.geojson"))[:28]
    raw = [p for p in sorted(history_dir.glob("*.geojson"))
           if dt.date(2024, 11, 1) <= dt.datetime.fromtimestamp(int(p.stem), dt.timezone.utc).date() <= dt.date(2024, 11, 28)]
    assert len(daily) >= 20 and len(raw) >= 5
    with Store(path) as st:
        s = ingest(st, [*daily, *raw, borders_file])
        assert not s.errors, s.errors
    return path


def test_a_status_the_source_never_maps_is_an_error_not_zero(two_sources):
    """The processed daily archive has no ukraine_held layer: asking it for ukraine_held in
    Kursk must not answer 0 km2 (a number that reads as a measurement)."""
    from frontwatch.claims.check import NO_DATA, check_claims
    from frontwatch.claims.extract import extract_claims
    from frontwatch.store import Store

    with Store(two_sources) as st:
        assert measure.mapped_statuses(st, "deepstate-daily") == ("occupied",)
        assert measure.mapped_statuses(st, "deepstate") == ("occupied", "occupied_before_2022", "ukraine_held", "contested")
        rus = resolve_region("RUS", st.borders())
        with pytest.raises(measure.MeasureError) as e:
            measure.area_on(st, rus, ("ukraine_held",), dt.date(2024, 11, 22), source="deepstate-daily")
        msg = str(e.value)
        assert "deepstate-daily maps no ukraine_held" in msg and "--source deepstate" in msg and "\n" not in msg
        for call in (lambda: measure.peak(st, rus, ("ukraine_held", "contested"), source="deepstate-daily"),
                     lambda: measure.change(st, rus, start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 22),
                                            statuses=("contested",), source="deepstate-daily"),
                     lambda: measure.area_series_many(st, [rus], ("ukraine_held",), source="deepstate-daily")):
            with pytest.raises(measure.MeasureError, match="maps no"):
                call()
        # "all" means every status the source maps: occupied alone for the daily archive, and
        # the same figure as asking for it by name.
        everything = measure.area_on(st, rus, measure.STATUSES, dt.date(2024, 11, 22), source="deepstate-daily")
        assert [r["status"] for r in everything] == ["occupied"]
        assert everything == measure.area_on(st, rus, ("occupied",), dt.date(2024, 11, 22), source="deepstate-daily")
        raw = measure.area_on(st, rus, measure.STATUSES, dt.date(2024, 11, 22), source="deepstate")
        assert [r["status"] for r in raw] == list(measure.STATUSES)
        assert {r["status"]: r["km2"] for r in raw}["ukraine_held"] > 500
        # A claim checked against the daily archive alone gets "no map data" with the reason.
        claims = extract_claims("KYIV, Nov 22, 2024 - Ukraine now controls about 560 square kilometres "
                                "of Russia's Kursk region, the commander said.")
        assert [c.measure for c in claims] == ["area_held"]
        claim = claims[0]
        rec = check_claims(st, [claim], source="deepstate-daily")[0]
        assert rec["verdict"] == NO_DATA and "maps no ukraine_held" in rec["reason"], rec
        assert check_claims(st, [claim], source="deepstate")[0]["verdict"] != NO_DATA
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--status", "ukraine_held", "--date", "2024-11-22",
                                  "--source", "deepstate-daily", "--store", str(two_sources)])
    assert r.exit_code == 1 and "maps no ukraine_held" in r.output and len(r.output.strip().splitlines()) == 1, r.output
    recs = run_json(two_sources, "area", "--region", "UKR", "--date", "2024-11-22", "--source", "deepstate-daily")
    assert [x["status"] for x in recs] == ["occupied"] and recs[0]["km2"] > 60_000
    # The JSON API says the same.
    from fastapi.testclient import TestClient

    from frontwatch.faces.service import ServiceConfig, create_app

    app = create_app(ServiceConfig(store_path=two_sources))
    with TestClient(app) as c:
        r = c.get("/api/area", params={"region": "RUS", "status": "ukraine_held", "date": "2024-11-22", "source": "deepstate-daily"})
        assert r.status_code == 404 and "maps no ukraine_held" in r.json()["error"], r.text
        r = c.get("/api/area", params={"region": "UKR", "date": "2024-11-22", "source": "deepstate-daily"})
        assert r.status_code == 200 and r.json()["statuses"] == ["occupied"], r.text
    app.state.frontwatch.close()


@pytest.mark.parametrize("geometry,words", [
    ({"type": "Polygon", "coordinates": [[[4e6, 6e6], [4.1e6, 6e6], [4.1e6, 6.1e6], [4e6, 6e6]]]}, "not lon/lat degrees"),
    ({"type": "Polygon", "coordinates": [[[48, 36], [49, 36], [49, 37], [48, 36]]]}, "lat/lon swapped"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, "reaches the theatre"),
])
def test_a_borders_file_in_the_wrong_place_says_why(tmp_path, geometry, words):
    """It used to say "no countries in borders file" whatever the cause; the store keeps nothing."""
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso_a3": "UKR"}, "geometry": geometry}]}))
    r = CliRunner().invoke(main, ["borders", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code != 0 and words in r.output and "b.geojson" in r.output, r.output
    from frontwatch.store import Store

    with Store(tmp_path / "s.duckdb") as st:
        assert not st.borders()


def test_a_day_after_the_archive_gets_its_last_map_for_a_week_then_an_error(store_path):
    """The shared archive ends on 2024-12-31. "Today" often has no map yet, so a day up to a week
    later gets that map (its record says 2024-12-31); a day in 2030 is an error in area, front,
    settlements and map alike (area gave the 2024 map silently, front refused even 2025-01-01)."""
    near = run_json(store_path, "area", "--region", "RUS", "--status", "ukraine_held", "--date", "2025-01-05")
    assert [r["date"] for r in near] == ["2024-12-31"], near
    (front_rec,) = run_json(store_path, "front", "--region", "Sudzha:15km", "--date", "2025-01-05")
    assert front_rec["date"] == "2024-12-31"
    for cmd in (["area", "--region", "RUS"], ["front", "--region", "Sudzha:15km"], ["settlements", "--near", "Sudzha"]):
        r = CliRunner().invoke(main, [*cmd, "--date", "2030-01-01", "--store", str(store_path)])
        assert r.exit_code == 1, (cmd, r.output)
        assert "2030-01-01 is 1827 days after the archive's last snapshot (2024-12-31" in r.output, (cmd, r.output)
        assert "frontwatch sync" in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_a_day_in_a_gap_of_the_archive_warns_which_map_it_got(store_path):
    """The shared history is monthly before mid-2024: 2023-05-20 gets the map of 2023-05-01, and
    says so in one warning line; a day with a map of its own, or the day after, does not warn."""
    from frontwatch.store import Store

    with Store(store_path, read_only=True) as st:
        with pytest.warns(measure.StaleMapWarning, match="the map for 2023-05-20 is of 2023-05-01, 19 days earlier"):
            assert measure.snapshot_on(st, dt.date(2023, 5, 20)).date == dt.date(2023, 5, 1)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("error", measure.StaleMapWarning)
            assert measure.snapshot_on(st, dt.date(2024, 11, 24)).date == dt.date(2024, 11, 24)
            assert measure.snapshot_on(st, dt.date(2023, 5, 20), stale_days=None).date == dt.date(2023, 5, 1)
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--status", "ukraine_held", "--date", "2023-05-20",
                                  "--store", str(store_path)])
    assert r.exit_code == 0 and "warning: the map for 2023-05-20 is of 2023-05-01" in r.output, r.output


def test_geodesic_area_of_rings_is_pyprojs_to_the_bit(store):
    """geodesy.area_km2 walks the rings itself (one GEOS call for the coordinates) instead of
    pyproj's geometry_area_perimeter (a Python loop over ``ring.xy``): the same float, on the
    countries of the borders (Ukraine's 12,600 lake holes) and on stored layers."""
    borders = store.borders()
    geoms = [borders[iso] for iso in borders]
    hashes = [h for hs in store.all_layer_hashes([s.id for s in measure.select_snapshots(store)[-3:]]).values()
              for h in hs.values()]
    geoms += [shapely.from_wkb(w) for w in store.geometry_wkbs(hashes).values()]
    geoms += [p for g in geoms[:3] for p in shapely.get_parts(g)[:20]]  # single polygons too
    assert len(geoms) > 20
    for g in geoms:
        oriented = shapely.orient_polygons(g, exterior_cw=False)
        assert geodesy.area_km2(g) == abs(geodesy._geod().geometry_area_perimeter(oriented)[0]) / 1e6
