"""Renderers of the commands that show one thing: a call (`show`), a call's priority for a
municipality (`explain`); each a table of renderers, format name -> function. No logic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from callwatch import output, report_text, shortid
from callwatch.output import Col

if TYPE_CHECKING:
    from callwatch.views import CallDetail, Explained


def _show_json(d: CallDetail, lang: str | None) -> None:
    output.print_json(
        {
            **d.call,
            "history": d.history,
            "also_listed": d.also_listed,
            "rounds": d.rounds,
            "decisions": d.decisions,
        }
    )


def _show_csv(d: CallDetail, lang: str | None) -> None:
    output.print_csv([d.call], list(d.call))


def _show_table(d: CallDetail, lang: str | None) -> None:
    """Every field on its own plain line (never wrapped: a URL stays one clickable line), the
    facts with their evidence, the other listings, rounds, decisions and history."""
    call, w = d.call, report_text.show_words(lang)
    con = output.console()
    print(output.term(call["title"]))
    fields = _fields(call, lang)
    pad = max(len(k) for k, _ in fields) + 2
    for k, v in fields:
        if v not in (None, ""):
            print(f"{k + ':':<{pad}}{output.term(v)}")
    if call["deadlines"]:
        print(f"{w['deadlines']}: " + ", ".join(output.local_time(d) for d in call["deadlines"]))
    _facts(con, call, lang)
    for label, key in ((w["summary"], "summary"), (w["who_can_apply"], "eligibility")):
        if call[key]:
            con.print(f"\n{label}: {output.term(call[key])}", markup=False)
    if call["keywords"]:
        con.print(f"{w['keywords']}: " + output.term(", ".join(call["keywords"])), markup=False)
    if d.also_listed:
        print(f"\n{w['same_call'] if call.get('duplicate_of') else w['also_listed']}:")
        for o in d.also_listed:
            print(f"  {o['source']}: {output.term(o['url'])}  ({shortid.short(o['id'])})")
    _rounds(con, d, lang)
    _decisions(con, d, lang)
    _history(con, d, lang)


def _fields(call: dict, lang: str | None) -> list[tuple[str, Any]]:
    w = report_text.show_words(lang)
    fields = [
        (w["id"], f"{call['id']}  ({shortid.short(call['id'])})"),
        (w["status"], report_text.status_word(call["status"], None, lang)),
        (w["funder"], call["funder"]),
        (w["programme"], call["programme"]),
        (w["url"], call["url"]),
        (w["opens"], output.local_time(call["opens"])),
        (w["next_deadline"], output.local_time(call["next_deadline"])),
        (w["budget"], report_text.money(call["budget_amount"], call["budget_currency"], lang or "en")),
        (w["language"], call["language"]),
        (w["first_seen"], output.local_time(call["first_seen"])),
        (w["last_seen"], output.local_time(call["last_seen"])),
    ]  # fmt: skip
    if call.get("closed_reason"):
        reason = report_text.closed_reason(call["closed_reason"], lang)
        fields.append((w["closed"], f"{output.local_time(call['closed_at'])} ({reason})"))
    from_other = {k: v for k, v in (call.get("merged_from") or {}).items() if v != call["id"]}
    if from_other:
        names = report_text.fact_words(lang)["fields"]
        fields.append(
            (
                w["facts_from"],
                "; ".join(
                    f"{names.get(k, report_text.field_word(k, lang))}: {v}"
                    for k, v in sorted(from_other.items())
                ),
            )
        )
    for k, v in call["extra"].items():
        shown = ", ".join(map(str, v)) if isinstance(v, list) else v
        if isinstance(v, bool):
            shown = report_text.fact_words(lang)["yes" if v else "no"]
        fields.append((report_text.extra_word(k, lang), shown))
    return fields


def _money(v: dict | None) -> str:
    return f"{v['amount']:,.0f} {v['currency']}".replace(",", " ") if v else ""


def _facts(con: Any, call: dict, lang: str | None) -> None:
    """The facts read from the call's text, each with the sentence it came from."""
    facts = call.get("facts") or {}
    evidence = facts.get("evidence") or {}
    if not facts:
        return
    w = report_text.fact_words(lang)
    yes_no: dict[Any, str] = {True: w["yes"], False: w["no"]}
    shown = {
        "status": w["verify"] if call["status"] == "unknown" else w["statuses"].get(call["status"], ""),
        "stale": w["stale_yes"] if call.get("stale") else "",
        "deadlines": ", ".join(output.local_time(d) for d in call.get("deadlines") or []),
        "opens": output.local_time(call.get("opens")),
        "budget_total": _money(facts.get("budget_total")),
        "max_per_project": _money(facts.get("max_per_project")),
        "min_per_project": _money(facts.get("min_per_project")),
        "funding_rate_max": ""
        if facts.get("funding_rate_max") is None
        else f"{facts['funding_rate_max']:.0%}",
        "cofinancing_required": yes_no.get(facts.get("cofinancing_required"), ""),
        "consortium_required": yes_no.get(facts.get("consortium_required"), ""),
        "min_municipalities": facts.get("min_municipalities") or "",
        "applicants": ", ".join(facts.get("applicants") or []),
        "municipality_may_apply": w["may_apply"].get(
            facts.get("municipality_may_apply") or "unclear", ""
        ),
    }  # fmt: skip
    rows = [
        (w["fields"][k], v, (evidence.get(k) or "")[:160])
        for k, v in shown.items()
        if v not in ("", None) or evidence.get(k)
    ]
    con.print(output.table(w["title"], [w["fact"], w["value"], w["evidence"]], rows))


def _rounds(con: Any, d: CallDetail, lang: str | None) -> None:
    if not d.rounds:
        return
    w, t = report_text.show_words(lang), report_text.words(lang or "en")
    columns = [
        Col(w["id"], min=6), Col(w["status"], drop=3), Col(w["opens"], drop=4), Col(w["deadline"]),
        Col(w["budget"], drop=2), Col(w["decisions"], drop=1, flex=2, min=10),
        Col(w["title"], flex=1, min=16, soft=24),
    ]  # fmt: skip
    rows = [
        (
            shortid.short(r["id"]), report_text.status_word(r["status"], None, lang),
            (r["opens"] or "")[:10], (r["deadline"] or "")[:10],
            report_text.money(r["budget"], r["currency"], lang or "en"),
            "; ".join(
                f"{d.names.get(x['kommun'], x['kommun'])}: "
                f"{t['decision_words'].get(x['status'], x['status'])}"
                for x in r["decisions"]
            ),
            r["title"],
        )
        for r in d.rounds
    ]  # fmt: skip
    con.print(output.table(w["rounds"], columns, rows))


def _decisions(con: Any, d: CallDetail, lang: str | None) -> None:
    if not d.decisions:
        return
    w, t = report_text.show_words(lang), report_text.words(lang or "en")
    columns = [
        Col(w["when"], min=16), Col(w["kommun"]), Col(w["decision"]), Col(w["by"], drop=1),
        Col(w["reason"], flex=1, min=10, drop=2), Col(w["note"], flex=2, min=10, drop=3),
    ]  # fmt: skip
    rows = [
        (
            output.local_time(x["created"]), d.names.get(x["kommun"], x["kommun"]),
            t["decision_words"].get(x["status"], x["status"]), x["by"], x["reason"], x["note"],
        )
        for x in d.decisions
    ]  # fmt: skip
    con.print(output.table(w["decisions_title"], columns, rows))


def _history(con: Any, d: CallDetail, lang: str | None) -> None:
    w = report_text.show_words(lang)
    if not d.history:
        print("\n" + w["no_history"])
        return
    columns = [
        Col(w["when"], min=16), Col(w["field"]),
        Col(w["old"], flex=1, min=10, max=60), Col(w["new"], flex=2, min=10, max=60),
    ]  # fmt: skip

    def value(field: str, v: str | None) -> str:
        if field == "status" and v and lang == "sv":
            return report_text.status_word(v, None, lang)
        return v or ""

    rows = [
        (
            output.local_time(h["changed_at"]), report_text.field_word(h["field"], lang),
            value(h["field"], h["old"]), value(h["field"], h["new"]),
        )
        for h in d.history
    ]  # fmt: skip
    con.print(output.table(w["history"], columns, rows))


SHOW: dict[str, Callable[[CallDetail, str | None], None]] = {
    "json": _show_json,
    "csv": _show_csv,
    "table": _show_table,
}


def show(d: CallDetail, fmt: str, lang: str | None) -> None:
    SHOW[fmt](d, lang)


# ---------------------------------------------------------------------------------------------
# explain


def _explain_json(e: Explained, lang: str | None) -> None:
    d = e.found.to_dict(lang)
    d["evidence"] = e.found.evidence
    d["eligibility_evidence"] = e.found.eligibility_evidence
    d["profile_weights"] = e.profile.weights
    if e.merged_from:
        d["merged_from"] = e.merged_from
    output.print_json(d)


def _explain_table(e: Explained, lang_opt: str | None) -> None:
    """The priority formula with every factor, the theme scores and the words behind them, the
    eligibility verdict with its evidence, and which listing gave each merged fact."""
    from callwatch.reasons import human_reason

    found, profile, rules = e.found, e.profile, e.rules
    print(f"{output.term(found.title)}  ({found.id}, {shortid.short(found.id)})")
    print(output.term(found.url) + "\n")
    lang = lang_opt or "en"
    w = report_text.explain_words(lang)
    f = found.factors
    print(
        w["formula"].format(
            score=found.score, relevance=f["relevance"], eligibility=f["eligibility"],
            deadline=f["deadline"], size=f["size"],
        )
    )  # fmt: skip
    _relevance_parts(found, lang)
    _theme_table(e, lang)
    t = report_text.words(lang)
    verdict = t.get(found.eligibility, found.eligibility)
    if lang == "en":
        verdict = f"{found.eligibility} ({verdict})"
    print(f"{w['eligibility']}: {verdict}")
    for ev in found.eligibility_evidence:
        print(f"  {output.term(report_text.evidence_line(ev, lang))}")
    print(f"{w['why']}: {human_reason(found, rules, lang, profile.weights)}")
    print(report_text.NOTES[lang]["reasons"] + ":")
    for reason in report_text.notes_text(found.reasons, lang):
        print(f"  - {output.term(reason)}")
    others = {k: v for k, v in e.merged_from.items() if v != found.id}
    if others:
        print(w["facts_from"] + ":")
        names = report_text.fact_words(lang)["fields"]
        for field_name, source in sorted(others.items()):
            name = names.get(field_name, report_text.field_word(field_name, lang))
            print(f"  {name}: {output.term(source)}")


def _theme_table(e: Explained, lang: str) -> None:
    w = report_text.explain_words(lang)
    rows = []
    for t, s in e.found.themes.items():
        weight = e.profile.weights.get(t, 0.0)
        terms = ", ".join(
            f"{ev[0]} ({report_text.field_word(ev[1], lang)}, {ev[2]})"
            for ev in e.found.evidence.get(t, [])
        )
        label = e.rules.themes[t].label(lang) if t in e.rules.themes else t
        rows.append((label, f"{s:.3f}", f"{weight:.1f}", f"{s * weight:.3f}", terms))
    columns = [
        Col(w["theme"], max=24, flex=1, soft=12, min=10), Col(w["score"]),
        Col(w["weight"], drop=1), Col(w["weighted"]),
        Col(w["evidence"], flex=2, min=20, max=90, soft=30, drop=2),
    ]  # fmt: skip
    output.console().print(output.table(w["themes_for"].format(name=e.profile.name), columns, rows))


def _relevance_parts(found: Any, lang: str) -> None:
    """relevance = (themes + keyword bonus) x exclusion, and the order tier, so every factor
    of the shown priority is on screen."""
    from callwatch.match import EXCLUDE_FACTOR, SATURATION

    w, f = report_text.explain_words(lang), found.factors
    if "themes" in f:
        print(
            w["relevance_parts"].format(
                relevance=f["relevance"], themes=f["themes"], keywords=f["keywords"],
                exclusion=f["exclusion"],
            )
        )  # fmt: skip
    print(w["theme_score"].format(saturation=f"{SATURATION:g}", exclude=f"{EXCLUDE_FACTOR:g}"))
    if found.verify:
        print(w["verify"])
    if found.joint:
        print(w["joint"].format(reason=report_text.joint_text(found.joint_reason, lang)))


EXPLAIN: dict[str, Callable[[Explained, str | None], None]] = {
    "json": _explain_json,
    "csv": _explain_table,  # as before: explain has no CSV shape; csv shows the table
    "table": _explain_table,
}


def explain(e: Explained, fmt: str, lang: str | None) -> None:
    EXPLAIN[fmt](e, lang)
