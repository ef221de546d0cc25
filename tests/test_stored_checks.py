"""The stored-table check in SQL (schemas/base.py stored_failures) finds what pandera finds on the same rows read back into
pandas: the same failing values per column check, the same duplicate keys, the same failing rows of each
dataframe-level check. pandera on the frame is the oracle."""

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors
from pandera.typing import Series

from bcm_pipeline.schemas.base import create_table_sql, stored_failures

pytestmark = pytest.mark.unit


class Plants(pa.DataFrameModel):
    unit_id: Series[str] = pa.Field(
        unique=True, str_length={"min_value": 2, "max_value": 4}, description="Id"
    )
    kind: Series[str] = pa.Field(isin=["a", "b"], description="Kind")
    code: Series[str] = pa.Field(nullable=True, str_matches=r"\d{2}-", description="Code")
    year: Series[int] = pa.Field(ge=2000, le=2030, description="Year")
    share: Series[float] = pa.Field(gt=0, lt=1, nullable=True, description="Share, fraction")
    mw: Series[float] = pa.Field(ge=0, description="Capacity, MW")
    low_mw: Series[float] = pa.Field(nullable=True, description="Low capacity, MW")
    odd: Series[float] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 9}, description="Odd")

    class Config:
        name = "plants"
        description = "Test table"
        metadata = {"key": ["unit_id"]}
        unique = ["kind", "year"]
        coerce = True
        strict = "filter"

    @pa.check("odd")
    def not_three(cls, s: pd.Series) -> pd.Series:  # a custom column check: no SQL form, pandera runs it
        return s != 3.0

    @pa.dataframe_check
    def low_below_mw(cls, df: pd.DataFrame) -> pd.Series:
        return df["low_mw"].isna() | (df["low_mw"] <= df["mw"])

    @pa.dataframe_check
    def one_kind_per_year(cls, df: pd.DataFrame) -> pd.Series:
        return df.groupby("year")["kind"].transform("nunique") == 1


ROWS = pd.DataFrame(
    {
        "unit_id": ["ab", "abcde", "ab", "x", "cd", "ef", "gh"],
        "kind": ["a", "b", "c", "a", "a", "b", "b"],
        "code": ["12-x", "1-2", None, "99-", "ab", None, "00-"],
        "year": [2001, 1999, 2031, 2001, 2010, 2010, 2020],
        "share": [0.5, 0.0, 1.0, np.nan, None, 0.9, 0.2],
        "mw": [1.0, -1.0, 4.0, 5.0, 2.0, 3.0, 1.0],
        "low_mw": [0.5, 2.0, None, 1.0, 5.0, 1.0, 0.1],
        "odd": [3.0, 1.0, None, 3.0, 12.0, np.nan, -1.0],
    }
)


def _pandera(con, table="plants") -> pd.DataFrame:
    df = con.execute(f"SELECT * FROM {table}").df()
    try:
        Plants.to_schema().validate(df, lazy=True)
    except SchemaErrors as err:
        return err.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "failure_case", "index"])


def _column_cases(cases: pd.DataFrame) -> set:
    """(column, check, value, row) of the column checks and uniqueness: what both must report alike."""
    cases = cases[cases["schema_context"].eq("Column") | cases["check"].eq("multiple_fields_uniqueness")]
    return {(r.column, str(r.check), str(r.failure_case), int(r.index)) for r in cases.itertuples()}


def _rows_per_frame_check(cases: pd.DataFrame) -> dict:
    """{dataframe check: the rows it failed}: pandera melts every column of a failing row, the SQL path
    only those the check reads, so rows are what both must agree on."""
    cases = cases[
        cases["schema_context"].eq("DataFrameSchema") & ~cases["check"].eq("multiple_fields_uniqueness")
    ]
    return {check: set(group["index"].astype(int)) for check, group in cases.groupby("check")}


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(create_table_sql(Plants, "plants"))
    con.register("incoming", ROWS)
    con.execute("INSERT INTO plants BY NAME SELECT * FROM incoming")
    # NOT NULL lets a NaN through: pandera counts it as null (mw) and a check skips it (share).
    con.execute("UPDATE plants SET mw = 'nan'::DOUBLE, share = 'nan'::DOUBLE WHERE unit_id = 'cd'")
    yield con
    con.close()


def test_sql_check_finds_what_pandera_finds(con):
    rows, cases = stored_failures(con, Plants)
    oracle = _pandera(con)
    assert rows == 7
    assert _column_cases(cases) == _column_cases(oracle)
    assert _rows_per_frame_check(cases) == _rows_per_frame_check(oracle)
    # Worked out by hand from ROWS, so the oracle itself is pinned down:
    found = _column_cases(cases)
    assert ("unit_id", "field_uniqueness", "ab", 2) in found  # rows 0 and 2 share 'ab'
    assert ("unit_id", "str_length(2, 4)", "abcde", 1) in found
    assert ("kind", "isin(['a', 'b'])", "c", 2) in found
    assert ("code", "str_matches('\\d{2}-')", "ab", 4) in found  # '12-x' passes: matched at the start
    assert ("year", "greater_than_or_equal_to(2000)", "1999", 1) in found
    assert ("share", "greater_than(0)", "0.0", 1) in found and ("share", "less_than(1)", "1.0", 2) in found
    assert ("mw", "not_nullable", "nan", 4) in found  # the NaN written by UPDATE
    assert ("odd", "in_range(0, 9)", "12.0", 4) in found and ("odd", "in_range(0, 9)", "-1.0", 6) in found
    assert ("odd", "not_three", "3.0", 0) in found and ("odd", "not_three", "3.0", 3) in found
    assert ("year", "multiple_fields_uniqueness", "2001", 3) in found  # (a, 2001) at rows 0 and 3
    assert _rows_per_frame_check(cases) == {"low_below_mw": {1, 4}, "one_kind_per_year": {4, 5}}
    assert not any(c[0] == "share" and c[3] == 3 for c in found)  # NaN share (row 3) is skipped, nullable


def test_a_clean_table_has_no_failure(con):
    con.execute("DELETE FROM plants WHERE unit_id <> 'gh'")
    con.execute("UPDATE plants SET odd = 1.0")
    rows, cases = stored_failures(con, Plants)
    assert rows == 1 and cases.empty
    assert _pandera(con).empty


def test_a_table_not_written_from_the_ddl_is_validated_by_pandera_whole(con):
    # Types other than the model's DDL (year as VARCHAR): the SQL shortcut does not apply.
    con.execute("CREATE TABLE loose AS SELECT * REPLACE (CAST(year AS VARCHAR) AS year) FROM plants")
    rows, cases = stored_failures(con, Plants, "loose")
    assert rows == 7
    assert {"greater_than_or_equal_to(2000)", "field_uniqueness", "low_below_mw"} <= set(cases["check"])


def test_a_qualified_scratch_table(con):
    con.execute("ATTACH ':memory:' AS scratch")
    con.execute(create_table_sql(Plants, 'scratch.main."plants"'))
    con.execute("INSERT INTO scratch.main.\"plants\" SELECT * FROM plants WHERE unit_id IN ('gh', 'ef')")
    rows, cases = stored_failures(con, Plants, 'scratch.main."plants"')
    assert rows == 2
    # ef: odd is NaN, skipped; gh: odd -1.0 is outside [0, 9].
    assert list(zip(cases["check"], cases["failure_case"], strict=True)) == [("in_range(0, 9)", -1.0)]
