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
    "funder": "finansiär", "language": "språk", "opens": "öppnar", "budget_currency": "valuta",
    "extra": "övrigt",
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
    m = re.match(r"^([+-] '.*') \((\w+)(, uncounted)?\)$", line)
    if not m:
        return line
    unused = ", räknas inte" if m.group(3) else ""
    return f"{m.group(1)} ({field_word(m.group(2), lang)}{unused})"


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


# The notes callwatch writes about a call's priority (priority.Note: a key and its values), in
# Swedish and English: the factors' reasons (deadline, size, eligibility, region), the theme and
# keyword findings and the municipality's decisions. Quoted terms, regions, ids and funder text
# are values and keep their own words.
NOTES: dict[str, dict[str, str]] = {
    "en": {
        "keyword_bonus": "keyword bonus +{bonus:.3f} for {words}",
        "theme": "{theme} {score:.2f} x weight {weight:.1f} ({terms})",
        "theme_only": "{theme} {score:.2f} ({terms})",
        "mentions": "mentions {words}",
        "outside": "only for {regions}",
        "excluded": "excluded term {words}",
        "eligibility": "eligibility: {verdict}",
        "eligibility_why": "eligibility: {verdict} ({why})",
        "closed": "closed",
        "stale": "only years-old dates: verify",
        "status_unknown": "no dated evidence of an open call: verify",
        "forthcoming": "forthcoming: time to prepare",
        "no_deadline": "no fixed deadline",
        "days_urgent": "only {days} days left",
        "days_tight": "{days} days left: tight",
        "days_left": "{days} days left",
        "budget_unknown": "budget unknown",
        "budget": "budget {money}",
        "per_project": "per project up to {money}",
        "budget_below_minimum": "budget {money} below the profile's minimum",
        "per_project_below_minimum": "per project up to {money} below the profile's minimum",
        "joint": "joint opportunity: {reason}",
        "decision": "decision: {status} ({date}{by})",
        "decision_why": "decision: {status} ({date}{by}): {reason}",
        "earlier_round": "earlier round {call_id}: {status} ({date})",
        "earlier": "{status} ({date}, {title})",
        "reasons": "Reasons",
    },
    "sv": {
        "keyword_bonus": "nyckelordsbonus +{bonus:.3f} för {words}",
        "theme": "{theme} {score:.2f} x vikt {weight:.1f} ({terms})",
        "theme_only": "{theme} {score:.2f} ({terms})",
        "mentions": "nämner {words}",
        "outside": "bara för {regions}",
        "excluded": "uteslutande term {words}",
        "eligibility": "behörighet: {verdict}",
        "eligibility_why": "behörighet: {verdict} ({why})",
        "closed": "stängd",
        "stale": "bara flera år gamla datum: kontrollera",
        "status_unknown": "inget daterat belägg för att utlysningen är öppen: kontrollera",
        "forthcoming": "kommande: tid att förbereda",
        "no_deadline": "ingen fast sista dag",
        "days_urgent": "bara {days} {day_word} kvar",
        "days_tight": "{days} {day_word} kvar: ont om tid",
        "days_left": "{days} {day_word} kvar",
        "budget_unknown": "budget okänd",
        "budget": "budget {money}",
        "per_project": "högst {money} per projekt",
        "budget_below_minimum": "budget {money}, under kommunens minimum",
        "per_project_below_minimum": "högst {money} per projekt, under kommunens minimum",
        "joint": "gemensam möjlighet: {reason}",
        "decision": "beslut: {status} ({date}{by})",
        "decision_why": "beslut: {status} ({date}{by}): {reason}",
        "earlier_round": "förra omgången {call_id}: {status} ({date})",
        "earlier": "{status} ({date}, {title})",
        "reasons": "Skäl",
    },
}


def _quoted(words: list[str] | None) -> str:
    """'a', 'b' (the matched words or terms as they were found)."""
    return ", ".join(f"'{w}'" for w in words or [])


def note_text(note: object, lang: str | None) -> str:
    """A priority.Note in the output's language; a plain string (a reason made before notes,
    or by a caller of its own) is shown as it is."""
    from callwatch import report_text
    from callwatch.priority import format_money

    key = getattr(note, "key", None)
    if key is None:
        return str(note)
    lang = "sv" if lang == "sv" else "en"
    words, v = NOTES[lang], dict(getattr(note, "values", {}))
    t = report_text.words(lang)
    if "words" in v:
        v["words"] = _quoted(v["words"])
    if "terms" in v:
        v["terms"] = _quoted(v["terms"])
    if "amount" in v:
        amount, currency = v.pop("amount"), v.pop("currency")
        en = format_money(amount, currency)
        v["money"] = report_text.money(amount, currency, "sv") if lang == "sv" else en
    if "days" in v:
        v["day_word"] = "dag" if v["days"] == 1 else "dagar"
    if key == "eligibility":
        verdict = v["verdict"]
        v["verdict"] = t.get(verdict, verdict) if lang == "sv" else verdict
        v["why"] = "; ".join(evidence_line(x, lang) for x in v.get("why") or [])
        if v["why"]:
            key = "eligibility_why"
    if key == "joint":
        v["reason"] = joint_text(v["reason"], lang)
    if key in ("decision", "earlier_round", "earlier"):
        status = v["status"]
        v["status"] = t["decision_words"].get(status, status) if lang == "sv" else status
        v["by"] = f", {v['by']}" if v.get("by") else ""
        if key == "decision" and v.get("reason"):
            key = "decision_why"
    template = words.get(key) or NOTES["en"].get(key) or key  # a key of a newer branch: shown
    return template.format(**v)


def notes_text(notes: list, lang: str | None) -> list[str]:
    return [note_text(n, lang) for n in notes]


def earlier_text(r: object, lang: str | None) -> str:
    """A ranked call's decision on an earlier round, in the output's language ('' if none)."""
    for n in getattr(r, "reasons", None) or []:
        if getattr(n, "key", None) == "earlier_round":
            return note_text(type(n)("earlier", n.values), lang)
    return str(getattr(r, "earlier_decision", "") or "")
