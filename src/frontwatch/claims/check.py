"""Check numeric claims of a news report against the control maps in the store.

Each claim's measure, side, place and period are turned into the same quantity on the maps,
asked of the analytics (:mod:`frontwatch.analysis.measure`, :mod:`frontwatch.analysis.front`,
:mod:`frontwatch.analysis.settlements`), and set against the claim by the one comparison of
:mod:`frontwatch.claims.verdicts`, which gives the verdict and the words of its reason together.
Every check is a :class:`Check` holding the :class:`MapFigure` the claim was set against (value,
unit, the maps' dates, the region), so a reader sees what was compared; ``to_record()`` gives the
JSON-ready record the ledger, the CLI, the API and the report show.

Abstain rather than guess: a claim whose side, place or period is not sure (the extractor's
``unsure``; a change with no period; a place the maps cannot be cut to) is "not checkable", with
the reason; where the figure's words allow two readings the maps can both answer (a length before
"east of X" is also a distance from X; a loss with no place, in Ukraine or in both countries), a
verdict only when they agree (``check.competing_readings``, :mod:`frontwatch.claims.competing`).
Periods follow the one rule of :func:`frontwatch.analysis.measure.period_maps` (from
the state at the start of the first day to the end of the last), strictly: a period whose ends
have no map within a week is "no map data", never measured over other days.

docs/claims-checking.md describes the measures, places, periods, verdicts and tolerances. Pure
functions: nothing here prints or writes (the ledger, ledger.py, saves results). May import: the
standard library, frontwatch.claims.*, frontwatch.analysis.*, frontwatch.geo.*,
frontwatch.statuses, frontwatch.notices.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any, Callable, Mapping

import shapely

from frontwatch import notices
from frontwatch.analysis import front as front_mod
from frontwatch.analysis import measure
from frontwatch.analysis.measure import MeasureError
from frontwatch.analysis.settlements import settlement_changes, settlements_on
from frontwatch.claims import dates as dates_mod
from frontwatch.claims.competing import competing_readings
from frontwatch.claims.consistency import consistency
from frontwatch.claims.dates import INVASION_DAY
from frontwatch.claims.extract import Claim, extract_claims, reference_date
from frontwatch.claims.reading import read_from_outside
from frontwatch.claims.text import document_text
from frontwatch.claims.verdicts import (
    AGREEING, AREA, CONSISTENT, CONSISTENT_GREY, DISTANCE, FRONT, JUDGED, NO_DATA, NOT_CHECKABLE, OUTCOME,
    OVERSTATED, RATE, ROUGHLY, ROUGHLY_GREY, SETTLEMENTS, SHARE, TOWN_SHARE, UNDERSTATED, VERDICTS, Judgement,
    Tolerance, judge)
from frontwatch.geo.geodesy import area_km2, km2_to_sqmi
from frontwatch.geo.regions import THEATRE, RegionError, load_borders, resolve_region
from frontwatch.lazy import lazy_import
from frontwatch.statuses import CONTESTED, SIDE_COUNTRY, SIDES

# The gazetteer (pandas), loaded when a claim first names a town.
if TYPE_CHECKING:
    from frontwatch.geo import places as gazetteer
else:
    gazetteer = lazy_import("frontwatch.geo.places")

__all__ = ["AGREEING", "CONSISTENT", "CONSISTENT_GREY", "JUDGED", "NO_DATA", "NOT_CHECKABLE", "OVERSTATED",
           "ROUGHLY", "ROUGHLY_GREY", "UNDERSTATED", "VERDICTS", "Check", "ClaimChecker", "MapFigure", "check_claim",
           "check_claims", "check_rows", "check_text", "checks_to_markdown", "claim_from_record", "place_region"]

SETTLEMENT_RADIUS_KM = 15.0     # "near Pokrovsk": a circle this wide around the gazetteer's point
RATE_RADII_KM = (15.0, 10.0)    # a rate "near X" is read over both: the band between them is the map figure
DIRECTION_RADIUS_KM = 50.0      # "the Pokrovsk direction": the band runs from the town's circle to this one
DEPTH_RADIUS_KM = 50.0          # Russia's depth into Ukraine: its ground this near the named town
RATE_WINDOW_DAYS = 30           # a pace claimed "now" is the mean over the month of maps before the day
TOWN_DENSITY = 2000.0           # inhabitants per km2: a town's disc from its population
TOWN_MIN_RADIUS_KM = 0.5
# How far from its namesake city a place "in the X region" may lie: the oblasts of the theatre
# reach at most ~230 km from their capitals, so 250 km keeps every place of the region and drops
# namesakes elsewhere (the Pushkino in Crimea is 800 km from Kursk).
REGION_REACH_KM = 250.0
# A news report holds dozens of claims; a text with thousands is not one, and is cut here.
MAX_CLAIMS = 500
# A state claim dated between two maps further apart than a week (the monthly part of an
# archive) is checked on both when they are at most this far apart, and keeps their common verdict.
BRACKET_MEASURES = ("area_held", "share_held", "share_lost", "grey_zone")
MAX_BRACKET_DAYS = 35
# An area more than this many times off the map figure under a place the sentence does not name is
# a doubtful reading, not a verdict (:func:`_doubtful_reading`).
READING_FACTOR = 2.5
# An area or a count this many times off the map figure, however it was read, is a doubtful reading.
FAR_FACTOR = 10.0
# ... but not the whole country of a sentence that names no place: that is the convention of
# reports (and of careful readers), not a choice between places named earlier.
COUNTRY_BY_DEFAULT = ("place.whole_country", "place.country_as_before")
# The extractor's reading of a sentence that names no place at all (the whole country by the
# reports' convention): a loss read so is also measured in both countries during the incursion.
NO_PLACE_NAMED = ("place.whole_country",)
# Measures of a state on a day (no period): a far figure of one is not excused by the whole country by default.
STATES = ("area_held", "grey_zone")
# Fields of the extractor's ``unsure`` that make a claim not checkable (a verdict on a guess is worse than none).
UNSURE_FIELDS = ("measure", "side", "place", "period", "start", "start_date", "date", "direction")

_SIDE_STATUSES = {side: tuple(st) for side, st in SIDES.items()}
_OTHER = {"russia": "ukraine", "ukraine": "russia"}


# ------------------------------------------------------------------ typed results

@dataclasses.dataclass(frozen=True)
class MapFigure:
    """What a claim was set against: the map figure ``value`` in ``unit`` (km2, percent,
    m_per_day, km2_per_day, km, settlements), measured on the maps of ``dates`` (one map for a
    state; the two ends for a period or a peak), in ``region``. ``with_grey_zone`` is the same
    counting the grey zone as the side's; ``band`` the range of equally good readings of the place
    (two circle radii, a direction's extent, the mean to the largest shift); ``alternatives``
    names each reading's figure."""

    value: float
    unit: str
    dates: tuple[dt.date, ...]
    region: str
    statuses: str = ""
    with_grey_zone: float | None = None
    band: tuple[float, float] | None = None
    alternatives: tuple[tuple[str, float | None], ...] = ()
    region_note: str = ""
    land_km2: float | None = None   # the land of the region an area was measured in (the most a claim there can be)

    def to_record(self) -> dict[str, Any]:
        rec = {"map_value": _round(self.value), "map_unit": self.unit,
               "map_value_with_contested": _round(self.with_grey_zone),
               "map_dates": [d.isoformat() for d in self.dates], "evidence_dates": [d.isoformat() for d in self.dates],
               "region": self.region, "region_note": self.region_note, "statuses": self.statuses}
        if self.band is not None:
            rec["map_band"] = [_round(self.band[0]), _round(self.band[1])]
        if self.alternatives:
            rec["map_value_alt"] = {k: _round(v) for k, v in self.alternatives}
        if self.unit == "km2":
            rec["map_value_sqmi"] = _round(float(km2_to_sqmi(self.value)))
        if self.land_km2 is not None:
            rec["region_land_km2"] = _round(self.land_km2)
        return rec


@dataclasses.dataclass(frozen=True)
class Check:
    """One claim's check: its verdict (:mod:`frontwatch.claims.verdicts`), the reason (the claim,
    the map figure and the comparison in words), the :class:`MapFigure` and tolerance it was
    judged with (None when not compared), the signed deviation from the figure it was nearest to
    (a fraction, or percentage points) and which figure that was; ``extra``: measure-specific
    fields (``bracket``, ``map_shift_m_per_day``...)."""

    claim: Claim
    verdict: str
    reason: str
    figure: MapFigure | None = None
    tolerance: Tolerance | None = None
    deviation: float | None = None
    compared_with: str | None = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """One word for colours and filters: consistent, roughly_consistent, overstated,
        understated, not_checkable, no_data."""
        return OUTCOME[self.verdict]

    def to_record(self) -> dict[str, Any]:
        """The claim's record (``Claim.to_record``, with ``reading``: where each field of the claim was
        read from) with ``verdict``, ``outcome``, ``reason``, the
        map figure (``map_value``, ``map_unit``, ``map_value_with_contested``, ``map_dates`` =
        ``evidence_dates``, ``region``, ``region_note``, ``statuses``), ``tolerance``,
        ``tolerance_unit``, ``deviation``, ``compared_with``; dates as ISO strings."""
        rec = self.claim.to_record()
        rec.update({"verdict": self.verdict, "outcome": self.outcome, "reason": self.reason, "map_value": None,
                    "map_unit": None, "map_value_with_contested": None, "map_dates": [], "evidence_dates": [],
                    "tolerance": self.tolerance.amount if self.tolerance else None,
                    "tolerance_unit": self.tolerance.unit if self.tolerance else None,
                    "deviation": _round(self.deviation, 4), "compared_with": self.compared_with})
        if self.figure is not None:
            rec.update(self.figure.to_record())
        rec.update({k: _jsonable(v) for k, v in self.extra.items()})
        return rec


def _round(x, nd=2):
    return None if x is None else round(float(x), nd)


def _jsonable(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    return v


class _Skip(Exception):
    """A claim that gets a verdict without a comparison (not checkable, no data)."""

    def __init__(self, verdict: str, reason: str, **extra):
        super().__init__(reason)
        self.verdict, self.reason, self.extra = verdict, reason, extra


# ------------------------------------------------------------------ the run's context

@dataclasses.dataclass
class _Ctx:
    """One check run: the store, borders, regions and memoised map figures (a report asks the
    same peak for several claims).

    ``borders``: a dict, a function of no argument that gives it (called when a claim first needs
    it), or None (the store's, :func:`~frontwatch.geo.regions.load_borders`). ``regions``: the
    caller's resolver of region specs (a :class:`frontwatch.workspace.Workspace`'s ``region``:
    resolution is written once, there); None resolves here, with these borders. The claims layer
    lies below the workspace, so it takes these parts rather than the workspace itself."""

    store: Any
    borders: dict | Callable[[], dict] | None
    source: str | None = None
    regions: Callable[[str], Any] | None = None
    memo: dict = dataclasses.field(default_factory=dict)

    def borders_or_load(self) -> dict:
        if self.borders is None:
            self.borders = load_borders(self.store)
        elif callable(self.borders):
            self.borders = self.borders()
        return self.borders

    def region(self, spec: str, what: str | None = None):
        """The region of ``spec``; a claim whose place has no shape is not checkable (the reason
        names it), not a failed report."""
        key = ("region", spec)
        if key not in self.memo:
            try:
                if self.regions is not None:
                    self.memo[key] = self.regions(spec)
                else:
                    # Borders are loaded only when the spec needs them (a country, a named oblast).
                    self.memo[key] = resolve_region(spec, self.borders_or_load, store=self.store)
            except RegionError as exc:  # a region the maps cannot be cut to: this claim fails, not the report
                self.memo[key] = exc
        got = self.memo[key]
        if isinstance(got, Exception):
            why = str(got).splitlines()[0]
            raise _Skip(NOT_CHECKABLE, f"no shape for {what or spec} to cut the maps to ({why})")
        return got

    def snapshots(self):
        key = ("snaps",)
        if key not in self.memo:
            self.memo[key] = self.store.snapshots(source=self.source)
        return self.memo[key]

    def layers(self, snap):
        key = ("layers", snap.id)
        if key not in self.memo:
            self.memo[key] = self.store.layers(snap.id)
        return self.memo[key]

    def areas(self, region, snap) -> dict[str, float]:
        """km2 per status of ``region`` on the map ``snap`` (every status the source maps)."""
        key = ("areas", region.key, snap.id)
        if key not in self.memo:
            try:
                recs = measure.area_on(self.store, region, None, snap.taken_at, source=self.source)
            except MeasureError as exc:
                raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
            self.memo[key] = {r["status"]: r["km2"] for r in recs}
        return self.memo[key]

    def need(self, statuses) -> None:
        """NO_DATA when the source maps none of a status the figure needs: its area there is unknown, not 0."""
        key = ("need", tuple(statuses))
        if key not in self.memo:
            try:
                measure.resolve_statuses(self.store, tuple(statuses), self.source)
                self.memo[key] = None
            except MeasureError as exc:
                self.memo[key] = str(exc).splitlines()[0]
        if self.memo[key]:
            raise _Skip(NO_DATA, self.memo[key])

    def land_km2(self, region) -> float:
        key = ("land", region.key)
        if key not in self.memo:
            self.memo[key] = float(area_km2(region.geometry))
        return self.memo[key]

    def peak(self, region, statuses, until, since=None):
        key = ("peak", region.key, tuple(statuses), until, since)
        if key not in self.memo:
            try:
                self.memo[key] = measure.peak(self.store, region, tuple(statuses), until=until, since=since,
                                              source=self.source)
            except MeasureError as exc:
                raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
        return self.memo[key]

    def home(self, region) -> str | None:
        """The country a region lies in (RUS or UKR), by its representative point; None for the whole map."""
        if region.name in ("RUS", "UKR"):
            return region.name
        if region.name == "ALL":
            return None
        key = ("home", region.key)
        if key not in self.memo:
            b = self.borders_or_load()
            pt = shapely.point_on_surface(region.geometry)
            # Crimea lies in both borders: Ukraine's first (the maps' rule).
            self.memo[key] = next((iso for iso in ("UKR", "RUS") if b.get(iso) is not None and b[iso].contains(pt)), None)
        return self.memo[key]


# ------------------------------------------------------------------ claims from records

def claim_from_record(rec: Mapping[str, Any]) -> Claim:
    """A :class:`~frontwatch.claims.extract.Claim` from its record (``Claim.to_record``, the API's
    JSON, or hand-made: missing fields are empty), dates parsed."""
    fields = {f.name: f for f in dataclasses.fields(Claim)}
    kw: dict[str, Any] = {}
    for name, f in fields.items():
        if name in rec:
            kw[name] = rec[name]
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            kw[name] = {"id": "c0", "unit": "", "measure": "other", "sentence": "", "surface": "",
                        "span": (0, 0)}.get(name)
    for name in ("date", "start_date"):
        if isinstance(kw.get(name), str):
            kw[name] = dt.date.fromisoformat(kw[name][:10])
    if isinstance(kw.get("span"), list):
        kw["span"] = tuple(kw["span"])
    if isinstance(kw.get("span_in_sentence"), list):
        kw["span_in_sentence"] = tuple(kw["span_in_sentence"])
    c = Claim(**kw)
    if "unsure" in rec and "unsure" not in fields:  # an extractor's record newer than this Claim
        c.unsure = dict(rec["unsure"] or {})
    return c


def _as_claim(claim) -> Claim:
    if isinstance(claim, Claim):
        return claim
    if isinstance(claim, Mapping):
        return claim_from_record(claim)
    raise TypeError(f"a claim is a Claim or its record, not {type(claim).__name__}")


def _loss_with_no_place(c: Claim) -> bool:
    """An area lost by a named side with no place at all: the checker measures it in Ukraine and, while
    Ukraine held ground in Russia, in both countries (:func:`_check_loss_with_no_place`), so the
    extractor's doubt about its place is settled by the two readings agreeing."""
    no_place = not c.place or (c.explain or {}).get("place", "").startswith(NO_PLACE_NAMED)
    return c.measure == "area_change" and c.direction == "lost" and no_place and c.side in _SIDE_STATUSES \
        and c.unit_normalized == "km2"


def _unsure(c: Claim) -> None:
    """Not checkable when the extractor says it is not sure of a field the check needs (a loss with no
    place aside: :func:`_loss_with_no_place`)."""
    unsure = getattr(c, "unsure", None) or {}
    items = unsure.items() if isinstance(unsure, Mapping) else ((k, "") for k in unsure)
    for name, why in items:
        if name == "place" and _loss_with_no_place(c):
            continue
        if name in UNSURE_FIELDS:
            raise _Skip(NOT_CHECKABLE, f"not sure of the claim's {name.replace('_', ' ')}"
                                       + (f" ({why})" if why else "") + ": no verdict on a guess", rule=f"unsure.{name}")


def _claim_range(c: Claim) -> tuple[float, float]:
    if c.value_normalized is not None:
        return float(c.value_normalized), float(c.value_normalized)
    if c.low_normalized is not None and c.high_normalized is not None:
        return float(c.low_normalized), float(c.high_normalized)
    raise _Skip(NOT_CHECKABLE, f"the claim's unit {c.unit!r} has no normalised value")


def _need_side(c: Claim) -> str:
    if c.side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {c.side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    return c.side


# ------------------------------------------------------------------ places

_COUNTRIES = {"ukraine": "UKR", "ukr": "UKR", "russia": "RUS", "rus": "RUS", "russian federation": "RUS"}
_REGION_WORD = r"(?:region|oblast|province|krai|district)"
_KURSK = re.compile(rf"^kursk(?:\s+{_REGION_WORD})?$", re.I)
_OBLAST_WORD = re.compile(rf"\s+{_REGION_WORD}$", re.I)
_UNION_SUFFIX = re.compile(r"\s+(?:regions|oblasts|provinces)$", re.I)
# First-level units named without "oblast" ("Russia controls 70% of Donetsk"): read as the oblast
# for areas and shares, as the city for points (a distance from Donetsk is from the city).
_OBLAST_NAMES = re.compile(
    r"^(?:donetsk|luhansk|lugansk|zaporizhzhia|zaporizhia|zaporozhye|kherson|kharkiv|kharkov|sumy|chernihiv|"
    r"dnipropetrovsk|mykolaiv|belgorod|bryansk|kursk|donbas|donbass)$", re.I)
_DONBAS = re.compile(r"^(?:the\s+)?donbass?$", re.I)
_DIRECTION = re.compile(r"^(?P<town>.+?)\s+(?:direction|axis|sector)$", re.I)
_POINT_MEASURES = ("distance", "advance_rate", "depth")
_AREA_MEASURES = ("area_held", "area_change", "share_held", "share_lost", "share_gained", "settlements", "grey_zone",
                  "front_length")


@dataclasses.dataclass(frozen=True)
class _Place:
    spec: str           # a region spec for resolve_region
    note: str           # how the place was read
    kind: str           # country, oblast, town, direction, kursk
    name: str           # the place as the claim names it
    town: str | None = None  # the settlement, for town and direction


def _clean_place(place: str) -> str:
    p = re.sub(r"\s+", " ", str(place).strip())
    return re.sub(r"^the\s+", "", p, flags=re.I)


def _oblast_members(p: str) -> list[str] | None:
    """The oblasts a place names ("Donetsk oblast", "Donetsk and Luhansk oblasts", "Donetsk
    oblast+Luhansk oblast"), each as "<Name> oblast"; None when it names none."""
    if _DONBAS.match(p):
        return ["Donetsk oblast", "Luhansk oblast"]
    plural = _UNION_SUFFIX.search(p)
    if plural:
        names = [x for x in re.split(r"\s*(?:,|\band\b|\+)\s*", p[: plural.start()]) if x.strip()]
        return [f"{x.strip()} oblast" for x in names]
    parts = [x.strip() for x in p.split("+") if x.strip()]
    if all(_OBLAST_WORD.search(x) for x in parts):
        return [_OBLAST_WORD.sub(" oblast", x) for x in parts]
    return None


def place_region(place: str | None, measure_name: str, within: str | None = None) -> tuple[str, str]:
    """The region spec for a claim's place and a note on how it was read (raises _Skip when the
    maps cannot be cut to it). Kept for callers; :func:`_place` gives the kind too."""
    p = _place(place, measure_name, within)
    return p.spec, p.note


def _place(place: str | None, measure_name: str, within: str | None = None) -> _Place:
    if not place:
        raise _Skip(NOT_CHECKABLE, "the claim names no place the maps can be cut to")
    p = _clean_place(place)
    direction = _DIRECTION.match(p)
    if direction:
        town = direction.group("town")
        where = _settlement(town, within)
        return _Place(_circle_spec(town, where, within, SETTLEMENT_RADIUS_KM), f"the {p}: the front near {where.name}",
                      "direction", p, town)
    iso = _COUNTRIES.get(p.lower())
    if iso:
        return _Place(iso, f"{p} = {iso}", "country", p)
    point = measure_name in _POINT_MEASURES
    if _KURSK.match(p) and not (point and p.lower() == "kursk"):
        return _Place("Kursk oblast", "Kursk oblast", "kursk", p)
    members = _oblast_members(p)
    if members is None and not point and _OBLAST_NAMES.match(p):
        members = [f"{p} oblast"]
    if members:
        spec = "+".join(members)
        return _Place(spec, spec, "oblast", p)
    where = _settlement(p, within)
    return _Place(_circle_spec(p, where, within, SETTLEMENT_RADIUS_KM),
                  f"{p} ~ a {SETTLEMENT_RADIUS_KM:g} km circle around {where.label()}", "town", p, p)


def _circle_spec(name: str, where, within: str | None, radius_km: float) -> str:
    """``Name:15km``, or the point's coordinates when the name alone would pick a namesake."""
    if within and not _same_place(name, where):
        return f"{where.lat:.4f},{where.lon:.4f}:{radius_km:g}km"
    return f"{name}:{radius_km:g}km"


def _same_place(p: str, where) -> bool:
    try:
        with notices.collect():
            return gazetteer.resolve_place(p).geonameid == where.geonameid
    except ValueError:
        return False


def _settlement(p: str, within: str | None = None):
    """The gazetteer entry for a claim's place, within :data:`REGION_REACH_KM` of the city that
    names ``within`` when the text gives a region; _Skip when not found or outside the maps."""
    try:
        with notices.collect():
            if within:
                anchor = gazetteer.resolve_place(re.sub(rf"\s+{_REGION_WORD}$", "", _clean_place(within), flags=re.I))
                place = gazetteer.resolve_place(p, near=anchor, within_km=REGION_REACH_KM)
            else:
                place = gazetteer.resolve_place(p)
    except ValueError as exc:
        why = str(exc).splitlines()[0]
        raise _Skip(NOT_CHECKABLE, f"place {p!r} not in the gazetteer ({why})") from None
    if not (THEATRE[0] <= place.lon <= THEATRE[2] and THEATRE[1] <= place.lat <= THEATRE[3]):
        raise _Skip(NOT_CHECKABLE, f"{p} ({place.lat:.2f}, {place.lon:.2f}) lies outside the theatre the maps cover")
    return place


def _region_of(ctx: _Ctx, pl: _Place, *, whole_russia: bool = True):
    """The region of a place. Kursk oblast falls back to RUS (with a note) where its shape is not
    known and ``whole_russia`` says RUS gives the same figure: the ground Ukraine held in Russia
    from 2024, its changes and the grey zone beside it all lay in Kursk oblast (slivers elsewhere).
    A share of the oblast's land, or Russia's own ground in it, needs the shape: not checkable."""
    if pl.kind == "kursk":
        try:
            return ctx.region("Kursk oblast", "Kursk oblast"), "Kursk oblast"
        except _Skip as exc:
            if not whole_russia:
                raise _Skip(NOT_CHECKABLE, exc.reason + ": a share of its land, or Russia's own ground in it, "
                                                        "needs its shape") from None
            return ctx.region("RUS"), ("Kursk oblast ~ RUS: its shape is not in the store, and the ground Ukraine "
                                       "held in Russia from August 2024 lay in Kursk oblast (slivers elsewhere)")
    with notices.collect() as said:
        region = ctx.region(pl.spec, pl.name)
    return region, "; ".join([pl.note, *said])


# ------------------------------------------------------------------ which maps

def _day(c: Claim, ctx: _Ctx) -> dt.date:
    snaps = ctx.snapshots()
    if not snaps:
        raise _Skip(NO_DATA, "the store has no snapshots: run `frontwatch ingest PATH` or `frontwatch sync deepstate`")
    return c.date or snaps[-1].date


def _no_map(day: dt.date, ctx: _Ctx, what: str = "") -> _Skip:
    snaps = ctx.snapshots()
    before = [s.date for s in snaps if s.date <= day]
    after = [s.date for s in snaps if s.date > day]
    near = "; ".join(([f"last before: {before[-1]}"] if before else []) + ([f"first after: {after[0]}"] if after else []))
    return _Skip(NO_DATA, f"no map for {what or day} (none within {measure.STALE_DAYS} days before nor on the day "
                          f"after; {near}); the archive has {len(snaps)} maps from {snaps[0].date} to {snaps[-1].date}",
                 available_from=snaps[0].date.isoformat(), available_to=snaps[-1].date.isoformat())


def _state_map(c: Claim, ctx: _Ctx):
    """The map of the claim's day (:func:`frontwatch.analysis.measure.map_for_day`), or NO_DATA."""
    d = _day(c, ctx)
    snap = measure.map_for_day(ctx.snapshots(), d)
    if snap is None:
        raise _no_map(d, ctx)
    return snap


@dataclasses.dataclass(frozen=True)
class _Period:
    first: dt.date   # the claim's first day
    last: dt.date    # its last day
    a: Any           # the map of the state at the start of ``first``
    b: Any           # the map of the end of ``last``
    how: str         # where the period came from

    @property
    def text(self) -> str:
        return f"{self.first}..{self.last}"

    @property
    def days(self) -> int:
        return max((self.b.date - self.a.date).days, 1)


def _period(c: Claim, ctx: _Ctx, default_days: int | None = None) -> _Period:
    """The claim's period and its maps by the one rule (measure.period_maps, strict)."""
    last = _day(c, ctx)
    if c.start_date:
        first, how = c.start_date, "named"
    elif c.period_days:
        first, how = last - dt.timedelta(days=round(float(c.period_days)) - 1), f"the {c.period_days:g} days to {last}"
    elif default_days:
        first, how = last - dt.timedelta(days=default_days - 1), f"no period named: the {default_days} days to {last}"
    else:
        raise _Skip(NOT_CHECKABLE, "the claim names no period for the change (since when?): no verdict on a guess")
    if first > last:
        raise _Skip(NOT_CHECKABLE, f"the claim's period starts after it ends ({first} > {last})")
    try:
        with notices.collect():
            a, b = measure.period_maps(ctx.store, first, last, source=ctx.source, strict=True)
    except MeasureError as exc:
        raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    if b.date <= a.date:
        raise _Skip(NO_DATA, f"one map ({a.date}) stands for both ends of {first}..{last}: the archive cannot show "
                             "a change over it")
    return _Period(first, last, a, b, how)


def _since_invasion(c: Claim) -> bool:
    """Whether the claim runs from the invasion (24 February 2022, or "since February 2022")."""
    return c.start_date is not None and dt.date(2022, 2, 1) <= c.start_date <= INVASION_DAY


# ------------------------------------------------------------------ held ground

def _held(ctx: _Ctx, region, side: str, snap) -> tuple[float, float, str]:
    """(km2 the side holds in ``region`` on ``snap``, the same with the grey zone, what was counted).

    In the other side's country, or on the whole map, the side's ground is its statuses. In its
    own country it also holds the land no layer covers: the region's land less the other side's
    statuses and the grey zone (from the same cached areas: the layers do not overlap)."""
    own = _SIDE_STATUSES[side]
    home = ctx.home(region)
    ctx.need(_SIDE_STATUSES[_OTHER[side]] + (CONTESTED,) if home == SIDE_COUNTRY[side] else own)
    areas = ctx.areas(region, snap)
    grey = areas.get(CONTESTED, 0.0)
    if home == SIDE_COUNTRY[side]:
        other = sum(areas.get(s, 0.0) for s in _SIDE_STATUSES[_OTHER[side]])
        land = ctx.land_km2(region)
        strict = max(land - other - grey, 0.0)
        return strict, strict + grey, f"{side}: land less {'+'.join(_SIDE_STATUSES[_OTHER[side]])} and contested"
    strict = sum(areas.get(s, 0.0) for s in own)
    return strict, strict + grey, "+".join(own)


def _land_if_over(ctx: _Ctx, region, claimed_low: float, *figures: float) -> float | None:
    """The region's land (km2) when the claim is over every map figure by more than the area
    tolerance (it may then be more than the place can hold: ``check.doubtful_reading.more_than_the_place``);
    else None, and the land is not measured (a geodesic area of a country takes a tenth of a second)."""
    if claimed_low <= max((f for f in figures if f is not None), default=0.0) * (1 + AREA.amount):
        return None
    return ctx.land_km2(region)


def _fmt_area(km2: float) -> str:
    return f"{km2:,.0f} km2 ({float(km2_to_sqmi(km2)):,.0f} sq mi)"


def _pct(x: float) -> str:
    return f"{x:.3g}%" if abs(x) < 1 else f"{x:.1f}%"


def _claim_text(c: Claim) -> str:
    q = f"{c.qualifier} " if c.qualifier else ""
    unit = c.unit or ""
    if c.unit_normalized == "percent" and c.value_normalized is not None \
            and re.search(r"half|third|quarter|fifth|tenth", unit, re.I):
        return f"{q}{unit} ({c.value_normalized:.3g}%)"

    def num(x):
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"

    if c.value is not None:
        v = num(c.value)
    elif c.low is not None and c.high is not None:
        v = f"{num(c.low)}-{num(c.high)}"
    else:
        v = f"{c.value_normalized:g}" if c.value_normalized is not None else "?"
        unit = c.unit_normalized or unit
    return f"{q}{v}{'' if unit == '%' else ' '}{unit}".strip()


# ------------------------------------------------------------------ the judgement, once

def _judged(c: Claim, figure: MapFigure, tol: Tolerance, lo: float, hi: float, claimed: str, maps: str,
            *, extra: Mapping | None = None,
            labels=("the map figure", "the band's other end", "the figure with grey zone"),
            qualifier: str | None = None) -> Check:
    """Set the claim ``lo``..``hi`` (in the figure's unit) against ``figure``: the verdict and the
    reason come from the same :func:`~frontwatch.claims.verdicts.judge`."""
    j: Judgement = judge(lo, hi, c.qualifier if qualifier is None else qualifier, tol, figure.value,
                         grey=figure.with_grey_zone, band=figure.band, unit=figure.unit, labels=labels)
    reason = f"claim {_claim_text(c)} {claimed}; {maps}; {j.text} -> {j.verdict}"
    return Check(c, j.verdict, reason, figure, tol, j.deviation, j.against, dict(extra or {}))


# ------------------------------------------------------------------ per measure

def _check_area_held(c: Claim, ctx: _Ctx) -> Check:
    if c.unit_normalized != "km2":
        raise _Skip(NOT_CHECKABLE, f"area claim in {c.unit!r}, not an area unit")
    side = _need_side(c)
    pl = _place(c.place, "area_held", c.place_within)
    region, note = _region_of(ctx, pl, whole_russia=side != "russia")
    lo, hi = _claim_range(c)
    if c.aspect == "peak":
        if ctx.home(region) == SIDE_COUNTRY[side]:
            raise _Skip(NOT_CHECKABLE, f"a peak of {side}'s ground on its own land is not measured (its unmapped land "
                                       "moves with every map)")
        snap = _state_map(c, ctx)
        strict_st = _SIDE_STATUSES[side]
        ctx.need(strict_st)
        p1 = ctx.peak(region, strict_st, snap.taken_at)
        p2 = ctx.peak(region, strict_st + (CONTESTED,), snap.taken_at)
        _peak_not_before_archive(p1, ctx, f"{side}'s ground in {region.name}")
        fig = MapFigure(p1["peak_km2"], "km2", tuple(sorted({_d(p1["peak_date"]), _d(p2["peak_date"])})), region.name,
                        "+".join(strict_st), with_grey_zone=p2["peak_km2"], region_note=note,
                        land_km2=_land_if_over(ctx, region, lo, p1["peak_km2"], p2["peak_km2"]))
        maps = (f"maps: peak {_fmt_area(p1['peak_km2'])} {'+'.join(strict_st)} on {p1['peak_date']}, "
                f"{_fmt_area(p2['peak_km2'])} with contested (peak {p2['peak_date']})")
        return _judged(c, fig, AREA, lo, hi, f"({lo:,.0f} km2) at its peak up to {snap.date}", maps)
    snap = _state_map(c, ctx)
    a, b, what = _held(ctx, region, side, snap)
    fig = MapFigure(a, "km2", (snap.date,), region.name, what, with_grey_zone=b, region_note=note,
                    land_km2=_land_if_over(ctx, region, lo, a, b))
    maps = f"maps of {snap.date}: {_fmt_area(a)} held by {side} in {region.name}, {_fmt_area(b)} with contested"
    return _judged(c, fig, AREA, lo, hi, f"({lo:,.0f} km2) held by {side} on {_day(c, ctx)}", maps)


def _d(s) -> dt.date:
    return s if isinstance(s, dt.date) else dt.date.fromisoformat(str(s)[:10])


def _peak_not_before_archive(p: dict, ctx: _Ctx, what: str) -> None:
    """A peak found on the archive's first map may lie before it: no data, not a verdict."""
    first = ctx.snapshots()[0].date
    if _d(p["peak_date"]) == first and p.get("snapshots", 2) > 1:
        raise _Skip(NO_DATA, f"the largest extent of {what} on the maps is on the archive's first map ({first}): "
                             "its peak may lie before the archive")


def _check_share_held(c: Claim, ctx: _Ctx) -> Check:
    """"Russia occupies about 18% of Ukraine", "Ukraine holds less than 1% of Luhansk oblast": the
    side's ground as a share of the region's land. "Holding on to about 40% of the territory they
    seized" (aspect ``of_peak``): 100 minus the share of its peak lost. A town: its disc."""
    if c.aspect == "of_peak":
        return _check_peak_share(c, ctx, held=True)
    side = _need_side(c)
    pl = _place(c.place, "share_held", c.place_within)
    if pl.kind == "town":
        return _check_town_share(c, ctx, pl)
    region, note = _region_of(ctx, pl, whole_russia=False)
    snap = _state_map(c, ctx)
    lo, hi = _claim_range(c)
    a_km2, b_km2, what = _held(ctx, region, side, snap)
    land = ctx.land_km2(region)
    a, b = 100 * a_km2 / land, 100 * b_km2 / land
    fig = MapFigure(a, "percent", (snap.date,), region.name, what, with_grey_zone=b, region_note=note)
    maps = (f"maps of {snap.date}: {side} holds {_fmt_area(a_km2)} of {region.name}'s {_fmt_area(land)} = {_pct(a)}, "
            f"{_pct(b)} with contested")
    return _judged(c, fig, SHARE, lo, hi, f"of {region.name} held by {side} on {_day(c, ctx)}", maps)


def _check_share_lost(c: Claim, ctx: _Ctx) -> Check:
    pl = None if c.place is None else _place(c.place, "share_lost", c.place_within)
    if pl is not None and pl.kind == "town":
        return _check_town_share_lost(c, ctx, pl)
    return _check_peak_share(c, ctx, held=False)


def _peak_region(c: Claim, ctx: _Ctx, side: str):
    """The region of a share of a side's peak. With no place ("Ukraine has regained 54% of the
    territory Russia seized"), a side's seized ground lies in the other country."""
    if c.place is None:
        iso = "UKR" if SIDE_COUNTRY[side] == "RUS" else "RUS"
        return ctx.region(iso), f"no place named: {side}'s seized ground is in {iso}"
    return _region_of(ctx, _place(c.place, "share_lost", c.place_within), whole_russia=side != "russia")


def _check_peak_share(c: Claim, ctx: _Ctx, held: bool) -> Check:
    """The share of a side's peak in the region lost by the claim's day (``held``: still held,
    100 minus it), its statuses alone and with the grey zone; with a period, the peak within it
    (from the state at its start)."""
    side = _need_side(c)
    region, note = _peak_region(c, ctx, side)
    if ctx.home(region) == SIDE_COUNTRY[side]:
        raise _Skip(NOT_CHECKABLE, f"a share of {side}'s peak on its own land is not measured")
    strict = _SIDE_STATUSES[side]
    if side == "russia" and _since_invasion(c):
        strict = ("occupied",)  # "the territory Russia seized since February 24": not what it held before 2022
    since = None
    if c.start_date and not _since_invasion(c):
        since = _period(c, ctx).a.taken_at
        end = _period(c, ctx).b
    else:
        end = _state_map(c, ctx)
    p1 = ctx.peak(region, strict, end.taken_at, since)
    p2 = ctx.peak(region, strict + (CONTESTED,), end.taken_at, since)
    if since is None:
        _peak_not_before_archive(p1, ctx, f"{'+'.join(strict)} in {region.name}")
    if p1["share_lost_pct"] is None:
        raise _Skip(NOT_CHECKABLE, f"the maps show no {'+'.join(strict)} ground in {region.name} up to {end.date}")
    a = p1["share_lost_pct"]
    b = p2["share_lost_pct"] if p2["share_lost_pct"] is not None else a
    if held:
        a, b = 100.0 - a, 100.0 - b
    word, claimed = ("held", f"of its peak still held by {side} on {end.date}") if held else \
        ("lost", f"of {side}'s peak lost by {end.date}")
    fig = MapFigure(a, "percent", tuple(sorted({_d(p1["peak_date"]), _d(p1["date"])})), region.name, "+".join(strict),
                    with_grey_zone=b, region_note=note)
    maps = (f"maps: {'+'.join(strict)} peak {_fmt_area(p1['peak_km2'])} on {p1['peak_date']} -> "
            f"{_fmt_area(p1['km2'])} on {p1['date']} = {_pct(a)} {word}; with contested {_fmt_area(p2['peak_km2'])} -> "
            f"{_fmt_area(p2['km2'])} = {_pct(b)} {word}")
    lo, hi = _claim_range(c)
    return _judged(c, fig, SHARE, lo, hi, claimed, maps)


def _town_disc(c: Claim, ctx: _Ctx, pl: _Place):
    """(the gazetteer's place, the disc standing for the town, its radius km, a note)."""
    with notices.collect() as ambiguous:
        where = _settlement(pl.town or pl.name, c.place_within)
    if where.population <= 0:
        raise _Skip(NOT_CHECKABLE, f"{where.name}: the gazetteer gives no population, so no size for the town")
    radius = max(math.sqrt(where.population / (math.pi * TOWN_DENSITY)), TOWN_MIN_RADIUS_KM)
    region = ctx.region(f"{where.lat:.5f},{where.lon:.5f}:{radius:.3f}km")
    note = (f"{where.label()} ~ a disc of radius {radius:.1f} km around its gazetteer point (its "
            f"{where.population:,} inhabitants at {TOWN_DENSITY:,.0f} per km2): no town outlines in the store")
    return where, region, radius, "; ".join([note, *ambiguous])


def _check_town_share(c: Claim, ctx: _Ctx, pl: _Place) -> Check:
    """"Russian forces control about 80% of Toretsk": the share of the town's disc the side holds
    on the day (measure.side_share), with the wider TOWN_SHARE tolerance (a disc, not an outline)."""
    side = _need_side(c)
    where, region, radius, note = _town_disc(c, ctx, pl)
    snap = _state_map(c, ctx)
    sh = measure.side_share(ctx.layers(snap), side, ctx.borders_or_load(), region.geometry)
    lo, hi = _claim_range(c)
    fig = MapFigure(sh["held_pct"], "percent", (snap.date,), f"{where.name}:{radius:.1f}km", side,
                    with_grey_zone=sh["with_contested_pct"], region_note=note)
    maps = (f"maps of {snap.date}: {side} holds {sh['held_km2']:.1f} of {sh['region_km2']:.1f} km2 = "
            f"{_pct(sh['held_pct'])} of the town's disc, {_pct(sh['with_contested_pct'])} with contested")
    return _judged(c, fig, TOWN_SHARE, lo, hi, f"of {pl.name} held by {side} on {_day(c, ctx)}", maps)


def _check_town_share_lost(c: Claim, ctx: _Ctx, pl: _Place) -> Check:
    """"Ukraine has lost about 40% of Vovchansk": the side's largest share of the town's disc over
    the maps up to the day (from the period's start when one is named) less its share on the day,
    as a share of that largest."""
    side = _need_side(c)
    where, region, radius, note = _town_disc(c, ctx, pl)
    if c.start_date:
        per = _period(c, ctx)
        snaps = [s for s in ctx.snapshots() if per.a.taken_at <= s.taken_at <= per.b.taken_at]
    else:
        end = _state_map(c, ctx)
        snaps = [s for s in ctx.snapshots() if s.taken_at <= end.taken_at]
    shares = [(s, measure.side_share(ctx.layers(s), side, ctx.borders_or_load(), region.geometry)["held_pct"])
              for s in snaps]
    top_snap, top = max(shares, key=lambda x: x[1])
    last_snap, now = shares[-1]
    if not top:
        raise _Skip(NOT_CHECKABLE, f"the maps show no {side}-held ground in {where.name} up to {last_snap.date}")
    lost = 100.0 * (top - now) / top
    lo, hi = _claim_range(c)
    fig = MapFigure(lost, "percent", (top_snap.date, last_snap.date), f"{where.name}:{radius:.1f}km", side,
                    region_note=note)
    maps = (f"maps: {side} held {_pct(top)} of the town's disc on {top_snap.date} (its largest), {_pct(now)} on "
            f"{last_snap.date} = {_pct(lost)} of it lost")
    return _judged(c, fig, TOWN_SHARE, lo, hi, f"of {pl.name} lost by {side} by {last_snap.date}", maps)


def _check_share_gained(c: Claim, ctx: _Ctx) -> Check:
    """"Russian forces have seized about 0.6 percent of Ukraine's territory since January": the
    ground the side gained over the period, as a share of the region's land. Compared as areas
    (the share times the land, with the area tolerance): for shares this small a tolerance in
    percentage points would accept nearly anything."""
    side = _need_side(c)
    pl = _place(c.place, "share_gained", c.place_within)
    if pl.kind == "town":  # "captured roughly 70% of the town of Kurakhove": what it holds of the town now
        return _check_town_share(c, ctx, pl)
    region, note = _region_of(ctx, pl, whole_russia=False)
    if ctx.home(region) == SIDE_COUNTRY[side]:
        raise _Skip(NOT_CHECKABLE, "a share gained is checked for a side's gain in the other country")
    land = ctx.land_km2(region)
    if _since_invasion(c) and side == "russia":
        snap = _state_map(c, ctx)
        gained = ctx.areas(region, snap).get("occupied", 0.0)
        dates, maps = (snap.date,), f"maps of {snap.date}: occupied (held since the invasion) {_fmt_area(gained)}"
        period = f"{INVASION_DAY}..{snap.date}"
    else:
        per = _period(c, ctx)
        res = _change(ctx, region, per, side, statuses=True)
        gained, dates = res["gained_km2"], (per.a.date, per.b.date)
        maps, period = f"maps {per.a.date}..{per.b.date}: gained {_fmt_area(gained)}", per.text
    lo, hi = _claim_range(c)
    share = 100 * gained / land
    fig = MapFigure(gained, "km2", dates, region.name, "+".join(_SIDE_STATUSES[side]), region_note=note)
    check = _judged(c, fig, AREA, lo * land / 100, hi * land / 100,
                    f"of {region.name} gained by {side} {period} (= {_fmt_area(lo * land / 100)} of {_fmt_area(land)})",
                    maps + f" = {share:.3g}% of {region.name}")
    # The figure a reader compares is the share itself.
    fig = dataclasses.replace(fig, value=share, unit="percent")
    return dataclasses.replace(check, figure=fig, extra={**check.extra, "map_gained_km2": round(gained, 1)})


def _change(ctx: _Ctx, region, per: _Period, side: str, *, statuses: bool) -> dict:
    """measure.change_between the period's maps: the side's statuses (ground taken in the other
    country), or the side (its statuses and its country's unmapped land: ground retaken at home,
    or around a town)."""
    key = ("change", region.key, per.a.id, per.b.id, side, statuses)
    if key not in ctx.memo:
        try:
            if statuses:
                res = measure.change_between(ctx.store, region, per.a, per.b, statuses=_SIDE_STATUSES[side])
            else:
                res = measure.change_between(ctx.store, region, per.a, per.b, side=side, borders=ctx.borders_or_load())
        except MeasureError as exc:
            raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
        res.pop("geometry", None)
        ctx.memo[key] = res
    return ctx.memo[key]


_RETAKE = re.compile(r"\b(?:recaptur\w*|retook|retaken|retak\w*|regain\w*|reclaim\w*|(?:won|took|taken|win|take)\s+back|"
                     r"push\w*\s+(?:\w+\s+)?out)\b", re.I)
_LIBERATE = re.compile(r"\bliberat\w*|\bde-?occup\w*", re.I)
_CAPTURE = re.compile(r"\b(?:captur\w*|seiz\w*|took|taken|tak(?:e|es|ing)|occup\w*|invad\w*|incursion)\b", re.I)
_DEICTIC = re.compile(r"\b(?:there|here)\b", re.I)
# Ukraine held no ground in Russia before its incursion into Kursk oblast (6 August 2024).
INCURSION_DAY = dt.date(2024, 8, 6)
# ... and the last day it held ground there (Russia declared Kursk oblast retaken on 26 April 2025).
INCURSION_LAST_DAY = dt.date(2025, 4, 26)


def _gain_place(c: Claim, side: str) -> _Place:
    """The place of a gain: as the extractor gives it, unless it is only carried from an earlier
    sentence ("there" aside) or there is none. A gain whose place is only carried is not
    checkable: "... in Luhansk, where it has taken 1,520 sq km since January. In
    October by itself, it took 870 sq km" may be Luhansk's or the whole country's, and measuring
    either is a guess (the whole country was measured before: a wrong verdict on the dev set).
    With no place at all it is where the side gains ground: its own country when the sentence
    says it retakes (Ukraine: liberates); else Russia gains in Ukraine, and Ukraine in Ukraine
    before its incursion into Russia (6 August 2024), in Russia after it when the sentence says
    it captures; a Ukrainian gain after then with no place and no such word is not checkable (in
    Ukraine or in Russia?)."""
    sentence = c.sentence or ""
    explained = (getattr(c, "explain", None) or {}).get("place", "")
    carried = bool(c.place) and not _DEICTIC.search(sentence) and (
        explained.startswith("place.carried") if explained else c.place_inferred)
    if c.place and not carried:
        return _place(c.place, "area_change", c.place_within)
    if carried:
        raise _Skip(NOT_CHECKABLE, f"the sentence names no place, and {c.place} is from an earlier one: a gain "
                                   "there, or in the whole country? No verdict on a guess")
    own = SIDE_COUNTRY[side]
    other = "UKR" if own == "RUS" else "RUS"
    said = f"the sentence names no place ({c.place!r} is from an earlier one)" if c.place else "the claim names no place"
    last = c.date or c.start_date
    if _RETAKE.search(sentence) or (side == "ukraine" and _LIBERATE.search(sentence)):
        iso, why = own, "retakes ground in"
    elif side == "russia":
        iso, why = other, "captures ground in"
    elif last is not None and last < INCURSION_DAY:
        iso, why = own, f"held no ground in Russia before {INCURSION_DAY}: gains in"
    elif _CAPTURE.search(sentence):
        iso, why = other, "captures ground in"
    else:
        raise _Skip(NOT_CHECKABLE, f"{said}, and a Ukrainian gain after {INCURSION_DAY} may be in Ukraine or in "
                                   "Russia: no verdict on a guess")
    return _Place(iso, f"{said}: {side} {why} {iso}", "country", iso)


def _check_area_change(c: Claim, ctx: _Ctx) -> Check:
    unit = c.unit_normalized
    if unit not in ("km2", "km2_per_day"):
        raise _Skip(NOT_CHECKABLE, f"area change in {c.unit!r}, not an area unit")
    side = _need_side(c)
    direction = c.direction or "gained"
    if _loss_with_no_place(c):
        return _check_loss_with_no_place(c, ctx)
    pl = _gain_place(c, side) if direction == "gained" else _place(c.place, "area_change", c.place_within)
    region, note = _region_of(ctx, pl)
    if _since_invasion(c) and unit == "km2" and direction == "gained" and ctx.home(region) != SIDE_COUNTRY[side]:
        return _check_gained_since_invasion(c, ctx, region, note, side)
    per = _period(c, ctx, RATE_WINDOW_DAYS if unit == "km2_per_day" else None)
    lo, hi = _claim_range(c)

    def amount(reg) -> tuple[float, dict]:
        # Away from its own country the side's ground is its statuses; at home its unmapped land too.
        res = _change(ctx, reg, per, side, statuses=ctx.home(reg) != SIDE_COUNTRY[side])
        km2 = res["gained_km2"] if direction == "gained" else res["lost_km2"]
        if c.aspect == "net":
            km2 = res["net_km2"] if direction == "gained" else -res["net_km2"]
        return (km2 / per.days if unit == "km2_per_day" else km2), res

    value, res = amount(region)
    band, alts, widest = None, (), region
    if pl.kind == "direction":
        wide_region = widest = ctx.region(f"{pl.spec.rsplit(':', 1)[0]}:{DIRECTION_RADIUS_KM:g}km")
        wide, _ = amount(wide_region)
        band = (min(value, wide), max(value, wide))
        alts = ((region.name, value), (wide_region.name, wide))
        note += f"; a direction has no fixed extent: the band runs to a {DIRECTION_RADIUS_KM:g} km circle"
    what = f"net {direction}" if c.aspect == "net" else direction
    shown = f"{value:,.2f} km2/day ({value * per.days:,.0f} km2 over {per.days} days)" if unit == "km2_per_day" \
        else _fmt_area(value)
    if band:
        shown += f" to {band[1]:,.0f} within {DIRECTION_RADIUS_KM:g} km"
    fig = MapFigure(value, unit, (per.a.date, per.b.date), region.name, res["what"], band=band, alternatives=alts,
                    region_note=note, land_km2=_land_if_over(ctx, widest, lo, value, *(band or ())) if unit == "km2" else None)
    maps = f"maps {per.a.date}..{per.b.date}: {what} {shown} in {region.name}"
    return _judged(c, fig, AREA, lo, hi, f"{what} by {side} {per.text}", maps)


def _check_loss_with_no_place(c: Claim, ctx: _Ctx) -> Check:
    """"Kyiv lost some 3,000 km2 over the year": a loss that names no place is the side's loss in
    Ukraine, where the war is fought (the reports' convention for the whole country). While Ukraine
    held ground in Russia (INCURSION_DAY to INCURSION_LAST_DAY) the words also allow its loss in both
    countries: both are measured, and there is no verdict when they lean different ways
    (``check.competing_readings.loss_country``); else the verdict on Ukraine's figure, the reason
    giving both."""
    in_ukraine = _check_area_change(_placed(c, "UKR"), ctx)
    fig = in_ukraine.figure
    start = fig.dates[0] if fig and fig.dates else None
    end = fig.dates[-1] if fig and fig.dates else None
    if fig is None or end is None or end < INCURSION_DAY or (start is not None and start > INCURSION_LAST_DAY):
        return dataclasses.replace(in_ukraine, claim=c, reason=in_ukraine.reason + " (no place named: the loss in "
                                   "Ukraine, where the war was fought then)")
    in_russia = _check_area_change(_placed(c, "RUS"), ctx)
    both = dataclasses.replace(fig, value=fig.value + in_russia.figure.value, with_grey_zone=None, band=None,
                               alternatives=(), region="UKR+RUS", land_km2=None)
    lo, hi = _claim_range(c)
    summed = _judged(c, both, AREA, lo, hi, f"lost by {c.side}",
                     f"maps {fig.dates[0]}..{fig.dates[-1]}: lost {_fmt_area(fig.value)} in UKR and "
                     f"{_fmt_area(in_russia.figure.value)} in RUS")
    if _leaning(summed.verdict) != _leaning(in_ukraine.verdict):
        rule = "check.competing_readings.loss_country"
        return Check(c, NOT_CHECKABLE, (
            f"no place named for a loss while {c.side} fought in both countries: in Ukraine, {in_ukraine.verdict} "
            f"({_map_words(in_ukraine)}); in Ukraine and Russia, {summed.verdict} ({_fmt_area(both.value)}): the maps "
            f"cannot say which the report meant, so no verdict ({rule})"),
            extra={"rule": rule, "verdict_as_read": in_ukraine.verdict, "verdict_other_reading": summed.verdict,
                   "map_value_of_reading": _round(fig.value), "map_value_other_reading": _round(both.value)})
    return dataclasses.replace(in_ukraine, claim=c, reason=(
        f"{in_ukraine.reason} (no place named: the loss in Ukraine; in Ukraine and Russia, "
        f"{_fmt_area(both.value)}, the verdict is the same)"))


def _placed(c: Claim, place: str) -> Claim:
    """``c`` measured in ``place``: one of the readings of a loss with no place named."""
    explain = {**(c.explain or {}), "place": f"check.competing_readings.loss_country: {place}"}
    return dataclasses.replace(c, place=place, explain=explain)


def _check_gained_since_invasion(c: Claim, ctx: _Ctx, region, note: str, side: str) -> Check:
    """"Russian forces have gained 56,000 square kilometers since the start of the full-scale
    invasion": the archive begins after 24 February 2022, but DeepStateMap's statuses record that
    ground: ``occupied`` (Russia's since the invasion) or ``ukraine_held`` (retaken by Ukraine)."""
    status = "occupied" if side == "russia" else "ukraine_held"
    ctx.need((status,))
    snap = _state_map(c, ctx)
    areas = ctx.areas(region, snap)
    a = areas.get(status, 0.0)
    b = a + areas.get(CONTESTED, 0.0)
    lo, hi = _claim_range(c)
    fig = MapFigure(a, "km2", (snap.date,), region.name, status, with_grey_zone=b, region_note=note,
                    land_km2=_land_if_over(ctx, region, lo, a, b))
    maps = (f"maps of {snap.date}: {status} (taken since the invasion) {_fmt_area(a)}, {_fmt_area(b)} with contested "
            f"in {region.name}")
    return _judged(c, fig, AREA, lo, hi, f"gained by {side} since {INVASION_DAY} (the invasion)", maps)


def _check_advance_rate(c: Claim, ctx: _Ctx) -> Check:
    unit = c.unit_normalized
    if unit == "km2_per_day":
        return _check_area_change(c, ctx)
    if unit != "m_per_day":
        raise _Skip(NOT_CHECKABLE, f"rate in {c.unit!r}, not a distance per day")
    side = _need_side(c)
    pl = _place(c.place, "advance_rate", c.place_within)
    if pl.kind not in ("town", "direction"):
        raise _Skip(NOT_CHECKABLE, f"an advance rate over all of {pl.name} is not a map measure (it needs a place "
                                   "near the front)")
    per = _period(c, ctx, RATE_WINDOW_DAYS)
    near = pl.spec.rsplit(":", 1)[0]
    results = []
    for radius in RATE_RADII_KM:
        key = ("advance", near, radius, per.a.id, per.b.id)
        if key not in ctx.memo:
            try:
                (ctx.memo[key],) = front_mod.advance(ctx.store, near, radius, start=per.a.taken_at, end=per.b.taken_at,
                                                     borders=ctx.borders_or_load(), source=ctx.source)
            except MeasureError as exc:
                raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
        r = ctx.memo[key]
        results.append((f"{r['place']}:{radius:g}km", r.get(f"{side}_mean_m_per_day"), r.get(f"{side}_shift_m_per_day")))
    main_name, value, shift = results[0]
    if value is None:
        raise _Skip(NOT_CHECKABLE, f"no front line within {RATE_RADII_KM[0]:g} km of {near} in {per.text}")
    means = [m for _, m, _ in results if m is not None]
    # A distance over a period ("advanced 2 km over the past week") is reported where the front
    # moved most, and a top pace ("up to 1.5 miles a day") is the fastest: both are set against
    # the band from the means to the largest local shift. A pace is set against the means.
    distance = bool(c.period_days) and shift is not None and shift > value
    top = (c.qualifier or "").lower() in ("up to", "as much as", "as many as")
    reach = [shift] if (distance or top) and shift is not None else []
    band = (min(means), max(means + reach))
    lo, hi = _claim_range(c)
    claimed = f"({lo:,.0f} m/day)" if lo == hi else f"({lo:,.0f}-{hi:,.0f} m/day)"
    if distance:
        days = float(c.period_days)
        claimed += f" over {days:g} days"
    where = f"in the {pl.name}" if pl.kind == "direction" else f"near {pl.name}"
    parts = [f"mean advance {m:,.0f} m/day within {n}" if m is not None else f"no front within {n}"
             for n, m, _ in results]
    maps = f"maps {per.a.date}..{per.b.date}: " + ", ".join(parts)
    if shift is not None:
        maps += f", largest local shift {round(shift):,} m/day within {main_name}"
    if distance:
        km = lambda m: f"{m / 1000:,.1f} km" if m >= 1000 else f"{m:,.0f} m"  # noqa: E731
        maps += (f"; as distances over {days:g} days: {km(band[0] * days)} to {km(band[1] * days)}: the claim is set "
                 "against that band (mean to largest shift)")
    elif top:
        maps += "; a top pace is set against the band from the mean to the largest shift"
    fig = MapFigure(value, "m_per_day", (per.a.date, per.b.date), main_name, side, band=band,
                    alternatives=tuple((n, m) for n, m, _ in results[1:]), region_note=pl.note)
    return _judged(c, fig, RATE, lo, hi, f"{claimed} by {side} {where}", maps,
                   extra={"map_shift_m_per_day": shift},
                   labels=(f"the mean within {main_name}", "the band's other end", "the figure with grey zone"),
                   qualifier="" if top else None)


def _check_settlements(c: Claim, ctx: _Ctx) -> Check:
    """"Russia captured 5 villages near Pokrovsk last week": gazetteer settlements in the region
    that were not the side's on the period's first map and are on its last (``lost``: the
    reverse), through frontwatch.analysis.settlements. Without a change ("still controls around
    50 settlements"): the places the side holds on the day. The gazetteer's count is a floor."""
    side = _need_side(c)
    direction = c.direction
    if c.aspect == "current" or (direction is None and c.start_date is None and not c.period_days):
        return _check_settlements_held(c, ctx, side)
    direction = direction or "gained"
    pl = _gain_place(c, side) if direction == "gained" else _place(c.place, "settlements", c.place_within)
    region, note = _region_of(ctx, pl)
    per = _period(c, ctx)
    key = ("settlement_changes", region.key, per.a.id, per.b.id)
    if key not in ctx.memo:
        try:
            ctx.memo[key] = settlement_changes(ctx.store, region, start=per.a.taken_at, end=per.b.taken_at,
                                               borders=ctx.borders_or_load(), source=ctx.source)
        except MeasureError as exc:
            raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    first, last, names = {}, {}, {}
    for r in ctx.memo[key]:
        first.setdefault(r["geonameid"], r["old_side"])
        last[r["geonameid"]] = r["new_side"]
        names[r["geonameid"]] = r["place"]
    if direction == "lost":
        hit = [g for g in first if first[g] == side and last[g] != side]
    else:
        hit = [g for g in first if first[g] != side and last[g] == side]
    listed = ", ".join(sorted(names[g] for g in hit)[:8]) + (" ..." if len(hit) > 8 else "")
    fig = MapFigure(float(len(hit)), "settlements", (per.a.date, per.b.date), region.name, side, region_note=note)
    maps = (f"maps {per.a.date}..{per.b.date}: {len(hit)} gazetteer places {direction} by {side} in {region.name}"
            + (f" ({listed})" if listed else ""))
    return _settlement_verdict(c, fig, f"{direction} by {side} {per.text}", maps, _gazetteer_floor(ctx, region))


def _check_settlements_held(c: Claim, ctx: _Ctx, side: str) -> Check:
    pl = _place(c.place, "settlements", c.place_within)
    region, note = _region_of(ctx, pl, whole_russia=side != "russia")
    snap = _state_map(c, ctx)
    try:
        recs = settlements_on(ctx.store, region, snap.taken_at, borders=ctx.borders_or_load(), source=ctx.source)
    except MeasureError as exc:
        raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    held = [r["place"] for r in recs if r["side"] == side]
    listed = ", ".join(held[:8]) + (" ..." if len(held) > 8 else "")
    fig = MapFigure(float(len(held)), "settlements", (snap.date,), region.name, side, region_note=note)
    maps = (f"maps of {snap.date}: {len(held)} gazetteer places held by {side} in {region.name}"
            + (f" ({listed}, largest first)" if listed else ""))
    return _settlement_verdict(c, fig, f"held by {side} in {pl.name} on {_day(c, ctx)}", maps,
                               _gazetteer_floor(ctx, region))


def _gazetteer_floor(ctx: _Ctx, region) -> bool:
    """Whether the gazetteer lists only towns (a floor) in the region's country (both on the whole map)."""
    home = ctx.home(region)
    countries = ({"UKR": ("UA",), "RUS": ("RU",)}.get(home) or ("UA", "RU"))
    with notices.collect():
        return bool(gazetteer.coverage_note(countries))


def _settlement_verdict(c: Claim, fig: MapFigure, claimed: str, maps: str, floor: bool) -> Check:
    """A count of settlements against the gazetteer's. Where the gazetteer holds towns only
    (GeoNames cities500: ``floor``) the count is a floor: a claim above it beyond the tolerance
    is not checkable, not overstated."""
    count = fig.value
    tol = Tolerance(max(SETTLEMENTS.amount, 1.0 / max(count, 1.0)), True, SETTLEMENTS.why)
    lo, hi = _claim_range(c)
    if floor:
        maps += " (the gazetteer lists places of 500+ inhabitants only there)"
    check = _judged(c, fig, tol, lo, hi, claimed, maps)
    if check.verdict == OVERSTATED and floor:
        reason = (f"claim {_claim_text(c)} {claimed}; {maps} -> {NOT_CHECKABLE}: the count is a floor, and the "
                  "claim's others may be villages of fewer than 500 inhabitants, which the gazetteer does not list")
        return dataclasses.replace(check, verdict=NOT_CHECKABLE, reason=reason, deviation=None, compared_with=None)
    return check


def _check_front_length(c: Claim, ctx: _Ctx) -> Check:
    """"The front line stretches for more than 1,000 km": the front (frontwatch.analysis.front) on
    the claim's day, in the named country or the whole map; the band runs from its longest
    connected piece to its total length (a report may mean the main line or all of it)."""
    if c.unit_normalized != "m":
        raise _Skip(NOT_CHECKABLE, f"front length in {c.unit!r}, not a length")
    carried = c.place_inferred and not _DEICTIC.search(c.sentence or "")
    if carried or not c.place:
        note = "the whole map" + (f" (the sentence names no place; {c.place!r} is from an earlier one)" if carried else "")
        region = ctx.region("ALL")
    else:
        pl = _place(c.place, "front_length", c.place_within)
        if pl.kind in ("town", "direction"):
            raise _Skip(NOT_CHECKABLE, f"a length of front near {pl.name} is a sector, not the front's length")
        if pl.spec == "UKR":  # the front in Ukraine is the whole front but Kursk's: the map's whole line
            region, note = ctx.region("ALL"), "the whole map (the front of the war in Ukraine)"
        else:
            region, note = _region_of(ctx, pl)
    snap = _state_map(c, ctx)
    key = ("front", region.key, snap.id)
    if key not in ctx.memo:  # several claims about the same front trace it once
        try:
            (ctx.memo[key],) = front_mod.front(ctx.store, region, date=snap.taken_at, borders=ctx.borders_or_load(),
                                               source=ctx.source)
        except MeasureError as exc:
            raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    rep = ctx.memo[key]
    lo, hi = _claim_range(c)
    fig = MapFigure(rep["length_km"], "km", (snap.date,), region.name, "russia+contested against ukraine",
                    band=(rep["longest_km"], rep["length_km"]), region_note=note)
    maps = (f"maps of {snap.date}: front line in {region.name} {rep['length_km']:,.0f} km in all "
            f"({rep['components']} pieces), the longest piece {rep['longest_km']:,.0f} km")
    return _judged(c, fig, FRONT, lo / 1000, hi / 1000, "of front", maps,
                   labels=("the whole line", "the longest piece", "the figure with grey zone"))


def _check_distance(c: Claim, ctx: _Ctx) -> Check:
    """"Russian troops are less than 3 km from Kurakhove": the geodesic distance from the place's
    gazetteer point to the nearest ground the side holds on the day (front.side_distance_km), to
    the nearest with the grey zone, and from the town's edge (its disc at TOWN_DENSITY)."""
    if c.unit_normalized != "m":
        raise _Skip(NOT_CHECKABLE, f"distance claim in {c.unit!r}, not a length")
    if not c.place:
        raise _Skip(NOT_CHECKABLE, "the claim names no place to measure the distance from")
    p = _clean_place(c.place)
    if p.lower() in _COUNTRIES or _oblast_members(p):
        raise _Skip(NOT_CHECKABLE, f"{p} is a country or a region: a distance is measured from a place")
    side = c.side
    to_front = side is None and re.search(r"\bfront", c.sentence or "", re.I)
    if side not in _SIDE_STATUSES and not to_front:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    with notices.collect() as ambiguous:
        where = _settlement(re.sub(r"\s+(?:direction|axis|sector)$", "", p, flags=re.I), c.place_within)
    snap = _state_map(c, ctx)
    layers, borders = ctx.layers(snap), ctx.borders_or_load()
    held_by = ""
    if to_front:
        # "Kupiansk is 2.5 miles from the front line": from the side holding the town to the other.
        holder = [s for s in ("russia", "ukraine")
                  if front_mod.side_distance_km(layers, s, borders, where.lon, where.lat) == 0]
        if len(holder) != 1:
            raise _Skip(NOT_CHECKABLE, f"{where.name} is held by neither side on {snap.date} (grey zone): its "
                                       "distance from the front is not defined")
        side = _OTHER[holder[0]]
        held_by = f", held by {holder[0]}: the front is the nearest {side}-held ground"
    strict = front_mod.side_distance_km(layers, side, borders, where.lon, where.lat)
    generous = front_mod.side_distance_km(layers, side, borders, where.lon, where.lat, with_contested=True)
    if generous is None:
        raise _Skip(NOT_CHECKABLE, f"no {side}-held ground within 300 km of {where.name} on {snap.date}")
    strict = generous if strict is None else strict
    radius = math.sqrt(max(where.population, 0) / (math.pi * TOWN_DENSITY))
    edge = max(strict - radius, 0.0)
    lo, hi = _claim_range(c)
    fig = MapFigure(strict, "km", (snap.date,), where.name, side, with_grey_zone=generous, band=(edge, strict),
                    region_note="; ".join([f"distance from the gazetteer point of {where.label()}", *ambiguous]))
    maps = (f"maps of {snap.date}: nearest {side}-held ground {strict:.1f} km from its centre ({where.lat:.3f}, "
            f"{where.lon:.3f}), {edge:.1f} km from its edge (radius ~{radius:.1f} km for {where.population:,} "
            f"inhabitants), {generous:.1f} km counting the grey zone")
    return _judged(c, fig, DISTANCE, lo / 1000, hi / 1000, f"from {where.name} ({side} side{held_by}) on {_day(c, ctx)}",
                   maps, labels=("the distance from its centre", "the distance from its edge",
                                 "the distance counting the grey zone"))


def _check_depth(c: Claim, ctx: _Ctx) -> Check:
    """How deep a side's ground reaches. Over a period ("Ukrainian forces advanced up to 70 km in
    Kharkiv oblast" in a week): the farthest point of the ground it gained from its ground at the
    start (front.advance_depth_km), in the place (a town: its 15 km circle). On a day ("pushed up
    to 35 km into Russia"): the farthest point of its ground in the other country from its own
    (front.depth_km), Russia's only within DEPTH_RADIUS_KM of a town the claim names."""
    if c.unit_normalized != "m":
        raise _Skip(NOT_CHECKABLE, f"depth claim in {c.unit!r}, not a length")
    side = _need_side(c)
    lo, hi = _claim_range(c)
    if c.start_date or c.period_days:
        pl = _place(c.place, "area_change", c.place_within) if c.place else \
            _Place("RUS" if side == "ukraine" else "UKR", "no place named: the other country", "country", "")
        region, note = _region_of(ctx, pl)
        per = _period(c, ctx)
        key = ("advance_depth", region.key, per.a.id, per.b.id, side)
        if key not in ctx.memo:
            ctx.memo[key] = front_mod.advance_depth_km(ctx.layers(per.a), ctx.layers(per.b), side,
                                                       ctx.borders_or_load(), region.geometry)
        r = ctx.memo[key]
        fig = MapFigure(r["km"], "km", (per.a.date, per.b.date), region.name, side, region_note=note)
        deepest = f" (deepest point {r['lat']:.3f}, {r['lon']:.3f})" if r["lon"] is not None else ""
        maps = (f"maps {per.a.date}..{per.b.date}: the ground {side} gained in {region.name} ({r['gained_km2']:,.0f} km2) "
                f"reaches {r['km']:.1f} km from its ground on the first map{deepest}")
        return _judged(c, fig, DISTANCE, lo / 1000, hi / 1000, f"advanced by {side} {per.text}", maps)
    within, note = None, f"{side}'s ground in {'RUS' if side == 'ukraine' else 'UKR'}, from {SIDE_COUNTRY[side]}"
    region_name = "RUS" if side == "ukraine" else "UKR"
    if side == "russia":
        pl = _place(c.place, "depth", c.place_within) if c.place else None
        if pl is None or pl.kind not in ("town", "direction"):
            raise _Skip(NOT_CHECKABLE, "Russia's ground in Ukraine runs from its border to the Dnipro: a depth into "
                                       "Ukraine is measured near a town the claim names")
        region = ctx.region(f"{pl.spec.rsplit(':', 1)[0]}:{DEPTH_RADIUS_KM:g}km")
        within, note, region_name = region.geometry, note + f" within {region.name}", region.name
    snap = _state_map(c, ctx)
    try:
        layers, borders = ctx.layers(snap), ctx.borders_or_load()
        strict = front_mod.depth_km(layers, side, borders, within=within)
        generous = front_mod.depth_km(layers, side, borders, within=within, with_contested=True)
    except MeasureError as exc:
        raise _Skip(NOT_CHECKABLE, str(exc)) from None
    if generous is None:
        raise _Skip(NOT_CHECKABLE, f"the maps of {snap.date} show no {side}-held ground there")
    strict = strict or {"km": 0.0, "lon": generous["lon"], "lat": generous["lat"]}
    fig = MapFigure(strict["km"], "km", (snap.date,), region_name, side, with_grey_zone=generous["km"], region_note=note)
    maps = (f"maps of {snap.date}: its ground reaches {strict['km']:.1f} km from {SIDE_COUNTRY[side]} (deepest point "
            f"{strict['lat']:.3f}, {strict['lon']:.3f}), {generous['km']:.1f} km counting the grey zone")
    return _judged(c, fig, DISTANCE, lo / 1000, hi / 1000, f"into the other country by {side} on {_day(c, ctx)}", maps)


def _check_grey_zone(c: Claim, ctx: _Ctx) -> Check:
    """"The grey zone ... covers around 700 square kilometres": the ``contested`` status in the
    place on the day (at its largest for a peak), or on the whole map when none is named."""
    if c.unit_normalized != "km2":
        raise _Skip(NOT_CHECKABLE, f"grey zone in {c.unit!r}, not an area unit")
    if c.place:
        region, note = _region_of(ctx, _place(c.place, "grey_zone", c.place_within))
    else:
        region, note = ctx.region("ALL"), "the whole map"
    ctx.need((CONTESTED,))
    snap = _state_map(c, ctx)
    lo, hi = _claim_range(c)
    if c.aspect == "peak":
        p = ctx.peak(region, (CONTESTED,), snap.taken_at)
        fig = MapFigure(p["peak_km2"], "km2", (_d(p["peak_date"]),), region.name, CONTESTED, region_note=note)
        maps = f"maps: contested at its largest {_fmt_area(p['peak_km2'])} on {p['peak_date']} (up to {snap.date})"
    else:
        a = ctx.areas(region, snap).get(CONTESTED, 0.0)
        fig = MapFigure(a, "km2", (snap.date,), region.name, CONTESTED, region_note=note)
        maps = f"maps of {snap.date}: contested {_fmt_area(a)}"
    return _judged(c, fig, AREA, lo, hi, f"({lo:,.0f} km2) of grey zone in {region.name}", maps)


_CHECKS = {
    "area_held": _check_area_held,
    "share_lost": _check_share_lost,
    "share_held": _check_share_held,
    "share_gained": _check_share_gained,
    "area_change": _check_area_change,
    "advance_rate": _check_advance_rate,
    "settlements": _check_settlements,
    "distance": _check_distance,
    "front_length": _check_front_length,
    "depth": _check_depth,
    "grey_zone": _check_grey_zone,
}


# ------------------------------------------------------------------ public API

class ClaimChecker:
    """Checks claims against the maps of one store, remembering the map figures it has asked for
    (a report asks the same peak or change for several claims).

    >>> checker = ClaimChecker(store)                                   # doctest: +SKIP
    >>> checker.check(claim).verdict                                    # doctest: +SKIP
    'consistent with grey zone'
    """

    def __init__(self, store, borders=None, *, source=None, regions=None, doubt: bool = True):
        # doubt=False: the verdict on the reading as it stands, without check.doubtful_reading
        # (bench/claims_eval.py --abstentions measures what each abstention takes away).
        self._ctx = _Ctx(store, borders, source, regions)
        self._doubt = doubt

    def check(self, claim) -> Check:
        """The :class:`Check` of one claim (a Claim or its record)."""
        return _check(self._ctx, _as_claim(claim), doubt=self._doubt)


def check_claim(store, claim, borders=None, *, source=None) -> Check:
    """The :class:`Check` of one claim (a Claim or its record) against the maps of ``store``."""
    return _check(_Ctx(store, borders, source), _as_claim(claim))


def _in_figure_unit(c: Claim, unit: str) -> tuple[float, float] | None:
    """The claim's range in the unit of the map figure it was set against (a length's metres as km),
    or None when the units are not the same kind."""
    lo, hi = _claim_range(c)
    have = c.unit_normalized
    if unit == "km" and have == "m":
        return lo / 1000, hi / 1000
    return (lo, hi) if have == unit else None


def _ratio_to_nearest(claimed: float, figures) -> float:
    """The claim over the nearest of the figures it was judged with, by ratio; a positive claim
    against figures that are all zero is infinitely far (``math.inf``)."""
    near = [v for v in figures if v is not None and v > 0]
    if not near:
        return math.inf if claimed > 0 else 1.0
    return claimed / min(near, key=lambda v: abs(math.log(max(claimed, 1e-9) / v)))


def _off_by(ratio: float, fig: MapFigure) -> str:
    """How far the claim is from the map figure, in words."""
    if math.isinf(ratio):
        return f"the maps show none ({fig.value:g} {fig.unit} in {fig.region}) where the claim has some"
    return f"the claim is {ratio:.2g} times the map figure ({fig.value:,.1f} {fig.unit} in {fig.region})"


def _doubtful_reading(chk: Check) -> Check:
    """``check.doubtful_reading``: a verdict that says more about the reading than about the report
    is not given (not checkable, both figures and what is unsure in the reason), when the claim is

    - ``check.doubtful_reading.more_than_the_place``: an area larger than all the land of the region it was measured
      in (more than a town's circle can hold: the place is misread);
    - ``check.doubtful_reading.read_from_outside``: a reading that took a field from outside the figure's sentence
      (:func:`frontwatch.claims.reading.read_from_outside`: the side or the period from an earlier
      sentence or from knowledge, the place from another clause, an earlier sentence or knowledge,
      the measure from the unit alone), more than :data:`READING_FACTOR` times off the map figure,
      or off a figure of zero (the side gained nothing there then) when the side, the place or the
      measure is the one from outside -- a share also more than two tolerances off;
    - ``check.doubtful_reading.far_figure``: an area or a count of settlements more than :data:`FAR_FACTOR` times off
      the map figure, however it was read (a change read as a holding, the wrong region);
    - ``check.doubtful_reading.other_sides_share``: a share held of a region that fits the other side's share and not
      this side's (the side misread: "Russia occupies 18%" read as Ukraine's 18%; not a town's disc,
      whose tolerance is too wide to tell the two apart).

    The whole country of a sentence that names no place is the reports' convention, not a reading
    of the context: it is not a field read from outside, and such a claim keeps its verdict under
    ``check.doubtful_reading.far_figure``. The factors were measured on the labelled sets: no right verdict read from
    outside its sentence is more than 2.02 times off its map figure; the wrong ones were 8.5 to
    400 times off, or off a zero (docs/claims-checking.md)."""
    c = chk.claim
    fig = chk.figure
    if chk.verdict not in (OVERSTATED, UNDERSTATED) or fig is None:
        return chk
    rng = _in_figure_unit(c, fig.unit)
    if rng is None:
        return chk
    lo, hi = rng
    claimed = (lo + hi) / 2
    figures = (fig.value, fig.with_grey_zone, *(fig.band or ()))
    ratio = _ratio_to_nearest(claimed, figures)
    # the whole country by default keeps a far figure's verdict for a change only: reports of a
    # year's gains are that far off; a holding of the whole country that far off is a change read
    # as a holding ("880 km2 came under its control in 2024" against 100,000 km2 held)
    by_default = (c.explain or {}).get("place", "").startswith(COUNTRY_BY_DEFAULT) and c.measure not in STATES
    outside = read_from_outside(c.explain, c.place_inferred)
    if math.isinf(ratio):
        # a map figure of zero over an operation's period is as likely the maps lagging (the first
        # days of the Kursk incursion show no ground taken) as a misread period: only a side or a
        # place (or a measure) from outside makes the zero the reading's
        outside.pop("period", None)
    why, rule = "", "check.doubtful_reading"
    if fig.unit == "km2" and fig.land_km2 and chk.verdict == OVERSTATED and lo > fig.land_km2 * (1 + AREA.amount):
        why = (f"the claim ({lo:,.0f} km2) is more than all the land of {fig.region} ({fig.land_km2:,.0f} km2): "
               "the place is read as smaller than the report's")
        rule = "check.doubtful_reading.more_than_the_place"
    elif outside and not 1 / READING_FACTOR <= ratio <= READING_FACTOR and (
            fig.unit != "percent" or min(abs(claimed - v) for v in figures if v is not None)
            > 2 * (chk.tolerance.amount if chk.tolerance else SHARE.amount)):
        read = ", ".join(f"the {field} ({how})" for field, how in outside.items())
        why = f"read from outside the figure's sentence: {read}; under that reading {_off_by(ratio, fig)}"
        rule = "check.doubtful_reading.read_from_outside"
    elif fig.unit in ("km2", "settlements") and fig.value and not by_default \
            and not 1 / FAR_FACTOR <= ratio <= FAR_FACTOR:
        why = (f"under this reading of its measure, side, place and period the claim is {ratio:.2g} times the map "
               f"figure ({fig.value:,.1f} {fig.unit} in {fig.region})")
        rule = "check.doubtful_reading.far_figure"
    elif fig.unit == "percent" and c.measure == "share_held" and chk.tolerance is SHARE:
        # a region's share (a town's disc has a tolerance too wide to tell the sides apart)
        others = [100 - v for v in (fig.value, fig.with_grey_zone) if v is not None]
        own_lo, own_hi = _claim_range(c)
        if any(own_lo - chk.tolerance.amount <= o <= own_hi + chk.tolerance.amount for o in others):
            why = (f"the claim fits the other side's share of {fig.region} ({_pct(others[0])}), not "
                   f"{c.side}'s ({_pct(fig.value)}): the side is more likely misread")
            rule = "check.doubtful_reading.other_sides_share"
    if not why:
        return chk
    return Check(c, NOT_CHECKABLE, f"{why}: the reading is more likely wrong than the report ({rule})",
                 extra={"rule": rule, "read_from_outside": outside,
                        "map_value_of_reading": _round(fig.value)})


def _check(ctx: _Ctx, c: Claim, doubt: bool = True) -> Check:
    chk = _check_reading(ctx, c, doubt)
    return _competing(ctx, chk) if doubt else chk


def _check_reading(ctx: _Ctx, c: Claim, doubt: bool = True) -> Check:
    fn = _CHECKS.get(c.measure)
    try:
        if fn is None:
            what = "troop numbers" if c.measure == "troops" else f"{c.measure} figures"
            raise _Skip(NOT_CHECKABLE, f"{what} are not on the control maps (recorded, not judged)")
        _unsure(c)
        _day(c, ctx)  # an empty store: no map data, before any place is looked up
        return _doubtful_reading(fn(c, ctx)) if doubt else fn(c, ctx)
    except _Skip as s:
        if s.verdict == NO_DATA and c.measure in BRACKET_MEASURES:
            bracketed = _bracketed(c, ctx, fn)
            if bracketed is not None:
                return _doubtful_reading(bracketed) if doubt else bracketed
        return Check(c, s.verdict, s.reason, extra=s.extra)


def _leaning(verdict: str) -> str:
    """Which way a verdict goes: agreeing (any of the four consistent ones), overstated, understated."""
    return "agreeing" if verdict in AGREEING else verdict


def _competing(ctx: _Ctx, chk: Check) -> Check:
    """``check.competing_readings``: no verdict when another reading the figure's words allow
    (:func:`frontwatch.claims.competing.competing_readings`) gets a verdict that goes the other way
    (consistent against overstated, overstated against understated). A reading the maps cannot
    answer (not checkable, no map data) does not count against the claim's."""
    if chk.verdict not in JUDGED:
        return chk
    c = chk.claim
    for other in competing_readings(c):
        alt = _check_reading(ctx, dataclasses.replace(c, **other.fields), doubt=False)
        if alt.verdict not in JUDGED or _leaning(alt.verdict) == _leaning(chk.verdict):
            continue
        name = other.rule.rsplit(".", 1)[-1]
        why = (f"the words '{other.words}' allow another reading ({other.fields.get('measure', c.measure)}"
               f"{' from ' + other.fields['place'] if other.fields.get('place') else ''}): as read, {chk.verdict} "
               f"({_map_words(chk)}); as {name}, {alt.verdict} ({_map_words(alt)}): the maps cannot say which the "
               f"report meant, so no verdict ({other.rule})")
        return Check(c, NOT_CHECKABLE, why, extra={
            "rule": other.rule, "verdict_as_read": chk.verdict, "verdict_other_reading": alt.verdict,
            "map_value_of_reading": _round(chk.figure.value) if chk.figure else None,
            "map_value_other_reading": _round(alt.figure.value) if alt.figure else None})
    return chk


def _map_words(chk: Check) -> str:
    fig = chk.figure
    if fig is None:
        return "no map figure"
    return f"{fig.value:,.1f} {fig.unit} in {fig.region}"


def check_claims(store, claims, borders=None, *, source=None, regions=None) -> list[dict]:
    """One record per claim (:meth:`Check.to_record`): the claim's record with ``verdict``,
    ``outcome``, ``reason`` and, when compared, the map figure (``map_value``, ``map_unit``,
    ``map_value_with_contested``, ``map_dates``/``evidence_dates``, ``region``), ``tolerance``,
    ``tolerance_unit``, ``deviation``. ``borders``: country borders, or a function that gives
    them (default: the store's); ``regions``: a resolver of region specs (default: here, with
    those borders)."""
    checker = ClaimChecker(store, borders, source=source, regions=regions)
    return [checker.check(c).to_record() for c in claims]


def _bracketed(c: Claim, ctx: _Ctx, fn) -> Check | None:
    """A state claim dated between two maps at most MAX_BRACKET_DAYS apart: checked on both, it
    keeps their verdict when they agree; when they differ, there is no verdict and the reason
    gives both. None when it does not apply."""
    if c.date is None or (c.start_date is not None and c.measure != "share_lost"):
        return None
    snaps = ctx.snapshots()
    before = [s.date for s in snaps if s.date <= c.date]
    after = [s.date for s in snaps if s.date > c.date]
    if not before or not after or (after[0] - before[-1]).days > MAX_BRACKET_DAYS:
        return None
    ends = []
    for day in (before[-1], after[0]):
        try:
            ends.append(fn(dataclasses.replace(c, date=day), ctx))
        except _Skip:
            return None
    (r1, r2), (d1, d2) = ends, (before[-1], after[0])
    both = f"{d1}: {r1.reason} | {d2}: {r2.reason}"
    if r1.verdict != r2.verdict:
        return Check(c, NO_DATA, f"no map within {measure.STALE_DAYS} days before {c.date}; the maps on either side "
                                 f"disagree ({d1}: {r1.verdict}, {d2}: {r2.verdict}), so no verdict. {both}")
    fig = dataclasses.replace(r1.figure, dates=tuple(sorted({*r1.figure.dates, *r2.figure.dates})))
    bracket = [{"date": d.isoformat(), "map_value": _round(r.figure.value),
                "map_value_with_contested": _round(r.figure.with_grey_zone)} for d, r in ((d1, r1), (d2, r2))]
    reason = (f"no map within {measure.STALE_DAYS} days before {c.date}: the maps on either side of it, {d1} and {d2}, "
              f"are both {r1.verdict}. {both}")
    return dataclasses.replace(r1, claim=c, reason=reason, figure=fig, extra={**r1.extra, "bracket": bracket})


def _year_from_archive(store, clean: str, notes: list, source=None) -> dt.date | None:
    """A wire dateline with no year ("KYIV, Nov 28 (Reuters) - ..."): the latest such day up to a
    week after the archive's last map, noted (a report is checked against the maps it is about)."""
    md = dates_mod.dateline_month_day(clean)
    snaps = store.snapshots(source=source)
    if md is None or not snaps:
        return None
    d = dates_mod.latest_on_or_before(*md, snaps[-1].date + dt.timedelta(days=measure.STALE_DAYS))
    notes.append(f"dated {d}: the dateline gives {d:%d %B} with no year, so the latest {d:%d %B} of the archive "
                 f"(it ends on {snaps[-1].date}) was taken; give --published to set another")
    return d


def check_text(store, text, published=None, borders=None, *, source=None, regions=None) -> dict:
    """Extract the claims of ``text`` and check them: ``{claims, consistency, published, notes}``.

    ``claims``: :func:`check_claims` records, each with ``consistency`` (the internal
    cross-checks it is the stated claim of); ``consistency``: claims.consistency records;
    ``published``: the reference date used (ISO) or None; ``notes``: why nothing was found, when so.
    """
    notes: list[str] = []
    clean, page_date = document_text(text)
    ref = reference_date(clean, published, page_date)
    if ref is None:
        ref = _year_from_archive(store, clean, notes, source)
    with notices.collect() as said:
        claims = extract_claims(clean, ref)
    notes += said
    if not claims and not notes:
        notes.append("no numeric claims found in the text")
    if len(claims) > MAX_CLAIMS:
        notes.append(f"{len(claims)} claims found: only the first {MAX_CLAIMS} are checked (not a news report?)")
        claims = claims[:MAX_CLAIMS]
    checked = check_claims(store, claims, borders, source=source, regions=regions)
    cons = consistency(claims)
    for rec in checked:
        rec["consistency"] = [x for x in cons if x["stated"] == rec["id"]]
    return {"claims": checked, "consistency": cons, "published": ref.isoformat() if ref else None, "notes": notes}


# ------------------------------------------------------------------ presentation

def _map_cell(rec: Mapping) -> str:
    v, unit = rec.get("map_value"), rec.get("map_unit")
    if v is None:
        return ""
    band = rec.get("map_band")
    if unit == "km2":
        s = f"{v:,.0f} km2 ({rec.get('map_value_sqmi') or float(km2_to_sqmi(v)):,.0f} sq mi)"
        if band and band[1] != v:
            s += f" to {band[1]:,.0f} km2"
        if rec.get("map_value_with_contested") is not None:
            s += f"; {rec['map_value_with_contested']:,.0f} km2 with grey zone"
        return s
    if unit == "percent":
        s = _pct(v)
        if rec.get("map_value_with_contested") is not None:
            s += f"; {_pct(rec['map_value_with_contested'])} with grey zone"
        return s
    if unit == "m_per_day":
        s = f"{v:,.0f} m/day"
        for n, alt in (rec.get("map_value_alt") or {}).items():
            s += f"; {alt:,.0f} m/day in {n}" if alt is not None else ""
        return s
    if unit == "km2_per_day":
        return f"{v:,.1f} km2/day"
    if unit == "km":
        s = f"{v:,.1f} km"
        if rec.get("map_value_with_contested") is not None and rec["map_value_with_contested"] != v:
            s += f"; {rec['map_value_with_contested']:,.1f} km with grey zone"
        return s
    return f"{v:,.0f} {unit}" if float(v).is_integer() else f"{v:,} {unit}"


def check_rows(checks) -> list[dict]:
    """Flat rows for tables: id, measure, side, place, date, claim, map, verdict, reason."""
    rows = []
    for r in checks:
        c = claim_from_record(r)
        rows.append({"id": r.get("id"), "measure": r.get("measure"), "side": r.get("side"), "place": r.get("place"),
                     "date": r.get("date"), "claim": _claim_text(c), "map": _map_cell(r), "verdict": r.get("verdict"),
                     "reason": r.get("reason")})
    return rows


def _md(s) -> str:
    return str(s if s is not None else "").replace("|", "\\|").replace("\n", " ")


def checks_to_markdown(checks) -> str:
    """A Markdown table of checked claims (a list of check records, or check_text's dict, whose
    internal-consistency records are listed after the table)."""
    cons = []
    if isinstance(checks, dict):
        cons = checks.get("consistency") or []
        checks = checks.get("claims") or []
    if not checks:
        return "_No numeric claims found._\n"
    cols = ["Claim", "Measure", "Side", "Place", "Date", "Maps", "Verdict", "Reason"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in check_rows(checks):
        lines.append("| " + " | ".join(_md(r[k]) for k in ("claim", "measure", "side", "place", "date", "map",
                                                            "verdict", "reason")) + " |")
    if cons:
        lines += ["", "Internal consistency:", ""]
        lines += [f"- {'consistent' if x['consistent'] else 'inconsistent'}: {_md(x['explanation'])}" for x in cons]
    return "\n".join(lines) + "\n"
