import json

from tests.conftest import ROOT, cli


def test_invalid_line_is_named_and_nothing_written(tmp_path):
    f = tmp_path / "c.jsonl"
    good = {"id": "a", "title": "A", "url": "https://x.org/a", "funder": "F"}
    f.write_text(
        json.dumps(good)
        + "\n"
        + json.dumps({"id": "b", "title": "B", "funder": "F"})
        + "\n{broken\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    r = cli("--db", db, "import", f)
    assert r.exit_code == 1
    assert "c.jsonl line 2: 'url' is missing" in r.stderr and "1 more invalid" in r.stderr
    assert r.stderr.count("\n") == 1
    assert not db.exists() or json.loads(cli("--db", db, "calls", "--format", "json").stdout) == []


def test_bad_dates_and_duplicates(tmp_path):
    f = tmp_path / "c.jsonl"
    rows = [
        {"id": "a", "title": "A", "url": "https://x.org/a", "funder": "F", "deadline": "next week"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    r = cli("--db", str(tmp_path / "t.db"), "import", f)
    assert r.exit_code == 1 and "line 1: 'deadline'" in r.stderr
    f.write_text(
        json.dumps(rows[0] | {"deadline": "2027-01-01"})
        + "\n"
        + json.dumps(rows[0] | {"deadline": None}),
        encoding="utf-8",
    )
    r = cli("--db", str(tmp_path / "t.db"), "import", f)
    assert r.exit_code == 1 and "line 2: id 'a' already on line 1" in r.stderr


def test_ids_are_kept_and_reimport_is_idempotent(tmp_path):
    db = str(tmp_path / "t.db")
    f = str(ROOT / "tests" / "eval" / "calltexts.jsonl")
    r = cli("--db", db, "import", f)
    assert r.exit_code == 0 and "88 new" in r.stdout
    again = cli("--db", db, "import", f)
    assert "0 new, 0 updated" in again.stdout
    show = json.loads(cli("--db", db, "show", "sos-aldreomsorg-2022", "--format", "json").stdout)
    # imported calls have their own id space; the id as given still finds the call
    assert show["id"] == "import:sos-aldreomsorg-2022" and show["status"] == "closed"
    assert show["deadlines"] == ["2022-10-31T23:59:00+01:00"]
