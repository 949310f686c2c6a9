import pandas as pd
import pytest
from newslens.io.corpus import load_corpus
from newslens.text.sentences import COLUMNS, sentences, split_spans


def seed_articles() -> pd.DataFrame:
    return load_corpus("seeds")


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("The U.S. delegation arrived. Mr. Smith spoke.",
     ["The U.S. delegation arrived.", "Mr. Smith spoke."]),
    ("Talks resume on Dec. 2 in Geneva. They end at 5 p.m. on Friday.",
     ["Talks resume on Dec. 2 in Geneva.", "They end at 5 p.m. on Friday."]),
    ("Talks ended at 5 p.m. Putin left.", ["Talks ended at 5 p.m.", "Putin left."]),
    ("Talks begin at 5 p.m. Moscow time. Putin left.",
     ["Talks begin at 5 p.m. Moscow time.", "Putin left."]),
    ("It was 3 a.m. Monday when it happened.", ["It was 3 a.m. Monday when it happened."]),
    ("Gen. Syrsky said the line held. Sen. Rubio agreed.",
     ["Gen. Syrsky said the line held.", "Sen. Rubio agreed."]),
    ("Ukraine's Lt. Gen. Syrsky said so.", ["Ukraine's Lt. Gen. Syrsky said so."]),
    ("The U.N. Security Council met. Rep. Jones and Gov. Smith attended.",
     ["The U.N. Security Council met.", "Rep. Jones and Gov. Smith attended."]),
    ("He met U.S. President Donald Trump. The U.S. is ready.",
     ["He met U.S. President Donald Trump.", "The U.S. is ready."]),
    ("It happened in Jan. 2024. Then in Feb. the talks began.",
     ["It happened in Jan. 2024.", "Then in Feb. the talks began."]),
    ("Putin called such warnings “laughable.” Then he left.",
     ["Putin called such warnings “laughable.”", "Then he left."]),
    ("“We will not give up,” he said. “Never.”", ["“We will not give up,” he said.", "“Never.”"]),
    ("“Is it a deal?” Trump asked. Zelensky disagreed.",
     ["“Is it a deal?” Trump asked.", "Zelensky disagreed."]),
    ("“Is it a deal?” Nobody knew.", ["“Is it a deal?”", "Nobody knew."]),
    ("Donald J. Trump spoke. Vladimir V. Putin listened.",
     ["Donald J. Trump spoke.", "Vladimir V. Putin listened."]),
    ("The council met. Jones attended.", ["The council met.", "Jones attended."]),
    ("He said no. Putin agreed.", ["He said no.", "Putin agreed."]),
    ("The E.U. and the U.K. agreed. No. 10 said so.",
     ["The E.U. and the U.K. agreed.", "No. 10 said so."]),
    ("Mr. Witkoff met Mr. Putin for five hours. Mr. Dmitriev was there too.",
     ["Mr. Witkoff met Mr. Putin for five hours.", "Mr. Dmitriev was there too."]),
    ("  Spaces around.   Second one.  ", ["Spaces around.", "Second one."]),
    # a page scraped without the space after a sentence end (issue 20), but not after a title
    ("The conflict.On branch main", ["The conflict.", "On branch main"]),
    ("Talks ended, he said.“We will return,” she added.",
     ["Talks ended, he said.", "“We will return,” she added."]),
    ("They met Gen.Tarasov in the city.", ["They met Gen.Tarasov in the city."]),
])
def test_news_splitting(text, expected):
    assert split(text) == expected


def test_seed_offsets_round_trip():
    arts = seed_articles()
    sents = sentences(arts)
    assert list(sents.columns) == COLUMNS
    art = arts.iloc[0]
    head = sents[sents.sentence == 0].iloc[0]
    assert (head.field, head.paragraph, head.text) == ("title", 0, art.title)
    assert art.title[head.start:head.end] == head.text
    body = sents[sents.field == "text"]
    for row in body.itertuples():
        assert art.text[row.start:row.end] == row.text
        assert row.text == row.text.strip() and row.text
    assert list(sents.sentence) == list(range(len(sents)))
    assert body.paragraph.min() == 1
    assert body.paragraph.max() == len([ln for ln in art.text.splitlines() if ln.strip()])
    assert body.paragraph.is_monotonic_increasing
    assert any(t.endswith("“laughable.”") for t in body.text)
    assert "He asserted that the Russian military" in " ".join(body.text)
    assert body.text.str.startswith("He asserted").sum() == 1


def test_paragraphs_and_empty_inputs():
    arts = pd.DataFrame({
        "article_id": ["a", "b", "c"],
        "title": ["  Headline here ", "", None],
        "text": ["First para. Second sentence.\n\n\nNew para.\r\nThird para.", "Only body.", ""],
    })
    s = sentences(arts)
    a = s[s.article_id == "a"]
    assert list(a.text) == ["Headline here", "First para.", "Second sentence.", "New para.",
                            "Third para."]
    assert list(a.paragraph) == [0, 1, 1, 2, 3]
    assert (a.iloc[0].start, a.iloc[0].end) == (2, 15)
    body = arts.text[0]
    assert all(body[r.start:r.end] == r.text for r in a.iloc[1:].itertuples())
    b = s[s.article_id == "b"]
    assert list(b.sentence) == [1] and list(b.field) == ["text"]
    assert s[s.article_id == "c"].empty
    empty = sentences(arts.iloc[:0])
    assert list(empty.columns) == COLUMNS and empty.empty


def test_run_on_line_is_cut_into_bounded_pieces():
    """A line without sentence punctuation (a scraped list) becomes pieces of at most
    MAX_SENTENCE_CHARS cut at spaces, nothing lost; normal sentences are untouched."""
    from newslens.text.sentences import MAX_SENTENCE_CHARS

    line = "Kyiv Kharkiv Odesa Dnipro Zaporizhzhia Kherson Mykolaiv Sumy Poltava " * 60
    line = line.strip() + " " + "x" * (MAX_SENTENCE_CHARS + 5) + " end"
    spans = split_spans(line)
    assert len(spans) > 4
    assert all(0 < b - a <= MAX_SENTENCE_CHARS for a, b in spans)
    assert "".join(line[a:b] for a, b in spans).replace(" ", "") == line.replace(" ", "")
    assert [line[a:b] for a, b in spans][-2:] == ["x" * MAX_SENTENCE_CHARS, "xxxxx end"]
    assert all(line[a - 1] == " " for a, _ in spans[1:-1] if line[a] != "x")
    short = "Putin met Trump in Alaska. Zelensky was not invited."
    assert split_spans(short) == [(0, 26), (27, 52)]
