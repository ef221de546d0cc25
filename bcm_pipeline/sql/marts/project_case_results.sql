-- project_case_results: one row per user project case (cases/*.yaml), evaluated by the same
-- plant_baselines and technology_swaps SQL as tracker units; here the case's credit share and price.
-- Credited = reduction on the case's crediting basis (BAU or conservative) x credit share.
-- Grid-displacement cases (solar PV, wind, efficiency) come through grid_displacement_swaps: no fuel of
-- their own; their fuel savings are the fuel cost of the operating margin they displace, less their O&M.
-- The investment test (technology_swaps: NPV without credits at the hurdle rate, low / central / high fuel
-- price) is shown beside the same NPV with the case's credits over its lifetime.

WITH
cases AS (
    SELECT s.* RENAME (npv_usd AS npv_no_credits_usd), pc.credit_share, pc.credit_price_usd_per_t, pc.crediting_basis,
        CASE pc.crediting_basis WHEN 'bau' THEN s.reduction_bau_t_per_yr
             ELSE s.reduction_creditable_t_per_yr END * pc.credit_share AS credited_t_per_yr
    FROM technology_swaps AS s
    JOIN project_cases AS pc ON s.unit_source = 'case' AND s.unit_id = pc.case_id
),

flows AS (
    SELECT c.*,
        c.credited_t_per_yr * c.credit_price_usd_per_t AS credit_revenue_usd_per_yr,
        CASE WHEN c.hurdle_rate = 0 THEN c.lifetime_yr
             ELSE (1 - pow(1 + c.hurdle_rate, -c.lifetime_yr)) / c.hurdle_rate END AS hurdle_annuity,
        -- Grid cases as plant cases: an unknown value of the electricity or O&M stays null.
        c.fuel_savings_usd_per_yr - c.delta_om_usd_per_yr AS net_savings_usd_per_yr,
        c.fuel_savings_usd_per_yr AS net_fuel_savings_usd_per_yr
    FROM cases AS c
)

SELECT
    unit_id AS case_id,
    country_iso3,
    from_technology,
    to_technology,
    swap_type,
    capacity_mw,
    net_generation_mwh_per_yr,
    efficiency_bau_lhv,
    efficiency_reference_lhv,
    efficiency_project_lhv,
    grid_ef_bau_t_per_mwh,
    grid_ef_reference_t_per_mwh,
    baseline_co2_t_per_yr,
    project_co2_t_per_yr,
    reduction_bau_t_per_yr,
    reduction_creditable_t_per_yr,
    reference_rule,
    crediting_basis,
    credit_share,
    credited_t_per_yr,
    credit_price_usd_per_t,
    credit_revenue_usd_per_yr,
    fuel_saved_tj_per_yr,
    fuel_saved_t_per_yr,
    fuel_price_usd_per_gj,
    fuel_savings_usd_per_yr,
    delta_om_usd_per_yr,
    incremental_capex_usd,
    discount_rate,
    lifetime_yr,
    crf,
    annualised_cost_usd_per_yr,
    -- Credits earned over the whole lifetime here (the paper's reading); agreements cap them in credits.
    CASE WHEN net_savings_usd_per_yr + credit_revenue_usd_per_yr > 0
         THEN upfront_cost_usd / (net_savings_usd_per_yr + credit_revenue_usd_per_yr) END AS simple_payback_yr,
    CASE WHEN net_savings_usd_per_yr > 0 THEN upfront_cost_usd / net_savings_usd_per_yr END
        AS simple_payback_no_credits_yr,
    -upfront_cost_usd + (net_savings_usd_per_yr + credit_revenue_usd_per_yr) / crf AS npv_usd,
    npv_no_credits_usd,
    mac_usd_per_t,
    -- greatest() skips nulls: the explicit null test keeps an unknown cost from reading as a price of 0.
    CASE WHEN credited_t_per_yr > 0 AND annualised_cost_usd_per_yr - net_fuel_savings_usd_per_yr IS NOT NULL
         THEN greatest(0, (annualised_cost_usd_per_yr - net_fuel_savings_usd_per_yr) / credited_t_per_yr) END
        AS breakeven_credit_price_usd_per_t,
    flags,
    decision,
    cost_basis,
    hurdle_rate,
    npv_hurdle_low_usd AS npv_hurdle_no_credits_low_usd,
    npv_hurdle_central_usd AS npv_hurdle_no_credits_usd,
    npv_hurdle_high_usd AS npv_hurdle_no_credits_high_usd,
    -upfront_cost_usd + (net_savings_usd_per_yr + credit_revenue_usd_per_yr) * hurdle_annuity
        AS npv_hurdle_with_credits_usd,
    -upfront_cost_usd + (net_savings_usd_per_yr + credit_revenue_usd_per_yr) * hurdle_annuity >= 0
        AS passes_hurdle_with_credits,
    additionality,
    additionality_rule
FROM flows
