"""Declarative web sources: a TOML file names the listing page(s) and which links are calls;
this generic extractor does the rest, with no site-specific class names.

From each call page it reads the title (h1, og:title, <title>), a summary (meta description or
the first substantial paragraph), dates and status words in Swedish or English (see
callwatch.phrases), the "Vem kan söka?" section as eligibility, listed län, and budget phrases.
When a call page cannot be fetched, the listing card's own text (title, "Stänger 24 april 2026")
is used, so a call is never dropped for want of its page.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from callwatch.adapters import CrawlContext, CrawlResult, each_record
from callwatch.errors import ConfigError, ParseError, SourceError, StructureError
from callwatch.facts.apply import enrich
from callwatch.models import Call
from callwatch.normalise import clean
from callwatch.phrases import ELIGIBILITY_HEADINGS, first_date, region_name
from callwatch.sources import SourceSpec, require_option

SCRAPED = True  # listing and call pages: requests honour robots.txt
BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "td", "th", "summary")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th"}


def check_options(spec: SourceSpec) -> None:
    urls = require_option(spec, "listing_urls", list)
    if not urls or not all(isinstance(u, str) and u.startswith("http") for u in urls):  # type: ignore[union-attr, attr-defined]
        raise ConfigError(f"{spec.path}: key 'options.listing_urls' must list http(s) URLs")
    for key in ("link_pattern", "closed_url_pattern", "id_pattern", "exclude_pattern"):
        if key in spec.options:
            try:
                re.compile(str(spec.options[key]))
            except re.error as e:
                raise ConfigError(
                    f"{spec.path}: key 'options.{key}' is not a valid regex ({e})"
                ) from None
    require_option(spec, "link_pattern", str)


def _parser(html: str):  # noqa: ANN202
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html)


@dataclass
class Card:
    url: str
    title: str
    text: str


def parse_listing(spec: SourceSpec, html: str, base_url: str) -> list[Card]:
    """Call links on a listing page, each with its card's title and text."""
    tree = _parser(html)
    pattern = re.compile(spec.options["link_pattern"])
    exclude = (
        re.compile(spec.options["exclude_pattern"]) if spec.options.get("exclude_pattern") else None
    )
    cards: dict[str, Card] = {}
    for a in tree.css("a[href]"):
        href = urldefrag(urljoin(base_url, a.attributes.get("href") or ""))[0]
        if not pattern.search(href) or (exclude and exclude.search(href)) or href in cards:
            continue
        container = a
        for _ in range(4):  # the card: nearest list item, article or small block around the link
            parent = container.parent
            if parent is None or parent.tag in ("body", "main", "ul", "ol", "html"):
                break
            container = parent
            if container.tag in ("li", "article"):
                break
        heading = next(
            (c for c in container.traverse(include_text=False) if c.tag in ("h2", "h3", "h4")), None
        )
        title = clean(heading.text() if heading else a.text())
        cards[href] = Card(href, title, clean(container.text(separator=" ")))
    return list(cards.values())


# A listing card's own status word (Tillväxtverket: Pågående | Kommande | Stängd), standing
# right after the card's title, not anywhere in a description.
_LISTING_WORD = {
    "kommande": "forthcoming", "upcoming": "forthcoming",
    "pågående": "open", "öppen": "open", "open": "open",
    "stängd": "closed", "avslutad": "closed", "closed": "closed",
}  # fmt: skip
_WORD = "|".join(_LISTING_WORD)
_LISTING_RE = re.compile(rf"(?i)^\W*({_WORD})\b")


def listing_status(card: Card) -> str | None:
    """The status word a listing card shows for its call, if any."""
    rest = card.text.replace(card.title, " ", 1) if card.title else card.text
    m = _LISTING_RE.search(rest.strip()[:400])
    return _LISTING_WORD[m.group(1).lower()] if m else None


def _blocks(node) -> list[tuple[str, str]]:  # noqa: ANN001
    out = []
    for el in node.css(", ".join(BLOCK_TAGS)):
        if el.tag in ("li", "td", "dd") and any(
            c.tag in ("p", "li") for c in el.traverse(include_text=False) if c.mem_id != el.mem_id
        ):
            continue  # containers: their children are listed themselves (css_first matches self)
        text = clean(el.text(separator=" "))
        if text:
            out.append((el.tag, text))
    return out


def _meta(tree, *names: str) -> str:  # noqa: ANN001
    for name in names:
        node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
        if node and node.attributes.get("content"):
            return clean(node.attributes["content"])
    return ""


def _slug_title(url: str) -> str:
    path = [p for p in urlsplit(url).path.split("/") if p]
    slug = re.sub(r"\.\d+\.html$|\.html?$", "", path[-1] if path else "")
    slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", slug)
    return clean(slug.replace("-", " ").replace("_", " ")).capitalize()


def native_id(spec: SourceSpec, url: str) -> str:
    if spec.options.get("id_pattern"):
        m = re.search(spec.options["id_pattern"], url)
        if m:
            return m.group(1)
    path = urlsplit(url).path.strip("/")
    return re.sub(r"\.html?$", "", path.split("/")[-1] if path else url)


def parse_call_page(
    spec: SourceSpec, html: str | None, url: str, now: datetime, card: Card | None = None
) -> Call:
    """One call from its page (or, when html is None, from its listing card alone)."""
    title = summary = eligibility = ""
    blocks: list[tuple[str, str]] = []
    language = spec.language
    if html is not None:
        tree = _parser(html)
        sel = spec.options.get("selectors", {})
        for node in tree.css("script, style, nav, header, footer, noscript"):
            node.decompose()
        content = (
            (tree.css_first(sel["content"]) if sel.get("content") else None)
            or tree.css_first("main")
            or tree.css_first("article")
            or tree.body
        )
        if content is None:
            raise ParseError(spec.id, f"{url}: page has no body")
        heading = tree.css_first(sel.get("title", "h1"))
        title = clean(heading.text()) if heading else ""
        title = title or _meta(tree, "og:title")
        if not title and tree.css_first("title"):
            title = re.split(r"\s+[|–-]\s+", clean(tree.css_first("title").text()))[0]
        blocks = _blocks(content)
        summary = _meta(tree, "description", "og:description")
        html_node = tree.css_first("html")
        lang = (html_node.attributes.get("lang") or "") if html_node else ""
        language = lang[:2].lower() or language
    title = title or (card.title if card else "") or _slug_title(url)
    texts = [t for _, t in blocks]
    if not summary:
        summary = next((t for tag, t in blocks if tag == "p" and len(t) >= 60 and t != title), "")
    # eligibility: the section under a "Vem kan söka?" heading, up to the next heading
    for i, (tag, text) in enumerate(blocks):
        if ELIGIBILITY_HEADINGS.match(text) and (tag in HEADINGS or text.endswith("?")):
            section = []
            for tag2, text2 in blocks[i + 1 :]:
                if tag2 in HEADINGS or (tag2 == "p" and text2.endswith("?") and len(text2) < 60):
                    break
                section.append(text2)
            eligibility = " ".join(section)
            break
        if re.match(r"(?i)^(?:söks av|vem kan söka\??)\s*:\s*\S", text):
            eligibility = text.split(":", 1)[1].strip()
            break
    regions = sorted({r for tag, t in blocks[:40] if tag == "li" for r in [region_name(t)] if r})
    extra: dict = {
        k: v
        for k, v in {
            "regions": regions,
            # the card's text ("Stänger 24 april 2026", "Kommande") is read by the facts step
            "listing_text": (card.text[:2000] if html is None else card.text[:300]) if card else "",
        }.items()
        if v
    }
    if html is None:
        extra["from_listing_only"] = True
    closed_url = bool(
        spec.options.get("closed_url_pattern")
        and re.search(spec.options["closed_url_pattern"], url)
    )
    word = listing_status(card) if card else None
    if closed_url:
        extra["status_word"] = "closed"  # the funder files it under closed calls
    elif word:
        extra["status_word"] = word  # the listing's own word ("Kommande") is evidence
        extra["listing_status"] = word
    call = Call(
        source=spec.id,
        native_id=native_id(spec, url),
        title=title,
        url=url,
        funder=spec.funder,
        status="unknown",
        programme=spec.options.get("programme", ""),
        summary=summary[:500],
        description="\n\n".join(t for t in texts if t != title)[:20000],
        language=language,
        eligibility=eligibility,
        keywords=[],
        extra=extra,
    )
    # this listing's card shows the closing day right after the title: "Stänger <date>" while
    # open, a bare date once closed; later dates in its blurb are not deadlines
    card_day = (
        first_date(card.text.replace(card.title, " ", 1), spec.timezone)
        if card and spec.options.get("card_date") == "closes"
        else None
    )
    if card_day and html is None:
        call.deadlines = [card_day]
    # dates, status, money and who may apply: the one facts step (callwatch.facts)
    enrich(call, now, status_from_source=spec.status_from_source, tz=spec.timezone)
    if card_day and not call.deadlines:  # the page states none: the card's day stands
        call.deadlines = [card_day]
        enrich(call, now, status_from_source=spec.status_from_source, tz=spec.timezone)
    return call


def parse(spec: SourceSpec, body: bytes, now: datetime, url: str = "") -> list[Call]:
    """A saved listing page gives its cards as calls; a saved call page gives that call."""
    html = body.decode("utf-8", errors="replace")
    if not html.lstrip().startswith("<"):
        raise ParseError(spec.id, f"{url or 'file'}: not an HTML page")
    base = url if url.startswith("http") else spec.options["listing_urls"][0]
    cards = parse_listing(spec, html, base)
    if cards:
        return each_record(
            spec.id, cards, lambda c, _: parse_call_page(spec, None, c.url, now, c),
            lambda _, c: c.url,
        )  # fmt: skip
    call = parse_call_page(spec, html, base if not url.startswith("http") else url, now)
    if not call.title:
        raise ParseError(spec.id, f"{url or 'file'}: no call links and no call title found")
    return [call]


def _page_url(url: str, param: str, page: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[param] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query)))


def light_spec(spec: SourceSpec) -> SourceSpec:
    """For `sources check`: the first listing page and a few call pages are enough."""
    from dataclasses import replace

    options = {
        **spec.options,
        "listing_urls": spec.options["listing_urls"][:1],
        "pagination": {},
        "max_calls": 5,
    }
    return replace(spec, options=options)


async def crawl(ctx: CrawlContext) -> CrawlResult:
    spec = ctx.spec
    cards: dict[str, Card] = {}
    pages = 0
    pagination = spec.options.get("pagination") or {}
    failed: list[str] = []
    for listing in spec.options["listing_urls"]:
        page_no, url = 1, listing
        while True:
            try:
                r = await ctx.fetch("GET", url)
            except SourceError as e:
                # one listing (or a later page) failing leaves the crawl partial, not failed
                failed.append(str(e).split(": ", 1)[-1])
                break
            pages += 1
            new = [c for c in parse_listing(spec, r.text(), r.url or url) if c.url not in cards]
            for c in new:
                cards[c.url] = c
            if not pagination or not new or page_no >= int(pagination.get("max_pages", 5)):
                break
            page_no += 1
            url = _page_url(listing, pagination.get("param", "page"), page_no)
    if failed and not cards:
        raise SourceError(spec.id, failed[0])
    for f in failed:
        ctx.warnings.append(f"listing page failed: {f}")
    if not cards:
        raise StructureError(
            spec.id,
            f"no links matching options.link_pattern on {', '.join(spec.options['listing_urls'])}; "
            "the listing layout may have changed",
        )
    limit = int(spec.options.get("max_calls", 60))
    chosen = list(cards.values())[:limit]
    complete = len(cards) <= limit and not failed
    if not complete:
        ctx.warnings.append(
            f"{len(cards)} call links, followed the first {limit} (options.max_calls)"
        )
    follow = spec.options.get("follow", True)
    missing = 0

    async def one(card: Card) -> tuple[Card, str | None]:
        nonlocal missing
        if not follow:
            return card, None
        try:
            r = await ctx.fetch("GET", card.url)
        except SourceError:
            missing += 1
            return card, None
        return card, r.text()

    fetched = await asyncio.gather(*(one(c) for c in chosen))
    calls = each_record(  # an odd page is skipped and named, never fails the source
        spec.id,
        fetched,
        lambda p, _: parse_call_page(spec, p[1], p[0].url, ctx.now, p[0]),
        lambda _, p: p[0].url,
    )
    if missing:
        ctx.warnings.append(f"{missing} call page(s) could not be fetched; used the listing text")
    return CrawlResult(calls=list(calls), complete=complete, pages=pages)
