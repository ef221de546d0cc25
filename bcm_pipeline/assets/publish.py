"""The last step of a refresh: publish the checked build warehouse where analysts read it."""

from collections.abc import Collection, Sequence
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pandera.pandas as pa
import pydantic

from bcm_pipeline import warehouse
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.base import may_be_empty, stored_failures, table_name
from bcm_pipeline.settings import PublishOptions

# The monthly rebuild publishes at least every ~31 days; a source change publishes sooner.
PUBLISH_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(days=35), warn_window=timedelta(days=32)
)


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
    """The build is not fit to publish: a table is missing or no longer satisfies its model."""


def gate(
    models: Sequence[type[pa.DataFrameModel]],
    expected: Sequence[str],
    config: PublishOptions,
    previous: Path | None,
    checked: Collection[str] = (),
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
                    raise PublishGateError(f"not published: table {name} is empty")
                results[name] = True
                continue
            rows, cases = stored_failures(con, model)
            if len(cases):
                sample = cases[["column", "check", "failure_case"]].head(5).to_dict("records")
                raise PublishGateError(f"not published: table {name} fails its model, e.g. {sample}")
            if rows == 0 and not may_be_empty(model):
                raise PublishGateError(f"not published: table {name} is empty")
            results[name] = True
        if config.drift_guard and previous is not None:
            with duckdb.connect(str(previous), read_only=True) as old:
                problems = warehouse.drift(old, con, config.max_drift_ratio, config.min_row_share)
            if problems:
                raise PublishGateError(
                    f"not published: the build differs implausibly from {previous.name}: {'; '.join(problems)}. "
                    "If the change is real, publish with drift_guard: false."
                )
        return results

    return _validate


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
        checked = schema_checks_passed(context.instance, context.run_id)
        context.log.info(
            f"{len(checked)} table(s) passed their schema check in this run: not validated twice"
        )
        published = warehouse.publish(
            settings.build_path,
            settings.warehouse_path,
            validate=gate(
                models,
                expected,
                options,
                warehouse.latest_version(settings.warehouse_path),
                checked=checked,
            ),
            keep=options.keep_versions,
        )
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

    return published_warehouse
