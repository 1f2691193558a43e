"""The ``frontwatch`` command: small click subcommands, one module each, over the library.

A command parses its arguments, calls one library function, and formats the result; nothing
is computed here. Library errors (bad input, no data) become one-line messages and exit code 2.
"""
from __future__ import annotations

import importlib

import click

from frontwatch import __version__

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
    """Imports a command's module only when it runs, so ``frontwatch --help`` stays fast."""

    def list_commands(self, ctx):
        return [name for name, mod in COMMANDS if _spec(mod)]

    def invoke(self, ctx):
        # A library error a command did not catch itself (a damaged store met while reading its
        # results, say) is one line too, never a traceback.
        from frontwatch.faces.cli.errors import one_line_errors

        with one_line_errors():
            return super().invoke(ctx)

    def get_command(self, ctx, name):
        for cname, mod in COMMANDS:
            if cname == name and _spec(mod):
                module = importlib.import_module(f"{__name__}.{mod}")
                return getattr(module, "command")
        return None


def _spec(mod):
    return importlib.util.find_spec(f"{__name__}.{mod}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="frontwatch")
def main():
    """frontwatch: verified, reproducible numbers from front-line control maps.

    Start with `frontwatch run` (sync the live DeepStateMap archive and print the Kursk report),
    or, offline: `frontwatch ingest PATH` then `frontwatch run --offline`.
    """
    import warnings

    warnings.showwarning = _one_line_warning


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """A warning the library gives (an ambiguous place name, ...) as one ``warning:`` line on
    stderr, like every other message of the command, not Python's two lines with the source."""
    click.echo(f"warning: {' '.join(str(message).split())}", err=True)


import importlib.util  # noqa: E402
