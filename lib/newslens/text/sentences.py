"""Sentence splitting for news text: headline + body sentences with exact character offsets.

nupunkt does the splitting (it ships its model and is fast). Its default model was trained on
legal and government text, so it is tuned for news here:

- its abbreviation list contains ~2,800 ordinary words ("met", "week", "victories") and names
  ("kerry") that would glue sentences together; alphabetic entries of 3+ letters are kept only
  when they are real abbreviations (`_KEEP_ABBREVS`), and a few missing ones ("Lt.") are added;
- a split after a title ("Gen.", "Sen.", "Lt."), after a month before a number ("Dec. 2") or
  after "No." before a number is undone;
- a split inside a quotation followed by its attribution (“Is it a deal?” Trump asked.) is undone;
- a sentence end without the space after it ("… said.The …", scraped pages) is a split;
- "a.m."/"p.m." followed by a capitalised word that is not a weekday, month or time zone ends
  a sentence ("at 5 p.m. Putin left.").

Paragraphs are lines: every non-empty line of the body is a paragraph, numbered from 1.

A "sentence" longer than `MAX_SENTENCE_CHARS` (text without sentence punctuation: lists, tables,
scraped navigation) is cut into pieces of at most that length at the last space before the
limit. Real news sentences stay far below it, and the per-sentence stages (attribution, stance,
territory) stay linear in article length instead of growing with the square of a run-on line.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from newslens import lexicon, schema

COLUMNS = schema.table("sentences").names

# Titles never end a sentence: a split right after one is always undone.
TITLES = lexicon.word_set("title_abbreviations")
MONTHS = lexicon.word_set("month_abbreviations")
_KEEP_ABBREVS = TITLES | MONTHS | lexicon.word_set("abbreviations_kept")
_ADD_ABBREVS = TITLES | lexicon.word_set("abbreviations_added")
# Two-letter entries of the model that are ordinary English words.
_DROP_SHORT = lexicon.word_set("not_abbreviations")

MAX_SENTENCE_CHARS = 1000

_LINE = re.compile(r"[^\r\n]+")
_LAST_WORD = re.compile(r"(?:^|[\s(\"“‘'])([A-Za-z]+)\.$")
_NEXT_CAP = re.compile(r"[A-Z]")
_NEXT_DIGIT = re.compile(r"\d")
_CLOCK_END = re.compile(r"\b[ap]\.m\.\s+(?=[A-Z])")
_CLOCK_NEXT_OK = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"|(?:[A-Z]{2,4}\b)|(?:[A-Z][a-z]+\s+time\b)"
)
# A sentence end glued to the next sentence: two lowercase letters, the mark (and a closing
# quote), then a capitalised word.
_GLUED = re.compile(r"(?<=[a-z]{2})[.!?][”\"’]?(?=[“\"‘]?[A-Z][a-z])")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[.!?]$")
# A quotation closed after a full stop, then only its attribution: "“… missing.” Trump said."
_QUOTE_PERIOD_END = re.compile(r"\.[”\"’']$")
_QUOTE_END = re.compile(r"[?!][”\"’']$")
_SPEECH_VERBS = "|".join(lexicon.words("quote_attribution_verbs"))
_BARE_ATTRIBUTION = re.compile(
    rf"(?:(?:[A-Z][\w’'.-]*\s+){{1,4}}|(?:[Hh]e|[Ss]he|[Tt]hey)\s+)(?:{_SPEECH_VERBS})\s*[.!?]")
_ATTRIBUTION = re.compile(
    rf"(?:[a-z]|[A-Z][\w’'.-]*\s+(?:[\w’'.-]+\s+){{0,3}}(?:{_SPEECH_VERBS})\b"
    rf"|(?:{_SPEECH_VERBS})\s)"
)


@lru_cache(maxsize=1)
def _tokenizer():
    """The nupunkt default model with its abbreviation list tuned for news (built once)."""
    import nupunkt

    tok = nupunkt.load_default_model()  # a fresh object: editing it affects no other user
    abbrevs = tok._params.abbrev_types
    for abbrev in list(abbrevs):
        if abbrev.isalpha() and (
            (len(abbrev) >= 3 and abbrev not in _KEEP_ABBREVS) or abbrev in _DROP_SHORT
        ):
            abbrevs.discard(abbrev)
    abbrevs.update(_ADD_ABBREVS)
    tok.clear_decision_cache()
    return tok


def _should_merge(line: str, prev_end: int, next_start: int) -> bool:
    """Whether the split between two sentences of `line` is a known mis-split."""
    head = line[max(0, prev_end - 40):prev_end]
    nxt = line[next_start:next_start + 1]
    m = _LAST_WORD.search(head)
    if m:
        word = m.group(1).lower()
        if word in TITLES and _NEXT_CAP.match(nxt):
            return True
        if (word in MONTHS or word == "no") and _NEXT_DIGIT.match(nxt):
            return True
    if _QUOTE_PERIOD_END.search(head) and _BARE_ATTRIBUTION.match(line, next_start):
        return True  # “… missing.” Trump said.
    return bool(_QUOTE_END.search(head) and _ATTRIBUTION.match(line, next_start))


def split_spans(line: str) -> list[tuple[int, int]]:
    """Tight (start, end) spans of the sentences of one paragraph (no surrounding whitespace)."""
    spans = []
    for start, end in _tokenizer().span_tokenize(line):
        # strip whitespace at both ends
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        if spans and _should_merge(line, spans[-1][1], start):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    if _GLUED.search(line):  # "… said.The …" (a page scraped without spaces) -> two sentences
        spans = [piece for span in spans for piece in _split_glued(line, *span)]
    if "m." in line:  # "at 5 p.m. Putin left." -> two sentences
        spans = [piece for span in spans for piece in _split_clock(line, *span)]
    if any(end - start > MAX_SENTENCE_CHARS for start, end in spans):
        spans = [piece for span in spans for piece in _split_long(line, *span)]
    return spans


def _split_glued(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of a span cut after a sentence end that lacks its space ("said.The next")."""
    out = []
    for m in _GLUED.finditer(line, start, end):
        word = _WORD_BEFORE.search(line, max(start, m.start() - 20), m.start() + 1)
        if word is not None and word.group(1).lower() in _KEEP_ABBREVS:
            continue
        out.append((start, m.end()))
        start = m.end()
    out.append((start, end))
    return out


def _split_long(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of at most MAX_SENTENCE_CHARS, cut at the last whitespace before the limit."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(line.rfind(" ", start + 1, limit + 1), line.rfind("\t", start + 1, limit + 1))
        cut = limit if cut <= start else cut
        piece_end = cut
        while piece_end > start and line[piece_end - 1].isspace():
            piece_end -= 1
        out.append((start, piece_end))
        start = cut
        while start < end and line[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def _split_clock(line: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for m in _CLOCK_END.finditer(line, start, end):
        if _CLOCK_NEXT_OK.match(line, m.end()):
            continue
        out.append((start, m.start() + len(m.group().rstrip())))
        start = m.end()
    out.append((start, end))
    return out


def sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: article_id, paragraph, sentence, start, end, text, field.

    Sentence 0 (paragraph 0) is the headline (field "title", offsets into the title; omitted
    when the title is empty). Body sentences have field "text", offsets into the body
    (`text[start:end]` is the sentence), paragraphs are the non-empty lines numbered from 1.
    """
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    aid_c, par_c, sen_c = cols["article_id"], cols["paragraph"], cols["sentence"]
    st_c, en_c, tx_c, fi_c = cols["start"], cols["end"], cols["text"], cols["field"]
    for aid, title, body in zip(articles["article_id"], articles["title"], articles["text"]):
        title = title if isinstance(title, str) else ""
        body = body if isinstance(body, str) else ""
        stripped = title.strip()
        if stripped:
            start = len(title) - len(title.lstrip())
            aid_c.append(aid)
            par_c.append(0)
            sen_c.append(0)
            st_c.append(start)
            en_c.append(start + len(stripped))
            tx_c.append(stripped)
            fi_c.append("title")
        n_sent = 1
        paragraph = 0
        for m in _LINE.finditer(body):
            line = m.group()
            if line.isspace():
                continue
            paragraph += 1
            offset = m.start()
            for start, end in split_spans(line):
                aid_c.append(aid)
                par_c.append(paragraph)
                sen_c.append(n_sent)
                st_c.append(offset + start)
                en_c.append(offset + end)
                tx_c.append(line[start:end])
                fi_c.append("text")
                n_sent += 1
    out = pd.DataFrame(cols, columns=COLUMNS)
    for c in ("paragraph", "sentence", "start", "end"):
        out[c] = out[c].astype("int64")
    return out
