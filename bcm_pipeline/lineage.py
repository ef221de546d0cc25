"""Column-level lineage of a SQL file: which columns of which tables each output column reads.

Derived by parsing the SQL with sqlglot (DuckDB dialect) against the column lists of the tables it reads,
so the lineage shown in the Dagster UI and the data dictionary follows the SQL as written.
"""

from __future__ import annotations

import pandera.pandas as pa
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage

from bcm_pipeline.schemas.base import table_name


def schema_of(models: list[type[pa.DataFrameModel]]) -> dict[str, dict[str, str]]:
    """sqlglot's schema: {table: {column: type}} (types do not matter for lineage)."""
    return {table_name(m): {c: "VARCHAR" for c in m.to_schema().columns} for m in models}


def column_lineage(sql: str, schema: dict[str, dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """{output column: sorted [(table, column), ...]} for a single SELECT (CTEs and joins followed).

    Columns computed from no table column (constants) map to []. Raises SqlglotError on SQL that
    sqlglot cannot parse; callers decide whether lineage is optional.
    """
    nodes = lineage(None, sql.strip().rstrip(";"), schema=schema, dialect="duckdb")
    out: dict[str, list[tuple[str, str]]] = {}
    for column, node in nodes.items():
        deps = set()
        for n in node.walk():
            if isinstance(n.source, exp.Table) and not n.downstream:
                table = n.source.name
                col = n.name.split(".")[-1]
                if table in schema and col in schema[table]:
                    deps.add((table, col))
        out[column] = sorted(deps)
    return out


def try_column_lineage(sql: str, schema: dict[str, dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """column_lineage, or {} when the SQL uses syntax sqlglot cannot follow (lineage is a nicety)."""
    try:
        return column_lineage(sql, schema)
    except (SqlglotError, KeyError, ValueError):
        return {}


def warehouse_schema(con) -> dict[str, dict[str, str]]:
    """sqlglot's schema from a DuckDB catalog: every table and view with its columns."""
    schema: dict[str, dict[str, str]] = {}
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() ORDER BY table_name, column_index"
    ).fetchall()
    for table, column, dtype in rows:
        schema.setdefault(table, {})[column] = dtype
    return schema


def dagster_column_lineage(sql: str, con):
    """Dagster's `dagster/column_lineage` value for a SQL table built in the warehouse `con` (asset key =
    table name), or None when the SQL cannot be followed."""
    import dagster as dg

    deps = try_column_lineage(sql, warehouse_schema(con))
    if not deps:
        return None
    return dg.TableColumnLineage(
        deps_by_column={
            col: [dg.TableColumnDep(asset_key=dg.AssetKey(t), column_name=c) for t, c in reads]
            for col, reads in deps.items()
        }
    )
