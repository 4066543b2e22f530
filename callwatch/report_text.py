"""Every word a report or a listing shows a person, in Swedish and English.

Kept apart from gathering (report_data.py) and rendering (report.py) so the wording can be read
and corrected in one place. Swedish text is written as a Swedish coordinator would write it: no
internal ids, status codes or English words in the prose (tests/test_report.py scans for them).
"""

from __future__ import annotations

import re
from datetime import date

from callwatch.dates import local_datetime

LANGS = ("sv", "en")

TEXT: dict[str, dict] = {
    "sv": {
        "title": "Utlysningar för {name}",
        "network_title": "Utlysningar för nätverket",
        "period": "Period: {start} – {end}",
        "summary": "{decide} att besluta, {new} nya, {closing} stänger inom {days} dagar, "
        "{changed} ändrade.",
        "network_summary": "{joint} kandidater för samarbete; {decided} utlysningar med beslut; "
        "{n} kommuner.",
        "decide": "Att besluta",
        "decide_intro": "Relevanta utlysningar som stänger inom {days} dagar och som ännu inte "
        "har något beslut, mest brådskande först.",
        "empty_decide": "Inget väntar på beslut just nu.",
        "new": "Nya utlysningar",
        "closing": "Stänger snart",
        "closing_intro": "Utöver dem under Att besluta: utlysningar med beslut som stänger "
        "inom 30 dagar.",
        "empty_closing": "Inga utöver dem under Att besluta.",
        "changed": "Ändrade",
        "forthcoming": "Kommande",
        "engaged": "Vi engagerar oss",
        "empty_engaged": "{name} har inte beslutat att engagera sig i någon utlysning.",
        "watched": "Vi bevakar",
        "empty_watched": "{name} bevakar ingen utlysning.",
        "joint": "Kandidater för samarbete",
        "joint_intro": "Utlysningar som kräver flera kommuner eller ett konsortium först, sedan "
        "utlysningar som flera kommuner rankar högt; mest brådskande först.",
        "empty_joint": "Ingen utlysning kräver samarbete eller rankas högt av flera kommuner "
        "just nu.",
        "network_decided": "Beslut i nätverket",
        "empty_network_decided": "Ingen kommun har fattat något beslut ännu.",
        "by_theme": "Per tema",
        "by_theme_intro": "Utlysningar som inte redan står ovan.",
        "empty": "Inga under perioden.",
        "empty_theme": "Inga fler utlysningar inom temat.",
        "expected": "Förväntas öppna igen",
        "expected_value": "omkring {when} (tidigare omgångar)",
        "decisions": "Beslut",
        "earlier": "Förra omgången",
        "funder": "Finansiär",
        "deadline": "Sista dag",
        "at_time": "kl. {time}",
        "days_left": "{n} dagar kvar",
        "one_day_left": "1 dag kvar",
        "today": "stänger i dag",
        "days_ago": "stängde för {n} dagar sedan",
        "no_deadline": "ingen fast sista dag",
        "opens": "öppnar {date}",
        "opens_label": "Öppnar",
        "budget": "Budget",
        "max_per_project": "Högst per projekt",
        "cofinancing": "Medfinansiering",
        "cofinancing_values": {1: "krävs", 0: "krävs inte"},
        "funding_rate": "Stödnivå högst",
        "verify": "kontrollera",
        "verify_long": "kontrollera hos finansiären",
        "status_label": "Öppen eller stängd",
        "themes": "Teman",
        "eligibility": "Behörighet",
        "why": "Varför",
        "who": "Kommuner",
        "joint_why": "Samarbete",
        "requires_n": "kräver minst {n} kommuner",
        "requires_consortium": "kräver ett konsortium",
        "ranked_high_by": "rankas högt av {n} kommuner",
        "id": "Id",
        "mark": "Ta ställning",
        "mark_alts": "eller {alts}",
        "change": "{field}: {old} → {new}",
        "changed_label": "Ändring",
        "fields": {"deadlines": "sista dag", "budget_amount": "budget", "status": "status"},
        "eligible": "kommuner kan söka",
        "unclear": "oklart om kommuner kan söka",
        "not eligible": "kommuner kan inte söka",
        "statuses": {
            "open": "öppen",
            "closed": "stängd",
            "forthcoming": "kommande",
            "unknown": "kontrollera",
        },
        "decision_words": {"engage": "engagerar sig", "watch": "bevakar", "dismiss": "avstår"},
        "keywords": "era nyckelord: {words}",
        "timeline": "Tidslinje: sista dagar de närmaste {days} dagarna",
        "generated": "Skapad av callwatch {date}.",
        "theme_line": "{theme}: viktigt för {kommuner}",
        "none": "–",
        "more": "…och {n} till, se `callwatch rank`.",
        "mail_subject": "{title}, vecka {week}",
    },
    "en": {
        "title": "Funding calls for {name}",
        "network_title": "Funding calls for the network",
        "period": "Period: {start} – {end}",
        "summary": "{decide} to decide, {new} new, {closing} closing within {days} days, "
        "{changed} changed.",
        "network_summary": "{joint} candidates for working together; {decided} calls with "
        "decisions; {n} municipalities.",
        "decide": "To decide",
        "decide_intro": "Relevant calls closing within {days} days with no decision yet, most "
        "urgent first.",
        "empty_decide": "Nothing is waiting for a decision right now.",
        "new": "New calls",
        "closing": "Closing soon",
        "closing_intro": "Besides those under To decide: calls with a decision closing within "
        "30 days.",
        "empty_closing": "None besides those under To decide.",
        "changed": "Changed",
        "forthcoming": "Forthcoming",
        "engaged": "We engage",
        "empty_engaged": "{name} has not decided to engage in any call.",
        "watched": "We watch",
        "empty_watched": "{name} watches no call.",
        "joint": "Candidates for working together",
        "joint_intro": "Calls that require several municipalities or a consortium first, then "
        "calls several municipalities rank high; most urgent first.",
        "empty_joint": "No call requires working together or is ranked high by several "
        "municipalities right now.",
        "network_decided": "Decisions in the network",
        "empty_network_decided": "No municipality has decided anything yet.",
        "by_theme": "By theme",
        "by_theme_intro": "Calls not already listed above.",
        "empty": "None in this period.",
        "empty_theme": "No further calls in this theme.",
        "expected": "Expected to reopen",
        "expected_value": "around {when} (earlier rounds)",
        "decisions": "Decisions",
        "earlier": "Earlier round",
        "funder": "Funder",
        "deadline": "Deadline",
        "at_time": "at {time}",
        "days_left": "{n} days left",
        "one_day_left": "1 day left",
        "today": "closes today",
        "days_ago": "closed {n} days ago",
        "no_deadline": "no fixed deadline",
        "opens": "opens {date}",
        "opens_label": "Opens",
        "budget": "Budget",
        "max_per_project": "Maximum per project",
        "cofinancing": "Co-financing",
        "cofinancing_values": {1: "required", 0: "not required"},
        "funding_rate": "Funding rate up to",
        "verify": "verify",
        "verify_long": "verify with the funder",
        "status_label": "Status",
        "themes": "Themes",
        "eligibility": "Eligibility",
        "why": "Why",
        "who": "Municipalities",
        "joint_why": "Working together",
        "requires_n": "requires at least {n} municipalities",
        "requires_consortium": "requires a consortium",
        "ranked_high_by": "ranked high by {n} municipalities",
        "id": "Id",
        "mark": "Decide",
        "mark_alts": "or {alts}",
        "change": "{field}: {old} → {new}",
        "changed_label": "Change",
        "fields": {"deadlines": "deadline", "budget_amount": "budget", "status": "status"},
        "eligible": "municipalities may apply",
        "unclear": "unclear whether municipalities may apply",
        "not eligible": "municipalities may not apply",
        "statuses": {
            "open": "open",
            "closed": "closed",
            "forthcoming": "forthcoming",
            "unknown": "verify",
        },
        "decision_words": {"engage": "engages", "watch": "watches", "dismiss": "declines"},
        "keywords": "your keywords: {words}",
        "timeline": "Timeline: deadlines in the next {days} days",
        "generated": "Made by callwatch on {date}.",
        "theme_line": "{theme}: important to {kommuner}",
        "none": "–",
        "more": "…and {n} more, see `callwatch rank`.",
        "mail_subject": "{title}, week {week}",
    },
}


def words(lang: str) -> dict:
    return TEXT[lang if lang in TEXT else "sv"]


def number(value: float, lang: str, digits: int = 1) -> str:
    """1.5 -> '1,5' in Swedish; trailing zeros dropped."""
    s = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    if lang == "sv":
        return s.replace(",", "\u00a0").replace(".", ",")
    return s


def money(amount: float | None, currency: str | None, lang: str) -> str:
    """'1,5 MSEK' / '1.5 MSEK', '250 000 SEK' / '250,000 SEK'."""
    if not amount:
        return ""
    cur = currency or ""
    if amount >= 1e6:
        return f"{number(amount / 1e6, lang)} M{cur}".strip()
    return f"{number(amount, lang, 0)} {cur}".strip()


def deadline_text(
    deadline: str | None,
    days_left: int | None,
    status: str,
    opens: str | None,
    lang: str,
    *,
    with_time: bool = False,
) -> str:
    """'2026-04-24 kl. 14.00 (14 dagar kvar)'; the time only when the funder gave one."""
    t = words(lang)
    if status == "forthcoming" and opens and not deadline:
        return t["opens"].format(date=local_datetime(opens).date().isoformat())
    if not deadline:
        return t["no_deadline"]
    dt = local_datetime(deadline)
    day = dt.date().isoformat()
    if with_time:
        hhmm = dt.strftime("%H.%M" if lang == "sv" else "%H:%M")
        day += " " + t["at_time"].format(time=hhmm)
    if days_left is None:
        return day
    if days_left < 0:
        return f"{day} ({t['days_ago'].format(n=-days_left)})"
    if days_left == 0:
        return f"{day} ({t['today']})"
    if days_left == 1:
        return f"{day} ({t['one_day_left']})"
    return f"{day} ({t['days_left'].format(n=days_left)})"


def decision_line(name: str, status: str, reason: str, by: str, created: str, lang: str) -> str:
    """'Umeå: engagerar sig (mobilitet) – Anna, 2026-04-01'."""
    t = words(lang)
    line = f"{name}: {t['decision_words'].get(status, status)}"
    if reason:
        line += f" ({reason})"
    when = (created or "")[:10]
    who = ", ".join(x for x in (by, when) if x)
    return line + (f" – {who}" if who else "")


def iso_week(day: date) -> int:
    return day.isocalendar().week


# Words of the CLI listings (English by default, Swedish with --lang sv / CALLWATCH_LANG=sv).
CLI: dict[str, dict[str, str]] = {
    "en": {
        "no": "#", "id": "id", "status": "status", "deadline": "deadline", "days": "days",
        "score": "score", "funder": "funder", "title": "title", "why": "why", "themes": "themes",
        "budget": "budget", "kommun": "municipality", "decision": "decision", "reason": "reason",
        "note": "note", "by": "by", "when": "when", "source": "source", "kind": "kind",
        "enabled": "enabled", "health": "health", "calls": "calls", "open": "open",
        "last_success": "last success", "last_failure": "last failure",
        "failures": "failures in a row", "yes": "yes", "never": "never",
        "rank_title": "Where {name} should engage ({today})",
        "rank_title_closed": "Calls for {name}, closed ones included ({today})",
        "theme_title": "Calls for the theme {theme} ({today})",
        "rank_empty": "{heading}: no matching calls (try --include-closed or --all).",
        "calls_title": "{n} calls", "decisions_title": "{n} decisions",
        "history_title": "{n} decisions (every change)",
        "watch_title": "{name}: engaged and watched ({today})",
        "watch_empty": "{name} engages in or watches no call yet (see `callwatch mark --help`).",
        "sources_title": "{n} sources",
        "calls_more": "{n} more (use --limit 0 for all, or --format json)", "keywords": "your keywords",
        "marked": "{name}: {decision} {title} ({id})",
        "health_ok": "ok", "health_failing": "failing", "health_never": "never fetched",
        "skipped": "skipped",
    },
    "sv": {
        "no": "#", "id": "id", "status": "status", "deadline": "sista dag", "days": "dagar",
        "score": "poäng", "funder": "finansiär", "title": "titel", "why": "varför",
        "themes": "teman", "budget": "budget", "kommun": "kommun", "decision": "beslut",
        "reason": "motivering", "note": "anteckning", "by": "av", "when": "när",
        "source": "källa", "kind": "typ", "enabled": "aktiv", "health": "hälsa",
        "calls": "utlysningar", "open": "öppna", "last_success": "senast lyckad",
        "last_failure": "senaste fel", "failures": "fel i rad", "yes": "ja", "never": "aldrig",
        "rank_title": "Där {name} bör engagera sig ({today})",
        "rank_title_closed": "Utlysningar för {name}, stängda medräknade ({today})",
        "theme_title": "Utlysningar inom temat {theme} ({today})",
        "rank_empty": "{heading}: inga utlysningar passar (prova --include-closed eller --all).",
        "calls_title": "{n} utlysningar", "decisions_title": "{n} beslut",
        "history_title": "{n} beslut (varje ändring)",
        "watch_title": "{name}: engagerar sig i och bevakar ({today})",
        "watch_empty": "{name} engagerar sig inte i och bevakar ingen utlysning ännu "
        "(se `callwatch mark --help`).",
        "sources_title": "{n} källor",
        "calls_more": "{n} till (visa alla med --limit 0, eller --format json)", "keywords": "era nyckelord",
        "marked": "{name}: {decision} {title} ({id})",
        "health_ok": "ok", "health_failing": "fungerar inte", "health_never": "aldrig hämtad",
        "skipped": "hoppade över",
    },
}  # fmt: skip


def cli_words(lang: str | None) -> dict[str, str]:
    return CLI["sv" if lang == "sv" else "en"]


def status_word(status: str, days_left: int | None, lang: str | None) -> str:
    """A call's status for a person: 'closed' (never negative days), 'verify' when unknown."""
    t = words("sv" if lang == "sv" else "en")
    if status == "open" and days_left is not None and days_left < 0:
        status = "closed"
    return t["statuses"].get(status, t["verify"])


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
