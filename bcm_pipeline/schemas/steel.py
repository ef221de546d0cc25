"""Pandera models of the iron and steel tables: GIST plants and units, POSTED values (and their USD
conversion), the authored steel defaults, and the steel_baselines mart."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from bcm_pipeline.schemas.base import sql_check, sql_cmp, sql_isna
from bcm_pipeline.schemas.reference import _citation_field, _ordered, _sql_ordered

GIST_STATUSES = [
    "operating",
    "operating_pre-retirement",
    "construction",
    "announced",
    "mothballed",
    "mothballed_pre-retirement",
    "retired",
    "cancelled",
]
FURNACE_TYPES = ["bf", "bof", "eaf", "dri", "ohf"]
STEEL_ROUTES = [
    "steel_bf_bof",
    "steel_dri_eaf_gas",
    "steel_dri_eaf_coal",
    "steel_scrap_eaf",
    "steel_open_hearth",
    "steel_unspecified",
]
SHA = "SHA-256 of the raw GIST file this row came from"
TOL = 1e-6


def _t(description: str) -> object:
    return pa.Field(
        ge=0, nullable=True, description=f"{description}, t/yr (ttpa x 1,000); null: none reported"
    )


class SteelPlants(pa.DataFrameModel):
    gem_plant_id: Series[str] = pa.Field(description="GEM plant id (e.g. P100000120240)")
    status: Series[str] = pa.Field(
        isin=GIST_STATUSES,
        description="Status of this part of the plant's capacity (GIST gives one row per status)",
    )
    is_operating: Series[bool] = pa.Field(description="status is operating or operating_pre-retirement")
    plant_name: Series[str] = pa.Field(description="Plant name (English)")
    plant_name_local: Series[str] = pa.Field(nullable=True, description="Plant name in the local language")
    owner: Series[str] = pa.Field(nullable=True, description="Owner as GEM lists it")
    parent: Series[str] = pa.Field(
        nullable=True, description="Parent company(ies), with shares where GEM gives them"
    )
    country_name: Series[str] = pa.Field(description="Country or area as GEM names it")
    country_iso3: Series[str] = pa.Field(str_length=3, description="ISO 3166 alpha-3 code")
    subnational_unit: Series[str] = pa.Field(nullable=True, description="Province or state")
    latitude: Series[float] = pa.Field(
        ge=-90, le=90, nullable=True, description="Latitude, decimal degrees WGS84"
    )
    longitude: Series[float] = pa.Field(
        ge=-180, le=180, nullable=True, description="Longitude, decimal degrees"
    )
    coordinate_accuracy: Series[str] = pa.Field(
        isin=["exact", "approximate"], nullable=True, description="'exact' or 'approximate'"
    )
    start_date: Series[str] = pa.Field(
        nullable=True, description="Plant start as GIST gives it: a year, year-month or date; null if unknown"
    )
    start_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1700,
        le=2050,
        nullable=True,
        description="Calendar year of the plant's start (from start_date; four Russian and Romanian works date from the 1700s)",
    )
    main_production_equipment: Series[str] = pa.Field(
        nullable=True, description="GIST's list of equipment, e.g. 'BF; BOF; EAF'"
    )
    steel_products: Series[str] = pa.Field(nullable=True, description="Products as GEM lists them")
    crude_steel_capacity_t_per_yr: Series[float] = _t("Nominal crude steel capacity")
    bof_steel_capacity_t_per_yr: Series[float] = _t("Nominal basic oxygen furnace steel capacity")
    eaf_steel_capacity_t_per_yr: Series[float] = _t("Nominal electric arc furnace steel capacity")
    ohf_steel_capacity_t_per_yr: Series[float] = _t("Nominal open hearth furnace steel capacity")
    other_steel_capacity_t_per_yr: Series[float] = _t("Other or unspecified steel capacity (route unknown)")
    iron_capacity_t_per_yr: Series[float] = _t("Nominal iron capacity (BF + DRI + other)")
    bf_capacity_t_per_yr: Series[float] = _t("Nominal blast furnace (pig iron) capacity")
    dri_capacity_t_per_yr: Series[float] = _t("Nominal direct reduced iron capacity")
    other_iron_capacity_t_per_yr: Series[float] = _t("Other or unspecified iron capacity")
    capacity_flags: Series[str] = pa.Field(
        nullable=True,
        description="';'-separated '<column>_positive_unknown': GIST wrote '>0' (capacity exists, size unknown), "
        "so that column is null",
    )
    gem_wiki_url: Series[str] = pa.Field(nullable=True, description="The plant's page on gem.wiki")
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "steel_plants"
        description = (
            "Iron and steel plants of Global Energy Monitor's Global Iron and Steel Tracker (March 2025 map file, "
            "CC BY 4.0): one row per plant and status (a plant with operating and announced capacity has two "
            "rows; add the rows of one status, never across statuses), nominal capacities by route in t/yr."
        )
        metadata = {"key": ["gem_plant_id", "status"]}
        unique = ["gem_plant_id", "status"]
        strict = "filter"
        coerce = True


class SteelUnits(pa.DataFrameModel):
    gem_unit_id: Series[str] = pa.Field(unique=True, description="GEM unit id (e.g. U100000144311)")
    gem_plant_id: Series[str] = pa.Field(description="GEM plant id (steel_plants.gem_plant_id)")
    furnace_type: Series[str] = pa.Field(
        isin=FURNACE_TYPES, description="bf (blast furnace), bof, eaf, dri or ohf (open hearth)"
    )
    gem_tab_type: Series[str] = pa.Field(description="GIST's own tab-type, e.g. Blast_furnaces")
    unit_name: Series[str] = pa.Field(nullable=True, description="Unit name, e.g. 'BF 1' (GIST names no BOF)")
    status: Series[str] = pa.Field(isin=GIST_STATUSES, description="Unit status")
    capacity_t_per_yr: Series[float] = pa.Field(
        ge=0, nullable=True, description="Current capacity, t/yr (ttpa x 1,000); null when GIST gives '>0'"
    )
    flags: Series[str] = pa.Field(
        nullable=True, description="capacity_t_per_yr_positive_unknown where GIST wrote '>0'"
    )
    plant_start_date: Series[str] = pa.Field(
        nullable=True,
        description="The PLANT's start (year, year-month or date): the map file gives no unit start date",
    )
    plant_start_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1700, le=2050, nullable=True, description="Calendar year of plant_start_date"
    )
    most_recent_relining: Series[str] = pa.Field(
        nullable=True, description="Most recent relining (blast furnaces), year, year-month or date"
    )
    most_recent_relining_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1900, le=2050, nullable=True, description="Calendar year of the most recent relining"
    )
    plant_name: Series[str] = pa.Field(description="Plant name (English)")
    country_iso3: Series[str] = pa.Field(str_length=3, description="ISO 3166 alpha-3 code")
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "steel_units"
        description = (
            "Production units (furnaces) of GEM's Global Iron and Steel Tracker, March 2025 map file (CC BY 4.0): "
            "one row per blast furnace, BOF, EAF, DRI furnace or open hearth, capacity in t/yr."
        )
        metadata = {"key": ["gem_unit_id"]}
        strict = "filter"
        coerce = True


class PostedSteelTechnologies(pa.DataFrameModel):
    technology: Series[str] = pa.Field(
        isin=[
            "Integrated Blast Furnace and Basic Oxygen Furnace",
            "Direct Reduction of Iron",
            "Electric Arc Furnace",
        ],
        description="POSTED technology (its file name)",
    )
    source_row: Series[int] = pa.Field(
        ge=2, description="Line of the POSTED CSV the value is on (line 1: header)"
    )
    source: Series[str] = pa.Field(description="POSTED key of the publication cited (e.g. Vogl-2018)")
    source_detail: Series[str] = pa.Field(
        nullable=True, description="Page, table or section in that publication"
    )
    mode: Series[str] = pa.Field(nullable=True, description="Mode (e.g. H2, NG, Primary, Secondary, '*' any)")
    carbon_capture: Series[str] = pa.Field(
        nullable=True, description="Carbon-capture case; null if not a dimension"
    )
    reheating: Series[str] = pa.Field(
        nullable=True, description="EAF reheating case; null if not a dimension"
    )
    component: Series[str] = pa.Field(nullable=True, description="Component ('#' whole plant, Labour, ...)")
    period: Series[pd.Int64Dtype] = pa.Field(
        ge=1990, le=2060, nullable=True, description="Year the value is for"
    )
    variable: Series[str] = pa.Field(description="POSTED variable, e.g. CAPEX, Input|Electricity")
    reference_variable: Series[str] = pa.Field(
        nullable=True, description="What the value is per, e.g. Output|Steel Liquid"
    )
    value: Series[float] = pa.Field(description="Value, in `unit` per `reference_value` `reference_unit`")
    uncertainty: Series[float] = pa.Field(nullable=True, description="Uncertainty POSTED gives, in `unit`")
    unit: Series[str] = pa.Field(
        description="Unit of value as POSTED writes it (e.g. MWh, EUR_2010, mnUSD_2010/yr)"
    )
    reference_value: Series[float] = pa.Field(
        nullable=True, description="Amount of reference_unit the value is for"
    )
    reference_unit: Series[str] = pa.Field(
        nullable=True, description="Unit of the reference (t, t/year, Mt/yr ...)"
    )
    value_per_reference_unit: Series[float] = pa.Field(
        nullable=True, description="value / reference_value: `unit` per one `reference_unit`"
    )
    currency: Series[str] = pa.Field(
        isin=["EUR", "USD"], nullable=True, description="Currency of a money unit"
    )
    price_year: Series[pd.Int64Dtype] = pa.Field(
        ge=2000, le=2030, nullable=True, description="Price year of a money unit (EUR_2010 -> 2010)"
    )
    currency_multiplier: Series[float] = pa.Field(
        nullable=True, description="1, 1e3 (k) or 1e6 (M, mn) of a money unit"
    )
    comment: Series[str] = pa.Field(nullable=True, description="POSTED's comment")
    source_sha256: Series[str] = pa.Field(description="SHA-256 over the three POSTED files' sha256 values")

    class Config:
        name = "posted_steel_technologies"
        description = (
            "Cited techno-economic values for steel routes from POSTED (Verpoort et al., CC BY 4.0; pinned "
            "commit): BF-BOF, DRI and EAF, one row per value with its publication, page, period and unit. "
            "Money values are converted to USD in posted_steel_costs."
        )
        metadata = {"key": ["technology", "source_row"]}
        unique = ["technology", "source_row"]
        strict = "filter"
        coerce = True


class PostedSteelCosts(pa.DataFrameModel):
    technology: Series[str] = pa.Field(description="POSTED technology")
    source_row: Series[int] = pa.Field(description="Line of the POSTED CSV (posted_steel_technologies key)")
    source: Series[str] = pa.Field(description="Publication cited")
    source_detail: Series[str] = pa.Field(nullable=True, description="Page, table or section")
    mode: Series[str] = pa.Field(nullable=True, description="Mode")
    component: Series[str] = pa.Field(nullable=True, description="Component")
    period: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="Year the value is for")
    variable: Series[str] = pa.Field(description="CAPEX, OPEX Fixed, OPEX Variable, ...")
    value: Series[float] = pa.Field(description="Value as POSTED gives it, in `unit`")
    unit: Series[str] = pa.Field(description="Money unit as POSTED writes it")
    currency: Series[str] = pa.Field(isin=["EUR", "USD"], description="Currency of `unit`")
    price_year: Series[int] = pa.Field(description="Price year of `unit`")
    reference_value: Series[float] = pa.Field(nullable=True, description="Amount of reference_unit")
    reference_unit: Series[str] = pa.Field(
        nullable=True, description="Unit of the reference (t/year, Mt/yr ...)"
    )
    usd_price_year: Series[int] = pa.Field(description="Price year of the USD columns")
    value_usd: Series[float] = pa.Field(
        description="value x currency_multiplier in USD of usd_price_year (to_usd: ECB rate of the price year, "
        "then US GDP deflator)"
    )
    value_usd_per_reference_unit: Series[float] = pa.Field(
        nullable=True, description="value_usd / reference_value: USD per one reference_unit"
    )

    class Config:
        name = "posted_steel_costs"
        description = (
            "POSTED's money values for steel routes (CAPEX, OPEX) in US dollars of one price year, converted "
            "with to_usd and price_deflators."
        )
        metadata = {"key": ["technology", "source_row"]}
        unique = ["technology", "source_row"]
        strict = "filter"
        coerce = True


class SteelDefaults(pa.DataFrameModel):
    parameter: Series[str] = pa.Field(
        isin=[
            "co2_ef",
            "utilisation",
            "crude_steel_production_2023",
            "electricity",
            "dri_charge",
            "natural_gas",
            "coal",
            "dri_coal_share",
        ],
        description="What the row gives (see `unit`)",
    )
    item: Series[str] = pa.Field(description="Product, route or plant part the value is for")
    country_iso3: Series[str] = pa.Field(description="ISO3 country the value is for, '*' for any")
    value: Series[float] = pa.Field(ge=0, description="Central value, in `unit`")
    value_low: Series[float] = pa.Field(ge=0, nullable=True, description="Low end of the band, in `unit`")
    value_high: Series[float] = pa.Field(ge=0, nullable=True, description="High end of the band, in `unit`")
    unit: Series[str] = pa.Field(description="Unit of value, e.g. t CO2/t BOF steel, MWh/t liquid steel")
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="How the value is used; assumptions")

    @pa.dataframe_check
    @sql_check(_sql_ordered("value_low", "value", "value_high"))
    def band_brackets_value(cls, df: pd.DataFrame) -> Series[bool]:
        return _ordered(df, "value_low", "value", "value_high")

    class Config:
        name = "steel_defaults"
        description = (
            "Cited defaults for steel baselines: IPCC 2006 Vol. 3 Ch. 4 Table 4.1 Tier 1 CO2 factors, capacity "
            "utilisation (world and India), 2023 national crude steel production, electricity, DRI and fuel "
            "inputs per tonne (POSTED), with low/high bands. Authored in the repo (reference/steel_defaults.csv)."
        )
        metadata = {"key": ["parameter", "item", "country_iso3"]}
        unique = ["parameter", "item", "country_iso3"]
        strict = "filter"
        coerce = True


def _f(description: str, nullable: bool = True, **checks) -> object:
    return pa.Field(description=description, nullable=nullable, **checks)


class SteelBaselines(pa.DataFrameModel):
    baseline_id: Series[str] = _f("gem_plant_id:route_id", nullable=False, unique=True)
    gem_plant_id: Series[str] = _f("GEM plant id", nullable=False)
    plant_name: Series[str] = _f("Plant name", nullable=False)
    country_iso3: Series[str] = _f("ISO3 country", nullable=False)
    route_id: Series[str] = _f(
        "steel_bf_bof, steel_dri_eaf_gas, steel_dri_eaf_coal, steel_scrap_eaf, steel_open_hearth, "
        "steel_unspecified (GIST 'other/unspecified', route unknown)",
        nullable=False,
        isin=STEEL_ROUTES,
    )
    capacity_t_per_yr: Series[float] = _f(
        "Operating capacity of the route at the plant (operating + operating_pre-retirement), t crude steel/yr; "
        "null when GIST gives only '>0'",
        ge=0,
    )
    utilisation: Series[float] = _f("Capacity utilisation (fraction)", nullable=False, ge=0, le=1)
    utilisation_low: Series[float] = _f("Low end of the utilisation band", nullable=False, ge=0, le=1)
    utilisation_high: Series[float] = _f("High end of the utilisation band", nullable=False, ge=0, le=1)
    utilisation_tier: Series[str] = _f(
        "calibrated (a cited national utilisation: production / capacity of the country) or default (world)",
        nullable=False,
        isin=["calibrated", "default"],
    )
    utilisation_source: Series[str] = _f("Document the utilisation comes from", nullable=False)
    production_t_per_yr: Series[float] = _f("Crude steel production = capacity x utilisation, t/yr", ge=0)
    dri_t_per_yr: Series[float] = _f(
        "DRI the route uses = production x t DRI per t steel, t/yr (DRI routes)", ge=0
    )
    dri_reductant: Series[str] = _f(
        "gas or coal for DRI routes: ASSUMED from the country's share of coal DRI (GIST gives none)",
        isin=["gas", "coal"],
    )
    direct_co2_ef_t_per_t: Series[float] = _f(
        "Direct CO2 per t crude steel (IPCC Tier 1; DRI routes: EAF factor + t DRI x DRI factor), t/t",
        nullable=False,
        ge=0,
    )
    direct_co2_ef_t_per_t_low: Series[float] = _f("Low end of the direct factor, t/t", nullable=False, ge=0)
    direct_co2_ef_t_per_t_high: Series[float] = _f("High end of the direct factor, t/t", nullable=False, ge=0)
    direct_co2_t_per_yr: Series[float] = _f("Direct CO2 = production x direct factor, t/yr", ge=0)
    direct_co2_t_per_yr_low: Series[float] = _f(
        "Direct CO2, low band (low utilisation x low factor), t/yr", ge=0
    )
    direct_co2_t_per_yr_high: Series[float] = _f("Direct CO2, high band, t/yr", ge=0)
    electricity_mwh_per_t: Series[float] = _f(
        "Electricity per t crude steel (EAF, and the DRI plant for DRI routes); null: not estimated (BF-BOF, "
        "open hearth, unspecified)",
        ge=0,
    )
    electricity_mwh_per_yr: Series[float] = _f("Electricity used, MWh/yr", ge=0)
    natural_gas_tj_per_yr: Series[float] = _f("Natural gas of gas DRI, TJ/yr (LHV)", ge=0)
    coal_tj_per_yr: Series[float] = _f(
        "Coal, TJ/yr: BF-BOF (coking + PCI coal, IEA-GHG 2013 reference plant) or coal DRI (life-cycle energy)",
        ge=0,
    )
    grid_ef_t_per_mwh: Series[float] = _f(
        "Host grid's average CO2 intensity (OWID, latest year; grid_emission_factors), tCO2/MWh", gt=0
    )
    grid_ef_source: Series[str] = _f("Which grid factor and year")
    grid_ef_crediting_t_per_mwh: Series[float] = _f(
        "Host's conservative crediting factor for efficiency projects (grid_factor_for_crediting), tCO2/MWh",
        gt=0,
    )
    indirect_co2_t_per_yr: Series[float] = _f(
        "Indirect CO2 of the electricity = MWh x grid_ef_t_per_mwh, t/yr; null where not estimated", ge=0
    )
    indirect_co2_t_per_yr_low: Series[float] = _f(
        "Indirect CO2, low band (low utilisation x low MWh/t x the lower of the two grid factors), t/yr", ge=0
    )
    indirect_co2_t_per_yr_high: Series[float] = _f("Indirect CO2, high band (higher grid factor), t/yr", ge=0)
    total_co2_t_per_yr: Series[float] = _f(
        "direct + indirect (where estimated), t/yr. Do NOT add to plant_baselines: the indirect part is "
        "emitted by power plants already there",
        ge=0,
    )
    total_co2_t_per_yr_low: Series[float] = _f("Total, low band, t/yr", ge=0)
    total_co2_t_per_yr_high: Series[float] = _f("Total, high band, t/yr", ge=0)
    includes_indirect_electricity: Series[bool] = _f(
        "True when total_co2_t_per_yr includes indirect electricity CO2 (EAF and DRI routes with a grid factor)",
        nullable=False,
    )
    flags: Series[str] = _f("';'-separated warnings (utilisation_default, dri_reductant_assumed, ...)")

    @pa.dataframe_check
    @sql_check(
        " AND ".join(
            f"({sql_isna(c)} OR ({sql_cmp(f'{c}_low', '<=', f'{c} + {TOL}')}"
            f" AND {sql_cmp(c, '<=', f'{c}_high + {TOL}')}))"
            for c in ["direct_co2_t_per_yr", "indirect_co2_t_per_yr", "total_co2_t_per_yr"]
        )
    )
    def bands_bracket_central(cls, df: pd.DataFrame) -> Series[bool]:
        ok = pd.Series(True, index=df.index)
        for central in ["direct_co2_t_per_yr", "indirect_co2_t_per_yr", "total_co2_t_per_yr"]:
            low, high = df[f"{central}_low"], df[f"{central}_high"]
            ok &= df[central].isna() | ((low <= df[central] + TOL) & (df[central] <= high + TOL))
        return ok

    class Config:
        name = "steel_baselines"
        description = (
            "CO2 baseline per operating steel plant x route (GIST): production = capacity x utilisation (India "
            "calibrated to its national rate, else the world rate), direct CO2 = production x IPCC Tier 1 factor, "
            "indirect CO2 = EAF/DRI electricity x the host grid's average intensity; low/high bands. "
            "direct_co2_t_per_yr may be added to the power sector's plant_baselines; total_co2_t_per_yr may not "
            "(its indirect part is emitted by the power plants)."
        )
        metadata = {"key": ["baseline_id"]}
        strict = "filter"
        coerce = True


# --- Steel swaps (issue 16, second part) -----------------------------------------------------------------

STEEL_OPTIONS = ["steel_trt", "steel_whr", "steel_scrap_eaf", "steel_dri_eaf_gas"]


class SteelSwapOptions(pa.DataFrameModel):
    technology: Series[str] = pa.Field(
        isin=[*STEEL_OPTIONS, "steel_bf_bof"],
        description="The option (a BF-BOF measure or a target route) or steel_bf_bof (the plant replaced)",
    )
    parameter: Series[str] = pa.Field(
        isin=[
            "electricity_saved_mwh_per_t_hot_metal",
            "coal_saved_gj_per_t_sinter",
            "sinter_per_t_hot_metal",
            "capex_usd_per_t_yr_hot_metal",
            "capex_usd_per_t_yr_sinter",
            "fixed_om_share_of_capex",
            "lifetime_yr",
        ],
        description="What the row gives; its unit is in the name and in `unit`",
    )
    value: Series[float] = pa.Field(ge=0, description="Central value, in `unit`")
    value_low: Series[float] = pa.Field(
        ge=0, nullable=True, description="Low end (the conservative reduction uses it), in `unit`"
    )
    value_high: Series[float] = pa.Field(ge=0, nullable=True, description="High end, in `unit`")
    unit: Series[str] = pa.Field(description="Unit of value, e.g. MWh/t hot metal, USD/(t/yr hot metal)")
    price_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=2000,
        le=2030,
        description="Price year of a money value (USD of that year); else null",
    )
    source_document: Series[str] = _citation_field("source_document")
    source_table: Series[str] = _citation_field("source_table")
    source_page: Series[str] = _citation_field("source_page")
    verified: Series[str] = _citation_field("verified")
    note: Series[str] = pa.Field(nullable=True, description="How the value is derived and used; assumptions")

    @pa.dataframe_check
    @sql_check(_sql_ordered("value_low", "value", "value_high"))
    def band_brackets_value(cls, df: pd.DataFrame) -> Series[bool]:
        return _ordered(df, "value_low", "value", "value_high")

    @pa.dataframe_check(description="Money values carry their price year")
    @sql_check("NOT starts_with(parameter, 'capex') OR price_year IS NOT NULL")
    def capex_has_a_price_year(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["parameter"].str.startswith("capex") | df["price_year"].notna()

    class Config:
        name = "steel_swap_options"
        description = (
            "Cited parameters of the steel options: savings per t of the BF-BOF measures (top-pressure recovery "
            "turbine, sinter-cooler waste-heat recovery), their capex, O&M share and lifetime, and the lifetimes "
            "of the routes; assumptions labelled. Authored in the repo (reference/steel_swap_options.csv)."
        )
        metadata = {"key": ["technology", "parameter"]}
        unique = ["technology", "parameter"]
        strict = "filter"
        coerce = True


class SteelRouteFactors(pa.DataFrameModel):
    route_id: Series[str] = _f("Steelmaking route", nullable=False, unique=True, isin=STEEL_ROUTES)
    is_dri: Series[bool] = _f("The route melts DRI (its factors add the DRI plant's)", nullable=False)
    dri_charge_t_per_t: Series[float] = _f("t DRI per t crude steel (DRI routes)", ge=0)
    dri_charge_t_per_t_low: Series[float] = _f("Low end, t DRI/t", ge=0)
    dri_charge_t_per_t_high: Series[float] = _f("High end, t DRI/t", ge=0)
    direct_co2_ef_t_per_t: Series[float] = _f(
        "Direct CO2 per t crude steel (IPCC Tier 1; DRI: EAF + t DRI x DRI factor), t/t", nullable=False, ge=0
    )
    direct_co2_ef_t_per_t_low: Series[float] = _f("Low end of the direct factor, t/t", nullable=False, ge=0)
    direct_co2_ef_t_per_t_high: Series[float] = _f("High end of the direct factor, t/t", nullable=False, ge=0)
    electricity_mwh_per_t: Series[float] = _f(
        "Electricity per t crude steel (EAF and DRI plant); null: not estimated for the route", ge=0
    )
    electricity_mwh_per_t_low: Series[float] = _f("Low end, MWh/t", ge=0)
    electricity_mwh_per_t_high: Series[float] = _f("High end, MWh/t", ge=0)
    natural_gas_gj_per_t: Series[float] = _f("Natural gas per t crude steel (gas DRI), GJ (LHV)/t", ge=0)
    coal_gj_per_t: Series[float] = _f(
        "Coal per t crude steel (BF-BOF coking + PCI coal; coal DRI life-cycle energy), GJ/t", ge=0
    )

    @pa.dataframe_check
    @sql_check(
        _sql_ordered("direct_co2_ef_t_per_t_low", "direct_co2_ef_t_per_t", "direct_co2_ef_t_per_t_high")
        + " AND "
        + _sql_ordered("electricity_mwh_per_t_low", "electricity_mwh_per_t", "electricity_mwh_per_t_high")
    )
    def bands_bracket_central(cls, df: pd.DataFrame) -> Series[bool]:
        ok = _ordered(df, "direct_co2_ef_t_per_t_low", "direct_co2_ef_t_per_t", "direct_co2_ef_t_per_t_high")
        return ok & _ordered(
            df, "electricity_mwh_per_t_low", "electricity_mwh_per_t", "electricity_mwh_per_t_high"
        )

    class Config:
        name = "steel_route_factors"
        description = (
            "Per steelmaking route: direct CO2 factor, electricity and fuels per t crude steel with low/high bands, "
            "from steel_defaults (IPCC 2006 Tier 1, POSTED). Read by steel_baselines and steel_swaps."
        )
        metadata = {"key": ["route_id"]}
        strict = "filter"
        coerce = True


class SteelSwaps(pa.DataFrameModel):
    """The technology_swaps column contract (technology_swaps unions these rows), steel's own columns too."""

    swap_id: Series[str] = _f("steel_plants:<unit_id>:<to_technology>", nullable=False, unique=True)
    unit_id: Series[str] = _f(
        "The plant's BF-BOF route: <gem_plant_id>:steel_bf_bof (operating, = steel_baselines.baseline_id) or "
        "<gem_plant_id>:steel_bf_bof:<status> (pipeline)",
        nullable=False,
    )
    unit_source: Series[str] = _f("steel_plants", nullable=False, isin=["steel_plants"])
    country_iso3: Series[str] = _f("ISO3 country", nullable=False)
    sector: Series[str] = _f("steel", nullable=False, isin=["steel"])
    swap_type: Series[str] = _f(
        "route_switch (BF-BOF -> another route) or efficiency_upgrade (a BF-BOF measure)",
        nullable=False,
        isin=["route_switch", "efficiency_upgrade"],
    )
    from_technology: Series[str] = _f("steel_bf_bof", nullable=False, isin=["steel_bf_bof"])
    to_technology: Series[str] = _f(
        "The option (technologies vocabulary)", nullable=False, isin=STEEL_OPTIONS
    )
    is_upgrade: Series[bool] = _f("BAU reduction > 0 (false when it is unknown)", nullable=False)
    capacity_mw: Series[float] = _f("Not applicable to steel: null", ge=0)
    net_generation_mwh_per_yr: Series[float] = _f("Not applicable to steel: null", ge=0)
    production_t_per_yr: Series[float] = _f(
        "Output, the same before and after: crude steel (route switch) or hot metal (measure) = capacity x "
        "utilisation, t/yr",
        nullable=False,
        ge=0,
    )
    baseline_co2_t_per_yr: Series[float] = _f(
        "Route switch: the BF-BOF route's direct CO2 (IPCC Tier 1); measure: the CO2 of the energy it displaces "
        "(saved MWh x grid average, or fuel x coal EF), t/yr",
        nullable=False,
        ge=0,
    )
    project_co2_t_per_yr: Series[float] = _f(
        "Route switch: the new route's direct + indirect CO2 (grid average); measure: 0; null when the grid "
        "factor is unknown, t/yr",
        ge=0,
    )
    reduction_bau_t_per_yr: Series[float] = _f("Baseline - project, t/yr (null: unknown)")
    reference_co2_t_per_yr: Series[float] = _f(
        "Conservative reference: BF-BOF low factor x production, or the low saving x the crediting factor, t/yr",
        nullable=False,
        ge=0,
    )
    reduction_creditable_t_per_yr: Series[float] = _f(
        "Reference - conservative project, >= 0, never above the BAU reduction, t/yr", nullable=False, ge=0
    )
    reference_rule: Series[str] = _f("Which factors set BAU and the reference", nullable=False)
    bau_reference_gap_t_per_yr: Series[float] = _f("Baseline - reference, t/yr", nullable=False, ge=-TOL)
    fuel_saved_tj_per_yr: Series[float] = _f(
        "Fuel saved (route switch: BF-BOF coal - the route's gas and coal; measure: fuel saved), TJ/yr"
    )
    fuel_savings_usd_per_yr: Series[float] = _f(
        "Energy cost saved at the central fuel price (fuel, and electricity at its price), USD/yr; null: a "
        "price unknown"
    )
    electricity_saved_mwh_per_yr: Series[float] = _f(
        "Grid electricity saved (measure) or, negative, bought (route switch), MWh/yr"
    )
    electricity_price_usd_per_mwh: Series[float] = _f(
        "Electricity price (scenario_parameters electricity_price_usd_per_mwh), USD/MWh; null: unknown", ge=0
    )
    incremental_capex_usd: Series[float] = _f(
        "Capex of the decision, USD of usd_price_year (null: unknown, never 0)", gt=0
    )
    annualised_cost_usd_per_yr: Series[float] = _f("Upfront cost x CRF + dO&M, USD/yr (null: unknown)")
    npv_usd: Series[float] = _f("-upfront + (savings - dO&M) / CRF at the discount rate, no credits, USD")
    simple_payback_yr: Series[float] = _f("Upfront / (savings - dO&M), years", ge=0)
    mac_usd_per_t: Series[float] = _f("(Annualised cost - savings) / BAU reduction, USD/t (null: unknown)")
    breakeven_credit_price_usd_per_t: Series[float] = _f(
        "(Annualised cost - savings) / creditable reduction, at least 0, USD/t", ge=0
    )
    flags: Series[str] = _f("';'-separated warnings (no_material_costs, needs_scrap_supply, ...)")
    status: Series[str] = _f(
        "operating, or the pipeline status (announced, construction, ...)", nullable=False
    )
    fuel: Series[str] = _f("Not applicable: null")
    efficiency_bau_lhv: Series[float] = _f("Not applicable: null")
    efficiency_reference_lhv: Series[float] = _f("Not applicable: null")
    efficiency_project_lhv: Series[float] = _f("Not applicable: null")
    co2_ef_baseline_t_per_tj: Series[float] = _f("Not applicable: null")
    project_co2_conservative_t_per_yr: Series[float] = _f(
        "Project CO2 at the conservative end (route high factor, high MWh/t, higher grid factor; measure 0), t/yr",
        nullable=False,
        ge=0,
    )
    fuel_saved_t_per_yr: Series[float] = _f("Not applicable: null")
    fuel_price_usd_per_gj: Series[float] = _f("Coal price, central scenario, USD/GJ", ge=0)
    project_fuel_price_usd_per_gj: Series[float] = _f("Gas price for gas DRI, central scenario, USD/GJ", ge=0)
    delta_om_usd_per_yr: Series[float] = _f(
        "O&M difference: measure fixed O&M share x capex; route switch null (unknown), USD/yr"
    )
    discount_rate: Series[float] = _f("Discount rate (fraction)", nullable=False, ge=0, lt=1)
    lifetime_yr: Series[float] = _f("Economic lifetime of the option (steel_swap_options), years", gt=0)
    crf: Series[float] = _f("Capital recovery factor (fraction per yr)", gt=0, le=1)
    grid_ef_bau_t_per_mwh: Series[float] = _f("Grid factor of the BAU electricity (OWID average), tCO2/MWh")
    grid_ef_reference_t_per_mwh: Series[float] = _f(
        "Grid factor of the conservative end: saved MWh at the crediting factor (never above the average), "
        "bought MWh at the higher of the two, tCO2/MWh"
    )
    decision: Series[str] = _f(
        "build_instead (pipeline), retrofit (operating plant, measure), replace (operating plant, route switch)",
        nullable=False,
        isin=["build_instead", "retrofit", "replace"],
    )
    cost_basis: Series[str] = _f("The cost rows behind the capex, and their price year", nullable=False)
    usd_price_year: Series[pd.Int64Dtype] = _f("Price year of the money columns", nullable=False)
    capex_usd_per_kw: Series[float] = _f("Not applicable: null", gt=0)
    remaining_life_yr: Series[float] = _f("Replace: the BF-BOF plant's remaining life, years", ge=0)
    stranded_value_usd: Series[float] = _f(
        "Replace: BF-BOF capex x capacity x remaining life / lifetime, USD; 0 otherwise; null: unknown", ge=0
    )
    upfront_cost_usd: Series[float] = _f("Capex + stranded value, USD", gt=0)
    fuel_price_low_usd_per_gj: Series[float] = _f("Coal price, low scenario, USD/GJ", ge=0)
    fuel_price_high_usd_per_gj: Series[float] = _f("Coal price, high scenario, USD/GJ", ge=0)
    fuel_savings_low_usd_per_yr: Series[float] = _f("Energy cost saved at the low fuel prices, USD/yr")
    fuel_savings_high_usd_per_yr: Series[float] = _f("Energy cost saved at the high fuel prices, USD/yr")
    hurdle_rate: Series[float] = _f("Hurdle rate of the investment test", ge=0, lt=1)
    npv_hurdle_low_usd: Series[float] = _f("NPV without credits at the hurdle rate, low fuel price, USD")
    npv_hurdle_central_usd: Series[float] = _f("NPV without credits at the hurdle rate, central, USD")
    npv_hurdle_high_usd: Series[float] = _f("NPV without credits at the hurdle rate, high fuel price, USD")
    additionality: Series[str] = _f(
        "additional, depends_on_price or not_additional; null: not an upgrade or not run",
        isin=["additional", "depends_on_price", "not_additional"],
    )
    additionality_rule: Series[str] = _f(
        "The investment test's rule as applied, or why not run", nullable=False
    )

    @pa.dataframe_check
    @sql_check(
        f"{sql_isna('reduction_bau_t_per_yr')} OR "
        + sql_cmp("reduction_creditable_t_per_yr", "<=", f"greatest(reduction_bau_t_per_yr, 0) + {TOL}")
    )
    def creditable_not_above_bau(cls, df: pd.DataFrame) -> Series[bool]:
        bau = df["reduction_bau_t_per_yr"]
        return bau.isna() | (df["reduction_creditable_t_per_yr"] <= bau.clip(lower=0) + TOL)

    class Config:
        name = "steel_swaps"
        description = (
            "Each BF-BOF plant (operating or pipeline) x steel option in the technology_swaps contract: route "
            "switches (scrap EAF, gas DRI-EAF) and BF-BOF measures (top-pressure recovery turbine, sinter-cooler "
            "heat recovery), BAU and conservative creditable reductions, the decision, its capex in one price "
            "year, energy savings, MAC and the investment test; unknowns null with a flag."
        )
        metadata = {"key": ["swap_id"]}
        strict = "filter"
        coerce = True
