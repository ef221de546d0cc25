"""The prewarm of `bcm refresh` (bcm_pipeline/prewarm.py): other processes parse and validate the source
files while the run starts, and fill the caches with exactly what the steps would have made; a step never
writes a cache folder at the same time as they do; a file replaced meanwhile cannot mix its bytes with
another's key."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from bcm_pipeline import build, catalogue, prewarm
from bcm_pipeline.cli import main
from bcm_pipeline.parsers import cache as parse_cache
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import registry

pytestmark = pytest.mark.integration


def _settings(data_dir, **more) -> Settings:
    return Settings.load(data_dir=data_dir, **more)


def _releases(settings):
    return registry.resolve(registry.ReleaseOptions.of(settings))


def _version(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT DISTINCT version FROM manifest").fetchone()[0]


def _frames(path) -> dict:
    stored = pickle.loads(path.read_bytes())
    return {k: v for k, v in stored.items() if isinstance(v, pd.DataFrame)}


@pytest.mark.slow
def test_the_pool_fills_a_cold_cache_with_the_steps_own_frames(full_build, tmp_path):
    """The raw files of the session's build, no cache: the pool's validated frames (and parse cache) are
    those the build's steps stored, file for file and value for value."""
    cores = len(os.sched_getaffinity(0))
    if cores < 2:
        pytest.skip("one core: the prewarm keeps it for the run and starts no process")
    built, _ = full_build
    data_dir = tmp_path / "data"
    shutil.copytree(built / "raw", data_dir / "raw")
    settings = _settings(data_dir)
    releases = _releases(settings)
    assert prewarm.cold_tables(settings, releases) == [t.name for t in catalogue.tables("source")]

    lines = []
    with prewarm.started(settings, releases, report=lines.append):
        deadline = time.monotonic() + 300
        while prewarm.cold_tables(settings, releases) and time.monotonic() < deadline:
            time.sleep(0.1)
    tables = len(catalogue.tables("source"))
    assert lines == [
        f"parsing {tables} source tables with a cold cache in {cores - 1} other process(es) meanwhile"
    ]
    assert prewarm.cold_tables(settings, releases) == []
    assert not list(data_dir.glob(".prewarm-*"))  # the snapshots and the stop flag are gone

    for kind in ("validated", "parse"):
        theirs = sorted(p.relative_to(built / "cache") for p in (built / "cache" / kind).rglob("*.pickle"))
        ours = sorted(
            p.relative_to(data_dir / "cache") for p in (data_dir / "cache" / kind).rglob("*.pickle")
        )
        # The build's cache also holds the authored tables (validated/reference): the steps make those.
        assert [p for p in theirs if p.parts[1] != "reference"] == ours, kind
        for rel in ours:
            mine, steps = _frames(data_dir / "cache" / rel), _frames(built / "cache" / rel)
            assert mine.keys() == steps.keys()
            for name in mine:
                pd.testing.assert_frame_equal(mine[name], steps[name], check_exact=True)


def test_a_warm_cache_starts_no_process_and_stale_snapshots_go(full_build):
    built, _ = full_build
    settings = _settings(built)
    # What a refresh killed with its prewarm process (kill -9 of the process group) leaves behind.
    (built / ".prewarm-k1ll3d" / "raw" / "owid_carbon_intensity").mkdir(parents=True)
    (built / ".prewarm-k1ll3d" / "raw" / "owid_carbon_intensity" / "owid-co2-data.csv").write_text("x\n")
    (built / ".prewarm-stop-0123").touch()
    lines = []
    with prewarm.started(settings, _releases(settings), report=lines.append):
        pass
    assert lines == []
    assert not list(built.glob(".prewarm-*"))


@pytest.mark.slow
def test_a_fresh_refresh_prewarms_the_files_it_downloads_and_publishes_the_same_content(
    full_build, mirror, tmp_path
):
    """A fresh data folder: no file on disk when the pool starts, it waits for each download. The build
    publishes the content of the session's build (built without the pool: the Dagster job alone)."""
    built, _ = full_build
    data_dir = tmp_path / "data"
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror])
    assert result.exit_code == 0, result.output
    if len(os.sched_getaffinity(0)) > 1:
        assert "source tables with a cold cache in" in result.output
    ours = _version(data_dir / "warehouse" / "bcm.duckdb")
    assert ours.rsplit("-", 1)[1] == _version(built / "warehouse" / "bcm.duckdb").rsplit("-", 1)[1]
    assert not list(data_dir.glob(".prewarm-*"))


def test_a_snapshot_keeps_the_bytes_it_linked(tmp_path):
    """A download replaces a file (os.replace): the snapshot a pool process parses keeps the old bytes, so
    the sha256 it keys the caches by and the frame it parses are of one file."""
    settings = _settings(tmp_path / "data")
    folder = settings.source_dir("some_source")
    (folder / "candidate").mkdir(parents=True)
    (folder / "units.csv").write_text("old\n")
    (folder / "candidate" / "units.csv").write_text("candidate\n")
    with prewarm._snapshot(settings, "some_source") as snapshot:
        new = folder / ".download-x"
        new.write_text("new\n")
        os.replace(new, folder / "units.csv")
        assert (snapshot.source_dir("some_source") / "units.csv").read_text() == "old\n"
        assert (snapshot.source_dir("some_source") / "candidate" / "units.csv").read_text() == "candidate\n"
        assert snapshot.validated_cache_dir("some_source") == settings.validated_cache_dir("some_source")
        linked = snapshot.data_dir
    assert not linked.exists()
    assert (folder / "units.csv").read_text() == "new\n"


def test_a_prewarm_process_leaves_a_table_whose_step_makes_it(tmp_path):
    """While a step (here: another process) makes a table's frames, warm_caches does nothing and says so;
    the step, waiting for the table, gets it once the holder lets go."""
    settings = _settings(tmp_path / "data")
    t = catalogue.table("owid_carbon_intensity")
    folder = settings.validated_cache_dir(t.source_id)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from bcm_pipeline.parsers import cache\n"
            f"with cache.folder_lock(Path({str(folder)!r}), {t.name!r}):\n"
            "    print('held', flush=True); time.sleep(1.5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert build.warm_caches(t, settings, _releases(settings)) is None
        began = time.monotonic()
        with parse_cache.folder_lock(folder, t.name) as held:
            assert held and time.monotonic() - began > 0.3  # it waited for the holder
    finally:
        holder.wait(timeout=30)
