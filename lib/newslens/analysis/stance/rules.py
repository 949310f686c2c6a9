"""The stance rule chain on one statement or clause (`classify`: first rule that fires
decides) and its helpers."""

from __future__ import annotations

import re

import ahocorasick

from newslens import compat
from newslens.analysis.stance import roles
from newslens.analysis.stance.lexicons import _Lexicons

SKEPTICAL_CUES = {"doubt", "question", "express doubt", "express scepticism", "cast doubt"}
DENIAL_CUES = {"deny", "reject", "dismiss", "rule out", "refuse"}

_ACCEPT = re.compile(
    r"(?<![\w’'])(?:not|never|n[’']t|no\s+longer|refuses?\s+to|refused\s+to|won[’']t)\s+"
    r"(?:\w+\s+){0,2}?(?:accept|agree|allow|recogni[sz]e|support|sign|tolerate|endorse|"
    r"back|consider|interested\s+in)\w*", re.IGNORECASE)
# "only … if/when/after" split by a few words ("will only cease hostilities if …").
_ONLY_IF = re.compile(r"(?<![\w’'])only\s+(?:[\w’'-]+\s+){1,6}?(?:if|when|after|once)(?![\w’'])",
                      re.IGNORECASE)
# "wants Kyiv to withdraw": a demand on someone else ("wants to join" is support).
_WANT_OBJECT = re.compile(r"(?<![\w’'])want(?:s|ed)?\s+(?!to\b)(?:[\w’'.-]+\s+){1,4}?to\s+\w",
                          re.IGNORECASE)
# "refusing the deal now could lead to a harsher settlement": a warning against rejecting it.
_REJECTING_IS_BAD = re.compile(
    r"(?<![\w’'])(?:refus|reject|abandon|walk(?:ing)?\s+away\s+from|turn(?:ing)?\s+down)\w*\s+"
    r"(?:[\w’'-]+\s+){0,5}?(?:could|would|will|may|might)\s+(?:only\s+)?(?:lead|result|mean|"
    r"be\s+a\s+mistake|cost|backfire|prolong)", re.IGNORECASE)

_COPULA = re.compile(r"(?<![\w’'])(?:is|are|was|were|be|been|remain|remains|remained|stand|"
                     r"stands)\s+(?:(?:either|very|strongly|firmly|still|also|all|not)\s+){0,2}$",
                     re.IGNORECASE)
# cheap tests before the costlier patterns: a negator, a rejection word
_MAY_NEGATE = re.compile(r"not|never|n[’']t|no longer|refus")
_MAY_REJECT = re.compile(r"refus|reject|abandon|walk|turn")

# ---------------------------------------------------------------- stance rules
_POLARITY: dict[str, float] = {}  # TextBlob polarity of each distinct content, per process


def _polarity(content: str) -> float:
    """TextBlob pattern polarity of `content` (memoised: the fallback rule scores many repeats;
    0.0 without tokenising when no token can be a scored word, `_may_score`)."""
    p = _POLARITY.get(content)
    if p is None:
        if len(_POLARITY) >= 200_000:
            _POLARITY.clear()
        p = _POLARITY[content] = compat.textblob_polarity(content) if _may_score(
            content) else 0.0
    return p


_SCORED: list = []  # [words automaton, squeezed-words automaton], built on first use


def _scored() -> list:
    if not _SCORED:
        live = compat.textblob_live_words()
        known = set(dict.keys(compat.textblob_lexicon()))
        words, squeezed = ahocorasick.Automaton(), ahocorasick.Automaton()
        for w in live:
            if any(ch.isspace() for ch in w):
                continue  # never one token
            (words if w.isalnum() and w in known else squeezed).add_word(w, len(w))
        for automaton in (words, squeezed):
            automaton.make_automaton()
        _SCORED[:] = [words, squeezed]
    return _SCORED


def _may_score(text: str) -> bool:
    """Can TextBlob give `text` a non-zero polarity? Only a token that is a lexicon word or an
    emoticon is scored (`Sentiment.assessments`), and the tokeniser (`find_tokens`) cuts tokens
    out of the text only at whitespace, punctuation, quotes and before "n't" (the emoticons and
    "(!)" it joins again across spaces). So a scored alphanumeric word shows in the lowercased
    text with no letter or digit on either side (or "n't" after it), and any other scored token
    shows in the text with its whitespace removed. False when neither does: polarity 0.0."""
    low = text.lower()
    if len(low) != len(text) or "\n" in text:
        return True  # lowercase of another length, paragraph breaks: tokenise
    words, squeezed = _scored()
    if next(squeezed.iter("".join(low.split())), None) is not None:
        return True
    n = len(low)
    for end, size in words.iter(low):
        i, j = end - size + 1, end + 1
        if (i == 0 or not low[i - 1].isalnum()) and (
                j == n or not low[j].isalnum() or low.startswith("n't", j)):
            return True
    return False


def classify(statement: dict, lex: _Lexicons, parent: tuple | None = None,
             text: str | None = None, fallback: bool = True) -> tuple[str, str, float]:
    """(stance, rule, confidence) of one statement (a row of the statements table), read on
    `text` (a clause of it, quotation marks blanked; default: its content).

    The chain reads nothing of the statement but the text, its cue class and lemma, negation,
    reader side and the gap between cue and content: the result is remembered for those (texts
    repeat as clauses, as the contexts of others and across articles)."""
    content = roles.normalise(str(statement["content"])) if text is None else text
    key = (content, statement["cue_class"], statement["cue_lemma"], bool(statement["negated"]),
           statement.get("reader_side"), statement.get("gap", ""), parent, fallback)
    return lex.memo("classify", key, lambda key: _chain(key, lex))


def _chain(key: tuple, lex: _Lexicons) -> tuple[str, str, float]:  # noqa: C901 - one chain
    """`classify` on its key. One flat chain on purpose: the rules fire in the documented order
    and the first wins, so the order is the logic (module doc). Without `fallback` the parent
    and sentiment rules are skipped (a clause read alone)."""
    content, cls, lemma, negated, reader_side, gap, parent, fallback = key
    hits = lex.hits(content)
    low = content.lower()

    def found(name):
        ms = hits.get(name)
        return " ".join(ms[0].group(0).lower().split()) if ms else None

    if term := next((" ".join(m.group(0).lower().split()) for m in hits.get("condition", ())
                     if not (m.group(0).lower() == "until"
                             and _temporal_until(content, m.start(), m.end(), lex))), None):
        result = ("demands", f"condition:{term}", 0.8)
    elif "only" in low and (m := _ONLY_IF.search(content)):
        result = ("demands", f"condition:only … {m.group(0).split()[-1].lower()}", 0.8)
    elif cls == "demand" and not negated:
        result = ("demands", "cue:demand", 0.8)
    elif cls in ("neutral", "emphatic") and "want" in low and (
            m := _WANT_OBJECT.search(content)):
        result = ("demands", "content:demand:wants … to", 0.6)
    elif cls in ("neutral", "emphatic") and (m := next(iter(hits.get("demand", ())), None)):
        term = " ".join(m.group(0).lower().split())
        if _NEGATED_BEFORE.search(content, max(0, m.start() - 25), m.start()):
            result = ("opposes", f"content:demand+negation:{term}", 0.5)  # "no need for"
        elif _own_camp(content, m, reader_side):
            result = ("supports", f"content:commitment:{term}", 0.55)
        else:
            result = ("demands", f"content:demand:{term}", 0.6)
    elif lemma in SKEPTICAL_CUES:
        result = ("skeptical", f"cue:skeptical:{lemma}", 0.7)
    elif term := found("skeptical"):
        result = ("skeptical", f"content:skeptical:{term}", 0.5)
    elif cls == "negative" and lemma in DENIAL_CUES and (
            term := _denied_report(gap + " " + content, lex)):
        return "neutral", f"denial:{term}", 0.5
    elif _MAY_NEGATE.search(low) and (m := _ACCEPT.search(content)):
        result = ("opposes", f"negation:{' '.join(m.group(0).lower().split())}", 0.6)
    elif _MAY_REJECT.search(low) and (m := _REJECTING_IS_BAD.search(content)):
        result = ("supports", f"warns-against:{m.group(0).split()[0].lower()}", 0.6)
    elif cls == "negative":
        result = ("supports", "cue:negative+negation", 0.4) if negated else (
            "opposes", "cue:negative", 0.75)
    elif cls == "positive":
        result = ("opposes", "cue:positive+negation", 0.6) if negated else (
            "supports", "cue:positive", 0.75)
    elif term := _own_predicate(content, hits, "opposition"):
        result = ("supports", f"content:against+negation:{term[4:]}", 0.5) if term.startswith(
            "not ") else ("opposes", f"content:against:{term}", 0.6)
    elif term := found("dismissive"):
        result = ("opposes", f"content:dismissive:{term}", 0.7)
    elif term := _own_predicate(content, hits, "support"):
        result = ("opposes", f"content:for+negation:{term[4:]}", 0.5) if term.startswith(
            "not ") else ("supports", f"content:for:{term}", 0.6)
    elif term := found("supportive"):
        result = ("supports", f"content:supportive:{term}", 0.55)
    elif not fallback:
        return "neutral", "default", 0.3
    elif parent is not None and parent[0] != "neutral":
        result = (parent[0], f"parent:{parent[1]}", round(parent[2] * 0.8, 3))
    else:
        polarity = _polarity(content)
        if polarity >= 0.2:
            result = ("supports", f"sentiment:{polarity:+.2f}", round(min(0.5, polarity), 3))
        elif polarity <= -0.2:
            result = ("opposes", f"sentiment:{polarity:+.2f}", round(min(0.5, -polarity), 3))
        else:
            return "neutral", "default", 0.3
    stance, rule, conf = result
    if cls == "emphatic" and stance != "neutral":
        rule, conf = rule + "+emphatic", min(0.95, conf + 0.1)
    return stance, rule, round(conf, 3)


def _condition(content: str, lex: _Lexicons) -> str | None:
    """The first condition marker of the content (see `_conditions`)."""
    for _start, _end, term in _conditions(content, lex):
        return term
    return None


def _conditions(content: str, lex: _Lexicons):
    """(start, end, term) of each condition marker, skipping "until" as a time preposition
    ("until November 26", "from then until the spring"): "until Ukraine withdraws" is a
    condition."""
    for m in lex.markers["condition"].finditer(content):
        term = m.group(0).lower()
        if term == "until" and _temporal_until(content, m.start(), m.end(), lex):
            continue
        yield m.start(), m.end(), " ".join(term.split())


def _temporal_until(content: str, start: int, end: int, lex: _Lexicons) -> bool:
    """Is "until" at [start, end) a time preposition ("until November 26", "from then until
    the spring")?"""
    before = content[max(0, start - 40):start]
    starts = [f.end() for f in re.finditer(r"\bfrom\b", before, re.IGNORECASE)]
    return lex.temporal.match(content, end) is not None or any(
        lex.temporal.match(before, k) for k in starts)


_OWN_CAMP = re.compile(r"(?:\b(?:we|you|it\s+is|it[’']s|it\s+was|partners|allies|the\s+west)"
                       r"\s+(?:[\w’'-]+\s+){0,2})$", re.IGNORECASE)


def _own_camp(content: str, m: re.Match, side: str | None) -> bool:
    """An obligation a mediator or ally lays on its own camp or on no one ("we must …", "it is
    necessary to have proposals", "the need to draw Russia in"): backing, not a demand on a
    party to the war. Parties to the war (and unknown sides) demand."""
    if side is None or side in roles.SIDES_AT_WAR:
        return False
    head = content[max(0, m.start() - 40):m.start()]
    return bool(_OWN_CAMP.search(head)) or (
        m.group(0).lower().startswith("need") and head.lower().endswith("the "))


def _denied_report(content: str, lex: _Lexicons) -> str | None:
    """The report noun a denial is about ("rejected claims that …"), when what follows the cue
    opens with one."""
    m = re.match(r"\s*(?:the\s+|these\s+|such\s+|those\s+|any\s+)?(?:[\w’'-]+\s+)?([\w’'-]+)",
                 content, re.IGNORECASE)
    if m is None:
        return None
    head = m.group(0).lower().split()
    return next((w for w in head if lex.markers["reports"].fullmatch(w)), None)




_PREDICATE_SUBJECT = re.compile(
    r"(?:(?<![\w’'])(?:I|we|it|he|she|they)|[A-Z][\w’'-]*(?<![’']s))\s+(?:(?:[a-z]+ly|also|"
    r"still|has|have|had|is|are|was|were|will|would|do|does|did|not|always)\s+){0,2}$")


def _own_predicate(content: str, hits: dict, cls: str) -> str | None:
    """A stance predicate of the speaker's own: a verb after a subject pronoun or name ("it
    opposes …", "we truly want to join …"; a name of another actor was taken as a reported
    stance before), a copula before an adjective or preposition ("is against"), or the noun
    with "for" ("voiced support for"). "not " in front when negated ("does not want to")."""
    for m in hits.get(cls, ()):
        word = " ".join(m.group(0).lower().split())
        if word in roles.ADJECTIVE_PREDICATES:
            found = _COPULA.search(content, 0, m.start()) is not None
        else:
            found = _PREDICATE_SUBJECT.search(content, max(0, m.start() - 60), m.start()) \
                is not None or re.match(r"\s+for\b", content[m.end():]) is not None
        if found:
            negated = _NEGATED_BEFORE.search(content, max(0, m.start() - 25), m.start())
            return f"not {word}" if negated else word
    return None


_NEGATED_BEFORE = re.compile(r"(?<![\w’'])(?:not|no|never|n[’']t)\s+(?:[\w’'-]+\s+)?$",
                             re.IGNORECASE)
