"""Every table the pipeline writes, in flow order: the one list the Dagster assets, the CLI, the data
dictionary, the country partitions, the benchmarks and the tests read. No Dagster here.

A table is built in one of four ways:
- `source`: a parser turns a raw file of `source_id` into a frame (bcm_pipeline/parsers);
- `authored`: a reader turns a file authored in the package (reference CSV, agreements/cases YAML) into a frame;
- `python`: a function computes frames from tables already in the warehouse (the TOOL07 grid tables);
- `sql`: one SELECT in bcm_pipeline/sql/marts/<name>.sql.
What a SQL mart reads is taken from its SQL text (DuckDB's own parser), never written by hand.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

import pandera.pandas as pa

from bcm_pipeline.activity.tables import activity_tables
from bcm_pipeline.grid import marts as grid_marts
from bcm_pipeline.parsers import (
    article6,
    cdm,
    cea,
    gem,
    ifi,
    owid,
    reference,
    steel,
    worldbank_pink_sheet,
    wri,
)
from bcm_pipeline.parsers import config as config_files
from bcm_pipeline.schemas import article6 as a6
from bcm_pipeline.schemas import grid
from bcm_pipeline.schemas import marts as m
from bcm_pipeline.schemas.activity import (
    CalibratedCapacityFactors,
    CeaGemUnitMatches,
    CeaStationLocations,
    NationalGeneration,
    NationalReconciliation,
    TrackerDuplicateUnits,
)
from bcm_pipeline.schemas.base import table_name
from bcm_pipeline.schemas.cea import CeaIndiaPublishedMargins, CeaIndiaUnits
from bcm_pipeline.schemas.gem import CoalUnits, GasOilUnits, GemCo2Parameters
from bcm_pipeline.schemas.ifi import IfiGridFactors
from bcm_pipeline.schemas.meta import DataDictionary, Quarantine, RawFiles, SourceReleases
from bcm_pipeline.schemas.owid import OwidCarbonIntensity, OwidElectricityBySource
from bcm_pipeline.schemas.reference import (
    CostRegions,
    Countries,
    FuelDefaults,
    Gwp,
    NationalGenerationSupplements,
    PriceDeflators,
    Technologies,
    TechnologyCatalogue,
    TechnologyRetrofits,
    UnitEfficiencyClasses,
)
from bcm_pipeline.schemas.releases import ReleaseChanges, TrackerUnitReleases
from bcm_pipeline.schemas.steel import (
    PostedSteelCosts,
    PostedSteelTechnologies,
    SteelBaselines,
    SteelDefaults,
    SteelPlants,
    SteelRouteFactors,
    SteelSwapOptions,
    SteelSwaps,
    SteelUnits,
)
from bcm_pipeline.schemas.worldbank_pink_sheet import FuelPricesMonthly
from bcm_pipeline.settings import SQL_DIR

ALL_FILES = "*"


@dataclass(frozen=True)
class Table:
    model: type[pa.DataFrameModel]
    layer: str  # bookkeeping | core | marts | reports: the Dagster group and the dictionary's layer
    source_id: str | None = None  # kind source: the raw file parse() reads
    parse: Callable | None = None  # source: parse(path) -> frame; authored: parse(settings) -> frame
    compute: Callable | None = None  # python: compute(con) -> {table name: frame}, shared by its tables
    reads: tuple[str, ...] = ()  # python: the tables compute() reads
    sql: str | None = None  # sql: path under bcm_pipeline/sql/
    country_column: str | None = None  # marts rerun one host country at a time: the column naming it
    notes: dict = field(default_factory=dict)
    # source: which of the source's releases parse() reads: "used" (the newest listed, or the pinned one),
    # or "latest_two" (the two newest listed, for the release comparison; bcm_pipeline/releases.py).
    releases: str = "used"
    # source: the role of the release file parse() reads, when a release has several files; ALL_FILES: the
    # parser reads every file of the release side by side (it gets the first; the cache key covers all).
    file: str | None = None

    @property
    def name(self) -> str:
        return table_name(self.model)

    @property
    def kind(self) -> str:
        if self.layer in ("bookkeeping", "reports"):
            return self.layer  # bookkeeping: by the raw assets and each table's step; reports: last
        if self.sql:
            return "sql"
        if self.compute:
            return "python"
        return "source" if self.source_id else "authored"

    @property
    def sql_path(self) -> Path | None:
        return SQL_DIR / self.sql if self.sql else None

    def sql_text(self) -> str:
        return sql_text(self.sql)


def _source(model, parse, source_id, file: str | None = None) -> Table:
    return Table(model, "core", source_id=source_id, parse=parse, file=file)


def _authored(model, read) -> Table:
    return Table(model, "core", parse=read)


def _mart(model, country_column: str | None = None, layer: str = "marts") -> Table:
    return Table(model, layer, sql=f"marts/{table_name(model)}.sql", country_column=country_column)


def _python(model, compute, reads: Iterable[str]) -> Table:
    return Table(model, "marts", compute=compute, reads=tuple(reads))


# In flow order: sources, authored tables, then marts (each after what it reads).
TABLES: list[Table] = [
    Table(RawFiles, "bookkeeping"),
    Table(Quarantine, "bookkeeping"),
    _source(IfiGridFactors, ifi.parse, "ifi_grid_factors"),
    _source(CoalUnits, gem.parse_coal_units, "gem_coal_plant_tracker"),
    _source(GemCo2Parameters, gem.parse_gem_co2_parameters, "gem_coal_plant_tracker"),
    _source(GasOilUnits, gem.parse_gas_oil_units, "gem_oil_gas_plant_tracker"),
    _source(CeaIndiaUnits, cea.parse_cea_units, "cea_india_co2_baseline"),
    _source(CeaIndiaPublishedMargins, cea.parse_cea_published_margins, "cea_india_co2_baseline"),
    _source(OwidCarbonIntensity, owid.parse_owid, "owid_carbon_intensity"),
    _source(OwidElectricityBySource, owid.parse_owid_electricity_by_source, "owid_electricity_by_source"),
    _source(CeaStationLocations, wri.parse_cea_station_locations, "wri_gppd_india"),
    _source(FuelPricesMonthly, worldbank_pink_sheet.parse_pink_sheet, "worldbank_pink_sheet"),
    _source(SteelPlants, steel.parse_steel_plants, "gem_steel_plant_tracker", file="plants"),
    _source(SteelUnits, steel.parse_steel_units, "gem_steel_plant_tracker", file="units"),
    # The three POSTED CSVs of one release: the parser reads them side by side.
    _source(PostedSteelTechnologies, steel.parse_posted_steel, "posted_steel_technologies", file=ALL_FILES),
    # Article 6.2 deals, JCM and CDM projects (issue 15).
    _source(a6.Article6Agreements, article6.parse_article6_agreements, "unepccc_article6_pipeline"),
    _source(a6.JcmProjects, article6.parse_jcm_projects, "unepccc_article6_pipeline"),
    _source(a6.CdmPowerProjects, cdm.parse_cdm_power_projects, "cdm_power_projects"),
    # Releases (issue 14): the units of the two newest GCPT releases, and what changed between them.
    Table(TrackerUnitReleases, "core", "gem_coal_plant_tracker", gem.parse_coal_units, releases="latest_two"),
    _mart(ReleaseChanges),
    # Every known release per source, which one the build used, rows parsed (assets/releases.py).
    Table(SourceReleases, "bookkeeping"),
    _authored(FuelDefaults, reference.fuel_defaults),
    _authored(Gwp, reference.gwp),
    _authored(Countries, reference.countries),
    _authored(Technologies, reference.technologies),
    _authored(TechnologyCatalogue, reference.technology_catalogue),
    _authored(TechnologyRetrofits, reference.technology_retrofits),
    _authored(CostRegions, reference.cost_regions),
    _authored(SteelDefaults, reference.steel_defaults),
    _authored(SteelSwapOptions, reference.steel_swap_options),
    _authored(PriceDeflators, reference.price_deflators),
    _authored(UnitEfficiencyClasses, reference.unit_efficiency_classes),
    _authored(NationalGenerationSupplements, reference.national_generation_supplements),
    _authored(m.ScenarioParameters, config_files.parse_scenario_parameters),
    _authored(m.Agreements, config_files.parse_agreements),
    _authored(m.ProjectCases, config_files.parse_cases),
    _authored(a6.Programmes, config_files.parse_programmes),
    _authored(grid.CdmRegisteredUnits, reference.cdm_registered_units),
    _authored(grid.GridProjectDefaults, reference.grid_project_defaults),
    _mart(m.HostCountries),
    # Article 6.2: the agreements' real deals; units already under a CDM or JCM project (nesting), which
    # credits and the estimated TOOL07 build margins leave out.
    _mart(a6.AgreementStatus),
    _mart(a6.RegisteredUnitMatches, "country_iso3"),
    # TOOL07 sample selection reads more clearly in pandas: both tables come out of one computation.
    _python(
        grid.GridMarginsComputed,
        grid_marts.grid_tables,
        reads=[
            "cea_india_units",
            "cdm_registered_units",
            "coal_units",
            "gas_oil_units",
            "technology_catalogue",
            "fuel_defaults",
            "owid_carbon_intensity",
            "host_countries",
            "registered_unit_matches",
        ],
    ),
    _python(
        grid.GridBmSampleUnits, grid_marts.grid_tables, reads=["cea_india_units", "cdm_registered_units"]
    ),
    _mart(grid.GridEmissionFactors),
    _mart(grid.GridFactorForCrediting),
    # National generation per country and source: OWID, with cited supplements for country-years it lacks.
    _mart(NationalGeneration),
    # Activity data (issue 12), one computation: the units in both trackers, India's CEA station of each GEM
    # unit, each country's calibrated capacity factors (bcm_pipeline/activity).
    _python(TrackerDuplicateUnits, activity_tables, reads=["coal_units", "gas_oil_units"]),
    _python(
        CeaGemUnitMatches,
        activity_tables,
        reads=["cea_india_units", "cea_station_locations", "coal_units", "gas_oil_units"],
    ),
    _python(
        CalibratedCapacityFactors,
        activity_tables,
        reads=[
            "coal_units",
            "gas_oil_units",
            "technologies",
            "national_generation",
            "scenario_parameters",
            "cea_india_units",
            "cea_station_locations",
        ],
    ),
    # Iron and steel (issue 16): baselines of the operating fleet, then the swaps technology_swaps unions.
    _mart(SteelRouteFactors),
    _mart(SteelBaselines),
    _mart(PostedSteelCosts),
    _mart(m.EndUseSwaps, "country_iso3"),  # end-use programme cases (kind end_use_programme)
    _mart(m.PlantBaselines, "country_iso3"),
    _mart(m.FuelPriceScenarios, "country_iso3"),
    _mart(SteelSwaps),  # prices its coal and gas with fuel_price_scenarios
    _mart(grid.GridDisplacementSwaps, "country_iso3"),
    _mart(m.TechnologySwaps, "country_iso3"),
    _mart(m.ChosenOptions, "country_iso3"),
    _mart(m.Credits, "host_country_iso3"),
    _mart(m.HostCountryProgrammes, "country_iso3"),
    _mart(m.MacCurve, "country_iso3"),
    _mart(m.ProjectCaseResults, "country_iso3"),
    # Article 6.2 (issue 15): vintages, the ITMO ledger, adjustments, exposure, programmes, reporting.
    _mart(a6.CreditVintages, "host_country_iso3"),
    _mart(a6.ItmoLedger, "host_country_iso3"),
    _mart(a6.CorrespondingAdjustments, "host_country_iso3"),
    _mart(a6.HostNdcExposure, "host_country_iso3"),
    _mart(a6.ProgrammeCrediting, "host_country_iso3"),
    _mart(a6.Article6Report, "host_country_iso3"),
    _mart(NationalReconciliation),  # plant sums against national totals (issue 12)
    # Written after every table and view (bcm_pipeline/dictionary.py): what the warehouse holds.
    Table(DataDictionary, "reports"),
]


@functools.cache
def by_name() -> dict[str, Table]:
    return {t.name: t for t in TABLES}


def table(name: str) -> Table:
    try:
        return by_name()[name]
    except KeyError:
        raise KeyError(f"no table {name!r} in the catalogue; known: {', '.join(by_name())}") from None


def tables(*kinds: str) -> list[Table]:
    """The catalogue's tables of these kinds (all of them when none is named), in flow order."""
    return [t for t in TABLES if not kinds or t.kind in kinds]


def sql_text(relpath: str) -> str:
    return (SQL_DIR / relpath).read_text()


@functools.cache
def _parser():
    """An in-memory DuckDB connection, only for its SQL parser, and the lock that serialises its use."""
    import duckdb

    return duckdb.connect(":memory:"), threading.Lock()


@functools.cache
def sql_reads(sql: str) -> frozenset[str]:
    """The tables a SELECT reads, by DuckDB's own parser (CTE names removed; table functions are not
    tables). Cheap (a few ms a file), so the Dagster definitions can derive their dependencies from it."""
    con, lock = _parser()
    with lock:  # one connection for every file (opening one costs more than parsing); not thread-safe
        tree = json.loads(
            con.execute("SELECT json_serialize_sql(?)", [sql.strip().rstrip(";")]).fetchone()[0]
        )
    if tree.get("error"):
        raise ValueError(f"SQL does not parse: {tree.get('error_message')}")
    found: set[str] = set()
    ctes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("table_name"):
                found.add(node["table_name"])
            cte_map = node.get("cte_map")
            if isinstance(cte_map, dict):
                ctes.update(entry["key"] for entry in cte_map.get("map", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return frozenset(found - ctes)


def reads(t: Table) -> list[str]:
    """The warehouse tables t is computed from (raw files are not tables: see source_id)."""
    if t.kind == "sql":
        return sorted(n for n in sql_reads(t.sql_text()) if n in by_name())
    return sorted(t.reads)


def unknown_reads(t: Table) -> list[str]:
    """Tables t's SQL reads that the catalogue does not build (a typo, or a table not registered)."""
    if t.kind != "sql":
        return []
    return sorted(n for n in sql_reads(t.sql_text()) if n not in by_name())


def graph() -> dict[str, list[str]]:
    """{table: the catalogue tables it reads}."""
    return {t.name: reads(t) for t in TABLES}


def downstream(names: Iterable[str], through_not: Iterable[str] = ()) -> set[str]:
    """Every table computed, directly or not, from any of `names` (not including them); paths through the
    tables `through_not` are not followed."""
    stop = set(through_not)
    readers: dict[str, set[str]] = {}
    for name, deps in graph().items():
        for dep in deps:
            readers.setdefault(dep, set()).add(name)
    out: set[str] = set()
    todo = list(names)
    while todo:
        for reader in readers.get(todo.pop(), ()):
            if reader not in out and reader not in stop:
                out.add(reader)
                todo.append(reader)
    return out


def upstream(names: Iterable[str]) -> set[str]:
    """Every table `names` are computed from, directly or not (not including them)."""
    deps = graph()
    out: set[str] = set()
    todo = list(names)
    while todo:
        for dep in deps.get(todo.pop(), ()):
            if dep not in out:
                out.add(dep)
                todo.append(dep)
    return out


def build_order(names: Iterable[str]) -> list[str]:
    """`names` in an order where each table comes after every table it reads."""
    wanted = set(names)
    deps = graph()
    order = TopologicalSorter({n: [d for d in deps[n] if d in wanted] for n in wanted}).static_order()
    flow = {t.name: i for i, t in enumerate(TABLES)}
    # static_order is a valid order; re-sorting ties by catalogue position keeps it stable and readable.
    return sorted(order, key=lambda n: (_depth(n, deps, wanted), flow[n]))


def _depth(name: str, deps: dict[str, list[str]], wanted: set[str]) -> int:
    inside = [d for d in deps[name] if d in wanted]
    return 1 + max((_depth(d, deps, wanted) for d in inside), default=-1)


def compared_sources() -> list[str]:
    """Sources whose two newest releases are compared (a table reads releases="latest_two")."""
    return sorted({t.source_id for t in TABLES if t.releases == "latest_two"})


def parsed_from_used_release() -> list[Table]:
    """The source tables built from the release each source uses (what source_releases counts)."""
    return [t for t in TABLES if t.kind == "source" and t.releases == "used"]


def country_marts() -> dict[str, str]:
    """{mart: its host-country column} for the marts a one-country rerun rebuilds."""
    return {t.name: t.country_column for t in TABLES if t.country_column}
