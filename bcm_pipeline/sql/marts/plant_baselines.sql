-- plant_baselines: one row per coal, gas or oil unit (and per user project case) with its CO2 baseline.
-- EG = MW x CF x 8760 x (1 - aux); fuel TJ = EG x 0.0036 / eta(LHV); CO2 = fuel TJ x EF (OXID = 1).
-- Activity data, best first (estimation_tier): reported (India: the unit's CEA station's net generation,
-- shared by capacity, and the station's specific emissions), calibrated (the country's own capacity factor:
-- OWID generation / GEM capacity online), default (a scenario_parameters fleet value, labelled).
-- Every parameter comes from a table: scenario_parameters, unit_efficiency_classes, technology_catalogue
-- (TOOL07 fallback), fuel_defaults, gwp, cea_gem_unit_matches + cea_india_units (reported),
-- calibrated_capacity_factors, tracker_duplicate_units (one unit counted once), project_cases (a case's
-- own values win); technologies maps GEM's technology codes to the one vocabulary.

WITH
-- Scalar scenario settings, one row.
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'aux_consumption_share' AND fuel_class = '*') AS aux_share,
        max(value) FILTER (WHERE parameter = 'gross_to_net_share' AND fuel_class = '*') AS gross_to_net_share,
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

-- A unit listed in both GEM trackers gets one baseline: the record tracker_duplicate_units keeps.
dropped_duplicates AS (
    SELECT dropped_unit_source AS unit_source, dropped_gem_unit_id AS unit_id FROM tracker_duplicate_units
),

units AS (
    SELECT t.*, NULL::DOUBLE AS case_capacity_factor, NULL::DOUBLE AS case_aux_share,
        NULL::DOUBLE AS case_efficiency, NULL::DOUBLE AS case_ef_t_per_tj
    FROM tracker_units AS t
    ANTI JOIN dropped_duplicates AS d ON d.unit_source = t.unit_source AND d.unit_id = t.unit_id
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

-- The efficiency class a technology is assigned by: its own, except integrated-solar and Allam-cycle
-- units, which are combined cycles for their efficiency.
efficiency_technology (technology, class_technology) AS (
    VALUES ('gas_solar_combined_cycle', 'gas_combined_cycle'), ('gas_allam_cycle', 'gas_combined_cycle')
),

-- A technology is known when an efficiency class covers it; anything else gets the conservative assumption.
known_technology AS (
    SELECT DISTINCT technology FROM unit_efficiency_classes
    UNION
    SELECT technology FROM efficiency_technology
),

typed AS (
    SELECT
        d.* EXCLUDE (assumed_technology),
        CASE WHEN k.technology IS NOT NULL THEN d.technology ELSE d.assumed_technology END AS lookup_technology,
        k.technology IS NULL AS technology_is_assumed
    FROM dated AS d
    LEFT JOIN known_technology AS k ON k.technology = d.technology
),

-- Efficiency class by technology, size and start year (unit_efficiency_classes: bands do not overlap, a
-- unit falls in one). A unit without a start year takes the newest class: the conservative side.
-- `resolved` joins the classes straight onto the units: the pick's key (technology, size, start year) is
-- nearly unique per unit (~480 k keys for ~680 k units at 1 M), so a key table would save no work.
-- The other picks depend on few attributes (tool07_eff_key, default_cf_key, fuel_of_key): made once per key.

tool07_eff_key AS (
    SELECT k.fuel_class, k.lookup_technology, k.vintage, c.net_efficiency_lhv, c.technology_id,
        'technology_catalogue:' || c.technology_id AS efficiency_source
    FROM (SELECT DISTINCT fuel_class, lookup_technology, vintage FROM typed) AS k
    JOIN technology_catalogue AS c
        ON c.parameter_set = 'tool07_default' AND c.fuel_class = k.fuel_class
        AND c.technology = k.lookup_technology AND c.vintage IN ('any', k.vintage)
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.lookup_technology, k.vintage ORDER BY c.technology_id
    ) = 1
),

-- Reported (India): a GEM unit matched to a CEA station and running in CEA's fiscal year (the latest in
-- the CEA file: cea_gem_unit_matches.fiscal_year) takes its share of the station's net generation, by
-- capacity over the larger of the GEM capacity matched there and CEA's own capacity (GEM missing a unit
-- does not inflate the others), and the station's specific emissions.
station_share AS (
    SELECT
        m.unit_source, m.gem_unit_id AS unit_id, m.fiscal_year, m.cea_s_no, m.cea_station_name,
        -- (an exact decimal sum: a float sum would depend on the order the rows are stored in)
        m.capacity_mw / greatest(
            CAST(sum(CAST(m.capacity_mw AS DECIMAL(38, 6))) OVER (PARTITION BY m.cea_s_no) AS DOUBLE),
            m.cea_station_capacity_mw
        ) AS generation_share
    FROM cea_gem_unit_matches AS m
    WHERE m.match_status = 'matched'
),

reported AS (
    SELECT
        s.unit_source, s.unit_id, s.fiscal_year, s.cea_s_no, s.cea_station_name, s.generation_share,
        s.generation_share * c.net_generation_mwh AS reported_net_generation_mwh,
        nullif(c.ef_t_per_mwh, 0) AS reported_ef_t_per_mwh
    FROM station_share AS s
    JOIN cea_india_units AS c
        ON c.fiscal_year = s.fiscal_year AND c.s_no = s.cea_s_no AND c.is_station_total
    WHERE c.net_generation_mwh IS NOT NULL
),

-- Calibrated: the country's own capacity factor for the fuel and technology (calibrated_capacity_factors).
calibrated AS (
    SELECT country_iso3, fuel_class, technology, year, capacity_factor, is_clamped
    FROM calibrated_capacity_factors
),

-- Units at a CEA station that did not run in its fiscal year (newer): calibrated, and said so.
matched_not_running AS (
    SELECT unit_source, gem_unit_id AS unit_id, fiscal_year
    FROM cea_gem_unit_matches
    WHERE match_status = 'matched_not_in_fiscal_year'
),

-- Default capacity factor: the most specific scenario_parameters row (country beats '*', technology
-- beats '*'): a fleet value of another place or year, used only where neither of the above applies.
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

-- Fuel: coal by GEM coal type (fuel_defaults.gem_coal_type; unmatched types as 'unknown', GEM's rule),
-- gas and oil through scenario_parameters fuel_map (diesel when GEM's first fuel code is D). The fuel depends
-- only on the unit's fuel class and GEM fuel key: picked once per pair and joined onto the units in `resolved`
-- (picking it per unit and joining it back on (unit_source, unit_id) cost two joins of every unit).
fuel_of_key AS (
    SELECT k.fuel_class AS unit_fuel_class, k.fuel_key AS unit_fuel_key, f.*
    FROM (SELECT DISTINCT fuel_class, fuel_key FROM typed WHERE fuel_class = 'coal') AS k
    JOIN fuel_defaults AS f
        ON f.fuel_class = 'coal'
        AND f.gem_coal_type = CASE
            WHEN k.fuel_key IN (SELECT gem_coal_type FROM fuel_defaults WHERE gem_coal_type IS NOT NULL)
                THEN k.fuel_key ELSE 'unknown' END
    UNION ALL BY NAME
    SELECT m.fuel_class AS unit_fuel_class, m.fuel_key AS unit_fuel_key, f.*
    FROM (
        SELECT k.fuel_class, k.fuel_key, p.value_text AS fuel
        FROM (SELECT DISTINCT fuel_class, fuel_key FROM typed WHERE fuel_class <> 'coal') AS k
        JOIN scenario_parameters AS p
            ON p.parameter = 'fuel_map' AND p.fuel_class = k.fuel_class AND p.key IN ('*', k.fuel_key)
        QUALIFY row_number() OVER (PARTITION BY k.fuel_class, k.fuel_key ORDER BY (p.key <> '*') DESC) = 1
    ) AS m
    JOIN fuel_defaults AS f ON f.fuel = m.fuel AND f.is_primary
),

-- The activity tier of each row: the case's own CF, else reported, else calibrated, else default. The unit's
-- columns come along: one pass over the units, not a second join of every unit on its id (~0.2 s at 1 M).
activity AS (
    SELECT
        t.*,
        CASE
            WHEN t.case_capacity_factor IS NOT NULL THEN 'project_case'
            WHEN rep.unit_id IS NOT NULL THEN 'reported'
            WHEN cal.capacity_factor IS NOT NULL THEN 'calibrated'
            ELSE 'default'
        END AS estimation_tier,
        rep.fiscal_year, rep.cea_s_no, rep.cea_station_name, rep.generation_share,
        rep.reported_net_generation_mwh, rep.reported_ef_t_per_mwh,
        cal.year AS calibrated_year, cal.capacity_factor AS calibrated_cf, cal.is_clamped AS calibrated_is_clamped,
        nr.fiscal_year AS not_running_fiscal_year
    FROM typed AS t
    LEFT JOIN reported AS rep ON rep.unit_source = t.unit_source AND rep.unit_id = t.unit_id
    LEFT JOIN calibrated AS cal
        ON cal.country_iso3 = t.country_iso3 AND cal.fuel_class = t.fuel_class AND cal.technology = t.technology
    LEFT JOIN matched_not_running AS nr ON nr.unit_source = t.unit_source AND nr.unit_id = t.unit_id
),

resolved AS (
    SELECT
        t.*,
        CASE t.estimation_tier
            WHEN 'project_case' THEN t.case_capacity_factor
            WHEN 'reported' THEN t.reported_net_generation_mwh / nullif(t.capacity_mw * 8760, 0)
            WHEN 'calibrated' THEN t.calibrated_cf
            ELSE dcf.capacity_factor
        END AS capacity_factor,
        CASE t.estimation_tier
            WHEN 'project_case' THEN 'project_case'
            WHEN 'reported' THEN 'reported:cea_india_units FY' || t.fiscal_year || ' S_NO ' || t.cea_s_no || ' '
                || t.cea_station_name || ' (station net generation x capacity share '
                || round(t.generation_share, 4) || ')'
            WHEN 'calibrated' THEN 'calibrated:calibrated_capacity_factors ' || t.country_iso3 || '/' || t.fuel_class
                || '/' || t.technology || ' ' || t.calibrated_year || ' (OWID generation / GEM capacity online'
                || CASE WHEN t.calibrated_is_clamped THEN ', clamped' ELSE '' END || ')'
            ELSE dcf.capacity_factor_source
        END AS capacity_factor_source,
        -- CEA's generation is net; a calibrated CF is gross (OWID), netted with the gross-to-net share;
        -- the default CFs are net-generation CFs (scenario aux share, 0).
        CASE t.estimation_tier
            WHEN 'project_case' THEN coalesce(t.case_aux_share, s.aux_share, 0)
            WHEN 'reported' THEN 0
            WHEN 'calibrated' THEN coalesce(s.gross_to_net_share, 0)
            ELSE coalesce(s.aux_share, 0)
        END AS aux_consumption_share,
        CASE t.estimation_tier
            WHEN 'reported' THEN CAST(substr(t.fiscal_year, 1, 4) AS INTEGER)
            WHEN 'calibrated' THEN t.calibrated_year
        END AS activity_year,
        -- CEA's specific emissions (tCO2 per net MWh) imply the efficiency that, with the IPCC EF of the
        -- unit's fuel, gives CEA's CO2: eta = 0.0036 x EF / specific emissions. Implausible values (CEA's
        -- commissioning-year rows reach 22 t/MWh) are not used; 1960s lignite units do run near 0.19.
        CASE
            WHEN t.estimation_tier = 'reported'
                AND 0.0036 * f.co2_ef_t_per_tj / t.reported_ef_t_per_mwh BETWEEN 0.15 AND 0.65
                THEN 0.0036 * f.co2_ef_t_per_tj / t.reported_ef_t_per_mwh
        END AS reported_efficiency,
        ce.net_efficiency_lhv AS class_efficiency, ce.net_efficiency_lhv_low AS class_efficiency_low,
        ce.net_efficiency_lhv_high AS class_efficiency_high, ce.efficiency_class_id,
        te.net_efficiency_lhv AS tool07_efficiency, te.technology_id AS tool07_id,
        te.efficiency_source AS tool07_efficiency_source,
        f.fuel, f.ncv_tj_per_gg,
        -- A case's own EF counts as measured: no uncertainty band around it.
        coalesce(t.case_ef_t_per_tj, f.co2_ef_t_per_tj) AS co2_ef_t_per_tj,
        coalesce(t.case_ef_t_per_tj, f.co2_ef_t_per_tj_lower, f.co2_ef_t_per_tj) AS co2_ef_t_per_tj_lower,
        coalesce(t.case_ef_t_per_tj, f.co2_ef_t_per_tj_upper, f.co2_ef_t_per_tj) AS co2_ef_t_per_tj_upper,
        f.ch4_kg_per_tj, f.n2o_kg_per_tj,
        g.gwp_ch4, g.gwp_n2o, s.gwp_set
    FROM activity AS t
    CROSS JOIN settings AS s
    CROSS JOIN gwp_values AS g
    LEFT JOIN efficiency_technology AS v ON v.technology = t.lookup_technology
    LEFT JOIN unit_efficiency_classes AS ce
        ON ce.technology = coalesce(v.class_technology, t.lookup_technology)
        AND t.capacity_mw >= ce.size_min_mw AND (ce.size_max_mw IS NULL OR t.capacity_mw < ce.size_max_mw)
        AND coalesce(t.start_year, 9999) BETWEEN coalesce(ce.start_year_min, 0) AND coalesce(ce.start_year_max, 9999)
    LEFT JOIN tool07_eff_key AS te
        ON te.fuel_class IS NOT DISTINCT FROM t.fuel_class
        AND te.lookup_technology IS NOT DISTINCT FROM t.lookup_technology
        AND te.vintage IS NOT DISTINCT FROM t.vintage
    LEFT JOIN default_cf_key AS dcf
        ON dcf.fuel_class IS NOT DISTINCT FROM t.fuel_class AND dcf.country_iso3 IS NOT DISTINCT FROM t.country_iso3
        AND dcf.technology IS NOT DISTINCT FROM t.technology
    LEFT JOIN fuel_of_key AS f ON f.unit_fuel_class = t.fuel_class AND f.unit_fuel_key IS NOT DISTINCT FROM t.fuel_key
),

-- Efficiency: the case's own, else the one CEA's reported CO2 implies, else the unit's efficiency class
-- (technology, size, start year), else the tracker's own heat rate (coal of unknown technology), else the
-- class of the assumed technology, else the TOOL07 default. The range belongs to the class only when the
-- class set the central value.
efficiency AS (
    SELECT
        r.*,
        CASE
            WHEN r.case_efficiency IS NOT NULL THEN r.case_efficiency
            WHEN r.reported_efficiency IS NOT NULL THEN r.reported_efficiency
            WHEN r.class_efficiency IS NOT NULL AND NOT r.technology_is_assumed THEN r.class_efficiency
            WHEN r.gem_heat_rate_btu_per_kwh > 0 THEN 3412.14 / r.gem_heat_rate_btu_per_kwh
            ELSE coalesce(r.class_efficiency, r.tool07_efficiency)
        END AS efficiency_lhv,
        CASE
            WHEN r.case_efficiency IS NOT NULL THEN 'project_case'
            WHEN r.reported_efficiency IS NOT NULL
                THEN 'reported:cea_india_units FY' || r.fiscal_year || ' S_NO ' || r.cea_s_no
                    || ' specific emissions ' || round(r.reported_ef_t_per_mwh, 4) || ' tCO2/MWh with IPCC EF '
                    || r.co2_ef_t_per_tj || ' tCO2/TJ'
            WHEN r.class_efficiency IS NOT NULL AND NOT r.technology_is_assumed
                THEN 'unit_efficiency_classes:' || r.efficiency_class_id
            WHEN r.gem_heat_rate_btu_per_kwh > 0 THEN 'gem_heat_rate (tracker, per unit)'
            WHEN r.class_efficiency IS NOT NULL
                THEN 'unit_efficiency_classes:' || r.efficiency_class_id || ' (assumed ' || r.lookup_technology || ')'
            ELSE r.tool07_efficiency_source
        END AS efficiency_source,
        CASE WHEN r.case_efficiency IS NULL AND r.reported_efficiency IS NULL AND NOT r.technology_is_assumed
            THEN r.class_efficiency_low END AS net_efficiency_lhv_low,
        CASE WHEN r.case_efficiency IS NULL AND r.reported_efficiency IS NULL AND NOT r.technology_is_assumed
            THEN r.class_efficiency_high END AS net_efficiency_lhv_high
    FROM resolved AS r
),

computed AS (
    SELECT
        r.*,
        r.capacity_mw * r.capacity_factor * 8760 * (1 - r.aux_consumption_share) AS net_generation_mwh_per_yr
    FROM efficiency AS r
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
    e.estimation_tier,
    e.activity_year,
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
        CASE WHEN e.fuel IS NULL THEN 'no_fuel_default' END,
        CASE WHEN e.calibrated_is_clamped AND e.estimation_tier = 'calibrated' THEN 'calibrated_cf_clamped' END,
        CASE WHEN e.estimation_tier = 'reported' AND e.reported_efficiency IS NULL
            THEN 'cea_specific_emissions_unused' END,
        CASE WHEN e.not_running_fiscal_year IS NOT NULL
            THEN 'at_cea_station_not_running_fy' || e.not_running_fiscal_year END
    ), '') AS flags
FROM emissions AS e
