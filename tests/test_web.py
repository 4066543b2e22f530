import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callwatch.adapters import web
from tests.conftest import FIXTURES, NOW, web_fixture_ids

WEB = FIXTURES / "web"


def page(source, name):
    return (WEB / source / name).read_text(encoding="utf-8")


def url_of(source, name):
    urls = json.loads((WEB / source / "urls.json").read_text(encoding="utf-8"))
    return next(u for u, f in urls.items() if f == name)


def test_listing_cards(specs):
    spec = specs["energimyndigheten"]
    cards = web.parse_listing(
        spec, page("energimyndigheten", "listing.html"), spec.options["listing_urls"][0]
    )
    assert len(cards) == 4
    gem = next(c for c in cards if "gemensam" in c.url)
    assert (
        gem.title == "Gemensam acceleration mot Klimatneutrala städer 2030"
        and "Stänger 24 april 2026" in gem.text
    )
    call = web.parse_call_page(spec, None, gem.url, NOW, gem)
    assert call.deadlines == ["2026-04-24T23:59:00+02:00"] and call.extra["from_listing_only"]


def test_energimyndigheten_call_page(specs):
    spec = specs["energimyndigheten"]
    c = web.parse_call_page(
        spec,
        page("energimyndigheten", "call1.html"),
        url_of("energimyndigheten", "call1.html"),
        NOW,
    )
    assert c.title == "Coacher för energi och klimat"
    assert c.deadlines == ["2017-09-06T12:00:00+02:00"] and c.status == "closed"
    assert c.budget_amount == 5_000_000 and c.budget_currency == "SEK"
    assert c.native_id == "coacher-for-energi-och-klimat"


def test_tillvaxtverket_regions_status_and_eligibility(specs):
    spec = specs["tillvaxtverket"]
    c = web.parse_call_page(
        spec, page("tillvaxtverket", "call3.html"), url_of("tillvaxtverket", "call3.html"), NOW
    )
    assert c.native_id == "7085"
    assert c.extra["regions"] == ["Norrbotten", "Västerbotten"]
    assert (c.opens or "").startswith("2024-08-12")
    assert c.eligibility.startswith("Offentliga aktörer")
    assert c.budget_amount == 30_000_000
    before = datetime(2024, 6, 1, tzinfo=UTC)
    assert (
        web.parse_call_page(spec, page("tillvaxtverket", "call3.html"), c.url, before).status
        == "forthcoming"
    )


def test_boverket_period_in_prose(specs):
    spec = specs["boverket"]
    c = web.parse_call_page(
        spec, page("boverket", "call1.html"), url_of("boverket", "call1.html"), NOW
    )
    assert c.title.startswith("Stöd till kommuner för ökat småhusbyggande")
    assert (c.opens or "").startswith("2024-04-02") and c.deadlines[0].startswith("2026-10-01")
    closed_url = (
        "https://www.boverket.se/sv/bidrag--garantier/bidrag-som-inte-langre-gar-att-soka/x/"
    )
    early = datetime(2025, 1, 1, tzinfo=UTC)
    assert (
        web.parse_call_page(spec, page("boverket", "call1.html"), closed_url, early).status
        == "closed"
    )


def test_viable_cities_english(specs):
    spec = specs["viablecities"]
    c = web.parse_call_page(
        spec, page("viablecities", "call1.html"), url_of("viablecities", "call1.html"), NOW
    )
    assert c.title == "Preliminary studies for a faster climate transition"
    assert c.deadlines[0].startswith("2023-08-31") and c.budget_amount == 15_000_000
    assert c.eligibility.startswith("At least one municipality must support")
    assert c.language == "en"
    untitled = web.parse_call_page(
        spec, page("viablecities", "call2.html"), url_of("viablecities", "call2.html"), NOW
    )
    assert "gemensam acceleration mot klimatneutrala" in untitled.title.lower()  # from the URL


def extract_every_page(spec, folder: Path) -> None:
    """Every page of a web fixture folder reads: the listing gives cards, each call page a
    title that is not site furniture, its own URL and a description."""
    urls = json.loads((folder / "urls.json").read_text(encoding="utf-8"))
    listings = [u for u, name in urls.items() if name == "listing.html"]
    assert listings, f"{folder.name}: urls.json names no listing.html"
    assert spec.options["listing_urls"][0] in listings, spec.id
    listing = (folder / "listing.html").read_text(encoding="utf-8")
    assert web.parse_listing(spec, listing, listings[0]), spec.id
    for u, name in urls.items():
        if name == "listing.html":
            continue
        c = web.parse_call_page(spec, (folder / name).read_text(encoding="utf-8"), u, NOW)
        assert c.title and not c.title.startswith(("Kakor", "Närbild", "Logga in")), (spec.id, name)
        assert c.url == u and c.description


@pytest.mark.parametrize("source", web_fixture_ids())
def test_every_web_fixture_extracts(specs, source):
    extract_every_page(specs[source], WEB / source)


def test_layout_change_is_broken_not_empty(specs, tmp_path):
    """Headings and dates gone: extraction health says broken and nothing is stored."""
    from callwatch.health import judge

    spec = specs["energimyndigheten"]
    html = (
        page("energimyndigheten", "call1.html").replace("<h1>", "<div>").replace("</h1>", "</div>")
    )
    html = html.replace("2017-09-06 12:00", "").replace("6 september 2017 kl. 12.00", "")
    c = web.parse_call_page(spec, html, url_of("energimyndigheten", "call1.html"), NOW)
    h = judge(spec, [c, c, c])
    assert h.status == "broken" and "deadline" in h.message


def test_feed_kind(tmp_path):
    from callwatch.adapters import feed
    from callwatch.sources import load_source

    src = tmp_path / "emfeed.toml"
    src.write_text(
        'id = "emfeed"\nname = "EM feed"\nfunder = "Energimyndigheten"\nkind = "feed"\n'
        '[options]\nfeed_url = "https://www.energimyndigheten.se/rss/"\n',
        encoding="utf-8",
    )
    spec = load_source(Path(src))
    calls = feed.parse(spec, (FIXTURES / "feed" / "calls.atom").read_bytes(), NOW)
    assert [c.title for c in calls] == [
        "Coacher för energi och klimat",
        "Medfinansiering EU-projekt",
    ]
    assert calls[0].deadlines == ["2017-09-06T12:00:00+02:00"] and calls[0].status == "closed"
    assert calls[1].budget_amount == 2_000_000
    with pytest.raises(Exception, match="emfeed: .*not a readable RSS/Atom feed"):
        feed.parse(spec, b"this is not xml at all <<<", NOW)
