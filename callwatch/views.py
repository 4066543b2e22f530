"""What the reading commands show, gathered from the database: the calls listing, one call with
its listings, rounds and decisions, the sources and their health, a decisions listing and a
municipality's watch list. Data only; the words and layout are in listings.py and detail.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callwatch import clock, paths, shortid, sources, store
from callwatch.errors import CallwatchError, NotFoundError, UsageError
from callwatch.inputs import check_counts, parse_today

if TYPE_CHECKING:
    from callwatch.rules import Profile, Rules
    from callwatch.workspace import Workspace

TABLE_LIMIT = 50  # rows a table shows unless --limit says otherwise
CALL_STATUSES = ("forthcoming", "open", "closed", "unknown")


@dataclass
class Page:
    """Rows of a listing, how many there are in all, and what the heading names."""

    rows: list[dict]
    total: int = 0
    names: dict[str, str] = field(default_factory=dict)  # profile id -> name
    profile: Profile | None = None
    today: date | None = None


def calls(
    ws: Workspace,
    names: list[str] | None,
    statuses: list[str] | None,
    search: str | None,
    limit: int | None,
    table: bool,
) -> Page:
    """Stored calls, soonest deadline first; one row per call with the best facts of all its
    listings (unless sources are named). A table shows TABLE_LIMIT rows unless told."""
    for st in statuses or []:
        if st not in CALL_STATUSES:
            raise UsageError(f"--status {st!r}: use forthcoming, open, closed or unknown")
    check_counts(limit)
    limit = (TABLE_LIMIT if table else 0) if limit is None else limit
    db = ws.db()
    if names:
        check_source_names(names, {s.id for s in ws.specs()} | store.stored_sources(db))
    query: dict[str, Any] = dict(sources=names, statuses=statuses, search=search)
    rows = store.query_calls(db, **query, limit=limit or None)
    total = store.count_calls(db, **query) if limit and len(rows) == limit else len(rows)
    if not names:
        from callwatch.merge import load, overlay

        merged = load(db)
        rows = [overlay(r, merged) for r in rows]
    remember(db, rows, "id", table)
    return Page(rows, total)


def check_source_names(names: list[str], known: set[str]) -> None:
    """A typo gets "did you mean", never an empty listing."""
    for n in names:
        if n not in known:
            from rapidfuzz import process

            best = process.extractOne(n, sorted(known))
            hint = f"; did you mean {best[0]!r}?" if best and best[1] > 60 else ""
            raise NotFoundError(f"unknown source {n!r}{hint}")


def remember(db: Any, rows: list[dict], key: str, table: bool) -> None:
    """Give each row its short id; a table's rows are remembered so `show 3` finds row 3."""
    for r in rows:
        r["short_id"] = shortid.short(r[key])
    if table:
        shortid.remember_listing(db, [r[key] for r in rows])


@dataclass
class CallDetail:
    call: dict
    history: list[dict]
    also_listed: list[dict]
    rounds: list[dict]
    decisions: list[dict]
    names: dict[str, str]


def call_detail(ws: Workspace, call_id: str) -> CallDetail:
    """One call with the facts of every listing, its history, the other listings of it, the
    other rounds of its series and the decisions on it."""
    from callwatch import decisions, dedupe, merge, recurring

    db = ws.db()
    call = store.get_call(db, shortid.resolve(db, call_id))
    cid = call["id"]
    return CallDetail(
        merge.overlay(call, merge.load(db)),
        store.call_history(db, cid),
        dedupe.also_listed(db, cid),
        [r.__dict__ for r in recurring.rounds(db, cid) if r.id != cid],
        decisions.history(db, cid),
        ws.kommun_names(),
    )


def source_rows(ws: Workspace) -> list[dict]:
    """Every source with its health from the run log: calls held, last success and failure."""
    specs = ws.specs()
    stats = store.source_stats(ws.db()) if Path(ws.db_file).exists() else {}
    return [_source_row(s, stats.get(s.id, {})) for s in specs]


def _source_row(s: Any, st: dict) -> dict:
    last = st.get("last_status")
    return {
        "id": s.id, "name": s.name, "kind": s.kind, "enabled": s.enabled,
        "calls": st.get("calls", 0), "open": st.get("by_status", {}).get("open", 0),
        "last_success": st.get("last_success"), "last_status": last,
        "consecutive_failures": st.get("consecutive_failures", 0),
        "last_error": st.get("last_error") if last == "failed" else None,
        "last_failure": st.get("last_failure"),
        "last_failure_message": st.get("last_failure_message"),
        "skipped": st.get("last_skipped", 0),
        "skipped_records": st.get("last_skipped_records", []),
        "health": "never fetched" if not last else ("ok" if last in ("ok", "partial") else "failing"),
    }  # fmt: skip


@dataclass
class Health:
    rows: list[dict]
    where: str  # 'live' or 'replay of FOLDER'
    failing: bool  # a source is broken or failed: exit 1


def source_health(
    ws: Workspace, live: bool, replay: Path | None, names: list[str] | None
) -> Health:
    """Each source's first listing page fetched (or replayed) and its extraction judged."""
    from callwatch.fetch import FetchOptions, check_sources

    if live and replay:
        raise CallwatchError("use either --live or --replay DIR, not both")
    specs = sources.select(ws.specs(), names)
    folder = None if live else (replay or paths.RECORDINGS_DIR)
    results = check_sources(
        specs, FetchOptions(mode="live" if live else "replay", replay_dir=folder)
    )
    return Health(
        [r.__dict__ for r in sorted(results, key=lambda r: r.source)],
        "live" if live else f"replay of {folder}",
        any(r.status in ("broken", "failed") for r in results),
    )


@dataclass
class Parsed:
    rows: list[dict]
    skipped: list[str]
    file: Path


def parse_file(ws: Workspace, source: str, file: Path) -> Parsed:
    """The calls a source's parser makes from one saved response, and the records it skipped."""
    from callwatch.adapters import parse_with_skips

    specs = {s.id: s for s in ws.specs()}
    if source not in specs:
        raise NotFoundError(f"unknown source {source!r}; known: {', '.join(sorted(specs))}")
    try:
        body = Path(file).read_bytes()
    except OSError as e:
        raise CallwatchError(f"{file}: {e.strerror}") from None
    calls, skipped = parse_with_skips(specs[source], body, clock.now(), str(file))
    return Parsed([c.to_dict() for c in calls], [str(s) for s in skipped], file)


def extract_pages(files: list[Path], today_s: str | None) -> Page:
    """The facts of saved pages; every file is read before anything is shown (one bad file:
    one line naming it, no partial output)."""
    from callwatch import pages

    today = parse_today(today_s)
    return Page([pages.extract_file(f, today)[0] for f in files], today=today)


def decision_rows(ws: Workspace, kommun: str | None, status: str | None, history: bool) -> Page:
    """The current decision per call and municipality, or every change (a backup)."""
    from callwatch import decisions

    pid = ws.rules().profile(kommun).id if kommun else None
    if status and status not in decisions.STATUSES:
        raise CallwatchError(f"unknown status {status!r}; use engage, watch or dismiss")
    db = ws.db()
    if history:
        rows = [r for r in decisions.changes(db, pid) if not status or r["status"] == status]
    else:
        rows = decisions.current(db, pid, status)
        for r in rows:
            r.pop("deadlines", None)
    for r in rows:
        r["short_id"] = shortid.short(r["call_id"])
    return Page(rows, len(rows), ws.kommun_names())


def watchlist(
    ws: Workspace, kommun: str, today_s: str | None, table: bool, warn: Callable[[str], None]
) -> Page:
    """Everything a municipality engages in or watches, soonest deadline first."""
    from callwatch import decisions, pipeline

    rules = ws.rules()
    profile = rules.profile(kommun)
    today = parse_today(today_s)
    db = ws.db()
    pipeline.refresh_scores(db, rules, warn)
    rows = [
        _watched(d, today) for d in decisions.current(db, profile.id) if d["status"] != "dismiss"
    ]
    rows.sort(key=lambda r: (_days_sort(r["days_left"]), r["id"]))
    for n, r in enumerate(rows, start=1):
        r["short_id"] = shortid.short(r["id"])
        r["n"] = n
    if table:
        shortid.remember_listing(db, [r["id"] for r in rows])
    return Page(rows, len(rows), profile=profile, today=today)


def _days_sort(days: int | None) -> int:
    return days if days is not None and days >= 0 else 10**6


def _watched(d: dict, today: date) -> dict:
    from callwatch.dates import shown_deadline
    from callwatch.output import local_time

    nd, days = shown_deadline(json.loads(d["deadlines"] or "[]"), today)
    return {
        "status": d["status"], "deadline": local_time(nd, with_time=False),
        "days_left": days,
        "call_status": d["call_status"], "title": d["title"], "reason": d["reason"] or "",
        "by": d["by"] or "", "id": d["call_id"], "url": d["url"],
    }  # fmt: skip


def days_until(value: str | None, today: date) -> int | None:
    """Days from today to an ISO timestamp's Swedish date."""
    if not value:
        return None
    from callwatch.dates import days_until as until

    return until(value, today)


def rules_summary(ws: Workspace) -> Rules:
    """The rules, loaded and validated (errors name the file and key)."""
    return ws.rules()


# ---------------------------------------------------------------------------------------------
# Ranking: `rank` and `explain`


@dataclass(frozen=True)
class Selection:
    """Which ranked calls a command wants: for a municipality or a theme (or, for exports, the
    whole network), how far ahead, and the shared filters."""

    kommun: str | None = None
    theme: str | None = None
    within: int | None = None
    include_closed: bool = False
    show_all: bool = False
    today: str | None = None  # --today as typed
    filters: Any = None  # report_data.Filters
    limit: int = 0


@dataclass
class Ranking:
    ranked: list
    rules: Rules
    target: Any  # the Profile or Theme ranked for
    today: date
    weights: dict[str, float]
    for_kommun: bool  # else for a theme


def ranking(ws: Workspace, sel: Selection, warn: Callable[[str], None]) -> Ranking:
    """Calls ranked for a municipality (its dismissed calls left out) or a theme, filtered,
    cut to the limit; only the rows shown get their reasons."""
    from callwatch import decisions, pipeline
    from callwatch import rank as rank_mod
    from callwatch.report_data import apply_filters

    if bool(sel.kommun) == bool(sel.theme):
        raise UsageError("give exactly one of --kommun NAME or --theme NAME")
    check_counts(sel.limit, sel.within)
    rules = ws.rules()
    target: Any = rules.profile(sel.kommun) if sel.kommun else rules.theme(sel.theme or "")
    today = parse_today(sel.today)
    db = ws.db()
    pipeline.refresh_scores(db, rules, warn)
    f = sel.filters
    kwargs: dict[str, Any] = dict(
        include_closed=sel.include_closed or bool(f and "closed" in f.statuses),
        show_all=sel.show_all, within=sel.within,
        limit=0 if f is not None and f.active() else sel.limit,
    )  # fmt: skip
    if sel.kommun:
        hidden = decisions.by_status(db, "dismiss").get(target.id, set())
        ranked = rank_mod.rank_for_profile(
            db, rules, target, today, hidden_ids=hidden, explain=False, **kwargs
        )
    else:
        ranked = rank_mod.rank_for_theme(db, rules, target, today, **kwargs)
    ranked = apply_filters(db, ranked, f)
    if sel.limit > 0:
        ranked = ranked[: sel.limit]
    for r in ranked:  # reasons only for the rows shown
        rank_mod.explain_call(db, r, target if sel.kommun else None, None if sel.kommun else target)
    shortid.remember_listing(db, [r.id for r in ranked])
    weights = target.weights if sel.kommun else {target.id: 1.0}
    return Ranking(ranked, rules, target, today, weights, bool(sel.kommun))


@dataclass
class Explained:
    found: Any  # rank.Ranked, with its evidence
    profile: Profile
    rules: Rules
    merged_from: dict[str, str]  # fact -> the listing it came from


def explanation(
    ws: Workspace, call_id: str, kommun: str, today_s: str | None, warn: Callable[[str], None]
) -> Explained:
    """One call's priority for one municipality with every factor and its evidence; every
    listing of a linked call explains the same."""
    from callwatch import merge, pipeline
    from callwatch import rank as rank_mod

    rules = ws.rules()
    profile = rules.profile(kommun)
    today = parse_today(today_s)
    db = ws.db()
    cid = store.get_call(db, shortid.resolve(db, call_id))["id"]  # a clear error when unknown
    cid = merge.canonical_id(db, cid)
    pipeline.refresh_scores(db, rules, warn)
    ranked = rank_mod.rank_for_profile(
        db, rules, profile, today, include_closed=True, show_all=True, call_id=cid
    )
    if not ranked:
        raise CallwatchError(
            f"{cid} matches none of {profile.name}'s themes (relevance below "
            f"{rank_mod.MIN_RELEVANCE}); see `callwatch show {cid}`"
        )
    merged_from = merge.load(db).get(ranked[0].id, ({}, {}))[1]
    return Explained(ranked[0], profile, rules, merged_from)
