"""`bcm query` reads the published warehouse and nothing else (issue 19 point 4): every statement that would
touch a file, an extension or a setting is refused with one line on stderr and exit status 1, and writes
nothing; a SELECT and --csv / --parquet still work. Real `bcm` invocations (click's CliRunner) on a real
DuckDB file made here."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from bcm_pipeline.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def world(tmp_path):
    data = tmp_path / "data"
    (data / "warehouse").mkdir(parents=True)
    with duckdb.connect(str(data / "warehouse" / "bcm.duckdb")) as con:
        con.execute("CREATE TABLE coal_units (gem_unit_id VARCHAR, capacity_mw DOUBLE)")
        con.execute("INSERT INTO coal_units VALUES ('G1', 600), ('G2', 300), ('G3', 100)")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("a,b\n1,2\n")
    with duckdb.connect(str(outside / "other.duckdb")) as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS answer")
    return data, outside


def bcm(data, *args):
    return CliRunner().invoke(main, ["--data-dir", str(data), *args])


REFUSED = {
    "copy_to_csv": "COPY (SELECT 1) TO '{out}/x.csv'",
    "copy_table_to_parquet": "COPY coal_units TO '{out}/x.parquet' (FORMAT parquet)",
    "read_csv": "SELECT * FROM read_csv('{out}/secret.csv')",
    "csv_by_path": "SELECT * FROM '{out}/secret.csv'",
    "read_parquet": "SELECT * FROM read_parquet('{out}/x.parquet')",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "glob": "SELECT * FROM glob('{out}/*')",
    "attach": "ATTACH '{out}/other.duckdb' AS other",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set_external_access": "SET enable_external_access = true",
    "unlock_configuration": "SET lock_configuration = false",
    "pragma_external_access": "PRAGMA enable_external_access = true",
    "export_database": "EXPORT DATABASE '{out}/export'",
    "second_statement": "SELECT 1; COPY (SELECT 2) TO '{out}/y.csv'",
}


@pytest.mark.parametrize("name", REFUSED)
def test_statement_is_refused_and_writes_nothing(world, name):
    data, outside = world
    before = sorted(p.name for p in outside.iterdir())
    result = bcm(data, "query", REFUSED[name].format(out=outside))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()  # CliRunner mixes stderr into output
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: refused: bcm query reads the warehouse only (")
    assert sorted(p.name for p in outside.iterdir()) == before  # no file written (x.csv, export/ ...)


def test_select_still_works(world):
    data, _ = world
    result = bcm(data, "query", "SELECT sum(capacity_mw) AS total_mw FROM coal_units")
    assert result.exit_code == 0, result.output
    assert "1,000" in result.output  # 600 + 300 + 100 MW


def test_csv_and_parquet_outputs_are_written_by_the_command(world, tmp_path):
    data, _ = world
    csv, parquet = tmp_path / "out" / "units.csv", tmp_path / "out" / "units.parquet"
    sql = "SELECT gem_unit_id, capacity_mw FROM coal_units ORDER BY 1"
    result = bcm(data, "query", sql, "--csv", str(csv), "--parquet", str(parquet))
    assert result.exit_code == 0, result.output
    assert csv.read_text().splitlines() == ["gem_unit_id,capacity_mw", "G1,600.0", "G2,300.0", "G3,100.0"]
    assert pd.read_parquet(parquet)["capacity_mw"].tolist() == [600.0, 300.0, 100.0]


def test_other_errors_keep_their_own_message(world):
    data, _ = world
    result = bcm(data, "query", "SELECT * FROM no_such_table")
    assert result.exit_code == 1
    assert result.output.startswith("error: Catalog Error: Table with name no_such_table does not exist")
