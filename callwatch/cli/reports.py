"""Reports and exports: report, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callwatch.cli.common import (
    AllOption,
    ExportFormat,
    FunderOption,
    IncludeClosedOption,
    KommunOption,
    MinBudgetOption,
    OutOption,
    ReportFormat,
    SearchOption,
    StatusFilterOption,
    ThemeOption,
    TodayOption,
    WithinOption,
    run,
    warn,
)


def report(
    ctx: typer.Context,
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
    from callwatch import inputs, publish

    with run(ctx) as ws:
        request = publish.ReportRequest(
            kommun, network, every_kommun, since, lang or ws.lang or "sv", fmt.value, out, today,
            decide_within, inputs.make_filters(funder, min_budget, search, status), mail_to,
            mail_from,
        )  # fmt: skip
        code = publish.report(ws, request, warn)
    raise typer.Exit(code)


def export(
    ctx: typer.Context,
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
    from callwatch import inputs, output, publish, views

    with run(ctx) as ws:
        filters = inputs.make_filters(funder, min_budget, search, status)
        sel = views.Selection(kommun, theme, within, include_closed, show_all, today, filters)
        data = publish.export(ws, fmt.value, sel, delimiter, decimal, warn)
        output.emit(data, out, protect=ws.db_file, lang=ws.lang)
