"""OWID carbon intensity and World Bank Pink Sheet parsers. Expected values are read from the files here
(csv module, openpyxl cell lookups), independently of the parsers."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pandas as pd
import pytest

from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.parsers.owid import parse_owid
from bcm_pipeline.parsers.worldbank_pink_sheet import parse_pink_sheet
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.owid import OwidCarbonIntensity
from bcm_pipeline.schemas.worldbank_pink_sheet import FuelPricesMonthly
from tests.conftest import shared_file

pytestmark = pytest.mark.integration

OWID = ("owid_carbon_intensity", "carbon-intensity-electricity.csv")
PINK = ("worldbank_pink_sheet", "CMO-Historical-Data-Monthly.xlsx")


@pytest.fixture(scope="module")
def owid():
    df = parse_owid(shared_file(*OWID))
    valid, quarantined = validate(OwidCarbonIntensity, df.assign(source_sha256="x"), OWID[0], "x")
    assert len(quarantined) == 0
    return valid


@pytest.fixture(scope="module")
def owid_csv() -> list[dict]:
    with open(shared_file(*OWID), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _owid_value(rows: list[dict], entity: str, year: int) -> float:
    row = next(r for r in rows if r["Entity"] == entity and r["Year"] == str(year))
    return float(row["Carbon intensity of electricity - gCO2/kWh"]) / 1000


def test_owid_values(owid, owid_csv):
    assert len(owid) == len(owid_csv) == 5737
    ef = owid.set_index(["entity", "year"])["ef_t_per_mwh"]
    assert ef[("India", 2023)] == pytest.approx(_owid_value(owid_csv, "India", 2023), rel=1e-12)
    assert ef[("Vietnam", 2024)] == pytest.approx(_owid_value(owid_csv, "Vietnam", 2024), rel=1e-12)
    assert ef[("Vietnam", 2024)] == pytest.approx(0.47115857)  # 471.15857 gCO2/kWh in the file


def test_owid_codes_and_aggregates(owid, owid_csv):
    by_entity = owid.drop_duplicates("entity").set_index("entity")
    assert by_entity.loc["World", "country_iso3"] == "WLD" and by_entity.loc["World", "is_aggregate"]
    assert by_entity.loc["Kosovo", "country_iso3"] == "XKX" and not by_entity.loc["Kosovo", "is_aggregate"]
    assert by_entity.loc["India", "country_iso3"] == "IND" and not by_entity.loc["India", "is_aggregate"]
    asean = by_entity.loc["ASEAN (Ember)"]
    assert asean["is_aggregate"] and pd.isna(asean["country_iso3"])
    no_code = {r["Entity"] for r in owid_csv if r["Code"] == ""}
    assert set(owid.loc[owid["country_iso3"].isna(), "entity"]) == no_code
    assert set(owid.loc[owid["is_aggregate"], "entity"]) == no_code | {"World"}


@pytest.fixture(scope="module")
def prices():
    df = parse_pink_sheet(shared_file(*PINK))
    valid, quarantined = validate(FuelPricesMonthly, df.assign(source_sha256="x"), PINK[0], "x")
    assert len(quarantined) == 0
    return valid


@pytest.fixture(scope="module")
def sheet():
    """The Monthly Prices sheet as cells, and the column of a series code found by scanning for it."""
    wb = openpyxl.load_workbook(shared_file(*PINK), read_only=False, data_only=True)
    yield wb["Monthly Prices"]
    wb.close()


def _cell(ws, code: str, period: str):
    col = next(c.column for row in ws.iter_rows(max_row=10) for c in row if c.value == code)
    row = next(r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == period)
    return ws.cell(row=row, column=col).value


def test_coal_price_of_a_month(prices, sheet):
    p = prices.set_index(["series_code", "month"])
    expected = _cell(sheet, "COAL_AUS", "2024M06")
    assert isinstance(expected, (int, float))
    row = p.loc[("COAL_AUS", dt.date(2024, 6, 1))]
    assert row["price_usd"] == expected
    assert row["unit"] == "$/mt" and row["series_name"] == "Coal, Australian"
    # 6,000 kcal/kg x 4.1868 kJ/kcal = 25.1208 GJ/t
    assert row["price_usd_per_gj"] == pytest.approx(expected / (6000 * 4.1868 / 1000))
    lng = p.loc[("NGAS_JP", dt.date(2024, 6, 1))]
    assert lng["price_usd_per_gj"] == pytest.approx(_cell(sheet, "NGAS_JP", "2024M06") / 1.055056)
    brent = p.loc[("CRUDE_BRENT", dt.date(2024, 6, 1))]
    assert brent["price_usd_per_gj"] == pytest.approx(_cell(sheet, "CRUDE_BRENT", "2024M06") / 6.1178632)
    assert pd.isna(p.loc[("iNATGAS", dt.date(2024, 6, 1)), "price_usd_per_gj"])  # an index: no energy price
    assert (
        p.loc[("COAL_SAFRICA", dt.date(2024, 6, 1)), "series_name"] == "Coal, South African"
    )  # '**' dropped


def test_months_and_missing_markers(prices, sheet):
    months = sorted(set(prices["month"]))
    assert months[0] == dt.date(1960, 1, 1) and months[-1] == dt.date(2025, 11, 1)
    assert len(months) == (2025 - 1960) * 12 + 11 == 791
    # '…' cells have no row: 1960M01 has no Australian coal price, the series starts later.
    assert _cell(sheet, "COAL_AUS", "1960M01") == "\u2026"
    coal = prices[prices["series_code"] == "COAL_AUS"]
    assert dt.date(1960, 1, 1) not in set(coal["month"])
    col = next(c.column for row in sheet.iter_rows(max_row=10) for c in row if c.value == "COAL_AUS")
    numbers = [
        r[0].value
        for r in sheet.iter_rows(min_row=1, min_col=col, max_col=col)
        if isinstance(r[0].value, (int, float))
    ]
    assert len(coal) == len(numbers)
    assert not prices.duplicated(["series_code", "month"]).any()


def test_missing_series_code_is_a_clear_error(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Monthly Prices"
    for _ in range(4):
        ws.append(["title"])
    ws.append([None, "Coal, South African", "Natural gas, US", "Natural gas, Europe", "LNG, Japan", "Brent"])
    ws.append([None, "($/mt)", "($/mmbtu)", "($/mmbtu)", "($/mmbtu)", "($/bbl)"])
    ws.append([None, "COAL_SAFRICA", "NGAS_US", "NGAS_EUR", "NGAS_JP", "CRUDE_BRENT"])
    ws.append(["2025M01", 90, 3, 12, 12, 75])
    path = tmp_path / "CMO-Historical-Data-Monthly.xlsx"
    wb.save(path)
    with pytest.raises(SourceFormatError, match="COAL_AUS"):
        parse_pink_sheet(path)
