"""Iron and steel sources: GEM's Global Iron and Steel Tracker (GIST, March 2025 map files) and POSTED.

GIST map files (SOURCES.md §15): the unit file has one row per furnace, the plant file one row per plant
and status (a plant with operating and announced capacity has two rows). Quirks handled here:
- capacities are in ttpa (thousand tonnes per annum): multiplied by 1,000 into `_t_per_yr`;
- `N/A` or empty in a capacity column: no capacity of that kind reported (null);
- `>0` in a capacity column: GEM knows the capacity exists but not its size. Null, and the column is named
  in `capacity_flags` (`<column>_positive_unknown`), so nobody reads the null as "none";
- `start-date` / `most-recent-relining` hold a year, a year-month or a date, `unknown` or nothing: kept as
  given (text) plus the year; anything else is a row problem (quarantine);
- `lng` has a leading space.

POSTED (SOURCES.md §16): three CSVs, one per technology, with slightly different columns (BF-BOF has no
`mode`, only EAF has `reheating`, only DRI and BF-BOF have `carbon_capture`): one tidy table of cited
values. A dimension a file does not have is null. Money units (EUR_2010, mnUSD_2010/yr, kUSD_2022/year ...)
are split into currency, price year and multiplier so bcm_pipeline.price_years.to_usd can convert them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import (
    PROBLEMS,
    SourceFormatError,
    clean_text,
    new_problems,
    require_columns,
    to_iso3,
    to_number,
)

UNITS_SOURCE_ID = "gem_steel_plant_tracker"
PLANTS_SOURCE_ID = "gem_steel_plant_tracker"  # the plant file of the release (role plants)
POSTED_SOURCE_ID = "posted_steel_technologies"

# GIST unit file `tab-type` → furnace type.
FURNACE_TYPES = {
    "Blast_furnaces": "bf",
    "Basic_oxygen_furnaces": "bof",
    "Electric_arc_furnaces": "eaf",
    "DRI_furnaces": "dri",
    "Open_hearth_furnaces": "ohf",
}

UNIT_COLUMNS = {
    "gem-unit-id": "gem_unit_id",
    "gem-plant-id": "gem_plant_id",
    "tab-type": "gem_tab_type",
    "unit-name": "unit_name",
    "status": "status",
    "current-capacity-(ttpa)": "_capacity_ttpa",
    "most-recent-relining": "most_recent_relining",
    "plant-name-(english)": "plant_name",
    "country/area": "country_name",
    "start-date": "plant_start_date",
}

PLANT_COLUMNS = {
    "plant-id": "gem_plant_id",
    "status": "status",
    "plant-name-(english)": "plant_name",
    "plant-name-(other-language)": "plant_name_local",
    "owner": "owner",
    "parent": "parent",
    "country/area": "country_name",
    "subnational-unit-(province/state)": "subnational_unit",
    "lat": "latitude",
    "lng": "longitude",
    "coordinate-accuracy": "coordinate_accuracy",
    "start-date": "start_date",
    "main-production-equipment": "main_production_equipment",
    "steel-products": "steel_products",
    "gem-wiki-page": "gem_wiki_url",
}

# Plant file capacity columns (ttpa) → our columns (t/yr).
PLANT_CAPACITIES = {
    "nominal-crude-steel-capacity-(ttpa)": "crude_steel_capacity_t_per_yr",
    "nominal-bof-steel-capacity-(ttpa)": "bof_steel_capacity_t_per_yr",
    "nominal-eaf-steel-capacity-(ttpa)": "eaf_steel_capacity_t_per_yr",
    "nominal-ohf-steel-capacity-(ttpa)": "ohf_steel_capacity_t_per_yr",
    "other/unspecified-steel-capacity-(ttpa)": "other_steel_capacity_t_per_yr",
    "nominal-iron-capacity-(ttpa)": "iron_capacity_t_per_yr",
    "nominal-bf-capacity-(ttpa)": "bf_capacity_t_per_yr",
    "nominal-dri-capacity-(ttpa)": "dri_capacity_t_per_yr",
    "other/unspecified-iron-capacity-(ttpa)": "other_iron_capacity_t_per_yr",
}

NO_VALUE = {"", "n/a", "unknown"}  # GIST's markers for "nothing reported"
POSITIVE_UNKNOWN = ">0"
DATE_PATTERN = re.compile(r"(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")

# POSTED: file name → technology (the file's own name), and the columns every file has.
POSTED_FILES = [
    "Integrated Blast Furnace and Basic Oxygen Furnace.csv",
    "Direct Reduction of Iron.csv",
    "Electric Arc Furnace.csv",
]
POSTED_REQUIRED = [
    "source",
    "source_detail",
    "variable",
    "reference_variable",
    "period",
    "component",
    "value",
    "uncertainty",
    "unit",
    "reference_value",
    "reference_unit",
    "comment",
]
POSTED_OPTIONAL = ["mode", "carbon_capture", "reheating"]
# EUR_2010, MEUR_2020, kUSD_2022/year, mnUSD_2010/yr, EUR_2008/a, USD_2023
MONEY_UNIT = re.compile(r"(k|M|mn)?(EUR|USD)_(\d{4})(/(a|yr|year))?")
MULTIPLIERS = {"": 1.0, "k": 1e3, "M": 1e6, "mn": 1e6}


def _read_csv(path: Path, source_id: str, columns: list[str]) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SourceFormatError(f"{source_id}: {path.name} is not a readable UTF-8 CSV: {exc}") from exc
    require_columns(raw, columns, source_id, path.name)
    return new_problems(raw.map(str.strip).reset_index(drop=True))


def ttpa_to_t(df: pd.DataFrame, source_column: str, column: str, flags: pd.Series) -> pd.Series:
    """Thousand t/yr text → t/yr. No value → null; '>0' → null and `<column>_positive_unknown` in flags;
    anything unparseable is a row problem (quarantine)."""
    text = df[source_column]
    positive = text == POSITIVE_UNKNOWN
    for idx in df.index[positive]:
        flags.at[idx] = flags.at[idx] + [f"{column}_positive_unknown"]
    df[column] = text.where(~(positive | text.str.lower().isin(NO_VALUE)))
    return to_number(df, column) * 1000


def dates(df: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """(date text as given or null, its year). 'unknown'/empty → null; a value that is neither a year,
    a year-month nor a date is a row problem."""
    text = df[column]
    missing = text.str.lower().isin(NO_VALUE)
    valid = text.map(lambda v: DATE_PATTERN.fullmatch(v) is not None)
    for idx in df.index[~missing & ~valid]:
        df.at[idx, PROBLEMS].append((column, "year_or_date", text.at[idx]))
    keep = ~missing & valid
    year = pd.to_numeric(text.where(keep).str[:4], errors="coerce").astype("Int64")
    return text.where(keep).astype("string"), year


def _flags_text(flags: pd.Series) -> pd.Series:
    return flags.map(lambda f: ";".join(f) if f else None).astype("string")


def parse_steel_units(path: Path) -> pd.DataFrame:
    """GIST unit file → steel_units: one row per furnace (BF, BOF, EAF, DRI, OHF)."""
    df = _read_csv(path, UNITS_SOURCE_ID, list(UNIT_COLUMNS))
    df = df[[*UNIT_COLUMNS, PROBLEMS]].rename(columns=UNIT_COLUMNS)
    df["furnace_type"] = df["gem_tab_type"].map(FURNACE_TYPES).astype("string")
    for idx in df.index[df["furnace_type"].isna()]:
        df.at[idx, PROBLEMS].append(("furnace_type", "known_tab_type", df.at[idx, "gem_tab_type"]))
    flags = pd.Series([[] for _ in range(len(df))], index=df.index)
    df["capacity_t_per_yr"] = ttpa_to_t(df, "_capacity_ttpa", "capacity_t_per_yr", flags)
    df["flags"] = _flags_text(flags)
    df["plant_start_date"], df["plant_start_year"] = dates(df, "plant_start_date")
    df["most_recent_relining"], df["most_recent_relining_year"] = dates(df, "most_recent_relining")
    for col in ["gem_unit_id", "gem_plant_id", "gem_tab_type", "unit_name", "status", "plant_name"]:
        df[col] = clean_text(df[col].mask(df[col] == ""))
    df["country_iso3"] = to_iso3(df, "country_name")
    return df.drop(columns="_capacity_ttpa")


def parse_steel_plants(path: Path) -> pd.DataFrame:
    """GIST plant file → steel_plants: one row per plant and status, nominal capacities by route in t/yr."""
    df = _read_csv(path, PLANTS_SOURCE_ID, [*PLANT_COLUMNS, *PLANT_CAPACITIES])
    flags = pd.Series([[] for _ in range(len(df))], index=df.index)
    for source_column, column in PLANT_CAPACITIES.items():
        df[column] = ttpa_to_t(df, source_column, column, flags)
    df = df[[*PLANT_COLUMNS, *PLANT_CAPACITIES.values(), PROBLEMS]].rename(columns=PLANT_COLUMNS)
    df["capacity_flags"] = _flags_text(flags)
    df["start_date"], df["start_year"] = dates(df, "start_date")
    df["latitude"] = to_number(df, "latitude")
    df["longitude"] = to_number(df, "longitude")
    text_columns = [c for c in PLANT_COLUMNS.values() if c not in ("latitude", "longitude", "start_date")]
    for col in text_columns:
        df[col] = clean_text(df[col].mask(df[col] == ""))
    df["is_operating"] = df["status"].isin(["operating", "operating_pre-retirement"])
    df["country_iso3"] = to_iso3(df, "country_name")
    return df


def money_unit(unit: str) -> tuple[str | None, int | None, float | None]:
    """('EUR', 2010, 1.0) for 'EUR_2010', ('USD', 2010, 1e6) for 'mnUSD_2010/yr'; Nones if not money."""
    m = MONEY_UNIT.fullmatch(unit)
    if m is None:
        return None, None, None
    return m.group(2), int(m.group(3)), MULTIPLIERS[m.group(1) or ""]


def parse_posted_steel(path: Path) -> pd.DataFrame:
    """The three POSTED steel CSVs → one tidy table of cited values.

    `path` is any one of the three files: the others sit beside it (data/raw/posted_steel_technologies/),
    and a missing one is a table-level error naming it.
    """
    frames = []
    for name in POSTED_FILES:
        file = path.parent / name
        if not file.exists():
            raise SourceFormatError(
                f"{POSTED_SOURCE_ID}: {name} is missing beside {path.name} in {path.parent}"
            )
        df = _read_csv(file, POSTED_SOURCE_ID, POSTED_REQUIRED)
        df["technology"] = name.removesuffix(".csv")
        df["source_row"] = df.index + 2  # line in the file (line 1 is the header)
        # A row repeated whole is the same cited value twice (a broken export), not a second source.
        values = [c for c in df.columns if c not in (PROBLEMS, "technology", "source_row")]
        for idx in df.index[df.duplicated(subset=values)]:
            first = df.index[(df[values] == df.loc[idx, values]).all(axis=1)][0] + 2
            df.at[idx, PROBLEMS].append(("source_row", "unique_row", f"line {idx + 2} repeats line {first}"))
        for col in POSTED_OPTIONAL:
            if col not in df.columns:
                df[col] = ""  # a dimension this technology does not have: null below
        frames.append(df[["technology", "source_row", *POSTED_REQUIRED, *POSTED_OPTIONAL, PROBLEMS]])
    df = pd.concat(frames, ignore_index=True)
    for col in ["value", "uncertainty", "reference_value"]:
        df[col] = to_number(df, col)
    df["period"] = to_number(df, "period").round().astype("Int64")
    text_columns = ["source", "source_detail", "variable", "reference_variable", "component", "unit"]
    for col in [*text_columns, "reference_unit", "comment", *POSTED_OPTIONAL]:
        df[col] = clean_text(df[col].mask(df[col] == ""))
    money = [money_unit(u) if isinstance(u, str) else (None, None, None) for u in df["unit"]]
    df["currency"] = pd.Series([m[0] for m in money], dtype="string")
    df["price_year"] = pd.Series([m[1] for m in money], dtype="Int64")
    df["currency_multiplier"] = pd.Series([m[2] for m in money], dtype="float64")
    per = df["reference_value"].where(df["reference_value"] > 0)
    df["value_per_reference_unit"] = df["value"] / per
    return df
