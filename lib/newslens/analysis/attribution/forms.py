"""One detector per attribution form. Each takes the sentence and a cue hit and returns a
Statement (speaker and content span included) or None; `detect` chooses which forms a cue can
take. Forms: subject, with, postposed, inverted, passive ("was reported by X"), according_to,
participial, coordinated ("… and added that"), group ("Many doubt …") and pronoun."""

from __future__ import annotations

import re

from newslens import lexicon
from newslens.analysis.attribution import spans
from newslens.analysis.attribution.phrases import (
    DOCUMENTS,
    phrase_after,
)
from newslens.analysis.attribution.records import (
    CueHit,
    Sentence,
    Speaker,
    Statement,
)
from newslens.analysis.attribution.spans import (
    AGENT,
    CLAUSE_AFTER,
    COMMA_COORDINATED,
    CONTRAST,
    COORDINATED,
    GROUP_SUBJECT,
    PARTICIPIAL_LEFT,
    PASSIVE,
    POSTPOSED_LEFT,
    QUOTE_AFTER,
    QUOTE_NEAR,
    TAIL,
    WITH_LEFT,
    gated,
)
from newslens.analysis.attribution.speakers import resolve
from newslens.analysis.attribution.subjects import (
    SPEAKING_VERBS,
    VERB_ONLY_S,
    clause_subject,
    latest_subject,
    subject_of,
)

_CLOSERS = "”»\""
# A participle followed only by circumstances up to a comma: "…, writing on Telegram, said".
# After a postposed cue: circumstances, then a participial clause ("…, X stated, noting that",
# "…, X declared in an interview, while discussing …").
TRAILING_PARTICIPLE = re.compile(
    r"\s*(?:(?:in|on|at|during|after|before|to|from|with|via|late|early|last|this)\b"
    r"[^,;:“\"]*)?,\s*(?:(?:while|when|as)\s+)?[a-z]+ing\b", re.IGNORECASE)
# A quotation that goes on after the cue ("“…,” X said, “but …”").
QUOTE_GOES_ON = re.compile(r"\s*,\s*(?=[“\"«])")
_APPOSITIVE_PARTICIPLE = re.compile(
    r"(?:\s+(?:in|on|at|to|from|with|via|during|after|before|late|early|last|this)\b"
    r"[^,;:“\"]{0,60})?\s*,(?!\s*[“\"«‘']|\s*(?:[\w’'-]+\s+){0,3}[“\"«])", re.IGNORECASE)


# ---------------------------------------------------------------- content spans
def quote_at(s: Sentence, pos: int) -> tuple[int, int] | None:
    """The interior (start, end) of the quotation whose opening mark is at `pos`."""
    for q0, q1 in s.quotes:
        if q0 == pos:
            return q0 + 1, q1
    return None


def quote_before(s: Sentence, end: int) -> tuple[int, int] | None:
    """The interior of the quotation that closes just before `end` (", " or " " between)."""
    head = s.text[:end].rstrip(" ,")
    if not head or head[-1] not in _CLOSERS:
        return None
    close = len(head) - 1
    for q0, q1 in s.quotes:
        if q1 == close:
            return q0 + 1, q1
    return None


def inside_quote(s: Sentence, pos: int) -> bool:
    return any(q0 < pos < q1 for q0, q1 in s.quotes)


def _reported_after(s: Sentence, hit: CueHit, st: Statement) -> Statement:
    """Set the content to what follows the cue: a quotation (whole, even over several
    sentences), else the that-clause or the rest of the sentence."""
    after = q = QUOTE_AFTER.match(s.text, hit.end)
    if hit.cue.kind == "quote_only" and not q:
        q = QUOTE_NEAR.match(s.text, hit.end)
    region = quote_at(s, q.end()) if q else None
    if region is not None:
        st.content_start, st.content_end, st.direct = region[0], region[1], True
        return st
    c0, c1, direct = spans.content_after(s.text, hit.end, after)
    st.content_start, st.content_end, st.direct = c0, c1, direct
    return st


def _reported_before(s: Sentence, end: int, st: Statement) -> Statement:
    """Set the content to the quotation closing before `end`, else the text before it. A
    quoted fragment inside a paraphrase ("Guarantees … have been “largely finalised”, said X")
    takes the paraphrase too: the content starts where the clause does."""
    region = quote_before(s, end)
    fragment = _fragment_start(s.text, region[0] - 1) if region is not None else None
    if region is not None and fragment is None:
        st.content_start, st.content_end, st.direct = region[0], region[1], True
    elif region is not None:
        st.content_start, st.content_end, st.direct = fragment, region[1] + 1, False
    else:
        st.content_start, st.content_end, st.direct = spans.content_before(s.text, end)
    return st


def _fragment_start(text: str, open_at: int) -> int | None:
    """Start of the paraphrase a quotation opening at `open_at` is part of (after the last
    colon or semicolon before it), or None when the quotation opens its clause (or began in an
    earlier sentence)."""
    if open_at <= 0:
        return None
    head = text[:open_at]
    cut = max(head.rfind(": "), head.rfind("; "))
    start = cut + 2 if cut >= 0 else 0
    return start if _WORD_CHAR.search(head, start) else None


_WORD_CHAR = re.compile(r"\w")


def _passive(s: Sentence, hit: CueHit) -> bool:
    participle = hit.participle
    return participle and "as saying" not in hit.text.lower() and \
        _BE.search(s.text, max(0, hit.start - 40), hit.start) is not None and \
        s.left(PASSIVE, hit.start, 40) is not None


# A form of "be" in the window: the right-anchored PASSIVE pattern can match only then.
_BE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s", re.IGNORECASE)


# ---------------------------------------------------------------- detectors
def according_to(s: Sentence, hit: CueHit) -> Statement | None:
    """"According to ISW, …" / "…, according to ISW." / "As reported by Ukrinform, …"."""
    span = phrase_after(s, hit.end, boundary=True)
    if span is None:
        return None
    sp = resolve(s, span, hit.cue.lemma)
    if sp is None:
        return None
    st = Statement(hit, "according_to", sp, clause=hit.start)
    if _WORD_CHAR.search(s.text, 0, hit.start) is None:
        comma = s.text.find(",", sp.end)
        st.content_start, st.content_end = (comma + 1 if comma >= 0 else sp.end), len(s.text)
    else:
        st.content_start, st.content_end = 0, hit.start
    return st


def passive(s: Sentence, hit: CueHit) -> Statement | None:
    """"This was reported by Vladyslav Voloshyn, …": the speaker is the agent after "by"."""
    agent = AGENT.match(s.text, hit.end)
    if agent is None:
        return None
    span = phrase_after(s, agent.end())
    sp = resolve(s, span, hit.cue.lemma) if span else None
    if sp is None:
        return None
    st = Statement(hit, "passive", sp, clause=0)
    aux = s.left(PASSIVE, hit.start, 40)
    st.content_start, st.content_end = 0, aux.start()
    if not s.text[:aux.start()].strip():
        st.content_start, st.content_end = sp.end, len(s.text)
    return st


_TITLE_BEFORE = re.compile(r"(?:\b(?:" + "|".join(lexicon.words("title_abbreviations")) +
                           r")\.\s+)+$", re.IGNORECASE)


_BY = re.compile(r"\s+by\s+", re.IGNORECASE)
# What a reduced passive reports on: "a plan rejected by Moscow", "a claim denied by Kyiv" (not
# "regions claimed by Moscow": a territorial claim, no speech).
_PROPOSITIONS = DOCUMENTS | frozenset((
    "claim", "claims", "plan", "plans", "proposal", "proposals", "idea", "ideas", "offer",
    "offers", "accusation", "accusations", "allegation", "allegations", "charge", "charges",
    "assertion", "assertions", "deal", "terms", "demand", "demands", "version", "account",
    "narrative", "ultimatum", "initiative", "framework", "decision", "move", "call", "calls"))


def _proposition_before(text: str, start: int) -> bool:
    """A comma (an appositive: "The plan, rejected by Moscow,") or a proposition noun just
    before a reduced passive cue."""
    head = text[:start].rstrip()
    if head.endswith(","):
        return True
    word = head[text.rfind(" ", 0, len(head)) + 1:].lower() if head else ""
    return word in _PROPOSITIONS


def reduced_passive(s: Sentence, hit: CueHit) -> Statement | None:
    """"a plan, rejected by Moscow, …", "an article cited by her campaign": a past participle
    with its agent and no "be" (form `passive`); the content is the phrase it follows."""
    agent = _BY.match(s.text, hit.end)
    span = phrase_after(s, agent.end(), boundary=True) if agent else None
    sp = resolve(s, span, hit.cue.lemma) if span else None
    if sp is None:
        return None
    head = s.text[:hit.start].rstrip(" ,")
    cut = max(head.rfind(ch) for ch in ",;:(“\"")
    c0 = cut + 1 if cut >= 0 else 0
    lead = re.match(r"\s*(?:but|and|while|yet|as)\s+", head[c0:], re.IGNORECASE)
    c0 += lead.end() if lead else 0
    st = Statement(hit, "passive", sp, clause=c0)
    st.content_start, st.content_end = c0, len(head)
    return st


# After a postposed cue, an appositive about what was said: "…, Putin said, a claim Kyiv
# denies."
_CLAIM_APPOSITIVE = re.compile(
    r"\s*,\s*(?:a|an|the|in\s+a|in\s+an)\s+(?:[a-z-]+\s+)?(?:claim|assertion|statement|"
    r"charge|allegation|accusation|view|position|remark|comment|reference|move|sign|signal)s?\b",
    re.IGNORECASE)


def postposed(s: Sentence, hit: CueHit, sp: Speaker, start: int) -> Statement | None:
    """"“…,” Putin said." / "…, UNN reports.": the content comes before the speaker. Also
    "…, X stated, noting that …" and "…, X declared in an interview, while discussing …" (a
    participial clause after the cue is a statement of its own), and a quotation the cue
    interrupts ("“…,” X said, “but …”": one content over both parts)."""
    title = s.left(_TITLE_BEFORE, start, 24) if "." in s.text[max(0, start - 3):start] \
        else None  # "“…,” Mr. Tribe said": the title is no name
    lead = title.start() if title is not None else start
    if not (s.text[:lead].strip() and s.left(POSTPOSED_LEFT, lead, 8)):
        return None
    start = lead
    st = Statement(hit, "postposed", sp, clause=start)
    end = hit.end
    first = quote_before(s, start)
    if first is not None and hit.cue.lemma in _ADDRESSED:  # "“…,” X told reporters."
        told = _ADDRESSEE.match(s.text, end)
        end = told.end() if told is not None else end
    if TAIL.fullmatch(s.text, end) or _CLAIM_APPOSITIVE.match(s.text, end):
        return _reported_before(s, start, st)
    goes_on = QUOTE_GOES_ON.match(s.text, end)
    if goes_on is not None and first is not None:
        rest = quote_at(s, goes_on.end())
        if rest is None or not TAIL.fullmatch(s.text, min(len(s.text), rest[1] + 1)):
            return None
        st.content_start, st.content_end, st.direct = first[0], rest[1], True
        return st
    if TRAILING_PARTICIPLE.match(s.text, end) and (
            first is not None or len(s.text[:start].split()) >= 4):
        return _reported_before(s, start, st)
    return None


# Verbs whose addressee may follow them after a quotation: "“…,” X told reporters on Monday."
_ADDRESSED = frozenset(("tell", "assure", "inform", "remind", "warn"))
_ADDRESSEE = re.compile(r"\s+(?:[\w’'.&-]+\s+){0,6}?[\w’'.&-]+(?=\s*(?:[,;.!?]|$))")


def subject(s: Sentence, hit: CueHit, sp: Speaker, start: int, pronoun: bool) -> Statement:
    """"Putin said that …" and "…, with von der Leyen criticizing Russia …" (form `with`)."""
    with_ = s.left(WITH_LEFT, start, 70) if hit.is_participle else None
    form = "with" if with_ else "pronoun" if pronoun else "subject"
    clause = with_.start() if with_ else start
    if not with_:
        clause = min(clause, _clause_back(s.text, start))
    return _reported_after(s, hit, Statement(hit, form, sp, clause=clause))


_CLAUSE_CONJUNCTIONS = frozenset(("but", "and", "while", "whereas", "as"))


def _clause_back(text: str, start: int) -> int:
    r"""Start of ", but " / " and " / ", " just before `start` (else `start`): what the regex
    `(?:,\s*)?(?:\b(?:but|and|while|whereas|as)\s+)?$` finds in `text[:start]`, read
    right to left instead of searched over the whole prefix (`$` also matches before a final
    newline)."""
    at = _back_from(text, start)
    if start > 0 and text[start - 1] == "\n":
        at = min(at, _back_from(text, start - 1))
    return at


def _back_from(text: str, start: int) -> int:
    k = start
    while k > 0 and text[k - 1].isspace():
        k -= 1
    cand = start
    if k < start:
        w = k
        while w > 0 and text[w - 1].isalpha() and k - w < 8:
            w -= 1
        if text[w:k] in _CLAUSE_CONJUNCTIONS and (w == 0 or not (text[w - 1].isalnum()
                                                                 or text[w - 1] == "_")):
            cand = w
    c = cand
    while c > 0 and text[c - 1].isspace():
        c -= 1
    return c - 1 if c > 0 and text[c - 1] == "," else cand


def participial(s: Sentence, hit: CueHit) -> Statement | None:
    """"…, stating that …": the speaker is the main clause's (the statement before it, else the
    subject at the start of the sentence)."""
    if _APPOSITIVE_PARTICIPLE.match(s.text, hit.end):
        return None
    left = s.left(PARTICIPIAL_LEFT, hit.start, 16) or s.left(_QUOTE_COMMA_LEFT, hit.start, 8)
    parents = [st for st in s.found if st.hit.start < hit.start]
    parent = parents[-1] if parents else None
    speaker = parent.speaker if parent else clause_subject(s, hit.start)
    if speaker is None:
        return None
    clause = left.start()
    st = Statement(hit, "participial", speaker, clause=clause, parent=parent)
    return _reported_after(s, hit, st)


# A plural noun just before "and": a cue form in -s after it is a plural noun too.
_PLURAL_AND = re.compile(r"\b[A-Za-z][a-z]{2,}[^s\W]s\s+and\s+$")


def coordinated(s: Sentence, hit: CueHit) -> Statement | None:
    """"Kallas … and confirmed that …, but said that …" and, after a statement, "…, urges …":
    the speaker is the subject of the clause it continues."""
    coord = s.left(COORDINATED, hit.start, 60)
    parents = [st for st in s.found if st.hit.start < hit.start]
    if coord is None and parents:
        coord = s.left(COMMA_COORDINATED, hit.start, 40)
    word = hit.text.lower().split()[0]
    if coord is None or word == hit.cue.lemma.split()[0]:  # "and state": a noun
        return None
    if word.endswith("s") and word not in VERB_ONLY_S and _PLURAL_AND.search(
            s.text, max(0, coord.start() - 30), coord.end()):
        return None  # "in interviews and tweets", "questions and answers": nouns
    after = parents[-1].hit.end if parents else 0
    speaker = None
    if not (hit.is_participle and parents):  # "arguing … and warning": the same speaker
        speaker = latest_subject(s, after, coord.start())
    if speaker is None and parents:
        speaker = parents[-1].speaker
    if speaker is None:
        return None
    st = Statement(hit, "coordinated", speaker, clause=coord.start(),
                   parent=parents[-1] if parents else None)
    return _reported_after(s, hit, st)


# After an inverted speaker: an appositive, a relative clause or a prepositional phrase
# ("said a Mexican official who was not authorised …", "said Phil Musser of IMGE").
_INVERTED_GOES_ON = re.compile(r"\s*(?:[,;(—–]|(?:who|whom|whose|which|of|at|for|from|with)\b)",
                               re.IGNORECASE)


def inverted(s: Sentence, hit: CueHit) -> Statement | None:
    """"“…,” said Putin.": the speaker follows the cue and ends the sentence."""
    inv = s.left(POSTPOSED_LEFT, hit.start, 8) if s.text[:hit.start].strip() else None
    span = phrase_after(s, hit.end, boundary=True) if inv else None
    if span is None:
        return None
    after = span.end
    if not (TAIL.fullmatch(s.text, after) or _INVERTED_GOES_ON.match(s.text, after)):
        return None
    sp = resolve(s, span, hit.cue.lemma)
    if sp is None:
        return None
    return _reported_before(s, hit.start, Statement(hit, "inverted", sp, clause=inv.start()))


def group(s: Sentence, hit: CueHit) -> Statement | None:
    """"European leaders … Many doubt …": the holder refers to the last group named before."""
    g = s.left(GROUP_SUBJECT, hit.start, 60)
    if g is None:
        return None
    ref = ante = None
    for sn, sp, antecedent in reversed(s.discourse.entities):
        if sn < s.number - 1:
            break
        if sn == s.number - 1 and antecedent is not None and not s.discourse.is_person(sp):
            ref, ante = sp, antecedent
            break
    if ref is None:
        return None
    holder = Speaker(g.start(1), g.end(1), g.group(1), ref.key, ref.kind, ref.actor, ref.side,
                     antecedent=ante)
    return _reported_after(s, hit, Statement(hit, "group", holder, clause=g.start(1)))


_LIGHT = gated(r"\b(?:" + "|".join(map(re.escape, lexicon.words("statement_light_verbs"))) +
               r")\s+(?:(?:a|an|the|his|her|its|their|several|some|a\s+number\s+of|further|new)"
               r"\s+(?:[a-z-]+\s+){0,2})?$")
_NOUN_VERBS = lexicon.word_set("statement_nouns_also_verbs")


def noun_cue(s: Sentence, hit: CueHit) -> Statement | None:
    """"Kallas delivered a pointed reminder that …", "Putin made a number of statements": the
    speaker is the subject of the light verb before the statement noun."""
    light = s.left(_LIGHT, hit.start, 60)
    if light is None:
        return None
    word = light.group(0).split()[0]
    verb = CueHit.of(light.start(), light.start() + len(word), word, hit.cue)
    found = subject_of(s, verb)
    if found is None:
        return None
    sp, start, _pronoun = found
    return _reported_after(s, hit, Statement(hit, "noun", sp, clause=start))


_ISSUED = re.compile(r"\b(?:" + "|".join(lexicon.words("statement_light_verbs")) +
                     r")(?:\s+out)?\s+(?:(?:a|an|the|his|her|its|their|another|two|several)\s+)?"
                     r"(?:[\w’'-]+\s+){0,3}?(?:" + "|".join(sorted(DOCUMENTS)) + r")\s+$",
                     re.IGNORECASE)


_DOCUMENT_ENDS = tuple(sorted(DOCUMENTS))


def _issued_before(s: Sentence, start: int) -> re.Match | None:
    """`_ISSUED` searched before `start`. Its match ends with a document noun and spaces: an
    ASCII window whose text does not end with one needs no search (str.lower agrees with the
    regex's case-insensitive matching on ASCII only)."""
    window = s.text[max(0, start - 90):start]
    if window.isascii() and not window.rstrip().lower().endswith(_DOCUMENT_ENDS):
        return None
    return s.left(_ISSUED, start, 90)


def issued_document(s: Sentence, hit: CueHit) -> Statement | None:
    """"Trump's campaign released a statement saying …": a participle after a document that a
    light verb governs; the speaker is the light verb's subject (form `noun`)."""
    issued = _issued_before(s, hit.start)
    if issued is None:
        return None
    if any(st.hit.end <= hit.start and hit.start - st.hit.end < 3 for st in s.found):
        return None  # "released a statement saying": the statement noun is the cue already
    word = issued.group(0).split()[0]
    verb = CueHit.of(issued.start(), issued.start() + len(word), word, hit.cue)
    found = subject_of(s, verb)
    if found is None:
        return None
    sp, start, _pronoun = found
    return _reported_after(s, hit, Statement(hit, "noun", sp, clause=start))


def _clause_follows(s: Sentence, hit: CueHit) -> bool:
    return CLAUSE_AFTER.match(s.text, hit.end) is not None


def _nested(s: Sentence, hit: CueHit, subject_start: int) -> bool:
    """Inside an earlier statement's reported clause, subject included (reported speech counts
    once; "Trump, who said …, proposed …" is not nested: its subject comes first)."""
    return any(not st.direct and st.content_start <= subject_start
               and st.content_start < hit.start < st.content_end for st in s.found)


_DETERMINERS = frozenset(("the", "a", "an", "this", "that", "these", "those", "his", "her",
                          "its", "their", "our", "my", "your"))


def _noun_use(text: str, start: int) -> bool:
    """The word before `start` is a determiner or a possessive: the cue word is a noun."""
    j = start
    while j > 0 and text[j - 1] == " ":
        j -= 1
    if j == start or j == 0:
        return False
    k = text.rfind(" ", 0, j) + 1
    word = text[k:j]
    return word.lower() in _DETERMINERS or len(word) > 2 and (
        word[-2:] in ("'s", "’s") or word[-2:] in ("s'", "s’"))


# A naming verb with an object and a predicate noun: "called him a liar", "dubbed Trump's plan
# a disgrace", "labelled the strikes an act of terror".
_NAMES_AS = re.compile(
    r"\s+(?:him|her|them|it|himself|herself|themselves|itself|me|us|"
    r"(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,2}(?:\s+[a-z][\w-]*){0,2}|"
    r"(?:the|his|her|their|its|this|that|these|those)(?:\s+[a-z][\w-]*){1,3})"
    r"\s+(?:a|an)\s+(?!(?:day|week|month|year|hour|minute|moment|while|time|lot|few|number|couple|bit)\b)[a-z]")


# A subject that opens a clause of its own, not one inside a reported clause: after a
# coordinating or subordinating conjunction ("…, but officials said", "… and Trump says",
# "… after Trump told"), or after an opening subordinate clause and its comma ("When the AP
# asked him, the manager said").
_CLAUSE_CONJUNCTION = re.compile(
    r"(?:[,;]\s*|\s)(?:but|and|yet|after|when|because|although|though|since|before|until|"
    r"once)\s+$", re.IGNORECASE)
_OPENING_CLAUSE = re.compile(
    r"(?:When|While|Although|Though|After|As|If|Because|Since|Before|Once|Until|Whereas)\b"
    r"[^,;:“”\"]*,\s*$")


def _new_clause(s: Sentence, start: int) -> bool:
    return s.left(_CLAUSE_CONJUNCTION, start, 12) is not None or \
        _OPENING_CLAUSE.fullmatch(s.text, 0, start) is not None


def detect(s: Sentence, hit: CueHit) -> Statement | None:
    """The statement a cue makes, trying the forms in order (the first that applies decides).
    A cue word after a determiner or a possessive is a noun ("the ministry's report said")."""
    kind = hit.cue.kind
    if kind not in ("phrases", "nouns") and _noun_use(s.text, hit.start):
        return None
    if kind == "phrases":
        return according_to(s, hit)
    if kind == "nouns" or hit.text.lower() in _NOUN_VERBS and s.left(_LIGHT, hit.start, 60):
        return noun_cue(s, hit)
    if kind == "quote_only" and not QUOTE_NEAR.match(s.text, hit.end) \
            and not _NAMES_AS.match(s.text, hit.end):
        return None
    if kind == "clause_only" and not _clause_follows(s, hit):
        return None
    if _passive(s, hit):
        return passive(s, hit)
    if hit.participle and _BY.match(s.text, hit.end) and not hit.is_participle \
            and _proposition_before(s.text, hit.start):
        return reduced_passive(s, hit)
    if hit.is_participle and _issued_before(s, hit.start):
        return issued_document(s, hit)
    found = subject_of(s, hit)
    if found is not None:
        sp, start, pronoun = found
        post = postposed(s, hit, sp, start)
        if post is not None:
            return post
        if _nested(s, hit, start) and not s.left(WITH_LEFT, start, 70) \
                and not s.left(CONTRAST, start, 16) and not _new_clause(s, start) \
                and not (pronoun and sp.text.lower() != "it"):
            return None
        return subject(s, hit, sp, start, pronoun)
    if hit.is_participle and (s.left(PARTICIPIAL_LEFT, hit.start, 16) or s.left(
            _QUOTE_COMMA_LEFT, hit.start, 8) and hit.text.split()[0].lower() in SPEAKING_VERBS):
        return participial(s, hit)  # "…,” adding …" (not "…,” suggesting …": a gloss)
    return coordinated(s, hit) or inverted(s, hit) or group(s, hit)


_QUOTE_COMMA_LEFT = re.compile(r",[”\"]\s*$")
