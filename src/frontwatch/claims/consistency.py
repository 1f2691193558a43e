"""Internal consistency between claims of one text.

Compares claims that can be derived from each other: a stated share lost
("lost over 40%") against the peak and current held areas ("531" then "309
square miles", i.e. 41.8% lost), and a stated area lost against the same pair.
Each comparison is a JSON-ready record naming the claims, the derived value
and whether the stated one (with its qualifier) agrees. May import only the
standard library and frontwatch.claims.*.
"""
from __future__ import annotations

from typing import Any

from frontwatch.claims.extract import Claim

# Relative tolerance for "about"-type qualifiers and for bare figures, which
# reporters round.
APPROX_TOLERANCE = 0.10
BARE_TOLERANCE = 0.05


def agrees(stated: Claim, derived: float) -> bool:
    """Whether ``derived`` (in the stated claim's normalised unit) satisfies the stated figure."""
    if stated.is_range:
        return (stated.low_normalized or 0) <= derived <= (stated.high_normalized or 0)
    value = stated.value_normalized
    if value is None:
        return False
    q = (stated.qualifier or "").lower()
    if q in ("over", "more than", "above", "exceeding", "in excess of", "upwards of", "at least",
             "well over", "just over"):
        return derived >= value * (1 - 0.005)
    if q in ("less than", "fewer than", "under", "below", "up to", "at most", "just under"):
        return derived <= value * (1 + 0.005)
    if q in ("nearly", "almost"):
        return value * (1 - APPROX_TOLERANCE) <= derived <= value * (1 + 0.005)
    tolerance = APPROX_TOLERANCE if q else BARE_TOLERANCE
    return abs(derived - value) <= tolerance * abs(value)


def _held_pairs(claims: list[Claim]) -> list[tuple[Claim, Claim]]:
    """(peak, current) pairs of held areas of the same side and place."""
    held = [c for c in claims if c.measure == "area_held" and c.value_normalized is not None]
    pairs = []
    for peak in held:
        for current in held:
            if peak is current or peak.side != current.side or peak.place != current.place:
                continue
            later = (current.date or 0, current.aspect == "current") > (peak.date or 0, peak.aspect == "current") \
                if peak.date and current.date else current.aspect == "current"
            if peak.aspect == "peak" and current.aspect != "peak" and later \
                    and peak.value_normalized > current.value_normalized:
                pairs.append((peak, current))
    return pairs


def consistency(claims: list[Claim]) -> list[dict[str, Any]]:
    """Records of every internal cross-check between the claims of one text.

    Each record: ``relation``, ``claims`` (ids compared), ``stated`` (id of the
    claim checked), ``stated_text``, ``derived_value``, ``derived_unit``,
    ``consistent`` (bool) and ``explanation``.
    """
    records: list[dict[str, Any]] = []
    for peak, current in _held_pairs(claims):
        lost_km2 = peak.value_normalized - current.value_normalized
        lost_percent = 100.0 * lost_km2 / peak.value_normalized
        for c in claims:
            same_scope = c.side in (None, peak.side) and c.place in (None, peak.place)
            if not same_scope:
                continue
            if c.measure == "share_lost":
                derived, unit = lost_percent, "percent"
            elif c.measure == "area_change" and c.direction == "lost":
                derived, unit = lost_km2, "km2"
            else:
                continue
            ok = agrees(c, derived)
            stated = (f"{c.qualifier + ' ' if c.qualifier else ''}"
                      f"{c.value_normalized if c.value_normalized is not None else f'{c.low_normalized}-{c.high_normalized}'}"
                      f" {unit}")
            records.append({
                "relation": "share_lost_vs_held_areas" if unit == "percent" else "area_lost_vs_held_areas",
                "claims": [c.id, peak.id, current.id],
                "stated": c.id,
                "stated_text": stated,
                "derived_value": round(derived, 2),
                "derived_unit": unit,
                "consistent": ok,
                "explanation": (f"peak {peak.value_normalized:.0f} km2 ({peak.surface}) -> current "
                                f"{current.value_normalized:.0f} km2 ({current.surface}) means "
                                f"{derived:.1f} {unit} lost; stated {stated}: "
                                f"{'consistent' if ok else 'inconsistent'}"),
            })
    return records
