"""Checking claims against the maps, and the claims ledger.

Real-data tests read ../shared/data/articles/kursk-2024-11-24.txt (fixture ``article_file``) and
the session store of ../shared/data/deepstate/history + ../shared/data/borders (fixture
``store``); expected map figures are computed here through frontwatch.analysis.measure, never typed in.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from frontwatch.claims.check import (
    AREA_TOLERANCE, CONSISTENT, NO_DATA, NOT_CHECKABLE, OVERSTATED, SHARE_TOLERANCE_PP, UNDERSTATED, VERDICTS,
    _compare, check_claims, check_text, checks_to_markdown, place_region)
from frontwatch.claims.extract import extract_claims

D = dt.date


# ------------------------------------------------------------------ the comparison rule

def test_claim_between_strict_and_generous_map_figures_is_consistent():
    assert _compare(1000, 1000, 900, 1200, AREA_TOLERANCE, True, None)[0] == CONSISTENT


def test_claim_above_both_map_figures_beyond_tolerance_is_overstated_by_the_nearest():
    verdict, dev = _compare(1500, 1500, 900, 1200, AREA_TOLERANCE, True, "about")
    assert verdict == OVERSTATED and dev == pytest.approx(0.25)


def test_claim_below_both_map_figures_beyond_tolerance_is_understated():
    assert _compare(500, 500, 900, 1200, AREA_TOLERANCE, True, None)[0] == UNDERSTATED


def test_claim_within_tolerance_of_the_generous_figure_is_consistent():
    assert _compare(1300, 1300, 900, 1200, AREA_TOLERANCE, True, None)[0] == CONSISTENT


def test_shares_use_percentage_points():
    assert _compare(40, 40, 36, 36, SHARE_TOLERANCE_PP, False, None)[0] == CONSISTENT
    assert _compare(50, 50, 36, 36, SHARE_TOLERANCE_PP, False, None)[0] == OVERSTATED


def test_lower_bound_claim_holds_when_the_map_reaches_it():
    assert _compare(40, 40, 60, 60, SHARE_TOLERANCE_PP, False, "over")[0] == CONSISTENT
    assert _compare(40, 40, 20, 20, SHARE_TOLERANCE_PP, False, "more than")[0] == OVERSTATED


def test_upper_bound_claim_holds_when_the_map_stays_under_it():
    assert _compare(300, 300, 100, 100, 0.2, True, "less than")[0] == CONSISTENT
    assert _compare(300, 300, 900, 900, 0.2, True, "at most")[0] == UNDERSTATED


def test_up_to_is_a_top_that_is_reached_not_a_ceiling():
    """Reuters, Nov 2024: "advancing at a pace of up to 1.5 miles a day near Kurakhove" (2,414
    m/day) against a band of 124 m/day (mean) to 395 m/day (largest local shift): a ceiling that
    any slower pace meets called it consistent; as the fastest pace it is six times the map's."""
    assert _compare(2414, 2414, 124, 395, 0.2, True, "up to")[0] == OVERSTATED
    assert _compare(300, 300, 124, 395, 0.2, True, "up to")[0] == CONSISTENT
    assert _compare(300, 300, 900, 900, 0.2, True, "up to")[0] == UNDERSTATED


def test_range_claim_is_consistent_when_map_falls_in_range_widened_by_tolerance():
    assert _compare(200, 300, 250, 250, 0.2, True, None)[0] == CONSISTENT
    assert _compare(200, 300, 170, 170, 0.2, True, None)[0] == CONSISTENT   # 200 is +18% of 170
    assert _compare(200, 300, 150, 150, 0.2, True, None)[0] == OVERSTATED   # +33%
    assert _compare(200, 300, 400, 400, 0.2, True, None)[0] == UNDERSTATED


def test_place_mapping_kursk_to_rus_ukraine_to_ukr_town_to_circle():
    assert place_region("Kursk", "area_held")[0] == "RUS"
    assert place_region("Kursk region", "area_held")[0] == "RUS"
    assert place_region("Ukraine", "area_held")[0] == "UKR"
    assert place_region("Kurakhove", "advance_rate")[0] == "Kurakhove:15km"


# ------------------------------------------------------------------ the seed article

@pytest.fixture(scope="module")
def article_check(store_path, article_file):
    from frontwatch.store import Store

    with Store(store_path) as st:
        return check_text(st, article_file.read_text(encoding="utf-8"))


def _numbers(reason):
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", reason)]


def test_article_every_area_share_and_rate_claim_gets_a_map_verdict(article_check):
    """../shared/data/articles/kursk-2024-11-24.txt against the session store."""
    by_measure = {}
    for c in article_check["claims"]:
        assert c["verdict"] in VERDICTS and c["reason"]
        by_measure.setdefault(c["measure"], []).append(c)
    assert len(by_measure["area_held"]) == 2 and len(by_measure["share_lost"]) == 1
    assert len(by_measure["advance_rate"]) == 1
    for c in by_measure["area_held"] + by_measure["share_lost"] + by_measure["advance_rate"]:
        assert c["verdict"] in (CONSISTENT, OVERSTATED, UNDERSTATED), c["reason"]
        assert c["map_value"] is not None and c["map_unit"] and c["tolerance"] and c["evidence_dates"]
    assert len(by_measure["troops"]) == 4
    assert all(c["verdict"] == NOT_CHECKABLE for c in by_measure["troops"])


def test_article_area_reasons_carry_the_claim_and_library_figures(article_check, store):
    """Peak and current Ukrainian-held ground in RUS, computed here through frontwatch.analysis.measure,
    appear in the reasons beside the claimed figures (../shared history + borders)."""
    from frontwatch.analysis.measure import area_on, peak
    from frontwatch.geo.regions import resolve_region

    rus = resolve_region("RUS", store.borders())
    p_strict = peak(store, rus, ("ukraine_held",), until=D(2024, 11, 24))
    p_wide = peak(store, rus, ("ukraine_held", "contested"), until=D(2024, 11, 24))
    now = sum(r["km2"] for r in area_on(store, rus, ("ukraine_held",), D(2024, 11, 24)))
    claims = {c["aspect"]: c for c in article_check["claims"] if c["measure"] == "area_held"}
    peak_claim, now_claim = claims["peak"], claims["current"]
    assert peak_claim["map_value"] == pytest.approx(p_strict["peak_km2"], abs=0.1)
    assert peak_claim["map_value_with_contested"] == pytest.approx(p_wide["peak_km2"], abs=0.1)
    assert now_claim["map_value"] == pytest.approx(now, abs=0.1)
    assert "531 square miles" in peak_claim["reason"] and f"{p_strict['peak_km2']:,.0f} km2" in peak_claim["reason"]
    assert f"{p_wide['peak_km2']:,.0f} km2" in peak_claim["reason"]
    assert "309 square miles" in now_claim["reason"] and f"{now:,.0f} km2" in now_claim["reason"]
    # The stated rule: between the two figures or within tolerance of either.
    lo, hi = sorted((p_strict["peak_km2"], p_wide["peak_km2"]))
    claimed = peak_claim["value_normalized"]
    expect = CONSISTENT if lo * (1 - AREA_TOLERANCE) <= claimed <= hi * (1 + AREA_TOLERANCE) else \
        OVERSTATED if claimed > hi else UNDERSTATED
    assert peak_claim["verdict"] == expect


def test_article_share_lost_matches_measure_peak(article_check, store):
    from frontwatch.analysis.measure import peak
    from frontwatch.geo.regions import resolve_region

    rus = resolve_region("RUS", store.borders())
    p = peak(store, rus, ("ukraine_held",), until=D(2024, 11, 24))
    (share,) = [c for c in article_check["claims"] if c["measure"] == "share_lost"]
    assert share["map_value"] == pytest.approx(p["share_lost_pct"], abs=0.01)
    assert "40%" in share["reason"] and f"{p['share_lost_pct']:.1f}%" in share["reason"]


def test_article_rate_reason_has_claimed_range_and_map_rate(article_check):
    (rate,) = [c for c in article_check["claims"] if c["measure"] == "advance_rate"]
    assert rate["map_unit"] == "m_per_day"
    assert "656-984 feet" in rate["reason"] and "200-300 m/day" in rate["reason"]
    assert f"{rate['map_value']:,.0f} m/day" in rate["reason"]
    assert "Kurakhove:10km" in rate["reason"]  # both circle radii reported


def test_article_internal_consistency_is_included(article_check):
    assert article_check["consistency"] and article_check["published"] == "2024-11-24"
    (share,) = [c for c in article_check["claims"] if c["measure"] == "share_lost"]
    assert share["consistency"] and share["consistency"][0]["relation"] == "share_lost_vs_held_areas"


def test_markdown_table_has_one_row_per_claim(article_check):
    md = checks_to_markdown(article_check)
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Verdict" not in line]
    assert len(rows) == len(article_check["claims"])
    assert "Internal consistency" in md
    assert checks_to_markdown([]).startswith("_No numeric claims")


def test_a_distance_advanced_over_a_period_is_set_against_mean_and_largest_shift(store):
    """"Advanced 2 km over the past week" is a distance: within the band from the mean advance to
    the largest local shift of that week it is consistent (Kurakhove, 17-24 Nov 2024: 1.1 and
    2.5 km by the maps); 5 km is beyond it; a pace ("a day") is still set against the mean alone."""
    from frontwatch.analysis.front import advance

    text = ("KYIV, Nov 24, 2024 - Russian troops advanced 2 kilometres near Kurakhove over the past week, the ISW said. "
            "Russian troops advanced 5 kilometres near Kurakhove over the past week, the ISW said. "
            "Russian troops advanced 300 metres a day near Kurakhove, the ISW said.")
    two, five, pace = check_claims(store, extract_claims(text))
    rec = advance(store, "Kurakhove", 15, start=D(2024, 11, 17), end=D(2024, 11, 24), borders=store.borders())[0]
    mean_km, shift_km = rec["russia_mean_m_per_day"] * 7 / 1000, rec["russia_shift_m_per_day"] * 7 / 1000
    assert mean_km * 1.25 < 2 < shift_km, (mean_km, shift_km)  # so only the band makes 2 km consistent
    assert two["verdict"] == CONSISTENT and "largest shift" in two["reason"], two["reason"]
    assert five["verdict"] == OVERSTATED, five["reason"]
    assert pace["verdict"] == OVERSTATED and "set against that band" not in pace["reason"], pace["reason"]


def test_a_fraction_in_words_is_quoted_as_written_with_its_percentage(store):
    """"nearly one-fifth of Ukraine" read "nearly 0.2 one-fifth" in the reason; on 30 Nov 2024
    Russia holds 18.3% of UKR's land on the maps, so it is consistent."""
    (rec,) = check_claims(store, extract_claims("KYIV, Nov 30, 2024 - Russia controls nearly one-fifth of Ukraine, "
                                                "officials said."))
    assert rec["measure"] == "share_held" and rec["verdict"] == CONSISTENT, rec
    assert "claim nearly one-fifth (20%) of Ukraine" in rec["reason"] and "0.2" not in rec["reason"], rec["reason"]


def test_claim_dated_outside_the_archive_says_which_dates_exist(store):
    (claim,) = extract_claims("Ukraine held about 500 square kilometres in Kursk, officials said.",
                              published=D(2021, 5, 1))
    (rec,) = check_claims(store, [claim])
    first = store.snapshots()[0].date
    assert rec["verdict"] == NO_DATA and first.isoformat() in rec["reason"]


def test_settlement_claims_use_the_gazetteer_count_as_a_floor(store):
    """Ukraine took Guyevo (12 Aug) and Sudzha (14 Aug) within 15 km of Sudzha, the only places of
    500+ inhabitants there: 2 is consistent; 40 cannot be called overstated, since the gazetteer
    does not list smaller villages (the count is a floor); a claim below the floor beyond
    tolerance would be understated."""
    text = ("KURSK, Aug 31, 2024 - Ukrainian forces captured 2 settlements near Sudzha in August, the commander said. "
            "Ukrainian forces captured 40 villages near Sudzha in August, the commander said.")
    two, forty = check_claims(store, extract_claims(text))
    assert two["measure"] == forty["measure"] == "settlements"
    assert two["verdict"] == CONSISTENT and two["map_value"] == 2, two
    assert "Guyevo, Sudzha" in two["reason"] and "2024-08-01..2024-08-31" in two["reason"]
    assert forty["verdict"] == NOT_CHECKABLE and forty["map_value"] == 2, forty
    assert "floor" in forty["reason"] and "fewer than 500 inhabitants" in forty["reason"]


def test_distance_claims_are_measured_from_the_place_to_the_sides_nearest_ground(store):
    """On the map of 25 November 2024 Russian-held ground is in Kurakhove (under 1 km from its
    centre) and about 10 km from Pokrovsk: "less than 3 km from Kurakhove" and "within 12 km of
    Pokrovsk" are consistent, "2 km from Pokrovsk" is understated; a distance from a country is
    not checkable."""
    text = ("KYIV, Nov 25, 2024 - Russian troops are now less than 3 kilometres from the town of Kurakhove, "
            "the governor said. Russian forces advanced to within 12 km of Pokrovsk, the ISW said. "
            "Russian troops are 2 km from Pokrovsk, a blogger said. Russian troops are 50 km from Ukraine, he said.")
    recs = check_claims(store, extract_claims(text))
    assert [r["measure"] for r in recs] == ["distance"] * 4
    kurakhove, within, two, country = recs
    assert kurakhove["verdict"] == CONSISTENT and kurakhove["map_value"] < 3, kurakhove
    assert within["verdict"] == CONSISTENT and 6 < within["map_value"] < 12, within
    assert two["verdict"] == UNDERSTATED and two["map_value"] == within["map_value"], two
    assert two["map_value_with_contested"] <= two["map_value"]
    assert "ambiguous" in two["region_note"] and "picked Pokrovsk (UA" in two["region_note"]
    assert country["verdict"] == NOT_CHECKABLE and "country" in country["reason"]


def test_front_length_claims_are_checked_against_the_traced_front(store):
    """The front on the map of 25 November 2024 (frontwatch.analysis.front, whole map): "more than 1,000 km"
    is consistent with it, "about 3,000 km" overstated; the figures are those of front()."""
    from frontwatch.analysis.front import front
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("KYIV, Nov 25, 2024 - The front line stretches for more than 1,000 kilometres, officials said. "
            "The front line is about 3,000 km long, a blogger said.")
    over, far = check_claims(store, extract_claims(text))
    assert over["measure"] == far["measure"] == "front_length"
    (rep,) = front(store, resolve_region("ALL"), date=D(2024, 11, 25), borders=load_borders(store))
    assert over["map_value"] == far["map_value"] == rep["length_km"] and 800 < rep["length_km"] < 1200
    assert over["verdict"] == CONSISTENT, over
    assert far["verdict"] == OVERSTATED and f"{rep['length_km']:,.0f} km in all" in far["reason"], far


def test_a_front_length_after_a_paragraph_on_kursk_is_the_whole_front(store):
    """"The front line now stretches for 1,200 km." names no place: the Kursk of the sentence
    before it used to narrow it to the 94 km front in RUS (overstated by 1179%); it is the whole
    front (its figures are front()'s: test_front_length_claims_are_checked_against_the_traced_front).
    "The front line there" keeps the earlier place."""
    whole, there = (check_claims(store, extract_claims(
        f"KYIV, Dec 2, 2024 - Ukraine still holds about 500 sq km of the Kursk region, officials said. {s}"))[-1]
        for s in ("The front line now stretches for 1,200 km.", "The front line there stretches for 90 km."))
    assert whole["measure"] == "front_length" and whole["region"] == "ALL", whole
    assert 900 < whole["map_value"] < 1100 and whole["verdict"] == CONSISTENT, whole["reason"]
    assert "earlier" in whole["region_note"], whole["region_note"]
    assert there["region"] == "RUS" and 50 < there["map_value"] < 200, there
    assert there["verdict"] == CONSISTENT, there["reason"]


def test_up_to_a_pace_is_set_against_the_largest_shift(store):
    """Reuters-style "advancing at a pace of up to 1.5 miles a day near Kurakhove" (2,414 m/day)
    is a top pace: six times the largest local shift of the month on the maps, so overstated (it
    was "consistent" when "up to" was read as a ceiling); "up to 300 metres a day" lies in the
    band from the mean to the largest shift."""
    fast, slow = check_claims(store, extract_claims(
        "KYIV, Nov 20, 2024 - Russian troops have been advancing at a pace of up to 1.5 miles a day near "
        "Kurakhove, the ISW said. Russian troops advanced up to 300 metres a day near Kurakhove, the ISW said."))
    assert fast["measure"] == slow["measure"] == "advance_rate"
    mean, shift = fast["map_value"], fast["map_shift_m_per_day"]
    assert mean * 1.2 < 300 < shift * 1.2 < 2414, (mean, shift)  # only the band makes 300 consistent
    assert fast["verdict"] == OVERSTATED and "largest shift" in fast["reason"], fast["reason"]
    assert slow["verdict"] == CONSISTENT, slow["reason"]


def test_a_change_in_a_named_month_runs_from_the_last_map_before_it(store):
    """"Russia gained ... in November": the map of 30 November against that of 31 October (30
    days), as `frontwatch change --from 2024-10-31 --to 2024-11-30` gives; the baseline used to be
    1 November's map, which left that day's gains out (29 days)."""
    from frontwatch.analysis.measure import change
    from frontwatch.geo.regions import load_borders, resolve_region

    total, rate = check_claims(store, extract_claims(
        "LONDON, 5 December 2024 - Russia gained 700 square kilometres of Ukrainian territory in November, "
        "analysts said. Russian forces advanced by an average of 24 square kilometres a day in November."))
    ref = change(store, resolve_region("UKR", load_borders(store)), start=D(2024, 10, 31), end=D(2024, 11, 30),
                 statuses=("occupied", "occupied_before_2022"))
    assert ref["days"] == 30 and total["evidence_dates"] == ["2024-10-31", "2024-11-30"], total
    assert total["map_value"] == round(ref["gained_km2"], 2) and total["verdict"] == CONSISTENT, total["reason"]
    assert rate["map_value"] == round(ref["gained_km2"] / 30, 2), rate["reason"]
    assert "gained by russia 2024-11-01..2024-11-30; maps 2024-10-31..2024-11-30" in total["reason"], total["reason"]


def test_a_share_of_the_ground_a_side_seized_is_its_peak_less_the_share_lost(store):
    """"holding on to about 40% of the territory they seized in August" (5 Dec 2024): 100 minus
    the share lost since the peak, strict and with contested (it was "not checkable": only
    Russia's share of Ukraine was checked), dated by the holding, not by "in August"."""
    from frontwatch.analysis.measure import peak
    from frontwatch.geo.regions import load_borders, resolve_region

    low, right = check_claims(store, extract_claims(
        "LONDON, 5 December 2024 - Ukraine's troops are holding on to about 40% of the territory they seized in "
        "August, the analysts said. Kyiv still controls around 60 percent of the ground it captured in Kursk."))
    rus = resolve_region("RUS", load_borders(store))
    ref = peak(store, rus, ("ukraine_held",), until=D(2024, 12, 5))
    ref_c = peak(store, rus, ("ukraine_held", "contested"), until=D(2024, 12, 5))
    for rec in (low, right):
        assert rec["measure"] == "share_held" and rec["region"] == "RUS", rec
        assert rec["map_value"] == round(100 - ref["share_lost_pct"], 2), rec
        assert rec["map_value_with_contested"] == round(100 - ref_c["share_lost_pct"], 2), rec
        assert "2024-12-05" in rec["reason"] and "still held" in rec["reason"], rec["reason"]
    assert 55 < low["map_value"] < 65
    assert low["verdict"] == UNDERSTATED and right["verdict"] == CONSISTENT, (low["reason"], right["reason"])


def test_a_wire_dateline_with_no_year_takes_the_archive_latest_such_day(store):
    """"KYIV, Nov 28 (Reuters) - ..." has no year: every claim was undated ("no start date", a
    distance measured on the latest map). The latest 28 November of the archive is taken, noted,
    and --published still wins."""
    from frontwatch.claims import dates as dates_mod
    from frontwatch.claims.check import check_text

    text = ("KYIV, Nov 28 (Reuters) - Russian troops are now less than 2 kilometres from the centre of Kurakhove, "
            "according to DeepState. Russia gained 200 sq km of Ukraine over the past week, analysts said.")
    assert dates_mod.dateline_month_day(text) == (11, 28)
    assert dates_mod.dateline_month_day("KYIV, Nov 28, 2024 (Reuters) - ...") is None  # dateline_date reads it
    assert dates_mod.dateline_month_day("Russian troops advanced on Nov 28 - officials") is None
    out = check_text(store, text)
    assert out["published"] == "2024-11-28" and any("no year" in n for n in out["notes"]), out["notes"]
    dist, change = out["claims"]
    assert dist["date"] == "2024-11-28" and dist["evidence_dates"] == ["2024-11-28"], dist
    # 7 days ending the day before the report (the dev set README's "past week")
    assert change["evidence_dates"] == ["2024-11-20", "2024-11-27"], change
    given = check_text(store, text, published=D(2024, 11, 20))
    assert given["published"] == "2024-11-20" and not any("no year" in n for n in given["notes"])
    assert dates_mod.latest_on_or_before(2, 29, D(2024, 12, 31)) == D(2024, 2, 29)
    assert dates_mod.latest_on_or_before(12, 31, D(2024, 12, 30)) == D(2023, 12, 31)


def test_shrunk_by_a_share_now_after_a_peak_clause_rounded_conversions_and_a_share_recaptured(store):
    """BBC-style copy of 28 November 2024 (ninth probe): "has shrunk by more than 40%" is the share
    of Ukraine's Kursk peak lost (it was "other"); "it now holds about 800 sq km" after "At its
    height, ... ;" is the area on the day (it was checked as a second peak); "within 3 km (2 miles)"
    is one claim (the rounded conversion was a claim of its own); "Since Ukraine's incursion began,
    Moscow has recaptured about half of the territory it lost" is the share of Ukraine's peak in
    Kursk lost again (it was a Russian share gained around the previous sentence's Pokrovsk)."""
    from frontwatch.analysis.measure import area_on, peak
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("Ukraine's grip on the Kursk region has shrunk by more than 40% since the summer, analysts say. "
            "At its height, Ukraine held some 1,376 sq km (531 sq miles) of Russian territory; it now holds about "
            "800 sq km, according to Ukraine's top commander. "
            "Russian troops are within 3 km (2 miles) of Pokrovsk, a key logistics hub. "
            "Since Ukraine's incursion began, Moscow has recaptured about half of the territory it lost.")
    shrunk, height, now, near, half = check_text(store, text, published=D(2024, 11, 28))["claims"]
    rus = resolve_region("RUS", load_borders(store))
    ref = peak(store, rus, ("ukraine_held",), until=D(2024, 11, 28))
    for c in (shrunk, half):
        assert c["measure"] == "share_lost" and c["side"] == "ukraine" and c["place"] == "Kursk oblast", c
        assert c["map_value"] == round(ref["share_lost_pct"], 2)
    assert shrunk["verdict"] == CONSISTENT and half["verdict"] == OVERSTATED, (shrunk["reason"], half["reason"])
    assert height["aspect"] == "peak" and now["aspect"] == "current", now
    held = {r["status"]: r["km2"] for r in area_on(store, rus, date=D(2024, 11, 28))}
    assert now["map_value"] == pytest.approx(held["ukraine_held"], abs=0.05) and now["verdict"] == CONSISTENT
    assert near["measure"] == "distance" and near["value"] == 3 and near["place"] == "Pokrovsk"


def test_occupied_since_captured_peak_weekend_invasion_and_since_an_event_in_a_month(store):
    """Kyiv Independent-style copy of 25 November 2024 (tenth probe), each line a fix: "have
    occupied ... since the beginning of October" is a gain since 1 October (it was the area held,
    and "since the beginning of" was cut off as too far before the month); "half of the 1,000
    square kilometers it captured" names the peak; "over the weekend" is 23-24 November (the claim
    was "other"); "since the start of the full-scale invasion" is the occupied status on the day
    (the archive begins in April 2022); "since the fall of Avdiivka in February" runs from 1
    February to now for the pace too (30 km was spread over February's 29 days)."""
    from frontwatch.analysis.measure import area_on, change
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("Russian forces have occupied around 2,000 square kilometers of Ukrainian territory since the beginning "
            "of October, DeepState reported. "
            "In the Kursk region, Ukraine has lost roughly half of the 1,000 square kilometers it captured. "
            "Ukrainian troops were pushed back 4 kilometers near Kurakhove over the weekend. "
            "The Institute for the Study of War estimates that Russian forces have gained 56,000 square kilometers "
            "since the start of the full-scale invasion. "
            "Russia's army has advanced more than 30 km towards Pokrovsk since the fall of Avdiivka in February.")
    since_oct, half, peak_, weekend, invasion, avdiivka = check_text(store, text, published=D(2024, 11, 25))["claims"]
    ukr = resolve_region("UKR", load_borders(store))
    ref = change(store, ukr, start=D(2024, 9, 30), end=D(2024, 11, 25), statuses=("occupied", "occupied_before_2022"))
    assert since_oct["measure"] == "area_change" and since_oct["start_date"] == "2024-10-01", since_oct
    assert since_oct["map_value"] == round(ref["gained_km2"], 2) and since_oct["verdict"] == OVERSTATED
    assert half["measure"] == "share_lost" and peak_["measure"] == "area_held" and peak_["aspect"] == "peak", peak_
    assert weekend["measure"] == "advance_rate" and weekend["side"] == "russia", weekend
    assert (weekend["start_date"], weekend["date"]) == ("2024-11-23", "2024-11-24")
    assert weekend["value_normalized"] == pytest.approx(2000) and weekend["verdict"] == OVERSTATED, weekend["reason"]
    occupied = {r["status"]: r["km2"] for r in area_on(store, ukr, date=D(2024, 11, 25))}["occupied"]
    assert invasion["start_date"] == "2022-02-24" and invasion["map_value"] == pytest.approx(occupied, abs=0.05)
    assert invasion["verdict"] == CONSISTENT, invasion["reason"]
    assert avdiivka["start_date"] == "2024-02-01" and avdiivka["value_normalized"] == pytest.approx(30000 / 299, rel=1e-3)


def test_settlements_held_on_the_day_and_a_half_year(store):
    """AP-style copy of 3 December 2024 (eleventh probe): "still controls around 50 settlements in
    the Kursk region" was a change with no start; it is the gazetteer places the side holds there
    on the day (a floor). "in the second half of 2024" was a share of 50%; it is 1 July on."""
    from frontwatch.analysis.measure import change
    from frontwatch.geo.regions import load_borders, resolve_region
    from frontwatch.analysis.settlements import settlements_on

    text = ("Ukraine's army still controls around 50 settlements in the Kursk region, a Ukrainian commander said. "
            "Russia's forces captured 3,000 square kilometres of Ukraine in the second half of 2024.")
    held, half = check_text(store, text, published=D(2024, 12, 3))["claims"]
    borders = load_borders(store)
    rus, ukr = resolve_region("RUS", borders), resolve_region("UKR", borders)
    places = [r["place"] for r in settlements_on(store, rus, D(2024, 12, 3), borders=borders) if r["side"] == "ukraine"]
    assert held["measure"] == "settlements" and held["map_value"] == len(places) and "Sudzha" in places, held
    assert held["verdict"] == NOT_CHECKABLE and "floor" in held["reason"], held["reason"]
    ref = change(store, ukr, start=D(2024, 6, 30), end=D(2024, 12, 3), statuses=("occupied", "occupied_before_2022"))
    assert half["measure"] == "area_change" and half["start_date"] == "2024-07-01", half
    assert half["map_value"] == round(ref["gained_km2"], 2)


def test_a_participle_clause_a_peak_after_down_from_and_a_share_since_february_2022(store):
    """Reuters-style copy of 10 December 2024 (twelfth probe): ", seizing about 3,000 square
    kilometres" takes the main clause's "this year" (it had no start: the dates were taken as
    another event's); "down from around 1,300 sq km at the height of its offensive" is the peak
    (it was set against the area on the day: overstated by 87%); "about 7% of Ukraine's territory
    since February 2022" is the occupied status on the day (no map of February 2022)."""
    from frontwatch.analysis.measure import area_on, change
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("Russian forces have captured more territory in Ukraine this year than in any year since 2022, seizing "
            "about 3,000 square kilometres, according to open-source maps. "
            "Ukraine has so far kept hold of roughly 600 sq km of Russia's Kursk region, down from around 1,300 sq km "
            "at the height of its offensive. "
            "Russia has taken about 7% of Ukraine's territory since February 2022.")
    year, now, height, share = check_text(store, text, published=D(2024, 12, 10))["claims"]
    ukr = resolve_region("UKR", load_borders(store))
    ref = change(store, ukr, start=D(2024, 1, 1), end=D(2024, 12, 10), statuses=("occupied", "occupied_before_2022"))
    assert year["start_date"] == "2024-01-01" and year["map_value"] == round(ref["gained_km2"], 2), year
    assert year["verdict"] == CONSISTENT, year["reason"]
    assert now["aspect"] == "current" and height["aspect"] == "peak" and height["verdict"] == CONSISTENT, height
    occupied = {r["status"]: r["km2"] for r in area_on(store, ukr, date=D(2024, 12, 10))}["occupied"]
    assert share["measure"] == "share_gained" and share["verdict"] == UNDERSTATED, share["reason"]
    assert share["map_value"] == pytest.approx(100 * occupied / share_total(share), abs=0.01)



def test_regained_since_the_war_a_month_to_the_next_days_map_and_no_town_carried_to_an_area(store):
    """Reuters-style copy of 2 December 2022 and 20 May 2024 (thirteenth probe): "has regained
    control of more than 40,000 square kilometres ... since the start of the war" is ground Ukraine
    retook since the invasion, the ukraine_held status in UKR on the day (it was an area held with
    no place); "the west bank of the Dnipro" is the river, not a place carried to the next
    sentence; "In November, ... took back about 4,500 sq km" ends with the map of 1 December (the
    archive has monthly maps of the 1st: it had no map for 30 November)."""
    from frontwatch.analysis.measure import area_on, change
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("Ukraine has regained control of more than 40,000 square kilometres of territory since the start of the "
            "war, President Volodymyr Zelenskiy said. "
            "Russian troops completed their withdrawal from the west bank of the Dnipro last month. "
            "In November, Ukrainian forces took back about 4,500 sq km, according to DeepState.")
    regained, november = check_text(store, text, published=D(2022, 12, 2))["claims"]
    ukr = resolve_region("UKR", load_borders(store))
    held = {r["status"]: r["km2"] for r in area_on(store, ukr, date=D(2022, 12, 2))}["ukraine_held"]
    assert regained["measure"] == "area_change" and regained["side"] == "ukraine", regained
    assert regained["start_date"] == "2022-02-24" and regained["map_value"] == pytest.approx(held, abs=0.05)
    assert regained["verdict"] == CONSISTENT and "ukraine_held" in regained["reason"], regained["reason"]
    assert november["place"] in (None, "UKR") and november["date"] == "2022-11-30", november  # not the Dnipro
    ref = change(store, ukr, start=D(2022, 11, 1), end=D(2022, 12, 1), side="ukraine", borders=load_borders(store))
    assert (ref["from_date"], ref["to_date"]) == ("2022-11-01", "2022-12-01")
    assert november["map_value"] == round(ref["gained_km2"], 2) and november["verdict"] == CONSISTENT, november["reason"]
    assert "2022-11-01..2022-11-30" in november["reason"] and "maps 2022-11-01..2022-12-01" in november["reason"]

    # A river is not a place ("the Dnipro", "the Dnipro River"); the city is ("from Dnipro").
    places = [c.place for c in extract_claims(
        "Russian forces advanced 2 km on the east bank of the Dnipro River in a week. Ukrainian marines advanced "
        "1 km across the Dnipro in a week. A missile fell 3 km from Dnipro.", published=D(2024, 5, 20))]
    assert places == [None, None, "Dnipro"], places



def test_the_grey_zone_is_the_contested_status_of_the_place_or_of_the_whole_map(store):
    """"The grey zone ... covers around 1,000 square kilometres" was an area held with no side (not
    checkable); it is the contested area of the whole map on the day, and "In the Kursk region,
    the gray zone stretches over some 200 sq km" that of RUS. The sentence after "sq km." is a
    sentence of its own (it was glued to this one, and its 500 km2 held by Ukraine read as grey zone)."""
    from frontwatch.analysis.measure import area_on
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("The grey zone between the two armies now covers around 1,000 square kilometres, according to DeepState. "
            "In the Kursk region, the gray zone stretches over some 200 sq km. Ukraine holds about 500 square "
            "kilometres of Russia's Kursk region.")
    whole, kursk, held = check_text(store, text, published=D(2024, 11, 24))["claims"]
    borders = load_borders(store)
    for rec, spec in ((whole, "ALL"), (kursk, "RUS")):
        (ref,) = area_on(store, resolve_region(spec, borders), ("contested",), D(2024, 11, 24))
        assert rec["measure"] == "grey_zone" and rec["region"] == spec, rec
        assert rec["map_value"] == round(ref["km2"], 1) and rec["verdict"] == CONSISTENT, rec["reason"]
    assert held["measure"] == "area_held" and held["side"] == "ukraine", held


def test_a_place_outside_the_maps_is_one_claim_not_checkable_not_a_failed_report(store):
    """AP-style copy of 2 October 2024: "an area about the size of Los Angeles" made Los Angeles
    the place of the next claim, whose 15 km circle lies outside the theatre: the whole check
    failed with that error. A size comparison is not a place, and a place the maps cannot be cut
    to makes only its own claim not checkable."""
    text = ("Since the start of September, Russia has captured roughly 1,300 square kilometers, an area about the "
            "size of Los Angeles. Russian troops advanced 2 km in a week near Los Angeles. Russian troops are "
            "3 km from Los Angeles.")
    captured, far, distance = check_text(store, text, published=D(2024, 10, 2))["claims"]
    assert captured["place"] in (None, "UKR") and captured["region"] == "UKR", captured
    for rec in (far, distance):
        assert rec["place"] == "Los Angeles" and rec["verdict"] == NOT_CHECKABLE and "theatre" in rec["reason"], rec

def test_a_settlement_in_a_named_region_is_looked_for_there(store):
    """Reuters, 9 December 2024: "the village of Pushkine in the Kursk region ... pushed Ukrainian
    units back by up to 2 km" was measured around Pushkino in Crimea (the gazetteer's only match),
    731 km away. A settlement "in the X region" is looked for within 250 km of X: Pushkine is not
    in the gazetteer there, which the reason says; Kupiansk "in the Kharkiv region" and Pokrovsk
    "in the Donetsk region" are the towns the name alone gives, measured under their names."""
    text = ("Russia's defence ministry said on Monday its forces had taken control of the village of Pushkine in "
            "the Kursk region and had pushed Ukrainian units back by up to 2 km over the past three days. "
            "Russian forces have advanced up to 2 km near the town of Pokrovsk in the Donetsk region over the past "
            "week, Ukraine's General Staff said. Russian troops are 3 km from Kupiansk, in the Kharkiv region.")
    pushkine, pokrovsk, kupiansk = check_text(store, text, published=D(2024, 12, 9))["claims"]
    assert pushkine["place"] == "Pushkine" and pushkine["place_within"] == "Kursk", pushkine
    assert pushkine["verdict"] == NOT_CHECKABLE, pushkine
    assert "within 250 km of Kursk" in pushkine["reason"] and "Pushkino (UA, 45.20N 34.98E), 731 km away" in pushkine["reason"]
    assert pokrovsk["place_within"] == "Donetsk" and pokrovsk["region"] == "Pokrovsk:15km", pokrovsk
    assert pokrovsk["verdict"] not in (NOT_CHECKABLE, NO_DATA), pokrovsk
    assert kupiansk["place_within"] == "Kharkiv" and kupiansk["measure"] == "distance", kupiansk
    assert kupiansk["verdict"] not in (NOT_CHECKABLE, NO_DATA), kupiansk


def test_a_share_of_a_town_is_the_side_share_of_the_disc_standing_for_it(store):
    """"Russian forces now control about 80% of Toretsk" (December 2024) was not checkable (a share
    held was of Ukraine only). A share of a settlement is the share of the disc around its
    gazetteer point, sized from its population, that the side holds on the day; recomputed here
    independently: the circle in an azimuthal equidistant plane (pyproj), the layers cut to it
    and measured in GeoPandas' equal-area projection."""
    import geopandas as gpd
    import shapely
    from pyproj import CRS, Transformer

    from frontwatch.analysis.measure import snapshot_on
    from frontwatch.geo.places import resolve_place

    text = ("Russian forces now control about 80% of Toretsk, Ukrainian officials said. Ukraine's military said "
            "Russian troops had captured roughly 70% of the town of Kurakhove. Ukraine still holds about 40% "
            "of Vovchansk, the regional governor said.")
    toretsk, kurakhove, vovchansk = check_text(store, text, published=D(2024, 12, 12))["claims"]
    layers = store.layers(snapshot_on(store, D(2024, 12, 12)).id)
    for rec, name, side in ((toretsk, "Toretsk", "russia"), (kurakhove, "Kurakhove", "russia"),
                            (vovchansk, "Vovchansk", "ukraine")):
        assert rec["side"] == side and rec["verdict"] in VERDICTS and rec["verdict"] != NOT_CHECKABLE, rec
        assert "disc of radius" in rec["region_note"] and rec["tolerance"] == 15.0, rec
        town = resolve_place(name)
        radius_m = 1000 * (town.population / (3.141592653589793 * 2000.0)) ** 0.5
        aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={town.lat} +lon_0={town.lon} +datum=WGS84 +units=m")
        back = Transformer.from_crs(aeqd, 4326, always_xy=True)
        disc = shapely.transform(shapely.Point(0, 0).buffer(radius_m, 256), lambda xy: list(zip(*back.transform(*xy.T))))
        russia = shapely.union_all([layers[s] for s in ("occupied", "occupied_before_2022") if s in layers])
        grey = layers.get("contested", shapely.Polygon())
        frame = gpd.GeoSeries([disc, russia.intersection(disc), grey.intersection(disc)], crs=4326).to_crs(
            f"+proj=laea +lat_0={town.lat} +lon_0={town.lon} +datum=WGS84 +units=m")
        total, ru, gz = frame.area
        if side == "russia":
            strict, generous = 100 * ru / total, 100 * (ru + gz) / total
        else:  # the rest of the (Ukrainian, all-land) disc
            strict, generous = 100 * (total - ru - gz) / total, 100 * (total - ru) / total
        assert rec["map_value"] == pytest.approx(strict, abs=0.3), (rec, strict)
        assert rec["map_value_with_contested"] == pytest.approx(generous, abs=0.3), (rec, generous)
    assert toretsk["verdict"] == OVERSTATED and kurakhove["verdict"] == CONSISTENT, (toretsk, kurakhove)


def test_a_state_claim_between_two_monthly_maps_takes_their_common_verdict(store):
    """The archive is monthly until May 2024: "Russia now occupies about 17% of Ukraine" on 15
    March 2023 had "no map data". Each of the maps either side of the day (1 March, 1 April) is
    checked; the same verdict from both is the claim's, with both figures in ``bracket``; different
    verdicts give none. A change over days inside one month still has no map."""
    text = "Russia now occupies about 17% of Ukraine's territory, officials said."
    (rec,) = check_text(store, text, published=D(2023, 3, 15))["claims"]
    assert rec["verdict"] == CONSISTENT and rec["date"] == "2023-03-15", rec
    assert [b["date"] for b in rec["bracket"]] == ["2023-03-01", "2023-04-01"], rec
    for b in rec["bracket"]:
        (one,) = check_text(store, text, published=dt.date.fromisoformat(b["date"]))["claims"]
        assert one["verdict"] == CONSISTENT and one["map_value"] == b["map_value"], one
    assert "2023-03-01 and 2023-04-01, are both consistent" in rec["reason"], rec
    # 25% is within 5 pp of the 1 September 2022 map (20.7%) but not of 1 October's (18.9%).
    (split,) = check_text(store, "Russia now occupies about 25% of Ukraine.", published=D(2022, 9, 13))["claims"]
    assert split["verdict"] == NO_DATA and "disagree (2022-09-01: consistent, 2022-10-01: overstated)" in split["reason"], split
    (gain,) = check_text(store, "Ukraine has retaken more than 8,000 square kilometres since the start of its "
                                "counteroffensive on September 6.", published=D(2022, 9, 13))["claims"]
    assert gain["start_date"] == "2022-09-06" and gain["verdict"] == NO_DATA, gain


def test_a_direction_is_the_band_from_the_town_circle_to_a_50_km_one(store):
    """ISW's "about 600 square kilometres in the Pokrovsk direction in the past month" was measured
    in a 15 km circle around Pokrovsk (87 km2: overstated by 586%). A direction (axis, sector) is
    the front named after a town, with no fixed extent: an area gained there is set against the
    band from the 15 km circle to a 50 km one. A pace there is still the town's."""
    from frontwatch.analysis.measure import change
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("On the Kurakhove axis, Russian troops have captured about 150 square kilometres in the past month. "
            "Russian forces have made confirmed advances of about 600 square kilometres in the Pokrovsk direction "
            "in the past month, the ISW said. Russian forces advanced up to 3 km in the Pokrovsk direction over the "
            "past week.")
    kurakhove, pokrovsk, pace = check_text(store, text, published=D(2024, 11, 25))["claims"]
    borders = load_borders(store)
    for rec, town in ((kurakhove, "Kurakhove"), (pokrovsk, "Pokrovsk")):
        assert rec["place"] == f"{town} direction" and rec["measure"] == "area_change", rec
        # "the past month" to 25 November: 25 October to 24 November, from the map of the 24th
        near, wide = (change(store, resolve_region(f"{town}:{km}km"), start=D(2024, 10, 24), end=D(2024, 11, 24),
                             side="russia", borders=borders)["gained_km2"] for km in (15, 50))
        assert near < wide and rec["map_value"] == pytest.approx(near, abs=0.01), (rec, near)
        assert rec["map_value_wide"] == pytest.approx(wide, abs=0.01) and "50 km circle" in rec["region_note"], (rec, wide)
        claimed = rec["value_normalized"]
        expected = (UNDERSTATED if claimed < near * (1 - AREA_TOLERANCE) else OVERSTATED if claimed > wide * (1 + AREA_TOLERANCE)
                    else CONSISTENT)
        assert rec["verdict"] == expected, rec
    assert pace["measure"] == "advance_rate" and pace["region"] == "Pokrovsk:15km", pace
    assert "in the Pokrovsk direction" in pace["reason"], pace


def test_holding_or_retaking_a_share_of_what_the_other_side_took_is_its_share_lost(store):
    """"Russia now holds about 45% of the Kursk territory Ukraine took in August" and "By
    mid-November, Russia had retaken about 40% of the territory" were not checkable (a share held
    or gained by Russia in Russia): both are the share of Ukraine's peak in Kursk it lost, the
    second by 20 November. "Ukraine has regained 54% of the territory Russia seized since February
    24" needs Russia's peak of March 2022, before the archive's first map: no data, said so."""
    from frontwatch.analysis.measure import peak
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("The Kursk incursion began in August. Russia now holds about 45% of the Kursk territory Ukraine took in "
            "August, Kyiv's commander said. By mid-November, Russia had retaken about 40% of the territory, "
            "according to a Ukrainian source.")
    holds, retaken = check_text(store, text, published=D(2024, 11, 28))["claims"]
    rus = resolve_region("RUS", load_borders(store))
    for rec, day in ((holds, D(2024, 11, 28)), (retaken, D(2024, 11, 20))):
        assert rec["measure"] == "share_lost" and rec["side"] == "ukraine" and rec["date"] == day.isoformat(), rec
        expected = peak(store, rus, ("ukraine_held",), until=day)["share_lost_pct"]
        assert rec["map_value"] == pytest.approx(expected, abs=0.01) and rec["verdict"] == CONSISTENT, (rec, expected)
    (regained,) = check_text(store, "Ukraine has regained 54% of the territory Russia seized since February 24.",
                             published=D(2022, 11, 12))["claims"]
    assert regained["measure"] == "share_lost" and regained["side"] == "russia", regained
    assert regained["verdict"] == NO_DATA and "the peak may lie before it" in regained["reason"], regained


def test_a_depth_into_the_other_country_is_the_farthest_point_of_the_side_ground_there(store):
    """"Ukrainian forces have pushed up to 35 km into Russia" (20 August 2024) was an advance rate
    over all of RUS, not checkable. A depth is how far the side's ground reaches into the other
    country: recomputed here in UTM zone 36N with GeoPandas, the reported deepest point is that
    far from Ukraine and no vertex of Ukraine's ground in Russia is farther. Russia's depth is
    measured near the town named ("8 km into Ukraine near Vovchansk"), not across its whole holding."""
    import geopandas as gpd
    import shapely

    from frontwatch.analysis.measure import snapshot_on
    from frontwatch.geo.regions import load_borders

    text = ("Ukrainian forces have pushed up to 35 km into Russia since the incursion began, Ukraine's commander "
            "said. Russian forces have pushed up to 8 km into Ukraine near Vovchansk since May. Russian troops are "
            "300 km deep into Ukraine.")
    ukr, rus, vague = check_text(store, text, published=D(2024, 8, 20))["claims"]
    assert ukr["measure"] == "depth" and ukr["side"] == "ukraine" and ukr["verdict"] == CONSISTENT, ukr
    assert 0 < ukr["map_value"] < ukr["map_value_with_contested"], ukr
    borders = load_borders(store)
    layers = store.layers(snapshot_on(store, D(2024, 8, 20)).id)
    held = shapely.intersection(layers["ukraine_held"], borders["RUS"])
    lat, lon = (float(x) for x in re.search(r"deepest point ([\d.]+), ([\d.]+)", ukr["reason"]).groups())
    frame = gpd.GeoSeries([shapely.Point(lon, lat), shapely.clip_by_rect(borders["UKR"], 30, 48, 40, 54),
                           shapely.MultiPoint(shapely.get_coordinates(held))], crs=4326).to_crs(32636)
    deepest, home, vertices = frame
    assert deepest.distance(home) / 1000 == pytest.approx(ukr["map_value"], rel=0.01), ukr
    farthest = max(shapely.distance(shapely.get_parts(vertices), home)) / 1000
    assert farthest <= ukr["map_value"] * 1.01, (farthest, ukr)
    assert rus["measure"] == "depth" and rus["place"] == "Vovchansk" and rus["region"] == "Vovchansk:50km", rus
    assert rus["verdict"] in VERDICTS and rus["verdict"] != NOT_CHECKABLE, rus
    assert vague["verdict"] == NOT_CHECKABLE and "near a town" in vague["reason"], vague


def share_total(rec) -> float:
    """The land area a share-gained check divided by, read back from its reason."""
    return float(re.search(r"of ([\d,]+) km2", rec["reason"]).group(1).replace(",", ""))


def test_named_periods_peaks_after_the_figure_and_distances_from_the_front(store):
    """Wire copy of 2 December 2024 (eighth probe): "between Nov. 1 and Nov. 20" is the map of 20 November against
    that of 31 October; "in 2024" has no map of 31 December 2023 (the archive is monthly then), so
    it runs from the map of 1 January; "the 1,300 square kilometers they once controlled" is a peak
    and "less than half of" it a share of that peak; "Kupiansk is 2.5 miles from the front line"
    is measured from Kupiansk, held by Ukraine, to the nearest Russian-held ground."""
    from frontwatch.analysis.front import side_distance_km
    from frontwatch.analysis.measure import change, peak, snapshot_on
    from frontwatch.geo.places import resolve_place
    from frontwatch.geo.regions import load_borders, resolve_region

    text = ("Between Nov. 1 and Nov. 20, Russian forces captured 370 square km in Ukraine, the group said. "
            "Russia's gains in 2024 amount to roughly 4,000 square kilometres. "
            "Ukraine's forces in Kursk now hold less than half of the 1,300 square kilometers they once controlled. "
            "The city of Kupiansk is 2.5 miles from the front line. "
            "Russian forces have captured 235 km² in the past week, DeepState said. "
            "Russia's defence ministry said its forces had liberated 27 settlements in November. "
            "Russian forces have seized about 0.6 percent of Ukraine's territory since January.")
    ranged, year, share, area, dist, week, villages, part = check_text(store, text, published=D(2024, 12, 2))["claims"]
    borders = load_borders(store)
    ukr = resolve_region("UKR", borders)
    russia = ("occupied", "occupied_before_2022")
    ref = change(store, ukr, start=D(2024, 10, 31), end=D(2024, 11, 20), statuses=russia)
    assert ranged["evidence_dates"] == ["2024-10-31", "2024-11-20"], ranged
    assert ranged["map_value"] == round(ref["gained_km2"], 2) and ranged["verdict"] == CONSISTENT, ranged["reason"]
    ref = change(store, ukr, start=D(2024, 1, 1), end=D(2024, 12, 2), statuses=russia)
    assert year["evidence_dates"] == ["2024-01-01", "2024-12-02"], year
    assert year["map_value"] == round(ref["gained_km2"], 2) and year["verdict"] == OVERSTATED, year["reason"]
    kursk = resolve_region("RUS", borders)
    ref = peak(store, kursk, ("ukraine_held",), until=D(2024, 12, 2))
    ref_c = peak(store, kursk, ("ukraine_held", "contested"), until=D(2024, 12, 2))
    assert share["measure"] == "share_held" and share["map_value"] == round(100 - ref["share_lost_pct"], 2)
    assert share["verdict"] == UNDERSTATED, share["reason"]  # about 60% still held
    assert area["aspect"] == "peak" and area["map_value"] == pytest.approx(ref["peak_km2"], abs=0.05), area
    assert area["map_value_with_contested"] == pytest.approx(ref_c["peak_km2"], abs=0.05)
    assert area["verdict"] == CONSISTENT, area["reason"]
    town = resolve_place("Kupiansk")
    layers = store.layers(snapshot_on(store, D(2024, 12, 2)).id)
    assert side_distance_km(layers, "ukraine", borders, town.lon, town.lat) == 0
    assert dist["map_value"] == round(side_distance_km(layers, "russia", borders, town.lon, town.lat), 2)
    assert "held by ukraine" in dist["reason"] and dist["verdict"] == CONSISTENT, dist["reason"]
    # A gain with no place of its own (Kupiansk is the previous sentence's) is measured where the
    # side captures ground (it was measured around Kupiansk; with no place at all, not checkable).
    # "the past week" to 2 December: 25 November to 1 December, from the map of the 24th
    ref = change(store, ukr, start=D(2024, 11, 24), end=D(2024, 12, 1), statuses=russia)
    assert week["place"] == "UKR" and week["place_inferred"] and week["region"] == "UKR", week
    assert week["map_value"] == round(ref["gained_km2"], 2), week["reason"]
    # So are settlements: the gazetteer places that changed hands in UKR in November 2024.
    from frontwatch.analysis.settlements import settlement_changes

    taken = {r["place"] for r in settlement_changes(store, ukr, start=D(2024, 10, 31), end=D(2024, 11, 30),
                                                     borders=borders) if r["new_side"] == "russia"}
    assert villages["region"] == "UKR" and villages["evidence_dates"] == ["2024-10-31", "2024-11-30"], villages
    assert 1 <= villages["map_value"] <= len(taken) and all(p in villages["reason"] for p in taken), villages["reason"]
    assert villages["verdict"] == NOT_CHECKABLE  # 27 is above the gazetteer's floor
    # A share gained (it was "not judged"): the gain in UKR as a share of UKR's land, since 1 January.
    from frontwatch.geo.geodesy import area_km2

    ref = change(store, ukr, start=D(2024, 1, 1), end=D(2024, 12, 2), statuses=russia)
    assert part["measure"] == "share_gained" and part["evidence_dates"] == ["2024-01-01", "2024-12-02"], part
    assert part["map_value"] == round(100 * ref["gained_km2"] / area_km2(ukr.geometry), 3), part["reason"]
    assert part["verdict"] == OVERSTATED, part["reason"]  # 0.50%: 0.6% of the land is 20% more ground


def test_a_gain_after_a_sentence_on_kursk_is_measured_where_the_side_can_gain(store):
    """After "Ukraine still holds about 550 sq km of the Kursk region.": "Russian forces have
    captured about 1,100 square kilometres since the start of October" carried Kursk and was
    measured in RUS (2 km2, overstated by 50521%): Russia captures ground in UKR. "Russian forces
    recaptured about 350 square kilometres since early September" stays in RUS, measured as the
    side's ground (its statuses plus unmapped Russian land), not its statuses alone (2 km2)."""
    lead = "KYIV, Dec 1, 2024 - Ukraine still holds about 550 sq km of the Kursk region, officials said. "
    # (Russia's side over all of RUS is not recomputed here: it is the slow part, and the
    # statuses alone, the old figure, are 2 km2.)
    (_, captured) = check_claims(store, extract_claims(
        lead + "Russian forces have captured about 1,100 square kilometres since the start of October."))
    (_, retaken) = check_claims(store, extract_claims(
        lead + "Russian forces recaptured about 350 square kilometres since early September, the commander said."))
    assert captured["region"] == "UKR" and "from an earlier one" in captured["region_note"], captured
    # (the figure is measure.change's: test_a_change_in_a_named_month_runs_from_the_last_map_before_it)
    assert 1000 < captured["map_value"] < 1400 and captured["verdict"] == CONSISTENT, captured
    assert captured["evidence_dates"] == ["2024-09-30", "2024-12-01"], captured
    assert retaken["region"] == "RUS" and 300 < retaken["map_value"] < 1000, retaken
    assert retaken["evidence_dates"] == ["2024-08-31", "2024-12-01"] and retaken["statuses"] == "russia", retaken
    assert captured["statuses"] == "occupied,occupied_before_2022", captured


def test_distance_km_is_geodesic_and_zero_inside(store):
    """measure.distance_km against pyproj's geodesic distances to the layer's vertices near
    Pokrovsk: the nearest point may lie between two vertices, so it is at most the nearest
    vertex's distance and close to it. A side's ground includes its country's unmapped land:
    Kharkiv is nearer Russian-held ground (the Russian border) than any occupied layer."""
    import numpy as np
    import shapely
    from pyproj import Geod

    from frontwatch.analysis.front import side_distance_km
    from frontwatch.analysis.measure import distance_km, snapshot_on
    from frontwatch.geo.places import resolve_place
    from frontwatch.geo.regions import load_borders

    layers = store.layers(snapshot_on(store, D(2024, 11, 25)).id)
    pok = resolve_place("Pokrovsk, UA")
    d = distance_km(layers["occupied"], pok.lon, pok.lat)
    xy = shapely.get_coordinates(shapely.clip_by_rect(layers["occupied"], pok.lon - 1, pok.lat - 1, pok.lon + 1, pok.lat + 1))
    _, _, metres = Geod(ellps="WGS84").inv(np.full(len(xy), pok.lon), np.full(len(xy), pok.lat), xy[:, 0], xy[:, 1])
    nearest_vertex = metres.min() / 1000
    assert d <= nearest_vertex + 1e-6 and d > nearest_vertex - 0.5, (d, nearest_vertex)
    borders = load_borders(store)
    donetsk = resolve_place("Donetsk, UA")
    assert side_distance_km(layers, "russia", borders, donetsk.lon, donetsk.lat) == 0.0
    kharkiv = resolve_place("Kharkiv")
    to_side = side_distance_km(layers, "russia", borders, kharkiv.lon, kharkiv.lat)
    to_layers = distance_km(shapely.union_all([layers["occupied"], layers["occupied_before_2022"]]), kharkiv.lon, kharkiv.lat)
    to_border = distance_km(borders["RUS"], kharkiv.lon, kharkiv.lat)
    assert to_side == pytest.approx(min(to_layers, to_border), abs=0.01) and 20 < to_side < 45, (to_side, to_layers, to_border)
    # Ukrainian-held ground near Donetsk is across the front, tens of km away (not the 2022 layers).
    assert 10 < side_distance_km(layers, "ukraine", borders, donetsk.lon, donetsk.lat) < 60
    assert distance_km(shapely.Polygon(), pok.lon, pok.lat) is None


# ------------------------------------------------------------------ ledger

def _empty_store(tmp_path):
    from frontwatch.store import Store

    return Store(tmp_path / "ledger.duckdb")


def test_ledger_rechecking_a_report_replaces_its_rows(tmp_path, article_file):
    """A fresh store (no snapshots): area claims get 'no map data', troops are recorded."""
    from frontwatch.claims.ledger import check_report, list_claims

    text = article_file.read_text(encoding="utf-8")
    with _empty_store(tmp_path) as st:
        first = check_report(st, text, str(article_file))
        again = check_report(st, text, str(article_file))
        assert first["saved"] == again["saved"] == len(list_claims(st)) > 0
        verdicts = {r["measure"]: r["verdict"] for r in list_claims(st)}
        assert verdicts["troops"] == NOT_CHECKABLE and verdicts["area_held"] == NO_DATA


def test_ledger_keeps_different_reports_side_by_side_and_filters_by_about(tmp_path):
    from frontwatch.claims.ledger import check_report, list_claims

    a = "Russia has deployed about 50,000 soldiers in the Kursk region, officials said on Monday."
    b = "Some 45,000 Russian troops are now fighting in Kursk, the general staff said."
    c = "Russian forces advanced 2 km near Pokrovsk last week, analysts said."
    with _empty_store(tmp_path) as st:
        for text in (a, b, c):
            check_report(st, text, None, published=D(2024, 11, 20))
        rows = list_claims(st, about="soldiers in Kursk")
        assert len(rows) == 2, rows
        assert all(r["place"] == "Kursk oblast" and r["measure"] == "troops" for r in rows)
        assert len({r["report_hash"] for r in rows}) == 2
        assert list_claims(st, measure="troops", place="kursk") and not list_claims(st, about="villages in Crimea")


def test_ledger_write_is_one_transaction(tmp_path):
    """A failing insert (duplicate id) leaves the earlier rows of the report untouched."""
    from frontwatch.claims.ledger import check_report, list_claims

    text = "Russia has deployed about 50,000 soldiers in the Kursk region, officials said on Monday."
    with _empty_store(tmp_path) as st:
        check_report(st, text, "report.txt", published=D(2024, 11, 20))
        before = list_claims(st)
        row = {"id": "dup", "report": "report.txt", "report_hash": "x", "measure": "troops", "record": "{}"}
        with pytest.raises(Exception):
            st.replace_claims("report.txt", "x", [row, row])
        assert list_claims(st) == before
