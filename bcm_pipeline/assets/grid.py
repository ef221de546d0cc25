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
    deps: list[str] = field(default_factory=list)
    group: str = "marts"

    @property
    def name(self) -> str:
        return table_name(self.model)


# Both come out of one computation (grid/marts.py grid_tables): India's CEA margins and their BM sample.
PYTHON_MARTS: list[PythonTable] = [
    PythonTable(
        GridMarginsComputed,
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
    PythonTable(GridBmSampleUnits, deps=["cea_india_units", "cdm_registered_units"]),
]


def python_tables_asset(
    tables: list[PythonTable] = PYTHON_MARTS,
    compute: Callable[[duckdb.DuckDBPyConnection], dict[str, pd.DataFrame]] = grid_marts.grid_tables,
) -> dg.AssetsDefinition:
    """One step computes the tables together (they share India's CEA computation); each stays its own
    asset with its own lineage and blocking schema check."""
    specs = [
        dg.AssetSpec(
            t.name,
            group_name=t.group,
            kinds={"duckdb", "pandas"},
            owners=["team:bcm-data"],
            deps=[dg.AssetKey(d) for d in t.deps],
            description=f"{t.model.Config.description}\n\nPython: {compute.__module__}.{compute.__name__}",
            metadata={
                "dagster/column_schema": dagster_column_schema(t.model),
                "dagster/table_name": t.name,
            },
        )
        for t in tables
    ]

    @dg.multi_asset(
        name=compute.__name__,
        specs=specs,
        check_specs=[schema_check_spec(t.model) for t in tables],
    )
    def _tables(bcm: BcmResource):
        with bcm.build_connection() as con:
            frames = compute(con)
            for t in tables:
                valid = t.model.validate(frames[t.name], lazy=True)[list(t.model.to_schema().columns)]
                rows = warehouse.replace_table(con, t.model, valid)
                yield dg.MaterializeResult(
                    asset_key=t.name,
                    check_results=[check_written_table(con, t.model, len(valid))],
                    metadata={
                        "dagster/row_count": rows,
                        "preview": dg.MetadataValue.md(valid.head(10).to_markdown(index=False)),
                    },
                )

    return _tables
