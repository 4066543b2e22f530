"""Why a ranked call is where it is: the human-readable reasons, the evidence behind its theme
scores and eligibility, and the municipality's decisions on it and on earlier rounds.

Read only for the calls that are shown (a ranking evaluates many more), so callwatch.rank
leaves them empty unless asked and `explain`, reports, exports and the web app fill them here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from callwatch.priority import (
    OUTSIDE_PREFIX,
    Note,
    deadline_factor,
    relevance_parts,
    size_factor,
    top_terms,
)
from callwatch.rules import Profile, Theme

if TYPE_CHECKING:  # annotations only
    from callwatch.rank import Ranked
    from callwatch.store.db import Database


def explain_reasons(
    db: Database,
    r: Ranked,
    profile: Profile | None,
    theme: Theme | None,
    row: tuple | None = None,
) -> Ranked:
    """Fill the reasons (read evidence only for the calls that are shown) as `Note`s, which
    each output words in its own language (show_text.note_text).
    `row` is the call's (evidence, eligibility_evidence) when the caller read it already."""
    from callwatch import scoring, store

    row = row or scoring.stored_evidence(db, [r.id]).get(r.id) or (None, None)
    evidence = json.loads(row[0] or "{}")
    el_evidence = json.loads(row[1] or "[]")
    said = store.facts_of(db, r.id)
    who = (json.loads(said or "{}").get("evidence") or {}).get("municipality_may_apply")
    if who:  # the who-may-apply sentence the verdict came from
        el_evidence = [who[:200]]
    themes: dict[str, float] = json.loads(r.evidence.get("_themes") or "{}")
    r.themes = {t: round(v, 3) for t, v in sorted(themes.items(), key=lambda kv: -kv[1])}
    weights = profile.weights if profile else {}
    weighted = {t: s * weights.get(t, 0.0) for t, s in themes.items()}
    facts = r.evidence.get("_facts", {})
    reasons: list[Note] = []
    if profile is not None:
        parts = relevance_parts(themes, weights, facts)
        r.factors = {
            "themes": parts["themes"],
            "keywords": parts["keywords"],
            "exclusion": parts["exclusion"],
            **r.factors,
        }
        if parts["keywords"]:
            reasons.append(
                Note("keyword_bonus", {"bonus": parts["keywords"], "words": facts.get("k", [])})
            )
        for t in sorted(weighted, key=lambda t: -weighted[t])[:2]:
            if weighted[t] > 0.02:
                reasons.append(
                    Note(
                        "theme",
                        {
                            "theme": t, "score": r.themes.get(t, 0),
                            "weight": profile.weights.get(t, 0), "terms": top_terms(evidence, t),
                        },
                    )
                )  # fmt: skip
        if facts.get("k"):
            reasons.append(Note("mentions", {"words": list(facts["k"])}))
            r.keywords = list(facts["k"])
        if facts.get("o"):  # stored as region_check wrote it: "only for <regions>"
            reasons.append(Note("outside", {"regions": facts["o"].removeprefix(OUTSIDE_PREFIX)}))
        if facts.get("x"):
            reasons.append(Note("excluded", {"words": list(facts["x"])}))
    elif theme is not None and r.themes.get(theme.id):
        reasons.append(
            Note(
                "theme_only",
                {
                    "theme": theme.id,
                    "score": r.themes[theme.id],
                    "terms": top_terms(evidence, theme.id),
                },
            )
        )
    reasons.append(Note("eligibility", {"verdict": r.eligibility, "why": el_evidence[:2]}))
    reasons.append(deadline_factor(r.status, r.days_left, r.evidence.get("_stale", False))[1])
    reasons.append(
        size_factor(
            r.budget_amount, r.budget_currency, profile.min_budget_sek if profile else None,
            r.evidence.get("_per_project"),
        )[1]
    )  # fmt: skip
    if r.joint:
        reasons.append(Note("joint", {"reason": r.joint_reason}))
    r.reasons = reasons
    r.evidence = evidence
    r.eligibility_evidence = el_evidence
    return r


def explain_call(
    db: Database, r: Ranked, profile: Profile | None = None, theme: Theme | None = None
) -> Ranked:
    """Reasons, evidence and (for a municipality) its decisions; once per call."""
    if r.reasons:
        return r
    explain_reasons(db, r, profile, theme)
    return _with_decisions(db, r, profile) if profile is not None else r


def explain_many(
    db: Database, items: list[tuple[Ranked, Profile | None, Theme | None]]
) -> list[Ranked]:
    """explain_call() for many calls at once (exports): their evidence read 500 at a time, and
    no decision lookups for municipalities that have taken no decision at all."""
    ids = [r.id for r, _, _ in items if not r.reasons]
    from callwatch.scoring import stored_evidence

    rows = stored_evidence(db, ids)
    from callwatch.decisions import deciders

    decided = deciders(db)
    out = []
    for r, profile, theme in items:
        if not r.reasons:
            explain_reasons(db, r, profile, theme, rows.get(r.id))
            if profile is not None and profile.id in decided:
                _with_decisions(db, r, profile)
        out.append(r)
    return out


def _with_decisions(db: Database, r: Ranked, profile: Profile) -> Ranked:
    """Add this municipality's decision, and the one it took on an earlier round, to the reasons."""
    from callwatch import store
    from callwatch.decisions import current_of

    row = current_of(db, r.id, profile.id)
    if row:
        values = {"status": row["status"], "date": row["created"][:10], "by": row["by"] or ""}
        r.reasons.insert(0, Note("decision", {**values, "reason": row["reason"] or ""}))
        r.decision = row["status"]
    if store.series_of(db, r.id):
        from callwatch.recurring import earlier_decisions

        for d in earlier_decisions(db, r.id, profile.id)[-1:]:
            earlier = {"call_id": d["call_id"], "status": d["status"], "date": d["created"][:10]}
            r.reasons.append(Note("earlier_round", {**earlier, "title": d["title"]}))
            r.earlier_decision = f"{d['status']} ({d['created'][:10]}, {d['title']})"
    return r
