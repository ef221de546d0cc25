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


def test_bcm_refresh_with_no_change_keeps_the_published_version(full_build, mirror, tmp_path):
    # A copy of the session's full build (raw files and parse cache included): the sources answer 304.
    built, _ = full_build
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir, ignore=shutil.ignore_patterns("briefs"))
    before_version, before_tables = _manifest(data_dir / "warehouse" / "bcm.duckdb")

    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror])
    assert result.exit_code == 0, result.output
    # Same inputs, same warehouse: not published again (issue 18 item 8), and the command says so.
    assert f"unchanged: the build has the content of the published version {before_version}" in result.output
    assert "  done  published_warehouse" in result.output
    assert "DEBUG" not in result.output  # quiet: a line per step, no Dagster event log
    # Nothing changed, so every table is kept as stored (build_keys.py), and says so.
    assert "  kept  credits (" in result.output and "  done  credits (" not in result.output

    after_version, after_tables = _manifest(data_dir / "warehouse" / "bcm.duckdb")
    assert after_version == before_version
    assert after_tables == before_tables
    assert len(list((data_dir / "warehouse" / "versions").glob("bcm-*.duckdb"))) == 1

    # The run is in the data directory's Dagster instance, which `bcm ui` opens.
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data_dir / "dagster")) as instance:
        runs = instance.get_runs()
        assert [r.job_name for r in runs] == ["refresh"] and runs[0].is_success
        assert instance.get_latest_materialization_event(dg.AssetKey("credits")) is not None
    assert 'key: "bcm/warehouse"' in (data_dir / "dagster" / "dagster.yaml").read_text()  # the shipped queue

    status = runner.invoke(main, ["--data-dir", str(data_dir), "status"])
    assert status.exit_code == 0, status.output
    assert after_version in status.output

    # --rebuild builds every table again: the same content, so still nothing to publish.
    rebuilt = runner.invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror, "--rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "  done  credits (" in rebuilt.output and "  kept  " not in rebuilt.output
    assert f"unchanged: the build has the content of the published version {before_version}" in rebuilt.output


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
    assert "refresh failed at step(s) raw/ifi/grid_factors;" in result.output
    assert "the published warehouse is unchanged" in result.output
    # The cause is printed, not only in Dagster's event log (issue 18 item 1).
    assert "  FAIL  raw/ifi/grid_factors" in result.output
    assert "HTTP 404" in result.output and "BCM_URL_IFI_GRID_FACTORS" in result.output
    assert "Traceback" not in result.output
    assert published.read_bytes() == before
