"""`callwatch import FILE.jsonl`: add calls from JSON Lines, all or nothing.

Each line is one object. Required: id, title, url, funder. Optional: description (or text),
summary, deadline and opens (ISO date or datetime; bare dates mean the end of that day in
Stockholm), budget, currency, language, programme, eligibility. The given id is kept as the
call's id. Any invalid line stops the import before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from callwatch.errors import ImportDataError
from callwatch.models import IMPORT_SOURCE, Call
from callwatch.normalise import STOCKHOLM, clean, end_of_day, parse_datetime

REQUIRED = ("id", "title", "url", "funder")
TEXT_FIELDS = ("description", "summary", "language", "programme", "eligibility", "currency")


def _when(value: object, key: str, *, deadline: bool) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{key}' must be an ISO date or datetime string")
    s = value.strip()
    if len(s) == 10:
        d = date.fromisoformat(s)
        return end_of_day(d, STOCKHOLM) if deadline else parse_datetime(s + "T00:00:00", STOCKHOLM)
    return parse_datetime(s, STOCKHOLM)


def parse_line(obj: object, now: datetime) -> Call:
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    for key in REQUIRED:
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise ValueError(f"'{key}' is missing or not a non-empty string")
    url = obj["url"].strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("'url' must start with http:// or https://")
    for key in TEXT_FIELDS:
        if key in obj and obj[key] is not None and not isinstance(obj[key], str):
            raise ValueError(f"'{key}' must be a string")
    deadlines = []
    if obj.get("deadline") is not None:
        try:
            deadlines = [_when(obj["deadline"], "deadline", deadline=True)]
        except ValueError as e:
            raise ValueError(str(e) if "'deadline'" in str(e) else f"'deadline': {e}") from None
    opens = None
    if obj.get("opens") is not None:
        try:
            opens = _when(obj["opens"], "opens", deadline=False)
        except ValueError as e:
            raise ValueError(str(e) if "'opens'" in str(e) else f"'opens': {e}") from None
    budget = obj.get("budget")
    if budget is not None and (
        not isinstance(budget, int | float) or isinstance(budget, bool) or budget < 0
    ):
        raise ValueError("'budget' must be a non-negative number")
    status = "open"
    if deadlines and all(d < now for d in deadlines):
        status = "closed"
    elif opens and opens > now:
        status = "forthcoming"
    description = obj.get("description") or obj.get("text") or ""
    if not isinstance(description, str):
        raise ValueError("'text' must be a string")
    return Call(
        source=IMPORT_SOURCE,
        native_id=obj["id"].strip(),
        title=clean(obj["title"]),
        url=url,
        funder=clean(obj["funder"]),
        status=status,
        programme=clean(obj.get("programme")),
        summary=clean(obj.get("summary")),
        description=description.strip(),
        language=clean(obj.get("language")),
        opens=opens.isoformat() if opens else None,
        deadlines=[d.isoformat() for d in deadlines],
        budget_amount=float(budget) if budget is not None else None,
        budget_currency=(obj.get("currency") or "SEK") if budget is not None else None,
        eligibility=clean(obj.get("eligibility")),
    )


def read(path: Path, now: datetime) -> list[Call]:
    """Every call in the file, or ImportDataError naming the first bad line."""
    calls: list[Call] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    try:
        # line by line: the whole file and its list of lines are never held next to the calls
        with open(path, encoding="utf-8") as f:
            _parse_lines(f, now, calls, errors, seen)
    except (OSError, UnicodeDecodeError) as e:
        raise ImportDataError(f"{path}: cannot read ({e})") from None
    if errors:
        more = f" (and {len(errors) - 1} more invalid lines)" if len(errors) > 1 else ""
        raise ImportDataError(f"{path} {errors[0]}{more}; nothing was imported")
    if not calls:
        raise ImportDataError(f"{path}: no calls in the file; nothing was imported")
    return calls


def _parse_lines(
    lines: Iterable[str], now: datetime, calls: list[Call], errors: list[str], seen: dict[str, int]
) -> None:
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            call = parse_line(json.loads(line), now)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: invalid JSON ({e.msg})")
            continue
        except (ValueError, TypeError) as e:
            errors.append(f"line {n}: {e}")
            continue
        if call.id in seen:
            errors.append(f"line {n}: id {call.id!r} already on line {seen[call.id]}")
            continue
        seen[call.id] = n
        calls.append(call)
