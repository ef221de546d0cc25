-- host_country_programmes: the founding paper's NAMA widening, per host country x sector x swap type x
-- target technology x status group (operating fleet vs pipeline). Alternative targets for one unit are
-- mutually exclusive, so they are separate rows, never summed together.

WITH
hosts AS (
    SELECT country_iso3 FROM countries WHERE is_host_country
    UNION
    SELECT host_country_iso3 FROM agreements
),

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
    WHERE s.is_upgrade AND s.unit_source <> 'case' AND s.country_iso3 IN (SELECT country_iso3 FROM hosts)
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
    sum(capacity_mw) AS capacity_mw,
    sum(baseline_co2_t_per_yr) AS baseline_co2_t_per_yr,
    sum(reduction_bau_t_per_yr) AS reduction_bau_t_per_yr,
    sum(reduction_creditable_t_per_yr) AS reduction_creditable_t_per_yr,
    coalesce(sum(credited_t_per_yr), 0) AS credited_t_per_yr,
    sum(incremental_capex_usd) AS incremental_capex_usd,
    avg(mac_usd_per_t) AS mac_mean_usd_per_t,
    median(mac_usd_per_t) AS mac_median_usd_per_t
FROM options
GROUP BY ALL
