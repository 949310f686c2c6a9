"""Report: tables, highlighted evidence and charts for the notebooks; HTML export."""
