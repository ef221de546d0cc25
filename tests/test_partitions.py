"""Host-country reruns of the marts equal the full build; the Parquet export is partitioned by country."""

from __future__ import annotations

import csv
import shutil

import dagster as dg
import duckdb
import pandas as pd
import pytest

from bcm_pipeline import catalogue, partitions
from bcm_pipeline.partitioned_definitions import build_partitioned_defs, host_country_keys
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.settings import REFERENCE_DIR

pytestmark = pytest.mark.slow  # reads the shared full build


@pytest.fixture
def warehouse_copy(full_build, tmp_path):
    """A writable copy of the full build's published warehouse, as the build file of a data dir."""
    data_dir, _ = full_build
    path = tmp_path / "warehouse" / "build" / "bcm.duckdb"
    path.parent.mkdir(parents=True)
    shutil.copyfile(data_dir / "warehouse" / "bcm.duckdb", path)
    return path


def _rows(con, mart: str, column: str, country: str) -> pd.DataFrame:
    df = con.execute(f'SELECT * FROM "{mart}" WHERE "{column}" = ?', [country]).df()
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def test_country_marts_are_the_marts_downstream_of_the_units():
    marts = catalogue.country_marts()
    assert {"plant_baselines", "grid_displacement_swaps", "technology_swaps", "credits"} <= set(marts)
    assert marts["credits"] == "host_country_iso3"


def test_country_rerun_equals_the_full_build(warehouse_copy):
    con = duckdb.connect(str(warehouse_copy))
    marts = catalogue.country_marts()
    full = {(m, c): _rows(con, m, col, c) for m, col in marts.items() for c in ("VNM", "IDN")}
    others = {
        m: con.execute(f'SELECT count(*) FROM "{m}" WHERE "{c}" <> \'VNM\'').fetchone()[0]
        for m, c in marts.items()
    }

    counts = partitions.rerun_country(con, "VNM")

    # Every country mart was rerun, the grid-displacement projects included (a one-country rerun once left
    # them out and unioned stale rows into technology_swaps).
    assert set(counts) == set(marts)
    for (mart, country), before in full.items():
        after = _rows(con, mart, marts[mart], country)
        pd.testing.assert_frame_equal(after, before, check_exact=False, rtol=1e-12)
    for mart, column in marts.items():
        assert (
            con.execute(f'SELECT count(*) FROM "{mart}" WHERE "{column}" <> \'VNM\'').fetchone()[0]
            == others[mart]
        )
    # Nothing is left behind: no scratch catalog, the search path as it was.
    assert "bcm_scratch" not in {
        r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    }
    assert con.execute("SELECT current_setting('search_path')").fetchone()[0] == ""
    con.close()


def test_parquet_export_is_partitioned_by_country(full_build, tmp_path):
    data_dir, _ = full_build
    published = data_dir / "warehouse" / "bcm.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        expected = dict(con.execute("SELECT host_country_iso3, count(*) FROM credits GROUP BY 1").fetchall())

    partitions.export_partitioned_parquet(published, tmp_path / "parquet")

    folders = sorted(p.name for p in (tmp_path / "parquet" / "credits").iterdir())
    assert folders == sorted(f"country_iso3={c}" for c in expected)
    for country, n in expected.items():
        files = list((tmp_path / "parquet" / "credits" / f"country_iso3={country}").glob("*.parquet"))
        assert sum(len(pd.read_parquet(f)) for f in files) == n


def test_dagster_partition_reruns_one_country(warehouse_copy):
    data_dir = warehouse_copy.parents[2]
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM technology_swaps WHERE country_iso3 = 'IDN'").fetchone()[0]

    defs = build_partitioned_defs(["IDN", "VNM"], BcmResource.of(data_dir=data_dir))
    result = dg.materialize(
        [defs.get_assets_def("host_country_marts")],
        partition_key="IDN",
        resources={"bcm": BcmResource.of(data_dir=data_dir)},
    )

    assert result.success
    meta = result.asset_materializations_for_node("host_country_marts")[0].metadata
    assert meta["technology_swaps_rows"].value == before


@pytest.mark.unit
def test_partition_keys_are_the_host_countries():
    rows = list(csv.DictReader((REFERENCE_DIR / "countries.csv").open()))
    flagged = {r["country_iso3"] for r in rows if r["is_host_country"] == "true"}
    keys = host_country_keys()
    assert flagged <= set(keys)
    assert {"IDN", "IND", "VNM"} <= set(keys)  # hosts of the shipped agreements
