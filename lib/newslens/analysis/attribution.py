"""Attributed statements: who said what, with which reporting cue, in which words.

`statements(sentences, mentions)` finds reporting cues (data/reporting_verbs.yml) with one
compiled regex and attaches a speaker (an actor id from the mention table, pronouns resolved by
its pronoun rows) and the reported content, with offsets in the sentences' field coordinates.
Attribution forms (column `form`):

- subject        "Putin said that …", "In a video address, Zelensky expressed optimism …",
                 "He asserted …" (pronoun mention), "Putin, the president, said …"
- with           "…, with von der Leyen criticizing Russia …"
- postposed      "“…,” Putin said." / "…, Putin said on Monday."
- inverted       "“…,” said Putin."
- according_to   "According to ISW, …" / "…, according to ISW."
- participial    "…, stating that …", "…, noting that …", "…, calling such warnings “…”":
                 the speaker is the subject of the main clause (the statement before it)
- group          "European leaders … Many doubt …": the speaker is the group named before
- pronoun        a he/she/they subject the mention table left unresolved: the last person
                 (or group, for they) mentioned before it

`mention_roles(mentions, statements)` labels each mention "speaker" or "target".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from newslens import lexicon, schema
from newslens.lexicon import DataFileError, lexicon_regex

CUE_CLASSES = ("neutral", "emphatic", "positive", "negative", "demand")
CUE_KINDS = ("verbs", "phrases", "quote_only")

STATEMENT_COLUMNS = schema.table("statements").names


@dataclass(frozen=True)
class Cue:
    """One reporting cue form: its lemma, class and kind (verbs | phrases | quote_only)."""

    lemma: str
    cls: str
    kind: str


# ---------------------------------------------------------------- lexicon loading
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
        if kind == "phrases":
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


def _lexicon(path: str | Path | None = None) -> tuple[dict[str, Cue], re.Pattern]:
    """The cue lexicon and its compiled regex (once per file content)."""
    return lexicon.load(lexicon.resolve(path, "reporting_verbs.yml"), _compile_reporting_verbs)


# ---------------------------------------------------------------- patterns
_AUX = (r"(?:has|have|had|was|is|were|are|did|does|do|would|will|could|may|might|also|again|"
        r"repeatedly|publicly|reportedly|previously|later|then|once|firmly|openly|sharply|"
        r"strongly|recently|earlier|already|further|since|not|never|n’t|n't|only|even|just|"
        r"quickly|swiftly|flatly|explicitly|privately|on\s+\w+day)")
# Between a subject mention and its verb: an optional appositive ", …," and up to 3 auxiliaries.
_GAP = re.compile(r"\s*(?:,[^,;]{1,80},\s*)?(?:" + _AUX + r"\s+){0,3}", re.IGNORECASE)
_NEGATION = re.compile(r"(?<![\w’'])(?:not|never|n[’']t|no\s+longer|hardly)(?![\w’'])",
                       re.IGNORECASE)
_QUOTES = {"“": "”", '"': '"', "«": "»"}
_QUOTE_SPAN = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?")
_THAT = re.compile(r"\s*(?:[^\s,.;:“\"]+\s+){0,4}?that\s+", re.IGNORECASE)
_QUOTE_AFTER = re.compile(r"\s*[:,]?\s*(?=[“\"«])")
_QUOTE_NEAR = re.compile(r"[^.;:“\"«]{0,60}?(?=[“\"«])")
# Nothing substantive after a postposed cue: "…, Putin said in a video address."
_TAIL = re.compile(
    r"\s*(?:(?:in|on|at|during|after|before|while|to|from|with|via|late|early|last|this)\b"
    r"[^,;:“\"]*)?[\s.!?”\"]*$", re.IGNORECASE)
_POSTPOSED_LEFT = re.compile(r"(?:,\s*[”\"]?|[”\"]\s*,?)\s*$")
_PARTICIPIAL_LEFT = re.compile(r",\s*(?:(?:while|before|after|and)\s+)?$", re.IGNORECASE)
_WITH_LEFT = re.compile(r"\bwith\s+(?:[\w.’'-]+\s+){0,6}$", re.IGNORECASE)
_GROUP_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:but|and|while)\s+)(many|some|most|others|several|both|all|few|"
    r"many\s+of\s+them|some\s+of\s+them)\s+(?:" + _AUX + r"\s+){0,3}$", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:but|and|while|that)\s+)(he|she|they)\s+(?:" + _AUX + r"\s+){0,3}$",
    re.IGNORECASE)
# Words that may precede a subject at the start of its clause ("Russian President …").
_CLAUSE_PREFIX = re.compile(
    r"(?:^|[,;:]\s*)(?:(?:the|a|an|but|and|while|[A-Z][\w.’'-]*)\s+)*$")
_CLAUSE_BACK = re.compile(
    r"(?:\s*,)?\s*(?:(?:but|and|while|whereas|as|with)\s+)?"
    r"(?:(?:[A-Z][\w.’'-]*|chief|president|minister|envoy|leader|leaders|spokesman|spokeswoman|"
    r"spokesperson|secretary|head|commander|special|foreign|prime|deputy|the|officials?)\s+)*$")
_TRIM = " \t\n,;:.!?"
_POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "hers", "theirs"}
_PERSON = "person"


@dataclass
class _Mention:
    start: int  # relative to the sentence
    end: int
    actor: object
    kind: str
    mtype: str
    text: str
    possessive: bool


def _left(pattern: re.Pattern, text: str, end: int, window: int = 160):
    """`pattern` (anchored with $) searched in the `window` characters before `end`."""
    return pattern.search(text, max(0, end - window), end)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE_SPAN.finditer(text)]


def _inside(spans, pos: int) -> bool:
    return any(s < pos < e for s, e in spans)


def _read_quote(text: str, at: int) -> tuple[int, int]:
    """(start, end) of the interior of the quotation opening at `at`."""
    close = _QUOTES.get(text[at], "”")
    end = text.find(close, at + 1)
    return at + 1, (end if end >= 0 else len(text))


def _is_person(m: _Mention) -> bool:
    return m.kind == _PERSON or m.mtype == "pronoun" and m.text.lower() in {"he", "she", "him"}


def _subject_before(text: str, mentions: list[_Mention], pos: int) -> _Mention | None:
    """The mention that is the grammatical subject of a cue at `pos` (nearest valid one)."""
    best = None
    for m in mentions:
        if m.end > pos or m.possessive or m.actor is None:
            continue
        if _GAP.fullmatch(text, m.end, pos) and (best is None or m.end > best.end or (
            m.end == best.end and _is_person(m) and not _is_person(best)
        )):
            best = m
    return best


def _np_after(text: str, mentions: list[_Mention], pos: int) -> _Mention | None:
    """The head mention of the noun phrase starting at `pos` (before any punctuation)."""
    stop = re.compile(r"[,;:.!?“”\"]").search(text, pos)
    stop = stop.start() if stop else len(text)
    cands = [m for m in mentions if pos <= m.start < stop and m.actor is not None
             and not re.search(r"[,;:]", text[pos:m.start]) and m.start - pos <= 60]
    if not cands:
        return None
    persons = [m for m in cands if _is_person(m)]
    return max(persons or cands, key=lambda m: (m.end, m.end - m.start))


def _clause_subject(text: str, mentions: list[_Mention], pos: int) -> _Mention | None:
    """A clause-initial subject mention before `pos` (e.g. "Zelensky, calling it …")."""
    cands = [m for m in mentions if m.end <= pos and not m.possessive and m.actor is not None
             and _left(_CLAUSE_PREFIX, text, m.start) is not None]
    if not cands:
        return None
    first = min(m.start for m in cands)
    group = [m for m in cands if m.start == first or text[first:m.start].strip().istitle()]
    persons = [m for m in group if _is_person(m)]
    return max(persons or group, key=lambda m: m.end)


def _content_after(text: str, pos: int) -> tuple[int, int, bool]:
    """(start, end, is_direct) of what a cue ending at `pos` reports."""
    q = _QUOTE_AFTER.match(text, pos)
    if q:
        s, e = _read_quote(text, q.end())
        return s, e, True
    t = _THAT.match(text, pos)
    start = t.end() if t else pos
    return start, len(text), False


def _content_before(text: str, end: int) -> tuple[int, int, bool]:
    """(start, end, is_direct) of a postposed statement's content ending before `end`."""
    head = text[:end].rstrip(" ,")
    if head.endswith(("”", '"', "»")):
        close = head[-1]
        opener = {"”": "“", '"': '"', "»": "«"}[close]
        s = head.rfind(opener, 0, len(head) - 1)
        if s >= 0:
            return s + 1, len(head) - 1, True
    return 0, len(head), False


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM + "“\"«”":
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    # drop an unbalanced closing quote left after trimming
    if end > start and text[end - 1] in "”»" and text.count("“", start, end) == 0:
        end -= 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
    return start, end


# ---------------------------------------------------------------- per-sentence detection
def _sentence_statements(text, mentions, cues, regex,  # noqa: C901, PLR0915
                         prev_groups, prev_person, prev_group):
    """Statement dicts for one sentence (offsets relative to the sentence).

    Too long: to be split into one detector per attribution form (attribution issue)."""
    quotes = _quote_spans(text)
    found = []
    for match in regex.finditer(text):
        cs, ce = match.span()
        if _inside(quotes, cs):
            continue
        cue = cues.get(" ".join(match.group(0).lower().split()))
        if cue is None:
            continue
        st = {"cue_start": cs, "cue_end": ce, "cue": match.group(0), "cue_lemma": cue.lemma,
              "cue_class": cue.cls, "parent": None, "antecedent": None, "clause": cs}
        direct = False
        if cue.kind == "phrases":
            m = _np_after(text, mentions, ce)
            if m is None:
                continue
            st.update(form="according_to", speaker=m)
            if not text[:cs].strip(" ,"):
                comma = text.find(",", m.end)
                c0, c1 = (comma + 1 if comma >= 0 else m.end), len(text)
            else:
                c0, c1 = 0, cs
            st["clause"] = cs
            found.append((st, c0, c1, False))
            continue
        if cue.kind == "quote_only" and not _QUOTE_NEAR.match(text, ce):
            continue
        subj = _subject_before(text, mentions, cs)
        if subj is not None:
            left = text[:subj.start]
            if (_TAIL.fullmatch(text, ce) and left.strip()
                    and _left(_POSTPOSED_LEFT, text, subj.start)):
                st.update(form="postposed", speaker=subj, clause=subj.start)
                c0, c1, direct = _content_before(text, subj.start)
            else:
                with_ = _left(_WITH_LEFT, text, subj.start)
                form = "with" if with_ else "subject"
                back = _left(_CLAUSE_BACK, text, subj.start)
                st.update(form=form, speaker=subj,
                          clause=min(back.start() if back else subj.start, subj.start))
                if form == "with":
                    st["clause"] = with_.start()
        elif match.group(0).lower().split()[0].endswith("ing") and _left(
            _PARTICIPIAL_LEFT, text, cs
        ):
            parents = [f[0] for f in found if f[0]["cue_start"] < cs]
            if parents:
                st.update(form="participial", speaker=parents[-1]["speaker"], parent=parents[-1])
            else:
                subj = _clause_subject(text, mentions, cs)
                if subj is None:
                    continue
                st.update(form="participial", speaker=subj)
            st["clause"] = _left(_PARTICIPIAL_LEFT, text, cs).start()
            st["implicit"] = True
        else:
            left = text[:cs]
            inv = _left(_POSTPOSED_LEFT, text, cs) if left.strip() else None
            m = _np_after(text, mentions, ce) if inv else None
            g = _left(_GROUP_SUBJECT, text, cs)
            p = _left(_PRONOUN_SUBJECT, text, cs)
            if m is not None and _TAIL.fullmatch(text, m.end):
                st.update(form="inverted", speaker=m, clause=inv.start())
                c0, c1, direct = _content_before(text, cs)
                found.append((st, c0, c1, direct))
                continue
            if g is not None:
                ante = next((a for a in reversed(prev_groups) if not _is_person(a[1])), None)
                if ante is None:
                    continue
                holder = _Mention(g.start(1), g.end(1), ante[1].actor, ante[1].kind, "group",
                                  g.group(1), False)
                st.update(form="group", speaker=holder, antecedent=ante, clause=g.start(1))
            elif p is not None:
                word = p.group(1).lower()
                ref = prev_group if word == "they" else prev_person
                if ref is None:
                    continue
                holder = _Mention(p.start(1), p.end(1), ref.actor, ref.kind, "pronoun",
                                  p.group(1), False)
                st.update(form="pronoun", speaker=holder, clause=p.start(1))
            else:
                continue
        if st["form"] != "postposed":
            c0, c1, direct = _content_after(text, ce)
            if cue.kind == "quote_only" and not direct:
                q = _QUOTE_NEAR.match(text, ce)
                c0, c1 = _read_quote(text, q.end())
                direct = True
        found.append((st, c0, c1, direct))
    return _finish(text, found)


def _finish(text, found):
    """Cut each content before the next statement's clause; drop empty contents."""
    out = []
    for i, (st, c0, c1, direct) in enumerate(found):
        for nxt, *_ in found[i + 1:]:
            boundary = nxt["clause"]
            if c0 < boundary < c1 and not direct:
                c1 = boundary
                break
        if direct:
            while c1 > c0 and text[c1 - 1] in " ,.":
                c1 -= 1
        else:
            c0, c1 = _strip(text, c0, c1)
        if c1 <= c0:
            continue
        content = text[c0:c1]
        st.update(content_start=c0, content_end=c1, content=content,
                  is_quote=direct or bool(_QUOTE_SPAN.search(content) and any(
                      ch in content for ch in "“\"«")),
                  mode="direct" if direct else "indirect",
                  negated=bool(_NEGATION.search(text, max(0, st["cue_start"] - 12),
                                                st["cue_start"])))
        out.append(st)
    return out


# ---------------------------------------------------------------- public API
def statements(sentences: pd.DataFrame, mentions: pd.DataFrame,
               lexicon: str | Path | None = None) -> pd.DataFrame:
    """One row per attributed statement (see module docstring and STATEMENT_COLUMNS).

    Offsets (`speaker_*`, `cue_*`, `content_*`) are in the coordinates of the sentence's field,
    like the sentences and mentions tables. `parent` is the `statement` number of the main
    clause of a participial statement; `antecedent_*` locate the group mention a group holder
    ("Many") refers to. Sentences are assumed in article order (sorted by `sentence`).
    """
    cues, regex = _lexicon(lexicon)
    if sentences is None or len(sentences) == 0:
        return schema.empty("statements")
    has_cue = sentences["text"].str.contains(regex, regex=True, na=False)
    hit_articles = set(sentences.loc[has_cue, "article_id"])
    if not hit_articles:
        return schema.empty("statements")
    sents = sentences[sentences["article_id"].isin(hit_articles)].sort_values(
        ["article_id", "sentence"], kind="stable")
    by_sentence: dict[tuple, list[_Mention]] = {}
    if mentions is not None and len(mentions):
        ms = mentions[mentions["article_id"].isin(hit_articles)]
        kinds = ms["kind"] if "kind" in ms else pd.Series("", index=ms.index)
        # Column lists, not pandas scalars: the same values, much cheaper to iterate.
        for aid, sn, start, end, actor, no_actor, kind, mtype, mtext in zip(
            ms["article_id"].tolist(), ms["sentence"].tolist(), ms["start"].tolist(),
            ms["end"].tolist(), ms["actor_id"].tolist(), ms["actor_id"].isna().tolist(),
            kinds.tolist(), ms["mention_type"].tolist(), ms["text"].tolist(),
        ):
            by_sentence.setdefault((aid, sn), []).append(
                (int(start), int(end), None if no_actor else actor, str(kind), str(mtype),
                 str(mtext)))
    rows = []
    # Articles in sorted order (as groupby("article_id", sort=True)), sentences in order.
    columns = zip(sents["article_id"].tolist(), sents["article_id"].isna().tolist(),
                  sents["sentence"].tolist(), sents["start"].tolist(), sents["text"].tolist(),
                  sents["field"].tolist(), has_cue.loc[sents.index].tolist())
    for aid, group in itertools.groupby(columns, key=lambda row: row[0]):
        prev_groups: list = []  # (sentence, mention) of the previous sentence
        prev_person = prev_group = None
        n = 0
        for _aid, aid_na, sn, s0, text, field, hit in group:
            if aid_na:  # groupby drops missing article ids
                continue
            ms = []
            for start, end, actor, kind, mtype, mtext in sorted(by_sentence.get((aid, sn), [])):
                after = text[end - s0:end - s0 + 2]
                possessive = after in ("'s", "’s") or (
                    mtype == "pronoun" and mtext.lower() in _POSSESSIVE_PRONOUNS)
                ms.append(_Mention(start - s0, end - s0, actor, kind, mtype, mtext, possessive))
            if hit:
                found = _sentence_statements(text, ms, cues, regex, prev_groups, prev_person,
                                             prev_group)
                numbers = {}
                for st in found:
                    numbers[id(st)] = n
                    sp = st["speaker"]
                    ante = st["antecedent"]
                    rows.append({
                        "article_id": aid, "sentence": sn, "statement": n, "field": field,
                        "form": st["form"], "speaker": sp.actor, "speaker_text": sp.text,
                        "speaker_start": sp.start + s0, "speaker_end": sp.end + s0,
                        "cue": st["cue"], "cue_lemma": st["cue_lemma"],
                        "cue_class": st["cue_class"],
                        "cue_start": st["cue_start"] + s0, "cue_end": st["cue_end"] + s0,
                        "content": st["content"], "content_start": st["content_start"] + s0,
                        "content_end": st["content_end"] + s0, "is_quote": st["is_quote"],
                        "mode": st["mode"], "negated": st["negated"],
                        "parent": numbers.get(id(st["parent"])),
                        "antecedent_sentence": None if ante is None else ante[0],
                        "antecedent_start": None if ante is None else ante[1].start + ante[2],
                        "antecedent_end": None if ante is None else ante[1].end + ante[2],
                    })
                    n += 1
            usable = [m for m in ms if m.actor is not None and not m.possessive]
            if usable:
                prev_groups = [(sn, m, s0) for m in usable]
                people = [m for m in usable if _is_person(m)]
                others = [m for m in usable if not _is_person(m)]
                prev_person = people[-1] if people else prev_person
                prev_group = others[-1] if others else prev_group
            else:
                prev_groups = []
    if not rows:
        return schema.empty("statements")
    out = schema.conform("statements", pd.DataFrame(rows, columns=STATEMENT_COLUMNS))
    return out.sort_values(["article_id", "statement"], kind="stable").reset_index(drop=True)


def mention_roles(mentions: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """"speaker" for mentions that are the speaker (or the group antecedent) of a statement,
    else "target"; aligned with `mentions.index`."""
    roles = pd.Series("target", index=mentions.index, name="role", dtype="object")
    if len(mentions) == 0 or statements is None or len(statements) == 0:
        return roles
    keys = set(zip(statements["article_id"], statements["field"], statements["speaker_start"],
                   statements["speaker_end"], statements["speaker"]))
    ante = statements.dropna(subset=["antecedent_start"])
    keys |= set(zip(ante["article_id"], ante["field"], ante["antecedent_start"].astype(int),
                    ante["antecedent_end"].astype(int), ante["speaker"]))
    fields = mentions["field"] if "field" in mentions else pd.Series("text", index=mentions.index)
    hit = [(a, f, int(s), int(e), actor) in keys for a, f, s, e, actor in zip(
        mentions["article_id"], fields, mentions["start"], mentions["end"],
        mentions["actor_id"])]
    roles[pd.Series(hit, index=mentions.index)] = "speaker"
    return roles
