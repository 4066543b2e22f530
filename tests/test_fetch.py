import json
import shutil

import httpx
import pytest

from callwatch import store
from callwatch.fetch import FetchOptions, run_fetch
from callwatch.http import HttpConfig
from tests.conftest import FIXTURES, NOW, RECORDINGS, fixture_bytes

FAST = HttpConfig(delay=0, retries=0, backoff=0)


API = ("eu-ft", "vinnova")


def offline(db, specs, **kw):
    return {
        r.source: r
        for r in run_fetch(
            db,
            [specs[s] for s in API],
            FetchOptions(mode="offline", replay_dir=RECORDINGS, http=FAST),
            now=kw.get("now", NOW),
        )
    }


def test_offline_fetch_then_again_changes_nothing(empty_db, specs):
    first = offline(empty_db, specs)
    assert {k: (r.status, r.new) for k, r in first.items()} == {
        "eu-ft": ("ok", 8),
        "vinnova": ("ok", 2),
    }
    rows = store.call_count(empty_db)
    hist = empty_db.execute("SELECT count(*) FROM call_history").fetchone()[0]
    second = offline(empty_db, specs)
    assert all(r.new == 0 and r.updated == 0 and r.closed == 0 for r in second.values())
    assert store.call_count(empty_db) == rows == 10
    assert empty_db.execute("SELECT count(*) FROM call_history").fetchone()[0] == hist
    for row in store.query_calls(empty_db):
        assert row["title"] and row["url"].startswith("https://") and row["status"]
        assert row["deadlines"]
    runs = empty_db.execute("SELECT source, status, seen FROM runs ORDER BY id").fetchall()
    assert len(runs) == 4 and {r[1] for r in runs} == {"ok"}


def _broken_copy(tmp_path, source, status=200, body=None, content_type=None):
    rec = tmp_path / "rec"
    shutil.copytree(RECORDINGS, rec)
    index_path = rec / source / "index.json"
    index = json.loads(index_path.read_text())
    for entry in index["entries"].values():
        entry["status"] = status
        if content_type:
            entry["content_type"] = content_type
        if body is not None:
            (rec / source / entry["file"]).write_bytes(body)
    index_path.write_text(json.dumps(index))
    return rec


@pytest.mark.parametrize(
    "failing, kwargs, message",
    [
        ("vinnova", dict(status=500), "HTTP 500"),
        (
            "vinnova",
            dict(
                body=fixture_bytes("vinnova", "api_ansokningsomgangar_docpage.html"),
                content_type="text/html",
            ),
            "HTML page",
        ),
        ("eu-ft", dict(body=b'{"totalResults": 3, "pageNumber": 1, "res'), "invalid JSON"),
        (
            "eu-ft",
            dict(body=b'{"totalResults": 0, "pageNumber": 1, "results": []}'),
            "0 calls found",
        ),
    ],
)
def test_failing_source_leaves_its_calls_alone(empty_db, specs, tmp_path, failing, kwargs, message):
    offline(empty_db, specs)
    before = {r["id"]: r for r in store.query_calls(empty_db, sources=[failing])}
    rec = _broken_copy(tmp_path, failing, **kwargs)
    reports = {
        r.source: r
        for r in run_fetch(
            empty_db,
            [specs[s] for s in API],
            FetchOptions(mode="replay", replay_dir=rec, http=FAST),
            now=NOW,
        )
    }
    assert reports[failing].status == "failed"
    assert message in reports[failing].message and reports[failing].message.startswith(failing)
    other = next(s for s in API if s != failing)
    assert reports[other].status == "ok"
    after = {r["id"]: r for r in store.query_calls(empty_db, sources=[failing])}
    assert before.keys() == after.keys()
    for cid in before:
        assert {k: v for k, v in before[cid].items() if k != "last_seen"} == {
            k: v for k, v in after[cid].items() if k != "last_seen"
        }
    run = empty_db.execute(
        "SELECT status, error FROM runs WHERE source = ? ORDER BY id DESC", [failing]
    ).fetchone()
    assert run[0] == "failed" and message in run[1]


def test_record_then_replay_roundtrip(empty_db, specs, tmp_path):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        assert request.headers["user-agent"].startswith("callwatch/")
        if "search-api" in str(request.url):
            name = (
                "search_cascade_type8_fundhunt_fixture.json"
                if b'"8"' in request.content
                else "search_topics_open_fundhunt_fixture.json"
            )
            return httpx.Response(
                200,
                content=fixture_bytes("eu_sedia", name),
                headers={"content-type": "application/json"},
            )
        if "topicDetails" in str(request.url):
            return httpx.Response(404)
        return httpx.Response(
            200,
            content=fixture_bytes("vinnova", "ansokningsomgangar_constructed.json"),
            headers={"content-type": "application/json"},
        )

    rec = tmp_path / "rec"
    live = FetchOptions(
        mode="live", record_dir=rec, transport=httpx.MockTransport(handler), http=FAST
    )
    reports = run_fetch(empty_db, [specs[s] for s in API], live, now=NOW)
    assert {r.status for r in reports} == {"ok"}
    assert any("ansokningsomgangar/2025-10-23" in u for u in calls)  # 400-day window
    assert (rec / "eu-ft" / "index.json").exists() and (rec / "vinnova" / "index.json").exists()
    db2 = store.open_db(tmp_path / "replayed.db")
    replayed = run_fetch(
        db2,
        [specs[s] for s in API],
        FetchOptions(mode="replay", replay_dir=rec, http=FAST),
        now=NOW,
    )
    assert {r.status for r in replayed} == {"ok"}
    assert store.call_count(db2) == store.call_count(empty_db) == 10
    # every response is archived and can be re-parsed without the network
    n = empty_db.execute(
        "SELECT count(DISTINCT sha256) FROM fetch_log WHERE status = 200"
    ).fetchone()[0]
    assert n == 3


def test_retry_after_is_honoured(empty_db, specs):
    attempts, slept = [], []

    def handler(request):
        attempts.append(1)
        if len(attempts) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(
            200,
            content=fixture_bytes("vinnova", "ansokningsomgangar_constructed.json"),
            headers={"content-type": "application/json"},
        )

    async def fake_sleep(s):
        slept.append(s)

    opts = FetchOptions(
        mode="live",
        transport=httpx.MockTransport(handler),
        http=HttpConfig(delay=0, retries=2, backoff=0),
        sleep=fake_sleep,
    )
    [r] = run_fetch(empty_db, [specs["vinnova"]], opts, now=NOW)
    assert r.status == "ok" and len(attempts) == 2 and 7 in slept


def test_response_size_cap(empty_db, specs):
    def handler(request):
        return httpx.Response(
            200, content=b"[" + b" " * 5000 + b"]", headers={"content-type": "application/json"}
        )

    opts = FetchOptions(
        mode="live",
        transport=httpx.MockTransport(handler),
        http=HttpConfig(delay=0, retries=0, max_bytes=1000),
    )
    [r] = run_fetch(empty_db, [specs["vinnova"]], opts, now=NOW)
    assert r.status == "failed" and "larger than" in r.message


def test_connection_refused_is_reported(empty_db, specs):
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    opts = FetchOptions(
        mode="live",
        transport=httpx.MockTransport(handler),
        http=HttpConfig(delay=0, retries=1, backoff=0),
    )
    [r] = run_fetch(empty_db, [specs["vinnova"]], opts, now=NOW)
    assert r.status == "failed" and "ConnectError" in r.message and "2 attempts" in r.message


def test_eu_pages_are_all_read_and_deduplicated(empty_db, specs):
    topics = json.loads(fixture_bytes("eu_sedia", "search_topics_open_fundhunt_fixture.json"))
    pages = []

    def handler(request):
        url = str(request.url)
        if "topicDetails" in url:
            return httpx.Response(404)
        if b'"8"' in request.content:  # cascade slice: one page
            return httpx.Response(
                200, content=fixture_bytes("eu_sedia", "search_cascade_type8_fundhunt_fixture.json")
            )
        page = int(url.split("pageNumber=")[1])
        pages.append(page)
        body = dict(topics, totalResults=205, pageNumber=page)
        if page == 2:  # the index serves a duplicate on a later page
            body["results"] = topics["results"][:1] + [
                dict(
                    topics["results"][1],
                    metadata=dict(
                        topics["results"][1]["metadata"], identifier=["HORIZON-X-2026-NEW"]
                    ),
                )
            ]
        return httpx.Response(
            200, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
        )

    opts = FetchOptions(mode="live", transport=httpx.MockTransport(handler), http=FAST)
    [r] = run_fetch(empty_db, [specs["eu-ft"]], opts, now=NOW)
    assert pages == [1, 2, 3] and r.status == "ok"
    assert r.seen == 4 + 4 + 1  # topics, cascade calls, one new topic on page 2


def test_robots_txt_is_honoured_for_scraped_sources(empty_db, specs):
    from tests.conftest import FIXTURES

    listing = (FIXTURES / "web" / "boverket" / "listing.html").read_bytes()

    def handler(request):
        url = str(request.url)
        if url.endswith("/robots.txt"):
            return httpx.Response(
                200, text="User-agent: *\nDisallow: /sv/bidrag--garantier/smahus-omvandling/\n"
            )
        if url == specs["boverket"].options["listing_urls"][0]:
            return httpx.Response(200, content=listing, headers={"content-type": "text/html"})
        name = {
            "smahus-omvandling": "call1.html",
            "stod-till-bostader-for-aldre": "call2.html",
        }.get(url.rstrip("/").split("/")[-1], "call3.html")
        return httpx.Response(
            200,
            content=(FIXTURES / "web" / "boverket" / name).read_bytes(),
            headers={"content-type": "text/html"},
        )

    seen = []

    def recording(request):
        seen.append(str(request.url))
        return handler(request)

    opts = FetchOptions(mode="live", transport=httpx.MockTransport(recording), http=FAST)
    [r] = run_fetch(empty_db, [specs["boverket"]], opts, now=NOW)
    assert r.status == "ok" and r.seen == 3
    assert not any(u.endswith("/smahus-omvandling/") for u in seen)  # never requested
    assert any("listing text" in w for w in r.warnings)


def test_shipped_recordings_are_the_fixtures():
    """callwatch/recordings holds copies of tests/fixtures (package data must live in the
    package); they must not drift apart. Rebuild with scripts/build_offline_recordings.py."""
    from tests.conftest import FIXTURES

    fixture_bodies = {
        p.read_bytes()
        for p in FIXTURES.rglob("*")
        if p.suffix in (".html", ".json") and p.name != "urls.json"
    }
    for index_path in RECORDINGS.glob("*/index.json"):
        index = json.loads(index_path.read_text(encoding="utf-8"))
        for key, entry in index["entries"].items():
            body = (index_path.parent / entry["file"]).read_bytes()
            constructed_empty = b"<ul></ul>" in body and len(body) < 200  # see web PROVENANCE.md
            assert body in fixture_bodies or constructed_empty, f"{index_path.parent.name}: {key}"


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
