"""Modules imported on first use, declared at the top of a module like any import.

frontwatch answers a repeated query from the store's figures without loading numpy, shapely,
pyproj or pandas (a third of a second of start-up), and ``frontwatch --help`` loads none of them;
a module that needs them only to compute declares them lazily::

    from typing import TYPE_CHECKING
    from frontwatch.lazy import lazy_import

    if TYPE_CHECKING:  # what the import graph (import-linter, type checkers) sees
        from frontwatch.geo import geodesy
    else:
        geodesy = lazy_import("frontwatch.geo.geodesy")

The module is imported when one of its attributes is first read (under Python's import lock, so
from any thread), and its attributes are then read as from the module itself.

May import: the standard library only.
"""
from __future__ import annotations

import importlib
import sys
import types

__all__ = ["lazy_import"]


class LazyModule(types.ModuleType):
    """A stand-in for the module ``name``, imported on the first attribute read."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_name"] = name

    def __getattr__(self, attr):
        module = importlib.import_module(self.__dict__["_lazy_name"])
        # Later reads are plain attribute reads of this object (no import machinery on them).
        self.__dict__.update({k: v for k, v in module.__dict__.items() if k != "__dict__"})
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"


def lazy_import(name: str) -> types.ModuleType:
    """The module ``name``, imported when an attribute of it is first read; the module itself
    when it is imported already.

    Examples
    --------
    >>> json = lazy_import("json")
    >>> json.dumps([1])
    '[1]'
    """
    return sys.modules.get(name) or LazyModule(name)
