"""The methodology chain in Polars' lazy API, as a skilled analyst would write it: joins, "the most specific
row wins" as sort + unique(keep="first"), when/then for the CASE expressions, one plan collected at the end.

The same computation as benchmarks/pandas_reference.py (sql/marts/plant_baselines.sql → technology_swaps.sql
→ chosen_options.sql → credits.sql → host_country_programmes.sql, numeric columns; the text provenance
columns are left out); only used to time it against the SQL and to cross-check the SQL's totals. Scalars
of the parameter tables are read eagerly (a handful of rows); everything per unit or per swap is lazy.
"""

from __future__ import annotations

import polars as pl

KEYS = ["unit_source", "unit_id"]
UNIONED = ("grid_displacement_swaps", "steel_swaps", "end_use_swaps")
CLASS_TECHNOLOGY = {"gas_solar_combined_cycle": "gas_combined_cycle", "gas_allam_cycle": "gas_combined_cycle"}
c = pl.col


def _param(sp: pl.DataFrame, name: str, column: str = "value"):
    return sp.filter(c("parameter") == name)[column].drop_nulls().max()


def _first(lf: pl.LazyFrame, keys: list[str], by: list[str], descending: list[bool]) -> pl.LazyFrame:
    """The first row per key after sorting (SQL: QUALIFY row_number() OVER (...) = 1)."""
    return lf.sort(by, descending=descending, nulls_last=True, maintain_order=True).unique(
        subset=keys, keep="first", maintain_order=True
    )


def plant_baselines(t: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    sp, cat, fd = t["scenario_parameters"], t["technology_catalogue"], t["fuel_defaults"]
    aux_share = sp.filter((c("parameter") == "aux_consumption_share") & (c("fuel_class") == "*"))[
        "value"
    ].max()
    gwp = t["gwp"].filter(c("assessment") == _param(sp, "gwp_set", "value_text"))
    gwp_ch4 = gwp.filter(c("gas") == "CH4")["gwp_100"].max()
    gwp_n2o = gwp.filter(c("gas") == "N2O")["gwp_100"].max()
    included = sp.filter(c("parameter") == "included_status")["key"].to_list()
    vocab = t["technologies"].filter(c("source_code").is_not_null()).lazy()
    vocab = vocab.select("source_id", "source_fuel_class", "source_code", "technology")

    coal = (
        t["coal_units"]
        .lazy()
        .select(
            unit_id=c("gem_unit_id"),
            unit_source=pl.lit("coal_units"),
            country_iso3="country_iso3",
            fuel_class=pl.lit("coal"),
            fuel_key=c("coal_type"),
            gem_technology="gem_technology",
            status="status",
            start_year=c("start_year").cast(pl.Float64),
            capacity_mw="capacity_mw",
            gem_heat_rate_btu_per_kwh=c("gem_heat_rate_btu_per_kwh").cast(pl.Float64),
            _source_id=pl.lit("gem_coal_plant_tracker"),
            _source_fuel=pl.lit("coal"),
        )
    )
    gas = (
        t["gas_oil_units"]
        .lazy()
        .filter(c("fuel_class").is_in(["gas", "gas/oil", "oil"]))
        .select(
            unit_id=c("gem_unit_id"),
            unit_source=pl.lit("gas_oil_units"),
            country_iso3="country_iso3",
            fuel_class=pl.when(c("fuel_class") == "oil").then(pl.lit("oil")).otherwise(pl.lit("gas")),
            fuel_key=c("fuel").str.split("/").list.first(),
            gem_technology="gem_technology",
            status="status",
            start_year=c("start_year").cast(pl.Float64),
            capacity_mw="capacity_mw",
            _source_id=pl.lit("gem_oil_gas_plant_tracker"),
            _source_fuel=c("fuel_class"),
        )
    )
    units = pl.concat([coal, gas], how="diagonal_relaxed").join(
        vocab,
        left_on=["_source_id", "_source_fuel", "gem_technology"],
        right_on=["source_id", "source_fuel_class", "source_code"],
        how="left",
        maintain_order="left",
    )
    units = units.filter(c("status").is_in(included) & c("capacity_mw").is_not_null())
    dup = t["tracker_duplicate_units"].lazy()
    units = units.join(
        dup, left_on=KEYS, right_on=["dropped_unit_source", "dropped_gem_unit_id"], how="anti"
    ).drop("_source_id", "_source_fuel")
    pc = t["project_cases"]
    if "kind" in pc.columns:  # grid-displacement cases have no unit: grid_displacement_swaps takes them
        pc = pc.filter(c("kind") == "plant_swap")
    cases = pc.lazy().select(
        unit_id=c("case_id"),
        unit_source=pl.lit("case"),
        country_iso3="country_iso3",
        fuel_class="fuel_class",
        fuel_key=c("coal_type").fill_null("*"),
        technology=c("from_technology"),
        status=pl.lit("case"),
        start_year=c("start_year").cast(pl.Float64),
        capacity_mw="capacity_mw",
        case_capacity_factor="capacity_factor",
        case_aux_share="aux_consumption_share",
        case_efficiency="from_efficiency_lhv",
        case_ef_t_per_tj="co2_ef_t_per_tj",
    )
    u = pl.concat([units, cases], how="diagonal_relaxed")

    assumed = sp.filter(c("parameter") == "unknown_technology_assumed").unique("fuel_class", keep="first")
    assumed = dict(zip(assumed["fuel_class"], assumed["value_text"], strict=True))
    classes = t["unit_efficiency_classes"]
    known = sorted(set(classes["technology"]) | set(CLASS_TECHNOLOGY))
    is_known = c("technology").is_in(known).fill_null(False)
    u = u.with_columns(
        vintage=pl.when(c("start_year") <= 2000).then(pl.lit("<=2000")).otherwise(pl.lit(">2000")),
        technology_is_assumed=~is_known,
        lookup_technology=pl.when(is_known)
        .then(c("technology"))
        .otherwise(c("fuel_class").replace_strict(assumed, default=None).fill_null(c("technology"))),
    ).with_columns(_class_tech=c("lookup_technology").replace(CLASS_TECHNOLOGY))

    # Efficiency class by technology, size band and start-year band (no start year: the newest class).
    year = c("start_year").fill_null(9999)
    ce = (
        u.select(*KEYS, "_class_tech", "capacity_mw", "start_year")
        .join(classes.lazy(), left_on="_class_tech", right_on="technology")
        .filter(
            (c("capacity_mw") >= c("size_min_mw"))
            & (c("size_max_mw").is_null() | (c("capacity_mw") < c("size_max_mw")))
            & (year >= c("start_year_min").cast(pl.Float64).fill_null(0))
            & (year <= c("start_year_max").cast(pl.Float64).fill_null(9999))
        )
        .select(*KEYS, "net_efficiency_lhv", "net_efficiency_lhv_low", "net_efficiency_lhv_high")
    )
    c7 = cat.filter(c("parameter_set") == "tool07_default").lazy()
    te = u.select(*KEYS, "fuel_class", "lookup_technology", "vintage").join(
        c7, left_on=["fuel_class", "lookup_technology"], right_on=["fuel_class", "technology"]
    )
    te = te.filter((c("vintage_right") == "any") | (c("vintage_right") == c("vintage")))
    te = _first(te, KEYS, ["technology_id"], [False]).select(*KEYS, tool07_efficiency="net_efficiency_lhv")

    # Reported: a matched unit's share of its CEA station's net generation and the station's emissions.
    mt = t["cea_gem_unit_matches"].lazy().filter(c("match_status") == "matched")
    mt = mt.with_columns(
        share=c("capacity_mw")
        / pl.max_horizontal(c("capacity_mw").sum().over("cea_s_no"), c("cea_station_capacity_mw"))
    )
    cea = t["cea_india_units"].lazy()
    cea = cea.filter(c("is_station_total").fill_null(False) & c("net_generation_mwh").is_not_null())
    rep = mt.join(cea, left_on=["fiscal_year", "cea_s_no"], right_on=["fiscal_year", "s_no"]).select(
        "unit_source",
        unit_id=c("gem_unit_id"),
        reported_mwh=c("share") * c("net_generation_mwh"),
        reported_ef=pl.when(c("ef_t_per_mwh") != 0).then(c("ef_t_per_mwh")),
    )
    cal = t["calibrated_capacity_factors"].lazy()
    cal = cal.select("country_iso3", "fuel_class", "technology", calibrated_cf="capacity_factor")
    gross_to_net = _param(sp, "gross_to_net_share")

    cf = sp.filter(c("parameter") == "capacity_factor").lazy()
    dcf = u.select(*KEYS, "fuel_class", "country_iso3", "technology").join(cf, on="fuel_class")
    dcf = dcf.filter(
        ((c("country_iso3_right") == "*") | (c("country_iso3_right") == c("country_iso3")))
        & ((c("key") == "*") | (c("key") == c("technology")))
    ).with_columns(_c=c("country_iso3_right") != "*", _k=c("key") != "*")
    dcf = _first(dcf, KEYS, ["_c", "_k"], [True, True]).select(*KEYS, default_cf="value")

    # Fuel: coal by GEM coal type, gas and oil through the fuel_map parameter.
    coal_types = fd["gem_coal_type"].drop_nulls().unique().to_list()
    fuel_cols = ["fuel", "ncv_tj_per_gg", "co2_ef_t_per_tj", "co2_ef_t_per_tj_lower", "co2_ef_t_per_tj_upper"]
    fuel_cols += ["ch4_kg_per_tj", "n2o_kg_per_tj"]
    fc = (
        u.filter(c("fuel_class") == "coal")
        .select(
            *KEYS,
            gem_coal_type=pl.when(c("fuel_key").is_in(coal_types))
            .then(c("fuel_key"))
            .otherwise(pl.lit("unknown")),
        )
        .join(fd.filter(c("fuel_class") == "coal").lazy(), on="gem_coal_type")
        .select(*KEYS, *fuel_cols)
    )
    fmap = sp.filter(c("parameter") == "fuel_map").lazy()
    ug = (
        u.filter(c("fuel_class") != "coal")
        .select(*KEYS, "fuel_class", "fuel_key")
        .join(fmap, on="fuel_class")
    )
    ug = ug.filter((c("key") == "*") | (c("key") == c("fuel_key"))).with_columns(_k=c("key") != "*")
    ug = _first(ug, KEYS, ["_k"], [True]).select(*KEYS, "value_text")
    fg = ug.join(fd.filter(c("is_primary")).lazy(), left_on="value_text", right_on="fuel")
    fg = fg.with_columns(fuel=c("value_text")).select(*KEYS, *fuel_cols)
    fuels = pl.concat([fc, fg], how="vertical_relaxed")

    b = u
    for part in (ce, te, dcf, fuels, rep):
        b = b.join(part, on=KEYS, how="left", maintain_order="left")
    b = b.join(
        cal,
        on=["country_iso3", "fuel_class", "technology"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    aux = 0.0 if aux_share is None else aux_share
    tier = (
        pl.when(c("case_capacity_factor").is_not_null())
        .then(pl.lit("project_case"))
        .when(c("reported_mwh").is_not_null())
        .then(pl.lit("reported"))
        .when(c("calibrated_cf").is_not_null())
        .then(pl.lit("calibrated"))
        .otherwise(pl.lit("default"))
    )
    b = b.with_columns(estimation_tier=tier)
    t_ = c("estimation_tier")
    b = b.with_columns(
        capacity_factor=pl.when(t_ == "project_case")
        .then(c("case_capacity_factor"))
        .when(t_ == "reported")
        .then(c("reported_mwh") / (c("capacity_mw") * 8760))
        .when(t_ == "calibrated")
        .then(c("calibrated_cf"))
        .otherwise(c("default_cf")),
        aux_consumption_share=pl.when(t_ == "project_case")
        .then(c("case_aux_share").fill_null(aux))
        .when(t_ == "reported")
        .then(0.0)
        .when(t_ == "calibrated")
        .then(0.0 if gross_to_net is None else gross_to_net)
        .otherwise(aux),
        _implied=pl.when(t_ == "reported").then(0.0036 * c("co2_ef_t_per_tj") / c("reported_ef")),
    ).with_columns(_implied=pl.when(c("_implied").is_between(0.15, 0.65)).then(c("_implied")))
    heat = c("gem_heat_rate_btu_per_kwh")
    ce_ok = c("net_efficiency_lhv").is_not_null() & ~c("technology_is_assumed")
    b = b.with_columns(
        efficiency_lhv=pl.when(c("case_efficiency").is_not_null())
        .then(c("case_efficiency"))
        .when(c("_implied").is_not_null())
        .then(c("_implied"))
        .when(ce_ok)
        .then(c("net_efficiency_lhv"))
        .when(heat > 0)
        .then(3412.14 / heat)
        .otherwise(c("net_efficiency_lhv").fill_null(c("tool07_efficiency"))),
        _band=c("case_efficiency").is_null() & c("_implied").is_null() & ~c("technology_is_assumed"),
    )
    ef = c("case_ef_t_per_tj")
    b = b.with_columns(
        efficiency_lhv_low=pl.when(c("_band"))
        .then(c("net_efficiency_lhv_low"))
        .fill_null(c("efficiency_lhv")),
        efficiency_lhv_high=pl.when(c("_band"))
        .then(c("net_efficiency_lhv_high"))
        .fill_null(c("efficiency_lhv")),
        co2_ef_t_per_tj=ef.fill_null(c("co2_ef_t_per_tj")),
        co2_ef_t_per_tj_lower=ef.fill_null(c("co2_ef_t_per_tj_lower")).fill_null(c("co2_ef_t_per_tj")),
        co2_ef_t_per_tj_upper=ef.fill_null(c("co2_ef_t_per_tj_upper")).fill_null(c("co2_ef_t_per_tj")),
        net_generation_mwh_per_yr=c("capacity_mw")
        * c("capacity_factor")
        * 8760
        * (1 - c("aux_consumption_share")),
    )
    b = b.with_columns(fuel_tj_per_yr=c("net_generation_mwh_per_yr") * 0.0036 / c("efficiency_lhv"))
    b = b.with_columns(co2_t_per_yr=c("fuel_tj_per_yr") * c("co2_ef_t_per_tj"))
    return b.with_columns(
        co2e_t_per_yr=c("co2_t_per_yr")
        + c("fuel_tj_per_yr") * (c("ch4_kg_per_tj") * gwp_ch4 + c("n2o_kg_per_tj") * gwp_n2o) / 1000,
        technology_assumed=c("lookup_technology"),
        baseline_id=c("unit_source") + ":" + c("unit_id"),
    )


def _scenario_prices(b: pl.LazyFrame, t: dict[str, pl.DataFrame], quantiles: dict, to_price_year: dict):
    """The scenario fuel price of every country x fuel class of the fleet (fuel_price_scenarios.sql)."""
    sp = t["scenario_parameters"]
    window = int(_param(sp, "fuel_price_history_months"))
    prices = t["fuel_prices_monthly"].lazy().filter(c("price_usd_per_gj").is_not_null())
    prices = prices.sort("month", descending=True).group_by("series_code", maintain_order=True).head(window)
    factor = c("month").dt.year().replace_strict(to_price_year, default=None, return_dtype=pl.Float64)
    prices = prices.with_columns(real=c("price_usd_per_gj") * factor)
    series = prices.group_by("series_code").agg(
        _nulls=c("real").null_count(),
        **{f"q_{k}": c("real").quantile(q, interpolation="linear") for k, q in quantiles.items()},
    )
    series = series.select(
        "series_code", *[pl.when(c("_nulls") == 0).then(c(f"q_{k}")).alias(f"q_{k}") for k in quantiles]
    )
    grid = (
        b.select(c("country_iso3").drop_nulls().unique())
        .join(b.select(c("fuel_class").unique()), how="cross")
        .select("country_iso3", "fuel_class")
    )
    rows = sp.lazy().select("parameter", "fuel_class", c("country_iso3").alias("_c"), "value", "value_text")

    def by_country(parameter: str, value: pl.Expr, rows: pl.LazyFrame) -> pl.LazyFrame:
        m = grid.join(rows.filter(c("parameter") == parameter).with_columns(value), on="fuel_class")
        m = m.filter((c("_c") == "*") | (c("_c") == c("country_iso3"))).with_columns(_cc=c("_c") != "*")
        return _first(m, ["country_iso3", "fuel_class"], ["_cc"], [True])

    override = by_country("fuel_price_usd_per_gj", c("value").alias("_override"), rows)
    mapped = rows.join(series, left_on="value_text", right_on="series_code", how="left")
    out = grid.join(
        override.select("country_iso3", "fuel_class", "_override"),
        on=["country_iso3", "fuel_class"],
        how="left",
    )
    for k in quantiles:
        # A series without prices drops out of the SQL join.
        m = by_country("fuel_price_series", c(f"q_{k}").alias("_v"), mapped.filter(c(f"q_{k}").is_not_null()))
        out = out.join(
            m.select("country_iso3", "fuel_class", "_v"), on=["country_iso3", "fuel_class"], how="left"
        )
        out = out.with_columns(c("_override").fill_null(c("_v")).alias(f"price_{k}")).drop("_v")
    return out.drop("_override")


def technology_swaps(b: pl.LazyFrame, t: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    sp, cat, fd, pc = (
        t["scenario_parameters"],
        t["technology_catalogue"],
        t["fuel_defaults"],
        t["project_cases"],
    )
    discount_rate = _param(sp, "discount_rate")
    lifetime_yr = _param(sp, "economic_lifetime_yr")
    hurdle = _param(sp, "hurdle_rate")
    analysis_year = _param(sp, "analysis_year")
    price_year = int(_param(sp, "usd_price_year"))
    defl = t["price_deflators"].filter(c("series") == "us_gdp_deflator")
    defl = dict(zip(defl["year"].to_list(), defl["value"].to_list(), strict=True))
    to_price_year = {y: defl[price_year] / v if price_year in defl else None for y, v in defl.items()}
    q = sp.filter(c("parameter") == "fuel_price_quantile")
    quantiles = dict(zip(q["key"], q["value"], strict=True))
    grid = _scenario_prices(b, t, quantiles, to_price_year)

    targets = sp.filter(c("parameter") == "swap_target").lazy()
    targets = targets.select("fuel_class", to_technology="key", to_fuel_class="value_text")
    codes = (
        t["technologies"].filter(c("source_code").is_not_null()).lazy().select("technology", "source_code")
    )
    tracker = b.filter(c("unit_source") != "case").join(targets, on="fuel_class")
    tracker = tracker.filter(c("technology").is_not_null() & (c("to_technology") != c("technology")))
    # As the SQL: no target whose tracker code is the unit's own (oil CC units get no gas CC).
    tracker = tracker.join(
        codes, left_on=["to_technology", "gem_technology"], right_on=["technology", "source_code"], how="anti"
    )
    cases = b.filter(c("unit_source") == "case").join(
        pc.lazy().select("case_id", "to_technology"), left_on="unit_id", right_on="case_id"
    )
    cases = cases.join(targets, on=["fuel_class", "to_technology"], how="left")
    cases = cases.with_columns(to_fuel_class=c("to_fuel_class").fill_null(c("fuel_class")))
    # Materialised once: the lookups below each read the candidate swaps (Polars would otherwise plan the
    # same joins again in every branch).
    s = pl.concat([tracker, cases], how="diagonal_relaxed").collect().lazy()
    sk = ["baseline_id", "to_technology"]

    cc = cat.filter(
        (c("parameter_set") == "catalogue")
        & c("net_efficiency_lhv").is_not_null()
        & c("vintage").is_in(["any", ">2000"])
    ).lazy()
    m = s.select(*sk, "to_fuel_class", "capacity_mw").join(
        cc, left_on=["to_fuel_class", "to_technology"], right_on=["fuel_class", "technology"]
    )
    m = m.filter(
        (c("capacity_mw") >= c("size_min_mw").fill_null(0))
        & (c("capacity_mw") <= c("size_max_mw").fill_null(1e9))
    ).with_columns(
        _sized=c("size_min_mw").is_not_null(),
        _width=(c("size_max_mw") - c("size_min_mw")).fill_null(1e9),
        _noregion=c("capex_region").is_null(),
    )
    pe = _first(m, sk, ["_sized", "_width", "_noregion", "technology_id"], [True, False, True, False])
    s = s.join(pe.select(*sk, eta_project="net_efficiency_lhv"), on=sk, how="left", maintain_order="left")

    # Costs (issue 13), in USD of the price year, one row per technology and region. Regions tried in order:
    # the country's own, its cost_regions region, the proxy of the baseline's fuel class, the project's.
    factor = c("capex_price_year").replace_strict(to_price_year, default=None, return_dtype=pl.Float64)
    money = {
        "capex": c("capex_usd_per_kw") * factor,
        "fom": c("fixed_om_usd_per_kw_yr") * factor,
        "vom": c("variable_om_usd_per_mwh") * factor,
    }
    cap = cat.lazy().filter((c("parameter_set") == "catalogue") & c("capex_usd_per_kw").is_not_null())
    cap = _first(
        cap.with_columns(_eff=c("net_efficiency_lhv").is_null()),
        ["fuel_class", "technology", "capex_region"],
        ["_eff", "technology_id"],
        [False, False],
    ).select("fuel_class", "technology", "capex_region", "lifetime_yr", _hit=pl.lit(True), **money)
    rf = t["technology_retrofits"].lazy()
    rf = rf.select("from_technology", "to_technology", "capex_region", _hit=pl.lit(True), **money)
    proxy = sp.filter(c("parameter") == "capex_proxy_region").lazy()
    proxy = proxy.select("country_iso3", "fuel_class", _proxy="value_text")

    key_cols = ["country_iso3", "fuel_class", "technology_assumed", "to_fuel_class", "to_technology"]
    k = s.select(key_cols).unique()
    k = k.join(
        t["countries"].lazy().select("country_iso3", _r0="country_name"), on="country_iso3", how="left"
    )
    k = k.join(
        t["cost_regions"].lazy().select("country_iso3", _r1="cost_region"), on="country_iso3", how="left"
    )
    for i, fuel in ((2, "fuel_class"), (3, "to_fuel_class")):
        own = proxy.rename({"fuel_class": fuel, "_proxy": "_own"})
        anyc = proxy.filter(c("country_iso3") == "*").drop("country_iso3").rename({"fuel_class": fuel})
        k = k.join(own, on=["country_iso3", fuel], how="left").join(anyc, on=fuel, how="left")
        k = k.with_columns(c("_own").fill_null(c("_proxy")).alias(f"_r{i}")).drop("_own", "_proxy")

    def look(k: pl.LazyFrame, table: pl.LazyFrame, left: list[str], right: list[str], prefix: str):
        cols = [x for x in table.collect_schema().names() if x not in right]
        return k.join(
            table.rename({x: f"{prefix}{x}" for x in cols}), left_on=left, right_on=right, how="left"
        )

    cap_keys = ["fuel_class", "technology", "capex_region"]
    for i in range(4):
        k = look(k, cap, ["fuel_class", "technology_assumed", f"_r{i}"], cap_keys, f"a{i}")
        k = look(k, cap, ["to_fuel_class", "to_technology", f"_r{i}"], cap_keys, f"z{i}")
        k = look(
            k,
            rf,
            ["technology_assumed", "to_technology", f"_r{i}"],
            ["from_technology", "to_technology", "capex_region"],
            f"x{i}",
        )

    def first_hit(options: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
        expr = pl.when(options[0][0]).then(options[0][1])
        for hit, value in options[1:]:
            expr = expr.when(hit).then(value)
        return expr

    pair = [c(f"a{i}_hit").is_not_null() & c(f"z{i}_hit").is_not_null() for i in range(4)]
    retro = [c(f"x{i}_hit").is_not_null() for i in range(4)]
    hit = {p: [c(f"{p}{i}_hit").is_not_null() for i in range(4)] for p in "az"}
    new_from, old_from = (0, 1, 3), (0, 1, 2)
    cols = {
        f"pair_{m}": first_hit([(pair[i], c(f"z{i}{m}") - c(f"a{i}{m}")) for i in range(4)]) for m in money
    }
    cols["has_retrofit"] = pl.any_horizontal(retro)
    cols["retro_capex"] = first_hit([(retro[i], c(f"x{i}capex")) for i in range(4)])
    for m in ("fom", "vom"):
        cols[f"retro_{m}"] = first_hit([(retro[i], c(f"x{i}{m}") - c(f"a{i}{m}")) for i in range(4)])
    for m in money:
        cols[f"new_{m}"] = first_hit([(hit["z"][i], c(f"z{i}{m}")) for i in new_from])
        cols[f"old_{m}"] = first_hit([(hit["a"][i], c(f"a{i}{m}")) for i in old_from])
    cols["old_life"] = first_hit([(hit["a"][i], c(f"a{i}lifetime_yr")) for i in old_from])
    costs = k.select(*key_cols, **cols)
    s = s.join(costs, on=key_cols, how="left", nulls_equal=True, maintain_order="left")
    s = s.with_columns(has_retrofit=c("has_retrofit").fill_null(False))

    c7 = cat.filter(c("parameter_set") == "tool07_default").lazy()
    m7 = s.select(*sk, "fuel_class", "technology_assumed", "vintage").join(
        c7, left_on=["fuel_class", "technology_assumed"], right_on=["fuel_class", "technology"]
    )
    m7 = _first(
        m7.filter((c("vintage_right") == "any") | (c("vintage_right") == c("vintage"))),
        sk,
        ["technology_id"],
        [False],
    )
    s = s.join(m7.select(*sk, eta_tool07="net_efficiency_lhv"), on=sk, how="left", maintain_order="left")
    tp = cat.filter((c("parameter_set") == "top_performer") & c("net_efficiency_lhv").is_not_null()).lazy()
    mb = s.select(*sk, "fuel_class", "technology_assumed", "capacity_mw").join(
        tp, left_on=["fuel_class", "technology_assumed"], right_on=["fuel_class", "technology"]
    )
    mb = mb.with_columns(_dist=(c("size_min_mw").fill_null(c("capacity_mw")) - c("capacity_mw")).abs())
    mb = _first(mb, sk, ["_dist", "technology_id"], [False, False])
    s = s.join(mb.select(*sk, eta_bm="net_efficiency_lhv"), on=sk, how="left", maintain_order="left")

    fm = sp.filter((c("parameter") == "fuel_map") & (c("key") == "*")).join(
        fd.filter(c("is_primary")), left_on="value_text", right_on="fuel"
    )
    fm = fm.lazy().select(
        to_fuel_class="fuel_class", pf_ef="co2_ef_t_per_tj", pf_ef_upper="co2_ef_t_per_tj_upper"
    )
    s = s.join(fm, on="to_fuel_class", how="left", maintain_order="left")
    base = grid.rename({f"price_{k}": f"base_price_{k}" for k in quantiles})
    to = grid.rename({"fuel_class": "to_fuel_class", **{f"price_{k}": f"to_price_{k}" for k in quantiles}})
    s = s.join(base, on=["country_iso3", "fuel_class"], how="left", maintain_order="left")
    s = s.join(to, on=["country_iso3", "to_fuel_class"], how="left", maintain_order="left")

    case_cols = [
        "to_efficiency_lhv",
        "fuel_price_usd_per_gj",
        "capex_premium_usd_per_kw",
        "delta_om_usd_per_yr",
    ]
    case_cols += ["discount_rate", "lifetime_yr"]
    extra = pc.lazy().select("case_id", *[c(x).alias(f"pc_{x}") for x in case_cols])
    s = s.join(extra, left_on="unit_id", right_on="case_id", how="left", maintain_order="left")
    is_case = c("unit_source") == "case"
    s = s.with_columns(*[pl.when(is_case).then(c(f"pc_{x}")).alias(f"pc_{x}") for x in case_cols])

    same_fuel = c("fuel_class") == c("to_fuel_class")
    s = s.with_columns(
        efficiency_project_lhv=c("pc_to_efficiency_lhv").fill_null(c("eta_project")),
        _eta_tool07=c("eta_tool07").fill_null(0),
        _eta_bm=c("eta_bm").fill_null(c("efficiency_lhv_high")).fill_null(0),
        _ef_central=pl.when(same_fuel).then(c("co2_ef_t_per_tj")).otherwise(c("pf_ef")),
        _ef_conservative=pl.when(same_fuel).then(c("co2_ef_t_per_tj_lower")).otherwise(c("pf_ef_upper")),
        _same_fuel=same_fuel.fill_null(False),
        **{f"_base_{k}": c("pc_fuel_price_usd_per_gj").fill_null(c(f"base_price_{k}")) for k in quantiles},
    )
    s = s.with_columns(
        fuel_price_usd_per_gj=c("_base_central"),
        **{
            f"_project_{k}": pl.when(same_fuel).then(c(f"_base_{k}")).otherwise(c(f"to_price_{k}"))
            for k in quantiles
        },
        # The decision by unit status and its cost basis.
        decision=pl.when(is_case | (c("status") != "operating"))
        .then(pl.lit("build_instead"))
        .when(c("has_retrofit"))
        .then(pl.lit("retrofit"))
        .otherwise(pl.lit("replace")),
    )
    replace = c("decision") == "replace"
    retrofit = ~replace & c("has_retrofit")
    pair_capex = pl.when(c("pair_capex") > 0).then(c("pair_capex"))  # not positive: unknown
    per_kw = pl.when(replace).then(c("new_capex")).when(retrofit).then(c("retro_capex")).otherwise(pair_capex)
    fom = (
        pl.when(replace)
        .then(c("new_fom") - c("old_fom"))
        .when(retrofit)
        .then(c("retro_fom"))
        .otherwise(c("pair_fom"))
    )
    vom = (
        pl.when(replace)
        .then(c("new_vom") - c("old_vom"))
        .when(retrofit)
        .then(c("retro_vom"))
        .otherwise(c("pair_vom"))
    )
    remaining = pl.max_horizontal(pl.lit(0.0), c("start_year") + c("old_life") - analysis_year)
    stranded = c("old_capex") * c("capacity_mw") * 1000 * remaining / c("old_life")
    gen = c("net_generation_mwh_per_yr")
    s = s.with_columns(
        incremental_capex_usd=c("pc_capex_premium_usd_per_kw").fill_null(per_kw) * c("capacity_mw") * 1000,
        stranded_value_usd=pl.when(replace).then(stranded).otherwise(0.0),
        delta_om_usd_per_yr=c("pc_delta_om_usd_per_yr").fill_null(fom * c("capacity_mw") * 1000 + vom * gen),
        discount_rate=c("pc_discount_rate").fill_null(discount_rate),
        lifetime_yr=c("pc_lifetime_yr").fill_null(lifetime_yr),
        efficiency_reference_lhv=pl.max_horizontal("efficiency_lhv", "_eta_tool07", "_eta_bm"),
        project_fuel_tj_per_yr=gen * 0.0036 / c("efficiency_project_lhv"),
    )
    r, n = c("discount_rate"), c("lifetime_yr")
    s = s.with_columns(
        upfront_cost_usd=c("incremental_capex_usd") + c("stranded_value_usd"),
        project_co2_t_per_yr=c("project_fuel_tj_per_yr") * c("_ef_central"),
        _project_conservative=c("project_fuel_tj_per_yr") * c("_ef_conservative"),
        reference_co2_t_per_yr=gen * 0.0036 / c("efficiency_reference_lhv") * c("co2_ef_t_per_tj_lower"),
        is_upgrade=(
            c("_ef_central") / c("efficiency_project_lhv") < c("co2_ef_t_per_tj") / c("efficiency_lhv")
        ).fill_null(False),
        crf=pl.when(r == 0).then(1 / n).otherwise(r * (1 + r) ** n / ((1 + r) ** n - 1)),
        **{
            f"_savings_{k}": c("fuel_tj_per_yr") * 1000 * c(f"_base_{k}")
            - c("project_fuel_tj_per_yr") * 1000 * c(f"_project_{k}")
            for k in quantiles
        },
    )
    s = s.with_columns(
        reduction_bau_t_per_yr=c("co2_t_per_yr") - c("project_co2_t_per_yr"),
        reduction_creditable_t_per_yr=pl.when(c("is_upgrade"))
        .then(pl.max_horizontal(pl.lit(0.0), c("reference_co2_t_per_yr") - c("_project_conservative")))
        .otherwise(0.0),
        fuel_savings_usd_per_yr=c("_savings_central"),
        annualised_cost_usd_per_yr=c("upfront_cost_usd") * c("crf") + c("delta_om_usd_per_yr"),
    )
    # The investment test: NPV without credits at the hurdle rate, at each fuel price.
    annuity = (1 - (1 + hurdle) ** -c("lifetime_yr")) / hurdle if hurdle else c("lifetime_yr")
    npv = {
        k: -c("upfront_cost_usd") + (c(f"_savings_{k}") - c("delta_om_usd_per_yr")) * annuity
        for k in quantiles
    }
    known = (
        npv["low"].is_not_null() & npv["central"].is_not_null() & npv["high"].is_not_null() & c("is_upgrade")
    )
    s = s.with_columns(
        mac_usd_per_t=pl.when(c("reduction_bau_t_per_yr") > 0).then(
            (c("annualised_cost_usd_per_yr") - c("fuel_savings_usd_per_yr")) / c("reduction_bau_t_per_yr")
        ),
        additionality=pl.when(~known)
        .then(None)
        .when(npv["central"] >= 0)
        .then(pl.lit("not_additional"))
        .when((npv["low"] >= 0) | (npv["high"] >= 0))
        .then(pl.lit("depends_on_price"))
        .otherwise(pl.lit("additional")),
        swap_type=pl.when(same_fuel).then(pl.lit("efficiency_upgrade")).otherwise(pl.lit("fuel_switch")),
        sector="power_" + c("fuel_class"),
        swap_id=c("baseline_id") + ":" + c("to_technology"),
        baseline_co2_t_per_yr=c("co2_t_per_yr"),
    )
    # Grid-displacement projects, steel measures and end-use programmes come from their own marts, as they are.
    held = [t[name].lazy() for name in UNIONED if name in t and t[name].height]
    return pl.concat([s, *held], how="diagonal_relaxed") if held else s


def _hosts(t: dict[str, pl.DataFrame]) -> list[str]:
    countries = t["countries"].filter(c("is_host_country"))["country_iso3"]
    return sorted(set(countries) | set(t["agreements"]["host_country_iso3"]))


def _in_scope() -> pl.Expr:
    """Rows of (swap x agreement) whose target, swap type and status the agreement lists."""

    def listed(column: str, value: str) -> pl.Expr:
        return c(column).str.split(";").list.contains(c(value)).fill_null(False)

    return (
        listed("eligible_to_technologies", "to_technology")
        & listed("eligible_swap_types", "swap_type")
        & listed("eligible_statuses", "status")
    )


def chosen_options(s: pl.LazyFrame, t: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """One option per host-country unit: in an agreement's scope (any agreement of the host; none: all),
    not_additional left out, tested before untested, the largest creditable reduction, the lowest MAC."""
    agreements = t["agreements"].lazy()
    u = s.filter(
        c("is_upgrade")
        & (c("unit_source") != "case")
        & (c("reduction_creditable_t_per_yr") > 0)
        & c("country_iso3").is_in(_hosts(t))
    )
    covered = u.join(agreements, left_on="country_iso3", right_on="host_country_iso3").filter(_in_scope())
    covered = covered.select("swap_id").unique().with_columns(_covered=pl.lit(True))
    no_agreement = ~c("country_iso3").is_in(t["agreements"]["host_country_iso3"].unique().to_list())
    o = u.join(covered, on="swap_id", how="left", maintain_order="left")
    o = o.filter(c("_covered").fill_null(False) | no_agreement)
    o = o.filter(c("additionality").fill_null("") != "not_additional").with_columns(
        _untested=c("additionality").is_null(), _mac=c("mac_usd_per_t").fill_null(float("inf"))
    )
    o = _first(
        o,
        KEYS,
        ["_untested", "reduction_creditable_t_per_yr", "_mac", "swap_id"],
        [False, True, False, False],
    )
    return o.with_columns(
        status_group=pl.when(c("status") == "operating")
        .then(pl.lit("operating"))
        .otherwise(pl.lit("pipeline"))
    )


def credits(o: pl.LazyFrame, agreements: pl.DataFrame) -> pl.LazyFrame:
    e = o.join(agreements.lazy(), left_on="country_iso3", right_on="host_country_iso3").filter(_in_scope())
    e = e.with_columns(
        credited_t_per_yr=c("reduction_creditable_t_per_yr")
        * (1 - c("haircut"))
        * (1 - c("sop_share") - c("omge_share"))
    )
    return e.with_columns(
        host_credits_t_per_yr=c("credited_t_per_yr") * c("host_share"),
        partner_credits_t_per_yr=c("credited_t_per_yr") * (1 - c("host_share")),
    )


def host_country_programmes(o: pl.LazyFrame, cr: pl.LazyFrame) -> pl.LazyFrame:
    credited = cr.group_by("swap_id").agg(c("credited_t_per_yr").max())
    o = o.drop("credited_t_per_yr", strict=False).join(credited, on="swap_id", how="left")
    keys = ["country_iso3", "sector", "swap_type", "to_technology", "status_group"]
    sums = ["capacity_mw", "baseline_co2_t_per_yr", "reduction_bau_t_per_yr", "reduction_creditable_t_per_yr"]
    sums += ["credited_t_per_yr", "incremental_capex_usd"]
    return (
        o.drop_nulls(keys)  # pandas' groupby drops rows with a null key
        .group_by(keys)
        .agg(
            c("unit_id").n_unique().alias("units"),
            *[c(x).sum() for x in sums],
            c("mac_usd_per_t").mean().alias("mac_mean_usd_per_t"),
            c("mac_usd_per_t").median().alias("mac_median_usd_per_t"),
        )
    )


def run(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The five marts, each collected once, as the SQL writes each mart as a table: a single plan of the
    whole chain re-plans the upstream marts in every branch that reads them (minutes at 20 k units)."""
    b = plant_baselines(tables).collect()
    s = technology_swaps(b.lazy(), tables).collect()
    o = chosen_options(s.lazy(), tables).collect()
    cr, p = pl.collect_all(
        [
            credits(o.lazy(), tables["agreements"]),
            host_country_programmes(o.lazy(), credits(o.lazy(), tables["agreements"])),
        ]
    )
    return {
        "plant_baselines": b,
        "technology_swaps": s,
        "chosen_options": o,
        "credits": cr,
        "host_country_programmes": p,
    }
