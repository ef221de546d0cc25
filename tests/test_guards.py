"""Complete files and refusals that name their cause (issue 19), on small hand-made files and worlds."""

from __future__ import annotations

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from bcm_pipeline import guards
from bcm_pipeline.assets.publish import PublishGateError, gate
from bcm_pipeline.settings import PublishOptions
from bcm_pipeline.sources.registry import resolve
from bcm_pipeline.sources.wholeness import IncompleteFile, check_csv_records

pytestmark = pytest.mark.unit


# --- A CSV is whole ------------------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, name: str = "x.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode())
        return path

    return write


def test_a_whole_csv_passes(csv_file):
    assert check_csv_records(csv_file("a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n")) == 2  # a blank line is allowed
    assert check_csv_records(csv_file('a,b\n"x, y",2\n"say ""hi""",3\n')) == 2  # quoted commas and quotes


@pytest.mark.parametrize(
    "text, message",
    [
        ("a,b,c\n1,2,3\n4,5\n6,7,8\n", "line 3: 2 field(s) where the header has 3 (too few"),
        ("a,b,c\n1,2,3,4\n", "line 2: 4 field(s) where the header has 3 (too many"),
        # The cut: 571.4285 became 57, the last record's line never ended.
        (
            "Entity,Code,Year,v\nTonga,TON,2018,571.4285\nTonga,TON,2019,57",
            "line 3: the last record has no line end",
        ),
        ("Entity,Code,Ye", "line 1: the last record has no line end"),
        ('a,b\n1,"IEPL ,BE', "line 2: unexpected end of data (a quoted value that never closes"),
        ("", "the file is empty"),
    ],
)
def test_a_cut_csv_names_the_line(csv_file, text, message):
    with pytest.raises(IncompleteFile) as error:
        check_csv_records(csv_file(text))
    assert str(error.value).startswith(message), error.value


def test_a_source_that_never_ends_its_last_line(csv_file):
    """OWID's electricity-by-source download ends its last record without a line end (sources.yaml says so):
    only a cut record is an error there."""
    assert check_csv_records(csv_file("a,b\n1,2\n3,4"), ends_with_line_end=False) == 2
    with pytest.raises(IncompleteFile, match="line 3: 1 field"):
        check_csv_records(csv_file("a,b\n1,2\n3"), ends_with_line_end=False)


# --- A table against the published one ---------------------------------------------------------------


class Plants(pa.DataFrameModel):
    gem_unit_id: Series[str] = pa.Field(description="id")
    capacity_mw: Series[float] = pa.Field(description="MW")
    latitude: Series[float] = pa.Field(description="degrees")

    class Config:
        name = "plants"
        metadata = {"key": ["gem_unit_id"]}


def plants(rows):
    return pd.DataFrame(rows, columns=["gem_unit_id", "capacity_mw", "latitude"])


def test_value_jumps_name_the_key_and_both_values():
    old = plants([("G1", 600.0, 0.1), ("G2", 50.0, 10.0), ("G3", 0.0, 10.0), ("G4", 10.0, 1.0)])
    new = plants([("G1", 600_000.0, 20.0), ("G2", 2_500.0, 10.0), ("G3", 300.0, 10.0), ("G5", 1.0, 1.0)])
    # G1: 600 MW -> 600,000 (1000x, a kW column); G2: 50x (below 100x); G3: from 0 (not compared); G4 and G5
    # have no counterpart; latitude is a position (0.1 -> 20 is 200x, not a unit).
    assert guards.value_jumps(Plants, old, new, 100.0) == [
        "plants.capacity_mw: 1 of 2 value(s) moved by 100x or more against the same gem_unit_id "
        "(e.g. G1: 600 -> 600000 (1000x)): a change of unit?"
    ]
    # An old release's ids in the new format (GEM's July 2024 renumbering) still meet their values.
    renamed = new.assign(gem_unit_id=new["gem_unit_id"].str.replace("G", "G10000"))
    assert guards.value_jumps(Plants, old, renamed, 100.0) == []
    found = guards.value_jumps(Plants, old, renamed, 100.0, old_key=lambda k: k.replace("G", "G10000"))
    assert len(found) == 1 and "G100001: 600 -> 600000" in found[0]


def test_row_fall_against_the_source_threshold():
    entry = resolve().sources["ifi_grid_factors"]  # max_row_fall 0.05 in sources.yaml
    assert guards.row_fall("ifi_grid_factors", entry, 234, 223) is None  # 4.7 % fewer
    assert guards.row_fall("ifi_grid_factors", entry, 234, 222) == (  # 11 of 234 = 5.1 % fewer
        "ifi_grid_factors: rows fell from 234 to 222 (5.1% fewer; ifi_grid_factors allows a fall of at most "
        "5%: max_row_fall in sources.yaml)"
    )


def test_accept_hint_offers_the_previous_release():
    releases = resolve()
    gcpt = releases.sources["gem_coal_plant_tracker"]
    hint = guards.accept_hint([gcpt], {gcpt.id: "2024-07"}, {gcpt.id: "2024-07"}, gate=True)
    assert "BCM_PUBLISH__DRIFT_GUARD=false" in hint and "drift_guard: false" in hint
    assert "BCM_RELEASE_GEM_COAL_PLANT_TRACKER=2023-07" in hint  # the release listed before the one used
    owid = releases.sources["owid_carbon_intensity"]  # one release, updated in place: no older one to pin
    hint = guards.accept_hint([owid], {owid.id: "current"}, {}, gate=False)
    assert "drift_guard: false" not in hint and ".provenance.json" in hint


# --- The publish gate traces a refused table to its sources -----------------------------------------


def world(con, capacity: float, coal_sha: str, url: str) -> None:
    con.execute(f"CREATE TABLE coal_units AS SELECT {capacity} * (i + 1) AS capacity_mw FROM range(30) t(i)")
    con.execute(
        "CREATE TABLE raw_files (source_id VARCHAR, version VARCHAR, file_name VARCHAR, url VARCHAR, "
        "sha256 VARCHAR, status VARCHAR)"
    )
    con.execute(
        "INSERT INTO raw_files VALUES "
        "('gem_coal_plant_tracker', '2024-07', 'gcpt.xlsx', ?, ?, 'downloaded'), "
        "('gem_coal_plant_tracker', '2024-07', 'gcpt.xlsx', 'https://bad', ?, 'refused'), "
        "('ifi_grid_factors', '2021 v3.2', 'ifi.xlsx', 'https://ifi', ?, 'downloaded')",
        [url, coal_sha, "f" * 64, "e" * 64],
    )


def test_the_gate_names_the_changed_file_and_how_to_accept(tmp_path):
    previous = tmp_path / "bcm-v1.duckdb"
    with duckdb.connect(str(previous)) as old:
        world(old, 1.0, "a" * 64, "https://old")
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        world(con, 1000.0, "b" * 64, "http://127.0.0.1:9/gcpt.xlsx")  # the same units, in kW
        check = gate([], [], PublishOptions(), previous, releases=resolve())
        with pytest.raises(PublishGateError) as refused:
            check(con)
    text = str(refused.value)
    assert refused.value.changed == ("gem_coal_plant_tracker",)
    assert "- coal_units.capacity_mw: median moved from 15.5 to 15500 (1e+03x: a change of unit?)" in text
    assert (
        "because coal_units is built from gem_coal_plant_tracker, whose file changed: now release 2024-07 "
        "file 'gcpt.xlsx' (sha256 bbbbbbbbbbbb, from http://127.0.0.1:9/gcpt.xlsx); in bcm-v1.duckdb: "
        "release 2024-07 file 'gcpt.xlsx' (sha256 aaaaaaaaaaaa, from https://old)"
    ) in text
    assert "BCM_RELEASE_GEM_COAL_PLANT_TRACKER=2023-07" in text and "drift_guard: false" in text


def test_a_change_no_source_file_explains_is_put_on_the_code():
    con, old = duckdb.connect(), duckdb.connect()
    for c in (con, old):
        world(c, 1.0, "a" * 64, "https://same")
    cause = guards.trace("coal_units", con, old, "bcm-v1")
    assert cause.changed == ()
    assert cause.text == (
        "coal_units is built from gem_coal_plant_tracker, none of whose files changed since bcm-v1: the change "
        "comes from the code or the package's own files (reference tables, agreements, cases)"
    )
    # A mart is traced through everything it reads to the source tables upstream.
    assert "gem_coal_plant_tracker" in guards.sources_of("credits")
    assert guards.sources_of("countries") == []  # an authored reference table
