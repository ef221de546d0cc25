import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# Units commissioned after the pipeline's horizon are implausible (GOGPT has one "2080"): quarantine them.
FIRST_YEAR = 1900
HORIZON_YEAR = 2050
# Planned retirements legitimately run past the horizon (GCPT to 2071, GOGPT to 2070).
LAST_PLANNED_RETIREMENT_YEAR = 2100

COAL_STATUSES = [
    "operating",
    "construction",
    "permitted",
    "pre-permit",
    "announced",
    "shelved",
    "cancelled",
    "retired",
    "mothballed",
]
# GEM's own technology words and codes (technologies.csv maps each to the vocabulary).
COAL_TECHNOLOGIES = ["subcritical", "supercritical", "ultra-supercritical", "cfb", "igcc", "unknown"]
COAL_COMBUSTION_TECHNOLOGIES = COAL_TECHNOLOGIES + [f"{t}/ccs" for t in COAL_TECHNOLOGIES]
COAL_TYPES = ["bituminous", "subbituminous", "lignite", "anthracite", "waste coal", "unknown"]
GAS_STATUSES = [
    "operating",
    "construction",
    "pre-construction",
    "announced",
    "shelved",
    "cancelled",
    "retired",
    "mothballed",
]
GAS_TECHNOLOGIES = ["CC", "GT", "ST", "IC", "ICCC", "ISCC", "AFC", "unknown"]
FUEL_CLASSES = ["gas", "oil", "gas/oil", "other"]
LOCATION_ACCURACY = ["exact", "approximate"]
SHA = "SHA-256 of the raw workbook this row came from"


class CoalUnits(pa.DataFrameModel):
    gem_unit_id: Series[str] = pa.Field(unique=True, description="GEM unit/phase ID (e.g. G108106), unique")
    gem_location_id: Series[str] = pa.Field(description="GEM location (plant) ID, shared by a plant's units")
    country_name: Series[str] = pa.Field(description="Country as GEM names it (English short name)")
    country_iso3: Series[str] = pa.Field(str_length=3, description="ISO 3166 alpha-3 code (Kosovo: XKX)")
    plant_name: Series[str] = pa.Field(description="Plant name")
    unit_name: Series[str] = pa.Field(nullable=True, description="Unit or phase name (e.g. 'Unit 1')")
    owner: Series[str] = pa.Field(nullable=True, description="Owner(s) as GEM lists them")
    parent: Series[str] = pa.Field(nullable=True, description="Parent company(ies) as GEM lists them")
    capacity_mw: Series[float] = pa.Field(
        ge=0, description="Gross unit capacity, MW (GCPT covers units of 30 MW and more)"
    )
    status: Series[str] = pa.Field(isin=COAL_STATUSES, description="Unit status, lower case")
    start_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=FIRST_YEAR,
        le=HORIZON_YEAR,
        description="Year of commissioning (planned year for projects), calendar year; null if unknown",
    )
    retired_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=FIRST_YEAR, le=HORIZON_YEAR, description="Year the unit retired, calendar year"
    )
    planned_retirement_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=FIRST_YEAR,
        le=LAST_PLANNED_RETIREMENT_YEAR,
        description="Announced retirement year, calendar year",
    )
    combustion_technology: Series[str] = pa.Field(
        isin=COAL_COMBUSTION_TECHNOLOGIES,
        description="GEM's combustion technology, lower case, with its '/ccs' suffix (e.g. 'subcritical/ccs')",
    )
    gem_technology: Series[str] = pa.Field(
        isin=COAL_TECHNOLOGIES,
        description="GEM's combustion technology without the '/ccs' suffix (technologies maps it to the vocabulary)",
    )
    has_ccs: Series[bool] = pa.Field(description="True when GEM marks the unit with carbon capture ('/ccs')")
    coal_type: Series[str] = pa.Field(isin=COAL_TYPES, description="Coal rank burned, lower case")
    coal_source: Series[str] = pa.Field(
        nullable=True, description="Coal origin (mine, country or 'Imported')"
    )
    subnational_unit: Series[str] = pa.Field(nullable=True, description="Province or state")
    subregion: Series[str] = pa.Field(description="UN M49 sub-region (e.g. 'South-eastern Asia')")
    region: Series[str] = pa.Field(description="UN M49 region (e.g. 'Asia')")
    latitude: Series[float] = pa.Field(ge=-90, le=90, description="Latitude, decimal degrees WGS84")
    longitude: Series[float] = pa.Field(ge=-180, le=180, description="Longitude, decimal degrees WGS84")
    location_accuracy: Series[str] = pa.Field(isin=LOCATION_ACCURACY, description="'exact' or 'approximate'")
    captive: Series[str] = pa.Field(
        nullable=True, description="Industry a captive unit serves (e.g. 'aluminum'); null if not captive"
    )
    gem_heat_rate_btu_per_kwh: Series[float] = pa.Field(
        gt=0, description="GEM's modelled heat rate (by technology and size), Btu/kWh; not measured"
    )
    gem_ef_kg_per_tj: Series[float] = pa.Field(
        gt=0, description="GEM's CO2 emission factor for the coal type (IPCC 2006), kg CO2/TJ"
    )
    gem_capacity_factor: Series[float] = pa.Field(
        ge=0, le=1, description="GEM's assumed capacity factor, fraction (0.53 for every unit)"
    )
    gem_annual_co2_mt_per_yr: Series[float] = pa.Field(
        ge=0, description="GEM's modelled annual CO2, Mt CO2/yr"
    )
    gem_lifetime_co2_mt: Series[float] = pa.Field(
        ge=0, description="GEM's modelled CO2 over the remaining lifetime, Mt CO2"
    )
    gem_remaining_lifetime_yr: Series[float] = pa.Field(
        ge=0, description="GEM's assumed remaining operating life, years"
    )
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "coal_units"
        description = (
            "Coal power units of 30 MW and more from Global Energy Monitor's Global Coal Plant Tracker (CC BY 4.0; "
            "the release in source_releases with is_used, its units sheet), with combustion technology, status, "
            "dates and GEM's modelled CO2."
        )
        metadata = {"key": ["gem_unit_id"]}
        strict = "filter"
        coerce = True


class GemCo2Parameters(pa.DataFrameModel):
    parameter_set: Series[str] = pa.Field(
        isin=["heat_rate_btu_per_kwh", "ef_kg_per_tj", "capacity_factor", "lifetime_yr"],
        description="Which lookup: heat rate by technology, emission factor by coal type, capacity factor, "
        "lifetime",
    )
    key: Series[str] = pa.Field(
        description="Combustion technology (as in coal_units.combustion_technology), coal type (as in "
        "coal_units.coal_type; capture variants as the release names them: '(ccs30)'/'(ccs90)' in July 2023, "
        "' with ccs' in July 2024) or 'global'"
    )
    value: Series[float] = pa.Field(ge=0, description="The parameter value, in `unit`")
    unit: Series[str] = pa.Field(
        isin=["Btu/kWh", "kg CO2/TJ", "fraction", "yr"], description="Unit of `value`"
    )
    note: Series[str] = pa.Field(nullable=True, description="GEM's note for the row, verbatim")
    source: Series[str] = pa.Field(nullable=True, description="The source GEM cites for the row, verbatim")
    section_source: Series[str] = pa.Field(
        nullable=True,
        description="The source GEM cites for the whole section (heat rates: Sargent & Lundy 2009), verbatim",
    )
    sheet_row: Series[int] = pa.Field(
        ge=1, description="Row number in the release's CO2 parameters sheet (1-based)"
    )
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "gem_co2_parameters"
        description = (
            "Global Energy Monitor's CO2 model parameters (GCPT, the release in source_releases with is_used, its "
            "CO2 parameters sheet): heat rates by "
            "combustion technology, IPCC 2006 emission factors by coal type, global capacity factor and assumed "
            "lifetime; method: https://www.gem.wiki/Estimating_carbon_dioxide_emissions_from_coal_plants"
        )
        metadata = {"key": ["parameter_set", "key"]}
        unique = ["parameter_set", "key"]
        strict = "filter"
        coerce = True


class GasOilUnits(pa.DataFrameModel):
    gem_unit_id: Series[str] = pa.Field(unique=True, description="GEM unit ID (e.g. G100000411871), unique")
    gem_location_id: Series[str] = pa.Field(description="GEM location (plant) ID, shared by a plant's units")
    country_name: Series[str] = pa.Field(description="Country as GEM names it (English short name)")
    country_iso3: Series[str] = pa.Field(str_length=3, description="ISO 3166 alpha-3 code")
    plant_name: Series[str] = pa.Field(description="Plant name")
    unit_name: Series[str] = pa.Field(
        description="Unit name; 13 cells Excel stored as dates appear as ISO dates (e.g. '2024-01-03')"
    )
    fuel: Series[str] = pa.Field(
        nullable=True,
        description="GEM fuel code(s), '/'-separated, primary first (e.g. 'NG', 'NG/FO', 'D'); null if not found",
    )
    fuel_class: Series[str] = pa.Field(
        nullable=True,
        isin=FUEL_CLASSES,
        description="'gas' (NG, LNG, CM, OG, WSTH-NG), 'oil' (FO, HFO, LFO, D, CR, KER, J, N, G, WO, LPG, PG, "
        "COKE), 'gas/oil' when both occur, else 'other' (BFG, COG, coal, hydrogen, bioenergy, waste); null "
        "if fuel is not found",
    )
    capacity_mw: Series[float] = pa.Field(
        nullable=True, ge=0, description="Unit capacity, MW (GOGPT covers units of 50 MW, 20 MW in the EU/UK)"
    )
    status: Series[str] = pa.Field(isin=GAS_STATUSES, description="Unit status, lower case")
    gem_technology: Series[str] = pa.Field(
        isin=GAS_TECHNOLOGIES,
        description="GEM's Technology code (technologies maps it, by fuel class, to the vocabulary): "
        "CC combined cycle, GT open-cycle gas turbine, ST steam turbine, IC internal combustion, "
        "ICCC IC combined cycle, ISCC integrated solar CC, AFC Allam-Fetvedt cycle, 'unknown' (not found)",
    )
    chp: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Combined heat and power; null where GEM has 'not found'"
    )
    start_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=FIRST_YEAR,
        le=HORIZON_YEAR,
        description="Year of commissioning (combined cycle: start of CC operation), calendar year; null if "
        "not found",
    )
    retired_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=FIRST_YEAR, le=HORIZON_YEAR, description="Year the unit retired, calendar year"
    )
    planned_retirement_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=FIRST_YEAR,
        le=LAST_PLANNED_RETIREMENT_YEAR,
        description="Announced retirement year, calendar year",
    )
    owner: Series[str] = pa.Field(nullable=True, description="Owner(s) with shares, as GEM lists them")
    parent: Series[str] = pa.Field(nullable=True, description="Parent company(ies) with shares")
    latitude: Series[float] = pa.Field(ge=-90, le=90, description="Latitude, decimal degrees WGS84")
    longitude: Series[float] = pa.Field(ge=-180, le=180, description="Longitude, decimal degrees WGS84")
    subnational_unit: Series[str] = pa.Field(nullable=True, description="Province or state")
    region: Series[str] = pa.Field(description="UN M49 region (e.g. 'Asia')")
    subregion: Series[str] = pa.Field(description="UN M49 sub-region (e.g. 'South-eastern Asia')")
    source_sha256: Series[str] = pa.Field(description=SHA)

    class Config:
        name = "gas_oil_units"
        description = (
            "Oil and gas power units from Global Energy Monitor's Global Oil and Gas Plant Tracker (CC BY 4.0; the "
            "release in source_releases with is_used, its units sheet), with fuel, technology, CHP, status and dates."
        )
        metadata = {"key": ["gem_unit_id"]}
        strict = "filter"
        coerce = True
