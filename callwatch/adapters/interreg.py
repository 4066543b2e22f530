"""Interreg calls through interreg.eu's public call search (an Algolia index fed by keep.eu).

Shape from a real response (shared/samples/interreg): {"results": [{"hits": [...], "nbHits"}]},
each hit with title, callStatus, callOpenDate, callDeadlineDate, callEligibleCountryNuts,
callEligibleRegionNames/Nuts, targetAudience, callThemes, callExternalUrl, associatedProgrammes
and objectID. Only calls open to Swedish regions (NUTS SE...) are kept. The search key rotates:
it is read from the source file or CALLWATCH_INTERREG_KEY, never from code.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from callwatch.adapters import CrawlContext, CrawlResult, each_record, load_json, need
from callwatch.errors import ParseError
from callwatch.models import Call
from callwatch.normalise import clean, parse_datetime
from callwatch.sources import SourceSpec, require_option

# the funder's API gives each call's status: the facts step takes it as evidence
STATUS_FROM_SOURCE = True
STATUS = {"open": "open", "forthcoming": "forthcoming", "closed": "closed"}


def check_options(spec: SourceSpec) -> None:
    require_option(spec, "url", str)
    require_option(spec, "application_id", str)


def _list(hit: dict, key: str) -> list[str]:
    v = hit.get(key) or []
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def is_swedish(hit: dict, prefix: str = "SE") -> bool:
    nuts = _list(hit, "callEligibleCountryNuts") + _list(hit, "callEligibleRegionNuts")
    return any(n.upper().startswith(prefix) for n in nuts) or "Sweden" in _list(
        hit, "callEligibleCountryNames"
    )


def parse_hit(spec: SourceSpec, hit: object, now: datetime, where: str) -> Call:
    src = spec.id
    oid = need(src, hit, "objectID", str, where)
    title = need(src, hit, "title", str, where)
    assert isinstance(hit, dict) and isinstance(oid, str) and isinstance(title, str)
    where = f"{where} ({oid})"
    try:
        opens = parse_datetime(hit["callOpenDate"], "UTC") if hit.get("callOpenDate") else None
        deadline = (
            parse_datetime(hit["callDeadlineDate"], "UTC") if hit.get("callDeadlineDate") else None
        )
    except ValueError as e:
        raise ParseError(src, f"{where}: unreadable date ({e})") from None
    status = STATUS.get(str(hit.get("callStatus", "")).lower())
    if status is None:
        raise ParseError(src, f"{where}: unknown callStatus {hit.get('callStatus')!r}")
    if deadline and deadline < now:
        status = "closed"
    elif opens and opens > now:
        status = "forthcoming"
    url = str(hit.get("callExternalUrl") or "")
    if not url.startswith("http"):
        url = spec.options.get("site", "https://interreg.eu") + str(hit.get("contentUrl") or "")
    region_nuts = [n for n in _list(hit, "callEligibleRegionNuts") if n.upper().startswith("SE")]
    audience = _list(hit, "targetAudience")
    programmes = _list(hit, "associatedProgrammes")
    return Call(
        source=src,
        native_id=oid,
        title=clean(title),
        url=url,
        funder=spec.funder,
        status=status,
        programme=", ".join(programmes),
        summary=clean(str(hit.get("description") or "")),
        description=clean(str(hit.get("description") or "")),
        language="en",
        opens=opens.isoformat() if opens else None,
        deadlines=[deadline.isoformat()] if deadline else [],
        budget_amount=None,
        budget_currency=None,
        eligibility="Target audience: " + "; ".join(audience) if audience else "",
        keywords=_list(hit, "callThemes"),
        extra={
            k: v
            for k, v in {
                "nuts": region_nuts
                or [n for n in _list(hit, "callEligibleCountryNuts") if n.upper().startswith("SE")],
                "regions": [
                    name
                    for name, code in zip(
                        _list(hit, "callEligibleRegionNames"),
                        _list(hit, "callEligibleRegionNuts"),
                        strict=False,
                    )
                    if code.upper().startswith("SE")
                ],
                "countries": _list(hit, "callEligibleCountryNames"),
                "target_audience": audience,
                "themes": _list(hit, "callThemes"),
            }.items()
            if v
        },
    )


def parse_all(spec: SourceSpec, body: bytes, now: datetime, where: str) -> tuple[list[Call], int]:
    """(calls open to Sweden, number of hits read) - the second tells extraction health."""
    data = load_json(spec.id, body, where)
    results = need(spec.id, data, "results", list, where)
    assert isinstance(results, list)
    if not results:
        raise ParseError(spec.id, f"{where}: 'results' is empty")
    hits = need(spec.id, results[0], "hits", list, f"{where} results[0]")
    assert isinstance(hits, list)
    calls = each_record(
        spec.id,
        hits,
        lambda h, place: parse_hit(spec, h, now, place) if is_swedish(h) else None,
        lambda i, _: f"{where} hits[{i}]",
        ids=("objectID",),
    )
    return calls, len(hits)


def parse(spec: SourceSpec, body: bytes, now: datetime, url: str = "") -> list[Call]:
    return parse_all(spec, body, now, url or "call search response")[0]


def request(spec: SourceSpec, key: str) -> tuple[str, bytes]:
    params = {"x-algolia-application-id": spec.options["application_id"], "x-algolia-api-key": key}
    body = {
        "requests": [
            {
                "indexName": spec.options.get("index", "prod_en-us_content"),
                "filters": spec.options.get(
                    "filters",
                    "contentType:callForProjectsPage AND (callStatus:Open OR callStatus:Forthcoming)",
                ),
                "hitsPerPage": int(spec.options.get("hits_per_page", 500)),
                "query": "",
            }
        ]
    }
    return f"{spec.options['url']}?{urlencode(params)}", json.dumps(
        body, separators=(",", ":")
    ).encode()


async def crawl(ctx: CrawlContext) -> CrawlResult:
    url, body = request(ctx.spec, ctx.secrets.get("api_key", ""))
    r = await ctx.fetch("POST", url, headers={"Content-Type": "application/json"}, content=body)
    calls, hits = parse_all(ctx.spec, r.body, ctx.now, "call search")
    result = CrawlResult(calls=calls, complete=True, pages=1)
    result.raw_items = hits
    return result
