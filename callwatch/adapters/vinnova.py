"""Vinnova's keyless open-data API: GET https://data.vinnova.se/api/ansokningsomgangar/{date}
returns every application round (ansökningsomgång) changed since that date as one JSON array.

Field names follow the official documentation page (shared/samples/vinnova); the bare path
without a date answers with that HTML page, which parse() reports as an error.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from callwatch.adapters import CrawlContext, CrawlResult, each_record, load_json, need
from callwatch.errors import ParseError, StructureError
from callwatch.models import Call
from callwatch.normalise import clean, parse_datetime
from callwatch.sources import SourceSpec, require_option

# the funder's API gives each call's status: the facts step takes it as evidence
STATUS_FROM_SOURCE = True
REQUIRED = ("Diarienummer", "Titel", "Oppningsdatum", "Stangningsdatum", "Publik")
TEXT_WHAT, TEXT_WHO, TEXT_HOW = "1", "2", "3"


def check_options(spec: SourceSpec) -> None:
    url = require_option(spec, "url", str)
    if "{since}" not in str(url):
        raise_cfg(spec, "options.url must contain {since} (the bare path returns HTML, not JSON)")
    require_option(spec, "page_url", str)


def raise_cfg(spec: SourceSpec, msg: str) -> None:
    from callwatch.errors import ConfigError

    raise ConfigError(f"{spec.path}: {msg}")


def _text(value: object) -> str:
    """Vinnova writes 'x' or 'xx' where an English translation is missing."""
    s = clean(value if isinstance(value, str) else "")
    return "" if s.lower() in ("x", "xx", "-") else s


def _dt(spec: SourceSpec, value: object, field: str, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return parse_datetime(str(value), spec.timezone)
    except ValueError:
        raise ParseError(spec.id, f"{where}: field '{field}' = {value!r} is not a date") from None


def _readouts(spec: SourceSpec, items: object, where: str) -> list[datetime]:
    """AvlasningstillfalleLista: extra read-out dates, effectively further cut-offs."""
    out = []
    for item in items or [] if isinstance(items, list) else []:
        value = item
        if isinstance(item, dict):  # the doc example shows an empty list; accept objects too
            value = next((v for v in item.values() if isinstance(v, str) and v[:2] == "20"), None)
        dt = _dt(spec, value, "AvlasningstillfalleLista", where) if value else None
        if dt:
            out.append(dt)
    return out


def parse_round(spec: SourceSpec, rec: object, now: datetime, where: str) -> Call | None:
    """One ansökningsomgång as a Call, or None when it is not public (invitation only)."""
    src = spec.id
    if not isinstance(rec, dict):
        raise ParseError(src, f"{where}: expected an object, got {type(rec).__name__}")
    for key in REQUIRED:
        if key not in rec:
            raise StructureError(src, f"{where}: field '{key}' is missing")
    dnr = need(src, rec, "Diarienummer", str, where)
    assert isinstance(dnr, str)
    if str(rec.get("Publik")) != "1":
        return None
    where = f"{where} ({dnr})"
    # WebTextLista: 1 what, 2 who, 3 how, 4 why; Swedish preferred, English when that is all
    texts = {
        str(t.get("TextID")): _text(t.get("TextSv")) or _text(t.get("TextEn"))
        for t in rec.get("WebTextLista") or []
        if isinstance(t, dict)
    }

    def web(text_id: str) -> str:
        return texts.get(text_id, "")

    beskrivning = _text(rec.get("Beskrivning"))
    title_en = _text(rec.get("TitelEngelska"))
    title = _text(rec.get("Titel")) or title_en
    if not title:
        raise ParseError(src, f"{where}: field 'Titel' is empty")
    opens = _dt(spec, rec.get("Oppningsdatum"), "Oppningsdatum", where)
    closes = _dt(spec, rec.get("Stangningsdatum"), "Stangningsdatum", where)
    deadlines = sorted(
        {*(d for d in [closes] if d), *_readouts(spec, rec.get("AvlasningstillfalleLista"), where)}
    )
    announced_year = rec.get("AnnonseringslägeÅr")
    announced_period = _text(rec.get("AnnonseringslägePeriod"))
    if announced_year:
        status = "forthcoming"  # announced, not yet final: most other fields are empty
    elif opens and opens > now:
        status = "forthcoming"
    elif deadlines and all(d < now for d in deadlines):
        status = "closed"
    else:
        status = "open"
    description_parts = [
        beskrivning,
        web(TEXT_WHAT),
        _text(rec.get("BeskrivningEngelska")),
        web("4"),
        web(TEXT_HOW),
    ]
    description = "\n\n".join(dict.fromkeys(p for p in description_parts if p and p != title))
    links = [lnk for lnk in rec.get("LankLista") or [] if isinstance(lnk, dict)]
    apply_url = next((str(lnk.get("URL")) for lnk in links if lnk.get("URL")), "")
    parent = str(rec.get("DiarienummerUtlysning") or "")
    extra = {
        k: v
        for k, v in {
            "diarienummer": dnr,
            "call_diarienummer": parent,
            "title_en": title_en,
            "apply_url": apply_url,
            "rolling_intake": rec.get("DagligAvlasning") == 1,
            "external": rec.get("Extern") == 1,
            "announced": f"{announced_period} {announced_year}".strip() if announced_year else "",
            "documents": [
                d.get("fileURL") for d in rec.get("DokumentLista") or [] if isinstance(d, dict)
            ],
        }.items()
        if v
    }
    return Call(
        source=src,
        native_id=dnr,
        title=title,
        url=spec.options["page_url"].format(dnr=dnr, call_dnr=parent or dnr),
        funder=spec.funder,
        status=status,
        programme=spec.options.get("programme", ""),
        summary=web(TEXT_WHAT) or beskrivning,
        description=description,
        language=spec.language or "sv",
        opens=opens.isoformat() if opens else None,
        deadlines=[d.isoformat() for d in deadlines],
        budget_amount=None,  # read from the text by callwatch.facts
        budget_currency=None,
        eligibility=web(TEXT_WHO),
        keywords=[],
        extra=extra,
    )


def parse(spec: SourceSpec, body: bytes, now: datetime, url: str = "") -> list[Call]:
    where = url or "ansokningsomgangar response"
    data = load_json(spec.id, body, where)
    if not isinstance(data, list):
        raise ParseError(
            spec.id, f"{where}: expected a JSON array of rounds, got {type(data).__name__}"
        )
    calls = each_record(
        spec.id, data, lambda rec, place: parse_round(spec, rec, now, place), where,
        ids=("Diarienummer",),
    )  # fmt: skip
    return list({c.id: c for c in calls}.values())


def window_start(spec: SourceSpec, as_of: date) -> date:
    # A rolling window: very old dates time out at Vinnova, and old rounds are closed anyway.
    return as_of - timedelta(days=int(spec.options.get("window_days", 400)))


async def crawl(ctx: CrawlContext) -> CrawlResult:
    url = ctx.spec.options["url"].format(since=window_start(ctx.spec, ctx.as_of).isoformat())
    r = await ctx.fetch("GET", url, headers={"Accept": "application/json"})
    calls = parse(ctx.spec, r.body, ctx.now, url)
    return CrawlResult(calls=calls, complete=True, pages=1)


def series_key(extra: dict) -> str | None:
    """Rounds of one Vinnova call share the parent call number (DiarienummerUtlysning); the
    linker (recurring.py) asks the adapter rather than knowing Vinnova's fields itself."""
    parent = extra.get("call_diarienummer")
    return f"vinnova:{parent}" if parent else None
