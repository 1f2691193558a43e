"""Claim extraction speed on real and hostile text, cold (a new process) and warm.

Times ``frontwatch.claims.extract_claims`` on: the seed article (../shared/data/articles/
kursk-2024-11-24.txt, about 3 KB); the development set's 119 passages joined into one text
(about 40 KB) and repeated to 100 KB; and 100 KB hostile inputs ('half of ' * 12800, digits,
number words, a real claim sentence repeated past the document caps). Each case runs in a fresh
Python process (cold: imports, pint's registry, the gazetteer's index) and then twice more in
that process (warm); the figures are wall-clock seconds, median of the warm runs. Prints the
work done (quantities examined, claims) next to each time. A bench, not a test: timings are
never asserted.

``python bench/claims_extract_speed.py``
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared"))

_CHILD = r"""
import json, statistics, sys, time, warnings
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from frontwatch.claims import extract_claims
text = open(sys.argv[2], encoding="utf-8").read()
stats = {}
t1 = time.perf_counter(); extract_claims(text, published="2024-11-24", stats=stats); cold = time.perf_counter() - t0
warm = []
for _ in range(2):
    t = time.perf_counter(); extract_claims(text, published="2024-11-24"); warm.append(time.perf_counter() - t)
print(json.dumps({"cold": cold, "warm": statistics.median(warm), "stats": stats}))
"""


def cases(tmp: Path) -> list[tuple[str, Path]]:
    out = []
    article = SHARED / "data" / "articles" / "kursk-2024-11-24.txt"
    dev = SHARED / "data" / "claims" / "dev.jsonl"
    if article.exists():
        out.append(("seed article", article))
    if dev.exists():
        joined = "\n\n".join(json.loads(line)["text"] for line in open(dev, encoding="utf-8") if line.strip())
        p = tmp / "dev_100k.txt"
        p.write_text((joined + "\n\n") * (100_000 // len(joined) + 1), encoding="utf-8")
        out.append(("dev passages x100 KB", p))
    for name, text in (("'half of ' x12800", "half of " * 12800), ("digits 100 KB", "1 " * 50000),
                       ("number words 100 KB", "twenty thirty forty " * 6000),
                       ("a claim x1600", "Russian forces captured 10 sq km near Pokrovsk in the past week. " * 1600)):
        p = tmp / (name.replace(" ", "_").replace("'", "") + ".txt")
        p.write_text(text, encoding="utf-8")
        out.append((name, p))
    return out


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        print(f"{'input':<24} {'KB':>6} {'cold s':>7} {'warm s':>7}  figures examined / claims")
        for name, path in cases(Path(d)):
            res = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT / "src"), str(path)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(res.stdout.strip().splitlines()[-1])
            kb = path.stat().st_size / 1000
            print(f"{name:<24} {kb:6.0f} {r['cold']:7.2f} {r['warm']:7.2f}  "
                  f"{r['stats']['quantities_examined']} / {r['stats']['claims']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
