import newslens
from newslens.analysis.overview import article_stats, mention_counts, mentions_in_context


def test_overview_tables_on_the_seed():
    articles = newslens.load_corpus("seeds")
    sentences = newslens.sentences(articles)
    mentions = newslens.actor_mentions(articles, sentences)
    stats = article_stats(articles, sentences)
    assert stats.loc[0, "sentences"] == (sentences["field"] == "text").sum()
    counts = mention_counts(mentions).set_index("actor_id")
    assert counts.loc["putin", "pronoun"] == 3 and counts.loc["putin", "name"] >= 7
    context = mentions_in_context(mentions, sentences)
    assert len(context) == len(mentions)
    first_body_putin = context[(context.actor_id == "putin") & (context.sentence == 1)].iloc[0]
    marked = '<mark class="mention">Russian President Vladimir Putin</mark>'
    assert marked in first_body_putin.evidence
