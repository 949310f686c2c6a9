"""Saved web pages (`.html`, `.htm`): the article's main text and metadata, via trafilatura.

trafilatura (maintained, offline, everything it needs ships in its PyPI package) finds the
main text of a page (navigation, ads, related links, footers and comments left out) and reads
the page's metadata (JSON-LD, OpenGraph, `<meta>` tags, `<title>`):

- `title`: the headline; `text`: the main text, one paragraph per line (a first line that only
  repeats the headline is dropped; a "main text" made only of page furniture, such as the
  navigation of a page without an article, counts as none);
- `published`: the publication date (from the metadata or the URL, never guessed from the text);
- `author`: the byline (an extra column); `source`: the site name, else the canonical URL's host;
- `url`: the canonical URL.

Encoding: a byte-order mark, else the charset the page declares (`<meta charset>`), else UTF-8,
else cp1252 (reported). A declared charset that does not fit the bytes is not trusted: bytes
that are valid UTF-8 (with multi-byte characters) under a declared 8-bit charset (`iso-8859-1`,
`windows-1251`) are decoded as UTF-8, and bytes the declared charset cannot decode fall back to
UTF-8, then cp1252; both are reported. A page that cannot be parsed, or has no main text, is
reported and skipped; it stops nothing else.
"""

from __future__ import annotations

import codecs
import logging
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from newslens.io import furniture

SUFFIXES = (".html", ".htm")
SKIPPED = "skipped"
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
                           re.IGNORECASE)
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability")


def decode_html(data: bytes) -> tuple[str, str | None]:
    """(text, problem or None): BOM, declared charset, UTF-8, then cp1252 (see module doc)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), None
    problem = None
    match = _META_CHARSET.search(data[:8192])
    if match:
        name = match.group(1).decode("ascii", "replace")
        try:
            codec = codecs.lookup(name).name
            utf8 = _utf8_not_ascii(data)
            if utf8 is not None and codec not in ("utf-8", "utf-8-sig"):
                # Valid UTF-8 with multi-byte characters is almost never legacy 8-bit text:
                # the declaration is wrong (a template's), decoding by it gives mojibake.
                return utf8, (f"page declares charset {name!r} but its bytes are UTF-8; "
                              "decoded as UTF-8")
            return data.decode(codec), None
        except LookupError:
            problem = f"unknown charset {name!r} declared"
        except UnicodeDecodeError:
            problem = f"not valid {name} as declared"
    try:
        return data.decode("utf-8"), problem
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    return text, (f"{problem}; " if problem else "") + "not valid UTF-8, decoded as cp1252"


def _utf8_not_ascii(data: bytes) -> str | None:
    """The text of `data` when it is valid UTF-8 with at least one multi-byte character."""
    if data.isascii():
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@contextmanager
def _quiet():
    """Extraction messages go to the load report, not to stderr (loggers restored after)."""
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def extract(page: str) -> dict | None:
    """Metadata and main text of an HTML page: {title, text, date, source, url, author}
    (missing ones absent), or None when the page has no main text."""
    import trafilatura

    with _quiet():
        doc = trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, deduplicate=False,
            date_extraction_params=dict(_DATE_PARAMS))
    if doc is None:
        return None
    text = (doc.text or "").strip()
    title = (doc.title or "").strip()
    if title and text.split("\n", 1)[0].strip() == title:
        text = text.split("\n", 1)[1].strip() if "\n" in text else ""
    if not text or furniture.only_furniture(text, title):
        return None  # nothing, or only navigation and prompts
    url = (doc.url or "").strip()
    source = (doc.sitename or "").strip() or (urlsplit(url).hostname or "" if url else "")
    record = {"title": title, "text": text, "date": doc.date, "source": source, "url": url,
              "author": (doc.author or "").strip()}
    return {k: v for k, v in record.items() if v}


def read_page(data: bytes, note) -> list[tuple[None, dict]]:
    """The article of one saved page as [(None, record)], or [] with the problem reported
    through `note(problem, action)` (the loader's load report)."""
    if not data.strip():
        note("empty file", SKIPPED)
        return []
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE,
                                                       codecs.BOM_UTF16_BE)):
        note("binary file, not an HTML page", SKIPPED)
        return []
    page, problem = decode_html(data)
    if problem:
        note(problem, "kept")
    try:
        record = extract(page)
    except Exception as err:  # noqa: BLE001 - one page's failure must not stop the load
        note(f"HTML extraction failed: {type(err).__name__}: {err}", SKIPPED)
        return []
    if record is None:
        note("no main text found in the page", SKIPPED)
        return []
    return [(None, record)]
