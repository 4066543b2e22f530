"""What a report says: the calls in each section, gathered from the database for one date.

Gathering is separate from wording (report_text.py) and rendering (report.py). Ranking is read
without explanations; evidence and reasons are read only for the calls a section shows, after
each section is counted and cut.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from callwatch import rank as rank_mod
from callwatch import shortid, store
from callwatch.dates import shown_deadline
from callwatch.priority import EUR_SEK, effective_status
from callwatch.report_text import decision_line, words
from callwatch.rules import Profile, Rules

if TYPE_CHECKING:
    from callwatch.store.db import Database

CLOSING_DAYS = 30
DECIDE_DAYS = 30  # "Att besluta": relevant calls closing within this many days, no decision yet
SECTION_LIMIT = 25  # a report is read in two minutes: the rest is one `callwatch rank` away
THEME_LIMIT = 3  # calls per theme in the network report
REPORT_MIN_RELEVANCE = 0.2  # a call "matters" to a municipality above this relevance
NETWORK_MIN_SCORE = 0.35  # a municipality "ranks it high" at or above this priority
TIMELINE_DAYS = 90  # the timeline shows open calls closing within this many days
PERIOD_DAYS = 7  # a report covers the week before it, unless an earlier report ended later

# Columns of the shared facts contract (HELPERS-COMMON.md); read only when the database has them.
FACT_COLUMNS = (
    "max_per_project", "min_per_project", "cofinancing_required", "consortium_required",
    "min_municipalities", "deadline_has_time", "funding_rate_max",
)  # fmt: skip


@dataclass
class Filters:
    """What a person narrowed the report to; the same filters as `rank` and `export`."""

    funder: str | None = None
    min_budget: float | None = None
    search: str | None = None
    statuses: tuple[str, ...] = ()

    def active(self) -> bool:
        return bool(self.funder or self.min_budget or self.search or self.statuses)


@dataclass
class Item:
    ranked: rank_mod.Ranked
    kommuner: list[str] = field(default_factory=list)  # network: who it matters to
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    expected: str = ""  # expected reopening of a closed recurring call
    short: str = ""  # short id a person can type
    facts: dict = field(default_factory=dict)  # contract columns, when known
    decided: list[str] = field(default_factory=list)  # decision lines, already worded
    joint: list[str] = field(default_factory=list)  # why to work together, already worded
    mark_for: str = ""  # municipality id for the `callwatch mark` line ("" = no line)


@dataclass
class Section:
    key: str
    heading: str
    items: list[Item]
    empty: str
    total: int = 0  # counted before the cut
    intro: str = ""

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


@dataclass
class Report:
    title: str
    lang: str
    today: date
    start: date
    sections: list[Section]
    summary: str
    extra_lines: list[str] = field(default_factory=list)
    timeline: list[Item] = field(default_factory=list)
    kommun: str = ""  # municipality id, "" for the network


# ---------------------------------------------------------------------------------------------
# Small readers


def _changes(db: Database, ids: list[str], start: date, end: date) -> dict[str, list]:
    """id -> [(field, old, new), ...] of the changes a report shows, oldest first."""
    fields = ("deadlines", "budget_amount", "status")
    return store.changes_between(db, ids, fields, start.isoformat(), end.isoformat())


class Dated(Protocol):
    """What closes_within and urgency read: a Ranked call or a report_select.Brief."""

    id: str
    status: str
    days_left: int | None


def closes_within(r: Dated, days: int) -> bool:
    """An open call whose next deadline is today or within `days` days."""
    return r.status == "open" and r.days_left is not None and 0 <= r.days_left <= days


def fact_columns(db: Database) -> list[str]:
    """The contract columns this database has (none before the facts migration)."""
    have = store.call_columns(db)
    return [c for c in FACT_COLUMNS if c in have]


def call_facts(db: Database, ids: list[str]) -> dict[str, dict]:
    """id -> {column: value} for the contract columns the database has, plus the stored status."""
    cols = fact_columns(db)
    out: dict[str, dict] = {
        cid: {"stored_status": v["status"], **{c: v[c] for c in cols}}
        for cid, v in store.column_values(db, ids, ["status", *cols]).items()
    }
    from callwatch.merge import load, overlay

    merged = load(db)  # a linked call carries the best facts of all its listings
    return {cid: overlay({"id": cid, **f}, merged) for cid, f in out.items()}


def apply_filters(
    db: Database, ranked: list[rank_mod.Ranked], f: Filters | None
) -> list[rank_mod.Ranked]:
    """Keep the calls that pass --funder, --min-budget (SEK; EUR converted), --search, --status."""
    if f is None or not f.active():
        return ranked
    from callwatch.rules import fold

    out = ranked
    if f.funder:
        key = fold(f.funder)
        out = [r for r in out if key in fold(r.funder) or key in fold(r.programme or "")]
    if f.min_budget:
        out = [
            r
            for r in out
            if r.budget_amount
            and r.budget_amount * (EUR_SEK if r.budget_currency == "EUR" else 1) >= f.min_budget
        ]
    if f.statuses:
        out = [r for r in out if r.status in f.statuses]
    if f.search:
        keep = store.matching(db, [r.id for r in out], f.search)
        out = [r for r in out if r.id in keep]
    return out


def relevant_for(
    db: Database,
    rules: Rules,
    profile: Profile,
    today: date,
    hidden: set[str],
    filters: Filters | None = None,
) -> list[rank_mod.Ranked]:
    ranked = rank_mod.rank_for_profile(
        db, rules, profile, today, include_closed=True, min_relevance=REPORT_MIN_RELEVANCE,
        explain=False,
    )  # fmt: skip
    return apply_filters(db, [r for r in ranked if r.id not in hidden], filters)


def period_start(db: Database, kommun: str, today: date, since: date | None) -> date:
    if since:
        return since
    row = db.execute(
        "SELECT max(period_end) FROM reports WHERE kommun = ? AND period_end < ?",
        [kommun, today.isoformat()],
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else today - timedelta(days=PERIOD_DAYS)


def remember(db: Database, kommun: str, start: date, today: date, now_iso: str) -> None:
    with store.transaction(db):
        db.conn.execute(
            "INSERT OR REPLACE INTO reports (kommun, period_end, period_start, created) VALUES (?, ?, ?, ?)",
            [kommun, today.isoformat(), start.isoformat(), now_iso],
        )


def urgency(r: Dated) -> tuple:
    """Most urgent first: open calls by days left, then forthcoming/rolling, closed last. The
    sort key of a section's calls, shared by the municipality and the network reports."""
    if r.status == "closed" or (r.days_left is not None and r.days_left < 0):
        return (2, 0, r.id)
    if r.days_left is None:
        return (1, 0, r.id)
    return (0, r.days_left, r.id)


def decided_calls(db: Database, kommun: str | None = None) -> dict[str, list[dict]]:
    """Canonical call id -> current decisions on it or on any of its listings, oldest first
    (one per municipality: the latest)."""
    from callwatch.decisions import current_by_canonical

    latest: dict[tuple[str, str], dict] = {}
    for cid, canonical, k, status, reason, by, created in current_by_canonical(db, kommun):
        latest[(canonical, k)] = {
            "call_id": cid, "canonical": canonical, "kommun": k, "status": status,
            "reason": reason or "", "by": by or "", "created": created or "",
        }  # fmt: skip
    out: dict[str, list[dict]] = {}
    for d in sorted(latest.values(), key=lambda d: (d["created"], d["kommun"])):
        out.setdefault(d["canonical"], []).append(d)
    return out


def ranked_call(
    db: Database, rules: Rules, profile: Profile, today: date, call_id: str
) -> rank_mod.Ranked | None:
    """One call as the municipality's ranking sees it, even when it matches none of its themes
    (a decision is shown whatever the matcher thinks of the call)."""
    found = rank_mod.rank_for_profile(
        db, rules, profile, today, include_closed=True, show_all=True, call_id=call_id,
        explain=False,
    )  # fmt: skip
    if found:
        return found[0]
    columns = ["title", "url", "funder", "programme", "status", "opens", "deadlines"]
    stored = store.column_values(db, [call_id], [*columns, "budget_amount", "budget_currency"])
    if call_id not in stored:
        return None
    row = [call_id, *stored[call_id].values()]  # id, then the columns in the order asked
    deadlines = json.loads(row[7] or "[]")
    base = {"status": row[5], "opens": row[6], "deadlines": deadlines}
    status = effective_status(base, today)
    nd, days = shown_deadline(deadlines, today)
    return rank_mod.Ranked(
        id=row[0], title=row[1], url=row[2], funder=row[3], programme=row[4] or "", status=status,
        deadline=nd, days_left=days, opens=row[6], budget_amount=row[8], budget_currency=row[9],
        score=0.0, relevance=0.0, themes={}, eligibility="unclear", factors={}, reasons=[],
        deadlines=deadlines, evidence={"_themes": "{}", "_facts": {}},
    )  # fmt: skip


def cut_section(
    db: Database,
    section: Section,
    limit: int,
    profile: Profile | None,
    facts: dict[str, dict] | None = None,
) -> Section:
    """Count, cut, then read explanations and facts for the calls that stay (a report's
    sections, the municipality's and the network's, are all cut here)."""
    section.total = len(section.items)
    if limit > 0:
        del section.items[limit:]
    shown = [i.ranked.id for i in section.items]
    known = call_facts(db, [x for x in shown if facts is None or x not in facts])
    if facts is not None:
        facts.update(known)
        known = facts
    for item in section.items:
        rank_mod.explain_call(db, item.ranked, profile)
        item.short = shortid.short(item.ranked.id)
        item.facts = known.get(item.ranked.id, {})
    return section


# ---------------------------------------------------------------------------------------------
# One municipality


def kommun_report(
    db: Database,
    rules: Rules,
    profile: Profile,
    today: date,
    start: date,
    lang: str = "sv",
    hidden: set[str] | None = None,
    *,
    decide_days: int = DECIDE_DAYS,
    filters: Filters | None = None,
    limit: int = SECTION_LIMIT,
) -> Report:
    from callwatch import report_select as select
    from callwatch.recurring import expected_reopening

    t = words(lang)
    changes = _changed_in(db, profile, start, today)
    calls = select.briefs(db, profile, today, REPORT_MIN_RELEVANCE, hidden or set(), set(changes))
    if filters is not None and filters.active():
        keep = {r.id for r in relevant_for(db, rules, profile, today, hidden or set(), filters)}
        calls = [b for b in calls if b.id in keep]
    mine = decided_calls(db, profile.id)
    period = (start.isoformat(), today.isoformat())

    decide = sorted(
        (b for b in calls if closes_within(b, decide_days) and b.id not in mine),
        key=lambda b: (b.days_left, -b.score, b.id),
    )
    new = [b for b in calls if period[0] <= b.first_seen[:10] <= period[1] and b.status != "closed"]
    to_decide = {b.id for b in decide}
    closing_total = sum(1 for b in calls if closes_within(b, CLOSING_DAYS))
    closing = sorted(
        (b for b in calls if closes_within(b, CLOSING_DAYS) and b.id not in to_decide),
        key=lambda b: (b.days_left, b.id),
    )
    changed = [b for b in calls if b.id in changes]
    forthcoming: list[tuple[select.Brief, str]] = [
        (b, "") for b in calls if b.status == "forthcoming"
    ]
    closed = [b for b in calls if b.status == "closed" and b.series]
    rounds = select.series_rounds(db, {b.series for b in closed if b.series})
    for b in closed:
        when = expected_reopening(rounds.get(b.series or "", []), today, lang)
        if when:
            forthcoming.append((b, when))
    timeline = sorted(
        (
            b
            for b in calls
            if b.status == "open" and b.days_left is not None and 0 <= b.days_left <= TIMELINE_DAYS
        ),
        key=lambda b: (b.days_left or 0, b.id),
    )[:limit]
    cut: list[list] = [decide, new, closing, changed, forthcoming]
    shown: list[select.Brief] = [
        x if isinstance(x, select.Brief) else x[0]
        for part in cut
        for x in part[: limit if limit > 0 else None]
    ]
    ranked = select.full(db, profile, today, [b.id for b in shown + timeline])
    # the calls changed in the period need all their changes, whatever the cut
    history = _changes(db, [b.id for b in changed[: limit if limit > 0 else None]], start, today)

    def item(r: rank_mod.Ranked, **kw: object) -> Item:
        it = Item(r, **kw)  # type: ignore[arg-type]
        own = mine.get(r.id, [])
        if own:
            d = own[-1]
            it.decided = [decision_line(profile.name, d["status"], d["reason"], d["by"], d["created"], lang)]  # fmt: skip
        else:
            it.mark_for = profile.id
        return it

    def head(part: list) -> list[Item]:
        """The items a section shows: its first `limit` calls, read in full."""
        out = []
        for x in part[: limit if limit > 0 else None]:
            b, expected = (x, "") if isinstance(x, select.Brief) else x
            kw: dict = {"changes": history.get(b.id, [])} if part is changed else {}
            if expected:
                kw["expected"] = expected
            out.append(item(ranked[b.id], **kw))
        return out

    own_lists: dict[str, list[Item]] = {}
    for status in ("engage", "watch"):
        rows = [
            ranked_call(db, rules, profile, today, cid)
            for cid, ds in sorted(mine.items())
            if ds[-1]["status"] == status
        ]
        own_lists[status] = sorted(
            (item(r) for r in rows if r is not None), key=lambda i: urgency(i.ranked)
        )
    facts: dict[str, dict] = {}
    sections = [
        Section("decide", t["decide"], head(decide), t["empty_decide"],
                intro=t["decide_intro"].format(days=decide_days)),
        Section("new", t["new"], head(new), t["empty"]),
        Section("engaged", t["engaged"], own_lists["engage"], t["empty_engaged"].format(name=profile.name)),
        Section("watched", t["watched"], own_lists["watch"], t["empty_watched"].format(name=profile.name)),
        Section("closing", t["closing"], head(closing), t["empty_closing"], intro=t["closing_intro"]),
        Section("changed", t["changed"], head(changed), t["empty"]),
        Section("forthcoming", t["forthcoming"], head(forthcoming), t["empty"]),
    ]  # fmt: skip
    totals = [len(decide), len(new), None, None, len(closing), len(changed), len(forthcoming)]
    for s, total in zip(sections, totals, strict=True):
        cut_section(db, s, limit, profile, facts)
        if total is not None:
            s.total = total  # counted before the cut
    return Report(
        title=t["title"].format(name=profile.name),
        lang=lang,
        today=today,
        start=start,
        sections=sections,
        summary=t["summary"].format(
            decide=sections[0].total,
            new=sections[1].total,
            closing=closing_total,
            days=CLOSING_DAYS,
            changed=sections[5].total,
        ),  # fmt: skip
        timeline=[item(ranked[b.id]) for b in timeline],
        kommun=profile.id,
    )


def _changed_in(db: Database, profile: Profile, start: date, end: date) -> set[str]:
    """Ids of the calls relevant to the municipality whose deadlines, budget or status changed
    in the period (what the report's "changed" section lists)."""
    from callwatch import score_reads

    return score_reads.changed_relevant(db, profile.id, start.isoformat(), end.isoformat())
