"""Re-scoring from stored findings (scoring.py, term_index.py): a weight-only rules edit re-weighs
every call without reading text, a term edit reads only the calls that can contain the term, and
both give exactly the scores a full re-score from the text gives."""

import json
import re
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from callwatch import rules as rules_mod
from callwatch import scoring, store
from callwatch.importer import parse_line
from tests.conftest import NOW, RULES

ROOT = Path(__file__).resolve().parent.parent


def _calls() -> list:
    lines = (ROOT / "tests" / "eval" / "calltexts.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        obj = json.loads(line)
        obj.pop("deadline", None)
        call = parse_line(obj, NOW)
        out.append(replace(call, deadlines=[(NOW + timedelta(days=5 + i)).isoformat()]))
    return out


def _db(path: Path):
    db = store.open_db(path)
    store.apply_crawl(db, "import", _calls(), complete=False, now=NOW, run_id=None)
    return db


def _scores(db) -> dict:
    """Everything scoring writes, without when it was written."""
    cols = (
        "call_id, content_hash, rules_hash, themes, evidence, eligibility, eligibility_evidence, "
        "terms, excluded, profiles, size_factor, analysis"
    )
    return {
        "calls": sorted(db.execute(f"SELECT {cols} FROM call_scores").fetchall()),
        "themes": sorted(db.execute("SELECT * FROM theme_scores").fetchall()),
        "profiles": sorted(db.execute("SELECT * FROM profile_scores").fetchall()),
    }


def _edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(pattern, new, text, count=1, flags=re.M)
    assert n == 1, pattern
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def setup(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    db = _db(tmp_path / "a.db")
    first = scoring.refresh(db, rules_mod.load(folder))
    assert first.read == first.total == len(_calls())
    return db, folder, tmp_path


def _full(tmp_path: Path, folder: Path) -> dict:
    """The scores of a database that never saw the earlier rules."""
    fresh = _db(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}.db")
    scoring.refresh(fresh, rules_mod.load(folder))
    return _scores(fresh)


def test_weight_only_edit_reweighs_stored_findings_exactly(setup):
    db, folder, tmp_path = setup
    _edit(folder / "themes.toml", r'^("digital \| digitala \| digitalt") = [0-9.]+$', r"\1 = 1")
    _edit(folder / "themes.toml", r'^("klimatanpassning[^"]*") = [0-9.]+$', r"\1 = 1.5")
    _edit(folder / "eligibility.toml", r'^("kommun") = [0-9.]+$', r"\1 = 1")
    _edit(folder / "kommuner" / "umea.toml", r"^klimat = [0-9.]+$", "klimat = 0.4")
    before = _scores(db)
    stats = scoring.refresh(db, rules_mod.load(folder))
    assert stats.read == 0 and stats.scored == stats.total  # no text was read
    after = _scores(db)
    assert after != before
    assert after == _full(tmp_path, folder)


def test_term_edit_reads_only_calls_that_can_hold_the_term(setup):
    db, folder, tmp_path = setup
    themes = folder / "themes.toml"
    _edit(themes, r"^(\[klimat\.terms\.klimat\])$", '\\1\n"dagvatten | dagvattenhantering" = 2')
    _edit(themes, r'^"digital \| digitala \| digitalt" = [0-9.]+\n', "")  # a term removed
    stats = scoring.refresh(db, rules_mod.load(folder))
    assert 0 < stats.read < stats.total
    assert _scores(db) == _full(tmp_path, folder)


def test_analyser_change_reads_every_call_again(setup, monkeypatch):
    db, folder, _ = setup
    monkeypatch.setattr(scoring, "analyser_version", lambda: "another")
    _edit(folder / "kommuner" / "umea.toml", r"^klimat = [0-9.]+$", "klimat = 0.4")
    stats = scoring.refresh(db, rules_mod.load(folder))
    assert stats.read == stats.total


def test_other_sense_edit_reads_only_calls_that_can_hold_it(setup):
    """An added other-sense phrase takes its words from a theme in the calls that hold it, and
    only those are read again."""
    db, folder, tmp_path = setup
    _edit(folder / "themes.toml", r'^(  "social mobility",)$', '\\1\n  "inom transportområdet",')
    before = _scores(db)
    stats = scoring.refresh(db, rules_mod.load(folder))
    assert 0 < stats.read < stats.total
    after = _scores(db)
    assert after != before
    assert after == _full(tmp_path, folder)


def test_literal_list_edits_rescore_exactly(setup):
    """Removing terms from a theme's or the eligibility [literal] list changes what is found:
    the calls that can hold them are read again and the scores equal a full re-score."""
    db, folder, tmp_path = setup
    _edit(folder / "themes.toml", r'^  "bus \| buses \| tram \| trams \| metro",\n', "")
    _edit(
        folder / "eligibility.toml",
        r'^phrases = \["kommun", "kommuner", "kommunerna", "region", "regioner", "regionerna", "myndigheter"\]$',
        'phrases = ["regioner"]',
    )
    stats = scoring.refresh(db, rules_mod.load(folder))
    assert 0 < stats.read < stats.total
    assert _scores(db) == _full(tmp_path, folder)


def test_alone_list_edit_reweighs_the_calls_holding_its_phrases(setup):
    """Emptying the eligibility [alone] list changes how its phrases count (found by the
    review: the stored verdicts and evidence stayed as they were): the calls that hold them are
    re-weighed from their stored findings, and the scores equal a full re-score."""
    db, folder, tmp_path = setup
    _edit(
        folder / "eligibility.toml",
        r'^phrases = \[\n  "förening", "trossamfund",[^\]]*\]\n',
        "phrases = []\n",
    )
    before = _scores(db)
    stats = scoring.refresh(db, rules_mod.load(folder))
    assert stats.read == 0  # a weight-like change: no text is read
    after = _scores(db)
    assert after != before
    assert after == _full(tmp_path, folder)
