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

from callwatch import priority, score_reads
from callwatch import rank as rank_mod
from callwatch.dates import shown_deadline

if TYPE_CHECKING:
    from callwatch.recurring import Round
    from callwatch.report_data import Filters
    from callwatch.rules import Profile, Rules, Theme
    from callwatch.store.db import Database


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
    db: Database,
    profile: Profile,
    today: date,
    min_relevance: float,
    hidden: set[str],
    keep_closed: set[str],
) -> list[Brief]:
    """What relevant_for() returns (closed calls included, hidden ones left out), as Briefs in
    rank order; a closed call only when it is in `keep_closed` or has a series."""
    from callwatch.merge import load, overlay

    contract = rank_mod.contract_columns(db)
    cur = score_reads.brief_rows(
        db, profile.id, max(min_relevance, priority.MIN_RELEVANCE), contract
    )
    cols = [c[0] for c in cur.description]
    merged = load(db)  # a linked call shows the best facts of all its listings
    out: list[Brief] = []
    for values in cur:
        if values[1] in hidden:
            continue
        row = overlay(dict(zip(cols, values, strict=True)), merged, as_json=True)
        row["deadlines"] = json.loads(row["deadlines"] or "[]")
        status = priority.effective_status(row, today)
        if status == "closed" and not row["series"] and row["id"] not in keep_closed:
            continue  # no section shows it
        deadline, days = shown_deadline(row["deadlines"], today)
        profiles = row["profiles"]
        facts = json.loads(profiles).get(profile.id, {}) if profiles != "{}" else {}
        score, _, why_hidden, *_ = priority.score_factors(row, facts, profile, status, days)
        if why_hidden and why_hidden != "closed":
            continue
        stale = bool(row.get("stale"))
        dated = bool(deadline) if status == "open" else bool(row["opens"] or row["deadlines"])
        tier = priority.tier_of(status, dated, stale)
        out.append(
            Brief(row["id"], status, days, deadline, score, tier, row["series"], row["first_seen"] or "")
        )  # fmt: skip
    out.sort(key=order)
    return out


def full(db: Database, profile: Profile, today: date, ids: list[str]) -> dict[str, rank_mod.Ranked]:
    """The ranked calls (unexplained) for the ids a report keeps: rank_for_profile's rows and
    evaluation for these calls only."""
    from callwatch.merge import load, overlay

    merged = load(db)
    rest = rank_mod.rest_columns(db)
    out: dict[str, rank_mod.Ranked] = {}
    ids = list(dict.fromkeys(ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        cur = score_reads.profile_rows(db, profile.id, chunk, rest)
        cols = [c[0] for c in cur.description]
        for values in cur:
            row = overlay(dict(zip(cols, values, strict=True)), merged, as_json=True)
            out[row["id"]] = rank_mod.evaluate(row, profile.weights, profile, today)
    return out


def series_rounds(db: Database, series: set[str]) -> dict[str, list[Round]]:
    """recurring.rounds() for many series at once, without their decisions (what
    recurring.expected_reopening reads)."""
    from callwatch import store
    from callwatch.recurring import Round

    out: dict[str, list[Round]] = {}
    rows = store.rounds_of_series(db, sorted(series))
    for sid, cid, title, status, opens, deadlines, budget, currency in rows:
        dl = json.loads(deadlines or "[]")
        out.setdefault(sid, []).append(
            Round(cid, title, status, opens, dl[-1] if dl else None, budget, currency, [])
        )
    for rounds in out.values():
        rounds.sort(key=lambda r: (r.deadline or r.opens or "", r.id))
    return out


# ---------------------------------------------------------------------------------------------
# The network report: only calls that can be joint candidates (or were decided on) are ranked


def joint_candidates(
    db: Database, profiles: list[str], min_relevance: float, high: float
) -> set[str]:
    """Calls that can make the network's joint list: relevant (`min_relevance`) to two or more
    municipalities at `high` or above (a score is never above its relevance), or with a stated
    requirement to apply together (min_municipalities >= 2, a consortium; merged facts too)."""
    from callwatch.merge import load

    return score_reads.shared_calls(db, profiles, max(high, min_relevance)) | required_calls(
        db, load(db)
    )


def required_calls(db: Database, merged: dict) -> set[str]:
    """Calls whose stored or merged facts require applying together (min_municipalities >= 2,
    a consortium); none on a database without the facts columns. `merged`: merge.load()."""
    from callwatch import store

    out = store.consortium_calls(db)
    if out is None:  # the database lacks the facts columns
        return set()
    for cid, (fields, _) in merged.items():
        n = fields.get("min_municipalities")
        if (n is not None and n >= 2) or fields.get("consortium_required") == 1:
            out.add(cid)
    return out


def ranked_among(
    db: Database,
    profile: Profile,
    today: date,
    ids: set[str],
    min_relevance: float,
    min_score: float,
) -> list[rank_mod.Ranked]:
    """rank_for_profile(min_relevance=, min_score=, explain=False) restricted to `ids`: the
    same rows, evaluation and filters, best first."""
    from callwatch.merge import load, overlay

    merged = load(db)
    rest = rank_mod.rest_columns(db)
    floor = max(min_relevance, min_score, priority.MIN_RELEVANCE)
    out: list[rank_mod.Ranked] = []
    wanted = sorted(ids)
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        cur = score_reads.among_rows(db, profile.id, floor, today.isoformat(), chunk, rest)
        cols = [c[0] for c in cur.description]
        for values in cur:
            row = overlay(dict(zip(cols, values, strict=True)), merged, as_json=True)
            r = rank_mod.evaluate(row, profile.weights, profile, today)
            if r.relevance < min_relevance or r.score < min_score or r.status == "closed":
                continue
            if r.hidden and r.hidden != "closed":
                continue
            out.append(r)
    out.sort(key=priority.sort_key)
    return out


def top_for_theme(
    db: Database,
    rules: Rules,
    theme: Theme,
    today: date,
    shown: set[str],
    n: int,
    filters: Filters | None,
) -> list[rank_mod.Ranked]:
    """The theme's n best calls that pass the filters and are not yet shown, explained for the
    theme: the first n of rank_for_theme() once the shown calls are taken out. Without filters
    the shown calls are skipped before they are evaluated (rank._rank's reading, with that one
    step added), so a network that lists thousands of calls does not evaluate them all."""
    if filters is not None and filters.active():
        from callwatch.report_data import apply_filters

        ranked = rank_mod.rank_for_theme(db, rules, theme, today, limit=n + len(shown), explain=False)  # fmt: skip
        top = [r for r in apply_filters(db, ranked, filters) if r.id not in shown][:n]
        return [rank_mod.explain_call(db, r, theme=theme) for r in top]
    import heapq

    from callwatch.merge import load, overlay

    rest = rank_mod.rest_columns(db)
    # the shown calls are left out in SQLite: they are most of a network's best calls
    rows = rank_mod.candidates(db, None, theme, False, today, None, light=True, exclude=shown)
    cols = next(rows)
    merged = load(db)
    results: list[rank_mod.Ranked] = []
    heap: list[tuple[float, int]] = []
    for values in rows:
        if values[0] < priority.MIN_RELEVANCE:
            break
        if len(heap) >= n:
            if values[0] < heap[0][0]:
                break
            if values[1] <= heap[0][0]:
                continue
        row = dict(zip(cols, values, strict=True))
        if row["id"] in shown:
            continue
        row.update(rank_mod.read_rest(db, rest, row["id"]))
        row = overlay(row, merged, as_json=True)
        r = rank_mod.evaluate(row, {theme.id: 1.0}, None, today)
        if r.relevance < priority.MIN_RELEVANCE or r.status == "closed":
            continue
        if r.hidden and r.hidden != "closed":
            continue
        results.append(r)
        key = priority.score_key(r)
        if len(heap) < n:
            heapq.heappush(heap, (key, len(results)))
        elif key > heap[0][0]:
            heapq.heapreplace(heap, (key, len(results)))
    results.sort(key=priority.sort_key)
    return [rank_mod.explain_call(db, r, theme=theme) for r in results[:n]]


REQUIREMENT_COLUMNS = ("min_municipalities", "consortium_required")


def joint_briefs(
    db: Database,
    profiles: list[Profile],
    today: date,
    min_relevance: float,
    high: float,
    min_score: float,
    hidden: dict[str, set[str]],
    extra: set[str],
) -> tuple[dict[str, Brief], dict[str, list[tuple[float, Profile]]], dict[str, dict]]:
    """For the joint candidates (joint_candidates() at `high`, plus `extra`): (call id -> Brief,
    call id -> [(score, municipality)] in the profiles' order, call id -> its requirement facts
    (REQUIREMENT_COLUMNS the database has, merged facts laid over)), each municipality's score
    what ranked_among(min_relevance=, min_score=) gives it, dismissed calls (`hidden`) left out.

    The network report counts and orders thousands of such calls, so no ranked call is built
    and each call is read and judged once: one pass reads every call not past its deadline with
    its relevance to each municipality, picks the candidates from those values, and computes
    the factors once per call, not once per municipality. priority.score_factors reads of a
    municipality only its facts' o and x and its min_budget_sek, so the factors are shared by
    every municipality with the same three; the score is the same product of them."""
    from callwatch import store
    from callwatch.merge import load, overlay

    merged = load(db)
    wanted = required_calls(db, merged) | extra
    have = store.call_columns(db)
    requirement = [c for c in REQUIREMENT_COLUMNS if c in have]
    shared = max(high, min_relevance)  # joint_candidates' "relevant to two or more"
    floor = max(min_relevance, min_score, priority.MIN_RELEVANCE)
    cur = score_reads.network_pass_rows(
        db, [p.id for p in profiles], today.isoformat(), rank_mod.contract_columns(db)
    )
    cols = [c[0] for c in cur.description][: -len(profiles) or None]
    n = len(cols)
    calls: dict[str, Brief] = {}
    who: dict[str, list[tuple[float, Profile]]] = {}
    required: dict[str, dict] = {}
    for values in cur:
        cid, relevance = values[0], values[n:]
        if cid not in wanted and sum(r is not None and r >= shared for r in relevance) < 2:
            continue  # not a candidate
        mine = [
            (profile, rel)
            for profile, rel in zip(profiles, relevance, strict=True)
            if rel is not None and rel >= floor and round(rel, 4) >= min_relevance
            and cid not in hidden.get(profile.id, ())
        ]  # fmt: skip
        if not mine:
            continue
        row = overlay(dict(zip(cols, values[:n], strict=True)), merged, as_json=True)
        row["deadlines"] = json.loads(row["deadlines"] or "[]")
        status = priority.effective_status(row, today)
        if status == "closed":
            continue
        deadline, days = shown_deadline(row["deadlines"], today)
        facts = json.loads(row["profiles"]) if row["profiles"] != "{}" else {}
        parts: dict[tuple, tuple] = {}  # what score_factors reads of a municipality -> factors
        found: list[tuple[float, Profile]] = []
        for profile, rel in mine:
            own = facts.get(profile.id, {})
            key = (bool(own.get("o")), bool(own.get("x")), profile.min_budget_sek)
            if key not in parts:
                row["upper"] = rel
                parts[key] = priority.score_factors(row, own, profile, status, days)
            _, _, why_hidden, e_factor, d_factor, s_factor = parts[key]
            if why_hidden and why_hidden != "closed":
                continue
            score = round(rel * e_factor * d_factor * s_factor, 4)  # as score_factors does
            if score >= min_score:
                found.append((score, profile))
        if not found:
            continue
        stale = bool(row.get("stale"))
        dated = bool(deadline) if status == "open" else bool(row["opens"] or row["deadlines"])
        calls[cid] = Brief(
            cid, status, days, deadline, found[0][0], priority.tier_of(status, dated, stale),
            row["series"], row["first_seen"] or "",
        )  # fmt: skip
        who[cid] = found
        required[cid] = {c: row[c] for c in requirement}
    return calls, who, required
