"""The one technology vocabulary (bcm_pipeline/reference/technologies.csv): the agreed ids and GEM codes,
every technology the repo's parameters, agreements and cases name is one of them, and GEM's codes reach the
marts mapped. (That every code in the real trackers maps: tests/test_parsers_gem.py, on the parsed files.)

The expected mapping is typed in here from the vocabulary brief, not read from the CSV under test.
"""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from test_methodology import CATALOGUE, FUELS, GWP, PARAMS, PRICES, build_marts, make_db

from bcm_pipeline.parsers import config
from bcm_pipeline.parsers import reference as reference_csv
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.reference import Technologies
from bcm_pipeline.settings import REFERENCE_DIR

PROJECT_ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.unit

GCPT, GOGPT = "gem_coal_plant_tracker", "gem_oil_gas_plant_tracker"
COAL = {
    "subcritical": "coal_subcritical",
    "supercritical": "coal_supercritical",
    "ultra-supercritical": "coal_usc",
    "cfb": "coal_cfb",
    "igcc": "coal_igcc",
    "unknown": "coal_unknown",
}
GAS = {
    "CC": "gas_combined_cycle",
    "GT": "gas_open_cycle",
    "ST": "gas_steam",
    "IC": "gas_engine",
    "ICCC": "gas_engine_combined_cycle",
    "ISCC": "gas_solar_combined_cycle",
    "AFC": "gas_allam_cycle",
    "unknown": "gas_unknown",
}
OIL = {
    "ST": "oil_steam",
    "GT": "oil_open_cycle",
    "CC": "oil_combined_cycle",
    "IC": "oil_engine",
    "ICCC": "oil_engine_combined_cycle",
    "unknown": "oil_unknown",
}
CATALOGUE_ONLY = {"coal_ausc", "coal_fbs", "coal_pfbs"}
GRID = {"solar_pv", "wind", "efficiency"}
# Issue 16: the routes of steel_baselines, the options of steel_swaps, the appliances of end-use programmes.
STEEL_ROUTES = {
    "steel_bf_bof",
    "steel_dri_eaf_gas",
    "steel_dri_eaf_coal",
    "steel_scrap_eaf",
    "steel_open_hearth",
    "steel_unspecified",
}
STEEL = STEEL_ROUTES | {"steel_trt", "steel_whr"}
END_USE = {"appliance_inverter_ac", "appliance_efficient"}


def rows(name: str) -> list[dict]:
    """A reference CSV as plain text rows (csv module), '' for empty cells."""
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fuel_class_of() -> dict[str, str]:
    return {r["technology"]: r["fuel_class"] for r in rows("technologies.csv")}


def test_table_validates_without_quarantine():
    valid, quarantined = validate(Technologies, reference_csv.technologies(), "reference", None)
    assert (
        len(quarantined) == 0 and len(valid) == 44
    )  # 6 coal + 3 catalogue-only + 8 x 2 gas + 6 oil + 3 grid + 6 steel routes + 2 steel measures + 2 end use


def test_the_agreed_codes_map_to_the_agreed_ids():
    expected = {(GCPT, "coal", code): tech for code, tech in COAL.items()}
    expected |= {(GOGPT, fc, code): tech for fc in ("gas", "gas/oil") for code, tech in GAS.items()}
    expected |= {(GOGPT, "oil", code): tech for code, tech in OIL.items()}
    coded = [r for r in rows("technologies.csv") if r["source_code"]]
    assert {
        (r["source_id"], r["source_fuel_class"], r["source_code"]): r["technology"] for r in coded
    } == expected
    uncoded = {
        r["technology"]: (r["sector"], r["source_id"])
        for r in rows("technologies.csv")
        if not r["source_code"]
    }
    assert uncoded == (
        {t: ("power", "") for t in CATALOGUE_ONLY}
        | {t: ("grid", "") for t in GRID}
        | {t: ("steel", "") for t in STEEL}
        | {t: ("end_use", "") for t in END_USE}
    )
    for r in rows("technologies.csv"):  # every power id says its fuel: coal_*, gas_*, oil_*; the others none
        assert r["fuel_class"] == (r["technology"].split("_")[0] if r["sector"] == "power" else "")


def test_a_code_mapped_twice_is_refused():
    df = reference_csv.technologies()
    twice = df[df["source_code"] == "CC"].head(1).assign(technology="gas_cc_again")
    with pytest.raises(Exception, match="one_technology_per_code"):
        Technologies.validate(pd.concat([df, twice], ignore_index=True), lazy=True)


def test_catalogue_and_scenario_parameters_use_the_vocabulary():
    fuel = fuel_class_of()
    for r in rows("technology_catalogue.csv"):
        assert fuel.get(r["technology"]) == r["fuel_class"], r["technology_id"]
    for r in rows("scenario_parameters.csv"):
        if r["parameter"] == "swap_target":  # key: the target; value_text: the fuel class it burns
            assert fuel.get(r["key"]) == r["value_text"], r
        elif r["parameter"] == "unknown_technology_assumed":
            assert fuel.get(r["value_text"]) == r["fuel_class"], r
        elif r["parameter"] == "capacity_factor" and r["key"] != "*":
            assert fuel.get(r["key"]) == r["fuel_class"], r
    defaults = {r["to_technology"] for r in rows("grid_project_defaults.csv")}
    assert defaults == GRID


def test_agreements_and_cases_use_the_vocabulary():
    known = set(fuel_class_of())
    agreements = config.agreements_frame()
    for listed in agreements["eligible_to_technologies"]:
        assert set(listed.split(";")) <= known
    cases = config.cases_frame()
    assert set(cases["to_technology"]) <= known
    assert set(cases["from_technology"].dropna()) <= known
    # The docs' example SQL filters on an id too.
    assert "from_technology = 'coal_subcritical'" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_config_reads_its_allowed_technologies_from_the_csv():
    assert config.technologies("grid") == {"solar_pv": None, "wind": None, "efficiency": None}
    assert set(config.technologies("steel")) == STEEL and set(config.technologies("end_use")) == END_USE
    # The steel routes are the ones steel_baselines writes (its model's isin).
    from bcm_pipeline.schemas.steel import STEEL_ROUTES as BASELINE_ROUTES

    assert set(BASELINE_ROUTES) == STEEL_ROUTES
    power = config.technologies("power")
    assert (
        power["coal_usc"] == "coal" and power["gas_combined_cycle"] == "gas" and power["oil_engine"] == "oil"
    )
    assert set(power) == set(COAL.values()) | set(GAS.values()) | set(OIL.values()) | CATALOGUE_ONLY


CASE = """\
case_id: mixed_up
country_iso3: AAA
capacity_mw: 100
capacity_factor: 0.5
fuel_class: gas
from_technology: coal_subcritical
to_technology: gas_combined_cycle
"""


def test_a_case_whose_baseline_burns_another_fuel_is_refused(tmp_path):
    path = tmp_path / "mixed_up.yaml"
    path.write_text(CASE)
    with pytest.raises(config.ConfigError, match="from_technology: 'coal_subcritical' burns coal"):
        config.load_case(path)
    path.write_text(CASE.replace("from_technology: coal_subcritical", "from_technology: subcritical"))
    with pytest.raises(config.ConfigError, match="unknown technology 'subcritical'"):  # GEM's word: refused
        config.load_case(path)


GAS_UNITS = pd.DataFrame(
    [  # id, country, fuel, fuel class, GEM code, status, start year, MW
        ("O1", "AAA", "FO", "oil", "CC", "operating", 2005, 100.0),
        ("O2", "AAA", "FO", "oil", "GT", "operating", 2005, 100.0),
        ("O3", "AAA", "NG/FO", "gas/oil", "CC", "operating", 2005, 100.0),
        ("O4", "AAA", "NG", "gas", "IC", "operating", 2005, 100.0),
        ("O5", "AAA", "BFG", "other", "ST", "operating", 2005, 100.0),
    ],
    columns=["gem_unit_id", "country_iso3", "fuel", "fuel_class", "gem_technology", "status", "start_year",
             "capacity_mw"],
).assign(plant_name="P", unit_name="1")  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vocab")
    (tmp / "cases").mkdir()
    (tmp / "cases" / "only.yaml").write_text(
        textwrap.dedent("""\
        case_id: only
        country_iso3: AAA
        capacity_mw: 10
        capacity_factor: 0.5
        fuel_class: gas
        from_technology: gas_open_cycle
        to_technology: gas_combined_cycle
        """)
    )
    params = pd.concat(
        [
            PARAMS,
            pd.DataFrame(
                [
                    ("swap_target", "*", "gas", "gas_combined_cycle", None, "gas"),
                    ("swap_target", "*", "oil", "gas_combined_cycle", None, "gas"),
                    ("fuel_map", "*", "oil", "*", None, "residual_fuel_oil"),
                    ("capacity_factor", "*", "gas", "*", 0.5, None),
                    ("capacity_factor", "*", "oil", "*", 0.2, None),
                ],
                columns=["parameter", "country_iso3", "fuel_class", "key", "value", "value_text"],
            ),
        ],
        ignore_index=True,
    )
    oil_fuel = pd.DataFrame(
        [("residual_fuel_oil", "oil", None, True, 40.4, 77.4, 75.5, 78.8, 3.0, 0.6)], columns=FUELS.columns
    )
    con = make_db(
        tmp / "world.duckdb",
        {
            "gas_oil_units": GAS_UNITS,
            "fuel_prices_monthly": PRICES,
            "scenario_parameters": params,
            "technologies": reference_csv.technologies(),
            # Efficiencies for the gas and oil classes of this world (any value: only the mapping is tested).
            "technology_catalogue": pd.concat(
                [CATALOGUE, pd.DataFrame(
                    [(f"t07_{t}", "tool07_default", f, t, "any", None, None, 0.35, None, None, None, None, None, None)
                     for f, t in [("oil", "oil_combined_cycle"), ("oil", "oil_open_cycle"), ("gas", "gas_engine"),
                                  ("gas", "gas_open_cycle")]],
                    columns=CATALOGUE.columns[:14])],  # no cost columns: price year, lifetime null
                ignore_index=True,
            ),
            "unit_efficiency_classes": reference_csv.unit_efficiency_classes(),
            "fuel_defaults": pd.concat([FUELS, oil_fuel], ignore_index=True),
            "gwp": GWP,
            "countries": pd.DataFrame([("AAA", "Aland", True)], columns=["country_iso3", "country_name",
                                                                       "is_host_country"]),
            "agreements": config.agreements_frame(),
            "project_cases": config.cases_frame(tmp / "cases"),
        },
    )  # fmt: skip
    build_marts(con, ["plant_baselines", "grid_displacement_swaps", "technology_swaps"])
    return con


def test_gem_codes_reach_the_marts_mapped(world):
    got = world.execute(
        "SELECT unit_id, fuel_class, technology, gem_technology FROM plant_baselines ORDER BY unit_id"
    ).fetchall()
    # GOGPT codes read by fuel class; gas/oil counts as gas; 'other' fuels get no baseline; cases keep no code.
    assert got == [
        ("O1", "oil", "oil_combined_cycle", "CC"),
        ("O2", "oil", "oil_open_cycle", "GT"),
        ("O3", "gas", "gas_combined_cycle", "CC"),
        ("O4", "gas", "gas_engine", "IC"),
        ("only", "gas", "gas_open_cycle", None),
    ]


def test_targets_as_before_the_vocabulary(world):
    swaps = {r[0] for r in world.execute("SELECT swap_id FROM technology_swaps").fetchall()}
    # O2 (oil GT) is offered the gas CC fuel switch and O4 (gas engine) the CC rebuild; O3 is a CC already.
    # O1 (oil CC) gets none: GEM's codes were compared before the one vocabulary (CC = CC), kept so the
    # figures stay as they were.
    assert swaps == {
        "gas_oil_units:O2:gas_combined_cycle",
        "gas_oil_units:O4:gas_combined_cycle",
        "case:only:gas_combined_cycle",
    }
