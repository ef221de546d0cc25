"""The one resource every asset uses: settings from config or the environment, and the build warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from bcm_pipeline.settings import Settings
from bcm_pipeline.sources.download import HttpOptions


class BcmResource(dg.ConfigurableResource):
    """Empty strings mean: read BCM_DATA_DIR / BCM_SOURCE_MIRROR when the run uses the resource."""

    data_dir: str = ""
    source_mirror: str = ""
    http_retries: int = 4
    http_backoff_s: float = 1.0
    http_read_timeout_s: float = 60.0

    def settings(self) -> Settings:
        return Settings.from_env(self.data_dir or None, self.source_mirror or None)

    def http_options(self) -> HttpOptions:
        return HttpOptions(
            retries=self.http_retries,
            backoff_factor=self.http_backoff_s,
            read_timeout_s=self.http_read_timeout_s,
        )

    @contextmanager
    def build_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection to the build warehouse (never the published file analysts read)."""
        path = self.settings().build_path
        path.parent.mkdir(parents=True, exist_ok=True)
        with DuckDBResource(database=str(path)).get_connection() as con:
            yield con
