"""The Python-computed grid tables: read core tables from DuckDB, run TOOL07, return frames. No Dagster here."""

from __future__ import annotations

import duckdb
import pandas as pd

from bcm_pipeline.grid import cea, estimate

CEA_BASIS = "cea_india_units, cdm_registered_units"
ESTIMATE_BASIS = "coal_units, gas_oil_units, technology_catalogue, fuel_defaults, owid_carbon_intensity, registered_unit_matches"


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    select = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    return con.execute(f'SELECT {select} FROM "{name}"').df()


def india_from_cea(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    return cea.margins(_table(con, "cea_india_units"), _table(con, "cdm_registered_units"))


def grid_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Both Python grid tables by name, with India's CEA computation (the costly part they share) run once."""
    india, sample = india_from_cea(con)
    return {"grid_margins_computed": _margins(con, india), "grid_bm_sample_units": _bm_sample_units(sample)}


def grid_margins_computed(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """India's TOOL07 margins from CEA data, then an estimate for every host country (India included)."""
    india, _ = india_from_cea(con)
    return _margins(con, india)


def grid_bm_sample_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    _, sample = india_from_cea(con)
    return _bm_sample_units(sample)


def _margins(con: duckdb.DuckDBPyConnection, india: pd.DataFrame) -> pd.DataFrame:
    """grid_margins_computed from India's CEA margins (cea.margins' first frame)."""
    india = india.assign(
        simple_om_allowed=~india["note"].str.contains("NOT allowed"), is_estimate=False, basis=CEA_BASIS
    )
    units = estimate.fleet(
        _table(con, "coal_units", estimate.FLEET_COLUMNS["coal_units"]),
        _table(con, "gas_oil_units", estimate.FLEET_COLUMNS["gas_oil_units"]),
        _table(con, "technology_catalogue"),
        _table(con, "fuel_defaults"),
    )
    owid = _table(con, "owid_carbon_intensity")
    owid = owid[owid["ef_t_per_mwh"].notna()]
    # Split by country once (each part keeps its rows' order), not a scan of the whole table per host.
    units_by_country = {iso: part for iso, part in units.groupby("country_iso3", sort=False)}
    owid_by_country = {iso: part for iso, part in owid.groupby("country_iso3", sort=False)}
    # The TOOL07 BM exclusion outside India: GEM units matched to a CDM project (issue 15).
    matches = _table(con, "registered_unit_matches", ["unit_id", "registry"])
    cdm_ids = frozenset(matches.loc[matches["registry"] == "CDM", "unit_id"])
    hosts = con.execute("SELECT country_iso3 FROM host_countries ORDER BY 1").df()
    rows = []
    for iso in hosts["country_iso3"]:
        if iso not in owid_by_country:
            continue
        latest = owid_by_country[iso].sort_values("year").iloc[-1]
        country_units = units_by_country.get(iso, units.iloc[:0])
        rows += estimate.margins(
            country_units, float(latest["ef_t_per_mwh"]), int(latest["year"]), iso, cdm_ids
        )
    est = pd.DataFrame(rows).assign(is_estimate=True, basis=ESTIMATE_BASIS)
    return pd.concat([india, est], ignore_index=True)


def _bm_sample_units(sample: pd.DataFrame) -> pd.DataFrame:
    return sample.assign(country_iso3=cea.COUNTRY)
