-- steel_baselines: one row per operating steel plant x route (GEM GIST), with its CO2 baseline.
-- production = capacity x utilisation; direct CO2 = production x IPCC Tier 1 factor; indirect CO2 =
-- production x MWh/t (EAF and DRI only) x the host grid's average intensity. Every parameter comes from
-- steel_defaults (cited, with low/high bands); grid factors from grid_emission_factors and
-- grid_factor_for_crediting. total_co2 includes the indirect part: never add it to plant_baselines.

WITH
-- Operating capacity per plant: GIST has one row per plant and status; operating + pre-retirement run today.
plants AS (
    SELECT
        gem_plant_id,
        any_value(plant_name) AS plant_name,
        any_value(country_iso3) AS country_iso3,
        sum(bof_steel_capacity_t_per_yr) AS bof,
        sum(eaf_steel_capacity_t_per_yr) AS eaf,
        sum(ohf_steel_capacity_t_per_yr) AS ohf,
        sum(other_steel_capacity_t_per_yr) AS other_steel,
        sum(bf_capacity_t_per_yr) AS bf,
        sum(dri_capacity_t_per_yr) AS dri,
        -- '>0' in GIST: the capacity exists, its size is unknown (null)
        coalesce(string_agg(capacity_flags, ';'), '') AS capacity_flags
    FROM steel_plants
    WHERE is_operating
    GROUP BY gem_plant_id
),

world AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'dri_charge' AND item = 'steel_dri_eaf') AS dri_charge,
        max(value) FILTER (WHERE parameter = 'dri_coal_share' AND item = 'dri') AS dri_coal_share
    FROM steel_defaults
    WHERE country_iso3 = '*'
),

-- Which reductant a plant's DRI uses: GIST does not say, so the country's coal share decides (>= 0.5: coal).
reductant AS (
    SELECT p.gem_plant_id,
        coalesce(c.value, w.dri_coal_share) >= 0.5 AS dri_is_coal
    FROM plants AS p
    CROSS JOIN world AS w
    LEFT JOIN steel_defaults AS c
        ON c.parameter = 'dri_coal_share' AND c.item = 'dri' AND c.country_iso3 = p.country_iso3
),

-- EAF steel is split: the part the plant's own DRI can feed (all-DRI charge) and the scrap part.
plant_eaf AS (
    SELECT p.*, r.dri_is_coal,
        p.capacity_flags LIKE '%eaf_steel_capacity_t_per_yr_positive_unknown%' AS eaf_unknown,
        coalesce(p.dri, 0) > 0 OR p.capacity_flags LIKE '%dri_capacity_t_per_yr_positive_unknown%' AS has_dri,
        -- (least() skips nulls: a plant without EAFs must not get DRI-fed EAF steel)
        CASE WHEN p.eaf IS NOT NULL THEN least(p.eaf, coalesce(p.dri, 0) / w.dri_charge) END AS dri_fed_eaf,
        -- iron the plant's converters and EAFs do not take up (merchant pig iron, hot metal or DRI sold):
        -- its CO2 is not in this table, so the plant's rows say so
        coalesce(p.bf, 0) > coalesce(p.bof, 0) AS bf_iron_not_counted,
        coalesce(p.dri, 0) > coalesce(p.eaf, 0) * w.dri_charge AS dri_not_counted
    FROM plants AS p
    JOIN reductant AS r USING (gem_plant_id)
    CROSS JOIN world AS w
),

plant_routes AS (
    SELECT *, 'steel_bf_bof' AS route_id, bof AS capacity_t_per_yr FROM plant_eaf
    WHERE bof > 0 OR capacity_flags LIKE '%bof_steel_capacity_t_per_yr_positive_unknown%'
    UNION ALL
    SELECT *, 'steel_open_hearth', ohf FROM plant_eaf
    WHERE ohf > 0 OR capacity_flags LIKE '%ohf_steel_capacity_t_per_yr_positive_unknown%'
    UNION ALL
    SELECT *, 'steel_unspecified', other_steel FROM plant_eaf
    WHERE other_steel > 0 OR capacity_flags LIKE '%other_steel_capacity_t_per_yr_positive_unknown%'
    UNION ALL
    SELECT *, CASE WHEN dri_is_coal THEN 'steel_dri_eaf_coal' ELSE 'steel_dri_eaf_gas' END,
        CASE WHEN NOT eaf_unknown THEN dri_fed_eaf END
    FROM plant_eaf
    WHERE dri_fed_eaf > 0 OR (eaf_unknown AND has_dri)
    UNION ALL
    SELECT *, 'steel_scrap_eaf', CASE WHEN NOT eaf_unknown THEN eaf - coalesce(dri_fed_eaf, 0) END
    FROM plant_eaf
    WHERE eaf - coalesce(dri_fed_eaf, 0) > 0 OR (eaf_unknown AND NOT has_dri)
),

world_defaults AS (SELECT * FROM steel_defaults WHERE country_iso3 = '*'),

-- Per route: direct factor, electricity and fuels per t crude steel, central / low / high (steel_route_factors).
route_factors AS (
    SELECT
        route_id, is_dri,
        dri_charge_t_per_t AS dri_charge, dri_charge_t_per_t_low AS dri_charge_low,
        dri_charge_t_per_t_high AS dri_charge_high,
        direct_co2_ef_t_per_t AS ef, direct_co2_ef_t_per_t_low AS ef_low, direct_co2_ef_t_per_t_high AS ef_high,
        electricity_mwh_per_t AS elec, electricity_mwh_per_t_low AS elec_low,
        electricity_mwh_per_t_high AS elec_high,
        natural_gas_gj_per_t AS gas_gj_per_t, coal_gj_per_t
    FROM steel_route_factors
),

-- A country's own utilisation (production / capacity, cited) calibrates it; else the world rate.
utilisation AS (
    SELECT p.gem_plant_id,
        coalesce(c.value, w.value) AS utilisation,
        coalesce(c.value_low, w.value_low) AS utilisation_low,
        coalesce(c.value_high, w.value_high) AS utilisation_high,
        CASE WHEN c.value IS NOT NULL THEN 'calibrated' ELSE 'default' END AS utilisation_tier,
        coalesce(c.source_document, w.source_document) AS utilisation_source
    FROM plants AS p
    JOIN world_defaults AS w ON w.parameter = 'utilisation' AND w.item = 'crude_steel'
    LEFT JOIN steel_defaults AS c
        ON c.parameter = 'utilisation' AND c.item = 'crude_steel' AND c.country_iso3 = p.country_iso3
),

-- Indirect CO2 at the grid's AVERAGE intensity (what the plant's electricity emits on average, as an
-- inventory counts it); the crediting factor (efficiency CM) is the other end of the band.
grid_average AS (
    SELECT country_iso3, ef_t_per_mwh, period
    FROM grid_emission_factors
    WHERE source = 'owid' AND method = 'average_intensity' AND ef_t_per_mwh > 0
    QUALIFY row_number() OVER (PARTITION BY country_iso3 ORDER BY period DESC) = 1
),

grid_crediting AS (
    SELECT country_iso3, ef_t_per_mwh FROM grid_factor_for_crediting WHERE project_type = 'efficiency'
),

rows AS (
    SELECT
        pr.*, f.* EXCLUDE (route_id), u.utilisation, u.utilisation_low, u.utilisation_high, u.utilisation_tier,
        u.utilisation_source,
        pr.capacity_t_per_yr * u.utilisation AS production,
        pr.capacity_t_per_yr * u.utilisation_low AS production_low,
        pr.capacity_t_per_yr * u.utilisation_high AS production_high,
        ga.ef_t_per_mwh AS grid_avg,
        'OWID average carbon intensity of electricity, ' || ga.period AS grid_ef_source,
        gc.ef_t_per_mwh AS grid_crediting,
        least(ga.ef_t_per_mwh, coalesce(gc.ef_t_per_mwh, ga.ef_t_per_mwh)) AS grid_low,
        greatest(ga.ef_t_per_mwh, coalesce(gc.ef_t_per_mwh, ga.ef_t_per_mwh)) AS grid_high
    FROM plant_routes AS pr
    JOIN route_factors AS f USING (route_id)
    JOIN utilisation AS u USING (gem_plant_id)
    LEFT JOIN grid_average AS ga ON ga.country_iso3 = pr.country_iso3
    LEFT JOIN grid_crediting AS gc ON gc.country_iso3 = pr.country_iso3
),

co2 AS (
    SELECT *,
        production * ef AS direct,
        production_low * ef_low AS direct_low,
        production_high * ef_high AS direct_high,
        production * elec * grid_avg AS indirect,
        production_low * elec_low * grid_low AS indirect_low,
        production_high * elec_high * grid_high AS indirect_high
    FROM rows
)

SELECT
    gem_plant_id || ':' || route_id AS baseline_id,
    gem_plant_id,
    plant_name,
    country_iso3,
    route_id,
    capacity_t_per_yr,
    utilisation,
    utilisation_low,
    utilisation_high,
    utilisation_tier,
    utilisation_source,
    production AS production_t_per_yr,
    production * dri_charge AS dri_t_per_yr,
    CASE route_id WHEN 'steel_dri_eaf_gas' THEN 'gas' WHEN 'steel_dri_eaf_coal' THEN 'coal' END AS dri_reductant,
    ef AS direct_co2_ef_t_per_t,
    ef_low AS direct_co2_ef_t_per_t_low,
    ef_high AS direct_co2_ef_t_per_t_high,
    direct AS direct_co2_t_per_yr,
    direct_low AS direct_co2_t_per_yr_low,
    direct_high AS direct_co2_t_per_yr_high,
    elec AS electricity_mwh_per_t,
    production * elec AS electricity_mwh_per_yr,
    production * gas_gj_per_t / 1000 AS natural_gas_tj_per_yr,
    production * coal_gj_per_t / 1000 AS coal_tj_per_yr,
    CASE WHEN elec IS NOT NULL THEN grid_avg END AS grid_ef_t_per_mwh,
    CASE WHEN elec IS NOT NULL AND grid_avg IS NOT NULL THEN grid_ef_source END AS grid_ef_source,
    CASE WHEN elec IS NOT NULL THEN grid_crediting END AS grid_ef_crediting_t_per_mwh,
    indirect AS indirect_co2_t_per_yr,
    indirect_low AS indirect_co2_t_per_yr_low,
    indirect_high AS indirect_co2_t_per_yr_high,
    direct + coalesce(indirect, 0) AS total_co2_t_per_yr,
    direct_low + coalesce(indirect_low, 0) AS total_co2_t_per_yr_low,
    direct_high + coalesce(indirect_high, 0) AS total_co2_t_per_yr_high,
    indirect IS NOT NULL AS includes_indirect_electricity,
    nullif(concat_ws(';',
        CASE WHEN utilisation_tier = 'default' THEN 'utilisation_default' END,
        CASE WHEN capacity_t_per_yr IS NULL THEN 'capacity_positive_unknown' END,
        CASE WHEN is_dri THEN 'dri_reductant_assumed' END,
        CASE WHEN route_id = 'steel_dri_eaf_coal' THEN 'dri_coal_ef_life_cycle;dri_coal_electricity_assumed' END,
        CASE WHEN route_id = 'steel_bf_bof' THEN 'excludes_coke_ovens_and_sinter' END,
        CASE WHEN route_id = 'steel_unspecified' THEN 'route_unknown' END,
        CASE WHEN elec IS NULL THEN 'indirect_not_estimated' END,
        CASE WHEN elec IS NOT NULL AND grid_avg IS NULL THEN 'no_grid_factor' END,
        CASE WHEN bf_iron_not_counted THEN 'bf_iron_not_counted' END,
        CASE WHEN dri_not_counted THEN 'dri_not_counted' END
    ), '') AS flags
FROM co2
ORDER BY baseline_id
