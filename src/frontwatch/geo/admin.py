"""Named first-level regions: Ukraine's 27 units (24 oblasts, Crimea, Kyiv city, Sevastopol) and
Russia's regions, as region specs ("Donetsk oblast", "Донецька область", "UA-14", "Kursk oblast",
"Курская область", "Donetsk oblast+Luhansk oblast").

Where the shapes come from: a boundaries file with one polygon per unit and its name, by default
geoBoundaries' gbOpen ADM1 releases of UKR and RUS (OpenStreetMap, ODbL; the API at
:data:`GEOBOUNDARIES_API` gives the download URL), fetched once into the cache folder with a
progress bar and saved in the store (``frontwatch admin FILE`` saves another file, ``--admin FILE``
uses one for a single command). Only the units of a country that the store lacks are fetched,
and only when a name matches no stored unit: a store that holds Ukraine's units answers
"Donetsk oblast" offline.

Land only. Administrative shapes carry the territorial sea (Kherson oblast is 33,739 km2 as
drawn, 24,299 km2 of land in the OSM land borders, which also leave out the Kakhovka reservoir);
every unit is cut to its country's land in the borders before it becomes a region, so its area,
and every share of it, is of land. Crimea and Sevastopol are Ukrainian units, cut to UKR land;
a Russian file's Crimean units are cut to RUS land, from which the borders already removed every
UKR overlap (frontwatch's rule for Crimea), so they vanish and are not offered.

Names: each unit is known by its ISO 3166-2 code, its English names (several spellings), and its
Ukrainian and Russian names, from :data:`NAMES` (the units of Ukraine and of Russia's regions in
the theatre) and from the file's own name attribute. A name is compared through the gazetteer's
keys (:func:`frontwatch.geo.places.normalise_name`, then the transliteration fold), once as given
("Kyiv" is the city) and once without the words that only say "region" (oblast, region, province,
krai, republic, область, край...): "Donetska oblast", "Donetsk region" and "Донецька область" all
become the stem of UA-14. An unknown name is a :class:`~frontwatch.geo.regions.RegionError` listing
the closest names. May import: numpy, shapely, rapidfuzz, requests, tqdm, pyogrio,
frontwatch.geo.places (names and the cache folder), frontwatch.sources.base (lon/lat checks).
"""
from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

from frontwatch.geo.files import cache_dir, download, user_agent
from frontwatch.geo.names import fold as _fold, normalise_name
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.sources import base
    from frontwatch.geo import geodesy
else:
    base = lazy_import("frontwatch.sources.base")
    geodesy = lazy_import("frontwatch.geo.geodesy")

__all__ = ["AdminUnit", "AdminError", "load_units", "stored_units", "read_admin_file", "fetch_admin",
           "save_admin", "describe_units", "match_units", "closest_names", "looks_like_admin_name",
           "units_to_records", "units_from_records", "land_geometry", "COUNTRIES", "GEOBOUNDARIES_API"]

GEOBOUNDARIES_API = os.environ.get("FRONTWATCH_GEOBOUNDARIES_API", "https://www.geoboundaries.org/api/current/gbOpen")
COUNTRIES = ("UKR", "RUS")
_ISO_PREFIX = {"UA": "UKR", "RU": "RUS"}


class AdminError(ValueError):
    """A boundaries file or a download that cannot give named regions; the message is one line."""


# ISO 3166-2 -> (English names, Ukrainian name, Russian name). The first English name is shown.
# English names ending in "Oblast"/"Krai"/"Republic" keep that word: it is stripped for matching.
NAMES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "UA-05": (("Vinnytsia Oblast", "Vinnytsya", "Vinnitsa"), "Вінницька область", "Винницкая область"),
    "UA-07": (("Volyn Oblast", "Volhynia"), "Волинська область", "Волынская область"),
    "UA-09": (("Luhansk Oblast", "Lugansk"), "Луганська область", "Луганская область"),
    "UA-12": (("Dnipropetrovsk Oblast", "Dnepropetrovsk", "Dnipro Oblast"), "Дніпропетровська область",
              "Днепропетровская область"),
    "UA-14": (("Donetsk Oblast",), "Донецька область", "Донецкая область"),
    "UA-18": (("Zhytomyr Oblast", "Zhitomir"), "Житомирська область", "Житомирская область"),
    "UA-21": (("Zakarpattia Oblast", "Transcarpathia", "Zakarpattya", "Zakarpatska"), "Закарпатська область",
              "Закарпатская область"),
    "UA-23": (("Zaporizhzhia Oblast", "Zaporizhia", "Zaporizhzhya", "Zaporozhye", "Zaporozhe"), "Запорізька область",
              "Запорожская область"),
    "UA-26": (("Ivano-Frankivsk Oblast", "Ivano-Frankovsk"), "Івано-Франківська область", "Ивано-Франковская область"),
    "UA-30": (("Kyiv City", "Kyiv", "Kiev", "City of Kyiv", "Kiev City"), "Київ", "Киев"),
    "UA-32": (("Kyiv Oblast", "Kiev Oblast"), "Київська область", "Киевская область"),
    "UA-35": (("Kirovohrad Oblast", "Kirovograd", "Kropyvnytskyi Oblast"), "Кіровоградська область",
              "Кировоградская область"),
    "UA-40": (("Sevastopol",), "Севастополь", "Севастополь"),
    "UA-43": (("Autonomous Republic of Crimea", "Crimea", "Krym", "Republic of Crimea"), "Автономна Республіка Крим",
              "Автономная Республика Крым"),
    "UA-46": (("Lviv Oblast", "Lvov"), "Львівська область", "Львовская область"),
    "UA-48": (("Mykolaiv Oblast", "Mykolayiv", "Nikolaev", "Nikolayev"), "Миколаївська область", "Николаевская область"),
    "UA-51": (("Odesa Oblast", "Odessa"), "Одеська область", "Одесская область"),
    "UA-53": (("Poltava Oblast",), "Полтавська область", "Полтавская область"),
    "UA-56": (("Rivne Oblast", "Rovno"), "Рівненська область", "Ровенская область"),
    "UA-59": (("Sumy Oblast",), "Сумська область", "Сумская область"),
    "UA-61": (("Ternopil Oblast", "Ternopol"), "Тернопільська область", "Тернопольская область"),
    "UA-63": (("Kharkiv Oblast", "Kharkov"), "Харківська область", "Харьковская область"),
    "UA-65": (("Kherson Oblast",), "Херсонська область", "Херсонская область"),
    "UA-68": (("Khmelnytskyi Oblast", "Khmelnytsky", "Khmelnitsky", "Khmelnytskyy"), "Хмельницька область",
              "Хмельницкая область"),
    "UA-71": (("Cherkasy Oblast", "Cherkassy"), "Черкаська область", "Черкасская область"),
    "UA-74": (("Chernihiv Oblast", "Chernigov"), "Чернігівська область", "Черниговская область"),
    "UA-77": (("Chernivtsi Oblast", "Chernovtsy"), "Чернівецька область", "Черновицкая область"),
    # Russia's regions in the theatre (lon 20-50, lat 43-57) that border Ukraine or lie near the front.
    "RU-KRS": (("Kursk Oblast",), "Курська область", "Курская область"),
    "RU-BEL": (("Belgorod Oblast",), "Бєлгородська область", "Белгородская область"),
    "RU-BRY": (("Bryansk Oblast",), "Брянська область", "Брянская область"),
    "RU-VOR": (("Voronezh Oblast",), "Воронезька область", "Воронежская область"),
    "RU-ROS": (("Rostov Oblast",), "Ростовська область", "Ростовская область"),
    "RU-KDA": (("Krasnodar Krai", "Kuban"), "Краснодарський край", "Краснодарский край"),
    "RU-SMO": (("Smolensk Oblast",), "Смоленська область", "Смоленская область"),
    "RU-ORL": (("Oryol Oblast", "Orel", "Orlov"), "Орловська область", "Орловская область"),
    "RU-LIP": (("Lipetsk Oblast",), "Липецька область", "Липецкая область"),
    "RU-VGG": (("Volgograd Oblast",), "Волгоградська область", "Волгоградская область"),
    "RU-KLU": (("Kaluga Oblast",), "Калузька область", "Калужская область"),
    "RU-TUL": (("Tula Oblast",), "Тульська область", "Тульская область"),
    "RU-TAM": (("Tambov Oblast",), "Тамбовська область", "Тамбовская область"),
    "RU-RYA": (("Ryazan Oblast",), "Рязанська область", "Рязанская область"),
    "RU-MOS": (("Moscow Oblast",), "Московська область", "Московская область"),
    "RU-MOW": (("Moscow City", "Moscow"), "Москва", "Москва"),
    "RU-STA": (("Stavropol Krai",), "Ставропольський край", "Ставропольский край"),
    "RU-AD": (("Republic of Adygea", "Adygeya", "Adygea"), "Республіка Адигея", "Республика Адыгея"),
    "RU-KL": (("Republic of Kalmykia", "Kalmykia"), "Республіка Калмикія", "Республика Калмыкия"),
    "RU-KC": (("Karachay-Cherkess Republic", "Karachay-Cherkessia"), "Карачаєво-Черкесія",
              "Карачаево-Черкесская Республика"),
    "RU-KB": (("Kabardino-Balkar Republic", "Kabardino-Balkaria"), "Кабардино-Балкарія", "Кабардино-Балкарская Республика"),
    "RU-KGD": (("Kaliningrad Oblast",), "Калінінградська область", "Калининградская область"),
    "RU-PNZ": (("Penza Oblast",), "Пензенська область", "Пензенская область"),
    "RU-SAR": (("Saratov Oblast",), "Саратовська область", "Саратовская область"),
}

# Words that only say "a region": dropped from a name before its stem is compared.
_GENERIC = {"oblast", "oblasti", "oblasts", "obl", "region", "regions", "province", "krai", "kray", "krainy",
            "respublika", "republic", "autonomous", "avtonomna", "avtonomnaia", "avtonomnaya", "of", "the",
            "city", "misto", "gorod", "mista"}


@dataclasses.dataclass(frozen=True)
class AdminUnit:
    """One first-level unit as drawn (territorial sea included: cut it to land before measuring).
    ``iso`` ISO 3166-2 ("UA-14"); ``country`` ISO-3 ("UKR"); ``name`` English; ``geometry`` EPSG:4326."""

    iso: str
    country: str
    name: str
    geometry: object = dataclasses.field(repr=False, compare=False)
    source_name: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it is known by: English spellings, Ukrainian, Russian, ISO code, the file's name."""
        en, uk, ru = NAMES.get(self.iso, ((self.name,), "", ""))
        return tuple(dict.fromkeys(n for n in (self.name, *en, uk, ru, self.iso, self.source_name) if n))

    @property
    def native_names(self) -> tuple[str, str]:
        """(Ukrainian, Russian) names, "" when not known."""
        _, uk, ru = NAMES.get(self.iso, ((), "", ""))
        return uk, ru


# ----------------------------------------------------------------------------- names

def _keys(name: str) -> tuple[str, str]:
    """(folded key of the whole name, folded key of its stem without generic words)."""
    key = normalise_name(name)
    stem = " ".join(w for w in key.split() if w not in _GENERIC)
    return _fold(key), _fold(stem)


def _unit_keys(unit: AdminUnit) -> tuple[set, set]:
    full, stems = set(), set()
    for n in unit.names:
        k, s = _keys(n)
        full.add(k)
        if s:
            stems.add(s)
    iso = unit.iso.lower()
    full |= {iso.replace("-", " "), iso.replace("-", "")}
    return full, stems


def match_units(name: str, units: list[AdminUnit]) -> list[AdminUnit]:
    """The units ``name`` names: by its whole key first ("Kyiv" is the city, UA-30), else by its
    stem ("Kyiv oblast", "Київська область" are UA-32). Several only when the name is ambiguous."""
    key, stem = _keys(name)
    if not key:
        return []
    idx = [_unit_keys(u) for u in units]
    hits = [u for u, (full, _) in zip(units, idx) if key in full]
    if not hits and stem:
        hits = [u for u, (_, stems) in zip(units, idx) if stem in stems]
    return hits


def closest_names(name: str, units: list[AdminUnit], limit: int = 3) -> list[str]:
    """Display names ("Donetsk Oblast (UA-14)") of the units whose names best match ``name``."""
    from rapidfuzz import fuzz, process

    _, stem = _keys(name)
    choices, owner = [], []
    for u in units:
        for s in _unit_keys(u)[1]:
            choices.append(s)
            owner.append(u)
    if not stem or not choices:
        return []
    out = []
    for _, score, i in process.extract(stem, choices, scorer=fuzz.ratio, limit=limit * 6):
        label = f"{owner[i].name} ({owner[i].iso})"
        if score >= 70 and label not in out:
            out.append(label)
    return out[:limit]


def looks_like_admin_name(spec: str) -> bool:
    """True when ``spec`` could be a unit's name or code: letters (any script), spaces, hyphens,
    apostrophes and dots, or an ISO 3166-2 code ("UA-14", "RU-KRS")."""
    s = spec.strip()
    return bool(re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}", s) or re.fullmatch(r"[^\W\d_][\w'’ .()-]*", s))


# ----------------------------------------------------------------------------- files

_NAME_FIELDS = ("shapeName", "name_en", "NAME_EN", "name", "NAME", "NAME_1", "ADM1_EN", "nom")
_ISO_FIELDS = ("shapeISO", "iso_3166_2", "ISO_3166_2", "iso3166_2", "ISO", "iso", "HASC_1", "ADM1_PCODE")
_COUNTRY_FIELDS = ("shapeGroup", "iso_a3", "ISO_A3", "ADM0_A3", "GID_0", "country")


def read_admin_file(path, country: str | None = None) -> list[AdminUnit]:
    """The units of a boundaries file (GeoJSON, GeoPackage, Shapefile...; reprojected to lon/lat
    when it declares another CRS). Needs a name attribute (geoBoundaries' ``shapeName``, or
    ``name``, ``NAME_1``...); the ISO 3166-2 code (``shapeISO``) is taken when present, else the
    name is matched against :data:`NAMES`; the country comes from ``shapeGroup``/``iso_a3``, the
    ISO code's prefix, or ``country``. AdminError, one line naming the file, when it has no
    polygons, no names, or coordinates that are not lon/lat."""
    import pyogrio

    path = Path(path)
    if not path.exists():
        raise AdminError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AdminError(f"{path}: empty file")
    try:
        df = pyogrio.read_dataframe(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a one-line refusal
        raise AdminError(f"{path}: cannot read boundaries ({str(exc).splitlines()[0]})") from None
    if df.crs is not None and df.crs.to_epsg() != 4326:
        df = df.to_crs(4326)
    geoms = np.asarray(df.geometry.values, dtype=object)
    poly = np.array([g is not None and not g.is_empty and shapely.get_type_id(g) in (3, 6) for g in geoms], dtype=bool)
    if not poly.any():
        raise AdminError(f"{path}: no polygons (a boundaries file needs one polygon per region)")
    df, geoms = df[poly], geoms[poly]
    try:
        base.check_lonlat_bounds(path, shapely.total_bounds(geoms))
    except base.SourceError as exc:
        raise AdminError(str(exc)) from None
    name_col = next((c for c in _NAME_FIELDS if c in df.columns and df[c].notna().any()), None)
    if name_col is None:
        raise AdminError(f"{path}: no region names (expected a shapeName, name or NAME_1 attribute; "
                         f"it has {', '.join(map(str, [c for c in df.columns if c != 'geometry'][:8])) or 'none'})")
    iso_col = next((c for c in _ISO_FIELDS if c in df.columns), None)
    cc_col = next((c for c in _COUNTRY_FIELDS if c in df.columns), None)
    units = []
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    for i, (_, row) in enumerate(df.iterrows()):
        name = str(row[name_col]).strip() if row[name_col] is not None else ""
        if not name or name.lower() == "nan":
            continue
        iso = str(row[iso_col]).strip().upper() if iso_col and row[iso_col] else ""
        if iso.lower() in ("", "none", "nan"):
            iso = ""
        cc = str(row[cc_col]).strip().upper() if cc_col and row[cc_col] else ""
        cc = cc if re.fullmatch(r"[A-Z]{3}", cc) else _ISO_PREFIX.get(iso[:2], country or "")
        if not iso:
            iso = _iso_from_name(name, cc) or f"{cc or 'XX'}-{len(units) + 1:02d}"
        g = geoms[i]
        if shapely.get_type_id(g) not in (3, 6):
            g = shapely.union_all(geodesy.polygonal_parts(g))
        en = NAMES.get(iso, ((name,),))[0][0]
        units.append(AdminUnit(iso=iso, country=cc or country or "", name=en, geometry=g, source_name=name))
    if not units:
        raise AdminError(f"{path}: no region names (the {name_col} attribute is empty everywhere)")
    return units


def _iso_from_name(name: str, country: str) -> str:
    """The ISO code of :data:`NAMES` whose names ``name`` matches (within ``country``), or ""."""
    prefix = {v: k for k, v in _ISO_PREFIX.items()}.get(country, "")
    fake = [AdminUnit(iso=iso, country=_ISO_PREFIX.get(iso[:2], ""), name=en[0], geometry=None)
            for iso, (en, _, _) in NAMES.items() if not prefix or iso.startswith(prefix)]
    hits = match_units(name, fake)
    return hits[0].iso if len(hits) == 1 else ""


# ----------------------------------------------------------------------------- fetch

def fetch_admin(country: str, cache_dir: Path, timeout: float = 60) -> Path:
    """The geoBoundaries gbOpen ADM1 GeoJSON of ``country`` (UKR or RUS), downloaded once into
    ``cache_dir`` with a progress bar on a terminal; AdminError (one line) when unreachable."""
    import requests

    target = cache_dir / f"geoBoundaries-{country}-ADM1.geojson"
    if target.exists() and target.stat().st_size > 0:
        return target
    api = f"{GEOBOUNDARIES_API.rstrip('/')}/{country}/ADM1/"
    hint = f"give --admin FILE or run `frontwatch admin FILE` with a boundaries file of {country}'s regions"
    try:
        meta = requests.get(api, timeout=timeout, headers={"User-Agent": user_agent()})
        meta.raise_for_status()
        url = meta.json()["gjDownloadURL"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise AdminError(f"{country} regions: {api} unreachable or unexpected ({type(exc).__name__}); {hint}") from None
    try:
        download(url, target, f"{country} regions (geoBoundaries)", timeout=timeout)
    except requests.RequestException as exc:
        raise AdminError(f"{country} regions: {url} unreachable ({type(exc).__name__}); {hint}") from None
    return target


# ----------------------------------------------------------------------------- the units a store knows

def units_to_records(units: list[AdminUnit]) -> list[dict]:
    """Admin units as rows for the store (the shape as 2D WKB)."""
    return [{"iso": u.iso, "country": u.country, "name": u.name, "source_name": u.source_name,
             "wkb": shapely.to_wkb(u.geometry, output_dimension=2)} for u in units]


def units_from_records(rows) -> list[AdminUnit]:
    """Admin units from the store's rows (:func:`units_to_records`'s)."""
    return [AdminUnit(iso=r["iso"], country=r["country"], name=r["name"], source_name=r.get("source_name") or "",
                      geometry=shapely.from_wkb(r["wkb"])) for r in rows]


def save_admin(store, units: list[AdminUnit], origin: str, keep_detailed: bool = False) -> dict:
    """Save ``units`` in the store, replacing those of the same countries; ``{country: count}``
    of what was saved. With ``keep_detailed`` (an ingest of a folder holding a release's full and
    simplified files), a country's stored units are kept when they are the same units drawn with
    more vertices."""
    by_country: dict = {}
    for u in units:
        by_country.setdefault(u.country, []).append(u)
    stored = {}
    if keep_detailed:
        for u in stored_units(store):
            stored.setdefault(u.country, []).append(u)
    saved = {}
    for cc, mine in sorted(by_country.items()):
        old = stored.get(cc)
        if old and {u.iso for u in old} == {u.iso for u in mine} and _vertices(old) > _vertices(mine):
            continue
        store.set_admin_units(cc, units_to_records(mine), origin=origin)
        saved[cc] = len(mine)
    return saved


def _vertices(units) -> int:
    return int(sum(shapely.get_num_coordinates(u.geometry) for u in units))


def stored_units(store) -> list[AdminUnit]:
    """The admin units the store holds (``frontwatch admin FILE``); none without a store."""
    if store is None:
        return []
    return units_from_records(store.admin_units())


def load_units(store=None, admin_file=None, *, fetch_missing: bool = False) -> list[AdminUnit]:
    """The units available: ``admin_file`` (with the store's units of the other countries), else
    the store's; with ``fetch_missing``, those of :data:`COUNTRIES` the store lacks are fetched
    from geoBoundaries (cached) and saved in the store when it is writable."""
    units = read_admin_file(admin_file) if admin_file else []
    given = {u.country for u in units}
    units += [u for u in stored_units(store) if u.country not in given]
    if fetch_missing:
        have = {u.country for u in units}
        for cc in COUNTRIES:
            if cc in have:
                continue
            path = fetch_admin(cc, cache_dir())
            fetched = read_admin_file(path, country=cc)
            units += fetched
            if store is not None and not store.read_only:
                save_admin(store, fetched, origin=f"{GEOBOUNDARIES_API}/{cc}/ADM1/")
    return units


def land_geometry(unit: AdminUnit, borders: dict):
    """The unit cut to its country's land in ``borders`` (territorial sea, lagoons and large
    reservoirs removed); empty when the country's land does not reach it (a Russian file's Crimea)."""
    land = borders.get(unit.country)
    if land is None:
        return shapely.Polygon()
    x0, y0, x1, y1 = unit.geometry.bounds
    near = shapely.clip_by_rect(land, x0, y0, x1, y1)
    g = shapely.intersection(unit.geometry, near)
    if shapely.get_type_id(g) not in (3, 6):
        g = shapely.union_all(geodesy.polygonal_parts(g))
    return g


def describe_units(units: list[AdminUnit]) -> list[dict]:
    """One record per unit for listings: iso, country, name, Ukrainian and Russian names."""
    out = []
    for u in sorted(units, key=lambda u: (u.country != "UKR", u.country, u.name)):
        uk, ru = u.native_names
        out.append({"iso": u.iso, "country": u.country, "name": u.name, "name_uk": uk, "name_ru": ru})
    return out
