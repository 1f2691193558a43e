"""Measures on the shared archive (../shared/data/deepstate/history + ../shared/data/borders)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely
from click.testing import CliRunner

from frontwatch import geodesy, measure
from frontwatch.cli import main
from frontwatch.regions import resolve_region


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


def test_ukraine_held_in_russia_rises_peaks_and_falls(store_path):
    series = run_json(store_path, "area", "--region", "RUS", "--status", "ukraine_held",
                      "--from", "2024-07-25", "--to", "2024-12-31", "--every", "day")
    by_day = {dt.date.fromisoformat(r["date"]): r["km2"] for r in series}
    before = [v for d, v in by_day.items() if d <= dt.date(2024, 8, 5)]
    assert max(before) < 20  # border slivers only, before the incursion of 6 August
    top = max(by_day, key=by_day.get)
    assert dt.date(2024, 8, 20) <= top <= dt.date(2024, 9, 15)
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
    assert c["gained_km2"] > 100 and c["days"] == 23


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


def test_date_before_the_archive_names_the_range(store_path):
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--date", "2020-01-01", "--store", str(store_path)])
    assert r.exit_code != 0
    assert "2022-04-03" in r.output and "2024-12-31" in r.output
    assert len(r.output.strip().splitlines()) == 1


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
