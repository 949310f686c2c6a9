"""Analysis: attribution, stances, sentiment, territorial claims and quantities."""
