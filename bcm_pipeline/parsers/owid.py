"""Our World in Data grapher CSVs: "carbon-intensity-electricity.csv" (Entity, Code, Year, gCO2/kWh) and
"electricity-prod-source-stacked.csv" (Entity, Code, Year, then one TWh column per source)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import PROBLEMS, SourceFormatError, clean_text, new_problems, to_number

SOURCE_ID = "owid_carbon_intensity"
# OWID's own codes: (ISO3 we use, is_aggregate). XKX is the code the EU and IMF use for Kosovo.
OWID_CODES = {"OWID_KOS": ("XKX", False), "OWID_WRL": ("WLD", True)}
ISO3 = re.compile(r"^[A-Z]{3}$")


def parse_owid(path: Path) -> pd.DataFrame:
    # Everything as text and no NA guessing: an empty Code means "aggregate", not a missing value to infer.
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    value_cols = [c for c in raw.columns if "gco2/kwh" in c.lower()]
    missing = [c for c in ("Entity", "Code", "Year") if c not in raw.columns]
    if missing or len(value_cols) != 1:
        raise SourceFormatError(
            f"{SOURCE_ID}: {path.name} needs columns Entity, Code, Year and one '... gCO2/kWh' column; "
            f"found {list(raw.columns)}"
        )
    df = new_problems(raw.rename(columns={"Year": "_year", value_cols[0]: "_value"}))
    _entities(df)
    df["year"] = to_number(df, "year", "_year")
    df["ef_t_per_mwh"] = to_number(df, "ef_t_per_mwh", "_value") / 1000.0
    return df.drop(columns=["Entity", "Code", "_year", "_value"])


def _entities(df: pd.DataFrame) -> None:
    """entity, country_iso3 and is_aggregate from OWID's Entity and Code columns (in place)."""
    df["entity"] = clean_text(df["Entity"])
    code = df["Code"].str.strip()
    is_iso = code.str.match(ISO3)
    df["country_iso3"] = code.where(is_iso).astype("string")
    df["is_aggregate"] = code.eq("")
    for owid_code, (iso3, aggregate) in OWID_CODES.items():
        df.loc[code.eq(owid_code), "country_iso3"] = iso3
        df.loc[code.eq(owid_code), "is_aggregate"] = aggregate
    # Other OWID_* codes (historic entities, new regions) are not guessed: the row goes to quarantine.
    for idx in df.index[~(is_iso | code.eq("") | code.isin(list(OWID_CODES)))]:
        df.at[idx, PROBLEMS].append(("country_iso3", "known_code", code.at[idx]))


# 'Electricity from coal - TWh (adapted for visualization of chart electricity-prod-source-stacked)';
# the renewables remainder is 'Other renewables excluding bioenergy - TWh (...)'.
SOURCE_COLUMN = re.compile(r"^(?:electricity from )?(.+?) - twh\b", re.IGNORECASE)
GENERATION_SOURCES = {
    "coal": "coal",
    "gas": "gas",
    "oil": "oil",
    "nuclear": "nuclear",
    "hydro": "hydro",
    "wind": "wind",
    "solar": "solar",
    "bioenergy": "bioenergy",
    "other renewables excluding bioenergy": "other_renewables",
}


def parse_owid_electricity_by_source(path: Path) -> pd.DataFrame:
    """Long form: one row per entity, year and source with OWID's generation in TWh (gross, as Ember
    publishes it). A blank cell is no observation and gives no row; a non-number is quarantined."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ("Entity", "Code", "Year") if c not in raw.columns]
    sources = {}
    for column in raw.columns:
        match = SOURCE_COLUMN.match(column.strip())
        if match and match.group(1).strip().lower() in GENERATION_SOURCES:
            sources[column] = GENERATION_SOURCES[match.group(1).strip().lower()]
    absent = sorted(set(GENERATION_SOURCES.values()) - set(sources.values()))
    if missing or absent or len(sources) != len(set(sources.values())):
        raise SourceFormatError(
            f"owid_electricity_by_source: {path.name} needs columns Entity, Code, Year and one "
            f"'Electricity from <source> - TWh' column per source; lacks {missing + absent}; "
            f"found {list(raw.columns)}"
        )
    long = raw.melt(
        id_vars=["Entity", "Code", "Year"], value_vars=list(sources), var_name="_column", value_name="_value"
    )
    long = long[long["_value"].str.strip().ne("")].reset_index(drop=True)
    df = new_problems(long)
    _entities(df)
    df["year"] = to_number(df, "year", "Year")
    df["source"] = long["_column"].map(sources).astype("string")
    df["generation_twh"] = to_number(df, "generation_twh", "_value")
    return df.drop(columns=["Entity", "Code", "Year", "_column", "_value"])
