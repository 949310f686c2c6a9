"""Names the actor gazetteer does not know.

`find_unlinked` finds, in one article field, the people and organisations the gazetteer does not
know (the mention table keeps them as unlinked mentions); `unknown_entities` lists them over a
corpus as gazetteer candidates, with the unknown places, counts, an example sentence and, for
people and organisations, a suggested `data/actors.yml` entry.

A place candidate is a capitalised name sequence no mention covers. It is a place when it is a known
place (data/places.yml, the names of data/regions.yml, the capitals in data/actors.yml), ends
in a place word ("Oblast", "Sea") or mostly follows a locative word ("in", "the village of"); an
organisation when it has an organisation word ("Forces", "News") or is an acronym or CamelCase
name ("CSIS", "DeepState"); a person otherwise."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from newslens import lexicon
from newslens.lexicon import DataFileError
from newslens.text import actors as _actors

UNKNOWN_COLUMNS = ["entity", "category", "count", "n_articles", "example", "suggestion"]
CATEGORIES = ("person", "organisation", "place")

_NAMES_FILE = lexicon.resolve(None, "names.yml")
_NON_NAME_WORDS = lexicon.word_set("non_name_words", _NAMES_FILE)
_NON_NAME_ADJECTIVES = lexicon.word_set("non_name_adjectives", _NAMES_FILE)
_PARTICLE_WORDS = lexicon.word_set("name_particles")
_PARTICLES = "(?:" + "|".join(lexicon.words("name_particles")) + ")"
_CAP = r"(?:[A-Z]\.)+(?:[A-Z]\.?)?|[A-Z](?:[\w-]|['’](?=[A-Z]))*"
_SEQUENCE = re.compile(rf"(?<![\w'’.])(?:{_CAP})(?:\s+(?:{_PARTICLES}\s+)*(?:{_CAP}))*")
_SKIP_WORDS = (lexicon.word_set("capitalised_non_names") | lexicon.word_set("line_labels")
               | lexicon.word_set("platform_names") | _NON_NAME_WORDS
               | {w.capitalize() for w in lexicon.words("month_abbreviations")
                  + lexicon.words("title_abbreviations") + lexicon.words("title_words")
                  + lexicon.words("speaker_roles")})
_ORG_WORDS = lexicon.word_set("organisation_words") | lexicon.word_set("organisation_words",
                                                                        _NAMES_FILE)
_DOCUMENT_WORDS = lexicon.word_set("document_words", _NAMES_FILE)
_OUTLET_WORDS = {"News", "Times", "Post", "Journal", "Daily", "TV", "Radio", "Gazette", "Herald",
                 "Telegraph", "Media", "Press", "Channel", "Review", "Network"}
_PLACE_WORDS = lexicon.word_set("place_words")
_PLACE_CONTEXT = lexicon.word_set("place_context")
_PERSON_CONTEXT = lexicon.word_set("speaker_roles") | lexicon.word_set("title_words")
_SLUG = re.compile(r"[^a-z0-9]+")
_TOPONYM = re.compile("(?:" + "|".join(sorted(lexicon.words("toponym_endings"), key=len,
                                               reverse=True)) + ")$")


def _parse_places(doc, path: Path) -> frozenset[str]:
    doc = lexicon.mapping(doc, path, "lists of place names")
    names = set()
    for key, values in doc.items():
        names.update(_norm(v) for v in lexicon.string_list(values, path, str(key), "names"))
    return frozenset(names)


def known_places(path: str | Path | None = None) -> frozenset[str]:
    """Lower-case names of places: data/places.yml, data/regions.yml names, gazetteer capitals."""
    names = set(lexicon.load(lexicon.resolve(path, "places.yml"), _parse_places))
    try:
        from newslens.text.regions import load_regions

        for forms in load_regions()["names"]:
            names.update(_norm(f) for f in forms)
    except (DataFileError, FileNotFoundError):
        pass
    for caps in _actors.load_actors()["capitals"]:
        names.update(_norm(c) for c in caps)
    return frozenset(names)


@functools.lru_cache(maxsize=1)
def default_places() -> frozenset[str]:
    """`known_places()` of the default data files (read once)."""
    return known_places()


def headline_spans(text: str, field: str) -> list[tuple[int, int]]:
    """Spans of title-case headline lines in a field (a title, or a body line without final
    punctuation) and of credits (bylines, photo and source credit lines, "(Reporting by ...)"):
    their capitalised words are no names."""
    out, pos = [], 0
    for line in text.split("\n"):
        headline = field == "title" or not line.rstrip().endswith((".", "!", "?", "”", '"'))
        if headline and _title_case(line) or _credit_line(line):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    for credit in _INLINE_CREDITS:
        at = text.find(credit)
        while at >= 0:
            close = [i for i in (text.find(")", at), text.find("\n", at)) if i >= 0]
            end = min(close + [len(text), at + 200])
            out.append((at, end))
            at = text.find(credit, end)
    return out


def _credit_line(line: str) -> bool:
    """A byline or a credit line ("By Jane Roe and John Doe", "Photo: Jane Roe/Foo Images")."""
    line = line.strip(" \t•*_>-–—(")
    if len(line) > 120 or not line.startswith(_CREDIT_STARTS):
        return False
    if not line.startswith(("By ", "BY ")):
        return True
    words = line[3:].split()
    return bool(words) and words[0][:1].isupper() and len(words) <= 12 and all(
        w[:1].isupper() or w in ("and", "of", "the", "in", "for", "at", "&") for w in words)


def _norm(name: str) -> str:
    """Lower case, one space, no final "'s", no leading "the"."""
    name = name.strip().lower().replace("’", "'")
    name = name.removesuffix("'s")
    if name.startswith("the") and name[3:4].isspace():
        name = name[4:]
    return " ".join(name.split())


_NON_NAMES = frozenset(_norm(n) for n in lexicon.words("non_names", _NAMES_FILE))
_CREDIT_STARTS = tuple(lexicon.words("credit_line_starts", _NAMES_FILE))
_INLINE_CREDITS = tuple(lexicon.words("inline_credits", _NAMES_FILE))


def unknown_entities(articles: pd.DataFrame, sentences: pd.DataFrame | None = None,
                     mentions: pd.DataFrame | None = None, actors=None) -> pd.DataFrame:
    """Candidates for the gazetteer (see UNKNOWN_COLUMNS): the unlinked people and
    organisations of the mention table (`linked` False: named with a title, a role, an
    organisation word, ...) and the capitalised names no mention covers that are places;
    count, n_articles, an example sentence and, for people and organisations, a suggested
    `data/actors.yml` entry. Sorted by count desc, then entity. Title-case headlines (and body
    lines like them) are skipped."""
    if sentences is None:
        from newslens.text.sentences import sentences as split

        sentences = split(articles)
    if mentions is None:
        mentions = _actors.actor_mentions(articles, sentences, actors)
    places = known_places()
    seen = _Candidates(_actors._gazetteer(actors), _covered(mentions), places)
    order = sentences.sort_values(["article_id", "sentence"], kind="stable")
    for aid, sent, s_start, text, field in zip(order["article_id"], order["sentence"],
                                               order["start"], order["text"], order["field"]):
        headline = field == "title" or not text.rstrip().endswith((".", "!", "?", "”", '"'))
        if isinstance(text, str) and not (headline and _title_case(text)):
            seen.scan(aid, int(sent), int(s_start), text)
    lower = set(re.findall(r"\b[a-z][a-z'’-]+\b", " ".join(order["text"].dropna())))
    found = seen.table(places, lower)
    found = found[found["category"] == "place"]
    out = pd.concat([_unlinked_table(mentions, sentences), found], ignore_index=True)
    out["count"] = out["count"].astype("int64")
    out["n_articles"] = out["n_articles"].astype("int64")
    return out.sort_values(["count", "entity"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)[UNKNOWN_COLUMNS]


def _unlinked_table(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per unlinked person or organisation of the mention table."""
    if "linked" not in mentions.columns:
        return pd.DataFrame(columns=UNKNOWN_COLUMNS)
    unl = mentions[~mentions["linked"].to_numpy(dtype=bool)]
    if unl.empty:
        return pd.DataFrame(columns=UNKNOWN_COLUMNS)
    texts = dict(zip(zip(sentences["article_id"], sentences["sentence"]), sentences["text"]))
    rows = []
    for key, g in unl.groupby("actor_id", sort=True):
        category = "person" if g["kind"].iloc[0] == "person" else "organisation"
        first = g.sort_values(["article_id", "sentence", "start"]).iloc[0]
        entity = str(g["actor"].value_counts().index[0])
        rows.append({"entity": entity, "category": category, "count": len(g),
                     "n_articles": g["article_id"].nunique(),
                     "example": texts.get((first["article_id"], first["sentence"]), ""),
                     "suggestion": suggestion(entity, category)})
    return pd.DataFrame(rows, columns=UNKNOWN_COLUMNS)


def _covered(mentions: pd.DataFrame) -> dict[tuple, list[tuple[int, int]]]:
    covered: dict[tuple, list[tuple[int, int]]] = {}
    for aid, sent, start, end in zip(mentions["article_id"], mentions["sentence"],
                                     mentions["start"], mentions["end"]):
        covered.setdefault((aid, int(sent)), []).append((int(start), int(end)))
    return covered


class _Candidates:
    """Counts, articles, example and context votes per candidate name."""

    def __init__(self, gaz, covered: dict, places: frozenset[str]):
        self.gaz, self.covered, self.places = gaz, covered, places
        self.prefixes = {" ".join(w.removesuffix("'s") for w in p.split()[:k])
                         for p in places for k in range(2, len(p.split()))}
        self.counts: dict[str, int] = {}
        self.articles: dict[str, set] = {}
        self.example: dict[str, str] = {}
        self.place_votes: dict[str, int] = {}
        self.person_votes: dict[str, int] = {}

    def scan(self, aid, sent: int, s_start: int, text: str) -> None:
        spans = [(a - s_start, b - s_start) for a, b in self.covered.get((aid, sent), [])]
        for m in _SEQUENCE.finditer(text):
            at_start = not text[:m.start()].strip(" “\"'‘(•-–—")
            for entity, start in _pieces(m, spans, at_start):
                if _actors._key(entity) in self.gaz.keys:
                    continue
                self.counts[entity] = self.counts.get(entity, 0) + 1
                self.articles.setdefault(entity, set()).add(aid)
                self.example.setdefault(entity, text)
                before = re.findall(r"[\w’'-]+", text[max(0, start - 30):start].lower())
                listed = re.search(r"([A-Z][\w’'-]+)(?:,\s*|\s+(?:and|or)\s+)$",
                                   text[max(0, start - 40):start])
                if before and before[-1] in _PLACE_CONTEXT or listed and (
                        _norm(listed.group(1)) in self.places):
                    self.place_votes[entity] = self.place_votes.get(entity, 0) + 1
                elif before and before[-1] in _PERSON_CONTEXT:
                    self.person_votes[entity] = self.person_votes.get(entity, 0) + 1

    def category(self, entity: str, places: frozenset[str]) -> str:
        words = entity.split()
        parts = [p for p in re.split(r"[-–]", _norm(entity)) if p]
        if _norm(entity) in places or _norm(entity) in self.prefixes \
                or words[-1] in _PLACE_WORDS or (len(parts) > 1 and any(p in places
                                                                      for p in parts)):
            return "place"
        if any(w in _ORG_WORDS for w in words) or _acronym(entity):
            return "organisation"
        place, person = self.place_votes.get(entity, 0), self.person_votes.get(entity, 0)
        if place > person and place * 2 >= self.counts[entity]:
            return "place"
        if len(words) == 1 and not person and _TOPONYM.search(entity.lower()):
            return "place"
        return "person"

    def table(self, places: frozenset[str], lower: set[str]) -> pd.DataFrame:
        """One row per candidate; a single word the corpus also writes in lower case is a
        common noun that stood first in a title or phrase ("Pressure", "West"), not a name."""
        names = [e for e in self.counts if " " in e or "-" in e or e.lower() not in lower]
        cats = [self.category(e, places) for e in names]
        out = pd.DataFrame({
            "entity": names, "category": cats, "count": [self.counts[e] for e in names],
            "n_articles": [len(self.articles[e]) for e in names],
            "example": [self.example[e] for e in names],
            "suggestion": [suggestion(e, c) for e, c in zip(names, cats)],
        }, columns=UNKNOWN_COLUMNS)
        out["count"] = out["count"].astype("int64")
        out["n_articles"] = out["n_articles"].astype("int64")
        return out.sort_values(["count", "entity"], ascending=[False, True],
                               kind="stable").reset_index(drop=True)


def _acronym(entity: str) -> bool:
    word = entity.replace(".", "")
    return len(entity.split()) == 1 and len(word) > 1 and (
        word.isupper() or re.search(r"[a-z][A-Z]", word) is not None)


def suggestion(entity: str, category: str) -> str:
    """A `data/actors.yml` entry to start from (empty for places)."""
    if category == "place":
        return ""
    slug = _SLUG.sub("_", entity.lower()).strip("_") or "actor"
    if not slug[0].isalpha():
        slug = "x_" + slug
    if category == "person":
        words = entity.split()
        aliases = [entity] + ([words[-1]] if len(words) > 1 else [])
        return (f"- {{id: {slug}, name: {entity}, kind: person, affiliation: null, "
                f"gender: null, aliases: [{', '.join(aliases)}]}}")
    kind = "outlet" if any(w in _OUTLET_WORDS for w in entity.split()) else "organization"
    return (f"- {{id: {slug}, name: {entity}, kind: {kind}, affiliation: null, gender: null, "
            f"aliases: [{entity}]}}")


def _pieces(m: re.Match, spans: list[tuple[int, int]], at_start: bool) -> list[tuple[str, int]]:
    """Split a capitalised sequence at known mentions and skip-words; keep name-like pieces
    (text, start offset in the sentence)."""
    tokens = [(t.start() + m.start(), t.end() + m.start(), t.group())
              for t in re.finditer(r"\S+", m.group())]
    pieces, current = [], []
    for i, (a, b, tok) in enumerate(tokens):
        known = any(a < e and s < b for s, e in spans)
        skip = tok in _SKIP_WORDS or tok.rstrip(".") in _SKIP_WORDS
        if known or (skip and not current):
            if current:
                pieces.append(current)
            current = []
            continue
        current.append((a, tok, i == 0 and at_start))
    if current:
        pieces.append(current)
    out = []
    for piece in pieces:
        while piece and piece[-1][1].lower() in _PARTICLE_WORDS:
            piece = piece[:-1]
        caps = [tok for _, tok, _ in piece if tok[0].isupper()]
        if not caps or (len(caps) == 1 and piece[0][2]):
            continue
        out.append((" ".join(tok for _, tok, _ in piece), piece[0][0]))
    return out


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6


# ---------------------------------------------------------------------------------------------
# Unlinked actors in one article: named people and organisations the gazetteer does not know


_TITLE_WORDS = (lexicon.word_set("speaker_roles") | lexicon.word_set("title_words")
                | lexicon.word_set("title_words", _NAMES_FILE)
                | lexicon.word_set("title_abbreviations") | lexicon.word_set("military_ranks")
                | {"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady"})
_ORG_NOUNS = lexicon.word_set("organisation_nouns")
_GENERIC_ORG = lexicon.word_set("generic_organisation_words") | lexicon.word_set(
    "speaker_modifiers") - {"national"}
_SPEECH_VERBS = lexicon.word_set("quote_attribution_verbs") | {"stated", "announced", "noted",
                                                                "reported", "confirmed"}
_ORG_LOWER = {w.lower() for w in _ORG_WORDS}
_PLACE_LOWER = {w.lower() for w in _PLACE_WORDS}
# A capitalised word (initials, CamelCase and acronyms too); names run over single spaces and
# name particles or "of (the)" inside organisation names, never over a line break.
_UWORD = r"(?:[A-Z]\.){2,}|[A-Z]\.(?=[ \t]+[A-Z])|[A-Z][\w’'-]*(?<![’'-])"
# the first word written so that the pattern starts with [A-Z] (the regex engine then skips to
# capitals; the same runs as (?<![\w’'.-])(?:_UWORD)...)
_FIRST_UWORD = r"[A-Z](?<![\w’'.-][A-Z])(?:\.(?:[A-Z]\.)+|\.(?=[ \t]+[A-Z])|[\w’'-]*(?<![’'-]))"
_RUN = re.compile(rf"{_FIRST_UWORD}(?:[ \t]+(?:(?:{_PARTICLES}|of|for|the)[ \t]+)"
                  rf"{{0,3}}(?:{_UWORD}))*")
_NAME_WORD = re.compile(r"[A-Z][a-zß-ɏ]+(?:['’-][A-Z]?[a-zß-ɏ]+)*")
_INITIAL = re.compile(r"[A-Z]\.")  # a middle initial ("Laurence H. Doe")
_POSSESSIVE = ("'s", "’s")
_GAP = frozenset(" []()'\"‘’“”")  # what may stand between a name and a known mention
_CAMEL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")  # "DeepState", "BrightWatch"
_BEFORE = re.compile(r"([\w.’'-]+)[ \t]*$")
_APPOSITION = re.compile(r",[ \t]+[^,.;:()“”\"]{1,50}")  # ", the agency's director"
_LOWER_WORD = re.compile(r"\b[a-z][a-z-]*\b")
_AFTER_WORD = re.compile(r"[”\"'’\]]?[ \t]+(?:\[[^\]]{1,40}\][ \t]+)?([a-z][\w-]*)")
_ALSO_SAID = re.compile(r"[ \t]+(?:(?:has|had|also|later|then)[ \t]+)?([a-z]+)\b")


class Unlinked(NamedTuple):
    """A name the gazetteer does not know, found in a text field (offsets in the field)."""

    start: int
    end: int
    kind: str  # person | organization | outlet
    name: str  # the name as written (titles left out)
    key: str  # normalised key: person:…, organisation:…, outlet:…


def name_key(text: str) -> str:
    """The normalised form of a name in keys (`person:andrej-plenkovic`): lower case, accents
    folded, possessive dropped, words joined by hyphens. Shared with the unlinked speakers of
    the statements table."""
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'").replace("'s ", " "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _KEY.sub("-", text).strip("-")


_KEY = re.compile(r"[^a-z0-9]+")


def unlinked_key(kind: str, name: str) -> str:
    prefix = {"person": "person", "outlet": "outlet"}.get(kind, "organisation")
    return f"{prefix}:{name_key(name)}"


def find_unlinked(text: str, covered: list[tuple[int, int]], places: frozenset[str],
                  skip: list[tuple[int, int]] = ()) -> list[Unlinked]:
    """Named people and organisations in one field that no gazetteer mention covers. A person
    needs a title or role ("Prime Minister Jan Novak", "spokesperson Ivan Petrenko", "Gen.
    John Doe"), an appositive role (", the army's spokesman") or a speech verb after a name of
    two words or more ("Ivan Petrenko said"); an organisation needs an organisation word
    ("National Guard", "Foo TV") with a specific word in it, or an organisation noun after it
    ("the Zapad force"). Places, skip-words, generic descriptions and the spans in `skip`
    (title-case headlines) give nothing."""
    spans = _Spans(covered)
    out = _units(text, spans, skip)
    covered = _Spans(list(covered) + [(u.start, u.end) for u in out]) if out else spans
    for m in _RUN.finditer(_masked(text, covered)):  # runs of capitalised words no mention covers
        word = m.group()
        if " " not in word and "\t" not in word and (
                word in _SKIP_WORDS or not _one_word_candidate(text, m.start(), m.end(), word)):
            continue  # one word ("The", "Monday", "Smith") without a title or noun to name it
        credit = text[m.start() - 1:m.start()] == "(" and text[m.end():m.end() + 1] == ")"
        if any(a <= m.start() < b for a, b in skip) and not credit:
            continue  # a title-case line, except a credit in brackets ("(Foo Press)")
        for words in _split(m, covered):
            if _next_to(text, words, covered):
                continue  # part of a known name ("Igor Olegovich" + a gazetteer surname)
            found = _classify(text, words, places)
            if found is not None:
                out.append(found)
    return out


def _units(text: str, covered: _Spans, skip) -> list[Unlinked]:
    """Numbered military units ("the 47th Separate Mechanized Brigade", "the 3rd army corps"):
    organisations, in any case."""
    low = text.lower()
    if not any(noun in low for noun in _UNIT_NOUNS):
        return []
    out = []
    for m in _UNIT.finditer(text):
        a, b = m.span()
        if covered.overlaps(a, b) or any(s <= a < e for s, e in skip):
            continue
        out.append(Unlinked(a, b, "organization", m.group(), unlinked_key("organization",
                                                                          m.group())))
    return out


def _masked(text: str, covered: _Spans) -> str:
    """The text with the covered spans blanked out (same length): runs of capitalised words
    then never cross a gazetteer mention."""
    if not covered.starts:
        return text
    parts, pos = [], 0
    for start, end in covered.spans:
        if end <= pos:
            continue
        start = max(start, pos)
        parts.append(text[pos:start])
        parts.append("\x00" * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _one_word_candidate(text: str, start: int, end: int, word: str) -> bool:
    """Whether a lone capitalised word may be a name: a title before it ("Gen. Doe", "Mr
    Doe") or an organisation noun after it ("the Zapad force"). Skip-words never are."""
    if word in _SKIP_WORDS or word.rstrip(".") in _SKIP_WORDS:
        return False
    after = _AFTER_WORD.match(text, end)
    if after is not None and after.group(1) in _ORG_NOUNS:
        return True
    j = start
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    i = j
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in ".’'-_"):
        i -= 1
    return i < j and _is_title(text[i:j])


class _Spans:
    """Character spans (gazetteer mentions) with overlap and adjacency tests in log time."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.start_set, self.end_set = set(self.starts), {e for _, e in spans}
        self.max_end, top = [], -1  # max_end[i]: the largest end among spans[:i + 1]
        for _, e in spans:
            top = max(top, e)
            self.max_end.append(top)

    def overlaps(self, a: int, b: int) -> bool:
        """Some span has s < b and e > a."""
        i = bisect.bisect_left(self.starts, b)
        return i > 0 and self.max_end[i - 1] > a


def _next_to(text: str, words: list, covered: _Spans) -> bool:
    """A piece that a gazetteer mention continues or precedes across one space (and a bracket
    or quote: "[President Vladimir] Putin")."""
    a, b = words[0][0], words[-1][1]
    for gap in (1, 2):
        if b + gap in covered.start_set and _GAP.issuperset(text[b:b + gap]) \
                or a - gap in covered.end_set and _GAP.issuperset(text[a - gap:a]):
            return True
    return False


def _split(m: re.Match, covered: _Spans) -> list[list[tuple[int, int, str]]]:
    """The run's words (start, end, word) in pieces between gazetteer mentions and
    skip-words."""
    pieces, current = [], []
    for t in re.finditer(r"\S+", m.group()):
        a, b, word = t.start() + m.start(), t.end() + m.start(), t.group()
        if word in ("of", "for") and current and current[-1][2].lower() not in _ORG_LOWER:
            pieces.append(current)  # "of" joins an organisation word to its object only
            current = []
            continue
        if covered.overlaps(a, b) or (
                word in _SKIP_WORDS or word.rstrip(".") in _SKIP_WORDS) and word not in _TITLE_CAPS:
            if current:
                pieces.append(current)
            current = []
            continue
        if word.endswith(_POSSESSIVE) and len(word) > 2:  # "Obama's aide": the name ends here
            current.append((a, b - 2, word[:-2]))
            pieces.append(current)
            current = []
            continue
        current.append((a, b, word))
    if current:
        pieces.append(current)
    return pieces


_TITLE_CAPS = {w.capitalize() for w in _TITLE_WORDS} | {w.capitalize() + "." for w in _TITLE_WORDS}


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in _TITLE_WORDS


def _classify(text: str, words: list, places: frozenset[str]) -> Unlinked | None:
    while words and words[-1][2].lower() in _PARTICLE_WORDS | {"of", "the", "for"}:
        words = words[:-1]
    while words and words[0][2].lower() in _PARTICLE_WORDS | {"of", "the", "for"}:
        words = words[1:]
    if not words or _norm(text[words[0][0]:words[-1][1]]) in _NON_NAMES \
            or words[-1][2] in _DOCUMENT_WORDS:
        return None  # "the Oval Office", "Wall Street", "the Foo Memorandum"
    org = _organisation(text, words, places)
    if org is not None:
        return org
    return _person(text, words, places)


def _organisation(text: str, words: list, places: frozenset[str]) -> Unlinked | None:
    lows = [w[2].lower().rstrip(".") for w in words]
    while len(words) > 1 and _norm(words[0][2]) in places:  # "Lviv NTA TV" -> "NTA TV"
        words, lows = words[1:], lows[1:]
    head = next((i for i in range(len(lows) - 1, -1, -1) if lows[i] in _ORG_LOWER), None)
    after = _AFTER_WORD.match(text, words[-1][1])
    noun = after.group(1) if after and after.group(1) in _ORG_NOUNS else None
    if head is None and noun is None or head is not None and head < len(words) - 2 \
            and not {"of", "for", "the"} & set(lows[head:]):
        return None  # no organisation word; or a name after it ("the Army Jane Doe")
    if head is not None:  # "National Guard", "Group of Troops", "NTA TV"
        specific = [w for w in lows if w not in _GENERIC_ORG and w not in ("of", "the", "for")
                    and w not in _ORG_LOWER]
        if not specific or any(_is_title(w) for w in lows):
            return None  # a description or a title ("Army Chief of Staff")
        name = text[words[0][0]:words[-1][1]]
        end = words[-1][1]
    else:  # "the Zapad force"; not "the Ukrainian command" (a side)
        if len(words) > 3 or not all(_NAME_WORD.fullmatch(w[2]) or w[2].isupper()
                                     or _CAMEL.fullmatch(w[2]) for w in words) \
                or any(w in demonyms() for w in lows):
            return None
        if _norm(text[words[0][0]:words[-1][1]]) in places or lows[-1] in _PLACE_LOWER:
            return None
        name = f"{text[words[0][0]:words[-1][1]]} {noun}"
        end = words[-1][1]
    if lows[-1] in _PLACE_LOWER or _norm(name) in places or _norm(name) in _NON_NAMES:
        return None
    kind = "outlet" if any(w in _OUTLET_WORDS for w in name.split()) else "organization"
    return Unlinked(words[0][0], end, kind, name, unlinked_key(kind, name))


def _person(text: str, words: list, places: frozenset[str]) -> Unlinked | None:
    """The trailing name of a piece, when a title, role or speech verb says it is a person."""
    name: list = []
    for w in reversed(words):
        word = w[2]
        low = word.lower()
        if _INITIAL.fullmatch(word) and name:  # "Laurence H. Doe"
            name.append(w)
            continue
        if _is_title(word) or not (_NAME_WORD.fullmatch(word) or low in _PARTICLE_WORDS) \
                or low in _ORG_LOWER or low in _GENERIC_ORG or word in _PLACE_WORDS \
                or low in demonyms() or word in _NON_NAME_ADJECTIVES:
            break
        name.append(w)
    name.reverse()
    while name and (name[0][2].lower() in _PARTICLE_WORDS or _INITIAL.fullmatch(name[0][2])):
        name = name[1:]
    if len(name) >= 3 and name[0] == words[0] \
            and _OF_BEFORE.search(text, max(0, name[0][0] - 12), name[0][0]):
        name = name[1:]  # "Supervisor of Elections Jane Doe": the first word ends the office
    if not name or len(name) > 4:
        return None
    start, end = name[0][0], name[-1][1]
    written = text[start:end]
    if _norm(written) in places or any(_norm(w[2]) in places for w in name):
        return None
    after = _AFTER_WORD.match(text, end)
    if after and after.group(1) in _ROLE_WORDS:
        return None  # a modifier of a role ("Democratic strategist", "Pentagon spokesman")
    title = words[len(words) - len(name) - 1][2] if len(name) < len(words) else None
    if title is None:
        before = _BEFORE.search(text, max(0, words[0][0] - 40), words[0][0])
        title = before.group(1) if before and any(c.isalpha() for c in before.group(1)) \
            else None
    titled = title is not None and _is_title(title) or any(
        _is_title(w[2]) for w in words[:len(words) - len(name)])
    if not titled and len(name) >= 2 and name[0] is not words[0]:  # "Major of the Army Jane
        office = _TITLE_OF.search(text, max(0, words[0][0] - 40), words[0][0])  # Doe"
        titled = bool(office and _is_title(office.group(1)))
    if titled and len(name) == 1 and (title.lower().rstrip(".") not in _PERSONAL_TITLES
                                      or written.endswith("s")):
        return None  # "Member States", "Special Report": one word needs a personal title
    if not titled and len(name) >= 2:
        app = _APPOSITION.match(text, end)
        said = _ALSO_SAID.match(text, end)
        role = _ROLE_BEFORE.search(text[max(0, start - 130):start])  # "an adviser, Name"
        titled = bool(app and any(w in _ROLE_WORDS for w in _LOWER_WORD.findall(app.group()))
                      or said and said.group(1) in _SPEECH_VERBS
                      or role and any(w in _ROLE_WORDS for w in _LOWER_WORD.findall(role.group())))
    if not titled:
        return None
    return Unlinked(start, end, "person", written, unlinked_key("person", written))


_ROLE_WORDS = frozenset(w for w in _TITLE_WORDS if len(w) > 2)
_UNIT_NOUNS = ("brigade", "regiment", "battalion", "division", "corps", "army", "squadron",
               "detachment", "flotilla")
# an ordinal, up to four capitalised words or unit words, a unit noun (any case)
_UNIT_WORD = (r"(?:[A-Z][\w’'-]*|(?i:separate|mechani[sz]ed|motori[sz]ed|motor|rifle|assault|"
              r"airborne|air|guards?|tank|artillery|infantry|marine|special|operations|combined|"
              r"arms|territorial|defen[cs]e|mountain|jaeger|naval|national|presidential|heavy|"
              r"light|missile|engineer|reconnaissance|drone|unmanned|systems|rocket|coastal|"
              r"operational|tactical))")
_UNIT = re.compile(rf"\b\d{{1,3}}(?:st|nd|rd|th)[ \t]+(?:{_UNIT_WORD}[ \t]+){{0,4}}?"
                   r"(?i:brigade|regiment|battalion|division|corps|army|squadron|detachment|"
                   r"flotilla)\b")
_OF_BEFORE = re.compile(r"\bof(?:[ \t]+the)?[ \t]+$")
_TITLE_OF = re.compile(r"([A-Za-z.]+)[ \t]+of(?:[ \t]+the)?[ \t]+$")
# a role phrase with a comma before a name, in the same clause ("the head of the council, Jane
# Doe,"): no sentence end, quote or bracket between
_ROLE_BEFORE = re.compile(r"(?:^|(?<=[.;:!?“”\"()]))[^.;:!?“”\"()]{3,128},[ \t]*$")

_PERSONAL_TITLES = (lexicon.word_set("speaker_roles") | lexicon.word_set("military_ranks")
                    | lexicon.word_set("title_abbreviations")
                    | lexicon.word_set("title_words", _NAMES_FILE)
                    | {"president", "minister", "senator", "governor", "king", "queen", "pope",
                       "judge", "sir", "lord", "lady"}) - {"member", "source", "official"}


@functools.lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Lower-case demonyms and plural nouns of the gazetteer ("ukrainian", "russians")."""
    table = _actors.load_actors()
    return frozenset(d.lower() for col in ("demonyms", "plurals") for ds in table[col]
                     for d in ds)


def same_names(text: str, found: list[Unlinked], taken: list[tuple[int, int]]) -> list[Unlinked]:
    """Other mentions in a field of the people and organisations found in the article: the full
    name again, or a person's surname alone ("Novak said"), not overlapping `taken`."""
    forms: dict[str, Unlinked] = {}
    for u in found:
        forms.setdefault(u.name, u)
        words = u.name.split()
        if u.kind == "person" and len(words) > 1 and len(words[-1]) > 2:
            forms.setdefault(words[-1], u)
    if not forms:
        return []
    pattern = re.compile(r"(?<![\w’'-])(?:" + "|".join(
        re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?![\w-])")
    out = []
    for m in pattern.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        u = forms[m.group()]
        out.append(Unlinked(m.start(), m.end(), u.kind, u.name, u.key))
    return out
