"""What every command needs: its :class:`~frontwatch.workspace.Workspace` (the store, opened
once, borders and regions resolved as the JSON API and the report resolve them).

How a command opens the store follows what it does, by its name (one table here, so the command
modules do not each decide):

* commands that bring data in (``ingest``, ``sync``, ``borders``, ``admin``, ``run``) may create
  the store, and all but ``run`` take the writer lock at once, so that a second writer is told in
  one line before it reads anything (``run`` writes only what its sync finds);
* ``claims check`` writes its ledger into an existing store (the lock is taken when it writes);
* every other command only reads: it opens the store read-only, never creates one (a mistyped
  ``--store`` is one line, "no store at PATH; run `frontwatch ingest PATH --store PATH` first"),
  and runs while an ingest or a ``frontwatch serve`` uses the same store.
"""
from __future__ import annotations

import click

from frontwatch.geo.regions import RegionError
from frontwatch.store import Store, StoreError
from frontwatch.workspace import Workspace

# command (as typed after `frontwatch`) -> (may create the store, takes the writer lock at once)
WRITERS = {"ingest": (True, True), "sync": (True, True), "borders": (True, True), "admin": (True, True),
           "run": (True, False), "claims check": (False, False)}


def command_name(ctx: click.Context | None = None) -> str:
    """The command as typed after ``frontwatch`` (``area``, ``claims check``)."""
    ctx = ctx or click.get_current_context(silent=True)
    parts = []
    while ctx is not None and ctx.parent is not None:
        parts.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(parts))


class Context(Workspace):
    """The command's :class:`~frontwatch.workspace.Workspace`, opened as its name says (the table
    above), whose library errors are click's one-line errors: a store that cannot be opened or
    borders that cannot be had end the command with their message, a region that names nothing
    is a bad ``--region`` (or ``param_hint``)."""

    def __init__(self, store_path=None, borders_file=None, read_only=None, command=None, *, admin_file=None,
                 engine=None, scheduler=None, source=None):
        command = command if command is not None else command_name()
        create, lock_now = WRITERS.get(command, (False, False))
        # read_only None: by the command's name (see the module docstring).
        read_only = (command not in WRITERS) if read_only is None else read_only
        super().__init__(store_path, borders_file=borders_file, admin_file=admin_file, source=source,
                         read_only=read_only, create=create, lock=lock_now, engine=engine, scheduler=scheduler)

    @property
    def store(self) -> Store:
        try:
            return Workspace.store.fget(self)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None

    @property
    def borders(self) -> dict:
        try:
            return Workspace.borders.fget(self)
        except RegionError as exc:
            raise click.ClickException(str(exc)) from None

    def region(self, spec, param_hint="--region"):
        try:
            return super().region(spec)
        except RegionError as exc:
            raise click.BadParameter(str(exc), param_hint=param_hint) from None

    def close(self):
        """Close the engine and the store: a writer's work is published (atomically) here."""
        try:
            super().close()
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None


def make_context(store_path, borders_file, read_only=None, *, engine=None, scheduler=None, source=None) -> Context:
    """The running command's workspace, closed when the command ends; ``--admin`` (or
    $FRONTWATCH_ADMIN), when given, names the oblasts."""
    ctx = click.get_current_context()
    c = Context(store_path, borders_file, read_only, command_name(ctx),
                admin_file=ctx.find_root().meta.get("frontwatch.admin_file"), engine=engine, scheduler=scheduler,
                source=source)
    ctx.call_on_close(c.close)
    return c
