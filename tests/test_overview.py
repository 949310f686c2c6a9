import newslens
from newslens.analysis.overview import article_stats, mention_counts


def test_overview_tables_on_the_seed():
    articles = newslens.load_corpus("seeds")
    sentences = newslens.sentences(articles)
    mentions = newslens.actor_mentions(articles, sentences)
    stats = article_stats(articles, sentences)
    assert stats.loc[0, "sentences"] == (sentences["field"] == "text").sum()
    counts = mention_counts(mentions).set_index("actor_id")
    assert counts.loc["putin", "pronoun"] == 3 and counts.loc["putin", "name"] >= 7
