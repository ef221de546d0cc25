"""DuckDB has one writer: every run that writes the build warehouse is tagged, and the shipped dagster.yaml
queues such runs one at a time."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from bcm_pipeline.assets.automation import WAREHOUSE_WRITER_TAG
from bcm_pipeline.definitions import build_defs

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[1]


def test_writing_runs_are_tagged():
    defs = build_defs()
    assert defs.resolve_job_def("refresh").tags.items() >= WAREHOUSE_WRITER_TAG.items()
    weekly = defs.resolve_schedule_def("weekly_source_check")
    assert weekly.tags.items() >= WAREHOUSE_WRITER_TAG.items()


def test_shipped_instance_config_admits_one_writer(tmp_path, monkeypatch):
    shutil.copy(PROJECT / "bcm_pipeline" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    key = next(iter(WAREHOUSE_WRITER_TAG))
    assert {"key": key, "limit": 1} in limits
