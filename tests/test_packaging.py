"""A normal (non-editable) install works: the wheel carries the data files and every subpackage."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile

import pytest
from newslens.paths import PACKAGE_DIR, PROJECT_DIR


def test_pyproject_lists_every_subpackage():
    config = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"newslens." + p.parent.relative_to(PACKAGE_DIR).as_posix().replace("/", ".")
             for p in PACKAGE_DIR.rglob("__init__.py") if p.parent != PACKAGE_DIR}
    assert found | {"newslens", "newslens.data"} == listed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--disable-pip-version-check", "-w", str(out), str(PROJECT_DIR)],
                           capture_output=True, text=True, check=False)
    if build.returncode != 0 and "No matching distribution" in build.stderr:
        pytest.skip("setuptools not available to build the wheel (offline)")
    assert build.returncode == 0, build.stderr
    return next(out.glob("newslens-*.whl"))


def test_wheel_carries_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in (PROJECT_DIR / "data").glob("*.yml"):
        assert f"newslens/data/{data.name}" in names


def test_non_editable_install_analyses_from_outside_the_checkout(wheel, tmp_path):
    """Install the wheel into a fresh venv (dependencies borrowed from this environment) and
    run `python -m newslens analyze` on the seed from a folder outside the checkout."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib], capture_output=True, text=True, check=True)
    target = site.stdout.strip()
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    # Dependencies from this environment as a plain path entry (its .pth files, including the
    # editable newslens finder, are not processed there).
    with open(f"{target}/zz_deps.pth", "w", encoding="utf-8") as fh:
        fh.write(sysconfig.get_paths()["purelib"] + "\n")
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_DIR / "seeds", corpus)
    work = tmp_path / "elsewhere"
    work.mkdir()
    show = "import newslens, newslens.paths as p; print(newslens.__file__); print(p.data_dir())"
    where = subprocess.run([str(python), "-c", show], cwd=work, capture_output=True, text=True,
                           check=True).stdout.split()
    assert where[0].startswith(target) and where[1].startswith(target)
    run = subprocess.run([str(python), "-m", "newslens", "analyze", str(corpus), "--out", "out",
                          "--no-cache", "--workers", "1"],
                         cwd=work, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    statements = (work / "out" / "statements.csv").read_text(encoding="utf-8")
    assert "putin" in statements and len(statements.splitlines()) > 5
