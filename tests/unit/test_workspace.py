"""The Workspace (frontwatch.workspace) on the synthetic archive (synthetic.py): it opens nothing
until asked, a read never creates a store, regions are resolved once, its questions give the
CLI's figures (the CLI asks it), and the example of docs/architecture.md runs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthetic import DAYS
from frontwatch.faces.cli import main
from frontwatch.store import StoreError
from frontwatch.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def cli_json(store, *args):
    done = CliRunner().invoke(main, [*args, "--store", str(store), "--format", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_a_new_workspace_opens_no_store(tmp_path):
    ws = Workspace(tmp_path / "store.duckdb")
    assert not ws.is_open
    ws.close()
    assert list(tmp_path.iterdir()) == []


def test_a_read_of_a_missing_store_creates_none(tmp_path):
    path = tmp_path / "missing.duckdb"
    with Workspace(path) as ws, pytest.raises(StoreError, match="no store"):
        ws.area("RUS", "ukraine_held")
    assert not path.exists()


def test_a_region_is_resolved_once_per_workspace(unit_store):
    with Workspace(unit_store) as ws:
        assert ws.region("RUS") is ws.region(" RUS ")


def test_the_workspace_area_is_the_cli_area(unit_store):
    day = DAYS[1].isoformat()
    with Workspace(unit_store) as ws:
        ours = [a.to_record() for a in ws.area("RUS", "ukraine_held", date=DAYS[1])]
    assert json.loads(json.dumps(ours, default=str)) == cli_json(unit_store, "area", "--region", "RUS",
                                                                  "--status", "ukraine_held", "--date", day)


def test_the_workspace_change_is_the_cli_change(unit_store):
    with Workspace(unit_store) as ws:
        ours = ws.change("UKR", start=DAYS[0], end=DAYS[-1]).to_record()
    cli = cli_json(unit_store, "change", "--region", "UKR", "--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat())
    assert json.loads(json.dumps(ours, default=str)) == (cli[0] if isinstance(cli, list) else cli)


def test_the_workspace_peak_is_the_cli_peak(unit_store):
    with Workspace(unit_store) as ws:
        ours = ws.peak("RUS", "ukraine_held").to_record()
    cli = cli_json(unit_store, "peak", "--region", "RUS", "--status", "ukraine_held")
    assert json.loads(json.dumps(ours, default=str)) == (cli[0] if isinstance(cli, list) else cli)


def test_a_query_with_stored_figures_makes_no_engine(unit_store):
    with Workspace(unit_store, engine="local") as ws:
        ws.area("RUS", "ukraine_held", date=DAYS[0])  # measured (and cached) once
    with Workspace(unit_store, engine="local") as ws:
        ws.area("RUS", "ukraine_held", date=DAYS[0])
        assert ws.engine._engine is None


def _docs_example() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## The workspace", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def test_the_architecture_docs_example_runs(unit_store, capsys):
    exec(compile(_docs_example(), "docs/architecture.md", "exec"), {"STORE": str(unit_store)})
    out = capsys.readouterr().out
    assert "ukraine_held" in out and "km2" in out
