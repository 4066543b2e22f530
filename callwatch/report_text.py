"""Every word a report or a listing shows a person, in Swedish and English.

Kept apart from gathering (report_data.py) and rendering (report.py) so the wording can be read
and corrected in one place. Swedish text is written as a Swedish coordinator would write it: no
internal ids, status codes or English words in the prose (tests/test_report.py scans for them).
"""

from __future__ import annotations

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


# The show and explain commands' words live in show_text.py; their names stay importable here.
from callwatch.show_text import (  # noqa: E402, F401
    CLOSED_REASONS_SV,
    EXPLAIN,
    EXTRA_WORDS,
    FACTS,
    FIELD_WORDS_SV,
    NOTES,
    SHOW,
    closed_reason,
    earlier_text,
    evidence_line,
    explain_words,
    extra_word,
    fact_words,
    field_word,
    joint_text,
    note_text,
    notes_text,
    show_words,
)
