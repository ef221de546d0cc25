"""All Dagster wiring in one place. `defs` is what `dagster dev` and workspace.yaml load.

The assets come from the table catalogue (bcm_pipeline/catalogue.py); their dependencies from the SQL
files. Importing this module builds nothing; building the definitions reads no data file and no environment
variable (only the packaged sources.yaml, for the list of sources): settings, release pins and the user
sources file are read when a run starts. Tests call build_defs() with a resource pointed at a temporary data
directory.
"""

from __future__ import annotations

import functools
import gc

import dagster as dg

from bcm_pipeline import catalogue
from bcm_pipeline.assets.automation import WAREHOUSE_WRITER_TAG, schedules, source_change_sensor
from bcm_pipeline.assets.progress import progress_logger
from bcm_pipeline.assets.publish import PUBLISH_FRESHNESS, publish_asset
from bcm_pipeline.assets.releases import source_releases_asset
from bcm_pipeline.assets.reports import (
    BRIEFS_KEY,
    DICTIONARY_KEY,
    briefs_after_publish,
    country_briefs,
    data_dictionary,
    views_asset,
)
from bcm_pipeline.assets.tables import compared_key, raw_key, table_assets
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.settings import GC_THRESHOLDS
from bcm_pipeline.sources.registry import default_sources


def raw_keys() -> list[dg.AssetKey]:
    """Every download asset: the sensor rebuilds downstream of the ones whose files changed."""
    return [raw_key(s) for s in default_sources()] + [compared_key(s) for s in catalogue.compared_sources()]


def build_assets() -> list[dg.AssetsDefinition]:
    """Every table asset carries its blocking `schema` check, run in the step that writes the table."""
    built = [t for t in catalogue.tables("source", "authored", "python", "sql")]
    built.append(catalogue.table("source_releases"))  # bookkeeping with its own asset, published
    tables = [dg.AssetKey(t.name) for t in built]
    assets = table_assets(PUBLISH_FRESHNESS)
    assets.append(source_releases_asset())  # every known release, the one used, rows parsed (issue 14)
    assets += [views_asset(tables), data_dictionary]  # analyst views and data dictionary
    models = [t.model for t in built] + [catalogue.table("data_dictionary").model]
    assets.append(publish_asset([*tables, DICTIONARY_KEY], models))
    assets.append(country_briefs)  # reads the published warehouse
    return assets


def build_defs(bcm: BcmResource | None = None) -> dg.Definitions:
    assets = build_assets()
    # The briefs only read the published file: their own job, started after each publish by a sensor.
    briefs = dg.AssetSelection.assets(BRIEFS_KEY)
    # Default run config: the terminal shows the `console` logger's lines (a line per step, plain
    # failures) instead of Dagster's DEBUG event log; the UI's event log keeps every event.
    quiet = {"loggers": {"console": {}}}
    refresh = dg.define_asset_job(
        "refresh", selection=dg.AssetSelection.all() - briefs, tags=WAREHOUSE_WRITER_TAG, config=quiet
    )
    briefs_job = dg.define_asset_job("briefs", selection=briefs, config=quiet)
    return dg.Definitions(
        assets=assets,
        jobs=[refresh, briefs_job],
        schedules=schedules(refresh),
        sensors=[
            source_change_sensor(raw_keys()),
            briefs_after_publish(briefs_job),
        ],
        resources={"bcm": bcm or BcmResource()},
        # DuckDB has one writer and the data are small: run every step in this process, in order.
        executor=dg.in_process_executor,
        # The terminal of `dagster asset materialize` / `job execute`: a line per step, plain failures.
        loggers={"console": progress_logger()},
    )


@dg.definitions
def defs() -> dg.Definitions:
    """What `dagster dev`, workspace.yaml and `dagster ... -m bcm_pipeline.definitions` load: built when
    loaded, not when the module is imported (`bcm refresh` builds its own with build_defs)."""
    return _loaded_defs()


@functools.cache
def _loaded_defs() -> dg.Definitions:
    # Built once per process: the Dagster CLI resolves these lazy definitions seven times in one
    # `dagster asset materialize` (0.2-1.0 s each, ~2.3 s of the 6 s no-change check), and building them
    # reads no file or environment variable, so every call would build the same.
    built = build_defs()
    freeze_loaded_objects()
    return built


def freeze_loaded_objects() -> None:
    """What is loaded by now (Dagster, pandas, pandera, the definitions) lives as long as the process.
    Freezing it keeps it out of the cyclic GC's passes: every full pass, and the one at interpreter exit,
    walked ~300 k such objects, about a second of a scheduled run (benchmarks/README.md). Cheap: no object
    is visited. And fewer GC passes over the run's young objects (settings.GC_THRESHOLDS)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
