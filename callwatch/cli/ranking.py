"""Matching and ranking: rank, explain, watch."""

from __future__ import annotations

from typing import Annotated

import typer

from callwatch.cli.common import (
    AllOption,
    CallIdArgument,
    FormatOption,
    FunderOption,
    IncludeClosedOption,
    KommunOption,
    KommunRequired,
    MinBudgetOption,
    RankFormat,
    SearchOption,
    StatusFilterOption,
    TableFormat,
    ThemeOption,
    TodayOption,
    WithinOption,
    run,
    warn,
)


def rank(
    ctx: typer.Context,
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
    from callwatch import inputs, listings, views

    with run(ctx) as ws:
        filters = inputs.make_filters(funder, min_budget, search, status)
        sel = views.Selection(
            kommun, theme, within, include_closed, show_all, today, filters, limit
        )
        listings.ranked(views.ranking(ws, sel, warn), fmt.value, ws.lang)


def explain(
    ctx: typer.Context,
    call_id: CallIdArgument,
    kommun: KommunRequired,
    fmt: FormatOption = TableFormat.table,
    today: TodayOption = None,
) -> None:
    """The full score breakdown of one call for one municipality.

    \b
    Example:
      callwatch explain d7v9cw --kommun Umeå
    """  # fmt: skip
    from callwatch import detail, views

    with run(ctx) as ws:
        detail.explain(views.explanation(ws, call_id, kommun, today, warn), fmt.value, ws.lang)


def watch(
    ctx: typer.Context,
    kommun: KommunRequired,
    fmt: FormatOption = TableFormat.table,
    today: TodayOption = None,
) -> None:
    """Everything a municipality engages in or watches, with deadlines, in one table.

    \b
    Example:
      callwatch watch --kommun Umeå
    """  # fmt: skip
    from callwatch import listings, views

    with run(ctx) as ws:
        page = views.watchlist(ws, kommun, today, fmt == TableFormat.table, warn)
        listings.watch(page, fmt.value, ws.lang)
