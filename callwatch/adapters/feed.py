"""RSS and Atom feeds (feedparser) for funders that publish their calls as a feed.

Each entry is a call: its title and link, its summary and date phrases in the entry text. With
options.follow = true the linked page is read with the same generic extractor as web sources.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from callwatch.adapters import CrawlContext, CrawlResult, each_record
from callwatch.adapters.web import Card, parse_call_page
from callwatch.errors import ParseError, SourceError
from callwatch.models import Call
from callwatch.normalise import clean, html_to_text
from callwatch.sources import SourceSpec, require_option

SCRAPED = True  # feeds and the pages they link to: requests honour robots.txt


def check_options(spec: SourceSpec) -> None:
    require_option(spec, "feed_url", str)


def cards(spec: SourceSpec, body: bytes, where: str) -> list[Card]:
    import feedparser

    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        raise ParseError(spec.id, f"{where}: not a readable RSS/Atom feed ({feed.bozo_exception})")
    pattern = re.compile(spec.options["link_pattern"]) if spec.options.get("link_pattern") else None

    def card(e: dict, place: str) -> Card | None:
        link = e.get("link") or ""
        if not link.startswith("http"):
            raise ParseError(spec.id, f"{place}: entry has no link")
        if pattern and not pattern.search(link):
            return None
        text = " ".join(
            filter(
                None,
                [
                    clean(e.get("title")),
                    html_to_text(e.get("summary") or ""),
                    e.get("published") or "",
                ],
            )
        )
        return Card(link, clean(e.get("title")), text)

    return each_record(spec.id, feed.entries, card, f"{where} entry", ids=("id", "title"))


def _calls(spec: SourceSpec, entries: list[Card], now: datetime) -> list[Call]:
    return each_record(
        spec.id, entries, lambda c, _: parse_call_page(spec, None, c.url, now, c),
        lambda _, c: c.url,
    )  # fmt: skip


def parse(spec: SourceSpec, body: bytes, now: datetime, url: str = "") -> list[Call]:
    return _calls(spec, cards(spec, body, url or "feed"), now)


async def crawl(ctx: CrawlContext) -> CrawlResult:
    spec = ctx.spec
    r = await ctx.fetch("GET", spec.options["feed_url"])
    entries = cards(spec, r.body, spec.options["feed_url"])
    if not spec.options.get("follow"):
        return CrawlResult(_calls(spec, entries, ctx.now), True, 1)

    async def one(card: Card) -> tuple[Card, str | None]:
        try:
            page = await ctx.fetch("GET", card.url)
        except SourceError:
            return card, None  # the entry's own text still gives the call
        return card, page.text()

    fetched = await asyncio.gather(*(one(c) for c in entries))
    calls = each_record(
        spec.id, fetched, lambda p, _: parse_call_page(spec, p[1], p[0].url, ctx.now, p[0]),
        lambda _, p: p[0].url,
    )  # fmt: skip
    return CrawlResult(calls, True, 1)
