"""Numbers about the war, normalised: percentages, areas, distances, rates, durations, dates
and counts (troops, battalions, settlements).

`find_quantities(text)` parses one text; `quantities(sentences, claims, mentions, regions)`
parses every sentence about the war (one that mentions a region, an actor or a subject of
data/quantities.yml: troops, ceasefire, front line, ...) and attaches each number to the claim of
the nearest region mention in the sentence, else to the nearest region (`claim_id` empty), else
to nothing.

Normalisation: areas -> km² (square miles x 2.589988, hectares x 0.01), distances -> km (miles x
1.609344), rates -> km/day (metres per day x 0.001), decades -> years; fractions of a region
("one-fifth of", "half of") -> percent; dates -> "YYYY-MM" or "YYYY" in `date` (value = year).
Word numbers (one..ninety-nine, a dozen, hundred, thousand, half; "a kilometre") are read; vague
amounts take their lower bound and are approximate: a couple 2, a few 3, several 3, dozens 24,
hundreds 200, thousands 2000. Hedges ("nearly", "about", "some", "more than", "up to") set
approximate; "more than"/"at least" set bound="min", "up to"/"less than" bound="max". A range
("60-90 days", "between 15,000 and 30,000 troops") gives two rows, bound min and max.
"""

from __future__ import annotations

import re

import ahocorasick
import pandas as pd

from newslens import lexicon, schema
from newslens.text.actors import linked_only

COLUMNS = schema.table("quantities").names
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen", "twenty"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
WORDS = {w: i for i, w in enumerate(_ONES)} | _TENS | {
    "a dozen": 12, "dozen": 12, "a hundred": 100, "one hundred": 100, "hundred": 100,
    "a thousand": 1000, "one thousand": 1000, "half a": 0.5, "half an": 0.5, "a half": 0.5,
    "one and a half": 1.5, "a million": 1e6, "an": 1, "a": 1,
}
VAGUE = {"a couple of": 2, "a couple": 2, "a few": 3, "few": 3, "several": 3, "dozens of": 24,
         "dozens": 24, "hundreds of": 200, "hundreds": 200, "thousands of": 2000, "thousands": 2000,
         "tens of thousands of": 20000, "tens of thousands": 20000}
SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "k": 1e3}
MONTHS = {m: i + 1 for i, m in enumerate(lexicon.words("months"))}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9})
HEDGES = {
    "nearly": None, "almost": None, "about": None, "around": None, "roughly": None,
    "approximately": None, "some": None, "an estimated": None, "estimated": None,
    "close to": None, "just over": "min", "just under": "max", "more than": "min",
    "over": "min", "at least": "min", "upwards of": "min", "up to": "max", "less than": "max",
    "under": "max", "fewer than": "max", "as many as": "max", "as much as": "max", "~": None,
}

# Word lists as tries (longest first, as sorted alternations were): a regex tried at every
# position of a sentence checks a few branches instead of every word.
_tens = lexicon.trie_regex(_TENS, atoms=lexicon.word_atoms)
_ones = lexicon.trie_regex(_ONES, atoms=lexicon.word_atoms)
_WORD_NUM = (
    rf"(?:(?:{_ones}|{_tens})\s+and\s+a\s+half|half\s+an?|a\s+half|(?:{_tens})[-\s](?:one|two|three|four|five|six"
    rf"|seven|eight|nine)|(?:a|one)\s+(?:hundred|thousand|million)|a\s+dozen|{_ones}|{_tens})"
)
_VAGUE = lexicon.trie_regex(VAGUE, atoms=lexicon.word_atoms)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_HEDGE = lexicon.trie_regex(HEDGES, atoms=lexicon.word_atoms)
_NUMBER = (
    rf"(?P<hedge>(?:{_HEDGE})\s*)?"
    rf"(?:(?P<digits>{_DIGITS})(?:\s*(?P<scale>thousand|million|billion|k)\b)?"
    rf"|(?P<vague>{_VAGUE})|(?P<word>{_WORD_NUM}))"
    r"(?:\s+(?:more|additional|further|extra|other))?"
)
_AREA = (r"square\s+kilomet(?:er|re)s?|sq\.?\s*km|km²|km2|square\s+miles?|sq\.?\s*mi(?:les?)?\b"
         r"|hectares?")
_DIST = r"kilomet(?:er|re)s?|km|miles?"
_UNIT = (
    rf"(?P<pct>%|\s*percent|\s*per\s+cent)"
    rf"|\s*(?P<rate>(?P<rate_unit>{_DIST}|met(?:er|re)s?|m)\s*(?:per|a|an|/|each)\s*"
    r"(?P<per>day|week|month))"
    rf"|\s*(?P<area>{_AREA})"
    rf"|\s*(?P<dist>{_DIST})\b"
    r"|[\s-]*(?P<dur>hours?|days?|weeks?|months?|years?|decades?)\b"
    r"|\s+(?P<count>(?:\w+\s+)?(?:troops|soldiers|servicemen|personnel|fighters|casualties|men|"
    r"civilians|people|villages|settlements|towns|cities|battalions|brigades|regiments|"
    r"divisions|defenders|occupiers))\b"
)
# "a kilometre from the city", "an area of one square mile"
_SINGLE = rf"(?P<single>an?)(?=\s+(?:{_DIST}|square\s+(?:kilomet|mile)))"
# Every match starts with a digit, "~" or the first word of a hedge or number (as a prefix):
# the lookahead rejects the other word starts before the alternation is tried there.
_FIRST_WORDS = {w.split()[0] for w in (*HEDGES, *VAGUE, *WORDS, *_ONES, *_TENS) if w != "~"}
_START = rf"(?=[\d~]|{lexicon.trie_regex(sorted(_FIRST_WORDS), atoms=lexicon.word_atoms)})"
QUANTITY = re.compile(rf"(?<![\w.,]){_START}(?:{_NUMBER}|{_SINGLE})(?:{_UNIT})", re.IGNORECASE)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = re.compile(
    r"\b(?P<prep>by|in|since|until|till|before|after|from|through|as\s+of|on)?\s*"
    r"(?:(?:the\s+)?(?P<part>early|mid|late|end\s+of|beginning\s+of|start\s+of)[-\s]+)?"
    rf"(?:(?P<month>{_MONTH})\.?\s+(?:\d{{1,2}},?\s+)?(?P<year>(?:19|20)\d\d)"
    r"|(?P<year_only>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
FRACTIONS = {"fifth": 20, "quarter": 25, "third": 100 / 3, "tenth": 10, "half": 50}
FRACTION = re.compile(
    rf"(?<![\w-])(?P<hedge>(?:{_HEDGE})\s*)?(?P<frac>(?:(?P<n>one|a|two|three|four)[-\s])?"
    r"(?P<part>fifth|quarter|third|tenth|half)s?)\s+of\b", re.IGNORECASE)
_COUNT_WORDS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4}
# The lower end of a range right before a quantity ("60-90 days", "between 15,000 and 30,000").
_RANGE_ENDS = ("-", "–", "to", "and")  # how the text before a range's upper end ends
_RANGE_LOW = re.compile(rf"(?:\bbetween\s+)?(?P<lo>{_DIGITS})\s*(?:[-–]|to|and)\s*$",
                        re.IGNORECASE)
# Cheap pre-filter: a sentence without a digit or a number word has no quantity.
_MAYBE = re.compile(rf"\d|\b(?:{_ones}|{_tens}|dozen|hundred|thousand|few|several|couple|half|"
                    r"fifth|quarter|third|tenth|an?\s+(?:kilomet|km|mile|square))",
                    re.IGNORECASE)
_DAY_RATE = {"day": 1, "week": 7, "month": 30.4375}
# Literals of the unit pre-filter (lowercase): every QUANTITY match ends in a unit that contains
# one of them, so a sentence without any skips the regex, which would find nothing there.
_UNIT_WORDS = ("%", "percent", "cent", "day", "week", "month", "sq", "km", "hectare", "kilomet",
               "mile", "hour", "year", "decade", "troops", "soldiers", "personnel", "fighters",
               "casualties", "men", "civilians", "people", "villages", "settlements", "towns",
               "cities", "battalions", "brigades", "regiments", "divisions", "defenders",
               "occupiers")
_DIGIT = re.compile(r"\d")


def _automaton(words) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, w)
    automaton.make_automaton()
    return automaton


_UNIT_FINDER = _automaton(_UNIT_WORDS)
_FRACTION_FINDER = _automaton(("fifth", "quarter", "third", "tenth", "half"))
_FOLD_TRAPS = re.compile("[\u0131\u017f]")  # IGNORECASE folds them onto i, s; lower() does not


_FOLD_MAP = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _fold(text: str) -> str:
    """Lowercase as IGNORECASE matching reads it: the fold traps become i and s (a matched
    "ſeven" or "FİVE" is the number word it matched as)."""
    return text.translate(_FOLD_MAP).lower()


def _maybe(text: str) -> bool:
    """Does the text hold a digit or a number word (_MAYBE)? A digit is found fastest alone."""
    return bool(_DIGIT.search(text) or _MAYBE.search(text))


def _number(m: re.Match) -> tuple[float, bool]:
    if m.group("single"):
        return 1.0, False
    if m.group("digits"):
        value = float(m.group("digits").replace(",", ""))
        if m.group("scale"):
            value *= SCALE[_fold(m.group("scale"))]
        return value, False
    if m.group("vague"):
        return float(VAGUE[re.sub(r"\s+", " ", _fold(m.group("vague")))]), True
    word = re.sub(r"\s+", " ", _fold(m.group("word")))
    if word in WORDS:
        return float(WORDS[word]), False
    if word.endswith(" and a half"):
        return float(WORDS[word[:-len(" and a half")]]) + 0.5, False
    tens, ones = re.split(r"[-\s]", word)
    return float(_TENS[tens] + _ONES.index(ones)), False


def _date_scan_start(text: str) -> int:
    """Where DATE can first match: a match ends with a year and spans at most seven
    whitespace-separated words before it (as of | the | end of | month. | day, | year), so none
    starts before the ten words ahead of the first year-like digits."""
    year = _YEAR.search(text)
    if year is None:
        return len(text)
    head = text[:year.start()].rsplit(None, 10)
    return len(head[0]) if len(head) == 11 else 0


def _dates(text: str) -> list[dict]:
    out = []
    for m in DATE.finditer(text, _date_scan_start(text)):
        if m.group("year_only") and not m.group("prep") and not m.group("part"):
            continue  # a bare year is too often a name or a count
        year = m.group("year") or m.group("year_only")
        month = MONTHS.get(_fold(m.group("month")).rstrip(".")) if m.group("month") else None
        start = m.start("prep") if m.group("prep") else m.start("part") if m.group("part") else (
            m.start("month"))
        out.append({
            "start": start, "end": m.end(), "text": text[start:m.end()], "kind": "date",
            "value": float(year), "unit": "date", "approximate": bool(m.group("part")),
            "bound": {"by": "max", "before": "max", "until": "max", "till": "max",
                      "since": "min", "after": "min", "from": "min"}.get(
                          _fold(m.group("prep") or "")),
            "date": f"{year}-{month:02d}" if month else year,
            "original_value": None, "original_unit": None,
        })
    return out


def _unit(m: re.Match, value: float) -> tuple:
    """(kind, unit, value, original_value, original_unit) of one QUANTITY match."""
    if m.group("pct"):
        return "percentage", "percent", value, None, None
    if m.group("rate"):
        original_unit = re.sub(r"\s+", " ", _fold(m.group("rate")))
        unit = _fold(m.group("rate_unit"))
        factor = (1.609344 if unit.startswith("mile") else
                  1.0 if unit.startswith(("km", "kilomet")) else 0.001)  # metres
        return ("rate", "km/day", value * factor / _DAY_RATE[_fold(m.group("per"))], value,
                original_unit)
    if m.group("area"):
        original_unit = re.sub(r"\s+", " ", _fold(m.group("area")))
        factor = 2.589988 if "mi" in original_unit else 0.01 if "hectare" in original_unit else 1
        return "area", "km2", value * factor, value, original_unit
    if m.group("dist"):
        original_unit = _fold(m.group("dist"))
        factor = 1.609344 if "mile" in original_unit else 1.0
        return "distance", "km", value * factor, value, original_unit
    if m.group("dur"):
        raw = _fold(m.group("dur")).rstrip("s")
        if raw == "decade":
            return "duration", "years", value * 10, value, "decades"
        return "duration", raw + "s", value, None, None
    return "count", _fold(m.group("count")).split()[-1], value, None, None


def _row(start, end, text, kind, value, unit, approx, bound, original, original_unit) -> dict:
    return {"start": start, "end": end, "text": text, "kind": kind, "value": round(value, 6),
            "unit": unit, "approximate": approx, "bound": bound, "date": None,
            "original_value": original, "original_unit": original_unit}


def _amounts(text: str, taken: list) -> list[dict]:
    """Numbers with units, and the lower end of a range as its own row."""
    out = []
    for m in QUANTITY.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        value, vague = _number(m)
        hedge = re.sub(r"\s+", " ", _fold((m.group("hedge") or "").strip()))
        bound = HEDGES.get(hedge) if hedge else None
        kind, unit, norm, original, original_unit = _unit(m, value)
        before = text[max(0, m.start() - 30):m.start()]
        low = _RANGE_LOW.search(before) if before.rstrip().lower().endswith(_RANGE_ENDS) else None
        if low and not hedge:
            lo = float(low.group("lo").replace(",", ""))
            lo_start = m.start() - (len(text[max(0, m.start() - 30):m.start()]) - low.start("lo"))
            _, _, lo_norm, lo_original, _ = _unit(m, lo)
            out.append(_row(lo_start, lo_start + len(low.group("lo")), low.group("lo"), kind,
                            lo_norm, unit, False, "min", lo_original, original_unit))
            bound = "max"
        out.append(_row(m.start(), m.end(), m.group(0), kind, norm, unit, vague or bool(hedge),
                        bound, original, original_unit))
    return out


def _fractions(text: str, taken: list) -> list[dict]:
    """"one-fifth of", "half of", "two-thirds of" as percentages."""
    out = []
    for m in FRACTION.finditer(text):
        start, end = m.start("frac") if not m.group("hedge") else m.start(), m.end("frac")
        if any(start < e and s < end for s, e in taken):
            continue
        n = _COUNT_WORDS.get(_fold(m.group("n") or "one"), 1)
        hedge = re.sub(r"\s+", " ", _fold((m.group("hedge") or "").strip()))
        out.append(_row(start, end, text[start:end], "percentage",
                        n * FRACTIONS[_fold(m.group("part"))], "percent", bool(hedge),
                        HEDGES.get(hedge) if hedge else None, None, _fold(m.group("frac"))))
    return out


_YEAR = re.compile(r"(?:19|20)\d\d")

def _gates(text: str) -> tuple | None:
    """(dates?, amounts?, fractions?): which steps of `find_quantities` may find something in a
    text, by their literal pre-filters (a year; a unit word, unless a fold trap makes the
    lowercase test unsound; a fraction word), or None when none may."""
    low = text.lower()
    dates = _YEAR.search(text) is not None
    units = next(_UNIT_FINDER.iter(low), None) is not None or _FOLD_TRAPS.search(text) is not None
    fractions = next(_FRACTION_FINDER.iter(low), None) is not None
    return (dates, units, fractions) if dates or units or fractions else None


def _find(text: str, gates: tuple) -> list[dict]:
    dates, units, fractions = gates
    out = _dates(text) if dates else []
    if units:
        out += _amounts(text, [(q["start"], q["end"]) for q in out])
    if fractions:
        out += _fractions(text, [(q["start"], q["end"]) for q in out])
    return sorted(out, key=lambda q: (q["start"], q["end"]))


def find_quantities(text: str) -> list[dict]:
    """Normalised quantities in one text: dicts with start, end, text, kind, value, unit, ..."""
    gates = _gates(text)
    return [] if gates is None else _find(text, gates)


PREFERENCE = {
    "duration": ["estimate", "capture_advance", "withdrawal_demand"],
    "date": ["estimate", "withdrawal_demand", "capture_advance", "annexed_claimed"],
    "rate": ["capture_advance", "estimate"],
    "percentage": ["control_status", "capture_advance", "estimate", "annexed_claimed"],
    "area": ["control_status", "capture_advance", "cession_proposal", "estimate"],
    "distance": ["withdrawal_demand", "cession_proposal", "capture_advance"],
    "count": ["capture_advance", "withdrawal_demand", "control_status"],
}


def _subjects(path=None) -> re.Pattern:
    """The war-subject regex of data/quantities.yml."""
    def parse(raw, file):
        if not isinstance(raw, dict) or not isinstance(raw.get("subjects"), list) or not all(
            isinstance(t, str) and t for t in raw["subjects"]
        ):
            raise lexicon.DataFileError(file, "expected a list of regexes under 'subjects'")
        try:
            return re.compile(r"\b(?:" + "|".join(f"(?:{t})" for t in raw["subjects"]) + r")\b",
                              re.IGNORECASE)
        except re.error as exc:
            raise lexicon.DataFileError(file, f"bad regular expression: {exc}",
                                        "subjects") from None

    return lexicon.load(lexicon.resolve(path, "quantities.yml"), parse)


def _keys(df, columns, wanted: set) -> set:
    """The (columns[0], columns[1]) pairs of `df` that are in `wanted`."""
    if df is None or len(df) == 0:
        return set()
    return wanted.intersection(zip(df[columns[0]].tolist(), df[columns[1]].tolist()))


def _by_sentence(df, columns, wanted: set, skip=None) -> dict:
    """(article_id, sentence) -> rows (dicts over `columns`, the first two being the key) of
    the sentences in `wanted`; rows whose `skip` column says "hierarchy" are left out."""
    out: dict = {}
    if df is None or len(df) == 0:
        return out
    cols = [c for c in columns if c in df.columns]
    for values in zip(*(df[c].tolist() for c in cols)):
        key = (values[0], values[1])
        if key in wanted:
            rec = dict(zip(cols, values))
            if skip is None or rec.get(skip) != "hierarchy":
                out.setdefault(key, []).append(rec)
    return out


def _attach(q: dict, claims: list, regions: list, s0: int) -> tuple:
    """(region_id, claim_id, claim_type) for one quantity: the claim on the nearest region
    mention (preferring claim types that fit its kind), else the nearest region."""
    def dist(a, b):
        return 0 if a <= q["start"] < b or a < q["end"] <= b else min(
            abs(q["start"] - b), abs(a - q["end"]))

    if claims:
        prefs = PREFERENCE.get(q["kind"], [])

        def score(c):
            rank = prefs.index(c["claim_type"]) if c["claim_type"] in prefs else len(prefs)
            return (dist(int(c["evidence_start"]), int(c["evidence_end"])), rank, c["claim_id"])

        best = min(claims, key=score)
        return best["region_id"], best["claim_id"], best["claim_type"]
    if regions:
        best = min(regions, key=lambda r: (dist(int(r["start"]) - s0, int(r["end"]) - s0),
                                           r["region_id"]))
        return best["region_id"], None, None
    return None, None, None


def _rows(sentences, texts, found: dict, claims, mentions, regions) -> list[dict]:
    """The quantity rows of the sentences in `found` that are about the war."""
    arts, snos = sentences["article_id"].tolist(), sentences["sentence"].tolist()
    starts = sentences["start"].tolist()
    fields = sentences["field"].tolist() if "field" in sentences.columns else None
    wanted = {(arts[i], snos[i]) for i in found}
    claims_at = _by_sentence(claims, ["article_id", "sentence", "claim_id", "claim_type",
                                      "region_id", "via", "evidence_start", "evidence_end"],
                             wanted, skip="via")
    regions_at = _by_sentence(regions, ["article_id", "sentence", "start", "end", "region_id"],
                              wanted)
    about_war = set(claims_at) | set(regions_at) | _keys(linked_only(mentions),
                                                         ["article_id", "sentence"], wanted)
    subjects = _subjects()
    rows = []
    for i, gates in found.items():
        text, key = texts[i], (arts[i], snos[i])
        if key not in about_war and not subjects.search(text):
            continue
        s0 = int(starts[i])
        for q in _find(text, gates):
            region_id, claim_id, claim_type = _attach(q, claims_at.get(key, []),
                                                      regions_at.get(key, []), s0)
            rows.append({
                "article_id": key[0], "sentence": int(key[1]),
                "start": q["start"] + s0, "end": q["end"] + s0, "text": q["text"],
                "kind": q["kind"], "value": q["value"], "unit": q["unit"],
                "approximate": q["approximate"], "bound": q["bound"], "date": q["date"],
                "original_value": q["original_value"], "original_unit": q["original_unit"],
                "region_id": region_id, "claim_id": claim_id, "claim_type": claim_type,
                "field": (fields[i] if fields is not None else None) or "text",
            })
    return rows


def quantities(sentences: pd.DataFrame, claims: pd.DataFrame | None,
               mentions: pd.DataFrame | None = None,
               regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quantities in every sentence about the war, attached to the nearest claim or region.

    A sentence is about the war when it carries a claim or mentions a region (`regions`: region
    mentions), an actor (`mentions`) or a subject of data/quantities.yml. Offsets are in field
    coordinates (like mentions); a quantity takes the claim on the region mention nearest to it
    in the sentence, preferring claim types that fit its kind (durations and dates -> estimate,
    percentages and areas -> control status, ...), else the nearest region mention
    (`claim_id` empty), else neither.
    """
    if sentences is None or len(sentences) == 0:
        return schema.empty("quantities")
    texts = sentences["text"].tolist()
    found = {}  # sentence index -> gates, for the sentences where a number may be found
    for i, text in enumerate(texts):
        if isinstance(text, str):
            gates = _gates(text)
            if gates is not None and _maybe(text):
                found[i] = gates
    rows = []
    if found:
        rows = _rows(sentences, texts, found, claims, mentions, regions)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["article_id", "sentence", "start"],
                           kind="stable").reset_index(drop=True)
