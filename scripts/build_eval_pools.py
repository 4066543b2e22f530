"""Build the unlabelled item pools of the development sets from the real material in ../shared.

Writes tests/eval/pool_themes.jsonl (items for theme-relevance labels),
tests/eval/pool_facts.jsonl (items for call-fact labels) and tests/eval/pool_fresh.jsonl (a second,
never-read held-out pool of theme items, added when the first held-out part had been looked at). Each item: id, origin, funder, title,
url, text, split. `split` is "heldout" for about 40 % of the items new in this pool (by a hash
of the id, so it never depends on who looks): their texts and labels are never read while
writing rules; "tune" for the rest. The 88 call texts labelled before (labels.toml) are "tune".

Run from the repository root: python scripts/build_eval_pools.py
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "samples"
OUT = ROOT / "tests" / "eval"


def split_of(item_id: str, new: bool) -> str:
    if not new:
        return "tune"
    h = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16)
    return "heldout" if h % 10 < 4 else "tune"


def calltexts() -> list[dict]:
    items = []
    for line in (SHARED / "calltexts" / "calls.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        items.append(
            {
                "id": r["id"],
                "origin": "calltexts",
                "funder": r["funder"],
                "title": r["title"],
                "url": r["url"],
                "text": r["text"],
            }
        )
    return items


def pages() -> list[dict]:
    items = []
    for path in sorted((SHARED / "pages").glob("*/*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        url = lines[0].removeprefix("URL: ").strip()
        body = "\n".join(lines[3:]).strip()
        heading = next((ln.strip() for ln in lines[3:] if 8 < len(ln.strip()) < 140), path.stem)
        items.append(
            {
                "id": f"page-{path.parent.name}-{path.stem}",
                "origin": "pages",
                "funder": path.parent.name,
                "title": heading,
                "url": url,
                "text": body,
            }
        )
    return items


def gdp_records() -> list[dict]:
    items, seen = [], set()
    for name in ("formas", "forte"):
        data = json.loads((SHARED / "real" / "gdp" / f"{name}_utlysningar.json").read_text("utf-8"))
        for r in data:
            title = re.sub(r"\s+", " ", (r.get("titel") or "")).strip()
            key = re.sub(r"\W+|\d+", "", title.lower())
            if not title or key in seen:
                continue  # later rounds of the same call repeat the text
            seen.add(key)
            parts = [r.get("beskrivning") or ""]
            for form in r.get("bidragsformer") or []:
                parts.append(f"{form.get('namn') or ''}: {form.get('beskrivning') or ''}")
            text = "\n".join(p.strip() for p in parts if p and p.strip() != title)
            items.append(
                {
                    "id": f"gdp-{name}-{r['diarienummer']}",
                    "origin": "gdp",
                    "funder": r.get("finansiarNamn") or name,
                    "title": title,
                    "url": "",
                    "text": text,
                }
            )
    return items


def em_cards() -> list[dict]:
    data = json.loads(
        (SHARED / "real" / "listings" / "energimyndigheten_cards.json").read_text("utf-8")
    )
    items = []
    for r in data:
        slug = r["url"].rstrip("/").rsplit("/", 1)[-1][:80]
        items.append(
            {
                "id": f"em-card-{slug}",
                "origin": "em-cards",
                "funder": "Energimyndigheten",
                "title": r["title"][:120],
                "url": r["url"],
                "text": r["title"],
            }
        )
    # one card per slug
    return list({i["id"]: i for i in items}.values())


def main() -> None:
    ct, pg, gdp, cards = calltexts(), pages(), gdp_records(), em_cards()
    themes = [dict(i, split=split_of(i["id"], i["origin"] != "calltexts")) for i in ct + pg]
    themes += [dict(i, split=split_of(i["id"], True)) for i in gdp[:150] + cards[::3][:60]]
    # no facts rules were ever written from any of these texts, so every item may be held out
    facts = [dict(i, split=split_of(i["id"], True)) for i in ct + pg + cards[1::5][:40]]
    # A second held-out pool, built after the first one's held-out figures had been looked at
    # (in aggregate) several times: records and cards no pool used before. Nobody writing rules
    # reads these texts or their labels; evaluate.py --pool fresh reports on them.
    used_cards = {i["id"] for i in cards[::3][:60]}
    fresh = gdp[150:] + [i for i in cards if i["id"] not in used_cards][::2]
    fresh = [dict(i, split="fresh") for i in fresh]
    for name, items in (
        ("pool_themes.jsonl", themes),
        ("pool_facts.jsonl", facts),
        ("pool_fresh.jsonl", fresh),
    ):
        with (OUT / name).open("w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
        held = sum(i["split"] == "heldout" for i in items)
        print(
            f"{name}: {len(items)} items, {held} held out"
            if held
            else f"{name}: {len(items)} items"
        )


if __name__ == "__main__":
    main()
