"""One unit, counted once: the physical units listed in both GEM trackers (coal and oil/gas).

The rule (GEM numbers a site alike in both trackers: coal 'L103583' is oil/gas 'L100000103583'):
a coal-tracker unit and an oil/gas-tracker unit are the same unit when they are on the same site, in the
same country, the oil/gas tracker lists coal among the unit's fuels (fuel code 'C', e.g. 'NG/C'), their
capacities are within 2 % and their start years within a year (or one is unknown). A site's candidates
are paired one to one, the same unit number first, then the closest capacity and year.

Which record is kept: the one whose status is furthest along (operating before construction ...); at
equal status, the tracker of the unit's first-listed fuel in the oil/gas tracker (coal first: the coal
tracker's record; gas or oil first: the oil/gas tracker's). The other record gets no baseline.
Gas-only fuel codes on a coal site ('NG' announced where a coal unit runs) are a planned replacement or
conversion, not the same unit counted twice: they are left alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CAPACITY_TOLERANCE = 0.02
YEAR_TOLERANCE = 1
# Status order: the record describing the unit as it is now wins.
STATUS_RANK = {
    "operating": 0,
    "construction": 1,
    "permitted": 2,
    "pre-construction": 2,
    "pre-permit": 3,
    "announced": 4,
    "mothballed": 5,
    "shelved": 6,
    "retired": 7,
    "cancelled": 8,
}
GAS_SITE_OFFSET = 100_000_000_000  # 'L100000103583' - 'L' -> 100000103583 - offset -> 103583


def site_number(location_id: pd.Series) -> pd.Series:
    """GEM's site number shared by both trackers: coal 'L103583' and oil/gas 'L100000103583' -> 103583."""
    digits = pd.to_numeric(location_id.astype("string").str.extract(r"^L(\d+)$")[0], errors="coerce")
    return digits.where(digits < GAS_SITE_OFFSET, digits - GAS_SITE_OFFSET).astype("Int64")


def _unit_number(name: pd.Series) -> pd.Series:
    """The last number in a unit name ('SPP 2 & 3 Unit 1' -> 1, '2' -> 2), else null."""
    return pd.to_numeric(name.astype("string").str.extract(r"(\d+)\D*$")[0], errors="coerce")


def _burns_coal(fuel: pd.Series) -> pd.Series:
    """GEM's fuel code lists coal ('C') among a unit's fuels: 'NG/C', 'C/LNG', 'NG/HFO/C'."""
    return fuel.fillna("").astype(str).str.upper().str.contains(r"(?:^|/)\s*C\s*(?:/|$)", regex=True)


def tracker_duplicate_units(coal: pd.DataFrame, gas: pd.DataFrame) -> pd.DataFrame:
    """One row per unit listed in both trackers: both records, and which one is kept.

    coal: coal_units columns gem_unit_id, gem_location_id, country_iso3, plant_name, unit_name,
        capacity_mw, status, start_year; gas: gas_oil_units columns, the same and fuel.
    """
    c = coal.assign(site=site_number(coal["gem_location_id"]), unit_no=_unit_number(coal["unit_name"]))
    g = gas[_burns_coal(gas["fuel"])]
    g = g.assign(site=site_number(g["gem_location_id"]), unit_no=_unit_number(g["unit_name"]))
    c = c[c["status"].ne("cancelled") & c["capacity_mw"].notna()]
    g = g[g["status"].ne("cancelled") & g["capacity_mw"].notna()]
    pairs = c.merge(g, on=["site", "country_iso3"], suffixes=("_coal", "_gas"))
    if pairs.empty:
        return _empty()
    bigger = np.maximum(pairs["capacity_mw_coal"], pairs["capacity_mw_gas"])
    cap_gap = (pairs["capacity_mw_coal"] - pairs["capacity_mw_gas"]).abs() / bigger
    year_gap = (pairs["start_year_coal"] - pairs["start_year_gas"]).abs()
    same = (cap_gap <= CAPACITY_TOLERANCE) & (year_gap.isna() | (year_gap <= YEAR_TOLERANCE)).fillna(True)
    pairs = pairs[same].assign(
        _other_number=~(pairs["unit_no_coal"] == pairs["unit_no_gas"]).fillna(False),
        _cap_gap=cap_gap[same],
        _year_gap=year_gap[same].fillna(0),
    )
    pairs = pairs.sort_values(
        ["_other_number", "_cap_gap", "_year_gap", "gem_unit_id_coal", "gem_unit_id_gas"]
    )
    # One to one: a record already paired is not paired again.
    pairs = pairs.drop_duplicates("gem_unit_id_coal").drop_duplicates("gem_unit_id_gas")
    return _keep(pairs)


def _keep(pairs: pd.DataFrame) -> pd.DataFrame:
    rank_coal = pairs["status_coal"].map(STATUS_RANK).fillna(9)
    rank_gas = pairs["status_gas"].map(STATUS_RANK).fillna(9)
    coal_first = pairs["fuel"].fillna("").astype(str).str.split("/").str[0].str.strip().str.upper().eq("C")
    keep_coal = (rank_coal < rank_gas) | ((rank_coal == rank_gas) & coal_first)
    rule = np.select(
        [rank_coal < rank_gas, rank_gas < rank_coal, coal_first],
        [
            "coal tracker's status is further along ("
            + pairs["status_coal"]
            + " vs "
            + pairs["status_gas"]
            + ")",
            "oil/gas tracker's status is further along ("
            + pairs["status_gas"]
            + " vs "
            + pairs["status_coal"]
            + ")",
            "same status; coal is the unit's first-listed fuel (" + pairs["fuel"] + ")",
        ],
        default="same status; "
        + pairs["fuel"].str.split("/").str[0]
        + " is the unit's first-listed fuel ("
        + pairs["fuel"]
        + ")",
    )
    out = pd.DataFrame(
        {
            "country_iso3": pairs["country_iso3"],
            "coal_gem_unit_id": pairs["gem_unit_id_coal"],
            "gas_oil_gem_unit_id": pairs["gem_unit_id_gas"],
            "coal_gem_location_id": pairs["gem_location_id_coal"],
            "gas_oil_gem_location_id": pairs["gem_location_id_gas"],
            "plant_name": pairs["plant_name_coal"],
            "coal_unit_name": pairs["unit_name_coal"],
            "gas_oil_unit_name": pairs["unit_name_gas"],
            "coal_capacity_mw": pairs["capacity_mw_coal"],
            "gas_oil_capacity_mw": pairs["capacity_mw_gas"],
            "coal_status": pairs["status_coal"],
            "gas_oil_status": pairs["status_gas"],
            "coal_start_year": pairs["start_year_coal"],
            "gas_oil_start_year": pairs["start_year_gas"],
            "gas_oil_fuel": pairs["fuel"],
            "kept_unit_source": np.where(keep_coal, "coal_units", "gas_oil_units"),
            "kept_gem_unit_id": np.where(keep_coal, pairs["gem_unit_id_coal"], pairs["gem_unit_id_gas"]),
            "dropped_unit_source": np.where(keep_coal, "gas_oil_units", "coal_units"),
            "dropped_gem_unit_id": np.where(keep_coal, pairs["gem_unit_id_gas"], pairs["gem_unit_id_coal"]),
            "rule": rule,
        }
    )
    return out.sort_values(["country_iso3", "plant_name", "coal_gem_unit_id"]).reset_index(drop=True)


def _empty() -> pd.DataFrame:
    columns = [
        "country_iso3", "coal_gem_unit_id", "gas_oil_gem_unit_id", "coal_gem_location_id",
        "gas_oil_gem_location_id", "plant_name", "coal_unit_name", "gas_oil_unit_name", "coal_capacity_mw",
        "gas_oil_capacity_mw", "coal_status", "gas_oil_status", "coal_start_year", "gas_oil_start_year",
        "gas_oil_fuel", "kept_unit_source", "kept_gem_unit_id", "dropped_unit_source", "dropped_gem_unit_id",
        "rule",
    ]  # fmt: skip
    return pd.DataFrame(columns=columns)
