"""``frontwatch claims extract|check|list`` through click's CliRunner.

Real-data tests read ../shared/data/articles/kursk-2024-11-24.txt (fixture ``article_file``) and a
copy of the session store built from ../shared/data/deepstate/history and ../shared/data/borders
(the copy, because `claims check` writes the ledger and the shared store must stay untouched).
"""
from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from frontwatch.faces.cli import main


def run(args, input=None):
    return CliRunner().invoke(main, args, input=input, catch_exceptions=False)


def _copy_store(store_path, folder):
    target = folder / "copy.duckdb"
    shutil.copy(store_path, target)
    wal = store_path.with_name(store_path.name + ".wal")
    if wal.exists():
        shutil.copy(wal, target.with_name(target.name + ".wal"))
    return target


@pytest.fixture()
def store_copy(store_path, tmp_path):
    return _copy_store(store_path, tmp_path)


def test_extract_explain_shows_what_gave_each_field(article_file):
    """`claims extract --explain` (../shared/data/articles/kursk-2024-11-24.txt): under the table,
    each claim's fields with the rule that gave them; JSON carries the same as "explain"."""
    res = run(["claims", "extract", str(article_file), "--explain"])
    assert res.exit_code == 0, res.output
    assert "side.subject: Russian forces" in res.stdout and "date.publication" in res.stdout
    # "Now we control approximately 309 square miles": the place from the context (the region
    # named before, or the 531 square miles in it), and the explanation says which.
    assert re.search(r"place\.(?:carried|continued): [^\n]*Kursk", res.stdout)
    recs = json.loads(run(["claims", "extract", str(article_file), "--format", "json"]).stdout)
    assert all(set(r["explain"]) >= {"measure", "side", "place", "date"} and "unsure" in r for r in recs)
    csv_out = run(["claims", "extract", str(article_file), "--format", "csv", "--explain"]).stdout
    assert csv_out.splitlines()[0].endswith(",explain,unsure")


def test_extract_explain_says_where_each_field_was_read(article_file):
    """The seed article's "Now we control approximately 309 square miles": its place is read from
    the context (an earlier sentence), and --explain tags it so."""
    res = run(["claims", "extract", str(article_file), "--explain"])
    assert re.search(r"place\s+\[context\] place\.(?:carried|continued): [^\n]*Kursk", res.stdout)


def test_extract_json_lists_claim_records(article_file):
    res = run(["claims", "extract", str(article_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert {"value_normalized", "unit_normalized", "measure", "side", "place", "date", "qualifier", "source",
            "sentence"} <= set(recs[0])
    assert {r["measure"] for r in recs} >= {"area_held", "share_lost", "advance_rate", "troops"}


@pytest.fixture(scope="module")
def checked_from_stdin(store_path, article_file, tmp_path_factory):
    """cat article | frontwatch claims check - --published 2024-11-24 --format json, on a copy of
    the session store: (the copy, the run's result)."""
    target = _copy_store(store_path, tmp_path_factory.mktemp("stdin"))
    res = run(["claims", "check", "-", "--published", "2024-11-24", "--store", str(target), "--format", "json"],
              input=article_file.read_text(encoding="utf-8"))
    return target, res


def test_check_from_stdin_judges_the_article_on_its_published_date(checked_from_stdin):
    """Area, share and rate claims get a verdict, troops are not checkable, and every record
    carries its reason, map figure, tolerance and the maps' dates."""
    _, res = checked_from_stdin
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    verdicts = {r["measure"]: r["verdict"] for r in recs}
    assert verdicts["troops"] == "not checkable from map data"
    from frontwatch.claims.verdicts import JUDGED

    for m in ("area_held", "share_lost", "advance_rate"):
        assert verdicts[m] in JUDGED
    assert all("reason" in r and "map_value" in r and "tolerance" in r and "evidence_dates" in r for r in recs)


def test_list_about_finds_the_checked_reports_claims(checked_from_stdin):
    """claims list --about "soldiers in Kursk" after the check: the troop claims, from stdin."""
    store_copy, _ = checked_from_stdin
    listed = run(["claims", "list", "--about", "soldiers in Kursk", "--store", str(store_copy), "--format", "json"])
    rows = json.loads(listed.stdout)
    assert rows and all(r["measure"] == "troops" and r["place"] == "Kursk oblast" for r in rows)
    assert {r["report"] for r in rows} == {"stdin"}


def test_checking_a_report_again_replaces_its_rows(checked_from_stdin, article_file):
    store_copy, res = checked_from_stdin
    recs = json.loads(res.stdout)
    text = article_file.read_text(encoding="utf-8")
    run(["claims", "check", "-", "--published", "2024-11-24", "--store", str(store_copy)], input=text)
    again = json.loads(run(["claims", "list", "--store", str(store_copy), "--format", "json"]).stdout)
    assert len(again) == len(recs)


@pytest.fixture(scope="module")
def checked_without_saving(store_path, article_file, tmp_path_factory):
    """claims check ARTICLE --no-save, as markdown then as the default table, on a copy of the
    session store: (the copy, the markdown run, the table run)."""
    target = _copy_store(store_path, tmp_path_factory.mktemp("nosave"))
    md = run(["claims", "check", str(article_file), "--store", str(target), "--format", "markdown", "--no-save"])
    table = run(["claims", "check", str(article_file), "--store", str(target), "--no-save"])
    return target, md, table


def test_check_writes_markdown(checked_without_saving):
    _, md, _ = checked_without_saving
    assert md.exit_code == 0 and md.stdout.startswith("| Claim |")


def test_check_writes_a_table_with_each_verdict_by_default(checked_without_saving):
    """The table holds the verdicts (troops: not checkable) and the internal consistency check."""
    _, _, table = checked_without_saving
    assert "not checkable from map data" in table.stdout and "internal consistency" in table.stdout


def test_check_with_no_save_leaves_the_ledger_empty(checked_without_saving):
    store_copy, _, _ = checked_without_saving
    assert json.loads(run(["claims", "list", "--store", str(store_copy), "--format", "json"]).stdout) == []


def test_empty_input_gives_an_empty_result(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = run(["claims", "extract", str(empty), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert "no numeric claims" in res.stderr
    res = run(["claims", "check", "-", "--store", str(tmp_path / "s.duckdb"), "--format", "json"], input="")
    assert res.exit_code == 0 and json.loads(res.stdout) == []


def test_non_english_text_says_so(tmp_path):
    text = ("Украинские войска потеряли более 40% территории в Курской области. "
            "Российские силы продвигаются на 200-300 метров в день возле Курахово. ") * 5
    from frontwatch.store import Store

    Store(tmp_path / "s.duckdb").close()  # an empty store: `check` never creates one
    res = run(["claims", "check", "-", "--store", str(tmp_path / "s.duckdb")], input=text)
    assert res.exit_code == 0
    assert "English" in res.stderr and "(no records)" in res.stdout


def test_binary_data_is_refused_with_one_line(tmp_path):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 100)
    res = run(["claims", "extract", str(blob)])
    assert res.exit_code == 1 and "binary data" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_ten_megabyte_file_completes(tmp_path):
    """10 MB of prose (a claim every tenth sentence) plus 1 MB of bare digits, through the CLI:
    every claim, and nothing from the digits (one test for the library and the CLI: the library
    test that did the same extraction again was folded in here)."""
    big = tmp_path / "big.txt"
    filler = "The weather was cold and the roads along the front were muddy for most of the day. " * 9 + "\n"
    paragraph = "Russian forces advanced up to 2 kilometres near Pokrovsk over the past week, ISW said. " + filler
    big.write_text(paragraph * (10_000_000 // len(paragraph)) + "1 2 3 " * 200_000, encoding="utf-8")
    res = run(["claims", "extract", str(big), "--format", "csv"])
    assert res.exit_code == 0
    rows = res.stdout.strip().splitlines()[1:]
    assert len(rows) == 10_000_000 // len(paragraph) and all(",depth," in r for r in rows[:: len(rows) // 7])


def test_missing_file_is_a_usage_error(tmp_path):
    res = run(["claims", "extract", str(tmp_path / "nope.txt")])
    assert res.exit_code != 0 and "nope.txt" in res.stderr
