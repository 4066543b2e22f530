"""EU Funding & Tenders portal through its public search API (SEDIA).

The shape is read from real responses (shared/samples/eu_sedia): `{"totalResults", "pageNumber",
"results": [{"reference", "url", "summary", "metadata": {...}}]}` where every metadata value is a
list of strings. Codes and paging behaviour come from research/sources.md section 1.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

from callwatch.adapters import (
    STRUCTURE_ERRORS,
    CrawlContext,
    CrawlResult,
    each_record,
    load_json,
    need,
)
from callwatch.errors import ParseError, SourceError, StructureError
from callwatch.models import Call
from callwatch.normalise import clean, end_of_day, html_to_text, parse_datetime, zone
from callwatch.sources import SourceSpec, require_option

# the funder's API gives each call's status: the facts step takes it as evidence
STATUS_FROM_SOURCE = True
STATUS_CODES = {"31094501": "forthcoming", "31094502": "open", "31094503": "closed"}
PORTAL_TOPIC = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "topic-details/{id}"
)
BOUNDARY = "callwatch-sedia-form"  # fixed, so a request body (and its recording key) is stable


def check_options(spec: SourceSpec) -> None:
    require_option(spec, "search_url", str)
    require_option(spec, "query", dict)


def portal_time(value: str, tz: str, *, deadline: bool = True) -> tuple[datetime, bool]:
    """A portal date as (instant, has a time of day).

    The search API writes `2026-09-15T00:00:00.000+0000` and `2027-02-14T23:59:00.000+0000`, but
    the "+0000" is not UTC: the value is the portal's wall clock in Brussels time (the portal
    states every deadline in Brussels time). It is read as `tz` (Europe/Brussels in eu-ft.toml).
    Midnight means a day without a time: a deadline is then open until that day's end, as
    every bare date is, and an opening date starts the day."""
    dt = parse_datetime(value, tz)
    if dt.utcoffset() == timedelta(0):
        dt = dt.replace(tzinfo=zone(tz))
    if (dt.hour, dt.minute, dt.second) == (0, 0, 0):
        return (end_of_day(dt.date(), tz) if deadline else dt), False
    return dt, True


def _first(md: dict, key: str) -> str:
    v = md.get(key)
    if isinstance(v, list) and v:
        return str(v[0])
    return str(v) if isinstance(v, str) else ""


def multipart(parts: dict[str, object]) -> tuple[bytes, str]:
    """The multipart body the portal sends: each part a JSON 'file' named blob."""
    out = []
    for name, value in parts.items():
        out.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="blob"\r\n'
            f"Content-Type: application/json\r\n\r\n{json.dumps(value, separators=(',', ':'))}\r\n"
        )
    out.append(f"--{BOUNDARY}--\r\n")
    return "".join(out).encode(), f"multipart/form-data; boundary={BOUNDARY}"


def search_query(spec: SourceSpec, types: list[str]) -> dict:
    q = spec.options["query"]
    must: list[dict] = [
        {"terms": {"type": types}},
        {"terms": {"status": q.get("statuses", ["31094501", "31094502"])}},
    ]
    if q.get("programme_period"):
        must.append({"term": {"programmePeriod": q["programme_period"]}})
    if q.get("framework_programmes"):
        must.append({"terms": {"frameworkProgramme": q["framework_programmes"]}})
    return {"bool": {"must": must}}


def page_url(spec: SourceSpec, page: int) -> str:
    params = {
        "apiKey": spec.options.get("api_key", "SEDIA"),  # a fixed public value, not a secret
        "text": "***",
        "pageSize": spec.options.get("page_size", 100),
        "pageNumber": page,
    }
    return f"{spec.options['search_url']}?{urlencode(params)}"


def _keywords(md: dict) -> list[str]:
    """`keywords` may hold plain strings or one JSON-encoded array string; decode defensively."""
    out: list[str] = []
    for item in md.get("keywords", []) or []:
        if isinstance(item, str) and item.startswith("["):
            try:
                out += [str(x) for x in json.loads(item)]
                continue
            except json.JSONDecodeError:
                pass
        out.append(str(item))
    return [clean(k) for k in out if clean(k)]


def _budget_overview(source: str, raw: str, identifier: str) -> float | None:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    total = 0.0
    actions = (data.get("budgetTopicActionMap") or {}) if isinstance(data, dict) else {}
    for _, entries in actions.items():
        for entry in entries or []:
            if identifier and identifier not in str(entry.get("action", identifier)):
                continue
            for amount in (entry.get("budgetYearMap") or {}).values():
                try:
                    total += float(amount)
                except (TypeError, ValueError):
                    continue
    return total or None


def parse_result(spec: SourceSpec, item: object, now: datetime, where: str) -> Call:
    src = spec.id
    md = need(src, item, "metadata", dict, where)
    assert isinstance(item, dict) and isinstance(md, dict)
    identifier = _first(md, "identifier")
    if not identifier:
        raise StructureError(src, f"{where}: metadata.identifier is missing")
    kind = _first(md, "type")
    reference = str(item.get("reference") or "")
    cascade = kind == "8"
    if cascade:
        if not reference:
            raise ParseError(src, f"{where}: cascade call without 'reference'")
        # one topic funds many cascade calls; the reference (minus its language suffix) is theirs
        native = (
            reference[:-2] if reference.endswith(item.get("language", "en") or "en") else reference
        )
        title = _first(md, "callTitle") or clean(str(item.get("summary") or ""))
    else:
        native = identifier
        title = _first(md, "title") or clean(str(item.get("summary") or ""))
    if not title:
        raise ParseError(src, f"{where}: no title in metadata.title or summary")
    url = str(item.get("url") or "")
    if not url.startswith("http") or url.endswith(".json"):
        url = PORTAL_TOPIC.format(id=identifier)
    try:
        read = [portal_time(d, spec.timezone) for d in md.get("deadlineDate", []) or []]
        start = _first(md, "startDate")
        opens = portal_time(start, spec.timezone, deadline=False)[0] if start else None
    except ValueError as e:
        raise ParseError(src, f"{where} ({identifier}): unreadable date ({e})") from None
    deadlines = sorted(d for d, _ in read)
    date_only = sorted({d.date().isoformat() for d, timed in read if not timed})
    code = _first(md, "status")
    if code and code not in STATUS_CODES:
        raise ParseError(src, f"{where} ({identifier}): unknown status code {code!r}")
    status = STATUS_CODES.get(code, "open")
    # The portal's status is stale on cascade calls and lags on topics: dates decide.
    if deadlines and all(d < now for d in deadlines):
        status = "closed"
    elif opens and opens > now:
        status = "forthcoming"
    elif status == "forthcoming" and opens and opens <= now and deadlines:
        status = "open"
    description = html_to_text(_first(md, "descriptionByte") or _first(md, "description"))
    budget = None
    if cascade and _first(md, "budget"):
        try:
            budget = float(_first(md, "budget"))
        except ValueError:
            budget = None
    elif _first(md, "budgetOverview"):
        budget = _budget_overview(src, _first(md, "budgetOverview"), identifier)
    programme_code = _first(md, "frameworkProgramme")
    programmes = spec.options.get("programmes", {})
    extra = {
        k: v
        for k, v in {
            "identifier": identifier,
            "call_identifier": _first(md, "callIdentifier"),
            "call_title": _first(md, "callTitle"),
            "types_of_action": md.get("typesOfAction") or [],
            "deadline_model": _first(md, "deadlineModel"),
            "type": kind,
            "project": _first(md, "projectAcronym"),
            "parent_topic_title": _first(md, "title") if cascade else "",
            "programme_code": programme_code,
        }.items()
        if v
    }
    if deadlines:  # the days the portal gives without a time of day (midnight values)
        extra["date_only_deadlines"] = date_only
    return Call(
        source=src,
        native_id=native,
        title=clean(title),
        url=url,
        funder=spec.funder,
        status=status,
        programme=programmes.get(programme_code, programme_code),
        summary=description[:400],
        description=description,
        language=str(item.get("language") or spec.language or "en"),
        opens=opens.isoformat() if opens else None,
        deadlines=[d.isoformat() for d in deadlines],
        budget_amount=budget,
        budget_currency="EUR" if budget else None,
        eligibility=html_to_text(_first(md, "topicConditions")),
        keywords=_keywords(md),
        extra=extra,
    )


def parse_page(spec: SourceSpec, body: bytes, now: datetime, where: str) -> tuple[list[Call], int]:
    data = load_json(spec.id, body, where)
    results = need(spec.id, data, "results", list, where)
    total = need(spec.id, data, "totalResults", int, where)
    assert isinstance(results, list) and isinstance(total, int)
    calls = each_record(
        spec.id, results, lambda r, place: parse_result(spec, r, now, place),
        lambda i, _: f"{where} results[{i}]", ids=("reference", "identifier"),
    )  # fmt: skip
    return calls, total


def parse(spec: SourceSpec, body: bytes, now: datetime, url: str = "") -> list[Call]:
    calls, _ = parse_page(spec, body, now, url or "search response")
    return list({c.id: c for c in calls}.values())


def parse_topic_details(spec: SourceSpec, call: Call, body: bytes) -> Call:
    """Fill description, conditions, keywords and budget from a topicDetails JSON document."""
    data = load_json(spec.id, body, f"topic details of {call.native_id}")
    td = need(spec.id, data, "TopicDetails", dict, f"topic details of {call.native_id}")
    assert isinstance(td, dict)
    parts = [html_to_text(td.get(k)) for k in ("description", "destinationDetails")]
    description = "\n\n".join(p for p in parts if p)
    if description:
        call.description = description
        call.summary = description[:400]
    if td.get("conditions"):
        call.eligibility = html_to_text(td["conditions"])
    kws = [clean(str(k)) for k in (td.get("keywords") or []) + (td.get("tags") or [])]
    call.keywords = sorted({*call.keywords, *(k for k in kws if k)})
    overview = td.get("budgetOverviewJSONItem")
    if isinstance(overview, dict) and call.budget_amount is None:
        budget = _budget_overview(spec.id, json.dumps(overview), call.native_id)
        if budget:
            call.budget_amount, call.budget_currency = budget, "EUR"
    return call


async def crawl(ctx: CrawlContext) -> CrawlResult:
    """Walk every page of every slice. Slices (e.g. topics vs cascade calls) keep each query
    small, because deep paging on this index re-serves or skips documents."""
    spec = ctx.spec
    found: dict[str, Call] = {}
    complete, pages = True, 0
    for name, types in slices(spec):
        ok, n = await _crawl_slice(ctx, name, types, found)
        complete, pages = complete and ok, pages + n
    if spec.options.get("topic_details_url"):
        await _enrich(ctx, list(found.values()))
    return CrawlResult(calls=list(found.values()), complete=complete, pages=pages)


def slices(spec: SourceSpec) -> list[tuple[str, list[str]]]:
    configured = spec.options.get("slices") or []
    if not configured:
        return [("all", spec.options["query"].get("types", ["1", "2", "8"]))]
    return [(str(s["name"]), [str(t) for t in s["types"]]) for s in configured]


async def _crawl_slice(
    ctx: CrawlContext, name: str, types: list[str], found: dict[str, Call]
) -> tuple[bool, int]:
    spec = ctx.spec
    body, content_type = multipart(
        {
            "query": search_query(spec, types),
            "languages": spec.options.get("languages", ["en"]),
            "sort": {"field": "sortStatus", "order": "DESC"},
        }
    )
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    page_size = int(spec.options.get("page_size", 100))
    max_pages = int(spec.options.get("max_pages", 30))
    page = 1
    while True:
        r = await ctx.fetch("POST", page_url(spec, page), headers=headers, content=body)
        calls, total = parse_page(spec, r.body, ctx.now, f"{name} search page {page}")
        for c in calls:
            found.setdefault(c.id, c)  # the index serves duplicates; first one wins
        if not calls or page * page_size >= total:
            return True, page
        if page >= max_pages:
            ctx.warnings.append(
                f"{name}: stopped after {max_pages} pages of {total} results; "
                "raise options.max_pages"
            )
            return False, page
        page += 1


async def _enrich(ctx: CrawlContext, calls: list[Call]) -> None:
    """Topic texts for topics whose search result has none. A failure here is a warning only:
    the call from the search result is still right, just thinner."""
    template = ctx.spec.options["topic_details_url"]
    missing = 0

    async def one(call: Call) -> None:
        nonlocal missing
        try:
            r = await ctx.fetch("GET", template.format(id=call.native_id.lower()))
            parse_topic_details(ctx.spec, call, r.body)
        except (SourceError, ParseError, *STRUCTURE_ERRORS):  # one odd document: keep the call
            missing += 1

    await asyncio.gather(
        *(one(c) for c in calls if c.extra.get("type") in ("1", "2") and not c.description)
    )
    if missing:
        ctx.warnings.append(f"topic details unavailable for {missing} topic(s)")


# EU topic titles repeat across unrelated topics ("... in cities", "... for regions"), so rounds
# of an EU call are linked by their identifier only, never by a similar title.
SERIES_BY_TITLE = False


def series_key(extra: dict) -> str | None:
    """A topic's identifier without its year ties the yearly rounds of one EU call together
    (HORIZON-CL5-2025-D4-01 and HORIZON-CL5-2026-D4-01); cascade calls have no such key."""
    identifier = extra.get("identifier")
    if not identifier or extra.get("type") not in ("1", "2"):
        return None
    return "eu:" + re.sub(r"-20\d\d(?=-|$)", "", str(identifier))
