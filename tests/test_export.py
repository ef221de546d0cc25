"""bcm export (bcm_pipeline/export.py): streamed csv / parquet (DuckDB COPY) and xlsx (xlsxwriter,
constant_memory) from a small hand-made published warehouse, read back independently (openpyxl, DuckDB)."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from bcm_pipeline.cli import main

pytestmark = pytest.mark.unit


@pytest.fixture
def data_dir(tmp_path):
    """A published warehouse with two tables and their data_dictionary rows."""
    path = tmp_path / "warehouse" / "bcm.duckdb"
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE credits (unit_id VARCHAR, start_year INTEGER, credited_t_per_yr DOUBLE, "
            "credit_price_usd_per_t DOUBLE, grid_ef_t_per_mwh DOUBLE, in_force BOOLEAN, built_at TIMESTAMPTZ)"
        )
        con.execute(
            "INSERT INTO credits VALUES "
            "('G1', 2014, 299078.4, 16.67, 0.92294, true, TIMESTAMPTZ '2026-01-02 03:04:05+09:00'), "
            "('G2', NULL, NULL, 5.0, NULL, false, NULL)"
        )
        con.execute("CREATE TABLE mac_curve AS SELECT range AS mac_rank FROM range(3)")
        con.execute(
            "CREATE TABLE data_dictionary AS SELECT * FROM (VALUES "
            "('credits', 1, 'unit_id'), ('mac_curve', 1, 'mac_rank'), ('other', 1, 'x')) "
            "AS t(object_name, column_position, column_name)"
        )
    return tmp_path


def test_xlsx_workbook(data_dir):
    result = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(data_dir),
            "export",
            "--format",
            "xlsx",
            "--table",
            "credits",
            "--table",
            "mac_curve",
        ],
    )
    assert result.exit_code == 0, result.output
    path = data_dir / "exports" / "bcm_export.xlsx"  # into the data directory by default
    # 2 tables + the data_dictionary sheet = 3 sheets; 2 + 3 data rows
    assert f"wrote {path} (3 sheets, 5 rows)" in result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["credits", "mac_curve", "data_dictionary"]
    ws = wb["credits"]
    assert ws.freeze_panes == "A2"  # the header row stays in view
    assert ws.auto_filter.ref == "A1:G3"  # 7 columns, header + 2 rows
    assert ws["A1"].font.bold
    assert [c.value for c in ws[2]][:6] == ["G1", 2014, 299078.4, 16.67, 0.92294, True]
    assert ws["B2"].number_format == "0"  # a year: 2014, not 2,014
    assert ws["C2"].number_format == "#,##0"  # tonnes per year: whole
    assert ws["D2"].number_format == "#,##0.00"  # USD per tonne: cents
    assert ws["E2"].number_format == "#,##0.0000"  # t/MWh: 4 decimals
    # 03:04:05 at UTC+9 is 18:04:05 UTC the day before (Excel has no time zones)
    assert ws["G2"].value == dt.datetime(2026, 1, 1, 18, 4, 5)
    assert [c.value for c in ws[3]][1:5] == [None, None, 5, None]  # nulls are empty cells, never "nan"
    dictionary = wb["data_dictionary"]
    assert [r[0].value for r in dictionary.iter_rows(min_row=2)] == ["credits", "mac_curve"]


def test_csv_and_parquet_are_copied_by_duckdb(data_dir, tmp_path):
    out = tmp_path / "out"
    for fmt in ("csv", "parquet"):
        result = CliRunner().invoke(
            main,
            ["--data-dir", str(data_dir), "export", "--format", fmt, "--table", "credits", "--out", str(out)],
        )
        assert result.exit_code == 0, result.output
        assert f"wrote {out / ('credits.' + fmt)} (2 rows)" in result.output
    with duckdb.connect() as con:
        for fmt in ("csv", "parquet"):
            rows = con.execute(
                f"SELECT unit_id, credited_t_per_yr FROM '{out}/credits.{fmt}' ORDER BY unit_id"
            ).fetchall()
            assert rows == [("G1", 299078.4), ("G2", None)]
    assert not list(out.glob(".tmp-*"))


def test_sheet_names_are_cut_to_31_and_unique():
    from bcm_pipeline.export import _sheet_names

    long = "a" * 40
    names = _sheet_names([long, long + "b", "short"])
    assert names == {long: "a" * 31, long + "b": "a" * 29 + "~2", "short": "short"}
