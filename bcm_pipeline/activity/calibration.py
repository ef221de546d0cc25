"""Each country's own capacity factors: national generation (national_generation: OWID, from Ember, with
cited supplements for a country-year OWID's download lacks) ÷ the trackers' capacity online that year
(methodology.md §13). Pure pandas (no Dagster, no DuckDB).

CF(country, fuel) = national generation (TWh x 1e6 MWh) / sum over the country's units of the fuel of
MW x 8760 h x the share of the year the unit ran: a unit started in the year counts half of it (GEM
gives the year, not the month), a unit retired in the year half, a unit retired earlier or started later
nothing; mothballed units nothing. Captive units are counted: Ember's national totals include
autoproducers where the national statistics do (India's OWID coal, 1,199 TWh in 2018, is CEA's utility
gross generation plus captive plants). The year is the latest both sources cover, unless the country has
reported activity data of another year (India: the year CEA's fiscal year starts in), so that one
country's baseline describes one year.

Where units report their own generation (India's units matched to CEA stations), the rest of the fleet is
calibrated to the rest of the national total: CF = (national - reported, grossed up) / capacity online of
the units not reported. The rest is mostly captive plants, which the national total holds and CEA's grid
stations do not; they run harder than the grid fleet (aluminium smelters, refineries).

Within a fuel, the capacity factor may be spread by technology with relative weights (gas: the
scenario_parameters default capacity factors by technology, e.g. gas_combined_cycle 0.55 vs gas_open_cycle
0.117)
scaled so that the country total still matches: CF(tech) = k x w(tech). A CF outside the plausible range
is clamped and flagged; the generation it cannot take is spread over the other technologies, so the
total matches whenever any technology is left unclamped.

OWID's figures are gross generation; the CFs are gross too (plant_baselines applies the gross-to-net
share when it uses them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOURS_PER_YEAR = 8760
MIN_UNITS_STARTING = 10  # a tracker covers year Y if at least this many of its operating units started in Y


def tracker_year(units: pd.DataFrame) -> int:
    """The latest year a tracker covers: the last start year shared by at least MIN_UNITS_STARTING of its
    operating units (a handful of later start years are early entries or errors)."""
    op = units[units["status"].eq("operating") & units["start_year"].notna()]
    counts = op["start_year"].astype(int).value_counts()
    years = counts[counts >= MIN_UNITS_STARTING].index
    return int(years.max()) if len(years) else int(op["start_year"].max())


def online_share(units: pd.DataFrame, year: int | pd.Series) -> pd.Series:
    """Share of `year` each unit ran: 1, 0.5 in its start or retirement year, 0 before its start, after its
    retirement, when mothballed, or when retired without a retirement year."""
    year = pd.Series(year, index=units.index) if np.isscalar(year) else year
    start = units["start_year"].astype("Float64")
    retired_year = units["retired_year"].astype("Float64")
    status = units["status"]
    share = pd.Series(1.0, index=units.index)
    share = share.mask(start.eq(year).fillna(False), 0.5)
    share = share.mask(start.gt(year).fillna(False), 0.0)
    is_retired = status.eq("retired")
    share = share.mask(is_retired & retired_year.eq(year).fillna(False), share * 0.5)
    share = share.mask(is_retired & (retired_year.lt(year) | retired_year.isna()).fillna(True), 0.0)
    in_fleet = status.isin(["operating", "retired"])  # construction/pipeline: not built; mothballed: idle
    return share.where(in_fleet, 0.0).astype(float)


def calibrate(
    units: pd.DataFrame,
    national: pd.DataFrame,
    weights: dict[tuple[str, str], float],
    cf_min: float,
    cf_max: float,
    tracker_years: dict[str, int],
    fixed_years: dict[str, int] | None = None,
    reported_mwh: dict[tuple[str, str], float] | None = None,
) -> pd.DataFrame:
    """One row per country x fuel class x technology (the vocabulary) present among `units`.

    units: country_iso3, fuel_class (coal/gas/oil), technology (vocabulary), capacity_mw, status,
        start_year, retired_year, is_captive; every unit that gets a baseline or ran in the year.
    national: country_iso3, year, fuel_class, generation_mwh (OWID gross, countries only).
    weights: (fuel_class, technology) -> relative CF weight; missing -> (fuel_class, '*') -> 1.
    tracker_years: fuel_class -> latest year its tracker covers.
    fixed_years: country -> year to calibrate in (a country with reported data of that year).
    reported_mwh: (country, fuel) -> gross generation the reported units made in that year; those units
        (units["is_reported"]) are left out of the capacity.

    A country-fuel is calibrated in the latest year both sources cover, if OWID has that fuel within
    MAX_STALE_YEARS of the tracker's year (an older national figure describes another fleet).
    """
    fixed_years = fixed_years or {}
    nat = national.dropna(subset=["generation_mwh"])
    years = nat.groupby(["country_iso3", "fuel_class"])["year"].max().rename("year").reset_index()
    cap = years["fuel_class"].map(tracker_years).fillna(years["year"])
    years["year"] = np.minimum(years["year"], cap).astype(int)
    years = years[years["year"] >= cap - MAX_STALE_YEARS]
    fixed = pd.DataFrame(
        [(iso3, fuel, year) for iso3, year in fixed_years.items() for fuel in tracker_years],
        columns=["country_iso3", "fuel_class", "year"],
    )
    years = pd.concat([years[~years["country_iso3"].isin(list(fixed_years))], fixed], ignore_index=True)
    years = years.merge(nat, on=["country_iso3", "fuel_class", "year"])[
        ["country_iso3", "fuel_class", "year", "generation_mwh"]
    ]
    reported_mwh = reported_mwh or {}
    years["reported_generation_mwh"] = [
        reported_mwh.get((c, f), 0.0) for c, f in zip(years["country_iso3"], years["fuel_class"], strict=True)
    ]
    if "is_reported" in units:
        units = units[~units["is_reported"].astype(bool)]
    fleet = units.merge(years, on=["country_iso3", "fuel_class"])
    if fleet.empty:
        return pd.DataFrame(columns=COLUMNS)
    fleet["_mw"] = fleet["capacity_mw"] * online_share(fleet, fleet["year"])
    fleet["_captive_mw"] = fleet["_mw"].where(fleet["is_captive"].astype(bool), 0.0)
    fleet["_online"] = (fleet["_mw"] > 0).astype(int)
    keys = ["country_iso3", "fuel_class", "technology"]
    tech = (
        fleet.groupby(keys, sort=True)
        .agg(
            year=("year", "first"),
            national_generation_mwh=("generation_mwh", "first"),
            reported_generation_mwh=("reported_generation_mwh", "first"),
            capacity_online_mw=("_mw", "sum"),
            captive_capacity_online_mw=("_captive_mw", "sum"),
            units_online=("_online", "sum"),
        )
        .reset_index()
    )
    tech["shape_weight"] = [
        weights.get((f, t), weights.get((f, "*"), 1.0))
        for f, t in zip(tech["fuel_class"], tech["technology"], strict=True)
    ]
    group = tech.groupby(["country_iso3", "fuel_class"])
    tech["fleet_capacity_online_mw"] = group["capacity_online_mw"].transform("sum")
    weighted = (tech["capacity_online_mw"] * tech["shape_weight"]).groupby(
        [tech["country_iso3"], tech["fuel_class"]]
    ).transform("sum") * HOURS_PER_YEAR
    tech = tech[weighted > 0].copy()  # no unit of the fuel ran in the year: nothing to calibrate against
    weighted = weighted[weighted > 0]
    rest = (tech["national_generation_mwh"] - tech["reported_generation_mwh"]).clip(lower=0)
    tech["capacity_factor_unclamped"] = rest / weighted * tech["shape_weight"]
    tech["capacity_factor"], tech["is_clamped"] = _clamped_spread(tech, cf_min, cf_max)
    tech["fleet_generation_mwh"] = (tech["capacity_online_mw"] * tech["capacity_factor"]).groupby(
        [tech["country_iso3"], tech["fuel_class"]]
    ).transform("sum") * HOURS_PER_YEAR
    tech["generation_ratio"] = (tech["fleet_generation_mwh"] + tech["reported_generation_mwh"]) / tech[
        "national_generation_mwh"
    ].where(tech["national_generation_mwh"] > 0)
    return tech[COLUMNS].reset_index(drop=True)


MAX_STALE_YEARS = 3
COLUMNS = [
    "country_iso3", "fuel_class", "technology", "year", "national_generation_mwh", "reported_generation_mwh",
    "capacity_online_mw",
    "captive_capacity_online_mw", "fleet_capacity_online_mw", "shape_weight", "capacity_factor_unclamped",
    "capacity_factor", "is_clamped", "fleet_generation_mwh", "generation_ratio", "units_online",
]  # fmt: skip


def _clamped_spread(tech: pd.DataFrame, cf_min: float, cf_max: float) -> tuple[np.ndarray, np.ndarray]:
    """k x weight per technology, clamped to [cf_min, cf_max]; what a clamped technology cannot take (or
    must take in excess) is spread over the unclamped ones of its country and fuel, by their weights,
    until none moves."""
    cf = tech["capacity_factor_unclamped"].to_numpy(float).copy()
    fixed = np.zeros(len(tech), bool)
    group = pd.MultiIndex.from_frame(tech[["country_iso3", "fuel_class"]])
    mw = tech["capacity_online_mw"].to_numpy(float)
    w = tech["shape_weight"].to_numpy(float)
    national = (
        (tech["national_generation_mwh"] - tech["reported_generation_mwh"]).clip(lower=0).to_numpy(float)
    )
    for _ in range(int(tech.groupby(["country_iso3", "fuel_class"]).size().max()) + 1):
        out = ~fixed & ((cf < cf_min) | (cf > cf_max))
        if not out.any():
            break
        cf[out] = np.clip(cf[out], cf_min, cf_max)
        fixed |= out
        # The rest of the national total goes to the technologies still free, in proportion to weight.
        fixed_mwh = (
            pd.Series(np.where(fixed, mw * cf, 0.0), index=group).groupby(level=[0, 1]).transform("sum")
        )
        free_w = pd.Series(np.where(fixed, 0.0, mw * w), index=group).groupby(level=[0, 1]).transform("sum")
        with np.errstate(divide="ignore", invalid="ignore"):
            k = (national - fixed_mwh.to_numpy() * HOURS_PER_YEAR) / (free_w.to_numpy() * HOURS_PER_YEAR)
        cf = np.where(fixed, cf, np.where(free_w.to_numpy() > 0, k * w, cf))
    return np.clip(cf, cf_min, cf_max), fixed | (cf < cf_min) | (cf > cf_max)
