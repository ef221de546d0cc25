-- steel_swaps: each BF-BOF plant of GIST x each steel option (scenario_parameters 'steel_swap_target'), in the
-- technology_swaps column contract (technology_swaps unions these rows; methodology notes §12, §14).
-- The unit: a plant's BF-BOF route, operating (steel_baselines) or in the pipeline (steel_plants' announced /
-- construction rows, the statuses scenario_parameters 'included_status' admits; same utilisation rule).
-- Two kinds of option, BAU and conservative reductions side by side:
--   route_switch (steel_scrap_eaf, steel_dri_eaf_gas; factors of steel_route_factors), same crude steel:
--       BAU        = production x (BF-BOF factor - route factor - route MWh/t x the grid's average intensity);
--       creditable = production x (BF-BOF low factor - route high factor - high MWh/t x the higher of the
--                    grid's average and crediting factor): the conservative end of each factor;
--   efficiency_upgrade (BF-BOF measures of steel_swap_options: steel_trt electricity, steel_whr fuel), per t
--       of hot metal (GIST BF capacity x utilisation): baseline = the CO2 of the energy the measure displaces,
--       project 0 (as a grid efficiency project); BAU at the central saving x the grid's average intensity
--       (or coal's central EF), creditable at the low saving x the crediting factor, never above the average
--       (or coal's IPCC lower EF).
-- Decision and cost (§14, as in technology_swaps), in USD of usd_price_year: a pipeline plant builds the
-- better option instead (route: capex(route) - capex(BF-BOF), unknown when not positive; measure: its cost
-- as an add-on); an operating plant retrofits a measure, or is replaced by the new route (its full capex plus
-- the BF-BOF plant's stranded value = capex x remaining life / lifetime). Route capex: the median of POSTED's
-- CAPEX rows without carbon capture (posted_steel_costs). A route switch's raw materials (scrap, iron ore,
-- electrodes) and O&M are not in the data: its dO&M, NPV and MAC stay null (flagged).
-- Energy is priced as in technology_swaps (World Bank series quantiles, the same rule) and electricity at
-- scenario_parameters 'electricity_price_usd_per_mwh' (unknown: null, flagged).

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'discount_rate') AS discount_rate,
        CAST(max(value) FILTER (WHERE parameter = 'usd_price_year') AS INTEGER) AS usd_price_year,
        max(value) FILTER (WHERE parameter = 'analysis_year') AS analysis_year,
        max(value) FILTER (WHERE parameter = 'hurdle_rate') AS hurdle_rate
    FROM scenario_parameters
),

-- US GDP deflator: money of `year` x to_price_year = USD of usd_price_year.
deflator AS (
    SELECT d.year, t.value / d.value AS to_price_year
    FROM price_deflators AS d
    JOIN price_deflators AS t
        ON t.series = 'us_gdp_deflator' AND t.year = (SELECT usd_price_year FROM settings)
    WHERE d.series = 'us_gdp_deflator'
),

world AS (SELECT * FROM steel_defaults WHERE country_iso3 = '*'),

bof AS (SELECT * FROM steel_route_factors WHERE route_id = 'steel_bf_bof'),

-- Operating plants: the BF-BOF rows of steel_baselines, with the plant's operating BF capacity and start.
operating_plants AS (
    SELECT gem_plant_id, sum(bf_capacity_t_per_yr) AS bf_capacity_t_per_yr, min(start_year) AS start_year
    FROM steel_plants
    WHERE is_operating
    GROUP BY gem_plant_id
),

operating AS (
    SELECT b.baseline_id AS unit_id, b.gem_plant_id, b.plant_name, b.country_iso3, 'operating' AS status,
        b.capacity_t_per_yr, b.utilisation, b.production_t_per_yr, p.bf_capacity_t_per_yr, p.start_year
    FROM steel_baselines AS b
    JOIN operating_plants AS p USING (gem_plant_id)
    WHERE b.route_id = 'steel_bf_bof' AND b.capacity_t_per_yr > 0
),

-- Pipeline plants: GIST rows per plant and status; utilisation as steel_baselines takes it (the country's
-- cited rate, else the world's).
pipeline_plants AS (
    SELECT gem_plant_id, status, any_value(plant_name) AS plant_name, any_value(country_iso3) AS country_iso3,
        sum(bof_steel_capacity_t_per_yr) AS capacity_t_per_yr, sum(bf_capacity_t_per_yr) AS bf_capacity_t_per_yr,
        min(start_year) AS start_year
    FROM steel_plants
    WHERE NOT is_operating
        AND status IN (SELECT key FROM scenario_parameters WHERE parameter = 'included_status')
    GROUP BY gem_plant_id, status
),

pipeline AS (
    SELECT p.gem_plant_id || ':steel_bf_bof:' || p.status AS unit_id, p.gem_plant_id, p.plant_name,
        p.country_iso3, p.status, p.capacity_t_per_yr, coalesce(c.value, w.value) AS utilisation,
        p.capacity_t_per_yr * coalesce(c.value, w.value) AS production_t_per_yr, p.bf_capacity_t_per_yr,
        p.start_year
    FROM pipeline_plants AS p
    JOIN world AS w ON w.parameter = 'utilisation' AND w.item = 'crude_steel'
    LEFT JOIN steel_defaults AS c
        ON c.parameter = 'utilisation' AND c.item = 'crude_steel' AND c.country_iso3 = p.country_iso3
    WHERE p.capacity_t_per_yr > 0
),

units AS (
    SELECT u.*, u.production_t_per_yr * bof.direct_co2_ef_t_per_t AS baseline_co2_t_per_yr,
        u.bf_capacity_t_per_yr * u.utilisation AS hot_metal_t_per_yr
    FROM (SELECT * FROM operating UNION ALL BY NAME SELECT * FROM pipeline) AS u
    CROSS JOIN bof
),

-- Grid: BAU at the average intensity (OWID, latest year, as steel_baselines); the crediting factor for
-- efficiency projects (grid_factor_for_crediting) is the conservative end.
grid_average AS (
    SELECT country_iso3, ef_t_per_mwh
    FROM grid_emission_factors
    WHERE source = 'owid' AND method = 'average_intensity' AND ef_t_per_mwh > 0
    QUALIFY row_number() OVER (PARTITION BY country_iso3 ORDER BY period DESC) = 1
),

grid_crediting AS (
    SELECT country_iso3, ef_t_per_mwh FROM grid_factor_for_crediting WHERE project_type = 'efficiency'
),

-- A country's own industry price, else its any-use row ('*').
electricity_price AS (
    SELECT country_iso3, value AS usd_per_mwh
    FROM scenario_parameters
    WHERE parameter = 'electricity_price_usd_per_mwh' AND key IN ('industry', '*')
    QUALIFY row_number() OVER (PARTITION BY country_iso3 ORDER BY key = '*') = 1
),

-- Fuel prices: fuel_price_scenarios (the rule technology_swaps uses), one row per country with the coal and
-- gas prices of the low / central / high scenario.
prices AS (
    SELECT country_iso3,
        max(price_low_usd_per_gj) FILTER (WHERE fuel_class = 'coal') AS coal_low,
        max(price_central_usd_per_gj) FILTER (WHERE fuel_class = 'coal') AS coal_central,
        max(price_high_usd_per_gj) FILTER (WHERE fuel_class = 'coal') AS coal_high,
        max(price_low_usd_per_gj) FILTER (WHERE fuel_class = 'gas') AS gas_low,
        max(price_central_usd_per_gj) FILTER (WHERE fuel_class = 'gas') AS gas_central,
        max(price_high_usd_per_gj) FILTER (WHERE fuel_class = 'gas') AS gas_high
    FROM fuel_price_scenarios
    WHERE country_iso3 IN (SELECT DISTINCT country_iso3 FROM units)
    GROUP BY country_iso3
),

-- The coal a measure saves is priced and credited as the plant's boiler coal (IPCC other bituminous coal).
coal AS (
    SELECT co2_ef_t_per_tj, co2_ef_t_per_tj_lower FROM fuel_defaults
    WHERE fuel = 'other_bituminous_coal' AND is_primary
),

-- Route capex: POSTED's CAPEX rows without carbon capture, per t/yr of capacity, median over sources, in
-- USD of the price year (posted_steel_costs gives USD of its own year).
posted_capex AS (
    SELECT c.technology, count(*) AS n_sources,
        median(c.value_usd / (c.reference_value * CASE WHEN c.reference_unit LIKE 'Mt/%' THEN 1e6 ELSE 1 END))
            * any_value(d.to_price_year) AS usd_per_t_yr
    FROM posted_steel_costs AS c
    JOIN posted_steel_technologies AS t USING (technology, source_row)
    LEFT JOIN deflator AS d ON d.year = c.usd_price_year
    WHERE c.variable = 'CAPEX' AND c.reference_value > 0
        AND c.reference_unit IN ('t/year', 't/yr', 'Mt/year', 'Mt/yr')
        AND coalesce(t.carbon_capture, 'No Capture') IN ('No Capture', '*')
        AND coalesce(t.component, '#') <> 'Capture Unit'
    GROUP BY c.technology
),

route_capex AS (
    SELECT r.route_id,
        CASE r.route_id
            WHEN 'steel_bf_bof' THEN bfb.usd_per_t_yr
            WHEN 'steel_scrap_eaf' THEN eaf.usd_per_t_yr
            WHEN 'steel_dri_eaf_gas' THEN dri.usd_per_t_yr * r.dri_charge_t_per_t + eaf.usd_per_t_yr
        END AS usd_per_t_yr,
        CASE r.route_id
            WHEN 'steel_bf_bof' THEN 'POSTED IEA-GHG-2013 integrated mill (' || bfb.n_sources || ' row)'
            WHEN 'steel_scrap_eaf' THEN 'POSTED EAF median of ' || eaf.n_sources
            WHEN 'steel_dri_eaf_gas' THEN 'POSTED DRI median of ' || dri.n_sources || ' x t DRI/t + EAF median of '
                || eaf.n_sources
        END AS basis
    FROM steel_route_factors AS r
    LEFT JOIN posted_capex AS bfb ON bfb.technology = 'Integrated Blast Furnace and Basic Oxygen Furnace'
    LEFT JOIN posted_capex AS eaf ON eaf.technology = 'Electric Arc Furnace'
    LEFT JOIN posted_capex AS dri ON dri.technology = 'Direct Reduction of Iron'
),

-- Measure parameters, money in USD of the price year.
options AS (
    SELECT o.technology,
        max(o.value) FILTER (WHERE o.parameter = 'electricity_saved_mwh_per_t_hot_metal') AS elec_saved,
        max(coalesce(o.value_low, o.value)) FILTER (WHERE o.parameter = 'electricity_saved_mwh_per_t_hot_metal')
            AS elec_saved_low,
        max(o.value) FILTER (WHERE o.parameter = 'coal_saved_gj_per_t_sinter') AS coal_saved_per_t_sinter,
        max(coalesce(o.value_low, o.value)) FILTER (WHERE o.parameter = 'coal_saved_gj_per_t_sinter')
            AS coal_saved_per_t_sinter_low,
        max(o.value) FILTER (WHERE o.parameter = 'sinter_per_t_hot_metal') AS sinter_per_t_hot_metal,
        max(o.value * d.to_price_year) FILTER (WHERE o.parameter = 'capex_usd_per_t_yr_hot_metal')
            AS capex_per_t_yr_hot_metal,
        max(o.value * d.to_price_year) FILTER (WHERE o.parameter = 'capex_usd_per_t_yr_sinter')
            AS capex_per_t_yr_sinter,
        max(o.value) FILTER (WHERE o.parameter = 'fixed_om_share_of_capex') AS om_share,
        max(o.value) FILTER (WHERE o.parameter = 'lifetime_yr') AS lifetime_yr,
        bool_or(o.parameter LIKE 'capex%' AND d.to_price_year IS NULL) AS capex_not_deflated
    FROM steel_swap_options AS o
    LEFT JOIN deflator AS d ON d.year = o.price_year
    GROUP BY o.technology
),

targets AS (
    SELECT p.key AS to_technology, p.value_text AS from_technology,
        p.key IN (SELECT route_id FROM steel_route_factors) AS is_route
    FROM scenario_parameters AS p
    WHERE p.parameter = 'steel_swap_target'
),

candidates AS (
    SELECT u.*, t.to_technology, t.from_technology, t.is_route,
        CASE WHEN t.is_route THEN 'route_switch' ELSE 'efficiency_upgrade' END AS swap_type,
        CASE WHEN u.status = 'operating' AND t.is_route THEN 'replace'
             WHEN u.status = 'operating' THEN 'retrofit'
             ELSE 'build_instead' END AS decision,
        ga.ef_t_per_mwh AS grid_avg, gc.ef_t_per_mwh AS grid_cred,
        ep.usd_per_mwh AS electricity_price, pr.*  EXCLUDE (country_iso3), s.*,
        o.lifetime_yr AS option_lifetime_yr, o.* EXCLUDE (technology, lifetime_yr),
        bfo.lifetime_yr AS bf_bof_lifetime_yr
    FROM units AS u
    JOIN targets AS t ON t.from_technology = 'steel_bf_bof'
    CROSS JOIN settings AS s
    LEFT JOIN grid_average AS ga ON ga.country_iso3 = u.country_iso3
    LEFT JOIN grid_crediting AS gc ON gc.country_iso3 = u.country_iso3
    LEFT JOIN electricity_price AS ep ON ep.country_iso3 = u.country_iso3
    LEFT JOIN prices AS pr ON pr.country_iso3 = u.country_iso3
    LEFT JOIN options AS o ON o.technology = t.to_technology
    LEFT JOIN options AS bfo ON bfo.technology = 'steel_bf_bof'
    -- A measure needs the plant's blast furnaces (GIST BF capacity); a route switch its crude steel.
    WHERE t.is_route OR u.hot_metal_t_per_yr > 0
),

-- Route switches: physics per t crude steel, energy per yr.
routes AS (
    SELECT c.*, r.direct_co2_ef_t_per_t AS ef_p, r.direct_co2_ef_t_per_t_high AS ef_p_high,
        r.electricity_mwh_per_t AS elec_p, r.electricity_mwh_per_t_high AS elec_p_high,
        coalesce(r.natural_gas_gj_per_t, 0) AS gas_p, coalesce(r.coal_gj_per_t, 0) AS coal_p,
        bof.direct_co2_ef_t_per_t_low AS ef_b_low, bof.coal_gj_per_t AS coal_b,
        nc.usd_per_t_yr AS new_capex_per_t_yr, nc.basis AS new_basis,
        oc.usd_per_t_yr AS old_capex_per_t_yr, oc.basis AS old_basis
    FROM candidates AS c
    JOIN steel_route_factors AS r ON r.route_id = c.to_technology
    CROSS JOIN bof
    LEFT JOIN route_capex AS nc ON nc.route_id = c.to_technology
    LEFT JOIN route_capex AS oc ON oc.route_id = 'steel_bf_bof'
),

route_rows AS (
    SELECT r.*,
        r.production_t_per_yr AS output_t_per_yr,
        r.production_t_per_yr * (r.ef_p + r.elec_p * r.grid_avg) AS project_co2_t_per_yr,
        r.production_t_per_yr * r.ef_b_low AS reference_co2_t_per_yr,
        r.production_t_per_yr * (r.ef_p_high
            + r.elec_p_high * greatest(r.grid_avg, coalesce(r.grid_cred, r.grid_avg))) AS project_co2_cons,
        -r.production_t_per_yr * r.elec_p AS electricity_saved_mwh_per_yr,
        r.production_t_per_yr * (r.coal_b - r.coal_p - r.gas_p) / 1000 AS fuel_saved_tj_per_yr,
        -- GJ x USD/GJ: the BF-BOF coal no longer burnt, the route's gas (and coal) bought; MWh x USD/MWh.
        r.production_t_per_yr * ((r.coal_b - r.coal_p) * r.coal_low
            - CASE WHEN r.gas_p > 0 THEN r.gas_p * r.gas_low ELSE 0 END - r.elec_p * r.electricity_price)
            AS savings_low,
        r.production_t_per_yr * ((r.coal_b - r.coal_p) * r.coal_central
            - CASE WHEN r.gas_p > 0 THEN r.gas_p * r.gas_central ELSE 0 END - r.elec_p * r.electricity_price)
            AS savings_central,
        r.production_t_per_yr * ((r.coal_b - r.coal_p) * r.coal_high
            - CASE WHEN r.gas_p > 0 THEN r.gas_p * r.gas_high ELSE 0 END - r.elec_p * r.electricity_price)
            AS savings_high,
        CASE WHEN r.decision = 'replace' THEN r.new_capex_per_t_yr * r.capacity_t_per_yr
             -- A premium that is not positive is unknown, as in technology_swaps (here a real difference
             -- of scope: POSTED's furnaces against IEA-GHG's whole integrated mill; flagged).
             WHEN r.new_capex_per_t_yr - r.old_capex_per_t_yr > 0
             THEN (r.new_capex_per_t_yr - r.old_capex_per_t_yr) * r.capacity_t_per_yr END AS capex_usd,
        CASE WHEN r.decision = 'replace' AND r.start_year + r.bf_bof_lifetime_yr IS NOT NULL
             THEN greatest(0, r.start_year + r.bf_bof_lifetime_yr - r.analysis_year) END AS remaining_life_yr,
        -- Raw materials and O&M of the new route are not in the data: unknown.
        CAST(NULL AS DOUBLE) AS delta_om_usd_per_yr,
        CASE WHEN r.decision = 'replace' THEN 'replace: full capex ' || coalesce(r.new_basis, 'none')
                || ' + stranded ' || coalesce(r.old_basis, 'none')
             ELSE 'build_instead: ' || coalesce(r.new_basis, 'none') || ' - ' || coalesce(r.old_basis, 'none')
        END || ', USD ' || r.usd_price_year AS cost_basis,
        'bau: route factor + MWh x grid average; reference: BF-BOF ipcc low, project: route ipcc high + high '
            || 'MWh x the higher of grid average and crediting factor' AS reference_rule
    FROM routes AS r
),

-- Measures: physics per t hot metal, energy per yr.
measure_rows AS (
    SELECT c.*,
        c.hot_metal_t_per_yr AS output_t_per_yr,
        c.hot_metal_t_per_yr * c.elec_saved AS elec_mwh,
        c.hot_metal_t_per_yr * c.elec_saved_low AS elec_mwh_low,
        c.hot_metal_t_per_yr * c.sinter_per_t_hot_metal * c.coal_saved_per_t_sinter AS coal_gj,
        c.hot_metal_t_per_yr * c.sinter_per_t_hot_metal * c.coal_saved_per_t_sinter_low AS coal_gj_low,
        -- capex per t/yr of the plant's BF capacity (TRT) or of its sinter (WHR)
        c.bf_capacity_t_per_yr * coalesce(c.capex_per_t_yr_hot_metal,
            c.sinter_per_t_hot_metal * c.capex_per_t_yr_sinter) AS capex_usd,
        CAST(NULL AS DOUBLE) AS remaining_life_yr,
        c.decision || ': steel_swap_options ' || c.to_technology || ' capex x BF capacity, USD '
            || c.usd_price_year AS cost_basis
    FROM candidates AS c
    WHERE NOT c.is_route
),

measure_physics AS (
    SELECT m.*,
        coalesce(m.elec_mwh * m.grid_avg, 0) + coalesce(m.coal_gj * k.co2_ef_t_per_tj / 1000, 0)
            AS baseline_measure_co2,
        coalesce(m.elec_mwh_low * least(coalesce(m.grid_cred, m.grid_avg), m.grid_avg), 0)
            + coalesce(m.coal_gj_low * k.co2_ef_t_per_tj_lower / 1000, 0) AS reference_co2_t_per_yr,
        m.elec_mwh AS electricity_saved_mwh_per_yr,
        m.coal_gj / 1000 AS fuel_saved_tj_per_yr,
        m.capex_usd * m.om_share AS delta_om_usd_per_yr,
        CASE WHEN m.elec_mwh IS NOT NULL
             THEN 'bau: saved MWh x grid average; reference: low saving x crediting factor (never above '
                || 'the average)'
             ELSE 'bau: fuel saved x coal EF; reference: fuel saved x IPCC lower coal EF' END AS reference_rule
    FROM measure_rows AS m
    CROSS JOIN coal AS k
),

measures AS (
    SELECT m.*,
        -- Unknown price of what is saved: unknown savings (an electricity saving without a price).
        CASE WHEN m.elec_mwh IS NOT NULL AND m.electricity_price IS NULL THEN NULL
             ELSE coalesce(m.elec_mwh * m.electricity_price, 0) + coalesce(m.coal_gj * m.coal_low, 0) END
            AS savings_low,
        CASE WHEN m.elec_mwh IS NOT NULL AND m.electricity_price IS NULL THEN NULL
             ELSE coalesce(m.elec_mwh * m.electricity_price, 0) + coalesce(m.coal_gj * m.coal_central, 0) END
            AS savings_central,
        CASE WHEN m.elec_mwh IS NOT NULL AND m.electricity_price IS NULL THEN NULL
             ELSE coalesce(m.elec_mwh * m.electricity_price, 0) + coalesce(m.coal_gj * m.coal_high, 0) END
            AS savings_high,
        m.baseline_measure_co2 AS measure_baseline_co2,
        0.0 AS project_co2_t_per_yr,
        0.0 AS project_co2_cons
    FROM measure_physics AS m
),

both_kinds AS (
    SELECT r.*, r.baseline_co2_t_per_yr AS row_baseline_co2 FROM route_rows AS r
    UNION ALL BY NAME
    SELECT m.* EXCLUDE (measure_baseline_co2), m.measure_baseline_co2 AS row_baseline_co2 FROM measures AS m
),

money AS (
    SELECT b.*,
        b.row_baseline_co2 - b.project_co2_t_per_yr AS reduction_bau,
        CASE WHEN b.decision = 'replace'
             THEN b.old_capex_per_t_yr * b.capacity_t_per_yr * b.remaining_life_yr / b.bf_bof_lifetime_yr
             ELSE 0 END AS stranded_value_usd,
        CASE WHEN b.discount_rate = 0 THEN 1 / b.option_lifetime_yr
             ELSE b.discount_rate * pow(1 + b.discount_rate, b.option_lifetime_yr)
                / (pow(1 + b.discount_rate, b.option_lifetime_yr) - 1) END AS crf,
        CASE WHEN b.hurdle_rate = 0 THEN b.option_lifetime_yr
             ELSE (1 - pow(1 + b.hurdle_rate, -b.option_lifetime_yr)) / b.hurdle_rate END AS hurdle_annuity
    FROM both_kinds AS b
),

economics AS (
    SELECT m.*,
        coalesce(m.reduction_bau > 0, false) AS is_upgrade,
        m.capex_usd + m.stranded_value_usd AS upfront_cost_usd,
        (m.capex_usd + m.stranded_value_usd) * m.crf + m.delta_om_usd_per_yr AS annualised_cost_usd_per_yr
    FROM money AS m
),

tested AS (
    SELECT e.*,
        CASE WHEN e.is_upgrade
             THEN greatest(0, least(e.reference_co2_t_per_yr - e.project_co2_cons, e.reduction_bau))
             ELSE 0 END AS reduction_creditable,
        -e.upfront_cost_usd + (e.savings_low - e.delta_om_usd_per_yr) * e.hurdle_annuity AS npv_hurdle_low_usd,
        -e.upfront_cost_usd + (e.savings_central - e.delta_om_usd_per_yr) * e.hurdle_annuity
            AS npv_hurdle_central_usd,
        -e.upfront_cost_usd + (e.savings_high - e.delta_om_usd_per_yr) * e.hurdle_annuity AS npv_hurdle_high_usd
    FROM economics AS e
)

SELECT
    'steel_plants:' || t.unit_id || ':' || t.to_technology AS swap_id,
    t.unit_id,
    'steel_plants' AS unit_source,
    t.country_iso3,
    'steel' AS sector,
    t.swap_type,
    t.from_technology,
    t.to_technology,
    t.is_upgrade,
    CAST(NULL AS DOUBLE) AS capacity_mw,
    CAST(NULL AS DOUBLE) AS net_generation_mwh_per_yr,
    t.output_t_per_yr AS production_t_per_yr,
    t.row_baseline_co2 AS baseline_co2_t_per_yr,
    t.project_co2_t_per_yr,
    t.reduction_bau AS reduction_bau_t_per_yr,
    t.reference_co2_t_per_yr,
    t.reduction_creditable AS reduction_creditable_t_per_yr,
    t.reference_rule,
    t.row_baseline_co2 - t.reference_co2_t_per_yr AS bau_reference_gap_t_per_yr,
    t.fuel_saved_tj_per_yr,
    t.savings_central AS fuel_savings_usd_per_yr,
    t.electricity_saved_mwh_per_yr,
    t.electricity_price AS electricity_price_usd_per_mwh,
    t.capex_usd AS incremental_capex_usd,
    t.annualised_cost_usd_per_yr,
    -t.upfront_cost_usd + (t.savings_central - t.delta_om_usd_per_yr) / t.crf AS npv_usd,
    CASE WHEN t.savings_central - t.delta_om_usd_per_yr > 0
         THEN t.upfront_cost_usd / (t.savings_central - t.delta_om_usd_per_yr) END AS simple_payback_yr,
    CASE WHEN t.reduction_bau > 0
         THEN (t.annualised_cost_usd_per_yr - t.savings_central) / t.reduction_bau END AS mac_usd_per_t,
    CASE WHEN t.reduction_creditable > 0 AND t.annualised_cost_usd_per_yr - t.savings_central IS NOT NULL
         THEN greatest(0, (t.annualised_cost_usd_per_yr - t.savings_central) / t.reduction_creditable) END
        AS breakeven_credit_price_usd_per_t,
    nullif(concat_ws(';',
        CASE WHEN NOT t.is_upgrade THEN 'not_an_upgrade:creditable_zero' END,
        CASE WHEN t.is_upgrade AND t.reduction_creditable = 0 THEN 'reference_at_or_above_project' END,
        CASE WHEN t.grid_avg IS NULL AND (t.is_route OR t.elec_mwh IS NOT NULL) THEN 'no_grid_factor' END,
        CASE WHEN t.is_route AND t.decision = 'build_instead' AND t.capex_usd IS NULL
                AND t.new_capex_per_t_yr IS NOT NULL AND t.old_capex_per_t_yr IS NOT NULL
             THEN 'capex_premium_not_positive:' || t.to_technology || ' costs less to build than an integrated '
                || 'BF-BOF mill (POSTED furnaces vs IEA-GHG whole mill incl. coke, sinter and rolling)' END,
        CASE WHEN t.capex_usd IS NULL AND t.is_route AND (t.new_capex_per_t_yr IS NULL
                OR (t.decision = 'build_instead' AND t.old_capex_per_t_yr IS NULL))
             THEN 'no_capex_in_posted' END,
        CASE WHEN t.decision = 'replace' AND t.start_year IS NULL THEN 'no_start_year:stranded_value_unknown'
             WHEN t.decision = 'replace' AND t.remaining_life_yr = 0 THEN 'beyond_lifetime:no_stranded_value' END,
        CASE WHEN t.is_route THEN 'no_material_costs:scrap_iron_ore_and_om_of_the_route_not_in_the_data' END,
        CASE WHEN t.to_technology = 'steel_scrap_eaf' THEN 'needs_scrap_supply' END,
        CASE WHEN t.is_route THEN 'baseline_excludes_bf_bof_electricity_coke_ovens_sinter' END,
        CASE WHEN NOT t.is_route THEN 'per_t_hot_metal:bf_capacity_x_crude_steel_utilisation' END,
        CASE WHEN t.coal_gj IS NOT NULL THEN 'sinter_rate_of_one_plant:jspl_angul' END,
        CASE WHEN (t.is_route OR t.elec_mwh IS NOT NULL) AND t.electricity_price IS NULL
             THEN 'no_electricity_price' END,
        CASE WHEN t.coal_central IS NULL THEN 'no_fuel_price' END,
        CASE WHEN coalesce(t.capex_not_deflated, false) THEN 'capex_price_year_not_in_price_deflators' END,
        CASE WHEN t.status <> 'operating' THEN 'pipeline_utilisation_as_operating' END
    ), '') AS flags,
    t.status,
    CAST(NULL AS VARCHAR) AS fuel,
    CAST(NULL AS DOUBLE) AS efficiency_bau_lhv,
    CAST(NULL AS DOUBLE) AS efficiency_reference_lhv,
    CAST(NULL AS DOUBLE) AS efficiency_project_lhv,
    CAST(NULL AS DOUBLE) AS co2_ef_baseline_t_per_tj,
    t.project_co2_cons AS project_co2_conservative_t_per_yr,
    CAST(NULL AS DOUBLE) AS fuel_saved_t_per_yr,
    t.coal_central AS fuel_price_usd_per_gj,
    CASE WHEN t.to_technology = 'steel_dri_eaf_gas' THEN t.gas_central END AS project_fuel_price_usd_per_gj,
    t.delta_om_usd_per_yr,
    t.discount_rate,
    t.option_lifetime_yr AS lifetime_yr,
    t.crf,
    CASE WHEN t.is_route OR t.elec_mwh IS NOT NULL THEN t.grid_avg END AS grid_ef_bau_t_per_mwh,
    CASE WHEN t.is_route THEN greatest(t.grid_avg, coalesce(t.grid_cred, t.grid_avg))
         WHEN t.elec_mwh IS NOT NULL THEN least(coalesce(t.grid_cred, t.grid_avg), t.grid_avg) END
        AS grid_ef_reference_t_per_mwh,
    t.decision,
    t.cost_basis,
    t.usd_price_year,
    CAST(NULL AS DOUBLE) AS capex_usd_per_kw,
    CASE WHEN t.decision = 'replace' THEN t.remaining_life_yr END AS remaining_life_yr,
    t.stranded_value_usd,
    t.upfront_cost_usd,
    t.coal_low AS fuel_price_low_usd_per_gj,
    t.coal_high AS fuel_price_high_usd_per_gj,
    t.savings_low AS fuel_savings_low_usd_per_yr,
    t.savings_high AS fuel_savings_high_usd_per_yr,
    t.hurdle_rate,
    t.npv_hurdle_low_usd,
    t.npv_hurdle_central_usd,
    t.npv_hurdle_high_usd,
    -- The central price decides (methodology notes §14); low and high test the verdict.
    CASE WHEN NOT t.is_upgrade THEN NULL
         WHEN t.npv_hurdle_central_usd >= 0 THEN 'not_additional'
         WHEN t.npv_hurdle_low_usd >= 0 OR t.npv_hurdle_high_usd >= 0 THEN 'depends_on_price'
         WHEN t.npv_hurdle_low_usd < 0 AND t.npv_hurdle_high_usd < 0 THEN 'additional' END AS additionality,
    CASE WHEN NOT t.is_upgrade THEN 'not run: not an upgrade'
         WHEN t.npv_hurdle_central_usd IS NULL OR t.npv_hurdle_low_usd IS NULL OR t.npv_hurdle_high_usd IS NULL
         THEN 'not run: ' || CASE WHEN t.upfront_cost_usd IS NULL THEN 'capex unknown'
                                  WHEN t.delta_om_usd_per_yr IS NULL THEN 'O&M unknown'
                                  ELSE 'energy price unknown' END
         ELSE printf('NPV without credits at the %.1f %% hurdle over %.0f yr at the low / central / high fuel '
                     || 'price (electricity at one price): not_additional if >= 0 at central; depends_on_price '
                     || 'if < 0 at central but >= 0 at low or high; additional if < 0 at all three',
                     t.hurdle_rate * 100, t.option_lifetime_yr)
    END AS additionality_rule
FROM tested AS t
ORDER BY swap_id
