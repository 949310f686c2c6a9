"""The actor gazetteer: `data/actors.yml` loaded, validated and compiled into one matcher.

The gazetteer is compiled once into a pyahocorasick automaton (cached on the file contents) whose
keys are the forms with every non-word character read as a space and a space around them, so
one pass over a text field finds every form at word boundaries. Hits are filtered by case, the
longest non-overlapping ones kept and context rules applied (demonyms need a group noun,
capitals must not follow a locative word, a state named only as a venue is a place).
`newslens.text.actors` turns the hits into the mentions table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import pandas as pd

from newslens import lexicon
from newslens.lexicon import DataFileError

ACTOR_COLUMNS = ["id", "name", "kind", "affiliation", "gender", "aliases", "titles", "references",
                 "demonyms", "capitals", "plurals", "descriptions", "short_forms", "definite"]
KINDS = {"person", "state", "organization", "group", "outlet"}
GENDERS = {"male", "female", None}
_LIST_KEYS = ["aliases", "titles", "references", "demonyms", "capitals", "plurals",
              "descriptions", "short_forms", "definite"]
_ALLOWED_KEYS = {"id", "name", "kind", "affiliation", "gender", *_LIST_KEYS}
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
PRONOUNS = {"he": "male", "him": "male", "his": "male", "himself": "male",
            "she": "female", "her": "female", "hers": "female", "herself": "female"}
# Length-preserving normalisation of text before matching: curly quotes, odd spaces.
_NORMALISE_PAIRS = [("\u2019", "'"), ("\u2018", "'"), ("\u00a0", " "), ("\t", " "),
                    ("\u2009", " "), ("\u202f", " ")]


# ---------------------------------------------------------------------------------------------
# Gazetteer


def _actor_row(entry, number: int, path: Path, seen: dict) -> dict:
    """One validated actor entry as a row (lists stripped, the name first among the aliases)."""
    where = f"actor #{number}"
    if not isinstance(entry, dict):
        raise DataFileError(path, f"expected a mapping, got {entry!r}", where)
    aid = entry.get("id")
    if not aid:
        raise DataFileError(path, "missing 'id'", where)
    if not isinstance(aid, str) or not _SLUG.fullmatch(aid):
        raise DataFileError(path, f"id {aid!r} is not a lowercase slug (a-z, 0-9, _)", where)
    where = f"actor {aid!r}"
    if aid in seen:
        raise DataFileError(path, f"duplicate id (also actor #{seen[aid]})", where)
    seen[aid] = number
    unknown = set(entry) - _ALLOWED_KEYS
    if unknown:
        raise DataFileError(path, f"unknown field(s) {sorted(unknown)}; "
                                  f"allowed: {sorted(_ALLOWED_KEYS)}", where)
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise DataFileError(path, "missing 'name'", where)
    if entry.get("kind") not in KINDS:
        raise DataFileError(path, f"kind {entry.get('kind')!r} is not one of {sorted(KINDS)}",
                            where)
    if entry.get("gender") not in GENDERS:
        raise DataFileError(path, f"gender {entry.get('gender')!r} is not male, female or null",
                            where)
    row = {k: entry.get(k) for k in ("id", "name", "kind", "affiliation", "gender")}
    for key in _LIST_KEYS:
        row[key] = lexicon.string_list(entry.get(key), path, where, key)
    if entry["name"].strip() not in row["aliases"]:
        row["aliases"] = [entry["name"].strip(), *row["aliases"]]
    return row


def _parse_gazetteer(doc, path: Path) -> pd.DataFrame:
    if not isinstance(doc, dict) or not isinstance(doc.get("actors"), list):
        raise DataFileError(path, "expected a mapping with an 'actors:' list")
    seen: dict[str, int] = {}
    owner: dict[str, str] = {}
    rows = [_actor_row(entry, i, path, seen) for i, entry in enumerate(doc["actors"], start=1)]
    for row in rows:
        for key in ("aliases", "references", "capitals", "demonyms", "plurals", "definite"):
            for form in row[key]:
                k = _key(form)
                if owner.setdefault(k, row["id"]) != row["id"]:
                    raise DataFileError(path, f"alias {form!r} is also claimed by actor "
                                              f"{owner[k]!r}", f"actor {row['id']!r}")
        if row["affiliation"] is not None and row["affiliation"] not in seen:
            raise DataFileError(path, f"affiliation {row['affiliation']!r} is not an actor id "
                                      "of this file", f"actor {row['id']!r}")
    lists = {}
    for key in ("demonym_nouns", "locative_words", "place_nouns", "addressee_words",
                "venue_nouns", "outlet_words"):
        values = doc.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise DataFileError(path, f"'{key}' must be a list of strings")
        lists[key] = list(values)
    table = pd.DataFrame(rows, columns=ACTOR_COLUMNS)
    table.attrs.update(path=str(path), **lists)
    return table


def _normalise(text: str) -> str:
    for old, new in _NORMALISE_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def _key(form: str) -> str:
    return " ".join(_normalise(form).lower().split())


def load_actors(path: str | Path | None = None) -> pd.DataFrame:
    """The validated gazetteer: id, name, kind, affiliation, gender, aliases, titles, references,
    demonyms, capitals (lists). Raises DataFileError naming the file and the problem."""
    table = lexicon.load(lexicon.resolve(path, "actors.yml"), _parse_gazetteer)
    out = table.copy(deep=True)
    out.attrs = {k: list(v) if isinstance(v, list) else v for k, v in table.attrs.items()}
    return out


@dataclass(frozen=True)
class _Entry:
    actor: int | tuple  # row of the actor table (a description: (candidate rows, default))
    form: str  # the gazetteer form as written
    mtype: str  # name | alias | demonym | plural | capital | description
    case: str  # exact | initial | any
    also_name: bool  # a demonym that is also an alias ("U.S.")


class _Gazetteer:
    """Compiled matcher: automaton over lower-cased forms plus context regexes."""

    def __init__(self, actors: pd.DataFrame):
        self.actors = actors.reset_index(drop=True)
        self.info = list(zip(self.actors["id"], self.actors["name"], self.actors["kind"],
                             self.actors["affiliation"], self.actors["gender"]))
        entries: dict[str, _Entry] = {}
        columns = {c: self.actors[c].tolist() for c in ACTOR_COLUMNS}  # no iterrows: each row
        for i in range(len(self.actors)):  # would deep-copy the frame's attrs
            row = {c: values[i] for c, values in columns.items()}
            forms = [(a, "name") for a in row["aliases"]]
            forms += [(f"{t} {a}", "name") for t in row["titles"] for a in row["aliases"]]
            forms += [(r, "alias") for r in row["references"]]
            forms += [(c, "capital") for c in row["capitals"]]
            names = {_key(a) for a in row["aliases"]}
            forms += [(d, "demonym") for d in row["demonyms"]]
            forms += [(p, "plural") for p in row["plurals"]]
            forms += [(d, "definite") for d in row["definite"]]
            for form, mtype in forms:
                key = _key(form)
                if mtype == "name" and key in entries and entries[key].actor == i:
                    old = entries[key]  # spellings in another case (WION, Wion): loosest rule
                    if _LOOSENESS[_case_rule(form)] > _LOOSENESS[old.case]:
                        entries[key] = _Entry(i, form, mtype, _case_rule(form), old.also_name)
                    continue
                entries[key] = _Entry(i, form, mtype, _case_rule(form),
                                      mtype == "demonym" and key in names)
        for key, (form, rows, titled) in _short_forms(self.actors).items():
            if key in entries:
                continue  # a name of one actor ("Putin") is never a short form of another
            if titled and len(rows) == 1:  # "Defense Secretary Austin": the title says who
                entries[key] = _Entry(rows[0], form, "name", _case_rule(form), False)
            else:
                entries[key] = _Entry((tuple(rows), None), form, "short", _case_rule(form),
                                      False)
        for key, candidates in _descriptions(self.actors).items():
            if key not in entries:
                entries[key] = _Entry(candidates, key, "description", "any", False)
        for pronoun in PRONOUNS:
            entries.setdefault(pronoun, _Entry(-1, pronoun, "pronoun", "any", False))
        self.keys = frozenset(entries)
        kinds = self.actors["kind"].tolist()
        self.person_names = {key: e.actor for key, e in entries.items() if e.mtype == "name"
                             and kinds[e.actor] == "person"}
        options: dict[str, list] = {}  # the form read with spaces for non-word characters
        for key, entry in entries.items():
            options.setdefault(" " + _spaced(key) + " ", []).append(
                (len(key), entry, key))
        self.automaton = ahocorasick.Automaton()
        for padded, found in options.items():
            self.automaton.add_word(padded, tuple(found))
        self.automaton.make_automaton()
        attrs = actors.attrs
        nouns = sorted({_key(n) for n in attrs.get("demonym_nouns", [])}, key=len, reverse=True)
        self.noun_re = _words_re(r"\s+", nouns, r"\b") if nouns else None
        self.coord_re = re.compile(r"\s*,\s*(?:and\s+|or\s+)?(?:the\s+)?|\s+(?:and|or|&)\s+"
                                   r"(?:the\s+)?")
        loc = sorted({_key(w) for w in attrs.get("locative_words", [])}, key=len, reverse=True)
        self.locative_re = _words_re(r"\b", loc, r"\s+(?:the\s+)?$") if loc else None
        venue = sorted({_key(w) for w in attrs.get("venue_nouns", [])}, key=len, reverse=True)
        self.venue_re = re.compile(
            _words_re(r"\b", venue, "").pattern + r"\s+(?:[a-z]+\s+){0,4}?(?:in|to|at)\s+"
            r"(?:the\s+)?(?:(?:north|south|east|west)(?:ern)?\s+)?$") if venue else None
        self.state = [kind == "state" for kind in self.actors["kind"]]
        outlet = sorted({_key(w) for w in attrs.get("outlet_words", [])}, key=len, reverse=True)
        self.outlet_re = _words_re(r"[ \t]+", outlet, r"\b") if outlet else None
        to = sorted({_key(w) for w in attrs.get("addressee_words", [])}, key=len, reverse=True)
        self.addressee_re = _words_re(r"\b", to, r"\s+to\s+$") if to else None
        place = sorted({_key(w) for w in attrs.get("place_nouns", [])}, key=len, reverse=True)
        self.place_re = re.compile(r"-|" + _words_re(r"\s+", place, r"\b").pattern) \
            if place else re.compile("-")

    def _venue(self, low: str, start: int, end: int) -> bool:
        """A state named as the place of an event ("talks in Saudi Arabia", "a visit to
        India") or in brackets after a place ("Geneva (Switzerland)")."""
        if self.venue_re is not None and self.venue_re.search(low, max(0, start - 70), start):
            return True
        return low[start - 2:start] == " (" and low[end:end + 1] == ")" and start > 2 \
            and low[start - 3].isalpha()

    # -- one text field of one article -> list of (start, end, actor_row, mention_type)
    def scan(self, text: str) -> list[tuple[int, int, int, str]]:
        """Mentions (start, end, actor row, type) in one field, he/she pronouns included (actor
        row -1): automaton hits at word boundaries filtered by case, longest kept, context rules
        applied."""
        low = _normalise(text).lower()
        if len(low) != len(text):  # rare characters whose lower case is longer
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in _normalise(text))
        chosen, inner = self._longest(self._hits(text, low))
        out = self._in_context(text, low, chosen) if chosen else []
        if inner:  # what a description holds, for when it stands for nobody ("the NSDC
            out += [(a, b, actor, ("fallback", mtype))  # secretary" with no secretary named)
                    for a, b, actor, mtype in self._in_context(text, low, inner)]
        return out

    def _hits(self, text: str, low: str) -> list[tuple[int, int, _Entry]]:
        """(start, -length, entry) of the forms found at word boundaries, case rules met. The
        automaton runs once over the text with every non-word character read as a space and
        one space around it; its keys are the forms read the same way with a space around
        them, so every hit starts and ends at a word boundary, and a hyphen, a full stop or a
        space between words are the same ("Operational Strategic Group", "Gen Syrsky"); an
        all-capital form must still match as written ("U.S.")."""
        cands = []
        for end2, options in self.automaton.iter(" " + _spaced(low) + " "):
            for length, entry, _key in options:  # "operational strategic" for "-strategic"
                start = end2 - length - 1
                end = start + length
                case = entry.case
                if case == "exact":
                    if text[start:end].replace("\u00a0", " ") != entry.form:
                        continue
                elif case == "initial" and not text[start].isupper():
                    continue
                mtype = entry.mtype
                if mtype == "description" and low[max(0, start - 4):start] != "the ":
                    continue
                if mtype == "definite" and (low[max(0, start - 4):start] != "the "
                                            or _CAPITAL_NEXT.match(text, end)):
                    continue  # "the West"; not "West Bank", "the West Bank", "in the west"
                cands.append((start, -length, entry))
        return cands

    @staticmethod
    def _longest(cands: list) -> tuple[list, list]:
        """The longest of overlapping hits, left to right; and the longest hits inside the
        chosen descriptions."""
        cands.sort(key=lambda c: (c[0], c[1]))
        chosen, inside, last_end, last = [], [], -1, None
        for start, neg, entry in cands:
            if start >= last_end:
                chosen.append((start, start - neg, entry))
                last_end, last = start - neg, entry
            elif last.mtype == "description" and start - neg <= last_end \
                    and (not inside or start >= inside[-1][1]) and entry.mtype != "description":
                inside.append((start, start - neg, entry))
        return chosen, inside

    def _in_context(self, text: str, low: str, chosen: list) -> list[tuple[int, int, int, str]]:
        """Context rules, right to left: demonyms need a group noun (or a coordinated demonym
        that has one), capitals no locative word before them, states named as venues."""
        out: list[tuple[int, int, int, str]] = []
        next_demonym_ok = None  # (start) of the following qualified demonym, for coordination
        following = len(low)  # start of the next kept match: a group noun must end before it
        for start, end, entry in reversed(chosen):
            mtype = entry.mtype
            if mtype == "demonym":
                noun = self.noun_re.match(low, end) if self.noun_re else None
                ok = noun is not None
                if ok and noun.end() <= following and "\n" not in low[end:noun.end()]:
                    end = noun.end()  # the group is the mention: "Russian officials"
                if not ok and next_demonym_ok is not None:
                    m = self.coord_re.match(low, end)
                    ok = bool(m and m.end() == next_demonym_ok)
                if ok:
                    next_demonym_ok = start
                else:
                    next_demonym_ok = None
                    if not entry.also_name:
                        continue
                    mtype = "name"
            else:
                next_demonym_ok = None
            if mtype == "plural":
                mtype = "demonym"
            elif mtype == "definite":
                mtype = "name"
            elif mtype == "capital":
                if not self._acting_capital(low, start, end):
                    continue
                mtype = "alias"
            elif mtype == "name" and self.state[entry.actor]:
                outlet = self.outlet_re.match(low, end) if self.outlet_re else None
                if outlet and text[outlet.end() - len(outlet.group().lstrip())].isupper():
                    continue  # part of an outlet's name: "Israel News", "India Today"
                if self._venue(low, start, end):
                    mtype = "venue"  # "talks in Saudi Arabia": a place unless named otherwise
            out.append((start, end, entry.actor, mtype))
            following = start
        out.reverse()
        return out

    def _acting_capital(self, low: str, start: int, end: int) -> bool:
        """A capital that stands for its government: not before a place noun ("Moscow region")
        and not after a locative word ("talks in Moscow"), unless possessive ("from Kyiv's
        forces") or an addressee ("a message to Moscow")."""
        if self.place_re.match(low, end):
            return False
        return not (self.locative_re and self.locative_re.search(low, max(0, start - 25), start)
                    and low[end:end + 2] != "'s"
                    and not (self.addressee_re
                             and self.addressee_re.search(low, max(0, start - 40), start)))


def _short_forms(actors: pd.DataFrame) -> dict[str, tuple[str, list[int], bool]]:
    """Key -> (form, actor rows) of the `short_forms` (surnames shared with other people or
    common words: "Austin", "Johnson") and of each title combined with them ("Defense Secretary
    Austin"). A bare short form stands for an actor the article names in full (resolved in
    `actor_mentions`); a titled one names its actor when one actor only has it."""
    out: dict[str, tuple[str, list[int], bool]] = {}
    for i, (titles, shorts) in enumerate(zip(actors["titles"], actors["short_forms"])):
        for short in shorts:
            for form in [short] + [f"{t} {short}" for t in titles]:
                form_rows = out.setdefault(_key(form), (form, [], form != short))[1]
                if i not in form_rows:
                    form_rows.append(i)
    return out


def _descriptions(actors: pd.DataFrame) -> dict[str, tuple[tuple[int, ...], int | None]]:
    """Description (lowercase) -> (candidate actor rows, default row or None): the
    `descriptions` of every actor (default: the first actor listing it) and the titles of
    persons (no default: "the envoy" needs an envoy named in the article)."""
    rows: dict[str, list[int]] = {}
    default: dict[str, int] = {}
    for i, (kind, titles, descriptions) in enumerate(zip(
            actors["kind"], actors["titles"], actors["descriptions"])):
        for form in list(descriptions) + (list(titles) if kind == "person" else []):
            if len(form.rstrip(".")) <= 3:
                continue
            key = _key(form)
            if i not in rows.setdefault(key, []):
                rows[key].append(i)
            if form in descriptions:
                default.setdefault(key, i)
    return {key: (tuple(r), default.get(key)) for key, r in rows.items()}


_LOOSENESS = {"exact": 0, "initial": 1, "any": 2}


_ASCII_WORD = bytes(c if chr(c).isalnum() or c == 95 or c >= 128 else 32 for c in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _spaced(text: str) -> str:
    """The text with every character that is not a letter, a digit or "_" read as a space
    (same length): ASCII through a byte table, the few other characters one by one."""
    out = text.encode("utf-8").translate(_ASCII_WORD).decode("utf-8")
    if not text.isascii():
        for char in set(_NON_ASCII.findall(text)):
            if not char.isalnum():
                out = out.replace(char, " ")
    return out
_CAPITAL_NEXT = re.compile(r"[ \t]+[A-Z]")
_INITIAL = re.compile(r"[A-Z]\.")


def _case_rule(form: str) -> str:
    letters = [c for c in form if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return "exact"
    return "any" if len(form.split()) > 1 else "initial"


def _words_re(before: str, words: list[str], after: str) -> re.Pattern:
    alt = "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)
    return re.compile(f"{before}(?:{alt}){after}")


def _gazetteer(actors) -> _Gazetteer:
    """Compiled gazetteer for None (default file), a path, or a load_actors() frame. A file is
    parsed once (the table `load_actors` reads, cached on the file contents) and compiled once
    per parsed table."""
    if isinstance(actors, pd.DataFrame):
        key = repr((actors[ACTOR_COLUMNS].to_dict("list"), sorted(actors.attrs.items())))
        return _compiled_frame(key, actors)
    table = lexicon.load(lexicon.resolve(actors, "actors.yml"), _parse_gazetteer)
    hit = _COMPILED.get(id(table))
    if hit is None or hit[0] is not table:
        if len(_COMPILED) > 8:
            _COMPILED.clear()
        hit = _COMPILED[id(table)] = (table, _Gazetteer(table))
    return hit[1]


_COMPILED: dict[int, tuple[pd.DataFrame, _Gazetteer]] = {}  # id(parsed table) -> (it, compiled)


_FRAME_CACHE: dict[str, _Gazetteer] = {}


def _compiled_frame(key: str, actors: pd.DataFrame) -> _Gazetteer:
    if key not in _FRAME_CACHE:
        if len(_FRAME_CACHE) > 8:
            _FRAME_CACHE.clear()
        _FRAME_CACHE[key] = _Gazetteer(actors)
    return _FRAME_CACHE[key]
