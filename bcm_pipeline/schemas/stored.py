"""Pandera's verdict on a table as stored in DuckDB, computed where the rows are.

A stored table was created from its model's DDL (bcm_pipeline/warehouse.py write_table), so DuckDB already
enforces the column types and the NOT NULLs: reading the rows back into pandas to have pandera check them
again cost most of a mart step (technology_swaps: 35 k rows x 60 columns, 1.3 M rows in the 1 M-unit
benchmark). What the DDL does not enforce is checked here:

- pandera's built-in value checks (ge, gt, le, lt, in_range, eq, ne, isin, notin, str_length, str_matches,
  str_contains, str_startswith, str_endswith), uniqueness of a column and of Config.unique, and NaN in a
  non-nullable DOUBLE (NOT NULL lets NaN through; pandera counts NaN as null): as SQL, one aggregate scan
  per table, then the failing values of the checks that failed;
- anything else (custom checks, `@pa.dataframe_check`s): by pandera itself, on a frame of only the columns
  those checks read (found by running them on an empty frame that notes each `df[...]` / `df.x`; a check
  that fails on the narrow frame is run on every column).

A table whose stored columns are not the model's DDL (not written by write_table) is read back whole and
validated by pandera, as before. Same semantics as pandera's pandas backend: a check skips nulls (and
NaN) unless its `ignore_na` is off; failure cases come back in pandera's failure-case columns.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from bcm_pipeline.schemas.base import (
    quote_ident,
    sql_literal,
    storage_columns,
    table_name,
)

FAILURE_COLUMNS = ["schema_context", "column", "check", "check_number", "failure_case", "index"]


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "'NaN'::DOUBLE"
        return f"'{value!r}'::DOUBLE"  # repr round-trips: the same double pandas compares with
    if isinstance(value, str):
        return sql_literal(value)
    raise TypeError(f"no SQL literal for {value!r}")


def _passes(check: pa.Check, col: str) -> str | None:
    """SQL that is true where the value passes pandera's built-in check (None: not a built-in we know)."""
    s = check.statistics
    name = check.name
    if name == "greater_than":
        return f"{col} > {_literal(s['min_value'])}"
    if name == "greater_than_or_equal_to":
        return f"{col} >= {_literal(s['min_value'])}"
    if name == "less_than":
        return f"{col} < {_literal(s['max_value'])}"
    if name == "less_than_or_equal_to":
        return f"{col} <= {_literal(s['max_value'])}"
    if name == "in_range":
        low = ">=" if s.get("include_min", True) else ">"
        high = "<=" if s.get("include_max", True) else "<"
        return f"{col} {low} {_literal(s['min_value'])} AND {col} {high} {_literal(s['max_value'])}"
    if name == "equal_to":
        return f"{col} = {_literal(s['value'])}"
    if name == "not_equal_to":
        return f"{col} <> {_literal(s['value'])}"
    if name in ("isin", "notin"):
        values = list(s["allowed_values"] if name == "isin" else s["forbidden_values"])
        if not values or any(v is None or isinstance(v, float) and math.isnan(v) for v in values):
            return None
        inside = f"{col} IN ({', '.join(_literal(v) for v in values)})"
        return inside if name == "isin" else f"NOT ({inside})"
    if name == "str_length":
        if s.get("exact_value") is not None:
            return f"length({col}) = {int(s['exact_value'])}"
        parts = []
        if s.get("min_value") is not None:
            parts.append(f"length({col}) >= {int(s['min_value'])}")
        if s.get("max_value") is not None:
            parts.append(f"length({col}) <= {int(s['max_value'])}")
        return " AND ".join(parts) or None
    if name == "str_matches":  # pandas str.match: anchored at the start only
        return f"regexp_matches({col}, {sql_literal('^(?:' + str(s['pattern']) + ')')})"
    if name == "str_contains":
        return f"regexp_matches({col}, {sql_literal(str(s['pattern']))})"
    if name == "str_startswith":
        return f"starts_with({col}, {_literal(s['string'])})"
    if name == "str_endswith":
        return f"ends_with({col}, {_literal(s['string'])})"
    return None


def _is_null(col: str, dtype: str) -> str:
    # pandas reads a DOUBLE NaN as NaN, which pandera treats as null.
    return f"({col} IS NULL OR isnan({col}))" if dtype == "DOUBLE" else f"{col} IS NULL"


def stored_failures(
    con, model: type[pa.DataFrameModel], qualified_name: str | None = None
) -> tuple[int, pd.DataFrame]:
    """(rows, pandera failure cases: empty when none) of the model's table as stored in DuckDB `con`."""
    table = qualified_name or quote_ident(table_name(model))
    schema = model.to_schema()
    stored = [(c, t, null == "YES") for c, t, null, *_ in con.execute(f"DESCRIBE {table}").fetchall()]
    expected = storage_columns(model)
    if [(c, t) for c, t, _ in stored] != [(c, t) for c, t, _ in expected]:
        return _pandera_on_everything(con, schema, table)
    stored_nullable = {c: n for c, _, n in stored}

    # (column, check text, check number, SQL true where a row fails)
    sql_checks: list[tuple[str, str, int | None, str]] = []
    python_columns: dict[str, list[pa.Check]] = {}
    for (column, col), (_, dtype, _) in zip(schema.columns.items(), expected, strict=True):
        q = quote_ident(column)
        if not col.nullable and (stored_nullable[column] or dtype == "DOUBLE"):
            null = _is_null(q, dtype) if stored_nullable[column] else f"isnan({q})"
            sql_checks.append((column, "not_nullable", None, null))
        for number, check in enumerate(col.checks):
            passes = _passes(check, q)
            if passes is None:
                python_columns.setdefault(column, []).append(check)
                continue
            if check.ignore_na:
                sql_checks.append((column, check.error or check.name, number,
                                   f"NOT {_is_null(q, dtype)} AND NOT ({passes})"))  # fmt: skip
            else:
                sql_checks.append(
                    (column, check.error or check.name, number, f"NOT coalesce({passes}, false)")
                )
    uniques = [([c], col.report_duplicates) for c, col in schema.columns.items() if col.unique]
    if schema.unique:
        keysets = [schema.unique] if all(isinstance(u, str) for u in schema.unique) else schema.unique
        uniques += [(list(keys), schema.report_duplicates) for keys in keysets]

    aggregates = ["count(*)"] + [f"count(*) FILTER (WHERE {fails})" for *_, fails in sql_checks]
    for cols, _ in uniques:
        keys = ", ".join(quote_ident(c) for c in cols)
        aggregates.append(f"count(*) - (SELECT count(*) FROM (SELECT DISTINCT {keys} FROM {table}))")
    counts = con.execute(f"SELECT {', '.join(aggregates)} FROM {table}").fetchone()
    rows, failed = counts[0], counts[1:]

    cases = []
    for (column, check, number, fails), n in zip(sql_checks, failed, strict=False):
        if n:
            values = con.execute(f"SELECT {quote_ident(column)}, rowid FROM {table} WHERE {fails}").fetchall()
            cases += [("Column", column, check, number, v, i) for v, i in values]
    for (cols, report), n in zip(uniques, failed[len(sql_checks) :], strict=True):
        if n:
            cases += _duplicates(con, table, cols, report)

    if python_columns or schema.checks:
        cases += _pandera_on_columns(con, schema, table, python_columns)
    return rows, pd.DataFrame(cases, columns=FAILURE_COLUMNS)


def _duplicates(con, table: str, cols: list[str], report: str) -> list[tuple]:
    """Rows whose key repeats (nulls equal, as pandas' duplicated has them), by pandera's report_duplicates:
    'all', 'exclude_first', 'exclude_last'."""
    keys = ", ".join(quote_ident(c) for c in cols)
    order = "rowid DESC" if report == "exclude_last" else "rowid"
    rows = con.execute(
        f"""SELECT * EXCLUDE (_n, _k) FROM (
            SELECT {keys}, rowid, count(*) OVER (PARTITION BY {keys}) AS _n,
                row_number() OVER (PARTITION BY {keys} ORDER BY {order}) AS _k
            FROM {table})
        WHERE _n > 1 AND (_k > 1 OR {sql_literal(report)} = 'all') ORDER BY rowid"""
    ).fetchall()
    if len(cols) == 1:
        return [("Column", cols[0], "field_uniqueness", None, r[0], r[1]) for r in rows]
    return [
        ("DataFrameSchema", column, "multiple_fields_uniqueness", None, value, r[-1])
        for r in rows
        for column, value in zip(cols, r[:-1], strict=True)
    ]


class _NotesColumns(pd.DataFrame):
    """An empty frame that notes the columns asked of it (df["x"], df[["x", "y"]], df.x)."""

    _metadata = ["noted"]

    @property
    def _constructor(self):
        return pd.DataFrame  # what a check derives from it is an ordinary frame

    def __getitem__(self, key):
        for k in key if isinstance(key, list | tuple | pd.Index) else [key]:
            if isinstance(k, str):
                self.noted.add(k)
        return super().__getitem__(key)


def _columns_read(checks: list[pa.Check], empty: pd.DataFrame) -> set[str] | None:
    """The columns these dataframe checks ask for by name, or None when one fails on an empty frame."""
    frame = _NotesColumns(empty)
    frame.noted = set()
    for check in checks:
        try:
            check(frame)
        except Exception:
            return None
    return frame.noted


def _pandera_on_columns(
    con, schema: pa.DataFrameSchema, table: str, python_columns: dict[str, list[pa.Check]]
) -> list[tuple]:
    """pandera's own run of the checks with no SQL form, on the columns they read."""
    empty = con.execute(f"SELECT * FROM {table} LIMIT 0").df()
    wanted = set(python_columns)
    if schema.checks:
        noted = _columns_read(schema.checks, empty)
        wanted = set(empty.columns) if noted is None else wanted | (noted & set(empty.columns))
    narrow = pa.DataFrameSchema(
        {c: pa.Column(None, checks=checks, nullable=True) for c, checks in python_columns.items()},
        checks=schema.checks,
        name=schema.name,
    )
    names = [c for c in empty.columns if c in wanted]
    select = ", ".join(quote_ident(c) for c in names) if names else "NULL AS _none"
    df = con.execute(f"SELECT {select} FROM {table}").df()
    try:
        narrow.validate(df, lazy=True)
    except SchemaErrors as err:
        return list(err.failure_cases.reindex(columns=FAILURE_COLUMNS).itertuples(index=False, name=None))
    except (KeyError, AttributeError):  # a check read a column it did not name: give it every column
        df = con.execute(f"SELECT * FROM {table}").df()
        try:
            narrow.validate(df, lazy=True)
        except SchemaErrors as err:
            return list(err.failure_cases.reindex(columns=FAILURE_COLUMNS).itertuples(index=False, name=None))
    return []


def _pandera_on_everything(con, schema: pa.DataFrameSchema, table: str) -> tuple[int, pd.DataFrame]:
    df = con.execute(f"SELECT * FROM {table}").df()
    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as err:
        return len(df), err.failure_cases
    return len(df), pd.DataFrame(columns=FAILURE_COLUMNS)
