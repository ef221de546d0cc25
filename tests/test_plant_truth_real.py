"""Issue 12 on the real data (a full build over the loopback mirror): a matched Indian unit end to end, a
calibrated country capacity factor and a duplicate pair worked by hand from the files, the issue's "done
when" figures, and a build with a CEA file whose fiscal years differ from v15's."""

from __future__ import annotations

import csv
import functools
import http.server
import io
import re
import shutil
import threading
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import SHARED_DATA, _QuietHandler, shared_file

pytestmark = pytest.mark.slow

H = 8760


@pytest.fixture(scope="module")
def wh(full_build):
    data_dir, _ = full_build
    con = duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def wh_gcpt_2023(full_build_gcpt_2023):
    """The figures below were worked out on GCPT July 2023 (the default release is now July 2024)."""
    con = duckdb.connect(str(full_build_gcpt_2023 / "warehouse" / "bcm.duckdb"), read_only=True)
    yield con
    con.close()


def _cea_row(s_no: int, unit_no: int = 0) -> dict:
    with open(shared_file("cea_india_co2_baseline", "derived_cea_v15_data_sheet.csv"), newline="") as f:
        return next(r for r in csv.DictReader(f) if r["S_NO"] == str(s_no) and r["UNIT_NO"] == str(unit_no))


def test_matched_indian_unit_end_to_end(wh):
    """Sasan UMPP (CEA S_NO 415, 3,960 MW, FY2018-19: 30,905 GWh net, 28,062,082 tCO2, 0.908 t/MWh) is GEM's
    six 660 MW 'Sasan Ultra Mega Power Project' units; each takes 660/3,960 of the station."""
    cea = _cea_row(415)
    assert cea["NAME"] == "SASAN UMPP"
    gen_mwh = float(cea["2018-19 Net Generation GWh"]) * 1000
    co2_t = float(cea["2018-19 Absolute Emissions t CO2"])
    ef = float(cea["2018-19 Specific Emissions t CO2/MWh"])
    share = 660 / float(cea["CAPACITY MW AS ON 31/03/2019"])  # 1/6
    units = wh.execute(
        "SELECT b.*, m.cea_s_no, m.match_method, m.confidence FROM plant_baselines b "
        "JOIN cea_gem_unit_matches m ON m.unit_source = b.unit_source AND m.gem_unit_id = b.unit_id "
        "WHERE b.plant_name = 'Sasan Ultra Mega Power Project' AND b.is_operating ORDER BY b.unit_id"
    ).df()
    assert len(units) == 6 and set(units["cea_s_no"]) == {415} and set(units["confidence"]) == {"high"}
    for r in units.to_dict("records"):
        assert r["estimation_tier"] == "reported" and r["activity_year"] == 2018
        assert r["capacity_mw"] == 660
        assert r["net_generation_mwh_per_yr"] == pytest.approx(gen_mwh * share)  # 5,150,833 MWh
        assert r["capacity_factor"] == pytest.approx(gen_mwh * share / (660 * H))  # 0.8909
        assert r["co2_t_per_yr"] == pytest.approx(co2_t * share, rel=1e-6)  # 4,677,014 t
        assert r["intensity_t_per_mwh"] == pytest.approx(ef, rel=1e-6)
        assert "FY2018-19 S_NO 415" in r["capacity_factor_source"]


def test_calibrated_country_cf_worked_by_hand(wh):
    """Thailand's coal CF: OWID 2023 coal generation ÷ the capacity of Thailand's GEM coal units online in
    2023 (half in a start or retirement year), the records kept in the gas tracker left out."""
    with open(
        shared_file("owid_electricity_by_source", "electricity-prod-source-stacked.csv"), newline=""
    ) as f:
        row = next(r for r in csv.DictReader(f) if r["Code"] == "THA" and r["Year"] == "2023")
    twh = float(next(v for k, v in row.items() if k.startswith("Electricity from coal")))
    assert twh == 30.44
    units = wh.execute("SELECT * FROM coal_units WHERE country_iso3 = 'THA'").df()
    dropped = {r[0] for r in wh.execute("SELECT dropped_gem_unit_id FROM tracker_duplicate_units").fetchall()}
    mw_hours = 0.0
    for u in units.to_dict("records"):
        if u["gem_unit_id"] in dropped or u["status"] not in ("operating", "retired"):
            continue
        start, retired = u["start_year"], u["retired_year"]
        share = 1.0
        if pd.notna(start) and start > 2023:
            share = 0.0
        elif pd.notna(start) and start == 2023:
            share = 0.5
        if u["status"] == "retired":
            share = 0.0 if pd.isna(retired) or retired < 2023 else share * (0.5 if retired == 2023 else 1)
        mw_hours += u["capacity_mw"] * share * H
    by_hand = twh * 1e6 / mw_hours
    cf = wh.execute(
        "SELECT capacity_factor, year FROM calibrated_capacity_factors "
        "WHERE country_iso3 = 'THA' AND fuel_class = 'coal' AND technology = 'coal_subcritical'"
    ).fetchone()
    assert cf[1] == 2023 and cf[0] == pytest.approx(by_hand)  # about 0.61
    unit = (
        wh.execute(
            "SELECT * FROM plant_baselines WHERE country_iso3 = 'THA' AND fuel_class = 'coal' "
            "AND technology = 'coal_subcritical' AND is_operating LIMIT 1"
        )
        .df()
        .iloc[0]
    )
    assert unit["estimation_tier"] == "calibrated" and unit["capacity_factor"] == pytest.approx(by_hand)
    assert unit["net_generation_mwh_per_yr"] == pytest.approx(unit["capacity_mw"] * by_hand * H * 0.94)


def test_duplicate_pair_glow(wh_gcpt_2023):
    """Glow Energy power complex 'SPP 2 & 3 Unit 1/2' (coal tracker, 222 MW, 1999) are the oil/gas tracker's
    units 1 and 2 of the same site (222 MW, 1999, fuel NG/C): one baseline each, the gas record's."""
    pairs = wh_gcpt_2023.execute(
        "SELECT * FROM tracker_duplicate_units WHERE plant_name = 'Glow Energy power complex' ORDER BY 2"
    ).df()
    assert list(pairs["coal_unit_name"]) == ["SPP 2 & 3 Unit 1", "SPP 2 & 3 Unit 2"]
    assert set(pairs["gas_oil_fuel"]) == {"NG/C"} and set(pairs["kept_unit_source"]) == {"gas_oil_units"}
    ids = set(pairs["coal_gem_unit_id"]) | set(pairs["gas_oil_gem_unit_id"])
    kept = wh_gcpt_2023.execute(
        f"SELECT unit_source, unit_id FROM plant_baselines WHERE unit_id IN ({', '.join(repr(i) for i in ids)})"
    ).fetchall()
    assert sorted(kept) == sorted(("gas_oil_units", g) for g in pairs["gas_oil_gem_unit_id"])


def test_done_when_figures(wh, wh_gcpt_2023):
    fy = wh_gcpt_2023.execute("SELECT DISTINCT fiscal_year FROM cea_gem_unit_matches").fetchall()
    assert fy == [("2018-19",)]  # the latest fiscal year in the CEA file
    held = wh_gcpt_2023.execute(
        """SELECT sum(co2_t) FILTER (WHERE s_no IN (SELECT cea_s_no FROM cea_gem_unit_matches
                                                   WHERE match_status = 'matched')) / sum(co2_t)
           FROM cea_india_units WHERE fiscal_year = '2018-19' AND is_station_total AND fuel_1 IN ('COAL', 'LIGN')"""
    ).fetchone()[0]
    assert held >= 0.90  # 0.994
    matched = wh_gcpt_2023.execute(
        "SELECT sum(capacity_mw) FILTER (WHERE estimation_tier = 'reported') / sum(capacity_mw) FROM plant_baselines "
        "WHERE country_iso3 = 'IND' AND fuel_class = 'coal' AND is_operating"
    ).fetchone()[0]
    assert matched >= 0.80  # 0.810
    stations = wh_gcpt_2023.execute(
        """WITH ours AS (SELECT m.cea_s_no, sum(b.co2_t_per_yr) AS co2 FROM plant_baselines AS b
                         JOIN cea_gem_unit_matches AS m ON m.unit_source = b.unit_source AND m.gem_unit_id = b.unit_id
                         WHERE b.estimation_tier = 'reported' AND b.fuel_class = 'coal' GROUP BY 1)
           SELECT c.co2_t AS cea, o.co2 AS ours FROM cea_india_units AS c JOIN ours AS o ON o.cea_s_no = c.s_no
           WHERE c.fiscal_year = '2018-19' AND c.is_station_total AND c.co2_t > 0"""
    ).df()
    assert abs(stations["ours"].sum() / stations["cea"].sum() - 1) <= 0.02  # 0.986
    assert abs((stations["ours"] / stations["cea"]).median() - 1) <= 0.05  # 1.000
    tiers = {
        r[0] for r in wh_gcpt_2023.execute("SELECT DISTINCT estimation_tier FROM plant_baselines").fetchall()
    }
    assert tiers <= {"reported", "calibrated", "default", "project_case"}
    rec = wh_gcpt_2023.execute(
        """WITH cap AS (SELECT country_iso3, fuel_class, sum(capacity_mw) AS mw FROM plant_baselines
                        WHERE is_operating AND unit_source <> 'case' GROUP BY ALL)
           SELECT r.*, cap.mw FROM national_reconciliation AS r JOIN cap USING (country_iso3, fuel_class)"""
    ).df()
    coal = rec[(rec["fuel_class"] == "coal") & (rec["mw"] >= 1000)]
    assert len(coal) >= 12 and coal["generation_ratio"].between(0.9, 1.1).all()
    gas = rec[(rec["fuel_class"] == "gas") & (rec["mw"] >= 1000)]
    # The UAE included: OWID's chart download has no UAE row after 2000, so its 2023 split comes from OWID's
    # full energy dataset (national_generation_supplements): its 110 gas units are calibrated (ratio 1.0).
    assert gas["generation_ratio"].between(0.85, 1.15).all() and "ARE" in set(gas["country_iso3"])
    share = wh.execute(
        "SELECT avg(CASE WHEN estimation_tier IN ('reported', 'calibrated') THEN 1.0 ELSE 0 END) "
        "FROM plant_baselines WHERE fuel_class = 'gas' AND is_operating AND unit_source <> 'case' "
        "AND country_iso3 IN (SELECT country_iso3 FROM host_countries)"
    ).fetchone()[0]
    assert share >= 0.95  # 1.0 (1,241 of 1,241 units; 91.1 % before the UAE's supplement)
    # The CO2 ratio against an independent estimate for every host with fossil plants and OWID data (the
    # fossil row; UKR: OWID has no carbon intensity for it), and per fuel for India (CEA).
    co2 = wh_gcpt_2023.execute(
        "SELECT country_iso3 FROM national_reconciliation WHERE fuel_class = 'fossil' AND co2_ratio IS NOT NULL"
    ).fetchall()
    fossil_hosts = wh_gcpt_2023.execute(
        "SELECT DISTINCT country_iso3 FROM national_reconciliation WHERE fuel_class = 'fossil' "
        "AND plant_net_generation_mwh > 0"
    ).fetchall()
    assert set(fossil_hosts) - set(co2) == {("UKR",)} and len(co2) >= 25
    india = rec[rec["country_iso3"] == "IND"].set_index("fuel_class")
    assert india.loc["coal", "year"] == 2018 and 0.9 <= india.loc["coal", "co2_ratio"] <= 1.1


# --- a CEA file of other fiscal years --------------------------------------------------------------------

FY = re.compile(r"(?<!\d)(20\d\d)-(\d\d)(?!\d)")


def _relabel(text: str, shift: int) -> str:
    def one(m: re.Match) -> str:
        start, end = int(m.group(1)), int(m.group(2))
        if (start + 1) % 100 != end:
            return m.group(0)  # not a fiscal year
        return f"{start + shift}-{(start + shift + 1) % 100:02d}"

    return FY.sub(one, text)


def relabelled_cea_zip(source: Path, target: Path, shift: int) -> None:
    """A copy of CEA's zip whose workbook names every fiscal year `shift` years later (shared strings)."""
    with zipfile.ZipFile(source) as outer:
        name = outer.namelist()[0]
        book = outer.read(name)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as inner,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in inner.infolist():
            data = inner.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = _relabel(data.decode("utf-8"), shift).encode("utf-8")
            out.writestr(info, data)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as outer:
        outer.writestr(name, buffer.getvalue())


def test_builds_with_a_cea_file_of_other_fiscal_years(full_build, mirror, tmp_path, monkeypatch):
    """v15 relabelled two years later (FY2016-17 ... FY2020-21, none of them in WRI's crosswalk): the build
    reads the years from the file, matches by station name where the crosswalk has no S_NO for the year,
    and India's reported tier describes FY2020-21."""
    from bcm_pipeline.definitions import build_defs
    from bcm_pipeline.resources import BcmResource

    served = tmp_path / "served"
    served.mkdir()
    relabelled_cea_zip(
        SHARED_DATA / "cea_india_co2_baseline" / "database_15.zip", served / "database_15.zip", shift=2
    )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(served))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # The other sources from the mirror; CEA's from its own URL (a user's copy: not the pinned file).
    monkeypatch.setenv(
        "BCM_URL_CEA_INDIA_CO2_BASELINE", f"http://127.0.0.1:{server.server_address[1]}/database_15.zip"
    )
    data_dir = tmp_path / "data"
    shutil.copytree(full_build[0] / "raw", data_dir / "raw")  # the other sources unchanged
    shutil.copytree(full_build[0] / "cache", data_dir / "cache")  # their parses reused
    try:
        defs = build_defs(BcmResource.of(data_dir=str(data_dir), source_mirror=mirror, http_backoff_s=0.01))
        result = defs.resolve_job_def("refresh").execute_in_process(raise_on_error=False)
    finally:
        server.shutdown()
        server.server_close()
    assert result.success
    con = duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True)
    years = [
        r[0] for r in con.execute("SELECT DISTINCT fiscal_year FROM cea_india_units ORDER BY 1").fetchall()
    ]
    assert years == ["2016-17", "2017-18", "2018-19", "2019-20", "2020-21"]
    assert con.execute("SELECT DISTINCT fiscal_year FROM cea_gem_unit_matches").fetchall() == [("2020-21",)]
    reported = con.execute(
        "SELECT count(*), min(activity_year), max(activity_year) FROM plant_baselines WHERE estimation_tier = 'reported'"
    ).fetchone()
    assert reported[0] > 500 and reported[1] == reported[2] == 2020
    india = con.execute(
        "SELECT year FROM national_reconciliation WHERE country_iso3 = 'IND' AND fuel_class = 'coal'"
    ).fetchone()
    assert india == (2020,)
