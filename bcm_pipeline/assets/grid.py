"""Dagster wiring of the Python-computed grid tables (TOOL07 sample selection is clearer in pandas than SQL).

The numbers come from bcm_pipeline/grid; this module only reads the build warehouse, validates and writes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg
import duckdb
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline import warehouse
from bcm_pipeline.assets.factories import TableSpec, check_written_table, schema_check_spec
from bcm_pipeline.grid import marts as grid_marts
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.base import dagster_column_schema, table_name
from bcm_pipeline.schemas.grid import (
    CdmRegisteredUnits,
    GridBmSampleUnits,
    GridMarginsComputed,
    GridProjectDefaults,
)

# Authored reference tables (bcm_pipeline/reference/*.csv): registered in CORE_TABLES.
GRID_REFERENCE_TABLES = [
    TableSpec(CdmRegisteredUnits, grid_marts.cdm_registered_units, source_id=None, group="core"),
    TableSpec(GridProjectDefaults, grid_marts.grid_project_defaults, source_id=None, group="core"),
]


@dataclass(frozen=True)
class PythonTable:
    model: type[pa.DataFrameModel]
    compute: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]
    deps: list[str] = field(default_factory=list)
    group: str = "marts"

    @property
    def name(self) -> str:
        return table_name(self.model)


PYTHON_MARTS: list[PythonTable] = [
    PythonTable(
        GridMarginsComputed,
        grid_marts.grid_margins_computed,
        deps=[
            "cea_india_units",
            "cdm_registered_units",
            "coal_units",
            "gas_oil_units",
            "technology_catalogue",
            "fuel_defaults",
            "owid_carbon_intensity",
            "countries",
        ],
    ),
    PythonTable(
        GridBmSampleUnits, grid_marts.grid_bm_sample_units, deps=["cea_india_units", "cdm_registered_units"]
    ),
]


def python_table_asset(spec: PythonTable) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.name,
        group_name=spec.group,
        kinds={"duckdb", "pandas"},
        owners=["team:bcm-data"],
        deps=[dg.AssetKey(d) for d in spec.deps],
        description=f"{spec.model.Config.description}\n\nPython: {spec.compute.__module__}.{spec.compute.__name__}",
        metadata={
            "dagster/column_schema": dagster_column_schema(spec.model),
            "dagster/table_name": spec.name,
        },
        check_specs=[schema_check_spec(spec.model)],
    )
    def _table(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        with bcm.build_connection() as con:
            df = spec.compute(con)
            valid = spec.model.validate(df, lazy=True)[list(spec.model.to_schema().columns)]
            rows = warehouse.replace_table(con, spec.model, valid)
            check = check_written_table(con, spec.model, len(valid))
        return dg.MaterializeResult(
            check_results=[check],
            metadata={
                "dagster/row_count": rows,
                "preview": dg.MetadataValue.md(valid.head(10).to_markdown(index=False)),
            },
        )

    return _table
