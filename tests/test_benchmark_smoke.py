"""Keeps benchmarks/ from rotting: 1 k synthetic units through the real mart SQL, and the pandas reference
agreeing with it. The benchmark itself (benchmarks/run.py) stays out of the test run."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from benchmarks import pandas_reference, synthetic

pytestmark = pytest.mark.integration

# A small template fleet: one unit of each kind the marts treat differently (values like the trackers').
COAL = pd.DataFrame(
    {
        "gem_unit_id": ["G1", "G2", "G3", "G4", "G5"],
        "country_iso3": ["VNM", "IDN", "IND", "CHN", "VNM"],
        "plant_name": ["Vinh Tan", "Suralaya", "Mundra", "Waigaoqiao", "Duyen Hai"],
        "unit_name": ["1", "2", "3", "4", "5"],
        "coal_type": ["bituminous", "subbituminous", "bituminous", "bituminous", "unknown"],
        "gem_technology": ["subcritical", "subcritical", "supercritical", "ultra-supercritical", "unknown"],
        "status": ["operating", "operating", "operating", "operating", "construction"],
        "start_year": pd.array([1995, 2010, 2012, 2008, None], dtype="Int64"),
        "capacity_mw": [300.0, 625.0, 660.0, 1000.0, 600.0],
        "gem_heat_rate_btu_per_kwh": [9000.0, 8800.0, 8400.0, 8100.0, 8605.0],
        "gem_ef_kg_per_tj": [94600.0, 96100.0, 94600.0, 94600.0, 96100.0],
        "gem_capacity_factor": [0.53] * 5,
        "gem_annual_co2_mt_per_yr": [1.5, 3.0, 3.2, 4.5, 2.9],
        # What the activity tables (CEA matching, duplicates, calibration) read of a unit.
        "gem_location_id": ["L1", "L2", "L3", "L4", "L5"],
        "retired_year": pd.array([None] * 5, dtype="Int64"),
        "captive": [None, None, None, "aluminum", None],
        "subnational_unit": ["Binh Thuan", "Banten", "Gujarat", "Shanghai", "Tra Vinh"],
        "latitude": [11.3, -6.0, 22.8, 31.4, 9.6],
        "longitude": [108.8, 106.0, 69.5, 121.6, 106.5],
    }
)
GAS = pd.DataFrame(
    {
        "gem_unit_id": ["O1", "O2", "O3"],
        "country_iso3": ["VNM", "THA", "IDN"],
        "plant_name": ["Phu My", "Bang Pakong", "Muara Karang"],
        "unit_name": ["1", "2", "3"],
        "fuel": ["NG", "NG/FO", "D"],
        "fuel_class": ["gas", "gas/oil", "oil"],
        "gem_technology": ["GT", "CC", "ST"],
        "status": ["operating", "operating", "operating"],
        "start_year": pd.array([2000, 2005, 1990], dtype="Int64"),
        "capacity_mw": [250.0, 700.0, 200.0],
        "gem_location_id": ["L100000000011", "L100000000012", "L100000000013"],
        "retired_year": pd.array([None] * 3, dtype="Int64"),
        "subnational_unit": ["Ba Ria-Vung Tau", "Chachoengsao", "Jakarta"],
        "latitude": [10.5, 13.5, -6.1],
        "longitude": [107.0, 100.9, 106.8],
    }
)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, shared_data):
    con = duckdb.connect(str(tmp_path_factory.mktemp("fleet") / "fleet.duckdb"))
    prices = shared_data / "worldbank_pink_sheet" / "CMO-Historical-Data-Monthly.xlsx"
    synthetic.inputs_from_code(con, {"fuel_prices_monthly": prices})
    con.execute("CREATE SCHEMA tmpl")
    con.register("coal_df", COAL)
    con.register("gas_df", GAS)
    con.execute("CREATE TABLE tmpl.coal_units AS SELECT * FROM coal_df")
    con.execute("CREATE TABLE tmpl.gas_oil_units AS SELECT * FROM gas_df")
    sizes = synthetic.generate_units(con, 1000, "tmpl", seed=1)
    yield con, sizes
    con.close()


def test_generator_draws_from_the_template(fleet):
    con, sizes = fleet
    # 5 coal : 3 gas/oil template units -> 625 : 375.
    assert sizes == {"coal_units": 625, "gas_oil_units": 375}
    assert con.execute("SELECT count(DISTINCT gem_unit_id) FROM coal_units").fetchone()[0] == 625
    lo, hi = con.execute("SELECT min(capacity_mw), max(capacity_mw) FROM coal_units").fetchone()
    assert 0.8 * 300 - 0.05 <= lo and hi < 1.2 * 1000 + 0.05  # capacities scaled by [0.8, 1.2)
    years = con.execute("SELECT min(start_year), max(start_year) FROM gas_oil_units").fetchone()
    assert years[0] >= 1990 - 2 and years[1] <= 2005 + 2
    techs = {r[0] for r in con.execute("SELECT DISTINCT gem_technology FROM coal_units").fetchall()}
    assert techs == set(COAL["gem_technology"])


def test_chain_runs_and_pandas_reference_agrees(fleet):
    con, _ = fleet
    marts = synthetic.run_chain(con)
    assert list(marts) == list(synthetic.CHAIN)
    # Included statuses (operating, construction): every template unit, plus the plant-swap project cases.
    cases = con.execute("SELECT count(*) FROM project_cases WHERE kind = 'plant_swap'").fetchone()[0]
    assert marts["plant_baselines"][1] == 1000 + cases
    assert marts["technology_swaps"][1] > 1000 and marts["credits"][1] > 0

    tables = {t: con.execute(f'SELECT * FROM "{t}"').df() for t in synthetic.REFERENCE_INPUTS}
    out = pandas_reference.run(tables)
    for mart, column in [
        ("plant_baselines", "co2_t_per_yr"),
        ("technology_swaps", "reduction_creditable_t_per_yr"),
        ("credits", "credited_t_per_yr"),
        ("host_country_programmes", "credited_t_per_yr"),
    ]:
        sql_rows, sql_total = con.execute(f"SELECT count(*), sum({column}) FROM {mart}").fetchone()
        assert len(out[mart]) == sql_rows, mart
        assert out[mart][column].sum() == pytest.approx(sql_total, rel=1e-9), mart


def test_polars_reference_agrees(fleet):
    pl = pytest.importorskip("polars")
    from benchmarks import polars_reference

    con, _ = fleet
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'credits'").fetchall()[0][0]:
        synthetic.run_chain(con)  # when run alone
    tables = {
        t: pl.from_arrow(con.cursor().sql(f'SELECT * FROM "{t}"').to_arrow_table())
        for t in synthetic.REFERENCE_INPUTS
    }
    out = polars_reference.run(tables)
    for mart, column in [
        ("plant_baselines", "co2_t_per_yr"),
        ("technology_swaps", "reduction_creditable_t_per_yr"),
        ("credits", "credited_t_per_yr"),
        ("host_country_programmes", "credited_t_per_yr"),
    ]:
        sql_rows, sql_total = con.execute(f"SELECT count(*), sum({column}) FROM {mart}").fetchone()
        assert out[mart].height == sql_rows, mart
        assert out[mart][column].sum() == pytest.approx(sql_total, rel=1e-9), mart
