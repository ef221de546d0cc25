"""The blocking `schema` check runs in the step that writes a table: a table that breaks its model fails
that step and nothing downstream runs; one open build database serves every step of a run."""

import dagster as dg
import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from bcm_pipeline import build, catalogue
from bcm_pipeline.assets.tables import sql_asset
from bcm_pipeline.catalogue import Table
from bcm_pipeline.resources import BcmResource

pytestmark = pytest.mark.integration


class PlantsMart(pa.DataFrameModel):
    unit_id: Series[str] = pa.Field(unique=True, description="Unit id")
    capacity_mw: Series[float] = pa.Field(gt=0, description="Capacity, MW")

    class Config:
        name = "plants_mart"
        description = "Test mart"
        metadata = {"key": ["unit_id"]}


@dg.asset(deps=["plants_mart"])
def downstream(bcm: BcmResource) -> dg.MaterializeResult:
    with bcm.build_connection() as con:
        total = con.execute("SELECT sum(capacity_mw) FROM plants_mart").fetchone()[0]
    return dg.MaterializeResult(metadata={"total_mw": float(total)})


def _run(tmp_path, monkeypatch, select_sql: str) -> dg.ExecuteInProcessResult:
    (tmp_path / "sql" / "marts").mkdir(parents=True)
    (tmp_path / "sql" / "marts" / "plants_mart.sql").write_text(select_sql)
    monkeypatch.setattr(catalogue, "SQL_DIR", tmp_path / "sql")
    return dg.materialize(
        [sql_asset(Table(PlantsMart, "marts", sql="marts/plants_mart.sql")), downstream],
        resources={"bcm": BcmResource.of(data_dir=str(tmp_path / "data"))},
        raise_on_error=False,
    )


def test_a_mart_that_breaks_its_model_stops_the_run_before_downstream(tmp_path, monkeypatch):
    result = _run(
        tmp_path, monkeypatch, "SELECT * FROM (VALUES ('a', 600.0), ('b', -5.0)) AS t(unit_id, capacity_mw)"
    )
    assert not result.success
    [evaluation] = result.get_asset_check_evaluations()
    assert (evaluation.check_name, evaluation.passed) == ("schema", False)
    assert evaluation.metadata["failures"].value == 1
    assert "greater_than(0)" in evaluation.metadata["sample"].value
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey("downstream") not in materialized
    failed = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert [e.step_key for e in failed] == ["plants_mart"]
    assert "blocking asset check failed" in str(failed[0].step_failure_data.error.message)


def test_a_valid_mart_passes_and_downstream_reads_it_in_the_same_run(tmp_path, monkeypatch):
    result = _run(
        tmp_path, monkeypatch, "SELECT * FROM (VALUES ('a', 600.0), ('b', 5.0)) AS t(unit_id, capacity_mw)"
    )
    assert result.success
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed and evaluation.metadata["rows"].value == 2
    [mat] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("downstream")]
    assert mat.materialization.metadata["total_mw"].value == 605.0
    # The run closed its build database: it opens read-only in this very process, with no WAL left.
    build = tmp_path / "data" / "warehouse" / "build" / "bcm.duckdb"
    assert not build.with_name("bcm.duckdb.wal").exists()
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM plants_mart").fetchone()[0] == 2


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    yield con
    con.close()


def test_check_of_a_written_table_compares_columns_types_and_rows(con):
    plants = Table(PlantsMart, "marts")
    con.register("good", pd.DataFrame({"unit_id": ["a", "b"], "capacity_mw": [600.0, 5.0]}))
    con.execute("CREATE TABLE plants_mart (unit_id VARCHAR NOT NULL, capacity_mw DOUBLE NOT NULL)")
    con.execute("INSERT INTO plants_mart SELECT * FROM good")
    assert build.check(con, plants, 2).passed
    assert not build.check(con, plants, 3).passed  # a row lost between validation and storage
    con.execute(
        "CREATE OR REPLACE TABLE plants_mart AS SELECT unit_id, CAST(capacity_mw AS VARCHAR) AS capacity_mw FROM good"
    )
    wrong_type = build.check(con, plants, 2)
    assert not wrong_type.passed and "capacity_mw" in "; ".join(wrong_type.problems)
    con.execute("CREATE OR REPLACE TABLE plants_mart AS SELECT capacity_mw, unit_id FROM good")
    assert not build.check(con, plants, 2).passed  # columns out of order
    # A type that converts silently on read (DECIMAL for DOUBLE) is still a stored-contract failure.
    con.execute(
        "CREATE OR REPLACE TABLE plants_mart AS SELECT unit_id, CAST(capacity_mw AS DECIMAL(6, 1)) AS capacity_mw "
        "FROM good"
    )
    assert not build.check(con, plants).passed


def test_outside_a_run_each_connection_opens_and_closes_the_file(tmp_path):
    bcm = BcmResource.of(data_dir=str(tmp_path))
    with bcm.build_connection() as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    with duckdb.connect(str(bcm.settings().build_path), read_only=True) as ro:
        assert ro.execute("SELECT x FROM t").fetchone() == (1,)
