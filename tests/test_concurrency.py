"""Readers during refreshes, and refreshes killed with SIGKILL: analysts only ever see whole versions.

Readers are separate processes holding read-only DuckDB connections, as analysts' sessions do. The killed
refresh is a subprocess running the real Dagster job; it is killed at several points of its run.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from bcm_pipeline.sources.registry import SOURCES
from tests.conftest import shared_file
from tests.faultserver import FaultServer, Reply, failure_text, path_of, refresh

pytestmark = [pytest.mark.slow, pytest.mark.integration]

IFI = SOURCES["ifi_grid_factors"]
ROOT = Path(__file__).resolve().parents[1]

READER = r"""
import json, os, sys, time
import duckdb
published, stop, out = sys.argv[1:4]
stats = {"reads": 0, "errors": [], "mismatches": [], "counts": {}}
while not os.path.exists(stop):
    try:
        with duckdb.connect(published, read_only=True) as con:
            rows = con.execute("SELECT version, name, row_count FROM manifest WHERE kind = 'table'").fetchall()
            for version, name, expected in rows:
                got = con.execute('SELECT count(*) FROM "' + name.replace('"', '""') + '"').fetchone()[0]
                if got != expected:
                    stats["mismatches"].append([version, name, got, expected])
            ifi = con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0]
            stats["counts"].setdefault(rows[0][0], []).append(ifi)
            stats["reads"] += 1
    except Exception as exc:
        stats["errors"].append(repr(exc))
    time.sleep(0.05)  # leave the refresh some of the 2 cores
with open(out, "w") as fh:
    json.dump(stats, fh)
"""

REFRESH = r"""
import sys
import dagster as dg
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.resources import BcmResource

data_dir, mirror = sys.argv[1:3]
bcm = BcmResource.of(data_dir=data_dir, source_mirror=mirror, http_retries=0, http_backoff_s=0.01)
keys = [dg.AssetKey(["raw", "ifi", "grid_factors"])] + [dg.AssetKey(k) for k in ("ifi_grid_factors", "published_warehouse")]
# log_level DEBUG: the console logger prints every event's message, which the kill triggers look for.
config = {
    "ops": {"published_warehouse": {"config": {"require_all_tables": False}}},
    "loggers": {"console": {"config": {"log_level": "DEBUG"}}},
}
result = build_defs(bcm).resolve_job_def("refresh").execute_in_process(asset_selection=keys, run_config=config)
sys.exit(0 if result.success else 1)
"""


def ifi_without(countries: int) -> bytes:
    wb = openpyxl.load_workbook(shared_file("ifi_grid_factors", IFI.filename))
    wb["Dataset "].delete_rows(4, countries)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def server():
    srv = FaultServer()
    srv.script(path_of(IFI), Reply(body=shared_file(IFI.id, IFI.filename).read_bytes()))
    yield srv
    srv.close()


def published_state(data_dir: Path) -> tuple[str, int]:
    """(manifest version, ifi rows) of bcm.duckdb, checking the file is whole and matches its manifest."""
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        version, expected = con.execute(
            "SELECT version, row_count FROM manifest WHERE kind = 'table' AND name = 'ifi_grid_factors'"
        ).fetchone()
        rows = con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0]
    assert rows == expected
    return version, rows


def test_readers_see_only_complete_versions(server, tmp_path, monkeypatch):
    assert refresh(tmp_path, server.url, [IFI.id]).success
    published = tmp_path / "warehouse" / "bcm.duckdb"
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(published), str(stop), str(tmp_path / f"r{i}.json")]
        )
        for i in range(2)
    ]
    variants = {"full": shared_file(IFI.id, IFI.filename).read_bytes()}
    variants |= {f"minus{n}": ifi_without(n) for n in (1, 2, 3, 4, 5)}
    for name, data in variants.items():
        server.script(f"{name}.xlsx", Reply(body=data))
    try:
        time.sleep(0.5)
        for n in (1, 2, 3, 4, 5):  # five refreshes, each publishing a different row count
            monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + f"minus{n}.xlsx")
            result = refresh(tmp_path, server.url, [IFI.id])
            assert result.success, failure_text(result)
            time.sleep(0.2)
    finally:
        stop.touch()
        for proc in readers:
            proc.wait(timeout=30)
    stats = [json.loads((tmp_path / f"r{i}.json").read_text()) for i in range(2)]
    reads = sum(s["reads"] for s in stats)
    errors = [e for s in stats for e in s["errors"]]
    mismatches = [m for s in stats for m in s["mismatches"]]
    by_version: dict[str, set[int]] = {}
    for s in stats:
        for version, counts in s["counts"].items():
            by_version.setdefault(version, set()).update(counts)
    print(
        f"\nconcurrency: {len(readers)} reader processes, {reads} reads, {len(by_version)} versions seen, "
        f"{len(errors)} errors, {len(mismatches)} mismatches: { {v: sorted(c) for v, c in by_version.items()} }"
    )
    assert errors == [] and mismatches == []
    assert reads > 20
    assert all(len(counts) == 1 for counts in by_version.values()), by_version  # one count per version
    assert {c for counts in by_version.values() for c in counts} <= {234, 233, 232, 231, 230, 229}
    assert len(by_version) >= 3


def _run_until(data_dir: Path, mirror: str, trigger, env: dict) -> tuple[str, float]:
    """Start a refresh subprocess; SIGKILL it as soon as trigger(output lines) is true. Returns how it ended."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", REFRESH, str(data_dir), mirror],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    while proc.poll() is None:
        while not lines.empty():
            seen.append(lines.get())
        if trigger is not None and trigger(seen):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return "killed", time.monotonic() - start
        time.sleep(0.002)
    return f"exited {proc.returncode}", time.monotonic() - start


def _after_step_start(step: str, delay: float = 0.0):
    return _after_line(f'Started execution of step "{step}"', delay)


def _after_line(marker: str, delay: float = 0.0):
    state = {}

    def trigger(lines):
        if "at" not in state and any(marker in line for line in lines):
            state["at"] = time.monotonic()
        return "at" in state and time.monotonic() - state["at"] >= delay

    return trigger


def test_sigkill_at_any_point_leaves_published_and_raw_intact(server, tmp_path):
    assert refresh(tmp_path, server.url, [IFI.id]).success
    full = shared_file(IFI.id, IFI.filename).read_bytes()
    smaller = ifi_without(3)
    # The killed refreshes fetch a changed file, served slowly so a kill can land mid-download.
    server.script("smaller.xlsx", Reply(body=smaller, chunk_s=0.01))
    env = {"BCM_URL_IFI_GRID_FACTORS": server.url + "smaller.xlsx"}
    raw = tmp_path / "raw" / IFI.id / IFI.filename
    good_raw = {hashlib.sha256(full).hexdigest(), hashlib.sha256(smaller).hexdigest()}
    versions = tmp_path / "warehouse" / "versions"

    def mid_download(lines):
        return server.body_started.is_set() and bool(list(raw.parent.glob(".download-*")))

    def mid_publish(lines):
        return bool(list(versions.glob(".tmp-*")))

    points = {
        "mid-download": mid_download,
        "table step +0.3 s": _after_step_start("ifi_grid_factors", 0.3),
        # The table is written (uncheckpointed) in the run's open build database, its check passed.
        "after the check": _after_line("Asset check 'schema' on 'ifi_grid_factors' passed"),
        "publish copy/manifest": mid_publish,
    }
    stop, report = tmp_path / "stop", tmp_path / "reader.json"
    published = tmp_path / "warehouse" / "bcm.duckdb"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop), str(report)])
    outcomes = {}
    try:  # the reader stops whatever happens (a failed assertion must not leave it polling forever)
        for name, trigger in points.items():
            server.body_started.clear()
            before = published_state(tmp_path)
            how, seconds = _run_until(tmp_path, server.url, trigger, env)
            after = published_state(tmp_path)  # opens, whole, matches its manifest
            assert after == before or after[1] == 231, (name, before, after)
            assert hashlib.sha256(raw.read_bytes()).hexdigest() in good_raw
            assert zipfile.ZipFile(raw).testzip() is None
            outcomes[name] = (
                how,
                round(seconds, 1),
                "published unchanged" if after == before else "new version",
            )
        print(f"\nkill test: {outcomes}")
        assert all(o[0] == "killed" for o in outcomes.values()), outcomes
        # The next run needs no manual cleanup.
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "smaller.xlsx")
            result = refresh(tmp_path, server.url, [IFI.id])
    finally:
        stop.touch()
        reader.wait(timeout=30)
    assert result.success, failure_text(result)
    assert published_state(tmp_path)[1] == 231
    # An analyst's session querying throughout the kills and the recovery never failed.
    stats = json.loads(report.read_text())
    print(
        f"kill test reader: {stats['reads']} reads, {len(stats['errors'])} errors, {len(stats['mismatches'])} mismatches"
    )
    assert stats["reads"] > 10 and stats["errors"] == [] and stats["mismatches"] == []
    # data/raw and data/warehouse carry no leftovers (data/cache belongs to the parse cache).
    leftovers = [
        p for d in ("raw", "warehouse") for p in (tmp_path / d).rglob(".*") if ".provenance" not in p.name
    ]
    assert leftovers == []
