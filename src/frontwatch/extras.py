"""Optional parts of frontwatch and the packages each needs.

``pip install frontwatch`` runs the main job (ingest, area, change, peak, front, advance,
settlements, claims); the rest comes with an extra: ``frontwatch[serve]`` (the JSON API and web
map), ``[plot]`` (charts, maps and the HTML report), ``[dask]`` (the Dask engine), ``[s3]``
(inputs on S3), ``[all]``. A command whose extra is missing stops with one line naming it
(:func:`require`), never a traceback.

May import: the standard library only (it sits below every layer).
"""
from __future__ import annotations

import importlib.util

__all__ = ["EXTRAS", "MissingExtra", "require", "missing"]

# extra -> the top-level modules it brings (as imported, not as named on PyPI)
EXTRAS: dict[str, tuple[str, ...]] = {
    "serve": ("fastapi", "starlette", "uvicorn"),
    "plot": ("matplotlib", "jinja2"),
    "dask": ("distributed",),
    "s3": ("fsspec", "s3fs"),
}


class MissingExtra(ImportError):
    """A part of frontwatch whose extra is not installed; the message is one line, e.g.
    ``frontwatch serve needs the serve extra: pip install 'frontwatch[serve]'``."""

    def __init__(self, what: str, extra: str, module: str):
        super().__init__(f"{what} needs the {extra} extra: pip install 'frontwatch[{extra}]'", name=module)
        self.what, self.extra = what, extra


def missing(extra: str) -> str | None:
    """The first module of ``extra`` that cannot be imported here, or None when all can.

    Examples
    --------
    >>> missing("dask") in (None, "distributed")
    True
    """
    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return module
    return None


def require(extra: str, what: str) -> None:
    """Raise :class:`MissingExtra` when a module of ``extra`` is missing; ``what`` names the
    part that needs it (``"frontwatch serve"``, ``"--engine dask"``)."""
    module = missing(extra)
    if module is not None:
        raise MissingExtra(what, extra, module)
