"""Real funder data (tests/fixtures/*/PROVENANCE.md): every record that can be read is read, an
odd record is skipped and named (never fails its source), and only a collapse is *broken*."""

import contextlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime

import pytest

from callwatch import store
from callwatch.adapters import gdp, parse_with_skips
from callwatch.fetch import FetchOptions, run_fetch
from callwatch.health import judge
from callwatch.http import HttpConfig
from tests.conftest import FIXTURES, NOW, cli

GDP = FIXTURES / "gdp"
FORMAS = (GDP / "formas_utlysningar.json").read_bytes()
FORTE = (GDP / "forte_utlysningar.json").read_bytes()
FAST = HttpConfig(delay=0, retries=0)


def test_every_real_gdp_record_is_read(specs):
    formas, skipped = parse_with_skips(specs["formas"], FORMAS, NOW, "formas.json")
    assert len(formas) == 256 and skipped == []
    forte, skipped = parse_with_skips(specs["forte"], FORTE, NOW, "forte.json")
    assert len(forte) == 121 and skipped == []


def test_grant_forms_are_part_of_the_description(specs):
    """The grant form often is the only line saying who the money is for (real record)."""
    calls = {c.native_id: c for c in gdp.parse(specs["forte"], FORTE, NOW)}
    c = calls["2024-02422"]  # Etableringsbidrag 2025
    assert c.description.startswith("Utlysning av bidrag för etablering som unga forskare")
    assert "Etableringsbidrag: Bidrag till juniora forskare" in c.description
    assert "Bidragsformer" not in c.summary
    odd = json.loads(FORTE)[0] | {"bidragsformer": [None, {"namn": 3}, "x", {"namn": "Bidrag"}]}
    (one,) = gdp.parse(specs["forte"], json.dumps([odd]).encode(), NOW)
    assert one.description.endswith("Bidragsformer:\n- Bidrag")


def test_null_status_record_is_kept_as_unknown(specs):
    calls = {c.native_id: c for c in gdp.parse(specs["formas"], FORMAS, NOW)}
    c = calls["2025-03056"]  # real: "status": null, null dates, null publiceringsplatser
    assert c.title == "FutureFoodS - Accelerating Food Sustainability"
    assert c.status == "unknown" and c.deadlines == [] and c.opens is None
    assert c.url == specs["formas"].options["fallback_url"]
    assert sum(c.status == "unknown" for c in calls.values()) == 4


def test_null_status_with_dates_follows_the_dates(specs):
    rec = json.loads(FORMAS)[0] | {"status": None}  # opens 2026-01-20, closes 2026-03-04
    body = json.dumps([rec]).encode()

    def status(day):
        month, dom = day
        return gdp.parse(specs["formas"], body, datetime(2026, month, dom, 12, tzinfo=UTC))[
            0
        ].status

    assert status((1, 10)) == "forthcoming"
    assert status((2, 10)) == "open"
    assert status((3, 10)) == "closed"


@pytest.mark.parametrize(
    "raw, clean",
    [
        (
            "http://https://forte.se/sok-finansiering/utlysningar/gastforskarbidrag-usa-2026",
            "https://forte.se/sok-finansiering/utlysningar/gastforskarbidrag-usa-2026",
        ),
        (
            " https://forte.se/utlysning/okad-kunskap-om-aldreomsorgen-2020",
            "https://forte.se/utlysning/okad-kunskap-om-aldreomsorgen-2020",
        ),
        (
            "https://forte.se/utlysning/etableringsbidrag-2023/ \u200e",
            "https://forte.se/utlysning/etableringsbidrag-2023/",
        ),
        ("www.formas.se/x", "https://www.formas.se/x"),
        ("not a url", ""),
        (None, ""),
    ],
)
def test_gdp_urls_are_cleaned(raw, clean):
    assert gdp.clean_url(raw) == clean


def test_no_stored_url_is_uncleaned_or_a_homepage_when_better_exists(specs):
    for name, body in (("formas", FORMAS), ("forte", FORTE)):
        for c in gdp.parse(specs[name], body, NOW):
            assert c.url == c.url.strip() and "://" not in c.url.split("://", 1)[1], c.url
            assert c.url.isprintable(), c.url
    formas = {c.native_id: c for c in gdp.parse(specs["formas"], FORMAS, NOW)}
    records = {r["diarienummer"]: r for r in json.loads(FORMAS)}
    for dnr, rec in records.items():
        places = [p["webbadress"] for p in rec["publiceringsplatser"] or []]
        if places and all(gdp.is_homepage(gdp.clean_url(p)) for p in places):
            # a bare homepage is not the call's page: Formas' own listing is better
            assert formas[dnr].url == specs["formas"].options["fallback_url"], dnr
    # a record listing a homepage and a real page gets the real page
    both = json.loads(FORMAS)[0] | {
        "publiceringsplatser": [
            {"webbadress": "https://formas.se/"},
            {"webbadress": " https://formas.se/en/calls/x.html "},
        ]
    }
    [c] = gdp.parse(specs["formas"], json.dumps([both]).encode(), NOW)
    assert c.url == "https://formas.se/en/calls/x.html"


def test_record_without_page_and_no_fallback_is_skipped_and_named(specs):
    """Forte has no fallback_url: a record without publiceringsplatser is skipped, named, and
    the other records are stored."""
    records = json.loads(FORTE)
    records[5]["publiceringsplatser"] = None
    dnr = records[5]["diarienummer"]
    calls, skipped = parse_with_skips(specs["forte"], json.dumps(records).encode(), NOW, "f")
    assert len(calls) == 120
    [s] = skipped
    assert s.record == f"f[5] ({dnr})"
    assert "no public page" in s.why


def _with_odd_records(tmp_path, n_odd):
    """A copy of the real GDP recording whose Formas response has n_odd unreadable records."""
    rec = tmp_path / "rec"
    shutil.copytree(GDP / "recording", rec)
    records = json.loads(FORMAS)
    for r in records[:n_odd]:
        r["status"] = "Pausad"
    (rec / "formas" / "001.json").write_text(json.dumps(records), encoding="utf-8")
    return rec


def test_sources_check_replay_of_real_gdp_is_ok():
    r = cli("sources", "check", "--replay", GDP / "recording", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = {row["source"]: row for row in json.loads(r.stdout)}
    assert rows["formas"]["status"] == "ok" and rows["formas"]["found"] == 256
    assert rows["forte"]["status"] == "ok" and rows["forte"]["found"] == 121


def test_parse_names_odd_records_and_exits_0(tmp_path):
    records = json.loads(FORMAS)
    records[3]["status"] = "Pausad"
    records[7] = "not a record"
    path = tmp_path / "formas.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    r = cli("parse", "formas", path, "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 254
    assert f"[3] ({records[3]['diarienummer']}): unknown status 'Pausad'" in r.stderr
    assert "[7]: expected an object" in r.stderr
    assert "254 calls parsed, 2 record(s) skipped" in r.stderr


def test_fetch_logs_skipped_records_and_sources_shows_them(tmp_path, specs):
    db = store.open_db(tmp_path / "s.db")
    opts = FetchOptions(mode="replay", replay_dir=_with_odd_records(tmp_path, 2), http=FAST)
    reports = {r.source: r for r in run_fetch(db, [specs["formas"], specs["forte"]], opts)}
    assert reports["formas"].status == "ok" and reports["formas"].seen == 254
    assert reports["forte"].status == "ok" and reports["forte"].seen == 121
    n, names = db.execute(
        "SELECT skipped, skipped_records FROM runs WHERE source = 'formas'"
    ).fetchone()
    assert n == 2 and all("unknown status 'Pausad'" in s for s in json.loads(names))
    db.conn.close()
    r = cli("--db", tmp_path / "s.db", "sources", "--format", "json")
    rows = {row["id"]: row for row in json.loads(r.stdout)}
    assert rows["formas"]["skipped"] == 2 and rows["forte"]["skipped"] == 0
    assert "2026-00001" in rows["formas"]["skipped_records"][0]
    table = cli("--db", tmp_path / "s.db", "sources")
    assert "last run skipped 2 record(s)" in table.stdout


def test_many_odd_records_are_a_collapse(tmp_path, specs):
    """Skipped records count against the share checks: a third unreadable is broken, and a
    broken crawl stores nothing."""
    db = store.open_db(tmp_path / "c.db")
    opts = FetchOptions(mode="replay", replay_dir=_with_odd_records(tmp_path, 90), http=FAST)
    [r] = run_fetch(db, [specs["formas"]], opts)
    assert r.status == "failed" and "extraction looks broken" in r.message
    assert store.call_count(db) == 0
    calls, _ = parse_with_skips(specs["formas"], FORMAS, NOW)
    assert judge(specs["formas"], calls, skipped=len(calls) // 2).status == "broken"
    assert judge(specs["formas"], calls, skipped=2).status == "ok"


def test_every_adapter_skips_one_odd_record(specs, tmp_path, monkeypatch):
    """The same rule in every adapter kind, through the shared adapters.each_record."""
    from callwatch.adapters import web
    from callwatch.sources import load_source

    real = json.loads(
        (FIXTURES / "vinnova" / "ansokningsomgangar_real_3_records.json").read_bytes()
    )
    real.append({"Diarienummer": "odd"})
    calls, skipped = parse_with_skips(specs["vinnova"], json.dumps(real).encode(), NOW, "v")
    assert len(calls) == 2 and skipped[0].record == "v[3] (odd)"
    assert "field 'Titel' is missing" in skipped[0].why

    hits = json.loads(
        (FIXTURES / "interreg" / "algolia_with_constructed_swedish_hit.json").read_bytes()
    )
    odd = dict(hits["results"][0]["hits"][-1])
    odd.pop("objectID")
    hits["results"][0]["hits"].append(odd)
    calls, skipped = parse_with_skips(specs["interreg"], json.dumps(hits).encode(), NOW, "i")
    assert len(calls) == 1 and "objectID" in skipped[0].why

    src = tmp_path / "emfeed.toml"
    src.write_text(
        'id = "emfeed"\nname = "EM feed"\nfunder = "Energimyndigheten"\nkind = "feed"\n'
        '[options]\nfeed_url = "https://www.energimyndigheten.se/rss/"\n',
        encoding="utf-8",
    )
    atom = (FIXTURES / "feed" / "calls.atom").read_text(encoding="utf-8")
    atom = atom.replace("<entry>", "<entry><title>no link</title></entry><entry>", 1)
    calls, skipped = parse_with_skips(load_source(src), atom.encode(), NOW, "feed")
    assert len(calls) == 2 and skipped[0].why == "entry has no link"

    listing = (FIXTURES / "web" / "tillvaxtverket" / "listing.html").read_bytes()
    every = web.parse(specs["tillvaxtverket"], listing, NOW)
    bad = every[0].url
    original = web.parse_call_page

    def flaky(spec, html, url, now, card=None):
        if url == bad:
            raise ValueError("odd page")
        return original(spec, html, url, now, card)

    monkeypatch.setattr(web, "parse_call_page", flaky)
    calls, skipped = parse_with_skips(specs["tillvaxtverket"], listing, NOW)
    assert len(calls) == len(every) - 1
    assert skipped[0].record == bad and "odd page" in skipped[0].why


# ---------------------------------------------------------------------------------------------
# EU deadlines: the search API's "+0000" values are Brussels wall clock


def test_eu_deadlines_are_brussels_wall_clock(specs):
    from callwatch.adapters import sedia

    topics = FIXTURES / "eu_sedia" / "search_topics_open_fundhunt_fixture.json"
    c = {x.native_id: x for x in sedia.parse(specs["eu-ft"], topics.read_bytes(), NOW)}
    topic = c["HORIZON-CL5-2026-09-D4-03"]  # deadlineDate 2026-09-15T00:00:00.000+0000
    assert topic.deadlines == ["2026-09-15T23:59:00+02:00"]  # the day, no time of day
    assert topic.extra["date_only_deadlines"] == ["2026-09-15"]
    cascade = FIXTURES / "eu_sedia" / "search_cascade_type8_fundhunt_fixture.json"
    c = {x.native_id: x for x in sedia.parse(specs["eu-ft"], cascade.read_bytes(), NOW)}
    cut = c["11265COMPETITIVE_CALL"]  # ... 2027-02-14T23:59:00.000+0000 ...
    assert "2027-02-14T23:59:00+01:00" in cut.deadlines  # 23:59 in Brussels, same day
    assert cut.extra["date_only_deadlines"] == []
    # a real AarhusAI excerpt: Horizon's 17:00 Brussels cut-offs stay 17:00
    excerpt = FIXTURES / "eu_sedia" / "search_excerpt_3_rows_aarhusai.json"
    [first, *_] = sedia.parse(specs["eu-ft"], excerpt.read_bytes(), NOW)
    assert first.deadlines == ["2024-02-07T17:00:00+01:00"]


def test_horizon_topics_show_their_day_in_rank_report_and_ics(offline_db):
    db = offline_db
    today = ("--today", "2026-06-01")
    ranked = json.loads(
        cli("--db", db, "rank", "--theme", "klimat", "--all", "--format", "json", *today).stdout
    )
    topic = next(r for r in ranked if r["id"] == "eu-ft:HORIZON-CL5-2026-09-D4-03")
    assert topic["deadline"].startswith("2026-09-15") and topic["days_left"] == 106
    ics = cli("--db", db, "export", "--format", "ics", "--theme", "klimat", "--all", *today).stdout
    event = ics.split("UID:eu-ft:HORIZON-CL5-2026-09-D4-03/deadline-0")[0].rsplit("BEGIN:VEVENT", 1)
    assert "DTSTART;VALUE=DATE:20260915" in event[1]
    md = cli("--db", db, "report", "--kommun", "Umeå", "--lang", "en", "--today", "2026-09-01")
    section = md.stdout.split("HORIZON-CL5-2026-09-D4-03)", 1)[1][:400]  # closing soon
    assert "**Deadline:** 2026-09-15 (14 days left)" in section


def test_deadline_has_time_column_is_set_when_present(tmp_path, specs):
    from callwatch.adapters import sedia

    db = store.open_db(tmp_path / "h.db")
    # the facts migration has added it by now; a test database of an older schema may not
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute("ALTER TABLE calls ADD COLUMN deadline_has_time INTEGER")  # the facts migration
    topics = (FIXTURES / "eu_sedia" / "search_topics_open_fundhunt_fixture.json").read_bytes()
    cascade = (FIXTURES / "eu_sedia" / "search_cascade_type8_fundhunt_fixture.json").read_bytes()
    calls = sedia.parse(specs["eu-ft"], topics, NOW) + sedia.parse(specs["eu-ft"], cascade, NOW)
    store.apply_crawl(db, "eu-ft", calls, complete=False, now=NOW, run_id=None)
    got = dict(db.execute("SELECT native_id, deadline_has_time FROM calls").fetchall())
    assert got["HORIZON-CL5-2026-09-D4-03"] == 0 and got["11265COMPETITIVE_CALL"] == 1
    # and without the column (this branch alone) nothing breaks
    plain = store.open_db(tmp_path / "p.db")
    store.apply_crawl(plain, "eu-ft", calls, complete=False, now=NOW, run_id=None)


# ---------------------------------------------------------------------------------------------
# Listings: real cards of Energimyndigheten and Tillväxtverket

WEB = FIXTURES / "web"
SNAPSHOT = datetime(2026, 4, 23, 12, tzinfo=UTC)  # when the listing cards were scraped


def test_energimyndigheten_real_cards_all_parse(specs):
    body = (WEB / "energimyndigheten" / "listing_real_cards.html").read_bytes()
    calls, skipped = parse_with_skips(specs["energimyndigheten"], body, SNAPSHOT)
    assert len(calls) == 201 and skipped == []
    assert all(len(c.deadlines) == 1 for c in calls)
    open_ = [c for c in calls if c.status == "open"]
    closed = [c for c in calls if c.status == "closed"]
    # the 13 cards saying "Stänger <date>" are open, the 188 with a bare date are closed
    assert len(open_) == 13 and len(closed) == 188
    assert all(c.deadlines[0] >= "2026-04-24" for c in open_)
    assert all(c.deadlines[0] < SNAPSHOT.isoformat() for c in closed)
    by_title = {c.title: c for c in calls}
    g = by_title["Gemensam acceleration mot Klimatneutrala städer 2030"]
    assert g.status == "open" and g.deadlines == ["2026-04-24T23:59:00+02:00"]
    # "2026–2027" in a title and "31 december 2027" in a blurb are not the card's date
    r = by_title["Bidrag till kommunal energi- och klimatrådgivning 2026–2027"]
    assert r.deadlines == ["2026-02-06T23:59:00+01:00"] and r.status == "closed"
    assert len({c.url for c in calls}) == 201
    later, _ = parse_with_skips(specs["energimyndigheten"], body, NOW)
    assert {c.status for c in later} == {"closed"}


def test_listing_status_word_survives(specs):
    body = (WEB / "tillvaxtverket" / "listing_real_links.html").read_bytes()
    calls = {c.native_id: c for c in parse_with_skips(specs["tillvaxtverket"], body, NOW)[0]}
    # 12 real "Kommande" links and one "Pågående" call page (the 14th link is the listing)
    assert len(calls) == 13
    kommande = [c for c in calls.values() if c.extra.get("listing_status") == "forthcoming"]
    assert len(kommande) == 12 and {c.status for c in kommande} == {"forthcoming"}
    assert calls["9822"].status == "open" and calls["9822"].extra["listing_status"] == "open"


def test_kommande_on_the_listing_beats_an_old_opening_date(offline_db):
    """The offline Tillväxtverket call 10765: its listing says Kommande, its page an opening
    date that has passed and no deadline; it is stored forthcoming, not open."""
    show = json.loads(
        cli("--db", offline_db, "show", "tillvaxtverket:10765", "--format", "json").stdout
    )
    assert show["status"] == "forthcoming" and show["extra"]["listing_status"] == "forthcoming"


@pytest.mark.parametrize(
    "text, word",
    [
        ("Title Kommande", "forthcoming"),
        ("Title Pågående Nu söker vi", "open"),
        ("Title Stängd", "closed"),
        ("Title Nu söker vi er som vill, under kommande år", None),
        ("Title Stänger 24 april 2026 Forskningsstöd", None),
        ("Title Forskningsstöd Öppen för alla", None),
    ],
)
def test_listing_status_word_only_next_to_the_title(text, word):
    from callwatch.adapters.web import Card, listing_status

    assert listing_status(Card("https://x.se/a", "Title", text)) == word


# ---------------------------------------------------------------------------------------------
# A linked call carries the best facts of all its listings (merge.py)

EM = "energimyndigheten:gemensam-acceleration-mot-klimatneutrala-stader-2030"
VC = "viablecities:utlysning-16-gemensam-acceleration-mot-klimatneutrala-stader-2030"


def test_linked_call_ranks_with_the_best_facts(offline_db):
    ranked = json.loads(
        cli(
            "--db", offline_db, "rank", "--kommun", "Umeå", "--today", "2026-04-10",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    ids = [r["id"] for r in ranked]
    assert EM in ids[:5] and VC not in ids  # one call, listed twice
    call = ranked[ids.index(EM)]
    assert call["budget_amount"] == 20_000_000 and call["budget_currency"] == "SEK"
    assert call["eligibility"] != "not eligible"


def test_explain_on_either_listing_is_the_same(offline_db):
    def explain(cid):
        r = cli(
            "--db", offline_db, "explain", cid, "--kommun", "Umeå", "--today", "2026-04-10",
            "--format", "json",
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    em, vc = explain(EM), explain(VC)
    assert em == vc and em["id"] == EM and em["budget_amount"] == 20_000_000
    assert em["merged_from"]["budget_amount"] == VC
    text = cli(
        "--db", offline_db, "explain", VC, "--kommun", "Umeå", "--today", "2026-04-10"
    ).stdout  # fmt: skip
    assert "Facts from other listings" in text and f"budget_amount: {VC}" in text


def test_show_names_each_facts_source(offline_db):
    shown = json.loads(cli("--db", offline_db, "show", EM, "--format", "json").stdout)
    assert shown["budget_amount"] == 20_000_000
    assert shown["merged_from"]["budget_amount"] == VC
    assert shown["merged_from"]["description"] == VC
    assert "At least two of the parties must be cities/municipalities" in shown["description"]
    assert shown["deadlines"] == ["2026-04-24T23:59:00+02:00"]
    assert [o["id"] for o in shown["also_listed"]] == [VC]
    table = cli("--db", offline_db, "show", EM).stdout
    assert "facts from" in table and "budget_amount: viablecities:" in table.replace("\n", "")
    listed = json.loads(cli("--db", offline_db, "calls", "--format", "json").stdout)
    [row] = [c for c in listed if c["id"] in (EM, VC)]
    assert row["id"] == EM and row["budget_amount"] == 20_000_000
    # the other listing, shown by its own id, is that listing
    own = json.loads(cli("--db", offline_db, "show", VC, "--format", "json").stdout)
    assert own["id"] == VC and "merged_from" not in own


def test_merge_takes_contract_columns_and_facts_with_sources(tmp_path):
    from callwatch import merge
    from callwatch.models import Call

    db = store.open_db(tmp_path / "c.db")
    for col, typ in (("min_municipalities", "INTEGER"), ("municipality_may_apply", "TEXT"),
                     ("facts", "TEXT")):  # fmt: skip
        # the facts migration has added it by now; a test database of an older schema may not
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute(f"ALTER TABLE calls ADD COLUMN {col} {typ}")  # what the facts migration adds

    def call(source, nid, **kw):
        return Call(source=source, native_id=nid, title="Gemensam acceleration", url=f"https://{source}.se/x",
                    funder=source, status="open", **kw)  # fmt: skip

    a = call("energimyndigheten", "a", deadlines=["2026-04-24T23:59:00+02:00"],
             extra={"from_listing_only": True})  # fmt: skip
    b = call("viablecities", "b", description="At least two of the parties must be cities.",
             budget_amount=2e7, budget_currency="SEK")  # fmt: skip
    store.apply_crawl(db, "energimyndigheten", [a], complete=False, now=NOW, run_id=None)
    store.apply_crawl(db, "viablecities", [b], complete=False, now=NOW, run_id=None)
    db.execute("UPDATE calls SET municipality_may_apply = 'unclear' WHERE id = ?", [a.id])
    db.execute(
        "UPDATE calls SET min_municipalities = 2, municipality_may_apply = 'yes', facts = ? "
        "WHERE id = ?",
        [json.dumps({"min_municipalities": {"value": 2, "evidence": "At least two"}}), b.id],
    )
    db.execute("UPDATE calls SET duplicate_of = ? WHERE id = ?", [a.id, b.id])
    assert merge.refresh(db) == 1
    fields, sources = merge.load(db)[a.id]
    assert fields["min_municipalities"] == 2 and sources["min_municipalities"] == b.id
    assert fields["municipality_may_apply"] == "yes"  # "unclear" is no fact
    assert fields["budget_amount"] == 2e7 and fields["description"].startswith("At least two")
    assert "deadlines" not in fields and sources["deadlines"] == a.id  # the same day
    assert fields["facts"]["min_municipalities"] == {
        "value": 2, "evidence": "At least two", "source": b.id,
    }  # fmt: skip
    row = merge.overlay(store.get_call(db, a.id), merge.load(db))
    assert row["budget_amount"] == 2e7 and row["merged_from"]["budget_amount"] == b.id
    # unlinked again: nothing merged any more
    db.execute("UPDATE calls SET duplicate_of = NULL")
    assert merge.refresh(db) == 0 and merge.load(db) == {}


def test_an_odd_topic_details_document_does_not_fail_the_eu_source(empty_db, specs):
    import httpx

    topics = (FIXTURES / "eu_sedia" / "search_topics_open_fundhunt_fixture.json").read_bytes()
    cascade = (FIXTURES / "eu_sedia" / "search_cascade_type8_fundhunt_fixture.json").read_bytes()

    def handler(request):
        if "topicDetails" in str(request.url):  # an HTML error page, then a value of a wrong type
            odd = b'{"TopicDetails": {"description": "x", "keywords": 7}}'
            body = b"<html>Maintenance</html>" if "d4-03" in str(request.url) else odd
            return httpx.Response(200, content=body, headers={"content-type": "text/html"})
        body = cascade if b'"8"' in request.content else topics
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    opts = FetchOptions(mode="live", transport=httpx.MockTransport(handler), http=FAST)
    [r] = run_fetch(empty_db, [specs["eu-ft"]], opts, now=NOW)
    assert r.status == "ok" and r.seen == 8
    assert any("topic details unavailable for 4 topic(s)" in w for w in r.warnings)


def test_run_log_names_at_most_50_skipped_records():
    from callwatch.adapters import Skipped
    from callwatch.fetch import skipped_names

    names = skipped_names([Skipped(f"r[{i}]", "odd " * 200) for i in range(60)])
    assert len(names) == 51 and names[-1] == "... and 10 more"
    assert all(len(n) <= 300 for n in names)
