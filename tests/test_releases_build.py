"""Full builds: the default uses GCPT July 2024; pinning July 2023 reproduces the tables of before (the
baseline warehouse of main at 0c0f92b); release_changes between the two releases per host country."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from bcm_pipeline.briefs import build_brief
from bcm_pipeline.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Unknown extension:UserWarning")]

GCPT = "gem_coal_plant_tracker"

# Read from /work/baseline_0c0f92b.duckdb (main before issue 14, built from GCPT July 2023): rows per table.
# Left out: raw_files (sources were added since), and the marts issues 12 and 15 changed on main since
# (plant_baselines, technology_swaps, credits, mac_curve, host_country_programmes, agreements,
# scenario_parameters); those were compared with EXCEPT ALL against a build of main (identical).
BASELINE_ROWS = {
    "cdm_registered_units": 82,
    "cea_india_published_margins": 48,
    "cea_india_units": 12542,
    "coal_units": 13785,
    "countries": 31,
    "fuel_defaults": 10,
    "fuel_prices_monthly": 49759,
    "gas_oil_units": 12244,
    "gem_co2_parameters": 24,
    "grid_bm_sample_units": 933,
    "grid_displacement_swaps": 91,
    "grid_emission_factors": 3575,
    "grid_factor_for_crediting": 90,
    "grid_margins_computed": 190,
    "grid_project_defaults": 3,
    "gwp": 6,
    "ifi_grid_factors": 234,
    "owid_carbon_intensity": 5737,
    "project_case_results": 4,  # issue 16 ships a fourth case (example_vietnam_inverter_ac)
    "project_cases": 4,
    "quarantine": 10,
    "technology_catalogue": 93,  # 57 then; the IEA WEO-2020 regional rows (cost_regions) added 36 since
}
# The same baseline: totals, rounded as the queries below round them.
BASELINE_TOTALS = {
    "SELECT round(sum(capacity_mw), 2), round(sum(gem_annual_co2_mt_per_yr), 3) FROM coal_units": (
        5036988.77,
        22528.3,
    ),
    "SELECT round(sum(capacity_mw), 2) FROM gas_oil_units": (3268955.82,),
    "SELECT count(*), round(sum(value), 2) FROM gem_co2_parameters": (24, 855805.53),
}

# Coal baselines with a July 2023 unit id (G + 6 digits) and with a July 2024 one (G + 12 digits).
ID_FORMATS = (
    "SELECT count(*) FILTER (WHERE length(unit_id) = 7), count(*) FILTER (WHERE length(unit_id) = 13) "
    "FROM plant_baselines WHERE unit_source = 'coal_units'"
)

# Counted with pandas straight from the two workbooks (not with the mart): units matched on
# 'GEM unit/phase ID', July 2023's G<6 digits> read as G100000<6 digits>; country from the newer release.
CHANGES = {
    "IND": {
        "added": 44,
        "removed": 11,
        "status_changed": 68,
        "capacity_changed": 15,
        "technology_changed": 16,
        "start_year_changed": 53,
    },
    "VNM": {"removed": 1, "status_changed": 9, "start_year_changed": 7},
    "IDN": {"added": 7, "removed": 3, "status_changed": 65, "capacity_changed": 3, "start_year_changed": 35},
}


@pytest.fixture(scope="module")
def pinned_build(full_build_gcpt_2023):
    """A full refresh pinned to GCPT July 2023 (Dagster config of the resource: conftest)."""
    return full_build_gcpt_2023


def _published(data_dir):
    return duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True)


def test_the_default_build_uses_gcpt_july_2024(full_build):
    data_dir, _ = full_build
    with _published(data_dir) as con:
        assert con.execute(
            "SELECT version, file_name FROM raw_files WHERE source_id = ?", [GCPT]
        ).fetchall() == [("2024-07", "Global-Coal-Plant-Tracker-July-2024 DATA TEAM COPY.xlsx")]
        assert con.execute("SELECT count(*) FROM coal_units").fetchone()[0] == 14_004  # SOURCES.md §10
        july_2023_ids, july_2024_ids = con.execute(ID_FORMATS).fetchone()
        assert july_2023_ids == 0 and july_2024_ids > 0  # the marts flowed from July 2024
        # SOURCES.md §10: operating units in India 845, Indonesia 256, Viet Nam 76.
        operating = dict(
            con.execute(
                "SELECT country_iso3, count(*) FROM coal_units WHERE status = 'operating' "
                "AND country_iso3 IN ('IND', 'IDN', 'VNM') GROUP BY 1"
            ).fetchall()
        )
        assert operating == {"IND": 845, "IDN": 256, "VNM": 76}
        quarantine = dict(con.execute("SELECT table_name, count(*) FROM quarantine GROUP BY 1").fetchall())
        assert quarantine == {"cea_india_units": 8, "gas_oil_units": 2}  # July 2024 adds none
        used = con.execute(
            "SELECT version, is_newest, is_pinned, parsed_into, rows_parsed FROM source_releases "
            "WHERE source_id = ? ORDER BY version",
            [GCPT],
        ).fetchall()
        # rows parsed: 14,004 units + 23 CO2 parameters (July 2024); 13,785 July 2023 units for the comparison.
        assert used == [
            ("2023-07", False, False, "tracker_unit_releases", 13_785),
            ("2024-07", True, False, "coal_units, gem_co2_parameters", 14_004 + 23),
        ]
        # Every source has one release used (GCPT: the newest of two): the 12 sources of sources.yaml.
        used_sources = "SELECT count(DISTINCT source_id) FROM source_releases WHERE is_used"
        assert con.execute(used_sources).fetchone()[0] == 12


def test_pinning_july_2023_reproduces_the_tables_of_before(pinned_build):
    with _published(pinned_build) as con:
        assert con.execute("SELECT version FROM raw_files WHERE source_id = ?", [GCPT]).fetchone() == (
            "2023-07",
        )
        rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in BASELINE_ROWS}
        assert rows == BASELINE_ROWS
        for sql, expected in BASELINE_TOTALS.items():
            assert con.execute(sql).fetchone() == pytest.approx(expected), sql
        assert con.execute(
            "SELECT is_pinned, is_used FROM source_releases WHERE source_id = ? AND version = '2023-07'",
            [GCPT],
        ).fetchone() == (True, True)
        # The marts flowed from the pinned release: every coal baseline carries a July 2023 id (G + 6 digits).
        july_2023_ids, july_2024_ids = con.execute(ID_FORMATS).fetchone()
        assert july_2023_ids > 0 and july_2024_ids == 0


@pytest.mark.parametrize("iso3", sorted(CHANGES))
def test_release_changes_per_host_country(full_build, iso3):
    data_dir, _ = full_build
    with _published(data_dir) as con:
        got = dict(
            con.execute(
                "SELECT change_type, count(*) FROM release_changes WHERE source_id = ? AND country_iso3 = ? "
                "GROUP BY 1",
                [GCPT, iso3],
            ).fetchall()
        )
        assert got == CHANGES[iso3]
        assert con.execute("SELECT DISTINCT old_version, new_version FROM release_changes").fetchall() == [
            ("2023-07", "2024-07")
        ]


def test_country_brief_counts_the_release_changes(full_build, tmp_path):
    data_dir, _ = full_build
    with _published(data_dir) as con:
        html = build_brief(con, "VNM", tmp_path).read_text()
    section = html.split("What the latest tracker release changed", 1)[1].split("<h2>", 1)[0]
    for change, units in CHANGES["VNM"].items():
        assert change in section and f"<td class='num'>{units}</td>" in section, section


def test_cli_status_sources_and_changes(full_build, pinned_build):
    runner = CliRunner()
    status = runner.invoke(main, ["--data-dir", str(pinned_build), "status"])
    assert status.exit_code == 0, status.output
    [line] = [row for row in status.output.splitlines() if row.startswith(f"| {GCPT}")]
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1:4] == ["2023-07", "2023-07-01", "2024-07"]  # release used, its date, a newer one listed

    sources = runner.invoke(main, ["--data-dir", str(pinned_build), "sources"])
    assert sources.exit_code == 0, sources.output
    rows = [
        [c.strip() for c in r.strip("|").split("|")]
        for r in sources.output.splitlines()
        if r.startswith(f"| {GCPT}")
    ]
    # source, version, then newest, pinned (now: no env pin), next build, published
    assert [r[:2] + r[4:] for r in rows] == [
        [GCPT, "2023-07", "", "", "", "yes"],
        [GCPT, "2024-07", "yes", "", "yes", ""],
    ]

    data_dir, _ = full_build
    changes = runner.invoke(main, ["--data-dir", str(data_dir), "changes", GCPT, "--country", "vnm"])
    assert changes.exit_code == 0, changes.output
    assert "release 2023-07 -> 2024-07, VNM" in changes.output
    assert "(17 rows" in changes.output  # 1 removed + 9 status + 7 start year (CHANGES above)
    unknown = runner.invoke(main, ["--data-dir", str(data_dir), "changes", "ifi_grid_factors"])
    assert unknown.exit_code == 1 and "compared: gem_coal_plant_tracker" in unknown.output
