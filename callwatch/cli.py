"""The command line: thin commands that call the library and turn its errors into one line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from callwatch.errors import CallwatchError

# rich_markup_mode=None: plain click help, so `--help` does not import rich's markdown renderer
# (about 70 ms of a 0.2 s budget); tables elsewhere still use rich.
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Track research and innovation funding calls for Swedish municipalities.",
)
sources_app = typer.Typer(
    no_args_is_help=False, rich_markup_mode=None, help="List sources and check their health."
)
app.add_typer(sources_app, name="sources")


class State:
    db_path: Path | None = None
    sources_dir: Path | None = None
    rules_dir: Path | None = None

    def db(self, *, readonly: bool = False) -> Any:
        from callwatch import paths, store

        return store.open_db(self.db_path or paths.default_db(), readonly=readonly)

    def specs(self) -> list:
        from callwatch import paths, sources

        return sources.load_all(paths.sources_dir(self.sources_dir))


state = State()


@contextmanager
def user_errors() -> Iterator[None]:
    """Expected failures print one line on stderr and exit non-zero; bugs keep their traceback."""
    try:
        yield
    except CallwatchError as e:
        typer.echo(f"Error: {e}", err=True)
        raise typer.Exit(e.exit_code) from None


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", envvar="CALLWATCH_DB", help="SQLite database (default: user data dir)."
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option("--sources", envvar="CALLWATCH_SOURCES", help="Folder of source files."),
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", envvar="CALLWATCH_RULES", help="Folder of rules.")
    ] = None,
) -> None:
    state.db_path, state.sources_dir, state.rules_dir = db, sources, rules


@app.command()
def fetch(
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    record: Annotated[
        Path | None, typer.Option(help="Save every response into this folder.")
    ] = None,
    replay: Annotated[
        Path | None, typer.Option(help="Replay a folder made by --record; no network.")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Replay the recordings shipped with callwatch.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures.")] = False,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="One JSON object per event on stdout.")
    ] = False,
    from_archive: Annotated[
        bool,
        typer.Option("--from-archive", help="Re-parse the archived responses; no network."),
    ] = False,
) -> None:
    """Fetch open and forthcoming calls from every enabled source into the database.

    Example: callwatch fetch --offline
    """
    from callwatch import commands

    with user_errors():
        code = commands.fetch(state, source, record, replay, offline, quiet, log_json, from_archive)
    raise typer.Exit(code)


@app.command()
def calls(
    source: Annotated[list[str] | None, typer.Option("--source", "-s")] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="forthcoming, open or closed.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Words (or their beginnings) in id, title or text."),
    ] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", help="Show at most N (0 = all; tables default to 50)."),
    ] = None,
) -> None:
    """List stored calls, soonest deadline first.  Example: callwatch calls --status open"""
    from callwatch import commands

    with user_errors():
        commands.list_calls(state, source, status, search, fmt.value, limit)


@app.command()
def show(
    call_id: Annotated[str, typer.Argument(metavar="ID")],
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """Show every field of one call, its deadlines and its change history."""
    from callwatch import commands

    with user_errors():
        commands.show_call(state, call_id, fmt.value)


@sources_app.callback(invoke_without_command=True)
def sources_list(
    ctx: typer.Context,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """Each source: kind, enabled, calls held, last success, last error."""
    if ctx.invoked_subcommand:
        return
    from callwatch import commands

    with user_errors():
        commands.list_sources(state, fmt.value)


@app.command()
def parse(
    source: Annotated[str, typer.Argument(help="Source id, e.g. eu-ft or vinnova.")],
    file: Annotated[Path, typer.Argument(help="A saved response body.")],
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.json,
) -> None:
    """Print the calls a source's parser makes from one saved response (for debugging)."""
    from callwatch import commands

    with user_errors():
        commands.parse_file(state, source, file, fmt.value)


@sources_app.command("check")
def sources_check(
    live: Annotated[bool, typer.Option("--live", help="Fetch from the funders' sites.")] = False,
    replay: Annotated[
        Path | None, typer.Option(help="Check against a folder made by fetch --record.")
    ] = None,
    source: Annotated[list[str] | None, typer.Option("--source", "-s")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """Does each source's extraction still work? Replays the shipped recordings unless --live.

    Example: callwatch sources check --live
    """
    from callwatch import commands

    with user_errors():
        code = commands.sources_check(state, live, replay, source, fmt.value)
    raise typer.Exit(code)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)


class RankFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


TodayOption = Annotated[
    str | None, typer.Option("--today", help="Rank as of this date (YYYY-MM-DD).")
]


@app.command()
def rank(
    kommun: Annotated[str | None, typer.Option("--kommun", "-k", help="Municipality name.")] = None,
    theme: Annotated[str | None, typer.Option("--theme", "-t", help="Theme id or name.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most N (0 = all).")] = 20,
    within: Annotated[
        int | None, typer.Option("--within", help="Only deadlines within DAYS.")
    ] = None,
    include_closed: Annotated[bool, typer.Option("--include-closed")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also calls judged not eligible or excluded.")
    ] = False,
    fmt: Annotated[RankFormat, typer.Option("--format", "-f")] = RankFormat.table,
    today: TodayOption = None,
) -> None:
    """Rank calls for a municipality or a theme, best first, with the reasons.

    Example: callwatch rank --kommun Umeå
    """
    from callwatch import commands

    with user_errors():
        commands.rank(
            state, kommun, theme, limit, within, include_closed, show_all, fmt.value, today
        )


@app.command()
def explain(
    call_id: Annotated[str, typer.Argument(metavar="ID")],
    kommun: Annotated[str, typer.Option("--kommun", "-k", help="Municipality name.")],
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    today: TodayOption = None,
) -> None:
    """The full score breakdown of one call for one municipality."""
    from callwatch import commands

    with user_errors():
        commands.explain(state, call_id, kommun, today, fmt.value)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="JSON Lines file, one call per line.")],
) -> None:
    """Add calls from a JSON Lines file; an invalid line imports nothing.

    Example: callwatch import calls.jsonl
    """
    from callwatch import commands

    with user_errors():
        commands.import_calls(state, file)


rules_app = typer.Typer(
    rich_markup_mode=None, help="Check the theme, eligibility and municipality rules."
)
app.add_typer(rules_app, name="rules")


@rules_app.command("check")
def rules_check() -> None:
    """Validate every rules file; errors name the file and key."""
    from callwatch import commands

    with user_errors():
        commands.rules_check(state)


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


@app.command()
def report(
    kommun: Annotated[str | None, typer.Option("--kommun", "-k", help="Municipality name.")] = None,
    network: Annotated[bool, typer.Option("--network", help="One report for the network.")] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Cover changes from this date (YYYY-MM-DD).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="sv (default) or en.")] = "sv",
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    today: TodayOption = None,
) -> None:
    """The weekly report for a municipality or the whole network (Swedish by default).

    Example: callwatch report --kommun Umeå --out umea.md
    """
    from callwatch import commands

    with user_errors():
        commands.report(state, kommun, network, since, lang, fmt.value, out, today)


class ExportFormat(StrEnum):
    ics = "ics"
    csv = "csv"
    json = "json"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.ics,
    kommun: Annotated[str | None, typer.Option("--kommun", "-k")] = None,
    theme: Annotated[str | None, typer.Option("--theme", "-t")] = None,
    within: Annotated[int | None, typer.Option("--within")] = None,
    include_closed: Annotated[bool, typer.Option("--include-closed")] = False,
    show_all: Annotated[bool, typer.Option("--all")] = False,
    delimiter: Annotated[str, typer.Option("--delimiter", help="CSV separator.")] = ";",
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    today: TodayOption = None,
) -> None:
    """Calendar (ICS), spreadsheet (CSV for Excel) or JSON of the relevant calls.

    Example: callwatch export --format ics --kommun Uppsala --out uppsala.ics
    """
    from callwatch import commands

    with user_errors():
        commands.export(
            state, fmt.value, kommun, theme, within, include_closed, show_all, delimiter, out, today
        )


class DecisionStatus(StrEnum):
    engage = "engage"
    watch = "watch"
    dismiss = "dismiss"


@app.command()
def mark(
    call_id: Annotated[str, typer.Argument(metavar="ID")],
    kommun: Annotated[str, typer.Option("--kommun", "-k", help="Municipality name.")],
    status: Annotated[DecisionStatus, typer.Option("--status", "-s")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a few words.")] = "",
    note: Annotated[str, typer.Option("--note", help="Free-text note for colleagues.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who decided.")] = "",
) -> None:
    """Record a municipality's decision on a call; every change is kept.

    Example: callwatch mark eu-ft:HORIZON-CL5-2026-09-D4-03 --kommun Umeå --status engage --by Anna
    """
    from callwatch import commands

    with user_errors():
        commands.mark(state, call_id, kommun, status.value, reason, note, by)


@app.command()
def decisions(
    kommun: Annotated[str | None, typer.Option("--kommun", "-k")] = None,
    status: Annotated[str | None, typer.Option("--status", "-s")] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every change, not just the current.")
    ] = False,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """List decisions: the current one per call and municipality (or every change)."""
    from callwatch import commands

    with user_errors():
        commands.list_decisions(state, kommun, status, history, fmt.value)


@app.command()
def watch(
    kommun: Annotated[str, typer.Option("--kommun", "-k")],
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    today: TodayOption = None,
) -> None:
    """Everything a municipality engages in or watches, with deadlines, in one table."""
    from callwatch import commands

    with user_errors():
        commands.watch(state, kommun, fmt.value, today)
