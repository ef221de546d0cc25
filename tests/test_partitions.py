"""Host-country reruns of the marts equal the full run; the Parquet export is partitioned by country."""

from __future__ import annotations

import csv

import dagster as dg
import duckdb
import pandas as pd
import pytest

from bcm_pipeline import partitions
from bcm_pipeline.partitioned_definitions import build_partitioned_defs, host_country_keys
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.settings import REFERENCE_DIR
from benchmarks import synthetic
from tests.test_benchmark_smoke import COAL, GAS


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared_data):
    path = tmp_path_factory.mktemp("built") / "w.duckdb"
    con = duckdb.connect(str(path))
    prices = shared_data / "worldbank_pink_sheet" / "CMO-Historical-Data-Monthly.xlsx"
    synthetic.inputs_from_code(con, {"fuel_prices_monthly": prices})
    con.register("coal_df", COAL)
    con.register("gas_df", GAS)
    con.execute("CREATE TABLE coal_units AS SELECT * FROM coal_df")
    con.execute("CREATE TABLE gas_oil_units AS SELECT * FROM gas_df")
    con.unregister("coal_df")
    con.unregister("gas_df")
    synthetic.run_chain(con)
    yield path, con
    con.close()


def _rows(con, mart: str, column: str, country: str) -> pd.DataFrame:
    df = con.execute(f"SELECT * FROM {mart} WHERE {column} = ? ", [country]).df()
    return df.sort_values(list(df.columns[:1])).reset_index(drop=True)


def test_country_rerun_equals_the_full_run(built):
    _, con = built
    full = {
        (m, c): _rows(con, m, col, c)
        for m, col in partitions.COUNTRY_MARTS.items()
        for c in ("VNM", "IDN", "THA")
    }
    other_before = con.execute("SELECT count(*) FROM plant_baselines WHERE country_iso3 <> 'VNM'").fetchone()[
        0
    ]

    counts = partitions.rerun_country(con, "VNM")

    # The template has 3 VNM units (2 coal, 1 gas), all in an included status, plus the VNM plant-swap cases.
    cases = con.execute(
        "SELECT count(*) FROM project_cases WHERE country_iso3 = 'VNM' AND kind = 'plant_swap'"
    ).fetchone()[0]
    assert counts["plant_baselines"] == 3 + cases
    for (mart, country), before in full.items():
        after = _rows(con, mart, partitions.COUNTRY_MARTS[mart], country)
        pd.testing.assert_frame_equal(after, before, check_exact=False, rtol=1e-12)
    assert (
        con.execute("SELECT count(*) FROM plant_baselines WHERE country_iso3 <> 'VNM'").fetchone()[0]
        == other_before
    )
    # No temporary view or table is left shadowing the real tables.
    assert (
        con.execute("SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal").fetchone()[0] == 0
    )
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0


def test_host_countries_include_agreement_hosts(built):
    _, con = built
    hosts = partitions.host_countries(con)
    assert {"VNM", "IDN", "IND"} <= set(hosts)  # agreements/japan_*.yaml


def test_parquet_export_is_partitioned_by_country(built, tmp_path):
    path, con = built
    expected = dict(con.execute("SELECT host_country_iso3, count(*) FROM credits GROUP BY 1").fetchall())
    copy = tmp_path / "copy.duckdb"
    con.execute(f"ATTACH '{copy}' AS copy")
    con.execute("COPY FROM DATABASE w TO copy")
    con.execute("DETACH copy")

    partitions.export_partitioned_parquet(copy, tmp_path / "parquet")

    folders = sorted(p.name for p in (tmp_path / "parquet" / "credits").iterdir())
    assert folders == sorted(f"country_iso3={c}" for c in expected)
    for country, n in expected.items():
        files = list((tmp_path / "parquet" / "credits" / f"country_iso3={country}").glob("*.parquet"))
        assert sum(len(pd.read_parquet(f)) for f in files) == n


def test_dagster_partition_reruns_one_country(built, tmp_path):
    _, con = built
    build = tmp_path / "warehouse" / "build" / "bcm.duckdb"
    build.parent.mkdir(parents=True)
    con.execute(f"ATTACH '{build}' AS b")
    con.execute("COPY FROM DATABASE w TO b")
    con.execute("DETACH b")
    before = con.execute("SELECT count(*) FROM technology_swaps WHERE country_iso3 = 'IDN'").fetchone()[0]

    defs = build_partitioned_defs(["IDN", "VNM"], BcmResource(data_dir=str(tmp_path)))
    result = dg.materialize(
        [defs.get_assets_def("host_country_marts")],
        partition_key="IDN",
        resources={"bcm": BcmResource(data_dir=str(tmp_path))},
    )

    assert result.success
    meta = result.asset_materializations_for_node("host_country_marts")[0].metadata
    assert meta["technology_swaps_rows"].value == before


def test_partition_keys_are_the_host_countries():
    rows = list(csv.DictReader((REFERENCE_DIR / "countries.csv").open()))
    flagged = {r["country_iso3"] for r in rows if r["is_host_country"] == "true"}
    keys = host_country_keys()
    assert flagged <= set(keys)
    assert {"IDN", "IND", "VNM"} <= set(keys)  # hosts of agreements/japan_*.yaml
