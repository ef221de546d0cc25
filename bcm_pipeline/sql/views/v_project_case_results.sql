-- User project cases (cases/*.yaml, or `bcm case <file>`) evaluated by the same SQL as tracker units.
-- Stable analyst view: names and columns change only with a note in the README.
SELECT
    case_id,
    country_iso3,
    from_technology,
    to_technology,
    capacity_mw,
    net_generation_mwh_per_yr,
    efficiency_bau_lhv,
    efficiency_reference_lhv,
    efficiency_project_lhv,
    baseline_co2_t_per_yr,
    reduction_bau_t_per_yr,
    reduction_creditable_t_per_yr,
    crediting_basis,
    credit_share,
    credited_t_per_yr,
    credit_price_usd_per_t,
    fuel_savings_usd_per_yr,
    incremental_capex_usd,
    simple_payback_yr,
    simple_payback_no_credits_yr,
    npv_usd,
    npv_no_credits_usd,
    mac_usd_per_t,
    breakeven_credit_price_usd_per_t,
    flags
FROM project_case_results
