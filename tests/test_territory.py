"""Territorial claims on the seed (real pipeline) and on invented sentences of every claim type."""

import pandas as pd
import pytest
from conftest import assert_data_error
from newslens.analysis.territory import (
    CHANGE_COLUMNS,
    CLAIM_COLUMNS,
    CLAIM_TYPES,
    control_changes,
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
    article = f"s{list(SYNTHETIC).index(claim_type):02d}"
    found = rows(synthetic["claims"], region_id=region_id, claim_type=claim_type,
                 article_id=article)
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
        ("generic:annexed_regions", "kherson"), ("generic:annexed_regions", "zaporizhzhia"),
        # "the new territories" (Russian usage) are the four annexed oblasts
        ("generic:new_territories", "donetsk"), ("generic:new_territories", "kherson"),
        ("generic:new_territories", "luhansk"), ("generic:new_territories", "zaporizhzhia")]
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
    from newslens.analysis.territory import cues as claim_cues

    cues = claim_cues.load_claim_cues()
    texts = [
        "Russia demands that Ukraine withdraw its troops from Donetsk.",
        "Kyiv will never cede Zaporizhzhia, he said; the land swap is off the table.",
        "Russian forces captured Pokrovsk and now control most of the Luhansk region.",
        "Moscow wants de jure recognition of Crimea as Russian.",
        "Analysts estimate that Russia holds about 19% of Ukraine.",
        "Kyiv’s troops have withdrawn from the town, the Kremlin’s envoy said.",
        "The WITHDRAWAL of Russian forces from Kherson was announced.",
        "Forces ſeized the town and the dıstrict.",  # folding traps: every cue runs
        "The weather in Kherson was mild.",
    ]
    for text in texts:
        hits = claim_cues.rule_hits(cues, text)
        for name, ct in cues.types.items():
            full = [(m.start(), m.end(), m.group(0)) for m in ct.pattern.finditer(text)]
            assert list(hits[name]) == full, (name, text)
    assert claim_cues.lowered("the dıstrict") is None


# ---------------------------------------------------------------- claims on real-shaped sentences
def claims_of(*texts, title=""):
    """Claims of one invented article per text (the real pipeline)."""
    articles = pd.DataFrame({"article_id": [f"c{i:02d}" for i in range(len(texts))],
                             "title": title, "text": list(texts), "source": "invented",
                             "published": pd.to_datetime("2025-12-01")})
    return analyze_articles(articles)["claims"]


def facts(claims, *cols):
    cols = cols or ("region_id", "claim_type", "claimant", "counterpart")
    return sorted(tuple(None if pd.isna(v) else v for v in row)
                  for row in claims[list(cols)].itertuples(index=False))


def test_every_region_of_a_coordinated_list_takes_the_claim():
    claims = claims_of("Moscow demands that Ukraine withdraw from Donetsk, Luhansk, "
                       "Zaporizhzhia and Kherson.")
    assert facts(claims) == [(r, "withdrawal_demand", "russia", "ukraine")
                             for r in ("donetsk", "kherson", "luhansk", "zaporizhzhia")]


def test_demander_and_the_side_that_must_act_come_from_the_cue_roles():
    claims = claims_of("Putin tied any halt in the fighting to the withdrawal of Ukrainian "
                       "troops from Donbas.")
    assert ("donbas", "withdrawal_demand", "russia", "ukraine") in facts(claims)


@pytest.mark.parametrize("text, region, rule, change, claimant, counterpart", [
    ("Russian forces captured Toretsk on Monday, the ministry said.", "toretsk",
     "capture_advance", True, "russia", "ukraine"),
    ("Ukrainian troops withdrew from Vuhledar after weeks of fighting.", "vuhledar",
     "withdrawal_report", True, "russia", "ukraine"),
    ("Russian bloggers claimed that Ukrainian units were encircled in Kupiansk.", "kupiansk",
     "encirclement", False, "russia", "ukraine"),
    ("Russian forces are trying to take Kostiantynivka.", "kostiantynivka", "capture_advance",
     False, "russia", "ukraine"),
    ("Ukrainian forces repelled twelve assaults near Pokrovsk.", "pokrovsk", "advance", False,
     "russia", "ukraine"),
])
def test_captures_advances_and_control_changes(text, region, rule, change, claimant,
                                               counterpart):
    row = rows(claims_of(text), region_id=region).iloc[0]
    assert (row.claim_type, row.rule, row.control_change, row.claimant, row.counterpart) == (
        "capture_advance", rule, change, claimant, counterpart)


def test_a_failed_capture_means_the_other_side_still_holds_it():
    row = rows(claims_of("The enemy failed to capture Orikhiv, the brigade said."),
               region_id="orikhiv").iloc[0]
    assert (row.claim_type, row.rule, row.claimant, row.control_change) == (
        "control_status", "capture_advance+negated", "ukraine", False)


@pytest.mark.parametrize("text, region, rule, claimant", [
    ("There are no enemies in Kupiansk itself, the spokesman said.", "kupiansk", "absence",
     "ukraine"),
    ("Russian troops hold most of Siversk.", "siversk", "control_status", "russia"),
    ("Kupiansk remains under the control of Ukraine's Defense Forces.", "kupiansk",
     "control_status", "ukraine"),
    ("In the Donetsk People's Republic, the South grouping holds parts of Kostiantynivka.",
     "kostiantynivka", "control_status", "russia"),
])
def test_control_claims(text, region, rule, claimant):
    claims = claims_of(text)
    row = rows(claims, region_id=region).iloc[0]
    assert (row.claim_type, row.rule, row.claimant) == ("control_status", rule, claimant)
    assert rows(claims, region_id="donetsk").empty  # the scene-setting "In the DPR" takes none


def test_a_region_that_locates_another_takes_no_claim():
    claims = claims_of("Russian troops took Novopavlivka in the Dnipropetrovsk region.")
    assert facts(claims, "region_id", "parent", "claimant") == [
        ("place:novopavlivka", "dnipropetrovsk", "russia")]


def test_a_framing_cue_and_the_cue_it_frames_both_claim():
    claims = claims_of("Washington would recognise Russian control of Crimea.")
    # Russia claims control and demands recognition; the United States is to recognise it
    assert facts(claims) == [("crimea", "control_status", "russia", "ukraine"),
                             ("crimea", "recognition_demand", "russia", "united_states")]


def test_a_plan_stands_for_its_author_and_a_possessive_is_the_agent():
    claims = claims_of("The 28-point plan would have Ukraine give up Donbas.",
                       "The framework includes recognition of Russia's annexation of Crimea.",
                       "The U.S. plan would have Ukraine give up Donbas.",
                       "Reports said the draft, written with Moscow, would make Kyiv cede "
                       "Donbas.")
    found = facts(claims, "article_id", "region_id", "claim_type", "claimant", "counterpart")
    # a plan that names no author is no side: the claimant stays empty, never "plan"
    assert ("c00", "donbas", "cession_proposal", None, "ukraine") in found
    assert ("c01", "crimea", "annexed_claimed", "russia", "ukraine") in found
    assert ("c02", "donbas", "cession_proposal", "united_states", "ukraine") in found
    assert ("c03", "donbas", "cession_proposal", "russia", "ukraine") in found
    # the plan named before, with its author
    later = claims_of("Kyiv will study a U.S.-backed plan to end the war. The 28-point plan "
                      "would have Ukraine give up Donbas.")
    assert facts(rows(later, via="mention"), "region_id", "claimant") == [
        ("donbas", "united_states")]


def test_claimants_are_sides_never_outlets_or_nouns():
    claims = claims_of("Reuters said Russian forces captured Toretsk.",
                       "The SBU said its forces entered Kupiansk.",
                       "The draft demands that Kyiv cede Donbas.")
    sides = {"russia", "ukraine", "united_states"}
    assert set(claims["claimant"].dropna()) <= sides
    assert set(claims["counterpart"].dropna()) <= sides
    assert ("kupiansk", "ukraine") in facts(claims, "region_id", "claimant")


def test_an_origin_is_not_a_target_and_a_clause_keeps_its_verb():
    claims = claims_of("Russian troops advanced from the direction of Bakhmut towards Chasiv Yar.",
                       "Russian forces captured Pokrovsk, while Ukrainian troops still hold "
                       "Kramatorsk.")
    assert rows(claims, region_id="bakhmut").empty
    assert facts(claims, "region_id", "claim_type", "claimant") == [
        ("chasiv_yar", "capture_advance", "russia"),
        ("kramatorsk", "control_status", "ukraine"),
        ("pokrovsk", "capture_advance", "russia")]


def test_a_long_clause_carries_its_verb_from_list_to_list():
    claims = claims_of("Russian forces are advancing south of Siversk, in the areas of the "
                       "villages of Zvanivka and Vyimka (which were shelled overnight), and "
                       "further north near the village of Bilohorivka.")
    assert facts(claims, "region_id", "claimant") == [
        ("place:bilohorivka", "russia"), ("place:vyimka", "russia"),
        ("place:zvanivka", "russia"), ("siversk", "russia")]


def test_named_parts_replace_the_generic_head():
    claims = claims_of("Moscow insists that Kyiv recognise four Ukrainian regions – Luhansk, "
                       "Donetsk, Zaporizhzhia and Kherson.")
    assert not claims["region_id"].str.startswith("generic:").any()
    assert facts(claims, "region_id", "claim_type", "claimant", "via") == [
        (r, "recognition_demand", "russia", "includes")
        for r in ("donetsk", "kherson", "luhansk", "zaporizhzhia")]


def test_speaker_side_resolves_our_forces_and_the_enemy():
    claims = claims_of("Zelensky said our forces still hold Siversk.",
                       "Zelensky said the enemy is storming Lyman.")
    assert facts(claims, "region_id", "claimant", "stated_by") == [
        ("lyman", "russia", "zelensky"), ("siversk", "ukraine", "zelensky")]


def test_a_url_slug_title_makes_no_claim():
    claims = claims_of("Fighting went on.", title="russia-captures-pokrovsk-in-donetsk")
    assert claims.empty


def test_control_changes_name_the_gaining_side():
    claims = claims_of("Russian forces captured Toretsk on Monday.",
                       "Ukrainian troops withdrew from Vuhledar.",
                       "Russian forces are advancing towards Pokrovsk.")
    changes = control_changes(claims)
    assert facts(changes, "region_id", "gained_by", "lost_by") == [
        ("toretsk", "russia", "ukraine"), ("vuhledar", "russia", "ukraine")]
    assert list(changes.columns) == CHANGE_COLUMNS


def test_a_passive_demand_names_who_wants_it_not_who_must_act():
    # the region is the participle's subject: the side before it wants the act done
    rows = facts(claims_of("The Kremlin wants Zaporizhzhia recognised as Russian.",
                           "Moscow demands that Kyiv recognise Kherson as Russian."),
                 "article_id", "region_id", "claim_type", "claimant", "counterpart")
    assert ("c00", "zaporizhzhia", "recognition_demand", "russia", "ukraine") in rows
    assert ("c01", "kherson", "recognition_demand", "russia", "ukraine") in rows


def test_stated_by_is_the_speaker_else_the_outlet():
    claims = claims_of("Russian forces captured Toretsk.", "Zelensky said our forces hold Siversk.")
    assert facts(claims, "region_id", "stated_by") == [("siversk", "zelensky"),
                                                       ("toretsk", "invented")]


@pytest.mark.parametrize("text, expected", [
    # a colon before a region list keeps the list in the demand's clause
    (("Russia's memorandum calls for the withdrawal of Ukrainian forces from territories "
      "Russia considers part of its federation: Donetsk, Luhansk, Zaporizhzhia and Kherson."),
     {(r, t, "russia", "ukraine") for t in ("withdrawal_demand", "annexed_claimed")
      for r in ("donetsk", "luhansk", "zaporizhzhia", "kherson")}),
    # the side whose sovereignty is to be recognised claims; the other side must recognise
    ("It also demands recognition of Russia's sovereignty over Crimea.",
     {("crimea", "recognition_demand", "russia", "ukraine")}),
    # a conditional threat is a demand, not a capture
    ("Moscow is threatening to seize the rest of Kherson if the troops stay.",
     {("kherson", "withdrawal_demand", "russia", "ukraine")}),
    # a denied capture: the claim as reported (no change of control), and the denying side
    # still holds it
    ("Zelensky denied the Russian claims about the capture of Chasiv Yar.",
     {("chasiv_yar", "capture_advance", "russia", "ukraine"),
      ("chasiv_yar", "control_status", "ukraine", "russia")}),
    ("The brigade dispelled rumours of an advance by the occupiers on Avdiivka.",
     {("avdiivka", "capture_advance", "russia", "ukraine"),
      ("avdiivka", "control_status", "ukraine", "russia")}),
    # a withdrawal announced by the side that left: the other side's gain and its own statement
    ("Zelensky said our troops have withdrawn from Avdiivka.",
     {("avdiivka", "capture_advance", "russia", "ukraine"),
      ("avdiivka", "control_status", "ukraine", "russia")}),
    # what is avoided is no claim: the withdrawal is the other side's gain (and, narrated with
    # the side that left as its subject, that side's statement)
    (("Ukrainian troops have withdrawn from the frontline city of Avdiivka to avoid being "
     "encircled."),
     {("avdiivka", "capture_advance", "russia", "ukraine"),
      ("avdiivka", "control_status", "ukraine", "russia")}),
    # "after X signed": a conjunction before a clause, not a preposition: X is the subject
    ("Talks stalled after Vladimir Putin signed a decree on the incorporation of Kherson.",
     {("kherson", "annexed_claimed", "russia", "ukraine")}),
    # control statements: holds, controls, runs
    ("Russian troops run the Zaporizhzhia Nuclear Power Plant.",
     {("zaporizhzhia_npp", "control_status", "russia", "ukraine")}),
    ("Kyiv still controls about a third of Donetsk.",
     {("donetsk", "control_status", "ukraine", "russia")}),
])
def test_demands_threats_denials_announcements_and_control(text, expected):
    claims = rows(claims_of(text), via="mention")
    assert set(facts(claims)) == expected


def test_a_control_claim_carries_its_share():
    articles = pd.DataFrame({"article_id": ["q"], "title": "", "source": "invented",
                             "text": ["Kyiv still controls about a third of Donetsk."],
                             "published": pd.to_datetime("2025-12-01")})
    tables = analyze_articles(articles)
    claim = rows(tables["claims"], region_id="donetsk").iloc[0]
    q = tables["quantities"]
    assert q.loc[q["claim_id"] == claim.claim_id, "value"].round(1).tolist() == [33.3]


def test_venues_and_districts_take_no_claim():
    claims = claims_of("At a press briefing in Kyiv, Zelensky said Russia must withdraw from "
                       "Kherson.",
                       "Zelensky denied the claims about the capture of Chasiv Yar in Bakhmut "
                       "district of the Donetsk region.")
    assert set(claims["region_id"]) == {"kherson", "chasiv_yar"}


def test_narration_speaks_for_an_outlet_that_takes_a_side():
    def claimant(source):
        articles = pd.DataFrame({"article_id": ["o"], "title": "", "source": source,
                                 "text": ["Voters in Kherson held a referendum last year."],
                                 "published": pd.to_datetime("2025-12-01")})
        return facts(analyze_articles(articles)["claims"], "region_id", "claimant")

    assert claimant("tass.com") == [("kherson", "russia")]  # a Russian state agency
    assert claimant("example.org") == [("kherson", None)]  # an outlet that takes no side


def test_only_a_belligerent_takes_or_holds_land():
    """A think tank that reports an offensive is not the side that advances: military claims
    take a belligerent (here from the sentence before), or no claimant."""
    claims = claims_of("Russian troops kept up their attacks in the east. Analysts at the CSIS "
                       "wrote in a report that the push toward Kupiansk slowed in the winter.",
                       "Analysts at the CSIS wrote that the push toward Kupiansk slowed.")
    assert facts(claims, "article_id", "region_id", "claimant") == [
        ("c00", "kupiansk", "russia"), ("c01", "kupiansk", None)]


@pytest.mark.parametrize("text, claimant", [
    ("Residents of Moscow-held Melitopol queued for water.", "russia"),
    ("Ukrainian-held Kostiantynivka was shelled overnight.", "ukraine"),
    ("Shelling hit the Russian-controlled city of Melitopol.", "russia"),
])
def test_the_first_part_of_a_control_compound_is_the_side(text, claimant):
    claims = claims_of(text)
    assert [(c, s) for _, c, s in facts(claims, "region_id", "claim_type", "claimant")] == [
        ("control_status", claimant)]


def test_fire_control_is_no_control_of_the_place():
    """"Under fire control" means within artillery range, not held."""
    assert claims_of("Ukrainian forces keep the road to Lyman under fire control.").empty
    assert facts(claims_of("Ukrainian forces control the road to Lyman."),
                 "region_id", "claim_type", "claimant") == [
        ("lyman", "control_status", "ukraine")]


@pytest.mark.parametrize("text, expected", [
    # the subject's own act: its claim on the regions
    ("Putin announced that Russia recognizes the independence of the Luhansk region.",
     [("luhansk", "annexed_claimed", "russia", "ukraine")]),
    ("Putin signed decrees recognizing the Luhansk region as independent.",
     [("luhansk", "annexed_claimed", "russia", "ukraine")]),
    # demands stay demands: a demand word, an irrealis, a plan, an adjective
    ("Moscow insists that Kyiv recognizes Crimea as Russian.",
     [("crimea", "recognition_demand", "russia", "ukraine")]),
    ("Kyiv must recognize Crimea as Russian, Putin said.",
     [("crimea", "recognition_demand", "russia", "ukraine")]),
    ("The draft proposes Ukraine recognizing Crimea as Russian.",
     [("crimea", "recognition_demand", None, "ukraine")]),
    ("Russia's recognition of the Luhansk region as independent angered Kyiv.",
     [("luhansk", "annexed_claimed", "russia", "ukraine")]),
    ("Moscow demands Kyiv's recognition of Crimea as Russian.",
     [("crimea", "recognition_demand", "russia", "ukraine")]),
    ("Ukraine's recognition of Crimea as Russian is out of the question, Zelensky said.",
     [("crimea", "recognition_demand", "russia", "ukraine"),
      ("crimea", "rejects_concession", "ukraine", "russia")]),
])
def test_a_recognition_by_its_subject_is_its_claim(text, expected):
    assert facts(claims_of(text)) == expected


def test_acts_name_demand_rules_and_claim_types(tmp_path):
    base = "claim_types:\n  recognition_demand:\n    cues: ['recogni[sz]e']\n"
    err = assert_data_error(tmp_path, "claim_cues.yml",
                            base + "acts:\n  recognition_demand: {as: nonsense, cues: ['x']}\n",
                            load_claim_cues, "'as' must be a claim type")
    assert "acts.recognition_demand" in str(err)
    assert_data_error(tmp_path, "claim_cues.yml",
                      base + "acts:\n  land_grab: {as: annexed_claimed, cues: ['x']}\n",
                      load_claim_cues, "must map a claim rule")


def test_a_claim_without_a_side_takes_the_side_of_the_same_claim_in_the_article():
    claims = claims_of("The referendums in Kherson and Zaporizhzhia ended on Tuesday. "
                       "Officials said Kherson had voted to join Russia.",
                       "The referendums in Kherson and Zaporizhzhia ended on Tuesday.")
    assert facts(claims, "article_id", "region_id", "claim_type", "claimant") == [
        ("c00", "kherson", "annexed_claimed", "russia"),
        ("c00", "kherson", "annexed_claimed", "russia"),
        ("c00", "zaporizhzhia", "annexed_claimed", None),
        ("c01", "kherson", "annexed_claimed", None),
        ("c01", "zaporizhzhia", "annexed_claimed", None)]
