"""Reports that lead to a decision, checked on the offline_db recordings (issue 12's Must show)."""

import contextlib
import re
import sqlite3

from callwatch import shortid, store
from tests.conftest import cli, profile_ids

APRIL = ["--today", "2026-04-10"]
JOINT = "energimyndigheten:gemensam-acceleration-mot-klimatneutrala-stader-2030"

# English words that must never appear in the prose of a Swedish report (funder titles, quoted
# matched terms, names and commands are stripped first: they are the funder's or the user's).
ENGLISH = {
    "engage", "engaged", "watch", "watched", "dismiss", "eligible", "unclear", "forthcoming",
    "closed", "open", "deadline", "days", "left", "matches", "mentions", "none", "verify",
    "unknown", "weight", "score", "decision", "decisions", "required", "the", "and", "of",
    "with", "calls", "call", "status", "budget_amount", "deadlines", "true", "false", "null",
}  # fmt: skip


def found(pattern: str, text: str) -> str:
    """The first group of `pattern` in `text`, which must match."""
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not found"
    return m.group(1)


def prose(report: str) -> str:
    """The report's own words: without titles, code, quoted terms, funder names and the
    municipality's own keywords or decision reasons."""
    out = []
    for line in report.splitlines():
        if line.startswith("### "):
            continue
        line = re.sub(r"`[^`]*`", " ", line)
        line = re.sub(r"\u201d[^\u201d]*\u201d", " ", line)
        line = re.sub(r"\*\*Finansiär:\*\*.*", " ", line)
        line = re.sub(r"era nyckelord: .*", " ", line)
        line = re.sub(r"\*\*Beslut:\*\* [^:]+: \w+( \w+)?", " ", line)
        line = re.sub(r"\([^)]*\) – .*", " ", line)  # a decision's reason and who
        out.append(line)
    return "\n".join(out)


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z_]+", prose(text).casefold()) if w in ENGLISH}


def test_kommun_report_has_decide_section_ids_and_mark_lines(offline_db):
    cli("--db", offline_db, "mark", JOINT, "--kommun", "Skellefteå", "--status", "engage")
    out = cli("--db", offline_db, "report", "--kommun", "Umeå", *APRIL).stdout
    decide = out.split("## Att besluta")[1].split("\n## ")[0]
    short = shortid.short(JOINT)
    assert "Gemensam acceleration mot Klimatneutrala städer 2030" in decide
    assert f"`callwatch mark {short} --kommun umea --status engage`" in decide
    assert "14 dagar kvar" in decide
    # the mark line works as printed
    line = found(r"`(callwatch mark [^`]+)`", decide).split()[1:]
    assert cli("--db", offline_db, *line, "--by", "Anna").exit_code == 0
    again = cli("--db", offline_db, "report", "--kommun", "Umeå", *APRIL).stdout
    assert "## Att besluta (0)" in again
    engaged = again.split("## Vi engagerar oss (1)")[1].split("\n## ")[0]
    assert "Gemensam acceleration" in engaged and "Anna" in engaged and "14 dagar kvar" in engaged


def test_watch_decisions_are_in_the_own_report(offline_db):
    r = cli(
        "--db", offline_db, "mark", JOINT, "--kommun", "umea", "--status", "watch", "--by", "Per"
    )
    assert r.exit_code == 0, r.output
    out = cli("--db", offline_db, "report", "--kommun", "Umeå", *APRIL).stdout
    watched = out.split("## Vi bevakar (1)")[1].split("\n## ")[0]
    assert "Gemensam acceleration" in watched and "bevakar" in watched and "Per" in watched
    assert "14 dagar kvar" in watched


def test_swedish_report_has_no_english_words(offline_db):
    cli(
        "--db",
        offline_db,
        "mark",
        JOINT,
        "--kommun",
        "umea",
        "--status",
        "watch",
        "--reason",
        "kolla",
    )
    for args in (["--kommun", "Umeå"], ["--network"], ["--kommun", "Stockholm"]):
        out = cli("--db", offline_db, "report", *args, *APRIL).stdout
        assert english_words(out) == set(), (args, english_words(out))
        assert "Matchar" not in out and not re.search(r"\bengage\b", prose(out))
    # the scanner does find them when they are there
    assert english_words("Sista dag: closed, 3 days left") == {"closed", "days", "left"}


def test_english_report_is_english(offline_db):
    out = cli("--db", offline_db, "report", "--kommun", "Umeå", "--lang", "en", *APRIL).stdout
    assert "## To decide (1)" in out and "days left" in out
    assert not re.search(r"\b(dagar|kvar|Sista|Finansiär|Behörighet)\b", out)


def test_invalid_period_is_one_line_usage_error(offline_db):
    r = cli("--db", offline_db, "report", "--kommun", "Umeå", "--since", "2027-01-01", *APRIL)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip().count("\n") == 0 and "after the report date" in r.stderr
    r = cli("--db", offline_db, "report", "--kommun", "Umeå", "--since", "2026-13-01")
    assert r.exit_code == 2 and "not a date" in r.stderr


def test_deadline_time_and_contract_facts_when_known(offline_db):
    """After the facts migration the report shows time of day, co-financing and the maximum
    per project; before it (this branch) the columns are absent and nothing breaks."""
    conn = store.open_db(offline_db)
    for col, typ in (
        ("deadline_has_time", "INTEGER"), ("max_per_project", "REAL"),
        ("cofinancing_required", "INTEGER"), ("min_municipalities", "INTEGER"),
        ("consortium_required", "INTEGER"),
    ):  # fmt: skip
        # the facts migration has added it by now; a test database of an older schema may not
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute(f"ALTER TABLE calls ADD COLUMN {col} {typ}")
    conn.execute(
        "UPDATE calls SET deadline_has_time = 1, max_per_project = 5000000, "
        "cofinancing_required = 1, min_municipalities = 2 WHERE id = ?",
        [JOINT],
    )
    conn.execute("UPDATE calls SET status = 'unknown' WHERE id LIKE 'boverket:%'")
    conn.conn.commit()
    conn.conn.close()
    out = cli("--db", offline_db, "report", "--kommun", "Umeå", *APRIL).stdout
    call = out.split("Gemensam acceleration mot Klimatneutrala städer 2030")[1].split("\n### ")[0]
    assert "2026-04-24 kl. 23.59 (14 dagar kvar)" in call
    # the linked Viable Cities listing states its own maximum, which the call carries
    assert "**Högst per projekt:** " in call and "**Medfinansiering:** krävs" in call
    net = cli("--db", offline_db, "report", "--network", *APRIL).stdout
    joint = net.split("## Kandidater för samarbete")[1].split("\n## ")[0]
    first = joint.split("\n### ")[1]
    assert first.startswith("[Gemensam acceleration mot Klimatneutrala städer 2030]")
    assert "kräver minst 2 kommuner" in first
    assert (
        "**Öppen eller stängd:** kontrollera hos finansiären" in net
        or "kontrollera" in cli("--db", offline_db, "report", "--kommun", "Västerås", *APRIL).stdout
    )
    en = cli("--db", offline_db, "report", "--kommun", "Umeå", "--lang", "en", *APRIL).stdout
    assert "2026-04-24 at 23:59" in en and "**Co-financing:** required" in en


def test_network_report_joint_candidates_urgent_first_and_themes_not_repeated(offline_db):
    cli(
        "--db",
        offline_db,
        "mark",
        JOINT,
        "--kommun",
        "Uppsala",
        "--status",
        "engage",
        "--by",
        "Eva",
    )
    out = cli("--db", offline_db, "report", "--network", *APRIL).stdout
    joint = out.split("## Kandidater för samarbete")[1].split("\n## ")[0]
    titles = re.findall(r"^### \[([^\]]+)\]", joint, re.M)
    assert titles[0] == "Gemensam acceleration mot Klimatneutrala städer 2030"
    days = [int(d) for d in re.findall(r"\*\*Sista dag:\*\* \S+ \((\d+) dagar kvar\)", joint)]
    assert days == sorted(days)
    assert "**Kommuner:**" in joint and "rankas högt av" in joint
    decided = out.split("## Beslut i nätverket (1)")[1].split("\n## ")[0]
    assert "Uppsala: engagerar sig – Eva" in decided
    themes = out.split("## Per tema")[1:]
    listed = set(titles)
    for section in themes:
        for t in re.findall(r"^### \[([^\]]+)\]", section, re.M):
            assert t not in listed, t
            listed.add(t)


def test_html_report_has_copyable_ids(offline_db):
    out = cli("--db", offline_db, "report", "--kommun", "Umeå", "--format", "html", *APRIL).stdout
    short = shortid.short(JOINT)
    assert f"<code>{short}</code>" in out and "user-select:all" in out
    assert f"callwatch mark {short} --kommun umea --status engage" in out


def test_sections_are_capped_with_counts_before_the_cut(offline_db):
    out = cli("--db", offline_db, "report", "--network", *APRIL).stdout
    m = re.search(r"## Kandidater för samarbete \((\d+)\)", out)
    assert m and int(m.group(1)) >= 1
    from callwatch import report_data

    assert report_data.THEME_LIMIT == 3
    for section in out.split("## Per tema")[1:]:
        assert section.count("\n### ") <= 3


def test_report_filters(offline_db):
    out = cli("--db", offline_db, "report", "--network", "--funder", "boverket", *APRIL).stdout
    joint = out.split("## Kandidater för samarbete")[1].split("\n## ")[0]
    assert "Boverket" in joint and "Energimyndigheten" not in joint
    out = cli("--db", offline_db, "report", "--network", "--search", "småhus", *APRIL).stdout
    assert "småhus" in out and "Gemensam acceleration" not in out
    out = cli("--db", offline_db, "report", "--network", "--min-budget", "25000000", *APRIL).stdout
    budgets = re.findall(r"\*\*Budget:\*\* (\d+) MSEK", out)
    assert "Gemensam acceleration" not in out and all(int(b) >= 25 for b in budgets)
    r = cli("--db", offline_db, "report", "--network", "--status", "shut", *APRIL)
    assert r.exit_code == 2 and "--status" in r.stderr


def test_decide_within_changes_the_window_not_the_closing_count(offline_db):
    wide = cli("--db", offline_db, "report", "--kommun", "Umeå", "--decide-within", "200", *APRIL)
    narrow = cli("--db", offline_db, "report", "--kommun", "Umeå", "--decide-within", "7", *APRIL)
    assert "## Att besluta (0)" in narrow.stdout
    n = int(found(r"## Att besluta \((\d+)\)", wide.stdout))
    assert n > 1
    closing = found(r"(\d+) stänger inom 30 dagar", wide.stdout)
    assert closing == found(r"(\d+) stänger inom 30 dagar", narrow.stdout) == "1"
    decide = wide.stdout.split("## Att besluta")[1].split("\n## ")[0]
    days = [int(d) for d in re.findall(r"\((\d+) dagar kvar\)", decide)]
    assert days == sorted(days) and days[0] == 14


def test_every_kommun_writes_one_file_each(offline_db, tmp_path):
    folder = tmp_path / "out"
    r = cli(
        "--db", offline_db, "report", "--every-kommun", "--format", "html", "--out", folder, *APRIL
    )
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(f"{pid}.html" for pid in profile_ids())
    assert "Utlysningar för Umeå" in (folder / "umea.html").read_text(encoding="utf-8")
    r = cli("--db", offline_db, "report", "--every-kommun", *APRIL)
    assert r.exit_code == 2 and "--out FOLDER or --mail-to" in r.stderr


def test_network_report_carries_the_requirement_from_the_other_listing(offline_db):
    """Energimyndigheten's bare listing and Viable Cities' full page are one call: the network
    report shows Viable Cities' "at least two municipalities" on it, first among joint candidates."""
    net = cli("--db", offline_db, "report", "--network", *APRIL).stdout
    first = net.split("## Kandidater för samarbete")[1].split("\n### ")[1]
    assert first.startswith("[Gemensam acceleration mot Klimatneutrala städer 2030]")
    assert "kräver minst 2 kommuner" in first and "**Budget:** 20 MSEK" in first


def test_swedish_explain_words_its_own_notes_in_swedish(offline_db):
    out = cli(
        "--db", offline_db, "--lang", "sv", "explain", JOINT, "--kommun", "Umeå", *APRIL
    ).stdout
    assert "kräver minst 2 kommuner" in out and "kommun kan söka: ja" in out
    for english in ("requires", "call facts", "(title,", "(summary,", "(description,"):
        assert english not in out, english
