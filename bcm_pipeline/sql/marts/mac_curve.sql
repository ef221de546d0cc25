-- mac_curve: abatement options per host country sorted by MAC (USD/t), with cumulative reduction.
-- One option per unit, the one chosen for it (chosen_options: alternatives for one unit exclude each other);
-- options with an undefined or implausible MAC are left out, with the reason in
-- chosen_options.mac_curve_exclusion.

WITH
on_curve AS (
    SELECT *
    FROM chosen_options
    WHERE mac_curve_exclusion IS NULL AND mac_usd_per_t IS NOT NULL
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
    decision,
    additionality,
    mac_usd_per_t,
    reduction_bau_t_per_yr,
    sum(reduction_bau_t_per_yr) OVER w AS cumulative_reduction_bau_t_per_yr,
    reduction_creditable_t_per_yr,
    sum(reduction_creditable_t_per_yr) OVER w AS cumulative_reduction_creditable_t_per_yr
FROM on_curve
WINDOW w AS (PARTITION BY country_iso3 ORDER BY mac_usd_per_t, swap_id ROWS UNBOUNDED PRECEDING)
