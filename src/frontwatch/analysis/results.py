"""Typed results: the answers of :class:`frontwatch.workspace.Workspace` as frozen dataclasses.

Each class names the figures of one answer, with their units in the names (``km2``, ``sqmi``,
``m_per_day``, ``km``), dates as :class:`datetime.date` and times as :class:`datetime.datetime`
(UTC). ``to_record()`` gives the JSON-ready dict the faces print (dates as ISO strings), with the
same keys in the same order as the analysis function that measured it wrote them, so the CLI's
``--format json``, the API and the report print the same bytes as before the types came.

An answer is made by ``from_record(rec)`` from the analysis function's record: the analysis
keeps building plain dicts (the claims checker reads those), and the workspace hands out the
typed answer. Figures a record may leave out (DeepStateMap's own figure, the share of the
region's land, the border slivers: ``None`` here) are left out of ``to_record()`` too; a key
this module does not name yet is kept (``extra``) and given back, so nothing is lost.

Example::

    >>> rec = {"region": "RUS", "statuses": "ukraine_held", "peak_date": "2024-09-06", "peak_km2": 901.071,
    ...        "peak_sqmi": 347.905, "date": "2024-11-24", "km2": 555.535, "sqmi": 214.493,
    ...        "lost_km2": 345.536, "lost_sqmi": 133.412, "share_lost_pct": 38.35, "snapshots": 204}
    >>> pk = Peak.from_record(rec)
    >>> pk.peak_date, pk.share_lost_pct
    (datetime.date(2024, 9, 6), 38.35)
    >>> pk.to_record() == rec and list(pk.to_record()) == list(rec)
    True

May import: nothing of frontwatch (a vocabulary of the analysis layer).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar, Mapping

__all__ = ["Result", "Area", "Change", "Peak", "Front", "Advance", "Settlement", "SettlementChange", "Summary",
           "DATE_FIELDS", "DATETIME_FIELDS", "records"]

# Keys whose values are days (``YYYY-MM-DD``) or instants (ISO 8601 with offset) in a record.
DATE_FIELDS = frozenset({"date", "from_date", "to_date", "first_day", "last_day", "peak_date", "note_date"})
DATETIME_FIELDS = frozenset({"taken_at"})


def _parse(key: str, value):
    """A record's value as the dataclass holds it: a day or an instant parsed when it is one and
    prints back the same (``to_record`` gives the very string), else as it is."""
    if not isinstance(value, str):
        return value
    # A day field may hold an instant (a period asked for up to a map's time): a datetime, which
    # is a date too.
    kinds = (dt.date, dt.datetime) if key in DATE_FIELDS else (dt.datetime,) if key in DATETIME_FIELDS else ()
    for kind in kinds:
        try:
            parsed = kind.fromisoformat(value)
        except ValueError:
            continue
        if parsed.isoformat() == value:
            return parsed
    return value


def _printed(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


class Result:
    """What every typed answer does: made from a record, given back as one."""

    __slots__ = ()
    _names: ClassVar[frozenset]

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls._names = None  # the dataclass's own fields, found on first use

    @classmethod
    def _fields(cls) -> frozenset:
        if cls._names is None:
            cls._names = frozenset(f.name for f in dataclasses.fields(cls)) - {"keys", "extra"}
        return cls._names

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]):
        """The typed answer of an analysis record (dates parsed, the keys' order kept)."""
        names = cls._fields()
        known, extra = {}, []
        for key, value in rec.items():
            value = _parse(key, value)
            if key in names:
                known[key] = value
            else:
                extra.append((key, value))
        return cls(**known, keys=tuple(rec), extra=tuple(extra))

    def to_record(self) -> dict:
        """The JSON-ready dict: the record's keys in its order, dates as ISO strings."""
        extra = dict(self.extra)
        return {k: _printed(extra[k] if k in extra else getattr(self, k)) for k in self.keys}


_hidden = dict(repr=False, compare=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Area(Result):
    """The geodesic area of one status (or, with ``side``, one side's total) in a region on one
    map: ``km2``, ``sqmi``; where known DeepStateMap's own figure of the same ground
    (``official_km2``, ``diff_pct`` ours against theirs, ``official_note``), the share of the
    region's land (``share_pct`` of ``land_km2``) and the border slivers left out
    (``border_slivers_km2``)."""

    date: dt.date
    taken_at: dt.datetime
    snapshot_id: int
    region: str
    status: str
    km2: float
    sqmi: float
    side: str | None = None
    official_km2: float | None = None
    diff_pct: float | None = None
    official_note: str | None = None
    share_pct: float | None = None
    land_km2: float | None = None
    border_slivers_km2: float | None = None
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class Change(Result):
    """What one side (``what``: a side, or the statuses joined by commas) gained and lost in a
    region from the map of ``from_date`` to that of ``to_date`` (``days`` apart): ``gained_km2``,
    ``lost_km2``, ``net_km2`` (and sqmi), its area before and after (``km2_from``, ``km2_to``),
    the period asked for (``first_day``..``last_day``; ``last_day`` a datetime when the period
    ends at a map's time); ``window_days`` in the main job's :class:`Summary` (7 or 30);
    ``geometry`` (``{"gained", "lost"}`` shapes, EPSG:4326) when asked for."""

    region: str
    what: str
    from_date: dt.date
    to_date: dt.date
    from_snapshot: int
    to_snapshot: int
    km2_from: float
    km2_to: float
    gained_km2: float
    lost_km2: float
    net_km2: float
    gained_sqmi: float
    lost_sqmi: float
    net_sqmi: float
    days: int
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    window_days: int | None = None
    geometry: dict | None = None
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class Peak(Result):
    """The largest combined area of ``statuses`` in a region (``peak_km2`` on ``peak_date``), the
    area on ``date`` (``km2``) and what was lost since the peak (``lost_km2``,
    ``share_lost_pct`` of the peak; None when the peak is 0), over ``snapshots`` maps."""

    region: str
    statuses: str
    peak_date: dt.date
    peak_km2: float
    peak_sqmi: float
    date: dt.date
    km2: float
    sqmi: float
    lost_km2: float
    lost_sqmi: float
    share_lost_pct: float | None
    snapshots: int
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class Front(Result):
    """The front line inside a region on one map: its geodesic ``length_km``, its number of
    ``components`` and the ``longest_km`` of them; ``geometry`` the line (EPSG:4326)."""

    date: dt.date
    snapshot_id: int
    region: str
    length_km: float
    components: int
    longest_km: float
    geometry: Any = None
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class Advance(Result):
    """How far each side moved inside a circle of ``radius_km`` around ``place`` from the map of
    ``from_date`` to that of ``to_date`` (``days``, fractional): per side the ground gained, lost
    and net (km2), the mean advance (net ground over the mean front length, m/day) and the largest
    local shift (m, m/day, bearing in degrees); the front's length before and after (km)."""

    place: str
    radius_km: float
    from_date: dt.date
    to_date: dt.date
    days: float
    front_km_old: float
    front_km_new: float
    russia_gained_km2: float | None = None
    russia_lost_km2: float | None = None
    russia_net_km2: float | None = None
    russia_mean_m_per_day: float | None = None
    russia_shift_m: float | None = None
    russia_shift_m_per_day: float | None = None
    russia_shift_bearing_deg: float | None = None
    ukraine_gained_km2: float | None = None
    ukraine_lost_km2: float | None = None
    ukraine_net_km2: float | None = None
    ukraine_mean_m_per_day: float | None = None
    ukraine_shift_m: float | None = None
    ukraine_shift_m_per_day: float | None = None
    ukraine_shift_bearing_deg: float | None = None
    geometry: Any = None
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class Settlement(Result):
    """A settlement of the gazetteer and who held it on the map of ``date``: ``status`` (None: no
    layer covers it) and ``side``; ``population``, ``oblast``, the point read (``lat``, ``lon``,
    degrees; ``point_from``: gazetteer or note)."""

    date: dt.date
    place: str
    country: str
    oblast: str
    admin1: str
    population: int
    lat: float
    lon: float
    geonameid: int
    point_from: str
    status: str | None = None
    side: str | None = None
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class SettlementChange(Result):
    """A settlement that changed hands: the first map showing its new state (``date``,
    ``taken_at``, ``snapshot_id``), ``old_status``/``new_status`` and ``old_side``/``new_side``;
    cross-checked against the map maker's notes, ``note``, ``note_date``, ``note_says`` and
    ``flag`` ("map only", "note only": a note no change confirms, which has no gazetteer fields)."""

    date: dt.date
    place: str
    new_side: str | None = None
    taken_at: dt.datetime | None = None
    country: str | None = None
    oblast: str | None = None
    admin1: str | None = None
    population: int | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    point_from: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    old_side: str | None = None
    snapshot_id: int | None = None
    note: str | None = None
    note_date: dt.date | None = None
    note_says: str | None = None
    flag: str | None = None
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)


@dataclasses.dataclass(frozen=True, slots=True)
class Summary(Result):
    """What the main job (``frontwatch run``) reports for a region: the map of ``date``
    (``taken_at``, ``source``), the store's ``snapshots`` from ``first`` to ``last``, the
    :class:`Area` of each status on that map, the :class:`Change` of each side present over the
    last 7 and 30 days (``window_days`` in their records) and the :class:`Peak` of each."""

    region: str
    date: dt.date
    taken_at: dt.datetime
    source: str
    snapshots: int
    first: dt.date
    last: dt.date
    areas: tuple = ()
    changes: tuple = ()
    peaks: tuple = ()
    keys: tuple = dataclasses.field(default=(), **_hidden)
    extra: tuple = dataclasses.field(default=(), **_hidden)

    _PARTS: ClassVar[dict] = {}

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> "Summary":
        """The typed summary of :func:`frontwatch.analysis.summary.region_summary`'s record."""
        parts = {"areas": Area, "changes": Change, "peaks": Peak}
        known, extra = {}, []
        for key, value in rec.items():
            if key in parts:
                known[key] = tuple(parts[key].from_record(r) for r in value)
            elif key in ("first", "last"):
                known[key] = _parse("date", value)
            elif key in cls._fields():
                known[key] = _parse(key, value)
            else:
                extra.append((key, _parse(key, value)))
        return cls(**known, keys=tuple(rec), extra=tuple(extra))

    def to_record(self) -> dict:
        """The JSON-ready dict: the record's keys in its order, the parts as lists of records."""
        extra = dict(self.extra)
        out = {}
        for k in self.keys:
            v = extra[k] if k in extra else getattr(self, k)
            out[k] = [p.to_record() for p in v] if k in ("areas", "changes", "peaks") else _printed(v)
        return out


def records(results) -> list[dict]:
    """``[r.to_record() for r in results]``: what a face prints of a list of answers."""
    return [r.to_record() for r in results]
