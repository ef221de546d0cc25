"""The downloader against a scripted loopback server: every fault ends in a clear error or a good file.

Each failure must name the source and the URL and leave the previous good file byte-identical.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import time
import zipfile

import duckdb
import openpyxl
import pytest

from bcm_pipeline.settings import Settings
from bcm_pipeline.sources import download
from bcm_pipeline.sources.download import DownloadError, fetch, read_provenance
from bcm_pipeline.sources.registry import SOURCES
from tests.conftest import shared_file
from tests.faultserver import FaultServer, Reply, failure_text, refresh, refused_url

pytestmark = pytest.mark.integration

# Quick HTTP settings for a loopback server (Settings fields http_*).
FAST = dict(http_connect_timeout_s=0.5, http_read_timeout_s=0.3, http_retries=2, http_backoff_s=0.01)
IFI = SOURCES["ifi_grid_factors"]
IFI_PATH = f"ifi_grid_factors/{IFI.filename}"
OWID = SOURCES["owid_carbon_intensity"]
OWID_PATH = f"owid_carbon_intensity/{OWID.filename}"
CEA = SOURCES["cea_india_co2_baseline"]
CEA_PATH = f"cea_india_co2_baseline/{CEA.filename}"
HTML = b"<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"


@pytest.fixture
def server():
    srv = FaultServer()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def ifi_bytes() -> bytes:
    return shared_file("ifi_grid_factors", IFI.filename).read_bytes()


@pytest.fixture
def settings(tmp_path, server) -> Settings:
    return Settings(data_dir=tmp_path, source_mirror=server.url, **FAST)


@pytest.fixture
def good_ifi(server, settings, ifi_bytes):
    """A first successful download: the previous good file every failure must keep."""
    server.script(IFI_PATH, Reply(body=ifi_bytes, etag='"v1"'))
    raw = fetch(IFI, settings)
    assert raw.status == "downloaded"
    server.requests.clear()
    return settings.source_dir(IFI.id) / IFI.filename


def _with(settings: Settings, **http) -> Settings:
    """settings with some HTTP options changed: retries=0 -> http_retries=0."""
    names = {"retries": "http_retries", "read_timeout_s": "http_read_timeout_s",
             "retry_after_max_s": "http_retry_after_max_s"}  # fmt: skip
    return settings.model_copy(update={names[k]: v for k, v in http.items()})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_clean_failure(exc: pytest.ExceptionInfo, server: FaultServer, path: str, *words: str) -> None:
    text = str(exc.value)
    assert text.startswith(path.split("/")[0] + ":"), text  # names the source
    assert server.url + path in text, text  # and the URL
    for word in words:
        assert word in text, text


def assert_kept(target, ifi_bytes) -> None:
    assert target.read_bytes() == ifi_bytes
    assert not list(target.parent.glob(".download-*")), "temporary file left behind"


def test_500_then_success_is_retried(server, settings, ifi_bytes):
    server.script(IFI_PATH, Reply(status=500), Reply(status=503), Reply(body=ifi_bytes))
    raw = fetch(IFI, settings)
    assert raw.status == "downloaded" and raw.sha256 == sha(ifi_bytes) == IFI.sha256
    assert len(server.hits(IFI_PATH)) == 3
    assert server.hits(IFI_PATH)[0]["User-Agent"].startswith("bcm-pipeline/")


def test_500_forever_fails_and_keeps_previous(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(status=500, body=b"boom"))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, settings)
    assert_clean_failure(exc, server, IFI_PATH, "HTTP 500", "previous good file kept")
    assert len(server.hits(IFI_PATH)) == FAST["http_retries"] + 1
    assert_kept(good_ifi, ifi_bytes)


def test_429_retry_after_is_honoured(server, settings, ifi_bytes):
    server.script(IFI_PATH, Reply(status=429, headers={"Retry-After": "1"}), Reply(body=ifi_bytes))
    start = time.monotonic()
    raw = fetch(IFI, settings)
    waited = time.monotonic() - start
    assert raw.status == "downloaded"
    assert waited >= 0.95, f"Retry-After: 1 not honoured (backoff alone is 0.01 s), waited {waited:.2f} s"


def test_retry_after_is_capped(server, settings, ifi_bytes):
    server.script(IFI_PATH, Reply(status=503, headers={"Retry-After": "3600"}), Reply(body=ifi_bytes))
    start = time.monotonic()
    fetch(IFI, _with(settings, retry_after_max_s=0.2))
    assert time.monotonic() - start < 5


def test_truncated_body(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(body=b"PK" + ifi_bytes[2:], send=20_000))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, _with(settings, retries=0))
    assert_clean_failure(exc, server, IFI_PATH, "20000")
    assert_kept(good_ifi, ifi_bytes)


def test_connection_reset_mid_body(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(body=ifi_bytes, send=8_192, reset=True))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, _with(settings, retries=0))
    assert_clean_failure(exc, server, IFI_PATH, "broke off")
    assert_kept(good_ifi, ifi_bytes)


def test_read_timeout_before_headers(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(body=ifi_bytes, delay_s=1.0))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, _with(settings, retries=1, read_timeout_s=0.2))
    assert_clean_failure(exc, server, IFI_PATH, "timed out")
    assert len(server.hits(IFI_PATH)) == 2  # read timeouts are retried
    assert_kept(good_ifi, ifi_bytes)


def test_read_timeout_mid_body(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(body=ifi_bytes, chunk_s=0.5))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, _with(settings, retries=0, read_timeout_s=0.2))
    assert_clean_failure(exc, server, IFI_PATH, "broke off", "timed out")
    assert_kept(good_ifi, ifi_bytes)


def test_html_instead_of_xlsx(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(body=HTML, headers={"Content-Type": "text/html"}))
    with pytest.raises(DownloadError) as exc:
        fetch(dataclasses.replace(IFI, sha256=None), settings)
    assert_clean_failure(exc, server, IFI_PATH, "HTML page")
    assert_kept(good_ifi, ifi_bytes)


def test_csv_that_is_an_html_page(server, settings):
    server.script(OWID_PATH, Reply(body=b"\n  " + HTML))
    with pytest.raises(DownloadError) as exc:
        fetch(OWID, settings)
    assert_clean_failure(exc, server, OWID_PATH, "expected CSV but got an HTML page", "no previous file")
    assert not (settings.source_dir(OWID.id) / OWID.filename).exists()


@pytest.mark.parametrize(
    "encoding, words",
    [("latin-1", "not UTF-8"), ("utf-16", "NUL bytes")],
)
def test_csv_in_another_encoding(server, settings, encoding, words):
    text = "Entity,Code,Year,Carbon intensity of electricity - gCO2/kWh\nTürkiye,TUR,2022,446.1\n"
    server.script(OWID_PATH, Reply(body=text.encode(encoding)))
    with pytest.raises(DownloadError) as exc:
        fetch(OWID, settings)
    assert_clean_failure(exc, server, OWID_PATH, words)


def test_sha256_mismatch(server, settings, good_ifi, ifi_bytes):
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zf:  # a valid workbook-shaped zip, not the pinned bytes
        zf.writestr("[Content_Types].xml", "<Types/>")
    server.script(IFI_PATH, Reply(body=other.getvalue()))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, settings)
    assert_clean_failure(exc, server, IFI_PATH, "expected the pinned", IFI.sha256)
    assert_kept(good_ifi, ifi_bytes)


def test_oversize_by_content_length(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(body=ifi_bytes))
    with pytest.raises(DownloadError) as exc:
        fetch(dataclasses.replace(IFI, max_bytes=10_000), settings)
    assert_clean_failure(exc, server, IFI_PATH, f"Content-Length {len(ifi_bytes)}", "cap of 10000")
    assert_kept(good_ifi, ifi_bytes)


def test_oversize_streamed_without_length(server, settings):
    server.script(OWID_PATH, Reply(body=b"Entity,Code\n" + b"x,y\n" * 50_000, content_length=False))
    with pytest.raises(DownloadError) as exc:
        fetch(dataclasses.replace(OWID, max_bytes=10_000), settings)
    assert_clean_failure(exc, server, OWID_PATH, "more than the cap of 10000")
    assert not list(settings.source_dir(OWID.id).glob(".download-*"))


def test_404_source_moved(server, settings, good_ifi, ifi_bytes):
    server.script(IFI_PATH, Reply(status=404, body=b"gone"))
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, settings)
    assert_clean_failure(exc, server, IFI_PATH, "HTTP 404", "BCM_URL_IFI_GRID_FACTORS")
    assert len(server.hits(IFI_PATH)) == 1  # a 404 is not retried
    assert_kept(good_ifi, ifi_bytes)


def test_mirror_down(tmp_path):
    down = refused_url()
    start = time.monotonic()
    with pytest.raises(DownloadError) as exc:
        fetch(IFI, Settings(data_dir=tmp_path, source_mirror=down, **FAST))
    text = str(exc.value)
    assert text.startswith("ifi_grid_factors:") and down + IFI_PATH in text
    assert "refused" in text.lower() and IFI.landing_hint in text
    assert time.monotonic() - start < 5


def test_conditional_request_gets_304(server, settings, ifi_bytes):
    stamp = "Wed, 01 Jun 2022 10:00:00 GMT"
    server.script(IFI_PATH, Reply(body=ifi_bytes, etag='"abc"', last_modified=stamp))
    first = fetch(IFI, settings)
    target = settings.source_dir(IFI.id) / IFI.filename
    mtime = target.stat().st_mtime_ns
    second = fetch(IFI, settings)
    sent = server.hits(IFI_PATH)[1]
    assert sent["If-None-Match"] == '"abc"' and sent["If-Modified-Since"] == stamp
    assert (first.status, second.status) == ("downloaded", "not_modified")
    assert second.sha256 == first.sha256 == sha(ifi_bytes)
    assert target.stat().st_mtime_ns == mtime and target.read_bytes() == ifi_bytes


def test_no_conditional_request_when_file_was_replaced(server, settings, good_ifi, ifi_bytes):
    good_ifi.write_bytes(b"tampered")  # the provenance no longer describes the file on disk
    server.script(IFI_PATH, Reply(body=ifi_bytes, etag='"v1"'))
    raw = fetch(IFI, settings)
    assert "If-None-Match" not in server.hits(IFI_PATH)[0]
    assert raw.status == "downloaded" and good_ifi.read_bytes() == ifi_bytes


def test_http_refused_without_mirror(tmp_path, monkeypatch, server):
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + IFI_PATH)
    with pytest.raises(DownloadError, match="refusing non-https URL"):
        fetch(IFI, Settings(data_dir=tmp_path, **FAST))
    assert server.requests == []


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_member_escaping_is_refused(server, settings):
    server.script(CEA_PATH, Reply(body=_zip({"../../evil.xlsm": b"x"})))
    with pytest.raises(DownloadError) as exc:
        fetch(dataclasses.replace(CEA, sha256=None), settings)
    assert_clean_failure(exc, server, CEA_PATH, "unsafe path")
    assert not (settings.data_dir / "evil.xlsm").exists()


def test_zip_bomb_is_refused(server, settings):
    bomb = _zip({"database_15.xlsm": b"\0" * 30_000_000})  # 30 MB of zeros deflate to ~30 kB
    assert len(bomb) < 100_000
    server.script(CEA_PATH, Reply(body=bomb))
    with pytest.raises(DownloadError) as exc:
        fetch(dataclasses.replace(CEA, sha256=None), settings)
    assert_clean_failure(exc, server, CEA_PATH, "zip bomb")


def test_empty_file(server, settings):
    server.script(OWID_PATH, Reply(body=b""))
    with pytest.raises(DownloadError) as exc:
        fetch(OWID, settings)
    assert_clean_failure(exc, server, OWID_PATH, "empty")


@pytest.mark.parametrize("field, value", [("filename", "../../outside.xlsx"), ("id", "../escape")])
def test_config_paths_confined_to_data_dir(server, settings, field, value):
    with pytest.raises(DownloadError, match="escapes"):
        fetch(dataclasses.replace(IFI, **{field: value}), settings)
    assert server.requests == []


def test_stale_temp_files_are_removed(server, settings, ifi_bytes):
    folder = settings.source_dir(IFI.id)
    folder.mkdir(parents=True)
    (folder / ".download-killed").write_bytes(b"half a file")
    server.script(IFI_PATH, Reply(body=ifi_bytes))
    fetch(IFI, settings)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [IFI.filename, IFI.filename + ".provenance.json"]
    )
    assert read_provenance(folder / IFI.filename)["sha256"] == sha(ifi_bytes)


def test_file_placed_by_hand_is_used(server, settings, ifi_bytes):
    target = settings.source_dir(IFI.id) / IFI.filename
    target.parent.mkdir(parents=True)
    target.write_bytes(ifi_bytes)
    raw = fetch(IFI, settings)
    assert raw.status == "manual" and raw.sha256 == sha(ifi_bytes)
    assert server.requests == []


def test_downloaded_file_is_readable_by_others(tmp_path, mirror):
    """mkstemp gives 0600; a raw file other users (analysts, a web server) read must follow the umask."""
    import stat

    from bcm_pipeline.settings import Settings
    from bcm_pipeline.sources.download import fetch
    from bcm_pipeline.sources.registry import SOURCES

    old = os.umask(0o022)
    try:
        raw = fetch(SOURCES["ifi_grid_factors"], Settings(data_dir=tmp_path, source_mirror=mirror))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / raw.path).st_mode) == 0o644  # raw.path: relative to the data dir


# --- replaced raw files are kept in previous/ for a rollback ---------------------------------------------


def owid_csv(value: int) -> bytes:
    return (
        f"Entity,Code,Year,Carbon intensity of electricity - gCO2/kWh\nViet Nam,VNM,2022,{value}\n".encode()
    )


def kept_files(folder) -> dict[str, bytes]:
    previous = folder / "previous"
    return {p.name: p.read_bytes() for p in sorted(previous.iterdir())} if previous.exists() else {}


def test_changed_download_keeps_previous_file_and_sidecar(server, settings):
    folder = settings.source_dir(OWID.id)
    target = folder / OWID.filename
    server.script(OWID_PATH, Reply(body=owid_csv(1), etag='"v1"'))
    fetch(OWID, settings)
    old_sidecar, old_inode = (
        (folder / (OWID.filename + ".provenance.json")).read_bytes(),
        target.stat().st_ino,
    )
    server.script(OWID_PATH, Reply(body=owid_csv(2), etag='"v2"'))
    raw = fetch(OWID, settings)

    assert raw.status == "downloaded" and target.read_bytes() == owid_csv(2)
    name = next(n for n in kept_files(folder) if not n.endswith(".provenance.json"))
    assert name.endswith(f"-{sha(owid_csv(1))[:12]}-{OWID.filename}")
    assert kept_files(folder) == {name: owid_csv(1), name + ".provenance.json": old_sidecar}
    assert (folder / "previous" / name).stat().st_ino == old_inode  # a hard link, not a copy
    assert read_provenance(target)["sha256"] == sha(owid_csv(2))  # the current sidecar is the new one


def test_unchanged_download_keeps_nothing(server, settings):
    folder = settings.source_dir(OWID.id)
    server.script(OWID_PATH, Reply(body=owid_csv(1), etag='"v1"'))
    fetch(OWID, settings)
    assert fetch(OWID, settings).status == "not_modified"
    server.script(OWID_PATH, Reply(body=owid_csv(1)))  # no validators: downloaded again, same bytes
    assert fetch(OWID, settings).status == "downloaded"
    assert not (folder / "previous").exists()


def test_only_the_newest_previous_files_are_kept(server, settings):
    target = settings.source_dir(OWID.id) / OWID.filename
    for day in range(1, 7):
        server.script(OWID_PATH, Reply(body=owid_csv(day)))
        fetch(OWID, settings)
        stamp = time.mktime((2024, 1, day, 12, 0, 0, 0, 0, -1))  # one download a day
        os.utime(target, (stamp, stamp))
    kept = kept_files(target.parent)
    data = [v for n, v in kept.items() if not n.endswith(".provenance.json")]
    assert data == [owid_csv(day) for day in (3, 4, 5)] and download.KEEP_PREVIOUS == 3
    assert len(kept) == 6  # each with its sidecar
    assert target.read_bytes() == owid_csv(6)


def test_killed_after_keeping_leaves_current_file_in_place(server, settings, monkeypatch):
    folder = settings.source_dir(OWID.id)
    target = folder / OWID.filename
    server.script(OWID_PATH, Reply(body=owid_csv(1)))
    fetch(OWID, settings)
    real = download.keep_previous

    def keep_then_die(*args):
        real(*args)
        raise KeyboardInterrupt  # killed between keeping the old file and renaming the new one

    monkeypatch.setattr(download, "keep_previous", keep_then_die)
    server.script(OWID_PATH, Reply(body=owid_csv(2)))
    with pytest.raises(KeyboardInterrupt):
        fetch(OWID, settings)
    assert target.read_bytes() == owid_csv(1) and read_provenance(target)["sha256"] == sha(owid_csv(1))
    monkeypatch.undo()
    fetch(OWID, settings)  # the next run completes the replacement and keeps one copy only
    assert target.read_bytes() == owid_csv(2)
    assert [v for n, v in kept_files(folder).items() if not n.endswith(".json")] == [owid_csv(1)]


def test_file_placed_by_hand_beside_previous_is_used(server, settings):
    folder = settings.source_dir(OWID.id)
    for value in (1, 2):
        server.script(OWID_PATH, Reply(body=owid_csv(value)))
        fetch(OWID, settings)
    (folder / (OWID.filename + ".provenance.json")).unlink()
    (folder / OWID.filename).write_bytes(owid_csv(7))
    server.requests.clear()
    raw = fetch(OWID, settings)
    assert raw.status == "manual" and raw.sha256 == sha(owid_csv(7)) and server.requests == []


def test_file_name_inside_previous_is_refused(server, settings):
    with pytest.raises(DownloadError, match="plain name"):
        fetch(dataclasses.replace(OWID, filename=f"previous/{OWID.filename}"), settings)
    assert server.requests == []


def _ifi_scaled(ifi_bytes: bytes, factor: float) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(ifi_bytes))
    for row in wb["Dataset "].iter_rows(min_row=4, min_col=2, max_col=6):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = cell.value * factor
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ifi_cell(ifi_bytes: bytes, coordinate: str, value: float) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(ifi_bytes))
    wb["Dataset "][coordinate] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _published(data_dir, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_readme_rollback_to_the_kept_file(server, tmp_path, monkeypatch, ifi_bytes):
    """README, Operations: roll back a valid but wrong download the publish gate refused."""
    data_dir = tmp_path / "data"
    folder = data_dir / "raw" / IFI.id
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "ifi.xlsx")
    server.script("ifi.xlsx", Reply(body=ifi_bytes, etag='"v1"'))
    assert refresh(data_dir, server.url, [IFI.id]).success
    # Viet Nam's operating margin 900 g/kWh where 560.4 was: plausible, so the guards let it through and it is
    # published (a file the guards refuse never becomes current: tests/test_candidates.py), but wrong.
    wrong = _ifi_cell(ifi_bytes, "F231", 900.0)
    server.script("ifi.xlsx", Reply(body=wrong, etag='"v2"'))
    result = refresh(data_dir, server.url, [IFI.id])
    assert result.success, failure_text(result)
    assert (folder / IFI.filename).read_bytes() == wrong
    [(vn,)] = _published(data_dir, "SELECT om_ef_t_per_mwh FROM ifi_grid_factors WHERE country_iso3 = 'VNM'")
    assert vn == 0.9
    [kept] = [n for n in kept_files(folder) if not n.endswith(".provenance.json")]

    # The documented steps, in data/raw/<source_id>/, then a refresh.
    subprocess.run(["cp", "-p", f"previous/{kept}", IFI.filename], cwd=folder, check=True)
    subprocess.run(["rm", f"{IFI.filename}.provenance.json"], cwd=folder, check=True)
    for _ in range(2):  # and later refreshes keep it: the wrong file is not fetched again
        server.requests.clear()
        result = refresh(data_dir, server.url, [IFI.id])
        assert result.success, failure_text(result)
        assert server.hits("ifi.xlsx") == []
    good = sha(ifi_bytes)
    assert _published(data_dir, "SELECT sha256, status FROM raw_files") == [(good, "manual")]
    assert _published(data_dir, "SELECT sha256 FROM manifest WHERE kind = 'source'") == [(good,)]
    assert _published(data_dir, "SELECT DISTINCT source_sha256 FROM ifi_grid_factors") == [(good,)]
    [(vn,)] = _published(data_dir, "SELECT om_ef_t_per_mwh FROM ifi_grid_factors WHERE country_iso3 = 'VNM'")
    assert abs(vn - 0.5604) < 5e-5

    # The publisher fixed its file: restore the sidecar, and refreshes ask the source again.
    subprocess.run(
        ["cp", f"previous/{kept}.provenance.json", f"{IFI.filename}.provenance.json"], cwd=folder, check=True
    )
    assert json.loads((folder / f"{IFI.filename}.provenance.json").read_text())["etag"] == '"v1"'
    server.script("ifi.xlsx", Reply(body=ifi_bytes, etag='"v3"'))
    server.requests.clear()
    result = refresh(data_dir, server.url, [IFI.id])
    assert result.success, failure_text(result)
    assert [h["If-None-Match"] for h in server.hits("ifi.xlsx")] == ['"v1"']
    assert _published(data_dir, "SELECT sha256, etag, status FROM raw_files") == [
        (good, '"v3"', "downloaded")
    ]
    assert list(kept_files(folder)) == [kept, kept + ".provenance.json"]  # same bytes: nothing new kept


def test_still_current_asks_the_server_and_downloads_nothing(server, settings, ifi_bytes):
    # What `bcm refresh` asks of every file before it starts a run (uptodate.py): a conditional GET.
    server.script(IFI_PATH, Reply(body=ifi_bytes, etag='"v1"'))
    fetch(IFI, settings)
    target = settings.source_dir(IFI.id) / IFI.filename
    mtime = target.stat().st_mtime_ns
    with download.make_session(settings) as session:
        assert download.still_current(IFI, settings, session) == (sha(ifi_bytes), "")
        assert server.hits(IFI_PATH)[-1]["If-None-Match"] == '"v1"'

        server.script(IFI_PATH, Reply(body=b"new bytes", etag='"v2"'))  # the publisher replaced it
        on_disk, why = download.still_current(IFI, settings, session)
        assert on_disk == sha(ifi_bytes)
        assert why == f"ifi_grid_factors: {server.url}{IFI_PATH} answered HTTP 200, not 304 Not Modified"
        assert target.stat().st_mtime_ns == mtime and not (target.parent / "candidate").exists()

        target.write_bytes(b"tampered")  # the file is no longer the one its provenance describes
        assert "no ETag or Last-Modified" in download.still_current(IFI, settings, session)[1]

        target.with_name(target.name + ".provenance.json").unlink()  # placed by hand: nothing to ask
        hits = len(server.hits(IFI_PATH))
        assert download.still_current(IFI, settings, session) == (sha(b"tampered"), "")
        assert len(server.hits(IFI_PATH)) == hits

    # A server that does not answer (nothing listens on port 9): a run must look, and will say more.
    fetch_settings = settings.model_copy(update={"source_mirror": "http://127.0.0.1:9/"})
    target.write_bytes(ifi_bytes)
    download._write_atomic(
        target.with_name(target.name + ".provenance.json"),
        json.dumps(
            {"sha256": sha(ifi_bytes), "etag": '"v1"', "fetched_url": f"http://127.0.0.1:9/{IFI_PATH}"}
        ),
    )
    with download.make_session(fetch_settings) as session:
        assert "did not answer" in download.still_current(IFI, fetch_settings, session)[1]
