"""The methodology chain in plain pandas, as an analyst's notebook would write it: merges, sort + drop
duplicates for "the most specific row wins", numpy for the CASE expressions.

It follows sql/marts/plant_baselines.sql → technology_swaps.sql → chosen_options.sql → credits.sql →
host_country_programmes.sql
for the numeric columns (the text provenance columns are left out), and is only used to time the same
computation and to cross-check the SQL's totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYS = ["unit_source", "unit_id"]
# The efficiency class a technology is assigned by, where not its own (plant_baselines.sql efficiency_technology).
# Options computed by their own marts, unioned into technology_swaps as they are (technology_swaps.sql's end).
UNIONED = ("grid_displacement_swaps", "steel_swaps", "end_use_swaps")
CLASS_TECHNOLOGY = {"gas_solar_combined_cycle": "gas_combined_cycle", "gas_allam_cycle": "gas_combined_cycle"}


def _param(sp: pd.DataFrame, name: str, column: str = "value"):
    rows = sp[sp["parameter"] == name]
    return rows[column].dropna().max() if len(rows) else None


def _first(df: pd.DataFrame, keys: list[str], by: list[str], ascending: list[bool]) -> pd.DataFrame:
    """The first row per key after sorting (SQL: QUALIFY row_number() OVER (...) = 1)."""
    return df.sort_values(by, ascending=ascending, kind="stable").drop_duplicates(keys)


def plant_baselines(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sp, cat, fd = t["scenario_parameters"], t["technology_catalogue"], t["fuel_defaults"]
    aux_share = sp.loc[(sp.parameter == "aux_consumption_share") & (sp.fuel_class == "*"), "value"].max()
    gwp_set = _param(sp, "gwp_set", "value_text")
    g = t["gwp"][t["gwp"]["assessment"] == gwp_set]
    gwp_ch4 = g.loc[g.gas == "CH4", "gwp_100"].max()
    gwp_n2o = g.loc[g.gas == "N2O", "gwp_100"].max()
    included = set(sp.loc[sp.parameter == "included_status", "key"])
    # GEM's own code -> the technology vocabulary, by tracker and fuel class (technologies).
    codes = t["technologies"].dropna(subset=["source_code"])
    vocab = {(r.source_id, r.source_fuel_class, r.source_code): r.technology for r in codes.itertuples()}

    coal = t["coal_units"]
    coal = pd.DataFrame(
        {
            "unit_id": coal.gem_unit_id,
            "unit_source": "coal_units",
            "country_iso3": coal.country_iso3,
            "fuel_class": "coal",
            "fuel_key": coal.coal_type,
            "technology": [vocab.get(("gem_coal_plant_tracker", "coal", c)) for c in coal.gem_technology],
            "gem_technology": coal.gem_technology,
            "status": coal.status,
            "start_year": coal.start_year,
            "capacity_mw": coal.capacity_mw,
            "gem_heat_rate_btu_per_kwh": coal.gem_heat_rate_btu_per_kwh,
        }
    )
    gas = t["gas_oil_units"]
    gas = gas[gas.fuel_class.isin(["gas", "gas/oil", "oil"])]
    gas = pd.DataFrame(
        {
            "unit_id": gas.gem_unit_id,
            "unit_source": "gas_oil_units",
            "country_iso3": gas.country_iso3,
            "fuel_class": np.where(gas.fuel_class == "oil", "oil", "gas"),
            "fuel_key": gas.fuel.str.split("/").str[0],
            "technology": [
                vocab.get(("gem_oil_gas_plant_tracker", f, c))
                for f, c in zip(gas.fuel_class, gas.gem_technology, strict=True)
            ],
            "gem_technology": gas.gem_technology,
            "status": gas.status,
            "start_year": gas.start_year,
            "capacity_mw": gas.capacity_mw,
        }
    )
    units = pd.concat([coal, gas], ignore_index=True)
    units = units[units.status.isin(included) & units.capacity_mw.notna()]
    dup = t["tracker_duplicate_units"]
    dropped = set(zip(dup.dropped_unit_source, dup.dropped_gem_unit_id, strict=True))
    units = units[[(a, b) not in dropped for a, b in zip(units.unit_source, units.unit_id, strict=True)]]
    pc = t["project_cases"]
    if "kind" in pc.columns:  # grid-displacement cases have no unit: grid_displacement_swaps takes them
        pc = pc[pc["kind"] == "plant_swap"]
    cases = pd.DataFrame(
        {
            "unit_id": pc.case_id,
            "unit_source": "case",
            "country_iso3": pc.country_iso3,
            "fuel_class": pc.fuel_class,
            "fuel_key": pc.coal_type.fillna("*"),
            "technology": pc.from_technology,
            "status": "case",
            "start_year": pc.start_year,
            "capacity_mw": pc.capacity_mw,
            "case_capacity_factor": pc.capacity_factor,
            "case_aux_share": pc.aux_consumption_share,
            "case_efficiency": pc.from_efficiency_lhv,
            "case_ef_t_per_tj": pc.co2_ef_t_per_tj,
        }
    )
    u = pd.concat([units, cases], ignore_index=True)
    u["vintage"] = np.where(u.start_year.astype("float64") <= 2000, "<=2000", ">2000")

    assumed = sp[sp.parameter == "unknown_technology_assumed"].drop_duplicates("fuel_class")
    assumed = dict(zip(assumed.fuel_class, assumed.value_text, strict=True))
    classes = t["unit_efficiency_classes"]
    known = set(classes.technology) | set(CLASS_TECHNOLOGY)
    is_known = pd.Series([tch in known for tch in u.technology])
    u["technology_is_assumed"] = ~is_known.to_numpy()
    u["lookup_technology"] = np.where(
        is_known, u.technology, u.fuel_class.map(assumed).fillna(u.technology).astype(object)
    )

    # Efficiency class by technology, size band and start-year band (no start year: the newest class).
    u["_class_tech"] = [CLASS_TECHNOLOGY.get(x, x) for x in u.lookup_technology]
    m = u[[*KEYS, "_class_tech", "capacity_mw", "start_year"]].merge(
        classes, left_on="_class_tech", right_on="technology"
    )
    year = m.start_year.astype("float64").fillna(9999)
    m = m[
        (m.capacity_mw >= m.size_min_mw)
        & (m.size_max_mw.isna() | (m.capacity_mw < m.size_max_mw))
        & (year >= m.start_year_min.astype("float64").fillna(0))
        & (year <= m.start_year_max.astype("float64").fillna(9999))
    ]
    ce = m[[*KEYS, "net_efficiency_lhv", "net_efficiency_lhv_low", "net_efficiency_lhv_high"]]

    c7 = cat[cat.parameter_set == "tool07_default"]
    m7 = u[[*KEYS, "fuel_class", "lookup_technology", "vintage"]].merge(
        c7, left_on=["fuel_class", "lookup_technology"], right_on=["fuel_class", "technology"]
    )
    m7 = m7[(m7.vintage_y == "any") | (m7.vintage_y == m7.vintage_x)]
    te = _first(m7, KEYS, [*KEYS, "technology_id"], [True, True, True])[[*KEYS, "net_efficiency_lhv"]]
    te = te.rename(columns={"net_efficiency_lhv": "tool07_efficiency"})

    # Reported: a matched unit's share of its CEA station's net generation (capacity over the larger of the
    # GEM capacity matched and CEA's) and the station's specific emissions.
    mt = t["cea_gem_unit_matches"]
    mt = mt[mt.match_status == "matched"].copy()
    mt["_den"] = np.maximum(mt.groupby("cea_s_no").capacity_mw.transform("sum"), mt.cea_station_capacity_mw)
    mt["share"] = mt.capacity_mw / mt._den
    cea = t["cea_india_units"]
    cea = cea[cea.is_station_total.fillna(False).astype(bool) & cea.net_generation_mwh.notna()]
    rep = mt.merge(cea, left_on=["fiscal_year", "cea_s_no"], right_on=["fiscal_year", "s_no"])
    rep = pd.DataFrame(
        {
            "unit_source": rep.unit_source,
            "unit_id": rep.gem_unit_id,
            "reported_mwh": rep.share * rep.net_generation_mwh,
            "reported_ef": rep.ef_t_per_mwh.where(rep.ef_t_per_mwh != 0),
        }
    )
    cal = t["calibrated_capacity_factors"][["country_iso3", "fuel_class", "technology", "capacity_factor"]]
    cal = cal.rename(columns={"capacity_factor": "calibrated_cf"})
    gross_to_net = _param(sp, "gross_to_net_share")

    cf = sp[sp.parameter == "capacity_factor"]
    mc = u[[*KEYS, "fuel_class", "country_iso3", "technology"]].merge(cf, on="fuel_class")
    mc = mc[
        ((mc.country_iso3_y == "*") | (mc.country_iso3_y == mc.country_iso3_x))
        & ((mc.key == "*") | (mc.key == mc.technology))
    ].assign(_c=lambda d: d.country_iso3_y != "*", _k=lambda d: d.key != "*")
    dcf = _first(mc, KEYS, [*KEYS, "_c", "_k"], [True, True, False, False])[[*KEYS, "value"]]
    dcf = dcf.rename(columns={"value": "default_cf"})

    # Fuel: coal by GEM coal type, gas and oil through the fuel_map parameter.
    coal_types = set(fd.gem_coal_type.dropna())
    uc = u[u.fuel_class == "coal"][KEYS + ["fuel_key"]]
    uc = uc.assign(gem_coal_type=np.where(uc.fuel_key.isin(coal_types), uc.fuel_key, "unknown"))
    fc = uc.merge(fd[fd.fuel_class == "coal"], on="gem_coal_type")
    fmap = sp[sp.parameter == "fuel_map"]
    ug = u[u.fuel_class != "coal"][[*KEYS, "fuel_class", "fuel_key"]].merge(fmap, on="fuel_class")
    ug = ug[(ug.key == "*") | (ug.key == ug.fuel_key)].assign(_k=lambda d: d.key != "*")
    ug = _first(ug, KEYS, [*KEYS, "_k"], [True, True, False])[[*KEYS, "value_text"]]
    fg = ug.merge(fd[fd.is_primary.astype(bool)], left_on="value_text", right_on="fuel")
    fuel_cols = ["fuel", "ncv_tj_per_gg", "co2_ef_t_per_tj", "co2_ef_t_per_tj_lower", "co2_ef_t_per_tj_upper"]
    fuel_cols += ["ch4_kg_per_tj", "n2o_kg_per_tj"]
    fuels = pd.concat([fc[KEYS + fuel_cols], fg[KEYS + fuel_cols]], ignore_index=True)

    b = u.merge(ce, on=KEYS, how="left").merge(te, on=KEYS, how="left").merge(dcf, on=KEYS, how="left")
    b = b.merge(fuels, on=KEYS, how="left").merge(rep, on=KEYS, how="left")
    b = b.merge(cal, on=["country_iso3", "fuel_class", "technology"], how="left")
    aux = 0 if pd.isna(aux_share) else aux_share
    tier = np.select(
        [b.case_capacity_factor.notna(), b.reported_mwh.notna(), b.calibrated_cf.notna()],
        ["project_case", "reported", "calibrated"],
        "default",
    )
    b["estimation_tier"] = tier
    b["capacity_factor"] = np.select(
        [tier == "project_case", tier == "reported", tier == "calibrated"],
        [b.case_capacity_factor, b.reported_mwh / (b.capacity_mw * 8760), b.calibrated_cf],
        b.default_cf,
    )
    b["aux_consumption_share"] = np.select(
        [tier == "project_case", tier == "reported", tier == "calibrated"],
        [b.case_aux_share.fillna(aux), 0.0, 0.0 if pd.isna(gross_to_net) else gross_to_net],
        aux,
    )
    implied = 0.0036 * b.co2_ef_t_per_tj / b.reported_ef
    implied = implied.where((tier == "reported") & implied.between(0.15, 0.65))
    heat = b.get("gem_heat_rate_btu_per_kwh", pd.Series(np.nan, index=b.index)).astype("float64")
    ce_ok = b.net_efficiency_lhv.notna() & ~b.technology_is_assumed
    b["efficiency_lhv"] = np.select(
        [b.case_efficiency.notna(), implied.notna(), ce_ok, heat > 0],
        [b.case_efficiency, implied, b.net_efficiency_lhv, 3412.14 / heat],
        b.net_efficiency_lhv.fillna(b.tool07_efficiency),
    )
    band = b.case_efficiency.isna() & implied.isna() & ~b.technology_is_assumed
    b["efficiency_lhv_low"] = b.net_efficiency_lhv_low.where(band).fillna(b.efficiency_lhv)
    b["efficiency_lhv_high"] = b.net_efficiency_lhv_high.where(band).fillna(b.efficiency_lhv)
    ef = b.case_ef_t_per_tj
    b["co2_ef_t_per_tj"] = ef.fillna(b.co2_ef_t_per_tj)
    b["co2_ef_t_per_tj_lower"] = ef.fillna(b.co2_ef_t_per_tj_lower).fillna(b.co2_ef_t_per_tj)
    b["co2_ef_t_per_tj_upper"] = ef.fillna(b.co2_ef_t_per_tj_upper).fillna(b.co2_ef_t_per_tj)
    b["net_generation_mwh_per_yr"] = b.capacity_mw * b.capacity_factor * 8760 * (1 - b.aux_consumption_share)
    b["fuel_tj_per_yr"] = b.net_generation_mwh_per_yr * 0.0036 / b.efficiency_lhv
    b["co2_t_per_yr"] = b.fuel_tj_per_yr * b.co2_ef_t_per_tj
    b["co2e_t_per_yr"] = (
        b.co2_t_per_yr + b.fuel_tj_per_yr * (b.ch4_kg_per_tj * gwp_ch4 + b.n2o_kg_per_tj * gwp_n2o) / 1000
    )
    b["technology_assumed"] = b.lookup_technology
    b["baseline_id"] = b.unit_source + ":" + b.unit_id
    return b


def technology_swaps(b: pd.DataFrame, t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sp, cat, fd, pc = (
        t["scenario_parameters"],
        t["technology_catalogue"],
        t["fuel_defaults"],
        t["project_cases"],
    )
    discount_rate = _param(sp, "discount_rate")
    lifetime_yr = _param(sp, "economic_lifetime_yr")
    window = _param(sp, "fuel_price_history_months")
    hurdle = _param(sp, "hurdle_rate")
    analysis_year = _param(sp, "analysis_year")
    price_year = int(_param(sp, "usd_price_year"))
    defl = t["price_deflators"]
    defl = defl[defl.series == "us_gdp_deflator"].set_index("year").value
    to_price_year = (defl[price_year] / defl) if price_year in defl.index else defl * np.nan
    quantiles = sp[sp.parameter == "fuel_price_quantile"].set_index("key").value

    # Scenario prices: quantiles of the last N monthly prices in USD of the price year (np.quantile's
    # linear rule = quantile_cont); a series with a month that cannot be deflated has none.
    prices = t["fuel_prices_monthly"].dropna(subset=["price_usd_per_gj"])
    prices = prices.sort_values("month", ascending=False).groupby("series_code").head(int(window))
    years = pd.to_datetime(prices.month).dt.year
    prices = prices.assign(real=prices.price_usd_per_gj.to_numpy() * years.map(to_price_year).to_numpy())

    def quantile(values: pd.Series, q: float) -> float:
        return np.nan if values.isna().any() else float(np.quantile(values.to_numpy(dtype=float), q))

    series_price = {k: prices.groupby("series_code").real.apply(quantile, q=q) for k, q in quantiles.items()}
    grid = pd.MultiIndex.from_product(
        [b.country_iso3.dropna().unique(), b.fuel_class.unique()], names=["country_iso3", "fuel_class"]
    ).to_frame(index=False)

    def by_country(parameter: str, values: pd.Series) -> pd.Series:
        rows = sp[sp.parameter == parameter].assign(v=values)
        if parameter == "fuel_price_series":  # a series without prices drops out of the SQL join
            rows = rows.dropna(subset=["v"])
        m = grid.merge(rows[["fuel_class", "country_iso3", "v"]].rename(columns={"country_iso3": "c"}))
        m = m[(m.c == "*") | (m.c == m.country_iso3)].assign(_c=lambda d: d.c != "*")
        m = _first(
            m, ["country_iso3", "fuel_class"], ["country_iso3", "fuel_class", "_c"], [True, True, False]
        )
        return grid.merge(m, how="left").v

    param_rows = sp[sp.parameter.isin(["fuel_price_usd_per_gj", "fuel_price_series"])]
    override = by_country("fuel_price_usd_per_gj", param_rows.value)
    for k in quantiles.index:
        mapped = by_country("fuel_price_series", sp.value_text.map(series_price[k]))
        grid[f"price_{k}"] = override.fillna(mapped).to_numpy()

    targets = sp[sp.parameter == "swap_target"][["fuel_class", "key", "value_text"]]
    targets.columns = ["fuel_class", "to_technology", "to_fuel_class"]
    tracker = b[b.unit_source != "case"].merge(targets, on="fuel_class")
    tracker = tracker[tracker.technology.notna() & (tracker.to_technology != tracker.technology)]
    # As the SQL: no target whose tracker code is the unit's own (oil CC units get no gas CC).
    codes = t["technologies"].dropna(subset=["source_code"])
    own = set(zip(codes.technology, codes.source_code, strict=True))
    own_code = [(tt, c) in own for tt, c in zip(tracker.to_technology, tracker.gem_technology, strict=True)]
    tracker = tracker[~np.array(own_code, dtype=bool)]
    cases = b[b.unit_source == "case"].merge(
        pc[["case_id", "to_technology"]], left_on="unit_id", right_on="case_id"
    )
    cases = cases.merge(targets, on=["fuel_class", "to_technology"], how="left")
    cases["to_fuel_class"] = cases.to_fuel_class.fillna(cases.fuel_class)
    s = pd.concat([tracker, cases.drop(columns="case_id")], ignore_index=True)
    sk = ["baseline_id", "to_technology"]

    cc = cat[
        (cat.parameter_set == "catalogue")
        & cat.net_efficiency_lhv.notna()
        & cat.vintage.isin(["any", ">2000"])
    ]
    m = s[[*sk, "to_fuel_class", "capacity_mw"]].merge(
        cc, left_on=["to_fuel_class", "to_technology"], right_on=["fuel_class", "technology"]
    )
    m = m[(m.capacity_mw >= m.size_min_mw.fillna(0)) & (m.capacity_mw <= m.size_max_mw.fillna(1e9))].assign(
        _sized=lambda d: d.size_min_mw.notna(),
        _width=lambda d: (d.size_max_mw - d.size_min_mw).fillna(1e9),
        _noregion=lambda d: d.capex_region.isna(),
    )
    pe = _first(
        m, sk, [*sk, "_sized", "_width", "_noregion", "technology_id"], [True, True, False, True, False, True]
    )
    s = s.merge(
        pe[[*sk, "net_efficiency_lhv"]].rename(columns={"net_efficiency_lhv": "eta_project"}), how="left"
    )

    # Costs (issue 13), in USD of the price year, one row per technology and region. Regions tried in order:
    # the country's own, its cost_regions region, the proxy of the baseline's fuel class, the project's.
    cap = cat[(cat.parameter_set == "catalogue") & cat.capex_usd_per_kw.notna()].copy()
    cap["_eff"] = cap.net_efficiency_lhv.isna()
    cap = _first(cap, ["fuel_class", "technology", "capex_region"], ["_eff", "technology_id"], [True, True])
    f = cap.capex_price_year.map(to_price_year)
    cap = cap.assign(capex=cap.capex_usd_per_kw * f, fom=cap.fixed_om_usd_per_kw_yr * f)
    cap = cap.assign(vom=cap.variable_om_usd_per_mwh * f).set_index(
        ["fuel_class", "technology", "capex_region"]
    )
    rf = t["technology_retrofits"]
    g = rf.capex_price_year.map(to_price_year)
    rf = rf.assign(capex=rf.capex_usd_per_kw * g, fom=rf.fixed_om_usd_per_kw_yr * g)
    rf = rf.assign(vom=rf.variable_om_usd_per_mwh * g).set_index(
        ["from_technology", "to_technology", "capex_region"]
    )
    names = t["countries"].set_index("country_iso3").country_name
    cost_region = t["cost_regions"].set_index("country_iso3").cost_region
    proxy = sp[sp.parameter == "capex_proxy_region"]
    proxy = {(r.country_iso3, r.fuel_class): r.value_text for r in proxy.itertuples()}

    def proxy_of(country, fuel):
        return proxy.get((country, fuel), proxy.get(("*", fuel)))

    def first(table, keys):
        return next((table.loc[k] for k in keys if k in table.index), None)

    def value(row, column):
        return np.nan if row is None else row[column]

    key_cols = ["country_iso3", "fuel_class", "technology_assumed", "to_fuel_class", "to_technology"]
    costs = []
    for country, fuel, tech, to_fuel, to_tech in s[key_cols].drop_duplicates().itertuples(index=False):
        regions = [
            names.get(country),
            cost_region.get(country),
            proxy_of(country, fuel),
            proxy_of(country, to_fuel),
        ]
        c = dict(zip(key_cols, (country, fuel, tech, to_fuel, to_tech), strict=True))
        pair = [r for r in regions if (fuel, tech, r) in cap.index and (to_fuel, to_tech, r) in cap.index]
        if pair:
            a, z = cap.loc[(fuel, tech, pair[0])], cap.loc[(to_fuel, to_tech, pair[0])]
            c |= {"pair_capex": z.capex - a.capex, "pair_fom": z.fom - a.fom, "pair_vom": z.vom - a.vom}
        retro = [r for r in regions if (tech, to_tech, r) in rf.index]
        if retro:
            x, old = rf.loc[(tech, to_tech, retro[0])], first(cap, [(fuel, tech, retro[0])])
            c |= {"has_retrofit": True, "retro_capex": x.capex}
            c |= {"retro_fom": x.fom - value(old, "fom"), "retro_vom": x.vom - value(old, "vom")}
        new = first(cap, [(to_fuel, to_tech, r) for r in (regions[0], regions[1], regions[3])])
        old = first(cap, [(fuel, tech, r) for r in (regions[0], regions[1], regions[2])])
        c |= {f"new_{k}": value(new, k) for k in ("capex", "fom", "vom")}
        c |= {f"old_{k}": value(old, k) for k in ("capex", "fom", "vom")}
        c["old_life"] = value(old, "lifetime_yr")
        costs.append(c)
    s = s.merge(pd.DataFrame(costs), on=key_cols, how="left")
    for column in ("pair_capex", "pair_fom", "pair_vom", "retro_capex", "retro_fom", "retro_vom"):
        s[column] = s[column].astype("float64") if column in s else np.nan
    s["has_retrofit"] = s.has_retrofit.eq(True) if "has_retrofit" in s else False

    c7 = cat[cat.parameter_set == "tool07_default"]
    m7 = s[[*sk, "fuel_class", "technology_assumed", "vintage"]].merge(
        c7, left_on=["fuel_class", "technology_assumed"], right_on=["fuel_class", "technology"]
    )
    m7 = _first(
        m7[(m7.vintage_y == "any") | (m7.vintage_y == m7.vintage_x)], sk, [*sk, "technology_id"], [True] * 3
    )
    s = s.merge(
        m7[[*sk, "net_efficiency_lhv"]].rename(columns={"net_efficiency_lhv": "eta_tool07"}), how="left"
    )

    tp = cat[(cat.parameter_set == "top_performer") & cat.net_efficiency_lhv.notna()]
    mb = s[[*sk, "fuel_class", "technology_assumed", "capacity_mw"]].merge(
        tp, left_on=["fuel_class", "technology_assumed"], right_on=["fuel_class", "technology"]
    )
    mb["_dist"] = (mb.size_min_mw.fillna(mb.capacity_mw) - mb.capacity_mw).abs()
    mb = _first(mb, sk, [*sk, "_dist", "technology_id"], [True] * 4)
    s = s.merge(mb[[*sk, "net_efficiency_lhv"]].rename(columns={"net_efficiency_lhv": "eta_bm"}), how="left")

    fm = sp[(sp.parameter == "fuel_map") & (sp.key == "*")].merge(
        fd[fd.is_primary.astype(bool)], left_on="value_text", right_on="fuel"
    )
    fm = fm.set_index("fuel_class_x")
    s["pf_ef"] = s.to_fuel_class.map(fm.co2_ef_t_per_tj)
    s["pf_ef_upper"] = s.to_fuel_class.map(fm.co2_ef_t_per_tj_upper)
    for k in quantiles.index:
        price = grid.set_index(["country_iso3", "fuel_class"])[f"price_{k}"]
        s[f"base_price_{k}"] = pd.MultiIndex.from_arrays([s.country_iso3, s.fuel_class]).map(price)
        s[f"to_price_{k}"] = pd.MultiIndex.from_arrays([s.country_iso3, s.to_fuel_class]).map(price)

    extra = pc.set_index("case_id")
    is_case = s.unit_source == "case"

    def case_value(column: str) -> pd.Series:
        return s.unit_id.map(extra[column]).where(is_case)

    same_fuel = s.fuel_class == s.to_fuel_class
    s["efficiency_project_lhv"] = case_value("to_efficiency_lhv").fillna(s.eta_project)
    eta_tool07 = s.eta_tool07.fillna(0)
    eta_bm = s.eta_bm.fillna(s.efficiency_lhv_high).fillna(0)
    ef_central = np.where(same_fuel, s.co2_ef_t_per_tj, s.pf_ef)
    ef_conservative = np.where(same_fuel, s.co2_ef_t_per_tj_lower, s.pf_ef_upper)
    case_price = case_value("fuel_price_usd_per_gj")
    base_price = {k: case_price.fillna(s[f"base_price_{k}"]) for k in quantiles.index}
    project_price = {k: np.where(same_fuel, base_price[k], s[f"to_price_{k}"]) for k in quantiles.index}
    s["fuel_price_usd_per_gj"] = base_price["central"]
    # The decision by unit status and its cost basis (a premium that is not positive is unknown, fuel switch
    # or not: an upgrade never costs nothing).
    pipeline = is_case | (s.status != "operating")
    s["decision"] = np.select([pipeline, s.has_retrofit], ["build_instead", "retrofit"], "replace")
    replace = s.decision == "replace"
    retro = ~replace & s.has_retrofit
    pair_capex = s.pair_capex.where(s.pair_capex > 0)
    per_kw = np.select([replace, retro], [s.new_capex, s.retro_capex], pair_capex)
    fom = np.select([replace, retro], [s.new_fom - s.old_fom, s.retro_fom], s.pair_fom)
    vom = np.select([replace, retro], [s.new_vom - s.old_vom, s.retro_vom], s.pair_vom)
    premium = case_value("capex_premium_usd_per_kw").fillna(pd.Series(per_kw, index=s.index))
    s["incremental_capex_usd"] = premium * s.capacity_mw * 1000
    remaining = np.fmax(0, s.start_year.astype("float64") + s.old_life - analysis_year)
    stranded = s.old_capex * s.capacity_mw * 1000 * remaining / s.old_life
    s["stranded_value_usd"] = np.where(replace, stranded, 0.0)
    s["upfront_cost_usd"] = s.incremental_capex_usd + s.stranded_value_usd
    dom = pd.Series(fom * s.capacity_mw * 1000 + vom * s.net_generation_mwh_per_yr, index=s.index)
    s["delta_om_usd_per_yr"] = case_value("delta_om_usd_per_yr").fillna(dom)
    s["discount_rate"] = case_value("discount_rate").fillna(discount_rate)
    s["lifetime_yr"] = case_value("lifetime_yr").fillna(lifetime_yr)

    s["efficiency_reference_lhv"] = np.fmax(np.fmax(s.efficiency_lhv, eta_tool07), eta_bm)
    gen = s.net_generation_mwh_per_yr
    s["project_fuel_tj_per_yr"] = gen * 0.0036 / s.efficiency_project_lhv
    s["project_co2_t_per_yr"] = s.project_fuel_tj_per_yr * ef_central
    project_conservative = s.project_fuel_tj_per_yr * ef_conservative
    s["reference_co2_t_per_yr"] = gen * 0.0036 / s.efficiency_reference_lhv * s.co2_ef_t_per_tj_lower
    upgrade = ef_central / s.efficiency_project_lhv < s.co2_ef_t_per_tj / s.efficiency_lhv
    s["is_upgrade"] = upgrade.fillna(False).astype(bool)
    r, n = s.discount_rate, s.lifetime_yr
    s["crf"] = np.where(r == 0, 1 / n, r * (1 + r) ** n / ((1 + r) ** n - 1))
    s["reduction_bau_t_per_yr"] = s.co2_t_per_yr - s.project_co2_t_per_yr
    s["reduction_creditable_t_per_yr"] = np.where(
        s.is_upgrade, np.fmax(0, s.reference_co2_t_per_yr - project_conservative), 0
    )
    savings = {
        k: s.fuel_tj_per_yr * 1000 * base_price[k] - s.project_fuel_tj_per_yr * 1000 * project_price[k]
        for k in quantiles.index
    }
    s["fuel_savings_usd_per_yr"] = savings["central"]
    s["annualised_cost_usd_per_yr"] = s.upfront_cost_usd * s.crf + s.delta_om_usd_per_yr
    s["mac_usd_per_t"] = (
        (s.annualised_cost_usd_per_yr - s.fuel_savings_usd_per_yr) / s.reduction_bau_t_per_yr
    ).where(s.reduction_bau_t_per_yr > 0)
    # The investment test: NPV without credits at the hurdle rate, at each fuel price.
    annuity = (1 - (1 + hurdle) ** -s.lifetime_yr) / hurdle if hurdle else s.lifetime_yr
    npv = {k: -s.upfront_cost_usd + (savings[k] - s.delta_om_usd_per_yr) * annuity for k in quantiles.index}
    known = npv["low"].notna() & npv["central"].notna() & npv["high"].notna() & s.is_upgrade
    s["additionality"] = np.select(
        [~known, npv["central"] >= 0, (npv["low"] >= 0) | (npv["high"] >= 0)],
        [None, "not_additional", "depends_on_price"],
        "additional",
    )
    s["swap_type"] = np.where(same_fuel, "efficiency_upgrade", "fuel_switch")
    s["sector"] = "power_" + s.fuel_class
    s["swap_id"] = s.baseline_id + ":" + s.to_technology
    s["baseline_co2_t_per_yr"] = s.co2_t_per_yr
    # Grid-displacement projects (solar PV, wind, efficiency), steel measures and end-use programmes are
    # computed by their own marts and unioned in as they are.
    held = [t[name] for name in UNIONED if name in t and len(t[name])]
    return pd.concat([s, *held], ignore_index=True) if held else s


def _hosts(t: dict[str, pd.DataFrame]) -> set:
    countries, agreements = t["countries"], t["agreements"]
    return set(countries.loc[countries.is_host_country.astype(bool), "country_iso3"]) | set(
        agreements.host_country_iso3
    )


def _in_scope(e: pd.DataFrame) -> np.ndarray:
    """Rows of (swap x agreement) whose target, swap type and status the agreement lists."""

    def listed(column: str, values: pd.Series) -> np.ndarray:
        return np.array(
            [v in str(allowed).split(";") for v, allowed in zip(values, e[column], strict=True)], bool
        )

    return (
        listed("eligible_to_technologies", e.to_technology)
        & listed("eligible_swap_types", e.swap_type)
        & listed("eligible_statuses", e.status)
    )


def chosen_options(s: pd.DataFrame, t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One option per host-country unit: in an agreement's scope (any agreement of the host; none: all),
    not_additional left out, tested before untested, the largest creditable reduction, the lowest MAC."""
    agreements = t["agreements"]
    u = s[
        s.is_upgrade
        & (s.unit_source != "case")
        & (s.reduction_creditable_t_per_yr > 0)
        & s.country_iso3.isin(_hosts(t))
    ]
    e = u.merge(agreements, left_on="country_iso3", right_on="host_country_iso3")
    covered = set(e.loc[_in_scope(e), "swap_id"])
    no_agreement = ~u.country_iso3.isin(set(agreements.host_country_iso3))
    o = u[u.swap_id.isin(covered) | no_agreement]
    o = o[o.additionality.fillna("") != "not_additional"].assign(
        _untested=lambda d: d.additionality.isna(), _mac=lambda d: d.mac_usd_per_t.fillna(np.inf)
    )
    by = ["_untested", "reduction_creditable_t_per_yr", "_mac", "swap_id"]
    o = o.sort_values(by, ascending=[True, False, True, True], kind="stable").drop_duplicates(KEYS)
    o["status_group"] = np.where(o.status == "operating", "operating", "pipeline")
    return o


def credits(o: pd.DataFrame, agreements: pd.DataFrame) -> pd.DataFrame:
    e = o.merge(agreements, left_on="country_iso3", right_on="host_country_iso3")
    e = e[_in_scope(e)].copy()
    e["credited_t_per_yr"] = (
        e.reduction_creditable_t_per_yr * (1 - e.haircut) * (1 - e.sop_share - e.omge_share)
    )
    e["host_credits_t_per_yr"] = e.credited_t_per_yr * e.host_share
    e["partner_credits_t_per_yr"] = e.credited_t_per_yr * (1 - e.host_share)
    return e


def host_country_programmes(o: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    o = o.copy()
    o["credited_t_per_yr"] = o.swap_id.map(c.groupby("swap_id").credited_t_per_yr.max())
    keys = ["country_iso3", "sector", "swap_type", "to_technology", "status_group"]
    return (
        o.groupby(keys)
        .agg(
            units=("unit_id", "nunique"),
            capacity_mw=("capacity_mw", "sum"),
            baseline_co2_t_per_yr=("baseline_co2_t_per_yr", "sum"),
            reduction_bau_t_per_yr=("reduction_bau_t_per_yr", "sum"),
            reduction_creditable_t_per_yr=("reduction_creditable_t_per_yr", "sum"),
            credited_t_per_yr=("credited_t_per_yr", "sum"),
            incremental_capex_usd=("incremental_capex_usd", "sum"),
            mac_mean_usd_per_t=("mac_usd_per_t", "mean"),
            mac_median_usd_per_t=("mac_usd_per_t", "median"),
        )
        .reset_index()
    )


def run(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    b = plant_baselines(tables)
    s = technology_swaps(b, tables)
    o = chosen_options(s, tables)
    c = credits(o, tables["agreements"])
    p = host_country_programmes(o, c)
    return {
        "plant_baselines": b,
        "technology_swaps": s,
        "chosen_options": o,
        "credits": c,
        "host_country_programmes": p,
    }
