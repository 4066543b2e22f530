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
from datetime import date, datetime, time, timedelta

from callwatch.facts import dates as _dates
from callwatch.facts import money as _money
from callwatch.facts.segment import sentences as split_sentences
from callwatch.facts.who import APPLICANT_KINDS, who

__all__ = ["APPLICANT_KINDS", "FIELDS", "Facts", "Meta", "extract", "status_as_of"]

STOCKHOLM = "Europe/Stockholm"
FIELDS = (
    "deadlines", "opens", "status", "stale", "budget_total", "max_per_project",
    "min_per_project", "funding_rate_max", "cofinancing_required", "consortium_required",
    "min_municipalities", "applicants", "municipality_may_apply",
)  # fmt: skip
STALE_DAYS = 365
RECENT_OPENING_DAYS = 180  # opened this recently, no deadline known: taken as still open


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
# Deadlines and opening dates

_DEADLINE_CUE = re.compile(
    r"(?i)sista\s+(?:ansöknings)?(?:dag|datum)\w*|ansökningsstopp|\bsenast\b|\bstänger\b|\bstängs\b|\bstängd\b|\bstängt\b|"
    r"\bstängde\b|\bclos(?:es|ing|ed on|e)\b|deadline\w*|apply (?:by|before)|submission\w*|"
    r"cut-?off|open until|open till|\buntil\b|\btill den\b|fram till|\bt\.?o\.?m\.?|\bfrist\b|"
    r"ansøgningsfrist|no later than|inlämning\w*|ansökningstid\w*|öppe[nt] till|"
    r"\bsenest\b|\bstänga\b|later than|utlysningstid\w*|expression of interest|project idea form|step [12]|steg [12]|"
    r"stage[- ][12]|etapp [12]"
)
_OPEN_CUE = re.compile(
    r"(?i)\böppnar\b|\böppnade\b|\böppnas\b|\böppna\b|\bopens?\b|\bopening\b|\bfrån(?: och med)?(?: den)?\b|"
    r"\bfrom\b|starting on|\båbner\b|\båpner\b|\blaunch\w*|utlysningsdatum"
)
_NEG_CUE = re.compile(
    r"(?i)beslut\w*|decision\w*|besked|projekt(?:start|tid|period|perioden|et ska|en ska)|"
    r"project (?:start|end|period|duration)|bidragsperiod|funding period|under perioden|during|"
    r"genomför\w*|pågå\w*|avslut\w*|slutför\w*|end date|webb?inar\w*|seminar\w*|informationsmöte\w*|"
    r"info ?day|infodag\w*|informationsträff\w*|publicer\w*|published|granskad|uppdaterad|"
    r"updated|reviewed|redovis\w*|\breport\w*|rapport\w*|utbetal\w*|payment|möte\b|meeting|"
    r"sammanträd\w*|workshop|konferens|conference|kick-?off|tidigast starta|start\w*|verksam\w*|"
    r"anställ\w*|\bbedriva\b|\bstudie\w*|hålls|held on|event|evenemang|\binnan\b|\bprior\b"
)
_APP_WORDS = re.compile(
    r"(?i)ansök\w*|ansøg\w*|søk\w*|utlys\w*|sökas|söka|\bcall\b|application\w*|apply|proposals?|"
    r"submission|\bopen\b|\böppe[nt]\b|kommande|upcoming|forthcoming|stängd"
)
_RANGE_SEP = re.compile(
    r"(?i)^\s*(?:\([^)]{0,25}\)\s*)?(?:@\s*\d\d[:.]\d\d\s*)?(?:[–—-]|to|till|until|tom|t\.o\.m\.?)\s*"
    r"(?:(?:den|the)\s+)?$"
)
_LIST_SEP = re.compile(
    r"(?i)^\s*(?:,|och|and|or|eller|samt|resp\w*|;)?\s*(?:,\s*)?(?:(?:den|the|on)\s+)?$"
)
_RIGHT_DEADLINE = re.compile(
    r"(?i)^\W{0,3}(?:\w+\s+){0,1}(?:stänger|stängde|closes|closed|is the deadline|är sista)"
)
_RIGHT_OPEN = re.compile(r"(?i)^\W{0,3}(?:\w+\s+){0,1}(?:öppnar|åbner|opens|opened)\b")


def _cue(left: str) -> str | None:
    """The kind of the nearest cue before a date: deadline, open or neg (None: no cue)."""
    best: tuple[int, int, str] | None = None
    for rx, kind, rank in (
        (_DEADLINE_CUE, "deadline", 1),
        (_OPEN_CUE, "open", 0),
        (_NEG_CUE, "neg", 2),
    ):
        for m in rx.finditer(left):
            key = (m.end(), rank, kind)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    kind = best[2]
    if kind == "deadline":
        # "avslutas senast", "Senast granskad": the deadline word belongs to something else
        near = left[max(0, best[0] - 45) : best[0] + 25]
        if re.search(r"(?i)avslut|genomför|slutför|redovis|granskad|uppdaterad|ändrad|starta|pågå|"
                     r"completed|finished|updated|reviewed|beslut|decision|end\b|\brun\b|\bruns\b|löp", near):  # fmt: skip
            return "neg"
    return kind


@dataclass
class _D:
    day: date
    hour: int | None
    minute: int | None
    sentence: str

    def iso(self, tz: str = STOCKHOLM) -> str:
        """'2026-04-24', or '2026-04-24T14:00:00+02:00' when the text gives a time of day."""
        if self.hour is None:
            return self.day.isoformat()
        from callwatch.normalise import zone

        return datetime.combine(
            self.day, time(self.hour, self.minute or 0), tzinfo=zone(tz)
        ).isoformat()


_MONTH_YEAR = re.compile(r"(?i)\b(?:" + _dates._MON + r")\.?\s+((?:19|20)\d\d)\b")
_BARE_YEAR = re.compile(r"(?<![\d–-])((?:19|20)\d\d)(?![\d–-])")


def _next_occurrence(month: int, day: int, after: date) -> date | None:
    for year in (after.year, after.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d >= after:
            return d
    return None


def _find_dates(sents: list[str], as_of: date) -> tuple[list[_D], _D | None, list[date]]:
    """(deadlines, opening date, every full date mentioned) from the sentences."""
    deadlines: list[_D] = []
    opens: _D | None = None
    all_dates: list[date] = []
    found = [(s, _dates.mentions(s)) for s in sents]
    context_years: list[int | None] = []
    bare_years: list[int | None] = []
    last_year: int | None = None
    last_bare: int | None = None
    for s, ms in found:
        for m in ms:
            if m.year:
                last_year = m.year
        if ms or "19" in s or "20" in s:
            for y in _MONTH_YEAR.findall(s):  # "in November 2022" dates the text as well
                last_year = int(y)
        for y in _BARE_YEAR.findall(s):
            last_bare = int(y)
        context_years.append(last_year)
        bare_years.append(last_bare)
    first_year = next((y for y in context_years if y), None)
    first_bare = next((y for y in bare_years if y), None)

    for idx, (s, ms) in enumerate(found):
        if not ms:
            continue
        kinds: list[str | None] = [None] * len(ms)
        in_range: set[int] = set()
        i = 0
        while i < len(ms):
            m = ms[i]
            left = s[max(ms[i - 1].end if i else 0, m.start - 120) : m.start]
            nxt = ms[i + 1] if i + 1 < len(ms) else None
            if nxt and (
                _RANGE_SEP.match(s[m.end : nxt.start])
                or (re.match(r"(?i)^\s*(?:och|and)\s*(?:den\s+)?$", s[m.end : nxt.start])
                    and re.search(r"(?i)(?:mellan|between)(?:\s+\w+){0,1}\s*$", left))
            ):  # fmt: skip
                whole_left = s[max(0, m.start - 160) : m.start]
                cue = _cue(whole_left)
                after = s[nxt.end : nxt.end + 40]
                if cue == "neg" and re.match(
                    r"(?i)^\W{0,3}(?:\w+\s+){0,3}(?:ansöka|söka|apply|ansøge)", after
                ):
                    cue = "open"
                if cue in ("deadline", "open") or (
                    cue is None and (len(whole_left) < 30 or _APP_WORDS.search(whole_left))
                ):
                    kinds[i], kinds[i + 1] = "open", "deadline"
                else:
                    kinds[i], kinds[i + 1] = "neg", "neg"
                in_range.update((i, i + 1))
                i += 2
                continue
            cue = _cue(left)
            if (
                cue is None
                and i
                and kinds[i - 1] == "deadline"
                and (_LIST_SEP.match(left) or (len(left) < 60 and not _NEG_CUE.search(left)))
            ):
                cue = "deadline"  # "... is 9 March 2022, whereas for the core projects - 15 March"
            if cue is None:
                right = s[m.end : m.end + 40]
                if _RIGHT_DEADLINE.match(right):
                    cue = "deadline"
                elif _RIGHT_OPEN.match(right):
                    cue = "open"
            kinds[i] = cue
            i += 1
        recurring = (
            sum(
                1
                for j, m in enumerate(ms)
                if m.year is None and kinds[j] == "deadline" and j not in in_range
            )
            >= 2
        )
        context = context_years[idx] or first_year or bare_years[idx] or first_bare
        for j, (m, kind) in enumerate(zip(ms, kinds, strict=True)):
            year = m.year
            if year is None:
                later = next((x.year for x in ms[j + 1 :] if x.year), None)
                if later and not recurring:
                    year = later
            try:
                if year is None:
                    if recurring or not context:
                        d = _next_occurrence(m.month, m.day, as_of)
                    else:
                        d = date(context, m.month, m.day)
                else:
                    d = date(year, m.month, m.day)
            except ValueError:
                continue
            if d is None:
                continue
            if m.year:
                all_dates.append(d)
            item = _D(d, m.hour, m.minute, s)
            if kind == "deadline":
                if all(x.day != d for x in deadlines):
                    deadlines.append(item)
                elif m.hour is not None:
                    deadlines = [item if x.day == d and x.hour is None else x for x in deadlines]
            elif kind == "open" and opens is None:
                opens = item
    # every "deadline" long before the opening: the opening belongs to a later round
    if opens and deadlines and opens.day > max(d.day for d in deadlines) + timedelta(days=200):
        opens = None
    deadlines.sort(key=lambda d: (d.day, d.hour or 0))
    return deadlines[:24], opens, all_dates


# ---------------------------------------------------------------------------------------------
# Status words

_CLOSED_WORD = re.compile(
    r"(?i)^(?:status\s*:?\s*)?(?:stängd(?:\s+utlysning)?|closed|beslutad[e]?|avslutad|avslutat|"
    r"deadline expired|stängt för ansökan)\s*(?:$|:|\(|-|\s\d)|^closed on\b|"
    r"^Closed(?=[A-ZÅÄÖ][a-zåäö])|utlysningen är (?:nu )?stängd|\bstängt för ansökan|deadline expired"
)
_FUTURE_WORD = re.compile(
    r"(?i)^(?:status\s*:?\s*)?(?:kommande(?:\s+utlysning)?|upcoming(?: call)?|forthcoming|future)"
    r"\s*(?:$|:|-|\s\d)|"
    r"^öppnar\b|planeras (?:att )?öppna|planera\w* (?:\w+ ){0,2}att öppna|will open|kommer att öppna|will be open|\båbner vi\b|"
    r"opens? (?:on|in) |öppnar (?:den|i|snart)|upcoming call|forthcoming"
)
_OPEN_WORD = re.compile(
    r"(?i)^(?:status\s*:?\s*)?(?:öppen|open|pågående|öppen utlysning)\s*(?:$|:|-)|^stänger\b|"
    r"open until|now open|är (?:nu )?öppen|är öppet|öppen!|öppet för ansökningar|"
    r"open for (?:applications|submissions|proposals)|accepting (?:proposals|applications)|"
    r"has (?:opened|launched)|are now open|is now open|always open|apply by|\bnu är det möjligt|"
    r"\b(?:er )?nå åpen|\bis open\b|\bopen calls?\b|officially open"
)
_WORDS = {
    "öppen": "open", "open": "open", "pågående": "open", "aktuell": "open", "current": "open",
    "kommande": "forthcoming", "upcoming": "forthcoming", "forthcoming": "forthcoming",
    "planerad": "forthcoming", "stängd": "closed", "closed": "closed", "avslutad": "closed",
    "beslutad": "closed", "stängt": "closed",
}  # fmt: skip


def normalise_status_word(word: str | None) -> str | None:
    """A listing's or API's status word as open / forthcoming / closed, or None."""
    if not word:
        return None
    w = " ".join(str(word).lower().split())[:40]
    if w in ("open", "forthcoming", "closed"):
        return w
    for key, value in _WORDS.items():
        if w.startswith(key):
            return value
    return None


def _status_word(title: str, sents: list[str]) -> tuple[str | None, str | None]:
    """The page's own word for its state: a status line anywhere, or words near the top."""
    for rx, word in ((_CLOSED_WORD, "closed"), (_FUTURE_WORD, "forthcoming"), (_OPEN_WORD, "open")):
        for n, s in enumerate([title, *sents[:40]]):
            parts = [s[:200], *(p[:200] for p in s.split(": ")[1:3])]
            if any(rx.match(p) for p in parts) or (n < 9 and rx.search(s[:300])):
                return word, s
    return None, None


def status_as_of(
    deadlines: list[str], opens: str | None, word: str | None, as_of: date
) -> tuple[str, str]:
    """(status, why) on a date, from the evidence only; no evidence is `unknown`."""
    days = [date.fromisoformat(d[:10]) for d in deadlines]
    if word == "closed" and not any(d >= as_of for d in days):
        return "closed", "word"
    if days and all(d < as_of for d in days):
        return "closed", "deadline"
    if opens and date.fromisoformat(opens[:10]) > as_of:
        return "forthcoming", "opens"
    if days:
        return "open", "deadline"
    if word == "forthcoming" and opens:
        word = None  # "Öppnar 12 augusti 2024" has opened since: the word is out of date
    if word:
        return word, "word"
    if opens and (as_of - date.fromisoformat(opens[:10])).days <= RECENT_OPENING_DAYS:
        return "open", "opens"
    return "unknown", ""


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
    deadlines, opens, all_dates = _find_dates([title, *sents] if title else sents, as_of)
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
        word, word_sentence = _status_word(title, sents)
    f.status_word = word
    f.status, why = status_as_of(f.deadlines, f.opens, word, as_of)
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
    if dated and (as_of - max(dated)).days > STALE_DAYS and f.status != "forthcoming":
        f.stale = True

    # money and rates
    totals: list[tuple[_money.Amount, str]] = []
    maxes: list[tuple[_money.Amount, str]] = []
    mins: list[tuple[_money.Amount, str]] = []
    rates: list[tuple[float, str]] = []
    cofin: tuple[bool, str] | None = None
    consortium: tuple[bool, str] | None = None
    min_muni: tuple[int, str] | None = None
    for s in sents:
        low = s.lower()
        digits = any(c.isdigit() for c in s)
        if digits:
            for j in _money.judge(s):
                {"total": totals, "max": maxes, "min": mins}[j.kind].append((j.amount, s))
            rates.extend((r, s) for r in _money.rates(s))
        # cheap word checks first: the patterns below are costly and rarely apply
        if cofin is None and any(w in low for w in _COFIN_WORDS):
            if _NO_COFIN.search(s):
                cofin = (False, s)
            elif _COFIN.search(s) and _REQUIRED.search(s):
                cofin = (True, s)
        if any(w in low for w in _PARTNER_WORDS):
            if consortium is None and _CONSORTIUM.search(s):
                consortium = (True, s)
            elif consortium is None and _SINGLE.search(s):
                consortium = (False, s)
            for m in _MIN_MUNI.finditer(s):
                n = m.group("n").lower()
                value = _NUMBER.get(n) or int(n)
                if min_muni is None or value > min_muni[0]:
                    min_muni = (value, s)
    if meta.budget:
        f.budget_total = {"amount": meta.budget[0], "currency": meta.budget[1]}
        ev["budget_total"] = src + "structured budget"
    elif totals:
        f.budget_total, ev["budget_total"] = _amount(totals[0][0]), totals[0][1]
    if meta.max_per_project:
        f.max_per_project = {"amount": meta.max_per_project[0], "currency": meta.max_per_project[1]}
        ev["max_per_project"] = src + "structured maximum per project"
    elif maxes:
        best = max(maxes, key=lambda x: x[0].amount)
        f.max_per_project, ev["max_per_project"] = _amount(best[0]), best[1]
    if mins:
        low = min(mins, key=lambda x: x[0].amount)
        if not f.max_per_project or low[0].amount <= f.max_per_project["amount"]:
            f.min_per_project, ev["min_per_project"] = _amount(low[0]), low[1]
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
