-- host_countries: the one definition of a host country, read by every mart, the grid tables, the briefs and
-- the country partitions: flagged in the countries reference, or the host of an agreement (agreements/*.yaml).

WITH
flagged AS (
    SELECT country_iso3 FROM countries WHERE is_host_country
),

agreement_hosts AS (
    SELECT DISTINCT host_country_iso3 AS country_iso3 FROM agreements
)

SELECT
    h.country_iso3,
    c.country_name,
    h.country_iso3 IN (SELECT country_iso3 FROM flagged) AS is_flagged_host,
    h.country_iso3 IN (SELECT country_iso3 FROM agreement_hosts) AS is_agreement_host
FROM (SELECT country_iso3 FROM flagged UNION SELECT country_iso3 FROM agreement_hosts) AS h
LEFT JOIN countries AS c USING (country_iso3)
