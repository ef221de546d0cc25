"""The two sources of issue 12: OWID electricity by source (TWh per country, year and source) and WRI's
crosswalk of CEA stations to coordinates. Expected values are read from the files with the csv module."""

from __future__ import annotations

import csv

import pytest

from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.parsers.owid import parse_owid_electricity_by_source
from bcm_pipeline.parsers.wri import parse_cea_station_locations
from bcm_pipeline.schemas.activity import CeaStationLocations
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.owid import OwidElectricityBySource
from tests.conftest import shared_file

pytestmark = pytest.mark.unit

OWID = ("owid_electricity_by_source", "electricity-prod-source-stacked.csv")
WRI = ("wri_gppd_india", "CEA_plants.csv")
COAL = "Electricity from coal - TWh (adapted for visualization of chart electricity-prod-source-stacked)"


@pytest.fixture(scope="module")
def owid():
    df = parse_owid_electricity_by_source(shared_file(*OWID))
    valid, quarantined = validate(OwidElectricityBySource, df.assign(source_sha256="x"), OWID[0], "x")
    assert len(quarantined) == 0
    return valid


@pytest.fixture(scope="module")
def owid_rows() -> list[dict]:
    with open(shared_file(*OWID), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_owid_generation_values(owid, owid_rows):
    twh = owid.set_index(["entity", "year", "source"])["generation_twh"]
    # SOURCES.md §11, 2023: India coal 1,480.46, gas 51.28; Thailand gas 129.4; Indonesia coal 216.777.
    assert twh[("India", 2023, "coal")] == 1480.46
    assert twh[("India", 2023, "gas")] == 51.28
    assert twh[("Thailand", 2023, "gas")] == 129.4
    assert twh[("Indonesia", 2023, "coal")] == 216.777
    india_2018 = next(r for r in owid_rows if r["Entity"] == "India" and r["Year"] == "2018")
    assert twh[("India", 2018, "coal")] == float(india_2018[COAL])
    # Nine sources per entity-year, every non-blank cell one row.
    filled = sum(1 for r in owid_rows for k, v in r.items() if k.endswith("stacked)") and v.strip())
    assert len(owid) == filled
    assert set(owid["source"]) == {
        "coal",
        "gas",
        "oil",
        "nuclear",
        "hydro",
        "wind",
        "solar",
        "bioenergy",
        "other_renewables",
    }


def test_owid_codes(owid):
    india = owid[owid["entity"] == "India"]
    assert set(india["country_iso3"]) == {"IND"} and not india["is_aggregate"].any()
    asean = owid[owid["entity"] == "ASEAN (Ember)"]
    assert asean["is_aggregate"].all() and asean["country_iso3"].isna().all()
    assert set(owid.loc[owid["entity"] == "World", "country_iso3"]) == {"WLD"}


def test_owid_renamed_column_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("Entity,Code,Year,Electricity from coal - TWh\nIndia,IND,2023,1\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="owid_electricity_by_source.*gas"):
        parse_owid_electricity_by_source(bad)


def test_owid_bad_number_is_quarantined(tmp_path):
    lines = shared_file(*OWID).read_text(encoding="utf-8").splitlines()
    header = lines[0]
    india = next(line for line in lines if line.startswith("India,IND,2023,"))
    bad = tmp_path / "x.csv"
    bad.write_text("\n".join([header, india.rsplit(",", 1)[0] + ",n.a.x"]) + "\n", encoding="utf-8")
    df = parse_owid_electricity_by_source(bad)
    valid, quarantined = validate(OwidElectricityBySource, df.assign(source_sha256="x"), OWID[0], "x")
    assert len(valid) == 8 and len(quarantined) == 1
    assert quarantined.iloc[0]["column_name"] == "generation_twh"
    assert quarantined.iloc[0]["bad_value"] == "n.a.x"


def test_cea_station_locations(tmp_path):
    df = parse_cea_station_locations(shared_file(*WRI))
    valid, quarantined = validate(CeaStationLocations, df.assign(source_sha256="x"), WRI[0], "x")
    assert len(quarantined) == 0
    with open(shared_file(*WRI), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fy19 = valid[valid["fiscal_year"] == "2018-19"].set_index("s_no")
    assert len(fy19) == len(rows) == 540  # every station has an id_2018-2019 (SOURCES.md §12)
    sasan = next(r for r in rows if r["name"] == "SASAN UMPP")
    assert fy19.loc[int(sasan["id_2018-2019"]), "latitude"] == float(sasan["latitude"])
    assert fy19.loc[int(sasan["id_2018-2019"]), "gppd_id"] == sasan["gppd_id"]
    # Blank ids (a station not yet in that year's database) give no row; blank coordinates stay null.
    assert (valid["fiscal_year"] == "2015-16").sum() == sum(1 for r in rows if r["id_2015-2016"])
    assert fy19["latitude"].isna().sum() == sum(1 for r in rows if not r["latitude"]) == 38


def test_cea_station_locations_without_year_columns_is_a_clear_error(tmp_path):
    bad = tmp_path / "CEA_plants.csv"
    bad.write_text("gppd_id,name,latitude,longitude\nIND1,X,20,80\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="wri_gppd_india.*id_<fiscal year>"):
        parse_cea_station_locations(bad)
