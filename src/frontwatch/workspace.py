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

The answers are typed (:mod:`frontwatch.analysis.results`: frozen dataclasses, dates as
:class:`datetime.date`); ``to_record()`` gives the JSON-ready dict the faces print.

Example (``store_path``: the synthetic archive of ``tests/unit``, whose
``test_doctests.py`` runs the examples of this module)::

    >>> from frontwatch.workspace import Workspace
    >>> with Workspace(store_path) as ws:
    ...     [(a.status, a.km2) for a in ws.area("RUS", "ukraine_held")]
    [('ukraine_held', 1619.387)]

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
from frontwatch.analysis.holdings import SLIVER_WIDTH_KM
from frontwatch.analysis.measure import MeasureError
from frontwatch.analysis.results import Advance, Area, Change, Front, Peak, Settlement, SettlementChange, Summary
from frontwatch.geo.regions import Region, RegionError, load_borders, resolve_region
from frontwatch.lazy import lazy_import
from frontwatch.statuses import parse_statuses
from frontwatch.store import Store, StoreError

if TYPE_CHECKING:
    from frontwatch import engine as engine_mod
    from frontwatch.analysis import front as front_mod
    from frontwatch.analysis import holdings, measure, settlements, shares, summary, views
    from frontwatch.claims import check, ledger
else:
    engine_mod = lazy_import("frontwatch.engine")
    front_mod = lazy_import("frontwatch.analysis.front")
    holdings = lazy_import("frontwatch.analysis.holdings")
    measure = lazy_import("frontwatch.analysis.measure")
    settlements = lazy_import("frontwatch.analysis.settlements")
    shares = lazy_import("frontwatch.analysis.shares")
    summary = lazy_import("frontwatch.analysis.summary")
    views = lazy_import("frontwatch.analysis.views")
    check = lazy_import("frontwatch.claims.check")
    ledger = lazy_import("frontwatch.claims.ledger")

# The errors a question may raise, and the sliver width the CLI names, given here so that a face
# needs nothing of the analysis (the contract "faces-ask" in pyproject.toml).
__all__ = ["Workspace", "NO_BORDERS", "MeasureError", "RegionError", "StoreError", "SLIVER_WIDTH_KM"]

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
    def snapshots(self, start=None, end=None, *, every: str | None = None, source: str | None = None,
                  required: bool = False) -> list:
        """The stored snapshots (one per published map) of a window, oldest first.

        Parameters
        ----------
        start, end : datetime.date, optional
            The window's first and last day (inclusive; open when None).
        every : {"day", "week", "month"}, optional
            The last map of each period.
        source : str, optional
            Whose maps (default: the workspace's).
        required : bool
            None is a MeasureError naming the archive's range
            (:func:`frontwatch.analysis.measure.select_snapshots`) instead of an empty list.

        Returns
        -------
        list of SnapshotInfo
            ``id``, ``date``, ``taken_at`` (UTC), ``source``... of each map. A window that ends before
            it starts, or a source the store holds no map of, is a MeasureError.

        Examples
        --------
        >>> with Workspace(store_path) as ws:
        ...     [s.date.isoformat() for s in ws.snapshots(every="month")]
        ['2024-08-15', '2024-09-15']
        """
        source = source or self.source
        if required:
            return measure.select_snapshots(self.store, start=start, end=end, every=every, source=source)
        measure.check_window(start, end)  # a period that ends before it starts is an error, not "none"
        if source and source not in (have := self.store.sources()):
            raise measure.MeasureError(f"no snapshots of source {source!r}; the store holds {', '.join(have) or 'none yet'}")
        snaps = self.store.snapshots(source=source, start=start, end=end)
        if every and snaps:
            snaps = measure.select_snapshots(self.store, start=start, end=end, every=every, source=source)
        return snaps

    def snapshot(self, date=None, *, source: str | None = None):
        """The map a question about a day reads.

        Parameters
        ----------
        date : datetime.date, optional
            The day: its last map (:func:`frontwatch.analysis.measure.snapshot_on`: a MeasureError
            before the archive or long after its last map). None: the latest map.
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        SnapshotInfo

        Examples
        --------
        >>> import datetime as dt
        >>> with Workspace(store_path) as ws:
        ...     ws.snapshot(dt.date(2024, 9, 3)).date
        datetime.date(2024, 9, 1)
        """
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
             slivers: str = "leave_out", shares: bool = True, source: str | None = None) -> list[Area]:
        """Geodesic area of each status in a region, on one map or per map of a window.

        Parameters
        ----------
        region : str or Region
            A region spec (``ALL``, ``UKR``, ``"Donetsk oblast"``, ``Kurakhove:15km``...), resolved by
            :meth:`region`.
        statuses : str or sequence of str
            Status names, comma-separated or as a sequence, a side (``russia``, ``ukraine``) or
            ``"all"`` (every status the source maps).
        date : datetime.date, optional
            The day: its last map (default: the latest map). Ignored when ``start`` or ``end`` is given.
        start, end : datetime.date, optional
            A window: one answer per status per map in it (one map per ``every``).
        every : {"day", "week", "month"}, optional
            With a window, the last map of each period.
        slivers : {"leave_out", "keep"}
            Russia's statuses inside Russia narrower than 3 km along Ukraine's border (the map's border
            line against OpenStreetMap's): left out of ``km2`` (given in ``border_slivers_km2``) or kept.
        shares : bool
            Add ``share_pct`` of the region's land and each side's total where the borders are stored.
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        list of Area
            One :class:`~frontwatch.analysis.results.Area` per status per map (and per side when
            ``shares``): ``km2`` and ``sqmi`` (geodesic, WGS84), ``share_pct`` (percent of
            ``land_km2``), DeepStateMap's own figure where recorded (``official_km2``, ``diff_pct``).
            Computed by :func:`frontwatch.analysis.holdings.area_by_status`.

        Examples
        --------
        >>> import datetime as dt
        >>> with Workspace(store_path) as ws:
        ...     areas = ws.area("RUS", "ukraine_held", date=dt.date(2024, 8, 15))
        >>> [(a.status, a.km2, a.share_pct) for a in areas]
        [('ukraine_held', 3238.775, 1.66)]
        >>> areas[0].date, areas[0].to_record()["date"]
        (datetime.date(2024, 8, 15), '2024-08-15')
        """
        reg = self.region(region)
        if isinstance(statuses, str) or statuses is None:
            statuses = parse_statuses(statuses)
        borders = self.stored_borders() if reg.name.upper() != "ALL" else None
        recs = holdings.area_by_status(self.store, reg, statuses, date=date, start=start, end=end, every=every,
                                       source=source or self.source, engine=self.engine, borders=borders,
                                       slivers=slivers, shares=shares)
        return [Area.from_record(r) for r in recs]

    def statuses(self, statuses="all", source: str | None = None) -> tuple:
        """Status names of ``statuses`` (a comma-separated string, a side, "all" or a sequence);
        "all" is every status the source maps (the daily archive maps occupied only)."""
        parsed = parse_statuses(statuses) if isinstance(statuses, str) or statuses is None else tuple(statuses)
        return measure.resolve_statuses(self.store, parsed, source or self.source)

    def change(self, region, *, start, end, statuses=None, side=None, geometry: bool = False,
               source: str | None = None) -> Change:
        """What one side, or the union of some statuses, gained and lost in a region over a period.

        The period runs from the state at the start of ``start`` (the last map before that day) to the
        last map on or before ``end`` (:func:`frontwatch.analysis.measure.period_maps`).

        Parameters
        ----------
        region : str or Region
            A region spec or a resolved region.
        start, end : datetime.date
            The first and last day of the period (inclusive).
        statuses : str or sequence of str, optional
            Measure the union of these statuses (of one side, with ``contested`` if wanted).
        side : {"russia", "ukraine"}, optional
            Measure a side: its statuses and its country's land no layer covers. Wins over
            ``statuses``; neither means ``"russia"``.
        geometry : bool
            Add the gained and lost shapes (EPSG:4326) under ``geometry``.
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        Change
            ``gained_km2``, ``lost_km2``, ``net_km2`` (and sqmi), ``km2_from``/``km2_to``, the maps
            measured (``from_date``, ``to_date``, ``days`` apart) and the period asked for
            (``first_day``, ``last_day``); :func:`frontwatch.analysis.measure.change`.

        Examples
        --------
        >>> import datetime as dt
        >>> with Workspace(store_path) as ws:
        ...     c = ws.change("UKR", start=dt.date(2024, 8, 2), end=dt.date(2024, 9, 15))
        >>> c.what, c.gained_km2, c.lost_km2, c.from_date, c.days
        ('russia', 5072.86, 0.0, datetime.date(2024, 8, 1), 45)
        """
        if statuses is None and side is None:
            side = "russia"
        if isinstance(statuses, str):
            statuses = parse_statuses(statuses)
        reg = self.region(region)
        return Change.from_record(measure.change(
            self.store, reg, start=start, end=end, statuses=statuses if not side else None, side=side,
            borders=self.borders if side else None, source=source or self.source, geometry=geometry))

    def peak(self, region, statuses="ukraine_held", *, until=None, since=None, source: str | None = None) -> Peak:
        """The largest combined area of some statuses in a region, and the share of it lost since.

        Parameters
        ----------
        region : str or Region
            A region spec or a resolved region.
        statuses : str or sequence of str
            Statuses of one side (``occupied`` with ``ukraine_held`` is a MeasureError).
        until : datetime.date, optional
            The last day looked at (default: the latest map).
        since : datetime.date, optional
            The first day looked at (default: the first map).
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        Peak
            ``peak_date`` and ``peak_km2``, the area on ``date`` (``km2``), ``lost_km2`` and
            ``share_lost_pct`` (percent of the peak; None when the peak is 0);
            :func:`frontwatch.analysis.measure.peak`.

        Examples
        --------
        >>> with Workspace(store_path) as ws:
        ...     pk = ws.peak("RUS", "ukraine_held")
        >>> pk.peak_date, pk.peak_km2, pk.date, pk.share_lost_pct
        (datetime.date(2024, 8, 15), 3238.775, datetime.date(2024, 9, 15), 50.0)
        """
        if isinstance(statuses, str):
            statuses = parse_statuses(statuses)
        return Peak.from_record(measure.peak(self.store, self.region(region), statuses, until=until, since=since,
                                             source=source or self.source))

    def front(self, region="ALL", *, date=None, start=None, end=None, every=None,
              source: str | None = None) -> list[Front]:
        """The front line inside a region, on one map or per map of a window.

        Parameters
        ----------
        region : str or Region
            A region spec or a resolved region (default ``ALL``: the whole map).
        date : datetime.date, optional
            The day: its last map (default: the latest map).
        start, end : datetime.date, optional
            A window: one answer per map in it (one per ``every``).
        every : {"day", "week", "month"}, optional
            With a window, the last map of each period.
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        list of Front
            Per map: ``length_km`` (geodesic, WGS84), ``components`` (separate pieces of line),
            ``longest_km`` and the line itself (``geometry``, EPSG:4326);
            :func:`frontwatch.analysis.front.front`.

        Examples
        --------
        >>> import datetime as dt
        >>> with Workspace(store_path) as ws:
        ...     lines = ws.front("UKR", date=dt.date(2024, 9, 1))
        >>> [(f.date, f.length_km, f.components) for f in lines]
        [(datetime.date(2024, 9, 1), 500.0, 1)]
        """
        recs = front_mod.front(self.store, self.region(region), date=date, start=start, end=end, every=every,
                               borders=self.borders, source=source or self.source, engine=self._engine_now())
        return [Front.from_record(r) for r in recs]

    def advance(self, near, radius_km: float, *, start, end, every=None, source: str | None = None) -> list[Advance]:
        """How fast each side moved near a place, between consecutive maps of a window.

        Parameters
        ----------
        near : str
            A place name (any spelling the gazetteer knows) or ``"lat,lon"``.
        radius_km : float
            The circle's radius (km).
        start, end : datetime.date
            The window.
        every : {"day", "week", "month"}, optional
            Compare the last maps of consecutive periods (default: consecutive maps).
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        list of Advance
            Per pair of maps and per side: ground gained, lost and net (km2), the mean advance (net
            ground over the mean front length, m/day) and the largest local shift (m, m/day, bearing in
            degrees from north); :func:`frontwatch.analysis.front.advance`.

        Examples
        --------
        >>> import datetime as dt
        >>> with Workspace(store_path) as ws:
        ...     paces = ws.advance("47.5,35.9", 30, start=dt.date(2024, 8, 1), end=dt.date(2024, 9, 15), every="month")
        >>> [(a.from_date, a.to_date, a.russia_mean_m_per_day, a.russia_shift_bearing_deg) for a in paces]
        [(datetime.date(2024, 8, 15), datetime.date(2024, 9, 15), 501.251, 270.0)]
        """
        recs = front_mod.advance(self.store, near, radius_km, start=start, end=end, every=every, borders=self.borders,
                                 source=source or self.source, engine=self._engine_now())
        return [Advance.from_record(r) for r in recs]

    def settlements(self, region, *, date=None, start=None, end=None, side=None,
                    source: str | None = None, notes=None, at_notes: bool = True) -> list[Settlement] | list[SettlementChange]:
        """Settlements of the gazetteer in a region: who held each on a day, or which changed hands.

        Parameters
        ----------
        region : str or Region
            A region spec or a resolved region.
        date : datetime.date, optional
            The day: the status and side of each settlement on its last map (the default, with no
            period, is the latest map).
        start, end : datetime.date, optional
            A period: the settlements that changed hands in it (sorted by date, the first map showing
            the new state), from the state at the start of ``start``.
        side : {"russia", "ukraine"}, optional
            Keep the settlements of that side (on a day) or taken by it (in a period).
        notes : list or True, optional
            Changes only: the map maker's notes of the period (:meth:`settlement_notes`; True: those
            the store holds). With notes, a place a note says changed hands is read at the note's point
            (unless ``at_notes`` is False) and each change is cross-checked against them (``note_says``;
            ``flag``: "map only", and a "note only" answer for a note no change confirms);
            :func:`frontwatch.analysis.settlements.cross_check`.
        at_notes : bool
            Read a place a note names at the note's point (default) or always at the gazetteer's.
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        list of Settlement or list of SettlementChange
            :class:`~frontwatch.analysis.results.Settlement` on a day (``status``, ``side``,
            ``population``, ``lat``/``lon`` in degrees), :class:`~frontwatch.analysis.results.SettlementChange`
            over a period (``old_status``/``new_status``, ``old_side``/``new_side``);
            :func:`frontwatch.analysis.settlements.settlements_on`,
            :func:`~frontwatch.analysis.settlements.settlement_changes`.

        Examples
        --------
        >>> import datetime as dt
        >>> with Workspace(store_path) as ws:
        ...     taken = ws.settlements("UKR", start=dt.date(2024, 8, 2), end=dt.date(2024, 9, 15), side="russia")
        >>> len(taken) > 0, all(c.new_side == "russia" and c.date > dt.date(2024, 8, 1) for c in taken)
        (True, True)
        """
        reg, source = self.region(region), source or self.source
        if date or not (start or end):
            recs = settlements.settlements_on(self.store, reg, date, borders=self.borders, source=source)
            return [Settlement.from_record(r) for r in recs if not side or r["side"] == side]
        if notes is True:
            notes = self.settlement_notes(start, end)
        recs = settlements.settlement_changes(self.store, reg, start=start, end=end, borders=self.borders,
                                              source=source, side=side, notes=notes if at_notes else None)
        if notes is not None:
            recs = settlements.cross_check(recs, notes, region=reg, start=start, end=end)
            recs = [r for r in recs if r["new_side"] == side] if side else recs
        return [SettlementChange.from_record(r) for r in recs]

    def settlement_notes(self, start=None, end=None) -> list | None:
        """The map maker's notes the store holds for ``start``..``end`` (widened by 3 days each
        way, to be found beside the period's changes), or None when it holds none (they come with
        ``frontwatch sync deepstate``); :func:`frontwatch.analysis.settlements.stored_notes`."""
        return settlements.stored_notes(self.store, start, end)

    def summary(self, region="RUS", date=None, *, source: str | None = None) -> Summary:
        """What the main job (``frontwatch run``) reports for a region on a day.

        Parameters
        ----------
        region : str or Region
            A region spec or a resolved region (default ``RUS``: Ukrainian-held ground in Russia).
        date : datetime.date, optional
            The day (default: the latest map).
        source : str, optional
            Whose maps (default: the workspace's).

        Returns
        -------
        Summary
            ``areas`` (per status, border slivers left out with the borders loaded or fetched as for
            :meth:`change`, except for ALL), ``changes`` over the last 7 and 30 days of each side
            present, ``peaks`` with the share lost since, and the map's ``date`` and the store's range;
            :func:`frontwatch.analysis.summary.region_summary`.

        Examples
        --------
        >>> with Workspace(store_path) as ws:
        ...     rep = ws.summary("RUS")
        >>> rep.date, [(p.statuses, p.share_lost_pct) for p in rep.peaks]
        (datetime.date(2024, 9, 15), [('ukraine_held', 50.0)])
        >>> [(c.window_days, c.net_km2) for c in rep.changes]
        [(7, -809.694), (30, -1619.387)]
        """
        reg = self.region(region)
        return Summary.from_record(summary.region_summary(self.store, reg, date, source=source or self.source,
                                                          borders=self.borders if reg.name.upper() != "ALL" else None))

    def area_totals(self, areas) -> list[dict]:
        """Each map's total of the per-status :class:`~frontwatch.analysis.results.Area` answers
        of :meth:`area` (``{date, taken_at, snapshot_id, region, statuses, km2, sqmi}``, km2 and
        sqmi summed; side totals left out by the caller); :func:`frontwatch.analysis.measure.totals_by_snapshot`."""
        return measure.totals_by_snapshot([a.to_record() for a in areas])

    def settlement_summary(self, changes) -> dict:
        """Counts of the :class:`~frontwatch.analysis.results.SettlementChange` answers of
        :meth:`settlements`: ``changes``, ``places`` that changed, ``places_changed_side`` (a
        different side at the end than at the start); :func:`frontwatch.analysis.settlements.summarise_changes`."""
        return settlements.summarise_changes([c.to_record() for c in changes])

    # ------------------------------------------------------------------ what charts and maps show
    def area_chart_data(self, region, statuses="all", start=None, end=None, *, source: str | None = None) -> dict:
        """The area of each of ``statuses`` in ``region`` per map of ``start``..``end`` (km2, border
        slivers left out where the store has borders), each map's total and the peak over the
        window, as the area chart draws them; :func:`frontwatch.analysis.views.area_chart_data`."""
        if isinstance(statuses, str) or statuses is None:
            statuses = parse_statuses(statuses)
        return views.area_chart_data(self.store, self.region(region), statuses, start, end, source=source or self.source)

    def advance_chart_data(self, near, radius_km: float, start, end, *, every: str | None = "week",
                           source: str | None = None) -> dict:
        """:meth:`advance` per ``every`` with, per side, the range of the mean advance and the
        largest shift (m/day), as the advance chart draws them;
        :func:`frontwatch.analysis.views.advance_chart_data`."""
        return views.advance_chart_data(self.store, near, radius_km, start, end, every=every, borders=self.borders,
                                        source=source or self.source, engine=self._engine_now())

    def map_data(self, region, date, *, compare=None, fronts: bool = True, max_labels: int = 14,
                 source: str | None = None) -> dict:
        """What the map of ``region`` on ``date`` shows: the map's layers, the view (lon/lat box),
        the ground Russia's side gained and lost since ``compare`` (km2), the front lines in view
        and the largest places; :func:`frontwatch.analysis.views.map_data`."""
        return views.map_data(self.store, self.region(region), date, compare=compare, borders=self.borders,
                              source=source or self.source, fronts=fronts, max_labels=max_labels)

    def side_changes(self, region, start=None, end=None, *, source: str | None = None) -> tuple[str, list[dict]]:
        """``(every, changes)``: the ground a side gained and lost in ``region`` (km2) between the
        last maps of consecutive weeks of ``start``..``end`` (months when there are too many weeks),
        the side chosen as :func:`frontwatch.analysis.views.side_change` does."""
        reg, source = self.region(region), source or self.source
        every, pairs = views.change_pairs(self.store, start, end, source)
        return every, [views.side_change(self.store, reg, a.taken_at, b.taken_at, borders=self.borders, source=source)
                       for a, b in pairs]

    def borders_origin(self) -> str | None:
        """Where the store's country borders came from (the file or URL given to ``frontwatch
        borders``), or None; :func:`frontwatch.analysis.views.borders_origin`."""
        return views.borders_origin(self.store)

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
