"""The deployment samples keep data: reports run after a failed fetch and decisions are backed
up outside any cache, and the backup restores."""

import json

from tests.conftest import ROOT, cli, copy_db
from tests.test_report_decide import JOINT

DEPLOY = ROOT / "docs" / "deploy"


def test_github_actions_reports_run_always_and_decisions_are_backed_up():
    text = (DEPLOY / "github-actions.yml").read_text(encoding="utf-8")
    steps = text.split("\n      - ")
    report = next(s for s in steps if "callwatch report" in s)
    assert "if: always()" in report
    backup = next(s for s in steps if "decisions --history --format json" in s)
    assert "if: always()" in backup
    upload = next(s for s in steps if "name: decisions" in s and "upload-artifact" in s)
    assert "if: always()" in upload
    assert "import-decisions" in text


def test_decisions_backup_restores_into_a_fresh_database(offline_db, offline_db_once, tmp_path):
    cli("--db", offline_db, "mark", JOINT, "--kommun", "umea", "--status", "watch", "--by", "Anna")
    cli("--db", offline_db, "mark", JOINT, "--kommun", "umea", "--status", "engage", "--by", "Per",
        "--reason", "med Uppsala")  # fmt: skip
    cli("--db", offline_db, "mark", JOINT, "--kommun", "uppsala", "--status", "engage")
    backup = tmp_path / "decisions.json"
    backup.write_text(cli("--db", offline_db, "decisions", "--history", "--format", "json").stdout)
    fresh = copy_db(offline_db_once, tmp_path / "fresh.db")
    r = cli("--db", fresh, "import-decisions", backup)
    assert r.exit_code == 0 and "imported 3 decisions" in r.stdout, r.output
    before = json.loads(cli("--db", offline_db, "decisions", "--format", "json").stdout)
    after = json.loads(cli("--db", fresh, "decisions", "--format", "json").stdout)
    key = ("call_id", "kommun", "status", "reason", "by", "created")
    assert [[d[k] for k in key] for d in after] == [[d[k] for k in key] for d in before]
    again = cli("--db", fresh, "import-decisions", backup)
    assert "imported 0 decisions" in again.stdout and "3 already present" in again.stdout
    # the current-only listing restores too
    current = tmp_path / "current.json"
    current.write_text(cli("--db", offline_db, "decisions", "--format", "json").stdout)
    other = copy_db(offline_db_once, tmp_path / "other.db")
    assert "imported 2 decisions" in cli("--db", other, "import-decisions", current).stdout


def test_import_decisions_refuses_bad_rows_and_writes_nothing(offline_db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([
        {"call_id": JOINT, "kommun": "umea", "status": "engage", "created": "2026-04-01T10:00:00+00:00"},
        {"call_id": JOINT, "kommun": "umea", "status": "maybe", "created": "2026-04-02T10:00:00+00:00"},
    ]))  # fmt: skip
    r = cli("--db", offline_db, "import-decisions", bad)
    assert r.exit_code == 1 and "row 2" in r.stderr and "maybe" in r.stderr
    assert json.loads(cli("--db", offline_db, "decisions", "--format", "json").stdout) == []
    older = tmp_path / "older.json"
    cli("--db", offline_db, "mark", JOINT, "--kommun", "umea", "--status", "dismiss")
    older.write_text(json.dumps([
        {"call_id": JOINT, "kommun": "umea", "status": "engage", "created": "2020-01-01T00:00:00+00:00"},
    ]))  # fmt: skip
    r = cli("--db", offline_db, "import-decisions", older)
    assert "1 older than a decision in the database" in r.stdout
    [d] = json.loads(cli("--db", offline_db, "decisions", "--format", "json").stdout)
    assert d["status"] == "dismiss"
