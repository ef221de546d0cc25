"""Numbers in the CLI (bcm_pipeline/formatting.py): decimals by unit suffix, separators, empty nulls.

Every expected string is written out by hand from the rule: _t_per_yr and _usd whole, _usd_per_t 2
decimals, _t_per_mwh 4, shares 3, no known suffix up to 3 with trailing zeros dropped."""

import numpy as np
import pandas as pd
import pytest

from bcm_pipeline.formatting import decimals_for, format_column, format_number, format_record, to_table

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("column", "decimals"),
    [
        ("reduction_creditable_t_per_yr", 0),
        ("incremental_capex_usd", 0),
        ("breakeven_credit_price_usd_per_t", 2),  # not _usd's 0: the longer suffix decides
        ("grid_ef_t_per_mwh", 4),
        ("net_generation_mwh_per_yr", 0),
        ("credit_share", 3),
        ("capacity_mw", 1),
        ("plant_name", None),
    ],
)
def test_decimals_by_suffix(column, decimals):
    assert decimals_for(column) == decimals


def test_values_by_hand():
    # 125,000,000 USD of capex: no 1.25e+08
    assert format_number(1.25e8, 0) == "125,000,000"
    # 1,442,186.4 t/yr rounds to a whole tonne with separators
    assert format_number(1442186.4, 0) == "1,442,186"
    # 0.92294 t/MWh at 4 decimals
    assert format_number(0.92294, 4) == "0.9229"
    # 7.950018 USD/t at 2 decimals
    assert format_number(7.950018, 2) == "7.95"
    # no suffix: up to 3 decimals, trailing zeros dropped; 0.08882743 -> 0.089, 30.0 -> 30
    assert format_number(0.08882743) == "0.089"
    assert format_number(30.0) == "30"
    # -0.0001 at 2 decimals is 0.00, not -0.00
    assert format_number(-0.0001, 2) == "0.00"
    assert format_number(-12.5, 2) == "-12.50"
    # integers keep every digit
    assert format_number(np.int64(1234567)) == "1,234,567"


@pytest.mark.parametrize("null", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_null_is_empty_never_nan(null):
    assert format_number(null, 2) == ""


def test_a_column_is_formatted_uniformly():
    # One column mixing a million and a few hundred thousand: both whole with separators (the old
    # output mixed 1.44219e+06 and 767,615).
    values = pd.Series([1442190.4, 767615.0, None])
    assert format_column("reduction_creditable_t_per_yr", values) == ["1,442,190", "767,615", ""]
    # An integer column stays whole whatever its suffix (capacity_mw would be 1 decimal as a float).
    assert format_column("capacity_mw", pd.Series([1000, 660], dtype="int64")) == ["1,000", "660"]
    assert format_column("capacity_mw", pd.Series([1000.0, 660.25])) == ["1,000.0", "660.2"]
    assert format_column("in_force", pd.Series([True, False])) == ["true", "false"]
    assert format_column("start_year", pd.Series([2014, None], dtype="Int64")) == ["2014", ""]
    assert format_column("start_year", pd.Series([2015.0, float("nan")])) == ["2015", ""]
    assert format_column("plant_name", pd.Series(["Mong Duong", None])) == ["Mong Duong", ""]


def test_table_and_record():
    df = pd.DataFrame({"plant_name": ["A", "B"], "mac_usd_per_t": [44.1537, None]})
    text = to_table(df)
    assert "44.15" in text and "nan" not in text
    assert text.splitlines()[1].endswith("-:|")  # numbers right-aligned
    record = format_record(
        pd.Series({"case_id": "x", "lifetime_yr": 30, "crf": 0.0888274, "npv_usd": -2.67674e7})
    )
    assert record == [("case_id", "x"), ("lifetime_yr", "30"), ("crf", "0.089"), ("npv_usd", "-26,767,400")]
