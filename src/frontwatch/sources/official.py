"""The map maker's own area figures: DeepStateMap's ``/api/history/{id}/areas``.

A body is a list of ``{"hash", "area" (km2), "percent" (a string: share of Ukraine), "type"}``.
The recorded figures of the 1,143 maps of 2022-2024 (``../shared/data/deepstate/api/
areas-2022-2024.json``) show how to read them. There is one row per type, whose ``hash`` is the
type's colour: ``occupied_after_24_02_2022`` (#a52714), ``occupied_to_24_02_2022`` (#880e4f),
``liberated`` (#0f9d58), ``unspecified`` (#bcaaa4), each ground in Ukraine; and one
``other_territories`` row per other fill colour on the map, told apart only by ``hash``. On the
maps of the Kursk incursion (from 8 August 2024) #01579b is the ground Ukraine holds in Russia
and #bdbdbd the grey zone there; #ff5252 is always the annotation layers (Transnistria, Karelia,
the Kurils...). But a colour is not a place: in 2022 and 2023 #bdbdbd filled grey zones inside
Ukraine (57.9 km2 of them on 1 July 2022), and #757575, #0097a7, #ce93d8, #fbc02d each appear on
a few maps. So a row's status and ground are read from the map itself where it is known: the
reader records, for every colour that is not its status's main one, the status its polygons are
named with and a point where they lie (``stats["fills"]``, :mod:`frontwatch.sources.deepstate`);
:func:`classify_rows` uses that, and falls back to the colours above only for a map stored
without that record. Which country a point lies in is for the analytics to say (borders are not
a source's business): a row says ``where`` = ``UKR`` (the four types) or gives ``lon``/``lat``.

The module also reads recorded ``/areas`` bodies for ``frontwatch ingest``: the tracker's
``{"<map id>": [rows]}`` file, or one body per file named after its map (``1732311864.json``,
``1732311864-areas.json``, ``areas/1732311864.json``). Nothing here prints or touches the store.
May import: the standard library, frontwatch.sources.base, frontwatch.sources.notes (file
reading), frontwatch.statuses.
"""
from __future__ import annotations

import re

from frontwatch.sources.base import SourceError
from frontwatch.sources.notes import head_text, load_json_file
from frontwatch.statuses import CONTESTED, OCCUPIED, OCCUPIED_BEFORE_2022, STATUSES, UKRAINE_HELD

# The map maker's four types of ground in Ukraine, and our statuses.
OFFICIAL_TYPES = {
    "occupied_after_24_02_2022": OCCUPIED,
    "occupied_to_24_02_2022": OCCUPIED_BEFORE_2022,
    "liberated": UKRAINE_HELD,
    "unspecified": CONTESTED,
}
OTHER = "other_territories"
# What an other_territories colour meant on the maps of the Kursk incursion, for a map stored
# without the reader's record of its colours: (status, country) or (None, None) for annotations.
OTHER_HASHES = {
    "#01579b": (UKRAINE_HELD, "RUS"),
    "#bdbdbd": (CONTESTED, "RUS"),
    "#ff5252": (None, None),
}


def parse_areas(doc, origin="areas") -> list[dict]:
    """The map maker's figures from an ``/areas`` body, as store records (``type``, ``status``,
    ``hash``, ``area`` km2, ``percent`` string). ``status`` is the type's status, or for an
    ``other_territories`` row the status :data:`OTHER_HASHES` gives its colour (refined per map
    by :func:`classify_rows`). SourceError when the body holds no figure."""
    if isinstance(doc, dict):
        doc = doc.get("areas", doc.get("data"))
    if not isinstance(doc, list):
        raise SourceError(origin, "expected a JSON list of areas")
    out = []
    for item in doc:
        if not isinstance(item, dict):
            continue
        try:
            km2 = float(item.get("area"))
        except (TypeError, ValueError):
            continue
        if km2 != km2 or km2 < 0:  # NaN or negative: not a figure
            continue
        kind = str(item.get("type") or "").strip()
        colour = str(item.get("hash") or "").strip().lower() or None
        status = OFFICIAL_TYPES.get(kind)
        if status is None and kind == OTHER:
            status = OTHER_HASHES.get(colour, (None, None))[0]
        pct = item.get("percent")
        out.append({"type": kind or None, "status": status, "hash": colour, "area": km2,
                    "percent": None if pct is None else str(pct)})
    if not out:
        raise SourceError(origin, "no area figures in the body")
    return out


def classify_rows(rows, fills=None) -> list[dict]:
    """Each stored figure (``store.official_areas``: ``type``, ``hash``, ``km2``...) with the
    status and ground it stands for on its map: ``status`` (None for annotation layers and
    colours of no status), ``where`` (``"UKR"`` for the four types; None when the row's ground is
    given by ``lon``/``lat``, a point on its largest polygon; ``"?"`` when unknown), and ``basis``
    (``type``, ``map`` when read from the map's own colours, ``colour`` from :data:`OTHER_HASHES`).

    ``fills`` is the reader's record of the map's colours (``stats["fills"]``); without it the
    other_territories colours are read by :data:`OTHER_HASHES`."""
    by_fill = {}
    for f in fills or ():
        by_fill.setdefault(str(f.get("fill") or "").lower(), []).append(f)
    out = []
    for r in rows:
        rec = {**r, "status": None, "where": "?", "lon": None, "lat": None, "basis": None}
        kind = r.get("type")
        if kind in OFFICIAL_TYPES:
            rec.update(status=OFFICIAL_TYPES[kind], where="UKR", basis="type")
        elif kind == OTHER:
            colour = str(r.get("hash") or "").lower()
            groups = [g for g in by_fill.get(colour, ()) if g.get("status") in STATUSES]
            if fills is not None and (groups or colour in by_fill):
                if groups:
                    g = max(groups, key=lambda g: g.get("km2") or 0)
                    rec.update(status=g["status"], where=None, lon=g.get("lon"), lat=g.get("lat"), basis="map")
                else:  # the colour of annotation layers on this map
                    rec.update(basis="map")
            else:
                status, where = OTHER_HASHES.get(colour, (None, None))
                rec.update(status=status, where=where if status else "?", basis="colour")
        out.append(rec)
    return out


# ------------------------------------------------------------------ recorded bodies given to `ingest`

_TRACKER_HEAD = re.compile(rb'^\s*\{\s*"\d{9,11}"\s*:\s*\[\s*(\]|\{[^{}]*"(?:hash|area|type)"\s*:)', re.S)
_BODY_HEAD = re.compile(rb'^\s*\[\s*\{[^{}]*"(?:hash|area)"\s*:[^{}]*"(?:type|area|percent|hash)"\s*:', re.S)
_MAP_ID = re.compile(r"(?<!\d)(\d{9,11})(?!\d)")


def _name(path) -> str:
    return str(path).replace("\\", "/")


def _map_id_of(path) -> int | None:
    """The map id in a body file's name (``1732311864.json``, ``1732311864-areas.json``) or, for
    ``.../1732311864/areas.json``, its folder's."""
    parts = _name(path).rsplit("/", 2)
    for part in reversed(parts[-2:]):
        m = _MAP_ID.search(part)
        if m:
            return int(m.group(1))
    return None


def is_areas_file(path) -> bool:
    """True for recorded ``/areas`` figures: the tracker's ``{"<map id>": [rows]}`` file, or one
    body (a JSON list of ``{hash, area, percent, type}``) in a file named after its map."""
    if not _name(path).lower().endswith((".json", ".json.gz")):
        return False
    head = head_text(path)
    if _TRACKER_HEAD.match(head):
        return True
    return bool(_BODY_HEAD.match(head)) and _map_id_of(path) is not None


def read_areas_file(path) -> dict[int, list[dict]]:
    """``{map id: figures (parse_areas records)}`` of a recorded file; SourceError naming the
    file (and the map) when it is not one or a body holds no figure."""
    doc = load_json_file(path)
    if isinstance(doc, list):
        mid = _map_id_of(path)
        if mid is None:
            raise SourceError(path, "an /areas body, but no map id in its name (name it {id}.json)")
        return {mid: parse_areas(doc, str(path))}
    if not isinstance(doc, dict) or not doc:
        raise SourceError(path, "not the map maker's area figures (expected {\"<map id>\": [{hash, area, percent, type}]})")
    out = {}
    for key, rows in doc.items():
        if not str(key).strip().isdigit():
            raise SourceError(path, f"not the map maker's area figures (key {str(key)[:20]!r} is no map id)")
        if isinstance(rows, list) and not rows:
            continue
        out[int(key)] = parse_areas(rows, f"{path} (map {key})")
    return out
