-- end_use_swaps: end-use programme cases (project_cases kind end_use_programme, issue 16) in the
-- technology_swaps column contract (technology_swaps unions these rows; project_case_results reports them).
-- A programme deploys units_per_yr efficient appliances a year for deployment_years; at full deployment
-- units_per_yr x min(deployment_years, lifetime) units run at once, each saving kWh/yr (given, or
-- use x (1 - efficiency_before / efficiency_after)). The saved MWh displace grid power:
--   BAU        = MWh x the grid's average intensity (OWID, latest year, as steel does for electricity);
--   creditable = MWh x the host's crediting factor for efficiency projects (grid_factor_for_crediting),
--                never above the average; a case's documented grid_ef_t_per_mwh replaces both.
-- Economics on the units at full deployment, as if bought at once (flagged): capex = units x the unit cost
-- premium (the case's money, as given); savings = MWh x the electricity price (the case's, else
-- scenario_parameters electricity_price_usd_per_mwh for households, else the country's any-use price);
-- dO&M the case's, else 0 (assumed, flagged). MAC on the BAU reduction; the investment test at one price.

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'discount_rate') AS discount_rate,
        max(value) FILTER (WHERE parameter = 'hurdle_rate') AS hurdle_rate
    FROM scenario_parameters
),

end_use_cases AS (
    SELECT pc.* REPLACE (CAST(pc.lifetime_yr AS DOUBLE) AS lifetime_yr),
        pc.units_per_yr * least(coalesce(pc.deployment_years, 1), pc.lifetime_yr) AS units_in_service,
        coalesce(pc.kwh_saved_per_unit_yr, pc.kwh_per_unit_yr * (1 - pc.efficiency_before / pc.efficiency_after))
            AS kwh_saved_per_unit_yr_used
    FROM project_cases AS pc
    WHERE pc.kind = 'end_use_programme'
),

grid_average AS (
    SELECT country_iso3, ef_t_per_mwh, period
    FROM grid_emission_factors
    WHERE source = 'owid' AND method = 'average_intensity' AND ef_t_per_mwh > 0
    QUALIFY row_number() OVER (PARTITION BY country_iso3 ORDER BY period DESC) = 1
),

grid_crediting AS (
    SELECT country_iso3, ef_t_per_mwh FROM grid_factor_for_crediting WHERE project_type = 'efficiency'
),

-- A country's household price, else its any-use row ('*').
electricity_price AS (
    SELECT country_iso3, value AS usd_per_mwh
    FROM scenario_parameters
    WHERE parameter = 'electricity_price_usd_per_mwh' AND key IN ('residential', '*')
    QUALIFY row_number() OVER (PARTITION BY country_iso3 ORDER BY key = '*') = 1
),

factored AS (
    SELECT p.*, s.*,
        p.units_in_service * p.kwh_saved_per_unit_yr_used / 1000 AS mwh,
        coalesce(p.grid_ef_t_per_mwh, ga.ef_t_per_mwh) AS bau_ef,
        coalesce(p.grid_ef_t_per_mwh, least(coalesce(gc.ef_t_per_mwh, ga.ef_t_per_mwh), ga.ef_t_per_mwh))
            AS ref_ef,
        CASE WHEN p.grid_ef_t_per_mwh IS NOT NULL THEN 'case grid_ef_t_per_mwh (documented factor), BAU and reference'
             WHEN ga.ef_t_per_mwh IS NULL THEN 'no_grid_factor'
             ELSE 'bau: MWh x OWID average intensity ' || ga.period || '; reference: MWh x crediting factor '
                || '(efficiency), never above the average' END AS reference_rule,
        coalesce(p.electricity_price_usd_per_kwh * 1000, ep.usd_per_mwh) AS price_usd_per_mwh,
        p.electricity_price_usd_per_kwh IS NULL AND ep.usd_per_mwh IS NOT NULL AS price_from_scenario,
        coalesce(p.discount_rate, s.discount_rate) AS rate
    FROM end_use_cases AS p
    CROSS JOIN settings AS s
    LEFT JOIN grid_average AS ga ON ga.country_iso3 = p.country_iso3
    LEFT JOIN grid_crediting AS gc ON gc.country_iso3 = p.country_iso3
    LEFT JOIN electricity_price AS ep ON ep.country_iso3 = p.country_iso3
),

money AS (
    SELECT f.*,
        f.mwh * coalesce(f.bau_ef, 0) AS bau_t,
        f.mwh * coalesce(f.ref_ef, 0) AS ref_t,
        f.units_in_service * f.unit_cost_premium_usd AS capex_usd,
        f.mwh * f.price_usd_per_mwh AS savings_usd,
        coalesce(f.delta_om_usd_per_yr, 0) AS om_usd,
        CASE WHEN f.rate = 0 THEN 1 / f.lifetime_yr
             ELSE f.rate * pow(1 + f.rate, f.lifetime_yr) / (pow(1 + f.rate, f.lifetime_yr) - 1) END AS crf,
        CASE WHEN f.hurdle_rate = 0 THEN f.lifetime_yr
             ELSE (1 - pow(1 + f.hurdle_rate, -f.lifetime_yr)) / f.hurdle_rate END AS hurdle_annuity
    FROM factored AS f
),

tested AS (
    SELECT m.*,
        m.capex_usd * m.crf + m.om_usd AS annualised_usd,
        -m.capex_usd + (m.savings_usd - m.om_usd) * m.hurdle_annuity AS npv_hurdle_usd
    FROM money AS m
)

SELECT
    'case:' || t.case_id || ':' || t.to_technology AS swap_id,
    t.case_id AS unit_id,
    'case' AS unit_source,
    t.country_iso3,
    'end_use' AS sector,
    'end_use_efficiency' AS swap_type,
    'grid' AS from_technology,
    t.to_technology,
    true AS is_upgrade,  -- the efficient unit uses less electricity for the same service
    CAST(NULL AS DOUBLE) AS capacity_mw,
    t.mwh AS net_generation_mwh_per_yr,
    t.bau_t AS baseline_co2_t_per_yr,
    0.0 AS project_co2_t_per_yr,
    t.bau_t AS reduction_bau_t_per_yr,
    t.ref_t AS reference_co2_t_per_yr,
    t.ref_t AS reduction_creditable_t_per_yr,
    t.reference_rule,
    t.bau_t - t.ref_t AS bau_reference_gap_t_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_saved_tj_per_yr,
    t.savings_usd AS fuel_savings_usd_per_yr,
    t.mwh AS electricity_saved_mwh_per_yr,
    t.price_usd_per_mwh AS electricity_price_usd_per_mwh,
    t.capex_usd AS incremental_capex_usd,
    t.annualised_usd AS annualised_cost_usd_per_yr,
    -t.capex_usd + (t.savings_usd - t.om_usd) / t.crf AS npv_usd,
    CASE WHEN t.savings_usd - t.om_usd > 0 THEN t.capex_usd / (t.savings_usd - t.om_usd) END AS simple_payback_yr,
    CASE WHEN t.bau_t > 0 THEN (t.annualised_usd - t.savings_usd) / t.bau_t END AS mac_usd_per_t,
    CASE WHEN t.ref_t > 0 AND t.annualised_usd - t.savings_usd IS NOT NULL
         THEN greatest(0, (t.annualised_usd - t.savings_usd) / t.ref_t) END AS breakeven_credit_price_usd_per_t,
    nullif(concat_ws(';',
        CASE WHEN t.bau_ef IS NULL THEN 'no_grid_factor:set grid_ef_t_per_mwh' END,
        CASE WHEN t.capex_usd IS NULL THEN 'no_unit_cost_premium' END,
        CASE WHEN t.price_usd_per_mwh IS NULL THEN 'no_electricity_price' END,
        CASE WHEN t.price_from_scenario THEN 'electricity_price_from_scenario_parameters' END,
        CASE WHEN t.delta_om_usd_per_yr IS NULL THEN 'no_om_difference_assumed' END,
        CASE WHEN coalesce(t.deployment_years, 1) > 1 THEN 'cohorts_costed_as_bought_at_once' END,
        CASE WHEN t.deployment_years > t.lifetime_yr THEN 'deployment_longer_than_lifetime:units_in_service_capped' END
    ), '') AS flags,
    'case' AS status,
    CAST(NULL AS VARCHAR) AS fuel,
    CAST(NULL AS DOUBLE) AS efficiency_bau_lhv,
    CAST(NULL AS DOUBLE) AS efficiency_reference_lhv,
    CAST(NULL AS DOUBLE) AS efficiency_project_lhv,
    CAST(NULL AS DOUBLE) AS co2_ef_baseline_t_per_tj,
    0.0 AS project_co2_conservative_t_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_saved_t_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_price_usd_per_gj,
    CAST(NULL AS DOUBLE) AS project_fuel_price_usd_per_gj,
    t.om_usd AS delta_om_usd_per_yr,
    t.rate AS discount_rate,
    CAST(t.lifetime_yr AS DOUBLE) AS lifetime_yr,
    t.crf,
    t.bau_ef AS grid_ef_bau_t_per_mwh,
    t.ref_ef AS grid_ef_reference_t_per_mwh,
    'build_instead' AS decision,
    printf('case: %d units in service x unit_cost_premium_usd (as given)', CAST(t.units_in_service AS BIGINT)) AS cost_basis,
    CAST(NULL AS BIGINT) AS usd_price_year,
    CAST(NULL AS DOUBLE) AS capex_usd_per_kw,
    CAST(NULL AS DOUBLE) AS remaining_life_yr,
    0.0 AS stranded_value_usd,
    t.capex_usd AS upfront_cost_usd,
    CAST(NULL AS DOUBLE) AS fuel_price_low_usd_per_gj,
    CAST(NULL AS DOUBLE) AS fuel_price_high_usd_per_gj,
    t.savings_usd AS fuel_savings_low_usd_per_yr,
    t.savings_usd AS fuel_savings_high_usd_per_yr,
    t.hurdle_rate,
    t.npv_hurdle_usd AS npv_hurdle_low_usd,
    t.npv_hurdle_usd AS npv_hurdle_central_usd,
    t.npv_hurdle_usd AS npv_hurdle_high_usd,
    CASE WHEN t.npv_hurdle_usd >= 0 THEN 'not_additional'
         WHEN t.npv_hurdle_usd < 0 THEN 'additional' END AS additionality,
    CASE WHEN t.npv_hurdle_usd IS NULL
         THEN 'not run: ' || CASE WHEN t.capex_usd IS NULL THEN 'unit cost premium unknown'
                                  ELSE 'electricity price unknown' END
         ELSE printf('NPV without credits at the %.1f %% hurdle over %.0f yr at the one electricity price: '
                     || 'not_additional if >= 0, additional if < 0', t.hurdle_rate * 100, t.lifetime_yr)
    END AS additionality_rule
FROM tested AS t
ORDER BY swap_id
