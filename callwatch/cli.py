"""The command line: thin commands that call the library and turn its errors into one line.

Every command has an Example block and every option a help text (tests/test_docs.py checks);
usage errors are one line on stderr with exit code 2, like every other error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import Abort
from typer.core import TyperGroup

try:  # typer >= 0.2x carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer uses click itself
    from click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from callwatch.errors import CallwatchError


class OneLineErrors(TyperGroup):
    """Click prints usage errors as a usage block (or a framed box); callwatch promises one
    line on stderr: 'Error: <what> (see: callwatch <command> --help)', exit code 2."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as e:  # bare `callwatch`: the help, not an error
            typer.echo(e.ctx.get_help() if e.ctx else "")
            sys.exit(0)
        except UsageError as e:
            where = e.ctx.command_path if e.ctx else "callwatch"
            msg = " ".join(e.format_message().split())
            typer.echo(f"Error: {msg} (see: {where} --help)", err=True)
            sys.exit(2)
        except ClickException as e:
            typer.echo(f"Error: {' '.join(e.format_message().split())}", err=True)
            sys.exit(e.exit_code)
        except Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Track research and innovation funding calls for Swedish municipalities.",
)
sources_app = typer.Typer(cls=TyperGroup, no_args_is_help=False)  # help: sources_list
app.add_typer(sources_app, name="sources")
rules_app = typer.Typer(
    help="Check the theme, eligibility and municipality rules.\n\n\b\nExample:\n  callwatch rules check"
)
app.add_typer(rules_app, name="rules")


class State:
    lang: str | None = None  # --lang / CALLWATCH_LANG: one language for everything printed
    db_path: Path | None = None
    sources_dir: Path | None = None
    rules_dir: Path | None = None

    def db(self, *, readonly: bool = False, create: bool = False) -> Any:
        """The database; only commands that add data (fetch, import) may create it, so a
        mistyped --db on any other command is an error, not a new empty database."""
        from callwatch import paths, store

        return store.open_db(self.db_path or paths.default_db(), readonly=readonly, create=create)

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
        from callwatch.safe import text

        typer.echo(f"Error: {text(e)}", err=True)  # one line, whatever the data in it
        raise typer.Exit(e.exit_code) from None


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)


# ---------------------------------------------------------------------------------------------
# Options shared by several commands


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


def filters_from(
    funder: str | None, min_budget: float | None, search: str | None, status: list[str] | None
) -> Any:
    """The --funder/--min-budget/--search/--status options as one filter (checked once)."""
    from callwatch import commands

    return commands.make_filters(funder, min_budget, search, status)


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="CALLWATCH_DB",
            metavar="FILE",
            help="SQLite database (default: callwatch.db in the user data folder).",
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            envvar="CALLWATCH_SOURCES",
            metavar="FOLDER",
            help="Folder of source files (default: sources/).",
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            envvar="CALLWATCH_RULES",
            metavar="FOLDER",
            help="Folder of rules: themes, eligibility, municipalities (default: rules/).",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="CALLWATCH_LANG",
            metavar="LANG",
            help="Language of everything printed: en or sv (default en; reports sv).",
        ),
    ] = None,
) -> None:
    """Track research and innovation funding calls for Swedish municipalities.

    \b
    Example:
      callwatch fetch --offline
      callwatch rank --kommun Umeå
      callwatch --lang sv report --kommun Umeå --out umea.md
    """  # fmt: skip
    if lang is not None and lang not in ("sv", "en"):
        raise typer.BadParameter(f"unknown language {lang!r}; use sv or en", param_hint="--lang")
    state.db_path, state.sources_dir, state.rules_dir = db, sources, rules
    state.lang = lang


# ---------------------------------------------------------------------------------------------
# Fetching and looking at calls


@app.command()
def fetch(
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
    from callwatch import commands

    with user_errors():
        code = commands.fetch(state, source, record, replay, offline, quiet, log_json, from_archive)
    raise typer.Exit(code)


@app.command()
def calls(
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
    from callwatch import commands

    with user_errors():
        commands.list_calls(state, source, status, search, fmt.value, limit)


@app.command()
def show(
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
    from callwatch import commands

    with user_errors():
        commands.show_call(state, call_id, fmt.value)


@sources_app.callback(invoke_without_command=True)
def sources_list(ctx: typer.Context, fmt: FormatOption = TableFormat.table) -> None:
    """List sources and check their health: kind, calls held, last success, last failure.

    \b
    Example:
      callwatch sources
      callwatch sources check
    """  # fmt: skip
    if ctx.invoked_subcommand:
        return
    from callwatch import commands

    with user_errors():
        commands.list_sources(state, fmt.value)


@sources_app.command("check")
def sources_check(
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
    from callwatch import commands

    with user_errors():
        code = commands.sources_check(state, live, replay, source, fmt.value)
    raise typer.Exit(code)


@app.command()
def parse(
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
    from callwatch import commands

    with user_errors():
        commands.parse_file(state, source, file, fmt.value)


# ---------------------------------------------------------------------------------------------
# Matching and ranking


@app.command()
def rank(
    kommun: KommunOption = None,
    theme: ThemeOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", metavar="N", help="Show at most N (0 = all).")
    ] = 20,
    within: WithinOption = None,
    include_closed: IncludeClosedOption = False,
    show_all: AllOption = False,
    fmt: Annotated[
        RankFormat, typer.Option("--format", "-f", help="table, md, json or csv.")
    ] = RankFormat.table,
    today: TodayOption = None,
    funder: FunderOption = None,
    min_budget: MinBudgetOption = None,
    search: SearchOption = None,
    status: StatusFilterOption = None,
) -> None:
    """Rank calls for a municipality or a theme, best first, with the reasons.

    Each row has a short id that show, explain and mark accept (so does its row number).

    \b
    Example:
      callwatch rank --kommun Umeå
      callwatch rank --theme climate --within 60 --min-budget 1000000
      callwatch show 1
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        commands.rank(
            state, kommun, theme, limit, within, include_closed, show_all, fmt.value, today,
            filters_from(funder, min_budget, search, status),
        )  # fmt: skip


@app.command()
def explain(
    call_id: Annotated[str, typer.Argument(metavar="ID", help="Call id, short id or row number.")],
    kommun: KommunRequired,
    fmt: FormatOption = TableFormat.table,
    today: TodayOption = None,
) -> None:
    """The full score breakdown of one call for one municipality.

    \b
    Example:
      callwatch explain d7v9cw --kommun Umeå
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        commands.explain(state, call_id, kommun, today, fmt.value)


class ExtractFormat(StrEnum):
    json = "json"
    table = "table"


@app.command()
def extract(
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
    from callwatch import commands

    with user_errors():
        commands.extract_pages(files, today, fmt.value)


@app.command()
def add(
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
    from callwatch import commands

    with user_errors():
        commands.add_page(state, file, url, funder)


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="JSON Lines file, one call per line.")
    ],
) -> None:
    """Add calls from a JSON Lines file; an invalid line imports nothing.

    \b
    Example:
      callwatch import calls.jsonl
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        commands.import_calls(state, file)


@rules_app.command("check")
def rules_check() -> None:
    """Validate every rules file; errors name the file and key.

    \b
    Example:
      callwatch rules check
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        commands.rules_check(state)


# ---------------------------------------------------------------------------------------------
# Reports and exports


@app.command()
def report(
    kommun: KommunOption = None,
    network: Annotated[bool, typer.Option("--network", help="One report for the network.")] = False,
    every_kommun: Annotated[
        bool,
        typer.Option(
            "--every-kommun", help="One report per municipality (into --out FOLDER or mailed)."
        ),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Cover changes from DATE (default: the previous report).",
        ),
    ] = None,  # fmt: skip
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="LANG", help="sv (default for reports) or en."),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="md (markdown) or html.")
    ] = ReportFormat.md,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write to FILE (a folder with --every-kommun).",
        ),
    ] = None,  # fmt: skip
    today: TodayOption = None,
    decide_within: Annotated[
        int | None,
        typer.Option(
            "--decide-within",
            metavar="DAYS",
            help="'To decide': calls closing within DAYS with no decision (default 30).",
        ),
    ] = None,  # fmt: skip
    funder: FunderOption = None,
    min_budget: MinBudgetOption = None,
    search: SearchOption = None,
    status: StatusFilterOption = None,
    mail_to: Annotated[
        str | None,
        typer.Option(
            "--mail-to",
            metavar="ADDR[,ADDR]",
            help="E-mail the report (SMTP from CALLWATCH_SMTP_HOST, _PORT, _USER, ...).",
        ),
    ] = None,  # fmt: skip
    mail_from: Annotated[
        str | None,
        typer.Option("--mail-from", metavar="ADDR", help="Sender (default: the SMTP user)."),
    ] = None,
) -> None:
    """The weekly report for a municipality or the whole network (Swedish by default).

    \b
    Example:
      callwatch report --kommun Umeå --out umea.md
      callwatch report --network --format html --out natverket.html
      callwatch report --every-kommun --format html --out reports/
      callwatch report --kommun Umeå --mail-to anna@example.se,per@example.se
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        code = commands.report(
            state, kommun, network, since, lang or state.lang or "sv", fmt.value, out, today,
            decide_within=decide_within,
            filters=filters_from(funder, min_budget, search, status),
            every_kommun=every_kommun, mail_to=mail_to, mail_from=mail_from,
        )  # fmt: skip
    raise typer.Exit(code)


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="ics (calendar), csv (Excel) or json."),
    ] = ExportFormat.ics,
    kommun: KommunOption = None,
    theme: ThemeOption = None,
    within: WithinOption = None,
    include_closed: IncludeClosedOption = False,
    show_all: AllOption = False,
    delimiter: Annotated[
        str, typer.Option("--delimiter", metavar="CHAR", help="CSV separator (default ';').")
    ] = ";",
    decimal: Annotated[
        str | None,
        typer.Option(
            "--decimal",
            metavar="CHAR",
            help="Decimal sign in the CSV: ',' (default with ';') or '.'.",
        ),
    ] = None,  # fmt: skip
    out: OutOption = None,
    today: TodayOption = None,
    funder: FunderOption = None,
    min_budget: MinBudgetOption = None,
    search: SearchOption = None,
    status: StatusFilterOption = None,
) -> None:
    """Calendar (ICS), spreadsheet (CSV for Excel) or JSON of the relevant calls.

    \b
    Example:
      callwatch export --format ics --kommun Uppsala --out uppsala.ics
      callwatch export --format csv --kommun Umeå --out umea.csv
      callwatch export --format csv --delimiter , --decimal . --out calls.csv
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        commands.export(
            state, fmt.value, kommun, theme, within, include_closed, show_all, delimiter, out,
            today, filters_from(funder, min_budget, search, status), decimal, state.lang,
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Decisions


@app.command()
def mark(
    call_id: Annotated[str, typer.Argument(metavar="ID", help="Call id, short id or row number.")],
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
    from callwatch import commands

    with user_errors():
        commands.mark(state, call_id, kommun, status.value, reason, note, by)


@app.command()
def decisions(
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
    from callwatch import commands

    with user_errors():
        commands.list_decisions(state, kommun, status, history, fmt.value)


@app.command("import-decisions")
def import_decisions(
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
    from callwatch import commands

    with user_errors():
        commands.import_decisions(state, file)


@app.command()
def watch(
    kommun: KommunRequired,
    fmt: FormatOption = TableFormat.table,
    today: TodayOption = None,
) -> None:
    """Everything a municipality engages in or watches, with deadlines, in one table.

    \b
    Example:
      callwatch watch --kommun Umeå
    """  # fmt: skip
    from callwatch import commands

    with user_errors():
        commands.watch(state, kommun, fmt.value, today)


users_app = typer.Typer(no_args_is_help=True, help="Accounts for `callwatch serve`.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (sign-in name).")],
    kommun: Annotated[
        str,
        typer.Option("--kommun", "-k", metavar="NAME", help="The municipality they decide for."),
    ],
) -> None:
    """Add a user (or set a new password); the password is read from stdin or prompted.

    Example: callwatch users add anna --kommun Umeå
    """
    from callwatch import commands

    with user_errors():
        commands.users_add(state, name, kommun)


@users_app.command("list")
def users_list(
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table (default), json or csv.")
    ] = TableFormat.table,
) -> None:
    """List users: name, municipality, created, last sign-in.

    Example: callwatch users list
    """
    from callwatch import commands

    with user_errors():
        commands.users_list(state, fmt.value)


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Remove a user; their decisions stay in the history.

    Example: callwatch users remove anna
    """
    from callwatch import commands

    with user_errors():
        commands.users_remove(state, name)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8080,
) -> None:
    """Serve the web app for the network's coordinators (needs the `web` extra).

    Example: callwatch serve --port 8080
    """
    from callwatch import commands

    with user_errors():
        commands.serve(state, host, port)
