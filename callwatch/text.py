"""Text analysis for Swedish and English: normalisation, tokens, lemmas, Snowball stems and
real Swedish compound splitting (compounds.py); boilerplate removal is in boilerplate.py. Used
by the matcher for theme terms, eligibility phrases and municipality keywords alike.

A term word matches a token when they share a form: the raw word, its Swedish lemma (simplemma's
Swedish data), or a Snowball stem (Swedish, English; English inflections are left to the stem).
A Swedish compound is split into known words from a Swedish word-frequency list (wordfreq;
compounds.py does the splitting), so "klimatanpassningsåtgärder" is klimat + anpassning +
åtgärder and "medborgarinflytande" is medborgare + inflytande; a term that is one of those
parts (or a run of them, "klimatanpassning") matches as "compound". Vocabularies built with
`compounds=False` (place names, a municipality's own keywords) match whole words only, so
"Norrland" never matches inside "Västernorrland".

A term may name one concept in several words and languages, separated by " | "
("energi | energy"): however many of them a text uses, they are one piece of evidence.

Hostile input: tokens longer than MAX_TOKEN characters are dropped before any per-token work
(no stemming, lemmatising or splitting of a megabyte-long "word").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

import snowballstemmer  # uses PyStemmer's C implementation when it is installed

from callwatch.compounds import (  # noqa: F401  split_compound, swedish_words: re-exported
    MAX_TOKEN,
    PART_ZIPF,
    SPLIT_MIN,
    compound_spans,
    split_compound,
    swedish_words,
)

_SV = snowballstemmer.stemmer("swedish")
_EN = snowballstemmer.stemmer("english")
TOKEN = re.compile(r"[0-9a-zåäöéèüæøßàáâêëïîôçñ]+")
COMPOUND_MIN = 4  # a term word this long may match as a compound part ("våld" in "våldsprevention")
FUZZY_MIN = 8  # tokens and terms this long may match with small spelling differences
FUZZY_CUTOFF = 90.0
ALTERNATIVES = "|"  # "energi | energy": one concept in several words
PARTICIPLE_ENDINGS = ("ande", "ende")  # "byggande", "boende": see term_forms
DERIVED_ENGLISH = ("ing", "able", "ible")  # "cycling", "renewable": see term_forms


# A municipality or city named by its proper name ("Umeå kommun", "Svalövs kommun", "Malmö
# stad", "Bergen kommune") is the place or the funder of a local grant, not a kind of applicant;
# "En kommun", "Varje kommun" are applicants. Masked before who-may-apply is read.
NAMED_MUNICIPALITY = re.compile(
    r"\b(?!(?:En|Ett|Varje|Alla|Den|Din|Er|Vår|Samma|Annan|Någon|Ingen|Hela|Sökande|Berörd|"
    r"Gotlands)\b)"
    r"[A-ZÅÄÖ][\wåäöéü-]+ (?:kommuns?|stads?|kommunes?)\b"
)


def mask_named_municipalities(text: str) -> str:
    """The text with proper-named municipalities replaced by "ortnamn" (see NAMED_MUNICIPALITY)."""
    if "ommun" not in text and "stad" not in text:
        return text
    return NAMED_MUNICIPALITY.sub("ortnamn", text)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def tokens(text: str) -> list[str]:
    """Lower-cased words, without the over-long ones (see MAX_TOKEN); "gång- och cykelvägar"
    is read as "gångvägar och cykelvägar" (see expand_ellipsis)."""
    return [t for t in TOKEN.findall(expand_ellipsis(normalise(text))) if len(t) <= MAX_TOKEN]


# Swedish coordination with a shared last part: "gång- och cykelvägar", "energi-, klimat- och
# miljöfrågor", "bostads- eller stadsutveckling". Each "X-" borrows the last word's head.
_ELLIPSIS = re.compile(
    r"((?:\b[a-zåäöé]{2,40}-,?\s+){1,6})(?:och|eller|samt|respektive|som|&)\s+([a-zåäöé]{4,40})\b"
)
_FIRST = re.compile(r"([a-zåäöé]+)-")


def expand_ellipsis(low: str) -> str:
    """A normalised text with each elliptic first conjunct completed by the last conjunct's
    compound head ("gång- och cykelvägar" -> "gångvägar och cykelvägar"); where the last
    word is no compound, the text is left as it was."""
    if "- " not in low and "-, " not in low:
        return low

    def fill(m: re.Match[str]) -> str:
        spans = compound_spans(m.group(2))
        if not spans:
            return m.group(0)
        head = m.group(2)[spans[-1][1] :]
        firsts = _FIRST.sub(lambda f: f.group(1) + head, m.group(1))
        return firsts + m.group(0)[len(m.group(1)) :]

    return _ELLIPSIS.sub(fill, low)


# ---- word forms --------------------------------------------------------------------------------


@cache
def _lemmatiser():  # noqa: ANN202
    import simplemma

    return simplemma.lemmatize


@lru_cache(maxsize=400_000)
def forms(word: str) -> frozenset[str]:
    """The forms a word is looked up by: raw, lemmas, Swedish and English stems."""
    out = {word, "sv:" + _SV.stemWord(word), "en:" + _EN.stemWord(word)}
    if len(word) > 3:  # the lemma list maps some short words oddly (sv "ai" -> "be")
        sv = _lemmatiser()(word, lang="sv")
        if sv[:2] == word[:2]:  # an inflection ("bostäder" -> "bostad"), not another word
            out |= {"ls:" + sv, "sv:" + _SV.stemWord(sv)}
    return frozenset(out)


def _swedish(keys: frozenset[str]) -> frozenset[str]:
    """A Swedish compound part's forms without its English stem ("age" is no part of
    "bidraget")."""
    return frozenset(k for k in keys if not k.startswith("en:"))


def _bases(part: str) -> list[str]:
    """The dictionary form a non-final compound part may stand for: a word in -a joins with -o
    or without its -a ("hälso-" hälsa, "kvinno-" kvinna, "skol-" skola), a word in -are
    without its -e ("brukar-" brukare)."""
    vocab = swedish_words()
    if part.endswith("o"):
        cands = [part[:-1] + "a"]
    elif part.endswith("ar"):
        cands = [part + "e"]
    else:
        cands = [] if part[-1] in "aeiouyåäö" else [part + "a"]
    return [c for c in cands if vocab.get(c, 0.0) >= PART_ZIPF]


@lru_cache(maxsize=200_000)
def compound_forms(word: str) -> frozenset[str]:
    """Forms of a compound's parts (and of their own parts) and of each run of adjacent parts
    ("klimatanpassning" in "klimatanpassningsåtgärder"), without the whole word's own forms.
    Runs also cross into a part that is itself a compound: "trafiksäkerhetsåtgärder" splits
    into trafik + säkerhetsåtgärder, and still contains "trafiksäkerhet"."""
    parts = compound_spans(word)
    if not parts:
        return frozenset()
    out: set[str] = set()
    for a in range(len(parts)):
        out |= _swedish(forms(parts[a][0]))
        out |= compound_forms(parts[a][0])
        if a < len(parts) - 1:
            for base in _bases(parts[a][0]):
                out |= _swedish(forms(base))
    flat = _flat_spans(word, parts)
    for a in range(len(flat)):
        for b in range(a + 2, len(flat) + 1):
            if (a, b) != (0, len(flat)):
                out |= _swedish(forms(word[flat[a][0] : flat[b - 1][1]]))
    return frozenset(out - forms(word))


def _flat_spans(word: str, parts: tuple[tuple[str, int, int], ...]) -> list[tuple[int, int]]:
    """The (start, end) of each part in `word`, a part that is itself a compound (and stands
    in the word as written) replaced by its own parts."""
    flat: list[tuple[int, int]] = []
    for part, i, j in parts:
        sub = compound_spans(part) if word[i:j] == part else ()
        flat += [(i + si, i + sj) for _, si, sj in sub] if sub else [(i, j)]
    return flat


def term_forms(word: str) -> frozenset[str]:
    """The forms a term word is looked up by (a text word is looked up by all its forms). A
    Swedish noun made from a present participle
    ("byggande", "deltagande", "gående") matches itself and its inflections ("byggandet"),
    not the verb it comes from: its lemma and stem are the verb's ("bygga", "delta", "gå"), and
    "bygga upp", "delta i" or "gå till" say nothing about construction, participation or
    walking."""
    if len(word) >= 6 and word.endswith(PARTICIPLE_ENDINGS):
        return frozenset({word, "ls:" + word})
    keys = set(forms(word))
    if len(word) >= 6 and word.endswith(DERIVED_ENGLISH):
        # the English stem is another word's: "cycling" -> cycl (the water cycle), "renewable"
        # -> renew, "housing" -> hous (in-house); the word matches itself and its plural
        keys = {k for k in keys if not k.startswith("en:")} | {word + "s"}
    if len(word) <= 4:
        # a short word's Swedish stem is too often an English word's too ("cars" and "care"
        # are both sv:car); it keeps the stem only when that is the word itself ("barn")
        keys = {k for k in keys if not k.startswith("sv:") or k == "sv:" + word}
    return frozenset(keys)


# ---- vocabularies ------------------------------------------------------------------------------


@dataclass(eq=False)
class Term:
    """One concept to look for, in one or more words/phrases ("energi | energy"), with what it
    belongs to (theme id, 'eligible', a keyword...)."""

    text: str
    alternatives: tuple[tuple[str, ...], ...]
    owner: str
    weight: float
    # found only where the text has one of the alternatives' very words: never inflected, never
    # inside a compound (rules' `literal` lists: "trains" is not "training")
    written_only: bool = False


@dataclass
class Hit:
    term: Term
    field: str
    position: int
    length: int  # tokens covered
    how: str  # exact | compound | fuzzy
    form: str  # the alternative that matched, as written in the rules
    literal: bool = False  # the text has the alternative's very words (not an inflection)


@dataclass
class Vocabulary:
    """Compiled lookup tables for a set of terms. `compounds=False`: whole words only."""

    compounds: bool = True
    single: dict[str, list[tuple[Term, str]]] = field(default_factory=lambda: defaultdict(list))
    phrases: dict[str, list[tuple[Term, tuple[str, ...], str, tuple[frozenset[str], ...]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    fuzzy_pool: dict[str, list[tuple[Term, str]]] = field(default_factory=lambda: defaultdict(list))
    _fuzzy_cache: dict[str, str | None] = field(default_factory=dict)
    # token -> ([(term, how, alternative, literal)], [phrases it may start])
    _cache: dict[str, tuple[list[tuple[Term, str, str, bool]], list]] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)  # tokens looked up
    _live: set[str] = field(default_factory=set)  # ... of which these match something

    def add(self, text: str, owner: str, weight: float, written_only: bool = False) -> Term | None:
        self._cache.clear()
        self._seen.clear()
        self._live.clear()
        alts = [(a.strip(), tuple(tokens(a))) for a in text.split(ALTERNATIVES)]
        alts = [(a, p) for a, p in alts if p]
        if not alts:
            return None
        term = Term(text.strip(), tuple(p for _, p in alts), owner, weight, written_only)
        for shown, parts in alts:
            if len(parts) == 1:
                for k in term_forms(parts[0]):
                    self.single[k].append((term, shown))
                if len(parts[0]) >= FUZZY_MIN:
                    self.fuzzy_pool[parts[0]].append((term, shown))
            else:
                part_forms = tuple(term_forms(p) for p in parts)
                for k in part_forms[0]:
                    self.phrases[k].append((term, parts, shown, part_forms))
        return term

    def _fuzzy(self, token: str) -> str | None:
        if token not in self._fuzzy_cache:
            from rapidfuzz import fuzz, process

            # a word inside another is a compound or a different word ("missions" in
            # "emissions", "produktion" in "nyproduktion"), not a spelling variant
            best = [
                m[0]
                for m in process.extract(
                    token, list(self.fuzzy_pool), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                )
                if m[0] not in token and token not in m[0]
            ]
            self._fuzzy_cache[token] = best[0] if best else None
        return self._fuzzy_cache[token]

    def _lookup(self, tok: str) -> tuple[list[tuple[Term, str, str, bool]], list]:
        """Per distinct token (cached): single-word terms it matches, and phrases it may start.
        Compound parts and spelling variants are tried only when no whole-word term matches."""
        cached = self._cache.get(tok)
        if cached is not None:
            return cached
        matched: list[tuple[Term, str, str, bool]] = []
        phrases: list = []
        seen: set[int] = set()
        for k in sorted(forms(tok)):  # sorted: the same order in every process
            for term, shown in self.single.get(k, ()):
                if id(term) not in seen:
                    seen.add(id(term))
                    matched.append((term, "exact", shown, normalise(shown) == tok))
            for entry in self.phrases.get(k, ()):
                if entry not in phrases:
                    phrases.append(entry)
        if self.compounds and len(tok) >= SPLIT_MIN:
            owners = {m[0].owner for m in matched}  # an owner with a whole-word match is done
            for k in sorted(compound_forms(tok)):
                for term, shown in self.single.get(k, ()):
                    if len(shown) < COMPOUND_MIN or shown.count(" "):
                        continue
                    if id(term) not in seen and term.owner not in owners:
                        seen.add(id(term))
                        matched.append((term, "compound", shown, False))
        if not matched and self.compounds and len(tok) >= FUZZY_MIN and self.fuzzy_pool:
            match = self._fuzzy(tok)
            matched.extend((t, "fuzzy", s, False) for t, s in self.fuzzy_pool.get(match or "", ()))
        self._cache[tok] = (matched, phrases)
        return matched, phrases

    def find(self, toks: list[str], field_name: str) -> list[Hit]:
        """Every term occurrence in a token list."""
        hits: list[Hit] = []
        cache = self._cache
        distinct = set(toks)
        for tok in distinct - self._seen:  # set algebra: the per-token work runs once per word
            self._seen.add(tok)
            matched, phrases = self._lookup(tok)
            if matched or phrases:
                self._live.add(tok)
        live = distinct & self._live
        if not live:
            return hits
        for i, tok in enumerate(toks):
            if tok not in live:
                continue
            matched, phrases = cache[tok]
            for term, how, shown, literal in matched:
                if term.written_only and (tok,) not in term.alternatives:
                    continue
                hits.append(Hit(term, field_name, i, 1, how, shown, literal))
            for term, parts, shown, part_forms in phrases:
                if _phrase_at(part_forms, toks, i):
                    span = tuple(toks[i : i + len(parts)])
                    if term.written_only and span not in term.alternatives:
                        continue
                    hits.append(Hit(term, field_name, i, len(parts), "exact", shown, span == parts))
        return hits


def _phrase_at(part_forms: tuple[frozenset[str], ...], toks: list[str], i: int) -> bool:
    """Whether a phrase (its words' forms) starts at toks[i]; its first word already matched."""
    if i + len(part_forms) > len(toks):
        return False
    for offset in range(1, len(part_forms)):
        tok = toks[i + offset]
        pf = part_forms[offset]
        # the phrase's last word may be a part of a compound ("e-hälsa" in "e-hälsotjänster",
        # "digital tvilling" in "digitala tvillingmodeller")
        if (
            tok not in pf
            and pf.isdisjoint(forms(tok))
            and (offset < len(part_forms) - 1 or pf.isdisjoint(compound_forms(tok)))
        ):
            return False
    return True


_MOVED = frozenset(["clean_tokens", "strip_boilerplate", "BOILERPLATE_WORDS", "LONG_SEGMENT"])


def __getattr__(name: str):  # noqa: ANN202
    """clean_tokens and strip_boilerplate live in boilerplate.py (which builds on this module);
    they are still importable from here, looked up only when asked for (no import cycle)."""
    if name in _MOVED:
        from callwatch import boilerplate

        return getattr(boilerplate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
