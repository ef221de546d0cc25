"""Mart tables: each is one readable SQL file under sql/marts/, run in DuckDB by its own asset.

To add a mart: write sql/marts/<name>.sql (a single SELECT), a pandera model with Config.name = <name>,
and one SqlTable(...) line in MARTS with the tables it reads (so the lineage shows them).
"""

from dataclasses import dataclass, field

import dagster as dg
import pandera.pandas as pa

from bcm_pipeline import warehouse
from bcm_pipeline.resources import BcmResource
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


MARTS: list[SqlTable] = []


def sql_asset(spec: SqlTable) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.name,
        group_name=spec.group,
        kinds={"duckdb", "sql"},
        owners=["team:bcm-data"],
        deps=[dg.AssetKey(d) for d in spec.deps],
        description=f"{spec.model.Config.description}\n\nSQL: sql/{spec.sql_file}",
        metadata={"dagster/column_schema": dagster_column_schema(spec.model), "dagster/table_name": spec.name},
    )
    def _mart(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        sql = warehouse.sql_text(spec.sql_file)
        with bcm.build_connection() as con:
            rows = warehouse.build_sql_table(con, spec.name, sql)
            for stmt in comment_statements(spec.model):
                con.execute(stmt)
            preview = con.execute(f'SELECT * FROM "{spec.name}" LIMIT 10').df()
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "sql_file": f"sql/{spec.sql_file}",
                "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
            }
        )

    return _mart
