"""Getting calls in and checking the sources: fetch, sources, sources check, parse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callwatch.cli.common import FormatOption, SourceOption, TableFormat, run


def fetch(
    ctx: typer.Context,
    source: SourceOption = None,
    record: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER", help="Save every response into FOLDER (for --replay)."),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER", help="Replay a FOLDER made by --record; no network."),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Replay the recordings shipped with callwatch.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only failures (for cron).")
    ] = False,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="One JSON object per source and a summary.")
    ] = False,
    from_archive: Annotated[
        bool,
        typer.Option("--from-archive", help="Re-parse the archived responses; no network."),
    ] = False,
) -> None:
    """Fetch open and forthcoming calls from every enabled source into the database.

    \b
    Example:
      callwatch fetch
      callwatch fetch --offline
      callwatch fetch --source vinnova --record rec/
    """  # fmt: skip
    from callwatch import notices, pipeline

    with run(ctx) as ws:
        request = pipeline.FetchRequest(source, record, replay, offline, from_archive)
        progress = notices.FetchProgress(quiet, log_json, ws.lang)
        code = progress.summary(pipeline.fetch(ws, request, progress))
    raise typer.Exit(code)


def sources(ctx: typer.Context, fmt: FormatOption = TableFormat.table) -> None:
    """List sources and check their health: kind, calls held, last success, last failure.

    \b
    Example:
      callwatch sources
      callwatch sources check
    """  # fmt: skip
    if ctx.invoked_subcommand:
        return
    from callwatch import listings, views

    with run(ctx) as ws:
        listings.sources(views.source_rows(ws), fmt.value, ws.lang)


def sources_check(
    ctx: typer.Context,
    live: Annotated[bool, typer.Option("--live", help="Fetch from the funders' sites.")] = False,
    replay: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER", help="Check against a FOLDER made by fetch --record."),
    ] = None,
    source: SourceOption = None,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """Does each source's extraction still work? Replays the shipped recordings unless --live.

    \b
    Example:
      callwatch sources check
      callwatch sources check --live --source energimyndigheten
    """  # fmt: skip
    from callwatch import listings, views

    with run(ctx) as ws:
        health = views.source_health(ws, live, replay, source)
        code = listings.source_health(health, fmt.value, ws.lang)
    raise typer.Exit(code)


def parse(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, e.g. eu-ft.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A saved response body.")],
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="json (default), csv or table.")
    ] = TableFormat.json,
) -> None:
    """Print the calls a source's parser makes from one saved response (for debugging).

    \b
    Example:
      callwatch parse eu-ft callwatch/recordings/eu-ft/001.json
    """  # fmt: skip
    from callwatch import listings, views

    with run(ctx) as ws:
        listings.parsed(views.parse_file(ws, source, file), fmt.value, ws.lang)
