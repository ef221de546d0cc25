"""Tracker units of the two latest releases, and what changed between them (release_changes)."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

CHANGE_TYPES = [
    "added",
    "removed",
    "status_changed",
    "capacity_changed",
    "technology_changed",
    "start_year_changed",
]


class TrackerUnitReleases(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(description="Tracker the units come from (e.g. gem_coal_plant_tracker)")
    version: Series[str] = pa.Field(description="Release of the tracker (see source_releases)")
    release_date: Series[pa.Date] = pa.Field(
        nullable=True, description="Day of the release (1st of its month)"
    )
    is_newest: Series[bool] = pa.Field(
        description="True: the newest listed release; False: the one before it"
    )
    unit_id: Series[str] = pa.Field(description="Unit id as this release publishes it")
    unit_key: Series[str] = pa.Field(
        description="Unit id in the newest release's id format (the release's unit_id_rewrite in sources.yaml)"
    )
    country_iso3: Series[str] = pa.Field(
        str_length=3, description="ISO 3166 alpha-3 code of the unit's country"
    )
    plant_name: Series[str] = pa.Field(description="Plant name")
    unit_name: Series[str] = pa.Field(nullable=True, description="Unit or phase name")
    status: Series[str] = pa.Field(
        description="Unit status, lower case (operating, construction, retired, ...)"
    )
    capacity_mw: Series[float] = pa.Field(nullable=True, ge=0, description="Unit capacity, MW")
    combustion_technology: Series[str] = pa.Field(
        nullable=True,
        description="GEM's combustion technology as in coal_units (lower case, '/ccs' suffix kept: a capture "
        "added or dropped is a technology change)",
    )
    start_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, description="Year of commissioning (planned year for projects); null if unknown"
    )
    source_sha256: Series[str] = pa.Field(description="SHA-256 of the raw file the row came from")

    class Config:
        name = "tracker_unit_releases"
        description = (
            "The units of the two latest listed releases of each compared tracker (GEM coal), with the few "
            "fields release_changes compares; the current units are in coal_units (the release in "
            "source_releases with is_used)."
        )
        metadata = {"key": ["source_id", "version", "unit_key"]}
        unique = ["source_id", "version", "unit_key"]
        strict = "filter"
        coerce = True


class ReleaseChanges(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(description="Tracker (e.g. gem_coal_plant_tracker)")
    unit_id: Series[str] = pa.Field(description="Unit id in the newer release's id format")
    previous_unit_id: Series[str] = pa.Field(
        nullable=True, description="Unit id as the older release published it; null for an added unit"
    )
    country_iso3: Series[str] = pa.Field(
        str_length=3,
        description="ISO3 of the unit's country (the newer release's; the older one's if removed)",
    )
    plant_name: Series[str] = pa.Field(description="Plant name (newer release; older one's if removed)")
    unit_name: Series[str] = pa.Field(
        nullable=True, description="Unit name (newer release; older if removed)"
    )
    change_type: Series[str] = pa.Field(isin=CHANGE_TYPES, description="What changed")
    old_value: Series[str] = pa.Field(
        nullable=True,
        description="Value in the older release as text: status, capacity in MW, GEM's combustion technology "
        "(its own code, as in coal_units.combustion_technology) or start year; "
        "null for added units and for a value the older release left blank",
    )
    new_value: Series[str] = pa.Field(
        nullable=True, description="Value in the newer release as text (same units as old_value)"
    )
    old_capacity_mw: Series[float] = pa.Field(
        nullable=True, ge=0, description="Unit capacity in the older release, MW; null if absent"
    )
    new_capacity_mw: Series[float] = pa.Field(
        nullable=True, ge=0, description="Unit capacity in the newer release, MW; null if absent"
    )
    old_version: Series[str] = pa.Field(description="Older release compared (see source_releases)")
    new_version: Series[str] = pa.Field(description="Newer release compared")

    class Config:
        name = "release_changes"
        description = (
            "Per tracker unit, what changed between the two latest listed releases: added, removed, status, "
            "capacity, technology or start year changed, with the old and new values. One row per unit and "
            "change; empty when a tracker lists one release."
        )
        metadata = {"key": ["source_id", "unit_id", "change_type"], "may_be_empty": True}
        unique = ["source_id", "unit_id", "change_type"]
        strict = "filter"
        coerce = True
