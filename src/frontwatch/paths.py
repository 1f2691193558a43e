"""Where frontwatch keeps what it derives or fetches once on this machine (:func:`cache_dir`):
the gazetteer's index, the default borders, and the figures and tilings every store may reuse
(:class:`frontwatch.store.Store`'s machine cache). Below every layer, so that the store and the
geography name the same folder.

May import: the standard library, platformdirs.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """Where frontwatch keeps what it derives or fetches once (the gazetteer's index, the default
    borders, borders and tilings prepared for any store): ``$FRONTWATCH_CACHE_DIR``, else the
    per-user cache folder. Read at each call, so a process (a test) may change it."""
    folder = os.environ.get("FRONTWATCH_CACHE_DIR")
    if not folder:
        import platformdirs

        folder = platformdirs.user_cache_dir("frontwatch")
    return Path(folder)
