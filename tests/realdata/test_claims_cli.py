"""``frontwatch claims extract|check|list`` through click's CliRunner.

Real-data tests read ../shared/data/articles/kursk-2024-11-24.txt (fixture ``article_file``) and a
copy of the session store built from ../shared/data/deepstate/history and ../shared/data/borders
(the copy, because `claims check` writes the ledger and the shared store must stay untouched).
"""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from frontwatch.faces.cli import main


def run(args, input=None):
    return CliRunner().invoke(main, args, input=input, catch_exceptions=False)


@pytest.fixture()
def store_copy(store_path, tmp_path):
    target = tmp_path / "copy.duckdb"
    shutil.copy(store_path, target)
    wal = store_path.with_name(store_path.name + ".wal")
    if wal.exists():
        shutil.copy(wal, target.with_name(target.name + ".wal"))
    return target


def test_extract_explain_shows_the_rule_and_words_behind_each_field(article_file):
    """`claims extract --explain` (../shared/data/articles/kursk-2024-11-24.txt): under the table,
    each claim's fields with the rule that gave them; JSON carries the same as "explain"."""
    res = run(["claims", "extract", str(article_file), "--explain"])
    assert res.exit_code == 0, res.output
    assert "side.subject: Russian forces" in res.stdout and "date.publication" in res.stdout
    assert "place.carried: Kursk region" in res.stdout  # "Now we control approximately 309 square miles"
    recs = json.loads(run(["claims", "extract", str(article_file), "--format", "json"]).stdout)
    assert all(set(r["explain"]) >= {"measure", "side", "place", "date"} and "unsure" in r for r in recs)
    csv_out = run(["claims", "extract", str(article_file), "--format", "csv", "--explain"]).stdout
    assert csv_out.splitlines()[0].endswith(",explain,unsure")


def test_extract_json_lists_claim_records(article_file):
    res = run(["claims", "extract", str(article_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert {"value_normalized", "unit_normalized", "measure", "side", "place", "date", "qualifier", "source",
            "sentence"} <= set(recs[0])
    assert {r["measure"] for r in recs} >= {"area_held", "share_lost", "advance_rate", "troops"}


def test_check_from_stdin_with_published_date_and_ledger_listing(article_file, store_copy):
    """cat article | frontwatch claims check - --published 2024-11-24, then claims list --about."""
    text = article_file.read_text(encoding="utf-8")
    res = run(["claims", "check", "-", "--published", "2024-11-24", "--store", str(store_copy), "--format", "json"],
              input=text)
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    verdicts = {r["measure"]: r["verdict"] for r in recs}
    assert verdicts["troops"] == "not checkable from map data"
    from frontwatch.claims.verdicts import JUDGED

    for m in ("area_held", "share_lost", "advance_rate"):
        assert verdicts[m] in JUDGED
    assert all("reason" in r and "map_value" in r and "tolerance" in r and "evidence_dates" in r for r in recs)
    listed = run(["claims", "list", "--about", "soldiers in Kursk", "--store", str(store_copy), "--format", "json"])
    rows = json.loads(listed.stdout)
    assert rows and all(r["measure"] == "troops" and r["place"] == "Kursk oblast" for r in rows)
    assert {r["report"] for r in rows} == {"stdin"}
    # Checking the same report again replaces its rows.
    run(["claims", "check", "-", "--published", "2024-11-24", "--store", str(store_copy)], input=text)
    again = json.loads(run(["claims", "list", "--store", str(store_copy), "--format", "json"]).stdout)
    assert len(again) == len(recs)


def test_check_markdown_and_table_formats(article_file, store_copy):
    md = run(["claims", "check", str(article_file), "--store", str(store_copy), "--format", "markdown", "--no-save"])
    assert md.exit_code == 0 and md.stdout.startswith("| Claim |")
    table = run(["claims", "check", str(article_file), "--store", str(store_copy), "--no-save"])
    assert "not checkable from map data" in table.stdout and "internal consistency" in table.stdout
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
