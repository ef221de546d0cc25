"""The activity-data tables of issue 12, computed together from the build warehouse: the units in both
GEM trackers, India's CEA station of each GEM unit, and every country's calibrated capacity factors.

Reads DuckDB, calls the pure functions of duplicates.py, matching.py and calibration.py, returns frames
(the Dagster wiring validates and writes them).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from bcm_pipeline.activity.calibration import calibrate, tracker_year
from bcm_pipeline.activity.duplicates import tracker_duplicate_units
from bcm_pipeline.activity.matching import match_cea_stations


def latest_cea_fiscal_year(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest fiscal year the CEA database reports station generation for (read from the data)."""
    row = con.execute(
        "SELECT max(fiscal_year) FROM cea_india_units WHERE is_station_total AND net_generation_mwh IS NOT NULL"
    ).fetchone()
    return row[0] if row else None


UNIT_COLUMNS = [
    "unit_source", "gem_unit_id", "gem_location_id", "country_iso3", "plant_name", "unit_name", "fuel_class",
    "technology", "capacity_mw", "status", "start_year", "retired_year", "captive", "subnational_unit",
    "latitude", "longitude",
]  # fmt: skip


def _units(coal: pd.DataFrame, gas: pd.DataFrame, technologies: pd.DataFrame) -> pd.DataFrame:
    """Both trackers' units with a capacity, in one shape: fuel classes as plant_baselines counts them
    (gas/oil units burning both count as gas, their first fuel; 'other' fuels are left out), GEM's code
    (gem_technology) mapped to the vocabulary by `technologies`, as plant_baselines maps it."""
    codes = technologies.dropna(subset=["source_id", "source_code"])
    coal_map = codes[codes["source_id"] == "gem_coal_plant_tracker"].set_index("source_code")["technology"]
    gas_map = codes[codes["source_id"] == "gem_oil_gas_plant_tracker"].set_index(
        ["source_fuel_class", "source_code"]
    )["technology"]
    c = coal[coal["capacity_mw"].notna()].assign(unit_source="coal_units", fuel_class="coal")
    c = c.assign(technology=c["gem_technology"].map(coal_map))
    g = gas[gas["capacity_mw"].notna() & gas["fuel_class"].isin(["gas", "gas/oil", "oil"])]
    g = g.assign(
        technology=gas_map.reindex(pd.MultiIndex.from_frame(g[["fuel_class", "gem_technology"]])).to_numpy()
    )
    g = g.assign(
        unit_source="gas_oil_units",
        fuel_class=g["fuel_class"].where(g["fuel_class"] == "oil", "gas"),
        captive=None,
    )
    units = pd.concat([c[UNIT_COLUMNS], g[UNIT_COLUMNS]], ignore_index=True)
    # A code the vocabulary lacks still has capacity that ran: counted as the fuel's unknown technology.
    return units.assign(technology=units["technology"].fillna(units["fuel_class"] + "_unknown"))


def _parameter(params: pd.DataFrame, name: str) -> float:
    found = params.loc[params["parameter"] == name, "value"]
    if found.empty or pd.isna(found.iloc[0]):
        raise ValueError(
            f"scenario_parameters: no value for {name!r} (needed by the calibrated capacity factors)"
        )
    return float(found.iloc[0])


def _reported_net_mwh(con: duckdb.DuckDBPyConnection, matched: pd.DataFrame) -> dict[str, float]:
    """Net generation of the fiscal year the matched units made, per fuel class: each station's net
    generation x min(1, GEM capacity matched there / CEA's capacity), the sum over its units of
    plant_baselines' capacity share (units retired since included: they ran that year)."""
    if matched.empty:
        return {}
    stations = con.execute(
        "SELECT s_no AS cea_s_no, net_generation_mwh FROM cea_india_units "
        "WHERE is_station_total AND fiscal_year = ? AND net_generation_mwh IS NOT NULL ORDER BY s_no",
        [matched["fiscal_year"].iloc[0]],
    ).df()
    per_station = (
        matched.groupby("cea_s_no")
        .agg(
            mw=("capacity_mw", "sum"),
            cea_mw=("cea_station_capacity_mw", "first"),
            fuel=("fuel_class", "first"),
        )
        .reset_index()
        .merge(stations, on="cea_s_no")
    )
    share = (per_station["mw"] / per_station["cea_mw"]).clip(upper=1)
    return (per_station["net_generation_mwh"] * share).groupby(per_station["fuel"]).sum().to_dict()


def activity_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    # In key order: the sums below must not depend on the order the rows are stored in.
    coal = con.execute("SELECT * FROM coal_units ORDER BY gem_unit_id").df()
    gas = con.execute("SELECT * FROM gas_oil_units ORDER BY gem_unit_id").df()
    duplicates = tracker_duplicate_units(coal, gas)
    dropped = set(zip(duplicates["dropped_unit_source"], duplicates["dropped_gem_unit_id"], strict=True))
    units = _units(coal, gas, con.execute("SELECT * FROM technologies ORDER BY ALL").df())
    units = units[
        [(s, u) not in dropped for s, u in zip(units["unit_source"], units["gem_unit_id"], strict=True)]
    ]

    fiscal_year = latest_cea_fiscal_year(con)
    india = units[
        units["country_iso3"].eq("IND") & units["status"].isin(["operating", "mothballed", "retired"])
    ]
    if fiscal_year is not None and len(india):
        cea = con.execute(
            "SELECT * FROM cea_india_units WHERE fiscal_year = ? ORDER BY s_no, unit_no", [fiscal_year]
        ).df()
        locations = con.execute("SELECT * FROM cea_station_locations ORDER BY fiscal_year, s_no").df()
        matches = match_cea_stations(cea, locations, india, fiscal_year)
    else:
        matches = match_cea_stations(
            pd.DataFrame(
                columns=[
                    "s_no",
                    "station_name",
                    "unit_no",
                    "is_station_total",
                    "capacity_mw",
                    "state",
                    "fuel_1",
                    "commissioned_date",
                ]
            ),
            pd.DataFrame(columns=["fiscal_year", "s_no", "station_name", "latitude", "longitude"]),
            india.iloc[0:0],
            fiscal_year or "0000-00",
        )

    params = con.execute("SELECT * FROM scenario_parameters ORDER BY ALL").df()
    cf_rows = params[(params["parameter"] == "capacity_factor") & (params["country_iso3"] == "*")]
    weights = {(r.fuel_class, r.key): float(r.value) for r in cf_rows.itertuples()}
    national = con.execute(
        """
        SELECT country_iso3, year, source AS fuel_class, generation_twh * 1e6 AS generation_mwh
        FROM national_generation
        WHERE source IN ('coal', 'gas', 'oil')
        ORDER BY country_iso3, year, source
        """
    ).df()
    reported = matches[matches["match_status"] == "matched"]
    reported_year = {"IND": int(fiscal_year[:4])} if fiscal_year and len(reported) else {}
    gross_to_net = _parameter(params, "gross_to_net_share")
    reported_mwh = {
        ("IND", fuel): mwh / (1 - gross_to_net) for fuel, mwh in _reported_net_mwh(con, reported).items()
    }
    keys = set(zip(reported["unit_source"], reported["gem_unit_id"], strict=True))
    fleet = units.assign(
        is_captive=units["captive"].notna() & units["captive"].astype(str).str.len().gt(0),
        is_reported=[(s, u) in keys for s, u in zip(units["unit_source"], units["gem_unit_id"], strict=True)],
    )
    calibrated = calibrate(
        fleet,
        national,
        weights,
        cf_min=_parameter(params, "calibrated_capacity_factor_min"),
        cf_max=_parameter(params, "calibrated_capacity_factor_max"),
        tracker_years={
            "coal": tracker_year(units[units["unit_source"] == "coal_units"]),
            "gas": tracker_year(units[units["unit_source"] == "gas_oil_units"]),
            "oil": tracker_year(units[units["unit_source"] == "gas_oil_units"]),
        },
        fixed_years=reported_year,
        reported_mwh=reported_mwh,
    )
    return {
        "tracker_duplicate_units": duplicates,
        "cea_gem_unit_matches": matches,
        "calibrated_capacity_factors": calibrated,
    }
