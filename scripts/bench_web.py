"""Benchmark: how fast `callwatch serve` answers on a large database.

Builds a database of N calls (default 50,000) by fetching the offline recordings and repeating
those real calls with new ids and deadlines spread over the next 200 days (so most are open and
compete for the ranking), scores them, adds a user, and then times signed-in GETs of
/kommun/umea (the target: under 300 ms), / and one /call/<id> page over real HTTP (uvicorn on
a local port, one client), after one warm-up request each.

    python scripts/bench_web.py [--calls 50000] [--runs 21] [--keep DB]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
os.environ.setdefault("CALLWATCH_NOW", NOW.isoformat())

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from callwatch import paths, scoring, store  # noqa: E402
from callwatch import rules as rules_mod  # noqa: E402
from callwatch.models import Call  # noqa: E402
from callwatch.web import auth  # noqa: E402
from callwatch.web.app import create_app  # noqa: E402

PASSWORD = "bench-password-123"


def make_db(path: Path, n: int) -> int:
    """The offline calls, then copies of them with new ids until there are n calls."""
    subprocess.run(
        [sys.executable, "-m", "callwatch", "--db", str(path), "fetch", "--offline", "--quiet"],
        check=False,  # exit 1 only says a source was skipped (no key); the calls are stored
        cwd=ROOT,
        capture_output=True,
    )
    db = store.open_db(path)
    names = {f.name for f in fields(Call)}
    base = [
        store.row_to_dict(dict(zip([c[0] for c in cur.description], r, strict=True)))
        for cur in [db.execute("SELECT * FROM calls WHERE duplicate_of IS NULL")]
        for r in cur.fetchall()
    ]
    real = len(base)
    by_source: dict[str, list[Call]] = {}
    for i in range(n - store.call_count(db)):
        row = base[i % real]
        deadline = (NOW + timedelta(days=5 + i % 200)).isoformat()
        values = {k: v for k, v in row.items() if k in names}
        values.update(native_id=f"{row['native_id']}-bench{i}", deadlines=[deadline], status="open")
        by_source.setdefault(row["source"], []).append(Call(**values))
    for source, calls in by_source.items():
        store.apply_crawl(db, source, calls, complete=False, now=NOW, run_id=None)
    db.conn.close()
    return real


def timed(client: httpx.Client, path: str, runs: int) -> tuple[float, list[float]]:
    """The first request (computes the page) and `runs` more (served from the app's cache of
    computed pages until the data or a decision changes)."""
    t0 = time.perf_counter()
    assert client.get(path).status_code == 200
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return first, times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--keep", type=Path, help="keep the database here (and reuse it next time)")
    args = ap.parse_args()
    rules = rules_mod.load(paths.rules_dir(None))
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        real = make_db(path, args.calls) if not path.exists() else 0  # --keep: built before
        db = store.open_db(path)
        scoring.refresh(db, rules)
        auth.add_user(db, "bench", "umea", PASSWORD)
        total = store.call_count(db)
        db.conn.close()
        how = f"{real} real offline calls repeated" if real else f"reused {path}"
        print(f"database: {total:,} calls ({how}), ready in {time.perf_counter() - t0:.0f}s")
        app = create_app(path, rules, secret="bench", login_delay=0.01)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
        while not server.started:
            time.sleep(0.02)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]
            r = client.post(
                "/login",
                data={"username": "bench", "password": PASSWORD, "csrf_token": token,
                      "next": "/healthz"},
            )  # fmt: skip
            assert r.status_code == 200 and r.json()["calls"] == total, "sign-in failed"
            for label, p in (
                ("/kommun/umea", "/kommun/umea"),
                ("/kommun/umea?theme=klimat&text=stad", "/kommun/umea?theme=klimat&text=stad"),
                ("/", "/"),
                ("/call/<id>", None),
            ):
                if p is None:
                    page = client.get("/kommun/umea").text
                    p = (
                        "/call/"
                        + re.search(r'data-call-id="([^"]+)"', page.split('id="ranked"')[1])[1]
                    )
                first, t = timed(client, p, args.runs)
                t.sort()
                print(
                    f"GET {label:38} first {first:7.0f} ms, then median "
                    f"{statistics.median(t):5.0f} ms (min {t[0]:.0f}, max {t[-1]:.0f}) over {args.runs} runs"
                )
        server.should_exit = True


if __name__ == "__main__":
    main()
