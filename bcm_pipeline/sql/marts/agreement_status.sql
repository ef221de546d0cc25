-- agreement_status: is each agreement file in force, and since when? A file that names its real deal
-- (article6_agreement_id) takes both from article6_agreements (UNEP-CCC); otherwise from the file:
-- its in_force if given, else signed on or before today. A date the file cites that differs from the
-- data's is kept and flagged, not silently overwritten.

SELECT
    a.agreement_id,
    a.host_country_iso3,
    a.partner_country_iso3,
    a.article6_agreement_id,
    CASE
        WHEN a.article6_agreement_id IS NOT NULL THEN coalesce(d.in_force, false)
        ELSE coalesce(a.in_force, a.signed_date <= current_date, false)
    END AS in_force,
    CASE WHEN a.article6_agreement_id IS NOT NULL THEN d.signed_date ELSE a.signed_date END AS start_date,
    CASE
        WHEN a.article6_agreement_id IS NOT NULL THEN 'article6_agreements'
        WHEN a.signed_date IS NOT NULL OR a.in_force IS NOT NULL THEN 'file'
        ELSE 'none'
    END AS date_source,
    a.signed_date AS file_signed_date,
    d.status AS deal_status,
    d.link_url AS deal_link_url,
    CASE WHEN a.signed_date IS NOT NULL AND d.signed_date IS NOT NULL AND a.signed_date <> d.signed_date
        THEN 'file_date_differs: the file cites ' || strftime(a.signed_date, '%Y-%m-%d') || ', the data '
            || strftime(d.signed_date, '%Y-%m-%d') || ' (the data is used)'
    END AS flags
FROM agreements AS a
-- Joined on the parties too: a file naming another pair's deal finds nothing, and the model's check
-- (linked_deal_exists) fails the build with the file's row.
LEFT JOIN article6_agreements AS d
    ON d.article6_agreement_id = a.article6_agreement_id
    AND d.host_country_iso3 = a.host_country_iso3
    AND d.buyer_country_iso3 = a.partner_country_iso3
