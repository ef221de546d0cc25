"""`bcm refresh` end to end: the command an analyst types rebuilds and publishes the warehouse from the
real sources (loopback mirror), and `bcm status` then reports the new version."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from click.testing import CliRunner

from bcm_pipeline.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _manifest(path):
    with duckdb.connect(str(path), read_only=True) as con:
        version = con.execute("SELECT DISTINCT version FROM manifest").fetchone()[0]
        tables = dict(
            con.execute(
                "SELECT name, content_md5 FROM manifest WHERE kind = 'table' ORDER BY name"
            ).fetchall()
        )
    return version, tables


def test_bcm_refresh_publishes_a_new_version_with_the_same_content(full_build, mirror, tmp_path):
    # A copy of the session's full build (raw files and parse cache included): the sources answer 304.
    built, _ = full_build
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir, ignore=shutil.ignore_patterns("briefs"))
    before_version, before_tables = _manifest(data_dir / "warehouse" / "bcm.duckdb")

    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror])
    assert result.exit_code == 0, result.output
    assert f"published {data_dir / 'warehouse' / 'bcm.duckdb'}" in result.output

    after_version, after_tables = _manifest(data_dir / "warehouse" / "bcm.duckdb")
    assert after_version != before_version  # a new version ...
    assert after_tables == before_tables  # ... with identical table contents: same inputs, same warehouse
    assert len(list((data_dir / "warehouse" / "versions").glob("bcm-*.duckdb"))) == 2

    status = runner.invoke(main, ["--data-dir", str(data_dir), "status"])
    assert status.exit_code == 0, status.output
    assert after_version in status.output


def test_bcm_refresh_reports_the_failed_step_and_keeps_the_published_file(
    full_build, mirror, tmp_path, monkeypatch
):
    built, _ = full_build
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir, ignore=shutil.ignore_patterns("briefs"))
    published = data_dir / "warehouse" / "bcm.duckdb"
    before = published.read_bytes()
    # The IFI workbook has moved: its URL now answers 404 (not retried: a 404 is not transient).
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", mirror + "ifi_grid_factors/moved.xlsx")

    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror])
    assert result.exit_code == 1, result.output
    assert "refresh failed at step(s) raw_ifi_grid_factors;" in result.output
    assert "the published warehouse is unchanged" in result.output
    assert published.read_bytes() == before
