"""Numbers as the terminal shows them: decimals chosen by the column's unit suffix, thousands separators,
empty for null (never `nan`), never scientific notation.

The decimals follow what the figure means: tonnes and dollars are whole (a tonne is far below any
estimate's precision), a price per tonne has cents, an emission factor per MWh four decimals (0.9229), a
share three (0.383). The first suffix that a column name ends with decides; a column without a known
suffix gets up to 3 decimals (trailing zeros dropped). An integer column stays whole.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal

import numpy as np
import pandas as pd

# (suffix, decimals), longest first where one suffix ends another (_usd_per_t before _usd, _t_per_mwh
# before _mwh).
DECIMALS_BY_SUFFIX: tuple[tuple[str, int], ...] = (
    ("_usd_per_t", 2),
    ("_usd_per_kw", 0),
    ("_usd_per_mwh", 2),
    ("_usd_per_gj", 2),
    ("_usd_per_yr", 0),
    ("_usd", 0),
    ("_t_per_mwh", 4),
    ("_t_per_tj", 2),
    ("_kg_per_tj", 2),
    ("_t_per_yr", 0),
    ("_t", 0),
    ("_mwh_per_yr", 0),
    ("_mwh", 0),
    ("_tj_per_yr", 0),
    ("_gj_per_mwh", 3),
    ("_mw", 1),
    ("_kw", 1),
    ("_yr", 1),
    ("_pct", 1),
    ("_share", 3),
    ("_fraction", 3),
    ("_factor", 3),
    ("_ratio", 3),
    ("_efficiency", 3),
    ("_lhv", 3),
    ("_hhv", 3),
    ("_rate", 3),
)
DEFAULT_MAX_DECIMALS = 3


def is_year(column: str) -> bool:
    """A calendar year (start_year, vintage, year): 2014, never 2,014."""
    name = column.lower()
    return name in ("year", "vintage") or name.endswith(("_year", "_vintage"))


def decimals_for(column: str) -> int | None:
    """The fixed decimals of a column by its unit suffix, or None (no known suffix)."""
    name = column.lower()
    for suffix, decimals in DECIMALS_BY_SUFFIX:
        if name.endswith(suffix):
            return decimals
    return None


def format_number(value, decimals: int | None = None) -> str:
    """One value: '' for null / NaN, thousands separators, `decimals` fixed (None: up to 3, trailing zeros
    dropped; an integer stays whole). Booleans and text pass through as text."""
    if _is_null(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, numbers.Integral) and not decimals:
        return f"{int(value):,}"
    if not isinstance(value, numbers.Real | Decimal):
        return str(value)
    number = float(value)
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    text = f"{number:,.{DEFAULT_MAX_DECIMALS if decimals is None else decimals}f}"
    if decimals is None:
        text = text.rstrip("0").rstrip(".")
    return _no_negative_zero(text)


def _no_negative_zero(text: str) -> str:
    """-0.00 (a tiny negative rounded away) reads as a sign error: show 0.00."""
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def format_column(column: str, values: pd.Series) -> list[str]:
    """Every value of a column formatted by its unit suffix (numbers), or as text (nulls empty)."""
    if pd.api.types.is_bool_dtype(values):
        return ["" if pd.isna(v) else str(bool(v)).lower() for v in values]
    if pd.api.types.is_integer_dtype(values):  # counts, whole MW: whole, whatever the suffix
        if is_year(column):
            return ["" if pd.isna(v) else str(int(v)) for v in values]
        return [format_number(None if pd.isna(v) else int(v)) for v in values]
    if pd.api.types.is_float_dtype(values):
        if is_year(column):  # a year held as a float (nullable): 2015, not 2,015.0
            return ["" if pd.isna(v) else f"{v:.0f}" for v in values]
        decimals = decimals_for(column)
        return [format_number(None if pd.isna(v) else float(v), decimals) for v in values]
    return ["" if _is_null(v) else _text(v) for v in values]


def _is_null(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a null
        return False


def _text(value) -> str:
    if isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def format_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A frame of strings, every column formatted (format_column)."""
    return pd.DataFrame({c: format_column(c, df[c]) for c in df.columns}, index=df.index)


def numeric_columns(df: pd.DataFrame) -> list[str]:
    return [
        c
        for c in df.columns
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
    ]


def to_table(df: pd.DataFrame) -> str:
    """A markdown table (as `bcm query` prints): numbers right-aligned and formatted, text as it is."""
    text = format_frame(df)
    numeric = set(numeric_columns(df))
    align = ["right" if c in numeric else "left" for c in df.columns]
    return text.to_markdown(index=False, disable_numparse=True, colalign=align)


def format_record(row: pd.Series) -> list[tuple[str, str]]:
    """(field, value) of one row, each value formatted by its field's suffix (bcm case)."""
    out = []
    for field, value in row.items():
        if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
            out.append((field, str(value) if is_year(str(field)) else format_number(value)))
        else:
            out.append((field, format_number(value, decimals_for(str(field)))))
    return out
