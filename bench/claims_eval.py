"""Claim extraction measured on real writing: ../shared/data/claims/dev.jsonl.

Runs ``frontwatch.claims.extract_claims`` on every passage of the development set (119 real
passages, 201 claims labelled by hand; schema in ../shared/data/claims/README.md) and prints,
for the claims the control maps can check (``checkable_on_control_maps``), the share whose
each field came out right:

- found: an extracted claim overlaps the labelled surface in the passage (or, where the surface
  cannot be located, has the labelled value);
- value+unit: the normalised unit and the value (both ends of a range) within 1%;
- measure, side, place, start (the first day of a period, None for a state) and date (the as-of
  day, or the last day of a period): equal to the label;
- all: measure, side, start and date all right at once.

Places are compared after folding case, accents and the words region/oblast/province ("Kursk
region" = "Kursk oblast"), and country names to ISO-3 ("Ukraine" = "UKR").

The set is split by a hash of the passage id (:func:`held_out`) into a development two thirds,
which rules may be written from, and a held-out third, looked at only as totals to see whether
the rules generalise; the table has a column for each.

``python bench/claims_eval.py`` prints the table; ``--misses FIELD`` lists the passages where
FIELD is wrong (label against extraction; the development two thirds unless ``--split`` says
otherwise); ``--json`` prints the figures as JSON. Importable: :func:`evaluate` returns the
figures and the per-claim rows.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import unicodedata
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frontwatch.claims import extract_claims  # noqa: E402

DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"
FIELDS = ("found", "value_unit", "measure", "side", "place", "start", "date", "all")
_COUNTRIES = {"ukraine": "UKR", "ukr": "UKR", "russia": "RUS", "rus": "RUS", "russian federation": "RUS"}


def held_out(passage_id: str) -> bool:
    """Whether a passage is in the held-out third of the development set (by a hash of its id):
    rules are written looking at the other two thirds only; this third is looked at only to
    measure whether they generalise."""
    return int(hashlib.sha1(passage_id.encode()).hexdigest(), 16) % 3 == 0


def load(path: Path = DEV) -> list[dict]:
    """The passages of the development set, one dict each."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _fold_one(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"\b(region|regions|oblast|oblasts|province|provinces)\b", "oblast", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return _COUNTRIES.get(s, s)


def fold_place(name: str | None) -> str | None:
    """A place name in a comparable form: no case, accents or 'region/oblast/province'; a union
    ("Donetsk and Luhansk oblasts", "Donetsk oblast+Luhansk oblast") as its sorted members."""
    if not name:
        return None
    s = str(name).strip()
    suffix = re.search(r"\s+(oblasts|regions|provinces)$", s, re.I)
    parts = [p for p in re.split(r"\s*(?:\+|,|\band\b)\s*", s[: suffix.start()] if suffix else s) if p.strip()]
    if suffix:
        parts = [f"{p} oblast" for p in parts]
    return "+".join(sorted(_fold_one(p) for p in parts))


def _close(a: float | None, b: float | None, rel: float = 0.01) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


def _iso(d: Any) -> str | None:
    if d is None:
        return None
    return d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else str(d)[:10]


def _gold_span(text: str, surface: str) -> tuple[int, int] | None:
    i = text.lower().find(surface.lower())
    return (i, i + len(surface)) if i >= 0 else None


def _match(gold: dict, text: str, extracted: list) -> Any:
    """The extracted claim that stands for the labelled one, or None."""
    span = _gold_span(text, gold.get("surface") or "")
    if span is not None:
        over = [c for c in extracted if c.span[0] < span[1] and span[0] < c.span[1]]
        if over:
            return min(over, key=lambda c: _value_distance(gold, c))
    same = [c for c in extracted if _value_distance(gold, c) < 0.01]
    return same[0] if same else None


def _value_distance(gold: dict, c) -> float:
    g = [gold.get("value_normalized"), gold.get("low_normalized"), gold.get("high_normalized")]
    e = [c.value_normalized, c.low_normalized, c.high_normalized]
    d = 0.0
    for a, b in zip(g, e):
        if a is None and b is None:
            continue
        if a is None or b is None:
            d += 1.0
        else:
            d += abs(a - b) / max(abs(a), abs(b), 1e-9)
    return d


def score_claim(gold: dict, c) -> dict[str, bool]:
    """Which fields of one labelled claim the extracted claim ``c`` (or None) gets right."""
    if c is None:
        return {f: False for f in FIELDS}
    row = {
        "found": True,
        "value_unit": c.unit_normalized == gold.get("unit_normalized") and _value_distance(gold, c) < 0.01,
        "measure": c.measure == gold.get("measure"),
        "side": (c.side or None) == (gold.get("side") or None),
        "place": fold_place(c.place) == fold_place(gold.get("place")),
        "start": _iso(c.start_date) == _iso(gold.get("start_date")),
        "date": _iso(c.date) == _iso(gold.get("date")),
    }
    row["all"] = row["measure"] and row["side"] and row["start"] and row["date"]
    return row


def evaluate(path: Path = DEV, checkable_only: bool = True, split: str = "all") -> dict:
    """Field accuracy over the labelled claims (by default those the maps can check); ``split``:
    "all", "dev" (the two thirds rules may be written from) or "held" (the held-out third)."""
    rows = []
    for passage in load(path):
        if split != "all" and held_out(passage["id"]) != (split == "held"):
            continue
        published = dt.date.fromisoformat(passage["published"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extracted = extract_claims(passage["text"], published=published)
        for gold in passage["claims"]:
            if checkable_only and not gold.get("checkable_on_control_maps"):
                continue
            c = _match(gold, passage["text"], extracted)
            rows.append({"id": passage["id"], "gold": gold, "claim": c, "score": score_claim(gold, c)})
    n = len(rows)
    figures = {f: (sum(r["score"][f] for r in rows) / n if n else 0.0) for f in FIELDS}
    return {"claims": n, "accuracy": figures, "rows": rows}


def _describe(c) -> dict:
    if c is None:
        return {}
    return {"surface": c.surface, "value": c.value_normalized, "low": c.low_normalized, "high": c.high_normalized,
            "unit": c.unit_normalized, "measure": c.measure, "side": c.side, "place": c.place,
            "start": _iso(c.start_date), "date": _iso(c.date)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--all-claims", action="store_true", help="also the claims the maps cannot check")
    ap.add_argument("--misses", choices=FIELDS, help="list the claims where this field is wrong")
    ap.add_argument("--split", choices=("all", "dev", "held"), default=None,
                    help="only the development two thirds or the held-out third (default: a column each)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.dev.exists():
        print(f"no development set at {args.dev} (see ../shared/README.md)", file=sys.stderr)
        return 2
    if args.split is None and not args.misses:
        parts = {k: evaluate(args.dev, checkable_only=not args.all_claims, split=k) for k in ("all", "dev", "held")}
        if args.json:
            print(json.dumps({k: {"claims": r["claims"], "accuracy": r["accuracy"]} for k, r in parts.items()}, indent=2))
            return 0
        what = "" if args.all_claims else " the maps can check"
        print(f"labelled claims{what}: {parts['all']['claims']} (development {parts['dev']['claims']}, "
              f"held out {parts['held']['claims']})")
        print("field         all    dev   held")
        print("----------  -----  -----  -----")
        for f in FIELDS:
            print(f"{f:<10}  " + "  ".join(f"{100 * parts[k]['accuracy'][f]:5.1f}" for k in ("all", "dev", "held")))
        return 0
    result = evaluate(args.dev, checkable_only=not args.all_claims,
                      split=args.split or ("dev" if args.misses else "all"))
    if args.json:
        print(json.dumps({"claims": result["claims"], "accuracy": result["accuracy"]}, indent=2))
        return 0
    if args.misses:
        g_keys = ("surface", "value_normalized", "low_normalized", "high_normalized", "unit_normalized",
                  "measure", "side", "place", "start_date", "date")
        for r in result["rows"]:
            if not r["score"][args.misses]:
                print(r["id"])
                print("  label:    ", {k: r["gold"].get(k) for k in g_keys})
                print("  extracted:", _describe(r["claim"]))
        return 0
    print(f"{result['claims']} labelled claims{'' if args.all_claims else ' the maps can check'}")
    print("field       right")
    print("----------  -----")
    for f in FIELDS:
        print(f"{f:<10}  {100 * result['accuracy'][f]:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
