"""Text: sentences, actor mentions and region mentions found in the articles."""
