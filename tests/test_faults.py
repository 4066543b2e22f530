"""Faults a scheduled fetch meets in real life. In every case: the other sources finish, the
failure is in the run log with a clear message, nothing stored is deleted or wrongly closed,
and the database passes PRAGMA integrity_check."""

import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from callwatch import store
from callwatch.fetch import FetchOptions, run_fetch
from callwatch.http import HttpConfig
from callwatch.sources import load_source
from tests.conftest import FIXTURES, NOW, RECORDINGS, ROOT, cli
from tests.loopback import Loopback

FAST = HttpConfig(delay=0, retries=1, backoff=0, timeout=2.0)
ROUNDS = (FIXTURES / "vinnova" / "ansokningsomgangar_constructed.json").read_bytes()
DOCPAGE = (FIXTURES / "vinnova" / "api_ansokningsomgangar_docpage.html").read_bytes()


def vinnova_at(tmp_path, url, name="vinnova"):
    """The real Vinnova source definition pointed at a test server."""
    folder = tmp_path / "sources"
    folder.mkdir(exist_ok=True)
    text = (ROOT / "sources" / "vinnova.toml").read_text(encoding="utf-8")
    text = text.replace(
        "https://data.vinnova.se/api/ansokningsomgangar/{since}",
        url + "/api/ansokningsomgangar/{since}",
    )
    text = text.replace('id = "vinnova"', f'id = "{name}"')
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return load_source(folder / f"{name}.toml")


@pytest.fixture
def seeded(tmp_path, specs):
    """A database holding the offline EU and Vinnova calls."""
    db = store.open_db(tmp_path / "f.db")
    run_fetch(
        db,
        [specs["eu-ft"], specs["vinnova"]],
        FetchOptions(mode="offline", replay_dir=RECORDINGS, http=FAST),
        now=NOW,
    )
    return db


def snapshot(db, source):
    return {
        r["id"]: (r["status"], r["deadlines"], r["title"])
        for r in store.query_calls(db, sources=[source])
    }


def fetch_with(db, specs, handler):
    opts = FetchOptions(
        mode="live", transport=httpx.MockTransport(handler), http=FAST, sleep=_nosleep
    )
    return {r.source: r for r in run_fetch(db, [specs["vinnova"], specs["eu-ft"]], opts, now=NOW)}


async def _nosleep(_):
    return None


def eu_ok(request):
    name = (
        "search_cascade_type8_fundhunt_fixture.json"
        if b'"8"' in request.content
        else "search_topics_open_fundhunt_fixture.json"
    )
    return httpx.Response(
        200,
        content=(FIXTURES / "eu_sedia" / name).read_bytes(),
        headers={"content-type": "application/json"},
    )


def check_fault(db, reports, message):
    v = reports["vinnova"]
    assert v.status == "failed" and message in v.message, v.message
    assert reports["eu-ft"].status == "ok"
    run = db.execute(
        "SELECT status, error FROM runs WHERE source = 'vinnova' ORDER BY id DESC"
    ).fetchone()
    assert run[0] == "failed" and message in run[1]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


FAULTS = {
    "connection refused": (
        lambda r: (_ for _ in ()).throw(
            httpx.ConnectError("[Errno 111] Connection refused", request=r)
        ),
        "ConnectError",
    ),
    "dns failure": (
        lambda r: (_ for _ in ()).throw(
            httpx.ConnectError("[Errno -2] Name or service not known", request=r)
        ),
        "ConnectError",
    ),
    "timeout": (
        lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("timed out", request=r)),
        "ReadTimeout",
    ),
    "500": (lambda r: httpx.Response(500, content=b"oops"), "HTTP 500"),
    "503": (lambda r: httpx.Response(503, headers={"Retry-After": "1"}), "HTTP 503"),
    "html instead of json": (
        lambda r: httpx.Response(200, content=DOCPAGE, headers={"content-type": "text/html"}),
        "HTML page",
    ),
    "truncated json": (
        lambda r: httpx.Response(
            200, content=ROUNDS[:500], headers={"content-type": "application/json"}
        ),
        "invalid JSON",
    ),
    "redirect loop": (
        lambda r: httpx.Response(302, headers={"Location": str(r.url)}),
        "too many redirects",
    ),
    "empty listing": (
        lambda r: httpx.Response(200, content=b"[]", headers={"content-type": "application/json"}),
        "0 calls found",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_is_isolated_and_recorded(seeded, specs, fault):
    vinnova, message = FAULTS[fault]
    before = snapshot(seeded, "vinnova")

    def handler(request):
        return eu_ok(request) if "search-api" in str(request.url) else vinnova(request)

    reports = fetch_with(seeded, specs, handler)
    check_fault(seeded, reports, message)
    assert snapshot(seeded, "vinnova") == before


def test_response_larger_than_cap(seeded, specs):
    before = snapshot(seeded, "vinnova")
    big = b"[" + b" " * 3_000_000 + b"]"
    opts = FetchOptions(
        mode="live",
        transport=httpx.MockTransport(
            lambda r: eu_ok(r) if "search-api" in str(r.url) else httpx.Response(200, content=big)
        ),
        http=HttpConfig(delay=0, retries=0, max_bytes=1_000_000),
    )
    reports = {
        r.source: r for r in run_fetch(seeded, [specs["vinnova"], specs["eu-ft"]], opts, now=NOW)
    }
    check_fault(seeded, reports, "larger than")
    assert snapshot(seeded, "vinnova") == before


def test_retry_after_on_429_then_success(seeded, specs):
    calls, slept = [], []

    async def sleep(s):
        slept.append(s)

    def handler(request):
        if "search-api" in str(request.url):
            return eu_ok(request)
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "3"})
        return httpx.Response(200, content=ROUNDS, headers={"content-type": "application/json"})

    opts = FetchOptions(
        mode="live",
        transport=httpx.MockTransport(handler),
        http=HttpConfig(delay=0, retries=2),
        sleep=sleep,
    )
    reports = {
        r.source: r for r in run_fetch(seeded, [specs["vinnova"], specs["eu-ft"]], opts, now=NOW)
    }
    assert reports["vinnova"].status == "ok" and 3 in slept


@pytest.mark.slow
def test_timeout_mid_body_on_a_real_socket(seeded, specs, tmp_path):
    with Loopback({"/api/": (200, {"Content-Type": "application/json"}, ROUNDS, 0, 5)}) as srv:
        spec = vinnova_at(tmp_path, srv.url)
        opts = FetchOptions(mode="live", http=HttpConfig(delay=0, retries=0, timeout=1.0))
        [r] = run_fetch(seeded, [spec], opts, now=NOW)
    assert r.status == "failed" and "Timeout" in r.message
    assert seeded.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_conditional_requests_transfer_nothing_when_unchanged(tmp_path):
    etag = '"v1"'
    routes = {"/api/": (200, {"Content-Type": "application/json", "ETag": etag}, ROUNDS, 0, 0)}
    with Loopback(routes) as srv:
        spec = vinnova_at(tmp_path, srv.url)
        db = store.open_db(tmp_path / "c.db")
        opts = FetchOptions(mode="live", http=HttpConfig(delay=0, retries=0))
        [first] = run_fetch(db, [spec], opts, now=NOW)
        routes["/api/"] = (304, {"ETag": etag}, b"", 0, 0)
        [second] = run_fetch(db, [spec], opts, now=NOW)
    assert (
        first.new == 2
        and second.status == "ok"
        and second.new == second.updated == second.closed == 0
    )
    assert store.call_count(db) == 2


def _fetch_cmd(db, sources_dir):
    return [
        sys.executable,
        "-m",
        "callwatch",
        "--db",
        str(db),
        "--sources",
        str(sources_dir),
        "fetch",
    ]


@pytest.mark.slow
def test_second_fetch_exits_with_distinct_code(tmp_path):
    with Loopback({"/api/": (200, {"Content-Type": "application/json"}, ROUNDS, 6, 0)}) as srv:
        vinnova_at(tmp_path, srv.url)
        db = tmp_path / "lock.db"
        first = subprocess.Popen(
            _fetch_cmd(db, tmp_path / "sources"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 20
        while not srv.hits and time.time() < deadline:
            time.sleep(0.1)
        second = subprocess.run(
            _fetch_cmd(db, tmp_path / "sources"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 75
        assert "another fetch is running" in second.stderr and second.stderr.count("\n") == 1
        assert first.wait(timeout=60) == 0


@pytest.mark.slow
def test_sigkill_mid_fetch_then_rerun(tmp_path):
    db = tmp_path / "kill.db"
    with Loopback({"/api/": (200, {"Content-Type": "application/json"}, ROUNDS, 0, 0)}) as srv:
        vinnova_at(tmp_path, srv.url)
        assert (
            subprocess.run(
                _fetch_cmd(db, tmp_path / "sources"), cwd=ROOT, capture_output=True, timeout=60
            ).returncode
            == 0
        )
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT id, status, deadlines FROM calls ORDER BY id").fetchall()
    conn.close()
    for sig in (signal.SIGKILL, signal.SIGTERM):
        with Loopback({"/api/": (200, {"Content-Type": "application/json"}, ROUNDS, 8, 0)}) as srv:
            vinnova_at(tmp_path, srv.url)
            proc = subprocess.Popen(
                _fetch_cmd(db, tmp_path / "sources"),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.time() + 20
            while not srv.hits and time.time() < deadline:
                time.sleep(0.1)
            time.sleep(0.3)
            os.kill(proc.pid, sig)
            proc.wait(timeout=30)
        with Loopback({"/api/": (200, {"Content-Type": "application/json"}, ROUNDS, 0, 0)}) as srv:
            vinnova_at(tmp_path, srv.url)
            again = subprocess.run(
                _fetch_cmd(db, tmp_path / "sources"),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert again.returncode == 0, again.stderr  # the lock of the killed run is gone
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            conn.execute("SELECT id, status, deadlines FROM calls ORDER BY id").fetchall() == before
        )
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == len(before)
        conn.close()


def test_read_only_and_missing_rules(tmp_path, monkeypatch):
    """A database callwatch may not write is opened with SQLite's mode=ro: reads work, writes are
    one-line errors. Root ignores file permissions, so the test takes write permission away
    through os.access (what callwatch asks) as well as chmod: meaningful as root too."""

    from callwatch import store
    from callwatch.errors import StoreError

    db = tmp_path / "ro.db"
    r = cli("--db", db, "fetch", "--offline", "--source", "vinnova")
    assert r.exit_code == 0, r.output
    cli("--db", db, "rank", "--kommun", "umea")  # scores are current
    # a connection the commands left to the garbage collector checkpoints its WAL into the
    # file when it is finalised; finalise it now, not at a moment that depends on the run
    gc.collect()
    before = db.read_bytes()
    ro = store.open_db(db, readonly=True)
    assert ro.readonly and len(store.query_calls(ro)) == 2
    with pytest.raises(StoreError, match="read-only"):
        store.set_meta(ro, "x", "y")
    ro.conn.close()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real_access(p, mode, **kw)
    )
    os.chmod(db, 0o444)
    os.chmod(tmp_path, 0o555)
    try:
        r = cli("--db", db, "fetch", "--offline", "--source", "vinnova")
        assert r.exit_code != 0 and r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1
        for args in (
            ["calls", "-f", "json"],
            ["rank", "--kommun", "umea"],
            ["show", "vinnova:2016-04968"],
        ):
            r = cli("--db", db, *args)
            assert r.exit_code == 0, (args, r.output)
        r = cli("--db", db, "report", "--kommun", "umea")
        assert r.exit_code == 0 and "period not recorded" in r.stderr, r.output
    finally:
        os.chmod(tmp_path, 0o755)
        os.chmod(db, 0o644)
    assert db.read_bytes() == before
    r = cli("--rules", tmp_path / "nope", "--db", db, "rank", "--kommun", "umea")
    assert r.exit_code == 1 and "rules folder not found" in r.stderr and r.stderr.count("\n") == 1


def test_keys_file_must_be_private(tmp_path, monkeypatch, specs):
    keys = tmp_path / "keys.toml"
    keys.write_text('CALLWATCH_FORMAS_KEY = "k-123"\n', encoding="utf-8")
    monkeypatch.setenv("CALLWATCH_KEYS", str(keys))
    monkeypatch.delenv("CALLWATCH_FORMAS_KEY", raising=False)
    os.chmod(keys, 0o644)
    from callwatch.errors import ConfigError

    with pytest.raises(ConfigError, match="chmod 600"):
        specs["formas"].api_key()
    os.chmod(keys, 0o600)
    assert specs["formas"].api_key() == "k-123"


def test_log_json_and_quiet(tmp_path):

    db = str(tmp_path / "q.db")
    r = cli(
        "--db", db, "fetch", "--offline", "--log-json", "--source", "vinnova", "--source", "eu-ft"
    )
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert [e["event"] for e in events].count("source") == 2 and events[-1]["event"] == "summary"
    q = cli("--db", db, "fetch", "--offline", "--quiet", "--source", "vinnova")
    assert q.exit_code == 0 and q.stdout == "" and q.stderr == ""
