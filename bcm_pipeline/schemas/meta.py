"""Bookkeeping tables: where each raw file came from, and the rows that failed validation."""

import pandera.pandas as pa
from pandera.typing import Series


class RawFiles(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(unique=True, description="Source id (folder of data/raw/)")
    url: Series[str] = pa.Field(description="URL the file was fetched from (file:// when placed by hand)")
    path: Series[str] = pa.Field(description="Local path of the raw file")
    retrieved_at: Series[str] = pa.Field(description="UTC time of the download (ISO 8601)")
    bytes: Series[int] = pa.Field(ge=0, description="File size in bytes")
    sha256: Series[str] = pa.Field(str_length=64, description="SHA-256 of the file; core rows carry it too")
    etag: Series[str] = pa.Field(nullable=True, description="HTTP ETag at download, for conditional requests")
    last_modified: Series[str] = pa.Field(nullable=True, description="HTTP Last-Modified at download")
    status: Series[str] = pa.Field(
        isin=["downloaded", "not_modified", "manual"], description="What the last refresh did with the file"
    )

    class Config:
        name = "raw_files"
        description = (
            "Provenance of every raw source file: URL, retrieval time, size, sha256, HTTP validators."
        )
        metadata = {"key": ["source_id"]}


class Quarantine(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(description="Source id of the file the row came from")
    table_name: Series[str] = pa.Field(description="Core table the row was meant for")
    row_key: Series[str] = pa.Field(description="The row's key columns joined by |, or its row number")
    column_name: Series[str] = pa.Field(nullable=True, description="Column that failed")
    check_name: Series[str] = pa.Field(description="Check that failed (e.g. greater_than_or_equal_to(0))")
    bad_value: Series[str] = pa.Field(nullable=True, description="The offending value, as text")
    file_sha256: Series[str] = pa.Field(nullable=True, description="SHA-256 of the raw file")
    row_json: Series[str] = pa.Field(description="The whole parsed row as JSON, for inspection")

    class Config:
        name = "quarantine"
        description = "Rows kept out of the core tables, with the reason. Never silently dropped."
        metadata = {"key": ["table_name", "row_key", "column_name", "check_name"]}
