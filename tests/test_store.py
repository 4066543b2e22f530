import sqlite3
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from callwatch import archive, migrations, store
from callwatch.errors import StoreError
from callwatch.models import Call
from tests.conftest import NOW


def make(native="A", **kw):
    base = dict(
        source="src",
        native_id=native,
        title=f"Call {native}",
        url=f"https://example.org/{native}",
        funder="Funder",
        status="open",
        deadlines=["2027-03-01T14:00:00+01:00"],
    )
    base.update(kw)
    return Call(**base)


def test_new_then_unchanged(empty_db):
    c = store.apply_crawl(empty_db, "src", [make("A"), make("B")], complete=True, now=NOW, run_id=1)
    assert (c.new, c.updated, c.closed) == (2, 0, 0)
    again = store.apply_crawl(
        empty_db, "src", [make("A"), make("B")], complete=True, now=NOW, run_id=2
    )
    assert (again.new, again.updated, again.closed, again.unchanged) == (0, 0, 0, 2)
    assert store.call_count(empty_db) == 2
    assert store.call_history(empty_db, "src:A") == []


def test_changes_are_recorded_field_by_field(empty_db):
    store.apply_crawl(empty_db, "src", [make("A")], complete=True, now=NOW, run_id=1)
    later = NOW + timedelta(days=1)
    changed = make(
        "A", deadlines=["2027-04-01T14:00:00+02:00"], budget_amount=5e6, budget_currency="SEK"
    )
    c = store.apply_crawl(empty_db, "src", [changed], complete=True, now=later, run_id=2)
    assert c.updated == 1
    fields = {h["field"]: h for h in store.call_history(empty_db, "src:A")}
    assert set(fields) == {"deadlines", "budget_amount", "budget_currency"}
    assert fields["deadlines"]["old"] == '["2027-03-01T14:00:00+01:00"]'
    row = store.get_call(empty_db, "src:A")
    assert row["first_seen"] == NOW.isoformat() and row["last_seen"] == later.isoformat()
    assert row["budget_amount"] == 5e6


def test_complete_crawl_closes_missing_calls(empty_db):
    store.apply_crawl(empty_db, "src", [make("A"), make("B")], complete=True, now=NOW, run_id=1)
    c = store.apply_crawl(empty_db, "src", [make("A")], complete=True, now=NOW, run_id=2)
    assert c.closed == 1
    row = store.get_call(empty_db, "src:B")
    assert row["status"] == "closed" and "no longer listed" in row["closed_reason"]
    assert store.call_history(empty_db, "src:B")[-1]["new"] == "closed"
    # listed again later: reopened, not duplicated
    c = store.apply_crawl(empty_db, "src", [make("A"), make("B")], complete=True, now=NOW, run_id=3)
    assert store.get_call(empty_db, "src:B")["status"] == "open" and c.updated == 1
    assert store.call_count(empty_db) == 2


@pytest.mark.parametrize("complete, calls", [(False, ["A"]), (True, [])])
def test_partial_or_empty_crawl_closes_nothing(empty_db, complete, calls):
    store.apply_crawl(empty_db, "src", [make("A"), make("B")], complete=True, now=NOW, run_id=1)
    c = store.apply_crawl(
        empty_db, "src", [make(n) for n in calls], complete=complete, now=NOW, run_id=2
    )
    assert c.closed == 0
    assert {r["status"] for r in store.query_calls(empty_db)} == {"open"}


def test_other_sources_are_untouched(empty_db):
    store.apply_crawl(empty_db, "src", [make("A")], complete=True, now=NOW, run_id=1)
    other = replace(make("X"), source="other")
    store.apply_crawl(empty_db, "other", [other], complete=True, now=NOW, run_id=2)
    assert store.get_call(empty_db, "src:A")["status"] == "open"


def test_raw_archive_is_content_addressed(empty_db):
    kw: dict[str, Any] = dict(
        run_id=1,
        source="s",
        method="GET",
        url="https://x",
        status=200,
        content_type="text/html",
        fetched_at=NOW,
    )
    h1 = archive.archive_response(empty_db, body=b"hello" * 100, **kw)
    h2 = archive.archive_response(empty_db, body=b"hello" * 100, **kw)
    assert h1 == h2
    assert empty_db.execute("SELECT count(*) FROM raw_responses").fetchone()[0] == 1
    assert empty_db.execute("SELECT count(*) FROM fetch_log").fetchone()[0] == 2
    assert archive.raw_body(empty_db, h1) == b"hello" * 100
    stored = empty_db.execute("SELECT length(data) FROM raw_responses").fetchone()[0]
    assert stored < 500  # compressed


def test_migrations_are_idempotent_and_versioned(tmp_path):
    path = tmp_path / "m.db"
    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    store.apply_crawl(db, "src", [make("A")], complete=True, now=NOW, run_id=1)
    db.conn.close()
    db2 = store.open_db(path)
    assert migrations.migrate(db2) == 0
    assert store.call_count(db2) == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer than this callwatch"):
        store.open_db(path)


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.db: cannot use this database"):
        store.open_db(path)


def test_first_release_database_is_migrated_in_place(tmp_path):
    """A database made by the first schema version gains every later table, keeping its data."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    import sqlite_utils

    db1 = sqlite_utils.Database(conn)
    migrations.MIGRATIONS[0](db1)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO calls (id, source, native_id, title, status, deadlines, keywords, extra, content_hash) "
        "VALUES ('src:A', 'src', 'A', 'Call A', 'open', '[]', '[]', '{}', 'h')"
    )
    conn.close()
    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION > 1
    tables = {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    assert {"call_scores", "decisions", "decisions_current", "http_cache", "reports"} <= tables
    assert store.get_call(db, "src:A")["title"] == "Call A"
    store.apply_crawl(db, "src", [make("A")], complete=True, now=NOW, run_id=None)
    assert store.call_count(db) == 1
