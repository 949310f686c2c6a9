"""Engine: the stage pipeline, its runner (chunks, processes, Dask) and the article cache."""
