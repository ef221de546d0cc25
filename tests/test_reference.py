"""Reference tables authored in bcm_pipeline/reference/*.csv: they load, validate, cite, and hold the numbers
their sources give (re-derived by hand here, or read from the source files in ../shared/data)."""

from __future__ import annotations

import csv

import country_converter as coco
import dagster as dg
import duckdb
import openpyxl
import pytest

from bcm_pipeline import catalogue
from bcm_pipeline.assets.tables import table_asset
from bcm_pipeline.parsers import reference
from bcm_pipeline.resources import BcmResource
from bcm_pipeline.schemas.reference import Countries, FuelDefaults, Gwp, TechnologyCatalogue
from bcm_pipeline.settings import REFERENCE_DIR
from tests.conftest import shared_file

pytestmark = pytest.mark.unit

TABLES = [
    ("fuel_defaults.csv", FuelDefaults, reference.fuel_defaults),
    ("gwp.csv", Gwp, reference.gwp),
    ("countries.csv", Countries, reference.countries),
    ("technology_catalogue.csv", TechnologyCatalogue, reference.technology_catalogue),
]
CITATION_COLUMNS = ["source_document", "source_table", "source_page", "verified"]


def raw_rows(name: str) -> list[dict]:
    """The CSV as plain text rows (csv module), independent of the pandas parser under test."""
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def num(text: str) -> float | None:
    return float(text) if text != "" else None


@pytest.mark.parametrize("name, model, parse", TABLES)
def test_csv_loads_and_validates(name, model, parse):
    df = model.validate(parse(None))
    assert len(df) == len(raw_rows(name))
    assert list(model.to_schema().columns) == list(raw_rows(name)[0])  # no column silently dropped


@pytest.mark.parametrize("name", [t[0] for t in TABLES])
def test_every_row_cites_its_source(name):
    for row in raw_rows(name):
        for column in CITATION_COLUMNS:
            assert row[column].strip(), f"{name}: row {row} lacks {column}"


def test_bounds_ordered():
    for row in raw_rows("fuel_defaults.csv"):
        for stem in ["ncv_tj_per_gg", "co2_ef_t_per_tj", "ch4_kg_per_tj", "n2o_kg_per_tj"]:
            values = [num(row[f"{stem}_lower"]), num(row[stem]), num(row[f"{stem}_upper"])]
            present = [v for v in values if v is not None]
            assert present == sorted(present), (row["fuel"], stem, values)
    for row in raw_rows("technology_catalogue.csv"):
        values = [
            num(row[c]) for c in ["net_efficiency_lhv_low", "net_efficiency_lhv", "net_efficiency_lhv_high"]
        ]
        present = [v for v in values if v is not None]
        assert present == sorted(present), row["technology_id"]
        assert all(0.2 <= v <= 0.65 for v in present), row["technology_id"]


def test_schema_rejects_unordered_bounds():
    df = reference.fuel_defaults()
    df.loc[0, "co2_ef_t_per_tj_lower"] = df.loc[0, "co2_ef_t_per_tj"] + 1
    with pytest.raises(Exception, match="bounds_ordered"):
        FuelDefaults.validate(df)


def test_fuel_values_by_hand():
    fuels = {(r["fuel"], r["gem_coal_type"]): r for r in raw_rows("fuel_defaults.csv")}
    bit = fuels[("other_bituminous_coal", "bituminous")]
    # 94.6 t/TJ × 25.8 TJ/Gg = 2,440.7 tCO2/Gg = 2.44 tCO2 per tonne of coal (methodology.md §4.1).
    assert float(bit["co2_ef_t_per_tj"]) * float(bit["ncv_tj_per_gg"]) / 1000 == pytest.approx(
        2.44, abs=0.005
    )
    # The other tCO2/t column of methodology.md §4.1, fuel by fuel.
    per_tonne = {"anthracite": 2.62, "sub_bituminous_coal": 1.82, "lignite": 1.20, "natural_gas": 2.69}
    per_tonne |= {"residual_fuel_oil": 3.13, "gas_diesel_oil": 3.19}
    for (fuel, _), r in fuels.items():
        if fuel in per_tonne:
            t_per_t = float(r["co2_ef_t_per_tj"]) * float(r["ncv_tj_per_gg"]) / 1000
            assert t_per_t == pytest.approx(per_tonne[fuel], abs=0.006), fuel
    # kg/TJ ÷ 1000: the IPCC's 94,600 kg/TJ is 94.6 t/TJ.
    assert float(bit["co2_ef_t_per_tj"]) == 94600 / 1000
    # Coal CH4 + N2O at AR5 GWPs ≈ 0.43 tCO2e/TJ (methodology.md §4.1): (1 × 28 + 1.5 × 265) / 1000.
    gwp = {(r["gas"], r["assessment"]): float(r["gwp_100"]) for r in raw_rows("gwp.csv")}
    non_co2 = (
        float(bit["ch4_kg_per_tj"]) * gwp[("CH4", "AR5")] + float(bit["n2o_kg_per_tj"]) * gwp[("N2O", "AR5")]
    ) / 1000
    assert non_co2 == pytest.approx(0.4255)
    assert (gwp[("CH4", "AR4")], gwp[("N2O", "AR4")]) == (25, 298)
    # Every GEM coal type in the GCPT joins to exactly one fuel row.
    gem_types = [r["gem_coal_type"] for r in raw_rows("fuel_defaults.csv") if r["gem_coal_type"]]
    assert sorted(gem_types) == sorted(
        ["anthracite", "bituminous", "subbituminous", "lignite", "waste coal", "unknown"]
    )


def test_fuel_lower_bounds_match_cea_assumptions_sheet():
    """CEA v15 uses IPCC 2006 values for imported coal, gas, oil, diesel and naphtha (its 'Assumptions' sheet,
    gCO2/MJ): they are the IPCC lower 95 % bounds, a second public source for those numbers."""
    path = shared_file("cea_india_co2_baseline", "derived_cea_v15_assumptions_sheet.csv")
    with open(path, newline="", encoding="utf-8") as f:
        grid = list(csv.reader(f))
    header = next(r for r in grid if len(r) > 3 and r[3] == "Coal" and r[4] == "Imported Coal")
    values = next(r for r in grid if len(r) > 1 and r[1] == "EF based on NCV")
    cea = dict(zip(header[3:10], (float(v) for v in values[3:10]), strict=True))
    lower = {
        r["fuel"]: float(r["co2_ef_t_per_tj_lower"])
        for r in raw_rows("fuel_defaults.csv")
        if r["is_primary"] == "true"
    }
    assert lower["other_bituminous_coal"] == cea["Imported Coal"]
    assert lower["natural_gas"] == cea["Gas"]
    assert lower["residual_fuel_oil"] == cea["Oil"]
    assert lower["gas_diesel_oil"] == cea["Diesel"]
    assert lower["naphtha"] == cea["Naphta"]


def test_gem_heat_rates_match_the_gcpt_sheet_and_convert_by_hand():
    path = shared_file("gem_coal_plant_tracker", "Global-Coal-Plant-Tracker-July-2023.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    sheet = {
        str(r[0]).strip().lower(): r[1] for r in wb["CO2 Parameters"].iter_rows(values_only=True) if r[0]
    }
    wb.close()
    # The catalogue speaks the vocabulary; GEM's own words are technologies.source_code.
    gem_word = {
        r["technology"]: r["source_code"] for r in raw_rows("technologies.csv") if r["fuel_class"] == "coal"
    }
    gem = {
        gem_word[r["technology"]]: r
        for r in raw_rows("technology_catalogue.csv")
        if r["parameter_set"] == "gem_heat_rate"
    }
    assert set(gem) == {"subcritical", "supercritical", "ultra-supercritical", "cfb", "igcc", "unknown"}
    for tech, row in gem.items():
        assert float(row["heat_rate_btu_per_kwh"]) == sheet[tech]
        assert row["efficiency_basis"] == "unstated"  # the sheet names no HHV/LHV basis
    # 3,412.14 Btu/kWh ÷ 8,702 Btu/kWh = 39.2 % (subcritical); 8,272 → 41.2 % (USC).
    assert float(gem["subcritical"]["net_efficiency_lhv"]) == pytest.approx(0.392, abs=0.0005)
    assert float(gem["ultra-supercritical"]["net_efficiency_lhv"]) == pytest.approx(0.4125, abs=0.0005)


def test_catalogue_conversions_by_hand():
    cat = {r["technology_id"]: r for r in raw_rows("technology_catalogue.csv")}
    # EIA AEO2023 USC: 3,412.14 / 8,638 = 39.50 % HHV; ÷ 0.955 (coal HHV/LHV) = 41.36 % LHV.
    usc = cat["coal_usc_eia_aeo2023"]
    assert float(usc["net_efficiency_lhv"]) == pytest.approx(0.3950 / 0.955, abs=0.0002)
    assert (float(usc["capex_usd_per_kw"]), usc["capex_price_year"]) == (4507, "2022")
    # EIA AEO2026 CCGT 1x1x1: 3,412.14 / 6,226 = 54.8 % HHV; ÷ 0.90 = 60.9 % LHV ("≈ 61 % LHV").
    assert float(cat["gas_cc_1x1x1_eia_aeo2026"]["net_efficiency_lhv"]) == pytest.approx(0.609, abs=0.0005)
    # China 2014 action plan: η = 122.8 / (gce/kWh): 282 → 43.5 %, 303 → 40.5 %, 310 → 39.6 %.
    assert float(cat["coal_usc_1000mw_china_2014"]["net_efficiency_lhv"]) == pytest.approx(0.435, abs=0.0006)
    assert float(cat["coal_supercritical_600mw_china_2014"]["net_efficiency_lhv"]) == pytest.approx(
        0.405, abs=0.0006
    )
    assert float(cat["coal_subcritical_300mw_china_2014"]["net_efficiency_lhv"]) == pytest.approx(
        0.396, abs=0.0006
    )
    # TOOL07 defaults: subcritical coal 37 % (<= 2000) vs 39 % (> 2000); CCGT 46 % vs 60 %.
    assert float(cat["tool07_coal_subcritical_le2000"]["net_efficiency_lhv"]) == 0.37
    assert float(cat["tool07_coal_subcritical_gt2000"]["net_efficiency_lhv"]) == 0.39
    assert float(cat["tool07_gas_cc_gt2000"]["net_efficiency_lhv"]) == 0.60
    tool07 = [r for r in cat.values() if r["parameter_set"] == "tool07_default"]
    assert len(tool07) == 21 and {r["vintage"] for r in tool07} == {"<=2000", ">2000"}


def test_countries_codes_and_regions_agree_with_country_converter():
    rows = raw_rows("countries.csv")
    cc = coco.CountryConverter()
    names = [r["country_name"] for r in rows]
    assert cc.convert(names, to="ISO3") == [r["country_iso3"] for r in rows]
    # coco's UNregion is the M49 intermediate region where there is one, else the sub-region.
    assert cc.convert(names, to="UNregion") == [r["subregion"] for r in rows]
    continents = cc.convert(names, to="continent")
    assert [{"America": "Americas"}.get(c, c) for c in continents] == [r["region"] for r in rows]


def test_countries_host_status():
    rows = {r["country_iso3"]: r for r in raw_rows("countries.csv")}
    hosts = [iso for iso, r in rows.items() if r["is_host_country"] == "true"]
    assert len(hosts) == 30  # 29 JCM partners as of Jan 2024 (MOFA) + India
    assert rows["CHN"]["is_host_country"] == "false"
    assert (rows["IND"]["default_capacity_factor_coal"], rows["CHN"]["default_capacity_factor_coal"]) == (
        "0.608",
        "0.517",
    )
    assert rows["MNG"]["jcm_partner_since"] == "2013-01-08"
    assert rows["IND"]["jcm_partner_since"] == "2025-08-29"
    # Every host has its date now (the UNEP-CCC Article 6 Pipeline's Japan deals).
    assert all(rows[iso]["jcm_partner_since"] for iso in hosts)


def test_countries_jcm_dates_are_the_real_deals():
    """jcm_partner_since is the signing date of the host's first Japan MoU/MoC in the UNEP-CCC Article 6
    Pipeline (the article6_agreements table), read here from the real file; India keeps 29 Aug 2025, the
    documented exception (the pipeline says 7 Aug 2025; both sources are cited in its row)."""
    from bcm_pipeline.parsers.article6 import parse_article6_agreements

    deals = parse_article6_agreements(shared_file("unepccc_article6_pipeline", "article6-pipeline.json"))
    japan = deals[deals["buyer_country_iso3"] == "JPN"]
    first = japan.groupby("host_country_iso3")["signed_date"].min().astype(str).to_dict()
    rows = {r["country_iso3"]: r for r in raw_rows("countries.csv") if r["is_host_country"] == "true"}
    assert set(rows) <= set(first)
    differ = {
        iso: (r["jcm_partner_since"], first[iso])
        for iso, r in rows.items()
        if r["jcm_partner_since"] != first[iso]
    }
    assert differ == {"IND": ("2025-08-29", "2025-08-07")}
    assert "2025-08-07" in rows["IND"]["verified"]
    # Spot checks by hand from the pipeline file: Viet Nam 2 Jul 2013, Ukraine 19 Feb 2024.
    assert (rows["VNM"]["jcm_partner_since"], rows["UKR"]["jcm_partner_since"]) == (
        "2013-07-02",
        "2024-02-19",
    )


def test_reference_assets_materialize_into_duckdb(tmp_path):
    result = dg.materialize(
        [table_asset(catalogue.table(model.Config.name)) for _, model, _ in TABLES],
        resources={"bcm": BcmResource.of(data_dir=str(tmp_path))},
    )
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations())
    con = duckdb.connect(str(next(tmp_path.rglob("*.duckdb"))), read_only=True)
    assert con.execute("SELECT count(*) FROM technology_catalogue").fetchone()[0] == len(
        raw_rows("technology_catalogue.csv")
    )
    kind = con.execute(
        "SELECT data_type FROM duckdb_columns() WHERE table_name='countries' AND column_name='jcm_partner_since'"
    ).fetchone()[0]
    assert kind == "DATE"
    ef = con.execute(
        "SELECT co2_ef_t_per_tj_lower FROM fuel_defaults WHERE gem_coal_type = 'waste coal'"
    ).fetchone()[0]
    assert ef == 89.5
