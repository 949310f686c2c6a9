"""Numbers attached to territorial claims, normalised: percentages, areas, distances, rates,
durations, dates and counts (troops, villages).

`find_quantities(text)` parses one text; `quantities(sentences, claims)` parses the sentences that
carry claims and attaches each number to the claim of the nearest region mention in the sentence.

Normalisation: areas -> km² (square miles x 2.589988), distances -> km (miles x 1.609344), rates ->
km/day, decades -> years; dates -> "YYYY-MM" or "YYYY" in `date` (value = year). Word numbers
(one..ninety-nine, a dozen, hundred, thousand, half) are read; vague amounts take their lower bound
and are approximate: a couple 2, a few 3, several 3, dozens 24, hundreds 200, thousands 2000.
Hedges ("nearly", "about", "some", "more than", "up to") set approximate; "more than"/"at least"
set bound="min", "up to"/"less than" bound="max".
"""

from __future__ import annotations

import re

import pandas as pd

from newslens import lexicon, schema

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

_tens = "|".join(_TENS)
_ones = "|".join(sorted(_ONES, key=len, reverse=True))
_WORD_NUM = (
    rf"(?:one\s+and\s+a\s+half|half\s+an?|a\s+half|(?:{_tens})[-\s](?:one|two|three|four|five|six"
    rf"|seven|eight|nine)|(?:a|one)\s+(?:hundred|thousand|million)|a\s+dozen|{_ones}|{_tens})"
)
_VAGUE = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(VAGUE, key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_HEDGE = "|".join(re.escape(h).replace(r"\ ", r"\s+")
                  for h in sorted(HEDGES, key=len, reverse=True))
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
    rf"|\s*(?P<rate>(?:{_DIST})\s*(?:per|a|an|/|each)\s*(?P<per>day|week|month))"
    rf"|\s*(?P<area>{_AREA})"
    rf"|\s*(?P<dist>{_DIST})\b"
    r"|[\s-]*(?P<dur>days?|weeks?|months?|years?|decades?)\b"
    r"|\s+(?P<count>(?:\w+\s+)?(?:troops|soldiers|servicemen|personnel|fighters|casualties|men|"
    r"civilians|people|villages|settlements|towns|cities))\b"
)
QUANTITY = re.compile(rf"(?<![\w.,])(?:{_NUMBER})(?:{_UNIT})", re.IGNORECASE)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = re.compile(
    r"\b(?P<prep>by|in|since|until|till|before|after|from|through|as\s+of|on)?\s*"
    r"(?:(?:the\s+)?(?P<part>early|mid|late|end\s+of|beginning\s+of|start\s+of)[-\s]+)?"
    rf"(?:(?P<month>{_MONTH})\.?\s+(?:\d{{1,2}},?\s+)?(?P<year>(?:19|20)\d\d)"
    r"|(?P<year_only>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
# Cheap pre-filter: a sentence without a digit or a number word has no quantity.
_MAYBE = re.compile(rf"\d|\b(?:{_ones}|{_tens}|dozen|hundred|thousand|few|several|couple|half)\b",
                    re.IGNORECASE)
_DAY_RATE = {"day": 1, "week": 7, "month": 30.4375}


def _number(m: re.Match) -> tuple[float, bool]:
    if m.group("digits"):
        value = float(m.group("digits").replace(",", ""))
        if m.group("scale"):
            value *= SCALE[m.group("scale").lower()]
        return value, False
    if m.group("vague"):
        return float(VAGUE[re.sub(r"\s+", " ", m.group("vague").lower())]), True
    word = re.sub(r"\s+", " ", m.group("word").lower())
    if word in WORDS:
        return float(WORDS[word]), False
    tens, ones = re.split(r"[-\s]", word)
    return float(_TENS[tens] + _ONES.index(ones)), False


def find_quantities(text: str) -> list[dict]:
    """Normalised quantities in one text: dicts with start, end, text, kind, value, unit, ..."""
    out = []
    for m in DATE.finditer(text):
        if m.group("year_only") and not m.group("prep") and not m.group("part"):
            continue  # a bare year is too often a name or a count
        year = m.group("year") or m.group("year_only")
        month = MONTHS.get(m.group("month").lower().rstrip(".")) if m.group("month") else None
        start = m.start("prep") if m.group("prep") else m.start("part") if m.group("part") else (
            m.start("month"))
        out.append({
            "start": start, "end": m.end(), "text": text[start:m.end()], "kind": "date",
            "value": float(year), "unit": "date", "approximate": bool(m.group("part")),
            "bound": {"by": "max", "before": "max", "until": "max", "till": "max",
                      "since": "min", "after": "min", "from": "min"}.get(
                          (m.group("prep") or "").lower()),
            "date": f"{year}-{month:02d}" if month else year,
            "original_value": None, "original_unit": None,
        })
    taken = [(q["start"], q["end"]) for q in out]
    for m in QUANTITY.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        value, vague = _number(m)
        hedge = re.sub(r"\s+", " ", (m.group("hedge") or "").strip().lower())
        approx = vague or bool(hedge)
        bound = HEDGES.get(hedge) if hedge else None
        original_unit = None
        if m.group("pct"):
            kind, unit = "percentage", "percent"
        elif m.group("rate"):
            original_unit = re.sub(r"\s+", " ", m.group("rate").lower())
            per = m.group("per").lower()
            km = value * (1.609344 if re.match(r"mile", original_unit) else 1.0)
            kind, unit = "rate", "km/day"
            value, original = km / _DAY_RATE[per], value
        elif m.group("area"):
            original_unit = re.sub(r"\s+", " ", m.group("area").lower())
            factor = (2.589988 if "mi" in original_unit
                      else 0.01 if "hectare" in original_unit else 1)
            kind, unit = "area", "km2"
            value, original = value * factor, value
        elif m.group("dist"):
            original_unit = m.group("dist").lower()
            kind, unit = "distance", "km"
            value, original = value * (1.609344 if "mile" in original_unit else 1.0), value
        elif m.group("dur"):
            raw = m.group("dur").lower().rstrip("s")
            kind, unit = "duration", {"decade": "years"}.get(raw, raw + "s")
            if raw == "decade":
                original_unit, original = "decades", value
                value *= 10
        else:
            noun = m.group("count").lower().split()[-1]
            kind, unit = "count", noun
        if original_unit is None:
            original = None
        out.append({
            "start": m.start(), "end": m.end(), "text": m.group(0), "kind": kind,
            "value": round(value, 6), "unit": unit, "approximate": approx, "bound": bound,
            "date": None, "original_value": original, "original_unit": original_unit,
        })
    return sorted(out, key=lambda q: (q["start"], q["end"]))


PREFERENCE = {
    "duration": ["estimate", "capture_advance", "withdrawal_demand"],
    "date": ["estimate", "withdrawal_demand", "capture_advance", "annexed_claimed"],
    "rate": ["capture_advance", "estimate"],
    "percentage": ["control_status", "capture_advance", "estimate", "annexed_claimed"],
    "area": ["control_status", "capture_advance", "cession_proposal", "estimate"],
    "distance": ["withdrawal_demand", "cession_proposal", "capture_advance"],
    "count": ["capture_advance", "withdrawal_demand", "control_status"],
}


def quantities(sentences: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Quantities in sentences that carry claims, attached to the nearest claimed region.

    Offsets are in field coordinates (like mentions); a quantity takes the claim on the region
    mention nearest to it in the sentence, preferring claim types that fit its kind
    (durations and dates -> estimate, percentages and areas -> control status, ...).
    """
    if sentences is None or claims is None or len(sentences) == 0 or len(claims) == 0:
        return schema.empty("quantities")
    from newslens.analysis.territory import _records

    crecs = _records(claims, ["article_id", "sentence", "claim_id", "claim_type", "region_id",
                              "via", "evidence_start", "evidence_end"])
    by_sentence: dict = {}
    for c in crecs:
        by_sentence.setdefault((c["article_id"], c["sentence"]), []).append(c)
    sent = {}
    for rec in _records(sentences, ["article_id", "sentence", "start", "text", "field"]):
        if (rec["article_id"], rec["sentence"]) in by_sentence:
            sent[(rec["article_id"], rec["sentence"])] = rec
    rows = []
    for (article_id, sno) in sorted(by_sentence):
        srow = sent[(article_id, sno)]
        text, s0 = srow["text"], int(srow["start"])
        if not _MAYBE.search(text):
            continue
        found = find_quantities(text)
        if not found:
            continue
        group = by_sentence[(article_id, sno)]
        cands = [c for c in group if c.get("via") != "hierarchy"] or group
        for q in found:
            def score(c, q=q):
                a, b = int(c["evidence_start"]), int(c["evidence_end"])
                dist = 0 if a <= q["start"] < b or a < q["end"] <= b else min(
                    abs(q["start"] - b), abs(a - q["end"]))
                prefs = PREFERENCE.get(q["kind"], [])
                rank = prefs.index(c["claim_type"]) if c["claim_type"] in prefs else len(prefs)
                return (dist, rank, c["claim_id"])

            best = min(cands, key=score)
            rows.append({
                "article_id": article_id, "sentence": int(sno),
                "start": q["start"] + s0, "end": q["end"] + s0, "text": q["text"],
                "kind": q["kind"], "value": q["value"], "unit": q["unit"],
                "approximate": q["approximate"], "bound": q["bound"], "date": q["date"],
                "original_value": q["original_value"], "original_unit": q["original_unit"],
                "region_id": best["region_id"], "claim_id": best["claim_id"],
                "claim_type": best["claim_type"], "field": srow.get("field") or "text",
            })
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["article_id", "sentence", "start"],
                           kind="stable").reset_index(drop=True)
