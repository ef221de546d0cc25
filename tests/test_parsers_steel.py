"""Steel parsers on the real GIST and POSTED files, and the quarantine cases on small copies of them.

Expected counts are typed in from ../shared/data/SOURCES.md §15-16 or read off the CSV by eye (the line is
named), never from the parser.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from bcm_pipeline.parsers import steel
from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.steel import PostedSteelTechnologies, SteelPlants, SteelUnits
from tests.conftest import shared_file

pytestmark = pytest.mark.unit

UNITS = "Iron & Steel-map-file-2025-03-18.csv"
PLANTS = "Iron & Steel-map-file-2025-03-19.csv"
POSTED = "posted_steel_technologies"


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    df = steel.parse_steel_units(shared_file("gem_steel_plant_tracker", UNITS))
    df["source_sha256"] = "sha"
    return df


@pytest.fixture(scope="module")
def plants() -> pd.DataFrame:
    df = steel.parse_steel_plants(shared_file("gem_steel_plant_tracker", PLANTS))
    df["source_sha256"] = "sha"
    return df


def test_units_file_one_row_per_furnace(units):
    valid, quarantined = validate(SteelUnits, units, "gem_steel_plant_tracker", "sha")
    # SOURCES.md §15: 4,983 rows, 1,166 plants; tab-type counts as listed there
    assert len(valid) == 4983 and len(quarantined) == 0
    assert valid["gem_plant_id"].nunique() == 1166
    assert valid["furnace_type"].value_counts().to_dict() == {
        "bf": 1591,
        "bof": 1503,
        "eaf": 1287,
        "dri": 592,
        "ohf": 10,
    }
    # SOURCES.md §15: India 708 units, Viet Nam 63, Indonesia 47, Thailand 15, Philippines 12, Bangladesh 11
    counts = valid["country_iso3"].value_counts()
    assert [counts[c] for c in ["IND", "VNM", "IDN", "THA", "PHL", "BGD"]] == [708, 63, 47, 15, 12, 11]


def test_units_capacity_in_tonnes_and_positive_unknown_flagged(units):
    # unit U100000144311 (line 2): Aba Iron and Steel Payas EAF, 1100 ttpa -> 1,100,000 t/yr
    row = units.set_index("gem_unit_id").loc["U100000144311"]
    assert row["capacity_t_per_yr"] == 1_100_000 and row["furnace_type"] == "eaf"
    # 42 units give '>0' (grep -c ',>0,' on the capacity column): null capacity, named in flags
    flagged = units[units["flags"].fillna("").str.contains("capacity_t_per_yr_positive_unknown")]
    assert len(flagged) == 42 and flagged["capacity_t_per_yr"].isna().all()
    # BOF and open-hearth units have no names in the map file (1,503 + 10)
    assert units["unit_name"].isna().sum() == 1513


def test_plants_file_one_row_per_plant_and_status(plants):
    valid, quarantined = validate(SteelPlants, plants, "gem_steel_plant_tracker_plants", "sha")
    # SOURCES.md §15: 1,732 rows; 1,204 distinct plant ids (843 plants have one status row)
    assert len(valid) == 1732 and len(quarantined) == 0
    assert valid["gem_plant_id"].nunique() == 1204
    tata = valid[valid["gem_plant_id"] == "P100000120529"].iloc[0]  # Tata Steel Jamshedpur, line 1469
    assert tata["status"] == "operating" and tata["country_iso3"] == "IND"
    assert tata["bof_steel_capacity_t_per_yr"] == 11_000_000  # 11000 ttpa
    assert tata["bf_capacity_t_per_yr"] == 12_020_000  # 12020 ttpa
    assert pd.isna(tata["eaf_steel_capacity_t_per_yr"])  # 'N/A': none reported
    assert tata["start_year"] == 1912 and tata["latitude"] == pytest.approx(22.788598)


def test_plants_mixed_dates_and_positive_unknown(plants):
    by_key = plants.set_index(["gem_plant_id", "status"])
    assert by_key.loc[("P100001025815", "operating"), "start_date"] == "2003-05"  # a year-month
    assert by_key.loc[("P100001025815", "operating"), "start_year"] == 2003
    assert pd.isna(by_key.loc[("P100000120753", "construction"), "start_date"])  # 'unknown'
    # '>0' EAF capacity (e.g. P100000120690, construction, North Korea): null and flagged
    row = by_key.loc[("P100000120690", "construction")]
    assert pd.isna(row["eaf_steel_capacity_t_per_yr"])
    assert "eaf_steel_capacity_t_per_yr_positive_unknown" in row["capacity_flags"]


def test_bad_rows_are_quarantined_with_their_reason(tmp_path):
    """A copy of the unit file's first rows with a bad date, a bad capacity and an unknown country."""
    src = shared_file("gem_steel_plant_tracker", UNITS)
    df = pd.read_csv(src, dtype=str, keep_default_na=False, nrows=5)
    df.loc[0, "start-date"] = "20x5"
    df.loc[1, "current-capacity-(ttpa)"] = "about 500"
    df.loc[2, "country/area"] = "Atlantis"
    df.loc[3, "most-recent-relining"] = "2019-13"  # no month 13
    path = tmp_path / UNITS
    df.to_csv(path, index=False)
    parsed = steel.parse_steel_units(path)
    parsed["source_sha256"] = "sha"
    valid, quarantined = validate(SteelUnits, parsed, "gem_steel_plant_tracker", "sha")
    reasons = set(
        zip(quarantined["column_name"], quarantined["check_name"], quarantined["bad_value"], strict=True)
    )
    assert reasons == {
        ("plant_start_date", "year_or_date", "20x5"),
        ("capacity_t_per_yr", "parseable_number", "about 500"),
        ("country_iso3", "known_country", "Atlantis"),
        ("most_recent_relining", "year_or_date", "2019-13"),
    }
    assert len(valid) == 1


def test_renamed_column_is_a_table_level_error(tmp_path):
    src = shared_file("gem_steel_plant_tracker", PLANTS)
    df = pd.read_csv(src, dtype=str, keep_default_na=False, nrows=3)
    df = df.rename(columns={"nominal-bof-steel-capacity-(ttpa)": "bof-capacity"})
    df.to_csv(tmp_path / PLANTS, index=False)
    with pytest.raises(SourceFormatError, match="nominal-bof-steel-capacity"):
        steel.parse_steel_plants(tmp_path / PLANTS)


def test_posted_three_files_one_tidy_table():
    path = shared_file(POSTED, "Electric Arc Furnace.csv")
    df = steel.parse_posted_steel(path)
    df["source_sha256"] = "sha"
    valid, quarantined = validate(PostedSteelTechnologies, df, POSTED, "sha")
    # data rows: BF-BOF 50, DRI 61, EAF 53 (wc -l minus the header line)
    assert len(quarantined) == 0
    assert valid["technology"].value_counts().to_dict() == {
        "Direct Reduction of Iron": 61,
        "Electric Arc Furnace": 53,
        "Integrated Blast Furnace and Basic Oxygen Furnace": 50,
    }
    rows = valid.set_index(["technology", "source_row"])
    # BF-BOF line 2: IEA-GHG-2013 CAPEX 4124 mnUSD_2010 per 4 Mt/yr; the file has no `mode` column
    capex = rows.loc[("Integrated Blast Furnace and Basic Oxygen Furnace", 2)]
    assert (capex["variable"], capex["value"], capex["currency"], capex["price_year"]) == (
        "CAPEX",
        4124,
        "USD",
        2010,
    )
    assert capex["currency_multiplier"] == 1e6 and pd.isna(capex["mode"])
    # DRI line 37: Jacobasch-2021 NG electricity 149,027.78 MWh per 1,905,400 t DRI = 0.0782 MWh/t
    elec = rows.loc[("Direct Reduction of Iron", 37)]
    assert elec["variable"] == "Input|Electricity" and elec["mode"] == "NG"
    assert elec["value_per_reference_unit"] == pytest.approx(149027.78 / 1905400)
    # EAF line 4: Agora-KSV-2023 primary w/ reheating 0.75 MWh per t
    eaf = rows.loc[("Electric Arc Furnace", 4)]
    assert (eaf["reheating"], eaf["value"], eaf["unit"]) == ("w/ reheating", 0.75, "MWh")


def test_posted_missing_sibling_file_is_named(tmp_path):
    shutil.copy(shared_file(POSTED, "Electric Arc Furnace.csv"), tmp_path)
    shutil.copy(shared_file(POSTED, "Direct Reduction of Iron.csv"), tmp_path)
    with pytest.raises(SourceFormatError, match="Integrated Blast Furnace and Basic Oxygen Furnace.csv"):
        steel.parse_posted_steel(tmp_path / "Electric Arc Furnace.csv")


@pytest.mark.parametrize(
    "unit,expected",
    [
        ("EUR_2010", ("EUR", 2010, 1.0)),
        ("MEUR_2020", ("EUR", 2020, 1e6)),
        ("kUSD_2022/year", ("USD", 2022, 1e3)),
        ("mnUSD_2010/yr", ("USD", 2010, 1e6)),
        ("EUR_2008/a", ("EUR", 2008, 1.0)),
        ("MWh", (None, None, None)),
        ("GJ_NG_LHV", (None, None, None)),
    ],
)
def test_money_units(unit, expected):
    assert steel.money_unit(unit) == expected


def test_steel_defaults_are_cited_and_hold_the_methodology_values():
    from bcm_pipeline.parsers import reference
    from bcm_pipeline.schemas.steel import SteelDefaults

    valid, quarantined = validate(SteelDefaults, reference.steel_defaults(), "reference", None)
    assert len(quarantined) == 0
    ef = valid[valid["parameter"] == "co2_ef"].set_index("item")["value"].to_dict()
    # methodology.md §12, IPCC 2006 Vol. 3 Ch. 4 Table 4.1 (t CO2/t product)
    assert {k: ef[k] for k in ["steel_bof", "steel_eaf", "steel_ohf", "pig_iron", "dri_gas", "sinter", "pellet",
                               "coke", "steel_unknown_route"]} == {
        "steel_bof": 1.46, "steel_eaf": 0.08, "steel_ohf": 1.72, "pig_iron": 1.35, "dri_gas": 0.70,
        "sinter": 0.20, "pellet": 0.03, "coke": 0.56, "steel_unknown_route": 1.06,
    }  # fmt: skip
    # the global average is the route mix 65 % BOF, 30 % EAF, 5 % OHF: 0.949 + 0.024 + 0.086 = 1.059
    assert 0.65 * ef["steel_bof"] + 0.30 * ef["steel_eaf"] + 0.05 * ef["steel_ohf"] == pytest.approx(
        1.06, abs=0.005
    )
    # India's calibrated utilisation: JPC FY 2023-24 production / capacity = 144.30 / 179.51 = 0.804
    util = valid[valid["parameter"] == "utilisation"].set_index("country_iso3")["value"]
    assert util["IND"] == pytest.approx(144.30 / 179.51, abs=0.0005) and util["*"] == 0.756
    assert valid["verified"].str.len().min() > 20
