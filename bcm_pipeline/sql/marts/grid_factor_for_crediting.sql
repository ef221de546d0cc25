-- A conservative grid factor per host country and project type: the lowest credible candidate.
-- Candidates: CMs with the project type's TOOL07 weights (wind/solar 0.75/0.25, efficiency 0.5/0.5) from
-- our CEA-data TOOL07, CEA's published OM/BM re-weighted, our GEM+OWID estimate (only where no unit data exist
-- and the LCMR test passes: else the simple OM it rests on is not allowed) and IFI's CM for that project type.
-- OWID's average intensity is shown in grid_emission_factors but is no candidate: it is not a margin.
WITH project_types AS (
    SELECT * FROM (VALUES ('solar_pv', 'cm_0.75_0.25', 'cm_intermittent', 0.75),
                          ('wind', 'cm_0.75_0.25', 'cm_intermittent', 0.75),
                          ('efficiency', 'cm_0.5_0.5', 'cm_efficiency', 0.5)) AS t(project_type, cm_method, ifi_method, w_om)
),
latest AS (  -- the most recent period of each country's computed margins: from unit data where there are
             -- any (TOOL07 allows the A3 default-efficiency estimate only where data are missing), else estimate
    SELECT country_iso3, is_estimate, max(period) AS period
    FROM grid_margins_computed
    GROUP BY country_iso3, is_estimate
    QUALIFY is_estimate = min(is_estimate) OVER (PARTITION BY country_iso3)
),
computed AS (
    SELECT p.project_type, g.country_iso3, 'computed' AS source, g.method, g.period, g.ef_t_per_mwh,
           g.is_estimate
    FROM grid_margins_computed g
    JOIN latest l USING (country_iso3, is_estimate, period)
    JOIN project_types p ON g.method = p.cm_method
    WHERE g.simple_om_allowed
),
cea_latest AS (
    SELECT fiscal_year,
           max(ef_t_per_mwh) FILTER (WHERE margin = 'OM') AS om,
           max(ef_t_per_mwh) FILTER (WHERE margin = 'BM') AS bm
    FROM cea_india_published_margins
    WHERE imports = 'excluded'
    GROUP BY fiscal_year
    ORDER BY fiscal_year DESC
    LIMIT 1
),
cea AS (
    SELECT p.project_type, 'IND' AS country_iso3, 'cea' AS source,
           'published OM, BM at ' || p.w_om || '/' || (1 - p.w_om) AS method, c.fiscal_year AS period,
           p.w_om * c.om + (1 - p.w_om) * c.bm AS ef_t_per_mwh, false AS is_estimate
    FROM cea_latest c CROSS JOIN project_types p
),
ifi AS (
    SELECT p.project_type, i.country_iso3, 'ifi' AS source, e.method, e.period, e.ef_t_per_mwh, false
    FROM grid_emission_factors e
    JOIN project_types p ON e.method = p.ifi_method
    JOIN countries i ON i.country_iso3 = e.country_iso3 AND i.is_host_country
    WHERE e.source = 'ifi'
),
candidates AS (
    SELECT * FROM computed UNION ALL SELECT * FROM cea UNION ALL SELECT * FROM ifi
),
credible AS (
    SELECT c.* FROM candidates c
    JOIN countries h ON h.country_iso3 = c.country_iso3 AND h.is_host_country
    WHERE c.ef_t_per_mwh IS NOT NULL AND c.ef_t_per_mwh > 0
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY country_iso3, project_type ORDER BY ef_t_per_mwh, source, method) AS rank,
           count(*) OVER (PARTITION BY country_iso3, project_type) AS n_candidates,
           string_agg(source || (CASE WHEN is_estimate THEN ' estimate' ELSE '' END) || '/' || method || '/' || period
                      || '=' || round(ef_t_per_mwh, 4), '; ' ORDER BY ef_t_per_mwh)
               OVER (PARTITION BY country_iso3, project_type) AS candidates
    FROM credible
)
SELECT
    country_iso3,
    project_type,
    ef_t_per_mwh,
    source,
    method,
    period,
    'lowest of ' || n_candidates || ' credible candidate(s) (CMs weighted for ' || project_type
        || '; estimates only where LCMR < 50 %): ' || source
        || CASE WHEN is_estimate THEN ' estimate' ELSE '' END || ' ' || method || ' won' AS rule,
    candidates,
    n_candidates
FROM ranked
WHERE rank = 1
