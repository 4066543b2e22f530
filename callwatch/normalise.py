"""Pure helpers that turn the strings funders publish into callwatch values: text and
timestamps. (Dates written in words, amounts and the other facts of a call's text are read by
callwatch.facts.)

Nothing here touches the network or the database, so every rule is cheap to test."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from callwatch.clock import TIMEZONE

STOCKHOLM = TIMEZONE  # the zone name naive funder times are read in

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
