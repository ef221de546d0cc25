"""Fewer, cheaper Dagster steps (issue 17): the authored tables in one step that still builds only the
tables selected, a `done` line per table, the validated-frame cache, and the event log bcm refresh keeps
open, read back by Dagster's own storage class (what the UI uses)."""

from __future__ import annotations

import csv
import hashlib

import dagster as dg
import duckdb
import pandas as pd
import pytest

from bcm_pipeline.assets.automation import REBUILD_TAG
from bcm_pipeline.assets.instance import dagster_home, open_instance
from bcm_pipeline.assets.progress import ProgressHandler, progress_logger
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.parsers import cache, owid
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.owid import OwidCarbonIntensity
from bcm_pipeline.settings import PACKAGE_DIR, Settings
from tests.test_cache import owid_with_problems

pytestmark = pytest.mark.integration

SELECTED = ["gwp", "fuel_defaults"]  # two of the 18 tables of the authored_tables step


def _csv_rows(name: str) -> int:
    with open(PACKAGE_DIR / "reference" / f"{name}.csv", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def _run(data_dir, instance, rebuild=None):
    lines: list[str] = []
    handler = ProgressHandler(lines.append, lines.append)
    defs = build_defs(BcmResource.of(data_dir=data_dir, rebuild=rebuild))
    job = defs.resolve_job_def("refresh").with_logger_defs({"console": progress_logger(handler=handler)})
    result = job.execute_in_process(
        asset_selection=[dg.AssetKey(n) for n in SELECTED],
        run_config={"loggers": {"console": {}}},
        instance=instance,
    )
    return result, lines


def test_a_selection_of_the_authored_step_builds_only_it_with_a_line_per_table(tmp_path):
    data_dir = tmp_path / "data"
    settings = Settings.load(data_dir=data_dir)
    with open_instance(settings) as instance:
        assert type(instance.event_log_storage).__name__ == "KeptOpenSqliteEventLogStorage"
        first, lines1 = _run(data_dir, instance)
        second, lines2 = _run(data_dir, instance, rebuild=True)  # else kept as stored: the third run
        third, lines3 = _run(data_dir, instance)
    for result in (first, second, third):
        assert result.success
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert materialized == set(SELECTED)  # one step, but only the two selected tables
        steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
        assert steps == {"authored_tables"}
    # A line per table, none for the step that holds them.
    for lines in (lines1, lines2):
        done = [ln.split()[1] for ln in lines if ln.startswith("  done ")]
        assert done == ["fuel_defaults", "gwp"], lines  # catalogue order
    assert [ln.split()[:2] for ln in lines3] == [["kept", "fuel_defaults"], ["kept", "gwp"]], lines3
    # The first run validated and cached, the second read the validated frames back.
    for result, expect in ((first, "miss"), (second, "hit")):  # (the third read nothing)
        for e in result.get_asset_materialization_events():
            meta = e.materialization.metadata
            assert meta["validated_cache"].value == expect
    with duckdb.connect(str(settings.build_path), read_only=True) as con:
        for name in SELECTED:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == _csv_rows(name)

    # Dagster's own storage (the UI's) reads what the kept-open event log wrote: both runs, their
    # materializations, row counts and blocking checks.
    with dg.DagsterInstance.from_config(str(dagster_home(settings))) as stock:
        assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert {r.run_id for r in stock.get_runs()} == {first.run_id, second.run_id, third.run_id}
        latest = stock.get_latest_materialization_event(dg.AssetKey("gwp"))
        assert latest.run_id == third.run_id
        assert latest.asset_materialization.metadata["dagster/row_count"].value == _csv_rows("gwp")
        checks = stock.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("gwp"), "schema"), limit=5
        )
        assert len(checks) == 3 and all(c.status.value == "SUCCEEDED" for c in checks)


def test_a_run_tagged_bcm_rebuild_rebuilds_what_it_would_keep(tmp_path):
    """The monthly schedule's tag (and one a user adds to a launch in the UI): every table rebuilt."""
    schedule = next(s for s in build_defs().schedules if s.name == "monthly_full_rebuild")
    assert schedule.tags[REBUILD_TAG] == "true"
    data_dir = tmp_path / "data"
    assets = build_defs(BcmResource.of(data_dir=data_dir)).resolve_job_def("refresh")
    notes = []
    for tags in ({}, {}, {REBUILD_TAG: "true"}):
        result = assets.execute_in_process(asset_selection=[dg.AssetKey("gwp")], tags=tags)
        [event] = result.get_asset_materialization_events()
        notes.append(event.materialization.metadata["build"].value)
    assert notes == [
        "built: no build recorded for this table",
        "kept: inputs and code unchanged",
        "rebuilt: every table rebuilt (--rebuild)",
    ]


def test_a_dagster_yaml_naming_its_storage_keeps_it(tmp_path):
    settings = Settings.load(data_dir=tmp_path / "data")
    home = dagster_home(settings)
    (home / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home}\n")
    with open_instance(settings) as instance:
        assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"


def test_validated_frames_read_back_identical_quarantine_included(tmp_path):
    path = owid_with_problems(tmp_path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    df = owid.parse_owid(path)
    df["source_sha256"] = sha
    valid, quarantined = validate(OwidCarbonIntensity, df, "owid_carbon_intensity", sha)
    folder = tmp_path / "validated"
    assert cache.write_validated(folder, "owid_carbon_intensity", "k1", valid, quarantined)

    back = cache.read_validated(folder, "owid_carbon_intensity", "k1")
    assert back is not None
    pd.testing.assert_frame_equal(back[0], valid, check_exact=True)
    pd.testing.assert_frame_equal(back[1], quarantined, check_exact=True)
    # 40 rows, the two broken above quarantined: 38 valid, and the two reasons.
    assert len(back[0]) == 38
    assert sorted(back[1]["check_name"]) == ["known_code", "parseable_number"]
    # Another key (other bytes, parser, model or library) is a miss; a new pair replaces the old one.
    assert cache.read_validated(folder, "owid_carbon_intensity", "k2") is None
    assert cache.write_validated(folder, "owid_carbon_intensity", "k2", valid, quarantined)
    assert sorted(p.name for p in folder.glob("*.pickle")) == ["owid_carbon_intensity-k2.pickle"]
    # A file cut short is a miss (validated again), never an error.
    (folder / "owid_carbon_intensity-k2.pickle").write_bytes(b"\x80\x05cut")
    assert cache.read_validated(folder, "owid_carbon_intensity", "k2") is None
