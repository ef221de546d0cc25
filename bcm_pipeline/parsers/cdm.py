"""WRI's CDM power-project list (database_CDMDB.csv of the Global Power Plant Database, SOURCES.md §13).

One row per CDM project activity: ISO3 country, name, capacity, optional coordinates and fuel. The
commissioning, owner and generation columns are empty throughout and are not kept. Coordinates out of
range (a few rows hold a longitude in the latitude column) are set to null with a flag: the project
itself stays, only its position is unknown. Pure: path in, DataFrame out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import (
    PROBLEMS,
    SourceFormatError,
    clean_text,
    new_problems,
    require_columns,
    to_number,
)

SOURCE_ID = "cdm_power_projects"
REQUIRED = [
    "country",
    "country_long",
    "name",
    "gppd_idnr",
    "capacity_mw",
    "latitude",
    "longitude",
    "fuel1",
    "url",
]


def parse_cdm_power_projects(path: Path) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"{SOURCE_ID}: {path.name} is not UTF-8: {exc}") from exc
    require_columns(raw, REQUIRED, SOURCE_ID, path.name)
    df = new_problems(raw)
    df["cdm_project_id"] = clean_text(df["gppd_idnr"])
    df["country_iso3"] = clean_text(df["country"]).str.upper()
    for idx in df.index[~df["country_iso3"].str.match(r"^[A-Z]{3}$", na=False)]:
        df.at[idx, PROBLEMS].append(("country_iso3", "iso3_code", str(df.at[idx, "country"])))
    df["country_name"] = clean_text(df["country_long"])
    df["name"] = clean_text(df["name"]).str.replace(r"\s+", " ", regex=True)
    df["capacity_mw"] = to_number(df, "capacity_mw")
    lat = to_number(df, "latitude")
    lon = to_number(df, "longitude")
    bad = (lat.notna() | lon.notna()) & ~(lat.between(-90, 90) & lon.between(-180, 180))
    df["latitude"] = lat.where(~bad)
    df["longitude"] = lon.where(~bad)
    fuel = clean_text(df["fuel1"]).replace("", pd.NA)
    df["fuel"] = fuel
    df["url"] = clean_text(df["url"])
    flags = pd.Series([[] for _ in range(len(df))], index=df.index)
    for idx in df.index[bad]:
        flags.at[idx].append("coordinates_out_of_range (set null)")
    for idx in df.index[fuel.isna()]:
        flags.at[idx].append("fuel_blank_in_source")
    df["flags"] = flags.map(lambda f: "; ".join(f) if f else None).astype("string")
    return df[
        [
            "cdm_project_id",
            "country_iso3",
            "country_name",
            "name",
            "capacity_mw",
            "latitude",
            "longitude",
            "fuel",
            "url",
            "flags",
            PROBLEMS,
        ]
    ]
