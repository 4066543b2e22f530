"""Dates, status words, budgets, regions and sections read from the text of funders' pages.

Swedish and English, as the funders write them: "Stänger 05 maj 2026", "Sista ansökningsdag
2026-05-21 14:00", "Öppnar 13 januari 2026", "kan sökas från den 1 augusti 2024 till den
1 oktober 2026", "Apply before: 2026-09-01 14:00", "Open until April 24, 2026".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from callwatch.normalise import MONTHS, clean, zone

_MONTH = r"(?P<mon{n}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:\s*(?:,\s*)?\(?\s*(?:kl\.?|klockan|at)?\s*(?P<h{n}>\d{{1,2}})(?:[.:](?P<m{n}>\d{{2}}))?\s*(?P<ampm{n}>am|pm)?\)?)?"


def _date_expr(n: int) -> str:
    """One date in any of the forms the funders use, with named groups suffixed by n."""
    iso = rf"(?P<iso{n}>\d{{4}}-\d{{2}}-\d{{2}})(?:[ T](?P<isoh{n}>\d{{1,2}})[:.](?P<isom{n}>\d{{2}}))?"
    dmy = (
        rf"(?P<d{n}>\d{{1,2}})\.?\s+"
        + _MONTH.format(n=n)
        + rf"(?:\s+(?P<y{n}>\d{{4}}))?"
        + _TIME.format(n=n)
    )
    mdy = (
        rf"(?P<mon2_{n}>"
        + "|".join(sorted(MONTHS, key=len, reverse=True))
        + r")\.?"
        + rf"\s+(?P<d2_{n}>\d{{1,2}}),?\s+(?P<y2_{n}>\d{{4}})"
    )
    return rf"(?:{iso}|{dmy}|{mdy})"


DEADLINE_LABELS = (
    r"sista\s+ansökningsdag(?:en)?(?:\s+är)?(?:\s+den)?|sista\s+dag\s+för\s+ansökan(?:\s+är)?"
    r"|sista\s+ansökningsdatum|sista\s+dag\s+att\s+(?:söka|ansöka)|ansökan\s+stänger"
    r"|utlysningen\s+stänger|stänger(?:\s+den)?|stängd(?:\s+den)?|stängt|sök\s+senast"
    r"|senast(?:\s+den)?|apply\s+before|open\s+until|closed(?:\s+on)?|closing\s+(?:date|time)"
    r"|deadline(?:\s+date)?|submission\s+deadline|(?<=\s)till\s+den"
)
OPENS_LABELS = (
    r"öppnar(?:\s+för\s+ansökningar)?|utlysningen\s+öppnar|ansökan\s+öppnar|kan\s+sökas\s+från\s+den"
    r"|från\s+den|open\s+for\s+applying|opening(?:\s+date)?|opens(?:\s+on)?"
    r"|application\s+period"
)
_DEADLINE = re.compile(
    rf"(?i)\b(?P<label>{DEADLINE_LABELS})\s*[:\-]?\s*(?:är\s+)?(?:den\s+)?{_date_expr(0)}"
)
_OPENS = re.compile(rf"(?i)\b(?P<label>{OPENS_LABELS})\s*[:\-]?\s*(?:den\s+)?{_date_expr(0)}")

# "06 mars - 09 april 2024", "9 April 2025 (14.00/2 pm) – 14 May 2025 (14.00/2 pm)"
_RANGE = re.compile(rf"(?i){_date_expr(1)}(?:\s*\([^)]*\))?\s*[–-]\s*{_date_expr(2)}")

CLOSED_WORDS = re.compile(
    r"(?i)\b(?:stängd(?:\s+utlysning)?|utlysningen\s+är\s+(?:nu\s+)?stängd|beslutad|avslutad"
    r"|closed|given\s+decision|decision\s+is\s+made|deadline\s+expired)\b"
)
# phrases that mean "closed" wherever they stand on a page
DECIDED = re.compile(
    r"(?i)(?:\bbeslutad\s*:|\bgiven\s+decision\s*:|\bclosed\s*:\s*decision|"
    r"\butlysningen\s+är\s+(?:nu\s+)?stängd|\bdeadline\s+expired|\bstängt\s+för\s+ansökan)"
)
FUTURE_WORDS = re.compile(
    r"(?i)\b(?:kommande(?:\s+utlysning)?|future|upcoming\s+call|öppnar\s+snart)\b"
)
OPEN_WORDS = re.compile(r"(?i)\b(?:pågående|aktuell|current|open\s+until|öppen)\b")

LAN = (
    "Blekinge", "Dalarna", "Gotland", "Gävleborg", "Halland", "Jämtland", "Jönköping", "Kalmar",
    "Kronoberg", "Norrbotten", "Skåne", "Stockholm", "Södermanland", "Sörmland", "Uppsala",
    "Värmland", "Västerbotten", "Västernorrland", "Västmanland", "Västra Götaland", "Örebro",
    "Östergötland", "Hela Sverige",
)  # fmt: skip
_LAN_RE = re.compile(
    r"^(?:region\s+)?(?P<name>" + "|".join(LAN) + r")(?:s?\s+län|s?regionen)?$", re.I
)

ELIGIBILITY_HEADINGS = re.compile(
    r"(?i)^(?:vem\s+(?:kan|får)\s+(?:söka|ansöka)(?:\s+\w+)?|kan\s+du\s+ansöka|behörighet"
    r"|who\s+can\s+apply|eligibility|eligible\s+applicants|söks\s+av)\s*\??:?$"
)


@dataclass
class Found:
    deadlines: list[datetime] = field(default_factory=list)
    opens: datetime | None = None
    status_hint: str | None = None  # closed | forthcoming | open, from words on the page


def _to_datetime(
    m: re.Match, n: int, tz: str, *, deadline: bool, year_hint: int | None
) -> datetime | None:
    g = m.groupdict()
    hour = minute = None
    if g.get(f"iso{n}"):
        d = date.fromisoformat(g[f"iso{n}"])
        if g.get(f"isoh{n}"):
            hour, minute = int(g[f"isoh{n}"]), int(g[f"isom{n}"])
    elif g.get(f"d{n}"):
        year = int(g[f"y{n}"]) if g.get(f"y{n}") else year_hint
        if year is None:
            return None
        try:
            d = date(year, MONTHS[g[f"mon{n}"].lower()], int(g[f"d{n}"]))
        except ValueError:
            return None
        if g.get(f"h{n}") and (g.get(f"m{n}") or g.get(f"ampm{n}")):
            hour, minute = int(g[f"h{n}"]), int(g.get(f"m{n}") or 0)
            if (g.get(f"ampm{n}") or "").lower() == "pm" and hour < 12:
                hour += 12
    else:
        try:
            d = date(int(g[f"y2_{n}"]), MONTHS[g[f"mon2_{n}"].lower()], int(g[f"d2_{n}"]))
        except (ValueError, KeyError):
            return None
    if hour is None:
        hour, minute = (23, 59) if deadline else (0, 0)
    if hour > 23 or (minute or 0) > 59:
        return None
    return datetime.combine(d, time(hour, minute or 0), tzinfo=zone(tz))


def find_dates(text: str, tz: str = "Europe/Stockholm") -> Found:
    """Opening date, deadlines and a status hint from page text."""
    text = clean(text)
    found = Found()
    years = [int(y) for y in re.findall(r"\b(20\d\d)\b", text)]
    year_hint = years[0] if years else None
    for m in _OPENS.finditer(text):
        dt = _to_datetime(m, 0, tz, deadline=False, year_hint=year_hint)
        if dt and found.opens is None:
            found.opens = dt
            year_hint = dt.year
    for m in _RANGE.finditer(text):
        end = _to_datetime(m, 2, tz, deadline=True, year_hint=year_hint)
        start = _to_datetime(m, 1, tz, deadline=False, year_hint=end.year if end else year_hint)
        if start and end and start <= end:
            found.opens = found.opens or start
            if end not in found.deadlines:
                found.deadlines.append(end)
    for m in _DEADLINE.finditer(text):
        hint = found.opens.year if found.opens else year_hint
        dt = _to_datetime(m, 0, tz, deadline=True, year_hint=hint)
        if dt and (found.opens is None or dt >= found.opens) and dt not in found.deadlines:
            found.deadlines.append(dt)
    found.deadlines.sort()
    head = text[:400]
    if CLOSED_WORDS.search(head) or DECIDED.search(text):
        found.status_hint = "closed"
    elif FUTURE_WORDS.search(head):
        found.status_hint = "forthcoming"
    elif OPEN_WORDS.search(head):
        found.status_hint = "open"
    return found


def region_name(text: str) -> str | None:
    m = _LAN_RE.match(clean(text))
    if not m:
        return None
    name = m.group("name")
    return "Södermanland" if name.lower() == "sörmland" else name


_ANY_DATE = re.compile(rf"(?i)(?<!\w){_date_expr(0)}")


def first_date(
    text: str, tz: str = "Europe/Stockholm", *, deadline: bool = True
) -> datetime | None:
    """The first full date (with its year) in text, whatever label stands before it: for
    listings whose cards show a bare date (Energimyndigheten's closed calls)."""
    for m in _ANY_DATE.finditer(clean(text)[:2000]):
        dt = _to_datetime(m, 0, tz, deadline=deadline, year_hint=None)
        if dt:
            return dt
    return None
