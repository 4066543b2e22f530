"""Exports of ranked calls: an iCalendar file of deadlines (icalendar, RFC 5545), a CSV that
opens in Excel with Swedish settings, and JSON. They follow the same filters as `rank`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from callwatch import rank as rank_mod
from callwatch import safe

CSV_COLUMNS = [
    "id", "title", "funder", "programme", "status", "deadline", "days_left", "opens", "budget",
    "currency", "score", "eligibility", "top_themes", "reason", "url",
]  # fmt: skip


def to_ics(
    ranked: list[rank_mod.Ranked],
    today: date,
    name: str,
    include_closed: bool,
) -> bytes:
    """One all-day event per relevant deadline, plus the opening day of forthcoming calls.

    UIDs are "<call id>/deadline-<n>@callwatch": the n-th deadline of a call keeps its UID when
    the funder moves it, so re-importing the file updates the event instead of adding one."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//callwatch//funding calls//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", safe.ics(name))
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    for r in ranked:
        for n, d in enumerate(r.deadlines):
            day = rank_mod._local_date(d)
            if day < today and not include_closed:
                continue
            ev = Event()
            ev.add("uid", f"{r.id}/deadline-{n}@callwatch")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
            local = datetime.fromisoformat(d).astimezone(rank_mod.STOCKHOLM).strftime("%H:%M")
            link = safe.url(r.url)
            ev.add("summary", safe.ics(f"Sista dag: {r.title} ({local})"))
            reason = r.reasons[0] if r.reasons else ""
            ev.add("description", safe.ics(f"{r.funder}. {reason}") + f"\n{link or ''}")
            if link:
                ev.add("url", link)
            cal.add_component(ev)
        if r.status == "forthcoming" and r.opens:
            ev = Event()
            ev.add("uid", f"{r.id}/opens@callwatch")
            ev.add("dtstamp", stamp)
            day = rank_mod._local_date(r.opens)
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
            ev.add("summary", safe.ics(f"Öppnar: {r.title}"))
            ev.add("description", safe.ics(r.funder) + f"\n{safe.url(r.url) or ''}")
            cal.add_component(ev)
    return cal.to_ical()


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
    w.writerows({k: safe.csv_cell(v) for k, v in row.items()} for row in rows(ranked))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_json(ranked: list[rank_mod.Ranked]) -> bytes:
    return (safe.json_dumps([r.to_dict() for r in ranked], indent=2) + "\n").encode()
