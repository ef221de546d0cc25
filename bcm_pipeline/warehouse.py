"""DuckDB helpers: the one write path (a table from its model's DDL, then INSERT BY NAME) and the stored-
contract check every table gets, bookkeeping rows, atomic publish.

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
from bcm_pipeline.schemas.base import (
    QUARANTINE_COLUMNS,
    comment_statements,
    create_table_sql,
    key_columns,
    may_be_empty,
    quote_ident,
    sql_literal,
    storage_columns,
    table_name,
)
from bcm_pipeline.schemas.meta import Quarantine, RawFiles
from bcm_pipeline.settings import CHECKOUT_DIR

T = TypeVar("T")


class ContractError(ValueError):
    """Rows do not fit their table's model as stored (a column missing or extra, a NULL in a NOT NULL column,
    a value that does not convert). The message names the table, the column and the first failing rows."""


def build_config(memory_limit: str | None = None) -> dict[str, str]:
    """DuckDB settings of the build database's write connection.

    A bulk insert buffers `write_buffer_row_group_count` row groups per thread before it compresses and
    writes them (default 5). technology_swaps' row groups are ~110 MB in memory (64 columns, ~540 bytes of
    text a row), so at 1 M units that buffer alone was ~1 GB of the 1.8 GB peak; with 1 the peak is ~0.9 GB
    and the write is no slower (benchmarks/README.md). The stored rows are the same."""
    config = {"write_buffer_row_group_count": "1"}
    if memory_limit:
        config["memory_limit"] = memory_limit
    return config


def qualified(model: type[pa.DataFrameModel], schema: str | None = None) -> str:
    name = quote_ident(table_name(model))
    return f"{schema}.{name}" if schema else name


def write_table(
    con: duckdb.DuckDBPyConnection,
    model: type[pa.DataFrameModel],
    rows: pd.DataFrame | str,
    schema: str | None = None,
    comments: bool = True,
) -> int:
    """The one write path: create the model's table from its DDL (types, NOT NULL), fill it with INSERT ...
    BY NAME from a frame or from a SELECT, set its comments; one transaction. Returns the rows written.

    A SELECT must give exactly the model's columns: a missing or extra column is a ContractError before
    anything is written. `schema` writes elsewhere than main (scratch runs: bcm case, country reruns)."""
    target = qualified(model, schema)
    frame = not isinstance(rows, str)
    select = "SELECT * FROM _incoming" if frame else f"SELECT * FROM ({rows.strip().rstrip(';')})"
    failed: Exception | None = None
    con.execute("BEGIN TRANSACTION")  # also closes any result still pending on the connection
    try:
        if schema is None:
            forget_key(con, table_name(model))  # the rows change: their build key goes with them
        if frame:
            con.register("_incoming", rows)
        _check_selected_columns(con, model, select)
        con.execute(create_table_sql(model, target))
        try:
            con.execute(f"INSERT INTO {target} BY NAME {select}")
        except (duckdb.ConstraintException, duckdb.ConversionException) as exc:
            failed = exc
            raise
        if comments:
            for stmt in comment_statements(model, target):
                con.execute(stmt)
        count = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        if failed is not None:  # explained after the rollback: an aborted transaction answers no query
            if frame:
                con.register("_incoming", rows)  # (the registration was rolled back with the rest)
            raise ContractError(_explain(con, model, select, failed)) from failed
        raise
    finally:
        if frame:
            con.unregister("_incoming")
    return count


def _check_selected_columns(
    con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel], select: str
) -> None:
    selected = [r[0] for r in con.execute(f"DESCRIBE {select}").fetchall()]
    wanted = [c for c, _, _ in storage_columns(model)]
    extra = [c for c in selected if c not in wanted]
    missing = [c for c in wanted if c not in selected]
    if extra or missing:
        raise ContractError(
            f"{table_name(model)}: the SQL selects columns its model lacks {extra} and lacks model columns "
            f"{missing}; edit the SQL or the model (schemas/) so they agree"
        )


def _explain(
    con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel], select: str, exc: Exception
) -> str:
    """The constraint that failed, with the first rows that fail it (by the model's key columns)."""
    name = table_name(model)
    keys = [k for k in key_columns(model)] or [storage_columns(model)[0][0]]
    shown = ", ".join(quote_ident(k) for k in keys)
    for column, dtype, nullable in storage_columns(model):
        col = quote_ident(column)
        test = f"{col} IS NULL" if not nullable else "false"
        if isinstance(exc, duckdb.ConversionException):
            test = f"{col} IS NOT NULL AND TRY_CAST({col} AS {dtype}) IS NULL"
        try:
            bad = con.execute(f"SELECT {shown}, {col} FROM ({select}) WHERE {test} LIMIT 5").fetchall()
        except duckdb.Error:
            continue
        if bad:
            problem = (
                "NULL in a NOT NULL column"
                if not isinstance(exc, duckdb.ConversionException)
                else (f"values that are not {dtype}")
            )
            return f"{name}.{column}: {problem}; first rows ({', '.join(keys)}, {column}): {bad}"
    return f"{name}: {str(exc).splitlines()[0]}"


def stored_contract(
    con: duckdb.DuckDBPyConnection,
    model: type[pa.DataFrameModel],
    schema: str | None = None,
    allow_empty: bool = False,
) -> tuple[int, list[str]]:
    """(rows, problems): the same check for every table, however it was built: the stored columns, their
    order, DuckDB types and NOT NULL constraints are the model's, and the table holds rows (unless the
    model says it may be empty, or a scratch rerun of a subset allows it)."""
    name = table_name(model)
    catalog = "main" if schema is None else schema.split(".")[-1]
    where = "schema_name = ? AND table_name = ?"
    params: list = [catalog, name]
    if schema and "." in schema:
        where += " AND database_name = ?"
        params.append(schema.split(".")[0])
    else:
        where += " AND database_name = current_database()"
    stored = con.execute(
        f"SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE {where} ORDER BY column_index",
        params,
    ).fetchall()
    expected = storage_columns(model)
    problems = []
    if [tuple(r) for r in stored] != [tuple(e) for e in expected]:
        differ = [
            f"{e[0]} {e[1]}{'' if e[2] else ' NOT NULL'} stored as "
            + (f"{s[0]} {s[1]}{'' if s[2] else ' NOT NULL'}" if s else "nothing")
            for e, s in zip(expected, [*stored, *[None] * len(expected)], strict=False)
            if s is None or tuple(s) != tuple(e)
        ]
        extra = [s[0] for s in stored[len(expected) :]]
        problems.append(
            f"{name}: columns differ from the model: {differ[:5]}" + (f"; extra {extra}" if extra else "")
        )
    rows = con.execute(f"SELECT count(*) FROM {qualified(model, schema)}").fetchone()[0] if stored else 0
    if rows == 0 and not (allow_empty or may_be_empty(model)):
        problems.append(f"{name}: no rows")
    return rows, problems


def ensure_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw_files and quarantine when absent, or when a build file of older code has other columns
    (their rows are rewritten by every run that touches the source or table)."""
    for model in (RawFiles, Quarantine):
        name = table_name(model)
        stored = [c for c, _ in table_columns(con, name).get(name, [])]
        if stored != list(model.to_schema().columns):
            write_table(con, model, pd.DataFrame(columns=list(model.to_schema().columns)))


def record_raw_files(con: duckdb.DuckDBPyConnection, source_id: str, rows: list[dict]) -> None:
    """Replace the source's raw_files rows with `rows`: the files of the release its tables are built from."""
    ensure_bookkeeping(con)
    cols = list(RawFiles.to_schema().columns)
    con.execute("DELETE FROM raw_files WHERE source_id = ?", [source_id])
    con.executemany(
        f"INSERT INTO raw_files ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [[row.get(c) for c in cols] for row in rows],
    )


def mark_candidates_current(con: duckdb.DuckDBPyConnection) -> None:
    """raw_files rows of candidates (new downloads) as the current files they become once published."""
    if "raw_files" in base_tables(con):
        con.execute(
            "UPDATE raw_files SET status = 'downloaded', path = replace(path, '/candidate/', '/') "
            "WHERE status = 'candidate'"
        )


def record_quarantine(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    """Replace the quarantine rows of one table (re-runs never duplicate them)."""
    ensure_bookkeeping(con)
    con.execute("DELETE FROM quarantine WHERE table_name = ?", [table])
    if len(rows):
        con.register("_q", rows[QUARANTINE_COLUMNS].astype("string"))
        con.execute(f"INSERT INTO quarantine SELECT {', '.join(QUARANTINE_COLUMNS)} FROM _q")
        con.unregister("_q")


# --- Build keys (bcm_pipeline/build_keys.py): what each table of the build file was built from ----------

KEYS_SCHEMA = "bcm_build"  # in the build file only: publish drops it from the copy
KEYS = f"{KEYS_SCHEMA}.table_keys"


def _has_keys(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = 'table_keys'",
            [KEYS_SCHEMA],
        ).fetchall()[0][0]  # read to the end: register() refuses a connection with a result pending
    )


def stored_keys(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, str]]:
    """{table: (build key, code key, input keys as JSON)} of the tables built with a key."""
    if not _has_keys(con):
        return {}
    rows = con.execute(f"SELECT table_name, build_key, code_key, input_keys FROM {KEYS}").fetchall()
    return {name: (key, code, inputs) for name, key, code, inputs in rows}


def forget_key(con: duckdb.DuckDBPyConnection, table: str) -> None:
    if _has_keys(con):
        con.execute(f"DELETE FROM {KEYS} WHERE table_name = ?", [table]).fetchall()  # (its count: read)


def record_key(con: duckdb.DuckDBPyConnection, table: str, key: str, code: str, inputs: str) -> None:
    """Record the build key of a table just written and checked."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {KEYS_SCHEMA}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {KEYS} (table_name VARCHAR PRIMARY KEY, build_key VARCHAR NOT NULL, "
        "code_key VARCHAR NOT NULL, input_keys VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL, "
        "row_count BIGINT, content_md5 VARCHAR)"  # the last two: table_fingerprint, once published
    )
    con.execute(
        f"INSERT OR REPLACE INTO {KEYS} VALUES (?, ?, ?, ?, current_timestamp, NULL, NULL)",
        [table, key, code, inputs],
    ).fetchall()


def remember_fingerprints(con: duckdb.DuckDBPyConnection, tables: dict[str, tuple[int, str]]) -> None:
    """Keep the fingerprints a publish computed beside the build keys of the tables they describe: the
    same key is the same rows, so the next publish of a table kept as stored need not hash it again."""
    if not _has_keys(con):
        return
    con.execute("BEGIN TRANSACTION")  # one commit, not one per table
    try:
        con.executemany(
            f"UPDATE {KEYS} SET row_count = ?, content_md5 = ? WHERE table_name = ?",
            [[n, h, t] for t, (n, h) in tables.items()],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def unchanged_version(con: duckdb.DuckDBPyConnection, published_path: Path) -> PublishedVersion | None:
    """The published version, when the build's content is known to equal it without copying the build:
    every table with a build key has its fingerprint kept (remember_fingerprints), and the few without
    one (raw_files, quarantine, source_releases) are fingerprinted here. None otherwise (also when a
    table was rebuilt: the copy is fingerprinted as a whole, as before)."""
    current = published_content(published_path)
    if current is None or not _has_keys(con):
        return None
    known = {
        t: (n, h)
        for t, n, h in con.execute(f"SELECT table_name, row_count, content_md5 FROM {KEYS}").fetchall()
    }
    tables = [t for t in base_tables(con) if t != MANIFEST]
    if any(t in known and known[t][1] is None for t in tables):
        return None
    ours = {t: known[t] for t in tables if t in known} | fingerprints(
        con, [t for t in tables if t not in known]
    )
    if content_hash(ours, view_fingerprints(con)) != current[2]:
        return None
    return PublishedVersion(current[0], published_path, current[1], ours, unchanged=True)


# --- Publish: versioned, atomic, with a manifest -------------------------------------------------------

# Columns that change between refreshes although the data did not (left out of content fingerprints).
# Where and when a file was fetched is not content: the same bytes from a mirror are the same version.
# path: where the data dir sits; note: an unreachable source's error text (a port, a time).
# last_modified is a time too (a mirror's is its copy's mtime); the ETag names the representation the
# server gave, and a new one is a new version (the published raw_files shows it).
VOLATILE_COLUMNS = {"raw_files": ("retrieved_at", "status", "path", "fetched_url", "note", "last_modified")}
MANIFEST = "manifest"
MANIFEST_COMMENTS = {
    None: "What this published warehouse holds: its version, build time, code version, the sha256 of "
    "every source file, a content fingerprint, row count and check result per table, and the md5 of each "
    "analyst view's definition.",
    "version": "Version id bcm-<UTC build time>-<first 8 hex of the content fingerprint>",
    "built_at": "UTC time the version was published",
    "code_version": "bcm-pipeline package version + git describe of the checkout",
    "kind": "'source' (a raw file), 'table' (a warehouse table) or 'view' (an analyst view)",
    "name": "Source id (a row per raw file of the release used), table or view name",
    "sha256": "Source rows: SHA-256 of the raw file",
    "content_md5": "Table rows: md5 over the table's rows in sorted order, volatile columns excluded; view "
    "rows: md5 of the view's definition as DuckDB stores it (duckdb_views().sql)",
    "row_count": "Table rows: number of rows",
    "check_passed": "Table rows: the table satisfied its pandera model at publish time (null: no model)",
}


@dataclass(frozen=True)
class PublishedVersion:
    version: str
    path: Path
    built_at: str
    tables: dict[str, tuple[int, str]]  # table -> (row_count, content_md5)
    unchanged: bool = False  # the build's content equals the published version's: nothing was published


def content_hash(tables: dict[str, tuple[int, str]], views: dict[str, str] | None = None) -> str:
    """md5 over every table's row count and content fingerprint, then every view's definition
    (view_fingerprints): the version's content, whatever its time. A view's query is content too: a build
    whose only change is a view's SQL is a new version (else the published file kept the old view)."""
    text = "".join(f"{t}:{n}:{h};" for t, (n, h) in sorted(tables.items()))
    text += "".join(f"view {v}:{h};" for v, h in sorted((views or {}).items()))
    return hashlib.md5(text.encode()).hexdigest()


def view_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{view: md5 of its definition as DuckDB stores it} for the main schema's views."""
    rows = con.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
        "AND database_name = current_database()"
    ).fetchall()
    return {v: hashlib.md5(sql.encode()).hexdigest() for v, sql in rows}


def published_content(published_path: Path) -> tuple[str, str, str] | None:
    """(version, built_at, content hash) of the published file from its manifest, or None (no file, no
    manifest)."""
    if not published_path.exists():
        return None
    try:
        with duckdb.connect(str(published_path), read_only=True) as con:
            rows = con.execute(
                f"SELECT version, CAST(built_at AS VARCHAR), kind, name, row_count, content_md5 FROM {MANIFEST} "
                "WHERE kind IN ('table', 'view')"
            ).fetchall()
    except duckdb.Error:
        return None
    if not rows:
        return None
    tables = {name: (n, h) for _, _, kind, name, n, h in rows if kind == "table"}
    views = {name: h for _, _, kind, name, _, h in rows if kind == "view"}
    return rows[0][0], rows[0][1], content_hash(tables, views)


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


def fingerprints(
    con: duckdb.DuckDBPyConnection, tables: list[str] | None = None
) -> dict[str, tuple[int, str]]:
    """table_fingerprint of `tables` (default: every table but the manifest), by table name."""
    catalog = table_columns(con)
    if tables is None:
        tables = [t for t in base_tables(con) if t != MANIFEST]
    return _per_table(con, tables, lambda cursor, t: table_fingerprint(cursor, t, catalog.get(t, [])))


def code_version() -> str:
    """Package version plus `git describe` when the code runs from a checkout."""
    if CHECKOUT_DIR is None:
        return __version__
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=CHECKOUT_DIR,
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

    A validated build whose content (content_hash) equals the published version's is not published again
    (`unchanged`): a refresh with no change neither adds a version nor pushes an older one out.
    """
    versions = published_path.parent / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    remove_stale_publish_files(published_path)
    tmp = versions / f".tmp-{uuid.uuid4().hex}.duckdb"
    try:
        shutil.copyfile(build_path, tmp)
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {KEYS_SCHEMA} CASCADE")  # the build's own record
            checks = validate(con) if validate else {}
            tables, views = fingerprints(con), view_fingerprints(con)
            content = content_hash(tables, views)
            current = published_content(published_path)
            if current is not None and current[2] == content:
                return PublishedVersion(current[0], published_path, current[1], tables, unchanged=True)
            built = datetime.now(UTC)
            version = f"bcm-{built:%Y%m%dT%H%M%S}{built.microsecond // 1000:03d}Z-{content[:8]}"
            _write_manifest(con, version, built.isoformat(timespec="seconds"), tables, views, checks)
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
    views: dict[str, str],
    checks: dict[str, bool],
) -> None:
    common = [version, built_at, code_version()]
    rows = []
    if "raw_files" in tables:
        # One row per raw file: a source whose release has several files has several rows.
        files = con.execute(
            "SELECT source_id, sha256 FROM raw_files WHERE status <> 'refused' ORDER BY 1, 2"
        ).fetchall()
        for source_id, sha in files:
            rows.append([*common, "source", source_id, sha, None, None, None])
    for table, (count, digest) in sorted(tables.items()):
        rows.append([*common, "table", table, None, digest, count, checks.get(table)])
    for view, digest in sorted(views.items()):
        rows.append([*common, "view", view, None, digest, None, None])
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
    by_table = drift_by_table(previous, current, max_ratio, min_row_share)
    return [problem for problems in by_table.values() for problem in problems]


def drift_by_table(
    previous: duckdb.DuckDBPyConnection,
    current: duckdb.DuckDBPyConnection,
    max_ratio: float = 100.0,
    min_row_share: float = 0.5,
) -> dict[str, list[str]]:
    """drift() by table: {table: its problems}, only tables with a problem, in table order (the publish
    gate traces each refused table to the sources it is built from)."""
    problems: dict[str, list[str]] = {}
    before = set(base_tables(previous))
    tables = [t for t in base_tables(current) if t in before and t not in BOOKKEEPING_TABLES]
    old_profiles, new_profiles = _profiles(previous, tables), _profiles(current, tables)
    for table in tables:
        (old_rows, old), (new_rows, new) = old_profiles[table], new_profiles[table]
        if old_rows >= 20 and new_rows < min_row_share * old_rows:
            problems.setdefault(table, []).append(f"{table}: rows fell from {old_rows} to {new_rows}")
        for column, new_median in new.items():
            old_median = old.get(column)
            if not old_median or not new_median:
                continue
            ratio = float(new_median) / float(old_median)
            if ratio >= max_ratio or ratio <= 1 / max_ratio:
                problems.setdefault(table, []).append(
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
