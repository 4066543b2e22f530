"""The listing commands' renderers: for each listing (calls, sources, source health, parsed
calls, facts of pages, ranked calls, decisions, watch list, users) its title, columns and cells
in the chosen language, shown in any format of `output.RENDERERS`. No logic, no database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callwatch import messages, output, report_text, shortid
from callwatch.output import Col, Listing

if TYPE_CHECKING:
    from callwatch.views import Health, Page, Parsed, Ranking


def calls(page: Page, fmt: str, lang: str | None) -> None:
    from callwatch import clock
    from callwatch.views import days_until

    w = report_text.cli_words(lang)
    today = clock.today()

    def cells(r: dict) -> tuple:
        days = days_until(r["next_deadline"], today)
        return (
            r["short_id"], report_text.status_word(r["status"], days, lang),
            output.local_time(r["next_deadline"], with_time=False),
            "" if days is None or days < 0 else days, r["funder"], r["title"],
        )  # fmt: skip

    columns = [
        Col(w["id"], min=6), Col(w["status"], min=6, drop=2), Col(w["deadline"], min=10, drop=3),
        Col(w["days"], right=True, drop=4), Col(w["funder"], min=8, max=24, drop=5, flex=1, soft=14),
        Col(w["title"], min=20, max=80, flex=2, soft=28),
    ]  # fmt: skip
    output.show(Listing(page.rows, w["calls_title"].format(n=page.total), columns, cells), fmt)
    if fmt == "table" and page.total > len(page.rows):
        print(w["calls_more"].format(n=page.total - len(page.rows)))


def sources(rows: list[dict], fmt: str, lang: str | None) -> None:
    w = report_text.cli_words(lang)
    health = {
        "ok": w["health_ok"],
        "failing": w["health_failing"],
        "never fetched": w["health_never"],
    }
    columns = [
        Col(w["source"], min=6), Col(w["kind"], drop=4), Col(w["enabled"], drop=5),
        Col(w["health"], min=6), Col(w["calls"], right=True), Col(w["open"], right=True, drop=3),
        Col(w["last_success"], min=16, drop=2), Col(w["failures"], right=True, drop=6),
        Col(w["last_failure"], min=16, max=70, drop=1, flex=1, soft=24),
        Col(w["skipped"], right=True, drop=7),
    ]  # fmt: skip

    def cells(r: dict) -> tuple:
        return (
            r["id"], r["kind"], w["yes"] if r["enabled"] else "", health.get(r["health"], r["health"]),
            r["calls"], r["open"],
            output.local_time(r["last_success"]) if r["last_success"] else w["never"],
            r["consecutive_failures"] or "",
            f"{output.local_time(r['last_failure']) if r['last_failure'] else ''} "
            f"{messages.worded(r['last_failure_message'] or '', lang)}".strip(),
            str(r["skipped"]) if r["skipped"] else "",
        )  # fmt: skip

    output.show(Listing(rows, w["sources_title"].format(n=len(rows)), columns, cells), fmt)
    if fmt == "table":
        _skipped_records(rows, lang)


def _skipped_records(rows: list[dict], lang: str | None) -> None:
    """Every skipped record of the last runs, named, under the table (the run log keeps them)."""
    con = output.console()
    for r in rows:
        if r["skipped"]:
            line = messages.say("skipped_records", lang, source=r["id"], n=r["skipped"])
            con.print("\n" + line, markup=False)
            for name in r["skipped_records"]:
                con.print(f"  {name}", markup=False)


def source_health(health: Health, fmt: str, lang: str | None = None) -> int:
    """The health table; returns the exit code (1 when a source is broken or failed). The
    table's words follow `lang`; json and csv keep the English codes for scripts."""
    w = messages.word
    columns = [
        Col(w("source", lang), min=6), Col(w("kind", lang), drop=4), Col(w("health", lang)),
        Col(w("calls", lang), right=True), Col(w("title", lang), right=True, drop=3),
        Col(w("deadline", lang), right=True, drop=2), Col(w("url", lang), right=True, drop=5),
        Col(w("expected", lang), drop=6),
        Col(w("message", lang), flex=1, min=12, soft=24, max=90, drop=1),
    ]  # fmt: skip

    def cells(r: dict) -> tuple:
        return (
            r["source"], r["kind"], w(r["status"], lang), r["found"], f"{r['with_title']:.0%}",
            f"{r['with_deadline']:.0%}", f"{r['with_url']:.0%}", r["expected"],
            messages.worded(r["message"] or "", lang),
        )  # fmt: skip

    title = messages.say("health_title", lang, where=messages.worded(health.where, lang))
    heads = ["source", "kind", "health", "calls", "title", "deadline", "url", "expected", "message"]
    output.show(Listing(health.rows, title, columns, cells, csv_columns=heads), fmt)
    return 1 if health.failing else 0


def parsed(p: Parsed, fmt: str, lang: str | None = None) -> None:
    """The parsed calls; skipped records are named on stderr (not fatal)."""
    err, say = output.console(stderr=True), messages.say
    for s in p.skipped:
        line_lang, record = messages.line_language(str(s), lang)
        err.print(say("parsed_skipped", line_lang, record=record), markup=False)
    if p.skipped:
        err.print(say("parsed_count", lang, n=len(p.rows), skipped=len(p.skipped)), markup=False)
    heads = [messages.word(c, lang) for c in ("id", "status", "deadlines", "title")]
    view = Listing(
        p.rows, say("parsed_title", lang, n=len(p.rows), file=p.file), heads,
        lambda r: (r["id"], r["status"], len(r["deadlines"]), r["title"][:70]),
        csv_columns=["id"],
    )  # fmt: skip
    output.show(view, fmt)


def _money(v: dict | None) -> str:
    return f"{v['amount']:,.0f} {v['currency']}".replace(",", " ") if v else ""


def extracted(page: Page, fmt: str) -> None:
    """The facts of saved pages, one row per file."""
    yes_no = {True: "yes", False: "no"}
    columns = ["file", "status", "deadlines", "opens", "budget", "max/project", "rate",
               "co-financing", "consortium", "municipality may apply"]  # fmt: skip

    def cells(r: dict) -> tuple:
        return (
            r["file"], r["status"] + (" (stale)" if r["stale"] else ""),
            ", ".join(r["deadlines"]), r["opens"] or "", _money(r["budget_total"]),
            _money(r["max_per_project"]),
            f"{r['funding_rate_max']:.0%}" if r["funding_rate_max"] is not None else "",
            yes_no.get(r["cofinancing_required"], ""), yes_no.get(r["consortium_required"], ""),
            r["municipality_may_apply"],
        )  # fmt: skip

    title = f"facts of {len(page.rows)} file(s) as of {page.today}"
    output.show(Listing(page.rows, title, columns, cells), fmt)


def _days(r: Any) -> str:
    """Days left as a person reads them: blank when closed or unknown, never negative."""
    if r.days_left is None or r.days_left < 0 or r.status == "closed":
        return ""
    return str(r.days_left)


def ranked(rk: Ranking, fmt: str, lang: str | None) -> None:
    """Ranked calls, best first, with the reasons; md is a markdown table with links."""
    from callwatch.priority import format_money
    from callwatch.reasons import human_reason, theme_labels

    w = report_text.cli_words(lang)
    rules, today, target = rk.rules, rk.today, rk.target
    if rk.for_kommun:
        key = "rank_title_closed" if any(r.status == "closed" for r in rk.ranked) else "rank_title"
        heading = w[key].format(name=target.name, today=today)  # closed calls are never "engage"
    else:
        heading = w["theme_title"].format(theme=target.label(lang or "en"), today=today)
    rows = [
        {
            "rank": i, "short_id": shortid.short(r.id), "status": r.status,
            "score": f"{r.score:.3f}", "deadline": output.local_time(r.deadline, with_time=False),
            "days_left": "" if r.days_left is None else r.days_left, "funder": r.funder,
            "title": r.title, "budget": format_money(r.budget_amount, r.budget_currency),
            "max_per_project": format_money(r.max_per_project, r.budget_currency or "SEK"),
            "funding_rate": "" if r.funding_rate_max is None else f"{r.funding_rate_max:.0%}",
            "top_themes": theme_labels(r, rules, lang), "eligibility": r.eligibility,
            "reason": human_reason(r, rules, lang, rk.weights), "id": r.id, "url": r.url,
        }
        for i, r in enumerate(rk.ranked, start=1)
    ]  # fmt: skip
    by_id = {r.id: r for r in rk.ranked}
    columns = [
        Col(w["no"], right=True), Col(w["id"], min=6), Col(w["status"], min=6, drop=2),
        Col(w["deadline"], min=10, drop=3), Col(w["days"], right=True),
        Col(w["score"], drop=6, right=True),
        Col(w["funder"], min=8, max=24, drop=5, flex=1, soft=14),
        Col(w["title"], min=20, max=70, flex=2, soft=36),
        Col(w["why"], min=16, max=60, drop=4, flex=3, soft=30),
    ]  # fmt: skip

    def cells(row: dict) -> tuple:
        r = by_id[row["id"]]
        return (
            row["rank"], row["short_id"], report_text.status_word(row["status"], r.days_left, lang),
            row["deadline"], _days(r), row["score"], row["funder"], row["title"], row["reason"],
        )  # fmt: skip

    def md_table(view: Listing) -> str:
        from callwatch.report import md, safe_url

        lines = [f"## {md(heading)}", ""]
        lines.append(f"| # | {w['id']} | {w['status']} | {w['deadline']} | {w['days']} | "
                     f"{w['funder']} | {w['title']} | {w['why']} |")  # fmt: skip
        lines.append("|---|---|---|---|---|---|---|---|")
        for row, r in zip(rows, rk.ranked, strict=True):
            url = safe_url(row["url"])
            title = f"[{md(row['title'])}]({url})" if url else md(row["title"])
            lines.append(
                f"| {row['rank']} | `{row['short_id']}` | "
                f"{md(report_text.status_word(r.status, r.days_left, lang))} | {row['deadline']} | "
                f"{_days(r)} | {md(row['funder'])} | {title} | {md(row['reason'])} |"
            )
        return "\n".join(lines) + "\n"

    view = Listing(
        rows, heading, columns, cells, empty=w["rank_empty"].format(heading=heading), md=md_table,
        json_rows=[{**r.to_dict(lang), "short_id": shortid.short(r.id)} for r in rk.ranked],
    )  # fmt: skip
    output.show(view, fmt)


def decisions(page: Page, history: bool, fmt: str, lang: str | None) -> None:
    w = report_text.cli_words(lang)
    t = report_text.words(lang or "en")
    names = page.names
    columns = [
        Col(w["id"], min=6), Col(w["kommun"], min=6, max=24), Col(w["decision"], min=6),
        Col(w["when"], min=16, drop=3), Col(w["by"], min=4, max=20, drop=2),
        Col(w["title"], min=20, max=60, flex=1, soft=30),
        Col(w["reason"], min=10, max=40, drop=4, flex=2, soft=16),
    ]  # fmt: skip

    def cells(r: dict) -> tuple:
        return (
            r["short_id"], names.get(r["kommun"], r["kommun"]),
            t["decision_words"].get(r["status"], r["status"]), output.local_time(r["created"]),
            r["by"] or "", r.get("title") or "", " / ".join(x for x in (r["reason"], r["note"]) if x),
        )  # fmt: skip

    title = w["history_title" if history else "decisions_title"].format(n=len(page.rows))
    output.show(Listing(page.rows, title, columns, cells), fmt)


def watch(page: Page, fmt: str, lang: str | None) -> None:
    w = report_text.cli_words(lang)
    t = report_text.words(lang or "en")
    name = page.profile.name if page.profile else ""
    columns = [
        Col(w["no"], right=True), Col(w["id"], min=6), Col(w["decision"], min=6),
        Col(w["status"], min=6, drop=3), Col(w["deadline"], min=10, drop=4),
        Col(w["days"], right=True), Col(w["title"], min=20, max=60, flex=1, soft=30),
        Col(w["by"], max=20, drop=2), Col(w["reason"], min=10, max=40, drop=5, flex=2, soft=16),
    ]  # fmt: skip

    def cells(r: dict) -> tuple:
        return (
            r["n"], r["short_id"], t["decision_words"].get(r["status"], r["status"]),
            report_text.status_word(r["call_status"], r["days_left"], lang), r["deadline"],
            "" if r["days_left"] is None or r["days_left"] < 0 else r["days_left"],
            r["title"], r["by"], r["reason"],
        )  # fmt: skip

    title = w["watch_title"].format(name=name, today=page.today)
    empty = w["watch_empty"].format(name=name)
    output.show(Listing(page.rows, title, columns, cells, empty=empty), fmt)


def users(rows: list[dict], fmt: str) -> None:
    output.render(
        rows, fmt, f"{len(rows)} users", ["name", "kommun", "created", "last sign-in"],
        lambda r: (r["name"], r["kommun"], r["created"], r["last_login"] or ""),
    )  # fmt: skip
