"""Country brief of the small hand-built warehouse (tests/test_cli.py): HTML page plus six real PNG charts."""

from __future__ import annotations

import duckdb
import pytest
from test_cli import GEM_SHA, build_small_warehouse

from bcm_pipeline.briefs import build_brief, fleet_data, host_countries

pytestmark = pytest.mark.unit

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = ["fleet.png", "baseline.png", "mac_curve.png", "credits.png", "grid_factors.png", "itmos.png"]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_small_warehouse(tmp_path_factory.mktemp("wh") / "bcm.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def test_brief_page_and_charts(con, tmp_path):
    page = build_brief(con, "VNM", tmp_path)
    assert page == tmp_path / "VNM" / "index.html"
    for name in CHARTS:
        data = (tmp_path / "VNM" / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5_000, name
        assert f'src="{name}"' in page.read_text()
    text = page.read_text()
    assert "Viet Nam (VNM)" in text
    assert "<b>0.9 GW</b>" in text  # 600 + 300 MW operating; the retired 100 MW unit is left out
    assert "0.5604" in text or "0.56" in text  # IFI OM for Viet Nam, in the grid factor table
    # Both operating units are eligible under the Japan–Viet Nam agreement (in force since 2013).
    assert "Japan–Viet Nam Joint Crediting Mechanism" in text
    assert "gem_coal_plant_tracker" in text and GEM_SHA in text  # Sources section
    # Activity data: this warehouse has no OWID or CEA data, so both operating units are tier default.
    assert "national_reconciliation" in text and "<td>default</td>" in text


def test_fleet_by_decade(con):
    fleet = fleet_data(con, "VNM")
    by_decade = dict(zip(fleet["decade"], fleet["capacity_mw"], strict=True))
    assert by_decade == {"2000s": 300.0, "2010s": 600.0}
    assert list(fleet["decade"]) == ["2000s", "2010s"]


def test_host_countries_come_from_the_countries_table(con):
    hosts = host_countries(con)
    assert "VNM" in hosts and "IDN" in hosts and "JPN" not in hosts
