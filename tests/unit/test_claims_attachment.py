"""The frame builder's date rules (frontwatch.claims.extract_claims): which of a sentence's dates
is a figure's, and when the period of a change is a guess the checker must not judge. Sentences
written for these tests, one per rule; the pipeline is judged on real writing by
bench/claims_eval.py."""
from __future__ import annotations


from claimtext import D, claims


def test_a_month_right_after_a_state_dates_that_state_at_its_end():
    first, _ = claims("The share of Ukraine under Russian control rose from 17.2% in November 2023 "
                      "to 18.1% as of 22 November 2024.")
    assert (first.start_date, first.date) == (None, D(2023, 11, 30))


def test_a_date_in_a_relative_clause_after_the_figure_is_not_its():
    (c, *_) = claims("DeepState said Kyiv had given up roughly a quarter of the land it had seized, "
                     "which, at its height in August, stood at about 350 square miles.")
    assert c.date == D(2024, 11, 25) and c.start_date is None


def test_an_as_of_before_the_figure_holds_against_a_date_after_it():
    (c,) = claims("By late January 2023 Ukraine had freed over half of the land that Russia "
                  "had taken since February 2022.", D(2024, 2, 22))
    assert c.date == D(2023, 1, 31)


def test_an_events_own_date_does_not_date_a_state():
    (c,) = claims("The land Moscow holds, roughly a fifth of the country, came from its annexation of "
                  "Crimea in 2014 and the full-scale invasion in 2022.", D(2025, 4, 10))
    assert c.date == D(2025, 4, 10)


def test_a_period_said_after_said_that_is_the_claims():
    (c,) = claims("Maliar said that over the past week Ukrainian troops had retaken nine settlements.", D(2023, 6, 13))
    assert (c.start_date, c.date) == (D(2023, 6, 6), D(2023, 6, 12))


def test_a_running_total_on_a_weekday_is_not_that_days_advance():
    (c, *_) = claims("On Friday, officials said the troops, already about 28 kilometers into Russian territory, "
                     "were still pushing on.", D(2024, 8, 17))
    assert c.measure == "depth" and c.start_date != c.date


def test_a_span_of_time_that_does_not_end_now_makes_the_period_unsure():
    (c,) = claims("The troops advanced fast in early August after crossing into Kursk, taking over "
                  "1,250 square kilometres in two weeks.", D(2024, 9, 2))
    assert "span of time" in c.unsure.get("period", "")


def test_a_span_of_time_counted_to_now_is_sure():
    (c,) = claims("Russia has captured 600 square kilometres in two weeks.", D(2024, 9, 2))
    assert "period" not in c.unsure


def test_an_event_start_with_no_end_makes_the_period_unsure():
    (c,) = claims("The Kursk incursion started on 6 August, swiftly seizing about 900 km2.", D(2024, 10, 14))
    assert c.start_date == D(2024, 8, 6)
    assert "does not say until when" in c.unsure.get("period", "")


def test_a_participle_clause_takes_the_date_of_the_clause_before():
    (c,) = claims("Ukrainian gains peaked on August 20-21, covering about 1,280 square kilometres.",
                  D(2024, 12, 31))
    assert c.date == D(2024, 8, 21)


def test_an_earlier_figure_with_no_day_of_its_own_makes_the_date_unsure():
    first, second = claims("Syrsky said Ukrainian troops now hold about 450 square kilometers, well down "
                           "from earlier estimates that put their control at nearly 1,300 square kilometers.",
                           D(2025, 2, 13))
    assert "date" not in first.unsure
    assert "earlier figure" in second.unsure.get("date", "")


def test_the_whole_country_after_a_smaller_place_was_named_is_unsure():
    c = claims("The fighting is fiercest in the Pokrovsk direction. "
               "In 2023, Russian forces gained 387 square kilometers.")[-1]
    assert c.place == "UKR" and "there, or the whole country" in c.unsure.get("place", "")


def test_the_whole_country_in_a_report_that_named_no_smaller_place_is_sure():
    (c,) = claims("In 2023, Russian forces gained 387 square kilometers.")
    assert c.place == "UKR" and "place" not in c.unsure


def test_a_side_that_is_only_the_owner_of_the_place_is_unsure():
    (c,) = claims("That is less than 0.007 per cent of Russia's entire land area.", D(2024, 8, 13))
    assert c.measure == "share_held" and "side" in c.unsure


def test_a_with_participle_clause_takes_the_start_of_the_clause_before():
    (c,) = claims("The pace of Russian advances has increased since September 2024, with forces gaining "
                  "1,103 square kilometers.")
    assert c.start_date == D(2024, 9, 1)


def test_one_place_taken_from_several_named_together_is_unsure():
    # Kupiansk is in Kharkiv oblast, Lyman and Pokrovsk in Donetsk oblast: no one oblast holds them all.
    (c,) = claims("Russian forces gained 1,103 square kilometers in the Kupiansk, Lyman and Pokrovsk "
                  "directions in November.")
    assert "several places" in c.unsure.get("place", "")


def test_a_part_of_an_earlier_figure_has_its_period():
    whole, part, *_ = claims("Fewer than 450 square miles of land has changed hands this year, and Russia "
                             "took 312 of them.", D(2023, 9, 30))
    assert (part.start_date, part.date) == (whole.start_date, whole.date) == (D(2023, 1, 1), D(2023, 9, 30))
    assert "period" not in part.unsure


def test_the_whole_country_after_a_town_was_named_is_sure():
    c = claims("The town of Kupiansk fell on Monday. In 2024, Russian forces gained 3,000 square kilometers.")[-1]
    assert c.place == "UKR" and "place" not in c.unsure


def test_a_change_with_no_time_takes_the_period_of_the_sentence_before():
    (c,) = claims("Russia has made gains over the past three months. It has captured 2,000 sq km "
                  "of Ukrainian land.")
    assert (c.start_date, c.date) == (D(2024, 8, 25), D(2024, 11, 24))
    assert c.explain["date"].startswith("date.carried")


def test_a_period_is_not_carried_into_another_paragraph():
    (c,) = claims("Russia has made gains over the past three months.\n\nAll told, it has captured 2,000 sq km "
                  "of Ukrainian land.")
    assert c.start_date is None


def test_a_state_does_not_take_the_period_of_the_sentence_before():
    (c,) = claims("Russia has made gains over the past three months. It now holds about 18% of Ukraine.")
    assert c.start_date is None and c.date == D(2024, 11, 25)


def test_a_state_now_has_no_start_from_a_year_that_dates_its_object():
    (c,) = claims("Kyiv said it now holds just about one-third of the land it had seized in Kursk last year.",
                  D(2025, 2, 13))
    assert (c.measure, c.start_date, c.date) == ("share_held", None, D(2025, 2, 13))


def test_a_period_already_over_is_that_period_under_a_present_perfect():
    total, part = claims("Russia has captured 2,700 sq km since January, including 600 sq km last month.")
    assert (part.start_date, part.date) == (D(2024, 10, 1), D(2024, 10, 31))
    assert (total.start_date, total.date) == (D(2024, 1, 1), D(2024, 11, 25))


def test_a_past_year_in_a_clause_with_no_present_perfect_is_that_year():
    last, this = claims("Last year Russia took 500 sq km; this year it has taken 2,500 sq km.")
    assert (last.start_date, last.date) == (D(2023, 1, 1), D(2023, 12, 31))


def test_a_figure_with_no_time_takes_the_as_of_day_of_another_clause():
    held, kursk = claims("As of November 20, Russia held about 18% of Ukraine, while Ukraine held about 600 sq km in Kursk.")
    assert kursk.date == D(2024, 11, 20) and kursk.explain["date"].startswith(("date.sentence_day", "date.as_of"))


def test_a_figure_with_now_keeps_the_reports_day_against_a_day_of_another_clause():
    (c,) = claims("Ukraine launched its incursion on August 6, and it now holds about 600 sq km in Kursk.")
    assert c.date == D(2024, 11, 25)


def test_an_as_of_after_another_clause_dates_a_figure_whose_only_time_is_now():
    (c,) = claims("Ukraine now holds about 600 sq km in Kursk, where its troops are dug in near Sudzha, as of November 21.")
    assert c.date == D(2024, 11, 21) and c.explain["date"].startswith("date.sentence_day")


def test_an_as_of_after_a_later_figure_still_dates_the_first():
    first, second = claims("Russia held about 18% of Ukraine and Ukraine about 600 sq km in Kursk, as of November 20.")
    assert (first.date, second.date) == (D(2024, 11, 20), D(2024, 11, 20))


def test_the_territory_retaken_so_far_in_an_operation_counts_from_its_first_day():
    # A running total written as a noun, no perfect: the Kharkiv counteroffensive began on 6 September 2022.
    (c,) = claims("Malyar said the territory recaptured from the Russians in Kharkiv region consisted "
                  "of over 320 settlements.", D(2022, 9, 13))
    assert (c.start_date, c.date) == (D(2022, 9, 6), D(2022, 9, 13))
    assert "start.operation" in c.explain["date"]


def test_territory_taken_in_a_simple_past_is_no_running_total():
    (c,) = claims("Ukrainian forces recaptured 300 settlements in the Kharkiv region.", D(2022, 9, 13))
    assert c.start_date is None and "period" in c.unsure


def test_a_part_with_a_place_of_its_own_counts_from_its_own_operation():
    kherson, kharkiv = claims("He said Ukraine has reclaimed control of 88 settlements in the Kherson region and 551 in "
                              "the Kharkiv region.", D(2022, 10, 22))
    assert (kherson.start_date, kharkiv.start_date) == (D(2022, 8, 29), D(2022, 9, 6))


def test_a_total_beside_a_part_does_not_take_the_parts_period():
    part, total = claims("Over the past week, two square kilometres have been liberated near Bakhmut, and 37 square "
                         "kilometres in total, Maliar said.", D(2023, 8, 1))
    assert (part.start_date, part.date) == (D(2023, 7, 25), D(2023, 7, 31))
    # What was retaken so far in the counteroffensive: from its first day.
    assert (total.start_date, total.date) == (D(2023, 6, 4), D(2023, 8, 1))
    assert total.explain["date"].startswith("date.total")


def test_a_total_with_a_period_of_its_own_keeps_it():
    part, total = claims("Russia took 500 sq km in November, and a total of 3,000 sq km since January 1.")
    assert total.start_date == D(2024, 1, 1) and not total.explain["date"].startswith("date.total")


def test_a_total_is_not_given_the_period_of_the_sentence_before():
    *_, total = claims("Over the past week, 9 square kilometres were liberated in the south. As for the south, 9 square "
                      "kilometres were liberated, and the total is over 180 square kilometres.", D(2023, 8, 1))
    assert total.explain["date"].startswith("date.total") and total.start_date in (None, D(2023, 6, 4))


def test_changes_told_side_by_side_share_the_sentences_one_period():
    area, villages = claims("In 2024 Russian forces captured about 4,000 sq km of Ukrainian territory, and they also took "
                            "190 settlements, the analysts said.", D(2025, 1, 2))
    assert (villages.start_date, villages.date) == (area.start_date, area.date) == (D(2024, 1, 1), D(2024, 12, 31))
    assert villages.explain["date"].startswith("date.sentence_period")


def test_changes_set_against_each_other_do_not_share_a_period():
    _, before = claims("Russia took 500 sq km in October, while Ukraine had retaken 50 sq km near Kupiansk.")
    assert before.start_date is None and not before.explain["date"].startswith("date.sentence_period")


def test_as_of_a_weekday_is_an_as_of_day():
    (c,) = claims("Ukraine now holds about 600 sq km in Kursk, the General Staff said, as of Thursday.")
    assert c.date == D(2024, 11, 21)


def test_a_period_in_a_clause_opening_with_a_comparison_is_not_the_figures():
    (c,) = claims("Since mid-October, Russian troops have taken 700 square kilometers, more than their "
                  "total progress in September.", D(2024, 11, 26))
    assert (c.start_date, c.date) == (D(2024, 10, 11), D(2024, 11, 26))


def test_a_states_figure_is_not_dated_by_the_period_of_a_second_predicate():
    (c,) = claims("Moscow's troops control about 19% of the country and have pushed forward in the east "
                  "over the past three months.", D(2024, 11, 23))
    assert (c.measure, c.start_date, c.date) == ("share_held", None, D(2024, 11, 23))


def test_the_past_week_counts_back_from_the_day_the_source_spoke():
    (c,) = claims("The monitoring group said in a report on November 25 that the pace had quickened. "
                  "Over the past week, Russian forces captured 200 square kilometers.", D(2024, 11, 27))
    assert (c.start_date, c.date) == (D(2024, 11, 18), D(2024, 11, 24))


def test_a_statement_day_before_the_past_week_does_not_move_a_year():
    (c,) = claims("The monitoring group said in a report on November 25 that the pace had quickened. "
                  "Over the past year, Russian forces captured 3,000 square kilometers.", D(2024, 11, 27))
    assert c.date == D(2024, 11, 26)


def test_a_period_after_a_comparative_with_its_noun_dates_the_comparison():
    (c,) = claims("Last month, the enemy took 38% less territory than in August.", D(2025, 10, 15))
    assert c.date == D(2025, 9, 30)


def test_a_figure_with_no_day_is_as_of_the_day_an_earlier_sentence_gave():
    (first, c) = claims("As of November 22, Ukraine held 610 square kilometers of the Kursk region. "
                        "Some 170 square kilometers are marked as a grey zone on the map.", D(2024, 11, 25))
    assert (c.measure, c.date) == ("grey_zone", D(2024, 11, 22))


def test_an_as_of_day_more_than_a_week_old_is_not_carried():
    (first, c) = claims("As of October 2, Ukraine held 610 square kilometers of the Kursk region. "
                        "Some 170 square kilometers are marked as a grey zone on the map.", D(2024, 11, 25))
    assert c.date == D(2024, 11, 25)


def test_since_after_a_superlative_is_its_baseline_not_the_period():
    (c,) = claims("Russian forces seized 520 sq km in the east, the biggest loss for Kyiv since early 2023.",
                  D(2024, 11, 25))
    assert c.start_date is None and c.unsure.get("period")


def test_since_after_a_superlative_before_the_figure_is_the_period():
    (c,) = claims("Russia made its biggest gains in Kharkiv, where it has taken 300 sq km since March.",
                  D(2024, 11, 25))
    assert c.start_date == D(2024, 3, 1)


def test_a_span_of_time_in_a_named_month_is_that_month():
    (c,) = claims("In March the offensive sped up, with 40 settlements taken in a single month.", D(2024, 11, 25))
    assert (c.start_date, c.date) == (D(2024, 3, 1), D(2024, 3, 31))


def test_a_statement_day_written_before_its_verb_counts_the_past_week_back():
    (c,) = claims("On 20 November, the ministry reported that its troops were advancing near Kurakhove. "
                  "They took 12 square kilometres last week.", D(2024, 11, 25))
    assert (c.start_date, c.date) == (D(2024, 11, 13), D(2024, 11, 19))


def test_a_statement_day_two_paragraphs_before_does_not_count_the_past_week_back():
    (c,) = claims("On 20 November, the ministry reported that its troops were advancing near Kurakhove.\n"
                  "Bloggers wrote about the fighting. Villages burned.\n"
                  "They took 12 square kilometres over the past week.", D(2024, 11, 25))
    assert (c.start_date, c.date) == (D(2024, 11, 18), D(2024, 11, 24))


def test_a_weekday_written_with_its_verb_of_saying_dates_the_statement_not_the_advance():
    (c,) = claims("A Kyiv analyst said Monday that Ukrainian troops had advanced up to 22 kilometres "
                  "into the Kursk region.", D(2024, 8, 20))
    assert (c.start_date, c.date) == (D(2024, 8, 6), D(2024, 8, 19))


def test_a_weekday_right_before_a_verb_of_saying_dates_the_statement_not_the_advance():
    (c,) = claims("Analysts on Monday said the advance of Kyiv's forces was up to 22 kilometres deep "
                  "into the Kursk region.", D(2024, 8, 20))
    assert (c.start_date, c.date) == (D(2024, 8, 6), D(2024, 8, 19))


def test_a_period_of_2022_begun_before_the_invasion_counts_from_it():
    (c,) = claims("Russian forces captured 60,000 square kilometres of Ukraine in February-March 2022.", D(2024, 11, 25))
    assert (c.start_date, c.date) == (D(2022, 2, 24), D(2022, 3, 31))


def test_a_total_does_not_take_the_period_of_the_sentence_before():
    _, c = claims("In December, Russian troops took 30 settlements. In total, Russian troops have liberated "
                  "4,200 sq km of land.", D(2024, 12, 31))
    assert c.start_date is None and c.unsure.get("period")


def test_since_the_start_of_the_day_in_a_dated_statement_is_that_day():
    (c,) = claims("Kyiv said on Wednesday that since the start of the day its troops had advanced three "
                  "kilometres into the Kursk region.", D(2024, 8, 15))
    assert (c.start_date, c.date) == (D(2024, 8, 14), D(2024, 8, 14))


def test_figures_said_respectively_take_the_two_months_in_order():
    first, second = claims("In August and September Russian forces captured 400 and 450 square kilometres "
                           "respectively.", D(2024, 11, 25))
    assert (first.start_date, first.date) == (D(2024, 8, 1), D(2024, 8, 31))
    assert (second.start_date, second.date) == (D(2024, 9, 1), D(2024, 9, 30))


def test_a_figure_in_apposition_has_the_period_of_the_figure_before():
    first, second = claims("Russian forces seized a tenth of Ukraine's territory in March 2023, or about 60,000 "
                           "square kilometres.", D(2024, 11, 25))
    assert (second.start_date, second.date) == (first.start_date, first.date) == (D(2023, 3, 1), D(2023, 3, 31))


def test_a_sentence_with_time_words_of_its_own_does_not_take_the_period_before():
    _, c = claims("Since January 2024, Russia has seized 5,000 square km. This contrasts with the 120,000 square km "
                  "it captured in the opening weeks of 2022.", D(2025, 6, 4))
    assert c.start_date is None


def test_a_period_to_now_ends_on_the_day_of_its_dated_statement():
    (c,) = claims("The ministry said on Tuesday its forces had captured 900 square kilometres in October and November.",
                  D(2024, 11, 21))
    assert (c.start_date, c.date) == (D(2024, 10, 1), D(2024, 11, 19))


def test_a_weekday_before_the_speaker_dates_the_statement():
    (c,) = claims("On Saturday Moscow claimed the village of Hrodivka, one of 12 it says it has captured this month.",
                  D(2024, 11, 25))
    assert (c.start_date, c.date) == (D(2024, 11, 1), D(2024, 11, 23))


def test_a_span_of_time_in_the_sentence_before_is_not_carried():
    (c,) = claims("The army failed to take the city in three days. Ukraine then regained 500 square kilometres "
                  "of its land.", D(2023, 1, 4))
    assert c.start_date is None


def test_a_total_in_general_does_not_take_the_period_of_the_sentence_before():
    _, c = claims("Over the past week, 31 square kilometres were freed. In general, the area freed in the south "
                  "is 166 square kilometres.", D(2023, 7, 3))
    assert not c.explain["date"].startswith("date.carried")


def test_a_sentence_naming_may_does_not_take_the_period_of_the_sentence_before():
    _, c = claims("Russian forces took 470 square kilometres in June alone. That added to the progress made in May, "
                  "when 580 square kilometres came under Russian control.", D(2025, 7, 5))
    assert not c.explain["date"].startswith("date.carried")


def test_a_figure_said_in_a_later_sentence_is_as_of_the_day_the_source_spoke():
    _, c = claims("The army said on Friday that it had taken two villages in the east. "
                  "A spokesman said its troops now held 300 square kilometres around them.", D(2024, 11, 25))
    assert c.date == D(2024, 11, 22) and c.explain["date"].startswith("date.statement_carried")


def test_a_figure_the_report_states_in_the_present_stays_as_of_the_reports_day():
    _, c = claims("The army said on Friday that it had taken two villages in the east. "
                  "Russia controls about 19% of the country.", D(2024, 11, 25))
    assert c.date == D(2024, 11, 25)


def test_a_figure_said_to_be_in_the_present_stays_as_of_the_reports_day():
    _, c = claims("The army said on Friday that it had taken two villages in the east. "
                  "Its troops are said to be under four kilometres from the town.", D(2024, 11, 25))
    assert c.date == D(2024, 11, 25)


def test_a_report_of_the_first_days_of_a_month_tallying_the_month_before_is_as_of_its_last_day():
    first, second = claims("Russian forces gained 400 square kilometres in November. "
                           "Russia now controls about 19% of the country.", D(2024, 12, 2))
    assert (first.start_date, first.date) == (D(2024, 11, 1), D(2024, 11, 30))
    assert second.date == D(2024, 11, 30) and second.explain["date"].startswith("date.month_just_ended")


def test_a_period_running_to_now_in_a_tally_of_the_month_before_ends_on_its_last_day():
    _, c = claims("Russian forces gained 400 square kilometres in November. Since the start of the year, "
                  "they have captured 2,500 square kilometres.", D(2024, 12, 2))
    assert (c.start_date, c.date) == (D(2024, 1, 1), D(2024, 11, 30))


def test_a_report_later_in_the_month_keeps_its_own_day():
    _, c = claims("Russian forces gained 400 square kilometres in November. "
                  "Russia now controls about 19% of the country.", D(2024, 12, 12))
    assert c.date == D(2024, 12, 12)


def test_a_report_of_the_first_days_naming_no_month_before_keeps_its_own_day():
    (c,) = claims("Russia now controls about 19% of the country.", D(2024, 12, 2))
    assert c.date == D(2024, 12, 2)


def test_a_change_whose_only_time_is_a_calendar_day_is_that_days_change():
    (c,) = claims("Russian forces captured 15 square kilometres on 20 November, the ministry of defence said.")
    assert (c.start_date, c.date) == (D(2024, 11, 20), D(2024, 11, 20))


def test_a_running_total_on_a_calendar_day_is_not_that_days_change():
    (c,) = claims("On 20 November Russian forces had taken 15 settlements so far in the region.")
    assert c.start_date is None and c.explain["date"].startswith("date.day:")


def test_an_as_of_written_after_another_figure_ends_the_period_a_since_starts():
    first, _ = claims("Kyiv's forces have freed 60 per cent of the land the Russian army invaded since the start "
                      "of the war, or some 70,000 square kilometres (as of November 20).")
    assert (first.start_date, first.date) == (D(2022, 2, 24), D(2024, 11, 20))


def test_an_as_of_before_the_figure_ends_the_period_a_since_starts():
    (c,) = claims("Data as of November 20 shows Russia has taken 65,000 square kilometres since the invasion.")
    assert (c.start_date, c.date) == (D(2022, 2, 24), D(2024, 11, 20))


def test_an_as_of_does_not_give_a_state_a_start():
    (c,) = claims("As of November 20, Russia holds about 18% of Ukraine, the most since the spring of 2022.")
    assert c.start_date is None and c.date == D(2024, 11, 20)


def test_a_state_held_before_the_invasion_is_as_of_the_day_before_it():
    (c,) = claims("Before the full-scale invasion, Moscow and its proxies held about 7% of Ukraine.")
    assert (c.start_date, c.date) == (None, D(2022, 2, 23))


def test_a_state_now_after_ground_held_before_the_invasion_is_as_of_the_reports_day():
    (c,) = claims("Counting the land its proxies held before the invasion, Russia now holds about 18% of Ukraine.")
    assert c.date == D(2024, 11, 25)


def test_a_state_in_mid_month_is_as_of_its_middle_day():
    first, _ = claims("After holding 40% of the district in mid-October, Russia now holds 55% of it.")
    assert first.date == D(2024, 10, 15)


def test_a_russian_running_total_in_the_invasions_first_months_counts_from_its_first_day():
    (c,) = claims("Russian forces have now taken 250 settlements, the separatist leader said.", D(2022, 8, 10))
    assert c.start_date == D(2022, 2, 24) and "the full-scale invasion" in c.explain["date"]


def test_a_russian_running_total_after_the_kharkiv_counteroffensive_began_is_not_counted_from_the_invasion():
    (c,) = claims("Russian forces have now taken 250 settlements, the separatist leader said.", D(2022, 10, 10))
    assert c.start_date != D(2022, 2, 24)
