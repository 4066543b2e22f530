"""Rendering for the CLI: rich tables for people, JSON and CSV for scripts. No logic here."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from callwatch import safe

STOCKHOLM = ZoneInfo("Europe/Stockholm")


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


def local_time(value: str | None, *, with_time: bool = True) -> str:
    """An ISO timestamp shown in Swedish local time, e.g. '2026-09-15 02:00'."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value).astimezone(STOCKHOLM)
    except (ValueError, TypeError, OverflowError):  # never crash a listing on one odd value
        return safe.text(value)[:25]
    return dt.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


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


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[object]]):  # noqa: ANN201
    from rich.table import Table

    # every cell and the title are Text: funder data is never read as rich markup
    t = Table(title=safe.terminal(title) if title else None, show_lines=False, expand=False)
    for c in columns:
        t.add_column(safe.terminal(c), overflow="fold")
    for r in rows:
        t.add_row(*(safe.terminal("" if v is None else v) for v in r))
    return t


def render(
    rows: Sequence[dict],
    fmt: str,
    title: str,
    columns: Sequence[str],
    cells: Callable[[dict], Sequence[object]],
) -> None:
    """The three shapes every listing command offers: JSON and CSV of the full rows for scripts,
    a table of the chosen columns for people."""
    if fmt == "json":
        print_json(list(rows))
    elif fmt == "csv":
        print_csv(rows, list(rows[0]) if rows else list(columns))
    else:
        console().print(table(title, columns, [cells(r) for r in rows]))


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
