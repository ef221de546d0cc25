"""The data dictionary: complete, described, up to date in docs/, and column lineage parsed from the SQL."""

from __future__ import annotations

import duckdb
import pytest

from bcm_pipeline.dictionary import (
    DOC_PATH,
    create_empty_table,
    create_views,
    dictionary_frame,
    table_models,
    to_markdown,
    view_specs,
)
from bcm_pipeline.lineage import column_lineage
from bcm_pipeline.schemas.base import table_name

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def df():
    return dictionary_frame()  # parses every mart's SQL: compute once


def test_committed_markdown_is_up_to_date(df):
    assert DOC_PATH.read_text() == to_markdown(df), (
        "docs/data_dictionary.md is stale: run `bcm dictionary` and commit it"
    )


def test_every_table_view_and_column_is_listed_and_described(df):
    objects = set(df["object_name"])
    for _, model, _ in table_models():
        listed = df.loc[df["object_name"] == table_name(model), "column_name"].tolist()
        assert listed == list(model.to_schema().columns), table_name(model)
    assert {v.name for v in view_specs()} <= objects, "a view failed to build over the models' empty tables"
    undocumented = df.loc[df["column_description"].str.strip() == "", ["object_name", "column_name"]]
    assert undocumented.empty, undocumented.to_string()


def test_view_columns_carry_lineage_and_provenance(df):
    df = df.set_index(["object_name", "column_name"])
    assert df.loc[("v_fleet", "source_file"), "reads_columns"] == "raw_files.path"
    # grid-displacement projects have no plant row: their capacity comes from the swap
    assert df.loc[("v_credits", "capacity_mw"), "reads_columns"] == (
        "plant_baselines.capacity_mw, technology_swaps.capacity_mw"
    )
    # credited = creditable reduction x (1 - haircut) x (1 - SOP - OMGE) (sql/marts/credits.sql)
    reads = set(df.loc[("credits", "credited_t_per_yr"), "reads_columns"].split(", "))
    assert {"technology_swaps.reduction_creditable_t_per_yr", "agreements.haircut", "agreements.sop_share",
            "agreements.omge_share"} <= reads  # fmt: skip


def view_columns(con) -> list[tuple]:
    return con.execute(
        "SELECT table_name, column_index, column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
        "WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal) ORDER BY ALL"
    ).fetchall()


def test_views_in_a_warehouse_carry_the_dictionary_descriptions(df):
    """dictionary_frame hands the tables' descriptions to the views without COMMENT ON; a warehouse whose
    tables carry them as comments (what analyst_views sees) gives its views the same descriptions, and
    creating the views again (they exist after a refresh) changes nothing."""
    views = df[df["object_type"] == "view"]
    expected = sorted(
        zip(views["object_name"], views["column_position"], views["column_name"], views["data_type"],
            views["column_description"], strict=True)
    )  # fmt: skip
    with duckdb.connect() as con:
        for _, model, _ in table_models():
            create_empty_table(con, model)
        assert sorted(create_views(con)) == sorted(v.name for v in view_specs())
        assert view_columns(con) == expected
        create_views(con)
        assert view_columns(con) == expected


def test_a_view_over_a_missing_table_is_skipped_cleanly():
    with duckdb.connect() as con:
        for _, model, _ in table_models():
            if table_name(model) != "credits":
                create_empty_table(con, model)
        created = create_views(con)
        assert "v_credits" not in created and "v_fleet" in created
        assert "v_credits" not in {r[0] for r in view_columns(con)}
        con.execute("BEGIN TRANSACTION")  # no transaction was left open by the failed view
        con.execute("COMMIT")


def test_column_lineage_follows_ctes_joins_and_stars():
    schema = {"units": {"id": "V", "mw": "D", "iso3": "V"}, "factors": {"iso3": "V", "ef": "D"}}
    sql = """
        WITH u AS (SELECT id, mw * 8760 AS mwh, iso3 FROM units)
        SELECT u.id, u.mwh * f.ef AS co2, 'x' AS tag, f.* EXCLUDE (iso3) FROM u JOIN factors AS f USING (iso3)
    """
    assert column_lineage(sql, schema) == {
        "id": [("units", "id")],
        "co2": [("factors", "ef"), ("units", "mw")],
        "tag": [],
        "ef": [("factors", "ef")],
    }
