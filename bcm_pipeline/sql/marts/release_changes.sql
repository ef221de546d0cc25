-- What changed per tracker unit between the two latest listed releases (tracker_unit_releases).
-- Units are matched on unit_key: the older release's ids rewritten into the newer id format (sources.yaml).
WITH versions AS (
    -- Only trackers with two releases are compared.
    SELECT
        source_id,
        any_value(version) FILTER (WHERE NOT is_newest) AS old_version,
        any_value(version) FILTER (WHERE is_newest) AS new_version
    FROM tracker_unit_releases
    GROUP BY source_id
    HAVING count(DISTINCT version) = 2
),

older AS (
    SELECT u.* FROM tracker_unit_releases AS u JOIN versions USING (source_id) WHERE NOT u.is_newest
),

newer AS (
    SELECT u.* FROM tracker_unit_releases AS u JOIN versions USING (source_id) WHERE u.is_newest
),

pairs AS (
    SELECT
        coalesce(n.source_id, o.source_id) AS source_id,
        coalesce(n.unit_key, o.unit_key) AS unit_id,
        o.unit_id AS previous_unit_id,
        coalesce(n.country_iso3, o.country_iso3) AS country_iso3,
        coalesce(n.plant_name, o.plant_name) AS plant_name,
        CASE WHEN n.unit_key IS NULL THEN o.unit_name ELSE n.unit_name END AS unit_name,
        o.unit_key IS NOT NULL AS in_old,
        n.unit_key IS NOT NULL AS in_new,
        o.status AS old_status,
        n.status AS new_status,
        o.capacity_mw AS old_capacity_mw,
        n.capacity_mw AS new_capacity_mw,
        o.combustion_technology AS old_technology,
        n.combustion_technology AS new_technology,
        o.start_year AS old_start_year,
        n.start_year AS new_start_year
    FROM older AS o
    FULL JOIN newer AS n ON n.source_id = o.source_id AND n.unit_key = o.unit_key
),

-- One row per unit and kind of change; a unit in both releases may have several.
changes AS (
    SELECT *, 'added' AS change_type, NULL AS old_value, NULL AS new_value FROM pairs WHERE NOT in_old
    UNION ALL
    SELECT *, 'removed', NULL, NULL FROM pairs WHERE NOT in_new
    UNION ALL
    SELECT *, 'status_changed', old_status, new_status
    FROM pairs WHERE in_old AND in_new AND old_status IS DISTINCT FROM new_status
    UNION ALL
    SELECT *, 'capacity_changed', CAST(old_capacity_mw AS VARCHAR), CAST(new_capacity_mw AS VARCHAR)
    FROM pairs WHERE in_old AND in_new AND old_capacity_mw IS DISTINCT FROM new_capacity_mw
    UNION ALL
    SELECT *, 'technology_changed', old_technology, new_technology
    FROM pairs WHERE in_old AND in_new AND old_technology IS DISTINCT FROM new_technology
    UNION ALL
    SELECT *, 'start_year_changed', CAST(old_start_year AS VARCHAR), CAST(new_start_year AS VARCHAR)
    FROM pairs WHERE in_old AND in_new AND old_start_year IS DISTINCT FROM new_start_year
)

SELECT
    c.source_id,
    c.unit_id,
    c.previous_unit_id,
    c.country_iso3,
    c.plant_name,
    c.unit_name,
    c.change_type,
    CAST(c.old_value AS VARCHAR) AS old_value,
    CAST(c.new_value AS VARCHAR) AS new_value,
    c.old_capacity_mw,
    c.new_capacity_mw,
    v.old_version,
    v.new_version
FROM changes AS c
JOIN versions AS v USING (source_id)
ORDER BY c.source_id, c.country_iso3, c.change_type, c.unit_id
