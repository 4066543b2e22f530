"""One call listed by several sources is shown once, with every listing's URL (dedupe.py)."""

import json

from tests.conftest import cli


def test_duplicate_listed_once_with_both_urls(offline_db):
    db = offline_db
    listed = json.loads(cli("--db", db, "calls", "--format", "json").stdout)
    gem = [c for c in listed if "gemensam-acceleration" in c["id"]]
    assert len(gem) == 1
    shown = json.loads(cli("--db", db, "show", gem[0]["id"], "--format", "json").stdout)
    urls = {gem[0]["url"], *(o["url"] for o in shown["also_listed"])}
    assert any("energimyndigheten.se" in u for u in urls) and any(
        "viablecities.se" in u for u in urls
    )
    # the same Formas page listed by Smart Built Environment and Formas' own listing
    sbe = [c for c in listed if "innovationsiden" in c["id"]]
    assert len(sbe) == 1
    # --source shows every listing of that source, duplicates included
    vc = json.loads(cli("--db", db, "calls", "--source", "viablecities", "--format", "json").stdout)
    assert len(vc) == 2
