"""Which calls a municipality's report shows, found without building every ranked call.

A report counts its sections over every relevant call and shows at most SECTION_LIMIT of each.
Counting and ordering need only a call's status, days left, score and rank tier, so each
relevant call is read as a Brief (these few values, computed by rank.py's own functions from the
same row and in the same order as rank_for_profile), and only the calls a section keeps are read
in full (full()). A closed call is briefed only when a section can hold it: it has recorded
changes in the period or earlier rounds that may tell when it reopens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from callwatch import rank as rank_mod

if TYPE_CHECKING:
    import sqlite_utils

    from callwatch.recurring import Round
    from callwatch.rules import Profile


@dataclass
class Brief:
    """The part of a ranked call (rank.Ranked) a report counts and orders by."""

    id: str
    status: str
    days_left: int | None
    deadline: str | None
    score: float
    tier: int
    series: str | None
    first_seen: str


def order(b: Brief) -> tuple:
    """rank._order for a Brief: the order rank_for_profile returns."""
    return (b.tier, -b.score, b.deadline or "9999", b.id)


def briefs(
    db: sqlite_utils.Database,
    profile: Profile,
    today: date,
    min_relevance: float,
    hidden: set[str],
    keep_closed: set[str],
) -> list[Brief]:
    """What relevant_for() returns (closed calls included, hidden ones left out), as Briefs in
    rank order; a closed call only when it is in `keep_closed` or has a series."""
    from callwatch.merge import load, overlay

    contract = rank_mod._contract_columns(db)
    cur = db.execute(
        "SELECT ps.relevance AS upper, c.id, c.opens, c.deadlines, c.status, c.series, "
        "c.first_seen, c.budget_amount, c.budget_currency, s.eligibility AS verdict, "
        f"s.size_factor, s.profiles, {contract} FROM profile_scores ps "
        "JOIN calls c ON c.id = ps.call_id JOIN call_scores s ON s.call_id = c.id "
        "WHERE ps.profile = ? AND ps.relevance >= ? AND c.duplicate_of IS NULL",
        [profile.id, max(min_relevance, rank_mod.MIN_RELEVANCE)],
    )
    cols = [c[0] for c in cur.description]
    merged = load(db)  # a linked call shows the best facts of all its listings
    out: list[Brief] = []
    for values in cur:
        if values[1] in hidden:
            continue
        row = overlay(dict(zip(cols, values, strict=True)), merged, as_json=True)
        row["deadlines"] = json.loads(row["deadlines"] or "[]")
        status = rank_mod.effective_status(row, today)
        if status == "closed" and not row["series"] and row["id"] not in keep_closed:
            continue  # no section shows it
        deadline, days = rank_mod._base(row, today)
        profiles = row["profiles"]
        facts = json.loads(profiles).get(profile.id, {}) if profiles != "{}" else {}
        score, _, why_hidden, *_ = rank_mod._factors(row, facts, profile, status, days)
        if why_hidden and why_hidden != "closed":
            continue
        stale = bool(row.get("stale"))
        dated = bool(deadline) if status == "open" else bool(row["opens"] or row["deadlines"])
        tier = rank_mod._tier(status, dated, stale)
        out.append(
            Brief(row["id"], status, days, deadline, score, tier, row["series"], row["first_seen"] or "")
        )  # fmt: skip
    out.sort(key=order)
    return out


def full(
    db: sqlite_utils.Database, profile: Profile, today: date, ids: list[str]
) -> dict[str, rank_mod.Ranked]:
    """The ranked calls (unexplained) for the ids a report keeps: rank_for_profile's rows and
    evaluation for these calls only."""
    from callwatch.merge import load, overlay

    merged = load(db)
    rest = rank_mod._rest_columns(db)
    out: dict[str, rank_mod.Ranked] = {}
    ids = list(dict.fromkeys(ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        cur = db.execute(
            "SELECT ps.relevance AS upper, c.id, c.opens, c.deadlines, s.eligibility AS verdict, "
            f"s.size_factor, {rest} FROM profile_scores ps JOIN calls c ON c.id = ps.call_id "
            "JOIN call_scores s ON s.call_id = c.id "
            f"WHERE ps.profile = ? AND c.id IN ({', '.join('?' * len(chunk))})",
            [profile.id, *chunk],
        )
        cols = [c[0] for c in cur.description]
        for values in cur:
            row = overlay(dict(zip(cols, values, strict=True)), merged, as_json=True)
            out[row["id"]] = rank_mod._evaluate(row, profile.weights, profile, today)
    return out


def series_rounds(db: sqlite_utils.Database, series: set[str]) -> dict[str, list[Round]]:
    """recurring.rounds() for many series at once, without their decisions (what
    recurring.expected_reopening reads)."""
    from callwatch.recurring import Round

    out: dict[str, list[Round]] = {}
    ids = sorted(series)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for sid, cid, title, status, opens, deadlines, budget, currency in db.execute(
            "SELECT series, id, title, status, opens, deadlines, budget_amount, budget_currency "
            f"FROM calls WHERE series IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            dl = json.loads(deadlines or "[]")
            out.setdefault(sid, []).append(
                Round(cid, title, status, opens, dl[-1] if dl else None, budget, currency, [])
            )
    for rounds in out.values():
        rounds.sort(key=lambda r: (r.deadline or r.opens or "", r.id))
    return out
