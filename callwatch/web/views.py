"""What the web app's pages show, computed from the library: the network page's joint and
closing-soon calls, a municipality's ranked calls under the page's filters, its own engage and
watch lists, and a call's facts in words. No request handling (pages.py) and no SQL of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from callwatch import decisions, scoring
from callwatch import rank as rank_mod
from callwatch import report as report_mod
from callwatch.dates import shown_deadline
from callwatch.priority import THEME_SHOWN, format_money, in_sek
from callwatch.report_data import closes_within
from callwatch.rules import Profile, Rules, fold

if TYPE_CHECKING:  # annotations only: app.py imports this module
    from callwatch.web.app import Web

PAGE_SIZE = 50  # ranked calls on a municipality's page
WEEK = report_mod.PERIOD_DAYS  # the network page shows the decisions of the report's week
MAX_FILTER_TEXT = 200
STATUS_FILTERS = ("active", "open", "forthcoming", "closed", "all")


@dataclass
class Filters:
    theme: str = ""
    funder: str = ""
    budget: float | None = None  # MSEK
    status: str = "active"
    text: str = ""

    @property
    def plain(self) -> bool:
        """No filter beyond the default: exactly what `callwatch rank --kommun X` shows."""
        return (
            not (self.theme or self.funder or self.budget or self.text) and self.status == "active"
        )


def network_data(web: Web, db: Any, today: date, lang: str) -> tuple[tuple[list, int], list]:
    """Joint candidates (the network report's first section) and the calls closing soon that
    matter to some municipality, with who they matter to."""
    rules = web.rules
    hidden = decisions.by_status(db, "dismiss")
    rep = report_mod.network_report(db, rules, today, today - timedelta(days=WEEK), lang, hidden)
    first = rep.sections[0] if rep.sections else None  # joint candidates, capped by the report
    joint = (first.items, first.more) if first else ([], 0)
    closing: dict[str, Any] = {}
    for profile_id, profile in sorted(rules.profiles.items()):
        for r in closing_soon(db, rules, profile, today, hidden.get(profile_id, set())):
            entry = closing.setdefault(r.id, {"r": r, "kommuner": []})
            entry["kommuner"].append(profile.name)
    soon = sorted(closing.values(), key=lambda e: (e["r"].days_left, e["r"].id))
    soon = soon[: report_mod.SECTION_LIMIT]
    for e in soon:
        rank_mod.explain_call(db, e["r"])
    return joint, soon


def filters_from(request: Request) -> Filters:
    q = request.query_params
    f = Filters(
        theme=q.get("theme", "")[:64],
        funder=q.get("funder", "")[:MAX_FILTER_TEXT],
        status=q.get("status", "active"),
        text=q.get("text", "")[:MAX_FILTER_TEXT].strip(),
    )
    if f.status not in STATUS_FILTERS:
        f.status = "active"
    try:
        budget = float(q.get("budget", "").replace(",", ".").replace(" ", "") or "nan")
        f.budget = budget if budget > 0 else None
    except ValueError:
        f.budget = None
    return f


def _sek(r: rank_mod.Ranked) -> float:
    if not r.budget_amount:
        return 0.0
    return in_sek(r.budget_amount, r.budget_currency)


def closing_soon(
    db: Any,
    rules: Rules,
    profile: Profile,
    today: date,
    hidden: set[str],
    skip: set[str] | frozenset[str] = frozenset(),
    limit: int = report_mod.SECTION_LIMIT,
) -> list[rank_mod.Ranked]:
    """Relevant calls closing within the report's horizon, most urgent first, each evaluated by
    rank.rank_for_profile. Candidates are read by their stored next deadline (refreshed by every
    fetch), so the page evaluates a few calls instead of every relevant one (CROSS JOIN and "+" keep
    SQLite on the next-deadline index, walking calls soonest first: scoring.closing_candidates)."""
    lo = (today - timedelta(days=1)).isoformat()
    hi = (
        today + timedelta(days=max(report_mod.CLOSING_DAYS, report_mod.DECIDE_DAYS) + 2)
    ).isoformat()
    ids = scoring.closing_candidates(
        db, profile.id, lo, hi, report_mod.REPORT_MIN_RELEVANCE,
        4 * limit + len(skip) + len(hidden),
    )  # fmt: skip
    out: list[rank_mod.Ranked] = []
    for cid in ids:
        if cid in hidden or cid in skip:
            continue
        out += [
            r
            for r in rank_mod.rank_for_profile(
                db,
                rules,
                profile,
                today,
                call_id=cid,
                within=max(report_mod.CLOSING_DAYS, report_mod.DECIDE_DAYS),
                min_relevance=report_mod.REPORT_MIN_RELEVANCE,
                explain=False,
            )  # fmt: skip
            if closes_within(r, report_mod.DECIDE_DAYS)  # the report's own "to decide" rule
        ]
        if len(out) >= limit:
            break
    out.sort(key=lambda r: (r.days_left, r.id))
    return out[:limit]


def ranked_calls(
    db: Any, rules: Rules, profile: Profile, today: date, f: Filters, hidden: set[str]
) -> tuple[list[rank_mod.Ranked], bool]:
    """The municipality's ranked calls through rank.rank_for_profile (the CLI's `rank`), then
    narrowed by the page's filters; (calls shown, whether more matched)."""
    if f.plain:
        ranked = rank_mod.rank_for_profile(
            db, rules, profile, today, hidden_ids=hidden, limit=PAGE_SIZE + 1
        )
        return ranked[:PAGE_SIZE], len(ranked) > PAGE_SIZE
    include_closed = f.status in ("closed", "all")
    text = fold(f.text) if f.text else ""
    shown: list[rank_mod.Ranked] = []
    for r in rank_mod.rank_for_profile(
        db, rules, profile, today, hidden_ids=hidden, include_closed=include_closed, explain=False
    ):
        if f.status in ("open", "forthcoming", "closed") and r.status != f.status:
            continue
        if f.funder and r.funder != f.funder:
            continue
        if f.budget and _sek(r) < f.budget * 1e6:
            continue
        if text and text not in fold(f"{r.title} {r.funder} {r.programme} {r.id}"):
            continue
        if f.theme:
            rank_mod.explain_call(db, r, profile)
            if r.themes.get(f.theme, 0.0) < THEME_SHOWN:
                continue
        shown.append(r)
        if len(shown) > PAGE_SIZE:
            break
    return [rank_mod.explain_call(db, r, profile) for r in shown[:PAGE_SIZE]], len(
        shown
    ) > PAGE_SIZE


def own_lists(db: Any, profile_id: str, today: date) -> dict[str, list[dict]]:
    """The municipality's engage and watch decisions with their next deadline, soonest first."""
    lists: dict[str, list[dict]] = {"engage": [], "watch": []}
    for d in decisions.current(db, profile_id):
        if d["status"] not in lists:
            continue
        try:
            deadlines = json.loads(d.get("deadlines") or "[]")
        except (TypeError, ValueError):
            deadlines = []
        nd, days = shown_deadline(deadlines, today)
        lists[d["status"]].append({**d, "deadline": nd, "days_left": days})
    for rows in lists.values():
        rows.sort(
            key=lambda r: (r["days_left"] if (r["days_left"] or -1) >= 0 else 10**6, r["call_id"])
        )
    return lists


def kommun_data(web: Web, db: Any, profile: Profile, today: date, f: Filters) -> tuple:
    """(ranked calls, whether more matched, calls to decide) for a municipality's page, computed
    once per state of the data (Web.cached)."""
    hidden = decisions.by_status(db, "dismiss").get(profile.id, set())

    def compute() -> tuple:
        decided = {d["call_id"] for d in decisions.current(db, profile.id)}
        ranked, more = ranked_calls(db, web.rules, profile, today, f, hidden)
        to_decide = closing_soon(db, web.rules, profile, today, hidden, skip=decided)
        return ranked, more, [rank_mod.explain_call(db, r, profile) for r in to_decide]

    key = ("kommun", profile.id, f.theme, f.funder, f.budget, f.status, f.text)
    return web.cached(db, key, compute)


def fact_rows(call: dict) -> list[dict]:
    """The extracted facts (calls.facts, JSON) as rows of name, value, evidence and source,
    whatever shape the extractor gives them: a mapping of name to value or to a record, or a
    list of records."""
    raw = call.get("facts")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if isinstance(raw, dict):
        items = [
            dict(v, name=k) if isinstance(v, dict) else {"name": k, "value": v}
            for k, v in raw.items()
        ]
    elif isinstance(raw, list):
        items = [v for v in raw if isinstance(v, dict)]
    else:
        return []
    rows = []
    for it in items[:100]:
        value = it.get("value", it.get("text", ""))
        rows.append(
            {
                "name": str(it.get("name") or it.get("fact") or it.get("key") or ""),
                "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                "evidence": str(it.get("evidence") or it.get("sentence") or ""),
                "source": str(it.get("source") or ""),
            }
        )
    return rows


FACT_COLUMNS = (
    "max_per_project", "min_per_project", "funding_rate_max", "cofinancing_required",
    "consortium_required", "min_municipalities", "municipality_may_apply", "applicants",
)  # fmt: skip


def fact_columns(call: dict, t: dict) -> list[tuple[str, str]]:
    """The shared facts columns (when this database has them), in words."""
    out = []
    for key in FACT_COLUMNS:
        v = call.get(key)
        if v is None or v == "":
            continue
        if key in ("max_per_project", "min_per_project"):
            v = format_money(v, call.get("budget_currency"))
        elif key == "funding_rate_max":
            v = f"{float(v):.0%}"
        elif key in ("cofinancing_required", "consortium_required"):
            v = t["yes"] if v else t["no"]
        elif key == "municipality_may_apply":
            v = {"yes": t["yes"], "no": t["no"]}.get(str(v), t["unclear_short"])
        elif key == "applicants":
            try:
                v = ", ".join(map(str, json.loads(v))) if isinstance(v, str) else ", ".join(v)
            except (TypeError, ValueError):
                v = str(v)
        out.append((t[key], str(v)))
    return out
