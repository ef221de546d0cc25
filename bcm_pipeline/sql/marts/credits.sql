-- credits: creditable t/yr per unit x bilateral agreement (the unit's chosen option only: chosen_options),
-- split host / partner, with the economics of each party (methodology notes §6).
-- C = creditable reduction x (1 - haircut) x (1 - SOP share - OMGE share); host gets host_share x C.
-- Only options the agreement covers appear: host country, eligible target technology, swap type and status,
-- a creditable reduction above zero, a unit not already CDM-registered (a JCM project on the unit: its t/yr
-- is deducted from C first). Project cases are reported in project_case_results.
-- Perspectives:
--   developer: fuel savings - dO&M, the capex subsidy, and the credits it sells. The subsidy is linked to
--       credit delivery: where the partner pays a capex subsidy it receives the non-host credits for it (JCM
--       Model Projects), so the developer sells none; where it pays none, the developer sells them at the
--       agreement's price;
--   host government: its credit share (host_credits_*);
--   partner government: the subsidy it pays per tonne it receives (or the credit price it pays);
--   society: no transfers (npv_society_usd = technology_swaps.npv_usd).
-- Break-even credit price (§6): p* = (upfront x CRF + dO&M - fuel savings) / (C x (1 - s)), the price at which
-- the credits not kept by the host cover the net annual cost over the lifetime.

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
    WHERE s.swap_id IN (SELECT swap_id FROM chosen_options)
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
        -- least() skips a null lifetime (an efficiency project without one): the crediting period then.
        least(e.crediting_period_yr, e.lifetime_yr) AS credited_years,
        -- A subsidy pays a share of the capex (an upgrade's is positive or unknown: technology_swaps).
        e.incremental_capex_usd * e.capex_subsidy_share AS capex_subsidy_usd,
        -- Fuel savings (a grid project: the fuel cost of the margin it displaces) - dO&M; a missing fuel
        -- price or O&M leaves it null, for grid projects as for plant swaps.
        e.fuel_savings_usd_per_yr - e.delta_om_usd_per_yr AS net_savings_usd_per_yr,
        e.fuel_savings_low_usd_per_yr - e.delta_om_usd_per_yr AS net_savings_low_usd_per_yr,
        e.fuel_savings_high_usd_per_yr - e.delta_om_usd_per_yr AS net_savings_high_usd_per_yr
    FROM eligible AS e
),

parties AS (
    SELECT
        c.*,
        c.credited_t_per_yr * c.host_share AS host_credits_t_per_yr,
        c.credited_t_per_yr * (1 - c.host_share) AS partner_credits_t_per_yr,
        -- Without a subsidy the partner buys its credits at the agreement's price.
        c.capex_subsidy_share > 0 AS subsidy_for_credits,
        CASE WHEN c.capex_subsidy_share > 0 THEN 0
             ELSE c.credited_t_per_yr * (1 - c.host_share) END AS developer_credits_t_per_yr,
        -- Present value of 1 USD a year over the credited years, at the discount rate and at the hurdle rate.
        CASE WHEN c.discount_rate = 0 THEN c.credited_years
             ELSE (1 - pow(1 + c.discount_rate, -c.credited_years)) / c.discount_rate END AS credit_annuity,
        CASE WHEN c.hurdle_rate = 0 THEN c.credited_years
             ELSE (1 - pow(1 + c.hurdle_rate, -c.credited_years)) / c.hurdle_rate END AS credit_annuity_hurdle,
        CASE WHEN c.hurdle_rate = 0 THEN c.lifetime_yr
             ELSE (1 - pow(1 + c.hurdle_rate, -c.lifetime_yr)) / c.hurdle_rate END AS lifetime_annuity_hurdle
    FROM credited AS c
),

developer AS (
    SELECT
        p.*,
        p.developer_credits_t_per_yr * p.credit_price_usd_per_t AS developer_credit_revenue_usd_per_yr,
        -- A grid project's upfront cost is its capex (nothing retired): null capex stays null.
        -p.upfront_cost_usd + p.capex_subsidy_usd
            + p.developer_credits_t_per_yr * p.credit_price_usd_per_t * p.credit_annuity_hurdle AS dev_base_hurdle
    FROM parties AS p
)

SELECT
    d.agreement_id || '|' || d.swap_id AS credit_id,
    d.agreement_id,
    d.swap_id,
    d.unit_id,
    d.country_iso3 AS host_country_iso3,
    d.partner_country_iso3,
    d.sector,
    d.swap_type,
    d.from_technology,
    d.to_technology,
    d.status,
    d.decision,
    d.additionality,
    d.reduction_creditable_t_per_yr,
    d.haircut,
    d.sop_share,
    d.omge_share,
    d.credited_t_per_yr,
    d.host_share,
    d.host_credits_t_per_yr,
    d.partner_credits_t_per_yr,
    d.credit_price_usd_per_t,
    d.host_credits_t_per_yr * d.credit_price_usd_per_t AS host_revenue_usd_per_yr,
    d.partner_credits_t_per_yr * d.credit_price_usd_per_t AS partner_revenue_usd_per_yr,
    d.crediting_period_yr,
    d.credited_t_per_yr * d.credited_years AS credited_over_period_t,
    d.host_credits_t_per_yr * d.credited_years AS host_credits_over_period_t,
    d.partner_credits_t_per_yr * d.credited_years AS partner_credits_over_period_t,
    d.capex_subsidy_share,
    d.capex_subsidy_usd,
    CASE WHEN d.subsidy_for_credits THEN 'partner_government' ELSE 'developer' END AS partner_credits_to,
    d.developer_credits_t_per_yr,
    d.developer_credit_revenue_usd_per_yr,
    -- Partner government: USD paid per tonne received (the subsidy, or the credit price it buys at).
    CASE WHEN NOT d.subsidy_for_credits THEN d.credit_price_usd_per_t
         WHEN d.partner_credits_t_per_yr * d.credited_years > 0
         THEN d.capex_subsidy_usd / (d.partner_credits_t_per_yr * d.credited_years) END
        AS partner_cost_usd_per_t,
    -- Developer at the discount rate, central fuel price: the subsidy and its own credit sales, never both
    -- for the same tonnes.
    -d.upfront_cost_usd + d.capex_subsidy_usd + d.net_savings_usd_per_yr / d.crf
        + d.developer_credit_revenue_usd_per_yr * d.credit_annuity AS npv_with_credits_usd,
    d.dev_base_hurdle + d.net_savings_low_usd_per_yr * d.lifetime_annuity_hurdle AS developer_npv_hurdle_low_usd,
    d.dev_base_hurdle + d.net_savings_usd_per_yr * d.lifetime_annuity_hurdle AS developer_npv_hurdle_central_usd,
    d.dev_base_hurdle + d.net_savings_high_usd_per_yr * d.lifetime_annuity_hurdle
        AS developer_npv_hurdle_high_usd,
    d.dev_base_hurdle + d.net_savings_usd_per_yr * d.lifetime_annuity_hurdle >= 0 AS passes_hurdle_with_credits,
    d.npv_usd AS npv_society_usd,
    -- greatest() skips nulls: the explicit null test keeps an unknown cost from reading as a price of 0.
    CASE WHEN d.partner_credits_t_per_yr > 0
            AND d.upfront_cost_usd * d.crf - d.net_savings_usd_per_yr IS NOT NULL
         THEN greatest(0, (d.upfront_cost_usd * d.crf - d.net_savings_usd_per_yr) / d.partner_credits_t_per_yr)
    END AS breakeven_credit_price_usd_per_t
FROM developer AS d
