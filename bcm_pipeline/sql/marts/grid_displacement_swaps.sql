-- Grid-displacement swaps (solar PV, wind, efficiency): the grid rows of technology_swaps, which unions them.
-- Two kinds of row, one SQL: a representative project per host country (grid_project_defaults) and each
-- user project case of kind grid_displacement (project_cases; its own values win over the defaults).
-- BAU baseline: MWh × our combined margin with the project type's TOOL07 weights (unit data where there are
-- any, else the estimate, else IFI's CM); creditable reference: MWh × the conservative crediting factor.
-- A case's grid_ef_t_per_mwh (a documented factor) replaces both, like a measured fuel EF in a plant case.
-- The project burns nothing (project CO2 0). Economics count capex only: no energy revenue, no O&M.
WITH hosts AS (
    SELECT country_iso3 FROM countries WHERE is_host_country
),
defaults AS (  -- a country's own row wins over the '*' default
    SELECT h.country_iso3, d.*
    EXCLUDE (country_iso3)
    FROM hosts h
    JOIN grid_project_defaults d ON d.country_iso3 IN (h.country_iso3, '*')
    QUALIFY row_number() OVER (PARTITION BY h.country_iso3, d.to_technology
                               ORDER BY d.country_iso3 = '*') = 1
),
case_defaults AS (  -- the default row behind each grid case (for what the case leaves out)
    SELECT pc.case_id, d.*
    EXCLUDE (country_iso3, to_technology)
    FROM project_cases pc
    JOIN grid_project_defaults d
        ON d.to_technology = pc.to_technology AND d.country_iso3 IN (pc.country_iso3, '*')
    WHERE pc.kind = 'grid_displacement'
    QUALIFY row_number() OVER (PARTITION BY pc.case_id ORDER BY d.country_iso3 = '*') = 1
),
projects AS (
    SELECT 'grid_project_defaults' AS unit_source,
           'grid:' || country_iso3 || ':' || to_technology AS unit_id,
           'proposed' AS status,  -- a new project, not yet built: agreements admit it by this status
           country_iso3, to_technology, sector, capacity_mw, capacity_factor, net_generation_mwh_per_yr,
           capex_usd_per_kw, CAST(lifetime_yr AS DOUBLE) AS lifetime_yr, discount_rate, crediting_period,
           CAST(NULL AS DOUBLE) AS case_grid_ef_t_per_mwh
    FROM defaults
    UNION ALL BY NAME
    SELECT 'case' AS unit_source, pc.case_id AS unit_id, 'case' AS status, pc.country_iso3, pc.to_technology,
           CASE pc.to_technology WHEN 'efficiency' THEN 'grid_efficiency' ELSE 'grid_renewable' END AS sector,
           pc.capacity_mw,
           pc.capacity_factor,
           pc.net_generation_mwh_per_yr,
           coalesce(pc.capex_usd_per_kw, d.capex_usd_per_kw) AS capex_usd_per_kw,
           CAST(coalesce(pc.lifetime_yr, d.lifetime_yr) AS DOUBLE) AS lifetime_yr,
           coalesce(pc.discount_rate, d.discount_rate) AS discount_rate,
           coalesce(pc.crediting_period, 1) AS crediting_period,
           pc.grid_ef_t_per_mwh AS case_grid_ef_t_per_mwh
    FROM project_cases pc
    LEFT JOIN case_defaults d USING (case_id)
    WHERE pc.kind = 'grid_displacement'
),
sized AS (
    SELECT *,
           coalesce(net_generation_mwh_per_yr, capacity_mw * capacity_factor * 8760) AS mwh,
           CASE WHEN to_technology IN ('solar_pv', 'wind') THEN 'cm_0.75_0.25'
                WHEN crediting_period = 1 THEN 'cm_0.5_0.5' ELSE 'cm_0.25_0.75' END AS cm_method,
           CASE WHEN to_technology IN ('solar_pv', 'wind') THEN 'cm_intermittent' ELSE 'cm_efficiency' END AS ifi_method
    FROM projects
),
computed_cm AS (  -- latest period; unit data before estimate; none where the LCMR test fails
    SELECT country_iso3, method, ef_t_per_mwh, is_estimate, period
    FROM grid_margins_computed
    WHERE margin = 'CM' AND simple_om_allowed
    QUALIFY row_number() OVER (PARTITION BY country_iso3, method ORDER BY is_estimate, period DESC) = 1
),
bau AS (
    SELECT s.*,
           coalesce(s.case_grid_ef_t_per_mwh, c.ef_t_per_mwh, i.ef_t_per_mwh) AS bau_ef_t_per_mwh,
           CASE WHEN s.case_grid_ef_t_per_mwh IS NOT NULL THEN 'bau_cm=case grid_ef_t_per_mwh'
                WHEN c.ef_t_per_mwh IS NOT NULL
                THEN 'bau_cm=computed ' || s.cm_method || ' ' || c.period || CASE WHEN c.is_estimate THEN ' (estimate)' ELSE '' END
                WHEN i.ef_t_per_mwh IS NOT NULL THEN 'bau_cm=ifi ' || s.ifi_method
                ELSE 'no_grid_factor:set grid_ef_t_per_mwh' END AS bau_flag
    FROM sized s
    LEFT JOIN computed_cm c ON c.country_iso3 = s.country_iso3 AND c.method = s.cm_method
    LEFT JOIN grid_emission_factors i
        ON i.country_iso3 = s.country_iso3 AND i.source = 'ifi' AND i.method = s.ifi_method
),
priced AS (
    SELECT b.*,
           coalesce(b.case_grid_ef_t_per_mwh, f.ef_t_per_mwh) AS reference_ef_t_per_mwh,
           CASE WHEN b.case_grid_ef_t_per_mwh IS NOT NULL
                THEN 'case grid_ef_t_per_mwh (documented factor), BAU and reference' ELSE f.rule END AS rule,
           b.capex_usd_per_kw * b.capacity_mw * 1000 AS capex_usd,
           CASE WHEN b.discount_rate = 0 THEN 1 / b.lifetime_yr
                ELSE b.discount_rate / (1 - power(1 + b.discount_rate, -b.lifetime_yr)) END AS crf
    FROM bau b
    LEFT JOIN grid_factor_for_crediting f
        ON f.country_iso3 = b.country_iso3 AND f.project_type = b.to_technology
    -- A host without any factor has no representative row; a case keeps its row (zero, flagged).
    WHERE b.unit_source = 'case' OR (b.bau_ef_t_per_mwh IS NOT NULL AND f.ef_t_per_mwh IS NOT NULL)
),
factored AS (  -- both factors or neither; the reference never above BAU (creditable <= BAU reduction)
    SELECT *,
           CASE WHEN reference_ef_t_per_mwh IS NOT NULL THEN coalesce(bau_ef_t_per_mwh, 0) ELSE 0 END AS bau_ef,
           CASE WHEN bau_ef_t_per_mwh IS NOT NULL
                THEN least(coalesce(reference_ef_t_per_mwh, 0), bau_ef_t_per_mwh) ELSE 0 END AS ref_ef
    FROM priced
)
SELECT
    CASE WHEN unit_source = 'case' THEN 'case:' || unit_id || ':' || to_technology ELSE unit_id END AS swap_id,
    unit_id,
    unit_source,
    country_iso3,
    sector,
    'grid_displacement' AS swap_type,
    'grid' AS from_technology,
    to_technology,
    -- A new zero-emission project displacing grid power lowers CO2 per MWh: an upgrade, eligible for credits.
    true AS is_upgrade,
    capacity_mw,
    mwh AS net_generation_mwh_per_yr,
    mwh * bau_ef AS baseline_co2_t_per_yr,
    0.0 AS project_co2_t_per_yr,
    mwh * bau_ef AS reduction_bau_t_per_yr,
    mwh * ref_ef AS reference_co2_t_per_yr,
    mwh * ref_ef AS reduction_creditable_t_per_yr,
    coalesce(rule, 'no_grid_factor') AS reference_rule,
    mwh * (bau_ef - ref_ef) AS bau_reference_gap_t_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_saved_tj_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_savings_usd_per_yr,
    capex_usd AS incremental_capex_usd,
    capex_usd * crf AS annualised_cost_usd_per_yr,
    CAST(NULL AS DOUBLE) AS npv_usd,
    CAST(NULL AS DOUBLE) AS simple_payback_yr,
    -- MAC on the BAU reduction, as for the plant swaps in technology_swaps (one basis across the MAC curve);
    -- the break-even credit price stays on the creditable reduction (what can be sold), as there too.
    capex_usd * crf / nullif(mwh * bau_ef, 0) AS mac_usd_per_t,
    capex_usd * crf / nullif(mwh * ref_ef, 0) AS breakeven_credit_price_usd_per_t,
    concat_ws(',', bau_flag,
              CASE WHEN capex_usd IS NULL THEN 'no_cost_data' ELSE 'capex_only_no_energy_revenue_no_om' END,
              CASE WHEN reference_ef_t_per_mwh > bau_ef_t_per_mwh THEN 'reference_above_bau:capped_at_bau' END) AS flags,
    -- Beyond the shared swap columns (technology_swaps carries them too).
    status,
    0.0 AS project_co2_conservative_t_per_yr,
    discount_rate,
    lifetime_yr,
    crf,
    bau_ef_t_per_mwh AS grid_ef_bau_t_per_mwh,
    reference_ef_t_per_mwh AS grid_ef_reference_t_per_mwh
FROM factored
