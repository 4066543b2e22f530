"""Cost that follows what changed and what is shown: incremental linking, the full-text search
index and limited listings. (Timings live in scripts/bench.py, not in tests.)"""

from __future__ import annotations

from dataclasses import replace

from typer.testing import CliRunner

from callwatch import dedupe, linking, recurring, sources, store
from callwatch.cli import app
from callwatch.models import Call
from tests.conftest import NOW, SOURCES


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def call(source: str, native: str, title: str, deadline: str, **kw) -> Call:
    return Call(
        source=source,
        native_id=native,
        title=title,
        url=kw.pop("url", f"https://{source}.example/{native}"),
        funder=kw.pop("funder", "Energimyndigheten"),
        status="open",
        deadlines=[f"{deadline}T14:00:00+01:00"],
        **kw,
    )


def snapshot(db) -> dict:
    return {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, duplicate_of, series FROM calls")}


def test_linking_follows_changes(db):
    specs = sources.load_all(SOURCES)
    a = call(
        "energimyndigheten", "a", "Innovationer för hållbara städer och regioner", "2027-03-01"
    )
    b = call("viablecities", "b", "Innovationer för hållbara städer och regioner", "2027-03-01")
    r1 = call("energimyndigheten", "r1", "Klimatsmarta kommuner och regioner 2025", "2025-04-01")
    r2 = call("energimyndigheten", "r2", "Klimatsmarta kommuner och regioner 2026", "2026-04-01")
    for src, calls in (("energimyndigheten", [a, r1, r2]), ("viablecities", [b])):
        store.apply_crawl(db, src, calls, complete=False, now=NOW, run_id=None)
    stats = linking.link(db, specs, {"viablecities"})
    assert stats.changed == 4 and stats.duplicates == 1
    snap = snapshot(db)
    assert snap["viablecities:b"][0] == "energimyndigheten:a"  # the issuer is canonical
    assert snap["energimyndigheten:r1"][1] == snap["energimyndigheten:r2"][1]
    assert dedupe.groups(db) == {"energimyndigheten:a": ["energimyndigheten:a", "viablecities:b"]}
    assert list(recurring.series_groups(db).values()) == [
        ["energimyndigheten:r1", "energimyndigheten:r2"]
    ]
    # nothing changed: nothing re-keyed, same links
    assert linking.link(db, specs, {"viablecities"}).changed == 0 and snapshot(db) == snap
    # a round renamed out of the series, and the relisting moved to another day: links undone
    store.apply_crawl(
        db,
        "energimyndigheten",
        [a, r1, replace(r2, title="Laddinfrastruktur för tunga fordon 2026")],
        complete=False,
        now=NOW,
        run_id=None,
    )
    store.apply_crawl(
        db,
        "viablecities",
        [replace(b, deadlines=["2027-05-01T14:00:00+02:00"])],
        complete=False,
        now=NOW,
        run_id=None,
    )
    stats = linking.link(db, specs, {"viablecities"})
    assert stats.changed == 2 and stats.duplicates == 0 and stats.linked == 0
    assert all(v == (None, None) for v in snapshot(db).values())


def test_series_key_comes_from_the_adapter(db):
    """Rounds sharing Vinnova's parent call number are one series whatever their titles; with
    no source files (no adapters) the key is unknown and titles alone decide."""
    specs = sources.load_all(SOURCES)
    x = call("vinnova", "2025-1", "Utmaningsdriven innovation", "2025-03-01", funder="Vinnova")
    y = call("vinnova", "2026-1", "Samhällsutmaningar steg 1", "2026-03-01", funder="Vinnova")
    x.extra = {"call_diarienummer": "2024-0001"}
    y.extra = {"call_diarienummer": "2024-0001"}
    store.apply_crawl(db, "vinnova", [x, y], complete=False, now=NOW, run_id=None)
    linking.link(db, specs)
    assert snapshot(db)["vinnova:2026-1"][1] == "vinnova:2025-1"
    assert recurring.keys({**x.to_dict(), "extra": x.extra}, None)["series_key"] is None


def test_search_index_follows_the_calls_table(db):
    assert store.has_search_index(db)
    c = call("src", "1", "Klimatanpassning av byggd miljö", "2027-03-01")
    store.apply_crawl(db, "src", [c], complete=False, now=NOW, run_id=None)
    assert [r["id"] for r in store.query_calls(db, search="klimat")] == ["src:1"]
    store.apply_crawl(
        db,
        "src",
        [replace(c, title="Energieffektiva lokaler")],
        complete=False,
        now=NOW,
        run_id=None,
    )
    assert store.query_calls(db, search="klimat") == []
    assert [r["id"] for r in store.query_calls(db, search="energieff")] == ["src:1"]
    assert store.count_calls(db, search="LOKALER") == 1
    # punctuation only: taken literally by the LIKE fallback, never an FTS syntax error
    assert store.query_calls(db, search='"*(') == []


def test_search_without_fts5_falls_back_to_like(db):
    c = call("src", "1", "Klimatanpassning av byggd miljö", "2027-03-01")
    store.apply_crawl(db, "src", [c], complete=False, now=NOW, run_id=None)
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER calls_fts_{trigger}")
    db.execute("DROP TABLE calls_fts")
    assert not store.has_search_index(db)
    assert [r["id"] for r in store.query_calls(db, search="anpassning")] == ["src:1"]


def test_long_listing_is_limited_with_a_more_line(tmp_path):
    db_path = tmp_path / "t.db"
    db = store.open_db(db_path)
    calls = [call("src", f"{i:03d}", f"Utlysning nummer {i}", "2027-03-01") for i in range(60)]
    store.apply_crawl(db, "src", calls, complete=False, now=NOW, run_id=None)
    out = run("--db", db_path, "calls").stdout
    assert "60 calls" in out and "10 more (use --limit 0 for all" in out
    assert "more" not in run("--db", db_path, "calls", "--limit", "0").stdout.splitlines()[-1]
    assert "55 more" in run("--db", db_path, "calls", "-n", "5").stdout
    import json

    assert len(json.loads(run("--db", db_path, "calls", "--format", "json").stdout)) == 60
    assert run("--db", db_path, "calls", "--limit", "-1").exit_code == 1
