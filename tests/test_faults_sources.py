"""The fault suite for the sources added after the first six (issue 19, point 4): OWID electricity by source,
the WRI crosswalk, the CDM list, the Article 6 pipeline JSON, GEM steel (two files), POSTED (three files) and
the second GCPT release (July 2024, the default).

Small files cut from the real ones are served over loopback through a user sources file (the packaged
releases pin the publishers' bytes; a user's own copy has no pin), then each family of faults breaks every
source at once in ONE real Dagster run: HTML instead of the data, a file cut inside a value, a renamed
column, a duplicated key, the wrong encoding, an empty file, a change of unit, half the rows gone. Every
source ends in a clear error naming it (or a quarantine row with its reason), the published warehouse and
the current raw files stay byte-identical, and a file its table refused is kept aside in refused/.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.sources.registry import resolve
from tests.conftest import shared_file
from tests.faultserver import (
    FaultServer,
    Reply,
    failure_text,
    fast_step_retries,
    raw_step,
    refresh,
    refused,
    snapshot,
    step_failures,
    user_sources_file,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]

OWID_GEN, WRI, CDM = "owid_electricity_by_source", "wri_gppd_india", "cdm_power_projects"
A6, STEEL, POSTED, GCPT = (
    "unepccc_article6_pipeline",
    "gem_steel_plant_tracker",
    "posted_steel_technologies",
    "gem_coal_plant_tracker",
)
SOURCES = [OWID_GEN, WRI, CDM, A6, STEEL, POSTED, GCPT]
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please log in</body></html>"
# Records kept from each real CSV (WRI: past line 157, whose quoted name 'IEPL ,BELA TPP' a cut falls in).
KEEP = {OWID_GEN: 60, WRI: 170, CDM: 60, "units": 60, "plants": 40}


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    fast_step_retries(monkeypatch)


# --- Small real files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class File:
    source_id: str
    name: str
    format: str
    role: str | None
    path: str  # on the server: <source_id>/<name, URL-encoded>


def files() -> list[File]:
    releases = resolve()
    out = []
    for source_id in SOURCES:
        release = releases.used(source_id)
        for f, s in zip(release.files, releases.files(source_id), strict=True):
            out.append(File(source_id, f.name, f.format, f.role, s.mirror_path))
    return out


def _head_csv(data: bytes, records: int) -> bytes:
    lines = data.splitlines(keepends=True)
    small = b"".join(lines[: records + 1])
    return small if data.endswith(b"\n") else small.rstrip(b"\r\n")  # OWID ends without a line end


def _gcpt_small() -> bytes:
    """The first 30 units and the CO2 parameters of GCPT July 2024, in its own layout (sheet Units)."""
    release = resolve().used(GCPT)
    wb = openpyxl.load_workbook(shared_file(GCPT, release.files[0].name), read_only=True)
    units = list(wb["Units"].iter_rows(max_row=31, values_only=True))
    params = list(wb["CO2 parameters"].iter_rows(values_only=True))
    wb.close()
    return _workbook(units, params)


def _workbook(units, params) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Units"
    for row in units:
        ws.append(list(row))
    co2 = wb.create_sheet("CO2 parameters")
    for row in params:
        co2.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def small() -> dict[File, bytes]:
    out = {}
    for f in files():
        if f.source_id == GCPT:
            out[f] = _gcpt_small()
            continue
        data = shared_file(f.source_id, f.name).read_bytes()
        if f.source_id == A6:
            doc = json.loads(data)
            doc = {k: doc[k] for k in ("generatedAt", "summary")} | {
                "bilateralAgreements": doc["bilateralAgreements"][:15],
                "jcmProjects": doc["jcmProjects"][:15],
            }
            out[f] = json.dumps(doc, ensure_ascii=False, indent=1).encode()
        elif f.source_id == POSTED:
            out[f] = data  # 50-61 lines each
        else:
            out[f] = _head_csv(data, KEEP[f.role or f.source_id])
    return out


@pytest.fixture(scope="module")
def server():
    srv = FaultServer()
    yield srv
    srv.close()


def serve(server, replies: dict[File, bytes]) -> None:
    for f, body in replies.items():
        server.script(f.path, Reply(body=body))


@pytest.fixture(scope="module")
def sources_file(server, tmp_path_factory) -> Path:
    return user_sources_file(tmp_path_factory.mktemp("user") / "sources.yaml", server.url, SOURCES)


@pytest.fixture(scope="module")
def baseline(server, small, sources_file, tmp_path_factory) -> Path:
    """A published warehouse of the seven sources' tables, built from the small files."""
    serve(server, small)
    data_dir = tmp_path_factory.mktemp("sources")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BCM_SOURCES_FILE", str(sources_file))
        result = refresh(data_dir, server.url, SOURCES)
    assert result.success, failure_text(result)
    return data_dir


# --- The faults -------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> tuple[list[list[str]], str, bool]:
    text = data.decode("utf-8")
    return (
        list(csv.reader(io.StringIO(text, newline=""))),
        ("\r\n" if "\r\n" in text else "\n"),
        text[-1] in "\r\n",
    )


def _csv_bytes(rows: list[list[str]], newline: str, ends: bool) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return (out.getvalue() if ends else out.getvalue().removesuffix(newline)).encode()


def csv_edit(edit):
    def apply(data: bytes) -> bytes:
        rows, newline, ends = _csv_rows(data)
        return _csv_bytes(edit(rows), newline, ends)

    return apply


def rename(old: str, new: str):
    def edit(rows):
        rows[0][rows[0].index(old)] = new
        return rows

    return edit


def duplicate_first(rows):
    return [rows[0], rows[1], *rows[1:]]


def first_half(rows):
    return rows[: 1 + (len(rows) - 1) // 2]


def times_1000(*columns: str, containing: str | None = None):
    def edit(rows):
        wanted = [i for i, c in enumerate(rows[0]) if c in columns or (containing and containing in c)]
        for row in rows[1:]:
            for i in wanted:
                try:
                    row[i] = repr(float(row[i]) * 1000)
                except ValueError:
                    pass  # empty, 'n/a', '>0'
        return rows

    return edit


def cut_in_a_value(data: bytes) -> bytes:
    """Cut two bytes into the record that starts past 60 % of the file: that record has one field."""
    start = data.index(b"\n", int(len(data) * 0.6)) + 1
    return data[: start + 2]


def cut_in_a_quoted_value(data: bytes) -> bytes:
    return data[: data.index(b'"IEPL ,BE') + 5]


def json_edit(edit):
    def apply(data: bytes) -> bytes:
        doc = json.loads(data)
        edit(doc)
        return json.dumps(doc, ensure_ascii=False, indent=1).encode()

    return apply


def _rename_kt(doc):
    for p in doc["jcmProjects"]:
        p["ktCO2ePerYear"] = p.pop("ktCo2ePerYear")


def _duplicate_deals(doc):
    doc["bilateralAgreements"].insert(1, dict(doc["bilateralAgreements"][0]))
    doc["jcmProjects"].insert(1, dict(doc["jcmProjects"][0]))


def _kt_times_1000(doc):
    for p in doc["jcmProjects"]:
        if isinstance(p["ktCo2ePerYear"], int | float):
            p["ktCo2ePerYear"] *= 1000


def _half_the_records(doc):
    for key in ("bilateralAgreements", "jcmProjects"):
        doc[key] = doc[key][: len(doc[key]) // 2]


def gcpt_edit(edit):
    def apply(data: bytes) -> bytes:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        units = [list(r) for r in wb["Units"].iter_rows(values_only=True)]
        params = list(wb["CO2 parameters"].iter_rows(values_only=True))
        return _workbook(edit(units), params)

    return apply


def _gcpt_capacity_times_1000(units):
    col = units[0].index("Capacity (MW)")
    for row in units[1:]:
        row[col] = row[col] * 1000
    return units


def utf16(data: bytes) -> bytes:
    return data.decode("utf-8").encode("utf-16")


ALL = object()  # every file of the seven sources

# family: {file selector: break function}; a selector is a source id (its only file, or every file of
# STEEL/POSTED), (source id, role) for one file of several, or ALL.
FAMILIES = {
    "html_instead_of_data": {ALL: lambda data: HTML},
    "cut_inside_a_value": {
        OWID_GEN: cut_in_a_value,
        WRI: cut_in_a_quoted_value,
        CDM: cut_in_a_value,
        A6: lambda data: data[: int(len(data) * 0.6)],
        (STEEL, "units"): cut_in_a_value,
        (POSTED, "eaf"): cut_in_a_value,
        GCPT: lambda data: data[: int(len(data) * 0.6)],
    },
    "renamed_column": {
        OWID_GEN: csv_edit(rename("Year", "Yr")),
        WRI: csv_edit(rename("latitude", "lat")),
        CDM: csv_edit(rename("capacity_mw", "capacity")),
        A6: json_edit(_rename_kt),
        (STEEL, "units"): csv_edit(rename("current-capacity-(ttpa)", "capacity-(ttpa)")),
        (POSTED, "eaf"): csv_edit(rename("value", "Value")),
        GCPT: gcpt_edit(lambda u: [[("Capacity" if c == "Capacity (MW)" else c) for c in u[0]], *u[1:]]),
    },
    "duplicated_key": {
        OWID_GEN: csv_edit(duplicate_first),
        WRI: csv_edit(duplicate_first),
        CDM: csv_edit(duplicate_first),
        A6: json_edit(_duplicate_deals),
        (STEEL, "units"): csv_edit(duplicate_first),
        (STEEL, "plants"): csv_edit(duplicate_first),
        (POSTED, "eaf"): csv_edit(duplicate_first),
        GCPT: gcpt_edit(lambda u: [u[0], u[1], *u[1:]]),
    },
    "wrong_encoding_utf16": {s: utf16 for s in (OWID_GEN, WRI, CDM, A6, STEEL, POSTED)},
    "empty_file": {ALL: lambda data: b""},
    "unit_change_times_1000": {
        OWID_GEN: csv_edit(times_1000(containing=" - TWh")),  # TWh now GWh
        CDM: csv_edit(times_1000("capacity_mw")),  # MW now kW
        A6: json_edit(_kt_times_1000),  # kt CO2e/yr now t
        (STEEL, "units"): csv_edit(times_1000("current-capacity-(ttpa)")),  # thousand t/yr now t
        (POSTED, "eaf"): csv_edit(times_1000("value")),
        GCPT: gcpt_edit(_gcpt_capacity_times_1000),  # MW now kW
    },
    "half_the_rows_gone": {
        OWID_GEN: csv_edit(first_half),
        WRI: csv_edit(first_half),
        CDM: csv_edit(first_half),
        A6: json_edit(_half_the_records),
        (STEEL, "units"): csv_edit(first_half),
        (POSTED, "eaf"): csv_edit(first_half),
        GCPT: gcpt_edit(lambda u: u[:16]),  # 15 of 30 units
    },
}

# What each source's run says: (step, or steps a|b of which one, outcome, words). outcome "download": the raw step fails (never a
# raw file); "refused": the table step fails and its new file is kept aside in refused/; "quarantine": the
# table is built, the bad row in quarantine (words[0] its check).
D, R, Q = "download", "refused", "quarantine"
EXPECT = {
    "html_instead_of_data": {
        s: [(raw_step(s), D, ["HTML page"])] for s in (OWID_GEN, WRI, CDM, A6, STEEL, POSTED, GCPT)
    },
    "cut_inside_a_value": {
        OWID_GEN: [(raw_step(OWID_GEN), D, ["rejected: line ", "1 field(s) where the header has 12"])],
        WRI: [(raw_step(WRI), D, ["rejected: line 157: unexpected end of data", "never closes"])],
        CDM: [(raw_step(CDM), D, ["rejected: line ", "field(s) where the header has 22"])],
        A6: [(raw_step(A6), D, ["expected JSON but the file does not parse"])],
        STEEL: [(raw_step(STEEL), D, ["rejected: line ", "field(s) where the header has 30"])],
        POSTED: [(raw_step(POSTED), D, ["Electric Arc Furnace.csv", "rejected: line "])],
        GCPT: [(raw_step(GCPT), D, ["a zip without its directory at the end (the file was cut short)"])],
    },
    "renamed_column": {
        OWID_GEN: [(OWID_GEN, R, ["lacks ['Year']"])],
        WRI: [("cea_station_locations", R, ["lacks ['latitude']"])],
        CDM: [("cdm_power_projects", R, ["lacks column(s) ['capacity_mw']"])],
        A6: [("jcm_projects", R, ["'jcmProjects' records lack field(s) ['ktCo2ePerYear']"])],
        STEEL: [("steel_units", R, ["lacks column(s) ['current-capacity-(ttpa)']"])],
        POSTED: [("posted_steel_technologies", R, ["Electric Arc Furnace.csv lacks column(s) ['value']"])],
        GCPT: [("coal_units", R, ["release 2024-07", "lacks column(s) ['Capacity (MW)']", "columns` map"])],
    },
    "duplicated_key": {
        OWID_GEN: [(OWID_GEN, R, ["table-level validation failed", "uniqueness"])],
        WRI: [("cea_station_locations", R, ["table-level validation failed", "uniqueness"])],
        CDM: [("cdm_power_projects", R, ["table-level validation failed", "cdm_project_id"])],
        A6: [("jcm_projects", R, ["jcm_project_id", "uniq"]), ("article6_agreements", Q, ["unique_deal"])],
        STEEL: [("steel_units", R, ["gem_unit_id", "uniq"]), ("steel_plants", R, ["uniqueness"])],
        POSTED: [("posted_steel_technologies", Q, ["unique_row"])],
        GCPT: [("coal_units", R, ["gem_unit_id", "uniq"])],
    },
    "wrong_encoding_utf16": {
        s: [(raw_step(s), D, ["NUL bytes: UTF-16 or binary, expected UTF-8"])]
        for s in (OWID_GEN, WRI, CDM, A6, STEEL, POSTED)
    },
    "empty_file": {s: [(raw_step(s), D, ["the file is empty"])] for s in SOURCES},
    "unit_change_times_1000": {
        OWID_GEN: [(OWID_GEN, R, ["generation_twh:", "moved by 100x or more", "a change of unit?"])],
        CDM: [("cdm_power_projects", R, ["cdm_power_projects.capacity_mw:", "a change of unit?"])],
        A6: [("jcm_projects", R, ["jcm_projects.reduction_kt_co2e_per_yr:", "a change of unit?"])],
        STEEL: [("steel_units", R, ["steel_units.capacity_t_per_yr:", "a change of unit?"])],
        POSTED: [("posted_steel_technologies", R, ["posted_steel_technologies.value:", "a change of unit?"])],
        GCPT: [("coal_units", R, ["gem_coal_plant_tracker release 2024-07", "coal_units.capacity_mw:"])],
    },
    "half_the_rows_gone": {
        OWID_GEN: [(OWID_GEN, R, ["rows fell from", "allows a fall of at most 2%"])],
        WRI: [("cea_station_locations", R, ["rows fell from", "at most 5%"])],
        CDM: [("cdm_power_projects", R, ["rows fell from 60 to 30"])],  # 30 of 60 records
        # 7 of 15 deals and of 15 projects: whichever of its two tables runs first refuses the file.
        A6: [("article6_agreements|jcm_projects", R, ["rows fell from 15 to 7"])],
        STEEL: [("steel_units", R, ["steel_units: rows fell from 60 to 30"])],
        POSTED: [("posted_steel_technologies", R, ["rows fell from", "at most 10%"])],
        GCPT: [("coal_units", R, ["coal_units: rows fell from 30 to 15"])],
    },
}


def files_only(snap: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snap.items() if not k.endswith(".provenance.json")}


def broken_files(small: dict[File, bytes], family: str) -> dict[File, bytes]:
    out = {}
    for selector, breaker in FAMILIES[family].items():
        for f in small:
            if (
                selector is ALL
                or selector == f.source_id
                or (isinstance(selector, tuple) and selector == (f.source_id, f.role))
            ):
                out[f] = breaker(small[f])
    return out


def test_every_family_breaks_every_source_it_names():
    for family, expected in EXPECT.items():
        named = {s if isinstance(s, str) else s[0] for s in FAMILIES[family] if s is not ALL}
        assert set(expected) == (named or set(SOURCES)), family


@pytest.mark.parametrize("family", list(FAMILIES))
def test_new_sources_broken(family, server, small, sources_file, baseline, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(baseline, data_dir)
    before = snapshot(data_dir)
    broken = broken_files(small, family)
    serve(server, {**small, **broken})
    monkeypatch.setenv("BCM_SOURCES_FILE", str(sources_file))
    try:
        result = refresh(data_dir, server.url, SOURCES)
    finally:
        serve(server, small)
    assert not result.success
    failed = step_failures(result)
    seen = {}
    for source_id, outcomes in EXPECT[family].items():
        for step, outcome, words in outcomes:
            if outcome == Q:
                with duckdb.connect(
                    str(data_dir / "warehouse" / "build" / "bcm.duckdb"), read_only=True
                ) as con:
                    checks = con.execute(
                        "SELECT check_name, row_json FROM quarantine WHERE table_name = ?", [step]
                    ).fetchall()
                assert step not in failed, failed.get(step)
                assert any(c == words[0] for c, _ in checks), checks
                seen[step] = f"quarantine ({words[0]})"
                continue
            text = next((failed[s] for s in step.split("|") if s in failed), "")
            assert source_id in text, (step, text or sorted(failed))
            for word in words:
                assert word in text, (step, text)
            seen[step] = outcome
        waiting = [
            p for p in (data_dir / "raw" / source_id / "candidate").glob("*") if ".provenance" not in p.name
        ]
        if all(o == Q for _, o, _ in outcomes):  # its tables passed, other sources failed the run:
            assert waiting, source_id  # still a candidate, not current until a run publishes it
        kept = refused(data_dir, source_id)
        if any(o == R for _, o, _ in outcomes):  # a table refused it: kept aside with the reason
            assert kept and all(side["reason"] for _, side in kept), (source_id, kept)
        else:
            assert kept == [], (source_id, kept)
    # Nothing else failed that the family did not name, and nothing was published or made current.
    named_steps = {
        s for outcomes in EXPECT[family].values() for step, _, _ in outcomes for s in step.split("|")
    }
    tables = {t.name for t in catalogue.tables("source")}
    assert {s for s in failed if s in tables or s.startswith("raw__")} <= named_steps, sorted(failed)
    # The files of a multi-file release that were not broken were fetched again (same bytes, a new
    # retrieval time in their sidecars): the files themselves, and everything published, are as they were.
    assert files_only(snapshot(data_dir)) == files_only(before), "published warehouse or data/raw changed"
    leftovers = [p for p in data_dir.rglob(".*") if p.is_file() and ".provenance" not in p.name]
    assert not leftovers, leftovers
