"""The map maker's notes (frontwatch.sources.notes, Store.notes, `frontwatch notes`), read from the
real recorded listing ../shared/data/deepstate/api/history-public.json (1,734 maps, 2022-04 to
2026-08)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from conftest import SHARED
from frontwatch.sources.notes import is_listing_file, notes_from_listing, parse_link, parse_note_html

LISTING = SHARED / "deepstate" / "api" / "history-public.json"


@pytest.fixture(scope="module")
def listing():
    if not LISTING.exists():
        pytest.skip(f"shared data not present: {LISTING} (see ../shared/README.md)")
    return json.loads(LISTING.read_text())


@pytest.mark.parametrize("href, expected", [
    ("https://deepstatemap.live/en#14/48.2187579/37.4131240", (14.0, 48.2187579, 37.413124, None)),
    ("https://deepstatemap.live/#15/48.7184607/37.8056718", (15.0, 48.7184607, 37.8056718, None)),
    ("https://deepstatemap.live/en#14/48.5 /37.6", (14.0, 48.5, 37.6, None)),          # a space inside
    ("https://deepstatemap.live/# 13 / 48.1 / 37.8 ", (13.0, 48.1, 37.8, None)),
    ("https://deepstatemap.live/##11.75/48.7004/38.2573", (11.75, 48.7004, 38.2573, None)),
    ("https://deepstatemap.live/#en16/48.5669/38.0127", (16.0, 48.5669, 38.0127, None)),
    ("https://deepstatemap.live/#15/en48.1841/37.7440", (15.0, 48.1841, 37.744, None)),
    ("https://deepstatemap.live/en14/48.2525590/37.3983667", (14.0, 48.252559, 37.3983667, None)),
    ("https://deepstatemap.live/e#15/48.8676507/38.0913591", (15.0, 48.8676507, 38.0913591, None)),
    ("/en#12/50.2223/36.4169", (12.0, 50.2223, 36.4169, None)),
    ("https://deepstatemap.live/#dl!coords!47.736321754561146,36.53194427490235", (None, 47.736321754561146, 36.53194427490235, None)),
    ("https://deepstatemap.live/en#dl!city!dsm:l:5899", (None, None, None, "dsm:l:5899")),
    ("https://t.me/DeepStateUA/14298", None),
    ("https://www.facebook.com/GeneralStaff.ua/posts/1", None),
    ("https://deepstatemap.live/en", None),
])
def test_a_link_gives_the_place_it_centres_on_whatever_the_way_it_was_pasted(href, expected):
    assert parse_link(href) == expected


_NOTE_HTML = (
    'Muscovites counterattack on <a href="https://deepstatemap.live/en#13/50.2159/36.2585"> Ternove. </a>\r\n<br>\r\n'
    'Ukrainian troops liberate <a href="https://deepstatemap.live/en#13/50.2159/36.2585"> Dementievka. </a> '
    '(<a href="https://t.me/DeepStateUA/1">confirmation</a>)')


def test_a_note_keeps_its_words_as_plain_text():
    """Markup goes, a line break is one newline, every word (link texts included) stays."""
    text, _ = parse_note_html(_NOTE_HTML)
    assert text == "Muscovites counterattack on Ternove.\nUkrainian troops liberate Dementievka. (confirmation)"


def test_a_note_names_each_linked_place_as_written():
    """Each link to the map gives a place named by its link text, at the link's centre and zoom;
    a link elsewhere (Telegram) gives none."""
    _, places = parse_note_html(_NOTE_HTML)
    assert [(p.name, p.lat, p.lon, p.zoom) for p in places] == [
        ("Ternove", 50.2159, 36.2585, 13.0), ("Dementievka", 50.2159, 36.2585, 13.0)]


def test_every_map_of_the_recorded_listing_has_its_note_english_where_given(listing):
    notes = notes_from_listing(listing)
    both_empty = sum(1 for e in listing if not (e["descriptionEn"] or "").strip() and not (e["description"] or "").strip())
    assert len(notes) == len(listing) - both_empty == 1732
    by_id = {n.map_id: n for n in notes}
    english = sum(1 for e in listing if (e["descriptionEn"] or "").strip())
    assert sum(n.lang == "en" for n in notes) == english == 1658
    assert sum(n.lang == "uk" for n in notes) == 74
    last = by_id[1787314988]  # 21 August 2026
    assert last.created == dt.datetime(2026, 8, 21, 12, 23, 8, tzinfo=dt.timezone.utc)
    assert last.text == "The enemy has advanced near Illinivka and Pryvillia."
    assert [(p.name, p.lat, p.lon, p.zoom) for p in last.places] == [
        ("Illinivka", 48.4892514, 37.6339254, 14.0), ("Pryvillia", 48.7429461, 37.8362274, 14.0)]
    first = by_id[1648989208]  # 3 April 2022: Ukrainian only
    assert first.lang == "uk" and first.text.startswith("⚡️На Сіверському напрямку")
    # A place the site links by its own id keeps its name, with no coordinates.
    nm = [p for p in by_id[1756066782].site_places if p.name == "Novomykhailivka"]
    assert nm and nm[0].lat is None and nm[0].site_id == "dsm:l:5899"
    assert [p.name for p in by_id[1756066782].places] == ["Zelenyi Hai", "Udachne", "Sobolivka"]
    olh = [p for p in by_id[1759414391].places if p.name == "Olhivske"]
    assert olh and (round(olh[0].lat, 4), round(olh[0].lon, 4)) == (47.7363, 36.5319)


def test_every_link_to_a_place_on_the_map_is_read(listing):
    """Counted independently in the raw HTML: every href to deepstatemap.live (or a relative one)
    with a number in it, in the text a note is made from, gives a place, but two whose markup is
    broken beyond a browser's reading too (map 1655485820: "a href=..." with no "<"; map
    1661718037: href='..." with mismatched quotes)."""
    notes = {n.map_id: n for n in notes_from_listing(listing)}
    links = 0
    for e in listing:
        n = notes.get(e["id"])
        if n is None:
            continue
        markup = e["descriptionEn"] if n.lang == "en" else e["description"]
        for href in re.findall(r"href\s*=\s*[\"']?([^\"'>]*)", markup):
            href = href.replace(" ", "")
            links += bool(("deepstatemap" in href or href.startswith(("/", "#"))) and re.search(r"\d", href))
    places = [p for n in notes.values() for p in (*n.places, *n.site_places)]
    assert (len(places), links) == (4685, 4687)
    # Every place of ``places`` has its coordinates; the 96 links by the site's own id are apart.
    assert sum(len(n.site_places) for n in notes.values()) == 96
    assert all(p.lat is not None and p.lon is not None for n in notes.values() for p in n.places)
    # Broken end tags ("< /a>", "</ a>", a cut "</a") and links inside links do not swallow the text.
    assert [p.name for p in notes[1662654988].places] == ["Balaklia"]
    assert [p.name for p in notes[1681910730].places] == ["Kreminna Forests", "Chromove"]
    assert [p.name for p in notes[1664792402].places] == ["Mykhaylivka", "Shyikivka"]
    located = [p for p in places if p.lat is not None]
    assert len(located) == 4685 - 96
    # All in or near Ukraine: none swapped, none nonsense.
    assert all(44 < p.lat < 53 and 22 < p.lon < 41 for p in located)


def test_only_a_listing_file_is_taken_for_a_listing(listing, history_dir):
    """is_listing_file: the recorded listing is one; a figures file and a map file are not."""
    assert is_listing_file(LISTING)
    assert not is_listing_file(LISTING.parent / "areas-2022-2024.json")
    assert not is_listing_file(history_dir / "1732311864.geojson")


# ------------------------------------------------------------------ the store and the command

@pytest.fixture(scope="module")
def notes_store(tmp_path_factory, listing):
    """A store holding the recorded listing's notes. Module-scoped: the tests read it, and the
    one that ingests the listing again adds nothing to it."""
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    path = tmp_path_factory.mktemp("notes") / "notes.duckdb"
    with Store(path) as st:
        summary = ingest(st, [LISTING])
        assert (summary.notes, summary.errors, summary.files) == (1732, [], 0)
    return path


def test_ingesting_the_recorded_listing_stores_every_note_once(notes_store):
    from frontwatch.ingest import ingest
    from frontwatch.store import Store

    with Store(notes_store) as st:
        assert st.notes_summary() == {"notes": 1732, "places": 4685, "first": "2022-04-03", "last": "2026-08-21"}
        again = ingest(st, [LISTING])
        assert again.notes == 0 and st.notes_summary()["notes"] == 1732
        [n] = [n for n in st.notes(dt.date(2025, 8, 24), dt.date(2025, 8, 24)) if n.map_id == 1756066782]
        assert [p.name for p in n.places] == ["Zelenyi Hai", "Udachne", "Sobolivka"]
        assert [(p.name, p.site_id) for p in n.site_places] == [("Novomykhailivka", "dsm:l:5899")]


def test_notes_between_two_days_come_in_time_order(notes_store):
    from frontwatch.store import Store

    with Store(notes_store) as st:
        nov = st.notes(dt.date(2024, 11, 1), dt.date(2024, 11, 30))
        assert len(nov) == 30 and all(n.date.month == 11 for n in nov)
        assert [n.created for n in nov] == sorted(n.created for n in nov)


def test_notes_near_a_point_name_their_places_within_reach_nearest_first(notes_store):
    from frontwatch.store import Store

    with Store(notes_store) as st:
        # Within 15 km of Pokrovsk's centre (48.2823 N, 37.1757 E) in the last ten days of November.
        near = st.notes(dt.date(2024, 11, 21), dt.date(2024, 11, 30), near=(48.2823, 37.1757, 15))
        assert [n.date.day for n in near] == [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]
        for n in near:
            assert n.near and all(km <= 15 for _, km in n.near)
            assert [km for _, km in n.near] == sorted(km for _, km in n.near)
        zhovte = [km for n in near for p, km in n.near if p.name == "Zhovte"]
        assert zhovte and 10 < min(zhovte) < 12  # Zhovte lies about 10-11 km south-east of Pokrovsk
        assert st.notes(dt.date(2024, 11, 21), dt.date(2024, 11, 30), near=(48.2823, 37.1757, 5)) == []


def test_cli_notes_lists_the_notes_near_a_place(notes_store):
    from frontwatch.faces.cli import main

    res = CliRunner().invoke(main, ["notes", "--from", "2024-11-28", "--to", "2024-11-29", "--near", "48.2823,37.1757:12km",
                                    "--store", str(notes_store), "--format", "json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert [r["date"] for r in recs] == ["2024-11-28", "2024-11-29"]
    assert recs[0]["near"][0]["name"] == "Zhovte" and recs[0]["near"][0]["distance_km"] == pytest.approx(10.44, abs=0.01)
    assert recs[1]["text"].startswith("The enemy occupied Zhovte, Pustynka and Rozdolne")
    table = CliRunner().invoke(main, ["notes", "--from", "2026-08-21", "--store", str(notes_store)])
    assert table.exit_code == 0
    assert "2026-08-21  1787314988  en    The enemy has advanced near Illinivka and Pryvillia." in table.stdout


def test_cli_notes_on_a_store_without_notes_says_how_to_get_them(tmp_path):
    from frontwatch.faces.cli import main
    from frontwatch.store import Store

    Store(tmp_path / "empty.duckdb").close()  # a store with no notes (`notes` never creates one)
    res = CliRunner().invoke(main, ["notes", "--store", str(tmp_path / "empty.duckdb")])
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == [
        "Error: the store has no notes yet: run `frontwatch sync deepstate`, or `frontwatch ingest history-public.json` "
        "(a recorded DeepStateMap listing)"]
