"""Atomic, versioned publish with a manifest; idempotent refreshes; schedules and the change sensor."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from bcm_pipeline import __version__, warehouse
from bcm_pipeline.definitions import build_defs
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.sources.registry import SOURCES
from tests.conftest import shared_file
from tests.faultserver import FaultServer, Reply, failure_text, path_of, refresh

pytestmark = [pytest.mark.slow, pytest.mark.integration]

IFI, OWID = SOURCES["ifi_grid_factors"], SOURCES["owid_carbon_intensity"]
VOLATILE = {"raw_files": ["retrieved_at", "status", "path", "fetched_url"]}


def ifi_without(countries: int) -> bytes:
    """The real IFI workbook with its first `countries` country rows removed."""
    wb = openpyxl.load_workbook(shared_file("ifi_grid_factors", IFI.filename))
    wb["Dataset "].delete_rows(4, countries)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def server():
    srv = FaultServer()
    for source in (IFI, OWID):
        srv.script(path_of(source), Reply(body=shared_file(source.id, source.filename).read_bytes()))
    yield srv
    srv.close()


def versions_of(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "warehouse" / "versions").glob("bcm-*.duckdb"))


def independent_hashes(path: Path) -> dict[str, tuple[int, str]]:
    """Per table: row count and sha256 of its rows sorted, computed with pandas (not the code under test)."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall() if r[0] != "manifest"]
        for table in tables:
            df = con.execute(f'SELECT * FROM "{table}"').df().drop(columns=VOLATILE.get(table, []))
            lines = sorted(df.astype(str).agg("\x1f".join, axis=1))
            out[table] = (len(df), hashlib.sha256("\n".join(lines).encode()).hexdigest())
    return out


def test_manifest_and_versions(server, tmp_path):
    result = refresh(tmp_path, server.url, [IFI.id, OWID.id])
    assert result.success, failure_text(result)
    published = tmp_path / "warehouse" / "bcm.duckdb"
    [version] = versions_of(tmp_path)
    assert os.stat(published).st_ino == os.stat(version).st_ino  # bcm.duckdb is the newest version
    manifest = warehouse.read_manifest(published)
    assert set(manifest["version"]) == {version.stem}
    assert manifest["code_version"].iloc[0].startswith(__version__)
    sources = manifest[manifest["kind"] == "source"].set_index("name")["sha256"].to_dict()
    for source in (IFI, OWID):
        data = shared_file(source.id, source.filename).read_bytes()
        assert sources[source.id] == hashlib.sha256(data).hexdigest()
    tables = manifest[manifest["kind"] == "table"].set_index("name")
    assert tables.loc["ifi_grid_factors", "row_count"] == 234
    assert bool(tables.loc["ifi_grid_factors", "check_passed"]) is True
    counts = {t: n for t, (n, _) in independent_hashes(published).items()}
    assert counts == tables["row_count"].to_dict()
    with duckdb.connect(str(published), read_only=True) as con:
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'manifest'").fetchone()[
            0
        ]
    assert "sha256" in comment


def test_two_refreshes_are_idempotent(server, tmp_path):
    results = []
    for _ in range(2):
        result = refresh(tmp_path, server.url, [IFI.id, OWID.id])
        assert result.success, failure_text(result)
        results.append(result)
    # The second build has the same content: it is not published again (issue 18 item 8), so the one
    # version is kept and no older one is pushed out of the kept five.
    (only,) = versions_of(tmp_path)
    unchanged = [
        r.asset_materializations_for_node("published_warehouse")[-1].metadata["unchanged"].value
        for r in results
    ]
    assert unchanged == [False, True]
    with duckdb.connect(str(only), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT source_id) FROM raw_files").fetchone() == (2, 2)
        assert con.execute("SELECT status FROM raw_files ORDER BY 1").fetchall() == [("downloaded",)] * 2
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT country_name FROM ifi_grid_factors GROUP BY 1 HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dupes == 0


def test_keep_last_n_versions_and_readers_keep_their_snapshot(server, tmp_path, monkeypatch):
    published = tmp_path / "warehouse" / "bcm.duckdb"
    assert refresh(tmp_path, server.url, [IFI.id], keep_versions=2).success
    reader = duckdb.connect(str(published), read_only=True)
    old_version = reader.execute("SELECT DISTINCT version FROM manifest").fetchone()[0]
    server.script("smaller.xlsx", Reply(body=ifi_without(3)))
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "smaller.xlsx")
    for _ in range(3):  # the reader's open connection blocks none of these publishes
        result = refresh(tmp_path, server.url, [IFI.id], keep_versions=2)
        assert result.success, failure_text(result)
    assert len(versions_of(tmp_path)) == 2
    assert not any(p.name.startswith(".") for p in published.parent.rglob("*"))
    # The open connection still sees the old snapshot, whole; a new connection sees the newest version.
    assert reader.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0] == 234
    assert reader.execute("SELECT DISTINCT version FROM manifest").fetchone()[0] == old_version
    reader.close()
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0] == 231
        assert (
            con.execute("SELECT DISTINCT version FROM manifest").fetchone()[0]
            == versions_of(tmp_path)[-1].stem
        )


def test_stale_publish_files_are_cleaned(server, tmp_path):
    assert refresh(tmp_path, server.url, [IFI.id]).success
    wh = tmp_path / "warehouse"
    (wh / ".publish-killed.duckdb").write_bytes(b"half")
    (wh / "versions" / ".tmp-killed.duckdb").write_bytes(b"half")
    assert refresh(tmp_path, server.url, [IFI.id]).success
    assert not list(wh.rglob(".*"))


def test_publish_requires_every_table_by_default(server, tmp_path):
    result = refresh(tmp_path, server.url, [IFI.id], require_all_tables=True)
    assert not result.success
    text = failure_text(result)
    assert "not published: the build lacks table(s)" in text and "owid_carbon_intensity" in text
    assert not (tmp_path / "warehouse" / "bcm.duckdb").exists()


def test_identifiers_are_quoted(tmp_path):
    with duckdb.connect(str(tmp_path / "x.duckdb")) as con:
        con.execute('CREATE TABLE "odd""name; DROP TABLE x" (v DOUBLE)')
        con.execute('INSERT INTO "odd""name; DROP TABLE x" VALUES (1.5), (2.5)')
        count, digest = warehouse.table_fingerprint(con, 'odd"name; DROP TABLE x')
    assert count == 2 and len(digest) == 32


def test_fingerprint_is_md5_of_the_sorted_rows_as_text(tmp_path):
    """The definition every manifest holds, computed here step by step: each row cast to VARCHAR (volatile
    columns left out), sorted, joined by newlines, md5. Hashing several tables at once changes none of it."""
    with duckdb.connect(str(tmp_path / "x.duckdb")) as con:
        con.execute(
            "CREATE TABLE big AS SELECT i % 900 AS i, i * 1.5 AS x, 'r' || (i % 7) AS s FROM range(5000) t(i)"
        )
        con.execute("CREATE TABLE empty (v DOUBLE, w VARCHAR)")
        con.execute(
            "CREATE TABLE raw_files AS SELECT 's' AS source_id, 'now' AS retrieved_at, 'downloaded' AS status, "
            "'/x' AS path, 'abc' AS sha256, 'Wed, 02 Dec 2026 06:21:26 GMT' AS last_modified"
        )
        fingerprints = warehouse.fingerprints(con)
        expected = {}
        for table, columns in [("big", "i, x, s"), ("empty", "v, w"), ("raw_files", "source_id, sha256")]:
            rows = sorted(
                r[0] for r in con.execute(f"SELECT CAST(ROW({columns}) AS VARCHAR) FROM {table}").fetchall()
            )
            expected[table] = (len(rows), hashlib.md5("\n".join(rows).encode()).hexdigest())
        assert {t: warehouse.table_fingerprint(con, t) for t in expected} == expected
    assert fingerprints == expected
    assert list(fingerprints) == sorted(expected)  # by name, as the manifest and the run metadata list them


def test_the_same_bytes_served_again_are_the_same_content(tmp_path):
    """A raw file fetched again (another time, mirror or Last-Modified: a mirror's Last-Modified is its
    copy's mtime) with the same sha256 and ETag leaves the content fingerprint as it was."""
    with duckdb.connect(str(tmp_path / "x.duckdb")) as con:
        rows = "SELECT 's' AS source_id, 'abc' AS sha256, {} AS retrieved_at, CAST(NULL AS VARCHAR) AS etag, {} AS last_modified"
        con.execute("CREATE TABLE raw_files AS " + rows.format("'t1'", "'Wed, 02 Dec 2026 06:21:26 GMT'"))
        before = warehouse.table_fingerprint(con, "raw_files")
        con.execute(
            "CREATE OR REPLACE TABLE raw_files AS " + rows.format("'t2'", "'Wed, 02 Dec 2026 08:31:31 GMT'")
        )
        assert warehouse.table_fingerprint(con, "raw_files") == before
        con.execute("""UPDATE raw_files SET etag = '"v3"'""")  # the source names another representation
        assert warehouse.table_fingerprint(con, "raw_files") != before


def test_a_changed_view_is_a_new_version(tmp_path):
    """A build whose only change is a view's query is published (the published file used to keep the old
    view: the content was the tables' rows alone); the manifest holds each view's definition md5."""
    build, published = tmp_path / "build.duckdb", tmp_path / "warehouse" / "bcm.duckdb"
    published.parent.mkdir()
    with duckdb.connect(str(build)) as con:
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 2.5), (2, 4.0)) v(a, x)")
        con.execute("CREATE VIEW v_t AS SELECT a, x FROM t")
    first = warehouse.publish(build, published)
    again = warehouse.publish(build, published)
    assert not first.unchanged and again.unchanged and again.version == first.version
    with duckdb.connect(str(build)) as con:
        con.execute("CREATE OR REPLACE VIEW v_t AS SELECT a, x * 2 AS x FROM t")  # same columns, new query
        stored = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'v_t'").fetchone()[0]
    second = warehouse.publish(build, published)
    assert not second.unchanged and second.version != first.version
    assert second.tables == first.tables  # the rows are the same: only the view differs
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT x FROM v_t ORDER BY a").fetchall() == [(5.0,), (8.0,)]
        view_rows = con.execute(
            "SELECT name, content_md5, row_count FROM manifest WHERE kind = 'view'"
        ).fetchall()
    assert view_rows == [("v_t", hashlib.md5(stored.encode()).hexdigest(), None)]


def test_drift_flags_lost_rows_and_changed_units():
    previous, current = duckdb.connect(), duckdb.connect()
    for con, n, scale in ((previous, 100, 1), (current, 40, 1000)):
        con.execute(
            f"CREATE TABLE plants AS SELECT i, (i + 1) * {scale}.0 AS capacity_mw FROM range({n}) t(i)"
        )
        con.execute("CREATE TABLE fuels AS SELECT 94.6 AS ef_t_per_tj, 0.0 AS zero FROM range(30)")
    current.execute("CREATE TABLE quarantine AS SELECT 1.0 AS x")  # bookkeeping, and new: not compared
    assert warehouse.drift(previous, current) == [
        "plants: rows fell from 100 to 40",
        "plants.capacity_mw: median moved from 50.5 to 20500 (406x: a change of unit?)",
    ]
    assert warehouse.drift(previous, previous) == []
    previous.close()
    current.close()


def test_schedules_and_sensor_are_registered():
    defs = build_defs()
    weekly = defs.resolve_schedule_def("weekly_source_check")
    monthly = defs.resolve_schedule_def("monthly_full_rebuild")
    assert (weekly.cron_schedule, monthly.cron_schedule) == ("0 4 * * 1", "0 3 1 * *")
    assert monthly.job_name == "refresh"
    assert defs.resolve_sensor_def("rebuild_on_source_change")
    spec = next(s for s in defs.resolve_all_asset_specs() if s.key == dg.AssetKey("published_warehouse"))
    assert spec.freshness_policy is not None


def test_sensor_rebuilds_only_when_sha256_changed(server, tmp_path, monkeypatch):
    instance = dg.DagsterInstance.ephemeral()
    defs = build_defs(BcmResource.of(data_dir=str(tmp_path), source_mirror=server.url, http_backoff_s=0.01))
    job = defs.resolve_job_def("refresh")
    sensor = defs.resolve_sensor_def("rebuild_on_source_change")
    raw = [dg.AssetKey(["raw", "ifi", "grid_factors"]), dg.AssetKey(["raw", "owid", "carbon_intensity"])]

    def tick(cursor):
        context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        data = sensor.evaluate_tick(context)
        return data.run_requests, data.cursor

    assert job.execute_in_process(instance=instance, asset_selection=raw).success
    requests, cursor = tick(None)
    assert requests == []  # first sight: nothing to compare with
    assert job.execute_in_process(instance=instance, asset_selection=raw).success  # same bytes again
    requests, cursor = tick(cursor)
    assert requests == []
    server.script("smaller.xlsx", Reply(body=ifi_without(2)))
    monkeypatch.setenv("BCM_URL_IFI_GRID_FACTORS", server.url + "smaller.xlsx")
    assert job.execute_in_process(instance=instance, asset_selection=raw).success  # IFI changed, OWID not
    requests, cursor = tick(cursor)
    [request] = requests
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"ifi_grid_factors", "published_warehouse"} <= selected
    assert not {"raw/ifi/grid_factors", "raw/owid/carbon_intensity", "owid_carbon_intensity"} & selected
    assert tick(cursor)[0] == []  # seen now: no second request


def test_publish_survives_a_copy_of_the_data_dir(server, tmp_path):
    """Versions and bcm.duckdb stay readable after the data directory is copied (hard links or not)."""
    assert refresh(tmp_path / "a", server.url, [IFI.id]).success
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    with duckdb.connect(str(tmp_path / "b" / "warehouse" / "bcm.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ifi_grid_factors").fetchone()[0] == 234
