-- Programme (NAMA) view per host country x sector x swap type x target technology x status group
-- (operating fleet vs pipeline), over each unit's chosen option: units, capacity, baseline, reductions,
-- credits, capex and MAC. Every unit is in one row, so a country's rows add up.
-- Stable analyst view: names and columns change only with a note in the README.
SELECT
    country_iso3,
    sector,
    swap_type,
    to_technology,
    status_group,
    units,
    units_additional,
    units_depends_on_price,
    capacity_mw,
    baseline_co2_t_per_yr,
    reduction_bau_t_per_yr,
    reduction_creditable_t_per_yr,
    credited_t_per_yr,
    units_with_cost,
    incremental_capex_usd,
    stranded_value_usd,
    mac_mean_usd_per_t,
    mac_median_usd_per_t
FROM host_country_programmes
