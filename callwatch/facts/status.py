"""A call's status: the words a page or listing uses for its state, and the status on a date
from the evidence (deadlines, opening date, status word); no evidence is `unknown`."""

from __future__ import annotations

import re
from datetime import date

STALE_DAYS = 365
RECENT_OPENING_DAYS = 180  # opened this recently, no deadline known: taken as still open


_CLOSED_WORD = re.compile(
    r"(?i)^(?:status\s*:?\s*)?(?:stängd(?:\s+utlysning)?|closed|beslutad[e]?|avslutad|avslutat|"
    r"deadline expired|stängt för ansökan)\s*(?:$|:|\(|-|\s\d)|^closed on\b|"
    r"^Closed(?=[A-ZÅÄÖ][a-zåäö])|utlysningen är (?:nu )?stängd|\bstängt för ansökan|deadline expired"
)
_FUTURE_WORD = re.compile(
    r"(?i)^(?:status\s*:?\s*)?(?:kommande(?:\s+utlysning)?|upcoming(?: call)?|forthcoming|future)"
    r"\s*(?:$|:|-|\s\d)|"
    r"^öppnar\b|planeras (?:att )?öppna|planera\w* (?:\w+ ){0,2}att öppna|will open|kommer att öppna|will be open|\båbner vi\b|"
    r"opens? (?:on|in) |öppnar (?:den|i|snart)|upcoming call|forthcoming"
)
_OPEN_WORD = re.compile(
    r"(?i)^(?:status\s*:?\s*)?(?:öppen|open|pågående|öppen utlysning)\s*(?:$|:|-)|^stänger\b|"
    r"open until|now open|är nu öppen|är (?:nu )?öppe[nt](?:\s*[!.]|$|\s+(?:till|mellan|\d))|öppen!|"
    r"öppet för ansökningar|open for (?:applications|submissions|proposals)(?:\s*[!.]|$)|"
    r"accepting (?:proposals|applications)|has (?:opened|launched)|are now open|is now open|"
    r"always open|\bnu är det möjligt|"
    r"\b(?:er )?nå åpen|\bis open\b|\bopen calls?\b|officially open"
)
_WORDS = {
    "öppen": "open", "open": "open", "pågående": "open", "aktuell": "open", "current": "open",
    "kommande": "forthcoming", "upcoming": "forthcoming", "forthcoming": "forthcoming",
    "planerad": "forthcoming", "stängd": "closed", "closed": "closed", "avslutad": "closed",
    "beslutad": "closed", "stängt": "closed",
}  # fmt: skip


def normalise_status_word(word: str | None) -> str | None:
    """A listing's or API's status word as open / forthcoming / closed, or None."""
    if not word:
        return None
    w = " ".join(str(word).lower().split())[:40]
    if w in ("open", "forthcoming", "closed"):
        return w
    for key, value in _WORDS.items():
        if w.startswith(key):
            return value
    return None


def status_word(title: str, sents: list[str]) -> tuple[str | None, str | None]:
    """The page's own word for its state: a status line anywhere, or words near the top."""
    for rx, word in ((_CLOSED_WORD, "closed"), (_FUTURE_WORD, "forthcoming"), (_OPEN_WORD, "open")):
        for n, s in enumerate([title, *sents[:40]]):
            parts = [s[:200], *(p[:200] for p in s.split(": ")[1:3])]
            if any(rx.match(p) for p in parts) or (n < 9 and rx.search(s[:300])):
                return word, s
    return None, None


def status_as_of(
    deadlines: list[str],
    opens: str | None,
    word: str | None,
    as_of: date,
    *,
    listed: bool = False,
) -> tuple[str, str]:
    """(status, why) on a date, from the evidence only; no evidence is `unknown`. A `listed`
    word is the funder's current listing or API ("Kommande"): it stands even when an opening
    date written on the page has passed."""
    days = [date.fromisoformat(d[:10]) for d in deadlines]
    if word == "closed" and not any(d >= as_of for d in days):
        return "closed", "word"
    if days and all(d < as_of for d in days):
        return "closed", "deadline"
    if opens and date.fromisoformat(opens[:10]) > as_of:
        return "forthcoming", "opens"
    if days:
        return "open", "deadline"
    if word == "forthcoming" and opens and not listed:
        word = None  # "Öppnar 12 augusti 2024" has opened since: the page's word is out of date
    if word:
        return word, "word"
    if opens and (as_of - date.fromisoformat(opens[:10])).days <= RECENT_OPENING_DAYS:
        return "open", "opens"
    return "unknown", ""


_LISTING_WORD = re.compile(
    r"(?<![\w-])(Kommande|Öppen|Stängd|Pågående|Avslutad|Upcoming|Forthcoming|Closed)(?![\w-])"
)


def listing_word(text: str | None) -> str | None:
    """An explicit status word on a listing card ("Kommande", "Stängd"), as open/forthcoming/
    closed; dates on the card are read as dates, not as a word."""
    if not text:
        return None
    m = _LISTING_WORD.search(str(text)[:2000])
    return normalise_status_word(m.group(1)) if m else None
