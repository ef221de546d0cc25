"""A new download is a candidate until its tables pass (issue 19, point 3): real Dagster runs over loopback.

A refused candidate is kept in data/raw/<id>/refused/ with its reason, the last good file stays current, and
the next run, even offline, builds from it; raw_files and `bcm status` show both. A candidate whose tables
pass is promoted (the old file kept in previous/); a refused change accepted for one run is promoted too.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from bcm_pipeline.cli import main
from bcm_pipeline.sources.registry import SOURCES
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
    warnings,
)

pytestmark = pytest.mark.integration

IFI = SOURCES["ifi_grid_factors"]


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    fast_step_retries(monkeypatch)


@pytest.fixture(scope="module")
def server():
    srv = FaultServer()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def ifi_bytes() -> bytes:
    return shared_file(IFI.id, IFI.filename).read_bytes()


@pytest.fixture(scope="module")
def baseline(server, ifi_bytes, tmp_path_factory) -> Path:
    """Published from the real IFI workbook (234 countries)."""
    server.script(path_of(IFI), Reply(body=ifi_bytes))
    data_dir = tmp_path_factory.mktemp("baseline")
    result = refresh(data_dir, server.url, [IFI.id])
    assert result.success, failure_text(result)
    return data_dir


def ifi_edit(ifi_bytes: bytes, edit) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(ifi_bytes))
    edit(wb["Dataset "])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def keep_20_countries(ws):
    ws.delete_rows(24, ws.max_row)  # header rows 1-3, then Afghanistan ... (20 countries)


def in_kg_per_kwh(ws):
    for row in ws.iter_rows(min_row=4, min_col=2, max_col=6):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = cell.value / 1000


def vietnam_om_900(ws):
    ws["F231"] = 900.0  # Viet Nam's operating margin, g/kWh (560.4 in v3.2): plausible, so accepted


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def published(data_dir: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def status(data_dir: Path) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "status"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def data_dir(baseline, tmp_path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(baseline, out)
    return out


def test_refused_candidate_is_kept_aside_and_the_good_file_used_offline(
    server, ifi_bytes, data_dir, monkeypatch
):
    folder = data_dir / "raw" / IFI.id
    wrong = ifi_edit(ifi_bytes, keep_20_countries)
    server.script("ifi-20.xlsx", Reply(body=wrong))
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "ifi-20.xlsx")
    before = snapshot(data_dir)

    result = refresh(data_dir, server.url, [IFI.id])
    assert not result.success
    text = failure_text(result)
    # 234 countries before, 20 now: a fall of 91.5 %, where IFI allows 5 %.
    assert "rows fell from 234 to 20 (91.5% fewer; ifi_grid_factors allows a fall of at most 5%" in text, text
    assert "kept aside at" in text and "the last good file stays current" in text, text
    assert snapshot(data_dir) == before  # the published warehouse and the current raw file as they were
    assert sha((folder / IFI.filename).read_bytes()) == IFI.sha256
    assert not (folder / "candidate" / IFI.filename).exists()
    [(kept_sha, side)] = refused(data_dir, IFI.id)
    assert kept_sha == sha(wrong) and side["status"] == "refused"
    assert side["reason"].startswith(
        "table ifi_grid_factors: ifi_grid_factors release 2021 v3.2: the new file is refused"
    )
    assert "ifi-20.xlsx" in side["reason"]
    shown = status(data_dir)  # read from disk: a refused run publishes nothing
    assert "ifi_grid_factors IFI_Grid_Factors_2021_v3.2.xlsx: refused" in shown, shown
    assert f"sha256 {sha(wrong)[:12]}" in shown and "rows fell from 234 to 20" in shown, shown

    # Offline: nothing listens at the mirror or the user's URL. The run builds from the last good file.
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", refused_url() + "ifi-20.xlsx")
    instance = dg.DagsterInstance.ephemeral()
    result = refresh(data_dir, refused_url(), [IFI.id], instance=instance)
    assert result.success, failure_text(result)
    assert any("cannot be reached" in w and "last good file" in w for w in warnings(instance, result))
    rows = published(data_dir, "SELECT status, sha256, note FROM raw_files ORDER BY status")
    assert [(r[0], r[1]) for r in rows] == [("refused", sha(wrong)), ("unreachable", IFI.sha256)]
    assert "rows fell from 234 to 20" in rows[0][2] and "(connection refused)" in rows[1][2]
    assert published(data_dir, "SELECT count(*), min(source_sha256) FROM ifi_grid_factors") == [
        (234, IFI.sha256)
    ]
    # The manifest's source files are the ones the tables were built from, not the refused one.
    assert published(data_dir, "SELECT sha256 FROM manifest WHERE kind = 'source'") == [(IFI.sha256,)]
    shown = status(data_dir)
    assert "| unreachable |" in shown and "| refused " in shown, shown


def test_candidate_is_promoted_once_its_tables_pass(server, ifi_bytes, data_dir, monkeypatch):
    folder = data_dir / "raw" / IFI.id
    new = ifi_edit(ifi_bytes, vietnam_om_900)
    server.script("ifi-new.xlsx", Reply(body=new))
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "ifi-new.xlsx")
    result = refresh(data_dir, server.url, [IFI.id])
    assert result.success, failure_text(result)
    assert sha((folder / IFI.filename).read_bytes()) == sha(new)
    assert not (folder / "candidate").exists() or not any((folder / "candidate").iterdir())
    assert [p.name.split("-")[1] for p in (folder / "previous").glob("*.xlsx")] == [IFI.sha256[:12]]
    rows = published(data_dir, "SELECT status, sha256, path FROM raw_files")
    assert rows == [("downloaded", sha(new), f"raw/{IFI.id}/{IFI.filename}")]  # relative to the data dir
    # 900 g/kWh is 0.9 t/MWh.
    assert published(data_dir, "SELECT om_ef_t_per_mwh FROM ifi_grid_factors WHERE country_iso3 = 'VNM'") == [
        (0.9,)
    ]
    assert refused(data_dir, IFI.id) == []


def test_a_refused_change_accepted_for_one_run_is_promoted(server, ifi_bytes, data_dir, monkeypatch):
    folder = data_dir / "raw" / IFI.id
    new = ifi_edit(ifi_bytes, in_kg_per_kwh)
    server.script("ifi-kg.xlsx", Reply(body=new))
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "ifi-kg.xlsx")
    result = refresh(data_dir, server.url, [IFI.id])
    assert not result.success
    text = failure_text(result)
    assert "a change of unit?" in text and "BCM_PUBLISH__DRIFT_GUARD=false" in text, text
    assert [s for s, _ in refused(data_dir, IFI.id)] == [sha(new)]

    monkeypatch.setenv("BCM_PUBLISH__DRIFT_GUARD", "false")  # the change is real: accept it once
    result = refresh(data_dir, server.url, [IFI.id])
    assert result.success, failure_text(result)
    assert sha((folder / IFI.filename).read_bytes()) == sha(new)
    assert refused(data_dir, IFI.id) == []  # accepted after all: no longer listed as refused
    # Viet Nam's 560.441 g/kWh read as kg/kWh: 0.560441 / 1000 t/MWh.
    [(vn,)] = published(data_dir, "SELECT om_ef_t_per_mwh FROM ifi_grid_factors WHERE country_iso3 = 'VNM'")
    assert abs(vn - 0.000560441) < 1e-9


def test_a_table_proves_its_file_whole_before_parsing(tmp_path):
    """A file on disk that was cut after its download (its sidecar intact) is refused by the table's own
    proof before the parser reads it: 5,737 records, the cut one on line 4,000 (header on line 1)."""
    from bcm_pipeline import build, catalogue
    from bcm_pipeline.parsers.common import SourceFormatError
    from bcm_pipeline.settings import Settings

    owid = SOURCES["owid_carbon_intensity"]
    data = shared_file(owid.id, owid.filename).read_bytes()
    lines = data.splitlines(keepends=True)
    cut = b"".join(lines[:3999]) + lines[3999][:-6]  # line 4,000 without its last 4 characters and \r\n
    settings = Settings.load(data_dir=str(tmp_path))
    target = settings.source_dir(owid.id) / owid.filename
    target.parent.mkdir(parents=True)
    target.write_bytes(cut)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con, pytest.raises(SourceFormatError) as error:
        build.source_table(con, catalogue.table("owid_carbon_intensity"), settings)
    assert "line 4000: the last record has no line end" in str(error.value)
    assert str(target) in str(error.value)
