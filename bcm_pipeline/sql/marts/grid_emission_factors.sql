-- Grid emission factors side by side: our TOOL07 margins (computed), CEA's published Indian margins,
-- IFI's harmonised defaults and OWID's average intensity. One row per country × period × margin × method × source.
SELECT
    country_iso3,
    period,
    margin,
    method,
    'computed' AS source,
    ef_t_per_mwh,
    CASE WHEN is_estimate THEN 'estimate for ' || period || ' (GEM fleet + OWID)'
         ELSE 'ex post, same fiscal year (CEA v15 data)' END AS vintage,
    is_estimate,
    CASE WHEN is_estimate THEN 'estimate; ' ELSE '' END || note AS note
FROM grid_margins_computed

UNION ALL
-- CEA v15 sheet Results; CM is CEA's 0.5/0.5. Imports-included rows keep their own method name.
SELECT
    'IND',
    fiscal_year,
    margin,
    CASE margin WHEN 'OM' THEN 'simple_om' WHEN 'BM' THEN 'bm_tool07' WHEN 'CM' THEN 'cm_0.5_0.5'
                ELSE 'average_om' END
        || CASE WHEN imports = 'included' THEN '_incl_imports' ELSE '' END,
    'cea',
    ef_t_per_mwh,
    'CEA CO2 Baseline Database v15.0 (Dec 2019)',
    false,
    'published; imports ' || imports
FROM cea_india_published_margins

UNION ALL
-- IFI v3.2: OM plus four CMs (firm 0.5/0.5 ... intermittent 0.75/0.25, per IFI's AHG-001 method).
SELECT
    country_iso3,
    '2021',
    CASE WHEN m.method = 'ifi_om' THEN 'OM' ELSE 'CM' END,
    m.method,
    'ifi',
    m.ef_t_per_mwh,
    'IFI Harmonized Default Grid Factors 2021 v3.2 (Apr 2022)',
    false,
    'published; data around 2019-20, BM from IEA WEO projections'
FROM ifi_grid_factors,
    LATERAL (VALUES
        ('ifi_om', om_ef_t_per_mwh),
        ('cm_firm', cm_firm_ef_t_per_mwh),
        ('cm_intermittent', cm_intermittent_ef_t_per_mwh),
        ('cm_efficiency', cm_efficiency_ef_t_per_mwh),
        ('cm_consumption', cm_consumption_ef_t_per_mwh)
    ) AS m(method, ef_t_per_mwh)
WHERE NOT is_aggregate

UNION ALL
-- OWID: generation-weighted average intensity (not a margin), recent years only.
SELECT
    country_iso3,
    CAST(year AS VARCHAR),
    'average',
    'average_intensity',
    'owid',
    ef_t_per_mwh,
    'OWID grapher (Ember, Energy Institute), year ' || year,
    false,
    'published average of all generation; not a CDM margin'
FROM owid_carbon_intensity
WHERE country_iso3 IS NOT NULL AND NOT is_aggregate AND year >= 2014
