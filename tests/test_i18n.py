"""One language per output: the notes callwatch writes about a call's priority (explain, rank,
exports, the web view) and the writing commands' messages, in Swedish with --lang sv and in
English otherwise. Scanned with the Swedish reports' scanner (tests/test_report_decide.py)."""

import json
import re

import pytest

from callwatch import priority
from callwatch.priority import Note
from callwatch.show_text import NOTES, note_text
from tests.conftest import cli
from tests.test_report_decide import APRIL, ENGLISH, JOINT

# Swedish words of callwatch's own notes and messages that must never appear in English output
SWEDISH = {
    "dag", "dagar", "kvar", "vikt", "behörighet", "nämner", "okänd", "kontrollera", "kommande",
    "stängd", "beslut", "bevakar", "engagerar", "avstår", "förra", "omgången", "gemensam",
    "möjlighet", "nyckelordsbonus", "uteslutande", "högst", "projekt", "kommuner", "kommunens",
    "kräver", "bara", "för", "ingen", "fast", "sista", "tid", "förbereda", "utlysningar",
    "utlysningen", "regler", "teman", "hämtar", "källor", "källa", "fel", "varning", "nya",
    "ändrade", "stängda", "importerade", "från", "rad", "fil", "filen", "inget", "ont", "om",
}  # fmt: skip


def own_words(text: str) -> str:
    """callwatch's own words in a line: without quoted terms ('...'), ids, URLs, dates, numbers
    and the funder's sentences (the eligibility evidence in parentheses)."""
    text = re.sub(r"'[^']*'", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\b[\w-]+:[\w.:/-]+", " ", text)  # call ids
    return text


def english_in(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z_]+", own_words(text).casefold()) if w in ENGLISH}


def swedish_in(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", own_words(text).casefold()) if w in SWEDISH}


SAMPLES = {
    "keyword_bonus": {"bonus": 0.05, "words": ["Rosendal"]},
    "theme": {"theme": "klimat", "score": 0.5, "weight": 0.9, "terms": ["climate"]},
    "theme_only": {"theme": "klimat", "score": 0.5, "terms": ["climate"]},
    "mentions": {"words": ["Rosendal"]},
    "outside": {"regions": "Norrbotten"},
    "excluded": {"words": ["gruvor"]},
    "eligibility": {"verdict": "unclear", "why": []},
    "joint": {"reason": "requires at least 2 municipalities"},
    "decision": {"status": "engage", "date": "2026-04-01", "by": "Anna", "reason": ""},
    "earlier_round": {"call_id": "x:1", "status": "dismiss", "date": "2025-04-01", "title": "T"},
    "earlier": {"status": "watch", "date": "2025-04-01", "title": "T"},
}


def every_note() -> list[Note]:
    """A note of every key, the factor notes made by priority itself."""
    notes = [Note(k, v) for k, v in SAMPLES.items()]
    notes.append(Note("eligibility", {"verdict": "eligible", "why": ["+ 'kommuner' (title)"]}))
    notes.append(Note("decision", {**SAMPLES["decision"], "reason": "mobilitet"}))
    for status, days, stale in [
        ("closed", None, False), ("open", 3, True), ("unknown", None, False),
        ("forthcoming", None, False), ("open", None, False), ("open", 1, False),
        ("open", 5, False), ("open", 10, False), ("open", 15, False), ("open", 40, False),
    ]:  # fmt: skip
        notes.append(priority.deadline_factor(status, days, stale)[1])
    for amount, per_project, minimum in [
        (None, None, None), (2e6, None, None), (None, 250_000, None), (2e6, None, 5e6),
        (None, 250_000, 5e6), (1_500_000, None, None),
    ]:  # fmt: skip
        notes.append(priority.size_factor(amount, "SEK", minimum, per_project)[1])
    return notes


def test_every_note_has_both_languages():
    assert set(NOTES["sv"]) == set(NOTES["en"])
    assert {n.key for n in every_note()} <= set(NOTES["en"])


def test_every_note_key_written_in_the_code_has_words():
    """A misspelt key (Note("keyword_bonu")) would print the bare key: every key the code
    writes, as a literal or through size_factor's two f-strings, has words in both languages."""
    from tests.conftest import ROOT

    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "callwatch").rglob("*.py"))
    keys = set(re.findall(r'\bNote\(\s*"([a-z_]+)"', code))
    keys |= {f"{what}{end}" for what in ("budget", "per_project") for end in ("", "_below_minimum")}
    keys |= {"eligibility_why", "decision_why"}  # note_text's own variants
    assert len(keys) > 15
    assert keys <= set(NOTES["en"]) and keys <= set(NOTES["sv"]), keys - set(NOTES["sv"])


@pytest.mark.parametrize("note", every_note(), ids=lambda n: n.key)
def test_a_note_is_in_one_language(note):
    sv, en = note_text(note, "sv"), note_text(note, "en")
    assert english_in(sv) == set(), sv
    assert swedish_in(en) == set(), en
    assert note_text(note, None) == en  # English unless Swedish is asked for


def test_notes_keep_the_english_wording_they_had():
    """English output is unchanged (scripts may read it)."""
    assert note_text(priority.deadline_factor("open", 5)[1], "en") == "only 5 days left"
    assert note_text(priority.deadline_factor("open", None)[1], "en") == "no fixed deadline"
    assert note_text(priority.size_factor(None, None, None)[1], "en") == "budget unknown"
    assert note_text(priority.size_factor(None, "SEK", None, 2e6)[1], "en") == (
        "per project up to 2 MSEK"
    )
    assert note_text(priority.size_factor(1e6, "SEK", 5e6)[1], "en") == (
        "budget 1 MSEK below the profile's minimum"
    )
    assert note_text(Note("outside", {"regions": "Norrbotten"}), "en") == "only for Norrbotten"
    assert note_text(priority.deadline_factor("open", 1)[1], "sv") == "bara 1 dag kvar"
    assert note_text(priority.size_factor(None, "SEK", None, 1.5e6)[1], "sv") == (
        "högst 1,5 MSEK per projekt"
    )
    assert note_text("a reason of its own", "sv") == "a reason of its own"


def reasons_section(out: str) -> list[str]:
    """The bullet lines under explain's 'Skäl:' / 'Reasons:' heading."""
    lines = out.splitlines()
    start = next(i for i, x in enumerate(lines) if x in ("Skäl:", "Reasons:"))
    return [x for x in lines[start + 1 :] if x.startswith("  - ")]


def eligibility_free(line: str) -> str:
    """A reason line without the funder's eligibility sentence it quotes."""
    return re.sub(r"^(  - (behörighet|eligibility): [^(]*)\(.*\)$", r"\1", line)


def test_swedish_explain_gives_its_notes_in_swedish(offline_db):
    cli("--db", offline_db, "mark", JOINT, "--kommun", "umea", "--status", "watch", "--by", "Per")
    ranked = json.loads(
        cli(
            "--db", offline_db, "rank", "--kommun", "umea", "--include-closed", "--all",
            "--limit", "12", "--format", "json", *APRIL,
        ).stdout
    )  # fmt: skip
    assert len(ranked) >= 8
    seen = set()
    for call in [c["id"] for c in ranked] + [JOINT]:
        args = ("explain", call, "--kommun", "umea", *APRIL)
        sv = cli("--db", offline_db, "--lang", "sv", *args).stdout
        en = cli("--db", offline_db, *args).stdout
        assert "Skäl:" in sv and "Reasons:" in en and "Reasons:" not in sv
        for line in reasons_section(sv):
            assert english_in(eligibility_free(line)) == set(), (call, line)
            seen.add(line.split()[1])
        for line in reasons_section(en):
            assert swedish_in(eligibility_free(line)) == set(), (call, line)
    assert {"behörighet:", "beslut:", "gemensam", "budget"} <= seen, seen
    sv = cli("--db", offline_db, "--lang", "sv", "explain", JOINT, "--kommun", "umea", *APRIL)
    assert "  - beslut: bevakar (" in sv.stdout and "  - 14 dagar kvar" in sv.stdout


def test_swedish_rank_json_and_md_have_swedish_notes(offline_db):
    """The region note ("only for ...") is stored with the scores in English; it is worded at
    output, so Skåne's Swedish ranking says "bara för"."""
    args = ["rank", "--kommun", "skåne", "--include-closed", "--all", "--limit", "0"]
    sv = json.loads(cli("--db", offline_db, "--lang", "sv", *args, "--format", "json").stdout)
    en = json.loads(cli("--db", offline_db, *args, "--format", "json").stdout)
    cirk = next(c for c in sv if c["id"] == "tillvaxtverket:7085")
    assert any(x.startswith("bara för ") for x in cirk["reasons"])
    for call in sv:
        for line in [*call["reasons"], call["joint_reason"]]:
            assert english_in(eligibility_free("  - " + line)) == set(), line
    for call in en:
        for line in [*call["reasons"], call["joint_reason"]]:
            assert swedish_in(eligibility_free("  - " + line)) == set(), line
    md = cli("--db", offline_db, "--lang", "sv", *args, "--format", "md").stdout
    for row in md.splitlines()[4:]:
        cells = row.split(" | ")
        status, days = cells[2], cells[4]
        why_labels = " ".join(part.split(":")[0] for part in cells[-1].split(";"))
        assert english_in(f"{status} {days} {why_labels}") == set(), row


# --- the writing commands' messages (fetch, import, rules check, sources) ---------------------

# "status" is Swedish too ("okänd status"); the reports avoid it, the messages need not
MESSAGE_ENGLISH = ENGLISH - {"status"} | {
    "skipped", "failed", "new", "updated", "warning", "error", "imported", "from", "line",
    "nothing", "was", "missing", "must", "be", "rules", "themes", "terms", "phrases",
    "municipalities", "source", "sources", "not", "found", "unknown", "fetching", "scored",
    "record", "records", "could", "fetched", "used", "listing", "topic", "details",
    "unavailable", "is", "a", "string", "isoformat", "folder", "file", "invalid", "key", "table", "read",
    "cannot", "such", "recording", "use", "only", "one", "number", "health", "kind", "message",
    "expected", "title", "seen", "errors", "duration", "already", "empty", "or", "more",
    "lines", "value", "expecting", "in", "replay", "live", "last", "run", "failures", "row",
}  # fmt: skip


def values_out(text: str) -> str:
    """A message without its values: quoted values, commands, paths and file names."""
    text = re.sub(r"'[^']*'|`[^`]*`|<\w+>", " ", text)
    text = re.sub(r"[\w.-]*(/[\w.+-]+)+/?", " ", text)  # paths
    return re.sub(r"\b[\w-]+(\.[\w-]+)+\b", " ", text)  # file names (x.toml, a.jsonl)


def message_english(text: str) -> set[str]:
    """English words in a message, leaving out its values (see values_out)."""
    words = re.findall(r"[A-Za-z_]+", values_out(text).casefold())
    return {w for w in words if w in MESSAGE_ENGLISH}


def message_swedish(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", values_out(text).casefold()) if w in SWEDISH}


def test_swedish_fetch_says_everything_in_swedish(tmp_path):
    sv = cli("--db", tmp_path / "sv.db", "--lang", "sv", "fetch", "--offline")
    en = cli("--db", tmp_path / "en.db", "fetch", "--offline")
    assert sv.exit_code == en.exit_code == 0, sv.output
    assert "boverket: ok, 3 utlysningar (3 nya, 0 ändrade, 0 stängda)" in sv.stderr
    assert "formas: hoppade över, 0 utlysningar" in sv.stderr and "varning:" in sv.stderr
    assert "boverket: ok, 3 calls (3 new, 0 updated, 0 closed)" in en.stderr
    for line in sv.stderr.splitlines():
        assert message_english(line) == set(), line
    for line in en.stderr.splitlines():
        assert message_swedish(line) == set(), line
    # tab-separated lines are for scripts: English column names and status codes in both
    assert (
        sv.stdout.splitlines()[0]
        == en.stdout.splitlines()[0]
        == ("source\tstatus\tseen\tnew\tupdated\tclosed\terrors\tduration")
    )


@pytest.mark.parametrize(
    "lines, line_no",
    [
        (['{"id": "a", "title": "T", "url": "https://x.example/a", "funder": "F"}', "{}"], 2),
        (["not json"], 1),
        (['{"id": "a", "title": "T", "url": "ftp://x", "funder": "F"}'], 1),
        (['{"id": "a", "title": "T", "url": "https://x.example/a", "funder": "F", '
          '"budget": -1}'], 1),
        (['{"id": "a", "title": "T", "url": "https://x.example/a", "funder": "F", '
          '"deadline": "soon"}'], 1),
        (['{"id": "a", "title": "T", "url": "https://x.example/a", "funder": "F"}'] * 2, 2),
        (["[1, 2]"], 1),
    ],
)  # fmt: skip
def test_import_errors_in_swedish_name_the_file_and_line(tmp_path, lines, line_no):
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    sv = cli("--db", db, "--lang", "sv", "import", path)
    en = cli("--db", db, "import", path)
    assert sv.exit_code == en.exit_code == 1 and sv.stdout == en.stdout == ""
    assert sv.stderr.count("\n") == en.stderr.count("\n") == 1  # one line
    assert sv.stderr.startswith(f"Fel: {path} rad {line_no}: "), sv.stderr
    assert en.stderr.startswith(f"Error: {path} line {line_no}: "), en.stderr
    assert message_english(sv.stderr) == set(), sv.stderr
    assert message_swedish(en.stderr) == set(), en.stderr


def test_import_and_rules_check_report_in_swedish(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text(
        '{"id": "a", "title": "T", "url": "https://x.example/a", "funder": "F", '
        '"deadline": "2027-01-01", "budget": 1000000}\n',
        encoding="utf-8",
    )
    sv = cli("--db", tmp_path / "c.db", "--lang", "sv", "import", path)
    assert sv.exit_code == 0 and sv.stdout.startswith("importerade 1 utlysningar från ")
    assert message_english(sv.stdout + sv.stderr) == set(), sv.output
    missing = cli("--db", tmp_path / "c.db", "--lang", "sv", "import", tmp_path / "no.jsonl")
    assert missing.exit_code == 1 and missing.stderr.startswith(f"Fel: {tmp_path / 'no.jsonl'}: ")
    assert message_english(missing.stderr) == set(), missing.stderr
    ok = cli("--lang", "sv", "rules", "check")
    assert ok.exit_code == 0 and ok.stdout.startswith("reglerna är giltiga: 7 teman (")
    assert message_english(ok.stdout.split("(")[0] + ok.stdout.split(")")[1]) == set()
    assert cli("rules", "check").stdout.startswith("rules OK: ")


@pytest.mark.parametrize(
    "edit",
    [
        ("kommuner/umea.toml", "name = ", "namn = "),
        ("kommuner/umea.toml", "[themes]", "[themes]\nokänt = 0.5"),
        ("themes.toml", "[klimat]", "[klimat]\nlabel = 3\n[x]"),
        ("kommuner/umea.toml", "[themes]", "[[themes"),
    ],
)
def test_rules_check_errors_in_swedish_name_the_file(tmp_path, edit):
    import shutil

    from tests.conftest import RULES

    shutil.copytree(RULES, tmp_path / "rules")
    name, old, new = edit
    f = tmp_path / "rules" / name
    f.write_text(f.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    sv = cli("--rules", tmp_path / "rules", "--lang", "sv", "rules", "check")
    en = cli("--rules", tmp_path / "rules", "rules", "check")
    assert sv.exit_code == en.exit_code != 0 and sv.stderr.count("\n") == 1
    assert sv.stderr.startswith("Fel: ") and str(f) in sv.stderr, sv.stderr
    assert message_english(sv.stderr) == set(), sv.stderr
    assert message_swedish(en.stderr) == set(), en.stderr


def test_sources_and_fetch_errors_in_swedish(offline_db, tmp_path):
    for args in (["fetch", "--source", "nope"], ["fetch", "--replay", tmp_path / "none"]):
        sv = cli("--db", offline_db, "--lang", "sv", *args)
        assert sv.exit_code != 0 and sv.stderr.startswith("Fel: ") and sv.stderr.count("\n") == 1
        assert message_english(sv.stderr) == set(), sv.stderr
    listing = cli("--db", offline_db, "--lang", "sv", "sources").stdout
    health = cli("--lang", "sv", "sources", "check").stdout
    assert "Källornas hälsa (uppspelning av " in health and "hoppade över" in health
    for out in (listing, health):
        for line in out.splitlines()[1:]:
            assert message_english(line) == set(), line
    en = cli("sources", "check").stdout
    assert "Source health (replay of " in en and message_swedish(en) == set()
    data = json.loads(cli("--lang", "sv", "sources", "check", "--format", "json").stdout)
    assert {r["status"] for r in data} <= {"ok", "skipped", "suspect", "broken", "failed"}


@pytest.mark.parametrize(
    "message",
    [
        "sources/x.toml: key 'kind' = 'y' is not one of 'feed', 'html'",
        "sources/x.toml: key 'expect.min_calls' must be a non-negative integer",
        "sources/x.toml: key 'id' = 'y' must equal the file name",
        "sources/x.toml: key 'options' must be a table",
        "sources/x.toml: key 'rate.delay' must be a number of seconds (0 or more)",
        "sources/x.toml: key 'options.url' is missing or has the wrong type",
        "/x/sources: no source files (*.toml)",
        "rules/kommuner/x.toml: keys 'keywords' and 'exclude' must be tables with 'terms'",
        "rules/kommuner/x.toml: key 'themes.x' is not a theme in themes.toml",
        "rules/kommuner/x.toml: key 'themes.klimat' must be a number from 0 to 1",
        "rules/kommuner/x.toml: key 'min_budget_sek' must be a finite non-negative number",
        "rules/kommuner/x.toml: name or alias 'umea' is also used by umea.toml",
        "rules/themes.toml: key 'klimat.terms.a.\"b\"': 'c' is listed twice (also in \"d\")",
        "rules/themes.toml: key 'mobilitet.other_senses': 'cykel' is also a term (\"cykel | x\")",
        "rules/themes.toml: theme 'klimat' is missing",
        "rules/eligibility.toml: key 'positive' must be a list of non-empty strings",
        "rules/eligibility.toml: key 'literal.phrases': 'x' is not a phrase of 'positive' or 'negative'",
        "rules/eligibility.toml: key 'alone.phrases': 'x' is not a phrase of 'negative'",
        "rules/eligibility.toml: key 'alone.phrases': 'x' is also in 'strong'",
        "rules/themes.toml: key 'mobilitet.literal': 'x' is not a term of 'mobilitet'",
        "unknown municipality 'umeo'; did you mean 'Umeå'? (known: Umeå, Uppsala)",
        "x: extraction looks broken (only 40% of calls have a title); the source may have "
        "changed its layout. Nothing was stored or closed; see `callwatch sources check`",
        "only 20% of calls have a deadline (expected at least 50%)",
        "0 calls found, expected at least 1",
        "120 calls found, more than the expected 100",
        "40 items read, none kept (e.g. none open to Swedish regions)",
        "3 record(s) skipped, e.g. 7",
        "saw 2 calls but 9 are open in the database; treated as partial, nothing closed",
        "2 call page(s) could not be fetched; used the listing text",
        "no API key: set VINNOVA_KEY",
        "CALLWATCH_SKIP is set; not needed",
        "a.jsonl line 3: url 'x y' is not a single-line http(s) URL; dropped",
        "a.jsonl line 3: deadline '1066-01-01' is not a date in 1990-2100; dropped",
        "a.jsonl line 3: title longer than 500 characters; cut",
        "a.jsonl line 2: id 'a' already on line 1; nothing was imported",
        "a.jsonl line 1: invalid JSON (Expecting value: line 1 column 1 (char 0))",
        "a.jsonl line 1: 'deadline': Invalid isoformat string: 'soon'",
        "a.jsonl line 1: opens '2' is not a date in 1990-2100; dropped",
        "vinnova: HTTP 503 from https://x.example/a (after 3 attempts)",
        "eu-ft: robots.txt does not allow https://x.example/a",
        "x: no recorded response for GET https://x.example/a in /rec",
        "vinnova: https://x.example/a: expected JSON but the server answered with an HTML page",
        "vr: https://x.example/a: field 'title' is missing",
        "formas-web: no links matching options.link_pattern on https://x.example/; the listing "
        "layout may have changed",
        "import:x1 matches none of Umeå's themes (relevance below 0.05); see `callwatch show x1`",
        "no call with id 'x' (see `callwatch calls`)",
        "no row 9 in the last listing (3 rows); give a call id instead",
        "'ab' matches 2 calls (ab1, ab2); give more of the id",
        "--today '2026-13-01' is not a date (YYYY-MM-DD)",
        "give exactly one of --kommun NAME or --theme NAME",
        "d.json row 1: missing or empty 'call_id'",
        "d.json row 2: unknown status 'x'",
        "d.json: expected a JSON list of decisions",
        "password too short: use at least 10 characters",
        "no user 'anna' (see `callwatch users list`)",
        "p.html: no title (first line of a .txt, <h1> or <title> of a page)",
        "rules/themes.toml: invalid TOML (Expected ']]' at the end of an array declaration (at "
        "line 7, column 9))",
    ],
)
def test_library_messages_have_swedish_words(message):
    from callwatch.messages import line_language, text

    assert text(message, "en") == message
    sv = text(message, "sv")
    assert message_english(sv) == set(), sv
    assert line_language(message, "sv")[0] == "sv", sv  # what the CLI's frame goes by


def test_a_message_without_swedish_words_keeps_one_language():
    """A library message SV_PHRASES does not know is not put in a Swedish frame."""
    from callwatch.messages import framed

    assert framed("error", "something new went wrong", "sv") == ("Error: something new went wrong")
    assert framed("error", "x.toml: file not found", "sv") == "Fel: x.toml: filen finns inte"
    assert framed("warning", "'abc'", "sv") == "varning: 'abc'"  # only a value: Swedish frame
    # partly known: the whole line stays English rather than half Swedish
    for half in (
        "/r/index.json: not a valid recording index (x)",
        "x.toml: key 'options.x' must be something new",
    ):
        assert framed("error", half, "sv") == f"Error: {half}"
    # values (a report's title, environment names, listed ids) are not English words
    assert framed("error", "vr: https://x/y: field 'title' is empty", "sv") == (
        "Fel: vr: https://x/y: fältet 'title' är tomt"
    )
    assert framed("error", "unknown source 'nope'; known: boverket, vr", "sv") == (
        "Fel: okänd källa 'nope'; kända: boverket, vr"
    )


def test_quoted_values_keep_their_words():
    from callwatch.messages import text

    said = text("x.jsonl line 3: 'title' is empty: 'Permission denied; file not found'", "sv")
    assert said == "x.jsonl rad 3: 'title' är tom: 'Permission denied; file not found'"


def test_a_source_line_is_in_one_language(capsys):
    """fetch's line for a source carries the source's message; a message that cannot be worded
    in Swedish makes the whole line English."""
    from callwatch.fetch import SourceReport
    from callwatch.notices import FetchProgress

    progress = FetchProgress(quiet=False, log_json=False, lang="sv")
    for message in ("no API key: set X_KEY (register for a free key at https://p/)", "odd thing"):
        progress.source_done(SourceReport(source="s", status="skipped", message=message))
    known, unknown = capsys.readouterr().err.splitlines()
    assert known.startswith("s: hoppade över") and "registrera dig" in known
    assert unknown.startswith("s: skipped") and unknown.endswith("- odd thing")


def test_library_warnings_follow_the_commands_language(capsys):
    """The warnings library calls hand to the CLI's `warn` are in the command's language."""
    import click

    from callwatch.cli.common import warn
    from callwatch.workspace import Workspace

    message = "warning: the database is read-only; scores were not refreshed"
    with click.Context(click.Command("x"), obj=Workspace(lang="sv")):
        warn(message)
    with click.Context(click.Command("x"), obj=Workspace()):
        warn(message)
    warn("warning: no users yet; add one with `callwatch users add NAME --kommun KOMMUN`")
    sv, en, bare = capsys.readouterr().err.splitlines()
    assert sv == "varning: databasen är skrivskyddad; poängen uppdaterades inte"
    assert en == message and bare.startswith("warning: no users yet")


def test_swedish_export_and_its_file_message(offline_db, tmp_path):
    """The Swedish CSV says ja/nej (its other cells were Swedish already); "wrote FILE" is in
    the CLI's language."""
    out = tmp_path / "umea.csv"
    r = cli("--db", offline_db, "--lang", "sv", "export", "--kommun", "umea", "--format", "csv",
            "--out", out, *APRIL)  # fmt: skip
    assert r.exit_code == 0 and r.stderr == f"skrev {out}\n"
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].endswith(";medfinansiering krävs;klockslag angivet")
    for row in rows[1:]:
        cofinancing, has_time = row.split(";")[-2:]
        assert cofinancing in ("", "ja", "nej") and has_time in ("ja", "nej"), row
    r = cli("--db", offline_db, "export", "--kommun", "umea", "--format", "json", "--out", out)
    assert r.stderr == f"wrote {out}\n"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data
    for call in data:
        for line in call["reasons"]:
            assert swedish_in(eligibility_free("  - " + line)) == set(), line
    r = cli("--db", offline_db, "--lang", "sv", "export", "--kommun", "umea", "--format", "json",
            "--out", out, *APRIL)  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    for call in data:
        for line in call["reasons"]:
            assert english_in(eligibility_free("  - " + line)) == set(), line


def test_a_library_error_line_handed_to_warn_is_worded_too(capsys):
    from callwatch import notices

    notices.warn("Error: /x/y.toml: file not found", "sv")
    notices.warn("mailed Utlysningar för Umeå to a@example.org", "sv")
    assert capsys.readouterr().err.splitlines() == [
        "Fel: /x/y.toml: filen finns inte",
        "skickade Utlysningar för Umeå till a@example.org",
    ]


def test_an_earlier_rounds_decision_in_swedish(offline_db):
    """rank's JSON, explain, the report and the web card word the decision on an earlier round
    in the output's language (the report showed "engage (date, title)")."""
    from tests.conftest import ROOT

    assert cli("--db", offline_db, "import", ROOT / "tests/eval/calltexts.jsonl").exit_code == 0
    new = "smartbuilt:2024-02-12-smart-built-environment---the-innovation-ideas-call"
    old = "import:formas-sbe-innovationideas-2022"
    cli("--db", offline_db, "mark", old, "--kommun", "Skellefteå", "--status", "engage")
    args = ["rank", "--kommun", "Skellefteå", "--include-closed", "--limit", "0", "--format"]
    sv = next(c for c in json.loads(
        cli("--db", offline_db, "--lang", "sv", *args, "json").stdout) if c["id"] == new
    )  # fmt: skip
    assert sv["earlier_decision"].startswith("engagerar sig (")
    assert any(x.startswith(f"förra omgången {old}: engagerar sig (") for x in sv["reasons"])
    out = cli("--db", offline_db, "--lang", "sv", "explain", new, "--kommun", "Skellefteå")
    assert f"  - förra omgången {old}: engagerar sig (" in out.stdout
    # (the call is closed, so no report section shows it: report.py's line is earlier_text's)
    from callwatch.rank import Ranked
    from callwatch.show_text import earlier_text

    r = Ranked(
        id="a:1", title="T", url="", funder="F", programme="", status="open", deadline=None,
        days_left=None, opens=None, budget_amount=None, budget_currency=None, score=0.5,
        relevance=0.5, themes={}, eligibility="eligible", factors={},
        reasons=[Note("earlier_round", {"call_id": old, "status": "dismiss", "date": "2025-01-02",
                                        "title": "Förra"})],
        earlier_decision="dismiss (2025-01-02, Förra)",
    )  # fmt: skip
    assert earlier_text(r, "sv") == "avstår (2025-01-02, Förra)"
    assert earlier_text(r, "en") == r.earlier_decision


def test_swedish_show_names_the_changed_fields_in_swedish(offline_db):
    """`show`'s history table named the fields by their column names (title, status, ...)."""
    import sqlite3

    conn = sqlite3.connect(offline_db)
    conn.execute(
        "UPDATE calls SET title = 'x', status = 'closed', content_hash = 'old' "
        "WHERE id = 'vinnova:2016-04968'"
    )
    conn.commit()
    conn.close()
    assert cli("--db", offline_db, "fetch", "--from-archive", "--source", "vinnova").exit_code == 0
    sv = cli("--db", offline_db, "--lang", "sv", "show", "vinnova:2016-04968").stdout
    history = sv.split("Historik")[1]
    assert "titel" in history and not re.search(r"\b(title|closed|open)\b", history), history
    en = cli("--db", offline_db, "show", "vinnova:2016-04968").stdout.split("History")[1]
    assert "title" in en and "titel" not in en
