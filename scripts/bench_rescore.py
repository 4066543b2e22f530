"""Benchmark: re-scoring after a rules edit, on a generated realistic collection.

Works on a copy of a scored database (scripts/bench.py --keep DIR leaves bench-<size>.db there;
without --db one is imported) and a copy of rules/, then times the first command after each edit
as a real command in a fresh process (`callwatch rank --kommun umea --limit 5`, which brings the
scores up to date before it ranks):

  weight-only   one term's weight in themes.toml and one municipality's theme weight changed:
                every call is re-weighed from its stored findings, no text is read
  term change   a term added to a theme (a different one each run): only the calls that can
                contain it are read again
  nothing       the same command with no edit (the floor the two above are paid on top of)

A first edit brings the copy up to date before anything is timed; on a database scored without
stored findings (or by another analyser version) that is a full re-score from the text, and it
is shown as such.

Each figure is min and median over --repeat edits with the ratio to the interpreter floor and
the command's peak memory, as in scripts/bench.py.

    python scripts/bench_rescore.py --db /tmp/bench/bench-50000.db [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402
import bench_data  # noqa: E402

ROOT = bench.ROOT
# new terms for the term-change runs: real words of the generated texts' topics
NEW_TERMS = ["dagvatten", "kemikalier", "vattenkvalitet", "stadsträd", "grönytor"]


def edit_weights(rules: Path, run: int) -> None:
    """A weight-only edit: one theme term and one municipality weight get new values."""
    themes = rules / "themes.toml"
    text = themes.read_text(encoding="utf-8")
    text, n = re.subn(
        r'^("digital \| digitala \| digitalt") = [0-9.]+$',
        f"\\1 = {1 + (run % 3) * 0.5}",
        text,
        count=1,
        flags=re.M,
    )
    assert n == 1, "the edited term is not in themes.toml"
    themes.write_text(text, encoding="utf-8")
    umea = rules / "kommuner" / "umea.toml"
    text = umea.read_text(encoding="utf-8")
    text, n = re.subn(
        r"^(klimat) = [0-9.]+$", f"\\1 = {0.5 + (run % 4) * 0.1:.1f}", text, count=1, flags=re.M
    )
    assert n == 1, "umea.toml has no klimat weight"
    umea.write_text(text, encoding="utf-8")


def add_term(rules: Path, run: int) -> None:
    """A term edit: one new term in the klimat theme."""
    themes = rules / "themes.toml"
    text = themes.read_text(encoding="utf-8")
    head = re.search(r"^\[klimat\.terms\.[^\]]+\]$", text, flags=re.M)
    assert head, "themes.toml has no [klimat.terms.*] table"
    term = NEW_TERMS[run % len(NEW_TERMS)]
    text = text[: head.end()] + f'\n"{term}" = 2' + text[head.end() :]
    themes.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, help="a scored database to copy (else one is imported)")
    ap.add_argument("--size", type=int, default=50_000, help="calls to import without --db")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="append the markdown table to this file")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "callwatch")], check=True)
    table = bench.Table()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        db = tmp / "rescore.db"
        if args.db:
            shutil.copy(args.db, db)
            size: int | str = args.size
        else:
            jsonl = tmp / "calls.jsonl"
            bench_data.write_jsonl(bench_data.generate(args.size, seed=args.size), jsonl)
            bench.timed([*bench.CLI, "--db", str(db), "import", str(jsonl)])
            size = args.size
        rules = tmp / "rules"
        shutil.copytree(ROOT / "rules", rules)
        cmd = [*bench.CLI, "--db", str(db), "--rules", str(rules)]
        cmd += ["rank", "--kommun", "umea", "--limit", "5"]
        # a first edit brings the copy up to date: a database scored before the findings (or
        # the weights they were weighed with) were stored, or by another analyser, has every
        # call re-weighed or read again
        edit_weights(rules, 0)
        table.floor.append(bench.timed([sys.executable, "-c", "import sqlite3"])[0])
        wall, peak = bench.timed(cmd)
        table.add("re-score: first edit (all calls re-weighed)", size, [wall], peak)
        for label, edit in (("re-score: weight-only edit", edit_weights), ("re-score: term added", add_term)):  # fmt: skip
            walls, peaks = [], []
            for run in range(args.repeat):
                edit(rules, run + 1)
                table.floor.append(bench.timed([sys.executable, "-c", "import sqlite3"])[0])
                wall, peak = bench.timed(cmd)
                walls.append(wall)
                peaks.append(peak)
            table.add(label, size, walls, max(peaks))
        table.measure("rank after no edit", size, cmd, args.repeat)
    table.report(args.out)


if __name__ == "__main__":
    main()
