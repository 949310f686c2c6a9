"""Territorial claims on the seed (real pipeline) and on invented sentences of every claim type."""

import pandas as pd
import pytest
from conftest import assert_data_error
from newslens.analysis.territory import (
    CLAIM_COLUMNS,
    CLAIM_TYPES,
    load_claim_cues,
    region_rollup,
    territorial_claims,
)
from newslens.engine.pipeline import analyze_articles, summarize
from newslens.io.corpus import load_corpus


@pytest.fixture(scope="module")
def seed():
    articles = load_corpus("seeds")
    tables = analyze_articles(articles)
    tables.update(summarize(tables, articles))
    return tables


def rows(claims, **where):
    mask = pd.Series(True, index=claims.index)
    for col, value in where.items():
        mask &= claims[col] == value
    return claims[mask]


def test_seed_donbas_withdrawal_demand_by_russia_stated_by_putin(seed):
    claims = seed["claims"]
    assert list(claims.columns) == CLAIM_COLUMNS
    donbas = rows(claims, region_id="donbas", claim_type="withdrawal_demand")
    assert len(donbas) == 1
    row = donbas.iloc[0]
    assert (row.claimant, row.counterpart, row.stated_by) == ("russia", "ukraine", "putin")
    assert row.evidence[row.evidence_start:row.evidence_end] == "Donbas region"


def test_seed_luhansk_and_donetsk_are_parts_of_donbas(seed):
    parts = rows(seed["claims"], part_of="donbas", claim_type="withdrawal_demand")
    assert sorted(parts["region_id"]) == ["donetsk", "luhansk"]
    assert set(parts["via"]) == {"includes"}
    assert set(parts["iso_code"]) == {"UA-14", "UA-09"}
    assert set(parts["stated_by"]) == {"putin"}


def test_seed_isw_estimate_on_donetsk(seed):
    est = rows(seed["claims"], region_id="donetsk", claim_type="estimate")
    assert len(est) == 1
    assert (est.iloc[0].claimant, est.iloc[0].stated_by) == ("isw", "isw")
    q = seed["quantities"]
    q = q[q["claim_id"] == est.iloc[0].claim_id]
    assert q[["text", "value", "unit", "approximate"]].values.tolist() == [
        ["nearly two more years", 2.0, "years", True]]


def test_seed_generic_claims(seed):
    claims = seed["claims"]
    claimed = rows(claims, region_id="generic:claimed_regions")
    assert set(claimed["claim_type"]) == {"annexed_claimed", "withdrawal_demand"}
    assert set(claimed["claimant"]) == {"russia"} and set(claimed["stated_by"]) == {"putin"}
    occupied = rows(claims, region_id="generic:occupied_territories")
    assert occupied[["claim_type", "claimant", "counterpart", "context"]].values.tolist() == [
        ["control_status", "russia", "ukraine", "peace_plan"]]


def test_seed_rollup_counts_parts_for_donbas(seed):
    rollup = seed["region_rollup"].set_index("region_id")
    donbas = rollup.loc["donbas"]
    assert "estimate" in donbas.claim_types and "isw" in donbas.claimants
    assert donbas.n_claims == 3 and donbas.n_direct == 1  # withdrawal, Donetsk capture + estimate
    assert donbas.includes == "donetsk; luhansk"
    assert "nearly two more years = 2 years (approx.)" in donbas.quantities
    assert rollup.loc["donetsk", "iso_code"] == "UA-14"


SYNTHETIC = {
    "withdrawal_demand": ("Moscow demands that Ukrainian troops pull out of Zaporizhzhia.",
                          "zaporizhzhia", "russia", "ukraine"),
    "annexed_claimed": ("Russia annexed Crimea in 2014.", "crimea", "russia", "ukraine"),
    "control_status": ("Kherson city is held by Ukraine.", "kherson_city", "ukraine", "russia"),
    "capture_advance": ("Russian forces captured Avdiivka in February 2024.", "avdiivka",
                        "russia", "ukraine"),
    "estimate": (("The Institute for the Study of War estimates it could take a few months to "
                 "capture Pokrovsk."), "pokrovsk", "isw", None),
    "cession_proposal": (("The US plan would require Ukraine to cede the rest of the Donetsk "
                         "region."), "donetsk", "united_states", "ukraine"),
    "recognition_demand": ("Putin demanded that the United States recognise Crimea as Russian.",
                           "crimea", "russia", "united_states"),
    "rejects_concession": ("Zelensky said Ukraine will never cede Donbas.", "donbas", "ukraine",
                           "russia"),
}


@pytest.fixture(scope="module")
def synthetic():
    texts = [v[0] for v in SYNTHETIC.values()] + [
        "Russia has annexed Donbas and claims the four annexed regions.",
        "Ukraine must leave the new territories, the Kremlin said.",
        "Kyiv refuses to withdraw from Kramatorsk.",
        "Russia controls about 20% of Ukraine's territory, or 116,000 square kilometres.",
    ]
    articles = pd.DataFrame({"article_id": [f"s{i:02d}" for i in range(len(texts))],
                             "title": "", "text": texts, "source": "synthetic",
                             "published": pd.to_datetime("2025-11-01")})
    return analyze_articles(articles)


@pytest.mark.parametrize("claim_type", CLAIM_TYPES)
def test_every_claim_type(synthetic, claim_type):
    _, region_id, claimant, counterpart = SYNTHETIC[claim_type]
    found = rows(synthetic["claims"], region_id=region_id, claim_type=claim_type)
    assert len(found) == 1, synthetic["claims"][["article_id", "region_id", "claim_type"]]
    assert found.iloc[0].claimant == claimant
    if counterpart is not None:
        assert found.iloc[0].counterpart == counterpart


def test_rejection_is_not_a_cession_or_withdrawal(synthetic):
    claims = synthetic["claims"]
    assert rows(claims, region_id="donbas", claim_type="cession_proposal").empty
    kram = rows(claims, region_id="kramatorsk")
    assert kram[["claim_type", "claimant"]].values.tolist() == [["rejects_concession", "ukraine"]]


def test_hierarchy_rows_for_macro_and_generic_members(synthetic):
    claims = rows(synthetic["claims"], claim_type="annexed_claimed", via="hierarchy")
    assert sorted(zip(claims["part_of"], claims["region_id"])) == [
        ("donbas", "donetsk"), ("donbas", "luhansk"),
        ("generic:annexed_regions", "kherson"), ("generic:annexed_regions", "zaporizhzhia")]
    assert set(synthetic["claims"]["published"]) == {pd.Timestamp("2025-11-01")}


def test_generic_default_claimant_is_not_the_sentence_subject(synthetic):
    new = rows(synthetic["claims"], region_id="generic:new_territories")
    assert sorted(new[["claim_type", "claimant", "counterpart"]].values.tolist()) == [
        ["annexed_claimed", "russia", "ukraine"], ["withdrawal_demand", "russia", "ukraine"]]


def test_rollup_and_empty_inputs():
    assert list(territorial_claims(pd.DataFrame(), None, None).columns) == CLAIM_COLUMNS
    assert region_rollup(pd.DataFrame(columns=CLAIM_COLUMNS)).empty


def test_bad_cue_file_gives_clear_error(tmp_path):
    assert_data_error(tmp_path, "claim_cues.yml",
                      "claim_types:\n  capture_advance:\n    cues: ['(unclosed']\n",
                      load_claim_cues, "claim_types.capture_advance.cues: bad regular")
    assert_data_error(tmp_path, "claim_cues.yml", "claim_types:\n  land_grab:\n    cues: [grab]\n",
                      load_claim_cues, "unknown claim type")


def test_cue_prefilter_never_hides_a_match():
    from newslens import compat
    from newslens.analysis import territory

    cues = territory.load_claim_cues()
    texts = [
        "Russia demands that Ukraine withdraw its troops from Donetsk.",
        "Kyiv will never cede Zaporizhzhia, he said; the land swap is off the table.",
        "Russian forces captured Pokrovsk and now control most of the Luhansk region.",
        "Moscow wants de jure recognition of Crimea as Russian.",
        "Analysts estimate that Russia holds about 19% of Ukraine.",
        "The weather in Kherson was mild.",
    ]
    for ct in cues.types.values():
        assert compat.required_literals(ct.pattern.pattern), ct.name
        for text in texts:
            full = [(m.start(), m.end(), m.group(0)) for m in ct.pattern.finditer(text)]
            assert territory._finditer(ct.pattern, text, text.lower()) == full
            assert territory._finditer(ct.pattern, text, None) == full

