"""Text analysis for Swedish and English: normalisation, tokens, Snowball stems, Swedish
compounds and spelling variants. Used by the matcher for theme terms, eligibility phrases and
municipality keywords alike.

A term matches a token when they share the raw form or a stem from the same stemmer. Single-word
terms of 5+ letters also match as the first or last part of a longer Swedish compound
("klimat" in "klimatanpassningsåtgärder", "bostad" in "bostadsförsörjning", "trafik" in
"kollektivtrafik"); shorter ones match whole words only, because "unga" is part of "tunga".
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

_SV = snowballstemmer.stemmer("swedish")
_EN = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"[0-9a-zåäöéèüæøßàáâêëïîôçñ]+")
COMPOUND_MIN = 5  # a term this long may be part of a compound
FUZZY_MIN = 8  # tokens and terms this long may match with small spelling differences
FUZZY_CUTOFF = 90.0


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def tokens(text: str) -> list[str]:
    # tokens over 40 characters are not words (a 1 MB "word" hung compound splitting): skipped
    return [t for t in _TOKEN.findall(normalise(text)) if len(t) <= 40]


@lru_cache(maxsize=200_000)
def keys(token: str) -> tuple[str, ...]:
    """The forms a token is looked up by: raw, Swedish stem and English stem."""
    return (token, "sv:" + _SV.stemWord(token), "en:" + _EN.stemWord(token))


@dataclass
class Term:
    """One phrase to look for, with what it belongs to (theme id, 'eligible', a keyword...)."""

    text: str
    parts: tuple[str, ...]
    owner: str
    weight: float


@dataclass
class Hit:
    term: Term
    field: str
    position: int
    how: str  # exact | compound | fuzzy


@dataclass
class Vocabulary:
    """Compiled lookup tables for a set of terms."""

    single: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    compound: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    phrases: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    fuzzy_pool: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    _fuzzy_cache: dict[str, str | None] = field(default_factory=dict)
    _cache: dict[str, tuple[list[tuple[Term, str]], list[Term]]] = field(default_factory=dict)

    def add(self, text: str, owner: str, weight: float) -> None:
        self._cache.clear()
        parts = tuple(tokens(text))
        if not parts:
            return
        term = Term(text, parts, owner, weight)
        if len(parts) == 1:
            word = parts[0]
            for k in keys(word):
                self.single[k].append(term)
            if len(word) >= COMPOUND_MIN:
                self.compound[word].append(term)
                self.compound[keys(word)[1]].append(term)  # Swedish stem: "bostad", "klimat"
            if len(word) >= FUZZY_MIN:
                self.fuzzy_pool[word].append(term)
        else:
            for k in keys(parts[0]):
                self.phrases[k].append(term)

    def _fuzzy(self, token: str) -> str | None:
        if token not in self._fuzzy_cache:
            from rapidfuzz import fuzz, process

            best = process.extractOne(
                token, list(self.fuzzy_pool), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            self._fuzzy_cache[token] = best[0] if best else None
        return self._fuzzy_cache[token]

    def _lookup(self, tok: str) -> tuple[list[tuple[Term, str]], list[Term]]:
        """Per distinct token (cached): single-word terms it matches, and phrases it may start.
        Compound parts and spelling variants are tried only when no whole-word term matches."""
        cached = self._cache.get(tok)
        if cached is not None:
            return cached
        matched: list[tuple[Term, str]] = []
        phrases: list[Term] = []
        seen: set[int] = set()
        for k in keys(tok):
            for term in self.single.get(k, ()):
                if id(term) not in seen:
                    seen.add(id(term))
                    matched.append((term, "exact"))
            phrases.extend(t for t in self.phrases.get(k, ()) if t not in phrases)
        if not matched and len(tok) >= COMPOUND_MIN + 2:
            for term in self._compound_parts(tok):
                if id(term) not in seen:
                    seen.add(id(term))
                    matched.append((term, "compound"))
        if not matched and len(tok) >= FUZZY_MIN and self.fuzzy_pool:
            match = self._fuzzy(tok)
            matched.extend((term, "fuzzy") for term in self.fuzzy_pool.get(match or "", ()))
        self._cache[tok] = (matched, phrases)
        return matched, phrases

    def find(self, toks: list[str], field_name: str) -> list[Hit]:
        """Every term occurrence in a token list."""
        hits: list[Hit] = []
        cache = self._cache
        for i, tok in enumerate(toks):
            entry = cache.get(tok)
            matched, phrases = entry if entry is not None else self._lookup(tok)
            if not matched and not phrases:
                continue
            for term, how in matched:
                hits.append(Hit(term, field_name, i, how))
            for term in phrases:
                if self._phrase_at(term, toks, i):
                    hits.append(Hit(term, field_name, i, "exact"))
        return hits

    def _phrase_at(self, term: Term, toks: list[str], i: int) -> bool:
        if i + len(term.parts) > len(toks):
            return False
        for offset, part in enumerate(term.parts):
            tok = toks[i + offset]
            if tok != part and not set(keys(part)) & set(keys(tok)):
                return False
        return True

    def _compound_parts(self, tok: str) -> list[Term]:
        found: list[Term] = []
        n = len(tok)
        for cut in range(COMPOUND_MIN, n - 1):  # head: tok[:cut] ("klimat|anpassning")
            found += self.compound.get(tok[:cut], [])
        for cut in range(2, n - COMPOUND_MIN + 1):  # tail: tok[cut:] ("kollektiv|trafik")
            tail = tok[cut:]
            found += self.compound.get(tail, [])
            found += self.compound.get(keys(tail)[1], [])
        return found
