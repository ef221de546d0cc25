"""Pandera models of the methodology tables: the authored config tables (agreements, project cases,
scenario parameters) and the SQL marts (plant_baselines, technology_swaps, chosen_options, credits,
host_country_programmes, mac_curve, project_case_results). The blocking schema checks are built from them.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from bcm_pipeline.schemas.base import sql_check, sql_cmp, sql_isna, sql_notna

TOL = 1e-6  # float slack for cross-column checks


def _f(description: str, nullable: bool = False, **checks) -> object:
    return pa.Field(description=description, nullable=nullable, **checks)


def _eff(description: str, nullable: bool = False) -> object:
    return pa.Field(gt=0, lt=1, nullable=nullable, description=f"{description} (net, LHV basis, fraction)")


SOURCE_COLS = "source_document, source_table, source_page"
DECISIONS = ["build_instead", "retrofit", "replace", "new_project"]
SWAP_TYPES = ["efficiency_upgrade", "fuel_switch", "grid_displacement", "route_switch", "end_use_efficiency"]
ADDITIONALITY = ["additional", "depends_on_price", "not_additional"]


# --- authored configuration tables ------------------------------------------------------------


class ScenarioParameters(pa.DataFrameModel):
    parameter: Series[str] = _f("Parameter name, e.g. discount_rate, capacity_factor, fuel_price_series")
    country_iso3: Series[str] = _f("ISO3 country the row applies to, '*' for any")
    fuel_class: Series[str] = _f("coal, gas, oil, or '*' for any")
    key: Series[str] = _f("Technology, status, fuel code or swap target the row applies to; '*' for any")
    value: Series[float] = _f("Numeric value in `unit`", nullable=True)
    value_text: Series[str] = _f("Text value (series code, GWP set, fuel, ...)", nullable=True)
    unit: Series[str] = _f("Unit of value", nullable=True)
    description: Series[str] = _f("What the parameter does and why this value")
    source_document: Series[str] = _f("Public document the value comes from")
    source_table: Series[str] = _f("Table or section in that document")
    source_page: Series[str] = _f("Page, sheet or URL")

    class Config:
        name = "scenario_parameters"
        description = (
            "Scenario parameters (bcm_pipeline/reference/scenario_parameters.csv): discount rate, lifetime, "
            "GWP set, auxiliary consumption, capacity factors, World Bank fuel price series per country and "
            "fuel with the mean-of-last-N-months rule, swap targets, conservative defaults; each row cited."
        )
        metadata = {"key": ["parameter", "country_iso3", "fuel_class", "key"]}
        unique = ["parameter", "country_iso3", "fuel_class", "key"]
        strict = "filter"
        coerce = True


class Agreements(pa.DataFrameModel):
    agreement_id: Series[str] = _f("Agreement id = file name in agreements/", unique=True)
    name: Series[str] = _f("Agreement name")
    mechanism: Series[str] = _f("JCM or Article 6.2", isin=["JCM", "Article 6.2"])
    partner_country_iso3: Series[str] = _f("Buying / partner country, ISO3", str_length=3)
    host_country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    signed_date: Series[pa.Date] = _f("Date the bilateral document was signed", nullable=True)
    eligible_to_technologies: Series[str] = _f(
        "Project technologies in scope (technologies vocabulary), ';'-separated"
    )
    eligible_swap_types: Series[str] = _f("Swap types in scope, ';'-separated")
    eligible_statuses: Series[str] = _f("Unit statuses in scope, ';'-separated")
    host_share: Series[float] = _f("Share of credits to the host government (fraction)", ge=0, le=1)
    haircut: Series[float] = _f("Conservativeness deduction d (fraction)", ge=0, lt=1)
    sop_share: Series[float] = _f("Share of proceeds deducted (fraction)", ge=0, lt=1)
    omge_share: Series[float] = _f("Overall mitigation cancellation (fraction)", ge=0, lt=1)
    crediting_period_yr: Series[int] = _f("Crediting period, years", ge=1, le=30)
    credit_price_usd_per_t: Series[float] = _f("Credit price, USD/tCO2e", ge=0)
    capex_subsidy_share: Series[float] = _f(
        "Share of incremental capex paid by the partner (fraction)", ge=0, le=1
    )
    # Article 6.2 (issue 15); agreement_status derives in_force and the start date.
    article6_agreement_id: Series[str] = _f(
        "The real deal (article6_agreements) the file names; its date and in_force then apply", nullable=True
    )
    in_force: Series[pd.BooleanDtype] = _f(
        "In force as the file says (only without article6_agreement_id)", nullable=True
    )
    authorised_use: Series[str] = _f("Authorised use of the ITMOs: NDC or OIMP", isin=["NDC", "OIMP"])
    first_transfer_trigger: Series[str] = _f(
        "First-transfer trigger: first_transfer (NDC use), or authorisation, issuance, use_or_cancellation (OIMP)",
        isin=["first_transfer", "authorisation", "issuance", "use_or_cancellation"],
    )
    issuance_lag_yr: Series[int] = _f("Years from a vintage to its issuance and first transfer", ge=0)
    crediting_start_year: Series[pd.Int64Dtype] = _f(
        "Earliest vintage under the agreement; null: the start date's year (not before 2021)", nullable=True
    )
    crediting_period_renewals: Series[int] = _f("Renewals of the crediting period (0-2)", ge=0, le=2)
    crediting_end_year: Series[pd.Int64Dtype] = _f(
        "Last vintage the agreement covers; null: no end", nullable=True
    )
    reference_decline_per_yr: Series[float] = _f(
        "Yearly fall of the reference, fraction per yr; null: scenario_parameters",
        nullable=True,
        ge=0,
        lt=0.2,
    )
    host_ndc_target_t_co2e: Series[float] = _f(
        "Host NDC target emissions, t CO2e (null: not given)", nullable=True
    )
    host_ndc_target_year: Series[pd.Int64Dtype] = _f("Year of that target", nullable=True)
    host_ndc_target_basis: Series[str] = _f("Document and basis of the target", nullable=True)
    notes: Series[str] = _f("Free text", nullable=True)
    sources: Series[str] = _f("Documents behind the values, ';'-separated")
    file: Series[str] = _f("YAML file the row was loaded from")

    class Config:
        name = "agreements"
        description = (
            "Bilateral crediting agreements, one YAML file each under agreements/, validated on load."
        )
        metadata = {"key": ["agreement_id"]}
        strict = "filter"
        coerce = True


class ProjectCases(pa.DataFrameModel):
    case_id: Series[str] = _f("Case id = file name in cases/", unique=True)
    kind: Series[str] = _f(
        "plant_swap (unit -> better technology), grid_displacement (solar PV, wind, efficiency) or "
        "end_use_programme (efficient appliances deployed each year)",
        isin=["plant_swap", "grid_displacement", "end_use_programme"],
    )
    description: Series[str] = _f("What the case is", nullable=True)
    country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    capacity_mw: Series[float] = _f("Net capacity, MW (grid cases: may be null)", nullable=True, gt=0)
    capacity_factor: Series[float] = _f(
        "Capacity factor (fraction); grid cases: null when net_generation_mwh_per_yr is given",
        nullable=True,
        ge=0,
        le=1,
    )
    aux_consumption_share: Series[float] = _f(
        "Auxiliary consumption (fraction); null: scenario", nullable=True
    )
    fuel_class: Series[str] = _f(
        "coal, gas or oil; null for grid cases", nullable=True, isin=["coal", "gas", "oil"]
    )
    coal_type: Series[str] = _f("GEM coal type (bituminous, ...)", nullable=True)
    start_year: Series[float] = _f("Start year (sets the TOOL07 vintage)", nullable=True)
    from_technology: Series[str] = _f(
        "Baseline technology (technologies vocabulary); null for grid cases (they displace 'grid')",
        nullable=True,
    )
    to_technology: Series[str] = _f("Project technology (grid cases: solar_pv, wind or efficiency)")
    from_efficiency_lhv: Series[float] = _f("Baseline efficiency override (LHV)", nullable=True, gt=0, lt=1)
    to_efficiency_lhv: Series[float] = _f("Project efficiency override (LHV)", nullable=True, gt=0, lt=1)
    co2_ef_t_per_tj: Series[float] = _f("Measured baseline fuel CO2 EF, tCO2/TJ", nullable=True)
    fuel_price_usd_per_gj: Series[float] = _f("Fuel price override, USD/GJ", nullable=True)
    capex_premium_usd_per_kw: Series[float] = _f("Incremental capex override, USD/kW", nullable=True)
    delta_om_usd_per_yr: Series[float] = _f("O&M difference override, USD/yr", nullable=True)
    net_generation_mwh_per_yr: Series[float] = _f(
        "Grid cases: MWh/yr generated or saved (instead of capacity x CF x 8760)", nullable=True, gt=0
    )
    capex_usd_per_kw: Series[float] = _f(
        "Grid cases: total installed cost, USD/kW; null: grid_project_defaults", nullable=True, ge=0
    )
    grid_ef_t_per_mwh: Series[float] = _f(
        "Grid cases: documented grid factor, tCO2/MWh, used for BAU and reference; null: computed",
        nullable=True,
        gt=0,
    )
    crediting_period: Series[float] = _f(
        "Grid cases: crediting period 1-3 (sets the efficiency CM weights); null: 1", nullable=True
    )
    units_per_yr: Series[float] = _f("End-use programmes: units deployed each year", nullable=True, gt=0)
    deployment_years: Series[float] = _f(
        "End-use programmes: years of deployment; null: 1", nullable=True, ge=1
    )
    kwh_saved_per_unit_yr: Series[float] = _f(
        "End-use programmes: kWh saved per unit and year (given); null: from use and efficiencies",
        nullable=True,
        gt=0,
    )
    kwh_per_unit_yr: Series[float] = _f(
        "End-use programmes: kWh a baseline unit uses per year (with the efficiencies)", nullable=True, gt=0
    )
    efficiency_before: Series[float] = _f(
        "End-use programmes: baseline unit's efficiency (COP, EER or CSPF; any consistent ratio)",
        nullable=True,
        gt=0,
    )
    efficiency_after: Series[float] = _f(
        "End-use programmes: efficient unit's efficiency, same measure as efficiency_before",
        nullable=True,
        gt=0,
    )
    unit_cost_premium_usd: Series[float] = _f(
        "End-use programmes: extra cost of one efficient unit over the baseline unit, USD (as given)",
        nullable=True,
        gt=0,
    )
    electricity_price_usd_per_kwh: Series[float] = _f(
        "End-use programmes: electricity price the users pay, USD/kWh; null: scenario_parameters",
        nullable=True,
        ge=0,
    )
    discount_rate: Series[float] = _f("Discount rate override (fraction)", nullable=True)
    lifetime_yr: Series[float] = _f("Lifetime override, years", nullable=True)
    credit_share: Series[float] = _f("Share of the reduction credited to the investor (fraction)", ge=0, le=1)
    credit_price_usd_per_t: Series[float] = _f(
        "Credit price, USD/t; null: the agreement's (agreement_id), else 0", ge=0, nullable=True
    )
    crediting_basis: Series[str] = _f("bau or creditable reduction", isin=["bau", "creditable"])
    agreement_id: Series[str] = _f(
        "Agreement whose haircut, SOP and OMGE (and price) apply to the case's credits; null: none",
        nullable=True,
    )
    sources: Series[str] = _f("Documents behind the values, ';'-separated", nullable=True)
    file: Series[str] = _f("YAML file the row was loaded from")

    class Config:
        name = "project_cases"
        description = (
            "User-defined candidate projects, one YAML file each under cases/ (format: cases/README.md)."
        )
        metadata = {"key": ["case_id"]}
        strict = "filter"
        coerce = True


# --- marts ------------------------------------------------------------------------------------


class EndUseSwaps(pa.DataFrameModel):
    """The technology_swaps column contract for end-use programme cases (technology_swaps unions them)."""

    swap_id: Series[str] = _f("case:<case_id>:<to_technology>", unique=True)
    unit_id: Series[str] = _f("The case id")
    unit_source: Series[str] = _f("case", isin=["case"])
    country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    sector: Series[str] = _f("end_use", isin=["end_use"])
    swap_type: Series[str] = _f("end_use_efficiency", isin=["end_use_efficiency"])
    from_technology: Series[str] = _f("grid: the kWh saved displace grid power", isin=["grid"])
    to_technology: Series[str] = _f("The appliance (technologies vocabulary, sector end_use)")
    is_upgrade: Series[bool] = _f("True: the efficient unit uses less electricity for the same service")
    capacity_mw: Series[float] = _f("Not applicable: null", nullable=True)
    net_generation_mwh_per_yr: Series[float] = _f(
        "MWh saved per yr at full deployment = units_per_yr x min(deployment_years, lifetime) x kWh/unit / 1000",
        ge=0,
    )
    baseline_co2_t_per_yr: Series[float] = _f("MWh x BAU grid factor (0 if none, flagged), tCO2/yr", ge=0)
    project_co2_t_per_yr: Series[float] = _f("0: the saved electricity is not generated, tCO2/yr", ge=0)
    reduction_bau_t_per_yr: Series[float] = _f("Baseline - project, tCO2/yr")
    reference_co2_t_per_yr: Series[float] = _f("MWh x conservative crediting factor, tCO2/yr", ge=0)
    reduction_creditable_t_per_yr: Series[float] = _f("Reference - project, tCO2/yr", ge=0)
    reference_rule: Series[str] = _f("Which grid factors set BAU and reference")
    bau_reference_gap_t_per_yr: Series[float] = _f("BAU - creditable reduction, tCO2/yr", ge=-1e-6)
    fuel_saved_tj_per_yr: Series[float] = _f("Not applicable: null", nullable=True)
    fuel_savings_usd_per_yr: Series[float] = _f(
        "Electricity bills saved = MWh x price, USD/yr (null: no price)", nullable=True
    )
    electricity_saved_mwh_per_yr: Series[float] = _f("MWh saved per yr at full deployment", ge=0)
    electricity_price_usd_per_mwh: Series[float] = _f("Electricity price used, USD/MWh", nullable=True, ge=0)
    incremental_capex_usd: Series[float] = _f(
        "Units in service x unit cost premium, USD as given (null: no premium)", nullable=True, gt=0
    )
    annualised_cost_usd_per_yr: Series[float] = _f("Capex x CRF + dO&M, USD/yr", nullable=True)
    npv_usd: Series[float] = _f("-capex + (savings - dO&M) / CRF, no credits, USD", nullable=True)
    simple_payback_yr: Series[float] = _f("Capex / (savings - dO&M), years", nullable=True, ge=0)
    mac_usd_per_t: Series[float] = _f("(Annualised cost - savings) / BAU reduction, USD/t", nullable=True)
    breakeven_credit_price_usd_per_t: Series[float] = _f(
        "(Annualised cost - savings) / creditable reduction, at least 0, USD/t", nullable=True, ge=0
    )
    flags: Series[str] = _f("';'-separated warnings (no_electricity_price, ...)", nullable=True)
    status: Series[str] = _f("case", isin=["case"])
    fuel: Series[str] = _f("Not applicable: null", nullable=True)
    efficiency_bau_lhv: Series[float] = _f("Not applicable: null", nullable=True)
    efficiency_reference_lhv: Series[float] = _f("Not applicable: null", nullable=True)
    efficiency_project_lhv: Series[float] = _f("Not applicable: null", nullable=True)
    co2_ef_baseline_t_per_tj: Series[float] = _f("Not applicable: null", nullable=True)
    project_co2_conservative_t_per_yr: Series[float] = _f("0, tCO2/yr", ge=0)
    fuel_saved_t_per_yr: Series[float] = _f("Not applicable: null", nullable=True)
    fuel_price_usd_per_gj: Series[float] = _f("Not applicable: null", nullable=True)
    project_fuel_price_usd_per_gj: Series[float] = _f("Not applicable: null", nullable=True)
    delta_om_usd_per_yr: Series[float] = _f("The case's O&M difference, else 0 (assumed, flagged), USD/yr")
    discount_rate: Series[float] = _f("Discount rate (the case's, else scenario), fraction", ge=0, lt=1)
    lifetime_yr: Series[float] = _f("Appliance lifetime (the case's), years", gt=0)
    crf: Series[float] = _f("Capital recovery factor, 1/yr", gt=0, le=1)
    grid_ef_bau_t_per_mwh: Series[float] = _f("BAU grid factor (OWID average), tCO2/MWh", nullable=True)
    grid_ef_reference_t_per_mwh: Series[float] = _f(
        "Conservative crediting factor (never above the average), tCO2/MWh", nullable=True
    )
    decision: Series[str] = _f("build_instead: buy the efficient unit instead", isin=["build_instead"])
    cost_basis: Series[str] = _f("Units in service x the case's unit cost premium")
    usd_price_year: Series[pd.Int64Dtype] = _f("Null: the case's money is as given", nullable=True)
    capex_usd_per_kw: Series[float] = _f("Not applicable: null", nullable=True)
    remaining_life_yr: Series[float] = _f("Not applicable: null", nullable=True)
    stranded_value_usd: Series[float] = _f("0: nothing retired early", ge=0)
    upfront_cost_usd: Series[float] = _f("= incremental_capex_usd, USD", nullable=True, gt=0)
    fuel_price_low_usd_per_gj: Series[float] = _f("Not applicable: null", nullable=True)
    fuel_price_high_usd_per_gj: Series[float] = _f("Not applicable: null", nullable=True)
    fuel_savings_low_usd_per_yr: Series[float] = _f(
        "= savings (one electricity price), USD/yr", nullable=True
    )
    fuel_savings_high_usd_per_yr: Series[float] = _f(
        "= savings (one electricity price), USD/yr", nullable=True
    )
    hurdle_rate: Series[float] = _f("Hurdle rate of the investment test", nullable=True, ge=0, lt=1)
    npv_hurdle_low_usd: Series[float] = _f("NPV without credits at the hurdle rate, USD", nullable=True)
    npv_hurdle_central_usd: Series[float] = _f("NPV without credits at the hurdle rate, USD", nullable=True)
    npv_hurdle_high_usd: Series[float] = _f("NPV without credits at the hurdle rate, USD", nullable=True)
    additionality: Series[str] = _f(
        "additional or not_additional (one price); null: not run", nullable=True, isin=ADDITIONALITY
    )
    additionality_rule: Series[str] = _f("The investment test's rule as applied, or why not run")

    class Config:
        name = "end_use_swaps"
        description = (
            "End-use programme cases (cases/*.yaml, kind end_use_programme) in the technology_swaps contract: "
            "units deployed x kWh saved x the grid's average intensity (BAU) and x the crediting factor "
            "(creditable); capex = units x unit premium, savings = MWh x electricity price."
        )
        metadata = {"key": ["swap_id"], "may_be_empty": True}  # a user may ship no end-use case
        strict = "filter"
        coerce = True


class HostCountries(pa.DataFrameModel):
    country_iso3: Series[str] = _f("Host country, ISO3", unique=True, str_length=3)
    country_name: Series[str] = _f("Country name (countries reference)", nullable=True)
    is_flagged_host: Series[bool] = _f("Flagged as a host country in the countries reference")
    is_agreement_host: Series[bool] = _f("Host country of an agreement in agreements/*.yaml")

    class Config:
        name = "host_countries"
        description = (
            "The host countries, defined once: flagged in the countries reference (is_host_country) or the host of "
            "an agreement. Every mart, the grid tables, the briefs and the country partitions read this table."
        )
        metadata = {"key": ["country_iso3"]}
        strict = "filter"
        coerce = True


class PlantBaselines(pa.DataFrameModel):
    baseline_id: Series[str] = _f("unit_source:unit_id", unique=True)
    unit_id: Series[str] = _f("GEM unit id, or the case id")
    unit_source: Series[str] = _f(
        "coal_units, gas_oil_units or case", isin=["coal_units", "gas_oil_units", "case"]
    )
    country_iso3: Series[str] = _f("ISO3 country", nullable=True)
    plant_name: Series[str] = _f("Plant name", nullable=True)
    unit_name: Series[str] = _f("Unit name", nullable=True)
    status: Series[str] = _f("Tracker status (lower case), 'case' for project cases")
    is_operating: Series[bool] = _f("status = operating")
    start_year: Series[float] = _f("Start year", nullable=True)
    vintage: Series[str] = _f("TOOL07 vintage class: <=2000 or >2000 (no start year: >2000)")
    fuel_class: Series[str] = _f("coal, gas or oil", isin=["coal", "gas", "oil"])
    fuel: Series[str] = _f("fuel_defaults row burnt", nullable=True)
    coal_type: Series[str] = _f("GEM coal type", nullable=True)
    technology: Series[str] = _f("Technology (technologies vocabulary) of the unit as the tracker reports it")
    gem_technology: Series[str] = _f(
        "The tracker's own code (coal_units / gas_oil_units.gem_technology); null for cases", nullable=True
    )
    technology_assumed: Series[str] = _f(
        "Technology used for lookups (technologies vocabulary; conservative default if unknown)"
    )
    capacity_mw: Series[float] = _f("Capacity, MW", ge=0)
    capacity_factor: Series[float] = _f("Capacity factor (fraction)", ge=0, le=1)
    capacity_factor_source: Series[str] = _f(
        "Where the capacity factor came from: reported:<CEA station and fiscal year>, calibrated:<country/fuel/"
        "technology year>, scenario_parameters:<row> (default), project_case"
    )
    aux_consumption_share: Series[float] = _f("Auxiliary consumption (fraction)", ge=0, lt=1)
    net_generation_mwh_per_yr: Series[float] = _f("Net generation, MWh/yr", ge=0)
    efficiency_lhv: Series[float] = _eff("Central efficiency")
    efficiency_lhv_low: Series[float] = _eff("Low end of the efficiency range")
    efficiency_lhv_high: Series[float] = _eff("High end of the efficiency range")
    efficiency_source: Series[str] = _f(
        "Where the efficiency came from: reported (implied by CEA's specific emissions), "
        "unit_efficiency_classes:<class> (technology, size, start year), the tracker's heat rate, a TOOL07 "
        "default (technology_catalogue), or the case"
    )
    ncv_tj_per_gg: Series[float] = _f("Net calorific value of the fuel, TJ/Gg", gt=0)
    fuel_tj_per_yr: Series[float] = _f("Fuel input, TJ/yr (LHV)", ge=0)
    co2_ef_t_per_tj: Series[float] = _f("CO2 emission factor, tCO2/TJ (central)", gt=0)
    co2_ef_t_per_tj_lower: Series[float] = _f("IPCC lower bound, tCO2/TJ", gt=0)
    co2_ef_t_per_tj_upper: Series[float] = _f("IPCC upper bound, tCO2/TJ", gt=0)
    co2_t_per_yr: Series[float] = _f("CO2, t/yr (central)", ge=0)
    co2_t_per_yr_low: Series[float] = _f("CO2 low band: high efficiency x IPCC lower EF, t/yr", ge=0)
    co2_t_per_yr_high: Series[float] = _f("CO2 high band: low efficiency x IPCC upper EF, t/yr", ge=0)
    ch4_n2o_co2e_t_per_yr: Series[float] = _f("CH4 + N2O as CO2e (gwp_set), t/yr", ge=0)
    co2e_t_per_yr: Series[float] = _f("CO2 + CH4 + N2O, tCO2e/yr", ge=0)
    gwp_set: Series[str] = _f("GWP-100 set (AR5 by default)")
    intensity_t_per_mwh: Series[float] = _f(
        "CO2 per net MWh, tCO2/MWh (null at zero output)", nullable=True, gt=0, lt=3
    )
    estimation_tier: Series[str] = _f(
        "Where the unit's activity data come from: reported (India: its CEA station's net generation of the "
        "fiscal year, shared by capacity, and the station's specific emissions), calibrated (the country's own "
        "capacity factor for the fuel and technology: OWID national generation / GEM capacity online, "
        "calibrated_capacity_factors), default (a fleet value of another place or year from "
        "scenario_parameters, named in capacity_factor_source), project_case (a user case's own values). The "
        "efficiency's own source is efficiency_source",
        isin=["reported", "calibrated", "default", "project_case"],
    )
    activity_year: Series[pd.Int64Dtype] = _f(
        "Calendar year the activity data describe: reported, the year CEA's fiscal year starts in (FY2018-19: "
        "2018, April 2018-March 2019); calibrated, the OWID year; null for default capacity factors (a fleet "
        "value named in capacity_factor_source) and project cases",
        nullable=True,
        ge=1985,
        le=2100,
    )
    gem_method_co2_t_per_yr: Series[float] = _f(
        "GEM's formula with GEM's parameters (MW x CF x heat rate x EF), t/yr; coal units only", nullable=True
    )
    gem_annual_co2_t_per_yr: Series[float] = _f(
        "GEM's published Annual CO2, t/yr; coal units only", nullable=True
    )
    flags: Series[str] = _f(
        "';'-separated warnings (unknown_technology, missing_start_year, ...)", nullable=True
    )

    @pa.dataframe_check
    @sql_check(
        f"{sql_cmp('co2_t_per_yr_low', '<=', f'co2_t_per_yr + {TOL}')}"
        f" AND {sql_cmp('co2_t_per_yr', '<=', f'co2_t_per_yr_high + {TOL}')}"
    )
    def band_brackets_central(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["co2_t_per_yr_low"] <= df["co2_t_per_yr"] + TOL) & (
            df["co2_t_per_yr"] <= df["co2_t_per_yr_high"] + TOL
        )

    class Config:
        name = "plant_baselines"
        description = (
            "CO2 baseline per coal, gas and oil unit (operating and pipeline) and per project case: "
            "EG = MW x CF x 8760 x (1 - aux), fuel = EG x 0.0036 / efficiency (LHV), CO2 = fuel x IPCC EF; "
            "CH4/N2O as CO2e; a low/high band; GEM's own estimate beside it. Activity data by tier: reported "
            "(India's CEA stations), calibrated (each country's own CF from OWID), default (labelled). A unit "
            "listed in both GEM trackers has one row (tracker_duplicate_units)."
        )
        metadata = {"key": ["baseline_id"]}
        strict = "filter"
        coerce = True


# Columns a power plant swap must have; grid-displacement, steel and end-use rows (no generating unit, no
# efficiency) leave them null.
PLANT_ONLY_SWAP_COLUMNS = [
    "capacity_mw",
    "efficiency_bau_lhv",
    "efficiency_reference_lhv",
    "co2_ef_baseline_t_per_tj",
    "discount_rate",
    "lifetime_yr",
    "crf",
]


class FuelPriceScenarios(pa.DataFrameModel):
    country_iso3: Series[str] = _f("ISO3 country of plant_baselines", nullable=True)
    fuel_class: Series[str] = _f("Fuel class: coal, gas or oil")
    price_low_usd_per_gj: Series[float] = _f(
        "Low scenario price (fuel_price_quantile 'low' of the last fuel_price_history_months of the mapped "
        "World Bank series, or an override), USD of usd_price_year per GJ; null: no series or a month that "
        "could not be deflated",
        nullable=True,
        ge=0,
    )
    price_central_usd_per_gj: Series[float] = _f(
        "Central scenario price (quantile 'central'), USD of usd_price_year per GJ", nullable=True, ge=0
    )
    price_high_usd_per_gj: Series[float] = _f(
        "High scenario price (quantile 'high'), USD of usd_price_year per GJ", nullable=True, ge=0
    )

    class Config:
        name = "fuel_price_scenarios"
        description = (
            "Fuel price per country and fuel class under the low / central / high scenario, in USD of the price "
            "year: quantiles of the last N months of the mapped World Bank Pink Sheet series (each month "
            "deflated with the US GDP deflator), or an explicit override. The one price table of the swap "
            "economics (technology_swaps) and of the grid projects' energy value (grid_displacement_swaps)."
        )
        metadata = {"key": ["country_iso3", "fuel_class"]}
        strict = "filter"
        coerce = True


class TechnologySwaps(pa.DataFrameModel):
    swap_id: Series[str] = _f(
        "unit_source:unit_id:to_technology; grid projects grid:<ISO3>:<to_technology>", unique=True
    )
    unit_id: Series[str] = _f("GEM unit id, case id, or grid:<ISO3>:<to_technology> for a grid project")
    unit_source: Series[str] = _f(
        "coal_units, gas_oil_units, case, grid_project_defaults (representative grid project per host) or "
        "steel_plants (a BF-BOF plant, steel_swaps)",
        isin=["coal_units", "gas_oil_units", "case", "grid_project_defaults", "steel_plants"],
    )
    country_iso3: Series[str] = _f("ISO3 country", nullable=True)
    sector: Series[str] = _f(
        "power_coal, power_gas, power_oil, grid_renewable (solar PV, wind), grid_efficiency, steel (steel_swaps) "
        "or end_use (end-use programme cases, end_use_swaps)",
        isin=[
            "power_coal",
            "power_gas",
            "power_oil",
            "grid_renewable",
            "grid_efficiency",
            "steel",
            "end_use",
        ],
    )
    swap_type: Series[str] = _f(
        "efficiency_upgrade (a plant's better technology or a BF-BOF measure), fuel_switch, grid_displacement, "
        "route_switch (a steel plant's BF-BOF route to another) or end_use_efficiency (appliances)",
        isin=SWAP_TYPES,
    )
    from_technology: Series[str] = _f(
        "Baseline technology as reported (technologies vocabulary; 'grid' for grid displacement)"
    )
    to_technology: Series[str] = _f(
        "Project technology (technologies vocabulary; solar_pv, wind, efficiency for grid displacement)"
    )
    is_upgrade: Series[bool] = _f(
        "Project emits less per MWh than the unit (central values); true for grid displacement"
    )
    capacity_mw: Series[float] = _f(
        "Capacity, MW (null: an efficiency project given in MWh)", nullable=True, ge=0
    )
    net_generation_mwh_per_yr: Series[float] = _f(
        "Output, the same before and after, MWh/yr (end use: MWh saved; null for steel: production_t_per_yr)",
        ge=0,
        nullable=True,
    )
    production_t_per_yr: Series[float] = _f(
        "Steel: output, the same before and after (crude steel for a route switch, hot metal for a BF-BOF "
        "measure), t/yr; null otherwise",
        ge=0,
        nullable=True,
    )
    baseline_co2_t_per_yr: Series[float] = _f(
        "BAU CO2 of the unit as it is (steel measures and end use: of the energy displaced), t/yr", ge=0
    )
    project_co2_t_per_yr: Series[float] = _f("Project CO2 at central EF, t/yr", ge=0, nullable=True)
    reduction_bau_t_per_yr: Series[float] = _f("BAU - project, t/yr (technical potential)", nullable=True)
    reference_co2_t_per_yr: Series[float] = _f("Conservative reference emissions, t/yr", ge=0)
    reduction_creditable_t_per_yr: Series[float] = _f("Reference - conservative project, >= 0, t/yr", ge=0)
    reference_rule: Series[str] = _f("Which rule set the reference efficiency, and the EF rule")
    bau_reference_gap_t_per_yr: Series[float] = _f("BAU - reference emissions, t/yr", ge=-TOL)
    fuel_saved_tj_per_yr: Series[float] = _f("Baseline fuel - project fuel, TJ/yr", nullable=True)
    fuel_savings_usd_per_yr: Series[float] = _f(
        "Baseline fuel cost - project fuel cost, USD/yr (steel and end use: energy cost, electricity "
        "included at its price)",
        nullable=True,
    )
    electricity_saved_mwh_per_yr: Series[float] = _f(
        "Steel and end use: grid electricity saved (negative: bought, a route switch to an EAF), MWh/yr",
        nullable=True,
    )
    electricity_price_usd_per_mwh: Series[float] = _f(
        "Steel and end use: electricity price of that saving, USD/MWh; null: unknown (flagged)",
        nullable=True,
        ge=0,
    )
    incremental_capex_usd: Series[float] = _f(
        "Capex of the decision, USD of usd_price_year: build_instead the premium capex(project) - "
        "capex(baseline) of one region (or an add-on's cost), retrofit its cost, replace the new unit's full "
        "capex; never <= 0 for an upgrade: null when unknown or when the premium is not positive (a fuel "
        "switch cheaper to build: flagged capex_premium_not_positive:project_cheaper_to_build), never 0",
        nullable=True,
    )
    annualised_cost_usd_per_yr: Series[float] = _f(
        "Upfront cost x CRF + dO&M, USD/yr (null: an input unknown)", nullable=True
    )
    npv_usd: Series[float] = _f(
        "Society's NPV (no transfers): -upfront cost + (fuel savings - dO&M) / CRF at the discount rate, "
        "central fuel price, no credits, USD",
        nullable=True,
    )
    simple_payback_yr: Series[float] = _f(
        "Upfront cost / (fuel savings - dO&M), years; null if never or unknown", nullable=True, ge=0
    )
    mac_usd_per_t: Series[float] = _f(
        "(Upfront cost x CRF + dO&M - fuel savings) / BAU reduction at the central fuel price, USD/tCO2; "
        "null when an input is unknown",
        nullable=True,
    )
    breakeven_credit_price_usd_per_t: Series[float] = _f(
        "Credit price at which crediting all creditable t covers the net annual cost (0 if it needs none), "
        "USD/t; null when an input is unknown (per agreement, with haircut and host share: credits)",
        nullable=True,
        ge=0,
    )
    flags: Series[str] = _f(
        "';'-separated warnings (not_an_upgrade, unknown_technology, no_capex...)", nullable=True
    )
    status: Series[str] = _f("Unit status; 'proposed' for a representative grid project, 'case' for cases")
    fuel: Series[str] = _f("Baseline fuel", nullable=True)
    efficiency_bau_lhv: Series[float] = _eff("Unit efficiency; null for grid displacement", nullable=True)
    efficiency_reference_lhv: Series[float] = _eff(
        "Reference efficiency (highest credible); null for grid displacement", nullable=True
    )
    efficiency_project_lhv: Series[float] = _eff("Project efficiency", nullable=True)
    co2_ef_baseline_t_per_tj: Series[float] = _f(
        "Baseline fuel EF, tCO2/TJ; null for grid displacement", nullable=True, gt=0
    )
    project_co2_conservative_t_per_yr: Series[float] = _f(
        "Project CO2 on the conservative EF, t/yr", nullable=True
    )
    fuel_saved_t_per_yr: Series[float] = _f("Fuel saved, t/yr (same-fuel swaps only)", nullable=True)
    fuel_price_usd_per_gj: Series[float] = _f(
        "Baseline fuel price, central scenario (median of the last fuel_price_history_months months, USD of "
        "usd_price_year), USD/GJ",
        nullable=True,
    )
    project_fuel_price_usd_per_gj: Series[float] = _f(
        "Project fuel price, central scenario, USD/GJ", nullable=True
    )
    delta_om_usd_per_yr: Series[float] = _f("O&M of project - baseline, USD/yr", nullable=True)
    discount_rate: Series[float] = _f(
        "Discount rate (fraction); null only for a grid project without one", nullable=True, ge=0, lt=1
    )
    lifetime_yr: Series[float] = _f(
        "Economic lifetime, years; null only for a grid project without one", nullable=True, gt=0
    )
    crf: Series[float] = _f(
        "Capital recovery factor (fraction per yr); null only for a grid project without one",
        nullable=True,
        gt=0,
        le=1,
    )
    grid_ef_bau_t_per_mwh: Series[float] = _f(
        "Grid displacement: BAU combined margin (TOOL07 weights of the project type), tCO2/MWh", nullable=True
    )
    grid_ef_reference_t_per_mwh: Series[float] = _f(
        "Grid displacement: conservative crediting factor (grid_factor_for_crediting), tCO2/MWh",
        nullable=True,
    )
    decision: Series[str] = _f(
        "What the swap stands for: build_instead (a pipeline unit or a project case: build the project "
        "technology instead; capex = premium), retrofit (an operating unit with a cited retrofit cost), "
        "replace (an operating unit: the new unit's full capex plus the old unit's stranded value), "
        "new_project (grid displacement)",
        isin=DECISIONS,
    )
    cost_basis: Series[str] = _f(
        "The catalogue rows behind the capex and O&M (or the case's own premium), their region and price year"
    )
    usd_price_year: Series[pd.Int64Dtype] = _f(
        "Price year of the money columns (scenario usd_price_year); a case's own money values are as given; "
        "null for grid projects (their capex is in its source's year)",
        nullable=True,
    )
    capex_usd_per_kw: Series[float] = _f(
        "incremental_capex_usd per kW of the unit, USD/kW (null: unknown; negative only for a fuel switch "
        "cheaper to build: upgrades_never_cost_nothing)",
        nullable=True,
    )
    remaining_life_yr: Series[float] = _f(
        "Replace: the old unit's remaining life (start year + lifetime - analysis_year, at least 0), years; "
        "null otherwise or when the start year is unknown",
        nullable=True,
        ge=0,
    )
    stranded_value_usd: Series[float] = _f(
        "Replace: the old unit's undepreciated value retired early (its capex x remaining life / lifetime), "
        "USD; 0 for build_instead, retrofit and grid projects; null when unknown",
        nullable=True,
        ge=0,
    )
    upfront_cost_usd: Series[float] = _f(
        "incremental_capex_usd + stranded_value_usd: the up-front cost in NPV, MAC and payback, USD (negative "
        "only for a fuel switch cheaper to build)",
        nullable=True,
    )
    fuel_price_low_usd_per_gj: Series[float] = _f(
        "Baseline fuel price, low scenario (fuel_price_quantile low), USD/GJ", nullable=True
    )
    fuel_price_high_usd_per_gj: Series[float] = _f(
        "Baseline fuel price, high scenario (fuel_price_quantile high), USD/GJ", nullable=True
    )
    fuel_savings_low_usd_per_yr: Series[float] = _f(
        "Fuel savings at the low scenario's prices (both fuels), USD/yr", nullable=True
    )
    fuel_savings_high_usd_per_yr: Series[float] = _f(
        "Fuel savings at the high scenario's prices (both fuels), USD/yr", nullable=True
    )
    hurdle_rate: Series[float] = _f(
        "Hurdle rate of the investment test (fraction per yr)", nullable=True, ge=0, lt=1
    )
    npv_hurdle_low_usd: Series[float] = _f(
        "NPV without credits at the hurdle rate over the lifetime, low fuel price, USD", nullable=True
    )
    npv_hurdle_central_usd: Series[float] = _f(
        "NPV without credits at the hurdle rate over the lifetime, central fuel price, USD", nullable=True
    )
    npv_hurdle_high_usd: Series[float] = _f(
        "NPV without credits at the hurdle rate over the lifetime, high fuel price, USD", nullable=True
    )
    additionality: Series[str] = _f(
        "Investment test: additional (NPV < 0 at all three prices), depends_on_price (< 0 at central, >= 0 "
        "at low or high), not_additional (>= 0 at central); null: not an upgrade or not run (see the rule)",
        nullable=True,
        isin=ADDITIONALITY,
    )
    additionality_rule: Series[str] = _f("The investment test's rule as applied, or why it was not run")

    @pa.dataframe_check
    @sql_check(
        f"NOT is_upgrade OR {sql_isna('incremental_capex_usd')} OR {sql_cmp('incremental_capex_usd', '>', '0')}"
        " OR (swap_type = 'fuel_switch' AND decision = 'build_instead')"
    )
    def upgrades_never_cost_nothing(cls, df: pd.DataFrame) -> Series[bool]:
        # An upgrade's capex is positive or unknown: a zero or negative premium is a defect (issue 13), except
        # a fuel switch built instead of the baseline (a CCGT instead of a coal unit costs less to build).
        capex = df["incremental_capex_usd"]
        saving = (df["swap_type"] == "fuel_switch") & (df["decision"] == "build_instead")
        return ~df["is_upgrade"] | capex.isna() | (capex > 0) | saving

    @pa.dataframe_check
    @sql_check(
        f"{sql_isna('reduction_bau_t_per_yr')} OR "
        + sql_cmp("reduction_creditable_t_per_yr", "<=", f"greatest(reduction_bau_t_per_yr, 0) + {TOL}")
    )
    def creditable_not_above_bau(cls, df: pd.DataFrame) -> Series[bool]:
        bau = df["reduction_bau_t_per_yr"]
        return bau.isna() | (df["reduction_creditable_t_per_yr"] <= bau.clip(lower=0) + TOL)

    @pa.dataframe_check
    @sql_check(
        "NOT starts_with(sector, 'power') OR "
        + sql_cmp("efficiency_reference_lhv", ">=", f"efficiency_bau_lhv - {TOL}")
    )
    def reference_at_least_bau_efficiency(cls, df: pd.DataFrame) -> Series[bool]:
        power = df["sector"].str.startswith("power")
        return ~power | (df["efficiency_reference_lhv"] >= df["efficiency_bau_lhv"] - TOL)

    @pa.dataframe_check
    @sql_check(f"NOT starts_with(sector, 'power') OR {sql_notna(*PLANT_ONLY_SWAP_COLUMNS)}")
    def plant_swaps_have_efficiency_ef_and_economics(cls, df: pd.DataFrame) -> Series[bool]:
        # Only power plant swaps carry efficiencies and a fuel EF; grid rows may leave all of these null.
        power = df["sector"].str.startswith("power")
        return ~power | df[PLANT_ONLY_SWAP_COLUMNS].notna().all(axis=1)

    @pa.dataframe_check
    @sql_check(
        f"(sector <> 'steel' OR {sql_notna('discount_rate', 'lifetime_yr', 'crf', 'production_t_per_yr')})"
        f" AND (sector <> 'end_use' OR {sql_notna('discount_rate', 'lifetime_yr', 'crf', 'net_generation_mwh_per_yr')})"
    )
    def steel_and_end_use_rows_have_output_and_economics(cls, df: pd.DataFrame) -> Series[bool]:
        steel, end_use = df["sector"] == "steel", df["sector"] == "end_use"
        economics = df[["discount_rate", "lifetime_yr", "crf"]].notna().all(axis=1)
        return (~steel | (economics & df["production_t_per_yr"].notna())) & (
            ~end_use | (economics & df["net_generation_mwh_per_yr"].notna())
        )

    @pa.dataframe_check
    @sql_check(f"NOT (coalesce(is_upgrade, false) AND {sql_cmp('incremental_capex_usd', '<=', '0')})")
    def an_upgrade_never_costs_nothing(cls, df: pd.DataFrame) -> Series[bool]:
        # Issue 13: an upgrade's capex is positive or unknown (null, flagged), never <= 0.
        return ~(df["is_upgrade"].fillna(False).astype(bool) & (df["incremental_capex_usd"] <= 0))

    class Config:
        name = "technology_swaps"
        description = (
            "Each unit x candidate technology, same output: BAU and conservative creditable reductions side "
            "by side, the reference rule that won; the decision (build_instead, retrofit, replace) with its "
            "cost basis in one price year, stranded value, fuel saved and its value at low / central / high "
            "fuel prices, CRF, NPV, payback, MAC, break-even credit price and the investment test "
            "(additionality). Unknown inputs leave the economics null with a flag. Alternatives for one unit "
            "exclude each other: chosen_options picks one. Also grid-displacement projects (solar PV, wind, "
            "efficiency: MWh x grid factor) from grid_displacement_swaps."
        )
        metadata = {"key": ["swap_id"]}
        strict = "filter"
        coerce = True


class ChosenOptions(pa.DataFrameModel):
    choice_id: Series[str] = _f("unit_source:unit_id: one row per unit", unique=True)
    swap_id: Series[str] = _f("The option chosen for the unit (technology_swaps)", unique=True)
    unit_id: Series[str] = _f("Unit (GEM id, or grid:<ISO3>:<technology> for a representative grid project)")
    unit_source: Series[str] = _f("coal_units, gas_oil_units or grid_project_defaults")
    country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    sector: Series[str] = _f("Sector")
    swap_type: Series[str] = _f("efficiency_upgrade, fuel_switch or grid_displacement")
    from_technology: Series[str] = _f("Baseline technology")
    to_technology: Series[str] = _f("Project technology")
    status: Series[str] = _f("Unit status")
    status_group: Series[str] = _f("operating or pipeline", isin=["operating", "pipeline"])
    decision: Series[str] = _f("build_instead, retrofit, replace or new_project", isin=DECISIONS)
    capacity_mw: Series[float] = _f("Capacity, MW (null: an efficiency project given in MWh)", nullable=True)
    baseline_co2_t_per_yr: Series[float] = _f("BAU CO2 of the unit, t/yr", ge=0)
    reduction_bau_t_per_yr: Series[float] = _f("BAU reduction of the option, t/yr", nullable=True)
    reduction_creditable_t_per_yr: Series[float] = _f("Creditable reduction of the option, t/yr", gt=0)
    incremental_capex_usd: Series[float] = _f("Capex of the decision, USD (null: unknown)", nullable=True)
    stranded_value_usd: Series[float] = _f("Stranded value of a replaced unit, USD", nullable=True, ge=0)
    upfront_cost_usd: Series[float] = _f("Capex + stranded value, USD (null: unknown)", nullable=True)
    mac_usd_per_t: Series[float] = _f(
        "MAC at the central fuel price, USD/tCO2 (null: unknown)", nullable=True
    )
    breakeven_credit_price_usd_per_t: Series[float] = _f(
        "Break-even credit price on all creditable t, USD/t (per agreement: credits)", nullable=True, ge=0
    )
    additionality: Series[str] = _f(
        "additional or depends_on_price (not_additional options are never chosen); null: test not run",
        nullable=True,
        isin=["additional", "depends_on_price"],
    )
    agreement_ids: Series[str] = _f(
        "The host's agreements whose scope covers the option, ';'-separated; null: the host has none",
        nullable=True,
    )
    options_in_scope: Series[int] = _f(
        "The unit's upgrade options with a creditable reduction in scope", ge=1
    )
    options_not_additional: Series[int] = _f("Of those, how many are not_additional (left out)", ge=0)
    choice_rule: Series[str] = _f("The rule that picked this option")
    mac_curve_exclusion: Series[str] = _f(
        "Why the option is left out of mac_curve (undefined or implausible MAC, a grid factor below the "
        "threshold, zero capex); null: on the curve",
        nullable=True,
    )
    flags: Series[str] = _f("The option's warnings (technology_swaps.flags)", nullable=True)

    class Config:
        name = "chosen_options"
        description = (
            "The one option a programme would fund for each unit of a host country: among its upgrades with a "
            "creditable reduction in its agreement's scope, not_additional ones left out, tested options "
            "(additional, depends_on_price) before untested ones, the largest creditable reduction (ties: "
            "lowest MAC). credits, host_country_programmes and mac_curve total "
            "these only; the alternatives stay in technology_swaps. mac_curve_exclusion lists the options "
            "left out of the MAC curve and why."
        )
        metadata = {"key": ["choice_id"]}
        strict = "filter"
        coerce = True


class Credits(pa.DataFrameModel):
    credit_id: Series[str] = _f("agreement_id|swap_id", unique=True)
    agreement_id: Series[str] = _f("Agreement")
    swap_id: Series[str] = _f("Swap credited")
    unit_id: Series[str] = _f("Unit")
    host_country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    partner_country_iso3: Series[str] = _f("Partner country, ISO3", str_length=3)
    sector: Series[str] = _f("Sector")
    swap_type: Series[str] = _f("Swap type")
    from_technology: Series[str] = _f("Baseline technology")
    to_technology: Series[str] = _f("Project technology")
    status: Series[str] = _f("Unit status")
    decision: Series[str] = _f("build_instead, retrofit, replace or new_project", isin=DECISIONS)
    additionality: Series[str] = _f(
        "Investment test of the option (technology_swaps); null: not run", nullable=True, isin=ADDITIONALITY
    )
    reduction_creditable_t_per_yr: Series[float] = _f("Conservative creditable reduction, t/yr", gt=0)
    haircut: Series[float] = _f("Haircut d (fraction)", ge=0, lt=1)
    sop_share: Series[float] = _f("SOP share (fraction)", ge=0, lt=1)
    omge_share: Series[float] = _f("OMGE share (fraction)", ge=0, lt=1)
    credited_t_per_yr: Series[float] = _f("Creditable x (1 - d) x (1 - SOP - OMGE), t/yr", ge=0)
    host_share: Series[float] = _f("Host government share (fraction)", ge=0, le=1)
    host_credits_t_per_yr: Series[float] = _f("Credits to the host government, t/yr", ge=0)
    partner_credits_t_per_yr: Series[float] = _f("Credits to the partner side, t/yr", ge=0)
    credit_price_usd_per_t: Series[float] = _f("Credit price, USD/t", ge=0)
    host_revenue_usd_per_yr: Series[float] = _f("Host credits x price, USD/yr", ge=0)
    partner_revenue_usd_per_yr: Series[float] = _f("Partner credits x price, USD/yr", ge=0)
    crediting_period_yr: Series[int] = _f("Crediting period, years", ge=1)
    credited_over_period_t: Series[float] = _f(
        "Credits over the crediting period (capped at the lifetime), t", ge=0
    )
    host_credits_over_period_t: Series[float] = _f("Host government's credits over the period, t", ge=0)
    partner_credits_over_period_t: Series[float] = _f("Partner-side credits over the period, t", ge=0)
    capex_subsidy_share: Series[float] = _f("Subsidy share of capex (fraction)", ge=0, le=1)
    capex_subsidy_usd: Series[float] = _f(
        "Partner's capex subsidy = share x incremental capex (not the stranded value), USD; 0 where the capex "
        "is a saving (nothing to subsidise: the partner then buys its credits); null: capex unknown",
        nullable=True,
        ge=0,
    )
    partner_credits_to: Series[str] = _f(
        "Who gets the partner-side credits: partner_government (it pays a capex subsidy for them: subsidy "
        "linked to credit delivery) or developer (no subsidy: the developer sells them at the price)",
        isin=["partner_government", "developer"],
    )
    developer_credits_t_per_yr: Series[float] = _f("Credits the developer sells, t/yr", ge=0)
    developer_credit_revenue_usd_per_yr: Series[float] = _f("Developer's credits x price, USD/yr", ge=0)
    partner_cost_usd_per_t: Series[float] = _f(
        "Partner government: subsidy / partner credits over the period, or the credit price it buys at, "
        "USD/t; null: capex unknown",
        nullable=True,
    )
    npv_with_credits_usd: Series[float] = _f(
        "Developer's NPV at the discount rate, central fuel price: -upfront cost + subsidy + (fuel savings - "
        "dO&M) / CRF + its own credit sales over the crediting period, USD; null: an input unknown",
        nullable=True,
    )
    developer_npv_hurdle_low_usd: Series[float] = _f(
        "Developer's NPV with subsidy and credits at the hurdle rate, low fuel price, USD", nullable=True
    )
    developer_npv_hurdle_central_usd: Series[float] = _f(
        "Developer's NPV with subsidy and credits at the hurdle rate, central fuel price, USD", nullable=True
    )
    developer_npv_hurdle_high_usd: Series[float] = _f(
        "Developer's NPV with subsidy and credits at the hurdle rate, high fuel price, USD", nullable=True
    )
    passes_hurdle_with_credits: Series[bool] = _f(
        "developer_npv_hurdle_central_usd >= 0 (null: unknown)", nullable=True
    )
    npv_society_usd: Series[float] = _f(
        "Society's NPV, no transfers (technology_swaps.npv_usd), USD", nullable=True
    )
    breakeven_credit_price_usd_per_t: Series[float] = _f(
        "(upfront x CRF + dO&M - fuel savings) / (creditable x (1 - d) x (1 - SOP - OMGE) x (1 - host share)): "
        "the price at which the non-host credits cover the net annual cost, 0 if none is needed, USD/t; null: "
        "an input unknown",
        nullable=True,
        ge=0,
    )

    @pa.dataframe_check
    @sql_check(
        sql_cmp("abs(host_credits_t_per_yr + partner_credits_t_per_yr - credited_t_per_yr)", "<", "1e-3")
    )
    def split_adds_up(cls, df: pd.DataFrame) -> Series[bool]:
        return (
            df["host_credits_t_per_yr"] + df["partner_credits_t_per_yr"] - df["credited_t_per_yr"]
        ).abs() < 1e-3

    class Config:
        name = "credits"
        description = (
            "Creditable t/yr per unit x bilateral agreement, for the unit's chosen option only "
            "(chosen_options), split host / partner, with each party's economics (developer with the "
            "subsidy linked to credit delivery, host, partner's USD per tonne, society) and the break-even "
            "credit price with haircut and host share; options outside an agreement's scope are absent."
        )
        metadata = {"key": ["credit_id"]}
        strict = "filter"
        coerce = True


class HostCountryProgrammes(pa.DataFrameModel):
    programme_id: Series[str] = _f("country|sector|swap_type|to_technology|status_group", unique=True)
    country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    sector: Series[str] = _f("Sector")
    swap_type: Series[str] = _f("Swap type")
    to_technology: Series[str] = _f("Project technology of the units' chosen options")
    status_group: Series[str] = _f("operating or pipeline", isin=["operating", "pipeline"])
    units: Series[int] = _f("Units whose chosen option this is", ge=1)
    units_additional: Series[int] = _f("Of those, additional", ge=0)
    units_depends_on_price: Series[int] = _f("Of those, depends_on_price", ge=0)
    capacity_mw: Series[float] = _f(
        "Their capacity, MW (null: efficiency projects given in MWh)", nullable=True, ge=0
    )
    baseline_co2_t_per_yr: Series[float] = _f("Their BAU CO2, t/yr", ge=0)
    reduction_bau_t_per_yr: Series[float] = _f("Reduction potential (BAU basis), t/yr", nullable=True)
    reduction_creditable_t_per_yr: Series[float] = _f("Conservative creditable reduction, t/yr", ge=0)
    credited_t_per_yr: Series[float] = _f("Credits under the host's agreement, t/yr", ge=0)
    units_with_cost: Series[int] = _f("Units whose upfront cost is known", ge=0)
    incremental_capex_usd: Series[float] = _f(
        "Capex of the decisions, USD (units with a capex)", nullable=True
    )
    stranded_value_usd: Series[float] = _f(
        "Stranded value of replaced units, USD (where known)", nullable=True
    )
    mac_mean_usd_per_t: Series[float] = _f("Mean MAC, USD/t", nullable=True)
    mac_median_usd_per_t: Series[float] = _f("Median MAC, USD/t", nullable=True)

    class Config:
        name = "host_country_programmes"
        description = (
            "Sector programmes (NAMA widening) per host country x sector x swap type x target technology x "
            "status group, over each unit's chosen option (chosen_options): units, baseline, reduction "
            "potential, credits, capex, stranded value, mean and median MAC. Each unit is in one row, so a "
            "country's rows add up."
        )
        metadata = {"key": ["programme_id"]}
        strict = "filter"
        coerce = True


class MacCurve(pa.DataFrameModel):
    country_iso3: Series[str] = _f("Host country, ISO3", str_length=3)
    mac_rank: Series[int] = _f("Rank by MAC within the country (1 = cheapest)", ge=1)
    swap_id: Series[str] = _f("The unit's chosen option (chosen_options)", unique=True)
    unit_id: Series[str] = _f("Unit")
    sector: Series[str] = _f("Sector")
    swap_type: Series[str] = _f("Swap type")
    from_technology: Series[str] = _f("Baseline technology")
    to_technology: Series[str] = _f("Project technology")
    status: Series[str] = _f("Unit status")
    decision: Series[str] = _f("build_instead, retrofit, replace or new_project", isin=DECISIONS)
    additionality: Series[str] = _f(
        "additional or depends_on_price; null: test not run", nullable=True, isin=ADDITIONALITY
    )
    mac_usd_per_t: Series[float] = _f("MAC at the central fuel price, USD/tCO2")
    reduction_bau_t_per_yr: Series[float] = _f("Reduction (BAU basis), t/yr", gt=0)
    cumulative_reduction_bau_t_per_yr: Series[float] = _f(
        "Cumulative BAU reduction up to this rank, t/yr", gt=0
    )
    reduction_creditable_t_per_yr: Series[float] = _f("Creditable reduction, t/yr", ge=0)
    cumulative_reduction_creditable_t_per_yr: Series[float] = _f(
        "Cumulative creditable reduction, t/yr", ge=0
    )

    class Config:
        name = "mac_curve"
        description = (
            "Marginal abatement cost curve per host country: each unit's chosen option (chosen_options) "
            "sorted by MAC, with cumulative reductions; options with an undefined or implausible MAC are left "
            "out (chosen_options.mac_curve_exclusion says why)."
        )
        metadata = {"key": ["country_iso3", "mac_rank"]}
        unique = ["country_iso3", "mac_rank"]
        strict = "filter"
        coerce = True


class ProjectCaseResults(pa.DataFrameModel):
    case_id: Series[str] = _f("Case id (cases/<case_id>.yaml)", unique=True)
    country_iso3: Series[str] = _f("Host country, ISO3")
    from_technology: Series[str] = _f("Baseline technology ('grid' for grid displacement)")
    to_technology: Series[str] = _f("Project technology")
    swap_type: Series[str] = _f(
        "efficiency_upgrade, fuel_switch, grid_displacement or end_use_efficiency (end-use programmes)",
        isin=SWAP_TYPES,
    )
    capacity_mw: Series[float] = _f(
        "Capacity, MW (null: a grid case given in MWh/yr, an end-use programme)", nullable=True, gt=0
    )
    net_generation_mwh_per_yr: Series[float] = _f(
        "Net generation (grid cases: generated or saved; end-use programmes: saved at full deployment), MWh/yr",
        ge=0,
    )
    efficiency_bau_lhv: Series[float] = _eff("Baseline efficiency; null for grid cases", nullable=True)
    efficiency_reference_lhv: Series[float] = _eff(
        "Conservative reference efficiency; null for grid cases", nullable=True
    )
    efficiency_project_lhv: Series[float] = _eff("Project efficiency; null for grid cases", nullable=True)
    grid_ef_bau_t_per_mwh: Series[float] = _f("Grid cases: BAU combined margin, tCO2/MWh", nullable=True)
    grid_ef_reference_t_per_mwh: Series[float] = _f(
        "Grid cases: conservative crediting factor, tCO2/MWh", nullable=True
    )
    baseline_co2_t_per_yr: Series[float] = _f("BAU CO2, t/yr", ge=0)
    project_co2_t_per_yr: Series[float] = _f("Project CO2, t/yr", ge=0)
    reduction_bau_t_per_yr: Series[float] = _f("BAU reduction, t/yr")
    reduction_creditable_t_per_yr: Series[float] = _f("Conservative creditable reduction, t/yr", ge=0)
    reference_rule: Series[str] = _f("Rule that set the reference")
    crediting_basis: Series[str] = _f("bau or creditable")
    credit_share: Series[float] = _f("Share credited (fraction)", ge=0, le=1)
    agreement_id: Series[str] = _f(
        "Agreement the case is credited under (its haircut, SOP and OMGE apply); null: none", nullable=True
    )
    credited_t_per_yr: Series[float] = _f(
        "Reduction on the crediting basis x credit share (x (1 - haircut)(1 - SOP - OMGE) under an agreement "
        "that covers the case's technology and swap type; 0 under one that does not, flagged), t/yr"
    )
    credit_price_usd_per_t: Series[float] = _f("Credit price, USD/t", ge=0)
    credit_revenue_usd_per_yr: Series[float] = _f("Credited x price, USD/yr")
    fuel_saved_tj_per_yr: Series[float] = _f("Fuel saved, TJ/yr", nullable=True)
    fuel_saved_t_per_yr: Series[float] = _f("Fuel saved, t/yr", nullable=True)
    fuel_price_usd_per_gj: Series[float] = _f("Fuel price, USD/GJ", nullable=True)
    fuel_savings_usd_per_yr: Series[float] = _f("Fuel savings, USD/yr", nullable=True)
    delta_om_usd_per_yr: Series[float] = _f("O&M difference, USD/yr", nullable=True)
    incremental_capex_usd: Series[float] = _f("Incremental capex, USD", nullable=True)
    discount_rate: Series[float] = _f(
        "Discount rate (fraction); null only for a grid case without one", nullable=True
    )
    lifetime_yr: Series[float] = _f("Lifetime, years; null only for a grid case without one", nullable=True)
    crf: Series[float] = _f("Capital recovery factor; null only for a grid case without one", nullable=True)
    annualised_cost_usd_per_yr: Series[float] = _f("Capex x CRF + dO&M, USD/yr", nullable=True)
    simple_payback_yr: Series[float] = _f(
        "Upfront cost / (savings - dO&M + credit revenue), years", nullable=True
    )
    simple_payback_no_credits_yr: Series[float] = _f("Upfront cost / (savings - dO&M), years", nullable=True)
    npv_usd: Series[float] = _f("NPV with credits over the lifetime at the discount rate, USD", nullable=True)
    npv_no_credits_usd: Series[float] = _f("NPV without credits at the discount rate, USD", nullable=True)
    mac_usd_per_t: Series[float] = _f("MAC on the BAU reduction, USD/t", nullable=True)
    breakeven_credit_price_usd_per_t: Series[float] = _f(
        "Break-even price at the case's share: (upfront x CRF + dO&M - fuel savings) / credited t, USD/t "
        "(0 if none is needed; null: an input unknown)",
        nullable=True,
    )
    flags: Series[str] = _f("Warnings", nullable=True)
    decision: Series[str] = _f(
        "build_instead (the founding case's reading; an end-use programme: buy the efficient unit instead) or "
        "new_project",
        isin=DECISIONS,
    )
    cost_basis: Series[str] = _f(
        "Where the capex and O&M came from (the case's own values, or the catalogue)"
    )
    hurdle_rate: Series[float] = _f("Hurdle rate of the investment test (fraction per yr)", nullable=True)
    npv_hurdle_no_credits_low_usd: Series[float] = _f(
        "NPV without credits at the hurdle rate, low fuel price, USD", nullable=True
    )
    npv_hurdle_no_credits_usd: Series[float] = _f(
        "NPV without credits at the hurdle rate, central fuel price, USD", nullable=True
    )
    npv_hurdle_no_credits_high_usd: Series[float] = _f(
        "NPV without credits at the hurdle rate, high fuel price, USD", nullable=True
    )
    npv_hurdle_with_credits_usd: Series[float] = _f(
        "NPV with the case's credits over its lifetime at the hurdle rate, central fuel price, USD",
        nullable=True,
    )
    passes_hurdle_with_credits: Series[bool] = _f("npv_hurdle_with_credits_usd >= 0", nullable=True)
    additionality: Series[str] = _f(
        "Investment test without credits: additional, depends_on_price or not_additional; null: not run",
        nullable=True,
        isin=ADDITIONALITY,
    )
    additionality_rule: Series[str] = _f("The investment test's rule as applied, or why it was not run")

    @pa.dataframe_check
    @sql_check(
        "swap_type IN ('grid_displacement', 'end_use_efficiency') OR "
        + sql_notna(
            "efficiency_bau_lhv",
            "efficiency_reference_lhv",
            "efficiency_project_lhv",
            "capacity_mw",
            "discount_rate",
            "lifetime_yr",
            "crf",
        )
    )
    def plant_cases_have_efficiencies_and_economics(cls, df: pd.DataFrame) -> Series[bool]:
        cols = ["efficiency_bau_lhv", "efficiency_reference_lhv", "efficiency_project_lhv", "capacity_mw"]
        cols += ["discount_rate", "lifetime_yr", "crf"]
        return df["swap_type"].isin(["grid_displacement", "end_use_efficiency"]) | df[cols].notna().all(
            axis=1
        )

    class Config:
        name = "project_case_results"
        description = (
            "User project cases (cases/*.yaml) evaluated by the plant_baselines / technology_swaps SQL, "
            "with the case's credit share and price: reductions, credits, fuel savings, capex, payback, NPV, MAC."
        )
        metadata = {"key": ["case_id"]}
        strict = "filter"
        coerce = True
