"""CEA v15 parser, checked against the independent CSV exports of the same workbook (derived_cea_v15_*.csv).

Expected values are read from those CSVs with the csv module (not from our parser), or typed from the
workbook's Results sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile

import pytest

from bcm_pipeline.parsers import cea
from bcm_pipeline.parsers.common import PROBLEMS, SourceFormatError
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.cea import CeaIndiaPublishedMargins, CeaIndiaUnits
from tests.conftest import shared_file

pytestmark = pytest.mark.integration

SOURCE = "cea_india_co2_baseline"
FISCAL_YEARS = ["2014-15", "2015-16", "2016-17", "2017-18", "2018-19"]


def _num(text: str) -> float | None:
    return None if text in ("", "-") else float(text)


@pytest.fixture(scope="module")
def units():
    return cea.parse_cea_units(shared_file(SOURCE, "database_15.zip"))


@pytest.fixture(scope="module")
def wide_csv() -> list[dict]:
    with open(shared_file(SOURCE, "derived_cea_v15_data_sheet.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def results_csv() -> list[list[str]]:
    with open(shared_file(SOURCE, "derived_cea_v15_results_sheet.csv"), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _results_row(grid: list[list[str]], label: str) -> dict[str, float]:
    """{fiscal_year: value} of the Results export row whose label cell is `label`; the years are
    the fiscal-year cells of the nearest row above (or the label's own row) to the right of the label."""
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell.strip() != label.strip():
                continue
            header = next(h for h in reversed(grid[:r]) if any(x in FISCAL_YEARS for x in h[c + 1 : c + 8]))
            out = {}
            for i in range(c + 1, len(row)):
                if header[i] in FISCAL_YEARS or header[i] == "2013-14":
                    out[header[i]] = float(row[i])
                elif out:
                    break
            return out
    raise AssertionError(f"{label!r} not in the Results export")


def test_counts_and_key(units, wide_csv):
    fy = units[units["fiscal_year"] == "2018-19"]
    assert len(units) == len(wide_csv) * len(FISCAL_YEARS) == 2510 * 5
    assert fy["is_station_total"].sum() == 540 == len({r["S_NO"] for r in wide_csv})
    assert (~fy["is_station_total"]).sum() == 1970
    # The only repeated (S_NO, UNIT_NO) in v15: both JORETHANG LOOP units are numbered 1. The later row is
    # flagged for quarantine (5 fiscal years), as are MIHAN TPP's 2014-15 build-margin cells holding 2, 3, 4.
    flagged = units[units[PROBLEMS].map(len) > 0]
    checks = sorted({(c, k) for problems in flagged[PROBLEMS] for c, k, _ in problems})
    assert checks == [("in_build_margin", "flag_1_or_blank"), ("unit_no", "unique_key")]
    dup = flagged[flagged[PROBLEMS].map(lambda p: p[0][1] == "unique_key")]
    assert set(dup["station_name"]) == {"JORETHANG LOOP"} and len(dup) == 5
    mihan = flagged[flagged[PROBLEMS].map(lambda p: p[0][1] == "flag_1_or_blank")]
    assert sorted(mihan["unit_no"]) == [2, 3, 4] and set(mihan["fiscal_year"]) == {"2014-15"}


def test_values_match_the_csv_export(units, wide_csv):
    """Every number of every row and year equals the independent export (GWh x 1000 = MWh)."""
    expected = {}
    for row in wide_csv:
        for fy in FISCAL_YEARS:
            key = (int(row["S_NO"]), int(row["UNIT_NO"]), fy)
            if key in expected:
                continue  # the JORETHANG LOOP duplicate: compare the first row only
            gen = _num(row[f"{fy} Net Generation GWh"])
            expected[key] = (
                None if gen is None else gen * 1000,
                _num(row[f"{fy} Absolute Emissions t CO2"]),
                _num(row[f"{fy} Specific Emissions t CO2/MWh"]),
                float(row["CAPACITY MW AS ON 31/03/2019"]),
            )
    first = units.drop_duplicates(["s_no", "unit_no", "fiscal_year"])
    assert len(first) == len(expected)
    for r in first.itertuples():
        want = expected[(r.s_no, r.unit_no, r.fiscal_year)]
        got = (r.net_generation_mwh, r.co2_t, r.ef_t_per_mwh, r.capacity_mw)
        for g, w in zip(got, want, strict=True):
            assert (w is None and g != g) or g == pytest.approx(w, rel=1e-12), (
                r.s_no,
                r.unit_no,
                r.fiscal_year,
            )


def test_station_totals_equal_results_sheet_totals(units, results_csv):
    """The Results sheet's totals cover the station-total rows (UNIT_NO 0) only: unit rows repeat part of them."""
    net = _results_row(results_csv, "Net Generation Total (GWh)")
    co2 = _results_row(results_csv, "Absolute Emissions Total (tCO2)")
    stations = units[units["is_station_total"]].groupby("fiscal_year")
    for fy in FISCAL_YEARS:
        assert stations["net_generation_mwh"].sum()[fy] == pytest.approx(net[fy] * 1000, rel=1e-9)
        assert stations["co2_t"].sum()[fy] == pytest.approx(co2[fy], rel=1e-9)
    assert net["2018-19"] == pytest.approx(1_165_160.236, abs=1e-3)
    assert co2["2018-19"] == pytest.approx(960_898_915.409, abs=1e-3)
    everything = units[units["fiscal_year"] == "2018-19"]["net_generation_mwh"].sum()
    assert everything > net["2018-19"] * 1000 * 1.3  # summing unit rows too would double count


def test_margin_flags_reproduce_results_sheet(units, results_csv, wide_csv):
    """OM and BM generation sums over the flags equal Results; CDM-marked units are outside the BM."""
    om = _results_row(results_csv, "Net Generation in Operating Margin (GWh)")
    bm = _results_row(results_csv, "Net Generation in Build Margin (GWh)")
    for fy in FISCAL_YEARS:
        year = units[units["fiscal_year"] == fy]
        assert year.loc[year["in_operating_margin"], "net_generation_mwh"].sum() == pytest.approx(
            om[fy] * 1000
        )
        assert year.loc[year["in_build_margin"], "net_generation_mwh"].sum() == pytest.approx(bm[fy] * 1000)
    fy = units[units["fiscal_year"] == "2018-19"]
    year = fy[fy["in_operating_margin"]]
    assert year["co2_t"].sum() / year["net_generation_mwh"].sum() == pytest.approx(0.9648000700564351)
    cdm = fy[fy["cdm_project_ref"].notna()]
    marked = [
        r["2018-19 in Build Margin"] for r in wide_csv if r["2018-19 in Build Margin"].startswith("CDM")
    ]
    assert len(cdm) == len(marked) == 78 and sorted(cdm["cdm_project_ref"]) == sorted(marked)
    assert not cdm["in_build_margin"].any()


def test_quirks_are_normalised(units, wide_csv):
    fy = units[units["fiscal_year"] == "2018-19"]
    assert set(fy["plant_type"]) == {"THERMAL", "HYDRO", "NUCLEAR"}
    assert (fy["plant_type"] == "THERMAL").sum() == 1316  # 1,315 'THERMAL' + 1 'THERMAL '
    assert set(fy["sector"]) == {"CENTER", "STATE", "PRIVATE"}
    assert (fy["sector"] == "PRIVATE").sum() == 536 + 3  # 'PVT' + 'PRIVATE'
    assert (fy["fuel_1"] == "HYDRO").sum() == 1164 and fy["fuel_1"].notna().all()
    assert set(fy["fuel_2"].dropna()) == {"OIL", "NAPT", "DISL", "GAS", "OIL/COREX"}
    zero_coal = fy[(fy["fuel_1"] == "COAL") & ~fy["is_station_total"] & (fy["capacity_mw"] == 0)]
    assert len(zero_coal) == 116
    dates = fy.loc[~fy["is_station_total"], "commissioned_date"]
    assert all(type(d) is dt.date for d in dates)
    assert fy.loc[fy["is_station_total"], "commissioned_date"].isna().all()
    agartala_1 = fy[(fy["s_no"] == 1) & (fy["unit_no"] == 1)].iloc[0]
    assert agartala_1["commissioned_date"] == dt.date(1998, 2, 5)
    assert fy["in_operating_margin"].dtype == bool and fy["in_build_margin"].dtype == bool
    assert fy["in_operating_margin"].sum() == sum(r["2018-19 in Operating Margin"] == "1" for r in wide_csv)


def test_validation_keeps_everything_but_the_flagged_rows(units):
    valid, quarantined = validate(CeaIndiaUnits, units.assign(source_sha256="x" * 64), SOURCE, "x" * 64)
    assert len(quarantined) == 8 and len(valid) == 12_550 - 8
    assert not valid.duplicated(["s_no", "unit_no", "fiscal_year"]).any()
    assert set(quarantined["check_name"]) == {"unique_key", "flag_1_or_blank"}


def test_published_margins(results_csv):
    margins = cea.parse_cea_published_margins(shared_file(SOURCE, "database_15.zip"))
    valid, quarantined = validate(CeaIndiaPublishedMargins, margins.assign(source_sha256="x"), SOURCE, "x")
    assert len(quarantined) == 0 and len(valid) == 2 * 4 * 6  # imports x margins x FY2013-14..2018-19
    ef = valid.set_index(["fiscal_year", "margin", "imports"])["ef_t_per_mwh"]
    assert round(ef[("2018-19", "OM", "excluded")], 4) == 0.9648
    assert round(ef[("2018-19", "BM", "excluded")], 4) == 0.8811
    assert round(ef[("2018-19", "CM", "excluded")], 4) == 0.9229
    assert round(ef[("2018-19", "average", "excluded")], 4) == 0.8247
    # Every published value equals the Results export, both blocks.
    labels = {
        ("average", "excluded"): "Weighted Average Emission Rate ",
        ("OM", "excluded"): "Simple Operating Margin (1) ",
        ("BM", "excluded"): "Build Margin",
        ("CM", "excluded"): "Combined Margin (1) ",
        ("average", "included"): "Weighted Average Emission Rate (2)",
        ("OM", "included"): "Simple Operating Margin (1) (2)",
        ("BM", "included"): "Build Margin (not adjusted for imports)",
        ("CM", "included"): "Combined Margin (1) (2)",
    }
    for (margin, imports), label in labels.items():
        published = _results_row(results_csv, label)
        assert len(published) == 6
        for fy, value in published.items():
            assert ef[(fy, margin, imports)] == pytest.approx(value, rel=1e-12), (fy, margin, imports)


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("name", ["../evil.xlsm", "/abs/evil.xlsm", "a/../../evil.xlsm", "C:/evil.xlsm"])
def test_zip_slip_names_are_refused(tmp_path, name):
    path = _zip(tmp_path / "database_15.zip", {name: b"x"})
    with pytest.raises(SourceFormatError, match="unsafe member name"):
        cea.read_workbook_bytes(path)


def test_zip_bomb_is_refused(tmp_path):
    # 20 MB of zeros deflates ~1000:1, far beyond the 100:1 limit.
    path = _zip(tmp_path / "database_15.zip", {"database_15 (1).xlsm": bytes(20_000_000)})
    with pytest.raises(SourceFormatError, match="zip bomb"):
        cea.read_workbook_bytes(path)
    with pytest.raises(SourceFormatError, match="limit"):
        cea.read_workbook_bytes(path, max_member_bytes=1_000_000)


def test_zip_without_workbook_is_a_clear_error(tmp_path):
    path = _zip(tmp_path / "database_15.zip", {"readme.txt": b"no workbook here"})
    with pytest.raises(SourceFormatError, match="exactly one workbook"):
        cea.read_workbook_bytes(path)
