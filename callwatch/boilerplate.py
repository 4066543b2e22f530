"""Boilerplate: text on almost every funder page that says nothing about a call's topic
(logging in to the e-service, cookies, navigation, contact details, "how to apply"), found per
segment (line or sentence) and left out of what the matcher reads. Built on text.py's tokens.
"""

from __future__ import annotations

import re

from callwatch.text import MAX_TOKEN, TOKEN, expand_ellipsis, normalise

# Text found on almost every funder page that says nothing about the call's topic: logging in to
# the e-service, cookies, navigation, contact details and "how to apply" instructions. A segment
# (line or sentence) that contains one of these is dropped; in a very long segment only the
# phrase itself is.
_BOILERPLATE = re.compile(
    r"\b(?:"
    r"logga (?:in|ut)\w*|log (?:in|out)|sign (?:in|up)|inloggning\w*|bank-?id|e-legitimation\w*"
    r"|(?:i|via|genom|till|från) (?:vår |vårt |våra |din |ditt |myndighetens )?e-tjänst\w*"
    r"|e-tjänsten\w*|e-tjänst (?:för|där) (?:ansök|sök)\w*|ansökningssystem\w*|prisma"
    r"|cookies?|kakor|kaka|webbkakor|personuppgift\w*|privacy (?:policy|notice|statement)|integritetspolicy"
    r"|hoppa till \w+|skip to \w+|till startsidan|startsida|huvudmeny|meny|menu|sidfot|footer"
    r"|dela (?:sidan|på)|share (?:this|on)|skriv ut|print this|senast (?:uppdaterad|ändrad)\w*"
    r"|last (?:updated|modified)|publicerad|sidansvarig|tillgänglighetsredogörelse"
    r"|accessibility statement|nyhetsbrev\w*|newsletter\w*|prenumerera\w*|subscribe"
    r"|följ oss|follow us|kontakta oss|kontakt(?:person|uppgifter)\w*|contact (?:us|person|details)"
    r"|frågor om (?:utlysningen|ansökan)|questions about|telefon\w*|tel|e-post|email|e-mail"
    r"|så (?:ansöker|söker) du|hur (?:du )?(?:ansöker|söker)|how to apply|ansökan (?:görs|skickas|lämnas)"
    r"|submit (?:your|the|an) application|application form|ansökningsformulär\w*|webbinari\w*"
    r"|webinar\w*|informationsmöte\w*|funding (?:&|and) tenders portal"
    r"|läs mer|read more|ladda om sidan|reload (?:the|this) page|(?:inte|aktivera|enable) javascript"
    r"|javascript (?:is |är )?(?:disabled|avstängt|påslaget)"
    r")\b"
)
_SEGMENT = re.compile(r"[^\n.!?•|]+[.!?•|]?")
LONG_SEGMENT = 300


# Every boilerplate phrase contains one of these words (or a word starting with one of the
# prefixes): a text without any of them (many are) skips the phrase search.
BOILERPLATE_WORDS = frozenset(
    [
        "logga",
        "log",
        "sign",
        "bank",
        "bankid",
        "prisma",
        "cookie",
        "cookies",
        "kakor",
        "kaka",
        "webbkakor",
        "privacy",
        "integritetspolicy",
        "hoppa",
        "skip",
        "startsidan",
        "startsida",
        "huvudmeny",
        "meny",
        "menu",
        "sidfot",
        "footer",
        "dela",
        "share",
        "skriv",
        "print",
        "senast",
        "last",
        "publicerad",
        "sidansvarig",
        "tillgänglighetsredogörelse",
        "accessibility",
        "subscribe",
        "följ",
        "follow",
        "kontakta",
        "contact",
        "frågor",
        "questions",
        "tel",
        "post",
        "email",
        "mail",
        "ansöker",
        "söker",
        "apply",
        "ansökan",
        "submit",
        "form",
        "tenders",
        "läs",
        "read",
        "ladda",
        "reload",
        "javascript",
    ]
)
BOILERPLATE_PREFIXES = (
    "inloggning", "legitimation", "tjänst", "ansökningssystem", "personuppgift", "nyhetsbrev",
    "newsletter", "prenumerera", "kontakt", "telefon", "ansökningsformulär", "webbinari",
    "webinar", "informationsmöte",
)  # fmt: skip


_BOILERPLATE_PREFIX = re.compile(r"\b(?:" + "|".join(BOILERPLATE_PREFIXES) + ")")


def clean_tokens(text: str) -> tuple[list[str], list[str]]:
    """(all tokens, tokens outside boilerplate segments) of a text, in one pass: only segments
    with a boilerplate word are searched for boilerplate phrases."""
    low = expand_ellipsis(normalise(text))
    every: list[str] = []
    clean: list[str] = []
    find = TOKEN.findall
    for seg in _SEGMENT.findall(low):
        toks = [t for t in find(seg) if len(t) <= MAX_TOKEN]
        every += toks
        if (
            not BOILERPLATE_WORDS.isdisjoint(toks) or _BOILERPLATE_PREFIX.search(seg)
        ) and _BOILERPLATE.search(seg):
            if len(seg) > LONG_SEGMENT:
                clean += [t for t in find(_BOILERPLATE.sub(" ", seg)) if len(t) <= MAX_TOKEN]
            continue
        clean += toks
    return every, clean


def strip_boilerplate(text: str) -> str:
    """The text without its boilerplate segments (see _BOILERPLATE)."""
    low = normalise(text)
    spans = [m.span() for m in _BOILERPLATE.finditer(low)]
    if not spans:
        return text
    if len(low) != len(text):  # casefolding changed the length (ß...): work on the folded text
        text = low
    out: list[str] = []
    k = 0
    for m in _SEGMENT.finditer(low):
        start, end = m.span()
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k == len(spans) or spans[k][0] >= end:
            out.append(text[start:end])
        elif end - start > LONG_SEGMENT:
            out.append(_BOILERPLATE.sub(" ", low[start:end]))
    return " ".join(out)
