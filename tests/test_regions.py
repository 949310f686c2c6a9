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
    region_mentions,
)
from newslens.text.sentences import sentences


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
