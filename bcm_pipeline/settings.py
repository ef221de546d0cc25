"""Paths and environment settings. Read when a resource or command asks, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    source_mirror: str | None = None

    @classmethod
    def from_env(cls, data_dir: str | None = None, source_mirror: str | None = None) -> Settings:
        """Explicit arguments win over BCM_DATA_DIR / BCM_SOURCE_MIRROR; empty strings mean unset."""
        data = data_dir or os.environ.get("BCM_DATA_DIR") or "data"
        mirror = source_mirror or os.environ.get("BCM_SOURCE_MIRROR") or None
        return cls(data_dir=Path(data).resolve(), source_mirror=mirror)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

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

    def source_dir(self, source_id: str) -> Path:
        return self.raw_dir / source_id
