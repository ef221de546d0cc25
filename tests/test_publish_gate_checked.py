"""The publish gate does not validate twice what a schema check passed in the same run; the rest it does."""

import duckdb
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from bcm_pipeline.assets.publish import PublishGateError, gate
from bcm_pipeline.settings import PublishOptions

pytestmark = pytest.mark.unit


class Plants(pa.DataFrameModel):
    capacity_mw: Series[float] = pa.Field(gt=0, description="MW")

    class Config:
        name = "plants"


class Fuels(pa.DataFrameModel):
    ef_t_per_tj: Series[float] = pa.Field(gt=0, description="t/TJ")

    class Config:
        name = "fuels"


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("CREATE TABLE plants AS SELECT * FROM (VALUES (600.0), (-5.0)) AS t(capacity_mw)")  # invalid
    con.execute("CREATE TABLE fuels AS SELECT * FROM (VALUES (94.6)) AS t(ef_t_per_tj)")
    yield con
    con.close()


def validate(con, checked):
    config = PublishOptions(drift_guard=False)
    return gate([Plants, Fuels], ["plants", "fuels"], config, None, checked=checked)(con)


def test_tables_not_checked_in_this_run_are_validated(con):
    with pytest.raises(PublishGateError, match="table plants fails its model"):
        validate(con, checked={"fuels"})


def test_tables_checked_in_this_run_are_only_counted(con):
    assert validate(con, checked={"plants", "fuels"}) == {"plants": True, "fuels": True}
    con.execute("DELETE FROM fuels")
    with pytest.raises(PublishGateError, match="table fuels is empty"):
        validate(con, checked={"plants", "fuels"})
