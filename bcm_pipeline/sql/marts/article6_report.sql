-- article6_report: the Article 6.2 reporting table per cooperative approach and year, as a Party reports
-- its actions in the agreed electronic format (decision 2/CMA.3 and 6/CMA.4; methodology notes §7, §15):
-- ITMOs issued, first transferred, acquired, used and cancelled, and the corresponding adjustments.
-- Events from itmo_ledger (agreements in force): issuance, SOP and OMGE cancellation in the vintage +
-- issuance lag; first transfer (= acquisition by the partner) in first_transfer_year; use towards the
-- partner's NDC assumed in the year acquired; OIMP ITMOs counted as used/cancelled for OIMP then.
-- The adjustments equal corresponding_adjustments for the agreement: host + first transfers, partner - uses.

WITH
events AS (
    SELECT l.agreement_id, l.host_country_iso3, l.partner_country_iso3, l.authorised_use,
        l.vintage_year + a.issuance_lag_yr AS year, l.vintage_year,
        CAST(l.issued_t AS DECIMAL(38, 6)) AS issued, CAST(l.sop_t AS DECIMAL(38, 6)) AS sop,
        CAST(l.omge_t AS DECIMAL(38, 6)) AS omge, CAST(0 AS DECIMAL(38, 6)) AS transferred, false AS is_transfer
    FROM itmo_ledger AS l JOIN agreements AS a USING (agreement_id)
    WHERE l.in_force
    UNION ALL
    SELECT agreement_id, host_country_iso3, partner_country_iso3, authorised_use, first_transfer_year,
        vintage_year, 0, 0, 0, CAST(transferred_t AS DECIMAL(38, 6)), true
    FROM itmo_ledger
    WHERE in_force
),

yearly AS (
    SELECT agreement_id, host_country_iso3, partner_country_iso3, authorised_use, year,
        min(vintage_year) FILTER (WHERE is_transfer AND transferred > 0) AS first_vintage,
        max(vintage_year) FILTER (WHERE is_transfer AND transferred > 0) AS last_vintage,
        -- Exact decimal sums (row order must not change the result).
        CAST(sum(issued) AS DOUBLE) AS issued_t,
        CAST(sum(sop) AS DOUBLE) AS sop_t,
        CAST(sum(omge) AS DOUBLE) AS cancelled_omge_t,
        CAST(sum(transferred) AS DOUBLE) AS first_transferred_t
    FROM events
    GROUP BY ALL
)

SELECT
    y.agreement_id,
    a.name AS cooperative_approach,
    y.host_country_iso3,
    y.partner_country_iso3,
    CAST(y.year AS BIGINT) AS year,
    y.authorised_use,
    coalesce(y.first_vintage || '-' || y.last_vintage, 'none') AS vintages,
    y.issued_t,
    y.first_transferred_t,
    y.first_transferred_t AS acquired_t,
    CASE WHEN y.authorised_use = 'NDC' THEN y.first_transferred_t ELSE 0 END AS used_t,
    y.cancelled_omge_t,
    CASE WHEN y.authorised_use = 'OIMP' THEN y.first_transferred_t ELSE 0 END AS cancelled_oimp_t,
    y.sop_t,
    y.first_transferred_t AS host_adjustment_t,
    CASE WHEN y.authorised_use = 'NDC' THEN -y.first_transferred_t ELSE 0 END AS partner_adjustment_t
FROM yearly AS y
JOIN agreements AS a USING (agreement_id)
