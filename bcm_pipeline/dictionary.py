"""The data dictionary and the analyst views, both from the pandera models and sql/views/*.sql.

Every table's columns, types and descriptions come from its pandera model; every view's from its SQL file
(header comments) and, for columns it passes through, from the column it reads (column lineage). The
dictionary is computed in an in-memory DuckDB holding empty copies of the tables, so it needs no
warehouse: `bcm dictionary` (or `python -m bcm_pipeline.dictionary`) rewrites docs/data_dictionary.md,
and the `data_dictionary` table in the warehouse holds the same rows.

A view file starts with `--` comment lines: `-- column_name: description` documents a column the view
computes; the other comment lines describe the view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline import catalogue, lineage
from bcm_pipeline.lineage import catalogue_schema, trace, try_column_lineage
from bcm_pipeline.schemas.base import (
    comment_statements,
    create_table_sql,
    duckdb_type,
    key_columns,
    sql_literal,
    table_name,
)
from bcm_pipeline.schemas.meta import DataDictionary
from bcm_pipeline.settings import CHECKOUT_DIR, SQL_DIR
from bcm_pipeline.warehouse import qualified

# In a checkout the dictionary is kept in docs/; an installed package writes it where it is run.
DOC_PATH = (CHECKOUT_DIR or Path.cwd()) / "docs" / "data_dictionary.md"
VIEWS_DIR = SQL_DIR / "views"
DICTIONARY_TABLE = catalogue.table("data_dictionary")


@dataclass(frozen=True)
class ViewSpec:
    name: str
    sql: str
    description: str
    column_notes: dict[str, str] = field(default_factory=dict)


def table_models() -> list[tuple[str, type[pa.DataFrameModel], str | None]]:
    """(layer, model, sql file or None) for every table the pipeline writes, in flow order."""
    return [(t.layer, t.model, t.sql) for t in catalogue.TABLES]


def parse_view(path: Path) -> ViewSpec:
    text = path.read_text()
    description, notes = [], {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        m = re.fullmatch(r"([a-z_][a-z0-9_]*): (.+)", body)
        if m and m.group(1) != path.stem:
            notes[m.group(1)] = m.group(2).strip()
        elif body:
            description.append(body)
    return ViewSpec(path.stem, text, " ".join(description), notes)


def view_specs() -> list[ViewSpec]:
    return [parse_view(p) for p in sorted(VIEWS_DIR.glob("v_*.sql"))]


def create_empty_table(
    con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel], comments: bool = True
) -> None:
    """The model's table with no rows: the one write path's DDL and comments. (No rows to insert: the
    whole write path, a transaction with its checks for each of ~70 tables, cost ~0.5 s a dictionary.)"""
    target = qualified(model)
    con.execute(create_table_sql(model, target))
    for stmt in comment_statements(model, target) if comments else []:
        con.execute(stmt)


def _model_comments(models: list[type[pa.DataFrameModel]]) -> dict[tuple[str, str], str]:
    """{(table, column): comment} as comment_statements sets them (columns with a description only)."""
    return {
        (table_name(m), c): column.description
        for m in models
        for c, column in m.to_schema().columns.items()
        if column.description
    }


class _Catalog:
    """Every table's and view's columns (type, comment) as duckdb_columns() lists them.

    Commenting a view needs the columns and comments of what it reads. Reading the whole catalog costs
    ~5 ms, so it is read once and then only the view just created is read again (one writer: nothing else
    changes the catalog meanwhile)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, comments: dict[tuple[str, str], str] | None = None):
        self.columns: dict[str, dict[str, str]] = {}  # table -> {column: DuckDB type}, in column order
        # (table, column) -> comment; `comments` adds ones the catalog lacks (dictionary_frame)
        self.comments: dict[tuple[str, str], str] = dict(comments or {})
        self._read(con)

    def _read(self, con: duckdb.DuckDBPyConnection, name: str | None = None) -> None:
        where = "" if name is None else " WHERE table_name = ?"
        for t, c, dtype, comment in con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns()"
            f"{where} ORDER BY table_name, column_index",
            [] if name is None else [name],
        ).fetchall():
            self.columns.setdefault(t, {})[c] = dtype
            if comment is not None:
                self.comments[(t, c)] = comment

    def reread(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Read again the columns of `name` (a view just created or replaced)."""
        self.columns.pop(name, None)
        self.comments = {k: v for k, v in self.comments.items() if k[0] != name}
        self._read(con, name)


def create_views(
    con: duckdb.DuckDBPyConnection, views: list[ViewSpec] | None = None, lineage_cache: Path | None = None
) -> list[str]:
    """CREATE OR REPLACE each analyst view with its COMMENT ON VIEW / COLUMN. Returns the view names.

    Views may read other views: each pass creates the views whose inputs exist, until a pass makes no
    progress. A view reading a table that does not exist yet is skipped (a partial build still
    publishes the views it can); the data dictionary lists only views that were created.
    """
    return _create_views(con, views if views is not None else view_specs(), _Catalog(con), lineage_cache)


def _create_views(
    con: duckdb.DuckDBPyConnection, views: list[ViewSpec], catalog: _Catalog, lineage_cache: Path | None
) -> list[str]:
    pending = list(views)
    created: list[str] = []
    while pending:
        left = []
        for view in pending:
            if _create_view(con, view, catalog, lineage_cache):
                created.append(view.name)
            else:
                left.append(view)
        if len(left) == len(pending):
            break
        pending = left
    return created


def _create_view(
    con: duckdb.DuckDBPyConnection, view: ViewSpec, catalog: _Catalog, lineage_cache: Path | None
) -> bool:
    """CREATE OR REPLACE the view and comment it in one transaction: one commit (each one syncs the WAL)
    instead of one per statement. False when the view reads a table or view that does not exist (yet)."""
    con.execute("BEGIN TRANSACTION")
    try:
        try:
            con.execute(f'CREATE OR REPLACE VIEW "{view.name}" AS {view.sql.strip().rstrip(";")}')
        except duckdb.CatalogException:
            con.execute("ROLLBACK")
            return False
        _comment_view(con, view, catalog, lineage_cache)
        con.execute("COMMIT")
        return True
    except Exception:
        con.execute("ROLLBACK")
        raise


def _comment_view(
    con: duckdb.DuckDBPyConnection, view: ViewSpec, catalog: _Catalog, lineage_cache: Path | None = None
) -> None:
    catalog.reread(con, view.name)  # the view as just created
    con.execute(f'COMMENT ON VIEW "{view.name}" IS {sql_literal(view.description)}')
    reads = try_column_lineage(view.sql, catalog.columns, lineage_cache)
    texts = {}
    for col in catalog.columns[view.name]:
        text = view.column_notes.get(col) or _inherited(reads.get(col, []), catalog.comments)
        if text:
            con.execute(f'COMMENT ON COLUMN "{view.name}"."{col}" IS {sql_literal(text)}')
            texts[(view.name, col)] = text
    catalog.comments.update(texts)  # what the catalog now holds, for the views that read this one


def _inherited(reads: list[tuple[str, str]], column_desc: dict[tuple[str, str], str]) -> str:
    """A passed-through column keeps its source's description; a computed one names what it reads."""
    described = [(t, column_desc[(t, c)]) for t, c in reads if (t, c) in column_desc]
    if reads and len({c for _, c in reads}) == 1 and described:  # one column, maybe from a UNION
        texts = {d for _, d in described}
        return described[0][1] if len(texts) == 1 else "; ".join(f"{t}: {d}" for t, d in described)
    if reads:
        return "Computed from " + ", ".join(f"{t}.{c}" for t, c in reads)
    return ""


def dictionary_frame(lineage_cache: Path | None = None) -> pd.DataFrame:
    """The data dictionary rows, computed from the models and view files (no warehouse needed).

    lineage_cache: a folder keeping sqlglot's column lineage per SQL text across runs (lineage.py)."""
    tables = table_models()
    models = [m for _, m, _ in tables]
    con = duckdb.connect(":memory:")
    for model in models:
        # The views need only the tables' columns and their descriptions: the descriptions are handed to
        # the catalog below instead of ~600 COMMENT ON statements (~0.15 s).
        create_empty_table(con, model, comments=False)
    views = view_specs()
    catalog = _Catalog(con, _model_comments(models))
    created = _create_views(con, views, catalog, lineage_cache)

    schema = catalogue_schema()  # the models' columns, as `tables` lists them
    rows = []
    for layer, model, sql_file in tables:
        name = table_name(model)
        reads, why = trace(catalogue.sql_text(sql_file), schema, lineage_cache) if sql_file else ({}, None)
        keys = set(key_columns(model))
        for pos, (col, column) in enumerate(model.to_schema().columns.items(), start=1):
            row = _row(name, "table", layer, pos, col, duckdb_type(column.dtype), column.nullable,
                       col in keys, column.description or "", reads.get(col, []),
                       model.Config.description or "")  # fmt: skip
            if sql_file:
                row["reads_columns"] = _reads_text(reads, col, why)
            rows.append(row)
    for view in [v for name in created for v in views if v.name == name]:
        reads, why = trace(view.sql, catalog.columns, lineage_cache)
        for pos, col, dtype, comment in con.execute(
            "SELECT column_index, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE table_name = ? ORDER BY column_index",
            [view.name],
        ).fetchall():
            row = _row(view.name, "view", "views", pos, col, dtype, True, False, comment or "",
                       reads.get(col, []), view.description)  # fmt: skip
            row["reads_columns"] = _reads_text(reads, col, why)
            rows.append(row)
    con.close()
    return pd.DataFrame(rows, columns=list(DataDictionary.to_schema().columns))


def _reads_text(reads: dict[str, list[tuple[str, str]]], col: str, why: str | None) -> str:
    """What a SQL table's column is computed from, or why that is not known (never silently empty)."""
    if why:
        return f"not traced: {why}"
    if col not in reads:
        return "not traced: the column is not among the SQL's output columns"
    if not reads[col]:
        return "(no column: a constant or NULL)"
    return ", ".join(f"{t}.{c}" for t, c in reads[col])


def _row(obj, obj_type, layer, pos, col, dtype, nullable, is_key, desc, reads, obj_desc) -> dict:
    return {
        "object_name": obj,
        "object_type": obj_type,
        "layer": layer,
        "column_position": pos,
        "column_name": col,
        "data_type": dtype,
        "is_nullable": bool(nullable),
        "is_key": bool(is_key),
        "column_description": desc,
        "reads_columns": ", ".join(f"{t}.{c}" for t, c in reads),
        "object_description": obj_desc,
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(df: pd.DataFrame) -> str:
    """One section per table or view: its description, then a column table."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the pandera models (bcm_pipeline/schemas) and sql/views/*.sql by `bcm dictionary`;",
        "do not edit by hand. The warehouse holds the same rows in the `data_dictionary` table, and every",
        "table, view and column carries its description as a DuckDB comment (`duckdb_columns().comment`).",
        "",
    ]
    objects = df[["object_name", "object_type", "layer", "object_description"]].drop_duplicates("object_name")
    lines += ["| object | type | layer |", "|---|---|---|"]
    lines += [
        f"| [{o.object_name}](#{o.object_name}) | {o.object_type} | {o.layer} |" for o in objects.itertuples()
    ]
    for o in objects.itertuples():
        lines += [
            "",
            f"## {o.object_name}",
            "",
            f"{o.object_type}, layer {o.layer}. {_cell(o.object_description)}",
            "",
        ]
        lines += ["| column | type | null | key | description | computed from |", "|---|---|---|---|---|---|"]
        for r in df[df["object_name"] == o.object_name].itertuples():
            lines.append(
                f"| {r.column_name} | {r.data_type} | {'yes' if r.is_nullable else 'no'} | "
                f"{'key' if r.is_key else ''} | {_cell(r.column_description)} | {_cell(r.reads_columns)} |"
            )
    return "\n".join(lines) + "\n"


def write_markdown(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_markdown(dictionary_frame()))
    return path


def write_lineage_seed(path: Path = lineage.SEED_PATH) -> Path:
    """The shipped column lineage of every mart and view (lineage.py), traced afresh."""
    path.write_text(lineage.remade_seed(dictionary_frame))
    return path


if __name__ == "__main__":  # after editing a mart, a view or a model
    print(write_lineage_seed())
    print(write_markdown())
