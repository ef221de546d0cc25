"""Grid-displacement projects (solar PV, wind, efficiency) through technology_swaps, credits, programmes,
the MAC curve and project cases, on a small hand-made world; every number worked out by hand here.

The world: host AAA with our computed combined margins, IFI's CMs and a conservative crediting factor;
host VNM with an estimate CM (solar only); BBB no host. Grid tables are hand-made inputs, so the expectations
do not depend on the TOOL07 code (tested in test_tool07.py / test_grid_factors_cea.py).
Costs: AAA ("Aland") has its own solar PV cost row in USD of 2023 (deflator 98 -> 100 for 2024); AAA's wind and
VNM's solar come from "Wland" (cost_regions: a proxy). The value of a MWh is the fuel cost of AAA's operating
coal fleet (U1, U5 of test_methodology) at the scenario coal prices; VNM has no fleet here, so no value.
"""

from __future__ import annotations

import shutil
import textwrap

import duckdb
import pandas as pd
import pytest
from test_methodology import (
    CATALOGUE,
    COAL,
    DEFLATORS,
    EFFICIENCY,
    FUELS,
    GWP,
    MARTS_WITH_CASES,
    PARAMS,
    PRICES,
    build_marts,
    make_db,
)

from bcm_pipeline.parsers import config
from bcm_pipeline.parsers import reference as reference_csv

pytestmark = pytest.mark.unit

COUNTRIES = pd.DataFrame(
    [("AAA", "Aland", True), ("BBB", "Bland", False), ("VNM", "Viet Nam", True)],
    columns=["country_iso3", "country_name", "is_host_country"],
)
MARGINS = pd.DataFrame(
    [  # country, period, margin, method, ef, is_estimate, simple_om_allowed
        ("AAA", "2022", "CM", "cm_0.75_0.25", 0.80, False, True),  # latest unit-data period: BAU for PV/wind
        ("AAA", "2021", "CM", "cm_0.75_0.25", 0.90, False, True),  # older
        ("AAA", "2023", "CM", "cm_0.75_0.25", 0.70, True, True),  # an estimate: unit data come first
        ("AAA", "2022", "CM", "cm_0.5_0.5", 0.78, False, True),  # BAU for efficiency, 1st crediting period
        ("AAA", "2022", "CM", "cm_0.25_0.75", 0.76, False, True),
        ("VNM", "2023", "CM", "cm_0.75_0.25", 0.59894, True, True),
    ],
    columns=[
        "country_iso3",
        "period",
        "margin",
        "method",
        "ef_t_per_mwh",
        "is_estimate",
        "simple_om_allowed",
    ],
)
IFI = pd.DataFrame(
    [("AAA", "ifi", "cm_intermittent", 0.60), ("AAA", "ifi", "cm_efficiency", 0.55)],
    columns=["country_iso3", "source", "method", "ef_t_per_mwh"],
)
CREDITING = pd.DataFrame(
    [
        ("AAA", "solar_pv", 0.60, "lowest of 2: ifi cm_intermittent won"),
        ("AAA", "wind", 0.60, "lowest of 2: ifi cm_intermittent won"),
        ("AAA", "efficiency", 0.55, "lowest of 2: ifi cm_efficiency won"),
        ("VNM", "solar_pv", 0.4931, "lowest of 2: ifi cm_intermittent won"),
    ],
    columns=["country_iso3", "project_type", "ef_t_per_mwh", "rule"],
)
N = None
DEFAULTS = pd.DataFrame(
    [  # country, technology, sector, MW, CF, MWh, capex USD/kW, price year, life, rate, crediting period
        ("*", "solar_pv", "grid_renewable", 10.0, 0.2, N, 1000.0, 2024, 25, 0.08, 1),
        ("AAA", "solar_pv", "grid_renewable", 20.0, 0.18, N, 900.0, 2024, 20, 0.10, 1),  # AAA's own row wins
        ("*", "wind", "grid_renewable", 10.0, 0.35, N, 1500.0, 2024, 25, 0.08, 1),
        ("*", "efficiency", "grid_efficiency", N, N, 1000.0, N, N, N, N, 1),
    ],
    columns=[
        "country_iso3",
        "to_technology",
        "sector",
        "capacity_mw",
        "capacity_factor",
        "net_generation_mwh_per_yr",
        "capex_usd_per_kw",
        "capex_price_year",
        "lifetime_yr",
        "discount_rate",
        "crediting_period",
    ],
)
# Grid project costs in the catalogue (fuel_class null: no fuel): Aland's own solar row in USD of 2023, and
# Wland's solar and wind rows in USD of 2024.
GRID_COSTS = pd.DataFrame(
    [  # id, technology, capex USD/kW, price year, region, fixed O&M USD/kW-yr
        ("pv_aland", "solar_pv", 900.0, 2023, "Aland", 15.0),
        ("pv_wland", "solar_pv", 700.0, 2024, "Wland", 10.0),
        ("wind_wland", "wind", 1200.0, 2024, "Wland", 30.0),
    ],
    columns=["technology_id", "technology", "capex_usd_per_kw", "capex_price_year", "capex_region",
             "fixed_om_usd_per_kw_yr"],
).assign(parameter_set="catalogue", fuel_class=None, vintage="any", variable_om_usd_per_mwh=0.0)  # fmt: skip
COST_REGIONS = pd.DataFrame(
    [("AAA", "Wland", "proxy"), ("VNM", "Wland", "proxy")], columns=["country_iso3", "cost_region", "basis"]
)
TO_2024 = 100 / 98  # deflator 2024 / 2023
# AAA's operating coal fleet (test_methodology): U1 1,000 MW subcritical at 36 %, U5 800 MW USC at 45 %, both at
# CF 0.6 and 5 % own use, so their net MWh are in the ratio 1,000 : 800. Fuel per net MWh = 3.6 GJ/MWh x
# (1,000 / 0.36 + 800 / 0.45) / 1,800 = 9.1111 GJ/MWh.
GJ_PER_MWH = 3.6 * (1000 / 0.36 + 800 / 0.45) / 1800
# Coal prices of the last 2 months (2.0, 4.0 USD/GJ of 2024): quantiles 0.1 / 0.5 / 0.9 = 2.2 / 3.0 / 3.8.
VALUE = {
    "low": GJ_PER_MWH * 2.2,
    "central": GJ_PER_MWH * 3.0,
    "high": GJ_PER_MWH * 3.8,
}  # USD/MWh: 27.33 central
ANNUITY_10_20 = (1 - 1.1**-20) / 0.1  # 8.513564: the hurdle rate 10 % over 20 years

AGREEMENT_YAML = """\
agreement_id: aaa_grid
name: Partner-AAA test agreement with grid projects
mechanism: Article 6.2
partner_country_iso3: JPN
host_country_iso3: AAA
eligible_to_technologies: [coal_usc, solar_pv, wind, efficiency]
eligible_swap_types: [efficiency_upgrade, grid_displacement]
eligible_statuses: [operating, proposed]
host_share: 0.4
haircut: 0.1
sop_share: 0.05
omge_share: 0.02
crediting_period_yr: 10
credit_price_usd_per_t: 20
capex_subsidy_share: 0.5
sources: [hand-made test agreement]
"""

EFFICIENCY_CASE = """\
case_id: aaa_motors
kind: grid_displacement
country_iso3: AAA
to_technology: efficiency
net_generation_mwh_per_yr: 2000
grid_ef_t_per_mwh: 0.5
crediting_period: 2
credit_share: 1.0
credit_price_usd_per_t: 10
"""

SOLAR_CASE = """\
case_id: aaa_solar
kind: grid_displacement
country_iso3: AAA
to_technology: solar_pv
capacity_mw: 5
capacity_factor: 0.2
capex_usd_per_kw: 700
credit_share: 1.0
credit_price_usd_per_t: 10
"""

NO_FACTOR_CASE = """\
case_id: bbb_solar
kind: grid_displacement
country_iso3: BBB
to_technology: solar_pv
capacity_mw: 5
capacity_factor: 0.2
"""

CRF_10_20 = 0.10 * 1.1**20 / (1.1**20 - 1)  # 0.117459625
CRF_8_25 = 0.08 * 1.08**25 / (1.08**25 - 1)  # 0.093678779
CREDITED_SHARE = 0.9 * (1 - 0.05 - 0.02)  # (1 - haircut) x (1 - SOP - OMGE) = 0.837


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("grid_world")
    (tmp / "agreements").mkdir()
    (tmp / "agreements" / "aaa_grid.yaml").write_text(AGREEMENT_YAML)
    cases = tmp / "cases"
    cases.mkdir()
    shutil.copy(config.CASES_DIR / "example_vietnam_solar_pv.yaml", cases)  # the repo's example, as it is
    (cases / "aaa_motors.yaml").write_text(EFFICIENCY_CASE)
    (cases / "bbb_solar.yaml").write_text(NO_FACTOR_CASE)
    (cases / "aaa_solar.yaml").write_text(SOLAR_CASE)
    con = make_db(
        tmp / "world.duckdb",
        {
            "coal_units": COAL,
            "fuel_prices_monthly": PRICES,
            "scenario_parameters": PARAMS,
            "technologies": reference_csv.technologies(),
            "technology_catalogue": pd.concat([CATALOGUE, GRID_COSTS], ignore_index=True),
            "cost_regions": COST_REGIONS,
            "price_deflators": DEFLATORS,
            "unit_efficiency_classes": EFFICIENCY,
            "fuel_defaults": FUELS,
            "gwp": GWP,
            "countries": COUNTRIES,
            "grid_margins_computed": MARGINS,
            "grid_emission_factors": IFI,
            "grid_factor_for_crediting": CREDITING,
            "grid_project_defaults": DEFAULTS,
            "agreements": config.agreements_frame(tmp / "agreements"),
            "project_cases": config.cases_frame(cases),
        },
    )
    build_marts(con, MARTS_WITH_CASES)
    return con


def row(con, table: str, where: str) -> dict:
    df = con.execute(f"SELECT * FROM {table} WHERE {where}").df()
    assert len(df) == 1, f"{table} WHERE {where}: {len(df)} rows"
    return df.iloc[0].to_dict()


def test_grid_rows_in_technology_swaps(world):
    s = row(world, "technology_swaps", "swap_id = 'grid:AAA:solar_pv'")
    mwh = 20 * 0.18 * 8760  # 31,536 MWh: AAA's own default row beats '*'
    assert (s["unit_id"], s["unit_source"], s["status"]) == (
        "grid:AAA:solar_pv",
        "grid_project_defaults",
        "proposed",
    )
    assert (s["sector"], s["swap_type"], s["from_technology"]) == (
        "grid_renewable",
        "grid_displacement",
        "grid",
    )
    assert s["is_upgrade"]
    assert s["net_generation_mwh_per_yr"] == pytest.approx(mwh)
    assert s["baseline_co2_t_per_yr"] == pytest.approx(mwh * 0.80)  # latest unit-data CM 0.75/0.25
    assert s["reduction_bau_t_per_yr"] == pytest.approx(25_228.8)
    assert s["reduction_creditable_t_per_yr"] == pytest.approx(mwh * 0.60)  # 18,921.6 t
    # Aland's own cost row (USD of 2023) beats the default's 900 USD/kW: 900 x 100/98 = 918.37 USD(2024)/kW.
    # (Before issue 13's follow-up the default's 900 USD/kW was used as it stood, capex only.)
    capex = 900 * TO_2024 * 20_000  # 18,367,347 USD
    om = 15 * TO_2024 * 20_000  # 306,122 USD/yr
    value = mwh * VALUE["central"]  # 31,536 MWh x 27.33 USD/MWh = 861,984 USD/yr
    assert s["capex_usd_per_kw"] == pytest.approx(900 * TO_2024)
    assert s["incremental_capex_usd"] == pytest.approx(capex) and s["upfront_cost_usd"] == pytest.approx(
        capex
    )
    assert s["delta_om_usd_per_yr"] == pytest.approx(om)
    assert s["fuel_saved_tj_per_yr"] == pytest.approx(mwh * GJ_PER_MWH / 1000)  # the margin's fuel
    assert s["fuel_savings_usd_per_yr"] == pytest.approx(value)
    assert s["fuel_savings_low_usd_per_yr"] == pytest.approx(mwh * VALUE["low"])
    assert s["fuel_savings_high_usd_per_yr"] == pytest.approx(mwh * VALUE["high"])
    assert (s["discount_rate"], s["lifetime_yr"]) == (pytest.approx(0.10), pytest.approx(20))
    assert s["crf"] == pytest.approx(CRF_10_20)
    assert s["annualised_cost_usd_per_yr"] == pytest.approx(capex * CRF_10_20 + om)
    # MAC on the BAU reduction, like the plant swaps (capex x CRF + O&M - value); break-even on the creditable.
    assert s["mac_usd_per_t"] == pytest.approx((capex * CRF_10_20 + om - value) / 25_228.8)  # 63.48 USD/t
    assert s["breakeven_credit_price_usd_per_t"] == pytest.approx((capex * CRF_10_20 + om - value) / 18_921.6)
    assert s["npv_usd"] == pytest.approx(-capex + (value - om) / CRF_10_20)
    assert s["simple_payback_yr"] == pytest.approx(capex / (value - om))  # 33 yr
    # Investment test at the 10 % hurdle over 20 years: negative at every fuel price -> additional.
    assert s["npv_hurdle_central_usd"] == pytest.approx(-capex + (value - om) * ANNUITY_10_20)  # -13.6 M
    assert s["npv_hurdle_high_usd"] == pytest.approx(-capex + (mwh * VALUE["high"] - om) * ANNUITY_10_20)
    assert s["additionality"] == "additional" and s["decision"] == "new_project"
    assert "pv_aland [Aland]" in s["cost_basis"] and "USD 2024" in s["cost_basis"]
    assert "capex_proxy_region" not in s["flags"] and "energy_value:fuel_cost_of_simple_om" in s["flags"]
    assert pd.isna(s["efficiency_bau_lhv"])

    w = row(world, "technology_swaps", "swap_id = 'grid:AAA:wind'")
    # Wland's wind (a proxy for AAA): 1,200 USD(2024)/kW x 10,000 kW; 30 USD/kW-yr; 30,660 MWh.
    w_mwh = 10 * 0.35 * 8760
    assert w["incremental_capex_usd"] == pytest.approx(12e6) and w["delta_om_usd_per_yr"] == pytest.approx(
        3e5
    )
    assert w["mac_usd_per_t"] == pytest.approx(
        (12e6 * CRF_8_25 + 3e5 - w_mwh * VALUE["central"]) / (w_mwh * 0.80)
    )  # 23.90 USD/t
    assert "capex_proxy_region:Wland (wind)" in w["flags"]

    e = row(world, "technology_swaps", "swap_id = 'grid:AAA:efficiency'")
    assert e["sector"] == "grid_efficiency"
    assert e["reduction_bau_t_per_yr"] == pytest.approx(1000 * 0.78)  # CM 0.5/0.5, first crediting period
    assert e["reduction_creditable_t_per_yr"] == pytest.approx(1000 * 0.55)
    assert pd.isna(e["incremental_capex_usd"]) and pd.isna(e["crf"]) and pd.isna(e["mac_usd_per_t"])
    assert pd.isna(e["additionality"]) and e["additionality_rule"] == "not run: capex unknown"
    assert "no_capex_in_catalogue:efficiency" in e["flags"]
    # A case's own capex is used as given (its own money); its O&M and value come from its host.
    c = row(world, "technology_swaps", "swap_id = 'case:aaa_solar:solar_pv'")
    assert c["incremental_capex_usd"] == pytest.approx(700 * 5000)
    assert c["delta_om_usd_per_yr"] == pytest.approx(15 * TO_2024 * 5000)
    assert c["fuel_savings_usd_per_yr"] == pytest.approx(5 * 0.2 * 8760 * VALUE["central"])
    # VNM: only solar has a crediting factor; BBB is no host.
    grid_ids = {
        r[0]
        for r in world.execute(
            "SELECT swap_id FROM technology_swaps WHERE swap_type = 'grid_displacement'"
        ).fetchall()
    }
    assert grid_ids == {
        "grid:AAA:solar_pv",
        "grid:AAA:wind",
        "grid:AAA:efficiency",
        "grid:VNM:solar_pv",
        "case:example_vietnam_solar_pv:solar_pv",
        "case:aaa_motors:efficiency",
        "case:bbb_solar:solar_pv",
        "case:aaa_solar:solar_pv",
    }


def test_grid_credits_split_and_scope(world):
    mwh = 20 * 0.18 * 8760
    c = row(world, "credits", "swap_id = 'grid:AAA:solar_pv'")
    credited = mwh * 0.60 * CREDITED_SHARE  # 15,837.38 t
    assert c["unit_id"] == "grid:AAA:solar_pv" and c["status"] == "proposed"
    assert c["credited_t_per_yr"] == pytest.approx(credited)
    assert c["host_credits_t_per_yr"] == pytest.approx(0.4 * credited)
    assert c["partner_credits_t_per_yr"] == pytest.approx(0.6 * credited)
    assert c["partner_revenue_usd_per_yr"] == pytest.approx(0.6 * credited * 20)
    assert c["credited_over_period_t"] == pytest.approx(10 * credited)
    # The partner pays half the capex and takes its credits for it (subsidy linked to credit delivery), so the
    # developer's NPV is -capex x (1 - subsidy) + (value of the electricity - O&M) / CRF, with no credit sales.
    # (Before, with no energy value and no O&M counted, it was -capex x (1 - subsidy): the simplification.)
    capex = 900 * TO_2024 * 20_000
    om = 15 * TO_2024 * 20_000
    value = mwh * VALUE["central"]
    assert c["partner_credits_to"] == "partner_government" and c["developer_credits_t_per_yr"] == 0
    assert c["capex_subsidy_usd"] == pytest.approx(0.5 * capex)
    assert c["npv_with_credits_usd"] == pytest.approx(-capex * 0.5 + (value - om) / CRF_10_20)
    # The partner pays 9.18 M for 10 years of its credits: USD per tonne.
    assert c["partner_cost_usd_per_t"] == pytest.approx(0.5 * capex / (0.6 * credited * 10))
    # Break-even (methodology notes §6): (capex x CRF + O&M - value) / (creditable x (1 - d)(1 - SOP - OMGE)
    # x (1 - s)).
    assert c["breakeven_credit_price_usd_per_t"] == pytest.approx(
        (capex * CRF_10_20 + om - value) / (0.6 * credited)
    )
    e = row(world, "credits", "swap_id = 'grid:AAA:efficiency'")
    assert e["credited_t_per_yr"] == pytest.approx(550 * CREDITED_SHARE)
    assert e["credited_over_period_t"] == pytest.approx(10 * 550 * CREDITED_SHARE)  # no lifetime: the period
    assert pd.isna(e["npv_with_credits_usd"])  # no capex known
    grid_credits = {
        r[0]
        for r in world.execute("SELECT swap_id FROM credits WHERE swap_type = 'grid_displacement'").fetchall()
    }
    # VNM has no agreement here; cases are reported in project_case_results only.
    assert grid_credits == {"grid:AAA:solar_pv", "grid:AAA:wind", "grid:AAA:efficiency"}


def test_grid_programmes_and_mac_curve(world):
    p = row(
        world,
        "host_country_programmes",
        "programme_id = 'AAA|grid_renewable|grid_displacement|solar_pv|pipeline'",
    )
    mwh = 20 * 0.18 * 8760
    assert p["units"] == 1
    assert p["reduction_bau_t_per_yr"] == pytest.approx(mwh * 0.80)
    assert p["credited_t_per_yr"] == pytest.approx(mwh * 0.60 * CREDITED_SHARE)
    capex, om = 900 * TO_2024 * 20_000, 15 * TO_2024 * 20_000
    assert p["mac_median_usd_per_t"] == pytest.approx(
        (capex * CRF_10_20 + om - mwh * VALUE["central"]) / (mwh * 0.80)
    )
    sectors = {
        r[0]
        for r in world.execute(
            "SELECT DISTINCT sector FROM host_country_programmes WHERE country_iso3 = 'AAA'"
        ).fetchall()
    }
    assert {"power_coal", "grid_renewable", "grid_efficiency"} <= sectors
    curve = world.execute("SELECT * FROM mac_curve WHERE country_iso3 = 'AAA' ORDER BY mac_rank").df()
    assert {"grid:AAA:solar_pv", "grid:AAA:wind"} <= set(curve["swap_id"])  # efficiency has no MAC (no capex)
    assert curve["mac_usd_per_t"].is_monotonic_increasing


def test_example_vietnam_solar_pv_case_by_hand(world):
    r = row(world, "project_case_results", "case_id = 'example_vietnam_solar_pv'")
    mwh = 50 * 0.172 * 8760  # 75,336 MWh
    bau = mwh * 0.59894  # VNM's CM 0.75/0.25 (estimate here): 45,121 t
    creditable = mwh * 0.4931  # the crediting factor: 37,148 t
    credited = creditable * 0.5
    capex = 857 * 50_000  # USD 42.85 M
    assert (r["from_technology"], r["to_technology"], r["swap_type"]) == (
        "grid",
        "solar_pv",
        "grid_displacement",
    )
    assert r["net_generation_mwh_per_yr"] == pytest.approx(mwh)
    assert r["reduction_bau_t_per_yr"] == pytest.approx(bau)
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(creditable)
    assert r["credited_t_per_yr"] == pytest.approx(credited)
    assert r["credit_revenue_usd_per_yr"] == pytest.approx(credited * 16.67)  # USD 309.6 k/yr
    assert r["incremental_capex_usd"] == pytest.approx(capex)  # the case's own 857 USD/kW, as given
    assert r["crf"] == pytest.approx(CRF_8_25)
    # Its O&M comes from VNM's cost region (Wland, a proxy): 10 USD/kW-yr x 50,000 kW. Viet Nam has no
    # operating fossil fleet in this world, so the value of its electricity is unknown: the MAC, NPV,
    # payback and break-even are null, flagged (before: a capex-only MAC of 88.97 USD/t, the simplification).
    assert r["delta_om_usd_per_yr"] == pytest.approx(500_000)
    assert pd.isna(r["fuel_savings_usd_per_yr"]) and pd.isna(r["mac_usd_per_t"])
    assert pd.isna(r["npv_usd"]) and pd.isna(r["breakeven_credit_price_usd_per_t"])
    s = row(world, "technology_swaps", "swap_id = 'case:example_vietnam_solar_pv:solar_pv'")
    assert "no_operating_margin_fleet:energy_value_unknown" in s["flags"]
    assert s["additionality_rule"] == "not run: fuel price unknown"


def test_grid_case_with_own_factor_and_without_any(world):
    r = row(world, "project_case_results", "case_id = 'aaa_motors'")
    # Its documented 0.5 t/MWh on both sides: 2,000 MWh saved -> 1,000 t, all credited at USD 10/t.
    assert r["reduction_bau_t_per_yr"] == pytest.approx(1000)
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(1000)
    assert r["credit_revenue_usd_per_yr"] == pytest.approx(10_000)
    assert pd.isna(r["capacity_mw"]) and pd.isna(r["incremental_capex_usd"]) and pd.isna(r["mac_usd_per_t"])
    b = row(world, "project_case_results", "case_id = 'bbb_solar'")
    assert b["reduction_bau_t_per_yr"] == 0 and b["reduction_creditable_t_per_yr"] == 0
    assert "no_grid_factor" in b["flags"]


def test_marts_satisfy_their_pandera_models(world):
    from bcm_pipeline.schemas import grid
    from bcm_pipeline.schemas import marts as m

    for model in [m.TechnologySwaps, m.Credits, m.HostCountryProgrammes, m.MacCurve, m.ProjectCaseResults]:
        model.to_schema().validate(world.execute(f"SELECT * FROM {model.Config.name}").df(), lazy=True)
    grid.GridDisplacementSwaps.to_schema().validate(
        world.execute("SELECT * FROM grid_displacement_swaps").df(), lazy=True
    )
    # Only grid rows may leave the efficiency and EF columns null.
    df = world.execute("SELECT * FROM technology_swaps").df()
    plant = df["swap_type"] != "grid_displacement"
    df.loc[plant.idxmax(), "efficiency_bau_lhv"] = None
    with pytest.raises(Exception, match="plant_swaps_have_efficiency_ef_and_economics"):
        m.TechnologySwaps.to_schema().validate(df, lazy=True)


# --- the case format ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("capacity_factor: 0.2", "capacity_factor: 0.2\nfuel_class: coal", "fuel_class"),
        ("capacity_factor: 0.2\n", "", "capacity_factor"),
        ("capacity_factor: 0.2", "capacity_factor: 0.2\nnet_generation_mwh_per_yr: 100", "capacity_factor"),
        ("to_technology: solar_pv", "to_technology: gas_combined_cycle", "to_technology"),
        (
            "to_technology: solar_pv",
            "to_technology: solar_pv\nfrom_technology: coal_subcritical",
            "from_technology",
        ),
        ("capacity_mw: 5", "capacity_mw: -5", "capacity_mw"),
        ("capacity_factor: 0.2", "capacity_factor: 0.2\ngrid_ef_t_per_mwh: -1", "grid_ef_t_per_mwh"),
        ("kind: grid_displacement", "kind: grid", "kind"),
    ],
)
def test_bad_grid_case_is_refused_naming_case_and_field(tmp_path, old, new, field):
    path = tmp_path / "bbb_solar.yaml"
    assert old in NO_FACTOR_CASE
    path.write_text(NO_FACTOR_CASE.replace(old, new))
    with pytest.raises(config.ConfigError) as err:
        config.load_case(path)
    assert "bbb_solar.yaml" in str(err.value) and field in str(err.value)


def test_plant_case_refuses_grid_fields(tmp_path):
    path = tmp_path / "zero_cf.yaml"
    path.write_text(
        textwrap.dedent("""\
        case_id: zero_cf
        country_iso3: AAA
        capacity_mw: 100
        capacity_factor: 0.5
        fuel_class: coal
        from_technology: coal_subcritical
        to_technology: coal_usc
        grid_ef_t_per_mwh: 0.7
        """)
    )
    with pytest.raises(config.ConfigError, match="grid_ef_t_per_mwh"):
        config.load_case(path)
