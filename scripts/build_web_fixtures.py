"""Build the web sources' test fixtures from real page text (shared/samples/pages).

No real HTML of these sites could be recorded. Each call page here is plain semantic HTML
CONSTRUCTED around the real stored text of a real call page: the title line becomes <h1>,
question-like and known section lines become <h2>, bullet lines become <li>, other lines <p>.
Each listing page is CONSTRUCTED too: one card per call with a link to the call's real URL and
a status/deadline phrase in the format the research notes saw on that funder's listing, with
the dates taken from the call's own text. Run from the repository root:

    python scripts/build_web_fixtures.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import html
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "web"

# Lines that are site furniture, not content, in the stored texts.
BOILERPLATE = re.compile(
    r"^(?:Vår webbplats fungerar inte|Uppgradera till|Ladda om sidan|Sidan behöver laddas om|"
    r"Gå till sidans meny|Granskad:|Kakor \(cookies\)|Läs mer om kakor|Logga in$|Viable Cities Logo|"
    r"Du har inte javascript|Your browser doesn't support|Bidrag$)"
)
HEADING = re.compile(
    r"^(?:[A-ZÅÄÖ][^.]{2,70}\?|VAD KAN|VEM KAN|HUR MYCKET|WHAT CAN|WHO CAN|HOW MUCH|Så söker du|"
    r"Så här ansöker ni|Detta ingår i stödet|Förutsättningar för stöd|Ansökningsperiod|"
    r"Kommuner med coach|Det här kan bidraget gå till|Frågor som ska besvaras)"
)

# source -> listing URL, the call files (and their card phrase), extra listing-only cards
SOURCES: dict[str, dict] = {
    "energimyndigheten": {
        "listing": "https://www.energimyndigheten.se/utlysningar/",
        "calls": {
            "energimyndigheten/coacher2017.txt": "Stänger 6 september 2017 Övrigt",
            "energimyndigheten/medfin2016.txt": "Stänger 1 juli 2016 Internationella utlysningar",
            "energimyndigheten/rul2021.txt": "Stänger 8 april 2021 Övrigt",
        },
        # seen in scraped listing text (research notes, section 4); its page is not available
        "cards": [
            (
                "https://www.energimyndigheten.se/utlysningar/gemensam-acceleration-mot-klimatneutrala-stader-2030/",
                "Gemensam acceleration mot Klimatneutrala städer 2030",
                "Stänger 24 april 2026 Forskningsstöd",
            )
        ],
    },
    "tillvaxtverket": {
        "listing": "https://tillvaxtverket.se/tillvaxtverket/sokfinansiering/utlysningar.1139.html",
        "calls": {
            "tillvaxtverket/livsmedel2026.txt": "Kommande",
            "tillvaxtverket/kommersiellservice2023.txt": "Stängd",
            "tillvaxtverket/cirkular-ovrenorrland2024.txt": "Kommande",
            "tillvaxtverket/kompetens-skane2024.txt": "Stängd",
        },
    },
    "boverket": {
        "listing": "https://www.boverket.se/sv/bidrag--garantier/",
        "calls": {
            "boverket/smahus-omvandling.txt": "",
            "boverket/bostader-aldre.txt": "",
            "boverket/hyresgarantier.txt": "",
        },
    },
    "naturvardsverket": {
        "listing": "https://www.naturvardsverket.se/bidrag/",
        "calls": {"naturvardsverket/lona.txt": ""},
    },
    "trafikverket": {
        "listing": "https://www.trafikverket.se/tjanster/ansok-om/ansok-om-bidrag/",
        "calls": {
            "trafikverket/cykling2020.txt": "",
            "trafikverket/frikollektiv2018.txt": "",
            "trafikverket/ideella-2023.txt": "",
        },
    },
    "viablecities": {
        "listing": "https://viablecities.se/utlysningar/",
        "calls": {
            "viablecities/utlysning13-2023-en.txt": "",
            "viablecities/utlysning16-2026-en.txt": "",
        },
    },
    "smartbuilt": {
        "listing": "https://smartbuilt.se/utlysningar/",
        "calls": {
            "smartbuilt/formas-innovationsiden-2021-sv.txt": "",
            "smartbuilt/formas-innovationideas-2024-en.txt": "",
        },
    },
    "formas-web": {
        "listing": "https://formas.se/soka-finansiering/alla-utlysningar.html",
        "calls": {
            "formas/utforska2024-kommande.txt": "",
            "formas/gestaltadlivsmiljo2023.txt": "",
            "smartbuilt/formas-innovationsiden-2021-sv.txt": "",
        },
    },
}
# pages whose stored text has no title line: the title stays out of <h1> (extractor falls back)
NO_TITLE = {"viablecities/utlysning16-2026-en.txt"}


def read_page(path: Path) -> tuple[str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    url = lines[0].removeprefix("URL: ").strip()
    body = [ln for ln in lines[3:]]
    return url, body


def page_html(name: str, url: str, lines: list[str], lang: str) -> tuple[str, str]:
    out, title, in_list = [], "", False
    for raw in lines:
        line = raw.strip()
        if not line or BOILERPLATE.match(line):
            continue
        bullet = line.startswith("•")
        if bullet and not in_list:
            out.append("<ul>")
            in_list = True
        if not bullet and in_list:
            out.append("</ul>")
            in_list = False
        text = html.escape(line.lstrip("• ").strip())
        if not title and name not in NO_TITLE and not bullet and "Foto:" not in line:
            title = line
            out.append(f"<h1>{text}</h1>")
        elif bullet:
            out.append(f"<li>{text}</li>")
        elif HEADING.match(line) and len(line) < 80:
            out.append(f"<h2>{text}</h2>")
        else:
            out.append(f"<p>{text}</p>")
    if in_list:
        out.append("</ul>")
    doc = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">'
        + (f"<title>{html.escape(title)}</title>" if title else "")
        + "</head>\n<body>\n"
        '<header><nav><a href="/">Start</a></nav></header>\n<main>\n'
        + "\n".join(out)
        + "\n</main>\n<footer><p>Kontakt</p></footer>\n</body>\n</html>\n"
    )
    return doc, title


def listing_html(title: str, cards: list[tuple[str, str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(u)}"><h2>{html.escape(t)}</h2></a>'
        + (f"<p>{html.escape(c)}</p>" if c else "")
        + "</li>"
        for u, t, c in cards
    )
    return (
        f'<!DOCTYPE html>\n<html lang="sv">\n<head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title></head>\n<body>\n<main>\n<h1>{html.escape(title)}</h1>\n<ul>\n{items}\n</ul>\n</main>\n"
        "</body>\n</html>\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    pages = Path(ap.parse_args().shared) / "samples" / "pages"
    for source, conf in SOURCES.items():
        folder = OUT / source
        folder.mkdir(parents=True, exist_ok=True)
        urls: dict[str, str] = {}
        cards = []
        for i, (rel, phrase) in enumerate(conf["calls"].items(), start=1):
            url, lines = read_page(pages / rel)
            lang = "en" if rel.endswith("-en.txt") else "sv"
            doc, title = page_html(rel, url, lines, lang)
            name = f"call{i}.html"
            (folder / name).write_text(doc, encoding="utf-8")
            urls[url] = name
            cards.append((url, title, phrase))  # no title known: an empty card heading
        cards += conf.get("cards", [])
        (folder / "listing.html").write_text(
            listing_html(f"Utlysningar – {source}", cards), encoding="utf-8"
        )
        urls[conf["listing"]] = "listing.html"
        (folder / "urls.json").write_text(
            json.dumps(urls, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"{source}: {len(urls) - 1} call pages, {len(cards)} cards")


if __name__ == "__main__":
    main()
