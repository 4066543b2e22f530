"""Application deadlines and opening dates in a call's sentences.

Every date is judged by the nearest cue before it in its sentence ("Sista ansökningsdag",
"Stänger", "senast", "Deadline", "öppnar", "från den"): a deadline, an opening, or something
else (decision dates, project and funding periods, webinars, "senast granskad"). Two dates joined
by a dash or "till" are a window; "senast den 10 mars, den 10 juni ..." carries the cue along the
list. A date without a year takes the year of the text around it; a recurring list of yearless
dates becomes their next occurrences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from callwatch.clock import TIMEZONE
from callwatch.facts import dates as _dates

STOCKHOLM = TIMEZONE


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
    r"anställ\w*|\bbedriva\b|\bstudie\w*|hålls|held on|event|evenemang|\binnan\b|\bprior\b|"
    r"gäll\w*\s+från(?: och med)?|valid from|applies from|effective from"
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


def find_dates(sents: list[str], as_of: date) -> tuple[list[_D], _D | None, list[date]]:
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
                    cue is None
                    and (
                        len(whole_left) < 30
                        or _APP_WORDS.search(whole_left)
                        or _APP_WORDS.search(
                            s[nxt.end : nxt.end + 60]
                        )  # "... att hållas öppna för ansökningar"
                    )
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
