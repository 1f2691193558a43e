"""Check numeric claims of a news report against the control maps in the store.

For each extracted claim the maps can speak to, the same quantity is computed from the store for
the same place and date(s) through the library (measure.peak, measure.area_on, measure.change,
the advance analytics of frontwatch.analysis.front when present) and compared; every claim gets a verdict
and a one-line reason with both numbers and their units. Pure functions: nothing here prints or
writes (the ledger, ledger.py, saves results). May import: the standard library,
frontwatch.claims.*, frontwatch.analysis.measure, frontwatch.geo.regions, frontwatch.geo.geodesy,
frontwatch.statuses, and (optionally, at call time) frontwatch.analysis.front and frontwatch.analysis.settlements.

Verdicts: ``consistent``, ``overstated``, ``understated``, ``not checkable from map data``,
``no map data for that date``; plus ``not checkable yet`` when the analytics a claim needs are
not available in this installation. Tolerances, and why:

* areas ±15 % (AREA_TOLERANCE): the map is a generalised drawing (a line some hundred metres
  wide on the ground), the grey zone moves between "held" and "contested" from day to day, and
  the claimant's own figure is rounded;
* shares ±5 percentage points (SHARE_TOLERANCE_PP): a share is a ratio of two such areas;
* rates: a stated range (or value) widened by ±20 % (RATE_TOLERANCE): a daily advance over a
  month of maps is a mean over a front that moves in bursts;
* settlement counts ±20 % or one place (SETTLEMENT_TOLERANCE): the gazetteer (GeoNames
  cities500) lists places of 500+ inhabitants only, so small villages are not counted;
* front lengths ("the front stretches for more than 1,000 km") ±25 % (FRONT_TOLERANCE) around the
  band from the longest connected piece of the line to its total length: a drawn line's length
  depends on how finely it is drawn, and a report may mean the main line or all of it;
* the grey zone ("covers around 700 square kilometres"): the ``contested`` area of the place, or
  of the whole map when none is named, ±15 % as areas;
* distances from a place ("less than 3 km from Kurakhove") ±25 % (DISTANCE_TOLERANCE): they are
  measured from the gazetteer's point for the place (its centre), while a report may mean its
  edge, so the nearer end of the map band is the grey-zone distance less the town's radius,
  estimated as that of a disc holding its population at 2,000 inhabitants per km2 (TOWN_DENSITY;
  the density of Pokrovsk's and Kurakhove's administrative areas: 3.1 km and 1.7 km).
* depths ("pushed up to 35 km into Russia") ±25 % as distances: the farthest point of the side's
  ground in the other country from its own (front.depth_km), with and without the grey zone;
  Russia's only within DEPTH_RADIUS_KM of a town the claim names;
* shares of a town ("control about 80% of Toretsk") ±15 percentage points
  (TOWN_SHARE_TOLERANCE_PP): the share of that same disc the side holds on the day; the disc
  stands in for the town's outline, which the store does not have.

Place mapping (documented approximations):

* "Kursk" / "Kursk region" / "Kursk oblast" -> the whole of Russia (region ``RUS``): all the
  ground Ukraine held in Russia in 2024 lay in Kursk oblast (the short raids into Belgorod oblast
  left no ground on the map), and the store has no oblast boundaries; "Russia" -> ``RUS``;
* "Ukraine" -> ``UKR``;
* any other name the gazetteer knows (Kurakhove, Pokrovsk...) -> a geodesic circle
  ``Name:15km`` (SETTLEMENT_RADIUS_KM; rates are also computed for 10 km and both are reported);
* a name the text puts in a region ("Pushkine in the Kursk region") -> the gazetteer's place of
  that name within REGION_REACH_KM (250 km) of the city naming the region, else not checkable;
* other oblast names (Donetsk region...) -> not checkable (no oblast boundaries in the store);
* a place outside the theatre the maps cover ("the size of Los Angeles") -> not checkable.

Area held by Ukraine in Kursk is checked against two map figures: ``ukraine_held`` alone (strict)
and ``ukraine_held + contested`` (generous: the grey zone is where Ukrainian troops may still
be). Rule: a claim is consistent when it lies between the two figures or within the tolerance of
either; overstated when above the larger figure by more than the tolerance; understated when
below the smaller one by more than the tolerance. The same two-figure rule applies to shares lost.
Claims with a one-sided qualifier ("over 40%", "less than 3 km") are bounds: "over X" is
consistent when the map value is at least X minus the tolerance, else overstated; "under/less
than/at most X" is consistent when the map value is at most X plus the tolerance, else
understated. "Up to X" (and "as much as / as many as X") is not a ceiling but a top that is
reached ("advancing up to 1.5 miles a day" says the fastest pace is 1.5 miles a day), so X is
checked as a value against the map band: for rates the band reaches the largest local shift, and
a top above it by more than the tolerance is overstated.

Dates: a claim is compared with the last snapshot on or before its date, when that snapshot is at
most MAX_GAP_DAYS old, else with a snapshot of the next day (a monthly archive's map of the 1st
ends the month before); otherwise a claim of what is held on the day (BRACKET_MEASURES) is checked
on the maps either side of it, when at most MAX_BRACKET_DAYS apart, and takes their verdict when
they agree; otherwise "no map data for that date" names the nearest snapshots and the archive's
range. Peaks are taken over every snapshot up to the claim date.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from typing import Any

from frontwatch import notices
from frontwatch.claims.consistency import consistency
from frontwatch.claims.dates import INVASION_DAY
from frontwatch.claims.extract import Claim, extract_claims, reference_date
from frontwatch.claims.text import document_text
from frontwatch.statuses import SIDE_COUNTRY

AREA_TOLERANCE = 0.15
SHARE_TOLERANCE_PP = 5.0
RATE_TOLERANCE = 0.20
MAX_GAP_DAYS = 7
# Settlement counts: ±20 % or one place; the gazetteer (GeoNames cities500) misses hamlets.
SETTLEMENT_TOLERANCE = 0.20
SETTLEMENT_RADIUS_KM = 15.0
DISTANCE_TOLERANCE = 0.25
FRONT_TOLERANCE = 0.25
TOWN_DENSITY = 2000.0  # inhabitants per km2, for a town's radius from its population
TOWN_MIN_RADIUS_KM = 0.5
# A share of a town is measured on a disc standing for it (no town outlines): a wider margin.
TOWN_SHARE_TOLERANCE_PP = 15.0
RATE_RADII_KM = (15.0, 10.0)
# A rate claimed "now" is compared with the mean over the preceding month of maps.
RATE_WINDOW_DAYS = 30
# A news report holds dozens of claims; a text with thousands is not one, and is cut here so a
# check (and the ledger write) stays quick.
MAX_CLAIMS = 500

CONSISTENT = "consistent"
OVERSTATED = "overstated"
UNDERSTATED = "understated"
NOT_CHECKABLE = "not checkable from map data"
NOT_YET = "not checkable yet"
NO_DATA = "no map data for that date"
VERDICTS = (CONSISTENT, OVERSTATED, UNDERSTATED, NOT_CHECKABLE, NOT_YET, NO_DATA)

_LOWER_BOUND = {"over", "more than", "above", "exceeding", "in excess of", "upwards of", "at least",
                "well over", "just over"}
_UPPER_BOUND = {"less than", "fewer than", "under", "below", "at most", "just under", "within"}
# "up to X" / "as much as X" name a top that is reached ("advancing up to 1.5 miles a day": the
# fastest pace is 1.5 miles a day), not a ceiling: checked as the value X against the map band,
# so a top far above the largest local shift is overstated (it used to be "consistent" as a
# ceiling that any slower pace meets).
_TOP = {"up to", "as much as", "as many as"}
_DEICTIC = re.compile(r"\b(?:there|here)\b", re.I)
_KURSK = re.compile(r"^kursk(?:\s+(?:region|oblast|province))?$", re.I)
_RUSSIA = re.compile(r"^(?:russia|rus|russian\s+federation)$", re.I)
_UKRAINE = re.compile(r"^(?:ukraine|ukr)$", re.I)
# Oblasts and regions (not settlements): the store has no boundaries for them.
_OBLASTS = re.compile(
    r"^(?:donetsk|luhansk|lugansk|zaporizhzhia|zaporizhia|zaporozhye|kherson|kharkiv|kharkov|"
    r"sumy|chernihiv|dnipropetrovsk|mykolaiv|belgorod|bryansk|donbas|donbass|crimea)"
    # a union of oblasts as extraction names it: "Donetsk oblast+Luhansk oblast"
    r"(?:\s+(?:region|oblast|province))?(?:\+[\w' -]+)*$", re.I)
_SIDE_STATUSES = {"ukraine": ("ukraine_held",), "russia": ("occupied", "occupied_before_2022")}


def _sqmi(km2: float) -> float:
    from frontwatch.geo.geodesy import km2_to_sqmi

    return float(km2_to_sqmi(km2))


def _fmt_area(km2: float) -> str:
    return f"{km2:,.0f} km2 ({_sqmi(km2):,.0f} sq mi)"


def _pct(x: float) -> str:
    return f"{x:.1f}%"


# ------------------------------------------------------------------ evaluation context

@dataclasses.dataclass
class _Ctx:
    """One check run: the store, borders, and memoised map figures (a report asks the same peak
    for several claims)."""

    store: Any
    borders: dict | None
    source: str | None = None
    memo: dict = dataclasses.field(default_factory=dict)

    def borders_or_load(self) -> dict:
        if self.borders is None:
            from frontwatch.geo.regions import load_borders

            self.borders = load_borders(self.store)
        return self.borders

    def region(self, spec: str):
        from frontwatch.geo.regions import RegionError, resolve_region

        key = ("region", spec)
        if key not in self.memo:
            try:
                # Borders are loaded only when the spec needs them (a country, a named oblast).
                self.memo[key] = resolve_region(spec, self.borders_or_load, store=self.store)
            except RegionError as exc:  # a region the maps cannot be cut to: this claim fails, not the report
                raise _Skip(NOT_CHECKABLE, str(exc).splitlines()[0]) from None
        return self.memo[key]

    def snapshots(self):
        key = ("snaps",)
        if key not in self.memo:
            self.memo[key] = self.store.snapshots(source=self.source)
        return self.memo[key]

    def peak(self, region, statuses, until, since=None):
        from frontwatch.analysis.measure import peak

        key = ("peak", region.key, tuple(statuses), until, since)
        if key not in self.memo:
            self.memo[key] = peak(self.store, region, tuple(statuses), until=until, since=since, source=self.source)
        return self.memo[key]

    def area(self, region, statuses, date) -> tuple[float, str]:
        from frontwatch.analysis.measure import MeasureError, area_on

        key = ("area", region.key, tuple(statuses), date)
        if key not in self.memo:
            try:
                recs = area_on(self.store, region, tuple(statuses), date, source=self.source)
            except MeasureError as exc:  # e.g. a source that does not map these statuses
                raise _Skip(NO_DATA, str(exc)) from None
            self.memo[key] = (sum(r["km2"] for r in recs), recs[0]["date"])
        return self.memo[key]


class _Skip(Exception):
    """A claim that gets a verdict without a comparison (not checkable, no data)."""

    def __init__(self, verdict: str, reason: str, **extra):
        super().__init__(reason)
        self.verdict, self.reason, self.extra = verdict, reason, extra


# ------------------------------------------------------------------ dates and places

def _claim_date(rec: dict, ctx: _Ctx) -> dt.date:
    """The claim's date, checked against the archive: the latest map when the claim has none."""
    snaps = ctx.snapshots()
    if not snaps:
        raise _Skip(NO_DATA, "the store has no snapshots: run `frontwatch ingest PATH` or `frontwatch sync deepstate`")
    d = rec.get("date")
    if d is None:
        return snaps[-1].date
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    try:
        _require_data(d, ctx)
    except _Skip:
        # A monthly archive has maps of the 1st: "in September" ends with the map of 1 October,
        # which shows the front as the night of 30 September left it (the start's map is the
        # named day's, see _period). Only the next day, and only where nothing nearer before.
        after = d + dt.timedelta(days=1)
        if not any(s_.date == after for s_ in ctx.snapshots()):
            raise
        return after
    return d


def _map_of(rec: dict, ctx: _Ctx):
    """``(claim date, the snapshot its figure is measured on)``; NO_DATA when there is none
    (the reason names the map's date)."""
    from frontwatch.analysis.measure import MeasureError, snapshot_on

    d = _claim_date(rec, ctx)
    try:
        return d, snapshot_on(ctx.store, d, source=ctx.source, stale_days=None)
    except MeasureError as exc:
        raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None


def _require_data(d: dt.date, ctx: _Ctx):
    snaps = ctx.snapshots()
    before = [s for s in snaps if s.date <= d]
    if before and (d - before[-1].date).days <= MAX_GAP_DAYS:
        return
    after = [s for s in snaps if s.date > d]
    near = []
    if before:
        near.append(f"last before: {before[-1].date}")
    if after:
        near.append(f"first after: {after[0].date}")
    raise _Skip(NO_DATA, f"no map within {MAX_GAP_DAYS} days before {d} ({'; '.join(near)}); the archive has "
                         f"{len(snaps)} snapshots from {snaps[0].date} to {snaps[-1].date}",
                available_from=snaps[0].date.isoformat(), available_to=snaps[-1].date.isoformat())


def place_region(place: str | None, measure: str, within: str | None = None) -> tuple[str, str]:
    """The region spec for a claim's place and a note on the approximation, or _Skip. ``within``
    is the region the text puts the place in (``place_within``): the settlement is looked for
    there (:func:`_claim_place`)."""
    if not place:
        raise _Skip(NOT_CHECKABLE, "the claim names no place the maps can be cut to")
    p = re.sub(r"\s+", " ", place.strip())
    direction = _DIRECTION.match(p)
    p = direction.group("town") if direction else p
    if _KURSK.match(p):
        return "RUS", "Kursk ~ RUS: all Ukrainian-held ground in Russia in 2024 was in Kursk oblast"
    if _RUSSIA.match(p):
        return "RUS", "Russia = RUS"
    if _UKRAINE.match(p):
        return "UKR", "Ukraine = UKR"
    if _OBLASTS.match(p):
        raise _Skip(NOT_CHECKABLE, f"{p}: the store has country borders, not oblast boundaries")
    where = _claim_place(p, within)
    note = f"{p} ~ a {SETTLEMENT_RADIUS_KM:g} km circle around it"
    if within and not _same_place(p, where):
        # The name alone would pick a namesake elsewhere: the circle is around the point found.
        return (f"{where.lat:.4f},{where.lon:.4f}:{SETTLEMENT_RADIUS_KM:g}km",
                f"{p} in the {within} region = {where.label()}; " + note)
    return f"{p}:{SETTLEMENT_RADIUS_KM:g}km", note


def _same_place(p: str, where) -> bool:
    """Whether the name ``p`` alone resolves to ``where`` (so a region spec may use the name)."""
    from frontwatch.geo.places import resolve_place

    try:
        with notices.collect():
            return resolve_place(p).geonameid == where.geonameid
    except ValueError:
        return False


# "the Pokrovsk direction / axis / sector": the front named after a town (see _check_area_change).
_DIRECTION = re.compile(r"^(?P<town>.+?)\s+direction$")
DIRECTION_RADIUS_KM = 50.0
DEPTH_RADIUS_KM = 50.0  # Russia's depth into Ukraine: its ground this near the named town


# How far from its namesake city a place "in the X region" may lie: the oblasts of the theatre
# reach at most ~230 km from their capitals (Kursk oblast ~150 km), so 250 km keeps every place of
# the region and drops namesakes elsewhere (the Pushkino in Crimea is 800 km from Kursk).
REGION_REACH_KM = 250.0


def _claim_place(p: str, within: str | None = None):
    """The gazetteer entry for a claim's place, within :data:`REGION_REACH_KM` of the city that
    names ``within`` when the text gives a region; _Skip when it is not there or outside the theatre."""
    from frontwatch.geo.places import resolve_place

    try:
        if within:
            with notices.collect():  # "Donetsk": the Ukrainian city, not the Russian town; either is near
                anchor = resolve_place(within)
            return _in_theatre(p, resolve_place(p, near=anchor, within_km=REGION_REACH_KM))
        return _in_theatre(p, resolve_place(p))
    except ValueError as exc:
        why = str(exc).splitlines()[0]
        raise _Skip(NOT_CHECKABLE, f"{p}: {why}" if within else f"place {p!r} not in the gazetteer ({why})") from None


def _in_theatre(name: str, place):
    """``place`` (a gazetteer entry) when it lies where the maps are drawn, else _Skip: "an area
    the size of Los Angeles" must not fail the whole report."""
    from frontwatch.geo.regions import THEATRE

    if not (THEATRE[0] <= place.lon <= THEATRE[2] and THEATRE[1] <= place.lat <= THEATRE[3]):
        raise _Skip(NOT_CHECKABLE, f"{name} ({place.lat:.2f}, {place.lon:.2f}) lies outside the theatre the maps "
                                   f"cover (lon {THEATRE[0]:g}..{THEATRE[2]:g}, lat {THEATRE[1]:g}..{THEATRE[3]:g})")
    return place


def _statuses_for(rec: dict, region_spec: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(strict, generous) statuses for the side's held area: the generous one adds the grey zone."""
    side = rec.get("side")
    if side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    in_country = region_spec in ("RUS", "UKR")
    # A side's ground includes land of its own country that no layer covers; the layers measure
    # only ground a side holds in the other country, or Russian-held ground around a town.
    if (in_country and (side, region_spec) not in (("ukraine", "RUS"), ("russia", "UKR"))) \
            or (not in_country and side != "russia"):
        raise _Skip(NOT_CHECKABLE, f"{side} held area in {region_spec}: the maps measure ground a side holds "
                                   "in the other country, or Russian-held ground around a town")
    strict = _SIDE_STATUSES[side]
    return strict, strict + ("contested",)


# ------------------------------------------------------------------ comparison rule

def _compare(claim_lo: float, claim_hi: float, map_lo: float, map_hi: float, tol: float, relative: bool,
             qualifier: str | None) -> tuple[str, float | None]:
    """Verdict and signed deviation (relative fraction, or percentage points) of the claim from
    the nearest end of the map band [map_lo, map_hi]; see the module docstring for the rule."""
    map_lo, map_hi = min(map_lo, map_hi), max(map_lo, map_hi)
    q = (qualifier or "").lower()

    def dev(claim, ref):
        if relative:
            return (claim - ref) / ref if ref else None
        return claim - ref

    def within(claim, ref):
        d = dev(claim, ref)
        return d is not None and abs(d) <= tol

    if q in _LOWER_BOUND and claim_lo == claim_hi:
        # "over X": true when the map reaches X (within tolerance).
        ok = map_hi >= claim_lo or within(claim_lo, map_hi)
        return (CONSISTENT if ok else OVERSTATED), dev(claim_lo, map_hi) if not ok else 0.0
    if q in _UPPER_BOUND and claim_lo == claim_hi:
        ok = map_lo <= claim_hi or within(claim_hi, map_lo)
        return (CONSISTENT if ok else UNDERSTATED), dev(claim_hi, map_lo) if not ok else 0.0
    # Overlap of the claim's range with the map band, widened by the tolerance.
    if claim_hi >= map_lo and claim_lo <= map_hi:
        return CONSISTENT, 0.0
    if claim_lo > map_hi:
        return (CONSISTENT if within(claim_lo, map_hi) else OVERSTATED), dev(claim_lo, map_hi)
    return (CONSISTENT if within(claim_hi, map_lo) else UNDERSTATED), dev(claim_hi, map_lo)


def _dev_text(verdict: str, d: float | None, relative: bool) -> str:
    if d is None or verdict not in (OVERSTATED, UNDERSTATED, CONSISTENT) or d == 0:
        return verdict
    word = "over" if d > 0 else "under"
    amount = f"{abs(d) * 100:.0f}%" if relative else f"{abs(d):.1f} pp"
    if verdict == CONSISTENT:
        return f"consistent ({word} by {amount}, within tolerance)"
    return f"{verdict} by {amount}"


def _both(claim_lo: float, claim_hi: float, a: float, b: float, relative: bool) -> str:
    """The claim's deviation from each map figure (strict, then with contested), e.g.
    "+53% vs ukraine_held, +10% vs with contested"."""
    def one(ref):
        if claim_lo <= ref <= claim_hi:
            return "matches"
        c = claim_lo if claim_lo > ref else claim_hi
        if relative:
            return f"{100 * (c - ref) / ref:+.0f}%" if ref else "n/a"
        return f"{c - ref:+.1f} pp"
    return f"claim {one(a)} vs strict, {one(b)} vs with contested"


def _claim_text(rec: dict) -> str:
    q = f"{rec['qualifier']} " if rec.get("qualifier") else ""
    unit = rec.get("unit") or ""
    if rec.get("unit_normalized") == "percent" and rec.get("value_normalized") is not None \
            and re.search(r"half|third|quarter|fifth|tenth", unit, re.I):
        # A fraction in words ("one-fifth", value 0.2): as written, with its percentage.
        return f"{q}{unit} ({rec['value_normalized']:.3g}%)"
    def num(x):
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"

    v = num(rec["value"]) if rec.get("value") is not None else f"{num(rec['low'])}-{num(rec['high'])}"
    return f"{q}{v}{'' if unit == '%' else ' '}{unit}".strip()


def _claim_range(rec: dict) -> tuple[float, float]:
    if rec.get("value_normalized") is not None:
        return rec["value_normalized"], rec["value_normalized"]
    if rec.get("low_normalized") is not None and rec.get("high_normalized") is not None:
        return rec["low_normalized"], rec["high_normalized"]
    raise _Skip(NOT_CHECKABLE, f"the claim's unit {rec.get('unit')!r} has no normalised value")


# ------------------------------------------------------------------ per-measure checks

def _check_area_held(rec, ctx):
    if rec.get("unit_normalized") != "km2":
        raise _Skip(NOT_CHECKABLE, f"area claim in {rec.get('unit')!r}, not an area unit")
    spec, note = place_region(rec.get("place"), "area_held", rec.get("place_within"))
    strict, generous = _statuses_for(rec, spec)
    d = _claim_date(rec, ctx)
    region = ctx.region(spec)
    lo, hi = _claim_range(rec)
    if rec.get("aspect") == "peak":
        p1, p2 = ctx.peak(region, strict, d), ctx.peak(region, generous, d)
        a, b = p1["peak_km2"], p2["peak_km2"]
        what = (f"maps: peak {_fmt_area(a)} {'+'.join(strict)} on {p1['peak_date']}, "
                f"{_fmt_area(b)} with contested (peak {p2['peak_date']})")
        evidence = sorted({p1["peak_date"], p2["peak_date"]})
        claim_what = f"at peak (up to {d})"
    else:
        a, da = ctx.area(region, strict, d)
        b, _ = ctx.area(region, generous, d)
        what = f"maps on {da}: {_fmt_area(a)} {'+'.join(strict)}, {_fmt_area(b)} with contested"
        evidence = [da]
        claim_what = f"on {d}"
    verdict, dev = _compare(lo, hi, a, b, AREA_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} ({lo:,.0f} km2) {claim_what}; {what}; {_both(lo, hi, a, b, True)} -> "
              f"{_dev_text(verdict, dev, True)}")
    return dict(verdict=verdict, reason=reason, map_value=round(a, 1), map_value_with_contested=round(b, 1),
                map_unit="km2", map_value_sqmi=round(_sqmi(a), 1), tolerance=AREA_TOLERANCE, tolerance_unit="relative",
                region=region.name, region_note=note, statuses=",".join(strict), evidence_dates=evidence)


def _peak_place(rec, measure: str) -> tuple[str, str]:
    """place_region for a share of a side's peak. With no place ("Ukraine has regained 54% of the
    territory Russia seized", "holding on to 40% of the territory they seized"), the maps measure a
    side's seized ground in the other country only: Ukraine's in RUS (Kursk, in 2024), Russia's in UKR."""
    if rec.get("place") is None and rec.get("side") in ("ukraine", "russia"):
        spec = _capture_country(rec["side"])
        return spec, f"no place named: {rec['side'].capitalize()}'s seized ground is in {spec}"
    return place_region(rec.get("place"), measure, rec.get("place_within"))


def _check_share_lost(rec, ctx):
    return _check_peak_share(rec, ctx, *_peak_place(rec, "share_lost"), held=False)


def _check_peak_share(rec, ctx, spec: str, note: str, held: bool):
    """The share of a side's peak in ``spec`` lost by the claim's date (or, ``held``, still held:
    100 minus it), ``ukraine_held`` alone and with the grey zone."""
    strict, generous = _statuses_for(rec, spec)
    if rec.get("side") == "russia" and _since_invasion(rec):
        # "the territory Russia seized since February 24": not what it held before 2022.
        strict, generous = ("occupied",), ("occupied", "contested")
    first = ctx.snapshots()[0].date if ctx.snapshots() else None
    if rec.get("start_date") and first and dt.date.fromisoformat(str(rec["start_date"])) < first - dt.timedelta(days=MAX_GAP_DAYS):
        # Russia's largest holding was in March 2022, before the shared archive's first map.
        raise _Skip(NO_DATA, f"the claim's peak is of {rec['start_date']} onwards and the archive's first map is of {first}: "
                             "the peak may lie before it")
    d = _claim_date(rec, ctx)
    region = ctx.region(spec)
    lo, hi = _claim_range(rec)
    p1, p2 = ctx.peak(region, strict, d), ctx.peak(region, generous, d)
    if p1["share_lost_pct"] is None:
        raise _Skip(NOT_CHECKABLE, f"the maps show no {'+'.join(strict)} ground in {region.name} up to {d}")
    a, b = p1["share_lost_pct"], p2["share_lost_pct"] if p2["share_lost_pct"] is not None else p1["share_lost_pct"]
    if held:
        a, b = 100.0 - a, 100.0 - b
    what, claimed = ("held", f"of its peak still held on {d}") if held else ("lost", f"lost by {d}")
    verdict, dev = _compare(lo, hi, a, b, SHARE_TOLERANCE_PP, False, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} {claimed}; maps: {'+'.join(strict)} peak {_fmt_area(p1['peak_km2'])} on "
              f"{p1['peak_date']} -> {_fmt_area(p1['km2'])} on {p1['date']} = {_pct(a)} {what}; with contested "
              f"{_fmt_area(p2['peak_km2'])} -> {_fmt_area(p2['km2'])} = {_pct(b)} {what}; {_both(lo, hi, a, b, False)} -> "
              f"{_dev_text(verdict, dev, False)}")
    return dict(verdict=verdict, reason=reason, map_value=round(a, 2), map_value_with_contested=round(b, 2),
                map_unit="percent", tolerance=SHARE_TOLERANCE_PP, tolerance_unit="percentage points",
                region=region.name, region_note=note, statuses=",".join(strict),
                evidence_dates=sorted({p1["peak_date"], p1["date"], p2["peak_date"]}))


def _check_share_held(rec, ctx):
    """"Russia occupies about 18% of Ukraine": the side's share of UKR land. "Holding on to about
    40% of the territory they seized" (aspect ``of_peak``): the share of the side's own peak there
    still held, 100 minus the share lost (:func:`_check_share_lost`'s figures)."""
    if rec.get("aspect") == "of_peak":
        return _check_share_of_peak_held(rec, ctx)
    spec, note = place_region(rec.get("place"), "share_held", rec.get("place_within"))
    if ":" in spec:  # a settlement: "control about 80% of Toretsk"
        return _check_town_share(rec, ctx)
    if spec != "UKR" or rec.get("side") != "russia":
        raise _Skip(NOT_CHECKABLE, "a share held is checked only for Russian-held ground as a share of Ukraine")
    from frontwatch.geo.geodesy import area_km2

    d = _claim_date(rec, ctx)
    region = ctx.region(spec)
    lo, hi = _claim_range(rec)
    total = ctx.memo.setdefault(("landarea", region.key), area_km2(region.geometry))
    a_km2, da = ctx.area(region, _SIDE_STATUSES["russia"], d)
    b_km2, _ = ctx.area(region, _SIDE_STATUSES["russia"] + ("contested",), d)
    a, b = 100 * a_km2 / total, 100 * b_km2 / total
    verdict, dev = _compare(lo, hi, a, b, SHARE_TOLERANCE_PP, False, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} of Ukraine on {d}; maps on {da}: {_fmt_area(a_km2)} of {_fmt_area(total)} "
              f"= {_pct(a)}, {_pct(b)} with contested; {_both(lo, hi, a, b, False)} -> {_dev_text(verdict, dev, False)}")
    return dict(verdict=verdict, reason=reason, map_value=round(a, 2), map_value_with_contested=round(b, 2),
                map_unit="percent", tolerance=SHARE_TOLERANCE_PP, tolerance_unit="percentage points",
                region=region.name, region_note=note, statuses="occupied,occupied_before_2022", evidence_dates=[da])


def _check_share_gained(rec, ctx):
    """"Russian forces have seized about 0.6 percent of Ukraine's territory since January": the
    ground the side gained in the other country over the period, as a share of that country's land.
    Compared as areas (the share times the land, ±15%): for shares this small a tolerance in
    percentage points would accept nearly anything."""
    spec, note = place_region(rec.get("place"), "share_gained", rec.get("place_within"))
    if ":" in spec:  # "captured roughly 70% of the town of Kurakhove": what it holds of the town now
        return _check_town_share(rec, ctx)
    side = rec.get("side")
    if spec not in ("RUS", "UKR") or side not in ("russia", "ukraine") or spec == SIDE_COUNTRY[side]:
        raise _Skip(NOT_CHECKABLE, "a share gained is checked for a side's gain as a share of the other country")
    from frontwatch.geo.geodesy import area_km2
    from frontwatch.analysis.measure import MeasureError, change

    d = _claim_date(rec, ctx)
    region = ctx.region(spec)
    total = ctx.memo.setdefault(("landarea", region.key), area_km2(region.geometry))
    if _since_invasion(rec) and side == "russia":
        # "about 7% of Ukraine's territory since February 2022": the occupied status on the day.
        _require_data(d, ctx)
        gained, day = ctx.area(region, ("occupied",), d)
        start, maps = INVASION_DAY, f"occupied (held since the invasion) on {day}"
        what, evidence = "occupied", [day]
    else:
        start = _period(rec, d, None, ctx)
        _require_data(start, ctx)
        try:
            res = change(ctx.store, region, start=start, end=d, statuses=_SIDE_STATUSES[side], source=ctx.source,
                         geometry=False)
        except MeasureError as exc:
            raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
        gained, maps = res["gained_km2"], f"maps {res['from_date']}..{res['to_date']}: gained"
        what, evidence = res["what"], [res["from_date"], res["to_date"]]
    lo, hi = _claim_range(rec)
    share = 100 * gained / total
    verdict, dev = _compare(lo * total / 100, hi * total / 100, gained, gained, AREA_TOLERANCE, True,
                            rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} of {spec} gained by {side} {_claimed_period(rec, start, d)} "
              f"(= {_fmt_area(lo * total / 100)} of {_fmt_area(total)}); {maps} "
              f"{_fmt_area(gained)} = {share:.2f}% -> {_dev_text(verdict, dev, True)}")
    return dict(verdict=verdict, reason=reason, map_value=round(share, 3), map_unit="percent",
                tolerance=AREA_TOLERANCE, tolerance_unit="relative (of the area)", region=region.name,
                region_note=note, statuses=what, evidence_dates=evidence)


def _check_town_share(rec, ctx):
    """"Russian forces control about 80% of Toretsk": the share of the town the side holds on the
    claim's date (measure.side_share). With no town outlines in the store, the town is the disc
    around its gazetteer point whose area holds its population at TOWN_DENSITY (the radius the
    distance check uses), and the tolerance is TOWN_SHARE_TOLERANCE_PP: the disc is a proxy of
    the built-up area, not its outline."""
    from frontwatch.analysis.measure import side_share

    side = rec.get("side")
    if side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    p = re.sub(r"\s+", " ", rec["place"].strip())
    with notices.collect() as ambiguous:
        where = _claim_place(p, rec.get("place_within"))
    if where.population <= 0:
        raise _Skip(NOT_CHECKABLE, f"{where.name}: the gazetteer gives no population, so no size for the town")
    radius = max(math.sqrt(where.population / (math.pi * TOWN_DENSITY)), TOWN_MIN_RADIUS_KM)
    d, snap = _map_of(rec, ctx)
    region = ctx.region(f"{where.lat:.5f},{where.lon:.5f}:{radius:.3f}km")
    sh = side_share(ctx.store.layers(snap.id), side, ctx.borders_or_load(), region.geometry)
    a, b = sh["held_pct"], sh["with_contested_pct"]
    lo, hi = _claim_range(rec)
    verdict, dev = _compare(lo, hi, a, b, TOWN_SHARE_TOLERANCE_PP, False, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} of {p} held by {side} on {d}; maps of {snap.date}: {side} holds "
              f"{sh['held_km2']:.1f} of {sh['region_km2']:.1f} km2 = {_pct(a)} of the town's disc, {_pct(b)} with "
              f"contested; {_both(lo, hi, a, b, False)} -> {_dev_text(verdict, dev, False)}")
    note = (f"{where.label()} ~ a disc of radius {radius:.1f} km around its gazetteer point (its "
            f"{where.population:,} inhabitants at {TOWN_DENSITY:,.0f} per km2): no town outlines in the store")
    return dict(verdict=verdict, reason=reason, map_value=round(a, 2), map_value_with_contested=round(b, 2),
                map_unit="percent", tolerance=TOWN_SHARE_TOLERANCE_PP, tolerance_unit="percentage points",
                region=f"{where.name}:{radius:.1f}km", region_note="; ".join([note, *ambiguous]),
                statuses=",".join(_SIDE_STATUSES[side]), evidence_dates=[snap.date.isoformat()])


def _check_share_of_peak_held(rec, ctx):
    return _check_peak_share(rec, ctx, *_peak_place(rec, "share_held"), held=True)


def _period(rec, d: dt.date, default_days: int | None, ctx=None) -> dt.date:
    """The day whose map is the baseline of a change claimed up to ``d``.

    A named start ("in November", "since August 6", "since the start of October") begins with
    that day, so the baseline is the map of the day before: DeepStateMap draws a day's changes on
    that day's map (published in the evening), and "in November" is the map of 30 November
    against that of 31 October, 30 days. (Taking 1 November's map left that day's gains out:
    694 km2 for Russia in November 2024, over 29 days, where the month gives 724 km2.) A length
    ("over the past week") counts back from ``d``: 7 days before.

    With ``ctx``, where the archive has no map within MAX_GAP_DAYS before that day but has one on
    the named day itself (the monthly maps of 2022-2024 are of the 1st: "in 2024" has no map of
    31 December 2023, but one of 1 January 2024), the named day's map is the baseline.
    """
    start = rec.get("start_date")
    if start:
        named = dt.date.fromisoformat(start) if isinstance(start, str) else start
        start = named - dt.timedelta(days=1)
        if ctx is not None:
            snaps = ctx.snapshots()
            before = [s_ for s_ in snaps if s_.date <= start]
            if not (before and (start - before[-1].date).days <= MAX_GAP_DAYS) and any(s_.date == named for s_ in snaps):
                start = named
    elif rec.get("period_days"):
        start = d - dt.timedelta(days=round(float(rec["period_days"])))
    elif default_days:
        start = d - dt.timedelta(days=default_days)
    else:
        raise _Skip(NOT_CHECKABLE, "the claim gives no start date for the change")
    return start


def _claimed_period(rec, start: dt.date, d: dt.date) -> str:
    """The claim's own period ("2024-11-01..2024-11-30" for "in November"), not the baseline
    map's day (:func:`_period`)."""
    return f"{rec.get('start_date') or start}..{rec.get('date') or d}"


_RETAKE = re.compile(r"\b(?:recaptur\w*|retook|retaken|retak\w*|regain\w*|(?:won|took|taken|win|take)\s+back|"
                     r"push\w*\s+(?:\w+\s+)?out)\b", re.I)


def _capture_country(side: str, sentence: str = "") -> str:
    """Where ``side`` gains ground: the other country, or its own when the sentence retakes."""
    own = SIDE_COUNTRY[side]
    return own if _RETAKE.search(sentence) else ("UKR" if own == "RUS" else "RUS")


def _change_place(rec) -> tuple[str, str]:
    """place_region for a change (area or settlements). A gain whose sentence names no place, or
    only carries one from an earlier sentence (a country, a town or an oblast), is measured where
    the side gains ground (:func:`_capture_country`): "Russian forces have captured about 1,100
    square kilometres since the start of October", after a sentence on Kursk, was measured in RUS
    (2 km2, "overstated by 50521%"); "liberated 27 settlements in November" was not checkable.
    News figures of ground gained are the country's unless they name the place, or say "there"."""
    side, direction = rec.get("side"), rec.get("direction") or "gained"
    sentence = rec.get("sentence") or ""
    gain = direction == "gained" and side in ("russia", "ukraine")
    place = rec.get("place")
    carried = bool(place) and bool(rec.get("place_inferred")) and not _DEICTIC.search(sentence)
    if not gain or (place and not carried):
        return place_region(place, "area_change")
    where = _capture_country(side, sentence)
    verb = "retakes" if where == SIDE_COUNTRY[side] else "captures"
    said = f"the sentence names no place ({place!r} is from an earlier one)" if place else "the claim names no place"
    return where, f"{said}: {side} {verb} ground in {where}"


def _check_area_change(rec, ctx):
    unit = rec.get("unit_normalized")
    if unit not in ("km2", "km2_per_day"):
        raise _Skip(NOT_CHECKABLE, f"area change in {rec.get('unit')!r}, not an area unit")
    from frontwatch.analysis.measure import MeasureError, change

    spec, note = _change_place(rec)
    d = _claim_date(rec, ctx)
    region = ctx.region(spec)
    side, direction = rec.get("side"), rec.get("direction") or "gained"
    if _since_invasion(rec) and unit == "km2" and side in _SINCE_INVASION_STATUS and direction == "gained" and spec == "UKR":
        return _check_gained_since_invasion(rec, ctx, region, note, d)
    start = _period(rec, d, RATE_WINDOW_DAYS if unit == "km2_per_day" else None, ctx)
    _require_data(start, ctx)
    if side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")

    def measured(region):
        try:
            if region.name in ("RUS", "UKR") and region.name != SIDE_COUNTRY[side]:
                # Ground a side takes in the other country: its statuses there.
                res = change(ctx.store, region, start=start, end=d, statuses=_SIDE_STATUSES[side], source=ctx.source,
                             geometry=False)
            else:
                # In its own country ("Russian forces recaptured 350 sq km" in Kursk) or around a town:
                # the side's statuses plus its country's unmapped land, which is where retaken ground goes.
                res = change(ctx.store, region, start=start, end=d, side=side, borders=ctx.borders_or_load(),
                             source=ctx.source, geometry=False)
        except MeasureError as exc:
            raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
        km2 = res["gained_km2"] if direction == "gained" else res["lost_km2"]
        if rec.get("aspect") == "net":  # "holds 4,000 sq km more than it did at the start of the year"
            km2 = res["net_km2"] if direction == "gained" else -res["net_km2"]
        days = max(res["days"], 1)
        if unit == "km2_per_day":
            return res, km2 / days, f"{km2 / days:,.2f} km2/day ({km2:,.0f} km2 over {res['days']} days) in {region.name}"
        return res, km2, f"{_fmt_area(km2)} in {region.name}"

    res, value, shown = measured(region)
    top = value
    town = _DIRECTION.match(rec.get("place") or "")
    if town and ":" in spec:
        # "in the Pokrovsk direction": a sector of the front with no fixed extent, so the band runs
        # from the town's circle to a DIRECTION_RADIUS_KM one.
        _, top, wide = measured(ctx.region(f"{spec.rsplit(':', 1)[0]}:{DIRECTION_RADIUS_KM:g}km"))
        shown = f"{shown}, {wide}"
        note += f"; a direction has no fixed extent: the band runs to a {DIRECTION_RADIUS_KM:g} km circle"
    what = f"net {direction}" if rec.get("aspect") == "net" else direction
    lo, hi = _claim_range(rec)
    verdict, dev = _compare(lo, hi, value, top, AREA_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} {what} by {side} {_claimed_period(rec, start, d)}; maps {res['from_date']}..{res['to_date']}: "
              f"{what} {shown} -> {_dev_text(verdict, dev, True)}")
    out = dict(verdict=verdict, reason=reason, map_value=round(value, 2), map_unit=unit, tolerance=AREA_TOLERANCE,
               tolerance_unit="relative", region=region.name, region_note=note, statuses=res["what"],
               evidence_dates=[res["from_date"], res["to_date"]])
    if top != value:
        out["map_value_wide"] = round(top, 2)
    return out


def _since_invasion(rec) -> bool:
    """Whether the claim runs from the invasion: "since the start of the full-scale invasion"
    (24 February 2022) or "since February 2022" (the archive's maps begin in April 2022)."""
    start = rec.get("start_date") or ""
    return "2022-02-01" <= start <= INVASION_DAY.isoformat()


# What each side holds in Ukraine that it took since the invasion: DeepStateMap's ``occupied``
# (``occupied_before_2022`` is the rest of Russia's) and its "liberated" (``ukraine_held``: ground
# Ukraine retook from Russia after 24 February 2022).
_SINCE_INVASION_STATUS = {"russia": ("occupied", "occupied (held since the invasion)"),
                          "ukraine": ("ukraine_held", "ukraine_held (retaken since the invasion)")}


def _check_gained_since_invasion(rec, ctx, region, note, d):
    """"Russian forces have gained 56,000 square kilometers since the start of the full-scale
    invasion", "Ukraine has regained control of more than 40,000 square kilometres since the start
    of the war": the archive begins after 24 February 2022, but DeepStateMap's statuses record
    exactly that ground (:data:`_SINCE_INVASION_STATUS`), so the gain is that status's area in
    Ukraine on the day (with the grey zone: plus ``contested``)."""
    side = rec.get("side")
    status, label = _SINCE_INVASION_STATUS[side]
    _require_data(d, ctx)
    a, da = ctx.area(region, (status,), d)
    b, _ = ctx.area(region, (status, "contested"), d)
    lo, hi = _claim_range(rec)
    verdict, dev = _compare(lo, hi, a, b, AREA_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} gained by {side} since {INVASION_DAY} (the invasion); maps on {da}: "
              f"{label} {_fmt_area(a)}, {_fmt_area(b)} with contested in {region.name}; "
              f"{_both(lo, hi, a, b, True)} -> {_dev_text(verdict, dev, True)}")
    return dict(verdict=verdict, reason=reason, map_value=round(a, 2), map_value_with_contested=round(b, 2),
                map_unit="km2", tolerance=AREA_TOLERANCE, tolerance_unit="relative", region=region.name,
                region_note=note, statuses=status, evidence_dates=[da])


def advance_rate_m_per_day(store, near: str, radius_km: float, start: dt.date, end: dt.date, side: str,
                           borders, source=None) -> dict | None:
    """Adapter over frontwatch.analysis.front.advance: ``{m_per_day, shift_m_per_day, from_date, to_date,
    region}`` for ``side``'s mean advance within ``radius_km`` of ``near`` between the maps on or
    before ``start`` and ``end``; None when the advance analytics are not installed. Kept apart so
    the check does not depend on front.py's record layout."""
    try:
        from frontwatch.analysis import front
    except ImportError:
        return None
    fn = getattr(front, "advance", None)
    if fn is None:
        return None
    recs = fn(store, near, radius_km, start=start, end=end, borders=borders, source=source)
    r = recs[-1]
    return {"m_per_day": r.get(f"{side}_mean_m_per_day"), "shift_m_per_day": r.get(f"{side}_shift_m_per_day"),
            "from_date": r["from_date"], "to_date": r["to_date"], "region": f"{r['place']}:{radius_km:g}km"}


def _check_advance_rate(rec, ctx):
    unit = rec.get("unit_normalized")
    if unit == "km2_per_day":
        return _check_area_change(rec, ctx)
    if unit != "m_per_day":
        raise _Skip(NOT_CHECKABLE, f"rate in {rec.get('unit')!r}, not a distance per day")
    from frontwatch.analysis.measure import MeasureError

    spec, note = place_region(rec.get("place"), "advance_rate", rec.get("place_within"))
    if spec in ("RUS", "UKR"):
        raise _Skip(NOT_CHECKABLE, f"an advance rate over all of {spec} is not a map measure (give a place near the front)")
    side = rec.get("side")
    if side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    d = _claim_date(rec, ctx)
    start = _period(rec, d, RATE_WINDOW_DAYS, ctx)
    _require_data(start, ctx)
    lo, hi = _claim_range(rec)
    near = spec.rsplit(":", 1)[0]
    results = []
    for radius in RATE_RADII_KM:
        key = ("advance", near, radius, start, d, side)
        if key not in ctx.memo:
            try:
                ctx.memo[key] = advance_rate_m_per_day(ctx.store, near, radius, start, d, side,
                                                       ctx.borders_or_load(), ctx.source)
            except MeasureError as exc:
                raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
        res = ctx.memo[key]
        if res is None:
            raise _Skip(NOT_YET, "not checked: advance analytics unavailable (frontwatch.analysis.front.advance)")
        if res["m_per_day"] is None and not results:
            raise _Skip(NOT_CHECKABLE, f"no front line within {radius:g} km of {near} in {start}..{d}")
        results.append(res)
    main = results[0]
    value = main["m_per_day"]
    shift = main.get("shift_m_per_day")
    # "Advanced 2 km over the past week" is a distance, which reports take where the front moved
    # most: it is set against the band from the mean advance to the largest local shift. A pace
    # ("200-300 m a day") is set against the mean advance alone, and a top pace ("up to 1.5 miles
    # a day") against the band, as the fastest pace is where the front moved most.
    distance = bool(rec.get("period_days")) and shift is not None and shift > value
    banded = distance or (rec.get("qualifier") in _TOP and shift is not None and shift > value)

    def verdict_for(r):
        v, s_ = r["m_per_day"], r.get("shift_m_per_day")
        top = s_ if banded and s_ is not None and s_ > v else v
        return _compare(lo, hi, v, top, RATE_TOLERANCE, True, rec.get("qualifier"))

    verdict, dev = verdict_for(main)

    def alt(r):
        if r["m_per_day"] is None:
            return f"no front within {r['region']}"
        return f"{r['m_per_day']:,.0f} m/day within {r['region']}: {verdict_for(r)[0]}"
    others = "; ".join(alt(r) for r in results[1:])
    claimed = f"{lo:,.0f} m/day" if lo == hi else f"{lo:,.0f}-{hi:,.0f} m/day"
    if distance:
        days = float(rec["period_days"])
        claimed += f" over {days:g} days"
        km = lambda m: f"{m / 1000:,.1f} km" if m >= 1000 else f"{m:,.0f} m"  # noqa: E731
        against = (f"; as distances over {days:g} days: {km(value * days)} mean, "
                   f"{km(shift * days)} at the largest shift; the claim is set against that band")
    elif banded:
        against = "; a top pace is set against the band from the mean to the largest shift"
    else:
        against = ""
    where = rec.get("place") or ""
    where = f"in the {where}" if _DIRECTION.match(where) else f"near {where}"
    reason = (f"claim {_claim_text(rec)} ({claimed}) by {side} {where}; maps "
              f"{main['from_date']}..{main['to_date']}: mean advance {value:,.0f} m/day within {main['region']}"
              + (f" ({others})" if others else "")
              + (f", largest local shift {round(shift):,} m/day" if shift is not None else "")
              + against + f" -> {_dev_text(verdict, dev, True)}")
    out = dict(verdict=verdict, reason=reason, map_value=round(value, 1), map_unit="m_per_day",
               tolerance=RATE_TOLERANCE, tolerance_unit="relative", region=main["region"], region_note=note,
               statuses=side, evidence_dates=[main["from_date"], main["to_date"]],
               map_shift_m_per_day=shift)
    if len(results) > 1:
        out["map_value_alt"] = {r["region"]: r["m_per_day"] for r in results[1:]}
    return out


def _check_settlements(rec, ctx):
    """"Russia captured 5 villages near Pokrovsk last week": gazetteer settlements in the circle
    whose side was not ``side`` at the start of the period and is at its end (``lost``: the
    reverse), through frontwatch.analysis.settlements."""
    try:
        from frontwatch.analysis.settlements import settlement_changes
    except ImportError:
        raise _Skip(NOT_YET, "not checked: settlement analytics unavailable") from None
    from frontwatch.analysis.measure import MeasureError

    side, direction = rec.get("side"), rec.get("direction") or "gained"
    if side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    d = _claim_date(rec, ctx)
    if rec.get("aspect") == "current" and not rec.get("direction"):
        # A count held is where the claim says, not where a side would capture (a change's rule).
        return _check_settlements_held(rec, ctx, *place_region(rec.get("place"), "settlements", rec.get("place_within")), side, d)
    spec, note = _change_place(rec)
    start = _period(rec, d, None, ctx)
    _require_data(start, ctx)
    region = ctx.region(spec)
    try:
        changes = settlement_changes(ctx.store, region, start=start, end=d, borders=ctx.borders_or_load(),
                                     source=ctx.source)
    except MeasureError as exc:
        raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    first, last, names = {}, {}, {}
    for r in changes:
        first.setdefault(r["geonameid"], r["old_side"])
        last[r["geonameid"]] = r["new_side"]
        names[r["geonameid"]] = r["place"]
    if direction == "lost":
        hit = [g for g in first if first[g] == side and last[g] != side]
    else:
        hit = [g for g in first if first[g] != side and last[g] == side]
    count = len(hit)
    # The gazetteer lists places of 500+ inhabitants only: its count is a floor, and a claim
    # above it may count the smaller villages it does not list. Below the floor is understated.
    verdict, dev, tol, outcome = _settlement_verdict(rec, count)
    listed = ", ".join(sorted(names[g] for g in hit)[:8]) + (" ..." if count > 8 else "")
    near = f" near {rec['place']}" if rec.get("place") else ""
    reason = (f"claim {_claim_text(rec)} {direction} by {side}{near} {_claimed_period(rec, start, d)}; maps: {count} "
              f"gazetteer places {direction} in {region.name}" + (f" ({listed})" if listed else "") +
              " (gazetteer lists places of 500+ inhabitants only) -> " + outcome)
    return dict(verdict=verdict, reason=reason, map_value=count, map_unit="settlements", tolerance=tol,
                tolerance_unit="relative", region=region.name, region_note=note, statuses=side,
                evidence_dates=[start.isoformat(), d.isoformat()])


def _settlement_verdict(rec, count: int):
    """(verdict, deviation, outcome text) of a claimed number of settlements against the
    gazetteer's ``count``, a floor: above it is not checkable, below it understated."""
    tol = max(SETTLEMENT_TOLERANCE, 1.0 / max(count, 1))
    lo, hi = _claim_range(rec)
    verdict, dev = _compare(lo, hi, count, count, tol, True, rec.get("qualifier")) if count else \
        ((CONSISTENT, 0.0) if hi <= 1 else (OVERSTATED, None))
    if verdict == OVERSTATED:
        return NOT_CHECKABLE, None, tol, (f"{NOT_CHECKABLE}: the count is a floor, and the claim's others may be "
                                          "villages of fewer than 500 inhabitants, which the gazetteer does not list")
    return verdict, dev, tol, _dev_text(verdict, dev, True)


def _check_settlements_held(rec, ctx, spec, note, side, d):
    """"Ukraine's army still controls around 50 settlements in the Kursk region": the gazetteer
    places ``side`` holds in the region on the day (frontwatch.analysis.settlements.settlements_on)."""
    from frontwatch.analysis.measure import MeasureError
    from frontwatch.analysis.settlements import settlements_on

    _require_data(d, ctx)
    region = ctx.region(spec)
    try:
        recs = settlements_on(ctx.store, region, d, borders=ctx.borders_or_load(), source=ctx.source)
    except MeasureError as exc:
        raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    held = [r["place"] for r in recs if r["side"] == side]
    verdict, dev, tol, outcome = _settlement_verdict(rec, len(held))
    listed = ", ".join(held[:8]) + (" ..." if len(held) > 8 else "")
    reason = (f"claim {_claim_text(rec)} held by {side} in {rec.get('place')} on {d}; maps of {recs[0]['date'] if recs else d}: "
              f"{len(held)} gazetteer places held by {side} in {region.name}" + (f" ({listed}, largest first)" if listed else "")
              + " (gazetteer lists places of 500+ inhabitants only) -> " + outcome)
    return dict(verdict=verdict, reason=reason, map_value=len(held), map_unit="settlements", tolerance=tol,
                tolerance_unit="relative", region=region.name, region_note=note, statuses=side,
                evidence_dates=[recs[0]["date"]] if recs else [d.isoformat()])


def _check_front_length(rec, ctx):
    """"The front line stretches for more than 1,000 km": the front (frontwatch.analysis.front) on the
    claim's date, in the named country (Kursk -> RUS, Ukraine -> UKR) or on the whole map."""
    from frontwatch.analysis.front import front
    from frontwatch.analysis.measure import MeasureError

    if rec.get("unit_normalized") != "m":
        raise _Skip(NOT_CHECKABLE, f"front length in {rec.get('unit')!r}, not a length")
    place = rec.get("place")
    carried = rec.get("place_inferred") and not _DEICTIC.search(rec.get("sentence") or "")
    if carried:
        # "The front line now stretches for 1,200 km." after a paragraph on Kursk is the whole
        # front: a place carried from an earlier sentence ("there" aside) does not narrow it.
        spec, note = "ALL", f"the whole map (the sentence names no place; {place!r} is from an earlier one)"
    else:
        spec, note = ("ALL", "the whole map") if not place else place_region(place, "front_length")
    if ":" in spec:  # "a 10 km stretch of the front near Toretsk" is a unit's sector, not the front
        raise _Skip(NOT_CHECKABLE, f"a length of front near {place} is a sector, not the front's length")
    d = _claim_date(rec, ctx)
    key = ("front", spec, d)
    if key not in ctx.memo:  # several claims of a report about the same front trace it once
        try:
            (ctx.memo[key],) = front(ctx.store, ctx.region(spec), date=d, borders=ctx.borders_or_load(), source=ctx.source)
        except MeasureError as exc:
            raise _Skip(NO_DATA, str(exc).splitlines()[0]) from None
    rep = ctx.memo[key]
    lo, hi = _claim_range(rec)
    lo, hi = lo / 1000.0, hi / 1000.0  # claims are normalised to metres
    verdict, dev = _compare(lo, hi, rep["longest_km"], rep["length_km"], FRONT_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} of front on {d}; maps of {rep['date']}: front line in {spec} "
              f"{rep['length_km']:,.0f} km in all ({rep['components']} pieces), the longest piece "
              f"{rep['longest_km']:,.0f} km -> " + _dev_text(verdict, dev, True))
    return dict(verdict=verdict, reason=reason, map_value=rep["length_km"], map_value_with_contested=None,
                map_unit="km", tolerance=FRONT_TOLERANCE, tolerance_unit="relative", region=spec,
                region_note=note, statuses="russia+contested against ukraine", evidence_dates=[rep["date"]])


def _check_distance(rec, ctx):
    """"Russian troops are less than 3 km from Kurakhove": the geodesic distance from the place's
    gazetteer point to the nearest ground the side holds on the claim's date
    (front.side_distance_km: its statuses and its country's unmapped land), strict and generous
    (with the grey zone, which is nearer or as near)."""
    from frontwatch.analysis.front import side_distance_km

    if rec.get("unit_normalized") != "m":
        raise _Skip(NOT_CHECKABLE, f"distance claim in {rec.get('unit')!r}, not a length")
    place = rec.get("place")
    if not place:
        raise _Skip(NOT_CHECKABLE, "the claim names no place to measure the distance from")
    p = re.sub(r"\s+", " ", place.strip())
    # A distance is from a place: "Kursk" or "Zaporizhzhia" is the city here, not its oblast.
    if _RUSSIA.match(p) or _UKRAINE.match(p):
        raise _Skip(NOT_CHECKABLE, f"{p} is a country: a distance is measured from a place")
    side = rec.get("side")
    to_front = side is None and re.search(r"\bfront", rec.get("sentence") or "", re.I)
    if side not in _SIDE_STATUSES and not to_front:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    # An ambiguous name ("Pokrovsk": also a town in Yakutia, and Engels' old name) goes to the
    # record's region note, not to a warning.
    with notices.collect() as ambiguous:
        where = _claim_place(p, rec.get("place_within"))
    d, snap = _map_of(rec, ctx)
    layers = ctx.store.layers(snap.id)
    borders = ctx.borders_or_load()
    held_by = ""
    if to_front:
        # "Kupiansk is 2.5 miles from the front line": from the side holding the town to the other.
        holder = [s_ for s_ in ("russia", "ukraine") if side_distance_km(layers, s_, borders, where.lon, where.lat) == 0]
        if len(holder) != 1:
            raise _Skip(NOT_CHECKABLE, f"{where.name} is held by neither side on {snap.date} (grey zone): "
                                       "its distance from the front is not defined")
        side = "ukraine" if holder[0] == "russia" else "russia"
        held_by = f", held by {holder[0]}: the front is the nearest {side}-held ground"
    strict = side_distance_km(layers, side, borders, where.lon, where.lat)
    generous = side_distance_km(layers, side, borders, where.lon, where.lat, with_contested=True)
    if generous is None:
        raise _Skip(NOT_CHECKABLE, f"no {side}-held ground within 300 km of {where.name} on {snap.date}")
    strict = generous if strict is None else strict
    radius = math.sqrt(max(where.population, 0) / (math.pi * TOWN_DENSITY))
    edge = max(generous - radius, 0.0)
    lo, hi = _claim_range(rec)
    lo, hi = lo / 1000.0, hi / 1000.0  # claims are normalised to metres
    verdict, dev = _compare(lo, hi, edge, strict, DISTANCE_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} from {where.name} ({side} side{held_by}) on {d}; maps of {snap.date}: nearest "
              f"{side}-held ground {strict:.1f} km from its centre ({where.lat:.3f}, {where.lon:.3f}), "
              f"{generous:.1f} km counting the grey zone, {edge:.1f} km from its edge (radius ~{radius:.1f} km "
              f"for {where.population:,} inhabitants) -> " + _dev_text(verdict, dev, True))
    return dict(verdict=verdict, reason=reason, map_value=round(strict, 2), map_value_with_contested=round(generous, 2),
                map_unit="km", tolerance=DISTANCE_TOLERANCE, tolerance_unit="relative", region=where.name,
                region_note="; ".join([f"distance from the gazetteer point of {where.name}", *ambiguous]), statuses=side,
                evidence_dates=[snap.date.isoformat()])


def _check_depth(rec, ctx):
    """"Ukrainian forces have pushed up to 35 km into Russia": how deep the side's ground reaches
    into the other country on the claim's date (front.depth_km), strict and with the grey zone,
    ±25% as distances. Ukraine's is measured over all its ground in Russia; Russia's, whose holding
    runs from its border to the Dnipro, only within DEPTH_RADIUS_KM of a town the claim names."""
    from frontwatch.analysis.front import depth_km
    from frontwatch.analysis.measure import MeasureError

    if rec.get("unit_normalized") != "m":
        raise _Skip(NOT_CHECKABLE, f"depth claim in {rec.get('unit')!r}, not a length")
    side = rec.get("side")
    if side not in _SIDE_STATUSES:
        raise _Skip(NOT_CHECKABLE, f"side {side or 'unknown'!r}: the maps record Ukrainian and Russian control only")
    within, note = None, f"{side}'s ground in {'RUS' if side == 'ukraine' else 'UKR'}, from {SIDE_COUNTRY[side]}"
    place = rec.get("place")
    if side == "russia":
        spec = place_region(place, "depth", rec.get("place_within"))[0] if place else None
        if not spec or ":" not in spec:
            raise _Skip(NOT_CHECKABLE, "Russia's ground in Ukraine runs from its border to the Dnipro: a depth into "
                                       "Ukraine is measured near a town the claim names")
        region = ctx.region(f"{spec.rsplit(':', 1)[0]}:{DEPTH_RADIUS_KM:g}km")
        within, note = region.geometry, note + f" within {region.name}"
    d, snap = _map_of(rec, ctx)
    try:
        layers, borders = ctx.store.layers(snap.id), ctx.borders_or_load()
        strict = depth_km(layers, side, borders, within=within)
        generous = depth_km(layers, side, borders, within=within, with_contested=True)
    except MeasureError as exc:
        raise _Skip(NOT_CHECKABLE, str(exc)) from None
    if generous is None:
        raise _Skip(NOT_CHECKABLE, f"the maps of {snap.date} show no {side}-held ground there")
    strict = strict or {"km": 0.0, "lon": generous["lon"], "lat": generous["lat"]}
    lo, hi = _claim_range(rec)
    lo, hi = lo / 1000.0, hi / 1000.0
    verdict, dev = _compare(lo, hi, strict["km"], generous["km"], DISTANCE_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} into the other country by {side} on {d}; maps of {snap.date}: its ground "
              f"reaches {strict['km']:.1f} km from {SIDE_COUNTRY[side]} (deepest point {strict['lat']:.3f}, "
              f"{strict['lon']:.3f}), {generous['km']:.1f} km counting the grey zone -> {_dev_text(verdict, dev, True)}")
    return dict(verdict=verdict, reason=reason, map_value=round(strict["km"], 2),
                map_value_with_contested=round(generous["km"], 2), map_unit="km", tolerance=DISTANCE_TOLERANCE,
                tolerance_unit="relative", region="RUS" if side == "ukraine" else region.name, region_note=note,
                statuses=side, evidence_dates=[snap.date.isoformat()])


def _check_grey_zone(rec, ctx):
    """"The grey zone ... covers around 700 square kilometres": the ``contested`` status in the
    claim's place on the day (at its peak for "at its largest"), or on the whole map when the
    sentence names none (DeepStateMap's grey zone runs along the whole front)."""
    if rec.get("unit_normalized") != "km2":
        raise _Skip(NOT_CHECKABLE, f"grey zone in {rec.get('unit')!r}, not an area unit")
    place = rec.get("place")
    spec, note = ("ALL", "the whole map") if not place else place_region(place, "grey_zone")
    d = _claim_date(rec, ctx)
    region = ctx.region(spec)
    lo, hi = _claim_range(rec)
    if rec.get("aspect") == "peak":
        p = ctx.peak(region, ("contested",), d)
        a, evidence = p["peak_km2"], [p["peak_date"]]
        what = f"maps: contested at its largest {_fmt_area(a)} on {p['peak_date']} (up to {d})"
    else:
        a, da = ctx.area(region, ("contested",), d)
        evidence, what = [da], f"maps on {da}: contested {_fmt_area(a)}"
    verdict, dev = _compare(lo, hi, a, a, AREA_TOLERANCE, True, rec.get("qualifier"))
    reason = (f"claim {_claim_text(rec)} ({lo:,.0f} km2) of grey zone; {what} in {region.name} -> "
              f"{_dev_text(verdict, dev, True)}")
    return dict(verdict=verdict, reason=reason, map_value=round(a, 1), map_unit="km2", map_value_sqmi=round(_sqmi(a), 1),
                tolerance=AREA_TOLERANCE, tolerance_unit="relative", region=region.name, region_note=note,
                statuses="contested", evidence_dates=evidence)


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

def _as_record(claim) -> dict:
    if isinstance(claim, Claim):
        return claim.to_record()
    if isinstance(claim, dict):
        return dict(claim)
    raise TypeError(f"a claim is a Claim or its record, not {type(claim).__name__}")


def check_claims(store, claims, borders=None, *, source=None) -> list[dict]:
    """One record per claim: the claim's record plus ``verdict``, ``reason`` and, when compared,
    ``map_value``, ``map_unit``, ``map_value_with_contested``, ``tolerance``, ``tolerance_unit``,
    ``region``, ``evidence_dates``. ``borders``: country borders (default: the store's)."""
    ctx = _Ctx(store, borders, source)
    out = []
    for c in claims:
        rec = _as_record(c)
        fn = _CHECKS.get(rec.get("measure"))
        try:
            if fn is None:
                what = "troop numbers" if rec.get("measure") == "troops" else f"{rec.get('measure')} figures"
                raise _Skip(NOT_CHECKABLE, f"{what} are not on the control maps (recorded, not judged)")
            result = fn(rec, ctx)
        except _Skip as s:
            result = {"verdict": s.verdict, "reason": s.reason, **s.extra}
            if s.verdict == NO_DATA and rec.get("measure") in BRACKET_MEASURES:
                result = _bracketed(rec, ctx, fn) or result
        rec.update({"verdict": None, "reason": None, "map_value": None, "map_unit": None, "tolerance": None,
                    "evidence_dates": []})
        rec.update(result)
        out.append(rec)
    return out


# A claim of what is held (or, of a peak, lost) on a day between two maps further apart than MAX_GAP_DAYS (the shared
# archive is monthly until May 2024) is checked against both maps when they are at most
# MAX_BRACKET_DAYS apart: when both give the same verdict, it is the claim's (an area held moves
# from one map's figure to the other's in between; a month is short next to how slowly it moves);
# when they differ, there is no verdict, and the reason gives both.
BRACKET_MEASURES = ("area_held", "share_held", "share_lost", "grey_zone")
MAX_BRACKET_DAYS = 35


def _bracketed(rec, ctx, fn) -> dict | None:
    """The check of a state claim dated between two maps (see BRACKET_MEASURES), or None."""
    # A share lost is of a state too: what is left on the day of a peak since the start.
    if rec.get("date") is None or (rec.get("start_date") is not None and rec.get("measure") != "share_lost"):
        return None
    d = dt.date.fromisoformat(rec["date"]) if isinstance(rec["date"], str) else rec["date"]
    snaps = ctx.snapshots()
    before = [s_.date for s_ in snaps if s_.date <= d]
    after = [s_.date for s_ in snaps if s_.date > d]
    if not before or not after or (after[0] - before[-1]).days > MAX_BRACKET_DAYS:
        return None
    ends = []
    for day in (before[-1], after[0]):
        try:
            ends.append(fn({**rec, "date": day.isoformat()}, ctx))
        except _Skip:
            return None
    (r1, r2), (d1, d2) = ends, (before[-1], after[0])
    both = f"{d1}: {r1['reason']} | {d2}: {r2['reason']}"
    if r1["verdict"] != r2["verdict"]:
        return {"verdict": NO_DATA, "reason": f"no map within {MAX_GAP_DAYS} days before {d}; the maps on either side "
                                             f"disagree ({d1}: {r1['verdict']}, {d2}: {r2['verdict']}), so no verdict. {both}"}
    out = dict(r1)
    out["reason"] = (f"no map within {MAX_GAP_DAYS} days before {d}: the maps on either side of it, {d1} and {d2}, "
                     f"are both {r1['verdict']}. {both}")
    out["evidence_dates"] = sorted({*r1.get("evidence_dates", []), *r2.get("evidence_dates", [])})
    out["bracket"] = [{"date": d1.isoformat(), "map_value": r1.get("map_value"),
                       "map_value_with_contested": r1.get("map_value_with_contested")},
                      {"date": d2.isoformat(), "map_value": r2.get("map_value"),
                       "map_value_with_contested": r2.get("map_value_with_contested")}]
    return out


def _year_from_archive(store, clean: str, notes: list, source=None) -> dt.date | None:
    """A wire dateline with no year ("KYIV, Nov 28 (Reuters) - ..."): the latest such day up to a
    week after the archive's last map, noted. Choice: the archive, not today's date, because a
    report is checked against the maps it is about (offline, the shared archive ends in 2024); a
    week's grace as for any day after the archive (measure.STALE_DAYS). None without a dateline."""
    from frontwatch.claims import dates as dates_mod
    from frontwatch.analysis.measure import STALE_DAYS

    md = dates_mod.dateline_month_day(clean)
    snaps = store.snapshots(source=source)
    if md is None or not snaps:
        return None
    d = dates_mod.latest_on_or_before(*md, snaps[-1].date + dt.timedelta(days=STALE_DAYS))
    notes.append(f"dated {d}: the dateline gives {d:%d %B} with no year, so the latest {d:%d %B} of the archive "
                 f"(it ends on {snaps[-1].date}) was taken; give --published to set another")
    return d


def check_text(store, text, published=None, borders=None, *, source=None) -> dict:
    """Extract the claims of ``text`` and check them: ``{claims, consistency, published, notes}``.

    ``claims``: check_claims records, each with ``consistency`` (the internal cross-checks it is
    the stated claim of); ``consistency``: claims.consistency records; ``published``: the
    reference date used (ISO) or None; ``notes``: why nothing was found, when so.
    """
    notes = []
    clean, page_date = document_text(text)  # read once: the claims are extracted from the clean text
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
    checked = check_claims(store, claims, borders, source=source)
    cons = consistency(claims)
    for rec in checked:
        rec["consistency"] = [c for c in cons if c["stated"] == rec["id"]]
    return {"claims": checked, "consistency": cons, "published": ref.isoformat() if ref else None, "notes": notes}


# ------------------------------------------------------------------ presentation

def _claim_cell(rec) -> str:
    return _claim_text(rec)


def _map_cell(rec) -> str:
    v, unit = rec.get("map_value"), rec.get("map_unit")
    if v is None:
        return ""
    if unit == "km2":
        s = _fmt_area(v)
        if rec.get("map_value_wide") is not None:
            s += f" to {rec['map_value_wide']:,.0f} km2 (direction)"
        if rec.get("map_value_with_contested") is not None:
            s += f"; {rec['map_value_with_contested']:,.0f} km2 with contested"
        return s
    if unit == "percent":
        s = _pct(v)
        if rec.get("map_value_with_contested") is not None:
            s += f"; {_pct(rec['map_value_with_contested'])} with contested"
        return s
    if unit == "m_per_day":
        s = f"{v:,.0f} m/day"
        for n, alt in (rec.get("map_value_alt") or {}).items():
            s += f"; {alt:,.0f} m/day in {n}" if alt is not None else ""
        return s
    return f"{v:,} {unit}"


def check_rows(checks) -> list[dict]:
    """Flat rows for tables: id, measure, place, date, claim, map, verdict, reason."""
    return [{"id": r.get("id"), "measure": r.get("measure"), "side": r.get("side"), "place": r.get("place"),
             "date": r.get("date"), "claim": _claim_cell(r), "map": _map_cell(r), "verdict": r.get("verdict"),
             "reason": r.get("reason")} for r in checks]


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
        lines += [f"- {'consistent' if c['consistent'] else 'inconsistent'}: {_md(c['explanation'])}" for c in cons]
    return "\n".join(lines) + "\n"
