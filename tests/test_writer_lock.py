"""One writer per data directory, said plainly (issue 19 point 5): a real process holds the lock; another
fails at once naming it (`--no-wait`) or waits with a message until it exits; a killed holder never blocks;
a Dagster run's resource takes the same lock before it writes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from bcm_pipeline import cli, lock
from bcm_pipeline.cli import main
from bcm_pipeline.resources import BcmResource

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
HOST = socket.gethostname()

HOLDER = r"""
import sys
from bcm_pipeline import lock
with lock.writer_lock(sys.argv[1], "test holder"):
    print("held", flush=True)
    sys.stdin.read()  # hold until the test closes stdin (or kills this process)
"""


@pytest.fixture
def holder(tmp_path):
    """A separate process holding tmp_path/data's lock; .stdin.close() lets it exit."""
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.readline().strip() == "held"
    yield data, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _expected(pid: int) -> str:
    return f"another refresh is running: pid {pid} on {HOST} since "


def test_holder_is_recorded_beside_the_lock(holder):
    data, proc = holder
    record = json.loads((data / "refresh.lock.json").read_text())
    assert (record["pid"], record["host"], record["what"]) == (proc.pid, HOST, "test holder")
    started = datetime.fromisoformat(record["started_at"].replace("Z", "+00:00"))
    assert record["started_at"].endswith("Z") and 0 <= (datetime.now(UTC) - started).total_seconds() < 60


def test_no_wait_fails_at_once_naming_the_holder(holder):
    data, proc = holder
    began = time.monotonic()
    with pytest.raises(lock.DataDirBusy) as err, lock.writer_lock(data, "second", wait=False):
        pass
    assert time.monotonic() - began < 1.0
    assert str(err.value).startswith(_expected(proc.pid)) and str(err.value).endswith("(test holder)")


def test_waiter_proceeds_once_the_holder_exits(holder):
    data, proc = holder
    messages: list[str] = []
    threading.Timer(1.0, proc.stdin.close).start()  # the holder exits after ~1 s
    began = time.monotonic()
    with lock.writer_lock(data, "waiter", report=messages.append, report_every_s=0.3):
        waited = time.monotonic() - began
        assert json.loads((data / "refresh.lock.json").read_text())["pid"] == os.getpid()
    assert proc.wait(timeout=5) == 0
    assert waited >= 0.9
    # Said at once, then at most every 0.3 s: ~1 s of waiting gives 1 + 3 messages (a few more on a slow box).
    assert 2 <= len(messages) <= 8
    assert messages[0].startswith(_expected(proc.pid)) and messages[0].endswith("(test holder); waiting ...")
    assert not (data / "refresh.lock.json").exists()  # removed with the release


def test_killed_holder_does_not_block(holder):
    data, proc = holder
    proc.kill()  # SIGKILL: no clean-up runs; its record stays behind
    proc.wait()
    assert json.loads((data / "refresh.lock.json").read_text())["pid"] == proc.pid
    with lock.writer_lock(data, "after the kill", wait=False):
        assert json.loads((data / "refresh.lock.json").read_text())["pid"] == os.getpid()


def test_one_process_holds_its_lock_once(tmp_path):
    data = tmp_path / "data"
    with lock.writer_lock(data, "outer", wait=False):
        with lock.writer_lock(data, "inner (the run bcm refresh starts)", wait=False):
            pass
        # Still held after the inner block: another process cannot take it.
        probe = "import sys; from bcm_pipeline import lock\nwith lock.writer_lock(sys.argv[1], 'probe', wait=False): pass"
        other = subprocess.run(
            [sys.executable, "-c", probe, str(data)], cwd=ROOT, capture_output=True, text=True
        )
        assert other.returncode == 1 and f"pid {os.getpid()} on {HOST}" in other.stderr
        assert json.loads((data / "refresh.lock.json").read_text())["what"] == "outer"
    assert not (data / "refresh.lock.json").exists()


def test_bcm_refresh_no_wait_fails_fast_naming_the_running_one(holder):
    data, proc = holder
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", "from bcm_pipeline.cli import main; main()", "--data-dir", str(data), "refresh", "--no-wait"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " + _expected(proc.pid)), result.stderr
    assert lines[0].endswith("(test holder)")
    assert result.stdout == ""  # nothing started: no 'refresh into ...'
    assert time.monotonic() - began < 10  # a Python start-up, not DuckDB's ~100 s of lock retries


def test_bcm_refresh_waits_with_the_message(holder, monkeypatch):
    # The CLI path up to the lock, for real; the Dagster run behind it is replaced by a stand-in that says
    # who held the lock when it ran (a full build is not what is tested here).
    data, proc = holder
    ran: list[int] = []
    monkeypatch.setattr(
        cli, "_run_refresh", lambda settings, *_: ran.append(lock.holder(settings.data_dir)["pid"])
    )
    threading.Timer(1.5, proc.stdin.close).start()  # the command reaches the lock within ms (in-process)
    result = CliRunner().invoke(main, ["--data-dir", str(data), "refresh"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(_expected(proc.pid)) and first.endswith("(test holder); waiting ...")
    assert ran == [os.getpid()]


def test_dagster_run_waits_for_the_lock_then_holds_it(holder):
    data, proc = holder
    seen: dict = {}

    @dg.asset
    def writes_build(bcm: BcmResource) -> None:
        bcm.hold_writer_lock()  # what raw and table assets do first
        seen["holder"] = json.loads((data / "refresh.lock.json").read_text())
        with bcm.build_connection() as con:  # takes no second hold
            con.execute("CREATE TABLE t AS SELECT 1 AS x")

    instance = dg.DagsterInstance.ephemeral()

    def release_once_the_run_waits():  # the holder exits when the run has said it waits
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = instance.get_runs()
            if runs and any("waiting" in e.user_message for e in instance.all_logs(runs[0].run_id)):
                break
            time.sleep(0.05)
        proc.stdin.close()

    threading.Thread(target=release_once_the_run_waits, daemon=True).start()
    result = dg.materialize(
        [writes_build], resources={"bcm": BcmResource.of(data_dir=str(data))}, instance=instance
    )
    assert result.success
    assert seen["holder"]["pid"] == os.getpid()
    assert seen["holder"]["what"] == f"dagster run {result.run_id} (__ephemeral_asset_job__)"
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any(m.startswith(_expected(proc.pid)) and m.endswith("waiting ...") for m in messages), messages
    assert not (data / "refresh.lock.json").exists()  # released at the run's teardown
    with lock.writer_lock(data, "after the run", wait=False):
        pass
