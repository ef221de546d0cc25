"""One writer per data directory: an advisory lock that every run writing the build warehouse takes.

The lock is data/refresh.lock, held with flock (the `filelock` package): the kernel releases it when the
holding process ends, however it ends, so a killed refresh never leaves a stale lock. Beside it,
data/refresh.lock.json says who holds it (pid, host, start in UTC, what), so a second refresh can say which
one it waits for instead of failing on DuckDB's file lock after ~100 s of retries.

A process holds the lock once: `bcm refresh` takes it, and the Dagster run it starts in the same process
takes it again without waiting (a count, released with the outermost hold).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = "refresh.lock"
HOLDER_NAME = "refresh.lock.json"
REPORT_EVERY_S = 30.0  # a waiting writer repeats its message at most this often

_held: dict[Path, list] = {}  # lock path -> [FileLock, holds] for the locks this process holds
_guard = threading.Lock()


class DataDirBusy(RuntimeError):
    """Another process writes this data directory (raised when not waiting)."""


def holder(data_dir: Path) -> dict | None:
    """The recorded holder of data_dir's lock, or None when there is no readable record."""
    try:
        return json.loads((Path(data_dir) / HOLDER_NAME).read_text())
    except (OSError, ValueError):
        return None


def busy_message(data_dir: Path) -> str:
    """'another refresh is running: pid 1234 on host since 2026-12-02T10:00:00Z (bcm refresh)'."""
    record = holder(data_dir)
    if not record:
        return (
            f"another refresh is running (its holder is not recorded yet in {Path(data_dir) / HOLDER_NAME})"
        )
    return (
        f"another refresh is running: pid {record.get('pid', '?')} on {record.get('host', '?')} "
        f"since {record.get('started_at', '?')} ({record.get('what', '?')})"
    )


@contextmanager
def writer_lock(
    data_dir: Path | str,
    what: str,
    wait: bool = True,
    report: Callable[[str], None] | None = None,
    report_every_s: float = REPORT_EVERY_S,
) -> Iterator[None]:
    """Hold data_dir's writer lock for the block. Busy: wait, calling report(message) at once and then at most
    every report_every_s seconds; or, with wait=False, raise DataDirBusy(message). `what` names the holder
    in the record ('bcm refresh', 'dagster run <id> (refresh)')."""
    data_dir = Path(data_dir).resolve()
    path = data_dir / LOCK_NAME
    _acquire(data_dir, path, what, wait, report, report_every_s)
    try:
        yield
    finally:
        _release(data_dir, path)


def _acquire(data_dir, path, what, wait, report, report_every_s) -> None:
    with _guard:
        if path in _held:  # this process holds it already
            _held[path][1] += 1
            return
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, thread_local=False, fallback_to_soft=False, preserve_lock_file=True)
    timeout = 0.0
    while True:
        try:
            lock.acquire(timeout=timeout)
            break
        except Timeout:
            message = busy_message(data_dir)
            if not wait:
                raise DataDirBusy(message) from None
            if report is not None:
                report(f"{message}; waiting ...")
            timeout = report_every_s
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "what": what,
    }
    tmp = data_dir / f".{HOLDER_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp, data_dir / HOLDER_NAME)
    with _guard:
        _held[path] = [lock, 1]


def _release(data_dir: Path, path: Path) -> None:
    with _guard:
        entry = _held[path]
        entry[1] -= 1
        if entry[1]:
            return
        del _held[path]
    (data_dir / HOLDER_NAME).unlink(missing_ok=True)  # before the release: the next holder writes its own
    entry[0].release()
