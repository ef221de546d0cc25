-- mac_curve: abatement options per host country sorted by MAC (USD/t), with cumulative reduction.
-- One option per unit (its cheapest upgrade per tonne): alternatives for one unit exclude each other.

WITH
best_option AS (
    SELECT *
    FROM technology_swaps
    WHERE is_upgrade AND unit_source <> 'case' AND mac_usd_per_t IS NOT NULL
        AND country_iso3 IN (SELECT country_iso3 FROM host_countries)
    QUALIFY row_number() OVER (PARTITION BY unit_source, unit_id ORDER BY mac_usd_per_t, swap_id) = 1
)

SELECT
    country_iso3,
    row_number() OVER w AS mac_rank,
    swap_id,
    unit_id,
    sector,
    swap_type,
    from_technology,
    to_technology,
    status,
    mac_usd_per_t,
    reduction_bau_t_per_yr,
    sum(reduction_bau_t_per_yr) OVER w AS cumulative_reduction_bau_t_per_yr,
    reduction_creditable_t_per_yr,
    sum(reduction_creditable_t_per_yr) OVER w AS cumulative_reduction_creditable_t_per_yr
FROM best_option
WINDOW w AS (PARTITION BY country_iso3 ORDER BY mac_usd_per_t, swap_id ROWS UNBOUNDED PRECEDING)
