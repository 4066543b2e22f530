"""A municipality's decisions on calls: mark, decisions, import-decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callwatch.cli.common import (
    CallIdArgument,
    DecisionStatus,
    FormatOption,
    KommunOption,
    KommunRequired,
    TableFormat,
    run,
)


def mark(
    ctx: typer.Context,
    call_id: CallIdArgument,
    kommun: KommunRequired,
    status: Annotated[
        DecisionStatus,
        typer.Option("--status", "-s", help="engage, watch or dismiss (hides the call)."),
    ],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why, in a few words.")
    ] = "",
    note: Annotated[
        str, typer.Option("--note", metavar="TEXT", help="Free-text note for colleagues.")
    ] = "",
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who decided.")] = "",
) -> None:
    """Record a municipality's decision on a call; every change is kept.

    \b
    Example:
      callwatch mark d7v9cw --kommun Umeå --status engage --by Anna
      callwatch mark 2 --kommun Umeå --status dismiss --reason "för litet"
    """  # fmt: skip
    from callwatch import actions, notices

    with run(ctx) as ws:
        marked = actions.mark(ws, call_id, kommun, status.value, reason, note, by)
        notices.marked(marked, ws.lang)


def decisions(
    ctx: typer.Context,
    kommun: KommunOption = None,
    status: Annotated[
        str | None,
        typer.Option("--status", "-s", metavar="STATUS", help="engage, watch or dismiss."),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every change, not just the current decision.")
    ] = False,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """List decisions: the current one per call and municipality (or every change).

    \b
    Example:
      callwatch decisions --kommun Umeå
      callwatch decisions --history --format json > decisions.json   (a backup)
    """  # fmt: skip
    from callwatch import listings, views

    with run(ctx) as ws:
        page = views.decision_rows(ws, kommun, status, history)
        listings.decisions(page, history, fmt.value, ws.lang)


def import_decisions(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="JSON from `callwatch decisions --format json`."),
    ],
) -> None:
    """Restore decisions from a backup; decisions already in the database are kept.

    \b
    Example:
      callwatch decisions --history --format json > decisions.json
      callwatch import-decisions decisions.json
    """  # fmt: skip
    from callwatch import actions, notices

    with run(ctx) as ws:
        notices.decisions_imported(actions.import_decisions(ws, file), file, ws.lang)
