"""One pandera DataFrameModel per table drives: validation, quarantine, the table's DDL (DuckDB types, NOT
NULL, comments), the data dictionary and the Dagster UI's column schema.

Every model sets `Config.name` (the warehouse table), `Config.description`, and `Config.metadata =
{"key": [...]}` (the columns that identify a row). Fields carry `description=` with the unit. A table that may
legitimately hold no row says so with `Config.metadata["may_be_empty"] = True`.
"""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

PROBLEMS = "_problems"  # list of (column, check, bad_value) per row, filled by parsers

# pandera dtype (as str()) -> the DuckDB type a column of the model is stored as
DUCKDB_TYPES = {
    "str": "VARCHAR",
    "string": "VARCHAR",
    "object": "VARCHAR",
    "int64": "BIGINT",
    "Int64": "BIGINT",
    "int32": "INTEGER",
    "Int32": "INTEGER",
    "float64": "DOUBLE",
    "Float64": "DOUBLE",
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime64[ns]": "TIMESTAMP_NS",
    "datetime64[us]": "TIMESTAMP",
}

QUARANTINE_COLUMNS = [
    "source_id",
    "table_name",
    "row_key",
    "column_name",
    "check_name",
    "bad_value",
    "file_sha256",
    "row_json",
]

# Failures that concern the whole table: they fail the run instead of quarantining rows.
TABLE_LEVEL_CHECKS = {
    "column_in_dataframe",
    "column_in_schema",
    "dataframe_not_empty",
    "multiple_fields_uniqueness",
    "field_uniqueness",
    "unique",
    "dtype",
    "coerce_dtype",
}


class TableValidationError(ValueError):
    """The table as a whole is unusable (missing column, duplicate keys, zero rows)."""


def table_name(model: type[pa.DataFrameModel]) -> str:
    return model.Config.name


def key_columns(model: type[pa.DataFrameModel]) -> list[str]:
    meta = getattr(model.Config, "metadata", None) or {}
    return list(meta.get("key", []))


def may_be_empty(model: type[pa.DataFrameModel]) -> bool:
    return bool((getattr(model.Config, "metadata", None) or {}).get("may_be_empty"))


def duckdb_type(dtype: object) -> str:
    text = str(dtype)
    if text not in DUCKDB_TYPES:
        raise TypeError(f"no DuckDB type for pandera dtype {text!r}: add it to schemas/base.py DUCKDB_TYPES")
    return DUCKDB_TYPES[text]


def storage_columns(model: type[pa.DataFrameModel]) -> list[tuple[str, str, bool]]:
    """[(column, DuckDB type, nullable), ...] in model order: how the model's table is stored."""
    return [(c, duckdb_type(col.dtype), bool(col.nullable)) for c, col in model.to_schema().columns.items()]


def create_table_sql(model: type[pa.DataFrameModel], qualified_name: str) -> str:
    """CREATE OR REPLACE TABLE with the model's columns, types and NOT NULL constraints."""
    cols = ", ".join(
        f"{quote_ident(c)} {dtype}{'' if nullable else ' NOT NULL'}"
        for c, dtype, nullable in storage_columns(model)
    )
    return f"CREATE OR REPLACE TABLE {qualified_name} ({cols})"


def quote_ident(name: str) -> str:
    """A DuckDB identifier, quoted (names come from code, but never trust them in SQL text)."""
    return '"' + name.replace('"', '""') + '"'


def columns(model: type[pa.DataFrameModel]) -> list[str]:
    return list(model.to_schema().columns)


def _row_key(row: pd.Series, keys: list[str], idx: object) -> str:
    if keys and all(k in row.index for k in keys):
        return "|".join(str(row[k]) for k in keys)
    return f"row {idx}"


def _row_json(row: pd.Series) -> str:
    return json.dumps({k: (None if pd.isna(v) else v) for k, v in row.items() if k != PROBLEMS}, default=str)


def validate(
    model: type[pa.DataFrameModel], df: pd.DataFrame, source_id: str, file_sha256: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (valid rows in schema column order, quarantine rows). Raise on table-level failures."""
    name = table_name(model)
    keys = key_columns(model)
    if len(df) == 0:
        raise TableValidationError(f"{source_id} → {name}: zero rows parsed; wrong sheet or empty file?")
    df = df.reset_index(drop=True)
    records: list[dict] = []

    def quarantine(idx, column, check, bad_value):
        row = df.loc[idx]
        records.append(
            {
                "source_id": source_id,
                "table_name": name,
                "row_key": _row_key(row, keys, idx),
                "column_name": column,
                "check_name": check,
                "bad_value": None if bad_value is None else str(bad_value),
                "file_sha256": file_sha256,
                "row_json": _row_json(row),
            }
        )

    bad_rows: set = set()
    if PROBLEMS in df.columns:
        for idx, problems in df[PROBLEMS].items():
            for column, check, value in problems:
                quarantine(idx, column, check, value)
                bad_rows.add(idx)
    candidate = df.drop(index=list(bad_rows)).drop(columns=[PROBLEMS], errors="ignore")

    schema = model.to_schema()
    valid = None
    try:
        valid = schema.validate(candidate, lazy=True)  # clean: this is the coerced frame, done
    except SchemaErrors as err:
        cases = err.failure_cases
        table_level = cases[cases["index"].isna() | cases["check"].astype(str).isin(TABLE_LEVEL_CHECKS)]
        if len(table_level):
            raise TableValidationError(_describe(source_id, name, table_level, candidate, keys)) from err
        for _, case in cases.iterrows():
            idx = case["index"]
            quarantine(idx, case["column"], str(case["check"]), case["failure_case"])
            bad_rows.add(idx)
        candidate = df.drop(index=list(bad_rows)).drop(columns=[PROBLEMS], errors="ignore")
    if len(candidate) == 0:
        raise TableValidationError(f"{source_id} → {name}: every row failed validation; see quarantine")
    if valid is None:
        valid = schema.validate(candidate)  # the rows left: coerces dtypes, raises if anything is still wrong
    return valid[columns(model)].reset_index(drop=True), pd.DataFrame(records, columns=QUARANTINE_COLUMNS)


def stored_failures(
    con, model: type[pa.DataFrameModel], qualified_name: str | None = None
) -> tuple[int, pd.DataFrame]:
    """(rows, pandera failure cases: empty when none) of the model's table as stored in DuckDB `con`:
    what the DDL does not enforce, checked in SQL where the rows are (schemas/stored.py)."""
    from bcm_pipeline.schemas import stored

    return stored.stored_failures(con, model, qualified_name)


def _describe(source_id: str, name: str, cases: pd.DataFrame, df: pd.DataFrame, keys: list[str]) -> str:
    lines = [f"{source_id} → {name}: table-level validation failed:"]
    for (column, check), group in cases.groupby(["column", "check"], dropna=False):
        rows = group["index"].dropna().astype(int).tolist()
        where = ""
        if rows:
            shown = [_row_key(df.loc[r], keys, r) if r in df.index else str(r) for r in rows[:10]]
            where = f" at {len(rows)} row(s), e.g. {shown}"
        values = group["failure_case"].astype(str).unique()[:5].tolist()
        lines.append(f"  column {column!r}: check {check!s} failed{where}; values {values}")
    return "\n".join(lines)


def sql_literal(text: str) -> str:
    """A SQL string literal. DuckDB's COMMENT ON takes no bound parameters, so quote by doubling."""
    return "'" + text.replace("'", "''") + "'"


def comment_statements(model: type[pa.DataFrameModel], qualified_name: str | None = None) -> list[str]:
    """COMMENT ON TABLE / COLUMN statements from the model's descriptions (identifiers quoted)."""
    name = qualified_name or quote_ident(table_name(model))
    out = [f"COMMENT ON TABLE {name} IS {sql_literal(model.Config.description or '')}"]
    for col, column in model.to_schema().columns.items():
        if column.description:
            out.append(f"COMMENT ON COLUMN {name}.{quote_ident(col)} IS {sql_literal(column.description)}")
    return out
