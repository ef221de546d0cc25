"""`pip install .` (not editable) works from any directory: the SQL, the reference CSVs and the default
agreements and cases are package data. A wheel is built from this checkout, installed into a scratch venv,
and used from an empty folder for a real refresh over the loopback mirror and a `bcm case`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, timeout: int = 600) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


def test_a_wheel_builds_and_publishes_from_an_empty_folder(tmp_path, mirror):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)], tmp_path)
    [wheel] = wheels.glob("bcm_pipeline-*.whl")
    venv = tmp_path / "venv"
    # The venv sees this interpreter's packages (the dependencies), but its own copy of bcm_pipeline wins.
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], tmp_path)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], tmp_path)

    elsewhere = tmp_path / "somewhere_else"
    elsewhere.mkdir()
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import bcm_pipeline; print(bcm_pipeline.__file__)"], elsewhere
    )
    assert str(venv) in where and str(ROOT) not in where

    out = _run([str(venv / "bin" / "bcm"), "--data-dir", "data", "refresh", "--mirror", mirror], elsewhere)
    assert "published" in out
    # The shipped column lineage answered every mart and view: nothing was traced into the lineage cache.
    assert not (elsewhere / "data" / "cache" / "lineage").exists()
    published = elsewhere / "data" / "warehouse" / "bcm.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM agreements").fetchone()[0] >= 3  # shipped defaults
        assert con.execute("SELECT count(*) FROM technology_swaps").fetchone()[0] > 10_000

    case = next(
        (venv / "lib").glob("python*/site-packages/bcm_pipeline/defaults/cases/founding_paper_*.yaml")
    )
    result = _run([str(venv / "bin" / "bcm"), "--data-dir", "data", "case", str(case)], elsewhere)
    # The founding case (methodology notes §8): 1,000 MW x 0.8 x 8,760 h x (1/0.38 - 1/0.42) x 3.6 TJ/GWh
    # x 94.6 t/TJ = 598,157 t/yr.
    assert "598,157" in result.replace(" ", "") or "598157" in result.replace(",", "")
