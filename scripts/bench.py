"""Benchmark suite: the cost of callwatch's commands on a generated, realistic collection.

For each size (default 5,000 / 20,000 / 50,000 calls) it generates varied calls from the real
texts in ../shared/samples (scripts/bench_data.py), then measures, as real commands in fresh
processes unless noted:

  import        `callwatch import` of the whole file into a new database (parse, store,
                link, score); also given per 1,000 calls, which should stay flat
  link (fetch)  in-process: linking a multi-source database of the same size after one source's
                re-crawl changed 1 % of its calls and added 0.5 % new ones; the first full link
                of that database is shown too
  rank          `callwatch rank --kommun umea`
  search        `callwatch calls --search klimat` (table, default limit)
  export ics    `callwatch export --format ics` (the whole network)
  report        `callwatch report --kommun Umeå` and `report --network` (with --report)
  --help        `callwatch --help`

Every figure is the min and median over --repeat runs and the median's ratio to the interpreter
floor (`python -c "import sqlite3"`), measured in the same run, with each command's peak memory
(max RSS of that process). The machine is stated in the output. Re-scoring after a rules
edit is measured by scripts/bench_rescore.py (on a database --keep leaves).

    python scripts/bench.py [--sizes 5000,20000,50000] [--repeat 5] [--out results.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data  # noqa: E402

# an installed callwatch has its byte code compiled: so does the benchmark (see main())
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "CALLWATCH_NOW": bench_data.NOW.isoformat(),
    "CALLWATCH_LANG": "en",
}
CLI = [sys.executable, "-m", "callwatch"]
# GNU time reports the peak memory of the command alone; a child's own ru_maxrss would also
# count the (large) benchmark process it was forked from
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def timed(cmd: list[str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command run to completion."""
    full = [GNU_TIME, "-f", "%M", *cmd] if GNU_TIME else cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, stdout=stdout, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    wall = time.perf_counter() - t0
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    peak = float(err.strip().splitlines()[-1]) / 1024 if GNU_TIME else float("nan")
    return wall, peak


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.floor: list[float] = []

    def measure(self, label: str, size: int | str, cmd: list[str], repeat: int) -> None:
        walls, peaks = [], []
        for _ in range(repeat):
            self.floor.append(timed([sys.executable, "-c", "import sqlite3"])[0])
            wall, peak = timed(cmd)
            walls.append(wall)
            peaks.append(peak)
        self.add(label, size, walls, max(peaks))

    def add(self, label: str, size: int | str, walls: list[float], peak: float | None) -> None:
        self.rows.append((label, size, min(walls), statistics.median(walls), len(walls), peak))
        floor = statistics.median(self.floor) if self.floor else float("nan")
        print(
            f"{label:28} {size!s:>7}  min {min(walls):8.3f}s  median {statistics.median(walls):8.3f}s"
            f"  x{statistics.median(walls) / floor:7.1f} floor  runs {len(walls)}"
            + (f"  peak {peak:6.0f} MiB" if peak else ""),
            flush=True,
        )

    def markdown(self) -> str:
        floor = statistics.median(self.floor)
        lines = [
            f'Interpreter floor (`python -c "import sqlite3"`): median {floor:.3f} s, '
            f"min {min(self.floor):.3f} s over {len(self.floor)} runs.",
            "",
            "| operation | calls | min | median | x floor | runs | peak memory |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, size, lo, med, n, peak in self.rows:
            mem = f"{peak:.0f} MiB" if peak else "-"
            lines.append(
                f"| {label} | {size:,} | {lo:.3f} s | {med:.3f} s | {med / floor:.0f}x | {n} | {mem} |"
                if isinstance(size, int)
                else f"| {label} | {size} | {lo:.3f} s | {med:.3f} s | {med / floor:.0f}x | {n} | {mem} |"
            )
        return "\n".join(lines)

    def report(self, out: str | None) -> None:
        """Print the table, and append it to `out` when given."""
        md = self.markdown()
        print()
        print(md)
        if out:
            with open(out, "a", encoding="utf-8") as f:
                f.write(md + "\n")


def bench_link(size: int, repeat: int, tmp: Path, table: Table) -> None:
    """Linking after a fetch of one source, in-process, on a multi-source database."""
    import resource

    from callwatch import linking, sources, store

    specs = sources.load_all(ROOT / "sources")
    inter = {s.id for s in specs if s.relists}
    rows = bench_data.generate(size, seed=size, multi_source=True)
    by_source = bench_data.to_calls(rows)
    (tmp / f"link-{size}.db").unlink(missing_ok=True)
    db = store.open_db(tmp / f"link-{size}.db")
    for src, calls in by_source.items():
        store.apply_crawl(db, src, calls, complete=False, now=bench_data.NOW, run_id=None)
    t0 = time.perf_counter()
    linking.link(db, specs, inter)
    table.add("link: first, all calls", size, [time.perf_counter() - t0], None)
    source = max(by_source, key=lambda s: len(by_source[s]))
    rng = random.Random(size)
    fresh = iter(
        bench_data.to_calls(bench_data.generate(size + 500 * repeat, seed=size + 1))["import"][
            size:
        ]
    )
    walls = []
    for r in range(repeat):
        calls = by_source[source]
        changed = [
            replace(c, title=f"{c.title} (omgång {r + 2})") if rng.random() < 0.01 else c
            for c in calls
        ]
        new = [replace(next(fresh), source=source) for _ in range(max(1, len(calls) // 200))]
        by_source[source] = changed + new
        store.apply_crawl(
            db, source, by_source[source], complete=False, now=bench_data.NOW, run_id=None
        )
        t0 = time.perf_counter()
        linking.link(db, specs, inter)
        walls.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table.add("link: after one source's fetch", size, walls, peak)
    db.conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,20000,50000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--import-repeat", type=int, default=1, help="imports per size (slow)")
    ap.add_argument("--report", action="store_true", help="also time report --kommun")
    ap.add_argument("--no-link", action="store_true")
    ap.add_argument(
        "--reuse", action="store_true", help="time the reads on the databases --keep holds"
    )
    ap.add_argument("--out", type=Path, help="append the markdown table to this file")
    ap.add_argument("--keep", type=Path, help="keep the databases in this folder")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "callwatch")], check=True)
    table = Table()
    table.measure("--help", "-", [*CLI, "--help"], args.repeat)
    with tempfile.TemporaryDirectory() as t:
        tmp = args.keep or Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            jsonl = tmp / f"calls-{size}.jsonl"
            db = tmp / f"bench-{size}.db"
            if not (args.reuse and db.exists()):
                bench_data.write_jsonl(bench_data.generate(size, seed=size), jsonl)
            walls, peak = [], 0.0
            for _ in range(0 if args.reuse and db.exists() else args.import_repeat):
                db.unlink(missing_ok=True)
                table.floor.append(timed([sys.executable, "-c", "import sqlite3"])[0])
                wall, p = timed([*CLI, "--db", str(db), "import", str(jsonl)])
                walls.append(wall)
                peak = max(peak, p)
            if walls:
                table.add("import", size, walls, peak)
                table.add("import, per 1,000 calls", size, [w * 1000 / size for w in walls], None)
            print(f"    database {db.stat().st_size / 2**20:.0f} MiB", flush=True)
            if not args.no_link:
                bench_link(size, args.repeat, tmp, table)
            base = [*CLI, "--db", str(db)]
            table.measure(
                "rank --kommun umea", size, [*base, "rank", "--kommun", "umea"], args.repeat
            )
            table.measure(
                "calls --search klimat", size, [*base, "calls", "--search", "klimat"], args.repeat
            )
            table.measure(
                "export --format ics", size, [*base, "export", "--format", "ics"], args.repeat
            )
            if args.report:
                table.measure(
                    "report --kommun Umeå",
                    size,
                    [*base, "report", "--kommun", "Umeå", "--today", "2026-11-27"],
                    args.repeat,
                )
                table.measure(
                    "report --network",
                    size,
                    [*base, "report", "--network", "--today", "2026-11-27"],
                    args.repeat,
                )
    table.report(args.out)


if __name__ == "__main__":
    main()
