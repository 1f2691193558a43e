"""The real claims set is third-party text (news reports): nothing of it is copied into the
repository. Examples in docstrings, comments, docs and unit tests are sentences the team writes,
sharing no run of eight words with a passage of ../shared/data/claims/dev.jsonl (words lower-cased,
punctuation ignored: the same test the team runs against its private sets)."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"
RUN = 8
_WORD = re.compile(r"[a-z0-9]+")
_TEXT = (".py", ".md", ".json", ".txt", ".html", ".toml", ".yml", ".yaml", ".js", ".css", ".cfg", ".ini")


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def _tracked_text_files() -> list:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    return [ROOT / f for f in out.splitlines() if f.endswith(_TEXT)]


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/claims/dev.jsonl absent")
def test_no_tracked_file_shares_eight_words_with_a_real_passage():
    passages = set()
    with DEV.open(encoding="utf-8") as f:
        for line in f:
            passages |= _runs(json.loads(line)["text"])
    shared = {}
    for path in _tracked_text_files():
        hits = _runs(path.read_text(encoding="utf-8", errors="replace")) & passages
        if hits:
            shared[str(path.relative_to(ROOT))] = " ".join(sorted(hits)[0])
    assert not shared, f"{len(shared)} files share 8-word runs with dev.jsonl passages: {shared}"
