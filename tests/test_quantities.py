"""Quantities: numbers, word numbers, units and their normalisation, attachment to claims."""

import pandas as pd
import pytest
from newslens.analysis.quantities import COLUMNS, find_quantities, quantities


@pytest.mark.parametrize("text,kind,value,unit,approximate", [
    ("nearly two more years", "duration", 2, "years", True),
    ("a few months", "duration", 3, "months", True),
    ("one and a half years", "duration", 1.5, "years", False),
    ("18 months", "duration", 18, "months", False),
    ("two decades", "duration", 20, "years", False),
    ("20%", "percentage", 20, "percent", False),
    ("about 19 percent", "percentage", 19, "percent", True),
    ("7.5 per cent", "percentage", 7.5, "percent", False),
    ("116,000 square kilometres", "area", 116000, "km2", False),
    ("some 5,000 sq km", "area", 5000, "km2", True),
    ("1,000 km²", "area", 1000, "km2", False),
    ("100 square miles", "area", 258.9988, "km2", False),
    ("0.12 km per day", "rate", 0.12, "km/day", False),
    ("7 kilometres a week", "rate", 1, "km/day", False),
    ("twenty-five km", "distance", 25, "km", False),
    ("10 miles", "distance", 16.09344, "km", False),
    ("50,000 troops", "count", 50000, "troops", False),
    ("more than 1.5 million soldiers", "count", 1.5e6, "soldiers", True),
    ("dozens of villages", "count", 24, "villages", True),
    ("hundreds of soldiers", "count", 200, "soldiers", True),
    ("a dozen settlements", "count", 12, "settlements", False),
])
def test_numbers_and_units(text, kind, value, unit, approximate):
    found = find_quantities(f"It said {text} were at stake.")
    assert len(found) == 1 and found[0]["text"] == text
    q = found[0]
    assert (q["kind"], q["unit"], q["approximate"]) == (kind, unit, approximate)
    assert q["value"] == pytest.approx(value)


@pytest.mark.parametrize("text,date,bound", [
    ("by August 2027", "2027-08", "max"), ("since February 2022", "2022-02", "min"),
    ("in 2014", "2014", None), ("by the end of 2026", "2026", "max"),
    ("on Feb. 24, 2022", "2022-02", None),
])
def test_dates(text, date, bound):
    found = find_quantities(f"Troops moved {text}.")
    assert [(q["text"], q["kind"], q["date"], q["bound"]) for q in found] == [
        (text, "date", date, bound)]


def test_bounds_and_bare_years():
    assert find_quantities("up to 10 km")[0]["bound"] == "max"
    assert find_quantities("at least 3 villages")[0]["bound"] == "min"
    assert find_quantities("The 2022 invasion and 2,000 reasons.") == []


def test_attachment_prefers_fitting_claim_type():
    sents = pd.DataFrame([{"article_id": "a", "paragraph": 1, "sentence": 1, "start": 10,
                           "end": 60, "text": "X estimates it takes two years to capture Y.",
                           "field": "text"}])
    base = {"article_id": "a", "sentence": 1, "region_id": "y", "via": "mention",
            "evidence_start": 42, "evidence_end": 43}
    claims = pd.DataFrame([{**base, "claim_id": "c1", "claim_type": "capture_advance"},
                           {**base, "claim_id": "c2", "claim_type": "estimate"}])
    out = quantities(sents, claims)
    assert list(out.columns) == COLUMNS
    assert out[["text", "start", "claim_id"]].values.tolist() == [["two years", 31, "c2"]]
    assert quantities(sents, claims.iloc[0:0]).empty


@pytest.mark.parametrize("text, expected", [
    ("elections within 60-90 days", [("60", 60, "days", "min"), ("90 days", 90, "days", "max")]),
    ("between 15,000 and 30,000 troops",
     [("15,000", 15000, "troops", "min"), ("30,000 troops", 30000, "troops", "max")]),
    ("about one-fifth of the region", [("about one-fifth", 20, "percent", None)]),
    ("two-thirds of the oblast", [("two-thirds", 66.666667, "percent", None)]),
    ("half of the town", [("half", 50, "percent", None)]),
    ("advancing 70 meters per day", [("70 meters per day", 0.07, "km/day", None)]),
    ("within 24 hours", [("24 hours", 24, "hours", None)]),
    ("a kilometre from the city", [("a kilometre", 1, "km", None)]),
    ("roughly 15 Ukrainian battalions", [("roughly 15 Ukrainian battalions", 15, "battalions",
                                          None)]),
    ("three and a half years", [("three and a half years", 3.5, "years", None)]),
    ("a 30-day ceasefire", [("30-day", 30, "days", None)]),
])
def test_ranges_fractions_and_new_units(text, expected):
    found = find_quantities(f"They spoke of {text} on Monday.")
    assert [(q["text"], q["unit"], q["bound"]) for q in found] == [
        (t, u, b) for t, _, u, b in expected]
    assert [q["value"] for q in found] == pytest.approx([v for _, v, _, _ in expected])


def test_metres_per_day_keep_the_original_value():
    q = find_quantities("The push moved at roughly 23 meters per day.")[0]
    assert (q["original_value"], q["original_unit"], q["approximate"]) == (
        23, "meters per day", True)


def frames_of(*texts):
    sents = pd.DataFrame([{"article_id": "a", "paragraph": 1, "sentence": i, "start": 100 * i,
                           "end": 100 * i + len(t), "text": t, "field": "text"}
                          for i, t in enumerate(texts)])
    return sents


def test_numbers_of_every_war_sentence_attach_to_a_claim_a_region_or_nothing():
    sents = frames_of("Russian forces took 13 settlements near Pokrovsk.",
                      "A 60-day ceasefire is being discussed.",
                      "The museum has 300 paintings.",
                      "The front line near Kupiansk is 40 km long.")
    claims = pd.DataFrame([{"article_id": "a", "sentence": 0, "claim_id": "c0",
                            "claim_type": "capture_advance", "region_id": "pokrovsk",
                            "via": "mention", "evidence_start": 41, "evidence_end": 49}])
    regions = pd.DataFrame([{"article_id": "a", "sentence": 3, "start": 320, "end": 328,
                             "region_id": "kupiansk"}])
    out = quantities(sents, claims, regions=regions)
    got = out[["sentence", "text", "region_id", "claim_id"]].astype(object).where(
        out[["sentence", "text", "region_id", "claim_id"]].notna(), None).values.tolist()
    assert got == [[0, "13 settlements", "pokrovsk", "c0"],
                   [1, "60-day", None, None],  # a war subject (ceasefire), no region
                   [3, "40 km", "kupiansk", None]]  # the museum's paintings are not the war's


@pytest.mark.parametrize("text,value,unit,bound", [
    ("\u017feven troops", 7, "troops", None),          # long s: IGNORECASE reads "seven"
    ("F\u0130VE troops", 5, "troops", None),            # dotted capital I
    ("f\u0131ve km", 5, "km", None),                    # dotless i
    ("\u017feveral villages", 3, "villages", None),
    ("3 m\u0131llion people", 3e6, "people", None),
    ("a\u017f many as 5 m\u0131les", 8.04672, "km", "max"),
])
def test_fold_traps_read_as_the_words_they_match(text, value, unit, bound):
    """A number word the regex matched through a case fold (ſ, İ, ı) is read as that word
    (this raised ValueError/KeyError and stopped the whole stage)."""
    [q] = find_quantities(f"Reports said {text} were involved.")
    assert (q["text"], q["unit"], q["bound"]) == (text, unit, bound)
    assert q["value"] == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "Sunday was quiet in the government district.",  # unit words inside other words only
    "The 2022 invasion.",                             # a bare year
    "Fighting went on.",
])
def test_sentences_without_a_quantity_give_nothing(text):
    assert find_quantities(text) == []


def test_dates_found_after_many_words_and_ranges_with_spaces():
    """The date scan starts ten words before the first year; a range keeps its lower end."""
    text = ("One two three four five six seven eight nine ten eleven twelve words later, "
            "troops moved by the end of March 2023 and then between 15,000  and 30,000 troops.")
    found = [(q["kind"], q["text"], q["bound"]) for q in find_quantities(text)]
    assert ("date", "by the end of March 2023", "max") in found
    assert ("count", "15,000", "min") in found and ("count", "30,000 troops", "max") in found
