"""Pandera models of the grid-emission-factor tables (issue 4): TOOL07 margins, published factors, swaps."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

EF = "tCO2/MWh"
MARGINS = ["OM", "BM", "CM", "average"]
SOURCES = ["computed", "cea", "ifi", "owid"]
PROJECT_TYPES = ["solar_pv", "wind", "efficiency"]


class CdmRegisteredUnits(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Grid (country) the unit supplies")
    s_no: Series[int] = pa.Field(ge=1, description="CEA station number (S_NO)")
    unit_no: Series[int] = pa.Field(ge=1, description="CEA unit number (UNIT_NO)")
    station_name: Series[str] = pa.Field(description="Station name as CEA writes it")
    commissioned_date: Series[pa.Date] = pa.Field(description="Commissioning date as CEA gives it")
    capacity_mw: Series[float] = pa.Field(ge=0, description="Capacity on 31/03/2019, MW")
    plant_type: Series[str] = pa.Field(description="THERMAL or HYDRO")
    fuel_1: Series[str] = pa.Field(nullable=True, description="CEA FUEL 1 (blank for hydro)")
    cdm_project_ref: Series[int] = pa.Field(
        ge=1, description="UNFCCC CDM project reference as CEA writes it (CDM#<ref>)"
    )
    source_document: Series[str] = pa.Field(description="Document the row comes from")
    source_table: Series[str] = pa.Field(description="Sheet and column in that document")
    source_page: Series[str] = pa.Field(description="Where to check the registration")

    class Config:
        name = "cdm_registered_units"
        description = (
            "Units registered as CDM project activities, excluded from TOOL07 build-margin samples (the exclusion "
            "list). India: the 82 units CEA v15 marks 'CDM#<ref>' in its 'in Build Margin' columns (33 projects)."
        )
        metadata = {"key": ["country_iso3", "s_no", "unit_no", "commissioned_date"]}
        strict = "filter"
        coerce = True


class GridMarginsComputed(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Grid (country)")
    period: Series[str] = pa.Field(
        description="Fiscal year ('2018-19', CEA data) or calendar year (estimates)"
    )
    margin: Series[str] = pa.Field(isin=MARGINS, description="OM, BM, CM or average")
    method: Series[str] = pa.Field(
        description="simple_om, average_om, bm_tool07 (our sample), bm_publisher_sample (CEA's flags), "
        "cm_<w_OM>_<w_BM> (our BM) or cm_<w_OM>_<w_BM>_publisher_bm"
    )
    ef_t_per_mwh: Series[float] = pa.Field(ge=0, le=2.5, nullable=True, description=f"Emission factor, {EF}")
    lcmr_share: Series[float] = pa.Field(
        ge=0, le=1, description="Low-cost/must-run share of generation that period"
    )
    simple_om_allowed: Series[bool] = pa.Field(description="TOOL07 LCMR < 50 % test (five most recent years)")
    is_estimate: Series[bool] = pa.Field(
        description="True: from GEM units + OWID totals, not unit generation data"
    )
    basis: Series[str] = pa.Field(description="Input tables the value was computed from")
    note: Series[str] = pa.Field(description="Simplifications and the TOOL07 steps applied")

    class Config:
        name = "grid_margins_computed"
        description = (
            "TOOL07 v7.0 margins computed in Python (bcm_pipeline/grid): India from CEA station and unit data, "
            "every host country estimated from GEM fossil units and OWID average intensity."
        )
        metadata = {"key": ["country_iso3", "period", "margin", "method"]}
        strict = "filter"
        coerce = True


class GridBmSampleUnits(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Grid (country)")
    period: Series[str] = pa.Field(description="Fiscal year of the generation data")
    s_no: Series[int] = pa.Field(description="CEA station number")
    unit_no: Series[int] = pa.Field(description="CEA unit number")
    station_name: Series[str] = pa.Field(description="Station name as CEA writes it")
    commissioned_date: Series[pa.Date] = pa.Field(nullable=True, description="Commissioning date")
    capacity_mw: Series[float] = pa.Field(nullable=True, description="Capacity, MW")
    plant_type: Series[str] = pa.Field(nullable=True, description="THERMAL, HYDRO, NUCLEAR")
    generation_mwh: Series[float] = pa.Field(nullable=True, description="Net generation that year, MWh")
    in_computed_sample: Series[bool] = pa.Field(description="In the BM sample our TOOL07 code chose")
    in_cea_sample: Series[bool] = pa.Field(description="Flagged 'in Build Margin' by CEA")
    is_cdm: Series[bool] = pa.Field(description="On the cdm_registered_units exclusion list")
    generation_estimated: Series[bool] = pa.Field(
        description="Unit reports no own generation: capacity share of its station's remainder"
    )

    class Config:
        name = "grid_bm_sample_units"
        description = (
            "India BM samples per fiscal year: ours (TOOL07 from commissioning dates) beside CEA's flags."
        )
        metadata = {"key": ["period", "s_no", "unit_no", "commissioned_date"]}
        strict = "filter"
        coerce = True


class GridEmissionFactors(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Grid (country)")
    period: Series[str] = pa.Field(description="Year or fiscal year of the data (e.g. '2018-19', '2023')")
    margin: Series[str] = pa.Field(isin=MARGINS, description="OM, BM, CM or average")
    method: Series[str] = pa.Field(
        description="How the value was obtained (simple_om, bm_tool07, cm_0.5_0.5, ...)"
    )
    source: Series[str] = pa.Field(isin=SOURCES, description="computed (ours), cea, ifi or owid (published)")
    ef_t_per_mwh: Series[float] = pa.Field(ge=0, le=2.5, nullable=True, description=f"Emission factor, {EF}")
    vintage: Series[str] = pa.Field(
        description="Data vintage: ex post same year, publisher release, estimate year"
    )
    is_estimate: Series[bool] = pa.Field(
        description="True for GEM + OWID estimates (no unit generation data)"
    )
    note: Series[str] = pa.Field(nullable=True, description="Simplifications and flags")

    class Config:
        name = "grid_emission_factors"
        description = (
            "Grid emission factors per country × period × margin × method: our TOOL07 margins beside CEA's, "
            "IFI's harmonised and OWID's average intensity, tCO2/MWh."
        )
        metadata = {"key": ["country_iso3", "period", "margin", "method", "source"]}
        strict = "filter"
        coerce = True


class GridFactorForCrediting(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Host country")
    project_type: Series[str] = pa.Field(isin=PROJECT_TYPES, description="solar_pv, wind or efficiency")
    ef_t_per_mwh: Series[float] = pa.Field(ge=0, le=2.5, description=f"Conservative crediting factor, {EF}")
    source: Series[str] = pa.Field(isin=SOURCES, description="Source of the winning candidate")
    method: Series[str] = pa.Field(description="Method of the winning candidate")
    period: Series[str] = pa.Field(description="Period of the winning candidate")
    rule: Series[str] = pa.Field(description="The rule that chose it")
    candidates: Series[str] = pa.Field(description="Every credible candidate: source/method/period=value")
    n_candidates: Series[int] = pa.Field(ge=1, description="Number of credible candidates")

    class Config:
        name = "grid_factor_for_crediting"
        description = (
            "Conservative grid factor per host country and project type: the lowest credible CM candidate."
        )
        metadata = {"key": ["country_iso3", "project_type"]}
        strict = "filter"
        coerce = True


class GridProjectDefaults(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(description="Host country or '*' for every host country")
    to_technology: Series[str] = pa.Field(isin=PROJECT_TYPES, description="Project technology")
    sector: Series[str] = pa.Field(isin=["grid_renewable", "grid_efficiency"], description="Swap sector")
    capacity_mw: Series[float] = pa.Field(ge=0, nullable=True, description="Representative size, MW")
    capacity_factor: Series[float] = pa.Field(ge=0, le=1, nullable=True, description="Net capacity factor")
    net_generation_mwh_per_yr: Series[float] = pa.Field(
        ge=0, nullable=True, description="MWh/yr saved (efficiency) when not capacity × CF × 8760"
    )
    capex_usd_per_kw: Series[float] = pa.Field(
        ge=0, nullable=True, description="Total installed cost, USD/kW"
    )
    capex_price_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="Price year of the capex")
    lifetime_yr: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="Economic lifetime, years")
    discount_rate: Series[float] = pa.Field(
        ge=0,
        le=0.3,
        nullable=True,
        description="Real discount rate for the CRF (project value: 8 %, methodology §8)",
    )
    crediting_period: Series[int] = pa.Field(ge=1, le=3, description="Crediting period (CM weights)")
    source_document: Series[str] = pa.Field(description="Source document")
    source_table: Series[str] = pa.Field(description="Table / figure in it")
    source_page: Series[str] = pa.Field(description="Page or URL")
    verified: Series[str] = pa.Field(
        description="yes, partly or not applicable: checked against the document"
    )
    note: Series[str] = pa.Field(nullable=True, description="What is assumed")

    class Config:
        name = "grid_project_defaults"
        description = (
            "Representative grid-displacement projects per host country (size, CF, capex, life), cited."
        )
        metadata = {"key": ["country_iso3", "to_technology"]}
        strict = "filter"
        coerce = True


class GridDisplacementSwaps(pa.DataFrameModel):
    """The technology_swaps column contract (technology_swaps unions these rows), plus its economics columns."""

    swap_id: Series[str] = pa.Field(
        unique=True, description="grid:<ISO3>:<to_technology>, or case:<case_id>:<to_technology>"
    )
    unit_id: Series[str] = pa.Field(
        description="No existing unit: grid:<ISO3>:<to_technology>, or the case id"
    )
    unit_source: Series[str] = pa.Field(
        isin=["grid_project_defaults", "case"],
        description="'grid_project_defaults' (representative project per host) or 'case' (cases/*.yaml)",
    )
    country_iso3: Series[str] = pa.Field(str_length=3, description="Host country")
    sector: Series[str] = pa.Field(isin=["grid_renewable", "grid_efficiency"], description="Swap sector")
    swap_type: Series[str] = pa.Field(isin=["grid_displacement"], description="grid_displacement")
    from_technology: Series[str] = pa.Field(isin=["grid"], description="grid")
    to_technology: Series[str] = pa.Field(isin=PROJECT_TYPES, description="solar_pv, wind, efficiency")
    is_upgrade: Series[bool] = pa.Field(
        description="True: a new zero-emission project displacing grid power is eligible as an upgrade"
    )
    capacity_mw: Series[float] = pa.Field(nullable=True, description="Project capacity, MW")
    net_generation_mwh_per_yr: Series[float] = pa.Field(ge=0, description="MWh/yr generated or saved")
    baseline_co2_t_per_yr: Series[float] = pa.Field(
        ge=0, description="MWh × computed CM (right weights), tCO2/yr"
    )
    project_co2_t_per_yr: Series[float] = pa.Field(
        ge=0, description="0: no combustion in the project, tCO2/yr"
    )
    reduction_bau_t_per_yr: Series[float] = pa.Field(description="Baseline − project, tCO2/yr")
    reference_co2_t_per_yr: Series[float] = pa.Field(
        ge=0, description="MWh × conservative crediting factor, tCO2/yr"
    )
    reduction_creditable_t_per_yr: Series[float] = pa.Field(description="Reference − project, tCO2/yr")
    reference_rule: Series[str] = pa.Field(
        description="The rule of grid_factor_for_crediting that set the factor"
    )
    bau_reference_gap_t_per_yr: Series[float] = pa.Field(description="BAU − creditable reduction, tCO2/yr")
    fuel_saved_tj_per_yr: Series[float] = pa.Field(
        nullable=True,
        description="Fuel the displaced operating margin would burn: MWh × the host's operating fossil fleet's "
        "TJ per net MWh, TJ/yr (null: no fleet)",
    )
    fuel_savings_usd_per_yr: Series[float] = pa.Field(
        nullable=True,
        description="Value of the electricity: MWh × the fuel cost per net MWh of the host's operating fossil "
        "fleet (TOOL07's simple-OM set) at the central price, USD of usd_price_year per yr (null: a fleet fuel "
        "without a price)",
    )
    incremental_capex_usd: Series[float] = pa.Field(
        nullable=True,
        description="Capex × capacity, USD of usd_price_year (a case's own capex as given); null: unknown",
    )
    annualised_cost_usd_per_yr: Series[float] = pa.Field(
        nullable=True, description="Capex × CRF + fixed O&M, USD/yr (null: an input unknown)"
    )
    npv_usd: Series[float] = pa.Field(
        nullable=True,
        description="Society's NPV: -capex + (fuel savings - O&M) / CRF at the discount rate, central price, "
        "no credits, USD",
    )
    simple_payback_yr: Series[float] = pa.Field(
        nullable=True, description="Capex / (fuel savings - O&M) where that is positive, years"
    )
    mac_usd_per_t: Series[float] = pa.Field(
        nullable=True,
        description="(Capex × CRF + O&M - fuel savings) / BAU reduction (the plant swaps' basis), USD/t",
    )
    breakeven_credit_price_usd_per_t: Series[float] = pa.Field(
        nullable=True,
        description="Credit price at which the creditable reduction pays the net annual cost, >= 0, USD/t",
    )
    flags: Series[str] = pa.Field(
        nullable=True, description="Grid factor used, missing inputs and labelled choices, ';'-separated"
    )
    status: Series[str] = pa.Field(
        isin=["proposed", "case"], description="'proposed' (representative project) or 'case'"
    )
    project_co2_conservative_t_per_yr: Series[float] = pa.Field(ge=0, description="0, tCO2/yr")
    delta_om_usd_per_yr: Series[float] = pa.Field(
        nullable=True,
        description="The project's fixed O&M (its cost region's USD/kW-yr × kW; the displaced plants' O&M not "
        "counted), USD/yr",
    )
    discount_rate: Series[float] = pa.Field(
        ge=0, lt=1, nullable=True, description="Discount rate for the CRF (fraction)"
    )
    lifetime_yr: Series[float] = pa.Field(gt=0, nullable=True, description="Economic lifetime, years")
    crf: Series[float] = pa.Field(gt=0, le=1, nullable=True, description="Capital recovery factor, 1/yr")
    grid_ef_bau_t_per_mwh: Series[float] = pa.Field(
        nullable=True, description="BAU combined margin (project type's weights), tCO2/MWh"
    )
    grid_ef_reference_t_per_mwh: Series[float] = pa.Field(
        nullable=True, description="Conservative crediting factor (or the case's own), tCO2/MWh"
    )
    decision: Series[str] = pa.Field(isin=["new_project"], description="new_project: nothing replaced")
    cost_basis: Series[str] = pa.Field(description="Where the capex, O&M and energy value came from")
    usd_price_year: Series[pd.Int64Dtype] = pa.Field(description="Price year of the money columns")
    capex_usd_per_kw: Series[float] = pa.Field(
        nullable=True, description="Capex, USD of usd_price_year per kW"
    )
    stranded_value_usd: Series[float] = pa.Field(ge=0, description="0: nothing retired, USD")
    upfront_cost_usd: Series[float] = pa.Field(nullable=True, description="The capex, USD")
    fuel_savings_low_usd_per_yr: Series[float] = pa.Field(
        nullable=True, description="Value of the electricity at the low fuel price, USD/yr"
    )
    fuel_savings_high_usd_per_yr: Series[float] = pa.Field(
        nullable=True, description="Value of the electricity at the high fuel price, USD/yr"
    )
    hurdle_rate: Series[float] = pa.Field(nullable=True, description="Investment-test hurdle rate (fraction)")
    npv_hurdle_low_usd: Series[float] = pa.Field(
        nullable=True, description="NPV without credits at the hurdle rate, low fuel price, USD"
    )
    npv_hurdle_central_usd: Series[float] = pa.Field(
        nullable=True, description="NPV without credits at the hurdle rate, central fuel price, USD"
    )
    npv_hurdle_high_usd: Series[float] = pa.Field(
        nullable=True, description="NPV without credits at the hurdle rate, high fuel price, USD"
    )
    additionality: Series[str] = pa.Field(
        nullable=True,
        isin=["additional", "depends_on_price", "not_additional"],
        description="Investment test (technology_swaps' rule); null: not run (an input unknown)",
    )
    additionality_rule: Series[str] = pa.Field(description="The rule as applied, or why it was not run")

    class Config:
        name = "grid_displacement_swaps"
        description = (
            "Grid-displacement projects (solar PV, wind, efficiency) per host country and per grid project case, "
            "in the technology_swaps column contract: MWh × the combined margin (BAU) and × the conservative "
            "crediting factor; capex and fixed O&M of the host's cost region in USD of the price year, the "
            "electricity valued at the fuel cost of the operating margin it displaces, and the investment test."
        )
        metadata = {"key": ["swap_id"]}
        strict = "filter"
        coerce = True
