"""Source files and what the suite does with every one of them. The tests are parametrised over
what is in the repository (sources/*.toml, tests/fixtures/web/*/, callwatch/recordings/*/), so
a funder of an existing kind is one TOML and one fixture folder: the last test adds one to a
copy of the repository and shows that the same checks and `fetch --offline` pick it up."""

import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from callwatch import paths, sources
from tests.conftest import (
    FIXTURES,
    RECORDINGS,
    ROOT,
    SOURCES,
    cli,
    copy_db,
    recorded_ids,
    source_ids,
    web_fixture_ids,
)
from tests.test_web import extract_every_page

# --- checks shared by the parametrised tests and the new-funder test -------------------------


def check_source_file(sources_dir: Path, sid: str) -> sources.SourceSpec:
    """A source file loads, is named by its id and names a known kind."""
    spec = sources.load_source(sources_dir / f"{sid}.toml")
    assert spec.id == sid and spec.kind in sources.KINDS, sid
    return spec


def check_fixture_folder(sources_dir: Path, sid: str) -> sources.SourceSpec:
    """A web fixture folder belongs to an `html` source (its pages are read by
    tests/test_web.py::test_every_web_fixture_extracts)."""
    spec = check_source_file(sources_dir, sid)
    assert spec.kind == "html", f"tests/fixtures/web/{sid}/ but {sid}.toml is kind {spec.kind}"
    return spec


def offline_health(db: Path, sources_dir: Path = SOURCES) -> dict[str, dict]:
    """`callwatch sources` after an offline fetch, by source id."""
    r = cli("--sources", sources_dir, "--db", db, "sources", "--format", "json")
    assert r.exit_code == 0, r.output
    return {s["id"]: s for s in json.loads(r.stdout)}


def check_fetched_offline(health: dict[str, dict], sid: str, web_ids: list[str]) -> None:
    """A recorded source was fetched offline without error; a web source stored calls (the
    API recordings may hold none for Sweden: interreg's real response has no Swedish call)."""
    row = health[sid]
    assert row["last_status"] == "ok" and row["last_success"], (sid, row)
    if sid in web_ids:
        assert row["calls"] > 0, sid


# --- every source, fixture folder and recording in the repository ----------------------------


@pytest.mark.parametrize("sid", source_ids())
def test_every_source_file_loads(sid):
    check_source_file(SOURCES, sid)


@pytest.mark.parametrize("sid", web_fixture_ids())
def test_every_web_fixture_folder_belongs_to_an_html_source(sid):
    check_fixture_folder(SOURCES, sid)


@pytest.mark.parametrize("sid", source_ids())
def test_every_html_source_has_a_fixture_folder_and_a_recording(sid):
    spec = check_source_file(SOURCES, sid)
    if spec.kind == "html":
        assert sid in web_fixture_ids(), f"tests/fixtures/web/{sid}/ is missing"
        assert sid in recorded_ids(), f"run scripts/build_offline_recordings.py for {sid}"


def test_every_recording_is_a_source():
    assert set(recorded_ids()) <= set(source_ids())


@pytest.fixture(scope="module")
def health(offline_db_once, tmp_path_factory):
    db = copy_db(offline_db_once, tmp_path_factory.mktemp("health") / "h.db")
    return offline_health(db)


@pytest.mark.parametrize("sid", recorded_ids())
def test_every_recorded_source_is_fetched_offline_without_keys(health, sid):
    """conftest's offline database is fetched with no API keys set (frozen_env drops them)."""
    check_fetched_offline(health, sid, web_fixture_ids())


def test_sources_lists_every_source_file_and_kind():
    data = json.loads(cli("sources", "--format", "json").stdout)
    assert sorted(s["id"] for s in data) == source_ids()
    kinds = {tomllib.loads(p.read_text(encoding="utf-8"))["kind"] for p in SOURCES.glob("*.toml")}
    assert {s["kind"] for s in data} == kinds


# --- a new funder of an existing kind ---------------------------------------------------------

NEW = "boverket-andra-listan"


def add_funder(root: Path) -> tuple[Path, Path]:
    """Copy sources/ and tests/fixtures/ under `root` and add ONE funder of kind `html`: one
    TOML and one fixture folder, nothing else. The folder is a byte-for-byte copy of the REAL
    text in tests/fixtures/web/boverket/ (provenance: tests/fixtures/web/PROVENANCE.md), as if
    Boverket's listing were published a second time by another funder."""
    sources_dir, fixtures_dir = root / "sources", root / "fixtures"
    shutil.copytree(SOURCES, sources_dir)
    shutil.copytree(FIXTURES, fixtures_dir)
    toml = (SOURCES / "boverket.toml").read_text(encoding="utf-8")
    toml = re.sub(r'(?m)^id = "boverket"$', f'id = "{NEW}"', toml)
    toml = re.sub(r'(?m)^name = ".*"$', 'name = "Boverket, listad en gång till (test)"', toml)
    (sources_dir / f"{NEW}.toml").write_text(toml, encoding="utf-8")
    folder = fixtures_dir / "web" / NEW
    shutil.copytree(FIXTURES / "web" / "boverket", folder)
    (folder / "PROVENANCE.md").write_text(
        "# Provenance\n\nA byte-for-byte copy of tests/fixtures/web/boverket/ (REAL page text in "
        "constructed markup, see ../PROVENANCE.md), made by tests/test_sources.py.\n",
        encoding="utf-8",
    )
    return sources_dir, fixtures_dir


@pytest.mark.slow  # seconds: rebuilds every recording and fetches the new funder
def test_a_new_funder_is_one_toml_and_one_fixture_folder(tmp_path, monkeypatch):
    sources_dir, fixtures_dir = add_funder(tmp_path)
    # the parametrised tests above enumerate with these functions: the new funder is in them
    assert NEW in source_ids(sources_dir) and NEW in web_fixture_ids(fixtures_dir)
    assert source_ids(sources_dir) == sorted([*source_ids(), NEW])
    for sid in source_ids(sources_dir):
        check_source_file(sources_dir, sid)
    for sid in web_fixture_ids(fixtures_dir):  # test_web's parametrised check, on the copy
        extract_every_page(check_fixture_folder(sources_dir, sid), fixtures_dir / "web" / sid)
    # the recordings behind `fetch --offline`, rebuilt by the unchanged script from the copy
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    sys.modules.pop("build_offline_recordings", None)
    import build_offline_recordings  # type: ignore[import-not-found]  # scripts/ is no package

    recordings = tmp_path / "recordings"
    reports = build_offline_recordings.build(fixtures_dir, sources_dir, recordings)
    assert {r.source: r.status for r in reports}[NEW] == "ok"
    assert recorded_ids(recordings) == sorted([*recorded_ids(), NEW])
    # `fetch --offline` replays the package's recordings folder; no option or variable points
    # it elsewhere, so the test points callwatch.paths.RECORDINGS_DIR at the rebuilt copy
    monkeypatch.setattr(paths, "RECORDINGS_DIR", recordings)
    db = tmp_path / "new.db"
    r = cli("--sources", sources_dir, "--db", db, "fetch", "--offline", "-q", "--source", NEW)
    assert r.exit_code == 0, r.output
    check_fetched_offline(offline_health(db, sources_dir), NEW, web_fixture_ids(fixtures_dir))


# --- the sources commands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, file",
    [
        ("eu-ft", FIXTURES / "eu_sedia" / "search_cascade_type8_fundhunt_fixture.json"),
        ("vinnova", FIXTURES / "vinnova" / "ansokningsomgangar_constructed.json"),
        ("formas", FIXTURES / "gdp" / "formas_utlysningar.json"),
        ("forte", FIXTURES / "gdp" / "forte_utlysningar.json"),
        ("interreg", FIXTURES / "interreg" / "algolia_with_constructed_swedish_hit.json"),
        ("tillvaxtverket", FIXTURES / "web" / "tillvaxtverket" / "listing.html"),
        ("tillvaxtverket", FIXTURES / "web" / "tillvaxtverket" / "call1.html"),
    ],
)
def test_parse_works_for_every_kind(source, file):
    r = cli("parse", source, file, "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) >= 1


def test_sources_check_replay_and_broken_layout(tmp_path):
    r = cli("sources", "check", "--format", "json")
    assert r.exit_code == 0
    rows = {x["source"]: x for x in json.loads(r.stdout)}
    assert (
        rows["energimyndigheten"]["status"] == "ok"
        and rows["energimyndigheten"]["with_deadline"] == 1.0
    )
    assert rows["formas"]["status"] == "skipped"
    # the same recording after a redesign: no dates, no headings
    rec = tmp_path / "rec"
    shutil.copytree(RECORDINGS, rec)
    for f in (rec / "energimyndigheten").glob("*.html"):
        html = f.read_text(encoding="utf-8")
        for old in ("<h1>", "</h1>", "<h2>", "</h2>"):
            html = html.replace(old, "<div>" if "/" not in old else "</div>")
        import re

        html = re.sub(
            r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|Stänger \d+ \w+ \d{4}|\d+ \w+ 20\d\d( kl\. \d+\.\d+)?",
            "",
            html,
        )
        f.write_text(html, encoding="utf-8")
    r = cli(
        "sources", "check", "--replay", rec, "--source", "energimyndigheten", "--format", "json"
    )
    assert r.exit_code == 1
    [row] = json.loads(r.stdout)
    assert row["status"] == "broken" and "deadline" in row["message"]
