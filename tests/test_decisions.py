import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, RULES, cli

CALL = "eu-ft:11264COMPETITIVE_CALL"


def test_mark_survives_refetch_and_rules_change(offline_db, tmp_path):
    today = ["--today", "2026-06-01"]  # the UMX call was open then
    before = [
        c["id"]
        for c in json.loads(
            cli(
                "--db",
                offline_db,
                "rank",
                "--kommun",
                "Västerås",
                "--format",
                "json",
                "--limit",
                "0",
                *today,
            ).stdout
        )
    ]
    assert CALL in before
    r = cli(
        "--db",
        offline_db,
        "mark",
        CALL,
        "--kommun",
        "vasteras",
        "--status",
        "dismiss",
        "--reason",
        "för litet",
        "--note",
        "se mejl 3/6",
        "--by",
        "Karin",
    )
    assert r.exit_code == 0, r.output
    assert cli("--db", offline_db, "fetch", "--offline").exit_code == 0
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    p = rules / "themes.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace('"mobilitet" = 3', '"mobilitet" = 2'),
        encoding="utf-8",
    )
    ranked = json.loads(
        cli(
            "--rules",
            rules,
            "--db",
            offline_db,
            "rank",
            "--kommun",
            "Västerås",
            "--format",
            "json",
            "--limit",
            "0",
            *today,
        ).stdout
    )
    assert CALL not in [c["id"] for c in ranked]
    everything = json.loads(
        cli(
            "--rules",
            rules,
            "--db",
            offline_db,
            "rank",
            "--kommun",
            "Västerås",
            "--all",
            "--format",
            "json",
            "--limit",
            "0",
            *today,
        ).stdout
    )
    assert CALL in [c["id"] for c in everything]
    current = json.loads(
        cli("--db", offline_db, "decisions", "--kommun", "Västerås", "--format", "json").stdout
    )
    assert [(d["call_id"], d["status"], d["note"], d["by"]) for d in current] == [
        (CALL, "dismiss", "se mejl 3/6", "Karin")
    ]
    # other municipalities still see it
    assert CALL in [
        c["id"]
        for c in json.loads(
            cli(
                "--db",
                offline_db,
                "rank",
                "--kommun",
                "Umeå",
                "--format",
                "json",
                "--limit",
                "0",
                *today,
            ).stdout
        )
    ]


def test_every_change_is_kept(offline_db):
    cli("--db", offline_db, "mark", CALL, "--kommun", "umea", "--status", "watch", "--by", "A")
    cli(
        "--db",
        offline_db,
        "mark",
        CALL,
        "--kommun",
        "umea",
        "--status",
        "engage",
        "--reason",
        "passar mobilitetsplanen",
        "--by",
        "B",
    )
    hist = json.loads(cli("--db", offline_db, "decisions", "--history", "--format", "json").stdout)
    assert [h["status"] for h in hist] == ["watch", "engage"]
    current = json.loads(cli("--db", offline_db, "decisions", "--format", "json").stdout)
    assert [c["status"] for c in current] == ["engage"]
    shown = json.loads(cli("--db", offline_db, "show", CALL, "--format", "json").stdout)
    assert [d["status"] for d in shown["decisions"]] == ["watch", "engage"]


def test_engaged_section_watch_view_and_network(offline_db):
    cli(
        "--db",
        offline_db,
        "mark",
        CALL,
        "--kommun",
        "Umeå",
        "--status",
        "engage",
        "--reason",
        "mobilitet",
    )
    report = cli("--db", offline_db, "report", "--kommun", "Umeå", "--today", "2026-09-01").stdout
    section = report.split("## Vi engagerar oss (1)")[1].split("\n## ")[0]
    assert "Urban Mobility Explained" in section and "28 dagar kvar" in section
    table = cli(
        "--db", offline_db, "watch", "--kommun", "Umeå", "--format", "json", "--today", "2026-09-01"
    ).stdout
    [row] = json.loads(table)
    assert row["id"] == CALL and row["days_left"] == 28 and row["status"] == "engage"
    net = cli("--db", offline_db, "report", "--network", "--today", "2026-09-01").stdout
    assert "Umeå: engagerar sig (mobilitet)" in net


def test_mark_errors(offline_db):
    r = cli("--db", offline_db, "mark", "nope:1", "--kommun", "umea", "--status", "watch")
    assert r.exit_code == 1 and "no call with id" in r.stderr
    r = cli("--db", offline_db, "mark", CALL, "--kommun", "Umeo", "--status", "watch")
    assert r.exit_code == 1 and "did you mean 'Umeå'" in r.stderr


def test_recurring_rounds_are_linked(offline_db):
    assert (
        cli("--db", offline_db, "import", ROOT / "tests" / "eval" / "calltexts.jsonl").exit_code
        == 0
    )
    new = "smartbuilt:2024-02-12-smart-built-environment---the-innovation-ideas-call"
    old = "import:formas-sbe-innovationideas-2022"
    shown = json.loads(cli("--db", offline_db, "show", new, "--format", "json").stdout)
    assert [r["id"] for r in shown["rounds"]] == [old]
    cli("--db", offline_db, "mark", old, "--kommun", "Skellefteå", "--status", "engage")
    ranked = json.loads(
        cli(
            "--db",
            offline_db,
            "rank",
            "--kommun",
            "Skellefteå",
            "--include-closed",
            "--limit",
            "0",
            "--format",
            "json",
        ).stdout
    )
    row = next(c for c in ranked if c["id"] == new)
    assert row["earlier_decision"].startswith("engage") and any(
        "earlier round" in x for x in row["reasons"]
    )


def test_expected_reopening_needs_history():
    from datetime import date

    from callwatch.recurring import Round, expected_reopening

    def rnd(i, opens, status="closed"):
        return Round(f"c{i}", "x", status, opens, None, None, None, [])

    assert (
        expected_reopening([rnd(1, "2024-03-04"), rnd(2, "2025-03-10")], date(2026, 11, 27))
        == "mars 2027"
    )
    assert expected_reopening([rnd(1, "2024-03-04")], date(2026, 11, 27)) is None
    assert (
        expected_reopening([rnd(1, "2025-03-04"), rnd(2, "2025-09-10")], date(2026, 11, 27)) is None
    )
    assert (
        expected_reopening([rnd(1, "2024-03-04"), rnd(2, "2025-03-10", "open")], date(2026, 11, 27))
        is None
    )


@pytest.mark.slow
def test_concurrent_marks_from_two_processes_keep_both(offline_db):
    code = (
        "import sys; from callwatch.cli import main; "
        "sys.argv = ['callwatch', '--db', sys.argv[1], 'mark', sys.argv[2], '--kommun', sys.argv[3], "
        "'--status', 'watch', '--by', sys.argv[3]]\n"
        "for _ in range(10): \n"
        "    try:\n        main()\n    except SystemExit as e:\n        assert not e.code, e.code\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(offline_db), CALL, k], cwd=ROOT)
        for k in ("umea", "uppsala")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    hist = json.loads(cli("--db", offline_db, "decisions", "--history", "--format", "json").stdout)
    assert sorted({h["kommun"] for h in hist}) == ["umea", "uppsala"] and len(hist) == 20
