"""A refresh rebuilds what a change reaches and keeps the rest (bcm_pipeline/build_keys.py), and what it
publishes is what a rebuild of every table publishes.

Four real `refresh` runs over the loopback mirror in one data directory: a first build; the same again
(every table kept, nothing published); the coal tracker pinned to its July 2023 release (the coal tables
and what reads them rebuilt, the rest kept); and a rebuild of every table with the same pin, whose content
must equal the incremental build's (the publish step finds it unchanged).
"""

from __future__ import annotations

import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.resources import BcmResource

pytestmark = [pytest.mark.slow, pytest.mark.integration]

# Tables the pin cannot reach: they read no coal-tracker row.
UNREACHED = ["fuel_prices_monthly", "owid_carbon_intensity", "cea_india_units", "agreements", "steel_units"]
# Tables computed from the coal tracker's units.
REACHED = ["coal_units", "plant_baselines", "technology_swaps", "credits", "host_country_programmes"]


def _refresh(data_dir, mirror, **overrides):
    bcm = BcmResource.of(data_dir=data_dir, source_mirror=mirror, http_backoff_s=0.01, **overrides)
    result = build_defs(bcm).resolve_job_def("refresh").execute_in_process()
    assert result.success
    notes, published = {}, None
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat.asset_key.to_user_string() == "published_warehouse":
            published = {k: v.value for k, v in mat.metadata.items()}
        elif "build" in mat.metadata:
            notes[mat.asset_key.to_user_string()] = mat.metadata["build"].value
    return notes, published


def test_a_refresh_keeps_what_no_change_reaches_and_publishes_what_a_rebuild_does(mirror, tmp_path):
    built = {t.name for t in catalogue.TABLES if t.layer != "bookkeeping"}

    first, published = _refresh(tmp_path, mirror)
    assert set(first) == built
    assert not any(note.startswith("kept") for note in first.values())
    assert published["unchanged"] is False

    again, published_again = _refresh(tmp_path, mirror)
    assert set(again) == built
    assert {n: note for n, note in again.items() if not note.startswith("kept")} == {}
    assert published_again["unchanged"] is True
    assert published_again["version"] == published["version"]

    pinned, published_pinned = _refresh(tmp_path, mirror, release_pins={"gem_coal_plant_tracker": "2023-07"})
    for name in UNREACHED:
        assert pinned[name].startswith("kept"), (name, pinned[name])
    assert pinned["coal_units"] == "rebuilt: changed input(s) frame"  # another release file
    for name in REACHED[1:]:
        assert pinned[name].startswith("rebuilt: changed input(s)"), (name, pinned[name])
    assert "coal_units" in pinned["plant_baselines"]
    assert published_pinned["unchanged"] is False

    rebuilt, published_rebuilt = _refresh(
        tmp_path, mirror, release_pins={"gem_coal_plant_tracker": "2023-07"}, rebuild=True
    )
    assert set(rebuilt.values()) == {"rebuilt: every table rebuilt (--rebuild)"}
    # Every table rebuilt from scratch holds what the incremental build held: same content hash.
    assert published_rebuilt["unchanged"] is True
    assert published_rebuilt["version"] == published_pinned["version"]
