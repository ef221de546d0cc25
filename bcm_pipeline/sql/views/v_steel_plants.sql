-- One row per operating iron and steel plant (GEM GIST, March 2025), with its furnaces, capacity by route and
-- CO2 baseline (steel_baselines). Stable analyst view: names and columns change only with a note in the README.
-- total_co2 includes the indirect CO2 of grid electricity: add direct_co2, never total_co2, to power baselines.
-- furnaces: Operating furnaces by type, e.g. '3 bf, 3 bof' (steel_units; operating and pre-retirement)
-- crude_steel_capacity_mt_per_yr: Operating crude steel capacity, Mt/yr (sum of the routes)
-- bf_bof_capacity_mt_per_yr: BF-BOF (steel_bf_bof) capacity, Mt/yr
-- dri_eaf_capacity_mt_per_yr: DRI-fed EAF capacity (steel_dri_eaf_gas or _coal), Mt/yr
-- scrap_eaf_capacity_mt_per_yr: Scrap EAF capacity (steel_scrap_eaf), Mt/yr
-- other_capacity_mt_per_yr: Open hearth and route-unknown ('other/unspecified') capacity, Mt/yr
-- production_mt_per_yr: Crude steel production = capacity x utilisation, Mt/yr
-- utilisation_tier: calibrated (national utilisation) or default (world rate)
-- direct_co2_mt_per_yr: Direct CO2 (IPCC Tier 1), Mt/yr
-- indirect_co2_mt_per_yr: Indirect CO2 of EAF and DRI electricity at the grid's average intensity, Mt/yr (null: none estimated)
-- total_co2_mt_per_yr: direct + indirect, Mt/yr
-- total_co2_mt_per_yr_low: Total CO2, low band, Mt/yr
-- total_co2_mt_per_yr_high: Total CO2, high band, Mt/yr
-- flags: The plant's steel_baselines flags, distinct, ';'-separated
-- source_url: URL the GIST plant file was fetched from (raw_files.url)
WITH furnaces AS (
    SELECT gem_plant_id, string_agg(n || ' ' || furnace_type, ', ' ORDER BY furnace_type) AS furnaces
    FROM (
        SELECT gem_plant_id, furnace_type, count(*) AS n
        FROM steel_units
        WHERE status IN ('operating', 'operating_pre-retirement')
        GROUP BY ALL
    )
    GROUP BY gem_plant_id
),
plant AS (  -- the plant's attributes from its operating row(s)
    SELECT gem_plant_id, any_value(owner) AS owner, any_value(parent) AS parent,
           any_value(subnational_unit) AS subnational_unit, any_value(latitude) AS latitude,
           any_value(longitude) AS longitude, min(start_year) AS start_year,
           any_value(source_sha256) AS source_sha256
    FROM steel_plants
    WHERE is_operating
    GROUP BY gem_plant_id
),
-- Exact decimal sums: a float sum would depend on the order steel_baselines' rows are stored in.
routes AS (
    SELECT gem_plant_id, plant_name, country_iso3, route_id, utilisation_tier,
        CAST(capacity_t_per_yr AS DECIMAL(38, 6)) AS capacity_t_per_yr,
        CAST(production_t_per_yr AS DECIMAL(38, 6)) AS production_t_per_yr,
        CAST(direct_co2_t_per_yr AS DECIMAL(38, 6)) AS direct_co2_t_per_yr,
        CAST(indirect_co2_t_per_yr AS DECIMAL(38, 6)) AS indirect_co2_t_per_yr,
        CAST(total_co2_t_per_yr AS DECIMAL(38, 6)) AS total_co2_t_per_yr,
        CAST(total_co2_t_per_yr_low AS DECIMAL(38, 6)) AS total_co2_t_per_yr_low,
        CAST(total_co2_t_per_yr_high AS DECIMAL(38, 6)) AS total_co2_t_per_yr_high
    FROM steel_baselines
),
baseline AS (
    SELECT
        gem_plant_id,
        any_value(plant_name) AS plant_name,
        any_value(country_iso3) AS country_iso3,
        CAST(sum(capacity_t_per_yr) AS DOUBLE) / 1e6 AS crude_steel_capacity_mt_per_yr,
        CAST(sum(capacity_t_per_yr) FILTER (WHERE route_id = 'steel_bf_bof') AS DOUBLE) / 1e6
            AS bf_bof_capacity_mt_per_yr,
        CAST(sum(capacity_t_per_yr) FILTER (WHERE route_id LIKE 'steel_dri_eaf%') AS DOUBLE) / 1e6
            AS dri_eaf_capacity_mt_per_yr,
        CAST(sum(capacity_t_per_yr) FILTER (WHERE route_id = 'steel_scrap_eaf') AS DOUBLE) / 1e6
            AS scrap_eaf_capacity_mt_per_yr,
        CAST(sum(capacity_t_per_yr) FILTER (WHERE route_id IN ('steel_open_hearth', 'steel_unspecified'))
            AS DOUBLE) / 1e6 AS other_capacity_mt_per_yr,
        CAST(sum(production_t_per_yr) AS DOUBLE) / 1e6 AS production_mt_per_yr,
        any_value(utilisation_tier) AS utilisation_tier,
        CAST(sum(direct_co2_t_per_yr) AS DOUBLE) / 1e6 AS direct_co2_mt_per_yr,
        CAST(sum(indirect_co2_t_per_yr) AS DOUBLE) / 1e6 AS indirect_co2_mt_per_yr,
        CAST(sum(total_co2_t_per_yr) AS DOUBLE) / 1e6 AS total_co2_mt_per_yr,
        CAST(sum(total_co2_t_per_yr_low) AS DOUBLE) / 1e6 AS total_co2_mt_per_yr_low,
        CAST(sum(total_co2_t_per_yr_high) AS DOUBLE) / 1e6 AS total_co2_mt_per_yr_high
    FROM routes
    GROUP BY gem_plant_id
),
plant_flags AS (  -- each flag once per plant (a plant's routes repeat its plant-level flags)
    SELECT gem_plant_id, string_agg(DISTINCT flag, ';' ORDER BY flag) AS flags
    FROM (SELECT gem_plant_id, unnest(string_split(flags, ';')) AS flag FROM steel_baselines)
    GROUP BY gem_plant_id
)
SELECT
    b.gem_plant_id, b.plant_name, b.country_iso3, p.subnational_unit, p.owner, p.parent, p.latitude,
    p.longitude, p.start_year, f.furnaces, b.crude_steel_capacity_mt_per_yr, b.bf_bof_capacity_mt_per_yr,
    b.dri_eaf_capacity_mt_per_yr, b.scrap_eaf_capacity_mt_per_yr, b.other_capacity_mt_per_yr,
    b.production_mt_per_yr, b.utilisation_tier, b.direct_co2_mt_per_yr, b.indirect_co2_mt_per_yr,
    b.total_co2_mt_per_yr, b.total_co2_mt_per_yr_low, b.total_co2_mt_per_yr_high, pf.flags,
    p.source_sha256, raw_files.url AS source_url
FROM baseline AS b
JOIN plant AS p USING (gem_plant_id)
LEFT JOIN furnaces AS f USING (gem_plant_id)
LEFT JOIN plant_flags AS pf USING (gem_plant_id)
LEFT JOIN raw_files ON raw_files.sha256 = p.source_sha256
