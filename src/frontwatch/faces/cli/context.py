"""What every command needs: the store (opened once), borders and regions resolved the same way."""
from __future__ import annotations

import click

from frontwatch.geo.regions import RegionError, load_borders, resolve_region
from frontwatch.store import Store, StoreError


class Context:
    def __init__(self, store_path=None, borders_file=None, read_only=False):
        self.store_path = store_path
        self.borders_file = borders_file
        self.read_only = read_only
        self._store = None
        self._borders = None

    @property
    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = Store(self.store_path, read_only=self.read_only)
            except StoreError as exc:
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
        if self._store is not None:
            self._store.close()


def make_context(store_path, borders_file, read_only=False) -> Context:
    ctx = click.get_current_context()
    c = Context(store_path, borders_file, read_only)
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
