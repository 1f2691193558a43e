"""Side-by-side: frontwatch claim extraction against quantulum3 on the gold set.

Runs both extractors on the hand-annotated sentences of
tests/realdata/test_claims_extract.py (GOLD) and, when present, on the seed article
../shared/data/articles/kursk-2024-11-24.txt (ARTICLE_GOLD), and scores each:
precision/recall/F1 of value+unit (normalised unit and value within 1%, both
ends for a range), ranges collapsed to one value, clock times and
years/days-of-month reported as quantities, and how many matched claims carry
a measure, place, date and source. Importable (``compare()``) so a test can
assert the ranking; ``python bench/claims_vs_quantulum.py`` prints the table.
"""
from __future__ import annotations

import importlib.util
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frontwatch.claims import extract_claims  # noqa: E402
from frontwatch.claims.units import NORMALIZED_PINT, unit_registry  # noqa: E402

ARTICLE = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "articles" / "kursk-2024-11-24.txt"
# Independent of frontwatch's own date code, so the bench does not grade it by its own rules.
TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\b\.?)?|\b\d{1,2}\s*(?:[AaPp]\.[Mm]\.|[AaPp][Mm]\b)")
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DATE_RE = re.compile(rf"\b{MONTHS}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTHS}|\b(?:19|20)\d\d\b")


def _gold_module():
    spec = importlib.util.spec_from_file_location("gold_claims", ROOT / "tests" / "realdata" / "test_claims_extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases(include_article: bool = True) -> list[tuple[str, Any, list[dict]]]:
    """(text, published, gold claims) for the gold set, plus the article when present."""
    gold = _gold_module()
    out = list(gold.GOLD)
    if include_article and ARTICLE.exists():
        out.append((ARTICLE.read_text(encoding="utf-8"), None, gold.ARTICLE_GOLD))
    return out


def frontwatch_outputs(text: str, published) -> list[dict]:
    """frontwatch claims as comparable dicts."""
    out = []
    for c in extract_claims(text, published):
        r = c.to_record()
        out.append({
            "value": r["value_normalized"], "low": r["low_normalized"], "high": r["high_normalized"],
            "unit": r["unit_normalized"], "surface": r["surface"], "collapsed": False,
            "measure": r["measure"] if r["measure"] != "other" else None, "place": r["place"],
            "date": r["date"], "source": r["source"], "span": tuple(r["span"]),
        })
    return out


_QUANTULUM_UNITS = {
    "area": "km2", "length": "m", "speed": "m_per_day", "percentage": "percent",
}


def _pint_name(name: str) -> str:
    name = name.replace("metre", "meter").replace("kilometer", "kilometer")
    name = re.sub(r"^square (\w+)$", r"\1 ** 2", name)
    return name.replace(" per ", " / ").replace(" ", "_").replace("_**_2", " ** 2").replace("_/_", " / ")


def _quantulum_normalized(q) -> tuple[str | None, float | None, float | None, float | None]:
    """quantulum3 quantity as (normalised unit, value, low, high); ranges from value ± uncertainty."""
    entity = q.unit.entity.name
    target = "percent" if q.unit.name in ("percentage", "percent") else _QUANTULUM_UNITS.get(entity)
    if target is None:
        return None, q.value, None, None
    if target == "percent":
        factor = 1.0
    else:
        ureg = unit_registry()
        try:
            factor = float((1.0 * ureg(_pint_name(q.unit.name))).to(ureg(NORMALIZED_PINT[target])).magnitude)
        except Exception:  # quantulum unit pint does not know: count it as unmatched
            return None, q.value, None, None
    value = q.value * factor
    if q.uncertainty:
        return target, value, (q.value - q.uncertainty) * factor, (q.value + q.uncertainty) * factor
    return target, value, None, None


def quantulum_outputs(text: str, published) -> list[dict]:
    """quantulum3 quantities as comparable dicts (it has no measure/place/date/source)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser
        quantities = parser.parse(text)
    out = []
    for q in quantities:
        unit, value, low, high = _quantulum_normalized(q)
        out.append({"value": value, "low": low, "high": high, "unit": unit, "surface": q.surface,
                    "collapsed": low is not None, "measure": None, "place": None, "date": None,
                    "source": None, "span": tuple(q.span)})
    return out


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 0.01 * max(abs(b), 1e-9)


def _gold_normalized(g: dict) -> tuple[str, float | None, float | None, float | None]:
    value = g.get("value_normalized", g.get("value"))
    if g.get("unit_normalized") == "percent" and "value_normalized" not in g and value is not None and value < 1:
        value *= 100
    return g["unit_normalized"], value, g.get("low_normalized", g.get("low")), g.get("high_normalized", g.get("high"))


def _matches(out: dict, g: dict) -> bool:
    unit, value, low, high = _gold_normalized(g)
    if out["unit"] != unit:
        return False
    if low is not None:
        return _close(out["low"], low) and _close(out["high"], high)
    return _close(out["value"], value)


def score(extractor, include_article: bool = True) -> dict[str, Any]:
    """Scores of one extractor function over the gold cases."""
    tp = n_out = n_gold = 0
    collapsed = times = years = 0
    known = {"measure": 0, "place": 0, "date": 0, "source": 0}
    for text, published, gold in cases(include_article):
        outputs = extractor(text, published)
        n_out += len(outputs)
        n_gold += len(gold)
        used: set[int] = set()
        for g in gold:
            for i, o in enumerate(outputs):
                if i not in used and _matches(o, g):
                    used.add(i)
                    tp += 1
                    for key in known:
                        known[key] += o[key] is not None
                    break
            if "low" in g:
                # A range is collapsed when the tool reports a single value for its span.
                for o in outputs:
                    surface = o["surface"]
                    if str(int(g["low"])) in surface.replace(",", "") and (o["collapsed"] or o["low"] is None):
                        collapsed += 1
                        break
        time_spans = [m.span() for m in TIME_RE.finditer(text)]
        date_spans = [m.span() for m in DATE_RE.finditer(text)]
        for o in outputs:
            if _overlaps(o["span"], time_spans):
                times += 1
            elif _overlaps(o["span"], date_spans):
                years += 1
    precision = tp / n_out if n_out else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": n_gold, "outputs": n_out, "matched": tp, "precision": precision, "recall": recall,
            "f1": f1, "ranges_collapsed": collapsed, "times_as_quantities": times,
            "years_or_days_as_quantities": years, **{f"with_{k}": v for k, v in known.items()}}


def compare(include_article: bool = True) -> dict[str, dict[str, Any]]:
    """Scores of frontwatch and quantulum3 on the same gold cases."""
    return {"frontwatch": score(frontwatch_outputs, include_article),
            "quantulum3": score(quantulum_outputs, include_article)}


def table(scores: dict[str, dict[str, Any]]) -> str:
    """The scores as a plain-text table."""
    names = list(scores)
    rows = list(next(iter(scores.values())))
    width = max(len(r) for r in rows) + 2
    lines = ["".ljust(width) + "".join(n.rjust(14) for n in names)]
    for r in rows:
        cells = []
        for n in names:
            v = scores[n][r]
            cells.append((f"{v:.3f}" if isinstance(v, float) else str(v)).rjust(14))
        lines.append(r.ljust(width) + "".join(cells))
    return "\n".join(lines)


DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"


def dev_recall(extractor) -> tuple[int, int]:
    """(claims found with the right value and unit, claims) over the labelled claims of the real
    development set (../shared/data/claims/dev.jsonl) that the maps can check and whose unit
    both extractors can express (not ratios or days): the fair test, on text neither was written for."""
    import datetime as dt
    import json

    right = total = 0
    for line in open(DEV, encoding="utf-8"):
        p = json.loads(line)
        outs = extractor(p["text"], dt.date.fromisoformat(p["published"]))
        for g in p["claims"]:
            if not g["checkable_on_control_maps"] or g["unit_normalized"] not in ("km2", "m", "percent", "settlements",
                                                                                 "m_per_day", "km2_per_day"):
                continue
            total += 1
            right += any(_matches(o, g) for o in outs)
    return right, total


def main() -> None:
    print(f"gold set: {len(_gold_module().GOLD)} texts"
          + (f" + article {ARTICLE}" if ARTICLE.exists() else " (article not present)"))
    print(table(compare()))
    if DEV.exists():
        for name, fn in (("frontwatch", frontwatch_outputs), ("quantulum3", quantulum_outputs)):
            right, total = dev_recall(fn)
            print(f"dev set value+unit recall, {name}: {right}/{total} ({100 * right / total:.1f}%)")


if __name__ == "__main__":
    main()
