"""Our World in Data grapher CSV "carbon-intensity-electricity.csv": Entity, Code, Year, gCO2/kWh."""

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
    df["year"] = to_number(df, "year", "_year")
    df["ef_t_per_mwh"] = to_number(df, "ef_t_per_mwh", "_value") / 1000.0
    return df.drop(columns=["Entity", "Code", "_year", "_value"])
