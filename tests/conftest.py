"""Shared fixtures: the real source files (BCM_TEST_DATA, default ../shared/data), a loopback HTTP mirror of
them, a temp data dir.

The real files are laid out like data/raw/: <source_id>/<file name>. Point the tests at another copy with
BCM_TEST_DATA=/path/to/folder (e.g. the data/raw/ of a finished `bcm refresh`); tests that need a file the
folder lacks skip, and the session summary says how many did and why.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

DEFAULT_TEST_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHARED_DATA = Path(os.environ.get("BCM_TEST_DATA") or DEFAULT_TEST_DATA).expanduser().resolve()
NO_DATA_HINT = "set BCM_TEST_DATA to a folder laid out like data/raw/ (e.g. the data/raw/ of a `bcm refresh`)"


def shared_file(source_id: str, name: str) -> Path:
    path = SHARED_DATA / source_id / name
    if not path.exists():
        pytest.skip(f"{path} absent: {NO_DATA_HINT}")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is absent: {NO_DATA_HINT}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def mirror(shared_data: Path):
    """Serve ../shared/data on 127.0.0.1 in the layout BCM_SOURCE_MIRROR expects."""
    handler = functools.partial(_QuietHandler, directory=str(shared_data))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def full_build(mirror, tmp_path_factory):
    """One real `refresh` run over the loopback mirror, shared by the tests that read a complete warehouse
    (a full build costs about a minute). Returns (data_dir, ExecuteInProcessResult)."""
    from bcm_pipeline.definitions import build_defs
    from bcm_pipeline.resources import BcmResource

    data_dir = tmp_path_factory.mktemp("full_build")
    defs = build_defs(BcmResource.of(data_dir=str(data_dir), source_mirror=mirror, http_backoff_s=0.01))
    result = defs.resolve_job_def("refresh").execute_in_process()
    assert result.success
    return data_dir, result


@pytest.fixture(scope="session")
def full_build_gcpt_2023(mirror, tmp_path_factory):
    """The same full refresh with the coal tracker pinned to its July 2023 release (the release the figures
    of earlier issues were worked out on; the default is the newest listed). Returns the data dir."""
    from bcm_pipeline.definitions import build_defs
    from bcm_pipeline.resources import BcmResource

    data_dir = tmp_path_factory.mktemp("full_build_gcpt_2023")
    bcm = BcmResource.of(
        data_dir=data_dir,
        source_mirror=mirror,
        http_backoff_s=0.01,
        release_pins={"gem_coal_plant_tracker": "2023-07"},
    )
    assert build_defs(bcm).resolve_job_def("refresh").execute_in_process().success
    return data_dir


def pytest_report_header(config) -> str:
    """Say which data folder the tests read, so skips are never silent."""
    state = "found" if SHARED_DATA.exists() else f"ABSENT, the tests that read it skip; {NO_DATA_HINT}"
    return f"bcm test data (BCM_TEST_DATA): {SHARED_DATA} ({state})"
