"""The place of a figure (claims/places.py and the place rules of claims/extract.py), seventh pass:
names that are actors or formations rather than places, names that narrow a place, references to a
front sector, and what the report's discourse says a figure's place is. One rule per test, on
sentences written for the test."""
from __future__ import annotations

import datetime as dt

from claimtext import claims

from frontwatch.claims.places import place_mentions
from frontwatch.claims.text import split_sentences


def test_country_in_an_institution_name_is_not_a_place():
    found = place_mentions("The Armed Forces of Ukraine released the figure on Tuesday.")
    assert [m.canonical for m in found] == []


def test_country_after_in_the_hands_of_is_not_a_place():
    found = place_mentions("The retreat left about 300 square kilometres back in the hands of Ukraine.")
    assert [m.kind for m in found] == []


def test_name_of_a_military_formation_is_not_a_place():
    found = place_mentions("Troops of the Bakhmut (East) group of forces moved up.")
    assert [m.text for m in found] == []


def test_bare_oblast_names_in_a_list_are_a_union():
    (m,) = place_mentions("Moscow holds most of Kherson and Zaporizhzhia.")
    assert (m.kind, m.canonical, m.rule) == ("union", "Kherson oblast+Zaporizhzhia oblast", "place.union_of_names")


def test_share_of_two_oblasts_named_bare_is_the_union():
    (c,) = claims("Russian troops hold about 70% of Kherson and Zaporizhzhia.")
    assert set(c.place.split("+")) == {"Kherson oblast", "Zaporizhzhia oblast"}


def test_countrys_total_territory_is_the_country():
    (c,) = claims("By the end of the month Russian forces held 18.5% of Ukraine's total territory.")
    assert c.place == "UKR"


def test_region_in_the_possessive_before_a_town_gives_the_town():
    (c,) = claims("Kyiv's troops retook 4 square kilometres of land near Donetsk Oblast's Bakhmut in a week.")
    assert c.place == "Bakhmut"


def test_this_front_is_the_sector_last_named():
    (c,) = claims("Fighting went on along the Kupiansk front. Ukrainian troops on this front retook "
                  "three square kilometres last week.")
    assert c.place == "Kupiansk direction"
    assert c.explain["place"].startswith("place.in_clause: this front")


def test_settlements_listed_after_a_count_are_not_its_place():
    (c,) = claims("Russia's Defence Ministry reported that its units had captured 38 settlements in the Kharkiv region this "
                  "month, including Vovchansk.")
    assert c.place == "Kharkiv oblast"


def test_count_whose_members_follow_a_colon_takes_the_region_before():
    (c,) = claims("Fighting went on in the Kursk region. Over ten days the army retook five villages: Olgovka, "
                  "Zeleny Shlyakh and three others.")
    assert c.place == "Kursk oblast"


def test_place_in_a_relative_clause_does_not_move_the_report():
    (c,) = claims("Russian forces kept attacking Chasiv Yar. They brought tanks into the area, which is the road "
                  "to the city of Kramatorsk. The commander said they advanced by three kilometres in places.")
    assert c.place == "Chasiv Yar"


def test_line_figure_carries_the_last_town_not_the_region_after_it():
    (c,) = claims("Fighting raged around Vovchansk. The town of Vovchansk and nearby villages of the Kharkiv "
                  "region were shelled. The ministry said its troops had advanced two kilometres deep.")
    assert c.place == "Vovchansk"


def test_region_fronted_before_a_pace_beats_a_town_in_a_later_clause():
    first, _ = claims("In the Sumy region, Russian troops advanced at 40 metres per day, while in the Pokrovsk "
                      "sector, the figure was 120 metres per day.")
    assert first.place == "Sumy oblast"


def test_depth_into_russia_during_the_incursion_is_kursk_oblast():
    (c,) = claims("Ukraine's attack into Russia's Kursk region surprised Moscow, while its troops were under "
                  "pressure in Donetsk oblast. They advanced up to 20 km inside Russia within a week.",
                  published=dt.date(2024, 8, 14))
    assert c.place == "Kursk oblast"
    assert c.explain["place"].startswith("place.incursion")


def test_operation_named_after_a_region_is_not_its_city():
    (m,) = place_mentions("The Kherson counteroffensive went on.")
    assert (m.kind, m.city) == ("oblast", None)


def test_sentences_whose_space_was_lost_are_split():
    texts = [s.text.strip() for s in split_sentences("The army took 12 villages in the Kursk region.In June it took 9.")]
    assert texts == ["The army took 12 villages in the Kursk region.", "In June it took 9."]


def test_front_length_of_the_whole_front_is_not_a_regions():
    (c,) = claims("Ukraine's push into the Kursk region began last week. Its troops elsewhere face attacks along "
                  "the 1,100-kilometre front line.", published=dt.date(2024, 8, 13))
    assert (c.measure, c.place) == ("front_length", "UKR")


def test_city_listed_after_a_count_is_a_member_too():
    (c,) = claims("Russian troops pushed deeper into the Dnipropetrovsk region this week and took two villages: "
                  "Zaporizhzhia and Novoselivka.")
    assert c.place == "Dnipropetrovsk oblast"


def test_the_south_during_the_2023_counteroffensive_is_its_southern_front():
    (c,) = claims("Kyiv's forces have freed 150 square kilometres in the south since the counteroffensive began.",
                  published=dt.date(2023, 7, 20))
    assert set(c.place.split("+")) == {"Zaporizhzhia oblast", "Donetsk oblast"}


def test_the_south_names_no_place_outside_an_operation():
    assert [m.kind for m in place_mentions("Russia has taken 300 square kilometres in the south.")] == ["compass_front"]
    (c,) = claims("Russia has taken 300 square kilometres in the south.", published=dt.date(2025, 3, 3))
    assert c.place != "Zaporizhzhia oblast+Donetsk oblast"


def test_two_compass_parts_together_are_not_one_front():
    found = place_mentions("Troops freed 20 square kilometres in the east and south of the country.")
    assert [m.kind for m in found] == ["country_ref"]


def test_place_in_a_relative_clause_is_not_the_figures():
    first, _ = claims("In the south, where troops are pushing towards Tokmak and Melitopol, they freed 9 square "
                      "kilometres this week, bringing the total freed there to 150 square kilometres.",
                      published=dt.date(2023, 7, 20))
    assert set(first.place.split("+")) == {"Zaporizhzhia oblast", "Donetsk oblast"}


def test_depth_into_russia_during_the_incursion_is_in_its_region():
    (c,) = claims("Kyiv's troops, already about 25 kilometres into Russian territory, kept moving on Friday.",
                  published=dt.date(2024, 8, 17))
    assert c.place == "Kursk oblast"
    assert c.explain["place"].startswith("place.incursion")


def test_members_introduced_without_a_comma_are_not_the_place():
    (c,) = claims("Over the week the army took nine villages including Robotyne, the ministry said.",
                  published=dt.date(2023, 8, 30))
    assert c.place != "Robotyne"


def test_line_figure_carries_a_region_that_does_not_contain_the_last_town():
    (c,) = claims("Fighting raged around Vovchansk. In the Kursk region, the picture was different. The "
                  "ministry said its troops had advanced two kilometres deep.", published=dt.date(2024, 9, 2))
    assert c.place == "Kursk oblast"


def test_towns_listed_after_a_count_do_not_move_the_report_off_its_region():
    first, second = claims("In the Kharkiv region, the army liberated four settlements: Kozacha Lopan, Dementiivka, "
                           "Prudianka and Tsupivka. Since then it has freed about 300 square kilometres.",
                           published=dt.date(2022, 9, 14))
    assert second.place == "Kharkiv oblast"
