"""Values a person typed, checked once: dates, counts, filters and e-mail addresses. A bad one
is a one-line error naming the option (exit 2 for a usage error)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from callwatch import clock
from callwatch.errors import CallwatchError, UsageError

if TYPE_CHECKING:  # report_data imports sqlite_utils
    from callwatch.report_data import Filters

STATUSES = ("open", "forthcoming", "closed", "unknown")


def parse_today(value: str | None, option: str = "--today") -> date:
    """--today DATE (or today by the clock when not given)."""
    from callwatch.models import MAX_YEAR, MIN_YEAR

    if not value:
        return clock.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CallwatchError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CallwatchError(f"{option} {value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return day


def parse_date(value: str, option: str) -> date:
    """A date option given by a person: a usage error (exit 2) when it is not one."""
    try:
        return parse_today(value, option)
    except CallwatchError as e:
        raise UsageError(str(e)) from None


def check_counts(limit: int | None = None, within: int | None = None) -> None:
    """--limit and --within are counts: a negative one is a typo, not "all"."""
    if limit is not None and limit < 0:
        raise CallwatchError(f"--limit {limit} is negative; use 0 for all")
    if within is not None and within < 0:
        raise CallwatchError(f"--within {within} is negative; give a number of days")


def make_filters(
    funder: str | None, min_budget: float | None, search: str | None, status: list[str] | None
) -> Filters:
    """The filters `rank`, `report` and `export` share, checked once."""
    from callwatch.report_data import Filters

    for s in status or []:
        if s not in STATUSES:
            raise UsageError(f"--status {s!r}: use {', '.join(STATUSES)}")
    if min_budget is not None and min_budget < 0:
        raise UsageError(f"--min-budget {min_budget:g}: give an amount of 0 or more")
    return Filters(funder or None, min_budget or None, search or None, tuple(status or ()))


def mail_recipients(value: str | None) -> list[str]:
    """'a@x.se, b@y.se' -> two addresses; anything that is not an address is refused."""
    if not value:
        return []
    out = [a.strip() for a in value.split(",") if a.strip()]
    for a in out:
        if not re.fullmatch(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+", a):
            raise UsageError(f"--mail-to: {a!r} is not an e-mail address")
    return out
