"""The bytes of one file into text, with a precise reason whenever they are not plain UTF-8.

Order of decisions (each noted in the load report through `note(problem, action)`):
1. a byte-order mark decides: UTF-32 (checked before UTF-16, whose mark it starts with),
   UTF-8, UTF-16;
2. without a mark, a NUL-byte pattern of UTF-32 or UTF-16 (one byte in two, or three in four,
   is NUL or constant) is decoded as such when it decodes cleanly;
3. otherwise UTF-8, else cp1252 (Windows "ANSI"), else UTF-8 with U+FFFD replacements;
4. terminal colour codes (ANSI escape sequences) are removed;
5. control characters (NUL and the other C0 controls but tab, newlines and form feed) anywhere
   in the text: more than 1% of the characters means a binary file (skipped), fewer are
   removed.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Callable

SKIPPED = "skipped"
KEPT = "kept"
BINARY_CONTROL_SHARE = 0.01

# UTF-32 marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32-BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16-BE"),
]
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x1b: "ESC", 0x1a: "SUB", 0x7f: "DEL"}

Note = Callable[[str, str], None]


def decode(data: bytes, note: Note) -> str | None:
    """Text of a file's bytes, or None (noted) when the file is empty or binary."""
    if not data.strip():
        note("empty file", SKIPPED)
        return None
    notes: list[tuple[str, str]] = []
    add = lambda problem, action: notes.append((problem, action))
    text = _by_bom(data, add)
    if text is None:
        text = _by_nul_pattern(data, add)
    if text is None:
        text = _utf8_or_cp1252(data, add)
    text = _strip_ansi(text, add)
    text = _strip_controls(text, add)
    if text is None:  # binary: the decoding notes would only distract
        notes = notes[-1:]
    elif not text.strip():
        notes.append(("empty file", SKIPPED))
        text = None
    for problem, action in notes:
        note(problem, action)
    return text


def _by_bom(data: bytes, note: Note) -> str | None:
    """Text decoded by its byte-order mark (strict; else with U+FFFD, noted), or None."""
    matches = [(bom, codec, name) for bom, codec, name in _BOMS if data.startswith(bom)]
    for bom, codec, _ in matches:
        try:
            return data[len(bom):].decode(codec)
        except UnicodeDecodeError:
            continue
    if not matches:
        return None
    bom, codec, name = matches[0]
    body = data[len(bom):]
    try:
        body.decode(codec)
        position = 0
    except UnicodeDecodeError as err:
        position = err.start + len(bom)
    note(f"invalid {name} (after a byte-order mark) at byte {position}",
         "kept, bad bytes replaced with U+FFFD")
    return body.decode(codec, errors="replace")


def _by_nul_pattern(data: bytes, note: Note) -> str | None:
    """UTF-32/UTF-16 text without a byte-order mark, recognised by its byte pattern."""
    head = data[:8192]
    if len(head) < 8 or (b"\x00" not in head and _control_bytes(head) < len(head) // 4):
        return None
    for codec, name in _wide_candidates(head):
        size = 4 if "32" in codec else 2
        usable = len(data) - len(data) % size
        try:
            text = data[:usable].decode(codec)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text[:4096])) > BINARY_CONTROL_SHARE * min(len(text), 4096):
            continue
        note(f"no byte-order mark; decoded as {name} (by its NUL-byte pattern)", KEPT)
        if usable < len(data):
            note(f"{len(data) - usable} trailing byte(s) of an incomplete {name} character",
                 "kept, bytes dropped")
        return text
    return None


def _wide_candidates(head: bytes) -> list[tuple[str, str]]:
    """Codecs whose byte layout `head` shows: per byte position, one value dominates."""
    def dominated(step: int, offset: int) -> bool:
        column = head[offset::step]
        if not column:
            return False
        top = Counter(column).most_common(2)
        return sum(count for _, count in top) >= 0.9 * len(column) and top[0][0] < 0x20

    out = []
    if len(head) % 4 == 0 or len(head) >= 4096:
        if all(dominated(4, k) for k in (1, 2, 3)) and not dominated(4, 0):
            out.append(("utf-32-le", "UTF-32-LE"))
        if all(dominated(4, k) for k in (0, 1, 2)) and not dominated(4, 3):
            out.append(("utf-32-be", "UTF-32-BE"))
    if dominated(2, 1) and not dominated(2, 0):
        out.append(("utf-16-le", "UTF-16-LE"))
    if dominated(2, 0) and not dominated(2, 1):
        out.append(("utf-16-be", "UTF-16-BE"))
    return out


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\f\v")


def _control_bytes(data: bytes) -> int:
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _utf8_or_cp1252(data: bytes, note: Note) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        note("not valid UTF-8, decoded as cp1252", KEPT)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        note("undecodable bytes", "kept, bytes replaced with U+FFFD")
    return text


def _strip_ansi(text: str, note: Note) -> str:
    if "\x1b" not in text:
        return text
    cleaned, count = _ANSI.subn("", text)
    if count:
        note(f"{count} ANSI escape sequence(s) (terminal colours) removed", KEPT)
    return cleaned


def _strip_controls(text: str, note: Note) -> str | None:
    """Text without stray control characters; None (noted) when there are too many."""
    if not _CONTROL.search(text):
        return text
    found = _CONTROL.findall(text)
    names = ", ".join(_name(c) for c, _ in Counter(found).most_common(3))
    if len(found) > BINARY_CONTROL_SHARE * len(text):
        note(f"binary file ({len(found)} control characters such as {names})", SKIPPED)
        return None
    note(f"{len(found)} control character(s) removed ({names})", KEPT)
    return _CONTROL.sub("", text)


def _name(char: str) -> str:
    return _CONTROL_NAMES.get(ord(char), f"U+{ord(char):04X}")
