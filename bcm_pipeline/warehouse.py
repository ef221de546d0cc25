"""DuckDB helpers: replace a table with its comments, bookkeeping rows, SQL files, atomic publish.

One writer: a refresh writes only the build file; `publish` copies a finished build over the file analysts
open, by rename, so a reader sees either the old or the new warehouse, never a mix.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline import __version__
from bcm_pipeline.schemas.base import QUARANTINE_COLUMNS, comment_statements, sql_literal, table_name
from bcm_pipeline.schemas.meta import Quarantine, RawFiles
from bcm_pipeline.settings import PROJECT_ROOT, SQL_DIR

T = TypeVar("T")


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


# --- Publish: versioned, atomic, with a manifest -------------------------------------------------------

# Columns that change between refreshes although the data did not (left out of content fingerprints).
VOLATILE_COLUMNS = {"raw_files": ("retrieved_at", "status", "path")}  # path: where the data dir sits
MANIFEST = "manifest"
MANIFEST_COMMENTS = {
    None: "What this published warehouse holds: its version, build time, code version, the sha256 of "
    "every source file and a content fingerprint, row count and check result per table.",
    "version": "Version id bcm-<UTC build time>-<first 8 hex of the content fingerprint>",
    "built_at": "UTC time the version was published",
    "code_version": "bcm-pipeline package version + git describe of the checkout",
    "kind": "'source' (a raw file) or 'table' (a warehouse table)",
    "name": "Source id or table name",
    "sha256": "Source rows: SHA-256 of the raw file",
    "content_md5": "Table rows: md5 over the table's rows in sorted order, volatile columns excluded",
    "row_count": "Table rows: number of rows",
    "check_passed": "Table rows: the table satisfied its pandera model at publish time (null: no model)",
}


@dataclass(frozen=True)
class PublishedVersion:
    version: str
    path: Path
    built_at: str
    tables: dict[str, tuple[int, str]]  # table -> (row_count, content_md5)


def quote_ident(name: str) -> str:
    """A DuckDB identifier, quoted (names come from code, but never trust them in SQL text)."""
    return '"' + name.replace('"', '""') + '"'


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def table_columns(
    con: duckdb.DuckDBPyConnection, table: str | None = None
) -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, data type), ...]} in column order, for every table in schema main or just `table`.

    One catalog read for all tables: a duckdb_columns() call costs about as much as hashing a small table."""
    query = "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main'"
    if table is not None:
        query += " AND table_name = ?"
    rows = con.execute(
        query + " ORDER BY table_name, column_index", [] if table is None else [table]
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for t, column, dtype in rows:
        out.setdefault(t, []).append((column, dtype))
    return out


def _per_table(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    work: Callable[[duckdb.DuckDBPyConnection, str], T],
) -> dict[str, T]:
    """{table: work(cursor, table)} in the order of `tables`, several tables at once, each on its own cursor.

    DuckDB gives one thread per row group (122,880 rows) of a scan, so each of our tables is one thread's
    work: running tables side by side (largest first) is what uses the other cores. Read-only work only:
    a cursor does not see the uncommitted changes of `con`."""
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    size = dict(
        con.execute(
            "SELECT table_name, estimated_size * column_count FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    )
    cursors = {t: con.cursor() for t in tables}  # made here: a connection is not shared between threads
    try:
        with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
            futures = {
                t: pool.submit(work, cursors[t], t) for t in sorted(tables, key=lambda t: -(size.get(t) or 0))
            }
        return {t: futures[t].result() for t in tables}
    finally:
        for cursor in cursors.values():
            cursor.close()


def table_fingerprint(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]] | None = None
) -> tuple[int, str]:
    """(row count, md5 of every row as text in sorted order): equal iff the table contents are equal.

    columns: the table's (column, type) list from table_columns, if already read."""
    if columns is None:
        columns = table_columns(con, table).get(table, [])
    skip = set(VOLATILE_COLUMNS.get(table, ()))
    row = "ROW(" + ", ".join(quote_ident(c) for c, _ in columns if c not in skip) + ")"
    count, digest = con.execute(
        f"SELECT count(*), md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) "
        f"FROM (SELECT CAST({row} AS VARCHAR) AS r FROM {quote_ident(table)})"
    ).fetchone()
    return int(count), digest


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """table_fingerprint of every table but the manifest, by table name."""
    catalog = table_columns(con)
    tables = [t for t in base_tables(con) if t != MANIFEST]
    return _per_table(con, tables, lambda cursor, t: table_fingerprint(cursor, t, catalog.get(t, [])))


def code_version() -> str:
    """Package version plus `git describe` when the code runs from a checkout."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"{__version__}+{described}" if described else __version__


def remove_stale_publish_files(published_path: Path) -> list[Path]:
    """Temporary files a killed publish left behind (one refresh publishes at a time)."""
    folder = published_path.parent
    stale = list(folder.glob(".publish-*")) + list((folder / "versions").glob(".tmp-*"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(
    build_path: Path,
    published_path: Path,
    validate: Callable[[duckdb.DuckDBPyConnection], dict[str, bool]] | None = None,
    keep: int = 5,
) -> PublishedVersion:
    """Publish a copy of the (closed, checkpointed) build file as a new version.

    Steps, each leaving the published file intact if the process dies: copy the build into
    versions/.tmp-*, validate the copy and write its manifest, rename it to versions/<version>.duckdb,
    hard-link it to .publish-* and rename that over the published file. A reader's open connection keeps
    the old inode, so it sees the old version until it reconnects. Keeps the newest `keep` versions.
    """
    versions = published_path.parent / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    remove_stale_publish_files(published_path)
    tmp = versions / f".tmp-{uuid.uuid4().hex}.duckdb"
    try:
        shutil.copyfile(build_path, tmp)
        with duckdb.connect(str(tmp)) as con:
            checks = validate(con) if validate else {}
            tables = fingerprints(con)
            content = hashlib.md5("".join(f"{t}:{n}:{h};" for t, (n, h) in sorted(tables.items())).encode())
            built = datetime.now(UTC)
            version = f"bcm-{built:%Y%m%dT%H%M%S}{built.microsecond // 1000:03d}Z-{content.hexdigest()[:8]}"
            _write_manifest(con, version, built.isoformat(timespec="seconds"), tables, checks)
            con.execute("CHECKPOINT")
        _fsync(tmp)
        final = versions / f"{version}.duckdb"
        os.replace(tmp, final)
        link = published_path.parent / f".publish-{uuid.uuid4().hex}.duckdb"
        try:
            os.link(final, link)
        except OSError:  # a file system without hard links: a copy works too
            shutil.copyfile(final, link)
        os.replace(link, published_path)
        _fsync(published_path.parent)
    finally:
        tmp.unlink(missing_ok=True)
    prune_versions(versions, keep)
    return PublishedVersion(version, published_path, built.isoformat(timespec="seconds"), tables)


def _write_manifest(
    con: duckdb.DuckDBPyConnection,
    version: str,
    built_at: str,
    tables: dict[str, tuple[int, str]],
    checks: dict[str, bool],
) -> None:
    common = [version, built_at, code_version()]
    rows = []
    if "raw_files" in tables:
        for source_id, sha in con.execute("SELECT source_id, sha256 FROM raw_files ORDER BY 1").fetchall():
            rows.append([*common, "source", source_id, sha, None, None, None])
    for table, (count, digest) in sorted(tables.items()):
        rows.append([*common, "table", table, None, digest, count, checks.get(table)])
    # One transaction: the manifest is written whole, and one commit instead of one per row and comment.
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {MANIFEST} (version VARCHAR, built_at TIMESTAMPTZ, code_version VARCHAR, "
            "kind VARCHAR, name VARCHAR, sha256 VARCHAR, content_md5 VARCHAR, row_count BIGINT, "
            "check_passed BOOLEAN)"
        )
        con.executemany(f"INSERT INTO {MANIFEST} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        for column, text in MANIFEST_COMMENTS.items():
            target = f"TABLE {MANIFEST}" if column is None else f"COLUMN {MANIFEST}.{quote_ident(column)}"
            con.execute(f"COMMENT ON {target} IS {sql_literal(text)}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


BOOKKEEPING_TABLES = ("raw_files", "quarantine", MANIFEST)


def table_profile(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]] | None = None
) -> tuple[int, dict[str, float | None]]:
    """(row count, median |value| of each floating-point column, zeros ignored): what drift compares.

    columns: the table's (column, type) list from table_columns, if already read."""
    if columns is None:
        columns = table_columns(con, table).get(table, [])
    cols = [c for c, dtype in columns if dtype in ("DOUBLE", "FLOAT") or dtype.startswith("DECIMAL")]
    parts = ["count(*)"] + [
        f"median(abs({quote_ident(c)})) FILTER (WHERE {quote_ident(c)} <> 0)" for c in cols
    ]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {quote_ident(table)}").fetchone()
    return int(row[0]), dict(zip(cols, row[1:], strict=True))


def _profiles(
    con: duckdb.DuckDBPyConnection, tables: list[str]
) -> dict[str, tuple[int, dict[str, float | None]]]:
    catalog = table_columns(con)
    return _per_table(con, tables, lambda cursor, t: table_profile(cursor, t, catalog.get(t, [])))


def drift(
    previous: duckdb.DuckDBPyConnection,
    current: duckdb.DuckDBPyConnection,
    max_ratio: float = 100.0,
    min_row_share: float = 0.5,
) -> list[str]:
    """Plausibility against the last published version: a table that lost most of its rows, or a numeric
    column whose typical size moved by `max_ratio` or more (MW now in kW, g/kWh now in kg/kWh)."""
    problems = []
    before = set(base_tables(previous))
    tables = [t for t in base_tables(current) if t in before and t not in BOOKKEEPING_TABLES]
    old_profiles, new_profiles = _profiles(previous, tables), _profiles(current, tables)
    for table in tables:
        (old_rows, old), (new_rows, new) = old_profiles[table], new_profiles[table]
        if old_rows >= 20 and new_rows < min_row_share * old_rows:
            problems.append(f"{table}: rows fell from {old_rows} to {new_rows}")
        for column, new_median in new.items():
            old_median = old.get(column)
            if not old_median or not new_median:
                continue
            ratio = float(new_median) / float(old_median)
            if ratio >= max_ratio or ratio <= 1 / max_ratio:
                problems.append(
                    f"{table}.{column}: median moved from {float(old_median):.6g} to {float(new_median):.6g} "
                    f"({ratio:.3g}x: a change of unit?)"
                )
    return problems


def latest_version(published_path: Path) -> Path | None:
    """The newest kept version (the file bcm.duckdb links to), else a bcm.duckdb published without versions."""
    kept = sorted((published_path.parent / "versions").glob("bcm-*.duckdb"))
    if kept:
        return kept[-1]
    return published_path if published_path.exists() else None


def prune_versions(versions: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` versions (names sort by build time). Open readers keep theirs."""
    published = sorted(versions.glob("bcm-*.duckdb"))
    old = published[: -max(keep, 1)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def read_manifest(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {MANIFEST} ORDER BY kind, name").df()
