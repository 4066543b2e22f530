"""Adapters: one module per *kind* of source (an API or a page layout), not per funder.

Each module offers
    async def crawl(ctx: CrawlContext) -> CrawlResult   # fetch every page, parse, return calls
    def parse(spec, body: bytes, now: datetime, url: str = "") -> list[Call]  # one saved response
and optionally check_options(spec) to validate its part of the source file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from callwatch.errors import ParseError
from callwatch.http import Http, Response
from callwatch.models import Call
from callwatch.sources import SourceSpec


@dataclass
class CrawlResult:
    calls: list[Call]
    complete: bool  # every page of the listing was read without error
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    raw_items: int | None = None  # items read before filtering (e.g. Interreg hits outside Sweden)


@dataclass
class CrawlContext:
    spec: SourceSpec
    http: Http
    now: datetime  # the real time: decides open/closed
    as_of: date  # the date used to build date-relative URLs (the recording's date on replay)
    responses: list[Response] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # e.g. api_key; never logged or stored

    async def fetch(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> Response:
        r = await self.http.request(
            self.spec.id,
            method,
            url,
            headers=headers,
            content=content,
            now=self.now,
            delay=self.spec.delay,
            robots=self.spec.kind in ("html", "feed"),  # scraped pages honour robots.txt
        )
        self.responses.append(r)
        return r


STRUCTURE_ERRORS = (TypeError, KeyError, AttributeError, ValueError, IndexError, RecursionError)


def structure_error(source: str, where: str, e: Exception) -> ParseError:
    """A value of the wrong type deep in a response is bad input, not a bug: say so in one line."""
    detail = str(e).splitlines()[0][:120] if str(e) else ""
    return ParseError(source, f"{where}: unexpected structure ({type(e).__name__}: {detail})")


def safe_parse(spec: SourceSpec, body: bytes, now: datetime, where: str = "") -> list[Call]:
    """The adapter's parse(), with any unexpected structure turned into a one-line ParseError."""
    from callwatch.facts.apply import with_facts

    try:
        calls = spec.adapter().parse(spec, body, now, where)
        return with_facts(calls, now, kind=spec.kind, tz=spec.timezone)
    except ParseError:
        raise
    except STRUCTURE_ERRORS as e:
        raise structure_error(spec.id, where or "response", e) from None


def load_json(source: str, body: bytes, what: str) -> object:
    """Decode JSON or fail naming the source; an HTML page where JSON was expected says so."""
    head = body.lstrip()[:200].lower()
    if head.startswith(b"<"):
        raise ParseError(
            source,
            f"{what}: expected JSON but the server answered with an HTML page",
        )
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ParseError(source, f"{what}: invalid JSON ({e.__class__.__name__}: {e})") from None


def need(source: str, obj: object, key: str, typ: type | tuple[type, ...], where: str) -> object:
    """obj[key] of the expected type, or a ParseError naming what is missing and where."""
    if not isinstance(obj, dict):
        raise ParseError(source, f"{where}: expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise ParseError(source, f"{where}: field '{key}' is missing")
    value = obj[key]
    if not isinstance(value, typ):
        raise ParseError(
            source, f"{where}: field '{key}' has type {type(value).__name__}, expected {typ}"
        )
    return value
