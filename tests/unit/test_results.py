"""The workspace's typed answers (frontwatch.analysis.results) on the synthetic archive: each is a
frozen dataclass with dates as datetime.date inside, and its to_record() is the analysis
function's record itself, key for key in the same order (so the faces print the same bytes)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from synthetic import DAYS
from frontwatch.analysis import front, holdings, measure, settlements
from frontwatch.analysis.results import Advance, Area, Change, Front, Peak, Result, SettlementChange
from frontwatch.statuses import parse_statuses
from frontwatch.workspace import Workspace

NEAR = "47.5,35.9"  # on the synthetic front line (the occupied rectangle's west edge)


def same_record(answer: Result, rec: dict) -> bool:
    """to_record() is ``rec``: the same keys in the same order, the same JSON."""
    ours = answer.to_record()
    return list(ours) == list(rec) and json.dumps(ours, default=repr) == json.dumps(rec, default=repr)


@pytest.fixture(scope="module")
def ws(unit_store):
    with Workspace(unit_store) as w:
        yield w


def test_an_area_answer_holds_its_day_as_a_date(ws):
    a = ws.area("RUS", "ukraine_held", date=DAYS[1])[0]
    assert isinstance(a, Area) and a.date == DAYS[1] and isinstance(a.taken_at, dt.datetime)
    assert a.taken_at.tzinfo is not None and a.km2 > 0 and a.status == "ukraine_held"


def test_an_area_record_is_the_analysis_record(ws):
    reg = ws.region("RUS")
    recs = holdings.area_by_status(ws.store, reg, ("ukraine_held",), date=DAYS[1], borders=ws.stored_borders())
    answers = ws.area("RUS", "ukraine_held", date=DAYS[1])
    assert len(answers) == len(recs) and all(same_record(a, r) for a, r in zip(answers, recs))


def test_a_side_total_is_an_area_with_its_side(ws):
    sides = [a for a in ws.area("UKR", "russia", date=DAYS[2]) if a.side is not None]
    assert sides and {a.side for a in sides} <= {"russia", "ukraine"}
    assert all("side" in a.to_record() for a in sides)


def test_an_area_leaves_out_what_its_record_leaves_out(ws):
    a = ws.area("ALL", "occupied", date=DAYS[0])[0]
    assert a.share_pct is None and "share_pct" not in a.to_record()


def test_a_change_record_is_the_analysis_record(ws):
    rec = measure.change(ws.store, ws.region("UKR"), start=DAYS[1], end=DAYS[-1], side="russia", borders=ws.borders,
                         geometry=False)
    ans = ws.change("UKR", start=DAYS[1], end=DAYS[-1])
    assert isinstance(ans, Change) and isinstance(ans.from_date, dt.date) and ans.first_day == DAYS[1]
    assert same_record(ans, rec)


def test_a_peak_record_is_the_analysis_record(ws):
    rec = measure.peak(ws.store, ws.region("RUS"), parse_statuses("ukraine_held"))
    ans = ws.peak("RUS", "ukraine_held")
    assert isinstance(ans, Peak) and ans.peak_date == DAYS[1] and same_record(ans, rec)


def test_a_front_record_is_the_analysis_record(ws):
    recs = front.front(ws.store, ws.region("UKR"), date=DAYS[2], borders=ws.borders)
    answers = ws.front("UKR", date=DAYS[2])
    assert [type(a) for a in answers] == [Front] and answers[0].length_km > 0
    assert same_record(answers[0], recs[0])


def test_an_advance_record_is_the_analysis_record(ws):
    recs = front.advance(ws.store, NEAR, 30.0, start=DAYS[0], end=DAYS[-1], borders=ws.borders)
    answers = ws.advance(NEAR, 30.0, start=DAYS[0], end=DAYS[-1])
    assert answers and all(isinstance(a, Advance) and isinstance(a.to_date, dt.date) for a in answers)
    assert all(same_record(a, r) for a, r in zip(answers, recs))


def test_a_settlement_change_record_is_the_analysis_record(ws):
    recs = settlements.settlement_changes(ws.store, ws.region("UKR"), start=DAYS[0], end=DAYS[-1], borders=ws.borders)
    answers = ws.settlements("UKR", start=DAYS[0], end=DAYS[-1])
    assert len(answers) == len(recs) and all(isinstance(a, SettlementChange) for a in answers)
    assert all(same_record(a, r) for a, r in zip(answers, recs))


def test_an_answer_is_frozen(ws):
    pk = ws.peak("RUS", "ukraine_held")
    with pytest.raises(dataclasses.FrozenInstanceError):
        pk.km2 = 0.0


def test_a_record_made_again_is_the_same_answer(ws):
    pk = ws.peak("RUS", "ukraine_held")
    assert Peak.from_record(pk.to_record()) == pk


def test_a_key_the_type_does_not_name_is_given_back():
    rec = {"region": "RUS", "statuses": "ukraine_held", "peak_date": "2024-09-06", "peak_km2": 1.0, "peak_sqmi": 0.4,
           "date": "2024-11-24", "km2": 0.5, "sqmi": 0.2, "lost_km2": 0.5, "lost_sqmi": 0.2, "share_lost_pct": 50.0,
           "snapshots": 3, "window_days": 7}
    assert list(Peak.from_record(rec).to_record().items()) == list(rec.items())


def test_a_date_that_would_not_print_back_stays_a_string():
    rec = {"region": "R", "statuses": "occupied", "peak_date": "20240906", "peak_km2": 1.0, "peak_sqmi": 0.4,
           "date": "2024-11-24", "km2": 0.5, "sqmi": 0.2, "lost_km2": 0.5, "lost_sqmi": 0.2, "share_lost_pct": 50.0,
           "snapshots": 3}
    pk = Peak.from_record(rec)
    assert pk.peak_date == "20240906" and pk.to_record() == rec


def test_a_summary_record_is_the_analysis_record(ws):
    from frontwatch.analysis.summary import region_summary

    rec = region_summary(ws.store, ws.region("RUS"), borders=ws.borders)
    ans = ws.summary("RUS")
    assert ans.date == DAYS[-1] and all(isinstance(c, Change) for c in ans.changes)
    assert json.dumps(ans.to_record(), default=repr) == json.dumps(rec, default=repr)


def test_a_day_field_holding_an_instant_is_a_datetime(ws):
    ans = ws.summary("RUS")
    assert isinstance(ans.changes[0].last_day, dt.datetime) and ans.changes[0].window_days == 7
