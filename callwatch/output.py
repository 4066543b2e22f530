"""Rendering for the CLI: rich tables for people, JSON and CSV for scripts. No logic here."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from callwatch import safe

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def console(stderr: bool = False):  # noqa: ANN201 - rich imported lazily
    """A rich console that never trusts text: every string printed through it is shown as
    plain text (no markup), without escape or control characters (see safe.terminal)."""
    import shutil

    from rich.console import Console

    class SafeConsole(Console):
        def print(self, *objects: object, **kwargs: object) -> None:  # type: ignore[override]
            kwargs.pop("markup", None)
            objects = tuple(
                safe.terminal(o, multiline=True) if isinstance(o, str) else o for o in objects
            )
            super().print(*objects, **kwargs)  # type: ignore[arg-type]

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
