"""Mart tables: each is one readable SQL file under sql/marts/, run in DuckDB by its own asset.

To add a mart: write sql/marts/<name>.sql (a single SELECT), a pandera model with Config.name = <name>,
and one SqlTable(...) line in MARTS with the tables it reads (so the lineage shows them).
"""

from dataclasses import dataclass, field

import dagster as dg
import pandera.pandas as pa

from bcm_pipeline import warehouse
from bcm_pipeline.assets.factories import check_stored_table, schema_check_spec
from bcm_pipeline.lineage import dagster_column_lineage
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas import grid, steel
from bcm_pipeline.schemas import marts as methodology
from bcm_pipeline.schemas.base import comment_statements, dagster_column_schema, table_name


@dataclass(frozen=True)
class SqlTable:
    model: type[pa.DataFrameModel]
    deps: list[str] = field(default_factory=list)
    group: str = "marts"

    @property
    def name(self) -> str:
        return table_name(self.model)

    @property
    def sql_file(self) -> str:
        return f"marts/{self.name}.sql"


MARTS: list[SqlTable] = [
    # Methodology core (issue 3): baselines -> swaps -> credits -> programmes, MAC curve, project cases.
    SqlTable(
        methodology.PlantBaselines,
        deps=[
            "coal_units",
            "gas_oil_units",
            "project_cases",
            "scenario_parameters",
            "technology_catalogue",
            "fuel_defaults",
            "gwp",
            "cea_india_units",
        ],
    ),
    SqlTable(
        methodology.TechnologySwaps,
        deps=[
            "plant_baselines",
            "project_cases",
            "scenario_parameters",
            "technology_catalogue",
            "fuel_defaults",
            "fuel_prices_monthly",
            "countries",
            "grid_displacement_swaps",  # grid rows (solar PV, wind, efficiency) are unioned in
        ],
    ),
    SqlTable(methodology.Credits, deps=["technology_swaps", "agreements"]),
    SqlTable(
        methodology.HostCountryProgrammes, deps=["technology_swaps", "credits", "countries", "agreements"]
    ),
    SqlTable(methodology.MacCurve, deps=["technology_swaps", "countries", "agreements"]),
    SqlTable(methodology.ProjectCaseResults, deps=["technology_swaps", "project_cases"]),
    # Grid emission factors (issue 4); grid_margins_computed is a Python table (assets/grid.py).
    SqlTable(
        grid.GridEmissionFactors,
        deps=[
            "grid_margins_computed",
            "cea_india_published_margins",
            "ifi_grid_factors",
            "owid_carbon_intensity",
        ],
    ),
    SqlTable(
        grid.GridFactorForCrediting,
        deps=["grid_margins_computed", "grid_emission_factors", "cea_india_published_margins", "countries"],
    ),
    SqlTable(
        grid.GridDisplacementSwaps,
        deps=[
            "grid_factor_for_crediting",
            "grid_margins_computed",
            "grid_emission_factors",
            "grid_project_defaults",
            "countries",
            "project_cases",  # grid-displacement cases
        ],
    ),
    # Iron and steel (issue 16).
    SqlTable(
        steel.SteelBaselines,
        deps=["steel_plants", "steel_defaults", "grid_emission_factors", "grid_factor_for_crediting"],
    ),
    SqlTable(steel.PostedSteelCosts, deps=["posted_steel_technologies", "price_deflators"]),
]


def sql_asset(spec: SqlTable) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.name,
        group_name=spec.group,
        kinds={"duckdb", "sql"},
        owners=["team:bcm-data"],
        deps=[dg.AssetKey(d) for d in spec.deps],
        description=f"{spec.model.Config.description}\n\nSQL: sql/{spec.sql_file}",
        metadata={
            "dagster/column_schema": dagster_column_schema(spec.model),
            "dagster/table_name": spec.name,
        },
        check_specs=[schema_check_spec(spec.model)],
    )
    def _mart(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        sql = warehouse.sql_text(spec.sql_file)
        with bcm.build_connection() as con:
            rows = warehouse.build_sql_table(con, spec.name, sql)
            for stmt in comment_statements(spec.model):
                con.execute(stmt)
            preview = con.execute(f'SELECT * FROM "{spec.name}" LIMIT 10').df()
            # parsed from the SQL (issue 6); cached per SQL text in data/cache/lineage
            column_lineage = dagster_column_lineage(sql, con, bcm.settings().data_dir / "cache" / "lineage")
            check = check_stored_table(con, spec.model)
        return dg.MaterializeResult(
            check_results=[check],
            metadata={
                "dagster/row_count": rows,
                "sql_file": f"sql/{spec.sql_file}",
                "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
                **({"dagster/column_lineage": column_lineage} if column_lineage else {}),
            },
        )

    return _mart
