-- steel_route_factors: per steelmaking route, the direct CO2 factor, electricity and fuels per t crude steel
-- (central / low / high), from the cited steel_defaults rows. One definition for steel_baselines (each
-- plant's own routes) and steel_swaps (the routes a BF-BOF plant may switch to).
-- DRI routes: the EAF's factor + t DRI per t steel x the DRI plant's factor (and so for electricity).

WITH
-- The steel_defaults items each route uses.
route_items AS (
    SELECT * FROM (VALUES
        ('steel_bf_bof', 'steel_bof', NULL, NULL, NULL, NULL, 'steel_bf_bof'),
        ('steel_open_hearth', 'steel_ohf', NULL, NULL, NULL, NULL, NULL),
        ('steel_unspecified', 'steel_unknown_route', NULL, NULL, NULL, NULL, NULL),
        ('steel_scrap_eaf', 'steel_eaf', NULL, 'steel_scrap_eaf', NULL, NULL, NULL),
        ('steel_dri_eaf_gas', 'steel_eaf', 'dri_gas', 'steel_dri_eaf', 'dri_plant_gas', 'dri_gas', NULL),
        ('steel_dri_eaf_coal', 'steel_eaf', 'dri_coal', 'steel_dri_eaf', 'dri_plant_coal', NULL, 'dri_coal')
    ) AS t(route_id, steel_ef_item, dri_ef_item, steel_elec_item, dri_elec_item, gas_item, coal_item)
),

world_defaults AS (SELECT * FROM steel_defaults WHERE country_iso3 = '*')

SELECT
    r.route_id,
    r.dri_ef_item IS NOT NULL AS is_dri,
    dc.value AS dri_charge_t_per_t,
    dc.value_low AS dri_charge_t_per_t_low,
    dc.value_high AS dri_charge_t_per_t_high,
    es.value + coalesce(dc.value * ed.value, 0) AS direct_co2_ef_t_per_t,
    es.value_low + coalesce(dc.value_low * ed.value_low, 0) AS direct_co2_ef_t_per_t_low,
    es.value_high + coalesce(dc.value_high * ed.value_high, 0) AS direct_co2_ef_t_per_t_high,
    ls.value + coalesce(dc.value * ld.value, 0) AS electricity_mwh_per_t,
    ls.value_low + coalesce(dc.value_low * ld.value_low, 0) AS electricity_mwh_per_t_low,
    ls.value_high + coalesce(dc.value_high * ld.value_high, 0) AS electricity_mwh_per_t_high,
    dc.value * g.value AS natural_gas_gj_per_t,
    -- coal per t steel: BF-BOF's row is per t product, coal DRI's per t DRI
    CASE WHEN r.dri_ef_item IS NOT NULL THEN dc.value * c.value ELSE c.value END AS coal_gj_per_t
FROM route_items AS r
JOIN world_defaults AS es ON es.parameter = 'co2_ef' AND es.item = r.steel_ef_item
LEFT JOIN world_defaults AS ed ON ed.parameter = 'co2_ef' AND ed.item = r.dri_ef_item
LEFT JOIN world_defaults AS dc
    ON dc.parameter = 'dri_charge' AND dc.item = 'steel_dri_eaf' AND r.dri_ef_item IS NOT NULL
LEFT JOIN world_defaults AS ls ON ls.parameter = 'electricity' AND ls.item = r.steel_elec_item
LEFT JOIN world_defaults AS ld ON ld.parameter = 'electricity' AND ld.item = r.dri_elec_item
LEFT JOIN world_defaults AS g ON g.parameter = 'natural_gas' AND g.item = r.gas_item
LEFT JOIN world_defaults AS c ON c.parameter = 'coal' AND c.item = r.coal_item
ORDER BY r.route_id
