"""CDM TOOL07 v7.0 ("Tool to calculate the emission factor for an electricity system") as plain functions.

Inputs are small pandas frames with unit-suffixed columns; every function returns numbers or frames and
never reads files. Steps follow the tool: simple OM with the low-cost/must-run (LCMR) test (step 3-4), the
build-margin sample (step 5, sub-steps a-f), the combined margin weights (step 6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# TOOL07 "low-cost/must-run resources": hydro, geothermal, wind, low-cost biomass, nuclear and solar.
LCMR_FUELS = frozenset(
    {"hydro", "nuclear", "wind", "solar", "geothermal", "biomass", "tidal", "wave", "bagasse", "ocean"}
)
LCMR_THRESHOLD = 0.5  # simple OM only if LCMR < 50 % of generation (average of the five most recent years)
BM_SHARE = 0.2  # SET_>=20 %: most recent units reaching 20 % of system generation
BM_MAX_AGE_YR = 10


def is_lcmr(fuel: pd.Series, plant_type: pd.Series | None = None) -> pd.Series:
    """True where the fuel (or plant type) is low-cost/must-run: chosen by fuel type, not a publisher flag."""
    out = fuel.astype("string").str.strip().str.lower().isin(LCMR_FUELS).fillna(False)
    if plant_type is not None:
        out = out | plant_type.astype("string").str.strip().str.lower().isin(LCMR_FUELS).fillna(False)
    return out.astype(bool)


def weighted_ef(generation_mwh: pd.Series, co2_t: pd.Series) -> float:
    """Σ CO2 / Σ generation (tCO2/MWh); NaN when there is no generation."""
    gen = generation_mwh.fillna(0).sum()
    return float(co2_t.fillna(0).sum() / gen) if gen > 0 else float("nan")


def simple_om(units: pd.DataFrame, imports_mwh: float = 0.0) -> float:
    """Simple OM: generation-weighted EF of the non-LCMR units (columns generation_mwh, co2_t, is_lcmr).

    Imports from other countries count at 0 tCO2/MWh (TOOL07 step 1 option), so they only add to the
    denominator; pass 0 to reproduce margins published "excluding imports"."""
    fossil = units[~units["is_lcmr"]]
    gen = fossil["generation_mwh"].fillna(0).sum() + imports_mwh
    return float(fossil["co2_t"].fillna(0).sum() / gen) if gen > 0 else float("nan")


def average_om(units: pd.DataFrame, imports_mwh: float = 0.0) -> float:
    """Average OM: every unit, LCMR included, imports at 0 tCO2/MWh."""
    gen = units["generation_mwh"].fillna(0).sum() + imports_mwh
    return float(units["co2_t"].fillna(0).sum() / gen) if gen > 0 else float("nan")


def simple_adjusted_om(ef_non_lcmr: float, ef_lcmr: float, lcmr_marginal_hours: float) -> float:
    """(1 − λ)·EF_nonLCMR + λ·EF_LCMR, λ = hours per year with LCMR on the margin / 8,760."""
    lam = lcmr_marginal_hours / 8760.0
    return (1 - lam) * ef_non_lcmr + lam * ef_lcmr


def lcmr_share_test(yearly: pd.DataFrame, years: int = 5) -> dict:
    """The < 50 % LCMR test. yearly: columns period, generation_mwh, lcmr_generation_mwh (one row a year).

    Returns the share per year, the mean of the annual shares over the `years` most recent periods, and
    whether the simple OM is allowed."""
    recent = yearly.sort_values("period").tail(years)
    shares = recent["lcmr_generation_mwh"] / recent["generation_mwh"]
    mean = float(shares.mean())
    return {
        "periods": list(recent["period"]),
        "shares": [float(s) for s in shares],
        "mean_share": mean,
        "simple_om_allowed": mean < LCMR_THRESHOLD,
    }


@dataclass
class BuildMargin:
    ef_t_per_mwh: float
    sample: pd.DataFrame  # the chosen units, with column bm_step
    chosen_set: str  # 'set_5' or 'set_20pct'
    steps: str  # which TOOL07 sub-steps applied, for the note
    generation_mwh: float
    set_5_generation_mwh: float
    set_20_generation_mwh: float


def _take_by_date(
    ordered: pd.DataFrame, target: float, column: str | None = None, already: float = 0.0
) -> pd.DataFrame:
    """Whole commissioning-date groups of `ordered` (most recent first) until what is taken reaches target.

    What is taken counts units (column None) or sums `column`, plus `already` (what an earlier step chose).
    Before each next group the rule is checked on what has been taken so far, so units commissioned on the
    same day come in together: they started to supply the grid together, and a tie at the boundary brings
    in every unit of that day (TOOL07 includes a unit fully when the threshold falls inside it)."""
    if ordered.empty or already >= target:  # nothing to take, or the rule holds before anything is taken
        return ordered.iloc[:0]
    # One running total finds the cut in one pass: the first day whose last unit brings the total to
    # target (a prefix of whole days, and no shorter one reaches it); if none does, take everything.
    amount = np.ones(len(ordered)) if column is None else ordered[column].to_numpy(dtype=float)
    taken = already + np.cumsum(amount)
    dates = ordered["commissioned_date"].to_numpy()
    last_of_day = np.append(dates[1:] != dates[:-1], True)
    reached = np.flatnonzero(last_of_day & (taken >= target))
    return ordered.iloc[: reached[0] + 1 if len(reached) else len(ordered)]


def build_margin(
    units: pd.DataFrame,
    total_generation_mwh: float,
    as_of: pd.Timestamp,
    share: float = BM_SHARE,
    max_age_yr: int = BM_MAX_AGE_YR,
) -> BuildMargin:
    """TOOL07 step 5. units: commissioned_date, generation_mwh, co2_t, is_cdm (bool), optional is_retrofit.

    (a) SET_5: the five non-CDM units commissioned most recently; (b) SET_>=20 %: the most recent non-CDM
    units whose generation reaches `share` of total_generation_mwh; (c) keep the set generating more (ties:
    SET_>=20 %); if no unit in it is older than max_age_yr at as_of, done. Otherwise (d) drop the old units,
    add CDM units, most recent first, until `share` is reached; (e) if still short, add the older units."""
    df = units.copy()
    df["commissioned_date"] = pd.to_datetime(df["commissioned_date"])
    df = df[df["commissioned_date"].notna() & (df["commissioned_date"] <= as_of)]
    if "is_retrofit" in df.columns:
        df = df[~df["is_retrofit"].fillna(False).astype(bool)]
    df["generation_mwh"] = df["generation_mwh"].fillna(0.0)
    # Most recent first, once: every set below is taken from a subset of this order, which stays sorted.
    # A stable sort keeps the source order within a day.
    df = df.sort_values("commissioned_date", ascending=False, kind="stable")
    target = share * total_generation_mwh
    gen = lambda t: float(t["generation_mwh"].sum())  # noqa: E731

    non_cdm = df[~df["is_cdm"].astype(bool)]
    set_5 = _take_by_date(non_cdm, 5)
    set_20 = _take_by_date(non_cdm, target, "generation_mwh")
    chosen, sample = ("set_5", set_5) if gen(set_5) > gen(set_20) else ("set_20pct", set_20)
    sample = sample.assign(bm_step=chosen)
    cutoff = as_of - pd.DateOffset(years=max_age_yr)
    old = sample["commissioned_date"] < cutoff
    steps = f"{chosen} (a-c)"
    if old.any():
        sample = sample[~old]
        cdm = df[df["is_cdm"].astype(bool)]
        added = _take_by_date(cdm, target, "generation_mwh", already=gen(sample))
        sample = pd.concat([sample, added.assign(bm_step="cdm_added")])
        steps = f"{chosen} minus units older than {max_age_yr} yr, plus CDM units (d)"
        if gen(sample) < target:
            rest = df.drop(index=sample.index)
            rest = rest[rest["commissioned_date"] < cutoff]
            more = _take_by_date(rest, target, "generation_mwh", already=gen(sample))
            sample = pd.concat([sample, more.assign(bm_step="older_added")])
            steps += f", plus units older than {max_age_yr} yr (e-f)"
    return BuildMargin(
        ef_t_per_mwh=weighted_ef(sample["generation_mwh"], sample["co2_t"]),
        sample=sample,
        chosen_set=chosen,
        steps=steps,
        generation_mwh=gen(sample),
        set_5_generation_mwh=gen(set_5),
        set_20_generation_mwh=gen(set_20),
    )


def cm_weights(project_type: str, crediting_period: int = 1) -> tuple[float, float]:
    """(w_OM, w_BM): wind and solar 0.75/0.25 in every period; others 0.5/0.5 first, 0.25/0.75 later."""
    if project_type.lower() in {"wind", "solar", "solar_pv"}:
        return 0.75, 0.25
    return (0.5, 0.5) if crediting_period == 1 else (0.25, 0.75)


def combined_margin(om: float, bm: float, w_om: float, w_bm: float) -> float:
    return w_om * om + w_bm * bm
