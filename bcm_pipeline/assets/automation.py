"""When refreshes run: a weekly source check, a monthly full rebuild, and a rebuild on source change.

The weekly check only downloads (conditional requests: an unchanged source costs one 304). Each raw asset
records data_version = the file's sha256; the sensor compares it with the version it saw last and asks for
a run of everything downstream of the sources whose bytes changed (tables, marts, publish). So a source
that merely answers again with the same file triggers nothing.
"""

import json
from collections.abc import Sequence

import dagster as dg

from bcm_pipeline.resources import REBUILD_TAG

DATA_VERSION_TAG = "dagster/data_version"
# Every run that writes the build warehouse carries this tag; dagster.yaml's run queue admits one at a time
# (DuckDB has a single writer), so a schedule firing during a sensor's rebuild waits instead of failing.
WAREHOUSE_WRITER_TAG = {"bcm/warehouse": "build"}


def schedules(refresh_job) -> list[dg.ScheduleDefinition]:
    return [
        dg.ScheduleDefinition(
            name="weekly_source_check",
            cron_schedule="0 4 * * 1",  # Mondays 04:00 UTC
            execution_timezone="UTC",
            target=dg.AssetSelection.groups("raw"),
            tags=WAREHOUSE_WRITER_TAG,
            description="Download every source if it changed (ETag / Last-Modified); the sensor rebuilds.",
            default_status=dg.DefaultScheduleStatus.RUNNING,
        ),
        dg.ScheduleDefinition(
            name="monthly_full_rebuild",
            cron_schedule="0 3 1 * *",  # the 1st of each month, 03:00 UTC
            execution_timezone="UTC",
            job=refresh_job,
            # Every table rebuilt, kept or not (build_keys.py): a monthly check that what the
            # incremental refreshes kept is what a full build makes (the publish then finds it unchanged).
            tags={REBUILD_TAG: "true"},
            description="Rebuild and publish every table, changed sources or not (run tag bcm/rebuild=true).",
            default_status=dg.DefaultScheduleStatus.RUNNING,
        ),
    ]


def latest_data_version(instance: dg.DagsterInstance, key: dg.AssetKey) -> str | None:
    event = instance.get_latest_materialization_event(key)
    if event is None or event.asset_materialization is None:
        return None
    return event.asset_materialization.tags.get(DATA_VERSION_TAG)


def changed_sources(seen: dict[str, str], current: dict[str, str | None]) -> list[str]:
    """Raw assets whose data version differs from the one seen last (first sight counts as no change)."""
    return sorted(k for k, v in current.items() if v is not None and k in seen and seen[k] != v)


def source_change_sensor(raw_keys: Sequence[dg.AssetKey], job_name: str = "refresh") -> dg.SensorDefinition:
    @dg.sensor(
        name="rebuild_on_source_change",
        job_name=job_name,
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Rebuild and publish downstream of a raw file only when its sha256 changed.",
    )
    def _sensor(context: dg.SensorEvaluationContext):
        seen = json.loads(context.cursor) if context.cursor else {}
        current = {k.to_user_string(): latest_data_version(context.instance, k) for k in raw_keys}
        changed = changed_sources(seen, current)
        context.update_cursor(json.dumps({**seen, **{k: v for k, v in current.items() if v}}))
        if not changed:
            return dg.SkipReason("no source file changed")
        selection = dg.AssetSelection.assets(*[dg.AssetKey.from_user_string(k) for k in changed])
        downstream = selection.downstream(include_self=False).resolve(context.repository_def.asset_graph)
        return dg.RunRequest(
            run_key=json.dumps({k: current[k] for k in changed}, sort_keys=True),
            asset_selection=sorted(downstream, key=lambda k: k.to_user_string()),
            tags={"bcm/changed_sources": ",".join(changed), **WAREHOUSE_WRITER_TAG},
        )

    return _sensor
