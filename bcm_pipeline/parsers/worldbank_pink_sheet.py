"""World Bank Commodity Price Data ("Pink Sheet"), CMO-Historical-Data-Monthly.xlsx, sheet "Monthly Prices".

Layout: title rows, then a row of series names, a row of units '($/mt)', a row of series codes, then one row per
month with the period 'YYYYMmm' in column A. The header rows are found by content, not by offset.
Missing values ('…', sometimes '...') get no row: a month without a price is simply absent.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import (
    CANONICAL,
    MISSING_MARKERS,
    Layout,
    SourceFormatError,
    new_problems,
    read_sheet_rows,
    to_number,
)
from bcm_pipeline.schemas.worldbank_pink_sheet import COAL_GJ_PER_T, CRUDE_GJ_PER_BBL, GJ_PER_MMBTU

SOURCE_ID = "worldbank_pink_sheet"
SHEET = "Monthly Prices"
REQUIRED_CODES = ("COAL_AUS", "COAL_SAFRICA", "NGAS_US", "NGAS_EUR", "NGAS_JP", "CRUDE_BRENT")
PERIOD = re.compile(r"^(\d{4})M(\d{2})$")
CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def gj_per_unit(series_code: str, unit: str) -> float | None:
    """GJ in one `unit` of the series, for the energy series; None for everything else."""
    if unit == "$/mmbtu":
        return GJ_PER_MMBTU
    if series_code.startswith("COAL_") and unit == "$/mt":
        return COAL_GJ_PER_T
    if series_code.startswith("CRUDE_") and unit == "$/bbl":
        return CRUDE_GJ_PER_BBL
    return None


def _code_row(grid: list[tuple]) -> int:
    """The row whose cells (after column A) look like series codes: identifiers without spaces."""
    for r, row in enumerate(grid[:30]):
        cells = [str(v).strip() for v in row[1:] if v is not None and str(v).strip()]
        if len(cells) >= 5 and sum(bool(CODE.match(c)) for c in cells) >= 0.9 * len(cells):
            return r
    raise SourceFormatError(f"{SOURCE_ID}: sheet {SHEET!r} has no row of series codes in its first 30 rows")


def _unit(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text[1:-1].strip() if text.startswith("(") and text.endswith(")") else None


def parse_pink_sheet(path: Path, layout: Layout = CANONICAL) -> pd.DataFrame:
    """Months come from the file's own period labels (column A), never from a calendar in the code."""
    grid = read_sheet_rows(path, layout.sheet(SHEET), layout.where() if layout.source_id else SOURCE_ID)

    r = _code_row(grid)
    if r < 2:
        raise SourceFormatError(f"{SOURCE_ID}: no name and unit rows above the series codes (row {r + 1})")
    names, units, codes = grid[r - 2], grid[r - 1], grid[r]
    series = {}  # column → (code, name, unit)
    for c in range(1, len(codes)):
        code = str(codes[c]).strip() if codes[c] is not None else ""
        if not code:
            continue
        unit = _unit(units[c] if c < len(units) else None)
        if unit is None:
            raise SourceFormatError(
                f"{SOURCE_ID}: series {code} has unit cell {units[c]!r} above it; expected '($/...)' "
                f"in row {r}, directly above the codes"
            )
        name = (
            " ".join(str((names[c] if c < len(names) else None) or "").split()).rstrip("* ").strip()
        )  # drop footnote markers '**'
        series[c] = (code, name, unit)
    found = {code for code, _, _ in series.values()}
    missing = [c for c in REQUIRED_CODES if c not in found]
    if missing:
        raise SourceFormatError(
            f"{SOURCE_ID}: sheet {SHEET!r} lacks series {missing}; codes found: {sorted(found)[:80]}"
        )

    records = []
    for row in grid[r + 1 :]:
        period = PERIOD.match(str(row[0]).strip()) if row and row[0] is not None else None
        if not period:
            continue  # notes or blank rows
        month = dt.date(int(period.group(1)), int(period.group(2)), 1)
        for c, (code, name, unit) in series.items():
            value = row[c] if c < len(row) else None
            if value is None or (isinstance(value, str) and value.strip().lower() in MISSING_MARKERS):
                continue
            records.append((code, name, unit, month, value))
    df = new_problems(
        pd.DataFrame(records, columns=["series_code", "series_name", "unit", "month", "_value"])
    )
    df["price_usd"] = to_number(df, "price_usd", "_value")
    per_gj = [gj_per_unit(code, unit) for code, unit in zip(df["series_code"], df["unit"], strict=True)]
    df["price_usd_per_gj"] = df["price_usd"] / pd.Series(per_gj, index=df.index, dtype="float64")
    return df.drop(columns="_value")
