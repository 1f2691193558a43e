"""``frontwatch ingest``: read map archives into the store."""
from __future__ import annotations

import sys

import click

from frontwatch.engine import get_engine
from frontwatch.ingest import ingest
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, engine_opt, format_opt, scheduler_opt, store_opt
from frontwatch.faces.cli.output import Progress, emit, warn


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False))
@click.option("--strict", is_flag=True, help="Write nothing if any file is bad.")
@click.option("--replace", is_flag=True, help="Overwrite a stored snapshot with the same time but other content.")
@click.option("--reader", default=None, help="Force a reader: deepstate, deepstate-daily, generic.")
@click.option("--status-field", default=None, help="generic: the attribute that holds the status.")
@click.option("--status-map", default=None, help="generic: VALUE=STATUS,... (statuses or 'ignore').")
@click.option("--date", type=DATE, default=None, help="generic: the map's date.")
@click.option("--date-field", default=None, help="generic: the attribute that holds each feature's date.")
@click.option("--source", "source_name", default="custom", show_default=True, help="generic: the map maker's name.")
@click.option("--workers", type=int, default=None, help="Parallel reader processes (default: one per CPU this process may use, at most 8).")
@engine_opt
@scheduler_opt
@store_opt
@format_opt
def command(paths, strict, replace, reader, status_field, status_map, date, date_field, source_name, workers, engine, scheduler,
            store_path, fmt):
    """Read map archives into the store: DeepStateMap history snapshots ({unix_seconds}.geojson),
    daily archives (deepstatemap_data_YYYYMMDD.geojson), or any GeoJSON/GPKG/KML with
    --status-field/--status-map. Files may be gzipped; folders are walked; zip and tar archives
    (.zip, .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz) are read as the folders they hold (names shown
    as history.zip!history/1732312508.geojson); PATHS may be object store URLs
    (s3://bucket/prefix, with s3fs; credentials from AWS_*). Re-ingesting the same data changes
    nothing. A bad file is reported in one line and skipped (with --strict, nothing
    is written). A country-borders file among the paths (GeoJSON with iso_a3) is saved as
    `frontwatch borders FILE` saves it, prepared while the maps are read.

    Examples: frontwatch ingest ../shared/data; frontwatch ingest s3://maps/deepstate/history
    """
    ctx = make_context(store_path, None)
    opts = {k: v for k, v in dict(reader=reader, status_field=status_field, status_map=status_map, date=date,
                                  date_field=date_field, source=source_name).items() if v is not None}
    if not status_field:
        opts.pop("source", None)
    on_progress = Progress(fmt, "ingest")

    with one_line_errors():
        eng = get_engine(engine, scheduler, workers)
        try:
            # A country-borders file among the paths is taken as `frontwatch borders FILE`.
            summary = ingest(ctx.store, list(paths), strict=strict, replace=replace, workers=workers, engine=eng,
                             progress=on_progress, **opts)
        finally:
            eng.close()
            on_progress.close()
    for b in summary.borders:
        warn(f"borders: {b} saved (regions like RUS and UKR now resolve offline)")
    for err in summary.errors:
        warn(f"error: {err}")
    rec = summary.to_record()
    rec["errors"] = len(summary.errors)
    rec["borders"] = ", ".join(summary.borders)
    rec["unknown_layers"] = ", ".join(f"{k} ({v})" for k, v in summary.unknown_layers.items()) or ""
    if not summary.written:
        warn("--strict: nothing written because of the errors above")
    rec["store"] = str(ctx.store.path)
    emit(rec, fmt)
    if summary.errors:
        sys.exit(1)
