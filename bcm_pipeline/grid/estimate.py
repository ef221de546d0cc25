"""Estimated OM/BM/CM for grids without unit generation data: GEM fossil units + OWID average intensity.

Simplifications (all written into the note of each row, and every row is flagged 'estimate'):
- each operating GEM coal, gas and oil unit gets EF = IPCC lower-bound CO2 EF × 3.6/η, η the TOOL07
  appendix default efficiency for its technology and vintage (≤2000 / >2000), as TOOL07 option A3 says;
- all fossil units run at one capacity factor, so it cancels: the OM is the capacity-weighted EF;
- the system's total generation is fossil CO2 / OWID average intensity (same year), so the LCMR share
  is 1 − OWID / OM and does not depend on GEM's size threshold;
- the BM sample is TOOL07's, drawn from fossil units by start year (mid-year date): renewable additions are
  not in GEM, so the BM leans high (not conservative). Units on the CDM lists (registered_unit_matches,
  registry CDM) are TOOL07's CDM units: left out of the sample unless it is short (step d).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bcm_pipeline.grid import tool07

MID_YEAR = "-07-01"
# GEM's code -> the technology whose TOOL07 default a unit gets (technology_catalogue speaks the vocabulary of
# technologies.csv). TOOL07 has no engine, solar, Allam or unknown rows: engines are read as open cycle, the
# other combined cycles and unknown as combined cycle (the fuel class gives the prefix: gas_ or oil_).
GAS_TECH = {
    "CC": "combined_cycle",
    "ICCC": "combined_cycle",
    "ISCC": "combined_cycle",
    "AFC": "combined_cycle",
    "GT": "open_cycle",
    "IC": "open_cycle",
    "ST": "steam",
}
COAL_TECH = {
    "subcritical": "coal_subcritical",
    "supercritical": "coal_supercritical",
    "ultra-supercritical": "coal_usc",
    "cfb": "coal_cfb",
    "igcc": "coal_igcc",
    "unknown": "coal_subcritical",
}


def _vintage(start_year) -> str:
    return "<=2000" if pd.notna(start_year) and int(start_year) <= 2000 else ">2000"


def unit_efficiency(fuel_class: str, gem_technology: str, start_year, catalogue: pd.DataFrame) -> float:
    """TOOL07 appendix default net efficiency (LHV) for one unit, from GEM's technology code; unknown
    technologies fall back as noted."""
    tool = catalogue[catalogue["parameter_set"] == "tool07_default"]
    return _efficiency(fuel_class, gem_technology, _vintage(start_year), tool)


def _efficiency(fuel_class: str, gem_technology: str, vintage: str, tool: pd.DataFrame) -> float:
    """unit_efficiency for a vintage ('<=2000' / '>2000'), tool: the catalogue's tool07_default rows."""
    if fuel_class == "coal":
        tech = COAL_TECH.get(gem_technology)
    else:  # unknown gas/oil technology: combined cycle (highest η, lowest EF)
        tech = f"{fuel_class}_{GAS_TECH.get(gem_technology, 'combined_cycle')}"
    rows = tool[(tool["fuel_class"] == fuel_class) & (tool["technology"] == tech)]
    exact = rows[rows["vintage"] == vintage]
    rows = exact if len(exact) else rows  # e.g. supercritical has only a >2000 default
    if not len(rows):
        rows = tool[(tool["fuel_class"] == fuel_class) & (tool["technology"] == "coal_subcritical")]
    return float(rows["net_efficiency_lhv"].max())


# The columns fleet() reads: marts loads only these (the GEM tables have ~30 columns each).
FLEET_COLUMNS = {
    "coal_units": [
        "gem_unit_id",
        "country_iso3",
        "status",
        "gem_technology",
        "start_year",
        "capacity_mw",
        "coal_type",
    ],
    "gas_oil_units": [
        "gem_unit_id",
        "country_iso3",
        "status",
        "fuel_class",
        "fuel",
        "gem_technology",
        "start_year",
        "capacity_mw",
    ],
}


def fleet(
    coal_units: pd.DataFrame, gas_oil_units: pd.DataFrame, catalogue: pd.DataFrame, fuels: pd.DataFrame
):
    """Operating fossil units with ef_t_per_mwh (TOOL07 option A3 with IPCC lower-bound fuel EFs)."""
    primary = fuels[fuels["is_primary"].astype(bool)].drop_duplicates("fuel")
    lower = primary.set_index("fuel")["co2_ef_t_per_tj_lower"]
    coal_rows = fuels[(fuels["fuel_class"] == "coal") & fuels["gem_coal_type"].notna()]
    by_coal_type = coal_rows.drop_duplicates("gem_coal_type").set_index("gem_coal_type")[
        "co2_ef_t_per_tj_lower"
    ]
    coal = coal_units[coal_units["status"] == "operating"]
    coal = pd.DataFrame(
        {
            "unit_id": coal["gem_unit_id"],
            "country_iso3": coal["country_iso3"],
            "fuel_class": "coal",
            "gem_technology": coal["gem_technology"],
            "start_year": coal["start_year"],
            "capacity_mw": coal["capacity_mw"],
            "co2_ef_t_per_tj": coal["coal_type"].map(by_coal_type).fillna(lower["other_bituminous_coal"]),
        }
    )
    go = gas_oil_units[
        (gas_oil_units["status"] == "operating") & gas_oil_units["fuel_class"].isin(["gas", "oil", "gas/oil"])
    ]
    fuel_class = go["fuel_class"].replace({"gas/oil": "gas"})  # dual-fuel units: gas, the lower EF
    oil_fuel = (
        go["fuel"]
        .astype(str)
        .str.upper()
        .str.startswith("D")
        .map({True: "gas_diesel_oil", False: "residual_fuel_oil"})
    )
    go = pd.DataFrame(
        {
            "unit_id": go["gem_unit_id"],
            "country_iso3": go["country_iso3"],
            "fuel_class": fuel_class,
            "gem_technology": go["gem_technology"],
            "start_year": go["start_year"],
            "capacity_mw": go["capacity_mw"],
            "co2_ef_t_per_tj": oil_fuel.where(fuel_class.eq("oil"), "natural_gas").map(lower),
        }
    )
    units = pd.concat([coal, go], ignore_index=True)
    units = units[units["capacity_mw"].fillna(0) > 0]
    # η depends only on (fuel class, GEM technology, vintage): look it up once per distinct key, not once per
    # unit (15 k units, a few dozen keys). Vintage as _vintage(): int(start_year) <= 2000, i.e. < 2001 also
    # for a fractional year; missing: > 2000.
    older = units["start_year"].lt(2001).to_numpy(dtype=bool, na_value=False)
    keys = pd.DataFrame(
        {
            "fuel_class": units["fuel_class"],
            "gem_technology": units["gem_technology"],
            "vintage": np.where(older, "<=2000", ">2000"),
        }
    )
    by_key = keys.groupby(list(keys.columns), dropna=False, sort=False)  # groups in order of first unit
    tool = catalogue[catalogue["parameter_set"] == "tool07_default"]
    eta = [_efficiency(f, t, v, tool) for f, t, v in by_key.head(1).itertuples(index=False)]
    units["net_efficiency_lhv"] = np.array(eta, dtype=float)[by_key.ngroup().to_numpy()]
    units["ef_t_per_mwh"] = units["co2_ef_t_per_tj"].astype(float) * 0.0036 / units["net_efficiency_lhv"]
    return units


def margins(
    units: pd.DataFrame,
    owid_ef_t_per_mwh: float,
    year: int,
    country_iso3: str,
    cdm_unit_ids: frozenset[str] | set[str] = frozenset(),
) -> list[dict]:
    """Estimated OM, BM and CMs for one country from its fossil fleet and OWID's average intensity.
    cdm_unit_ids: GEM unit ids registered under the CDM (the TOOL07 BM exclusion list)."""
    df = units[units["start_year"].isna() | (units["start_year"] <= year)].copy()
    if not len(df):
        return []
    df["generation_mwh"] = df["capacity_mw"]  # one capacity factor for all: it cancels (×CF×8760)
    df["co2_t"] = df["generation_mwh"] * df["ef_t_per_mwh"]
    om = tool07.weighted_ef(df["generation_mwh"], df["co2_t"])
    total = df["co2_t"].sum() / owid_ef_t_per_mwh if owid_ef_t_per_mwh > 0 else df["generation_mwh"].sum()
    total = max(total, df["generation_mwh"].sum())
    lcmr = 1 - df["generation_mwh"].sum() / total
    df["commissioned_date"] = pd.to_datetime(
        df["start_year"].astype("Int64").astype(str) + MID_YEAR, errors="coerce"
    )
    df["is_cdm"] = df["unit_id"].isin(cdm_unit_ids)
    bm = tool07.build_margin(df, total, pd.Timestamp(year, 12, 31))
    base = (
        f"estimate from {len(df)} operating GEM fossil units (TOOL07 A3 default η, IPCC lower-bound EF, "
        f"one CF for all) and OWID {year} average {owid_ef_t_per_mwh:.3f}; LCMR share {lcmr:.1%}"
    )
    om_note = base if lcmr < tool07.LCMR_THRESHOLD else "simple OM NOT allowed (LCMR ≥ 50 %); " + base
    n_cdm = int(df["is_cdm"].sum())
    bm_note = (
        f"fossil units only ({bm.steps}; {len(bm.sample)} units): renewable additions missing, "
        f"leans high; CDM exclusion: {n_cdm} unit(s) of the fleet on the CDM lists (registered_unit_matches)"
    )
    rows = [
        ("OM", "simple_om", om, om_note),
        ("BM", "bm_tool07", bm.ef_t_per_mwh, bm_note),
    ]
    for method, (w_om, w_bm) in {
        "cm_0.5_0.5": (0.5, 0.5),
        "cm_0.75_0.25": (0.75, 0.25),
        "cm_0.25_0.75": (0.25, 0.75),
    }.items():
        rows.append(
            (
                "CM",
                method,
                tool07.combined_margin(om, bm.ef_t_per_mwh, w_om, w_bm),
                f"{w_om} × OM + {w_bm} × BM; {base}",
            )
        )
    return [
        {
            "country_iso3": country_iso3,
            "period": str(year),
            "margin": margin,
            "method": method,
            "ef_t_per_mwh": value,
            "lcmr_share": lcmr,
            "simple_om_allowed": lcmr < tool07.LCMR_THRESHOLD,
            "note": note,
        }
        for margin, method, value, note in rows
    ]
