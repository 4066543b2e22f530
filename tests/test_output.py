"""Terminal output that fits: listings at 80 columns, short ids, status words, human reasons."""

import re

import pytest

from callwatch import output, shortid
from tests.conftest import cli
from tests.test_report_decide import APRIL, JOINT


def lines_fit(text: str, room: int) -> bool:
    return all(len(line) <= room for line in text.splitlines())


def no_split_words(text: str, vocabulary: set[str]) -> bool:
    """No word of the data is broken over two lines ("Tillväxt|verket", "2023-08-3|1"): the end
    of a line and the start of the next never join into a word the data has."""
    lines = text.splitlines()
    for a, b in zip(lines, lines[1:], strict=False):
        end = re.search(r"([\w-]+)$", a)
        start = re.match(r"\s*([\w-]+)", b)
        if end and start and end.group(1) + start.group(1) in vocabulary:
            return False
    return True


@pytest.mark.parametrize("columns", ["80", "120", "50"])
def test_rank_fits_the_terminal_without_splitting_words(offline_db, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    r = cli("--db", offline_db, "rank", "--kommun", "Umeå", *APRIL)
    assert r.exit_code == 0, r.output
    assert lines_fit(r.stdout, int(columns))
    data = cli("--db", offline_db, "calls", "--format", "csv").stdout
    vocabulary = set(re.findall(r"[\w-]+", data))
    assert no_split_words(r.stdout, vocabulary)
    assert not no_split_words("a Tillväxt\nverket b", vocabulary)  # the check catches it
    if columns != "50":
        header = r.stdout.splitlines()[1]
        assert re.match(r"\s*#\s+id\s+status\s", header)
        assert len(r.stdout.splitlines()) <= 2 + 2 + 20  # one line per row
    assert shortid.short(JOINT) in r.stdout
    assert "…" in r.stdout  # long titles are cut with an ellipsis


def test_clip_cuts_at_words_and_marks_the_cut():
    assert output.clip("Stöd till bostäder för äldre", 14) == "Stöd till…"
    assert output.clip("Tillväxtverket", 9) == "Tillväxt…"
    assert output.clip("kort", 10) == "kort"
    lines = output.table_lines(
        "t", [output.Col("a"), output.Col("title", flex=1, min=10)],
        [("x", "Insatser för att främja cirkulär ekonomi inom Övre Norrland " * 2)], 60,
    )  # fmt: skip
    assert all(len(x) <= 60 for x in lines) and lines[-1].endswith("…") and len(lines) == 4


def test_show_explain_and_mark_accept_short_ids_and_row_numbers(offline_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    short = shortid.short(JOINT)
    r = cli("--db", offline_db, "show", short)
    assert r.exit_code == 0 and JOINT in r.stdout
    # the URL is printed whole on one line, clickable
    assert any(
        line.endswith("https://www.energimyndigheten.se/utlysningar/gemensam-acceleration-mot-klimatneutrala-stader-2030/")
        for line in r.stdout.splitlines()
    )  # fmt: skip
    listing = cli("--db", offline_db, "rank", "--kommun", "Umeå", *APRIL).stdout
    row = next(ln for ln in listing.splitlines() if short in ln)
    number = row.split()[0]
    assert cli("--db", offline_db, "show", number).stdout == r.stdout
    assert cli("--db", offline_db, "explain", short, "--kommun", "umea", *APRIL).exit_code == 0
    assert cli("--db", offline_db, "mark", "HORIZON-CL5-2026-09-D4-03", "--kommun", "umea",
               "--status", "watch").exit_code == 0  # fmt: skip
    bad = cli("--db", offline_db, "show", "HORIZON")
    assert bad.exit_code == 1 and "matches" in bad.stderr and "give more of the id" in bad.stderr


def test_status_column_says_closed_not_negative_days(offline_db):
    r = cli("--db", offline_db, "rank", "--kommun", "Umeå", "--include-closed", "--limit", "0")
    assert "closed" in r.stdout and not re.search(r"\s-\d+\s", r.stdout)
    sv = cli("--db", offline_db, "--lang", "sv", "rank", "--kommun", "Umeå", "--include-closed")
    assert "stängd" in sv.stdout and "closed" not in sv.stdout and "sista dag" in sv.stdout


def test_reasons_are_human_and_themes_are_labels(offline_db):
    r = cli("--db", offline_db, "rank", "--kommun", "Umeå", "--format", "csv", *APRIL).stdout
    assert "('" not in r and " x weight " not in r
    assert re.search(r"climate and energy: \w", r)  # a theme label, then the matched words
    sv = cli(
        "--db", offline_db, "--lang", "sv", "rank", "--kommun", "Umeå", "--format", "csv", *APRIL
    )
    assert re.search(r"klimat och energi: \w", sv.stdout) and "social-hallbarhet" not in sv.stdout


def test_lang_from_environment(offline_db, monkeypatch):
    monkeypatch.setenv("CALLWATCH_LANG", "sv")
    r = cli("--db", offline_db, "watch", "--kommun", "Umeå")
    assert "engagerar sig" in r.stdout or "bevakar ingen" in r.stdout
    assert cli("--db", offline_db, "--lang", "fr", "calls").exit_code == 2


def test_listings_at_80_columns(offline_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    cli("--db", offline_db, "mark", JOINT, "--kommun", "umea", "--status", "engage", "--by", "Anna Andersson",
        "--reason", "tillsammans med Uppsala och Skellefteå i ett konsortium")  # fmt: skip
    for args in (["calls"], ["sources"], ["watch", "--kommun", "umea"], ["decisions"],
                 ["decisions", "--history"]):  # fmt: skip
        r = cli("--db", offline_db, *args)
        assert r.exit_code == 0, (args, r.output)
        assert lines_fit(r.stdout, 80), args
    dec = cli("--db", offline_db, "decisions").stdout
    assert "Umeå" in dec and "umea " not in dec and "Gemensam" in dec
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", dec)  # no raw timestamps


def test_unknown_names_get_did_you_mean(offline_db):
    r = cli("--db", offline_db, "calls", "--source", "vinova")
    assert r.exit_code == 1 and "did you mean 'vinnova'" in r.stderr
    r = cli("--db", offline_db, "rank", "--theme", "klimatt")
    assert r.exit_code == 1 and "did you mean" in r.stderr
    r = cli("--db", offline_db, "rank", "--kommun", "Umeo")
    assert r.exit_code == 1 and "did you mean 'Umeå'" in r.stderr
    for alias in ("climate", "Climate and energy", "klimat", "Klimat och energi", "housing"):
        assert (
            cli("--db", offline_db, "rank", "--theme", alias, "--format", "json").exit_code == 0
        ), alias


def test_rank_filters(offline_db):
    import json

    rows = json.loads(cli("--db", offline_db, "rank", "--kommun", "umea", "--funder", "boverket",
                          "--format", "json", *APRIL).stdout)  # fmt: skip
    assert rows and {r["funder"] for r in rows} == {"Boverket"}
    rows = json.loads(cli("--db", offline_db, "rank", "--kommun", "umea", "--min-budget", "10000000",
                          "--format", "json", *APRIL).stdout)  # fmt: skip
    assert rows and all(r["budget_amount"] for r in rows)
    rows = json.loads(cli("--db", offline_db, "rank", "--kommun", "umea", "--status", "closed",
                          "--format", "json").stdout)  # fmt: skip
    assert rows and {r["status"] for r in rows} == {"closed"}
    # a call for non-profits only: not eligible, so shown with --all
    rows = json.loads(cli("--db", offline_db, "rank", "--kommun", "umea", "--search", "cykling",
                          "--include-closed", "--all", "--format", "json", *APRIL).stdout)  # fmt: skip
    assert [r["title"] for r in rows] == ["Bidrag för ökad och säker cykling 2020"]


def test_a_listing_never_waits_for_a_writer(offline_db):
    """Remembering the row numbers must not block behind a fetch holding the write lock."""
    import sqlite3
    import time

    from callwatch import store

    writer = sqlite3.connect(offline_db, timeout=1)
    writer.execute("BEGIN IMMEDIATE")
    try:
        db = store.open_db(offline_db)
        started = time.monotonic()
        shortid.remember_listing(db, [JOINT])
        assert time.monotonic() - started < 2
    finally:
        writer.rollback()
        writer.close()
