"""Cut a call's text into sentences, each short enough that every pattern run over it is cheap.

Funders' pages are hostile input: one megabyte without a space must not make a regex crawl, so
the text is capped, over-long tokens are dropped and every sentence is cut to MAX_SENTENCE
characters before any rule sees it. A short label line ("Deadline", "Vem kan söka?") is joined to
the value under it, so "Deadline: 29.05.2024 17:00" reads as one sentence.
"""

from __future__ import annotations

import re

MAX_TEXT = 60_000  # characters of a call's text that are read at all
MAX_TOKEN = 80  # longer runs without a space are not words: dropped
MAX_SENTENCE = 600
MAX_SENTENCES = 1_500

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_LONG = re.compile(rf"\S{{{MAX_TOKEN},}}")
_BULLET = re.compile(r"^\s*[-•·*–▪◦>]\s*")
# a sentence ends at . ! ? followed by a space and an upper-case letter or a digit-free start;
# "9. september", "kl. 12.00" and "t.ex. " do not end one
_SPLIT = re.compile(r"(?<=[\w)\]”\"%][.!?])\s+(?=[A-ZÅÄÖÉÜ])")


def _is_label(line: str) -> bool:
    """A short heading-like line that names the value on the next line."""
    return (
        len(line) <= 60
        and not line.endswith(".")
        and not any(c.isdigit() for c in line)
        and len(line.split()) <= 8
    )


def sentences(text: str) -> list[str]:
    """The text's sentences, label lines joined to their values, each at most MAX_SENTENCE long."""
    text = _INVISIBLE.sub("", text[:MAX_TEXT])
    text = _LONG.sub(" ", text)
    lines = []
    for raw in text.splitlines():
        line = " ".join(_BULLET.sub("", raw).split())
        if line:
            lines.append(line)
    joined: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and _is_label(line):
            nxt = lines[i + 1]
            question = line.endswith(("?", ":"))
            if question or not _is_label(nxt):
                joined.append(line.rstrip(":") + ": " + nxt)
                i += 2
                continue
        joined.append(line)
        i += 1
    out: list[str] = []
    for line in joined:
        for s in _SPLIT.split(line):
            s = s.strip()
            while len(s) > MAX_SENTENCE:
                out.append(s[:MAX_SENTENCE])
                s = s[MAX_SENTENCE:]
            if s:
                out.append(s)
            if len(out) >= MAX_SENTENCES:
                return out
    return out
