"""The command line: tables written, summary printed, clear errors and exit codes."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import newslens
import pandas as pd
import pytest
from newslens.cli import UsageError, check_scheduler, main
from newslens.paths import seeds_dir


def test_analyze_seed_writes_tables(tmp_path, capsys):
    assert main(["analyze", str(seeds_dir()), "--out", str(tmp_path)]) == 0
    for name in ("articles", "sentences", "mentions", "load_report"):
        assert (tmp_path / f"{name}.csv").exists(), name
    mentions = pd.read_csv(tmp_path / "mentions.csv")
    assert {"article_id", "sentence", "start", "end", "actor_id", "mention_type"} <= set(
        mentions.columns
    )
    assert (mentions["actor_id"] == "putin").sum() >= 9
    articles = pd.read_csv(tmp_path / "articles.csv")
    assert len(articles) == 1
    out = capsys.readouterr().out
    assert "Loaded 1 article from" in out and "mentions.csv" in out


def test_analyze_empty_load_report_still_has_header(tmp_path):
    assert main(["analyze", str(seeds_dir()), "--out", str(tmp_path)]) == 0
    header = (tmp_path / "load_report.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "path,problem,action"


def test_analyze_bad_path_exits_nonzero_with_message(tmp_path):
    missing = tmp_path / "nowhere"
    result = subprocess.run(
        [sys.executable, "-m", "newslens", "analyze", str(missing), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert str(missing) in result.stderr and ".txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_analyze_reports_bad_files_but_keeps_good_ones(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Title\n\nPutin said the talks would go on.\n")
    (corpus / "empty.txt").write_text("")
    assert main(["analyze", str(corpus), "--out", str(tmp_path / "o")]) == 0
    report = pd.read_csv(tmp_path / "o" / "load_report.csv")
    assert report["path"].str.contains("empty.txt").any()
    assert "empty.txt" in capsys.readouterr().out


# ---- checks before any work ----------------------------------------------------------------

@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if loading or analysis starts."""
    from newslens.engine import runner

    def boom(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(newslens, "load_corpus", boom)
    monkeypatch.setattr(runner, "analyze_to", boom)


def run_main(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def test_empty_corpus_argument_is_an_error(tmp_path, capsys, no_work, monkeypatch):
    monkeypatch.chdir(tmp_path)  # never the current folder
    (tmp_path / "a.txt").write_text("Title\nBody.\n")
    code, err = run_main(["analyze", "", "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert err == "error: empty corpus path: give a file or a folder of articles\n"


@pytest.mark.parametrize("kind", ["file", "under_file", "empty"])
def test_out_checked_before_work(kind, tmp_path, capsys, no_work):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = {"file": blocker, "under_file": blocker / "sub" / "out", "empty": ""}[kind]
    code, err = run_main(["analyze", str(seeds_dir()), "--out", str(out)], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    expected = {"file": "is a file, not a folder", "under_file": f"is under a file ({blocker})",
                "empty": "empty --out"}[kind]
    assert expected in err


def test_out_not_creatable(tmp_path, capsys, no_work, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    code, err = run_main(["analyze", str(seeds_dir()), "--out", str(tmp_path / "new")], capsys)
    assert code == 2
    assert err == (f"error: --out {tmp_path / 'new'} cannot be created or written: "
                   "Permission denied\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_checked_before_work(tmp_path, capsys, no_work):
    address = f"tcp://127.0.0.1:{_free_port()}"
    t = time.perf_counter()
    code, err = run_main(["analyze", str(seeds_dir()), "--out", str(tmp_path / "o"),
                          "--engine", "dask", "--scheduler", address], capsys)
    assert code == 2 and time.perf_counter() - t < 10
    assert err.startswith(f"error: Dask scheduler {address} is not reachable (")
    assert err.count("\n") == 1


def test_scheduler_check_accepts_a_listening_address():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        check_scheduler(f"tcp://127.0.0.1:{port}", timeout=2)
        check_scheduler(f"127.0.0.1:{port}", timeout=2)
    with pytest.raises(UsageError, match="has no host:port"):
        check_scheduler("tcp://127.0.0.1")


def test_csv_outputs_are_neutralised(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "=cmd.txt").write_text(
        '=HYPERLINK("http://example.invalid","click")\n'
        "@SUM(A1) Putin said the talks were a terrible failure.\n")
    assert main(["analyze", str(corpus), "--out", str(tmp_path / "o"), "--no-cache"]) == 0
    articles = pd.read_csv(tmp_path / "o" / "articles.csv", dtype=str, keep_default_na=False)
    assert articles.loc[0, "article_id"] == "'=cmd"
    assert articles.loc[0, "title"] == "'=HYPERLINK(\"http://example.invalid\",\"click\")"
    assert articles.loc[0, "text"].startswith("'@SUM(A1) Putin")
    sentences = pd.read_csv(tmp_path / "o" / "sentences.csv", dtype=str, keep_default_na=False)
    assert set(sentences["article_id"]) == {"'=cmd"}
    for name in ("articles", "sentences", "mentions", "mention_sentiment", "claims"):
        cells = pd.read_csv(tmp_path / "o" / f"{name}.csv", dtype=str,
                            keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")
                    and not c[1:].replace(".", "").isdigit()], name
    sentiment = pd.read_csv(tmp_path / "o" / "sentence_sentiment.csv")
    assert (sentiment.select_dtypes("number") < 0).any().any()  # negatives stay numbers


def test_neutralise_cell_rules():
    from newslens.io.export import neutralise_cell, neutralise_table

    cases = {"=1+1": "'=1+1", "+cmd": "'+cmd", "-cmd": "'-cmd", "@x": "'@x", "\tx": "'\tx",
             "\r=x": "'\r=x", "-3.5": "-3.5", "+7": "+7", "1e-3": "1e-3", "-": "'-",
             "plain": "plain", "a=b": "a=b"}
    assert {k: neutralise_cell(k) for k in cases} == cases
    table = pd.DataFrame({"x": ["=a", "b"], "n": [-1.5, 2.0], "=col": ["-2", "@c"]})
    safe = neutralise_table(table)
    assert list(safe.columns) == ["x", "n", "'=col"]
    assert safe["x"].tolist() == ["'=a", "b"] and safe["n"].tolist() == [-1.5, 2.0]
    assert safe["'=col"].tolist() == ["-2", "'@c"]
    assert table["x"].tolist() == ["=a", "b"]  # the input is not changed
