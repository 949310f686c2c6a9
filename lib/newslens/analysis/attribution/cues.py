"""The reporting-cue lexicon (data/reporting_verbs.yml): cue forms, their lemma, class and kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from newslens import lexicon
from newslens.lexicon import DataFileError, lexicon_regex

CUE_CLASSES = ("neutral", "emphatic", "positive", "negative", "demand")
CUE_KINDS = ("verbs", "phrases", "quote_only", "clause_only", "nouns")
IDIOMS = "idioms"  # fixed phrases in which a cue word reports nothing ("having said that")


@dataclass(frozen=True)
class Cue:
    """One reporting cue form: its lemma, class and kind (a section of the lexicon)."""

    lemma: str
    cls: str
    kind: str


def inflections(lemma: str) -> list[str]:
    """Regular English inflections of a verb lemma: lemma, -s, -ed, -ing forms."""
    if lemma.endswith("ee"):
        return [lemma, lemma + "s", lemma + "d", lemma + "ing"]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


def _phrase_forms(phrase: str) -> list[str]:
    head, _, rest = phrase.partition(" ")
    return [f"{form} {rest}".strip() for form in inflections(head)]


def _entry_forms(entry, kind: str, path: Path, where: str) -> tuple[str, list[str]]:
    """(lemma, forms) of one YAML entry; raises DataFileError naming the entry when malformed."""
    if isinstance(entry, str):
        spellings = [s.strip().lower() for s in entry.split("/") if s.strip()]
        if not spellings:
            raise DataFileError(path, "empty entry", where)
        if kind in ("phrases", "nouns"):
            return spellings[0], spellings
        return spellings[0], [f for s in spellings for f in _phrase_forms(s)]
    if isinstance(entry, dict) and len(entry) == 1:
        (lemma, forms), = entry.items()
        if not isinstance(lemma, str) or not isinstance(forms, list) or not all(
            isinstance(f, str) and f.strip() for f in forms
        ):
            raise DataFileError(
                path, f"irregular entry must be 'lemma: [form, ...]', got {entry!r}", where)
        lemma = lemma.strip().lower()
        return lemma, [lemma] + [f.strip().lower() for f in forms]
    raise DataFileError(path, f"entry must be a string or 'lemma: [forms]', got {entry!r}", where)


def _parse_reporting_verbs(raw, path: Path) -> dict[str, Cue]:
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(path, f"expected a mapping with keys {', '.join(CUE_KINDS)}")
    raw = {k: v for k, v in raw.items() if k != IDIOMS}
    unknown = set(raw) - set(CUE_KINDS)
    if unknown:
        raise DataFileError(path, f"unknown section(s) {sorted(unknown)}; allowed: {CUE_KINDS}")
    cues: dict[str, Cue] = {}
    for kind, classes in raw.items():
        if not isinstance(classes, dict):
            raise DataFileError(path, "must map class -> list of entries", kind)
        for cls, entries in classes.items():
            if cls not in CUE_CLASSES:
                raise DataFileError(path, f"unknown class {cls!r}; allowed: {CUE_CLASSES}", kind)
            if not isinstance(entries, list):
                raise DataFileError(path, "must be a list of entries", f"{kind}.{cls}")
            for entry in entries:
                lemma, forms = _entry_forms(entry, kind, path, f"{kind}.{cls}")
                for form in forms:
                    _add_cue(cues, " ".join(form.split()), Cue(lemma, cls, kind), path)
    return cues


def _add_cue(cues: dict[str, Cue], form: str, cue: Cue, path: Path) -> None:
    old = cues.get(form)
    if old is not None and old != cue:
        raise DataFileError(path, f"listed twice ({old.kind}.{old.cls} {old.lemma!r} and "
                                  f"{cue.kind}.{cue.cls} {cue.lemma!r})", f"cue {form!r}")
    cues[form] = cue


def load_reporting_verbs(path: str | Path | None = None) -> dict[str, Cue]:
    """Every cue form (lowercase, single-spaced) -> Cue, from data/reporting_verbs.yml."""
    return lexicon.load(lexicon.resolve(path, "reporting_verbs.yml"), _parse_reporting_verbs)


def _compile_reporting_verbs(raw, path: Path) -> tuple[dict[str, Cue], re.Pattern]:
    cues = _parse_reporting_verbs(raw, path)
    return cues, lexicon_regex(cues)


def compiled(path: str | Path | None = None) -> tuple[dict[str, Cue], re.Pattern]:
    """The cue lexicon and its compiled regex (once per file content)."""
    return lexicon.load(lexicon.resolve(path, "reporting_verbs.yml"), _compile_reporting_verbs)


def _parse_idioms(raw, path: Path) -> re.Pattern | None:
    phrases = lexicon.string_list((raw or {}).get(IDIOMS) if isinstance(raw, dict) else None,
                                  path, IDIOMS, IDIOMS)
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(
        r"\s+".join(re.escape(w) for w in p.lower().split()) for p in phrases) + r")(?!\w)",
        re.IGNORECASE)


def idioms(path: str | Path | None = None) -> re.Pattern | None:
    """The `idioms` of data/reporting_verbs.yml as one regex: a cue inside one is no cue."""
    return lexicon.load(lexicon.resolve(path, "reporting_verbs.yml"), _parse_idioms)
