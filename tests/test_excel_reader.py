"""The Excel reader (parsers/common.py) on small workbooks made here: calamine's values come out as openpyxl
gave them, error cells keep their text, a missing sheet or an unreadable file is a SourceFormatError, and a
changed reader invalidates the parse cache."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from bcm_pipeline.parsers import cache, common, ifi
from bcm_pipeline.parsers.common import SourceFormatError, read_excel_sheet, read_sheet_rows

pytestmark = pytest.mark.unit

SHEET = "Dataset "  # IFI's sheet name, trailing space included


@pytest.fixture
def book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["Capacity\n(MW)", "Name", "Commissioned", "Flag"])  # a header with a line break (CEA)
    ws.append([135, "A", dt.date(1998, 2, 5), 1, "=A2+1"])  # a formula without a cached value
    ws.append([1.5, "", dt.datetime(2020, 1, 2, 3, 4, 5), None])
    ws.append([])
    ws.append([None, "z"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_rows_read_as_openpyxl_gave_them(book, engine):
    rows = read_sheet_rows(book, SHEET, "test_source", engine=engine)
    assert rows == [
        ("Capacity\n(MW)", "Name", "Commissioned", "Flag"),
        # 135 an int, not 135.0; the date a datetime at midnight; the formula's missing value dropped (None).
        (135, "A", dt.datetime(1998, 2, 5), 1),
        (1.5, None, dt.datetime(2020, 1, 2, 3, 4, 5)),  # empty text is None, like an empty cell
        (),
        (None, "z"),
    ]
    assert [type(v) for v in rows[1]] == [int, str, dt.datetime, int]


def test_rows_from_bytes_equal_rows_from_the_file(book):
    assert read_sheet_rows(book.read_bytes(), SHEET, "s") == read_sheet_rows(book, SHEET, "s")


def test_error_cells_keep_their_text(tmp_path):
    # calamine alone would read '#N/A' as an empty cell; the parsers must see it to report it.
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["A1"] = 7
    wb.active["B1"] = "#N/A"
    wb.active["B1"].data_type = "e"
    wb.save(tmp_path / "errors.xlsx")
    assert read_sheet_rows(tmp_path / "errors.xlsx", "S", "test_source") == [(7, "#N/A")]


def test_frame_dates_are_datetimes_not_timestamps(book):
    new = read_excel_sheet(book, SHEET, "test_source", dtype=object)
    old = read_excel_sheet(book, SHEET, "test_source", engine="openpyxl", dtype=object)
    assert list(new.columns) == list(old.columns) == ["Capacity\n(MW)", "Name", "Commissioned", "Flag"]
    assert [type(v) for v in new["Commissioned"][:2]] == [dt.datetime, dt.datetime]
    assert new["Commissioned"][0] == dt.datetime(1998, 2, 5)
    assert new["Capacity\n(MW)"].tolist()[:2] == [135, 1.5] and type(new["Capacity\n(MW)"][0]) is int
    assert new.astype(str).equals(old.astype(str))


@pytest.mark.parametrize("read", [read_sheet_rows, read_excel_sheet])
def test_missing_sheet_names_source_file_and_sheets(book, read):
    with pytest.raises(SourceFormatError) as err:
        read(book, "Dataset", "ifi_grid_factors")
    assert str(err.value).startswith(
        "ifi_grid_factors: sheet 'Dataset' not found in book.xlsx; sheets are ['Dataset ']"
    )


@pytest.mark.parametrize("read", [read_sheet_rows, read_excel_sheet])
def test_unreadable_workbook_is_a_source_format_error(tmp_path, read):
    path = tmp_path / "page.xlsx"
    path.write_text("<html><body>Please log in</body></html>")
    with pytest.raises(
        SourceFormatError, match=r"^worldbank_pink_sheet: page.xlsx is not a readable workbook"
    ):
        read(path, "Monthly Prices", "worldbank_pink_sheet")


def test_changed_excel_reader_invalidates_the_parse_cache(monkeypatch):
    calamine = cache.fingerprint_of(ifi.parse)
    monkeypatch.setattr(common, "EXCEL_ENGINE", "openpyxl")
    assert cache.fingerprint_of(ifi.parse) != calamine
    monkeypatch.setattr(common, "EXCEL_ENGINE", "calamine")
    assert cache.fingerprint_of(ifi.parse) == calamine
