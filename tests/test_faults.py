"""Fault-injection suite: each fault, injected over loopback HTTP or on disk, runs a real Dagster refresh.

Every case ends in a clear error (naming the source and what went wrong) or a quarantine, and leaves the
published warehouse, its kept versions and data/raw byte-identical (quarantine cases publish a new version
holding the quarantined row and keep the previous one).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.sources.registry import SOURCES, ReleaseOptions, resolve
from tests.conftest import shared_file
from tests.faultserver import (
    FaultServer,
    Reply,
    failure_text,
    fast_step_retries,
    path_of,
    refresh,
    refused,
    refused_url,
    snapshot,
    step_retries,
    warnings,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]

IFI, OWID, CEA = (SOURCES[s] for s in ("ifi_grid_factors", "owid_carbon_intensity", "cea_india_co2_baseline"))
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please log in</body></html>"


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    fast_step_retries(monkeypatch)


# --- corrupted variants of the real IFI workbook, made with openpyxl -----------------------------------


def ifi_variant(edit) -> bytes:
    wb = openpyxl.load_workbook(shared_file("ifi_grid_factors", IFI.filename))
    edit(wb, wb["Dataset "])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _scale(factor):
    def edit(wb, ws):
        for row in ws.iter_rows(min_row=4, max_row=ws.max_row, min_col=2, max_col=6):
            for cell in row:
                if isinstance(cell.value, int | float):
                    cell.value = cell.value * factor

    return edit


def _set(coord, value):
    def edit(wb, ws):
        ws[coord] = value

    return edit


def _rename_sheet(wb, ws):
    ws.title = "Data"


def _keep_20_rows(wb, ws):
    ws.delete_rows(24, ws.max_row)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@dataclass
class Case:
    id: str
    source: object
    expect: list[str]
    replies: list[Reply] = field(default_factory=list)
    variant: object = None  # an edit of the IFI workbook, served at BCM_URL_<ID> (no pin applies there)
    on_disk: bytes | None = None  # a file dropped into data/raw by hand (no provenance sidecar)
    quarantine: str | None = None  # expected bad value in the quarantine table instead of an error
    transient: bool = False  # Dagster retries the step (a later try may pass); permanent faults fail at once


def cases() -> list[Case]:
    return [
        Case("timeout", IFI, ["timed out"], [Reply(delay_s=1.0)], transient=True),
        Case(
            "429_retry_after_forever",
            IFI,
            ["HTTP 429"],
            [Reply(status=429, headers={"Retry-After": "0"})],
            transient=True,
        ),
        Case("storm_of_500s", IFI, ["HTTP 500"], [Reply(status=500)], transient=True),
        Case("503_then_404", IFI, ["HTTP 404"], [Reply(status=503), Reply(status=404)]),
        Case(
            "reset_mid_body",
            IFI,
            ["broke off"],
            [Reply(body=b"PK" + b"\0" * 60_000, send=4096, reset=True)],
            transient=True,
        ),
        Case(
            "truncated_body",
            IFI,
            ["broke off"],
            [Reply(body=b"PK" + b"\0" * 60_000, send=30_000)],
            transient=True,
        ),
        Case(
            "html_instead_of_xlsx",
            IFI,
            ["HTML page"],
            [Reply(body=HTML, headers={"Content-Type": "text/html"})],
        ),
        Case(
            "oversized", IFI, ["exceeds the cap"], [Reply(body=b"x", headers={"Content-Length": "80000000"})]
        ),
        Case(
            "sha256_mismatch",
            IFI,
            ["expected the pinned"],
            [Reply(body=_zip({"[Content_Types].xml": b"<T/>"}))],
        ),
        Case("source_moved_404", IFI, ["HTTP 404", "BCM_URL_IFI_GRID_FACTORS"], [Reply(status=404)]),
        # Nothing listening at the mirror: test_unreachable_source_goes_on_with_its_last_good_file (a last
        # good file exists here); without one it fails fast (tests/test_first_hour.py).
        Case("zip_bomb", CEA, ["zip bomb"], [Reply(body=_zip({"database_15.xlsm": b"\0" * 30_000_000}))]),
        Case("zip_slip", CEA, ["unsafe path"], [Reply(body=_zip({"../../../etc/cron.d/x": b"x"}))]),
        Case("csv_is_html", OWID, ["HTML page"], [Reply(body=HTML)]),
        Case(
            "csv_latin1",
            OWID,
            ["not UTF-8"],
            [Reply(body="Entity,Code,Year,x gCO2/kWh\nTürkiye,TUR,2022,1\n".encode("latin-1"))],
        ),
        Case("csv_empty", OWID, ["empty"], [Reply(body=b"")]),
        Case("renamed_sheet", IFI, ["sheet 'Dataset ' not found"], variant=_rename_sheet),
        Case("renamed_column", IFI, ["lacks column", "cm_firm_ef_t_per_mwh"], variant=_set("B2", "Baseload")),
        Case("duplicated_key", IFI, ["country_name", "uniq"], variant=_set("A5", "Afghanistan")),
        Case("unit_drift_kg_per_kwh", IFI, ["not published", "a change of unit"], variant=_scale(0.001)),
        Case("unit_drift_g_per_mwh", IFI, ["not published", "rows fell from 234"], variant=_scale(1000)),
        Case("rows_vanished", IFI, ["not published", "rows fell from 234 to 20"], variant=_keep_20_rows),
        Case("truncated_file_on_disk", IFI, ["not usable", "zip"], on_disk=b"half"),
        Case("empty_file_on_disk", IFI, ["not usable", "empty"], on_disk=b""),
        Case("negative_value", IFI, [], variant=_set("F4", -413.9), quarantine="-0.4139"),
        Case("unknown_country", IFI, [], variant=_set("A8", "Atlantis"), quarantine="Atlantis"),
    ]


@pytest.fixture(scope="module")
def server():
    srv = FaultServer()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def baseline(server, tmp_path_factory) -> Path:
    """A published warehouse built from the real IFI and OWID files."""
    for source in (IFI, OWID):
        server.script(path_of(source), Reply(body=shared_file(source.id, source.filename).read_bytes()))
    data_dir = tmp_path_factory.mktemp("baseline")
    result = refresh(data_dir, server.url, [IFI.id, OWID.id])
    assert result.success, failure_text(result)
    return data_dir


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.id)
def test_fault(case: Case, server, baseline, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(baseline, data_dir)
    before = snapshot(data_dir)
    good = server.scripts["/" + path_of(case.source)] if case.source is not CEA else None
    mirror = server.url
    if case.replies:
        server.script(path_of(case.source), *case.replies)
    if case.variant:
        served = ifi_variant(case.variant)
        server.script("variant.xlsx", Reply(body=served))
        monkeypatch.setenv(f"BCM_URL_{case.source.id.upper()}", server.url + "variant.xlsx")
    if case.on_disk is not None:
        target = data_dir / "raw" / case.source.id / case.source.filename
        target.with_name(target.name + ".provenance.json").unlink()
        target.write_bytes(case.on_disk)
        before = snapshot(data_dir)
    try:
        result = refresh(data_dir, mirror, [case.source.id])
    finally:
        if good is not None:
            server.script(path_of(case.source), *good)

    if case.quarantine:
        assert result.success, failure_text(result)
        with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
            bad = con.execute(
                "SELECT bad_value, row_json FROM quarantine WHERE table_name = 'ifi_grid_factors'"
            ).fetchall()
            assert any(case.quarantine in (value or "") + row for value, row in bad), bad
            assert con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0] == 233
        kept = {k: v for k, v in before.items() if k.startswith("warehouse/versions/")}
        after = snapshot(data_dir)
        assert all(after.get(k) == v for k, v in kept.items()), "the previous version must be kept"
        return

    assert not result.success
    text = failure_text(result)
    assert case.source.id in text, text
    for word in case.expect:
        assert word in text, text
    assert step_retries(result) == (2 if case.transient else 0)
    after = snapshot(data_dir)
    # The last good raw file stays current, whatever was served: published warehouse and data/raw as before.
    assert after == before, "published warehouse or data/raw changed"
    kept = refused(data_dir, case.source.id)
    if case.variant:  # a valid workbook its table refused: kept aside with the reason, not current
        assert [sha for sha, _ in kept] == [hashlib.sha256(served).hexdigest()], kept
        reason = kept[0][1]["reason"]
        assert all(word in reason for word in case.expect if word != "not published"), reason
    else:  # refused by the download's own checks: never a file in data/raw
        assert kept == []
    leftovers = [p for p in data_dir.rglob(".*") if p.is_file() and ".provenance" not in p.name]
    assert not leftovers, leftovers


def test_fault_suite_size():
    assert len(cases()) >= 20


def test_transient_500_then_success_publishes_same_content(server, baseline, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(baseline, data_dir)
    good = server.scripts["/" + path_of(IFI)]
    server.script(path_of(IFI), Reply(status=500), Reply(status=502), *good)
    result = refresh(data_dir, server.url, [IFI.id])
    assert result.success, failure_text(result)
    versions = sorted((data_dir / "warehouse" / "versions").glob("bcm-*.duckdb"))
    # Same inputs, same contents: the build is not published again (issue 18 item 8).
    assert len(versions) == 1
    publish = result.asset_materializations_for_node("published_warehouse")[-1]
    assert publish.metadata["unchanged"].value is True


# --- GEM coal tracker: a 30-unit workbook made from the real one, one fault at a time -----------------

# The July 2023 layout ('Coal Projects', 'CO2 Parameters'): the workbooks below are made in it, so the runs pin it.
GEM_PIN = ("BCM_RELEASE_GEM_COAL_PLANT_TRACKER", "2023-07")
GEM = resolve(ReleaseOptions(pins={"gem_coal_plant_tracker": "2023-07"})).files("gem_coal_plant_tracker")[0]


@pytest.fixture(scope="module")
def gem_rows() -> tuple[list[tuple], list[tuple]]:
    """The header and first 30 units of "Coal Projects", and the whole "CO2 Parameters" sheet."""
    wb = openpyxl.load_workbook(shared_file(GEM.id, GEM.filename), read_only=True)
    units = list(wb["Coal Projects"].iter_rows(max_row=31, values_only=True))
    params = list(wb["CO2 Parameters"].iter_rows(values_only=True))
    wb.close()
    return units, params


def gem_workbook(gem_rows, edit=None, units_sheet: str = "Coal Projects") -> bytes:
    units, params = (list(map(list, rows)) for rows in gem_rows)
    if edit:
        edit(units)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = units_sheet
    for row in units:
        ws.append(row)
    co2 = wb.create_sheet("CO2 Parameters")
    for row in params:
        co2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _capacity(units: list[list], change) -> None:
    col = units[0].index("Capacity (MW)")
    for row in units[1:]:
        row[col] = change(row[col])


@pytest.fixture(scope="module")
def gem_baseline(server, gem_rows, tmp_path_factory) -> Path:
    server.script("gem.xlsx", Reply(body=gem_workbook(gem_rows)))
    data_dir = tmp_path_factory.mktemp("gem")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BCM_URL_GEM_COAL_PLANT_TRACKER", server.url + "gem.xlsx")
        mp.setenv(*GEM_PIN)
        result = refresh(data_dir, server.url, [GEM.id])
    assert result.success, failure_text(result)
    return data_dir


def _negative_first(units):
    units[1][units[0].index("Capacity (MW)")] = -800


def _rename_capacity(units):
    units[0][units[0].index("Capacity (MW)")] = "Capacity"


def _new_ids_in_kw(units):
    """A release that renumbers every unit and gives capacities in kW: no unit to compare one by one, the
    same number of rows; only the publish gate's median drift sees it."""
    ids = units[0].index("GEM unit/phase ID")
    for row in units[1:]:
        row[ids] = "X" + row[ids]
    _capacity(units, lambda v: v * 1000)


# The refusals name the source, its release and the file (sha256 prefix, URL).
NAMES_THE_FILE = ["gem_coal_plant_tracker", "release 2023-07", "sha256 ", "{url}"]

GEM_CASES = {
    "capacity_in_kw": (
        lambda u: _capacity(u, lambda v: v * 1000),
        {},
        ["not published", "coal_units.capacity_mw", "change of unit", "BCM_PUBLISH__DRIFT_GUARD=false"]
        + NAMES_THE_FILE,
    ),
    "new_ids_in_kw": (
        _new_ids_in_kw,
        {},
        [
            "not published",
            "coal_units.capacity_mw: median moved",
            "because coal_units is built from gem_coal_plant_tracker, whose file changed",
            "ops.published_warehouse.config.drift_guard: false",
        ]
        + NAMES_THE_FILE,
    ),
    "renamed_sheet": (None, {"units_sheet": "Units"}, ["sheet 'Coal Projects' not found"]),
    "renamed_column": (_rename_capacity, {}, ["lacks column", "Capacity (MW)"]),
    "negative_capacity": (_negative_first, {}, None),  # quarantined, not dropped
}


@pytest.mark.parametrize("name", list(GEM_CASES))
def test_gem_fault(name, server, gem_rows, gem_baseline, tmp_path, monkeypatch):
    if "coal_units" not in catalogue.by_name():
        pytest.skip("coal_units is not registered yet")
    edit, kwargs, expect = GEM_CASES[name]
    data_dir = tmp_path / "data"
    shutil.copytree(gem_baseline, data_dir)
    before = snapshot(data_dir)
    served = gem_workbook(gem_rows, edit, **kwargs)
    server.script(f"gem-{name}.xlsx", Reply(body=served))
    monkeypatch.setenv("BCM_URL_GEM_COAL_PLANT_TRACKER", server.url + f"gem-{name}.xlsx")
    monkeypatch.setenv(*GEM_PIN)
    result = refresh(data_dir, server.url, [GEM.id])
    if expect is None:
        assert result.success, failure_text(result)
        with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
            bad = con.execute(
                "SELECT row_key, column_name, bad_value FROM quarantine WHERE table_name = 'coal_units'"
            ).fetchall()
            assert (gem_rows[0][1][0], "capacity_mw", "-800.0") in bad, bad
            assert con.execute("SELECT count(*) FROM coal_units").fetchone()[0] == 29
        return
    assert not result.success
    text = failure_text(result)
    for word in expect:
        word = word.format(url=server.url + f"gem-{name}.xlsx")
        assert word in text, text
    assert hashlib.sha256(served).hexdigest()[:12] in text, text
    # Published warehouse and the current raw file as they were; the refused workbook kept aside.
    assert snapshot(data_dir) == before
    assert [sha for sha, _ in refused(data_dir, GEM.id)] == [hashlib.sha256(served).hexdigest()]


# --- Complete files only: a CSV cut short is refused, wherever the cut falls (issue 19) ------------------
# OWID's carbon intensity CSV (5,737 records, every line ending in \r\n, no sha256 pin: it is updated in
# place) is served cut at several offsets, through the mirror, a user URL (BCM_URL_<ID>) or dropped by hand.
# Before: a cut at 90 % of the bytes was published, 522 rows gone and '571.4285' stored as 57.


def _line_start(data: bytes, share: float) -> int:
    return data.index(b"\n", int(len(data) * share)) + 1


def _inside_value(data: bytes) -> int:  # the case: '571.4285' cut to '57', past 90 % of the bytes
    return data.index(b"571.4285", int(len(data) * 0.9)) + 2


def _after_second_comma(data: bytes) -> int:  # 'Entity,Code,' : three fields where the header has four
    start = _line_start(data, 0.5)
    return data.index(b",", data.index(b",", start) + 1) + 1


def _inside_header(data: bytes) -> int:
    return 20  # 'Entity,Code,Year,Car'


def _at_a_line_end(data: bytes) -> int:  # a whole, shorter file: only the fall in rows tells
    return _line_start(data, 0.9)


def _last_record(cut: bytes) -> str:
    return cut.rsplit(b"\n", 1)[-1].decode().rstrip("\r")


CUTS = {
    # name: (offset, route, what the error says; {line}, {last}, {rows} worked out from the cut bytes)
    "inside_value_90pct": (_inside_value, "mirror", ["line {line}:", "no line end", "ends in {last!r}"]),
    "inside_value_user_url": (_inside_value, "user_url", ["line {line}:", "no line end", "variant.csv"]),
    "inside_value_by_hand": (_inside_value, "by_hand", ["not usable", "line {line}:", "no line end"]),
    "after_a_comma": (_after_second_comma, "mirror", ["line {line}: 3 field(s) where the header has 4"]),
    "inside_header": (_inside_header, "mirror", ["line 1:", "no line end", "'Entity,Code,Year,Car'"]),
    "at_a_line_end_90pct": (
        _at_a_line_end,
        "mirror",
        [
            "rows fell from 5737 to {rows}",
            "allows a fall of at most 2%",
            "owid_carbon_intensity release current",
        ],
    ),
}


def _refresh_with_cut(route, source, cut, server, data_dir, monkeypatch):
    """Refresh `source` with the bytes `cut` as its file, arriving by `route` (the mirror, a user URL
    named variant.<ext>, or put into data/raw/ by hand), then serve the good file again. (result, the
    snapshot of data_dir before the refresh)."""
    good = server.scripts["/" + path_of(source)]
    if route == "mirror":
        server.script(path_of(source), Reply(body=cut))
    elif route == "user_url":
        name = "variant" + Path(source.filename).suffix
        server.script(name, Reply(body=cut))
        monkeypatch.setenv(f"BCM_URL_{source.id.upper()}", server.url + name)
    else:
        target = data_dir / "raw" / source.id / source.filename
        target.with_name(target.name + ".provenance.json").unlink()
        target.write_bytes(cut)
    before = snapshot(data_dir)
    try:
        result = refresh(data_dir, server.url, [source.id])
    finally:
        server.script(path_of(source), *good)
    return result, before


@pytest.mark.parametrize("name", list(CUTS))
def test_cut_csv_is_refused(name, server, baseline, tmp_path, monkeypatch):
    offset, route, expect = CUTS[name]
    data = shared_file(OWID.id, OWID.filename).read_bytes()
    cut = data[: offset(data)]
    assert data.count(b"\n") == 5738 and cut != data  # header + 5,737 records, each line ended
    words = {
        "line": cut.count(b"\n") + 1,  # the cut record's line: the lines ended before it, plus one
        "last": _last_record(cut),
        "rows": cut.count(b"\n") - 1,  # the whole records kept: lines ended, less the header
    }
    data_dir = tmp_path / "data"
    shutil.copytree(baseline, data_dir)
    result, before = _refresh_with_cut(route, OWID, cut, server, data_dir, monkeypatch)
    assert not result.success
    text = failure_text(result)
    assert OWID.id in text, text
    for word in expect:
        assert word.format(**words) in text, text
    assert step_retries(result) == 0
    assert snapshot(data_dir) == before, "published warehouse or data/raw changed"
    # Refused by the download's checks: never in data/raw; refused by its table (a whole, shorter file):
    # kept aside with the reason.
    kept = refused(data_dir, OWID.id)
    if name == "at_a_line_end_90pct":
        assert [sha for sha, _ in kept] == [hashlib.sha256(cut).hexdigest()]
    else:
        assert kept == []


def test_unreachable_source_goes_on_with_its_last_good_file(baseline, tmp_path):
    """Nothing listens at the mirror: the run builds from the last good file, says so, and raw_files keeps
    the retrieval status."""
    data_dir = tmp_path / "data"
    shutil.copytree(baseline, data_dir)
    before = snapshot(data_dir)
    instance = dg.DagsterInstance.ephemeral()
    result = refresh(data_dir, refused_url(), [IFI.id], instance=instance)
    assert result.success, failure_text(result)
    assert step_retries(result) == 0
    said = [w for w in warnings(instance, result) if "cannot be reached" in w]
    assert len(said) == 1 and IFI.id in said[0] and "last good file" in said[0], said
    assert IFI.filename in said[0] and IFI.sha256[:12] in said[0]
    with duckdb.connect(str(data_dir / "warehouse" / "build" / "bcm.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT status, note, sha256 FROM raw_files WHERE source_id = ?", [IFI.id]
        ).fetchall()
        assert con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0] == 234
    assert [(r[0], r[2]) for r in rows] == [("unreachable", IFI.sha256)]
    assert "nothing listens at 127.0.0.1" in rows[0][1] and "connection refused" in rows[0][1]
    assert {k: v for k, v in snapshot(data_dir).items() if k.startswith("raw/")} == {
        k: v for k, v in before.items() if k.startswith("raw/")
    }


@pytest.mark.parametrize("route", ["mirror", "user_url", "by_hand"])
def test_cut_workbook_is_refused(route, server, baseline, tmp_path, monkeypatch):
    """An xlsx cut at 70 % of its bytes has lost its zip directory (at the end of the file): refused before
    any parser opens it, however it arrives."""
    data = shared_file(IFI.id, IFI.filename).read_bytes()
    cut = data[: int(len(data) * 0.7)]
    data_dir = tmp_path / "data"
    shutil.copytree(baseline, data_dir)
    result, before = _refresh_with_cut(route, IFI, cut, server, data_dir, monkeypatch)
    assert not result.success
    text = failure_text(result)
    assert "a zip without its directory at the end (the file was cut short)" in text, text
    assert ("not usable" if route == "by_hand" else "rejected") in text, text
    assert snapshot(data_dir) == before
