"""Column lineage through `UNION ALL BY NAME` and stars (bcm_pipeline/lineage.py), and every mart traced
or marked "not traced" in the data dictionary (issue 18 item 7)."""

import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.dictionary import _reads_text
from bcm_pipeline.lineage import column_lineage, positional_unions, schema_of, trace

pytestmark = pytest.mark.unit

SCHEMA = {
    "coal": {"id": "VARCHAR", "mw": "DOUBLE", "coal_type": "VARCHAR"},
    "gas": {"gid": "VARCHAR", "mw": "DOUBLE"},
}


def test_by_name_union_follows_names_not_positions():
    # The branches list their columns in another order and the second lacks coal_type: by position,
    # `mw` of gas would land in `id`. By name: id <- coal.id, gas.gid; mw <- coal.mw, gas.mw;
    # coal_type <- coal.coal_type only (gas gives NULL).
    sql = """
        WITH units AS (
            SELECT id, mw, coal_type FROM coal
            UNION ALL BY NAME
            SELECT mw, gid AS id FROM gas
        )
        SELECT u.*, u.mw * 2 AS double_mw FROM units AS u
    """
    assert column_lineage(sql, SCHEMA) == {
        "id": [("coal", "id"), ("gas", "gid")],
        "mw": [("coal", "mw"), ("gas", "mw")],
        "coal_type": [("coal", "coal_type")],
        "double_mw": [("coal", "mw"), ("gas", "mw")],
    }


def test_sql_without_by_name_is_left_as_it_is():
    sql = "SELECT id FROM coal UNION ALL SELECT gid FROM gas"
    assert positional_unions(sql, SCHEMA) == sql


def test_every_mart_column_is_traced():
    # The two central marts failed before ("Cannot find column's source with index 16"): now every mart
    # has lineage for every column its model lists.
    models = [t.model for t in catalogue.TABLES]
    schema = schema_of(models)
    for t in catalogue.tables("sql"):
        deps, why = trace(t.sql_text(), schema)
        assert why is None, (t.name, why)
        missing = [c for c in t.model.to_schema().columns if c not in deps]
        assert not missing, (t.name, missing)
    deps, _ = trace(catalogue.table("plant_baselines").sql_text(), schema)
    assert ("coal_units", "capacity_mw") in deps["capacity_mw"]
    assert ("gas_oil_units", "capacity_mw") in deps["capacity_mw"]
    assert ("project_cases", "capacity_mw") in deps["capacity_mw"]


def test_dictionary_says_when_a_column_is_not_traced():
    assert _reads_text({}, "x", "SqlglotError: boom") == "not traced: SqlglotError: boom"
    assert _reads_text({"y": []}, "x", None).startswith("not traced:")
    assert _reads_text({"x": []}, "x", None) == "(no column: a constant or NULL)"
    assert _reads_text({"x": [("t", "a"), ("u", "b")]}, "x", None) == "t.a, u.b"
