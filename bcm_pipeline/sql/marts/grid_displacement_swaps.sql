-- Grid-displacement swaps (solar PV, wind, efficiency): the grid rows of technology_swaps, which unions them.
-- Two kinds of row, one SQL: a representative project per host country (grid_project_defaults) and each
-- user project case of kind grid_displacement (project_cases; its own values win over the defaults).
-- BAU baseline: MWh × our combined margin with the project type's TOOL07 weights (unit data where there are
-- any, else the estimate, else IFI's CM); creditable reference: MWh × the conservative crediting factor.
-- A case's grid_ef_t_per_mwh (a documented factor) replaces both, like a measured fuel EF in a plant case.
-- The project burns nothing (project CO2 0).
-- Economics on the plant swaps' basis (technology_swaps), in USD of usd_price_year:
--   capex: the host's cost region in technology_catalogue (cost_regions; the country's own row first), else
--       grid_project_defaults' global value, each converted from its price year with price_deflators; a
--       case's own capex as given;
--   O&M: the same region's fixed O&M (USD/kW-yr) x kW; the O&M of the displaced plants is not counted;
--   value of the electricity: the fuel cost of the operating margin it displaces, i.e. the generation-weighted
--       fuel cost per MWh of the host's operating fossil fleet (TOOL07's simple-OM set) at the low / central /
--       high fuel price (fuel_price_scenarios). Chosen over a wholesale price because most hosts have a
--       single buyer and no public wholesale price, and a PPA tariff is a transfer, not a value; it leaves
--       out avoided capacity and O&M, so it understates the value (the investment test leans to 'additional');
--   MAC = (capex x CRF + O&M - fuel value) / BAU reduction; investment test: NPV without credits at the
--       hurdle rate under each fuel price, the same rule as technology_swaps.
-- Unknown is null, never 0: a missing capex, O&M or fuel price leaves the economics null, flagged.
WITH
settings AS (
    SELECT
        CAST(max(value) FILTER (WHERE parameter = 'usd_price_year') AS INTEGER) AS usd_price_year,
        max(value) FILTER (WHERE parameter = 'hurdle_rate') AS hurdle_rate
    FROM scenario_parameters
),
-- US GDP deflator: money of `year` x to_price_year = USD of usd_price_year (as in technology_swaps).
deflator AS (
    SELECT d.year, t.value / d.value AS to_price_year
    FROM price_deflators AS d
    JOIN price_deflators AS t
        ON t.series = 'us_gdp_deflator' AND t.year = (SELECT usd_price_year FROM settings)
    WHERE d.series = 'us_gdp_deflator'
),
hosts AS (
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
           capex_usd_per_kw AS default_capex_usd_per_kw, capex_price_year AS default_capex_price_year,
           CAST(NULL AS DOUBLE) AS case_capex_usd_per_kw,
           CAST(lifetime_yr AS DOUBLE) AS lifetime_yr, discount_rate, crediting_period,
           CAST(NULL AS DOUBLE) AS case_grid_ef_t_per_mwh
    FROM defaults
    UNION ALL BY NAME
    SELECT 'case' AS unit_source, pc.case_id AS unit_id, 'case' AS status, pc.country_iso3, pc.to_technology,
           CASE pc.to_technology WHEN 'efficiency' THEN 'grid_efficiency' ELSE 'grid_renewable' END AS sector,
           pc.capacity_mw,
           pc.capacity_factor,
           pc.net_generation_mwh_per_yr,
           d.capex_usd_per_kw AS default_capex_usd_per_kw,
           d.capex_price_year AS default_capex_price_year,
           pc.capex_usd_per_kw AS case_capex_usd_per_kw,
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
-- Capex and fixed O&M of the project type from the host's cost region (the country's own catalogue row
-- first, then its cost_regions region), in USD of the price year.
regional_cost AS (
    SELECT h.country_iso3, t.technology AS to_technology, t.technology_id, t.capex_region,
           coalesce(r.basis = 'proxy' AND t.capex_region IS DISTINCT FROM k.country_name, false) AS is_proxy,
           t.capex_usd_per_kw * d.to_price_year AS capex_usd_per_kw,
           t.fixed_om_usd_per_kw_yr * d.to_price_year AS fixed_om_usd_per_kw_yr
    FROM (SELECT DISTINCT country_iso3 FROM projects) AS h
    LEFT JOIN countries AS k ON k.country_iso3 = h.country_iso3
    LEFT JOIN cost_regions AS r ON r.country_iso3 = h.country_iso3
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'catalogue' AND t.technology IN ('solar_pv', 'wind', 'efficiency')
        AND t.capex_region IN (k.country_name, r.cost_region)
    LEFT JOIN deflator AS d ON d.year = t.capex_price_year
    QUALIFY row_number() OVER (
        PARTITION BY h.country_iso3, t.technology ORDER BY t.capex_region IS DISTINCT FROM k.country_name,
            t.technology_id
    ) = 1
),
-- The value of a MWh: the fuel cost of the host's operating fossil fleet per net MWh (TOOL07's simple OM
-- set), at each scenario price; null when a unit's fuel has no price. Exact decimal sums: a float sum would
-- depend on the order the rows are stored in.
margin_fuel AS (
    SELECT b.country_iso3,
        count(*) = count(p.price_central_usd_per_gj) AS all_priced,
        CAST(sum(CAST(b.fuel_tj_per_yr AS DECIMAL(38, 6))) AS DOUBLE)
            / CAST(sum(CAST(b.net_generation_mwh_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS fuel_tj_per_mwh,
        CAST(sum(CAST(b.fuel_tj_per_yr * 1000 * p.price_low_usd_per_gj AS DECIMAL(38, 6))) AS DOUBLE)
            / CAST(sum(CAST(b.net_generation_mwh_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS low_usd_per_mwh,
        CAST(sum(CAST(b.fuel_tj_per_yr * 1000 * p.price_central_usd_per_gj AS DECIMAL(38, 6))) AS DOUBLE)
            / CAST(sum(CAST(b.net_generation_mwh_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS central_usd_per_mwh,
        CAST(sum(CAST(b.fuel_tj_per_yr * 1000 * p.price_high_usd_per_gj AS DECIMAL(38, 6))) AS DOUBLE)
            / CAST(sum(CAST(b.net_generation_mwh_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS high_usd_per_mwh
    FROM plant_baselines AS b
    LEFT JOIN fuel_price_scenarios AS p ON p.country_iso3 = b.country_iso3 AND p.fuel_class = b.fuel_class
    WHERE b.is_operating AND b.unit_source <> 'case' AND b.net_generation_mwh_per_yr > 0
    GROUP BY b.country_iso3
),
priced AS (
    SELECT b.*,
           coalesce(b.case_grid_ef_t_per_mwh, f.ef_t_per_mwh) AS reference_ef_t_per_mwh,
           CASE WHEN b.case_grid_ef_t_per_mwh IS NOT NULL
                THEN 'case grid_ef_t_per_mwh (documented factor), BAU and reference' ELSE f.rule END AS rule,
           -- The capex: the case's own (as given), else the region's, else the default's in the price year.
           coalesce(b.case_capex_usd_per_kw, rc.capex_usd_per_kw, b.default_capex_usd_per_kw * dd.to_price_year)
               AS capex_per_kw,
           CASE WHEN b.case_capex_usd_per_kw IS NOT NULL THEN 'case capex_usd_per_kw (as given)'
                WHEN rc.capex_usd_per_kw IS NOT NULL THEN rc.technology_id || ' [' || rc.capex_region || ']'
                WHEN b.default_capex_usd_per_kw IS NOT NULL
                THEN 'grid_project_defaults ' || coalesce(CAST(b.default_capex_price_year AS VARCHAR), '(no price year)')
                    || ' [global]' END AS capex_source,
           b.case_capex_usd_per_kw IS NULL AND rc.capex_usd_per_kw IS NULL
               AND b.default_capex_usd_per_kw IS NOT NULL AND dd.to_price_year IS NULL AS capex_year_unknown,
           rc.fixed_om_usd_per_kw_yr,
           CASE WHEN rc.fixed_om_usd_per_kw_yr IS NOT NULL THEN rc.technology_id END AS om_source,
           coalesce(rc.is_proxy, false) AND (rc.capex_usd_per_kw IS NOT NULL) AS is_proxy,
           rc.capex_region,
           m.all_priced, m.fuel_tj_per_mwh, m.low_usd_per_mwh, m.central_usd_per_mwh, m.high_usd_per_mwh,
           s.hurdle_rate, s.usd_price_year,
           CASE WHEN b.discount_rate = 0 THEN 1 / b.lifetime_yr
                ELSE b.discount_rate / (1 - power(1 + b.discount_rate, -b.lifetime_yr)) END AS crf,
           -- Present value of 1 USD a year over the lifetime at the hurdle rate.
           CASE WHEN s.hurdle_rate = 0 THEN b.lifetime_yr
                ELSE (1 - pow(1 + s.hurdle_rate, -b.lifetime_yr)) / s.hurdle_rate END AS hurdle_annuity
    FROM bau b
    CROSS JOIN settings AS s
    LEFT JOIN grid_factor_for_crediting f
        ON f.country_iso3 = b.country_iso3 AND f.project_type = b.to_technology
    LEFT JOIN regional_cost AS rc ON rc.country_iso3 = b.country_iso3 AND rc.to_technology = b.to_technology
    LEFT JOIN deflator AS dd ON dd.year = b.default_capex_price_year
    LEFT JOIN margin_fuel AS m ON m.country_iso3 = b.country_iso3
    -- A host without any factor has no representative row; a case keeps its row (zero, flagged).
    WHERE b.unit_source = 'case' OR (b.bau_ef_t_per_mwh IS NOT NULL AND f.ef_t_per_mwh IS NOT NULL)
),
factored AS (  -- both factors or neither; the reference never above BAU (creditable <= BAU reduction)
    SELECT *,
           CASE WHEN reference_ef_t_per_mwh IS NOT NULL THEN coalesce(bau_ef_t_per_mwh, 0) ELSE 0 END AS bau_ef,
           CASE WHEN bau_ef_t_per_mwh IS NOT NULL
                THEN least(coalesce(reference_ef_t_per_mwh, 0), bau_ef_t_per_mwh) ELSE 0 END AS ref_ef,
           capex_per_kw * capacity_mw * 1000 AS capex_usd,
           fixed_om_usd_per_kw_yr * capacity_mw * 1000 AS om_usd_per_yr,
           -- MWh x USD per MWh of the displaced margin's fuel; null where a fleet fuel has no price.
           CASE WHEN all_priced THEN mwh * low_usd_per_mwh END AS value_low_usd_per_yr,
           CASE WHEN all_priced THEN mwh * central_usd_per_mwh END AS value_usd_per_yr,
           CASE WHEN all_priced THEN mwh * high_usd_per_mwh END AS value_high_usd_per_yr
    FROM priced
),
economics AS (
    SELECT *,
           capex_usd * crf + om_usd_per_yr AS annualised_usd_per_yr,
           -capex_usd + (value_low_usd_per_yr - om_usd_per_yr) * hurdle_annuity AS npv_hurdle_low_usd,
           -capex_usd + (value_usd_per_yr - om_usd_per_yr) * hurdle_annuity AS npv_hurdle_central_usd,
           -capex_usd + (value_high_usd_per_yr - om_usd_per_yr) * hurdle_annuity AS npv_hurdle_high_usd
    FROM factored
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
    -- The fuel the displaced margin would have burnt, and its cost: the project's fuel savings.
    mwh * fuel_tj_per_mwh AS fuel_saved_tj_per_yr,
    value_usd_per_yr AS fuel_savings_usd_per_yr,
    capex_usd AS incremental_capex_usd,
    annualised_usd_per_yr AS annualised_cost_usd_per_yr,
    -capex_usd + (value_usd_per_yr - om_usd_per_yr) / crf AS npv_usd,
    CASE WHEN value_usd_per_yr - om_usd_per_yr > 0 THEN capex_usd / (value_usd_per_yr - om_usd_per_yr) END
        AS simple_payback_yr,
    -- MAC on the BAU reduction, as for the plant swaps in technology_swaps (one basis across the MAC curve);
    -- the break-even credit price stays on the creditable reduction (what can be sold), as there too.
    CASE WHEN mwh * bau_ef > 0 THEN (annualised_usd_per_yr - value_usd_per_yr) / (mwh * bau_ef) END
        AS mac_usd_per_t,
    CASE WHEN mwh * ref_ef > 0 AND annualised_usd_per_yr - value_usd_per_yr IS NOT NULL
         THEN greatest(0, (annualised_usd_per_yr - value_usd_per_yr) / (mwh * ref_ef)) END
        AS breakeven_credit_price_usd_per_t,
    nullif(concat_ws(';', bau_flag,
              CASE WHEN reference_ef_t_per_mwh > bau_ef_t_per_mwh THEN 'reference_above_bau:capped_at_bau' END,
              CASE WHEN capex_year_unknown THEN 'capex_price_year_not_in_price_deflators'
                   WHEN capex_usd IS NULL THEN 'no_capex_in_catalogue:' || to_technology END,
              CASE WHEN is_proxy THEN 'capex_proxy_region:' || capex_region || ' (' || to_technology || ')' END,
              CASE WHEN om_usd_per_yr IS NULL AND capex_usd IS NOT NULL THEN 'no_om_in_catalogue' END,
              CASE WHEN fuel_tj_per_mwh IS NULL THEN 'no_operating_margin_fleet:energy_value_unknown'
                   WHEN NOT all_priced THEN 'no_fuel_price:energy_value_unknown' END,
              'energy_value:fuel_cost_of_simple_om'), '') AS flags,
    -- Beyond the shared swap columns (technology_swaps carries them too).
    status,
    0.0 AS project_co2_conservative_t_per_yr,
    om_usd_per_yr AS delta_om_usd_per_yr,
    discount_rate,
    lifetime_yr,
    crf,
    bau_ef_t_per_mwh AS grid_ef_bau_t_per_mwh,
    reference_ef_t_per_mwh AS grid_ef_reference_t_per_mwh,
    'new_project' AS decision,
    'new_project: capex ' || coalesce(capex_source, 'unknown') || ', O&M ' || coalesce(om_source, 'unknown')
        || ', value: fuel cost of the simple operating margin, USD ' || usd_price_year AS cost_basis,
    usd_price_year,
    capex_per_kw AS capex_usd_per_kw,
    0.0 AS stranded_value_usd,
    capex_usd AS upfront_cost_usd,
    value_low_usd_per_yr AS fuel_savings_low_usd_per_yr,
    value_high_usd_per_yr AS fuel_savings_high_usd_per_yr,
    hurdle_rate,
    npv_hurdle_low_usd,
    npv_hurdle_central_usd,
    npv_hurdle_high_usd,
    -- The same rule as technology_swaps: the central price decides; low and high test the verdict.
    CASE WHEN npv_hurdle_central_usd >= 0 THEN 'not_additional'
         WHEN npv_hurdle_low_usd >= 0 OR npv_hurdle_high_usd >= 0 THEN 'depends_on_price'
         WHEN npv_hurdle_low_usd < 0 AND npv_hurdle_high_usd < 0 THEN 'additional' END AS additionality,
    CASE WHEN npv_hurdle_central_usd IS NULL OR npv_hurdle_low_usd IS NULL OR npv_hurdle_high_usd IS NULL
         THEN 'not run: ' || CASE WHEN capex_usd IS NULL THEN 'capex unknown'
                                  WHEN om_usd_per_yr IS NULL THEN 'O&M unknown'
                                  ELSE 'fuel price unknown' END
         ELSE printf('NPV without credits at the %.1f %% hurdle over %.0f yr at the low / central / high fuel '
                     || 'price: not_additional if >= 0 at central; depends_on_price if < 0 at central but >= 0 '
                     || 'at low or high; additional if < 0 at all three', hurdle_rate * 100, lifetime_yr)
    END AS additionality_rule
FROM economics
