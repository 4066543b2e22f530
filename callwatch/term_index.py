"""Which calls can contain a term: after a rules edit adds or removes terms, only these calls are
analysed again (scoring.py); every other call is re-weighed from its stored findings.

A term word w reaches a text word t (text.py) when they share a form (the word, a lemma, a
Snowball stem), when w is a part of t as a compound, or, for long words, by a small spelling
difference. Every form and compound part of t is, in practice, a piece of t that starts with the
first four letters of one of w's forms once accents are folded away ("bostäder" and "bostad"
share "bost"; "klimatanpassning" holds "anpa"); a spelling variant is checked against each text
word with the analyser's own fuzzy score. The text words come from the full-text index's
vocabulary (calls_fts, store.py), so no call text is read to find the candidates; the short
fields that index does not hold (eligibility, keywords, extra) are read and matched the same
way, and a merged call is a candidate when any of its listings is.

The test is a superset of what the analyser can match, except for irregular inflections whose
lemma changes the first four letters (Swedish "böcker"/"bok"): a call that a new term reaches
only through such a word gets it when the call is next analysed (its text or the analyser
changes).

It also says what the stored findings were made with (analyser_version, analysed_terms,
analysed_weights), so scoring.py can tell a weight-only edit from a term edit.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callwatch.rules import Rules
    from callwatch.store.db import Database

ANCHOR = 4  # letters of a form that every word reached by it holds
FTS_CHUNK = 200  # tokens per MATCH query


# what the stored findings depend on besides the terms: the analyser's own code
ANALYSER_FILES = ("text.py", "compounds.py", "boilerplate.py", "match.py")


def analyser_version() -> str:
    """Changes whenever the analyser's code does: stored findings are then read again."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in ANALYSER_FILES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()[:16]


def analysed_terms(rules: Rules) -> list[list[str]]:
    """Everything the analyser looks for, without weights, in rules order: when this is the same
    for two rules versions, they differ only in weights."""
    out: list[list[str]] = []
    for tid, theme in rules.themes.items():
        literal = set(theme.literal)
        out += [["theme" + (",literal" if t in literal else ""), tid, t] for t in theme.terms]
        out += [["exclude", tid, t] for t in theme.exclude]
        out += [["other", tid, t] for t in theme.other_senses]
    el = rules.eligibility
    strong = {s.casefold() for s in el.strong}
    literal = {s.casefold() for s in el.literal}

    def how(t: str) -> str:
        return ",".join(k for k, on in (("strong", t in strong), ("literal", t in literal)) if on)

    out += [["+", how(t.casefold()), t] for t in el.positive]
    out += [["-", how(t.casefold()), t] for t in el.negative]
    for pid, profile in rules.profiles.items():
        out += [["k", pid, t] for t in profile.keywords]
        out += [["x", pid, t] for t in profile.exclude]
    return out


def analysed_weights(rules: Rules) -> dict:
    """Every weight the scores use: theme terms ("theme|term"), eligibility phrases
    ("+|phrase", "-|phrase"; an [alone] phrase as [weight, "alone"], since how it counts is part
    of its weight) and each municipality's theme weights; and each municipality's region, which
    the stored per-municipality facts ("o": outside its region) depend on."""
    el = rules.eligibility
    alone = {s.casefold() for s in el.alone}
    negative = {
        f"-|{t}": [w, "alone"] if t.casefold() in alone else w for t, w in el.negative.items()
    }
    return {
        "t": {f"{tid}|{t}": w for tid, theme in rules.themes.items() for t, w in theme.terms.items()},
        "e": {**{f"+|{t}": w for t, w in el.positive.items()}, **negative},
        "p": {pid: p.weights for pid, p in rules.profiles.items()},
        "r": {pid: [p.nuts, p.lan] for pid, p in rules.profiles.items()},  # regions: see "o"
    }  # fmt: skip


def fold(text: str) -> str:
    """Casefolded without accents, as the full-text index (remove_diacritics) stores words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def changed_terms(before: list[list[str]], now: list[list[str]]) -> set[str] | None:
    """The texts of terms added, removed or moved between two scoring.analysed_terms(); None
    when only their order changed (which can change a call's evidence: read everything)."""
    a = {tuple(x) for x in before}
    b = {tuple(x) for x in now}
    if a == b:
        return None
    return {x[2] for x in a ^ b}


def anchors(terms: set[str]) -> tuple[set[str], set[str]]:
    """(pieces every word reached by these terms holds, long words reached by spelling too)."""
    from callwatch.text import ALTERNATIVES, FUZZY_MIN, forms, tokens

    pieces: set[str] = set()
    fuzzy: set[str] = set()
    for term in terms:
        for alt in term.split(ALTERNATIVES):
            for word in tokens(alt):
                for form in forms(word):
                    bare = form[3:] if form[2:3] == ":" else form
                    if bare:
                        pieces.add(fold(bare)[:ANCHOR])
                if len(word) >= FUZZY_MIN:
                    fuzzy.add(fold(word))
    return pieces, fuzzy


def _reached(words: list[str], pieces: set[str], fuzzy: set[str]) -> set[str]:
    """The (folded) words a changed term can reach."""
    if not words:
        return set()
    out: set[str] = set()
    if pieces:
        pattern = re.compile("|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True)))
        out |= {w for w in words if pattern.search(w)}
    if fuzzy:
        from rapidfuzz import fuzz, process

        from callwatch.text import FUZZY_CUTOFF, FUZZY_MIN

        long = [w for w in words if len(w) >= FUZZY_MIN]
        for word in fuzzy:
            # folding only makes letters equal, so the folded score is never below the real one
            for match, _, _ in process.extract(
                word, long, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
            ):
                out.add(match)
    return out


def candidates(db: Database, before: list[list[str]], now: list[list[str]]) -> set[str] | None:
    """Ids of the calls that can contain a term added or removed between two rules versions;
    None when it cannot be told (no full-text index, or only the order of terms changed)."""
    from callwatch import store

    terms = changed_terms(before, now)
    if terms is None or not store.has_search_index(db):
        return None
    pieces, fuzzy = anchors(terms)
    vocabulary = store.fts_vocabulary(db)
    if vocabulary is None:  # a SQLite without fts5vocab: read everything
        return None
    by_fold: dict[str, list[str]] = {}
    for word in vocabulary:
        by_fold.setdefault(fold(word), []).append(word)
    hit_words = [w for f in _reached(list(by_fold), pieces, fuzzy) for w in by_fold[f]]
    out: set[str] = set()
    for i in range(0, len(hit_words), FTS_CHUNK):
        query = " OR ".join(f'"{w}"' for w in hit_words[i : i + FTS_CHUNK])
        out.update(store.fts_ids(db, query))
    out |= _short_fields(db, pieces, fuzzy)
    return _with_merged(db, out)


def _short_fields(db: Database, pieces: set[str], fuzzy: set[str]) -> set[str]:
    """Calls whose eligibility, keywords or extra fields (not in the full-text index) hold a
    word a changed term can reach."""
    from callwatch import store

    words: dict[str, set[str]] = {}
    for cid, *texts in store.short_field_texts(db):
        for w in set(re.findall(r"\w+", fold(" ".join(t for t in texts if t)))):
            words.setdefault(w, set()).add(cid)
    return {cid for w in _reached(list(words), pieces, fuzzy) for cid in words[w]}


def _with_merged(db: Database, ids: set[str]) -> set[str]:
    """A merged call is scored on its listings' text: it is a candidate when any listing is."""
    from callwatch import merge

    groups = merge.member_lists(db)
    if groups is None:  # a database from before merging
        return ids
    out = set(ids)
    for canonical, members in groups:
        listed = set(json.loads(members or "[]")) | {canonical}
        if listed & ids:
            out |= listed
    return out
