import json
import shutil

import pytest

from callwatch import store
from callwatch.adapters import gdp, interreg
from callwatch.errors import ParseError
from callwatch.fetch import FetchOptions, run_fetch
from callwatch.http import HttpConfig
from tests.conftest import FIXTURES, NOW, RECORDINGS, cli


def test_gdp_real_records(specs):
    body = (FIXTURES / "gdp" / "formas_utlysningar.json").read_bytes()
    calls = {c.native_id: c for c in gdp.parse(specs["formas"], body, NOW)}
    assert len(calls) == 256
    c = calls["2026-00001"]  # real: "Kommande" in the snapshot, its closing date has passed
    assert c.status == "closed" and c.opens.startswith("2026-01-20")
    assert c.deadlines == ["2026-03-04T23:59:00+01:00"]
    assert c.url.startswith("https://formas.se/soka-finansiering/alla-utlysningar/utlysningar/")
    wrapped = json.dumps({"utlysningar": json.loads(body)}).encode()
    assert len(gdp.parse(specs["formas"], wrapped, NOW)) == 256
    with pytest.raises(ParseError, match="unknown status 'Pausad'"):
        gdp.parse(
            specs["formas"], json.dumps([json.loads(body)[0] | {"status": "Pausad"}]).encode(), NOW
        )
    with pytest.raises(ParseError, match="expected a JSON array"):
        gdp.parse(specs["formas"], b'{"message": "Access denied"}', NOW)


def test_interreg_keeps_swedish_calls(specs):
    real = (FIXTURES / "interreg" / "algolia_calls_sudoe_fundhunt_fixture_hit1.json").read_bytes()
    calls, hits = interreg.parse_all(specs["interreg"], real, NOW, "x")
    assert hits == 1 and calls == []  # the real SUDOE call is not open to Sweden
    both = (FIXTURES / "interreg" / "algolia_with_constructed_swedish_hit.json").read_bytes()
    [c] = interreg.parse(specs["interreg"], both, NOW)
    assert c.title == "Interreg Aurora Call 6: regular projects"
    assert c.extra["nuts"] == ["SE331", "SE332"] and "Västerbottens län" in c.extra["regions"]
    assert "Local public authority" in c.extra["target_audience"]


def test_sources_lists_all_kinds():
    data = json.loads(cli("sources", "--format", "json").stdout)
    ids = {s["id"] for s in data}
    assert len(ids) >= 14
    assert {
        "eu-ft",
        "vinnova",
        "formas",
        "forte",
        "vr",
        "vinnova-gdp",
        "energimyndigheten",
        "tillvaxtverket",
        "boverket",
        "naturvardsverket",
        "trafikverket",
        "viablecities",
        "smartbuilt",
        "interreg",
    } <= ids
    assert {s["kind"] for s in data} == {"sedia", "vinnova-open-data", "gdp", "html", "interreg"}


def test_offline_fetch_every_fixture_source_without_keys(tmp_path, monkeypatch):
    for var in (
        "CALLWATCH_FORMAS_KEY",
        "CALLWATCH_FORTE_KEY",
        "CALLWATCH_VR_KEY",
        "CALLWATCH_VINNOVA_GDP_KEY",
        "CALLWATCH_INTERREG_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    db = tmp_path / "t.db"
    r = cli("--db", db, "fetch", "--offline")
    assert r.exit_code == 0, r.output
    rows = json.loads(cli("--db", db, "sources", "--format", "json").stdout)
    held = {s["id"]: s["calls"] for s in rows}
    for sid in (
        "eu-ft",
        "vinnova",
        "energimyndigheten",
        "tillvaxtverket",
        "boverket",
        "naturvardsverket",
        "trafikverket",
        "viablecities",
        "smartbuilt",
        "formas-web",
    ):
        assert held[sid] > 0, sid


def test_duplicate_listed_once_with_both_urls(offline_db):
    db = offline_db
    listed = json.loads(cli("--db", db, "calls", "--format", "json").stdout)
    gem = [c for c in listed if "gemensam-acceleration" in c["id"]]
    assert len(gem) == 1
    shown = json.loads(cli("--db", db, "show", gem[0]["id"], "--format", "json").stdout)
    urls = {gem[0]["url"], *(o["url"] for o in shown["also_listed"])}
    assert any("energimyndigheten.se" in u for u in urls) and any(
        "viablecities.se" in u for u in urls
    )
    # the same Formas page listed by Smart Built Environment and Formas' own listing
    sbe = [c for c in listed if "innovationsiden" in c["id"]]
    assert len(sbe) == 1
    # --source shows every listing of that source, duplicates included
    vc = json.loads(cli("--db", db, "calls", "--source", "viablecities", "--format", "json").stdout)
    assert len(vc) == 2


@pytest.mark.parametrize(
    "source, file",
    [
        ("eu-ft", FIXTURES / "eu_sedia" / "search_cascade_type8_fundhunt_fixture.json"),
        ("vinnova", FIXTURES / "vinnova" / "ansokningsomgangar_constructed.json"),
        ("formas", FIXTURES / "gdp" / "formas_utlysningar.json"),
        ("forte", FIXTURES / "gdp" / "forte_utlysningar.json"),
        ("interreg", FIXTURES / "interreg" / "algolia_with_constructed_swedish_hit.json"),
        ("tillvaxtverket", FIXTURES / "web" / "tillvaxtverket" / "listing.html"),
        ("tillvaxtverket", FIXTURES / "web" / "tillvaxtverket" / "call1.html"),
    ],
)
def test_parse_works_for_every_kind(source, file):
    r = cli("parse", source, file, "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) >= 1


def test_sources_check_replay_and_broken_layout(tmp_path):
    r = cli("sources", "check", "--format", "json")
    assert r.exit_code == 0
    rows = {x["source"]: x for x in json.loads(r.stdout)}
    assert (
        rows["energimyndigheten"]["status"] == "ok"
        and rows["energimyndigheten"]["with_deadline"] == 1.0
    )
    assert rows["formas"]["status"] == "skipped"
    # the same recording after a redesign: no dates, no headings
    rec = tmp_path / "rec"
    shutil.copytree(RECORDINGS, rec)
    for f in (rec / "energimyndigheten").glob("*.html"):
        html = f.read_text(encoding="utf-8")
        for old in ("<h1>", "</h1>", "<h2>", "</h2>"):
            html = html.replace(old, "<div>" if "/" not in old else "</div>")
        import re

        html = re.sub(
            r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|Stänger \d+ \w+ \d{4}|\d+ \w+ 20\d\d( kl\. \d+\.\d+)?",
            "",
            html,
        )
        f.write_text(html, encoding="utf-8")
    r = cli(
        "sources", "check", "--replay", rec, "--source", "energimyndigheten", "--format", "json"
    )
    assert r.exit_code == 1
    [row] = json.loads(r.stdout)
    assert row["status"] == "broken" and "deadline" in row["message"]


def test_broken_crawl_closes_nothing(specs, tmp_path):
    db = store.open_db(tmp_path / "t.db")
    fast = HttpConfig(delay=0, retries=0)
    run_fetch(
        db,
        [specs["energimyndigheten"]],
        FetchOptions(mode="replay", replay_dir=RECORDINGS, http=fast),
        now=NOW,
    )
    before = {r["id"]: r for r in store.query_calls(db, sources=["energimyndigheten"])}
    rec = tmp_path / "rec"
    shutil.copytree(RECORDINGS, rec)
    import re

    for f in (rec / "energimyndigheten").glob("*.html"):
        f.write_text(
            re.sub(
                r"Stänger[^<]*|\d{4}-\d{2}-\d{2}[^<]*|Sista[^<]*", "", f.read_text(encoding="utf-8")
            ),
            encoding="utf-8",
        )
    [r] = run_fetch(
        db,
        [specs["energimyndigheten"]],
        FetchOptions(mode="replay", replay_dir=rec, http=fast),
        now=NOW,
    )
    assert r.status == "failed" and "broken" in r.message and r.closed == 0
    after = {r["id"]: r for r in store.query_calls(db, sources=["energimyndigheten"])}
    assert {k: v["deadlines"] for k, v in before.items()} == {
        k: v["deadlines"] for k, v in after.items()
    }


def test_keys_never_stored(specs, tmp_path, monkeypatch):
    import httpx

    secret = "s3cr3t-formas-key-123"
    monkeypatch.setenv("CALLWATCH_FORMAS_KEY", secret)
    body = (FIXTURES / "gdp" / "formas_utlysningar.json").read_bytes()
    seen = []

    def handler(request):
        seen.append(str(request.url))
        if "authorization=" in str(request.url):
            return httpx.Response(401, content=b"denied")
        assert request.headers["authorization"] == secret
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    db_path = tmp_path / "k.db"
    db = store.open_db(db_path)
    rec = tmp_path / "rec"
    [r] = run_fetch(
        db,
        [specs["formas"]],
        FetchOptions(
            mode="live",
            record_dir=rec,
            transport=httpx.MockTransport(handler),
            http=HttpConfig(delay=0, retries=0),
        ),
        now=NOW,
    )
    assert r.status == "ok" and r.seen == 256 and len(seen) == 2
    import zlib

    # the archive is zlib-compressed: grep what it holds, not its compressed bytes
    archived = [zlib.decompress(d) for (d,) in db.conn.execute("SELECT data FROM raw_responses")]
    assert archived and all(secret.encode() not in body for body in archived)
    dump = "\n".join(db.conn.iterdump())
    assert secret not in dump
    db.conn.close()
    for path in [db_path, *tmp_path.glob("k.db*"), *rec.rglob("*")]:
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
