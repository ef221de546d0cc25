"""The build database's memory (issue 17: 1 M units within 1.5 GB): BCM_DUCKDB_MEMORY_LIMIT caps it, and bulk
inserts write each row group as it fills."""

from __future__ import annotations

import pytest

from bcm_pipeline.resources import BcmResource

pytestmark = pytest.mark.unit


def test_the_build_connection_takes_the_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("BCM_DUCKDB_MEMORY_LIMIT", "512MB")
    with BcmResource.of(data_dir=tmp_path).build_connection() as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    # 512 MB = 512,000,000 bytes = 512e6 / 2**20 = 488.28 MiB, as DuckDB prints it.
    assert limit == "488.2 MiB"


def test_without_it_duckdb_keeps_its_own_default(tmp_path, monkeypatch):
    monkeypatch.delenv("BCM_DUCKDB_MEMORY_LIMIT", raising=False)
    with BcmResource.of(data_dir=tmp_path).build_connection() as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit != "488.2 MiB" and limit.endswith("iB")


def test_the_build_connection_writes_each_row_group_as_it_fills(tmp_path, monkeypatch):
    # DuckDB's default buffers 5 row groups per thread before writing: ~1 GB of technology_swaps at 1 M units.
    monkeypatch.delenv("BCM_DUCKDB_MEMORY_LIMIT", raising=False)
    with BcmResource.of(data_dir=tmp_path).build_connection() as con:
        buffered = con.execute("SELECT current_setting('write_buffer_row_group_count')").fetchone()[0]
    assert buffered == 1
