-- Grid emission factors of each country side by side, one row per (country, publisher, factor, vintage):
-- the IFI harmonized defaults, OWID's average carbon intensity (latest year), for India CEA's published
-- margins, our own TOOL07 margins (grid_emission_factors, source computed) and the conservative factor chosen
-- for crediting (grid_factor_for_crediting). Stable analyst view: names and columns change only with a note in the README.
-- publisher: Who published the factor (IFI harmonized 2021 v3.2, OWID / Ember, CEA v15, ...)
-- factor: Which factor: combined margin (CM) variants, operating margin (OM), build margin (BM), average
-- vintage: Year or fiscal year the factor describes
-- ef_t_per_mwh: Grid emission factor, tCO2/MWh
-- source_sha256: SHA-256 of the raw file the factor came from (null for factors the pipeline computed)
SELECT country_iso3, publisher, factor, vintage, ef_t_per_mwh, source_sha256
FROM (
    SELECT country_iso3, 'IFI harmonized 2021 v3.2' AS publisher, factor, '2021' AS vintage, ef_t_per_mwh,
        source_sha256
    FROM ifi_grid_factors
    UNPIVOT (ef_t_per_mwh FOR factor IN (
        cm_firm_ef_t_per_mwh AS 'CM, firm energy',
        cm_intermittent_ef_t_per_mwh AS 'CM, intermittent energy',
        cm_efficiency_ef_t_per_mwh AS 'CM, energy efficiency',
        cm_consumption_ef_t_per_mwh AS 'CM, electricity consumption',
        om_ef_t_per_mwh AS 'OM'
    ))
    WHERE NOT is_aggregate
    UNION ALL
    SELECT country_iso3, 'OWID / Ember' AS publisher, 'average (all generation)' AS factor,
        CAST(year AS VARCHAR) AS vintage, ef_t_per_mwh, source_sha256
    FROM owid_carbon_intensity
    WHERE country_iso3 IS NOT NULL
    QUALIFY year = max(year) OVER (PARTITION BY country_iso3)
    UNION ALL
    SELECT 'IND' AS country_iso3, 'CEA CO2 Baseline Database v15' AS publisher,
        margin || ' (imports ' || imports || ')' AS factor, fiscal_year AS vintage, ef_t_per_mwh, source_sha256
    FROM cea_india_published_margins
    UNION ALL
    SELECT country_iso3, 'bcm TOOL07 (computed)' AS publisher, margin || ', ' || method AS factor,
        period AS vintage, ef_t_per_mwh, NULL AS source_sha256
    FROM grid_emission_factors
    WHERE source = 'computed'
    UNION ALL
    SELECT country_iso3, 'bcm crediting factor' AS publisher, 'for ' || project_type || ' (' || source || ' ' || method || ')' AS factor,
        period AS vintage, ef_t_per_mwh, NULL AS source_sha256
    FROM grid_factor_for_crediting
)
ORDER BY country_iso3, publisher, factor, vintage
