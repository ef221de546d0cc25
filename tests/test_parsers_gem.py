"""GEM parsers on the real GCPT / GOGPT workbooks and on tiny hand-made workbooks.

Expected figures come from ../shared/data/SOURCES.md (typed in here by hand) or from the derived_*.csv
exports read with the csv module, never from the parser under test.
"""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest
from conftest import shared_file

from bcm_pipeline.parsers import gem
from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.schemas.base import TableValidationError, validate
from bcm_pipeline.schemas.gem import CoalUnits, GasOilUnits, GemCo2Parameters
from bcm_pipeline.settings import REFERENCE_DIR

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Unknown extension:UserWarning")]

COAL = "gem_coal_plant_tracker"
GAS = "gem_oil_gas_plant_tracker"
SHA = "0" * 64


def _csv_rows(source_id: str, name: str) -> list[dict]:
    with shared_file(source_id, name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def coal() -> pd.DataFrame:
    return gem.parse_coal_units(shared_file(COAL, "Global-Coal-Plant-Tracker-July-2023.xlsx"))


@pytest.fixture(scope="module")
def coal_csv() -> list[dict]:
    return _csv_rows(COAL, "derived_gcpt_july2023_units.csv")


@pytest.fixture(scope="module")
def gas() -> pd.DataFrame:
    return gem.parse_gas_oil_units(
        shared_file(GAS, "Global-Oil-and-Gas-Plant-Tracker-GOGPT-February-2024-v4.xlsx")
    )


@pytest.fixture(scope="module")
def gas_csv() -> list[dict]:
    return _csv_rows(GAS, "derived_gogpt_feb2024_units.csv")


# ---------------------------------------------------------------- coal units (real file)


def test_coal_units_are_every_unit_once(coal, coal_csv):
    assert len(coal) == 13_785
    assert coal["gem_unit_id"].is_unique
    assert set(coal["gem_unit_id"]) == {r["GEM unit/phase ID"] for r in coal_csv}
    assert coal["gem_location_id"].nunique() == 4_664


def test_coal_technology_counts(coal):
    # SOURCES.md, "Values of Combustion technology".
    assert coal["combustion_technology"].value_counts().to_dict() == {
        "subcritical": 7_850,
        "unknown": 2_176,
        "supercritical": 2_098,
        "ultra-supercritical": 1_381,
        "cfb": 223,
        "igcc": 35,
        "igcc/ccs": 10,
        "subcritical/ccs": 5,
        "unknown/ccs": 4,
        "supercritical/ccs": 3,
    }
    # The same with the /ccs suffix folded in, added up by hand.
    assert coal["gem_technology"].value_counts().to_dict() == {
        "subcritical": 7_855,
        "unknown": 2_180,
        "supercritical": 2_101,
        "ultra-supercritical": 1_381,
        "cfb": 223,
        "igcc": 45,
    }
    assert coal["has_ccs"].sum() == 22


# SOURCES.md, "Operating capacity by technology (MW)".
OPERATING_MW = {
    "IND": {"subcritical": 156_498, "supercritical": 69_270, "ultra-supercritical": 2_920, "cfb": 1_623,
            "unknown": 5_542},
    "VNM": {"subcritical": 12_035, "supercritical": 8_097, "ultra-supercritical": 600, "cfb": 2_040,
            "unknown": 3_065},
    "CHN": {"subcritical": 454_605, "supercritical": 299_020, "ultra-supercritical": 329_174, "cfb": 1_720,
            "unknown": 24_139},
    "BGD": {"subcritical": 525, "supercritical": 1_010, "ultra-supercritical": 1_320, "cfb": 0, "unknown": 0},
}  # fmt: skip


@pytest.mark.parametrize("iso3", sorted(OPERATING_MW))
def test_operating_capacity_by_technology(coal, iso3):
    operating = coal[(coal["status"] == "operating") & (coal["country_iso3"] == iso3)]
    mw = operating.groupby("gem_technology")["capacity_mw"].sum()
    for technology, expected in OPERATING_MW[iso3].items():
        assert mw.get(technology, 0.0) == pytest.approx(expected, abs=0.5), technology


def test_coal_quirks(coal, coal_csv):
    # Mixed case: one 'Cancelled' and one 'Unknown' coal type fold into the lower-case values.
    statuses = Counter(r["Status"].lower() for r in coal_csv)
    assert coal["status"].value_counts().to_dict() == dict(statuses)
    assert statuses["cancelled"] == 2_991
    assert (coal["coal_type"] == "unknown").sum() == 6_178 + 1
    assert coal["start_year"].isna().sum() == 3_649  # SOURCES.md
    assert coal["start_year"].min() == 1927 and coal["start_year"].max() == 2037
    iso = dict(zip(coal["country_name"], coal["country_iso3"], strict=True))
    assert iso["Vietnam"] == "VNM" and iso["Türkiye"] == "TUR" and iso["Kosovo"] == "XKX"
    assert iso["Laos"] == "LAO" and iso["South Korea"] == "KOR" and iso["DR Congo"] == "COD"
    assert coal["country_iso3"].notna().all()
    one = coal.set_index("gem_unit_id").loc["G108585"]  # Río Turbio unit 1, first rows of the CSV
    assert one["plant_name"] == "Río Turbio power station"
    assert one["capacity_mw"] == 120 and one["start_year"] == 2022
    assert one["latitude"] == pytest.approx(-51.5460148) and one["gem_heat_rate_btu_per_kwh"] == 10_442


def test_coal_units_validate_without_quarantine(coal):
    valid, quarantined = validate(CoalUnits, coal.assign(source_sha256=SHA), COAL, SHA)
    assert len(quarantined) == 0
    assert len(valid) == 13_785
    assert str(valid["start_year"].dtype) == "Int64"


# ---------------------------------------------------------------- CO2 parameters (real file)


@pytest.fixture(scope="module")
def co2() -> pd.DataFrame:
    return gem.parse_gem_co2_parameters(shared_file(COAL, "Global-Coal-Plant-Tracker-July-2023.xlsx"))


def test_gem_heat_rates_and_emission_factors(co2):
    values = {(r.parameter_set, r.key): r.value for r in co2.itertuples()}
    # SOURCES.md "CO2 Parameters" (Sargent & Lundy 2009 heat rates; IPCC 2006 EFs); CCS rows read off the sheet.
    heat_rates = {
        "subcritical": 8_702,
        "supercritical": 8_409,
        "ultra-supercritical": 8_272,
        "cfb": 8_702,
        "igcc": 7_528,
        "unknown": 8_605,
        "igcc/ccs": 10_505,
        "supercritical/ccs": 12_534,
        "subcritical/ccs": 13_724,
        "unknown/ccs": 12_534,
    }
    for key, expected in heat_rates.items():
        assert values[("heat_rate_btu_per_kwh", key)] == expected
    efs = {"lignite": 101_000, "subbituminous": 96_100, "bituminous": 94_600, "anthracite": 98_300,
           "waste coal": 94_600, "unknown": 96_100, "lignite(ccs90)": 10_100, "bituminous(ccs30)": 66_220}  # fmt: skip
    for key, expected in efs.items():
        assert values[("ef_kg_per_tj", key)] == expected
    assert values[("capacity_factor", "global")] == 0.53
    assert values[("lifetime_yr", "global")] == 40
    assert len(co2) == 10 + 12 + 1 + 1
    heat = co2[co2["parameter_set"] == "heat_rate_btu_per_kwh"]
    assert heat["section_source"].str.contains("Sargent & Lundy, 2009").all()
    assert heat.set_index("key").at["subcritical/ccs", "source"].startswith('"Subcritical Pulverized')
    ef = co2[co2["parameter_set"] == "ef_kg_per_tj"].set_index("key")
    assert "2006 IPCC Guidelines" in ef.at["bituminous", "source"]
    assert (co2.loc[co2["parameter_set"] == "heat_rate_btu_per_kwh", "unit"] == "Btu/kWh").all()


def test_gem_co2_parameters_cover_the_coal_units(co2, coal):
    valid, quarantined = validate(GemCo2Parameters, co2.assign(source_sha256=SHA), COAL, SHA)
    assert len(valid) == 24 and len(quarantined) == 0
    keys = set(co2.loc[co2["parameter_set"] == "heat_rate_btu_per_kwh", "key"])
    assert set(coal["combustion_technology"]) <= keys
    assert set(coal["coal_type"]) <= set(co2.loc[co2["parameter_set"] == "ef_kg_per_tj", "key"])


# ---------------------------------------------------------------- gas & oil units (real file)


def test_gas_oil_unit_and_technology_counts(gas, gas_csv):
    assert len(gas) == len(gas_csv) == 12_246
    assert gas["gem_unit_id"].is_unique
    # SOURCES.md technology table; 'Not Found' / 'not found' (326) become 'unknown'.
    assert gas["gem_technology"].value_counts().to_dict() == {
        "CC": 4_772,
        "GT": 3_968,
        "ST": 2_544,
        "IC": 458,
        "unknown": 326,
        "ICCC": 162,
        "ISCC": 9,
        "AFC": 7,
    }


def test_gas_oil_host_country_counts(gas):
    counts = gas["country_iso3"].value_counts()
    expected = {"CHN": 1_065, "BGD": 190, "IDN": 141, "THA": 141, "IND": 113, "VNM": 109, "PAK": 79,
                "PHL": 78, "MYS": 55}  # fmt: skip
    assert {k: counts[k] for k in expected} == expected
    assert gas["country_iso3"].notna().all()


def test_gas_oil_not_found_cells_are_null_not_problems(gas, gas_csv):
    by_id = gas.set_index("gem_unit_id")
    for source, column, count in [
        ("Capacity (MW)", "capacity_mw", 5),
        ("Start year", "start_year", 732),
        ("Retired year", "retired_year", 22),
    ]:
        ids = [r["GEM unit ID"] for r in gas_csv if r[source].strip().lower() == "not found"]
        assert len(ids) == count  # SOURCES.md
        assert by_id.loc[ids, column].isna().all()
        assert (by_id.loc[ids, "_problems"].map(len) == 0).all()
    chp = Counter(r["CHP"].lower() for r in gas_csv)
    assert gas["chp"].value_counts(dropna=False).to_dict() == {
        pd.NA: chp["not found"],
        True: chp["yes"],
        False: chp["no"],
    }


def test_gas_oil_coordinates_with_non_breaking_spaces(gas, gas_csv):
    odd = [r for r in gas_csv if "\u00a0" in r["Latitude"] + r["Longitude"]]
    assert len(odd) == 3  # SOURCES.md
    by_id = gas.set_index("gem_unit_id")
    for r in odd:
        lat = float(r["Latitude"].replace("\u00a0", ""))
        lon = float(r["Longitude"].replace("\u00a0", ""))
        assert by_id.at[r["GEM unit ID"], "latitude"] == pytest.approx(lat)
        assert by_id.at[r["GEM unit ID"], "longitude"] == pytest.approx(lon)


def test_gas_oil_fuel_classes(gas):
    by_fuel = gas.drop_duplicates("fuel").set_index("fuel")["fuel_class"]
    assert by_fuel["NG"] == "gas" and by_fuel["LNG"] == "gas"
    assert by_fuel["NG/FO"] == "gas/oil" and by_fuel["D"] == "oil" and by_fuel["HFO"] == "oil"
    assert by_fuel["BFG"] == "other" and by_fuel["NG/FO/D"] == "gas/oil"
    assert by_fuel["COKE/C"] == "oil"  # 'fossil liquids: petroleum coke/C' spelled out in the source
    assert gas["fuel"].isna().sum() == 15  # 'not found' fuel


def test_gas_oil_units_validate_with_two_explained_quarantine_rows(gas):
    valid, quarantined = validate(GasOilUnits, gas.assign(source_sha256=SHA), GAS, SHA)
    reasons = set(
        zip(quarantined["row_key"], quarantined["column_name"], quarantined["bad_value"], strict=True)
    )
    # A 2080 start year (Bangladesh, announced) and a fuel code 'B' not in GEM's Abbreviations sheet.
    assert reasons == {("G100000414473", "start_year", "2080"), ("G100000400109", "fuel", "NG/B")}
    assert len(valid) == 12_246 - 2


def test_every_tracker_code_maps_to_one_technology(coal, gas):
    """Every (fuel class, code) the parsed trackers hold, for the units plant_baselines reads, has exactly one
    row in technologies.csv (read with the csv module)."""
    with open(REFERENCE_DIR / "technologies.csv", newline="", encoding="utf-8") as f:
        vocab = Counter((r["source_id"], r["source_fuel_class"], r["source_code"]) for r in csv.DictReader(f))
    present = {(COAL, "coal", code) for code in coal["gem_technology"].unique()}
    burning = gas[gas["fuel_class"].isin(["gas", "gas/oil", "oil"])]  # 'other' fuels get no baseline
    present |= set(zip([GAS] * len(burning), burning["fuel_class"], burning["gem_technology"], strict=True))
    # GCPT's 6 words; GOGPT's 8 codes on gas units, 7 on gas/oil (no AFC), 6 on oil (no ISCC, AFC).
    assert len(present) == 6 + 8 + 7 + 6
    assert {key: vocab[key] for key in present} == dict.fromkeys(present, 1)


# ---------------------------------------------------------------- tiny hand-made workbooks

COAL_ROW = {
    "GEM unit/phase ID": "G1",
    "GEM location ID": "L1",
    "Country": "Vietnam",
    "Wiki URL": "https://www.gem.wiki/x",
    "Plant name": "Test plant",
    "Unit name": "Unit 1",
    "Owner": "Owner Co",
    "Parent": "Parent Co",
    "Capacity (MW)": 600,
    "Status": "operating",
    "Start year": 2010,
    "Retired year": None,
    "Planned retirement": None,
    "Combustion technology": "supercritical",
    "Coal type": "bituminous",
    "Coal source": "Imported",
    "Subnational unit (province, state)": "Quang Ninh",
    "Subregion": "South-eastern Asia",
    "Region": "Asia",
    "Latitude": 21.0,
    "Longitude": 107.0,
    "Location accuracy": "exact",
    "Captive": None,
    "Heat rate (Btu per kWh)": 8409,
    "Emission factor (kg of CO2 per TJ)": 94600,
    "Capacity factor": 0.53,
    "Annual CO2 (million tonnes / annum)": 2.2,
    "Lifetime CO2": 60.1,
    "Remaining plant lifetime (years)": 27,
}

GAS_ROW = {
    "Country": "Bangladesh",
    "Plant name": "Test gas plant",
    "Unit name": "1",
    "Fuel": "NG/ FO",
    "Capacity (MW)": 400,
    "Status": "Operating",
    "Technology": "CC",
    "CHP": "No",
    "Start year": 2015,
    "Retired year": None,
    "Planned retire": None,
    "Owner": "Owner Co [100%]",
    "Parent": "Parent Co [100%]",
    "Latitude": "23.5\u00a0",
    "Longitude": "\u00a090.1",
    "Subnational unit (province/state)": "Dhaka",
    "Region": "Asia",
    "Sub-region": "Southern Asia",
    "GEM location ID": "L1",
    "GEM unit ID": "G1",
}


def _workbook(tmp_path, sheet: str, rows: list[dict]):
    path = tmp_path / "gem.xlsx"
    pd.DataFrame(rows).to_excel(path, sheet_name=sheet, index=False)
    return path


def test_negative_capacity_is_quarantined_with_column_and_check(tmp_path):
    rows = [COAL_ROW, {**COAL_ROW, "GEM unit/phase ID": "G2", "Capacity (MW)": -5}]
    df = gem.parse_coal_units(_workbook(tmp_path, "Coal Projects", rows))
    valid, quarantined = validate(CoalUnits, df.assign(source_sha256=SHA), COAL, SHA)
    assert list(valid["gem_unit_id"]) == ["G1"]
    assert len(quarantined) == 1
    q = quarantined.iloc[0]
    assert (q["row_key"], q["column_name"], q["bad_value"]) == ("G2", "capacity_mw", "-5.0")
    assert q["check_name"] == "greater_than_or_equal_to(0)"


def test_unknown_country_is_quarantined_not_dropped(tmp_path):
    rows = [COAL_ROW, {**COAL_ROW, "GEM unit/phase ID": "G2", "Country": "Atlantis"}]
    df = gem.parse_coal_units(_workbook(tmp_path, "Coal Projects", rows))
    assert len(df) == 2  # the parser keeps the row, with its problem
    valid, quarantined = validate(CoalUnits, df.assign(source_sha256=SHA), COAL, SHA)
    assert list(valid["gem_unit_id"]) == ["G1"]
    q = quarantined.iloc[0]
    assert (q["row_key"], q["column_name"], q["check_name"], q["bad_value"]) == (
        "G2",
        "country_iso3",
        "known_country",
        "Atlantis",
    )
    assert '"plant_name": "Test plant"' in q["row_json"]


def test_start_year_after_horizon_is_quarantined(tmp_path):
    rows = [COAL_ROW, {**COAL_ROW, "GEM unit/phase ID": "G2", "Start year": 2051, "Status": "announced"}]
    df = gem.parse_coal_units(_workbook(tmp_path, "Coal Projects", rows))
    valid, quarantined = validate(CoalUnits, df.assign(source_sha256=SHA), COAL, SHA)
    assert list(valid["gem_unit_id"]) == ["G1"]
    assert quarantined[["column_name", "check_name"]].values.tolist() == [
        ["start_year", "less_than_or_equal_to(2050)"]
    ]


def test_duplicate_unit_id_fails_the_table(tmp_path):
    df = gem.parse_coal_units(_workbook(tmp_path, "Coal Projects", [COAL_ROW, COAL_ROW]))
    with pytest.raises(TableValidationError, match="gem_unit_id"):
        validate(CoalUnits, df.assign(source_sha256=SHA), COAL, SHA)


def test_renamed_coal_header_names_the_column(tmp_path):
    row = {("Capacity MW" if k == "Capacity (MW)" else k): v for k, v in COAL_ROW.items()}
    with pytest.raises(SourceFormatError) as err:
        gem.parse_coal_units(_workbook(tmp_path, "Coal Projects", [row]))
    message = str(err.value)
    assert "Capacity (MW)" in message and "Coal Projects" in message and COAL in message


def test_renamed_gas_header_names_the_column(tmp_path):
    row = {("Tech" if k == "Technology" else k): v for k, v in GAS_ROW.items()}
    with pytest.raises(SourceFormatError) as err:
        gem.parse_gas_oil_units(_workbook(tmp_path, "Gas & Oil Units", [row]))
    message = str(err.value)
    assert "'Technology'" in message and "Gas & Oil Units" in message and GAS in message


def test_missing_sheet_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="Coal Projects"):
        gem.parse_coal_units(_workbook(tmp_path, "Sheet1", [COAL_ROW]))


def test_gas_quirks_on_a_small_sheet(tmp_path):
    rows = [
        GAS_ROW,
        {**GAS_ROW, "GEM unit ID": "G2", "Capacity (MW)": "not found", "Technology": "Not Found",
         "CHP": "not found", "Start year": "not found", "Fuel": "not found", "Status": "cancelled"},
        {**GAS_ROW, "GEM unit ID": "G3", "CHP": "Yes", "Fuel": "BFG/COG", "Technology": "not found"},
        {**GAS_ROW, "GEM unit ID": "G4", "Start year": 2080, "Status": "announced"},
        {**GAS_ROW, "GEM unit ID": "G5", "Capacity (MW)": "about 40"},
    ]  # fmt: skip
    df = gem.parse_gas_oil_units(_workbook(tmp_path, "Gas & Oil Units", rows))
    first = df.iloc[0]
    assert (first["fuel"], first["fuel_class"], first["status"]) == ("NG/FO", "gas/oil", "operating")
    assert (first["latitude"], first["longitude"], first["chp"]) == (23.5, 90.1, False)
    assert df["gem_technology"].tolist() == ["CC", "unknown", "unknown", "CC", "CC"]
    assert df["chp"].tolist()[1:3] == [pd.NA, True]
    assert df.at[2, "fuel_class"] == "other"

    valid, quarantined = validate(GasOilUnits, df.assign(source_sha256=SHA), GAS, SHA)
    assert valid["gem_unit_id"].tolist() == ["G1", "G2", "G3"]
    g2 = valid.iloc[1]
    assert pd.isna(g2["capacity_mw"]) and pd.isna(g2["start_year"]) and pd.isna(g2["fuel"])
    assert set(
        zip(quarantined["row_key"], quarantined["column_name"], quarantined["check_name"], strict=True)
    ) == {
        ("G4", "start_year", "less_than_or_equal_to(2050)"),
        ("G5", "capacity_mw", "parseable_number"),
    }


def test_co2_parameters_unit_change_is_a_format_error(tmp_path):
    grid = [
        ["Parameters Used to Calculate CO2 Emissions", None, None, None],
        ["Coal", "Emission factor (kg of CO2 per TJ)", "Notes", "Source"],
        ["lignite", 101000, "Lignite", "IPCC 2006"],
        [None, None, None, None],
        ["Combustion Technology", "Heat rate (kJ per kWh)", "Notes", None],
        ["Subcritical", 9181, "Subcritical", "S&L"],
    ]
    path = tmp_path / "co2.xlsx"
    pd.DataFrame(grid).to_excel(path, sheet_name="CO2 Parameters", index=False, header=False)
    with pytest.raises(SourceFormatError, match="Btu per kWh"):
        gem.parse_gem_co2_parameters(path)
