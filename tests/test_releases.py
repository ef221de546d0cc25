"""Releases through real runs over loopback: a renamed column handled by a user-file entry alone, the clear
error on a new layout, a release added to the user file triggering the sensor, release_changes on a
hand-made world, and months read from the Pink Sheet itself."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest

from bcm_pipeline import catalogue, warehouse
from bcm_pipeline.assets.tables import raw_key
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.parsers import gem, worldbank_pink_sheet
from bcm_pipeline.parsers.common import SourceFormatError
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.releases import ReleaseChanges, TrackerUnitReleases
from bcm_pipeline.sources.registry import ReleaseOptions, resolve
from tests.conftest import shared_file
from tests.faultserver import FaultServer, Reply, failure_text, refresh

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Unknown extension:UserWarning")]

GCPT = "gem_coal_plant_tracker"
JULY_2024 = "Global-Coal-Plant-Tracker-July-2024 DATA TEAM COPY.xlsx"


@pytest.fixture(scope="module")
def server():
    srv = FaultServer()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def july_2024_rows() -> tuple[list[list], list[list]]:
    """The header and first 30 units of the July 2024 'Units' sheet, and its 'CO2 parameters' sheet."""
    wb = openpyxl.load_workbook(shared_file(GCPT, JULY_2024), read_only=True)
    units = [list(r) for r in wb["Units"].iter_rows(max_row=31, values_only=True)]
    params = [list(r) for r in wb["CO2 parameters"].iter_rows(max_row=40, values_only=True)]
    wb.close()
    return units, params


def workbook(units: list[list], params: list[list], units_sheet: str = "Units") -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = units_sheet
    for row in units:
        wb.active.append(row)
    co2 = wb.create_sheet("CO2 parameters")
    for row in params:
        co2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def renamed(units: list[list], old: str, new: str) -> list[list]:
    header = [new if h == old else h for h in units[0]]
    return [header, *units[1:]]


# The July 2024 entry of sources.yaml, copied as a user would, plus one more renamed column.
USER_RELEASE = """
sources:
  - id: gem_coal_plant_tracker
    releases:
      - version: "2025-01"
        release_date: 2025-01-20
        files:
          - name: GCPT-January-2025.xlsx
            url: https://example.org/GCPT-January-2025.xlsx
            format: xlsx
        sheets: {{Units: Coal Projects, CO2 parameters: CO2 Parameters}}
        columns:
          Country/Area: Country
          Lifetime CO2 (million tonnes): Lifetime CO2
{extra}
"""


def user_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "my-sources.yaml"
    path.write_text(USER_RELEASE.format(extra=textwrap.indent(extra, " " * 10)))
    return path


def test_a_copy_with_one_more_renamed_column_builds_from_a_user_file_entry_alone(
    server, july_2024_rows, tmp_path, monkeypatch
):
    units, params = july_2024_rows
    server.script(
        f"{GCPT}/GCPT-January-2025.xlsx",
        Reply(body=workbook(renamed(units, "Capacity (MW)", "Capacity MW"), params)),
    )
    monkeypatch.setenv("BCM_SOURCES_FILE", str(user_file(tmp_path, "Capacity MW: Capacity (MW)\n")))
    data_dir = tmp_path / "data"
    result = refresh(data_dir, server.url, [GCPT])
    assert result.success, failure_text(result)
    # Expected: the 30 units of the copy and their capacity, read straight from the rows written above.
    capacity = units[0].index("Capacity (MW)")
    expected_mw = sum(float(row[capacity]) for row in units[1:])
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), sum(capacity_mw) FROM coal_units").fetchone() == (
            30,
            pytest.approx(expected_mw),
        )
        assert con.execute("SELECT source_id, version, file_name FROM raw_files").fetchall() == [
            (GCPT, "2025-01", "GCPT-January-2025.xlsx")
        ]
        # July 2024's CO2 parameters sheet: heat rates subcritical 8,702 and USC 8,272 Btu/kWh (SOURCES.md §10).
        rates = dict(
            con.execute(
                "SELECT key, value FROM gem_co2_parameters WHERE parameter_set = 'heat_rate_btu_per_kwh'"
            ).fetchall()
        )
        assert (rates["subcritical"], rates["ultra-supercritical"]) == (8702, 8272)


def test_a_truly_new_layout_fails_naming_source_release_missing_and_unexpected_columns(
    server, july_2024_rows, tmp_path, monkeypatch
):
    units, params = july_2024_rows
    server.script(
        f"{GCPT}/GCPT-January-2025.xlsx",
        Reply(body=workbook(renamed(units, "Capacity (MW)", "Capacity MW"), params)),
    )
    monkeypatch.setenv("BCM_SOURCES_FILE", str(user_file(tmp_path)))  # the new header is not declared
    data_dir = tmp_path / "data"
    result = refresh(data_dir, server.url, [GCPT])
    assert not result.success
    text = failure_text(result)
    assert "gem_coal_plant_tracker release 2025-01" in text, text
    assert "lacks column(s) ['Capacity (MW)']" in text, text
    # Unexpected: the new header, and July 2024's own new columns (known neither to July 2023 nor the map).
    assert "unexpected column(s) ['Capacity MW', 'Permit Date', 'Permit Parsed', 'Plant age (years)']" in text
    assert not (data_dir / "warehouse" / "bcm.duckdb").exists()


def test_a_release_added_to_the_user_file_triggers_the_rebuild(server, july_2024_rows, tmp_path, monkeypatch):
    """The weekly check downloads each source's default release; a newer release listed in the user file
    is a new file, hence a new data version, and the sensor asks for a run of everything downstream."""
    units, params = july_2024_rows
    server.script(f"{GCPT}/GCPT-January-2025.xlsx", Reply(body=workbook(units, params)))
    monkeypatch.setenv("BCM_RELEASE_GEM_COAL_PLANT_TRACKER", "")
    july_2024 = resolve(ReleaseOptions()).files(GCPT)[0]
    server.script(july_2024.mirror_path, Reply(body=shared_file(GCPT, JULY_2024).read_bytes()))
    sources_file = tmp_path / "none-yet.yaml"
    instance = dg.DagsterInstance.ephemeral()
    bcm = BcmResource.of(data_dir=tmp_path / "data", source_mirror=server.url, sources_file=sources_file)
    defs = build_defs(bcm)
    job = defs.resolve_job_def("refresh")
    sensor = defs.resolve_sensor_def("rebuild_on_source_change")
    raw = [raw_key(GCPT)]

    def tick(cursor):
        data = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        )
        return data.run_requests, data.cursor

    sources_file.write_text("sources: []\n")
    assert job.execute_in_process(instance=instance, asset_selection=raw).success  # July 2024, the default
    requests, cursor = tick(None)
    assert requests == []
    assert job.execute_in_process(instance=instance, asset_selection=raw).success  # nothing new
    requests, cursor = tick(cursor)
    assert requests == []
    sources_file.write_text(USER_RELEASE.format(extra=""))  # the user lists January 2025
    assert job.execute_in_process(instance=instance, asset_selection=raw).success
    [request] = tick(cursor)[0]
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"coal_units", "gem_co2_parameters", "source_releases", "published_warehouse"} <= selected
    assert request.tags["bcm/changed_sources"] == "raw/gem/coal_plant_tracker"


# --- release_changes on a hand-made world -----------------------------------------------------------------


def test_release_changes_on_a_hand_made_pair_of_releases(tmp_path):
    def unit(version, key, status="operating", mw=600.0, tech="subcritical", year=2010, iso3="VNM"):
        return dict(source_id=GCPT, version=version, release_date=None, is_newest=version == "new",
                    unit_id=key if version == "new" else key.replace("G100000", "G"), unit_key=key,
                    country_iso3=iso3, plant_name="P", unit_name="1", status=status, capacity_mw=mw,
                    combustion_technology=tech, start_year=year, source_sha256="0" * 64)  # fmt: skip

    rows = [
        unit("old", "G100000000001"),  # unchanged
        unit("new", "G100000000001"),
        unit("old", "G100000000002", status="construction", year=2024),  # commissioned a year late
        unit("new", "G100000000002", status="operating", year=2025),
        unit("old", "G100000000003", mw=600.0, tech="unknown"),  # re-rated and classified
        unit("new", "G100000000003", mw=660.0, tech="supercritical"),
        unit("old", "G100000000004", iso3="IND"),  # gone from the tracker
        unit("new", "G100000000005", mw=1200.0, iso3="IND"),  # new
        unit("old", "G100000000006", year=None),  # the old release did not know the start year
        unit("new", "G100000000006", year=1998),
    ]
    df = pd.DataFrame(rows)
    df["release_date"] = [dt.date(2023, 7, 1) if v == "old" else dt.date(2024, 7, 1) for v in df["version"]]
    df["start_year"] = df["start_year"].astype("Int64")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        warehouse.write_table(con, TrackerUnitReleases, TrackerUnitReleases.validate(df))
        warehouse.write_table(con, ReleaseChanges, catalogue.sql_text("marts/release_changes.sql"))
        got = con.execute(
            "SELECT unit_id, previous_unit_id, country_iso3, change_type, old_value, new_value, "
            "old_capacity_mw, new_capacity_mw, old_version, new_version FROM release_changes "
            "ORDER BY unit_id, change_type"
        ).fetchall()
    assert got == [
        ("G100000000002", "G000002", "VNM", "start_year_changed", "2024", "2025", 600.0, 600.0, "old", "new"),
        ("G100000000002", "G000002", "VNM", "status_changed", "construction", "operating", 600.0, 600.0, "old", "new"),
        ("G100000000003", "G000003", "VNM", "capacity_changed", "600.0", "660.0", 600.0, 660.0, "old", "new"),
        ("G100000000003", "G000003", "VNM", "technology_changed", "unknown", "supercritical", 600.0, 660.0, "old", "new"),
        ("G100000000004", "G000004", "IND", "removed", None, None, 600.0, None, "old", "new"),
        ("G100000000005", None, "IND", "added", None, None, None, 1200.0, "old", "new"),
        ("G100000000006", "G000006", "VNM", "start_year_changed", None, "1998", 600.0, 600.0, "old", "new"),
    ]  # fmt: skip


def test_release_changes_is_empty_with_one_release(tmp_path):
    df = pd.DataFrame(
        [dict(source_id=GCPT, version="only", release_date=dt.date(2024, 7, 1), is_newest=True, unit_id="G1",
              unit_key="G1", country_iso3="VNM", plant_name="P", unit_name=None, status="operating",
              capacity_mw=600.0, combustion_technology="subcritical", start_year=2010, source_sha256="0" * 64)]
    )  # fmt: skip
    df["start_year"] = df["start_year"].astype("Int64")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        warehouse.write_table(con, TrackerUnitReleases, TrackerUnitReleases.validate(df))
        assert (
            warehouse.write_table(con, ReleaseChanges, catalogue.sql_text("marts/release_changes.sql")) == 0
        )


def test_unit_ids_of_july_2023_are_rewritten_into_the_july_2024_format():
    july_2023 = resolve(ReleaseOptions()).sources[GCPT].release("2023-07")
    # SOURCES.md §10 / the two workbooks: unit G108106 of July 2023 is G100000108106 in July 2024.
    assert july_2023.unit_key("G108106") == "G100000108106"
    assert (
        resolve(ReleaseOptions()).sources[GCPT].release("2024-07").unit_key("G100000108106")
        == "G100000108106"
    )


# --- The real July 2024 workbook with its packaged layout ------------------------------------------------


def test_july_2024_parses_with_its_declared_layout():
    release = resolve(ReleaseOptions()).sources[GCPT].release("2024-07")
    units = gem.parse_coal_units(shared_file(GCPT, JULY_2024), layout=release.layout(GCPT))
    assert len(units) == 14_004  # SOURCES.md §10: 14,004 units
    assert not any(units["_problems"].map(len))  # the 18 '... with CCS' coal types mapped by the entry
    operating = units[units["status"] == "operating"]["country_iso3"].value_counts()
    # SOURCES.md §10, operating units counted there: India 845, Indonesia 256, Kazakhstan 98, Viet Nam 76.
    assert operating[["IND", "IDN", "KAZ", "VNM", "PHL"]].tolist() == [845, 256, 98, 76, 63]
    ccs = units[units["has_ccs"]]
    assert len(ccs) == 18 and set(ccs["coal_type"]) <= {"unknown", "bituminous", "subbituminous", "lignite"}


def test_july_2024_without_its_layout_is_a_clear_error():
    with pytest.raises(
        SourceFormatError, match=r"'Coal Projects' not found .*are \['About', 'Units'.*`sheets` map"
    ):
        gem.parse_coal_units(shared_file(GCPT, JULY_2024))


# --- No calendar in the code: the Pink Sheet's months come from the file ----------------------------------


def test_pink_sheet_months_are_read_from_the_file(tmp_path):
    """A copy of the workbook with every period label moved three years on parses to the same prices three
    years later: no month or year is assumed by the parser."""
    original = shared_file("worldbank_pink_sheet", "CMO-Historical-Data-Monthly.xlsx")
    wb = openpyxl.load_workbook(original)
    ws = wb["Monthly Prices"]
    relabelled = 0
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        text = str(cell.value or "")
        if len(text) == 7 and text[4] == "M" and text[:4].isdigit():
            cell.value = f"{int(text[:4]) + 3}{text[4:]}"
            relabelled += 1
    shifted = tmp_path / "CMO-shifted.xlsx"
    wb.save(shifted)
    assert relabelled == 791  # 1960M01 to 2025M11 (SOURCES.md §8): 65 years x 12 + 11 months

    before = worldbank_pink_sheet.parse_pink_sheet(original)
    after = worldbank_pink_sheet.parse_pink_sheet(shifted)
    assert before["month"].max() == dt.date(2025, 11, 1)  # SOURCES.md §8: months 1960M01-2025M11
    assert after["month"].max() == dt.date(2028, 11, 1)
    assert after["month"].min() == dt.date(1963, 1, 1)
    moved = before.assign(month=[dt.date(m.year + 3, m.month, 1) for m in before["month"]])
    key = ["series_code", "month"]
    pd.testing.assert_frame_equal(
        moved.sort_values(key).reset_index(drop=True)[[*key, "price_usd"]],
        after.sort_values(key).reset_index(drop=True)[[*key, "price_usd"]],
    )
