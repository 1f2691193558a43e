"""``frontwatch snapshots``: list the stored maps."""
from __future__ import annotations

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, from_opt, to_opt
from frontwatch.faces.cli.output import emit


@click.command("snapshots")
@from_opt
@to_opt
@common
def command(start, end, store_path, borders_file, source, fmt):
    """List stored snapshots (one per published map) between two dates.

    Example: frontwatch snapshots --from 2024-11-01 --to 2024-11-30
    """
    ctx = make_context(store_path, borders_file)
    with one_line_errors():
        recs = [s.to_record() for s in ctx.snapshots(start, end, source=source)]
    emit(recs, fmt, None if fmt != "table" else ["id", "date", "taken_at", "source", "source_id", "content_hash"])
