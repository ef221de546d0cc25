-- plant_baselines: one row per coal, gas or oil unit (and per user project case) with its CO2 baseline.
-- EG = MW x CF x 8760 x (1 - aux); fuel TJ = EG x 0.0036 / eta(LHV); CO2 = fuel TJ x EF (OXID = 1).
-- Every parameter comes from a table: scenario_parameters, technology_catalogue, fuel_defaults, gwp,
-- cea_india_units (reported generation), project_cases (a case's own values win); technologies maps
-- GEM's technology codes to the one vocabulary.

WITH
-- Scalar scenario settings, one row.
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'aux_consumption_share' AND fuel_class = '*') AS aux_share,
        max(value_text) FILTER (WHERE parameter = 'gwp_set') AS gwp_set
    FROM scenario_parameters
),

gwp_values AS (
    SELECT
        max(g.gwp_100) FILTER (WHERE g.gas = 'CH4') AS gwp_ch4,
        max(g.gwp_100) FILTER (WHERE g.gas = 'N2O') AS gwp_n2o
    FROM gwp AS g, settings AS s
    WHERE g.assessment = s.gwp_set
),

included_status AS (
    SELECT key AS status FROM scenario_parameters WHERE parameter = 'included_status'
),

-- All units in one shape. gas/oil units burning both count as gas (their first fuel is gas);
-- 'other' fuels (blast-furnace gas, ...) have no IPCC default here and are left out.
-- GEM's own code (gem_technology) is mapped to the vocabulary by technologies (tracker, fuel class, code).
tracker_units AS (
    SELECT
        c.gem_unit_id AS unit_id, 'coal_units' AS unit_source, c.country_iso3, c.plant_name, c.unit_name,
        'coal' AS fuel_class, c.coal_type AS fuel_key, c.coal_type, k.technology, c.gem_technology, c.status,
        c.start_year, c.capacity_mw, c.gem_heat_rate_btu_per_kwh, c.gem_ef_kg_per_tj, c.gem_capacity_factor,
        c.gem_annual_co2_mt_per_yr
    FROM coal_units AS c
    LEFT JOIN technologies AS k
        ON k.source_id = 'gem_coal_plant_tracker' AND k.source_fuel_class = 'coal'
        AND k.source_code = c.gem_technology
    UNION ALL BY NAME
    SELECT
        g.gem_unit_id AS unit_id, 'gas_oil_units' AS unit_source, g.country_iso3, g.plant_name, g.unit_name,
        CASE g.fuel_class WHEN 'oil' THEN 'oil' ELSE 'gas' END AS fuel_class,
        split_part(g.fuel, '/', 1) AS fuel_key, NULL AS coal_type, k.technology, g.gem_technology, g.status,
        g.start_year, g.capacity_mw
    FROM gas_oil_units AS g
    LEFT JOIN technologies AS k
        ON k.source_id = 'gem_oil_gas_plant_tracker' AND k.source_fuel_class = g.fuel_class
        AND k.source_code = g.gem_technology
    WHERE g.fuel_class IN ('gas', 'gas/oil', 'oil')
),

units AS (
    SELECT t.*, NULL::DOUBLE AS case_capacity_factor, NULL::DOUBLE AS case_aux_share,
        NULL::DOUBLE AS case_efficiency, NULL::DOUBLE AS case_ef_t_per_tj
    FROM tracker_units AS t
    WHERE t.status IN (SELECT status FROM included_status) AND t.capacity_mw IS NOT NULL
    UNION ALL BY NAME
    -- User project cases are evaluated by the same SQL: a case is a unit with its own parameters.
    SELECT
        case_id AS unit_id, 'case' AS unit_source, country_iso3, case_id AS plant_name, NULL AS unit_name,
        fuel_class, coalesce(coal_type, '*') AS fuel_key, coal_type, from_technology AS technology,
        NULL AS gem_technology, 'case' AS status, start_year, capacity_mw, capacity_factor AS case_capacity_factor,
        aux_consumption_share AS case_aux_share, from_efficiency_lhv AS case_efficiency,
        co2_ef_t_per_tj AS case_ef_t_per_tj
    FROM project_cases
    WHERE kind = 'plant_swap'  -- grid-displacement cases have no unit: grid_displacement_swaps takes them
),

-- TOOL07 splits default efficiencies at units built up to 2000 and after; a unit without a start
-- year is treated as new (> 2000), the higher default, i.e. the conservative side for crediting.
dated AS (
    SELECT
        u.*,
        CASE WHEN u.start_year <= 2000 THEN '<=2000' ELSE '>2000' END AS vintage,
        coalesce(
            (SELECT any_value(p.value_text) FROM scenario_parameters AS p
             WHERE p.parameter = 'unknown_technology_assumed' AND p.fuel_class = u.fuel_class),
            u.technology
        ) AS assumed_technology
    FROM units AS u
),

-- Technologies the catalogue knows per fuel class; anything else gets the conservative assumption.
known_technology AS (
    SELECT DISTINCT fuel_class, technology FROM technology_catalogue
    WHERE parameter_set IN ('catalogue', 'tool07_default') AND net_efficiency_lhv IS NOT NULL
),

typed AS (
    SELECT
        d.* EXCLUDE (assumed_technology),
        CASE WHEN k.technology IS NOT NULL THEN d.technology ELSE d.assumed_technology END
            AS lookup_technology,
        k.technology IS NULL AS technology_is_assumed
    FROM dated AS d
    LEFT JOIN known_technology AS k ON k.fuel_class = d.fuel_class AND k.technology = d.technology
),

-- Catalogue efficiency by technology, vintage and size: the most specific row wins
-- (a size class beats a generic row; a narrower size class beats a wider one).
-- Each pick depends only on a few unit attributes: it is made once per distinct key, then joined
-- back to the units (IS NOT DISTINCT FROM: a null key gets the pick a null would get).
catalogue_eff_key AS (
    SELECT
        k.fuel_class, k.lookup_technology, k.vintage, k.capacity_mw, c.net_efficiency_lhv,
        c.net_efficiency_lhv_low, c.net_efficiency_lhv_high, c.technology_id
    FROM (SELECT DISTINCT fuel_class, lookup_technology, vintage, capacity_mw FROM typed) AS k
    JOIN technology_catalogue AS c
        ON c.parameter_set = 'catalogue' AND c.fuel_class = k.fuel_class
        AND c.technology = k.lookup_technology AND c.net_efficiency_lhv IS NOT NULL
        AND c.vintage IN ('any', k.vintage)
        AND k.capacity_mw BETWEEN coalesce(c.size_min_mw, 0) AND coalesce(c.size_max_mw, 1e9)
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.lookup_technology, k.vintage, k.capacity_mw
        ORDER BY (c.size_min_mw IS NOT NULL) DESC,
            coalesce(c.size_max_mw - c.size_min_mw, 1e9),
            (c.vintage <> 'any') DESC, (c.capex_region IS NULL) DESC, c.technology_id
    ) = 1
),

catalogue_eff AS (
    SELECT
        t.unit_source, t.unit_id, k.net_efficiency_lhv, k.net_efficiency_lhv_low,
        k.net_efficiency_lhv_high, k.technology_id
    FROM typed AS t
    JOIN catalogue_eff_key AS k
        ON k.fuel_class IS NOT DISTINCT FROM t.fuel_class
        AND k.lookup_technology IS NOT DISTINCT FROM t.lookup_technology
        AND k.vintage IS NOT DISTINCT FROM t.vintage AND k.capacity_mw IS NOT DISTINCT FROM t.capacity_mw
),

tool07_eff_key AS (
    SELECT k.fuel_class, k.lookup_technology, k.vintage, c.net_efficiency_lhv, c.technology_id
    FROM (SELECT DISTINCT fuel_class, lookup_technology, vintage FROM typed) AS k
    JOIN technology_catalogue AS c
        ON c.parameter_set = 'tool07_default' AND c.fuel_class = k.fuel_class
        AND c.technology = k.lookup_technology AND c.vintage IN ('any', k.vintage)
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.lookup_technology, k.vintage ORDER BY c.technology_id
    ) = 1
),

tool07_eff AS (
    SELECT t.unit_source, t.unit_id, k.net_efficiency_lhv, k.technology_id
    FROM typed AS t
    JOIN tool07_eff_key AS k
        ON k.fuel_class IS NOT DISTINCT FROM t.fuel_class
        AND k.lookup_technology IS NOT DISTINCT FROM t.lookup_technology
        AND k.vintage IS NOT DISTINCT FROM t.vintage
),

-- Capacity factor: the case's own, else reported generation (CEA, India's coal fleet), else the most
-- specific scenario default (country beats '*', technology beats '*').
cea_fleet_cf AS (
    SELECT
        'IND' AS country_iso3, 'coal' AS fuel_class, any_value(p.value_text) AS fiscal_year,
        -- Exact decimal sums: a float sum would depend on the order rows are stored in.
        CAST(sum(CAST(c.net_generation_mwh AS DECIMAL(38, 6))) AS DOUBLE)
            / CAST(sum(CAST(c.capacity_mw AS DECIMAL(38, 6))) * 8760 AS DOUBLE) AS capacity_factor
    FROM cea_india_units AS c
    JOIN scenario_parameters AS p
        ON p.parameter = 'reported_cf_fiscal_year' AND p.country_iso3 = 'IND' AND c.fiscal_year = p.value_text
    WHERE c.is_station_total AND c.fuel_1 IN ('COAL', 'LIGN') AND c.capacity_mw > 0
        AND c.net_generation_mwh IS NOT NULL
),

default_cf_key AS (
    SELECT k.fuel_class, k.country_iso3, k.technology, p.value AS capacity_factor,
        'scenario_parameters:capacity_factor ' || p.country_iso3 || '/' || p.fuel_class || '/' || p.key
            AS capacity_factor_source
    FROM (SELECT DISTINCT fuel_class, country_iso3, technology FROM typed) AS k
    JOIN scenario_parameters AS p
        ON p.parameter = 'capacity_factor' AND p.fuel_class = k.fuel_class
        AND p.country_iso3 IN ('*', k.country_iso3) AND p.key IN ('*', k.technology)
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.country_iso3, k.technology
        ORDER BY (p.country_iso3 <> '*') DESC, (p.key <> '*') DESC
    ) = 1
),

default_cf AS (
    SELECT t.unit_source, t.unit_id, k.capacity_factor, k.capacity_factor_source
    FROM typed AS t
    JOIN default_cf_key AS k
        ON k.fuel_class IS NOT DISTINCT FROM t.fuel_class AND k.country_iso3 IS NOT DISTINCT FROM t.country_iso3
        AND k.technology IS NOT DISTINCT FROM t.technology
),

-- Fuel: coal by GEM coal type (fuel_defaults.gem_coal_type; unmatched types as 'unknown', GEM's rule),
-- gas and oil through scenario_parameters fuel_map (diesel when GEM's first fuel code is D).
fuel_of_unit AS (
    SELECT t.unit_source, t.unit_id, f.*
    FROM typed AS t
    JOIN fuel_defaults AS f
        ON t.fuel_class = 'coal' AND f.fuel_class = 'coal'
        AND f.gem_coal_type = CASE
            WHEN t.fuel_key IN (SELECT gem_coal_type FROM fuel_defaults WHERE gem_coal_type IS NOT NULL)
                THEN t.fuel_key ELSE 'unknown' END
    UNION ALL BY NAME
    SELECT t.unit_source, t.unit_id, f.*
    FROM typed AS t
    JOIN (
        SELECT t2.unit_source, t2.unit_id, p.value_text AS fuel
        FROM typed AS t2
        JOIN scenario_parameters AS p
            ON p.parameter = 'fuel_map' AND p.fuel_class = t2.fuel_class AND p.key IN ('*', t2.fuel_key)
        WHERE t2.fuel_class <> 'coal'
        QUALIFY row_number() OVER (PARTITION BY t2.unit_source, t2.unit_id ORDER BY (p.key <> '*') DESC) = 1
    ) AS m ON m.unit_source = t.unit_source AND m.unit_id = t.unit_id
    JOIN fuel_defaults AS f ON f.fuel = m.fuel AND f.is_primary
),

resolved AS (
    SELECT
        t.*,
        coalesce(t.case_capacity_factor,
            CASE WHEN cea.capacity_factor IS NOT NULL AND t.unit_source <> 'case' THEN cea.capacity_factor END,
            dcf.capacity_factor) AS capacity_factor,
        CASE
            WHEN t.case_capacity_factor IS NOT NULL THEN 'project_case'
            WHEN cea.capacity_factor IS NOT NULL THEN 'reported_fleet:cea_india_units FY' || cea.fiscal_year
            ELSE dcf.capacity_factor_source
        END AS capacity_factor_source,
        coalesce(t.case_aux_share, s.aux_share, 0) AS aux_consumption_share,
        -- Efficiency: case value, else catalogue (technology, vintage, size), else the tracker's own
        -- heat rate (coal of unknown technology), else the TOOL07 default.
        CASE
            WHEN t.case_efficiency IS NOT NULL THEN t.case_efficiency
            WHEN ce.net_efficiency_lhv IS NOT NULL AND NOT t.technology_is_assumed THEN ce.net_efficiency_lhv
            WHEN t.gem_heat_rate_btu_per_kwh > 0 THEN 3412.14 / t.gem_heat_rate_btu_per_kwh
            ELSE coalesce(ce.net_efficiency_lhv, te.net_efficiency_lhv)
        END AS efficiency_lhv,
        CASE
            WHEN t.case_efficiency IS NOT NULL THEN 'project_case'
            WHEN ce.net_efficiency_lhv IS NOT NULL AND NOT t.technology_is_assumed
                THEN 'technology_catalogue:' || ce.technology_id
            WHEN t.gem_heat_rate_btu_per_kwh > 0 THEN 'gem_heat_rate (tracker, per unit)'
            WHEN ce.net_efficiency_lhv IS NOT NULL
                THEN 'technology_catalogue:' || ce.technology_id || ' (assumed ' || t.lookup_technology || ')'
            ELSE 'technology_catalogue:' || te.technology_id
        END AS efficiency_source,
        -- The range belongs to the catalogue row only when that row set the central value.
        CASE WHEN t.case_efficiency IS NULL AND NOT t.technology_is_assumed THEN ce.net_efficiency_lhv_low END
            AS net_efficiency_lhv_low,
        CASE WHEN t.case_efficiency IS NULL AND NOT t.technology_is_assumed THEN ce.net_efficiency_lhv_high END
            AS net_efficiency_lhv_high,
        f.fuel, f.ncv_tj_per_gg,
        -- A case's own EF counts as measured: no uncertainty band around it.
        coalesce(t.case_ef_t_per_tj, f.co2_ef_t_per_tj) AS co2_ef_t_per_tj,
        coalesce(t.case_ef_t_per_tj, f.co2_ef_t_per_tj_lower, f.co2_ef_t_per_tj) AS co2_ef_t_per_tj_lower,
        coalesce(t.case_ef_t_per_tj, f.co2_ef_t_per_tj_upper, f.co2_ef_t_per_tj) AS co2_ef_t_per_tj_upper,
        f.ch4_kg_per_tj, f.n2o_kg_per_tj,
        g.gwp_ch4, g.gwp_n2o, s.gwp_set,
        cea.capacity_factor IS NOT NULL AND t.case_capacity_factor IS NULL AS cf_reported
    FROM typed AS t
    CROSS JOIN settings AS s
    CROSS JOIN gwp_values AS g
    LEFT JOIN catalogue_eff AS ce USING (unit_source, unit_id)
    LEFT JOIN tool07_eff AS te USING (unit_source, unit_id)
    LEFT JOIN default_cf AS dcf USING (unit_source, unit_id)
    LEFT JOIN fuel_of_unit AS f USING (unit_source, unit_id)
    LEFT JOIN cea_fleet_cf AS cea
        ON cea.country_iso3 = t.country_iso3 AND cea.fuel_class = t.fuel_class AND t.unit_source <> 'case'
),

computed AS (
    SELECT
        r.*,
        r.capacity_mw * r.capacity_factor * 8760 * (1 - r.aux_consumption_share) AS net_generation_mwh_per_yr
    FROM resolved AS r
),

-- MWh x 0.0036 TJ/MWh / eta = fuel TJ; the band pairs the efficiency range with the IPCC EF bounds.
emissions AS (
    SELECT
        c.*,
        c.net_generation_mwh_per_yr * 0.0036 / c.efficiency_lhv AS fuel_tj_per_yr,
        c.net_generation_mwh_per_yr * 0.0036 / c.efficiency_lhv * c.co2_ef_t_per_tj AS co2_t_per_yr,
        c.net_generation_mwh_per_yr * 0.0036 / coalesce(c.net_efficiency_lhv_high, c.efficiency_lhv)
            * c.co2_ef_t_per_tj_lower AS co2_t_per_yr_low,
        c.net_generation_mwh_per_yr * 0.0036 / coalesce(c.net_efficiency_lhv_low, c.efficiency_lhv)
            * c.co2_ef_t_per_tj_upper AS co2_t_per_yr_high,
        c.net_generation_mwh_per_yr * 0.0036 / c.efficiency_lhv
            * (c.ch4_kg_per_tj * c.gwp_ch4 + c.n2o_kg_per_tj * c.gwp_n2o) / 1000 AS ch4_n2o_co2e_t_per_yr
    FROM computed AS c
)

SELECT
    e.unit_source || ':' || e.unit_id AS baseline_id,
    e.unit_id,
    e.unit_source,
    e.country_iso3,
    e.plant_name,
    e.unit_name,
    e.status,
    e.status = 'operating' AS is_operating,
    e.start_year,
    e.vintage,
    e.fuel_class,
    e.fuel,
    e.coal_type,
    e.technology,
    e.gem_technology,
    e.lookup_technology AS technology_assumed,
    e.capacity_mw,
    e.capacity_factor,
    e.capacity_factor_source,
    e.aux_consumption_share,
    e.net_generation_mwh_per_yr,
    e.efficiency_lhv,
    coalesce(e.net_efficiency_lhv_low, e.efficiency_lhv) AS efficiency_lhv_low,
    coalesce(e.net_efficiency_lhv_high, e.efficiency_lhv) AS efficiency_lhv_high,
    e.efficiency_source,
    e.ncv_tj_per_gg,
    e.fuel_tj_per_yr,
    e.co2_ef_t_per_tj,
    e.co2_ef_t_per_tj_lower,
    e.co2_ef_t_per_tj_upper,
    e.co2_t_per_yr,
    e.co2_t_per_yr_low,
    e.co2_t_per_yr_high,
    e.ch4_n2o_co2e_t_per_yr,
    e.co2_t_per_yr + e.ch4_n2o_co2e_t_per_yr AS co2e_t_per_yr,
    e.gwp_set,
    CASE WHEN e.net_generation_mwh_per_yr > 0 THEN e.co2_t_per_yr / e.net_generation_mwh_per_yr END
        AS intensity_t_per_mwh,
    CASE
        WHEN e.technology_is_assumed OR e.efficiency_source LIKE 'gem_heat_rate%' THEN 'default'
        WHEN e.cf_reported THEN 'reported'
        ELSE 'technology_based'
    END AS estimation_tier,
    -- GEM's own method (MW x CF x heat rate x EF) with GEM's parameters, to compare with its Annual CO2:
    -- kW x h x Btu/kWh x 1.055056e-9 TJ/Btu x kg/TJ / 1000 = t.
    e.capacity_mw * 1000 * 8760 * e.gem_capacity_factor * e.gem_heat_rate_btu_per_kwh * 1.055056e-9
        * e.gem_ef_kg_per_tj / 1000 AS gem_method_co2_t_per_yr,
    e.gem_annual_co2_mt_per_yr * 1e6 AS gem_annual_co2_t_per_yr,
    nullif(concat_ws(';',
        CASE WHEN e.technology_is_assumed THEN 'unknown_technology:assumed_' || e.lookup_technology END,
        CASE WHEN e.start_year IS NULL THEN 'missing_start_year:vintage_gt2000' END,
        CASE WHEN e.capacity_factor = 0 THEN 'zero_capacity_factor' END,
        CASE WHEN e.capacity_mw = 0 THEN 'zero_capacity' END,
        CASE WHEN e.efficiency_lhv IS NULL THEN 'no_efficiency' END,
        CASE WHEN e.fuel IS NULL THEN 'no_fuel_default' END
    ), '') AS flags
FROM emissions AS e
