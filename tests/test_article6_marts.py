"""The Article 6.2 marts (issue 15) on a small hand-made world, every number worked out by hand here.

The world: host AAA with four coal units under agreement aaa_deal (Japan as partner, linked to a real
deal row), a second agreement bbb_plain (no deal, signed in the future), and one programme. Inputs that
upstream marts would compute (technology_swaps, plant_baselines) are hand-made rows, so the expectations
depend only on the arithmetic below and the agreement file.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import duckdb
import pandas as pd
import pytest

from bcm_pipeline import build
from bcm_pipeline.parsers import config
from bcm_pipeline.schemas import article6 as s6
from bcm_pipeline.schemas.base import stored_failures

pytestmark = pytest.mark.unit

MARTS = [
    "agreement_status",
    "chosen_options",
    "credits",
    "credit_vintages",
    "itmo_ledger",
    "corresponding_adjustments",
    "host_ndc_exposure",
    "programme_crediting",
    "article6_report",
]

AGREEMENT = """\
agreement_id: aaa_deal
name: Japan-AAA test agreement
mechanism: JCM
partner_country_iso3: JPN
host_country_iso3: AAA
signed_date: 2019-12-31
article6_agreement_id: AAA-JPN-2020-01-01
eligible_to_technologies: [coal_usc, gas_combined_cycle]
eligible_swap_types: [efficiency_upgrade, fuel_switch]
eligible_statuses: [operating, announced]
host_share: 0.5
haircut: 0.1
sop_share: 0.05
omge_share: 0.02
crediting_period_yr: 5
crediting_period_renewals: 0
authorised_use: NDC
first_transfer_trigger: first_transfer
issuance_lag_yr: 1
reference_decline_per_yr: 0.02
credit_price_usd_per_t: 10
capex_subsidy_share: 0.5
host_ndc_target_t_co2e: 10000000
host_ndc_target_year: 2030
host_ndc_target_basis: test target
sources: [test]
"""

PLAIN = """\
agreement_id: bbb_plain
name: Japan-BBB agreement without a deal row
mechanism: JCM
partner_country_iso3: JPN
host_country_iso3: BBB
signed_date: 2099-01-01
eligible_to_technologies: [coal_usc]
eligible_swap_types: [efficiency_upgrade]
eligible_statuses: [operating]
host_share: 0.5
haircut: 0.0
sop_share: 0.0
omge_share: 0.0
crediting_period_yr: 10
credit_price_usd_per_t: 10
capex_subsidy_share: 0.5
sources: [test]
"""

PROGRAMME = """\
programme_id: aaa_coal
name: AAA coal programme
host_country_iso3: AAA
sector: power_coal
agreement_id: aaa_deal
boundary_statuses: [operating, announced]
eligible_to_technologies: [coal_usc]
baseline_type: intensity_benchmark
benchmark_t_per_mwh: 1.0
start_year: 2030
end_year: 2032
penetration: {2030: 0.5, 2032: 1.0}
sources: [test]
"""


def _param(parameter, value, key="*", fuel_class="*"):
    return dict(
        parameter=parameter, country_iso3="*", fuel_class=fuel_class, key=key, value=value, value_text=None
    )


PARAMS = pd.DataFrame(
    [
        _param("itmo_first_vintage_year", 2021),
        _param("project_earliest_start_year", 2026),
        _param("project_start_lead_time_yr", 3, key="operating"),
        _param("project_start_lead_time_yr", 5, key="announced"),
        _param("reference_decline_per_yr", 0.01),  # the agreement's 0.02 wins
        _param("unit_lifetime_yr", 40, fuel_class="coal"),
        _param("overselling_threshold_share", 0.05, key="power_co2"),
        _param("overselling_threshold_share", 0.01, key="ndc_target"),
    ]
)

DEALS = pd.DataFrame(
    [dict(article6_agreement_id="AAA-JPN-2020-01-01", host_country_iso3="AAA", buyer_country_iso3="JPN",
          signed_date=dt.date(2020, 1, 1), status="MoU", in_force=True, link_url="https://example.org/deal")]
)  # fmt: skip


def _swap(unit, tech, swap_type, status, ref, proj, baseline, bau_red, gen):
    return dict(
        swap_id=f"coal_units:{unit}:{tech}", unit_id=unit, unit_source="coal_units", country_iso3="AAA",
        sector="power_coal", swap_type=swap_type, from_technology="coal_subcritical", to_technology=tech,
        is_upgrade=True, status=status, capacity_mw=500.0, net_generation_mwh_per_yr=gen,
        baseline_co2_t_per_yr=baseline, reference_co2_t_per_yr=ref, project_co2_conservative_t_per_yr=proj,
        reduction_creditable_t_per_yr=ref - proj, reduction_bau_t_per_yr=bau_red, incremental_capex_usd=1e6,
        fuel_savings_usd_per_yr=0.0, delta_om_usd_per_yr=0.0, discount_rate=0.08, lifetime_yr=30.0, crf=0.0888,
        # The swap economics of issue 13: the investment test not run (additionality null), so every option
        # stays eligible and chosen_options picks each unit's largest creditable reduction.
        decision="replace" if status == "operating" else "build_instead", stranded_value_usd=0.0,
        upfront_cost_usd=1e6, annualised_cost_usd_per_yr=0.0888e6, mac_usd_per_t=None,
        breakeven_credit_price_usd_per_t=None, fuel_savings_low_usd_per_yr=0.0, fuel_savings_high_usd_per_yr=0.0,
        hurdle_rate=0.10, npv_usd=None, additionality=None, grid_ef_bau_t_per_mwh=None, flags=None,
    )  # fmt: skip


# U1 operating since 1992 (retires 2032 at a 40-year lifetime), two options: USC and the larger CC switch.
# U2 announced, no start year. U3 operating, CDM-registered (excluded). U4 operating since 2010, a JCM
# project of 20,000 t/yr on it (netted).
SWAPS = pd.DataFrame(
    [
        _swap("U1", "coal_usc", "efficiency_upgrade", "operating", 1_000_000, 900_000, 1_100_000, 150_000, 1_000_000),
        _swap("U1", "gas_combined_cycle", "fuel_switch", "operating", 1_000_000, 400_000, 1_100_000, 650_000, 1_000_000),
        _swap("U2", "coal_usc", "efficiency_upgrade", "announced", 500_000, 450_000, 550_000, 60_000, 600_000),
        _swap("U3", "coal_usc", "efficiency_upgrade", "operating", 800_000, 700_000, 900_000, 120_000, 800_000),
        _swap("U4", "coal_usc", "efficiency_upgrade", "operating", 300_000, 250_000, 320_000, 60_000, 300_000),
    ]
)  # fmt: skip

BASELINES = pd.DataFrame(
    {
        "unit_source": ["coal_units"] * 4,
        "unit_id": ["U1", "U2", "U3", "U4"],
        "country_iso3": ["AAA"] * 4,
        "start_year": [1992.0, None, 2000.0, 2010.0],
        "fuel_class": ["coal"] * 4,
        "is_operating": [True, False, True, True],
        "co2_t_per_yr": [1_100_000.0, 550_000.0, 900_000.0, 320_000.0],
    }
)
UNITS = pd.DataFrame(
    {"gem_unit_id": ["U1", "U2", "U3", "U4"], "planned_retirement_year": [None, None, None, None]}
)
MATCHES = pd.DataFrame(
    {
        "unit_source": ["coal_units", "coal_units"],
        "unit_id": ["U3", "U4"],
        "registry": ["CDM", "JCM"],
        "nesting_rule": ["excluded", "netted"],
        "netted_t_per_yr": [None, 20_000.0],
    }
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("a6")
    for folder, files in {
        "agreements": {"aaa_deal": AGREEMENT, "bbb_plain": PLAIN},
        "programmes": {"aaa_coal": PROGRAMME},
    }.items():
        (tmp / folder).mkdir()
        for name, text in files.items():
            (tmp / folder / f"{name}.yaml").write_text(text)
    con = duckdb.connect(str(tmp / "world.duckdb"))
    tables = {
        "agreements": config.agreements_frame(tmp / "agreements"),
        "programmes": config.programmes_frame(tmp / "programmes"),
        "scenario_parameters": PARAMS,
        "article6_agreements": DEALS,
        "technology_swaps": SWAPS,
        "plant_baselines": BASELINES,
        "coal_units": UNITS,
        "gas_oil_units": UNITS.iloc[0:0],
        "registered_unit_matches": MATCHES,
        "host_countries": pd.DataFrame({"country_iso3": ["AAA", "BBB"]}),
    }  # fmt: skip
    for name, df in tables.items():
        con.register("_t", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _t')
        con.unregister("_t")
    for mart in MARTS:
        for built in build.computed_table(con, mart):  # the model's DDL, then its checks on the stored rows
            assert built.check.passed, built.check.problems
    return con


def _value(con, sql: str, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, f"{sql}: {rows}"
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def test_agreement_status_takes_the_deal_and_flags_a_different_file_date(world):
    linked = world.execute("SELECT * FROM agreement_status WHERE agreement_id = 'aaa_deal'").df().iloc[0]
    assert bool(linked["in_force"]) and linked["date_source"] == "article6_agreements"
    assert pd.Timestamp(linked["start_date"]) == pd.Timestamp(
        2020, 1, 1
    )  # the deal's date, not the file's 2019-12-31
    assert "2019-12-31" in linked["flags"] and "2020-01-01" in linked["flags"]
    plain = world.execute("SELECT * FROM agreement_status WHERE agreement_id = 'bbb_plain'").df().iloc[0]
    assert not bool(plain["in_force"]) and plain["date_source"] == "file"  # signed 2099: not yet


def test_agreement_naming_a_missing_deal_fails_the_check(world, tmp_path):
    con = duckdb.connect(str(tmp_path / "bad.duckdb"))
    (tmp_path / "agreements").mkdir()
    (tmp_path / "agreements" / "aaa_deal.yaml").write_text(
        AGREEMENT.replace("AAA-JPN-2020-01-01", "AAA-JPN-2021-05-05")
    )
    agreements = config.agreements_frame(tmp_path / "agreements")
    for name, df in {"agreements": agreements, "article6_agreements": DEALS}.items():
        con.register("_t", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _t')
    [built] = build.computed_table(con, "agreement_status")
    assert not built.check.passed and "linked_deal_exists" in str(built.check.problems)


def test_nesting_in_credits(world):
    # U3 is CDM-registered: no credit row at all.
    assert _value(world, "SELECT count(*) FROM credits WHERE unit_id = 'U3'") == 0
    # U4: (50,000 creditable - 20,000 JCM) x (1 - 0.1) x (1 - 0.05 - 0.02) = 30,000 x 0.9 x 0.93 = 25,110
    assert _value(world, "SELECT credited_t_per_yr FROM credits WHERE unit_id = 'U4'") == pytest.approx(
        25_110
    )
    # U1 CC: 600,000 x 0.9 x 0.93 = 502,200
    assert _value(
        world, "SELECT credited_t_per_yr FROM credits WHERE swap_id = 'coal_units:U1:gas_combined_cycle'"
    ) == pytest.approx(502_200)


def test_vintage_series_of_an_operating_unit_ends_at_its_retirement(world):
    v = world.execute("SELECT * FROM credit_vintages WHERE unit_id = 'U1' ORDER BY vintage_year").df()
    # One option per unit: the CC switch (502,200 t/yr credited) beats USC (83,700).
    assert set(v["swap_id"]) == {"coal_units:U1:gas_combined_cycle"}
    # Start: max(2021, deal 2020, 2026 + 3 yr lead for an operating unit) = 2029. Retirement: 1992 + 40 = 2032,
    # so the last vintage is 2031 (the 5-year period would run to 2033).
    assert list(v["vintage_year"]) == [2029, 2030, 2031]
    assert set(v["end_rule"]) == {"unit_retirement"}
    # reference 1,000,000 x 0.98^t; project 400,000; issued = (reference - project) x 0.9
    #   2029: 600,000 x 0.9 = 540,000;  2030: 580,000 x 0.9 = 522,000;  2031: 560,400 x 0.9 = 504,360
    assert list(v["issued_t"]) == pytest.approx([540_000, 522_000, 504_360])
    # First vintage, after SOP and OMGE, is the static credits figure: 540,000 x 0.93 = 502,200
    assert v["issued_t"].iloc[0] * 0.93 == pytest.approx(502_200)


def test_vintage_series_of_a_pipeline_unit_without_start_year_and_netting(world):
    v = world.execute("SELECT * FROM credit_vintages WHERE unit_id = 'U2' ORDER BY vintage_year").df()
    # No GEM start year: assumed 2026 + 5 (announced); five vintages 2031-2035, flagged.
    assert list(v["vintage_year"]) == [2031, 2032, 2033, 2034, 2035]
    assert v["flags"].str.contains("start_year_assumed: 2031").all()
    # reference 500,000 x 0.98^t - 450,000, x 0.9:
    #   50,000 -> 45,000; 40,000 -> 36,000; 30,200 -> 27,180; 20,596 -> 18,536.4; 11,184.08 -> 10,065.672
    assert list(v["issued_t"]) == pytest.approx([45_000, 36_000, 27_180, 18_536.4, 10_065.672])
    u4 = world.execute("SELECT issued_t FROM credit_vintages WHERE unit_id = 'U4' ORDER BY vintage_year").df()
    # 300,000 x 0.98^t - 250,000 - 20,000 JCM, x 0.9: 27,000; 21,600; 16,308; 11,121.84; 6,039.4032
    assert list(u4["issued_t"]) == pytest.approx([27_000, 21_600, 16_308, 11_121.84, 6_039.4032])


def test_ledger_identity_and_split(world):
    r = world.execute("SELECT * FROM itmo_ledger WHERE unit_id = 'U1' AND vintage_year = 2030").df().iloc[0]
    # issued 522,000: SOP 5 % = 26,100; OMGE 2 % = 10,440; the rest 485,460 split 50/50 = 242,730 each
    assert r["sop_t"] == pytest.approx(26_100)
    assert r["omge_t"] == pytest.approx(10_440)
    assert r["host_retained_t"] == pytest.approx(242_730)
    assert r["transferred_t"] == pytest.approx(242_730)
    assert r["first_transfer_year"] == 2031  # vintage + 1-year issuance lag
    assert r["authorised_use"] == "NDC" and r["first_transfer_trigger"] == "first_transfer"
    # The identity on every row, and the model's own check.
    gap = _value(
        world,
        "SELECT max(abs(issued_t - sop_t - omge_t - host_retained_t - transferred_t)) FROM itmo_ledger",
    )
    assert gap < 1e-6
    rows, failures = stored_failures(world, s6.ItmoLedger)
    assert rows == 3 + 5 + 5 and failures.empty


def test_corresponding_adjustment(world):
    ca = world.execute(
        "SELECT side, country_iso3, adjustment_t FROM corresponding_adjustments WHERE year = 2031 ORDER BY side"
    ).fetchall()
    # First transfers in 2031 = vintage 2030: U1 242,730 + U4 21,600 x 0.93 x 0.5 = 10,044 -> 252,774.
    # The host adds it, Japan (NDC use) subtracts it.
    assert ca[0][:2] == ("host", "AAA") and ca[0][2] == pytest.approx(252_774)
    assert ca[1][:2] == ("partner", "JPN") and ca[1][2] == pytest.approx(-252_774)
    rows, failures = stored_failures(world, s6.CorrespondingAdjustments)
    assert failures.empty and rows > 0


def test_host_ndc_exposure_flags_overselling(world):
    r = world.execute("SELECT * FROM host_ndc_exposure WHERE vintage_year = 2030").df().iloc[0]
    # 252,774 t transferred of vintage 2030; operating fleet CO2 1,100,000 + 900,000 + 320,000 = 2,320,000
    assert r["transferred_t"] == pytest.approx(252_774)
    assert r["share_of_power_co2"] == pytest.approx(252_774 / 2_320_000)  # 10.9 % > 5 %
    assert r["share_of_ndc_target"] == pytest.approx(0.0252774)  # of 10 Mt: 2.5 % > 1 %
    assert bool(r["overselling_flag"]) and "power-sector" in r["flag_reason"]


def test_article6_report_row(world):
    r = (
        world.execute("SELECT * FROM article6_report WHERE agreement_id = 'aaa_deal' AND year = 2031")
        .df()
        .iloc[0]
    )
    # Issued in 2031 = vintage 2030 (lag 1): U1 522,000 + U4 21,600 = 543,600; OMGE 2 % = 10,872; SOP 27,180
    assert r["issued_t"] == pytest.approx(543_600)
    assert r["cancelled_omge_t"] == pytest.approx(10_872)
    assert r["sop_t"] == pytest.approx(27_180)
    assert r["first_transferred_t"] == pytest.approx(252_774) and r["used_t"] == pytest.approx(252_774)
    assert r["host_adjustment_t"] == pytest.approx(252_774) and r["partner_adjustment_t"] == pytest.approx(
        -252_774
    )
    assert r["vintages"] == "2030-2030"


def test_programme_beside_projects(world):
    p = world.execute("SELECT * FROM programme_crediting ORDER BY year").df()
    assert list(p["year"]) == [2030, 2031, 2032]
    # U3 (CDM) and U4 (JCM) are taken out: 900,000 + 320,000 t/yr of BAU CO2.
    assert set(p["units_removed_nesting"]) == {2} and set(p["removed_bau_co2_t_per_yr"]) == {1_220_000}
    # 2030: U1 runs (retires 2032), p = 0.5: BAU 1,100,000 - 0.5 x 150,000 = 1,025,000 > threshold 1,000,000 -> 0
    # 2031: U1 + U2 (assumed start 2031), p = 0.75: BAU 1,650,000 - 0.75 x 210,000 = 1,492,500;
    #       threshold 1.0 x 1,600,000 MWh -> 107,500
    # 2032: U2 only, p = 1: 550,000 - 60,000 = 490,000; threshold 600,000 -> 110,000
    assert list(p["programme_co2_t"]) == pytest.approx([1_025_000, 1_492_500, 490_000])
    assert list(p["programme_credits_t"]) == pytest.approx([0, 107_500, 110_000])
    # Projects, same units and penetration: U1 from 2030, U2 from 2031, x 0.9 haircut:
    #   2030: 0.5 x 100,000 x 0.9 = 45,000
    #   2031: 0.75 x (80,000 + 50,000) x 0.9 = 87,750
    #   2032: 1.0 x (490,000 - 450,000) x 0.9 = 36,000
    assert list(p["project_credits_t"]) == pytest.approx([45_000, 87_750, 36_000])
    rows, failures = stored_failures(world, s6.ProgrammeCrediting)
    assert rows == 3 and failures.empty


def test_all_marts_satisfy_their_models(world):
    for model in (
        s6.AgreementStatus,
        s6.CreditVintages,
        s6.ItmoLedger,
        s6.HostNdcExposure,
        s6.Article6Report,
    ):
        rows, failures = stored_failures(world, model)
        assert rows > 0 and failures.empty, (model.Config.name, failures.head())


def test_agreement_file_rules(tmp_path):
    def load(text):
        path = tmp_path / "aaa_deal.yaml"
        path.write_text(text)
        return config.load_agreement(path)

    assert load(AGREEMENT).eligible_to_technologies == ["coal_usc", "gas_combined_cycle"]
    with pytest.raises(config.ConfigError, match="in_force"):
        load(AGREEMENT + "in_force: true\n")
    with pytest.raises(config.ConfigError, match="first_transfer_trigger"):
        load(AGREEMENT.replace("first_transfer_trigger: first_transfer", "first_transfer_trigger: issuance"))
    with pytest.raises(config.ConfigError, match="all or none"):
        load(AGREEMENT.replace("host_ndc_target_year: 2030\n", ""))
    oimp = AGREEMENT.replace("authorised_use: NDC", "authorised_use: OIMP").replace(
        "first_transfer_trigger: first_transfer", "first_transfer_trigger: authorisation"
    )
    assert load(oimp).first_transfer_trigger == "authorisation"


def test_programme_file_rules(tmp_path):
    path = tmp_path / "aaa_coal.yaml"
    path.write_text(PROGRAMME)
    prog = config.load_programme(path)
    # Linear between the points, flat after the last, 0 before the first.
    assert prog.penetration_in(2029) == 0 and prog.penetration_in(2031) == pytest.approx(0.75)
    assert prog.penetration_in(2040) == 1.0
    path.write_text(PROGRAMME.replace("benchmark_t_per_mwh: 1.0\n", ""))
    with pytest.raises(config.ConfigError, match="benchmark_t_per_mwh"):
        config.load_programme(path)
    path.write_text(PROGRAMME.replace("{2030: 0.5, 2032: 1.0}", "{2030: 0.5, 2032: 0.2}"))
    with pytest.raises(config.ConfigError, match="penetration"):
        config.load_programme(path)
    path.write_text(textwrap.dedent(PROGRAMME).replace("programme_id: aaa_coal", "programme_id: other"))
    with pytest.raises(config.ConfigError, match="file name"):
        config.load_programme(path)
