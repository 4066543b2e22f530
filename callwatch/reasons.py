"""Why a call ranks, in one line a person reads: the strongest themes (as the municipality
weighs them) with the words that matched. Shared by `rank`, `explain` and the exports."""

from __future__ import annotations

from typing import Any

from callwatch import report_text
from callwatch.priority import THEME_SHOWN


def human_reason(r: Any, rules: Any, lang: str | None, weights: dict | None = None) -> str:
    """'klimat och energi: klimatneutrala, energi; era nyckelord: Rosendal'."""
    from callwatch.priority import top_terms

    lang = lang or "en"
    weights = weights or {}
    order = sorted(
        r.themes, key=lambda t: -(r.themes[t] * weights.get(t, 1.0 if not weights else 0))
    )
    parts = []
    for tid in order[:2]:
        if r.themes[tid] < THEME_SHOWN or tid not in rules.themes:
            continue
        label = rules.themes[tid].label(lang).lower()
        terms = ", ".join(top_terms(r.evidence, tid, 3))
        parts.append(f"{label}: {terms}" if terms else label)
    if r.keywords:
        parts.append(f"{report_text.cli_words(lang)['keywords']}: " + ", ".join(r.keywords))
    return "; ".join(parts)


def theme_labels(r: Any, rules: Any, lang: str | None, n: int = 2) -> str:
    """The call's first n themes that score at least THEME_SHOWN, by label."""
    top = [t for t, s in r.themes.items() if s >= THEME_SHOWN][:n]
    return ", ".join(rules.themes[t].label(lang or "en") if t in rules.themes else t for t in top)
