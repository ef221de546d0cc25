-- The marginal abatement cost curve of each host country: one option per unit (the one chosen_options picked),
-- sorted by MAC, with cumulative reductions, unit names and the raw file the capacity came from. Options with
-- an undefined or implausible MAC are left out (chosen_options.mac_curve_exclusion).
-- Stable analyst view: names and columns change only with a note in the README.
SELECT
    m.country_iso3,
    m.mac_rank,
    m.swap_id,
    m.unit_id,
    coalesce(b.plant_name, sp.plant_name) AS plant_name,
    b.unit_name,
    m.status,
    CAST(b.start_year AS INTEGER) AS start_year,
    coalesce(b.capacity_mw, s.capacity_mw) AS capacity_mw,
    m.sector,
    m.swap_type,
    m.from_technology,
    m.to_technology,
    m.decision,
    m.additionality,
    m.mac_usd_per_t,
    m.reduction_bau_t_per_yr,
    m.cumulative_reduction_bau_t_per_yr,
    m.reduction_creditable_t_per_yr,
    m.cumulative_reduction_creditable_t_per_yr,
    f.source_file,
    f.source_sha256
FROM mac_curve AS m
JOIN technology_swaps AS s ON s.swap_id = m.swap_id
-- Grid-displacement projects have no plant row: LEFT JOIN keeps them, with the swap's own capacity.
LEFT JOIN plant_baselines AS b ON b.unit_source = s.unit_source AND b.unit_id = s.unit_id
LEFT JOIN v_fleet AS f ON f.gem_unit_id = m.unit_id
-- A steel plant's name (issue 16): its unit is the plant's BF-BOF route, '<gem_plant_id>:steel_bf_bof[:status]'.
LEFT JOIN (SELECT gem_plant_id, any_value(plant_name) AS plant_name FROM steel_plants GROUP BY gem_plant_id) AS sp
    ON s.unit_source = 'steel_plants' AND sp.gem_plant_id = split_part(s.unit_id, ':', 1)
