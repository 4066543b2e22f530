"""`callwatch serve`: every page through Starlette's test client on the offline data, the rules
of the web (sessions, CSRF, one municipality per user, escaping), the `users` commands, and one
end-to-end run in a real headless Chromium."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import sys
import time
import warnings

import pytest

from callwatch import decisions, paths, store
from callwatch import rules as rules_mod
from tests.conftest import ROOT, cli, copy_db, frozen_env

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")
with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its test client
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from callwatch.web import auth  # noqa: E402
from callwatch.web.app import create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PASSWORD = "korrekt-hast-batteri"
HOSTILE = "<script>alert(1)</script>"


def cheap_hashing(mp: pytest.MonkeyPatch) -> None:
    """argon2 at its real cost takes a good part of a second per sign-in on a busy two-core
    machine; these tests check who may sign in, not what a hash costs (the stored hash is still
    argon2). The module is looked up afresh: one test re-imports callwatch.web."""
    from argon2 import PasswordHasher

    live = sys.modules["callwatch.web.auth"]
    mp.setattr(live, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    cheap_hashing(monkeypatch)


@pytest.fixture(scope="module")
def web_db_once(offline_db_once, tmp_path_factory):
    """The session's offline database plus two users (Umeå, Uppsala) and a hostile call; each
    test works on its own copy (`web_db`)."""
    folder = tmp_path_factory.mktemp("web")
    path = copy_db(offline_db_once, folder / "offline.db")
    with pytest.MonkeyPatch.context() as mp:
        frozen_env(mp, folder)
        cheap_hashing(mp)
        jsonl = path.parent / "hostile.jsonl"
        jsonl.write_text(
            json.dumps(
                {
                    "id": "import:hostile",
                    "title": HOSTILE,
                    "url": "https://example.org/call",
                    "funder": "<b>Evil</b> & Co",
                    "description": "Klimatneutrala städer, klimatomställning och cirkulär "
                    "ekonomi för kommuner. <img src=x onerror=alert(3)>",
                    "deadline": "2027-01-15T23:59:00+01:00",
                },
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        imported = cli("--db", path, "import", jsonl)
        assert imported.exit_code == 0, imported.output
        db = store.open_db(path)
        # a hostile link as a broken adapter might store it (the importer refuses it)
        db.conn.execute("UPDATE calls SET url = 'javascript:alert(2)' WHERE id = 'import:hostile'")
        auth.add_user(db, "anna", "umea", PASSWORD)
        auth.add_user(db, "ulla", "uppsala", PASSWORD)
        db.conn.close()
    return path


@pytest.fixture
def web_db(web_db_once, tmp_path):
    path = tmp_path / "web.db"
    src, dst = sqlite3.connect(web_db_once), sqlite3.connect(path)
    src.backup(dst)  # the whole database, whatever is still in its WAL
    src.close()
    dst.close()
    return path


@pytest.fixture
def rules():
    return rules_mod.load(paths.rules_dir(None))


@pytest.fixture
def client(web_db, rules):
    return TestClient(create_app(web_db, rules, secret="test-secret", login_delay=0.01))


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def sign_in(client, name="anna", password=PASSWORD):
    token = csrf(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return r


def ranked_ids(html: str) -> list[str]:
    section = html.split('<section id="ranked">', 1)[1]
    return re.findall(r'<article class="call" data-call-id="([^"]+)"', section)


def test_healthz_needs_no_sign_in(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["calls"] > 10


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/kommun/umea",
        "/call/import:hostile",
        "/kommun/umea/report.md",
        "/kommun/umea/report.csv",
    ],
)
def test_every_page_needs_a_session(client, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_sign_in_and_out(client):
    r = sign_in(client)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = client.get("/")
    assert page.status_code == 200 and "Inloggad som anna (Umeå)" in page.text
    r = client.post("/logout", data={"csrf_token": csrf(client.get("/logout").text)})
    assert r.url.path == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_secure_cookie_behind_https(web_db, rules):
    client = TestClient(
        create_app(web_db, rules, secret="s", login_delay=0.01), base_url="https://testserver"
    )
    r = sign_in(client)
    assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_is_refused_and_slowed(client):
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        r = sign_in(client, password="wrong-password")
        times.append(time.perf_counter() - t0)
        assert r.status_code == 401 and "Fel användarnamn eller lösenord" in r.text
    # delays of 0.01, 0.02 and 0.04 s on top of the argon2 check
    assert times[2] >= 0.04
    assert sign_in(client, name="nobody").status_code == 401


def test_login_throttle_grows_and_forgets():
    t = auth.LoginThrottle(base=0.5, cap=8)
    assert t.delay("ip:x") == 0
    for expected in (0.5, 1, 2, 4, 8, 8):
        t.failed("ip:x")
        assert t.delay("ip:x", "user:y") == expected
    t.succeeded("ip:x")
    assert t.delay("ip:x") == 0


def test_login_without_csrf_token_is_refused(client):
    client.get("/login")
    r = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert r.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_open_redirect_is_refused(client):
    token = csrf(client.get("/login?next=//evil.example/").text)
    r = client.post(
        "/login",
        data={"username": "anna", "password": PASSWORD, "csrf_token": token,
              "next": "https://evil.example/"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.headers["location"] == "/"
    bad = client.get("/lang/en?next=/x%0d%0aSet-Cookie:%20a=b", follow_redirects=False)
    assert bad.headers["location"] == "/"


def test_oversized_form_is_refused(client):
    r = client.post("/login", data={"username": "x" * 300_000, "password": "y"})
    assert r.status_code == 413


def test_pages_render_signed_in(client):
    sign_in(client)
    for path in (
        "/",
        "/kommun/umea",
        "/kommun/Umeå",
        "/kommun/umea?theme=klimat&status=all&text=klimat&budget=1",
        "/kommun/umea?funder=Vinnova&status=closed",
        "/kommun/uppsala",
        "/call/import:hostile",
        "/call/eu-ft:HORIZON-CL5-2026-09-D4-03",
        "/logout",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "<script" not in r.text.replace("&lt;script", "")
    assert client.get("/kommun/nowhere").status_code == 404
    assert client.get("/call/no:such").status_code == 404


def test_security_headers(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "max-age" in css.headers["cache-control"]


def test_kommun_page_lists_the_same_top_calls_as_rank(client, web_db):
    out = cli("--db", web_db, "rank", "--kommun", "Umeå", "--format", "json")
    assert out.exit_code == 0, out.output
    cli_ids = [r["id"] for r in json.loads(out.stdout)]
    assert cli_ids
    sign_in(client)
    web_ids = ranked_ids(client.get("/kommun/umea").text)
    assert web_ids[: len(cli_ids)] == cli_ids


def test_filters_narrow_the_ranking(client, web_db):
    sign_in(client)
    all_ids = ranked_ids(client.get("/kommun/umea?status=all").text)
    closed = ranked_ids(client.get("/kommun/umea?status=closed").text)
    assert closed and set(closed) < set(all_ids)
    hostile = ranked_ids(client.get("/kommun/umea?text=alert(1)&status=all").text)
    assert hostile == ["import:hostile"]
    assert ranked_ids(client.get("/kommun/umea?status=all&budget=1000000").text) == []


def test_downloads_are_the_cli_outputs(client, web_db):
    sign_in(client)
    md = client.get("/kommun/umea/report.md")
    assert md.headers["content-type"].startswith("text/markdown")
    from_cli = cli("--db", web_db, "report", "--kommun", "Umeå")
    assert md.text == from_cli.stdout
    csv = client.get("/kommun/umea/report.csv")
    assert (
        csv.content
        == cli("--db", web_db, "export", "--format", "csv", "--kommun", "Umeå").stdout_bytes
    )
    ics = client.get("/kommun/umea/report.ics")
    assert (
        ics.headers["content-type"].startswith("text/calendar")
        and b"BEGIN:VCALENDAR" in ics.content
    )
    html = client.get("/kommun/umea/report.html?lang=en")
    assert (
        "Funding calls for Umeå" in html.text
        and "script-src" not in html.headers["content-security-policy"]
    )


def test_decision_in_the_browser_is_the_cli_history(client, web_db, rules):
    sign_in(client)
    cid = "eu-ft:HORIZON-CL5-2026-09-D4-03"
    page = client.get("/call/" + cid).text
    r = client.post(
        "/decide",
        data={"csrf_token": csrf(page), "call_id": cid, "kommun": "umea", "status": "engage",
              "reason": "passar vår klimatplan", "note": "Ring Formas"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    out = json.loads(cli("--db", web_db, "decisions", "--format", "json").stdout)
    assert [(d["call_id"], d["kommun"], d["status"], d["by"]) for d in out] == [
        (cid, "umea", "engage", "anna")
    ]
    assert "Beslutet är sparat" in client.get(r.headers["location"]).text
    # another municipality's coordinator sees it on the network page and on the call
    other = TestClient(create_app(web_db, rules, secret="test-secret", login_delay=0.01))
    sign_in(other, "ulla")
    home = other.get("/").text
    assert "passar vår klimatplan" in home and f'data-call-id="{cid}"' in home
    assert "Ring Formas" in other.get("/call/" + cid).text


def test_decision_without_csrf_token_is_refused(client, web_db):
    sign_in(client)
    for token in (None, "forged"):
        data = {"call_id": "import:hostile", "kommun": "umea", "status": "engage"}
        if token:
            data["csrf_token"] = token
        assert client.post("/decide", data=data).status_code == 403
    assert decisions.current(store.open_db(web_db)) == []


def test_umea_user_cannot_decide_for_uppsala(client, web_db):
    sign_in(client)
    token = csrf(client.get("/call/import:hostile").text)
    r = client.post(
        "/decide",
        data={"csrf_token": token, "call_id": "import:hostile", "kommun": "uppsala",
              "status": "dismiss"},
    )  # fmt: skip
    assert r.status_code == 403 and "bara besluta för din egen kommun" in r.text
    assert decisions.current(store.open_db(web_db)) == []


def test_decision_without_session_goes_to_login(client, web_db):
    token = csrf(client.get("/login").text)
    r = client.post(
        "/decide",
        data={
            "csrf_token": token,
            "call_id": "import:hostile",
            "kommun": "umea",
            "status": "watch",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert decisions.current(store.open_db(web_db)) == []


def test_hostile_title_renders_as_text(client):
    sign_in(client)
    for path in ("/call/import:hostile", "/kommun/umea?text=alert&status=all"):
        html = client.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
        assert HOSTILE not in html
        assert "<img" not in html and "<b>Evil" not in html
        assert "javascript:" not in html


def test_english_switch(client):
    sign_in(client)
    r = client.get("/lang/en?next=/kommun/umea")
    assert r.url.path == "/kommun/umea"
    assert "Ranked calls" in r.text and '<html lang="en">' in r.text
    assert "Rangordnade" not in r.text
    assert client.get("/lang/sv?next=//evil.example").url.path == "/"


def test_users_commands(tmp_path):
    db = tmp_path / "u.db"
    r = cli("--db", db, "users", "add", "Anna", "--kommun", "umea", input="ett-langt-losenord\n")
    assert r.exit_code == 0, r.output
    assert "ett-langt-losenord" not in r.output
    stored = store.open_db(db).execute("SELECT name, kommun, password_hash FROM users").fetchall()
    assert stored[0][:2] == ("anna", "umea") and stored[0][2].startswith("$argon2")
    assert b"ett-langt-losenord" not in db.read_bytes()
    assert "anna" in cli("--db", db, "users", "list").output
    bad = cli("--db", db, "users", "add", "bo", "--kommun", "umea", input="kort\n")
    assert bad.exit_code == 1 and "too short" in bad.output
    assert cli("--db", db, "users", "add", "bo", "--kommun", "Atlantis", input="x" * 12).exit_code
    assert cli("--db", db, "users", "remove", "anna").exit_code == 0
    assert cli("--db", db, "users", "remove", "anna").exit_code == 1


def test_removed_user_loses_the_session(client, web_db):
    sign_in(client)
    assert client.get("/", follow_redirects=False).status_code == 200
    auth.remove_user(store.open_db(web_db), "anna")
    assert client.get("/", follow_redirects=False).status_code == 303


# ---------------------------------------------------------------------------------------------
# End to end in a real browser


@pytest.mark.slow
def test_end_to_end_in_headless_chromium(web_db, rules, tmp_path):
    from tests import chromium

    if chromium.BINARY is None:
        pytest.skip("no headless Chromium here (Debian: apt-get install chromium)")
    db = store.open_db(web_db)
    db.conn.execute("DELETE FROM calls WHERE id = 'import:hostile'")  # a clean screenshot
    db.conn.close()
    app = create_app(web_db, rules, secret="e2e", login_delay=0.01)
    with chromium.serve(app) as base, chromium.Browser(tmp_path / "profile") as browser:
        browser.goto(f"{base}/kommun/umea")
        assert browser.path() == "/login"
        browser.fill("#username", "anna")
        browser.fill("#password", PASSWORD)
        browser.click("form button[type=submit]")
        assert browser.path() == "/kommun/umea"
        assert "Att besluta" in browser.text()
        first = browser.eval("document.querySelector('#ranked article.call h3 a').textContent")
        browser.click("#ranked article.call h3 a")
        assert browser.path().startswith("/call/")
        browser.click("input[name=status][value=watch]")
        browser.fill("#reason", "Bevakas av e2e-testet")
        browser.click("form.decide button[type=submit]")
        assert "Beslutet är sparat" in browser.text()
        browser.goto(f"{base}/")
        home = browser.text()
        assert "Bevakas av e2e-testet" in home and first in home
        browser.goto(f"{base}/kommun/umea")
        assert first in browser.eval("document.querySelector('#list-watch').innerText")
        shot = browser.screenshot(width=1000)
        assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
        if chromium.WRITE_SCREENSHOT:
            (ROOT / "docs" / "webapp-umea.png").write_bytes(shot)
        browser.screenshot(width=390)  # a phone's width renders too
        assert browser.errors() == []
    current = decisions.current(store.open_db(web_db))
    assert [(d["kommun"], d["status"], d["by"]) for d in current] == [("umea", "watch", "anna")]


def test_to_decide_matches_a_full_evaluation(client, web_db, rules, monkeypatch):
    """ "Att besluta" reads candidates by their stored next deadline; it must list exactly the
    relevant calls that rank.rank_for_profile finds closing within 30 days, without a decision."""
    from callwatch import rank as rank_mod
    from callwatch import report as report_mod

    monkeypatch.setenv("CALLWATCH_NOW", "2026-04-01T08:00:00+00:00")
    today = __import__("datetime").date(2026, 4, 1)
    db = store.open_db(web_db)
    profile = rules.profiles["umea"]
    full = rank_mod.rank_for_profile(
        db, rules, profile, today, within=report_mod.CLOSING_DAYS,
        min_relevance=report_mod.REPORT_MIN_RELEVANCE, explain=False,
    )  # fmt: skip
    closing = [(r.days_left, r.id) for r in full if r.days_left is not None and r.days_left >= 0]
    expected = [rid for _, rid in sorted(closing)]
    assert expected, "the offline data should have calls closing in April 2026"
    sign_in(client)
    html = client.get("/kommun/umea").text
    section = html.split('<section id="to-decide">', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'data-call-id="([^"]+)"', section) == expected


def test_pages_are_computed_ahead_and_refreshed_by_a_decision(web_db, rules):
    app = create_app(web_db, rules, secret="s", login_delay=0.01, warm_interval=0.05)
    web = app.state.web
    with TestClient(app) as client:  # runs the lifespan: the warm-up thread starts
        deadline = time.monotonic() + 30
        while len(web._cache) < len(rules.profiles) + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(web._cache) == len(rules.profiles) + 1
        sign_in(client)
        cid = ranked_ids(client.get("/kommun/umea").text)[0]
        token = csrf(client.get("/call/" + cid).text)
        client.post("/decide", data={"csrf_token": token, "call_id": cid, "kommun": "umea",
                                     "status": "engage"})  # fmt: skip
        assert 'badge-engage">engagerar oss' in client.get("/kommun/umea").text


def test_without_the_web_extra_serve_says_how_to_get_it(monkeypatch, tmp_path):
    import sys

    for name in [m for m in sys.modules if m.startswith(("callwatch.web", "starlette", "argon2"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "argon2", None)  # as if argon2-cffi were not installed
    r = cli("--db", tmp_path / "x.db", "users", "add", "anna", "--kommun", "umea", input="x" * 12)
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "Error: this command needs the web extra (argon2 is missing): pip install 'callwatch[web]'"
    )


def test_reasons_are_in_the_page_language(client):
    sign_in(client)
    sv = client.get("/kommun/umea").text
    assert "Prioritet 0." in sv and "relevans" in sv
    for english in ("x weight", "days left", "budget unknown", "no fixed deadline", "eligible"):
        assert english not in sv, english
    en = client.get("/lang/en?next=/kommun/umea").text
    assert "Priority 0." in en and "budget 30 MSEK" in en
    assert "x weight" not in en  # the themes are the card's first lines, not repeated as notes
    for english in ("(summary)", "(description)", "municipality may apply", "(call facts)"):
        assert english not in sv, english  # eligibility evidence lines in Swedish too


def test_pages_do_not_wait_for_a_running_fetch(client, web_db):
    """A fetch holds SQLite's write lock while it stores a source; in WAL mode every page still
    answers at once (reads never take the write lock)."""
    sign_in(client)
    writer = sqlite3.connect(web_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE calls SET title = title || ' (being re-fetched)'")
    try:
        t0 = time.perf_counter()
        for path in ("/", "/kommun/umea", "/call/import:hostile", "/healthz"):
            assert client.get(path).status_code == 200, path
        assert time.perf_counter() - t0 < 10  # the busy timeout would be 30 s per request
        assert "being re-fetched" not in client.get("/kommun/umea").text
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_call_page_shows_the_shared_facts_columns_when_the_database_has_them(client, web_db):
    """The facts helper adds columns to `calls` (see HELPERS-COMMON.md); the page shows them
    when present, with each fact's evidence sentence, whatever the JSON's exact shape."""
    db = store.open_db(web_db)
    for col, kind in (("facts", "TEXT"), ("max_per_project", "REAL"), ("cofinancing_required",
                      "INTEGER"), ("municipality_may_apply", "TEXT"), ("stale", "INTEGER")):  # fmt: skip
        # the facts migration has added it by now; a test database of an older schema may not
        with contextlib.suppress(sqlite3.OperationalError):
            db.conn.execute(f"ALTER TABLE calls ADD COLUMN {col} {kind}")
    facts = {
        "max_per_project": {"value": 2000000, "evidence": "Högst 2 miljoner kronor per projekt."},
        "consortium_required": {"value": True, "evidence": "<b>Minst två</b> kommuner.",
                                "source": "viablecities"},
    }  # fmt: skip
    db.conn.execute(
        "UPDATE calls SET facts = ?, max_per_project = 2000000, cofinancing_required = 1, "
        "municipality_may_apply = 'yes', stale = 1, status = 'unknown' WHERE id = 'import:hostile'",
        [json.dumps(facts, ensure_ascii=False)],
    )
    db.conn.close()
    sign_in(client)
    html = client.get("/call/import:hostile").text
    assert "Högst 2 miljoner kronor per projekt." in html
    assert "&lt;b&gt;Minst två&lt;/b&gt; kommuner." in html and "viablecities" in html
    assert "Högst per projekt</dt><dd>2 M" in html
    assert "Medfinansiering krävs</dt><dd>ja" in html and "Kommun får söka</dt><dd>ja" in html
    assert "kontrollera" in html and "Bara gamla datum" in html
