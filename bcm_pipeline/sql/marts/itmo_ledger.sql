-- itmo_ledger: what happens to each vintage's issued ITMOs (methodology notes §15):
--   SOP  = issued x sop_share           (share of proceeds for adaptation)
--   OMGE = issued x omge_share          (cancelled for overall mitigation)
--   host-retained = (issued - SOP - OMGE) x host_share
--   transferred   = (issued - SOP - OMGE) x (1 - host_share)   (authorised, first transferred to the partner)
-- so issued = SOP + OMGE + host-retained + transferred on every row (the model checks it).
-- First-transfer year: the year the corresponding adjustment applies. NDC use: the first international
-- transfer, right after issuance (vintage + issuance lag); OIMP as the host specifies: at authorisation
-- (the vintage year: authorised up front), at issuance, or at use/cancellation (assumed at issuance).

SELECT
    v.agreement_id || '|' || v.swap_id || '|' || v.vintage_year AS ledger_id,
    v.agreement_id,
    v.unit_id,
    v.swap_id,
    v.host_country_iso3,
    v.partner_country_iso3,
    v.vintage_year,
    v.issued_t,
    v.issued_t * a.sop_share AS sop_t,
    v.issued_t * a.omge_share AS omge_t,
    v.issued_t * (1 - a.sop_share - a.omge_share) * a.host_share AS host_retained_t,
    v.issued_t * (1 - a.sop_share - a.omge_share) * (1 - a.host_share) AS transferred_t,
    a.authorised_use,
    a.first_transfer_trigger,
    CAST(CASE WHEN a.first_transfer_trigger = 'authorisation' THEN v.vintage_year
              ELSE v.vintage_year + a.issuance_lag_yr END AS BIGINT) AS first_transfer_year,
    v.in_force
FROM credit_vintages AS v
JOIN agreements AS a USING (agreement_id)
