"""The matcher: how strongly a call is about each theme, and whether a municipality may apply.

Pure functions over call text and the rules; the store keeps the results per call version and
rules hash (see scoring.py). Every score carries its evidence: which term, in which field.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

from callwatch.boilerplate import clean_tokens
from callwatch.rules import Rules
from callwatch.text import Hit, Term, Vocabulary, mask_named_municipalities

# How much a term counts by where it is found: a theme word in the title says more than one in
# the fine print.
FIELD_WEIGHTS = {
    "title": 3.0,
    "summary": 2.0,
    "keywords": 2.0,
    "description": 1.0,
    "eligibility": 1.0,
}
HOW_WEIGHTS = {"exact": 1.0, "compound": 0.9, "fuzzy": 0.7}
SATURATION = 5.0  # raw evidence -> 0..1 score: 1 - exp(-raw / SATURATION)
REPEAT_BONUS = 0.5  # each further occurrence of a term adds this share, up to MAX_REPEATS
MAX_REPEATS = 4
# never scored: an other-sense phrase only claims its words, and above every term weight (at
# most 5) so that it also wins a word it covers as exactly as a term does ("livscykel-" over
# "cykel" inside "livscykelperspektiv")
OTHER_SENSE_WEIGHT = 10.0
EXCLUDE_FACTOR = 0.2  # a theme's exclusion phrase in the call cuts its score to this share
COMMON_SHARE = 0.2  # terms found in more than this share of all calls are down-weighted
MIN_CORPUS = 30  # ... but only when there are enough calls to tell


@dataclass
class ThemeScore:
    score: float
    evidence: list[tuple[str, str, float]]  # (term, field, contribution), strongest first


@dataclass
class Analysis:
    """What the matcher found in one call, before corpus statistics are applied."""

    hits: dict[str, dict[str, dict]]  # theme -> term -> {"weight", "fields": {field: count}, "how"}
    excluded: dict[str, str]  # theme -> exclusion phrase found
    eligibility: str  # eligible | unclear | not eligible
    eligibility_evidence: list[str]
    profiles: dict[str, dict] = field(
        default_factory=dict
    )  # pid -> {k: keywords, x: excluded, o: outside}

    def terms(self) -> list[str]:
        return sorted({f"{t}|{term}" for t, terms in self.hits.items() for term in terms})


@dataclass
class Found:
    """What one call's text holds for the current vocabularies, before any weight counts: every
    theme term hit (before each word is given to one term, which weights decide), the exclusion
    phrases, eligibility phrases and municipality keywords. Stored per call version (scoring.py),
    so a weight-only rules change is re-scored from it without reading the text again."""

    themes: list[
        tuple[str, list[list]]
    ]  # (field, [[theme, term, position, length, how, form, literal]])
    excluded: dict[str, str]
    eligibility: list[list]  # [sign (+/-), term, field, strong], first occurrence of each term
    profiles: dict[str, dict]

    def to_json(self) -> str:
        return json.dumps(
            [self.themes, self.excluded, self.eligibility, self.profiles],
            ensure_ascii=False, separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Found:
        themes, excluded, eligibility, profiles = json.loads(text)
        return cls([(f, hits) for f, hits in themes], excluded, eligibility, profiles)


@dataclass
class Matcher:
    rules: Rules
    themes: Vocabulary = field(default_factory=Vocabulary)
    excludes: Vocabulary = field(default_factory=Vocabulary)
    positive: Vocabulary = field(default_factory=Vocabulary)
    negative: Vocabulary = field(default_factory=Vocabulary)
    # municipalities' keywords and exclusions are mostly place and programme names: whole words
    # only ("Norrland" is not in "Västernorrland")
    local: Vocabulary = field(default_factory=lambda: Vocabulary(compounds=False))

    # (theme, term text) -> its Term, and (sign, text) -> eligibility weight: how a stored Found
    # is weighed with the current rules (weigh())
    theme_terms: dict[tuple[str, str], Term] = field(default_factory=dict)
    eligibility_weights: dict[tuple[str, str], float] = field(default_factory=dict)
    # (theme, phrase) of each theme's other_senses: found like terms, so that they claim their
    # words (the longest match wins, _one_per_word), and then dropped
    other_senses: set[tuple[str, str]] = field(default_factory=set)
    # negative eligibility phrases that count only when no positive phrase is found
    negative_alone: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for theme in self.rules.themes.values():
            written = set(theme.literal)  # terms that count only as written
            for term, weight in theme.terms.items():
                added = self.themes.add(term, theme.id, weight, term in written)
                if added is not None:
                    self.theme_terms.setdefault((theme.id, added.text), added)
            for phrase in theme.exclude:
                self.excludes.add(phrase, theme.id, 1.0)
            for phrase in theme.other_senses:
                added = self.themes.add(phrase, theme.id, OTHER_SENSE_WEIGHT)
                if added is not None:
                    self.theme_terms.setdefault((theme.id, added.text), added)
                    self.other_senses.add((theme.id, added.text))
        el = self.rules.eligibility
        literal = {s.casefold() for s in el.literal}
        for term, weight in el.positive.items():
            added = self.positive.add(term, "positive", weight, term.casefold() in literal)
            if added is not None:
                self.eligibility_weights.setdefault(("+", added.text), added.weight)
        strong = {s.casefold() for s in el.strong}
        alone = {s.casefold() for s in el.alone}
        for term, weight in el.negative.items():
            owner = "strong" if term.casefold() in strong else "negative"
            added = self.negative.add(term, owner, weight, term.casefold() in literal)
            if added is not None:
                self.eligibility_weights.setdefault(("-", added.text), added.weight)
                if term.casefold() in alone:
                    self.negative_alone.add(added.text)
        for pid, profile in self.rules.profiles.items():
            for kw in profile.keywords:
                self.local.add(kw, f"{pid}|k", 1.0)
            for kw in profile.exclude:
                self.local.add(kw, f"{pid}|x", 1.0)

    def analyse(self, fields: dict[str, str]) -> Analysis:
        """Theme term hits and an eligibility verdict for one call's text fields. Boilerplate
        (log-in, cookie, navigation, contact and how-to-apply text) is not read for themes."""
        return self.weigh(self.find(fields))

    def find(self, fields: dict[str, str]) -> Found:
        """Everything the vocabularies find in one call's text fields; no weight is used."""
        raw: dict[str, list[str]] = {}
        toks: dict[str, list[str]] = {}
        for name, text in fields.items():
            if not text:
                continue
            # a scraped page's title can be page chrome too ("Läs mer om kakor", "Ladda om
            # sidan"): titles are cleaned like every other field
            raw[name], toks[name] = clean_tokens(text)
            # who may apply is read with named municipalities masked: "Umeå kommun ger bidrag
            # till föreningar" names the funder, not an applicant
            masked = mask_named_municipalities(text)
            if masked is not text:
                raw[name] = clean_tokens(masked)[0]
        themes: list[tuple[str, list[list]]] = []
        excluded: dict[str, str] = {}
        for name, tk in toks.items():
            hits = self.themes.find(tk, name)
            if hits:
                themes.append(
                    (name, [[h.term.owner, h.term.text, h.position, h.length, h.how, h.form, h.literal] for h in hits])
                )  # fmt: skip
            for h in self.excludes.find(tk, name):
                excluded.setdefault(h.term.owner, h.term.text)
        profiles: dict[str, dict] = {}
        body = [t for name in ("title", "summary", "description") for t in toks.get(name, [])]
        for h in self.local.find(body, "text"):
            pid, kind = h.term.owner.split("|")
            bucket = profiles.setdefault(pid, {}).setdefault(kind, [])
            if h.term.text not in bucket:
                bucket.append(h.term.text)
        return Found(themes, excluded, self._eligibility_hits(raw), profiles)

    def weigh(self, found: Found) -> Analysis:
        """The analysis of what find() found, with the current rules' weights: each word given
        to one term of a theme, and the eligibility verdict."""
        hits: dict[str, dict[str, dict]] = defaultdict(dict)
        for name, found_hits in found.themes:
            found_here = [
                Hit(self.theme_terms[(owner, text)], name, pos, length, how, form, literal)
                for owner, text, pos, length, how, form, literal in found_hits
            ]
            for h in _one_per_word(found_here):
                if (h.term.owner, h.term.text) in self.other_senses:
                    continue  # the words are used in another sense
                entry = hits[h.term.owner].setdefault(
                    h.term.text,
                    {"weight": h.term.weight, "fields": {}, "how": h.how, "form": h.form},
                )
                entry["fields"][name] = entry["fields"].get(name, 0) + 1
                if HOW_WEIGHTS[h.how] > HOW_WEIGHTS[entry["how"]]:
                    entry["how"], entry["form"] = h.how, h.form
                elif h.literal and h.how == entry["how"] and name == "title":
                    entry["form"] = h.form
        verdict, evidence = self._eligibility(found.eligibility)
        profiles = {
            pid: {k: list(v) for k, v in kinds.items()} for pid, kinds in found.profiles.items()
        }
        return Analysis(dict(hits), dict(found.excluded), verdict, evidence, profiles)

    def _eligibility_hits(self, toks: dict[str, list[str]]) -> list[list]:
        """[sign, term, field, strong] for the first occurrence of each eligibility phrase."""
        out: list[list] = []
        seen: set[tuple[str, str]] = set()
        # the eligibility section first: a phrase found there and in the description counts
        # (double) as the eligibility section's
        for name, tk in sorted(toks.items(), key=lambda kv: kv[0] != "eligibility"):
            if name == "title":
                continue
            for h in _one_per_word(self.positive.find(tk, name), False):
                if ("+", h.term.text) not in seen:
                    seen.add(("+", h.term.text))
                    out.append(["+", h.term.text, name, False])
            for h in _one_per_word(self.negative.find(tk, name), False):
                if ("-", h.term.text) not in seen:
                    seen.add(("-", h.term.text))
                    out.append(["-", h.term.text, name, h.term.owner == "strong"])
        return out

    def _eligibility(self, found: list[list]) -> tuple[str, list[str]]:
        pos = neg = alone = 0.0
        strong = False
        evidence: list[str] = []
        for sign, text, name, is_strong in found:
            weight = self.eligibility_weights[(sign, text)] * (
                2.0 if name == "eligibility" else 1.0
            )
            if sign == "+":
                pos += weight
            elif text in self.negative_alone:
                alone += weight
            else:
                neg += weight
                strong = strong or is_strong
        if not pos:
            neg += alone
        uncounted = []
        for sign, text, name, _ in found:
            # an [alone] phrase beside a positive one is shown after the phrases that counted,
            # marked as not counted (explain's short "why" shows the first lines)
            if pos and sign == "-" and text in self.negative_alone:
                uncounted.append(f"{sign} '{text}' ({name}, uncounted)")
            else:
                evidence.append(f"{sign} '{text}' ({name})")
        evidence += uncounted
        if strong:
            verdict = "not eligible"
        elif pos >= 3 and pos > neg:
            verdict = "eligible"
        elif neg >= 3 and (pos < 2 or (pos < 3 and neg >= 2 * pos)):
            verdict = "not eligible"
        else:
            verdict = "unclear"
        return verdict, evidence


def _one_per_word(hits: list[Hit], per_owner: bool = True) -> list[Hit]:
    """Each word is evidence for a theme once: where several of a theme's terms cover the same
    word ("climate adaptation" and "climate"; "klimatanpassning" and "klimat" in one compound),
    the longest, then heaviest, then most exactly matched term keeps it. `per_owner=False`:
    once for all owners (eligibility phrases: "kommun" and "kommuner" both match "kommunen"),
    chosen without weights, as the findings stored per call version must not depend on them
    (a weight-only edit re-weighs stored findings without reading any text)."""
    if len(hits) < 2:
        return hits
    order = sorted(
        hits,
        key=lambda h: (
            -h.length,
            h.term.owner != "strong",  # a strong negative phrase keeps its word (no weight)
            -HOW_WEIGHTS[h.how],
            -h.term.weight if per_owner else 0.0,
            not h.literal,
            -len(h.form),
            h.position,
            h.form,
        ),
    )
    claimed: set[tuple[str, int]] = set()
    kept: list[Hit] = []
    for h in order:
        owner = h.term.owner if per_owner else ""
        span = [(owner, p) for p in range(h.position, h.position + h.length)]
        if any(s in claimed for s in span):
            continue
        claimed.update(span)
        kept.append(h)
    kept.sort(key=lambda h: h.position)  # the first occurrence names the concept
    return kept


def common_factors(doc_freq: dict[str, int], n_calls: int) -> dict[str, float]:
    """Down-weighting for terms that hit a large share of all calls (an IDF-like damping)."""
    if n_calls < MIN_CORPUS:
        return {}
    out = {}
    for term, df in doc_freq.items():
        share = df / n_calls
        if share > COMMON_SHARE:
            out[term] = round(max(0.3, 1 - (share - COMMON_SHARE) * 1.5), 1)
    return out


def score(analysis: Analysis, factors: dict[str, float]) -> dict[str, ThemeScore]:
    """Theme scores 0..1 from an analysis and the corpus down-weighting factors."""
    out: dict[str, ThemeScore] = {}
    for theme, terms in analysis.hits.items():
        raw = 0.0
        evidence = []
        for term, entry in terms.items():
            fields = entry["fields"]
            best = max(fields, key=lambda f: FIELD_WEIGHTS.get(f, 1.0))
            repeats = min(sum(fields.values()) - 1, MAX_REPEATS)
            contribution = (
                entry["weight"]
                * (FIELD_WEIGHTS.get(best, 1.0) + REPEAT_BONUS * repeats)
                * HOW_WEIGHTS[entry["how"]]
                * factors.get(f"{theme}|{term}", 1.0)
            )
            raw += contribution
            evidence.append((entry.get("form", term), best, round(contribution, 2)))
        value = 1 - math.exp(-raw / SATURATION)
        if theme in analysis.excluded:
            value *= EXCLUDE_FACTOR
            evidence.append((f"not: {analysis.excluded[theme]}", "exclude", 0.0))
        evidence.sort(key=lambda e: -e[2])
        out[theme] = ThemeScore(round(value, 4), evidence[:8])
    return out


def call_fields(call: dict) -> dict[str, str]:
    """The text fields of a stored call that the matcher reads."""
    keywords = call.get("keywords") or []
    extra = call.get("extra") or {}
    return {
        "title": call.get("title") or "",
        "summary": call.get("summary") or "",
        "description": call.get("description") or "",
        "eligibility": " ".join(
            filter(None, [call.get("eligibility") or "", *(extra.get("target_audience") or [])])
        ),
        "keywords": " ; ".join(
            [*keywords, *(extra.get("themes") or []), *(extra.get("types_of_action") or [])]
        ),
    }
