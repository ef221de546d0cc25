-- Grid-displacement swaps (solar PV, wind, efficiency) per host country in the technology_swaps contract.
-- BAU baseline: MWh × our combined margin with the project type's TOOL07 weights (unit data where there are
-- any, else the estimate, else IFI's CM); creditable reference: MWh × the conservative crediting factor.
-- The project burns nothing (project CO2 0). Economics count capex only: no energy revenue, no O&M.
WITH hosts AS (
    SELECT country_iso3 FROM countries WHERE is_host_country
),
projects AS (  -- a country's own row wins over the '*' default
    SELECT h.country_iso3, d.*
    EXCLUDE (country_iso3)
    FROM hosts h
    JOIN grid_project_defaults d ON d.country_iso3 IN (h.country_iso3, '*')
    QUALIFY row_number() OVER (PARTITION BY h.country_iso3, d.to_technology
                               ORDER BY d.country_iso3 = '*') = 1
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
           coalesce(c.ef_t_per_mwh, i.ef_t_per_mwh) AS bau_ef_t_per_mwh,
           CASE WHEN c.ef_t_per_mwh IS NOT NULL
                THEN 'bau_cm=computed ' || s.cm_method || ' ' || c.period || CASE WHEN c.is_estimate THEN ' (estimate)' ELSE '' END
                ELSE 'bau_cm=ifi ' || s.ifi_method END AS bau_flag
    FROM sized s
    LEFT JOIN computed_cm c ON c.country_iso3 = s.country_iso3 AND c.method = s.cm_method
    LEFT JOIN grid_emission_factors i
        ON i.country_iso3 = s.country_iso3 AND i.source = 'ifi' AND i.method = s.ifi_method
),
priced AS (
    SELECT b.*,
           f.ef_t_per_mwh AS reference_ef_t_per_mwh,
           f.rule,
           b.capex_usd_per_kw * b.capacity_mw * 1000 AS capex_usd,
           b.discount_rate / (1 - power(1 + b.discount_rate, -b.lifetime_yr)) AS crf
    FROM bau b
    JOIN grid_factor_for_crediting f
        ON f.country_iso3 = b.country_iso3 AND f.project_type = b.to_technology
    WHERE b.bau_ef_t_per_mwh IS NOT NULL
)
SELECT
    'grid:' || country_iso3 || ':' || to_technology AS swap_id,
    CAST(NULL AS VARCHAR) AS unit_id,
    'grid_project_defaults' AS unit_source,
    country_iso3,
    sector,
    'grid_displacement' AS swap_type,
    'grid' AS from_technology,
    to_technology,
    false AS is_upgrade,
    capacity_mw,
    mwh AS net_generation_mwh_per_yr,
    mwh * bau_ef_t_per_mwh AS baseline_co2_t_per_yr,
    0.0 AS project_co2_t_per_yr,
    mwh * bau_ef_t_per_mwh AS reduction_bau_t_per_yr,
    mwh * reference_ef_t_per_mwh AS reference_co2_t_per_yr,
    mwh * reference_ef_t_per_mwh AS reduction_creditable_t_per_yr,
    rule AS reference_rule,
    mwh * (bau_ef_t_per_mwh - reference_ef_t_per_mwh) AS bau_reference_gap_t_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_saved_tj_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_savings_usd_per_yr,
    capex_usd AS incremental_capex_usd,
    capex_usd * crf AS annualised_cost_usd_per_yr,
    CAST(NULL AS DOUBLE) AS npv_usd,
    CAST(NULL AS DOUBLE) AS simple_payback_yr,
    capex_usd * crf / nullif(mwh * reference_ef_t_per_mwh, 0) AS mac_usd_per_t,
    capex_usd * crf / nullif(mwh * reference_ef_t_per_mwh, 0) AS breakeven_credit_price_usd_per_t,
    concat_ws(',', bau_flag,
              CASE WHEN capex_usd IS NULL THEN 'no_cost_data' ELSE 'capex_only_no_energy_revenue_no_om' END,
              CASE WHEN reference_ef_t_per_mwh > bau_ef_t_per_mwh THEN 'reference_above_bau' END) AS flags
FROM priced
