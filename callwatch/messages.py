"""The writing commands' messages (fetch, import, add, sources, rules check, users) in Swedish
and English, and the Swedish wording of the messages other modules write in English (errors,
source warnings, health notes), chosen by --lang / CALLWATCH_LANG (the CLI is English by
default).

The same pattern as report_text.py: one table per language. Errors and warnings are made deep
in the library (parsers, rules, sources, the importer) as English text naming the file, line or
source; `text()` words them in Swedish at the output, phrase by phrase, so the file, line, key
and the funder's or user's own values stay as they were. A phrase not in SV_PHRASES stays
English; tests/test_i18n.py scans the messages the commands give for that.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "error": "Error: {message}",
        "warning": "warning: {message}",
        "fetching": "Fetching {n} source(s) ({mode})...",
        "source_line": "{source}: {status}, {seen} calls ({new} new, {updated} updated, "
        "{closed} closed)",
        "source_warning": "{source}: warning: {message}",
        "scored": "scored {scored} of {total} calls",
        "not_scored": "warning: calls not scored: {error}",
        "not_scored_yet": "warning: not scored yet: {error}",
        "summary_title": "callwatch fetch ({mode})",
        "imported": "imported {seen} calls from {file} ({new} new, {updated} updated)",
        "added": "added {id}: {title} (status {status})",
        "updated": "updated {id}: {title} (status {status})",
        "decisions_imported": "imported {imported} decisions from {file} ({present} already "
        "present, {older} older than a decision in the database)",
        "rules_ok": "rules OK: {themes} themes ({terms} terms), {phrases} eligibility phrases, "
        "{n} municipalities ({names}); hash {hash}",
        "user_added": "user {name} decides for {kommun}",
        "user_removed": "removed user {name}",
        "skipped_records": "{source}: last run skipped {n} record(s):",
        "health_title": "Source health ({where})",
        "parsed_skipped": "skipped {record}",
        "parsed_count": "{n} calls parsed, {skipped} record(s) skipped",
        "parsed_title": "{n} calls from {file}",
        "wrote": "wrote {file}",
    },
    "sv": {
        "error": "Fel: {message}",
        "warning": "varning: {message}",
        "fetching": "Hämtar {n} källor ({mode})...",
        "source_line": "{source}: {status}, {seen} utlysningar ({new} nya, {updated} ändrade, "
        "{closed} stängda)",
        "source_warning": "{source}: varning: {message}",
        "scored": "poängsatte {scored} av {total} utlysningar",
        "not_scored": "varning: utlysningarna fick inga poäng: {error}",
        "not_scored_yet": "varning: inga poäng ännu: {error}",
        "summary_title": "callwatch fetch ({mode})",
        "imported": "importerade {seen} utlysningar från {file} ({new} nya, {updated} ändrade)",
        "added": "lade till {id}: {title} (status {status})",
        "updated": "uppdaterade {id}: {title} (status {status})",
        "decisions_imported": "importerade {imported} beslut från {file} ({present} fanns "
        "redan, {older} äldre än ett beslut i databasen)",
        "rules_ok": "reglerna är giltiga: {themes} teman ({terms} termer), {phrases} "
        "behörighetsfraser, {n} kommuner ({names}); hash {hash}",
        "user_added": "användaren {name} beslutar för {kommun}",
        "user_removed": "tog bort användaren {name}",
        "skipped_records": "{source}: senaste körningen hoppade över {n} poster:",
        "health_title": "Källornas hälsa ({where})",
        "parsed_skipped": "hoppade över {record}",
        "parsed_count": "{n} utlysningar lästa, {skipped} poster överhoppade",
        "parsed_title": "{n} utlysningar från {file}",
        "wrote": "skrev {file}",
    },
}

# Words in the fetch summary and the source health table (the column heads, a source's status,
# the fetch mode); tab-separated and JSON output keep the English codes for scripts.
WORDS: dict[str, dict[str, str]] = {
    "en": {},
    "sv": {
        "source": "källa", "status": "status", "seen": "sedda", "new": "nya",
        "updated": "ändrade", "closed": "stängda", "errors": "fel", "duration": "tid",
        "kind": "typ", "health": "hälsa", "calls": "utlysningar", "title": "titel",
        "deadline": "sista dag", "url": "länk", "expected": "förväntat", "message": "meddelande",
        "ok": "ok", "failed": "misslyckades", "skipped": "hoppade över", "partial": "ofullständig",
        "broken": "trasig", "suspect": "misstänkt", "live": "direkt", "replay": "uppspelning",
        "offline": "inspelningar", "archive": "arkiv", "shipped recordings": "medföljande inspelningar",
        "yes": "ja", "no": "nej", "id": "id", "deadlines": "sista dagar",
    },
}  # fmt: skip


def words(lang: str | None) -> dict[str, str]:
    return MESSAGES["sv" if lang == "sv" else "en"]


def word(key: str, lang: str | None) -> str:
    """A column head, status or mode in the output's language (the code itself in English)."""
    return WORDS["sv"].get(key, key) if lang == "sv" else key


def say(key: str, lang: str | None, **values: object) -> str:
    return words(lang)[key].format(**values)


# English phrases of library messages -> Swedish, applied in order. Each names no value: the
# file, line, key, source id and the funder's or user's text around it stay as they were.
def _field(m: re.Match[str]) -> str:
    """A stored field's name in Swedish ('title' -> 'titel'), the rest of the match kept."""
    from callwatch.show_text import field_word

    name = {"deadline": "sista dag", "opens": "öppnar", "url": "länk"}.get(m.group(1))
    return (name or field_word(m.group(1), "sv")) + m.group(2)


SV_PHRASES: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    # the importer (`callwatch import`)
    (r"\(and (\d+) more invalid lines\)", r"(och \1 ogiltiga rader till)"),
    (r"\bline (\d+):", r"rad \1:"),
    (r"; nothing was imported", "; inget importerades"),
    (r"no calls in the file", "inga utlysningar i filen"),
    (r"not valid JSON", "inte giltig JSON"),
    (r"not a JSON object", "inte ett JSON-objekt"),
    (r"'(\w+)' must be an ISO date or datetime string", r"'\1' måste vara ett ISO-datum eller -klockslag"),
    (r"'(\w+)' is missing or not a non-empty string", r"'\1' saknas eller är inte en icke-tom sträng"),
    (r"'url' must start with http:// or https://", "'url' måste börja med http:// eller https://"),
    (r"'url' must be one line without spaces or control characters",
     "'url' måste vara en rad utan mellanslag eller styrtecken"),
    (r"'(\w+)' must be a string", r"'\1' måste vara en sträng"),
    (r"'budget' must be a finite non-negative number", "'budget' måste vara ett ändligt tal, 0 eller större"),
    (r"invalid JSON \(", "ogiltig JSON ("),
    (r"Expecting value", "ett värde väntades"),
    (r"Expecting property name enclosed in double quotes", "ett namn inom citattecken väntades"),
    (r"Expecting '(.)' delimiter", r"skiljetecknet '\1' väntades"),
    (r"Unterminated string starting at", "oavslutad sträng som börjar vid"),
    (r"Extra data", "mer data efter objektet"),
    (r"Invalid control character at", "ogiltigt styrtecken vid"),
    (r": line (\d+) column (\d+) \(char (\d+)\)", r": rad \1 kolumn \2 (tecken \3)"),
    (r"JSON nested too deeply", "JSON nästlad för djupt"),
    (r"Invalid isoformat string: ", "ogiltigt ISO-datum: "),
    (r"\b(\w+)( longer than \d+ characters; cut)", _field),
    (r"\b(deadline|opens|url|budget)( '.*' is not a)", _field),
    (r"already on line (\d+)", r"finns redan på rad \1"),
    (r"call without an id", "utlysning utan id"),
    (r"longer than (\d+) characters; cut", r"längre än \1 tecken; avkortad"),
    (r"is not a single-line http\(s\) URL; dropped", "är inte en http(s)-länk på en rad; utelämnad"),
    (r"is not a date in (\d+)-(\d+); dropped", r"är inte ett datum under \1–\2; utelämnat"),
    (r"is not a finite amount; dropped", "är inte ett ändligt belopp; utelämnat"),
    # files and folders (rules/, sources/, recordings)
    (r"cannot read keys \((\w+)\)", r"kan inte läsa nycklarna (\1)"),
    (r"cannot read \(", "kan inte läsas ("),
    (r"file not found", "filen finns inte"),
    (r"invalid TOML \(.*\(at line (\d+), column (\d+)\)\)$", r"ogiltig TOML (rad \1, kolumn \2)"),
    (r"invalid TOML \(", "ogiltig TOML ("),
    (r"rules folder not found \(use --rules or CALLWATCH_RULES\)",
     "mappen med regler finns inte (ange --rules eller CALLWATCH_RULES)"),
    (r"sources folder not found \(use --sources or CALLWATCH_SOURCES\)",
     "mappen med källor finns inte (ange --sources eller CALLWATCH_SOURCES)"),
    (r"no municipality profiles \(\*\.toml\)", "inga kommunprofiler (*.toml)"),
    (r"no source files \(\*\.toml\)", "inga källfiler (*.toml)"),
    (r"no such recording folder", "ingen sådan mapp med inspelningar"),
    (r"use only one of --replay DIR, --offline and --from-archive",
     "använd bara en av --replay DIR, --offline och --from-archive"),
    (r"readable by other users; run", "läsbar för andra användare; kör"),
    (r"cannot create the fetch lock", "kan inte skapa hämtningens lås"),
    (r"No such file or directory", "filen eller mappen finns inte"),
    (r"Permission denied", "åtkomst nekad"),
    (r"Is a directory", "är en mapp"),
    # keys of rules and sources files
    (r"\bunknown key\b", "okänd nyckel"),
    (r"\bkeys ('[^']*') and ('[^']*')", r"nycklarna \1 och \2"),
    (r"\bkey ('[^']*')", r"nyckeln \1"),
    (r"is missing or not a string", "saknas eller är inte en sträng"),
    (r"is missing or has the wrong type", "saknas eller har fel typ"),
    (r"must be a non-empty table of \"term\" = weight", 'måste vara en icke-tom tabell av "term" = vikt'),
    (r"must be a number above 0 and at most 5", "måste vara ett tal över 0 och högst 5"),
    (r"has an empty term", "har en tom term"),
    (r"must be a list of non-empty strings", "måste vara en lista av icke-tomma strängar"),
    (r"must be a table with '(\w+)' and '(\w+)'", r"måste vara en tabell med '\1' och '\2'"),
    (r"must be tables with '(\w+)'", r"måste vara tabeller med '\1'"),
    (r"must be a table with '(\w+)'", r"måste vara en tabell med '\1'"),
    (r"must be a table of theme = weight", "måste vara en tabell av tema = vikt"),
    (r"must be a table", "måste vara en tabell"),
    (r"needs sv and en strings", "behöver strängar för sv och en"),
    (r"must be a string", "måste vara en sträng"),
    (r"is listed twice \(also in", "finns två gånger (även i"),
    (r"is also a term \(", "finns också bland termerna ("),
    (r"is not a phrase of ('[^']*') or ('[^']*')", r"är ingen fras i \1 eller \2"),
    (r"is not a phrase of ('[^']*')", r"är ingen fras i \1"),
    (r"is also in ('[^']*')", r"finns också i \1"),
    (r"is not a term of ('[^']*')", r"hör inte till termerna i \1"),
    (r"\btheme ('[^']*') is missing", r"temat \1 saknas"),
    (r"\bfield ('[^']*') is empty", r"fältet \1 är tomt"),
    (r"\bis empty\b", "är tom"),
    (r"is not a theme in themes\.toml", "är inget tema i themes.toml"),
    (r"must be a number from 0 to 1", "måste vara ett tal från 0 till 1"),
    (r"must be a finite non-negative number", "måste vara ett ändligt tal, 0 eller större"),
    (r"must be a non-negative integer", "måste vara ett heltal, 0 eller större"),
    (r"must be a number of seconds \(0 or more\)", "måste vara ett antal sekunder (0 eller fler)"),
    (r"must equal the file name", "måste vara lika med filnamnet"),
    (r"is not one of", "är inte någon av"),
    (r"name or alias (.+) is also used by", r"namnet eller aliaset \1 används också av"),
    # names a person typed
    (r"\bunknown municipality\b", "okänd kommun"),
    (r"\bunknown theme\b", "okänt tema"),
    (r"\bunknown source\b", "okänd källa"),
    (r"\(known: ", "(kända: "),
    (r"; known: ", "; kända: "),
    (r": cannot write \(", ": kan inte skrivas ("),
    (r"must list http\(s\) URLs", "måste lista http(s)-adresser"),
    (r"; did you mean ", "; menade du "),
    (r"^(\S+) matches none of (.+)'s themes \(relevance below ([\d.]+)\); see ",
     r"\1 matchar inget av teman för \2 (relevans under \3); se "),
    (r"no call with id (.+) \(see ", r"ingen utlysning med id \1 (se "),
    (r"no row (\d+) in the last listing \((\d+) rows\); give a call id instead",
     r"ingen rad \1 i den senaste listan (\2 rader); ange ett id i stället"),
    (r"^('.*') matches (\d+) calls \((.*)\); give more of the id",
     r"\1 passar \2 utlysningar (\3); ange mer av id:t"),
    (r"is not a date \(YYYY-MM-DD\)", "är inte ett datum (ÅÅÅÅ-MM-DD)"),
    (r"is outside the years (\d+)-(\d+)", r"ligger utanför åren \1–\2"),
    (r"is negative; use 0 for all", "är negativt; ange 0 för alla"),
    (r"is negative; give a number of days", "är negativt; ange ett antal dagar"),
    (r"give an amount of 0 or more", "ange ett belopp, 0 eller mer"),
    (r"is not an e-mail address", "är inte en e-postadress"),
    (r"^give exactly one of --kommun NAME or --theme NAME$",
     "ange precis en av --kommun NAMN och --theme NAMN"),
    # import-decisions, mark, users, add
    (r"\brow (\d+):", r"rad \1:"),
    (r"expected a JSON list of decisions", "en JSON-lista av beslut väntades"),
    (r"missing or empty ('[^']*')", r"\1 saknas eller är tom"),
    (r"unknown status ('[^']*'); use engage, watch or dismiss",
     r"okänd status \1; använd engage, watch eller dismiss"),
    (r"\bunknown status\b", "okänd status"),
    (r"'created' is not a timestamp", "'created' är ingen tidpunkt"),
    (r"\bnot JSON \(", "inte JSON ("),
    (r"this command needs the web extra \((\S+) is missing\): ",
     r"kommandot behöver tillägget web (\1 saknas): "),
    (r"invalid user name ('[^']*'): use 1-64 letters a-z, digits, '\.', '_', '@' or '-'",
     r"ogiltigt användarnamn \1: använd 1–64 tecken: a–z, siffror, '.', '_', '@' eller '-'"),
    (r"password too short: use at least (\d+) characters", r"lösenordet är för kort: minst \1 tecken"),
    (r"password too long: at most (\d+) characters", r"lösenordet är för långt: högst \1 tecken"),
    (r"the passwords differ; nothing was changed", "lösenorden skiljer sig åt; inget ändrades"),
    (r"no user ('[^']*') \(see ", r"ingen användare \1 (se "),
    (r"not UTF-8 text \(byte (\d+)\)", r"inte UTF-8-text (byte \1)"),
    (r"(--url '.*') must start with http:// or https://", r"\1 måste börja med http:// eller https://"),
    (r"no title \(first line of a \.txt, <h1> or <title> of a page\)",
     "ingen titel (första raden i en .txt, <h1> eller <title> på en sida)"),
    # a fetch: source reports, warnings and health notes
    (r"\bis set; not needed\b", "är satt; behövs inte"),
    (r"not in the recording", "finns inte i inspelningen"),
    (r"no API key: set ", "ingen API-nyckel: sätt "),
    (r"register for a free key at ", "registrera dig för en gratis nyckel på "),
    (r"copy the current public search key from interreg\.eu, see ",
     "kopiera den aktuella publika söknyckeln från interreg.eu, se "),
    (r"internal error ", "internt fel "),
    (r"extraction looks broken \(", "utläsningen ser trasig ut ("),
    (r"the source may have changed its layout\. Nothing was stored or closed; see",
     "källan kan ha ändrat sin layout. Inget sparades eller stängdes; se"),
    (r"could not store the calls \(", "kunde inte spara utlysningarna ("),
    (r"(\d+) calls found, expected at least (\d+)", r"\1 utlysningar hittade, minst \2 väntades"),
    (r"(\d+) calls found, more than the expected (\d+)", r"\1 utlysningar hittade, fler än de väntade \2"),
    (r"only (\S+) of calls have a title", r"bara \1 av utlysningarna har en titel"),
    (r"only (\S+) of calls have a URL", r"bara \1 av utlysningarna har en länk"),
    (r"only (\S+) of calls have a deadline \(expected at least (\S+)\)",
     r"bara \1 av utlysningarna har en sista dag (minst \2 väntades)"),
    (r"(\d+) items read, none kept \(e\.g\. none open to Swedish regions\)",
     r"\1 poster lästa, ingen behölls (t.ex. ingen öppen för svenska regioner)"),
    (r"(\d+) record\(s\) skipped, e\.g\. ", r"\1 poster överhoppade, t.ex. "),
    (r"record skipped: ", "post överhoppad: "),
    (r"saw (\d+) calls but (\d+) are open in the database; treated as partial, nothing closed",
     r"såg \1 utlysningar men \2 är öppna i databasen; behandlas som ofullständig, inget stängdes"),
    (r"(\d+) call page\(s\) could not be fetched; used the listing text",
     r"\1 utlysningssidor kunde inte hämtas; listningens text användes"),
    (r"listing page failed: ", "listningssidan misslyckades: "),
    (r"(\d+) call links, followed the first (\d+)", r"\1 länkar till utlysningar, följde de första \2"),
    (r"topic details unavailable for (\d+) topic\(s\)", r"ämnesdetaljer saknas för \1 ämnen"),
    (r"stopped after (\d+) pages of (\d+) results; raise",
     r"slutade efter \1 sidor av \2 träffar; höj"),
    (r"the database is read-only; scores were not refreshed",
     "databasen är skrivskyddad; poängen uppdaterades inte"),
    (r"no users yet; add one with ", "inga användare ännu; lägg till en med "),
    (r"read-only database; period not recorded", "skrivskyddad databas; perioden sparades inte"),
    (r"^mailed (.*) to ", r"skickade \1 till "),
    (r"^live$", "direkt"),
    (r"^replay of ", "uppspelning av "),
    (r"use either --live or --replay DIR, not both", "använd antingen --live eller --replay DIR, inte båda"),
    (r"\bHTTP (\d+) from ", r"HTTP \1 från "),
    (r"\(after (\d+) attempts\)", r"(efter \1 försök)"),
    (r"robots\.txt does not allow ", "robots.txt tillåter inte "),
    (r"too many redirects from ", "för många omdirigeringar från "),
    (r"response from (\S+) is larger than (\d+) MB; refused", r"svaret från \1 är större än \2 MB; avvisat"),
    (r"no recorded response for (.+) in ", r"inget inspelat svar för \1 i "),
    (r"no archived response for ", "inget arkiverat svar för "),
    (r"expected JSON but the server answered with an HTML page",
     "JSON väntades men servern svarade med en HTML-sida"),
    (r"expected an object, got ", "ett objekt väntades, fick "),
    (r"expected an object", "ett objekt väntades"),
    (r"\bfield ('[^']*') is missing", r"fältet \1 saknas"),
    (r"\bfield ('[^']*') is empty", r"fältet \1 är tomt"),
    (r"\bnot an HTML page", "inte en HTML-sida"),
    (r"\bpage has no body", "sidan har ingen brödtext"),
    (r"no call links and no call title found", "inga länkar till utlysningar och ingen titel"),
    (r"no links matching options\.link_pattern on (.+); the listing layout may have changed",
     r"inga länkar som matchar options.link_pattern på \1; listningens layout kan ha ändrats"),
    (r"\bunknown status code\b", "okänd statuskod"),
    (r"\bunreadable date\b", "oläsligt datum"),
    (r"\bunexpected response\b", "oväntat svar"),
    (r"\bunexpected structure\b", "oväntad struktur"),
    (r"\bnot JSON\b", "inte JSON"),
    (r"\btimed out\b", "tidsgränsen överskreds"),
    (r"\bretries\b", "försök"),
]  # fmt: skip
# a word is English here when it is common in English (Zipf >= 3) and clearly more common there
# than in Swedish ("must", "list", "field"; not "status", "system", "data" or "Boverket")
ENGLISH_ZIPF, ENGLISH_MARGIN = 3.0, 1.0
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
_COMPILED = [(re.compile(p), r) for p, r in SV_PHRASES]


def text(message: str, lang: str | None) -> str:
    """A library message (an error, a source's warning or health note) in the output's
    language; in English as it was written."""
    if lang != "sv":
        return message
    said = message
    for pattern, repl in _COMPILED:
        said = pattern.sub(repl, said)
    # quoted values keep their words ("no call with id 'Permission denied'"): the phrases keep
    # every quoted value where it was, so each is put back as it was written
    values = iter(_QUOTED.findall(message))
    if len(_QUOTED.findall(said)) == len(_QUOTED.findall(message)):
        said = _QUOTED.sub(lambda m: next(values), said)
    return said


def framed(key: str, message: str, lang: str | None, **values: object) -> str:
    """A library message in its frame ("Fel: ...", "<source>: varning: ..."), one language per
    line: a Swedish message in the Swedish frame; one SV_PHRASES cannot word in full keeps its
    English words and gets the English frame rather than a line of two languages."""
    lang, said = line_language(message, lang)
    return say(key, lang, message=said, **values)


def worded(message: str, lang: str | None) -> str:
    """A library message for a table cell or a value in a line: in Swedish when all of it can
    be, else as it was written (never half of each)."""
    return line_language(message, lang)[1]


def line_language(message: str, lang: str | None) -> tuple[str | None, str]:
    """(the language a line that carries `message` is written in, the message in it): Swedish
    only when every word of the message outside its values could be put in Swedish."""
    if lang != "sv":
        return lang, message
    said = text(message, lang)
    return ("sv", said) if not _untranslated(message, said) else ("en", message)


# short forms that read the same in both languages
_SAME_IN_BOTH = frozenset({"api", "csv", "get", "http", "https", "ics", "json", "post", "rss",
                           "smtp", "toml", "url", "urls", "utf", "xml", "html", "atom", "id",
                           "ok", "md"})  # fmt: skip


def _untranslated(message: str, said: str) -> set[str]:
    """The message's own English words (outside its values) that are still in the Swedish
    text."""
    from wordfreq import zipf_frequency

    def words(s: str) -> set[str]:
        s = re.sub(r"\[Errno \d+\]", " ", s)  # an OS error's code
        s = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", " ", _values_out(s))  # ENV_NAMES
        return set(re.findall(r"[A-Za-z]{3,}", s.casefold()))

    def english(w: str) -> bool:
        en = zipf_frequency(w, "en")
        return en >= ENGLISH_ZIPF and en - zipf_frequency(w, "sv") >= ENGLISH_MARGIN

    return {w for w in words(said) & words(message) if w not in _SAME_IN_BOTH and english(w)}


def _values_out(message: str) -> str:
    """A message without the values it names (quoted, paths, file names, commands), which
    stay as they are in either language."""
    message = re.sub(r"'[^']*'|`[^`]*`|\"[^\"]*\"", " ", message)
    # options (--today), HTML tags (<title>) and bare file extensions (.txt) are names too
    message = re.sub(r"--[\w-]+|<[^<>\s]{1,20}>|(?<![\w.])\.[a-z]{2,5}\b", " ", message)
    message = re.sub(r"[\w.-]*(/[\w.+-]+)+/?", " ", message)
    return re.sub(r"\b[\w-]+(\.[\w-]+)+\b|\b[\w-]+:", " ", message)
