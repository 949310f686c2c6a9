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


INVENTED_ARTICLES = [
    ("inv-1", "Kremlin repeats demand on Donbas", "Daily Ledger", "2025-03-03",
     "https://example.com/news/1",
     ("Russian President Vladimir Putin said Ukraine must withdraw from the Donbas region before "
     "any ceasefire. Ukrainian President Volodymyr Zelensky rejected the demand, calling it an "
     "unacceptable ultimatum. Putin said the talks were a dangerous trap.")),
    ("inv-2", "Envoys meet in Geneva", "Global Wire", "2025-03-10", "https://example.com/news/2",
     ("Zelensky welcomed the talks in Geneva as real progress. Putin warned that the peace plan "
     "was a dangerous trap. Russia said the talks would continue.")),
    ("inv-10", '<script>alert("owned")</script> talks', "Global Wire", None,
     "javascript:alert(1)",
     ("Putin said the talks were a good basis for peace. Russian forces captured the town of "
     "Pokrovsk, the ministry said.")),
    ("inv-3", "Washington offers to broker a deal", None, "2025-03-04", "",
     ("Trump said the United States would broker a fair deal. Zelensky praised the strong "
     "partnership with the United States.")),
]


def invented_corpus():
    """Four short invented articles shaped like `newslens.load_corpus` output: two outlets and
    one article without an outlet, one undated article, a hostile title and a javascript: URL."""
    import hashlib

    import pandas as pd

    rows = []
    for aid, title, source, date, url, text in INVENTED_ARTICLES:
        rows.append({"article_id": aid, "title": title, "text": text, "source": source,
                     "published": pd.Timestamp(date) if date else pd.NaT, "url": url,
                     "path": f"{aid}.txt", "n_words": len(text.split()),
                     "sha256": hashlib.sha256(text.encode()).hexdigest()})
    frame = pd.DataFrame(rows)
    frame["published"] = frame["published"].astype("datetime64[us]")
    frame["source"] = frame["source"].astype("str")
    return frame


def invented_tables():
    """(articles, every analysis table) of `invented_corpus`, computed in process (no cache)."""
    from newslens.engine import pipeline

    articles = invented_corpus()
    tables = pipeline.analyze_articles(articles)
    tables.update(pipeline.summarize(tables, articles))
    return articles, tables


def assert_same(left: dict, right: dict) -> None:
    """Two runs' tables are equal: the same table names in order, each frame identical."""
    import pandas as pd

    assert list(left) == list(right)
    for name, table in left.items():
        pd.testing.assert_frame_equal(table, right[name], obj=name)
