"""Exports of ranked calls: an iCalendar file of deadlines (icalendar, RFC 5545), a CSV that
opens in Excel with Swedish settings, and JSON. They follow the same filters as `rank`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from callwatch import rank as rank_mod
from callwatch import safe, score_reads
from callwatch.dates import local_date, local_datetime
from callwatch.facts.apply import has_time
from callwatch.priority import THEME_SHOWN

if TYPE_CHECKING:
    from callwatch.rules import Profile, Theme
    from callwatch.store.db import Database

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CSV_COLUMNS = [
    "id", "short_id", "title", "funder", "programme", "status", "deadline", "days_left", "opens", "budget",
    "currency", "score", "eligibility", "top_themes", "reason", "url", "max_per_project",
    "funding_rate_max", "cofinancing_required", "deadline_has_time",
]  # fmt: skip


ICS_WORDS = {
    "sv": {
        "deadline": "Sista dag",
        "opens": "Öppnar",
        "verify": "Status okänd – kontrollera hos finansiären.",
    },
    "en": {
        "deadline": "Deadline",
        "opens": "Opens",
        "verify": "Status unknown – check with the funder.",
    },
}

CSV_HEADERS_SV = {
    "id": "id", "short_id": "kort id", "title": "titel", "funder": "finansiär",
    "programme": "program", "status": "status", "deadline": "sista dag", "days_left": "dagar kvar",
    "opens": "öppnar", "budget": "budget", "currency": "valuta", "score": "poäng",
    "eligibility": "behörighet", "top_themes": "teman", "reason": "varför", "url": "länk",
    "max_per_project": "max per projekt", "funding_rate_max": "max stödandel",
    "cofinancing_required": "medfinansiering krävs", "deadline_has_time": "klockslag angivet",
}  # fmt: skip


def with_events(ranked: list[rank_mod.Ranked], today: date, include_closed: bool) -> list:
    """The calls that give at least one calendar event, so only they are explained."""
    return [
        r
        for r in ranked
        if (r.status == "forthcoming" and r.opens)
        or any(include_closed or local_date(d) >= today for d in r.deadlines)
    ]


def to_ics(
    ranked: list[rank_mod.Ranked],
    today: date,
    name: str,
    include_closed: bool,
    lang: str = "sv",
    reason: Callable[[rank_mod.Ranked], str] | None = None,
) -> bytes:
    """One all-day event per relevant deadline, plus the opening day of forthcoming calls.

    UIDs are "<call id>/deadline-<n>@callwatch": the n-th deadline of a call keeps its UID when
    the funder moves it, so re-importing the file updates the event instead of adding one.

    Written line by line (RFC 5545), byte for byte what the icalendar library writes for these
    properties (tests/test_perf.py compares the two on hostile text): icalendar took about 3 ms
    per event, a minute for a network's 18,000 deadlines."""
    words = ICS_WORDS.get(lang, ICS_WORDS["sv"])
    verify_word = words["verify"] + " "
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC).strftime("%Y%m%dT%H%M%SZ")
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _line("PRODID:" + _text("-//callwatch//funding calls//SV")),
        # icalendar writes this X- property unescaped; a line break would end the line early
        _line("X-WR-CALNAME:" + " ".join(safe.ics(name).splitlines())),
    ]
    for r in ranked:
        link = safe.url(r.url)
        url = link if link and _calendar_url(link) else None
        head = f"{verify_word if r.status == 'unknown' else ''}{r.funder}."
        why: str | None = None  # worked out once per call, and only when it has an event
        for n, d in enumerate(r.deadlines):
            day = local_date(d)
            if day < today and not include_closed:
                continue
            # a time of day only where the funder gave one (not our end-of-day for a bare date)
            when = f" ({local_datetime(d).strftime('%H:%M')})" if has_time(d) else ""
            if why is None:
                why = reason(r) if reason else ""
            out += _event(
                summary=safe.ics(f"{words['deadline']}: {r.title}{when}"),
                day=day,
                stamp=stamp,
                uid=f"{r.id}/deadline-{n}@callwatch",
                description=safe.ics(head + (f" {why}" if why else "")) + f"\n{link or ''}",
                url=url,
            )
        if r.status == "forthcoming" and r.opens:
            out += _event(
                summary=safe.ics(f"{words['opens']}: {r.title}"),
                day=local_date(r.opens),
                stamp=stamp,
                uid=f"{r.id}/opens@callwatch",
                description=safe.ics(r.funder) + f"\n{link or ''}",
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
        f"DTSTART;VALUE=DATE:{_ymd(day)}",
        f"DTEND;VALUE=DATE:{_ymd(day + timedelta(days=1))}",
        f"DTSTAMP:{stamp}",
        _line("UID:" + _text(uid)),
        _line("DESCRIPTION:" + _text(description)),
    ]
    if url is not None:
        lines.append(_line("URL:" + url))
    lines.append("END:VEVENT")
    return lines


def _ymd(day: date) -> str:
    """20261127: strftime('%Y%m%d') for the years a stored date can have (1000-9999)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


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


def rows(
    ranked: list[rank_mod.Ranked],
    *,
    decimal: str = ".",
    lang: str = "en",
    reason: Callable[[rank_mod.Ranked], str] | None = None,
    themes: Callable[[rank_mod.Ranked], str] | None = None,
) -> list[dict]:
    """One row per call; numbers written with `decimal` so Excel reads them as numbers."""
    from callwatch import report_text, shortid

    def num(value: float, digits: int) -> str:
        return f"{value:.{digits}f}".replace(".", decimal)

    t = report_text.words(lang)
    yes, no = ("ja", "nej") if lang == "sv" else ("yes", "no")
    return [
        {
            "id": r.id,
            "short_id": shortid.short(r.id),
            "title": r.title,
            "funder": r.funder,
            "programme": r.programme,
            "status": report_text.status_word(r.status, r.days_left, lang) if lang == "sv" else r.status,
            "deadline": local_date(r.deadline).isoformat() if r.deadline else "",
            "days_left": "" if r.days_left is None else r.days_left,
            "opens": local_date(r.opens).isoformat() if r.opens else "",
            "budget": "" if r.budget_amount is None else num(r.budget_amount, 0),
            "currency": r.budget_currency or "",
            "score": num(r.score, 3),
            "eligibility": t.get(r.eligibility, r.eligibility) if lang == "sv" else r.eligibility,
            "top_themes": themes(r) if themes else ", ".join(t for t, s in list(r.themes.items())[:3] if s >= THEME_SHOWN),
            "reason": reason(r) if reason else (report_text.note_text(r.reasons[0], lang) if r.reasons else ""),
            "url": r.url,
            "max_per_project": "" if r.max_per_project is None else f"{r.max_per_project:.0f}",
            "funding_rate_max": "" if r.funding_rate_max is None else f"{r.funding_rate_max:g}",
            "cofinancing_required": ""
            if r.cofinancing_required is None
            else (yes if r.cofinancing_required else no),
            "deadline_has_time": yes if r.deadline_has_time else no,
        }
        for r in ranked
    ]  # fmt: skip


def to_csv(
    ranked: list[rank_mod.Ranked],
    delimiter: str = ";",
    *,
    decimal: str | None = None,
    lang: str = "en",
    reason: Callable[[rank_mod.Ranked], str] | None = None,
    themes: Callable[[rank_mod.Ranked], str] | None = None,
) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads å, ä and ö right; ';' and a decimal comma
    suit Swedish Excel (a ',' separator gets a '.' decimal unless told otherwise)."""
    if decimal is None:
        decimal = "," if delimiter == ";" else "."
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    headers = CSV_HEADERS_SV if lang == "sv" else {c: c for c in CSV_COLUMNS}
    w.writerow([headers[c] for c in CSV_COLUMNS])
    for row in rows(ranked, decimal=decimal, lang=lang, reason=reason, themes=themes):
        w.writerow([safe.csv_cell(row[c]) for c in CSV_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_json(ranked: list[rank_mod.Ranked], lang: str | None = None) -> bytes:
    """The ranked calls as JSON, their reasons worded in `lang`."""
    return (safe.json_dumps([r.to_dict(lang) for r in ranked], indent=2) + "\n").encode()


def explain_rows(
    db: Database,
    items: list[tuple[rank_mod.Ranked, Profile | None, Theme | None]],
    fmt: str,
) -> list[rank_mod.Ranked]:
    """What the export writes about each call. JSON carries the whole explanation
    (rank.explain_many); the calendar and CSV write only the themes, the words that matched
    and the municipality's own keywords (commands.human_reason, theme_labels), so for them
    only those are read: evidence 500 calls at a time, no reasons built, no facts re-read."""
    if fmt == "json":
        return rank_mod.explain_many(db, items)
    ids = [r.id for r, _, _ in items if not r.reasons]
    evidence = score_reads.theme_evidence(db, ids)
    out = []
    for r, profile, _ in items:
        if not r.reasons:  # the same fields rank.explain_reasons fills, from the same data
            themes: dict[str, float] = json.loads(r.evidence.get("_themes") or "{}")
            r.themes = {t: round(v, 3) for t, v in sorted(themes.items(), key=lambda kv: -kv[1])}
            facts = r.evidence.get("_facts", {})
            if profile is not None and facts.get("k"):
                r.keywords = list(facts["k"])
            r.evidence = json.loads(evidence.get(r.id) or "{}")
        out.append(r)
    return out
