"""SQLite storage: the connection, stored calls and their field-level history, fetch runs, meta.

Callers use `from callwatch import store` and the names below; the submodules each hold one job
(db: connection and transactions; crawl: writing a crawl; calls: reading calls; runs; meta).
The schema and its numbered migrations are in callwatch.migrations, the raw response archive,
replay and HTTP cache in callwatch.archive.

Table ownership. Every table has one owning module, and only that module holds SQL that reads or
writes it; every other module calls the owner's functions. (The schema itself, CREATE and ALTER
and the data fixes inside a migration, is migrations.py's.) A query that joins tables of two
owners lives with the owner of one of them, the one whose question it answers, and only reads
the other's table; rows are written by their owner alone.

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
    profile_scores                   callwatch.scoring (writes and refresh reads),
                                     callwatch.score_reads (the other reads, so that
                                     scoring.py stays under the module size limit)
    reports                          callwatch.report_data
    users                            callwatch.web.auth
"""

from __future__ import annotations

from callwatch.store.calls import (
    call_columns,
    call_count,
    call_exists,
    call_history,
    call_ids,
    calls_by_id,
    changes_between,
    column_values,
    consortium_calls,
    content_hashes,
    count_calls,
    duplicate_links,
    duplicate_of,
    facts_of,
    first_seen,
    fts_ids,
    fts_query,
    fts_vocabulary,
    funders,
    get_call,
    has_search_index,
    links,
    listings,
    matching,
    open_count,
    query_calls,
    resolve_id,
    rounds_of_series,
    series_links,
    series_of,
    series_rounds,
    set_links,
    short_field_texts,
    stored_sources,
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
from callwatch.store.db import Database, open_db, short_wait, transaction
from callwatch.store.meta import add_meta, bump_data_version, delete_meta, get_meta, set_meta
from callwatch.store.runs import finish_run, interrupt_stale_runs, source_stats, start_run

__all__ = [
    "CALL_COLUMNS",
    "Counts",
    "Database",
    "FACT_COLUMNS",
    "JSON_FIELDS",
    "add_meta",
    "apply_crawl",
    "bump_data_version",
    "call_columns",
    "call_count",
    "call_exists",
    "call_history",
    "call_ids",
    "call_to_row",
    "calls_by_id",
    "changes_between",
    "column_values",
    "facts_of",
    "consortium_calls",
    "content_hashes",
    "count_calls",
    "delete_meta",
    "duplicate_links",
    "duplicate_of",
    "finish_run",
    "first_seen",
    "fts_ids",
    "fts_query",
    "fts_vocabulary",
    "funders",
    "get_call",
    "get_meta",
    "has_search_index",
    "interrupt_stale_runs",
    "links",
    "listings",
    "matching",
    "open_count",
    "open_db",
    "query_calls",
    "rederive_facts",
    "resolve_id",
    "rounds_of_series",
    "row_to_call",
    "row_to_dict",
    "series_links",
    "series_of",
    "series_rounds",
    "set_links",
    "short_field_texts",
    "set_meta",
    "short_wait",
    "source_stats",
    "start_run",
    "stored_sources",
    "transaction",
]
