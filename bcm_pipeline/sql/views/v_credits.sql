-- Credits per unit x bilateral agreement (the unit's chosen option only: rows add up), split host / partner,
-- with each party's economics, the agreement's name and signing date, the unit's name and capacity, and the
-- raw file the capacity came from.
-- Stable analyst view: names and columns change only with a note in the README.
-- agreement_name: Name of the bilateral agreement (agreements/<agreement_id>.yaml)
-- signed_date: Start date of the agreement: the real deal's signing date (agreement_status), else the file's
-- in_force: True when the agreement is in force (agreement_status: from article6_agreements when the file names its deal)
SELECT
    c.credit_id,
    c.agreement_id,
    a.name AS agreement_name,
    a.mechanism,
    st.start_date AS signed_date,
    st.in_force,
    c.host_country_iso3,
    c.partner_country_iso3,
    c.swap_id,
    c.unit_id,
    coalesce(b.plant_name, sp.plant_name) AS plant_name,
    b.unit_name,
    c.status,
    CAST(b.start_year AS INTEGER) AS start_year,
    coalesce(b.capacity_mw, s.capacity_mw) AS capacity_mw,
    c.sector,
    c.swap_type,
    c.from_technology,
    c.to_technology,
    c.decision,
    c.additionality,
    c.reduction_creditable_t_per_yr,
    c.credited_t_per_yr,
    c.host_credits_t_per_yr,
    c.partner_credits_t_per_yr,
    c.credit_price_usd_per_t,
    c.host_revenue_usd_per_yr,
    c.partner_revenue_usd_per_yr,
    c.crediting_period_yr,
    c.credited_over_period_t,
    c.capex_subsidy_usd,
    c.partner_credits_to,
    c.developer_credit_revenue_usd_per_yr,
    c.partner_cost_usd_per_t,
    c.npv_with_credits_usd,
    c.developer_npv_hurdle_central_usd,
    c.passes_hurdle_with_credits,
    c.npv_society_usd,
    c.breakeven_credit_price_usd_per_t,
    f.source_file,
    f.source_sha256
FROM credits AS c
JOIN agreements AS a ON a.agreement_id = c.agreement_id
JOIN agreement_status AS st ON st.agreement_id = c.agreement_id
JOIN technology_swaps AS s ON s.swap_id = c.swap_id
-- Grid-displacement projects have no plant row: LEFT JOIN keeps them, with the swap's own capacity.
LEFT JOIN plant_baselines AS b ON b.unit_source = s.unit_source AND b.unit_id = s.unit_id
LEFT JOIN v_fleet AS f ON f.gem_unit_id = c.unit_id
-- A steel plant's name (issue 16): its unit is the plant's BF-BOF route, '<gem_plant_id>:steel_bf_bof[:status]'.
LEFT JOIN (SELECT gem_plant_id, any_value(plant_name) AS plant_name FROM steel_plants GROUP BY gem_plant_id) AS sp
    ON s.unit_source = 'steel_plants' AND sp.gem_plant_id = split_part(s.unit_id, ':', 1)
