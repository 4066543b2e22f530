"""Build listing-page fixtures from real listing cards (shared/samples/real/listings):

- tests/fixtures/web/energimyndigheten/listing_real_cards.html: the 201 real cards of
  energimyndigheten.se/utlysningar (pages 1-9), and
- tests/fixtures/web/tillvaxtverket/listing_real_links.html: 14 real Tillväxtverket call links
  with the listing's status word.

The cards' text is real and unchanged; the markup around it is CONSTRUCTED (see the PROVENANCE.md
beside each file): one <li> per card with the link around an <h2> title, then <p> elements.

    python scripts/build_listing_fixtures.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import html
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "tests" / "fixtures" / "web"
MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
# the card's date: "Stänger 24 april 2026" on open calls, a bare "25 mars 2026" on closed ones
CARD_DATE = re.compile(rf"\s(?:Stänger\s+)?\d{{1,2}} (?:{MONTHS}) \d{{4}}\s")


def page(title: str, items: list[str]) -> str:
    body = "\n".join(items)
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n<ul>\n{body}\n</ul>\n</main>\n</body>\n</html>\n"
    )


def energimyndigheten(cards: list[dict]) -> str:
    items = []
    for card in cards:
        text = card["title"]  # the whole card text (see the shared PROVENANCE.md)
        m = CARD_DATE.search(text)
        if m is None:
            raise SystemExit(f"no date on card {card['url']}")
        title, date, rest = text[: m.start()], m.group().strip(), text[m.end() :]
        e = html.escape
        items.append(
            f'<li><a href="{e(card["url"])}"><h2>{e(title)}</h2></a>'
            f"<p>{e(date)}</p><p>{e(rest)}</p></li>"
        )
    return page("Utlysningar | Energimyndigheten", items)


def tillvaxtverket(links: list[dict]) -> str:
    e = html.escape
    items = [
        f'<li><a href="{e(x["url"])}"><h2>{e(x["title"])}</h2></a>'
        f"<p>{e(x['status'])}</p><p>{e(x['description'])}</p></li>"
        for x in links
    ]
    return page("Utlysningar – Tillväxtverket", items)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    real = Path(ap.parse_args().shared) / "samples" / "real" / "listings"
    cards = json.loads((real / "energimyndigheten_cards.json").read_text(encoding="utf-8"))
    out = WEB / "energimyndigheten" / "listing_real_cards.html"
    out.write_text(energimyndigheten(cards), encoding="utf-8")
    links = json.loads((real / "tillvaxtverket_links.json").read_text(encoding="utf-8"))
    out2 = WEB / "tillvaxtverket" / "listing_real_links.html"
    out2.write_text(tillvaxtverket(links), encoding="utf-8")
    print(f"wrote {out} ({len(cards)} cards) and {out2} ({len(links)} links)")


if __name__ == "__main__":
    main()
