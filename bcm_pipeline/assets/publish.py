"""The last step of a refresh: publish the checked build warehouse where analysts read it."""

import dagster as dg

from bcm_pipeline import warehouse
from bcm_pipeline.resources import BcmResource


def publish_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        name="published_warehouse",
        group_name="publish",
        kinds={"duckdb"},
        owners=["team:bcm-data"],
        deps=upstream,
        description=(
            "data/warehouse/bcm.duckdb: a copy of the build warehouse, renamed into place only after every "
            "upstream table and its blocking checks succeeded. Analysts open this file read-only."
        ),
    )
    def published_warehouse(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        settings = bcm.settings()
        with bcm.build_connection() as con:
            con.execute("CHECKPOINT")
            tables = con.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() ORDER BY table_name"
            ).fetchall()
        path = warehouse.publish(settings.build_path, settings.warehouse_path)
        context.log.info(f"published {path}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(path)),
                "tables": dg.MetadataValue.md("\n".join(f"- {t}: ~{n} rows" for t, n in tables)),
            }
        )

    return published_warehouse
