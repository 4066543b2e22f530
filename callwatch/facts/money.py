"""Amounts of money and shares of costs, and what each amount is: the call's total budget, the
most or least one project may get, or something else (a programme's commitments, a project's
cost floor, a price per square metre) that must not be read as either.

Each amount is judged by the words nearest before it in its sentence ("The maximum grant is
SEK 500,000, and total costs need to be at least SEK 1,000,000": the first is a cap, the second
a cost floor) and by what follows it ("120 000 kronor per projekt").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"\d{1,3}(?:[ \u00a0.,]\d{3})+(?:[.,]\d{1,2}(?!\d))?(?![\d])|\d+(?:[.,]\d+)?"
_SCALE = {
    "miljarder": 1e9, "miljard": 1e9, "mdkr": 1e9, "billion": 1e9, "mrd": 1e9,
    "miljoner": 1e6, "miljon": 1e6, "millioner": 1e6, "millionar": 1e6, "milj": 1e6, "mill": 1e6,
    "mn": 1e6, "mkr": 1e6, "mnkr": 1e6, "msek": 1e6, "million": 1e6, "millions": 1e6,
    "meur": 1e6, "m€": 1e6, "tkr": 1e3, "ksek": 1e3, "keur": 1e3,
}  # fmt: skip
_CURRENCY = {"kronor": "SEK", "kr": "SEK", "sek": "SEK", "msek": "SEK", "mkr": "SEK", "mnkr": "SEK",
             "tkr": "SEK", "ksek": "SEK", "mdkr": "SEK", "eur": "EUR", "euro": "EUR",
             "euros": "EUR", "€": "EUR", "meur": "EUR", "keur": "EUR", "m€": "EUR",
             "nok": "NOK", "dkk": "DKK", "usd": "USD"}  # fmt: skip
_NUM_RE = re.compile(_NUM)
_AFTER = re.compile(
    r"\s*(?P<scale>miljarder|miljard|mdkr|mrd|billion|miljoner|miljon|millioner|millionar|"
    r"millions|million|milj\.?|mill\.?|mnkr|mkr|msek|meur|m€|mn|tkr|ksek|keur)?"
    r"(?:\s*(?P<post>kronor|kr|sek|euros|euro|eur|nok|dkk|usd))?(?![\w])",
    re.I,
)
_BEFORE = re.compile(r"(?:\b(?P<pre>msek|sek|eur|meur|nok|usd)|(?P<sym>€))\s*$", re.I)
_RANGE_LOW = re.compile(
    r"(?<![\d.,])(?P<low>\d+(?:[.,]\d+)?)\s*(?P<sep>–|-|och|and|to|till|av|of)\s*$", re.I
)


@dataclass
class Amount:
    amount: float
    currency: str
    start: int
    end: int
    low: bool = False  # the first number of a range ("1-1,5 miljoner kronor")
    part: bool = False  # "26 av 127,6 miljoner euro": this is the 26; the whole is not a fact


def amounts(sentence: str) -> list[Amount]:
    """Every amount of money in a sentence (at most 40), in order."""
    found: list[Amount] = []
    for m in _NUM_RE.finditer(sentence):
        if m.start() and (sentence[m.start() - 1].isalnum() or sentence[m.start() - 1] in "-/"):
            continue  # part of a word or a longer number ("2024-01549", "B2")
        after = _AFTER.match(sentence, m.end())
        scale, post = (after.group("scale"), after.group("post")) if after else (None, None)
        before = _BEFORE.search(sentence, max(0, m.start() - 6), m.start())
        pre = (before.group("pre") or before.group("sym")) if before else None
        if not (pre or scale or post):
            continue
        try:
            raw = m.group(0).replace("\u00a0", " ")
            cents = re.search(r"(?<=\d{3})[.,]\d{1,2}$", raw)
            if cents and re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", raw[: cents.start()]):
                raw = raw[: cents.start()]
            if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", raw):
                value = float(re.sub(r"[ .,]", "", raw))
            else:
                value = float(raw.replace(",", "."))
        except ValueError:
            continue
        factor = _SCALE.get((scale or "").lower().rstrip("."), 1.0)
        if pre and pre.lower() in _SCALE:
            factor = _SCALE[pre.lower()]
        unit = (post or pre or scale or "").lower().rstrip(".")
        currency = _CURRENCY.get(unit)
        if currency is None:
            later = re.search(
                r"(?i)\b(kronor|sek|euro|eur|nok)\b|€", sentence[m.end() : m.end() + 60]
            )
            currency = _CURRENCY.get(later.group(0).lower(), "SEK") if later else "SEK"
        start = before.start() if before else m.start()
        end = after.end() if after and (scale or post) else m.end()
        low = _RANGE_LOW.search(sentence, max(0, start - 20), start)
        if low and not any(a.end >= low.start() for a in found):
            try:
                lv = float(low.group("low").replace(",", ".")) * factor
            except ValueError:
                lv = 0.0
            if lv > 0:
                part = low.group("sep").lower() in ("av", "of")
                found.append(Amount(lv, currency, low.start(), low.end(), low=not part, part=part))
        found.append(Amount(value * factor, currency, start, end))
        if len(found) >= 40:
            break
    return found


# Words before an amount that say what it is. The nearest one wins.
_EXCLUDE = re.compile(
    r"(?i)åtagande|commitment|omsättning|turnover|(?:total|totala|projektets)\s+(?:\w+\s+){0,2}"
    r"kostnad|total costs?|project costs?|projektkostnad|costs? (?:need|must|should)|"
    r"tidigare|previously|har beviljat|beviljades|fick\b|received|awarded|hittills|so far|"
    r"ursprungliga|started with|startade med|combined|sammantaget|lån\b|loan|garanti|guarantee|"
    r"lön\b|salary|avgift|fee\b|omsätt|intäkt|revenue|investering på|egen insats|own contribution|"
    r"prognos|forecast|betalas ut|betalats ut|utbetal|paid out|disbursed"
)
_MIN = re.compile(
    r"(?i)\b(?:min(?:imum)? grant amount|min\.?|minst|minimum|minimi|at least|lägst|lägsta|från|from|between|mellan)\b"
)
_MAX = re.compile(
    r"(?i)\b(?:max\.?|maximalt|maximala|maximum|maxbelopp\w*|högst|upp till|up to|op til|"
    r"bidragsbelopp\w*|beloppsnivå|stödbelopp\w*|grant amount|contribution per project|"
    r"kan (?:du|ni) (?:maximalt )?(?:söka|få|ansöka)|apply for|ansöka om|söka om|can receive|"
    r"sökbart belopp|stöd med|stöd på|bidrag på|grant of|grants? of up|per projekt|per project)\b"
)
_TOTAL = re.compile(
    r"(?i)\b(?:budget\w*|totalt|total|utlyser|utlysta medel|avsätts|avsatt|avsätter|sammanlagt|"
    r"available|makes|funds announced|announced funds|allocated|till förfogande|omfattar|"
    r"fördelas|fördela|finns|pott\w*|pulje|satsar|invests?|investing|återstår|remain\w*|"
    r"utlysningen har|i potten|totalt skal|fordeles|utlyst)\b"
)
_TOTAL_THEN_LIMIT = re.compile(
    r"(?i)\b(?:utlyser|avsätter|avsätts|utlysta medel|budget\w*|makes|allocates?)\s+(?:\w+\s+){0,2}?"
    r"(?:högst|upp till|up to|minst|at least|totalt|cirka|ca\.?|omkring|approximately)\s*(?:€|sek|eur)?\s*$"
)
_PER_PROJECT_AFTER = re.compile(
    r"(?i)^\s*(?:\([^)]{0,30}\)\s*)?(?:i bidrag\s+)?(?:per|för varje|for each|/)\s*"
    r"(?:projekt|project|företag|company|ansökan|application|sökande|applicant|part\b|"
    r"förstudie|genomförbarhetsstudie|beneficiary)"
)
_PER_UNIT_AFTER = re.compile(
    r"(?i)^\s*(?:\([^)]{0,30}\)\s*)?(?:i bidrag\s+)?(?:per|för varje|for each|/|om året|a year|i genomsnitt)\s*"
    r"(?:år|year|annum|månad|month|kvadratmeter|m2|småhus|person|deltagare|participant|student|"
    r"timme|hour|dag|day|bostad|lägenhet|anställd|employee|km|ton|st\b|nytt)|"
    r"^\s*(?:om året|a year|per år|annually|årligen)"
)
_YEARLY_AFTER = re.compile(
    r"(?i)^\s*(?:\([^)]{0,30}\)\s*)?(?:i bidrag\s+)?(?:per år|per year|/ ?år|/ ?year|a year|om året|"
    r"per annum|annually|årligen)"
)
_FOR_YEARS = re.compile(
    r"(?i)^\W*(?:per år|per year)\s+(?:i|for|under|during)\s+(\d{1,2})\s+(?:år|years)\b"
)
_PER_YEAR_BEFORE = re.compile(r"(?i)\b(?:annual|årlig\w*|per år|yearly|each year|varje år)\b")


@dataclass
class Judged:
    kind: str  # total | max | min, or max_year / total_year (an amount per year)
    amount: Amount


def judge(sentence: str) -> list[Judged]:
    """The amounts of one sentence that are a total budget or a per-project cap or floor."""
    out: list[Judged] = []
    found = amounts(sentence)
    prev_end = 0
    prev_kind: str | None = None
    for i, a in enumerate(found):
        left = sentence[max(prev_end, a.start - 160) : a.start]
        right = sentence[a.end : a.end + 40]
        prev_end = a.end
        if a.low:
            nxt = found[i + 1] if i + 1 < len(found) else None
            if nxt is None:
                continue
            right = sentence[nxt.end : nxt.end + 40]
        if (i and found[i - 1].part) or re.fullmatch(r"\s*\(\s*", left):
            continue  # the whole of "26 av 127,6", or a conversion in brackets
        per_year = bool(_YEARLY_AFTER.match(right) or _PER_YEAR_BEFORE.search(left[-40:]))
        if _EXCLUDE.search(left) or (_PER_UNIT_AFTER.search(right) and not per_year):
            prev_kind = None
            continue
        cues = [(m.end(), -m.start(), "min") for m in _MIN.finditer(left)]
        cues += [(m.end(), -m.start(), "max") for m in _MAX.finditer(left)]
        cues += [(m.end(), -m.start(), "total") for m in _TOTAL.finditer(left)]
        kind = max(cues)[2] if cues else None
        if kind in ("min", "max") and _TOTAL_THEN_LIMIT.search(left):
            kind = "total"  # "Energimyndigheten utlyser högst 490 miljoner kronor"
        if (
            kind == "min"
            and any(c[2] == "total" for c in cues)
            and not re.search(
                r"(?i)per (?:projekt|project|ansökan|application)|\bbidrag\w* (?:på|om)", sentence
            )
        ):
            kind = "total"  # "Forte utlyser minst 200 miljoner kronor": a total, at least
        if a.low:
            kind = (
                "min" if kind in ("min", "max", None) or _PER_PROJECT_AFTER.search(right) else None
            )
        elif found[i - 1].low if i else False:
            kind = "max" if prev_kind == "min" else kind
        elif (
            prev_kind == "min"
            and re.fullmatch(r"(?i)\s*(?:and|och|to|till|–|-)\s*", left)
            or _PER_PROJECT_AFTER.search(right)
            and kind != "min"
            or kind is None
            and re.search(r"(?i)\bmax|\bhögst|upp till|up to", sentence[: a.start])
        ):
            kind = "max"
        prev_kind = kind
        if kind and per_year:
            years = _FOR_YEARS.search(right)
            if years:  # "70 miljoner kronor per år i 5 år"
                a = Amount(a.amount * int(years.group(1)), a.currency, a.start, a.end)
            elif kind in ("max", "total"):
                out.append(
                    Judged(kind + "_year", a)
                )  # times the grant period, if the text gives it
                continue
            else:
                continue
        if kind:
            out.append(Judged(kind, a))
    return out


_PCT = re.compile(
    r"(?i)(?<![\d,.])(?P<a>\d{1,3})(?:[.,]\d+)?\s*(?:[-–]\s*(?P<b>\d{1,3})\s*)?(?:%|procent|prosent|percent|per cent)"
)
_RATE_CUE = re.compile(
    r"(?i)stöd|bidrag|finansier|funding|fund\b|grant|eligible|stödberättigande|kostnad|costs?|"
    r"stödnivå|stödandel|rate|intensit|ersätt|täcka|cover|støtte|reimburs|co-?financ|support"
)
_RATE_EXCLUDE = re.compile(
    r"(?i)medfinansi|egen|own\b|overhead|indirekt|indirect|moms|vat\b|projekttid|of the time|"
    r"av tiden|arbetstid|minst|at least|lön|salar|ränta|interest|andel kvinnor|women|"
    r"budgeten|the budget|of the call"
)


def rates(sentence: str) -> list[float]:
    """Shares (0-1) of eligible costs a grant may cover, as stated in one sentence."""
    low = sentence.lower()
    if not ("%" in sentence or "procent" in low or "percent" in low or "prosent" in low):
        return []
    if not _RATE_CUE.search(sentence):
        return []
    out = []
    for m in _PCT.finditer(sentence):
        left = sentence[max(0, m.start() - 40) : m.start()]
        if _RATE_EXCLUDE.search(left):
            continue
        value = int(m.group("b") or m.group("a"))
        if 0 < value <= 100:
            out.append(value / 100)
        if len(out) >= 10:
            break
    return out
