"""Evaluate theme and municipality ranking on the labelled development set (tests/eval/).

Items: tests/eval/pool_themes.jsonl (real call texts, GDP records, listing cards, pages; each
with `split` tune or heldout) plus the ten calls of the offline recordings (tune).
Labels: the independent labels labels_themes_T1.jsonl and labels_themes_T2.jsonl (grades 0-3 per
theme and whether a municipality may apply; where both labellers labelled an item, the grades
are averaged), and for the items they do not cover the older labels.toml (written by the
original rule author; those items are all tune).

For each split separately:
- per theme: every item of the split ranked by callwatch's theme score, and by a search-box
  baseline (BM25 over title + text, the theme's Swedish and English name as the query);
  nDCG@10 (gain 2^grade - 1) and P@10 (relevant = grade >= 2);
- per municipality profile m: gain on call c = max over themes t of label_t(c) x weight of t in
  rules/kommuner/m.toml, and 0 where the labels say a municipality may not apply (kommun = "no";
  averaged over the labellers); callwatch ranks by the profile's relevance x eligibility factor
  (as `rank --kommun` does before deadline and size: the facts extraction's "may a
  municipality apply" yes/no beats the matcher's phrase verdict, a call outside the profile's
  region counts as not eligible), the baseline by the sum over themes of
  weight x BM25(theme name); relevant = gain >= 1.5.

    python scripts/evaluate.py [--json] [--split tune|heldout] [--diagnose THEME|KOMMUN]
    python scripts/evaluate.py --pool NAME[+NAME...] [--json] [--diagnose ...]  (NAME: a key of POOLS)

--pool reads one of the later pools alone (POOLS; each with its own two labellers' files). Every
pool was evaluated once untouched and then became development data, except the held-out ones
(POOLS' third field: fresh6, fresh9, fresh9nd, fresh10). --diagnose prints the top ten and the
relevant items missed of a development pool (pool_themes: its tune split, or --split heldout);
it refuses a held-out pool, whose texts and labels are never printed, so rules can be written
without reading them.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callwatch import rules as rules_mod  # noqa: E402
from callwatch import sources  # noqa: E402
from callwatch.facts import extract  # noqa: E402
from callwatch.match import Matcher, call_fields, common_factors, score  # noqa: E402
from callwatch.priority import (  # noqa: E402
    ELIGIBILITY_FACTORS,
    MAY_APPLY,
    profile_relevance,
    region_check,
)
from callwatch.text import MAX_TOKEN, normalise  # noqa: E402

EVAL = ROOT / "tests" / "eval"
SHORT = {
    "dig": "digitalisering", "bos": "bostadsbyggande", "soc": "social-hallbarhet",
    "med": "medborgardialog", "mob": "mobilitet", "kli": "klimat", "kon": "konsumtion",
}  # fmt: skip
NOW = datetime(2026, 11, 27, tzinfo=UTC)
SPLITS = ("tune", "heldout")
RELEVANT_GRADE = 2.0
RELEVANT_GAIN = 1.5
FEW = 5  # fewer relevant items than this in a split: the figure is not stable


# Pools read alone, each with its own collection statistics: file, labels, and whether it is
# held out (never read while writing rules: aggregate figures only, no --diagnose).
POOLS = {
    # the second pool: held out from 2026-11-28 (first round) until its aggregate had been
    # looked at three times; development data since the third round
    "fresh": ("pool_fresh.jsonl", ("labels_fresh_T1.jsonl", "labels_fresh_T2.jsonl"), False),
    # the third pool (third round): real calls found in other public repositories and stored
    # public pages; reported once, untouched, then development data
    "fresh2": ("pool_fresh2.jsonl", ("labels_fresh2_T1.jsonl", "labels_fresh2_T2.jsonl"), False),
    # the fourth pool (third round, later): funders' own call pages; reported once, untouched,
    # then development data
    "fresh3": ("pool_fresh3.jsonl", ("labels_fresh3_T1.jsonl", "labels_fresh3_T2.jsonl"), False),
    # the fifth pool (third round): funders' own call pages; reported once, untouched, then
    # development data
    "fresh4": ("pool_fresh4.jsonl", ("labels_fresh4_T1.jsonl", "labels_fresh4_T2.jsonl"), False),
    # the sixth pool (third round): funders' own call pages, many of them local grants;
    # evaluated once, untouched, then read: the last fix (named municipalities) came from it
    "fresh5": ("pool_fresh5.jsonl", ("labels_fresh5_T1.jsonl", "labels_fresh5_T2.jsonl"), False),
    # the seventh pool (third round, last): held out; evaluated before and after the last fix
    "fresh6": ("pool_fresh6.jsonl", ("labels_fresh6_T1.jsonl", "labels_fresh6_T2.jsonl"), True),
    # the eighth pool (fourth round): Swedish, Nordic and EU funders' call pages and EU Funding &
    # Tenders topics; evaluated once, untouched (0829b7f), then development data
    "fresh7": ("pool_fresh7.jsonl", ("labels_fresh7_T1.jsonl", "labels_fresh7_T2.jsonl"), False),
    # the ninth pool (fourth round): Länsstyrelser, regions and other Swedish public funders' call
    # pages; British, European, North American and international funders' pages; evaluated once,
    # untouched (68a8b9f), then development data
    "fresh8": ("pool_fresh8.jsonl", ("labels_fresh8_T1.jsonl", "labels_fresh8_T2.jsonl"), False),
    # the tenth pool (fourth round, last), held out, split by language before any figure: Swedish
    # and English pages (Swedish research and innovation programmes; Finnish, Nordic and Baltic
    # funders), and Norwegian and Danish ones (fylkeskommuner, directorates, regions, kommuner)
    "fresh9": ("pool_fresh9.jsonl", ("labels_fresh9_T1.jsonl", "labels_fresh9_T2.jsonl"), True),
    "fresh9nd": (
        "pool_fresh9nd.jsonl",
        ("labels_fresh9nd_T1.jsonl", "labels_fresh9nd_T2.jsonl"),
        True,
    ),
    # the eleventh pool (fourth round, after the last rule change): EU Funding & Tenders topics
    # from a public snapshot of the portal's API, and Swedish calls found by what they fund;
    # held out, evaluated once on the final rules
    "fresh10": ("pool_fresh10.jsonl", ("labels_fresh10_T1.jsonl", "labels_fresh10_T2.jsonl"), True),
}


def load_pool(
    name: str,
) -> tuple[dict[str, dict], dict[str, str], dict[str, dict[str, float]], dict]:
    """One of POOLS (or several joined by "+", read as one pool) with its two labellers' labels:
    docs, split (the pool's name), grades and the share of labellers who did not say a
    municipality may not apply."""
    docs: dict[str, dict] = {}
    split: dict[str, str] = {}
    grades: dict[str, dict[str, float]] = {}
    may: dict[str, float] = {}
    for part in name.split("+"):
        file, labels, _ = POOLS[part]
        for line in (EVAL / file).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["id"] in docs:  # pools joined by "+" must not share an item
                raise SystemExit(f"{file}: item {r['id']!r} is also in another pool of {name}")
            docs[r["id"]] = {"title": r["title"], "description": r["text"]}
            split[r["id"]] = name
        g, m = _labels(labels)
        grades.update(g)
        may.update(m)
    return docs, split, grades, may


def _labels(names: tuple[str, ...]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    grades: dict[str, dict[str, float]] = {}
    may: dict[str, float] = {}
    new: dict[str, list[dict]] = {}
    for name in names:
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                new.setdefault(r["id"], []).append(r)
    for doc, rows in new.items():
        grades[doc] = {t: sum(r.get(k, 0) for r in rows) / len(rows) for k, t in SHORT.items()}
        may[doc] = sum(r.get("kommun") != "no" for r in rows) / len(rows)
    return grades, may


def load_docs() -> tuple[dict[str, dict], dict[str, str]]:
    """id -> call fields and id -> split, from the item pool and the offline recordings."""
    docs: dict[str, dict] = {}
    split: dict[str, str] = {}
    for line in (EVAL / "pool_themes.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs[r["id"]] = {"title": r["title"], "description": r["text"]}
        split[r["id"]] = r["split"]
    specs = {s.id: s for s in sources.load_all(ROOT / "sources")}
    rec = ROOT / "callwatch" / "recordings"
    for source in ("eu-ft", "vinnova"):
        index = json.loads((rec / source / "index.json").read_text())
        for entry in index["entries"].values():
            body = (rec / source / entry["file"]).read_bytes()
            for c in specs[source].adapter().parse(specs[source], body, NOW):
                docs[c.id] = c.to_dict()
                split[c.id] = "tune"
    return docs, split


def load_labels() -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Graded labels per item and theme, and per item the share of labellers who said a
    municipality may take part (1.0 where nobody said)."""
    grades, may = _labels(("labels_themes_T1.jsonl", "labels_themes_T2.jsonl"))
    old = tomllib.loads((EVAL / "labels.toml").read_text(encoding="utf-8"))["labels"]
    for doc, g in old.items():
        if doc not in grades:
            grades[doc] = {SHORT[k]: float(v) for k, v in g.items()}
            may[doc] = 1.0
    return grades, may


def ndcg_at(ranked: list[str], gains: dict[str, float], k: int = 10) -> float:
    dcg = sum((2 ** gains.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision_at(ranked: list[str], gains: dict[str, float], cut: float, k: int = 10) -> float:
    return sum(1 for d in ranked[:k] if gains.get(d, 0) >= cut) / k


def words(text: str) -> list[str]:
    """Plain lower-cased words, as a search box splits them: the baseline does not share
    callwatch's analyser, so its figures stay put when the analyser changes."""
    return [
        t
        for t in re.findall(r"[0-9a-zåäöéèüæøßàáâêëïîôçñ]+", normalise(text))
        if len(t) <= MAX_TOKEN
    ]


class BM25:
    """Okapi BM25 over plain lower-cased words: what a funder's search box does."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.tf = {d: Counter(words(t)) for d, t in docs.items()}
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


def _ranked(ids: list[str], key: dict[str, float]) -> list[str]:
    return sorted(ids, key=lambda d: (-key.get(d, 0.0), d))


def _row(ours: list[str], base: list[str], gains: dict[str, float], cut: float) -> dict:
    return {
        "relevant": sum(1 for g in gains.values() if g >= cut),
        "ndcg10": round(ndcg_at(ours, gains), 3),
        "p10": round(precision_at(ours, gains, cut), 3),
        "baseline_ndcg10": round(ndcg_at(base, gains), 3),
        "baseline_p10": round(precision_at(base, gains, cut), 3),
        "few": sum(1 for g in gains.values() if g >= cut) < FEW,
        # no relevant item: nDCG and P@10 say nothing (0 or a ranking of grade-1 items), so the
        # row is shown as n/a and left out of the means rather than counted as 0
        "undefined": not any(g >= cut for g in gains.values()),
    }


def _mean(rows: dict[str, dict]) -> dict:
    """Means over the rows that have a relevant item (n/a rows are left out, not counted 0)."""
    keys = ("ndcg10", "p10", "baseline_ndcg10", "baseline_p10")
    rows = {k: r for k, r in rows.items() if not r["undefined"]}
    if not rows:
        return {k: None for k in keys}
    return {k: round(sum(r[k] for r in rows.values()) / len(rows), 3) for k in keys}


def compute(pool: str = "themes") -> dict:
    """Everything the report needs, per item (scores, labels); evaluate() aggregates it.
    A pool of POOLS is read alone (its own collection statistics)."""
    rules = rules_mod.load(ROOT / "rules")
    if pool != "themes":
        docs, split, grades, may = load_pool(pool)
    else:
        docs, split = load_docs()
        grades, may = load_labels()
    unlabelled = set(docs) - set(grades)
    if unlabelled:
        raise SystemExit(f"items without labels: {sorted(unlabelled)[:5]}")
    matcher = Matcher(rules)
    analyses = {d: matcher.analyse(call_fields(f)) for d, f in docs.items()}
    for d, f in docs.items():
        _as_ranked(analyses[d], f, rules)
    df: Counter[str] = Counter()
    for a in analyses.values():
        df.update(a.terms())
    factors = common_factors(df, len(docs))
    scores = {d: score(a, factors) for d, a in analyses.items()}
    texts = {d: f"{f.get('title', '')} {f.get('description', '')}" for d, f in docs.items()}
    bm25 = BM25(texts)
    base = {
        tid: {d: bm25.score(d, words(f"{t.label_sv} {t.label_en}")) for d in docs}
        for tid, t in rules.themes.items()
    }
    return {
        "rules": rules,
        "docs": docs,
        "split": split,
        "grades": grades,
        "may": may,
        "analyses": analyses,
        "scores": {d: {t: s.score for t, s in sc.items()} for d, sc in scores.items()},
        "evidence": {d: {t: s.evidence for t, s in sc.items()} for d, sc in scores.items()},
        "base": base,
    }


def _as_ranked(analysis, call: dict, rules) -> None:
    """Eligibility as `rank --kommun` sees it: the facts extraction's yes/no beats the matcher's
    phrase verdict (scoring.py), a call outside the municipality's region is not eligible."""
    may = call.get("municipality_may_apply")
    if may not in MAY_APPLY:
        parts = [call.get("summary"), call.get("description")]
        if call.get("eligibility"):
            parts.append("Vem kan söka?: " + call["eligibility"])
        text = "\n\n".join(p for p in parts if p)
        may = extract(call.get("title") or "", text, as_of=NOW.date()).municipality_may_apply
    if may in MAY_APPLY:
        analysis.eligibility = MAY_APPLY[may]
    for pid, profile in rules.profiles.items():
        outside = region_check(call.get("extra") or {}, profile)
        if outside:
            analysis.profiles.setdefault(pid, {})["o"] = outside


def profile_gains(c: dict, pid: str) -> dict[str, float]:
    weights = c["rules"].profiles[pid].weights
    return {
        d: c["may"][d] * max((g.get(t, 0) * w for t, w in weights.items()), default=0.0)
        for d, g in c["grades"].items()
    }


def profile_scores(c: dict, pid: str) -> dict[str, float]:
    weights = c["rules"].profiles[pid].weights
    out = {}
    for d, a in c["analyses"].items():
        facts = a.profiles.get(pid, {})
        rel = profile_relevance(c["scores"][d], weights, facts)
        out[d] = rel * ELIGIBILITY_FACTORS["not eligible" if facts.get("o") else a.eligibility]
    return out


def evaluate(splits: tuple[str, ...] = SPLITS, pool: str = "themes") -> dict:
    c = compute(pool)
    rules = c["rules"]
    out: dict = {"items": {s: sum(1 for v in c["split"].values() if v == s) for s in splits}}
    for s in splits:
        ids = [d for d in c["docs"] if c["split"][d] == s]
        themes = {}
        for tid in rules.themes:
            gains = {d: c["grades"][d].get(tid, 0.0) for d in ids}
            ours = _ranked(ids, {d: c["scores"][d].get(tid, 0.0) for d in ids})
            themes[tid] = _row(ours, _ranked(ids, c["base"][tid]), gains, RELEVANT_GRADE)
        profiles = {}
        for pid, p in rules.profiles.items():
            gains = {d: g for d, g in profile_gains(c, pid).items() if d in set(ids)}
            ours = _ranked(ids, profile_scores(c, pid))
            base = {d: sum(w * c["base"][t][d] for t, w in p.weights.items()) for d in ids}
            profiles[pid] = _row(ours, _ranked(ids, base), gains, RELEVANT_GAIN)
        stable = {k: r for k, r in themes.items() if not r["few"]}
        out[s] = {
            "themes": themes,
            "themes_mean": _mean(themes),
            "themes_mean_stable": _mean(stable),  # themes with at least FEW relevant items
            "profiles": profiles,
            "profiles_mean": _mean(profiles),
        }
    return out


def held_out() -> list[str]:
    """The pools whose items and labels are never printed (POOLS' third field)."""
    return [p for p, (_, _, held) in POOLS.items() if held]


def check_pool(pool: str) -> None:
    """Refuse a pool name that is neither "themes" nor POOLS keys joined by "+"."""
    if pool != "themes" and not all(p in POOLS for p in pool.split("+")):
        raise ValueError(
            f"unknown pool {pool!r}: themes or " + ", ".join(POOLS) + ", joined by '+'"
        )


def diagnose(name: str, pool: str = "themes", split: str | None = None) -> None:
    """Top ten and missed relevant development items for one theme or municipality profile."""
    check_pool(pool)
    if any(p in held_out() for p in pool.split("+")):
        raise SystemExit(f"pool {pool} is held out: its items are never printed")
    c = compute(pool)
    rules = c["rules"]
    dev = (split or "tune") if pool == "themes" else pool
    ids = [d for d in c["docs"] if c["split"][d] == dev]  # never the held-out items
    if name in rules.themes:
        key = {d: c["scores"][d].get(name, 0.0) for d in ids}
        gains = {d: c["grades"][d].get(name, 0.0) for d in ids}
        cut = RELEVANT_GRADE
    else:
        pid = rules.profile(name).id
        key = {d: v for d, v in profile_scores(c, pid).items() if d in set(ids)}
        gains = {d: g for d, g in profile_gains(c, pid).items() if d in set(ids)}
        cut = RELEVANT_GAIN
    ranked = _ranked(ids, key)
    print(f"{name}: tune nDCG@10 {ndcg_at(ranked, gains):.3f}\n")
    theme = name if name in rules.themes else None

    def show(d: str, i: int) -> None:
        ev = c["evidence"][d].get(theme, [])[:5] if theme else []
        print(
            f"{i:>3} {key.get(d, 0):.3f} gain {gains.get(d, 0):.1f}  {d}  {c['docs'][d]['title'][:70]}"
        )
        if ev:
            print("      " + ", ".join(f"{e[0]}({e[1][:1]}) {e[2]}" for e in ev))

    for i, d in enumerate(ranked[:10], 1):
        show(d, i)
    print("\nrelevant below the top ten:")
    for i, d in enumerate(ranked, 1):
        if i > 10 and gains.get(d, 0) >= cut:
            show(d, i)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--diagnose", metavar="THEME_OR_KOMMUN")
    ap.add_argument("--split", choices=SPLITS, help="only this split (default: both)")
    ap.add_argument(
        "--pool",
        default="themes",
        help="themes (default), or one of " + ", ".join(POOLS) + ": later pools, each evaluated "
        "once untouched; the held-out ones (" + ", ".join(held_out()) + ") give aggregate "
        "figures only, no --diagnose; several joined by '+' are read as one pool "
        "(fresh9+fresh9nd: the last held-out pool whole)",
    )
    args = ap.parse_args()
    try:
        check_pool(args.pool)
    except ValueError as e:
        ap.error(str(e))
    if args.split and args.pool != "themes":
        ap.error("--split applies to the themes pool only")
    if args.diagnose:
        diagnose(args.diagnose, args.pool, args.split)
        return
    if args.pool != "themes":
        splits: tuple[str, ...] = (args.pool,)
    else:
        splits = (args.split,) if args.split else SPLITS
    out = evaluate(splits, args.pool)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for s in splits:
        print(f"== {s}: {out['items'][s]} items ==")
        for what in ("themes", "profiles"):
            print(
                f"{what[:-1]:22} {'rel':>4} {'nDCG@10':>8} {'P@10':>6} {'BM25 nDCG@10':>13} "
                f"{'BM25 P@10':>10}"
            )
            for k, r in out[s][what].items():
                few = "  (few relevant: unstable)" if r["few"] else ""
                if r["undefined"]:
                    print(f"{k:22} {0:>4} {'n/a':>8}  (no relevant item: left out of the mean)")
                    continue
                print(
                    f"{k:22} {r['relevant']:>4} {r['ndcg10']:>8.3f} {r['p10']:>6.2f} "
                    f"{r['baseline_ndcg10']:>13.3f} {r['baseline_p10']:>10.2f}{few}"
                )
            means = [("mean", out[s][f"{what}_mean"])]
            if what == "themes":
                means.append((f"mean, {FEW}+ relevant", out[s]["themes_mean_stable"]))
            for label, m in means:
                if m["ndcg10"] is None:
                    print(f"{label:22} {'':>4} {'n/a':>8}")
                    continue
                print(
                    f"{label:22} {'':>4} {m['ndcg10']:>8.3f} {m['p10']:>6.2f} "
                    f"{m['baseline_ndcg10']:>13.3f} {m['baseline_p10']:>10.2f}"
                )
            print()


if __name__ == "__main__":
    main()
