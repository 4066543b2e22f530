import json
import shutil

import pytest

from tests.conftest import RULES, cli, copy_db, frozen_env, profile_ids, theme_ids

CALLS = [
    {
        "id": "klimat-1",
        "title": "Klimatanpassning i kommuner",
        "url": "https://example.org/1",
        "funder": "Länsstyrelsen",
        "description": "Kommuner kan söka medel för klimatanpassningsåtgärder mot skyfall.",
        "deadline": "2027-03-01",
        "budget": 20000000,
    },
    {
        "id": "klimat-2",
        "title": "Energieffektivisering i flerbostadshus",
        "url": "https://example.org/2",
        "funder": "Boverket",
        "description": "Stöd till fastighetsägare och kommunala bostadsföretag.",
        "deadline": "2024-01-31",
    },
    {
        "id": "digital-1",
        "title": "Digitala tjänster för invånare",
        "url": "https://example.org/3",
        "funder": "Vinnova",
        "description": "Offentlig sektor utvecklar e-tjänster med öppna data.",
        "deadline": "2027-05-01",
        "budget": 5000000,
    },
    {
        "id": "company-1",
        "title": "Klimatsmarta produkter för företag",
        "url": "https://example.org/4",
        "funder": "Vinnova",
        "description": "Utsläpp ska minska.",
        "eligibility": "Huvudsökande ska vara ett företag.",
        "deadline": "2027-02-01",
    },
]


def _dump(path):
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def imported_db_once(tmp_path_factory):
    """CALLS imported once per module; tests take a copy (`imported_db`)."""
    tmp_path = tmp_path_factory.mktemp("imported")
    f = tmp_path / "calls.jsonl"
    f.write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in CALLS) + "\n", encoding="utf-8"
    )
    path = tmp_path / "t.db"
    with pytest.MonkeyPatch.context() as mp:
        frozen_env(mp, tmp_path)
        r = cli("--db", path, "import", f)
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture
def imported_db(imported_db_once, tmp_path):
    """The constructed CALLS imported into a database of the test's own."""
    return copy_db(imported_db_once, tmp_path / "t.db")


def test_import_then_rank_theme_json(imported_db):
    r = cli(
        "--db",
        imported_db,
        "rank",
        "--theme",
        "klimat",
        "--include-closed",
        "--format",
        "json",
        "--today",
        "2026-11-27",
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    ids = [c["id"] for c in data]
    assert ids[0] == "import:klimat-1"
    assert "import:klimat-2" in ids  # closed, but included
    assert "import:company-1" not in ids  # not eligible: hidden without --all
    first = data[0]
    for key in (
        "id",
        "title",
        "url",
        "funder",
        "deadline",
        "score",
        "themes",
        "eligibility",
        "reasons",
    ):
        assert key in first
    assert first["themes"]["klimat"] > 0.5 and first["eligibility"] == "eligible"
    assert any("klimatanpassning" in reason for reason in first["reasons"])
    assert first["factors"]["deadline"] == 1.0


def test_closed_hidden_by_default_and_all_shows_ineligible(imported_db):
    data = json.loads(
        cli(
            "--db",
            imported_db,
            "rank",
            "--theme",
            "klimat",
            "--format",
            "json",
            "--today",
            "2026-11-27",
        ).stdout
    )
    assert "import:klimat-2" not in [c["id"] for c in data]
    everything = json.loads(
        cli(
            "--db",
            imported_db,
            "rank",
            "--theme",
            "klimat",
            "--all",
            "--format",
            "json",
            "--today",
            "2026-11-27",
        ).stdout
    )
    company = next(c for c in everything if c["id"] == "import:company-1")
    assert company["eligibility"] == "not eligible" and company["factors"]["eligibility"] == 0.3


def test_as_of_date_reopens_old_calls(imported_db):
    data = json.loads(
        cli(
            "--db",
            imported_db,
            "rank",
            "--theme",
            "klimat",
            "--format",
            "json",
            "--today",
            "2024-01-10",
        ).stdout
    )
    row = next(c for c in data if c["id"] == "import:klimat-2")
    assert row["days_left"] == 21 and row["status"] == "open"


def test_within_days(imported_db):
    data = json.loads(
        cli(
            "--db",
            imported_db,
            "rank",
            "--theme",
            "digitalisering",
            "--within",
            "30",
            "--format",
            "json",
            "--today",
            "2027-04-15",
        ).stdout
    )
    assert [c["id"] for c in data] == ["import:digital-1"]
    assert data[0]["factors"]["deadline"] == 0.85 and data[0]["days_left"] == 16


def test_kommun_rank_table_and_csv(imported_db):
    r = cli("--db", imported_db, "rank", "--kommun", "Stockholm", "--today", "2026-11-27")
    assert r.exit_code == 0 and "import:digital-1" not in r.stdout  # table shows titles
    assert "Digitala tjänster för invånare" in r.stdout and "days" in r.stdout
    csv_out = cli(
        "--db",
        imported_db,
        "rank",
        "--kommun",
        "stockholm",
        "--format",
        "csv",
        "--today",
        "2026-11-27",
    ).stdout
    assert csv_out.splitlines()[0].startswith("rank,short_id,status,score,deadline,days_left")
    md = cli(
        "--db",
        imported_db,
        "rank",
        "--kommun",
        "stockholm",
        "--format",
        "md",
        "--today",
        "2026-11-27",
    ).stdout
    assert "| 1 |" in md and "[Digitala tjänster för invånare](https://example.org/3)" in md


def test_explain(imported_db):
    r = cli(
        "--db", imported_db, "explain", "klimat-1", "--kommun", "uppsala", "--today", "2026-11-27"
    )
    assert r.exit_code == 0
    assert (
        "priority" in r.stdout
        and "klimatanpassning" in r.stdout
        and "Eligibility: eligible" in r.stdout
    )
    j = json.loads(
        cli(
            "--db", imported_db, "explain", "klimat-1", "--kommun", "uppsala", "--format", "json"
        ).stdout
    )
    assert j["evidence"]["klimat"][0][0] == "klimatanpassning"


def test_unknown_kommun_suggests(imported_db):
    r = cli("--db", imported_db, "rank", "--kommun", "Upsala")
    assert r.exit_code == 1 and "did you mean 'Uppsala'" in r.stderr


def test_broken_rules_fail_every_rules_command_and_write_nothing(imported_db, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    p = rules / "themes.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace(
            '"klimat | climate | klimatet | klima | klimaet" = 3',
            '"klimat | climate | klimatet | klima | klimaet" = 30',
        ),
        encoding="utf-8",
    )
    before = _dump(imported_db)
    for args in (
        ["rank", "--kommun", "umea"],
        ["rank", "--theme", "klimat"],
        ["explain", "klimat-1", "--kommun", "umea"],
        ["rules", "check"],
    ):
        r = cli("--rules", rules, "--db", imported_db, *args)
        assert r.exit_code == 1, args
        assert (
            r.stderr.count("\n") == 1
            and "themes.toml: key 'klimat.terms.klimat.\"klimat | climate | klimatet | klima | klimaet\"'"
            in r.stderr
        )
    assert _dump(imported_db) == before


def test_rules_change_rescores(imported_db, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    base = json.loads(
        cli(
            "--rules",
            rules,
            "--db",
            imported_db,
            "rank",
            "--theme",
            "digitalisering",
            "--format",
            "json",
        ).stdout
    )
    p = rules / "themes.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace(
            '| e-tjänster för | digitala välfärdstjänster" = 3',
            '| e-tjänster för | digitala välfärdstjänster" = 0.5',
        ),
        encoding="utf-8",
    )
    after = json.loads(
        cli(
            "--rules",
            rules,
            "--db",
            imported_db,
            "rank",
            "--theme",
            "digitalisering",
            "--format",
            "json",
        ).stdout
    )
    assert after[0]["themes"]["digitalisering"] < base[0]["themes"]["digitalisering"]


def test_rules_check():
    r = cli("rules", "check")
    assert r.exit_code == 0, r.output
    assert f"{len(theme_ids())} themes" in r.stdout
    assert f"{len(profile_ids())} municipalities" in r.stdout


def test_rank_on_offline_data(offline_db):
    db = offline_db
    r = cli("--db", db, "rank", "--kommun", "umea", "--today", "2026-11-27")
    assert r.exit_code == 0 and "Where Umeå should engage" in r.stdout and "days" in r.stdout
    r = cli("--db", db, "rank", "--kommun", "umea", "--include-closed", "--today", "2026-11-27")
    assert r.exit_code == 0 and "should engage" not in r.stdout  # closed calls are listed
    assert "Calls for Umeå, closed ones included" in r.stdout
    data = json.loads(
        cli(
            "--db",
            db,
            "rank",
            "--kommun",
            "umea",
            "--include-closed",
            "--limit",
            "0",
            "--format",
            "json",
        ).stdout
    )
    ids = [c["id"] for c in data]
    assert "eu-ft:11264COMPETITIVE_CALL" in ids
    # listed by both Energimyndigheten and Viable Cities: ranked once
    assert sum("gemensam-acceleration" in i for i in ids) == 1
    # open to Norrbotten and Västerbotten only: eligible for Umeå, not for Skåne
    skane = json.loads(
        cli(
            "--db",
            db,
            "rank",
            "--kommun",
            "skåne",
            "--include-closed",
            "--all",
            "--limit",
            "0",
            "--format",
            "json",
        ).stdout
    )
    cirk = next(c for c in skane if c["id"] == "tillvaxtverket:7085")
    assert cirk["eligibility"] == "not eligible" and any("only for" in x for x in cirk["reasons"])
    umea = next(c for c in data if c["id"] == "tillvaxtverket:7085")
    assert umea["eligibility"] != "not eligible"


def _add_contract_columns(path):
    """The facts helper's columns, added here as its migration would (absent in this branch)."""
    import sqlite3

    conn = sqlite3.connect(path)
    have = {r[1] for r in conn.execute("PRAGMA table_info(calls)")}
    for col, kind in (
        ("stale", "INTEGER"),
        ("max_per_project", "REAL"),
        ("min_municipalities", "INTEGER"),
        ("consortium_required", "INTEGER"),
        ("municipality_may_apply", "TEXT"),
    ):
        if col not in have:
            conn.execute(f"ALTER TABLE calls ADD COLUMN {col} {kind}")
    return conn


def test_unknown_and_stale_below_every_dated_open_call(tmp_path):
    calls = [
        {
            "id": f"c{i}",
            "title": title,
            "url": f"https://example.org/{i}",
            "funder": "Demo",
            "description": "Kommuner kan söka stöd.",
            **({"deadline": "2027-01-20"} if dated else {}),
        }
        for i, (title, dated) in enumerate(
            [
                ("Klimatneutrala städer, klimatanpassning och utsläpp", False),
                ("Klimat och energi i kommunen, klimatneutral omställning", False),
                ("Cykel", True),
            ]
        )
    ]
    f = tmp_path / "calls.jsonl"
    f.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in calls) + "\n", "utf-8")
    path = tmp_path / "t.db"
    assert cli("--db", path, "import", f).exit_code == 0
    conn = _add_contract_columns(path)
    conn.execute("UPDATE calls SET status = 'unknown' WHERE native_id = 'c0'")
    conn.execute("UPDATE calls SET stale = 1 WHERE native_id = 'c1'")
    conn.execute("UPDATE calls SET min_municipalities = 2 WHERE native_id = 'c2'")
    conn.commit()
    conn.close()
    out = json.loads(
        cli(
            "--db", path, "rank", "--kommun", "umea", "--format", "json", "--today", "2026-11-27"
        ).stdout
    )
    ids = [c["id"].split(":")[-1] for c in out]
    assert ids[0] == "c2", ids  # the only dated open call, though the least relevant
    assert out[0]["joint"] and "2 municipalities" in out[0]["joint_reason"]
    rest = {c["id"].split(":")[-1]: c for c in out[1:]}
    assert rest["c0"]["verify"] and rest["c1"]["verify"]
    assert out[0]["score"] < max(c["score"] for c in out[1:])


def test_explain_factors_add_up(imported_db):
    r = cli("--db", imported_db, "explain", "klimat-1", "--kommun", "umea", "--format", "json")
    j = json.loads(r.stdout)
    f = j["factors"]
    assert f["relevance"] == pytest.approx((f["themes"] + f["keywords"]) * f["exclusion"], abs=2e-4)
    product = f["relevance"] * f["eligibility"] * f["deadline"] * f["size"]
    assert j["score"] == pytest.approx(product, abs=1e-4)
    weighted = max(s * {"klimat": 0.9}.get(t, 0) for t, s in j["themes"].items())
    assert f["themes"] >= weighted - 1e-3  # the strongest weighted theme is in the sum
    text = cli("--db", imported_db, "explain", "klimat-1", "--kommun", "umea").stdout
    assert "keyword bonus" in text and "themes" in text


def test_offline_data_dated_calls_first_and_climate_cities_in_umea_top_three(offline_db):
    db = offline_db
    for kommun in ("umea", "stockholm", "uppsala", "vasteras", "skelleftea", "trollhattan"):
        data = json.loads(
            cli(
                "--db", db, "rank", "--kommun", kommun, "--today", "2026-04-10",
                "--limit", "0", "--format", "json",
            ).stdout
        )  # fmt: skip
        dated = [
            not c["verify"]
            and (
                (c["status"] == "open" and c["deadline"] is not None)
                or c["status"] == "forthcoming"
            )
            for c in data
        ]
        # no undated, unknown or stale call above a dated one
        assert dated == sorted(dated, reverse=True), kommun
        if kommun == "umea":
            assert any("gemensam-acceleration" in c["id"] for c in data[:3])
