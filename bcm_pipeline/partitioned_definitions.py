"""Host-country partitions of the methodology marts, as a second code location.

A scenario rerun for one country (new prices, discount rate, agreement terms) rebuilds only that
country's rows of the country-partitioned marts (catalogue `country_column`) in the build warehouse;
`published_warehouse` in the main location then publishes it. It is a separate location because a
partitioned asset in bcm_pipeline.definitions would make the full refresh (`--select '*'`) demand a
--partition, and a job cannot mix partitioned and unpartitioned assets:

    dagster asset materialize -m bcm_pipeline.partitioned_definitions --select host_country_marts --partition VNM
    dagster asset materialize -m bcm_pipeline.definitions --select published_warehouse
    dagster asset materialize -m bcm_pipeline.partitioned_definitions --select marts_parquet

The partition keys are the host countries, computed by the host_countries SQL (the one definition) from
the authored countries reference and the shipped agreements; they are read when Dagster loads the location
(lazy @dg.definitions), not at import.
"""

import dagster as dg
import duckdb

from bcm_pipeline import build, catalogue, partitions
from bcm_pipeline.assets.progress import progress_logger
from bcm_pipeline.resources import BcmResource


def host_country_keys() -> list[str]:
    """host_countries.sql over the authored tables it reads, in an in-memory database."""
    with duckdb.connect(":memory:") as con:
        for name in catalogue.reads(catalogue.table("host_countries")):
            build.authored_table(con, catalogue.table(name), None)
        build.sql_table(con, catalogue.table("host_countries"))
        return partitions.host_countries(con)


def build_partitioned_defs(keys: list[str], bcm: BcmResource | None = None) -> dg.Definitions:
    by_country = dg.StaticPartitionsDefinition(keys)
    marts = catalogue.country_marts()

    @dg.asset(
        name="host_country_marts",
        group_name="by_country",
        kinds={"duckdb", "sql"},
        owners=["team:bcm-data"],
        partitions_def=by_country,
        deps=[dg.AssetKey(m) for m in marts],
        description=(
            f"One host country's rows of {', '.join(marts)}, rebuilt in the build warehouse by the same SQL "
            "files (bcm_pipeline/partitions.py). Publish afterwards with published_warehouse."
        ),
    )
    def host_country_marts(context: dg.AssetExecutionContext, bcm: BcmResource) -> dg.MaterializeResult:
        with bcm.build_connection() as con:
            counts = partitions.rerun_country(con, context.partition_key)
        return dg.MaterializeResult(metadata={f"{mart}_rows": n for mart, n in counts.items()})

    @dg.asset(
        name="marts_parquet",
        group_name="by_country",
        kinds={"parquet"},
        owners=["team:bcm-data"],
        deps=[dg.AssetKey("published_warehouse")],
        description=(
            "The country-partitioned marts of the published warehouse as Hive-partitioned Parquet, "
            "data/parquet/<mart>/country_iso3=<ISO3>/, for engines beyond one machine."
        ),
    )
    def marts_parquet(bcm: BcmResource) -> dg.MaterializeResult:
        settings = bcm.settings()
        written = partitions.export_partitioned_parquet(
            settings.warehouse_path, settings.data_dir / "parquet"
        )
        return dg.MaterializeResult(metadata={"folders": [str(p) for p in written]})

    return dg.Definitions(
        assets=[host_country_marts, marts_parquet],
        resources={"bcm": bcm or BcmResource()},
        executor=dg.in_process_executor,  # DuckDB has one writer
        loggers={"console": progress_logger()},  # a line per step on the terminal, plain failures
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_partitioned_defs(host_country_keys())
