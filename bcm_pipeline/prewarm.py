"""While a `bcm refresh` run loads and starts: the source files already on disk parsed and validated in
other processes.

With a cold cache (a first run on files already downloaded, a new parser, model, pandas or pandera) every
source table is parsed and validated by its step, one after the other on one core: ~5 s of the run. So
`bcm refresh` first starts processes on the other cores that fill the parse and validated caches with the
functions the steps call (build.warm_caches), from the last source step backwards, while this process
imports Dagster, opens the instance and runs the first steps; a source step then reads its frames back.

One process makes a table's frames at a time (parse_cache.folder_lock on the table, held by its step
while it parses and validates, and tried here): a step whose table is being made here waits for it and
reads the frames; a table whose step got there first is skipped here. Files not on disk yet (a fresh
data folder, a pinned release not downloaded) are waited for and parsed once the run's download has
placed them; a source whose old file is cached and whose new release the run downloads is parsed by its
step, as before. Nothing here writes the warehouse, the build record or the raw files, and nothing here
decides anything: a table that fails here is left to its step, which fails or quarantines and says why.
Runs started by the UI or a schedule do not prewarm.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bcm_pipeline.settings import GC_THRESHOLDS, Settings

WAIT_S = 0.05  # how often a process waiting for a file the run downloads looks again


@contextmanager
def started(settings: Settings, releases, report=print) -> Iterator[None]:
    """Fill, in other processes, the caches of every source table whose validated frame is not cached for
    the files on disk, or whose files are not on disk yet (the run downloads them: their process waits
    for them). None of them: no process is started. On leaving, the processes stop (a table being
    written is finished first: it is never left half written)."""
    _remove_stale(settings)
    names = cold_tables(settings, releases)
    workers = min(len(names), _cores() - 1)  # this process keeps a core
    if workers < 1:
        yield
        return
    report(f"parsing {len(names)} source tables with a cold cache in {workers} other process(es) meanwhile")
    stop = settings.data_dir / f".prewarm-stop-{uuid.uuid4().hex}"  # tells a process waiting for a file
    # A fresh interpreter running this module, not multiprocessing: a fork would copy this process (its
    # threads, open files and sockets), and spawn imports the caller's main script again (a script calling
    # bcm's main() without a __main__ guard would start a second refresh, waiting for this one's lock).
    # From the last source step backwards: the run's steps and these processes meet in the middle.
    job = pickle.dumps((names[::-1], settings, str(stop), os.getpid()))
    processes = [
        subprocess.Popen([sys.executable, "-m", "bcm_pipeline.prewarm"], stdin=subprocess.PIPE)
        for _ in range(workers)
    ]
    try:
        for process in processes:
            with contextlib.suppress(OSError):  # a process gone at once: the steps do its work
                process.stdin.write(job)
                process.stdin.close()
        yield
    finally:
        stop.touch()
        try:
            for process in processes:
                process.wait()
        finally:
            stop.unlink(missing_ok=True)


def _remove_stale(settings: Settings) -> None:
    """Snapshots and stop flags a killed refresh and its processes left in the data folder (this refresh
    holds the folder's writer lock: none is in use but, for a second or two, a killed refresh's)."""
    for path in settings.data_dir.glob(".prewarm-*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def cold_tables(settings: Settings, releases) -> list[str]:
    """The source tables, in flow order, whose validated frame for the files on disk is not cached, or
    whose files are not all on disk yet."""
    from bcm_pipeline import build, catalogue

    cold = []
    for t in catalogue.tables("source"):
        try:
            warm = build.is_warm(t, settings, releases)
        except FileNotFoundError:
            warm = False
        except Exception:  # unreadable: left to its step, which says why
            warm = True
        if not warm:
            cold.append(t.name)
    return cold


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _warm(names: list[str], settings: Settings, stop: Path, parent: int) -> None:
    """In another process: fill the caches of these tables, the first whose files are on disk first (after
    each, from the top again). A table a step (or another process) holds is left to it; a table that fails
    here is left to its step, which meets the same and says why. Ends when all are done, when the run
    ends (`stop` exists) or when `bcm refresh` (pid `parent`) is gone (killed)."""
    # Ctrl-C reaches the whole process group: this process leaves it to `bcm refresh`, which stops it once
    # the table it writes is whole.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(*GC_THRESHOLDS)
    from bcm_pipeline import build, catalogue
    from bcm_pipeline.sources import registry

    releases = registry.resolve(registry.ReleaseOptions.of(settings))
    pending = list(names)
    while pending and not stop.exists() and os.getppid() == parent:
        for name in pending:
            t = catalogue.table(name)
            try:
                with _snapshot(settings, t.source_id) as snapshot:
                    try:
                        build.warm_caches(t, snapshot, releases)
                    except FileNotFoundError as exc:
                        if not str(exc.filename or "").startswith(str(snapshot.raw_dir)):
                            raise
                        continue  # a raw file not downloaded yet
            except Exception:  # left to the table's step, which meets the same and reports it
                pass
            pending.remove(name)
            break
        else:  # none of them on disk yet
            time.sleep(WAIT_S)


@contextmanager
def _snapshot(settings: Settings, source_id: str) -> Iterator[Settings]:
    """The settings of a data folder holding hard links of the source's raw files as they are now (and of
    its candidates): the run may replace a file meanwhile (a download replaces, never rewrites), and a
    table's caches are keyed by its file's sha256, so the bytes hashed and the bytes parsed must be one
    file's. The caches stay the data folder's own."""
    folder = settings.source_dir(source_id)
    tmp = Path(tempfile.mkdtemp(prefix=".prewarm-", dir=settings.data_dir))
    try:
        for path in [*folder.glob("*"), *folder.glob("candidate/*")]:
            if path.is_file():
                link = tmp / "raw" / source_id / path.relative_to(folder)
                link.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, link)
        caches = settings.cache_dir or settings.data_dir / "cache"
        yield settings.model_copy(update={"data_dir": tmp, "cache_dir": caches})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":  # started by started(): its job pickled on stdin
    _names, _settings, _stop, _parent = pickle.loads(sys.stdin.buffer.read())
    _warm(_names, _settings, Path(_stop), _parent)
