"""calamine, the Excel reader, gives exactly the frames openpyxl, the former one, gave: every parser of an
Excel source on the real files, `_problems` lists and the Python types of object cells included."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.parsers import cea, common
from bcm_pipeline.sources.registry import SOURCES, resolve
from tests.conftest import shared_file

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:Unknown extension:UserWarning"),  # openpyxl on GEM's workbooks
]

EXCEL_TABLES = [
    spec
    for spec in catalogue.tables("source")
    if SOURCES[spec.source_id].format in ("xlsx", "zip") and spec.releases == "used"
]
# Every listed release of each (GCPT: July 2023 and July 2024, the latter read with its layout).
EXCEL_CASES = [
    (spec, release) for spec in EXCEL_TABLES for release in resolve().sources[spec.source_id].ordered()
]


def _with_engine(monkeypatch, engine, read, *args, **kwargs):
    monkeypatch.setattr(common, "EXCEL_ENGINE", engine)
    try:
        return read(*args, **kwargs)
    finally:
        monkeypatch.setattr(common, "EXCEL_ENGINE", "calamine")


def _assert_same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    # assert_frame_equal finds Timestamp == datetime and 1 == 1.0: compare the cells' types too.
    for column in old.select_dtypes(include="object").columns:
        new_types, old_types = new[column].map(type), old[column].map(type)
        differ = new_types != old_types
        assert not differ.any(), (
            f"{column}: types differ at rows {list(old.index[differ][:5])}: "
            f"{list(new_types[differ][:5])} vs {list(old_types[differ][:5])}"
        )


def test_every_excel_source_is_covered():
    # The six Excel-built tables of main; a new Excel source's tables join this test by registration.
    assert {spec.name for spec in EXCEL_TABLES} >= {
        "ifi_grid_factors",
        "coal_units",
        "gem_co2_parameters",
        "gas_oil_units",
        "cea_india_units",
        "cea_india_published_margins",
        "fuel_prices_monthly",
    }


@pytest.mark.parametrize("case", EXCEL_CASES, ids=lambda case: f"{case[0].name}@{case[1].version}")
def test_parser_output_is_identical(case, monkeypatch):
    spec, release = case
    path = shared_file(spec.source_id, release.file(spec.file).name)
    kwargs = (
        {"layout": release.layout(spec.source_id)}
        if "layout" in inspect.signature(spec.parse).parameters
        else {}
    )
    new = spec.parse(path, **kwargs)
    old = _with_engine(monkeypatch, "openpyxl", spec.parse, path, **kwargs)
    assert len(new) > 20  # a real table, not two empty frames
    _assert_same(new, old)


# The sheets read cell by cell (read_sheet_rows), compared before any parser logic.
ROW_SHEETS = [
    ("cea_india_co2_baseline", "Data"),
    ("cea_india_co2_baseline", "Results"),
    ("worldbank_pink_sheet", "Monthly Prices"),
]


@pytest.mark.parametrize(("source_id", "sheet"), ROW_SHEETS)
def test_sheet_rows_are_identical(source_id, sheet, monkeypatch):
    path = shared_file(source_id, SOURCES[source_id].filename)
    book = cea.read_workbook_bytes(path) if SOURCES[source_id].format == "zip" else path
    new = common.read_sheet_rows(book, sheet, source_id)
    old = _with_engine(monkeypatch, "openpyxl", common.read_sheet_rows, book, sheet, source_id)
    assert len(new) == len(old) > 30
    for number, (a, b) in enumerate(zip(new, old, strict=True), start=1):
        assert [type(v) for v in a] == [type(v) for v in b] and a == b, f"{sheet!r} row {number}: {a} vs {b}"


def test_second_gcpt_release_reads_identically(monkeypatch):
    # GCPT July 2024 (not parsed on main yet: its sheets are 'Units' and 'CO2 parameters').
    path = shared_file("gem_coal_plant_tracker", "Global-Coal-Plant-Tracker-July-2024 DATA TEAM COPY.xlsx")
    for sheet, kwargs in [
        ("Units", {"dtype": object}),
        ("CO2 parameters", {"header": None, "dtype": object}),
    ]:
        new = common.read_excel_sheet(path, sheet, "gem_coal_plant_tracker", **kwargs)
        old = _with_engine(
            monkeypatch, "openpyxl", common.read_excel_sheet, path, sheet, "gem_coal_plant_tracker", **kwargs
        )
        assert len(new) > 20
        _assert_same(new, old)
