"""Claim extraction measured on real writing: ../shared/data/claims/dev.jsonl.

Runs ``frontwatch.claims.extract_claims`` on every passage of the development set (119 real
passages, 201 claims labelled by hand; schema in ../shared/data/claims/README.md) and prints,
for the claims the control maps can check (``checkable_on_control_maps``), the share whose
each field came out right:

- found: an extracted claim overlaps the labelled surface in the passage (or, where the surface
  cannot be located, has the labelled value);
- value+unit: the normalised unit and the value (both ends of a range) within 1%;
- measure, side, place, start (the first day of a period, None for a state) and date (the as-of
  day, or the last day of a period): equal to the label;
- all: measure, side, start and date all right at once.

Places are compared after folding case, accents and the words region/oblast/province ("Kursk
region" = "Kursk oblast"), a front sector to its town ("Bakhmut direction" = "Bakhmut": the schema
has no sectors, and the labels name one by its town), and country names to ISO-3 ("Ukraine" = "UKR").

The set is split by a hash of the passage id (:func:`held_out`) into a development two thirds,
which rules may be written from, and a held-out third, looked at only as totals to see whether
the rules generalise; the table has a column for each.

``python bench/claims_eval.py`` prints the table; ``--misses FIELD`` lists the passages where
FIELD is wrong (label against extraction; the development two thirds unless ``--split`` says
otherwise); ``--json`` prints the figures as JSON. Importable: :func:`evaluate` returns the
figures and the per-claim rows.

The field figures see only the labelled claims; a number that is not a claim but comes out as one
(a year, a day of the month, a bracketed conversion: each passage's ``not_claims``) is counted on
its own line, "not-claims taken as claims" (:func:`not_claims_taken`); ``--taken`` lists them.
``--dev FILE`` runs all of this on another set of the same schema.

``--verdicts`` measures the checking instead: for the claims the maps can check on days the
archive covers, whether `check` gives a verdict on the right map figure (right), on another
(wrong) or none (silent), end to end and for the checker alone on the labels
(:func:`evaluate_verdicts`; the rules are in the comment above it). ``--verdict-misses MODE``
lists the claims that are not right.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import unicodedata
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frontwatch.claims import extract_claims  # noqa: E402

DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"
FIELDS = ("found", "value_unit", "measure", "side", "place", "start", "date", "all")
_COUNTRIES = {"ukraine": "UKR", "ukr": "UKR", "russia": "RUS", "rus": "RUS", "russian federation": "RUS"}


def held_out(passage_id: str) -> bool:
    """Whether a passage is in the held-out third of the development set (by a hash of its id):
    rules are written looking at the other two thirds only; this third is looked at only to
    measure whether they generalise."""
    return int(hashlib.sha1(passage_id.encode()).hexdigest(), 16) % 3 == 0


def load(path: Path = DEV) -> list[dict]:
    """The passages of the development set, one dict each."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _fold_one(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"\b(region|regions|oblast|oblasts|province|provinces)\b", "oblast", s)
    # A front sector is named by its town in the schema: the labels write "Pokrovsk" and "Bakhmut" for
    # "the Pokrovsk direction" and "the Bakhmut sector" (dev and unseen alike).
    s = re.sub(r"\s+(direction|sector|axis)$", "", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return _COUNTRIES.get(s, s)


def fold_place(name: str | None) -> str | None:
    """A place name in a comparable form: no case, accents or 'region/oblast/province'; a union
    ("Donetsk and Luhansk oblasts", "Donetsk oblast+Luhansk oblast") as its sorted members."""
    if not name:
        return None
    s = str(name).strip()
    suffix = re.search(r"\s+(oblasts|regions|provinces)$", s, re.I)
    parts = [p for p in re.split(r"\s*(?:\+|,|\band\b)\s*", s[: suffix.start()] if suffix else s) if p.strip()]
    if suffix:
        parts = [f"{p} oblast" for p in parts]
    return "+".join(sorted(_fold_one(p) for p in parts))


def _close(a: float | None, b: float | None, rel: float = 0.01) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


def _iso(d: Any) -> str | None:
    if d is None:
        return None
    return d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else str(d)[:10]


def _gold_span(text: str, surface: str) -> tuple[int, int] | None:
    i = text.lower().find(surface.lower())
    return (i, i + len(surface)) if i >= 0 else None


def _match(gold: dict, text: str, extracted: list) -> Any:
    """The extracted claim that stands for the labelled one, or None."""
    span = _gold_span(text, gold.get("surface") or "")
    if span is not None:
        over = [c for c in extracted if c.span[0] < span[1] and span[0] < c.span[1]]
        if over:
            return min(over, key=lambda c: _value_distance(gold, c))
    same = [c for c in extracted if _value_distance(gold, c) < 0.01]
    return same[0] if same else None


def _value_distance(gold: dict, c) -> float:
    g = [gold.get("value_normalized"), gold.get("low_normalized"), gold.get("high_normalized")]
    e = [c.value_normalized, c.low_normalized, c.high_normalized]
    d = 0.0
    for a, b in zip(g, e):
        if a is None and b is None:
            continue
        if a is None or b is None:
            d += 1.0
        else:
            d += abs(a - b) / max(abs(a), abs(b), 1e-9)
    return d


def score_claim(gold: dict, c) -> dict[str, bool]:
    """Which fields of one labelled claim the extracted claim ``c`` (or None) gets right."""
    if c is None:
        return {f: False for f in FIELDS}
    row = {
        "found": True,
        "value_unit": c.unit_normalized == gold.get("unit_normalized") and _value_distance(gold, c) < 0.01,
        "measure": c.measure == gold.get("measure"),
        "side": (c.side or None) == (gold.get("side") or None),
        "place": fold_place(c.place) == fold_place(gold.get("place")),
        "start": _iso(c.start_date) == _iso(gold.get("start_date")),
        "date": _iso(c.date) == _iso(gold.get("date")),
    }
    row["all"] = row["measure"] and row["side"] and row["start"] and row["date"]
    return row


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def not_claims_taken(text: str, not_claims: list[str], gold_surfaces: list[str],
                     spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """For each of a passage's ``not_claims`` (numbers that are not claims: years, days of the month,
    clock times, ages, bracketed conversions...) found in ``text`` as a whole number (not inside a
    longer one) and outside the labelled claims' surfaces, whether an extracted claim (its character
    ``spans``) takes it: overlaps it without overlapping any labelled claim (a claim whose span runs
    from a labelled figure over its bracketed conversion is that figure's extraction, not a second
    claim). Not-claims not found in the text are left out."""
    gold = [g for g in (_gold_span(text, s) for s in gold_surfaces if s) if g is not None]
    own = [s for s in spans if not any(_overlaps(s, g) for g in gold)]
    out = []
    for nc in not_claims:
        found = [m.span() for m in re.finditer(r"(?<![\w.,])" + re.escape(nc) + r"(?!\w)", text, re.I)]
        found = [o for o in found if not any(_overlaps(o, g) for g in gold)]
        if found:
            out.append((nc, any(_overlaps(o, s) for o in found for s in own)))
    return out


def evaluate(path: Path = DEV, checkable_only: bool = True, split: str = "all") -> dict:
    """Field accuracy over the labelled claims (by default those the maps can check); ``split``:
    "all", "dev" (the two thirds rules may be written from) or "held" (the held-out third).
    ``not_claims``: how many of the passages' not_claims the extraction takes as claims
    (:func:`not_claims_taken`), the false claims the field figures cannot see."""
    rows, taken = [], []
    for passage in load(path):
        if split != "all" and held_out(passage["id"]) != (split == "held"):
            continue
        published = dt.date.fromisoformat(passage["published"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extracted = extract_claims(passage["text"], published=published)
        for gold in passage["claims"]:
            if checkable_only and not gold.get("checkable_on_control_maps"):
                continue
            c = _match(gold, passage["text"], extracted)
            rows.append({"id": passage["id"], "gold": gold, "claim": c, "score": score_claim(gold, c)})
        for nc, took in not_claims_taken(passage["text"], passage.get("not_claims") or [],
                                         [g.get("surface") or "" for g in passage["claims"]],
                                         [tuple(c.span) for c in extracted]):
            taken.append({"id": passage["id"], "not_claim": nc, "taken": took})
    n = len(rows)
    figures = {f: (sum(r["score"][f] for r in rows) / n if n else 0.0) for f in FIELDS}
    return {"claims": n, "accuracy": figures, "rows": rows,
            "not_claims": {"n": len(taken), "taken": sum(t["taken"] for t in taken), "rows": taken}}


_RULE_FIELD = {"measure": "measure", "side": "side", "place": "place", "start": "date", "date": "date",
               "value_unit": "quantity", "found": "quantity", "all": "date"}


def rule_figures(field: str, path: Path = DEV) -> dict[str, dict[str, list[int]]]:
    """For each rule that decided ``field`` (the name before the colon in the claim's ``explain``),
    how many matched claims it decided and how many of those are right, per split: totals that
    say whether a rule generalises without showing the held-out passages."""
    out: dict[str, dict[str, list[int]]] = {}
    for split in ("dev", "held"):
        for r in evaluate(path, split=split)["rows"]:
            c = r["claim"]
            if c is None:
                rule = "(not found)"
            else:
                words = (c.explain or {}).get(_RULE_FIELD[field], "")
                rule = words.split(":", 1)[0].split(" (")[0] or "(none)"
            cell = out.setdefault(rule, {"dev": [0, 0], "held": [0, 0]})[split]
            cell[0] += 1
            cell[1] += bool(r["score"][field])
    return out


def _describe(c) -> dict:
    if c is None:
        return {}
    return {"surface": c.surface, "value": c.value_normalized, "low": c.low_normalized, "high": c.high_normalized,
            "unit": c.unit_normalized, "measure": c.measure, "side": c.side, "place": c.place,
            "start": _iso(c.start_date), "date": _iso(c.date)}


# ------------------------------------------------------------------ verdicts

# The verdict half: for the labelled claims the maps can check, does `check` give a verdict on the
# right map figure? The right figure is computed HERE, from the label's measure, side, place and
# period, through the library's measure functions (frontwatch.analysis.*), not through check.py.
#
# Which claims count ("covered"): labelled ``checkable_on_control_maps``, of a measure the maps
# answer (every measure but ``other``, which names a ratio or a count of days the labels do not
# define as a map figure), and whose days the archive covers. A map stands for the state at the
# end of its day; the state at the end of day D is covered when a map is dated D-7..D or D+1 (the
# shared archive: the first map of each month 2022-04..2024-05, so the last day of a month and its
# first eight days; every day 2024-06-01..2024-12-31, and 2025-01-01..2025-01-07). A state (no
# start_date) needs its day covered (an undated one, date null: a peak up to publication, its
# publication day); a period start_date..date needs the end of the day before start_date and the
# end of date covered, by two different maps.
#
# The store: the shared history, the OSM borders and Ukraine's oblast shapes of ../shared/data/admin
# (bench_store, cached), read offline with the 34,264 places of ../shared/data/places as Ukraine's
# gazetteer (bench_environment): Russia's regions and places are those frontwatch has offline
# (Kursk oblast is then RUS; Russian settlements are GeoNames cities500, a floor).
#
# Outcomes: right = a verdict (consistent..., overstated, understated) whose map figure is within
# 10% of the reference (or within a unit's small absolute floor: REF_FLOOR); wrong = a verdict on
# another figure, or on a claim with no reference figure; silent = no verdict (not checkable, no
# map data). Reported (a) end to end: `check` on what extract_claims gives; (b) the checker alone:
# `check` on a Claim built from the label.

SHARED_DATA = DEV.parents[1]
HISTORY = SHARED_DATA / "deepstate" / "history"
BORDERS = SHARED_DATA / "borders" / "countries-osm.geojson"
ADMIN = SHARED_DATA / "admin" / "geoBoundaries-UKR-ADM1.geojson"
PLACES = SHARED_DATA / "places" / "ua-localities-wof.csv"
MAP_MEASURES = ("area_held", "area_change", "share_held", "share_lost", "share_gained", "advance_rate", "distance",
                "depth", "front_length", "grey_zone", "settlements")
REF_TOLERANCE = 0.10
REF_FLOOR = {"km2": 1.0, "percent": 0.1, "m": 100.0, "m_per_day": 5.0, "km2_per_day": 0.1, "settlements": 0.0}
TOWN_RADIUS_KM = 15.0   # a claim "near/in a town" that is not its share: the town's 15 km circle
TOWN_DENSITY = 2000.0   # a town's share: the disc holding its population at 2,000 per km2 (no outlines exist)
RATE_RADIUS_KM = 15.0
OUTCOMES = ("right", "wrong", "silent")


def bench_folder(cache: Path | None = None) -> Path:
    """Where the bench keeps its store and frontwatch's cache (default: the system's temporary
    folder, frontwatch-bench/)."""
    import tempfile

    folder = Path(cache) if cache else Path(tempfile.gettempdir()) / "frontwatch-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def bench_environment(cache: Path | None = None) -> None:
    """Offline (no download: what the bench needs comes from ../shared), with frontwatch's cache in
    the bench folder, where the places of ../shared/data/places (34,264 places of Ukraine, as
    `frontwatch places FILE` stores them) are saved once: settlement counts in Ukraine are then
    not a floor. Call before the gazetteer is first used."""
    os.environ.setdefault("FRONTWATCH_OFFLINE", "1")
    os.environ["FRONTWATCH_CACHE_DIR"] = str(bench_folder(cache) / "cache")
    from frontwatch.geo import placefiles, places

    if PLACES.exists() and not placefiles.saved_places():
        frame, coverage = placefiles.read_places_file(PLACES)
        placefiles.save_places(frame, coverage, str(PLACES))
        places.reset()


def bench_store(cache: Path | None = None, history: Path = HISTORY, borders: Path = BORDERS,
                admin: Path = ADMIN) -> Path:
    """A store of ``history``, ``borders`` and Ukraine's oblast shapes (``admin``), built once and
    kept in the bench folder under a key of the inputs (every file's name, size and mtime) and the
    store's schema version; built aside and moved in, so an interrupted build is never used."""
    import hashlib

    from frontwatch import store as store_mod

    h = hashlib.sha1(f"schema {store_mod.SCHEMA_VERSION}\n".encode())
    for f in sorted(history.iterdir()) + [borders] + ([admin] if admin.exists() else []):
        st = f.stat()
        h.update(f"{f.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    folder = bench_folder(cache)
    path = folder / f"claims-{h.hexdigest()[:16]}.duckdb"
    if path.exists():
        return path
    from frontwatch.geo.regions import prepare_borders, read_borders_file
    from frontwatch.ingest import ingest

    tmp = folder / f".building-{os.getpid()}.duckdb"
    with store_mod.Store(tmp) as st:
        summary = ingest(st, history)
        if summary.errors:
            raise SystemExit(f"cannot build the bench store from {history}: {summary.errors[:3]}")
        st.set_borders(prepare_borders(read_borders_file(borders)), origin=str(borders))
        if admin.exists():
            from frontwatch.geo import admin as admin_mod

            admin_mod.save_admin(st, admin_mod.read_admin_file(admin, country="UKR"), origin=str(admin))
    for suffix in ("", ".wal"):
        src = tmp.with_name(tmp.name + suffix)
        if src.exists():
            os.replace(src, path.with_name(path.name + suffix))
    return path


def _day_covered(day: dt.date, map_days: set) -> bool:
    return any(day - dt.timedelta(days=k) in map_days for k in range(8)) or day + dt.timedelta(days=1) in map_days


def covered(gold: dict, published: dt.date, map_days: set) -> tuple[bool, str]:
    """Whether the archive covers the labelled claim's days (see the comment above), and why not."""
    end = dt.date.fromisoformat(gold["date"]) if gold.get("date") else published
    if not _day_covered(end, map_days):
        return False, f"no map for the end of {end}"
    if gold.get("start_date"):
        start = dt.date.fromisoformat(gold["start_date"])
        before = start - dt.timedelta(days=1)
        if not _day_covered(before, map_days):
            return False, f"no map for the start of {start}"
        days = sorted(map_days)
        a = max((d for d in days if d <= before and (before - d).days <= 7), default=before + dt.timedelta(days=1))
        b = max((d for d in days if d <= end and (end - d).days <= 7), default=end + dt.timedelta(days=1))
        if a >= b:
            return False, f"one map for both ends of {start}..{end}"
    return True, ""


class NoReference(Exception):
    """The label does not define a map figure (no side for a change, a place with no shape...)."""


class Reference:
    """Map figures for labels, computed through frontwatch.analysis directly (not check.py)."""

    def __init__(self, store):
        self.store = store
        self.borders = store.borders()
        self.snaps = store.snapshots()
        self._regions: dict = {}

    # ---- places
    def region(self, place: str | None, town_radius_km: float = TOWN_RADIUS_KM):
        """(Region, the country it lies in)."""
        from frontwatch.geo.regions import RegionError, resolve_region

        if not place:
            raise NoReference("no place")
        key = (place, town_radius_km)
        if key in self._regions:
            return self._regions[key]
        folded = fold_place(place)
        if folded in ("UKR", "RUS"):
            got = (resolve_region(folded, self.borders), folded)
        elif folded == "kursk oblast":
            try:
                got = (resolve_region("Kursk oblast", self.borders, store=self.store), "RUS")
            except RegionError:  # no shape of Russia's oblasts: all Ukrainian ground in Russia was in Kursk oblast
                got = (resolve_region("RUS", self.borders), "RUS")
        elif all(m.endswith(" oblast") for m in folded.split("+")):
            members = [m.split(" oblast")[0].strip() for m in folded.split("+")]
            spec = "+".join(f"{m.title()} oblast" for m in members)
            try:
                got = (resolve_region(spec, self.borders, store=self.store), "UKR")
            except RegionError:
                got = (self._admin_region(members), "UKR")
        else:
            got = (resolve_region(f"{place}:{town_radius_km:g}km"), "UKR")
        self._regions[key] = got
        return got

    def _admin_region(self, members: list[str]):
        """Ukrainian oblasts from ../shared/data/admin (geoBoundaries), cut to UKR land."""
        import pyogrio
        import shapely

        from frontwatch.geo.regions import Region

        if not ADMIN.exists():
            raise NoReference(f"no oblast shapes ({ADMIN})")
        df = pyogrio.read_dataframe(ADMIN)
        alias = {"zaporizhzhia": "zaporizhia", "lugansk": "luhansk", "odesa": "odessa"}
        names = {re.sub(r"\s+oblast$", "", n.lower()): g for n, g in zip(df["shapeName"], df.geometry)}
        parts = []
        for m in members:
            g = names.get(alias.get(m, m))
            if g is None:
                raise NoReference(f"no shape for {m} oblast")
            parts.append(g)
        geom = shapely.intersection(shapely.union_all(parts), self.borders["UKR"])
        name = "+".join(f"{m.title()} oblast" for m in members)
        return Region(name, geom, "bench-admin-" + name)

    def town(self, place: str):
        from frontwatch.geo.places import resolve_place
        from frontwatch.geo.regions import resolve_region

        p = resolve_place(place)
        radius = max((p.population / (3.141592653589793 * TOWN_DENSITY)) ** 0.5, 0.5)
        return p, resolve_region(f"{p.lat:.5f},{p.lon:.5f}:{radius:.3f}km")

    # ---- maps
    def map_of(self, day: dt.date):
        from frontwatch.analysis.measure import map_for_day

        s = map_for_day(self.snaps, day)
        if s is None:
            raise NoReference(f"no map for {day}")
        return s

    def period(self, gold: dict, end: dt.date):
        from frontwatch.analysis.measure import period_maps

        return period_maps(self.store, dt.date.fromisoformat(gold["start_date"]), end, strict=True)

    def held(self, region, home: str, side: str, snap) -> float:
        """km2 ``side`` holds in ``region`` on ``snap``: its statuses away from home, its ground
        (measure.side_geometry) at home."""
        from frontwatch.analysis.measure import area_on, side_geometry
        from frontwatch.geo.geodesy import area_km2
        from frontwatch.statuses import SIDE_COUNTRY, SIDES

        if SIDE_COUNTRY[side] != home:
            return sum(r["km2"] for r in area_on(self.store, region, SIDES[side], snap.taken_at))
        return float(area_km2(side_geometry(self.store.layers(snap.id), side, self.borders, within=region.geometry)))

    def town_share(self, place: str, side: str, snap) -> float:
        from frontwatch.analysis.measure import side_share

        _, disc = self.town(place)
        return side_share(self.store.layers(snap.id), side, self.borders, disc.geometry)["held_pct"]

    # ---- the figure of a label
    def figure(self, gold: dict, published: dt.date) -> tuple[float, str]:
        """(value in the label's unit, how it was computed)."""
        from frontwatch.analysis import front as fr
        from frontwatch.analysis import measure as ms
        from frontwatch.analysis.settlements import settlement_changes, settlements_on
        from frontwatch.geo.geodesy import area_km2
        from frontwatch.statuses import SIDE_COUNTRY, SIDES

        m, side, unit = gold["measure"], gold.get("side"), gold.get("unit_normalized")
        end = dt.date.fromisoformat(gold["date"]) if gold.get("date") else published
        start = dt.date.fromisoformat(gold["start_date"]) if gold.get("start_date") else None
        since_invasion = start is not None and start <= dt.date(2022, 2, 24)
        needs_side = m not in ("grey_zone", "front_length", "settlements")
        if needs_side and side not in SIDES:
            raise NoReference(f"no side for {m}")
        place = gold.get("place")
        if m == "front_length":
            region = ms_region = None
            if place in (None, "UKR") or fold_place(place) == "UKR":
                from frontwatch.geo.regions import resolve_region

                ms_region = resolve_region("ALL")
            else:
                ms_region = self.region(place)[0]
            snap = self.map_of(end)
            (rep,) = fr.front(self.store, ms_region, date=snap.taken_at, borders=self.borders)
            return rep["length_km"] * 1000, f"front in {ms_region.name} on {snap.date}"
        if m == "distance":
            from frontwatch.geo.places import resolve_place

            p = resolve_place(place)
            snap = self.map_of(end)
            d = fr.side_distance_km(self.store.layers(snap.id), side, self.borders, p.lon, p.lat)
            if d is None:
                raise NoReference("no ground of the side near")
            return d * 1000, f"{side} from {p.name} on {snap.date}"
        if m in ("share_held", "share_lost") and fold_place(place) not in ("UKR", "RUS", "kursk oblast") \
                and not fold_place(place).endswith("oblast") and place:
            # A town: the disc standing for it.
            if m == "share_held":
                snap = self.map_of(end)
                return self.town_share(place, side, snap), f"{side}'s share of {place}'s disc on {snap.date}"
            last = self.map_of(end)
            first = self.period(gold, end)[0] if start else None
            maps = [s for s in self.snaps if s.taken_at <= last.taken_at and (first is None or s.taken_at >= first.taken_at)]
            shares = [self.town_share(place, side, s) for s in maps]
            top = max(shares)
            if not top:
                raise NoReference("the side never held the town")
            return 100 * (top - shares[-1]) / top, f"{side}'s share of {place}'s disc: largest {top:.1f}%, then {shares[-1]:.1f}%"
        if m == "advance_rate" and unit == "m_per_day":
            a, b = self.period(gold, end)
            (r,) = fr.advance(self.store, place, RATE_RADIUS_KM, start=a.taken_at, end=b.taken_at, borders=self.borders)
            return r[f"{side}_mean_m_per_day"], f"mean advance within {RATE_RADIUS_KM:g} km of {place}"
        if m == "depth":
            if start:
                region = self.region(place)[0] if place else None
                if region is None:
                    raise NoReference("no place")
                a, b = self.period(gold, end)
                r = fr.advance_depth_km(self.store.layers(a.id), self.store.layers(b.id), side, self.borders, region.geometry)
                return r["km"] * 1000, f"advance depth in {region.name} {a.date}..{b.date}"
            snap = self.map_of(end)
            r = fr.depth_km(self.store.layers(snap.id), side, self.borders)
            if r is None:
                raise NoReference("no ground of the side in the other country")
            return r["km"] * 1000, f"depth into the other country on {snap.date}"
        region, home = self.region(place) if place else (None, None)
        if region is None:
            raise NoReference("no place")
        if m == "grey_zone":
            if not gold.get("date"):
                p = ms.peak(self.store, region, ("contested",), until=self.map_of(end).taken_at)
                return p["peak_km2"], f"contested at its largest ({p['peak_date']}) in {region.name}"
            snap = self.map_of(end)
            return sum(r["km2"] for r in ms.area_on(self.store, region, ("contested",), snap.taken_at)), \
                f"contested in {region.name} on {snap.date}"
        if m == "settlements":
            if start:
                a, b = self.period(gold, end)
                ch = settlement_changes(self.store, region, start=a.taken_at, end=b.taken_at, borders=self.borders)
                first, last = {}, {}
                for r in ch:
                    first.setdefault(r["geonameid"], r["old_side"])
                    last[r["geonameid"]] = r["new_side"]
                if gold.get("direction") == "lost":
                    n = sum(1 for g in first if first[g] == side and last[g] != side)
                else:
                    n = sum(1 for g in first if first[g] != side and last[g] == side)
                return float(n), f"gazetteer places changing to {side} in {region.name} {a.date}..{b.date}"
            snap = self.map_of(end)
            recs = settlements_on(self.store, region, snap.taken_at, borders=self.borders)
            return float(sum(1 for r in recs if r["side"] == side)), f"gazetteer places held by {side} in {region.name}"
        land = float(area_km2(region.geometry))
        if m == "area_held":
            if not gold.get("date"):
                if SIDE_COUNTRY[side] == home:
                    raise NoReference("a peak on a side's own land")
                p = ms.peak(self.store, region, SIDES[side], until=self.map_of(end).taken_at)
                return p["peak_km2"], f"peak of {side} in {region.name} on {p['peak_date']}"
            snap = self.map_of(end)
            return self.held(region, home, side, snap), f"{side} in {region.name} on {snap.date}"
        if m == "share_held":
            snap = self.map_of(end)
            return 100 * self.held(region, home, side, snap) / land, f"{side}'s share of {region.name} on {snap.date}"
        if m == "share_lost":
            if SIDE_COUNTRY[side] == home:
                raise NoReference("a share of a side's peak on its own land")
            last = self.map_of(end)
            since = self.period(gold, end)[0].taken_at if start else None
            p = ms.peak(self.store, region, SIDES[side], until=last.taken_at, since=since)
            return p["share_lost_pct"], f"share of {side}'s peak ({p['peak_date']}) lost in {region.name}"
        if m in ("area_change", "share_gained") or (m == "advance_rate" and unit == "km2_per_day"):
            if since_invasion:
                status = "occupied" if side == "russia" else "ukraine_held"
                snap = self.map_of(end)
                km2 = sum(r["km2"] for r in ms.area_on(self.store, region, (status,), snap.taken_at))
                how = f"{status} (taken since the invasion) in {region.name} on {snap.date}"
                days = None
            else:
                if not start:
                    raise NoReference("a change with no period")
                a, b = self.period(gold, end)
                if SIDE_COUNTRY[side] != home:
                    res = ms.change_between(self.store, region, a, b, statuses=SIDES[side])
                else:
                    res = ms.change_between(self.store, region, a, b, side=side, borders=self.borders)
                km2 = res["lost_km2"] if gold.get("direction") == "lost" else res["gained_km2"]
                how, days = f"{side} {gold.get('direction') or 'gained'} in {region.name} {a.date}..{b.date}", res["days"]
            if m == "share_gained":
                return 100 * km2 / land, how + f", of {land:,.0f} km2"
            if m == "advance_rate":
                return km2 / max(days or 1, 1), how + " per day"
            return km2, how
        raise NoReference(f"measure {m}")


def claim_of_label(gold: dict, passage: dict, i: int):
    """A Claim with the label's fields (the checker alone): an undated state (date null) is a peak
    up to the publication day; a count of settlements with no period is what is held."""
    from frontwatch.claims.check import claim_from_record

    published = passage["published"]
    aspect = None
    if not gold.get("date") and not gold.get("start_date"):
        aspect = "peak"
    elif gold["measure"] == "settlements" and not gold.get("start_date"):
        aspect = "current"
    unit = gold.get("unit_normalized") or ""
    return claim_from_record({
        "id": f"g{i}", "value": gold.get("value_normalized"), "low": gold.get("low_normalized"),
        "high": gold.get("high_normalized"), "unit": {"km2": "km2", "m": "m", "percent": "%"}.get(unit, unit),
        "value_normalized": gold.get("value_normalized"), "low_normalized": gold.get("low_normalized"),
        "high_normalized": gold.get("high_normalized"), "unit_normalized": unit, "measure": gold["measure"],
        "direction": gold.get("direction"), "aspect": aspect, "side": gold.get("side"), "place": gold.get("place"),
        "date": gold.get("date") or published, "start_date": gold.get("start_date"), "qualifier": gold.get("qualifier"),
        "source": gold.get("source"), "sentence": passage["text"], "surface": gold.get("surface") or "",
        "span": [0, 0]})


_TO_LABEL_UNIT = {"km": ("m", 1000.0)}


def same_figure(rec: dict, ref: float, label_unit: str) -> bool:
    """Whether a check record's map figure is the reference (10%, or the unit's floor)."""
    v, unit = rec.get("map_value"), rec.get("map_unit")
    if v is None:
        return False
    if unit in _TO_LABEL_UNIT:
        unit, k = _TO_LABEL_UNIT[unit]
        v = v * k
    if unit != label_unit:
        return False
    return abs(v - ref) <= max(REF_TOLERANCE * abs(ref), REF_FLOOR.get(label_unit, 0.0))


def _outcome(rec: dict, value: float | None, gold: dict, judged) -> str:
    if rec["verdict"] not in judged:
        return "silent"
    return "right" if value is not None and same_figure(rec, value, gold["unit_normalized"]) else "wrong"


def _abstained(claim, rec: dict, value, gold: dict, judged, checker, bare) -> dict | None:
    """What an abstention took away: the rule of a silent end-to-end check (``unsure.FIELD``, the
    extractor's doubt; ``check.doubtful_reading.*``, the checker's) and the outcome the claim would
    have had without it (the extractor's doubts dropped, or the checker's doubt off)."""
    rule = rec.get("rule") or ""
    if rec["verdict"] in judged or not rule.startswith(("unsure.", "check.")):
        return None
    import dataclasses

    again = checker.check(dataclasses.replace(claim, unsure={})) if rule.startswith("unsure.") else bare.check(claim)
    return {"rule": rule, "would_be": _outcome(again.to_record(), value, gold, judged)}


def evaluate_verdicts(path: Path = DEV, store_path: Path | None = None, cache: Path | None = None,
                      abstentions: bool = False) -> dict:
    """Right/wrong/silent over the covered checkable claims, end to end and for the checker alone;
    with ``abstentions``, each end-to-end silence an abstention rule gave also carries the outcome
    the claim would have had without that rule (``row["end_to_end"]["abstained"]``)."""
    from frontwatch.claims.check import JUDGED, ClaimChecker
    from frontwatch.store import Store

    bench_environment(cache)
    store_path = store_path or bench_store(cache)
    rows = []
    left_out = {"other measure": 0, "not covered": 0}
    with Store(store_path) as st:
        ref = Reference(st)
        map_days = {s.date for s in ref.snaps}
        checker = ClaimChecker(st)
        bare = ClaimChecker(st, doubt=False) if abstentions else None
        for passage in load(path):
            published = dt.date.fromisoformat(passage["published"])
            checkable = [(i, g) for i, g in enumerate(passage["claims"]) if g.get("checkable_on_control_maps")]
            if not checkable:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                extracted = extract_claims(passage["text"], published=published)
            for i, gold in checkable:
                if gold["measure"] not in MAP_MEASURES:
                    left_out["other measure"] += 1
                    continue
                ok, why = covered(gold, published, map_days)
                if not ok:
                    left_out["not covered"] += 1
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        value, how = ref.figure(gold, published)
                except NoReference as exc:
                    value, how = None, f"no reference: {exc}"
                except Exception as exc:  # a reference the library cannot compute: say so, do not stop
                    value, how = None, f"no reference: {type(exc).__name__}: {str(exc).splitlines()[0]}"
                row = {"id": passage["id"], "gold": gold, "reference": value, "how": how}
                for mode, claim in (("end_to_end", _match(gold, passage["text"], extracted)),
                                    ("checker", claim_of_label(gold, passage, i))):
                    if claim is None:
                        row[mode] = {"outcome": "silent", "verdict": None, "reason": "not extracted"}
                        continue
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        rec = checker.check(claim).to_record()
                    outcome = _outcome(rec, value, gold, JUDGED)
                    row[mode] = {"outcome": outcome, "verdict": rec["verdict"], "reason": rec["reason"],
                                 "map_value": rec.get("map_value"), "map_unit": rec.get("map_unit")}
                    if abstentions and mode == "end_to_end":
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            row[mode]["abstained"] = _abstained(claim, rec, value, gold, JUDGED, checker, bare)
                rows.append(row)
    return {"claims": len(rows), "left_out": left_out, "figures": verdict_figures(rows), "rows": rows}


def verdict_figures(rows: list[dict]) -> dict:
    """Right/wrong/silent counts of verdict rows, per mode."""
    return {mode: {o: sum(1 for r in rows if r[mode]["outcome"] == o) for o in OUTCOMES}
            for mode in ("end_to_end", "checker")}


def abstention_figures(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Per abstention rule, the end-to-end verdicts it took away: how many would have been right,
    wrong, or silent anyway (another rule)."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        a = r["end_to_end"].get("abstained")
        if a:
            cell = out.setdefault(a["rule"], {o: 0 for o in OUTCOMES})
            cell[a["would_be"]] += 1
    return out


def print_abstentions(result: dict) -> None:
    figs = abstention_figures(result["rows"])
    print("\nabstention rule (end to end)                    took away: right  wrong  (silent anyway)")
    for rule, cell in sorted(figs.items()):
        print(f"{rule:<48}  {cell['right']:>14}  {cell['wrong']:>5}  {cell['silent']:>7}")


def print_verdicts(result: dict, misses: str | None = None, split: str = "dev") -> None:
    """The table (all, the development two thirds, the held-out third), then the misses of a mode
    in ``split`` (by default the development two thirds only: the held-out third is looked at as
    totals)."""
    rows = result["rows"]
    parts = {"all": rows, "dev": [r for r in rows if not held_out(r["id"])], "held": [r for r in rows if held_out(r["id"])]}
    figs = {k: verdict_figures(v) for k, v in parts.items()}
    lo = result["left_out"]
    print(f"{len(rows)} labelled claims the maps can check on days the archive covers (development "
          f"{len(parts['dev'])}, held out {len(parts['held'])}; {lo['not covered']} on days it does not and "
          f"{lo['other measure']} of measure 'other' left out)")
    print("          end to end                  checker alone")
    print("outcome   all      dev      held      all      dev      held")
    print("-------   -------  -------  -------   -------  -------  -------")
    for o in OUTCOMES:
        cells = []
        for mode in ("end_to_end", "checker"):
            cells.append("  ".join(f"{100 * figs[k][mode][o] / max(len(parts[k]), 1):5.1f}% " for k in parts))
        print(f"{o:<7}   {cells[0]}  {cells[1]}")
    print("(counts, all: " + "; ".join(f"{m.replace('_', ' ')}: " + ", ".join(f"{o} {figs['all'][m][o]}" for o in OUTCOMES)
                                      for m in ("end_to_end", "checker")) + ")")
    if misses:
        mode = "checker" if misses.startswith("checker") else "end_to_end"
        for r in rows:
            if r[mode]["outcome"] == "right" or (split != "all" and held_out(r["id"]) != (split == "held")):
                continue
            g = r["gold"]
            print(f"\n{r['id']} [{r[mode]['outcome']}] {g['measure']} {g.get('side')} {g.get('place')} "
                  f"{g.get('start_date')}..{g.get('date')} {g.get('value_normalized') or [g.get('low_normalized'), g.get('high_normalized')]} "
                  f"{g.get('unit_normalized')} {g.get('qualifier') or ''}")
            ref_v = f"{r['reference']:,.1f}" if r["reference"] is not None else "-"
            print(f"  reference: {ref_v} ({r['how']})")
            print(f"  {r[mode]['verdict']}: {r[mode]['reason']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--all-claims", action="store_true", help="also the claims the maps cannot check")
    ap.add_argument("--misses", choices=FIELDS, help="list the claims where this field is wrong")
    ap.add_argument("--taken", action="store_true",
                    help="list the labelled not_claims (years, days, conversions...) the extraction takes as claims")
    ap.add_argument("--split", choices=("all", "dev", "held"), default=None,
                    help="only the development two thirds or the held-out third (default: a column each)")
    ap.add_argument("--rules", choices=FIELDS, help="per rule that decided this field: claims and right, dev and held out")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verdicts", action="store_true",
                    help="the checker's verdicts against the maps: right, wrong, silent (needs a store: built once "
                         "from ../shared history and borders and cached, see --cache)")
    ap.add_argument("--store", type=Path, default=None, help="with --verdicts: use this store instead of the cached one")
    ap.add_argument("--cache", type=Path, default=None,
                    help="with --verdicts: where the bench store is kept (default: $TMPDIR/frontwatch-bench)")
    ap.add_argument("--abstentions", action="store_true",
                    help="with --verdicts: per abstention rule (the extractor's unsure fields, the checker's doubtful "
                         "reading), the verdicts it took away and whether they would have been right or wrong")
    ap.add_argument("--verdict-misses", choices=("end_to_end", "checker"),
                    help="with --verdicts: list the claims not right, with the reference and the reason (the development two thirds unless --split says otherwise)")
    args = ap.parse_args(argv)
    if not args.dev.exists():
        print(f"no development set at {args.dev} (see ../shared/README.md)", file=sys.stderr)
        return 2
    if args.verdicts or args.verdict_misses:
        if args.store is None and not HISTORY.exists():
            print(f"no map archive at {HISTORY} (see ../shared/README.md)", file=sys.stderr)
            return 2
        result = evaluate_verdicts(args.dev, args.store, args.cache, abstentions=args.abstentions)
        if args.json:
            split = {k: verdict_figures([r for r in result["rows"] if held_out(r["id"]) == (k == "held")])
                     for k in ("dev", "held")}
            out = {"claims": result["claims"], "left_out": result["left_out"], "figures": result["figures"],
                   "split": split}
            if args.abstentions:
                out["abstentions"] = abstention_figures(result["rows"])
            print(json.dumps(out, indent=2))
        else:
            print_verdicts(result, args.verdict_misses, args.split or "dev")
            if args.abstentions:
                print_abstentions(result)
        return 0
    if args.rules:
        figs = rule_figures(args.rules, args.dev)
        print(f"{'rule':<44}  dev right/n   held right/n")
        for rule, cells in sorted(figs.items(), key=lambda kv: -(kv[1]["dev"][0] + kv[1]["held"][0])):
            d, h = cells["dev"], cells["held"]
            print(f"{rule:<44}  {d[1]:>4}/{d[0]:<6}  {h[1]:>4}/{h[0]:<6}")
        return 0
    if args.split is None and not args.misses and not args.taken:
        parts = {k: evaluate(args.dev, checkable_only=not args.all_claims, split=k) for k in ("all", "dev", "held")}
        if args.json:
            print(json.dumps({k: {"claims": r["claims"], "accuracy": r["accuracy"]} for k, r in parts.items()}, indent=2))
            return 0
        what = "" if args.all_claims else " the maps can check"
        print(f"labelled claims{what}: {parts['all']['claims']} (development {parts['dev']['claims']}, "
              f"held out {parts['held']['claims']})")
        print("field         all    dev   held")
        print("----------  -----  -----  -----")
        for f in FIELDS:
            print(f"{f:<10}  " + "  ".join(f"{100 * parts[k]['accuracy'][f]:5.1f}" for k in ("all", "dev", "held")))
        nc = {k: parts[k]["not_claims"] for k in parts}
        print("not-claims taken as claims (of the labelled not_claims found in the text): "
              + ", ".join(f"{k} {nc[k]['taken']}/{nc[k]['n']}" for k in ("all", "dev", "held")))
        return 0
    result = evaluate(args.dev, checkable_only=not args.all_claims,
                      split=args.split or ("dev" if args.misses or args.taken else "all"))
    if args.json:
        print(json.dumps({"claims": result["claims"], "accuracy": result["accuracy"]}, indent=2))
        return 0
    if args.misses:
        g_keys = ("surface", "value_normalized", "low_normalized", "high_normalized", "unit_normalized",
                  "measure", "side", "place", "start_date", "date")
        for r in result["rows"]:
            if not r["score"][args.misses]:
                print(r["id"])
                print("  label:    ", {k: r["gold"].get(k) for k in g_keys})
                print("  extracted:", _describe(r["claim"]))
        return 0
    if args.taken:
        for t in result["not_claims"]["rows"]:
            if t["taken"]:
                print(f"{t['id']}: {t['not_claim']!r} taken as a claim")
        return 0
    print(f"{result['claims']} labelled claims{'' if args.all_claims else ' the maps can check'}")
    print("field       right")
    print("----------  -----")
    for f in FIELDS:
        print(f"{f:<10}  {100 * result['accuracy'][f]:5.1f}%")
    nc = result["not_claims"]
    print(f"not-claims taken as claims: {nc['taken']}/{nc['n']} of the labelled not_claims found in the text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
