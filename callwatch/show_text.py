"""Words of the `show` and `explain` commands (a call's page, its facts and why it ranks), in
Swedish and English. Split from report_text.py, which re-exports every name: the wording is
still read and corrected in these two files only.
"""

from __future__ import annotations

import re

SHOW: dict[str, dict[str, str]] = {
    "en": {
        "id": "id", "status": "status", "funder": "funder", "programme": "programme",
        "url": "url", "opens": "opens", "next_deadline": "next deadline", "budget": "budget",
        "language": "language", "first_seen": "first seen", "last_seen": "last seen",
        "closed": "closed", "deadlines": "Deadlines", "summary": "Summary",
        "who_can_apply": "Who can apply", "keywords": "Keywords", "same_call": "Same call as",
        "also_listed": "Also listed by", "rounds": "Other rounds of this call",
        "deadline": "deadline", "decisions": "decisions", "title": "title",
        "decisions_title": "Decisions (every change)", "when": "when",
        "kommun": "municipality", "decision": "decision", "by": "by", "reason": "reason",
        "note": "note", "history": "History", "field": "field", "old": "old", "new": "new",
        "no_history": "No changes recorded since first seen.",
        "facts_from": "facts from other listings",
    },
    "sv": {
        "id": "id", "status": "status", "funder": "finansiär", "programme": "program",
        "url": "länk", "opens": "öppnar", "next_deadline": "nästa sista dag", "budget": "budget",
        "language": "språk", "first_seen": "först sedd", "last_seen": "senast sedd",
        "closed": "stängd", "deadlines": "Sista dagar", "summary": "Sammanfattning",
        "who_can_apply": "Vem kan söka", "keywords": "Nyckelord", "same_call": "Samma utlysning som",
        "also_listed": "Finns också hos", "rounds": "Andra omgångar av utlysningen",
        "deadline": "sista dag", "decisions": "beslut", "title": "titel",
        "decisions_title": "Beslut (varje ändring)", "when": "när", "kommun": "kommun",
        "decision": "beslut", "by": "av", "reason": "motivering", "note": "anteckning",
        "history": "Historik", "field": "fält", "old": "före", "new": "efter",
        "no_history": "Inga ändringar sedan utlysningen först sågs.",
        "facts_from": "uppgifter från andra publiceringar",
    },
}  # fmt: skip


def show_words(lang: str | None) -> dict[str, str]:
    return SHOW["sv" if lang == "sv" else "en"]


EXPLAIN: dict[str, dict[str, str]] = {
    "en": {
        "formula": "priority {score:.3f} = relevance {relevance:.3f} x eligibility {eligibility} "
        "x deadline {deadline} x size {size}",
        "themes_for": "Themes for {name}", "theme": "theme", "score": "score", "weight": "weight",
        "weighted": "weighted", "evidence": "evidence (field, points)",
        "eligibility": "Eligibility", "why": "Why",
        "facts_from": "Facts from other listings of this call",
        "relevance_parts": "relevance {relevance:.4f} = (themes {themes:.4f} + keyword bonus "
        "{keywords:.4f}) x exclusion {exclusion}",
        "theme_score": "theme score = 1 - e^(-points/{saturation}) over the theme's terms (below: "
        "the strongest eight), x {exclude} with one of its exclusion phrases",
        "verify": "status: verify with the funder (listed below every dated call)",
        "joint": "joint opportunity: {reason}",
    },
    "sv": {
        "formula": "prioritet {score:.3f} = relevans {relevance:.3f} x behörighet {eligibility} "
        "x sista dag {deadline} x storlek {size}",
        "themes_for": "Teman för {name}", "theme": "tema", "score": "poäng", "weight": "vikt",
        "weighted": "viktad", "evidence": "belägg (fält, poäng)", "eligibility": "Behörighet",
        "why": "Varför", "facts_from": "Uppgifter från andra publiceringar av utlysningen",
        "relevance_parts": "relevans {relevance:.4f} = (teman {themes:.4f} + nyckelordsbonus "
        "{keywords:.4f}) x uteslutning {exclusion}",
        "theme_score": "temapoäng = 1 - e^(-poäng/{saturation}) över temats termer (nedan: de "
        "åtta starkaste), x {exclude} med någon av temats uteslutande fraser",
        "verify": "status: kontrollera hos finansiären (listas under alla daterade utlysningar)",
        "joint": "gemensam möjlighet: {reason}",
    },
}  # fmt: skip


def explain_words(lang: str | None) -> dict[str, str]:
    return EXPLAIN["sv" if lang == "sv" else "en"]


FACTS: dict[str, dict] = {
    "en": {
        "title": "Facts (and the sentence each came from)", "fact": "fact", "value": "value",
        "evidence": "evidence", "yes": "yes", "no": "no", "verify": "verify (no evidence)",
        "stale_yes": "yes: only years-old dates",
        "statuses": {"open": "open", "closed": "closed", "forthcoming": "forthcoming"},
        "may_apply": {"yes": "yes", "no": "no", "unclear": "unclear"},
        "fields": {
            "status": "status", "stale": "stale", "deadlines": "deadlines", "opens": "opens",
            "budget_total": "total budget", "max_per_project": "max per project",
            "min_per_project": "min per project", "funding_rate_max": "funding rate up to",
            "cofinancing_required": "co-financing required",
            "consortium_required": "consortium required",
            "min_municipalities": "municipalities at least", "applicants": "who may apply",
            "municipality_may_apply": "a municipality may apply",
        },
    },
    "sv": {
        "title": "Uppgifter (och meningen varje uppgift kommer från)", "fact": "uppgift",
        "value": "värde", "evidence": "belägg", "yes": "ja", "no": "nej",
        "verify": "kontrollera (inget belägg)", "stale_yes": "ja: bara flera år gamla datum",
        "statuses": {"open": "öppen", "closed": "stängd", "forthcoming": "kommande"},
        "may_apply": {"yes": "ja", "no": "nej", "unclear": "oklart"},
        "fields": {
            "status": "status", "stale": "inaktuell", "deadlines": "sista dagar",
            "opens": "öppnar", "budget_total": "total budget",
            "max_per_project": "högst per projekt", "min_per_project": "minst per projekt",
            "funding_rate_max": "stödnivå högst", "cofinancing_required": "medfinansiering krävs",
            "consortium_required": "konsortium krävs", "min_municipalities": "minst antal kommuner",
            "applicants": "vem kan söka", "municipality_may_apply": "kommun kan söka",
        },
    },
}  # fmt: skip


def fact_words(lang: str | None) -> dict:
    return FACTS["sv" if lang == "sv" else "en"]


# Words a person reads for the matcher's field names and its (English) evidence notes.
FIELD_WORDS_SV = {
    "title": "titel", "summary": "sammanfattning", "description": "beskrivning",
    "eligibility": "behörighet", "keywords": "nyckelord", "budget_amount": "budget",
    "deadlines": "sista dagar", "status": "status", "programme": "program", "url": "länk",
}  # fmt: skip


def field_word(name: str, lang: str | None) -> str:
    """A stored field's name in the output's language ('title' -> 'titel')."""
    return FIELD_WORDS_SV.get(name, name) if lang == "sv" else name


_MAY_APPLY_NOTE = re.compile(r"^municipality may apply: (yes|no|unclear) \(call facts\)$")


def evidence_line(line: str, lang: str | None) -> str:
    """An eligibility evidence line in the output's language: the notes callwatch writes itself
    are translated; quoted funder phrases and field names keep their words."""
    if lang != "sv":
        return line
    m = _MAY_APPLY_NOTE.match(line)
    if m:
        verdict = {"yes": "ja", "no": "nej", "unclear": "oklart"}[m.group(1)]
        return f"kommun kan söka: {verdict} (uppgifter ur utlysningen)"
    m = re.match(r"^([+-] '.*') \((\w+)\)$", line)
    return f"{m.group(1)} ({field_word(m.group(2), lang)})" if m else line


def joint_text(reason: str, lang: str | None) -> str:
    """rank's joint_reason ("requires at least 2 municipalities", "requires a consortium")."""
    if lang != "sv":
        return reason
    m = re.match(r"requires at least (\d+) municipalities", reason)
    if m:
        return f"kräver minst {m.group(1)} kommuner"
    return "kräver ett konsortium" if reason == "requires a consortium" else reason


EXTRA_WORDS = {
    "en": {
        "from_listing_only": "from the listing only", "listing_text": "listing text",
        "listing_status": "listing status", "status_word": "status word", "regions": "regions",
        "date_only_deadlines": "deadlines without a time", "max_grant": "max grant",
    },
    "sv": {
        "from_listing_only": "bara från listningen", "listing_text": "listningens text",
        "listing_status": "listningens status", "status_word": "statusord", "regions": "regioner",
        "date_only_deadlines": "sista dagar utan klockslag", "max_grant": "högsta bidrag",
    },
}  # fmt: skip
CLOSED_REASONS_SV = {
    "closed at source": "stängd hos finansiären",
    "closed at source or deadline passed": "stängd hos finansiären eller sista dagen passerad",
    "no longer listed by a complete crawl": "finns inte längre i finansiärens lista",
}


def extra_word(key: str, lang: str | None) -> str:
    """A source's extra field name for a person ('from_listing_only' -> 'from the listing only')."""
    words = EXTRA_WORDS["sv" if lang == "sv" else "en"]
    return words.get(key, key.replace("_", " "))


def closed_reason(reason: str, lang: str | None) -> str:
    return CLOSED_REASONS_SV.get(reason, reason) if lang == "sv" else reason
