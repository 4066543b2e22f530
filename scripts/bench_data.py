"""A realistic, generated call collection for the benchmarks (scripts/bench.py).

The texts are real: the 88 call texts of ../shared/samples/calltexts, the page texts of
../shared/samples/pages and the Formas and Forte records of ../shared/samples/real/gdp (about
530 texts in all). They are recombined so that no two generated calls carry the same text: a
title is a span of one record's title joined to three words of the texts' vocabulary; a description is a shuffled choice of paragraphs from three records. Deadlines spread over two years around the frozen test
date, some calls have none, some open later, some state a budget. About 8 % are later rounds of
an earlier generated call (same title, another year) and, in multi-source mode, about 2 % are
the same call relisted by another source closing the same day, so linking has real work.

    python scripts/bench_data.py --calls 5000 --out calls.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "samples"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)

# the source a generated call is stored under in multi-source mode, by funder
SOURCE_OF = {
    "vinnova": "vinnova",
    "formas": "formas",
    "forte": "forte",
    "energimyndigheten": "energimyndigheten",
    "boverket": "boverket",
    "naturvårdsverket": "naturvardsverket",
    "tillväxtverket": "tillvaxtverket",
    "trafikverket": "trafikverket",
    "vetenskapsrådet": "vr",
}
FUNDER_OF_FOLDER = {
    "boverket": "Boverket", "energimyndigheten": "Energimyndigheten", "formas": "Formas",
    "forte": "Forte", "interreg-baltic": "Interreg Baltic Sea Region",
    "interreg-oks": "Interreg Öresund-Kattegat-Skagerrak", "interregaurora": "Interreg Aurora",
    "naturvardsverket": "Naturvårdsverket", "smartbuilt": "Smart Built Environment",
    "tillvaxtverket": "Tillväxtverket", "trafikverket": "Trafikverket",
    "viablecities": "Viable Cities", "vinnova": "Vinnova", "vr": "Vetenskapsrådet",
}  # fmt: skip


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 40]


def records() -> list[dict]:
    """Every real text: title, funder, URL, language and its paragraphs."""
    out = []
    for line in (SHARED / "calltexts" / "calls.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append(
            {
                "title": r["title"],
                "funder": r["funder"],
                "url": r["url"],
                "language": r.get("language") or "sv",
                "paras": _paragraphs(r["text"]),
            }
        )
    for path in sorted((SHARED / "pages").glob("*/*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        url = lines[0].removeprefix("URL: ").strip()
        body = "\n".join(lines[3:])
        paras = _paragraphs(body)
        title = next((x.strip() for x in lines[3:] if 10 < len(x.strip()) < 120), path.stem)
        out.append(
            {
                "title": title,
                "funder": FUNDER_OF_FOLDER.get(path.parent.name, path.parent.name),
                "url": url,
                "language": "en" if path.stem.endswith("-en") else "sv",
                "paras": paras or [body[:2000]],
            }
        )
    for name in ("formas", "forte"):
        data = json.loads((SHARED / "real" / "gdp" / f"{name}_utlysningar.json").read_text())
        for r in data:
            parts = [r.get("beskrivning") or "", r.get("beskrivningEng") or ""]
            parts += [b.get("beskrivning") or "" for b in r.get("bidragsformer") or []]
            urls = [p.get("webbadress") for p in r.get("publiceringsplatser") or []]
            out.append(
                {
                    "title": r.get("titel") or r.get("titelEng") or "",
                    "funder": r.get("finansiarNamn") or name.title(),
                    "url": next((u for u in urls if u), f"https://{name}.se/utlysningar"),
                    "language": "sv",
                    "paras": [p for p in (x.strip() for x in parts) if len(p) > 40],
                    "budget": r.get("budgetBelopp"),
                }
            )
    return [r for r in out if r["title"] and r["paras"]]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:60].strip("-")


def _strip_year(title: str) -> str:
    return re.sub(r"\s*\b(?:19|20)\d\d\b", "", title).strip(" –-:,")


def _span(rng: random.Random, title: str, low: int, high: int) -> str:
    words = _strip_year(title).split()
    if len(words) <= low:
        return " ".join(words)
    n = rng.randint(low, min(high, len(words)))
    first = rng.randrange(len(words) - n + 1)
    return " ".join(words[first : first + n])


def generate(n: int, seed: int = 42, multi_source: bool = False) -> list[dict]:
    """n calls as `callwatch import` lines; with multi_source each also names a `source`."""
    rng = random.Random(seed)
    pool = records()
    vocabulary = sorted(
        {w for r in pool for p in r["paras"] for w in re.findall(r"[^\W\d_]{5,}", p.lower())}
    )
    out: list[dict] = []
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.08:  # a later round of an earlier call
            base = rng.choice(out[-2000:])
            year_shift = rng.randint(1, 3)
            d = date.fromisoformat(base.get("deadline") or "2026-06-01") + timedelta(
                days=365 * year_shift + rng.randint(-20, 20)
            )
            call = dict(base, id=f"bench-{i:06d}", deadline=d.isoformat())
            core = _strip_year(base["title"])
            call["title"] = f"{core} {d.year}"
            call["url"] = re.sub(r"-\d+$", f"-{i}", base["url"])
            out.append(call)
            continue
        if multi_source and out and roll < 0.10:  # the same call relisted by another source
            base = rng.choice(out[-2000:])
            other = rng.choice(["viablecities", "smartbuilt", "energimyndigheten", "formas"])
            if other != base.get("source"):
                call = dict(base, id=f"bench-{i:06d}", source=other)
                call["url"] = f"https://{other}.example/utlysning/{_slug(base['title'])}-{i}"
                call["title"] = base["title"].replace(" – ", ": ")
                out.append(call)
                continue
        a, b, c = rng.sample(pool, 3)
        # the title's own words: a few running words of a sentence of another text, as real
        # titles name their topic (a title made of two titles' words alone repeats too often)
        # a span of one real title joined to words of the texts' vocabulary: 500 titles alone
        # would repeat a hundred times at 50,000 calls (and link as rounds of one another)
        words = " ".join(rng.sample(vocabulary, 3))
        title = f"{_span(rng, a['title'], 2, 5)} – {words}"
        paras = a["paras"] + rng.sample(b["paras"], min(len(b["paras"]), 3)) + c["paras"][:2]
        rng.shuffle(paras)
        description = "\n\n".join(paras[: rng.randint(3, 10)])[:8000]
        deadline = None
        if rng.random() > 0.1:
            deadline = (NOW.date() + timedelta(days=rng.randint(-400, 540))).isoformat()
            title = f"{title} {deadline[:4]}"
        host = re.match(r"https?://[^/]+", a["url"])
        call = {
            "id": f"bench-{i:06d}",
            "title": title,
            "funder": a["funder"],
            "url": f"{host.group(0) if host else 'https://example.org'}/utlysning/{_slug(title)}-{i}",
            "language": a["language"],
            "description": description,
        }
        if deadline:
            call["deadline"] = deadline
            if rng.random() < 0.15:
                opens = date.fromisoformat(deadline) - timedelta(days=rng.randint(30, 120))
                call["opens"] = opens.isoformat()
        budget = a.get("budget") or (rng.choice([5e5, 2e6, 1e7, 5e7, 2e8]) if roll > 0.6 else None)
        if budget:
            call["budget"] = float(budget)
        if multi_source:
            call["source"] = SOURCE_OF.get(a["funder"].lower(), "import")
        out.append(call)
    return out


def write_jsonl(calls: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for c in calls:
            f.write(json.dumps({k: v for k, v in c.items() if k != "source"}, ensure_ascii=False))
            f.write("\n")


def to_calls(rows: list[dict]) -> dict[str, list]:
    """Generated rows as Call objects grouped by source (multi-source mode)."""
    from dataclasses import replace

    from callwatch.importer import parse_line

    by_source: dict[str, list] = {}
    for r in rows:
        call = parse_line({k: v for k, v in r.items() if k != "source"}, NOW)
        src = r.get("source", "import")
        if src != "import":
            call = replace(call, source=src)
        by_source.setdefault(src, []).append(call)
    return by_source


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    write_jsonl(generate(args.calls, args.seed), args.out)


if __name__ == "__main__":
    main()
