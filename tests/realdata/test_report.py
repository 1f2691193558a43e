"""Charts, maps and the HTML report, through the CLI, on the session store built from
../shared/data/deepstate/history and ../shared/data/borders/countries-osm.geojson (the
``store_path`` fixture); the claims section reads ../shared/data/articles/kursk-2024-11-24.txt.
Numbers expected in the outputs are computed in the test through the library (measure.peak)."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from frontwatch.faces.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _run(args):
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def kursk_area_plot(store_path, tmp_path_factory):
    """`plot area` of Ukrainian-held and grey ground in RUS, August to December 2024, as PNG:
    (the CLI's result, the PNG's path)."""
    out = tmp_path_factory.mktemp("plot") / "kursk.png"
    res = _run(["plot", "area", "--store", str(store_path), "--region", "RUS", "--status", "ukraine_held,contested",
                "--from", "2024-08-01", "--to", "2024-12-31", "--event", "2024-08-06=Incursion begins",
                "--out", str(out)])
    return res, out


def test_plot_area_writes_a_png(kursk_area_plot):
    _, out = kursk_area_plot
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000


def test_plot_area_prints_the_librarys_peak(kursk_area_plot, store):
    from frontwatch.analysis.measure import peak
    from frontwatch.geo.regions import resolve_region

    res, _ = kursk_area_plot
    pk = peak(store, resolve_region("RUS", store.borders()), ("ukraine_held", "contested"),
              since=dt.date(2024, 8, 1), until=dt.date(2024, 12, 31))
    assert f"peak {pk['peak_km2']:,.1f} km2 on {pk['peak_date']}" in res.output


def test_plot_advance_draws_the_librarys_weekly_pace(store_path, store, tmp_path):
    """`plot advance` near Kurakhove, weekly from mid-October to mid-November 2024: one bar per pair of
    week-end maps with the height of front.advance's mean m/day, one dot per largest shift, and
    the printed range is that of the records."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from frontwatch.analysis.views import advance_chart_data
    from frontwatch.faces.report.charts import advance_chart

    start, end = dt.date(2024, 10, 14), dt.date(2024, 11, 17)
    data = advance_chart_data(store, "Kurakhove", 10, start, end, every="week", borders=store.borders())
    recs = data["records"]  # front.advance's, as advance_chart_data gathers them
    assert [(r["from_date"], r["to_date"]) for r in recs][:2] == [("2024-10-20", "2024-10-27"), ("2024-10-27", "2024-11-03")]
    fig = advance_chart(data)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert [round(b.get_height(), 6) for b in bars] == [round(r["russia_mean_m_per_day"] or 0, 6) for r in recs]
    assert len(recs) == 4 and any(b.get_height() > 50 for b in bars)
    plt.close(fig)
    out = tmp_path / "pace.svg"
    res = _run(["plot", "advance", "--store", str(store_path), "--near", "Kurakhove", "--radius", "10km",
                "--from", "2024-10-14", "--to", "2024-11-17", "--out", str(out)])
    assert ET.parse(out).getroot().tag.endswith("svg")
    means = [r["russia_mean_m_per_day"] for r in recs]
    assert f"{len(recs)} weeks" in res.output and f"{min(means):,.0f} to {max(means):,.0f} m/day" in res.output, res.output
    bad = CliRunner().invoke(main, ["plot", "advance", "--store", str(store_path), "--near", "Kurakhove",
                                    "--out", str(tmp_path / "x.png")])
    assert bad.exit_code == 1 and "give --from and --to" in bad.output, bad.output
    # The HTML report's advance section carries the same chart above its table.
    html = tmp_path / "pace.html"
    _run(["report", "--store", str(store_path), "--region", "Kurakhove:10km", "--from", "2024-10-14", "--to",
          "2024-11-17", "--near", "Kurakhove", "--radius", "10km", "--no-front", "--out", str(html)])
    doc = html.read_text(encoding="utf-8")
    section = doc[doc.index("<h2>Advance within 10 km of Kurakhove</h2>"):]
    assert section.startswith("<h2>Advance within 10 km of Kurakhove</h2>\n<img alt=\"advance within 10 km of Kurakhove "
                              "per week\" src=\"data:image/png;base64,"), section[:200]


def test_plot_area_of_both_sides_draws_no_total_or_peak(store_path, tmp_path):
    """The default (all statuses) in RUS used to mark a "peak" of 1,303 km2 that added the
    Russian border slivers to Ukraine's ground; statuses of both sides get no total and no peak."""
    out = tmp_path / "all.svg"
    res = _run(["plot", "area", "--store", str(store_path), "--region", "RUS", "--from", "2024-08-01",
                "--to", "2024-12-31", "--out", str(out)])
    text = out.read_text()
    assert "statuses of both sides: no total or peak drawn" in res.output and "km2 on" not in res.output
    assert "total of shown statuses" not in text and "held by Ukraine" in text and "peak of" not in text


def test_plot_area_svg_is_well_formed_xml_in_square_miles(store_path, tmp_path):
    out = tmp_path / "kursk.svg"
    _run(["plot", "area", "--store", str(store_path), "--region", "RUS", "--status", "ukraine_held",
          "--from", "2024-08-01", "--to", "2024-10-01", "--units", "sqmi", "--out", str(out)])
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert "sq mi" in out.read_text()


def test_plot_rejects_unknown_image_suffix_in_one_line(store_path, tmp_path):
    res = CliRunner().invoke(main, ["plot", "area", "--store", str(store_path), "--region", "RUS",
                                    "--out", str(tmp_path / "x.gif")])
    assert res.exit_code != 0
    assert "png or .svg" in res.output and "Traceback" not in res.output


def test_map_with_compare_writes_png_with_change_from_the_library(store_path, store, tmp_path):
    from frontwatch.analysis.views import side_change
    from frontwatch.geo.regions import resolve_region

    out = tmp_path / "kurakhove.png"
    res = _run(["map", "--store", str(store_path), "--date", "2024-11-24", "--region", "Kurakhove:25km",
                "--compare", "2024-11-01", "--out", str(out)])
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    borders = store.borders()
    c = side_change(store, resolve_region("Kurakhove:25km", borders), dt.date(2024, 11, 1), dt.date(2024, 11, 24),
                    borders=borders)
    assert c["side"] == "russia" and c["gained_km2"] > 100  # the Kurakhove offensive of November 2024
    assert f"gained {c['gained_km2']:,.1f} km2" in res.output
    assert "front 2024-11-24" in res.output


def test_map_svg_without_front_parses(store_path, tmp_path):
    out = tmp_path / "kursk.svg"
    _run(["map", "--store", str(store_path), "--date", "2024-09-01", "--region", "RUS", "--no-front",
          "--out", str(out)])
    assert ET.parse(out).getroot().tag.endswith("svg")


def test_map_date_after_archive_is_a_one_line_error(store_path, tmp_path):
    res = CliRunner().invoke(main, ["map", "--store", str(store_path), "--date", "2031-01-01", "--region", "RUS",
                                    "--out", str(tmp_path / "x.png")])
    assert res.exit_code != 0 and "after the archive" in res.output


@pytest.fixture(scope="module")
def kursk_report(store_path, article_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "kursk.html"
    _run(["report", "--store", str(store_path), "--region", "RUS", "--from", "2024-08-01", "--to", "2024-12-31",
          "--article", str(article_file), "--no-front", "--out", str(out)])
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained(kursk_report):
    doc = kursk_report
    assert doc.startswith("<!DOCTYPE html>")
    # No external resource: every src/href/url() is embedded data, never http(s).
    refs = re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]+)""", doc) + re.findall(r"url\(([^)]+)\)", doc)
    assert refs, "the report embeds its images"
    assert all(r.startswith("data:") for r in refs), [r[:60] for r in refs if not r.startswith("data:")]
    assert "<script" not in doc and "<link" not in doc
    assert doc.count("data:image/png;base64,") == 2  # chart and map
    assert "<html lang=\"en\">" in doc  # laid out by the Jinja2 template


def test_report_shows_the_librarys_peak_figures(kursk_report, store):
    """The peak of Ukrainian-held ground in RUS as measure.peak gives it: its area, its date and the
    share of it lost since."""
    from frontwatch.analysis.measure import peak
    from frontwatch.geo.regions import resolve_region

    pk = peak(store, resolve_region("RUS", store.borders()), ("ukraine_held",),
              since=dt.date(2024, 8, 1), until=dt.date(2024, 12, 31))
    assert f"{pk['peak_km2']:,.1f}" in kursk_report
    assert pk["peak_date"] in kursk_report
    assert f"{pk['share_lost_pct']:,.1f} %" in kursk_report


def test_report_says_where_the_data_came_from_without_local_paths(kursk_report, store_path, store, borders_file):
    src = store.summary()["sources"][0]
    assert str(store_path) not in kursk_report and str(store_path.parent) not in kursk_report
    assert str(borders_file) not in kursk_report and "../shared" not in kursk_report
    assert "OpenStreetMap (countries-osm.geojson)" in kursk_report
    assert f"{src['snapshots']}, {src['first']} to {src['last']}" in kursk_report
    assert "DeepStateMap" in kursk_report and "with frontwatch" in kursk_report


def test_report_names_no_module_of_frontwatch(kursk_report):
    """The report used to say "(measure.peak)", "(frontwatch.analysis.settlements)" and so on."""
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", kursk_report)
    assert not re.search(r"\b(measure|frontwatch)\.(?!duckdb)[a-z_]+", text), re.findall(r"\b(?:measure|frontwatch)\.[a-z_.]+", text)
    # Status codes neither (the claims checker's reasons, its own wording, come after this point).
    own = text[:text.index("<h2>Claims check")]
    assert "ukraine_held" not in own and "occupied_before_2022" not in own


def test_report_has_the_claims_check_of_the_article(kursk_report):
    assert "Claims check: kursk-2024-11-24.txt" in kursk_report
    assert "531 square miles" in kursk_report
    assert re.search(r"v-(consistent|overstated|understated)", kursk_report)


@pytest.fixture(scope="module")
def pokrovsk_report(store_path, tmp_path_factory):
    """`report` within 10 km of Pokrovsk (an ambiguous place: a Pokrovsk also lies in Yakutia),
    20-24 November 2024: (the CLI's result, the HTML)."""
    out = tmp_path_factory.mktemp("report") / "pokrovsk.html"
    res = CliRunner().invoke(main, ["report", "--store", str(store_path), "--region", "Pokrovsk:10km", "--from",
                                    "2024-11-20", "--to", "2024-11-24", "--no-front", "--out", str(out)])
    return res, out.read_text(encoding="utf-8") if out.exists() else ""


def test_report_prints_each_of_the_librarys_warnings_once(pokrovsk_report):
    """The ambiguous place was one warning line per use on the terminal; it is one line."""
    res, _ = pokrovsk_report
    assert res.exit_code == 0, res.output
    lines = [line for line in res.output.splitlines() if line.startswith("warning:")]
    assert len([ln for ln in lines if "'Pokrovsk' is ambiguous" in ln]) == 1, res.output
    # With cities500 alone (no full gazetteer in this test's cache), one line says the list is a floor.
    assert [ln for ln in lines if "is ambiguous" not in ln] == [ln for ln in lines if "are a floor" in ln], res.output
    assert len(lines) <= 2


def test_report_lists_the_librarys_warnings(pokrovsk_report, kursk_report):
    """The ambiguous place was nothing in the report; it is a Warnings section."""
    res, doc = pokrovsk_report
    assert res.exit_code == 0, res.output
    assert "<h2>Warnings</h2>" in doc and "is ambiguous" in doc and "picked Pokrovsk (UA" in doc
    # The Kursk report's Warnings, if any, only say that a cities500 list of settlements is a floor.
    warned = re.search(r"<h2>Warnings</h2><ul[^>]*>(.*?)</ul>", kursk_report, re.S)
    assert warned is None or all("are a floor" in li for li in re.findall(r"<li>(.*?)</li>", warned.group(1)))


def test_a_warning_the_settlements_section_gives_is_not_repeated_under_warnings(kursk_report):
    """The gazetteer's floor (cities500 only in Russia) was said in the settlements section and
    again under Warnings; it is said once, where the list is."""
    text = re.sub(r"<[^>]+>", " ", kursk_report)
    floor = "only for RU (towns of 500+ people"
    assert "Settlements that changed hands" in text
    assert text.count(floor) == 1, text.count(floor)


# ------------------------------------------------------------------ pictures a reader looks at
# Each chart and map kind is drawn from the session store and saved under $FRONTWATCH_IMAGES
# (default /tmp/frontwatch-images) for a person to look at.

def _keep(path):
    import os
    import shutil
    from pathlib import Path

    keep = Path(os.environ.get("FRONTWATCH_IMAGES", "/tmp/frontwatch-images"))
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, keep / path.name)


def test_area_chart_labels_are_in_words(store_path, tmp_path):
    """Its title and legend say who holds what, with no status code."""
    out = tmp_path / "chart-kursk.svg"
    _run(["plot", "area", "--store", str(store_path), "--region", "RUS", "--status", "ukraine_held,contested",
          "--from", "2024-08-01", "--to", "2024-12-31", "--out", str(out)])
    text = out.read_text()
    assert "Ground held by Ukraine and the grey zone in Russia" in text
    assert "Held by Ukraine" in text and "Grey zone (contested)" in text
    assert "ukraine_held" not in text and "contested," not in text


@pytest.fixture(scope="module")
def peak_on_the_last_day(store_path):
    """The area chart of Ukrainian-held ground in RUS from 1 August to 6 September 2024, whose peak
    is the last map: (the chart's data, the figure, its "Peak:" notes)."""
    import matplotlib.pyplot as plt

    from frontwatch.analysis.views import area_chart_data
    from frontwatch.faces.report.charts import area_chart
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with Store(store_path) as st:
        data = area_chart_data(st, resolve_region("RUS", st.borders()), ("ukraine_held",),
                               dt.date(2024, 8, 1), dt.date(2024, 9, 6))
    fig = area_chart(data)
    notes = [t for t in fig.axes[0].texts if t.get_text().startswith("Peak:")]
    yield data, fig, notes
    plt.close(fig)


def test_a_peak_on_the_last_day_is_noted_as_the_last_map_not_0_percent_lost(peak_on_the_last_day):
    """Up to 6 September 2024 the peak is the last map: the note used to read "0.0 % of the peak
    lost"."""
    data, _, notes = peak_on_the_last_day
    assert data["peak"]["peak_date"] == data["peak"]["date"]
    assert len(notes) == 1 and "the last map" in notes[0].get_text() and "lost" not in notes[0].get_text()


def test_a_peak_note_on_the_last_day_stays_inside_the_plot(peak_on_the_last_day, tmp_path):
    """The note of a peak on the last map used to run off the right edge; it stays within the axes
    and covers no point of the line."""
    from frontwatch.faces.report.charts import save_figure

    _, fig, notes = peak_on_the_last_day
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box, axbox = notes[0].get_bbox_patch().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert axbox.x0 <= box.x0 and box.x1 <= axbox.x1 and axbox.y0 <= box.y0 and box.y1 <= axbox.y1
    # The note covers no point of the line.
    import numpy as np
    xy = ax.lines[0].get_xydata()
    px = ax.transData.transform(xy)
    inside = (px[:, 0] >= box.x0) & (px[:, 0] <= box.x1) & (px[:, 1] >= box.y0) & (px[:, 1] <= box.y1)
    assert not inside.any()
    out = save_figure(fig, tmp_path / "chart-peak-last-day.png")
    _keep(out)


def test_the_peak_note_covers_no_data_over_the_whole_incursion(store, tmp_path):
    import numpy as np

    from frontwatch.analysis.views import area_chart_data
    from frontwatch.faces.report.charts import area_chart, save_figure
    from frontwatch.geo.regions import resolve_region

    data = area_chart_data(store, resolve_region("RUS", store.borders()), ("ukraine_held", "contested"),
                           dt.date(2024, 8, 1), dt.date(2024, 12, 31))
    fig = area_chart(data, events=[(dt.date(2024, 8, 6), "Incursion begins")])
    ax = fig.axes[0]
    note = next(t for t in ax.texts if t.get_text().startswith("Peak:"))
    assert "47.6% of the peak lost" in note.get_text()
    fig.canvas.draw()
    box = note.get_bbox_patch().get_window_extent(fig.canvas.get_renderer())
    for line in ax.lines:
        px = ax.transData.transform(line.get_xydata())
        assert not ((px[:, 0] >= box.x0) & (px[:, 0] <= box.x1) & (px[:, 1] >= box.y0) & (px[:, 1] <= box.y1)).any()
    _keep(save_figure(fig, tmp_path / "chart-kursk.png"))


def test_advance_chart_is_in_words(store, tmp_path):
    from frontwatch.analysis.views import advance_chart_data
    from frontwatch.faces.report.charts import advance_chart, save_figure

    data = advance_chart_data(store, "Kurakhove", 15, dt.date(2024, 9, 1), dt.date(2024, 12, 31), every="week",
                              borders=store.borders())
    fig = advance_chart(data)
    assert fig.axes[0].get_title(loc="left") == "How fast Russia advanced within 15 km of Kurakhove"
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith("Russia's mean advance") for label in labels)
    assert not any("frontwatch." in t.get_text() for t in fig.texts)
    _keep(save_figure(fig, tmp_path / "chart-advance.png"))


@pytest.fixture(scope="module")
def kursk_map(store_path, tmp_path_factory):
    """The map of RUS on 24 November 2024 compared with 20 August, saved under $FRONTWATCH_IMAGES:
    (the figure, its legend's labels)."""
    import matplotlib.pyplot as plt

    from frontwatch.analysis.views import map_data
    from frontwatch.faces.report.maps import control_map
    from frontwatch.faces.report.charts import save_figure
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with Store(store_path) as st:
        borders = st.borders()
        data = map_data(st, resolve_region("RUS", borders), dt.date(2024, 11, 24), compare=dt.date(2024, 8, 20),
                        borders=borders, fronts=False)
    fig = control_map(data)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    _keep(save_figure(fig, tmp_path_factory.mktemp("map") / "map-kursk.png"))
    yield fig, labels
    plt.close(fig)


def test_the_kursk_maps_legend_names_the_side_that_took_ground(kursk_map):
    """The legend said "ukraine lost since ..."."""
    _, labels = kursk_map
    # --compare 2024-08-20 is "since the start of 20 August": the map before it, of 19 August (the
    # period rule of measure.period_maps), which the legend and the credit both name.
    assert any(label.startswith("Ukraine took ") and "since 19 Aug 2024" in label for label in labels), labels
    assert not any(label.lower().startswith(("ukraine lost", "russia lost")) for label in labels)


def test_the_kursk_map_keeps_ukraines_retaken_ground_in_sumy_apart(kursk_map):
    """Ukraine's 2022-liberated ground in Sumy had the incursion's colour; it has its own legend
    entry beside Ukraine's ground in Russia and the border."""
    from frontwatch.faces.report.maps import RETAKEN_LABEL

    _, labels = kursk_map
    assert RETAKEN_LABEL in labels and "held by Ukraine in Russia" in labels and "Russia-Ukraine border" in labels


def test_the_kursk_map_labels_its_countries_with_sudzha(kursk_map):
    fig, _ = kursk_map
    names = {t.get_text() for t in fig.axes[0].texts}
    assert {"RUSSIA", "UKRAINE"} <= names and "Sudzha" in names


def test_the_kursk_maps_credit_names_its_maps_not_a_local_path(kursk_map):
    """The credit showed the borders file's local path; it names the maps' dates and the file."""
    fig, _ = kursk_map
    foot = " ".join(t.get_text() for t in fig.texts)
    assert "DeepStateMap, maps of 19 Aug 2024" in foot and "24 Nov 2024" in foot
    assert "/" not in foot.split("borders:")[1].split(";")[0]  # no path, the file's name


def test_the_kursk_map_has_a_locator_inset(kursk_map):
    fig, _ = kursk_map
    assert len(fig.axes) == 2  # the locator inset


def test_a_city_is_labelled_not_its_districts(store, tmp_path):
    from frontwatch.faces.report.charts import save_figure
    from frontwatch.analysis.views import map_data
    from frontwatch.faces.report.maps import control_map
    from frontwatch.geo.regions import resolve_region

    borders = store.borders()
    data = map_data(store, resolve_region("48.0,37.8:30km", borders), dt.date(2024, 11, 24), borders=borders, fronts=False)
    fig = control_map(data)
    names = {t.get_text() for t in fig.axes[0].texts}
    assert {"Donetsk", "Makiyivka"} <= names, names
    assert not names & {"Kyivskyi", "Kalininskyi", "Hirnytskyi", "Tsentralno-Miskyi", "Chumakivskyi"}, names
    _keep(save_figure(fig, tmp_path / "map-donetsk.png"))
