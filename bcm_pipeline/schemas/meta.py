"""Bookkeeping tables: where each raw file came from, and the rows that failed validation."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class RawFiles(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(description="Source id (folder of data/raw/)")
    version: Series[str] = pa.Field(
        description="Release of the source the file belongs to (see source_releases)"
    )
    file_name: Series[str] = pa.Field(description="File name in data/raw/<source_id>/")
    url: Series[str] = pa.Field(
        description="The publisher's URL of the file (the release's in sources.yaml), whatever copy it was "
        "fetched from"
    )
    fetched_url: Series[str] = pa.Field(
        nullable=True,
        description="URL the file was actually fetched from (a mirror, a BCM_URL_<ID> override or the "
        "publisher's); null when the file was placed by hand (status manual)",
    )
    path: Series[str] = pa.Field(description="Path of the raw file, relative to the data directory")
    retrieved_at: Series[str] = pa.Field(description="UTC time of the download (ISO 8601)")
    bytes: Series[int] = pa.Field(ge=0, description="File size in bytes")
    sha256: Series[str] = pa.Field(str_length=64, description="SHA-256 of the file; core rows carry it too")
    etag: Series[str] = pa.Field(nullable=True, description="HTTP ETag at download, for conditional requests")
    last_modified: Series[str] = pa.Field(nullable=True, description="HTTP Last-Modified at download")
    status: Series[str] = pa.Field(
        isin=["downloaded", "not_modified", "manual", "candidate", "unreachable", "refused"],
        description="What the last refresh did with the file: downloaded, not_modified (HTTP 304), manual "
        "(placed by hand), unreachable (the source could not be reached: this is the last good file, used "
        "as it is), candidate (a new download whose tables are still being checked), refused (a new "
        "download kept aside in data/raw/<source_id>/refused/: the tables were not built from it)",
    )
    note: Series[str] = pa.Field(
        nullable=True,
        description="Why a file was refused (the check that said no), or why the source was unreachable; "
        "null otherwise",
    )

    class Config:
        name = "raw_files"
        description = (
            "Provenance of every raw file the current tables were built from (the release each source used): "
            "URL, retrieval time, size, sha256, HTTP validators; and the new downloads that were refused "
            "(status refused), kept aside with the reason."
        )
        metadata = {"key": ["source_id", "file_name", "sha256"]}
        unique = ["source_id", "file_name", "sha256"]


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


class SourceReleases(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(description="Source id (sources.yaml)")
    version: Series[str] = pa.Field(description="Release as the publisher names it (e.g. '2024-07')")
    release_date: Series[pa.Date] = pa.Field(
        nullable=True,
        description="Day of release; a release named by month only is dated the 1st; null: updated in place",
    )
    file_name: Series[str] = pa.Field(description="File of the release (a release may have several)")
    url: Series[str] = pa.Field(description="URL listed for the file (sources.yaml or the user sources file)")
    sha256: Series[str] = pa.Field(
        nullable=True, description="SHA-256 pinned for the URL; null when the URL is updated in place"
    )
    file_sha256: Series[str] = pa.Field(
        nullable=True, description="SHA-256 of the file this build read; null when the build did not read it"
    )
    is_newest: Series[bool] = pa.Field(description="The newest listed release: the default when not pinned")
    is_pinned: Series[bool] = pa.Field(
        description="The build was pinned to this release (BCM_RELEASE_<SOURCE_ID> or Dagster config)"
    )
    is_used: Series[bool] = pa.Field(
        description="The release the current tables of the source were built from"
    )
    listed_in: Series[str] = pa.Field(
        isin=["package", "user_file"],
        description="Where the release is listed: sources.yaml or BCM_SOURCES_FILE",
    )
    parsed_into: Series[str] = pa.Field(
        nullable=True,
        description="Tables built from the file in this build, comma-separated: the source's core tables for "
        "the used release, tracker_unit_releases for a release read only for release_changes; null: not read",
    )
    rows_parsed: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Rows parsed from the file into `parsed_into`, quarantined rows included (a table that "
        "reads every file of a release together, POSTED's, counts its rows on the release's first file)",
    )
    rows_quarantined: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Of rows_parsed, the rows kept in quarantine"
    )

    class Config:
        name = "source_releases"
        description = (
            "Every known release of every source (sources.yaml plus the user sources file), one row per file: "
            "which release the build used, whether it was pinned, and how many rows were parsed from it."
        )
        metadata = {"key": ["source_id", "version", "file_name"]}
        unique = ["source_id", "version", "file_name"]
        strict = "filter"
        coerce = True
