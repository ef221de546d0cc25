"""plant_baselines' activity tiers and national_reconciliation on a small hand-made world (issue 12): a unit
matched to a CEA station (reported), a calibrated unit, a unit dropped as a tracker duplicate, the
efficiency classes; every number worked out by hand here."""

from __future__ import annotations

import pandas as pd
import pytest

from bcm_pipeline.parsers import reference as reference_csv
from tests.test_methodology import COUNTRIES, FUELS, GWP, PARAMS, build_marts, make_db, row

pytestmark = pytest.mark.unit

N = None
H = 8760

# A 1,000 MW CEA station (S_NO 7) with 6,132,000 MWh net and 0.96 tCO2/MWh in FY2018-19, two GEM units on it;
# a 1,000 MW station (S_NO 8) of which GEM lists only a 500 MW unit; country BBB calibrated.
COAL = pd.DataFrame(
    [
        ("R1", "AAA", "subcritical", "bituminous", "operating", 1990, 600.0),
        ("R2", "AAA", "subcritical", "bituminous", "operating", 1995, 400.0),
        ("R3", "AAA", "subcritical", "bituminous", "operating", 2000, 500.0),
        ("C1", "BBB", "subcritical", "bituminous", "operating", 2000, 1000.0),
        ("C2", "BBB", "subcritical", "bituminous", "operating", 2023, 200.0),  # half of 2023
        ("C3", "BBB", "subcritical", "bituminous", "construction", 2026, 700.0),  # not yet running
        ("D1", "BBB", "subcritical", "bituminous", "operating", 1999, 222.0),  # kept in the gas tracker
        ("S1", "BBB", "subcritical", "bituminous", "operating", 1985, 150.0),  # 100-200 MW class
        ("S2", "BBB", "subcritical", "bituminous", "operating", 1985, 660.0),  # >= 600 MW class
    ],
    columns=[
        "gem_unit_id",
        "country_iso3",
        "gem_technology",
        "coal_type",
        "status",
        "start_year",
        "capacity_mw",
    ],
).astype({"start_year": "Int64"})
GAS = pd.DataFrame(
    [
        (
            "E1",
            "BBB",
            "NG",
            "gas",
            "IC",
            "operating",
            2010,
            20.0,
        ),  # a gas engine: not combined-cycle efficiency
        ("G1", "BBB", "NG", "gas", "CC", "operating", 1995, 300.0),
        ("G2", "BBB", "NG", "gas", "CC", "operating", 2010, 300.0),
        ("G3", "BBB", "NG", "gas", "CC", "operating", 2020, 300.0),
    ],
    columns=[
        "gem_unit_id",
        "country_iso3",
        "fuel",
        "fuel_class",
        "gem_technology",
        "status",
        "start_year",
        "capacity_mw",
    ],
).astype({"start_year": "Int64"})
CEA = pd.DataFrame(
    [
        (7, True, "COAL", "2018-19", 6_132_000.0, 1000.0, 5_886_720.0, 0.96),
        (8, True, "COAL", "2018-19", 5_256_000.0, 1000.0, 5_256_000.0, 1.0),
        (7, True, "COAL", "2017-18", 1.0, 1000.0, 1.0, 1.0),  # an older year: not used
    ],
    columns=["s_no", "is_station_total", "fuel_1", "fiscal_year", "net_generation_mwh", "capacity_mw", "co2_t",
             "ef_t_per_mwh"],
)  # fmt: skip
MATCHES = pd.DataFrame(
    [
        ("coal_units", "R1", "2018-19", "matched", 7, "STATION SEVEN", 600.0, 1000.0),
        ("coal_units", "R2", "2018-19", "matched", 7, "STATION SEVEN", 400.0, 1000.0),
        ("coal_units", "R3", "2018-19", "matched", 8, "STATION EIGHT", 500.0, 1000.0),
    ],
    columns=["unit_source", "gem_unit_id", "fiscal_year", "match_status", "cea_s_no", "cea_station_name",
             "capacity_mw", "cea_station_capacity_mw"],
)  # fmt: skip
CALIBRATED = pd.DataFrame(
    [
        ("BBB", "coal", "coal_subcritical", 2023, 0.5, False),
        ("BBB", "gas", "gas_combined_cycle", 2023, 0.4, False),
        ("BBB", "gas", "gas_engine", 2023, 0.3, False),
    ],
    columns=["country_iso3", "fuel_class", "technology", "year", "capacity_factor", "is_clamped"],
)
DUPLICATES = pd.DataFrame([("coal_units", "D1")], columns=["dropped_unit_source", "dropped_gem_unit_id"])
EFFICIENCY = pd.DataFrame(
    [
        ("sub_lt100", "coal_subcritical", "coal", 0.0, 100.0, N, N, 0.32, 0.30, 0.34),
        ("sub_100_200", "coal_subcritical", "coal", 100.0, 200.0, N, N, 0.34, 0.32, 0.36),
        ("sub_200_600", "coal_subcritical", "coal", 200.0, 600.0, N, N, 0.365, 0.35, 0.38),
        ("sub_ge600", "coal_subcritical", "coal", 600.0, N, N, N, 0.385, 0.38, 0.39),
        ("cc_old", "gas_combined_cycle", "gas", 0.0, N, N, 2000, 0.46, 0.43, 0.50),
        ("cc_mid", "gas_combined_cycle", "gas", 0.0, N, 2001, 2014, 0.53, 0.50, 0.56),
        ("cc_new", "gas_combined_cycle", "gas", 0.0, N, 2015, N, 0.57, 0.55, 0.62),
        ("engine", "gas_engine", "gas", 0.0, N, N, N, 0.43, 0.38, 0.46),
    ],
    columns=["efficiency_class_id", "technology", "fuel_class", "size_min_mw", "size_max_mw", "start_year_min",
             "start_year_max", "net_efficiency_lhv", "net_efficiency_lhv_low", "net_efficiency_lhv_high"],
).astype({"size_max_mw": "float64", "start_year_min": "Int64", "start_year_max": "Int64"})  # fmt: skip
PARAMS_HERE = pd.concat(
    [
        PARAMS,
        pd.DataFrame(
            [
                ("gross_to_net_share", "*", "*", "*", 0.06, None),
                ("capacity_factor", "*", "gas", "*", 0.55, None),
            ],
            columns=PARAMS.columns,
        ),
    ],
    ignore_index=True,
)
OWID = pd.DataFrame(
    [
        ("Bland", "BBB", False, 2023, "coal", 8.3658),
        ("Bland", "BBB", False, 2023, "hydro", 1.0),
        ("Bland", "BBB", False, 2023, "gas", 2.0),
    ],
    columns=["entity", "country_iso3", "is_aggregate", "year", "source", "generation_twh"],
)
INTENSITY = pd.DataFrame(
    [("Bland", "BBB", False, 2023, 0.5)],
    columns=["entity", "country_iso3", "is_aggregate", "year", "ef_t_per_mwh"],
)
CATALOGUE = pd.DataFrame(
    columns=["technology_id", "parameter_set", "fuel_class", "technology", "vintage", "net_efficiency_lhv"]
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    con = make_db(
        tmp_path_factory.mktemp("activity") / "w.duckdb",
        {
            "coal_units": COAL,
            "gas_oil_units": GAS,
            "cea_india_units": CEA,
            "cea_gem_unit_matches": MATCHES,
            "calibrated_capacity_factors": CALIBRATED,
            "tracker_duplicate_units": DUPLICATES,
            "unit_efficiency_classes": EFFICIENCY,
            "scenario_parameters": PARAMS_HERE,
            "technologies": reference_csv.technologies(),
            "agreements": pd.DataFrame(columns=["agreement_id", "host_country_iso3"]),
            "technology_catalogue": CATALOGUE.astype({"net_efficiency_lhv": "float64"}),
            "fuel_defaults": FUELS,
            "gwp": GWP,
            "countries": COUNTRIES.assign(is_host_country=True),
            "project_cases": pd.DataFrame(
                columns=[
                    "case_id",
                    "kind",
                    "country_iso3",
                    "fuel_class",
                    "coal_type",
                    "from_technology",
                    "start_year",
                    "capacity_mw",
                    "capacity_factor",
                    "aux_consumption_share",
                    "from_efficiency_lhv",
                    "co2_ef_t_per_tj",
                ]
            ),  # fmt: skip
            "owid_electricity_by_source": OWID,
            "owid_carbon_intensity": INTENSITY,
        },
    )
    build_marts(con, ["plant_baselines", "national_reconciliation"])
    return con


def test_matched_unit_reported_by_hand(world):
    r = row(world, "plant_baselines", "unit_id = 'R1'")
    # 600 of the station's 1,000 MW: 6,132,000 x 0.6 = 3,679,200 MWh net; CF = 3,679,200 / (600 x 8760) = 0.7.
    assert r["estimation_tier"] == "reported" and r["activity_year"] == 2018
    assert r["aux_consumption_share"] == 0  # CEA's generation is net
    assert r["net_generation_mwh_per_yr"] == pytest.approx(3_679_200)
    assert r["capacity_factor"] == pytest.approx(0.7)
    # CEA's 0.96 tCO2/MWh with the bituminous EF 94.6 t/TJ: eta = 0.0036 x 94.6 / 0.96 = 0.35475, and the CO2
    # is CEA's share: 3,679,200 x 0.96 = 3,532,032 t (the station's 5,886,720 t x 0.6).
    assert r["efficiency_lhv"] == pytest.approx(0.0036 * 94.6 / 0.96)
    assert r["co2_t_per_yr"] == pytest.approx(3_532_032)
    assert r["intensity_t_per_mwh"] == pytest.approx(0.96)
    assert "FY2018-19 S_NO 7" in r["capacity_factor_source"] and r["efficiency_source"].startswith(
        "reported:"
    )
    both = world.execute(
        "SELECT sum(co2_t_per_yr) FROM plant_baselines WHERE unit_id IN ('R1', 'R2')"
    ).fetchone()[0]
    assert both == pytest.approx(5_886_720)  # the station's CO2, all of it


def test_gem_missing_a_unit_does_not_inflate_the_others(world):
    r = row(world, "plant_baselines", "unit_id = 'R3'")
    # 500 MW of a 1,000 MW station: half its 5,256,000 MWh, CF 2,628,000 / (500 x 8760) = 0.6 (not 1.2).
    assert r["net_generation_mwh_per_yr"] == pytest.approx(2_628_000)
    assert r["capacity_factor"] == pytest.approx(0.6)


def test_calibrated_unit_by_hand(world):
    r = row(world, "plant_baselines", "unit_id = 'C1'")
    # CF 0.5 (gross, OWID) x 1,000 MW x 8760 h x (1 - 0.06) = 4,117,200 MWh net.
    assert r["estimation_tier"] == "calibrated" and r["activity_year"] == 2023
    assert r["aux_consumption_share"] == 0.06
    assert r["net_generation_mwh_per_yr"] == pytest.approx(4_117_200)
    assert r["efficiency_source"] == "unit_efficiency_classes:sub_ge600"
    assert r["capacity_factor_source"].startswith(
        "calibrated:calibrated_capacity_factors BBB/coal/coal_subcritical 2023"
    )


def test_duplicate_record_has_no_baseline(world):
    assert world.execute("SELECT count(*) FROM plant_baselines WHERE unit_id = 'D1'").fetchone()[0] == 0


def test_efficiency_classes(world):
    eff = dict(world.execute("SELECT unit_id, efficiency_lhv FROM plant_baselines").fetchall())
    assert (
        eff["S1"] == 0.34 and eff["R3"] < eff["S2"] == 0.385
    )  # bigger subcritical units never less efficient
    assert eff["E1"] == 0.43  # the gas engine has its own class
    assert (eff["G1"], eff["G2"], eff["G3"]) == (0.46, 0.53, 0.57)  # combined cycle by vintage


def test_national_reconciliation_by_hand(world):
    r = row(world, "national_reconciliation", "country_iso3 = 'BBB' AND fuel_class = 'coal'")
    assert r["year"] == 2023
    # Running in 2023: C1 1000 MW, S1 150, S2 660 all year, C2 200 MW half of it (started in 2023); C3 is
    # not built. Each baseline is a full year at CF 0.5, netted by 0.94; grossed up again (/ 0.94):
    # (1000 + 150 + 660) x 0.5 x 8760 + 200 x 0.5 x 8760 x 0.5 = 7,927,800 + 438,000 = 8,365,800 MWh.
    gross = 8_365_800
    assert r["plant_generation_mwh"] == pytest.approx(gross)
    assert r["plant_net_generation_mwh"] == pytest.approx(gross * 0.94)
    national = 8.3658e6  # OWID 8.3658 TWh
    assert r["generation_ratio"] == pytest.approx(1.0) and not r["is_outside_10pct"]
    assert r["national_generation_mwh"] == pytest.approx(national)
    assert r["generation_ratio"] == pytest.approx(gross / national)
    assert r["national_co2_t"] is None or pd.isna(
        r["national_co2_t"]
    )  # no independent per-fuel CO2 outside India
    fossil = row(world, "national_reconciliation", "country_iso3 = 'BBB' AND fuel_class = 'fossil'")
    # OWID/Ember intensity 0.5 t/MWh x all sources (coal + hydro + gas) in 2023.
    assert fossil["national_co2_t"] == pytest.approx(0.5 * (national + 1.0e6 + 2.0e6))
