"""``pip install frontwatch`` without extras runs the main job; a command whose extra is missing
says which in one line. Each CLI run here is a subprocess in which the extras' packages
(fastapi, uvicorn, matplotlib, jinja2, distributed, dask, fsspec, s3fs) cannot be imported, as
in an install without them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from frontwatch.extras import EXTRAS

BLOCKED = sorted({m for mods in EXTRAS.values() for m in mods} | {"dask", "multipart", "psutil"})

# Runs the frontwatch command with the extras' top-level packages unimportable.
RUNNER = textwrap.dedent(f"""
    import sys
    BLOCKED = {BLOCKED!r}

    for name in BLOCKED:  # import fails, importlib.util.find_spec answers None: as if not installed
        sys.modules[name] = None
    from frontwatch.faces.cli import main
    sys.argv[0] = "frontwatch"
    main()
""")


def frontwatch_without_extras(*args, env=None):
    return subprocess.run([sys.executable, "-c", RUNNER, *map(str, args)], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=600)


@pytest.fixture(scope="module")
def bare_store(archive, tmp_path_factory):
    """A store ingested, without extras, from the synthetic archive (synthetic.py)."""
    store = tmp_path_factory.mktemp("bare-store") / "s.duckdb"
    done = frontwatch_without_extras("ingest", archive / "history", archive / "borders.geojson", "--store", store)
    assert done.returncode == 0, done.stderr
    return store


ARTICLE = ("Ukrainian forces held 120 square kilometres of Russian territory on 15 August 2024, "
           "a month before they lost half of it.")


def test_ingest_runs_without_extras(bare_store):
    assert bare_store.exists()


@pytest.mark.parametrize("args", [
    ("area", "--region", "RUS", "--status", "ukraine_held"),
    ("change", "--region", "UKR", "--side", "russia", "--from", "2024-08-02", "--to", "2024-09-15"),
    ("peak", "--region", "RUS", "--status", "ukraine_held"),
], ids=["area", "change", "peak"])
def test_query_commands_run_without_extras(bare_store, args):
    done = frontwatch_without_extras(*args, "--store", bare_store, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)


def test_claims_check_runs_without_extras(bare_store, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    done = frontwatch_without_extras("claims", "check", article, "--store", bare_store, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert any(r.get("verdict") for r in json.loads(done.stdout))


@pytest.mark.parametrize("args, line", [
    (("serve",), "frontwatch serve needs the serve extra: pip install 'frontwatch[serve]'"),
    (("plot", "area", "--out", "x.png"), "frontwatch plot needs the plot extra: pip install 'frontwatch[plot]'"),
    (("map", "--out", "x.png"), "frontwatch map needs the plot extra: pip install 'frontwatch[plot]'"),
    (("report", "--out", "x.html"), "frontwatch report needs the plot extra: pip install 'frontwatch[plot]'"),
], ids=["serve", "plot", "map", "report"])
def test_a_command_whose_extra_is_missing_names_it_in_one_line(tmp_path, args, line):
    from frontwatch.store import Store

    store = tmp_path / "s.duckdb"
    Store(store).close()
    done = frontwatch_without_extras(*[a.replace("{store}", str(store)) for a in args])
    assert done.returncode != 0
    assert done.stderr.strip() == f"Error: {line}", done.stderr


def test_the_dask_engine_without_the_dask_extra_names_it(bare_store):
    done = frontwatch_without_extras("front", "--region", "RUS", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1",
                                     "--store", bare_store)
    assert done.returncode != 0
    assert done.stderr.strip() == "Error: --engine dask needs the dask extra: pip install 'frontwatch[dask]'", done.stderr


def test_an_s3_input_without_the_s3_extra_names_it(tmp_path):
    done = frontwatch_without_extras("ingest", "s3://bucket/maps/", "--store", tmp_path / "s.duckdb")
    assert done.returncode != 0
    assert "needs the s3 extra: pip install 'frontwatch[s3]'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
