"""Score the facts extraction against independent labels: one command, figures for docs/matching.md.

    .venv/bin/python scripts/bench_facts.py [--errors] [--dates own|dateparser] [--json]

Pool: tests/eval/pool_facts.jsonl (171 real call texts). Labels: labels_facts_F1.jsonl for pool
lines 1-86 and labels_facts_F2.jsonl for lines 87-171, written by two labellers who did not see the
extraction code (guideline: tests/eval/GUIDELINE-facts.md); 20 items were labelled by both, which
gives the labellers' own agreement. Figures are reported for the `tune` split (read while writing
the rules) and the `heldout` split (never read) separately. `--errors` prints per-item errors for
tune items only: heldout texts and labels stay unread.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callwatch import facts as facts_mod  # noqa: E402

EVAL = ROOT / "tests" / "eval"
AS_OF = date(2026, 11, 27)  # fixed, so the figures do not move with the calendar
FIELDS = (
    "deadlines", "opens", "status_word", "budget_total", "max_per_project", "min_per_project",
    "funding_rate_max", "cofinancing_required", "consortium_required", "min_municipalities",
    "applicants", "municipality_may_apply",
)  # fmt: skip


def _load(name: str) -> list[dict]:
    return [
        json.loads(line)
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _day(value: str) -> str:
    return value[:10]


def _same_dates(got: list[str], want: list[str]) -> bool:
    """Deadline sets equal by date; a labelled year XXXX (not in the text) matches any year."""
    g = {_day(x) for x in got}
    w = {_day(x) for x in want}
    if len(g) != len(w):
        return False
    exact = {x for x in w if not x.startswith("XXXX")}
    loose = {x[5:] for x in w if x.startswith("XXXX")}
    rest = g - exact
    return exact <= g and {x[5:] for x in rest} == loose and len(rest) == len(loose)


def _same_amount(got: dict | None, want: dict | None) -> bool:
    if not got or not want:
        return not got and not want
    if got.get("currency") != want.get("currency"):
        return False
    a, b = float(got["amount"]), float(want["amount"])
    return abs(a - b) <= 0.01 * max(abs(b), 1.0)


def compare(fieldname: str, got: object, want: object) -> bool:
    if fieldname == "deadlines":
        return _same_dates(got or [], want or [])  # type: ignore[arg-type]
    if fieldname == "opens":
        if not got or not want:
            return not got and not want
        return _same_dates([got], [want])  # type: ignore[list-item]
    if fieldname in ("budget_total", "max_per_project", "min_per_project"):
        return _same_amount(got, want)  # type: ignore[arg-type]
    if fieldname == "funding_rate_max":
        if got is None or want is None:
            return got is None and want is None
        return abs(float(got) - float(want)) <= 0.01  # type: ignore[arg-type]
    if fieldname == "applicants":
        return set(got or []) == set(want or [])  # type: ignore[arg-type]
    if fieldname == "municipality_may_apply":
        return (got or "unclear") == (want or "unclear")
    return got == want


def predict(item: dict) -> dict:
    f = facts_mod.extract(item["title"], item["text"], as_of=AS_OF)
    d = f.to_dict()
    d["status_word"] = f.status_word
    return d


def score(items: list[tuple[dict, dict]], show_errors: bool) -> dict:
    right = dict.fromkeys(FIELDS, 0)
    none_stated = false_deadline = wrong_no = 0
    for item, label in items:
        got = predict(item)
        errors = []
        for k in FIELDS:
            if compare(k, got.get(k), label.get(k)):
                right[k] += 1
            else:
                errors.append(f"  {k}: got {got.get(k)!r} want {label.get(k)!r}")
        if not label.get("deadlines"):
            none_stated += 1
            false_deadline += bool(got["deadlines"])
        if got["municipality_may_apply"] == "no" and label.get("municipality_may_apply") == "yes":
            wrong_no += 1
        if show_errors and errors and item["split"] == "tune":
            print(f"[{item['_line']}] {item['id']}")
            print("\n".join(errors))
    n = len(items)
    return {
        "items": n,
        "accuracy": {k: round(v / n, 3) for k, v in right.items()},
        "false_deadline_rate": round(false_deadline / none_stated, 3) if none_stated else 0.0,
        "texts_without_deadline": none_stated,
        "wrong_no": wrong_no,
    }


def agreement(f1: dict[str, dict], f2: dict[str, dict]) -> dict:
    both = sorted(set(f1) & set(f2))
    same = {k: sum(compare(k, f1[i].get(k), f2[i].get(k)) for i in both) for k in FIELDS}
    return {"items": len(both), "agreement": {k: round(v / len(both), 3) for k, v in same.items()}}


def _use_dateparser() -> None:
    """Swap our date finder for dateparser's search_dates (Swedish and English), same cues."""
    from dateparser.search import search_dates

    from callwatch.facts import dates

    def mentions(sentence: str) -> list[dates.Mention]:
        found = (
            search_dates(
                sentence[:1000],
                languages=["sv", "en"],
                settings={
                    "REQUIRE_PARTS": ["day", "month"],
                    "RELATIVE_BASE": datetime(2026, 11, 27),
                },
            )
            or []
        )
        out, pos = [], 0
        for text, dt in found:
            start = sentence.find(text, pos)
            if start < 0:
                continue
            pos = start + len(text)
            has_year = any(ch.isdigit() for ch in text) and str(dt.year) in text
            has_time = ":" in text or "." in text.split()[-1] if text.split() else False
            out.append(
                dates.Mention(
                    start,
                    pos,
                    dt.year if has_year else None,
                    dt.month,
                    dt.day,
                    dt.hour if has_time else None,
                    dt.minute if has_time else None,
                )
            )
        return out

    dates.mentions = mentions  # type: ignore[assignment]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="per-item errors (tune items only)")
    ap.add_argument("--dates", choices=("own", "dateparser"), default="own")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.dates == "dateparser":
        _use_dateparser()
    pool = _load("pool_facts.jsonl")
    f1 = {d["id"]: d for d in _load("labels_facts_F1.jsonl")}
    f2 = {d["id"]: d for d in _load("labels_facts_F2.jsonl")}
    pairs = {"tune": [], "heldout": []}
    for n, item in enumerate(pool, start=1):
        item["_line"] = n
        label = (f1 if n <= 86 else f2).get(item["id"])
        if label is None:
            raise SystemExit(f"pool line {n} ({item['id']}): no label")
        pairs[item["split"]].append((item, label))
    out = {split: score(items, args.errors) for split, items in pairs.items()}
    out["all"] = score(pairs["tune"] + pairs["heldout"], False)
    out["all"] = score(pairs["tune"] + pairs["heldout"], False)
    out["labellers"] = agreement(f1, f2)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{'field':24} {'tune':>6} {'heldout':>8} {'all':>6} {'labellers':>10}")
    for k in FIELDS:
        print(f"{k:24} {out['tune']['accuracy'][k]:6.2f} {out['heldout']['accuracy'][k]:8.2f} "
              f"{out['all']['accuracy'][k]:6.2f} {out['labellers']['agreement'][k]:10.2f}")  # fmt: skip
    for split in ("tune", "heldout", "all"):
        s = out[split]
        print(f"{split}: {s['items']} items; false deadlines {s['false_deadline_rate']:.1%} of "
              f"{s['texts_without_deadline']} texts stating none; wrong 'no' {s['wrong_no']}")  # fmt: skip
    print(f"labellers: {out['labellers']['items']} items labelled by both")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
