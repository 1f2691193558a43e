"""The word lists of claim extraction, as data: one JSON file per lexicon in this folder.

``load_lexicon(name)`` reads ``<name>.json`` once per process. Keys starting with "_" are
comments. Editing a lexicon changes what extraction recognises without touching code; each
file says what its entries mean.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.lru_cache(maxsize=None)
def load_lexicon(name: str) -> dict[str, Any]:
    """The lexicon ``name`` (e.g. "places") as a dict, without its comment keys."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
