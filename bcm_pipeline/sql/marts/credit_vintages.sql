-- credit_vintages: ITMOs per unit option x agreement x vintage year (methodology notes §9 rule 8, §15).
-- For each vintage y of the unit's crediting period:
--   reference_y = reference x (1 - decline)^(y - first vintage)   (the baseline falls over time)
--   reduction_y = max(0, reference_y - conservative project emissions - JCM t/yr netted on the unit)
--   issued_y    = reduction_y x (1 - haircut)
-- The first vintage is the latest of: the first ITMO vintage (2021), the agreement's crediting start
-- (else its start date's year, from agreement_status), and the year the project can deliver (a pipeline
-- unit: its GEM start year, not before project_earliest_start_year; an operating unit replaced or a new
-- grid project, or a pipeline unit without a start year: project_earliest_start_year + lead time).
-- The last vintage is the earliest of: the crediting period's end (length x (1 + renewals)), the
-- agreement's crediting_end_year, and the year before the baseline unit would retire (GEM planned
-- retirement, else start year + lifetime): no credit for a baseline that would no longer run.

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'itmo_first_vintage_year') AS first_itmo_year,
        max(value) FILTER (WHERE parameter = 'project_earliest_start_year') AS earliest_year,
        max(value) FILTER (WHERE parameter = 'reference_decline_per_yr' AND key = '*') AS default_decline
    FROM scenario_parameters
),

lead_time AS (
    SELECT key AS status, value AS lead_time_yr
    FROM scenario_parameters WHERE parameter = 'project_start_lead_time_yr'
),

lifetime AS (
    SELECT fuel_class, value AS lifetime_yr
    FROM scenario_parameters WHERE parameter = 'unit_lifetime_yr'
),

-- >>> One option per unit: credits holds each unit's chosen option only (chosen_options, issue 13), with
-- the rule that picked it.
chosen AS (
    SELECT c.*, o.choice_rule AS option_rule
    FROM credits AS c
    JOIN chosen_options AS o USING (swap_id)
),
-- <<<

-- JCM t/yr already credited on the unit (credits applies the same deduction; CDM units are not in it).
netted AS (
    SELECT unit_source, unit_id, CAST(sum(CAST(netted_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS netted_t_per_yr
    FROM registered_unit_matches WHERE nesting_rule = 'netted'
    GROUP BY ALL
),

retirement AS (
    SELECT 'coal_units' AS unit_source, gem_unit_id AS unit_id, planned_retirement_year FROM coal_units
    UNION ALL
    SELECT 'gas_oil_units', gem_unit_id, planned_retirement_year FROM gas_oil_units
),

options AS (
    SELECT
        c.agreement_id, c.swap_id, c.unit_id, c.host_country_iso3, c.partner_country_iso3, c.sector,
        c.swap_type, c.from_technology, c.to_technology, c.status, c.haircut, c.option_rule,
        s.reference_co2_t_per_yr, s.project_co2_conservative_t_per_yr,
        coalesce(n.netted_t_per_yr, 0) AS netted_t_per_yr,
        coalesce(a.reference_decline_per_yr, st.default_decline) AS reference_decline_per_yr,
        a.crediting_period_yr * (1 + a.crediting_period_renewals) AS crediting_years,
        a.crediting_end_year,
        coalesce(g.in_force, false) AS in_force,
        greatest(st.first_itmo_year, coalesce(a.crediting_start_year, year(g.start_date), st.first_itmo_year))
            AS agreement_first_year,
        b.start_year,
        s.status NOT IN ('operating', 'proposed') AND b.start_year IS NULL AS start_year_assumed,
        CASE WHEN s.status IN ('operating', 'proposed') OR b.start_year IS NULL
             THEN st.earliest_year + coalesce(lt.lead_time_yr, 0)
             ELSE greatest(b.start_year, st.earliest_year) END AS project_first_year,
        -- The baseline unit's retirement: GEM's planned year, else its start (assumed for a pipeline unit
        -- without one) + lifetime; a grid project replaces no unit (null).
        CASE WHEN s.unit_source NOT IN ('coal_units', 'gas_oil_units') THEN NULL
             WHEN r.planned_retirement_year IS NOT NULL THEN r.planned_retirement_year
             WHEN b.start_year IS NOT NULL THEN b.start_year + lf.lifetime_yr
             WHEN s.status <> 'operating' THEN st.earliest_year + coalesce(lt.lead_time_yr, 0) + lf.lifetime_yr
        END AS unit_retirement_year,
        s.unit_source IN ('coal_units', 'gas_oil_units') AND s.status = 'operating'
            AND r.planned_retirement_year IS NULL AND b.start_year IS NULL AS retirement_unknown
    FROM chosen AS c
    CROSS JOIN settings AS st
    JOIN technology_swaps AS s ON s.swap_id = c.swap_id
    JOIN agreements AS a ON a.agreement_id = c.agreement_id
    LEFT JOIN agreement_status AS g ON g.agreement_id = c.agreement_id
    LEFT JOIN plant_baselines AS b ON b.unit_source = s.unit_source AND b.unit_id = s.unit_id
    LEFT JOIN retirement AS r ON r.unit_source = s.unit_source AND r.unit_id = s.unit_id
    LEFT JOIN lifetime AS lf ON lf.fuel_class = b.fuel_class
    LEFT JOIN lead_time AS lt ON lt.status = s.status
    LEFT JOIN netted AS n ON n.unit_source = s.unit_source AND n.unit_id = s.unit_id
),

periods AS (
    SELECT *,
        CAST(greatest(agreement_first_year, project_first_year) AS BIGINT) AS crediting_start_year
    FROM options
),

bounded AS (
    SELECT *,
        CAST(least(crediting_start_year + crediting_years - 1, coalesce(crediting_end_year, 9999),
            coalesce(unit_retirement_year - 1, 9999)) AS BIGINT) AS crediting_end_year_unit
    FROM periods
),

years AS (
    SELECT *, unnest(range(crediting_start_year, crediting_end_year_unit + 1)) AS vintage_year
    FROM bounded
    WHERE crediting_end_year_unit >= crediting_start_year  -- a unit retiring before the project: no vintage
),

amounts AS (
    SELECT *,
        reference_co2_t_per_yr * pow(1 - reference_decline_per_yr, vintage_year - crediting_start_year)
            AS reference_co2_t
    FROM years
)

SELECT
    agreement_id || '|' || swap_id || '|' || vintage_year AS vintage_id,
    agreement_id,
    swap_id,
    unit_id,
    host_country_iso3,
    partner_country_iso3,
    sector,
    swap_type,
    from_technology,
    to_technology,
    status,
    option_rule,
    in_force,
    CAST(vintage_year AS BIGINT) AS vintage_year,
    CAST(vintage_year - crediting_start_year + 1 AS BIGINT) AS crediting_year,
    crediting_start_year,
    crediting_end_year_unit AS crediting_end_year,
    CASE
        WHEN crediting_end_year_unit = crediting_start_year + crediting_years - 1 THEN 'crediting_period'
        WHEN crediting_end_year_unit = unit_retirement_year - 1 THEN 'unit_retirement'
        ELSE 'agreement_end'
    END AS end_rule,
    unit_retirement_year,
    reference_decline_per_yr,
    reference_co2_t,
    project_co2_conservative_t_per_yr AS project_co2_t,
    netted_t_per_yr AS netted_t,
    greatest(0, reference_co2_t - project_co2_conservative_t_per_yr - netted_t_per_yr) AS reduction_t,
    haircut,
    greatest(0, reference_co2_t - project_co2_conservative_t_per_yr - netted_t_per_yr) * (1 - haircut) AS issued_t,
    nullif(concat_ws('; ',
        CASE WHEN start_year_assumed THEN 'start_year_assumed: ' || CAST(project_first_year AS BIGINT)
            || ' (no GEM start year; project_start_lead_time_yr)' END,
        CASE WHEN retirement_unknown THEN 'retirement_unknown: no GEM start or planned retirement year' END
    ), '') AS flags
FROM amounts
