"""Dates as funders write them, in Swedish, English and the Nordic languages of Interreg pages.

`mentions(sentence)` finds every date in one (length-capped) sentence with its time of day when
one is given: "30 november 2020", "2026-05-21 14:00", "den 6 september 2017 kl. 12.00",
"29.05.2024 17:00", "April 24, 2026", "21-Nov-2024", "9. september 2024 @ 08:00". A date without
a year keeps year None; the caller decides it from the context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "januari": 1, "januar": 1, "january": 1, "jan": 1,
    "februari": 2, "februar": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "marts": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5, "mai": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "augusti": 8, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "desember": 12, "dec": 12,
}  # fmt: skip
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = (
    r"(?:\s*(?:,|\(|@|\bkl\.?|\bklockan|\bat|\bfrån)?\s*(?:kl\.?\s*)?"
    r"(?P<h>[01]?\d|2[0-4])(?:[:.](?P<mi>[0-5]\d)|(?=\s*(?:CET|CEST|am|pm)\b))"
    r"(?:\s*(?P<ampm>am|pm))?)?"
)
_ORD = r"(?:st|nd|rd|th|e|:e|a)?"
_DATE = re.compile(
    r"(?i)(?<![\w/.])(?:"
    r"(?P<iy>20\d\d|19\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?:[ T](?P<ih>[0-2]?\d)[:.](?P<imi>[0-5]\d))?"
    r"|(?P<dd>[0-3]?\d)[./-](?P<dm>[01]?\d)[./-](?P<dy>20\d\d)"
    r"|(?P<ad>[0-3]?\d)-(?P<am>" + _MON + r")-(?P<ay>20\d\d)"
    r"|(?P<d>[0-3]?\d)"
    + _ORD
    + r"\.?\s*(?:of\s+)?(?P<m>"
    + _MON
    + r")\b\.?(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?"
    r"|(?P<m2>"
    + _MON
    + r")\b\.?\s+(?P<d2>[0-3]?\d)"
    + _ORD
    + r"\b(?:,?\s+(?P<y2>(?:19|20)\d\d)\b)?"
    r")"
)
_AFTER_TIME = re.compile(_TIME, re.I)
_DAY_WORD = re.compile(r"(?i)(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|monday|tuesday"
                       r"|wednesday|thursday|friday|saturday|sunday)(?=\d)")  # fmt: skip


_DAY_RANGE = re.compile(
    r"(?i)(?<![\w/.])(?P<d1>[0-3]?\d)\.?\s*[-–]\s*(?P<d2>[0-3]?\d)\.?\s+(?P<m>" + _MON + r")\b\.?"
    r"(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    year: int | None
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None


def mentions(sentence: str) -> list[Mention]:
    """Every date in the sentence, in order."""
    # "Monday17 April": blank the weekday's last letter so positions stay those of the sentence
    s = _DAY_WORD.sub(lambda m: m.group(0)[:-1] + " ", sentence[:1000])
    out: list[Mention] = []
    for m in _DAY_RANGE.finditer(s):  # "5-25 april": two dates sharing a month
        y = int(m.group("y")) if m.group("y") else None
        mo = MONTHS[m.group("m").lower()]
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        if 1 <= d1 < d2 <= 31:
            out.append(Mention(m.start("d1"), m.end("d1"), y, mo, d1))
            out.append(Mention(m.start("d2"), m.end(), y, mo, d2))
    taken = [(x.start, x.end) for x in out]
    for m in _DATE.finditer(s):
        g = m.groupdict()
        hour = minute = None
        try:
            if g["iy"]:
                y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
                if g["ih"]:
                    hour, minute = int(g["ih"]), int(g["imi"])
            elif g["dd"]:
                y, mo, d = int(g["dy"]), int(g["dm"]), int(g["dd"])
            elif g["ad"]:
                y, mo, d = int(g["ay"]), MONTHS[g["am"].lower()], int(g["ad"])
            elif g["d"]:
                y = int(g["y"]) if g["y"] else None
                mo, d = MONTHS[g["m"].lower()], int(g["d"])
            else:
                name = g["m2"]
                if not g["y2"] and not name[0].isupper():
                    continue  # "may 2 partners" is not a date
                y = int(g["y2"]) if g["y2"] else None
                mo, d = MONTHS[name.lower()], int(g["d2"])
        except (KeyError, ValueError):
            continue
        if not (1 <= mo <= 12 and 1 <= d <= 31) or any(a <= m.start() < b for a, b in taken):
            continue
        end = m.end()
        if hour is None:
            t = _AFTER_TIME.match(s, end)
            if t and t.group("h") is not None and t.end() > end:
                hour, minute = int(t.group("h")), int(t.group("mi") or 0)
                if (t.group("ampm") or "").lower() == "pm" and hour < 12:
                    hour += 12
                if hour == 24:
                    hour, minute = 23, 59
                end = t.end()
        if hour is not None and hour > 23:
            hour = minute = None
        out.append(Mention(m.start(), end, y, mo, d, hour, minute))
    out.sort(key=lambda x: x.start)
    return out
