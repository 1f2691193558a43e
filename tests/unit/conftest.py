"""Fixtures of the unit tests: the synthetic archive of synthetic.py (four maps of made-up
rectangles, two made-up countries, a gazetteer file), written and ingested once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from synthetic import write_archive


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Path:
    """The synthetic archive's folder (see the module docstring)."""
    return write_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="session")
def unit_store(archive, tmp_path_factory) -> Path:
    """A store holding the synthetic archive's four maps and borders, made once per session with
    ``frontwatch ingest``. Tests must not write it."""
    from click.testing import CliRunner

    from frontwatch.faces.cli import main

    path = tmp_path_factory.mktemp("unit-store") / "unit.duckdb"
    done = CliRunner().invoke(main, ["ingest", str(archive / "history"), str(archive / "borders.geojson"), "--store", str(path)])
    assert done.exit_code == 0, done.output
    return path
