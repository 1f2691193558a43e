"""What every command needs: the store (opened once), borders and regions resolved the same way.

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

from frontwatch.geo.regions import RegionError, load_borders, resolve_region
from frontwatch.store import Store, StoreError

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


class Context:
    def __init__(self, store_path=None, borders_file=None, read_only=None, command=None):
        self.store_path = store_path
        self.borders_file = borders_file
        command = command if command is not None else command_name()
        self.create, self.lock_now = WRITERS.get(command, (False, False))
        # read_only None: by the command's name (see the module docstring).
        self.read_only = (command not in WRITERS) if read_only is None else read_only
        self._store = None
        self._borders = None

    @property
    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = Store(self.store_path, read_only=self.read_only, create=self.create)
                if self.lock_now and not self.read_only:
                    self._store.begin_writing()
            except StoreError as exc:
                if self._store is not None:
                    self._store.close()
                    self._store = None
                raise click.ClickException(str(exc)) from None
        return self._store

    @property
    def borders(self) -> dict:
        if self._borders is None:
            try:
                self._borders = load_borders(self.store, self.borders_file)
            except RegionError as exc:
                raise click.ClickException(str(exc)) from None
        return self._borders

    @property
    def admin_file(self):
        """``--admin FILE`` (or $FRONTWATCH_ADMIN) when given to this command."""
        ctx = click.get_current_context(silent=True)
        return ctx.find_root().meta.get("frontwatch.admin_file") if ctx is not None else None

    def stored_borders(self) -> dict | None:
        """The borders of ``--borders`` or the store, without fetching any; None when neither has them."""
        if self._borders is None:
            if self.borders_file:
                return self.borders
            saved = self.store.borders()
            if not saved:
                return None
            self._borders = saved
        return self._borders

    def region(self, spec, param_hint="--region"):
        try:
            # Borders are loaded only when the spec needs them (a country, an oblast).
            return resolve_region(spec, lambda: self.borders, store=self.store, admin_file=self.admin_file)
        except RegionError as exc:
            raise click.BadParameter(str(exc), param_hint=param_hint) from None

    def close(self):
        """Close the store: a writer's work is published (atomically) here."""
        if self._store is not None:
            store, self._store = self._store, None
            try:
                store.close()
            except StoreError as exc:
                raise click.ClickException(str(exc)) from None


def make_context(store_path, borders_file, read_only=None) -> Context:
    ctx = click.get_current_context()
    c = Context(store_path, borders_file, read_only, command_name(ctx))
    ctx.call_on_close(c.close)
    return c


class lazy_engine:
    """The engine of ``--engine`` (:func:`frontwatch.engine.get_engine`), made when the library
    first has work for it: a query whose figures the store holds starts no worker and loads no
    geometry library. ``close()`` closes it if it was made."""

    def __init__(self, name, scheduler=None):
        self._args = (name, scheduler)
        self._engine = None

    def __getattr__(self, attr):
        if self._engine is None:
            from frontwatch.engine import get_engine

            self._engine = get_engine(*self._args)
        return getattr(self._engine, attr)

    def close(self):
        if self._engine is not None:
            self._engine.close()
