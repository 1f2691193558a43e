"""A dependency parse (spaCy en_core_web_sm) against frontwatch's rules, for side, place and measure.

For every labelled checkable claim of a set (dev.jsonl by default; ``--dev FILE`` for the unseen
sets), reads the figure's side, place and measure by attachment in the parse of its sentence
(``claims_syntax.read``, beside this file: the figure's head noun, its governing verb, that verb's
subject or passive agent, holders' phrases, prepositional objects resolved by frontwatch's own
lexicons and gazetteer, the verb's class by lemma through lexicon/actions.json) and sets it
against the field frontwatch's frame builder gives (``extract_claims``), in a 2x2 table per field:
both right / only ours / only the parse / neither, how often the parse says nothing (abstains),
and, where ours abstains (no side or place, or ``Claim.unsure`` names the field; for the measure:
"other"), how often
the parse is right. "ours, else parse" is the field when the parse fills only ours' abstentions.

The figure's position is the extracted claim's (its sentence and span), or, where extraction did
not find the claim, the labelled surface in frontwatch's own sentence split. The unit is the
extracted claim's, else the label's. Places are compared as bench/claims_eval.py compares them.

``--cost`` also measures import and model load (a fresh process), the time per passage and a
100 KB text (the dev passages repeated). ``--json`` prints the figures as JSON.

``--rules FIELD`` counts, per parse rule, the claims it read and how many it got right;
``--list FIELD`` lists the claims where ours and the parse differ (dev.jsonl: its development
two thirds only).

``python bench/claims_parse.py [--dev FILE] [--cost] [--json] [--rules FIELD] [--list FIELD]`` (prints a line and exits 0 when
spaCy or the model is not installed: ``pip install -c .ci/constraints.txt -e '.[parse]'``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from claims_eval import DEV, _gold_span, evaluate, fold_place, held_out, load  # noqa: E402

import claims_syntax as syntax  # noqa: E402
from frontwatch.claims import extract_claims  # noqa: E402
from frontwatch.claims.text import split_sentences  # noqa: E402

FIELDS = ("side", "place", "measure")


def _position(row: dict, passage: dict) -> tuple[str, tuple[int, int]] | None:
    """The sentence and the figure's span in it: the extracted claim's, else the labelled surface's."""
    c = row["claim"]
    if c is not None and c.span_in_sentence is not None:
        return c.sentence, tuple(c.span_in_sentence)
    span = _gold_span(passage["text"], row["gold"].get("surface") or "")
    if span is None:
        return None
    for s in split_sentences(passage["text"]):
        if s.start <= span[0] < s.start + len(s.text):
            return s.text, (span[0] - s.start, min(span[1], s.start + len(s.text)) - s.start)
    return None


def _ours(c, fld: str):
    if c is None:
        return None
    return {"side": c.side, "place": c.place, "measure": c.measure}[fld]


def _abstains(c, fld: str) -> bool:
    """Whether ours abstains on the field of a claim it found: the field in ``unsure``, or measure
    "other" (a claim not found is not an abstention: no fallback can fill it)."""
    if c is None:
        return False
    if fld == "measure":
        return c.measure == "other"
    return fld in (c.unsure or {}) or _ours(c, fld) is None


def _right(fld: str, got, gold: dict) -> bool:
    if fld == "place":
        return fold_place(got) == fold_place(gold.get("place"))
    if fld == "side":
        return (got or None) == (gold.get("side") or None)
    return got == gold.get("measure")


def compare(path: Path = DEV, split: str = "all") -> dict:
    """Per claim: ours and the parse's side, place and measure, and which are right."""
    passages = {p["id"]: p for p in load(path)}
    out = []
    for row in evaluate(path, split=split)["rows"]:
        passage = passages[row["id"]]
        c, gold = row["claim"], row["gold"]
        pos = _position(row, passage)
        unit = (c.unit_normalized if c is not None else None) or gold.get("unit_normalized")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reading = syntax.read(pos[0], pos[1], unit) if pos is not None else None
        rec = {"id": row["id"], "surface": gold.get("surface"), "rules": reading.rules if reading else {}}
        for fld in FIELDS:
            parsed = getattr(reading, fld) if reading is not None else None
            ours = _ours(c, fld)
            rec[fld] = {"gold": gold.get(fld), "ours": ours, "parse": parsed,
                        "ours_right": bool(row["score"][fld]),
                        "parse_right": parsed is not None and _right(fld, parsed, gold),
                        "parse_says": parsed is not None,
                        "ours_abstains": _abstains(c, fld)}
        out.append(rec)
    return {"rows": out}


def table(rows: list[dict]) -> dict:
    """The 2x2 per field, the parse's abstentions, the parse on ours' abstentions, and the
    field with the parse filling ours' abstentions only."""
    n = len(rows)
    res = {"claims": n}
    for fld in FIELDS:
        cells = [r[fld] for r in rows]
        both = sum(x["ours_right"] and x["parse_right"] for x in cells)
        only_ours = sum(x["ours_right"] and not x["parse_right"] for x in cells)
        only_parse = sum(x["parse_right"] and not x["ours_right"] for x in cells)
        abst = [x for x in cells if x["ours_abstains"]]
        fallback = sum((x["parse_right"] if (x["ours_abstains"] and x["parse_says"]) else x["ours_right"]) for x in cells)
        fallback_wrong_new = sum(x["ours_abstains"] and x["parse_says"] and not x["parse_right"] for x in cells)
        res[fld] = {
            "both": both, "only_ours": only_ours, "only_parse": only_parse, "neither": n - both - only_ours - only_parse,
            "ours": both + only_ours, "parse": both + only_parse,
            "parse_silent": sum(not x["parse_says"] for x in cells),
            "parse_wrong_when_says": sum(x["parse_says"] and not x["parse_right"] for x in cells),
            "ours_abstains": len(abst), "parse_right_there": sum(x["parse_right"] for x in abst),
            "parse_says_there": sum(x["parse_says"] for x in abst),
            "fallback": fallback, "fallback_parse_wrong": fallback_wrong_new,
        }
    return res


def rule_table(rows: list[dict], fld: str) -> dict[str, list[int]]:
    """Per parse rule that read ``fld``: [claims it read, right]."""
    out: dict[str, list[int]] = {}
    for r in rows:
        rule = r["rules"].get(fld, "").split(":", 1)[0].split(" (")[0]
        if rule:
            cell = out.setdefault(rule, [0, 0])
            cell[0] += 1
            cell[1] += r[fld]["parse_right"]
    return out


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}" if n else "-"


def print_table(name: str, t: dict) -> None:
    n = t["claims"]
    print(f"\n{name}: {n} checkable claims")
    print(f"{'field':<8} {'both':>5} {'only ours':>9} {'only parse':>10} {'neither':>7} | {'ours %':>6} {'parse %':>7}"
          f" {'parse silent':>12} | {'ours abstains':>13} {'parse right there':>17} | {'ours, else parse %':>18}")
    for fld in FIELDS:
        x = t[fld]
        print(f"{fld:<8} {x['both']:>5} {x['only_ours']:>9} {x['only_parse']:>10} {x['neither']:>7} | "
              f"{_pct(x['ours'], n):>6} {_pct(x['parse'], n):>7} {x['parse_silent']:>12} | {x['ours_abstains']:>13} "
              f"{x['parse_right_there']:>8} of {x['parse_says_there']:<6} | {_pct(x['fallback'], n):>18}")


def cost(path: Path = DEV) -> dict:
    """Import + model load in a fresh process, ms per passage (parse of each sentence that holds a
    figure, as extraction would), and a 100 KB text (the dev passages repeated) parsed whole."""
    code = ("import time; t=time.perf_counter(); import spacy; a=time.perf_counter()-t; "
            "import claims_syntax as syntax; t=time.perf_counter(); syntax._nlp(); "
            "print(a, time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT / "bench"))), "PATH": "/usr/bin:/bin"})
    imp, load_s = (float(x) for x in out.stdout.split())
    passages = load(path)
    nlp = syntax._nlp()
    sentences = [s.text for p in passages for s in split_sentences(p["text"]) if any(ch.isdigit() for ch in s.text)]
    t0 = time.perf_counter()
    for s in sentences:
        nlp(s)
    per_passage = (time.perf_counter() - t0) / len(passages) * 1000
    big = ""
    while len(big) < 100_000:
        big += "\n".join(p["text"] for p in passages) + "\n"
    big = big[:100_000]
    t0 = time.perf_counter()
    nlp.max_length = max(nlp.max_length, len(big) + 1)
    n_sent = sum(1 for s in split_sentences(big) if nlp(s.text[:2000]) is not None)
    big_s = time.perf_counter() - t0
    # a typical article (the seed article), warm: extraction alone, and extraction plus the parse of
    # every sentence that holds a claim (what a fallback would at most add)
    article = DEV.parents[1] / "articles" / "kursk-2024-11-24.txt"
    seed = {}
    if article.exists():
        text = article.read_text(encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extract_claims(text, published=dt.date(2024, 11, 24))
            t0 = time.perf_counter()
            found = extract_claims(text, published=dt.date(2024, 11, 24))
            seed["extract_warm_s"] = round(time.perf_counter() - t0, 3)
        syntax.parse.cache_clear()
        t0 = time.perf_counter()
        for c in found:
            syntax.read(c.sentence, tuple(c.span_in_sentence or (0, 0)), c.unit_normalized)
        seed["parse_claim_sentences_warm_s"] = round(time.perf_counter() - t0, 3)
        seed["claims"] = len(found)
    return {"seed_article": seed, "import_spacy_s": round(imp, 2), "load_model_s": round(load_s, 2), "ms_per_passage": round(per_passage, 1),
            "sentences_with_figures_per_passage": round(len(sentences) / len(passages), 2),
            "kb100_s": round(big_s, 2), "kb100_sentences": n_sent}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--cost", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rules", choices=FIELDS, help="per parse rule that read this field: claims and right")
    ap.add_argument("--list", choices=FIELDS, help="list the claims where the parse and ours differ on this field")
    args = ap.parse_args(argv)
    if not syntax.available():
        print("spaCy or en_core_web_sm is not installed: pip install -c .ci/constraints.txt -e '.[parse]'")
        return 0
    rows = compare(args.dev)["rows"]
    figures = {"all": table(rows)}
    if args.dev == DEV:
        figures["dev"] = table([r for r in rows if not held_out(r["id"])])
        figures["held"] = table([r for r in rows if held_out(r["id"])])
    if args.cost:
        figures["cost"] = cost()
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    for name in ("all", "dev", "held"):
        if name in figures:
            print_table(f"{args.dev.name} {name}", figures[name])
    if "cost" in figures:
        print("\ncost:", figures["cost"])
    if args.rules:
        print(f"\nparse rules for {args.rules} (claims read, right):")
        for rule, (k, ok) in sorted(rule_table(rows, args.rules).items(), key=lambda kv: -kv[1][0]):
            print(f"  {rule:<28} {k:>4} {ok:>4}")
    if args.list:
        for r in rows:
            x = r[args.list]
            if x["ours_right"] != x["parse_right"] and (args.dev != DEV or not held_out(r["id"])):
                print(f"{r['id']}: {r['surface']!r} gold={x['gold']} ours={x['ours']} parse={x['parse']}"
                      f" ({r['rules'].get(args.list, '')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
