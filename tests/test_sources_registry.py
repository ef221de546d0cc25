"""sources.yaml as data: releases, the newest as default, pins, the user sources file, multi-file releases,
and the release layout (renames) the parsers apply."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bcm_pipeline.parsers.common import Layout, SourceFormatError
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import registry
from bcm_pipeline.sources.download import source_url
from bcm_pipeline.sources.registry import ReleaseOptions, SourceConfigError, load_sources, resolve

pytestmark = pytest.mark.unit

GCPT = "gem_coal_plant_tracker"


def user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_packaged_sources_list_every_source_with_its_releases():
    sources = load_sources()
    assert set(sources) == {
        "gem_coal_plant_tracker",
        "gem_oil_gas_plant_tracker",
        "cea_india_co2_baseline",
        "ifi_grid_factors",
        "owid_carbon_intensity",
        "worldbank_pink_sheet",
        "gem_steel_plant_tracker",
        "posted_steel_technologies",
        "unepccc_article6_pipeline",
        "cdm_power_projects",
        "owid_electricity_by_source",
        "wri_gppd_india",
    }
    # Multi-file releases as packaged (SOURCES.md §15-16): GIST's unit and plant files, POSTED's three CSVs.
    assert [f.role for f in sources["gem_steel_plant_tracker"].newest.files] == ["units", "plants"]
    assert [f.role for f in sources["posted_steel_technologies"].newest.files] == ["bf_bof", "dri", "eaf"]
    gcpt = sources[GCPT]
    assert [r.version for r in gcpt.ordered()] == ["2023-07", "2024-07"]
    # SOURCES.md §10: the July 2024 file and its sha256.
    july_2024 = gcpt.release("2024-07").file()
    assert july_2024.name == "Global-Coal-Plant-Tracker-July-2024 DATA TEAM COPY.xlsx"
    assert july_2024.sha256 == "e0b73d334b154aaa4f89e743bef84f5ce152b21bb9f2958af0eefdd0c81ef34c"
    for entry in sources.values():  # every release names its files; pinned URLs are immutable commits
        for release in entry.releases:
            for f in release.files:
                assert f.url.startswith("https://")
                assert f.sha256 is None or "raw.githubusercontent.com" in f.url


def test_the_newest_release_is_the_default_and_a_pin_chooses_another(monkeypatch):
    monkeypatch.delenv("BCM_RELEASE_GEM_COAL_PLANT_TRACKER", raising=False)
    assert resolve(ReleaseOptions.of(Settings.load())).used(GCPT).version == "2024-07"
    monkeypatch.setenv("BCM_RELEASE_GEM_COAL_PLANT_TRACKER", "2023-07")
    releases = resolve(ReleaseOptions.of(Settings.load()))
    assert releases.used(GCPT).version == "2023-07" and releases.is_pinned(GCPT)
    assert releases.files(GCPT)[0].filename == "Global-Coal-Plant-Tracker-July-2023.xlsx"
    # Dagster config (explicit pins) wins over the environment.
    pinned = Settings.load(releases={GCPT: "2024-07"})
    assert resolve(ReleaseOptions.of(pinned)).used(GCPT).version == "2024-07"


def test_an_unknown_pin_names_the_known_releases():
    with pytest.raises(SourceConfigError, match=r"no release '2019-01'.*'2023-07', '2024-07'"):
        resolve(ReleaseOptions(pins={GCPT: "2019-01"}))
    with pytest.raises(SourceConfigError, match="unknown source 'nope'"):
        resolve(ReleaseOptions(pins={"nope": "1"}))


def test_a_user_file_adds_a_release_which_becomes_the_default(tmp_path):
    path = user_file(
        tmp_path,
        """
        sources:
          - id: gem_coal_plant_tracker
            releases:
              - version: "2025-01"
                release_date: 2025-01-15
                files:
                  - name: GCPT-2025.xlsx
                    url: https://example.org/GCPT-2025.xlsx
                    format: xlsx
                sheets: {Units: Coal Projects}
                columns: {Country/Area: Country, Capacity MW: Capacity (MW)}
        """,
    )
    releases = resolve(ReleaseOptions(sources_file=path))
    used = releases.used(GCPT)
    assert used.version == "2025-01" and used.release_date == date(2025, 1, 15)
    assert [r.version for r in releases.sources[GCPT].latest_two()] == ["2024-07", "2025-01"]
    layout = used.layout(GCPT)
    assert layout.sheet("Coal Projects") == "Units"
    assert layout.columns["Capacity MW"] == "Capacity (MW)"
    assert registry.user_listed(path) == {(GCPT, "2025-01")}


def test_a_user_file_overrides_a_url_and_drops_its_pin(tmp_path):
    path = user_file(
        tmp_path,
        """
        sources:
          - id: ifi_grid_factors
            releases:
              - version: "2021 v3.2"
                files:
                  - name: IFI_Grid_Factors_2021_v3.2.xlsx
                    url: https://mirror.example.org/ifi.xlsx
        """,
    )
    [ifi] = resolve(ReleaseOptions(sources_file=path)).files("ifi_grid_factors")
    assert ifi.url == "https://mirror.example.org/ifi.xlsx"
    assert ifi.sha256 is None  # the packaged sha256 pinned the packaged URL
    assert ifi.format == "xlsx" and ifi.version == "2021 v3.2"  # the rest of the entry is kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  - id: nope\n    releases: []\n", "unknown source 'nope'"),
        (
            "sources:\n  - id: gem_coal_plant_tracker\n    releases:\n      - version: 2025\n",
            "quoted `version`",
        ),
        (
            "sources:\n  - id: gem_coal_plant_tracker\n    releases:\n      - version: '2025-01'\n"
            "        files: [{name: a.xlsx, url: 'https://x/a.xlsx', format: pdf}]\n",
            "releases.2.files.0.format",
        ),
        ("sources: {}\n", "expected a mapping with a `sources:` list"),
    ],
)
def test_a_wrong_user_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    with pytest.raises(SourceConfigError, match=message) as err:
        resolve(ReleaseOptions(sources_file=path))
    assert str(path) in str(err.value)


def test_a_release_may_have_several_files_each_read_by_role(tmp_path):
    """The steel tracker, POSTED and WRI sources come as 2-3 CSVs per release: one file per role."""
    path = user_file(
        tmp_path,
        """
        sources:
          - id: gem_oil_gas_plant_tracker
            releases:
              - version: "2026-03"
                release_date: 2026-03-01
                files:
                  - {name: "Iron & Steel plants.csv", url: "https://example.org/plants.csv", format: csv, role: plants}
                  - {name: "Iron & Steel units.csv", url: "https://example.org/units.csv", format: csv, role: units}
        """,
    )
    releases = resolve(ReleaseOptions(sources_file=path))
    files = releases.files("gem_oil_gas_plant_tracker")
    assert [f.filename for f in files] == ["Iron & Steel plants.csv", "Iron & Steel units.csv"]
    assert not any(f.url_override for f in files)  # BCM_URL_<ID> names one file: not for a multi-file release
    assert releases.table_file("gem_oil_gas_plant_tracker", "units").filename == "Iron & Steel units.csv"
    with pytest.raises(SourceConfigError, match="has 2 files; name the role"):
        releases.table_file("gem_oil_gas_plant_tracker")
    # The mirror layout stays <mirror>/<source_id>/<file name>, the name URL-encoded.
    settings = Settings.load(data_dir=tmp_path, source_mirror="http://127.0.0.1:9/")
    assert source_url(files[0], settings) == (
        "http://127.0.0.1:9/gem_oil_gas_plant_tracker/Iron%20%26%20Steel%20plants.csv"
    )


def test_url_override_applies_to_the_used_release_only(monkeypatch, tmp_path):
    monkeypatch.setenv("BCM_URL_GEM_COAL_PLANT_TRACKER", "https://example.org/mine.xlsx")
    releases = resolve(ReleaseOptions())
    settings = Settings.load(data_dir=tmp_path)
    [used] = releases.files(GCPT)
    [older] = releases.files(GCPT, releases.sources[GCPT].release("2023-07"))
    assert source_url(used, settings) == "https://example.org/mine.xlsx"
    assert source_url(older, settings) == older.url


def test_sources_mapping_keeps_its_old_shape():
    from bcm_pipeline.sources.registry import SOURCES

    assert SOURCES["ifi_grid_factors"].filename == "IFI_Grid_Factors_2021_v3.2.xlsx"
    assert SOURCES[GCPT].version == "2024-07"


# --- The layout a parser applies -----------------------------------------------------------------------


def test_layout_renames_headers_and_values():
    layout = Layout(
        source_id=GCPT,
        version="2024-07",
        columns={"Country/Area": "Country"},
        values={"Coal type": {"bituminous with CCS": "bituminous"}},
    )
    raw = pd.DataFrame({"Country/Area": ["India"], "Coal type": ["bituminous with CCS"], "New": [1]})
    out = layout.apply(raw, required=["Country", "Coal type"], known=["Country", "Coal type"], where="sheet")
    assert list(out.columns) == ["Country", "Coal type", "New"]
    assert out.loc[0, "Coal type"] == "bituminous"


def test_a_new_layout_names_source_release_missing_and_unexpected_columns():
    layout = Layout(source_id=GCPT, version="2025-01")
    raw = pd.DataFrame(columns=["Country/Area", "Capacity (MW)", "Brand new"])
    with pytest.raises(SourceFormatError) as err:
        layout.apply(
            raw, required=["Country", "Capacity (MW)"], known=["Country", "Capacity (MW)"], where="x"
        )
    text = str(err.value)
    assert "gem_coal_plant_tracker release 2025-01" in text
    assert "lacks column(s) ['Country']" in text
    assert "unexpected column(s) ['Country/Area', 'Brand new']" in text


def test_a_rename_onto_an_existing_header_is_refused():
    layout = Layout(source_id=GCPT, version="x", columns={"Country/Area": "Country"})
    raw = pd.DataFrame(columns=["Country", "Country/Area"])
    with pytest.raises(SourceFormatError, match=r"column\(s\) \['Country'\] twice"):
        layout.apply(raw, required=["Country"], known=[], where="x")


# --- The commands -----------------------------------------------------------------------------------------


def test_cli_refresh_refuses_an_unknown_pin_in_one_line(tmp_path):
    from click.testing import CliRunner

    from bcm_pipeline.cli import main

    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path), "refresh", "--release", "gem_coal_plant_tracker=1999-01"]
    )
    assert result.exit_code == 1
    assert "no release '1999-01'; known releases: ['2023-07', '2024-07']" in result.output
    assert not (tmp_path / "warehouse").exists()


def test_cli_sources_lists_a_user_release_and_the_pin(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bcm_pipeline.cli import main

    path = user_file(
        tmp_path,
        """
        sources:
          - id: gem_coal_plant_tracker
            releases:
              - version: "2025-01"
                release_date: 2025-01-15
                files: [{name: GCPT-2025.xlsx, url: "https://example.org/GCPT-2025.xlsx", format: xlsx}]
        """,
    )
    monkeypatch.setenv("BCM_SOURCES_FILE", str(path))
    monkeypatch.setenv("BCM_RELEASE_GEM_COAL_PLANT_TRACKER", "2024-07")
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "none"), "sources"])
    assert result.exit_code == 0, result.output
    rows = [
        [c.strip() for c in r.strip("|").split("|")]
        for r in result.output.splitlines()
        if r.startswith(f"| {GCPT}")
    ]
    # version, newest, pinned, next build (nothing published in this data dir)
    assert [[r[1], r[4], r[5], r[6]] for r in rows] == [
        ["2023-07", "", "", ""],
        ["2024-07", "", "yes", "yes"],
        ["2025-01", "yes", "", ""],
    ]
    path.write_text("sources:\n  - id: nope\n")
    broken = CliRunner().invoke(main, ["sources"])
    assert broken.exit_code == 1 and "unknown source 'nope'" in broken.output
