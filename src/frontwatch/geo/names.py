"""Keys that place and region names are compared through: :func:`normalise_name` (the exact
key: NFKC, Cyrillic romanised by ``unidecode``, lowercase, apostrophes and soft signs dropped) and
:func:`fold` (the usual Ukrainian/Russian transliteration differences erased). The gazetteer
(:mod:`frontwatch.geo.places`), the place files (:mod:`frontwatch.geo.placefiles`) and the
administrative regions (:mod:`frontwatch.geo.admin`) all match names through them.

May import: the standard library and unidecode.
"""
from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

__all__ = ["normalise_name", "fold"]

# Letters from scripts other than Latin and Cyrillic romanise into noise under
# unidecode ("kwrakhwfh"), which would only create false exact matches.
FOREIGN_SCRIPT = re.compile(r"[^\u0000-\u024f\u0300-\u036f\u0400-\u052f\u1e00-\u1eff\u2000-\u206f]")
_APOSTROPHES = re.compile(r"['`\"\u2018\u2019\u02b9\u02bb\u02bc\u00b4]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    """Exact matching key of a name: Latin, lowercase, no apostrophes, single spaces.

    Examples
    --------
    >>> normalise_name("Покровськ") == normalise_name("Pokrovs’k") == "pokrovsk"
    True
    """
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


def fold(key: str) -> str:
    """Transliteration-insensitive form of an exact key (:func:`normalise_name`): kh/g -> h,
    zh -> z, ts/tz -> c, w -> v, j/y/e -> i with runs of i collapsed, and a Russian neuter ending
    (-oye/-oe/-o) read as the Ukrainian -e.

    Examples
    --------
    >>> fold(normalise_name("Kurakhovo")) == fold(normalise_name("Kurakhove"))
    True
    """
    s = _FOLD_ENDING.sub("e", key)
    for a, b in _FOLD_MULTI:
        if a in s:
            s = s.replace(a, b)
    s = s.translate(_FOLD_SINGLE)
    return _I_RUN.sub("i", s) if "ii" in s else s
