"""Shared test helpers."""

from __future__ import annotations

import importlib.util

from newslens.paths import PROJECT_DIR


def load_bench_corpus():
    """The benchmark's seeded article generator (bench/corpus.py is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", PROJECT_DIR / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
