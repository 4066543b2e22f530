"""The one extraction step: a call's title and text (and whatever structured metadata its source
gives) in, the facts a coordinator acts on out, each with the sentence it came from.

    facts = extract(title, text, meta=Meta(status_word="Kommande"), as_of=date(2026, 11, 28))
    facts.deadlines, facts.status, facts.max_per_project, facts.evidence["deadlines"]

Every source kind, `import`, `extract`, `add` and re-parsing from the archive go through
`extract`, so a rule fixed here is fixed everywhere. Structured metadata wins over the text for
the fields it gives; the text fills the rest. Status comes from evidence only: a deadline, an
opening date, the listing's status word or the page's own words; with none it is `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from callwatch.clock import TIMEZONE
from callwatch.facts import money as _money
from callwatch.facts.deadlines import find_dates
from callwatch.facts.segment import sentences as split_sentences
from callwatch.facts.status import STALE_DAYS, normalise_status_word, status_as_of, status_word
from callwatch.facts.who import APPLICANT_KINDS, who

__all__ = ["APPLICANT_KINDS", "FIELDS", "Facts", "Meta", "extract", "status_as_of"]

STOCKHOLM = TIMEZONE
FIELDS = (
    "deadlines", "opens", "status", "stale", "budget_total", "max_per_project",
    "min_per_project", "funding_rate_max", "cofinancing_required", "consortium_required",
    "min_municipalities", "applicants", "municipality_may_apply",
)  # fmt: skip


@dataclass
class Meta:
    """What a source's structured data already says; None = it does not say."""

    deadlines: list[str] | None = None  # ISO dates or datetimes
    opens: str | None = None
    budget: tuple[float, str] | None = None
    max_per_project: tuple[float, str] | None = None
    status_word: str | None = None  # the listing's or API's own word: "Kommande", "Open", ...
    language: str | None = None
    source: str | None = None  # where the metadata came from, for the evidence


@dataclass
class Facts:
    deadlines: list[str] = field(default_factory=list)  # ISO date, or datetime when a time is given
    opens: str | None = None
    status: str = "unknown"
    stale: bool = False
    budget_total: dict | None = None  # {"amount": n, "currency": "SEK"}
    max_per_project: dict | None = None
    min_per_project: dict | None = None
    funding_rate_max: float | None = None
    cofinancing_required: bool | None = None
    consortium_required: bool | None = None
    min_municipalities: int | None = None
    applicants: list[str] = field(default_factory=list)
    municipality_may_apply: str = "unclear"
    evidence: dict[str, str] = field(default_factory=dict)
    status_word: str | None = None  # what the text or listing itself says (open/forthcoming/closed)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in FIELDS}
        d["evidence"] = dict(self.evidence)
        return d


# ---------------------------------------------------------------------------------------------
# The rest: money, rates, partners

_COFIN = re.compile(
    r"(?i)medfinansi\w*|motfinansi\w*|egen ?insats|egenfinansi\w*|egen finansiering|co-?financ\w*|"
    r"co-?fund\w*|own contribution|own funding|matching fund\w*|in-kind|egna medel|eget bidrag"
)
_REQUIRED = re.compile(
    r"(?i)krav|krävs|\bska\b|måste|required|requires?|must|need|behöver|minst|at least|\d+ ?%|\d+ procent"
)
_NO_COFIN = re.compile(
    r"(?i)ingen (?:med|egen)finansiering|no co-?financing|not required|100 ?% (?:funding|financing|of)|krävs (?:inte|ej)|behövs inte"
)
_NUMBER = {"en": 1, "ett": 1, "one": 1, "två": 2, "two": 2, "tre": 3, "three": 3, "fyra": 4,
           "four": 4, "fem": 5, "five": 5}  # fmt: skip
_N = r"(?P<n>en|ett|one|två|two|tre|three|fyra|four|fem|five|\d)"
_CONSORTIUM = re.compile(
    r"(?i)(?:minst|at least|a minimum of)\s+(?:två|tre|fyra|fem|two|three|four|five|[2-9])\s+"
    r"(?:\w+\s+){0,3}?(?:parter|partners?|parties|aktörer|organisationer|organi[sz]ations|sökande|"
    r"applicants|legal entities|entities|countries|länder|member states|projektparter|medsökande|actors|"
    r"companies|företag|kommuner|municipalities|cities)|"
    r"konsorti\w*\s+(?:\w+\s+){0,3}?(?:ska|måste|krävs)|(?:must|should|shall) (?:be )?(?:submitted|formed) by a consortium|"
    r"consortium (?:of|must|should|which includes|consisting)|by a consortium|i samverkan mellan|"
    r"samverkansprojekt|tillsammans med minst|ska göras gemensamt|"
    r"(?:minst|at least)\s+(?:ytterligare\s+)?(?:ett|en|one)\s+(?:ytterligare|additional|further)\s+\w+|minst en \w+ (?:\w+\s+){0,4}och minst en|"
    r"at least one \w+ (?:\w+\s+){0,4}and at least one|bygga ett konsortium|partnership of|"
    r"cross-border (?:partnership|cooperation project)|transnational consorti"
)
_SINGLE = re.compile(
    r"(?i)enskilt(?:,)? eller i samverkan|individually or|single applicants?|alone or|ensam eller|"
    r"one or (?:several|more) (?:applicants|organi)|en eller flera sökande|as a single|"
    r"ett enskilt företag eller|enskild sökande"
)
_MIN_MUNI = re.compile(
    r"(?i)(?:minst|at least)\s+" + _N + r"\s+(?:(?:of the|av (?:de|dessa))\s+(?:\w+\s+){0,2}?"
    r"(?:must be|ska vara|need to be|vara)\s+)?(?:\w+\s+){0,2}?(?:kommun|municipalit|cities|city\b|"
    r"städer|stad\b)"
)


# how long a grant runs: "Bidragstid: 1-2 år", "Grant period: 24–36 months", "3 + 3 år"
_DURATION = re.compile(
    r"(?i)\b(?:bidragstid|bidragslängd|bidragsperiod|projekttid|grant period|project period|"
    r"duration|beviljas för|för)\w*\s*:?\s*(?P<a>\d{1,2})\s*(?:(?:[-–]|till|to)\s*(?P<b>\d{1,2})|"
    r"\+\s*(?P<plus>\d{1,2}))?\s*(?P<unit>år|years?|months|månader)\b"
)
# the funder giving co-financing is not the applicant having to bring it
_GIVES_COFIN = re.compile(
    r"(?i)bidrar med (?:med|mot)?finansiering|provides? co-?financ|offers? co-?financ"
)
_COFIN_WORDS = ("finans", "financ", "fund", "insats", "contribution", "in-kind", "egna medel",
                "eget bidrag", "100")  # fmt: skip
_PARTNER_WORDS = ("minst", "at least", "minimum", "konsorti", "consorti", "samverkan", "gemensamt",
                  "partnership", "cross-border", "transnational", "enskilt", "individually",
                  "single", "alone", "ensam", "one or", "en eller", "tillsammans", "enskild")  # fmt: skip


def _amount(a: _money.Amount | None) -> dict | None:
    if a is None:
        return None
    value = round(a.amount, 2)
    return {"amount": int(value) if value == int(value) else value, "currency": a.currency}


def extract(
    title: str,
    text: str,
    *,
    meta: Meta | None = None,
    as_of: date | None = None,
    tz: str = STOCKHOLM,
) -> Facts:
    """Every fact of one call, with its evidence; `as_of` decides status (default: today)."""
    if as_of is None:
        from callwatch import clock

        as_of = clock.today()
    meta = meta or Meta()
    title = " ".join(str(title or "").split())[:400]
    sents = split_sentences(str(text or ""))
    f = Facts()
    ev = f.evidence
    src = f"{meta.source}: " if meta.source else ""

    # dates: structured metadata first, the text for what it does not give
    deadlines, opens, all_dates = find_dates([title, *sents] if title else sents, as_of)
    if meta.deadlines:
        f.deadlines = sorted(dict.fromkeys(meta.deadlines))
        ev["deadlines"] = src + "structured deadline " + ", ".join(f.deadlines)
    elif deadlines:
        f.deadlines = [d.iso(tz) for d in deadlines]
        ev["deadlines"] = deadlines[0].sentence
    if meta.opens:
        f.opens = meta.opens
        ev["opens"] = src + "structured opening date " + meta.opens
    elif opens:
        f.opens = opens.iso(tz)
        ev["opens"] = opens.sentence

    word, word_sentence = None, None
    listed = normalise_status_word(meta.status_word)
    if listed:
        word, word_sentence = listed, f"{src or 'listing: '}{meta.status_word}"
    else:
        word, word_sentence = status_word(title, sents)
    f.status_word = word
    f.status, why = status_as_of(f.deadlines, f.opens, word, as_of, listed=bool(listed))
    if listed == "closed":
        f.status, why = "closed", "word"  # the funder's own listing says closed: it decides
    if f.status != "unknown":
        ev["status"] = {
            "word": word_sentence,
            "deadline": ev.get("deadlines"),
            "opens": ev.get("opens"),
        }.get(why) or ""
    dated = [date.fromisoformat(d[:10]) for d in f.deadlines] + all_dates
    if f.opens:
        dated.append(date.fromisoformat(f.opens[:10]))
    dated += [date(int(y), 12, 31) for y in re.findall(r"\b(20\d\d)\b", title)]
    if dated and (as_of - max(dated)).days > STALE_DAYS:
        f.stale = True

    # money and rates
    totals: list[tuple[_money.Amount, str]] = []
    maxes: list[tuple[_money.Amount, str]] = []
    mins: list[tuple[_money.Amount, str]] = []
    rates: list[tuple[float, str]] = []
    max_years: list[tuple[_money.Amount, str]] = []
    total_years: list[tuple[_money.Amount, str]] = []
    duration: float | None = None
    cofin: tuple[bool, str] | None = None
    consortium: tuple[bool, str] | None = None
    min_muni: tuple[int, str] | None = None
    for s in sents:
        low = s.lower()
        digits = any(c.isdigit() for c in s)
        if digits:
            for j in _money.judge(s):
                {"total": totals, "max": maxes, "min": mins, "max_year": max_years,
                 "total_year": total_years}[j.kind].append((j.amount, s))  # fmt: skip
            for m in _DURATION.finditer(s):
                n = (
                    int(m.group("a")) + int(m.group("plus") or 0)
                    if not m.group("b")
                    else int(m.group("b"))
                )
                n_years = n / 12 if m.group("unit").lower().startswith(("m", "må")) else n
                if 0 < n_years <= 15 and (duration is None or n_years > duration):
                    duration = n_years
            rates.extend((r, s) for r in _money.rates(s))
        # cheap word checks first: the patterns below are costly and rarely apply
        if cofin is None and any(w in low for w in _COFIN_WORDS):
            if _NO_COFIN.search(s):
                cofin = (False, s)
            elif _COFIN.search(s) and _REQUIRED.search(s) and not _GIVES_COFIN.search(s):
                cofin = (True, s)
        if any(w in low for w in _PARTNER_WORDS):
            if consortium is None and _CONSORTIUM.search(s):
                consortium = (True, s)
            elif consortium is None and _SINGLE.search(s):
                consortium = (False, s)
            for m in _MIN_MUNI.finditer(s):
                word = m.group("n").lower()
                value = _NUMBER.get(word) or int(word)
                if min_muni is None or value > min_muni[0]:
                    min_muni = (value, s)
    if duration and duration >= 1:
        # "Max 200 000 kronor per år" with "Bidragstid: 1-2 år": the most one project may get
        years = int(duration) if duration == int(duration) else duration
        if not maxes and max_years:
            a, s = max(max_years, key=lambda x: x[0].amount)
            maxes.append((_money.Amount(round(a.amount * years), a.currency, a.start, a.end), s))
        if not totals and total_years:
            a, s = total_years[0]
            totals.append((_money.Amount(round(a.amount * years), a.currency, a.start, a.end), s))
    if meta.budget:
        f.budget_total = {"amount": meta.budget[0], "currency": meta.budget[1]}
        ev["budget_total"] = src + "structured budget"
    elif totals:
        f.budget_total, ev["budget_total"] = _amount(totals[0][0]), totals[0][1]
    if meta.max_per_project:
        f.max_per_project = {"amount": meta.max_per_project[0], "currency": meta.max_per_project[1]}
        ev["max_per_project"] = src + "structured maximum per project"
    elif maxes:
        top = max(maxes, key=lambda x: x[0].amount)
        f.max_per_project, ev["max_per_project"] = _amount(top[0]), top[1]
    if mins:
        least = min(mins, key=lambda x: x[0].amount)
        if not f.max_per_project or least[0].amount <= f.max_per_project["amount"]:
            f.min_per_project, ev["min_per_project"] = _amount(least[0]), least[1]
    if rates:
        r, s = max(rates, key=lambda x: x[0])
        f.funding_rate_max, ev["funding_rate_max"] = r, s
        if r >= 1.0 and cofin is None:
            cofin = (False, s)
    if cofin:
        f.cofinancing_required, ev["cofinancing_required"] = cofin
    if min_muni:
        f.min_municipalities, ev["min_municipalities"] = min_muni
    f.applicants, f.municipality_may_apply, who_sentence = who(sents, title)
    if who_sentence:
        ev["applicants"] = who_sentence
        ev["municipality_may_apply"] = who_sentence
    if consortium is None and f.applicants == ["individual"]:
        consortium = (False, ev["applicants"])
    if consortium:
        f.consortium_required, ev["consortium_required"] = consortium
    return f
