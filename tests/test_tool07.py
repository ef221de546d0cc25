"""TOOL07 on small hand-made grids; every expected value is worked out by hand in the comments.

The last test checks the one-pass BM sample cut against the rule spelled out day by day, on random grids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bcm_pipeline.grid import tool07

pytestmark = pytest.mark.unit

AS_OF = pd.Timestamp("2020-12-31")  # cutoff for the 10-year rule: 2010-12-31


def grid(rows):
    return pd.DataFrame(rows, columns=["unit_id", "commissioned_date", "generation_mwh", "co2_t", "is_cdm"])


def test_simple_om_and_average_om_by_fuel_type():
    units = pd.DataFrame(
        {
            "fuel": ["COAL", "GAS", "HYDRO", "Wind", "NUCLEAR"],
            "generation_mwh": [600.0, 200.0, 150.0, 50.0, 0.0],
            "co2_t": [600.0, 80.0, 0.0, 0.0, 0.0],
        }
    )
    units["is_lcmr"] = tool07.is_lcmr(units["fuel"])
    assert units["is_lcmr"].tolist() == [False, False, True, True, True]
    assert tool07.simple_om(units) == pytest.approx(680 / 800)  # 0.85
    assert tool07.average_om(units) == pytest.approx(680 / 1000)  # 0.68
    # 200 MWh imported at 0 t: 680 / (800 + 200)
    assert tool07.simple_om(units, imports_mwh=200) == pytest.approx(0.68)


def test_lcmr_test_fails_above_half_and_simple_adjusted_om():
    yearly = pd.DataFrame(
        {
            "period": [2014, 2015, 2016, 2017, 2018, 2019],
            "generation_mwh": [100.0] * 6,
            # 2014 is the sixth most recent year and must be ignored
            "lcmr_generation_mwh": [10.0, 55.0, 52.0, 48.0, 60.0, 51.0],
        }
    )
    result = tool07.lcmr_share_test(yearly)
    assert result["periods"] == [2015, 2016, 2017, 2018, 2019]
    assert result["mean_share"] == pytest.approx((0.55 + 0.52 + 0.48 + 0.60 + 0.51) / 5)  # 0.532
    assert result["simple_om_allowed"] is False
    # λ = 876 h / 8760 h = 0.1: 0.9 × 0.85 + 0.1 × 0
    assert tool07.simple_adjusted_om(0.85, 0.0, 876) == pytest.approx(0.765)
    passing = yearly.assign(lcmr_generation_mwh=[90.0, 40.0, 45.0, 49.0, 50.0, 30.0])
    assert tool07.lcmr_share_test(passing)["simple_om_allowed"] is True  # mean 0.428


BM_UNITS = [
    ("A", "2020-06-01", 50.0, 40.0, False),
    ("B", "2020-03-01", 30.0, 30.0, False),
    ("C", "2019-01-01", 40.0, 0.0, False),  # hydro
    ("D", "2018-05-01", 20.0, 20.0, False),  # D and E: same commissioning day
    ("E", "2018-05-01", 30.0, 15.0, False),
    ("F", "2017-01-01", 100.0, 100.0, False),
    ("G", "2010-01-01", 500.0, 500.0, False),
    ("X", "2020-09-01", 80.0, 0.0, True),  # CDM-registered: never in SET_5 / SET_20
]


def test_bm_20_percent_set_wins():
    # total 1000 → 20 % = 200. SET_5 = A B C + (D, E tied) = 170 MWh. SET_20: 50+30+40+50 = 170 < 200, + F = 270.
    bm = tool07.build_margin(grid(BM_UNITS), 1000.0, AS_OF)
    assert bm.chosen_set == "set_20pct"
    assert set(bm.sample["unit_id"]) == {"A", "B", "C", "D", "E", "F"}
    assert bm.set_5_generation_mwh == pytest.approx(170)
    assert bm.set_20_generation_mwh == pytest.approx(270)
    # (40+30+0+20+15+100) / 270
    assert bm.ef_t_per_mwh == pytest.approx(205 / 270)


def test_bm_ties_in_commissioning_date_come_in_together():
    # total 725 → 20 % = 145. A+B+C = 120; the D/E day adds 50 → 170 ≥ 145: both D and E, never D alone.
    units = grid(BM_UNITS)
    bm = tool07.build_margin(units, 725.0, AS_OF)
    assert set(bm.sample["unit_id"]) == {"A", "B", "C", "D", "E"}
    assert bm.ef_t_per_mwh == pytest.approx(105 / 170)
    reordered = tool07.build_margin(units.iloc[::-1], 725.0, AS_OF)
    assert set(reordered.sample["unit_id"]) == {"A", "B", "C", "D", "E"}


def test_bm_set_5_wins_when_it_generates_more():
    units = grid([(f"U{i}", f"2020-0{i}-01", 60.0, 30.0 * i, False) for i in range(1, 7)])
    # 20 % of 1000 = 200: U6, U5, U4, U3 = 240 MWh. SET_5 = U6..U2 = 300 MWh → SET_5.
    bm = tool07.build_margin(units, 1000.0, AS_OF)
    assert bm.chosen_set == "set_5"
    assert set(bm.sample["unit_id"]) == {"U2", "U3", "U4", "U5", "U6"}
    assert bm.ef_t_per_mwh == pytest.approx(30 * (2 + 3 + 4 + 5 + 6) / 300)  # 0.6


def test_bm_ten_year_rule_adds_cdm_then_older_units():
    units = grid(
        [
            ("A", "2020-01-01", 100.0, 100.0, False),
            ("B", "2005-01-01", 150.0, 150.0, False),
            ("D", "2000-01-01", 200.0, 260.0, False),
            ("C", "2015-01-01", 50.0, 0.0, True),
        ]
    )
    # SET_5 = A B D (450) beats SET_20 = A B (250). B and D predate 2010-12-31: drop → A (100).
    # (d) add CDM unit C → 150 < 200; (e) add older units, most recent first: B → 300 ≥ 200.
    bm = tool07.build_margin(units, 1000.0, AS_OF)
    assert bm.chosen_set == "set_5"
    assert dict(zip(bm.sample["unit_id"], bm.sample["bm_step"], strict=True)) == {
        "A": "set_5",
        "C": "cdm_added",
        "B": "older_added",
    }
    assert bm.ef_t_per_mwh == pytest.approx(250 / 300)
    # With a bigger CDM unit, step (d) alone reaches 20 %: A + C = 220.
    bigger = units.assign(generation_mwh=[100.0, 150.0, 200.0, 120.0])
    bm = tool07.build_margin(bigger, 1000.0, AS_OF)
    assert set(bm.sample["unit_id"]) == {"A", "C"}
    assert bm.ef_t_per_mwh == pytest.approx(100 / 220)


def test_bm_ignores_units_after_the_data_year_and_retrofits():
    units = grid(BM_UNITS).assign(is_retrofit=[False, True, False, False, False, False, False, False])
    # B is a retrofit; cut at 2019-12-31 also drops A and X. 20 % of 1000: C D E F = 190, + G = 690.
    bm = tool07.build_margin(units, 1000.0, pd.Timestamp("2019-12-31"))
    assert "A" not in set(bm.sample["unit_id"]) and "B" not in set(bm.sample["unit_id"])
    # SET_5 = C (D, E) F G = 690 = SET_20 → SET_20 on a tie; G (2010-01-01) is within 10 years of
    # 2019-12-31 (cutoff 2009-12-31), so the sample stands.
    assert set(bm.sample["unit_id"]) == {"C", "D", "E", "F", "G"}
    assert bm.ef_t_per_mwh == pytest.approx((0 + 20 + 15 + 100 + 500) / 690)


def test_cm_weights_and_combined_margin():
    assert tool07.cm_weights("solar_pv") == (0.75, 0.25)
    assert tool07.cm_weights("wind", crediting_period=3) == (0.75, 0.25)
    assert tool07.cm_weights("efficiency") == (0.5, 0.5)
    assert tool07.cm_weights("hydro", crediting_period=2) == (0.25, 0.75)
    om, bm = 0.85, 205 / 270
    assert tool07.combined_margin(om, bm, *tool07.cm_weights("wind")) == pytest.approx(
        0.75 * 0.85 + 0.25 * 0.7592593, rel=1e-6
    )  # 0.827315


def _take_whole_days(ordered, enough):
    """The sample rule spelled out: before each next commissioning day, stop if enough(taken so far)."""
    taken = ordered.iloc[:0]
    for _, day in ordered.groupby("commissioned_date", sort=False):
        if enough(taken):
            break
        taken = pd.concat([taken, day])
    return taken


@pytest.mark.parametrize("seed", range(10))
def test_bm_one_pass_cut_is_the_day_by_day_rule(seed):
    # Random grids with many same-day ties and zero-generation units; whole-MWh values so that every sum is
    # exact whatever the order of addition. Targets include a day's running total exactly (tie at the cut).
    rng = np.random.default_rng(seed)
    days = pd.to_datetime("2004-01-01") + pd.to_timedelta(rng.choice(6000, 12, replace=False), unit="D")
    units = grid([(f"U{i}", days[rng.integers(12)], 5.0 * rng.integers(0, 8), 1.0, False) for i in range(40)])
    ordered = units.sort_values("commissioned_date", ascending=False, kind="stable")
    day_totals = ordered.groupby("commissioned_date", sort=False)["generation_mwh"].sum().cumsum()
    gen = lambda t: t["generation_mwh"].sum()  # noqa: E731
    for count in (0, 1, 5, 39, 40, 41):
        expected = _take_whole_days(ordered, lambda t, count=count: len(t) >= count)
        pd.testing.assert_frame_equal(tool07._take_by_date(ordered, count), expected)
    for target in [0.0, 1.0, *day_totals.iloc[[0, 3, 7]], day_totals.iloc[-1] + 1]:
        for already in (0.0, 25.0):
            expected = _take_whole_days(ordered, lambda t, a=already, x=target: a + gen(t) >= x)
            taken = tool07._take_by_date(ordered, target, "generation_mwh", already=already)
            pd.testing.assert_frame_equal(taken, expected)
