"""Output safety: funder text is hostile, so every output format has ONE function here that makes
a value safe to write in that format. Renderers call these where data leaves callwatch; they do
not escape by hand.

- terminal(): plain text for rich (never parsed as markup), without control, escape or
  direction-override characters.
- csv_cell(): a cell a spreadsheet never runs as a formula (= + - @ tab CR are neutralised).
- md() / html() / url(): markdown and HTML text, and the only links ever emitted (http/https).
- ics(): iCalendar text (icalendar escapes the syntax; this removes what it lets through).
"""

from __future__ import annotations

import html as _html
import json
import re

# C0 controls, DEL, C1 controls, and the invisible characters that reorder or hide text:
# bidi embeddings/overrides/isolates (the "Trojan source" characters), LRM/RLM/ALM, and the
# Unicode line/paragraph separators that break a line where a reader does not expect it.
_CONTROL = "\x00-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}]")
_UNSAFE_KEEP_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")
# an ANSI escape sequence is removed whole, so no "[31m" residue is left behind
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def text(value: object, *, multiline: bool = False) -> str:
    """Any value as printable text: escape sequences and unsafe characters removed; on one
    line unless `multiline` (then only line feeds are kept, CR LF becomes LF)."""
    if value is None:
        return ""
    s = _ANSI.sub("", str(value))
    if multiline:
        s = s.replace("\r\n", "\n")
        return _UNSAFE_KEEP_NEWLINE.sub(" ", s)
    return " ".join(UNSAFE.sub(" ", s).split()) if UNSAFE.search(s) else s


def terminal(value: object, *, multiline: bool = False):  # noqa: ANN201 - rich.text.Text
    """A rich Text of the value: rich never reads markup ("[/b]", "[link=...]") in it."""
    from rich.text import Text

    return Text(text(value, multiline=multiline))


def markup(value: object) -> str:
    """A value to put inside a rich markup string the renderer writes itself
    (console.print(f"[bold]{safe.markup(title)}[/bold]", markup=True)): brackets escaped."""
    from rich.markup import escape

    return escape(text(value))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates: text starting with = + - @ tab or CR gets a
    leading apostrophe (OWASP's advice); numbers stay numbers. Line feeds inside a cell are
    kept (the csv module quotes them); every other control character is removed."""
    if value is None or isinstance(value, bool | int | float):
        return value
    s = text(value, multiline=True)
    if s.startswith(_FORMULA_START) or s.lstrip(" ").startswith(_FORMULA_START[:4]):
        s = "'" + s
    return s


_MD_SPECIAL = re.compile(r"([\\`*_\[\]!|<>~])")


def md(value: object) -> str:
    """Text from a funder, safe inside markdown (and in a table cell): no links, images, HTML,
    emphasis, headings or table breaks. Brackets are escaped, so "(...)" can never become a
    link target."""
    out = _MD_SPECIAL.sub(r"\\\1", " ".join(text(value).split()))
    return "\\" + out if out.startswith(("#", "-", "+", "=")) else out


def html(value: object) -> str:
    """Text from a funder, safe inside HTML elements and quoted attributes."""
    return _html.escape(text(value), quote=True)


_URL = re.compile(r"(?i)^https?://[^\s<>\"'`\\]+$")


def url(value: object) -> str | None:
    """The URL if it is a single-line http(s) link, else None: only such links are emitted
    (never javascript:, data: or a line break that starts a new markdown line)."""
    u = (value or "").strip() if isinstance(value, str) else ""
    if len(u) > 2048 or UNSAFE.search(u) or not _URL.match(u):
        return None
    return u.replace("(", "%28").replace(")", "%29")


def ics(value: object, *, multiline: bool = False) -> str:
    """Text for an iCalendar property: icalendar escapes , ; and line breaks; control and
    direction characters never reach the calendar."""
    return text(value, multiline=multiline)


_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}]")


def json_dumps(data: object, **kwargs: object) -> str:
    """JSON with ensure_ascii=False, except that the characters json leaves raw but a terminal
    acts on (DEL, C1 controls such as CSI, direction overrides) are written as \\uXXXX escapes:
    the same data, and valid JSON."""
    s = json.dumps(data, ensure_ascii=False, **kwargs)  # type: ignore[arg-type]
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)
