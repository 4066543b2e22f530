"""What every command shares: the typed context (the global options as a `Workspace`), turning
expected errors into one line, the format choices and the option aliases defined once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from callwatch.errors import CallwatchError
from callwatch.workspace import Workspace


@contextmanager
def run(ctx: typer.Context) -> Iterator[Workspace]:
    """The workspace the global options describe; expected failures inside print one line on
    stderr (in the output's language) and exit non-zero, bugs keep their traceback."""
    ws = ctx.find_object(Workspace) or Workspace()
    try:
        yield ws
    except CallwatchError as e:
        from callwatch import messages
        from callwatch.safe import text

        line = messages.framed("error", text(e), ws.lang)  # one line, whatever the data in it
        typer.echo(line, err=True)
        raise typer.Exit(e.exit_code) from None


def warn(message: str) -> None:
    """A warning line on stderr (handed to library calls that may have one), in the language
    of the command being run (--lang / CALLWATCH_LANG)."""
    import click

    from callwatch import notices

    ctx = click.get_current_context(silent=True)
    ws = ctx.find_object(Workspace) if ctx is not None else None
    notices.warn(message, ws.lang if ws is not None else None)


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class RankFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


class ExportFormat(StrEnum):
    ics = "ics"
    csv = "csv"
    json = "json"


class ExtractFormat(StrEnum):
    json = "json"
    table = "table"


class DecisionStatus(StrEnum):
    engage = "engage"
    watch = "watch"
    dismiss = "dismiss"


FormatOption = Annotated[
    TableFormat,
    typer.Option("--format", "-f", help="table for people, json or csv for scripts."),
]
KommunOption = Annotated[
    str | None,
    typer.Option("--kommun", "-k", metavar="NAME", help="Municipality, e.g. Umeå or umea."),
]
KommunRequired = Annotated[
    str, typer.Option("--kommun", "-k", metavar="NAME", help="Municipality, e.g. Umeå or umea.")
]
ThemeOption = Annotated[
    str | None,
    typer.Option(
        "--theme", "-t", metavar="THEME",
        help="Theme in Swedish or English, e.g. klimat or climate.",
    ),
]  # fmt: skip
TodayOption = Annotated[
    str | None,
    typer.Option("--today", metavar="DATE", help="Act as if today were DATE (YYYY-MM-DD)."),
]
WithinOption = Annotated[
    int | None,
    typer.Option("--within", metavar="DAYS", help="Only calls closing within DAYS."),
]
IncludeClosedOption = Annotated[
    bool, typer.Option("--include-closed", help="Also calls whose deadline has passed.")
]
AllOption = Annotated[
    bool,
    typer.Option("--all", help="Also calls judged not eligible, excluded or dismissed."),
]
FunderOption = Annotated[
    str | None,
    typer.Option(
        "--funder", metavar="NAME", help="Only calls from this funder (part of its name)."
    ),
]
MinBudgetOption = Annotated[
    float | None,
    typer.Option(
        "--min-budget", metavar="SEK",
        help="Only calls with a known budget of at least SEK (EUR converted).",
    ),
]  # fmt: skip
SearchOption = Annotated[
    str | None,
    typer.Option("--search", metavar="TEXT", help="Only calls with TEXT in title or text."),
]
StatusFilterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--status", metavar="STATUS",
        help="Only calls with this status: open, forthcoming, closed, unknown (repeatable).",
    ),
]  # fmt: skip
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to FILE, not stdout.")
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", metavar="ID", help="Only this source (repeatable)."),
]
CallIdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="Call id, short id or row number.")
]
