"""Who held which settlement, and when it changed hands: every gazetteer settlement inside a region
gets, per snapshot, the status of the layer it stands in and the side that holds it. Pure
functions; nothing here prints. May import: numpy, shapely, pandas, rapidfuzz, frontwatch.analysis.measure,
frontwatch.geo.places, frontwatch.statuses.

``status`` is the layer's status (occupied, occupied_before_2022, ukraine_held, contested), or
None when no layer covers the place; ``side`` is ``russia`` for occupied / occupied_before_2022,
``ukraine`` for ukraine_held, None for contested (the grey zone belongs to neither), and for a
place on no layer the side whose country it lies in (RUS land -> russia, UKR land -> ukraine,
elsewhere None). So a Kursk village before August 2024 is ``status=None, side=russia``, and
under Ukrainian control ``status=ukraine_held, side=ukraine``. Where layers overlap the Russian
statuses win, then contested, as in the fronts. A change is any difference in (status, side)
between consecutive snapshots; its date is the first snapshot showing the new state. Every
place is tested against each layer at once (``shapely.intersects_xy`` on a prepared polygon),
never one place at a time.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import shapely

from frontwatch import notices
from frontwatch.analysis.measure import MeasureError, period_maps, select_snapshots, snapshot_on
from frontwatch.geo.names import fold, normalise_name
from frontwatch.lazy import lazy_import
from frontwatch.statuses import CONTESTED, OCCUPIED, OCCUPIED_BEFORE_2022, RUSSIA, UKRAINE, UKRAINE_HELD

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.geo import places
else:
    places = lazy_import("frontwatch.geo.places")

pd = lazy_import("pandas")
fuzz = lazy_import("rapidfuzz.fuzz")

__all__ = ["settlements_on", "settlement_changes", "summarise_changes", "cross_check", "stored_notes",
           "note_claims", "located_by_notes", "statuses_of", "status_codes", "country_sides"]

# Later entries win where layers overlap.
_ORDER = (UKRAINE_HELD, CONTESTED, OCCUPIED_BEFORE_2022, OCCUPIED)
_CODES = (None,) + _ORDER  # code 0 = no layer
_SIDE_OF_STATUS = {OCCUPIED: RUSSIA, OCCUPIED_BEFORE_2022: RUSSIA, UKRAINE_HELD: UKRAINE, CONTESTED: None}


def _prepared(g):
    g = shapely.from_wkb(shapely.to_wkb(g))
    shapely.prepare(g)
    return g


def country_sides(lon, lat, borders) -> np.ndarray:
    """The side whose country each point lies in (``russia``/``ukraine``/None), as an object array."""
    out = np.full(len(lon), None, dtype=object)
    for iso, side in (("RUS", RUSSIA), ("UKR", UKRAINE)):  # UKR last: Crimea is in UKR only
        g = borders.get(iso)
        if g is not None and len(lon):
            out[shapely.intersects_xy(_prepared(g), lon, lat)] = side
    return out


def _home_sides(df, borders) -> np.ndarray:
    """The side of each place's country: from the borders, or, for a point just off the land (a
    village whose gazetteer point lies in a reservoir), from the place's own country code."""
    lon, lat = df["lon"].to_numpy(float), df["lat"].to_numpy(float)
    home = country_sides(lon, lat, borders)
    by_code = {"UA": UKRAINE, "RU": RUSSIA}
    for j in np.flatnonzero(home == None):  # noqa: E711 - an object array
        home[j] = by_code.get(df["country"].iat[j])
    return home


def status_codes(layers: dict, lon, lat) -> np.ndarray:
    """Per point, the index in ``(None,) + _ORDER`` of the status of the layer it stands in."""
    code = np.zeros(len(lon), dtype=np.int8)
    for i, st in enumerate(_ORDER, start=1):
        g = layers.get(st)
        if g is None or g.is_empty or not len(lon):
            continue
        x0, y0, x1, y1 = g.bounds
        cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
        if cand.size:
            code[cand[shapely.intersects_xy(_prepared(g), lon[cand], lat[cand])]] = i
    return code


def statuses_of(layers: dict, lon, lat, home_side) -> tuple[list, list]:
    """(status list, side list) of points, given each point's country side ``home_side``."""
    code = status_codes(layers, lon, lat)
    status = [_CODES[c] for c in code]
    side = [_SIDE_OF_STATUS[s] if s is not None else h for s, h in zip(status, home_side)]
    return status, side


_SIDE_OF_CODE = np.array([0, 2, 0, 1, 1], dtype=np.int8)  # per code: None, ukraine_held, contested, obf, occupied
_SIDE_CODE = {None: 0, RUSSIA: 1, UKRAINE: 2}

# Land-only regions leave out the villages whose gazetteer point lies in a reservoir by the shore.
SHORE_KM = 1.0
_ALPHA2 = {"UKR": "UA", "RUS": "RU"}


def _places(region, notes=None):
    cc = _ALPHA2.get(region.country or "")
    df = places.settlements_in(region.geometry, country=cc, admin1=tuple(region.units), shore_km=SHORE_KM if cc else 0.0)
    # A list of cities500's towns only is a floor: one line says so, and how to get every village.
    note = places.coverage_note(tuple(c for c in ("UA", "RU") if c in set(df["country"])))
    if note:
        notices.warn(note, places.GazetteerNotice, stacklevel=3)
    if df.empty:
        raise MeasureError(f"no gazetteer settlement inside {region.name}")
    df = df.drop(columns="geometry").reset_index(drop=True)
    df["point_from"] = "gazetteer"
    return located_by_notes(df, notes, region) if notes else df


# A note's link and the gazetteer place it names: within this distance, names this alike.
NOTE_MATCH_KM = 2.0
NAME_ALIKE = 75.0  # rapidfuzz ratio of the folded names (Novopusynka/Novopustynka, Dalne/Dal'nye)


def located_by_notes(df, notes, region=None):
    """The places with the map maker's own point where a note says they changed hands.

    A note that says a place was captured or liberated links it at the point where the map maker
    drew the change (``#14/lat/lon``); the gazetteer's point of the same village may be a
    kilometre away, on the side the front reached first. So the gazetteer place within
    :data:`NOTE_MATCH_KM` of such a link whose name is most like the note's (rapidfuzz ratio of
    the folded names at least :data:`NAME_ALIKE`; the nearest of equals) takes the link's
    point, the earliest note first; a linked place the gazetteer has not (a new name, a district
    linked under the town's name) is added with the note's name and point (``population`` 0, the
    nearest place's country and oblast, a negative ``geonameid`` made from the map's id).
    ``point_from`` says which: ``gazetteer`` or ``note``. Only notes that say a place changed
    hands count: the links of "advanced near X" point at the advance, not at X (taken as the
    place's point they date 57 of the 99 captures of June-December 2024 within 3 days of the
    note, against 76 for the gazetteer's points; docs/places-and-regions.md).
    """
    import datetime as dt

    claims = []
    for n in notes:
        d = _get(n, "date")
        d = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])
        for i, c in enumerate(note_claims(n)):
            if c["says"] is not None:
                claims.append((d, _get(n, "map_id") or 0, i, c))
    if not claims:
        return df
    claims.sort(key=lambda t: (t[0], t[1], t[2]))
    clat = np.array([c["lat"] for *_, c in claims])
    clon = np.array([c["lon"] for *_, c in claims])
    if region is not None:
        g = _prepared(region.geometry)
        keep = shapely.intersects_xy(g, clon, clat)
        if region.country is not None:  # a land region: a link in a reservoir by its shore counts
            keep |= shapely.dwithin(g, shapely.points(clon, clat), SHORE_KM / 111.2)
        claims = [c for c, k in zip(claims, keep) if k]
    df = df.copy()
    lat, lon = df["lat"].to_numpy(float).copy(), df["lon"].to_numpy(float).copy()
    keys = [fold(normalise_name(str(x))) for x in df["name"]]
    moved = np.zeros(len(df), dtype=bool)
    added, seen = [], []
    for d, map_id, i, c in claims:
        km = _km(c["lat"], c["lon"], df["lat"].to_numpy(float), df["lon"].to_numpy(float))
        near = np.flatnonzero(km <= NOTE_MATCH_KM)
        key = fold(normalise_name(c["name"]))
        alike = [(fuzz.ratio(key, keys[j]), -km[j], j) for j in near]
        alike = [t for t in alike if t[0] >= NAME_ALIKE]
        if alike:
            j = max(alike)[2]
            if not moved[j]:
                moved[j] = True
                lat[j], lon[j] = c["lat"], c["lon"]
            continue
        if any(k == key and _km(c["lat"], c["lon"], la, lo) <= NOTE_MATCH_KM for k, la, lo in seen):
            continue  # the same unlisted place, named again by a later note
        seen.append((key, c["lat"], c["lon"]))
        j = int(np.argmin(km)) if len(km) else None
        ref = df.iloc[j] if j is not None else {}
        added.append({"geonameid": -(int(map_id) * 100 + i), "name": c["name"], "country": ref.get("country", ""),
                      "admin1": ref.get("admin1", ""), "oblast": ref.get("oblast", ""), "population": 0,
                      "lat": c["lat"], "lon": c["lon"], "point_from": "note"})
    df["lat"], df["lon"] = lat, lon
    df.loc[moved, "point_from"] = "note"
    if added:
        df = pd.concat([df, pd.DataFrame(added)], ignore_index=True)
    return df


def _base(row) -> dict:
    return {"place": row["name"], "country": row["country"], "oblast": row.get("oblast") or "",
            "admin1": row.get("admin1") or "", "population": int(row["population"]),
            "lat": round(float(row["lat"]), 5), "lon": round(float(row["lon"]), 5), "geonameid": int(row["geonameid"]),
            "point_from": row.get("point_from") or "gazetteer"}


def settlements_on(store, region, date=None, *, borders, source=None) -> list[dict]:
    """Status and side of every settlement of the gazetteer inside ``region`` on one map.

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region
        Where to look.
    date : datetime.date, optional
        The day: its last map (default: the latest map).
    borders : dict
        Country borders ``{iso_a3: geometry}``: a place no layer covers is on its country's side.
    source : str, optional
        Whose maps (default: the store's default source).

    Returns
    -------
    list of dict
        Largest population first: ``date`` (the map's), ``place``, ``country``, ``oblast``,
        ``admin1``, ``population``, ``lat``/``lon`` (degrees), ``geonameid``, ``point_from``,
        ``status`` (None: no layer) and ``side``.

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> recs = settlements_on(store, resolve_region("RUS", borders), dt.date(2024, 8, 15), borders=borders)
    >>> sorted({(r["status"] or "no layer", r["side"]) for r in recs})
    [('no layer', 'russia'), ('ukraine_held', 'ukraine')]
    >>> store.close()
    """
    s = snapshot_on(store, date, source=source) if date else select_snapshots(store, source=source)[-1]
    df = _places(region)
    lon, lat = df["lon"].to_numpy(float), df["lat"].to_numpy(float)
    status, side = statuses_of(store.layers(s.id), lon, lat, _home_sides(df, borders))
    out = []
    for (_, row), st, sd in zip(df.iterrows(), status, side):
        out.append({"date": s.date.isoformat(), **_base(row), "status": st, "side": sd})
    return out


def settlement_changes(store, region, *, start=None, end=None, borders, source=None, side=None,
                       notes=None) -> list[dict]:
    """Every change of hands of a settlement inside ``region`` between ``start`` and ``end``.

    The baseline is the state at the start of ``start`` (a date: the last map before it, by the
    rule of every period, :func:`frontwatch.analysis.measure.period_maps`; a datetime: the map at or
    before it), so a change on the first day counts; then every map in the window.

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region
        Where to look.
    start, end : datetime.date, optional
        The period (open at either end when None).
    borders : dict
        Country borders ``{iso_a3: geometry}``: a place no layer covers is on its country's side.
    source : str, optional
        Whose maps (default: the store's default source).
    side : {"russia", "ukraine"}, optional
        Only the changes that put a place on that side.
    notes : list, optional
        The map maker's notes (as :func:`cross_check` reads them): a place a note says changed hands
        is read at the note's link, the map maker's own point for it, rather than at the
        gazetteer's (:func:`located_by_notes`; ``point_from`` says which).

    Returns
    -------
    list of dict
        Sorted by date, then by population (largest first): ``date`` (the first map showing the new
        state) and ``taken_at``, the place (``place``, ``country``, ``oblast``, ``population``,
        ``lat``/``lon`` in degrees...), ``old_status``/``new_status``, ``old_side``/``new_side``
        and ``snapshot_id``.

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> recs = settlement_changes(store, resolve_region("RUS", borders), start=dt.date(2024, 8, 2),
    ...                           end=dt.date(2024, 8, 15), borders=borders, side="ukraine")
    >>> len(recs) > 0, {(r["old_side"], r["new_side"], r["date"]) for r in recs}
    (True, {('russia', 'ukraine', '2024-08-15')})
    >>> store.close()
    """
    if side is not None and side not in (RUSSIA, UKRAINE):
        raise MeasureError(f"unknown side {side!r}; use {RUSSIA} or {UKRAINE}")
    snaps = select_snapshots(store, start=start, end=end, source=source)
    if start is not None:
        try:
            base = period_maps(store, start, start if end is None else end, source=source)[0]
            if base.id != snaps[0].id:
                snaps = [base] + snaps
        except MeasureError:
            pass  # the window starts before the archive: its first snapshot is the baseline
    df = _places(region, notes)
    lon, lat = df["lon"].to_numpy(float), df["lat"].to_numpy(float)
    home = _home_sides(df, borders)
    home_code = np.array([_SIDE_CODE[h] for h in home], dtype=np.int8)
    hashes = store.all_layer_hashes([s.id for s in snaps])
    memo = {}
    codes = np.zeros((len(snaps), len(df)), dtype=np.int8)
    for i, s in enumerate(snaps):
        key = tuple(sorted(hashes[s.id].items()))
        if key not in memo:  # unchanged maps (same layer content) are classified once
            memo[key] = status_codes({st: store.geometry(h) for st, h in hashes[s.id].items()}, lon, lat)
        codes[i] = memo[key]
    # Side per snapshot from the code (layer) or, with no layer, the country.
    sides = np.where(codes == 0, home_code[None, :], _SIDE_OF_CODE[codes])
    state = codes.astype(np.int16) * 4 + sides
    changed = np.argwhere(state[1:] != state[:-1])  # (snapshot index - 1, place index)
    side_name = (None, RUSSIA, UKRAINE)
    rows = df.reset_index(drop=True)
    out = []
    for k, j in changed:
        i = k + 1
        if side is not None and side_name[sides[i, j]] != side:
            continue
        row = rows.iloc[j]
        out.append({"date": snaps[i].date.isoformat(), "taken_at": snaps[i].taken_at.isoformat(), **_base(row),
                    "old_status": _CODES[codes[i - 1, j]], "new_status": _CODES[codes[i, j]],
                    "old_side": side_name[sides[i - 1, j]], "new_side": side_name[sides[i, j]],
                    "snapshot_id": snaps[i].id})
    out.sort(key=lambda r: (r["date"], -r["population"], r["place"]))
    return out


def summarise_changes(changes: list[dict]) -> dict:
    """Counts: changes, places that changed, and places whose side differs between first and last."""
    first, last = {}, {}
    for r in changes:
        first.setdefault(r["geonameid"], r["old_side"])
        last[r["geonameid"]] = r["new_side"]
    return {"changes": len(changes), "places": len(first),
            "places_changed_side": sum(1 for g in first if first[g] != last[g])}


# ------------------------------------------------------------------ the map maker's notes
# A note is what the map maker wrote under one map ("The enemy captured Serhiivka and advanced near
# ..."), each settlement a link with its coordinates. The notes come from the store (the live
# source's parser, ``store.notes(start=, end=)``); this module needs of each only: ``map_id`` (the
# map's unix time, DeepStateMap's id), ``date`` (its UTC day), ``text`` (plain text, the links
# replaced by their names) and ``places`` (each with ``name``, ``lat``, ``lon``), as attributes or
# keys. What a note *says* of a place is read from the verb that governs its name.

# Verbs that say a place changed hands, to which side; and verbs that say something else of the
# places after them (an advance near, fighting in), which end the reach of the verbs before.
_TAKEN = (
    (RUSSIA, r"captured|occupied|occupation of|took control of|seized|окупува\w*|захопи\w*|оволоді\w*|окупац\w+"),
    (UKRAINE, r"liberated|regained control of|drove the enemy out of|drove (?:the )?russians? out of|cleared|"
              r"completed the clearing of|звільни\w*|звільнен\w*|відвоюва\w*|вибили"),
)
_OTHER = (r"advanced|advance|pushed back|pushing back|push back|regained (?:their |the )?positions?|fighting|fight|"
          r"clarified|continues|success|successful|battle|stabiliz\w+|retreated|withdrew|driven back|drove back|"
          r"sabotage|not allowed|area|assaults?|attacks?|attacking|storming|"
          r"просуну\w*|просування|бої|тривають|уточнено|відтісни\w*|штурм\w*|атак\w*")
_VERBS = re.compile(r"\b(?:(?P<ru>" + _TAKEN[0][1] + r")|(?P<ua>" + _TAKEN[1][1] + r")|(?P<other>" + _OTHER + r"))\b",
                    re.IGNORECASE)


MIN_PLACE_ZOOM = 12  # a link to a settlement is zoomed in (13-16); a region's is not (8-10)


def _get(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def note_claims(note) -> list[dict]:
    """What ``note`` says of each place it links: ``[{name, lat, lon, says}]``, ``says`` =
    ``russia`` (captured, occupied), ``ukraine`` (liberated, regained control of) or None (an
    advance near it, fighting in it, the line clarified). A name is governed by the last verb
    before it in its sentence."""
    text = _get(note, "text") or ""
    out = []
    # Where each place's name stands: searched in order, each search starting after the last.
    pos = 0
    for p in _get(note, "places") or ():
        name = str(_get(p, "name") or "")
        i = text.find(name, pos) if name else -1
        if i < 0:
            i = text.find(name) if name else -1
        says = None
        if i >= 0:
            pos = i + len(name)
            start = max(text.rfind(". ", 0, i), text.rfind("! ", 0, i), -1) + 1
            verbs = list(_VERBS.finditer(text, start, i))
            if verbs:
                last = verbs[-1]
                says = RUSSIA if last.group("ru") else UKRAINE if last.group("ua") else None
        lat, lon, zoom = _get(p, "lat"), _get(p, "lon"), _get(p, "zoom")
        if lat is None or lon is None or (zoom is not None and float(zoom) < MIN_PLACE_ZOOM):
            continue  # a place known by the site's id only, or a region ("the Kursk region", zoom 8-10)
        out.append({"name": name, "lat": float(lat), "lon": float(lon), "says": says})
    return out


def _km(lat0, lon0, lat1, lon1):
    """Distance in km, equirectangular: exact enough to tell 2 km from 5 (no geodesy needed)."""
    dy = (np.asarray(lat1) - lat0) * 111.2
    dx = (np.asarray(lon1) - lon0) * 111.2 * np.cos(np.radians(lat0))
    return np.hypot(dx, dy)


def cross_check(changes: list[dict], notes, *, region=None, days: int = 3, within_km: float = 2.0,
                start=None, end=None) -> list[dict]:
    """The changes with the map maker's words beside them, and what the notes and the polygons
    disagree on.

    Each change gets ``note`` (the text of the note of the map that first shows it, or of a note up
    to ``days`` away, that links a place within ``within_km`` of it), ``note_date`` and ``note_says``
    (the side that note says took it), and ``flag``: ``map only`` when the place went to a side and
    no note within ``days`` says so. Then, for each place a note says changed hands (inside
    ``region`` when given, of a day from ``start`` to ``end`` when given: the notes may reach
    ``days`` beyond the window, to be found beside its changes) that no change of a settlement
    within ``within_km`` to that side confirms within ``days``, a record with ``flag`` = ``note
    only`` (``place`` the note's name, ``date`` the note's day). Only a change of side (not into or
    out of the grey zone) is flagged as map only."""
    import datetime as dt

    claims = []
    for n in notes or ():
        d = _get(n, "date")
        d = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])
        for c in note_claims(n):
            claims.append({**c, "date": d, "map_id": _get(n, "map_id"), "text": _get(n, "text") or ""})
    if claims:
        clat = np.array([c["lat"] for c in claims])
        clon = np.array([c["lon"] for c in claims])
        cday = np.array([c["date"].toordinal() for c in claims])
    out = []
    confirmed = np.zeros(len(claims), dtype=bool)
    for r in changes:
        rec = dict(r)
        rec.update(note=None, note_date=None, note_says=None, flag=None)
        if claims:
            day = dt.date.fromisoformat(r["date"]).toordinal()
            near = np.flatnonzero((np.abs(cday - day) <= days) & (_km(r["lat"], r["lon"], clat, clon) <= within_km))
            if near.size:
                # The note of this very map first, then the closest in time.
                mid = _map_id(r)
                near = sorted(near, key=lambda k: (claims[k]["map_id"] != mid, abs(cday[k] - day)))
                agree = [k for k in near if claims[k]["says"] == r["new_side"]]
                best = agree[0] if agree else near[0]
                rec.update(note=claims[best]["text"], note_date=claims[best]["date"].isoformat(),
                           note_says=claims[best]["says"])
                confirmed[agree] = True
        if r["new_side"] is not None and r["old_side"] != r["new_side"] and rec["note_says"] != r["new_side"]:
            rec["flag"] = "map only"
        out.append(rec)
    inside = None
    if region is not None and claims:
        g = shapely.from_wkb(shapely.to_wkb(region.geometry))
        shapely.prepare(g)
        inside = shapely.intersects_xy(g, clon, clat)
    seen = set()
    for k, c in enumerate(claims):
        if c["says"] is None or confirmed[k] or (inside is not None and not inside[k]):
            continue
        if (start is not None and c["date"] < _day(start)) or (end is not None and c["date"] > _day(end)):
            continue
        key = (c["name"], c["says"], c["date"])
        if key in seen:
            continue
        seen.add(key)
        out.append({"date": c["date"].isoformat(), "place": c["name"], "lat": round(c["lat"], 5),
                    "lon": round(c["lon"], 5), "new_side": c["says"], "note": c["text"],
                    "note_date": c["date"].isoformat(), "note_says": c["says"], "flag": "note only",
                    "point_from": "note"})
    out.sort(key=lambda r: (r["date"], -(r.get("population") or 0), r["place"]))
    return out


def _day(d):
    import datetime as dt

    return d.date() if isinstance(d, dt.datetime) else d


def _map_id(rec):
    import datetime as dt

    t = rec.get("taken_at")
    return int(dt.datetime.fromisoformat(t).timestamp()) if t else None


def stored_notes(store, start=None, end=None, days: int = 3):
    """The map maker's notes of the window (widened by ``days`` each way) from the store, or None
    when the store keeps no notes (``store.notes(start=, end=)``, written by the live source)."""
    import datetime as dt

    fetch = getattr(store, "notes", None)
    if fetch is None:
        return None
    pad = dt.timedelta(days=days)
    try:
        notes = fetch(start=start - pad if start else None, end=end + pad if end else None)
    except Exception:  # noqa: BLE001 - a store layout without notes: no cross-check, not a failure
        return None
    return list(notes) if notes else None
