-- fuel_price_scenarios: the fuel price of each country x fuel class under the low / central / high scenario,
-- in USD of usd_price_year (issue 13): quantiles of the last N months of the mapped World Bank series, each
-- month first converted with the US GDP deflator of its calendar year; an explicit override row wins (the
-- same in every scenario). technology_swaps prices the fuel its swaps save; grid_displacement_swaps prices
-- the fuel of the operating margin a grid project displaces; steel_swaps the coal and gas of steel plants.

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'fuel_price_history_months') AS history_months,
        CAST(max(value) FILTER (WHERE parameter = 'usd_price_year') AS INTEGER) AS usd_price_year
    FROM scenario_parameters
),

-- US GDP deflator: money of `year` x to_price_year = USD of usd_price_year (bcm_pipeline.price_years.to_usd).
deflator AS (
    SELECT d.year, t.value / d.value AS to_price_year
    FROM price_deflators AS d
    JOIN price_deflators AS t
        ON t.series = 'us_gdp_deflator' AND t.year = (SELECT usd_price_year FROM settings)
    WHERE d.series = 'us_gdp_deflator'
),

scenarios AS (
    SELECT key AS scenario, value AS quantile FROM scenario_parameters WHERE parameter = 'fuel_price_quantile'
),

-- The last N months with a price per series, in USD of the price year (null where the year has no deflator).
history AS (
    SELECT f.series_code, f.price_usd_per_gj * d.to_price_year AS price_usd_per_gj
    FROM (
        SELECT series_code, month, price_usd_per_gj,
            row_number() OVER (PARTITION BY series_code ORDER BY month DESC) AS months_back
        FROM fuel_prices_monthly
        WHERE price_usd_per_gj IS NOT NULL
    ) AS f
    LEFT JOIN deflator AS d ON d.year = year(f.month)
    WHERE f.months_back <= (SELECT history_months FROM settings)
),

ranked AS (
    SELECT series_code, price_usd_per_gj,
        row_number() OVER (PARTITION BY series_code ORDER BY price_usd_per_gj) - 1 AS pos,
        count(*) OVER (PARTITION BY series_code) AS n,
        count(price_usd_per_gj) OVER (PARTITION BY series_code) AS n_real
    FROM history
),

-- Scenario price per series: the quantile of the window, interpolated between ranks (quantile_cont's rule,
-- written out because the quantile is a parameter); null when a month of the window could not be deflated.
series_price AS (
    SELECT series_code, scenario,
        CASE WHEN complete THEN lo + (h - floor(h)) * (hi - lo) END AS price_usd_per_gj
    FROM (
        SELECT r.series_code, q.scenario, (max(r.n) - 1) * q.quantile AS h,
            max(r.price_usd_per_gj) FILTER (WHERE r.pos = floor((r.n - 1) * q.quantile)) AS lo,
            max(r.price_usd_per_gj) FILTER (WHERE r.pos = ceil((r.n - 1) * q.quantile)) AS hi,
            max(r.n) = max(r.n_real) AS complete
        FROM ranked AS r
        CROSS JOIN scenarios AS q
        GROUP BY r.series_code, q.scenario, q.quantile
    )
),

-- Price per country x fuel class x scenario: an explicit override row wins (the same in every scenario),
-- else the mapped World Bank series (a country's own mapping beats the '*' row).
country_price AS (
    SELECT c.country_iso3, c.fuel_class, q.scenario,
        coalesce(
            (SELECT p.value FROM scenario_parameters AS p
             WHERE p.parameter = 'fuel_price_usd_per_gj' AND p.fuel_class = c.fuel_class
                AND p.country_iso3 IN ('*', c.country_iso3)
             ORDER BY (p.country_iso3 <> '*') DESC LIMIT 1),
            (SELECT sp.price_usd_per_gj FROM scenario_parameters AS p
             JOIN series_price AS sp ON sp.series_code = p.value_text AND sp.scenario = q.scenario
             WHERE p.parameter = 'fuel_price_series' AND p.fuel_class = c.fuel_class
                AND p.country_iso3 IN ('*', c.country_iso3)
             ORDER BY (p.country_iso3 <> '*') DESC LIMIT 1)
        ) AS price_usd_per_gj
    -- Each country's own fuel classes and the fuels its swaps switch to (nothing of other countries: a
    -- one-country rerun gives the same rows).
    FROM (
        SELECT DISTINCT country_iso3, fuel_class FROM plant_baselines
        UNION
        SELECT b.country_iso3, t.value_text
        FROM (SELECT DISTINCT country_iso3 FROM plant_baselines) AS b
        CROSS JOIN (SELECT value_text FROM scenario_parameters WHERE parameter = 'swap_target') AS t
        UNION
        -- Steel plants burn coal and gas (steel_swaps prices the energy its measures and routes save).
        SELECT s.country_iso3, f.fuel_class
        FROM (SELECT DISTINCT country_iso3 FROM steel_plants WHERE country_iso3 IS NOT NULL) AS s
        CROSS JOIN (VALUES ('coal'), ('gas')) AS f(fuel_class)
    ) AS c
    CROSS JOIN scenarios AS q
)

SELECT
    country_iso3,
    fuel_class,
    max(price_usd_per_gj) FILTER (WHERE scenario = 'low') AS price_low_usd_per_gj,
    max(price_usd_per_gj) FILTER (WHERE scenario = 'central') AS price_central_usd_per_gj,
    max(price_usd_per_gj) FILTER (WHERE scenario = 'high') AS price_high_usd_per_gj
FROM country_price
GROUP BY ALL
