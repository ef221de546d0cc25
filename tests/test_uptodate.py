"""`bcm refresh` with nothing to do starts no run (bcm_pipeline/uptodate.py); anything that could change the
build starts one. Real runs over the loopback mirror on a copy of the session's full build."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import duckdb
import pytest
from click.testing import CliRunner

from bcm_pipeline import uptodate, warehouse
from bcm_pipeline.cli import main
from bcm_pipeline.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _runs(data_dir) -> int:
    with dg.DagsterInstance.from_config(str(data_dir / "dagster")) as instance:
        return len(instance.get_runs())


def _version(data_dir) -> str:
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        return con.execute("SELECT DISTINCT version FROM manifest").fetchone()[0]


def _edit_record(data_dir, **changes) -> None:
    with duckdb.connect(str(data_dir / "warehouse" / "build" / "bcm.duckdb")) as con:
        inputs = json.loads(con.execute(f"SELECT inputs FROM {uptodate.RECORD}").fetchone()[0])
        con.execute(f"UPDATE {uptodate.RECORD} SET inputs = ?", [json.dumps({**inputs, **changes})])


def test_a_refresh_with_nothing_changed_starts_no_run(full_build, mirror, tmp_path, monkeypatch):
    built, _ = full_build
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir, ignore=shutil.ignore_patterns("briefs"))
    settings = Settings.load(data_dir=data_dir, source_mirror=mirror)  # what `bcm refresh --mirror` reads
    assert settings.build_path == data_dir / "warehouse" / "build" / "bcm.duckdb"  # (_edit_record's)
    version = _version(data_dir)
    runner = CliRunner()

    def refresh(*extra):
        result = runner.invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror, *extra])
        assert result.exit_code == 0, result.output
        return result.output

    # The session's build was made by a run of the job, not by `bcm refresh`: nothing recorded, so it runs.
    first = refresh()
    assert "a run is needed: no finished `bcm refresh` is recorded in the build file" in first
    assert "  kept  credits (" in first and f"published version {version}" in first
    runs = _runs(data_dir)

    # Nothing changed: every file answers 304 Not Modified; no run, no new version, in a line.
    again = refresh()
    assert again.startswith(
        "nothing changed: every source file is the one recorded (each server answered 304 Not Modified), and "
        f"the code, settings and day are those of the published version {version};"
    )
    assert "  kept  " not in again and _runs(data_dir) == runs and _version(data_dir) == version

    # --run starts the run all the same (every table kept and checked again).
    forced = refresh("--run")
    assert "  kept  credits (" in forced and _runs(data_dir) == runs + 1 and _version(data_dir) == version

    # Another day: SQL that reads the clock may give other rows, so a run.
    _edit_record(data_dir, day="2000-01-01")
    assert "a run is needed: since " + version + ", the day (it was built on 2000-01-01) changed" in refresh()
    # Other settings: a user cases folder (its files are read into project_cases).
    cases = tmp_path / "cases"
    cases.mkdir()
    monkeypatch.setenv("BCM_CASES_DIR", str(cases))
    assert "the settings or the user files they name changed" in refresh()
    assert refresh().startswith("nothing changed")  # ... recorded with that folder
    (cases / "note.txt").write_text("a file of the folder")
    assert "the settings or the user files they name changed" in refresh()
    monkeypatch.delenv("BCM_CASES_DIR")
    refresh()

    # A file on disk that is not the one the version was built from (its provenance no longer matches).
    ifi = next(settings.source_dir("ifi_grid_factors").glob("*.xlsx"))
    good = ifi.read_bytes()
    ifi.write_bytes(good + b" ")
    assert uptodate.why_run(settings, _releases(settings))[0] == (
        "ifi_grid_factors: nothing to ask the server (no ETag or Last-Modified recorded)"
    )
    ifi.write_bytes(good)

    # A table written since (a run from the UI): its build key is forgotten with the write.
    with duckdb.connect(str(settings.build_path)) as con:
        warehouse.forget_key(con, "credits")
    assert uptodate.why_run(settings, _releases(settings))[0] == (
        f"since {version}, the build's tables (one was written since) changed"
    )
    # A run that fails or is killed leaves no record: the next refresh runs.
    uptodate.forget(settings)
    assert uptodate.why_run(settings, _releases(settings))[0] == (
        "no finished `bcm refresh` is recorded in the build file"
    )


def _releases(settings):
    from bcm_pipeline.sources import registry

    return registry.resolve(registry.ReleaseOptions.of(settings))


def test_the_record_stays_in_the_build_file():
    # The record sits beside the build keys, in the schema publish drops from the copy analysts read.
    assert uptodate.KEYS_SCHEMA == warehouse.KEYS_SCHEMA and uptodate.RECORD.startswith(
        warehouse.KEYS_SCHEMA + "."
    )
