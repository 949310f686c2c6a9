"""The stances table: issues a statement raises (tagging), the stance each takes, targets,
reported stances, territory read as concessions; `stances()`."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from newslens import schema
from newslens.analysis.attribution import cues as reporting
from newslens.analysis.stance import narration, roles
from newslens.analysis.stance.lexicons import STANCE_COLUMNS, _Lexicons, _lexicons
from newslens.analysis.stance.reading import (
    _TARGET_MODAL,
    _blank,
    _Document,
    _own_span,
    _Read,
)
from newslens.analysis.stance.rules import SKEPTICAL_CUES, classify
from newslens.analysis.stance.scan import Scanner

CONTEXT_WEIGHT = 0.6
REPORTED_WEIGHT = 0.5
NARRATION_WEIGHT = 0.8  # the outlet's account of a position, not the holder's own words

_ASKED = re.compile(r"(?<![\w’'])(?:asked|questioned)\s+(?:by\s+[^,;]{1,60}?\s+)?(?:whether|if|"
                    r"about|to\s+confirm|to\s+comment|why|what|how|when|on)(?![\w’'])",
                    re.IGNORECASE)

TITLE_WEIGHT = 0.8
# On territory the stance is toward concessions: general approval or tone is not one.
_WEAK_ON_TERRITORY = ("sentiment", "content:supportive", "content:for", "content:commitment")
CONTRARY = {"supports": "opposes", "demands": "opposes", "opposes": "supports"}


def _issue_stance(st: dict, lex: _Lexicons, r: _Read, occs: list, base) -> tuple:
    """(stance, rule, confidence, deciding occurrence) of one issue raised in the statement:
    the role of its first term that has one, else the chain on the first clause naming it that
    gives a stance, else the statement's stance (`base()`: worked out only when needed, module
    doc)."""
    cls, lemma = st["cue_class"], st["cue_lemma"]
    markers, spans = r.roles, r.spans
    if lemma not in SKEPTICAL_CUES and markers:
        for occ in occs:
            got = roles.role_of(r.reading, occ.start, markers, roles.clause_at(spans, occ.start),
                                r.speaker)
            if got is None or (got[1].startswith(("conditioned", "need")) and cls in
                               ("demand", "negative")) or (got[1].startswith("purpose")
                                                           and cls == "negative"):
                continue
            return (*_emphatic(got, cls), occ)
    seen = set()
    for occ in occs if len(spans) > 1 else ():
        clause = roles.clause_at(spans, occ.start)
        if clause in seen:
            continue
        seen.add(clause)
        got = classify(st, lex, None, r.reading[clause[0]:clause[1]], fallback=False)
        if got[0] != "neutral":
            return (*got, occ)
    return (*base(), occs[0])


def _emphatic(result: tuple, cls: str) -> tuple:
    stance, rule, conf = result
    if cls == "emphatic" and stance != "neutral":
        return stance, rule + "+emphatic", round(min(0.95, conf + 0.1), 3)
    return result


def _issue_tags(st: dict, r: _Read, doc: _Document, lex: _Lexicons, context: str) -> dict:
    """issue -> (source, term, occurrences): terms of the statement's own text (outside the
    stances it reports for others); else the question it answers; else, when it refers back
    ("the deal"), the nearest of the three sentences before; plus (weight 0.6) its `context`
    (main clause of a participial statement, the sentence introducing a group holder)."""
    tags: dict = {}
    occurrences = lex.occurrences(r.text)
    r.raises = bool(occurrences)
    excluded = r.excluded if occurrences else ()
    for occ in occurrences:
        if r.others and r.theirs(occ.start):
            continue  # another actor's position inside the statement
        if not excluded or roles.clause_at(r.spans, occ.start) not in excluded:
            tags.setdefault(occ.issue, ("statement", occ.term, []))[2].append(occ)
    if not tags:
        for issue, term in _question_issues(st, r, doc, lex).items():
            tags[issue] = ("question", term, [])
    if not tags and _ANAPHOR.search(r.reading):
        for issue, term in _antecedent_issues(st, doc, lex).items():
            tags[issue] = ("context", term, [])
    if not tags and lex.reference_re.search(r.text):
        for k in range(int(st["sentence"]) - 1, int(st["sentence"]) - 4, -1):
            before = doc.sentence.get((st["article_id"], k))
            found = lex.occurrences(doc.sentence_text(st["article_id"], k)) if before else []
            if found:  # the first issue the sentence raises: what "the deal" refers to
                tags[found[0].issue] = ("context", found[0].term, [])
                break
    for occ in (lex.occurrences(context) if context else ()):
        if occ.issue not in tags:
            tags[occ.issue] = ("context", occ.term, [])
            if occ.contrary:  # "linked to an easing of sanctions" in the main clause
                r.context_contrary.add(occ.issue)
    return tags


def _before(st: dict, doc: _Document, speaker: bool = False) -> str:
    """The text of the statement's sentence before its speaker and cue (`speaker`: before its
    cue and content only, the speaker and what follows it included)."""
    fld, s0, _text = doc.sentence.get((st["article_id"], int(st["sentence"])), (None, 0, ""))
    field_text = doc.fields.get((st["article_id"], st["field"]), "")
    a = _own_span(st)[0]
    end = a if speaker else min(a, int(st["speaker_start"]))
    return field_text[s0:end] if fld == st["field"] else ""


def _question_issues(st: dict, r: _Read, doc: _Document, lex: _Lexicons) -> dict:
    """Issues of the question a statement answers, earlier in its sentence ("Asked whether a
    truce was agreed, Peskov said …")."""
    before = _before(st, doc)
    m = _ASKED.search(before)
    return lex.find_issues(before[m.start():]) if m else {}


# a pronoun object or "do so" that points back at what the sentence said before the statement
_ANAPHOR = re.compile(r"(?<![\w’'])(?:(?:for|on|to|against|of|with|about)\s+it|do(?:ing)?\s+so|"
                      r"do\s+that)(?![\w’'])", re.IGNORECASE)


def _antecedent_issues(st: dict, doc: _Document, lex: _Lexicons) -> dict:
    """Issues of the sentence before the statement when its content points back with "for it"
    or "do so" ("studied the peace proposal but said Russia is against it", "with
    the envoy glad to do so")."""
    return lex.find_issues(_before(st, doc, speaker=True))


def _target(st: dict, r: _Read) -> str | None:
    """Who the statement's demand, support or criticism is aimed at: the addressee between cue
    and content ("urged Europe to ..."), else the actor the content makes act ("Ukraine must
    withdraw"), else the first other actor the content names. Never the speaker or its side."""
    own = {st["speaker"], r.speaker.side}
    others = [(a, b, actor) for a, b, actor, side in r.speaker.mentions
              if actor not in own and (side or actor) not in own]
    c0, c1 = int(st["content_start"]) + r.shift, int(st["content_end"]) + r.shift
    cue_end = int(st["cue_end"]) + r.shift
    addressee = [x for x in others if cue_end <= x[0] < c0]
    if addressee:
        return addressee[0][2]
    inside = [x for x in others if c0 <= x[0] < c1]
    for _a, b, actor in inside:
        if _TARGET_MODAL.match(r.text[b:b + 30]):
            return actor
    return inside[0][2] if inside else None


def _decision(decided: dict, statement) -> tuple | None:
    """A statement's own stance, worked out when first asked for (None: no such statement)."""
    value = decided.get(statement)
    if callable(value):
        value = decided[statement] = value()
    return value


def _statement_rows(st: dict, doc: _Document, lex: _Lexicons, decided: dict,
                    context: str, others: tuple = (), blank: tuple = ()) -> list[tuple]:
    """The stance rows of one statement (its own issues, then the stances it reports).
    `others`: field spans of positions its content ascribes to other actors, from the holder
    to the end of what is held (not the speaker's: blanked, their issue terms not its own);
    `blank`: field spans of cue words that are another actor's ("the Kremlin's list of
    demands": the demand is not the speaker's)."""
    r = _Read(st, doc, lex)
    r.others = tuple((a + r.shift, b + r.shift) for a, b in others)
    for a, b in (*r.others, *((a + r.shift, b + r.shift) for a, b in blank)):
        a, b = max(0, a), max(0, b)
        r.reading = r.reading[:a] + " " * (b - a) + r.reading[b:]
    cue_end, c0 = int(st["cue_end"]) + r.shift, int(st["content_start"]) + r.shift
    parent = None if _missing(st["parent"]) else int(st["parent"])
    gap = r.text[cue_end:c0] if cue_end < c0 else ""

    def decide() -> tuple:  # the statement's own stance (for its issues and its children)
        full = {**st, "reader_side": r.side, "gap": gap}
        return classify(full, lex, _decision(decided, parent), _blank(r.reading, r.excluded))

    decided[st["statement"]] = decide
    tags = _issue_tags(st, r, doc, lex, context)
    if not tags and not r.raises:  # nothing raised, nothing reported
        return []
    number = st["statement"]

    def base() -> tuple:  # the statement's own stance; its sentiment rule costs a TextBlob pass
        return _decision(decided, number)

    st = {**st, "reader_side": r.side, "gap": gap}
    title = TITLE_WEIGHT if st["field"] == "title" else 1.0
    rows = []
    for issue in sorted(tags, key=lex.rank.__getitem__):
        source, term, occs = tags[issue]
        stance, rule, conf, occ = _issue_stance(st, lex, r, occs, base) if occs else (
            *base(), None)
        if issue == "territory" and occs:
            stance, rule, conf = _on_territory(st, lex, r, occs, (stance, rule, conf))
        if (occ.contrary if occ is not None else issue in r.context_contrary) and (
                stance in CONTRARY):
            which = occ.term if occ is not None else term
            stance, rule = CONTRARY[stance], f"{rule}+contrary:{which.lower()}"
        if issue == EXCHANGED and stance == "supports" and (swap := _exchange(occs, tags)):
            stance, rule = "demands", f"{rule}+in-exchange-for:{swap}"
        target = None if stance == "neutral" else _target(st, r)
        weight = conf * (1.0 if source == "statement" else CONTEXT_WEIGHT) * title
        rows.append((st["article_id"], st["statement"], st["sentence"], st["speaker"], issue,
                     lex.labels[issue], source, term, stance, target, rule, conf,
                     round(weight, 3), st["cue"], st["cue_class"], st["content"]))
    return rows + _reported_rows(st, lex, r, title)


EXCHANGED, GIVEN = "security_guarantees", "nato"


def _exchange(occs: list, tags: dict) -> str | None:
    """Neutrality offered with guarantees in one statement ("neutral status under international
    guarantees", "will not join the alliance, but wants its security guaranteed"): the
    guarantees are what the neutrality is offered for, so backing the offer demands them
    (data/issues.yml, security_guarantees). The contrary term, else None."""
    given = [o for o in tags.get(GIVEN, ("", "", []))[2] if o.contrary]
    return given[0].term.lower() if given and occs else None


def _on_territory(st: dict, lex: _Lexicons, r: _Read, occs: list, found: tuple) -> tuple:
    """The territory stance read as concessions by side (roles.concession), unless a
    condition of the speaker's demands it; a mere tone or approval is no stance on concessions
    (neutral, rule `territory:no-concession(...)`)."""
    stance, rule, _ = found
    t = roles.concession(r.reading, r.spans, lex.markers["concession"], [o.start for o in occs],
                         lex.markers["dismissive"], r.speaker, st["cue_class"],
                         bool(st["negated"]), r.excluded, int(st["content_start"]) + r.shift)
    if t is not None and not (stance == "demands" and rule.startswith("condition")):
        return _emphatic((*t, 0.7), st["cue_class"])
    if t is None and re.sub(r"^(?:parent:)+", "", rule).startswith(_WEAK_ON_TERRITORY):
        return "neutral", f"territory:no-concession({rule})", 0.3
    return found


def _reported_rows(st: dict, lex: _Lexicons, r: _Read, title: float) -> list[tuple]:
    """One row per stance the statement reports for another actor and issue of its object
    (confidence 0.5, weight 0.5)."""
    rows = []
    for rep in r.reported:
        found = lex.find_issues(r.reading[rep.object_start:rep.clause[1]])
        for issue in sorted(found, key=lex.rank.__getitem__):
            rows.append((st["article_id"], st["statement"], st["sentence"], rep.actor, issue,
                         lex.labels[issue], "statement", found[issue], rep.stance, None,
                         f"reported:{rep.predicate} (by {st['speaker']})", 0.5,
                         round(REPORTED_WEIGHT * title, 3), st["cue"], st["cue_class"],
                         st["content"]))
    return rows


def stances(statements: pd.DataFrame, sentences: pd.DataFrame,
            issues: str | Path | None = None, markers: str | Path | None = None,
            mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per statement × issue with stance, target, rule, confidence and weight (module
    doc), plus one per stance a statement reports for another actor, plus the positions the
    narration ascribes to actors (`basis` narration, `statement` -1, -2, ... per article; see
    `stance.narration` and `_narration_rows`). `mentions` (actor mentions) give targets, sides,
    reported and narrated holders.

    Statements that raise no issue get no row. `weight` = confidence, times 0.6 when the issue
    comes from the context or a question rather than the statement itself.
    """
    lex = _lexicons(issues, markers)
    if sentences is None or len(sentences) == 0:
        return schema.empty("stances")
    doc = _Document(sentences, mentions)
    spans = narration.sentence_spans(doc)
    raised = narration.Prefilter(doc, lex, spans)
    narrated = narration.positions(doc, lex, spans, raised)
    compiled = _reporting()
    by_sentence: dict[tuple, list[dict]] = {}
    statements = statements if statements is not None else schema.empty("statements")
    columns = [c for c in statements.columns if c not in _UNREAD]
    for values in zip(*(_plain(statements[c]) for c in columns)):  # faster than to_dict
        st = dict(zip(columns, values))
        by_sentence.setdefault((st["article_id"], int(st["sentence"])), []).append(st)
    rows, narrated_rows = [], []
    for (aid, sn), group in sorted(by_sentence.items(), key=lambda kv: kv[0]):
        if not _may_raise(raised, aid, sn, group):
            continue  # no issue term, no reference, no context that has one: no row
        group.sort(key=lambda st: st["statement"])
        numbered = {st["statement"]: st for st in group}
        decided: dict[int, tuple] = {}
        here = narrated.get((aid, sn), [])
        starts = {n.cue_start for n in here}
        inner = [n for st in group if raised.within(aid, st["field"], int(st["content_start"]),
                                                    int(st["content_end"]))
                 for n in narration.nested(doc, st, compiled) if n.cue_start not in starts]
        if inner:
            here = narrated[(aid, sn)] = sorted(here + inner,
                                                key=lambda n: (n.cue_start, n.holder_start))
        for st in group:
            parent = None if _missing(st["parent"]) else numbered.get(int(st["parent"]))
            antecedent = "" if _missing(st["antecedent_sentence"]) else doc.sentence_text(
                aid, int(st["antecedent_sentence"]))
            context = " ".join(t for t in (_own_text(parent, doc) if parent else "", antecedent)
                               if t)
            theirs = [n for n in here if _inside(n, st) and not _own(n, st, doc)]
            # another actor's position in a neutral report is that actor's; an evaluative or
            # demanding cue takes a stance on it ("Russia rejected [Europe backs the plan]")
            others = tuple((n.holder_start, n.content_end) for n in theirs
                           if n.form == "subject" and st["cue_class"] in ("neutral", "emphatic"))
            blank = tuple((n.cue_start, n.cue_end) for n in theirs if n.form != "subject")
            rows.extend(_statement_rows(st, doc, lex, decided, context, others, blank))
    held = {(row[0], row[2], row[3], row[4]) for row in rows}  # article, sentence, holder, issue
    numbers: dict = {}
    for (aid, sn), items in sorted(narrated.items(), key=lambda kv: kv[0]):
        group = by_sentence.get((aid, sn), ())
        for n in items:
            if any((_overlaps_cue(n, st) or _inside(n, st)) and _own(n, st, doc)
                   for st in group):
                continue  # the attribution made it the holder's statement, or it is in one
            number = numbers.get(aid, -1)
            found = [row for row in _narration_rows(n, number, doc, lex)
                     if (aid, sn, row[3], row[4]) not in held]
            if found:  # one position, one row: the first narrated one in a sentence wins
                numbers[aid] = number - 1
                narrated_rows.extend(found)
                held.update((aid, sn, row[3], row[4]) for row in found)
    rows = _outweighed([(*row, "statement") for row in rows]
                       + [(*row, "narration") for row in narrated_rows])
    rows.sort(key=lambda row: (row[0], row[1], row[4], row[3]))  # article, statement, issue,
    # holder: sorted here, cheaper than a DataFrame sort on every chunk
    return schema.conform("stances", pd.DataFrame(rows, columns=STANCE_COLUMNS))


_REPORTING: list = []  # [cue lexicon, (lexicon, its regex as a Scanner)]


def _reporting() -> tuple:
    """The reporting cues (attribution.cues.compiled) with their regex scanned through an
    automaton (stance.scan)."""
    forms, rx = reporting.compiled()
    if not _REPORTING or _REPORTING[0] is not forms:
        scanner = Scanner(forms)
        _REPORTING[:] = [forms, (forms, scanner if scanner.pattern == rx.pattern else rx)]
    return _REPORTING[1]


# statements columns no stance rule reads (the narrated positions have none of them either)
_UNREAD = frozenset(("speaker_text", "speaker_kind", "linked", "is_quote", "mode",
                     "antecedent_start", "antecedent_end"))


def _outweighed(rows: list[tuple]) -> list[tuple]:
    """A stance read from tone alone (rule `sentiment:`) is no stance where the same article
    states the holder's position on the issue by a rule: it becomes neutral (rule
    `outweighed(sentiment:...)`)."""
    ruled = {(row[0], row[3], row[4]) for row in rows
             if row[8] != "neutral" and "sentiment:" not in row[10]}
    out = []
    for row in rows:
        if "sentiment:" in row[10] and (row[0], row[3], row[4]) in ruled:
            row = (*row[:8], "neutral", None, f"outweighed({row[10]})", *row[11:])
        out.append(row)
    return out


def _may_raise(raised: narration.Prefilter, aid, sn: int, group: list[dict]) -> bool:
    """Can a statement of this sentence raise an issue: a term or reference in its sentence
    (the question it answers), its own text (which may run over several sentences) or its
    context sentence?"""
    if (aid, sn) in raised.sentences:
        return True
    for st in group:
        a, b = _own_span(st)
        ante = st["antecedent_sentence"]
        if raised.within(aid, st["field"], a, b) or (
                not _missing(ante) and (aid, int(ante)) in raised.sentences):
            return True
    return False


def _narration_rows(n: narration.Narrated, number: int, doc: _Document, lex: _Lexicons
                    ) -> list[tuple]:
    """The stance rows of one narrated position (weight x NARRATION_WEIGHT)."""
    st = n.statement(number, doc.fields.get((n.article_id, n.field), ""))
    out = []
    for row in _statement_rows(st, doc, lex, {}, ""):
        row = list(row)
        row[12] = round(row[12] * NARRATION_WEIGHT, 3)
        out.append(tuple(row))
    return out


def _inside(n: narration.Narrated, st: dict) -> bool:
    """Is the narrated cue inside the statement's content?"""
    return n.field == st["field"] and int(st["content_start"]) <= n.cue_start < int(
        st["content_end"])


def _overlaps_cue(n: narration.Narrated, st: dict) -> bool:
    return n.field == st["field"] and n.cue_start < int(st["cue_end"]) and int(
        st["cue_start"]) < n.cue_end


def _own(n: narration.Narrated, st: dict, doc: _Document) -> bool:
    """Is the narrated holder the statement's speaker or its side?"""
    side = st.get("speaker_side")
    side = side if isinstance(side, str) and side else doc.side(st["speaker"])
    return n.holder in (st["speaker"], side) or doc.side(n.holder) == st["speaker"]


def _plain(column: pd.Series) -> list:
    """A column's values as plain Python objects, pd.NA as None: a dict of such values is not
    tracked by the cycle collector, which then has 35,000 fewer statements to walk through at
    each full collection (1,000 generated articles: ~0.1 s less)."""
    values = column.tolist()
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and column.hasnans:
        values = [None if v is pd.NA else v for v in values]
    return values


def _missing(value) -> bool:
    """`pd.isna` of one value of the statements table (None, NaN, pd.NA), without its cost."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _own_text(st: dict, doc: _Document) -> str:
    a, b = _own_span(st)
    return doc.fields.get((st["article_id"], st["field"]), "")[a:b]
