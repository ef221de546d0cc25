"""Country brief of the small hand-built warehouse (tests/test_cli.py): the HTML page, its inline SVG charts,
the CSV of every figure and table, the headline cards' definitions, the assumptions and the citations.

The warehouse has two operating Viet Nam coal units (600 MW, 2010s; 300 MW, 2000s) and a retired 100 MW
one, no OWID, CEA or price data, and the shipped reference tables and agreements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import duckdb
import pandas as pd
import pytest
from test_cli import GEM_SHA, build_small_warehouse

from bcm_pipeline.briefs import build_all, build_brief, charts, fleet_data, host_countries
from bcm_pipeline.briefs.page import cell, header_label

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_small_warehouse(tmp_path_factory.mktemp("wh") / "bcm.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def brief(con, tmp_path_factory):
    out = tmp_path_factory.mktemp("briefs")
    page = build_brief(con, "VNM", out)
    return page, page.read_text(encoding="utf-8")


def _csv(page, name) -> pd.DataFrame:
    return pd.read_csv(page.parent / f"{name}.csv")


def test_page_charts_are_inline_svg_and_every_csv_is_linked(brief):
    page, text = brief
    assert page.name == "index.html" and page.parent.name == "VNM"
    assert "Viet Nam (VNM)" in text
    assert not list(page.parent.glob("*.png"))  # no raster charts any more
    svgs = re.findall(r"<svg .*?</svg>", text, flags=re.S)
    # fleet, baseline, MAC curve, credits, grid factors, ITMOs of the one agreement in force
    assert len(svgs) == 6
    for svg in svgs:
        ET.fromstring(svg)  # well-formed: a browser draws it without a script
    linked = set(re.findall(r"href='([^']+\.csv)'", text))
    on_disk = {p.name for p in page.parent.glob("*.csv")}
    assert linked == on_disk and {"fleet.csv", "headline.csv", "top_candidates.csv", "sources.csv"} <= on_disk


def test_fleet_figure_and_its_csv(brief, con):
    page, _ = brief
    fleet = _csv(page, "fleet")
    # 600 MW from 2015 and 300 MW from 2005 operate; the retired 100 MW unit is left out.
    assert dict(zip(fleet["decade"], fleet["capacity_mw"], strict=True)) == {"2000s": 300.0, "2010s": 600.0}
    by_query = fleet_data(con, ["VNM"])
    assert list(by_query["decade"]) == ["2000s", "2010s"]  # time order


def test_headline_cards_state_their_definition_and_never_add_alternatives(brief, con):
    page, text = brief
    cards = _csv(page, "headline").set_index("figure")
    assert cards.loc["operating_capacity", "value"] == pytest.approx(0.9)  # (600 + 300) MW
    assert "<b>0.9 GW</b>" in text
    chosen = cards.loc["creditable_reduction_chosen_options"]
    # Each unit once: G1 and G2 at their chosen switch, plus the three representative grid projects.
    assert (chosen["power_units"], chosen["grid_projects"]) == (2, 3)
    picked = con.execute(
        "SELECT sum(reduction_creditable_t_per_yr) / 1e6 FROM chosen_options WHERE country_iso3 = 'VNM'"
    ).fetchone()[0]
    every_option = con.execute(
        """SELECT sum(reduction_creditable_t_per_yr) / 1e6 FROM technology_swaps
           WHERE country_iso3 = 'VNM' AND is_upgrade AND unit_source <> 'case' AND reduction_creditable_t_per_yr > 0"""
    ).fetchone()[0]
    assert chosen["value"] == pytest.approx(picked)
    assert every_option > 1.3 * picked  # adding each unit's alternatives (USC, A-USC, CCGT) inflates it
    # japan_vietnam.yaml: haircut 0, share of proceeds 0, OMGE 0, and it covers every chosen option, so the
    # credits equal the creditable reduction (they can never exceed it).
    assert cards.loc["credits_agreements_in_force", "value"] == pytest.approx(chosen["value"])
    for definition in ("chosen_options.reduction_creditable_t_per_yr", "(1 − haircut) × (1 − SOP − OMGE)",
                       "v_fleet", "plant_baselines.co2_t_per_yr"):  # fmt: skip
        assert definition in text


def test_candidates_keep_unknown_mac_null(brief):
    page, _ = brief
    top = _csv(page, "top_candidates")
    assert top["reduction_creditable_kt_per_yr"].is_monotonic_decreasing
    # G1 has twice G2's capacity and the less efficient (subcritical) baseline: the largest reduction.
    assert list(top["unit_id"][:2]) == ["G1", "G2"] and len(top) == 5  # 2 units + 3 grid projects
    # No fuel price in this warehouse: the coal-to-gas switches have no MAC (empty, not 0), with the reason.
    g1 = top.set_index("unit_id").loc["G1"]
    assert pd.isna(g1["mac_usd_per_t"]) and g1["mac_curve_exclusion"] == "mac_undefined:fuel price unknown"
    assert g1["source_sha256"] == GEM_SHA


def test_assumptions_block(brief):
    page, text = brief
    assert "id='assumptions'" in text
    tiers = _csv(page, "activity_tiers")
    # No OWID or CEA data: both operating units take the default coal capacity factor, GEM's CAPF 0.53
    # (reference/scenario_parameters.csv), 900 MW, all of the coal fleet.
    [row] = tiers.to_dict("records")
    assert (row["fuel"], row["estimation_tier"], row["units"], row["capacity_mw"]) == (
        "coal",
        "default",
        2,
        900.0,
    )
    assert row["capacity_share"] == pytest.approx(1.0) and row["capacity_factor_mean"] == pytest.approx(0.53)
    economics = _csv(page, "economic_parameters").set_index("parameter")
    assert economics.loc["discount_rate", "value"] == 0.08 and economics.loc["hurdle_rate", "value"] == 0.1
    assert economics["source_document"].notna().all()
    prices = _csv(page, "fuel_prices")
    coal = prices[prices["fuel"] == "coal"].iloc[0]
    assert coal["series_code"] == "COAL_AUS"  # the '*' mapping; no Viet Nam row
    assert pd.isna(coal["central_usd_per_gj"])  # no Pink Sheet in this warehouse: unknown, not 0
    agreements = _csv(page, "agreements").set_index("agreement")
    jcm = agreements.loc["Japan–Viet Nam Joint Crediting Mechanism"]
    assert (jcm["host_share"], jcm["haircut"], jcm["credit_price_usd_per_t"]) == (0.5, 0.0, 16.67)
    assert bool(jcm["in_force"]) and jcm["start_date"] == "2013-07-02"


def test_sources_are_cited_with_their_licence(brief):
    page, text = brief
    sources = _csv(page, "sources")
    [gem] = sources.to_dict("records")  # the one raw file of this warehouse
    assert gem["source_id"] == "gem_coal_plant_tracker" and gem["release"] == "2023-07"
    assert gem["release_date"] == "2023-07-01"  # sources.yaml (this warehouse has no source_releases rows)
    assert gem["licence"] == "CC BY 4.0"
    # The citation GEM's About sheet asks for (../shared/data/SOURCES.md), from sources.yaml.
    assert (
        "Global Coal Plant Tracker, Global Energy Monitor, July 2023 release. <i>Licence: CC BY 4.0.</i>"
        in text
    )
    assert gem["sha256_start"] == GEM_SHA[:12]


def test_build_all_writes_every_host(con, tmp_path):
    paths = build_all(con, tmp_path)
    assert [p.parent.name for p in paths] == host_countries(con)
    assert "VNM" in host_countries(con) and "IDN" in host_countries(con) and "JPN" not in host_countries(con)
    # A host without units still gets a page, its charts saying there is nothing to show.
    idn = (tmp_path / "IDN" / "index.html").read_text()
    assert "No operating coal, gas or oil unit in the GEM trackers" in idn


def test_table_cells_and_headers_by_unit():
    assert header_label("credited_mt_per_yr") == "credited, Mt/yr"
    assert header_label("capacity_mw") == "capacity, MW"
    assert header_label("mac_usd_per_t") == "mac, USD/t"
    assert cell("capacity_mw", 1234.5) == ("1,234", "num")
    assert cell("start_year", 2015.0) == ("2015", "num")
    assert cell("mac_usd_per_t", float("nan")) == ("–", "null")
    assert cell("host_share", 0.5) == ("0.50", "num")
    assert cell("ef_t_per_mwh", 0.5604) == ("0.560", "num")
    assert cell("to_technology", "coal_supercritical")[1] == "text long"  # an identifier may break anywhere


def test_nice_ticks():
    assert charts.nice_ticks(0, 17.3) == [0, 5, 10, 15, 20]
    assert charts.nice_ticks(-40, 130) == [-50, 0, 50, 100, 150]
    assert charts.nice_ticks(0, 0.47) == [0, 0.1, 0.2, 0.3, 0.4, 0.5]
