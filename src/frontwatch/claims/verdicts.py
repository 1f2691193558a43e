"""Verdicts on claims: the vocabulary, the tolerances, and the one comparison that gives both the
verdict and the words of its reason (so the two can never disagree).

A claim is set against a map figure that may be a band rather than one number:

* ``value``: the figure as measured (the side's own ground, without the grey zone);
* ``band``: the range of equally good readings of the claim's place or measure, when it has no
  fixed extent ("near Kurakhove": a 15 km and a 10 km circle; "the Pokrovsk direction": 15 km to
  50 km; a front's longest piece to its whole length; a distance from a town's centre or its
  edge). Agreeing with any point of the band is agreeing;
* ``grey``: the same figure counting the grey zone (DeepStateMap's contested ground) as the
  side's: a claim that agrees only with it is "consistent with grey zone".

The claim is a point ("about 531 square miles", "18.4%"), a range ("200-300 m a day"), a lower
bound ("over 40%", "at least 1,103 km2") or an upper bound ("less than 3 km", "within ten
kilometres"). "Up to X" and "as much as X" name a top that was reached ("advancing up to 1.5
miles a day": the fastest pace), so they are points; so are "almost/nearly X" and "about X".

Verdicts, in the order they are tried (:func:`judge`):

``consistent``
    A point within the tolerance of the map band, or a range/bound that the band meets.
``consistent with grey zone``
    The same, only once the grey zone is counted (against the band reaching ``grey``).
``roughly consistent``
    A range or bound the map band misses, but by no more than the tolerance ("over 40%" against
    38.4%). A point has no such tier: the tolerance is already what "about" means.
``roughly consistent with grey zone``
    The same, only with the grey zone counted.
``overstated`` / ``understated``
    Above / below every figure by more than the tolerance; the reason gives by how much (of the
    nearest figure).
``not checkable from map data``
    The maps cannot answer it, or the claim's side, place or period is not sure: the reason says
    which. No verdict is better than a verdict on a guess.
``no map data for that date``
    The maps that would answer it are not in the archive: the reason names the nearest ones.

May import: the standard library only.
"""
from __future__ import annotations

import dataclasses

CONSISTENT = "consistent"
CONSISTENT_GREY = "consistent with grey zone"
ROUGHLY = "roughly consistent"
ROUGHLY_GREY = "roughly consistent with grey zone"
OVERSTATED = "overstated"
UNDERSTATED = "understated"
NOT_CHECKABLE = "not checkable from map data"
NO_DATA = "no map data for that date"

AGREEING = (CONSISTENT, CONSISTENT_GREY, ROUGHLY, ROUGHLY_GREY)
JUDGED = AGREEING + (OVERSTATED, UNDERSTATED)
VERDICTS = JUDGED + (NOT_CHECKABLE, NO_DATA)

# The one-word outcome of each verdict, for colours and filters (``outcome`` in a check record).
OUTCOME = {CONSISTENT: "consistent", CONSISTENT_GREY: "consistent", ROUGHLY: "roughly_consistent",
           ROUGHLY_GREY: "roughly_consistent", OVERSTATED: "overstated", UNDERSTATED: "understated",
           NOT_CHECKABLE: "not_checkable", NO_DATA: "no_data"}


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """How far a claim may be from the map figure and still agree: ``amount`` is a fraction of the
    map figure (``relative``) or an absolute amount in the figure's unit (percentage points)."""

    amount: float
    relative: bool
    why: str

    def describe(self) -> str:
        return f"{self.amount * 100:g}%" if self.relative else f"{self.amount:g} pp"

    @property
    def unit(self) -> str:
        return "relative" if self.relative else "percentage points"


# The tolerances, defined once (docs/claims-checking.md gives the reasons at length).
AREA = Tolerance(0.15, True, "the map is a generalised drawing whose grey zone moves from day to day, and the "
                             "claimant's figure is rounded")
SHARE = Tolerance(5.0, False, "a share is a ratio of two such areas")
RATE = Tolerance(0.20, True, "a daily pace over weeks of maps is a mean over a front that moves in bursts")
SETTLEMENTS = Tolerance(0.20, True, "the gazetteer misses hamlets, and reports count differently (or one place)")
FRONT = Tolerance(0.25, True, "a drawn line's length depends on how finely it is drawn")
DISTANCE = Tolerance(0.25, True, "a place is a point in the gazetteer, and the report may mean its edge")
TOWN_SHARE = Tolerance(15.0, False, "a town is a disc standing for its built-up area, not its outline")

_LOWER_BOUND = frozenset({"over", "more than", "above", "exceeding", "in excess of", "upwards of", "at least",
                          "well over", "just over"})
_UPPER_BOUND = frozenset({"less than", "fewer than", "under", "below", "at most", "just under", "within"})


def claim_kind(qualifier: str | None, lo: float, hi: float) -> str:
    """``point``, ``range``, ``over`` (a lower bound) or ``under`` (an upper bound)."""
    q = (qualifier or "").strip().lower()
    if lo != hi:
        return "range"
    if q in _LOWER_BOUND:
        return "over"
    if q in _UPPER_BOUND:
        return "under"
    return "point"


@dataclasses.dataclass(frozen=True)
class Judgement:
    """The outcome of :func:`judge`: the verdict, the signed deviation of the claim from the figure
    it was nearest to (a fraction, or percentage points), which figure that was, and the words."""

    verdict: str
    deviation: float | None
    against: str
    text: str


def _fmt(x: float, unit: str) -> str:
    if unit == "percent":
        return f"{x:.3g}%" if abs(x) < 1 else f"{x:.1f}%"
    if unit in ("km2", "km2_per_day") and abs(x) >= 10:
        return f"{x:,.0f} {unit.replace('_per_day', '/day')}"
    if unit == "m_per_day":
        return f"{x:,.0f} m/day"
    if unit == "settlements":
        return f"{x:,.0f} settlements"
    return f"{x:,.3g} {unit}" if abs(x) < 10 else f"{x:,.1f} {unit}"


def judge(lo: float, hi: float, qualifier: str | None, tol: Tolerance, value: float, *, grey: float | None = None,
          band: tuple[float, float] | None = None, unit: str = "",
          labels: tuple[str, str, str] = ("the map figure", "the band's other end", "the figure with grey zone"),
          ) -> Judgement:
    """The verdict of a claim ``lo``..``hi`` (equal for a point; ``qualifier`` as written) against
    the map figure ``value`` (widened to ``band``, the equally good readings of the place, and to
    ``grey`` with the grey zone), with the tolerance ``tol``; see the module docstring for the
    rule. ``labels`` name the figure, the band's other end and the grey-zone figure in the text.

    >>> judge(40, 40, "over", SHARE, 38.4, grey=39.1, unit="percent").verdict
    'roughly consistent'
    >>> judge(1375, 1375, "about", AREA, 901, grey=1246, unit="km2").text
    'the claim is 10% over the figure with grey zone (1,246 km2), within the 15% tolerance'
    """
    kind = claim_kind(qualifier, lo, hi)
    band = (min(band[0], value), max(band[1], value)) if band is not None else (value, value)
    with_grey = (min(band[0], grey), max(band[1], grey)) if grey is not None else None

    def gap(m_lo: float, m_hi: float) -> tuple[float, float | None, float | None]:
        """(signed gap of the claim from the map range in the figure's unit, its deviation, the
        end of the range it is measured from: None when the claim meets the range)."""
        c_lo = lo if kind != "under" else float("-inf")
        c_hi = hi if kind != "over" else float("inf")
        if c_hi >= m_lo and c_lo <= m_hi:
            return 0.0, 0.0, None
        g, ref = (c_lo - m_hi, m_hi) if c_lo > m_hi else (c_hi - m_lo, m_lo)
        if not tol.relative:
            return g, g, ref
        return g, (g / ref if ref else None), ref

    def within(dev: float | None) -> bool:
        return dev is not None and abs(dev) <= tol.amount + 1e-12

    def figure(x: float) -> str:
        """The name of the figure ``x`` (an end of a range) and its value."""
        label = labels[2] if grey is not None and x == grey and x != value else labels[0] if x == value else labels[1]
        return f"{label} ({_fmt(x, unit)})"

    def met(m_lo, m_hi, is_grey) -> str:
        if m_lo == m_hi:
            return figure(m_lo)
        what = "the map figures with grey zone" if is_grey else "the map band"
        return f"{what} ({_fmt(m_lo, unit)} to {_fmt(m_hi, unit)})"

    def dev_words(dev: float | None) -> str:
        if dev is None:
            return "off"
        amount = f"{abs(dev) * 100:.0f}%" if tol.relative else f"{abs(dev):.1f} pp"
        return f"{amount} {'over' if dev > 0 else 'under'}"

    tiers = [(band, False)]
    if with_grey is not None and with_grey != band:
        tiers.append((with_grey, True))
    claim_words = {"point": "the claim", "range": "the claimed range", "over": "the claimed lower bound",
                   "under": "the claimed upper bound"}[kind]
    # 1. Agreement: a point within tolerance, a range or bound met.
    for (m_lo, m_hi), is_grey in tiers:
        _, dev, ref = gap(m_lo, m_hi)
        if (within(dev) if kind == "point" else ref is None):
            verdict = CONSISTENT_GREY if is_grey else CONSISTENT
            if ref is not None and dev:
                text = f"{claim_words} is {dev_words(dev)} {figure(ref)}, within the {tol.describe()} tolerance"
            else:
                text = f"{claim_words} {'matches' if kind == 'point' else 'is met by'} {met(m_lo, m_hi, is_grey)}"
            return Judgement(verdict, dev, labels[2] if is_grey else labels[0], text)
    # 2. A range or bound missed by no more than the tolerance.
    if kind != "point":
        for (m_lo, m_hi), is_grey in tiers:
            _, dev, ref = gap(m_lo, m_hi)
            if within(dev):
                return Judgement(ROUGHLY_GREY if is_grey else ROUGHLY, dev, labels[2] if is_grey else labels[0],
                                 f"{claim_words} is {dev_words(dev)} {figure(ref)}, within the {tol.describe()} "
                                 "tolerance but not met")
    # 3. Beyond every figure: by how much, from the nearest.
    (m_lo, m_hi), is_grey = tiers[-1]
    g, dev, ref = gap(m_lo, m_hi)
    verdict = OVERSTATED if g > 0 else UNDERSTATED
    text = f"{claim_words} is {dev_words(dev)} {figure(ref)}, beyond the {tol.describe()} tolerance"
    return Judgement(verdict, dev, labels[2] if is_grey and ref == grey else labels[0], text)
