"""Nesting (issue 15): registered_unit_matches on hand-made units and registry lists, and the CDM units as
the TOOL07 build-margin exclusion of an estimated grid."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from bcm_pipeline import build
from bcm_pipeline.grid import estimate

pytestmark = pytest.mark.unit


def _gem(rows):
    cols = ["gem_unit_id", "country_iso3", "plant_name", "unit_name", "capacity_mw", "start_year", "status",
            "latitude", "longitude"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


COAL = _gem(
    [
        ("S1", "IND", "Sasan Ultra Mega Power Project", "Unit 1", 660.0, 2013, "operating", None, None),
        ("S2", "IND", "Sasan Ultra Mega Power Project", "Unit 2", 660.0, 2014, "operating", None, None),
        ("S7", "IND", "Sasan Ultra Mega Power Project", "Unit 7", 660.0, None, "cancelled", None, None),
        ("X1", "IND", "Korba West power station", "Unit 1", 660.0, 2013, "operating", None, None),
        ("A1", "AAA", "Alpha power station", "Unit 1", 300.0, 2010, "operating", 10.0, 100.0),
        ("A2", "AAA", "Alpha power station", "Unit 2", 300.0, 2011, "operating", 10.0, 100.0),
        ("F1", "AAA", "Far power station", "Unit 1", 600.0, 2010, "operating", 10.5, 100.0),
    ]
)
GAS = _gem(
    [
        ("V1", "IND", "Vemagiri Combined Cycle power plant", "1-2", 388.0, 2006, "operating", None, None),
        ("B1", "AAA", "Betafactory cogeneration plant", "1", 40.0, 2018, "operating", None, None),
    ]
).assign(fuel_class="gas")
CEA = pd.DataFrame(
    {
        "country_iso3": ["IND", "IND", "IND"],
        "s_no": [415, 500, 500],
        "unit_no": [1, 1, 2],
        "station_name": ["SASAN UMPP", "VEMAGIRI CCCP", "VEMAGIRI CCCP"],
        "commissioned_date": pd.to_datetime(["2013-12-18", "2006-01-13", "2006-06-08"]).date,
        "capacity_mw": [660.0, 251.5, 137.0],
        "plant_type": ["THERMAL"] * 3,
        "fuel_1": ["COAL", "GAS", "GAS"],
        "cdm_project_ref": [3690, 4334, 4334],
    }
)
WRI = pd.DataFrame(
    {
        "cdm_project_id": ["W1", "W2", "W3"],
        "country_iso3": ["AAA", "AAA", "IND"],
        "name": ["Alpha Power Station CDM project", "Far Power Station", "Sasan Wind Farm"],
        "capacity_mw": [600.0, 600.0, 660.0],
        # Alpha: 1.1 km from the GEM plant; 'Far': the GEM plant is 55 km away; W3 is wind
        "latitude": [10.01, 10.0, None],
        "longitude": [100.0, 100.0, None],
        "fuel": ["Coal", "Coal", "Wind"],
    }
)
JCM = pd.DataFrame(
    {
        "jcm_project_id": ["AA001", "AA002"],
        "host_country_iso3": ["AAA", "AAA"],
        "title": ["Installation of gas cogeneration at the Betafactory site", "Solar PV at Betafactory"],
        "project_type": ["EE supply side", "Solar"],
        "reduction_kt_co2e_per_yr": [5.0, 1.0],
    }
)


@pytest.fixture(scope="module")
def matches(tmp_path_factory) -> pd.DataFrame:
    con = duckdb.connect(str(tmp_path_factory.mktemp("nest") / "w.duckdb"))
    for name, df in {"coal_units": COAL, "gas_oil_units": GAS, "cdm_registered_units": CEA,
                     "cdm_power_projects": WRI, "jcm_projects": JCM}.items():  # fmt: skip
        con.register("_t", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _t')
        con.unregister("_t")
    [built] = build.computed_table(con, "registered_unit_matches")
    assert built.check.passed, built.check.problems
    return con.execute("SELECT * FROM registered_unit_matches ORDER BY unit_id").df()


def test_cea_units_match_one_to_one(matches):
    by_unit = matches.set_index("unit_id")
    # CEA lists Sasan unit 1 (660 MW, Dec 2013): GEM Unit 1 (same number, year 2013), not Unit 2 or the
    # cancelled Unit 7, and not Korba West (same size and year, another name).
    assert by_unit.loc["S1", "registered_id"] == "3690 (CEA S_NO 415 unit 1)"
    assert {"S2", "S7", "X1"}.isdisjoint(by_unit.index)
    assert by_unit.loc["S1", "nesting_rule"] == "excluded"


def test_lumped_gem_unit_matches_the_cdm_project_total(matches):
    # GEM's 'Vemagiri 1-2' is 388 MW; CEA's two CDM units are 251.5 + 137 = 388.5 MW (within 10 %).
    v = matches.set_index("unit_id").loc["V1"]
    assert v["registered_id"] == "4334 (CEA project total)"
    assert v["registered_capacity_mw"] == pytest.approx(388.5)


def test_wri_project_covers_every_unit_of_the_plant_within_10_km(matches):
    alpha = matches[matches["registered_id"] == "W1"]
    assert sorted(alpha["unit_id"]) == ["A1", "A2"]  # 300 + 300 MW = the project's 600 MW
    # haversine 0.01 degree of latitude = 6371 x pi / 180 x 0.01 = 1.112 km
    assert alpha["distance_km"].iloc[0] == pytest.approx(1.112, abs=0.001)
    assert "F1" not in set(matches["unit_id"])  # 0.5 degree = 55.6 km away
    assert "W3" not in set(matches["registered_id"])  # a wind project matches no fossil unit


def test_jcm_project_nets_its_reductions(matches):
    b = matches[matches["registry"] == "JCM"]
    assert list(b["unit_id"]) == ["B1"] and list(b["registered_id"]) == ["AA001"]  # not the solar project
    assert b["nesting_rule"].iloc[0] == "netted"
    assert b["netted_t_per_yr"].iloc[0] == pytest.approx(5_000)  # 5 kt CO2e/yr


def test_cdm_units_leave_the_estimated_build_margin():
    # Four 100 MW units (one capacity factor for all, so generation ~ MW): N1 2015 and N2 2016 at 1.0 t/MWh,
    # C1 2019 and C2 2020 at 0.4 t/MWh, the two recent ones CDM-registered.
    # Without the exclusion, SET_5 = all four (400 > SET_20 % = C2 alone): BM = (100 + 100 + 40 + 40) / 400 = 0.7.
    # With it, SET_5 = N1 + N2 (200 > SET_20 % = N2 alone): BM = 200 / 200 = 1.0. No unit is over 10 years old.
    units = pd.DataFrame(
        {
            "unit_id": ["N1", "N2", "C1", "C2"],
            "start_year": [2015, 2016, 2019, 2020],
            "capacity_mw": [100.0] * 4,
            "ef_t_per_mwh": [1.0, 1.0, 0.4, 0.4],
        }
    )
    without = {r["method"]: r for r in estimate.margins(units, 0.6, 2021, "AAA")}["bm_tool07"]
    with_cdm = {r["method"]: r for r in estimate.margins(units, 0.6, 2021, "AAA", frozenset({"C1", "C2"}))}
    assert without["ef_t_per_mwh"] == pytest.approx(0.7)
    assert with_cdm["bm_tool07"]["ef_t_per_mwh"] == pytest.approx(1.0)
    assert "2 unit(s) of the fleet on the CDM lists" in with_cdm["bm_tool07"]["note"]
