"""Looking at calls and adding them by hand: calls, show, extract, add, import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callwatch.cli.common import (
    ExtractFormat,
    FormatOption,
    SearchOption,
    SourceOption,
    TableFormat,
    TodayOption,
    run,
)


def calls(
    ctx: typer.Context,
    source: SourceOption = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="forthcoming, open, closed or unknown (repeatable).",
        ),
    ] = None,  # fmt: skip
    search: SearchOption = None,
    fmt: FormatOption = TableFormat.table,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", metavar="N", help="Show at most N (0 = all; tables default to 50)."
        ),
    ] = None,
) -> None:
    """List stored calls, soonest deadline first.

    \b
    Example:
      callwatch calls --status open
      callwatch calls --source vinnova --format csv
    """  # fmt: skip
    from callwatch import listings, views

    with run(ctx) as ws:
        page = views.calls(ws, source, status, search, limit, table=fmt == TableFormat.table)
        listings.calls(page, fmt.value, ws.lang)


def show(
    ctx: typer.Context,
    call_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Call id, its short id, a unique prefix or a row number."
        ),
    ],
    fmt: FormatOption = TableFormat.table,
) -> None:
    """Show every field of one call, its deadlines and its change history.

    \b
    Example:
      callwatch show d7v9cw
      callwatch show 3            (the third row of the last listing)
      callwatch show eu-ft:HORIZON-CL5-2026-09-D4-03 --format json
    """  # fmt: skip
    from callwatch import detail, views

    with run(ctx) as ws:
        detail.show(views.call_detail(ws, call_id), fmt.value, ws.lang)


def extract(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Saved call pages: HTML or UTF-8 text."),
    ],
    today: TodayOption = None,
    fmt: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="json (default) or table.")
    ] = ExtractFormat.json,
) -> None:
    """The facts of saved call pages, each with the sentence it came from.

    A .txt file's first line is its title.

    Example: callwatch extract page.txt --format table
    """
    from callwatch import listings, views

    with run(ctx):
        listings.extracted(views.extract_pages(files, today), fmt.value)


def add(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A saved call page: HTML or UTF-8 text.")
    ],
    url: Annotated[str, typer.Option("--url", metavar="URL", help="The page's address.")],
    funder: Annotated[
        str | None, typer.Option("--funder", metavar="NAME", help="Who funds the call.")
    ] = None,
) -> None:
    """Keep a saved call page as a call (its facts read from its text).

    Example: callwatch add page.html --url https://example.se/utlysning --funder Boverket
    """
    from callwatch import importer, notices

    with run(ctx) as ws:
        notices.added(importer.add_page(ws, file, url, funder), ws.lang)


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="JSON Lines file, one call per line.")
    ],
) -> None:
    """Add calls from a JSON Lines file; an invalid line imports nothing.

    \b
    Example:
      callwatch import calls.jsonl
    """  # fmt: skip
    from callwatch import importer, notices

    with run(ctx) as ws:
        notices.imported(importer.import_file(ws, file), file, ws.lang)
