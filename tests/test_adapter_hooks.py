"""The optional adapter hooks (STATUS_FROM_SOURCE, SCRAPED, light_spec) and the typed
broken-vs-failed decision of `sources check` (errors.StructureError)."""

from __future__ import annotations

import importlib
import json
import re
import shutil

from callwatch import sources
from callwatch.adapters import web
from callwatch.errors import ParseError, StructureError
from callwatch.fetch import FetchOptions, check_sources
from tests.conftest import RECORDINGS

SOURCE = "energimyndigheten"  # an html source with a shipped recording
LISTING = "GET https://www.energimyndigheten.se/utlysningar/"


def _recording(tmp_path):
    rec = tmp_path / "rec"
    shutil.copytree(RECORDINGS / SOURCE, rec / SOURCE)
    return rec


def _check(specs, rec):
    [row] = check_sources([specs[SOURCE]], FetchOptions(mode="replay", replay_dir=rec))
    return row


def test_the_kinds_that_carry_each_hook():
    def having(flag: str) -> set[str]:
        return {
            kind
            for kind, module in sources.KINDS.items()
            if getattr(importlib.import_module(module), flag, False)
        }

    # the kinds facts/apply.py and adapters/__init__.py used to list by name
    assert having("STATUS_FROM_SOURCE") == {"gdp", "sedia", "interreg", "vinnova-open-data"}
    assert having("SCRAPED") == {"html", "feed"}
    assert issubclass(StructureError, ParseError)


def test_light_spec_reads_the_first_listing_page_and_five_calls(specs):
    spec = specs[SOURCE]
    light = web.light_spec(spec)
    assert light.options["listing_urls"] == spec.options["listing_urls"][:1]
    assert light.options["max_calls"] == 5 and light.options["pagination"] == {}
    assert light.options["link_pattern"] == spec.options["link_pattern"]
    assert spec.options.get("max_calls") != 5  # the source itself is left as it was


def test_a_listing_without_call_links_is_broken(specs, tmp_path):
    rec = _recording(tmp_path)
    index = json.loads((rec / SOURCE / "index.json").read_text(encoding="utf-8"))
    page = rec / SOURCE / index["entries"][LISTING]["file"]
    html = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'href="[^"]*"', 'href="#"', html), encoding="utf-8")
    row = _check(specs, rec)
    assert row.status == "broken" and "link_pattern" in row.message


def test_a_listing_not_in_the_recording_is_failed_whatever_its_message_says(specs, tmp_path):
    # the folder's name holds the words the old text search took for a layout change
    rec = _recording(tmp_path / "missing layout")
    path = rec / SOURCE / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    del index["entries"][LISTING]
    path.write_text(json.dumps(index), encoding="utf-8")
    row = _check(specs, rec)
    assert row.status == "failed" and "no recorded response" in row.message
