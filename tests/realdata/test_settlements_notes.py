"""Settlements that changed hands, against what the map maker wrote: DeepStateMap's notes of June
to December 2024 (the descriptionEn of ../shared/data/deepstate/api/history-public.json, each
village a link with its coordinates) against the polygons of ../shared/data/deepstate/history,
with the 34,264 places of ../shared/data/places/ua-localities-wof.csv as the gazetteer.

The expected list is read here, by this test's own parser of the recorded listing, independent of
frontwatch's (the live source's notes parser and frontwatch.analysis.settlements.note_claims)."""
from __future__ import annotations

import datetime as dt
import html
import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SHARED, _need, gazetteer_in

LISTING = SHARED / "deepstate" / "api" / "history-public.json"
START, END = dt.date(2024, 6, 1), dt.date(2024, 12, 31)
_LINK = re.compile(r'<a\s[^>]*href="[^"]*#\d+/(-?[\d.]+)/(-?[\d.]+)"[^>]*>(.*?)</a>', re.S)


def _recorded_notes():
    """Each map's note of the window: {map_id, date, text, places: [{name, lat, lon}]} (the
    interface frontwatch.analysis.settlements reads; English where present, else Ukrainian)."""
    out = []
    for e in json.loads(_need(LISTING).read_text()):
        d = dt.datetime.fromtimestamp(e["id"], dt.timezone.utc).date()
        if not START <= d <= END:
            continue
        raw = e.get("descriptionEn") or e.get("description") or ""
        places = [{"name": html.unescape(re.sub("<[^>]+>", "", m.group(3))).strip(), "lat": float(m.group(1)),
                   "lon": float(m.group(2))} for m in _LINK.finditer(raw)]
        text = html.unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", raw))).strip()
        out.append({"map_id": e["id"], "date": d, "text": text, "places": places})
    return out


def _said_to_change_hands(notes):
    """{(name, side): (date, lat, lon)}: the places a note says were captured or occupied (russia)
    or liberated (ukraine), by the verb before the link in its sentence; the first note wins."""
    verbs = re.compile(r"\b(captured|occupied|occupation of|liberated|regained control of|drove the enemy out of|"
                       r"advanced|advance|pushed back|push back|regained (?:their |the )?positions?|fighting|continues|"
                       r"clarified|success|successful|battle)\b", re.I)
    out = {}
    for n in notes:
        text, pos = n["text"], 0
        for p in n["places"]:
            i = text.find(p["name"], pos)
            if i < 0:
                continue
            pos = i + len(p["name"])
            start = text.rfind(". ", 0, i) + 1
            found = verbs.findall(text[start:i])
            if not found:
                continue
            last = found[-1].lower()
            side = ("russia" if last in ("captured", "occupied", "occupation of") else
                    "ukraine" if last in ("liberated", "regained control of", "drove the enemy out of") else None)
            if side:
                out.setdefault((p["name"], side), (n["date"], p["lat"], p["lon"]))
    return out


@pytest.fixture(scope="module")
def wof_changes(store_path, wof_cache):
    """Every change of hands in UKR, June-December 2024, with the WOF gazetteer."""
    from frontwatch.analysis.settlements import settlement_changes
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with gazetteer_in(wof_cache):
        with Store(store_path) as st:
            borders = st.borders()
            region = resolve_region("UKR", borders)
            changes = settlement_changes(st, region, start=START, end=END, borders=borders)
        yield changes, borders, region


def _dated_within(changes, said, days):
    lat = np.array([r["lat"] for r in changes])
    lon = np.array([r["lon"] for r in changes])
    day = np.array([dt.date.fromisoformat(r["date"]).toordinal() for r in changes])
    side = np.array([r["new_side"] or "" for r in changes])
    hits = 0
    for (name, says), (d, la, lo) in said.items():
        km = np.hypot((lat - la) * 111.2, (lon - lo) * 111.2 * np.cos(np.radians(la)))
        hits += bool(((km <= 2.0) & (side == says) & (np.abs(day - d.toordinal()) <= days)).any())
    return hits


def _said_in_ukraine(borders):
    import shapely

    return {k: v for k, v in _said_to_change_hands(_recorded_notes()).items()
            if shapely.intersects_xy(borders["UKR"], v[2], v[1])}


def _window(said, a, b):
    return {k: v for k, v in said.items() if a <= v[0] <= b}


JUN_SEP = (dt.date(2024, 6, 1), dt.date(2024, 9, 30))
OCT_DEC = (dt.date(2024, 10, 1), dt.date(2024, 12, 31))


def test_settlements_the_notes_say_changed_hands_are_found_at_the_gazetteer_points(wof_changes):
    """Of the 99 places in Ukraine DeepStateMap's notes say were taken (128 in all, 29 of them in
    Russia: the issue's counts), how many have a WOF place within 2 km that frontwatch finds going
    to that side within 3 (7, 14) days of the note, each place read at its gazetteer point.
    Measured: 76 of 99 (76.8%) within 3 days, 90 within 7, 95 within 14 (73/87/93 before the
    villages whose point lies in a reservoir by the shore were counted in Ukraine). The polygons
    often cover a village's gazetteer point days before the note declares it taken (the front
    crosses that side of the village first); see docs/places-and-regions.md."""
    changes, borders, _ = wof_changes
    said = _said_in_ukraine(borders)
    assert len(said) == 99
    assert _dated_within(changes, said, 3) >= 76
    assert _dated_within(changes, said, 7) >= 90
    assert _dated_within(changes, said, 14) >= 95


def test_villages_on_a_reservoir_shore_are_in_the_country(wof_changes):
    """Stari Terny and Trudove, on the Kurakhove reservoir, have their gazetteer points in the
    water, outside Ukraine's OSM land: they are Ukraine's places all the same, and change hands."""
    changes, _, _ = wof_changes
    taken = {r["place"]: r["date"] for r in changes if r["new_side"] == "russia" and r["oblast"] == "Donetsk Oblast"}
    assert taken.get("Stari Terny") == "2024-12-02" and "Trudove" in taken


@pytest.fixture(scope="module")
def noted_changes(store_path, wof_cache):
    """Every change of hands in UKR, June-December 2024, with the notes' links as the points of the
    places they say changed hands."""
    from frontwatch.analysis.settlements import settlement_changes
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with gazetteer_in(wof_cache):
        with Store(store_path) as st:
            borders = st.borders()
            changes = settlement_changes(st, resolve_region("UKR", borders), start=START, end=END, borders=borders,
                                         notes=_recorded_notes())
        yield changes, borders


def test_settlements_the_notes_say_changed_hands_are_dated_within_3_days_at_the_notes_points(noted_changes):
    """The issue's acceptance figure: at least 90% of the 99 dated within 3 days of the note.
    Read at the note's link (the map maker's own point for the place: settlement_changes(notes=)),
    measured: 93 of 99 (93.9%) within 3 days, 99 within 7 and 14; June-September 40 of 40,
    October-December 53 of 59 (89.8%). The six misses are notes written 4-7 days after the map
    showed the change at the note's own point (Selydove, Berestky, Novodmytrivka, Sontsivka,
    Trudove, Zelenivka): bench/settlements_vs_notes.py lists them."""
    changes, borders = noted_changes
    said = _said_in_ukraine(borders)
    assert len(said) == 99
    assert _dated_within(changes, said, 3) >= 93
    assert _dated_within(changes, said, 7) >= 99
    assert _dated_within(changes, _window(said, *JUN_SEP), 3) >= 40
    assert _dated_within(changes, _window(said, *OCT_DEC), 3) >= 53


def test_kursk_settlements_the_notes_say_changed_hands_are_found_from_the_notes_alone(store_path, wof_cache):
    """The 28 places in Russia the notes say changed hands (Kursk oblast): the gazetteer has
    cities500's towns only there, so at the gazetteer's points 5 of 28 are found within 3 days;
    the notes' own places, added where the gazetteer lacks them, give 26 of 28. The two misses are
    this test's list misreading the note of 2024-10-10 ("The enemy has occupied Mykolaivka, ...,
    is conducting assault operations on Zelenyi Shlyakh and Novoivanivka"): the map shows them
    grey that day, and frontwatch's note_claims reads the assault as no capture."""
    import shapely

    from frontwatch.analysis.settlements import settlement_changes
    from frontwatch.geo.regions import resolve_region
    from frontwatch.store import Store

    with gazetteer_in(wof_cache):
        with Store(store_path) as st:
            borders = st.borders()
            said = {k: v for k, v in _said_to_change_hands(_recorded_notes()).items()
                    if shapely.intersects_xy(borders["RUS"], v[2], v[1])}
            region = resolve_region("RUS", borders)
            bare = settlement_changes(st, region, start=START, end=END, borders=borders)
            noted = settlement_changes(st, region, start=START, end=END, borders=borders, notes=_recorded_notes())
    assert len(said) == 28
    assert _dated_within(bare, said, 3) >= 5
    assert _dated_within(noted, said, 3) >= 26


def test_places_read_at_the_notes_points_say_so(noted_changes):
    changes, _ = noted_changes
    by = {}
    for r in changes:
        by.setdefault(r["point_from"], set()).add(r["place"])
    assert set(by) == {"gazetteer", "note"}
    # Yevhenivka (48.30N 37.83E) has no gazetteer place within 2 km of its link: the note's place
    # is added, and goes to Russia's side on the map of the note. The gazetteer's Yevhenivka 22 km
    # away is another village, still read at its own point.
    yev = {(r["point_from"], r["date"]) for r in changes if r["place"] == "Yevhenivka" and r["new_side"] == "russia"}
    assert yev == {("note", "2024-07-10"), ("gazetteer", "2024-06-30")}
    assert all(r["geonameid"] < 0 for r in changes if r["place"] == "Yevhenivka" and r["point_from"] == "note")


def test_each_change_carries_its_sides_statuses_oblast_date(wof_changes):
    """Sides and statuses before and after, the oblast (from the WOF gazetteer) and the date of
    the first map that shows the change (Berestky: 2024-11-23)."""
    changes, _, _ = wof_changes
    taken = [r for r in changes if r["new_side"] == "russia" and r["old_side"] == "ukraine"]
    assert len(taken) > 40  # 46 directly from Ukrainian to Russian ground; most pass through the grey zone
    assert {r["oblast"] for r in taken} >= {"Donetsk Oblast", "Kharkiv Oblast"}
    assert all(r["old_status"] in (None, "ukraine_held") and r["new_status"] == "occupied" for r in taken)
    ber = [r for r in changes if r["place"] == "Berestky" and r["new_side"] == "russia"]
    assert ber and ber[0]["date"] == "2024-11-23"


@pytest.fixture(scope="module")
def cross_checked(wof_changes):
    """cross_check of the WOF changes against the recorded notes."""
    from frontwatch.analysis.settlements import cross_check

    changes, _, region = wof_changes
    return cross_check(changes, _recorded_notes(), region=region)


def test_cross_check_puts_the_note_beside_the_change_it_agrees_with(cross_checked):
    out = cross_checked
    agree = [r for r in out if r["note_says"] and r["note_says"] == r["new_side"] and not r["flag"]]
    assert len(agree) >= 60
    shumy = next(r for r in agree if r["place"] == "Shumy" and r["new_side"] == "russia")
    assert "Shumy" in shumy["note"] and shumy["note_date"] == shumy["date"] == "2024-06-21"


def test_cross_check_flags_where_a_note_disagrees_with_the_map(cross_checked):
    """A change the notes do not state is "map only"; a note's word no change bears out, "note
    only"."""
    out = cross_checked
    # Berestky went to Russia's side on the map of 2024-11-23; the note said so on 2024-11-30.
    ber = [r for r in out if r["place"] == "Berestky" and r["new_side"] == "russia"]
    assert {r["flag"] for r in ber} == {"map only", "note only"}
    note_only = {r["place"] for r in out if r["flag"] == "note only"}
    # Krasnohorivka's link points at a district with no WOF place within 2 km: the note's word
    # cannot be checked against a settlement, and says so.
    assert "Krasnohorivka" in note_only
    assert any(r["flag"] == "map only" for r in out)
    assert all(r["new_side"] for r in out if r["flag"] == "note only")


def test_note_claims_reads_the_verb_that_governs_each_name():
    from frontwatch.analysis.settlements import note_claims

    note = {"text": "The enemy captured Serhiivka and advanced near Pereyizne, in Zhelanne. The Ukrainian Defense "
                    "Forces liberated Sverdlikovo and Oleshnya.",
            "places": [{"name": n, "lat": 48.0, "lon": 37.0} for n in
                       ("Serhiivka", "Pereyizne", "Zhelanne", "Sverdlikovo", "Oleshnya")]}
    says = {c["name"]: c["says"] for c in note_claims(note)}
    assert says == {"Serhiivka": "russia", "Pereyizne": None, "Zhelanne": None, "Sverdlikovo": "ukraine",
                    "Oleshnya": "ukraine"}
    uk = {"text": "Ворог окупував Новоселівку та просунувся біля Гродівки.",
          "places": [{"name": "Новоселівку", "lat": 48.0, "lon": 37.0}, {"name": "Гродівки", "lat": 48.1, "lon": 37.1}]}
    assert [c["says"] for c in note_claims(uk)] == ["russia", None]


def test_note_claims_an_assault_on_a_place_is_not_its_capture():
    """DeepStateMap's note of 2024-10-10, as written: the first four were taken, the next two only
    assaulted (the map of that day shows them grey, not Russian)."""
    from frontwatch.analysis.settlements import note_claims

    text = ("The enemy has occupied Mykolaivka , Krasnyi Yar , Krutyi Yar and Myasozharivka , is conducting assault "
            "operations on Zelenyi Shlyakh and Novoivanivka , and has advanced near New York .")
    names = ("Mykolaivka", "Krasnyi Yar", "Krutyi Yar", "Myasozharivka", "Zelenyi Shlyakh", "Novoivanivka", "New York")
    says = {c["name"]: c["says"] for c in note_claims({"text": text, "places": [
        {"name": n, "lat": 48.0, "lon": 37.0} for n in names]})}
    assert [says[n] for n in names] == ["russia"] * 4 + [None] * 3


@pytest.fixture(scope="module")
def russian_gains_near_kurakhove(store_path, wof_cache):
    """`frontwatch settlements --region Kurakhove:15km --side russia`, November-December 2024, with
    the WOF gazetteer: the CLI's result."""
    from frontwatch.faces.cli import main

    with gazetteer_in(wof_cache):
        return CliRunner().invoke(main, ["settlements", "--region", "Kurakhove:15km", "--side", "russia", "--from",
                                         "2024-11-01", "--to", "2024-12-31", "--store", str(store_path),
                                         "--format", "json"])


def test_settlements_command_keeps_only_the_chosen_side(russian_gains_near_kurakhove):
    res = russian_gains_near_kurakhove
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert len(recs) >= 10 and all(r["new_side"] == "russia" for r in recs)
    assert "Kurakhove" in {r["place"] for r in recs}


def test_settlements_command_names_each_places_oblast(russian_gains_near_kurakhove):
    res = russian_gains_near_kurakhove
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert all(r["oblast"] == "Donetsk Oblast" for r in recs)


@pytest.fixture(scope="module")
def noted_store(store_path, tmp_path_factory):
    """A copy of the shared store with the notes of the recorded listing stored by `frontwatch
    ingest` (the live source's parser, frontwatch.sources.notes)."""
    import shutil

    from frontwatch.faces.cli import main

    copy = tmp_path_factory.mktemp("noted") / "s.duckdb"
    shutil.copy(store_path, copy)
    res = CliRunner().invoke(main, ["ingest", str(_need(LISTING)), "--store", str(copy)])
    assert res.exit_code == 0 and "notes" in res.output, res.output
    return copy


def test_settlements_command_cross_checks_the_stored_notes(noted_store, wof_cache, monkeypatch):
    """The stored notes beside the changes, and the disagreements alone with --flagged."""
    from frontwatch.faces.cli import main
    from frontwatch.geo import places

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(wof_cache))
    places.reset()
    args = ["settlements", "--region", "Kurakhove:15km", "--from", "2024-11-15", "--to", "2024-11-30", "--store",
            str(noted_store), "--format", "json"]
    recs = json.loads(CliRunner().invoke(main, args).stdout)
    flagged = json.loads(CliRunner().invoke(main, args + ["--flagged"]).stdout)
    places.reset()
    assert any(r["note_says"] == r["new_side"] == "russia" and not r["flag"] and r["note"] for r in recs)
    assert flagged and all(r["flag"] in ("map only", "note only") for r in flagged)
    assert {r["flag"] for r in flagged} == {"map only", "note only"}
    assert all("2024-11-15" <= r["date"] <= "2024-11-30" for r in recs)


def test_settlements_command_reads_noted_places_at_the_notes_points_unless_told(noted_store, wof_cache, monkeypatch):
    """With notes stored, Nova Illinka (no gazetteer place of that name within 2 km of its link) is
    listed from the note, taken on the map of 2024-11-19, the note's day; --at-gazetteer reads
    every place at the gazetteer's point, where it is not."""
    from frontwatch.faces.cli import main
    from frontwatch.geo import places

    monkeypatch.setenv("FRONTWATCH_CACHE_DIR", str(wof_cache))
    places.reset()
    args = ["settlements", "--region", "Kurakhove:15km", "--side", "russia", "--from", "2024-11-01", "--to",
            "2024-12-31", "--store", str(noted_store), "--format", "json"]
    at_notes = json.loads(CliRunner().invoke(main, args).stdout)
    at_gaz = json.loads(CliRunner().invoke(main, args + ["--at-gazetteer"]).stdout)
    places.reset()
    nova = [r for r in at_notes if r["place"] == "Nova Illinka" and r["flag"] != "note only"]
    assert nova and nova[0]["point_from"] == "note" and nova[0]["date"] == "2024-11-19" and not nova[0]["flag"]
    changes = [r for r in at_gaz if r["flag"] != "note only"]
    assert {r["point_from"] for r in changes} == {"gazetteer"} and "Nova Illinka" not in {r["place"] for r in changes}
    assert "Nova Illinka" in {r["place"] for r in at_gaz if r["flag"] == "note only"}
