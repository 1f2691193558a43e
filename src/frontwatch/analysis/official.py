"""The map maker's own figures beside frontwatch's: which of DeepStateMap's ``/areas`` figures
mean the same ground as a region's status, and, where the two differ by more than
:data:`TOLERANCE_PCT`, what the map maker counts that frontwatch leaves out on purpose.

Which ground a figure means (:func:`official_by_status`):

- ``ALL`` (the whole map, unclipped): every figure of a status. The four types, plus the
  ``other_territories`` colours whose polygons the map names with a status (#01579b, the ground
  Ukraine holds in Russia; #bdbdbd, the grey zone there, and in 2022 a grey zone in Ukraine).
  From June 2022 each status is within 0.3% of the map maker's figure on every one of the 239
  shared maps of 2022-2024 (tests/realdata/test_official.py).
- ``UKR``: the four types (the map maker's figures of Ukraine) and the colours whose polygons lie
  in UKR. frontwatch's UKR is OSM's land, without reservoirs, lagoons and the coastal sea, which
  the map maker's polygons hold: ours is 1-5% lower, and the records say why.
- ``RUS``: the colours whose polygons lie in RUS (from 8 August 2024, Kursk: #01579b and #bdbdbd).
  The map maker has no figure for the slivers of ``occupied`` along its own border line.
- any other region: no figure means the same ground.

What the map maker counts differently (:func:`explain`): it sums its polygons by colour, where
frontwatch goes by their names and keeps only the theatre. So its figure for a status includes
annotation layers filled in that status's colour (Transnistria, #880e4f, in its pre-2022 figure
until May 2022: 3,534 km2), polygons named with another status but filled in this one's colour
(a 500 km2 "Невідомо точно" polygon filled as occupied on 3 April 2022), and parts of a layer far
outside the theatre (a grey-zone polygon at 14.4N 64.6E, in the Arabian Sea, from February to
November 2023: 25,723 km2 on 2 February, 527 km2 after). The reader records all three per
map (``stats["fills"]``, ``stats["left_out"]``). When adding them to ours (and taking away what we
count that the map maker puts elsewhere) brings the two within :data:`TOLERANCE_PCT`, the record
says what and how much; when nothing known explains a difference, it says that too.
May import: shapely, frontwatch.sources.official, frontwatch.statuses.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from frontwatch.statuses import STATUSES
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.sources import official
else:
    official = lazy_import("frontwatch.sources.official")

__all__ = ["official_by_status", "explain", "compare", "TOLERANCE_PCT"]

# Shapely and the reader of the figures are imported where used: a query on maps without the map
# maker's figures, or answered from the store's cache, loads neither.

TOLERANCE_PCT = 0.3  # how close a figure of the same ground is, from June 2022 (measured: 0.20% at most)
COUNTRY_REGIONS = ("UKR", "RUS")


def official_by_status(rows, stats: dict, region) -> dict:
    """``{status: {"km2", "rows"}}``: of one map's figures (``rows``, as the store keeps them; its
    ``stats``, the reader's record), those that mean the same ground as ``region``'s status (see
    the module docstring); empty for other regions."""
    name = region.name
    if (name != "ALL" and name not in COUNTRY_REGIONS) or not rows:
        return {}

    out: dict = {}
    for r in official.classify_rows(rows, stats.get("fills") if "fills" in stats else None):
        st = r["status"]
        if st not in STATUSES or r.get("km2") is None:
            continue
        if name != "ALL" and not _in_region(r, region):
            continue
        slot = out.setdefault(st, {"km2": 0.0, "rows": []})
        slot["km2"] += float(r["km2"])
        slot["rows"].append(r)
    return out


_PREPARED: dict = {}  # region key -> a prepared copy of its geometry (a country has 100,000s of vertices)


def _in_region(row, region) -> bool:
    if row["where"] is not None:
        return row["where"] == region.name
    if row.get("lon") is None or row.get("lat") is None:
        return False
    import shapely

    g = _PREPARED.get(region.key)
    if g is None:
        g = shapely.from_wkb(shapely.to_wkb(region.geometry))
        shapely.prepare(g)
        if len(_PREPARED) > 16:
            _PREPARED.clear()
        _PREPARED[region.key] = g
    return bool(shapely.intersects_xy(g, row["lon"], row["lat"]))


def _items(stats: dict) -> list[dict]:
    """What the map maker may count differently from frontwatch on one map: each with the status
    frontwatch counts it in (``ours``: None when left out), the one its colour says (``theirs``),
    its area on the ellipsoid (``km2``) and on the map maker's sphere (``km2_sphere``), and
    ``what`` it is, in words."""
    out = []
    for f in stats.get("fills") or ():
        theirs, ours = f.get("fill_status"), f.get("status")
        if theirs is None or f.get("km2") is None or theirs == ours:
            continue
        names = f.get("names") or []
        km2 = f"{f['km2']:,.0f} km2"
        if ours == "annotation":
            what = (f"{names[0]} ({km2}), an annotation layer frontwatch does not count" if len(names) == 1 else
                    f"{len(names)} annotation layers ({', '.join(names[:3])}; {km2}) that frontwatch does not count")
            ours = None
        else:
            label = f"'{names[0]}'" if len(names) == 1 else f"{f.get('features')} polygons"
            what = f"{label} ({km2}), named {ours} but filled in the colour of {theirs} ({f.get('fill')})"
        out.append({"why": "annotation" if ours is None else "fill", "ours": ours, "theirs": theirs, "km2": f["km2"],
                    "km2_sphere": f.get("km2_sphere") or f["km2"], "what": what})
    for p in stats.get("left_out") or ():
        if p.get("why") != "out_of_theatre":
            continue
        at = ""
        if p.get("lat") is not None:
            at = f" at {abs(p['lat']):.1f}{'N' if p['lat'] >= 0 else 'S'} {abs(p['lon']):.1f}{'E' if p['lon'] >= 0 else 'W'}"
        out.append({"why": "out_of_theatre", "ours": None, "theirs": p.get("fill_status") or p.get("status"),
                    "km2": p["km2"], "km2_sphere": p.get("km2_sphere") or p["km2"],
                    "what": f"{p['km2']:,.0f} km2 of its {p.get('status')} layer{at}, far outside the theatre "
                            "frontwatch keeps (lon 20-50, lat 43-57)"})
    return out


def explain(status: str, ours_km2: float, official_km2: float, stats: dict, tolerance_pct: float = TOLERANCE_PCT) -> dict:
    """``{"note", "explained_km2", "explained_diff_pct"}`` for one status whose figure differs from
    ours by more than ``tolerance_pct``: the smallest set of what the map maker counts
    differently (:func:`_items`) that brings the two within ``tolerance_pct``; ``note`` says
    what, or that nothing known explains it (then no ``explained_*``). Empty when within."""
    if not official_km2:
        return {}
    raw = 100 * (ours_km2 - official_km2) / official_km2
    if abs(raw) <= tolerance_pct:
        return {}
    # Each item counts as the map maker measures it (on its sphere, km2_sphere): the part in the
    # Arabian Sea is 25,723 km2 on the ellipsoid and 25,874 on that sphere, at 14.4N.
    items = []
    for it in _items(stats):
        if it["theirs"] == status and it["ours"] != status:
            items.append((it, +it["km2_sphere"]))  # theirs has it, ours has not
        elif it["ours"] == status and it["theirs"] != status:
            items.append((it, -it["km2_sphere"]))  # ours has it, theirs puts it elsewhere
    for k in range(1, len(items) + 1):
        best = None
        for combo in itertools.combinations(items, k):
            adj = sum(d for _, d in combo)
            left = 100 * (ours_km2 + adj - official_km2) / official_km2
            if abs(left) <= tolerance_pct and (best is None or abs(left) < abs(best[1])):
                best = (combo, left, adj)
        if best:
            combo, left, adj = best
            parts = [(f"counts {it['what']}" if d > 0 else f"leaves out {it['what']}, which it counts as {it['theirs']}")
                     + (" (frontwatch goes by the name)" if it["why"] == "fill" else "") for it, d in combo]
            note = f"DeepStateMap's figure {'; and '.join(parts)}. With that, the two differ by {left:+.2f}%"
            return {"note": note, "explained_km2": round(adj, 3), "explained_diff_pct": round(left, 2)}
        if k >= 4:  # a handful of items at most on a map; never a combinatorial search
            break
    return {"note": f"DeepStateMap's figure differs from frontwatch's by {raw:+.2f}%, more than {tolerance_pct:g}%, "
                    "and nothing frontwatch knows of the map explains it"}


REGION_NOTES = {
    "UKR": "UKR is land only (OpenStreetMap's borders); DeepStateMap's figures are of its own polygons, reservoirs, "
           "lagoons and the coastal sea included, so frontwatch's are lower",
    "RUS": "DeepStateMap's figures are of its own polygons, drawn against its own border line, not OpenStreetMap's",
}


def compare(store, snapshot_ids, region, ours: dict) -> dict:
    """``{snapshot_id: {status: {"official_km2", "diff_pct", ["official_note"],
    ["explained_diff_pct"]}}}``: for each map of ``snapshot_ids`` and each status of ``ours[id]``
    (``{status: km2}``, frontwatch's areas in ``region`` on that map), the map maker's figure of
    the same ground, where it has one (regions ALL, UKR and RUS only)."""
    if region.name != "ALL" and region.name not in COUNTRY_REGIONS:
        return {}
    out = {}
    for sid, (rows, stats) in store.official_of(snapshot_ids).items():
        figures = official_by_status(rows, stats, region)
        for st, km2 in ours.get(sid, {}).items():
            fig = figures.get(st)
            if fig is None:
                continue
            off = fig["km2"]
            rec = {"official_km2": round(off, 3), "diff_pct": round(100 * (km2 - off) / off, 2) if off else None}
            if region.name == "ALL":
                ex = explain(st, km2, off, stats)
                if ex:
                    rec["official_note"] = ex["note"]
                    if "explained_diff_pct" in ex:
                        rec["explained_diff_pct"] = ex["explained_diff_pct"]
            elif region.name in REGION_NOTES:
                # What the map maker counts in this figure that lies outside the region or that
                # frontwatch leaves out (Transnistria, the part in the Arabian Sea), then why the
                # rest differs (land only, its own border line).
                counted = [it["what"] for it in _items(stats) if region.name == "UKR" and it["theirs"] == st
                           and it["ours"] != st and it["why"] != "fill"]
                rec["official_note"] = "; ".join([f"DeepStateMap's figure counts {w}" for w in counted]
                                                 + [REGION_NOTES[region.name]])
            out.setdefault(sid, {})[st] = rec
    return out
