"""The product's headline figures on the shared archive, as one JSON document: run before and
after a change that must not move them (a restructuring, a speed-up) and compare the two files.

Runs the ``frontwatch`` command itself (whatever the code's inside looks like) on a store
ingested from ``../shared/data`` into a temporary folder (or ``--store`` given), offline, and
prints ``{command: its --format json answer}`` for area, change, peak, front, advance,
settlements and the claims check of the seed article.

    python bench/figures.py > /tmp/before.json
    ... change the code ...
    python bench/figures.py > /tmp/after.json && diff /tmp/before.json /tmp/after.json && echo same
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data"
ARTICLE = SHARED / "articles" / "kursk-2024-11-24.txt"

COMMANDS = [
    "area --region ALL --date 2024-11-24",
    "area --region UKR --date 2024-11-24",
    "area --region RUS --date 2024-11-22",
    "area --region UKR --status russia --date 2024-11 --every week",
    "area --region \"Donetsk oblast\" --date 2024-11-24",
    "change --region UKR --side russia --date 2024-11",
    "change --region RUS --side ukraine --from 2024-08-06 --to 2024-11-24",
    "peak --region RUS --status ukraine_held --until 2024-11-24",
    "front --region UKR --date 2024-11-24",
    "advance --near Kurakhove --radius 15km --date 2024-11 --every week",
    "settlements --region UKR --from 2024-06-01 --to 2024-12-31 --side russia",
    f"claims check {ARTICLE}",
]


def frontwatch() -> list[str]:
    exe = Path(sys.executable).with_name("frontwatch")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "frontwatch.faces.cli"]


def run(args: list[str], env: dict) -> object:
    out = subprocess.run(frontwatch() + args, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        return {"exit": out.returncode, "stderr": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", help="an ingested store to use (default: ingest ../shared/data into a temporary one)")
    opts = ap.parse_args()
    if not SHARED.exists():
        sys.exit(f"bench/figures.py needs the shared data at {SHARED}")
    tmp = tempfile.mkdtemp(prefix="frontwatch-figures-")
    env = dict(os.environ, FRONTWATCH_OFFLINE="1", FRONTWATCH_CACHE_DIR=os.path.join(tmp, "cache"))
    try:
        store = opts.store or os.path.join(tmp, "store.duckdb")
        if not opts.store:
            done = subprocess.run(frontwatch() + ["ingest", str(SHARED), "--store", store], capture_output=True, text=True, env=env)
            if done.returncode != 0:
                sys.exit(f"ingest failed: {done.stderr.strip()}")
        import shlex

        figures = {cmd.replace(str(ARTICLE), "ARTICLE"): run(shlex.split(cmd) + ["--store", store, "--format", "json"], env)
                   for cmd in COMMANDS}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    json.dump(figures, sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
