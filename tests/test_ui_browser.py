"""The Dagster UI as a lineage browser: a real dagster-webserver on loopback, asked over GraphQL and
opened in headless Chromium (Debian's chromium, driven by Playwright; no browser download).

The lineage asserted is the one the methodology implies: credits are computed from the coal units GEM
publishes, so the raw GEM workbook must be upstream of `credits`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGET = "credits"
RAW_SOURCE = "raw/gem/coal_plant_tracker"
RAW_LABEL = "coal_plant_tracker"  # what the graph shows of it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    port = _free_port()
    log = open(home / "webserver.log", "w")  # noqa: SIM115 - closed below
    # A session of its own, so the webserver and the code server it spawns stop together.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster_webserver",
            "-m",
            "bcm_pipeline.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dagster-webserver exited: {(home / 'webserver.log').read_text()[-2000:]}")
            try:
                if requests.get(f"{url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("dagster-webserver did not answer within 90 s")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _graphql(url: str, query: str) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query}, timeout=30)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body.get("errors")
    return body["data"]


def _upstream(nodes: dict[str, list[str]], key: str) -> set[str]:
    seen, todo = set(), [key]
    while todo:
        for dep in nodes[todo.pop()]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_graphql_lineage_from_raw_source_to_credits(webserver):
    data = _graphql(
        webserver,
        "{ assetNodes { assetKey { path } groupName description kinds owners { ... on TeamAssetOwner { team } } "
        "dependencyKeys { path } } }",
    )
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    assert TARGET in nodes, f"{TARGET} is not an asset yet: {sorted(nodes)}"
    deps = {k: ["/".join(d["path"]) for d in n["dependencyKeys"]] for k, n in nodes.items()}
    upstream = _upstream(deps, TARGET)
    assert RAW_SOURCE in upstream
    assert "coal_units" in upstream
    assert nodes[RAW_SOURCE]["groupName"] == "raw"
    assert nodes[TARGET]["groupName"] == "marts"
    # Every asset is documented and owned (issue 6: description, group, kinds, owner).
    for key, node in nodes.items():
        assert node["description"], key
        assert node["groupName"], key
        assert node["kinds"], key
        assert {"team": "bcm-data"} in node["owners"], key


def test_browser_shows_lineage_of_credits(webserver, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} absent: install Debian's chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    shot = tmp_path / f"lineage_{TARGET}.png"  # pytest keeps the last three runs' folders
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1800, "height": 3400})  # the graph grew (issue 12)
            page.goto(
                f"{webserver}/assets/{TARGET}?view=lineage&lineageScope=upstream&lineageDepth=5",
                wait_until="networkidle",
            )
            # Depth 5 is raw file -> coal_units -> plant_baselines -> technology_swaps -> chosen_options -> credits.
            page.get_by_text("coal_units", exact=True).first.wait_for()
            page.wait_for_timeout(1000)  # let the layout settle before the screenshot
            skip = page.get_by_role("button", name="Skip")  # the first-visit newsletter dialog
            if skip.count():
                skip.first.click()
                page.wait_for_timeout(500)
            page.screenshot(path=str(shot))
            print(f"screenshot: {shot}")
            text = page.inner_text("body")
            # Zoomed out, the graph shows each node's last key part, cut in the middle when long: the raw
            # files are keyed raw/<publisher>/<dataset> so that GEM's three trackers read coal_plant_tracker,
            # oil…_plant_tracker and steel_pla…_tracker there, not raw…_plant_tracker three times (issue 18).
            labels = page.locator("[class*='AssetNode_minimalName']").all_inner_texts()
        finally:
            browser.close()
    assert RAW_LABEL in labels, labels
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    assert not repeated, f"nodes that read alike on the graph: {repeated}"
    assert len(labels) > 40  # the whole upstream graph, zoomed out
    assert "coal_units" in text and "plant_baselines" in text and "technology_swaps" in text
    assert TARGET in text  # the page is the credits asset's upstream lineage (breadcrumb and graph)
    assert shot.stat().st_size > 10_000


# --- `bcm ui` on the data directory's instance after `bcm refresh` (issue 18 item 3) -------------------


@pytest.fixture(scope="module")
def refreshed_ui(full_build, mirror, tmp_path_factory):
    """`bcm refresh` into a copy of the session's build (its run lands in <data dir>/dagster), then
    `bcm ui` on that data directory. Yields (url, log path)."""
    import shutil

    from click.testing import CliRunner

    from bcm_pipeline.cli import main

    built, _ = full_build
    data_dir = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(built, data_dir, ignore=shutil.ignore_patterns("briefs"))
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "refresh", "--mirror", mirror])
    assert result.exit_code == 0, result.output
    port = _free_port()
    log_path = data_dir.parent / "ui.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "bcm_pipeline.cli", "--data-dir", str(data_dir), "ui", "--port", str(port)],
        cwd=PROJECT,  # a checkout: no dagster.yaml here any more, so no "will not be used" warning
        env={k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"bcm ui exited: {log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("bcm ui did not answer within 120 s")
            time.sleep(0.5)
        yield url, log_path
    finally:
        proc.send_signal(signal.SIGTERM)  # bcm ui stops its webserver, daemon and code servers
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_bcm_ui_loads_both_locations_and_shows_the_refresh(refreshed_ui):
    url, log_path = refreshed_ui
    data = _graphql(url, "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }")
    locations = {e["name"]: e["loadStatus"] for e in data["workspaceOrError"]["locationEntries"]}
    assert locations == {
        "bcm_pipeline.definitions": "LOADED",
        "bcm_pipeline.partitioned_definitions": "LOADED",  # [tool.dagster] no longer hides it
    }
    # The refresh run by `bcm refresh` is in the UI's instance, with its materializations and lineage.
    runs = _graphql(url, "{ runsOrError { ... on Runs { results { jobName status } } } }")
    assert {"jobName": "refresh", "status": "SUCCESS"} in runs["runsOrError"]["results"]
    asset = _graphql(
        url,
        '{ assetOrError(assetKey: {path: ["plant_baselines"]}) { ... on Asset { assetMaterializations(limit: 1)'
        " { metadataEntries { label } } } } }",
    )
    labels = {e["label"] for e in asset["assetOrError"]["assetMaterializations"][0]["metadataEntries"]}
    assert "dagster/column_lineage" in labels  # sqlglot now follows plant_baselines' BY NAME unions
    raw = _graphql(url, "{ assetNodes(group: {groupName: \"raw\", repositoryName: \"__repository__\", "
                   "repositoryLocationName: \"bcm_pipeline.definitions\"}) { description } }")  # fmt: skip
    firsts = [n["description"].splitlines()[0] for n in raw["assetNodes"]]
    assert len(firsts) >= 11 and len(set(firsts)) == len(firsts)  # a distinct title heads each raw asset
    log = log_path.read_text()
    assert "superseded" not in log and "will not be used" not in log  # no Dagster warning from our files


def test_browser_shows_the_materialized_build(refreshed_ui, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} absent: install Debian's chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    url, _ = refreshed_ui
    shot = tmp_path / "plant_baselines.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            # Not "networkidle": the daemon's UI keeps polling; on a loaded machine the page takes a while.
            page.goto(f"{url}/assets/plant_baselines", wait_until="load", timeout=120_000)
            page.get_by_text("Latest materialization").first.wait_for(timeout=120_000)
            skip = page.get_by_role("button", name="Skip")
            if skip.count():
                skip.first.click()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(shot))
            print(f"screenshot: {shot}")
            text = page.inner_text("body")
        finally:
            browser.close()
    assert "plant_baselines" in text and "Latest materialization" in text
    assert "Never materialized" not in text
    assert shot.stat().st_size > 10_000
