"""IFI harmonised default grid factors (xlsx, sheet "Dataset " with a trailing space)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import (
    SourceFormatError,
    clean_text,
    new_problems,
    read_excel_sheet,
    to_iso3,
    to_number,
)

SOURCE_ID = "ifi_grid_factors"
SHEET = "Dataset "
# Header text (row 1 of the sheet, or row 0 for OM) → our column. Values are gCO2/kWh = kgCO2/MWh.
COLUMNS = {
    "Firm Energy": "cm_firm_ef_t_per_mwh",
    "Intermittent Energy": "cm_intermittent_ef_t_per_mwh",
    "Energy Efficiency": "cm_efficiency_ef_t_per_mwh",
    "Electricity Consumption": "cm_consumption_ef_t_per_mwh",
    "Operating Margin": "om_ef_t_per_mwh",
}
# Aggregates in the sheet, given the World Bank's codes so they stay queryable.
AGGREGATES = {"World": "WLD", "EU 27": "EUU"}


def parse(path: Path) -> pd.DataFrame:
    grid = read_excel_sheet(path, SHEET, SOURCE_ID, header=None)
    first = grid[0].astype(str).str.strip()
    header_rows = grid.index[first.str.startswith("Country / Territory")]
    if len(header_rows) == 0:
        raise SourceFormatError(
            f"{SOURCE_ID}: sheet {SHEET!r} has no 'Country / Territory / Island' header cell"
        )
    header = header_rows[0]
    labels = {}
    for col in grid.columns[1:]:
        text = " ".join(str(grid.at[r, col]) for r in range(header) if pd.notna(grid.at[r, col]))
        for needle, name in COLUMNS.items():
            if needle.lower() in text.lower():
                labels[col] = name
    missing = sorted(set(COLUMNS.values()) - set(labels.values()))
    if missing:
        raise SourceFormatError(f"{SOURCE_ID}: sheet {SHEET!r} header lacks column(s) {missing}")

    body = grid.iloc[header + 1 :]
    # The table ends at the first note ("Note 1: ..."); blank rows separate the aggregates.
    body = body[body[0].notna() & ~body[0].astype(str).str.startswith("Note")]
    df = new_problems(pd.DataFrame({"country_name": clean_text(body[0])}).reset_index(drop=True))
    for col, name in labels.items():
        df[name] = to_number(df.assign(_v=body[col].to_numpy()), name, "_v") / 1000.0
    df["is_aggregate"] = df["country_name"].isin(list(AGGREGATES))
    df["country_iso3"] = pd.Series(pd.NA, index=df.index, dtype="string")
    countries = ~df["is_aggregate"]
    df.loc[countries, "country_iso3"] = to_iso3(df[countries], "country_name")
    df.loc[~countries, "country_iso3"] = df.loc[~countries, "country_name"].map(AGGREGATES)
    return df
