"""The `bcm` command line against a small real warehouse built here: three hand-written Viet Nam coal units,
the authored reference tables and configs, the real mart SQL and the analyst views.

Expected numbers are worked out by hand in the tests (the units' capacities, the founding case in
methodology notes §8), never read back from the code under test.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from bcm_pipeline import build, catalogue, warehouse
from bcm_pipeline.cli import main
from bcm_pipeline.dictionary import create_empty_table, create_views, table_models
from bcm_pipeline.parsers.config import CASES_DIR
from bcm_pipeline.schemas.article6 import Article6Agreements
from bcm_pipeline.schemas.base import validate
from bcm_pipeline.schemas.gem import CoalUnits
from bcm_pipeline.schemas.ifi import IfiGridFactors
from bcm_pipeline.schemas.meta import RawFiles

pytestmark = pytest.mark.unit

PROJECT = Path(__file__).resolve().parents[1]
GEM_SHA = "a" * 64
GEM_PATH = "raw/gem_coal_plant_tracker/Global-Coal-Plant-Tracker-July-2023.xlsx"  # relative to the data dir

# (id, plant, unit, status, technology, MW, start year): 600 + 300 MW operating, 100 MW retired.
UNITS = [
    ("G1", "Alpha power station", "Unit 1", "operating", "subcritical", 600.0, 2015),
    ("G2", "Beta power station", "Unit 1", "operating", "supercritical", 300.0, 2005),
    ("G3", "Gamma power station", "Unit 1", "retired", "subcritical", 100.0, 1975),
]


def _coal_units() -> pd.DataFrame:
    rows = []
    for uid, plant, unit, status, tech, mw, start in UNITS:
        rows.append(
            dict(gem_unit_id=uid, gem_location_id=f"L{uid}", country_name="Vietnam", country_iso3="VNM",
                 plant_name=plant, unit_name=unit, owner=None, parent=None, capacity_mw=mw, status=status,
                 start_year=start, retired_year=2020 if status == "retired" else None, planned_retirement_year=None,
                 combustion_technology=tech, gem_technology=tech, has_ccs=False, coal_type="bituminous",
                 coal_source=None, subnational_unit=None, subregion="South-eastern Asia", region="Asia",
                 latitude=21.0, longitude=106.0, location_accuracy="exact", captive="no",
                 gem_heat_rate_btu_per_kwh=9000.0, gem_ef_kg_per_tj=94600.0, gem_capacity_factor=0.6,
                 gem_annual_co2_mt_per_yr=3.0, gem_lifetime_co2_mt=60.0, gem_remaining_lifetime_yr=20.0,
                 source_sha256=GEM_SHA)
        )  # fmt: skip
    return pd.DataFrame(rows)


def build_small_warehouse(path: Path) -> Path:
    """A published-warehouse file: every table (empty unless filled here), marts by their SQL, views."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        for _, model, _ in table_models():
            create_empty_table(con, model)
        for t in catalogue.tables("authored"):  # authored in the package: reference CSVs, agreements, cases
            build.authored_table(con, t, None)
        warehouse.write_table(con, CoalUnits, validate(CoalUnits, _coal_units(), "test", GEM_SHA)[0])
        ifi = pd.DataFrame(
            [dict(country_name="Viet Nam", country_iso3="VNM", is_aggregate=False, cm_firm_ef_t_per_mwh=0.381,
                  cm_intermittent_ef_t_per_mwh=0.493, cm_efficiency_ef_t_per_mwh=0.381,
                  cm_consumption_ef_t_per_mwh=0.381, om_ef_t_per_mwh=0.5604, source_sha256="b" * 64)]
        )  # fmt: skip
        warehouse.write_table(con, IfiGridFactors, ifi)
        # The real deal agreements/japan_vietnam.yaml names (UNEP-CCC Article 6 Pipeline): in force since 2013.
        deal = pd.DataFrame(
            [dict(article6_agreement_id="VNM-JPN-2013-07-02", host_country_iso3="VNM", host_country_name="Viet Nam",
                  buyer_country_iso3="JPN", buyer_country_name="Japan", signed_date=dt.date(2013, 7, 2), status="MoU",
                  in_force=True, in_force_rule="test", title="Viet Nam and Japan JCM", region="Asia",
                  link_url="https://www.jcm.go.jp/vn-jp/about", link_text=None, associated_projects=20,
                  data_as_of=dt.date(2026, 2, 28), flags=None, source_sha256="c" * 64)]
        )  # fmt: skip
        warehouse.write_table(
            con, Article6Agreements, validate(Article6Agreements, deal, "test", "c" * 64)[0]
        )
        raw = pd.DataFrame(
            [dict(source_id="gem_coal_plant_tracker", version="2023-07", file_name=Path(GEM_PATH).name,
                  url="https://example.org/gcpt.xlsx",
                  fetched_url="http://127.0.0.1:8765/gem_coal_plant_tracker/gcpt.xlsx", path=GEM_PATH,
                  retrieved_at="2026-01-01T00:00:00+00:00", bytes=3117606, sha256=GEM_SHA, etag=None,
                  last_modified=None, status="downloaded", note=None)]
        )  # fmt: skip
        warehouse.write_table(con, RawFiles, raw)
        for t in catalogue.tables("sql"):
            build.sql_table(con, t)
        create_views(con)
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("data")
    build_small_warehouse(data / "warehouse" / "bcm.duckdb")
    return data


def bcm(data_dir: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])


def test_query_prints_a_table_and_writes_csv_and_parquet(data_dir, tmp_path):
    sql = "SELECT sum(capacity_mw) AS mw FROM v_fleet WHERE country_iso3 = 'VNM' AND status = 'operating'"
    result = bcm(
        data_dir, "query", sql, "--csv", str(tmp_path / "q.csv"), "--parquet", str(tmp_path / "q.parquet")
    )
    assert result.exit_code == 0, result.output
    assert "900" in result.output and "(1 row)" in result.output
    assert pd.read_csv(tmp_path / "q.csv")["mw"].tolist() == [600.0 + 300.0]
    assert pd.read_parquet(tmp_path / "q.parquet")["mw"].tolist() == [900.0]


def test_query_errors_are_one_line_and_nonzero(data_dir):
    unknown = bcm(data_dir, "query", "SELECT * FROM no_such_table")
    assert unknown.exit_code == 1
    assert unknown.output.strip().count("\n") == 0 and "no_such_table" in unknown.output
    write = bcm(data_dir, "query", "DELETE FROM coal_units")
    assert write.exit_code == 1 and "read-only" in write.output


def test_fleet_view_names_the_file_capacity_came_from(data_dir):
    result = bcm(data_dir, "query", "SELECT gem_unit_id, source_file, source_sha256 FROM v_fleet ORDER BY 1")
    assert result.exit_code == 0, result.output
    assert result.output.count(GEM_PATH) == 3 and GEM_SHA in result.output


def test_status_shows_each_source_sha256_and_age(data_dir):
    result = bcm(data_dir, "status")
    assert result.exit_code == 0, result.output
    assert "gem_coal_plant_tracker" in result.output and GEM_SHA in result.output
    assert " d " in result.output  # retrieved on 2026-01-01: days old


def test_no_published_warehouse_is_a_clear_error(tmp_path):
    result = bcm(tmp_path, "status")
    assert result.exit_code == 1 and "no published warehouse" in result.output


def test_export_formats(data_dir, tmp_path):
    for fmt in ("csv", "parquet"):
        result = bcm(data_dir, "export", "--format", fmt, "--table", "v_fleet", "--out", str(tmp_path / fmt))
        assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "csv" / "v_fleet.csv")) == len(UNITS)
    assert sorted(pd.read_parquet(tmp_path / "parquet" / "v_fleet.parquet")["gem_unit_id"]) == [
        "G1",
        "G2",
        "G3",
    ]
    result = bcm(data_dir, "export", "--format", "xlsx", "--out", str(tmp_path / "xlsx"))  # every mart
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "xlsx" / "bcm_export.xlsx", read_only=True)
    assert {"plant_baselines", "technology_swaps", "credits", "mac_curve"} <= set(book.sheetnames)
    baselines = book["plant_baselines"]
    assert baselines.max_row >= 1 + 3  # header + at least the three units (the cases add rows)


def test_export_unknown_table(data_dir, tmp_path):
    result = bcm(data_dir, "export", "--table", "nope", "--out", str(tmp_path))
    assert result.exit_code == 1 and "unknown table 'nope'" in result.output


def test_brief_unknown_country_and_known_one(data_dir):
    bad = bcm(data_dir, "brief", "XXX")
    assert bad.exit_code == 1 and "unknown country 'XXX'" in bad.output
    good = bcm(data_dir, "brief", "vnm")
    assert good.exit_code == 0, good.output
    assert (data_dir / "briefs" / "VNM" / "index.html").exists()


def test_case_reproduces_the_founding_paper(data_dir):
    result = bcm(data_dir, "case", str(CASES_DIR / "founding_paper_usc_vs_subcritical.yaml"))
    assert result.exit_code == 0, result.output
    values = {}
    for line in result.output.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        values[cells[0]] = cells[1]
    number = lambda key: float(values[key].replace(",", ""))  # noqa: E731
    # Shown by unit (bcm_pipeline/formatting.py): MWh, t and TJ per year whole, USD/t 2 decimals, years 1.
    assert values["mac_usd_per_t"].count(".") == 1 and len(values["mac_usd_per_t"].split(".")[1]) == 2
    # §8: 1,000 MW x 0.8 x 8,760 h = 7,008,000 MWh; 94.6 t/TJ; 38 % -> 42 % net LHV.
    mwh = 1000 * 0.8 * 8760
    reduction = mwh * 0.0036 * 94.6 * (1 / 0.38 - 1 / 0.42)
    assert number("net_generation_mwh_per_yr") == pytest.approx(mwh, rel=1e-5)
    assert number("reduction_bau_t_per_yr") == pytest.approx(reduction, rel=1e-5)  # ~598 kt
    assert number("fuel_saved_tj_per_yr") == pytest.approx(mwh * 0.0036 * (1 / 0.38 - 1 / 0.42), abs=0.5)
    crf = 0.08 * 1.08**30 / (1.08**30 - 1)
    savings = mwh * 0.0036 * (1 / 0.38 - 1 / 0.42) * 1000 * 1.38  # TJ -> GJ at USD 1.38/GJ
    assert number("mac_usd_per_t") == pytest.approx((125e6 * crf - savings) / reduction, abs=0.005)  # ~3.9
    assert number("simple_payback_no_credits_yr") == pytest.approx(125e6 / savings, abs=0.05)  # ~14.3


def test_case_errors(data_dir, tmp_path):
    missing = bcm(data_dir, "case", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1 and "no such case file" in missing.output
    bad = tmp_path / "bad_case.yaml"
    shutil.copy(CASES_DIR / "founding_paper_usc_vs_subcritical.yaml", bad)
    result = bcm(data_dir, "case", str(bad))  # case_id differs from the file name
    assert result.exit_code == 1 and "bad_case.yaml" in result.output


def test_open_query_connection_does_not_block_a_publish(data_dir, tmp_path):
    """An analyst's read-only connection stays open while a refresh publishes a new file by rename."""
    published = tmp_path / "warehouse" / "bcm.duckdb"
    published.parent.mkdir()
    shutil.copy(data_dir / "warehouse" / "bcm.duckdb", published)
    build = tmp_path / "build.duckdb"  # the next refresh: one unit fewer
    shutil.copy(published, build)
    with duckdb.connect(str(build)) as con:
        con.execute("DELETE FROM coal_units WHERE gem_unit_id = 'G3'")
    reader = duckdb.connect(str(published), read_only=True)
    try:
        before = reader.execute("SELECT count(*) FROM coal_units").fetchone()[0]
        warehouse.publish(build, published)
        assert reader.execute("SELECT count(*) FROM coal_units").fetchone()[0] == before == 3
    finally:
        reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM coal_units").fetchone()[0] == 2
