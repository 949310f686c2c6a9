"""The command line: tables written, summary printed, clear errors and exit codes."""

import subprocess
import sys

import pandas as pd
from newslens.cli import main
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
