"""Global Energy Monitor trackers: coal units and CO2 parameters (GCPT), oil & gas units (GOGPT).

Source headers are mapped by name. The names here are the canonical ones (GCPT July 2023, GOGPT February
2024); a release that renames sheets, headers or values declares it in sources.yaml and comes in as a
Layout. A missing header is a SourceFormatError naming the source, release, sheet and columns. Quirks handled here (see ../shared/data/SOURCES.md): "not found" in numeric columns, non-breaking
spaces in coordinates, mixed-case statuses and coal types, "Not Found" technology and CHP values.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from bcm_pipeline.parsers.common import (
    CANONICAL,
    MISSING_MARKERS,
    PROBLEMS,
    Layout,
    SourceFormatError,
    clean_text,
    new_problems,
    read_excel_sheet,
    to_iso3,
    to_number,
)

COAL_SOURCE_ID = "gem_coal_plant_tracker"
COAL_SHEET = "Coal Projects"
CO2_SHEET = "CO2 Parameters"
GAS_SOURCE_ID = "gem_oil_gas_plant_tracker"
GAS_SHEET = "Gas & Oil Units"

# GCPT header → our column.
COAL_COLUMNS = {
    "GEM unit/phase ID": "gem_unit_id",
    "GEM location ID": "gem_location_id",
    "Country": "country_name",
    "Plant name": "plant_name",
    "Unit name": "unit_name",
    "Owner": "owner",
    "Parent": "parent",
    "Capacity (MW)": "capacity_mw",
    "Status": "status",
    "Start year": "start_year",
    "Retired year": "retired_year",
    "Planned retirement": "planned_retirement_year",
    "Combustion technology": "combustion_technology",
    "Coal type": "coal_type",
    "Coal source": "coal_source",
    "Subnational unit (province, state)": "subnational_unit",
    "Subregion": "subregion",
    "Region": "region",
    "Latitude": "latitude",
    "Longitude": "longitude",
    "Location accuracy": "location_accuracy",
    "Captive": "captive",
    "Heat rate (Btu per kWh)": "gem_heat_rate_btu_per_kwh",
    "Emission factor (kg of CO2 per TJ)": "gem_ef_kg_per_tj",
    "Capacity factor": "gem_capacity_factor",
    "Annual CO2 (million tonnes / annum)": "gem_annual_co2_mt_per_yr",
    "Lifetime CO2": "gem_lifetime_co2_mt",
    "Remaining plant lifetime (years)": "gem_remaining_lifetime_yr",
}
COAL_NUMBERS = [
    "capacity_mw",
    "latitude",
    "longitude",
    "gem_heat_rate_btu_per_kwh",
    "gem_ef_kg_per_tj",
    "gem_capacity_factor",
    "gem_annual_co2_mt_per_yr",
    "gem_lifetime_co2_mt",
    "gem_remaining_lifetime_yr",
]
YEARS = ["start_year", "retired_year", "planned_retirement_year"]
# The other GCPT July 2023 headers: known, not read (anything else is 'unexpected' in a layout error).
COAL_OTHER_COLUMNS = [
    "Wiki URL",
    "Plant name (local)",
    "Plant name (other)",
    "Alternate Fuel",
    "Location",
    "Local area (taluk, county)",
    "Major area (prefecture, district)",
    "Previous Region",
    "Permits",
    "Captive industry use",
    "Captive residential use",
]

# GOGPT header → our column.
GAS_COLUMNS = {
    "GEM unit ID": "gem_unit_id",
    "GEM location ID": "gem_location_id",
    "Country": "country_name",
    "Plant name": "plant_name",
    "Unit name": "unit_name",
    "Fuel": "fuel",
    "Capacity (MW)": "capacity_mw",
    "Status": "status",
    "Technology": "gem_technology",
    "CHP": "chp",
    "Start year": "start_year",
    "Retired year": "retired_year",
    "Planned retire": "planned_retirement_year",
    "Owner": "owner",
    "Parent": "parent",
    "Latitude": "latitude",
    "Longitude": "longitude",
    "Subnational unit (province/state)": "subnational_unit",
    "Region": "region",
    "Sub-region": "subregion",
}
# The other GOGPT February 2024 headers: known, not read.
GAS_OTHER_COLUMNS = [
    "Wiki URL",
    "Plant name (local script)",
    "Hydrogen capable?",
    "CCS attachment?",
    "Coal-to-gas conversion/replacement?",
    "Operator",
    "Location accuracy",
    "City",
    "Local area (taluk/county)",
    "Major area (prefecture/district)",
    "Other IDs (location)",
    "Other IDs (unit)",
    "Other plant names",
    "Captive [heat/power/both]",
    "Captive industry type",
    "Captive non-industry use [heat/power/both/none]",
]

# GOGPT fuel codes (its "Abbreviations" sheet) by class. Steel-works gases (BFG, COG), coal, hydrogen,
# bioenergy and wastes are 'other': natural-gas or oil defaults would misstate them.
GAS_FUELS = {"NG", "LNG", "WSTH-NG", "CM", "OG"}
OIL_FUELS = {"CR", "D", "FO", "HFO", "LFO", "J", "KER", "N", "G", "WO", "LPG", "PG", "COKE"}
OTHER_FUELS = {"BFG", "COG", "C", "H", "S", "BU", "MSW", "PMW", "LFG", "BG", "WOOD", "OTH"}
# Spelled-out fuels found in the Fuel column instead of their code.
FUEL_ALIASES = {"fossil liquids: petroleum coke": "COKE"}

CHP_VALUES = {"yes": True, "no": False}

# "CO2 Parameters" sheet: section title in column A → (parameter_set, unit, text the value header must hold).
CO2_SECTIONS = {
    "coal": ("ef_kg_per_tj", "kg CO2/TJ", "kg of CO2 per TJ"),
    "capacity factor": ("capacity_factor", "fraction", None),
    "combustion technology": ("heat_rate_btu_per_kwh", "Btu/kWh", "Btu per kWh"),
    "lifetime": ("lifetime_yr", "yr", None),
}
# Single-value sections apply to every unit.
GLOBAL_SECTIONS = {"capacity_factor", "lifetime_yr"}


def _read(
    path: Path, sheet: str, source_id: str, columns: dict[str, str], other: list[str], layout: Layout
) -> pd.DataFrame:
    """The sheet's known columns under our names, after the release's renames (layout)."""
    layout = layout if layout.source_id else Layout(source_id=source_id)
    name = layout.sheet(sheet)
    raw = read_excel_sheet(path, name, layout.where(), dtype=object)
    raw = layout.apply(raw, columns, other, f"sheet {name!r} of {path.name}")
    return new_problems(raw[list(columns)].rename(columns=columns).reset_index(drop=True))


def _lower(series: pd.Series) -> pd.Series:
    return clean_text(series).str.lower()


def _year(df: pd.DataFrame, column: str) -> pd.Series:
    """Whole years as nullable Int64; a fractional year is a row problem."""
    values = to_number(df, column)
    fractional = values.notna() & (values % 1 != 0)
    for idx in df.index[fractional]:
        df.at[idx, PROBLEMS].append((column, "whole_year", str(values.at[idx])))
    return values.where(~fractional).round().astype("Int64")


def _unit_name(value: object) -> object:
    # Excel turned some GOGPT unit names into dates or numbers; keep them as text.
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float) and not pd.isna(value):
        return str(value)
    return value


def _missing(series: pd.Series) -> pd.Series:
    return series.isna() | series.str.lower().isin(MISSING_MARKERS).fillna(False)


def parse_coal_units(path: Path, layout: Layout = CANONICAL) -> pd.DataFrame:
    df = _read(path, COAL_SHEET, COAL_SOURCE_ID, COAL_COLUMNS, COAL_OTHER_COLUMNS, layout)
    for col in [
        "gem_unit_id",
        "gem_location_id",
        "country_name",
        "plant_name",
        "owner",
        "parent",
        "coal_source",
        "subnational_unit",
        "subregion",
        "region",
        "captive",
    ]:
        df[col] = clean_text(df[col])
    df["unit_name"] = clean_text(df["unit_name"].map(_unit_name))
    for col in COAL_NUMBERS:
        df[col] = to_number(df, col)
    for col in YEARS:
        df[col] = _year(df, col)
    for col in ["status", "combustion_technology", "coal_type", "location_accuracy"]:
        df[col] = _lower(df[col])
    df["gem_technology"] = df["combustion_technology"].str.replace(r"/ccs$", "", regex=True)
    df["has_ccs"] = df["combustion_technology"].str.endswith("/ccs").fillna(False).astype(bool)
    df["country_iso3"] = to_iso3(df, "country_name")
    return df


def _fuel_class(fuel: str) -> str | None:
    """'gas', 'oil', 'gas/oil' or 'other' from the codes in e.g. 'NG/FO'; None if a code is unknown."""
    codes = fuel.split("/")
    if any(c not in GAS_FUELS | OIL_FUELS | OTHER_FUELS for c in codes):
        return None
    has_gas = any(c in GAS_FUELS for c in codes)
    has_oil = any(c in OIL_FUELS for c in codes)
    if has_gas and has_oil:
        return "gas/oil"
    return "gas" if has_gas else "oil" if has_oil else "other"


def parse_gas_oil_units(path: Path, layout: Layout = CANONICAL) -> pd.DataFrame:
    df = _read(path, GAS_SHEET, GAS_SOURCE_ID, GAS_COLUMNS, GAS_OTHER_COLUMNS, layout)
    for col in [
        "gem_unit_id",
        "gem_location_id",
        "country_name",
        "plant_name",
        "owner",
        "parent",
        "subnational_unit",
        "region",
        "subregion",
    ]:
        df[col] = clean_text(df[col])
    df["unit_name"] = clean_text(df["unit_name"].map(_unit_name))
    for col in ["capacity_mw", "latitude", "longitude"]:
        df[col] = to_number(df, col)
    for col in YEARS:
        df[col] = _year(df, col)
    df["status"] = _lower(df["status"])

    technology = clean_text(df["gem_technology"])
    df["gem_technology"] = technology.mask(_missing(technology), "unknown")

    chp = _lower(df["chp"])
    chp_missing = _missing(chp)
    df["chp"] = chp.map(CHP_VALUES).astype("boolean")
    for idx in df.index[df["chp"].isna() & ~chp_missing]:
        df.at[idx, PROBLEMS].append(("chp", "known_chp_value", str(chp.at[idx])))

    fuel = clean_text(df["fuel"]).str.replace(r"\s*/\s*", "/", regex=True)
    for text, code in FUEL_ALIASES.items():
        fuel = fuel.str.replace(text, code, regex=False)
    df["fuel"] = fuel.mask(_missing(fuel))
    classes = {f: _fuel_class(f) for f in df["fuel"].dropna().unique()}
    df["fuel_class"] = df["fuel"].map(classes).astype("string")
    for idx in df.index[df["fuel"].notna() & df["fuel_class"].isna()]:
        df.at[idx, PROBLEMS].append(("fuel", "known_fuel_code", str(df.at[idx, "fuel"])))

    df["country_iso3"] = to_iso3(df, "country_name")
    return df


def parse_gem_co2_parameters(path: Path, layout: Layout = CANONICAL) -> pd.DataFrame:
    """GEM's lookup table as tidy rows: (parameter_set, key, value, unit, note, source, section_source).

    Layout: one section per parameter set, a title row (column A: 'Coal', 'Capacity Factor',
    'Combustion Technology', 'Lifetime'; B: the value header; C 'Notes'; D 'Source'), then key/value rows
    until a blank row. A row with text only in column A is the section's citation (Sargent & Lundy 2009).
    """
    where = layout.where() if layout.source_id else COAL_SOURCE_ID
    sheet = layout.sheet(CO2_SHEET)  # the section layout is checked below (the same in July 2024)
    grid = read_excel_sheet(path, sheet, where, header=None, dtype=object)
    if grid.shape[1] < 4:
        raise SourceFormatError(f"{where}: sheet {sheet!r} has {grid.shape[1]} columns, expected 4")
    grid = grid.iloc[:, :4].map(lambda v: v.strip() if isinstance(v, str) else v)
    grid.columns = ["key", "value", "note", "source"]
    titles = grid["key"].astype("string").str.lower()
    rows, found = [], set()
    section = None
    for idx, row in grid.iterrows():  # ~35 rows: a plain loop reads most clearly
        title = titles.at[idx]
        if pd.isna(row["key"]):
            section = None
        elif title in CO2_SECTIONS:
            parameter_set, unit, header = CO2_SECTIONS[title]
            if header and header.lower() not in str(row["value"]).lower():
                raise SourceFormatError(
                    f"{where}: sheet {sheet!r} section {row['key']!r} value header is "
                    f"{row['value']!r}, expected one containing {header!r} (unit changed?)"
                )
            section = {"parameter_set": parameter_set, "unit": unit, "section_source": None}
            found.add(parameter_set)
        elif section is not None and pd.isna(row["value"]) and pd.isna(row["note"]):
            section["section_source"] = row["key"]
        elif section is not None:
            value = row["value"]
            if section["parameter_set"] == "lifetime_yr" and isinstance(value, str):
                value = re.sub(r"\s*years?$", "", value)  # "40 years"
            key = "global" if section["parameter_set"] in GLOBAL_SECTIONS else str(row["key"]).lower()
            rows.append(
                {
                    "parameter_set": section["parameter_set"],
                    "key": key,
                    "_value": value,
                    "unit": section["unit"],
                    "note": row["note"],
                    "source": row["source"],
                    "section_source": section["section_source"],
                    "sheet_row": idx + 1,
                }
            )
    missing = sorted({v[0] for v in CO2_SECTIONS.values()} - found)
    if missing:
        raise SourceFormatError(f"{where}: sheet {sheet!r} lacks section(s) {missing}")
    df = new_problems(pd.DataFrame(rows))
    df["value"] = to_number(df, "value", "_value")
    for col in ["note", "source", "section_source"]:
        df[col] = clean_text(df[col])
    return df.drop(columns="_value")
