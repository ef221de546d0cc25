"""Asset and check factories: raw download assets, validated table assets, their blocking schema checks.

Each table's `schema` check runs in the step that writes the table (a separate check step would read and
validate the table a second time, and every Dagster step costs events and a start-up).

The numbers are computed elsewhere (parsers, SQL); this module only wires them into Dagster.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline import warehouse
from bcm_pipeline.dictionary import duckdb_type
from bcm_pipeline.parsers import cache as parse_cache
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.base import dagster_column_schema, stored_failures, table_name, validate
from bcm_pipeline.sources.download import fetch, sha256_of
from bcm_pipeline.sources.registry import SOURCES, Source


def raw_key(source_id: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_{source_id}")


def raw_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"raw_{source.id}",
        group_name="raw",
        kinds={"file", source.format},
        owners=["team:bcm-data"],
        description=(
            f"{source.title}, published by {source.publisher} ({source.licence}). Downloaded from "
            f"{source.url} (or BCM_SOURCE_MIRROR) into data/raw/{source.raw_folder}/{source.filename}. "
            f"Cite: {source.citation}"
        ),
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _raw(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        raw = fetch(source, bcm.settings(), bcm.http_options())
        with bcm.build_connection() as con:
            warehouse.record_raw_file(con, raw.to_dict())
        context.log.info(f"{source.id}: {raw.status} {raw.bytes} bytes sha256 {raw.sha256}")
        return dg.MaterializeResult(
            metadata={
                "url": dg.MetadataValue.url(raw.url),
                "path": dg.MetadataValue.path(raw.path),
                "retrieved_at": raw.retrieved_at,
                "bytes": raw.bytes,
                "sha256": raw.sha256,
                "etag": raw.etag or "",
                "last_modified": raw.last_modified or "",
                "status": raw.status,
            },
            data_version=dg.DataVersion(raw.sha256),
        )

    return _raw


@dataclass(frozen=True)
class TableSpec:
    """A validated table built in Python: from a raw source file, or from a CSV authored in the repo."""

    model: type[pa.DataFrameModel]
    parse: Callable[[Path], pd.DataFrame]
    source_id: str | None = None  # None: authored reference table, parse() gets no path
    group: str = "core"
    deps: list[str] = field(default_factory=list)
    # Further files of the same release in the same raw folder, read by parse() next to the source_id file
    # (POSTED's three CSVs) until sources have multi-file releases; they join the cache key and the deps.
    sibling_source_ids: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return table_name(self.model)


def table_asset(spec: TableSpec) -> dg.AssetsDefinition:
    deps = [raw_key(spec.source_id)] if spec.source_id else []
    deps += [raw_key(s) for s in spec.sibling_source_ids]
    deps += [dg.AssetKey(d) for d in spec.deps]

    @dg.asset(
        name=spec.name,
        group_name=spec.group,
        kinds={"duckdb", "pandas"},
        owners=["team:bcm-data"],
        deps=deps,
        description=spec.model.Config.description,
        metadata={
            "dagster/column_schema": dagster_column_schema(spec.model),
            "dagster/table_name": spec.name,
        },
        check_specs=[schema_check_spec(spec.model)],
    )
    def _table(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        if spec.source_id:
            source = SOURCES[spec.source_id]
            settings = bcm.settings()
            path = settings.source_dir(source.raw_folder) / source.filename
            sha = sha256_of(path)
            if spec.sibling_source_ids:  # one key over every file the parser reads
                siblings = [SOURCES[s] for s in spec.sibling_source_ids]
                shas = [sha] + [sha256_of(settings.source_dir(s.raw_folder) / s.filename) for s in siblings]
                sha = hashlib.sha256(" ".join(shas).encode()).hexdigest()
            # Same bytes, same parser code: reuse the parsed frame (Excel parsing dominates a refresh).
            df, hit = parse_cache.cached_parse(
                spec.parse, path, settings.data_dir / "cache" / source.id, spec.name, sha
            )
            origin = spec.source_id
        else:
            df, sha, origin, hit = spec.parse(None), None, "reference", None
        if "source_sha256" in spec.model.to_schema().columns:
            df["source_sha256"] = sha
        valid, quarantined = validate(spec.model, df, origin, sha)
        with bcm.build_connection() as con:
            warehouse.replace_table(con, spec.model, valid)
            warehouse.record_quarantine(con, spec.name, quarantined)
            check = check_written_table(con, spec.model, len(valid))
        if len(quarantined):
            context.log.warning(f"{spec.name}: {len(quarantined)} quarantine row(s)")
        metadata = _table_metadata(valid, quarantined, sha)
        if hit is not None:
            metadata["parse_cache"] = "hit" if hit else "miss"
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return _table


def _table_metadata(valid: pd.DataFrame, quarantined: pd.DataFrame, sha: str | None) -> dict:
    reasons = (
        quarantined.groupby(["column_name", "check_name"], dropna=False).size().rename("rows").reset_index()
        if len(quarantined)
        else pd.DataFrame(columns=["column_name", "check_name", "rows"])
    )
    return {
        "dagster/row_count": len(valid),
        "quarantined_rows": len(quarantined),
        "quarantine_reasons": dg.MetadataValue.md(
            reasons.to_markdown(index=False) if len(reasons) else "none"
        ),
        "source_sha256": sha or "",
        "preview": dg.MetadataValue.md(valid.head(10).to_markdown(index=False)),
    }


def schema_check_spec(model: type[pa.DataFrameModel]) -> dg.AssetCheckSpec:
    """The blocking `schema` check of a table, run inside the step that writes the table: a failure fails
    the step, so nothing downstream (and no publish) runs on a table that broke its model."""
    name = table_name(model)
    return dg.AssetCheckSpec(
        "schema",
        asset=name,
        blocking=True,
        description=f"The {name} table in the warehouse satisfies its pandera model (types, ranges, keys).",
    )


def check_written_table(
    con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel], validated_rows: int
) -> dg.AssetCheckResult:
    """For a frame pandera validated before writing: the stored table has the model's columns, in order,
    with their DuckDB types, and every validated row (validating the same rows again would only repeat
    the step's own validation)."""
    name = table_name(model)
    stored = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? "
        "ORDER BY column_index",
        [name],
    ).fetchall()
    expected = [(c, duckdb_type(col.dtype)) for c, col in model.to_schema().columns.items()]
    rows = con.execute(f"SELECT count(*) FROM {warehouse.quote_ident(name)}").fetchone()[0]
    problems = [f"columns {stored} instead of {expected}"] if stored != expected else []
    if rows != validated_rows or rows == 0:
        problems.append(f"{rows} rows stored, {validated_rows} validated")
    return dg.AssetCheckResult(
        check_name="schema",
        asset_key=dg.AssetKey(name),
        passed=not problems,
        metadata={"rows": rows, "validated_by": "pandera, in this step", "problems": "; ".join(problems)},
    )


def check_stored_table(con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel]) -> dg.AssetCheckResult:
    """For a table built in SQL: read it back and validate it with its pandera model."""
    rows, cases = stored_failures(con, model)
    metadata: dict = {"rows": rows, "validated_by": "pandera, on the stored table"}
    if len(cases):
        metadata |= {
            "failures": len(cases),
            "sample": dg.MetadataValue.md(cases.head(20).astype(str).to_markdown(index=False)),
        }
    return dg.AssetCheckResult(
        check_name="schema",
        asset_key=dg.AssetKey(table_name(model)),
        passed=rows > 0 and not len(cases),
        metadata=metadata,
    )
