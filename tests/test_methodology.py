"""The methodology SQL (sql/marts/*.sql) on a small hand-made world, every number worked out by hand here.

The world: country AAA (host) with a 1995 subcritical unit, a pipeline unit of unknown technology and no
start year, a 2015 USC unit, a cancelled unit; country BBB with one unit; a project case at zero capacity
factor. Parameters are hand-made too, so the expectations do not depend on the repo's reference values.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bcm_pipeline import build, catalogue
from bcm_pipeline.parsers import config
from bcm_pipeline.parsers import reference as reference_csv
from bcm_pipeline.schemas.base import storage_columns
from bcm_pipeline.schemas.steel import PostedSteelTechnologies, SteelDefaults, SteelPlants, SteelSwapOptions

pytestmark = pytest.mark.unit

# The marts under test; build_marts adds every SQL mart they read (grid_displacement_swaps feeds
# technology_swaps: with the empty grid tables below it adds no row).
MARTS = ["credits", "host_country_programmes", "mac_curve"]
MARTS_WITH_CASES = [*MARTS, "project_case_results"]

EMPTY_TABLES = {
    "coal_units": "gem_unit_id VARCHAR, country_iso3 VARCHAR, plant_name VARCHAR, unit_name VARCHAR, "
    "coal_type VARCHAR, gem_technology VARCHAR, status VARCHAR, start_year INTEGER, capacity_mw DOUBLE, "
    "gem_heat_rate_btu_per_kwh DOUBLE, gem_ef_kg_per_tj DOUBLE, gem_capacity_factor DOUBLE, "
    "gem_annual_co2_mt_per_yr DOUBLE",
    "gas_oil_units": "gem_unit_id VARCHAR, country_iso3 VARCHAR, plant_name VARCHAR, unit_name VARCHAR, "
    "fuel VARCHAR, fuel_class VARCHAR, gem_technology VARCHAR, status VARCHAR, start_year INTEGER, capacity_mw DOUBLE",
    "cea_india_units": "s_no BIGINT, is_station_total BOOLEAN, fuel_1 VARCHAR, fiscal_year VARCHAR, "
    "net_generation_mwh DOUBLE, capacity_mw DOUBLE, co2_t DOUBLE, ef_t_per_mwh DOUBLE",
    # Activity data (issue 12): none in this world, so every unit takes the scenario defaults.
    "tracker_duplicate_units": "dropped_unit_source VARCHAR, dropped_gem_unit_id VARCHAR",
    "cea_gem_unit_matches": "unit_source VARCHAR, gem_unit_id VARCHAR, fiscal_year VARCHAR, match_status VARCHAR, "
    "cea_s_no BIGINT, cea_station_name VARCHAR, capacity_mw DOUBLE, cea_station_capacity_mw DOUBLE",
    "calibrated_capacity_factors": "country_iso3 VARCHAR, fuel_class VARCHAR, technology VARCHAR, year INTEGER, "
    "capacity_factor DOUBLE, is_clamped BOOLEAN",
    "fuel_prices_monthly": "series_code VARCHAR, month DATE, price_usd_per_gj DOUBLE",
    # What grid_displacement_swaps reads of the grid tables (issue 4).
    "grid_margins_computed": "country_iso3 VARCHAR, period VARCHAR, margin VARCHAR, method VARCHAR, "
    "ef_t_per_mwh DOUBLE, is_estimate BOOLEAN, simple_om_allowed BOOLEAN",
    "grid_emission_factors": "country_iso3 VARCHAR, source VARCHAR, method VARCHAR, ef_t_per_mwh DOUBLE, period VARCHAR",
    "grid_factor_for_crediting": "country_iso3 VARCHAR, project_type VARCHAR, ef_t_per_mwh DOUBLE, rule VARCHAR",
    "grid_project_defaults": "country_iso3 VARCHAR, to_technology VARCHAR, sector VARCHAR, capacity_mw DOUBLE, "
    "capacity_factor DOUBLE, net_generation_mwh_per_yr DOUBLE, capex_usd_per_kw DOUBLE, capex_price_year INTEGER, "
    "lifetime_yr INTEGER, discount_rate DOUBLE, crediting_period INTEGER",
    # Nesting (issue 15): credits leaves out units already under a CDM or JCM project.
    "registered_unit_matches": "unit_source VARCHAR, unit_id VARCHAR, registry VARCHAR, nesting_rule VARCHAR, "
    "netted_t_per_yr DOUBLE",
    # Which cost region a country takes its costs from (cost_regions): none here, costs are the country's own.
    "cost_regions": "country_iso3 VARCHAR, cost_region VARCHAR, basis VARCHAR",
    # National generation for country-years OWID's download lacks (national_generation): none here.
    "national_generation_supplements": "country_iso3 VARCHAR, year INTEGER, source VARCHAR, generation_twh DOUBLE",
    "owid_electricity_by_source": "entity VARCHAR, country_iso3 VARCHAR, is_aggregate BOOLEAN, year INTEGER, "
    "source VARCHAR, generation_twh DOUBLE",
    # Money in one price year (issue 13): the deflator and the retrofit costs.
    "price_deflators": "series VARCHAR, year INTEGER, value DOUBLE",
    "technology_retrofits": "retrofit_id VARCHAR, from_technology VARCHAR, to_technology VARCHAR, "
    "fuel_class VARCHAR, capex_usd_per_kw DOUBLE, fixed_om_usd_per_kw_yr DOUBLE, variable_om_usd_per_mwh DOUBLE, "
    "capex_price_year INTEGER, capex_region VARCHAR",
    # Iron and steel (issue 16): no steel plant in these worlds, so steel_swaps adds no row to technology_swaps.
    **{
        m.Config.name: ", ".join(f"{c} {t}" for c, t, _ in storage_columns(m))
        for m in (SteelPlants, SteelDefaults, PostedSteelTechnologies, SteelSwapOptions)
    },
}


def make_db(path: Path, tables: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """A DuckDB file with the contract tables: empty typed ones, then the given frames on top."""
    con = duckdb.connect(str(path))
    for name, columns in EMPTY_TABLES.items():
        con.execute(f"CREATE TABLE {name} ({columns})")
    for name, df in tables.items():
        con.register("_t", df)
        if name in EMPTY_TABLES:  # the contract columns the SQL reads; others are ignored
            wanted = [c.split()[0] for c in EMPTY_TABLES[name].split(", ")]
            cols = ", ".join(f'"{c}"' for c in df.columns if c in wanted)
            con.execute(f"INSERT INTO {name} BY NAME SELECT {cols} FROM _t")
        else:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _t")
        con.unregister("_t")
    return con


def build_marts(con: duckdb.DuckDBPyConnection, marts: list[str]) -> None:
    """`marts` and every SQL mart they read, in order (the tables of EMPTY_TABLES are given here)."""
    needed = catalogue.upstream(marts) | set(marts)
    for name in catalogue.build_order(needed):
        if catalogue.table(name).kind == "sql" and name not in EMPTY_TABLES:
            build.computed_table(con, name)


def _params(rows: list[tuple]) -> pd.DataFrame:
    cols = ["parameter", "country_iso3", "fuel_class", "key", "value", "value_text"]
    df = pd.DataFrame(rows, columns=cols)
    df["value"] = df["value"].astype("float64")
    return df


PARAMS = _params(
    [
        ("discount_rate", "*", "*", "*", 0.10, None),
        ("economic_lifetime_yr", "*", "*", "*", 20, None),
        ("gwp_set", "*", "*", "*", None, "AR5"),
        ("aux_consumption_share", "*", "*", "*", 0.05, None),
        ("capacity_factor", "*", "coal", "*", 0.5, None),
        ("capacity_factor", "AAA", "coal", "*", 0.6, None),
        ("fuel_price_series", "*", "coal", "*", None, "COAL_X"),
        ("fuel_price_series", "*", "gas", "*", None, "NGAS_X"),
        # Scenario prices: quantiles of the last 2 months (issue 13), in USD of 2024 (deflator 100 = 100).
        ("fuel_price_history_months", "*", "*", "*", 2, None),
        ("fuel_price_quantile", "*", "*", "low", 0.1, None),
        ("fuel_price_quantile", "*", "*", "central", 0.5, None),
        ("fuel_price_quantile", "*", "*", "high", 0.9, None),
        ("usd_price_year", "*", "*", "*", 2024, None),
        ("analysis_year", "*", "*", "*", 2025, None),
        ("hurdle_rate", "*", "*", "*", 0.10, None),
        ("mac_curve_max_abs_usd_per_t", "*", "*", "*", 1000, None),
        ("mac_curve_min_grid_ef_t_per_mwh", "*", "*", "*", 0.05, None),
        ("included_status", "*", "*", "operating", None, "operating"),
        ("included_status", "*", "*", "construction", None, "construction"),
        ("unknown_technology_assumed", "*", "coal", "*", None, "coal_supercritical"),
        ("swap_target", "*", "coal", "coal_supercritical", None, "coal"),
        ("swap_target", "*", "coal", "coal_usc", None, "coal"),
        ("swap_target", "*", "coal", "gas_combined_cycle", None, "gas"),
        ("fuel_map", "*", "gas", "*", None, "natural_gas"),
    ]
)

_CAT_COLS = [
    "technology_id",
    "parameter_set",
    "fuel_class",
    "technology",
    "vintage",
    "size_min_mw",
    "size_max_mw",
    "net_efficiency_lhv",
    "net_efficiency_lhv_low",
    "net_efficiency_lhv_high",
    "capex_usd_per_kw",
    "capex_region",
    "fixed_om_usd_per_kw_yr",
    "variable_om_usd_per_mwh",
]
# Costs are Aland's own (AAA's country name), in USD of 2024; a coal unit lives 40 years.
A = "Aland"
N = None
CATALOGUE = pd.DataFrame(
    [
        ("sub", "catalogue", "coal", "coal_subcritical", "any", N, N, 0.36, 0.33, 0.39, 700, A, 40, 4.0),
        ("sc", "catalogue", "coal", "coal_supercritical", "any", N, N, 0.40, 0.38, 0.42, N, N, N, N),
        ("usc", "catalogue", "coal", "coal_usc", "any", N, N, 0.45, 0.42, 0.47, 900, A, 42, 4.5),
        ("cc", "catalogue", "gas", "gas_combined_cycle", "any", N, N, 0.60, 0.55, 0.62, 1000, A, 15, 3.0),
        ("t07_sub_old", "tool07_default", "coal", "coal_subcritical", "<=2000", N, N, 0.37, N, N, N, N, N, N),
        ("t07_sub_new", "tool07_default", "coal", "coal_subcritical", ">2000", N, N, 0.39, N, N, N, N, N, N),
        ("t07_sc_new", "tool07_default", "coal", "coal_supercritical", ">2000", N, N, 0.45, N, N, N, N, N, N),
        (
            "t07_usc_new",
            "tool07_default",
            "coal",
            "coal_usc",
            ">2000",
            N,
            N,
            0.50,
            N,
            N,
            N,
            N,
            N,
            N,
        ),
        ("tp_sub_300", "top_performer", "coal", "coal_subcritical", "any", 300, 300, 0.396, N, N, N, N, N, N),
    ],
    columns=_CAT_COLS,
).assign(capex_price_year=2024, lifetime_yr=40.0)
DEFLATORS = pd.DataFrame({"series": "us_gdp_deflator", "year": [2023, 2024], "value": [98.0, 100.0]})

# Efficiency classes (unit_efficiency_classes) with the catalogue's values above, one class per technology.
EFFICIENCY = pd.DataFrame(
    [
        ("sub", "coal_subcritical", "coal", 0.0, N, N, N, 0.36, 0.33, 0.39),
        ("sc", "coal_supercritical", "coal", 0.0, N, N, N, 0.40, 0.38, 0.42),
        ("usc", "coal_usc", "coal", 0.0, N, N, N, 0.45, 0.42, 0.47),
        ("cc", "gas_combined_cycle", "gas", 0.0, N, N, N, 0.60, 0.55, 0.62),
    ],
    columns=[
        "efficiency_class_id",
        "technology",
        "fuel_class",
        "size_min_mw",
        "size_max_mw",
        "start_year_min",
        "start_year_max",
        "net_efficiency_lhv",
        "net_efficiency_lhv_low",
        "net_efficiency_lhv_high",
    ],
).astype({"size_max_mw": "float64", "start_year_min": "Int64", "start_year_max": "Int64"})

_FUEL_COLS = [
    "fuel",
    "fuel_class",
    "gem_coal_type",
    "is_primary",
    "ncv_tj_per_gg",
    "co2_ef_t_per_tj",
    "co2_ef_t_per_tj_lower",
    "co2_ef_t_per_tj_upper",
    "ch4_kg_per_tj",
    "n2o_kg_per_tj",
]
FUELS = pd.DataFrame(
    [
        ("other_bituminous_coal", "coal", "bituminous", True, 25.8, 94.6, 89.5, 99.7, 1.0, 1.5),
        ("sub_bituminous_coal", "coal", "subbituminous", True, 18.9, 96.1, 92.8, 100.0, 1.0, 1.5),
        ("sub_bituminous_coal", "coal", "unknown", False, 18.9, 96.1, 92.8, 100.0, 1.0, 1.5),
        ("natural_gas", "gas", None, True, 48.0, 56.1, 54.3, 58.3, 1.0, 0.1),
    ],
    columns=_FUEL_COLS,
)

GWP = pd.DataFrame(
    [("CH4", "AR5", 28.0), ("N2O", "AR5", 265.0), ("CH4", "AR4", 25.0), ("N2O", "AR4", 298.0)],
    columns=["gas", "assessment", "gwp_100"],
)
COUNTRIES = pd.DataFrame(
    [("AAA", "Aland", True), ("BBB", "Bland", False)],
    columns=["country_iso3", "country_name", "is_host_country"],
)
PRICES = pd.DataFrame(
    [
        ("COAL_X", dt.date(2024, 1, 1), 3.0),  # outside the 2-month window
        ("COAL_X", dt.date(2024, 2, 1), 2.0),
        ("COAL_X", dt.date(2024, 3, 1), 4.0),
        ("NGAS_X", dt.date(2024, 2, 1), 10.0),
        ("NGAS_X", dt.date(2024, 3, 1), 12.0),
    ],
    columns=["series_code", "month", "price_usd_per_gj"],
)
COAL = pd.DataFrame(
    [
        ("U1", "AAA", "subcritical", "bituminous", "operating", 1995, 1000.0, 9000.0, 94600.0, 0.53, 4.1),
        ("U2", "AAA", "unknown", "unknown", "construction", None, 500.0, 8605.0, 96100.0, 0.53, 2.1),
        ("U3", "BBB", "subcritical", "bituminous", "operating", 1990, 300.0, 9500.0, 94600.0, 0.53, 1.3),
        ("U4", "AAA", "subcritical", "bituminous", "cancelled", None, 600.0, 9000.0, 94600.0, 0.53, 2.5),
        (
            "U5",
            "AAA",
            "ultra-supercritical",
            "bituminous",
            "operating",
            2015,
            800.0,
            8272.0,
            94600.0,
            0.53,
            3.0,
        ),
    ],
    columns=[
        "gem_unit_id",
        "country_iso3",
        "gem_technology",
        "coal_type",
        "status",
        "start_year",
        "capacity_mw",
        "gem_heat_rate_btu_per_kwh",
        "gem_ef_kg_per_tj",
        "gem_capacity_factor",
        "gem_annual_co2_mt_per_yr",
    ],
).astype({"start_year": "Int64"})

AGREEMENT_YAML = """\
agreement_id: aaa_deal
name: Partner-AAA test agreement
mechanism: Article 6.2
partner_country_iso3: JPN
host_country_iso3: AAA
eligible_to_technologies: [coal_usc, gas_combined_cycle]
eligible_swap_types: [efficiency_upgrade, fuel_switch]
eligible_statuses: [operating, construction]
host_share: 0.4
haircut: 0.1
sop_share: 0.05
omge_share: 0.02
crediting_period_yr: 10
credit_price_usd_per_t: 20
capex_subsidy_share: 0.5
sources: [hand-made test agreement]
"""

ZERO_CF_CASE = """\
case_id: zero_cf
country_iso3: AAA
capacity_mw: 100
capacity_factor: 0
fuel_class: coal
coal_type: bituminous
start_year: 2010
from_technology: coal_subcritical
to_technology: coal_usc
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("world")
    (tmp / "agreements").mkdir()
    (tmp / "agreements" / "aaa_deal.yaml").write_text(AGREEMENT_YAML)
    (tmp / "cases").mkdir()
    (tmp / "cases" / "zero_cf.yaml").write_text(ZERO_CF_CASE)
    con = make_db(
        tmp / "world.duckdb",
        {
            "coal_units": COAL,
            "fuel_prices_monthly": PRICES,
            "price_deflators": DEFLATORS,
            "scenario_parameters": PARAMS,
            "technologies": reference_csv.technologies(),
            "technology_catalogue": CATALOGUE,
            "unit_efficiency_classes": EFFICIENCY,
            "fuel_defaults": FUELS,
            "gwp": GWP,
            "countries": COUNTRIES,
            "agreements": config.agreements_frame(tmp / "agreements"),
            "project_cases": config.cases_frame(tmp / "cases"),
        },
    )
    build_marts(con, MARTS_WITH_CASES)
    return con


def row(con, table: str, where: str) -> dict:
    df = con.execute(f"SELECT * FROM {table} WHERE {where}").df()
    assert len(df) == 1, f"{table} WHERE {where}: {len(df)} rows"
    return df.iloc[0].to_dict()


# Hand-worked values shared by the tests below (unit U1: 1,000 MW subcritical, 1995, bituminous, AAA).
EG_U1 = 1000 * 0.6 * 8760 * (1 - 0.05)  # MWh/yr: AAA coal CF 0.6, aux 5 %
assert EG_U1 == pytest.approx(4_993_200)
ELEC_TJ_U1 = EG_U1 * 0.0036  # 17,975.52 TJ of electricity
FUEL_U1 = ELEC_TJ_U1 / 0.36  # 49,932 TJ of coal at 36 %
CO2_U1 = FUEL_U1 * 94.6  # 4,723,567.2 t
CRF = 0.10 * 1.1**20 / (1.1**20 - 1)  # 0.117459625


def test_baseline_formulas(world):
    r = row(world, "plant_baselines", "unit_id = 'U1'")
    assert r["net_generation_mwh_per_yr"] == pytest.approx(4_993_200)
    assert r["fuel_tj_per_yr"] == pytest.approx(49_932)
    assert r["co2_t_per_yr"] == pytest.approx(4_723_567.2)
    # Band: 39 % with the IPCC lower EF, 33 % with the upper one.
    assert r["co2_t_per_yr_low"] == pytest.approx(17_975.52 / 0.39 * 89.5)
    assert r["co2_t_per_yr_high"] == pytest.approx(17_975.52 / 0.33 * 99.7)
    # CH4 1 kg/TJ x 28 + N2O 1.5 kg/TJ x 265 = 425.5 kg CO2e/TJ.
    assert r["ch4_n2o_co2e_t_per_yr"] == pytest.approx(49_932 * 0.4255)
    assert r["intensity_t_per_mwh"] == pytest.approx(4_723_567.2 / 4_993_200)
    assert r["estimation_tier"] == "default"  # the CF is a scenario value, not this unit's own data
    assert pd.isna(r["activity_year"])
    assert r["capacity_factor_source"].endswith("AAA/coal/*")
    # GEM: 1,000 MW x 0.53 x 8,760 h = 4.6428e9 kWh; x 9,000 Btu/kWh = 4.1785e13 Btu = 44,086 TJ;
    # x 94,600 kg/TJ = 4.1705 Mt.
    kwh = 1000 * 1000 * 8760 * 0.53
    assert r["gem_method_co2_t_per_yr"] == pytest.approx(kwh * 9000 * 1.055056e-9 * 94600 / 1000)
    assert r["gem_method_co2_t_per_yr"] == pytest.approx(4.1705e6, rel=1e-4)
    assert r["gem_annual_co2_t_per_yr"] == pytest.approx(4.1e6)


def test_statuses_and_countries(world):
    ids = {r[0] for r in world.execute("SELECT unit_id FROM plant_baselines").fetchall()}
    assert ids == {"U1", "U2", "U3", "U5", "zero_cf"}  # U4 is cancelled
    r = row(world, "plant_baselines", "unit_id = 'U3'")
    assert r["capacity_factor"] == pytest.approx(0.5)  # BBB has no row: the '*' default


def test_unknown_technology_and_missing_start_year(world):
    r = row(world, "plant_baselines", "unit_id = 'U2'")
    assert r["vintage"] == ">2000"
    assert r["technology_assumed"] == "coal_supercritical"
    assert r["efficiency_lhv"] == pytest.approx(3412.14 / 8605)  # the tracker's own heat rate
    assert r["estimation_tier"] == "default"
    assert "unknown_technology:assumed_coal_supercritical" in r["flags"]
    assert "missing_start_year" in r["flags"]
    assert r["fuel"] == "sub_bituminous_coal"  # GEM's rule for unknown coal
    # Swap to USC: the reference is the TOOL07 supercritical default (45 %) = the USC project's 45 %,
    # so nothing is creditable although the BAU reduction is positive.
    s = row(world, "technology_swaps", "unit_id = 'U2' AND to_technology = 'coal_usc'")
    assert s["efficiency_reference_lhv"] == pytest.approx(0.45)
    assert s["reference_rule"].startswith("tool07_default")
    assert s["reduction_creditable_t_per_yr"] == 0
    eg = 500 * 0.6 * 8760 * 0.95
    assert s["reduction_bau_t_per_yr"] == pytest.approx(eg * 0.0036 * 96.1 * (8605 / 3412.14 - 1 / 0.45))
    assert "reference_at_or_above_project" in s["flags"]
    assert "no_capex_in_catalogue" in s["flags"]


def test_efficiency_upgrade_reductions_and_economics(world):
    s = row(world, "technology_swaps", "swap_id = 'coal_units:U1:coal_usc'")
    project_fuel = ELEC_TJ_U1 / 0.45  # 39,945.6 TJ
    assert s["swap_type"] == "efficiency_upgrade" and s["sector"] == "power_coal" and s["is_upgrade"]
    assert s["project_co2_t_per_yr"] == pytest.approx(project_fuel * 94.6)
    assert s["reduction_bau_t_per_yr"] == pytest.approx(CO2_U1 - project_fuel * 94.6)  # 944,713 t
    # Reference: max(own 36 %, TOOL07 <=2000 37 %, top performer 39.6 %) = 39.6 %; IPCC lower EF both sides.
    assert s["efficiency_reference_lhv"] == pytest.approx(0.396)
    assert s["reference_rule"].startswith("top_performer:tp_sub_300")
    reference = ELEC_TJ_U1 / 0.396 * 89.5
    assert s["reference_co2_t_per_yr"] == pytest.approx(reference)
    assert s["reduction_creditable_t_per_yr"] == pytest.approx(reference - project_fuel * 89.5)  # 487,518 t
    assert s["bau_reference_gap_t_per_yr"] == pytest.approx(CO2_U1 - reference)
    # Fuel: 9,986.4 TJ saved = 387,070 t at 25.8 GJ/t, at mean(Feb 2, Mar 4) = 3 USD/GJ.
    assert s["fuel_saved_tj_per_yr"] == pytest.approx(9_986.4)
    assert s["fuel_saved_t_per_yr"] == pytest.approx(9_986.4 / 25.8 * 1000)
    assert s["fuel_price_usd_per_gj"] == pytest.approx(3.0)
    assert s["fuel_savings_usd_per_yr"] == pytest.approx(29_959_200)
    # U1 operates: the decision is to replace it. Capex = the USC unit's full 900 USD/kW x 1 GW; the 1995
    # unit retires 10 years early (1995 + 40 - 2025), stranding 700 USD/kW x 1 GW x 10/40 = 175 M.
    assert s["decision"] == "replace"
    assert s["incremental_capex_usd"] == pytest.approx(900e6)
    assert s["remaining_life_yr"] == pytest.approx(10)
    assert s["stranded_value_usd"] == pytest.approx(175e6)
    assert s["upfront_cost_usd"] == pytest.approx(1_075e6)
    # dO&M 2 USD/kW-yr x 1 GW + 0.5 USD/MWh x EG.
    d_om = 2 * 1e6 + 0.5 * EG_U1
    assert s["delta_om_usd_per_yr"] == pytest.approx(4_496_600)
    assert s["crf"] == pytest.approx(0.117459625)
    assert s["annualised_cost_usd_per_yr"] == pytest.approx(1_075e6 * CRF + d_om)
    assert s["npv_usd"] == pytest.approx(-1_075e6 + (29_959_200 - d_om) / CRF)
    assert s["simple_payback_yr"] == pytest.approx(1_075e6 / (29_959_200 - d_om))  # 42.2 yr
    # (126,269,097 + 4,496,600 - 29,959,200) / 944,713 t = 106.7 USD/t: a rebuild is dear per tonne.
    mac = (1_075e6 * CRF + d_om - 29_959_200) / (CO2_U1 - project_fuel * 94.6)
    assert s["mac_usd_per_t"] == pytest.approx(mac)
    assert mac == pytest.approx(106.7, abs=0.1)
    assert s["breakeven_credit_price_usd_per_t"] == pytest.approx(
        (1_075e6 * CRF + d_om - 29_959_200) / (reference - project_fuel * 89.5)  # 206.8 USD/t
    )
    # Investment test: coal at quantiles 0.1 / 0.5 / 0.9 of (2, 4) = 2.2 / 3.0 / 3.8 USD/GJ; NPV at the 10 %
    # hurdle over 20 yr (annuity 8.5136): -1,075 M + (9,986.4 TJ x price x 1000 - dO&M) x 8.5136 < 0 at all.
    annuity = (1 - 1.1**-20) / 0.1
    for scenario, price in (("low", 2.2), ("central", 3.0), ("high", 3.8)):
        npv = -1_075e6 + (9_986.4 * 1000 * price - d_om) * annuity
        assert s[f"npv_hurdle_{scenario}_usd"] == pytest.approx(npv), scenario
    assert s["fuel_price_low_usd_per_gj"] == pytest.approx(2.2)
    assert s["fuel_price_high_usd_per_gj"] == pytest.approx(3.8)
    assert s["additionality"] == "additional"


def test_fuel_switch(world):
    s = row(world, "technology_swaps", "swap_id = 'coal_units:U1:gas_combined_cycle'")
    gas_tj = ELEC_TJ_U1 / 0.60  # 29,959.2 TJ
    assert s["swap_type"] == "fuel_switch" and s["is_upgrade"]
    assert s["reduction_bau_t_per_yr"] == pytest.approx(CO2_U1 - gas_tj * 56.1)
    # Baseline coal at its lower bound (89.5), project gas at its upper bound (58.3).
    creditable = ELEC_TJ_U1 / 0.396 * 89.5 - gas_tj * 58.3
    assert s["reduction_creditable_t_per_yr"] == pytest.approx(creditable)
    assert "ipcc_upper" in s["reference_rule"]
    # Coal at 3 USD/GJ out, gas at mean(10, 12) = 11 USD/GJ in.
    assert s["fuel_savings_usd_per_yr"] == pytest.approx(FUEL_U1 * 1000 * 3 - gas_tj * 1000 * 11)
    # Replaced by a new CC: its full 1,000 USD/kW x 1 GW, plus the coal unit's 175 M stranded.
    assert s["decision"] == "replace"
    assert s["incremental_capex_usd"] == pytest.approx(1_000e6)
    assert s["upfront_cost_usd"] == pytest.approx(1_175e6)
    # dO&M (15 - 40) USD/kW-yr x 1 GW + (3.0 - 4.0) USD/MWh x EG = -29,993,200 USD/yr.
    assert s["delta_om_usd_per_yr"] == pytest.approx(-25e6 - EG_U1)
    assert s["simple_payback_yr"] is None or pd.isna(s["simple_payback_yr"])  # it never pays back
    assert s["additionality"] == "additional"
    assert s["fuel_saved_t_per_yr"] is None or pd.isna(s["fuel_saved_t_per_yr"])


def test_non_upgrade_swap(world):
    s = row(world, "technology_swaps", "swap_id = 'coal_units:U5:coal_supercritical'")
    assert not s["is_upgrade"]
    assert s["reduction_bau_t_per_yr"] < 0
    assert s["reduction_creditable_t_per_yr"] == 0
    assert "not_an_upgrade" in s["flags"]
    assert pd.isna(s["mac_usd_per_t"])
    # A unit is never swapped to its own technology.
    assert (
        world.execute(
            "SELECT count(*) FROM technology_swaps WHERE swap_id = 'coal_units:U5:coal_usc'"
        ).fetchone()[0]
        == 0
    )


def test_zero_capacity_factor_case(world):
    b = row(world, "plant_baselines", "unit_id = 'zero_cf'")
    assert b["net_generation_mwh_per_yr"] == 0 and b["co2_t_per_yr"] == 0
    assert pd.isna(b["intensity_t_per_mwh"]) and "zero_capacity_factor" in b["flags"]
    r = row(world, "project_case_results", "case_id = 'zero_cf'")
    assert r["reduction_bau_t_per_yr"] == 0 and r["credited_t_per_yr"] == 0
    assert pd.isna(r["mac_usd_per_t"])


def test_credits_split_and_scope(world):
    # U1's chosen option is the CC (its largest creditable reduction: 4,062,668 - 1,746,621 t, against
    # 487,518 t for USC; both additional): credits count it alone.
    gas_tj = ELEC_TJ_U1 / 0.60
    creditable = ELEC_TJ_U1 / 0.396 * 89.5 - gas_tj * 58.3
    c = row(world, "credits", "swap_id = 'coal_units:U1:gas_combined_cycle'")
    credited = creditable * 0.9 * (1 - 0.05 - 0.02)
    assert c["credited_t_per_yr"] == pytest.approx(credited)
    assert c["host_credits_t_per_yr"] == pytest.approx(0.4 * credited)
    assert c["partner_credits_t_per_yr"] == pytest.approx(0.6 * credited)
    assert c["partner_revenue_usd_per_yr"] == pytest.approx(0.6 * credited * 20)
    assert c["host_revenue_usd_per_yr"] == pytest.approx(0.4 * credited * 20)
    assert c["credited_over_period_t"] == pytest.approx(10 * credited)
    # The partner pays half the 1,000 M capex for its credits, so the developer sells none (subsidy linked
    # to credit delivery): -1,175 M + 500 M + net savings / CRF, where net savings = coal 49,932 TJ x 3 USD/GJ
    # - gas 29,959.2 TJ x 11 USD/GJ - dO&M (-29,993,200) = -149,762,000 USD/yr.
    net = 49_932 * 1000 * 3 - gas_tj * 1000 * 11 + 25e6 + EG_U1
    assert net == pytest.approx(-149_762_000)
    assert c["partner_credits_to"] == "partner_government" and c["developer_credits_t_per_yr"] == 0
    assert c["npv_with_credits_usd"] == pytest.approx(-1_175e6 + 500e6 + net / CRF)
    assert c["partner_cost_usd_per_t"] == pytest.approx(500e6 / (0.6 * credited * 10))
    ids = {r[0] for r in world.execute("SELECT swap_id FROM credits").fetchall()}
    # One option per AAA unit in scope: U1 and U5 their CC (the largest creditable reduction), U2 its CC
    # (45 % coal at 92.8 t/TJ still emits more than gas at 60 %; U2 -> USC has 0 creditable). Out: BBB
    # (U3), U5 -> supercritical (not eligible, not an upgrade), the project case.
    expected = {
        "coal_units:U1:gas_combined_cycle",
        "coal_units:U2:gas_combined_cycle",
        "coal_units:U5:gas_combined_cycle",
    }
    assert ids == expected


def test_programmes_and_mac_curve(world):
    p = row(
        world,
        "host_country_programmes",
        "programme_id = 'AAA|power_coal|fuel_switch|gas_combined_cycle|operating'",
    )
    s1 = row(world, "technology_swaps", "swap_id = 'coal_units:U1:gas_combined_cycle'")
    s5 = row(world, "technology_swaps", "swap_id = 'coal_units:U5:gas_combined_cycle'")
    assert p["units"] == 2 and p["units_additional"] == 2
    assert p["reduction_bau_t_per_yr"] == pytest.approx(
        s1["reduction_bau_t_per_yr"] + s5["reduction_bau_t_per_yr"]
    )
    assert p["mac_median_usd_per_t"] == pytest.approx((s1["mac_usd_per_t"] + s5["mac_usd_per_t"]) / 2)
    # The USC alternative of U1 is not summed anywhere.
    assert (
        world.execute(
            "SELECT count(*) FROM host_country_programmes WHERE to_technology = 'coal_usc'"
        ).fetchone()[0]
        == 0
    )
    assert (
        world.execute("SELECT count(*) FROM host_country_programmes WHERE country_iso3 = 'BBB'").fetchone()[0]
        == 0
    )
    curve = world.execute("SELECT * FROM mac_curve WHERE country_iso3 = 'AAA' ORDER BY mac_rank").df()
    assert curve["unit_id"].is_unique  # one option per unit
    # U2's CC has no cost (no supercritical capex): left out of the curve, with the reason.
    assert set(curve["unit_id"]) == {"U1", "U5"}
    u2 = row(world, "chosen_options", "unit_id = 'U2'")
    assert u2["mac_curve_exclusion"] == "mac_undefined:capex unknown" and pd.isna(u2["additionality"])
    assert curve["mac_usd_per_t"].is_monotonic_increasing
    assert curve["cumulative_reduction_bau_t_per_yr"].iloc[-1] == pytest.approx(
        curve["reduction_bau_t_per_yr"].sum()
    )


def test_marts_satisfy_their_pandera_models(world):
    from bcm_pipeline.schemas import marts as m

    for model in [
        m.PlantBaselines,
        m.TechnologySwaps,
        m.ChosenOptions,
        m.Credits,
        m.HostCountryProgrammes,
        m.MacCurve,
        m.ProjectCaseResults,
    ]:
        model.to_schema().validate(world.execute(f"SELECT * FROM {model.Config.name}").df(), lazy=True)


# --- configuration files ------------------------------------------------------------------------


def test_repo_configuration_loads():
    agreements = config.agreements_frame()
    assert {"japan_vietnam", "japan_indonesia", "japan_india"} <= set(agreements["agreement_id"])
    cases = config.cases_frame()
    assert "founding_paper_usc_vs_subcritical" in set(cases["case_id"])
    params = config.scenario_parameters_frame()
    assert not params.duplicated(["parameter", "country_iso3", "fuel_class", "key"]).any()
    assert params["source_document"].str.len().gt(0).all()


def _write(tmp_path: Path, folder: str, name: str, text: str) -> Path:
    (tmp_path / folder).mkdir(exist_ok=True)
    path = tmp_path / folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_agreement_typo_names_file_and_field(tmp_path):
    path = _write(
        tmp_path, "agreements", "aaa_deal.yaml", AGREEMENT_YAML.replace("host_share:", "host_shar:")
    )
    with pytest.raises(config.ConfigError) as err:
        config.load_agreement(path)
    message = str(err.value)
    assert "aaa_deal.yaml" in message and "host_shar" in message and "host_share" in message


def test_agreement_bad_value_and_name_mismatch(tmp_path):
    path = _write(
        tmp_path, "agreements", "aaa_deal.yaml", AGREEMENT_YAML.replace("haircut: 0.1", "haircut: 1.5")
    )
    with pytest.raises(config.ConfigError, match="field 'haircut'"):
        config.load_agreement(path)
    path = _write(tmp_path, "agreements", "other.yaml", AGREEMENT_YAML)
    with pytest.raises(config.ConfigError, match="agreement_id"):
        config.load_agreement(path)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("capacity_mw: 100", "capacity_mw: -100", "capacity_mw"),
        ("start_year: 2010", "start_year: 2010\nto_efficiency_lhv: 1.2", "to_efficiency_lhv"),
        ("to_technology: coal_usc", "to_technology: fusion", "to_technology"),
    ],
)
def test_bad_case_is_refused_naming_case_and_field(tmp_path, old, new, field):
    path = _write(tmp_path, "cases", "zero_cf.yaml", ZERO_CF_CASE.replace(old, new))
    with pytest.raises(config.ConfigError) as err:
        config.load_case(path)
    assert "zero_cf.yaml" in str(err.value) and field in str(err.value)
