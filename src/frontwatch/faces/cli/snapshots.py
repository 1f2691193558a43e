"""``frontwatch snapshots``: list the stored maps."""
from __future__ import annotations

import click

from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import common, from_opt, to_opt
from frontwatch.faces.cli.output import emit
from frontwatch.analysis.measure import check_window


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
        check_window(start, end)  # a period that ends before it starts is an error, not "(no records)"
        if source and source not in ctx.store.sources():
            have = ctx.store.sources()
            raise ValueError(f"no snapshots of source {source!r}; the store holds {', '.join(have) or 'none yet'}")
        recs = [s.to_record() for s in ctx.store.snapshots(source=source, start=start, end=end)]
    emit(recs, fmt, None if fmt != "table" else ["id", "date", "taken_at", "source", "source_id", "content_hash"])
