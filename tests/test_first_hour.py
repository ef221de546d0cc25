"""A new user's first hour (issue 18): failures end in plain lines with a cause and what to do, network
errors that cannot heal fail in seconds, provenance keeps the publisher's URL beside the fetched one, and
a run prints one line per step.

Real parts: the real download code over loopback HTTP (tests/faultserver.py), a real Dagster run with the
progress logger, the real `bcm` command (click's runner)."""

from __future__ import annotations

import io
import time

import dagster as dg
import pytest
from click.testing import CliRunner

from bcm_pipeline import errors
from bcm_pipeline.assets.progress import ProgressHandler, progress_logger
from bcm_pipeline.cli import main
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import download
from bcm_pipeline.sources.download import DownloadError, fetch
from bcm_pipeline.sources.registry import SOURCES
from tests.conftest import shared_file
from tests.faultserver import FaultServer, Reply, path_of, refused_url

pytestmark = pytest.mark.integration

IFI = SOURCES["ifi_grid_factors"]
OWID = SOURCES["owid_carbon_intensity"]
CSV = b"Entity,Code,Year,Carbon intensity of electricity - gCO2/kWh\nViet Nam,VNM,2022,475.5\n"


def _settings(tmp_path, **kw) -> Settings:
    # The default retries (4) and backoff (1 s): a retried failure would take 1 + 2 + 4 + 8 = 15 s.
    return Settings.load(data_dir=tmp_path / "data", **kw)


def test_unknown_host_fails_at_once_with_what_to_do(tmp_path, monkeypatch):
    # .invalid never resolves (RFC 2606): the same failure as a machine without network.
    monkeypatch.setenv("BCM_URL_OWID_CARBON_INTENSITY", "https://bcm-test.invalid/carbon.csv")
    start = time.monotonic()
    with pytest.raises(DownloadError) as exc:
        fetch(OWID, _settings(tmp_path))
    assert time.monotonic() - start < 3  # not 15 s of urllib3 retries
    assert exc.value.transient is False  # so the raw asset's retry policy does not try again either
    # Unreachable: a run with a good file on disk goes on with it (tests/test_faults.py); here none is.
    assert exc.value.unreachable is True
    text = str(exc.value)
    assert "could not resolve bcm-test.invalid" in text
    assert "set BCM_SOURCE_MIRROR or --mirror" in text
    assert str(tmp_path / "data" / "raw" / "owid_carbon_intensity") in text  # where to put the file


def test_mirror_not_listening_fails_at_once(tmp_path):
    down = refused_url()
    start = time.monotonic()
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, _settings(tmp_path, source_mirror=down))
    assert time.monotonic() - start < 3
    assert exc.value.transient is False and exc.value.unreachable is True
    port = down.rstrip("/").rsplit(":", 1)[1]
    assert f"nothing listens at 127.0.0.1:{port}" in str(exc.value)
    assert "start the mirror or fix its URL" in str(exc.value)


@pytest.fixture
def server():
    srv = FaultServer()
    yield srv
    srv.close()


def test_a_5xx_is_still_retried(tmp_path, server):
    # The fast failure is only for what cannot heal: a 503 then a good answer still succeeds.
    server.script(path_of(OWID), Reply(status=503), Reply(body=CSV))
    raw = fetch(OWID, _settings(tmp_path, source_mirror=server.url, http_backoff_s=0.01))
    assert raw.status == "downloaded" and len(server.hits("/" + path_of(OWID))) == 2


def test_provenance_keeps_publisher_and_fetched_url_and_a_relative_path(tmp_path, server):
    server.script(path_of(OWID), Reply(body=CSV))
    raw = fetch(OWID, _settings(tmp_path, source_mirror=server.url))
    mirror_url = server.url + path_of(OWID)
    assert raw.url == OWID.url  # the publisher's URL, not the machine's
    assert raw.fetched_url == mirror_url
    assert raw.path == f"raw/owid_carbon_intensity/{OWID.filename}"  # relative to the data directory


def test_a_file_placed_by_hand_has_no_fetched_url(tmp_path):
    folder = tmp_path / "data" / "raw" / "owid_carbon_intensity"
    folder.mkdir(parents=True)
    (folder / OWID.filename).write_bytes(CSV)
    raw = fetch(OWID, _settings(tmp_path))
    assert (raw.status, raw.url, raw.fetched_url) == ("manual", OWID.url, None)


def test_explain_names_ours_and_packaging():
    try:
        try:
            raise ConnectionError("low level")
        except ConnectionError as inner:
            raise DownloadError("ifi_grid_factors: download from X failed: HTTP 404") from inner
    except DownloadError as err:
        assert errors.explain(err) == "ifi_grid_factors: download from X failed: HTTP 404"
    from bcm_pipeline.settings import PACKAGE_DIR

    missing = FileNotFoundError(f"[Errno 2] No such file: '{PACKAGE_DIR}/sql/marts/credits.sql'")
    assert errors.explain(missing).startswith("packaging problem:")
    assert "reinstall" in errors.explain(missing)
    other = errors.explain(KeyError("x"))
    assert other.startswith("KeyError: 'x'") and "--debug" in other


def test_a_failed_dagster_step_prints_its_cause_in_plain_lines(tmp_path):
    # A real run of one raw asset against a mirror that is down, with the progress logger.
    out, err = io.StringIO(), io.StringIO()
    handler = ProgressHandler(lambda line: print(line, file=out), lambda line: print(line, file=err))
    defs = build_defs(BcmResource.of(data_dir=tmp_path / "data", source_mirror=refused_url()))
    job = defs.resolve_job_def("refresh").with_logger_defs({"console": progress_logger(handler=handler)})
    start = time.monotonic()
    result = job.execute_in_process(
        asset_selection=[dg.AssetKey(["raw", "ifi", "grid_factors"])],
        run_config={"loggers": {"console": {}}},
        raise_on_error=False,
    )
    assert not result.success
    assert time.monotonic() - start < 20  # no Dagster retries (2 x 5 s before) of a refused connection
    assert not any(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("  FAIL  raw/ifi/grid_factors (")
    assert "nothing listens at 127.0.0.1" in lines[1] and "what to do:" in lines[2]
    assert "Traceback" not in err.getvalue() and "Stack Trace" not in err.getvalue()
    assert handler.failures[0][0] == "raw/ifi/grid_factors"


def test_bcm_errors_are_plain_lines_and_debug_shows_the_traceback(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["--data-dir", str(tmp_path), "status"])
    assert missing.exit_code == 1
    assert (
        missing.output.strip()
        == f"error: no published warehouse at {tmp_path.resolve()}/warehouse/bcm.duckdb; run `bcm refresh` first"
    )
    bad = tmp_path / "bad_case.yaml"
    bad.write_text("case_id: [unclosed\n")
    (tmp_path / "warehouse").mkdir()
    import duckdb

    duckdb.connect(str(tmp_path / "warehouse" / "bcm.duckdb")).close()
    case = runner.invoke(main, ["--data-dir", str(tmp_path), "case", str(bad)])
    assert case.exit_code == 1 and "Traceback" not in case.output
    assert case.output.startswith("error: ") and len(case.output.strip().splitlines()) <= 4


def test_a_big_download_prints_its_bytes_as_they_come(tmp_path, monkeypatch):
    # A real run of one raw asset over loopback, the progress step made small so the 1.1 MB CDM list is
    # "big": one `get` line each time another 200,000 bytes have come, on stdout, and nothing else but the
    # step's own line.
    cdm = SOURCES["cdm_power_projects"]
    body = shared_file(cdm.id, cdm.filename).read_bytes()
    monkeypatch.setattr(download, "PROGRESS_EVERY_BYTES", 200_000)
    server = FaultServer()
    try:
        server.script(path_of(cdm), Reply(body=body))
        out, err = io.StringIO(), io.StringIO()
        handler = ProgressHandler(lambda line: print(line, file=out), lambda line: print(line, file=err))
        defs = build_defs(BcmResource.of(data_dir=tmp_path / "data", source_mirror=server.url))
        job = defs.resolve_job_def("refresh").with_logger_defs({"console": progress_logger(handler=handler)})
        result = job.execute_in_process(
            asset_selection=[dg.AssetKey(["raw", "cdm", "power_projects"])],
            run_config={"loggers": {"console": {}}},
        )
    finally:
        server.close()
    assert result.success and err.getvalue() == ""
    lines = out.getvalue().splitlines()
    gets = [
        line
        for line in lines
        if line.startswith(f"  get   raw/cdm/power_projects: downloading {cdm.filename}: ")
    ]
    assert (
        len(gets) == len(body) // 200_000 == 5 and len(lines) == len(gets) + 1
    )  # + "done  raw/cdm/power_projects"
    total_mb = f"{len(body) / 1e6:,.1f}"
    assert all(line.endswith(f" of {total_mb} MB") for line in gets)
    # The first line comes after the first 200,000 bytes: 3 whole 65,536-byte chunks (196,608) are short of it.
    assert gets[0].endswith(f"{4 * 65_536 / 1e6:,.1f} of {total_mb} MB")


def test_the_dagster_cli_run_fails_in_plain_lines_too(tmp_path):
    """`dagster job execute -j refresh` (the Dagster CLI's run of the main job, README) on the data folder's
    instance, with a mirror that is not listening: the same plain lines as `bcm refresh` on stderr, no
    traceback, no telemetry notice (the shipped dagster.yaml), a failure exit status."""
    import os
    import subprocess
    import sys

    from bcm_pipeline.assets.instance import dagster_home

    data_dir = tmp_path / "data"
    home = dagster_home(Settings.load(data_dir=data_dir))  # <data dir>/dagster with the shipped dagster.yaml
    down = refused_url()
    env = {**os.environ, "DAGSTER_HOME": str(home), "BCM_DATA_DIR": str(data_dir), "BCM_SOURCE_MIRROR": down}
    # `python -m dagster` is the `dagster` command, wherever pip put the script.
    command = [
        sys.executable,
        "-m",
        "dagster",
        "job",
        "execute",
        "-m",
        "bcm_pipeline.definitions",
        "-j",
        "refresh",
    ]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode != 0
    lines = run.stderr.splitlines()
    fail = next(i for i, line in enumerate(lines) if line.startswith("  FAIL  raw/ifi/grid_factors ("))
    assert "nothing listens at 127.0.0.1" in lines[fail + 1]
    assert lines[fail + 2].lstrip().startswith("what to do: start the mirror or fix its URL")
    assert any(line.startswith("  done  fuel_defaults (") for line in lines)  # a line per table that built
    assert any(line.startswith("  skip  ") for line in lines)
    assert "Traceback" not in run.stderr and "Stack Trace" not in run.stderr
    assert "Telemetry" not in run.stderr
    assert " - DEBUG - " not in run.stderr  # none of Dagster's own event lines
