"""Swedish compound splitting against a word-frequency list (wordfreq's Swedish words): which
dictionary words a long word is made of ("klimatanpassningsåtgärder" is klimat + anpassning +
åtgärder). Pure and cached; text.py turns the parts into the forms a vocabulary looks up.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

MAX_TOKEN = 40  # longer "words" are junk (or an attack): skipped before any per-token work
SPLIT_MIN = 7  # tokens this long may be compounds
PART_MIN = 3  # a compound part is at least this long ...
PART_ZIPF = 2.5  # ... and at least this common in Swedish (wordfreq's Zipf scale)
MAX_PARTS = 4


@cache
def swedish_words() -> dict[str, float]:
    """Swedish words common enough to be compound parts, with their Zipf frequency."""
    import wordfreq

    floor = 10 ** (PART_ZIPF - 9)
    return {
        w: math.log10(f) + 9
        for w, f in wordfreq.get_frequency_dict("sv").items()
        if f >= floor and len(w) >= PART_MIN and w.isalpha()
    }


# Endings that the frequency list also has as "words" but that are never a compound's last part.
_NOT_A_PART = frozenset(
    [
        "ning",
        "ningen",
        "ningar",
        "ingen",
        "ingar",
        "ande",
        "ende",
        "else",
        "het",
        "heten",
        "lig",
        "liga",
        "ligt",
        "skap",
        "tion",
        "tioner",
        "are",
        "arna",
        "ering",
        "eringen",
        "erna",
        "ism",
        "ist",
        "iska",
        "isk",
        "ell",
        "ella",
    ]
)


# Prepositions and particles: a word that starts with one is a derivation ("förebyggande",
# "underlag", "överenskommelse"), not a compound of two topics.
_PARTICLES = frozenset(
    [
        "före",
        "efter",
        "under",
        "över",
        "genom",
        "mellan",
        "till",
        "fram",
        "samman",
        "utan",
        "inom",
        "utom",
        "ihop",
        "bort",
        "upp",
        "mot",
        "vid",
        "med",
        "för",
        "från",
        "kring",
        "bakom",
        "enligt",
    ]
)
# Swedish inflection endings, longest first: a last part "svinnet" is the word "svinn"
_INFLECTED = ("erna", "arna", "orna", "ens", "ets", "en", "et", "na", "er", "ar", "or", "n", "t")


@lru_cache(maxsize=200_000)
def compound_spans(word: str) -> tuple[tuple[str, int, int], ...]:
    """A Swedish compound's parts as (dictionary word, start, end) in `word`, or () when it is
    not one. Fewest parts win, then the most common parts. A part may be followed by a linking
    "s" ("bostad-s-byggnad") and a non-final part may drop a final -e or -a of its dictionary
    form ("medborgar(e)-inflytande"). A word that is itself in the dictionary is split only
    into longer, common parts, so "tillgänglighet" stays whole but "kollektivtrafiken" splits.
    """
    n = len(word)
    if n < SPLIT_MIN or n > MAX_TOKEN:
        return ()
    vocab = swedish_words()
    known = word in vocab
    min_len, min_zipf = (4, 3.0) if known else (PART_MIN, PART_ZIPF)
    # best[i]: (number of parts, -sum of Zipf, parts) for the rest of the word from i
    best: list[tuple[int, float, tuple[tuple[str, int, int], ...]] | None] = [None] * (n + 1)
    best[n] = (0, 0.0, ())
    for i in range(n - min_len, -1, -1):
        candidates = []
        for j in range(i + min_len, n + 1 if i else n - min_len + 1):  # two parts at least
            piece = word[i:j]
            last = j == n
            found = piece if piece in vocab else None
            if found is None and known:
                pass  # a dictionary word splits only into plain dictionary words
            elif found is None and not last:
                found = next((piece + e for e in "ea" if piece + e in vocab), None)
            elif found is None and len(piece) > 5:  # inflected last part: "cykel-banorna"
                found = next(
                    (
                        piece[: -len(e)]
                        for e in _INFLECTED
                        if piece.endswith(e)
                        and len(piece) - len(e) >= 4
                        and piece[: -len(e)] in vocab
                    ),
                    None,
                )
            if found is None or vocab[found] < min_zipf or (last and piece in _NOT_A_PART):
                continue
            if i == 0 and found in _PARTICLES:
                continue  # "före-byggande" is förebyggande (preventive), not a kind of building
            for k in (j, j + 1) if not last and word[j] == "s" else (j,):
                rest = best[k]
                if rest is None or rest[0] + 1 > MAX_PARTS or (k == n) != last:
                    continue
                part = (found, i, j)
                candidates.append((rest[0] + 1, rest[1] - vocab[found], (part, *rest[2])))
        if candidates:
            best[i] = min(candidates)
    return best[0][2] if best[0] else ()


def split_compound(word: str) -> tuple[str, ...]:
    """A Swedish compound's parts as dictionary words ("cykelinfrastrukturen" -> cykel,
    infrastrukturen), or () when it is not one."""
    return tuple(p[0] for p in compound_spans(word))
