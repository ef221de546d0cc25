"""Build keys (bcm_pipeline/build_keys.py): a table is kept only while what it is made from is unchanged.

A small world: national_generation (a SQL mart) over owid_electricity_by_source and
national_generation_supplements, written through the one write path in a real DuckDB file. The inputs' keys
are recorded by hand, as their own steps record them in a refresh.
"""

from __future__ import annotations

import pandas as pd
import pytest

from bcm_pipeline import build, build_keys, catalogue, warehouse
from bcm_pipeline.schemas.base import table_name

pytestmark = pytest.mark.unit

OWID = pd.DataFrame(
    [("Bland", "BBB", False, 2023, "coal", 1.0), ("Bland", "BBB", False, 2023, "gas", 2.0)],
    columns=["entity", "country_iso3", "is_aggregate", "year", "source", "generation_twh"],
).assign(source_sha256="ab" * 32)
SUPPLEMENTS = pd.DataFrame(
    [("CCC", 2023, "gas", 3.504, "A ministry report", "Table 1", "p. 2", "false")],
    columns=[
        "country_iso3", "year", "source", "generation_twh", "source_document", "source_table",
        "source_page", "verified",
    ],
)  # fmt: skip
MART = catalogue.table("national_generation")


def _input(con, name: str, frame: pd.DataFrame, key: str) -> None:
    """Write an input table and record its key, as its step does."""
    t = catalogue.table(name)
    cols = list(t.model.to_schema().columns)
    warehouse.write_table(con, t.model, frame.reindex(columns=cols), comments=False)
    warehouse.record_key(con, name, key, "code", "{}")


@pytest.fixture
def con(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    _input(con, "owid_electricity_by_source", OWID, "owid-1")
    _input(con, "national_generation_supplements", SUPPLEMENTS, "supplements-1")
    yield con
    con.close()


def test_a_table_is_kept_while_its_inputs_keys_are_the_same(con):
    first = build.sql_table(con, MART, keep=True)
    assert first.build == "built: no build recorded for this table"
    assert first.rows == 3  # BBB coal, BBB gas (OWID), CCC gas (the supplement)
    again = build.sql_table(con, MART, keep=True)
    assert again.build == "kept: inputs and code unchanged" and again.rows == 3 and again.check.passed
    # The key is the mart's code and its inputs' keys, nothing else.
    stored = warehouse.stored_keys(con)[MART.name]
    assert stored[0] == build_keys.computed_key(con, [MART]).value
    assert '"owid_electricity_by_source": "owid-1"' in stored[2]


def test_a_changed_input_rebuilds_and_says_which(con):
    build.sql_table(con, MART, keep=True)
    more = pd.concat([OWID, OWID.head(1).assign(source="hydro", generation_twh=0.5)], ignore_index=True)
    _input(con, "owid_electricity_by_source", more, "owid-2")
    built = build.sql_table(con, MART, keep=True)
    assert built.build == "rebuilt: changed input(s) owid_electricity_by_source"
    assert built.rows == 4  # the hydro row reached the mart: it was rebuilt, not kept


def test_an_input_without_a_key_is_never_taken_as_unchanged(con):
    build.sql_table(con, MART, keep=True)
    # The input rewritten by the write path (e.g. by a test or a rerun) loses its key with its old rows.
    t = catalogue.table("owid_electricity_by_source")
    warehouse.write_table(con, t.model, OWID.reindex(columns=list(t.model.to_schema().columns)))
    assert "owid_electricity_by_source" not in warehouse.stored_keys(con)
    assert build_keys.computed_key(con, [MART]) is None
    assert build.sql_table(con, MART, keep=True).build == "built: an input table has no build key"


def test_a_write_outside_the_step_forgets_the_key_and_a_dropped_table_is_rebuilt(con):
    build.sql_table(con, MART, keep=True)
    con.execute(f"DROP TABLE {table_name(MART.model)}")
    assert build.sql_table(con, MART, keep=True).build == "rebuilt: the table was missing"
    warehouse.write_table(con, MART.model, f"SELECT * FROM {table_name(MART.model)} LIMIT 1")
    assert MART.name not in warehouse.stored_keys(con)  # a write of other rows took the key with it
    assert build.sql_table(con, MART, keep=True).rows == 3


def test_keep_false_rebuilds_and_still_records(con):
    build.sql_table(con, MART, keep=True)
    built = build.sql_table(con, MART, keep=False)
    assert built.build == "rebuilt: every table rebuilt (--rebuild)"
    assert build.sql_table(con, MART, keep=True).build.startswith("kept")


def test_sql_that_reads_the_clock_carries_the_date(con, monkeypatch):
    status = catalogue.table("agreement_status")  # in force = signed on or before current_date
    assert build_keys.READS_CLOCK.search(status.sql_text())
    assert not build_keys.READS_CLOCK.search(MART.sql_text())
    for name in catalogue.reads(status):
        warehouse.record_key(con, name, f"{name}-1", "code", "{}")
    today = build_keys.computed_key(con, [status])
    monkeypatch.setattr(build_keys, "today", lambda con: "2999-01-01")
    assert build_keys.computed_key(con, [status]).code != today.code  # another day, another key


def test_the_published_copy_leaves_the_keys_out(con, tmp_path):
    build.sql_table(con, MART, keep=True)
    con.execute("CHECKPOINT")
    con.close()
    published = warehouse.publish(tmp_path / "build.duckdb", tmp_path / "bcm.duckdb")
    import duckdb

    with duckdb.connect(str(published.path), read_only=True) as pub:
        schemas = {r[0] for r in pub.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
    assert warehouse.KEYS_SCHEMA not in schemas
