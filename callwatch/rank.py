"""Priority of a call for a municipality (or a theme), with every factor visible.

priority = relevance x eligibility x deadline x size
relevance = (themes + keyword bonus) x exclusion

- themes: theme scores weighted by the municipality's profile; the strongest weighted theme
  counts, further themes add a little (a call squarely on a main theme beats one touching many);
- keyword bonus: the municipality's own words (places, programmes) found as whole words;
- exclusion: 0.2 when one of the municipality's excluded terms appears, else 1;
- eligibility: eligible 1.0, unclear 0.75, not eligible 0.3 (hidden unless --all), from the
  facts step's reading of who may apply (callwatch.facts);
- deadline: closed calls excluded unless --include-closed; very close deadlines penalised; a
  call whose status nothing states (`unknown`) 0.6, one whose only dates are years old 0.5;
- size: larger calls preferred, as the network asked; the per-project maximum stands in when the
  total is unknown; unknown budgets sit in the middle.

Order: calls are first grouped by how sure their dates are, then by priority: dated open and
forthcoming calls, then open calls without a deadline, then calls whose status is unknown or
whose dates are years old (flagged "verify"), then closed calls. So no undated or stale call is
ever above a dated open one, whatever its relevance.
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: read commands do not pay sqlite_utils' import
    import sqlite_utils

from callwatch.dates import STOCKHOLM, local_date, next_deadline, shown_deadline  # noqa: F401
from callwatch.rules import Profile, Rules, Theme, fold

# moved to callwatch.dates; the old names stay importable from here
_local_date = local_date
ELIGIBILITY_FACTORS = {"eligible": 1.0, "unclear": 0.75, "not eligible": 0.3}
# the facts step's verdict (who-may-apply sentences) in the matcher's words; its "unclear" is no
# answer, so the matcher's own verdict (eligibility phrases) stands, as in scoring.py
MAY_APPLY = {"yes": "eligible", "no": "not eligible"}
EUR_SEK = 11.0  # rough conversion for comparing sizes; shown budgets keep their own currency
MIN_RELEVANCE = 0.05  # below this a call is not about the municipality's themes at all
KEYWORD_BONUS = 0.05
MAX_KEYWORD_BONUS = 0.1
OTHER_THEMES_SHARE = 0.1  # what themes beyond the strongest add (as a probabilistic OR)
EXCLUDED_FACTOR = 0.2
# tiers of the order (see the module docstring); a lower tier is always above a higher one
TIER_DATED, TIER_UNDATED, TIER_VERIFY, TIER_CLOSED = 0, 1, 2, 3
TIERS = {0: "dated", 1: "no deadline", 2: "verify", 3: "closed"}


# A cheap upper bound on a call's final score, in SQL so that rows that cannot enter the list
# are skipped without Python work: relevance x stored size factor x eligibility factor x the
# deadline factor of the LAST deadline (the factor grows with the days left and the next
# deadline is never after the last; a day of slack for time zones; 0.9 for forthcoming or
# undated calls). Two parameters: today, today.
_BOUND = (
    "{upper} * coalesce(s.size_factor, 0.9) * (CASE s.eligibility WHEN 'unclear' THEN 0.75 "
    "WHEN 'not eligible' THEN 0.3 ELSE 1.0 END) * (CASE WHEN c.deadlines IS NULL OR "
    "c.deadlines IN ('', '[]') THEN 0.9 ELSE max(CASE WHEN c.opens IS NOT NULL AND "
    "substr(c.opens, 1, 10) >= ? THEN 0.9 ELSE 0 END, (SELECT CASE WHEN d < 0 THEN 0.2 "
    "WHEN d < 7 THEN 0.4 WHEN d < 14 THEN 0.7 WHEN d < 21 THEN 0.85 ELSE 1.0 END FROM (SELECT "
    "julianday(substr(json_extract(c.deadlines, '$[#-1]'), 1, 10)) - julianday(?) + 1 AS d)))"
    " END)"
)
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
    reasons: list[str]
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

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d.pop("evidence"), d.pop("eligibility_evidence"), d.pop("hidden"), d.pop("keywords")
        d.pop("tier")
        for k in ("decision", "earlier_decision"):
            if not d[k]:
                d.pop(k)
        return d


def effective_status(row: dict, today: date) -> str:
    """Status as of `today`, so a report for an earlier date shows what was open then."""
    deadlines = row["deadlines"]
    if row.get("opens") and local_date(row["opens"]) > today and row["status"] != "closed":
        return "forthcoming"
    if deadlines:
        return "open" if next_deadline(deadlines, today) else "closed"
    return row["status"]


def deadline_factor(status: str, days_left: int | None, stale: bool = False) -> tuple[float, str]:
    if status == "closed":
        return 0.2, "closed"
    if stale:
        return 0.5, "only years-old dates: verify"
    if status == "unknown":
        return 0.6, "no dated evidence of an open call: verify"
    if status == "forthcoming":
        return 0.9, "forthcoming: time to prepare"
    if days_left is None:
        return 0.8, "no fixed deadline"
    if days_left < 7:
        return 0.4, f"only {days_left} days left"
    if days_left < 14:
        return 0.7, f"{days_left} days left: tight"
    if days_left < 21:
        return 0.85, f"{days_left} days left"
    return 1.0, f"{days_left} days left"


def size_factor(
    amount: float | None,
    currency: str | None,
    min_budget: float | None,
    per_project: float | None = None,
) -> tuple[float, str]:
    """Bigger calls first; where the total is unknown the per-project maximum stands in (one
    project's share is what a municipality can get, so it is compared on the same scale)."""
    what = "budget"
    if not amount and per_project:
        amount, what = per_project, "per project up to"
    if not amount:
        return 0.9, "budget unknown"
    sek = amount * (EUR_SEK if currency == "EUR" else 1.0)
    if min_budget and sek < min_budget:
        return 0.6, f"{what} {format_money(amount, currency)} below the profile's minimum"
    scaled = min(max(math.log10(max(sek, 1) / 1e6) / 3, 0.0), 1.0)  # 1 MSEK .. 1 BSEK
    return round(0.85 + 0.15 * scaled, 3), f"{what} {format_money(amount, currency)}"


def format_money(amount: float | None, currency: str | None) -> str:
    if not amount:
        return ""
    cur = currency or ""
    if amount >= 1e6:
        value = f"{amount / 1e6:,.1f}".rstrip("0").rstrip(".")
        return f"{value} M{cur}" if cur else f"{value} M"
    return f"{amount:,.0f} {cur}".replace(",", " ").strip()


def region_check(extra: dict, profile: Profile) -> str | None:
    """None if the call is open to the municipality's region, else the reason it is not."""
    nuts = [str(n) for n in extra.get("nuts") or []]
    regions = [str(r) for r in extra.get("regions") or []]
    if not nuts and not regions:
        return None
    if any(fold(r) in ("hela sverige", "sverige", "sweden", "all of sweden") for r in regions):
        return None
    if nuts and any(profile.nuts.startswith(n) or n.startswith(profile.nuts) for n in nuts):
        return None
    lan = fold(profile.lan).removesuffix(" lan").rstrip("s")
    if regions and any(lan and lan in fold(r) for r in regions):
        return None
    shown = ", ".join(regions or nuts)
    return f"only for {shown}"


def relevance_parts(themes: dict[str, float], weights: dict[str, float], facts: dict) -> dict:
    """The parts of a municipality's relevance, as `explain` shows them:
    relevance = (themes + keywords) x exclusion, each part rounded as shown."""
    theme_part = _blend([s * weights.get(t, 0.0) for t, s in themes.items()], OTHER_THEMES_SHARE)
    bonus = min(KEYWORD_BONUS * len(facts.get("k") or []), MAX_KEYWORD_BONUS)
    bonus = min(bonus, 1.0 - theme_part) if theme_part < 1.0 else 0.0
    exclusion = EXCLUDED_FACTOR if facts.get("x") else 1.0
    theme_part, bonus = round(theme_part, 4), round(bonus, 4)
    return {
        "themes": theme_part,
        "keywords": bonus,
        "exclusion": exclusion,
        "relevance": round((theme_part + bonus) * exclusion, 4),
    }


def profile_relevance(themes: dict[str, float], weights: dict[str, float], facts: dict) -> float:
    """Theme scores weighted by a profile, plus the keyword bonus, cut when one of the
    municipality's excluded terms appears (see relevance_parts)."""
    return relevance_parts(themes, weights, facts)["relevance"]


def _blend(values: list[float], share: float) -> float:
    """The strongest weighted theme, plus `share` of what the others add as a probabilistic
    OR: a call squarely on one of the municipality's main themes beats one that touches many."""
    if not values:
        return 0.0
    top = max(values)
    return top + share * (_or(values) - top)


def _or(values: list[float]) -> float:
    p = 1.0
    for v in values:
        p *= 1 - max(0.0, min(v, 1.0))
    return 1 - p


def top_terms(evidence: dict, theme: str, n: int = 3) -> list[str]:
    return [e[0] for e in evidence.get(theme, []) if not e[0].startswith("not:")][:n]


def _candidates(
    db: sqlite_utils.Database,
    profile: Profile | None,
    theme: Theme | None,
    include_closed: bool,
    today: date,
    call_id: str | None = None,
    light: bool = False,
):  # noqa: ANN202
    """Calls in order of their best possible score (relevance), read from an index, each with
    a cheap upper bound on its final score (_BOUND). `light`: only those; _rank reads the rest
    (_rest_columns) for the calls it evaluates."""
    if profile is not None:
        src = "profile_scores ps"
        upper = "ps.relevance"
        where = ["ps.profile = ?", "ps.relevance >= ?", "c.duplicate_of IS NULL"]
        args: list = [profile.id, MIN_RELEVANCE]
    else:
        assert theme is not None
        src = "theme_scores ps"
        upper = "ps.score"
        where = ["ps.theme = ?", "ps.score >= ?", "c.duplicate_of IS NULL"]
        args = [theme.id, MIN_RELEVANCE]
    if not include_closed:
        # cheap pre-filter with a day of slack; effective_status() decides exactly
        where.append(
            "NOT (c.deadlines NOT IN ('', '[]') AND "
            "substr(json_extract(c.deadlines, '$[#-1]'), 1, 10) < date(?, '-1 day'))"
        )
        args.append(today.isoformat())
    if call_id is not None:
        where.append("c.id = ?")
        args.append(call_id)
    rest = "" if light else ", " + _rest_columns(db)
    sql = (
        f"SELECT {upper} AS upper, {_BOUND.format(upper=upper)} AS bound, c.id, c.opens, "
        f"c.deadlines, s.eligibility AS verdict, s.size_factor{rest} "
        f"FROM {src} JOIN calls c ON c.id = ps.call_id JOIN call_scores s ON s.call_id = c.id "
        f"WHERE {' AND '.join(where)} ORDER BY upper DESC"
    )
    cur = db.execute(sql, [today.isoformat(), today.isoformat(), *args])
    yield [c[0] for c in cur.description]  # the column names first, then the rows as tuples
    yield from cur


def _contract_columns(db: sqlite_utils.Database) -> str:
    """The facts migration's columns, as NULL where this database lacks them."""
    have = {r[1] for r in db.execute("PRAGMA table_info(calls)")}
    return ", ".join(f"c.{col}" if col in have else f"NULL AS {col}" for col in CONTRACT_COLUMNS)


def _rest_columns(db: sqlite_utils.Database) -> str:
    """The columns _evaluate needs beyond the light ones."""
    contract = _contract_columns(db)
    return (
        "c.title, c.url, c.funder, c.programme, c.status, c.budget_amount, c.budget_currency, "
        f"{contract}, s.themes, s.profiles"
    )


def _read_rest(db: sqlite_utils.Database, columns: str, call_id: str) -> dict:
    cur = db.execute(
        f"SELECT {columns} FROM calls c JOIN call_scores s ON s.call_id = c.id WHERE c.id = ?",
        [call_id],
    )
    cols = [c[0] for c in cur.description]
    return dict(zip(cols, cur.fetchone(), strict=True))


def _rank(
    db: sqlite_utils.Database,
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
    rest = _rest_columns(db) if light else ""
    rows = _candidates(db, profile, theme, include_closed, today, call_id, light)
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
            row.update(_read_rest(db, rest, row["id"]))
        row = overlay(row, merged, as_json=True)
        r = _evaluate(row, weights, profile, today)
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
            key = _key(r)
            if len(heap) < limit:
                heapq.heappush(heap, (key, len(results)))
            elif key > heap[0][0]:
                heapq.heapreplace(heap, (key, len(results)))
    results.sort(key=_order)
    return results[:limit] if limit > 0 else results


def _key(r: Ranked) -> float:
    """One number that orders like _order's first two parts: a lower tier always wins (scores
    are at most 1), then the higher score. Never above the score, so the relevance and quick
    bounds in _rank stay upper bounds."""
    return r.score - 2 * r.tier


def _order(r: Ranked) -> tuple:
    return (r.tier, -r.score, r.deadline or "9999", r.id)


def _tier(status: str, dated: bool, stale: bool) -> int:
    """dated: an open call with a coming deadline, or a forthcoming one with any date."""
    if status == "closed":
        return TIER_CLOSED
    if stale or status == "unknown":
        return TIER_VERIFY
    return TIER_DATED if dated else TIER_UNDATED


def joint_reason(row: dict) -> str:
    """Why a call is a joint opportunity for the network, or "" when it is not."""
    n = row.get("min_municipalities")
    if n and int(n) >= 2:
        return f"requires at least {int(n)} municipalities"
    if row.get("consortium_required") == 1:
        return "requires a consortium"
    return ""


def _evaluate(row: dict, weights: dict[str, float], profile: Profile | None, today: date) -> Ranked:
    row["deadlines"] = json.loads(row["deadlines"] or "[]")
    profiles = row["profiles"]
    facts = json.loads(profiles).get(profile.id, {}) if profile and profiles != "{}" else {}
    return _evaluate_parsed(row, facts, profile, today, effective_status(row, today))


def _factors(
    row: dict, facts: dict, profile: Profile | None, status: str, days: int | None
) -> tuple[float, str, str, float, float, float]:
    """(score, verdict, hidden, eligibility, deadline and size factor) of one call for one
    profile: the whole of the score, without building a Ranked."""
    verdict = MAY_APPLY.get(row.get("municipality_may_apply") or "", row["verdict"])
    hidden = ""
    if facts.get("o"):
        verdict = "not eligible"
    if verdict == "not eligible":
        hidden = "not eligible"
    if facts.get("x"):
        hidden = hidden or "excluded"
    if status == "closed":
        hidden = hidden or "closed"
    stale = bool(row.get("stale"))
    d_factor, _ = deadline_factor(status, days, stale)
    s_factor = row["size_factor"] if row["size_factor"] is not None else 0.9
    if profile and profile.min_budget_sek:
        s_factor, _ = size_factor(
            row["budget_amount"], row["budget_currency"], profile.min_budget_sek,
            row.get("max_per_project"),
        )  # fmt: skip
    e_factor = ELIGIBILITY_FACTORS[verdict]
    score = round(row["upper"] * e_factor * d_factor * s_factor, 4)
    return score, verdict, hidden, e_factor, d_factor, s_factor


def _evaluate_parsed(
    row: dict, facts: dict, profile: Profile | None, today: date, status: str
) -> Ranked:
    """_evaluate() for a row whose deadlines are already a list and whose facts are read."""
    relevance = row["upper"]  # precomputed: profile relevance or theme score
    deadline, days = shown_deadline(row["deadlines"], today)
    score, verdict, hidden, e_factor, d_factor, s_factor = _factors(
        row, facts, profile, status, days
    )
    stale = bool(row.get("stale"))
    dated = bool(deadline) if status == "open" else bool(row["opens"] or row["deadlines"])
    tier = _tier(status, dated, stale)
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
        tier=tier,
        verify=tier == TIER_VERIFY,
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


def explain_reasons(
    db: sqlite_utils.Database,
    r: Ranked,
    profile: Profile | None,
    theme: Theme | None,
    row: tuple | None = None,
) -> Ranked:
    """Fill the human-readable reasons (read evidence only for the calls that are shown).
    `row` is the call's (evidence, eligibility_evidence) when the caller read it already."""
    row = (
        row
        or db.execute(
            "SELECT s.evidence, s.eligibility_evidence FROM call_scores s WHERE s.call_id = ?",
            [r.id],
        ).fetchone()
    )
    evidence = json.loads(row[0] or "{}")
    el_evidence = json.loads(row[1] or "[]")
    said = db.execute("SELECT facts FROM calls WHERE id = ?", [r.id]).fetchone()
    who = (json.loads(said[0] or "{}").get("evidence") or {}).get("municipality_may_apply")
    if who:  # the who-may-apply sentence the verdict came from
        el_evidence = [who[:200]]
    themes: dict[str, float] = json.loads(r.evidence.get("_themes") or "{}")
    r.themes = {t: round(v, 3) for t, v in sorted(themes.items(), key=lambda kv: -kv[1])}
    weights = profile.weights if profile else {}
    weighted = {t: s * weights.get(t, 0.0) for t, s in themes.items()}
    facts = r.evidence.get("_facts", {})
    reasons = []
    if profile is not None:
        parts = relevance_parts(themes, weights, facts)
        r.factors = {
            "themes": parts["themes"],
            "keywords": parts["keywords"],
            "exclusion": parts["exclusion"],
            **r.factors,
        }
        if parts["keywords"]:
            reasons.append(
                f"keyword bonus +{parts['keywords']:.3f} for "
                + ", ".join(f"'{k}'" for k in facts.get("k", []))
            )
        for t in sorted(weighted, key=lambda t: -weighted[t])[:2]:
            if weighted[t] > 0.02:
                terms = ", ".join(f"'{x}'" for x in top_terms(evidence, t))
                reasons.append(
                    f"{t} {r.themes.get(t, 0):.2f} x weight {profile.weights.get(t, 0):.1f} ({terms})"
                )
        if facts.get("k"):
            reasons.append("mentions " + ", ".join(f"'{k}'" for k in facts["k"]))
            r.keywords = list(facts["k"])
        if facts.get("o"):
            reasons.append(facts["o"])
        if facts.get("x"):
            reasons.append("excluded term " + ", ".join(f"'{x}'" for x in facts["x"]))
    elif theme is not None and r.themes.get(theme.id):
        terms = ", ".join(f"'{x}'" for x in top_terms(evidence, theme.id))
        reasons.append(f"{theme.id} {r.themes[theme.id]:.2f} ({terms})")
    why = "; ".join(el_evidence[:2])
    reasons.append(f"eligibility: {r.eligibility}" + (f" ({why})" if why else ""))
    reasons.append(deadline_factor(r.status, r.days_left, r.evidence.get("_stale", False))[1])
    reasons.append(
        size_factor(
            r.budget_amount, r.budget_currency, profile.min_budget_sek if profile else None,
            r.evidence.get("_per_project"),
        )[1]
    )  # fmt: skip
    if r.joint:
        reasons.append(f"joint opportunity: {r.joint_reason}")
    r.reasons = reasons
    r.evidence = evidence
    r.eligibility_evidence = el_evidence
    return r


def rank_for_profile(
    db: sqlite_utils.Database,
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


def explain_call(
    db: sqlite_utils.Database, r: Ranked, profile: Profile | None = None, theme: Theme | None = None
) -> Ranked:
    """Reasons, evidence and (for a municipality) its decisions; once per call."""
    if r.reasons:
        return r
    explain_reasons(db, r, profile, theme)
    return _with_decisions(db, r, profile) if profile is not None else r


def explain_many(
    db: sqlite_utils.Database, items: list[tuple[Ranked, Profile | None, Theme | None]]
) -> list[Ranked]:
    """explain_call() for many calls at once (exports): their evidence read 500 at a time, and
    no decision lookups for municipalities that have taken no decision at all."""
    ids = [r.id for r, _, _ in items if not r.reasons]
    rows: dict[str, tuple] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for cid, *evidence in db.execute(
            "SELECT call_id, evidence, eligibility_evidence FROM call_scores "
            f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            rows[cid] = tuple(evidence)
    deciders = {k for (k,) in db.execute("SELECT DISTINCT kommun FROM decisions")}
    out = []
    for r, profile, theme in items:
        if not r.reasons:
            explain_reasons(db, r, profile, theme, rows.get(r.id))
            if profile is not None and profile.id in deciders:
                _with_decisions(db, r, profile)
        out.append(r)
    return out


def _with_decisions(db: sqlite_utils.Database, r: Ranked, profile: Profile) -> Ranked:
    """Add this municipality's decision, and the one it took on an earlier round, to the reasons."""
    row = db.execute(
        "SELECT status, reason, by, created FROM decisions_current WHERE call_id = ? AND kommun = ?",
        [r.id, profile.id],
    ).fetchone()
    if row:
        who = f", {row[2]}" if row[2] else ""
        r.reasons.insert(
            0, f"decision: {row[0]} ({row[3][:10]}{who})" + (f": {row[1]}" if row[1] else "")
        )
        r.decision = row[0]
    series = db.execute("SELECT series FROM calls WHERE id = ?", [r.id]).fetchone()
    if series and series[0]:
        from callwatch.recurring import earlier_decisions

        for d in earlier_decisions(db, r.id, profile.id)[-1:]:
            r.reasons.append(f"earlier round {d['call_id']}: {d['status']} ({d['created'][:10]})")
            r.earlier_decision = f"{d['status']} ({d['created'][:10]}, {d['title']})"
    return r


def rank_for_theme(
    db: sqlite_utils.Database,
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
    db: sqlite_utils.Database,
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
    marks = ", ".join("?" * len(profiles))
    # each call once, in storage order, with its relevance per municipality gathered from the
    # (profile, call_id) index: no sort of every (call, municipality) row
    where = [
        f"EXISTS (SELECT 1 FROM profile_scores p WHERE p.call_id = c.id AND p.profile IN ({marks}) "
        "AND p.relevance >= ?)",
        "c.duplicate_of IS NULL",
    ]
    args: list = [*by_id, MIN_RELEVANCE, *by_id, MIN_RELEVANCE]
    if not include_closed:
        where.append(
            "NOT (json_array_length(c.deadlines) > 0 AND "
            "substr(json_extract(c.deadlines, '$[#-1]'), 1, 10) < date(?, '-1 day'))"
        )
        args.append(today.isoformat())
    cur = db.execute(
        "SELECT (SELECT json_group_object(p.profile, p.relevance) FROM profile_scores p "
        f"WHERE p.call_id = c.id AND p.profile IN ({marks}) AND p.relevance >= ?) AS relevance, "
        "c.id, c.title, c.url, c.funder, c.programme, c.status, c.opens, c.deadlines, "
        "c.budget_amount, c.budget_currency, s.themes, s.eligibility AS verdict, s.profiles, "
        f"s.size_factor, {_contract_columns(db)} FROM calls c "
        f"JOIN call_scores s ON s.call_id = c.id WHERE {' AND '.join(where)}",
        args,
    )
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
        for pid, relevance in json.loads(first["relevance"]).items():
            if round(relevance, 4) < MIN_RELEVANCE:
                continue
            order, profile = by_id[pid]
            base["upper"] = relevance
            score, _, hidden, *_ = _factors(base, facts.get(pid, {}), profile, status, days)
            if hidden and hidden != "closed" and not show_all:
                continue
            if best is None or score > best[0] or (score == best[0] and order < best[1]):
                best = (score, order, profile, relevance)
        if best is not None:
            _, _, profile, base["upper"] = best
            ranked = _evaluate_parsed(base, facts.get(profile.id, {}), profile, today, status)
            out.append((ranked, profile))
    out.sort(key=lambda x: _order(x[0]))  # the same order as rank_for_profile: tiers first
    return out
