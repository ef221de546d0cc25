-- ITMOs per agreement x vintage year (itmo_ledger summed over units): issued, share of proceeds, OMGE,
-- host-retained and transferred, with the agreement's name and whether it is in force. One option per
-- unit (credit_vintages), so the sums never add options that exclude each other.
-- Stable analyst view: names and columns change only with a note in the README.
-- agreement_name: Name of the bilateral agreement (agreements/<agreement_id>.yaml)
-- units: Units (and representative grid projects) credited in the vintage, count
-- issued_t: ITMOs issued for the vintage, t CO2e
-- sop_t: Share of proceeds for adaptation, t CO2e
-- omge_t: Cancelled for overall mitigation (OMGE), t CO2e
-- host_retained_t: Kept in the host's account, t CO2e
-- transferred_t: Authorised and first transferred to the partner, t CO2e
-- first_transfer_year: Year of the first transfer (the corresponding adjustment's year)
SELECT
    l.agreement_id,
    a.name AS agreement_name,
    l.host_country_iso3,
    l.partner_country_iso3,
    l.in_force,
    l.authorised_use,
    l.vintage_year,
    count(DISTINCT l.unit_id) AS units,
    -- Exact decimal sums: the same warehouse gives the same figures whatever the row order.
    CAST(sum(CAST(l.issued_t AS DECIMAL(38, 6))) AS DOUBLE) AS issued_t,
    CAST(sum(CAST(l.sop_t AS DECIMAL(38, 6))) AS DOUBLE) AS sop_t,
    CAST(sum(CAST(l.omge_t AS DECIMAL(38, 6))) AS DOUBLE) AS omge_t,
    CAST(sum(CAST(l.host_retained_t AS DECIMAL(38, 6))) AS DOUBLE) AS host_retained_t,
    CAST(sum(CAST(l.transferred_t AS DECIMAL(38, 6))) AS DOUBLE) AS transferred_t,
    max(l.first_transfer_year) AS first_transfer_year
FROM itmo_ledger AS l
JOIN agreements AS a USING (agreement_id)
GROUP BY ALL
