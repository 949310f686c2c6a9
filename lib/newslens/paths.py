"""Where newslens finds its curated data files, the seed corpus and its notebooks."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def data_dir() -> Path:
    """The folder of curated knowledge (actors, regions, lexicons).

    `NEWSLENS_DATA` overrides; otherwise the checkout's `data/` (an editable install, where
    analysts edit it), else the copy installed with the package (`newslens/data`, a wheel).
    """
    env = os.environ.get("NEWSLENS_DATA")
    if env:
        return Path(env)
    checkout = PROJECT_DIR / "data"
    if (PROJECT_DIR / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "data"


def data_file(name: str) -> Path:
    """Path of one curated data file, with a clear error when it is missing."""
    path = data_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"newslens data file not found: {path}")
    return path


def seeds_dir() -> Path:
    """The project's seed corpus (the default corpus of notebooks and reports)."""
    return PROJECT_DIR / "seeds"


def notebooks_dir() -> Path:
    return PROJECT_DIR / "notebooks"


def resolve_corpus(path: str | os.PathLike | None) -> Path:
    """A corpus path, relative to the current folder only; None, or the name `seeds` when the
    current folder has no `seeds`, is the project's seed corpus.

    Notebooks run from `notebooks/` (nbval) or from the caller's folder (papermill), so their
    default `"seeds"` must mean the project's seeds wherever the kernel starts. No other path
    falls back to the project: `analyze docs` from another folder is an error there, never the
    project's own `docs/`.
    """
    if path is None:
        return seeds_dir()
    candidate = Path(path).expanduser()
    if os.fspath(path) in ("seeds", "seeds/") and not candidate.exists():
        return seeds_dir()
    return candidate
