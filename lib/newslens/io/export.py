"""CSV output that a spreadsheet opens as data, never as formulas.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and tab or
carriage return can hide such a start), so article text like `=HYPERLINK(...)` in an output CSV
would run when an analyst opens the file. `neutralise_cell` prefixes such a cell with a single
quote (`'`), which spreadsheets show as text; plain numbers (`-3.5`, `+7`, `1e-3`) stay as they
are. `write_csv` applies it to every text cell and column name of a table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


def neutralise_cell(value):
    """`value` with a leading `'` when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(
            value):
        return "'" + value
    return value


def neutralise_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` with every text cell and column name neutralised (numbers untouched)."""
    out = table.copy()
    for i, column in enumerate(out.columns):
        values = out.iloc[:, i]
        if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype):
            out.isetitem(i, values.astype(object).map(neutralise_cell, na_action="ignore"))
        elif pd.api.types.is_string_dtype(values):  # vectorised: pandas text columns
            risky = values.str.startswith(FORMULA_STARTS, na=False) & ~values.str.match(
                _PLAIN_NUMBER.pattern, na=False)
            if risky.any():
                out.isetitem(i, values.where(~risky, "'" + values))
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """`table` as UTF-8 CSV without index, neutralised (`neutralise_table`)."""
    neutralise_table(table).to_csv(path, index=False, encoding="utf-8")
