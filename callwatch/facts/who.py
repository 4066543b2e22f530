"""Who may apply, read from the sentences that say so ("Vem kan söka? Regionerna och Gotlands
kommun", "Ideella organisationer kan ansöka", "SMEs as well as small or medium-size
municipalities can apply"), not from keywords anywhere on the page: a call *about* municipal
energy advice, open only to regional energy offices, is not open to municipalities.

The verdict for a municipality is `yes` when a who-may-apply sentence names municipalities, cities
or the public sector (or all organisations), `no` only when such sentences name applicants and
all of them are others, and `unclear` otherwise. A sentence that says who may NOT apply names no
applicant.
"""

from __future__ import annotations

import re

from callwatch.text import mask_named_municipalities

APPLICANT_KINDS = (
    "municipality", "region", "government_agency", "public_sector", "company", "sme",
    "university", "research_institute", "civil_society", "individual", "other",
)  # fmt: skip

WHO_CUE = re.compile(
    r"(?i)vem (?:kan|får) (?:söka|ansöka)|who (?:can|may) apply|eligible applicants|eligibility|"
    r"\bbehörig|\b(?:kan|får|kunna)\s+(?:\w+\s+){0,3}?(?:söka|ansöka|søke|søge|rekvirera)\b|"
    r"may apply|can apply|vilka (?:som )?kan|"
    r"(?:kan|får) beviljas|får (?:ges|lämnas) till|kan lämnas till|\briktar sig\b|vänder sig till|"
    r"is aimed at|are aimed at|addressed to|open to\b|söks av|sökande ska|huvudsökande|"
    r"main applicant|primary applicant|applicants? (?:must|should|can)|lead applicant|"
    r"coordinat\w+ (?:party )?must|är öppen för|välkomna[sr]|are welcome|seeking solutions from|"
    r"kan delta|can participate|may participate|can submit|kan skicka in|kan få \w*(?:stöd|bidrag)\b|"
    r"accepts (?:applications|submissions) from|stödet (?:ges|lämnas) till|"
    r"kan alla|alle aktører kan|kan sökas av|can be applied for by|ansökan (?:görs|lämnas) av|"
    r"parties must|applicant parties|may also include|can also include|kan även ingå|"
    r"must be (?:a |an )?(?:municipalit|cit|compan|universit|region)|eligible to apply|"
    r"^applicants?\s*:|^sökande\s*:|bjuder (?:\w+\s+){0,2}in\b|\binvites?\b|"
    r"\bfunds (?:swedish |european )?(?:companies|organi|municipal|research)"
)
# every WHO_CUE alternative contains one of these; a cheap test before the costly pattern
_WHO_WORDS = (
    "sök", "søk", "søg", "apply", "eligib", "behörig", "rekvirera", "vilka", "beviljas", "ges till",
    "lämnas till", "riktar", "vänder", "aimed", "addressed", "open to", "söks", "applicant",
    "coordinat", "öppen för", "välkom", "welcome", "seeking", "delta", "particip", "submit",
    "skicka in", "kan få", "accepts", "stödet", "kan alla", "aktører", "applied for",
    "ansökan", "parties", "include", "ingå", "must be", "invite", "bjuder", "funds ",
)  # fmt: skip
_WHAT = re.compile(r"(?i)^(?:vad|what|hur|how|när|when)\b")  # "Vad kan ni söka för?" is not who
_EXAMPLES = re.compile(
    r"(?i)^(?:det kan (?:till exempel|t\.ex\.|exempelvis) vara|for example|e\.g\.|exempelvis|such as|"
    r"this includes|dessa kan vara|t\.ex\.)"
)
# the purpose of the money is not who receives it: "Länsstyrelser kan söka medel ... för att
# stödja kommuner" names länsstyrelser only
_PURPOSE = re.compile(
    r"(?i)\b(?:för att|i syfte att|in order to|to support|som syftar|aimed at helping|"
    r"för (?:\w+ ){0,2}projekt|for (?:\w+ ){0,2}projects|men|but)\b"
)
_TITLE_WHO = re.compile(
    r"(?i)\b(?:för|for|till)\s+(?:svenska\s+)?(?P<who>bolag|företag|companies|kommuner|municipalities|"
    r"ideella föreningar|ideella organisationer|regioner|länsstyrelser)\b"
)
NEGATED = re.compile(
    r"(?i)\b(?:kan|får|ska|kommer)\s+(?:\w+\s+){0,2}?(?:inte|ej|icke)\b|"
    r"\b(?:inte|ej)\s+(?:\w+\s+){0,1}(?:söka|ansöka|beviljas|ges|lämnas|berättigad|behörig|stöd)|"
    r"\binte kan\b|cannot|can not|can't|may not|not eligible|not (?:be )?(?:funded|granted)|"
    r"\bexcluded\b|\bger ej\b|\bikke\b"
)
_TITLE_FOR = re.compile(
    r"(?i)\b(?:stöd|bidrag|projektbidrag|medel|grants?|funding|support)\s+(?:\w+\s+){0,2}?"
    r"(?:till|för|for|to)\s+(?P<who>[\w\s-]{3,40})"
)

_KINDS = {
    # not "kommunen": the definite singular is mostly the municipality giving a local grant
    "municipality": r"\bkommun(?:er|erna)?\b|kommunalförbund|kommunsamarbet|kommunala (?:aktörer|organisationer|förvaltningar)|"
    r"\bmunicipalit|\bcities\b|local (?:public )?authorit|\bstäder\b|\bkommune(?:r|ne)?\b",
    "region": r"\bregion(?:er|erna|en)?\b|landsting|\bregions\b|regional authorit|county council|gotland",
    "government_agency": r"\bmyndighet(?:er|erna)?\b|länsstyrelse|county administrative board|government agenc|"
    r"statliga myndigheter|state agenc|national authorit",
    "public_sector": r"offentlig|public sector|public bod|public authorit|public organi[sz]ation|"
    r"public actors|public entit|public equivalent|public and",
    "company": r"företag(?!sfrämj)|\bbolag|näringsliv|aktiebolag|compan(?:y|ies)|business|enterprise|"
    r"\bindustry|private (?:sector|entit)|privata aktörer|start-?ups?\b|entrepreneur",
    "sme": r"små och medelstora (?:\w+ )?företag|\bsmf\b|\bsmes?\b|small and medium|small or medium-sized (?:compan|enterpr)",
    "university": r"universitet|högskol|lärosät|higher education|universit(?:y|ies)|academic|academia|"
    r"forskningsutförare|\bakademi(?:n)?\b|research organi[sz]ation",
    "research_institute": r"forskningsinstitut|\binstitut|research institut|research organi[sz]ation|"
    r"forskningsutförare|\brtos?\b",
    "civil_society": r"ideell|\bföreningar\b|\bförening\b|civilsamhälle|civil society|stiftelse|"
    r"non-?profit|\bngos?\b|associations?\b|frivillig|trossamfund|idébur|foundations?\b",
    "individual": r"enskild(?:a)? forskare|enskild person|privatperson|individual|"
    r"\bresearchers?\b|\bforskare\b|doktorsexamen|\bphd\b|postdo|\bstudents?\b|studenter|stipend",
    "other": r"andra organisationer|andra aktörer|other organi[sz]ation|energikontor|företagsfrämjande|"
    r"bransch|intresseorganisation|larger organi|större organisationer|other actors|aktörer som|"
    r"\bbibliotek|medelsförvaltare|ekonomiska föreningar",
}
_KIND_RE = {k: re.compile(v, re.I) for k, v in _KINDS.items()}
# organisations of any kind named as applicants: a municipality may be one, so never "no"
GENERIC = re.compile(
    r"(?i)(?<!ideella )(?<!offentliga )(?<!public )(?<!research )(?<!non-profit )"
    r"\b(?:organi[sz]ations|organisationer|aktörer|actors|legal entities|teams)\b"
)
BROAD = re.compile(
    r"(?i)alla (?:typer av )?(?:aktörer|organisationer)|all (?:types of )?(?:actors|organi[sz]ations|"
    r"legal entities)|any legal entit|alle aktører|juridisk(?:a)? person|organisationsnummer|"
    r"alla kan söka|anyone can apply|open to all|must be legal entities"
)
# "a legal person" qualifying a named kind ("en ideell organisation som är en juridisk person")
# is a requirement on that kind, not "anyone"
_QUALIFIER = re.compile(
    r"(?i)(?:^\W*|\b(?:som|vilken|vilka)\b)\W{0,3}(?:\w+\s+){0,2}?(?:är|vara)\s+(?:en\s+)?juridisk(?:a)? "
    r"person(?:er)?\b(?!\W{0,3}(?:till exempel|t\.\s?ex|exempelvis))"
)
_REQUIREMENT = re.compile(r"(?i)^\W*(?:är|vara|ska vara)\s+(?:en\s+)?juridisk person\b")
# a required party is not the only one: "of which at least one is a company", "varav minst en
# ska vara ett företag" leaves the other parties open
_AT_LEAST_ONE = re.compile(
    r"(?i)\b(?:of which|varav|av vilka)\s+(?:at least|minst)\s+(?:one|en|ett)\b|"
    r"\bat least one (?:of (?:the|which) )?(?:project )?(?:parties|partners|participants)\b|"
    r"\bminst (?:en|ett) av (?:projekt)?(?:parterna|deltagarna)\b"
)
# "Om ett universitet ... är huvudsökande ska ..." states a condition on one kind of main
# applicant, not who may apply: such a sentence can say yes (it names municipalities), never no
_CONDITIONAL = re.compile(
    r"(?i)^\W*(?:om|if|i de fall|in case)\b.{0,80}?\b(?:är|is)\s+(?:huvudsökande|"
    r"koordinator|(?:the )?(?:main|lead) applicant|(?:the )?coordinator)\b"
)
_MUNICIPAL_YES = {"municipality", "public_sector"}


def applicants_in(sentence: str) -> list[str]:
    """The kinds of applicant a (non-negated) who-may-apply sentence names."""
    s = mask_named_municipalities(sentence).lower()
    s = s.replace("gotlands kommun", "region gotland").replace("kommunala bolag", "bolag")
    s = re.sub(r"små och medelstora kommuner|small (?:and|or) medium[- ]size[d]? municipalities",
               "kommuner", s)  # fmt: skip
    kinds = [k for k, rx in _KIND_RE.items() if rx.search(s)]
    if "sme" in kinds and not re.search(
        r"(?<!små och medelstora )företag|compan|business|enterprise(?!s\))", s
    ):
        kinds = [k for k in kinds if k != "company"] if "company" in kinds else kinds
    return kinds


def who(sentences: list[str], title: str) -> tuple[list[str], str, str | None]:
    """(applicant kinds, municipality verdict, evidence sentence)."""
    kinds: list[str] = []
    evidence: list[str] = []
    broad = generic = False
    for i, s in enumerate(sentences):
        low = s.lower()
        if not any(w in low for w in _WHO_WORDS) or not WHO_CUE.search(s) or _WHAT.match(s):
            continue
        group = [s]
        if len(s) < 60 and s.rstrip().endswith(("?", ":")) and i + 1 < len(sentences):
            group.append(sentences[i + 1])
        if i + 1 < len(sentences) and _EXAMPLES.match(sentences[i + 1]):
            group.append(sentences[i + 1])
        for g in group:
            cues = list(WHO_CUE.finditer(g))
            purpose = _PURPOSE.search(g, cues[-1].end() if cues else 0)
            if purpose:  # applicants are named before what the money is for
                g = g[: purpose.start()]
            if NEGATED.search(re.sub(r"\([^)]{0,80}\)", "", g)):
                continue
            found = applicants_in(g)
            if _CONDITIONAL.match(g):
                found = [k for k in found if k in _MUNICIPAL_YES]
                generic = True
            # "är en juridisk person," as one item of a list of requirements is not "anyone"
            if BROAD.search(_QUALIFIER.sub("", g) if found or _REQUIREMENT.match(g) else g):
                broad = True
            one = _AT_LEAST_ONE.search(g)
            # "consortia ..., of which at least one must be a company" leaves the other parties
            # open; "företag, varav minst ett ska vara ett SMF" names the applicants already
            clause = re.split(r"[,;:]", g[: one.start()].rstrip(" ,;:"))[-1] if one else ""
            if GENERIC.search(re.sub(r"\([^)]{0,80}\)", "", g)) or (
                one and not applicants_in(clause)
            ):
                generic = True
            if found or BROAD.search(g):
                evidence.append(g)
                for k in found:
                    if k not in kinds:
                        kinds.append(k)
        if len(evidence) >= 6:
            break
    m = _TITLE_FOR.search(title) or _TITLE_WHO.search(title)
    if m:
        for k in applicants_in(m.group("who")):
            if k not in kinds and k in ("municipality", "region", "civil_society", "company"):
                kinds.append(k)
                evidence.append(title)
    municipal_mentioned = any(k in _MUNICIPAL_YES for k in kinds)
    if municipal_mentioned or broad:
        verdict = "yes"
    elif kinds and "other" not in kinds and not generic:
        verdict = "no"
    elif kinds == ["other"] or (kinds and all(k in ("other",) for k in kinds)):
        verdict = "no" if any(re.search(r"(?i)energikontor", e) for e in evidence) else "unclear"
    else:
        verdict = "unclear"
    ordered = [k for k in APPLICANT_KINDS if k in kinds]
    return ordered, verdict, (evidence[0] if evidence else None)
