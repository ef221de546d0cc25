"""The one resource every asset uses: settings from config or the environment, and the build warehouse."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from bcm_pipeline import lock
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources.download import HttpOptions

log = logging.getLogger(__name__)


class BcmResource(dg.ConfigurableResource):
    """Empty strings mean: read BCM_DATA_DIR / BCM_SOURCE_MIRROR when the run uses the resource."""

    data_dir: str = ""
    source_mirror: str = ""
    http_retries: int = 4
    http_backoff_s: float = 1.0
    http_read_timeout_s: float = 60.0

    # Inside a run: one open build database for all steps (see build_connection).
    _run_scope: ExitStack | None = PrivateAttr(default=None)
    _run_db: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _run_context: dg.InitResourceContext | None = PrivateAttr(default=None)
    _run_locked: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_scope, self._run_context, self._run_locked = ExitStack(), context, False

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        # Closing the last connection checkpoints the build file: nothing is left in a WAL after a run.
        scope, self._run_scope, self._run_db = self._run_scope, None, None
        if scope is not None:
            scope.close()

    def settings(self) -> Settings:
        return Settings.from_env(self.data_dir or None, self.source_mirror or None)

    def http_options(self) -> HttpOptions:
        return HttpOptions(
            retries=self.http_retries,
            backoff_factor=self.http_backoff_s,
            read_timeout_s=self.http_read_timeout_s,
        )

    def hold_writer_lock(self) -> None:
        """In a run: hold the data directory's writer lock (bcm_pipeline/lock.py) until the run ends, waiting
        with a message while another refresh holds it. Called before a run first writes the data directory."""
        if self._run_scope is None or self._run_locked:
            return
        run = self._run_context.dagster_run
        what = f"dagster run {self._run_context.run_id}" + (f" ({run.job_name})" if run else "")
        log = self._run_context.log
        self._run_scope.enter_context(lock.writer_lock(self.settings().data_dir, what, report=log.warning))
        self._run_locked = True

    @contextmanager
    def build_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection to the build warehouse (never the published file analysts read).

        In a run (in-process executor, one writer) the database is opened once and every step gets its own
        cursor on it: opening and checkpointing the file per step cost ~40 ms × 60 steps. Outside a run
        (tests, CLI) each call opens and closes the file."""
        if self._run_scope is None:
            with (
                lock.writer_lock(
                    self.settings().data_dir, f"pid {os.getpid()} outside a run", report=log.warning
                ),
                self._open() as con,
            ):
                yield con
            return
        self.hold_writer_lock()
        if self._run_db is None:
            self._run_db = self._run_scope.enter_context(self._open())
        cursor = self._run_db.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def _open(self):
        path = self.settings().build_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return DuckDBResource(database=str(path)).get_connection()
