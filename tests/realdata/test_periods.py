"""One rule for a period everywhere (measure.period_maps): a period of days D1..D2 runs from the
state at the start of D1 (the last map before it) to the last map on or before D2. The CLI's
`change`, the API's /api/change and the claims checker give the same figure for the same period.

Real data: the session store of ../shared/data/deepstate/history + ../shared/data/borders
(fixtures ``store``, ``store_path``); expected figures computed here through the library.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from frontwatch.analysis import measure

D = dt.date


def test_november_runs_from_the_map_of_31_october(store):
    a, b = measure.period_maps(store, D(2024, 11, 1), D(2024, 11, 30))
    assert (a.date, b.date) == (D(2024, 10, 31), D(2024, 11, 30))


def test_a_one_day_period_is_that_days_map_against_the_day_before(store):
    a, b = measure.period_maps(store, D(2024, 11, 24), D(2024, 11, 24))
    assert (a.date, b.date) == (D(2024, 11, 23), D(2024, 11, 24))


def test_in_the_monthly_archive_a_month_runs_between_the_maps_of_the_first(store):
    """No map within a week before 1 November 2023 or 30 November 2023: the next day's maps (of
    the 1st) stand for both ends, and a notice says so."""
    from frontwatch import notices

    with notices.collect() as said:
        a, b = measure.period_maps(store, D(2023, 11, 1), D(2023, 11, 30))
    days = {s.date for s in store.snapshots()}
    assert D(2023, 11, 1) in days and D(2023, 12, 1) in days
    assert (a.date, b.date) == (D(2023, 11, 1), D(2023, 12, 1))
    assert len(said) == 2 and all("the next day, is used" in m for m in said), said


def test_strict_periods_refuse_ends_with_no_map_near_them(store):
    with pytest.raises(measure.MeasureError, match="no map for the end of 2023-06-11"):
        measure.period_maps(store, D(2023, 6, 5), D(2023, 6, 11), strict=True)
    # Not strict (the CLI): the last map before, with a warning, as for any day in a gap.
    a, b = measure.period_maps(store, D(2023, 6, 5), D(2023, 6, 11))
    assert a.date <= D(2023, 6, 4) and b.date <= D(2023, 6, 11)


def test_an_instant_is_the_map_at_or_before_it(store):
    snaps = store.snapshots(start=D(2024, 11, 20), end=D(2024, 11, 24))
    a, b = measure.period_maps(store, snaps[0].taken_at, snaps[-1].taken_at)
    assert (a.id, b.id) == (snaps[0].id, snaps[-1].id)


def test_every_face_gives_one_figure_for_one_period(store_path):
    """"Russia gained ... in November 2024": `frontwatch change --from 2024-11-01 --to
    2024-11-30`, GET /api/change?from=2024-11-01&to=2024-11-30, and a claim of that period all
    measure from the map of 31 October to that of 30 November (30 days, about 724 km2, where the
    CLI used to start from 1 November's map: 693.8 km2 over 29 days). Each face opens the store
    in turn, as a user's separate commands would."""
    from click.testing import CliRunner
    from fastapi.testclient import TestClient

    from frontwatch.claims.check import check_claim, claim_from_record
    from frontwatch.faces.cli import main
    from frontwatch.faces.service import ServiceConfig, create_app
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    russia = "occupied,occupied_before_2022"
    app = create_app(ServiceConfig(store_path=store_path))
    with TestClient(app) as client:
        api = client.get("/api/change", params={"region": "UKR", "status": russia, "from": "2024-11-01",
                                                "to": "2024-11-30"}).json()
    app.state.frontwatch.close()

    res = CliRunner().invoke(main, ["change", "--region", "UKR", "--status", russia, "--from", "2024-11-01",
                                    "--to", "2024-11-30", "--store", str(store_path), "--format", "json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    cli = cli[0] if isinstance(cli, list) else cli

    with Store(store_path) as st:
        lib = measure.change(st, resolve_region("UKR", st.borders()), start=D(2024, 11, 1), end=D(2024, 11, 30),
                             statuses=tuple(russia.split(",")))
        chk = check_claim(st, claim_from_record({
            "measure": "area_change", "value": 724, "unit": "km2", "value_normalized": 724.0,
            "unit_normalized": "km2", "side": "russia", "direction": "gained", "place": "UKR",
            "start_date": "2024-11-01", "date": "2024-11-30"}))

    assert (lib["from_date"], lib["to_date"], lib["days"]) == ("2024-10-31", "2024-11-30", 30)
    for rec in (cli, api):
        assert (rec["from_date"], rec["to_date"], rec["days"]) == ("2024-10-31", "2024-11-30", 30), rec
        assert rec["gained_km2"] == pytest.approx(lib["gained_km2"], abs=0.01)
    assert chk.figure.dates == (D(2024, 10, 31), D(2024, 11, 30))
    assert chk.figure.value == pytest.approx(lib["gained_km2"], abs=0.01)
    assert 700 < lib["gained_km2"] < 750


def test_the_change_help_states_the_rule():
    from click.testing import CliRunner

    from frontwatch.faces.cli import main

    out = " ".join(CliRunner().invoke(main, ["change", "--help"]).output.split())  # as read, not as wrapped
    assert "last map before it" in out and "31 October" in out
