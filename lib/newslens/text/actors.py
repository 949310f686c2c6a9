"""Actor mentions: gazetteer matches (names, titles, references, demonyms, capitals), he/she
pronouns and the named people and organisations the gazetteer does not know, as one table.

Each article field (title, body) is scanned in one pass by the compiled gazetteer
(`newslens.text.gazetteer`); short forms go to the actor the article names in full,
descriptions to the candidate named last, he/she to the most recent person of that gender in
the same or the previous sentence; unlinked names come from `newslens.text.unlinked`. Matches
are mapped to sentences by offset (bisect).
"""

from __future__ import annotations

import re
from bisect import bisect_right

import pandas as pd

from newslens import schema
from newslens.text.gazetteer import (  # noqa: F401 - the gazetteer's names, kept importable here
    _INITIAL,
    ACTOR_COLUMNS,
    PRONOUNS,
    _Gazetteer,
    _gazetteer,
    _key,
    _normalise,
    _spaced,
    load_actors,
)

MENTION_COLUMNS = schema.table("mentions").names


# ---------------------------------------------------------------------------------------------
# Mentions


def actor_mentions(articles: pd.DataFrame, sentences: pd.DataFrame,
                   actors=None) -> pd.DataFrame:
    """One row per actor mention (see MENTION_COLUMNS), sorted by article_id, sentence, start.

    `sentences` are these articles' sentences (`newslens.sentences(articles)`); `actors` is
    None (data/actors.yml), a path to a gazetteer file, or a load_actors() frame.
    """
    gaz = _gazetteer(actors)
    from newslens.text import unknown

    places = unknown.default_places()
    by_article = _sentence_index(sentences)
    rows: list[tuple] = []
    sources = articles["source"].tolist() if "source" in articles else [None] * len(articles)
    for aid, title, body, source in zip(articles["article_id"].tolist(),
                                        articles["title"].tolist(), articles["text"].tolist(),
                                        sources):
        index = by_article.get(aid)
        if index is None:
            continue
        found = _resolve_venues(_resolve_short_forms(_gazetteer_found(gaz, index, title, body)))
        found += _unlinked_found(unknown, places, index, found, title, body, source)
        found = _relink(found, gaz)
        found.sort(key=lambda f: (f[0], f[1]))
        _resolve_descriptions(found)
        _article_rows(rows, aid, found, gaz.info)
    return _mention_frame(rows, gaz)


def _article_rows(rows: list, aid, found: list, info: list) -> None:
    """Append one article's mention rows: he/she resolved to the most recent person of that
    gender in the same or the previous sentence."""
    last_person: dict[int, list] = {}  # sentence -> [(actor_row, gender)], in order
    for sent, start, end, actor, mtype, field, text in found:
        if actor is None:
            continue
        if type(actor) is tuple:  # an unlinked actor: (key, name, kind)
            rows.append((aid, sent, start, end, actor, mtype, field, text))
            continue
        if mtype == "pronoun":
            gender = PRONOUNS[text.lower()]
            actor = _resolve(last_person, sent, gender)
            if actor is None:
                continue
        else:
            gender = info[actor][4]
            if gender is None or info[actor][2] != "person":
                rows.append((aid, sent, start, end, actor, mtype, field, text))
                continue
        last_person.setdefault(sent, []).append((actor, gender))
        rows.append((aid, sent, start, end, actor, mtype, field, text))


def _gazetteer_found(gaz: _Gazetteer, index: dict, title, body) -> list:
    """Gazetteer matches and he/she pronouns of one article as (sentence, start, end, actor
    row, mention type, field, text) entries."""
    found = []
    for field, text in (("title", title), ("text", body)):
        if not isinstance(text, str) or field not in index:
            continue
        starts, numbers = index[field]
        for start, end, actor, mtype in gaz.scan(text):
            i = bisect_right(starts, start) - 1
            if i < 0:
                continue
            found.append((numbers[i], start, end, actor, mtype, field, text[start:end]))
    return found


def _unlinked_found(unknown, places, index: dict, found: list, title, body, source) -> list:
    """Mentions of people and organisations the gazetteer does not know (see
    `newslens.text.unknown.find_unlinked`), later mentions of their names (a person's surname
    alone too) included, as `found` entries whose actor is (key, name, kind). The outlet that
    published the article (its `source`) is no actor of it."""
    fields = [(f, t) for f, t in (("title", title), ("text", body))
              if isinstance(t, str) and f in index]
    covered = {f: [(e[1], e[2]) for e in found if e[5] == f and e[4] != "pronoun"]
               for f, _ in fields}
    first = {f: unknown.find_unlinked(t, covered[f], places, unknown.headline_spans(t, f))
             for f, t in fields}
    publisher = re.sub(r"\W+", "", source.lower()) if isinstance(source, str) else ""
    if publisher:
        first = {f: [u for u in us if u.kind == "person"
                     or re.sub(r"\W+", "", u.name.lower()) not in publisher]
                 for f, us in first.items()}
    every = [u for f, _ in fields for u in first[f]]
    if not every:
        return []
    best: dict[str, str] = {}
    for u in every:  # the longest form of a name stands for it
        if len(u.name) > len(best.get(u.key, "")):
            best[u.key] = u.name
    out = []
    for f, t in fields:
        taken = covered[f] + [(u.start, u.end) for u in first[f]]
        starts, numbers = index[f]
        for u in first[f] + unknown.same_names(t, every, taken):
            i = bisect_right(starts, u.start) - 1
            if i >= 0:
                out.append((numbers[i], u.start, u.end, (u.key, best[u.key], u.kind), "name",
                            f, t[u.start:u.end]))
    return out


def _relink(found: list, gaz: _Gazetteer) -> list:
    """Unlinked people whose name is a gazetteer name once middle initials are left out ("John
    F. Doe" for "John Doe") are that actor, with every mention of them."""
    rows = {}
    for f in found:
        actor = f[3]
        if type(actor) is tuple and len(actor) == 3 and actor[2] == "person" and "." in actor[1]:
            plain = _key(" ".join(w for w in actor[1].split() if not _INITIAL.fullmatch(w)))
            if plain in gaz.person_names:
                rows[actor[0]] = gaz.person_names[plain]
    if not rows:
        return found
    return [(*f[:3], rows[f[3][0]], "name", *f[5:])
            if type(f[3]) is tuple and len(f[3]) == 3 and f[3][0] in rows else f for f in found]


def linked_only(mentions: pd.DataFrame | None) -> pd.DataFrame | None:
    """The mentions of gazetteer actors (rows with `linked` True; all rows of a table without
    the column). Statements, claims and quantities read these: an unlinked name is no claimant
    side and speaks through the statement rules, not through its mention."""
    if mentions is None or "linked" not in mentions.columns or mentions["linked"].all():
        return mentions
    return mentions[mentions["linked"].to_numpy(dtype=bool)]


def _resolve_venues(found: list) -> list:
    """A state named only as a place in an article ("talks in Saudi Arabia", "flew to the
    UAE") is no actor of it: its venue mentions are dropped. Named otherwise as well, every
    mention counts (as a name)."""
    venues = {f[3] for f in found if f[4] == "venue"}
    if not venues:
        return found
    actors = {f[3] for f in found if f[4] != "venue" and f[4] != "pronoun"}
    return [(*f[:4], "name", *f[5:]) if f[4] == "venue" else f for f in found
            if f[4] != "venue" or f[3] in actors]


def _resolve_short_forms(found: list) -> list:
    """Short forms ("Austin") resolved to the candidate the article names by a name (last
    before, else first after); dropped when it names none of them."""
    if not any(f[4] == "short" for f in found):
        return found
    found.sort(key=lambda f: (f[0], f[1]))
    named: dict[int, list[int]] = {}
    for i, f in enumerate(found):
        if f[4] == "name":
            named.setdefault(f[3], []).append(i)
    out = []
    for i, f in enumerate(found):
        if f[4] == "short":
            candidates = f[3][0]
            before = [(max(p for p in named[c] if p < i), c) for c in candidates
                      if any(p < i for p in named.get(c, ()))]
            after = [(min(named[c]), c) for c in candidates if c in named]
            if not before and not after:
                continue
            f = (*f[:3], max(before)[1] if before else min(after)[1], "name", *f[5:])
        out.append(f)
    return out


def _resolve_descriptions(found: list) -> None:
    """Replace each description's candidates by one actor row (in place): the candidate named
    last before it, else first after it, else the description's default (else None)."""
    named: dict[int, list[int]] = {}
    for i, f in enumerate(found):
        if f[4] not in ("description", "pronoun") and type(f[4]) is str:
            named.setdefault(f[3], []).append(i)
    nobody = []  # (field, start, end) of the descriptions that stand for nobody
    for i, f in enumerate(found):
        if f[4] != "description":
            continue
        (candidates, default) = f[3]
        before = [(max(p for p in named[c] if p < i), c) for c in candidates
                  if any(p < i for p in named.get(c, ()))]
        after = [(min(named[c]), c) for c in candidates if c in named]
        actor = max(before)[1] if before else min(after)[1] if after else default
        found[i] = (*f[:3], actor, "alias", *f[5:])
        if actor is None:
            nobody.append((f[5], f[1], f[2]))
    for i, f in enumerate(found):  # what a description holds counts when it stands for nobody
        if type(f[4]) is tuple:
            mtype = "name" if f[4][1] == "venue" else f[4][1]
            kept = mtype not in ("short", "description") and any(
                field == f[5] and a <= f[1] and f[2] <= b for field, a, b in nobody)
            found[i] = (*f[:3], f[3] if kept else None, mtype, *f[5:])


def _resolve(last_person: dict, sent: int, gender: str):
    for s in (sent, sent - 1):
        for actor, g in reversed(last_person.get(s, [])):
            if g == gender:
                return actor
    return None


def _sentence_index(sentences: pd.DataFrame) -> dict:
    """article_id -> field -> (sorted sentence starts, sentence numbers)."""
    index: dict = {}
    s = sentences.sort_values(["article_id", "field", "start"], kind="stable")
    for aid, field, start, num in zip(s["article_id"].tolist(), s["field"].tolist(),
                                      s["start"].astype("int64").tolist(),
                                      s["sentence"].astype("int64").tolist()):
        starts, numbers = index.setdefault(aid, {}).setdefault(field, ([], []))
        starts.append(start)
        numbers.append(num)
    return index


def _mention_frame(found: list[tuple], gaz: _Gazetteer) -> pd.DataFrame:
    names = ("article_id", "sentence", "start", "end", "actor", "mention_type", "field", "text")
    cols = {name: list(values) for name, values in zip(names, zip(*found))} if found \
        else {name: [] for name in names}
    rows = cols.pop("actor")
    info = [gaz.info[r] if isinstance(r, int) else (*r, None) for r in rows]
    linked = [isinstance(r, int) for r in rows]
    rows = range(len(rows))
    out = pd.DataFrame({
        "article_id": cols["article_id"],
        "sentence": pd.array(cols["sentence"], dtype="int64"),
        "start": pd.array(cols["start"], dtype="int64"),
        "end": pd.array(cols["end"], dtype="int64"),
        "text": cols["text"],
        "actor_id": [info[r][0] for r in rows],
        "actor": [info[r][1] for r in rows],
        "kind": [info[r][2] for r in rows],
        "affiliation": [info[r][3] for r in rows],
        "mention_type": cols["mention_type"],
        "field": cols["field"],
        "linked": pd.array(linked, dtype="bool"),
    }, columns=MENTION_COLUMNS)
    return out.sort_values(["article_id", "sentence", "start", "end", "actor_id"],
                           kind="stable").reset_index(drop=True)


# Unknown-entity discovery lives in newslens.text.unknown (it reads this module's gazetteer).
from newslens.text.unknown import UNKNOWN_COLUMNS, unknown_entities

__all__ = ["ACTOR_COLUMNS", "MENTION_COLUMNS", "UNKNOWN_COLUMNS", "actor_mentions", "linked_only",
           "load_actors", "unknown_entities"]
