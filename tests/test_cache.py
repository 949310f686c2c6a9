"""The on-disk cache: reruns recompute nothing, changed inputs recompute, bad files rebuild."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil

import pandas as pd
import pytest
from conftest import assert_same, load_bench_corpus
from newslens.engine import cache, columnar, pipeline
from newslens.engine import runner as engine
from newslens.paths import PROJECT_DIR

bench_corpus = load_bench_corpus()


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return bench_corpus.generate(8, seed=11)


@pytest.fixture(scope="module")
def reference(articles) -> dict[str, pd.DataFrame]:
    return pipeline.analyze_articles(articles)


@pytest.fixture
def calls(monkeypatch) -> list[int]:
    """Number of articles given to each call of the first stage (sentences)."""
    seen: list[int] = []
    original = pipeline.sentences

    def counting(frame):
        seen.append(len(frame))
        return original(frame)

    monkeypatch.setattr(pipeline, "PER_ARTICLE",
                        pipeline.PER_ARTICLE.replace("sentences", func=counting))
    return seen


def run(articles, folder, **kw):
    result = engine.run(articles, cache=folder, workers=1, **kw)
    run.stats = result.stats
    return result.tables


def test_rerun_recomputes_nothing(tmp_path, articles, reference, calls):
    assert_same(reference, run(articles, tmp_path, chunk_size=3))
    assert sum(calls) == len(articles) and run.stats.computed == len(articles)
    calls.clear()
    assert_same(reference, run(articles, tmp_path))
    assert calls == [] and run.stats.cached == len(articles)


def test_adding_one_article_recomputes_one(tmp_path, articles, calls):
    run(articles.iloc[:-1], tmp_path)
    calls.clear()
    out = run(articles, tmp_path)
    assert calls == [1] and run.stats.computed == 1
    assert_same(pipeline.analyze_articles(articles), out)


def test_subset_and_reordered_corpus_served_from_cache(tmp_path, articles, calls):
    run(articles, tmp_path, chunk_size=3)
    calls.clear()
    subset = articles.iloc[[7, 2, 4]].reset_index(drop=True)
    assert_same(pipeline.analyze_articles(subset), run(subset, tmp_path))
    assert calls == [3]  # the reference above
    assert run.stats.cached == 3


def test_edited_or_renamed_article_recomputes(tmp_path, articles, calls):
    run(articles, tmp_path)
    changed = articles.copy()
    changed.loc[0, "text"] = changed.loc[0, "text"].replace(". ", ".\n", 1)  # same sha256 column
    changed.loc[1, "article_id"] = "renamed"
    calls.clear()
    out = run(changed, tmp_path)
    assert calls == [2]
    assert_same(pipeline.analyze_articles(changed), out)


def test_changed_lexicon_invalidates(tmp_path, monkeypatch, articles, calls):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DIR / "data", data)
    monkeypatch.setenv("NEWSLENS_DATA", str(data))
    first = run(articles, tmp_path / "cache")
    calls.clear()
    run(articles, tmp_path / "cache")
    assert calls == []
    # rename a person the articles mention (the generator draws from the whole gazetteer)
    persons = first["mentions"][first["mentions"]["kind"] == "person"]
    actor_id, name = persons.iloc[0][["actor_id", "actor"]]
    actors = data / "actors.yml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        f"name: {name}\n", f"name: {name} (renamed)\n"), encoding="utf-8")
    out = run(articles, tmp_path / "cache")
    assert sum(calls) == len(articles)
    renamed = out["mentions"].loc[out["mentions"].actor_id == actor_id, "actor"]
    assert len(renamed) and (renamed == f"{name} (renamed)").all()  # no stale gazetteer


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "keys"])
def test_corrupt_file_is_rebuilt(tmp_path, articles, reference, calls, damage):
    run(articles, tmp_path, chunk_size=3)
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    pack = min(folder.glob("*.nlc"))
    data = pack.read_bytes()
    if damage == "truncate":
        pack.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        pack.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    elif damage == "empty":
        pack.write_bytes(b"")
    else:
        pack.with_suffix(".keys").write_text('["abc", ', encoding="utf-8")
    calls.clear()
    assert_same(reference, run(articles, tmp_path))
    assert 0 < sum(calls) <= 3
    calls.clear()
    run(articles, tmp_path)
    assert calls == []  # rebuilt


def test_no_cache_writes_nothing(tmp_path, monkeypatch, articles):
    monkeypatch.setenv("NEWSLENS_CACHE_DIR", str(tmp_path))
    engine.run(articles.iloc[:2], cache=False)
    assert list(tmp_path.iterdir()) == []
    assert cache.default_dir() == tmp_path


def test_keys_hash_the_exact_row(articles):
    keys = cache.article_keys(articles)
    assert len(set(keys)) == len(keys)
    moved = articles.copy()
    moved.loc[0, "text"] = moved.loc[0, "text"] + " "
    assert cache.article_keys(moved)[1:] == keys[1:] and cache.article_keys(moved)[0] != keys[0]


def test_keys_follow_the_documented_layout():
    """Keys are the cache's addresses: a cache written by an earlier run must still be found."""
    frame = pd.DataFrame({"title": ["Talks"], "text": ["Kyiv said."],
                          "published": pd.to_datetime(["2025-01-02"])})
    expected = hashlib.sha256(b"".join(
        name.encode() + b"\x1f" + len(value).to_bytes(8, "little") + value
        for name, value in (("published", b"t1735776000000000"), ("text", b"sKyiv said."),
                            ("title", b"sTalks")))).hexdigest()
    assert cache.article_keys(frame) == [expected]


def test_pool_workers_write_the_cache(tmp_path, monkeypatch, articles, reference):
    monkeypatch.setattr(engine, "MIN_POOL_ARTICLES", 0)
    first = engine.run(articles, cache=tmp_path, workers=2, chunk_size=3)
    assert_same(reference, first.tables)
    assert first.stats.computed == len(articles) and first.stats.chunks == 3
    second = engine.run(articles, cache=tmp_path, workers=2, chunk_size=3)
    assert_same(reference, second.tables)
    assert second.stats.computed == 0


def analyze(articles, **kw):
    result = engine.analyze_corpus(articles, workers=1, **kw)
    analyze.stats = result.stats
    return result.tables


def test_analyze_caches_the_summaries_too(tmp_path, articles, calls):
    first = analyze(articles, cache=tmp_path)
    assert analyze.stats.summary_cached is False
    calls.clear()
    second = analyze(articles, cache=tmp_path)
    assert calls == [] and analyze.stats.summary_cached is True
    assert_same(first, second)
    for path in tmp_path.glob("*/summary-*.nlc"):
        path.write_bytes(path.read_bytes()[:-10])
    assert_same(first, analyze(articles, cache=tmp_path))
    assert analyze.stats.summary_cached is False
    third = analyze(articles.iloc[:-1], cache=tmp_path)
    assert analyze.stats.summary_cached is False  # another corpus, other summaries
    assert_same(analyze(articles.iloc[:-1], cache=False), third)


def test_summaries_are_keyed_by_the_corpus_given(tmp_path, articles):
    """No hidden state between calls: the summary cache key is passed, not remembered."""
    whole = engine.run(articles, cache=tmp_path, workers=1)
    part = engine.run(articles.iloc[:-1], cache=tmp_path, workers=1)
    first = engine.summarize(whole.tables, articles, corpus_key=whole.stats.corpus_key,
                             cache=tmp_path)
    assert first.stats.summary_cached is False
    again = engine.summarize(whole.tables, articles, corpus_key=whole.stats.corpus_key,
                             cache=tmp_path)  # after another run: still this corpus' summaries
    assert again.stats.summary_cached is True
    assert_same(first.tables, again.tables)
    other = engine.summarize(part.tables, articles.iloc[:-1], corpus_key=part.stats.corpus_key,
                             cache=tmp_path)
    assert other.stats.summary_cached is False
    assert_same(pipeline.summarize(part.tables, articles.iloc[:-1]), other.tables)
    uncached = engine.summarize(whole.tables, articles, cache=tmp_path)  # no key: no cache
    assert uncached.stats.summary_cached is None


def test_cache_holds_arrow_not_pickle(tmp_path, articles, reference):
    run(articles, tmp_path, chunk_size=4)
    packs = sorted(tmp_path.glob("*/*.nlc"))
    assert len(packs) == 2
    for pack in packs:
        data = pack.read_bytes()
        assert data.startswith(cache.MAGIC)
        meta, tables = columnar.decode(data[len(cache.MAGIC) + 32:])
        assert len(meta["keys"]) == len(meta["article_ids"]) == 4
        assert list(tables) == list(reference)
        assert b"\x80\x05" not in data[:len(cache.MAGIC) + 34]  # no pickle header anywhere near


class _Planted:
    """Unpickling this runs code (creates a file): what a forged pickle cache could do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("magic", [b"NLC1", cache.MAGIC])
def test_planted_pickle_never_runs(tmp_path, articles, reference, magic):
    """A pickle with a valid checksum where a pack belongs is rejected and recomputed, and never
    unpickled (the marker file it would create does not appear)."""
    folder = tmp_path / "cache"
    run(articles, folder)
    marker = tmp_path / "pwned"
    for pack in folder.glob("*/*.nlc"):
        body = pickle.dumps(({"keys": []}, _Planted(marker)))
        pack.write_bytes(magic + hashlib.sha256(body).digest() + body)
        pack.chmod(0o600)
    assert_same(reference, run(articles, folder))
    assert run.stats.computed == len(articles)
    assert not marker.exists()
    for summary in folder.glob("*/summary-*.nlc"):
        summary.write_bytes(b"")


def test_unsafe_cache_folder_is_refused(tmp_path, monkeypatch, articles, reference):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o700)
    shared.chmod(0o777)  # anyone could plant files here
    with pytest.warns(cache.UnsafeCacheWarning, match="group or others can write"):
        assert_same(reference, run(articles, shared))
    assert list(shared.iterdir()) == [] and run.stats.cached == 0

    private = tmp_path / "private"
    run(articles, private)
    assert (private.stat().st_mode & 0o077) == 0  # created private
    someone_else = os.getuid() + 1
    monkeypatch.setattr(cache.os, "getuid", lambda: someone_else)
    with pytest.warns(cache.UnsafeCacheWarning, match="owned by user id"):
        assert_same(reference, run(articles, private))
    assert run.stats.cached == 0


def test_cache_file_writable_by_others_is_not_read(tmp_path, articles, reference):
    run(articles, tmp_path, chunk_size=3)
    pack = min(tmp_path.glob("*/*.nlc"))
    pack.chmod(0o666)
    held = len(json.loads(pack.with_suffix(".keys").read_text(encoding="utf-8"))["keys"])
    assert_same(reference, run(articles, tmp_path))
    assert run.stats.computed == held


def test_dtypes_survive_the_cache_exactly(tmp_path):
    """Missing values of every declared dtype (str NaN, Int64 <NA>, NaT) come back as they were."""
    from newslens import schema

    arts = bench_corpus.generate(3, seed=5)
    arts.loc[1, "published"] = pd.NaT
    arts.loc[2, "source"] = None
    fresh = engine.run(arts, cache=False).tables
    run(arts, tmp_path, chunk_size=1)
    warm = run(arts, tmp_path)
    assert run.stats.cached == 3
    assert_same(fresh, warm)
    for name, table in warm.items():
        assert schema.problems(name, table) == []


@pytest.mark.parametrize("piece_min", [1, 64])
def test_interleaved_cached_and_new_articles(tmp_path, monkeypatch, articles, reference,
                                             piece_min):
    """Every other article cached: pieces mix cache packs and fresh chunks (merged and sorted)
    or take one source each; the tables are the same either way."""
    monkeypatch.setattr(engine, "PIECE_MIN", piece_min)
    run(articles.iloc[::2], tmp_path, chunk_size=2)
    out = run(articles.iloc[::-1], tmp_path, chunk_size=2)  # input order does not matter
    assert run.stats.cached == 4 and run.stats.computed == 4
    assert_same(reference, out)



def test_one_more_article_recomputes_only_the_groups_it_touches(tmp_path, articles):
    """Summaries per actor (and speaker) are cached by their rows: an added article that
    mentions one actor reruns actor_sentiment for that actor only, with identical tables."""
    groups: list[str] = []

    def counting(mention_sentiment, articles=None):
        groups.extend(mention_sentiment["actor_id"].unique().tolist())
        return pipeline.actor_sentiment(mention_sentiment, articles=articles)

    summaries = pipeline.SUMMARIES.replace("actor_sentiment", func=counting)
    first = engine.analyze_corpus(articles, cache=tmp_path, workers=1, summaries=summaries)
    assert sorted(groups) == sorted(first.tables["mention_sentiment"]["actor_id"].unique())
    extra = articles.iloc[[0]].assign(article_id="zz-extra", title="Talks go on",
                                      text="Kaja Kallas said the talks would go on.")
    if "story_id" in extra.columns:  # a story of its own, not a copy of article 0's
        extra = extra.assign(story_id="zz-extra", is_copy=False)
    more = pd.concat([articles, extra], ignore_index=True)
    groups.clear()
    second = engine.analyze_corpus(more, cache=tmp_path, workers=1, summaries=summaries)
    assert second.stats.computed == 1 and second.stats.summary_cached is False
    assert groups == ["kallas"]
    fresh = engine.analyze_corpus(more, cache=False, workers=1)
    assert_same(fresh.tables, second.tables)


def test_summaries_survive_the_pruning_of_old_fingerprints(tmp_path, articles):
    """Fix: the summaries' folder had no `.used` stamp, so the next run pruned it first."""
    (tmp_path / cache.ROOT_MARKER).write_bytes(cache._ROOT_MARK)
    for i in range(cache.KEEP_FINGERPRINTS + 1):  # folders of older code versions
        old = tmp_path / f"{i:032d}"
        old.mkdir()
        (old / cache.FOLDER_MARKER).write_text(f"{i:064d}\n", encoding="ascii")
        (old / ".used").write_text("1.0", encoding="utf-8")
    analyze(articles, cache=tmp_path)
    assert analyze.stats.summary_cached is False
    analyze(articles, cache=tmp_path)
    assert analyze.stats.summary_cached is True


def test_default_cache_of_an_older_version_is_adopted(tmp_path, monkeypatch, articles):
    """The project's default folder written before markers (only fingerprint folders of cache
    files) is marked on first use; the same content elsewhere, or with one foreign file, is
    not a cache newslens may claim."""
    root = tmp_path / "default"
    old = root / ("ab" * 16)
    old.mkdir(parents=True)
    (old / f"{'cd' * 16}.nlc").write_bytes(b"old pack")
    (old / ".used").write_text("1.0", encoding="utf-8")
    assert cache.claim_reason(root) is not None  # not the default folder: refused
    monkeypatch.setattr(cache, "default_dir", lambda: root)
    assert cache.claim_reason(root) is None
    store = cache.ArticleCache.open(None)
    assert store is not None and cache.is_cache_root(root)
    assert cache.is_fingerprint_folder(old)  # marked: pruned like any old fingerprint
    (tmp_path / "other").mkdir()
    shutil.copytree(old, tmp_path / "other" / old.name)
    (tmp_path / "other" / old.name / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.setattr(cache, "default_dir", lambda: tmp_path / "other")
    assert cache.claim_reason(tmp_path / "other") is not None
