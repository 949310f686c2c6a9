"""Page furniture: menus, prompts, counters, captions and site boilerplate leave the analysed
text; real sentences stay (invented lines of the shape found on news pages)."""

from __future__ import annotations

import pytest
from conftest import assert_data_error
from newslens.io import furniture

RULES = furniture.load_rules()

FURNITURE = {
    "Read more": "pattern",
    "READ ALSO: Kremlin denies new round of talks in Istanbul": "pattern",
    "Share this article": "pattern",
    "Share on Facebook": "pattern",
    "Advertisement:": "pattern",
    "Advertising": "pattern",
    "We use cookies to give you the best experience on our website.": "pattern",
    "Accept all cookies": "pattern",
    "0 out of 25,000": "pattern",
    "120 of 5,000 members": "pattern",
    "3 min read": "pattern",
    "Help us reach 10,000 members by the end of the year.": "pattern",
    "Your support keeps our reporters on the front line.": "pattern",
    "Subscribe to our newsletter for daily updates": "pattern",
    "Follow us on Telegram": "pattern",
    "404": "pattern",
    "Oops!": "pattern",
    "Sorry, the page you are looking for could not be found.": "pattern",
    "Editor's note: This is a developing story and will be updated.": "pattern",
    "Author: Ivan Petrenko": "pattern",
    "By Jane Roe": "pattern",
    "Photo: Press service of the ministry": "pattern",
    "Humidity: 71%": "pattern",
    "light snow -2.5°C": "pattern",
    "© 2026 Example News. All rights reserved.": "pattern",
    "Tags: war, diplomacy, energy": "pattern",
    "ua en ru": "menu",
    "EN | UK | RU": "menu",
    "Home | World | Politics | Sport | Video": "menu",
    "Olena Kovalenko, Jan Novak, Peter Smith": "menu",
    "![]() |": "no words",
    "* * *": "no words",
    "The envoy arrives in Kyiv. Photo: Presidential Office": "caption",
    "A destroyed bridge near the front line. (John Smith/AFP via Getty Images)": "caption",
    "KYIV | March 3, 2026": "dateline",
    "OLENA KOVALENKO — 4 March, 10:15": "dateline",
    "Tuesday, 3 March 2026 9:41 AM": "dateline",
    "Background:": "heading",
    "Details": "heading",
    "dispatches": "heading",
    "Battlefield Update": "heading",
    "The 12-Point Plan": "heading",
    "Reaction in Kyiv and Moscow": "heading",
}

SENTENCES = [
    "The Kremlin said on Monday that talks with Kyiv would resume next week.",
    "“No.”",
    "Peskov: no comment.",
    "Source: Ministry of Defence of Ukraine",
    "Quote: “We will not give up our land,” the president said.",
    "Details: the envoy met the delegation for three hours.",
    "Russia invited back to the talks",
    "Ukraine withdraws from parts of the region still under its control",
    "More news is expected on Friday, officials said.",
    "Share prices fell after the strike on the refinery.",
    "Comments by the minister angered officials in Kyiv.",
    "By Monday, the front line had barely moved.",
    "Talks resumed on March 3.",
    "He said the offer was “not serious” and left.",
    "Zelensky said the plan would be put to a referendum.",
    "Read the full statement below, the ministry said in a post on X.",
]


@pytest.mark.parametrize("line,rule", sorted(FURNITURE.items()))
def test_furniture_lines_are_recognised(line, rule):
    assert furniture.line_rule(line, RULES) == rule


@pytest.mark.parametrize("line", SENTENCES)
def test_real_sentences_are_kept(line):
    assert furniture.line_rule(line, RULES) is None


def test_clean_removes_lines_and_keeps_the_rest_verbatim():
    body = ("ua en ru\n\nAdvertisement:\n"
            "The Kremlin said on Monday that talks would resume next week.\n\n"
            "Share this article\n"
            "“We are ready,” the envoy told reporters in Geneva.\n"
            "Read more")
    out = furniture.clean(body, "Kremlin says talks will resume", RULES)
    assert out.text == ("The Kremlin said on Monday that talks would resume next week.\n\n"
                        "“We are ready,” the envoy told reporters in Geneva.")
    assert [rule for _, rule in out.removed] == ["menu", "pattern", "pattern", "pattern"]


def test_headline_repeats_and_duplicate_lines_go():
    title = "Kyiv rejects the new ceasefire proposal from Moscow"
    body = (f"{title}\n"
            "Kyiv rejects the “new” ceasefire proposal from Moscow\n"
            f"{title}. Officials in Kyiv called the offer a trap.\n"
            "The foreign minister said the plan ignored the front line.\n"
            "The foreign minister said the plan ignored the front line.")
    out = furniture.clean(body, title, RULES)
    assert out.text == ("Officials in Kyiv called the offer a trap.\n"
                        "The foreign minister said the plan ignored the front line.")
    assert [rule for _, rule in out.removed] == ["headline repeat"] * 3 + ["duplicate line"]


def test_a_caption_above_its_credit_line_goes_with_it():
    body = ("The envoy met the delegation for three hours on Tuesday.\n"
            "The envoy and the delegation in Geneva on Tuesday\nPhoto: Press service\n"
            "Officials said the talks would go on.\nPhoto: Press service")
    out = furniture.clean(body, "", RULES)
    assert out.text == ("The envoy met the delegation for three hours on Tuesday.\n"
                        "Officials said the talks would go on.")
    assert [rule for _, rule in out.removed] == ["caption", "pattern", "duplicate line"]


def test_list_items_after_a_colon_are_content():
    body = ("- Category\n- Latest news\n"
            "Russian forces claimed these villages:\n- Pokrovsk\n- Kurakhove Area\n"
            "The claims could not be verified.")
    out = furniture.clean(body, "", RULES)
    assert out.text == ("Russian forces claimed these villages:\n- Pokrovsk\n- Kurakhove Area\n"
                        "The claims could not be verified.")
    assert [line for line, _ in out.removed] == ["- Category", "- Latest news"]


def test_a_text_that_is_all_furniture_is_kept_as_it_is():
    body = "Read more\nShare this article"
    out = furniture.clean(body, "", RULES)
    assert out.text == body and out.removed == ()


def test_lines_repeated_across_stories_of_a_source_are_boilerplate():
    line = "Stay informed: our live page follows the war hour by hour"
    texts = [f"Story {i} says the talks went on for hours in Geneva.\n{line}" for i in range(4)]
    sources = ["example.org", "example.org", "example.org", "other.net"]
    drops = furniture.repeated_lines(texts, sources, ["a", "b", "c", "d"], RULES)
    assert all(drops[i] for i in range(3)) and not drops[3]
    cleaned = furniture.clean(texts[0], "", RULES, drop_keys=drops[0])
    assert cleaned.text == "Story 0 says the talks went on for hours in Geneva."
    assert cleaned.removed == ((line, "repeated in source"),)
    # copies of one story, or too few stories, are not boilerplate
    assert not any(furniture.repeated_lines(texts[:3], sources[:3], ["a", "a", "b"], RULES))
    assert not any(furniture.repeated_lines(texts[:3], ["", "", ""], ["a", "b", "c"], RULES))


def test_summary_counts_rules():
    removed = (("Read more", "pattern"), ("ua en ru", "menu"), ("Share", "pattern"))
    assert furniture.summary(removed) == "3 page-furniture lines removed (menu 1, pattern 2)"


def test_bad_furniture_file_names_the_entry(tmp_path):
    body = ("line_patterns: ['read (more']\ncaption_labels: [Photo]\nphoto_agencies: [AFP]\n"
            "language_codes: [en]\nheading_small_words: [of]\nheading_max_words: 5\n"
            "caption_max_words: 40\nmax_words: 40\nrepeated_min_stories: 3\n")
    assert_data_error(tmp_path, "furniture.yml", body, furniture.load_rules,
                      "invalid regular expression")
    assert_data_error(tmp_path, "furniture.yml", body.replace("['read (more']", "['x']")
                      .replace("max_words: 40\nrep", "max_words: 0\nrep"),
                      furniture.load_rules, "'max_words' must be a positive integer")
