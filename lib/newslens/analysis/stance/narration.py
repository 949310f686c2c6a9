"""Stances from narration: positions the article itself ascribes to an actor.

"Moscow wants Kyiv to pull out of the region", "a plan rejected by the Kremlin", "Ukraine's
main condition is ...", "Kyiv has long insisted on written guarantees", "Ukraine proposed
neutrality", "Ukraine and Europe's calls for a ceasefire". A narration cue (data/
stance_markers.yml: `narrated_demand`, `narrated_support`, `narrated_opposition`) gets its
holder from the grammar around it:

- possessor: an actor mention before "'s" and up to two modifiers ("Ukraine's main
  condition"), with the mentions coordinated with it ("Ukraine and Europe's calls for");
- agent after the cue: "by X" (passive: what was rejected is the phrase before the cue, "a
  plan rejected by the Kremlin"), "of X" / "from X" ("the demands of the Russian side", "calls
  from X for ...": what is called for follows the agent);
- subject: the nearest actor mention before the cue in its clause, with only auxiliaries,
  adverbs and time words between ("Russia has long insisted on", "Ukraine on Tuesday
  proposed"), and the subjects coordinated with it ("the United States and Ukraine agreed
  on"); a negator there negates the cue ("Moscow is not ready to"). Nouns ("proposal",
  "conditions", "calls") take a subject only when it stands right before them ("the Russian
  proposal"). "wants" needs an object and "to" ("wants Kyiv to withdraw": a demand) or "to"
  ("wants to join": support). In a relative clause ("guarantees, which Kyiv has long insisted
  on") what is insisted on is the phrase before "which".

What is demanded, backed or rejected runs from the cue (or the agent) to the end of its clause
(";", ":", a spaced dash, ", but …", the end of the sentence). Each position is read by the
same rules as an attributed statement (issue tagging, roles, territory as concessions, contrary
terms: `stance.table`), with cue class demand, positive or negative.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from newslens.analysis.attribution import cues as reporting
from newslens.analysis.stance.lexicons import _Lexicons
from newslens.analysis.stance.reading import _Document
from newslens.analysis.stance.scan import Scanner
from newslens.lexicon import alternation
from newslens.text.actors import load_actors

CUE_CLASS = {"narrated_demand": "demand", "narrated_support": "positive",
             "narrated_opposition": "negative", "narrated_speech": "neutral"}
# nouns: a subject must stand right before them ("the Russian proposal"); else a possessor
_NOUNS = {"calls", "call", "condition", "conditions", "terms", "proposal", "proposals",
          "initiative", "rejection of", "refusal", "insistence on", "acceptance of",
          "opposition to", "readiness to", "readiness for", "willingness to", "application for",
          "ultimatum", "requirement", "requirements", "precondition", "preconditions", "bid for"}
_GAP_WORDS = frozenset((
    "has", "have", "had", "is", "are", "was", "were", "will", "would", "shall", "should",
    "could", "can", "may", "might", "do", "does", "did", "be", "been", "being", "also", "still",
    "again", "now", "then", "long", "already", "previously", "reportedly", "apparently",
    "repeatedly", "publicly", "formally", "officially", "firmly", "initially", "ultimately",
    "finally", "once", "today", "yesterday", "earlier", "later", "not", "never", "no", "longer",
    "so", "far", "both", "all", "too", "even", "first", "on", "last", "this", "week", "month",
    "year", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "itself", "themselves", "in", "turn", "but", "and"))
_NEGATORS = frozenset(("not", "never", "n't", "no"))
_WORDS = re.compile(r"[\w’']+|[^\w\s]")
_POSSESSIVE = re.compile(r"^(?:[’']s?)\s+(?:(?:[a-z][\w-]*|\d[\w-]*)\s+){0,2}$")
_AGENT = re.compile(r"^\s*,?\s+(by|of|from)\s+(?:the\s+|its\s+|his\s+|her\s+)?"
                    r"(?:[a-z][\w-]*\s+)?$")
_AND = re.compile(r"^\s*(?:,\s*and\s+|and\s+|&\s+)(?:[A-Z][\w.-]*\s+){0,4}$")
# a title between a state and its official ("UK Foreign Secretary Jane Doe"): the official
_TITLE = re.compile(r"^\s+(?:[A-Z][\w.-]*\s+){1,4}$")
_HYPOTHETICAL = re.compile(r"(?<![\w’'])(?:if|unless|until|whether|should|once)\s+(?:the\s+)?"
                           r"(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
_RELATIVE = re.compile(r",\s*(?:which|that)\s+$")
_END = re.compile(r"[;:!?]|\.(?=\s|$)|\s[–—-]\s|\s+(?=but\s)|,\s*(?=(?:but|while|whereas|"
                  r"although|though|yet|saying|adding|noting|stressing|arguing|claiming|"
                  r"warning|calling|according)\b)")
_WANT_OBJECT = re.compile(r"\s+(?!to\b)(?:[\w’'.-]+\s+){1,4}?to\s+\w", re.IGNORECASE)
_TO = re.compile(r"\s+to\s+\w", re.IGNORECASE)
_NOUN = re.compile(r"\s*([\w-]+)")
_THE_NOUN = re.compile(r"(?<![\w’'])[Tt]he\s+([a-z][\w-]*)((?:\s+[\w’']+){0,4}?)\s*$")
_PHRASAL = re.compile(r"\s+(?:out|down|away|off)\b", re.IGNORECASE)
_BY = re.compile(r"\s+by\b", re.IGNORECASE)
_FOR_ON = re.compile(r"\s+(?:for|on)\b", re.IGNORECASE)
_LEMMA = (("reject", "reject"), ("refus", "refuse"), ("rul", "rule out"),
          ("dismiss", "dismiss"), ("oppos", "oppose"))


@dataclass(frozen=True)
class Narrated:
    """A position the narration ascribes to `holder` (an actor mention's id)."""

    article_id: object
    field: str
    sentence: int
    holder: str
    holder_start: int
    holder_end: int
    cue_start: int
    cue_end: int
    term: str
    cue_class: str  # demand | positive | negative
    negated: bool
    content_start: int
    content_end: int
    form: str  # subject | possessor | agent | passive

    def statement(self, number: int, text: str) -> dict:
        """The position as a row of the statements table (read by the stance rules)."""
        word = self.term.split()[0]
        lemma = next((lem for p, lem in _LEMMA if word.startswith(p)), self.term)
        return {"article_id": self.article_id, "statement": number, "sentence": self.sentence,
                "field": self.field, "speaker": self.holder, "speaker_start": self.holder_start,
                "speaker_end": self.holder_end, "speaker_side": None, "cue": self.term,
                "cue_lemma": lemma, "cue_class": self.cue_class, "cue_start": self.cue_start,
                "cue_end": self.cue_end, "content_start": self.content_start,
                "content_end": self.content_end,
                "content": " ".join(text[self.content_start:self.content_end].split()),
                "negated": self.negated, "form": "narration", "parent": None,
                "antecedent_sentence": None}


def sentence_spans(doc: _Document) -> dict[tuple, list[tuple[int, int, int]]]:
    """(article_id, field) -> (start, end, sentence) of its sentences, in order."""
    spans: dict[tuple, list[tuple[int, int, int]]] = {}
    for (aid, sn), (fld, start, text) in doc.sentence.items():
        spans.setdefault((aid, fld), []).append((start, start + len(text), sn))
    for sents in spans.values():
        sents.sort()
    return spans


class Prefilter:
    """Where an issue term or a reference ("the deal") occurs: one pass of the issue automaton
    (and the reference pattern) per field. Only where one occurs in a statement's text, its
    sentence or its context sentence can a stance row arise; the rules run only there."""

    def __init__(self, doc: _Document, lex: _Lexicons, spans: dict):
        self.sentences: set[tuple] = set()  # (article_id, sentence)
        self.hits: dict[tuple, list[int]] = {}  # (article_id, field) -> sorted positions
        for (aid, fld), sents in spans.items():
            text = doc.fields.get((aid, fld), "")
            starts = [s for s, _e, _n in sents]
            hits = sorted(m.start() for rx in (lex.issue_re, lex.reference_re)
                          for m in rx.finditer(text))
            self.hits[(aid, fld)] = hits
            for pos in hits:
                i = bisect_right(starts, pos) - 1
                if i >= 0 and pos < sents[i][1]:
                    self.sentences.add((aid, sents[i][2]))

    def within(self, aid, fld, a: int, b: int) -> bool:
        """Does an issue term or reference start in [a, b) of the field?"""
        hits = self.hits.get((aid, fld), ())
        i = bisect_right(hits, a - 1)
        return i < len(hits) and hits[i] < b


def positions(doc: _Document, lex: _Lexicons, spans: dict | None = None,
              raised: Prefilter | None = None) -> dict[tuple, list[Narrated]]:
    """(article_id, sentence) -> the narrated positions of that sentence, in text order (only
    in the `raised` sentences when given)."""
    spans = sentence_spans(doc) if spans is None else spans
    out: dict[tuple, list[Narrated]] = {}
    for (aid, fld), sents in spans.items():
        text = doc.fields.get((aid, fld), "")
        cues = list(lex.narration_re.finditer(text)) if text else []
        if not cues:
            continue
        adjectives = _demonyms(text, lex)
        mentions = sorted(doc.mentions.get((aid, fld), []) + adjectives)
        adjectival = {x[0] for x in adjectives}
        # "a Russian draft ... The draft calls for": the noun stands for its state
        documents = [(e, _NOUN.match(text, e).group(1).lower(), actor)
                     for _s, e, actor in adjectives]
        if not mentions:
            continue
        starts = [s for s, _e, _n in sents]
        for m in cues:
            i = bisect_right(starts, m.start()) - 1
            if i < 0 or m.start() >= sents[i][1] or (
                    raised is not None and (aid, sents[i][2]) not in raised.sentences):
                continue
            a, b, sn = sents[i]
            found = _read(text, m, (a, b), mentions, lex, adjectival) or _document(
                text, m, (a, b), documents, lex)
            for n in found:
                out.setdefault((aid, sn), []).append(
                    Narrated(aid, fld, sn, *n))
    for items in out.values():
        items.sort(key=lambda n: (n.cue_start, n.holder_start))
    return out


def nested(doc: _Document, st: dict, compiled: tuple | None = None) -> list[Narrated]:
    """Speech reported inside a statement's content ("Zelensky said US officials had conveyed
    the need for concessions"): the inner speaker (an actor mention as subject of a reporting
    verb, data/reporting_verbs.yml) holds what follows, with the verb's class. The attribution
    counts such speech once, for the outer speaker; its position is the inner speaker's."""
    aid, fld = st["article_id"], st["field"]
    text = doc.fields.get((aid, fld), "")
    c0, c1 = int(st["content_start"]), int(st["content_end"])
    mentions = doc.mentions.get((aid, fld), [])
    if not mentions or c1 - c0 < 12:
        return []
    forms, rx = compiled or reporting.compiled()
    out = []
    for m in rx.finditer(text, c0, c1):
        cue = forms.get(" ".join(m.group(0).lower().split()))
        if cue is None or cue.kind not in ("verbs", "clause_only") or m.group(0).endswith(
                "ing"):
            continue  # a participle's subject is its main clause's ("Russia saying" is not)
        holders, negated = _subject(text, m.start(), c0, mentions, noun=False)
        if not holders or _HYPOTHETICAL.search(text, max(c0, holders[0][0] - 40),
                                               holders[0][0]):
            continue
        start = m.end() + len(re.match(r"\s*(?:that\b)?", text[m.end():c1]).group(0))
        end = min(_clause_end(text, start, c1), c1)
        if re.search(r"\w", text[start:end]):
            out.extend(Narrated(aid, fld, int(st["sentence"]), actor, s, e, m.start(), m.end(),
                                cue.lemma, cue.cls, negated, start, end, "subject")
                       for s, e, actor in holders)
    return out


_DEMONYMS: list = []  # [(position-noun regex, compiled demonym regex, demonym -> actor)]


def _demonyms(text: str, lex: _Lexicons) -> list[tuple]:
    """(start, end, actor) of a state's demonym before a position noun ("the Russian proposal"):
    the state holds the position the noun stands for."""
    nouns = lex.markers["position_nouns"]
    if not _DEMONYMS or _DEMONYMS[0] is not nouns:
        actors = load_actors()
        table = {d: actor for actor, ds in zip(actors["id"], actors["demonyms"]) for d in ds}
        rx = re.compile(r"(?<![\w’'-])(" + alternation(table) + r")\s+(?=(?i:" + nouns.pattern
                        + r"))")  # demonyms as written (capitalised), nouns in any case
        _DEMONYMS[:] = [nouns, Scanner(table, 0, rx), table]
    _, rx, table = _DEMONYMS
    return [(m.start(), m.end(1), table[" ".join(m.group(1).split())])
            for m in rx.finditer(text)]


def _read(text: str, m: re.Match, sentence: tuple[int, int], mentions: list, lex: _Lexicons,
          adjectival: set = frozenset()) -> list[tuple]:
    """The holders of one narration cue and what it is about (fields of Narrated after
    sentence), [] when the grammar gives no holder."""
    term = " ".join(m.group(0).lower().split())
    cls = CUE_CLASS[lex.narration_kind(term)]
    cs, ce = m.start(), m.end()
    a, b = sentence
    if term.startswith("want"):
        if _WANT_OBJECT.match(text, ce, b):
            cls = "demand"
        elif _TO.match(text, ce, b):
            cls = "positive"
        else:
            return []
    elif term.startswith(("seek", "sought")) and _TO.match(text, ce, b):
        cls = "positive"  # "sought to present itself as a broker": an aim, not a demand
    if _PHRASAL.match(text, ce, b):
        return []  # "backed out of", "backed down": not backing
    holders, form, negated, c0 = _possessor(text, cs, a, mentions), "possessor", False, ce
    if not holders:
        holders, c0, form = _agent(text, ce, b, mentions, term)
    if not holders and term.endswith("ed") and _BY.match(text, ce, b):
        return []  # a passive whose agent is no actor ("a fund backed by seized reserves")
    if not holders:
        if term in ("calls", "call", "terms") or (
                term.startswith("call") and not term.endswith((" for", " on"))
                and not _FOR_ON.match(text, ce, b)):
            return []
        noun = term in _NOUNS or term.startswith("precondition")
        holders, negated = _subject(text, cs, a, mentions, noun=noun)
        # "the Russian proposal", "Russian demands": Russia's (a noun, not a verb)
        form = "possessor" if noun or (holders and holders[-1][0] in adjectival) else "subject"
    if not holders or _HYPOTHETICAL.search(text, max(a, holders[0][0] - 40), holders[0][0]):
        return []  # no holder, or a position only supposed ("unless Ukraine accepts the plan")
    if form == "passive":
        start = _clause_start(text, a, cs)
        c0, c1 = start, cs
    else:
        c1 = _clause_end(text, c0, b)
        if not re.search(r"\w", text[c0:c1]) and form == "subject" and _RELATIVE.search(
                text, a, holders[0][0]):
            rel = _RELATIVE.search(text, a, holders[0][0])
            c0, c1 = _clause_start(text, a, rel.start()), rel.start()
    if not re.search(r"\w", text[c0:c1]):
        return []
    return [(actor, s, e, cs, ce, term, cls, negated, c0, c1, form) for s, e, actor in holders]


def _document(text: str, m: re.Match, sentence: tuple[int, int], documents: list,
              lex: _Lexicons) -> list[tuple]:
    """A cue whose subject is "the <noun>" that an earlier "<demonym> <noun>" gave a state
    ("A Russian draft was handed over. The draft calls for ..."): that state's."""
    if not documents:
        return []
    d = _THE_NOUN.search(text, sentence[0], m.start())
    if d is None or any(w not in _GAP_WORDS and not w.endswith("ly")
                        for w in _WORDS.findall(d.group(2).lower())):
        return []
    noun = d.group(1).lower()
    actor = next((actor for pos, n, actor in reversed(documents)
                  if n == noun and pos < d.start()), None)
    if actor is None:
        return []
    return _read(text, m, sentence, [(d.start(1) - 4, d.end(1), actor)], lex)


def _possessor(text: str, cs: int, a: int, mentions: list) -> list[tuple]:
    """"X's (main) <cue>" and "X and Y's <cue>": the possessors."""
    before = _between(mentions, a, cs)
    if not before:
        return []
    last = before[-1]
    if not _POSSESSIVE.match(text[last[1]:cs]):
        return []
    return _coordinated(text, before)


def _agent(text: str, ce: int, b: int, mentions: list, term: str) -> tuple[list, int, str]:
    """"<cue> by/of/from X (and Y)": the agents, where what follows starts, and the form
    (passive for "<participle> by X")."""
    after = mentions[_first_from(mentions, ce):_first_from(mentions, min(b, ce + 40))]
    if not after:
        return [], ce, ""
    first = after[0]
    m = _AGENT.match(text[ce:first[0]])
    if m is None:
        return [], ce, ""
    holders = [first]
    for x in after[1:]:
        if _TITLE.match(text[holders[-1][1]:x[0]]):
            holders[-1] = x  # the official, not the state of the title before the name
        elif _AND.match(text[holders[-1][1]:x[0]]):
            holders.append(x)
        else:
            break
    passive = m.group(1) == "by" and term.endswith("ed")
    if m.group(1) == "by" and not passive:
        return [], ce, ""
    return [(s, e, actor) for s, e, actor in holders], holders[-1][1], (
        "passive" if passive else "agent")


def _subject(text: str, cs: int, a: int, mentions: list, noun: bool) -> tuple[list, bool]:
    """The subject mentions of a verb cue (nearest before it, only auxiliaries, adverbs and
    time words between) and whether a negator stands between."""
    before = _between(mentions, a, cs)
    if not before:
        return [], False
    gap = text[before[-1][1]:cs]
    words = _WORDS.findall(gap.lower())
    if noun:
        if words:
            return [], False
    elif len(words) > 6 or any(w not in _GAP_WORDS and not w.endswith("ly") for w in words):
        return [], False
    return _coordinated(text, before), any(w in _NEGATORS or w.endswith("n't") for w in words)


def _first_from(mentions: list, pos: int) -> int:
    """Index of the first mention (start, end, actor), sorted, that starts at `pos` or later
    (a 1-tuple sorts before every mention that starts where it does)."""
    return bisect_left(mentions, (pos,))


def _between(mentions: list, a: int, b: int) -> list[tuple]:
    """The mentions (sorted by start) that lie in [a, b], in order."""
    return [x for x in mentions[_first_from(mentions, a):_first_from(mentions, b + 1)]
            if x[1] <= b]


def _coordinated(text: str, before: list) -> list[tuple]:
    """The last mention of `before` with the mentions coordinated with it ("X and Y")."""
    holders = [before[-1]]
    for x in reversed(before[:-1]):
        if x[1] <= holders[0][0] and _AND.match(text[x[1]:holders[0][0]]):
            holders.insert(0, x)
        else:
            break
    seen, out = set(), []
    for s, e, actor in holders:
        if actor not in seen:
            seen.add(actor)
            out.append((s, e, actor))
    return out


def _clause_end(text: str, start: int, b: int) -> int:
    """End of what a cue at `start` is about: the clause end; nothing when a comma follows
    the cue at once ("Putin's demands, the minister said")."""
    if re.match(r"\s*,(?!\s*which\b)", text[start:start + 12]):
        return start
    m = _END.search(text, start, b)
    return min(m.start() if m else b, start + 300)


def _clause_start(text: str, a: int, end: int) -> int:
    """Start of the phrase ending at `end`: after the last comma, ";", ":" or dash before."""
    head = text[a:end]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind(":"), head.rfind(" – "),
              head.rfind(" — "))
    return a + cut + 1 if cut >= 0 else a
