"""``frontwatch peak``: the peak of an area and the share lost since."""
from __future__ import annotations

import click

from frontwatch.analysis.measure import peak
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, common, region_opt, statuses_opt


@click.command("peak")
@region_opt
@statuses_opt("ukraine_held")
@click.option("--until", type=DATE, default=None, help="Last day considered (default: the latest snapshot).")
@click.option("--since", type=DATE, default=None, help="First day considered.")
@common
def command(region, statuses, until, since, store_path, borders_file, source, fmt):
    """The date and size of the largest combined area of the statuses in a region, the area on
    --until, and the share of the peak lost since.

    Example: frontwatch peak --region RUS --status ukraine_held --until 2024-11-24
    """
    from frontwatch.faces.cli.output import emit

    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        rec = peak(ctx.store, ctx.region(region), statuses, until=until, since=since, source=source)
    emit(rec, fmt)
