"""Core and reference tables: which parser and which pandera model build each warehouse table."""

from bcm_pipeline.assets.factories import TableSpec
from bcm_pipeline.assets.grid import GRID_REFERENCE_TABLES
from bcm_pipeline.parsers import cea, gem, ifi, owid, pink_sheet, steel
from bcm_pipeline.parsers import config as config_files
from bcm_pipeline.parsers import reference as reference_csv
from bcm_pipeline.schemas.cea import CeaIndiaPublishedMargins, CeaIndiaUnits
from bcm_pipeline.schemas.gem import CoalUnits, GasOilUnits, GemCo2Parameters
from bcm_pipeline.schemas.ifi import IfiGridFactors
from bcm_pipeline.schemas.marts import Agreements, ProjectCases, ScenarioParameters
from bcm_pipeline.schemas.owid import OwidCarbonIntensity
from bcm_pipeline.schemas.prices import FuelPricesMonthly
from bcm_pipeline.schemas.reference import Countries, FuelDefaults, Gwp, PriceDeflators, TechnologyCatalogue
from bcm_pipeline.schemas.steel import PostedSteelTechnologies, SteelDefaults, SteelPlants, SteelUnits

CORE_TABLES: list[TableSpec] = [
    TableSpec(IfiGridFactors, ifi.parse, source_id="ifi_grid_factors"),
    TableSpec(CoalUnits, gem.parse_coal_units, source_id="gem_coal_plant_tracker"),
    TableSpec(GemCo2Parameters, gem.parse_gem_co2_parameters, source_id="gem_coal_plant_tracker"),
    TableSpec(GasOilUnits, gem.parse_gas_oil_units, source_id="gem_oil_gas_plant_tracker"),
    TableSpec(CeaIndiaUnits, cea.parse_cea_units, source_id="cea_india_co2_baseline"),
    TableSpec(CeaIndiaPublishedMargins, cea.parse_cea_published_margins, source_id="cea_india_co2_baseline"),
    TableSpec(OwidCarbonIntensity, owid.parse_owid, source_id="owid_carbon_intensity"),
    TableSpec(FuelPricesMonthly, pink_sheet.parse_pink_sheet, source_id="worldbank_pink_sheet"),
    # Iron and steel (issue 16): GIST plant and unit files, the three POSTED files (read together).
    TableSpec(SteelPlants, steel.parse_steel_plants, source_id="gem_steel_plant_tracker_plants"),
    TableSpec(SteelUnits, steel.parse_steel_units, source_id="gem_steel_plant_tracker"),
    TableSpec(
        PostedSteelTechnologies,
        steel.parse_posted_steel,
        source_id="posted_steel_technologies",
        sibling_source_ids=("posted_steel_technologies_dri", "posted_steel_technologies_eaf"),
    ),
    # Reference tables authored in bcm_pipeline/reference/*.csv (no raw source).
    TableSpec(FuelDefaults, reference_csv.fuel_defaults, source_id=None, group="core"),
    TableSpec(Gwp, reference_csv.gwp, source_id=None, group="core"),
    TableSpec(Countries, reference_csv.countries, source_id=None, group="core"),
    TableSpec(TechnologyCatalogue, reference_csv.technology_catalogue, source_id=None, group="core"),
    TableSpec(SteelDefaults, reference_csv.steel_defaults, source_id=None, group="core"),
    TableSpec(PriceDeflators, reference_csv.price_deflators, source_id=None, group="core"),
    # Methodology configuration authored in the repo: scenario parameters, agreements/*.yaml, cases/*.yaml.
    TableSpec(ScenarioParameters, config_files.parse_scenario_parameters, source_id=None),
    TableSpec(Agreements, config_files.parse_agreements, source_id=None),
    TableSpec(ProjectCases, config_files.parse_cases, source_id=None),
    *GRID_REFERENCE_TABLES,  # cdm_registered_units (BM exclusion list), grid_project_defaults (issue 4)
]
