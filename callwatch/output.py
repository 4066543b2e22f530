"""Rendering for the CLI: tables that fit the terminal for people, JSON and CSV for scripts.

No logic here. Tables are laid out by hand rather than by rich's wrapping, which splits words
mid-word ("Tillväxt|verket") in narrow terminals: each column has a natural width, a minimum
and a drop order; a table that does not fit loses its least important columns, then shrinks the
title column, and below that becomes a stacked list. Cells are cut at a word boundary and end
with "…"; a cell never continues on the next line. Every text cell goes through `term()`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from callwatch import safe
from callwatch.dates import local_datetime

GAP = "  "
STACK_BELOW = 60  # narrower than this, every listing is stacked


def term(value: object) -> str:
    """Text safe to print on a terminal, on one line (safe.text: escape sequences, control and
    bidi characters removed), whitespace collapsed. Every cell of a table goes through it."""
    return " ".join(safe.text(value).split())


csv_cell = safe.csv_cell  # every CSV cell goes through here: formulas neutralised


def console(stderr: bool = False):  # noqa: ANN201 - rich imported lazily
    """A rich console that never trusts text: every string printed through it is shown as
    plain text (no markup), without escape or control characters (see safe.terminal). A
    renderer that wants styling passes markup=True and wraps each data value in safe.markup()."""
    import shutil

    from rich.console import Console

    class SafeConsole(Console):
        def print(self, *objects: object, **kwargs: object) -> None:  # type: ignore[override]
            # markup=True is an explicit promise that funder data in the string went through
            # safe.markup(); without it every string is plain text
            markup = kwargs.pop("markup", None) is True
            objects = tuple(
                (safe.text(o, multiline=True) if markup else safe.terminal(o, multiline=True))
                if isinstance(o, str)
                else o
                for o in objects
            )
            super().print(*objects, markup=markup, **kwargs)  # type: ignore[arg-type]

    stream = sys.stderr if stderr else sys.stdout
    # Piped or captured output (cron mail, CI logs, files) gets a wide, stable layout instead
    # of rich's 80-column default, so tables stay readable.
    width = None if stream.isatty() else max(shutil.get_terminal_size((160, 24)).columns, 160)
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def width() -> int:
    """Columns to lay out for: $COLUMNS when set, else the terminal's, else 160 (pipes)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 160


def local_time(value: str | None, *, with_time: bool = True) -> str:
    """An ISO timestamp shown in Swedish local time, e.g. '2026-09-15 02:00'."""
    if not value:
        return ""
    try:
        dt = local_datetime(value)
    except (ValueError, TypeError, OverflowError):  # never crash a listing on one odd value
        return safe.text(value)[:25]
    return dt.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def clip(text: str, room: int) -> str:
    """`text` in at most `room` characters; cut at a word boundary where one is near, and
    marked with "…" whenever anything was cut."""
    if len(text) <= room:
        return text
    if room <= 1:
        return "…"[:room]
    cut = text[: room - 1]
    space = cut.rfind(" ")
    if space >= max(1, (room - 1) // 2):
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class Col:
    """One column of a listing. `drop`: 0 = always shown, higher = dropped earlier when the
    terminal is narrow. `flex`: the column that shrinks first (titles)."""

    header: str
    min: int = 3
    max: int = 60
    drop: int = 0
    flex: int = 0  # > 0: shrinks when space is short, highest first
    soft: int = 0  # a flexible column is not squeezed below this before others are dropped
    right: bool = False


def _as_col(c: Col | str) -> Col:
    return c if isinstance(c, Col) else Col(c)


def layout(
    columns: Sequence[Col | str], rows: Sequence[Sequence[object]], room: int
) -> tuple[list[int], list[int]] | None:
    """(indexes of the columns shown, their widths), or None when only a stacked list fits."""
    cols = [_as_col(c) for c in columns]
    cells = [[term(v) for v in r] for r in rows]
    natural = [
        min(max([len(c.header)] + [len(r[i]) for r in cells]), max(c.max, len(c.header)))
        for i, c in enumerate(cols)
    ]
    shown = list(range(len(cols)))

    def shrink(floor: Callable[[Col], int]) -> tuple[int, dict[int, int]]:
        widths = {i: natural[i] for i in shown}
        total = sum(widths.values()) + len(GAP) * (len(shown) - 1)
        for i in sorted((i for i in shown if cols[i].flex), key=lambda i: -cols[i].flex):
            give = min(total - room, widths[i] - max(floor(cols[i]), len(cols[i].header)))
            if give > 0:
                widths[i] -= give
                total -= give
        return total, widths

    while True:  # drop columns before squeezing titles and reasons below a readable width
        total, widths = shrink(lambda c: max(c.soft, c.min))
        if total <= room:
            return shown, [widths[i] for i in shown]
        droppable = [i for i in shown if cols[i].drop > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (cols[i].drop, i)))
    total, widths = shrink(lambda c: c.min)
    return (shown, [widths[i] for i in shown]) if total <= room else None


def table_lines(
    title: str | None, columns: Sequence[Col | str], rows: Sequence[Sequence[object]], room: int
) -> list[str]:
    """A plain-text table in `room` columns (or a stacked list when it cannot fit)."""
    cols = [_as_col(c) for c in columns]
    out = [clip(term(title), room)] if title else []
    if not rows:
        return out
    fitted = layout(cols, rows, room) if room >= STACK_BELOW else None
    if fitted is None:
        return out + stacked_lines(cols, rows, room)
    shown, widths = fitted

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, w in zip(shown, widths, strict=True):
            v = clip(values[i], w)
            parts.append(v.rjust(w) if cols[i].right else v.ljust(w))
        return GAP.join(parts).rstrip()

    out.append(line([c.header for c in cols]))
    out.append(GAP.join("─" * w for w in widths))
    for r in rows:
        out.append(line([term(v) for v in r]))
    return out


def stacked_lines(
    columns: Sequence[Col | str], rows: Sequence[Sequence[object]], room: int
) -> list[str]:
    """One block per row for narrow terminals: the always-shown columns on the first line, the
    flexible one (title) wrapped at word boundaries, the rest as 'header: value' lines."""
    cols = [_as_col(c) for c in columns]
    room = max(room, 20)
    out: list[str] = []
    indent = "   "
    for r in rows:
        values = [term(v) for v in r]
        head = " ".join(
            v for c, v in zip(cols, values, strict=True) if c.drop == 0 and not c.flex and v
        )
        out.append(clip(head, room))
        for c, v in zip(cols, values, strict=True):
            if not v or (c.drop == 0 and not c.flex):
                continue
            if c.flex:
                wrapped = textwrap.wrap(
                    v, room - len(indent), break_long_words=False, break_on_hyphens=False
                )
                out += [clip(indent + w, room) for w in wrapped[:3]]
                if len(wrapped) > 3:
                    out[-1] = (
                        clip(out[-1] + " …", room) if len(out[-1]) < room else out[-1][:-1] + "…"
                    )
            else:
                out.append(clip(f"{indent}{c.header}: {v}", room))
    return out


def table(title: str | None, columns: Sequence[Col | str], rows: Sequence[Sequence[object]]):  # noqa: ANN201
    """A table as text for `console().print`, fitted to the terminal width."""
    from rich.text import Text

    return Text("\n".join(table_lines(title, columns, rows, width())))


def print_table(
    title: str | None, columns: Sequence[Col | str], rows: Sequence[Sequence[object]]
) -> None:
    sys.stdout.write("\n".join(table_lines(title, columns, rows, width())) + "\n")


# ---------------------------------------------------------------------------------------------
# Formats: one renderer per format, chosen from a table


def print_json(data: object) -> None:
    sys.stdout.write(safe.json_dumps(data, indent=2, default=str) + "\n")


def print_csv(rows: Sequence[dict], columns: Sequence[str], *, delimiter: str = ",") -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), delimiter=delimiter, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(
            {
                k: safe.csv_cell(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                )
                for k, v in r.items()
            }
        )
    sys.stdout.write(buf.getvalue())


@dataclass
class Listing:
    """What a listing command shows: full rows for scripts, chosen cells for people."""

    rows: Sequence[dict]
    title: str
    columns: Sequence[Col | str]
    cells: Callable[[dict], Sequence[object]]
    empty: str = ""  # said instead of an empty table
    md: Callable[[Listing], str] | None = None
    json_rows: Sequence[dict] | None = None  # when scripts get a richer shape than the CSV
    csv_columns: Sequence[str] | None = None  # the CSV header when there are no rows


def _render_json(v: Listing) -> None:
    print_json(list(v.rows if v.json_rows is None else v.json_rows))


def _render_csv(v: Listing) -> None:
    columns = (
        list(v.rows[0]) if v.rows else (v.csv_columns or [_as_col(c).header for c in v.columns])
    )
    print_csv(v.rows, columns)


def _render_table(v: Listing) -> None:
    if not v.rows and v.empty:
        sys.stdout.write(term(v.empty) + "\n")
        return
    print_table(v.title, v.columns, [v.cells(r) for r in v.rows])


def _render_md(v: Listing) -> None:
    if v.md is not None:
        sys.stdout.write(v.md(v))
        return
    from callwatch.report import md

    heads = [_as_col(c).header for c in v.columns]
    lines = [f"## {md(v.title)}", "", "| " + " | ".join(md(h) for h in heads) + " |"]
    lines.append("|" + "---|" * len(heads))
    for r in v.rows:
        lines.append("| " + " | ".join(md(term(x)) for x in v.cells(r)) + " |")
    sys.stdout.write("\n".join(lines) + "\n")


RENDERERS: dict[str, Callable[[Listing], None]] = {
    "json": _render_json,
    "csv": _render_csv,
    "table": _render_table,
    "md": _render_md,
}


def show(view: Listing, fmt: str) -> None:
    RENDERERS[fmt](view)


def render(
    rows: Sequence[dict],
    fmt: str,
    title: str,
    columns: Sequence[Col | str],
    cells: Callable[[dict], Sequence[object]],
) -> None:
    """The shapes every listing command offers: JSON and CSV of the full rows for scripts,
    a table of the chosen columns for people."""
    show(Listing(rows, title, columns, cells), fmt)


def write_file(out: Path | str, data: str | bytes, *, protect: Path | str | None = None) -> None:
    """Write a whole file or nothing: a temporary file beside it, then os.replace. A symlink is
    followed only after its target is checked, and the database, its -wal/-shm/-journal and
    lock files are never a target (`report --out callwatch.db` destroyed every decision)."""
    import os
    import tempfile

    from callwatch.errors import CallwatchError

    out = Path(out)
    target = out.resolve()  # where the bytes would really land, symlinks followed
    if protect:
        db = Path(protect).resolve()
        guarded = {db} | {Path(str(db) + s) for s in ("-wal", "-shm", "-journal", ".fetch.lock")}
        if target in guarded or _same_file(target, db):
            raise CallwatchError(f"{out}: is the database (or beside it); choose another --out")
    if target.is_dir():
        raise CallwatchError(f"{out}: is a folder; give a file name")
    if target.exists() and not target.is_file():
        raise CallwatchError(f"{out}: not a regular file; choose another --out")
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise CallwatchError(f"{out}: cannot write ({e.strerror or e})") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)  # hard links too
    except OSError:
        return False


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def emit(
    data: str | bytes,
    out: Path | None,
    *,
    protect: Path | str | None = None,
    lang: str | None = None,
) -> None:
    """stdout, or the file --out names, written atomically (see write_file); never onto the
    database or the files beside it. "wrote FILE" is said in `lang` (the CLI's language)."""
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    write_file(out, data, protect=protect)
    from callwatch.messages import say

    console(stderr=True).print(say("wrote", lang, file=out), markup=False)
