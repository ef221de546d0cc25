"""Building the catalogue's tables: plain functions on a DuckDB connection, called by the Dagster assets,
the CLI, the country partitions, the benchmarks and the tests. No Dagster here.

Every table goes through warehouse.write_table (created from its model's DDL, then filled BY NAME) and
gets the same stored-contract check (columns, types, NOT NULL as the model says; rows present). Tables
read from outside (a source file, an authored file) are validated before they are written, row by row,
and bad rows go to quarantine; tables we compute (Python, SQL) are validated as stored, and a bad row
fails the build: our own computation has no bad input to set aside.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from bcm_pipeline import catalogue, guards, warehouse
from bcm_pipeline.catalogue import Table
from bcm_pipeline.parsers import cache as parse_cache
from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.releases import release_units
from bcm_pipeline.schemas.base import quote_ident, sql_literal, stored_failures, validate
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import registry
from bcm_pipeline.sources.candidates import readable
from bcm_pipeline.sources.download import read_provenance, sha256_of, verify_content
from bcm_pipeline.sources.registry import Release, Releases


@dataclass
class Check:
    """The outcome of a table's stored-contract check (and, for computed tables, pandera on the stored rows)."""

    passed: bool
    rows: int
    problems: list[str]
    validated_by: str
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Built:
    table: Table
    rows: int
    check: Check
    quarantined: pd.DataFrame = field(default_factory=pd.DataFrame)
    source_sha256: str | None = None
    cache_hit: bool | None = None
    release: str | None = None  # source tables: the release(s) parsed


def check(
    con: duckdb.DuckDBPyConnection,
    t: Table,
    validated_rows: int | None = None,
    schema: str | None = None,
    allow_empty: bool = False,
) -> Check:
    """The same check for every table: the stored contract; then, for a frame validated before writing, that
    every validated row is stored, or, for a computed table, pandera on the stored rows."""
    rows, problems = warehouse.stored_contract(con, t.model, schema, allow_empty)
    failures = pd.DataFrame()
    if validated_rows is not None:
        validated_by = "pandera, before writing"
        if rows != validated_rows:
            problems.append(f"{t.name}: {rows} rows stored, {validated_rows} validated")
    else:
        validated_by = "pandera, on the stored table"
        if not problems:
            _, failures = stored_failures(con, t.model, warehouse.qualified(t.model, schema))
            if len(failures):
                sample = failures[["column", "check", "failure_case"]].head(5).to_dict("records")
                problems.append(f"{t.name}: {len(failures)} value(s) fail the model, e.g. {sample}")
    return Check(not problems, rows, problems, validated_by, failures)


def source_table(
    con: duckdb.DuckDBPyConnection, t: Table, settings: Settings, releases: Releases | None = None
) -> Built:
    """Parse the raw file of the release the source uses (cached per sha256, parser code and the release's
    layout), validate, write, quarantine. `releases`: the run's (default: resolved from `settings`)."""
    releases = releases or registry.resolve(registry.ReleaseOptions.of(settings))
    if t.releases == "latest_two":
        return _release_units_table(con, t, settings, releases)
    release = releases.used(t.source_id)
    folder = settings.source_dir(t.source_id)
    with ExitStack() as stack:
        if t.file == catalogue.ALL_FILES:  # the parser reads every file of the release: one key over all
            path = stack.enter_context(_release_side_by_side(folder, release))
            sha = release_sha256(folder, release)
        else:
            path = readable(folder / releases.table_file(t.source_id, t.file, release).filename)
            sha = sha256_of(path)
        # Same bytes, same parser code, same layout: reuse the parsed frame (Excel parsing dominates).
        df, hit = parse_cache.cached_parse(
            t.parse,
            path,
            settings.parse_cache_dir(t.source_id),
            t.name,
            sha,
            release.layout(t.source_id),
            before_parse=lambda: prove_whole(t, settings, releases),
        )
    files = files_read(t, settings, releases)

    def guard(valid: pd.DataFrame) -> None:
        if settings.publish.drift_guard:
            guards.check_new_file(
                t.model,
                valid,
                releases.sources[t.source_id],
                release,
                files,
                warehouse.latest_version(settings.warehouse_path),
                settings.publish.max_drift_ratio,
            )

    built = _write_validated(con, t, df, t.source_id, sha, hit, guard)
    built.release = release.version
    return built


@contextmanager
def _release_side_by_side(folder: Path, release: Release) -> Iterator[Path]:
    """The first file of a release whose parser reads every file beside it: in data/raw/<id>/ itself, or,
    when some file has a candidate waiting, in a temporary folder linking each file as this run reads it."""
    paths = [readable(folder / f.name) for f in release.files]
    if all(p.parent == folder for p in paths):
        yield paths[0]
        return
    staged = next(p.parent for p in paths if p.parent != folder)  # data/raw/<id>/candidate/
    with tempfile.TemporaryDirectory(prefix=".side-by-side-", dir=staged) as tmp:
        for f, path in zip(release.files, paths, strict=True):
            os.symlink(path, Path(tmp) / f.name)
        yield Path(tmp) / release.files[0].name


def table_targets(t: Table, settings: Settings, releases: Releases) -> list[Path]:
    """The current raw files (data/raw/<id>/<name>) a source table of the used release is built from."""
    release = releases.used(t.source_id)
    folder = settings.source_dir(t.source_id)
    if t.file == catalogue.ALL_FILES:
        return [folder / f.name for f in release.files]
    return [folder / releases.table_file(t.source_id, t.file, release).filename]


def prove_whole(t: Table, settings: Settings, releases: Releases) -> None:
    """Every file the table reads is whole before its parser runs (download.verify_content: an intact zip
    directory and members, a CSV with every record complete and its last line ended, a JSON that parses):
    a file placed by hand or left on disk gets the proof a download gets."""
    sources = {s.filename: s for s in releases.files(t.source_id)}
    for target in table_targets(t, settings, releases):
        path = readable(target)
        if path.exists() and target.name in sources:  # a missing file: the parser names it
            try:
                verify_content(path, sources[target.name])
            except (ValueError, zipfile.BadZipFile) as exc:
                raise SourceFormatError(f"{t.source_id}: {path} is not whole: {exc}") from exc


def files_read(t: Table, settings: Settings, releases: Releases) -> list[guards.FileUsed]:
    """What the table is built from in this run: each file (its candidate when one waits), with its
    sha256 and the URL it was fetched from (its provenance sidecar)."""
    version = releases.used(t.source_id).version
    out = []
    for target in table_targets(t, settings, releases):
        path = readable(target)
        if not path.exists():
            continue
        provenance = read_provenance(path) or {}
        url = provenance.get("fetched_url") or provenance.get("url")  # where this copy came from
        out.append(guards.FileUsed(t.source_id, version, target.name, sha256_of(path), url))
    return out


def release_sha256(folder: Path, release: Release) -> str:
    """One sha256 over every file of a release (a table whose parser reads them all carries it); a file's
    candidate, when one waits, stands for it."""
    return hashlib.sha256(
        " ".join(sha256_of(readable(folder / f.name)) for f in release.files).encode()
    ).hexdigest()


def _release_units_table(
    con: duckdb.DuckDBPyConnection, t: Table, settings: Settings, releases: Releases
) -> Built:
    """tracker_unit_releases: the units of the source's two newest listed releases, each parsed with its
    own layout, validated per release (a bad row is quarantined with the file it came from)."""
    latest = releases.sources[t.source_id].latest_two()
    used = releases.used(t.source_id).version
    # The used release shares the cached frame of the current table its parser builds.
    current = next(
        (
            c.name
            for c in catalogue.parsed_from_used_release()
            if c.source_id == t.source_id and c.parse is t.parse
        ),
        t.name,
    )
    frames, quarantined = [], []
    for release in latest:
        path = readable(
            settings.source_dir(t.source_id) / releases.table_file(t.source_id, t.file, release).filename
        )
        sha = sha256_of(path)
        cache_key = current if release.version == used else f"{current}@{release.version}"
        parsed, _ = parse_cache.cached_parse(
            t.parse, path, settings.parse_cache_dir(t.source_id), cache_key, sha, release.layout(t.source_id)
        )
        units = release_units(parsed, t.source_id, release, release is latest[-1], sha)
        valid, bad = validate(t.model, units, t.source_id, sha)
        frames.append(valid)
        quarantined.append(bad)
    valid, bad = pd.concat(frames, ignore_index=True), pd.concat(quarantined, ignore_index=True)
    warehouse.write_table(con, t.model, valid)
    warehouse.record_quarantine(con, t.name, bad)
    return Built(
        t, len(valid), check(con, t, len(valid)), bad, None, None, ", ".join(r.version for r in latest)
    )


def authored_table(con: duckdb.DuckDBPyConnection, t: Table, settings: Settings) -> Built:
    return _write_validated(con, t, t.parse(settings), "reference", None, None)


def _write_validated(
    con, t: Table, df: pd.DataFrame, origin: str, sha: str | None, hit: bool | None, guard=None
) -> Built:
    """Validate, then (after `guard(valid)`, which raises to refuse the rows) write and quarantine."""
    if "source_sha256" in t.model.to_schema().columns:
        df["source_sha256"] = sha
    valid, quarantined = validate(t.model, df, origin, sha)
    if guard is not None:
        guard(valid)
    warehouse.write_table(con, t.model, valid)
    warehouse.record_quarantine(con, t.name, quarantined)
    return Built(t, len(valid), check(con, t, len(valid)), quarantined, sha, hit)


def python_tables(con: duckdb.DuckDBPyConnection, ts: list[Table], schema: str | None = None) -> list[Built]:
    """Tables that share one Python computation (t.compute): computed once, each written and checked."""
    frames = ts[0].compute(con)
    out = []
    for t in ts:
        rows = warehouse.write_table(con, t.model, frames[t.name], schema, comments=schema is None)
        # In a scratch rerun (build.run_marts) a subset may legitimately leave a table empty.
        out.append(Built(t, rows, check(con, t, schema=schema, allow_empty=schema is not None)))
    return out


def sql_table(con: duckdb.DuckDBPyConnection, t: Table, schema: str | None = None) -> Built:
    rows = warehouse.write_table(con, t.model, t.sql_text(), schema, comments=schema is None)
    return Built(t, rows, check(con, t, schema=schema, allow_empty=schema is not None))


def computed_table(con: duckdb.DuckDBPyConnection, name: str, schema: str | None = None) -> list[Built]:
    """Build one SQL or Python table (a Python table's siblings of the same computation come along)."""
    t = catalogue.table(name)
    if t.kind == "sql":
        return [sql_table(con, t, schema)]
    if t.kind == "python":
        siblings = [s for s in catalogue.tables("python") if s.compute is t.compute]
        return python_tables(con, siblings, schema)
    raise ValueError(f"{name} is a {t.kind} table: it is parsed or read, not computed")


# --- Reruns of a part of the graph in a scratch catalog ------------------------------------------------

SCRATCH = "bcm_scratch"


@contextmanager
def scratch(con: duckdb.DuckDBPyConnection, base: str | None = None) -> Iterator[str]:
    """An in-memory catalog searched before `base` (default: the connection's own database): tables written
    there shadow the real ones for unqualified names, as the mart SQL uses them. Yields the scratch
    schema's name; everything in it is gone when the block ends."""
    if base is None:
        base = quote_ident(con.execute("SELECT current_database()").fetchone()[0])
    old = con.execute("SELECT current_setting('search_path')").fetchone()[0]
    con.execute(f"ATTACH ':memory:' AS {SCRATCH}")
    try:
        con.execute(f"SET search_path = {sql_literal(f'{SCRATCH}.main,{base}.main')}")
        yield f"{SCRATCH}.main"
    finally:
        con.execute(f"SET search_path = {sql_literal(old)}")
        con.execute(f"DETACH {SCRATCH}")


def marts_between(inputs: set[str], targets: set[str], held: set[str] = frozenset()) -> list[str]:
    """The computed tables a change of `inputs` reaches on its way to `targets`, in build order (targets
    always included): everything else reads the same rows as before. `held`: computed tables kept as they
    are although they read a changed input (and what only they lead to)."""
    reached = catalogue.downstream(inputs, through_not=held) & (catalogue.upstream(targets) | set(targets))
    return catalogue.build_order((reached | set(targets)) - set(held))


def run_marts(
    con: duckdb.DuckDBPyConnection,
    targets: set[str],
    inputs: Mapping[str, pd.DataFrame | str],
    schema: str,
    held: set[str] = frozenset(),
) -> dict[str, int]:
    """Inside a `scratch` block: write `inputs` (frames, or SELECTs that name the base tables qualified)
    into `schema`, then build there every mart between them and `targets`, in order. {table: rows}."""
    counts = {}
    for name, rows in inputs.items():
        counts[name] = warehouse.write_table(con, catalogue.table(name).model, rows, schema, comments=False)
    done: set[str] = set()
    for name in marts_between(set(inputs), set(targets), held=held):
        if name in done:
            continue
        for built in computed_table(con, name, schema):
            if not built.check.passed:
                raise warehouse.ContractError("; ".join(built.check.problems))
            counts[built.table.name] = built.rows
            done.add(built.table.name)
    return counts
