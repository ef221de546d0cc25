-- India's coal and lignite CO2 per state: CEA's CO2 Baseline Database (all its stations of the state, the
-- fiscal year the baselines use) beside ours (plant_baselines of the units matched to those stations, tier
-- reported), and the ratio. Below 1 where matched units have retired since or GEM lists less capacity than
-- CEA. Stable analyst view: names and columns change only with a note in the README.
-- state: Indian state as CEA spells it
-- fiscal_year: CEA fiscal year (April-March) of both figures
-- cea_co2_t: CO2 of CEA's coal and lignite stations in the state, t (CEA's own figure)
-- cea_stations: CEA coal and lignite stations in the state
-- reported_co2_t: CO2 of our baselines of the GEM units matched to those stations, t (tier reported)
-- matched_stations: CEA stations of the state with at least one matched unit in today's fleet
-- co2_ratio: reported_co2_t / cea_co2_t
WITH fy AS (
    SELECT any_value(fiscal_year) AS fiscal_year FROM cea_gem_unit_matches
),
cea AS (
    -- (exact decimal sums here and in `ours`: a float sum would depend on the order the rows are stored in)
    SELECT c.state, c.fiscal_year, CAST(sum(CAST(c.co2_t AS DECIMAL(38, 6))) AS DOUBLE) AS cea_co2_t,
        count(*) AS cea_stations
    FROM cea_india_units AS c JOIN fy ON c.fiscal_year = fy.fiscal_year
    WHERE c.is_station_total AND c.fuel_1 IN ('COAL', 'LIGN')
    GROUP BY c.state, c.fiscal_year
),
ours AS (
    SELECT c.state, CAST(sum(CAST(b.co2_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS reported_co2_t,
        count(DISTINCT c.s_no) AS matched_stations
    FROM plant_baselines AS b
    JOIN cea_gem_unit_matches AS m ON m.unit_source = b.unit_source AND m.gem_unit_id = b.unit_id
    JOIN cea_india_units AS c ON c.fiscal_year = m.fiscal_year AND c.s_no = m.cea_s_no AND c.is_station_total
    WHERE b.estimation_tier = 'reported' AND c.fuel_1 IN ('COAL', 'LIGN')
    GROUP BY c.state
)
SELECT cea.state, cea.fiscal_year, cea.cea_co2_t, cea.cea_stations, ours.reported_co2_t, ours.matched_stations,
    ours.reported_co2_t / nullif(cea.cea_co2_t, 0) AS co2_ratio
FROM cea LEFT JOIN ours USING (state)
ORDER BY cea.cea_co2_t DESC
