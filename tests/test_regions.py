"""Regions gazetteer and region mentions: ISO codes, spellings, forms, Kyiv, generic references."""

import pandas as pd
import pycountry
import pytest
from conftest import assert_data_error
from newslens.io.corpus import load_corpus
from newslens.text.regions import (
    MENTION_COLUMNS,
    ancestors,
    find_regions,
    load_regions,
    region_info,
    region_mentions,
)
from newslens.text.sentences import sentences
from newslens.text.settlements import settlement_id


def ids(text):
    return [(m["text"], m["region_id"]) for m in find_regions(text)]


def test_iso_codes_match_pycountry_and_cover_every_oblast():
    regions = load_regions()
    official = {s.code: s for s in pycountry.subdivisions.get(country_code="UA")}
    coded = regions.dropna(subset=["iso_code"])
    coded = coded[coded["kind"] != "country"]
    assert set(coded["iso_code"]) == set(official)  # every oblast, Crimea, Kyiv, Sevastopol
    assert coded["iso_code"].is_unique
    by_id = dict(zip(regions["id"], regions["iso_code"]))
    expected = {"donetsk": "UA-14", "luhansk": "UA-09", "zaporizhzhia": "UA-23",
                "kherson": "UA-65", "crimea": "UA-43", "sevastopol": "UA-40", "kharkiv": "UA-63",
                "dnipropetrovsk": "UA-12", "sumy": "UA-59", "mykolaiv": "UA-48",
                "kyiv_city": "UA-30", "kyiv_oblast": "UA-32"}
    assert {k: by_id[k] for k in expected} == expected


def test_hierarchy():
    regions = load_regions().set_index("id")
    assert set(regions.loc["donbas", "members"]) == {"donetsk", "luhansk"}
    assert ancestors("pokrovsk") == ["donetsk", "donbas", "ukraine"]
    assert ancestors("huliaipole") == ["zaporizhzhia", "ukraine"]
    towns = {"pokrovsk": "donetsk", "myrnohrad": "donetsk", "kostiantynivka": "donetsk",
             "kramatorsk": "donetsk", "sloviansk": "donetsk", "siversk": "donetsk",
             "lyman": "donetsk", "kupiansk": "kharkiv", "huliaipole": "zaporizhzhia",
             "vuhledar": "donetsk", "bakhmut": "donetsk", "avdiivka": "donetsk",
             "chasiv_yar": "donetsk", "toretsk": "donetsk", "vovchansk": "kharkiv",
             "enerhodar": "zaporizhzhia", "zaporizhzhia_npp": "zaporizhzhia",
             "kherson_city": "kherson"}
    assert {t: regions.loc[t, "parent"] for t in towns} == towns


@pytest.mark.parametrize("text,region_id", [
    ("Donbas", "donbas"), ("Donbass", "donbas"), ("Luhansk", "luhansk"), ("Lugansk", "luhansk"),
    ("Zaporizhzhia", "zaporizhzhia"), ("Zaporizhia", "zaporizhzhia"),
    ("Zaporozhye", "zaporizhzhia"), ("Zaporizhzhya", "zaporizhzhia"), ("Kharkov", "kharkiv"),
    ("Kharkiv", "kharkiv"), ("Nikolaev", "mykolaiv"), ("Dnepropetrovsk", "dnipropetrovsk"),
    ("Dnipro", "dnipro_city"), ("Odessa", "odesa"), ("Crimean Peninsula", "crimea"),
    ("Sevastopol", "sevastopol"), ("Artemovsk", "bakhmut"), ("Avdeyevka", "avdiivka"),
    ("Chasiv Yar", "chasiv_yar"), ("Kupyansk", "kupiansk"), ("Gulyaipole", "huliaipole"),
    ("Ugledar", "vuhledar"), ("Energodar", "enerhodar"), ("Krasnoarmeysk", "pokrovsk"),
    ("Zaporizhzhia nuclear power plant", "zaporizhzhia_npp"), ("Kherson city", "kherson_city"),
    ("Donetsk People’s Republic", "donetsk"), ("Kiev region", "kyiv_oblast"),
    ("Kyiv Oblast", "kyiv_oblast"), ("city of Kiev", "kyiv_city"),
])
def test_spellings(text, region_id):
    assert ids(f"Fighting continued around {text} on Monday.") == [(text, region_id)]


@pytest.mark.parametrize("form", ["region", "oblast", "Oblast", "area", "province", "Region"])
def test_forms(form):
    assert ids(f"the Donetsk {form} and the Zaporizhia {form}") == [
        (f"Donetsk {form}", "donetsk"), (f"Zaporizhia {form}", "zaporizhzhia")]


def test_coordinated_plural_form():
    assert ids("the Donbas region, which includes the Luhansk and Donetsk areas") == [
        ("Donbas region", "donbas"), ("Luhansk", "luhansk"), ("Donetsk areas", "donetsk")]


def test_kyiv_is_a_region_only_in_territorial_contexts():
    assert ids("Kyiv rejected the plan, and Kyiv's envoy left.") == []
    assert ids("Drones struck targets in Kyiv and near Kiev.") == [
        ("Kyiv", "kyiv_city"), ("Kiev", "kyiv_city")]
    assert ids("the Kyiv region and the Kyiv Independent") == [("Kyiv region", "kyiv_oblast")]
    assert ids("along the Dnipro River") == []


@pytest.mark.parametrize("text,region_id", [
    ("regions claimed by Moscow", "generic:claimed_regions"),
    ("occupied territories", "generic:occupied_territories"),
    ("Russian-occupied territory", "generic:occupied_territories"),
    ("the four annexed regions", "generic:annexed_regions"),
    ("20% of Ukraine's territory", "generic:share_of_territory"),
    ("nearly 19 percent of Ukraine", "generic:share_of_territory"),
    ("Ukrainian territory", "generic:ukrainian_territory"),
    ("new territories", "generic:new_territories"),
])
def test_generic_references(text, region_id):
    found = find_regions(f"Talks turned to {text} again.")
    assert [m["region_id"] for m in found] == [region_id]
    assert text.endswith(found[0]["text"])


def test_region_mentions_on_seed_have_exact_offsets():
    articles = load_corpus("seeds")
    mentions = region_mentions(sentences(articles))
    assert list(mentions.columns) == MENTION_COLUMNS
    body = articles.set_index("article_id")["text"]
    for m in mentions.itertuples():
        assert body[m.article_id][m.start:m.end] == m.text
    assert list(mentions["region_id"]) == [
        "generic:ukrainian_territory", "generic:claimed_regions", "donbas", "luhansk", "donetsk",
        "donetsk", "generic:occupied_territories"]


def test_empty_input_keeps_columns():
    empty = pd.DataFrame(columns=["article_id", "paragraph", "sentence", "start", "end", "text",
                                  "field"])
    assert list(region_mentions(empty).columns) == MENTION_COLUMNS


@pytest.mark.parametrize("body,problem", [
    ("regions:\n  - {id: a, name: A, kind: oblast, parent: nowhere}\n", "parent 'nowhere'"),
    ("regions:\n  - {id: a, name: A, kind: oblast}\n  - {id: a, name: B, kind: oblast}\n",
     "duplicate id"),
    ("regions:\n  - {id: a, name: A, kind: county}\n", "'kind' must be one of"),
    ("regions:\n  - {id: a, name: A, kind: oblast, iso: XX-1}\n", "not a Ukrainian ISO"),
    ("regions: [\n", "not valid YAML"),
    ("generic:\n  - {id: x}\n", "'regions' list"),
])
def test_bad_file_gives_clear_error(tmp_path, body, problem):
    assert_data_error(tmp_path, "regions.yml", body, load_regions, problem)


# ---------------------------------------------------------------- Russian-media names and entities
@pytest.mark.parametrize("text,region_id", [
    ("Krasnoarmeysk", "pokrovsk"), ("Artyomovsk", "bakhmut"), ("Dimitrov", "myrnohrad"),
    ("Myrnograd", "myrnohrad"), ("Gulyai-Pole", "huliaipole"), ("Gulyai–Pole", "huliaipole"),
    ("Gulyaypole", "huliaipole"), ("Seversk", "siversk"), ("Konstantinovka", "kostiantynivka"),
    ("Krasny Liman", "lyman"), ("Kupyansk", "kupiansk"), ("Volchansk", "vovchansk"),
    ("Zaporozhye", "zaporizhzhia"), ("Nikolaev", "mykolaiv"), ("Kharkov", "kharkiv"),
    ("DPR", "donetsk"), ("LPR", "luhansk"), ("Lugansk People's Republic", "luhansk"),
    ("Novorossiya", "generic:novorossiya"), ("people's republics", "generic:peoples_republics"),
])
def test_russian_media_names(text, region_id):
    assert ids(f"Fighting continued around {text} on Monday.") == [(text, region_id)]


def test_new_regions_are_the_four_annexed_oblasts():
    info = region_info()
    assert set(info["generic:new_territories"]["members"]) == {
        "donetsk", "luhansk", "zaporizhzhia", "kherson"}
    assert ids("Moscow calls them the new regions.") == [("new regions",
                                                         "generic:new_territories")]


def test_axis_adjectives_name_the_town():
    assert ids("Dozens of assaults were repelled in the Orekhovsky direction.") == [
        ("Orekhovsky", "orikhiv")]
    assert ids("the Pokrovsky axis and the Kupyansky direction") == [
        ("Pokrovsky", "pokrovsk"), ("Kupyansky", "kupiansk")]
    assert ids("the Westernsky direction") == []  # an adjective of no listed town


def test_names_joined_by_a_hyphen():
    assert ids("They held the Pokrovsk-Myrnohrad agglomeration.") == [
        ("Pokrovsk", "pokrovsk"), ("Myrnohrad", "myrnohrad")]


# ---------------------------------------------------------------- settlements found by context
def mentions_of(*texts, article="a"):
    sents = pd.DataFrame({"article_id": article, "sentence": range(len(texts)), "start": 0,
                          "text": list(texts), "field": "text"})
    return region_mentions(sents)


@pytest.mark.parametrize("text,found", [
    ("Troops seized the village of Bilohorivka overnight.", ["Bilohorivka"]),
    ("Russian units reached the villages of Novoselivka and Zorianivka.",
     ["Novoselivka", "Zorianivka"]),
    ("The army is fighting for Ternove now.", ["Ternove"]),  # battlefield phrase + -ove
    ("Forces captured Kalynove on Tuesday.", ["Kalynove"]),
    ("Shelling hit homes in Mykhailivka.", ["Mykhailivka"]),  # plain "in" + strong ending
    ("Pishchane is under our control, the brigade said.", ["Pishchane"]),  # control predicate
    ("About 40% of Serhiivka was taken.", ["Serhiivka"]),
    ("They advanced towards Velyka Znamianka, Kurakhove and Andriivka.",
     ["Velyka Znamianka", "Andriivka"]),  # modifier; list with a listed town (Kurakhove)
    ("They are advancing in Chervony Lyman.", ["Chervony Lyman"]),  # not the town of Lyman
])
def test_settlements_found_by_context(text, found):
    m = mentions_of(text)
    got = m[m["match"] == "discovered"]
    assert got["text"].tolist() == found
    assert set(got["kind"]) == {"settlement"}
    assert all(r.startswith("place:") for r in got["region_id"])


@pytest.mark.parametrize("text", [
    "Talks in June went nowhere.",  # month
    "The envoy met Steve Bannon in Florida.",  # a capitalised word follows: part of a name
    "He flew to Alaska and then to Minsk.",  # listed as not a settlement
    "Negotiators met in Geneva on Monday.",  # plain "in" needs a strong toponym ending
    "The rally in Maine drew crowds.",
])
def test_no_settlement_without_the_shape_of_one(text):
    assert (mentions_of(text)["match"] != "discovered").all()


def test_found_settlement_counts_everywhere_in_its_article_with_its_oblast():
    m = mentions_of("Russian troops seized the village of Yasenove in the Donetsk region.",
                    "Yasenove was shelled again on Friday.")
    places = m[m["region_id"] == "place:yasenove"]
    assert places["sentence"].tolist() == [0, 1]
    assert set(places["parent"]) == {"donetsk"}
    other = mentions_of("Yasenove was shelled again on Friday.", article="b")
    assert (other["match"] != "discovered").all()  # not found by context in that article


def test_settlement_ids_are_ascii_slugs():
    assert settlement_id("Sviato-Pokrovske") == "place:sviato_pokrovske"
    assert settlement_id("Chervona Zirka") == "place:chervona_zirka"


@pytest.mark.parametrize("text,region_id", [
    ("Troops entered Balakleya overnight.", "balakliia"),  # Russian spelling of a listed town
    ("Fighting near Kleshcheyevka went on.", "klishchiivka"),
    ("The army held Velykaya Novoselka.", None),  # an unlisted spelling is no gazetteer match
    ("The Russians shelled Velikaya Novoselka.", "velyka_novosilka"),
    ("They pushed into the Kursk region.", "kursk_oblast"),
    ("Units crossed to the left bank of the Dnieper.", "dnipro_left_bank"),
    ("Troops left the west bank of the Dnipro River.", "dnipro_right_bank"),
    ("Raids into the occupied east bank went on.", "dnipro_left_bank"),
])
def test_front_line_places_and_bank_phrases(text, region_id):
    found = [r for _, r in ids(text)]
    assert found == ([region_id] if region_id else [])


def test_compact_places_section_has_kinds_parents_and_ids():
    regions = load_regions().set_index("id")
    assert regions.loc["soledar", ["kind", "parent"]].tolist() == ["town", "donetsk"]
    assert regions.loc["mala_tokmachka", ["kind", "parent"]].tolist() == ["village",
                                                                          "zaporizhzhia"]
    assert regions.loc["sudzha", "parent"] == "kursk_oblast"
    assert ancestors("sudzha") == ["kursk_oblast", "russia"]  # not under Ukraine
    assert "Malaya Tokmachka" in regions.loc["mala_tokmachka", "names"]


def test_bad_places_and_patterns_give_clear_errors(tmp_path):
    base = "regions:\n  - {id: ukraine, name: Ukraine, kind: country, parent: null}\n"
    assert_data_error(tmp_path, "regions.yml", base + "places:\n  hamlet: {ukraine: [[X]]}\n",
                      load_regions, "places")
    assert_data_error(tmp_path, "regions.yml", base + "places:\n  town: {ukraine: [[]]}\n",
                      load_regions, "empty name list")
    assert_data_error(tmp_path, "regions.yml",
                      base + "  - {id: x, name: X, kind: site, parent: ukraine, patterns: ['(']}\n",
                      load_regions, "bad pattern")


def test_a_place_coordinated_with_as_well_as_is_found():
    m = mentions_of("The areas in question are Soledar, as well as Zorianivka.")
    assert m.loc[m["match"] == "discovered", "text"].tolist() == ["Zorianivka"]
