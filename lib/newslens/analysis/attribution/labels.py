"""Statements without a reporting verb: headline attributions and labelled lines.

- headline colon  "Kallas: Reparations loan does not violate international law"
- headline dash   "Troops withdrew from the village - General Staff"
- label           "Source: General Staff" (credits the paragraph before it) and
                  "Quote: “…”" (a quotation credited to the article's last speaker)

A headline is a title, or a body paragraph of one sentence without final punctuation. The
speaker of a headline form must be someone who speaks: a gazetteer actor that is not a bare
country name, or an unknown person, organisation or outlet."""

from __future__ import annotations

import re

from newslens.analysis.attribution.cues import Cue
from newslens.analysis.attribution.forms import quote_at
from newslens.analysis.attribution.phrases import (
    DOCUMENTS,
    LABELS,
    phrase_after,
    phrase_before,
)
from newslens.analysis.attribution.records import CueHit, Sentence, Speaker, Statement
from newslens.analysis.attribution.speakers import resolve

_MARK = "mark"
_COLON = re.compile(r"^[^:“\"«]{2,80}?(?<!\s)(:)\s+\S")
_DASH = re.compile(r"\s([-–—])\s+(?=\S[^-–—]{1,60}$)")
_LABEL = re.compile(r"^(Source|Quote)\s*:\s*", re.IGNORECASE)
_PREPOSITION_TAIL = re.compile(
    r"\s+(?:after|on|in|at|to|about|during|before|with|via|citing|following)\b[^:]{0,50}$",
    re.IGNORECASE)
_QUOTE_OPEN = re.compile(r"\s*[“\"«]")


def _hit(start: int, end: int, text: str, lemma: str) -> CueHit:
    return CueHit.of(start, end, text, Cue(lemma, "neutral", _MARK))


def _speaks(s: Sentence, sp: Speaker | None) -> bool:
    """Someone who speaks in a headline: not a bare country or a capital standing for it."""
    if sp is None:
        return False
    if sp.kind == "actor":
        info = s.discourse.gaz.info.get(sp.actor)
        bare_state = info is not None and info.kind == "state" and \
            sp.text.lower() in (info.name.lower(), info.id.replace("_", " "))
        return not bare_state
    if sp.kind == "outlet":
        return True
    # an unknown name must come back in the article ("Condition: rain" is page furniture)
    last = sp.text.split()[-1]
    body = s.discourse.text
    return sp.kind in ("person", "organisation") and body.count(last) > (
        1 if last in s.field_text and s.field_text is body else 0)


def headline_colon(s: Sentence) -> Statement | None:
    """"Speaker: content" (a prepositional phrase may follow the speaker)."""
    m = _COLON.match(s.text)
    if m is None or s.text.split(None, 1)[0].rstrip(":") in LABELS:
        return None
    head_end = m.start(1)
    tail = _PREPOSITION_TAIL.search(s.text, 0, head_end)
    end = tail.start() if tail else head_end
    span = phrase_before(s, end)
    if span is None or span.start != 0:
        return None
    sp = resolve(s, span)
    if not _speaks(s, sp):
        return None
    st = Statement(_hit(m.start(1), m.end(1), ":", "colon"), "headline", sp, clause=0)
    region = quote_at(s, _QUOTE_OPEN.match(s.text, m.end(1)).end() - 1) \
        if _QUOTE_OPEN.match(s.text, m.end(1)) else None
    st.content_start, st.content_end = region or (m.end(1), len(s.text))
    st.direct = region is not None
    return st


def headline_dash(s: Sentence) -> Statement | None:
    """"content - Speaker" at the end of a headline."""
    m = None
    for m in _DASH.finditer(s.text):
        pass
    if m is None:
        return None
    span = phrase_after(s, m.end())
    rest = s.text[span.end:].strip(" .!?”\"").lower() if span else "?"
    if span is None or rest and rest not in DOCUMENTS:
        return None
    sp = resolve(s, span)
    if not _speaks(s, sp) or not s.text[:m.start()].strip():
        return None
    st = Statement(_hit(m.start(1), m.end(1), m.group(1), "dash"), "headline", sp, clause=0)
    st.content_start, st.content_end = 0, m.start()
    return st


def label(s: Sentence) -> Statement | None:
    """"Source: X" (content: the paragraph before) and "Quote: “…”" (the last speaker's)."""
    m = _LABEL.match(s.text) if s.paragraph_start else None
    if m is None:
        return None
    word = m.group(1)
    hit = _hit(m.start(1), m.end(1), word, word.lower())
    if word.lower() == "quote":
        spoken = [sp for _, sp in s.discourse.speakers if not sp.via_label]
        labelled = [sp for _, sp in s.discourse.speakers]
        last = (spoken or labelled or [None])[-1]
        if last is None:
            return None
        sp = Speaker(m.start(1), m.end(1), word, last.key, last.kind, last.actor, last.side,
                     last.gender, last.heads)
        st = Statement(hit, "label", sp, clause=0)
        region = quote_at(s, m.end()) if s.text[m.end():m.end() + 1] in "“\"«" else None
        st.content_start, st.content_end = region or (m.end(), len(s.text))
        st.direct = region is not None
        return st
    span = phrase_after(s, m.end())
    sp = resolve(s, span) if span else None
    if sp is None:
        return None
    sp.via_label = True
    st = Statement(hit, "label", sp, clause=0)
    before = s.field_text.rfind("\n", 0, max(0, s.s0 - 1))
    if s.s0 > 1 and s.field_text[before + 1:s.s0 - 1].strip():
        st.content_start, st.content_end = before + 1 - s.s0, -1
    else:
        st.content_start, st.content_end = sp.end, len(s.text)
    return st


_LABEL_LINE = re.compile(r"^([^:“\"«]{2,60}?)\s*(:)\s*$")


def label_line(s: Sentence) -> Statement | None:
    """A paragraph that is only "Speaker:" ("Defence ministry:", "Peskov:"): a statement without
    content yet; the next paragraph is its content (`labelled` makes it)."""
    m = _LABEL_LINE.match(s.text) if s.paragraph_start and s.headline else None
    if m is None or s.text.split(None, 1)[0].rstrip(":") in LABELS:
        return None
    span = phrase_before(s, m.end(1))
    if span is None or span.start != 0 or span.end != m.end(1):
        return None
    sp = resolve(s, span)
    if sp is None or not (_speaks(s, sp) or sp.kind in ("organisation", "group")):
        return None
    st = Statement(_hit(m.start(2), m.end(2), ":", "label"), "label", sp, clause=0)
    st.content_start, st.content_end = 0, m.end(1)  # a placeholder: `labelled` replaces it
    return st


def labelled(s: Sentence, line: Statement, line_s0: int) -> Statement:
    """The statement of the paragraph after a label line (`line`, found in the sentence that
    starts at `line_s0` of the same field): the whole paragraph is its content."""
    shift = line_s0 - s.s0
    sp = line.speaker
    speaker = Speaker(sp.start + shift, sp.end + shift, sp.text, sp.key, sp.kind, sp.actor,
                      sp.side, sp.gender, sp.heads)
    hit = line.hit
    st = Statement(hit._replace(start=hit.start + shift, end=hit.end + shift), "label",
                   speaker, clause=0)
    end = s.field_text.find("\n", s.s0)
    end = len(s.field_text) if end < 0 else end
    while end > s.s0 and s.field_text[end - 1] in " .":
        end -= 1
    st.content_start, st.content_end = 0, end - s.s0
    st.content = s.field_text[s.s0:end]
    st.is_quote = st.content[:1] in "“\"«"
    return st


def mark_statements(s: Sentence) -> list[Statement]:
    """The headline and label statements of a sentence (call after the verb forms: a
    headline whose verb already credits someone, "Kremlin comments on X: …", gets none)."""
    if any(st.form != "label" for st in s.found):
        dash = headline_dash(s) if s.headline else None
        if dash is not None:  # "Germany rules out X – Merz": Merz says so
            for st in s.found:
                if st.hit.start < dash.hit.start:
                    st.speaker = dash.speaker
        return []
    out = []
    if s.paragraph_start:
        found = label(s) or label_line(s)
        if found is not None:
            return [found]
    if s.headline:
        for detector in (headline_colon, headline_dash):
            found = detector(s)
            if found is not None:
                out.append(found)
                break
    return out
