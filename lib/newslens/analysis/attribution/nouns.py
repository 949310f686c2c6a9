"""Head nouns of speaker noun phrases (data/speaker_nouns.yml): person, plural (group),
organisation, outlet and document nouns, with the regular plurals of the person nouns."""

from __future__ import annotations

from pathlib import Path

from newslens import lexicon
from newslens.lexicon import DataFileError

SECTIONS = ("person", "plural", "organisation", "outlet", "document", "quantifier", "epithet")
_IRREGULAR = {"man": "men", "woman": "women", "person": "people", "wife": "wives",
              "chief": "chiefs", "staff": "staff", "police": "police"}


def plural(noun: str) -> str:
    """The regular English plural of a noun ("ally" -> "allies", "congressman" -> "congressmen")."""
    for end, repl in _IRREGULAR.items():
        if noun == end or noun.endswith(end) and end in ("man", "woman", "person"):
            return noun[: len(noun) - len(end)] + repl
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x", "z")):
        return noun + "es"
    return noun + "s"


def _parse(doc, path: Path) -> dict[str, frozenset[str]]:
    if not isinstance(doc, dict):
        raise DataFileError(path, f"expected a mapping with keys {', '.join(SECTIONS)}")
    unknown = sorted(set(doc) - set(SECTIONS))
    if unknown:
        raise DataFileError(path, f"unknown section(s) {unknown}; allowed: {SECTIONS}")
    out = {}
    for name in SECTIONS:
        words = lexicon.string_list(doc.get(name, []), path, name, name)
        bad = next((w for w in words if w != w.lower() or not w.strip()), None)
        if bad is not None:
            raise DataFileError(path, f"nouns are lowercase words, got {bad!r}", name)
        out[name] = frozenset(w.strip() for w in words)
    out["plural"] = out["plural"] | frozenset(plural(w) for w in out["person"])
    return out


def speaker_nouns(path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Section -> nouns of data/speaker_nouns.yml (plural: also the person nouns' plurals)."""
    return lexicon.load(lexicon.resolve(path, "speaker_nouns.yml"), _parse)
