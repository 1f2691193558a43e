"""Where frontwatch keeps what it fetches or derives once (:func:`cache_dir`), and how it fetches
a file (:func:`download`): shared by the gazetteer, the place files, the administrative regions
and the default borders.

May import: the standard library, platformdirs, requests, tqdm, frontwatch.paths.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from frontwatch import __version__
from frontwatch.paths import cache_dir  # defined below every layer: the store names the same folder

__all__ = ["cache_dir", "download", "user_agent"]


def user_agent() -> str:
    """The User-Agent of frontwatch's downloads."""
    return f"frontwatch/{__version__} (+https://github.com/)"


def download(url: str, target: Path, what: str, timeout: float = 60) -> Path:
    """Stream ``url`` to ``target`` (written to a temporary file, then renamed, so a half
    download is never taken for the file), with a tqdm progress bar when stderr is a terminal."""
    import requests
    from tqdm import tqdm

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with requests.get(url, stream=True, timeout=timeout, headers={"User-Agent": user_agent()}) as r:
        r.raise_for_status()
        total = int(r.headers.get("content-length") or 0) or None
        with open(tmp, "wb") as fh, tqdm(total=total, unit="B", unit_scale=True, desc=f"downloading {what}",
                                         disable=not sys.stderr.isatty(), leave=False) as bar:
            for chunk in r.iter_content(1 << 16):
                fh.write(chunk)
                bar.update(len(chunk))
    os.replace(tmp, target)
    return target
