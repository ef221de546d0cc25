-- corresponding_adjustments: per host x partner x year, the adjustment each side applies to its emissions
-- balance (decision 2/CMA.3, methodology notes §7 and §15): the host ADDS the authorised ITMOs first
-- transferred that year; the partner SUBTRACTS the ITMOs it uses towards its NDC (assumed used in the year
-- it acquires them). ITMOs authorised for OIMP are adjusted by the host only (no Party uses them for an
-- NDC). Only agreements in force; years are years of first transfer (itmo_ledger).

WITH
flows AS (
    SELECT host_country_iso3, partner_country_iso3, CAST(first_transfer_year AS BIGINT) AS year, authorised_use,
        agreement_id,
        -- Summed as exact decimals: a float sum depends on row order (same inputs, same warehouse).
        CAST(transferred_t AS DECIMAL(38, 6)) AS t
    FROM itmo_ledger
    WHERE in_force AND transferred_t > 0
)

SELECT host_country_iso3, partner_country_iso3, year, 'host' AS side, host_country_iso3 AS country_iso3,
    CAST(sum(t) AS DOUBLE) AS adjustment_t, CAST(sum(t) AS DOUBLE) AS itmos_t,
    string_agg(DISTINCT agreement_id, ';' ORDER BY agreement_id) AS agreements,
    'added: authorised ITMOs first transferred in the year (NDC and OIMP)' AS basis
FROM flows
GROUP BY host_country_iso3, partner_country_iso3, year

UNION ALL

SELECT host_country_iso3, partner_country_iso3, year, 'partner' AS side, partner_country_iso3 AS country_iso3,
    -CAST(sum(t) AS DOUBLE) AS adjustment_t, CAST(sum(t) AS DOUBLE) AS itmos_t,
    string_agg(DISTINCT agreement_id, ';' ORDER BY agreement_id) AS agreements,
    'subtracted: ITMOs used towards the NDC in the year (assumed the year acquired)' AS basis
FROM flows
WHERE authorised_use = 'NDC'
GROUP BY host_country_iso3, partner_country_iso3, year
