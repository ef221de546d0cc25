-- project_case_results: one row per user project case (cases/*.yaml), evaluated by the same
-- plant_baselines and technology_swaps SQL as tracker units; here the case's credit share and price.
-- Credited = reduction on the case's crediting basis (BAU or conservative) x credit share.
-- Grid-displacement cases (solar PV, wind, efficiency) come through grid_displacement_swaps: no fuel of
-- their own; their fuel savings are the fuel cost of the operating margin they displace, less their O&M.
-- End-use programmes (issue 16) come through end_use_swaps: their savings are electricity bills.
-- The investment test (technology_swaps: NPV without credits at the hurdle rate, low / central / high fuel
-- price) is shown beside the same NPV with the case's credits over its lifetime.
-- Under an agreement (the case's agreement_id): credited x (1 - haircut) x (1 - SOP - OMGE) when the agreement
-- covers the case (its host, target technology and swap type), else 0 with a flag; the agreement's price
-- unless the case gives one.

WITH
agreed AS (
    SELECT pc.case_id, a.agreement_id IS NOT NULL AS agreement_found,
        a.host_country_iso3 = pc.country_iso3
            AND list_contains(string_split(a.eligible_to_technologies, ';'), pc.to_technology)
            AND list_contains(string_split(a.eligible_swap_types, ';'), s.swap_type) AS agreement_covers,
        (1 - a.haircut) * (1 - a.sop_share - a.omge_share) AS agreement_keep,
        a.credit_price_usd_per_t AS agreement_price
    FROM project_cases AS pc
    JOIN technology_swaps AS s ON s.unit_source = 'case' AND s.unit_id = pc.case_id
    LEFT JOIN agreements AS a ON a.agreement_id = pc.agreement_id
    WHERE pc.agreement_id IS NOT NULL
),

cases AS (
    SELECT s.* RENAME (npv_usd AS npv_no_credits_usd, flags AS swap_flags), pc.credit_share,
        coalesce(pc.credit_price_usd_per_t, g.agreement_price, 0) AS credit_price_usd_per_t, pc.crediting_basis,
        pc.agreement_id,
        CASE pc.crediting_basis WHEN 'bau' THEN s.reduction_bau_t_per_yr
             ELSE s.reduction_creditable_t_per_yr END * pc.credit_share
            * CASE WHEN pc.agreement_id IS NULL THEN 1 WHEN g.agreement_covers THEN g.agreement_keep ELSE 0 END
            AS credited_t_per_yr,
        nullif(concat_ws(';', s.flags,
            CASE WHEN pc.agreement_id IS NOT NULL AND NOT coalesce(g.agreement_found, false)
                 THEN 'unknown_agreement:' || pc.agreement_id || ' (no credits)'
                 WHEN pc.agreement_id IS NOT NULL AND NOT coalesce(g.agreement_covers, false)
                 THEN 'agreement_does_not_cover:' || pc.agreement_id || ' (host, technology or swap type; no credits)'
            END), '') AS flags
    FROM technology_swaps AS s
    JOIN project_cases AS pc ON s.unit_source = 'case' AND s.unit_id = pc.case_id
    LEFT JOIN agreed AS g ON g.case_id = pc.case_id
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
    agreement_id,
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
