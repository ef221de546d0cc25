"""Price-year conversion: the cited table, to_usd worked by hand, and the SQL mart that applies it to POSTED."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from bcm_pipeline import build, warehouse
from bcm_pipeline.parsers import reference
from bcm_pipeline.price_years import price_deflators, to_usd
from bcm_pipeline.schemas.base import stored_failures, validate
from bcm_pipeline.schemas.reference import PriceDeflators
from bcm_pipeline.schemas.steel import PostedSteelCosts, PostedSteelTechnologies

pytestmark = pytest.mark.unit

# Table values used below (price_deflators.csv): US GDP deflator 2010 89.632, 2020 105.377, 2024 125.428;
# USD per EUR 2010 1.3257, 2020 1.1422.
# deflator 2024 / 2010 = 125.428 / 89.632 = 1.399366298...
DEFL_2024_2010 = 125.428 / 89.632


def test_table_is_complete_and_cited():
    df = reference.price_deflators()
    valid, quarantined = validate(PriceDeflators, df, "reference", None)
    assert len(quarantined) == 0
    for series in ["us_gdp_deflator", "usd_per_eur"]:
        assert sorted(valid.loc[valid["series"] == series, "year"]) == list(range(2005, 2026))
    assert price_deflators()[("us_gdp_deflator", 2017)] == 100.0  # the index base year


def test_usd_same_year_is_unchanged():
    assert to_usd(1000.0, "USD", 2015, 2015) == 1000.0


def test_eur_2010_to_usd_2024_by_hand():
    # POSTED EAF CAPEX (Agora-KSV-2023): 331.2 EUR_2010 per t/yr
    # 331.2 x 1.3257 = 439.07184 USD_2010; x 1.399366298 = 614.4223 USD_2024
    assert to_usd(331.2, "EUR", 2010, 2024) == pytest.approx(614.4223, rel=1e-6)


def test_usd_2010_to_usd_2024_by_hand():
    # 4124 mnUSD_2010 x 1.399366298 = 5,770.99 mnUSD_2024
    assert to_usd(4124.0, "USD", 2010, 2024) == pytest.approx(5770.9866, rel=1e-6)


def test_deflating_back_is_the_inverse():
    # 100 USD_2024 in 2010 dollars: 100 / 1.399366298 = 71.4609
    assert to_usd(100.0, "USD", 2024, 2010) == pytest.approx(71.4609, rel=1e-5)


def test_missing_year_or_currency_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="no usd_per_eur for 1998"):
        to_usd(1.0, "EUR", 1998, 2024)
    with pytest.raises(ValueError, match="no us_gdp_deflator for 2031"):
        to_usd(1.0, "USD", 2020, 2031)
    with pytest.raises(ValueError, match="'JPY'"):
        to_usd(1.0, "JPY", 2020, 2024)


def test_a_hand_made_rate_table():
    rates = {("us_gdp_deflator", 2000): 50.0, ("us_gdp_deflator", 2001): 60.0, ("usd_per_eur", 2000): 0.9}
    # 10 EUR_2000 x 0.9 = 9 USD_2000; x 60 / 50 = 10.8 USD_2001
    assert to_usd(10.0, "EUR", 2000, 2001, rates) == pytest.approx(10.8)


def _posted(rows: list[dict]) -> pd.DataFrame:
    base = {c: None for c in PostedSteelTechnologies.to_schema().columns}
    df = pd.DataFrame([{**base, "source": "test", "source_sha256": "sha", **r} for r in rows])
    return PostedSteelTechnologies.validate(df)


def test_posted_steel_costs_sql_applies_the_same_rule(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.write_table(con, PriceDeflators, PriceDeflators.validate(reference.price_deflators()))
    con.execute("CREATE TABLE scenario_parameters AS SELECT 'usd_price_year' AS parameter, 2024.0 AS value")
    posted = _posted(
        [
            # EAF CAPEX 331.2 EUR_2010 per 1 t/year
            dict(technology="Electric Arc Furnace", source_row=2, variable="CAPEX", value=331.2, unit="EUR_2010",
                 currency="EUR", price_year=2010, currency_multiplier=1.0, reference_value=1.0, reference_unit="t/year"),
            # BF-BOF CAPEX 4124 mnUSD_2010 per 4 Mt/yr
            dict(technology="Integrated Blast Furnace and Basic Oxygen Furnace", source_row=2, variable="CAPEX",
                 value=4124.0, unit="mnUSD_2010", currency="USD", price_year=2010, currency_multiplier=1e6,
                 reference_value=4.0, reference_unit="Mt/yr"),
            # DRI OPEX 605.9 MEUR_2020 per 1,905,400 t/year
            dict(technology="Direct Reduction of Iron", source_row=84, variable="OPEX Fixed", value=605.9,
                 unit="MEUR_2020", currency="EUR", price_year=2020, currency_multiplier=1e6,
                 reference_value=1905400.0, reference_unit="t/year"),
            # not money: left out
            dict(technology="Electric Arc Furnace", source_row=3, variable="Input|Electricity", value=0.75,
                 unit="MWh", reference_value=1.0, reference_unit="t"),
        ]
    )  # fmt: skip
    warehouse.write_table(con, PostedSteelTechnologies, posted)
    build.computed_table(con, "posted_steel_costs")
    rows, failures = stored_failures(con, PostedSteelCosts)
    assert rows == 3 and failures.empty
    got = con.execute(
        "SELECT technology, value_usd, value_usd_per_reference_unit FROM posted_steel_costs"
    ).df()
    got = got.set_index("technology")
    # 331.2 x 1.3257 x 1.399366298 = 614.4223 USD_2024 per t/yr
    assert got.loc["Electric Arc Furnace", "value_usd"] == pytest.approx(614.4223, rel=1e-6)
    # 4124e6 x 1.399366298 = 5,770.99e6 USD_2024 per 4 Mt/yr = 1,442.75 per Mt/yr (i.e. USD 1,442.75 per t/yr
    # once divided by 1e6 t)
    bf = got.loc["Integrated Blast Furnace and Basic Oxygen Furnace"]
    assert bf["value_usd"] == pytest.approx(5770.9866e6, rel=1e-6)
    assert bf["value_usd_per_reference_unit"] == pytest.approx(1442.7467e6, rel=1e-6)
    # 605.9e6 EUR x 1.1422 = 692.05898e6 USD_2020; x 125.428 / 105.377 (= 1.1902787) = 823.7426e6 USD_2024
    assert got.loc["Direct Reduction of Iron", "value_usd"] == pytest.approx(823.7426e6, rel=1e-6)
    # and the SQL agrees with to_usd on every row
    for tech, value, cur, year, mult in [
        ("Electric Arc Furnace", 331.2, "EUR", 2010, 1.0),
        ("Direct Reduction of Iron", 605.9, "EUR", 2020, 1e6),
    ]:
        assert got.loc[tech, "value_usd"] == pytest.approx(to_usd(value * mult, cur, year, 2024), rel=1e-12)


def test_posted_price_year_missing_from_the_table_fails_the_schema_check(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.write_table(con, PriceDeflators, PriceDeflators.validate(reference.price_deflators()))
    con.execute("CREATE TABLE scenario_parameters AS SELECT 'usd_price_year' AS parameter, 2024.0 AS value")
    posted = _posted(
        [dict(technology="Electric Arc Furnace", source_row=2, variable="CAPEX", value=100.0, unit="EUR_2003",
              currency="EUR", price_year=2003, currency_multiplier=1.0, reference_value=1.0, reference_unit="t")]
    )  # fmt: skip
    warehouse.write_table(con, PostedSteelTechnologies, posted)
    # The write path refuses the NULL (NOT NULL from the model), naming the column and the row.
    with pytest.raises(
        warehouse.ContractError, match=r"posted_steel_costs\.value_usd: NULL.*Electric Arc Furnace"
    ):
        build.computed_table(con, "posted_steel_costs")
