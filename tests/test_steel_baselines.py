"""sql/marts/steel_baselines.sql on a small hand-made world; every number worked out by hand here.

The world: in India (national utilisation 0.804, low 0.789) a BF-BOF plant with an announced expansion and a
DRI-EAF plant; in Viet Nam a scrap EAF (world utilisation 0.756); in Thailand a scrap EAF with no grid factor;
in India a plant whose EAF capacity GIST gives only as '>0'. The defaults are typed in here (the values of
steel_defaults.csv), so a change of the CSV does not change what this test checks.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from bcm_pipeline import build, warehouse
from bcm_pipeline.schemas.base import stored_failures
from bcm_pipeline.schemas.steel import SteelBaselines, SteelDefaults, SteelPlants

pytestmark = pytest.mark.unit

# (parameter, item, country, value, low, high)
DEFAULTS = [
    ("co2_ef", "steel_bof", "*", 1.46, 1.095, 1.825),
    ("co2_ef", "steel_eaf", "*", 0.08, 0.06, 0.10),
    ("co2_ef", "steel_ohf", "*", 1.72, 1.29, 2.15),
    ("co2_ef", "steel_unknown_route", "*", 1.06, 0.795, 1.325),
    ("co2_ef", "dri_gas", "*", 0.70, 0.525, 0.875),
    ("co2_ef", "dri_coal", "*", 2.8, 2.1, 3.5),
    ("utilisation", "crude_steel", "*", 0.756, 0.713, 0.79),
    ("utilisation", "crude_steel", "IND", 0.804, 0.789, 0.804),
    ("electricity", "steel_scrap_eaf", "*", 0.474, 0.40, 0.667),
    ("electricity", "steel_dri_eaf", "*", 0.59, 0.472, 0.753),
    ("electricity", "dri_plant_gas", "*", 0.08, 0.078, 0.091),
    ("electricity", "dri_plant_coal", "*", 0.08, 0.078, 0.091),
    ("dri_charge", "steel_dri_eaf", "*", 1.1, 1.03, 1.1),
    ("natural_gas", "dri_gas", "*", 9.7, 8.64, 9.84),
    ("coal", "steel_bf_bof", "*", 21.32, None, None),
    ("coal", "dri_coal", "*", 27.24, None, None),
    ("dri_coal_share", "dri", "IND", 0.79, None, None),
    ("dri_coal_share", "dri", "*", 0.24, None, None),
]

# (plant, status, country, bof, eaf, bf, dri, capacity_flags)
PLANTS = [
    ("P1", "operating", "IND", 2_000_000, None, 1_800_000, None, None),
    ("P1", "announced", "IND", 5_000_000, None, None, None, None),  # not operating: left out
    ("P2", "operating", "IND", None, 1_000_000, None, 550_000, None),
    ("P3", "operating", "VNM", None, 400_000, None, None, None),
    ("P4", "operating", "THA", None, 300_000, None, None, None),
    ("P5", "operating", "IND", None, None, None, 100_000, "eaf_steel_capacity_t_per_yr_positive_unknown"),
]


@pytest.fixture(scope="module")
def baselines(tmp_path_factory) -> pd.DataFrame:
    con = duckdb.connect(str(tmp_path_factory.mktemp("steel") / "w.duckdb"))
    cite = {c: "test" for c in ["unit", "source_document", "source_table", "source_page", "verified"]}
    defaults = pd.DataFrame(
        [dict(zip(["parameter", "item", "country_iso3", "value", "value_low", "value_high"], d, strict=True)) | cite
         for d in DEFAULTS]
    )  # fmt: skip
    defaults["note"] = None
    warehouse.write_table(con, SteelDefaults, SteelDefaults.validate(defaults))
    base = {c: None for c in SteelPlants.to_schema().columns}
    plants = pd.DataFrame(
        [base | dict(gem_plant_id=p, status=s, country_iso3=c, country_name=c, plant_name=f"plant {p}",
                     bof_steel_capacity_t_per_yr=bof, eaf_steel_capacity_t_per_yr=eaf, bf_capacity_t_per_yr=bf,
                     dri_capacity_t_per_yr=dri, capacity_flags=flags, is_operating=s == "operating",
                     source_sha256="sha")
         for p, s, c, bof, eaf, bf, dri, flags in PLANTS]
    )  # fmt: skip
    warehouse.write_table(con, SteelPlants, SteelPlants.validate(plants))
    con.execute(
        "CREATE TABLE grid_emission_factors AS SELECT * FROM (VALUES "
        "('IND', '2023', 'owid', 'average_intensity', 0.70), ('IND', '2024', 'owid', 'average_intensity', 0.71), "
        "('IND', '2021', 'ifi', 'cm_efficiency', 0.61), ('VNM', '2024', 'owid', 'average_intensity', 0.40)) "
        "AS t(country_iso3, period, source, method, ef_t_per_mwh)"
    )
    con.execute(
        "CREATE TABLE grid_factor_for_crediting AS SELECT * FROM (VALUES "
        "('IND', 'efficiency', 0.61), ('IND', 'wind', 0.82), ('VNM', 'efficiency', 0.38)) "
        "AS t(country_iso3, project_type, ef_t_per_mwh)"
    )
    build.computed_table(con, "steel_route_factors")  # the per-route factors steel_baselines reads
    build.computed_table(con, "steel_baselines")
    rows, failures = stored_failures(con, SteelBaselines)
    assert failures.empty, failures.head().to_string()
    return con.execute("SELECT * FROM steel_baselines").df().set_index("baseline_id")


def test_rows_per_plant_and_route(baselines):
    assert sorted(baselines.index) == [
        "P1:steel_bf_bof",
        "P2:steel_dri_eaf_coal",
        "P2:steel_scrap_eaf",
        "P3:steel_scrap_eaf",
        "P4:steel_scrap_eaf",
        "P5:steel_dri_eaf_coal",
    ]


def test_bf_bof_plant_baseline_by_hand(baselines):
    r = baselines.loc["P1:steel_bf_bof"]
    # operating capacity only: 2,000,000 t/yr (the announced 5,000,000 is another status)
    assert r["capacity_t_per_yr"] == 2_000_000
    # India is calibrated: 144.30 / 179.51 = 0.804 (JPC FY 2023-24)
    assert (r["utilisation"], r["utilisation_tier"]) == (0.804, "calibrated")
    # production = 2,000,000 x 0.804 = 1,608,000 t; direct CO2 = 1,608,000 x 1.46 = 2,347,680 t
    assert r["production_t_per_yr"] == pytest.approx(1_608_000)
    assert r["direct_co2_t_per_yr"] == pytest.approx(2_347_680)
    # low = 2,000,000 x 0.789 x 1.095 = 1,727,910; high = 2,000,000 x 0.804 x 1.825 = 2,934,600
    assert r["direct_co2_t_per_yr_low"] == pytest.approx(1_727_910)
    assert r["direct_co2_t_per_yr_high"] == pytest.approx(2_934_600)
    # coal: 1,608,000 t x 21.32 GJ/t = 34,282,560 GJ = 34,282.56 TJ
    assert r["coal_tj_per_yr"] == pytest.approx(34_282.56)
    # no indirect estimate for BF-BOF (works gases power the plant): total = direct
    assert pd.isna(r["indirect_co2_t_per_yr"]) and not r["includes_indirect_electricity"]
    assert r["total_co2_t_per_yr"] == pytest.approx(2_347_680)
    assert r["flags"] == "excludes_coke_ovens_and_sinter;indirect_not_estimated"  # BF 1.8 Mt < BOF 2.0 Mt


def test_dri_eaf_split_and_indirect_electricity_by_hand(baselines):
    dri = baselines.loc["P2:steel_dri_eaf_coal"]
    # DRI feeds min(1,000,000, 550,000 / 1.1 = 500,000) t of EAF steel; India's DRI is 79 % coal: coal route
    assert dri["capacity_t_per_yr"] == pytest.approx(500_000) and dri["dri_reductant"] == "coal"
    # production 500,000 x 0.804 = 402,000 t; DRI 402,000 x 1.1 = 442,200 t
    assert dri["production_t_per_yr"] == pytest.approx(402_000)
    assert dri["dri_t_per_yr"] == pytest.approx(442_200)
    # factor 0.08 + 1.1 x 2.8 = 3.16 t/t; direct = 402,000 x 3.16 = 1,270,320 t
    assert dri["direct_co2_ef_t_per_t"] == pytest.approx(3.16)
    assert dri["direct_co2_t_per_yr"] == pytest.approx(1_270_320)
    # low 0.06 + 1.03 x 2.1 = 2.223 -> 500,000 x 0.789 x 2.223 = 876,973.5; high 0.10 + 1.1 x 3.5 = 3.95 -> 1,587,900
    assert dri["direct_co2_t_per_yr_low"] == pytest.approx(876_973.5)
    assert dri["direct_co2_t_per_yr_high"] == pytest.approx(1_587_900)
    # electricity 0.59 + 1.1 x 0.08 = 0.678 MWh/t -> 272,556 MWh; x India's latest average 0.71 (2024) = 193,514.76 t
    assert dri["electricity_mwh_per_yr"] == pytest.approx(272_556)
    assert dri["grid_ef_t_per_mwh"] == 0.71 and dri["grid_ef_crediting_t_per_mwh"] == 0.61
    assert dri["indirect_co2_t_per_yr"] == pytest.approx(193_514.76)
    # low: 500,000 x 0.789 x (0.472 + 1.03 x 0.078 = 0.55234) x min(0.71, 0.61) = 132,917.86
    assert dri["indirect_co2_t_per_yr_low"] == pytest.approx(132_917.86, rel=1e-6)
    # high: 402,000 x (0.753 + 1.1 x 0.091 = 0.8531) x max(0.71, 0.61) = 243,491.80
    assert dri["indirect_co2_t_per_yr_high"] == pytest.approx(243_491.80, rel=1e-6)
    # total = 1,270,320 + 193,514.76 = 1,463,834.76, and it says it includes the indirect part
    assert dri["total_co2_t_per_yr"] == pytest.approx(1_463_834.76) and dri["includes_indirect_electricity"]
    # coal: 402,000 x 1.1 x 27.24 GJ = 12,045,528 GJ = 12,045.528 TJ
    assert dri["coal_tj_per_yr"] == pytest.approx(12_045.528)
    assert "dri_reductant_assumed" in dri["flags"] and "dri_coal_ef_life_cycle" in dri["flags"]

    scrap = baselines.loc["P2:steel_scrap_eaf"]
    # the other 500,000 t: 402,000 t x 0.08 = 32,160 t direct; 402,000 x 0.474 = 190,548 MWh x 0.71 = 135,289.08 t
    assert scrap["capacity_t_per_yr"] == pytest.approx(500_000)
    assert scrap["direct_co2_t_per_yr"] == pytest.approx(32_160)
    assert scrap["indirect_co2_t_per_yr"] == pytest.approx(135_289.08)


def test_default_utilisation_and_missing_grid_factor(baselines):
    vnm = baselines.loc["P3:steel_scrap_eaf"]
    # world rate: 400,000 x 0.756 = 302,400 t; direct 24,192 t; 302,400 x 0.474 = 143,337.6 MWh x 0.40 = 57,335.04 t
    assert (vnm["utilisation"], vnm["utilisation_tier"]) == (0.756, "default")
    assert vnm["direct_co2_t_per_yr"] == pytest.approx(24_192)
    assert vnm["indirect_co2_t_per_yr"] == pytest.approx(57_335.04)
    assert vnm["flags"] == "utilisation_default"
    tha = baselines.loc["P4:steel_scrap_eaf"]
    # no grid factor for Thailand in this world: indirect unknown (null), total = direct = 300,000 x 0.756 x 0.08
    assert pd.isna(tha["indirect_co2_t_per_yr"]) and not tha["includes_indirect_electricity"]
    assert tha["total_co2_t_per_yr"] == pytest.approx(18_144)
    assert "no_grid_factor" in tha["flags"]


def test_positive_unknown_capacity_gives_a_null_row_with_a_flag(baselines):
    r = baselines.loc["P5:steel_dri_eaf_coal"]
    assert pd.isna(r["capacity_t_per_yr"]) and pd.isna(r["total_co2_t_per_yr"])
    assert "capacity_positive_unknown" in r["flags"]
