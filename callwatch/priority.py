"""The priority of a call for a municipality profile (or a theme): the factors and their numbers.

priority = relevance x eligibility x deadline x size
relevance = (themes + keyword bonus) x exclusion

- themes: theme scores weighted by the profile; the strongest weighted theme counts, further
  themes add a little (a call squarely on a main theme beats one touching many);
- keyword bonus: the municipality's own words (places, programmes) found as whole words;
- exclusion: EXCLUDED_FACTOR when one of the municipality's excluded terms appears, else 1;
- eligibility: ELIGIBILITY_FACTORS, from the facts step's reading of who may apply
  (callwatch.facts) where it answers, else the matcher's eligibility phrases;
- deadline: closed calls CLOSED_FACTOR (excluded unless --include-closed); very close deadlines
  penalised in DEADLINE_STEPS; status nothing states UNKNOWN_STATUS_FACTOR, only years-old dates
  STALE_FACTOR;
- size: larger calls preferred, as the network asked; the per-project maximum stands in when the
  total is unknown; unknown budgets sit in the middle (UNKNOWN_SIZE_FACTOR).

Order: calls are first grouped in tiers by how sure their dates are, then by priority: dated
open and forthcoming calls, then open calls without a deadline, then calls whose status is
unknown or whose dates are years old (flagged "verify"), then closed calls. So no undated or
stale call is ever above a dated open one, whatever its relevance.

Pure functions over numbers, dicts and the rules' Profile: no database. The read model that
applies them to stored calls is callwatch.rank; scoring.py uses the relevance and size parts
to precompute scores. The factors' notes are `Note`s (a key and its values), worded in the
output's language by show_text.note_text, never here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from callwatch.dates import local_date, next_deadline
from callwatch.rules import Profile, fold

# --- eligibility -------------------------------------------------------------------------------
# "unclear" is a call that does not say who may apply: now that researcher-only and
# company-only wording is recognised as "not eligible", most such calls are open to a
# municipality as a partner, so a coordinator checks them rather than skipping them (0.9, not
# 0.75: an eligible call still comes first at equal relevance).
ELIGIBILITY_FACTORS = {"eligible": 1.0, "unclear": 0.9, "not eligible": 0.3}
# the facts step's verdict (who-may-apply sentences) in the matcher's words; its "unclear" is no
# answer, so the matcher's own verdict (eligibility phrases) stands
MAY_APPLY = {"yes": "eligible", "no": "not eligible"}

# --- relevance ---------------------------------------------------------------------------------
MIN_RELEVANCE = 0.05  # below this a call is not about the municipality's themes at all
KEYWORD_BONUS = 0.05  # each of the municipality's own words found adds this ...
MAX_KEYWORD_BONUS = 0.1  # ... up to this
OTHER_THEMES_SHARE = 0.1  # what themes beyond the strongest add (as a probabilistic OR)
EXCLUDED_FACTOR = 0.2  # one of the municipality's excluded terms cuts relevance to this share
THEME_SHOWN = 0.15  # a theme score worth showing beside a call (reports, exports, web, explain)

# --- deadline ----------------------------------------------------------------------------------
CLOSED_FACTOR = 0.2  # every deadline has passed (shown only with --include-closed)
STALE_FACTOR = 0.5  # the call's latest date is years old (facts.status.STALE_DAYS): verify
UNKNOWN_STATUS_FACTOR = 0.6  # nothing dated says the call is open: verify
NO_DEADLINE_FACTOR = 0.8  # open, with no fixed deadline
FORTHCOMING_FACTOR = 0.9  # opens later: time to prepare
# (fewer than this many days left, factor), tightest first; more days left than the last step
# is the full factor
DEADLINE_STEPS = ((7, 0.4), (14, 0.7), (21, 0.85))
FULL_FACTOR = 1.0

# --- size --------------------------------------------------------------------------------------
EUR_SEK = 11.0  # rough conversion for comparing sizes; shown budgets keep their own currency
UNKNOWN_SIZE_FACTOR = 0.9  # no budget stated: the middle of the known range
BELOW_MINIMUM_FACTOR = 0.6  # below the profile's min_budget_sek
# known budgets map onto SIZE_FLOOR .. SIZE_FLOOR + SIZE_SPAN, log-scaled over 1 MSEK .. 1 BSEK
SIZE_FLOOR, SIZE_SPAN = 0.85, 0.15

# --- order -------------------------------------------------------------------------------------
# tiers of the order (see the module docstring); a lower tier is always above a higher one
TIER_DATED, TIER_UNDATED, TIER_VERIFY, TIER_CLOSED = 0, 1, 2, 3
TIERS = {0: "dated", 1: "no deadline", 2: "verify", 3: "closed"}


@dataclass(frozen=True)
class Note:
    """Why a factor is what it is, as a key into the notes' words (show_text.NOTES) and the
    values they name: the output layer words it in its own language, so no English note ever
    reaches a Swedish output (and a Swedish one an English output)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


# region_check's answer is stored with a call's scores (the "o" fact), so it stays this text;
# notes read the regions back from it
OUTSIDE_PREFIX = "only for "


def effective_status(row: dict, today: date) -> str:
    """Status as of `today`, so a report for an earlier date shows what was open then."""
    deadlines = row["deadlines"]
    if row.get("opens") and local_date(row["opens"]) > today and row["status"] != "closed":
        return "forthcoming"
    if deadlines:
        return "open" if next_deadline(deadlines, today) else "closed"
    return row["status"]


def deadline_factor(status: str, days_left: int | None, stale: bool = False) -> tuple[float, Note]:
    """The deadline factor and its note."""
    if status == "closed":
        return CLOSED_FACTOR, Note("closed")
    if stale:
        return STALE_FACTOR, Note("stale")
    if status == "unknown":
        return UNKNOWN_STATUS_FACTOR, Note("status_unknown")
    if status == "forthcoming":
        return FORTHCOMING_FACTOR, Note("forthcoming")
    if days_left is None:
        return NO_DEADLINE_FACTOR, Note("no_deadline")
    (urgent, f_urgent), (tight, f_tight), (near, f_near) = DEADLINE_STEPS
    if days_left < urgent:
        return f_urgent, Note("days_urgent", {"days": days_left})
    if days_left < tight:
        return f_tight, Note("days_tight", {"days": days_left})
    if days_left < near:
        return f_near, Note("days_left", {"days": days_left})
    return FULL_FACTOR, Note("days_left", {"days": days_left})


def size_factor(
    amount: float | None,
    currency: str | None,
    min_budget: float | None,
    per_project: float | None = None,
) -> tuple[float, Note]:
    """Bigger calls first; where the total is unknown the per-project maximum stands in (one
    project's share is what a municipality can get, so it is compared on the same scale)."""
    what = "budget"
    if not amount and per_project:
        amount, what = per_project, "per_project"
    if not amount:
        return UNKNOWN_SIZE_FACTOR, Note("budget_unknown")
    sek = in_sek(amount, currency)
    money = {"amount": amount, "currency": currency}
    if min_budget and sek < min_budget:
        return BELOW_MINIMUM_FACTOR, Note(f"{what}_below_minimum", money)
    scaled = min(max(math.log10(max(sek, 1) / 1e6) / 3, 0.0), 1.0)  # 1 MSEK .. 1 BSEK
    return round(SIZE_FLOOR + SIZE_SPAN * scaled, 3), Note(what, money)


def in_sek(amount: float, currency: str | None) -> float:
    """An amount in (roughly) Swedish kronor, for comparing sizes."""
    return amount * (EUR_SEK if currency == "EUR" else 1.0)


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
    return OUTSIDE_PREFIX + shown


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
    """The first `n` terms that matched `theme` (its evidence is strongest first)."""
    return [e[0] for e in evidence.get(theme, []) if not e[0].startswith("not:")][:n]


def score_factors(
    row: dict, facts: dict, profile: Profile | None, status: str, days: int | None
) -> tuple[float, str, str, float, float, float]:
    """(score, verdict, hidden, eligibility, deadline and size factor) of one call for one
    profile: the whole of the score. `row` holds the call's stored relevance (`upper`), the
    matcher's verdict, its precomputed size factor and budget; `facts` the profile's matcher
    facts (k: keywords found, x: excluded terms found, o: outside the region)."""
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
    s_factor = row["size_factor"] if row["size_factor"] is not None else UNKNOWN_SIZE_FACTOR
    if profile and profile.min_budget_sek:
        s_factor, _ = size_factor(
            row["budget_amount"], row["budget_currency"], profile.min_budget_sek,
            row.get("max_per_project"),
        )  # fmt: skip
    e_factor = ELIGIBILITY_FACTORS[verdict]
    score = round(row["upper"] * e_factor * d_factor * s_factor, 4)
    return score, verdict, hidden, e_factor, d_factor, s_factor


def joint_reason(row: dict) -> str:
    """Why a call is a joint opportunity for the network, or "" when it is not."""
    n = row.get("min_municipalities")
    if n and int(n) >= 2:
        return f"requires at least {int(n)} municipalities"
    if row.get("consortium_required") == 1:
        return "requires a consortium"
    return ""


def tier_of(status: str, dated: bool, stale: bool) -> int:
    """dated: an open call with a coming deadline, or a forthcoming one with any date."""
    if status == "closed":
        return TIER_CLOSED
    if stale or status == "unknown":
        return TIER_VERIFY
    return TIER_DATED if dated else TIER_UNDATED


class Ordered(Protocol):
    """What the order reads of a ranked call (rank.Ranked)."""

    id: str
    score: float
    tier: int
    deadline: str | None


def score_key(r: Ordered) -> float:
    """One number that orders like sort_key()'s first two parts: a lower tier always wins (scores
    are at most 1), then the higher score. Never above the score, so the relevance and quick
    bounds in rank stay upper bounds."""
    return r.score - 2 * r.tier


def sort_key(r: Ordered) -> tuple:
    """The sort key of a ranking: tier, then priority, then the sooner deadline, then id."""
    return (r.tier, -r.score, r.deadline or "9999", r.id)


def bound_sql(upper: str) -> str:
    """A cheap upper bound on a call's final score, in SQL, so that rows that cannot enter a
    ranking are skipped without Python work: relevance (`upper`) x stored size factor x
    eligibility factor x the deadline factor of the LAST deadline (the factor grows with the days
    left and the next deadline is never after the last; a day of slack for time zones; the
    largest factor short of full for undated calls, the forthcoming one for forthcoming calls). Two
    parameters: today, today. Columns: `s` is call_scores, `c` is calls."""
    e = ELIGIBILITY_FACTORS
    undated = max(FORTHCOMING_FACTOR, NO_DEADLINE_FACTOR, UNKNOWN_STATUS_FACTOR, STALE_FACTOR)
    steps = " ".join(f"WHEN d < {days} THEN {f}" for days, f in DEADLINE_STEPS)
    return (
        f"{upper} * coalesce(s.size_factor, {UNKNOWN_SIZE_FACTOR}) * (CASE s.eligibility WHEN "
        f"'unclear' THEN {e['unclear']} WHEN 'not eligible' THEN {e['not eligible']} ELSE "
        f"{e['eligible']} END) * (CASE WHEN c.deadlines IS NULL OR c.deadlines IN ('', '[]') THEN "
        f"{undated} ELSE max(CASE WHEN c.opens IS NOT NULL AND substr(c.opens, 1, 10) "
        f">= ? THEN {FORTHCOMING_FACTOR} ELSE 0 END, (SELECT CASE WHEN d < 0 THEN {CLOSED_FACTOR} "
        f"{steps} ELSE {FULL_FACTOR} END FROM (SELECT julianday(substr(json_extract(c.deadlines, "
        "'$[#-1]'), 1, 10)) - julianday(?) + 1 AS d))) END)"
    )
