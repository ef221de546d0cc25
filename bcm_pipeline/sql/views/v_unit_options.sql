-- Every upgrade option of every tracked coal, gas or oil unit: one row per unit x target technology, with
-- the decision it stands for and its cost basis, the investment test, the unit's name, age and the raw file
-- its capacity came from. Alternatives for one unit exclude each other: is_chosen marks the one
-- chosen_options picked (the one every total counts); never sum the others.
-- Stable analyst view: names and columns change only with a note in the README.
SELECT
    s.swap_id,
    s.unit_id,
    s.unit_source,
    s.country_iso3,
    b.plant_name,
    b.unit_name,
    s.status,
    CAST(b.start_year AS INTEGER) AS start_year,
    s.sector,
    s.swap_type,
    s.from_technology,
    s.to_technology,
    s.capacity_mw,
    s.net_generation_mwh_per_yr,
    s.efficiency_bau_lhv,
    s.efficiency_reference_lhv,
    s.efficiency_project_lhv,
    s.baseline_co2_t_per_yr,
    s.reduction_bau_t_per_yr,
    s.reduction_creditable_t_per_yr,
    s.decision,
    s.cost_basis,
    s.capex_usd_per_kw,
    s.incremental_capex_usd,
    s.stranded_value_usd,
    s.upfront_cost_usd,
    s.fuel_savings_usd_per_yr,
    s.npv_usd,
    s.mac_usd_per_t,
    s.breakeven_credit_price_usd_per_t,
    s.npv_hurdle_low_usd,
    s.npv_hurdle_central_usd,
    s.npv_hurdle_high_usd,
    s.additionality,
    s.swap_id IN (SELECT swap_id FROM chosen_options) AS is_chosen,
    s.flags,
    f.source_file,
    f.source_sha256
FROM technology_swaps AS s
JOIN plant_baselines AS b ON b.unit_source = s.unit_source AND b.unit_id = s.unit_id
LEFT JOIN v_fleet AS f ON f.gem_unit_id = s.unit_id
WHERE s.unit_source <> 'case' AND s.is_upgrade
