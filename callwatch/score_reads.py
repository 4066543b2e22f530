"""Read queries on the score tables (call_scores, theme_scores, profile_scores), alone or joined
with calls, for the ranking read model, reports and exports.

A second owner of the score tables beside callwatch.scoring, which writes them: the reads live
here so that scoring.py stays under the module size limit. Only scoring.py writes these tables.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING

from callwatch.priority import bound_sql

if TYPE_CHECKING:
    import sqlite3

    from callwatch.store.db import Database


def theme_evidence(db: Database, ids: list[str]) -> dict[str, str]:
    """call id -> theme evidence JSON as scored, read 500 calls at a time: what a CSV or
    calendar export says about the words that matched, for exactly the calls it writes."""
    evidence: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        evidence.update(
            db.execute(
                "SELECT call_id, evidence FROM call_scores "
                f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return evidence


def ranking_candidates(
    db: Database,
    profile_id: str | None,
    theme_id: str | None,
    min_relevance: float,
    today: str,
    *,
    include_closed: bool,
    call_id: str | None,
    rest: str,
    exclude: Collection[str] = (),
) -> Iterator:
    """The calls relevant to a municipality (or a theme, when profile_id is None) in order of
    their best possible score (relevance), read from the score index, each with a cheap upper
    bound on its final score (priority.bound_sql): the column names first, then the rows as
    tuples. `rest`: further columns of calls `c` and call_scores `s`, each led by ", ".
    `exclude`: ids left out inside SQLite (one JSON parameter, looked up before the join), so
    a reader that skips thousands of calls does not step through them."""
    if profile_id is not None:
        src = "profile_scores ps"
        upper = "ps.relevance"
        where = ["ps.profile = ?", "ps.relevance >= ?", "c.duplicate_of IS NULL"]
        args: list = [profile_id, min_relevance]
    else:
        assert theme_id is not None
        src = "theme_scores ps"
        upper = "ps.score"
        where = ["ps.theme = ?", "ps.score >= ?", "c.duplicate_of IS NULL"]
        args = [theme_id, min_relevance]
    if not include_closed:
        # cheap pre-filter with a day of slack; effective_status() decides exactly
        where.append(
            "NOT (c.deadlines NOT IN ('', '[]') AND "
            "substr(json_extract(c.deadlines, '$[#-1]'), 1, 10) < date(?, '-1 day'))"
        )
        args.append(today)
    if call_id is not None:
        where.append("c.id = ?")
        args.append(call_id)
    if exclude:
        where.append("ps.call_id NOT IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(sorted(exclude)))
    sql = (
        f"SELECT {upper} AS upper, {bound_sql(upper)} AS bound, c.id, c.opens, "
        f"c.deadlines, s.eligibility AS verdict, s.size_factor{rest} "
        f"FROM {src} JOIN calls c ON c.id = ps.call_id JOIN call_scores s ON s.call_id = c.id "
        f"WHERE {' AND '.join(where)} ORDER BY upper DESC"
    )
    cur = db.execute(sql, [today, today, *args])
    yield [c[0] for c in cur.description]  # the column names first, then the rows as tuples
    yield from cur


def call_with_scores(db: Database, columns: str, call_id: str) -> dict:
    """These columns (of calls `c` and call_scores `s`) of one call: the rest of a ranking row,
    read only for the calls a ranking evaluates."""
    cur = db.execute(
        f"SELECT {columns} FROM calls c JOIN call_scores s ON s.call_id = c.id WHERE c.id = ?",
        [call_id],
    )
    cols = [c[0] for c in cur.description]
    return dict(zip(cols, cur.fetchone(), strict=True))


def network_rows(
    db: Database,
    profile_ids: list[str],
    min_relevance: float,
    today: str,
    contract: str,
    *,
    include_closed: bool,
) -> sqlite3.Cursor:
    """Every call relevant to at least one of these municipalities, once, in storage order,
    with its relevance per municipality as a JSON object (gathered from the (profile, call_id)
    index: no sort of every (call, municipality) row) and the columns a ranking evaluates.
    `contract`: the facts columns of calls `c` (rank.contract_columns)."""
    marks = ", ".join("?" * len(profile_ids))
    where = [
        f"EXISTS (SELECT 1 FROM profile_scores p WHERE p.call_id = c.id AND p.profile IN ({marks}) "
        "AND p.relevance >= ?)",
        "c.duplicate_of IS NULL",
    ]
    args: list = [*profile_ids, min_relevance, *profile_ids, min_relevance]
    if not include_closed:
        where.append(
            "NOT (json_array_length(c.deadlines) > 0 AND "
            "substr(json_extract(c.deadlines, '$[#-1]'), 1, 10) < date(?, '-1 day'))"
        )
        args.append(today)
    return db.execute(
        "SELECT (SELECT json_group_object(p.profile, p.relevance) FROM profile_scores p "
        f"WHERE p.call_id = c.id AND p.profile IN ({marks}) AND p.relevance >= ?) AS relevance, "
        "c.id, c.title, c.url, c.funder, c.programme, c.status, c.opens, c.deadlines, "
        "c.budget_amount, c.budget_currency, s.themes, s.eligibility AS verdict, s.profiles, "
        f"s.size_factor, {contract} FROM calls c "
        f"JOIN call_scores s ON s.call_id = c.id WHERE {' AND '.join(where)}",
        args,
    )


def brief_rows(
    db: Database, profile_id: str, min_relevance: float, contract: str
) -> sqlite3.Cursor:
    """Every call relevant to a municipality (relevance >= min_relevance) that is not a
    listing of another, with the columns a report's brief needs. `contract`: the facts columns
    of calls `c` (rank.contract_columns)."""
    return db.execute(
        "SELECT ps.relevance AS upper, c.id, c.opens, c.deadlines, c.status, c.series, "
        "c.first_seen, c.budget_amount, c.budget_currency, s.eligibility AS verdict, "
        f"s.size_factor, s.profiles, {contract} FROM profile_scores ps "
        "JOIN calls c ON c.id = ps.call_id JOIN call_scores s ON s.call_id = c.id "
        "WHERE ps.profile = ? AND ps.relevance >= ? AND c.duplicate_of IS NULL",
        [profile_id, min_relevance],
    )


def profile_rows(db: Database, profile_id: str, ids: list[str], rest: str) -> sqlite3.Cursor:
    """A ranking's rows (relevance to the municipality, rank.rest_columns) for these calls
    only (at most 500 ids: one SQL IN list), for the calls a report keeps."""
    return db.execute(
        "SELECT ps.relevance AS upper, c.id, c.opens, c.deadlines, s.eligibility AS verdict, "
        f"s.size_factor, {rest} FROM profile_scores ps JOIN calls c ON c.id = ps.call_id "
        "JOIN call_scores s ON s.call_id = c.id "
        f"WHERE ps.profile = ? AND ps.call_id IN ({', '.join('?' * len(ids))})",
        [profile_id, *ids],
    )


def shared_calls(db: Database, profile_ids: list[str], floor: float) -> set[str]:
    """Calls relevant (>= floor) to two or more of these municipalities: the network report's
    candidates for a joint application."""
    marks = ", ".join("?" * len(profile_ids))
    return {
        r[0]
        for r in db.execute(
            f"SELECT call_id FROM profile_scores WHERE profile IN ({marks}) AND relevance >= ? "
            "GROUP BY call_id HAVING count(*) >= 2",
            [*profile_ids, floor],
        )
    }


def among_rows(
    db: Database, profile_id: str, floor: float, today: str, ids: list[str], rest: str
) -> sqlite3.Cursor:
    """A ranking's rows for these calls (at most 500 ids) that are relevant (>= floor) to the
    municipality, not a listing of another and not past their last deadline (a day of slack):
    looked up by (profile, call id), not by scanning the relevance index (the "+")."""
    return db.execute(
        "SELECT ps.relevance AS upper, c.id, c.opens, c.deadlines, s.eligibility AS verdict, "
        f"s.size_factor, {rest} FROM profile_scores ps JOIN calls c ON c.id = ps.call_id "
        "JOIN call_scores s ON s.call_id = c.id WHERE ps.profile = ? AND +ps.relevance >= ? "
        "AND +c.duplicate_of IS NULL AND NOT (c.deadlines NOT IN ('', '[]') AND "
        "substr(json_extract(c.deadlines, '$[#-1]'), 1, 10) < date(?, '-1 day')) "
        # looked up by (profile, call id), not by scanning the relevance index (+)
        f"AND ps.call_id IN ({', '.join('?' * len(ids))})",
        [profile_id, floor, today, *ids],
    )


def network_pass_rows(
    db: Database, profile_ids: list[str], today: str, contract: str
) -> sqlite3.Cursor:
    """Every call that is not a listing of another and not past its last deadline (a day of
    slack), with the columns a network brief needs and its stored relevance to each of these
    municipalities, one column each in their order (NULL where none is stored): the network
    report classifies all of them in one pass over the calls' covering index instead of
    gathering candidates first and reading them back 500 at a time. `contract`: the facts
    columns of calls `c` (rank.contract_columns)."""
    relevance = "".join(
        f", (SELECT p.relevance FROM profile_scores p WHERE p.profile = ? AND p.call_id = c.id) AS r{i}"
        for i in range(len(profile_ids))
    )
    return db.execute(
        "SELECT c.id, c.opens, c.deadlines, c.status, c.series, c.first_seen, "
        "c.budget_amount, c.budget_currency, s.eligibility AS verdict, s.size_factor, "
        f"s.profiles, {contract}{relevance} FROM calls c JOIN call_scores s ON s.call_id = c.id "
        # + : read through the covering index of the columns rankings read, not duplicate_of's
        "WHERE +c.duplicate_of IS NULL AND NOT (c.deadlines NOT IN ('', '[]') AND "
        "substr(json_extract(c.deadlines, '$[#-1]'), 1, 10) < date(?, '-1 day'))",
        [*profile_ids, today],
    )


def changed_relevant(db: Database, profile_id: str, start: str, end: str) -> set[str]:
    """Ids of the calls relevant to a municipality whose deadlines, budget or status changed on
    the days start..end (ISO dates, both included): a report's "changed" section. A read of
    call_history (store's) filtered by profile_scores, so it lives with the scores."""
    q = (
        "SELECT DISTINCT h.call_id FROM call_history h JOIN profile_scores ps "
        "ON ps.call_id = h.call_id AND ps.profile = ? WHERE h.field IN "
        "('deadlines', 'budget_amount', 'status') AND substr(h.changed_at, 1, 10) >= ? "
        "AND substr(h.changed_at, 1, 10) <= ?"
    )
    return {r[0] for r in db.execute(q, [profile_id, start, end])}
