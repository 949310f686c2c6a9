"""A statement as the rules read it: the article fields, mentions and sides (`_Document`),
the statement's own text with quotation marks blanked (`_Read`), its role markers (`_roles`)."""

from __future__ import annotations

import re
from bisect import bisect_left

import pandas as pd

from newslens.analysis.stance import roles
from newslens.analysis.stance.lexicons import _Lexicons
from newslens.analysis.stance.rules import _ONLY_IF, _temporal_until

_NEGATED_HARM = re.compile(
    r"(?<![\w’'])(?:not|never|no|cannot|nobody|no\s+one|won[’']t|n[’']t)\s+"
    r"(?:(?:be|been|being|can|could|will|would|should|have|has|any|be\s+able\s+to)\s+){0,2}$",
    re.IGNORECASE)

_TOPIC = re.compile(r"\s+(?:on|about|over)\s+(.{3,80}?)\s*$", re.IGNORECASE)

# ---------------------------------------------------------------- reading a statement
def _own_span(st: dict) -> tuple[int, int]:
    return (min(st["cue_start"], st["content_start"]), max(st["cue_end"], st["content_end"]))


_TARGET_MODAL = re.compile(
    r"^[’']?s?\s*(?:must|should|has\s+to|have\s+to|needs?\s+to|ought\s+to|is\s+obliged\s+to|"
    r"will\s+have\s+to|to\s+\w+)\b", re.IGNORECASE)


class _Document:
    """The article fields as text, the sentences' places, and the actor mentions by field."""

    def __init__(self, sentences: pd.DataFrame, mentions: pd.DataFrame | None):
        fields = sentences["field"].tolist() if "field" in sentences else ["text"] * len(
            sentences)
        self.sentence: dict[tuple, tuple] = {}
        parts: dict[tuple, list] = {}
        for aid, sn, start, text, fld in zip(
                *(sentences[c].tolist() for c in ("article_id", "sentence", "start", "text")),
                fields):
            self.sentence[(aid, int(sn))] = (fld, int(start), str(text))
            parts.setdefault((aid, fld), []).append((int(start), str(text)))
        self.fields = {}
        for key, pieces in parts.items():
            out, pos = [], 0
            for s, t in sorted(pieces):
                out.append(" " * (s - pos) + t[max(0, pos - s):])
                pos = max(pos, s + len(t))
            self.fields[key] = roles.normalise("".join(out))  # quotation marks blanked
        self.mentions: dict[tuple, list] = {}
        self.sides: dict = {}
        if mentions is None or len(mentions) == 0:
            return
        mfields = mentions["field"].tolist() if "field" in mentions else ["text"] * len(mentions)
        aff = mentions["affiliation"].tolist() if "affiliation" in mentions else [None] * len(
            mentions)
        for aid, fld, a, b, actor, side in zip(mentions["article_id"].tolist(), mfields,
                                               mentions["start"].tolist(),
                                               mentions["end"].tolist(),
                                               mentions["actor_id"].tolist(), aff):
            if not isinstance(actor, str):
                continue
            self.mentions.setdefault((aid, fld), []).append((int(a), int(b), actor))
            if isinstance(side, str) and side:
                self.sides.setdefault(actor, side)
        for ms in self.mentions.values():
            ms.sort()
        self.starts = {key: [m[0] for m in ms] for key, ms in self.mentions.items()}

    def sentence_text(self, aid, number: int) -> str:
        """A sentence's text from its field (quotation marks blanked); "" when unknown."""
        fld, start, text = self.sentence.get((aid, number), (None, 0, ""))
        return self.fields.get((aid, fld), "")[start:start + len(text)]

    def side(self, actor) -> str | None:
        return self.sides.get(actor, actor if actor in roles.SIDES_AT_WAR else None)

    def mentions_in(self, aid, fld, a: int, b: int, shift: int) -> list[tuple]:
        """(start, end, actor, side) of the mentions in [a, b), moved by `shift`."""
        ms = self.mentions.get((aid, fld), ())
        if not ms:
            return []
        i, j = bisect_left(self.starts[(aid, fld)], a), bisect_left(self.starts[(aid, fld)], b)
        return [(s + shift, e + shift, actor, self.side(actor))
                for s, e, actor in ms[i:j] if e <= b]


def _speaker_side(st: dict, doc: _Document) -> str | None:
    """The speaker's side; for a collective or unnamed speaker ("Russian officials", "reports
    from Moscow") the side of an actor named in its description."""
    side = st.get("speaker_side")
    if isinstance(side, str) and side:
        return side
    side = doc.side(st["speaker"])
    if side is not None:
        return side
    named = doc.mentions_in(st["article_id"], st["field"], int(st["speaker_start"]),
                            int(st["speaker_end"]), 0)
    return next((s for *_, s in named if s), None)


class _lazy:
    """`functools.cached_property` without its lock (Python 3.11 takes one on every first
    read; a `_Read` is never shared between threads)."""

    def __init__(self, compute):
        self.compute, self.name = compute, compute.__name__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


class _Read:
    """A statement's own text as the rules read it: cue and content (a headline topic such as
    "X on land swap:" in front), quotation marks blanked (`text`); `reading` keeps only the
    content (and topic). Clauses, role markers, mentions and the stances the statement reports
    for others are worked out on first use: most statements raise no issue."""

    def __init__(self, st: dict, doc: _Document, lex: _Lexicons):
        self._st, self._doc, self._lex = st, doc, lex
        field_text = doc.fields.get((st["article_id"], st["field"]), "")
        a, b = _own_span(st)
        prefix = _topic(st, field_text)
        self.text = (roles.normalise(prefix) if prefix else "") + field_text[a:b]
        self.shift = len(prefix) - a  # text position = field position + shift
        self._span = (a, b)
        self.raises = False  # issue terms in `text` (set by _issue_tags)
        # text spans of positions the content ascribes to other actors ("Putin wants Ukraine
        # to cede ..."), from their holder to the end of what they hold: not the speaker's own
        self.others: tuple[tuple[int, int], ...] = ()
        self.context_contrary: set = set()  # issues whose context term is contrary
        c0, c1 = int(st["content_start"]) + self.shift, int(st["content_end"]) + self.shift
        self.reading = (prefix + " " * (c0 - len(prefix)) + self.text[c0:c1]
                        + " " * (len(self.text) - c1))

    @_lazy
    def side(self) -> str | None:
        return _speaker_side(self._st, self._doc)

    @_lazy
    def speaker(self) -> roles.Speaker:
        st, (a, b) = self._st, self._span
        return roles.Speaker(st["speaker"], self.side,
                             self._doc.mentions_in(st["article_id"], st["field"], a, b,
                                                   self.shift))

    @_lazy
    def spans(self) -> list:
        return self._lex.memo("clauses", self.text, roles.clauses)

    @_lazy
    def roles(self) -> list:
        return self._lex.memo("roles", self.reading, lambda text: _roles(text, self._lex))

    @_lazy
    def _reports(self) -> tuple[list, set]:
        if self._lex.predicates.search(self.reading) is None:  # no stance predicate at all
            return [], set()
        return roles.reported(self.reading, self.spans, self._lex.predicates,
                              self._lex.stance_of_predicate, self.speaker)

    @property
    def reported(self) -> list:
        return self._reports[0]

    @property
    def excluded(self) -> set:
        return self._reports[1]

    def theirs(self, pos: int) -> bool:
        """Is text position `pos` inside a position the content ascribes to another actor?"""
        return any(a <= pos < b for a, b in self.others)


def _topic(st: dict, field_text: str) -> str:
    """The topic between speaker and mark of a headline or label ("Trump on land swap: …")."""
    if st["form"] not in ("headline", "label"):
        return ""
    gap = field_text[int(st["speaker_end"]):int(st["cue_start"])]
    m = _TOPIC.match(gap) if int(st["speaker_end"]) <= int(st["cue_start"]) else None
    return m.group(1) + " ; " if m else ""


def _roles(text: str, lex: _Lexicons) -> list:
    """Condition, requirement, purpose and negated-harm markers of `text`, in order
    (roles.Role), found in one pass."""
    found = []
    for m in lex.role_re.finditer(text):
        term = " ".join(m.group(0).lower().split())
        kind = lex.role_kind(term)
        if kind == "condition":
            if term == "until" and _temporal_until(text, m.start(), m.end(), lex):
                continue
            backward = (term.startswith(("as the condition", "as a condition",
                                         "as a key condition", "precondition"))
                        and re.match(r"\s+(?:for|of|to)\b", text[m.end():]) is not None)
            found.append(roles.Role(m.start(), m.end(), "condition", term, backward))
        elif kind == "requirement":
            if not (re.match(r"\s+(?:to|for)\b", text[m.end():]) or re.search(
                    r"(?:\bthe|\ba|\bno|\bany)\s+$", text[max(0, m.start() - 5):m.start()])):
                found.append(roles.Role(m.start(), m.end(), "requirement", term))
        elif kind == "purpose":
            found.append(roles.Role(m.start(), m.end(), "purpose", term))
        elif neg := _NEGATED_HARM.search(text, max(0, m.start() - 40), m.start()):
            passive = re.search(r"(?<![\w’'])(?:be|been|being)\s+$", text[neg.start():m.start()])
            found.append(roles.Role(m.start(), m.end(), "harm", term, passive is not None))
    if "only" in text.lower():
        for m in _ONLY_IF.finditer(text):
            last = m.group(0).split()[-1]
            found.append(roles.Role(m.end() - len(last), m.end(), "condition",
                                    f"only … {last.lower()}"))
    return sorted(found, key=lambda r: r.start)


def _blank(text: str, spans) -> str:
    """`text` with the given clauses blanked (the stances reported for others)."""
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text
