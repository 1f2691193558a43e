"""What makes a command answer at once (issue 27): lazy imports, and work the store already
holds not done again. No timing assertions: what is checked is what is loaded and what is done."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from frontwatch.faces.cli import COMMANDS, main, short_help

HEAVY = ("shapely", "pyproj", "numpy", "duckdb", "pandas", "geopandas", "matplotlib")


def _loaded_after(args) -> set:
    """The top-level modules loaded by ``frontwatch ARGS`` in a fresh interpreter."""
    code = ("import sys; from frontwatch.faces.cli import main\n"
            "try:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('\\n' + __import__('json').dumps(sorted({m.split('.')[0] for m in sys.modules})))" % (list(args),))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_loads_no_geometry_or_database_library():
    loaded = _loaded_after(["--help"])
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_help_lists_each_command_with_its_own_short_help():
    # The list is read from the modules' sources; it must say what the imported commands say.
    res = CliRunner().invoke(main, ["--help"], terminal_width=100)
    assert res.exit_code == 0, res.output
    listed = res.output.split("Commands:")[1]
    for name, _ in COMMANDS:
        cmd = main.get_command(None, name)
        assert cmd.short_help is None, f"{name}: a short_help set in code would not be the one listed"
        assert short_help(name, 60) == cmd.get_short_help_str(60), name
        assert f"{name} " in listed
