"""How the ``frontwatch`` command ends (frontwatch.faces.cli.run): after its answer, without
Python's finalisation, but with every answer line written, its exit code, the ``atexit``
handlers run, and other threads joined. Each test runs a fresh interpreter, as the shell does."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap


def _python(code: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def _frontwatch(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "frontwatch.faces.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_the_command_writes_its_whole_answer_before_it_exits(unit_store):
    every = _frontwatch("area", "--region", "ALL", "--every", "day", "--store", unit_store, "--format", "csv")
    assert every.returncode == 0, every.stderr
    rows = list(csv.DictReader(io.StringIO(every.stdout)))
    # The same rows as the command run in this process (click's test runner: no quick exit).
    from click.testing import CliRunner

    from frontwatch.faces.cli import main

    here = CliRunner().invoke(main, ["area", "--region", "ALL", "--every", "day", "--store", str(unit_store),
                                     "--format", "csv"])
    assert rows and rows == list(csv.DictReader(io.StringIO(here.stdout)))


def test_the_command_keeps_its_exit_code(tmp_path):
    missing = _frontwatch("area", "--region", "ALL", "--store", tmp_path / "none.duckdb")
    assert missing.returncode == 1 and missing.stderr.startswith("Error: no store at")
    bad = _frontwatch("area", "--units", "furlongs")
    assert bad.returncode == 2 and "furlongs" in bad.stderr
    assert _frontwatch("--version").returncode == 0


def test_a_quick_exit_runs_the_atexit_handlers():
    done = _python("""
        import atexit
        from frontwatch.faces.cli import quick_exit
        atexit.register(lambda: print("handler ran"))
        print("answer")
        quick_exit(3)
    """)
    assert done.returncode == 3 and done.stdout.split() == ["answer", "handler", "ran"]


def test_a_quick_exit_waits_for_other_threads():
    done = _python("""
        import threading, time
        from frontwatch.faces.cli import quick_exit
        threading.Thread(target=lambda: (time.sleep(0.3), print("thread done", flush=True))).start()
        quick_exit(0)
    """)
    assert done.returncode == 0 and done.stdout.strip() == "thread done"


def test_a_writer_exiting_quickly_publishes_its_store(tmp_path, archive):
    """An ingest run as the shell runs it leaves a store every reader opens, whole."""
    store = tmp_path / "s.duckdb"
    ingest = _frontwatch("ingest", archive / "history", "--store", store, "--format", "json")
    assert ingest.returncode == 0, ingest.stderr
    added = json.loads(ingest.stdout)[0]["added"]
    listed = _frontwatch("snapshots", "--store", store, "--format", "json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == added > 0
    assert not list(tmp_path.glob("s.duckdb.writing-*"))
