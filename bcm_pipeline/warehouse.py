"""DuckDB helpers: replace a table with its comments, bookkeeping rows, SQL files, atomic publish.

One writer: a refresh writes only the build file; `publish` copies a finished build over the file analysts
open, by rename, so a reader sees either the old or the new warehouse, never a mix.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline.schemas.base import QUARANTINE_COLUMNS, comment_statements, table_name
from bcm_pipeline.schemas.meta import Quarantine, RawFiles
from bcm_pipeline.settings import SQL_DIR


def replace_table(con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel], df: pd.DataFrame) -> int:
    """Replace the model's table with df in one transaction, then set table and column comments."""
    name = table_name(model)
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_incoming", df)
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
        con.unregister("_incoming")
        for stmt in comment_statements(model):
            con.execute(stmt)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(df)


def ensure_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    for model in (RawFiles, Quarantine):
        name = table_name(model)
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()[0]
        if not exists:
            empty = pd.DataFrame({c: pd.Series(dtype="string") for c in model.to_schema().columns})
            if name == "raw_files":
                empty["bytes"] = empty["bytes"].astype("int64")
            replace_table(con, model, empty)


def record_raw_file(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    ensure_bookkeeping(con)
    cols = list(RawFiles.to_schema().columns)
    con.execute("DELETE FROM raw_files WHERE source_id = ?", [row["source_id"]])
    con.execute(
        f"INSERT INTO raw_files ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row.get(c) for c in cols],
    )


def record_quarantine(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    """Replace the quarantine rows of one table (re-runs never duplicate them)."""
    ensure_bookkeeping(con)
    con.execute("DELETE FROM quarantine WHERE table_name = ?", [table])
    if len(rows):
        con.register("_q", rows[QUARANTINE_COLUMNS].astype("string"))
        con.execute(f"INSERT INTO quarantine SELECT {', '.join(QUARANTINE_COLUMNS)} FROM _q")
        con.unregister("_q")


def sql_text(relpath: str) -> str:
    return (SQL_DIR / relpath).read_text()


def build_sql_table(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> int:
    """CREATE OR REPLACE TABLE name AS <the select in sql>, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {sql.strip().rstrip(";")}')
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]


def publish(build_path: Path, published_path: Path) -> Path:
    """Copy the (closed, checkpointed) build file next to the published one and rename it over it."""
    published_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=published_path.parent, prefix=".publish-", suffix=".duckdb")
    os.close(fd)
    try:
        shutil.copyfile(build_path, tmp)
        os.replace(tmp, published_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return published_path
