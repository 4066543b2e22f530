"""Benchmark: scoring and ranking speed.

Builds a database of N calls by repeating the real call texts (tests/eval/calltexts.jsonl) and
the offline recordings with new ids, then measures
  1. scoring 20,000 calls (theme scores + eligibility, stored) on one core, and
  2. `callwatch rank --kommun X` on a 50,000-call database, as wall time of the real command.

    python scripts/bench_match.py [--score-calls 20000] [--rank-calls 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callwatch import rules as rules_mod  # noqa: E402
from callwatch import scoring, store  # noqa: E402
from callwatch.importer import parse_line  # noqa: E402

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def base_calls() -> list:
    lines = (ROOT / "tests" / "eval" / "calltexts.jsonl").read_text(encoding="utf-8").splitlines()
    calls = []
    for line in lines:
        obj = json.loads(line)
        obj.pop("deadline", None)
        calls.append(parse_line(obj, NOW))
    return calls


def make_db(path: Path, n: int) -> None:
    base = base_calls()
    db = store.open_db(path)
    calls = []
    for i in range(n):
        c = base[i % len(base)]
        deadline = (NOW + timedelta(days=5 + i % 200)).isoformat()
        calls.append(replace(c, native_id=f"{c.native_id}-{i}", deadlines=[deadline]))
    store.apply_crawl(db, "import", calls, complete=False, now=NOW, run_id=None)
    db.conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--score-calls", type=int, default=20_000)
    ap.add_argument("--rank-calls", type=int, default=50_000)
    args = ap.parse_args()
    rules = rules_mod.load(ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "score.db"
        make_db(p, args.score_calls)
        db = store.open_db(p)
        t0 = time.perf_counter()
        stats = scoring.refresh(db, rules)
        t1 = time.perf_counter()
        print(
            f"scored {stats.scored} calls in {t1 - t0:.1f}s "
            f"({stats.scored / (t1 - t0):,.0f} calls/s, one process)"
        )
        t0 = time.perf_counter()
        again = scoring.refresh(db, rules)
        print(f"unchanged refresh: {again.scored} re-scored in {time.perf_counter() - t0:.2f}s")

        p2 = Path(tmp) / "rank.db"
        make_db(p2, args.rank_calls)
        db2 = store.open_db(p2)
        t0 = time.perf_counter()
        scoring.refresh(db2, rules)
        print(f"scored {args.rank_calls} calls in {time.perf_counter() - t0:.1f}s (setup)")
        db2.conn.close()
        cmd = [
            sys.executable,
            "-m",
            "callwatch",
            "--db",
            str(p2),
            "rank",
            "--kommun",
            "umea",
            "--format",
            "json",
        ]
        times = []
        for _ in range(11):
            t0 = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
        n = len(json.loads(out.stdout))
        print(
            f"`callwatch rank --kommun umea` on {args.rank_calls} calls: "
            f"median {sorted(times)[5]:.2f}s wall (min {min(times):.2f}s, max {max(times):.2f}s) over 11 runs, "
            f"{n} calls printed"
        )


if __name__ == "__main__":
    main()
