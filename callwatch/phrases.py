"""Region names and the "Vem kan söka?" heading, as the funders' pages write them.

Dates, status words, amounts and who may apply are read by the one facts step
(callwatch.facts); this module keeps only what the web adapter needs to cut a page into
sections and to read listed län.
"""

from __future__ import annotations

import re

from callwatch.clock import TIMEZONE
from callwatch.normalise import clean

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


def region_name(text: str) -> str | None:
    m = _LAN_RE.match(clean(text))
    if not m:
        return None
    name = m.group("name")
    return "Södermanland" if name.lower() == "sörmland" else name


def first_date(text: str, tz: str = TIMEZONE) -> str | None:
    """The first full date (with its year) in text, whatever label stands before it, as the
    end of that day (ISO): for listings whose cards show a bare date (Energimyndigheten's
    closed calls)."""
    from datetime import date

    from callwatch.facts.apply import as_iso
    from callwatch.facts.dates import mentions

    for m in mentions(clean(text)[:1000]):
        if m.year:
            try:
                return as_iso(date(m.year, m.month, m.day).isoformat(), tz, deadline=True)
            except ValueError:
                continue
    return None
