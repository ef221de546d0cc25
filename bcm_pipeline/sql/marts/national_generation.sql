-- national_generation: the national totals that calibrated_capacity_factors and national_reconciliation
-- compare plants with. OWID's electricity-by-source download is the source; a supplement row (a cited
-- release of the same Ember data) fills a country-year the download has no row for at all, and never
-- replaces one it has.
WITH
owid AS (
    SELECT country_iso3, year, source, generation_twh
    FROM owid_electricity_by_source
    WHERE NOT is_aggregate AND country_iso3 IS NOT NULL
)

SELECT country_iso3, year, source, generation_twh, 'owid_electricity_by_source' AS origin
FROM owid
UNION ALL
SELECT s.country_iso3, s.year, s.source, s.generation_twh, 'national_generation_supplements' AS origin
FROM national_generation_supplements AS s
WHERE NOT EXISTS (SELECT 1 FROM owid AS o WHERE o.country_iso3 = s.country_iso3 AND o.year = s.year)
