"""Pure helpers that turn the strings funders publish into callwatch values: text, dates, money.

Nothing here touches the network or the database, so every rule is cheap to test."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

STOCKHOLM = "Europe/Stockholm"

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def clean(text: object) -> str:
    """Collapse any Unicode whitespace, drop soft hyphens and zero-width characters."""
    if not text:
        return ""
    if not isinstance(text, str):
        if isinstance(text, int | float):
            text = str(text)
        else:
            raise TypeError(f"expected text, got {type(text).__name__}")
    # str.split() splits on every Unicode space (NBSP included) and is far faster than a regex
    return " ".join(_INVISIBLE.sub("", text).split())


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment, paragraphs separated by blank lines."""
    if not html:
        return ""
    if "<" not in html:
        return clean(html)
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for node in tree.css("script, style"):
        node.decompose()
    blocks = []
    block_tags = {"p", "li", "div", "h1", "h2", "h3", "h4", "h5", "td"}
    for node in tree.css("p, li, h1, h2, h3, h4, h5, td, div"):
        # only leaf blocks, so text is not repeated (traverse() includes the node itself)
        if any(
            c.tag in block_tags
            for c in node.traverse(include_text=False)
            if c is not node and c.mem_id != node.mem_id
        ):
            continue
        t = clean(node.text(separator=" "))
        if t:
            blocks.append(t)
    if not blocks:
        body = tree.body or tree.root
        return clean(body.text(separator=" ")) if body else ""
    return "\n\n".join(blocks)


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(value: str, tz: str) -> datetime:
    """Parse an ISO-ish timestamp; naive values are read in `tz` (e.g. Europe/Stockholm).

    Accepts '2026-09-15T00:00:00.000+0000', '2017-03-02T14:00:00', '2026-05-21 14:00',
    '2026-04-24T21:59:59Z' and plain dates. Raises ValueError on anything else.
    """
    s = value.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    s = _OFFSET_NO_COLON.sub(r"\1:\2", s)
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone(tz))
    return dt


def end_of_day(d: date, tz: str) -> datetime:
    """A deadline given as a bare date is open until the end of that day, local time."""
    return datetime.combine(d, time(23, 59), tzinfo=zone(tz))


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


# ---------------------------------------------------------------------------------------------
# Money

_NUM = r"\d{1,3}(?:[ \u00a0.,]\d{3})+(?!\d)|\d+(?:[.,]\d+)?"
_SCALE = {
    "miljarder": 1e9, "miljard": 1e9, "mdkr": 1e9, "billion": 1e9,
    "miljoner": 1e6, "miljon": 1e6, "milj": 1e6, "mn": 1e6, "mkr": 1e6, "mnkr": 1e6,
    "msek": 1e6, "million": 1e6, "meur": 1e6,
}  # fmt: skip
# Amounts are found number by number: a number counts as money when a currency stands right
# before it ("SEK 20", "€ 571") or a scale word or currency right after ("50 miljoner kronor",
# "2 mkr", "3,1 MEUR"). Looking only around the few numbers in a text keeps this fast.
_NUM_RE = re.compile(_NUM)
_AFTER = re.compile(
    r"\s*(?P<scale>miljarder|miljard|mdkr|billion|miljoner|miljon|milj\.?|mnkr|mkr|msek|meur|mn|million)?"
    r"(?:\s*(?P<post>kronor|kr|sek|eur|euro))?\b",
    re.I,
)
_BEFORE = re.compile(r"(?:\b(?P<pre>sek|eur)|(?P<euro>€))\s*$", re.I)
# Words that mark a sentence as stating the call's total budget rather than a per-project cap.
_TOTAL_WORDS = re.compile(
    r"budget|totalt|total|utlysta medel|utlyser|avsätts|avsatt|sammanlagt|omfattar|"
    r"funds announced|announced funds|allocated|available|till förfogande",
    re.I,
)
_CAP_WORDS = re.compile(
    r"per projekt|per project|maximalt|max\b|högst|maximum|up to|upp till|per etapp|per part|"
    r"per internship|per month|per år|per year|per company|ett företag",
    re.I,
)


def _to_number(s: str) -> float:
    s = s.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", s):
        return float(re.sub(r"[ .,]", "", s))
    return float(s.replace(",", "."))


def money_mentions(text: str) -> list[tuple[float, str, int, int]]:
    """All amounts in a text as (amount, currency, start, end)."""
    found: list[tuple[float, str, int, int]] = []
    for m in _NUM_RE.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue  # part of a word or a longer number ("2024-01549", "B2")
        after = _AFTER.match(text, m.end())
        scale, post = (after.group("scale"), after.group("post")) if after else (None, None)
        before = _BEFORE.search(text, max(0, m.start() - 6), m.start())
        pre = (before.group("pre") or before.group("euro")) if before else None
        if not (pre or scale or post):
            continue
        try:
            amount = _to_number(m.group(0))
        except ValueError:
            continue
        if scale:
            amount *= _SCALE[scale.lower().rstrip(".")]
        unit = (pre or post or scale or "").lower()
        currency = "EUR" if unit in ("eur", "€", "euro", "meur") else "SEK"
        end = after.end() if after and (scale or post) else m.end()
        found.append((amount, currency, before.start() if before else m.start(), end))
    return found


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start))
    # a decimal point inside a number is not a sentence end
    while left > 0 and left + 1 < len(text) and text[left + 1].isdigit():
        left = max(text.rfind(".", 0, left), text.rfind("\n", 0, left))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1 : right]


def parse_budget(text: str) -> tuple[float | None, str | None, float | None]:
    """(total budget, currency, largest per-project cap) from free text, or Nones.

    Total budget comes from a sentence that talks about the budget as a whole ("Budget för hela
    erbjudandet är 50 miljoner kronor", "Funds announced approximately SEK 20 million"); amounts
    in sentences about caps ("maximalt 4 miljoner per företag") are reported as the cap instead.
    """
    text = clean(text)
    total: tuple[float, str] | None = None
    cap: float | None = None
    for amount, currency, start, end in money_mentions(text):
        sentence = _sentence_around(text, start, end)
        if _CAP_WORDS.search(sentence) and not re.search(
            r"budget|totalt|total budget|utlysta", sentence, re.I
        ):
            cap = max(cap or 0.0, amount)
        elif _TOTAL_WORDS.search(sentence):
            if total is None or amount > total[0]:
                total = (amount, currency)
        elif _CAP_WORDS.search(sentence):
            cap = max(cap or 0.0, amount)
    if total:
        return total[0], total[1], cap
    return None, None, cap


# ---------------------------------------------------------------------------------------------
# Swedish and English dates written in words

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10,
}  # fmt: skip
