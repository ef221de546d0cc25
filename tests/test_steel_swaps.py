"""sql/marts/steel_swaps.sql on a small hand-made world; every number worked out by hand here.

The world: country AAA with an operating BF-BOF plant P1 (2 Mt/yr BOF steel, 1.8 Mt/yr blast furnaces,
started 2010) and an announced BF-BOF plant P2 (1 Mt/yr steel, 1 Mt/yr BF); utilisation 0.75; grid average
0.5 t/MWh, crediting factor 0.4; electricity USD 80/MWh; coal USD 3/GJ and gas USD 10/GJ in every month.
The defaults and costs are typed in here (round numbers, not the repo's CSVs), all money in USD of 2024.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from bcm_pipeline import build, warehouse
from bcm_pipeline.schemas.base import stored_failures
from bcm_pipeline.schemas.steel import (
    PostedSteelTechnologies,
    SteelDefaults,
    SteelPlants,
    SteelSwapOptions,
    SteelSwaps,
)

pytestmark = pytest.mark.unit

# (parameter, item, value, low, high)
DEFAULTS = [
    ("co2_ef", "steel_bof", 1.46, 1.095, 1.825),
    ("co2_ef", "steel_eaf", 0.08, 0.06, 0.10),
    ("co2_ef", "dri_gas", 0.70, 0.525, 0.875),
    ("co2_ef", "steel_ohf", 1.72, 1.29, 2.15),
    ("co2_ef", "steel_unknown_route", 1.06, 0.795, 1.325),
    ("co2_ef", "dri_coal", 2.8, 2.1, 3.5),
    ("utilisation", "crude_steel", 0.75, 0.70, 0.80),
    ("electricity", "steel_scrap_eaf", 0.474, 0.40, 0.667),
    ("electricity", "steel_dri_eaf", 0.59, 0.472, 0.753),
    ("electricity", "dri_plant_gas", 0.08, 0.078, 0.091),
    ("electricity", "dri_plant_coal", 0.08, 0.078, 0.091),
    ("dri_charge", "steel_dri_eaf", 1.1, 1.03, 1.1),
    ("natural_gas", "dri_gas", 9.7, 8.64, 9.84),
    ("coal", "steel_bf_bof", 21.32, None, None),
    ("dri_coal_share", "dri", 0.24, None, None),
]

# (technology, parameter, value, low, price year)
OPTIONS = [
    ("steel_trt", "electricity_saved_mwh_per_t_hot_metal", 0.040, 0.015, None),
    ("steel_trt", "capex_usd_per_t_yr_hot_metal", 15.0, None, 2024),
    ("steel_trt", "fixed_om_share_of_capex", 0.02, None, None),
    ("steel_trt", "lifetime_yr", 20, None, None),
    ("steel_whr", "coal_saved_gj_per_t_sinter", 0.25, None, None),
    ("steel_whr", "sinter_per_t_hot_metal", 1.2, None, None),
    ("steel_whr", "capex_usd_per_t_yr_sinter", 30.0, None, 2024),
    ("steel_whr", "fixed_om_share_of_capex", 0.02, None, None),
    ("steel_whr", "lifetime_yr", 20, None, None),
    ("steel_bf_bof", "lifetime_yr", 25, None, None),
    ("steel_scrap_eaf", "lifetime_yr", 25, None, None),
    ("steel_dri_eaf_gas", "lifetime_yr", 25, None, None),
]

# POSTED CAPEX rows, USD of 2024 per t/yr: EAF median of 300 and 400 = 350; DRI 450; the integrated mill
# 1,400 (its carbon-capture case, 1,800, is left out).
POSTED = [
    ("Integrated Blast Furnace and Basic Oxygen Furnace", 2, 1400.0, "No Capture", "#"),
    ("Integrated Blast Furnace and Basic Oxygen Furnace", 3, 1800.0, "End-of-pipe", "#"),
    ("Electric Arc Furnace", 3, 300.0, None, "#"),
    ("Electric Arc Furnace", 4, 400.0, None, "#"),
    ("Direct Reduction of Iron", 3, 450.0, "No Capture", "#"),
    ("Direct Reduction of Iron", 4, 100.0, "With Capture", "Capture Unit"),
]

PARAMS = [
    ("discount_rate", "*", "*", 0.08, None),
    ("hurdle_rate", "*", "*", 0.10, None),
    ("usd_price_year", "*", "*", 2024, None),
    ("analysis_year", "*", "*", 2025, None),
    ("fuel_price_history_months", "*", "*", 2, None),
    ("fuel_price_quantile", "*", "low", 0.1, None),
    ("fuel_price_quantile", "*", "central", 0.5, None),
    ("fuel_price_quantile", "*", "high", 0.9, None),
    ("fuel_price_series", "coal", "*", None, "COAL_X"),
    ("fuel_price_series", "gas", "*", None, "NGAS_X"),
    ("included_status", "*", "operating", None, "operating"),
    ("included_status", "*", "announced", None, "announced"),
    ("steel_swap_target", "*", "steel_scrap_eaf", None, "steel_bf_bof"),
    ("steel_swap_target", "*", "steel_dri_eaf_gas", None, "steel_bf_bof"),
    ("steel_swap_target", "*", "steel_trt", None, "steel_bf_bof"),
    ("steel_swap_target", "*", "steel_whr", None, "steel_bf_bof"),
]


@pytest.fixture(scope="module")
def swaps(tmp_path_factory) -> pd.DataFrame:
    con = duckdb.connect(str(tmp_path_factory.mktemp("steel_swaps") / "w.duckdb"))
    cite = {c: "test" for c in ["unit", "source_document", "source_table", "source_page", "verified"]}
    defaults = pd.DataFrame(
        [dict(parameter=p, item=i, country_iso3="*", value=v, value_low=lo, value_high=hi, note=None) | cite
         for p, i, v, lo, hi in DEFAULTS]
    )  # fmt: skip
    warehouse.write_table(con, SteelDefaults, SteelDefaults.validate(defaults))
    options = pd.DataFrame(
        [dict(technology=t, parameter=p, value=v, value_low=lo, value_high=None, price_year=y, note=None) | cite
         for t, p, v, lo, y in OPTIONS]
    )  # fmt: skip
    warehouse.write_table(con, SteelSwapOptions, SteelSwapOptions.validate(options))
    base = {c: None for c in SteelPlants.to_schema().columns}
    plants = pd.DataFrame(
        [base | dict(gem_plant_id="P1", status="operating", is_operating=True, country_iso3="AAA",
                     country_name="A", plant_name="plant P1", bof_steel_capacity_t_per_yr=2_000_000.0,
                     bf_capacity_t_per_yr=1_800_000.0, start_year=2010, source_sha256="sha"),
         base | dict(gem_plant_id="P2", status="announced", is_operating=False, country_iso3="AAA",
                     country_name="A", plant_name="plant P2", bof_steel_capacity_t_per_yr=1_000_000.0,
                     bf_capacity_t_per_yr=1_000_000.0, start_year=2030, source_sha256="sha")]
    )  # fmt: skip
    warehouse.write_table(con, SteelPlants, SteelPlants.validate(plants))
    pbase = {c: None for c in PostedSteelTechnologies.to_schema().columns}
    posted = pd.DataFrame(
        [pbase | dict(technology=t, source_row=r, source="test", variable="CAPEX", value=v, unit="USD_2024",
                      reference_value=1.0, reference_unit="t/year", currency="USD", price_year=2024,
                      currency_multiplier=1.0, carbon_capture=cc, component=comp, source_sha256="sha")
         for t, r, v, cc, comp in POSTED]
    )  # fmt: skip
    warehouse.write_table(con, PostedSteelTechnologies, PostedSteelTechnologies.validate(posted))
    tables = {
        "price_deflators": "SELECT * FROM (VALUES ('us_gdp_deflator', 2024, 100.0), ('us_gdp_deflator', 2025, 100.0)) "
        "AS t(series, year, value)",
        "grid_emission_factors": "SELECT * FROM (VALUES ('AAA', '2024', 'owid', 'average_intensity', 0.5)) "
        "AS t(country_iso3, period, source, method, ef_t_per_mwh)",
        "grid_factor_for_crediting": "SELECT * FROM (VALUES ('AAA', 'efficiency', 0.4)) "
        "AS t(country_iso3, project_type, ef_t_per_mwh)",
        "fuel_prices_monthly": "SELECT * FROM (VALUES ('COAL_X', DATE '2025-01-01', 3.0), "
        "('COAL_X', DATE '2025-02-01', 3.0), ('NGAS_X', DATE '2025-01-01', 10.0), "
        "('NGAS_X', DATE '2025-02-01', 10.0)) AS t(series_code, month, price_usd_per_gj)",
        "fuel_defaults": "SELECT 'other_bituminous_coal' AS fuel, true AS is_primary, 94.6 AS co2_ef_t_per_tj, "
        "89.5 AS co2_ef_t_per_tj_lower",
        # No power plants in this world: fuel_price_scenarios prices the steel plants' coal and gas alone.
        "plant_baselines": "SELECT NULL::VARCHAR AS country_iso3, NULL::VARCHAR AS fuel_class WHERE false",
    }
    for name, select in tables.items():
        con.execute(f"CREATE TABLE {name} AS {select}")
    params = pd.DataFrame(PARAMS, columns=["parameter", "fuel_class", "key", "value", "value_text"])
    params["country_iso3"] = "*"
    params.loc[len(params)] = ["electricity_price_usd_per_mwh", "*", "industry", 80.0, None, "AAA"]
    con.register("p", params)
    con.execute("CREATE TABLE scenario_parameters AS SELECT * FROM p")
    for mart in [
        "steel_route_factors",
        "steel_baselines",
        "posted_steel_costs",
        "fuel_price_scenarios",
        "steel_swaps",
    ]:
        build.computed_table(con, mart)
    rows, failures = stored_failures(con, SteelSwaps)
    assert failures.empty, failures.head().to_string()
    return con.execute("SELECT * FROM steel_swaps").df().set_index("swap_id")


def test_one_row_per_plant_and_option(swaps):
    assert sorted(swaps.index) == sorted(
        f"steel_plants:{unit}:{option}"
        for unit in ["P1:steel_bf_bof", "P2:steel_bf_bof:announced"]
        for option in ["steel_scrap_eaf", "steel_dri_eaf_gas", "steel_trt", "steel_whr"]
    )
    decisions = swaps["decision"].to_dict()
    assert decisions["steel_plants:P1:steel_bf_bof:steel_scrap_eaf"] == "replace"
    assert decisions["steel_plants:P1:steel_bf_bof:steel_trt"] == "retrofit"
    assert decisions["steel_plants:P2:steel_bf_bof:announced:steel_scrap_eaf"] == "build_instead"
    assert decisions["steel_plants:P2:steel_bf_bof:announced:steel_whr"] == "build_instead"


def test_route_switch_of_an_operating_plant_by_hand(swaps):
    r = swaps.loc["steel_plants:P1:steel_bf_bof:steel_scrap_eaf"]
    # production = 2 Mt x 0.75 = 1.5 Mt crude steel
    assert r["production_t_per_yr"] == pytest.approx(1_500_000)
    # BAU: BF-BOF 1.46 t/t vs scrap EAF 0.08 t/t + 0.474 MWh/t x 0.5 t/MWh = 0.317 t/t
    assert r["baseline_co2_t_per_yr"] == pytest.approx(1_500_000 * 1.46)  # 2,190,000
    assert r["project_co2_t_per_yr"] == pytest.approx(1_500_000 * 0.317)  # 475,500
    assert r["reduction_bau_t_per_yr"] == pytest.approx(1_500_000 * (1.46 - 0.317))  # 1,714,500
    # Conservative: BF-BOF low 1.095 t/t against EAF high 0.10 + high 0.667 MWh/t x max(0.5, 0.4) = 0.4335
    assert r["reference_co2_t_per_yr"] == pytest.approx(1_500_000 * 1.095)  # 1,642,500
    assert r["project_co2_conservative_t_per_yr"] == pytest.approx(1_500_000 * 0.4335)  # 650,250
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(1_500_000 * (1.095 - 0.4335))  # 992,250
    # Electricity bought: 1.5 Mt x 0.474 = 711,000 MWh; coal no longer burnt 1.5 Mt x 21.32 GJ = 31,980 TJ
    assert r["electricity_saved_mwh_per_yr"] == pytest.approx(-711_000)
    assert r["fuel_saved_tj_per_yr"] == pytest.approx(31_980)
    # Energy: 31,980,000 GJ x USD 3 - 711,000 MWh x USD 80 = 95,940,000 - 56,880,000 = USD 39,060,000/yr
    assert r["fuel_savings_usd_per_yr"] == pytest.approx(39_060_000)
    # Replace: the EAF (median 350 USD/(t/yr)) x 2 Mt = 700 M; stranded: the mill (1,400, its capture case left
    # out) x 2 Mt x remaining (2010 + 25 - 2025 = 10 yr) / 25 yr = 1,120 M
    assert r["incremental_capex_usd"] == pytest.approx(700_000_000)
    assert r["remaining_life_yr"] == 10
    assert r["stranded_value_usd"] == pytest.approx(1_120_000_000)
    assert r["upfront_cost_usd"] == pytest.approx(1_820_000_000)
    # Raw materials and O&M of the route are unknown: no NPV, MAC or investment test, with the reason.
    assert pd.isna(r["delta_om_usd_per_yr"]) and pd.isna(r["mac_usd_per_t"]) and pd.isna(r["npv_usd"])
    assert pd.isna(r["additionality"]) and r["additionality_rule"] == "not run: O&M unknown"
    assert "no_material_costs" in r["flags"] and "needs_scrap_supply" in r["flags"]


def test_pipeline_route_switch_premium_not_positive_is_unknown(swaps):
    r = swaps.loc["steel_plants:P2:steel_bf_bof:announced:steel_scrap_eaf"]
    # 350 - 1,400 USD/(t/yr) < 0: no premium to pay, read as unknown (flagged), never 0 or negative
    assert pd.isna(r["incremental_capex_usd"]) and pd.isna(r["upfront_cost_usd"])
    assert "capex_premium_not_positive" in r["flags"]
    # production 1 Mt x 0.75 = 750,000 t; BAU 750,000 x 1.143 = 857,250 t/yr
    assert r["reduction_bau_t_per_yr"] == pytest.approx(857_250)


def test_gas_dri_is_not_creditable_on_this_grid(swaps):
    r = swaps.loc["steel_plants:P1:steel_bf_bof:steel_dri_eaf_gas"]
    # BAU project: 0.08 + 1.1 x 0.70 = 0.85 t/t direct + (0.59 + 1.1 x 0.08 = 0.678 MWh/t) x 0.5 = 1.189 t/t
    assert r["project_co2_t_per_yr"] == pytest.approx(1_500_000 * 1.189)
    assert r["reduction_bau_t_per_yr"] == pytest.approx(1_500_000 * (1.46 - 1.189))  # 406,500
    # Conservative project: 0.10 + 1.1 x 0.875 = 1.0625 t/t + (0.753 + 1.1 x 0.091 = 0.8531) x 0.5 = 1.48905
    # > the reference 1.095 t/t: nothing creditable
    assert r["reduction_creditable_t_per_yr"] == 0 and "reference_at_or_above_project" in r["flags"]
    # DRI-EAF capex: DRI 450 x 1.1 t DRI/t + EAF 350 = 845 USD/(t/yr) x 2 Mt = 1,690 M (capture unit left out)
    assert r["incremental_capex_usd"] == pytest.approx(1_690_000_000)


def test_top_pressure_recovery_turbine_by_hand(swaps):
    r = swaps.loc["steel_plants:P1:steel_bf_bof:steel_trt"]
    # hot metal = 1.8 Mt BF x 0.75 = 1,350,000 t; 40 kWh/t -> 54,000 MWh/yr, at the grid average 0.5 t/MWh
    assert r["production_t_per_yr"] == pytest.approx(1_350_000)
    assert r["electricity_saved_mwh_per_yr"] == pytest.approx(54_000)
    assert r["baseline_co2_t_per_yr"] == pytest.approx(27_000) and r["project_co2_t_per_yr"] == 0
    assert r["reduction_bau_t_per_yr"] == pytest.approx(27_000)
    # Conservative: the low saving 15 kWh/t x the crediting factor 0.4: 1,350,000 x 0.015 x 0.4 = 8,100 t/yr
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(8_100)
    assert r["grid_ef_reference_t_per_mwh"] == pytest.approx(0.4)
    # Retrofit: USD 15/(t/yr) x 1.8 Mt BF = 27 M; O&M 2 % = 540,000/yr; savings 54,000 MWh x 80 = 4,320,000/yr
    assert r["incremental_capex_usd"] == pytest.approx(27_000_000)
    assert r["delta_om_usd_per_yr"] == pytest.approx(540_000)
    assert r["fuel_savings_usd_per_yr"] == pytest.approx(4_320_000)
    # CRF(8 %, 20 yr) = 0.08 x 1.08^20 / (1.08^20 - 1) = 0.08 x 4.660957 / 3.660957 = 0.1018522
    crf = 0.08 * 1.08**20 / (1.08**20 - 1)
    assert r["crf"] == pytest.approx(0.1018522, rel=1e-6)
    # MAC = (27 M x 0.1018522 + 540,000 - 4,320,000) / 27,000 = (2,750,010 - 3,780,000) / 27,000 = -38.15 USD/t
    assert r["mac_usd_per_t"] == pytest.approx((27e6 * crf + 540_000 - 4_320_000) / 27_000)
    assert r["mac_usd_per_t"] == pytest.approx(-38.148, abs=1e-3)
    # Investment test at 10 % over 20 yr: annuity (1 - 1.1^-20) / 0.1 = 8.513564;
    # NPV = -27 M + (4,320,000 - 540,000) x 8.513564 = -27,000,000 + 32,181,271 = +5.18 M >= 0: not additional
    assert r["npv_hurdle_central_usd"] == pytest.approx(-27e6 + 3_780_000 * (1 - 1.1**-20) / 0.1)
    assert r["additionality"] == "not_additional"


def test_sinter_cooler_heat_recovery_by_hand(swaps):
    r = swaps.loc["steel_plants:P2:steel_bf_bof:announced:steel_whr"]
    # hot metal = 1 Mt x 0.75 = 750,000 t; sinter 1.2 t/t -> 900,000 t; 0.25 GJ/t -> 225,000 GJ = 225 TJ of coal
    assert r["fuel_saved_tj_per_yr"] == pytest.approx(225)
    # BAU: 225 TJ x 94.6 t/TJ = 21,285 t; creditable at IPCC's lower 89.5 t/TJ = 20,137.5 t
    assert r["reduction_bau_t_per_yr"] == pytest.approx(21_285)
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(20_137.5)
    # Built with the plant: USD 30/(t/yr sinter) x 1.2 x 1 Mt BF = 36 M; savings 225,000 GJ x 3 = 675,000/yr
    assert r["incremental_capex_usd"] == pytest.approx(36_000_000)
    assert r["fuel_savings_usd_per_yr"] == pytest.approx(675_000)
    # MAC = (36 M x 0.1018522 + 720,000 - 675,000) / 21,285 = (3,666,679 + 45,000) / 21,285 = 174.38 USD/t
    assert r["mac_usd_per_t"] == pytest.approx(174.38, abs=0.01)
    assert r["additionality"] == "additional"
