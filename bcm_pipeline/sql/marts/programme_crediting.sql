-- programme_crediting: sectoral (NAMA) crediting of a host's fleet beside project-by-project crediting of
-- the same units (methodology notes §7 and §16; the founding paper's comparison).
-- Boundary: the host's units of the sector with a boundary status that have the programme's upgrade
-- (each unit: its eligible option with the largest creditable reduction); units already CDM- or
-- JCM-registered (registered_unit_matches) are taken out and counted. A unit runs in year y from its
-- start (a pipeline unit without a GEM start year: the credit_vintages assumption) until it retires (GEM
-- planned retirement, else start + lifetime). With penetration p_y of the upgrade:
--   BAU_y        = sum of the running units' BAU CO2
--   programme_y  = BAU_y - p_y x sum of their BAU reductions          (what sector statistics would show)
--   threshold_y  = benchmark t/MWh x generation_y                      (intensity_benchmark)
--                | BAU_y x (1 - threshold_below_bau_share) x (1 - decline)^(y - start)   (bau_trajectory)
--   programme credits_y = max(0, threshold_y - programme_y)           (no-lose; to the host government)
--   project credits_y   = p_y x sum over running units of max(0, reference x (1 - r)^(y - s_u) - project)
--                         x (1 - haircut), within each unit's crediting period from s_u (credit_vintages'
--                         rule with the agreement's decline r, haircut and period), whatever the
--                         agreement's eligible statuses.

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'project_earliest_start_year') AS earliest_year,
        max(value) FILTER (WHERE parameter = 'reference_decline_per_yr' AND key = '*') AS default_decline
    FROM scenario_parameters
),

lead_time AS (
    SELECT key AS status, value AS lead_time_yr FROM scenario_parameters WHERE parameter = 'project_start_lead_time_yr'
),

lifetime AS (
    SELECT fuel_class, value AS lifetime_yr FROM scenario_parameters WHERE parameter = 'unit_lifetime_yr'
),

programme AS (
    SELECT p.*, a.haircut, a.crediting_period_yr * (1 + a.crediting_period_renewals) AS crediting_years,
        coalesce(a.reference_decline_per_yr, st.default_decline) AS decline, st.earliest_year
    FROM programmes AS p
    CROSS JOIN settings AS st
    JOIN agreements AS a USING (agreement_id)
    WHERE p.year = p.start_year
),

retirement AS (
    SELECT 'coal_units' AS unit_source, gem_unit_id AS unit_id, planned_retirement_year FROM coal_units
    UNION ALL
    SELECT 'gas_oil_units', gem_unit_id, planned_retirement_year FROM gas_oil_units
),

registered AS (
    SELECT DISTINCT unit_source, unit_id FROM registered_unit_matches
),

-- Each boundary unit's option: the programme's upgrade with the largest creditable reduction.
candidates AS (
    SELECT pr.programme_id, s.*, b.start_year, b.fuel_class, r.planned_retirement_year,
        g.unit_id IS NOT NULL AS is_registered
    FROM programme AS pr
    JOIN technology_swaps AS s ON s.country_iso3 = pr.host_country_iso3 AND s.sector = pr.sector
        AND s.is_upgrade AND s.unit_source IN ('coal_units', 'gas_oil_units')
        AND list_contains(string_split(pr.boundary_statuses, ';'), s.status)
        AND list_contains(string_split(pr.eligible_to_technologies, ';'), s.to_technology)
    LEFT JOIN plant_baselines AS b ON b.unit_source = s.unit_source AND b.unit_id = s.unit_id
    LEFT JOIN retirement AS r ON r.unit_source = s.unit_source AND r.unit_id = s.unit_id
    LEFT JOIN registered AS g ON g.unit_source = s.unit_source AND g.unit_id = s.unit_id
    QUALIFY row_number() OVER (PARTITION BY pr.programme_id, s.unit_source, s.unit_id
        ORDER BY s.reduction_creditable_t_per_yr DESC, s.reduction_bau_t_per_yr DESC, s.swap_id) = 1
),

removed AS (
    SELECT programme_id, count(*) AS units_removed_nesting,
        CAST(sum(CAST(baseline_co2_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS removed_bau_co2_t_per_yr
    FROM candidates WHERE is_registered
    GROUP BY ALL
),

units AS (
    SELECT c.*, pr.start_year AS programme_start_year,
        CASE WHEN c.start_year IS NOT NULL THEN c.start_year
             WHEN c.status = 'operating' THEN NULL
             ELSE pr.earliest_year + coalesce(lt.lead_time_yr, 0) END AS running_from,
        coalesce(c.planned_retirement_year,
            coalesce(c.start_year, CASE WHEN c.status <> 'operating' THEN pr.earliest_year + coalesce(lt.lead_time_yr, 0) END)
            + lf.lifetime_yr) AS retires_in,
        -- First vintage of the unit as a project: the programme's start or the unit's own start.
        greatest(pr.start_year, coalesce(c.start_year, pr.earliest_year + coalesce(lt.lead_time_yr, 0))) AS project_from,
        pr.decline, pr.haircut, pr.crediting_years
    FROM candidates AS c
    JOIN programme AS pr USING (programme_id)
    LEFT JOIN lead_time AS lt ON lt.status = c.status
    LEFT JOIN lifetime AS lf ON lf.fuel_class = c.fuel_class
    WHERE NOT c.is_registered
),

unit_years AS (
    SELECT p.programme_id, p.year, p.penetration_share, u.*,
        (u.running_from IS NULL OR u.running_from <= p.year) AND (u.retires_in IS NULL OR p.year < u.retires_in)
            AS running,
        CASE WHEN p.year >= u.project_from AND p.year < u.project_from + u.crediting_years THEN
            greatest(0, u.reference_co2_t_per_yr * pow(1 - u.decline, p.year - u.project_from)
                - u.project_co2_conservative_t_per_yr) * (1 - u.haircut)
        ELSE 0 END AS project_credit_t
    FROM programmes AS p
    JOIN units AS u USING (programme_id)
),

totals AS (
    SELECT programme_id, year, any_value(penetration_share) AS penetration_share,
        count(*) AS units_in_boundary,
        count(*) FILTER (WHERE running) AS units_running,
        -- Exact decimal sums: row order must not change the result.
        CAST(coalesce(sum(CAST(net_generation_mwh_per_yr AS DECIMAL(38, 6))) FILTER (WHERE running), 0) AS DOUBLE)
            AS generation_mwh,
        CAST(coalesce(sum(CAST(baseline_co2_t_per_yr AS DECIMAL(38, 6))) FILTER (WHERE running), 0) AS DOUBLE)
            AS bau_co2_t,
        CAST(coalesce(sum(CAST(reduction_bau_t_per_yr AS DECIMAL(38, 6))) FILTER (WHERE running), 0) AS DOUBLE)
            AS bau_reduction_t,
        CAST(coalesce(sum(CAST(project_credit_t AS DECIMAL(38, 6))) FILTER (WHERE running), 0) AS DOUBLE)
            AS project_credit_full_t
    FROM unit_years
    GROUP BY programme_id, year
),

crediting AS (
    SELECT t.*, pr.host_country_iso3, pr.sector, pr.agreement_id, pr.baseline_type, pr.benchmark_t_per_mwh,
        pr.threshold_below_bau_share, pr.trajectory_decline_per_yr, pr.start_year,
        coalesce(r.units_removed_nesting, 0) AS units_removed_nesting,
        coalesce(r.removed_bau_co2_t_per_yr, 0) AS removed_bau_co2_t_per_yr,
        t.bau_co2_t - t.penetration_share * t.bau_reduction_t AS programme_co2_t,
        CASE WHEN pr.baseline_type = 'intensity_benchmark' THEN pr.benchmark_t_per_mwh * t.generation_mwh
             ELSE t.bau_co2_t * (1 - pr.threshold_below_bau_share)
                 * pow(1 - pr.trajectory_decline_per_yr, t.year - pr.start_year) END AS threshold_co2_t
    FROM totals AS t
    JOIN programme AS pr USING (programme_id)
    LEFT JOIN removed AS r USING (programme_id)
)

SELECT
    programme_id,
    host_country_iso3,
    sector,
    CAST(year AS BIGINT) AS year,
    agreement_id,
    baseline_type,
    units_in_boundary,
    units_running,
    units_removed_nesting,
    removed_bau_co2_t_per_yr,
    penetration_share,
    generation_mwh,
    bau_co2_t,
    threshold_co2_t,
    programme_co2_t,
    greatest(0, threshold_co2_t - programme_co2_t) AS programme_credits_t,
    penetration_share * project_credit_full_t AS project_credits_t,
    CASE WHEN baseline_type = 'intensity_benchmark'
        THEN 'threshold = ' || benchmark_t_per_mwh || ' t/MWh x generation'
        ELSE 'threshold = BAU x (1 - ' || threshold_below_bau_share || ') x (1 - ' || trajectory_decline_per_yr
            || ')^(year - ' || start_year || ')' END
        || '; credits = max(0, threshold - BAU + penetration x BAU reduction); projects: same units, same '
        || 'penetration, each credited against its own falling reference over its crediting period' AS rule
FROM crediting
