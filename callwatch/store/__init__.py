"""SQLite storage: the connection, stored calls and their field-level history, fetch runs, meta.

Callers use `from callwatch import store` and the names below; the submodules each hold one job
(db: connection and transactions; crawl: writing a crawl; calls: reading calls; runs; meta).
The schema and its numbered migrations are in callwatch.migrations, the raw response archive,
replay and HTTP cache in callwatch.archive.

Table ownership. Every table has one owning module, and only that module holds SQL that reads or
writes it; every other module calls the owner's functions. (The schema itself, CREATE and ALTER
and the data fixes inside a migration, is migrations.py's.) A query that joins tables of two
owners lives with the owner whose rows it returns and only reads the other table.

    calls, call_history, calls_fts   callwatch.store (crawl.py writes, calls.py reads)
    runs                             callwatch.store.runs
    meta                             callwatch.store.meta
    raw_responses, fetch_log,
    http_cache                       callwatch.archive
    link_keys, link_exact, link_days,
    link_words, link_df, link_pairs  callwatch.linking
    merged_calls                     callwatch.merge
    decisions, decisions_current     callwatch.decisions
    call_scores, theme_scores,
    profile_scores                   callwatch.scoring
    reports                          callwatch.report_data
    users                            callwatch.web.auth
"""

from __future__ import annotations

from callwatch.store.calls import (
    call_count,
    call_history,
    count_calls,
    fts_query,
    get_call,
    has_search_index,
    query_calls,
    resolve_id,
)
from callwatch.store.crawl import (
    CALL_COLUMNS,
    FACT_COLUMNS,
    JSON_FIELDS,
    Counts,
    apply_crawl,
    call_to_row,
    rederive_facts,
    row_to_call,
    row_to_dict,
)
from callwatch.store.db import Database, open_db, transaction
from callwatch.store.meta import bump_data_version, get_meta, set_meta
from callwatch.store.runs import finish_run, interrupt_stale_runs, source_stats, start_run

__all__ = [
    "CALL_COLUMNS",
    "FACT_COLUMNS",
    "JSON_FIELDS",
    "Counts",
    "Database",
    "apply_crawl",
    "bump_data_version",
    "call_count",
    "call_history",
    "call_to_row",
    "count_calls",
    "finish_run",
    "fts_query",
    "get_call",
    "get_meta",
    "has_search_index",
    "interrupt_stale_runs",
    "open_db",
    "query_calls",
    "rederive_facts",
    "resolve_id",
    "row_to_call",
    "row_to_dict",
    "set_meta",
    "source_stats",
    "start_run",
    "transaction",
]


def __getattr__(name: str) -> object:
    """Transition only: commands.py and web/app.py (rewritten on other branches) still name these
    here; new code imports them from callwatch.migrations / callwatch.archive."""
    if name == "SCHEMA_VERSION":
        from callwatch.migrations import SCHEMA_VERSION

        return SCHEMA_VERSION
    if name == "ArchiveReplay":
        from callwatch.archive import ArchiveReplay

        return ArchiveReplay
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
