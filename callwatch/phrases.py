"""Region names and the "Vem kan söka?" heading, as the funders' pages write them.

Dates, status words, amounts and who may apply are read by the one facts step
(callwatch.facts); this module keeps only what the web adapter needs to cut a page into
sections and to read listed län.
"""

from __future__ import annotations

import re

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
