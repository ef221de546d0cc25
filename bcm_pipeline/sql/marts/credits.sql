-- credits: creditable t/yr per unit x swap x bilateral agreement, split host / partner, with revenue.
-- C = creditable reduction x (1 - haircut) x (1 - SOP share - OMGE share); host gets host_share x C.
-- Only swaps the agreement covers appear: host country, eligible target technology, swap type and status,
-- an upgrade with a creditable reduction above zero, a unit not already CDM-registered (a JCM project on
-- the unit: its t/yr is deducted from C first). Project cases are reported in project_case_results.

WITH
-- >>> Nesting (issue 15): units already under a CDM or JCM project (registered_unit_matches, one rule per
-- row). 'excluded': no new credits; 'netted': the registered project's t/yr is deducted first.
nesting AS (
    SELECT unit_source, unit_id,
        bool_or(nesting_rule = 'excluded') AS nesting_excluded,
        CAST(coalesce(sum(CAST(netted_t_per_yr AS DECIMAL(38, 6))) FILTER (WHERE nesting_rule = 'netted'), 0)
            AS DOUBLE) AS nesting_netted_t_per_yr
    FROM registered_unit_matches
    GROUP BY ALL
),
-- <<< Nesting

eligible AS (
    SELECT s.*, a.*, coalesce(n.nesting_netted_t_per_yr, 0) AS nesting_netted_t_per_yr
    FROM technology_swaps AS s
    JOIN agreements AS a ON a.host_country_iso3 = s.country_iso3
    LEFT JOIN nesting AS n ON n.unit_source = s.unit_source AND n.unit_id = s.unit_id
    WHERE s.unit_source <> 'case'
        AND s.is_upgrade
        AND s.reduction_creditable_t_per_yr - coalesce(n.nesting_netted_t_per_yr, 0) > 0
        AND NOT coalesce(n.nesting_excluded, false)
        AND list_contains(string_split(a.eligible_to_technologies, ';'), s.to_technology)
        AND list_contains(string_split(a.eligible_swap_types, ';'), s.swap_type)
        AND list_contains(string_split(a.eligible_statuses, ';'), s.status)
),

credited AS (
    SELECT
        e.*,
        (e.reduction_creditable_t_per_yr - e.nesting_netted_t_per_yr) * (1 - e.haircut)
            * (1 - e.sop_share - e.omge_share) AS credited_t_per_yr,
        -- Present value of 1 USD a year over the crediting period (capped at the economic lifetime).
        CASE WHEN e.discount_rate = 0 THEN least(e.crediting_period_yr, e.lifetime_yr)
             ELSE (1 - pow(1 + e.discount_rate, -least(e.crediting_period_yr, e.lifetime_yr))) / e.discount_rate
        END AS credit_annuity_factor,
        e.incremental_capex_usd * e.capex_subsidy_share AS capex_subsidy_usd,
        -- A grid-displacement project burns no fuel and counts no O&M: nothing saved (0, not unknown);
        -- a plant swap without a fuel price stays null.
        CASE WHEN e.swap_type = 'grid_displacement'
             THEN coalesce(e.fuel_savings_usd_per_yr, 0) - coalesce(e.delta_om_usd_per_yr, 0)
             ELSE e.fuel_savings_usd_per_yr - e.delta_om_usd_per_yr END AS net_savings_usd_per_yr
    FROM eligible AS e
)

SELECT
    c.agreement_id || '|' || c.swap_id AS credit_id,
    c.agreement_id,
    c.swap_id,
    c.unit_id,
    c.country_iso3 AS host_country_iso3,
    c.partner_country_iso3,
    c.sector,
    c.swap_type,
    c.from_technology,
    c.to_technology,
    c.status,
    c.reduction_creditable_t_per_yr,
    c.haircut,
    c.sop_share,
    c.omge_share,
    c.credited_t_per_yr,
    c.host_share,
    c.credited_t_per_yr * c.host_share AS host_credits_t_per_yr,
    c.credited_t_per_yr * (1 - c.host_share) AS partner_credits_t_per_yr,
    c.credit_price_usd_per_t,
    c.credited_t_per_yr * c.host_share * c.credit_price_usd_per_t AS host_revenue_usd_per_yr,
    c.credited_t_per_yr * (1 - c.host_share) * c.credit_price_usd_per_t AS partner_revenue_usd_per_yr,
    c.crediting_period_yr,
    -- least() skips a null lifetime (an efficiency project without one): the crediting period then.
    c.credited_t_per_yr * least(c.crediting_period_yr, c.lifetime_yr) AS credited_over_period_t,
    c.capex_subsidy_share,
    c.capex_subsidy_usd,
    -- Partner-side view: capex net of the subsidy, fuel savings less dO&M over the lifetime, and the
    -- partner's credits sold at the agreement price over the crediting period.
    -c.incremental_capex_usd + c.capex_subsidy_usd
        + c.net_savings_usd_per_yr / c.crf
        + c.credited_t_per_yr * (1 - c.host_share) * c.credit_price_usd_per_t * c.credit_annuity_factor
        AS npv_with_credits_usd,
    -- Credit price at which that NPV is zero.
    CASE WHEN c.credited_t_per_yr * (1 - c.host_share) > 0 THEN greatest(0,
        (c.incremental_capex_usd - c.capex_subsidy_usd
            - c.net_savings_usd_per_yr / c.crf)
        / (c.credited_t_per_yr * (1 - c.host_share) * c.credit_annuity_factor)) END
        AS breakeven_credit_price_usd_per_t
FROM credited AS c
