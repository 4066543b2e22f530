"""Fill a Call's facts from the one extraction step: used by every source kind (after parsing),
by `import`, `add` and re-parsing from the archive.

A source's structured data wins for the fields it gives (an API's deadline, opening date, budget,
status); the call's own text fills the rest. A source's status counts as evidence only when the
source says so (an API status word, a listing's "Kommande"); an adapter's default is not evidence.
"""

from __future__ import annotations

from datetime import date, datetime, time

from callwatch.clock import TIMEZONE
from callwatch.facts import Facts, Meta, extract
from callwatch.facts.status import listing_word
from callwatch.models import MAX_YEAR, MIN_YEAR, Call, check_date
from callwatch.normalise import end_of_day, zone

MAX_TEXT = 40_000


def _sane(value: str) -> bool:
    """A date the text gave, within the years the store keeps."""
    return value[:4].isdigit() and MIN_YEAR <= int(value[:4]) <= MAX_YEAR


def as_iso(value: str, tz: str, *, deadline: bool) -> str:
    """A facts date ('2026-04-24' or '2026-04-24T14:00') as an aware ISO datetime."""
    if len(value) == 10:
        d = date.fromisoformat(value)
        if deadline:
            return end_of_day(d, tz).isoformat()
        return datetime.combine(d, time(0, 0), tzinfo=zone(tz)).isoformat()
    dt = datetime.fromisoformat(value)
    return (dt if dt.tzinfo else dt.replace(tzinfo=zone(tz))).isoformat()


def has_time(value: str | None, tz: str = TIMEZONE) -> bool:
    """Whether a stored deadline carries a time of day the funder gave (not our end-of-day)."""
    if not value:
        return False
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return False
    local = dt.astimezone(zone(tz)) if dt.tzinfo else dt
    # a midnight or 23:59 value, in its own offset or in local time, is a date without a time
    # (the EU portal's "2026-09-15T00:00:00.000+0000" is 02:00 in Stockholm, yet not a time)
    return not any((t.hour, t.minute) in ((23, 59), (0, 0)) for t in (dt, local))


def text_of(call: Call) -> str:
    """The text the facts are read from: the call's own fields, eligibility as a who-may-apply
    section, and the listing card's text (which carries "Stänger 24 april 2026", "Kommande")."""
    parts = [call.summary or "", call.description or ""]
    if call.eligibility:
        parts.append("Vem kan söka?: " + call.eligibility)
    listing = call.extra.get("listing_text") if isinstance(call.extra, dict) else None
    if listing:
        parts.append(str(listing))
    return "\n\n".join(p for p in parts if p)[:MAX_TEXT]


def enrich(
    call: Call,
    now: datetime,
    *,
    status_from_source: bool = False,
    tz: str = TIMEZONE,
    status_word: str | None = None,
) -> Facts:
    """Set the call's facts (and deadlines, opening date, budget, status where the source gave
    none) from its text; returns the facts with their evidence. `status_from_source`: the
    call's status was read from the funder's own data (the adapter's STATUS_FROM_SOURCE)."""
    extra = call.extra if isinstance(call.extra, dict) else {}
    # the store's date rule (models.check_date) before any date arithmetic: a deadline in year
    # 9999 from a hostile record would overflow below
    call.deadlines = [d for d in call.deadlines if check_date(d)]
    call.opens = call.opens if check_date(call.opens) else None
    # a listing's own word ("Kommande", "Stängd") is evidence; adapters may put it in
    # extra["status_word"], else it is read from the listing card's text
    word = status_word or extra.get("status_word") or listing_word(extra.get("listing_text"))
    source_status = None
    # an adapter's "open" with no date at all is its default, not the funder's word
    if (
        status_from_source
        and call.status in ("open", "forthcoming", "closed")
        and (call.status != "open" or call.deadlines or call.opens)
    ):
        source_status = call.status
    meta = Meta(
        deadlines=list(call.deadlines) or None,
        opens=call.opens,
        budget=(call.budget_amount, call.budget_currency or "SEK") if call.budget_amount else None,
        status_word=word or source_status,
        language=call.language or None,
        source=call.source,
    )
    today = now.astimezone(zone(tz)).date()
    f = extract(call.title, text_of(call), meta=meta, as_of=today, tz=tz)
    if not call.deadlines and f.deadlines:
        call.deadlines = sorted(as_iso(d, tz, deadline=True) for d in f.deadlines if _sane(d))
    if not call.opens and f.opens and _sane(f.opens):
        call.opens = as_iso(f.opens, tz, deadline=False)
    if not call.budget_amount and f.budget_total:
        call.budget_amount = float(f.budget_total["amount"])
        call.budget_currency = f.budget_total["currency"]
    call.status = f.status
    call.stale = f.stale
    call.max_per_project = float(f.max_per_project["amount"]) if f.max_per_project else None
    call.min_per_project = float(f.min_per_project["amount"]) if f.min_per_project else None
    call.funding_rate_max = f.funding_rate_max
    call.cofinancing_required = f.cofinancing_required
    call.consortium_required = f.consortium_required
    call.min_municipalities = f.min_municipalities
    call.municipality_may_apply = f.municipality_may_apply
    call.applicants = list(f.applicants)
    nxt = call.next_deadline(now)
    # an adapter that knows which deadlines are days without a time (EU midnight values, GDP
    # dates) says so in extra["date_only_deadlines"], and then every other one has its time
    # (an EU 23:59 cut-off is the funder's); otherwise the value tells (midnight or 23:59 is a
    # day without a time)
    date_only = extra.get("date_only_deadlines")
    if isinstance(date_only, list):
        call.deadline_has_time = nxt[:10] not in date_only if nxt else False
    else:
        call.deadline_has_time = has_time(nxt, tz)
    facts = f.to_dict()
    facts["deadlines"] = list(call.deadlines)
    facts["opens"] = call.opens
    facts["status_word"] = f.status_word
    facts["source"] = call.source
    call.facts = facts
    return f


def with_facts(
    calls: list[Call],
    now: datetime,
    *,
    status_from_source: bool = False,
    tz: str = TIMEZONE,
) -> list[Call]:
    """Every call with its facts; a call an adapter already ran through the step is left as is."""
    for call in calls:
        if not call.facts:
            enrich(call, now, status_from_source=status_from_source, tz=tz)
    return calls
