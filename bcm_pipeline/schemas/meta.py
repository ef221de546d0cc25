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
        metadata = {"key": ["table_name", "row_key", "column_name", "check_name"], "may_be_empty": True}


class DataDictionary(pa.DataFrameModel):
    object_name: Series[str] = pa.Field(description="Table or view name in the warehouse")
    object_type: Series[str] = pa.Field(isin=["table", "view"], description="table or view")
    layer: Series[str] = pa.Field(
        description="Where it sits in the flow: bookkeeping, core, reference, marts, reports, views"
    )
    column_position: Series[int] = pa.Field(ge=1, description="1-based position of the column")
    column_name: Series[str] = pa.Field(description="Column name (units in the name: _mw, _t_per_yr, ...)")
    data_type: Series[str] = pa.Field(description="DuckDB type of the column")
    is_nullable: Series[bool] = pa.Field(description="True when the column may hold NULL")
    is_key: Series[bool] = pa.Field(description="True for the columns that identify a row of a table")
    column_description: Series[str] = pa.Field(description="What the column holds, with its unit")
    reads_columns: Series[str] = pa.Field(
        description="For marts and views: the table.column values this column is computed from ('' if none)"
    )
    object_description: Series[str] = pa.Field(description="What the table or view holds")

    class Config:
        name = "data_dictionary"
        description = (
            "Every table and analyst view in the warehouse, column by column: type, nullability, key, "
            "description with unit, and (for marts and views) the columns it is computed from."
        )
        metadata = {"key": ["object_name", "column_name"]}
        strict = "filter"
        coerce = True
