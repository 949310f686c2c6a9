"""The statements table: sentences and mentions in, one row per attributed statement out."""

from __future__ import annotations

import bisect
import itertools
import re
from pathlib import Path

import pandas as pd

from newslens import lexicon, schema
from newslens.analysis.attribution import spans
from newslens.analysis.attribution.cues import Cue, compiled, idioms
from newslens.analysis.attribution.discourse import Discourse, Gazetteer, gazetteer
from newslens.analysis.attribution.forms import detect, inside_quote
from newslens.analysis.attribution.labels import labelled, mark_statements
from newslens.analysis.attribution.quotes import field_text, quote_regions, straight_quotes
from newslens.analysis.attribution.records import CueHit, Mention, Sentence, Statement
from newslens.text.actors import linked_only

STATEMENT_COLUMNS = schema.table("statements").names
_POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "hers", "theirs"}
_MARKS = re.compile(r":|\s[-–—]\s")
_HEADLINE_END = tuple(".!?…”\"»)")
_TIME_WORDS = frozenset(lexicon.words("months") + lexicon.words("month_abbreviations") + (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "tonight", "yesterday", "tomorrow", "morning", "afternoon", "evening", "night", "day",
    "week", "weekend", "month", "year", "earlier", "later", "recently", "now", "this", "last",
    "next", "on", "in", "at", "the", "late", "early", "local", "time"))
_TITLE_GENDER = {"mr.": "male", "mr": "male", "mrs.": "female", "mrs": "female",
                 "ms.": "female", "ms": "female", "miss": "female"}
_FUNCTION_WORDS = frozenset(("this", "last", "next", "on", "in", "at", "the", "late", "early",
                             "local"))


def sentence_statements(s: Sentence, cues: dict[str, Cue], regex: re.Pattern,
                        spans_found: list[tuple[int, int]] | None = None,
                        idiom: re.Pattern | None | bool = True) -> list[Statement]:
    """The statements of one sentence, offsets relative to it (`spans_found`: the cue regex's
    match spans in it, when already known; `idiom`: the idioms regex, True to load it)."""
    text = s.text
    hits = cue_spans(regex, text) if spans_found is None else spans_found
    if idiom is True:
        idiom = idioms()
    words = _idiom_words(idiom)
    for a, b in hits:
        written = text[a:b]
        low = written.lower()
        if s.quotes and inside_quote(s, a) or _part_of_name(s, a, b) or low in words and _in_idiom(
                idiom, text, a, b):
            continue
        cue = cues.get(low if low.isalpha() else " ".join(low.split()))  # forms single-spaced
        if cue is None:
            continue
        st = detect(s, CueHit.of(a, b, written, cue))
        if st is not None:
            s.found.append(st)
    s.found.extend(mark_statements(s))
    return finish(s, s.found)


def _in_idiom(idiom: re.Pattern, text: str, a: int, b: int) -> bool:
    """The cue at a:b is inside an idiom ("having said that"); call it only when the cue is one
    of `_idiom_words(idiom)`."""
    m = idiom.search(text, max(0, a - 24), min(len(text), b + 24))
    while m is not None:
        if m.start() <= a < m.end():
            return True
        m = idiom.search(text, m.end(), min(len(text), b + 24))
    return False


_IDIOM_WORDS: dict[str, frozenset] = {}


def _idiom_words(idiom: re.Pattern | None) -> frozenset:
    """The words of the idioms (a cue that is none of them is in no idiom; none without
    idioms), made once per regex (keyed by its pattern string, whose hash Python keeps: a
    Pattern object hashes its whole compiled code on every lookup)."""
    if idiom is None:
        return frozenset()
    words = _IDIOM_WORDS.get(idiom.pattern)
    if words is None:
        words = _IDIOM_WORDS[idiom.pattern] = frozenset(
            re.findall(r"[a-z]+", idiom.pattern.replace("\\s", " ").lower()))
    return words


_CASE_EXCEPTIONS = ("İ", "ı", "ſ")  # match an ASCII letter case-insensitively, lower() does not
_CASED: dict[str, re.Pattern] = {}


def cue_spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    """(start, end) of every match of the case-insensitive cue regex in `text`: the same regex
    without IGNORECASE run on the lower-cased text (faster) when lowering keeps every offset
    and every case-insensitive match."""
    low = text.lower()
    if not text.isascii() and (len(low) != len(text) or any(c in text for c in _CASE_EXCEPTIONS)):
        return [m.span() for m in regex.finditer(text)]
    cased = _CASED.get(regex.pattern)
    if cased is None:
        cased = _CASED[regex.pattern] = re.compile(regex.pattern, regex.flags & ~re.IGNORECASE)
    return [m.span() for m in cased.finditer(low)]


def _part_of_name(s: Sentence, a: int, b: int) -> bool:
    """A capitalised cue inside a name ("the United States"): covered by a mention, or
    capitalised in running text (not first in the sentence, not a headline)."""
    for m in s.mentions:
        if m.start < b and a < m.end:
            return True
    if not s.text[a].isupper():
        return False
    before = s.text[:a]
    if _WORD_CHAR.search(before) is None:
        return False
    if not s.headline:
        return True
    word = s.text[a:b].split()[0]
    rest = s.text[b:].lstrip()
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and \
            rest[:1].isupper() and word != "States":
        return False  # a title-case headline's present tense: "Pence Announces Plans"
    # in a title-case headline a verb follows a name the gazetteer knows, or a lowercase word
    prev = _LAST_WORD.search(before)
    return prev is not None and prev.group(1)[0].isupper() and not any(
        m.end == prev.end(1) for m in s.mentions)


_WORD_CHAR = re.compile(r"\w")
_LAST_WORD = re.compile(r"(\S+)\s*$")


_TIME_TOKENS = re.compile(r"[a-z]+|\d+")


def _only_time(text: str) -> bool:
    """Only a date or time expression ("Monday", "on Tuesday evening") or a bare preposition."""
    if len(text) > 40:
        return False
    words = _TIME_TOKENS.findall(text.lower())
    if not all(w in _TIME_WORDS or w.isdigit() for w in words):
        return False
    return any(w not in _FUNCTION_WORDS for w in words) or all(w in ("on", "in", "at")
                                                               for w in words)


def finish(s: Sentence, found: list[Statement]) -> list[Statement]:
    """Cut each indirect content before the next statement's clause, drop empty or date-only
    contents."""
    out = []
    text, s0 = s.field_text, s.s0
    for i, st in enumerate(found):
        c0, c1 = st.content_start + s0, st.content_end + s0
        if not st.direct:
            for nxt in found[i + 1:]:
                if c0 < nxt.clause + s0 < c1:
                    c1 = nxt.clause + s0
                    break
        if st.direct:
            while c1 > c0 and text[c1 - 1] in " ,.":
                c1 -= 1
        else:
            c0, c1 = spans.strip(text, c0, c1)
        if c1 <= c0 or c1 - c0 <= 40 and _only_time(text[c0:c1]):
            continue
        st.content_start, st.content_end, st.content = c0 - s0, c1 - s0, text[c0:c1]
        # QUOTE_SPAN finds a quotation in the content exactly when an opening mark is in it
        c = st.content
        st.is_quote = st.direct or "“" in c or '"' in c or "«" in c
        st.negated = bool(spans.NEGATION.search(s.text, max(0, st.hit.start - 12),
                                                st.hit.start))
        out.append(st)
    return out


# ---------------------------------------------------------------- inputs per article
def _mentions_by_sentence(mentions: pd.DataFrame | None, articles: set) -> dict:
    """article_id -> sentence -> [(start, end, actor, kind, mention_type, text)] (field
    offsets)."""
    by_sentence: dict = {}
    if mentions is None or not len(mentions):
        return by_sentence
    ms = mentions[mentions["article_id"].isin(articles)]
    kinds = ms["kind"] if "kind" in ms else pd.Series("", index=ms.index)
    for aid, sn, start, end, actor, no_actor, kind, mtype, mtext in zip(
        ms["article_id"].tolist(), ms["sentence"].tolist(), ms["start"].tolist(),
        ms["end"].tolist(), ms["actor_id"].tolist(), ms["actor_id"].isna().tolist(),
        kinds.tolist(), ms["mention_type"].tolist(), ms["text"].tolist(),
    ):
        by_sentence.setdefault(aid, {}).setdefault(sn, []).append(
            (int(start), int(end), None if no_actor else actor, str(kind), str(mtype),
             str(mtext)))
    return by_sentence


def _unlinked_persons(mentions: pd.DataFrame | None, articles: set) -> dict:
    """article_id -> sentence -> [(start, end, key, text)] of the unlinked person names of the
    mention table (`linked` False, kind person): people the pronouns may refer to."""
    out: dict = {}
    if mentions is None or not len(mentions) or "linked" not in mentions.columns:
        return out
    ms = mentions[~mentions["linked"].to_numpy(dtype=bool)]
    ms = ms[(ms["kind"] == "person") & ms["article_id"].isin(articles)]
    for aid, sn, start, end, key, text in zip(
            ms["article_id"].tolist(), ms["sentence"].tolist(), ms["start"].tolist(),
            ms["end"].tolist(), ms["actor_id"].tolist(), ms["text"].tolist()):
        if isinstance(key, str) and key:
            out.setdefault(aid, {}).setdefault(sn, []).append(
                (int(start), int(end), key, str(text)))
    return out


def _sentence_mentions(raw: list, text: str, s0: int) -> list[Mention]:
    """Mentions of one sentence, relative to it, with their possessive flag."""
    out = []
    new = tuple.__new__  # Mention(...) without the named tuple's Python-level __new__
    for start, end, actor, kind, mtype, mtext in sorted(raw):
        after = text[end - s0:end - s0 + 2]
        possessive = after in ("'s", "’s") or mtext.endswith(("'s", "’s")) or (
            mtype == "pronoun" and mtext.lower() in _POSSESSIVE_PRONOUNS)
        out.append(new(Mention, (start - s0, end - s0, actor, kind, mtype, mtext, possessive)))
    return out


_ROW_FIELDS = (
    "article_id", "sentence", "statement", "field", "form", "speaker", "speaker_text",
    "speaker_kind", "linked", "speaker_side", "speaker_start", "speaker_end", "cue", "cue_lemma",
    "cue_class", "cue_start", "cue_end", "content", "content_start", "content_end", "is_quote",
    "mode", "negated", "parent", "antecedent_sentence", "antecedent_start", "antecedent_end")


def _row(aid, sn, field, s0, n: int, st: Statement, numbers: dict,
         original: str | None = None) -> tuple:
    """One statement as a tuple in the order of _ROW_FIELDS (`original`: the field as written,
    when the stage read its quotation marks anew: the content is taken from it)."""
    sp, hit = st.speaker, st.hit
    content = st.content if original is None else \
        original[st.content_start + s0:st.content_end + s0]
    ante = sp.antecedent if st.form == "group" else None
    return (
        aid, sn, n, field, st.form, sp.key, sp.text, sp.kind, sp.linked, sp.side,
        sp.start + s0, sp.end + s0, hit.text, hit.cue.lemma, hit.cue.cls,
        hit.start + s0, hit.end + s0, content, st.content_start + s0,
        st.content_end + s0, st.is_quote, st.mode, st.negated,
        numbers.get(id(st.parent)),
        None if ante is None else ante[0],
        None if ante is None else ante[1],
        None if ante is None else ante[2],
    )


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _remember(d: Discourse, ms: list[Mention], sn: int, s0: int) -> None:
    """Add a sentence's named mentions to the discourse (for pronouns, roles and groups)."""
    for m in ms:
        if m.actor is None or m.possessive or m.mtype == "pronoun":
            continue
        d.add_mention(sn, m.actor, (sn, m.start + s0, m.end + s0))


# A sentence that opens with a subject pronoun ("He inspected …", "Later he met …") goes on
# about the person it refers to: that person stays the topic for the pronouns after it.
_TOPIC_PRONOUN = re.compile(r"(?:[A-Z][a-z]+ly,?\s+|(?:Later|Then|Now|Afterwards|Meanwhile|"
                            r"Earlier|Still|But|And),?\s+)?(He|She|he|she)\s+[a-z]")


def _topic(d: Discourse, text: str, sn: int) -> None:
    """Record the referent of a sentence-opening he/she (without a statement) as the sentence's
    first entity: the subject chain that pronouns after it continue."""
    m = _TOPIC_PRONOUN.match(text)
    if m is None:
        return
    ref = d.pronoun(m.group(1).lower(), sn, [])
    if ref is not None:
        d.entities.append((sn, ref, None))


class _Article:
    """One article's sentences (title and body fields), mentions and discourse."""

    def __init__(self, aid, rows: list, by_sentence: dict, gaz: Gazetteer):
        self.aid, self.rows, self.by_sentence = aid, rows, by_sentence
        mentioned: dict[str, list[int]] = {}
        for sn, raw in by_sentence.items():
            for mention in raw:  # (start, end, actor, kind, mention_type, text)
                actor = mention[2]
                if actor is not None and mention[4] != "pronoun":
                    mentioned.setdefault(actor, []).append(sn)
        self.discourse = Discourse(gaz, mentioned)
        self.fields: dict[str, tuple[str, list, list]] = {}  # text, quotations, their ends
        for field in {r[5] for r in rows}:
            parts = [(r[3], r[3] + len(r[4]), r[4], r[6]) for r in rows if r[5] == field]
            text = field_text(parts)
            regions = quote_regions(text)
            self.fields[field] = (text, regions, [q1 for _, q1 in regions])
        self.discourse.text = self.fields.get("text", ("",))[0]
        self.originals: dict[str, str] = {}  # fields as written, where quotes were read anew
        for field in {r[5] for r in rows if r[4] is not r[9]}:
            self.originals[field] = field_text([(r[3], r[3] + len(r[9]), r[9], r[6])
                                                for r in rows if r[5] == field])
        self.title_letters: str | None = None
        self.title_len = len(self.fields.get("title", ("",))[0])
        sizes: dict = {}
        for r in rows:
            sizes[(r[5], r[6])] = sizes.get((r[5], r[6]), 0) + 1
        self.sizes = sizes

    def original(self, field: str) -> str | None:
        """The field as written when its quotation marks were read anew, else None."""
        return self.originals.get(field)

    def repeats_title(self, text: str) -> bool:
        """A body line that repeats the headline (scraped pages often do): counted once."""
        if self.title_letters is None:
            self.title_letters = _letters(self.fields.get("title", ("",))[0])
        return bool(self.title_letters) and abs(len(text) - self.title_len) < 8 and \
            _letters(text) == self.title_letters

    def sentence(self, sn, s0, text, field, paragraph, first: bool, ms) -> Sentence:
        ftext, regions, closes = self.fields[field]
        quotes = []  # the quotations that overlap the sentence (regions are in order)
        for i in range(bisect.bisect_left(closes, s0), len(regions)):
            q0, q1 = regions[i]
            if q0 >= s0 + len(text):
                break
            quotes.append((q0 - s0, q1 - s0))
        one = self.sizes[(field, paragraph)] == 1
        headline = field == "title" or (one and not text.rstrip().endswith(_HEADLINE_END))
        return Sentence(text, ms, quotes, sn, s0, ftext, headline, first, self.discourse)


def _article_rows(aid, group, by_sentence, cues, regex, gaz, rows: list,
                  persons: dict | None = None, idiom: re.Pattern | None = None) -> None:
    """Append the statement rows of one article (its sentences in order)."""
    group = [g for g in group if not g[1]]  # groupby drops missing article ids
    if not group:
        return
    by_sentence = by_sentence.get(aid, {})
    persons = (persons or {}).get(aid, {})
    art = _Article(aid, group, by_sentence, gaz)
    n, last_par, pending = 0, None, None
    for _aid, _na, sn, s0, text, field, paragraph, hit, matches, _raw in group:
        raw = by_sentence.get(sn)
        ms = _sentence_mentions(raw, text, s0) if raw else []
        first = (field, paragraph) != last_par
        last_par = (field, paragraph)
        label, pending = (pending if first and pending and pending[1] == field else None), None
        if (hit or label) and not (field == "text" and art.repeats_title(text)):
            s = art.sentence(sn, s0, text, field, paragraph, first, ms)
            found = sentence_statements(s, cues, regex, matches, idiom) if hit else []
            line = next((st for st in found if st.form == "label" and st.hit.cue.lemma
                         == "label"), None)
            if line is not None:  # "Defence ministry:" alone: the next paragraph is its
                found.remove(line)
                pending = (line, field, s0)
            if label is not None and not found:
                found = [labelled(s, label[0], label[2])]
            numbers: dict = {}
            for st in found:
                numbers[id(st)] = n
                rows.append(_row(aid, sn, field, s0, n, st, numbers, art.original(field)))
                art.discourse.add_speaker(sn, st.speaker)
                n += 1
        if field == "text" and (not art.discourse.speakers or art.discourse.speakers[-1][0]
                                != sn):
            _topic(art.discourse, text, sn)
        _remember(art.discourse, ms, sn, s0)
        for start, end, key, name in persons.get(sn, ()):
            gender = _TITLE_GENDER.get(text[max(0, start - s0 - 5):start - s0].strip().lower())
            art.discourse.add_person(sn, key, name, (sn, start, end), gender)


def statements(sentences: pd.DataFrame, mentions: pd.DataFrame,
               lexicon: str | Path | None = None, actors=None) -> pd.DataFrame:
    """One row per attributed statement (see the package docstring and STATEMENT_COLUMNS).

    Offsets (`speaker_*`, `cue_*`, `content_*`) are in the coordinates of the sentence's field,
    like the sentences and mentions tables; a quotation over several sentences has its content
    span over them. `parent` is the `statement` number of the main clause of a participial or
    coordinated statement; `antecedent_*` locate the group mention a group holder ("Many")
    refers to. `actors` is the gazetteer (None: data/actors.yml, a path, or a frame).
    """
    cues, regex = compiled(lexicon)
    idiom = idioms(lexicon)
    if sentences is None or len(sentences) == 0:
        return schema.empty("statements")
    gaz = gazetteer(actors)
    raw = sentences["text"].fillna("").tolist()
    texts = [straight_quotes(t) for t in raw]  # ''…'' quotation marks read as "…"
    # one pass of the cue regex over every sentence; its matches are kept for the detectors
    found = [cue_spans(regex, t) for t in texts]
    has_cue = pd.Series([bool(f) or _MARKS.search(t) is not None for f, t in zip(found, texts)],
                        index=sentences.index)
    hit_articles = set(sentences.loc[has_cue, "article_id"])
    if not hit_articles:
        return schema.empty("statements")
    sents = sentences[sentences["article_id"].isin(hit_articles)].sort_values(
        ["article_id", "sentence"], kind="stable")
    by_sentence = _mentions_by_sentence(linked_only(mentions), hit_articles)
    persons = _unlinked_persons(mentions, hit_articles)
    paragraphs = sents["paragraph"] if "paragraph" in sents else pd.Series(0, index=sents.index)
    rows: list[tuple] = []
    position = pd.Series(range(len(sentences)), index=sentences.index)
    at = position.loc[sents.index].tolist()
    matches = [found[i] for i in at]
    columns = zip(sents["article_id"].tolist(), sents["article_id"].isna().tolist(),
                  sents["sentence"].tolist(), sents["start"].tolist(),
                  [texts[i] for i in at], sents["field"].tolist(),
                  paragraphs.tolist(), has_cue.loc[sents.index].tolist(), matches,
                  [raw[i] for i in at])
    for aid, group in itertools.groupby(columns, key=lambda row: row[0]):
        _article_rows(aid, list(group), by_sentence, cues, regex, gaz, rows, persons, idiom)
    if not rows:
        return schema.empty("statements")
    frame = pd.DataFrame(rows, columns=list(_ROW_FIELDS))[STATEMENT_COLUMNS]
    out = schema.conform("statements", frame)
    return out.sort_values(["article_id", "statement"], kind="stable").reset_index(drop=True)


def mention_roles(mentions: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """"speaker" for mentions inside the speaker span of a statement and naming its speaker
    (or that are the group a holder refers to), else "target"; aligned with `mentions.index`."""
    roles = pd.Series("target", index=mentions.index, name="role", dtype="object")
    if len(mentions) == 0 or statements is None or len(statements) == 0:
        return roles
    spans_by: dict[tuple, list] = {}
    for a, f, s, e, who in zip(statements["article_id"], statements["field"],
                               statements["speaker_start"], statements["speaker_end"],
                               statements["speaker"]):
        spans_by.setdefault((a, f, who), []).append((int(s), int(e)))
    ante = statements.dropna(subset=["antecedent_start"])
    for a, f, s, e, who in zip(ante["article_id"], ante["field"], ante["antecedent_start"],
                               ante["antecedent_end"], ante["speaker"]):
        spans_by.setdefault((a, f, who), []).append((int(s), int(e)))
    fields = mentions["field"] if "field" in mentions else pd.Series("text", index=mentions.index)
    hit = [any(s0 <= int(s) and int(e) <= e0 for s0, e0 in spans_by.get((a, f, actor), ()))
           for a, f, s, e, actor in zip(mentions["article_id"], fields, mentions["start"],
                                        mentions["end"], mentions["actor_id"])]
    roles[pd.Series(hit, index=mentions.index)] = "speaker"
    return roles
