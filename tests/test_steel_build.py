"""Steel tables in a real refresh over the loopback mirror (the shared full build): the figures the issue asks
for, checked against an independent reading of the raw GIST file and the cited national production."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.conftest import shared_file

pytestmark = pytest.mark.slow

HOSTS = ["IND", "VNM", "IDN"]
NAMES = {"IND": "India", "VNM": "Vietnam", "IDN": "Indonesia"}


@pytest.fixture(scope="module")
def con(full_build):
    data_dir, _ = full_build
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as c:
        yield c


def test_operating_capacity_matches_the_raw_plant_file(con):
    """Sum of GIST's nominal crude steel capacity (ttpa) of operating and pre-retirement rows, read with plain
    pandas from the raw file, equals the capacity the baselines spread over routes."""
    raw = pd.read_csv(
        shared_file("gem_steel_plant_tracker", "Iron & Steel-map-file-2025-03-19.csv"),
        dtype=str,
        keep_default_na=False,
    )
    raw = raw[raw["status"].isin(["operating", "operating_pre-retirement"])]
    crude = pd.to_numeric(raw["nominal-crude-steel-capacity-(ttpa)"], errors="coerce")
    for iso3 in HOSTS:
        expected_mt = crude[raw["country/area"] == NAMES[iso3]].sum() / 1000
        got_mt = con.execute(
            "SELECT sum(capacity_t_per_yr) / 1e6 FROM steel_baselines WHERE country_iso3 = ?", [iso3]
        ).fetchone()[0]
        assert got_mt == pytest.approx(expected_mt, abs=0.01), iso3
    # India 135.2 Mt/yr (134.3 operating + 0.9 pre-retirement), Viet Nam 34.4, Indonesia 20.2
    assert crude[raw["country/area"] == "India"].sum() / 1000 == pytest.approx(135.18, abs=0.01)


def test_india_production_against_worldsteel(con):
    prod_mt, national_mt = con.execute(
        """SELECT sum(b.production_t_per_yr) / 1e6, any_value(d.value) / 1e6
           FROM steel_baselines b JOIN steel_defaults d
             ON d.parameter = 'crude_steel_production_2023' AND d.country_iso3 = b.country_iso3
           WHERE b.country_iso3 = 'IND'"""
    ).fetchone()
    # 135.18 Mt x 0.804 (JPC FY 2023-24) = 108.7 Mt against worldsteel's 140.2 Mt: GIST misses small works
    assert prod_mt == pytest.approx(135.18 * 0.804, abs=0.05)
    assert national_mt == 140.2
    assert 0.7 < prod_mt / national_mt < 0.85


def test_steel_tables_built_checked_and_in_the_views(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"steel_plants", "steel_units", "posted_steel_technologies", "posted_steel_costs", "steel_defaults",
            "price_deflators", "steel_baselines"} <= tables  # fmt: skip
    assert con.execute("SELECT count(*) FROM quarantine WHERE table_name LIKE 'steel%'").fetchone()[0] == 0
    plants = con.execute("SELECT count(*) FROM v_steel_plants WHERE country_iso3 = 'IND'").fetchone()[0]
    assert (
        plants
        == con.execute(
            "SELECT count(DISTINCT gem_plant_id) FROM steel_baselines WHERE country_iso3 = 'IND'"
        ).fetchone()[0]
    )
    # every money row of POSTED converted (45 rows with a EUR or USD unit)
    assert con.execute("SELECT count(*) FROM posted_steel_costs WHERE value_usd > 0").fetchone()[0] == 45
