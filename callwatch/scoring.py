"""Precomputed scores: theme relevance and eligibility are computed once per call version and
rules version and stored in call_scores with their evidence. Ranking only reads them.

A call is re-scored when its content hash or the rules hash changes. What the analyser found in
the text (match.Found: every term hit, before weights) is stored with the scores, per call
version and analyser version, so re-scoring does not repeat itself:
- a rules change that only moves weights (themes.toml, eligibility.toml, kommuner/*.toml)
  re-weighs the stored findings of every call without reading any text;
- a change of terms re-reads only the calls that can contain a changed term (term_index.py)
  and re-weighs the rest;
- a changed analyser (text.py, match.py) or a call without stored findings is read again.
The down-weighting of very common terms depends on the whole collection; when the set of
down-weighted terms changes, every call is re-scored so all scores stay comparable.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from callwatch.match import Analysis, Matcher
    from callwatch.store.db import Database

from callwatch import clock, merge, store
from callwatch.priority import MAY_APPLY, profile_relevance, region_check, size_factor
from callwatch.rules import Rules
from callwatch.term_index import analysed_terms, analysed_weights, analyser_version

CHUNK = 500
_MATCHERS: dict[tuple[str, str], Matcher] = {}  # the current rules' matcher (matcher() in refresh)


@dataclass
class RefreshStats:
    scored: int
    total: int
    full: bool
    read: int = 0  # calls whose text was analysed (the rest were re-weighed from findings)


def refresh(db: Database, rules: Rules) -> RefreshStats:
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
    analyser = analyser_version()
    terms_now = analysed_terms(rules)
    same_analyser = store.get_meta(db, "analyser_version") == analyser
    terms_before = json.loads(store.get_meta(db, "analysed_terms") or "null")
    current = store.content_hashes(db)
    # call id -> (content hash, rules hash, terms, findings stored)
    stored = {
        r[0]: (r[1], r[2], r[3], bool(r[4]))
        for r in db.execute(
            "SELECT call_id, content_hash, rules_hash, terms, analysis IS NOT NULL FROM call_scores"
        )
    }
    # the calls whose text must be read: new, changed, without findings, or all of them when
    # the analyser changed
    read = {
        cid
        for cid, h in current.items()
        if not same_analyser or cid not in stored or stored[cid][0] != h or not stored[cid][3]
    }
    if same_analyser and terms_before is not None and terms_before != terms_now:
        from callwatch import term_index

        maybe = term_index.candidates(db, terms_before, terms_now)
        read |= set(current) if maybe is None else maybe & set(current)
    reweigh = {c for c in current if c not in read and stored[c][1] != rules.hash}
    if not read and not reweigh and not (set(stored) - set(current)):
        return RefreshStats(0, len(current), False)
    weights_now = analysed_weights(rules)
    weights_before = json.loads(store.get_meta(db, "analysed_weights") or "null")
    factors_before = _factors_of(store.get_meta(db, "score_fingerprint"))
    # A call whose findings hold no term whose weight changed scores as before: only its rules
    # hash moves (and, when a municipality's theme weights changed, its relevance rows)
    untouched: set[str] = set()
    if (
        reweigh
        and weights_before is not None
        and factors_before is not None
        and weights_before.get("r") == weights_now["r"]  # a region moved: every "o" fact anew
    ):
        untouched = reweigh - _weighed_differently(db, reweigh, weights_before, weights_now)
    profiles_changed = weights_before is None or weights_before["p"] != weights_now["p"]
    # imported here: the text analysis (stemmers) is only needed when something must be scored
    from callwatch.match import Found, Matcher, call_fields, common_factors, score

    def matcher() -> Matcher:
        """Built on first use (the stemmers and lemma tables take seconds) and kept for the
        process: the same rules always make the same matcher."""
        key = (str(rules.folder), rules.hash)
        if key not in _MATCHERS:
            _MATCHERS.clear()  # one rules version at a time
            _MATCHERS[key] = Matcher(rules)
        return _MATCHERS[key]

    merged = merge.load(db)  # a linked call is scored on the best facts of all its listings
    fact_cols = _fact_columns(db)
    # Two passes keep memory flat: the first analyses (or re-weighs) each call only to learn
    # its terms, for the collection's term frequencies; the second re-weighs each call's
    # findings (cheap, no text) chunk by chunk and writes its scores.
    # the findings (match.Found JSON) of the calls read now wait for the second pass in a
    # temporary table, on disk: held in memory they were a large import's largest part
    db.conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS scoring_found (call_id TEXT PRIMARY KEY, analysis TEXT)"
    )
    db.conn.execute("DELETE FROM temp.scoring_found")
    # the calls whose terms are known from this refresh, their terms counted at once (not kept
    # per call: tens of thousands of lists of strings are most of a large import's memory)
    counted: set[str] = set()
    doc_freq: Counter[str] = Counter()

    def analyse(ids: list[str]) -> None:
        for chunk in _chunks(ids, CHUNK):
            found_rows = []
            for row in store.calls_by_id(db, chunk).values():
                call = merge.overlay(row, merged)
                found = matcher().find(call_fields(call))
                found_rows.append((call["id"], found.to_json()))
                doc_freq.update(matcher().weigh(found).terms())
                counted.add(call["id"])
            db.conn.executemany(
                "INSERT OR REPLACE INTO temp.scoring_found VALUES (?, ?)", found_rows
            )

    def weighed(ids: list[str], retry: bool = True) -> Iterator[tuple[str, Analysis, dict, str]]:
        """(id, analysis, call facts, findings) from findings, no text read. A finding naming
        a term the rules no longer have (term_index would have caught it) has its call read."""
        for chunk in _chunks(ids, CHUNK):
            cur = db.execute(
                f"SELECT c.id, c.extra, c.budget_amount, c.budget_currency{fact_cols}, "
                "coalesce(f.analysis, s.analysis) AS analysis FROM calls c "
                "LEFT JOIN call_scores s ON s.call_id = c.id "
                "LEFT JOIN temp.scoring_found f ON f.call_id = c.id "
                f"WHERE c.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            cols = [c[0] for c in cur.description]
            again: list[str] = []
            for row in cur.fetchall():
                call = merge.overlay(store.row_to_dict(dict(zip(cols, row, strict=True))), merged)
                blob = call["analysis"]  # found now, else as stored
                try:
                    analysis = matcher().weigh(Found.from_json(blob))
                except (KeyError, ValueError, TypeError):
                    if not retry:
                        raise
                    again.append(call["id"])
                    continue
                yield call["id"], analysis, call, blob
            if again:
                analyse(again)
                yield from weighed(again, retry=False)

    analyse([c for c in current if c in read])  # in storage order, as before
    heavy = reweigh - untouched
    for cid, analysis, _, _ in weighed([c for c in current if c in heavy]):
        if cid not in counted:  # (a call whose findings failed was counted when read again)
            doc_freq.update(analysis.terms())
            counted.add(cid)
    for cid in current:
        if cid not in counted and cid in stored:
            doc_freq.update(json.loads(stored[cid][2] or "[]"))
    factors = common_factors(doc_freq, len(current))
    fingerprint = f"{rules.hash}:{json.dumps(sorted(factors.items()))}"
    full = store.get_meta(db, "score_fingerprint") != fingerprint
    if full and factors_before is not None:
        # the down-weighting moved for some terms: exactly the calls holding them score anew
        moved = {
            t
            for t in set(factors) | set(factors_before)
            if factors.get(t, 1.0) != factors_before.get(t, 1.0)
        }
        hit = {c for c in current if c not in counted and moved & set(_stored_terms(stored, c))}
        untouched -= hit
        todo = [c for c in current if c in counted or c in hit]
    else:
        untouched = set() if full else untouched
        todo = [c for c in current if c in counted or (full and c not in untouched)]
    todo = [c for c in todo if c not in untouched]
    counted.clear()
    now = clock.now().isoformat()
    scored = 0
    with store.transaction(db):
        for table in ("theme_scores", "profile_scores"):
            _delete_rows(db, table, todo)
        db.conn.execute("DELETE FROM theme_scores WHERE call_id NOT IN (SELECT id FROM calls)")
        db.conn.execute("DELETE FROM profile_scores WHERE call_id NOT IN (SELECT id FROM calls)")
        scored += _move_untouched(
            db, rules, [c for c in current if c in untouched], profiles_changed, now
        )
        rows: list[tuple] = []
        theme_rows: list[tuple] = []
        profile_rows: list[tuple] = []
        for cid, analysis, call, blob in weighed(todo):
            profiles, size = _with_facts(analysis, call, rules)
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
                    json.dumps(profiles, ensure_ascii=False),
                    size,
                    blob,
                )
            )
            if len(rows) >= CHUNK:
                scored += _write(db, rows, theme_rows, profile_rows)
        scored += _write(db, rows, theme_rows, profile_rows)
        db.conn.execute("DELETE FROM call_scores WHERE call_id NOT IN (SELECT id FROM calls)")
        for key, value in (
            ("score_fingerprint", fingerprint),
            ("scored_version", version),
            ("analyser_version", analyser),
            ("analysed_terms", json.dumps(terms_now, ensure_ascii=False)),
            ("analysed_weights", json.dumps(weights_now, ensure_ascii=False)),
        ):
            store.set_meta(db, key, value)  # inside this transaction
    analysed = db.execute("SELECT count(*) FROM temp.scoring_found").fetchone()[0]
    db.conn.execute("DELETE FROM temp.scoring_found")
    return RefreshStats(scored, len(current), full, read=analysed)


def _write(
    db: Database, rows: list[tuple], theme_rows: list[tuple], profile_rows: list[tuple]
) -> int:
    """Write one chunk of scores and empty the lists; returns how many calls it held."""
    db.conn.executemany(
        "INSERT OR REPLACE INTO call_scores (call_id, content_hash, rules_hash, themes, "
        "evidence, eligibility, eligibility_evidence, terms, excluded, scored_at, profiles, "
        "size_factor, analysis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.conn.executemany("INSERT INTO theme_scores VALUES (?, ?, ?)", theme_rows)
    db.conn.executemany("INSERT INTO profile_scores VALUES (?, ?, ?)", profile_rows)
    n = len(rows)
    rows.clear()
    theme_rows.clear()
    profile_rows.clear()
    return n


def _factors_of(fingerprint: str | None) -> dict[str, float] | None:
    """The down-weighting factors a stored score fingerprint ("rules hash:json") was made with."""
    if not fingerprint or ":" not in fingerprint:
        return None
    try:
        return {t: f for t, f in json.loads(fingerprint.split(":", 1)[1])}
    except (ValueError, TypeError):
        return None


def _stored_terms(stored: dict, cid: str) -> list[str]:
    entry = stored.get(cid)
    return json.loads(entry[2] or "[]") if entry else []


def _weighed_differently(db: Database, ids: set[str], before: dict, now: dict) -> set[str]:
    """The calls whose findings hold a theme term or eligibility phrase whose weight changed
    (found as the term's place in the findings JSON, match.Found.to_json)."""
    import re

    def key(a: str, b: str) -> str:
        return json.dumps([a, b], ensure_ascii=False, separators=(",", ":"))[:-1] + ","

    pieces = [
        key(*k.split("|", 1))
        for table in ("t", "e")
        for k in set(before[table]) | set(now[table])
        if before[table].get(k) != now[table].get(k)
    ]
    if not pieces:
        return set()
    pattern = re.compile("|".join(re.escape(p) for p in pieces))
    out: set[str] = set()
    wanted = sorted(ids)
    for chunk in _chunks(wanted, CHUNK):
        for cid, blob in db.execute(
            "SELECT call_id, analysis FROM call_scores "
            f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            if not blob or pattern.search(blob):
                out.add(cid)
    return out


def _move_untouched(
    db: Database, rules: Rules, ids: list[str], profiles_changed: bool, now: str
) -> int:
    """Calls whose scores are as before: the new rules hash, and their relevance per
    municipality again from their stored theme scores when those weights changed."""
    db.conn.executemany(
        "UPDATE call_scores SET rules_hash = ?, scored_at = ? WHERE call_id = ?",
        [(rules.hash, now, c) for c in ids],
    )
    if not profiles_changed:
        return len(ids)
    _delete_rows(db, "profile_scores", ids)  # one pass over the table for all of them
    for chunk in _chunks(ids, CHUNK):
        rows = []
        for cid, themes, profiles in db.execute(
            "SELECT call_id, themes, profiles FROM call_scores "
            f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            values = json.loads(themes or "{}")
            facts = json.loads(profiles or "{}")
            for pid, profile in rules.profiles.items():
                rel = profile_relevance(values, profile.weights, facts.get(pid, {}))
                if rel > 0:
                    rows.append((pid, cid, rel))
        db.conn.executemany("INSERT INTO profile_scores VALUES (?, ?, ?)", rows)
    return len(ids)


def _delete_rows(db: Database, table: str, ids: list[str]) -> None:
    """Delete the rows of these calls from theme_scores or profile_scores in one pass: their
    keys start with the theme or municipality, so a delete by call id alone scans the table,
    once per call when run per call."""
    if not ids:
        return
    db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS scoring_ids (id TEXT PRIMARY KEY)")
    db.conn.execute("DELETE FROM temp.scoring_ids")
    db.conn.executemany("INSERT OR IGNORE INTO temp.scoring_ids VALUES (?)", [(c,) for c in ids])
    db.conn.execute(f"DELETE FROM {table} WHERE call_id IN (SELECT id FROM temp.scoring_ids)")
    db.conn.execute("DELETE FROM temp.scoring_ids")


def _fact_columns(db: Database) -> str:
    """The facts migration's columns the scores read, where this database has them."""
    have = store.call_columns(db)
    return "".join(f", c.{c}" for c in ("max_per_project", "municipality_may_apply") if c in have)


def _with_facts(analysis: Analysis, call: dict, rules: Rules) -> tuple[dict, float]:
    """What the call's facts add to its analysis: the facts extraction's who-may-apply verdict,
    the regions it is open to; returns (per-municipality facts, size factor)."""
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
    size, _ = size_factor(
        call["budget_amount"], call["budget_currency"], None, call.get("max_per_project")
    )
    return analysis.profiles, size


def _chunks(items: list[str], size: int):  # noqa: ANN202
    for i in range(0, len(items), size):
        yield items[i : i + size]


def closing_candidates(
    db: Database,
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


def forget(db: Database, call_ids: set[str]) -> None:
    """Drop these calls' scores, so the next refresh scores them again (merge.py, when a call's
    merged facts changed). The caller holds the transaction."""
    db.conn.executemany("DELETE FROM call_scores WHERE call_id = ?", [(c,) for c in call_ids])


def stored_evidence(db: Database, ids: list[str]) -> dict[str, tuple]:
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
