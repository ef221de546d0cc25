"""The SQL forms of the dataframe checks (schemas/base.py sql_check) give pandera's verdict on a stored table,
row by row.

Every dataframe check with a SQL form is run both ways on the same rows, stored in a real DuckDB table by
warehouse.write_table: by stored_failures (the SQL form, in its aggregate scan) and by pandera itself on
the rows read back into pandas (the pandas body: the specification). The frames are drawn from pools of edge
values (NULL, NaN, infinities, values one TOL apart, each category a check branches on); each check also has
a small hand-worked case whose failing rows are written down here.
"""

import datetime
import math
import random
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors
from pandera.typing import Series

from bcm_pipeline import catalogue, warehouse
from bcm_pipeline.schemas import base
from bcm_pipeline.schemas.base import sql_check, sql_cmp, sql_isna, storage_columns, stored_failures

pytestmark = pytest.mark.unit

TOL = 1e-6  # the models' float slack (schemas/marts.py, steel.py, article6.py)
NAN_MARK = -123456.789  # written, then turned into NaN (a NaN in a frame reaches DuckDB as NULL)
BASELINE = Path("/work/baseline_18a5a36.duckdb")

# The dataframe checks left in pandas: they compare rows with other rows (duplicates, overlaps, order).
PANDAS_ONLY = {
    ("technologies", "one_technology_per_code"),
    ("technologies", "one_meaning_per_technology"),
    ("unit_efficiency_classes", "bands_do_not_overlap"),
    ("unit_efficiency_classes", "monotonic_in_size"),
}


def _model(name: str) -> type[pa.DataFrameModel]:
    return catalogue.table(name).model


def _checks_with_sql() -> list[tuple[str, str]]:
    return [
        (t.name, check.name)
        for t in catalogue.TABLES
        for check in t.model.to_schema().checks
        if base._sql_form(t.model, check) is not None
    ]


def _check(model, name: str) -> tuple[int, pa.Check]:
    (found,) = [(n, c) for n, c in enumerate(model.to_schema().checks) if c.name == name]
    return found


def _columns_read(model, check) -> list[str]:
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c, _, _ in storage_columns(model)})
    return sorted(base._columns_read([check], empty))


FILLER = {"DOUBLE": 1.0, "BIGINT": 1, "BOOLEAN": False, "DATE": datetime.date(2020, 1, 1)}
STRINGS = {  # the categories the checks branch on, and near misses
    "sector": ["power_coal", "power_gas", "grid_renewable", "steel", "end_use", "xpower"],
    "swap_type": ["fuel_switch", "efficiency_upgrade", "grid_displacement", "end_use_efficiency"],
    "decision": ["build_instead", "retrofit", "replace"],
    "side": ["host", "partner", "Host"],
    "parameter": ["capex_usd_per_t", "capex", "lifetime_yr", "opex_capex"],
}
DOUBLES = [math.nan, math.inf, -math.inf, 0.0, -0.0, -1.0, 1.0, 1 + TOL, 1 - TOL, 1 + 2 * TOL, 2.0, 1e-3]


def _pool(column: str, dtype: str, nullable: bool) -> list:
    if dtype == "DOUBLE":
        values = DOUBLES
    elif dtype == "BIGINT":
        values = [1990, 2000, 2020]
    elif dtype == "BOOLEAN":
        values = [True, False]
    else:
        values = STRINGS.get(column, ["a", "b"])
    return values + [None] if nullable else values


def _frame(model, given: dict[str, list]) -> pd.DataFrame:
    """A frame of the model's columns: `given` columns as given (NaN allowed), the others a filler (a string:
    one per row, so that keys do not repeat)."""
    n = len(next(iter(given.values())))
    data = {}
    for column, dtype, _ in storage_columns(model):
        filler = [f"x{i}" for i in range(n)] if dtype == "VARCHAR" else [FILLER[dtype]] * n
        values = given.get(column, filler)
        if dtype == "DOUBLE":
            values = [NAN_MARK if isinstance(v, float) and math.isnan(v) else v for v in values]
        data[column] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def _store(model, frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.write_table(con, model, frame)
    table = base.quote_ident(base.table_name(model))
    for column, dtype, _ in storage_columns(model):
        if dtype == "DOUBLE":
            q = base.quote_ident(column)
            con.execute(f"UPDATE {table} SET {q} = 'NaN'::DOUBLE WHERE {q} = {NAN_MARK}")
    return con


def _by_sql(con, model, name: str) -> pd.DataFrame:
    _, cases = stored_failures(con, model)
    return cases[cases["schema_context"].eq("DataFrameSchema") & cases["check"].eq(name)]


def _by_pandera(con, model, name: str) -> pd.DataFrame:
    """pandera's own run of the check (its pandas body) on the stored rows read back whole."""
    number, check = _check(model, name)
    df = con.execute(f"SELECT * FROM {base.quote_ident(base.table_name(model))}").df()
    try:
        pa.DataFrameSchema(checks=[check], name=base.table_name(model)).validate(df, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        assert cases["index"].notna().all(), f"the pandas body raised: {cases['failure_case'].tolist()}"
        return cases.assign(check_number=number)
    return pd.DataFrame(columns=base.FAILURE_COLUMNS)


def _rows(cases: pd.DataFrame) -> set[int]:
    return {int(i) for i in cases["index"]}


def _values(cases: pd.DataFrame, columns: list[str]) -> set[tuple]:
    cases = cases[cases["column"].isin(columns)]
    return {
        (r.schema_context, r.column, r.check, int(r.check_number), str(r.failure_case), int(r.index))
        for r in cases.itertuples()
    }


def test_every_simple_dataframe_check_has_a_sql_form():
    every = {(t.name, c.name) for t in catalogue.TABLES for c in t.model.to_schema().checks}
    assert every - set(_checks_with_sql()) == PANDAS_ONLY
    for table in ["technology_swaps", "plant_baselines", "credits", "project_case_results"]:
        checks = _model(table).to_schema().checks
        assert checks and all(base._sql_form(_model(table), c) for c in checks), table


@pytest.mark.parametrize(("table", "name"), _checks_with_sql())
def test_sql_form_gives_pandas_verdict_row_by_row(table, name):
    model = _model(table)
    number, check = _check(model, name)
    read = _columns_read(model, check)
    types = {c: (dtype, nullable) for c, dtype, nullable in storage_columns(model)}
    draw = random.Random(f"{table}.{name}")
    n = 1000
    given = {c: [draw.choice(_pool(c, *types[c])) for _ in range(n)] for c in read}
    con = _store(model, _frame(model, given))
    sql, pandas = _by_sql(con, model, name), _by_pandera(con, model, name)
    assert 0 < len(_rows(pandas)) < n  # both verdicts occur
    assert _rows(sql) == _rows(pandas)
    # the same failure cases in the columns the check reads; pandera melts every column of a failing row,
    # the SQL path only those (or, for a row whose read values are all null, every column)
    assert _values(sql, read) == _values(pandas, read)
    assert _values(sql, list(types)) <= _values(pandas, list(types))
    assert set(sql["check_number"]) == {number}


N = math.nan
# table, check, {column: values}, the failing rows worked out by hand
HAND = [
    (
        "plant_baselines",
        "band_brackets_central",
        # low <= central + TOL and central <= high + TOL; NaN anywhere fails (DuckDB: x <= NaN is true)
        {
            "co2_t_per_yr_low": [1 + TOL, 1 + 2 * TOL, 0, 0, N, 0, 0],
            "co2_t_per_yr": [1, 1, 1 + TOL, 1 + 2 * TOL, 1, 1, N],
            "co2_t_per_yr_high": [2, 2, 1, 1, 2, N, 2],
        },
        {1, 3, 4, 5, 6},  # 0: low = 1 + TOL exactly; 2: central = high + TOL exactly
    ),
    (
        "technology_swaps",
        "upgrades_never_cost_nothing",
        {
            "is_upgrade": [False, True, True, True, True, True, True, True],
            "incremental_capex_usd": [-5, None, N, 0, 1, -1, -1, -1],
            "swap_type": ["efficiency_upgrade"] * 5 + ["fuel_switch", "fuel_switch", "efficiency_upgrade"],
            "decision": ["retrofit"] * 5 + ["build_instead", "retrofit", "build_instead"],
        },
        {3, 6, 7},  # 3: capex 0; 6: fuel switch but retrofitted; 7: built instead but not a fuel switch
    ),
    (
        "technology_swaps",
        "creditable_not_above_bau",
        # creditable <= max(bau, 0) + TOL unless bau is unknown
        {
            "reduction_bau_t_per_yr": [None, N, -3, -3, 10, 10, 10],
            "reduction_creditable_t_per_yr": [5, 5, 0, 2 * TOL, 10 + TOL, 11, N],
        },
        {3, 5, 6},  # 3: 2e-6 > 0 + 1e-6; 4: 10 + TOL exactly passes; 6: NaN creditable
    ),
    (
        "steel_swaps",
        "creditable_not_above_bau",
        {
            "reduction_bau_t_per_yr": [None, N, -3, -3, 10, 10, 10],
            "reduction_creditable_t_per_yr": [5, 5, 0, 2 * TOL, 10 + TOL, 11, N],
        },
        {3, 5, 6},
    ),
    (
        "technology_swaps",
        "reference_at_least_bau_efficiency",
        # power rows: reference >= bau - TOL; a null or NaN on either side fails (DuckDB: NaN >= NaN is true)
        {
            "sector": ["steel", "power_coal", "power_coal", "power_gas", "power_gas", "grid_renewable"]
            + ["power_oil", "power_coal"],
            "efficiency_reference_lhv": [None, 0.40, 0.39, None, 0.40, N, N, 0.40 - TOL],
            "efficiency_bau_lhv": [0.5, 0.40, 0.40, 0.40, N, 0.40, N, 0.40],
        },
        {2, 3, 4, 6},  # 7: reference = bau - TOL exactly passes
    ),
    (
        "technology_swaps",
        "plant_swaps_have_efficiency_ef_and_economics",
        {
            "sector": ["power_coal", "power_coal", "power_gas", "grid_renewable", "steel"],
            **{
                c: [0.5, 0.5, 0.5, None, None]
                for c in ["efficiency_bau_lhv", "efficiency_reference_lhv", "co2_ef_baseline_t_per_tj"]
                + ["discount_rate", "lifetime_yr"]
            },
            "crf": [0.1, None, 0.1, None, None],
            "capacity_mw": [100, 100, N, None, None],
        },
        {1, 2},  # 1: no CRF; 2: NaN capacity
    ),
    (
        "technology_swaps",
        "steel_and_end_use_rows_have_output_and_economics",
        {
            "sector": ["steel", "steel", "steel", "end_use", "end_use", "power_coal"],
            "discount_rate": [0.08, 0.08, 0.08, 0.08, 0.08, None],
            "lifetime_yr": [20, 20, 20, 20, 20, None],
            "crf": [0.1, 0.1, N, 0.1, 0.1, None],
            "production_t_per_yr": [1e6, None, 1e6, None, None, None],
            "net_generation_mwh_per_yr": [None, None, None, 5e3, None, None],
        },
        {1, 2, 4},  # 1: steel without output; 2: NaN CRF; 4: end use without output
    ),
    (
        "technology_swaps",
        "an_upgrade_never_costs_nothing",
        {
            "is_upgrade": [True, True, True, True, True, False],
            "incremental_capex_usd": [0, -1, 1e-9, None, N, -1],
        },
        {0, 1},  # unknown (null, NaN) capex is allowed; a non-upgrade may cost nothing
    ),
    (
        "credits",
        "split_adds_up",
        # |host + partner - credited| < 1e-3
        {
            "host_credits_t_per_yr": [3, 3, N, 3, math.inf],
            "partner_credits_t_per_yr": [7, 7, 7, 7, 0],
            "credited_t_per_yr": [10, 10.01, 10, 10.0005, math.inf],
        },
        {1, 2, 4},  # 1: 0.01 off; 3: 0.0005 off passes; 4: inf - inf is NaN
    ),
    (
        "project_case_results",
        "plant_cases_have_efficiencies_and_economics",
        {
            "swap_type": ["efficiency_upgrade", "efficiency_upgrade", "grid_displacement"]
            + ["end_use_efficiency", "fuel_switch"],
            **{
                c: [0.5, 0.5, None, None, 0.5]
                for c in ["efficiency_bau_lhv", "efficiency_reference_lhv", "capacity_mw", "discount_rate"]
                + ["crf"]
            },
            "efficiency_project_lhv": [0.5, None, None, None, 0.5],
            "lifetime_yr": [30, 30, None, None, N],
        },
        {1, 4},  # 1: no project efficiency; 4: NaN lifetime
    ),
    (
        "steel_baselines",
        "bands_bracket_central",
        # for each known central: low <= central + TOL and central <= high + TOL
        {
            "direct_co2_t_per_yr_low": [None, 1, 3, None, None, None, None],
            "direct_co2_t_per_yr": [None, 2, 2, 2, None, None, None],
            "direct_co2_t_per_yr_high": [None, 3, 3, 3, None, None, None],
            "indirect_co2_t_per_yr_low": [None, None, None, None, 4, None, None],
            "indirect_co2_t_per_yr": [None, None, None, None, 5, None, None],
            "indirect_co2_t_per_yr_high": [None, None, None, None, N, None, None],
            "total_co2_t_per_yr_low": [None, None, None, None, None, 5 + TOL, 9],
            "total_co2_t_per_yr": [None, None, None, None, None, 5, N],
            "total_co2_t_per_yr_high": [None, None, None, None, None, 6, 0],
        },
        {2, 3, 4},  # 2: low above; 3: no low; 4: NaN high; 5: low = 5 + TOL exactly; 6: NaN central
    ),
    (
        "steel_route_factors",
        "bands_bracket_central",
        # low <= central <= high where both sides of a comparison are known (no slack)
        {
            "direct_co2_ef_t_per_t_low": [1, 2.5, 1, 1, 1, 2],
            "direct_co2_ef_t_per_t": [2, 2, 2, 2, 2, 2],
            "direct_co2_ef_t_per_t_high": [3, 3, N, 3, 3, 2],
            "electricity_mwh_per_t_low": [None, None, None, 0.5, None, None],
            "electricity_mwh_per_t": [None, None, None, 0.4, 0.4, None],
            "electricity_mwh_per_t_high": [None, None, None, 1, 0.3, None],
        },
        {1, 3, 4},  # 2: NaN high is unknown, passes; 5: equal bounds pass
    ),
    (
        "steel_defaults",
        "band_brackets_value",
        {"value_low": [1, 3, None, N, None], "value": [2, 2, 2, N, 2], "value_high": [3, None, 1, N, None]},
        {1, 2},
    ),
    (
        "steel_swap_options",
        "band_brackets_value",
        {"value_low": [1, 3, None, N, None], "value": [2, 2, 2, N, 2], "value_high": [3, None, 1, N, None]},
        {1, 2},
    ),
    (
        "steel_swap_options",
        "capex_has_a_price_year",
        {
            "parameter": ["capex_usd_per_t", "capex_usd_per_t", "lifetime_yr", "opex_capex"],
            "price_year": [2020, None, None, None],
        },
        {1},  # 3: 'capex' inside, not at the start
    ),
    (
        "technology_catalogue",
        "efficiency_ordered",
        {
            "net_efficiency_lhv_low": [0.3, 0.45, None, 0.3],
            "net_efficiency_lhv": [0.4, 0.4, 0.4, None],
            "net_efficiency_lhv_high": [0.5, 0.5, 0.35, 0.1],
        },
        {1, 2},  # 3: no central, nothing to order
    ),
    (
        "unit_efficiency_classes",
        "efficiency_ordered",
        {
            "net_efficiency_lhv_low": [0.3, 0.45, None, N],
            "net_efficiency_lhv": [0.4, 0.4, 0.4, 0.4],
            "net_efficiency_lhv_high": [0.5, 0.5, 0.35, 0.1],
        },
        {1, 2, 3},
    ),
    (
        "technology_catalogue",
        "size_ordered",
        {"size_min_mw": [10, 20, None, 5, 5], "size_max_mw": [20, 10, 5, N, 5]},
        {1},
    ),
    (
        "unit_efficiency_classes",
        "bands_ordered",
        # size_min < size_max (unless no max) and start_year_min <= start_year_max (if both)
        {
            "size_min_mw": [0, 100, 100, 0, N],
            "size_max_mw": [100, 100, None, None, 100],
            "start_year_min": [1990, None, 2000, None, None],
            "start_year_max": [2000, None, 1990, 1990, None],
        },
        {1, 2, 4},  # 1: equal sizes; 2: years reversed; 4: NaN min against a max
    ),
    (
        "fuel_defaults",
        "bounds_ordered",
        {
            "ncv_tj_per_gg_lower": [None, 30, None],
            "ncv_tj_per_gg": [25, 25, 25],
            "ncv_tj_per_gg_upper": [None, None, None],
            "n2o_kg_per_tj_lower": [None, None, None],
            "n2o_kg_per_tj": [1.5, 1.5, 1.5],
            "n2o_kg_per_tj_upper": [None, None, 1.0],
        },
        {1, 2},  # the other bounds are the filler 1.0 around a central 1.0
    ),
    (
        "technologies",
        "tracker_columns_together",
        {
            "source_id": ["gem_gcpt", None, "gem_gcpt", "gem_gcpt"],
            "source_fuel_class": ["coal", None, None, "coal"],
            "source_code": ["subcritical", None, None, None],
        },
        {2, 3},
    ),
    (
        "agreement_status",
        "linked_deal_exists",
        {"article6_agreement_id": [None, "a6-1", "a6-1"], "deal_status": [None, None, "MoU"]},
        {1},
    ),
    (
        "itmo_ledger",
        "identity_holds",
        # |issued - (sop + omge + host + transferred)| <= 1e-6 x max(|issued|, 1)
        {
            "issued_t": [100, 100, 0.5, 0.5, 100],
            "sop_t": [2, 2, 0, 0, N],
            "omge_t": [5, 5, 0, 0, 5],
            "host_retained_t": [43, 43, 0, 0, 43],
            "transferred_t": [50, 49, 0.5000005, 0.500002, 50],
        },
        {1, 3, 4},  # 2: 5e-7 off passes (slack 1e-6 x 1); 3: 2e-6 off
    ),
    (
        "corresponding_adjustments",
        "sign_follows_side",
        # host: adjustment >= -TOL; any other side: adjustment <= TOL
        {
            "side": ["host", "host", "host", "partner", "partner", "host", "partner"],
            "adjustment_t": [5, -TOL, -1, -5, 1, N, N],
        },  # fmt: skip
        {2, 4, 5, 6},
    ),
]


@pytest.mark.parametrize(("table", "name", "given", "fails"), HAND, ids=[f"{t}.{n}" for t, n, *_ in HAND])
def test_hand_worked_case(table, name, given, fails):
    model = _model(table)
    con = _store(model, _frame(model, given))
    assert _rows(_by_sql(con, model, name)) == fails
    assert _rows(_by_pandera(con, model, name)) == fails


def test_every_check_with_a_sql_form_has_a_hand_worked_case():
    assert {(t, n) for t, n, *_ in HAND} == set(_checks_with_sql())


class Loose(pa.DataFrameModel):
    """Every column nullable: pandera lets a row pass whose every value is null (ignore_na)."""

    a: Series[float] = pa.Field(nullable=True, description="A, t")
    b: Series[float] = pa.Field(nullable=True, description="B, t")
    label: Series[str] = pa.Field(nullable=True, description="Label")

    @pa.dataframe_check
    @sql_check(sql_cmp("a", "<", "b"))
    def a_below_b(cls, df: pd.DataFrame) -> Series[bool]:
        return df["a"] < df["b"]

    @pa.dataframe_check
    def label_known(cls, df: pd.DataFrame) -> Series[bool]:  # no SQL form: pandera runs it
        return df["label"].notna() | df["a"].isna()

    @pa.dataframe_check(ignore_na=False)
    @sql_check(sql_isna("a") + " OR a >= 0")
    def a_not_negative(cls, df: pd.DataFrame) -> Series[bool]:
        return df["a"].isna() | (df["a"] >= 0)

    class Config:
        name = "loose"
        description = "Test table"
        metadata = {"key": []}


def test_all_null_rows_check_numbers_and_the_pandas_path():
    # rows: 0 all null (passes a_below_b by pandera's ignore_na; a_not_negative keeps nulls: passes by its
    # body); 1 all NaN/null, the same; 2: a 1 < b 2 but no label; 3: a -1 < b 0, labelled; 4: NaN a, b 1.
    frame = _frame(
        Loose, {"a": [None, N, 1, -1, N], "b": [None, N, 2, 0, 1], "label": [None, None, None, "x", "y"]}
    )
    con = _store(Loose, frame)
    _, cases = stored_failures(con, Loose)
    found = {(r.check, r.check_number, r.column, str(r.failure_case), r.index) for r in cases.itertuples()}
    assert found == {
        ("a_below_b", 0, "b", "1.0", 4),  # NaN < 1 is False; the NaN itself is not a failure case
        ("label_known", 1, "a", "1.0", 2),
        ("a_not_negative", 2, "a", "-1.0", 3),
    }
    try:
        Loose.to_schema().validate(con.execute("SELECT * FROM loose").df(), lazy=True)
    except SchemaErrors as err:
        oracle = {(r.check, r.check_number, r.column, str(r.failure_case), r.index)
                  for r in err.failure_cases.itertuples()}  # fmt: skip
    assert found <= oracle  # pandera also melts the failing rows' other columns
    assert {(c[0], c[4]) for c in oracle} == {(c[0], c[4]) for c in found}  # the same rows fail each check


@pytest.mark.skipif(not BASELINE.exists(), reason=f"no full build at {BASELINE}")
def test_the_real_build_passes_both_ways(monkeypatch):
    with duckdb.connect(str(BASELINE), read_only=True) as con:
        present = set(warehouse.base_tables(con))
        tables = [t for t in catalogue.TABLES if t.name in present]
        assert len(tables) > 50
        by_sql = {t.name: stored_failures(con, t.model) for t in tables}
        monkeypatch.setattr(base, "_sql_form", lambda model, check: None)  # every dataframe check in pandas
        by_pandas = {t.name: stored_failures(con, t.model) for t in tables}
    for t in tables:
        (rows, sql), (rows_pandas, pandas) = by_sql[t.name], by_pandas[t.name]
        assert rows == rows_pandas and sql.empty and pandas.empty, t.name
    assert by_sql["technology_swaps"][0] > 30_000  # 36,304 swaps in the build of 18a5a36
