"""The country briefs run in their own job, started after each publish; the refresh job leaves them out."""

import dagster as dg
import pytest

from bcm_pipeline.definitions import build_defs

pytestmark = pytest.mark.integration

BRIEFS = dg.AssetKey("country_briefs")
PUBLISHED = dg.AssetKey("published_warehouse")


def test_refresh_leaves_the_briefs_to_their_own_job():
    defs = build_defs()
    refresh = defs.resolve_job_def("refresh").asset_layer.executable_asset_keys
    assert PUBLISHED in refresh and BRIEFS not in refresh
    assert defs.resolve_job_def("briefs").asset_layer.executable_asset_keys == {BRIEFS}


def test_sensor_starts_the_briefs_after_each_publish():
    defs = build_defs()
    sensor = defs.resolve_sensor_def("briefs_after_publish")
    instance = dg.DagsterInstance.ephemeral()

    def tick(cursor):
        data = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        )
        return data.run_requests, data.cursor

    requests, cursor = tick(None)
    assert requests == []  # nothing published yet
    instance.report_runless_asset_event(dg.AssetMaterialization(PUBLISHED))
    requests, cursor = tick(cursor)
    assert len(requests) == 1 and sensor.job_name == "briefs"
    assert tick(cursor)[0] == []  # the same publish is not briefed twice
