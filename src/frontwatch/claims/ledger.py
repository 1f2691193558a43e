"""The claims ledger: every checked report's claims, kept in the store with their source (the
report's file name, or "stdin"), its content hash and date, so that claims about the same
quantity from different reports and days can be listed side by side. Re-checking a report
replaces its rows (one transaction; no duplicates): a report is the same when its content hash
matches or, for a named file, its name does. :func:`list_claims` filters by measure, place, and
free text (``about="soldiers in Kursk"``: every content word must match the claim's measure,
place, side, unit or sentence). May import: the standard library, frontwatch.claims.*,
frontwatch.store (through the store object it is given).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from frontwatch.claims.check import check_text

STDIN = "stdin"

# Words of a query that say nothing about which claims are meant.
_STOP = frozenset("a an the in on of at for to by from about with near and or claims claim what how many much "
                  "is are was were has have held by".split())
# Query words and the claim words they stand for (measure names, normalised units).
_SYNONYMS = {
    "soldier": {"troops", "persons", "soldier", "troop"},
    "troop": {"troops", "persons", "soldier", "troop"},
    "men": {"troops", "persons"},
    "personnel": {"troops", "persons"},
    "area": {"area_held", "area_change", "km2"},
    "territory": {"area_held", "area_change", "km2", "territory"},
    "land": {"area_held", "area_change", "km2"},
    "ground": {"area_held", "area_change", "km2"},
    "share": {"share_lost", "share_gained", "share_held", "percent"},
    "percent": {"share_lost", "share_gained", "share_held", "percent"},
    "%": {"share_lost", "share_gained", "share_held", "percent"},
    "advance": {"advance_rate", "m_per_day", "advance"},
    "rate": {"advance_rate", "m_per_day", "km2_per_day"},
    "speed": {"advance_rate", "m_per_day"},
    "grey": {"grey_zone"},
    "gray": {"grey_zone"},
    "contested": {"grey_zone"},
    "distance": {"distance"},
    "far": {"distance"},
    "away": {"distance"},
    "settlement": {"settlements"},
    "village": {"settlements", "village"},
    "town": {"settlements", "town"},
    "ukrainian": {"ukraine"},
    "russian": {"russia"},
    "korean": {"north_korea"},
}
_WORD = re.compile(r"[\w%]+", re.U)


def report_hash(text) -> str:
    """Content hash of a report (bytes, or text encoded as UTF-8)."""
    data = text if isinstance(text, (bytes, bytearray)) else str(text or "").encode("utf-8", "replace")
    return hashlib.sha256(data).hexdigest()[:32]


def report_name(path) -> str:
    """The ledger name of a report: ``stdin`` for "-", else the file's absolute path."""
    if path in (None, "-", STDIN):
        return STDIN
    return str(Path(path).resolve())


def save_checks(store, result: dict, report: str, rhash: str) -> int:
    """Write check_text's ``result`` for one report into the ledger, replacing earlier rows of the
    same report. Returns the number of claims kept."""
    now = dt.datetime.now(dt.timezone.utc)
    published = result.get("published")
    rows = []
    for rec in result.get("claims", []):
        rows.append({"id": f"{rhash[:16]}:{rec['id']}", "report": report, "report_hash": rhash,
                     "published": published, "checked_at": now, "measure": rec.get("measure"),
                     "place": rec.get("place"), "side": rec.get("side"), "date": rec.get("date"),
                     "record": json.dumps(rec, default=str, ensure_ascii=False),
                     "verdict": rec.get("verdict"), "reason": rec.get("reason")})
    return store.replace_claims(report, rhash, rows, same_name=report != STDIN)


def check_report(store, text, report=None, *, published=None, borders=None, source=None, save=True,
                 regions=None) -> dict:
    """Check a report's claims (check_text; ``borders``, ``regions`` as it takes them) and, with
    ``save``, keep them in the ledger.

    ``text``: str or bytes; ``report``: a file path, "-" or None (stdin). Returns check_text's
    dict plus ``report``, ``report_hash`` and ``saved`` (claims written, 0 when not saved)."""
    rhash = report_hash(text)
    name = report_name(report)
    result = check_text(store, text, published=published, borders=borders, source=source, regions=regions)
    result.update(report=name, report_hash=rhash, saved=0)
    if save and result["claims"]:
        result["saved"] = save_checks(store, result, name, rhash)
    return result


def _stem(word: str) -> str:
    w = word.lower()
    for suffix in ("ies", "s"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def _claim_words(row: dict) -> set[str]:
    rec = row.get("record") or {}
    parts = [row.get("measure"), row.get("place"), row.get("side"), rec.get("unit"), rec.get("unit_normalized"),
             rec.get("sentence"), rec.get("aspect"), rec.get("direction")]
    words = set()
    for p in parts:
        if not p:
            continue
        words.add(str(p).lower())
        words.update(_stem(w) for w in _WORD.findall(str(p)))
    return words


def about_terms(about: str | None) -> list[set[str]]:
    """The query's content words, each as the set of claim words that satisfy it."""
    if not about:
        return []
    terms = []
    for w in _WORD.findall(about.lower()):
        if w in _STOP:
            continue
        s = _stem(w)
        terms.append({s, w} | _SYNONYMS.get(s, set()))
    return terms


def list_claims(store, about: str | None = None, measure: str | None = None, place: str | None = None) -> list[dict]:
    """Ledger rows side by side: ``report`` (file name), ``published``, ``date``, ``measure``,
    ``side``, ``place``, ``claim`` (as written), ``value_normalized``/``low``/``high`` and
    ``unit_normalized``, ``verdict``, ``reason``, ``source``, ``checked_at``, ``report_hash``."""
    terms = about_terms(about)
    out = []
    for row in store.claims(measure=measure, place=place):
        if terms:
            words = _claim_words(row)
            if not all(t & words for t in terms):
                continue
        rec = row["record"]
        q = f"{rec.get('qualifier')} " if rec.get("qualifier") else ""
        out.append({
            "report": STDIN if row["report"] == STDIN else Path(row["report"]).name,
            "published": _iso(row["published"]), "date": _iso(row["date"]), "measure": row["measure"],
            "side": row["side"], "place": row["place"], "claim": (q + (rec.get("surface") or "")).strip(),
            "normalized": _normalized_text(rec), "value_normalized": rec.get("value_normalized"), "low_normalized": rec.get("low_normalized"),
            "high_normalized": rec.get("high_normalized"), "unit_normalized": rec.get("unit_normalized"),
            "verdict": row["verdict"], "reason": row["reason"], "source": rec.get("source"),
            "checked_at": _iso(row["checked_at"]), "report_hash": row["report_hash"], "report_path": row["report"],
        })
    return out


def _normalized_text(rec) -> str:
    if rec.get("value_normalized") is not None:
        return f"{rec['value_normalized']:,.6g}"
    if rec.get("low_normalized") is not None:
        return f"{rec['low_normalized']:,.6g}-{rec['high_normalized']:,.6g}"
    return ""


def _iso(v):
    return v.isoformat() if hasattr(v, "isoformat") else v
