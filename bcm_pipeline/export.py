"""`bcm export`: tables and views of the published warehouse to files, streamed (nothing held whole).

CSV and Parquet are written by DuckDB's own COPY writers; an xlsx workbook by xlsxwriter in
constant_memory mode (each row goes to disk as it is written), a sheet per table plus a `data_dictionary`
sheet, with a frozen bold header, an autofilter and number formats by unit suffix (formatting.py).

A format is one entry of FORMATS: a function (connection, table names, output folder) -> [Written]. A new
export (e.g. the Article 6 reporting tables) adds its function there.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from bcm_pipeline.formatting import decimals_for, is_year
from bcm_pipeline.schemas.base import sql_literal
from bcm_pipeline.warehouse import quote_ident

EXCEL_MAX_ROWS = 1_048_576  # one header row + 1,048,575 data rows
BATCH_ROWS = 10_000
WORKBOOK_NAME = "bcm_export.xlsx"


class ExportError(ValueError):
    """A table cannot be exported as asked (too many rows for a sheet, ...)."""


@dataclass(frozen=True)
class Written:
    path: Path
    table: str | None  # None: a workbook of several tables
    rows: int
    sheets: int = 0


def _replace_into(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path`, then rename: a failed export leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()[0]


def _copy(options: str, suffix: str):
    def write(con: duckdb.DuckDBPyConnection, tables: list[str], out: Path) -> list[Written]:
        written = []
        for table in tables:
            path = out / f"{table}.{suffix}"
            _replace_into(
                path,
                lambda tmp, t=table: con.execute(
                    f"COPY (SELECT * FROM {quote_ident(t)}) TO {sql_literal(str(tmp))} ({options})"
                ),
            )
            written.append(Written(path, table, _count(con, table)))
        return written

    return write


write_csv = _copy("FORMAT csv, HEADER true", "csv")
write_parquet = _copy("FORMAT parquet, COMPRESSION zstd", "parquet")


def _excel_number_format(column: str, duckdb_type: str) -> str | None:
    """Excel's number format of a column: separators and the decimals of its unit suffix."""
    t = duckdb_type.upper()
    if t.startswith(("TIMESTAMP", "DATETIME")):
        return "yyyy-mm-dd hh:mm:ss"
    if t == "DATE":
        return "yyyy-mm-dd"
    integer = t in (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    )
    if integer:
        return "0" if is_year(column) else "#,##0"
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        decimals = decimals_for(column)
        if decimals is None:
            return "General"  # no known unit: as the value is
        return "#,##0" + ("." + "0" * decimals if decimals else "")
    return None


def _cell(value):
    """A value xlsxwriter writes as its type; None and NaN stay empty cells."""
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones: UTC wall time
    if isinstance(value, list | dict | tuple):
        return str(value)
    return value


def _sheet_names(tables: list[str]) -> dict[str, str]:
    """Excel sheet names: at most 31 characters, unique."""
    names: dict[str, str] = {}
    for table in tables:
        name, n = table[:31], 1
        while name in names.values():
            n += 1
            name = f"{table[: 31 - len(str(n)) - 1]}~{n}"
        names[table] = name
    return names


def _write_sheet(workbook, con: duckdb.DuckDBPyConnection, source: str, sheet: str, header_format) -> int:
    with con.cursor() as cursor:  # a cursor of its own: the connection stays free for other statements
        return _fill_sheet(workbook, cursor.execute(f"SELECT * FROM {source}"), source, sheet, header_format)


def _fill_sheet(workbook, cursor, source: str, sheet: str, header_format) -> int:
    columns = [d[0] for d in cursor.description]
    types = [str(d[1]) for d in cursor.description]
    ws = workbook.add_worksheet(sheet)
    formats = []
    for i, (column, dtype) in enumerate(zip(columns, types, strict=True)):
        number_format = _excel_number_format(column, dtype)
        fmt = workbook.add_format({"num_format": number_format}) if number_format else None
        formats.append(fmt)
        width = max(len(column) + 2, 20 if number_format and "yyyy" in number_format else 12)
        ws.set_column(i, i, min(width, 50), fmt)  # the column's format applies to cells written without one
    ws.write_row(0, 0, columns, header_format)
    ws.freeze_panes(1, 0)
    row = 0
    while batch := cursor.fetchmany(BATCH_ROWS):
        for values in batch:
            row += 1
            if row >= EXCEL_MAX_ROWS:
                raise ExportError(
                    f"table {source} has more than {EXCEL_MAX_ROWS - 1:,} rows, an Excel sheet's limit: "
                    "export it as csv or parquet (--format csv --table ...)"
                )
            for col, value in enumerate(values):
                value = _cell(value)
                if value is not None:
                    ws.write(row, col, value, formats[col])
    ws.autofilter(0, 0, max(row, 1), len(columns) - 1)
    return row


def write_xlsx(
    con: duckdb.DuckDBPyConnection, tables: list[str], out: Path, dictionary: bool = True
) -> list[Written]:
    """One workbook: a sheet per table, then `data_dictionary` (the tables' rows of it) when present."""
    import xlsxwriter  # only an xlsx export needs it

    con.execute("SET TimeZone = 'UTC'")  # TIMESTAMPTZ values arrive in UTC
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    with_dictionary = dictionary and "data_dictionary" in present
    path = out / WORKBOOK_NAME
    rows = 0
    names = _sheet_names([*tables, *(["data_dictionary"] if with_dictionary else [])])

    def write(tmp: Path) -> None:
        nonlocal rows
        workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False})
        try:
            header = workbook.add_format({"bold": True, "bottom": 1})
            for table in tables:
                rows += _write_sheet(workbook, con, quote_ident(table), names[table], header)
            if with_dictionary:
                listed = ", ".join(sql_literal(t) for t in tables)
                _write_sheet(
                    workbook,
                    con,
                    f"(SELECT * FROM data_dictionary WHERE object_name IN ({listed}) "
                    "ORDER BY object_name, column_position)",
                    names["data_dictionary"],
                    header,
                )
        finally:
            workbook.close()

    _replace_into(path, write)
    return [Written(path, None, rows, sheets=len(names))]


# The Article 6.2 reporting tables (issue 15): the model of each documents its columns.
ARTICLE6_TABLES = ("article6_report", "corresponding_adjustments")


def write_article6(con: duckdb.DuckDBPyConnection, tables: list[str], out: Path) -> list[Written]:
    """article6_report.xlsx (a sheet per reporting table and a `columns` sheet describing each column) and
    the same as CSV files (article6_columns.csv for the descriptions), rows in a stable order."""
    import pandas as pd
    import xlsxwriter

    from bcm_pipeline.schemas.article6 import Article6Report, CorrespondingAdjustments

    columns = pd.DataFrame(
        [
            {"table": model.Config.name, "column": c, "type": str(col.dtype), "description": col.description}
            for model in (Article6Report, CorrespondingAdjustments)
            for c, col in model.to_schema().columns.items()
        ]
    )
    with con.cursor() as cur:  # the descriptions are a frame registered on this cursor
        cur.register("_article6_columns", columns)
        cur.execute("SET TimeZone = 'UTC'")
        sources = {t: f"(SELECT * FROM {quote_ident(t)} ORDER BY ALL)" for t in tables}
        sources["columns"] = "_article6_columns"
        xlsx = out / "article6_report.xlsx"
        rows = 0

        def write(tmp: Path) -> None:
            nonlocal rows
            workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
            try:
                header = workbook.add_format({"bold": True, "bottom": 1})
                for sheet, source in sources.items():
                    n = _fill_sheet(workbook, cur.execute(f"SELECT * FROM {source}"), source, sheet, header)
                    rows += n if sheet != "columns" else 0
            finally:
                workbook.close()

        _replace_into(xlsx, write)
        written = [Written(xlsx, None, rows, sheets=len(sources))]
        for name, source in sources.items():
            path = out / f"{'article6_columns' if name == 'columns' else name}.csv"
            _replace_into(
                path,
                lambda tmp, src=source: cur.execute(
                    f"COPY (SELECT * FROM {src}) TO {sql_literal(str(tmp))} (FORMAT csv, HEADER true)"
                ),
            )
            count = cur.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
            written.append(Written(path, name, count))
    return written


FORMATS: dict[str, Callable[..., list[Written]]] = {
    "parquet": write_parquet,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "article6": write_article6,
}
# Formats that export their own tables, whatever --table says.
OWN_TABLES: dict[str, tuple[str, ...]] = {"article6": ARTICLE6_TABLES}
