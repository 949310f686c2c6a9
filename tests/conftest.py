"""Shared test helpers."""

from __future__ import annotations

import importlib.util
import sys

from newslens.paths import PROJECT_DIR


def load_bench_module(name: str):
    """A bench/ script as a module (`bench/NAME.py` is a script, not a package).

    Registered in sys.modules as `bench_NAME` before it runs, as dataclasses need.
    """
    module_name = f"bench_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = PROJECT_DIR / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def load_bench_corpus():
    """The benchmark's seeded article generator (bench/corpus.py)."""
    return load_bench_module("corpus")


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
