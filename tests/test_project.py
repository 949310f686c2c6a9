"""Project set-up invariants: pins, environment.yml, .gitignore, notebooks committed executed."""

import hashlib
import json
import re
import subprocess

import yaml
from newslens.paths import PROJECT_DIR, data_dir, resolve_corpus, seeds_dir


def test_requirements_are_exact_pins():
    lines = [
        line.strip()
        for line in (PROJECT_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines, "requirements.txt is empty"
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=<>~!]+", line)]
    assert loose == []
    names = {line.split("==")[0].lower() for line in lines}
    for needed in ("pandas", "textblob", "vadersentiment", "nupunkt", "nbval", "papermill"):
        assert needed in names


def test_environment_yml_installs_requirements_and_package():
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps and "pip" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]
    # conda-level packages other than python/pip would drift from the lock
    assert [d for d in deps if isinstance(d, str)] == ["python=3.11", "pip"]


def test_gitignore_keeps_the_package():
    result = subprocess.run(
        ["git", "check-ignore", "-q", "lib/newslens/__init__.py"], cwd=PROJECT_DIR, check=False
    )
    assert result.returncode == 1, ".gitignore swallows lib/newslens"


SEED_SHA256 = {
    "000_348f96dc23722a11.txt": "ed63a4bb35d0186480be83f02fc8de9c75ca3b1c605060cc9767ed1c27c9cb4b"
}


def test_seeds_are_kept_as_given():
    """seeds/ holds the articles byte for byte as delivered (never edited)."""
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds_dir().glob("*")}
    assert found == SEED_SHA256


def test_paths_resolve_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_corpus("seeds") == seeds_dir()
    assert resolve_corpus(None) == seeds_dir()
    assert (data_dir() / "actors.yml").exists()


def test_notebooks_are_committed_executed_with_python3_kernel():
    notebooks = sorted((PROJECT_DIR / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert all(c["execution_count"] is not None for c in code), f"{path.name} not executed"
        assert any("parameters" in c["metadata"].get("tags", []) for c in code), path.name
        for cell in code:
            for output in cell.get("outputs", []):
                assert output.get("name") != "stderr", f"{path.name} has stderr output"
