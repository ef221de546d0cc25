"""Column-level lineage of a SQL file: which columns of which tables each output column reads.

Derived by parsing the SQL with sqlglot (DuckDB dialect) against the column lists of the tables it reads,
so the lineage shown in the Dagster UI and the data dictionary follows the SQL as written.

Following every column through sqlglot costs ~0.1-1 s per file, and the same SQL is followed by its mart
step, the analyst views and the data dictionary: try_column_lineage memoises the answer per (SQL text,
columns of the tables it reads), in the process and, given a cache folder, on disk across runs.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import uuid
from pathlib import Path

import pandera.pandas as pa

from bcm_pipeline.schemas.base import table_name


def schema_of(models: list[type[pa.DataFrameModel]]) -> dict[str, dict[str, str]]:
    """sqlglot's schema: {table: {column: type}} (types do not matter for lineage)."""
    return {table_name(m): {c: "VARCHAR" for c in m.to_schema().columns} for m in models}


def column_lineage(sql: str, schema: dict[str, dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """{output column: sorted [(table, column), ...]} for a single SELECT (CTEs and joins followed).

    Columns computed from no table column (constants) map to []. Raises SqlglotError on SQL that
    sqlglot cannot parse; callers decide whether lineage is optional.
    """
    from sqlglot import exp  # sqlglot is imported when lineage is needed, not with the definitions
    from sqlglot.lineage import lineage

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


def try_column_lineage(
    sql: str, schema: dict[str, dict[str, str]], cache_dir: Path | None = None
) -> dict[str, list[tuple[str, str]]]:
    """column_lineage, or {} when the SQL uses syntax sqlglot cannot follow (lineage is a nicety).

    The answer depends only on the SQL text and the column names of the tables it reads (types do not
    matter for lineage): that is the cache key. A warm cache needs neither sqlglot nor a parse.
    """
    version = _sqlglot_version()
    read = _cached(cache_dir, ["tables", version, sql], lambda: _tables_named(sql))
    if read is None:
        return {}
    columns = {t: list(schema[t]) for t in read if t in schema}
    deps = _cached(cache_dir, ["lineage", version, sql, columns], lambda: _lineage_or_none(sql, columns))
    return {c: [tuple(d) for d in reads] for c, reads in (deps or {}).items()}


@functools.cache
def _sqlglot_version() -> str:
    return importlib.metadata.version("sqlglot")


def _tables_named(sql: str) -> list[str] | None:
    """Every table name in the SQL, sorted (CTE names too: harmless, they are not in the schema)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(sql.strip().rstrip(";"), dialect="duckdb")
    except SqlglotError:
        return None
    return sorted({t.name for t in tree.find_all(exp.Table)})


def _lineage_or_none(sql: str, columns: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]] | None:
    from sqlglot.errors import SqlglotError

    try:
        return column_lineage(sql, {t: dict.fromkeys(cols, "VARCHAR") for t, cols in columns.items()})
    except (SqlglotError, KeyError, ValueError):
        return None


_MEMO: dict[str, str] = {}  # JSON key -> JSON answer, for this process


def _cached(cache_dir: Path | None, key: list, compute):
    """compute()'s JSON-able answer, memoised in the process and, given cache_dir, in
    cache_dir/<kind>-<sha256 of key>.json. Returns a fresh copy each time: callers may edit it."""
    text = json.dumps(key)
    if text not in _MEMO:
        path = cache_dir / f"{key[0]}-{hashlib.sha256(text.encode()).hexdigest()}.json" if cache_dir else None
        answer = _read_json(path) if path is not None else None
        if answer is None:
            answer = json.dumps(compute())
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
                tmp.write_text(answer)
                os.replace(tmp, path)  # whole files only: two writers race harmlessly
        _MEMO[text] = answer
    return json.loads(_MEMO[text])


def _read_json(path: Path) -> str | None:
    """The file's text if it holds valid JSON, else None (absent, partial or unreadable: compute again)."""
    try:
        text = path.read_text()
        json.loads(text)
    except (OSError, ValueError):
        return None
    return text


def warehouse_schema(con) -> dict[str, dict[str, str]]:
    """sqlglot's schema from a DuckDB catalog: every table and view with its columns."""
    schema: dict[str, dict[str, str]] = {}
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() ORDER BY table_name, column_index"
    ).fetchall()
    for table, column, dtype in rows:
        schema.setdefault(table, {})[column] = dtype
    return schema
