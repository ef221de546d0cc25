"""Analyst-facing assets: the stable `v_*` views, the `data_dictionary` table, and the country briefs.

Views and dictionary are written into the build warehouse before publish; the briefs read the published
warehouse (read-only), so they show exactly what an analyst would query. The briefs are not part of the
`refresh` job: the `briefs_after_publish` sensor starts the `briefs` job after each publish.
"""

import dagster as dg
import pandas as pd

from bcm_pipeline import build, build_keys, dictionary, warehouse
from bcm_pipeline.assets.tables import OWNERS, check_result, column_schema
from bcm_pipeline.resources import BcmResource

VIEWS_KEY = dg.AssetKey("analyst_views")
DICTIONARY_KEY = dg.AssetKey("data_dictionary")
BRIEFS_KEY = dg.AssetKey("country_briefs")
PUBLISH_KEY = dg.AssetKey("published_warehouse")


def views_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        name="analyst_views",
        group_name="reports",
        kinds={"duckdb", "sql"},
        owners=OWNERS,
        deps=upstream,
        description=(
            "The stable analyst views (sql/views/v_*.sql) over the marts and core tables, with COMMENT ON "
            "for every view and column. Their names and columns change only with a note in the README."
        ),
    )
    def analyst_views(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        specs = dictionary.view_specs()
        with bcm.build_connection() as con:
            created = dictionary.create_views(con, specs, bcm.settings().lineage_cache_dir)
            counts = {v: con.execute(f'SELECT count(*) FROM "{v}"').fetchone()[0] for v in created}
        skipped = sorted({s.name for s in specs} - set(created))
        if skipped:
            context.log.warning(f"views not created (a table they read is missing): {skipped}")
        table = pd.DataFrame({"view": list(counts), "rows": list(counts.values())})
        return dg.MaterializeResult(
            metadata={
                "views": dg.MetadataValue.md(table.to_markdown(index=False) if len(table) else "none"),
                "skipped": ", ".join(skipped) or "none",
            }
        )

    return analyst_views


@dg.asset(
    name="data_dictionary",
    group_name="reports",
    kinds={"duckdb", "pandas"},
    owners=OWNERS,
    deps=[VIEWS_KEY],
    description=dictionary.DataDictionary.Config.description
    + " The same rows as docs/data_dictionary.md (`bcm dictionary`).",
    metadata={
        "dagster/column_schema": column_schema(dictionary.DataDictionary),
        "dagster/table_name": "data_dictionary",
    },
    check_specs=[
        dg.AssetCheckSpec(
            "schema",
            asset="data_dictionary",
            blocking=True,
            description="The stored table "
            "has its model's columns and types, holds rows, and satisfies the model.",
        )
    ],  # fmt: skip
)
def data_dictionary(bcm: BcmResource) -> dg.MaterializeResult:
    t, keep = dictionary.DICTIONARY_TABLE, not bcm.settings().rebuild
    key = build_keys.code_key(t)  # the dictionary is made from the code alone
    with bcm.build_connection() as con:
        why = build_keys.why_build(con, [t.name], key, keep)
        if why is None:
            df = con.execute(f"SELECT * FROM {warehouse.qualified(t.model)}").df()
        else:
            df = dictionary.dictionary_frame(bcm.settings().lineage_cache_dir)
            warehouse.write_table(con, t.model, df)
        result = build.check(con, t, len(df))
        if why is not None and result.passed:
            build_keys.record(con, t.name, key)
        rows, check = result.rows, check_result(t, result)
    summary = df.groupby(["object_type", "layer"]).agg(
        objects=("object_name", "nunique"), columns=("column_name", "size")
    )
    return dg.MaterializeResult(
        check_results=[check],
        metadata={
            "dagster/row_count": rows,
            "preview": dg.MetadataValue.md(summary.reset_index().to_markdown(index=False)),
            "build": why or "kept: code unchanged",
        },
    )


@dg.asset(
    name="country_briefs",
    group_name="reports",
    kinds={"html", "csv"},
    owners=OWNERS,
    deps=[PUBLISH_KEY],
    description=(
        "One static HTML page per host country (countries.is_host_country), in data/briefs/<ISO3>/index.html, "
        "with each chart's and table's data as CSV beside it: headline figures with their definitions, fleet by "
        "technology and age, CO2 baseline and national reconciliation, MAC curve, top candidate units, credits "
        "and ITMOs under the agreements in force, grid factors compared, steel, release changes, assumptions "
        "and the sources' citations. Read from the published warehouse. One country: `bcm brief <ISO3>`."
    ),
)
def country_briefs(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
    import duckdb

    from bcm_pipeline.briefs import build_all
    from bcm_pipeline.sources.registry import load_sources

    settings = bcm.settings()
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        paths = build_all(con, settings.briefs_dir, load_sources(settings.sources_file))
    context.log.info(f"{len(paths)} country briefs in {settings.briefs_dir}")
    listing = "\n".join(f"- {p.parent.name}: {p}" for p in paths)
    return dg.MaterializeResult(
        metadata={
            "briefs": len(paths),
            "folder": dg.MetadataValue.path(str(settings.briefs_dir)),
            "index": dg.MetadataValue.md(listing or "none"),
        }
    )


def briefs_after_publish(briefs_job) -> dg.SensorDefinition:
    """Start the briefs job after each publish, unless the publishing run writes the briefs itself
    (a run that selected country_briefs, e.g. `--select '*'` or a source-change rebuild)."""

    @dg.asset_sensor(
        asset_key=PUBLISH_KEY,
        job=briefs_job,
        name="briefs_after_publish",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Write the country briefs from each newly published warehouse.",
    )
    def _sensor(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry):
        run = context.instance.get_run_by_id(asset_event.run_id) if asset_event.run_id else None
        if run is not None and BRIEFS_KEY in (run.asset_selection or set()):
            return dg.SkipReason(f"run {run.run_id} writes the briefs itself")
        return dg.RunRequest(run_key=f"briefs-after-{asset_event.run_id or asset_event.timestamp}")

    return _sensor
