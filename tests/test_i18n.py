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
    made = {n.key for n in every_note()}
    assert made - {"eligibility", "decision"} <= set(NOTES["en"])


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
