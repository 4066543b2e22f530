"""The one clock callwatch reads.

Every "now" and "today" that decides something (a call's status, a report's period, a
run's timestamps) comes from here, so that a test suite can freeze time in one place and a
user can ask "what would callwatch have said on that day" by setting ``CALLWATCH_NOW``
(an ISO 8601 date or date-time; a date means midnight UTC). Unset, it is the wall clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from callwatch.errors import CallwatchError

TIMEZONE = "Europe/Stockholm"  # where callwatch's users and most deadlines are
STOCKHOLM = ZoneInfo(TIMEZONE)  # the one time zone object; callwatch.dates re-exports it
ENV = "CALLWATCH_NOW"


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    value = os.environ.get(ENV)
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CallwatchError(f"{ENV}={value!r} is not an ISO 8601 date or date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def today() -> date:
    """Today's date in Sweden, where callwatch's users and most deadlines are."""
    return now().astimezone(STOCKHOLM).date()
