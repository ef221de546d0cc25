"""WRI Global Power Plant Database, India: `CEA_plants.csv`, the crosswalk of CEA CO2 Baseline Database
stations to coordinates (gppd_id, name, id_<fiscal year>..., latitude, longitude).

Each `id_2018-2019` column holds the station's S_NO in the CEA database of that fiscal year (S_NO is
renumbered from one CEA version to the next), so the long form keys a location by (fiscal_year, s_no).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import SourceFormatError, clean_text, new_problems, to_number

SOURCE_ID = "wri_gppd_india"
ID_COLUMN = re.compile(r"^id_(\d{4})-(\d{4})$")


def parse_cea_station_locations(path: Path) -> pd.DataFrame:
    """One row per station and CEA fiscal year it has an S_NO in: gppd_id, fiscal_year ('2018-19'), s_no,
    station_name, latitude, longitude (null where WRI has none)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    years = {}
    for column in raw.columns:
        match = ID_COLUMN.match(column.strip())
        if match and int(match.group(2)) == int(match.group(1)) + 1:
            years[column] = f"{match.group(1)}-{match.group(2)[2:]}"
    missing = [c for c in ("gppd_id", "name", "latitude", "longitude") if c not in raw.columns]
    if missing or not years:
        raise SourceFormatError(
            f"{SOURCE_ID}: {path.name} needs columns gppd_id, name, latitude, longitude and id_<YYYY-YYYY> "
            f"station numbers; lacks {missing or ''}{'' if years else ' any id_<fiscal year> column'}; "
            f"found {list(raw.columns)}"
        )
    long = raw.melt(
        id_vars=["gppd_id", "name", "latitude", "longitude"],
        value_vars=list(years),
        var_name="_column",
        value_name="_s_no",
    )
    # A blank id: the station is not in that year's CEA database (built later, or renamed).
    long = long[long["_s_no"].str.strip().ne("")].reset_index(drop=True)
    df = new_problems(long)
    df["gppd_id"] = clean_text(long["gppd_id"])
    df["fiscal_year"] = long["_column"].map(years).astype("string")
    df["s_no"] = to_number(df, "s_no", "_s_no")
    df["station_name"] = clean_text(long["name"])
    df["latitude"] = to_number(df, "latitude")
    df["longitude"] = to_number(df, "longitude")
    return df[["_problems", "gppd_id", "fiscal_year", "s_no", "station_name", "latitude", "longitude"]]
