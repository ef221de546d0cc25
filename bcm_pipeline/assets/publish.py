"""The last step of a refresh: publish the checked build warehouse where analysts read it."""

from collections.abc import Collection, Sequence
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pandera.pandas as pa
import pydantic

from bcm_pipeline import guards, warehouse
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.base import may_be_empty, stored_failures, table_name
from bcm_pipeline.settings import PublishOptions
from bcm_pipeline.sources import candidates
from bcm_pipeline.sources.download import sha256_of
from bcm_pipeline.sources.registry import Releases

# The monthly rebuild publishes at least every ~31 days; a source change publishes sooner.
PUBLISH_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(days=35), warn_window=timedelta(days=32)
)


MAX_SHOWN = 8  # problems shown per group of refused tables

# Run config of published_warehouse: each PublishOptions field (settings.py), unset = the run's settings.
PublishConfig = pydantic.create_model(
    "PublishConfig",
    __base__=dg.Config,
    **{name: (f.annotation | None, None) for name, f in PublishOptions.model_fields.items()},
)


def publish_options(config: dg.Config, defaults: PublishOptions) -> PublishOptions:
    given = {k: v for k, v in config.model_dump().items() if v is not None}
    return defaults.model_copy(update=given)


class PublishGateError(RuntimeError):
    """The build is not fit to publish: a table is missing or no longer satisfies its model.

    `changed`: the sources whose new files the refused tables were built from (guards.trace): their
    candidates are refused, the last good files stay current."""

    def __init__(self, message: str, changed: Sequence[str] = ()):
        super().__init__(message)
        self.changed = tuple(changed)


def _refusal(
    problems: dict[str, list[str]],
    con: duckdb.DuckDBPyConnection,
    previous: Path | None,
    releases: Releases | None,
    what: str,
) -> PublishGateError:
    """One message for the tables refused, grouped by the source files they were traced to (what changed,
    from which file), with how to accept the change if it is real."""
    old = duckdb.connect(str(previous), read_only=True) if previous is not None else None
    try:
        name = guards.version_name(old, previous) if old is not None else "the last version"
        groups: dict[tuple[str, ...], tuple[guards.Cause, list[str]]] = {}
        for table, found in problems.items():
            cause = guards.trace(table, con, old, name)
            groups.setdefault(cause.changed or (f"unchanged:{cause.text}",), (cause, []))[1].extend(found)
        published = (
            {s: f[0].version for s, f in guards.files_in(old, _all(groups)).items() if f}
            if old is not None
            else {}
        )
    finally:
        if old is not None:
            old.close()
    lines = [f"not published: {what}"]
    for cause, found in groups.values():
        shown = found[:MAX_SHOWN] + ([f"and {len(found) - MAX_SHOWN} more"] if len(found) > MAX_SHOWN else [])
        lines.append(f"- {'; '.join(shown)}\n  because {cause.text}")
    changed = sorted({s for cause, _ in groups.values() for s in cause.changed})
    if releases is not None and changed:
        entries = [releases.sources[s] for s in changed if s in releases.sources]
        used = {s: releases.used(s).version for s in changed if s in releases.sources}
        lines.append(guards.sentence(guards.accept_hint(entries, used, published, gate=True)))
    else:
        lines.append(
            "If the change is real, publish with drift_guard: false (run config "
            f"ops.published_warehouse.config.drift_guard: false, or {guards.GUARD_SETTING})."
        )
    return PublishGateError("\n".join(lines), changed)


def _all(groups) -> list[str]:
    return sorted({s for cause, _ in groups.values() for s in cause.changed})


def gate(
    models: Sequence[type[pa.DataFrameModel]],
    expected: Sequence[str],
    config: PublishOptions,
    previous: Path | None,
    checked: Collection[str] = (),
    releases: Releases | None = None,
):
    """The check run on the very copy about to be published: every table present, valid and plausible.

    `checked`: tables whose blocking schema check (the same pandera model) passed earlier in this run. The
    copy holds those very tables (one writer at a time; nothing rewrites a table after its check), so
    they are only counted, not validated a second time; every other table is validated here.
    """
    require_all = config.require_all_tables

    def _validate(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
        present = set(warehouse.base_tables(con))
        missing = [t for t in expected if t not in present]
        if missing and require_all:
            raise PublishGateError(f"not published: the build lacks table(s) {missing}; run the full refresh")
        results = {}
        for model in models:
            name = table_name(model)
            if name not in present:
                continue
            if name in checked:
                rows = con.execute(f"SELECT count(*) FROM {warehouse.quote_ident(name)}").fetchone()[0]
                if not rows and not may_be_empty(model):
                    raise _refusal(
                        {name: [f"{name} is empty"]}, con, previous, releases, f"table {name} is empty"
                    )
                results[name] = True
                continue
            rows, cases = stored_failures(con, model)
            if len(cases):
                sample = cases[["column", "check", "failure_case"]].head(5).to_dict("records")
                what = f"table {name} fails its model, e.g. {sample}"
                raise _refusal({name: [what]}, con, previous, releases, what)
            if rows == 0 and not may_be_empty(model):
                raise _refusal(
                    {name: [f"{name} is empty"]}, con, previous, releases, f"table {name} is empty"
                )
            results[name] = True
        if config.drift_guard and previous is not None:
            with duckdb.connect(str(previous), read_only=True) as old:
                problems = warehouse.drift_by_table(old, con, config.max_drift_ratio, config.min_row_share)
            if problems:
                what = f"the build differs implausibly from {previous.name}:"
                raise _refusal(problems, con, previous, releases, what)
        return results

    return _validate


def promote_candidates(con: duckdb.DuckDBPyConnection, settings) -> list[Path]:
    """After a publish: every candidate the build's tables were read from becomes the current file."""
    if "raw_files" not in warehouse.base_tables(con):
        return []
    rows = con.execute(
        "SELECT source_id, file_name, sha256 FROM raw_files WHERE status = 'candidate'"
    ).fetchall()
    promoted = []
    for source_id, file_name, sha in rows:
        target = settings.source_dir(source_id) / file_name
        waiting = candidates.pending(target)
        if waiting is not None and sha256_of(waiting) == sha:
            promoted.append(candidates.promote(target))
    warehouse.mark_candidates_current(con)
    return promoted


def schema_checks_passed(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    """Tables whose `schema` asset check passed in the run `run_id`."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    passed = set()
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        if evaluation.check_name == "schema" and evaluation.passed:
            passed.add(evaluation.asset_key.path[-1])
    return passed


def publish_asset(
    upstream: list[dg.AssetKey], models: Sequence[type[pa.DataFrameModel]] = ()
) -> dg.AssetsDefinition:
    expected = [k.path[-1] for k in upstream]

    @dg.asset(
        name="published_warehouse",
        group_name="publish",
        kinds={"duckdb"},
        owners=["team:bcm-data"],
        deps=upstream,
        freshness_policy=PUBLISH_FRESHNESS,
        description=(
            "data/warehouse/bcm.duckdb: a validated copy of the build warehouse, renamed into place only "
            "after every upstream table and its blocking checks succeeded. Each publish is kept as "
            "data/warehouse/versions/bcm-<UTC time>-<hash>.duckdb (newest N) with a `manifest` table. "
            "A build whose content equals the published version's is not published again (metadata "
            "`unchanged`). Analysts open bcm.duckdb read-only."
        ),
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, config: PublishConfig, bcm: BcmResource
    ) -> dg.MaterializeResult:
        settings = bcm.settings()
        options = publish_options(config, settings.publish)
        with bcm.build_connection() as con:
            con.execute("CHECKPOINT")  # the copy must hold everything; no WAL beside it
            # Every table kept as stored (build_keys.py) and the bookkeeping unchanged: nothing to copy.
            same = warehouse.unchanged_version(con, settings.warehouse_path)
        if same is not None:
            # What a killed publish left is swept all the same (warehouse.publish does it otherwise).
            warehouse.remove_stale_publish_files(settings.warehouse_path)
            return _published_result(context, bcm, settings, same)
        checked = schema_checks_passed(context.instance, context.run_id)
        context.log.info(
            f"{len(checked)} table(s) passed their schema check in this run: not validated twice"
        )
        releases = bcm.releases()
        check = gate(
            models,
            expected,
            options,
            warehouse.latest_version(settings.warehouse_path),
            checked=checked,
            releases=releases,
        )

        def validate_and_promote(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
            results = check(con)
            warehouse.mark_candidates_current(con)  # the copy says what data/raw will hold
            return results

        try:
            published = warehouse.publish(
                settings.build_path,
                settings.warehouse_path,
                validate=validate_and_promote,
                keep=options.keep_versions,
            )
        except PublishGateError as exc:
            targets = [settings.source_dir(s) / f.filename for s in exc.changed for f in releases.files(s)]
            kept = candidates.refuse_all(targets, str(exc))
            raise PublishGateError(
                f"{exc}\n{candidates.kept_aside_note(targets, kept)}".strip(), exc.changed
            ) from None
        with bcm.build_connection() as con:
            warehouse.remember_fingerprints(con, published.tables)
        return _published_result(context, bcm, settings, published)

    return published_warehouse


def _published_result(context, bcm: BcmResource, settings, published: warehouse.PublishedVersion):
    """Promote the candidates the build read, say what was published, and its materialization."""
    with bcm.build_connection() as con:
        promoted = promote_candidates(con, settings)
    for path in promoted:
        context.log.info(f"promoted the new file {path}: its tables passed")
    if published.unchanged:
        context.log.info(
            f"not published again: the build has the content of the published version "
            f"{published.version} (same content hash); {published.path} kept as it is"
        )
    else:
        context.log.info(f"published {published.version} at {published.path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "version": published.version,
            "unchanged": published.unchanged,
            "tables": dg.MetadataValue.md(
                "\n".join(f"- {t}: {n} rows, md5 {h[:8]}" for t, (n, h) in published.tables.items())
            ),
        },
        data_version=dg.DataVersion(published.version.rsplit("-", 1)[-1]),
    )
