"""The one settings object: every path, URL override and HTTP option, read once when a run or command starts.

Environment variables (prefix BCM_) fill it; explicit values (a Dagster resource's config, a CLI option) win.
Nothing is read at import. The package's own files (SQL, reference CSVs, default agreements and cases) are
package data, found next to this module, so an installed wheel works from any directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
REFERENCE_DIR = PACKAGE_DIR / "reference"
DEFAULTS_DIR = PACKAGE_DIR / "defaults"  # shipped agreements/ and cases/ (users add theirs by setting)
# A git checkout: the repository root (docs/, tests/); absent in an installed wheel.
CHECKOUT_DIR = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").exists() else None
# The cyclic GC's thresholds in a process that runs the pipeline (gc.set_threshold: `bcm refresh`, and any
# process loading the Dagster definitions). A run allocates millions of short-lived objects (Dagster's
# events and records, frames): at CPython's default (700, 10, 10) the GC ran ~1,100 times in a `bcm
# refresh --rebuild` (0.75 s, 8 full passes); at these ~70 times (0.16 s), the same peak RSS.
GC_THRESHOLDS = (10_000, 50, 50)


class PublishOptions(BaseModel):
    """What the publish gate accepts (README, Operations). Dagster run config of `published_warehouse` may
    override each field for one run (e.g. drift_guard: false to publish a real change of unit)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    keep_versions: int = Field(5, ge=1, description="Published versions kept in warehouse/versions/")
    require_all_tables: bool = Field(
        True, description="Refuse a build that lacks a table (subset runs: false)"
    )
    drift_guard: bool = Field(True, description="Refuse implausible changes against the last version")
    max_drift_ratio: float = Field(
        100.0, gt=1, description="A column's median moving by this factor is refused"
    )
    min_row_share: float = Field(
        0.5, ge=0, le=1, description="A table keeping less than this share is refused"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BCM_", frozen=True, extra="ignore", env_nested_delimiter="__"
    )

    data_dir: Path = Field(Path("data"), description="raw/, warehouse/, cache/, briefs/ live here")
    cache_dir: Path | None = Field(None, description="Parse and lineage caches; default <data_dir>/cache")
    source_mirror: str | None = Field(None, description="Fetch every source from <mirror>/<source_id>/<file>")
    # BCM_URL_<SOURCE_ID>: one source from this URL (read by load(); keys are source ids).
    source_urls: dict[str, str] = Field(default_factory=dict)
    # BCM_RELEASE_<SOURCE_ID>: build the source from this listed release (keys are source ids).
    releases: dict[str, str] = Field(default_factory=dict)
    sources_file: Path | None = Field(
        None, description="User sources file: releases added to sources.yaml, or URLs overridden"
    )
    agreements_dir: Path | None = Field(None, description="User agreements/*.yaml, added to the shipped ones")
    cases_dir: Path | None = Field(None, description="User cases/*.yaml, added to the shipped ones")
    duckdb_memory_limit: str | None = Field(
        None,
        description="DuckDB memory_limit of the build database (e.g. '1GB'): above it DuckDB spills to disk "
        "(slower) instead of using more memory; default DuckDB's own, 80 % of RAM",
    )
    rebuild: bool = Field(
        False,
        description="Rebuild every table; else a refresh keeps each table whose inputs and code are those it "
        "was built from (bcm_pipeline/build_keys.py)",
    )
    http_connect_timeout_s: float = 10.0
    http_read_timeout_s: float = 60.0
    http_retries: int = 4
    http_backoff_s: float = 1.0  # urllib3: sleeps backoff * 2**(n-1) between tries
    http_backoff_max_s: float = 60.0
    http_retry_after_max_s: float = 120.0  # a server asking for a longer pause fails the try instead
    publish: PublishOptions = Field(default_factory=PublishOptions)

    @model_validator(mode="before")
    @classmethod
    def _per_source(cls, data: dict) -> dict:
        """BCM_URL_<SOURCE_ID> and BCM_RELEASE_<SOURCE_ID> variables, keyed by source id; values given
        explicitly (a resource's config, a CLI option) win."""

        def by_source(prefix: str) -> dict[str, str]:
            return {
                name[len(prefix) :].lower(): value
                for name, value in os.environ.items()
                if name.startswith(prefix) and value
            }

        return {
            **data,
            "source_urls": {**by_source("BCM_URL_"), **(data.get("source_urls") or {})},
            "releases": {**by_source("BCM_RELEASE_"), **(data.get("releases") or {})},
        }

    @classmethod
    def load(cls, **overrides) -> Settings:
        """The environment, then `overrides` on top (None and "" mean: not given)."""
        settings = cls(**{k: v for k, v in overrides.items() if v is not None and v != ""})
        # Relative paths are taken from the directory the run starts in, once.
        return settings.model_copy(
            update={
                "data_dir": settings.data_dir.resolve(),
                "cache_dir": (settings.cache_dir or settings.data_dir / "cache").resolve(),
            }
        )

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    def source_dir(self, source_id: str) -> Path:
        return self.raw_dir / source_id

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse analysts open (read-only)."""
        return self.warehouse_dir / "bcm.duckdb"

    @property
    def build_path(self) -> Path:
        """Where a refresh writes; analysts never open it, so it never blocks them (one writer)."""
        return self.warehouse_dir / "build" / "bcm.duckdb"

    @property
    def briefs_dir(self) -> Path:
        return self.data_dir / "briefs"

    def parse_cache_dir(self, source_id: str) -> Path:
        return self._cache / "parse" / source_id

    def validated_cache_dir(self, origin: str) -> Path:
        """Validated tables of a source (or `reference`, the authored tables): build.py _cached_validation."""
        return self._cache / "validated" / origin

    @property
    def lineage_cache_dir(self) -> Path:
        return self._cache / "lineage"

    @property
    def _cache(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"

    def config_dirs(self, kind: str) -> list[Path]:
        """The folders holding `kind` (agreements, cases) YAML files: the shipped defaults, then the user's."""
        user = {"agreements": self.agreements_dir, "cases": self.cases_dir}[kind]
        return [DEFAULTS_DIR / kind] + ([user] if user else [])
