import csv
import io
import json
import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from callwatch import store
from callwatch.models import Call
from tests.conftest import cli

TODAY = "2026-12-01"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # this week's fetch
OLD = T0 - timedelta(days=40)


def dl(days: int) -> str:
    return (
        datetime(2026, 12, 1, 14, 0, tzinfo=timezone(timedelta(hours=1))) + timedelta(days=days)
    ).isoformat()


def make(native, title, description, **kw):
    base = dict(
        source="demo",
        native_id=native,
        title=title,
        url=f"https://example.org/{native}",
        funder="Demo-myndigheten",
        status="open",
        description=description,
        eligibility="Kommuner och regioner kan söka.",
    )
    base.update(kw)
    return Call(**base)


CALLS = [
    make(
        "klimat",
        "Klimatanpassning i kommuner",
        "Skyfall och översvämningar: kommuner får stöd till klimatanpassningsåtgärder.",
        deadlines=[dl(20)],
        budget_amount=20e6,
        budget_currency="SEK",
    ),
    make(
        "cirkular",
        "Cirkulär ekonomi och återbruk i kommuner",
        "Återbruk, matsvinn och cirkulär ekonomi i offentlig sektor.",
        status="forthcoming",
        opens=dl(30),
        deadlines=[dl(90)],
    ),
    make(
        "evil",
        "[x](javascript:alert(1)) <script>alert(1)</script> klimatneutral stad",
        "Klimat och utsläpp: klimatneutrala städer 2030.",
        url="javascript:alert(1)",
        deadlines=[dl(45)],
    ),
    make(
        "mobilitet",
        "Hållbar mobilitet och kollektivtrafik i kommuner",
        "Cykel, kollektivtrafik och smart stad för bostadsbyggande och klimat.",
        deadlines=[dl(10)],
        budget_amount=300e6,
        budget_currency="SEK",
    ),
]
OLD_CALL = make(
    "digital",
    "Digitala tjänster för invånare",
    "Offentlig sektor utvecklar e-tjänster med öppna data.",
    deadlines=[dl(60)],
    budget_amount=5e6,
    budget_currency="SEK",
)


@pytest.fixture
def demo_db(tmp_path):
    """Four constructed "demo" calls fetched this week and one older call whose deadline moved:
    what the golden reports are made of."""
    path = tmp_path / "r.db"
    db = store.open_db(path)
    store.apply_crawl(db, "demo", [OLD_CALL], complete=False, now=OLD, run_id=None)
    moved = replace(OLD_CALL, deadlines=[dl(75)])
    store.apply_crawl(db, "demo", [moved, *CALLS], complete=False, now=T0, run_id=None)
    db.conn.close()
    return path


def test_kommun_report_swedish_golden(demo_db, golden):
    r = cli(
        "--db", demo_db, "report", "--kommun", "Umeå", "--today", TODAY, "--since", "2026-11-24"
    )
    assert r.exit_code == 0, r.output
    for heading in ("## Nya utlysningar", "## Stänger snart", "## Ändrade", "## Kommande"):
        assert heading in r.stdout
    assert "dagar kvar" in r.stdout and "sista dag: 2027-01-30 → 2027-02-14" in r.stdout
    golden("report_umea_sv.md", r.stdout)


def test_kommun_report_english_golden(demo_db, golden):
    r = cli(
        "--db",
        demo_db,
        "report",
        "--kommun",
        "umea",
        "--lang",
        "en",
        "--today",
        TODAY,
        "--since",
        "2026-11-24",
    )
    assert r.exit_code == 0
    for heading in ("## New calls", "## Closing soon", "## Changed", "## Forthcoming"):
        assert heading in r.stdout
    golden("report_umea_en.md", r.stdout)


def test_network_report_golden(demo_db, golden):
    r = cli("--db", demo_db, "report", "--network", "--today", TODAY, "--since", "2026-11-24")
    assert r.exit_code == 0
    section = r.stdout.split("## Per tema")[0]
    shared = re.search(
        r"### \[Hållbar mobilitet och kollektivtrafik i kommuner\][^\n]*\n(.*?)\n\n", section, re.S
    )
    assert shared and "Västerås" in shared.group(1)
    golden("report_network_sv.md", r.stdout)


def test_empty_sections_say_so(tmp_path):
    db = tmp_path / "empty.db"
    store.open_db(db).conn.close()
    r = cli("--db", db, "report", "--kommun", "Västerås", "--today", TODAY)
    assert r.exit_code == 0 and r.stdout.count("_Inga under perioden._") == 3
    assert "_Inget väntar på beslut just nu._" in r.stdout
    assert "_Inga utöver dem under Att besluta._" in r.stdout


def test_titles_cannot_inject(demo_db):
    r = cli(
        "--db", demo_db, "report", "--kommun", "uppsala", "--today", TODAY, "--since", "2026-11-24"
    )
    out = r.stdout
    assert "klimatneutral stad" in out
    assert not re.search(r"(?<!\\)\]\(javascript:", out) and not re.search(r"(?<!\\)<script", out)
    assert "\\[x\\](javascript:alert(1)) \\<script\\>" in out
    html = cli(
        "--db", demo_db, "report", "--kommun", "uppsala", "--format", "html", "--today", TODAY
    ).stdout
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html


def test_report_period_follows_previous_report(demo_db):
    first = cli("--db", demo_db, "report", "--kommun", "Stockholm", "--today", "2026-11-30")
    assert "2026-11-23 – 2026-11-30" in first.stdout  # first report: the last 7 days
    second = cli("--db", demo_db, "report", "--kommun", "Stockholm", "--today", TODAY)
    assert "2026-11-30 – 2026-12-01" in second.stdout
    again = cli("--db", demo_db, "report", "--kommun", "Stockholm", "--today", TODAY)
    assert again.stdout == second.stdout  # same database and date: same report


def test_html_is_self_contained(demo_db, tmp_path):
    out = tmp_path / "r.html"
    r = cli(
        "--db",
        demo_db,
        "report",
        "--kommun",
        "Umeå",
        "--format",
        "html",
        "--out",
        out,
        "--today",
        TODAY,
    )
    assert r.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in html
    assert not re.search(
        r"""(?:src|href)=["'](?!https?://example\.org)""",
        html.split("<body>")[1].replace('href="https://', ""),
    )
    assert "<link" not in html and "<script" not in html and 'class="timeline"' in html


def test_ics_export(demo_db, tmp_path):
    from icalendar import Calendar

    out = tmp_path / "umea.ics"
    r = cli(
        "--db",
        demo_db,
        "export",
        "--format",
        "ics",
        "--kommun",
        "umea",
        "--out",
        out,
        "--today",
        TODAY,
    )
    assert r.exit_code == 0
    cal = Calendar.from_ical(out.read_bytes())
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    ranked = json.loads(
        cli(
            "--db",
            demo_db,
            "rank",
            "--kommun",
            "umea",
            "--limit",
            "0",
            "--format",
            "json",
            "--today",
            TODAY,
        ).stdout
    )
    expected = sum(1 for c in ranked if c["deadline"]) + sum(
        1 for c in ranked if c["status"] == "forthcoming"
    )
    assert len(events) == expected
    uids = {str(e["uid"]) for e in events}
    assert "demo:klimat/deadline-0@callwatch" in uids and "demo:cirkular/opens@callwatch" in uids
    again = tmp_path / "again.ics"
    cli(
        "--db",
        demo_db,
        "export",
        "--format",
        "ics",
        "--kommun",
        "umea",
        "--out",
        again,
        "--today",
        TODAY,
    )
    assert {str(e["uid"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")} == uids


def test_csv_export_for_swedish_excel(demo_db, tmp_path):
    out = tmp_path / "u.csv"
    cli(
        "--db",
        demo_db,
        "export",
        "--format",
        "csv",
        "--kommun",
        "umea",
        "--out",
        out,
        "--today",
        TODAY,
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows and rows[0]["id"] and "Klimatanpassning i kommuner" in {r["titel"] for r in rows}
    excel = read_as_swedish_excel(raw)
    klimat = next(r for r in excel if r["titel"] == "Klimatanpassning i kommuner")
    assert klimat["budget"] == 20_000_000 and klimat["dagar kvar"] == 20
    assert isinstance(klimat["poäng"], float) and 0 < klimat["poäng"] < 1
    assert "," in next(r for r in rows if r["titel"] == klimat["titel"])["poäng"]
    assert klimat["status"] == "öppen" and "klimat" in klimat["varför"]
    comma = cli(
        "--db", demo_db, "export", "--format", "csv", "--delimiter", ",", "--today", TODAY
    ).stdout_bytes
    plain = list(csv.DictReader(io.StringIO(comma.decode("utf-8-sig"))))
    assert plain[0]["title"] and "." in plain[0]["score"] and "," not in plain[0]["score"]
    dot = cli(
        "--db", demo_db, "export", "--format", "csv", "--decimal", ".", "--kommun", "umea",
        "--today", TODAY,
    ).stdout_bytes  # fmt: skip
    assert "." in next(csv.DictReader(io.StringIO(dot.decode("utf-8-sig")), delimiter=";"))["poäng"]
    j = json.loads(
        cli(
            "--db", demo_db, "export", "--format", "json", "--kommun", "umea", "--today", TODAY
        ).stdout
    )
    assert {c["id"] for c in j} == {r["id"] for r in rows}


def read_as_swedish_excel(raw: bytes) -> list[dict]:
    """Parse a CSV the way Excel with Swedish regional settings opens it: UTF-8 when there is
    a BOM, ';' between fields, ',' as the decimal sign, space as thousands separator. A cell
    that parses as a number becomes a number; anything else stays text."""
    assert raw.startswith(b"\xef\xbb\xbf"), "without a BOM Excel reads UTF-8 as ANSI"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    number = re.compile(r"^-?\d+(?:,\d+)?$")

    def cell(v: str) -> object:
        v = v.replace("\u00a0", "").replace(" ", "") if number.match(v.replace(" ", "")) else v
        if number.match(v):
            return int(v) if "," not in v else float(v.replace(",", "."))
        return v

    return [{k: cell(v) for k, v in r.items()} for r in rows]


CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium on this machine")
def test_html_renders_in_headless_chromium(demo_db, tmp_path):
    import subprocess

    page = tmp_path / "r.html"
    cli(
        "--db",
        demo_db,
        "report",
        "--kommun",
        "Umeå",
        "--format",
        "html",
        "--out",
        page,
        "--today",
        TODAY,
        "--since",
        "2026-11-24",
    )
    shot = tmp_path / "r.png"
    assert CHROMIUM is not None
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=900,1600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == []


def test_long_sections_are_cut_with_a_pointer(tmp_path):
    from callwatch import report as report_mod

    path = tmp_path / "many.db"
    db = store.open_db(path)
    many = [
        replace(CALLS[0], native_id=f"klimat{i}", title=f"Klimatanpassning i kommuner {i}")
        for i in range(40)
    ]
    store.apply_crawl(db, "demo", many, complete=False, now=T0, run_id=None)
    db.conn.close()
    out = cli(
        "--db", path, "report", "--kommun", "Umeå", "--today", TODAY, "--since", "2026-11-24"
    ).stdout
    assert "## Nya utlysningar (40)" in out
    new = out.split("## Nya utlysningar (40)")[1].split("\n## ")[0]
    assert new.count("### ") == report_mod.SECTION_LIMIT and "…och 15 till" in new
