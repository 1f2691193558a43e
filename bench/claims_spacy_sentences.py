"""spaCy's blank English pipeline (no model download) against frontwatch's sentence splitter,
on the real passages of ../shared/data/claims/dev.jsonl.

What a blank pipeline offers extraction is its tokenizer, a rule-based sentencizer and the
Matcher/EntityRuler engines (no parser, tagger or entity model: those need a trained model that
PyPI does not serve as an ordinary dependency). The engines would run the same rules frontwatch
runs with regular expressions; the part that could change results is the sentencizer. Measured:
how many labelled claim surfaces each splitter cuts across two sentences (a claim torn from its
verb), how many sentences each makes, the import time and the time per passage.

``python bench/claims_spacy_sentences.py`` (skips spaCy when it is not installed).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frontwatch.claims.text import split_sentences  # noqa: E402

DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"


def _cut(bounds: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    return not any(a <= span[0] and span[1] <= b for a, b in bounds)


def main() -> int:
    passages = [json.loads(line) for line in open(DEV, encoding="utf-8") if line.strip()]
    splitters = {"frontwatch": lambda t: [(s.start, s.start + len(s.text)) for s in split_sentences(t)]}
    try:
        t0 = time.perf_counter()
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        load = time.perf_counter() - t0
        splitters["spacy blank+sentencizer"] = lambda t: [(s.start_char, s.end_char) for s in nlp(t).sents]
    except ImportError:
        load = None
    for name, split in splitters.items():
        cut = total = n_sent = 0
        t0 = time.perf_counter()
        for p in passages:
            bounds = split(p["text"])
            n_sent += len(bounds)
            for c in p["claims"]:
                i = p["text"].lower().find((c["surface"] or "").lower())
                if i < 0:
                    continue
                total += 1
                cut += _cut(bounds, (i, i + len(c["surface"])))
        per = (time.perf_counter() - t0) / len(passages) * 1000
        extra = f", import+load {load:.2f} s" if name.startswith("spacy") and load is not None else ""
        print(f"{name:<24} sentences {n_sent:4d}  claims cut across sentences {cut}/{total}  {per:.2f} ms/passage{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
