"""Column-level lineage of a SQL file: which columns of which tables each output column reads.

Derived by parsing the SQL with sqlglot (DuckDB dialect) against the column lists of the tables it reads,
so the lineage shown in the Dagster UI and the data dictionary follows the SQL as written.

Following every column through sqlglot costs ~0.1-1 s per file, and the same SQL is followed by its mart
step, the analyst views and the data dictionary: try_column_lineage memoises the answer per (SQL text,
columns of the tables it reads), in the process and, given a cache folder, on disk across runs.

The answers for the shipped SQL ship too (sql/lineage.json, made by `python -m bcm_pipeline.dictionary`):
~2.5 s of sqlglot a first or cold build no longer pays. They are keyed like the cache, by the SQL text
and the columns read, so edited SQL or models miss them and are traced; tests/test_lineage_seed.py fails
when the shipped answers are stale or differ from sqlglot's.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pandera.pandas as pa

from bcm_pipeline.schemas.base import table_name


def schema_of(models: list[type[pa.DataFrameModel]]) -> dict[str, dict[str, str]]:
    """sqlglot's schema: {table: {column: type}} (types do not matter for lineage)."""
    return {table_name(m): {c: "VARCHAR" for c in m.to_schema().columns} for m in models}


@functools.cache
def catalogue_schema() -> dict[str, dict[str, str]]:
    """schema_of every catalogue table's model: what is stored (the stored contract checks it), without
    reading a warehouse's catalog. Shared: do not edit it."""
    from bcm_pipeline import catalogue

    return schema_of([t.model for t in catalogue.TABLES])


def column_lineage(sql: str, schema: dict[str, dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """{output column: sorted [(table, column), ...]} for a single SELECT (CTEs and joins followed).

    Columns computed from no table column (constants) map to []. Raises SqlglotError on SQL that
    sqlglot cannot parse; callers decide whether lineage is optional.
    """
    from sqlglot import exp  # sqlglot is imported when lineage is needed, not with the definitions
    from sqlglot.lineage import lineage

    text = sql.strip().rstrip(";")
    tree = _parsed(text)
    # The tree parsed once serves as it is (lineage copies it); BY NAME unions are rewritten first.
    by_name = any(u.args.get("by_name") for u in tree.find_all(exp.Union))
    query = positional_unions(text, schema) if by_name else tree
    # trim_selects=False: sqlglot would otherwise copy each CTE's SELECT, trimmed to the column followed, at
    # every step of every column's walk (22.9 s for all marts, 4.0 s without, the same lineage for each).
    nodes = lineage(None, query, schema=schema, dialect="duckdb", trim_selects=False)
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


@functools.cache
def _with_key() -> str:
    """sqlglot's arg name of a query's WITH clause: "with_" in recent sqlglot, "with" before."""
    from sqlglot import exp

    return "with_" if "with_" in exp.Select.arg_types else "with"


def positional_unions(sql: str, schema: dict[str, dict[str, str]]) -> str:
    """The SQL with every `UNION [ALL] BY NAME` made positional, which sqlglot's lineage can follow.

    sqlglot pairs the columns of a UNION by position, so a BY NAME union whose branches list their
    columns in another order, or lack some, fails ("Cannot find column's source with index 16"). Each
    branch's stars are expanded (sqlglot's qualify, against the schema and the CTEs before it), and every
    branch then lists the union's columns in one order: the first branch's, then the new ones of the
    next, a branch lacking one giving NULL, as DuckDB does. CTEs are rewritten in order, so a later
    `SELECT t.*` over a BY NAME CTE sees all its columns.
    """
    from sqlglot import exp

    tree = _parsed(sql).copy()  # (rewritten below)
    if not any(u.args.get("by_name") for u in tree.find_all(exp.Union)):
        return sql
    with_ = tree.args.get(_with_key())
    done: list = []
    for cte in list(with_.expressions) if with_ else []:
        cte.set("this", _positional(cte.this, done, schema))
        done.append(cte)
    body = tree.copy()
    body.set(_with_key(), None)
    body = _positional(body, done, schema)
    if with_ is not None:
        body.set(_with_key(), with_)
    return body.sql(dialect="duckdb")


def _positional(query, ctes: list, schema: dict[str, dict[str, str]]):
    from sqlglot import exp

    if not isinstance(query, exp.Union):
        return query
    query.set("this", _positional(query.this, ctes, schema))
    query.set("expression", _positional(query.expression, ctes, schema))
    if not query.args.get("by_name"):
        return query
    left, right = _expanded(query.this, ctes, schema), _expanded(query.expression, ctes, schema)
    left_names, right_names = _names(left), _names(right)
    order = left_names + [n for n in right_names if n not in left_names]
    return exp.Union(
        this=_in_order(left, order),
        expression=_in_order(right, order),
        distinct=query.args.get("distinct"),
    )


def _expanded(query, ctes: list, schema: dict[str, dict[str, str]]):
    """A branch with its stars expanded and every projection named (sqlglot qualify)."""
    from sqlglot import exp
    from sqlglot.optimizer.qualify import qualify

    if isinstance(query, exp.Union):  # already positional: expand its branches
        query.set("this", _expanded(query.this, ctes, schema))
        query.set("expression", _expanded(query.expression, ctes, schema))
        return query
    branch = query.copy()
    needed = _read_ctes(branch, ctes)
    if needed:
        branch.set(_with_key(), exp.With(expressions=[c.copy() for c in needed]))
    branch = qualify(
        branch, schema=schema, dialect="duckdb", validate_qualify_columns=False, quote_identifiers=False
    )
    branch.set(_with_key(), None)
    return branch


def _read_ctes(query, ctes: list) -> list:
    """The CTEs `query` reads, directly or through other CTEs, in their order: all qualify needs to expand
    its stars. Qualifying each branch with every CTE before it cost ~3 s of technology_swaps' lineage."""
    from sqlglot import exp

    names = {t.name.lower() for t in query.find_all(exp.Table)}
    read = []
    for cte in reversed(ctes):  # a CTE reads only those before it
        if cte.alias_or_name.lower() in names:
            read.append(cte)
            names |= {t.name.lower() for t in cte.this.find_all(exp.Table)}
    return read[::-1]


def _names(query) -> list[str]:
    from sqlglot import exp

    while isinstance(query, exp.Union):
        query = query.this
    return list(query.named_selects)


def _in_order(query, order: list[str]):
    """Each SELECT of the branch lists `order`: its own projections by name, NULL for the missing ones."""
    from sqlglot import exp

    if isinstance(query, exp.Union):
        query.set("this", _in_order(query.this, order))
        query.set("expression", _in_order(query.expression, order))
        return query
    by_name = {e.alias_or_name: e for e in query.expressions}
    query.set("expressions", [by_name.get(n) or exp.alias_(exp.Null(), n) for n in order])
    return query


def trace(
    sql: str, schema: dict[str, dict[str, str]], cache_dir: Path | None = None
) -> tuple[dict[str, list[tuple[str, str]]], str | None]:
    """(column lineage, None) or ({}, why it could not be traced): the data dictionary says which."""
    read = _cached(cache_dir, ["tables", sql], lambda: _tables_named(sql))
    if read is None:
        return {}, "sqlglot cannot parse the SQL"
    columns = {t: list(schema[t]) for t in read if t in schema}
    answer = _cached(
        cache_dir, ["lineage", "deps-or-error", sql, columns], lambda: _lineage_or_error(sql, columns)
    )
    deps = {c: [tuple(d) for d in reads] for c, reads in (answer.get("deps") or {}).items()}
    return deps, answer.get("error")


def try_column_lineage(
    sql: str, schema: dict[str, dict[str, str]], cache_dir: Path | None = None
) -> dict[str, list[tuple[str, str]]]:
    """column_lineage, or {} when the SQL uses syntax sqlglot cannot follow (lineage is a nicety).

    The answer depends only on the SQL text and the column names of the tables it reads (types do not
    matter for lineage): that is the cache key. A warm cache needs neither sqlglot nor a parse.
    """
    return trace(sql, schema, cache_dir)[0]


@functools.cache
def _sqlglot_version() -> str:
    return importlib.metadata.version("sqlglot")


@functools.lru_cache(maxsize=128)
def _parsed(sql: str):
    """sqlglot's tree of a SQL text, parsed once per process (the tables it names, then its lineage, each
    parsed it again: ~1 s of the ~5 s all marts take on a cold cache). Shared: copy it before editing."""
    import sqlglot

    return sqlglot.parse_one(sql, dialect="duckdb")


def _tables_named(sql: str) -> list[str] | None:
    """Every table name in the SQL, sorted (CTE names too: harmless, they are not in the schema)."""
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = _parsed(sql.strip().rstrip(";"))
    except SqlglotError:
        return None
    return sorted({t.name for t in tree.find_all(exp.Table)})


def _lineage_or_error(sql: str, columns: dict[str, list[str]]) -> dict:
    """{"deps": lineage} or {"error": the first line of why sqlglot could not follow the SQL}."""
    from sqlglot.errors import SqlglotError

    try:
        return {
            "deps": column_lineage(sql, {t: dict.fromkeys(cols, "VARCHAR") for t, cols in columns.items()})
        }
    except (SqlglotError, KeyError, ValueError) as err:
        return {"error": f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"}


_MEMO: dict[str, str] = {}  # JSON key -> JSON answer, for this process
SEED_PATH = Path(__file__).resolve().parent / "sql" / "lineage.json"
_use_seed = True  # remade_seed traces afresh


def _cached(cache_dir: Path | None, key: list, compute):
    """compute()'s JSON-able answer: memoised in the process, else the shipped answer (SEED_PATH), else,
    given cache_dir, cache_dir/<kind>-<sha256 of key and sqlglot's version>.json, else computed (and
    kept there). Returns a fresh copy each time: callers may edit it."""
    text = json.dumps(key)
    if text not in _MEMO:
        answer = _seed().get(_digest(text)) if _use_seed else None
        if answer is None:
            answer = _cached_on_disk(cache_dir, key, compute)
        _MEMO[text] = answer
    return json.loads(_MEMO[text])


def _cached_on_disk(cache_dir: Path | None, key: list, compute) -> str:
    # The disk cache is sqlglot's answer: another sqlglot may answer otherwise.
    versioned = json.dumps([key[0], _sqlglot_version(), *key[1:]])
    path = cache_dir / f"{key[0]}-{_digest(versioned)}.json" if cache_dir else None
    answer = _read_json(path) if path is not None else None
    if answer is None:
        answer = json.dumps(compute())
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
            tmp.write_text(answer)
            os.replace(tmp, path)  # whole files only: two writers race harmlessly
    return answer


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def _seed() -> dict[str, str]:
    """{digest of a key: JSON answer} shipped in SEED_PATH ({} when absent or unreadable: traced instead)."""
    try:
        answers = json.loads(SEED_PATH.read_text())["answers"]
    except (OSError, ValueError, KeyError):
        return {}
    return {digest: json.dumps(answer) for digest, answer in answers.items()}


def remade_seed(trace_all: Callable[[], object]) -> str:
    """The text of SEED_PATH, one answer a line: every answer `trace_all()` asks for, traced afresh (not
    from the shipped answers). dictionary.write_lineage_seed passes the data dictionary, which follows
    every mart and view as a build does."""
    global _use_seed
    _MEMO.clear()
    _use_seed = False
    try:
        trace_all()
    finally:
        _use_seed = True
    answers = sorted((_digest(text), answer) for text, answer in _MEMO.items())
    _MEMO.clear()
    _seed.cache_clear()
    lines = ",\n".join(f"{json.dumps(digest)}: {answer}" for digest, answer in answers)
    return (
        f'{{"made_with": "sqlglot {_sqlglot_version()}", "made_by": "python -m bcm_pipeline.dictionary",\n'
        f'"answers": {{\n{lines}\n}}}}\n'
    )


def _read_json(path: Path) -> str | None:
    """The file's text if it holds valid JSON, else None (absent, partial or unreadable: compute again)."""
    try:
        text = path.read_text()
        json.loads(text)
    except (OSError, ValueError):
        return None
    return text
