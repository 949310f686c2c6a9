"""Load: corpus files of many formats into the articles table and its load report."""
