-- national_reconciliation: per host country, fuel and year, the plant-level sums of plant_baselines beside
-- the national totals: OWID generation (Ember, gross; national_generation, with its cited supplements) and an
-- independent CO2 estimate, with their ratios.
-- Like is compared with like: the plants that ran in the year (operating units, half a year in their start
-- year, none before it); our net generation grossed up by the gross-to-net share (OWID is gross); India in
-- the calendar year its CEA fiscal year starts in (FY2018-19 = April 2018 - March 2019 against 2018).
-- Independent CO2: for India's coal and gas, CEA's own intensity of the fuel's stations (tCO2 per net MWh)
-- x OWID's generation netted; for all fossil fuels of every host ('fossil' rows), OWID's carbon intensity
-- of electricity (Ember: life-cycle CO2e of all sources) x OWID's total generation. OWID publishes no
-- per-fuel CO2, so other countries' per-fuel rows have no independent CO2 (null, not a guess).

WITH
settings AS (
    SELECT max(value) FILTER (WHERE parameter = 'gross_to_net_share' AND fuel_class = '*') AS gross_to_net_share
    FROM scenario_parameters
),

hosts AS (
    SELECT country_iso3 FROM host_countries
),

national AS (
    SELECT country_iso3, year, source AS fuel_class, generation_twh * 1e6 AS generation_mwh
    FROM national_generation
    WHERE country_iso3 IN (SELECT country_iso3 FROM hosts)
),

-- CEA's fiscal year (the one the matches and the reported tier use) and its first calendar year.
cea_year AS (
    SELECT any_value(fiscal_year) AS fiscal_year, CAST(substr(any_value(fiscal_year), 1, 4) AS INTEGER) AS year
    FROM cea_gem_unit_matches
),

-- The year each country-fuel is compared in: its calibration year (India: the CEA year), else OWID's
-- latest year for it.
compared AS (
    SELECT h.country_iso3, f.fuel_class,
        CAST(coalesce(
            (SELECT max(c.year) FROM calibrated_capacity_factors AS c
             WHERE c.country_iso3 = h.country_iso3 AND c.fuel_class = f.fuel_class),
            CASE WHEN h.country_iso3 = 'IND' THEN (SELECT year FROM cea_year) END,
            (SELECT max(n.year) FROM national AS n
             WHERE n.country_iso3 = h.country_iso3 AND n.fuel_class = f.fuel_class AND n.generation_mwh IS NOT NULL)
        ) AS INTEGER) AS year
    FROM hosts AS h
    CROSS JOIN (VALUES ('coal'), ('gas'), ('oil')) AS f (fuel_class)
),

-- Share of the compared year each operating unit ran.
plants AS (
    SELECT
        b.country_iso3, b.fuel_class, c.year, b.estimation_tier, b.capacity_mw, b.net_generation_mwh_per_yr,
        b.co2_t_per_yr,
        CASE WHEN b.start_year > c.year THEN 0 WHEN b.start_year = c.year THEN 0.5 ELSE 1 END AS year_share
    FROM plant_baselines AS b
    JOIN compared AS c ON c.country_iso3 = b.country_iso3 AND c.fuel_class = b.fuel_class
    WHERE b.unit_source <> 'case' AND b.is_operating
),

plant_sums AS (
    SELECT
        p.country_iso3, p.fuel_class, p.year,
        -- Exact decimal sums: a float sum would depend on the order the rows are stored in.
        CAST(sum(CAST(p.capacity_mw * p.year_share AS DECIMAL(38, 6))) AS DOUBLE) AS plant_capacity_online_mw,
        CAST(sum(CAST(p.net_generation_mwh_per_yr * p.year_share AS DECIMAL(38, 6))) AS DOUBLE)
            AS plant_net_generation_mwh,
        CAST(sum(CAST(p.co2_t_per_yr * p.year_share AS DECIMAL(38, 6))) AS DOUBLE) AS plant_co2_t,
        CAST(sum(CAST(p.net_generation_mwh_per_yr * p.year_share AS DECIMAL(38, 6)))
            FILTER (WHERE p.estimation_tier = 'reported') AS DOUBLE) AS reported_net_generation_mwh,
        CAST(sum(CAST(p.net_generation_mwh_per_yr * p.year_share AS DECIMAL(38, 6)))
            FILTER (WHERE p.estimation_tier = 'calibrated') AS DOUBLE) AS calibrated_net_generation_mwh
    FROM plants AS p
    GROUP BY p.country_iso3, p.fuel_class, p.year
),

-- India: CEA's own CO2 per net MWh of the fuel's stations in the fiscal year (coal: COAL and LIGN; gas:
-- GAS and NAPT; oil: DISL and OIL), all stations, matched or not.
cea_intensity AS (
    SELECT
        CASE WHEN u.fuel_1 IN ('COAL', 'LIGN') THEN 'coal' WHEN u.fuel_1 IN ('GAS', 'NAPT') THEN 'gas' ELSE 'oil' END
            AS fuel_class,
        CAST(sum(CAST(u.co2_t AS DECIMAL(38, 6))) AS DOUBLE)
            / nullif(CAST(sum(CAST(u.net_generation_mwh AS DECIMAL(38, 6))) AS DOUBLE), 0) AS t_per_mwh
    FROM cea_india_units AS u
    JOIN cea_year AS y ON u.fiscal_year = y.fiscal_year
    WHERE u.is_station_total AND u.fuel_1 IN ('COAL', 'LIGN', 'GAS', 'NAPT', 'DISL', 'OIL')
        AND u.net_generation_mwh IS NOT NULL AND u.co2_t IS NOT NULL
    GROUP BY 1
),

per_fuel AS (
    SELECT
        c.country_iso3, c.fuel_class, c.year,
        coalesce(p.plant_capacity_online_mw, 0) AS plant_capacity_online_mw,
        coalesce(p.plant_net_generation_mwh, 0) AS plant_net_generation_mwh,
        coalesce(p.plant_co2_t, 0) AS plant_co2_t,
        p.reported_net_generation_mwh, p.calibrated_net_generation_mwh,
        n.generation_mwh AS national_generation_mwh,
        CASE WHEN c.country_iso3 = 'IND' AND ci.t_per_mwh IS NOT NULL
            THEN ci.t_per_mwh * n.generation_mwh * (1 - s.gross_to_net_share) END AS national_co2_t,
        CASE
            WHEN c.country_iso3 = 'IND' AND ci.t_per_mwh IS NOT NULL
                THEN 'CEA FY' || (SELECT fiscal_year FROM cea_year) || ' intensity of the fuel''s stations ('
                    || round(ci.t_per_mwh, 4) || ' tCO2/net MWh) x OWID ' || c.year || ' generation x (1 - '
                    || s.gross_to_net_share || ')'
            ELSE 'none: OWID publishes no per-fuel CO2 (see the fossil row)'
        END AS national_co2_basis
    FROM compared AS c
    CROSS JOIN settings AS s
    LEFT JOIN plant_sums AS p USING (country_iso3, fuel_class, year)
    LEFT JOIN national AS n USING (country_iso3, fuel_class, year)
    LEFT JOIN cea_intensity AS ci ON c.country_iso3 = 'IND' AND ci.fuel_class = c.fuel_class
    WHERE c.year IS NOT NULL AND (p.plant_net_generation_mwh > 0 OR n.generation_mwh > 0)
),

-- All fossil fuels of a country in one row, in the year most of its plants are compared in.
fossil_year AS (
    SELECT country_iso3, max(year) AS year FROM per_fuel GROUP BY country_iso3
),

owid_total AS (
    SELECT n.country_iso3, n.year, CAST(sum(CAST(n.generation_mwh AS DECIMAL(38, 6))) AS DOUBLE) AS all_sources_mwh,
        CAST(sum(CAST(n.generation_mwh AS DECIMAL(38, 6))) FILTER (WHERE n.fuel_class IN ('coal', 'gas', 'oil'))
            AS DOUBLE) AS fossil_mwh
    FROM national AS n
    GROUP BY n.country_iso3, n.year
),

fossil AS (
    SELECT
        f.country_iso3, 'fossil' AS fuel_class, y.year,
        CAST(sum(CAST(f.plant_capacity_online_mw AS DECIMAL(38, 6))) AS DOUBLE) AS plant_capacity_online_mw,
        CAST(sum(CAST(f.plant_net_generation_mwh AS DECIMAL(38, 6))) AS DOUBLE) AS plant_net_generation_mwh,
        CAST(sum(CAST(f.plant_co2_t AS DECIMAL(38, 6))) AS DOUBLE) AS plant_co2_t,
        CAST(sum(CAST(f.reported_net_generation_mwh AS DECIMAL(38, 6))) AS DOUBLE) AS reported_net_generation_mwh,
        CAST(sum(CAST(f.calibrated_net_generation_mwh AS DECIMAL(38, 6))) AS DOUBLE) AS calibrated_net_generation_mwh,
        any_value(t.fossil_mwh) AS national_generation_mwh,
        any_value(i.ef_t_per_mwh * t.all_sources_mwh) AS national_co2_t,
        coalesce(
            'OWID/Ember carbon intensity ' || y.year || ' (' || round(any_value(i.ef_t_per_mwh), 4)
                || ' tCO2e/MWh, life-cycle, all sources) x OWID total generation',
            'none: OWID has no carbon intensity for ' || y.year
        ) AS national_co2_basis
    FROM per_fuel AS f
    JOIN fossil_year AS y ON y.country_iso3 = f.country_iso3
    LEFT JOIN owid_total AS t ON t.country_iso3 = f.country_iso3 AND t.year = y.year
    LEFT JOIN owid_carbon_intensity AS i ON i.country_iso3 = f.country_iso3 AND i.year = y.year AND NOT i.is_aggregate
    GROUP BY f.country_iso3, y.year
),

together AS (
    SELECT * FROM per_fuel
    UNION ALL BY NAME
    SELECT * FROM fossil
)

SELECT
    t.country_iso3,
    t.fuel_class,
    t.year,
    t.plant_capacity_online_mw,
    t.plant_net_generation_mwh,
    t.plant_net_generation_mwh / (1 - s.gross_to_net_share) AS plant_generation_mwh,
    t.national_generation_mwh,
    t.plant_net_generation_mwh / (1 - s.gross_to_net_share) / nullif(t.national_generation_mwh, 0)
        AS generation_ratio,
    t.reported_net_generation_mwh / nullif(t.plant_net_generation_mwh, 0) AS reported_share,
    t.calibrated_net_generation_mwh / nullif(t.plant_net_generation_mwh, 0) AS calibrated_share,
    t.plant_co2_t,
    t.national_co2_t,
    t.plant_co2_t / nullif(t.national_co2_t, 0) AS co2_ratio,
    t.national_co2_basis,
    coalesce(
        abs(t.plant_net_generation_mwh / (1 - s.gross_to_net_share) / nullif(t.national_generation_mwh, 0) - 1) > 0.1,
        false
    ) OR coalesce(abs(t.plant_co2_t / nullif(t.national_co2_t, 0) - 1) > 0.1, false) AS is_outside_10pct,
    nullif(concat_ws('; ',
        CASE WHEN t.country_iso3 = 'IND' AND t.year = (SELECT year FROM cea_year)
            THEN 'CEA FY' || (SELECT fiscal_year FROM cea_year) || ' (April-March) against OWID calendar ' || t.year END,
        CASE WHEN t.national_generation_mwh IS NULL THEN 'no OWID generation for the year' END,
        CASE WHEN abs(t.plant_net_generation_mwh / (1 - s.gross_to_net_share) / nullif(t.national_generation_mwh, 0) - 1)
            > 0.1 THEN 'generation outside +-10 %' END,
        CASE WHEN abs(t.plant_co2_t / nullif(t.national_co2_t, 0) - 1) > 0.1 THEN 'CO2 outside +-10 %' END
    ), '') AS note
FROM together AS t
CROSS JOIN settings AS s
