"""What an article has said so far, for resolving speakers that do not name themselves.

`Gazetteer` is the part of `data/actors.yml` attribution needs (names, kinds, sides, genders, and
the titles and descriptions that can stand for an actor). `Discourse` follows one article:
who was mentioned and who spoke, in which sentence, so that "he", "they", "the spokesman" and
"the Kremlin leader" resolve to the actor they most plausibly mean (the last matching speaker,
else the last matching mention; a subject before an object)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from newslens import lexicon
from newslens.analysis.attribution.nouns import speaker_nouns
from newslens.analysis.attribution.records import Speaker
from newslens.text.actors import load_actors

_GENERIC = lexicon.word_set("generic_roles") | speaker_nouns()["epithet"]
_SYNONYMS = {word.replace("-", " "): group.split()[0]
             for group in lexicon.words("role_synonyms") for word in group.split()}


@functools.lru_cache(maxsize=65536)
def head_noun(phrase: str) -> str:
    """The role noun that ends a title, normalised ("Kremlin spokeswoman" -> "spokesman")."""
    words = phrase.lower().replace("’", "'").split()
    if not words:
        return ""
    word = words[-1].removesuffix("'s")
    two = " ".join(words[-2:])
    if two in _SYNONYMS:
        return _SYNONYMS[two]
    return _SYNONYMS.get(word, word)


@dataclass(frozen=True)
class ActorInfo:
    id: str
    name: str
    kind: str
    side: str | None
    gender: str | None
    heads: frozenset


class Gazetteer:
    """Actor facts and the title/description index of a gazetteer (`load_actors` frame)."""

    def __init__(self, actors: pd.DataFrame):
        self.info: dict[str, ActorInfo] = {}
        self.titles: dict[str, list[str]] = {}
        self.defaults: dict[str, str] = {}  # shared description -> first actor listing it
        for row in actors.itertuples(index=False):
            forms = list(row.titles) + list(row.descriptions) + list(row.references)
            heads = frozenset(head_noun(t) for t in list(row.titles) + list(row.descriptions))
            side = row.affiliation if isinstance(row.affiliation, str) else None
            gender = row.gender if isinstance(row.gender, str) else None
            self.info[row.id] = ActorInfo(row.id, row.name, row.kind, side, gender, heads)
            for form in forms:
                key = _title_key(form)
                if key and row.id not in self.titles.setdefault(key, []):
                    self.titles[key].append(row.id)
            for form in row.descriptions:
                self.defaults.setdefault(_title_key(form), row.id)


@functools.lru_cache(maxsize=65536)
def _title_key(text: str) -> str:
    words = text.lower().replace("’", "'").split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_CACHE: dict[object, Gazetteer] = {}


def gazetteer(actors=None) -> Gazetteer:
    """The attribution view of a gazetteer: None (data/actors.yml), a path, or a frame."""
    if isinstance(actors, pd.DataFrame):
        return Gazetteer(actors)
    frame = load_actors(actors)
    key = (str(actors), frame.attrs.get("path"), len(frame), tuple(frame["id"]))
    if key not in _CACHE:
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = Gazetteer(frame)
    return _CACHE[key]


class Discourse:
    """One article's speakers and mentions in order of appearance."""

    def __init__(self, gaz: Gazetteer, mentioned: dict[str, list[int]]):
        self.gaz = gaz
        self.mentioned = mentioned  # actor id -> sentences where the article names it
        # (sentence, speaker-like, antecedent) in order of appearance: the speakers of
        # statements and the actors mentioned (one shared speaker record per actor; the
        # mention's (sentence, start, end) is its antecedent)
        self.entities: list[tuple[int, Speaker, tuple | None]] = []
        self.speakers: list[tuple[int, Speaker]] = []  # (sentence, speaker) of statements
        self.unlinked: dict[str, Speaker] = {}  # lower-case name or surname -> speaker
        self.text = ""  # the article body
        self._actor_records: dict[str, Speaker] = {}
        self._actor_fields: dict[str, tuple] = {}
        self._first_entity: dict[int, int] = {}  # sentence -> index of its first entity
        self._indexed = 0  # entities indexed in _first_entity so far (the list only grows)

    # -- recording
    def add_mention(self, sentence: int, actor: str, antecedent: tuple) -> None:
        """An actor named in `sentence` at `antecedent` (sentence, start, end)."""
        sp = self._actor_records.get(actor)
        if sp is None:
            sp = self._actor_records[actor] = self.actor_speaker(actor, 0, 0, "")
        self.entities.append((sentence, sp, antecedent))

    def add_person(self, sentence: int, key: str, name: str, antecedent: tuple,
                   gender: str | None = None) -> None:
        """An unlinked person the mention table found (key `person:NAME`): a candidate for the
        pronouns that follow, and the record later statements of that name share."""
        sp = self.unlinked.get(key.split(":", 1)[1])
        if sp is None:
            sp = Speaker(0, 0, name, key, "person", gender=gender)
            name_key = key.split(":", 1)[1]
            self.unlinked[name_key] = sp
            self.unlinked.setdefault(name_key.split("-")[-1], sp)
        elif sp.gender is None and gender:
            sp.gender = gender
        self.entities.append((sentence, sp, antecedent))

    def add_speaker(self, sentence: int, speaker: Speaker) -> None:
        self.speakers.append((sentence, speaker))
        self.entities.append((sentence, speaker, speaker.antecedent))
        if speaker.kind == "person" and not speaker.linked:
            name = speaker.key.split(":", 1)[1]
            self.unlinked.setdefault(name, speaker)
            self.unlinked.setdefault(name.split("-")[-1], speaker)

    def actor_speaker(self, actor: str, start: int, end: int, text: str) -> Speaker:
        fields = self._actor_fields.get(actor)
        if fields is None:  # the gazetteer's facts about the actor, read once per article
            info = self.gaz.info.get(actor)
            kind = "outlet" if info is not None and info.kind == "outlet" else "actor"
            fields = self._actor_fields[actor] = (
                kind, info.side if info else None, info.gender if info else None,
                info.heads if info else frozenset())
        kind, side, gender, heads = fields
        return Speaker(start, end, text, actor, kind, actor, side, gender, heads)

    def is_person(self, sp: Speaker) -> bool:
        if sp.kind == "person":
            return True
        info = self.gaz.info.get(sp.actor) if sp.actor else None
        return info is not None and info.kind == "person"

    # -- resolution
    def pronoun(self, word: str, sentence: int, earlier: list[Speaker]) -> Speaker | None:
        """The speaker a subject pronoun (he, she, they, it) of sentence `sentence` refers to:
        a scored choice among the speakers and named actors of the sentence so far and the four
        before it. A candidate must agree (gender from the gazetteer, a title or a pronoun
        already resolved to it; person or not; group for "they"); it scores for being the
        speaker of the last statement (the topic; quotations go on with their speaker), for
        being the first actor named in its sentence (a subject), for having spoken at all, and
        loses with distance. An earlier speaker of the same sentence wins outright."""
        fits = self._fits(word)
        for sp in reversed(earlier):
            if fits(sp):
                return self._learn(word, sp)
        scores: dict[str, tuple] = {}  # key -> (score, order, speaker, best mention value)
        last = self.speakers[-1] if self.speakers else None
        if last is not None and last[0] >= sentence - 3 and fits(last[1]):
            self._score(scores, last[1], 3.0 - 0.5 * (sentence - last[0]), len(self.entities))
        for i in range(len(self.entities) - 1, -1, -1):
            sn, sp, _ = self.entities[i]
            if sn < sentence - 4:
                break
            if sn > sentence or not fits(sp) or word == "it" and (sp.kind not in (
                    "actor", "organisation", "outlet", "document") or self._kind(sp) == "state"):
                continue  # "it said" is a body or a document that spoke, not a country
            first = self._first_entity_of(sn) == i  # the first entity of its sentence
            spoke = any(sp.key == k.key for _, k in self.speakers[-6:])
            value = 1.0 * first + 0.5 * spoke - 0.8 * (sentence - sn)
            self._score(scores, sp, value, i, best_of=True)
        if not scores:
            return self._protagonist(word, fits)
        best = max(scores.values(), key=lambda v: (v[0], v[1]))
        if word == "it" and best[2] is not (last[1] if last else None) and best[0] < 0:
            return None  # "it" far from any body that spoke: no guess
        return self._learn(word, best[2])

    def _first_entity_of(self, sentence: int) -> int:
        """Index of the first entity of `sentence` (-1: none), indexing the entities added since
        the last call instead of rescanning the article."""
        first, entities = self._first_entity, self.entities
        for k in range(self._indexed, len(entities)):
            first.setdefault(entities[k][0], k)
        self._indexed = len(entities)
        return first.get(sentence, -1)

    def _protagonist(self, word: str, fits) -> Speaker | None:
        """For he/she with no candidate nearby: the person the article has named or quoted
        most (three times at least), when they agree: a profile's subject."""
        if word not in ("he", "she"):
            return None
        counts: dict[str, list] = {}
        for _, sp, _ in self.entities:
            if self.is_person(sp) and fits(sp):
                c = counts.setdefault(sp.key, [0, sp])
                c[0] += 1
        if not counts:
            return None
        ranked = sorted(counts.values(), key=lambda c: -c[0])
        if ranked[0][0] < 3 or len(ranked) > 1 and ranked[1][0] * 2 > ranked[0][0]:
            return None  # no clear protagonist
        return self._learn(word, ranked[0][1])

    @staticmethod
    def _score(scores: dict, sp: Speaker, value: float, order: int,
               best_of: bool = False) -> None:
        """Add `value` to a candidate's score: the last-speaker bonus first, then its best
        mention (`best_of`: the nearest, most prominent one counts, not their number)."""
        old = scores.get(sp.key)
        if old is None:
            scores[sp.key] = (value, order, sp, value if best_of else None)
            return
        total, at, ref, best = old
        if best_of:
            if best is not None and value <= best:
                return
            total += value - (best or 0.0)
            best = value
        else:
            total += value
        scores[sp.key] = (total, max(order, at), ref, best)

    def _learn(self, word: str, sp: Speaker) -> Speaker:
        """A he/she resolved to an unlinked person teaches that person's gender."""
        gender = {"he": "male", "she": "female"}.get(word)
        if gender and sp.gender is None and sp.kind == "person" and not sp.linked:
            sp.gender = gender
        return sp

    def _fits(self, word: str):
        gender = {"he": "male", "she": "female"}.get(word)
        if gender:
            return lambda sp: self.is_person(sp) and sp.gender in (gender, None)
        if word == "it":
            return lambda sp: sp.kind in ("actor", "outlet", "organisation") \
                and not self.is_person(sp) and self._kind(sp) in ("organization", "outlet",
                                                                  "state", None)
        return lambda sp: not self.is_person(sp) and sp.kind != "anonymous" or \
            sp.kind == "group"

    def _kind(self, sp: Speaker) -> str | None:
        info = self.gaz.info.get(sp.actor) if sp.actor else None
        return info.kind if info else None

    def title(self, phrase: str, sentence: int) -> str | None:
        """The actor a title or description stands for ("the Kremlin leader", "General Staff
        Chief"): among the gazetteer actors holding it, the one named last before the sentence,
        else first after it; a title held by one actor only stands for it anyway when it has
        two words or more."""
        cands = self.gaz.titles.get(_title_key(phrase), [])
        if not cands:
            return None
        best = self._recent(cands, sentence)
        if best is None and len(cands) == 1 and len(_title_key(phrase).split()) > 1:
            return cands[0]
        return best or self.gaz.defaults.get(_title_key(phrase))

    def last_of_kind(self, kind: str, sentence: int) -> Speaker | None:
        """The last outlet (or other gazetteer kind) named in the last six sentences."""
        for sn, sp, _ in reversed(self.entities):
            if sn < sentence - 6:
                break
            if self._kind(sp) == kind:
                return sp
        return None

    def _recent(self, cands: list[str], sentence: int) -> str | None:
        before = [(max(s for s in self.mentioned[c] if s <= sentence), c) for c in cands
                  if any(s <= sentence for s in self.mentioned.get(c, ()))]
        if before:
            return max(before)[1]
        after = [(min(self.mentioned[c]), c) for c in cands if self.mentioned.get(c)]
        return min(after)[1] if after else None

    def role(self, head: str, sentence: int) -> Speaker | None:
        """The person a bare role noun means ("the spokesman", "the minister"): the last
        speaker or mentioned person described by it in the last five sentences."""
        for sn, sp, _ in reversed(self.entities):
            if sn < sentence - 5:
                break
            if head in sp.heads and self.is_person(sp):
                return sp
        for sn, sp in reversed(self.speakers):  # elegant variation: "the politician noted"
            if sn < sentence - 2 or head not in _GENERIC:
                break
            if self.is_person(sp):
                return sp
        return None

    def epithet(self, head: str, sentence: int, side: str | None) -> Speaker | None:
        """The person an epithet stands for ("the Russian dictator added"): the first person
        named in the nearest of the two sentences before (the topic), of the epithet's side
        when a modifier names one."""
        if head not in _GENERIC:
            return None
        first: dict[int, Speaker] = {}
        for sn, sp, _ in reversed(self.entities):
            if sn < sentence - 2:
                break
            if sn < sentence and self.is_person(sp) and (side is None or sp.side == side):
                first[sn] = sp
        for back in (1, 2):
            if sentence - back in first:
                return first[sentence - back]
        return None
