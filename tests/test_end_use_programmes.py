"""End-use programme cases (kind end_use_programme, issue 16) through end_use_swaps, technology_swaps and
project_case_results, on a small hand-made world; every number worked out by hand here. Also the case
file's rules (pydantic: a missing or misplaced field is refused, naming the field).

The world: host AAA with a grid average of 0.6 t/MWh and a crediting factor of 0.5 t/MWh for efficiency
projects, households paying USD 120/MWh (scenario_parameters); agreement aaa_deal (haircut 10 %, SOP 5 %,
OMGE 2 %, USD 10/t) covering inverter air conditioners.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from test_methodology import (
    CATALOGUE,
    COAL,
    EFFICIENCY,
    FUELS,
    GWP,
    MARTS_WITH_CASES,
    PARAMS,
    PRICES,
    _params,
    build_marts,
    make_db,
)

from bcm_pipeline.parsers import config
from bcm_pipeline.parsers import reference as reference_csv

pytestmark = pytest.mark.unit

AGREEMENT = """\
agreement_id: aaa_deal
name: Japan-AAA test agreement
mechanism: JCM
partner_country_iso3: JPN
host_country_iso3: AAA
eligible_to_technologies: [coal_usc, appliance_inverter_ac]
eligible_swap_types: [efficiency_upgrade, end_use_efficiency]
eligible_statuses: [operating]
host_share: 0.5
haircut: 0.1
sop_share: 0.05
omge_share: 0.02
crediting_period_yr: 10
credit_price_usd_per_t: 10
capex_subsidy_share: 0.5
in_force: true
sources: [test]
"""

# 1,000 units a year for 3 years, each using 1,000 kWh/yr before; efficiency 3 -> 4 (a COP ratio).
AC_CASE = """\
case_id: aaa_acs
kind: end_use_programme
country_iso3: AAA
to_technology: appliance_inverter_ac
units_per_yr: 1000
deployment_years: 3
kwh_per_unit_yr: 1000
efficiency_before: 3
efficiency_after: 4
unit_cost_premium_usd: 100
lifetime_yr: 10
credit_share: 0.5
agreement_id: aaa_deal
"""

# The same saving given directly, a case price, no agreement; deployment longer than the lifetime.
LAMP_CASE = """\
case_id: aaa_lamps
kind: end_use_programme
country_iso3: AAA
to_technology: appliance_efficient
units_per_yr: 10000
deployment_years: 8
kwh_saved_per_unit_yr: 20
unit_cost_premium_usd: 2
electricity_price_usd_per_kwh: 0.05
lifetime_yr: 5
credit_price_usd_per_t: 20
"""

# An agreement that does not list the appliance: the case gets no credits, with a flag.
FRIDGE_CASE = """\
case_id: aaa_fridges
kind: end_use_programme
country_iso3: AAA
to_technology: appliance_efficient
units_per_yr: 100
kwh_saved_per_unit_yr: 100
unit_cost_premium_usd: 50
lifetime_yr: 12
agreement_id: aaa_deal
"""

CRF_10_10 = 0.10 * 1.1**10 / (1.1**10 - 1)  # 0.162745395
ANNUITY_10_10 = (1 - 1.1**-10) / 0.10  # 6.144567106


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("end_use_world")
    (tmp / "agreements").mkdir()
    (tmp / "agreements" / "aaa_deal.yaml").write_text(AGREEMENT)
    cases = tmp / "cases"
    cases.mkdir()
    for text in (AC_CASE, LAMP_CASE, FRIDGE_CASE):
        case_id = text.split("\n")[0].split(": ")[1]
        (cases / f"{case_id}.yaml").write_text(text)
    params = pd.concat(
        [PARAMS, _params([("electricity_price_usd_per_mwh", "AAA", "*", "residential", 120.0, None)])],
        ignore_index=True,
    )
    con = make_db(
        tmp / "world.duckdb",
        {
            "coal_units": COAL.head(0),  # no plant: only the cases
            "fuel_prices_monthly": PRICES,
            "scenario_parameters": params,
            "technologies": reference_csv.technologies(),
            "technology_catalogue": CATALOGUE,
            "unit_efficiency_classes": EFFICIENCY,
            "fuel_defaults": FUELS,
            "gwp": GWP,
            "countries": pd.DataFrame(
                [("AAA", "Aland", True)], columns=["country_iso3", "country_name", "is_host_country"]
            ),
            "grid_emission_factors": pd.DataFrame(
                [("AAA", "owid", "average_intensity", 0.6, "2024"), ("AAA", "owid", "average_intensity", 0.9, "2020")],
                columns=["country_iso3", "source", "method", "ef_t_per_mwh", "period"],
            ),
            "grid_factor_for_crediting": pd.DataFrame(
                [("AAA", "efficiency", 0.5, "test")], columns=["country_iso3", "project_type", "ef_t_per_mwh", "rule"]
            ),
            "agreements": config.agreements_frame(tmp / "agreements"),
            "project_cases": config.cases_frame(cases),
        },
    )  # fmt: skip
    build_marts(con, MARTS_WITH_CASES)
    return con


def result(con, case_id: str) -> dict:
    df = con.execute("SELECT * FROM project_case_results WHERE case_id = ?", [case_id]).df()
    assert len(df) == 1
    return df.iloc[0].to_dict()


def test_appliance_programme_by_hand(world):
    r = result(world, "aaa_acs")
    assert (r["swap_type"], r["from_technology"], r["decision"]) == (
        "end_use_efficiency",
        "grid",
        "build_instead",
    )
    # kWh saved per unit = 1,000 x (1 - 3/4) = 250; units in service = 1,000 x min(3, 10) = 3,000 -> 750 MWh/yr
    assert r["net_generation_mwh_per_yr"] == pytest.approx(750)
    # BAU at the latest grid average (2024: 0.6, not 2020's 0.9): 450 t; creditable at the crediting 0.5: 375 t
    assert r["grid_ef_bau_t_per_mwh"] == pytest.approx(0.6) and r[
        "grid_ef_reference_t_per_mwh"
    ] == pytest.approx(0.5)
    assert r["reduction_bau_t_per_yr"] == pytest.approx(450)
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(375)
    # Credited under aaa_deal: 375 x 0.5 (credit share) x (1 - 0.1) x (1 - 0.05 - 0.02) = 375 x 0.5 x 0.837
    assert r["agreement_id"] == "aaa_deal"
    assert r["credited_t_per_yr"] == pytest.approx(156.9375)
    # The agreement's price (the case gives none): USD 10/t -> USD 1,569.375/yr
    assert r["credit_price_usd_per_t"] == pytest.approx(10)
    assert r["credit_revenue_usd_per_yr"] == pytest.approx(1_569.375)
    # Capex 3,000 x USD 100 = 300,000; bills saved 750 MWh x USD 120 (households, scenario) = 90,000/yr; no O&M
    assert r["incremental_capex_usd"] == pytest.approx(300_000)
    assert r["fuel_savings_usd_per_yr"] == pytest.approx(90_000)
    assert r["delta_om_usd_per_yr"] == 0 and "no_om_difference_assumed" in r["flags"]
    assert "electricity_price_from_scenario_parameters" in r["flags"]
    assert "cohorts_costed_as_bought_at_once" in r["flags"]
    # CRF(10 %, 10 yr) = 0.162745; MAC = (300,000 x 0.162745 - 90,000) / 450 = (48,823.6 - 90,000) / 450 = -91.50
    assert r["crf"] == pytest.approx(CRF_10_10)
    assert r["mac_usd_per_t"] == pytest.approx((300_000 * CRF_10_10 - 90_000) / 450)
    assert r["mac_usd_per_t"] == pytest.approx(-91.503, abs=1e-3)
    # Payback 300,000 / 90,000 = 3.33 yr without credits; 300,000 / 91,569.375 = 3.276 yr with them
    assert r["simple_payback_no_credits_yr"] == pytest.approx(300_000 / 90_000)
    assert r["simple_payback_yr"] == pytest.approx(300_000 / 91_569.375)
    # Investment test at the 10 % hurdle over 10 yr: -300,000 + 90,000 x 6.144567 = +253,011: not additional
    assert r["npv_hurdle_no_credits_usd"] == pytest.approx(-300_000 + 90_000 * ANNUITY_10_10)
    assert r["additionality"] == "not_additional"
    # Nothing it needs from a credit price: break-even 0
    assert r["breakeven_credit_price_usd_per_t"] == 0


def test_savings_given_directly_and_deployment_capped_at_lifetime(world):
    r = result(world, "aaa_lamps")
    # units in service = 10,000 x min(8, 5) = 50,000 (older cohorts retired) x 20 kWh = 1,000 MWh/yr
    assert r["net_generation_mwh_per_yr"] == pytest.approx(1_000)
    assert "deployment_longer_than_lifetime" in r["flags"]
    # No agreement: credited = creditable 500 t x credit share 1 at the case's USD 20/t
    assert r["agreement_id"] is None or pd.isna(r["agreement_id"])
    assert r["credited_t_per_yr"] == pytest.approx(500) and r["credit_revenue_usd_per_yr"] == pytest.approx(
        10_000
    )
    # The case's own price: 1,000 MWh x USD 50 = 50,000/yr; capex 50,000 x USD 2 = 100,000
    assert r["fuel_savings_usd_per_yr"] == pytest.approx(50_000)
    assert r["incremental_capex_usd"] == pytest.approx(100_000)
    # CRF(10 %, 5 yr) = 0.1 x 1.1^5 / (1.1^5 - 1) = 0.263797; NPV at 10 % over 5 yr = -100,000 + 50,000 x 3.790787
    assert r["crf"] == pytest.approx(0.1 * 1.1**5 / (1.1**5 - 1))
    assert r["npv_hurdle_no_credits_usd"] == pytest.approx(-100_000 + 50_000 * (1 - 1.1**-5) / 0.1)


def test_an_agreement_that_does_not_cover_the_appliance_credits_nothing(world):
    r = result(world, "aaa_fridges")
    assert r["reduction_creditable_t_per_yr"] == pytest.approx(100 * 100 / 1000 * 0.5)  # 10 MWh x 0.5 = 5 t
    assert r["credited_t_per_yr"] == 0
    assert "agreement_does_not_cover:aaa_deal" in r["flags"]


def test_programmes_stay_out_of_unit_totals(world):
    # A case is evaluated, not chosen: chosen_options, credits and the MAC curve hold tracker units only.
    assert world.execute("SELECT count(*) FROM chosen_options WHERE unit_source = 'case'").fetchone()[0] == 0
    assert world.execute("SELECT count(*) FROM technology_swaps WHERE sector = 'end_use'").fetchone()[0] == 3


def _write(tmp_path, text: str):
    path = tmp_path / "bad_case.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("capacity_mw: 5\n", "capacity_mw: not for kind end_use_programme"),
        ("fuel_class: coal\n", "fuel_class: not for kind end_use_programme"),
        ("kwh_saved_per_unit_yr: 100\n", "give it or kwh_per_unit_yr with the efficiencies, not both"),
    ],
)
def test_bad_end_use_case_names_the_field(tmp_path, extra, message):
    text = AC_CASE.replace("case_id: aaa_acs", "case_id: bad_case") + extra
    with pytest.raises(config.ConfigError, match=message):
        config.load_case(_write(tmp_path, text))


def test_end_use_fields_are_refused_elsewhere_and_required_here(tmp_path):
    plant = """\
    case_id: bad_case
    country_iso3: AAA
    capacity_mw: 100
    capacity_factor: 0.5
    fuel_class: coal
    from_technology: coal_subcritical
    to_technology: coal_usc
    units_per_yr: 10
    """
    with pytest.raises(config.ConfigError, match="units_per_yr: only for kind end_use_programme"):
        config.load_case(_write(tmp_path, plant))
    no_saving = "\n".join(
        line for line in AC_CASE.replace("aaa_acs", "bad_case").splitlines() if not line.startswith("efficiency_after")
    )  # fmt: skip
    with pytest.raises(config.ConfigError, match="kwh_saved_per_unit_yr: required unless"):
        config.load_case(_write(tmp_path, no_saving))
    worse = AC_CASE.replace("aaa_acs", "bad_case").replace("efficiency_after: 4", "efficiency_after: 2")
    with pytest.raises(config.ConfigError, match="efficiency_after: must be above efficiency_before"):
        config.load_case(_write(tmp_path, worse))
