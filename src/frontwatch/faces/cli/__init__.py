"""The ``frontwatch`` command: small click subcommands, one module each, over the library.

A command parses its arguments, calls one library function, and formats the result; nothing
is computed here. Library errors (bad input, no data) become one-line messages and exit code 2.
"""
from __future__ import annotations

import atexit
import importlib
import os
import re
import sys
import threading
from typing import TYPE_CHECKING

# numpy's BLAS (OpenBLAS) starts a thread pool when numpy is imported, a third of numpy's import
# time on this 2-core machine and more on larger ones; frontwatch does no linear algebra (its
# parallel work is GEOS on threads and forked processes). One BLAS thread, unless the user
# chose otherwise: a command that measures starts 0.03-0.06 s sooner, and so do its workers.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from frontwatch import __version__
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:
    from frontwatch.faces.cli import errors
else:
    # Loaded when a command runs: it imports the library's errors, which --help does not need.
    errors = lazy_import("frontwatch.faces.cli.errors")

# One module per command (module name, command name). Adding a command = adding a module here.
COMMANDS = (
    ("run", "run"), ("ingest", "ingest"), ("sync", "sync"), ("borders", "borders"),
    ("snapshots", "snapshots"), ("area", "area"), ("change", "change"), ("peak", "peak"),
    ("front", "front"), ("advance", "advance"), ("settlements", "settlements"), ("regions", "regions"),
    ("admin", "admin"), ("places", "places"),
    ("claims", "claims"), ("plot", "plot"), ("map", "map_"), ("report", "report"), ("serve", "serve"),
    ("notes", "notes"),
)


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so ``frontwatch --help`` stays fast: the
    list of commands takes each one's short help from its module's source (the docstring of its
    ``command`` function, shortened as click shortens it), without importing the module, which
    would load shapely, pyproj, numpy and DuckDB (``frontwatch --help`` took 0.7-1.4 s; a test
    checks that the two agree and that no such library is loaded)."""

    def list_commands(self, ctx):
        return [name for name, mod in COMMANDS if _spec(mod)]

    def format_commands(self, ctx, formatter):
        rows = [(name, mod) for name, mod in COMMANDS if _spec(mod)]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, short_help(name, limit)) for name, _ in rows])

    def invoke(self, ctx):
        # A library error a command did not catch itself (a damaged store met while reading its
        # results, say) is one line too, never a traceback.
        with errors.one_line_errors():
            return super().invoke(ctx)

    def get_command(self, ctx, name):
        for cname, mod in COMMANDS:
            if cname == name and _spec(mod):
                module = importlib.import_module(f"{__name__}.{mod}")
                return getattr(module, "command")
        return None


def _spec(mod):
    return importlib.util.find_spec(f"{__name__}.{mod}") is not None


_DOC = re.compile(r'^def command\(.*?\):\n\s+(?:r?"""(.*?)"""|r?\'\'\'(.*?)\'\'\')', re.S | re.M)


def short_help(name: str, limit: int = 45) -> str:
    """The short help of command ``name`` as ``--help`` lists it, read from its module's source
    when that can be done (the command's own ``short_help`` is then not set: checked by a test),
    else from the imported command."""
    mod = dict(COMMANDS)[name]
    spec = importlib.util.find_spec(f"{__name__}.{mod}")
    try:
        with open(spec.origin, encoding="utf-8") as fh:
            m = _DOC.search(fh.read())
    except (OSError, TypeError, AttributeError):
        m = None
    if m is None:
        return main.get_command(None, name).get_short_help_str(limit)
    import inspect

    return click.Command(name, help=inspect.cleandoc(m.group(1) or m.group(2) or "")).get_short_help_str(limit)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="frontwatch")
def main():
    """frontwatch: verified, reproducible numbers from front-line control maps.

    Start with `frontwatch run` (sync the live DeepStateMap archive and print the Kursk report),
    or, offline: `frontwatch ingest PATH` then `frontwatch run --offline`.
    """
    import warnings

    warnings.showwarning = _one_line_warning


def run(args=None) -> None:
    """The ``frontwatch`` command as the shell runs it: :func:`main`, then a quick exit.

    Once a command has answered, Python's finalisation frees every object and unloads numpy,
    shapely and DuckDB: 30-70 ms of CPU per command measured here (a repeated ``area``: 0.25 ->
    0.22 s; a measuring ``area``: 0.75 -> 0.68 s), a tenth of a query's time. The command's own
    clean-up happened in it (the store published and closed, worker processes joined, as
    ``ctx.call_on_close`` does), and the ``atexit`` handlers still run (a writer left open is
    still published, temporary folders removed): only the freeing is skipped. Where other threads
    still run (the service, a Dask client), Python exits as usual, joining them."""
    try:
        main.main(args, prog_name="frontwatch")
        code = 0
    except SystemExit as exc:
        code = exc.code
    quick_exit(code)


def quick_exit(code=0) -> None:
    """Exit with ``code`` (as ``sys.exit`` takes it) after running the ``atexit`` handlers and
    flushing stdout and stderr, without Python's finalisation; ``sys.exit`` while other threads run."""
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): as Python's own exit says it
            code = 120
    os._exit(code)


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """A warning the library gives (an ambiguous place name, ...) as one ``warning:`` line on
    stderr, like every other message of the command, not Python's two lines with the source."""
    click.echo(f"warning: {' '.join(str(message).split())}", err=True)


import importlib.util  # noqa: E402
