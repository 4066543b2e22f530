"""GDP (Gemensamt dataprojekt): the common call data standard of Vinnova, Formas, Forte and
Vetenskapsrådet. One adapter, one source file per agency.

Field names follow the GDP information model (research notes, section 3): diarienummer, titel,
titelEng, beskrivning, beskrivningEng, status (Kommande | Pågående | Avslutad), budgetBelopp,
budgetValuta, oppningsdatum, stangningsdatum, publiceringsplatser[].webbadress,
finansiarNamn, program. Real responses (tests/fixtures/gdp, 377 Formas and Forte records) are
bare arrays; the parser also accepts an object holding the array and fails loudly on anything
else. Their quirks: `"status": null` with null dates and null publiceringsplatser (kept with
status unknown), and uncleaned URLs (`http://https://...`, spaces, bare homepages).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from callwatch.adapters import CrawlContext, CrawlResult, each_record, load_json
from callwatch.errors import ParseError, SourceError, StructureError
from callwatch.models import Call
from callwatch.normalise import clean, end_of_day, html_to_text, parse_datetime
from callwatch.sources import SourceSpec, require_option

# the funder's API gives each call's status: the facts step takes it as evidence
STATUS_FROM_SOURCE = True
STATUS = {"kommande": "forthcoming", "pågående": "open", "avslutad": "closed"}
LIST_KEYS = ("utlysningar", "items", "data", "value")
MAX_FORMS = 20  # grant forms read per record (real records have one to five)


def clean_url(value: object) -> str:
    """A GDP webbadress as a usable URL: trimmed (spaces and invisible marks), a doubled scheme (`http://https://...`)
    undone, a scheme added to a bare `www.` host; anything else that is not http(s) is dropped."""
    if not isinstance(value, str):
        return ""
    # invisible format characters (a left-to-right mark after the URL is in the real data)
    url = "".join(ch for ch in value[:2000] if unicodedata.category(ch) != "Cf").strip()
    url = re.sub(r"^(?:https?://)+(?=https?://)", "", url, flags=re.I)
    if url.lower().startswith("www."):
        url = "https://" + url
    if not re.match(r"(?i)^https?://[^/\s]+", url) or re.search(r"\s", url):
        return ""
    return url


def is_homepage(url: str) -> bool:
    """A bare site root (`https://formas.se/`) is the funder's homepage, not the call's page."""
    parts = urlsplit(url)
    return parts.path.strip("/") == "" and not parts.query


def grant_forms(value: object) -> str:
    """The record's grant forms (`bidragsformer[]{namn, beskrivning}`, since August 2024) as a
    short section of the description: "Bidrag till juniora forskare" or "Bidrag för
    genomförandet av ett forskningsprojekt" is often the only line that says who the money is
    for. Each form's support form (`stodform`) is left out, and anything not shaped like a grant
    form too (the field is optional)."""
    if not isinstance(value, list):
        return ""
    lines = []
    for form in value[:MAX_FORMS]:
        if not isinstance(form, dict):
            continue
        # the support form's name ("Miljöstöd", "Projektstöd") is the agency's category, not
        # words of the call: a research *environment* grant is not about the environment
        name = clean(_text(form.get("namn")))
        text = html_to_text(_text(form.get("beskrivning")))
        line = ": ".join(p for p in (name, text) if p)
        if line:
            lines.append(f"- {line}")
    return ("Bidragsformer:\n" + "\n".join(lines)) if lines else ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def check_options(spec: SourceSpec) -> None:
    require_option(spec, "url", str)


def _records(spec: SourceSpec, data: object, where: str) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
    raise ParseError(
        spec.id, f"{where}: expected a JSON array of calls (or an object with 'utlysningar')"
    )


def as_iso(
    spec: SourceSpec, value: object, field: str, where: str, *, deadline: bool
) -> datetime | None:
    if value in (None, ""):
        return None
    s = str(value)
    try:
        if len(s) == 10:
            from datetime import date

            d = date.fromisoformat(s)
            return (
                end_of_day(d, spec.timezone)
                if deadline
                else parse_datetime(s + "T00:00:00", spec.timezone)
            )
        return parse_datetime(s, spec.timezone)
    except ValueError:
        raise ParseError(spec.id, f"{where}: field '{field}' = {value!r} is not a date") from None


def parse_record(spec: SourceSpec, rec: object, now: datetime, where: str) -> Call:
    src = spec.id
    if not isinstance(rec, dict):
        raise ParseError(src, f"{where}: expected an object")
    for key in ("diarienummer", "status"):
        if key not in rec:
            raise StructureError(src, f"{where}: field '{key}' is missing")
    dnr = str(rec["diarienummer"])
    where = f"{where} ({dnr})"
    title = clean(rec.get("titel")) or clean(rec.get("titelEng"))
    if not title:
        raise ParseError(src, f"{where}: fields 'titel' and 'titelEng' are both empty")
    raw_status = clean(str(rec["status"])).lower() if rec["status"] is not None else ""
    if raw_status and raw_status not in STATUS:
        raise ParseError(
            src,
            f"{where}: unknown status {rec['status']!r} (expected Kommande, Pågående or Avslutad)",
        )
    # a real record can carry "status": null (and no dates): nothing says open or closed
    status = STATUS.get(raw_status, "unknown")
    opens = as_iso(spec, rec.get("oppningsdatum"), "oppningsdatum", where, deadline=False)
    closes = as_iso(spec, rec.get("stangningsdatum"), "stangningsdatum", where, deadline=True)
    # the API's status is right when fetched; dates keep it right as time passes
    if closes and closes < now:
        status = "closed"
    elif status == "forthcoming" and opens and opens <= now:
        status = "open"
    elif status == "unknown" and opens and opens > now:
        status = "forthcoming"
    elif status == "unknown" and closes and (opens is None or opens <= now):
        status = "open"  # a future closing date is evidence enough
    places = rec.get("publiceringsplatser") or []
    candidates = [clean_url(p.get("webbadress")) for p in places if isinstance(p, dict)] + [
        clean_url(rec.get("publiceringsplats"))
    ]
    candidates = [u for u in candidates if u]
    url = (
        next((u for u in candidates if not is_homepage(u)), "")
        or spec.options.get("fallback_url", "")
        or next(iter(candidates), "")  # a homepage is still the funder's own site
    )
    if not url:
        raise ParseError(
            src, f"{where}: no public page (publiceringsplatser) and no options.fallback_url"
        )
    about = html_to_text(rec.get("beskrivning")) or html_to_text(rec.get("beskrivningEng"))
    forms = grant_forms(rec.get("bidragsformer"))
    description = "\n\n".join(p for p in (about, forms) if p)
    budget = rec.get("budgetBelopp")
    programme = rec.get("program") if isinstance(rec.get("program"), dict) else {}
    return Call(
        source=src,
        native_id=dnr,
        title=title,
        url=str(url),
        funder=clean(rec.get("finansiarNamn")) or spec.funder,
        status=status,
        programme=clean(programme.get("titel")) if programme else "",
        summary=about[:400],
        description=description,
        language=spec.language or "sv",
        opens=opens.isoformat() if opens else None,
        deadlines=[closes.isoformat()] if closes else [],
        budget_amount=float(budget) if isinstance(budget, int | float) and budget > 0 else None,
        budget_currency=(rec.get("budgetValuta") or "SEK")
        if isinstance(budget, int | float) and budget > 0
        else None,
        eligibility="",
        keywords=[clean(str(k)) for k in rec.get("nyckelord") or [] if clean(str(k))],
        extra={
            k: v
            for k, v in {
                "diarienummer": dnr,
                "title_en": clean(rec.get("titelEng")),
                "grant_forms": [
                    b.get("namn") for b in rec.get("bidragsformer") or [] if isinstance(b, dict)
                ],
                "updated": rec.get("uppdateringTidpunkt"),
                # GDP gives the closing day only, no time of day
                "date_only_deadlines": [closes.date().isoformat()] if closes else [],
            }.items()
            if v
        },
    )


def parse(spec: SourceSpec, body: bytes, now: datetime, url: str = "") -> list[Call]:
    where = url or "utlysningar response"
    data = load_json(spec.id, body, where)
    calls = each_record(
        spec.id,
        _records(spec, data, where),
        lambda r, place: parse_record(spec, r, now, place),
        where,
        ids=("diarienummer",),
    )
    return list({c.id: c for c in calls}.values())


async def crawl(ctx: CrawlContext) -> CrawlResult:
    """The key goes in the query string first (what the gdp_<agency> hosts accept); on 401 the
    same request is retried with the key in an Authorization header (the older hosts)."""
    spec = ctx.spec
    key = ctx.secrets.get("api_key", "")
    base = spec.options["url"].rstrip("/") + "/utlysningar"
    try:
        r = await ctx.fetch(
            "GET", f"{base}?authorization={key}", headers={"Accept": "application/json"}
        )
    except SourceError as e:
        if "HTTP 401" not in str(e):
            raise
        r = await ctx.fetch(
            "GET", base, headers={"Accept": "application/json", "Authorization": key}
        )
    return CrawlResult(calls=parse(spec, r.body, ctx.now, base), complete=True, pages=1)
