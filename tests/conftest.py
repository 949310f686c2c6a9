"""Shared test helpers."""

from __future__ import annotations

import importlib.util

from newslens.paths import PROJECT_DIR


def load_bench_corpus():
    """The benchmark's seeded article generator (bench/corpus.py is a script, not a package)."""
    path = PROJECT_DIR / "bench" / "corpus.py"
    spec = importlib.util.spec_from_file_location("bench_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_data_error(tmp_path, name: str, body: str, loader, problem: str):
    """Write `body` to a data file `name`, load it, and check the error names file and problem."""
    import pytest
    from newslens.lexicon import DataFileError

    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        loader(path)
    assert str(path) in str(err.value) and problem in str(err.value), str(err.value)
    return err.value
