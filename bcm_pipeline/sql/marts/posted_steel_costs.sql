-- posted_steel_costs: POSTED's money values for steel routes (CAPEX, OPEX) in US dollars of usd_price_year
-- (scenario_parameters, 2024), the year every other mart's money is in.
-- The rule of bcm_pipeline.price_years.to_usd, on the price_deflators table: a EUR value at the ECB
-- annual rate of its price year, then x US GDP deflator[usd_price_year] / deflator[price year]. A price year
-- the table lacks leaves value_usd null, which fails the schema check (no silent drop).
WITH
target AS (
    SELECT CAST(max(value) FILTER (WHERE parameter = 'usd_price_year') AS INTEGER) AS usd_price_year
    FROM scenario_parameters
),

deflator AS (SELECT year, value FROM price_deflators WHERE series = 'us_gdp_deflator'),

usd_per_eur AS (SELECT year, value FROM price_deflators WHERE series = 'usd_per_eur'),

money AS (
    SELECT
        p.*,
        t.usd_price_year,
        p.value * p.currency_multiplier
            * CASE p.currency WHEN 'USD' THEN 1 ELSE fx.value END
            * d_target.value / d_year.value AS value_usd
    FROM posted_steel_technologies AS p
    CROSS JOIN target AS t
    LEFT JOIN deflator AS d_year ON d_year.year = p.price_year
    LEFT JOIN deflator AS d_target ON d_target.year = t.usd_price_year
    LEFT JOIN usd_per_eur AS fx ON fx.year = p.price_year
    WHERE p.currency IS NOT NULL
)

SELECT
    technology,
    source_row,
    source,
    source_detail,
    mode,
    component,
    period,
    variable,
    value,
    unit,
    currency,
    price_year,
    reference_value,
    reference_unit,
    usd_price_year,
    value_usd,
    value_usd / nullif(reference_value, 0) AS value_usd_per_reference_unit
FROM money
ORDER BY technology, source_row
