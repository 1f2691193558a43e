"""The workspace: one store and what every question about it needs, behind every face.

A :class:`Workspace` holds the store, the country borders, the regions resolved from specs
("RUS", "Donetsk oblast", "Kurakhove:15km"), the gazetteer's admin file and the engine, each made
on first use: creating one opens nothing, a read never creates a store, and a query whose figures
the store holds loads no geometry library. The library's questions hang off it
(:meth:`~Workspace.area`, :meth:`~Workspace.change`, :meth:`~Workspace.peak`,
:meth:`~Workspace.front`, :meth:`~Workspace.advance`, :meth:`~Workspace.settlements`,
:meth:`~Workspace.check_claims`), each calling the analysis function that computes it with the
borders that function needs, so the CLI, the JSON API and the HTML report give the same figures
because they ask the same object (as datasette's ``Datasette`` object is behind ``serve``, its
views and its tests).

Written once here, and nowhere else:

* how a region spec becomes a :class:`~frontwatch.geo.regions.Region` (:meth:`Workspace.region`),
  with the borders loaded only when the spec needs them (a country, an oblast), memoised per
  workspace with the warnings it gave (an ambiguous place name is given again on every use);
* which borders each question takes (:meth:`Workspace.borders`, fetched when the store has none
  unless ``fetch_borders=False``; :meth:`Workspace.stored_borders`, never fetched).

Example (the synthetic archive of ``tests/unit``; a doctest there runs it)::

    >>> from frontwatch.workspace import Workspace
    >>> with Workspace(store_path) as ws:                                  # doctest: +SKIP
    ...     [r["km2"] for r in ws.area("UKR", ("occupied",), date="2024-11-24")]
    [1234.5]

May import: frontwatch.claims, frontwatch.analysis, frontwatch.geo, frontwatch.store and below
(the layer between the claims and the faces; the claims checker receives the workspace's parts,
its store, borders and region resolver, and does not import this module).
"""
from __future__ import annotations

import collections
import datetime as dt
import os
import threading
from typing import TYPE_CHECKING, Callable

from frontwatch import notices
from frontwatch.geo.regions import Region, RegionError, load_borders, resolve_region
from frontwatch.lazy import lazy_import
from frontwatch.statuses import parse_statuses
from frontwatch.store import Store, StoreError

if TYPE_CHECKING:
    from frontwatch import engine as engine_mod
    from frontwatch.analysis import front as front_mod
    from frontwatch.analysis import holdings, measure, settlements, shares, summary
    from frontwatch.claims import check, ledger
else:
    engine_mod = lazy_import("frontwatch.engine")
    front_mod = lazy_import("frontwatch.analysis.front")
    holdings = lazy_import("frontwatch.analysis.holdings")
    measure = lazy_import("frontwatch.analysis.measure")
    settlements = lazy_import("frontwatch.analysis.settlements")
    shares = lazy_import("frontwatch.analysis.shares")
    summary = lazy_import("frontwatch.analysis.summary")
    check = lazy_import("frontwatch.claims.check")
    ledger = lazy_import("frontwatch.claims.ledger")

__all__ = ["Workspace", "NO_BORDERS"]

NO_BORDERS = "no country borders in the store: run `frontwatch borders FILE` (or start with --borders FILE)"
REGIONS_KEPT = 256  # resolved regions memoised per workspace


class Workspace:
    """One store and what the questions about it need, each made on first use.

    Parameters
    ----------
    store_path : str or os.PathLike, optional
        The store file (default: :func:`frontwatch.store.default_store_path`).
    store : Store, optional
        An open store to use instead (the service's per-thread read-only store); the workspace
        then does not close it.
    borders_file : str or os.PathLike, optional
        Country borders to use instead of the store's.
    admin_file : str or os.PathLike, optional
        First-level units (oblasts) to name regions by, instead of the store's.
    source : str, optional
        Whose maps to measure (default: deepstate if the store has it).
    read_only : bool
        Open the store read-only (default), so that readers never block readers nor a writer.
    create : bool
        Create the store when there is none (only commands that bring data in do).
    lock : bool
        Take the writer lock when the store is opened (a second writer is told at once).
    fetch_borders : bool
        Fetch the default borders when neither ``borders_file`` nor the store has any (the CLI);
        False: a RegionError (the service never downloads during a request).
    engine : str or engine, optional
        Where per-snapshot work runs: an engine, or the name given to
        :func:`frontwatch.engine.get_engine` (made on first use; ``scheduler`` for Dask). None:
        in this process.

    Examples
    --------
    >>> ws = Workspace("/nonexistent/store.duckdb")
    >>> ws.is_open
    False
    >>> ws.close()  # opened nothing, closes nothing
    """

    def __init__(self, store_path: str | os.PathLike | None = None, *, store: Store | None = None,
                 borders_file=None, admin_file=None, source: str | None = None, read_only: bool = True,
                 create: bool = False, lock: bool = False, fetch_borders: bool = True, engine=None,
                 scheduler: str | None = None):
        self.store_path = store_path if store is None else store.path
        self.borders_file = borders_file
        self.admin_file = admin_file
        self.source = source
        self.read_only, self.create, self.lock, self.fetch_borders = read_only, create, lock, fetch_borders
        self._store = store
        self._owns_store = store is None
        self._borders = None
        self._borders_lock = threading.Lock()
        self._regions: collections.OrderedDict = collections.OrderedDict()
        self._regions_lock = threading.Lock()
        # An engine named is made when the library first has work for it (_LazyEngine).
        self._engine = _LazyEngine(engine, scheduler) if isinstance(engine, str) else engine

    # ------------------------------------------------------------------ the parts
    @property
    def is_open(self) -> bool:
        """Whether the store has been opened."""
        return self._store is not None

    @property
    def store(self) -> Store:
        """The store, opened on first use (read-only unless the workspace writes; never created
        by a reader: a mistyped path is a one-line StoreError)."""
        if self._store is None:
            store = Store(self.store_path, read_only=self.read_only, create=self.create)
            try:
                if self.lock and not self.read_only:
                    store.begin_writing()
            except StoreError:
                store.close()
                raise
            self._store = store
        return self._store

    @property
    def borders(self) -> dict:
        """Country borders ``{iso_a3: geometry}``: ``borders_file``'s, else the store's, else
        fetched (``fetch_borders``; otherwise a RegionError saying how to set them)."""
        with self._borders_lock:
            if self._borders is None:
                if not self.fetch_borders and not self.borders_file and not self.store.borders():
                    raise RegionError(NO_BORDERS)
                self._borders = load_borders(self.store, self.borders_file)
            return self._borders

    def stored_borders(self) -> dict | None:
        """The borders of ``borders_file`` or the store, never fetched; None when neither has any
        (then figures that need land, shares and border slivers, are left out)."""
        with self._borders_lock:
            if self._borders is None and not self.borders_file:
                self._borders = self.store.borders() or None
                if self._borders is None:
                    return None
        return self.borders

    @property
    def engine(self):
        """The engine per-snapshot work runs on (None: in this process); one given by name is
        made when the library first has work for it, so a query whose figures the store holds
        starts no worker and loads no geometry library."""
        return self._engine

    def _engine_now(self):
        """The engine, made now: front lines and advances always trace their maps on it (and an
        engine that cannot be had, Dask without its extra, is said before any work)."""
        return self._engine.made() if isinstance(self._engine, _LazyEngine) else self._engine

    def region(self, spec: str | Region) -> Region:
        """The :class:`~frontwatch.geo.regions.Region` of ``spec`` (ALL, an ISO-3 code, an oblast,
        ``Place:15km``, ``lat,lon:15km``, ``bbox:...``, a GeoJSON file), resolved once per
        workspace; the borders are loaded only when the spec needs them. A warning it gave (an
        ambiguous place name) is given again each time. RegionError when it names nothing."""
        return self._region(spec, lambda: self.borders)

    def _region(self, spec, borders: Callable[[], dict]) -> Region:
        if isinstance(spec, Region):
            return spec
        spec = str(spec).strip()
        with self._regions_lock:
            hit = self._regions.get(spec)
        if hit is None:
            with notices.collect() as said:
                reg = resolve_region(spec, borders, store=self.store, admin_file=self.admin_file)
            hit = (reg, tuple(said))
            with self._regions_lock:
                self._regions[spec] = hit
                while len(self._regions) > REGIONS_KEPT:
                    self._regions.popitem(last=False)
        for message in hit[1]:
            notices.warn(message)
        return hit[0]

    # ------------------------------------------------------------------ the questions
    def snapshots(self, start=None, end=None, *, source: str | None = None) -> list:
        """The stored snapshots (:class:`~frontwatch.store.Snapshot`, one per published map) taken
        from ``start`` to ``end`` (days, inclusive), oldest first; none is an empty list. A window
        that ends before it starts, or a source the store holds no map of, is a MeasureError."""
        source = source or self.source
        measure.check_window(start, end)  # a period that ends before it starts is an error, not "none"
        if source and source not in self.store.sources():
            have = self.store.sources()
            raise measure.MeasureError(f"no snapshots of source {source!r}; the store holds {', '.join(have) or 'none yet'}")
        return self.store.snapshots(source=source, start=start, end=end)

    def snapshot(self, date=None, *, source: str | None = None):
        """The map a question about ``date`` reads: the last snapshot taken on or before it
        (:func:`frontwatch.analysis.measure.snapshot_on`: a MeasureError before the archive or long
        after its last map), or the latest one without ``date``."""
        source = source or self.source
        if date:
            return measure.snapshot_on(self.store, date, source=source)
        return measure.select_snapshots(self.store, source=source)[-1]

    def named_regions(self, country: str | None = None) -> tuple[list[dict], list[str]]:
        """``(records, notes)``: the first-level regions (oblasts) a region spec can name, one
        record each (iso, country, name, name_uk, name_ru, land_km2 in km2 where the borders are
        known) and one per country of the borders, ``country``'s only when given; ``notes`` say
        which countries' regions could not be had and how to add them. Those missing are fetched
        from geoBoundaries (once) only by a workspace that fetches borders (``fetch_borders``);
        :func:`frontwatch.analysis.shares.list_regions`."""
        borders = self.stored_borders() if self.fetch_borders else self.borders
        return shares.list_regions(self.store, borders, admin_file=self.admin_file, country=country,
                                   fetch=self.fetch_borders)

    def area(self, region, statuses="all", *, date=None, start=None, end=None, every=None,
             slivers: str = "leave_out", shares: bool = True, source: str | None = None) -> list[dict]:
        """Geodesic area (km2, sqmi) of each status in ``region`` on ``date`` (default: the latest
        map) or per snapshot of ``start``..``end`` (one per ``every``), with each side's total
        and each figure's share of the region's land (``share_pct``) where the borders are
        stored; :func:`frontwatch.analysis.holdings.area_by_status`. ``statuses``: names, a
        side or "all" (every status the source maps)."""
        reg = self.region(region)
        if isinstance(statuses, str) or statuses is None:
            statuses = parse_statuses(statuses)
        borders = self.stored_borders() if reg.name.upper() != "ALL" else None
        return holdings.area_by_status(self.store, reg, statuses, date=date, start=start, end=end, every=every,
                                       source=source or self.source, engine=self.engine, borders=borders,
                                       slivers=slivers, shares=shares)

    def statuses(self, statuses="all", source: str | None = None) -> tuple:
        """Status names of ``statuses`` (a comma-separated string, a side, "all" or a sequence);
        "all" is every status the source maps (the daily archive maps occupied only)."""
        parsed = parse_statuses(statuses) if isinstance(statuses, str) or statuses is None else tuple(statuses)
        return measure.resolve_statuses(self.store, parsed, source or self.source)

    def change(self, region, *, start, end, statuses=None, side=None, geometry: bool = False,
               source: str | None = None) -> dict:
        """What ``side`` (default: Russia's, unless ``statuses`` are given) or the union of
        ``statuses`` gained and lost in ``region`` from the state at the start of ``start`` to the
        last map on or before ``end`` (km2, sqmi; ``geometry``: the shapes too);
        :func:`frontwatch.analysis.measure.change`."""
        if statuses is None and side is None:
            side = "russia"
        if isinstance(statuses, str):
            statuses = parse_statuses(statuses)
        reg = self.region(region)
        return measure.change(self.store, reg, start=start, end=end, statuses=statuses if not side else None, side=side,
                              borders=self.borders if side else None, source=source or self.source, geometry=geometry)

    def peak(self, region, statuses="ukraine_held", *, until=None, since=None, source: str | None = None) -> dict:
        """Date and size (km2) of the largest combined area of ``statuses`` in ``region``, the area
        on ``until`` and the share of the peak lost since; :func:`frontwatch.analysis.measure.peak`."""
        if isinstance(statuses, str):
            statuses = parse_statuses(statuses)
        return measure.peak(self.store, self.region(region), statuses, until=until, since=since,
                            source=source or self.source)

    def front(self, region="ALL", *, date=None, start=None, end=None, every=None,
              source: str | None = None) -> list[dict]:
        """The front line inside ``region`` (geometry, ``length_km``, ``components``,
        ``longest_km``) on ``date`` (default: the latest map) or per snapshot of
        ``start``..``end``; :func:`frontwatch.analysis.front.front`."""
        return front_mod.front(self.store, self.region(region), date=date, start=start, end=end, every=every,
                               borders=self.borders, source=source or self.source, engine=self._engine_now())

    def advance(self, near, radius_km: float, *, start, end, every=None, source: str | None = None) -> list[dict]:
        """Advance of each side (m/day) inside a circle of ``radius_km`` around ``near`` (a place
        name or "lat,lon") between ``start`` and ``end``; :func:`frontwatch.analysis.front.advance`."""
        return front_mod.advance(self.store, near, radius_km, start=start, end=end, every=every, borders=self.borders,
                                 source=source or self.source, engine=self._engine_now())

    def settlements(self, region, *, date=None, start=None, end=None, side=None,
                    source: str | None = None, notes=None, at_notes: bool = True) -> list[dict]:
        """Settlements of the gazetteer in ``region``: those that changed hands between ``start``
        and ``end`` (sorted by date), or, with ``date`` or no period, the status and side of each
        on that day (default: the latest map); ``side`` keeps those of (or taken by) one side.

        ``notes`` (changes only): the map maker's notes of the period (:meth:`settlement_notes`;
        True: those the store holds). With notes, a place a note says changed hands is read at the
        note's point (unless ``at_notes`` is False), and each change is cross-checked against
        them (``note_says``, ``flag``: "map only", and a "note only" record for what no change
        confirms; :func:`frontwatch.analysis.settlements.cross_check`).
        :mod:`frontwatch.analysis.settlements`."""
        reg, source = self.region(region), source or self.source
        if date or not (start or end):
            recs = settlements.settlements_on(self.store, reg, date, borders=self.borders, source=source)
            return [r for r in recs if r["side"] == side] if side else recs
        if notes is True:
            notes = self.settlement_notes(start, end)
        recs = settlements.settlement_changes(self.store, reg, start=start, end=end, borders=self.borders,
                                              source=source, side=side, notes=notes if at_notes else None)
        if notes is None:
            return recs
        recs = settlements.cross_check(recs, notes, region=reg, start=start, end=end)
        return [r for r in recs if r["new_side"] == side] if side else recs

    def settlement_notes(self, start=None, end=None) -> list | None:
        """The map maker's notes the store holds for ``start``..``end`` (widened by 3 days each
        way, to be found beside the period's changes), or None when it holds none (they come with
        ``frontwatch sync deepstate``); :func:`frontwatch.analysis.settlements.stored_notes`."""
        return settlements.stored_notes(self.store, start, end)

    def summary(self, region="RUS", date=None, *, source: str | None = None) -> dict:
        """What the main job (``frontwatch run``) reports for ``region`` on ``date`` (default: the
        latest map): the areas per status (border slivers left out, with the borders loaded or
        fetched as for :meth:`change`, except for ALL), the change over the last 7 and 30 days of
        each side present, and the peak with the share lost since;
        :func:`frontwatch.analysis.summary.region_summary`."""
        reg = self.region(region)
        return summary.region_summary(self.store, reg, date, source=source or self.source,
                                      borders=self.borders if reg.name.upper() != "ALL" else None)

    def check_claims(self, text, published: dt.date | None = None, *, report=None, save: bool = False,
                     source: str | None = None) -> dict:
        """The numeric claims of ``text`` checked against the maps (``{claims, consistency,
        published, notes}``, :func:`frontwatch.claims.check.check_text`); with ``report`` (a file
        name, "-" for stdin) also ``report``, ``report_hash`` and ``saved``, and with ``save``
        kept in the store's claims ledger (:func:`frontwatch.claims.ledger.check_report`).
        Regions are resolved by this workspace; borders loaded only when a claim needs them.
        (``source``: whose maps, default the workspace's.)"""
        # This class's borders and resolver, whatever a subclass makes of their errors: a region
        # a claim names that has no shape makes that claim not checkable (a RegionError), not the
        # report fail. Borders are loaded when a claim first needs them.
        borders = lambda: Workspace.borders.fget(self)  # noqa: E731
        regions = lambda spec: self._region(spec, borders)  # noqa: E731
        if save or report is not None:
            return ledger.check_report(self.store, text, report, published=published, borders=borders,
                                       source=source or self.source, save=save, regions=regions)
        return check.check_text(self.store, text, published, borders, source=source or self.source,
                                regions=regions)

    # ------------------------------------------------------------------ life
    def close(self) -> None:
        """Close the engine it made and the store it opened (a writer's work is published,
        atomically, here)."""
        if isinstance(self._engine, _LazyEngine):
            self._engine.close()
        if self._store is not None and self._owns_store:
            store, self._store = self._store, None
            store.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.store_path)!r}{', open' if self.is_open else ''})"


class _LazyEngine:
    """The engine of a name (:func:`frontwatch.engine.get_engine`), made on the first attribute
    read; ``close()`` closes it if it was made."""

    def __init__(self, name, scheduler=None):
        self._args = (name, scheduler)
        self._engine = None

    def made(self):
        """The engine itself, made if it was not."""
        if self._engine is None:
            self._engine = engine_mod.get_engine(*self._args)
        return self._engine

    def __getattr__(self, attr):
        return getattr(self.made(), attr)

    def close(self):
        if self._engine is not None:
            engine, self._engine = self._engine, None
            engine.close()
