"""Pandera models of the activity-data tables (issue 12): where CEA's stations are, which GEM unit each
CEA station is, the units counted in both GEM trackers, each country's calibrated capacity factors, and
the reconciliation of plant sums with national totals."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

FISCAL_YEAR = r"^\d{4}-\d{2}$"


class CeaStationLocations(pa.DataFrameModel):
    gppd_id: Series[str] = pa.Field(description="WRI Global Power Plant Database id (IND0000001 ...)")
    fiscal_year: Series[str] = pa.Field(
        str_matches=FISCAL_YEAR,
        description="CEA fiscal year whose database numbers the station s_no ('2018-19' from id_2018-2019)",
    )
    s_no: Series[int] = pa.Field(ge=1, description="The station's S_NO in the CEA database of fiscal_year")
    station_name: Series[str] = pa.Field(description="Station name as in CEA's database (WRI's 'name')")
    latitude: Series[float] = pa.Field(
        nullable=True, ge=6, le=38, description="Latitude, decimal degrees (WGS84); null where WRI has none"
    )
    longitude: Series[float] = pa.Field(
        nullable=True, ge=68, le=98, description="Longitude, decimal degrees (WGS84); null where WRI has none"
    )
    source_sha256: Series[str] = pa.Field(description="SHA-256 of the raw CSV this row came from")

    class Config:
        name = "cea_station_locations"
        description = (
            "WRI Global Power Plant Database v1.3.0 crosswalk (resources/IND/CEA_plants.csv): each CEA CO2 "
            "Baseline Database station, by its S_NO in a given fiscal year, with WRI's coordinates. Lets CEA "
            "stations be matched to GEM units by distance."
        )
        metadata = {"key": ["fiscal_year", "s_no"]}
        unique = ["fiscal_year", "s_no"]
        strict = "filter"
        coerce = True


UNIT_SOURCE = {"isin": ["coal_units", "gas_oil_units"]}


class TrackerDuplicateUnits(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(description="ISO3 country")
    coal_gem_unit_id: Series[str] = pa.Field(unique=True, description="The unit's id in the coal tracker")
    gas_oil_gem_unit_id: Series[str] = pa.Field(
        unique=True, description="The unit's id in the oil/gas tracker"
    )
    coal_gem_location_id: Series[str] = pa.Field(description="Coal tracker location id (L103583)")
    gas_oil_gem_location_id: Series[str] = pa.Field(
        description="Oil/gas tracker location id of the same site (L100000103583)"
    )
    plant_name: Series[str] = pa.Field(nullable=True, description="Plant name (coal tracker)")
    coal_unit_name: Series[str] = pa.Field(nullable=True, description="Unit name in the coal tracker")
    gas_oil_unit_name: Series[str] = pa.Field(nullable=True, description="Unit name in the oil/gas tracker")
    coal_capacity_mw: Series[float] = pa.Field(ge=0, description="Capacity in the coal tracker, MW")
    gas_oil_capacity_mw: Series[float] = pa.Field(ge=0, description="Capacity in the oil/gas tracker, MW")
    coal_status: Series[str] = pa.Field(description="Status in the coal tracker")
    gas_oil_status: Series[str] = pa.Field(description="Status in the oil/gas tracker")
    coal_start_year: Series[float] = pa.Field(nullable=True, description="Start year in the coal tracker")
    gas_oil_start_year: Series[float] = pa.Field(
        nullable=True, description="Start year in the oil/gas tracker"
    )
    gas_oil_fuel: Series[str] = pa.Field(
        description="The oil/gas tracker's fuel code; it names coal ('C'), e.g. 'NG/C'"
    )
    kept_unit_source: Series[str] = pa.Field(**UNIT_SOURCE, description="The tracker whose record is kept")
    kept_gem_unit_id: Series[str] = pa.Field(description="The record kept: it gets a baseline")
    dropped_unit_source: Series[str] = pa.Field(
        **UNIT_SOURCE, description="The tracker whose record is dropped"
    )
    dropped_gem_unit_id: Series[str] = pa.Field(
        unique=True, description="The record dropped: no baseline, no capacity in the calibration"
    )
    rule: Series[str] = pa.Field(description="Why this record is kept (status, or the first-listed fuel)")

    class Config:
        name = "tracker_duplicate_units"
        description = (
            "Physical units listed in both GEM trackers, one kept: same site (GEM's shared site number: coal "
            "L103583 = oil/gas L100000103583), same country, the oil/gas tracker names coal among the unit's "
            "fuels, capacity within 2 %, start year within 1 (or unknown), paired one to one (same unit "
            "number first). Kept: the record whose status is further along; at equal status the tracker of "
            "the first-listed fuel. plant_baselines and the calibrated capacity factors leave the dropped "
            "record out: each unit is counted once."
        )
        metadata = {"key": ["coal_gem_unit_id", "gas_oil_gem_unit_id"]}
        unique = ["coal_gem_unit_id", "gas_oil_gem_unit_id"]
        strict = "filter"
        coerce = True


class CeaGemUnitMatches(pa.DataFrameModel):
    unit_source: Series[str] = pa.Field(**UNIT_SOURCE, description="coal_units or gas_oil_units")
    gem_unit_id: Series[str] = pa.Field(description="GEM unit id")
    gem_location_id: Series[str] = pa.Field(nullable=True, description="GEM location (plant site) id")
    plant_name: Series[str] = pa.Field(nullable=True, description="GEM plant name")
    unit_name: Series[str] = pa.Field(nullable=True, description="GEM unit name")
    fuel_class: Series[str] = pa.Field(isin=["coal", "gas", "oil"], description="coal, gas or oil")
    capacity_mw: Series[float] = pa.Field(ge=0, description="GEM capacity, MW")
    status: Series[str] = pa.Field(description="GEM status (operating, mothballed, retired)")
    start_year: Series[float] = pa.Field(nullable=True, description="GEM start year")
    retired_year: Series[float] = pa.Field(nullable=True, description="GEM retirement year")
    captive: Series[str] = pa.Field(nullable=True, description="GEM: the industry a captive plant serves")
    fiscal_year: Series[str] = pa.Field(
        str_matches=FISCAL_YEAR, description="CEA fiscal year matched against (the latest in the CEA file)"
    )
    online_in_fiscal_year: Series[bool] = pa.Field(
        description="The unit ran in the fiscal year: started by its first calendar year (or in its second "
        "if CEA lists the unit), not retired before it"
    )
    match_status: Series[str] = pa.Field(
        isin=["matched", "matched_not_in_fiscal_year", "unmatched"],
        description="matched (its CEA station's reported figures apply); matched_not_in_fiscal_year (at a "
        "CEA station but not running that year: calibrated); unmatched (calibrated; see unmatched_reason)",
    )
    cea_s_no: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="CEA station number (S_NO) in the fiscal year's database"
    )
    cea_station_name: Series[str] = pa.Field(nullable=True, description="CEA station name")
    cea_unit_no: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1,
        description="The CEA unit row of the same size and commissioning year (each used once per station)",
    )
    cea_station_capacity_mw: Series[float] = pa.Field(
        nullable=True, ge=0, description="CEA station capacity as on 31 March of the fiscal year, MW"
    )
    match_method: Series[str] = pa.Field(
        nullable=True,
        isin=["plant_name_distance_units", "plant_name_distance", "unit_size_and_year", "name_and_state"],
        description="plant_name_distance_units (the GEM plant placed whole, its units agreeing with CEA unit "
        "rows); plant_name_distance (placed whole by name, distance and capacity); unit_size_and_year (placed "
        "alone: size and commissioning year agree with a CEA unit row); name_and_state (the station has no "
        "usable WRI coordinates: same state, alike name)",
    )
    distance_km: Series[float] = pa.Field(
        nullable=True, ge=0, description="Distance from the GEM unit to the station's WRI coordinates, km"
    )
    name_score: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="Name similarity of GEM plant and CEA station, 0-100 (rapidfuzz)",
    )
    capacity_ratio: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        description="GEM capacity running in the fiscal year matched to the station ÷ CEA's station capacity",
    )
    confidence: Series[str] = pa.Field(
        nullable=True,
        isin=["high", "medium", "low"],
        description="high: within 5 km, capacity ratio 0.85-1.15 and an alike name (>= 85) or agreeing units; "
        "medium: name or units and either distance or capacity, or the same capacity on the same site "
        "(within 2 km); low: the rest",
    )
    unmatched_reason: Series[str] = pa.Field(
        nullable=True,
        description="Why no CEA station's figures apply (captive, newer than the fiscal year, ...)",
    )

    class Config:
        name = "cea_gem_unit_matches"
        description = (
            "India's GEM coal, gas and oil units (operating, mothballed, retired) matched to the CEA CO2 Baseline "
            "Database station of the latest fiscal year: by WRI's station coordinates (cea_station_locations), "
            "name similarity, and unit sizes and commissioning years, within the station's capacity "
            "(bcm_pipeline/activity/matching.py). A matched unit running that year takes its station's "
            "reported net generation and CO2 in plant_baselines (tier reported)."
        )
        metadata = {"key": ["unit_source", "gem_unit_id"]}
        unique = ["unit_source", "gem_unit_id"]
        strict = "filter"
        coerce = True


class NationalGeneration(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(str_length=3, description="Country, ISO3 (no aggregates)")
    year: Series[int] = pa.Field(ge=1985, le=2100, description="Calendar year")
    source: Series[str] = pa.Field(
        isin=["coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewables"],
        description="Generation source (owid_electricity_by_source's vocabulary)",
    )
    generation_twh: Series[float] = pa.Field(ge=0, description="Gross generation in the year, TWh")
    origin: Series[str] = pa.Field(
        isin=["owid_electricity_by_source", "national_generation_supplements"],
        description="Table the figure comes from: OWID's chart download, or a cited supplement for a "
        "country-year it lacks",
    )

    class Config:
        name = "national_generation"
        description = (
            "The national generation per country, year and source that calibration and reconciliation use: "
            "OWID's electricity-by-source rows, plus national_generation_supplements for a country-year OWID's "
            "download has no row for (the UAE after 2000), TWh gross."
        )
        metadata = {"key": ["country_iso3", "year", "source"]}
        unique = ["country_iso3", "year", "source"]
        strict = "filter"
        coerce = True


class CalibratedCapacityFactors(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(description="ISO3 country")
    fuel_class: Series[str] = pa.Field(isin=["coal", "gas", "oil"], description="coal, gas or oil")
    technology: Series[str] = pa.Field(
        description="Technology in the vocabulary (coal_subcritical, gas_combined_cycle, ...; technologies)"
    )
    year: Series[int] = pa.Field(
        ge=1985, le=2100, description="Calendar year of the national generation and of the capacity online"
    )
    national_generation_mwh: Series[float] = pa.Field(
        ge=0, description="OWID generation of the fuel in the country and year, MWh (gross; TWh x 1e6)"
    )
    reported_generation_mwh: Series[float] = pa.Field(
        ge=0,
        description="Of which made by units reporting their own generation (India: units matched to CEA "
        "stations, CEA's net generation grossed up by gross_to_net_share), MWh; the rest of the fleet is "
        "calibrated to the rest",
    )
    capacity_online_mw: Series[float] = pa.Field(
        ge=0, description="Capacity of this technology online in the year, MW (units x share of the year run)"
    )
    captive_capacity_online_mw: Series[float] = pa.Field(
        ge=0, description="Of which captive units (GEM names the industry served), MW; counted, see the model"
    )
    fleet_capacity_online_mw: Series[float] = pa.Field(
        ge=0, description="Capacity of the fuel online in the year, all technologies, MW"
    )
    shape_weight: Series[float] = pa.Field(
        gt=0,
        description="Relative capacity-factor weight of the technology within the fuel (scenario_parameters "
        "capacity_factor defaults, e.g. gas_combined_cycle 0.55 vs gas_open_cycle 0.117: a dispatch order, not a level)",
    )
    capacity_factor_unclamped: Series[float] = pa.Field(
        ge=0, description="National generation ÷ weighted capacity-hours x weight, before clamping (fraction)"
    )
    capacity_factor: Series[float] = pa.Field(
        ge=0, le=1, description="Calibrated capacity factor, gross (fraction), clamped to the plausible range"
    )
    is_clamped: Series[bool] = pa.Field(
        description="True when the capacity factor was clamped (the fleet and the national figure disagree)"
    )
    fleet_generation_mwh: Series[float] = pa.Field(
        ge=0,
        description="Generation of the calibrated units online in the year at the calibrated CFs, MWh (gross)",
    )
    generation_ratio: Series[float] = pa.Field(
        nullable=True, ge=0, description="fleet_generation_mwh ÷ national_generation_mwh (1 unless clamped)"
    )
    units_online: Series[int] = pa.Field(ge=0, description="Units of this technology online in the year")

    class Config:
        name = "calibrated_capacity_factors"
        description = (
            "Each country's own capacity factors per fuel and technology (methodology.md §13): OWID generation "
            "(Ember, gross) of the latest year both sources cover ÷ the GEM trackers' capacity online that "
            "year (start year, retirement, half a year in either; mothballed and pipeline units not counted; "
            "captive units counted, as Ember's national totals include autoproducers; units in both trackers "
            "counted once), spread by technology with relative weights so the country total still matches, "
            "clamped to scenario_parameters calibrated_capacity_factor_min/max with a flag. India is "
            "calibrated in the calendar year its CEA fiscal year starts in, its units not matched to a CEA "
            "station to the part of the national total CEA's matched stations did not make (mostly captive "
            "plants). Tier calibrated in plant_baselines."
        )
        metadata = {"key": ["country_iso3", "fuel_class", "technology"]}
        unique = ["country_iso3", "fuel_class", "technology"]
        strict = "filter"
        coerce = True


class NationalReconciliation(pa.DataFrameModel):
    country_iso3: Series[str] = pa.Field(description="ISO3 host country")
    fuel_class: Series[str] = pa.Field(
        isin=["coal", "gas", "oil", "fossil"], description="coal, gas, oil, or fossil (the three together)"
    )
    year: Series[int] = pa.Field(
        ge=1985,
        le=2100,
        description="Calendar year compared: the calibration year; India the year its CEA fiscal year starts in",
    )
    plant_capacity_online_mw: Series[float] = pa.Field(
        ge=0, description="Operating units' capacity online in the year (half in a start year), MW"
    )
    plant_net_generation_mwh: Series[float] = pa.Field(
        ge=0, description="Sum of plant_baselines net generation of the units online in the year, MWh"
    )
    plant_generation_mwh: Series[float] = pa.Field(
        ge=0, description="The same on OWID's gross basis: net ÷ (1 - gross_to_net_share), MWh"
    )
    national_generation_mwh: Series[float] = pa.Field(
        nullable=True, ge=0, description="OWID generation of the fuel(s) in the country and year, MWh (gross)"
    )
    generation_ratio: Series[float] = pa.Field(
        nullable=True, ge=0, description="plant_generation_mwh ÷ national_generation_mwh"
    )
    reported_share: Series[float] = pa.Field(
        nullable=True, ge=0, le=1, description="Share of the plant generation of tier reported"
    )
    calibrated_share: Series[float] = pa.Field(
        nullable=True, ge=0, le=1, description="Share of the plant generation of tier calibrated"
    )
    plant_co2_t: Series[float] = pa.Field(ge=0, description="Sum of plant_baselines CO2 of those units, t")
    national_co2_t: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        description="Independent CO2 estimate, t: India's coal/gas/oil, CEA's intensity of the fuel's stations "
        "x OWID generation netted; fossil rows, OWID/Ember carbon intensity (life-cycle CO2e, all sources) x "
        "OWID total generation; null where no independent per-fuel figure exists",
    )
    co2_ratio: Series[float] = pa.Field(nullable=True, ge=0, description="plant_co2_t ÷ national_co2_t")
    national_co2_basis: Series[str] = pa.Field(description="What national_co2_t is, and from which data")
    is_outside_10pct: Series[bool] = pa.Field(
        description="generation_ratio or co2_ratio is outside 0.9-1.1 (where present)"
    )
    note: Series[str] = pa.Field(
        nullable=True,
        description="Which comparison is off, and India's fiscal-year-against-calendar-year note",
    )

    class Config:
        name = "national_reconciliation"
        description = (
            "Plant-level sums held against national totals, per host country, fuel and year: plant_baselines' "
            "generation of the units online that year (grossed up to OWID's basis) against OWID (Ember) "
            "national generation, and plant CO2 against an independent estimate (India: CEA's intensity; all "
            "hosts: OWID carbon intensity for fossil fuels together), each with its ratio and a flag outside "
            "±10 %. India compares CEA's fiscal year with the calendar year it starts in."
        )
        metadata = {"key": ["country_iso3", "fuel_class", "year"]}
        unique = ["country_iso3", "fuel_class", "year"]
        strict = "filter"
        coerce = True
