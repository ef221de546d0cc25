-- Programme (NAMA) view per host country x sector x swap type x target technology x status group
-- (operating fleet vs pipeline): units, capacity, baseline, reductions, credits, capex and MAC.
-- Alternative targets for one unit are separate rows: never sum them together.
-- Stable analyst view: names and columns change only with a note in the README.
SELECT
    country_iso3,
    sector,
    swap_type,
    to_technology,
    status_group,
    units,
    capacity_mw,
    baseline_co2_t_per_yr,
    reduction_bau_t_per_yr,
    reduction_creditable_t_per_yr,
    credited_t_per_yr,
    incremental_capex_usd,
    mac_mean_usd_per_t,
    mac_median_usd_per_t
FROM host_country_programmes
