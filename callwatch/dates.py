"""Dates as callwatch's users read them: Swedish local dates of stored timestamps, a call's next
deadline and the days until it.

Stored timestamps are ISO 8601 with an offset (usually UTC); a person in Sweden reads them as a
local date, so every "is this deadline still ahead", "which deadline is next" and "how many days
left" is decided here, once, in the Stockholm time zone. The clock itself (now, today, and the
`CALLWATCH_NOW` freeze the tests use) stays in `callwatch.clock`; it is re-exported here so a
module that works with dates needs one import.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from callwatch.clock import STOCKHOLM, TIMEZONE, now, today

__all__ = [
    "STOCKHOLM",
    "TIMEZONE",
    "days_until",
    "local_date",
    "local_datetime",
    "next_deadline",
    "next_or_last_deadline",
    "now",
    "shown_deadline",
    "today",
]


def local_datetime(value: str) -> datetime:
    """A stored timestamp in Swedish local time."""
    return datetime.fromisoformat(value).astimezone(STOCKHOLM)


@lru_cache(maxsize=65536)
def local_date(value: str) -> date:
    """The Swedish local date of a stored timestamp (cached: rankings ask for the same
    deadlines many times)."""
    return datetime.fromisoformat(value).astimezone(STOCKHOLM).date()


def days_until(value: str | None, today: date) -> int | None:
    """Days from `today` to the local date of `value` (negative when past; None without one)."""
    if not value:
        return None
    return (local_date(value) - today).days


def next_deadline(deadlines: list[str], today: date) -> str | None:
    """The first deadline whose local date is `today` or later (a deadline later today still
    counts), or None when every one has passed. `deadlines` are oldest first."""
    for d in deadlines:
        if local_date(d) >= today:
            return d
    return None


def shown_deadline(deadlines: list[str], today: date) -> tuple[str | None, int | None]:
    """The deadline to show on `today` (the next one, else the last one, so a closed call keeps
    its date) and the days left until it."""
    nd = next_deadline(deadlines, today)
    if nd is None and deadlines:
        nd = deadlines[-1]
    return nd, days_until(nd, today)


def next_or_last_deadline(deadlines: list[str], at: datetime) -> str | None:
    """The first deadline at or after the instant `at`, else the last one: the stored
    `calls.next_deadline` column (an instant, not a local date, as it is kept at every fetch)."""
    if not deadlines:
        return None
    for d in deadlines:
        if datetime.fromisoformat(d) >= at:
            return d
    return deadlines[-1]
