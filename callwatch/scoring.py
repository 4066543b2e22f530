"""Precomputed scores: theme relevance and eligibility are computed once per call version and
rules version and stored in call_scores with their evidence. Ranking only reads them.

A call is re-scored when its content hash or the rules hash changes. The down-weighting of very
common terms depends on the whole collection; when the set of down-weighted terms changes, every
call is re-scored so all scores stay comparable.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: read commands do not pay sqlite_utils' import
    import sqlite_utils

from callwatch import clock, merge, store
from callwatch.priority import MAY_APPLY, profile_relevance, region_check, size_factor
from callwatch.rules import Rules


@dataclass
class RefreshStats:
    scored: int
    total: int
    full: bool


def refresh(db: sqlite_utils.Database, rules: Rules) -> RefreshStats:
    """Bring call_scores up to date with the calls and the rules; returns what was done."""
    version = f"{store.get_meta(db, 'data_version') or 0}:{rules.hash}"
    if store.get_meta(db, "scored_version") == version:
        return RefreshStats(0, -1, False)  # nothing changed since the last refresh
    stale = db.execute(
        "SELECT (SELECT count(*) FROM calls c LEFT JOIN call_scores s ON s.call_id = c.id "
        "WHERE s.call_id IS NULL OR s.content_hash IS NOT c.content_hash OR s.rules_hash IS NOT ?)"
        " + (SELECT count(*) FROM call_scores WHERE call_id NOT IN (SELECT id FROM calls))",
        [rules.hash],
    ).fetchone()[0]
    if not stale:
        store.set_meta(db, "scored_version", version)
        return RefreshStats(0, store.call_count(db), False)
    # imported here: the text analysis (stemmers) is only needed when something must be scored
    from callwatch.match import Analysis, Matcher, call_fields, common_factors, score

    current = {r[0]: r[1] for r in db.execute("SELECT id, content_hash FROM calls")}
    stored = {
        r[0]: (r[1], r[2], r[3])
        for r in db.execute("SELECT call_id, content_hash, rules_hash, terms FROM call_scores")
    }
    pending = [
        cid
        for cid, h in current.items()
        if cid not in stored or stored[cid][0] != h or stored[cid][1] != rules.hash
    ]
    if not pending and not (set(stored) - set(current)):
        return RefreshStats(0, len(current), False)
    matcher = Matcher(rules)
    analyses: dict[str, Analysis] = {}
    facts: dict[str, tuple[dict, float]] = {}
    merged = merge.load(db)  # a linked call is scored on the best facts of all its listings

    def analyse(ids: list[str]) -> None:
        for chunk in _chunks(ids, 500):
            cur = db.execute(
                f"SELECT * FROM calls WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
            cols = [c[0] for c in cur.description]
            for row in cur.fetchall():
                call = merge.overlay(store.row_to_dict(dict(zip(cols, row, strict=True))), merged)
                analysis = matcher.analyse(call_fields(call))
                verdict = MAY_APPLY.get(call.get("municipality_may_apply") or "")
                if verdict:  # the facts extraction's answer beats the matcher's phrase hint
                    analysis.eligibility = verdict
                    analysis.eligibility_evidence = [
                        f"municipality may apply: {call['municipality_may_apply']} (call facts)",
                        *analysis.eligibility_evidence,
                    ]
                for pid, profile in rules.profiles.items():
                    outside = region_check(call["extra"] or {}, profile)
                    if outside:
                        analysis.profiles.setdefault(pid, {})["o"] = outside
                analyses[call["id"]] = analysis
                size, _ = size_factor(
                    call["budget_amount"], call["budget_currency"], None,
                    call.get("max_per_project"),
                )  # fmt: skip
                facts[call["id"]] = (analysis.profiles, size)

    analyse(pending)
    doc_freq: Counter[str] = Counter()
    for cid in current:
        if cid in analyses:
            doc_freq.update(analyses[cid].terms())
        elif cid in stored:
            doc_freq.update(json.loads(stored[cid][2] or "[]"))
    factors = common_factors(doc_freq, len(current))
    fingerprint = f"{rules.hash}:{json.dumps(sorted(factors.items()))}"
    full = store.get_meta(db, "score_fingerprint") != fingerprint
    if full and len(analyses) < len(current):
        analyse([c for c in current if c not in analyses])
    now = clock.now().isoformat()
    rows = []
    theme_rows: list[tuple] = []
    profile_rows: list[tuple] = []
    for cid, analysis in analyses.items():
        themes = score(analysis, factors)
        for t, ts in themes.items():
            if ts.score > 0:
                theme_rows.append((t, cid, ts.score))
        values = {t: ts.score for t, ts in themes.items()}
        for pid, profile in rules.profiles.items():
            rel = profile_relevance(values, profile.weights, analysis.profiles.get(pid, {}))
            if rel > 0:
                profile_rows.append((pid, cid, rel))
        rows.append(
            (
                cid,
                current[cid],
                rules.hash,
                json.dumps({t: s.score for t, s in themes.items()}),
                json.dumps({t: s.evidence for t, s in themes.items()}, ensure_ascii=False),
                analysis.eligibility,
                json.dumps(analysis.eligibility_evidence, ensure_ascii=False),
                json.dumps(analysis.terms(), ensure_ascii=False),
                json.dumps(analysis.excluded, ensure_ascii=False),
                now,
                json.dumps(facts[cid][0], ensure_ascii=False),
                facts[cid][1],
            )
        )
    with store.transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO call_scores (call_id, content_hash, rules_hash, themes, "
            "evidence, eligibility, eligibility_evidence, terms, excluded, scored_at, profiles, "
            "size_factor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.conn.execute("DELETE FROM call_scores WHERE call_id NOT IN (SELECT id FROM calls)")
        for table in ("theme_scores", "profile_scores"):
            if full:
                db.conn.execute(f"DELETE FROM {table}")
            else:
                db.conn.executemany(
                    f"DELETE FROM {table} WHERE call_id = ?", [(cid,) for cid in analyses]
                )
                db.conn.execute(f"DELETE FROM {table} WHERE call_id NOT IN (SELECT id FROM calls)")
        db.conn.executemany("INSERT INTO theme_scores VALUES (?, ?, ?)", theme_rows)
        db.conn.executemany("INSERT INTO profile_scores VALUES (?, ?, ?)", profile_rows)
        db.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('score_fingerprint', ?)",
            [fingerprint],
        )
        db.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('scored_version', ?)", [version]
        )
    return RefreshStats(len(rows), len(current), full)


def _chunks(items: list[str], size: int):  # noqa: ANN202
    for i in range(0, len(items), size):
        yield items[i : i + size]


def closing_candidates(
    db: sqlite_utils.Database,
    profile_id: str,
    start: str,
    end: str,
    min_relevance: float,
    limit: int,
) -> list[str]:
    """Ids of calls relevant to a profile (relevance >= min_relevance) whose stored next
    deadline is in [start, end), soonest first: the few candidates a "closing soon" list needs
    to evaluate. CROSS JOIN and "+" keep SQLite on the next-deadline index."""
    rows = db.execute(
        "SELECT c.id FROM calls c CROSS JOIN profile_scores ps ON ps.profile = ? AND ps.call_id = c.id "
        "WHERE c.next_deadline >= ? AND c.next_deadline < ? AND +c.duplicate_of IS NULL "
        "AND ps.relevance >= ? ORDER BY c.next_deadline, c.id LIMIT ?",
        [profile_id, start, end, min_relevance, limit],
    ).fetchall()
    return [r[0] for r in rows]


def forget(db: sqlite_utils.Database, call_ids: set[str]) -> None:
    """Drop these calls' scores, so the next refresh scores them again (merge.py, when a call's
    merged facts changed). The caller holds the transaction."""
    db.conn.executemany("DELETE FROM call_scores WHERE call_id = ?", [(c,) for c in call_ids])


def stored_evidence(db: sqlite_utils.Database, ids: list[str]) -> dict[str, tuple]:
    """call id -> (theme evidence JSON, eligibility evidence JSON) as scored: what `explain`
    reads to say why, for exactly the calls it explains."""
    rows: dict[str, tuple] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for cid, *evidence in db.execute(
            "SELECT call_id, evidence, eligibility_evidence FROM call_scores "
            f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            rows[cid] = tuple(evidence)
    return rows
