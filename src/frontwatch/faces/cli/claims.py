"""``frontwatch claims``: extract the numeric claims of a news report, check them against the
maps (keeping them in the claims ledger), and list the ledger. Formatting only: extraction,
checks and the ledger live in frontwatch.claims."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sys

import click

from frontwatch import notices
from frontwatch.faces.cli.context import make_context
from frontwatch.faces.cli.errors import one_line_errors
from frontwatch.faces.cli.options import DATE, borders_opt, source_opt, store_opt
from frontwatch.faces.cli.output import emit, warn, warnings_once
from frontwatch.lazy import lazy_import

# Loaded by the subcommand that needs them (extraction needs no store, the ledger no extractor).
if TYPE_CHECKING:
    from frontwatch import claims as claims_mod
    from frontwatch.claims import check
    from frontwatch.claims import ledger
else:
    claims_mod = lazy_import("frontwatch.claims")
    check = lazy_import("frontwatch.claims.check")
    ledger = lazy_import("frontwatch.claims.ledger")

# A news report is kilobytes; beyond this it is not a report, and reading it whole would only
# waste memory.
MAX_INPUT_BYTES = 20_000_000
FORMATS = ["table", "csv", "json", "markdown"]

format_opt = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                          help="table, csv, json (a list of claim records) or markdown.")
published_opt = click.option("--published", type=DATE, default=None,
                             help="Date the report was published (what 'now' means); default: its dateline.")
file_arg = click.argument("report", type=click.Path(dir_okay=False, allow_dash=True))


def read_report(path: str) -> bytes:
    """The report's bytes from a file or stdin ("-"), refusing binary data and huge inputs with a
    one-line message."""
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(MAX_INPUT_BYTES + 1) if stream is not None else \
                sys.stdin.read(MAX_INPUT_BYTES + 1).encode("utf-8", "replace")
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read ({exc.strerror or exc})") from None
    name = "stdin" if path == "-" else path
    if len(data) > MAX_INPUT_BYTES:
        raise click.ClickException(f"{name}: more than {MAX_INPUT_BYTES // 1_000_000} MB; not a news report")
    if b"\x00" in data[:65536]:
        raise click.ClickException(f"{name}: binary data, not text")
    return data


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _notes(notes):
    for n in notes or []:
        warn(f"note: {n}")


EXTRACT_COLUMNS = ["id", "claim", "value_normalized", "low_normalized", "high_normalized", "unit_normalized",
                   "measure", "aspect", "side", "place", "date", "source"]


@click.group("claims")
def command():
    """Numeric claims in news reports: extract, check against the maps, list the ledger.

    \b
    frontwatch claims extract article.txt
    frontwatch claims check article.txt
    cat article.txt | frontwatch claims check - --published 2024-11-24
    frontwatch claims list --about "soldiers in Kursk"
    """


@command.command("extract")
@file_arg
@published_opt
@format_opt
@click.option("--explain", is_flag=True,
              help="Also show how each claim was understood: for each field, where it was read from (the "
                   "figure's clause, its sentence, the context, knowledge, a default), the rule and the words that "
                   "gave it, and the fields the extraction is not sure of (JSON always carries them).")
def extract_cmd(report, published, fmt, explain):
    """The numeric claims of REPORT (a text file or a saved web page, or - for stdin): value and unit as written and
    normalised (km2, m, m_per_day, percent, persons, settlements), measure, side, place, date,
    qualifier, source and sentence. Needs no store.

    \b
    frontwatch claims extract article.txt --published 2024-11-24 --explain
    """
    data = read_report(report)
    with notices.collect() as said, one_line_errors():
        # The user's own file (at most MAX_INPUT_BYTES): every claim; per-sentence caps still apply.
        claims = [c.to_record() for c in claims_mod.extract_claims(_text(data), published, max_claims=None, max_quantities=None)]
    _notes(said or ([] if claims else ["no numeric claims found in the text"]))
    for r in claims:
        r["claim"] = _claim_label(r)
        if explain and fmt in ("csv", "markdown"):
            r["explain"] = "; ".join(f"{k}: {v}" for k, v in r["explain"].items())
            r["unsure"] = "; ".join(f"{k}: {v}" for k, v in r["unsure"].items())
    columns = EXTRACT_COLUMNS + (["explain", "unsure"] if explain else [])
    if fmt == "json":
        emit(claims, "json")
    elif fmt == "markdown":
        click.echo(_markdown_rows(claims, columns))
    else:
        emit(claims, fmt, EXTRACT_COLUMNS if fmt == "table" else (columns if explain else None))
        if explain and fmt == "table":
            for r in claims:
                click.echo(f"{r['id']}: {r['surface']}")
                # where each field was read from: [clause], [sentence], [context], [inferred], [default]
                src = r["reading"]
                for field, how in r["explain"].items():
                    tags = [src[k]["source"] for k in ((field,) if field != "date" else ("date", "start")) if k in src]
                    click.echo(f"  {field:<8} {'[' + '/'.join(tags) + '] ' if tags else ''}{how}")
                for field, why in r["unsure"].items():
                    click.echo(f"  unsure   {field}: {why}")


@command.command("check")
@file_arg
@published_opt
@click.option("--no-save", is_flag=True, help="Do not keep the results in the claims ledger.")
@format_opt
@source_opt
@borders_opt
@store_opt
def check_cmd(report, published, no_save, fmt, source, borders_file, store_path):
    """Check the claims of REPORT (a text file or a saved web page, or - for stdin) against the maps in the store: each
    gets a verdict (consistent, consistent with grey zone, roughly consistent [with grey zone],
    overstated, understated, not checkable from map data, no map data for that date: see
    docs/claims-checking.md) and a reason with the claim, the map figure and the comparison; the
    report's internal consistency follows. A period "from D1 to D2" is measured from the last map
    before D1, as `frontwatch change` does. Results are kept in the claims ledger (see
    `frontwatch claims list`)."""
    data = read_report(report)
    if not _text(data).strip():  # nothing to check: no store needed (a read command never creates one)
        _notes(["no numeric claims found in the text"])
        if fmt == "json":
            emit([], "json")
        return
    ws = make_context(store_path, borders_file, source=source)
    with one_line_errors(), warnings_once():
        result = ws.check_claims(_text(data), published, report=report, save=not no_save)
    _notes(result.get("notes"))
    if fmt == "json":
        emit(result["claims"], "json")
    elif fmt == "markdown":
        click.echo(check.checks_to_markdown(result), nl=False)
    else:
        emit(check.check_rows(result["claims"]), fmt,
             ["id", "measure", "side", "place", "date", "claim", "map", "verdict"] if fmt == "table" else None)
        if fmt == "table":
            for r in result["claims"]:
                click.echo(f"{r['id']}: {r['reason']}")
            for c in result["consistency"]:
                click.echo(f"internal consistency: {c['explanation']}")
    if result.get("saved"):
        warn(f"ledger: {result['saved']} claims of {result['report']} kept")


@command.command("list")
@click.option("--about", default=None, help='Free text matched against measure, place, side, unit and sentence, e.g. "soldiers in Kursk".')
@click.option("--measure", default=None, help="One measure: area_held, area_change, share_lost, advance_rate, troops, ...")
@click.option("--place", default=None, help="One place, as extracted (e.g. Kursk, Kurakhove).")
@format_opt
@store_opt
def list_cmd(about, measure, place, fmt, store_path):
    """The claims ledger: claims of every checked report, side by side."""
    ctx = make_context(store_path, None)
    with one_line_errors():
        rows = ledger.list_claims(ctx.store, about=about, measure=measure, place=place)
    cols = ["report", "published", "date", "measure", "side", "place", "claim", "normalized",
            "unit_normalized", "verdict"]
    if not rows and fmt != "json":
        warn("no claims in the ledger match" + ("" if any((about, measure, place)) else
                                               ": check a report first (`frontwatch claims check FILE`)"))
    if fmt == "markdown":
        click.echo(_markdown_rows(rows, cols + ["reason"]))
    else:
        emit(rows, fmt, cols if fmt == "table" else None)


def _claim_label(r) -> str:
    q = f"{r['qualifier']} " if r.get("qualifier") else ""
    return (q + (r.get("surface") or "")).strip()


def _markdown_rows(rows, cols) -> str:
    if not rows:
        return "_No claims._"

    def cell(v):
        if isinstance(v, float):
            v = f"{v:,.1f}"
        return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(cell(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(out)

