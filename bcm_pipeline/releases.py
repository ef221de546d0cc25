"""Release bookkeeping in pandas (no Dagster, no DuckDB): the units of a tracker release for the release
comparison, and the rows of source_releases.

Which trackers are compared is code (a catalogue table with releases="latest_two", and its columns below);
which releases are compared is data: the two newest listed in sources.yaml and the user sources file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from bcm_pipeline.parsers.common import PROBLEMS
from bcm_pipeline.sources.registry import Release, Releases

# Per compared tracker: its parser's columns under the names tracker_unit_releases gives them.
COMPARED_COLUMNS: dict[str, dict[str, str]] = {
    "gem_coal_plant_tracker": {
        "gem_unit_id": "unit_id",
        "country_iso3": "country_iso3",
        "plant_name": "plant_name",
        "unit_name": "unit_name",
        "status": "status",
        "capacity_mw": "capacity_mw",
        "combustion_technology": "combustion_technology",
        "start_year": "start_year",
    },
}


def release_units(
    parsed: pd.DataFrame, source_id: str, release: Release, is_newest: bool, sha256: str
) -> pd.DataFrame:
    """The compared columns of one parsed release, with its unit_key; row problems only on those columns
    stay (a unit with an unreadable coal type still shows whether its capacity changed)."""
    columns = COMPARED_COLUMNS[source_id]
    df = parsed[list(columns)].rename(columns=columns)
    df[PROBLEMS] = [[p for p in problems if p[0] in columns] for problems in parsed[PROBLEMS]]
    df.insert(0, "source_id", source_id)
    df.insert(1, "version", release.version)
    df.insert(2, "release_date", release.release_date)
    df.insert(3, "is_newest", is_newest)
    df["unit_key"] = [release.unit_key(u) if isinstance(u, str) else u for u in df["unit_id"]]
    df["source_sha256"] = sha256
    return df


@dataclass(frozen=True)
class Parsed:
    """What one file of a release yielded in this build."""

    tables: tuple[str, ...]
    rows: int | None  # None: the rows of a table reading every file together are counted on the first
    quarantined: int | None


def source_release_rows(
    releases: Releases,
    listed_by_user: set[tuple[str, str]],
    file_sha256: Mapping[tuple[str, str, str], str],
    parsed: Mapping[tuple[str, str, str], Parsed],
) -> pd.DataFrame:
    """One row per (source, release, file) known.

    listed_by_user: (source_id, version) of releases the user sources file adds or overrides.
    file_sha256 / parsed: by (source_id, version, file_name), for the files this build read."""
    rows = []
    for source_id, entry in releases.sources.items():
        used = releases.used(source_id)
        for release in entry.ordered():
            for f in release.files:
                key = (source_id, release.version, f.name)
                info = parsed.get(key)
                rows.append(
                    {
                        "source_id": source_id,
                        "version": release.version,
                        "release_date": release.release_date,
                        "file_name": f.name,
                        "url": f.url,
                        "sha256": f.sha256,
                        "file_sha256": file_sha256.get(key),
                        "is_newest": release.version == entry.newest.version,
                        "is_pinned": releases.is_pinned(source_id) and release.version == used.version,
                        "is_used": release.version == used.version,
                        "listed_in": "user_file"
                        if (source_id, release.version) in listed_by_user
                        else "package",
                        "parsed_into": ", ".join(info.tables) if info else None,
                        "rows_parsed": info.rows if info else None,
                        "rows_quarantined": info.quarantined if info else None,
                    }
                )
    df = pd.DataFrame(rows)
    for col in ("rows_parsed", "rows_quarantined"):
        df[col] = df[col].astype("Int64")
    return df
