"""Adapters: one module per *kind* of source (an API or a page layout), not per funder.

Each module offers
    async def crawl(ctx: CrawlContext) -> CrawlResult   # fetch every page, parse, return calls
    def parse(spec, body: bytes, now: datetime, url: str = "") -> list[Call]  # one saved response
and optionally (hooks, read with getattr, so a new kind needs none of them)
    def check_options(spec) -> None         # validate its part of the source file
    def series_key(extra: dict) -> str | None  # the key rounds of a recurring call share
    SERIES_BY_TITLE = False                 # keep its calls out of title matching of rounds
    STATUS_FROM_SOURCE = True               # its calls' status is the funder's own word
    SCRAPED = True                          # it reads web pages: robots.txt is honoured
    def light_spec(spec) -> SourceSpec      # a smaller crawl for `sources check`
A parser raises errors.StructureError when a response lacks what it needs (a changed layout).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from callwatch.errors import ParseError, StructureError
from callwatch.http import Http, Response
from callwatch.models import Call
from callwatch.sources import SourceSpec


@dataclass
class Skipped:
    """One record a parser could not read: where it was and why. Kept in the run log."""

    record: str  # e.g. "utlysningar response[12] (2024-00123)"
    why: str

    def __str__(self) -> str:
        return f"{self.record}: {self.why}"


@dataclass
class CrawlResult:
    calls: list[Call]
    complete: bool  # every page of the listing was read without error
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    raw_items: int | None = None  # items read before filtering (e.g. Interreg hits outside Sweden)
    skipped: list[Skipped] = field(default_factory=list)  # odd records left out (see each_record)


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
            robots=self.spec.scraped,  # scraped pages honour robots.txt
        )
        self.responses.append(r)
        return r


STRUCTURE_ERRORS = (TypeError, KeyError, AttributeError, ValueError, IndexError, RecursionError)


def structure_error(source: str, where: str, e: Exception) -> ParseError:
    """A value of the wrong type deep in a response is bad input, not a bug: say so in one line."""
    detail = str(e).splitlines()[0][:120] if str(e) else ""
    return ParseError(source, f"{where}: unexpected structure ({type(e).__name__}: {detail})")


# Odd records skipped during the current crawl or parse. A context variable, so concurrent
# crawls of different sources (each its own asyncio task) keep their own lists, while the pages
# one crawl fetches concurrently (child tasks copy the context) add to the same list.
_SKIPPED: ContextVar[list[Skipped] | None] = ContextVar("callwatch_skipped", default=None)


@contextmanager
def collecting_skips() -> Iterator[list[Skipped]]:
    """Collect the records each_record() skips inside this block."""
    found: list[Skipped] = []
    token = _SKIPPED.set(found)
    try:
        yield found
    finally:
        _SKIPPED.reset(token)


def skip(record: str, why: str) -> None:
    """Note a record left out, for the run log; outside collecting_skips() it is dropped."""
    found = _SKIPPED.get()
    if found is not None:
        found.append(Skipped(record, why))


def _reason(source: str, place: str, e: Exception) -> str:
    """The error without its source and place (the run log names those separately)."""
    msg = str(e) if isinstance(e, ParseError) else str(structure_error(source, place, e))
    msg = msg.removeprefix(f"{source}: ")
    if msg.startswith(place):
        msg = re.sub(r"^ \([^)]*\)", "", msg[len(place) :]).removeprefix(": ")
    return msg


def each_record(
    source: str,
    items: Iterable[Any],
    parse_one: Callable[[Any, str], Any],
    where: str | Callable[[int, Any], str],
    ids: tuple[str, ...] = (),
) -> list[Any]:
    """parse_one() over every record of a response; one odd record never fails a source.

    A record that raises ParseError (or a structure error) is skipped and named with its
    place and reason (see collecting_skips). Only when *every* record fails is that a
    collapse, raised as the first record's error: the format itself has changed. Smaller
    losses are judged by the share checks in callwatch.health. `where` names a record's place
    ("<where>[<index>]" for a string), `ids` the fields that name the record itself."""
    out: list[Any] = []
    failed: list[tuple[str, Exception, str]] = []
    n = 0
    for i, item in enumerate(items):
        n += 1
        place = where(i, item) if callable(where) else f"{where}[{i}]"
        try:
            result = parse_one(item, place)
        except (ParseError, *STRUCTURE_ERRORS) as e:  # type: ignore[misc]
            failed.append((place, e, record_id(item, *ids)))
            continue
        if result is not None:
            out.append(result)
    if failed and len(failed) == n:
        place, first, _ = failed[0]
        if isinstance(first, ParseError):
            raise first
        raise structure_error(source, place, first) from None
    for place, error, name in failed:
        skip(place + name, _reason(source, place, error))
    return out


def record_id(item: object, *keys: str) -> str:
    """A record's own id for naming it in the run log: the first of keys it has."""
    if isinstance(item, dict):
        for k in keys:
            v = item.get(k)
            if isinstance(v, str | int) and str(v).strip():
                return f" ({str(v).strip()[:80]})"
    return ""


def safe_parse(spec: SourceSpec, body: bytes, now: datetime, where: str = "") -> list[Call]:
    """The adapter's parse(), with any unexpected structure turned into a one-line ParseError."""
    from callwatch.facts.apply import with_facts

    try:
        calls = spec.adapter().parse(spec, body, now, where)
        return with_facts(calls, now, status_from_source=spec.status_from_source, tz=spec.timezone)
    except ParseError:
        raise
    except STRUCTURE_ERRORS as e:
        raise structure_error(spec.id, where or "response", e) from None


def parse_with_skips(
    spec: SourceSpec, body: bytes, now: datetime, where: str = ""
) -> tuple[list[Call], list[Skipped]]:
    """safe_parse(), plus the odd records it left out."""
    with collecting_skips() as skipped:
        calls = safe_parse(spec, body, now, where)
    return calls, list(skipped)


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
        raise StructureError(source, f"{where}: field '{key}' is missing")
    value = obj[key]
    if not isinstance(value, typ):
        raise ParseError(
            source, f"{where}: field '{key}' has type {type(value).__name__}, expected {typ}"
        )
    return value
