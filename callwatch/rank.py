"""The ranking read model: calls for a municipality profile or a theme, best first, with every
factor visible (`rank`, `explain`, reports, exports and the web app read it).

The factor math, its numbers and the order are callwatch.priority (pure); this module reads
the stored calls and their precomputed scores (scoring.py), applies priority to them and reads
only as many rows as a ranking can use (an upper bound per row in SQL). The reasons, evidence
and decisions of the calls that are shown are filled by callwatch.explain.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

# Several names below moved to callwatch.priority, callwatch.dates and callwatch.explain; they
# stay importable from rank for callers not yet pointed at their new home (scripts/evaluate.py,
# tests, branches in flight): STOCKHOLM, next_deadline, _local_date, ELIGIBILITY_FACTORS,
# EUR_SEK, MAY_APPLY, TIERS, deadline_factor, format_money, profile_relevance, region_check,
# relevance_parts, size_factor, top_terms, explain_many, explain_reasons.
from callwatch.dates import STOCKHOLM, next_deadline, shown_deadline  # noqa: F401
from callwatch.dates import local_date as _local_date  # noqa: F401
from callwatch.explain import explain_call, explain_many, explain_reasons  # noqa: F401
from callwatch.priority import (  # noqa: F401
    ELIGIBILITY_FACTORS,
    EUR_SEK,
    MAY_APPLY,
    MIN_RELEVANCE,
    TIER_DATED,
    TIER_VERIFY,
    TIERS,
    Note,
    bound_sql,
    deadline_factor,
    effective_status,
    format_money,
    joint_reason,
    profile_relevance,
    region_check,
    relevance_parts,
    score_factors,
    score_key,
    size_factor,
    sort_key,
    tier_of,
    top_terms,
)
from callwatch.rules import Profile, Rules, Theme

if TYPE_CHECKING:
    from callwatch.store.db import Database

CONTRACT_COLUMNS = (
    "stale", "max_per_project", "min_municipalities", "consortium_required", "funding_rate_max",
    "cofinancing_required", "deadline_has_time", "municipality_may_apply",
)  # fmt: skip


@dataclass
class Ranked:
    id: str
    title: str
    url: str
    funder: str
    programme: str
    status: str
    deadline: str | None
    days_left: int | None
    opens: str | None
    budget_amount: float | None
    budget_currency: str | None
    score: float
    relevance: float
    themes: dict[str, float]
    eligibility: str
    factors: dict[str, float]
    reasons: list[Note]  # worded per output by show_text.note_text (to_dict: in `lang`)
    hidden: str = ""  # why it would be hidden without --all / --include-closed
    evidence: dict = field(default_factory=dict)
    eligibility_evidence: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # the municipality's own words found
    deadlines: list[str] = field(default_factory=list)  # every cut-off, oldest first
    decision: str = ""  # this municipality's current decision, if any
    earlier_decision: str = ""  # its decision on an earlier round of the same call
    # facts read by callwatch.facts (None / False where the call does not say)
    max_per_project: float | None = None
    funding_rate_max: float | None = None
    cofinancing_required: bool | None = None
    deadline_has_time: bool = False
    stale: bool = False
    tier: int = TIER_DATED  # see TIERS: dated, no deadline, verify, closed
    verify: bool = False  # status unknown or only years-old dates: check with the funder
    joint: bool = False  # requires several municipalities or a consortium
    joint_reason: str = ""

    def to_dict(self, lang: str | None = None) -> dict:
        """The JSON shape; the reasons and other notes worded in `lang` (English unless "sv")."""
        from callwatch.show_text import earlier_text, joint_text, notes_text

        d = dict(self.__dict__)
        d["reasons"] = notes_text(self.reasons, lang)
        d["joint_reason"] = joint_text(self.joint_reason, lang)
        d["earlier_decision"] = earlier_text(self, lang) if self.earlier_decision else ""
        d.pop("evidence"), d.pop("eligibility_evidence"), d.pop("hidden"), d.pop("keywords")
        d.pop("tier")
        for k in ("decision", "earlier_decision"):
            if not d[k]:
                d.pop(k)
        return d


def candidates(
    db: Database,
    profile: Profile | None,
    theme: Theme | None,
    include_closed: bool,
    today: date,
    call_id: str | None = None,
    light: bool = False,
    exclude: Collection[str] = (),
):  # noqa: ANN202
    """Calls in order of their best possible score (relevance), read from an index, each with
    a cheap upper bound on its final score (priority.bound_sql): the column names first, then
    the rows as tuples. Public so that readers that rank a subset the same way (report_select)
    walk the same rows in the same order. `light`: only the columns the bound needs; the caller
    reads the rest (rest_columns, read_rest) for the calls it evaluates. `exclude`: ids left
    out (the rest keep their order)."""
    from callwatch import score_reads

    rest = "" if light else ", " + rest_columns(db)
    return score_reads.ranking_candidates(
        db,
        profile.id if profile is not None else None,
        theme.id if theme is not None else None,
        MIN_RELEVANCE,
        today.isoformat(),
        include_closed=include_closed,
        call_id=call_id,
        rest=rest,
        exclude=exclude,
    )


def contract_columns(db: Database) -> str:
    """The facts migration's columns of calls `c` for a SELECT, as NULL where this database
    lacks them, so one query text serves databases from before and after that migration."""
    from callwatch import store

    have = store.call_columns(db)
    return ", ".join(f"c.{col}" if col in have else f"NULL AS {col}" for col in CONTRACT_COLUMNS)


def rest_columns(db: Database) -> str:
    """The columns evaluate() needs beyond the light ones of candidates(light=True): read only
    for the calls a ranking evaluates, as most rows are only bounded and skipped."""
    contract = contract_columns(db)
    return (
        "c.title, c.url, c.funder, c.programme, c.status, c.budget_amount, c.budget_currency, "
        f"{contract}, s.themes, s.profiles"
    )


def read_rest(db: Database, columns: str, call_id: str) -> dict:
    """The rest_columns() of one call, to lay over its light row before evaluate(): a ranking
    reads them only for the few calls whose bound lets them enter the list."""
    from callwatch import score_reads

    return score_reads.call_with_scores(db, columns, call_id)


def _rank(
    db: Database,
    weights: dict[str, float],
    profile: Profile | None,
    theme: Theme | None,
    today: date,
    *,
    include_closed: bool,
    show_all: bool,
    within: int | None,
    limit: int,
    call_id: str | None = None,
    hidden_ids: set[str] | None = None,
    min_relevance: float = MIN_RELEVANCE,
    min_score: float = 0.0,
) -> list[Ranked]:
    """Best first. Rows come ordered by their upper bound (relevance), so once `limit` results
    beat the next row's relevance, or the relevance falls below what the caller asked for,
    nothing further can enter the list and reading stops."""
    results: list[Ranked] = []
    heap: list[tuple[float, int]] = []  # the `limit` best scores so far (min-heap)
    floor = max(min_relevance, min_score)
    light = limit > 0  # most rows are only bounded, never evaluated: read the rest on demand
    rest = rest_columns(db) if light else ""
    rows = candidates(db, profile, theme, include_closed, today, call_id, light)
    cols = next(rows)
    from callwatch.merge import load, overlay

    merged = load(db)  # a linked call shows the best facts of all its listings
    for values in rows:
        if values[0] < floor:  # upper
            break
        if limit > 0 and len(heap) >= limit:
            if values[0] < heap[0][0]:
                break
            if values[1] <= heap[0][0]:  # bound
                continue  # cannot enter the list: skip building it
        row = dict(zip(cols, values, strict=True))
        if light:
            row.update(read_rest(db, rest, row["id"]))
        row = overlay(row, merged, as_json=True)
        r = evaluate(row, weights, profile, today)
        if r.relevance < min_relevance or r.score < min_score:
            continue
        if hidden_ids and r.id in hidden_ids:
            if not show_all:
                continue
            r.hidden = "dismissed"
        if r.status == "closed" and not include_closed:
            continue
        if within is not None and (r.days_left is None or r.days_left > within):
            continue
        if r.hidden and r.hidden != "closed" and not show_all:
            continue
        results.append(r)
        if limit > 0:
            key = score_key(r)
            if len(heap) < limit:
                heapq.heappush(heap, (key, len(results)))
            elif key > heap[0][0]:
                heapq.heapreplace(heap, (key, len(results)))
    results.sort(key=sort_key)
    return results[:limit] if limit > 0 else results


def evaluate(row: dict, weights: dict[str, float], profile: Profile | None, today: date) -> Ranked:
    """One ranking row (light columns and rest_columns(), merged facts laid over) as a Ranked
    call for a profile (or a theme when profile is None), unexplained: the one evaluation every
    reader of rankings shares, so reports rank exactly as `rank` does. Parses the row's
    deadlines in place."""
    row["deadlines"] = json.loads(row["deadlines"] or "[]")
    profiles = row["profiles"]
    facts = json.loads(profiles).get(profile.id, {}) if profile and profiles != "{}" else {}
    return _evaluate_parsed(row, facts, profile, today, effective_status(row, today))


def _evaluate_parsed(
    row: dict, facts: dict, profile: Profile | None, today: date, status: str
) -> Ranked:
    """evaluate() for a row whose deadlines are already a list and whose facts are read."""
    relevance = row["upper"]  # precomputed: profile relevance or theme score
    deadline, days = shown_deadline(row["deadlines"], today)
    score, verdict, hidden, e_factor, d_factor, s_factor = score_factors(
        row, facts, profile, status, days
    )
    stale = bool(row.get("stale"))
    dated = bool(deadline) if status == "open" else bool(row["opens"] or row["deadlines"])
    call_tier = tier_of(status, dated, stale)
    joint = joint_reason(row)
    return Ranked(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        funder=row["funder"],
        programme=row["programme"] or "",
        status=status,
        deadline=deadline,
        days_left=days,
        opens=row["opens"],
        budget_amount=row["budget_amount"],
        budget_currency=row["budget_currency"],
        deadlines=row["deadlines"],
        score=score,
        relevance=round(relevance, 4),
        themes={},  # filled by explain_reasons() for the calls that are shown
        eligibility=verdict,
        factors={
            "relevance": round(relevance, 4),
            "eligibility": e_factor,
            "deadline": d_factor,
            "size": s_factor,
        },
        reasons=[],
        hidden=hidden,
        evidence={
            "_themes": row["themes"],
            "_facts": facts,
            "_per_project": row.get("max_per_project"),
            "_stale": stale,
        },
        tier=call_tier,
        verify=call_tier == TIER_VERIFY,
        joint=bool(joint),
        joint_reason=joint,
        max_per_project=row.get("max_per_project"),
        funding_rate_max=row.get("funding_rate_max"),
        cofinancing_required=None
        if row.get("cofinancing_required") is None
        else bool(row["cofinancing_required"]),
        deadline_has_time=bool(row.get("deadline_has_time")),
        stale=stale,
    )


def rank_for_profile(
    db: Database,
    rules: Rules,
    profile: Profile,
    today: date,
    *,
    include_closed: bool = False,
    show_all: bool = False,
    within: int | None = None,
    limit: int = 0,
    call_id: str | None = None,
    hidden_ids: set[str] | None = None,
    min_relevance: float = MIN_RELEVANCE,
    min_score: float = 0.0,
    explain: bool = True,
) -> list[Ranked]:
    """Calls for one municipality, best first; `hidden_ids` (its dismissed calls) are left out
    unless show_all. With explain=False the reasons are left for explain() to fill, so callers
    that show only some of the calls (reports) do not read evidence for all of them."""
    ranked = _rank(
        db, profile.weights, profile, None, today, include_closed=include_closed,
        show_all=show_all, within=within, limit=limit, call_id=call_id, hidden_ids=hidden_ids,
        min_relevance=min_relevance, min_score=min_score,
    )  # fmt: skip
    return [explain_call(db, r, profile) for r in ranked] if explain else ranked


def rank_for_theme(
    db: Database,
    rules: Rules,
    theme: Theme,
    today: date,
    *,
    include_closed: bool = False,
    show_all: bool = False,
    within: int | None = None,
    limit: int = 0,
    explain: bool = True,
) -> list[Ranked]:
    """Calls for one theme, best first; explain=False as for rank_for_profile."""
    ranked = _rank(
        db, {theme.id: 1.0}, None, theme, today, include_closed=include_closed,
        show_all=show_all, within=within, limit=limit,
    )  # fmt: skip
    return [explain_call(db, r, theme=theme) for r in ranked] if explain else ranked


def rank_network(
    db: Database,
    rules: Rules,
    today: date,
    *,
    include_closed: bool = False,
    show_all: bool = False,
    within: int | None = None,
) -> list[tuple[Ranked, Profile]]:
    """Every call relevant to at least one municipality, once, with the score of its best match
    and that municipality, best first, unexplained. The same as ranking every profile with
    rank_for_profile(limit=0) and keeping each call's best (the earlier profile on a tie), but
    each call is read and parsed once instead of once per municipality."""
    profiles = list(rules.profiles.values())
    if not profiles:
        return []
    by_id = {p.id: (i, p) for i, p in enumerate(profiles)}
    from callwatch import score_reads

    cur = score_reads.network_rows(
        db, list(by_id), MIN_RELEVANCE, today.isoformat(), contract_columns(db),
        include_closed=include_closed,
    )  # fmt: skip
    cols = [c[0] for c in cur.description]
    out: list[tuple[Ranked, Profile]] = []
    from callwatch.merge import load, overlay

    merged = load(db)  # a linked call shows the best facts of all its listings
    for values in cur:
        first = overlay(dict(zip(cols, values, strict=True)), merged, as_json=True)
        deadlines = json.loads(first["deadlines"] or "[]")
        facts = json.loads(first["profiles"]) if first["profiles"] != "{}" else {}
        base = dict(first, deadlines=deadlines)
        status = effective_status(base, today)
        _, days = shown_deadline(base["deadlines"], today)
        if status == "closed" and not include_closed:
            continue
        if within is not None and (days is None or days > within):
            continue
        best = None
        for profile_id, relevance in json.loads(first["relevance"]).items():
            if round(relevance, 4) < MIN_RELEVANCE:
                continue
            order, profile = by_id[profile_id]
            base["upper"] = relevance
            score, _, hidden, *_ = score_factors(
                base, facts.get(profile_id, {}), profile, status, days
            )
            if hidden and hidden != "closed" and not show_all:
                continue
            if best is None or score > best[0] or (score == best[0] and order < best[1]):
                best = (score, order, profile, relevance)
        if best is not None:
            _, _, profile, base["upper"] = best
            ranked = _evaluate_parsed(base, facts.get(profile.id, {}), profile, today, status)
            out.append((ranked, profile))
    out.sort(key=lambda x: sort_key(x[0]))  # the same order as rank_for_profile: tiers first
    return out
