"""Turn library errors into one-line click errors."""
from __future__ import annotations

import contextlib

import click

from frontwatch.extras import MissingExtra
from frontwatch.geo.regions import RegionError
from frontwatch.sources.base import SourceError
from frontwatch.store import StoreError
from frontwatch.workspace import MeasureError


@contextlib.contextmanager
def one_line_errors():
    try:
        yield
    except (MeasureError, MissingExtra, RegionError, SourceError, StoreError, ValueError) as exc:
        raise click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
