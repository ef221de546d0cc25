-- host_country_programmes: the founding paper's NAMA widening, per host country x sector x swap type x
-- target technology x status group (operating fleet vs pipeline). Alternative targets for one unit are
-- mutually exclusive, so they are separate rows, never summed together.

WITH
-- Credits per swap: the largest over the agreements covering its host (one per host in practice).
swap_credits AS (
    SELECT swap_id, max(credited_t_per_yr) AS credited_t_per_yr
    FROM credits
    GROUP BY swap_id
),

options AS (
    SELECT s.*, c.credited_t_per_yr,
        CASE WHEN s.status = 'operating' THEN 'operating' ELSE 'pipeline' END AS status_group
    FROM technology_swaps AS s
    LEFT JOIN swap_credits AS c USING (swap_id)
    WHERE s.is_upgrade AND s.unit_source <> 'case' AND s.country_iso3 IN (SELECT country_iso3 FROM host_countries)
)

SELECT
    country_iso3 || '|' || sector || '|' || swap_type || '|' || to_technology || '|' || status_group
        AS programme_id,
    country_iso3,
    sector,
    swap_type,
    to_technology,
    status_group,
    count(DISTINCT unit_id) AS units,
    -- Totals summed as exact decimals (terms rounded to 1e-6): a float sum depends on the order rows
    -- arrive in, which a parallel scan does not fix, and these totals must not change between two builds
    -- of the same inputs (the manifest's content hash compares them).
    CAST(sum(CAST(capacity_mw AS DECIMAL(38, 6))) AS DOUBLE) AS capacity_mw,
    CAST(sum(CAST(baseline_co2_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS baseline_co2_t_per_yr,
    CAST(sum(CAST(reduction_bau_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS reduction_bau_t_per_yr,
    CAST(sum(CAST(reduction_creditable_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS reduction_creditable_t_per_yr,
    CAST(coalesce(sum(CAST(credited_t_per_yr AS DECIMAL(38, 6))), 0) AS DOUBLE) AS credited_t_per_yr,
    CAST(sum(CAST(incremental_capex_usd AS DECIMAL(38, 6))) AS DOUBLE) AS incremental_capex_usd,
    avg(CAST(mac_usd_per_t AS DECIMAL(38, 6))) AS mac_mean_usd_per_t,
    median(mac_usd_per_t) AS mac_median_usd_per_t
FROM options
GROUP BY ALL
