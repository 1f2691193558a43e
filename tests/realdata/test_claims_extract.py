"""Claim extraction: the seed article, a hand-annotated gold set, bad input, quantulum3 comparison.

The real-data tests read ../shared/data/articles/kursk-2024-11-24.txt through
the ``article_file`` fixture (skipped when absent). GOLD below is the gold set
that bench/claims_vs_quantulum.py also scores against: each case is a news
sentence or short text in a wording the extractor was not written for, with its
published date and the claims a reader would take from it. In a gold claim,
only the fields given are asserted; ``value``/``low``/``high`` identify it.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from frontwatch.claims import Claim, consistency, extract_claims  # noqa: E402

D = dt.date

# Gold claims of the seed article (its dateline: November 24, 2024).
ARTICLE_GOLD: list[dict] = [
    {"value": 40, "unit_normalized": "percent", "value_normalized": 40, "measure": "share_lost",
     "direction": "lost", "qualifier": "over", "side": "ukraine", "place": "Kursk oblast",
     "date": "2024-11-24", "start_date": "2024-08-01"},
    {"value": 59000, "unit_normalized": "persons", "measure": "troops", "side": "russia",
     "place": "Kursk oblast", "qualifier": "about", "date": "2024-11-24"},
    {"value": 531, "unit": "square miles", "unit_normalized": "km2", "value_normalized": 1375.284,
     "measure": "area_held", "aspect": "peak", "qualifier": "about", "side": "ukraine",
     "place": "Kursk oblast", "date": "2024-11-24",
     "source": "a military source in the Ukrainian general staff, cited by Reuters"},
    {"value": 309, "unit": "square miles", "unit_normalized": "km2", "value_normalized": 800.306,
     "measure": "area_held", "aspect": "current", "qualifier": "approximately",
     "side": "ukraine", "place": "Kursk oblast", "date": "2024-11-24",
     "source": "a military source in the Ukrainian general staff, cited by Reuters"},
    {"value": 11000, "unit_normalized": "persons", "measure": "troops", "side": "north_korea",
     "place": "Kursk oblast", "qualifier": "about"},
    {"low": 656, "high": 984, "unit_normalized": "m_per_day", "low_normalized": 199.949,
     "high_normalized": 299.923, "measure": "advance_rate", "side": "russia", "place": "Kurakhove",
     "date": "2024-11-24"},
    {"value": 575000, "unit_normalized": "persons", "measure": "troops", "side": "russia",
     "place": "UKR", "qualifier": "about"},
    {"value": 690000, "unit_normalized": "persons", "measure": "troops", "aspect": "target",
     "side": "russia"},
]

# Hand-annotated gold set: (text, published date, gold claims).
GOLD: list[tuple[str, dt.date | None, list[dict]]] = [
    ("Russian forces advanced up to 2 kilometres near Pokrovsk over the past week, ISW said on Tuesday.",
     D(2024, 11, 26),
     # How far they moved over the week: a depth over the period (the dev set's reading), not a pace.
     [{"value": 2, "unit": "kilometres", "unit_normalized": "m", "value_normalized": 2000,
       "qualifier": "up to", "measure": "depth", "side": "russia", "place": "Pokrovsk",
       "date": "2024-11-25", "start_date": "2024-11-19", "source": "ISW"}]),
    ("Ukraine said on Nov. 20 it still holds about 800 square kilometres of Russia's Kursk region.",
     D(2024, 11, 22),
     [{"value": 800, "unit_normalized": "km2", "value_normalized": 800, "measure": "area_held",
       "aspect": "current", "qualifier": "about", "side": "ukraine", "place": "Kursk oblast",
       "date": "2024-11-20", "source": "Ukraine"}]),
    ("Moscow claimed its troops had captured 12 settlements in October.", D(2024, 11, 5),
     [{"value": 12, "unit_normalized": "settlements", "measure": "settlements", "direction": "gained",
       "side": "russia", "date": "2024-10-31", "start_date": "2024-10-01", "source": "Moscow"}]),
    ("Ukrainian troops have liberated 350 hectares near Vovchansk, the General Staff said.",
     D(2024, 6, 14),
     [{"value": 350, "unit": "hectares", "unit_normalized": "km2", "value_normalized": 3.5,
       "measure": "area_change", "direction": "gained", "side": "ukraine", "place": "Vovchansk",
       "source": "the General Staff", "date": "2024-06-14"}]),
    ("Russian units are advancing between 150 and 200 metres per day in the Kurakhove direction, "
     "according to the Kyiv Independent.", D(2024, 11, 18),
     [{"low": 150, "high": 200, "unit_normalized": "m_per_day", "low_normalized": 150,
       "high_normalized": 200, "measure": "advance_rate", "side": "russia", "place": "Kurakhove direction",
       "source": "the Kyiv Independent"}]),
    ("Russia has lost nearly half of the territory it captured in Kharkiv region in May, "
     "Ukrainian officials said.", D(2024, 7, 1),
     [{"value": 0.5, "unit_normalized": "percent", "value_normalized": 50, "qualifier": "nearly",
       "measure": "share_lost", "direction": "lost", "side": "russia", "place": "Kharkiv oblast",
       "date": "2024-07-01", "start_date": "2024-05-01", "source": "Ukrainian officials"}]),
    ("Kyiv's forces control roughly a third of the area they seized in August, AFP reported, "
     "citing a senior officer.", D(2024, 10, 2),
     [{"value": 1 / 3, "unit_normalized": "percent", "value_normalized": 33.333,
       "qualifier": "roughly", "measure": "share_held", "side": "ukraine",
       "source": "a senior officer, cited by AFP"}]),
    ("Russian troops captured 235 square kilometres in the past week, the largest weekly gain "
     "this year, according to an analysis of ISW data by AFP.", D(2024, 11, 25),
     [{"value": 235, "unit_normalized": "km2", "value_normalized": 235, "measure": "area_change",
       "direction": "gained", "side": "russia", "date": "2024-11-24", "start_date": "2024-11-18",
       "source": "an analysis of ISW data by AFP"}]),
    ("The Russian army now occupies about 18 percent of Ukraine's territory, AFP said.",
     D(2024, 9, 1),
     [{"value": 18, "unit_normalized": "percent", "measure": "share_held", "aspect": "current",
       "side": "russia", "place": "UKR", "qualifier": "about", "source": "AFP"}]),
    ("Pyongyang has sent more than 10,000 troops to Russia, South Korea's spy agency said on Wednesday.",
     D(2024, 10, 31),
     [{"value": 10000, "unit_normalized": "persons", "measure": "troops", "side": "north_korea",
       "place": "RUS", "qualifier": "more than", "source": "South Korea's spy agency"}]),
    ("Russia is losing around 1,500 soldiers a day, killed or wounded, British intelligence estimated.",
     D(2024, 11, 1),
     [{"value": 1500, "unit_normalized": "persons", "measure": "other", "qualifier": "around",
       "side": "russia", "source": "British intelligence"}]),
    ("Ukrainian forces pushed 3 miles into Russian territory in the first days of the offensive.",
     D(2024, 8, 9),
     # A depth into Russia while Ukraine held ground there is in the incursion's region (place.incursion:
     # the labels of dev.jsonl and set D read "into Russian territory" in August 2024 as Kursk oblast).
     [{"value": 3, "unit": "miles", "unit_normalized": "m", "value_normalized": 4828.032,
       "side": "ukraine", "place": "Kursk oblast"}]),
    ("The Russian defence ministry said its units had captured the villages of "
     "Novodmytrivka and Petrivka, bringing the total captured this month to 29 settlements.",
     D(2024, 11, 20),
     [{"value": 29, "unit_normalized": "settlements", "measure": "settlements",
       "direction": "gained", "side": "russia", "start_date": "2024-11-01",
       "source": "The Russian defence ministry"}]),
    ("Ukraine's military said Russian forces were advancing at a pace of 200-300 metres a day near Toretsk.",
     D(2024, 8, 20),
     [{"low": 200, "high": 300, "unit_normalized": "m_per_day", "measure": "advance_rate",
       "side": "russia", "place": "Toretsk", "source": "Ukraine's military"}]),
    ("Officials in Kyiv estimate that about 50,000 Russian troops are massed in the Kursk region.",
     D(2024, 11, 11),
     [{"value": 50000, "unit_normalized": "persons", "measure": "troops", "side": "russia",
       "place": "Kursk oblast", "qualifier": "about", "source": "Officials in Kyiv"}]),
    ("As of November 22, Ukrainian troops held 1,000 km² of Russian territory, down from a peak "
     "of 1,376 km² in August.", D(2024, 11, 24),
     [{"value": 1000, "unit": "km²", "unit_normalized": "km2", "measure": "area_held",
       "aspect": "current", "side": "ukraine", "date": "2024-11-22"},
      {"value": 1376, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak",
       "side": "ukraine", "date": "2024-08-31"}]),
    ("Russia's army grew to 1.5 million servicemen, Putin said.", D(2024, 12, 16),
     [{"value": 1_500_000, "unit_normalized": "persons", "measure": "troops", "side": "russia",
       "source": "Putin"}]),
    ("Ukrainian forces recaptured about 40 square miles near Kupiansk in two weeks.", D(2024, 3, 1),
     [{"value": 40, "unit_normalized": "km2", "value_normalized": 103.6, "measure": "area_change",
       "direction": "gained", "side": "ukraine", "place": "Kupiansk", "qualifier": "about"}]),
    ("Russian troops were within 3 km of the city of Pokrovsk on Monday, Ukrainian military "
     "blogger DeepState said.", D(2024, 11, 27),
     [{"value": 3, "unit_normalized": "m", "value_normalized": 3000, "measure": "distance", "qualifier": "within",
       "side": "russia", "place": "Pokrovsk", "date": "2024-11-25",
       "source": "Ukrainian military blogger DeepState"}]),
    ("The meeting took place at 10:30 a.m. on December 5, 2024, and the 47th Brigade was "
     "mentioned in 2023.", D(2024, 12, 6), []),
    ("Russian forces have made gains of 2,356 square kilometres since the start of the year, "
     "more than twice as much as in all of 2023, the Institute for the Study of War said.",
     D(2024, 10, 31),
     [{"value": 2356, "unit_normalized": "km2", "measure": "area_change", "direction": "gained",
       "side": "russia", "source": "the Institute for the Study of War"}]),
    ("North Korea has deployed around 12,000 troops to the Kursk region, Seoul said.", D(2024, 11, 5),
     [{"value": 12000, "unit_normalized": "persons", "measure": "troops", "side": "north_korea",
       "place": "Kursk oblast", "qualifier": "around", "source": "Seoul"}]),
    ("In the Donetsk region, Russian forces advanced 4-5 km a week, according to Ukrainian analysts.",
     D(2024, 9, 10),
     [{"low": 4, "high": 5, "unit_normalized": "m_per_day", "low_normalized": 571.429,
       "high_normalized": 714.286, "measure": "advance_rate", "side": "russia", "place": "Donetsk oblast",
       "source": "Ukrainian analysts"}]),
    ("Ukraine has lost two-thirds of the ground it gained in Kursk, a Ukrainian commander told "
     "The Associated Press.", D(2025, 2, 10),
     [{"value": 2 / 3, "unit_normalized": "percent", "value_normalized": 66.667,
       "measure": "share_lost", "side": "ukraine", "place": "Kursk oblast",
       "source": "a Ukrainian commander, cited by The Associated Press"}]),
    ("Russian troops have seized more than 1,000 square kilometres (386 square miles) of Ukrainian "
     "territory in November alone, according to data from DeepState.", D(2024, 12, 2),
     [{"value": 1000, "unit": "square kilometres", "measure": "area_change", "direction": "gained",
       "side": "russia", "place": "UKR", "qualifier": "more than", "start_date": "2024-11-01",
       "source": "data from DeepState", "unit_normalized": "km2"}]),
    ("The Ukrainian military said on Saturday it had repelled 45 Russian assaults near Pokrovsk and "
     "that Russian forces had lost 1,320 troops over the past 24 hours.", D(2024, 12, 2),
     [{"value": 1320, "unit_normalized": "persons", "measure": "other", "side": "russia",
       "source": "The Ukrainian military"}]),
    ("Russia now controls about 11% of Ukraine, down from 27% in March 2022.", D(2024, 12, 2),
     [{"value": 11, "unit_normalized": "percent", "measure": "share_held", "aspect": "current",
       "side": "russia", "place": "UKR", "date": "2024-12-02"},
      {"value": 27, "unit_normalized": "percent", "measure": "share_held", "aspect": "previous",
       "date": "2022-03-31"}]),
    ("The front line near Kurakhove moved 6.5 km westward in two weeks, analysts at the Finnish "
     "Black Bird Group said.", D(2024, 12, 2),
     [{"value": 6.5, "unit_normalized": "m", "value_normalized": 6500,
       "measure": "depth", "place": "Kurakhove", "start_date": "2024-11-19", "date": "2024-12-02",
       "source": "analysts at the Finnish Black Bird Group"}]),
    ("Russian forces have advanced at a rate of about 27 square kilometres a day in recent weeks, "
     "the fastest pace since 2022.", D(2024, 12, 2),
     [{"value": 27, "unit_normalized": "km2_per_day", "measure": "advance_rate", "direction": "gained",
       "side": "russia", "qualifier": "about"}]),
    ("KYIV, Dec 3 (Reuters) - Russian forces have taken control of 700 sq km of Ukrainian land "
     "since the start of November, Ukraine's DeepState group said.", None,
     [{"value": 700, "unit": "sq km", "unit_normalized": "km2", "measure": "area_change",
       "direction": "gained", "side": "russia", "source": "Ukraine's DeepState group"}]),
    # How far the front is from a place: a distance, measured from the place on the maps.
    ("Russian troops are now less than 3 kilometres from the town of Kurakhove, the governor said.",
     D(2024, 11, 25),
     [{"value": 3, "unit_normalized": "m", "value_normalized": 3000, "measure": "distance", "side": "russia",
       "place": "Kurakhove", "qualifier": "less than", "source": "the governor"}]),
    ("Russian forces advanced to within 8 km of Pokrovsk, the ISW said.", D(2024, 11, 25),
     [{"value": 8, "unit_normalized": "m", "value_normalized": 8000, "measure": "distance", "side": "russia",
       "place": "Pokrovsk", "qualifier": "within", "source": "the ISW"}]),
    # The length of the front line.
    ("The front line in the east stretches for more than 1,000 kilometres, officials said.", D(2024, 11, 25),
     [{"value": 1000, "unit_normalized": "m", "value_normalized": 1_000_000, "measure": "front_length",
       "qualifier": "more than", "place": "UKR", "source": "officials"}]),
    ("Ukraine must defend a 1,200 km-long front with too few troops.", D(2024, 11, 25),
     [{"value": 1200, "unit_normalized": "m", "value_normalized": 1_200_000, "measure": "front_length"}]),
    # A sentence opening with the place ("Near Pokrovsk, ...") lost it before.
    ("Near Pokrovsk, Russian troops advanced up to 1.5 km a day, according to the General Staff.",
     D(2024, 12, 1),
     [{"value": 1.5, "unit_normalized": "m_per_day", "value_normalized": 1500, "measure": "advance_rate",
       "side": "russia", "place": "Pokrovsk", "qualifier": "up to", "source": "the General Staff"}]),
    # A date in the "down from" clause dates that figure only (the 800 took "August" before).
    ("Kyiv's troops hold around 800 sq km in Russia's Kursk region, down from 1,300 sq km in August.", D(2024, 11, 24),
     [{"value": 800, "unit_normalized": "km2", "measure": "area_held", "side": "ukraine", "place": "Kursk oblast",
       "qualifier": "around", "date": "2024-11-24"},
      {"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "previous", "date": "2024-08-31"}]),
    # "has occupied" holds (it was "other"); a hyphenated fraction is a fraction (it was nothing).
    ("The Russian army has occupied 18 percent of Ukraine's territory.", D(2024, 11, 30),
     [{"value": 18, "unit_normalized": "percent", "measure": "share_held", "side": "russia", "place": "UKR"}]),
    ("Russia controls nearly one-fifth of Ukraine.", D(2024, 11, 30),
     [{"value": 0.2, "unit_normalized": "percent", "value_normalized": 20, "measure": "share_held", "side": "russia",
       "place": "UKR", "qualifier": "nearly"}]),
    # "last week" is a period of 7 days: the distance is an advance over it (it was "other" before).
    ("Russian forces advanced 5 km near Toretsk last week, according to the ISW.", D(2024, 11, 24),
     [{"value": 5, "unit_normalized": "m", "value_normalized": 5000, "measure": "depth",
       "start_date": "2024-11-17", "side": "russia", "place": "Toretsk", "date": "2024-11-23", "source": "the ISW"}]),
    # Ground "taken" at the peak is ground held at the peak (it was a change with no start).
    ("At its height, the Ukrainian incursion into Kursk took around 1,000 sq km.", D(2024, 12, 5),
     [{"value": 1000, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "around"}]),
    ("Ukraine seized about 1,300 sq km of Kursk at the peak of its offensive.", D(2024, 12, 5),
     [{"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "about"}]),
    # A share of what the side seized is a share of its own peak there, dated by the holding.
    ("Ukraine's troops are holding on to about 40% of the territory they seized in August, the analysts said.",
     D(2024, 12, 5),
     [{"value": 40, "unit_normalized": "percent", "measure": "share_held", "aspect": "of_peak", "side": "ukraine",
       "date": "2024-12-05", "qualifier": "about", "source": "the analysts"}]),
    ("Kyiv still controls around 60 percent of the ground it captured in Kursk.", D(2024, 12, 5),
     [{"value": 60, "unit_normalized": "percent", "measure": "share_held", "aspect": "of_peak", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "around"}]),
    # "his troops" after "the commander said" are the speaker's (they had no side).
    ("Ukraine's top commander said on Wednesday his troops had lost about 100 square miles in Kursk since October.",
     D(2024, 11, 28),
     [{"value": 100, "unit_normalized": "km2", "value_normalized": 258.999, "measure": "area_change",
       "direction": "lost", "side": "ukraine",
       "place": "Kursk oblast", "start_date": "2024-10-01", "source": "Ukraine's top commander"}]),
    # "in a single day" is a period of one day; "a 1,000-kilometre front" is the front's length.
    ("The Russian army advanced roughly 1,500 acres near Pokrovsk in a single day.", D(2024, 11, 28),
     [{"value": 1500, "unit_normalized": "km2", "value_normalized": 6.0703, "measure": "area_change",
       "direction": "gained", "side": "russia",
       "place": "Pokrovsk", "start_date": "2024-11-28", "date": "2024-11-28", "qualifier": "roughly"}]),
    ("Fighting rages along a 1,000-kilometre front.", D(2024, 11, 28),
     [{"value": 1000, "unit_normalized": "m", "value_normalized": 1_000_000, "measure": "front_length"}]),
    # ... while a month's gain called a peak stays a change.
    ("Russia gained 724 sq km of Ukraine in November, a peak for the year, the analysts said.", D(2024, 12, 5),
     [{"value": 724, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "place": "UKR", "start_date": "2024-11-01", "date": "2024-11-30", "source": "the analysts"}]),
    # Named periods: a range of days or months, "the N months to ...", a year, the first week of
    # a month or of an event dated in the sentence.
    ("Between Nov. 1 and Nov. 20, Russian forces captured 370 square km in Ukraine, the group said.", D(2024, 12, 2),
     [{"value": 370, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "place": "UKR", "start_date": "2024-11-01", "date": "2024-11-20"}]),
    ("Russian forces seized more than 2,700 square kilometers of Ukrainian land in the three months to the end "
     "of November, according to an AP analysis.", D(2024, 12, 2),
     [{"value": 2700, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "qualifier": "more than", "start_date": "2024-09-01", "date": "2024-11-30", "source": "an AP analysis"}]),
    ("Russia's gains in 2024 amount to roughly 4,000 square kilometres.", D(2024, 12, 2),
     [{"value": 4000, "unit_normalized": "km2", "measure": "area_change", "side": "russia",
       "start_date": "2024-01-01", "date": "2024-12-02"}]),
    ("Ukraine captured more than 1,000 square kilometres in the first week of the incursion, which began on "
     "Aug. 6.", D(2024, 12, 2),
     [{"value": 1000, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "ukraine",
       "start_date": "2024-08-06", "date": "2024-08-12"}]),
    # A distance advanced over a named period is how far the side moved over it (a depth over
    # the period, as the dev set labels it), not a pace.
    ("Russian troops advanced 6 km near Kurakhove in October.", D(2024, 12, 2),
     [{"value": 6, "unit_normalized": "m", "value_normalized": 6000, "measure": "depth",
       "side": "russia", "place": "Kurakhove", "start_date": "2024-10-01", "date": "2024-10-31"}]),
    # A side that falls back: the advance is the other side's.
    ("Ukrainian forces have been pushed back about 10 kilometres around Kurakhove since the start of October.",
     D(2024, 11, 22),
     [{"value": 10, "unit_normalized": "m", "value_normalized": 10000, "measure": "depth",
       "side": "russia", "place": "Kurakhove", "start_date": "2024-10-01", "date": "2024-11-22"}]),
    # "down from a peak of about 1,300" takes the unit of the figure before it.
    ("Ukraine's army said it now controls about 800 sq km in Kursk, down from a peak of about 1,300.", D(2024, 11, 22),
     [{"value": 800, "unit_normalized": "km2", "measure": "area_held", "aspect": "current", "side": "ukraine"},
      {"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast"}]),
    # "... more than it did at the start of the year" is a change since 1 January; "at the start of
    # the year" alone dates a holding; "40% less territory than at their peak" is a share lost.
    ("Russia now holds roughly 4,000 square kilometres more than it did at the start of the year.", D(2024, 11, 30),
     [{"value": 4000, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "aspect": "net",
       "side": "russia", "start_date": "2024-01-01", "date": "2024-11-30"}]),
    ("Ukraine held 800 sq km of Kursk at the start of the year, the analysts said.", D(2024, 11, 30),
     [{"value": 800, "unit_normalized": "km2", "measure": "area_held", "side": "ukraine", "date": "2024-01-01"}]),
    ("Ukrainian forces hold around 40% less territory in Kursk than at their peak in August.", D(2024, 11, 30),
     [{"value": 40, "unit_normalized": "percent", "measure": "share_lost", "side": "ukraine", "place": "Kursk oblast",
       "date": "2024-11-30"}]),
    # Thousands grouped by spaces: "110 000 square kilometres" was read as 0, "1 300 km²" as 300.
    ("Russia now controls some 110 000 square kilometres of Ukraine, and Ukraine about 1 300 km² of Kursk.",
     D(2024, 11, 30),
     [{"value": 110000, "unit_normalized": "km2", "measure": "area_held", "side": "russia", "place": "UKR"},
      {"value": 1300, "unit_normalized": "km2", "measure": "area_held", "side": "ukraine", "place": "Kursk oblast"}]),
    # Two months joined by a dash are one period.
    ("Ukraine lost around 350 km2 of Kursk territory in October – November.", D(2024, 11, 30),
     [{"value": 350, "unit_normalized": "km2", "measure": "area_change", "direction": "lost", "side": "ukraine",
       "place": "Kursk oblast", "start_date": "2024-10-01", "date": "2024-11-30"}]),
    # Money is not a length: "$725m" was read as 725 metres.
    ("The US has approved a further $725m (£570m) in military aid, and Russia took 30 sq km near Pokrovsk "
     "last week.", D(2024, 12, 4),
     [{"value": 30, "unit_normalized": "km2", "measure": "area_change", "side": "russia", "place": "Pokrovsk"}]),
    # A conversion in brackets restates the distance: one claim.
    ("Russian forces advanced as much as 4 kilometers (2.5 miles) into Ukrainian lines near Velyka Novosilka "
     "over three days.", D(2024, 12, 3),
     [{"value": 4, "unit_normalized": "m", "value_normalized": 4000, "measure": "depth",
       "side": "russia", "place": "Velyka Novosilka", "qualifier": "as much as"}]),
    # A date in a clause of its own that dates another event does not date the claim.
    ("Russia occupies 107,000 sq km of Ukraine, including Crimea, which it annexed in March 2014.", D(2024, 12, 2),
     [{"value": 107000, "unit_normalized": "km2", "measure": "area_held", "side": "russia", "place": "UKR",
       "date": "2024-12-02"}]),
    # A share in apposition ("..., or 18.5 percent, of Ukraine") is a share of that country.
    ("Russia now occupies about 112,000 sq km, or 18.5 percent, of Ukraine.", D(2024, 12, 2),
     [{"value": 112000, "unit_normalized": "km2", "measure": "area_held", "aspect": "current", "side": "russia"},
      {"value": 18.5, "unit_normalized": "percent", "measure": "share_held", "side": "russia", "place": "UKR"}]),
    # Peaks named after the figure: "at one point", "... they once controlled".
    ("Ukraine controlled as much as 1,376 sq km of Kursk at one point, the analysts said.", D(2024, 12, 2),
     [{"value": 1376, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast"}]),
    ("Ukraine's forces in Kursk now hold less than half of the 1,300 square kilometers they once controlled.",
     D(2024, 12, 2),
     [{"value": 0.5, "value_normalized": 50, "unit_normalized": "percent", "measure": "share_held", "aspect": "of_peak",
       "qualifier": "less than", "side": "ukraine", "place": "Kursk oblast", "date": "2024-12-02"},
      {"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast"}]),
    # A place's distance from the front: the side is decided by the check (whoever does not hold it).
    ("The city of Kupiansk is 2.5 miles from the front line.", D(2024, 12, 2),
     [{"value": 2.5, "unit_normalized": "m", "value_normalized": 4023.36, "measure": "distance",
       "place": "Kupiansk", "side": None}]),
    ("Ukrainian officials say Pokrovsk is 8 km from the front.", D(2024, 12, 2),
     [{"value": 8, "unit_normalized": "m", "value_normalized": 8000, "measure": "distance", "place": "Pokrovsk",
       "side": None}]),
    # A shrinking share of held ground; a "now" after the clause of a peak; a rounded conversion.
    ("Ukraine's grip on the Kursk region has shrunk by more than 40% since the summer, analysts say.",
     D(2024, 11, 28),
     [{"value": 40, "unit_normalized": "percent", "measure": "share_lost", "direction": "lost", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "more than"}]),
    ("At its height, Ukraine held some 1,376 sq km (531 sq miles) of Russian territory; it now holds about "
     "800 sq km, according to Ukraine's top commander.", D(2024, 11, 28),
     [{"value": 1376, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine"},
      {"value": 800, "unit_normalized": "km2", "measure": "area_held", "aspect": "current", "side": "ukraine",
       "date": "2024-11-28"}]),
    ("Russian troops are within 3 km (2 miles) of Pokrovsk, a key logistics hub.", D(2024, 11, 28),
     [{"value": 3, "unit_normalized": "m", "value_normalized": 3000, "measure": "distance", "place": "Pokrovsk"}]),
    ("Since Ukraine's incursion began, Moscow has recaptured about half of the territory it lost.",
     D(2024, 11, 28),
     [{"value": 0.5, "value_normalized": 50, "unit_normalized": "percent", "measure": "share_lost",
       "side": "ukraine", "place": "Kursk oblast"}]),
    ("Russian forces have occupied around 2,000 square kilometers of Ukrainian territory since the beginning "
     "of October, DeepState reported.", D(2024, 11, 25),
     [{"value": 2000, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "place": "UKR", "start_date": "2024-10-01", "date": "2024-11-25", "source": "DeepState"}]),
    ("Ukrainian troops were pushed back 4 kilometers near Kurakhove over the weekend.", D(2024, 11, 25),
     [{"value": 4, "unit_normalized": "m", "value_normalized": 4000, "measure": "depth",
       "side": "russia", "place": "Kurakhove", "start_date": "2024-11-23", "date": "2024-11-24"}]),
    # Halves of a year are periods, not shares.
    ("The pace of Russian gains quadrupled in the second half of 2024, compared with the first half.",
     D(2024, 12, 3), []),
    ("Russia captured 600 sq km in the first half of the year.", D(2024, 12, 3),
     [{"value": 600, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "start_date": "2024-01-01", "date": "2024-06-30"}]),
    ("Ukraine's army still controls around 50 settlements in the Kursk region, a Ukrainian commander said.",
     D(2024, 12, 3),
     [{"value": 50, "unit_normalized": "settlements", "measure": "settlements", "aspect": "current",
       "side": "ukraine", "place": "Kursk oblast", "date": "2024-12-03", "qualifier": "around"}]),
    ("Russian forces have captured more territory in Ukraine this year than in any year since 2022, seizing "
     "about 3,000 square kilometres, according to open-source maps.", D(2024, 12, 10),
     [{"value": 3000, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "place": "UKR", "start_date": "2024-01-01", "date": "2024-12-10", "qualifier": "about"}]),
    ("Ukraine has so far kept hold of roughly 600 sq km of Russia's Kursk region, down from around 1,300 sq km "
     "at the height of its offensive.", D(2024, 12, 10),
     [{"value": 600, "unit_normalized": "km2", "measure": "area_held", "aspect": "current", "side": "ukraine",
       "place": "Kursk oblast"},
      {"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast"}]),
    ("Russian forces have gained 56,000 square kilometers since the start of the full-scale invasion.",
     D(2024, 11, 25),
     [{"value": 56000, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "start_date": "2022-02-24", "date": "2024-11-25"}]),
    # "regained control of" is a gain, not "control" held; a river is not a place.
    ("Ukraine has regained control of more than 40,000 square kilometres of territory since the start of the war, "
     "President Volodymyr Zelenskiy said.", D(2022, 12, 2),
     [{"value": 40000, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "ukraine",
       "start_date": "2022-02-24", "date": "2022-12-02", "qualifier": "more than"}]),
    # A bare number after "now holds" that ends its clause takes the unit of the figure before.
    ("Ukraine had controlled 1,171 square kilometres of Kursk at the peak of its offensive, but now holds about 650.",
     D(2024, 12, 2),
     [{"value": 1171, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast"},
      {"value": 650, "unit_normalized": "km2", "measure": "area_held", "aspect": "current", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "about"}]),
    ("Russia now holds 2024 positions along the front, up from 1,500 in 2023.", D(2024, 12, 2), []),
    # "shrunk to" is what is held after; "from a peak of about 1,300" takes the unit before it and
    # is the peak; "Ukraine's Kursk incursion" is in Kursk; "and" joins count modifiers.
    ("Ukraine's Kursk incursion has shrunk to roughly 800 square kilometres, from a peak of about 1,300, according "
     "to Ukrainian estimates published on Wednesday.", D(2024, 11, 27),
     [{"value": 800, "unit_normalized": "km2", "measure": "area_held", "aspect": "current", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "roughly"},
      {"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine",
       "place": "Kursk oblast"}]),
    ("About 45,000 Russian and North Korean troops are massing near the Ukrainian positions.", D(2024, 11, 18),
     [{"value": 45000, "unit_normalized": "persons", "measure": "troops", "side": "russia", "qualifier": "about"}]),
    # "a fifth of one percent" is 0.2%; "the 500 square miles they once held" is the peak; a range
    # with a unit at each end is one range in the second end's unit.
    ("Since January, Moscow has taken close to a fifth of one percent of Ukraine's land.", D(2024, 12, 2),
     [{"value": 0.2, "value_normalized": 0.2, "unit_normalized": "percent", "measure": "share_gained",
       "side": "russia", "place": "UKR", "start_date": "2024-01-01", "qualifier": "close to"}]),
    ("Ukraine's troops in Kursk have lost nearly half of the 500 square miles they once held.", D(2024, 12, 2),
     [{"value": 0.5, "value_normalized": 50, "unit_normalized": "percent", "measure": "share_lost", "side": "ukraine",
       "place": "Kursk oblast"},
      {"value": 500, "value_normalized": 500 * 2.589988110336, "unit_normalized": "km2", "measure": "area_held",
       "aspect": "peak", "side": "ukraine", "place": "Kursk oblast"}]),
    ("Russian units advanced 800 metres to 1.5 km a day near Kurakhove last week, a Ukrainian officer told the "
     "Guardian.", D(2024, 12, 2),
     [{"low": 0.8, "high": 1.5, "low_normalized": 800, "high_normalized": 1500, "unit_normalized": "m_per_day",
       "measure": "advance_rate", "side": "russia", "place": "Kurakhove"}]),
    # "pushed Ukrainian units back" is Russia's advance; "at the start of September" is 1 September;
    # "late October" is 21-31 October.
    ("Russia's defence ministry said its units had taken control of the village of Pushkine in the Kursk region "
     "and had pushed Ukrainian units back by up to 2 km over the past three days.", D(2024, 12, 9),
     [{"value": 2, "unit_normalized": "m", "value_normalized": 2000, "measure": "depth",
       "side": "russia", "place": "Pushkine", "place_within": "Kursk", "start_date": "2024-12-06", "date": "2024-12-08"}]),
    ("A Ukrainian military analyst said Kyiv's troops held about 650 sq km, down from roughly 1,200 at the start of "
     "September.", D(2024, 12, 9),
     [{"value": 650, "unit_normalized": "km2", "measure": "area_held", "side": "ukraine", "date": "2024-12-09"},
      {"value": 1200, "unit_normalized": "km2", "measure": "area_held", "aspect": "previous", "side": "ukraine",
       "date": "2024-09-01"}]),
    ("Russia captured 300 sq km in late October.", D(2024, 12, 9),
     [{"value": 300, "unit_normalized": "km2", "measure": "area_change", "side": "russia", "start_date": "2024-10-21",
       "date": "2024-10-31"}]),
    # "the occupiers" are Russia's forces; "the enemy" is the other side of a Ukrainian command named
    # without "Ukraine"; a place only in a later clause is another claim's (inferred, as if carried).
    ("The enemy has advanced 1.5 kilometers toward Vuhledar over the past week, the Khortytsia group of forces "
     "said.", D(2024, 10, 1),
     [{"value": 1.5, "unit_normalized": "m", "value_normalized": 1500, "measure": "depth",
       "side": "russia", "place": "Vuhledar", "start_date": "2024-09-24", "date": "2024-09-30"}]),
    ("Since the beginning of the year, the occupiers have seized about 2,700 square kilometers of Ukrainian land.",
     D(2024, 10, 1),
     [{"value": 2700, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "place": "UKR", "start_date": "2024-01-01"}]),
    ("Russia's summer offensive has netted it roughly 1,500 square miles (3,900 square kilometers) since May, "
     "according to U.S. officials, while Ukraine seized about 500 square miles (1,300 square kilometers) in "
     "Russia's Kursk region.", D(2024, 9, 25),
     [{"value": 1500, "value_normalized": 1500 * 2.589988110336, "unit_normalized": "km2", "measure": "area_change",
       "side": "russia", "place": "UKR", "place_inferred": True, "start_date": "2024-05-01"},
      {"value": 500, "value_normalized": 500 * 2.589988110336, "unit_normalized": "km2", "measure": "area_change",
       "side": "ukraine", "place": "Kursk oblast", "place_inferred": False}]),
    # "under their control" after the number stands for the speaker.
    ("Ukrainian officials said 92 settlements were under their control in Kursk.", D(2024, 8, 20),
     [{"value": 92, "unit_normalized": "settlements", "measure": "settlements", "aspect": "current",
       "side": "ukraine", "place": "Kursk oblast", "source": "Ukrainian officials"}]),
    # "in the Pokrovsk direction": the front named after the town; "covered" holds; a date after
    # "less than in" dates the comparison; "from the city limits of" is a distance.
    ("Russian forces have made confirmed advances of about 600 square kilometres in the Pokrovsk direction in "
     "the past month, the ISW said.", D(2024, 12, 31),
     [{"value": 600, "unit_normalized": "km2", "measure": "area_change", "side": "russia",
       "place": "Pokrovsk direction", "start_date": "2024-11-30"}]),
    ("At its height, Ukraine's incursion covered about 1,300 square kilometres.", D(2024, 12, 31),
     [{"value": 1300, "unit_normalized": "km2", "measure": "area_held", "aspect": "peak", "side": "ukraine"}]),
    ("Ukraine controls roughly 800 square kilometers of the Kursk region, a third less than in August.",
     D(2024, 12, 31),
     [{"value": 800, "unit_normalized": "km2", "measure": "area_held", "side": "ukraine", "place": "Kursk oblast",
       "date": "2024-12-31"}]),
    ("Moscow's troops now stand less than 7 kilometers (4 miles) from the key logistics hub of Pokrovsk.",
     D(2024, 11, 30),
     [{"value": 7, "unit_normalized": "m", "value_normalized": 7000, "measure": "distance", "side": "russia",
       "place": "Pokrovsk", "qualifier": "less than"}]),
    ("Russian troops are 3 km from the city limits of Pokrovsk, a Ukrainian commander said.", D(2024, 12, 31),
     [{"value": 3, "unit_normalized": "m", "value_normalized": 3000, "measure": "distance", "side": "russia",
       "place": "Pokrovsk"}]),
    # Holding a share of what the other side took, or retaking a share: the share the taker lost.
    ("Russia now holds about 45% of the Kursk territory Ukraine took in August, Kyiv's commander said.",
     D(2024, 11, 28),
     [{"value": 45, "unit_normalized": "percent", "measure": "share_lost", "side": "ukraine", "place": "Kursk oblast"}]),
    ("By mid-November, Russia had retaken about 40% of the territory, according to a Ukrainian source.",
     D(2024, 11, 28),
     [{"value": 40, "unit_normalized": "percent", "measure": "share_lost", "side": "ukraine", "date": "2024-11-15"}]),
    ("Ukraine has regained 54% of the territory Russia seized since February 24, the defence ministry said.",
     D(2022, 11, 12),
     [{"value": 54, "unit_normalized": "percent", "measure": "share_lost", "side": "russia",
       "start_date": "2022-02-24"}]),
    # "occupied <figure> in <month>" gains over that month; "a 20-km-wide front" is the width of the
    # push, a front length (as the real sets label "a salient some 40km wide", "over a breadth of 40 km").
    ("Russian forces occupied 610 km² in October, DeepState said.", D(2024, 11, 25),
     [{"value": 610, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "start_date": "2024-10-01", "date": "2024-10-31"}]),
    ("Over the past week, Russian forces liberated 8 settlements and advanced on a 20-km-wide front to a depth of "
     "4 km, the Russian defence ministry said.", D(2024, 11, 25),
     [{"value": 8, "unit_normalized": "settlements", "measure": "settlements", "side": "russia"},
      {"value": 20, "unit_normalized": "m", "value_normalized": 20000, "measure": "front_length"},
      {"value": 4, "unit_normalized": "m", "value_normalized": 4000, "measure": "depth",
       "side": "russia"}]),
    # A depth into the other country; Russia's near the town named.
    ("Ukrainian forces have pushed up to 35 km into Russia since the incursion began, Ukraine's commander said.",
     D(2024, 8, 20),
     [{"value": 35, "unit_normalized": "m", "value_normalized": 35000, "measure": "depth", "side": "ukraine",
       "place": "Kursk oblast", "qualifier": "up to"}]),  # place.incursion (see "3 miles into Russian territory")
    ("Russian forces have pushed up to 8 km into Ukraine near Vovchansk since May, Ukrainian officials said.",
     D(2024, 6, 10),
     [{"value": 8, "unit_normalized": "m", "value_normalized": 8000, "measure": "depth", "side": "russia",
       "place": "Vovchansk"}]),
    # "since <event> on <day>": the period starts that day.
    ("Ukraine has retaken more than 8,000 square kilometres since the start of its counteroffensive on "
     "September 6, Zelenskiy said.", D(2022, 9, 13),
     [{"value": 8000, "unit_normalized": "km2", "measure": "area_change", "side": "ukraine",
       "start_date": "2022-09-06", "date": "2022-09-13", "qualifier": "more than"}]),
    # "since <event> two weeks ago": a period that starts 14 days before the reference.
    ("Russian troops have advanced up to 10 kilometres west of Avdiivka since capturing the town two weeks ago, "
     "Ukrainian commanders said.", D(2024, 3, 2),
     [{"value": 10, "unit_normalized": "m", "value_normalized": 10000, "measure": "depth",
       "side": "russia", "place": "Avdiivka", "start_date": "2024-02-17", "date": "2024-03-02", "qualifier": "up to"}]),
    # The grey zone is its own measure; a unit before a capital ends the sentence.
    ("The grey zone between the two armies now covers around 1,000 square kilometres, according to DeepState. "
     "In the Kursk region, the gray zone stretches over some 200 sq km. Ukraine holds about 500 square kilometres "
     "of Russia's Kursk region.", D(2024, 11, 24),
     [{"value": 1000, "unit_normalized": "km2", "measure": "grey_zone", "side": None, "place": None,
       "source": "DeepState"},
      {"value": 200, "unit_normalized": "km2", "measure": "grey_zone", "side": None, "place": "Kursk oblast"},
      {"value": 500, "unit_normalized": "km2", "measure": "area_held", "side": "ukraine", "place": "Kursk oblast"}]),
    # "since the incursion began" is 6 August 2024; "on Monday alone" is one day.
    ("Russia has gained some 550 sq km in the east since the incursion began, analysts at DeepState said.",
     D(2024, 8, 20),
     [{"value": 550, "unit_normalized": "km2", "measure": "area_change", "direction": "gained", "side": "russia",
       "start_date": "2024-08-06", "date": "2024-08-20", "qualifier": "some"}]),
    ("Ukrainian forces had advanced between 1 and 3 km near Sudzha on Monday alone, Syrskyi said.", D(2024, 8, 20),
     [{"low": 1, "high": 3, "unit_normalized": "m", "low_normalized": 1000, "high_normalized": 3000,
       "measure": "depth", "side": "ukraine", "place": "Sudzha", "start_date": "2024-08-19", "date": "2024-08-19"}]),
    ("Ukrainian marines advanced 3 km on the east bank of the Dnipro River over a week.", D(2023, 11, 20),
     [{"value": 3, "unit_normalized": "m", "value_normalized": 3000, "measure": "depth",
       "side": "ukraine", "place": None}]),
]

NUMERIC_FIELDS = {"value", "low", "high", "value_normalized", "low_normalized", "high_normalized"}


def matching_claim(records: list[dict], gold: dict) -> dict | None:
    """The extracted record whose value (or low/high) matches the gold claim."""
    for r in records:
        if "value" in gold and r["value"] is not None and abs(r["value"] - gold["value"]) < 1e-3:
            return r
        if "low" in gold and r["low"] is not None and abs(r["low"] - gold["low"]) < 1e-6 \
                and abs(r["high"] - gold["high"]) < 1e-6:
            return r
    return None


def assert_matches_gold(records: list[dict], gold_claims: list[dict], label: str) -> None:
    for gold in gold_claims:
        found = matching_claim(records, gold)
        assert found is not None, f"{label}: missing {gold} in {[r['surface'] for r in records]}"
        for key, want in gold.items():
            got = found[key]
            if key in NUMERIC_FIELDS:
                assert got == pytest.approx(want, rel=2e-3), f"{label}: {key} {got} != {want}"
            else:
                assert got == want, f"{label}: {key} {got!r} != {want!r} ({found['surface']})"


# --- seed article -------------------------------------------------------------


def test_seed_article_claims_match_gold(article_file: Path):
    """Reads ../shared/data/articles/kursk-2024-11-24.txt: every gold claim, with its fields."""
    records = [c.to_record() for c in extract_claims(article_file.read_text(encoding="utf-8"))]
    assert_matches_gold(records, ARTICLE_GOLD, "article")


def test_seed_article_emits_no_times_years_or_days(article_file: Path):
    """Reads ../shared/data/articles/kursk-2024-11-24.txt: 7:03 AM, 2024 and 24 are not quantities."""
    claims = extract_claims(article_file.read_text(encoding="utf-8"))
    values = {c.value for c in claims}
    assert not values & {7.0, 3.0, 2024.0, 24.0}
    assert len(claims) == len(ARTICLE_GOLD)


def test_seed_article_dateline_sets_published_date(article_file: Path):
    """Reads ../shared/data/articles/kursk-2024-11-24.txt: no date given, the dateline is used."""
    claims = extract_claims(article_file.read_text(encoding="utf-8"))
    assert {c.to_record()["date"] for c in claims if c.measure == "troops"} == {"2024-11-24"}


def test_seed_article_share_lost_is_consistent_with_held_areas(article_file: Path):
    """Reads ../shared/data/articles/kursk-2024-11-24.txt: over 40% vs 531 -> 309 sq mi (41.8%)."""
    claims = extract_claims(article_file.read_text(encoding="utf-8"))
    records = consistency(claims)
    share = [r for r in records if r["relation"] == "share_lost_vs_held_areas"]
    assert len(share) == 1
    assert share[0]["consistent"] is True
    assert share[0]["derived_value"] == pytest.approx(41.8, abs=0.1)
    by_id = {c.id: c for c in claims}
    assert [by_id[i].value for i in share[0]["claims"]] == [40, 531, 309]
    json.dumps(records)


# --- gold set ---------------------------------------------------------------


@pytest.mark.parametrize("text,published,gold", GOLD, ids=[g[0][:40] for g in GOLD])
def test_gold_sentence_claims(text, published, gold):
    records = [c.to_record() for c in extract_claims(text, published)]
    assert_matches_gold(records, gold, text[:40])
    assert len(records) == len(gold), [r["surface"] for r in records]


def test_gold_set_has_at_least_15_cases():
    assert len(GOLD) >= 15


def test_gold_set_covers_every_unit_a_claim_can_have():
    units = {g["unit_normalized"] for _, _, claims in GOLD for g in claims}
    assert units >= {"km2", "m", "m_per_day", "percent", "persons", "settlements"}


def test_dateline_in_text_sets_published_date_when_none_given():
    text = "November 3, 2024\nRussian forces captured 5 villages last week, officials said."
    (claim,) = extract_claims(text)
    # The 7 days ending the day before 3 November (the dev set README's convention for "the past
    # week": the report's own day is not over).
    assert claim.start_date == D(2024, 10, 27) and claim.date == D(2024, 11, 2)


def test_caller_published_date_wins_over_dateline():
    text = "November 3, 2024\nUkraine now controls about 600 square kilometres in Kursk."
    (claim,) = extract_claims(text, published=D(2024, 11, 5))
    assert claim.date == D(2024, 11, 5)


def test_place_carries_over_to_next_sentence():
    text = ("Fighting is heaviest around Vuhledar. Russian troops are advancing there by "
            "about 500 metres a day, a Ukrainian officer said.")
    (claim,) = extract_claims(text, D(2024, 9, 1))
    assert claim.place == "Vuhledar" and claim.value_normalized == pytest.approx(500)


def test_quote_continuation_takes_attribution_of_closing_sentence():
    text = ('"We hold 300 square kilometres. We will not leave," a Ukrainian brigade commander '
            'told AFP.')
    (claim,) = extract_claims(text, D(2024, 9, 1))
    assert claim.source == "a Ukrainian brigade commander, cited by AFP"
    assert claim.side == "ukraine"


def test_inconsistent_share_is_flagged():
    text = ("At its peak, Ukraine held 1,300 sq km in Kursk. Now it controls about 800 sq km there. "
            "Kyiv has lost about 10% of that territory, a Ukrainian commander said.")
    records = consistency(extract_claims(text, D(2024, 12, 1)))
    assert len(records) == 1
    assert records[0]["consistent"] is False
    assert records[0]["derived_value"] == pytest.approx(38.46, abs=0.01)


def test_record_is_json_ready_with_stable_ids():
    claims = extract_claims(GOLD[0][0], GOLD[0][1])
    again = extract_claims(GOLD[0][0], GOLD[0][1])
    assert [c.id for c in claims] == [c.id for c in again] == ["c0"]
    record = claims[0].to_record()
    json.dumps(record)
    for key in ("value", "unit", "value_normalized", "unit_normalized", "measure", "side", "place",
                "date", "qualifier", "source", "sentence", "aspect", "direction", "start_date", "id"):
        assert key in record
    assert isinstance(claims[0], Claim)


# --- bad input --------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "   \n\n", None, b""])
def test_empty_input_gives_no_claims(bad):
    assert extract_claims(bad) == []


def test_non_english_text_is_refused_with_a_warning():
    """No claims, and a UserWarning saying the extractor reads English."""
    text = ("Украинские войска потеряли более 40% территории в Курской области, сообщил источник. "
            "Сейчас мы контролируем примерно 800 квадратных километров, добавил он.")
    with pytest.warns(UserWarning, match="English"):
        assert extract_claims(text) == []


def test_binary_input_does_not_crash():
    blob = bytes(range(256)) * 400
    assert isinstance(extract_claims(blob), list)
    assert isinstance(extract_claims(blob.decode("latin-1")), list)


def test_wrong_type_raises_clear_error():
    with pytest.raises(TypeError, match="str or bytes"):
        extract_claims(12345)


def test_pathological_inputs_do_not_hang():
    """Long runs of digits, commas, quotes, words and qualifiers each give a list of claims."""
    for text in ("1" * 100_000, "1," * 50_000, "," * 100_000 + " said", '"' * 50_000,
                 "A " * 50_000 + "said", "- to " * 20_000, "about " * 30_000 + "5 km"):
        assert isinstance(extract_claims(text), list)


# --- comparison with quantulum3 -------------------------------------------------


def _load_bench():
    spec = importlib.util.spec_from_file_location("claims_vs_quantulum", ROOT / "bench" / "claims_vs_quantulum.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_frontwatch_beats_quantulum3_on_gold_set():
    pytest.importorskip("quantulum3")
    bench = _load_bench()
    scores = bench.compare(include_article=False)
    ours, theirs = scores["frontwatch"], scores["quantulum3"]
    assert ours["f1"] > theirs["f1"]
    assert ours["recall"] >= 0.9 and ours["precision"] >= 0.9
    assert ours["ranges_collapsed"] == 0 and ours["times_as_quantities"] == 0
    assert ours["years_or_days_as_quantities"] == 0


def _as_web_page(text: str, meta_date: str | None = None) -> str:
    """``text`` as a news site serves it: paragraphs in an <article>, entities, a script and a
    navigation bar holding numbers of their own, a footer, and a published-time meta tag."""
    import html

    paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    meta = f'<meta property="article:published_time" content="{meta_date}T07:03:00Z">' if meta_date else ""
    return (f"<!DOCTYPE html><html><head><title>News</title>{meta}<script>var budget = \"5,000 km\";</script>"
            f"<style>p {{ margin: 0 }}</style></head><body><nav>Markets up 12% | Weather 3 km visibility</nav>"
            f"<article>{paras}</article><footer>&copy; 2024, 120 countries</footer></body></html>")


def test_a_saved_web_page_gives_the_claims_of_its_text(article_file: Path):
    """The seed article as HTML: the same claims as the text (value, unit, measure, side, place,
    date, source), none from the script, the navigation or the footer."""
    text = article_file.read_text(encoding="utf-8")
    keys = ("value", "low", "high", "unit_normalized", "measure", "side", "place", "date", "source")
    want = [tuple(c.to_record()[k] for k in keys) for c in extract_claims(text)]
    got = [tuple(c.to_record()[k] for k in keys) for c in extract_claims(_as_web_page(text))]
    assert got == want and len(got) >= 8


def test_a_web_page_without_dateline_takes_its_published_time():
    page = _as_web_page("Ukraine holds about 500 square kilometres of the Kursk region, officials said.", "2024-11-20")
    (claim,) = extract_claims(page)
    assert claim.date == dt.date(2024, 11, 20) and claim.value == 500
    (plain,) = extract_claims(page, published=dt.date(2024, 11, 24))  # the caller's date still wins
    assert plain.date == dt.date(2024, 11, 24)


def test_a_named_period_resolves_to_the_days_it_spans():
    """Ranges ("between ... and ...", "from August to October", "Nov. 1-20"), "the three months to
    the end of November", "in the first week of November", a year; the month before a month's end
    starts on the 1st."""
    from frontwatch.claims.dates import date_mentions

    ref = D(2024, 12, 2)

    def period(sentence, reference=ref):
        (m,) = [m for m in date_mentions(sentence, reference) if m.start_date is not None]
        return m.start_date, m.date

    assert period("Between Nov. 1 and Nov. 20, Russia took 370 sq km.") == (D(2024, 11, 1), D(2024, 11, 20))
    assert period("From August to October Russia took 1,000 sq km.") == (D(2024, 8, 1), D(2024, 10, 31))
    assert period("Russia took 200 sq km on Nov. 1-20.") == (D(2024, 11, 1), D(2024, 11, 20))
    assert period("Between December 20 and January 5, Russia took 300 sq km.", D(2025, 1, 10)) == \
        (D(2024, 12, 20), D(2025, 1, 5))
    assert period("Russia took 600 sq km in the three months to the end of November.") == (D(2024, 9, 1), D(2024, 11, 30))
    assert period("Russia took 50 sq km in the first week of November.") == (D(2024, 11, 1), D(2024, 11, 7))
    # "of 2024" or "of the year"; a dateline's day in the same sentence does not start "the first N months".
    assert [(m.start_date, m.date) for m in date_mentions(
        "WASHINGTON, Dec 1, 2024 (ISW) - Russian forces gained roughly 2,356 square miles in Ukraine in the first "
        "11 months of 2024.", ref) if m.kind == "range"] == [(D(2024, 1, 1), D(2024, 11, 30))]
    assert period("Russia took 3,000 sq km in the first ten months of the year.") == (D(2024, 1, 1), D(2024, 10, 31))
    assert period("Russia's gains in 2024 amount to 4,000 sq km.") == (D(2024, 1, 1), ref)
    # "the past month" ends the day before the report, as "the past week" does (dev set README).
    assert period("Russia took 600 sq km over the past month.", D(2024, 11, 30)) == (D(2024, 10, 30), D(2024, 11, 29))
    assert period("Russia took 1,000 sq km in December–February.", D(2025, 2, 10)) == (D(2024, 12, 1), D(2025, 2, 10))
    # Seasons (northern, meteorological); "the fall of Avdiivka" is no season.
    assert period("Russia has gained 200 sq km a week since the summer.", D(2024, 11, 30))[0] == D(2024, 6, 1)
    assert period("Russia took 1,000 sq km in the autumn.", D(2024, 11, 30)) == (D(2024, 9, 1), D(2024, 11, 30))
    assert period("Russia took 500 sq km last winter.", D(2024, 11, 30)) == (D(2023, 12, 1), D(2024, 2, 29))
    # ... but the day the town fell (lexicon/events.json's towns_taken); an unknown town dates nothing.
    (avdiivka,) = date_mentions("Since the fall of Avdiivka, Russia took 3,000 sq km.", ref)
    assert (avdiivka.kind, avdiivka.start_date) == ("since", D(2024, 2, 17))
    assert not date_mentions("Since the fall of Ocheretyne, Russia took 3,000 sq km.", ref)
    # "may" in lower case is a verb, and two months that are not joined are two mentions.
    assert not date_mentions("Russia took 50 sq km in the first week of may.", ref)
    assert len(date_mentions("Russia took 100 sq km in October, up from 50 in September.", ref)) == 2


def test_a_rounded_conversion_in_brackets_is_not_a_claim_but_another_figure_is():
    """"3 km (2 miles)" is 3 km written twice (2 miles is 3.2 km, within half a mile); "1,000 km
    (600 miles)" too (to the nearest 50 miles); "2 km (5 miles)" is not a conversion at all."""
    def figures(text):
        return [c.value for c in extract_claims(text, published=D(2024, 11, 28))]

    assert figures("Russian troops are within 3 km (2 miles) of Pokrovsk.") == [3]
    assert figures("The front line is more than 1,000 km (600 miles) long.") == [1000]
    assert figures("Russian troops are within 2 km (5 miles) of Pokrovsk.") == [2, 5]


# --- bounded work (issue 25, defect 1) ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "half of " * 12800,                      # fraction words: counted against the per-sentence cap
    "twenty thirty forty " * 6000,           # number words too
    "1 " * 50000,
])
def test_hostile_figures_are_capped_per_sentence_before_any_is_examined(text):
    """Each cut sentence of these 100 KB inputs has more figures than MAX_NUMBERS_PER_SENTENCE, so
    none is examined: the work done is counted, not timed."""
    from frontwatch.claims import extract as ex

    stats: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims = ex.extract_claims(text, published=D(2024, 11, 20), stats=stats)
    assert stats["quantities_examined"] == 0 and claims == [], stats


def test_many_fractions_in_prose_stop_at_the_document_cap():
    """'a third of' 4,000 times (130 KB) in sentences just under the per-sentence cap: at most
    MAX_CLAIMS_PER_DOCUMENT figures are examined, then reading stops."""
    from frontwatch.claims import extract as ex

    stats: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ex.extract_claims("Russia holds a third of Ukraine, " * 4000, published=D(2024, 11, 20), stats=stats)
    assert stats["quantities_examined"] <= ex.MAX_CLAIMS_PER_DOCUMENT <= ex.MAX_QUANTITIES_PER_DOCUMENT, stats


def test_reading_a_document_stops_at_its_claim_cap():
    """1,600 real-looking claims: reading stops at MAX_CLAIMS_PER_DOCUMENT, with a warning, and the
    rest is never examined (the cap applies while extracting, not after)."""
    from frontwatch.claims import extract as ex

    text = "Russian forces captured 10 sq km near Pokrovsk in the past week. " * 1600
    stats: dict = {}
    with pytest.warns(UserWarning, match="stopped after"):
        claims = ex.extract_claims(text, published=D(2024, 11, 20), stats=stats)
    assert len(claims) == ex.MAX_CLAIMS_PER_DOCUMENT == stats["quantities_examined"]
    assert stats["sentences_skipped"] > 1000


# --- recognisers, each on its own ----------------------------------------------------------------

def _place_names(s):
    from frontwatch.claims.places import place_mentions

    return [(m.canonical or m.kind) for m in place_mentions(s)]


def test_place_recogniser_names_each_kind_of_place():
    """Countries, oblasts (in either spelling), unions of oblasts ("the Donbas", "the Zaporizhzhia
    and Kherson regions"), and "Donetsk" alone as the oblast or its city."""
    from frontwatch.claims.places import place_mentions

    names = _place_names
    assert names("about 75% of the Donbas and over 65% of the Zaporizhzhia and Kherson regions") == [
        "Donetsk oblast+Luhansk oblast", "Zaporizhzhia oblast+Kherson oblast"]
    assert names("six in Lugansk region") == ["Luhansk oblast"]
    assert names("590 square kilometers of land in Russia's Kursk region") == ["Kursk oblast"]
    assert names("143 sq km of Ukrainian land") == ["UKR"] and names("7% of Ukraine's territory") == ["UKR"]
    # "Donetsk" alone is the oblast or its city: the frame builder picks by the measure.
    (d,) = place_mentions("four in Donetsk")
    assert (d.kind, d.canonical, d.city) == ("oblast_or_city", "Donetsk oblast", "Donetsk")


def test_place_recogniser_leaves_out_words_that_are_not_places():
    """The vetted settlements Toretsk and Pokrovsk are named without the words around them."""
    names = _place_names
    # Words that are not places: an adjective, an office, a person after a country name.
    assert names("In an address to the Luxembourgish parliament") == []
    assert "Kharkiv oblast" not in names("a deputy head of Kharkiv regional military administration")
    assert names("said the commander-in-chief of Ukraine Oleksandr Syrskyi") == ["UKR"]
    assert names("Toretsk, the strategically vital town located under 9 kilometers away") == ["Toretsk"]
    assert names("just 15 kilometres from the main eastern supply hub Pokrovsk") == ["Pokrovsk"]


def test_actor_recogniser_tells_actors_from_objects_of_a_verb():
    """A side's adjective before another noun ("Russian lines") names no actor; after "pushed",
    "from" or "of" it is governed, an object."""
    from frontwatch.claims.actors import actor_mentions

    def actors(s):
        return [(a.side, a.kind, a.governed) for a in actor_mentions(s)]

    # "Russian lines" names no actor; "Russian soldiers" after "pushed" is an object.
    assert actors("Ukrainian forces have penetrated Russian lines") == [("ukraine", "adjective", None)]
    assert actors("Ukrainian forces pushed Russian soldiers back") == [
        ("ukraine", "adjective", None), ("russia", "adjective", "pushed")]
    assert actors("the territory recaptured from Russian forces") == [("russia", "adjective", "from")]
    assert actors("is under the control of the occupiers") == [("russia", "term", "of")]
    assert actors("Ukrainian-occupied territory") == [("ukraine", "compound", None)]


def test_speaker_side_comes_from_the_speakers_title_or_name():
    """A title naming a country's staff, or a known official's name; none for neither."""
    from frontwatch.claims.actors import speaker_side

    assert speaker_side("Sergei Rudskoi, a deputy chief of Russia's General Staff") == "russia"
    assert speaker_side("Hanna Maliar") == "ukraine" and speaker_side("the intelligence statement") is None


def test_time_recogniser_resolves_periods_against_the_publication_day():
    from frontwatch.claims.dates import date_mentions

    ref = D(2024, 9, 11)

    def spans(s, reference=ref):
        return [(m.start_date, m.date) for m in date_mentions(s, reference) if m.kind != "now"]

    # "the past N days / week": whole days ending the day before publication (dev README).
    assert spans("in the past five days") == [(D(2024, 9, 6), D(2024, 9, 10))]
    assert spans("in just the past week") == [(D(2024, 9, 4), D(2024, 9, 10))]
    assert spans("Last year, Russian forces took 2,233 sq km") == [(D(2023, 1, 1), D(2023, 12, 31))]
    assert spans("in the month of August alone") == [(D(2024, 8, 1), D(2024, 8, 31))]
    assert spans("over the entirety of 2023") == [(D(2023, 1, 1), D(2023, 12, 31))]
    assert spans("as of late Sunday") == [(None, D(2024, 9, 8))]
    assert spans("so far this year") == [(D(2024, 1, 1), ref)]


def test_quantity_recogniser_reads_real_ways_of_writing_figures():
    def read(s):
        return [(c.value_normalized, c.low_normalized, c.high_normalized, c.unit_normalized)
                for c in extract_claims(s, published=D(2024, 11, 20))]

    assert read("Russia captured 204.7 sq kms last week.") == [(204.7, None, None, "km2")]
    assert read("Russian troops have captured 1,017 populated localities since the war began.") == [
        (1017, None, None, "settlements")]
    assert read("Russia now holds 0.039% of Ukraine.") == [(0.039, None, None, "percent")]
    assert read("Russia expanded its holdings of Ukrainian land by 0.3 percentage points.") == [
        (0.3, None, None, "percent")]
    (rate,) = read("Russian forces advance 700 to 1,200 meters every five days near Pokrovsk.")
    assert rate[3] == "m_per_day" and rate[1:3] == pytest.approx((140, 240))


def test_every_claim_explains_each_field():
    (c,) = extract_claims("Russian troops captured 235 square kilometres in just the past week, a record for "
                          "2024, according to an analysis of ISW data by AFP.", published=D(2024, 11, 25))
    assert (c.start_date, c.date) == (D(2024, 11, 18), D(2024, 11, 24))  # not from 1 January 2024
    assert c.explain["date"] == "date.past_period: in just the past week"
    assert c.explain["side"] == "side.subject: Russian troops" and c.explain["place"].startswith("place.whole_country")
    assert set(c.to_record()["explain"]) == {"quantity", "measure", "side", "place", "date"} and c.unsure == {}


def test_a_claim_says_which_field_it_is_unsure_of():
    (held,) = extract_claims("Ukraine holds about 500 square kilometres.", published=D(2023, 11, 25))
    assert held.place is None and "place" in held.unsure  # Ukraine's holding: in Ukraine or in Russia?


def test_ukraines_holding_with_no_place_while_it_held_ground_in_russia_is_kursk():
    """Between the incursion's first and last day (lexicon/events.json) a Ukrainian holding far
    smaller than its own country, or a share of what it took, is its ground in Russia."""
    (held,) = extract_claims("Ukraine holds about 500 square kilometres.", published=D(2024, 11, 25))
    assert (held.place, held.place_inferred, held.unsure) == ("Kursk oblast", True, {})
    assert held.explain["place"].startswith("place.incursion: Ukraine held ground in Russia from 2024-08-06")
    (share,) = extract_claims("Ukraine only holds 12% of the conquered territory.", published=D(2025, 3, 14))
    assert (share.measure, share.side, share.place) == ("share_held", "ukraine", "Kursk oblast")
    # Before the incursion, and a holding as large as Ukraine's own ground, stay unsure.
    (before,) = extract_claims("Ukraine holds about 500 square kilometres.", published=D(2024, 7, 1))
    assert before.place is None and "place" in before.unsure
    (large,) = extract_claims("Ukraine holds about 480,000 square kilometres.", published=D(2024, 11, 25))
    assert large.place is None and "place" in large.unsure


def test_more_ways_of_writing_a_claim_are_each_read_by_their_rule():
    """Phrasings of the same facts the recognisers compose (written for this test, one per rule):
    shares, holders and periods."""
    def one(s, published=D(2024, 11, 27)):
        (c,) = extract_claims(s, published=published)
        return c

    c = one("Moscow now holds roughly an eighth of the country.")
    assert (c.value_normalized, c.measure, c.side, c.place) == (pytest.approx(12.5), "share_held", "russia", "UKR")
    c = one("About 18% of Ukraine is Russian-occupied.")
    assert (c.measure, c.side) == ("share_held", "russia")
    # "seized by Russia" qualifies the land; the subject retook it: Russia's share lost.
    c = one("Ukraine has retaken 54% of the land seized by Russia since February 2022.")
    assert (c.measure, c.side) == ("share_lost", "russia")
    c = one("Russian forces captured 200 sq km in the week to Sunday, analysts said.")
    assert (c.start_date, c.date) == (D(2024, 11, 18), D(2024, 11, 24))
    c = one("About 500 sq km of the Kursk region remain under Kyiv's control.")
    assert (c.measure, c.side, c.place) == ("area_held", "ukraine", "Kursk oblast")
    c = one("About 18% of Ukraine remains in Russian hands.")
    assert (c.measure, c.side, c.place) == ("share_held", "russia", "UKR")
    # A relative change is not a share of ground.
    assert one("Russia captured 40% more territory in November than in October.").measure == "other"


def test_a_running_total_during_an_offensive_counts_from_its_first_day():
    """lexicon/events.json's operations: a depth, or a gain in the present perfect, with no period
    named, in an operation's window and where it was fought (or with no place, for a side that
    made no other gains then) counts from the operation's first day; one operation must fit."""
    def one(s, published):
        (c,) = extract_claims(s, published=published)
        return c

    c = one("He said Ukrainian troops have now advanced up to 19 miles into the Kursk region.", D(2024, 8, 20))
    assert (c.measure, c.side, c.start_date, c.date) == ("depth", "ukraine", D(2024, 8, 6), D(2024, 8, 20))
    assert "start.operation: the Kursk incursion began on 2024-08-06" in c.explain["date"]
    c = one("Ukrainian troops advanced up to 7 km in the south, the deputy defence minister said.", D(2023, 6, 15))
    assert (c.measure, c.start_date) == ("depth", D(2023, 6, 4))
    c = one("Russian troops advanced as far as 5 km near Vovchansk, the general staff said.", D(2024, 5, 18))
    assert (c.measure, c.side, c.start_date) == ("depth", "russia", D(2024, 5, 10))
    # Not where that offensive was fought; a loss; two operations at once (Kherson and Kharkiv, 2022).
    assert one("Russian troops advanced as far as 5 km near Pokrovsk, the general staff said.", D(2024, 5, 18)).start_date is None
    lost = one("Ukrainian forces have lost 500 square kilometres in the Kursk region, a source said.", D(2024, 11, 23))
    assert lost.start_date is None and "period" in lost.unsure
    assert one("Ukrainian forces have advanced up to 50 km, the general staff said.", D(2022, 9, 12)).start_date is None
