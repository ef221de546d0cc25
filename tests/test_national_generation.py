"""national_generation: OWID's electricity by source, plus a cited supplement for a country-year OWID's
download lacks (the UAE after 2000), and the capacity factor calibrated on it, on a small hand-made world.

The world: BBB has OWID rows for 2023 (coal 1.0, gas 2.0 TWh) and a supplement row for 2023 gas (9.9 TWh)
that must be ignored; CCC has no OWID row after 2000 (gas 5.0 TWh in 2000) and supplement rows for 2023
(gas 3.504 TWh, nuclear 1.0 TWh), like the UAE.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_methodology import _params, make_db

from bcm_pipeline import build
from bcm_pipeline.activity.tables import activity_tables
from bcm_pipeline.parsers import reference as reference_csv

pytestmark = pytest.mark.unit

OWID = pd.DataFrame(
    [
        ("Bland", "BBB", False, 2023, "coal", 1.0),
        ("Bland", "BBB", False, 2023, "gas", 2.0),
        ("Cland", "CCC", False, 2000, "gas", 5.0),
        ("World", "WLD", True, 2023, "gas", 6000.0),  # an aggregate: never a country's total
    ],
    columns=["entity", "country_iso3", "is_aggregate", "year", "source", "generation_twh"],
)
SUPPLEMENTS = pd.DataFrame(
    [("BBB", 2023, "gas", 9.9), ("CCC", 2023, "gas", 3.504), ("CCC", 2023, "nuclear", 1.0)],
    columns=["country_iso3", "year", "source", "generation_twh"],
)
GAS = pd.DataFrame(
    [  # two CCC combined-cycle units of 500 MW online all 2023, one BBB unit
        ("G1", "CCC", "natural gas", "gas", "CC", "operating", 2010, 500.0),
        ("G2", "CCC", "natural gas", "gas", "CC", "operating", 2012, 500.0),
        ("G3", "BBB", "natural gas", "gas", "CC", "operating", 2010, 1000.0),
    ]
    + [
        (f"T{i}", "DDD", "natural gas", "gas", "CC", "operating", 2023, 1.0) for i in range(10)
    ],  # tracker year
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
).assign(
    gem_location_id=None,
    plant_name="p",
    unit_name="u",
    retired_year=None,
    captive=None,
    subnational_unit=None,
    latitude=None,
    longitude=None,
)
PARAMS = _params(
    [
        ("gross_to_net_share", "*", "*", "*", 0.06, None),
        ("calibrated_capacity_factor_min", "*", "*", "*", 0.05, None),
        ("calibrated_capacity_factor_max", "*", "*", "*", 0.95, None),
        ("capacity_factor", "*", "gas", "gas_combined_cycle", 0.55, None),
    ]
)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = make_db(
        tmp_path_factory.mktemp("national") / "w.duckdb",
        {
            "owid_electricity_by_source": OWID,
            "national_generation_supplements": SUPPLEMENTS,
            "gas_oil_units": GAS,
            "technologies": reference_csv.technologies(),
            "scenario_parameters": PARAMS,
            "cea_station_locations": pd.DataFrame(
                columns=["fiscal_year", "s_no", "station_name", "latitude", "longitude"]
            ),
        },
    )
    # The trackers with every column activity_tables reads (the contract tables keep fewer).
    con.register("_gas", GAS)
    con.execute("CREATE OR REPLACE TABLE gas_oil_units AS SELECT * FROM _gas")
    # One coal unit elsewhere (EEE, no national figure), so the coal tracker has a year.
    con.execute(
        "CREATE OR REPLACE TABLE coal_units AS SELECT * EXCLUDE (fuel, fuel_class) "
        "REPLACE ('EEE' AS country_iso3, 'subcritical' AS gem_technology) FROM _gas WHERE gem_unit_id = 'G1'"
    )
    con.unregister("_gas")
    build.computed_table(con, "national_generation")
    return con


def test_supplement_fills_only_a_missing_country_year(con):
    rows = con.execute(
        "SELECT country_iso3, year, source, generation_twh, origin FROM national_generation ORDER BY ALL"
    ).fetchall()
    assert rows == [
        ("BBB", 2023, "coal", 1.0, "owid_electricity_by_source"),
        ("BBB", 2023, "gas", 2.0, "owid_electricity_by_source"),  # OWID's 2.0 kept, the supplement's 9.9 not
        ("CCC", 2000, "gas", 5.0, "owid_electricity_by_source"),
        ("CCC", 2023, "gas", 3.504, "national_generation_supplements"),
        ("CCC", 2023, "nuclear", 1.0, "national_generation_supplements"),
    ]


def test_country_calibrated_on_its_supplement_by_hand(con):
    cf = activity_tables(con)["calibrated_capacity_factors"].set_index(["country_iso3", "fuel_class"])
    c = cf.loc[("CCC", "gas")]
    # 3.504 TWh = 3,504,000 MWh over 1,000 MW x 8,760 h = 0.4 (gross), in 2023, not 2000's 5.0 TWh.
    assert c["year"] == 2023
    assert c["national_generation_mwh"] == pytest.approx(3_504_000)
    assert c["capacity_factor"] == pytest.approx(3_504_000 / (1000 * 8760))  # 0.4
    assert not c["is_clamped"]
    # BBB: OWID's own 2.0 TWh over 1,000 MW: 2,000,000 / 8,760,000 = 0.2283.
    assert cf.loc[("BBB", "gas"), "capacity_factor"] == pytest.approx(2_000_000 / 8_760_000)
