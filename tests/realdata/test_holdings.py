"""Border slivers and side totals (frontwatch.analysis.holdings) through `frontwatch area`, `run`
and /api/area, on the session store built from ../shared/data/deepstate/history and
../shared/data/borders/countries-osm.geojson."""
from __future__ import annotations

import json

from click.testing import CliRunner

from frontwatch.faces.cli import main


def _json(store_path, *args):
    r = CliRunner().invoke(main, [*args, "--store", str(store_path), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_area_in_russia_does_not_read_as_russia_occupying_its_own_land(store_path):
    """`area --region RUS` with no --status listed "occupied 22.5 km2" first: the slivers where
    DeepStateMap's border and OSM's differ. They are left out (and named), kept on request."""
    recs = {r["status"]: r for r in _json(store_path, "area", "--region", "RUS", "--date", "2024-11-22")}
    kept = {r["status"]: r for r in _json(store_path, "area", "--region", "RUS", "--date", "2024-11-22", "--with-slivers")}
    for st in ("occupied", "occupied_before_2022"):
        assert kept[st]["km2"] > 10 and recs[st]["km2"] < 0.5, (st, kept[st], recs[st])
        assert abs(recs[st]["km2"] + recs[st]["border_slivers_km2"] - kept[st]["km2"]) < 1e-3
    # Ukraine's ground in Russia (the Kursk figure) is not touched.
    assert recs["ukraine_held"]["km2"] == kept["ukraine_held"]["km2"] and round(recs["ukraine_held"]["km2"], 1) == 569.5
    assert "border_slivers_km2" not in recs["ukraine_held"]
    r = CliRunner().invoke(main, ["area", "--region", "RUS", "--date", "2024-11-22", "--store", str(store_path)])
    assert "border slivers left out" in r.stderr and "occupied 22.5 km2" in r.stderr
    first = r.stdout.splitlines()[2].split()
    assert first[2] == "occupied" and float(first[3]) == 0.0


def test_area_in_ukraine_leaves_out_no_border_slivers(store_path):
    """In UKR every status (the liberated ground, Russia's holding) is the same with or without
    --with-slivers, and no record has a border_slivers_km2 figure."""
    recs = {r["status"]: r for r in _json(store_path, "area", "--region", "UKR", "--date", "2024-11-22")}
    kept = {r["status"]: r for r in _json(store_path, "area", "--region", "UKR", "--date", "2024-11-22", "--with-slivers")}
    assert recs == kept and not any("border_slivers_km2" in r for r in recs.values())


def test_run_lists_the_slivers_apart(store_path):
    r = CliRunner().invoke(main, ["run", "--offline", "--store", str(store_path)])
    assert r.exit_code == 0, r.output
    table = r.stdout.split("\n\n")[1]
    assert "ukraine_held" in table and "\noccupied " not in table
    assert "left out: border slivers of occupied" in table


def test_the_apis_sides_never_add_both_sides(store_path):
    """The web map showed "total 847 km2" for RUS: Ukraine's ground plus Russia's slivers. Each
    side's total (its statuses and its country's land no layer covers) comes apart."""
    import httpx

    from frontwatch.faces.service import ServiceConfig
    from frontwatch.faces.service.server import running_server

    with running_server(ServiceConfig(store_path=store_path)) as base:
        res = httpx.get(f"{base}/api/area", params={"region": "RUS", "date": "2024-11-24"}, timeout=300).json()
    sides = {s["side"]: s for s in res["sides"]}
    held = {r["status"]: r for r in res["records"]}
    # Each side: its statuses and its own land no layer covers (none of Ukraine's lies in Russia).
    assert set(sides) == {"russia", "ukraine"} and sides["ukraine"]["km2"] == held["ukraine_held"]["km2"]
    assert held["occupied"]["km2"] < 0.5 and held["occupied"]["border_slivers_km2"] > 10
    both = sides["russia"]["km2"] + held["ukraine_held"]["km2"]
    assert all(abs(t["km2"] - both) > 1 for t in res["sides"])
    assert 99 < sides["russia"]["share_pct"] < 100
