-- chosen_options: the one option a programme would fund for each unit of a host country. Alternatives for
-- one unit exclude each other, so every total (credits, host_country_programmes, mac_curve) counts this
-- option only; the others stay in technology_swaps.
-- The rule: among the unit's upgrades with a creditable reduction that its host's agreement covers (any of
-- them; a host without an agreement: every upgrade), leave out the not_additional ones (viable without
-- credits at the central fuel price: no credits, methodology notes §9 rule 7, §14); prefer an option the
-- investment test was run on (additional or depends_on_price) over one it could not be run on (unknown
-- economics: null additionality, kept and shown as such); then the largest creditable reduction, the lowest
-- MAC (unknown last), swap_id.
-- mac_curve_exclusion: why the option is left out of mac_curve (an undefined or implausible MAC).

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'mac_curve_max_abs_usd_per_t') AS max_abs_mac,
        max(value) FILTER (WHERE parameter = 'mac_curve_min_grid_ef_t_per_mwh') AS min_grid_ef
    FROM scenario_parameters
),

-- The rule reads only these columns: the ranking sorts narrow rows, and the chosen option's other columns
-- are joined back on swap_id at the end (carrying every column of technology_swaps through the two windows
-- of the ranking was ~0.5 s of ~0.7 s at 1 M units).
upgrades AS (
    SELECT s.swap_id, s.unit_id, s.unit_source, s.country_iso3, s.swap_type, s.to_technology, s.status,
        s.additionality, s.reduction_creditable_t_per_yr, s.mac_usd_per_t
    FROM technology_swaps AS s
    WHERE s.is_upgrade AND s.unit_source <> 'case' AND s.reduction_creditable_t_per_yr > 0
        AND s.country_iso3 IN (SELECT country_iso3 FROM host_countries)
),

-- In scope: some agreement of the host covers the target technology, swap type and unit status.
in_scope AS (
    SELECT u.*,
        (SELECT string_agg(a.agreement_id, ';' ORDER BY a.agreement_id) FROM agreements AS a
         WHERE a.host_country_iso3 = u.country_iso3
            AND list_contains(string_split(a.eligible_to_technologies, ';'), u.to_technology)
            AND list_contains(string_split(a.eligible_swap_types, ';'), u.swap_type)
            AND list_contains(string_split(a.eligible_statuses, ';'), u.status)) AS agreement_ids
    FROM upgrades AS u
),

eligible AS (
    SELECT *
    FROM in_scope AS i
    WHERE i.agreement_ids IS NOT NULL
        OR NOT EXISTS (SELECT 1 FROM agreements AS a WHERE a.host_country_iso3 = i.country_iso3)
),

-- One sort of each unit's options serves the counts and the pick: the not_additional ones sort last, so
-- the first row is the chosen option unless the unit has none that is fundable.
chosen AS (
    SELECT e.swap_id, e.agreement_ids,
        count(*) OVER unit_all AS options_in_scope,
        count(*) FILTER (WHERE e.additionality = 'not_additional') OVER unit_all AS options_not_additional
    FROM eligible AS e
    WINDOW unit AS (
        PARTITION BY e.unit_source, e.unit_id
        ORDER BY coalesce(e.additionality, '') = 'not_additional', e.additionality IS NULL,
            e.reduction_creditable_t_per_yr DESC, e.mac_usd_per_t ASC NULLS LAST, e.swap_id
    ), unit_all AS (unit ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    QUALIFY row_number() OVER unit = 1 AND coalesce(e.additionality, '') <> 'not_additional'
)

SELECT
    c.unit_source || ':' || c.unit_id AS choice_id,
    c.swap_id,
    c.unit_id,
    c.unit_source,
    c.country_iso3,
    c.sector,
    c.swap_type,
    c.from_technology,
    c.to_technology,
    c.status,
    CASE WHEN c.status = 'operating' THEN 'operating' ELSE 'pipeline' END AS status_group,
    c.decision,
    c.capacity_mw,
    c.baseline_co2_t_per_yr,
    c.reduction_bau_t_per_yr,
    c.reduction_creditable_t_per_yr,
    c.incremental_capex_usd,
    c.stranded_value_usd,
    c.upfront_cost_usd,
    c.mac_usd_per_t,
    c.breakeven_credit_price_usd_per_t,
    c.additionality,
    k.agreement_ids,
    k.options_in_scope,
    k.options_not_additional,
    'the unit''s upgrades in its agreement''s scope, not_additional left out; tested (additional or '
        || 'depends_on_price) before untested; largest creditable reduction; ties: lowest MAC, then swap_id'
        AS choice_rule,
    CASE WHEN c.grid_ef_bau_t_per_mwh < s.min_grid_ef
            THEN printf('grid_factor_below_%g_t_per_mwh', s.min_grid_ef)
         WHEN c.mac_usd_per_t IS NULL
            THEN 'mac_undefined:' || CASE WHEN c.upfront_cost_usd IS NULL THEN 'capex unknown'
                                          WHEN c.annualised_cost_usd_per_yr IS NULL THEN 'O&M unknown'
                                          WHEN c.reduction_bau_t_per_yr <= 0 THEN 'no BAU reduction'
                                          ELSE 'fuel price unknown' END
         WHEN c.incremental_capex_usd = 0 THEN 'zero_capex'
         WHEN abs(c.mac_usd_per_t) > s.max_abs_mac THEN printf('mac_implausible:abs_above_%g_usd_per_t', s.max_abs_mac)
    END AS mac_curve_exclusion,
    c.flags
FROM chosen AS k
JOIN technology_swaps AS c
    -- (the filter of `upgrades` again: the scan then reads the swap_id of those rows only)
    ON c.swap_id = k.swap_id AND c.is_upgrade AND c.reduction_creditable_t_per_yr > 0
CROSS JOIN settings AS s
