import json

from tests.conftest import FIXTURES, RECORDINGS, cli


def test_fetch_offline_then_list_json(offline_db):
    """The offline fetch (conftest's offline_db_once checks its exit code) stores every kind;
    fetching it again changes nothing."""
    db = offline_db
    r = cli("--db", db, "calls", "--format", "json")
    data = json.loads(r.stdout)
    sources = {c["source"] for c in data}
    assert {"eu-ft", "vinnova", "energimyndigheten", "tillvaxtverket", "boverket"} <= sources
    assert all(c["title"] and c["url"] and c["status"] for c in data)
    api = [c for c in data if c["source"] in ("eu-ft", "vinnova")]
    assert api and all(c["deadlines"] for c in api)
    again = cli("--db", db, "fetch", "--offline")
    assert again.exit_code == 0
    lines = [ln.split("\t") for ln in again.stdout.splitlines()[1:]]
    assert lines and all(cols[3] == "0" and cols[4] == "0" for cols in lines)  # new, updated
    assert len(json.loads(cli("--db", db, "calls", "--format", "json").stdout)) == len(data)


def test_calls_filters_and_csv(offline_db):
    db = offline_db
    opened = json.loads(cli("--db", db, "calls", "--status", "open", "--format", "json").stdout)
    assert opened and {c["status"] for c in opened} == {"open"}
    found = json.loads(
        cli("--db", db, "calls", "--search", "Urban Mobility", "--format", "json").stdout
    )
    assert [c["id"] for c in found] == ["eu-ft:11264COMPETITIVE_CALL"]
    csv_out = cli("--db", db, "calls", "--source", "vinnova", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("id,source,native_id")
    import csv
    import io

    assert len(list(csv.DictReader(io.StringIO(csv_out)))) == 2
    bad = cli("--db", db, "calls", "--status", "pending")
    assert bad.exit_code == 2 and "--status 'pending'" in bad.stderr


def test_show_has_deadlines_and_history(offline_db):
    db = offline_db
    r = cli("--db", db, "show", "eu-ft:11143COMPETITIVE_CALL")
    assert r.exit_code == 0
    assert "METU Internships Offer" in r.stdout and "Deadlines:" in r.stdout
    j = json.loads(
        cli("--db", db, "show", "eu-ft:11143COMPETITIVE_CALL", "--format", "json").stdout
    )
    assert len(j["deadlines"]) == 7 and j["history"] == []
    missing = cli("--db", db, "show", "eu-ft:nope")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: no call with id")


def test_sources_lists_health(offline_db):
    db = offline_db
    data = json.loads(cli("--db", db, "sources", "--format", "json").stdout)
    by_id = {s["id"]: s for s in data}
    assert by_id["eu-ft"]["calls"] == 8 and by_id["eu-ft"]["last_success"]
    assert by_id["vinnova"]["kind"] == "vinnova-open-data"


def test_parse_prints_normalised_calls():
    r = cli("parse", "eu-ft", str(RECORDINGS / "eu-ft" / "001.json"), "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 4
    r = cli("parse", "vinnova", str(FIXTURES / "vinnova" / "ansokningsomgangar_constructed.json"))
    assert [c["id"] for c in json.loads(r.stdout)] == ["vinnova:2016-04968", "vinnova:2021-02297"]


def test_parse_errors_are_one_line():
    r = cli("parse", "vinnova", str(FIXTURES / "vinnova" / "api_ansokningsomgangar_docpage.html"))
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and "vinnova:" in r.stderr and "HTML" in r.stderr
    r = cli("parse", "nosuch", "x.json")
    assert r.exit_code == 1 and "unknown source" in r.stderr


def test_fetch_unknown_source_suggests(tmp_path):
    r = cli("--db", str(tmp_path / "t.db"), "fetch", "--source", "vinova", "--offline")
    assert r.exit_code == 1 and "did you mean 'vinnova'" in r.stderr


def test_corrupt_database_is_one_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database at all" * 50)
    r = cli("--db", str(bad), "calls")
    assert r.exit_code == 1 and r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1


def test_broken_source_file_names_file_and_key(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "x.toml").write_text('id = "x"\nname = "X"\nkind = "nope"\nfunder = "F"\n')
    r = cli("--sources", str(folder), "--db", str(tmp_path / "t.db"), "fetch", "--offline")
    assert r.exit_code == 1 and "x.toml: key 'kind'" in r.stderr


def test_fetch_from_archive_reparses_without_network(offline_db):
    import sqlite3

    db = offline_db
    # simulate an old parser having stored a worse title; re-parsing the archive repairs it
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE calls SET title = 'x', content_hash = 'old' WHERE id = 'vinnova:2016-04968'"
    )
    conn.commit()
    conn.close()
    r = cli("--db", db, "fetch", "--from-archive", "--source", "vinnova", "--source", "eu-ft")
    assert r.exit_code == 0, r.output
    shown = json.loads(cli("--db", db, "show", "vinnova:2016-04968", "--format", "json").stdout)
    assert shown["title"].startswith("Innovationer för ett hållbart samhälle")
    assert shown["history"][-1]["field"] == "title" and shown["history"][-1]["old"] == "x"
    both = cli("--db", db, "fetch", "--from-archive", "--offline")
    assert both.exit_code == 1 and "only one of" in both.stderr
