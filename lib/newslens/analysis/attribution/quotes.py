"""Quotations over a whole article field: a quotation may run over several sentences, and over
several paragraphs when each continued paragraph opens with a quotation mark again (the news
convention: no closing mark at the end of a continued paragraph)."""

from __future__ import annotations

import re

_OPEN = {"“": "”", "«": "»", '"': '"'}
_CLOSE = {"”", "»"}


def field_text(sentences: list[tuple[int, int, str, int]]) -> str:
    """The field rebuilt from its sentences (start, end, text, paragraph): sentences at their
    offsets, a newline between paragraphs, spaces elsewhere."""
    pieces, pos, last_par = [], 0, None
    for start, end, text, par in sentences:
        newline = last_par is not None and par != last_par and start > 0
        if start < pos or end != start + len(text) or newline and start == pos:
            return _field_buffer(sentences)  # out of order or touching: write them over
        gap = start - pos
        pieces.append(" " * (gap - 1) + "\n" if newline else " " * gap)
        pieces.append(text)
        pos, last_par = end, par
    return "".join(pieces)


def _field_buffer(sentences: list[tuple[int, int, str, int]]) -> str:
    size = max(end for _, end, _, _ in sentences)
    buf = [" "] * size
    last_par = None
    for start, _end, text, par in sentences:
        if last_par is not None and par != last_par and start > 0:
            buf[start - 1] = "\n"
        buf[start:start + len(text)] = text
        last_par = par
    return "".join(buf)


_MARKS = re.compile(r'[“”«»"\n]')


def quote_regions(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of every quotation in a field: `text[open]` is the opening mark,
    `close` the closing mark's offset (or where the quotation stops unclosed)."""
    out: list[tuple[int, int]] = []
    opened, closer, skip_to = -1, "", -1
    n = len(text)
    for m in _MARKS.finditer(text):
        i, ch = m.start(), m.group()
        if i < skip_to:
            continue
        if opened < 0:
            if ch in _OPEN and (ch != '"' or _opens_straight(text, i)):
                opened, closer = i, _OPEN[ch]
        elif ch == closer or (ch in _CLOSE and closer != '"'):
            out.append((opened, i))
            opened = -1
        elif ch == "\n":
            j = i + 1
            while j < n and text[j] in " \t\n":
                j += 1
            if j < n and text[j] == text[opened]:
                skip_to = j + 1  # the quotation goes on in the next paragraph
            else:
                out.append((opened, i))
                opened = -1
    if opened >= 0:
        out.append((opened, n))
    return out


def _opens_straight(text: str, i: int) -> bool:
    """A straight quote opens a quotation when a word follows it."""
    return i + 1 < len(text) and not text[i + 1].isspace()


# Doubled apostrophes as quotation marks (''…,'' he said: older wire and archive text): an
# opening pair before a word, a closing pair after one.
_DOUBLED = re.compile(r"(?<![\w'’])(?:''|’’)(?=[^\s'’])|(?<=[^\s'’])(?:''|’’)(?![\w'’])")


def straight_quotes(text: str) -> str:
    """`text` with each doubled-apostrophe quotation mark written as a straight double quote
    and a space, the same length (offsets unchanged): `''We won,'' he said.` reads as
    ` "We won," he said.` An opening pair becomes space + quote, a closing pair quote + space,
    so the quote mark stays next to the quoted words."""
    if "''" not in text and "’’" not in text:
        return text
    return _DOUBLED.sub(_straight, text)


def _straight(m: re.Match) -> str:
    text, i = m.string, m.start()
    opening = i == 0 or not text[i - 1].strip() or text[i - 1] in "([{—–-"
    return ' "' if opening else '" '
