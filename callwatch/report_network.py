"""The network's weekly report: calls to apply for together, decided calls, and the best
calls per theme. Split from report_data.py (gathering for one municipality and the shared
readers it uses); wording in report_text.py, rendering in report.py.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from callwatch import rank as rank_mod
from callwatch.report_data import (
    NETWORK_MIN_SCORE,
    REPORT_MIN_RELEVANCE,
    SECTION_LIMIT,
    THEME_LIMIT,
    TIMELINE_DAYS,
    Filters,
    Item,
    Report,
    Section,
    apply_filters,
    call_facts,
    cut_section,
    decided_calls,
    fact_columns,
    ranked_call,
    urgency,
)
from callwatch.report_text import decision_line, words
from callwatch.rules import Profile, Rules

if TYPE_CHECKING:
    from callwatch.store.db import Database


def _requirement(facts: dict, lang: str) -> list[str]:
    """Worded requirement to apply together, from the facts columns (empty when unknown)."""
    t = words(lang)
    out = []
    n = facts.get("min_municipalities")
    if n is not None and n >= 2:
        out.append(t["requires_n"].format(n=int(n)))
    if facts.get("consortium_required") == 1:
        out.append(t["requires_consortium"])
    return out


def network_report(
    db: Database,
    rules: Rules,
    today: date,
    start: date,
    lang: str = "sv",
    hidden: dict[str, set[str]] | None = None,
    *,
    filters: Filters | None = None,
    limit: int = SECTION_LIMIT,
) -> Report:
    from callwatch import report_select as select

    t = words(lang)
    hidden = hidden or {}
    relevant: dict[str, list[tuple[float, str]]] = {}  # call id -> [(score, municipality)]
    ranked_by_id: dict[str, rank_mod.Ranked] = {}
    # Without the requirement columns only "ranked high" can make a joint candidate, so the
    # ranking can stop at that score instead of reading every relevant call.
    knows_requirements = bool({"min_municipalities", "consortium_required"} & set(fact_columns(db)))
    floor = 0.0 if knows_requirements else NETWORK_MIN_SCORE
    decided = decided_calls(db)
    profiles = [p for _, p in sorted(rules.profiles.items())]
    if filters is not None and filters.active():  # filters read ranked calls: rank them all
        # only calls that can be joint candidates, or that someone decided on, are ranked: the
        # same rows rank_for_profile would give for them (report_select.ranked_among)
        among = select.joint_candidates(
            db, sorted(rules.profiles), REPORT_MIN_RELEVANCE, NETWORK_MIN_SCORE
        ) | set(decided)
        calls: dict[str, select.Brief] = {}
        who_of: dict[str, list[tuple[float, Profile]]] = {}
        for profile in profiles:
            ranked = select.ranked_among(db, profile, today, among, REPORT_MIN_RELEVANCE, floor)
            for r in apply_filters(db, ranked, filters):
                if r.id in hidden.get(profile.id, set()):
                    continue
                if r.id not in ranked_by_id:
                    ranked_by_id[r.id] = r
                    calls[r.id] = select.Brief(r.id, r.status, r.days_left, r.deadline, r.score, r.tier, None, "")  # fmt: skip
                who_of.setdefault(r.id, []).append((r.score, profile))
        facts = call_facts(db, list(calls))
        required = facts
    else:  # the same calls and scores, without building a ranked call for each
        calls, who_of, required = select.joint_briefs(
            db, profiles, today, REPORT_MIN_RELEVANCE, NETWORK_MIN_SCORE, floor, hidden,
            set(decided),
        )  # fmt: skip
        facts = {}  # the facts of the calls shown, read when the sections are cut
    for cid, found in who_of.items():
        relevant[cid] = [(score, p.name) for score, p in found]
    first = {cid: found[0][1] for cid, found in who_of.items()}  # whose ranking it is shown by
    names = {pid: p.name for pid, p in rules.profiles.items()}

    def decision_lines(cid: str) -> list[str]:
        return [
            decision_line(names.get(d["kommun"], d["kommun"]), d["status"], d["reason"], d["by"], d["created"], lang)
            for d in decided.get(cid, [])
        ]  # fmt: skip

    def read(ids: list[str]) -> None:
        """The ranked calls (as their first municipality's ranking has them) for these ids."""
        by: dict[str, list[str]] = {}
        for cid in ids:
            if cid not in ranked_by_id:
                by.setdefault(first[cid].id, []).append(cid)
        for pid, some in by.items():
            ranked_by_id.update(select.full(db, rules.profiles[pid], today, some))

    joint: list[tuple[tuple, str, list[str], list[str]]] = []
    for cid, b in calls.items():
        who = sorted(relevant[cid], key=lambda x: (-x[0], x[1]))
        high = [name for score, name in who if score >= NETWORK_MIN_SCORE]
        needs = _requirement(required.get(cid, {}), lang)
        if not needs and len(high) < 2:
            continue
        why = needs + ([t["ranked_high_by"].format(n=len(high))] if len(high) >= 2 else [])
        kommuner = [name for _, name in who] if needs else high
        joint.append(((0 if needs else 1, *urgency(b)), cid, kommuner, why))
    joint.sort(key=lambda x: x[0])
    listed = {cid for _, cid, _, _ in joint}
    read([cid for _, cid, _, _ in joint[: limit if limit > 0 else None]])
    read([cid for cid in decided if cid in calls])
    joint_items = []
    for _, cid, kommuner, why in joint[: limit if limit > 0 else None]:
        it = Item(ranked_by_id[cid], kommuner=kommuner, joint=why)
        it.decided = decision_lines(cid)
        joint_items.append(it)

    decided_items = []
    for cid in decided:
        some = rules.profiles.get(decided[cid][-1]["kommun"]) or next(iter(rules.profiles.values()))
        call = ranked_by_id.get(cid) or ranked_call(db, rules, some, today, cid)
        if call is None or call.status == "closed":
            continue
        it = Item(call)
        it.decided = decision_lines(cid)
        decided_items.append(it)
    decided_items.sort(key=lambda i: urgency(i.ranked))

    lines = []
    for tid, theme in rules.themes.items():
        strong = [p.name for p in rules.profiles.values() if p.weights.get(tid, 0) >= 0.7]
        lines.append(
            t["theme_line"].format(theme=theme.label(lang), kommuner=", ".join(strong) or t["none"])
        )
    sections = [
        Section("joint", t["joint"], joint_items, t["empty_joint"], intro=t["joint_intro"]),
        Section("decided", t["network_decided"], decided_items, t["empty_network_decided"]),
    ]
    for s in sections:
        cut_section(db, s, limit, None, facts)
    sections[0].total = len(joint)  # counted before the cut
    shown = {i.ranked.id for s in sections for i in s.items} | listed
    for theme in rules.themes.values():
        top = select.top_for_theme(db, rules, theme, today, shown, THEME_LIMIT, filters)
        shown |= {r.id for r in top}
        items = []
        for r in top:
            it = Item(r)
            it.decided = decision_lines(r.id)
            items.append(it)
        sec = Section(
            f"theme:{theme.id}", f"{t['by_theme']}: {theme.label(lang)}", items, t["empty_theme"]
        )
        sections.append(cut_section(db, sec, THEME_LIMIT, None, facts))
    return Report(
        title=t["network_title"],
        lang=lang,
        today=today,
        start=start,
        sections=sections,
        summary=t["network_summary"].format(
            joint=sections[0].total, decided=sections[1].total, n=len(rules.profiles)
        ),
        extra_lines=lines,
        timeline=[
            i
            for i in joint_items[:limit]
            if i.ranked.days_left is not None and 0 <= i.ranked.days_left <= TIMELINE_DAYS
        ],  # fmt: skip
    )
