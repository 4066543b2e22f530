"""Cost that follows what changed and what is shown: incremental linking, the full-text search
index and limited listings. (Timings live in scripts/bench.py, not in tests.)"""

from __future__ import annotations

from dataclasses import replace

import pytest

from callwatch import dedupe, linking, recurring, sources, store
from callwatch.models import Call
from tests.conftest import NOW, SOURCES, cli


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


@pytest.fixture(params=["per call", "bulk"])
def link_mode(request, monkeypatch) -> str:
    """Linking compares changed calls per call (a fetch) or from the indexes read once (more
    than linking.BULK changed calls: a first link, a large import); both find the same links."""
    if request.param == "bulk":
        monkeypatch.setattr(linking, "BULK", 0)
    return request.param


def test_linking_follows_changes(empty_db, link_mode):
    specs = sources.load_all(SOURCES)
    a = call(
        "energimyndigheten", "a", "Innovationer för hållbara städer och regioner", "2027-03-01"
    )
    b = call("viablecities", "b", "Innovationer för hållbara städer och regioner", "2027-03-01")
    r1 = call("energimyndigheten", "r1", "Klimatsmarta kommuner och regioner 2025", "2025-04-01")
    r2 = call("energimyndigheten", "r2", "Klimatsmarta kommuner och regioner 2026", "2026-04-01")
    for src, calls in (("energimyndigheten", [a, r1, r2]), ("viablecities", [b])):
        store.apply_crawl(empty_db, src, calls, complete=False, now=NOW, run_id=None)
    stats = linking.link(empty_db, specs, {"viablecities"})
    assert stats.changed == 4 and stats.duplicates == 1
    snap = snapshot(empty_db)
    assert snap["viablecities:b"][0] == "energimyndigheten:a"  # the issuer is canonical
    assert snap["energimyndigheten:r1"][1] == snap["energimyndigheten:r2"][1]
    assert dedupe.groups(empty_db) == {
        "energimyndigheten:a": ["energimyndigheten:a", "viablecities:b"]
    }
    assert list(recurring.series_groups(empty_db).values()) == [
        ["energimyndigheten:r1", "energimyndigheten:r2"]
    ]
    # nothing changed: nothing re-keyed, same links
    assert (
        linking.link(empty_db, specs, {"viablecities"}).changed == 0 and snapshot(empty_db) == snap
    )
    # a round renamed out of the series, and the relisting moved to another day: links undone
    store.apply_crawl(
        empty_db,
        "energimyndigheten",
        [a, r1, replace(r2, title="Laddinfrastruktur för tunga fordon 2026")],
        complete=False,
        now=NOW,
        run_id=None,
    )
    store.apply_crawl(
        empty_db,
        "viablecities",
        [replace(b, deadlines=["2027-05-01T14:00:00+02:00"])],
        complete=False,
        now=NOW,
        run_id=None,
    )
    stats = linking.link(empty_db, specs, {"viablecities"})
    assert stats.changed == 2 and stats.duplicates == 0 and stats.linked == 0
    assert all(v == (None, None) for v in snapshot(empty_db).values())


def test_bulk_linking_finds_the_links_per_call_linking_finds(offline_db, monkeypatch):
    """A first link of the offline recordings (cross-source duplicates), per call and in bulk:
    the same pairs, duplicates and series (rounds: test_linking_follows_changes)."""
    specs = sources.load_all(SOURCES)
    db = store.open_db(offline_db)
    found = []
    for bulk in (10**9, 0):
        monkeypatch.setattr(linking, "BULK", bulk)
        with store.transaction(db):
            for table in linking.LINK_TABLES:
                db.conn.execute(f"DELETE FROM {table}")
            store.delete_meta(db, "link_df_titles")
        linking.link(db, specs, {s.id for s in specs if s.relists})
        pairs = sorted(db.execute("SELECT a, b, kind FROM link_pairs").fetchall())
        found.append((pairs, snapshot(db)))
    assert found[0] == found[1]
    assert any(kind == "dup" for _, _, kind in found[0][0])


def test_series_key_comes_from_the_adapter(empty_db):
    """Rounds sharing Vinnova's parent call number are one series whatever their titles; with
    no source files (no adapters) the key is unknown and titles alone decide."""
    specs = sources.load_all(SOURCES)
    x = call("vinnova", "2025-1", "Utmaningsdriven innovation", "2025-03-01", funder="Vinnova")
    y = call("vinnova", "2026-1", "Samhällsutmaningar steg 1", "2026-03-01", funder="Vinnova")
    x.extra = {"call_diarienummer": "2024-0001"}
    y.extra = {"call_diarienummer": "2024-0001"}
    store.apply_crawl(empty_db, "vinnova", [x, y], complete=False, now=NOW, run_id=None)
    linking.link(empty_db, specs)
    assert snapshot(empty_db)["vinnova:2026-1"][1] == "vinnova:2025-1"
    assert recurring.keys({**x.to_dict(), "extra": x.extra}, None)["series_key"] is None


def test_search_index_follows_the_calls_table(empty_db):
    assert store.has_search_index(empty_db)
    c = call("src", "1", "Klimatanpassning av byggd miljö", "2027-03-01")
    store.apply_crawl(empty_db, "src", [c], complete=False, now=NOW, run_id=None)
    assert [r["id"] for r in store.query_calls(empty_db, search="klimat")] == ["src:1"]
    store.apply_crawl(
        empty_db,
        "src",
        [replace(c, title="Energieffektiva lokaler")],
        complete=False,
        now=NOW,
        run_id=None,
    )
    assert store.query_calls(empty_db, search="klimat") == []
    assert [r["id"] for r in store.query_calls(empty_db, search="energieff")] == ["src:1"]
    assert store.count_calls(empty_db, search="LOKALER") == 1
    # punctuation only: taken literally by the LIKE fallback, never an FTS syntax error
    assert store.query_calls(empty_db, search='"*(') == []


def test_search_without_fts5_falls_back_to_like(empty_db):
    c = call("src", "1", "Klimatanpassning av byggd miljö", "2027-03-01")
    store.apply_crawl(empty_db, "src", [c], complete=False, now=NOW, run_id=None)
    for trigger in ("insert", "delete", "update"):
        empty_db.execute(f"DROP TRIGGER calls_fts_{trigger}")
    empty_db.execute("DROP TABLE calls_fts")
    assert not store.has_search_index(empty_db)
    assert [r["id"] for r in store.query_calls(empty_db, search="anpassning")] == ["src:1"]


def test_long_listing_is_limited_with_a_more_line(tmp_path):
    db_path = tmp_path / "t.db"
    db = store.open_db(db_path)
    calls = [call("src", f"{i:03d}", f"Utlysning nummer {i}", "2027-03-01") for i in range(60)]
    store.apply_crawl(db, "src", calls, complete=False, now=NOW, run_id=None)
    out = cli("--db", db_path, "calls").stdout
    assert "60 calls" in out and "10 more (use --limit 0 for all" in out
    assert "more" not in cli("--db", db_path, "calls", "--limit", "0").stdout.splitlines()[-1]
    assert "55 more" in cli("--db", db_path, "calls", "-n", "5").stdout
    import json

    assert len(json.loads(cli("--db", db_path, "calls", "--format", "json").stdout)) == 60
    assert cli("--db", db_path, "calls", "--limit", "-1").exit_code == 1


def _ics_reference(ranked, today, name, include_closed) -> bytes:
    """The icalendar-library version export.to_ics replaced (kept as the reference): the same
    property values (after callwatch.safe), written by icalendar."""
    from datetime import UTC, datetime, timedelta

    from icalendar import Calendar, Event

    from callwatch import export, safe
    from callwatch import rank as rank_mod
    from callwatch.facts.apply import has_time

    cal = Calendar()
    cal.add("prodid", "-//callwatch//funding calls//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", " ".join(safe.ics(name).splitlines()))
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    for r in ranked:
        for n, d in enumerate(r.deadlines):
            day = rank_mod._local_date(d)
            if day < today and not include_closed:
                continue
            ev = Event()
            ev.add("uid", f"{r.id}/deadline-{n}@callwatch")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
            local = datetime.fromisoformat(d).astimezone(rank_mod.STOCKHOLM).strftime("%H:%M")
            when = f" ({local})" if has_time(d) else ""
            link = safe.url(r.url)
            verify = export.ICS_WORDS["sv"]["verify"] + " " if r.status == "unknown" else ""
            ev.add("summary", safe.ics(f"Sista dag: {r.title}{when}"))
            ev.add("description", safe.ics(f"{verify}{r.funder}.") + f"\n{link or ''}")
            if link and export._calendar_url(link):
                ev.add("url", link)
            cal.add_component(ev)
        if r.status == "forthcoming" and r.opens:
            ev = Event()
            ev.add("uid", f"{r.id}/opens@callwatch")
            ev.add("dtstamp", stamp)
            day = rank_mod._local_date(r.opens)
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
            ev.add("summary", safe.ics(f"Öppnar: {r.title}"))
            ev.add("description", safe.ics(r.funder) + f"\n{safe.url(r.url) or ''}")
            cal.add_component(ev)
    return cal.to_ical()


HOSTILE = "aåÄö€😀\\^;,:\n\r\"'<>N \t"


def test_ics_writer_matches_icalendar_byte_for_byte():
    from datetime import date

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from callwatch import export
    from callwatch.rank import Ranked

    chars = st.sampled_from(HOSTILE) | st.characters(codec="utf-8")  # no surrogates
    text = st.text(alphabet=chars, max_size=300)
    # icalendar rejects a URL with a line break (callwatch drops it) and writes a calendar name
    # with a line break broken (callwatch joins the lines): compared where icalendar is right
    plain = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=120)

    @settings(max_examples=150, deadline=None)
    @given(title=text, funder=text, reason=text, url=plain, name=plain, status=st.booleans())
    def check(title, funder, reason, url, name, status):
        r = Ranked(
            id="src:" + title[:20], title=title, url=url if status else "https://x.example/" + url,
            funder=funder, programme="", status="forthcoming" if status else "open",
            deadline=None, days_left=None, opens="2027-01-10T00:00:00+01:00", budget_amount=None,
            budget_currency=None, score=0.5, relevance=0.5, themes={}, eligibility="eligible",
            factors={}, reasons=[reason],
            deadlines=["2026-10-01T14:00:00+02:00", "2027-03-01T23:59:00+01:00"],
        )  # fmt: skip
        for closed in (False, True):
            got = export.to_ics([r], date(2026, 11, 27), name, closed)
            assert got == _ics_reference([r], date(2026, 11, 27), name, closed)

    check()


def test_ics_drops_a_url_with_a_line_break():
    from datetime import date

    from callwatch import export
    from callwatch.rank import Ranked

    r = Ranked(
        id="src:1", title="T", url="https://x.example/a\r\nBEGIN:VEVENT", funder="F", programme="",
        status="open", deadline=None, days_left=None, opens=None, budget_amount=None,
        budget_currency=None, score=0.5, relevance=0.5, themes={}, eligibility="eligible",
        factors={}, reasons=["r"], deadlines=["2027-03-01T23:59:00+01:00"],
    )  # fmt: skip
    out = export.to_ics([r], date(2026, 11, 27), "callwatch:\nx", False).decode()
    lines = out.split("\r\n")
    assert not any("\r" in x or "\n" in x for x in lines)
    assert lines.count("BEGIN:VEVENT") == 1 and not any(x.startswith("URL:") for x in lines)
    assert "X-WR-CALNAME:callwatch: x" in lines


def test_import_reads_lines_not_unicode_line_separators(tmp_path):
    """The file is read line by line; a U+2028 inside a JSON string is text, not a line end."""
    import json

    from callwatch import importer

    lines = [
        {"id": "a", "title": "Klimat\u2028anpassning", "url": "https://x.example/a", "funder": "F"},
        {"id": "b", "title": "Energi", "url": "https://x.example/b", "funder": "F"},
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("\r\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    # imported calls live in their own id space
    assert [c.id for c in importer.read(path, NOW)] == ["import:a", "import:b"]
