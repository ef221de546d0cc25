"""Column lineage is memoised per (SQL text, columns of the tables read), in process and on disk."""

import json
import subprocess
import sys

import pytest

from bcm_pipeline import lineage

pytestmark = pytest.mark.integration

SQL = """WITH u AS (SELECT unit_id, capacity_mw * 2 AS double_mw FROM units)
SELECT u.unit_id, u.double_mw, c.country_name FROM u JOIN countries AS c ON c.country_iso3 = 'VNM'"""
SCHEMA = {
    "units": {"unit_id": "VARCHAR", "capacity_mw": "DOUBLE"},
    "countries": {"country_iso3": "VARCHAR", "country_name": "VARCHAR"},
    "unrelated": {"x": "INTEGER"},
}
EXPECTED = {
    "unit_id": [("units", "unit_id")],
    "double_mw": [("units", "capacity_mw")],
    "country_name": [("countries", "country_name")],
}


def test_cached_lineage_equals_the_direct_one(tmp_path):
    lineage._MEMO.clear()
    assert lineage.try_column_lineage(SQL, SCHEMA, tmp_path) == EXPECTED
    assert lineage.column_lineage(SQL, SCHEMA) == EXPECTED
    [cached] = list(tmp_path.glob("lineage-*.json"))
    # Other tables and column types are not part of the key: the same answer, the same file.
    other = {"units": {"unit_id": "INTEGER", "capacity_mw": "FLOAT"}, "countries": SCHEMA["countries"]}
    assert lineage.try_column_lineage(SQL, other, tmp_path) == EXPECTED
    assert list(tmp_path.glob("lineage-*.json")) == [cached]
    # A new process reads the files, without parsing the SQL (shown by a file edited behind its back).
    cached.write_text(json.dumps({"deps": {"unit_id": [["units", "capacity_mw"]]}}))
    lineage._MEMO.clear()
    assert lineage.try_column_lineage(SQL, SCHEMA, tmp_path) == {"unit_id": [("units", "capacity_mw")]}


def test_changed_columns_or_sql_are_new_keys(tmp_path):
    lineage._MEMO.clear()
    star = "SELECT * FROM units"
    assert lineage.try_column_lineage(star, SCHEMA, tmp_path) == {
        "unit_id": [("units", "unit_id")],
        "capacity_mw": [("units", "capacity_mw")],
    }
    wider = {**SCHEMA, "units": {**SCHEMA["units"], "status": "VARCHAR"}}
    assert lineage.try_column_lineage(star, wider, tmp_path)["status"] == [("units", "status")]
    assert lineage.try_column_lineage("SELECT nonsense FROM (", SCHEMA, tmp_path) == {}
    assert len(list(tmp_path.glob("lineage-*.json"))) == 2  # the unparsable SQL has no lineage to follow


def test_heavy_modules_load_only_when_needed(tmp_path):
    """Loading the Dagster definitions imports no Excel, SQL-parsing or charting library, and a warm
    lineage cache answers without sqlglot."""
    lineage.try_column_lineage(SQL, SCHEMA, tmp_path)  # fills the cache
    code = (
        "import sys, bcm_pipeline.definitions\n"
        "from pathlib import Path\n"
        "from bcm_pipeline import lineage\n"
        f"assert lineage.try_column_lineage({SQL!r}, {SCHEMA!r}, Path({str(tmp_path)!r})) == {EXPECTED!r}\n"
        "print(sorted(m for m in ('openpyxl', 'sqlglot', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
