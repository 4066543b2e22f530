"""Saved call pages (HTML or plain text) read as a title and text: `callwatch extract` shows
their facts, `callwatch add` keeps one as a call. A page found anywhere can be judged this way."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from callwatch.errors import CallwatchError
from callwatch.facts import Facts, extract
from callwatch.normalise import clean

MAX_BYTES = 5_000_000


def read_page(path: Path) -> tuple[str, str]:
    """(title, text) of a saved page. A .txt file's first line is its title."""
    try:
        raw = Path(path).read_bytes()[:MAX_BYTES]
    except OSError as e:
        raise CallwatchError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CallwatchError(f"{path}: not UTF-8 text (byte {e.start})") from None
    head = body.lstrip()[:500].lower()
    if Path(path).suffix.lower() in (".html", ".htm") or head.startswith(
        ("<!doctype", "<html", "<")
    ):
        return _html(body)
    lines = body.splitlines()
    title = clean(lines[0]) if lines else ""
    return title[:400], "\n".join(lines[1:])


def _html(html: str) -> tuple[str, str]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, nav, header, footer, noscript"):
        node.decompose()
    title = ""
    h1 = tree.css_first("h1")
    if h1:
        title = clean(h1.text())
    if not title:
        meta = tree.css_first('meta[property="og:title"]')
        title = clean(meta.attributes.get("content") or "") if meta else ""
    title_node = tree.css_first("title")
    if not title and title_node is not None:
        title = re.split(r"\s+[|–-]\s+", clean(title_node.text()))[0]
    content = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    blocks = []
    if content is not None:
        for el in content.css("h1, h2, h3, h4, h5, h6, p, li, dt, dd, td, th"):
            if el.tag in ("li", "td", "dd") and any(
                c.tag in ("p", "li")
                for c in el.traverse(include_text=False)
                if c.mem_id != el.mem_id
            ):
                continue
            t = clean(el.text(separator=" "))
            if t:
                blocks.append(t)
        if not blocks:
            blocks = [clean(content.text(separator=" "))]
    return title[:400], "\n".join(blocks)


def extract_file(path: Path, today: date) -> tuple[dict, Facts]:
    title, text = read_page(path)
    facts = extract(title, text, as_of=today)
    return {"file": str(path), **facts.to_dict()}, facts


def page_id(url: str) -> str:
    """An import-style id for a page kept with `add`: readable, stable for the same URL."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    segment = next((p for p in reversed(parts.path.split("/")) if p), "")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host}-{segment}".lower()).strip("-")[:60]
    return f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:6]}"


def page_call(path: Path, url: str, funder: str | None, now: datetime):  # noqa: ANN201 - Call
    """A saved page as a call of the import source, its facts read by the one facts step."""
    from callwatch.facts.apply import enrich
    from callwatch.models import IMPORT_SOURCE, Call

    if not url.startswith(("http://", "https://")):
        raise CallwatchError(f"--url {url!r} must start with http:// or https://")
    title, text = read_page(path)
    if not title:
        raise CallwatchError(f"{path}: no title (first line of a .txt, <h1> or <title> of a page)")
    call = Call(
        source=IMPORT_SOURCE,
        native_id=page_id(url),
        title=title,
        url=url,
        funder=clean(funder) or urlsplit(url).netloc.removeprefix("www."),
        status="unknown",
        summary=clean(text)[:400],
        description=text[:20000],
        extra={"added_from": Path(path).name},
    )
    enrich(call, now)
    return call
