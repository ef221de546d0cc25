-- registered_unit_matches: GEM units already under a CDM or JCM project (nesting, methodology notes §9
-- rule 11 and §16). Three lists:
--   cdm_registered_units (CEA v15, India, unit level): by name, unit capacity (10 %) and commissioning
--       year (1 yr); where GEM lumps units together, by the CDM project's total capacity instead;
--   cdm_power_projects (WRI, all hosts, project = plant level): by name, the plant's total capacity
--       (10 %), fuel, and distance (10 km) where both give coordinates; every unit of the plant is under
--       the project. WRI's list holds renewables only, so no GEM fossil unit can match it today (kept so
--       a list with fossil projects is used as it comes);
--   jcm_projects: every distinctive word of the GEM plant name in the JCM project title, same host,
--       a supply-side project type.
-- Names are compared after dropping generic words (power, plant, station, CCPP, unit, ...), with the
-- larger of token Jaccard and Jaro-Winkler (>= 0.85). Each registered unit and each GEM unit is matched
-- at most once: the pair must be the best candidate of both (same unit number first, then the closest
-- year, capacity and name). Rule per row: CDM -> excluded (no new credits); JCM -> netted by the
-- project's expected t/yr (excluded when that is unknown).

WITH
stop AS (
    SELECT [
        'power', 'plant', 'plants', 'project', 'projects', 'station', 'stations', 'thermal', 'tpp', 'tps',
        'ps', 'ccpp', 'cccp', 'ccgt', 'combined', 'cycle', 'umpp', 'ultra', 'mega', 'super', 'gas', 'coal',
        'fired', 'based', 'energy', 'electric', 'electricity', 'generation', 'phase', 'unit', 'units',
        'extension', 'ext', 'expansion', 'ltd', 'limited', 'pvt', 'private', 'co', 'company', 'corporation',
        'the', 'of', 'and', 'in', 'at', 'by', 'for', 'ipp', 'gt', 'st', 'whr', 'stage', 'i', 'ii', 'iii',
        'iv', 'v', 'vi', 'complex', 'captive', 'cdm', 'activity', 'new', 'grid', 'connected', 'mw'
    ] AS words
),

-- GEM units that exist or existed: a registered project is a built plant.
gem AS (
    SELECT u.*,
        list_filter(string_split(regexp_replace(lower(u.plant_name), '[^a-z0-9]+', ' ', 'g'), ' '),
            lambda t: t <> '' AND NOT list_contains(stop.words, t)) AS tokens,
        try_cast(regexp_extract(u.unit_name, '(\d+)\s*$', 1) AS INTEGER) AS unit_no
    FROM (
        SELECT 'coal_units' AS unit_source, gem_unit_id AS unit_id, country_iso3, plant_name, unit_name,
            capacity_mw, start_year, 'coal' AS fuel_class, latitude, longitude, status
        FROM coal_units
        UNION ALL
        SELECT 'gas_oil_units', gem_unit_id, country_iso3, plant_name, unit_name, capacity_mw, start_year,
            CASE WHEN fuel_class = 'gas/oil' THEN 'gas' ELSE fuel_class END, latitude, longitude, status
        FROM gas_oil_units
    ) AS u, stop
    WHERE u.status IN ('operating', 'mothballed', 'retired')
),

cea_units AS (
    SELECT c.*, lower(c.fuel_1) AS fuel_class, year(c.commissioned_date) AS year,
        list_filter(string_split(regexp_replace(lower(c.station_name), '[^a-z0-9]+', ' ', 'g'), ' '),
            lambda t: t <> '' AND NOT list_contains(stop.words, t)) AS tokens
    FROM cdm_registered_units AS c, stop
    WHERE c.plant_type = 'THERMAL'
),

-- CEA units of one CDM project summed: the match when GEM lumps them into one unit ('1-2').
cea_projects AS (
    SELECT country_iso3, cdm_project_ref, fuel_class, any_value(tokens ORDER BY s_no, unit_no) AS tokens,
        string_agg(DISTINCT station_name, ' + ' ORDER BY station_name) AS station_name,
        CAST(sum(CAST(capacity_mw AS DECIMAL(38, 6))) AS DOUBLE) AS capacity_mw, min(year) AS first_year,
        max(year) AS last_year
    FROM cea_units
    GROUP BY ALL
),

wri AS (
    SELECT w.*,
        CASE WHEN lower(w.fuel) LIKE '%coal%' THEN 'coal' WHEN lower(w.fuel) LIKE '%gas%' THEN 'gas'
             WHEN lower(w.fuel) LIKE '%oil%' THEN 'oil' END AS fuel_class,
        list_filter(string_split(regexp_replace(lower(w.name), '[^a-z0-9]+', ' ', 'g'), ' '),
            lambda t: t <> '' AND NOT list_contains(stop.words, t)) AS tokens
    FROM cdm_power_projects AS w, stop
),

gem_plants AS (
    SELECT country_iso3, plant_name, fuel_class, CAST(sum(CAST(capacity_mw AS DECIMAL(38, 6))) AS DOUBLE) AS capacity_mw
    FROM gem GROUP BY ALL
),

-- Candidate pairs with their scores, list by list.
cea_unit_pairs AS (
    SELECT g.*, 'cdm_registered_units' AS registry_list,
        CAST(c.cdm_project_ref AS VARCHAR) || ' (CEA S_NO ' || c.s_no || ' unit ' || c.unit_no || ')' AS registered_id,
        c.station_name || ' unit ' || c.unit_no AS registered_name, c.capacity_mw AS registered_capacity_mw,
        c.unit_no = g.unit_no AS same_unit_no, abs(g.start_year - c.year) AS year_diff_yr,
        CAST(NULL AS DOUBLE) AS distance_km, 'unit' AS level, c.tokens AS r_tokens
    FROM gem AS g
    JOIN cea_units AS c ON c.country_iso3 = g.country_iso3 AND c.fuel_class = g.fuel_class
        AND abs(g.capacity_mw - c.capacity_mw) <= 0.1 * c.capacity_mw
        AND (g.start_year IS NULL OR abs(g.start_year - c.year) <= 1)
),

cea_project_pairs AS (
    SELECT g.*, 'cdm_registered_units' AS registry_list,
        CAST(p.cdm_project_ref AS VARCHAR) || ' (CEA project total)' AS registered_id,
        p.station_name || ' (all CDM units)' AS registered_name, p.capacity_mw AS registered_capacity_mw,
        false AS same_unit_no,
        CASE WHEN g.start_year BETWEEN p.first_year AND p.last_year THEN 0
             ELSE least(abs(g.start_year - p.first_year), abs(g.start_year - p.last_year)) END AS year_diff_yr,
        CAST(NULL AS DOUBLE) AS distance_km, 'project' AS level, p.tokens AS r_tokens
    FROM gem AS g
    JOIN cea_projects AS p ON p.country_iso3 = g.country_iso3 AND p.fuel_class = g.fuel_class
        AND abs(g.capacity_mw - p.capacity_mw) <= 0.1 * p.capacity_mw
        AND (g.start_year IS NULL OR g.start_year BETWEEN p.first_year - 1 AND p.last_year + 1)
),

wri_pairs AS (
    SELECT g.*, 'cdm_power_projects' AS registry_list, w.cdm_project_id AS registered_id,
        w.name AS registered_name, w.capacity_mw AS registered_capacity_mw, false AS same_unit_no,
        CAST(NULL AS DOUBLE) AS year_diff_yr,
        -- Haversine distance, km
        CASE WHEN w.latitude IS NOT NULL AND g.latitude IS NOT NULL THEN
            2 * 6371 * asin(sqrt(pow(sin(radians(w.latitude - g.latitude) / 2), 2)
                + cos(radians(g.latitude)) * cos(radians(w.latitude))
                * pow(sin(radians(w.longitude - g.longitude) / 2), 2))) END AS distance_km,
        'project' AS level, w.tokens AS r_tokens
    FROM gem AS g
    JOIN gem_plants AS gp USING (country_iso3, plant_name, fuel_class)
    JOIN wri AS w ON w.country_iso3 = g.country_iso3 AND w.fuel_class = g.fuel_class
        AND abs(gp.capacity_mw - w.capacity_mw) <= 0.1 * w.capacity_mw
),

cdm_scored AS (
    SELECT *,
        greatest(
            CASE WHEN len(list_distinct(list_concat(tokens, r_tokens))) > 0
                 THEN len(list_intersect(tokens, r_tokens)) / len(list_distinct(list_concat(tokens, r_tokens)))
                 ELSE 0 END,
            jaro_winkler_similarity(array_to_string(tokens, ' '), array_to_string(r_tokens, ' '))
        ) AS name_score
    FROM (SELECT * FROM cea_unit_pairs UNION ALL SELECT * FROM cea_project_pairs UNION ALL SELECT * FROM wri_pairs)
    WHERE len(tokens) > 0 AND len(r_tokens) > 0
),

cdm_candidates AS (
    SELECT * FROM cdm_scored
    WHERE name_score >= 0.85 AND (distance_km IS NULL OR distance_km <= 10)
),

-- One-to-one: the best candidate of the registered unit and of the GEM unit (unit-level before
-- project-level for a GEM unit). A WRI project is a plant: every unit of the matched plant is under it.
cdm_ranked AS (
    SELECT *,
        row_number() OVER (PARTITION BY registry_list, registered_id
            ORDER BY same_unit_no DESC, year_diff_yr NULLS LAST, abs(capacity_mw - registered_capacity_mw),
                name_score DESC, unit_id) AS rank_registered,
        row_number() OVER (PARTITION BY unit_source, unit_id
            ORDER BY level = 'unit' DESC, same_unit_no DESC, year_diff_yr NULLS LAST,
                abs(capacity_mw - registered_capacity_mw), name_score DESC, registered_id) AS rank_unit
    FROM cdm_candidates
),

cdm_matches AS (
    SELECT *, 'CDM' AS registry, 'excluded' AS nesting_rule, CAST(NULL AS DOUBLE) AS netted_t_per_yr,
        concat_ws('; ', 'name ' || round(name_score, 2),
            'capacity within 10 % (' || level || ' level)',
            CASE WHEN year_diff_yr IS NOT NULL THEN 'year within 1 (' || CAST(year_diff_yr AS INTEGER) || ')' END,
            CASE WHEN same_unit_no THEN 'same unit number' END,
            CASE WHEN distance_km IS NOT NULL THEN 'distance ' || round(distance_km, 1) || ' km' END
        ) AS match_basis
    FROM cdm_ranked
    WHERE rank_unit = 1 AND (rank_registered = 1 OR registry_list = 'cdm_power_projects')
),

jcm AS (
    SELECT j.*,
        list_filter(string_split(regexp_replace(lower(j.title), '[^a-z0-9]+', ' ', 'g'), ' '),
            lambda t: t <> '' AND NOT list_contains(stop.words, t)) AS title_tokens
    FROM jcm_projects AS j, stop
    WHERE j.project_type IN ('EE supply side', 'Bioenergy', 'Landfill gas')
),

jcm_matches AS (
    SELECT g.*, 'JCM' AS registry, 'jcm_projects' AS registry_list, j.jcm_project_id AS registered_id,
        j.title AS registered_name, CAST(NULL AS DOUBLE) AS registered_capacity_mw, 1.0 AS name_score,
        CAST(NULL AS DOUBLE) AS year_diff_yr, CAST(NULL AS DOUBLE) AS distance_km,
        CASE WHEN j.reduction_kt_co2e_per_yr IS NULL THEN 'excluded' ELSE 'netted' END AS nesting_rule,
        j.reduction_kt_co2e_per_yr * 1000 AS netted_t_per_yr,
        'every word of the plant name (' || array_to_string(g.tokens, ' ') || ') in the JCM title; same host'
            AS match_basis
    FROM gem AS g
    JOIN jcm AS j ON j.host_country_iso3 = g.country_iso3
    WHERE len(g.tokens) > 0 AND list_has_all(j.title_tokens, g.tokens)
        AND list_max(list_transform(g.tokens, lambda t: length(t))) >= 4
)

SELECT unit_source, unit_id, country_iso3, plant_name, unit_name, capacity_mw, start_year, registry,
    registry_list, registered_id, registered_name, registered_capacity_mw, name_score,
    abs(capacity_mw - registered_capacity_mw) / registered_capacity_mw AS capacity_diff_share,
    year_diff_yr, distance_km, match_basis, nesting_rule, netted_t_per_yr
FROM cdm_matches
UNION ALL
SELECT unit_source, unit_id, country_iso3, plant_name, unit_name, capacity_mw, start_year, registry,
    registry_list, registered_id, registered_name, registered_capacity_mw, name_score,
    CAST(NULL AS DOUBLE), year_diff_yr, distance_km, match_basis, nesting_rule, netted_t_per_yr
FROM jcm_matches
