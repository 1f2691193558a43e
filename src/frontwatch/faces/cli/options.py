"""Options shared by every command, as decorators, so that ``--store``, ``--region``, ``--status``,
``--from/--to``, ``--date`` and ``--format`` mean the same thing everywhere."""
from __future__ import annotations

import datetime as dt

import click

from frontwatch.statuses import parse_statuses


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


class StatusesType(click.ParamType):
    name = "STATUS[,STATUS]"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            return parse_statuses(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class Period(tuple):
    """``(first day, last day)`` of a ``--date`` given as a day, a month or a year, with ``.text``
    as written and ``.is_day`` when it is one day."""

    def __new__(cls, start: dt.date, end: dt.date, text: str):
        obj = super().__new__(cls, (start, end))
        obj.text = text
        return obj

    @property
    def start(self) -> dt.date:
        return self[0]

    @property
    def end(self) -> dt.date:
        return self[1]

    @property
    def is_day(self) -> bool:
        return self[0] == self[1]


def day_or_window(period, start, end):
    """``(date, start, end)`` from ``--date`` and ``--from``/``--to``: a one-day ``--date`` is the
    date; a month or a year is the window from its first to its last day; both given is a usage
    error."""
    if period is None:
        return None, start, end
    if start or end:
        raise click.UsageError("give --date or --from and --to, not both")
    return (period.start, None, None) if period.is_day else (None, period.start, period.end)


class PeriodType(click.ParamType):
    """A day (2024-11-24), a month (2024-11) or a year (2024)."""

    name = "YYYY[-MM[-DD]]"

    def convert(self, value, param, ctx):
        if isinstance(value, Period):
            return value
        if isinstance(value, dt.date):
            return Period(value, value, value.isoformat())
        text = str(value).strip()
        try:
            if len(text) == 4 and text.isdigit():
                return Period(dt.date(int(text), 1, 1), dt.date(int(text), 12, 31), text)
            if len(text) == 7 and text[4] == "-":
                y, m = int(text[:4]), int(text[5:])
                first = dt.date(y, m, 1)
                nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
                return Period(first, nxt - dt.timedelta(days=1), text)
            day = dt.date.fromisoformat(text)
            return Period(day, day, text)
        except ValueError:
            self.fail(f"{value!r} is not a day, a month or a year (YYYY-MM-DD, YYYY-MM or YYYY)", param, ctx)


DATE = DateType()
PERIOD = PeriodType()
STATUSES = StatusesType()

store_opt = click.option("--store", "store_path", type=click.Path(dir_okay=False), envvar="FRONTWATCH_STORE",
                         help="Store file (default: per-user data dir, or $FRONTWATCH_STORE).")
borders_opt = click.option("--borders", "borders_file", type=click.Path(exists=True, dir_okay=False),
                           envvar="FRONTWATCH_BORDERS", help="Country borders file (GeoJSON with iso_a3); default: the store's, else fetched once.")
source_opt = click.option("--source", default=None, help="Which map maker's snapshots (default: deepstate if present).")
format_opt = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
                          help="Output format; json is a list of records.")
units_opt = click.option("--units", type=click.Choice(["km2", "sqmi"]), default="km2", show_default=True,
                         help="Units shown in tables: km2 (with km and m) or sqmi (with miles and feet); csv/json carry every unit.")
region_opt = click.option("--region", default="UKR", show_default=True,
                          help="ALL, ISO-3 code (RUS, UKR), an oblast (\"Donetsk oblast\", \"Донецька область\", UA-14, "
                               "\"Kursk oblast\"; A+B for a union; `frontwatch regions` lists them), Place:15km, "
                               "lat,lon:15km, bbox:minlon,minlat,maxlon,maxlat, or a GeoJSON file.")
date_opt = click.option("--date", type=DATE, default=None, help="One day (the last snapshot on or before it).")
# A day, a month or a year: for commands where a period makes sense (area as a series over it,
# change, advance and settlements between its first and last day, peak within it).
period_opt = click.option("--date", "period", type=PERIOD, default=None,
                          help="A day (2024-11-24), or a month (2024-11) or year (2024) as the window from its first day to its last.")
from_opt = click.option("--from", "start", type=DATE, default=None, help="First day (inclusive).")
to_opt = click.option("--to", "end", type=DATE, default=None, help="Last day (inclusive).")
# A change over a period (change, advance): measured from the state at the START of --from, so the
# map before it (measure.period_maps: one rule for the CLI, the API, the report and the claims).
period_from_opt = click.option(
    "--from", "start", type=DATE, default=None,
    help="First day of the period (inclusive): measured from the state at its start, i.e. the last map "
         "before it (--from 2024-11-01 starts from the map of 31 October, so a change on 1 November counts).")
period_to_opt = click.option("--to", "end", type=DATE, default=None,
                             help="Last day of the period (inclusive): the last map on or before it.")
every_opt = click.option("--every", type=click.Choice(["day", "week", "month", "year"]), default=None,
                         help="One value per period: the last snapshot of each.")
engine_opt = click.option("--engine", type=click.Choice(["local", "dask"]), default="local", envvar="FRONTWATCH_ENGINE",
                          show_default=True, help="Where per-snapshot work runs.")
scheduler_opt = click.option("--scheduler", default=None, envvar="FRONTWATCH_SCHEDULER",
                             help="Dask scheduler address (tcp://HOST:PORT) for --engine dask.")


def statuses_opt(default="all"):
    return click.option("--status", "statuses", type=STATUSES, default=default, show_default=True,
                        help="Statuses, comma-separated: occupied, occupied_before_2022, ukraine_held, contested (or a side: russia, ukraine).")


def _remember_admin(ctx, param, value):
    if value:
        ctx.meta["frontwatch.admin_file"] = value
    return value


# Not a parameter of the command functions: the Context reads it from click's context, so that
# every command taking --region takes it without a change of signature.
admin_opt = click.option("--admin", "admin_file", type=click.Path(exists=True, dir_okay=False), envvar="FRONTWATCH_ADMIN",
                         expose_value=False, callback=_remember_admin, is_eager=True,
                         help="Boundaries file of first-level regions (oblasts) to use for named regions; "
                              "default: the store's (`frontwatch admin FILE`), else geoBoundaries, fetched once.")


def common(fn):
    """--store, --borders, --admin, --source and --format."""
    for deco in (format_opt, source_opt, admin_opt, borders_opt, store_opt):
        fn = deco(fn)
    return fn
