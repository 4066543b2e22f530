"""Exports of ranked calls: an iCalendar file of deadlines (icalendar, RFC 5545), a CSV that
opens in Excel with Swedish settings, and JSON. They follow the same filters as `rank`."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

from callwatch import rank as rank_mod

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CSV_COLUMNS = [
    "id", "title", "funder", "programme", "status", "deadline", "days_left", "opens", "budget",
    "currency", "score", "eligibility", "top_themes", "reason", "url",
]  # fmt: skip


def with_events(ranked: list[rank_mod.Ranked], today: date, include_closed: bool) -> list:
    """The calls that give at least one calendar event, so only they are explained."""
    return [
        r
        for r in ranked
        if (r.status == "forthcoming" and r.opens)
        or any(include_closed or rank_mod._local_date(d) >= today for d in r.deadlines)
    ]


def to_ics(
    ranked: list[rank_mod.Ranked],
    today: date,
    name: str,
    include_closed: bool,
) -> bytes:
    """One all-day event per relevant deadline, plus the opening day of forthcoming calls.

    UIDs are "<call id>/deadline-<n>@callwatch": the n-th deadline of a call keeps its UID when
    the funder moves it, so re-importing the file updates the event instead of adding one.

    Written line by line (RFC 5545), byte for byte what the icalendar library writes for these
    properties (tests/test_perf.py compares the two on hostile text): icalendar took about 3 ms
    per event, a minute for a network's 18,000 deadlines."""
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC).strftime("%Y%m%dT%H%M%SZ")
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _line("PRODID:" + _text("-//callwatch//funding calls//SV")),
        # icalendar writes this X- property unescaped; a line break would end the line early
        _line("X-WR-CALNAME:" + " ".join(name.splitlines())),
    ]
    for r in ranked:
        for n, d in enumerate(r.deadlines):
            day = rank_mod._local_date(d)
            if day < today and not include_closed:
                continue
            local = datetime.fromisoformat(d).astimezone(rank_mod.STOCKHOLM).strftime("%H:%M")
            out += _event(
                summary=f"Sista dag: {r.title} ({local})",
                day=day,
                stamp=stamp,
                uid=f"{r.id}/deadline-{n}@callwatch",
                description=f"{r.funder}. {r.reasons[0] if r.reasons else ''}\n{r.url}",
                url=r.url if _calendar_url(r.url) else None,
            )
        if r.status == "forthcoming" and r.opens:
            out += _event(
                summary=f"Öppnar: {r.title}",
                day=rank_mod._local_date(r.opens),
                stamp=stamp,
                uid=f"{r.id}/opens@callwatch",
                description=f"{r.funder}\n{r.url}",
                url=None,
            )
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _calendar_url(url: str) -> bool:
    """A web address that can stand as a URI value (no control characters, no line breaks)."""
    return url.startswith(("http://", "https://")) and not _CONTROL.search(url)


def _event(
    *, summary: str, day: date, stamp: str, uid: str, description: str, url: str | None
) -> list[str]:
    # icalendar's canonical order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, then the rest by name
    lines = [
        "BEGIN:VEVENT",
        _line("SUMMARY:" + _text(summary)),
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"DTSTAMP:{stamp}",
        _line("UID:" + _text(uid)),
        _line("DESCRIPTION:" + _text(description)),
    ]
    if url is not None:
        lines.append(_line("URL:" + url))
    lines.append("END:VEVENT")
    return lines


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11), in icalendar's order; every line break becomes \\n."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _line(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1) without splitting a character or an
    escape (a backslash or ^ moves to the next line), as icalendar does."""
    data = line.encode("utf-8")
    if len(data) < 75:
        return line
    pieces, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # never inside a UTF-8 character
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


def rows(ranked: list[rank_mod.Ranked]) -> list[dict]:
    return [
        {
            "id": r.id,
            "title": r.title,
            "funder": r.funder,
            "programme": r.programme,
            "status": r.status,
            "deadline": r.deadline or "",
            "days_left": "" if r.days_left is None else r.days_left,
            "opens": r.opens or "",
            "budget": "" if r.budget_amount is None else f"{r.budget_amount:.0f}",
            "currency": r.budget_currency or "",
            "score": f"{r.score:.3f}",
            "eligibility": r.eligibility,
            "top_themes": ", ".join(t for t, s in list(r.themes.items())[:3] if s >= 0.15),
            "reason": r.reasons[0] if r.reasons else "",
            "url": r.url,
        }
        for r in ranked
    ]


def to_csv(ranked: list[rank_mod.Ranked], delimiter: str = ";") -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads å, ä and ö right; ';' suits Swedish Excel."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows(ranked))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_json(ranked: list[rank_mod.Ranked]) -> bytes:
    return (json.dumps([r.to_dict() for r in ranked], ensure_ascii=False, indent=2) + "\n").encode()
