-- host_country_programmes: the founding paper's NAMA widening, per host country x sector x swap type x
-- target technology x status group (operating fleet vs pipeline), over the option chosen for each unit
-- (chosen_options): every unit is in one row only, so the rows of a country add up.

WITH
-- Credits per chosen option: the largest over the agreements covering its host (one per host in practice;
-- two agreements cannot both credit the same tonne).
swap_credits AS (
    SELECT swap_id, max(credited_t_per_yr) AS credited_t_per_yr
    FROM credits
    GROUP BY swap_id
),

options AS (
    SELECT o.*, c.credited_t_per_yr
    FROM chosen_options AS o
    LEFT JOIN swap_credits AS c USING (swap_id)
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
    count(*) FILTER (WHERE additionality = 'additional') AS units_additional,
    count(*) FILTER (WHERE additionality = 'depends_on_price') AS units_depends_on_price,
    -- Totals summed as exact decimals (terms rounded to 1e-6): a float sum depends on the order rows
    -- arrive in, which a parallel scan does not fix, and these totals must not change between two builds
    -- of the same inputs (the manifest's content hash compares them).
    CAST(sum(CAST(capacity_mw AS DECIMAL(38, 6))) AS DOUBLE) AS capacity_mw,
    CAST(sum(CAST(baseline_co2_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS baseline_co2_t_per_yr,
    CAST(sum(CAST(reduction_bau_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS reduction_bau_t_per_yr,
    CAST(sum(CAST(reduction_creditable_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS reduction_creditable_t_per_yr,
    CAST(coalesce(sum(CAST(credited_t_per_yr AS DECIMAL(38, 6))), 0) AS DOUBLE) AS credited_t_per_yr,
    -- Money over the units whose cost is known (count in units_with_cost).
    count(upfront_cost_usd) AS units_with_cost,
    CAST(sum(CAST(incremental_capex_usd AS DECIMAL(38, 6))) AS DOUBLE) AS incremental_capex_usd,
    CAST(sum(CAST(stranded_value_usd AS DECIMAL(38, 6))) AS DOUBLE) AS stranded_value_usd,
    avg(CAST(mac_usd_per_t AS DECIMAL(38, 6))) AS mac_mean_usd_per_t,
    median(mac_usd_per_t) AS mac_median_usd_per_t
FROM options
GROUP BY ALL
