"""The Python-computed grid tables: read core tables from DuckDB, run TOOL07, return frames. No Dagster here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from bcm_pipeline.grid import cea, estimate
from bcm_pipeline.settings import REFERENCE_DIR

CEA_BASIS = "cea_india_units, cdm_registered_units"
ESTIMATE_BASIS = "coal_units, gas_oil_units, technology_catalogue, fuel_defaults, owid_carbon_intensity"


def read_reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv")


def cdm_registered_units(_path: Path | None = None) -> pd.DataFrame:
    return read_reference("cdm_registered_units")


def grid_project_defaults(_path: Path | None = None) -> pd.DataFrame:
    return read_reference("grid_project_defaults")


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return con.execute(f'SELECT * FROM "{name}"').df()


def india_from_cea(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    return cea.margins(_table(con, "cea_india_units"), _table(con, "cdm_registered_units"))


def grid_margins_computed(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """India's TOOL07 margins from CEA data, then an estimate for every host country (India included)."""
    india, _ = india_from_cea(con)
    india = india.assign(
        simple_om_allowed=~india["note"].str.contains("NOT allowed"), is_estimate=False, basis=CEA_BASIS
    )
    units = estimate.fleet(
        _table(con, "coal_units"),
        _table(con, "gas_oil_units"),
        _table(con, "technology_catalogue"),
        _table(con, "fuel_defaults"),
    )
    owid = _table(con, "owid_carbon_intensity")
    hosts = con.execute("SELECT country_iso3 FROM countries WHERE is_host_country ORDER BY 1").df()
    rows = []
    for iso in hosts["country_iso3"]:
        series = owid[(owid["country_iso3"] == iso) & owid["ef_t_per_mwh"].notna()].sort_values("year")
        if not len(series):
            continue
        latest = series.iloc[-1]
        rows += estimate.margins(
            units[units["country_iso3"] == iso], float(latest["ef_t_per_mwh"]), int(latest["year"]), iso
        )
    est = pd.DataFrame(rows).assign(is_estimate=True, basis=ESTIMATE_BASIS)
    return pd.concat([india, est], ignore_index=True)


def grid_bm_sample_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    _, sample = india_from_cea(con)
    return sample.assign(country_iso3=cea.COUNTRY)
