"""Weekly reports: one per municipality and one for the network, in Swedish (default) or
English, as markdown or a self-contained HTML page.

Building a report (gathering calls, ranks and changes) is separate from rendering it, and both
take `today` as an argument, so a report is the same for the same database and date. Every
title and text from a funder is escaped before it is written; only http(s) links are emitted.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: read commands do not pay sqlite_utils' import
    import sqlite_utils

from callwatch import rank as rank_mod
from callwatch.rules import Profile, Rules

CLOSING_DAYS = 30
SECTION_LIMIT = 25  # a report is read in two minutes: the rest is one `callwatch rank` away
REPORT_MIN_RELEVANCE = 0.2  # a call "matters" to a municipality above this relevance
NETWORK_MIN_SCORE = 0.35  # a municipality "ranks it high" at or above this priority

TEXT = {
    "sv": {
        "title": "Utlysningar för {name}",
        "network_title": "Utlysningar för nätverket",
        "period": "Period: {start} – {end}",
        "summary": "{new} nya, {closing} stänger inom {days} dagar, {changed} ändrade.",
        "network_summary": "{shared} utlysningar där flera kommuner rankar högt; {n} kommuner.",
        "new": "Nya utlysningar",
        "closing": "Stänger snart",
        "changed": "Ändrade",
        "forthcoming": "Kommande",
        "engaged": "Vi engagerar oss",
        "empty_engaged": "Inga utlysningar markerade med engage.",
        "expected": "Förväntas öppna igen",
        "expected_value": "omkring {when} (tidigare omgångar)",
        "decisions": "Beslut",
        "earlier": "Förra omgången",
        "shared": "Gemensamma möjligheter: flera kommuner rankar högt",
        "by_theme": "Per tema",
        "empty": "Inga under perioden.",
        "empty_shared": "Ingen utlysning rankas högt av två eller fler kommuner just nu.",
        "funder": "Finansiär",
        "deadline": "Sista dag",
        "days_left": "{n} dagar kvar",
        "days_ago": "stängde för {n} dagar sedan",
        "no_deadline": "ingen fast sista dag",
        "opens": "öppnar {date}",
        "opens_label": "Öppnar",
        "budget": "Budget",
        "themes": "Teman",
        "eligibility": "Behörighet",
        "why": "Varför",
        "for": "Kommuner",
        "change": "{field}: {old} → {new}",
        "fields": {"deadlines": "sista dag", "budget_amount": "budget", "status": "status"},
        "eligible": "kommuner kan söka",
        "unclear": "oklart om kommuner kan söka",
        "not eligible": "kommuner kan inte söka",
        "statuses": {"open": "öppen", "closed": "stängd", "forthcoming": "kommande"},
        "timeline": "Tidslinje: sista dagar de närmaste {days} dagarna",
        "generated": "Skapad av callwatch {date}.",
        "theme_line": "{theme}: viktigt för {kommuner}",
        "none": "–",
        "more": "…och {n} till, se `callwatch rank`.",
    },
    "en": {
        "title": "Funding calls for {name}",
        "network_title": "Funding calls for the network",
        "period": "Period: {start} – {end}",
        "summary": "{new} new, {closing} closing within {days} days, {changed} changed.",
        "network_summary": "{shared} calls ranked high by several municipalities; {n} municipalities.",
        "new": "New calls",
        "closing": "Closing soon",
        "changed": "Changed",
        "forthcoming": "Forthcoming",
        "engaged": "We engage",
        "empty_engaged": "No calls marked engage.",
        "expected": "Expected to reopen",
        "expected_value": "around {when} (earlier rounds)",
        "decisions": "Decisions",
        "earlier": "Earlier round",
        "shared": "Joint opportunities: ranked high by several municipalities",
        "by_theme": "By theme",
        "empty": "None in this period.",
        "empty_shared": "No call is ranked high by two or more municipalities right now.",
        "funder": "Funder",
        "deadline": "Deadline",
        "days_left": "{n} days left",
        "days_ago": "closed {n} days ago",
        "no_deadline": "no fixed deadline",
        "opens": "opens {date}",
        "opens_label": "Opens",
        "budget": "Budget",
        "themes": "Themes",
        "eligibility": "Eligibility",
        "why": "Why",
        "for": "Municipalities",
        "change": "{field}: {old} → {new}",
        "fields": {"deadlines": "deadline", "budget_amount": "budget", "status": "status"},
        "eligible": "municipalities may apply",
        "unclear": "unclear whether municipalities may apply",
        "not eligible": "municipalities may not apply",
        "statuses": {"open": "open", "closed": "closed", "forthcoming": "forthcoming"},
        "timeline": "Timeline: deadlines in the next {days} days",
        "generated": "Made by callwatch on {date}.",
        "theme_line": "{theme}: important to {kommuner}",
        "none": "–",
        "more": "…and {n} more, see `callwatch rank`.",
    },
}


@dataclass
class Item:
    ranked: rank_mod.Ranked
    kommuner: list[str] = field(default_factory=list)  # network report: who ranks it high
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    expected: str = ""  # expected reopening of a closed recurring call


@dataclass
class Report:
    title: str
    lang: str
    today: date
    start: date
    sections: list[tuple[str, list[Item], str]]  # (heading, items, text when empty)
    summary: str
    extra_lines: list[str] = field(default_factory=list)
    timeline: list[Item] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # heading -> calls not shown


# ---------------------------------------------------------------------------------------------
# Escaping


_MD_SPECIAL = re.compile(r"([\\`*_\[\]!|<>~])")


def md(text: str) -> str:
    """Text from a funder, safe inside markdown: no links, images, HTML, emphasis or table
    breaks. Brackets are escaped, so "(...)" can never become a link target."""
    out = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return "\\" + out if out.startswith(("#", "-", "+", "=")) else out


def safe_url(url: str) -> str | None:
    """Only http(s) links are ever emitted."""
    u = (url or "").strip()
    if not re.match(r"(?i)^https?://[^\s<>\"']+$", u):
        return None
    return u.replace("(", "%28").replace(")", "%29")


# ---------------------------------------------------------------------------------------------
# Gathering


def _first_seen(db: sqlite_utils.Database, ids: list[str]) -> dict[str, str]:
    out = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        q = f"SELECT id, first_seen FROM calls WHERE id IN ({', '.join('?' * len(chunk))})"
        out.update(dict(db.execute(q, chunk).fetchall()))
    return out


def _changes(db: sqlite_utils.Database, ids: list[str], start: date, end: date) -> dict[str, list]:
    out: dict[str, list] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        q = (
            "SELECT call_id, field, old, new FROM call_history WHERE call_id IN "
            f"({', '.join('?' * len(chunk))}) AND field IN ('deadlines', 'budget_amount', 'status') "
            "AND substr(changed_at, 1, 10) >= ? AND substr(changed_at, 1, 10) <= ? ORDER BY id"
        )
        for cid, f, old, new in db.execute(q, [*chunk, start.isoformat(), end.isoformat()]):
            out.setdefault(cid, []).append((f, old, new))
    return out


def relevant_for(
    db: sqlite_utils.Database, rules: Rules, profile: Profile, today: date, hidden: set[str]
) -> list[rank_mod.Ranked]:
    ranked = rank_mod.rank_for_profile(
        db, rules, profile, today, include_closed=True, min_relevance=REPORT_MIN_RELEVANCE,
        explain=False,
    )  # fmt: skip
    return [r for r in ranked if r.id not in hidden]


def period_start(db: sqlite_utils.Database, kommun: str, today: date, since: date | None) -> date:
    if since:
        return since
    row = db.execute(
        "SELECT max(period_end) FROM reports WHERE kommun = ? AND period_end < ?",
        [kommun, today.isoformat()],
    ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else today - timedelta(days=7)


def remember(
    db: sqlite_utils.Database, kommun: str, start: date, today: date, now_iso: str
) -> None:
    from callwatch import store

    with store.transaction(db):
        db.conn.execute(
            "INSERT OR REPLACE INTO reports (kommun, period_end, period_start, created) VALUES (?, ?, ?, ?)",
            [kommun, today.isoformat(), start.isoformat(), now_iso],
        )


def kommun_report(
    db: sqlite_utils.Database,
    rules: Rules,
    profile: Profile,
    today: date,
    start: date,
    lang: str = "sv",
    hidden: set[str] | None = None,
    extra_sections: list[tuple[str, list[Item], str]] | None = None,
) -> Report:
    t = TEXT[lang]
    calls = relevant_for(db, rules, profile, today, hidden or set())
    ids = [r.id for r in calls]
    seen = _first_seen(db, ids)
    changes = _changes(db, ids, start, today)
    new = [
        Item(r)
        for r in calls
        if start.isoformat() <= (seen.get(r.id) or "")[:10] <= today.isoformat()
        and r.status != "closed"
    ]
    closing = sorted(
        (
            Item(r)
            for r in calls
            if r.status == "open" and r.days_left is not None and 0 <= r.days_left <= CLOSING_DAYS
        ),
        key=lambda i: (i.ranked.days_left, i.ranked.id),
    )
    changed = [Item(r, changes=changes[r.id]) for r in calls if r.id in changes]
    forthcoming = [Item(r) for r in calls if r.status == "forthcoming"]
    from callwatch import recurring

    for r in calls:
        if r.status == "closed":
            when = recurring.expected_reopening(recurring.rounds(db, r.id), today, lang)
            if when:
                forthcoming.append(Item(r, expected=when))
    sections = [(t["new"], new, t["empty"])]
    sections += extra_sections or []
    sections += [
        (t["closing"], closing, t["empty"]),
        (t["changed"], changed, t["empty"]),
        (t["forthcoming"], forthcoming, t["empty"]),
    ]
    timeline = [i for i in closing] + [
        Item(r)
        for r in calls
        if r.status == "open" and r.days_left is not None and CLOSING_DAYS < r.days_left <= 90
    ]
    more = {}
    for heading, items, _ in sections:
        if len(items) > SECTION_LIMIT:
            more[heading] = len(items) - SECTION_LIMIT
            del items[SECTION_LIMIT:]
        for item in items:  # evidence and reasons only for the calls the report shows
            rank_mod.explain_call(db, item.ranked, profile)
    return Report(
        title=t["title"].format(name=profile.name),
        lang=lang,
        today=today,
        start=start,
        sections=sections,
        summary=t["summary"].format(
            new=len(new), closing=len(closing), days=CLOSING_DAYS, changed=len(changed)
        ),
        timeline=sorted(timeline, key=lambda i: (i.ranked.days_left or 0, i.ranked.id))[
            :SECTION_LIMIT
        ],
        more=more,
    )


def network_report(
    db: sqlite_utils.Database,
    rules: Rules,
    today: date,
    start: date,
    lang: str = "sv",
    hidden: dict[str, set[str]] | None = None,
    decisions: dict[str, list[str]] | None = None,
) -> Report:
    t = TEXT[lang]
    hidden = hidden or {}
    by_call: dict[str, Item] = {}
    for pid, profile in sorted(rules.profiles.items()):
        ranked = rank_mod.rank_for_profile(
            db, rules, profile, today, min_score=NETWORK_MIN_SCORE, explain=False
        )
        for r in ranked:
            if r.id in hidden.get(pid, set()):
                continue
            item = by_call.setdefault(r.id, Item(r))
            item.kommuner.append(f"{profile.name} ({r.score:.2f})")
    shared = sorted(
        (i for i in by_call.values() if len(i.kommuner) >= 2),
        key=lambda i: (-len(i.kommuner), -i.ranked.score, i.ranked.id),
    )
    for item in shared:  # the network's view: themes and evidence, no one municipality's reasons
        rank_mod.explain_call(db, item.ranked)
    lines = []
    for tid, theme in rules.themes.items():
        strong = [p.name for p in rules.profiles.values() if p.weights.get(tid, 0) >= 0.7]
        lines.append(
            t["theme_line"].format(theme=theme.label(lang), kommuner=", ".join(strong) or t["none"])
        )
    theme_items: list[tuple[str, list[Item], str]] = []
    for theme in rules.themes.values():
        top = rank_mod.rank_for_theme(db, rules, theme, today, limit=3)
        theme_items.append(
            (f"{t['by_theme']}: {theme.label(lang)}", [Item(r) for r in top], t["empty"])
        )
    report = Report(
        title=t["network_title"],
        lang=lang,
        today=today,
        start=start,
        sections=[(t["shared"], shared, t["empty_shared"])] + theme_items,
        summary=t["network_summary"].format(shared=len(shared), n=len(rules.profiles)),
        extra_lines=lines,
        timeline=[
            i for i in shared if i.ranked.days_left is not None and 0 <= i.ranked.days_left <= 90
        ],
    )
    if decisions:  # what one municipality decided is shown to all the others
        for _, items, _ in report.sections:
            for item in items:
                item.changes = [("decision", "", d) for d in decisions.get(item.ranked.id, [])]
    return report


# ---------------------------------------------------------------------------------------------
# Rendering


def _deadline_text(r: rank_mod.Ranked, t: dict) -> str:
    if r.status == "forthcoming" and r.opens and not r.deadline:
        return t["opens"].format(date=r.opens[:10])
    if not r.deadline:
        return t["no_deadline"]
    day = rank_mod._local_date(r.deadline).isoformat()
    if r.days_left is None:
        return day
    if r.days_left < 0:
        return f"{day} ({t['days_ago'].format(n=-r.days_left)})"
    return f"{day} ({t['days_left'].format(n=r.days_left)})"


def _themes(r: rank_mod.Ranked, rules: Rules, lang: str) -> str:
    top = [(tid, s) for tid, s in r.themes.items() if s >= 0.15][:3]
    return ", ".join(
        f"{rules.themes[tid].label(lang) if tid in rules.themes else tid} {s:.2f}" for tid, s in top
    )


def _value(f: str, v: str | None, t: dict) -> str:
    if v in (None, "", "null"):
        return t["none"]
    if f == "deadlines":
        try:
            return ", ".join(d[:10] for d in json.loads(v)) or t["none"]
        except (json.JSONDecodeError, TypeError):
            return str(v)
    if f == "budget_amount":
        try:
            return rank_mod.format_money(float(v), None)
        except ValueError:
            return str(v)
    if f == "status":
        return t["statuses"].get(v, v)
    return str(v)


def _facts(item: Item, rules: Rules, lang: str) -> list[tuple[str, str]]:
    t, r = TEXT[lang], item.ranked
    facts = [
        (t["funder"], r.funder),
        (t["deadline"], _deadline_text(r, t)),
    ]
    if r.status == "forthcoming" and r.opens and r.deadline:
        facts.append((t["opens_label"], rank_mod._local_date(r.opens).isoformat()))
    budget = rank_mod.format_money(r.budget_amount, r.budget_currency)
    if budget:
        facts.append((t["budget"], budget))
    themes = _themes(r, rules, lang)
    if themes:
        facts.append((t["themes"], themes))
    facts.append((t["eligibility"], t.get(r.eligibility, r.eligibility)))
    if item.kommuner:
        facts.append((t["for"], ", ".join(item.kommuner)))
    if item.expected:
        facts.append((t["expected"], t["expected_value"].format(when=item.expected)))
    if r.earlier_decision:
        facts.append((t["earlier"], r.earlier_decision))
    for f, old, new in item.changes:
        if f == "decision":
            facts.append((t["decisions"], new))
        else:
            facts.append(
                (
                    "Δ",
                    t["change"].format(
                        field=t["fields"].get(f, f), old=_value(f, old, t), new=_value(f, new, t)
                    ),
                )
            )
    why = _why(r, rules, lang)
    if why:
        facts.append((t["why"], why))
    return facts


def _why(r: rank_mod.Ranked, rules: Rules, lang: str) -> str:
    """One line in the report's language: the strongest themes with the words that matched."""
    parts = []
    for tid, s in list(r.themes.items())[:2]:
        if s < 0.15 or tid not in rules.themes:
            continue
        terms = ", ".join(f"\u201c{x}\u201d" for x in rank_mod.top_terms(r.evidence, tid, 3))
        parts.append(
            f"{rules.themes[tid].label(lang)} ({terms})" if terms else rules.themes[tid].label(lang)
        )
    if r.keywords:
        word = "nämner" if lang == "sv" else "mentions"
        parts.append(f"{word} " + ", ".join(r.keywords))
    if not parts:
        return ""
    return ("Matchar " if lang == "sv" else "Matches ") + "; ".join(parts)


def render_md(report: Report, rules: Rules) -> str:
    t = TEXT[report.lang]
    out = [
        f"# {md(report.title)}",
        "",
        f"_{t['period'].format(start=report.start, end=report.today)}_",
        "",
        f"**{report.summary}**",
        "",
    ]
    for line in report.extra_lines:
        out.append(f"- {md(line)}")
    if report.extra_lines:
        out.append("")
    for heading, items, empty in report.sections:
        extra = report.more.get(heading, 0)
        out += [f"## {md(heading)} ({len(items) + extra})", ""]
        if not items:
            out += [f"_{empty}_", ""]
            continue
        for item in items:
            r = item.ranked
            url = safe_url(r.url)
            title = f"[{md(r.title)}]({url})" if url else md(r.title)
            out.append(f"### {title}")
            out.append("")
            for k, v in _facts(item, rules, report.lang):
                out.append(f"- **{md(k)}:** {md(v)}")
            out.append("")
        if extra:
            out += [f"_{t['more'].format(n=extra)}_", ""]
    out.append(f"_{t['generated'].format(date=report.today)}_")
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:2px solid #2d6a4f;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.02rem;margin:.9rem 0 .3rem}a{color:#1d4e89}.muted{color:#555}.summary{font-weight:600;font-size:1.05rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0 0 .8rem}dt{font-weight:600}dd{margin:0}
.empty{font-style:italic;color:#555}.timeline{margin:1rem 0}.row{display:grid;grid-template-columns:minmax(8rem,16rem) 1fr;gap:.5rem;align-items:center;margin:.2rem 0;font-size:.9rem}
.bar{background:#e9ecef;border-radius:3px;height:.9rem;position:relative}.bar span{position:absolute;top:0;bottom:0;left:0;background:#2d6a4f;border-radius:3px}
.bar.soon span{background:#c1121f}@media print{a{color:#000}.bar span{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
@media (max-width:36rem){dl{grid-template-columns:1fr}.row{grid-template-columns:1fr}}
"""


def render_html(report: Report, rules: Rules) -> str:
    t = TEXT[report.lang]
    e = html.escape
    parts = [
        f'<!DOCTYPE html>\n<html lang="{report.lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(report.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f'<h1>{e(report.title)}</h1>\n<p class="muted">{e(t["period"].format(start=report.start, end=report.today))}</p>\n',
        f'<p class="summary">{e(report.summary)}</p>\n',
    ]
    if report.extra_lines:
        parts.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in report.extra_lines) + "</ul>\n")
    if report.timeline:
        horizon = max(90, max(i.ranked.days_left or 0 for i in report.timeline))
        parts.append(
            f'<section class="timeline"><h2>{e(t["timeline"].format(days=horizon))}</h2>\n'
        )
        for item in report.timeline:
            r = item.ranked
            width = max(2, round(100 * (r.days_left or 0) / horizon))
            cls = "bar soon" if (r.days_left or 0) <= 14 else "bar"
            parts.append(
                f'<div class="row"><div>{e(r.title[:60])} · {e(_deadline_text(r, t))}</div><div class="{cls}" '
                f'title="{e(_deadline_text(r, t))}"><span style="width:{width}%"></span></div></div>\n'
            )
        parts.append("</section>\n")
    for heading, items, empty in report.sections:
        extra = report.more.get(heading, 0)
        parts.append(f"<h2>{e(heading)} ({len(items) + extra})</h2>\n")
        if not items:
            parts.append(f'<p class="empty">{e(empty)}</p>\n')
            continue
        for item in items:
            r = item.ranked
            url = safe_url(r.url)
            title = f'<a href="{e(url)}">{e(r.title)}</a>' if url else e(r.title)
            parts.append(f"<h3>{title}</h3>\n<dl>")
            for k, v in _facts(item, rules, report.lang):
                parts.append(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>")
            parts.append("</dl>\n")
        if extra:
            parts.append(f'<p class="muted">{e(t["more"].format(n=extra).replace("`", ""))}</p>\n')
    parts.append(
        f'<p class="muted">{e(t["generated"].format(date=report.today))}</p>\n</body>\n</html>\n'
    )
    return "".join(parts)
