"""The temporal-expression normaliser on its own (frontwatch.claims.dates.date_mentions): each
phrase resolved against the report's day to a day, a period or the start of one. Sentences
written for these tests, one per rule; the whole pipeline is judged on real writing by
bench/claims_eval.py."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontwatch.claims.dates import date_mentions, time_anchor_spans  # noqa: E402

D = dt.date
REF = D(2024, 11, 25)


def one(sentence: str, reference: dt.date = REF):
    (m,) = date_mentions(sentence, reference)
    return m.kind, m.start_date, m.date


@pytest.mark.parametrize("sentence,expected", [
    # The edge of a period is one day, and the words before it say what it does.
    ("Since the beginning of autumn, Russia has captured 1,800 sq km.", ("since", D(2024, 9, 1), REF)),
    ("Since the start of the month Russia took 500 sq km.", ("since", D(2024, 11, 1), REF)),
    ("From the start of the year Russia took 500 sq km.", ("since", D(2024, 1, 1), REF)),
    ("By the end of October, Russia held 18%.", ("as_of", None, D(2024, 10, 31))),
    # "mid-" as a point in time is the month's middle day.
    ("By mid-October, Russia held 18%.", ("as_of", None, D(2024, 10, 15))),
    ("Russia held 17% at the end of last year.", ("day", None, D(2023, 12, 31))),
    ("Russia held 17% at the end of 2022.", ("day", None, D(2022, 12, 31))),
    # ... and it opens or closes a range.
    ("From the start of the year to mid-November, Russia took 2,500 sq km.", ("range", D(2024, 1, 1), D(2024, 11, 20))),
    ("Russia took 500 sq km between the start of October and mid-November.", ("range", D(2024, 10, 1), D(2024, 11, 20))),
    ("Russia gained 2,356 sq km in 2024 through the end of October.", ("range", D(2024, 1, 1), D(2024, 10, 31))),
    # Counted from an event: the invasion, a named operation, a town that fell.
    ("About a month into the war, Russia held 22 per cent of Ukraine.", ("day", None, D(2022, 3, 24))),
    ("Six months into the full-scale invasion, Russia held 20%.", ("day", None, D(2022, 8, 24))),
    ("Two weeks into the incursion, Ukraine held 1,000 sq km.", ("day", None, D(2024, 8, 20))),
    ("Russia has taken 1,500 sq km since the fall of Avdiivka.", ("since", D(2024, 2, 17), REF)),
    # A statement made overnight was made the evening before the report.
    ("Zelenskiy said overnight that the army held the line.", ("weekday", None, D(2024, 11, 24))),
])
def test_phrase_resolves_to_its_days(sentence, expected):
    assert one(sentence) == expected


def test_an_edge_that_ends_a_counted_period_is_left_to_it():
    # "in the three months to the end of November": the range of the three months, not a day.
    kinds = [m.kind for m in date_mentions("In the three months to the end of October, Russia took 1,500 sq km.", REF)]
    assert kinds == ["range"]
    (m,) = date_mentions("In the three months to the end of October, Russia took 1,500 sq km.", REF)
    assert (m.start_date, m.date) == (D(2024, 8, 1), D(2024, 10, 31))


def test_more_than_at_the_start_of_the_year_is_a_since_not_a_day():
    (m,) = date_mentions("Russia holds 4,000 sq km more than it did at the start of the year.", REF)
    assert (m.kind, m.start_date) == ("since", D(2024, 1, 1))


def test_an_event_after_the_report_or_an_unknown_town_dates_nothing():
    assert not date_mentions("Since the fall of Avdiivka, Russia took 3,000 sq km.", D(2023, 11, 1))
    assert not date_mentions("Since the fall of Ocheretyne, Russia took 3,000 sq km.", REF)


def test_a_town_in_a_time_phrase_is_not_a_place():
    s = "Russia has taken 1,500 sq km since the fall of Avdiivka."
    (span,) = time_anchor_spans(s)
    assert s[span[0]:span[1]] == "fall of Avdiivka"
    assert not time_anchor_spans("The fall of Avdiivka cost Russia dearly.")


def test_a_time_before_the_start_of_the_war_is_no_day():
    # "before the start of the full-scale war" is a time before that day, not the day.
    assert not date_mentions("The town had 27,000 people before the start of the full-scale war.", REF)
    kinds = [m.kind for m in date_mentions("Russia held 7% at the start of the full-scale war.", REF)]
    assert kinds == ["day"]


def test_that_month_is_the_month_named_before_it():
    (m,) = date_mentions("Its November assessment said Russia gained 242 square miles that month.", D(2025, 4, 7))
    assert (m.kind, m.start_date, m.date) == ("month", D(2024, 11, 1), D(2024, 11, 30))
    assert not date_mentions("Russia gained 242 square miles that month.", D(2025, 4, 7))


@pytest.mark.parametrize("sentence,expected", [
    # Spans and periods of the calendar that writing uses (REF is Monday 25 November 2024).
    ("Russia took 300 sq km over the past fortnight.", ("past", D(2024, 11, 11), D(2024, 11, 24))),
    ("Russia took 300 sq km in the space of a week.", ("past", D(2024, 11, 19), REF)),
    ("Russia took 300 sq km in the third quarter of 2024.", ("range", D(2024, 7, 1), D(2024, 9, 30))),
    ("Russia took 300 sq km in Q1 2024.", ("range", D(2024, 1, 1), D(2024, 3, 31))),
    ("Russia took 300 sq km since the autumn of 2023.", ("since", D(2023, 9, 1), REF)),
    ("Russia took 300 sq km in the summer of 2024.", ("month", D(2024, 6, 1), D(2024, 8, 31))),
    ("Russia took 300 sq km in early 2024.", ("month", D(2024, 1, 1), D(2024, 4, 30))),
    ("Russia took 300 sq km year-to-date.", ("past", D(2024, 1, 1), REF)),
    ("Russia took 300 sq km in the second week of November.", ("range", D(2024, 11, 8), D(2024, 11, 14))),
    ("Russia took 300 sq km in the last week of October.", ("range", D(2024, 10, 25), D(2024, 10, 31))),
])
def test_calendar_period_resolves_to_its_days(sentence, expected):
    assert one(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Russia took 300 sq km between January and October.",
    "Russia took 300 sq km from January to October.",
    "Russia took 300 sq km January through October.",
])
def test_two_months_joined_are_one_period(sentence):
    assert one(sentence) == ("range", D(2024, 1, 1), D(2024, 10, 31))


def test_two_months_joined_by_and_without_between_are_not_a_period_of_their_own():
    assert [m.kind for m in date_mentions("Russia took Kurakhove in January and Pokrovsk in October.", REF)] \
        != ["range"]


def test_a_past_month_and_a_half_is_not_read_as_the_past_month():
    assert date_mentions("Russia took 300 sq km in the past month and a half.", REF) == []


def test_the_first_week_of_an_event_counts_from_its_first_day():
    assert one("Russia seized 18% of Ukraine in the first week of the invasion.") == \
        ("range", D(2022, 2, 24), D(2022, 3, 2))


def test_the_first_weeks_with_no_count_are_no_period():
    assert date_mentions("Russia seized 18% of Ukraine in the first weeks of the invasion.", REF) == []


def test_a_quarter_with_no_year_is_the_latest_begun():
    assert one("Russia gained 1,000 sq km in the third quarter.") == ("range", D(2024, 7, 1), D(2024, 9, 30))
    assert one("Russia gained 1,000 sq km in the fourth quarter.", D(2025, 3, 1)) == ("range", D(2024, 10, 1), D(2024, 12, 31))


def test_over_the_month_with_no_month_named_is_the_reports_month_to_its_day():
    assert one("Russia took 725 sq km over the month.") == ("past", D(2024, 11, 1), REF)


def test_over_the_year_in_january_after_its_first_week_is_no_period():
    assert date_mentions("Russia took 725 sq km over the year.", D(2025, 1, 20)) == []


def test_since_last_month_runs_from_its_first_day_to_the_report():
    assert one("Russia took 500 sq km since last month.") == ("since", D(2024, 10, 1), REF)


@pytest.mark.parametrize("sentence,expected", [
    # "this past week" is the past week, as "last week" is (seven days ending the day before).
    ("Russia took 200 sq km this past week.", ("past", D(2024, 11, 18), D(2024, 11, 24))),
    # A period counted back to a weekday written after "through".
    ("In the week through Sunday, Russia took 200 sq km.", ("range", D(2024, 11, 18), D(2024, 11, 24))),
    # "since Friday": from that day to the report's day.
    ("Since Friday, Russian forces have taken three villages.", ("since", D(2024, 11, 22), REF)),
    # Two days of one month joined by words after "between" or "from".
    ("Russia took 300 sq km between 1 and 20 November.", ("range", D(2024, 11, 1), D(2024, 11, 20))),
    ("From Nov. 1 to 20, Russia took 300 sq km.", ("range", D(2024, 11, 1), D(2024, 11, 20))),
    # Two days joined by "through" need no opening word.
    ("Nov. 1 through Nov. 20 Russia took 300 sq km.", ("range", D(2024, 11, 1), D(2024, 11, 20))),
    # Halves of a month.
    ("In the first half of November, Russia took 300 sq km.", ("range", D(2024, 11, 1), D(2024, 11, 15))),
    ("In the second half of October, Russia took 300 sq km.", ("range", D(2024, 10, 16), D(2024, 10, 31))),
    # A month of last year.
    ("In October last year, Russia took 300 sq km.", ("month", D(2023, 10, 1), D(2023, 10, 31))),
    # Counted back from the end of the month named, not from the report's day within it.
    ("In the 12 months to November, Russia took 3,000 sq km.", ("range", D(2023, 12, 1), REF)),
])
def test_phrase_of_a_period_resolves(sentence, expected):
    assert one(sentence) == expected


@pytest.mark.parametrize("sentence,reference,first", [
    ("Since the counteroffensive began, Ukraine has retaken 250 sq km.", D(2023, 7, 10), D(2023, 6, 4)),
    ("Since launching its counteroffensive, Ukraine has retaken 250 sq km.", D(2023, 7, 10), D(2023, 6, 4)),
    ("Since the start of Russia's offensive, its troops have taken 100 sq km.", D(2024, 5, 20), D(2024, 5, 10)),
    # Two counteroffensives under way at once: the oblast named tells which.
    ("Since the counteroffensive began, Ukraine has retaken 3,000 sq km in Kharkiv.", D(2022, 9, 12), D(2022, 9, 6)),
])
def test_since_a_named_operation_is_its_first_day(sentence, reference, first):
    (m,) = date_mentions(sentence, reference)
    assert (m.kind, m.start_date, m.date) == ("since", first, reference)


@pytest.mark.parametrize("sentence,reference", [
    # Two counteroffensives under way and no oblast named: which one?
    ("Since the counteroffensive began, Ukraine has retaken 3,000 sq km.", D(2022, 9, 12)),
    # "the offensive" naming no side and no place: any of the day's offensives.
    ("Since the offensive began, 100 sq km have changed hands.", D(2024, 11, 25)),
    # A span written before it says how long, not the lexicon.
    ("In the two weeks since the offensive began, Russia took 100 sq km in Kharkiv.", D(2024, 5, 24)),
    # In October 2024 "the counteroffensive" may be Russia's in Kursk: the incursion is not called so.
    ("Since the counteroffensive began, 400 sq km have changed hands.", D(2024, 10, 20)),
])
def test_since_an_operation_that_is_not_one_is_no_date(sentence, reference):
    assert [m for m in date_mentions(sentence, reference) if m.kind == "since"] == []


def test_since_an_operation_with_its_day_written_takes_the_day():
    (m,) = date_mentions("Since the start of its counteroffensive on June 8, Ukraine has retaken 100 sq km.", D(2023, 7, 1))
    assert (m.kind, m.start_date) == ("since", D(2023, 6, 8))


@pytest.mark.parametrize("sentence,reference,expected", [
    # A bare month opens a range after "between" as a dated month does.
    ("Russia advanced two square kilometers each day between February and the start of August.", D(2024, 9, 8),
     ("range", D(2024, 2, 1), D(2024, 8, 1))),
    # "the start of the summer counteroffensive" is the operation's first day, not the summer's.
    ("Ukraine has regained 47 sq km since the start of the summer counteroffensive.", D(2023, 9, 5),
     ("since", D(2023, 6, 4), D(2023, 9, 5))),
    # "in the past day of fighting" is the past day ("of" + a month would be that month's).
    ("Its troops advanced by more than 1 km in the past day of fighting.", D(2023, 7, 7),
     ("past", D(2023, 7, 6), D(2023, 7, 6))),
    # What was done during an operation so far, from its first day.
    ("During the offensive in the Kursk region, Kyiv's troops seized 1,240 sq km.", D(2024, 8, 27),
     ("since", D(2024, 8, 6), D(2024, 8, 27))),
    # When it began, in words that agree with the lexicon's day, is part of the phrase.
    ("Ukraine has retaken 200 sq km since launching its counteroffensive last month.", D(2023, 7, 10),
     ("since", D(2023, 6, 4), D(2023, 7, 10))),
    # A weekday with no preposition dates a statement, as news writing does.
    ("Zelensky said in an address Saturday that the army was advancing.", D(2022, 9, 12),
     ("weekday", None, D(2022, 9, 10))),
])
def test_phrase_resolves_against_its_day(sentence, reference, expected):
    assert one(sentence, reference) == expected


def test_an_operation_said_to_begin_when_it_did_not_is_no_date():
    kinds = [(m.kind, m.start_date) for m in date_mentions("Ukraine has retaken 200 sq km since launching its "
                                                           "counteroffensive in May.", D(2023, 7, 10))]
    assert ("since", D(2023, 6, 4)) not in kinds


@pytest.mark.parametrize("sentence", ["The Sunday Times said 5 villages fell.", "Shelling resumes every Sunday."])
def test_a_weekday_that_is_a_name_or_a_habit_is_no_date(sentence):
    assert date_mentions(sentence, D(2022, 9, 12)) == []


def test_before_a_named_operation_is_the_eve_of_its_first_day():
    (m, _) = date_mentions("35% of the Kharkiv region was under Russian control before a counter-attack launched by "
                           "Ukraine's army; today it is 12%.", D(2022, 9, 13))
    assert (m.kind, m.date) == ("day", D(2022, 9, 5))


@pytest.mark.parametrize("sentence,expected", [
    # "the year to X" is the twelve months ending with X, as "the three months to X" are three.
    ("In the year to the end of October, Russia took 3,000 sq km.", ("range", D(2023, 11, 1), D(2024, 10, 31))),
    # "the month to date", as "year to date": from its first day to the report's.
    ("Russia has taken 400 sq km in the month to date.", ("past", D(2024, 11, 1), REF)),
])
def test_a_period_counted_to_a_point_resolves(sentence, expected):
    assert one(sentence) == expected


@pytest.mark.parametrize("sentence,reference,expected", [
    # "The special military operation" is Moscow's name for the invasion.
    ("Allied forces have liberated 266 settlements since the start of the special military operation.", D(2022, 8, 10),
     ("since", D(2022, 2, 24), D(2022, 8, 10))),
    # "through the first eleven months of the year": the months from 1 January, in words too.
    ("Russia took 3,600 sq km through the first eleven months of the year.", D(2024, 12, 5),
     ("range", D(2024, 1, 1), D(2024, 11, 30))),
    # In the first week of a month, the past month is the calendar month just ended.
    ("Over the past month Russian forces took five villages.", D(2024, 4, 3), ("past", D(2024, 3, 1), D(2024, 3, 31))),
    # In the first week of January, the past year is the calendar year just ended.
    ("Russia took 3,000 sq km in the past year.", D(2025, 1, 5), ("past", D(2024, 1, 1), D(2024, 12, 31))),
    # "Over the course of the month" in the first week of a month is the month just ended too.
    ("Over the course of the month, Russian troops took 0.05% of the country.", D(2025, 10, 1),
     ("past", D(2025, 9, 1), D(2025, 9, 30))),
    # Later in the month, the past month is counted back from the day before the report's.
    ("Over the past month Russian forces took five villages.", D(2024, 4, 20), ("past", D(2024, 3, 20), D(2024, 4, 19))),
])
def test_a_month_or_year_counted_back_from_the_first_week_is_the_calendar_one(sentence, reference, expected):
    assert one(sentence, reference) == expected


@pytest.mark.parametrize("sentence", [
    "Troops moved from Novoselivka to the river and took 12 sq km.",
    "Troops took 12 sq km in Marinka and in Decheve.",
])
def test_a_month_abbreviation_starting_a_longer_word_is_no_date(sentence):
    assert date_mentions(sentence, REF) == []


@pytest.mark.parametrize("sentence,expected", [
    # "the past 24 hours" is the whole day before the report's, as "the past day" is.
    ("Over the past 24 hours, the army took two villages.", ("past", D(2024, 11, 24), D(2024, 11, 24))),
    ("In the last 48 hours the army took two villages.", ("past", D(2024, 11, 23), D(2024, 11, 24))),
])
def test_the_past_hours_end_the_day_before_the_report(sentence, expected):
    assert one(sentence) == expected


def test_a_count_into_an_event_is_no_later_than_the_report():
    assert one("Six months into the full-scale invasion, Russia held 20%.", D(2022, 8, 20)) == ("day", None, D(2022, 8, 20))


def test_a_month_with_the_early_part_of_the_next_is_one_period():
    assert one("Russia took 1,000 sq km in August and early September.", D(2024, 9, 25)) == (
        "range", D(2024, 8, 1), D(2024, 9, 10))


def test_since_the_start_of_the_day_is_the_day_itself():
    assert one("Since the start of the day, the army has advanced two kilometres.") == ("since", REF, REF)


def test_the_end_of_the_day_as_an_idiom_is_no_date():
    assert date_mentions("At the end of the day, the army held its line.", REF) == []


def test_two_months_joined_after_a_capitalised_preposition_are_one_period():
    assert one("In August and September Russia took 900 sq km.") == ("range", D(2024, 8, 1), D(2024, 9, 30))
