"""The owners' functions other modules call instead of running SQL on tables they do not own
(the ownership rule in callwatch/store/__init__.py)."""

from __future__ import annotations

import pytest

from callwatch import decisions, store
from callwatch.models import Call
from tests.conftest import NOW


def _call(native: str, **kw: object) -> Call:
    base: dict = dict(
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


@pytest.fixture
def linked_db(tmp_path):
    """Three calls of one source, one closed; src:B a listing of src:A; A and C one series."""
    db = store.open_db(tmp_path / "t.db")
    calls = [
        _call("A"),
        _call("B", funder="Other"),
        _call("C", deadlines=["2025-03-01T14:00:00+01:00"]),
    ]
    store.apply_crawl(db, "src", calls, complete=True, now=NOW, run_id=None)
    with store.transaction(db):
        store.set_links(
            db, [("src:A", "s1", "src:B"), (None, "s1", "src:A"), (None, "s1", "src:C")]
        )
    return db


def test_calls_reads(linked_db):
    db = linked_db
    assert store.call_exists(db, "src:A") and not store.call_exists(db, "src:Z")
    assert store.call_ids(db) == ["src:A", "src:B", "src:C"]
    assert {"id", "duplicate_of", "series", "facts"} <= store.call_columns(db)
    assert set(store.calls_by_id(db, ["src:A", "src:Z"])) == {"src:A"}
    assert store.calls_by_id(db, ["src:A"])["src:A"]["deadlines"] == ["2027-03-01T14:00:00+01:00"]
    assert store.open_count(db, "src") == 2 and store.open_count(db, "other") == 0
    assert store.stored_sources(db) == {"src"}
    assert store.funders(db) == ["Funder", "Other"]
    assert set(store.content_hashes(db)) == {"src:A", "src:B", "src:C"}
    assert store.first_seen(db, ["src:A"]) == {"src:A": NOW.isoformat()}


def test_links(linked_db):
    db = linked_db
    assert store.duplicate_links(db) == [("src:B", "src:A")]
    assert store.duplicate_links(db, by_id=False) == [("src:B", "src:A")]
    assert store.duplicate_of(db, "src:B") == "src:A" and store.duplicate_of(db, "src:A") is None
    assert [r["id"] for r in store.listings(db, "src:A", besides="src:B")] == ["src:A"]
    assert [r["id"] for r in store.listings(db, "src:A", besides="src:A")] == ["src:B"]
    assert store.series_links(db) == [("src:A", "s1"), ("src:B", "s1"), ("src:C", "s1")]
    assert store.series_of(db, "src:C") == "s1" and store.series_of(db, "src:Z") is None
    assert sorted(r[0] for r in store.series_rounds(db, "s1")) == ["src:A", "src:B", "src:C"]
    assert store.links(db)["src:B"] == ("src:A", "s1")


def test_decisions_reads(linked_db):
    db = linked_db
    assert decisions.deciders(db) == set() and decisions.last_id(db) is None
    decisions.mark(db, "src:C", "umea", "dismiss", reason="too small", now=NOW)
    decisions.mark(db, "src:A", "umea", "watch", now=NOW)
    decisions.mark(db, "src:A", "umea", "engage", by="anna", now=NOW)
    assert decisions.deciders(db) == {"umea"}
    current = decisions.current_of(db, "src:A", "umea")
    assert current is not None and (current["status"], current["by"]) == ("engage", "anna")
    assert decisions.current_of(db, "src:A", "lund") is None
    assert decisions.last_id(db) == 3
    rows = decisions.all_rows(db, "umea")
    assert [r["status"] for r in rows] == ["dismiss", "watch", "engage"]
    assert rows[0]["title"] == "Call C" and decisions.all_rows(db, "lund") == []
    by_round = decisions.current_in_series(db, "s1")
    assert by_round["src:A"][0]["status"] == "engage" and by_round["src:C"][0]["reason"]
    assert decisions.decided_other_round(db, "src:A", "umea")
    assert not decisions.decided_other_round(db, "src:A", "lund")


def test_meta_and_short_wait(tmp_path):
    db = store.open_db(tmp_path / "t.db")
    store.add_meta(db, "k", "first")
    store.add_meta(db, "k", "second")  # the first writer wins
    assert store.get_meta(db, "k") == "first"
    store.delete_meta(db, "k")
    assert store.get_meta(db, "k") is None
    before = db.execute("PRAGMA busy_timeout").fetchone()[0]
    with store.short_wait(db, 50):
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 50
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == before


def test_reads_for_reports(linked_db):
    db = linked_db
    values = store.column_values(db, ["src:A", "src:C"], ["status", "funder"])
    assert values == {
        "src:A": {"status": "open", "funder": "Funder"},
        "src:C": {"status": "closed", "funder": "Funder"},
    }
    with pytest.raises(ValueError):
        store.column_values(db, ["src:A"], ["status; DROP TABLE calls"])
    assert store.matching(db, ["src:A", "src:B", "src:C"], "call b") == {"src:B"}
    assert store.matching(db, ["src:A"], "call b") == set()
    later = NOW.replace(day=28)
    store.apply_crawl(
        db, "src", [_call("A", budget_amount=1e6, budget_currency="SEK")], complete=False,
        now=later, run_id=None,
    )  # fmt: skip
    day = later.date().isoformat()
    changes = store.changes_between(db, ["src:A", "src:B"], ("budget_amount",), day, day)
    assert changes == {"src:A": [("budget_amount", None, "1000000.0")]}
    assert store.changes_between(db, ["src:A"], ("status",), day, day) == {}


def test_current_decisions_by_canonical_call(linked_db):
    db = linked_db
    decisions.mark(db, "src:B", "umea", "watch", now=NOW)
    decisions.mark(db, "src:C", "lund", "engage", now=NOW)
    rows = decisions.current_by_canonical(db)
    assert {(r[0], r[1], r[2]) for r in rows} == {
        ("src:B", "src:A", "umea"),
        ("src:C", "src:C", "lund"),
    }
    assert [r[0] for r in decisions.current_by_canonical(db, "lund")] == ["src:C"]
