"""Dagster assets of the catalogue's tables: raw downloads, and one asset per table with its blocking `schema`
check, run in the step that writes the table (a separate check step would read the table again).

A thin wing: what a table is and how it is built lives in bcm_pipeline/catalogue.py and bcm_pipeline/build.py;
this module only turns them into assets, materializations and check results.
"""

import hashlib
import traceback
from pathlib import Path

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from bcm_pipeline import build, catalogue, warehouse
from bcm_pipeline.build import Built, Check
from bcm_pipeline.catalogue import Table
from bcm_pipeline.lineage import catalogue_schema, trace
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.sources import candidates
from bcm_pipeline.sources.download import DownloadError, RawFile, fetch
from bcm_pipeline.sources.registry import Source, default_sources

OWNERS = ["team:bcm-data"]


def raw_key(source_id: str) -> dg.AssetKey:
    """raw/<publisher>/<dataset>, e.g. raw/gem/coal_plant_tracker for gem_coal_plant_tracker. The UI's graph
    shows a key's last part and cuts a long one in the middle: `raw_gem_coal_plant_tracker`,
    `raw_gem_oil_gas_plant_tracker` and `raw_gem_steel_plant_tracker` all read `raw…_plant_tracker` there."""
    publisher, _, dataset = source_id.partition("_")
    return dg.AssetKey(["raw", publisher, dataset] if dataset else ["raw", source_id])


def compared_key(source_id: str) -> dg.AssetKey:
    *prefix, last = raw_key(source_id).path
    return dg.AssetKey([*prefix, f"{last}_latest_two"])


def files_version(raws: list) -> str:
    """Data version of a set of raw files: the sha256 of the only file, else a sha256 over name:sha256."""
    if len(raws) == 1:
        return raws[0].sha256
    lines = sorted(f"{Path(r.path).name}:{r.sha256}" for r in raws)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _fetch_or_last_good(
    source: Source, bcm: BcmResource, context, stage: bool = True
) -> tuple[RawFile, str | None]:
    """(the file this run builds from, a note): a download, staged as a candidate when its bytes are new;
    or, when the source cannot be reached at all, the last good file, with a warning in the run."""
    try:
        return fetch(source, bcm.settings(), stage=stage, progress=context.log.info), None
    except DownloadError as exc:
        target = bcm.settings().source_dir(source.id) / source.filename
        last = candidates.last_good(target, source.url)
        if not exc.unreachable or last is None:
            # Only what may pass later (timeouts, resets, 5xx, 429) is worth the retry policy's tries. The
            # message already names source, URL, cause and what to do: the terminal shows it without the
            # library's traceback chain, which the UI keeps in the failure's metadata. An unreachable
            # source without a last good file fails here, at once (DNS failure, nothing listening).
            cause = "".join(traceback.format_exception(exc))
            raise dg.Failure(
                description=str(exc),
                allow_retries=exc.transient,
                metadata={"cause": dg.MetadataValue.md(f"```\n{cause}\n```")},
            ) from None
        # Cannot be reached at all, but a last good file is there: build from it, and say so.
        why = str(exc).splitlines()[0]
        context.log.warning(
            f"{source.id}: the source cannot be reached; going on with the last good file {target} "
            f"(sha256 {last.sha256[:12]}, retrieved {last.retrieved_at}). {why}"
        )
        return last, why


def raw_file_rows(
    source_id: str, version: str, fetched: list[tuple[RawFile, str | None]], settings
) -> list[dict]:
    """raw_files rows of a source: the files its tables are built from (current, candidate or the last
    good one of an unreachable source), then the refused downloads kept aside, with their reason."""
    rows = [
        {**raw.to_dict(), "version": version, "file_name": Path(raw.path).name, "note": note}
        for raw, note in fetched
    ]
    for raw, _ in fetched:
        target = settings.source_dir(source_id) / Path(raw.path).name
        for kept in candidates.refused(target):
            if kept.get("sha256") and kept["sha256"] != raw.sha256:
                rows.append(
                    {**kept, "version": version, "file_name": target.name, "note": kept.get("reason")}
                )
    return rows


def raw_asset(source: Source) -> dg.AssetsDefinition:
    """Download the files of the release the source uses in this run (the newest listed, or the pinned)."""

    @dg.asset(
        key=raw_key(source.id),
        group_name="raw",
        kinds={"file", source.format},
        owners=OWNERS,
        # A short title first: the UI's catalogue and search show it.
        description=(
            f"{source.title}\n\nPublished by {source.publisher} ({source.licence}). Downloads the files of the "
            f"newest release listed in sources.yaml and the user sources file (or the one pinned by "
            f"BCM_RELEASE_{source.id.upper()}) into data/raw/{source.id}/, from BCM_SOURCE_MIRROR when set. "
            f"Cite the release used (source_releases); the newest: {source.citation}"
        ),
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _raw(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        bcm.hold_writer_lock()  # before the download: one writer of data/raw too
        releases = bcm.releases()
        release = releases.used(source.id)
        fetched = [_fetch_or_last_good(f, bcm, context) for f in releases.files(source.id)]
        raws = [raw for raw, _ in fetched]
        rows = raw_file_rows(source.id, release.version, fetched, bcm.settings())
        with bcm.build_connection() as con:
            warehouse.record_raw_files(con, source.id, rows)
        pinned = " (pinned)" if releases.is_pinned(source.id) else ""
        for raw in raws:
            context.log.info(
                f"{source.id} release {release.version}{pinned}: {raw.status} {raw.bytes} bytes "
                f"sha256 {raw.sha256}"
                + (" (a candidate until its tables pass)" if raw.status == "candidate" else "")
            )
        first = raws[0]
        return dg.MaterializeResult(
            metadata={
                "release": release.version,
                "pinned": bool(pinned),
                "url": dg.MetadataValue.url(first.url),
                "fetched_url": first.fetched_url or "(placed by hand)",
                "path": dg.MetadataValue.path(first.path),
                "files": len(raws),
                "retrieved_at": first.retrieved_at,
                "bytes": sum(r.bytes for r in raws),
                "sha256": first.sha256,
                "etag": first.etag or "",
                "last_modified": first.last_modified or "",
                "status": ",".join(sorted({r.status for r in raws})),
            },
            data_version=dg.DataVersion(files_version(raws)),
        )

    return _raw


def compared_raw_asset(source_id: str) -> dg.AssetsDefinition:
    """The files of a tracker's two newest listed releases, for tracker_unit_releases (the used one among
    them is fetched by the raw asset as well: a conditional request, or the same bytes)."""

    @dg.asset(
        key=compared_key(source_id),
        group_name="raw",
        kinds={"file"},
        owners=OWNERS,
        deps=[raw_key(source_id)],  # the used release's file: fetched (and staged) by the raw asset
        description=(
            f"The files of the two newest releases of {source_id} listed in sources.yaml and the user sources "
            f"file, in data/raw/{source_id}/: what release_changes compares."
        ),
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _compared(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        bcm.hold_writer_lock()
        releases = bcm.releases()
        latest = releases.sources[source_id].latest_two()
        raws = []
        used = releases.used(source_id).version
        for release in latest:
            for f in releases.files(source_id, release):
                if release.version == used:  # the raw asset fetched it; a candidate may wait
                    raw = _on_disk(bcm.settings().source_dir(source_id) / f.filename, f.url)
                else:  # another release, read only for the comparison: not staged
                    raw, _ = _fetch_or_last_good(f, bcm, context, stage=False)
                context.log.info(f"{source_id} release {release.version}: {raw.status} sha256 {raw.sha256}")
                raws.append(raw)
        return dg.MaterializeResult(
            metadata={"releases": ", ".join(r.version for r in latest), "files": len(raws)},
            data_version=dg.DataVersion(files_version(raws)),
        )

    return _compared


def _on_disk(target: Path, url: str) -> RawFile:
    """The file of `target` this run reads (its candidate, else the current file), as a RawFile."""
    path = candidates.readable(target)
    if not path.exists():
        raise dg.Failure(
            description=f"{target} is missing: run {raw_key(target.parent.name).to_user_string()} first"
        )
    return candidates.on_disk(path, url=url)


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=col,
                type=str(column.dtype),
                description=column.description,
                constraints=dg.TableColumnConstraints(nullable=column.nullable, unique=column.unique),
            )
            for col, column in model.to_schema().columns.items()
        ]
    )


def schema_check_spec(t: Table) -> dg.AssetCheckSpec:
    """The blocking `schema` check of a table, run inside the step that writes it: a failure fails the
    step, so nothing downstream (and no publish) runs on a table that broke its model."""
    return dg.AssetCheckSpec(
        "schema",
        asset=t.name,
        blocking=True,
        description=f"The {t.name} table as stored has its model's columns, types and NOT NULLs, holds rows, "
        "and its rows satisfy the pandera model (types, ranges, keys).",
    )


def check_result(t: Table, check: Check) -> dg.AssetCheckResult:
    metadata: dict = {
        "rows": check.rows,
        "validated_by": check.validated_by,
        "problems": "; ".join(check.problems),
    }
    if len(check.failures):
        metadata["failures"] = len(check.failures)
        metadata["sample"] = dg.MetadataValue.md(check.failures.head(20).astype(str).to_markdown(index=False))
    return dg.AssetCheckResult(
        check_name="schema", asset_key=dg.AssetKey(t.name), passed=check.passed, metadata=metadata
    )


def _spec_kwargs(t: Table, description: str) -> dict:
    deps = [raw_key(t.source_id)] if t.kind == "source" else []
    if t.kind == "source" and t.releases == "latest_two":
        deps.append(compared_key(t.source_id))
    deps += [dg.AssetKey(d) for d in catalogue.reads(t)]
    return dict(
        group_name=t.layer,
        owners=OWNERS,
        deps=deps,
        description=description,
        metadata={"dagster/column_schema": column_schema(t.model), "dagster/table_name": t.name},
    )


def _metadata(built: Built, preview: pd.DataFrame) -> dict:
    metadata: dict = {
        "dagster/row_count": built.rows,
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
    }
    if built.build:
        metadata["build"] = built.build  # kept (inputs unchanged) or why it was built
    if built.table.kind in ("source", "authored"):
        q = built.quarantined
        reasons = (
            q.groupby(["column_name", "check_name"], dropna=False).size().rename("rows").reset_index()
            if len(q)
            else pd.DataFrame()
        )
        metadata |= {
            "quarantined_rows": len(q),
            "quarantine_reasons": dg.MetadataValue.md(reasons.to_markdown(index=False) if len(q) else "none"),
            "source_sha256": built.source_sha256 or "",
        }
        if built.cache_hit is not None:
            metadata["parse_cache"] = "hit" if built.cache_hit else "miss"
        if built.validated_hit is not None:  # a hit reads neither the parse cache nor the raw file
            metadata["validated_cache"] = "hit" if built.validated_hit else "miss"
        if built.release is not None:
            metadata["release"] = built.release
    return metadata


def _preview(con, t: Table) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {warehouse.qualified(t.model)} LIMIT 10").df()


def _read_table(context: dg.AssetExecutionContext, bcm: BcmResource, t: Table) -> dg.MaterializeResult:
    """Build one table parsed from a source file or read from a file authored in the package."""
    settings, releases = bcm.settings(), bcm.releases()
    # A new download is a candidate until its tables pass: one that fails here is kept aside.
    targets = (
        build.table_targets(t, settings, releases) if t.kind == "source" and t.releases == "used" else []
    )
    with bcm.build_connection() as con:
        if t.kind == "source":
            try:
                built = build.source_table(con, t, settings, releases, keep=not settings.rebuild)
            except Exception as exc:
                kept = candidates.refuse_all(targets, f"table {t.name}: {exc}")
                if not kept:
                    raise
                raise candidates.CandidateRefused(
                    f"{exc}\n{candidates.kept_aside_note(targets, kept)}"
                ) from exc
        else:
            built = build.authored_table(con, t, settings, keep=not settings.rebuild)
        preview = _preview(con, t)
    if not built.check.passed:
        kept = candidates.refuse_all(targets, f"table {t.name}: {'; '.join(built.check.problems)}")
        if kept:
            context.log.error(candidates.kept_aside_note(targets, kept))
    if len(built.quarantined):
        context.log.warning(f"{t.name}: {len(built.quarantined)} quarantine row(s)")
    return dg.MaterializeResult(
        asset_key=t.name, metadata=_metadata(built, preview), check_results=[check_result(t, built.check)]
    )


def table_asset(t: Table) -> dg.AssetsDefinition:
    """A table parsed from a source file or read from a file authored in the package: a step of its own."""

    @dg.asset(name=t.name, kinds={"duckdb", "pandas"}, check_specs=[schema_check_spec(t)],
              **_spec_kwargs(t, t.model.Config.description))  # fmt: skip
    def _table(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        bcm.hold_writer_lock()  # before the parse cache is written
        return _read_table(context, bcm, t)

    return _table


def tables_step(name: str, ts: list[Table], specs: list[dg.AssetSpec], build_one) -> dg.AssetsDefinition:
    """Tables built one after the other in one step (`build_one(context, bcm, t)` -> its materialization),
    as a step of its own costs Dagster more than most tables take to build or keep. Each stays its own
    asset with its own blocking `schema` check and metadata; a selection of some of them builds only
    those. A table that fails stops the step (its error says which table; the tables before it are
    materialized), and nothing downstream of the step runs."""

    @dg.multi_asset(name=name, specs=specs, check_specs=[schema_check_spec(t) for t in ts], can_subset=True)
    def _tables(context: dg.AssetExecutionContext, bcm: BcmResource):
        bcm.hold_writer_lock()  # before a cache or the build file is written
        for t in ts:
            if dg.AssetKey(t.name) not in context.selected_asset_keys:
                continue
            try:
                yield build_one(context, bcm, t)
            except Exception as exc:
                exc.add_note(f"(table {t.name}, in step {name})")
                raise

    return _tables


def read_tables_asset(name: str, ts: list[Table]) -> dg.AssetsDefinition:
    """Tables read in the same way (every authored table; the tables of one source file): one step."""
    specs = [
        dg.AssetSpec(t.name, kinds={"duckdb", "pandas"}, **_spec_kwargs(t, t.model.Config.description))
        for t in ts
    ]
    return tables_step(name, ts, specs, _read_table)


def python_asset(ts: list[Table]) -> dg.AssetsDefinition:
    """Tables that share one Python computation: one step; each stays its own asset with its own check."""
    compute = ts[0].compute
    specs = [
        dg.AssetSpec(
            t.name,
            kinds={"duckdb", "pandas"},
            **_spec_kwargs(
                t, f"{t.model.Config.description}\n\nPython: {compute.__module__}.{compute.__name__}"
            ),
        )
        for t in ts
    ]

    @dg.multi_asset(name=compute.__name__, specs=specs, check_specs=[schema_check_spec(t) for t in ts])
    def _tables(bcm: BcmResource):
        with bcm.build_connection() as con:
            for built in build.python_tables(con, ts, keep=not bcm.settings().rebuild):
                yield dg.MaterializeResult(
                    asset_key=built.table.name,
                    check_results=[check_result(built.table, built.check)],
                    metadata=_metadata(built, _preview(con, built.table)),
                )

    return _tables


def _mart(context: dg.AssetExecutionContext, bcm: BcmResource, t: Table) -> dg.MaterializeResult:
    """Build (or keep) one SQL mart: its materialization with its check, preview and column lineage."""
    with bcm.build_connection() as con:
        built = build.sql_table(con, t, keep=not bcm.settings().rebuild)
        preview = _preview(con, t)
    # Parsed from the SQL; cached per SQL text in the lineage cache.
    lineage, why = column_lineage(t.sql_text(), bcm.settings().lineage_cache_dir)
    metadata = {**_metadata(built, preview), "sql_file": f"bcm_pipeline/sql/{t.sql}"}
    if lineage:
        metadata["dagster/column_lineage"] = lineage
    else:
        metadata["column_lineage"] = f"not traced: {why}"  # visible, never silently missing
    return dg.MaterializeResult(
        asset_key=t.name, check_results=[check_result(t, built.check)], metadata=metadata
    )


def sql_asset(
    ts: Table | list[Table], name: str | None = None, freshness_policy: dg.FreshnessPolicy | None = None
) -> dg.AssetsDefinition:
    """SQL marts in one step, in build order (tables_step), each with its column lineage."""
    ts = [ts] if isinstance(ts, Table) else ts
    specs = [
        dg.AssetSpec(t.name, kinds={"duckdb", "sql"},
                     **_spec_kwargs(t, f"{t.model.Config.description}\n\nSQL: bcm_pipeline/sql/{t.sql}"))
        for t in ts
    ]  # fmt: skip
    _marts = tables_step(name or ts[0].name, ts, specs, _mart)
    if freshness_policy is not None:
        return _marts.map_asset_specs(lambda s: dg.apply_freshness_policy(s, freshness_policy))
    return _marts


def mart_stages(marts: list[Table]) -> list[list[Table]]:
    """The SQL marts in as few steps as the Python tables between them allow, each in build order: stage
    n holds the marts with n-1 Python computations upstream of them, so a Python step reads marts of
    earlier stages only and no two steps wait on each other."""
    depth: dict[str, int] = {}
    for name in catalogue.build_order(t.name for t in catalogue.TABLES):
        t = catalogue.table(name)
        depth[name] = max((depth[r] for r in catalogue.reads(t)), default=0) + (t.kind == "python")
    stages: dict[int, list[Table]] = {}
    for name in catalogue.build_order(t.name for t in marts):
        stages.setdefault(depth[name], []).append(catalogue.table(name))
    return [stages[d] for d in sorted(stages)]


def column_lineage(sql: str, cache_dir) -> tuple[dg.TableColumnLineage | None, str | None]:
    """Dagster's `dagster/column_lineage` for a SQL table (asset key = table name), or (None, why) when
    the SQL cannot be followed."""
    deps, why = trace(sql, catalogue_schema(), cache_dir)
    if not deps:
        return None, why or "no column found"
    return dg.TableColumnLineage(
        deps_by_column={
            col: [dg.TableColumnDep(asset_key=dg.AssetKey(t), column_name=c) for t, c in reads]
            for col, reads in deps.items()
        }
    ), None


def table_assets(freshness_policy: dg.FreshnessPolicy | None = None) -> list[dg.AssetsDefinition]:
    """Every catalogue table (bookkeeping tables are written by the raw assets and the tables' steps)."""
    assets = [raw_asset(s) for s in default_sources().values()]
    assets += [compared_raw_asset(s) for s in catalogue.compared_sources()]
    seen_compute = []
    authored = []
    marts = []
    by_file: dict[tuple, list[Table]] = {}  # source tables of the used release, by the raw file they read
    for t in catalogue.tables("source", "authored", "python", "sql"):
        if t.layer == "bookkeeping":
            continue
        if t.kind == "authored":
            authored.append(t)
        elif t.kind == "source" and t.releases == "used":
            by_file.setdefault((t.source_id, t.file), []).append(t)
        elif t.kind == "source":
            assets.append(table_asset(t))
        elif t.kind == "sql":
            marts.append(t)
        elif t.compute not in seen_compute:
            seen_compute.append(t.compute)
            assets.append(python_asset([s for s in catalogue.tables("python") if s.compute is t.compute]))
    for (source_id, role), ts in by_file.items():
        name = f"{source_id}_{role}_tables" if role and role != catalogue.ALL_FILES else f"{source_id}_tables"
        assets.append(read_tables_asset(name, ts) if len(ts) > 1 else table_asset(ts[0]))
    if authored:
        assets.append(read_tables_asset("authored_tables", authored))
    for n, stage in enumerate(mart_stages(marts), start=1):
        assets.append(sql_asset(stage, f"marts_stage_{n}", freshness_policy))
    return assets
