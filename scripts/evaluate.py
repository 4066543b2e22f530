"""Evaluate theme ranking on the labelled development set (tests/eval/).

For each theme, ranks every call in the set by callwatch's theme score and by a search-box
baseline (BM25 over title + text, the theme's own Swedish and English name as the query), then
reports nDCG@10 and P@10 (relevant = label 2 or 3) against the hand labels.

    python scripts/evaluate.py [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callwatch import rules as rules_mod  # noqa: E402
from callwatch import sources  # noqa: E402
from callwatch.match import Matcher, call_fields, common_factors, score  # noqa: E402
from callwatch.text import tokens  # noqa: E402

EVAL = ROOT / "tests" / "eval"
SHORT = {
    "dig": "digitalisering", "bos": "bostadsbyggande", "soc": "social-hallbarhet",
    "med": "medborgardialog", "mob": "mobilitet", "kli": "klimat", "kon": "konsumtion",
}  # fmt: skip
NOW = datetime(2026, 11, 27, tzinfo=UTC)


def load_docs() -> dict[str, dict]:
    """id -> call fields, from the call texts and the offline recordings."""
    docs: dict[str, dict] = {}
    for line in (EVAL / "calltexts.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs[r["id"]] = {"title": r["title"], "description": r["text"]}
    specs = {s.id: s for s in sources.load_all(ROOT / "sources")}
    rec = ROOT / "callwatch" / "recordings"
    for source in ("eu-ft", "vinnova"):
        index = json.loads((rec / source / "index.json").read_text())
        for entry in index["entries"].values():
            body = (rec / source / entry["file"]).read_bytes()
            for c in specs[source].adapter().parse(specs[source], body, NOW):
                docs[c.id] = c.to_dict()
    return docs


def load_labels() -> dict[str, dict[str, int]]:
    data = tomllib.loads((EVAL / "labels.toml").read_text(encoding="utf-8"))["labels"]
    return {doc: {SHORT[k]: v for k, v in grades.items()} for doc, grades in data.items()}


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    return sum(1 for d in ranked[:k] if grades.get(d, 0) >= 2) / k


class BM25:
    """Okapi BM25 over plain lower-cased words: what a funder's search box does."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.tf = {d: Counter(tokens(t)) for d, t in docs.items()}
        self.len = {d: sum(c.values()) for d, c in self.tf.items()}
        self.avg = sum(self.len.values()) / len(self.len)
        df: Counter[str] = Counter()
        for c in self.tf.values():
            df.update(c.keys())
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def score(self, doc: str, query: list[str]) -> float:
        tf, total = self.tf[doc], 0.0
        for w in query:
            f = tf.get(w, 0)
            if f:
                norm = f + self.k1 * (1 - self.b + self.b * self.len[doc] / self.avg)
                total += self.idf.get(w, 0) * f * (self.k1 + 1) / norm
        return total


def evaluate() -> dict:
    rules = rules_mod.load(ROOT / "rules")
    docs = load_docs()
    labels = load_labels()
    missing = set(labels) ^ set(docs)
    if missing:
        raise SystemExit(f"labels and documents differ: {sorted(missing)[:5]}")
    matcher = Matcher(rules)
    analyses = {d: matcher.analyse(call_fields(f)) for d, f in docs.items()}
    df: Counter[str] = Counter()
    for a in analyses.values():
        df.update(a.terms())
    factors = common_factors(df, len(docs))
    scores = {d: score(a, factors) for d, a in analyses.items()}
    bm25 = BM25({d: f"{f.get('title', '')} {f.get('description', '')}" for d, f in docs.items()})
    results = {}
    for tid, theme in rules.themes.items():
        grades = {d: g.get(tid, 0) for d, g in labels.items()}
        ours = sorted(docs, key=lambda d: (-(scores[d][tid].score if tid in scores[d] else 0), d))
        query = tokens(f"{theme.label_sv} {theme.label_en}")
        base = sorted(docs, key=lambda d: (-bm25.score(d, query), d))
        results[tid] = {
            "relevant": sum(1 for g in grades.values() if g >= 2),
            "ndcg10": round(ndcg_at(ours, grades), 3),
            "p10": round(precision_at(ours, grades), 3),
            "baseline_ndcg10": round(ndcg_at(base, grades), 3),
            "baseline_p10": round(precision_at(base, grades), 3),
        }
    mean = {
        k: round(sum(r[k] for r in results.values()) / len(results), 3)
        for k in ("ndcg10", "p10", "baseline_ndcg10", "baseline_p10")
    }
    return {"calls": len(docs), "themes": results, "mean": mean}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    out = evaluate()
    if ap.parse_args().json:
        print(json.dumps(out, indent=2))
        return
    print(f"{out['calls']} labelled calls\n")
    print(
        f"{'theme':20} {'rel':>4} {'nDCG@10':>8} {'P@10':>6} {'BM25 nDCG@10':>13} {'BM25 P@10':>10}"
    )
    for tid, r in out["themes"].items():
        print(
            f"{tid:20} {r['relevant']:>4} {r['ndcg10']:>8.3f} {r['p10']:>6.2f} "
            f"{r['baseline_ndcg10']:>13.3f} {r['baseline_p10']:>10.2f}"
        )
    m = out["mean"]
    print(
        f"{'mean':20} {'':>4} {m['ndcg10']:>8.3f} {m['p10']:>6.2f} {m['baseline_ndcg10']:>13.3f} "
        f"{m['baseline_p10']:>10.2f}"
    )


if __name__ == "__main__":
    main()
