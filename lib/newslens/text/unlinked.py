"""Unlinked actors in one article field: the named people and organisations the actor
gazetteer does not know (`find_unlinked`), and their later mentions (`same_names`).

A person needs a title or role ("Prime Minister Jan Novak", "spokesperson Ivan Petrenko"), an
appositive role before or after the name (", the army's spokesman"; "an adviser to the council,
Jane Roe,") or a speech verb after a name of two words or more; an organisation an organisation
word ("National Guard", "Foo TV") with a specific word in it, an organisation noun after it
("the Zapad force") or a number ("the 47th separate brigade"). The word classes of
`data/names.yml` (and `data/language.yml`) keep out page furniture, credits, headings,
capitalised ordinary words, adjectives of parties and faiths, places and things.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import NamedTuple

from newslens import lexicon
from newslens.text.gazetteer import load_actors

_NAMES_FILE = lexicon.resolve(None, "names.yml")
_NON_NAME_WORDS = lexicon.word_set("non_name_words", _NAMES_FILE)
_NON_NAME_ADJECTIVES = lexicon.word_set("non_name_adjectives", _NAMES_FILE)
_PARTICLE_WORDS = lexicon.word_set("name_particles")
_PARTICLES = "(?:" + "|".join(lexicon.words("name_particles")) + ")"
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
    if not any(hint in text for hint in _CREDIT_HINTS):
        return out  # no inline credit: none of their last words ("... by") is in the text
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
_CREDIT_HINTS = tuple({" " + credit.split()[-1] for credit in _INLINE_CREDITS})


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
    table = load_actors()
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
