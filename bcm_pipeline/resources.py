"""The one resource every asset uses: the run's Settings, and the build warehouse."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from bcm_pipeline import lock, warehouse
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import registry

log = logging.getLogger(__name__)

# A run tagged bcm/rebuild=true rebuilds every table (Settings.rebuild): the monthly schedule's runs, or a
# launch from the UI with that tag.
REBUILD_TAG = "bcm/rebuild"


class BcmResource(dg.ConfigurableResource):
    """Settings values on top of the environment (BCM_*), by Settings field name, e.g.
    {"data_dir": "/srv/bcm", "source_mirror": "http://127.0.0.1:8765/", "http_backoff_s": "0.01"}, and
    release pins {source_id: version} on top of BCM_RELEASE_<SOURCE_ID>.
    Read once when a run starts (bcm_pipeline/settings.py lists every field)."""

    settings_overrides: dict[str, str] = {}
    release_pins: dict[str, str] = {}

    # Inside a run: the settings read at its start, and one open build database for all steps.
    _run_scope: ExitStack | None = PrivateAttr(default=None)
    _run_settings: Settings | None = PrivateAttr(default=None)
    _run_db: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _run_context: dg.InitResourceContext | None = PrivateAttr(default=None)
    _run_locked: bool = PrivateAttr(default=False)
    _run_releases: registry.Releases | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, **overrides) -> BcmResource:
        """BcmResource.of(data_dir=path, source_mirror=url, ...): values of any type, None/"" skipped."""
        pins = overrides.pop("release_pins", None) or {}
        return cls(
            settings_overrides={k: str(v) for k, v in overrides.items() if v not in (None, "")},
            release_pins=dict(pins),
        )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run_scope, self._run_context, self._run_locked = ExitStack(), context, False
        settings, run = self._load_settings(), context.dagster_run
        if run is not None and run.tags.get(REBUILD_TAG) == "true":
            settings = settings.model_copy(update={"rebuild": True})
        self._run_settings, self._run_releases = settings, None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        # Closing the last connection checkpoints the build file: nothing is left in a WAL after a run.
        scope, self._run_scope, self._run_db, self._run_settings = self._run_scope, None, None, None
        self._run_releases = None
        if scope is not None:
            scope.close()

    def settings(self) -> Settings:
        return self._run_settings or self._load_settings()

    def _load_settings(self) -> Settings:
        return Settings.load(**self.settings_overrides, releases=self.release_pins or None)

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

    def releases(self) -> registry.Releases:
        """Every known release (sources.yaml + the user sources file) and the one each source uses: read
        once per run, like the settings, so every step of a run sees the same releases."""
        if self._run_scope is not None and self._run_releases is not None:
            return self._run_releases
        releases = registry.resolve(registry.ReleaseOptions.of(self.settings()))
        if self._run_scope is not None:
            self._run_releases = releases
        return releases

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
        config = warehouse.build_config(self.settings().duckdb_memory_limit)
        return DuckDBResource(database=str(path), connection_config=config).get_connection()
