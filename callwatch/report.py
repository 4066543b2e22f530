"""Weekly reports: one per municipality and one for the network, in Swedish (default) or
English, as markdown or a self-contained HTML page.

Gathering lives in report_data.py, wording in report_text.py; this module only renders. Both
renderers turn a report into the same list of (label, value) facts per call and write every
piece of text through one escaping function per format (`md()` for markdown, `html.escape`
for HTML); only http(s) links are emitted. A report is the same for the same database and date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: read commands do not pay sqlite_utils' import
    pass

from callwatch import rank as rank_mod
from callwatch import safe
from callwatch.dates import local_date
from callwatch.facts.apply import has_time
from callwatch.priority import THEME_SHOWN, top_terms
from callwatch.report_data import (  # noqa: F401 - the report API in one place
    CLOSING_DAYS,
    DECIDE_DAYS,
    NETWORK_MIN_SCORE,
    PERIOD_DAYS,
    REPORT_MIN_RELEVANCE,
    SECTION_LIMIT,
    TIMELINE_DAYS,
    Filters,
    Item,
    Report,
    Section,
    kommun_report,
    period_start,
    relevant_for,
    remember,
)
from callwatch.report_network import network_report  # noqa: F401
from callwatch.report_text import TEXT, deadline_text, earlier_text, money, words  # noqa: F401
from callwatch.rules import Rules

# ---------------------------------------------------------------------------------------------
# Escaping: the one function per format that funder text goes through


# One place for output safety (callwatch/safe.py); these names stay for the renderers below.
md = safe.md
html_text = safe.html
safe_url = safe.url


@dataclass
class Code:
    """A command or id to copy, written as code: never funder text."""

    text: str
    after: str = ""  # plain text after the code (escaped like any text)


def _code_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9:._ /|=-]", "", text)


# ---------------------------------------------------------------------------------------------
# The facts of one call, shared by both formats


def _themes(r: rank_mod.Ranked, rules: Rules, lang: str) -> str:
    top = [tid for tid, s in r.themes.items() if s >= THEME_SHOWN][:3]
    return ", ".join(rules.themes[tid].label(lang) if tid in rules.themes else tid for tid in top)


def _why(r: rank_mod.Ranked, rules: Rules, lang: str) -> str:
    """One line in the report's language: the strongest themes with the words that matched."""
    t = words(lang)
    parts = []
    for tid, s in list(r.themes.items())[:2]:
        if s < THEME_SHOWN or tid not in rules.themes:
            continue
        left = "\u201d" if lang == "sv" else "\u201c"  # Swedish quotes are both ”
        terms = ", ".join(f"{left}{x}\u201d" for x in top_terms(r.evidence, tid, 3))
        label = rules.themes[tid].label(lang)
        parts.append(f"{label} ({terms})" if terms else label)
    if r.keywords:
        parts.append(t["keywords"].format(words=", ".join(r.keywords)))
    return "; ".join(parts)


def _value(f: str, v: str | None, lang: str) -> str:
    t = words(lang)
    if v in (None, "", "null"):
        return t["none"]
    if f == "deadlines":
        try:
            return ", ".join(d[:10] for d in json.loads(v)) or t["none"]
        except (json.JSONDecodeError, TypeError):
            return str(v)
    if f == "budget_amount":
        try:
            return money(float(v), None, lang)
        except ValueError:
            return str(v)
    if f == "status":
        return t["statuses"].get(v, v)
    return str(v)


def facts(item: Item, rules: Rules, lang: str) -> list[tuple[str, str | Code]]:
    """Label and value for every line shown under a call, in the report's language."""
    t, r, known = words(lang), item.ranked, item.facts
    out: list[tuple[str, str | Code]] = []
    if item.short:
        out.append((t["id"], Code(item.short)))
    if item.mark_for and item.short:
        line = f"callwatch mark {item.short} --kommun {item.mark_for} --status engage"
        alts = ", ".join(f"--status {s}" for s in ("watch", "dismiss"))
        out.append((t["mark"], Code(line, t["mark_alts"].format(alts=alts))))
    out.append((t["funder"], r.funder))
    # a time of day only where the funder gave one for this deadline
    with_time = bool(r.deadline and has_time(r.deadline)) or known.get("deadline_has_time") == 1
    out.append(
        (t["deadline"], deadline_text(r.deadline, r.days_left, r.status, r.opens, lang, with_time=with_time))
    )  # fmt: skip
    if r.status == "unknown" or known.get("stored_status") == "unknown":
        out.append((t["status_label"], t["verify_long"]))
    if r.status == "forthcoming" and r.opens and r.deadline:
        out.append((t["opens_label"], local_date(r.opens).isoformat()))
    budget = money(r.budget_amount, r.budget_currency, lang)
    if budget:
        out.append((t["budget"], budget))
    if known.get("max_per_project"):
        cur = r.budget_currency or "SEK"
        out.append((t["max_per_project"], money(known["max_per_project"], cur, lang)))
    if known.get("cofinancing_required") in (0, 1):
        out.append((t["cofinancing"], t["cofinancing_values"][known["cofinancing_required"]]))
    if known.get("funding_rate_max") is not None:
        pct = round(float(known["funding_rate_max"]) * 100)
        out.append((t["funding_rate"], f"{pct} %" if lang == "sv" else f"{pct}%"))
    themes = _themes(r, rules, lang)
    if themes:
        out.append((t["themes"], themes))
    out.append((t["eligibility"], t.get(r.eligibility, r.eligibility)))
    if item.joint:
        out.append((t["joint_why"], "; ".join(item.joint)))
    if item.kommuner:
        out.append((t["who"], ", ".join(item.kommuner)))
    for line in item.decided:
        out.append((t["decisions"], line))
    if item.expected:
        out.append((t["expected"], t["expected_value"].format(when=item.expected)))
    if r.earlier_decision:
        out.append((t["earlier"], earlier_text(r, lang)))
    for f, old, new in item.changes:
        out.append(
            (
                t["changed_label"],
                t["change"].format(
                    field=t["fields"].get(f, f), old=_value(f, old, lang), new=_value(f, new, lang)
                ),
            )
        )
    why = _why(r, rules, lang)
    if why:
        out.append((t["why"], why))
    return out


# ---------------------------------------------------------------------------------------------
# Markdown


def _md_value(v: str | Code) -> str:
    if isinstance(v, Code):
        return f"`{_code_safe(v.text)}`" + (
            " " + re.sub(r"(--status \w+)", r"`\1`", md(v.after)) if v.after else ""
        )
    return md(v)


def render_md(report: Report, rules: Rules) -> str:
    t = words(report.lang)
    out = [
        f"# {md(report.title)}",
        "",
        f"_{md(t['period'].format(start=report.start, end=report.today))}_",
        "",
        f"**{md(report.summary)}**",
        "",
    ]
    for line in report.extra_lines:
        out.append(f"- {md(line)}")
    if report.extra_lines:
        out.append("")
    for s in report.sections:
        out += [f"## {md(s.heading)} ({s.total})", ""]
        if s.intro and s.items:
            out += [f"_{md(s.intro)}_", ""]
        if not s.items:
            out += [f"_{md(s.empty)}_", ""]
            continue
        for item in s.items:
            r = item.ranked
            url = safe_url(r.url)
            title = f"[{md(r.title)}]({url})" if url else md(r.title)
            out.append(f"### {title}")
            out.append("")
            for k, v in facts(item, rules, report.lang):
                out.append(f"- **{md(k)}:** {_md_value(v)}")
            out.append("")
        if s.more:
            out += [f"_{md(t['more'].format(n=s.more)).replace(chr(92) + '`', '`')}_", ""]
    out.append(f"_{md(t['generated'].format(date=report.today))}_")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:2px solid #2d6a4f;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.02rem;margin:.9rem 0 .3rem}a{color:#1d4e89}.muted{color:#555}.summary{font-weight:600;font-size:1.05rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0 0 .8rem}dt{font-weight:600}dd{margin:0}
.empty{font-style:italic;color:#555}.timeline{margin:1rem 0}.row{display:grid;grid-template-columns:minmax(8rem,16rem) 1fr;gap:.5rem;align-items:center;margin:.2rem 0;font-size:.9rem}
.bar{background:#e9ecef;border-radius:3px;height:.9rem;position:relative}.bar span{position:absolute;top:0;bottom:0;left:0;background:#2d6a4f;border-radius:3px}
.bar.soon span{background:#c1121f}@media print{a{color:#000}.bar span{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f1f3f5;padding:0 .2rem;border-radius:3px;user-select:all;-webkit-user-select:all;white-space:nowrap}code.cmd{white-space:normal}
.intro{color:#555;margin:.2rem 0 .6rem}
@media (max-width:36rem){dl{grid-template-columns:1fr}.row{grid-template-columns:1fr}}
"""


def _html_value(v: str | Code) -> str:
    e = html_text
    if isinstance(v, Code):
        after = re.sub(r"(--status \w+)", r"<code>\1</code>", e(v.after)) if v.after else ""
        cls = ' class="cmd"' if " " in v.text else ""
        return f"<code{cls}>{e(_code_safe(v.text))}</code>" + (f" {after}" if after else "")
    return e(v)


def render_html(report: Report, rules: Rules) -> str:
    t = words(report.lang)
    e = safe.html
    parts = [
        f'<!DOCTYPE html>\n<html lang="{e(report.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(report.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f'<h1>{e(report.title)}</h1>\n<p class="muted">{e(t["period"].format(start=report.start, end=report.today))}</p>\n',
        f'<p class="summary">{e(report.summary)}</p>\n',
    ]
    if report.extra_lines:
        parts.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in report.extra_lines) + "</ul>\n")
    if report.timeline:
        horizon = max(TIMELINE_DAYS, max(i.ranked.days_left or 0 for i in report.timeline))
        parts.append(
            f'<section class="timeline"><h2>{e(t["timeline"].format(days=horizon))}</h2>\n'
        )
        for item in report.timeline:
            r = item.ranked
            width = max(2, round(100 * (r.days_left or 0) / horizon))
            cls = "bar soon" if (r.days_left or 0) <= 14 else "bar"
            when = deadline_text(r.deadline, r.days_left, r.status, r.opens, report.lang)
            parts.append(
                f'<div class="row"><div>{e(r.title[:60])} · {e(when)}</div><div class="{cls}" '
                f'title="{e(when)}"><span style="width:{width}%"></span></div></div>\n'
            )
        parts.append("</section>\n")
    for s in report.sections:
        parts.append(f"<h2>{e(s.heading)} ({s.total})</h2>\n")
        if s.intro and s.items:
            parts.append(f'<p class="intro">{e(s.intro)}</p>\n')
        if not s.items:
            parts.append(f'<p class="empty">{e(s.empty)}</p>\n')
            continue
        for item in s.items:
            r = item.ranked
            url = safe_url(r.url)
            title = f'<a href="{e(url)}">{e(r.title)}</a>' if url else e(r.title)
            parts.append(f"<h3>{title}</h3>\n<dl>")
            for k, v in facts(item, rules, report.lang):
                parts.append(f"<dt>{e(k)}</dt><dd>{_html_value(v)}</dd>")
            parts.append("</dl>\n")
        if s.more:
            parts.append(f'<p class="muted">{e(t["more"].format(n=s.more).replace("`", ""))}</p>\n')
    parts.append(
        f'<p class="muted">{e(t["generated"].format(date=report.today))}</p>\n</body>\n</html>\n'
    )
    return "".join(parts)
