"""Swap economics (issue 13) on a small hand-made world, every number worked out by hand here.

The world: host CCC ("Cland") has its own coal costs; gas costs exist only for "Pland", the gas proxy region
(and coal's proxy for countries without their own is Cland). Costs are in USD of 2020, converted to 2024 with
a deflator of 80 -> 100 (x 1.25). Units of CCC: P1 a subcritical unit under construction, O1 an operating
2005 subcritical unit, O2 one from 1980 (past its 40-year life), O3 one without a start year, G1 an operating
open-cycle GT, G2 a GT under construction. Host DDD ("Dland", no costs of its own) has P2, a pipeline
subcritical unit, under an agreement without a capex subsidy.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import pytest
from test_methodology import FUELS, GWP, _params, build_marts, make_db, row

from bcm_pipeline.parsers import config
from bcm_pipeline.parsers import reference as reference_csv
from bcm_pipeline.schemas.marts import ProjectCases

pytestmark = pytest.mark.unit

N = None
TO_2024 = 100 / 80  # deflator 2024 / 2020
HURDLE_ANNUITY = (1 - 1.1**-20) / 0.1  # 10 % over 20 years: 8.513564
CRF = 0.08 * 1.08**20 / (1.08**20 - 1)  # discount rate 8 % over 20 years: 0.101852

PARAMS = _params(
    [
        ("discount_rate", "*", "*", "*", 0.08, N),
        ("economic_lifetime_yr", "*", "*", "*", 20, N),
        ("gwp_set", "*", "*", "*", N, "AR5"),
        ("aux_consumption_share", "*", "*", "*", 0.0, N),
        ("capacity_factor", "*", "coal", "*", 0.5, N),
        ("capacity_factor", "*", "gas", "*", 0.5, N),
        ("fuel_price_series", "*", "coal", "*", N, "COAL_Y"),
        ("fuel_price_series", "*", "gas", "*", N, "NGAS_Y"),
        ("fuel_price_history_months", "*", "*", "*", 4, N),
        ("fuel_price_quantile", "*", "*", "low", 0.1, N),
        ("fuel_price_quantile", "*", "*", "central", 0.5, N),
        ("fuel_price_quantile", "*", "*", "high", 0.9, N),
        ("usd_price_year", "*", "*", "*", 2024, N),
        ("analysis_year", "*", "*", "*", 2025, N),
        ("hurdle_rate", "*", "*", "*", 0.10, N),
        ("capex_proxy_region", "*", "coal", "*", N, "Cland"),
        ("capex_proxy_region", "*", "gas", "*", N, "Pland"),
        # A low threshold here, so the test can see an option left out of the curve as implausible.
        ("mac_curve_max_abs_usd_per_t", "*", "*", "*", 50, N),
        ("mac_curve_min_grid_ef_t_per_mwh", "*", "*", "*", 0.05, N),
        ("included_status", "*", "*", "operating", N, "operating"),
        ("included_status", "*", "*", "construction", N, "construction"),
        ("unknown_technology_assumed", "*", "coal", "*", N, "coal_supercritical"),
        ("swap_target", "*", "coal", "coal_supercritical", N, "coal"),
        ("swap_target", "*", "coal", "coal_usc", N, "coal"),
        ("swap_target", "*", "coal", "coal_ausc", N, "coal"),
        ("swap_target", "*", "coal", "gas_combined_cycle", N, "gas"),
        ("swap_target", "*", "gas", "gas_combined_cycle", N, "gas"),
        ("fuel_map", "*", "gas", "*", N, "natural_gas"),
    ]
)

# id, set, fuel, technology, efficiency (low, high), capex USD/kW, region, FOM USD/kW-yr, VOM USD/MWh
_ROWS = [
    ("sub", "coal", "coal_subcritical", 0.36, 0.33, 0.39, 800, "Cland", 40, 4.0),
    # A supercritical unit cheaper than subcritical: an inconsistent catalogue, never a negative premium.
    ("sc", "coal", "coal_supercritical", 0.40, 0.38, 0.42, 750, "Cland", 40, 4.0),
    ("usc", "coal", "coal_usc", 0.45, 0.42, 0.47, 1000, "Cland", 40, 4.0),
    # A-USC with a capex but no O&M: the O&M difference is unknown, never 0.
    ("ausc", "coal", "coal_ausc", 0.50, 0.46, 0.52, 1200, "Cland", N, N),
    ("cc", "gas", "gas_combined_cycle", 0.60, 0.55, 0.62, 1000, "Pland", 15, 3.0),
    ("gt", "gas", "gas_open_cycle", 0.38, 0.33, 0.41, 700, "Pland", 8, 4.0),
]
CATALOGUE = pd.DataFrame(
    [
        (i, "catalogue", f, t, "any", N, N, e, lo, hi, capex, region, fom, vom, 2020, 40.0)
        for i, f, t, e, lo, hi, capex, region, fom, vom in _ROWS
    ],
    columns=[
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
        "capex_price_year",
        "lifetime_yr",
    ],
)
# Existing units' efficiency by technology (unit_efficiency_classes): the catalogue's values, one class each.
EFFICIENCY = pd.DataFrame(
    [(i, t, f, 0.0, N, N, N, e, lo, hi) for i, f, t, e, lo, hi, *_ in _ROWS],
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
RETROFITS = pd.DataFrame(
    [("gt_to_cc", "gas_open_cycle", "gas_combined_cycle", "gas", 400.0, 20.0, 3.0, 2020, "Pland")],
    columns=[
        "retrofit_id",
        "from_technology",
        "to_technology",
        "fuel_class",
        "capex_usd_per_kw",
        "fixed_om_usd_per_kw_yr",
        "variable_om_usd_per_mwh",
        "capex_price_year",
        "capex_region",
    ],
)
DEFLATORS = pd.DataFrame({"series": "us_gdp_deflator", "year": [2020, 2024], "value": [80.0, 100.0]})
# Coal: 2020 months are deflated x 1.25 (2.0 -> 2.5, 2.4 -> 3.0); Oct 2020 is outside the 4-month window.
PRICES = pd.DataFrame(
    [
        ("COAL_Y", dt.date(2020, 10, 1), 9.0),
        ("COAL_Y", dt.date(2020, 11, 1), 2.0),
        ("COAL_Y", dt.date(2020, 12, 1), 2.4),
        ("COAL_Y", dt.date(2024, 1, 1), 3.5),
        ("COAL_Y", dt.date(2024, 2, 1), 4.0),
        ("NGAS_Y", dt.date(2020, 11, 1), 8.0),
        ("NGAS_Y", dt.date(2020, 12, 1), 8.0),
        ("NGAS_Y", dt.date(2024, 1, 1), 10.0),
        ("NGAS_Y", dt.date(2024, 2, 1), 12.0),
    ],
    columns=["series_code", "month", "price_usd_per_gj"],
)
# Real coal prices (2.5, 3.0, 3.5, 4.0); quantile q at rank h = 3q: 0.1 -> 2.5 + 0.3 x 0.5 = 2.65,
# 0.5 -> 3.0 + 0.5 x 0.5 = 3.25, 0.9 -> 3.5 + 0.7 x 0.5 = 3.85. Gas (10, 10, 10, 12): 10, 10, 11.4.
COAL_PRICE = {"low": 2.65, "central": 3.25, "high": 3.85}
GAS_PRICE = {"low": 10.0, "central": 10.0, "high": 11.4}


def _coal(uid, country, status, start, mw):
    return (uid, country, "subcritical", "bituminous", status, start, mw, 9000.0, 94600.0, 0.5, 1.0)


COAL = pd.DataFrame(
    [
        _coal("P1", "CCC", "construction", 2027, 600.0),
        _coal("O1", "CCC", "operating", 2005, 500.0),
        _coal("O2", "CCC", "operating", 1980, 300.0),
        _coal("O3", "CCC", "operating", None, 300.0),
        _coal("P2", "DDD", "construction", 2028, 200.0),
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
GAS = pd.DataFrame(
    [
        ("G1", "CCC", "Gas 1", "1", "NG", "gas", "GT", "operating", 2010, 100.0),
        ("G2", "CCC", "Gas 2", "1", "NG", "gas", "GT", "construction", 2026, 100.0),
    ],
    columns=[
        "gem_unit_id",
        "country_iso3",
        "plant_name",
        "unit_name",
        "fuel",
        "fuel_class",
        "gem_technology",
        "status",
        "start_year",
        "capacity_mw",
    ],
).astype({"start_year": "Int64"})
COUNTRIES = pd.DataFrame(
    [("CCC", "Cland", True), ("DDD", "Dland", True)],
    columns=["country_iso3", "country_name", "is_host_country"],
)

AGREEMENT = """\
agreement_id: {id}
name: Test agreement {id}
mechanism: {mechanism}
partner_country_iso3: JPN
host_country_iso3: {host}
eligible_to_technologies: [coal_supercritical, coal_usc, coal_ausc, gas_combined_cycle]
eligible_swap_types: [efficiency_upgrade, fuel_switch]
eligible_statuses: [operating, construction]
host_share: {host_share}
haircut: 0.1
sop_share: 0.05
omge_share: 0.02
crediting_period_yr: 10
credit_price_usd_per_t: 20
capex_subsidy_share: {subsidy}
sources: [hand-made test agreement]
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("economics")
    (tmp / "agreements").mkdir()
    # CCC: a JCM Model Project (half the capex paid for the partner's credits); DDD: credits bought, no subsidy.
    for host, share, subsidy, mechanism in (("CCC", 0.5, 0.5, "JCM"), ("DDD", 0.2, 0.0, "Article 6.2")):
        text = AGREEMENT.format(id=f"{host.lower()}_deal", host=host, host_share=share, subsidy=subsidy,
                                mechanism=mechanism)  # fmt: skip
        (tmp / "agreements" / f"{host.lower()}_deal.yaml").write_text(textwrap.dedent(text))
    con = make_db(
        tmp / "economics.duckdb",
        {
            "coal_units": COAL,
            "gas_oil_units": GAS,
            "fuel_prices_monthly": PRICES,
            "price_deflators": DEFLATORS,
            "technology_retrofits": RETROFITS,
            "scenario_parameters": PARAMS,
            "technologies": reference_csv.technologies(),
            "technology_catalogue": CATALOGUE,
            "unit_efficiency_classes": EFFICIENCY,
            "fuel_defaults": FUELS,
            "gwp": GWP,
            "countries": COUNTRIES,
            "agreements": config.agreements_frame(tmp / "agreements"),
            # No project case: the typed empty table.
            "project_cases": pd.DataFrame(
                {
                    c: pd.Series(dtype="float64" if c.endswith(("_mw", "_lhv", "_yr", "_rate")) else "object")
                    for c in ProjectCases.to_schema().columns
                }
            ),
        },
    )
    build_marts(con, ["credits", "host_country_programmes", "mac_curve"])
    return con


def swap(con, swap_id: str) -> dict:
    return row(con, "technology_swaps", f"swap_id = '{swap_id}'")


def coal_tj(mw: float, efficiency: float) -> float:
    """Coal burnt, TJ/yr: MW x CF 0.5 x 8,760 h x 0.0036 TJ/MWh / efficiency (no auxiliary use)."""
    return mw * 0.5 * 8760 * 0.0036 / efficiency


# --- the decision and its cost basis ------------------------------------------------------------


def test_fuel_prices_are_quantiles_of_real_monthly_prices(world):
    s = swap(world, "coal_units:P1:coal_usc")
    assert s["fuel_price_low_usd_per_gj"] == pytest.approx(COAL_PRICE["low"])
    assert s["fuel_price_usd_per_gj"] == pytest.approx(COAL_PRICE["central"])
    assert s["fuel_price_high_usd_per_gj"] == pytest.approx(COAL_PRICE["high"])
    cc = swap(world, "gas_oil_units:G2:gas_combined_cycle")
    assert cc["fuel_price_low_usd_per_gj"] == pytest.approx(GAS_PRICE["low"])
    assert cc["fuel_price_high_usd_per_gj"] == pytest.approx(GAS_PRICE["high"])
    # The same rule as DuckDB's quantile_cont on the real prices.
    q = world.execute(
        "SELECT quantile_cont(x, [0.1, 0.5, 0.9]) FROM (VALUES (2.5::DOUBLE), (3.0), (3.5), (4.0)) t(x)"
    )
    assert q.fetchone()[0] == pytest.approx(list(COAL_PRICE.values()))


def test_pipeline_unit_builds_the_better_technology_instead(world):
    s = swap(world, "coal_units:P1:coal_usc")
    # Premium of one region (Cland) and price year: (1,000 - 800) USD/kW of 2020 x 1.25 = 250 USD/kW of 2024.
    assert s["decision"] == "build_instead"
    assert s["capex_usd_per_kw"] == pytest.approx(250)
    assert s["incremental_capex_usd"] == pytest.approx(250 * 600_000)  # 150 M
    assert s["stranded_value_usd"] == 0 and s["upfront_cost_usd"] == pytest.approx(150e6)
    assert s["delta_om_usd_per_yr"] == 0  # the same FOM and VOM (known, so 0)
    assert "sub -> usc" in s["cost_basis"] and "[Cland]" in s["cost_basis"] and "USD 2024" in s["cost_basis"]
    assert s["usd_price_year"] == 2024
    assert s["flags"] is None or "capex_proxy_region" not in s["flags"]


def test_operating_unit_is_replaced_with_its_stranded_value(world):
    s = swap(world, "coal_units:O1:coal_usc")
    # The new USC unit's full capex, 1,000 x 1.25 USD/kW x 500 MW = 625 M; the 2005 unit retires 20 years
    # early (2005 + 40 - 2025): 800 x 1.25 USD/kW x 500 MW x 20/40 = 250 M stranded.
    assert s["decision"] == "replace"
    assert s["incremental_capex_usd"] == pytest.approx(625e6)
    assert s["remaining_life_yr"] == 20
    assert s["stranded_value_usd"] == pytest.approx(250e6)
    assert s["upfront_cost_usd"] == pytest.approx(875e6)
    # MAC = (875 M x CRF + 0 - fuel savings) / BAU reduction, with coal at 3.25 USD/GJ.
    saved_tj = coal_tj(500, 0.36) - coal_tj(500, 0.45)  # 21,900 - 17,520 = 4,380 TJ
    bau_t = saved_tj * 94.6
    assert s["fuel_savings_usd_per_yr"] == pytest.approx(saved_tj * 1000 * 3.25)
    assert s["mac_usd_per_t"] == pytest.approx((875e6 * CRF - saved_tj * 1000 * 3.25) / bau_t)
    # Past its lifetime: nothing stranded (0, known); no start year: the stranded value is unknown.
    old = swap(world, "coal_units:O2:coal_usc")
    assert old["stranded_value_usd"] == 0 and old["remaining_life_yr"] == 0
    assert "beyond_lifetime:no_stranded_value" in old["flags"]
    unknown = swap(world, "coal_units:O3:coal_usc")
    assert pd.isna(unknown["stranded_value_usd"]) and pd.isna(unknown["upfront_cost_usd"])
    assert pd.isna(unknown["mac_usd_per_t"]) and pd.isna(unknown["npv_usd"])
    assert "no_start_year:stranded_value_unknown" in unknown["flags"]


def test_operating_gt_is_retrofitted_and_a_pipeline_gt_built_with_the_bottoming_cycle(world):
    s = swap(world, "gas_oil_units:G1:gas_combined_cycle")
    # The retrofit row: 400 USD/kW of 2020 x 1.25 = 500 USD/kW x 100 MW; a proxy region, flagged.
    assert s["decision"] == "retrofit"
    assert s["incremental_capex_usd"] == pytest.approx(50e6) and s["stranded_value_usd"] == 0
    assert "capex_proxy_region:Pland" in s["flags"]
    # O&M of the converted plant (20 USD/kW-yr, 3 USD/MWh) less the GT's (8, 4), all x 1.25:
    # 15 USD/kW-yr x 100,000 kW - 1.25 USD/MWh x 438,000 MWh = 1,500,000 - 547,500.
    assert s["delta_om_usd_per_yr"] == pytest.approx(952_500)
    p = swap(world, "gas_oil_units:G2:gas_combined_cycle")
    assert p["decision"] == "build_instead" and p["incremental_capex_usd"] == pytest.approx(50e6)
    assert "gt_to_cc" in p["cost_basis"]


def test_no_upgrade_costs_nothing_and_unknown_stays_null(world):
    # Supercritical cheaper than subcritical in Cland: the premium would be -62.5 USD/kW; it is unknown.
    sc = swap(world, "coal_units:P1:coal_supercritical")
    assert pd.isna(sc["incremental_capex_usd"]) and pd.isna(sc["mac_usd_per_t"])
    assert "capex_premium_not_positive:sc -> sc" not in sc["flags"]
    assert "capex_premium_not_positive:sub -> sc" in sc["flags"]
    # Coal in Cland, gas in Pland: no region costs both, so no premium for the fuel switch.
    cc = swap(world, "coal_units:P1:gas_combined_cycle")
    assert pd.isna(cc["incremental_capex_usd"])
    assert "no_capex_in_catalogue:no region costs both coal_subcritical and gas_combined_cycle" in cc["flags"]
    assert pd.isna(cc["additionality"]) and cc["additionality_rule"] == "not run: capex unknown"
    # A-USC has a capex (premium (1,200 - 800) x 1.25 = 500 USD/kW) but no O&M: no phantom O&M saving.
    ausc = swap(world, "coal_units:P1:coal_ausc")
    assert ausc["capex_usd_per_kw"] == pytest.approx(500)
    assert pd.isna(ausc["delta_om_usd_per_yr"]) and "no_om_in_catalogue" in ausc["flags"]
    for column in (
        "annualised_cost_usd_per_yr",
        "npv_usd",
        "mac_usd_per_t",
        "breakeven_credit_price_usd_per_t",
    ):
        assert pd.isna(ausc[column]), column
    assert ausc["additionality_rule"] == "not run: O&M unknown"
    n = world.execute(
        "SELECT count(*) FROM technology_swaps WHERE is_upgrade AND incremental_capex_usd <= 0"
    ).fetchone()[0]
    assert n == 0


# --- the investment test ----------------------------------------------------------------------


def test_investment_test_across_fuel_prices(world):
    # P1 -> USC: 150 M up front, no O&M difference, 5,256 TJ of coal saved a year (26,280 - 21,024).
    saved_gj = (coal_tj(600, 0.36) - coal_tj(600, 0.45)) * 1000
    assert saved_gj == pytest.approx(5_256_000)
    s = swap(world, "coal_units:P1:coal_usc")
    npv = {k: -150e6 + saved_gj * p * HURDLE_ANNUITY for k, p in COAL_PRICE.items()}
    # low -31.4 M, central -4.6 M, high +22.3 M: fails at central, clears at high.
    assert npv["central"] < 0 < npv["high"]
    for k in COAL_PRICE:
        assert s[f"npv_hurdle_{k}_usd"] == pytest.approx(npv[k]), k
    assert s["additionality"] == "depends_on_price"
    assert "10.0 % hurdle over 20 yr" in s["additionality_rule"]
    # O1 -> USC: 875 M for 4,380 TJ a year: negative at every price.
    assert swap(world, "coal_units:O1:coal_usc")["additionality"] == "additional"
    # G2 -> CC: 50 M; gas 4,149.5 - 2,628 = 1,521.5 TJ saved at 10 USD/GJ, less 0.9525 M O&M a year:
    # -50 M + 14.26 M x 8.5136 = +71.4 M at the central price: viable without credits.
    gas_saved_gj = (100 * 0.5 * 8760 * 0.0036) * (1 / 0.38 - 1 / 0.60) * 1000
    g2 = swap(world, "gas_oil_units:G2:gas_combined_cycle")
    assert g2["npv_hurdle_central_usd"] == pytest.approx(
        -50e6 + (gas_saved_gj * 10 - 952_500) * HURDLE_ANNUITY
    )
    assert g2["additionality"] == "not_additional"


# --- one option per unit ----------------------------------------------------------------------


def test_chosen_options_rule(world):
    chosen = dict(world.execute("SELECT unit_id, to_technology FROM chosen_options").fetchall())
    # P1: USC (tested, depends_on_price) beats the untested CC and A-USC although their reductions are larger.
    assert chosen["P1"] == "coal_usc"
    p1 = row(world, "chosen_options", "unit_id = 'P1'")
    assert p1["options_in_scope"] == 4 and p1["agreement_ids"] == "ccc_deal"
    # G2's only option is not_additional: no option is chosen for it.
    assert "G2" not in chosen
    # O1: every tested option is additional: the largest creditable reduction (the fuel switch) wins.
    o1 = world.execute(
        "SELECT swap_id FROM technology_swaps WHERE unit_id = 'O1' AND additionality IS NOT NULL "
        "ORDER BY reduction_creditable_t_per_yr DESC LIMIT 1"
    ).fetchone()[0]
    assert o1 == "coal_units:O1:gas_combined_cycle" and chosen["O1"] == "gas_combined_cycle"


def test_totals_count_chosen_options_only(world):
    # Credits per agreement = the chosen options of its host x (1 - haircut) x (1 - SOP - OMGE).
    keep = 0.9 * (1 - 0.05 - 0.02)
    for agreement, host in (("ccc_deal", "CCC"), ("ddd_deal", "DDD")):
        credited, units = world.execute(
            "SELECT sum(credited_t_per_yr), count(DISTINCT unit_id) FROM credits WHERE agreement_id = ?",
            [agreement],
        ).fetchone()
        creditable, n = world.execute(
            "SELECT sum(reduction_creditable_t_per_yr), count(*) FROM chosen_options WHERE country_iso3 = ?",
            [host],
        ).fetchone()
        assert credited == pytest.approx(creditable * keep), agreement
        assert units == n, agreement
        programmes = world.execute(
            "SELECT sum(credited_t_per_yr), sum(units) FROM host_country_programmes WHERE country_iso3 = ?",
            [host],
        ).fetchone()
        assert float(programmes[0]) == pytest.approx(credited) and int(programmes[1]) == n, host
    assert world.execute("SELECT count(*) = count(DISTINCT unit_id) FROM credits").fetchone()[0]


def test_mac_curve_leaves_out_undefined_and_implausible(world):
    curve = set(world.execute("SELECT swap_id FROM mac_curve").fetchall())
    for o in world.execute(
        "SELECT swap_id, mac_usd_per_t, mac_curve_exclusion FROM chosen_options"
    ).fetchall():
        swap_id, mac, reason = o
        if mac is None:
            assert reason.startswith("mac_undefined:"), swap_id
        elif abs(mac) > 50:  # this world's threshold
            assert reason == "mac_implausible:abs_above_50_usd_per_t", swap_id
        else:
            assert reason is None, swap_id
        assert ((swap_id,) in curve) == (reason is None), swap_id
    o3 = row(world, "chosen_options", "unit_id = 'O3'")  # no start year: no stranded value, no MAC
    assert o3["mac_curve_exclusion"] == "mac_undefined:capex unknown"


# --- economics by perspective -------------------------------------------------------------------


def _p_creditable(mw: float) -> float:
    """Creditable t/yr of a pipeline subcritical -> USC swap: reference = the unit's catalogue high 39 %,
    IPCC lower EF 89.5 t/TJ on both sides."""
    return mw * 0.5 * 8760 * 0.0036 * (1 / 0.39 - 1 / 0.45) * 89.5


def test_developer_host_partner_and_society_with_a_subsidy(world):
    c = row(world, "credits", "swap_id = 'coal_units:P1:coal_usc'")
    credited = _p_creditable(600) * 0.9 * 0.93  # 289,486 t x 0.837
    assert c["credited_t_per_yr"] == pytest.approx(credited)
    assert c["host_credits_t_per_yr"] == pytest.approx(0.5 * credited)
    assert c["host_credits_over_period_t"] == pytest.approx(0.5 * credited * 10)
    # The partner pays half the 150 M premium and takes its credits for it: the developer sells none.
    assert c["capex_subsidy_usd"] == pytest.approx(75e6)
    assert c["partner_credits_to"] == "partner_government"
    assert c["developer_credits_t_per_yr"] == 0 and c["developer_credit_revenue_usd_per_yr"] == 0
    assert c["partner_cost_usd_per_t"] == pytest.approx(75e6 / (0.5 * credited * 10))
    savings = 5_256_000 * 3.25  # GJ x USD/GJ
    assert c["npv_with_credits_usd"] == pytest.approx(-150e6 + 75e6 + savings / CRF)
    # Society: no transfers.
    assert c["npv_society_usd"] == pytest.approx(-150e6 + savings / CRF)
    # At the hurdle rate with the subsidy: -75 M + savings x 8.5136 at each price.
    for k, p in COAL_PRICE.items():
        assert c[f"developer_npv_hurdle_{k}_usd"] == pytest.approx(-75e6 + 5_256_000 * p * HURDLE_ANNUITY), k
    assert c["passes_hurdle_with_credits"]
    # At the 8 % discount rate P1 costs less than it saves (15.28 M a year of capital, 17.08 M of coal):
    # it needs no credit price.
    assert 150e6 * CRF - savings < 0 and c["breakeven_credit_price_usd_per_t"] == 0


def test_breakeven_credit_price_with_host_share_and_haircut(world):
    # O1's chosen option: replaced by a CC. Creditable: 7,884 TJ of electricity x (89.5 / 0.39 coal at its
    # lower EF and the 39 % reference - 58.3 / 0.60 gas at its upper EF) = 1,043,214 t.
    elec_tj = 500 * 0.5 * 8760 * 0.0036
    creditable = elec_tj * (89.5 / 0.39 - 58.3 / 0.60)
    c = row(world, "credits", "swap_id = 'coal_units:O1:gas_combined_cycle'")
    assert c["reduction_creditable_t_per_yr"] == pytest.approx(creditable)
    # Up front: the CC's 1,000 x 1.25 USD/kW (Pland) x 500 MW + 250 M stranded = 875 M. dO&M: (15 - 40) x 1.25
    # USD/kW-yr x 500,000 kW + (3 - 4) x 1.25 USD/MWh x 2,190,000 MWh = -18,362,500. Fuel: coal 21,900 TJ x
    # 3.25 out, gas 13,140 TJ x 10 in = -60,225,000 USD/yr.
    d_om = -25 * 1.25 * 500_000 - 1.25 * 2_190_000
    savings = 21_900_000 * 3.25 - 13_140_000 * 10
    net_cost = 875e6 * CRF + d_om - savings  # 130.98 M USD/yr
    # p* = net cost / (creditable x (1 - 0.1) x (1 - 0.05 - 0.02) x (1 - 0.5)) = 300 USD/t.
    expected = net_cost / (creditable * 0.9 * 0.93 * 0.5)
    assert expected == pytest.approx(300, abs=1)
    assert c["breakeven_credit_price_usd_per_t"] == pytest.approx(expected)
    # The subsidy is half the capex, not of the stranded value.
    assert c["capex_subsidy_usd"] == pytest.approx(0.5 * 625e6)


def test_developer_sells_the_credits_without_a_subsidy(world):
    c = row(world, "credits", "swap_id = 'coal_units:P2:coal_usc'")
    # DDD has no costs of its own: Cland's (the coal proxy), 250 USD/kW x 200 MW = 50 M, flagged.
    s = swap(world, "coal_units:P2:coal_usc")
    assert s["incremental_capex_usd"] == pytest.approx(50e6) and "capex_proxy_region:Cland" in s["flags"]
    credited = _p_creditable(200) * 0.9 * 0.93
    partner = 0.8 * credited  # host share 0.2
    assert c["partner_credits_t_per_yr"] == pytest.approx(partner)
    assert c["partner_credits_to"] == "developer" and c["capex_subsidy_usd"] == 0
    assert c["developer_credit_revenue_usd_per_yr"] == pytest.approx(partner * 20)
    assert c["partner_cost_usd_per_t"] == pytest.approx(20)  # it buys at the price
    savings = 1_752_000 * 3.25  # 5,256,000 GJ x 200/600
    annuity_8_10 = (1 - 1.08**-10) / 0.08  # credits over the 10-year crediting period
    assert c["npv_with_credits_usd"] == pytest.approx(-50e6 + savings / CRF + partner * 20 * annuity_8_10)
    assert 50e6 * CRF - savings < 0 and c["breakeven_credit_price_usd_per_t"] == 0  # no-regret at 8 %
