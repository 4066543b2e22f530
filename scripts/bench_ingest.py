"""Benchmark: offline ingest of a large recording (parse + normalise + upsert).

Builds an EU search response and a Vinnova response of N calls each by repeating the real
records in tests/fixtures with new ids, then times parsing them and upserting into a fresh
database, then a second, unchanged ingest (the steady state of a scheduled fetch).

    python scripts/bench_ingest.py [--calls 10000]
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callwatch import sources, store  # noqa: E402
from callwatch.adapters import sedia, vinnova  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def eu_body(n: int) -> bytes:
    pages = [
        json.loads((FIX / "eu_sedia" / f).read_text())
        for f in (
            "search_topics_open_fundhunt_fixture.json",
            "search_cascade_type8_fundhunt_fixture.json",
        )
    ]
    real = [r for p in pages for r in p["results"]]
    results = []
    for i in range(n):
        r = copy.deepcopy(real[i % len(real)])
        md = r["metadata"]
        md["identifier"] = [f"{md['identifier'][0]}-B{i}"]
        r["reference"] = f"{i}{r['reference']}"
        results.append(r)
    return json.dumps({"totalResults": n, "pageNumber": 1, "results": results}).encode()


def vinnova_body(n: int) -> bytes:
    real = json.loads((FIX / "vinnova" / "ansokningsomgangar_constructed.json").read_text())
    out = []
    for i in range(n):
        r = copy.deepcopy(real[i % len(real)])
        r["Diarienummer"] = f"2026-{i:05d}"
        out.append(r)
    return json.dumps(out, ensure_ascii=False).encode()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=10_000, help="calls per source")
    n = ap.parse_args().calls
    specs = {s.id: s for s in sources.load_all(ROOT / "sources")}
    bodies = {"eu-ft": (sedia, eu_body(n)), "vinnova": (vinnova, vinnova_body(n))}
    base_rss = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "bench.db")
        total_calls, total_time = 0, 0.0
        for source, (adapter, body) in bodies.items():
            for label in ("first ingest", "unchanged re-ingest"):
                t0 = time.perf_counter()
                calls = adapter.parse(specs[source], body, NOW)
                t1 = time.perf_counter()
                counts = store.apply_crawl(db, source, calls, complete=True, now=NOW, run_id=None)
                t2 = time.perf_counter()
                rate = len(calls) / (t2 - t0)
                print(
                    f"{source:8} {label:20} {len(calls):6} calls  parse {t1 - t0:5.2f}s  "
                    f"upsert {t2 - t1:5.2f}s  {rate:8,.0f} calls/s  (new {counts.new}, "
                    f"updated {counts.updated})"
                )
                if label == "first ingest":
                    total_calls += len(calls)
                    total_time += t2 - t0
        print(
            f"overall first ingest: {total_calls} calls in {total_time:.2f}s = "
            f"{total_calls / total_time:,.0f} calls/s"
        )
        print(
            f"peak RSS {rss_mb():.0f} MB (interpreter and test bodies included; "
            f"{rss_mb() - base_rss:.0f} MB above start)"
        )
        print(f"database size {Path(tmp, 'bench.db').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
