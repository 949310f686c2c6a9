"""Names the actor gazetteer does not know.

`newslens.text.unlinked.find_unlinked` finds, in one article field, the people and
organisations the gazetteer does not know (the mention table keeps them as unlinked mentions);
`unknown_entities` lists them over a corpus as gazetteer candidates, with the unknown places,
counts, an example sentence and, for people and organisations, a suggested `data/actors.yml`
entry.

A place candidate is a capitalised name sequence no mention covers. It is a place when it is a known
place (data/places.yml, the names of data/regions.yml, the capitals in data/actors.yml), ends
in a place word ("Oblast", "Sea") or mostly follows a locative word ("in", "the village of"); an
organisation when it has an organisation word ("Forces", "News") or is an acronym or CamelCase
name ("CSIS", "DeepState"); a person otherwise."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from newslens import lexicon
from newslens.lexicon import DataFileError
from newslens.text import actors as _actors
from newslens.text.unlinked import (  # noqa: F401 - the unlinked-name finder, importable here
    _NAMES_FILE,
    _ORG_WORDS,
    _OUTLET_WORDS,
    _PARTICLE_WORDS,
    _PARTICLES,
    _PLACE_WORDS,
    _SKIP_WORDS,
    Unlinked,
    _norm,
    _title_case,
    demonyms,
    find_unlinked,
    headline_spans,
    name_key,
    same_names,
    unlinked_key,
)

UNKNOWN_COLUMNS = ["entity", "category", "count", "n_articles", "example", "suggestion"]
CATEGORIES = ("person", "organisation", "place")
# a capitalised word; a possessive inside a name runs on ("Donetsk People's Republic")
_CAP = r"(?:[A-Z]\.)+(?:[A-Z]\.?)?|[A-Z](?:[\w-]|['’](?=[A-Z])|['’]s(?=[ \t]+[A-Z]))*"
_SEQUENCE = re.compile(rf"(?<![\w'’.])(?:{_CAP})(?:\s+(?:{_PARTICLES}\s+)*(?:{_CAP}))*")
_PLACE_CONTEXT = lexicon.word_set("place_context")
_PERSON_CONTEXT = lexicon.word_set("speaker_roles") | lexicon.word_set("title_words")
_SLUG = re.compile(r"[^a-z0-9]+")
_TOPONYM = re.compile("(?:" + "|".join(sorted(lexicon.words("toponym_endings"), key=len,
                                               reverse=True)) + ")$")


def _parse_places(doc, path: Path) -> frozenset[str]:
    doc = lexicon.mapping(doc, path, "lists of place names")
    names = set()
    for key, values in doc.items():
        names.update(_norm(v) for v in lexicon.string_list(values, path, str(key), "names"))
    return frozenset(names)


def known_places(path: str | Path | None = None) -> frozenset[str]:
    """Lower-case names of places: data/places.yml, data/regions.yml names, gazetteer capitals."""
    names = set(lexicon.load(lexicon.resolve(path, "places.yml"), _parse_places))
    try:
        from newslens.text.regions import load_regions

        for forms in load_regions()["names"]:
            names.update(_norm(f) for f in forms)
    except (DataFileError, FileNotFoundError):
        pass
    for caps in _actors.load_actors()["capitals"]:
        names.update(_norm(c) for c in caps)
    return frozenset(names)


@functools.lru_cache(maxsize=1)
def default_places() -> frozenset[str]:
    """`known_places()` of the default data files (read once)."""
    return known_places()


def unknown_entities(articles: pd.DataFrame, sentences: pd.DataFrame | None = None,
                     mentions: pd.DataFrame | None = None, actors=None) -> pd.DataFrame:
    """Candidates for the gazetteer (see UNKNOWN_COLUMNS): the unlinked people and
    organisations of the mention table (`linked` False: named with a title, a role, an
    organisation word, ...) and the capitalised names no mention covers that are places;
    count, n_articles, an example sentence and, for people and organisations, a suggested
    `data/actors.yml` entry. Sorted by count desc, then entity. Title-case headlines (and body
    lines like them) are skipped."""
    if sentences is None:
        from newslens.text.sentences import sentences as split

        sentences = split(articles)
    if mentions is None:
        mentions = _actors.actor_mentions(articles, sentences, actors)
    places = known_places()
    seen = _Candidates(_actors._gazetteer(actors), _covered(mentions), places)
    order = sentences.sort_values(["article_id", "sentence"], kind="stable")
    for aid, sent, s_start, text, field in zip(order["article_id"], order["sentence"],
                                               order["start"], order["text"], order["field"]):
        headline = field == "title" or not text.rstrip().endswith((".", "!", "?", "”", '"'))
        if isinstance(text, str) and not (headline and _title_case(text)):
            seen.scan(aid, int(sent), int(s_start), text)
    lower = set(re.findall(r"\b[a-z][a-z'’-]+\b", " ".join(order["text"].dropna())))
    found = seen.table(places, lower)
    found = found[found["category"] == "place"]
    out = pd.concat([_unlinked_table(mentions, sentences), found], ignore_index=True)
    out["count"] = out["count"].astype("int64")
    out["n_articles"] = out["n_articles"].astype("int64")
    return out.sort_values(["count", "entity"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)[UNKNOWN_COLUMNS]


def _unlinked_table(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per unlinked person or organisation of the mention table."""
    if "linked" not in mentions.columns:
        return pd.DataFrame(columns=UNKNOWN_COLUMNS)
    unl = mentions[~mentions["linked"].to_numpy(dtype=bool)]
    if unl.empty:
        return pd.DataFrame(columns=UNKNOWN_COLUMNS)
    texts = dict(zip(zip(sentences["article_id"], sentences["sentence"]), sentences["text"]))
    rows = []
    for key, g in unl.groupby("actor_id", sort=True):
        category = "person" if g["kind"].iloc[0] == "person" else "organisation"
        first = g.sort_values(["article_id", "sentence", "start"]).iloc[0]
        entity = str(g["actor"].value_counts().index[0])
        rows.append({"entity": entity, "category": category, "count": len(g),
                     "n_articles": g["article_id"].nunique(),
                     "example": texts.get((first["article_id"], first["sentence"]), ""),
                     "suggestion": suggestion(entity, category)})
    return pd.DataFrame(rows, columns=UNKNOWN_COLUMNS)


def _covered(mentions: pd.DataFrame) -> dict[tuple, list[tuple[int, int]]]:
    covered: dict[tuple, list[tuple[int, int]]] = {}
    for aid, sent, start, end in zip(mentions["article_id"], mentions["sentence"],
                                     mentions["start"], mentions["end"]):
        covered.setdefault((aid, int(sent)), []).append((int(start), int(end)))
    return covered


class _Candidates:
    """Counts, articles, example and context votes per candidate name."""

    def __init__(self, gaz, covered: dict, places: frozenset[str]):
        self.gaz, self.covered, self.places = gaz, covered, places
        self.prefixes = {" ".join(w.removesuffix("'s") for w in p.split()[:k])
                         for p in places for k in range(2, len(p.split()))}
        self.counts: dict[str, int] = {}
        self.articles: dict[str, set] = {}
        self.example: dict[str, str] = {}
        self.place_votes: dict[str, int] = {}
        self.person_votes: dict[str, int] = {}

    def scan(self, aid, sent: int, s_start: int, text: str) -> None:
        spans = [(a - s_start, b - s_start) for a, b in self.covered.get((aid, sent), [])]
        for m in _SEQUENCE.finditer(text):
            at_start = not text[:m.start()].strip(" “\"'‘(•-–—")
            for entity, start in _pieces(m, spans, at_start):
                if _actors._key(entity) in self.gaz.keys:
                    continue
                self.counts[entity] = self.counts.get(entity, 0) + 1
                self.articles.setdefault(entity, set()).add(aid)
                self.example.setdefault(entity, text)
                before = re.findall(r"[\w’'-]+", text[max(0, start - 30):start].lower())
                listed = re.search(r"([A-Z][\w’'-]+)(?:,\s*|\s+(?:and|or)\s+)$",
                                   text[max(0, start - 40):start])
                if before and before[-1] in _PLACE_CONTEXT or listed and (
                        _norm(listed.group(1)) in self.places):
                    self.place_votes[entity] = self.place_votes.get(entity, 0) + 1
                elif before and before[-1] in _PERSON_CONTEXT:
                    self.person_votes[entity] = self.person_votes.get(entity, 0) + 1

    def category(self, entity: str, places: frozenset[str]) -> str:
        words = entity.split()
        parts = [p for p in re.split(r"[-–]", _norm(entity)) if p]
        if _norm(entity) in places or _norm(entity) in self.prefixes \
                or words[-1] in _PLACE_WORDS or (len(parts) > 1 and any(p in places
                                                                      for p in parts)):
            return "place"
        if any(w in _ORG_WORDS for w in words) or _acronym(entity):
            return "organisation"
        place, person = self.place_votes.get(entity, 0), self.person_votes.get(entity, 0)
        if place > person and place * 2 >= self.counts[entity]:
            return "place"
        if len(words) == 1 and not person and _TOPONYM.search(entity.lower()):
            return "place"
        return "person"

    def table(self, places: frozenset[str], lower: set[str]) -> pd.DataFrame:
        """One row per candidate; a single word the corpus also writes in lower case is a
        common noun that stood first in a title or phrase ("Pressure", "West"), not a name."""
        names = [e for e in self.counts if " " in e or "-" in e or e.lower() not in lower]
        cats = [self.category(e, places) for e in names]
        out = pd.DataFrame({
            "entity": names, "category": cats, "count": [self.counts[e] for e in names],
            "n_articles": [len(self.articles[e]) for e in names],
            "example": [self.example[e] for e in names],
            "suggestion": [suggestion(e, c) for e, c in zip(names, cats)],
        }, columns=UNKNOWN_COLUMNS)
        out["count"] = out["count"].astype("int64")
        out["n_articles"] = out["n_articles"].astype("int64")
        return out.sort_values(["count", "entity"], ascending=[False, True],
                               kind="stable").reset_index(drop=True)


def _acronym(entity: str) -> bool:
    word = entity.replace(".", "")
    return len(entity.split()) == 1 and len(word) > 1 and (
        word.isupper() or re.search(r"[a-z][A-Z]", word) is not None)


def suggestion(entity: str, category: str) -> str:
    """A `data/actors.yml` entry to start from (empty for places)."""
    if category == "place":
        return ""
    slug = _SLUG.sub("_", entity.lower()).strip("_") or "actor"
    if not slug[0].isalpha():
        slug = "x_" + slug
    if category == "person":
        words = entity.split()
        aliases = [entity] + ([words[-1]] if len(words) > 1 else [])
        return (f"- {{id: {slug}, name: {entity}, kind: person, affiliation: null, "
                f"gender: null, aliases: [{', '.join(aliases)}]}}")
    kind = "outlet" if any(w in _OUTLET_WORDS for w in entity.split()) else "organization"
    return (f"- {{id: {slug}, name: {entity}, kind: {kind}, affiliation: null, gender: null, "
            f"aliases: [{entity}]}}")


def _pieces(m: re.Match, spans: list[tuple[int, int]], at_start: bool) -> list[tuple[str, int]]:
    """Split a capitalised sequence at known mentions and skip-words; keep name-like pieces
    (text, start offset in the sentence)."""
    tokens = [(t.start() + m.start(), t.end() + m.start(), t.group())
              for t in re.finditer(r"\S+", m.group())]
    pieces, current = [], []
    for i, (a, b, tok) in enumerate(tokens):
        known = any(a < e and s < b for s, e in spans)
        skip = tok in _SKIP_WORDS or tok.rstrip(".") in _SKIP_WORDS
        if known or (skip and not current):
            if current:
                pieces.append(current)
            current = []
            continue
        current.append((a, tok, i == 0 and at_start))
    if current:
        pieces.append(current)
    out = []
    for piece in pieces:
        while piece and piece[-1][1].lower() in _PARTICLE_WORDS:
            piece = piece[:-1]
        caps = [tok for _, tok, _ in piece if tok[0].isupper()]
        if not caps or (len(caps) == 1 and piece[0][2]):
            continue
        out.append((" ".join(tok for _, tok, _ in piece), piece[0][0]))
    return out
