"""Regional costs (cost_regions): a host without costs of its own takes its cost region's, flagged as a proxy
only when the region does not hold it; a fuel switch built instead may be cheaper to build: an upgrade never costs
nothing, so its premium is unknown (flagged); on a small hand-made world, every number by hand here.

The world: the catalogue, prices and parameters of test_economics (costs in USD of 2020, x 1.25 to 2024), plus
"Wland" costs (subcritical 1,000, USC 1,300, CCGT 700 USD/kW; FOM 35, 55, 25 USD/kW-yr). Host EEE maps to
Wland as a proxy, host FFF to Wland as its region (a region holding it). Each has one 400 MW subcritical
unit under construction (E1, F1), at CF 0.5, no own use.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from test_economics import (
    AGREEMENT,
    CATALOGUE,
    COAL_PRICE,
    DEFLATORS,
    EFFICIENCY,
    GAS_PRICE,
    PARAMS,
    PRICES,
    RETROFITS,
    TO_2024,
)
from test_methodology import FUELS, GWP, build_marts, make_db, row

from bcm_pipeline.parsers import config
from bcm_pipeline.parsers import reference as reference_csv
from bcm_pipeline.schemas.marts import ProjectCases, TechnologySwaps

pytestmark = pytest.mark.unit

N = None
WLAND = pd.DataFrame(
    [
        ("sub_w", "coal", "coal_subcritical", 1000.0, 35.0),
        ("usc_w", "coal", "coal_usc", 1300.0, 55.0),
        ("cc_w", "gas", "gas_combined_cycle", 700.0, 25.0),
    ],
    columns=["technology_id", "fuel_class", "technology", "capex_usd_per_kw", "fixed_om_usd_per_kw_yr"],
).assign(
    parameter_set="catalogue",
    vintage="any",
    capex_region="Wland",
    variable_om_usd_per_mwh=0.0,
    capex_price_year=2020,
    lifetime_yr=40.0,
)
COST_REGIONS = pd.DataFrame(
    [("EEE", "Wland", "proxy"), ("FFF", "Wland", "region")], columns=["country_iso3", "cost_region", "basis"]
)
COUNTRIES = pd.DataFrame(
    [("EEE", "Eland", True), ("FFF", "Fland", True)],
    columns=["country_iso3", "country_name", "is_host_country"],
)
COAL = pd.DataFrame(
    [
        (uid, country, "subcritical", "bituminous", "construction", 2027, 400.0, 9000.0, 94600.0, 0.5, 1.0)
        for uid, country in (("E1", "EEE"), ("F1", "FFF"))
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
KW = 400_000
COAL_TJ = 400 * 0.5 * 8760 * 0.0036 / 0.36  # 17,520 TJ/yr at 36 %
GAS_TJ = 400 * 0.5 * 8760 * 0.0036 / 0.60  # 10,512 TJ/yr at 60 %


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cost_regions")
    (tmp / "agreements").mkdir()
    text = AGREEMENT.format(id="eee_deal", host="EEE", host_share=0.5, subsidy=0.5, mechanism="JCM")
    (tmp / "agreements" / "eee_deal.yaml").write_text(textwrap.dedent(text))
    con = make_db(
        tmp / "w.duckdb",
        {
            "coal_units": COAL,
            "fuel_prices_monthly": PRICES,
            "price_deflators": DEFLATORS,
            "technology_retrofits": RETROFITS,
            "scenario_parameters": PARAMS,
            "technologies": reference_csv.technologies(),
            "technology_catalogue": pd.concat([CATALOGUE, WLAND], ignore_index=True),
            "cost_regions": COST_REGIONS,
            "unit_efficiency_classes": EFFICIENCY,
            "fuel_defaults": FUELS,
            "gwp": GWP,
            "countries": COUNTRIES,
            "agreements": config.agreements_frame(tmp / "agreements"),
            "project_cases": pd.DataFrame(
                {
                    c: pd.Series(dtype="float64" if c.endswith(("_mw", "_lhv", "_yr", "_rate")) else "object")
                    for c in ProjectCases.to_schema().columns
                }
            ),
        },
    )
    build_marts(con, ["credits"])
    return con


def test_a_proxy_region_is_used_and_labelled(world):
    e = row(world, "technology_swaps", "swap_id = 'coal_units:E1:coal_usc'")
    f = row(world, "technology_swaps", "swap_id = 'coal_units:F1:coal_usc'")
    # Build USC instead: (1,300 - 1,000) USD/kW of 2020 x 1.25 = 375 USD/kW of 2024, x 400,000 kW = 150 M.
    for s in (e, f):
        assert s["decision"] == "build_instead"
        assert s["capex_usd_per_kw"] == pytest.approx(300 * TO_2024)
        assert s["incremental_capex_usd"] == pytest.approx(150e6)
        assert s["delta_om_usd_per_yr"] == pytest.approx((55 - 35) * TO_2024 * KW)  # 10 M/yr
        assert "sub_w -> usc_w [Wland]" in s["cost_basis"]
    assert "capex_proxy_region:Wland" in e["flags"]  # Wland does not hold EEE
    assert "capex_proxy_region" not in (f["flags"] or "")  # Wland holds FFF: its own region's average


def test_a_fuel_switch_cheaper_to_build_has_no_capex_to_annualise(world):
    s = row(world, "technology_swaps", "swap_id = 'coal_units:E1:gas_combined_cycle'")
    # A CCGT instead of a subcritical unit: (700 - 1,000) x 1.25 = -375 USD/kW. An upgrade never costs
    # nothing (issue 13): the premium is unknown, flagged, and the capex economics are not computed.
    assert s["swap_type"] == "fuel_switch" and s["decision"] == "build_instead"
    assert pd.isna(s["incremental_capex_usd"]) and pd.isna(s["upfront_cost_usd"])
    assert pd.isna(s["mac_usd_per_t"]) and pd.isna(s["npv_usd"]) and pd.isna(s["additionality"])
    assert "capex_premium_not_positive:project_cheaper_to_build:sub_w -> cc_w" in s["flags"]
    # The fuel is still priced: 17,520 TJ of coal at 3.25 USD/GJ against 10,512 TJ of gas at 10.0: -48.18 M/yr.
    savings = COAL_TJ * 1000 * COAL_PRICE["central"] - GAS_TJ * 1000 * GAS_PRICE["central"]
    assert s["fuel_savings_usd_per_yr"] == pytest.approx(savings)
    TechnologySwaps.to_schema().validate(world.execute("SELECT * FROM technology_swaps").df(), lazy=True)


def test_the_chosen_option_is_one_the_investment_test_ran_on(world):
    c = row(world, "credits", "unit_id = 'E1'")
    # The CCGT (untested: no capex) comes after the tested USC option (chosen_options' order).
    assert c["to_technology"] == "coal_usc"
    # Half the 150 M premium is subsidised; the partner takes its half of the credits for it.
    assert c["capex_subsidy_usd"] == pytest.approx(0.5 * 300 * TO_2024 * KW)  # 75 M
    assert c["partner_credits_to"] == "partner_government"
    assert c["developer_credits_t_per_yr"] == 0
