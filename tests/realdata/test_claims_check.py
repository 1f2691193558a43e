"""Checking claims against the maps (frontwatch.claims.check, frontwatch.claims.verdicts), and the
claims ledger.

The checker is tested on claims built directly (``claim(...)``: a Claim as the extractor would
give it), so these tests do not depend on how text is read; the seed article
(../shared/data/articles/kursk-2024-11-24.txt, fixture ``article_file``) is checked end to end.
Real-data tests use the session store of ../shared/data/deepstate/history + ../shared/data/borders
(fixture ``store``); expected map figures are computed here through frontwatch.analysis, never
typed in.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from frontwatch.claims.check import (
    AGREEING, CONSISTENT, CONSISTENT_GREY, JUDGED, NO_DATA, NOT_CHECKABLE, OVERSTATED, ROUGHLY, UNDERSTATED,
    VERDICTS, ClaimChecker, check_claim, check_claims, check_text, checks_to_markdown, claim_from_record,
    place_region)
from frontwatch.claims.verdicts import AREA, RATE, SHARE, claim_kind, judge

D = dt.date
RUSSIA = ("occupied", "occupied_before_2022")


def claim(measure, value=None, unit="km2", *, low=None, high=None, side=None, place=None, date=None, start=None,
          qualifier=None, direction=None, aspect=None, period_days=None, sentence="", **more):
    """A claim as the extractor gives it (normalised value and unit), from keywords."""
    return claim_from_record({
        "id": "t", "value": value, "low": low, "high": high, "unit": unit, "value_normalized": value,
        "low_normalized": low, "high_normalized": high, "unit_normalized": unit, "measure": measure,
        "direction": direction, "aspect": aspect, "side": side, "place": place, "date": date, "start_date": start,
        "qualifier": qualifier, "period_days": period_days, "sentence": sentence, **more})


# ------------------------------------------------------------------ the comparison (no store)

def test_a_point_within_tolerance_of_the_map_figure_is_consistent():
    j = judge(1100, 1100, "about", AREA, 1000, unit="km2")
    assert j.verdict == CONSISTENT and j.deviation == pytest.approx(0.10)


def test_a_point_that_holds_only_with_the_grey_zone_says_so_in_the_verdict():
    j = judge(1375, 1375, "about", AREA, 901, grey=1246, unit="km2")
    assert j.verdict == CONSISTENT_GREY and "with grey zone" in j.text


def test_a_point_past_the_strict_figure_within_the_grey_one_is_consistent_with_grey_zone():
    """1,000 against 800 strict and 1,200 with the grey zone."""
    assert judge(1000, 1000, None, AREA, 800, grey=1200).verdict == CONSISTENT_GREY


def test_a_point_beyond_every_figure_is_overstated_by_its_distance_from_the_nearest():
    j = judge(1500, 1500, "about", AREA, 900, grey=1200)
    assert j.verdict == OVERSTATED and j.deviation == pytest.approx(0.25)
    assert judge(500, 500, None, AREA, 900, grey=1200).verdict == UNDERSTATED


def test_shares_are_compared_in_percentage_points():
    assert judge(40, 40, None, SHARE, 36).verdict == CONSISTENT
    j = judge(50, 50, None, SHARE, 36)
    assert j.verdict == OVERSTATED and j.deviation == pytest.approx(14.0)


def test_a_lower_bound_missed_within_tolerance_is_only_roughly_consistent():
    """"over 40%" against 38.4% (the seed article): not a bare "consistent"."""
    assert judge(40, 40, "over", SHARE, 60).verdict == CONSISTENT
    j = judge(40, 40, "over", SHARE, 38.4, grey=39.1, unit="percent")
    assert j.verdict == ROUGHLY and "not met" in j.text and "1.6 pp" in j.text
    assert judge(40, 40, "more than", SHARE, 20).verdict == OVERSTATED


def test_an_upper_bound_is_met_by_a_smaller_map_figure():
    assert judge(300, 300, "less than", RATE, 100).verdict == CONSISTENT
    assert judge(300, 300, "at most", RATE, 340).verdict == ROUGHLY
    assert judge(300, 300, "at most", RATE, 900).verdict == UNDERSTATED


def test_up_to_is_a_top_that_is_reached_not_a_ceiling():
    """"advancing at a pace of up to 1.5 miles a day" (2,414 m/day) against a band of 124 m/day
    (mean) to 395 m/day (largest local shift) is six times the map's top."""
    assert claim_kind("up to", 2414, 2414) == "point"
    assert judge(2414, 2414, "up to", RATE, 124, band=(124, 395)).verdict == OVERSTATED
    assert judge(300, 300, "up to", RATE, 124, band=(124, 395)).verdict == CONSISTENT


def test_a_range_met_by_the_band_is_consistent():
    assert judge(200, 300, None, RATE, 250).verdict == CONSISTENT


def test_a_range_that_misses_the_band_is_judged_by_its_distance_from_it():
    """Within tolerance: roughly consistent; beyond it: overstated or understated."""
    assert judge(200, 300, None, RATE, 163, band=(163, 185)).verdict == ROUGHLY   # 200 is 8% over 185
    assert judge(200, 300, None, RATE, 150).verdict == OVERSTATED                 # 33% over
    assert judge(200, 300, None, RATE, 400).verdict == UNDERSTATED


def test_a_verdicts_words_come_from_the_same_comparison_as_the_verdict():
    """Every verdict's text says agreement exactly when the verdict agrees."""
    for args in [(1375, 1375, "about", AREA, 901, 1246), (40, 40, "over", SHARE, 38.4, 39.1),
                 (200, 300, None, RATE, 163, None), (5000, 5000, None, AREA, 100, 150), (10, 10, "less than", AREA, 50, None)]:
        lo, hi, q, tol, v, grey = args
        j = judge(lo, hi, q, tol, v, grey=grey)
        agrees = j.verdict in AGREEING
        assert agrees == ("beyond the" not in j.text), (args, j)


# ------------------------------------------------------------------ reading a claim (no store)

def test_a_claims_place_reads_as_the_region_it_names():
    """Countries (name or code), oblasts (Kursk's too), a union of oblasts, "Donetsk" for an area
    (the oblast), and a town as a 15 km circle round it."""
    assert place_region("Ukraine", "area_held")[0] == "UKR"
    assert place_region("RUS", "area_held")[0] == "RUS"
    assert place_region("Kursk region", "area_held")[0] == "Kursk oblast"
    assert place_region("the Kursk oblast", "share_lost")[0] == "Kursk oblast"
    assert place_region("Donetsk and Luhansk oblasts", "share_held")[0] == "Donetsk oblast+Luhansk oblast"
    assert place_region("Donetsk oblast+Luhansk oblast", "share_held")[0] == "Donetsk oblast+Luhansk oblast"
    assert place_region("Zaporizhzhia region", "area_change")[0] == "Zaporizhzhia oblast"
    assert place_region("Donetsk", "area_change")[0] == "Donetsk oblast"  # an area in "Donetsk": the oblast
    assert place_region("Kurakhove", "advance_rate")[0] == "Kurakhove:15km"


def test_a_claim_record_round_trips_with_dates_as_dates():
    c = claim("area_change", 700.0, side="russia", place="UKR", date="2024-11-30", start="2024-11-01")
    assert c.date == D(2024, 11, 30) and c.start_date == D(2024, 11, 1)
    assert claim_from_record(c.to_record()) == c


def test_a_claim_the_extractor_is_not_sure_of_gets_no_verdict(store):
    c = claim("area_change", 700.0, side="russia", place="UKR", date="2024-11-30", start="2024-11-01",
              unsure={"period": "'this autumn' has no fixed start"})
    chk = check_claim(store, c)
    assert chk.verdict == NOT_CHECKABLE and "not sure of the claim's period" in chk.reason
    assert "this autumn" in chk.reason and chk.figure is None


def test_measures_the_maps_cannot_answer_are_recorded_not_judged(store):
    chk = check_claim(store, claim("troops", 59000.0, "persons", side="russia", place="Kursk", date="2024-11-24"))
    assert chk.verdict == NOT_CHECKABLE and "troop numbers" in chk.reason


# ------------------------------------------------------------------ the seed article, end to end

@pytest.fixture(scope="module")
def article_check(store_path, article_file):
    from frontwatch.store import Store

    with Store(store_path) as st:
        return check_text(st, article_file.read_text(encoding="utf-8"))


def _by_measure(result):
    out = {}
    for c in result["claims"]:
        out.setdefault(c["measure"], []).append(c)
    return out


def test_article_each_claim_the_maps_can_measure_gets_a_verdict_on_a_map_figure(article_check):
    """../shared/data/articles/kursk-2024-11-24.txt against the session store: its area, share and
    rate claims are judged on a map figure, and every claim's verdict is one of VERDICTS."""
    by = _by_measure(article_check)
    assert len(by["area_held"]) == 2 and len(by["share_lost"]) == 1 and len(by["advance_rate"]) == 1
    for c in by["area_held"] + by["share_lost"] + by["advance_rate"]:
        assert c["verdict"] in JUDGED, c["reason"]
        assert c["map_value"] is not None and c["map_unit"] and c["tolerance"] and c["map_dates"], c
    assert all(c["verdict"] in VERDICTS for c in article_check["claims"])


def test_article_troop_claims_are_recorded_not_judged(article_check):
    """The seed article's four troop numbers are not checkable from map data."""
    by = _by_measure(article_check)
    assert len(by["troops"]) == 4 and all(c["verdict"] == NOT_CHECKABLE for c in by["troops"])


def test_article_advance_rate_verdict_agrees_with_its_reason(article_check):
    """The 656-984 ft a day near Kurakhove was headlined "overstated" while its reason said
    consistent (within the 10 km circle): one comparison now gives both, over the band of the two
    circles (the reason ends with the verdict it states)."""
    (rate,) = _by_measure(article_check)["advance_rate"]
    assert rate["reason"].endswith(f"-> {rate['verdict']}"), rate["reason"]
    assert "656-984 feet" in rate["reason"] and "200-300 m/day" in rate["reason"]
    assert "Kurakhove:15km" in rate["reason"] and "Kurakhove:10km" in rate["reason"]
    lo, hi = sorted(rate["map_band"])
    expected = judge(200, 300, None, RATE, rate["map_value"], band=(lo, hi)).verdict
    assert rate["verdict"] == expected and rate["verdict"] != OVERSTATED, rate


def test_article_over_40_percent_against_38_is_not_a_bare_consistent(article_check, store):
    from frontwatch.analysis.measure import peak
    from frontwatch.geo.regions import resolve_region

    (share,) = _by_measure(article_check)["share_lost"]
    p = peak(store, resolve_region("RUS", store.borders()), ("ukraine_held",), until=D(2024, 11, 24))
    assert share["map_value"] == pytest.approx(p["share_lost_pct"], abs=0.01)
    assert 35 < p["share_lost_pct"] < 40
    assert share["verdict"] == ROUGHLY and share["outcome"] == "roughly_consistent", share


def test_article_area_claims_that_hold_with_the_grey_zone_say_so_in_the_verdict(article_check, store):
    """Peak and current Ukrainian-held ground in RUS (Kursk oblast has no shape in the store),
    computed here through frontwatch.analysis.measure, appear in the reasons beside the claimed
    figures; both claims lie above ukraine_held alone and within tolerance of it with the grey zone."""
    from frontwatch.analysis.measure import area_on, peak
    from frontwatch.geo.regions import resolve_region

    rus = resolve_region("RUS", store.borders())
    p_strict = peak(store, rus, ("ukraine_held",), until=D(2024, 11, 24))
    p_wide = peak(store, rus, ("ukraine_held", "contested"), until=D(2024, 11, 24))
    now = {r["status"]: r["km2"] for r in area_on(store, rus, date=D(2024, 11, 24))}
    claims = {c["aspect"]: c for c in _by_measure(article_check)["area_held"]}
    at_peak, today = claims["peak"], claims["current"]
    assert at_peak["map_value"] == pytest.approx(p_strict["peak_km2"], abs=0.1)
    assert at_peak["map_value_with_contested"] == pytest.approx(p_wide["peak_km2"], abs=0.1)
    assert today["map_value"] == pytest.approx(now["ukraine_held"], abs=0.1)
    assert today["map_value_with_contested"] == pytest.approx(now["ukraine_held"] + now["contested"], abs=0.1)
    assert "531 square miles" in at_peak["reason"] and f"{p_strict['peak_km2']:,.0f} km2" in at_peak["reason"]
    assert "309 square miles" in today["reason"] and f"{now['ukraine_held']:,.0f} km2" in today["reason"]
    for c in (at_peak, today):
        assert c["verdict"] == CONSISTENT_GREY, c["reason"]
        assert "Kursk oblast ~ RUS" in c["region_note"] or c["region"] == "Kursk oblast", c


def test_article_internal_consistency_is_included(article_check):
    assert article_check["consistency"] and article_check["published"] == "2024-11-24"
    (share,) = _by_measure(article_check)["share_lost"]
    assert share["consistency"] and share["consistency"][0]["relation"] == "share_lost_vs_held_areas"


def test_markdown_table_has_one_row_per_claim(article_check):
    md = checks_to_markdown(article_check)
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Verdict" not in line]
    assert len(rows) == len(article_check["claims"])
    assert "Internal consistency" in md and "with grey zone" in md
    assert checks_to_markdown([]).startswith("_No numeric claims")


# ------------------------------------------------------------------ periods

def test_a_change_in_a_named_month_runs_from_the_last_map_before_it(store):
    """"Russia gained 700 km2 in November" (2024-11-01..30): the map of 30 November against that
    of 31 October, as `frontwatch change --from 2024-11-01 --to 2024-11-30` gives (its one rule,
    measure.period_maps); a pace in the month is the same gain over the same 30 days."""
    from frontwatch.analysis.measure import change
    from frontwatch.geo.regions import resolve_region

    total, rate = (check_claim(store, claim("area_change", v, u, side="russia", direction="gained", place="UKR",
                                            start="2024-11-01", date="2024-11-30"))
                   for v, u in ((700.0, "km2"), (24.0, "km2_per_day")))
    ref = change(store, resolve_region("UKR", store.borders()), start=D(2024, 11, 1), end=D(2024, 11, 30),
                 statuses=RUSSIA)
    assert (ref["from_date"], ref["to_date"], ref["days"]) == ("2024-10-31", "2024-11-30", 30)
    assert total.figure.dates == (D(2024, 10, 31), D(2024, 11, 30))
    assert total.figure.value == pytest.approx(ref["gained_km2"], abs=0.01) and total.verdict == CONSISTENT
    assert rate.figure.value == pytest.approx(ref["gained_km2"] / 30, abs=0.01) and rate.figure.unit == "km2_per_day"
    assert "gained by russia 2024-11-01..2024-11-30; maps 2024-10-31..2024-11-30" in total.reason


def test_a_month_of_the_monthly_archive_runs_between_the_maps_of_the_first(store):
    """The archive holds the first map of each month until May 2024: November 2023 is measured
    from the map of 1 November to that of 1 December (the nearest to its two ends)."""
    chk = check_claim(store, claim("area_change", 50.0, side="russia", place="UKR", start="2023-11-01",
                                   date="2023-11-30"))
    assert chk.figure.dates == (D(2023, 11, 1), D(2023, 12, 1)), chk.reason


def test_a_period_with_no_map_near_its_ends_has_no_verdict(store):
    """5-11 June 2023 lies between the maps of early June and 1 July: measuring it over a month
    would be a verdict on another period. The reason names the maps either side."""
    chk = check_claim(store, claim("area_change", 90.0, side="ukraine", place="UKR", start="2023-06-05",
                                   date="2023-06-11"))
    days = [s.date for s in store.snapshots()]
    before = max(d for d in days if d <= D(2023, 6, 11))
    after = min(d for d in days if d > D(2023, 6, 11))
    assert (D(2023, 6, 11) - before).days > 7 and after > D(2023, 6, 12)
    assert chk.verdict == NO_DATA and f"last before: {before}" in chk.reason and f"first after: {after}" in chk.reason


def test_a_change_with_no_period_is_not_checkable(store):
    chk = check_claim(store, claim("area_change", 576.0, side="ukraine", direction="lost", place="Kursk oblast",
                                   date="2024-11-23"))
    assert chk.verdict == NOT_CHECKABLE and "no period" in chk.reason


def test_a_claim_dated_outside_the_archive_says_which_dates_exist(store):
    chk = check_claim(store, claim("area_held", 500.0, side="ukraine", place="Kursk", date="2021-05-01"))
    first = store.snapshots()[0].date
    assert chk.verdict == NO_DATA and first.isoformat() in chk.reason


def test_a_state_claim_between_two_monthly_maps_takes_their_common_verdict(store):
    """"Russia occupies about 17% of Ukraine" on 15 March 2023: each of the maps of 1 March and
    1 April is checked; the same verdict from both is the claim's, with both figures in
    ``bracket``; different verdicts give none."""
    rec = check_claims(store, [claim("share_held", 17.0, "percent", side="russia", place="UKR", date="2023-03-15",
                                     qualifier="about")])[0]
    assert rec["verdict"] == CONSISTENT and [b["date"] for b in rec["bracket"]] == ["2023-03-01", "2023-04-01"], rec
    assert "2023-03-01 and 2023-04-01, are both consistent" in rec["reason"]
    split = check_claim(store, claim("share_held", 25.0, "percent", side="russia", place="UKR", date="2022-09-13"))
    assert split.verdict == NO_DATA and "disagree" in split.reason, split.reason


# ------------------------------------------------------------------ measures and places

def test_russias_share_of_ukraine_is_its_ground_over_ukraines_land(store):
    from frontwatch.analysis.measure import area_on
    from frontwatch.geo.geodesy import area_km2
    from frontwatch.geo.regions import resolve_region

    ukr = resolve_region("UKR", store.borders())
    held = sum(r["km2"] for r in area_on(store, ukr, RUSSIA, D(2024, 11, 30)))
    chk = check_claim(store, claim("share_held", 18.4, "percent", side="russia", place="UKR", date="2024-11-30"))
    assert chk.figure.value == pytest.approx(100 * held / area_km2(ukr.geometry), abs=0.01)
    assert chk.verdict == CONSISTENT and chk.figure.dates == (D(2024, 11, 30),)


def test_kursk_is_cut_to_kursk_oblast_or_to_russia_where_that_gives_the_same_figure(store):
    from frontwatch.geo.regions import RegionError, resolve_region

    chk = check_claim(store, claim("area_held", 560.0, side="ukraine", place="Kursk oblast", date="2024-11-22"))
    share = check_claim(store, claim("share_held", 2.0, "percent", side="ukraine", place="Kursk oblast",
                                     date="2024-11-22"))
    try:
        resolve_region("Kursk oblast", store.borders(), store=store)
        assert chk.figure.region == share.figure.region == "Kursk oblast", (chk, share)
    except RegionError:
        assert chk.figure.region == "RUS" and "Kursk oblast ~ RUS" in chk.figure.region_note, chk
        # A share of the oblast's land is not a share of Russia's.
        assert share.verdict == NOT_CHECKABLE and "needs its shape" in share.reason, share
    assert chk.verdict in JUDGED


def test_an_oblast_is_measured_on_its_shape_or_not_checkable_without_one(store):
    """"Russia controls about 66% of Donetsk oblast": the oblast's shape where the store has it
    (frontwatch.geo.regions), else no verdict, saying there is no shape (never a guess)."""
    from frontwatch.analysis.measure import area_on
    from frontwatch.geo.geodesy import area_km2
    from frontwatch.geo.regions import RegionError, resolve_region

    chk = check_claim(store, claim("share_held", 66.0, "percent", side="russia", place="Donetsk oblast",
                                   date="2024-11-24"))
    try:
        region = resolve_region("Donetsk oblast", store.borders(), store=store)
    except RegionError:
        assert chk.verdict == NOT_CHECKABLE and "no shape for Donetsk oblast" in chk.reason, chk.reason
        return
    held = sum(r["km2"] for r in area_on(store, region, RUSSIA, D(2024, 11, 24)))
    assert chk.figure.value == pytest.approx(100 * held / area_km2(region.geometry), abs=0.05), chk


def test_a_gain_with_no_place_is_measured_where_the_side_can_gain(store):
    """"Russian forces have captured about 1,100 square kilometres since the start of October",
    with no place: Russia captures ground in UKR; "recaptured" keeps it in Russia, as the side's
    ground (statuses and unmapped Russian land)."""
    captured = check_claim(store, claim("area_change", 1100.0, side="russia", direction="gained", place=None,
                                        start="2024-10-01", date="2024-12-01",
                                        sentence="Russian forces have captured about 1,100 square kilometres."))
    retaken = check_claim(store, claim("area_change", 350.0, side="russia", direction="gained", place=None,
                                       start="2024-09-01", date="2024-12-01",
                                       sentence="Russian forces recaptured about 350 square kilometres."))
    assert captured.figure.region == "UKR"
    assert 1000 < captured.figure.value < 1400 and captured.verdict == CONSISTENT, captured.reason
    assert retaken.figure.region == "RUS" and retaken.figure.statuses == "russia", retaken
    assert 300 < retaken.figure.value < 1000


def test_a_gain_whose_place_is_only_carried_from_an_earlier_sentence_is_not_checkable(store):
    """After a sentence on Kursk, "Russian forces have captured about 1,100 square kilometres"
    may be Kursk's or all Ukraine's: not checkable, and the reason names the carried place."""
    chk = check_claim(store, claim("area_change", 1100.0, side="russia", direction="gained", place="Kursk",
                                   place_inferred=True, start="2024-10-01", date="2024-12-01",
                                   sentence="Russian forces have captured about 1,100 square kilometres."))
    assert chk.verdict == NOT_CHECKABLE and "Kursk is from an earlier one" in chk.reason, chk.reason


def test_a_ukrainian_gain_with_no_place_before_the_incursion_is_measured_in_ukraine(store):
    """Ukraine held no ground in Russia before 6 August 2024: "Ukraine has reclaimed 108 square
    kilometres" in summer 2023 is measured in UKR (it was sent to RUS, 0 km2: overstated). A place
    the extractor gives on purpose (the whole country) is kept."""
    before = check_claim(store, claim("area_change", 108.0, side="ukraine", direction="gained", start="2023-06-05",
                                      date="2023-09-01", sentence="Since June 5th Ukraine has reclaimed 108 sq km."))
    given = check_claim(store, claim("area_change", 108.0, side="ukraine", direction="gained", place="UKR",
                                     place_inferred=True, start="2023-06-05", date="2023-09-01",
                                     explain={"place": "place.whole_country: no place named"},
                                     sentence="Since June 5th Ukraine has gained 108 sq km."))
    assert before.figure.region == given.figure.region == "UKR" and before.figure.value > 100, before.reason


def test_a_ukrainian_gain_with_no_place_after_the_incursion_is_not_checkable(store):
    """From 6 August 2024 Ukraine held ground in Russia too: a gain with no place and no word
    saying where may be in either, and the reason says so."""
    after = check_claim(store, claim("area_change", 100.0, side="ukraine", direction="gained", start="2024-09-01",
                                     date="2024-09-30", sentence="Ukrainian forces gained 100 sq km."))
    assert after.verdict == NOT_CHECKABLE and "in Ukraine or in Russia" in after.reason, after.reason


def test_gains_since_the_invasion_are_the_statuses_of_ground_taken_since(store):
    """"Russian forces have gained 56,000 square kilometers since the start of the full-scale
    invasion": the archive begins in April 2022, but ``occupied`` is the ground Russia took since."""
    from frontwatch.analysis.measure import area_on
    from frontwatch.geo.regions import resolve_region

    occupied = area_on(store, resolve_region("UKR", store.borders()), ("occupied",), D(2024, 11, 25))[0]["km2"]
    chk = check_claim(store, claim("area_change", 56000.0, side="russia", place="UKR", start="2022-02-24",
                                   date="2024-11-25"))
    assert chk.figure.value == pytest.approx(occupied, abs=0.05) and chk.figure.statuses == "occupied"


def test_settlement_counts_use_the_gazetteer_count_as_a_floor(store):
    """Ukraine took Guyevo and Sudzha within 15 km of Sudzha in August 2024 (the places of 500+
    inhabitants there): 2 is consistent; 40 is above the gazetteer's floor, so not checkable."""
    two, forty = (check_claim(store, claim("settlements", v, "settlements", side="ukraine", direction="gained",
                                           place="Sudzha", start="2024-08-01", date="2024-08-31"))
                  for v in (2.0, 40.0))
    assert two.verdict == CONSISTENT and two.figure.value == 2 and "Guyevo, Sudzha" in two.reason, two.reason
    assert forty.verdict == NOT_CHECKABLE and forty.figure.value == 2 and "floor" in forty.reason


def test_distances_are_from_the_place_to_the_sides_nearest_ground(store):
    """On the map of 25 November 2024 Russian-held ground is in Kurakhove and about 10 km from
    Pokrovsk; a distance from a country is not checkable."""
    from frontwatch.analysis.front import side_distance_km
    from frontwatch.analysis.measure import snapshot_on
    from frontwatch.geo.places import resolve_place

    near, within, far, country = (check_claim(store, claim("distance", v, "m", side="russia", place=p,
                                                           date="2024-11-25", qualifier=q))
                                  for v, p, q in ((3000.0, "Kurakhove", "less than"), (12000.0, "Pokrovsk", "within"),
                                                  (2000.0, "Pokrovsk", None), (50000.0, "Ukraine", None)))
    pok = resolve_place("Pokrovsk, UA")
    layers = store.layers(snapshot_on(store, D(2024, 11, 25)).id)
    d = side_distance_km(layers, "russia", store.borders(), pok.lon, pok.lat)
    assert within.figure.value == pytest.approx(d, abs=0.01) and within.verdict == CONSISTENT
    assert near.verdict == CONSISTENT and near.figure.value < 3
    assert far.verdict == UNDERSTATED and far.figure.with_grey_zone <= far.figure.value
    assert country.verdict == NOT_CHECKABLE and "country" in country.reason


def test_front_length_is_set_against_the_traced_front(store):
    from frontwatch.analysis.front import front
    from frontwatch.geo.regions import resolve_region

    over, far = (check_claim(store, claim("front_length", v, "m", place=p, date="2024-11-25", qualifier=q))
                 for v, p, q in ((1_000_000.0, None, "more than"), (3_000_000.0, "UKR", "about")))
    (rep,) = front(store, resolve_region("ALL"), date=D(2024, 11, 25), borders=store.borders())
    assert over.figure.value == far.figure.value == rep["length_km"] and over.verdict in AGREEING
    assert far.verdict == OVERSTATED and f"{rep['length_km']:,.0f} km in all" in far.reason


def test_an_advance_over_a_period_is_the_farthest_point_of_the_ground_gained(store):
    """"Ukrainian forces pushed up to 35 km into Kursk oblast" between 6 and 16 August 2024: the
    farthest point of the ground Ukraine gained from its ground before (front.advance_depth_km),
    which for a first incursion is its depth into Russia on the last map (front.depth_km)."""
    from frontwatch.analysis.front import depth_km
    from frontwatch.analysis.measure import period_maps

    chk = check_claim(store, claim("depth", 35000.0, "m", side="ukraine", direction="gained", place="Kursk oblast",
                                   start="2024-08-06", date="2024-08-16", qualifier="about"))
    _, last = period_maps(store, D(2024, 8, 6), D(2024, 8, 16))
    deep = depth_km(store.layers(last.id), "ukraine", store.borders())
    assert chk.figure.value == pytest.approx(deep["km"], rel=0.01), (chk.figure, deep)
    assert chk.verdict == OVERSTATED  # about 19 km on the maps


def test_a_share_of_a_town_is_the_side_share_of_its_disc(store):
    """"Russian forces control about 80% of Toretsk": the share of the disc standing for the town
    (its population at 2,000 per km2) that Russia holds on the day (measure.side_share)."""
    from frontwatch.analysis.measure import side_share, snapshot_on
    from frontwatch.geo.places import resolve_place
    from frontwatch.geo.regions import resolve_region

    chk = check_claim(store, claim("share_held", 80.0, "percent", side="russia", place="Toretsk", date="2024-12-12",
                                   qualifier="about"))
    town = resolve_place("Toretsk")
    radius = (town.population / (3.141592653589793 * 2000.0)) ** 0.5
    disc = resolve_region(f"{town.lat:.5f},{town.lon:.5f}:{radius:.3f}km")
    ref = side_share(store.layers(snapshot_on(store, D(2024, 12, 12)).id), "russia", store.borders(), disc.geometry)
    assert chk.figure.value == pytest.approx(ref["held_pct"], abs=0.01) and "disc of radius" in chk.figure.region_note
    assert chk.tolerance.amount == 15.0


def test_a_direction_is_the_band_from_the_town_circle_to_a_50_km_one(store):
    from frontwatch.analysis.measure import change
    from frontwatch.geo.regions import resolve_region

    chk = check_claim(store, claim("area_change", 600.0, side="russia", direction="gained",
                                   place="Pokrovsk direction", start="2024-10-26", date="2024-11-25"))
    near, wide = (change(store, resolve_region(f"Pokrovsk:{km}km"), start=D(2024, 10, 26), end=D(2024, 11, 25),
                         statuses=RUSSIA)["gained_km2"] for km in (15, 50))
    assert near < wide and chk.figure.band == pytest.approx((near, wide), abs=0.01), chk.figure
    assert "50 km circle" in chk.figure.region_note


def test_the_grey_zone_is_the_contested_status_of_the_place_or_the_whole_map(store):
    from frontwatch.analysis.measure import area_on
    from frontwatch.geo.regions import resolve_region

    whole = check_claim(store, claim("grey_zone", 1000.0, date="2024-11-24"))
    (ref,) = area_on(store, resolve_region("ALL"), ("contested",), D(2024, 11, 24))
    assert whole.figure.region == "ALL" and whole.figure.value == pytest.approx(ref["km2"], abs=0.05)


def test_a_place_outside_the_maps_is_one_claim_not_checkable(store):
    checks = [check_claim(store, claim(m, v, u, side="russia", place="Los Angeles", date="2024-10-02", start=s))
              for m, v, u, s in (("advance_rate", 300.0, "m_per_day", "2024-09-25"), ("distance", 3000.0, "m", None))]
    assert all(c.verdict == NOT_CHECKABLE and "theatre" in c.reason for c in checks), [c.reason for c in checks]


def test_a_checker_reuses_the_map_figures_it_asked_for(store):
    checker = ClaimChecker(store)
    c = claim("area_change", 700.0, side="russia", place="UKR", start="2024-11-01", date="2024-11-30")
    first, again = checker.check(c), checker.check(c)
    assert first.to_record() == again.to_record()


def test_a_wire_dateline_with_no_year_takes_the_archive_latest_such_day(store):
    """"KYIV, Nov 28 (Reuters) - ..." has no year: the latest 28 November of the archive is taken,
    noted, and --published still wins."""
    text = ("KYIV, Nov 28 (Reuters) - Russian troops are now less than 2 kilometres from the centre of Kurakhove, "
            "according to DeepState.")
    out = check_text(store, text)
    assert out["published"] == "2024-11-28" and any("no year" in n for n in out["notes"]), out["notes"]
    given = check_text(store, text, published=D(2024, 11, 20))
    assert given["published"] == "2024-11-20" and not any("no year" in n for n in given["notes"])


def test_a_checks_record_cites_the_maps_it_was_measured_on(store):
    """The record carries the maps' dates (map_dates, evidence_dates), the figure's unit and an
    outcome; its reason names the maps' date beside the figure ("maps of 2024-11-22: N km2")."""
    rec = check_claims(store, [claim("area_held", 560.0, side="ukraine", place="Kursk", date="2024-11-22")])[0]
    assert rec["map_dates"] == rec["evidence_dates"] == ["2024-11-22"] and rec["map_unit"] == "km2"
    assert re.search(r"maps of 2024-11-22: [\d,]+ km2", rec["reason"]), rec["reason"]
    assert rec["outcome"] in ("consistent", "roughly_consistent", "overstated", "understated")


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


@pytest.fixture(scope="module")
def ledger_of_three_reports(tmp_path_factory):
    """A ledger in a fresh store holding three one-sentence reports: two on troops in Kursk, one on
    an advance near Pokrovsk."""
    from frontwatch.claims.ledger import check_report

    a = "Russia has deployed about 50,000 soldiers in the Kursk region, officials said on Monday."
    b = "Some 45,000 Russian troops are now fighting in Kursk, the general staff said."
    c = "Russian forces advanced 2 km near Pokrovsk last week, analysts said."
    with _empty_store(tmp_path_factory.mktemp("ledger")) as st:
        for text in (a, b, c):
            check_report(st, text, None, published=D(2024, 11, 20))
        yield st


def test_ledger_keeps_different_reports_side_by_side(ledger_of_three_reports):
    """The two reports on troops in Kursk keep a row each."""
    from frontwatch.claims.ledger import list_claims

    rows = list_claims(ledger_of_three_reports, about="soldiers in Kursk")
    assert len({r["report_hash"] for r in rows}) == 2


def test_ledger_lists_the_claims_about_a_topic(ledger_of_three_reports):
    """``about`` finds claims by what they are about (troops in Kursk, not an advance near
    Pokrovsk, nothing for villages in Crimea); ``measure`` by their measure."""
    from frontwatch.claims.ledger import list_claims

    st = ledger_of_three_reports
    rows = list_claims(st, about="soldiers in Kursk")
    assert len(rows) == 2, rows
    assert all(r["measure"] == "troops" for r in rows)
    assert list_claims(st, measure="troops") and not list_claims(st, about="villages in Crimea")


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


# ------------------------------------------------------------------ competing readings (eighth pass)

_STOPPED = "The Russian push halted {} east of Pokrovsk during October 2024."


def _stopped(km: float, words: str):
    return claim("depth", km * 1000, "m", side="russia", place="Pokrovsk", start="2024-10-01", date="2024-10-31",
                 sentence=_STOPPED.format(words), surface=words)


def _as_distance(c):
    return dataclasses.replace(c, measure="distance", start_date=None)


def test_a_depth_a_locator_makes_a_distance_gets_no_verdict_when_the_readings_disagree(store):
    c = _stopped(8.0, "eight kilometres")
    bare = ClaimChecker(store, doubt=False)
    # the maps (not typed in): the depth of October's gains near Pokrovsk and the distance from it disagree
    assert bare.check(c).verdict == OVERSTATED and bare.check(_as_distance(c)).verdict in AGREEING
    chk = check_claim(store, c)
    assert chk.verdict == NOT_CHECKABLE and chk.extra["rule"] == "check.competing_readings.locator"


def test_a_depth_a_locator_makes_a_distance_keeps_its_verdict_when_the_readings_agree(store):
    c = _stopped(40.0, "forty kilometres")
    bare = ClaimChecker(store, doubt=False)
    assert bare.check(c).verdict == OVERSTATED and bare.check(_as_distance(c)).verdict == OVERSTATED
    assert check_claim(store, c).verdict == OVERSTATED


def _loss(value, start, end):
    return claim("area_change", value, side="ukraine", direction="lost", start=start, date=end,
                 unsure={"place": "Ukraine's holdings with no place named (in Ukraine or in Russia?)"})


def test_a_loss_with_no_place_before_the_incursion_is_the_loss_in_ukraine(store):
    c = _loss(500.0, "2023-01-01", "2023-12-31")
    in_ukraine = check_claim(store, dataclasses.replace(c, place="UKR", unsure={}))
    chk = check_claim(store, c)
    assert chk.verdict == in_ukraine.verdict and chk.figure.value == in_ukraine.figure.value


def test_a_loss_with_no_place_during_the_incursion_weighs_both_countries(store):
    c = _loss(700.0, "2024-11-01", "2024-11-30")
    bare = ClaimChecker(store, doubt=False)
    in_ukraine = bare.check(dataclasses.replace(c, place="UKR", unsure={}))
    in_russia = bare.check(dataclasses.replace(c, place="RUS", unsure={}))
    both = judge(700.0, 700.0, None, AREA, in_ukraine.figure.value + in_russia.figure.value).verdict
    chk = check_claim(store, c)
    def lean(v):
        return "agreeing" if v in AGREEING else v

    if lean(both) == lean(in_ukraine.verdict):
        assert chk.verdict == in_ukraine.verdict and "in Ukraine and Russia" in chk.reason
    else:
        assert chk.verdict == NOT_CHECKABLE and chk.extra["rule"] == "check.competing_readings.loss_country"


def test_a_loss_read_as_the_whole_country_during_the_incursion_weighs_both_countries(store):
    # the extractor reads a loss naming no place as Ukraine's (place.whole_country): still one of two readings
    c = claim("area_change", 700.0, side="ukraine", direction="lost", start="2024-11-01", date="2024-11-30",
              place="UKR", explain={"place": "place.whole_country: no place named"})
    chk = check_claim(store, c)
    assert chk.verdict == NOT_CHECKABLE and chk.extra["rule"] == "check.competing_readings.loss_country" \
        or "in Ukraine and Russia" in chk.reason
