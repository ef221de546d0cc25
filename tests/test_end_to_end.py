"""Materialize every asset against a loopback mirror of ../shared/data into a temporary warehouse."""

from __future__ import annotations

import duckdb
import pytest

from bcm_pipeline.definitions import build_defs
from bcm_pipeline.resources import BcmResource


@pytest.fixture(scope="module")
def built(mirror, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    defs = build_defs(BcmResource(data_dir=str(data_dir), source_mirror=mirror, http_backoff_s=0.01))
    result = defs.resolve_job_def("refresh").execute_in_process()
    assert result.success
    return data_dir, result


def test_published_warehouse_has_every_table(built):
    data_dir, _ = built
    con = duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0] == 234
    assert con.execute("SELECT count(*) FROM raw_files").fetchone()[0] == 6
    vn = con.execute("SELECT om_ef_t_per_mwh FROM ifi_grid_factors WHERE country_iso3 = 'VNM'").fetchone()[0]
    assert vn == pytest.approx(0.5604, abs=5e-5)
    comment = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name='ifi_grid_factors' AND column_name='om_ef_t_per_mwh'"
    ).fetchone()[0]
    assert "tCO2/MWh" in comment


def test_checks_passed(built):
    _, result = built
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations)
