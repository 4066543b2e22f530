import concurrent.futures
import json

import pytest

from callwatch.errors import ImportDataError
from tests.conftest import ROOT, cli


def test_invalid_line_is_named_and_nothing_written(tmp_path):
    f = tmp_path / "c.jsonl"
    good = {"id": "a", "title": "A", "url": "https://x.org/a", "funder": "F"}
    f.write_text(
        json.dumps(good)
        + "\n"
        + json.dumps({"id": "b", "title": "B", "funder": "F"})
        + "\n{broken\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    r = cli("--db", db, "import", f)
    assert r.exit_code == 1
    assert "c.jsonl line 2: 'url' is missing" in r.stderr and "1 more invalid" in r.stderr
    assert r.stderr.count("\n") == 1
    assert not db.exists() or json.loads(cli("--db", db, "calls", "--format", "json").stdout) == []


def test_bad_dates_and_duplicates(tmp_path):
    f = tmp_path / "c.jsonl"
    rows = [
        {"id": "a", "title": "A", "url": "https://x.org/a", "funder": "F", "deadline": "next week"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    r = cli("--db", str(tmp_path / "t.db"), "import", f)
    assert r.exit_code == 1 and "line 1: 'deadline'" in r.stderr
    f.write_text(
        json.dumps(rows[0] | {"deadline": "2027-01-01"})
        + "\n"
        + json.dumps(rows[0] | {"deadline": None}),
        encoding="utf-8",
    )
    r = cli("--db", str(tmp_path / "t.db"), "import", f)
    assert r.exit_code == 1 and "line 2: id 'a' already on line 1" in r.stderr


def test_ids_are_kept_and_reimport_is_idempotent(tmp_path):
    db = str(tmp_path / "t.db")
    f = str(ROOT / "tests" / "eval" / "calltexts.jsonl")
    r = cli("--db", db, "import", f)
    assert r.exit_code == 0 and "88 new" in r.stdout
    again = cli("--db", db, "import", f)
    assert "0 new, 0 updated" in again.stdout
    show = json.loads(cli("--db", db, "show", "sos-aldreomsorg-2022", "--format", "json").stdout)
    # imported calls have their own id space; the id as given still finds the call
    assert show["id"] == "import:sos-aldreomsorg-2022" and show["status"] == "closed"
    assert show["deadlines"] == ["2022-10-31T23:59:00+01:00"]


def _lines(n: int) -> list[str]:
    """n import lines from the offline sample texts, with blank lines, a dropped deadline, a
    repeated id and invalid lines among them."""
    texts = [
        "Kommuner kan söka stöd för klimatanpassning. Sista ansökningsdag 15 mars 2027.",
        "Call for proposals on smart cities, deadline 2027-04-30. Consortium required.",
        "Utlysningen är stängd.",
    ]
    out = []
    for i in range(n):
        row = {
            "id": f"c{i}",
            "title": f"Utlysning {i}",
            "url": f"https://x.org/{i}",
            "funder": "F",
            "description": texts[i % 3],
        }
        if i % 7 == 0:
            row["deadline"] = "9999-12-31"  # dropped with a warning
        out.append(json.dumps(row))
        if i % 11 == 0:
            out.append("")
    out[5] = json.dumps({"id": "c1", "title": "T", "url": "https://x.org/1b", "funder": "F"})
    out[9] = "{broken"
    out[12] = json.dumps({"id": "x", "title": "T", "funder": "F"})
    return out


def test_a_large_file_is_parsed_in_parallel_with_the_same_result(tmp_path, monkeypatch):
    """The calls, warnings and errors of a file parsed by worker processes (what a file over
    importer.PARALLEL_BYTES gets) are those of the file read in one process, in file order."""
    from callwatch import importer
    from tests.conftest import NOW

    lines = _lines(700)
    bad_file = _write(tmp_path / "c.jsonl", lines)
    good = lines[:5] + lines[13:]  # without the invalid lines and the repeated id
    good_file = _write(tmp_path / "good.jsonl", good)
    results = []
    for mode in ("one process", "workers", "no worker processes on this platform"):
        parallel = mode != "one process"
        monkeypatch.setattr(importer, "PARALLEL_BYTES", 0 if parallel else 10**12)
        monkeypatch.setattr(importer, "MAX_WORKERS", 2)
        monkeypatch.setattr(importer, "CHUNK_LINES", 50)
        if mode.startswith("no worker"):
            monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _no_semaphores)
        assert importer._workers(good_file) == (2 if parallel else 1)
        with pytest.raises(ImportDataError) as bad:
            importer.read(bad_file, NOW, [])
        warnings: list[str] = []
        calls = importer.read(good_file, NOW, warnings)
        results.append((str(bad.value), [c.to_dict() for c in calls], warnings))
    assert results[0] == results[1] == results[2]
    error, calls, warnings = results[0]
    assert "line 6: id 'c1' already on line 3" in error and "(and 2 more invalid lines)" in error
    assert len(calls) == sum(1 for line in good if line) and len(warnings) > 90


def _no_semaphores(*args, **kwargs):
    raise OSError(38, "Function not implemented")


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
