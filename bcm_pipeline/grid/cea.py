"""TOOL07 margins for India from the CEA CO2 Baseline Database station and unit rows (`cea_india_units`).

Where the data sit (CEA v15, sheet Data): generation and emissions of existing stations are on the station
total row (UNIT_NO 0); units carry their commissioning date and capacity, and recently built units also
carry their own generation and emissions (CEA needs them for its build margin). So:
- the OM and the average use station-total rows only (unit rows would double count);
- the BM uses unit rows: a unit's own generation where given, else its capacity share of what the station
  total leaves after the units that report their own (an estimate, flagged per unit).
Imports are left out (0 GWh): the margins reproduced are CEA's "excluding imports" series.
"""

from __future__ import annotations

import pandas as pd

from bcm_pipeline.grid import tool07

COUNTRY = "IND"
WEIGHTS = {"cm_0.5_0.5": (0.5, 0.5), "cm_0.75_0.25": (0.75, 0.25), "cm_0.25_0.75": (0.25, 0.75)}


def fiscal_year_end(fiscal_year: str) -> pd.Timestamp:
    """'2018-19' → 2019-03-31 (Indian fiscal years run April–March)."""
    return pd.Timestamp(int(fiscal_year[:4]) + 1, 3, 31)


def _lcmr(df: pd.DataFrame) -> pd.Series:
    return tool07.is_lcmr(df["fuel_1"], df["plant_type"])


def stations(units: pd.DataFrame, fiscal_year: str) -> pd.DataFrame:
    st = units[units["is_station_total"].astype(bool) & (units["fiscal_year"] == fiscal_year)]
    return pd.DataFrame(
        {
            "s_no": st["s_no"],
            "generation_mwh": st["net_generation_mwh"],
            "co2_t": st["co2_t"],
            "is_lcmr": _lcmr(st),
        }
    )


def bm_candidates(units: pd.DataFrame, fiscal_year: str, cdm_units: pd.DataFrame) -> pd.DataFrame:
    """Unit rows of one fiscal year with a generation and CO2 for each (own values, else estimated)."""
    year = units[units["fiscal_year"] == fiscal_year]
    st = year[year["is_station_total"].astype(bool)].set_index("s_no")
    un = year[~year["is_station_total"].astype(bool)].copy()
    # Capacity 0 on 31/03/2019: retired or derated units, not capacity additions.
    un = un[un["capacity_mw"].fillna(0) > 0]
    own = un["net_generation_mwh"].notna()
    reported = un[own].groupby("s_no")["net_generation_mwh"].sum()
    residual = (st["net_generation_mwh"] - reported.reindex(st.index).fillna(0)).clip(lower=0)
    cap_without = un[~own].groupby("s_no")["capacity_mw"].sum()
    share = un["capacity_mw"] / un["s_no"].map(cap_without)
    un["generation_mwh"] = un["net_generation_mwh"].where(own, un["s_no"].map(residual) * share)
    station_ef = st["co2_t"] / st["net_generation_mwh"]
    unit_ef = (un["co2_t"] / un["net_generation_mwh"]).where(un["co2_t"].notna(), un["ef_t_per_mwh"])
    ef = unit_ef.where(unit_ef.notna(), un["s_no"].map(station_ef)).fillna(0)
    un["co2_t"] = un["generation_mwh"] * ef
    un["generation_estimated"] = ~own
    cdm = pd.MultiIndex.from_arrays([cdm_units["s_no"].astype(int), cdm_units["unit_no"].astype(int)])
    un["is_cdm"] = pd.MultiIndex.from_arrays([un["s_no"].astype(int), un["unit_no"].astype(int)]).isin(cdm)
    return un


def _unit_keys(df: pd.DataFrame) -> pd.Series:
    """One string per unit row from s_no, unit_no and commissioning date, to match units across frames."""
    text = df[["s_no", "unit_no", "commissioned_date"]].astype(str)
    return text["s_no"] + "|" + text["unit_no"] + "|" + text["commissioned_date"]


def margins(units: pd.DataFrame, cdm_units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Computed margins per fiscal year (long rows) and the BM sample comparison (one row per unit).

    Returns (margins, bm_units). margins columns: country_iso3, period, margin, method, ef_t_per_mwh,
    lcmr_share, note. bm_units: period, s_no, unit_no, station_name, commissioned_date, capacity_mw,
    generation_mwh, in_computed_sample, in_cea_sample, is_cdm, generation_estimated."""
    years = sorted(units["fiscal_year"].unique())
    # Each year's rows and station totals once: the LCMR test needs every year before any margin.
    by_year = {fy: units[units["fiscal_year"] == fy] for fy in years}
    by_year_stations = {fy: stations(by_year[fy], fy) for fy in years}
    yearly = pd.DataFrame(
        [
            {
                "period": fy,
                "generation_mwh": st["generation_mwh"].fillna(0).sum(),
                "lcmr_generation_mwh": st.loc[st["is_lcmr"], "generation_mwh"].fillna(0).sum(),
            }
            for fy, st in by_year_stations.items()
        ]
    )
    test = tool07.lcmr_share_test(yearly)
    rows, samples = [], []
    for fy in years:
        year, st = by_year[fy], by_year_stations[fy]
        total = st["generation_mwh"].fillna(0).sum()
        lcmr = st.loc[st["is_lcmr"], "generation_mwh"].fillna(0).sum() / total
        om = tool07.simple_om(st)
        avg = tool07.average_om(st)
        year_units = year[~year["is_station_total"].astype(bool)]
        flagged = year_units[year_units["in_build_margin"].fillna(False).astype(bool)]
        bm_cea = tool07.weighted_ef(flagged["net_generation_mwh"], flagged["co2_t"])
        cand = bm_candidates(year, fy, cdm_units)
        bm = tool07.build_margin(cand, total, fiscal_year_end(fy))
        om_note = (
            f"simple OM allowed: LCMR (hydro, nuclear) share {lcmr:.1%} this year, "
            f"{test['mean_share']:.1%} mean of {test['periods'][0]}..{test['periods'][-1]}; "
            "non-LCMR chosen by fuel type from station-total rows; imports excluded"
        )
        if not test["simple_om_allowed"]:
            om_note = "simple OM NOT allowed (LCMR ≥ 50 %): " + om_note
        rows += [
            (fy, "OM", "simple_om", om, lcmr, om_note),
            (fy, "average", "average_om", avg, lcmr, "all station-total rows incl. hydro and nuclear"),
            (
                fy,
                "BM",
                "bm_publisher_sample",
                bm_cea,
                lcmr,
                f"CEA's own 'in Build Margin' flags ({len(flagged)} units)",
            ),
            (
                fy,
                "BM",
                "bm_tool07",
                bm.ef_t_per_mwh,
                lcmr,
                f"sample chosen from commissioning dates: {bm.steps}; {len(bm.sample)} units, "
                f"{bm.generation_mwh / total:.1%} of generation; CDM-registered units excluded "
                f"({int(cand['is_cdm'].sum())} on the list); "
                f"{int(bm.sample['generation_estimated'].sum())} unit(s) with generation estimated by capacity share",
            ),
        ]
        for method, (w_om, w_bm) in WEIGHTS.items():
            for bm_method, bm_value in (("bm_tool07", bm.ef_t_per_mwh), ("bm_publisher_sample", bm_cea)):
                rows.append(
                    (
                        fy,
                        "CM",
                        method if bm_method == "bm_tool07" else f"{method}_publisher_bm",
                        tool07.combined_margin(om, bm_value, w_om, w_bm),
                        lcmr,
                        f"{w_om} × simple OM + {w_bm} × {bm_method}",
                    )
                )
        cand_keys = _unit_keys(cand)
        in_sample = cand_keys.isin(_unit_keys(bm.sample))
        in_cea = cand_keys.isin(_unit_keys(flagged))
        either = in_sample | in_cea
        both = cand[either]
        samples.append(
            pd.DataFrame(
                {
                    "period": fy,
                    "s_no": both["s_no"],
                    "unit_no": both["unit_no"],
                    "station_name": both["station_name"],
                    "commissioned_date": both["commissioned_date"],
                    "capacity_mw": both["capacity_mw"],
                    "plant_type": both["plant_type"],
                    "generation_mwh": both["generation_mwh"],
                    "in_computed_sample": in_sample[either],
                    "in_cea_sample": in_cea[either],
                    "is_cdm": both["is_cdm"],
                    "generation_estimated": both["generation_estimated"],
                }
            )
        )
    out = pd.DataFrame(rows, columns=["period", "margin", "method", "ef_t_per_mwh", "lcmr_share", "note"])
    out.insert(0, "country_iso3", COUNTRY)
    return out, pd.concat(samples, ignore_index=True)
