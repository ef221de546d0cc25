"""One pandera DataFrameModel per table drives: validation, quarantine, the table's DDL (DuckDB types, NOT
NULL, comments), the data dictionary and the Dagster UI's column schema.

Every model sets `Config.name` (the warehouse table), `Config.description`, and `Config.metadata =
{"key": [...]}` (the columns that identify a row). Fields carry `description=` with the unit. A table that may
legitimately hold no row says so with `Config.metadata["may_be_empty"] = True`.
"""

from __future__ import annotations

import json
import math
from typing import Any

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


# --- The check of a table as stored in DuckDB ------------------------------------------------------
# pandera's verdict on a table as stored in DuckDB, computed where the rows are (stored_failures).
#
# A stored table was created from its model's DDL (bcm_pipeline/warehouse.py write_table), so DuckDB already
# enforces the column types and the NOT NULLs: reading the rows back into pandas to have pandera check them
# again cost most of a mart step (technology_swaps: 35 k rows x 60 columns, 1.3 M rows in the 1 M-unit
# benchmark). What the DDL does not enforce is checked here:
#
# - pandera's built-in value checks (ge, gt, le, lt, in_range, eq, ne, isin, notin, str_length, str_matches,
#   str_contains, str_startswith, str_endswith), uniqueness of a column and of Config.unique, and NaN in a
#   non-nullable DOUBLE (NOT NULL lets NaN through; pandera counts NaN as null): as SQL, one aggregate scan
#   per table, then the failing values of the checks that failed;
# - a `@pa.dataframe_check` with a SQL form (`@sql_check`, below): in the same scan, its failing rows fetched
#   only when it fails;
# - anything else (custom column checks, dataframe checks without a SQL form): by pandera itself, on a frame
#   of only the columns those checks read (found by running them on an empty frame that notes each `df[...]`
#   / `df.x`; a check that fails on the narrow frame is run on every column).
#
# A table whose stored columns are not the model's DDL (not written by write_table) is read back whole and
# validated by pandera, as before. Same semantics as pandera's pandas backend: a check skips nulls (and
# NaN) unless its `ignore_na` is off; failure cases come back in pandera's failure-case columns.

FAILURE_COLUMNS = ["schema_context", "column", "check", "check_number", "failure_case", "index"]

SQL_FORM = "sql_passes"  # the attribute @sql_check sets on a dataframe check's function


def sql_check(passes: str):
    """Give a `@pa.dataframe_check` its SQL form, for the check of a stored table (stored_failures): a boolean
    expression over the table's columns, true where a row passes. Apply it under `@pa.dataframe_check`:

        @pa.dataframe_check
        @sql_check(f"{sql_isna('capex_usd')} OR capex_usd > 0")
        def capex_positive_or_unknown(cls, df): return df["capex_usd"].isna() | (df["capex_usd"] > 0)

    The pandas body stays the specification: pandera runs it on every frame it validates, and the tests
    (tests/test_stored_checks_sql.py) hold the SQL to the same verdict, row by row. pandas' boolean Series
    are never null, so write the SQL never to be null either (the helpers below never are): a pandas
    comparison with a null or NaN is False, while DuckDB's NaN equals NaN and sorts above every number.
    stored_failures reads a NULL verdict as a failure."""

    def attach(fn):
        setattr(fn, SQL_FORM, passes)
        return fn

    return attach


def sql_isna(*columns: str) -> str:
    """pandas' isna of DOUBLE columns as SQL (NULL or NaN), never null; several: any of them."""
    return "(" + " OR ".join(f"coalesce(isnan({c}), true)" for c in columns) + ")"


def sql_notna(*columns: str) -> str:
    """pandas' notna of DOUBLE columns as SQL (neither NULL nor NaN), never null; several: all of them."""
    return "(" + " AND ".join(f"coalesce(NOT isnan({c}), false)" for c in columns) + ")"


def sql_cmp(left: str, op: str, right: str) -> str:
    """pandas' comparison of two DOUBLE expressions as SQL: False where either side is null or NaN."""
    return f"coalesce(({left}) {op} ({right}) AND NOT isnan({left}) AND NOT isnan({right}), false)"


def _sql_form(model: type[pa.DataFrameModel], check: pa.Check) -> str | None:
    """The SQL form of one of the model's dataframe checks, None when it has none. pandera wraps the decorated
    function in a closure of its own, so it is reached through the model's method of the check's name (a
    check renamed with `name=` is not found: it keeps the pandas path)."""
    return getattr(getattr(model, check.name, None), SQL_FORM, None)


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
    python_columns: dict[str, list[tuple[int, pa.Check]]] = {}
    for (column, col), (_, dtype, _) in zip(schema.columns.items(), expected, strict=True):
        q = quote_ident(column)
        if not col.nullable and (stored_nullable[column] or dtype == "DOUBLE"):
            null = _is_null(q, dtype) if stored_nullable[column] else f"isnan({q})"
            sql_checks.append((column, "not_nullable", None, null))
        for number, check in enumerate(col.checks):
            passes = _passes(check, q)
            if passes is None:
                python_columns.setdefault(column, []).append((number, check))
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
    # (check, check number, SQL true where a row fails) of the dataframe checks with a SQL form
    frame_sql: list[tuple[pa.Check, int, str]] = []
    python_frame: list[tuple[int, pa.Check]] = []
    exempt = _all_null(expected, stored_nullable)
    for number, check in enumerate(schema.checks):
        passes = _sql_form(model, check)
        if passes is None:
            python_frame.append((number, check))
        else:
            # pandera (ignore_na) lets a row pass whose every value is null; a NULL verdict is pandas' False
            passes = f"({passes}) OR {exempt}" if check.ignore_na and exempt else f"({passes})"
            frame_sql.append((check, number, f"NOT coalesce({passes}, false)"))

    aggregates = ["count(*)"] + [f"count_if({fails})" for *_, fails in sql_checks]
    aggregates += [f"count_if({fails})" for *_, fails in frame_sql]
    for cols, _ in uniques:
        keys = ", ".join(quote_ident(c) for c in cols)
        aggregates.append(f"count(*) - (SELECT count(*) FROM (SELECT DISTINCT {keys} FROM {table}))")
    counts = con.execute(f"SELECT {', '.join(aggregates)} FROM {table}").fetchone()
    rows, column_failed = counts[0], counts[1 : 1 + len(sql_checks)]
    frame_failed = counts[1 + len(sql_checks) : 1 + len(sql_checks) + len(frame_sql)]
    unique_failed = counts[1 + len(sql_checks) + len(frame_sql) :]

    cases = []
    for (column, check, number, fails), n in zip(sql_checks, column_failed, strict=True):
        if n:
            values = con.execute(f"SELECT {quote_ident(column)}, rowid FROM {table} WHERE {fails}").fetchall()
            cases += [("Column", column, check, number, v, i) for v, i in values]
    for (check, number, fails), n in zip(frame_sql, frame_failed, strict=True):
        if n:
            cases += _failing_rows(con, table, schema, check, number, fails)
    for (cols, report), n in zip(uniques, unique_failed, strict=True):
        if n:
            cases += _duplicates(con, table, cols, report)

    if python_columns or python_frame:
        cases += _pandera_on_columns(con, schema, table, python_columns, python_frame)
    return rows, pd.DataFrame(cases, columns=FAILURE_COLUMNS)


def _all_null(expected: list[tuple[str, str, bool]], stored_nullable: dict[str, bool]) -> str | None:
    """SQL true where every value of a row is null (NaN counts), None when a column cannot be null."""
    if any(not stored_nullable[c] and dtype != "DOUBLE" for c, dtype, _ in expected):
        return None
    return "(" + " AND ".join(_is_null(quote_ident(c), dtype) for c, dtype, _ in expected) + ")"


def _failing_rows(
    con, table: str, schema: pa.DataFrameSchema, check: pa.Check, number: int, fails: str
) -> list[tuple]:
    """pandera's failure cases of a dataframe check, from the rows where its SQL form fails. pandera melts
    every column of a failing row into one case per value (non-null, unless the check keeps nulls); here,
    the columns the check reads (as the pandas path's narrow frame has it), and every column of a row whose
    read values are all null, so that every failing row is reported. In column order, then row."""
    empty = con.execute(f"SELECT * FROM {table} LIMIT 0").df()
    noted = _columns_read([check], empty)
    names = [c for c in schema.columns if noted is None or c in noted]
    select = ", ".join(quote_ident(c) for c in names)
    found = con.execute(f"SELECT rowid, {select} FROM {table} WHERE {fails}").fetchall()
    values = {row[0]: dict(zip(names, row[1:], strict=True)) for row in found}
    blank = [i for i, row in values.items() if all(_null_value(v) for v in row.values())]
    if blank:
        every = list(schema.columns)
        rows = con.execute(f"SELECT rowid, * FROM {table} WHERE list_contains(?, rowid)", [blank]).fetchall()
        values |= {row[0]: dict(zip(every, row[1:], strict=True)) for row in rows}
    # pandera keeps null values of a check that does not ignore them; a row all null still shows
    keep = {i: not check.ignore_na or all(_null_value(v) for v in row.values()) for i, row in values.items()}
    return [
        ("DataFrameSchema", column, check.error or check.name, number, row[column], i)
        for column in schema.columns
        for i, row in sorted(values.items())
        if column in row and (keep[i] or not _null_value(row[column]))
    ]


def _null_value(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


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
    con,
    schema: pa.DataFrameSchema,
    table: str,
    python_columns: dict[str, list[tuple[int, pa.Check]]],
    python_frame: list[tuple[int, pa.Check]],
) -> list[tuple]:
    """pandera's own run of the checks with no SQL form, on the columns they read. `python_columns`:
    {column: [(check number, check), ...]}, `python_frame`: [(check number, dataframe check), ...]; the
    failure cases carry the model's check numbers."""
    empty = con.execute(f"SELECT * FROM {table} LIMIT 0").df()
    frame_checks = [check for _, check in python_frame]
    wanted = set(python_columns)
    if frame_checks:
        noted = _columns_read(frame_checks, empty)
        wanted = set(empty.columns) if noted is None else wanted | (noted & set(empty.columns))
    narrow = pa.DataFrameSchema(
        {
            c: pa.Column(None, checks=[ch for _, ch in numbered], nullable=True)
            for c, numbered in python_columns.items()
        },
        checks=frame_checks,
        name=schema.name,
    )
    numbers = {
        ("Column", c, k): n for c, numbered in python_columns.items() for k, (n, _) in enumerate(numbered)
    }
    numbers |= {("DataFrameSchema", k): n for k, (n, _) in enumerate(python_frame)}

    def cases(err: SchemaErrors) -> list[tuple]:
        out = []
        for context, column, check, number, value, index in err.failure_cases.reindex(
            columns=FAILURE_COLUMNS
        ).itertuples(index=False, name=None):
            key = ("Column", column, number) if context == "Column" else (context, number)
            out.append((context, column, check, numbers.get(key, number), value, index))
        return out

    names = [c for c in empty.columns if c in wanted]
    select = ", ".join(quote_ident(c) for c in names) if names else "NULL AS _none"
    try:
        narrow.validate(con.execute(f"SELECT {select} FROM {table}").df(), lazy=True)
        return []
    except SchemaErrors as err:
        found = cases(err)
        if len(names) == len(empty.columns) or not any(case[-1] is None for case in found):
            return found
    except (KeyError, AttributeError):
        pass
    # A check read a column it did not name (pandera reports the KeyError or AttributeError it raised as a
    # failure with no row): give it every column.
    try:
        narrow.validate(con.execute(f"SELECT * FROM {table}").df(), lazy=True)
    except SchemaErrors as err:
        return cases(err)
    return []


def _pandera_on_everything(con, schema: pa.DataFrameSchema, table: str) -> tuple[int, pd.DataFrame]:
    df = con.execute(f"SELECT * FROM {table}").df()
    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as err:
        return len(df), err.failure_cases
    return len(df), pd.DataFrame(columns=FAILURE_COLUMNS)
