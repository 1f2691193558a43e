"""``frontwatch ingest``: read map archives into the store."""
from __future__ import annotations

import sys

import click

from frontwatch.engine import get_engine
from frontwatch.ingest import ingest, kind_label
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, engine_opt, scheduler_opt, store_opt
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
@click.option("--format", "fmt", type=click.Choice(["text", "table", "csv", "json"]), default="text", show_default=True,
              help="text: one sentence; table, csv or json: every count.")
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
    `frontwatch borders FILE` saves it, prepared while the maps are read. Files of other kinds
    found in a folder (oblast shapes, places lists, the map maker's recorded listing and area
    figures, a claims set) are passed over and counted in the summary. Exit code 0 when every
    file went in or was passed over, 1 when a file was bad.

    \b
    Examples:
      frontwatch ingest ../shared/data
      frontwatch ingest s3://maps/deepstate/history
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
    if fmt != "text":  # the sentence says it; next to a table or JSON, a line on stderr does
        for b in summary.borders:
            warn(f"borders: {b} saved (regions like RUS and UKR now resolve offline)")
    for err in summary.errors:
        warn(f"error: {err}")
    if not summary.written:
        warn("--strict: nothing written because of the errors above")
    if fmt == "text":
        click.echo(summary_sentence(summary))
    else:
        emit(_record(summary, ctx.store.path, flat=fmt != "json"), fmt)
    if summary.errors:
        sys.exit(1)


def _record(summary, store_path, flat=True) -> dict:
    """The summary as one record, every count; ``flat``: the kinds' counts as text, for a table or CSV."""
    rec = summary.to_record()
    rec["errors"] = len(summary.errors)
    rec["borders"] = ", ".join(summary.borders)
    rec["unknown_layers"] = ", ".join(f"{k} ({v})" for k, v in summary.unknown_layers.items()) or ""
    if flat:
        rec["passed_over"] = ", ".join(kind_label(k, n) for k, n in summary.passed_over.items())
        rec["stored"] = "; ".join(f"{k}: {', '.join(v)}" for k, v in summary.stored.items())
    rec["store"] = str(store_path)
    return rec


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def summary_sentence(summary) -> str:
    """What an ingest did, for a person: "239 maps stored, 2 repaired, 16 fill colours disagree with
    names; country borders saved (8 countries); passed over 6 files ingest does not store: ..."."""
    parts = []
    new = summary.added + summary.replaced
    head = _n(new, "map") + " stored" if new or not summary.unchanged else ""
    if summary.replaced:
        head += f" ({summary.replaced:,} replacing other content)"
    if summary.unchanged:
        head += (", " if head else "") + f"{summary.unchanged:,} already in the store"
    if summary.identical_to_previous:
        head += f" ({summary.identical_to_previous:,} the same as the map before)"
    parts.append(head)
    for count, what in ((summary.repaired, "repaired"),
                        (summary.dropped, "geometries unreadable and dropped" if summary.dropped != 1 else "geometry unreadable and dropped"),
                        (summary.out_of_theatre, "parts outside the theatre dropped" if summary.out_of_theatre != 1 else "part outside the theatre dropped"),
                        (summary.fill_mismatch, "fill colours disagree with names" if summary.fill_mismatch != 1 else "fill colour disagrees with its name")):
        if count:
            parts[-1] += f", {count:,} {what}"
    if summary.unknown_layers:
        parts[-1] += f", {_n(len(summary.unknown_layers), 'layer name')} with no status ({', '.join(summary.unknown_layers)})"
    text = parts[0]
    for name, said in summary.stored.items():
        if name == "borders":
            text += f"; country borders saved ({', '.join(said)}): regions like RUS and UKR resolve offline"
        else:
            text += f"; {kind_label(name, len(said))} stored ({', '.join(said)})"
    if summary.passed_over:
        total = sum(summary.passed_over.values())
        text += (f"; passed over {_n(total, 'file')} ingest does not store: "
                 + ", ".join(kind_label(k, n) for k, n in summary.passed_over.items()))
    if summary.errors:
        text += f"; {_n(len(summary.errors), 'file')} could not be read (the error lines above)"
    return text + "."
