-- technology_swaps: each unit x each candidate technology (scenario_parameters 'swap_target'), same output.
-- Two reductions side by side (methodology notes §1, §9):
--   BAU        = unit as it is (central EF, its own efficiency) - project (central EF, project efficiency);
--   creditable = conservative reference - conservative project, where the reference efficiency is the
--                highest of the unit's own, the TOOL07 default and a top-performer benchmark; same fuel:
--                one EF (the IPCC lower bound, or a case's measured EF) on both sides; fuel switch:
--                baseline fuel at its lower bound, project fuel at its upper bound.
-- The decision each row stands for, and its cost basis (methodology notes §14), in USD of usd_price_year:
--   build_instead (a pipeline unit, or a project case): premium = capex(project) - capex(baseline), both from
--       the first region that costs both (the country's own, its cost_regions region, else a fuel's
--       capex_proxy_region), or an add-on's cost
--       where technology_retrofits has one (a GT built with its steam bottoming cycle);
--   retrofit (an operating unit with a technology_retrofits row): the retrofit's cost;
--   replace (any other operating unit): the new unit's full capex, plus the stranded value of the old unit
--       retired early = its capex x remaining life / lifetime (straight line; 0 once past its lifetime).
-- Unknown is null, never 0: a missing capex, O&M or fuel price leaves the capex, NPV, MAC, break-even and
-- the investment test null, with a flag naming what is missing.
-- Economics (§6): CRF = r(1+r)^n/((1+r)^n-1); MAC = (upfront x CRF + dO&M - fuel savings) / BAU reduction, at
-- the central fuel price. Investment test (§14, CDM Tool 27): NPV without credits at the hurdle rate, at the
-- low, central and high fuel price (fuel_price_scenarios: quantiles of the last N months of the World Bank
-- series, in real USD).
-- Grid-displacement rows (solar PV, wind, efficiency) come from grid_displacement_swaps, unioned at the end,
-- on the same MAC basis (the BAU reduction) so one MAC curve can rank plant swaps and grid projects; a new
-- mart of swaps (steel) unions in the same way.

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'discount_rate') AS discount_rate,
        max(value) FILTER (WHERE parameter = 'economic_lifetime_yr') AS lifetime_yr,
        CAST(max(value) FILTER (WHERE parameter = 'usd_price_year') AS INTEGER) AS usd_price_year,
        max(value) FILTER (WHERE parameter = 'analysis_year') AS analysis_year,
        max(value) FILTER (WHERE parameter = 'hurdle_rate') AS hurdle_rate
    FROM scenario_parameters
),

-- US GDP deflator: money of `year` x to_price_year = USD of usd_price_year (bcm_pipeline.price_years.to_usd).
deflator AS (
    SELECT d.year, t.value / d.value AS to_price_year
    FROM price_deflators AS d
    JOIN price_deflators AS t
        ON t.series = 'us_gdp_deflator' AND t.year = (SELECT usd_price_year FROM settings)
    WHERE d.series = 'us_gdp_deflator'
),

-- Scenario fuel prices per country x fuel class (fuel_price_scenarios), as short names.
country_prices AS (
    SELECT country_iso3, fuel_class, price_low_usd_per_gj AS price_low, price_central_usd_per_gj AS price_central,
        price_high_usd_per_gj AS price_high
    FROM fuel_price_scenarios
),

targets AS (
    SELECT fuel_class AS from_fuel_class, key AS to_technology, value_text AS to_fuel_class
    FROM scenario_parameters
    WHERE parameter = 'swap_target'
),

-- Candidates: tracker units get every target of their fuel class except their own technology;
-- a project case gets exactly its own to_technology, and its own values (case_*; null for tracker units).
-- NOT MATERIALIZED: computed again by each reader rather than stored (1.3 M rows, ~0.4 GB at 1 M units).
candidates AS NOT MATERIALIZED (
    SELECT b.*, t.to_technology, t.to_fuel_class
    FROM plant_baselines AS b
    JOIN targets AS t ON t.from_fuel_class = b.fuel_class AND t.to_technology <> b.technology
    WHERE b.unit_source <> 'case'
        -- Kept from GEM's codes, which were compared here before the one vocabulary (figures unchanged):
        -- no target whose tracker code is the unit's own, so oil CC units get no gas CC fuel switch.
        AND NOT EXISTS (
            SELECT 1 FROM technologies AS k
            WHERE k.technology = t.to_technology AND k.source_code = b.gem_technology
        )
    UNION ALL BY NAME
    SELECT b.*, pc.to_technology,
        coalesce((SELECT any_value(t.to_fuel_class) FROM targets AS t
                  WHERE t.from_fuel_class = pc.fuel_class AND t.to_technology = pc.to_technology),
                 pc.fuel_class) AS to_fuel_class,
        pc.to_efficiency_lhv AS case_to_efficiency_lhv, pc.fuel_price_usd_per_gj AS case_fuel_price_usd_per_gj,
        pc.capex_premium_usd_per_kw AS case_premium_usd_per_kw, pc.delta_om_usd_per_yr AS case_delta_om_usd_per_yr,
        pc.discount_rate AS case_discount_rate, pc.lifetime_yr AS case_lifetime_yr
    FROM plant_baselines AS b
    JOIN project_cases AS pc ON b.unit_source = 'case' AND b.unit_id = pc.case_id
),

-- Each catalogue pick below depends only on a few attributes of the candidate: it is made once per
-- distinct key, and `joined` joins the key table straight onto the candidates (IS NOT DISTINCT FROM: a null
-- key gets the pick a null would get). One hash join each: joining it to the candidates first and then back
-- on (baseline_id, to_technology) cost two joins of 1.3 M rows each, ~0.9 s of ~3.4 s at 1 M units.
-- Everything but the size picks depends only on candidate_key (~1,700 keys at 1 M units): key_terms
-- gathers it, so the candidates take it in one join, not one per lookup (~10 joins of 1.3 M rows).
candidate_key AS (
    SELECT DISTINCT country_iso3, fuel_class, technology_assumed, vintage, to_fuel_class, to_technology,
        unit_source = 'case' OR NOT is_operating AS builds_instead
    FROM candidates
),

-- Project technology: new-build catalogue row by size (most specific wins).
project_eff_key AS (
    SELECT k.to_fuel_class, k.to_technology, k.capacity_mw, t.net_efficiency_lhv, t.technology_id
    FROM (SELECT DISTINCT to_fuel_class, to_technology, capacity_mw FROM candidates) AS k
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'catalogue' AND t.fuel_class = k.to_fuel_class AND t.technology = k.to_technology
        AND t.net_efficiency_lhv IS NOT NULL AND t.vintage IN ('any', '>2000')
        AND k.capacity_mw BETWEEN coalesce(t.size_min_mw, 0) AND coalesce(t.size_max_mw, 1e9)
    QUALIFY row_number() OVER (
        PARTITION BY k.to_fuel_class, k.to_technology, k.capacity_mw
        ORDER BY (t.size_min_mw IS NOT NULL) DESC, coalesce(t.size_max_mw - t.size_min_mw, 1e9),
            (t.capex_region IS NULL) DESC, t.technology_id
    ) = 1
),

-- Costs. Catalogue capex and O&M in USD of the price year, one row per technology and region (a row with an
-- efficiency first); a price year the deflator table lacks leaves the money null (flagged).
capex_rows AS (
    SELECT t.fuel_class, t.technology, t.capex_region AS region, t.technology_id, t.lifetime_yr,
        t.capex_price_year, d.to_price_year IS NOT NULL AS in_price_year,
        t.capex_usd_per_kw * d.to_price_year AS capex_usd_per_kw,
        t.fixed_om_usd_per_kw_yr * d.to_price_year AS fixed_om_usd_per_kw_yr,
        t.variable_om_usd_per_mwh * d.to_price_year AS variable_om_usd_per_mwh
    FROM technology_catalogue AS t
    LEFT JOIN deflator AS d ON d.year = t.capex_price_year
    WHERE t.parameter_set = 'catalogue' AND t.capex_usd_per_kw IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY t.fuel_class, t.technology, t.capex_region
        ORDER BY (t.net_efficiency_lhv IS NOT NULL) DESC, t.technology_id
    ) = 1
),

retrofit_rows AS (
    SELECT r.retrofit_id, r.from_technology, r.to_technology, r.fuel_class, r.capex_region AS region,
        r.capex_price_year, d.to_price_year IS NOT NULL AS in_price_year,
        r.capex_usd_per_kw * d.to_price_year AS capex_usd_per_kw,
        r.fixed_om_usd_per_kw_yr * d.to_price_year AS fixed_om_usd_per_kw_yr,
        r.variable_om_usd_per_mwh * d.to_price_year AS variable_om_usd_per_mwh
    FROM technology_retrofits AS r
    LEFT JOIN deflator AS d ON d.year = r.capex_price_year
),

cost_key AS (
    SELECT DISTINCT c.country_iso3, k.country_name, r.cost_region, c.fuel_class, c.technology_assumed,
        c.to_fuel_class, c.to_technology
    FROM candidate_key AS c
    LEFT JOIN countries AS k ON k.country_iso3 = c.country_iso3
    LEFT JOIN cost_regions AS r ON r.country_iso3 = c.country_iso3
),

-- A fuel class's proxy region for a country without its own costs (a country's own row beats '*').
proxy_region AS (
    SELECT k.country_iso3, p.fuel_class, p.value_text AS region
    FROM (SELECT DISTINCT country_iso3 FROM cost_key) AS k
    JOIN scenario_parameters AS p
        ON p.parameter = 'capex_proxy_region' AND p.country_iso3 IN ('*', k.country_iso3)
    QUALIFY row_number() OVER (
        PARTITION BY k.country_iso3, p.fuel_class ORDER BY (p.country_iso3 <> '*') DESC
    ) = 1
),

-- The regions a key's costs may come from, in order: 1 the country's own, 2 its region in cost_regions
-- (one reference table says which region, and whether it is a proxy), 3 the proxy of the baseline's fuel
-- class, 4 the proxy of the project's.
key_region AS (
    SELECT k.*, 1 AS priority, k.country_name AS region FROM cost_key AS k
    UNION ALL
    SELECT k.*, 2 AS priority, k.cost_region AS region FROM cost_key AS k WHERE k.cost_region IS NOT NULL
    UNION ALL
    SELECT k.*, 3 AS priority, p.region
    FROM cost_key AS k JOIN proxy_region AS p ON p.country_iso3 = k.country_iso3 AND p.fuel_class = k.fuel_class
    UNION ALL
    SELECT k.*, 4 AS priority, p.region
    FROM cost_key AS k
    JOIN proxy_region AS p ON p.country_iso3 = k.country_iso3 AND p.fuel_class = k.to_fuel_class
),

-- Build-instead premium: both technologies from the first region that costs both.
pair_cost AS (
    SELECT kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology, kr.region,
        f.technology_id || ' -> ' || t.technology_id AS ids, f.in_price_year AND t.in_price_year AS in_price_year,
        t.capex_usd_per_kw - f.capex_usd_per_kw AS capex_usd_per_kw,
        t.fixed_om_usd_per_kw_yr - f.fixed_om_usd_per_kw_yr AS d_fixed_om,
        t.variable_om_usd_per_mwh - f.variable_om_usd_per_mwh AS d_variable_om,
        CAST(NULL AS DOUBLE) AS old_capex_usd_per_kw, CAST(NULL AS DOUBLE) AS old_lifetime_yr
    FROM key_region AS kr
    JOIN capex_rows AS f
        ON f.fuel_class = kr.fuel_class AND f.technology = kr.technology_assumed AND f.region = kr.region
    JOIN capex_rows AS t
        ON t.fuel_class = kr.to_fuel_class AND t.technology = kr.to_technology AND t.region = kr.region
    QUALIFY row_number() OVER (
        PARTITION BY kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology
        ORDER BY kr.priority
    ) = 1
),

-- An add-on or retrofit with a cited cost, from the first region that has one; the old unit's O&M from the
-- same region (unknown there: the O&M difference is unknown).
retrofit_cost AS (
    SELECT kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology, kr.region,
        r.retrofit_id || coalesce(' (O&M less ' || f.technology_id || ')', '') AS ids, r.in_price_year,
        r.capex_usd_per_kw,
        r.fixed_om_usd_per_kw_yr - f.fixed_om_usd_per_kw_yr AS d_fixed_om,
        r.variable_om_usd_per_mwh - f.variable_om_usd_per_mwh AS d_variable_om,
        CAST(NULL AS DOUBLE) AS old_capex_usd_per_kw, CAST(NULL AS DOUBLE) AS old_lifetime_yr
    FROM key_region AS kr
    JOIN retrofit_rows AS r
        ON r.from_technology = kr.technology_assumed AND r.to_technology = kr.to_technology AND r.region = kr.region
    LEFT JOIN capex_rows AS f
        ON f.fuel_class = kr.fuel_class AND f.technology = kr.technology_assumed AND f.region = kr.region
    QUALIFY row_number() OVER (
        PARTITION BY kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology
        ORDER BY kr.priority
    ) = 1
),

-- Replace: the new unit from the first region costing it (own, mapped, then the project fuel's proxy); the
-- old unit (its stranded value and O&M) from the first region costing it (own, mapped, then the baseline
-- fuel's proxy).
new_cost AS (
    SELECT kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology,
        kr.region, t.technology_id, t.in_price_year, t.capex_usd_per_kw, t.fixed_om_usd_per_kw_yr,
        t.variable_om_usd_per_mwh
    FROM key_region AS kr
    JOIN capex_rows AS t
        ON t.fuel_class = kr.to_fuel_class AND t.technology = kr.to_technology AND t.region = kr.region
    WHERE kr.priority IN (1, 2, 4)
    QUALIFY row_number() OVER (
        PARTITION BY kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology
        ORDER BY kr.priority
    ) = 1
),

old_cost AS (
    SELECT kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology,
        kr.region, f.technology_id, f.in_price_year, f.capex_usd_per_kw, f.fixed_om_usd_per_kw_yr,
        f.variable_om_usd_per_mwh, f.lifetime_yr
    FROM key_region AS kr
    JOIN capex_rows AS f
        ON f.fuel_class = kr.fuel_class AND f.technology = kr.technology_assumed AND f.region = kr.region
    WHERE kr.priority IN (1, 2, 3)
    QUALIFY row_number() OVER (
        PARTITION BY kr.country_iso3, kr.fuel_class, kr.technology_assumed, kr.to_fuel_class, kr.to_technology
        ORDER BY kr.priority
    ) = 1
),

replace_cost AS (
    SELECT k.country_iso3, k.fuel_class, k.technology_assumed, k.to_fuel_class, k.to_technology,
        CASE WHEN n.region IS NOT DISTINCT FROM o.region THEN n.region
             ELSE concat_ws(' / ', n.region, o.region) END AS region,
        coalesce(n.technology_id, 'none') || ' + stranded ' || coalesce(o.technology_id, 'none') AS ids,
        coalesce(n.in_price_year, true) AND coalesce(o.in_price_year, true) AS in_price_year,
        n.capex_usd_per_kw,
        n.fixed_om_usd_per_kw_yr - o.fixed_om_usd_per_kw_yr AS d_fixed_om,
        n.variable_om_usd_per_mwh - o.variable_om_usd_per_mwh AS d_variable_om,
        o.capex_usd_per_kw AS old_capex_usd_per_kw, o.lifetime_yr AS old_lifetime_yr,
        n.region AS new_region, o.region AS old_region
    FROM cost_key AS k
    LEFT JOIN new_cost AS n
        ON n.country_iso3 IS NOT DISTINCT FROM k.country_iso3 AND n.fuel_class = k.fuel_class
        AND n.technology_assumed = k.technology_assumed AND n.to_fuel_class = k.to_fuel_class
        AND n.to_technology = k.to_technology
    LEFT JOIN old_cost AS o
        ON o.country_iso3 IS NOT DISTINCT FROM k.country_iso3 AND o.fuel_class = k.fuel_class
        AND o.technology_assumed = k.technology_assumed AND o.to_fuel_class = k.to_fuel_class
        AND o.to_technology = k.to_technology
),

-- Reference candidates for the baseline technology (as assumed for unknown technology).
tool07_key AS (
    SELECT k.fuel_class, k.technology_assumed, k.vintage, t.net_efficiency_lhv
    FROM (SELECT DISTINCT fuel_class, technology_assumed, vintage FROM candidate_key) AS k
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'tool07_default' AND t.fuel_class = k.fuel_class
        AND t.technology = k.technology_assumed AND t.vintage IN ('any', k.vintage)
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.technology_assumed, k.vintage ORDER BY t.technology_id
    ) = 1
),

-- Top-performer benchmark of the same technology, the nearest size class; else the top of the
-- catalogue's efficiency range for that technology.
benchmark_key AS (
    SELECT k.fuel_class, k.technology_assumed, k.capacity_mw, t.net_efficiency_lhv, t.technology_id,
        'top_performer:' || t.technology_id AS benchmark_label
    FROM (SELECT DISTINCT fuel_class, technology_assumed, capacity_mw FROM candidates) AS k
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'top_performer' AND t.fuel_class = k.fuel_class
        AND t.technology = k.technology_assumed AND t.net_efficiency_lhv IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.technology_assumed, k.capacity_mw
        ORDER BY abs(coalesce(t.size_min_mw, k.capacity_mw) - k.capacity_mw), t.technology_id
    ) = 1
),

project_fuel AS (
    SELECT p.fuel_class, f.fuel, f.co2_ef_t_per_tj, f.co2_ef_t_per_tj_upper, f.ncv_tj_per_gg
    FROM scenario_parameters AS p
    JOIN fuel_defaults AS f ON f.fuel = p.value_text AND f.is_primary
    WHERE p.parameter = 'fuel_map' AND p.key = '*'
),

-- What each candidate key takes from the small tables, with the same join conditions as a candidate would
-- use (an = on a null finds nothing), and the cost basis of its decision (the decision depends on the key
-- only): a build-instead uses an add-on's cost where there is one, else the premium of one region; a case's
-- own premium and O&M difference win (as given, in the case's own price year: `joined`, `money`).
key_terms AS (
    SELECT
        k.*,
        -- The decision: an operating unit is retrofitted where a cited retrofit exists, else replaced; a
        -- pipeline unit (and a project case: the founding case's reading) is built with the project
        -- technology instead.
        CASE WHEN k.builds_instead THEN 'build_instead'
             WHEN rc.ids IS NOT NULL THEN 'retrofit'
             ELSE 'replace' END AS decision,
        coalesce(tool07.net_efficiency_lhv, 0) AS eta_tool07,
        pf.co2_ef_t_per_tj AS project_fuel_co2_ef_t_per_tj,
        pf.co2_ef_t_per_tj_upper AS project_fuel_co2_ef_t_per_tj_upper,
        bp.price_low AS baseline_price_low, bp.price_central AS baseline_price_central,
        bp.price_high AS baseline_price_high,
        tp.price_low AS target_price_low, tp.price_central AS target_price_central,
        tp.price_high AS target_price_high,
        kc.country_name,
        -- A region that holds the country (cost_regions basis country or region) is its own, not a proxy.
        CASE WHEN cr.basis <> 'proxy' THEN cr.cost_region END AS own_cost_region,
        pcost.region AS pair_region, pcost.ids AS pair_ids, pcost.in_price_year AS pair_in_price_year,
        pcost.capex_usd_per_kw AS pair_capex_usd_per_kw, pcost.d_fixed_om AS pair_d_fixed_om,
        pcost.d_variable_om AS pair_d_variable_om,
        rc.region AS retrofit_region, rc.ids AS retrofit_ids, rc.in_price_year AS retrofit_in_price_year,
        rc.capex_usd_per_kw AS retrofit_capex_usd_per_kw, rc.d_fixed_om AS retrofit_d_fixed_om,
        rc.d_variable_om AS retrofit_d_variable_om,
        xc.region AS replace_region, xc.new_region, xc.old_region, xc.ids AS replace_ids,
        xc.in_price_year AS replace_in_price_year, xc.capex_usd_per_kw AS replace_capex_usd_per_kw,
        xc.d_fixed_om AS replace_d_fixed_om, xc.d_variable_om AS replace_d_variable_om,
        xc.old_capex_usd_per_kw, xc.old_lifetime_yr
    FROM candidate_key AS k
    LEFT JOIN countries AS kc ON kc.country_iso3 = k.country_iso3
    LEFT JOIN cost_regions AS cr ON cr.country_iso3 = k.country_iso3
    LEFT JOIN tool07_key AS tool07
        ON tool07.fuel_class IS NOT DISTINCT FROM k.fuel_class
        AND tool07.technology_assumed IS NOT DISTINCT FROM k.technology_assumed
        AND tool07.vintage IS NOT DISTINCT FROM k.vintage
    LEFT JOIN pair_cost AS pcost
        ON pcost.country_iso3 IS NOT DISTINCT FROM k.country_iso3 AND pcost.fuel_class = k.fuel_class
        AND pcost.technology_assumed = k.technology_assumed AND pcost.to_fuel_class = k.to_fuel_class
        AND pcost.to_technology = k.to_technology
    LEFT JOIN retrofit_cost AS rc
        ON rc.country_iso3 IS NOT DISTINCT FROM k.country_iso3 AND rc.fuel_class = k.fuel_class
        AND rc.technology_assumed = k.technology_assumed AND rc.to_fuel_class = k.to_fuel_class
        AND rc.to_technology = k.to_technology
    LEFT JOIN replace_cost AS xc
        ON xc.country_iso3 IS NOT DISTINCT FROM k.country_iso3 AND xc.fuel_class = k.fuel_class
        AND xc.technology_assumed = k.technology_assumed AND xc.to_fuel_class = k.to_fuel_class
        AND xc.to_technology = k.to_technology
    LEFT JOIN project_fuel AS pf ON pf.fuel_class = k.to_fuel_class
    LEFT JOIN country_prices AS bp ON bp.country_iso3 = k.country_iso3 AND bp.fuel_class = k.fuel_class
    LEFT JOIN country_prices AS tp ON tp.country_iso3 = k.country_iso3 AND tp.fuel_class = k.to_fuel_class
),

key_costed AS (
    SELECT
        j.*,
        CASE WHEN j.decision = 'replace' THEN 'replace'
             WHEN j.retrofit_ids IS NOT NULL THEN 'retrofit' ELSE 'pair' END AS cost_source,
        CASE WHEN j.decision = 'replace' THEN j.replace_region
             WHEN j.retrofit_ids IS NOT NULL THEN j.retrofit_region ELSE j.pair_region END AS region,
        CASE WHEN j.decision = 'replace' THEN j.replace_capex_usd_per_kw
             WHEN j.retrofit_ids IS NOT NULL THEN j.retrofit_capex_usd_per_kw
             -- An upgrade never costs nothing (issue 13): a premium that is not positive is unknown. Same fuel,
             -- it is a catalogue inconsistency; a fuel switch built instead (a CCGT instead of a coal unit) may
             -- truly be cheaper to build, but then the upgrade has no capex to annualise: flagged, not negative.
             WHEN j.pair_capex_usd_per_kw > 0 THEN j.pair_capex_usd_per_kw END AS catalogue_capex_usd_per_kw,
        CASE WHEN j.decision = 'replace' THEN j.replace_d_fixed_om
             WHEN j.retrofit_ids IS NOT NULL THEN j.retrofit_d_fixed_om ELSE j.pair_d_fixed_om END AS d_fixed_om,
        CASE WHEN j.decision = 'replace' THEN j.replace_d_variable_om
             WHEN j.retrofit_ids IS NOT NULL THEN j.retrofit_d_variable_om ELSE j.pair_d_variable_om END
            AS d_variable_om,
        CASE WHEN j.decision = 'replace' THEN j.replace_in_price_year
             WHEN j.retrofit_ids IS NOT NULL THEN j.retrofit_in_price_year ELSE j.pair_in_price_year END
            AS in_price_year,
        -- Costs taken from a region that does not hold the country (a proxy), named with the technology
        -- they cost.
        CASE WHEN j.decision = 'replace'
             THEN nullif(concat_ws(', ',
                CASE WHEN j.new_region IS DISTINCT FROM j.country_name
                        AND j.new_region IS DISTINCT FROM j.own_cost_region
                     THEN j.new_region || ' (' || j.to_technology || ')' END,
                CASE WHEN j.old_region IS DISTINCT FROM j.country_name
                        AND j.old_region IS DISTINCT FROM j.own_cost_region
                     THEN j.old_region || ' (' || j.technology_assumed || ')' END), '')
             WHEN j.retrofit_ids IS NOT NULL AND j.retrofit_region IS DISTINCT FROM j.country_name
                AND j.retrofit_region IS DISTINCT FROM j.own_cost_region
             THEN j.retrofit_region
             WHEN j.retrofit_ids IS NULL AND j.pair_region IS DISTINCT FROM j.country_name
                AND j.pair_region IS DISTINCT FROM j.own_cost_region
             THEN j.pair_region END AS proxy_regions
    FROM key_terms AS j
),

-- The texts of a key's catalogue costs, written once per key: the cost basis, and the flags of missing
-- or proxy costs (a case's own premium overrides them: `money`, flags).
key_texts AS (
    SELECT
        c.*,
        c.decision || ': ' || CASE c.cost_source
            WHEN 'replace' THEN 'full capex ' || coalesce(c.replace_ids, 'none')
            WHEN 'retrofit' THEN c.retrofit_ids
            ELSE coalesce(c.pair_ids, 'no region costs both') END
            || coalesce(' [' || c.region || ']', '') || ', USD ' || s.usd_price_year AS catalogue_cost_basis,
        CASE WHEN c.cost_source = 'pair' AND c.pair_ids IS NULL
                THEN 'no_capex_in_catalogue:no region costs both ' || c.technology_assumed || ' and '
                    || c.to_technology
             WHEN c.cost_source = 'pair' AND NOT c.pair_capex_usd_per_kw > 0 AND c.fuel_class = c.to_fuel_class
                THEN 'capex_premium_not_positive:' || c.pair_ids
             WHEN c.cost_source = 'pair' AND NOT c.pair_capex_usd_per_kw > 0
                THEN 'capex_premium_not_positive:project_cheaper_to_build:' || c.pair_ids
             WHEN c.cost_source = 'replace' AND c.replace_capex_usd_per_kw IS NULL
                THEN 'no_capex_in_catalogue:' || c.to_technology END AS catalogue_capex_flag,
        'no_capex_in_catalogue:' || c.technology_assumed || ' (stranded value unknown)' AS no_old_capex_flag,
        'capex_proxy_region:' || c.proxy_regions AS proxy_region_flag
    FROM key_costed AS c
    CROSS JOIN settings AS s
),

joined AS (
    SELECT
        c.*,
        k.* EXCLUDE (country_iso3, fuel_class, technology_assumed, vintage, to_fuel_class, to_technology,
            builds_instead),
        c.fuel_class <> c.to_fuel_class AS is_fuel_switch,
        coalesce(c.case_to_efficiency_lhv, pe.net_efficiency_lhv) AS efficiency_project_lhv,
        coalesce(bm.net_efficiency_lhv, c.efficiency_lhv_high, 0) AS eta_benchmark,
        CASE WHEN bm.technology_id IS NOT NULL THEN bm.benchmark_label ELSE 'catalogue_high' END AS benchmark_label,
        -- Same fuel: the baseline's own fuel; fuel switch: the target class's fuel.
        CASE WHEN c.fuel_class = c.to_fuel_class THEN c.co2_ef_t_per_tj ELSE k.project_fuel_co2_ef_t_per_tj END
            AS ef_project_central,
        CASE WHEN c.fuel_class = c.to_fuel_class THEN c.co2_ef_t_per_tj_lower
             ELSE k.project_fuel_co2_ef_t_per_tj_upper END AS ef_project_conservative,
        -- A case's own fuel price holds in every scenario.
        coalesce(c.case_fuel_price_usd_per_gj, k.baseline_price_low) AS price_low,
        coalesce(c.case_fuel_price_usd_per_gj, k.baseline_price_central) AS price_central,
        coalesce(c.case_fuel_price_usd_per_gj, k.baseline_price_high) AS price_high,
        CASE WHEN c.fuel_class = c.to_fuel_class THEN coalesce(c.case_fuel_price_usd_per_gj, k.baseline_price_low)
             ELSE k.target_price_low END AS project_price_low,
        CASE WHEN c.fuel_class = c.to_fuel_class
             THEN coalesce(c.case_fuel_price_usd_per_gj, k.baseline_price_central)
             ELSE k.target_price_central END AS project_price_central,
        CASE WHEN c.fuel_class = c.to_fuel_class THEN coalesce(c.case_fuel_price_usd_per_gj, k.baseline_price_high)
             ELSE k.target_price_high END AS project_price_high,
        coalesce(c.case_discount_rate, s.discount_rate) AS discount_rate,
        coalesce(c.case_lifetime_yr, s.lifetime_yr) AS lifetime_yr,
        s.hurdle_rate,
        s.usd_price_year,
        s.analysis_year,
        -- Remaining life of a replaced unit: start year + lifetime - the year of the decision, at least 0.
        CASE WHEN k.decision = 'replace' AND c.start_year + k.old_lifetime_yr IS NOT NULL
             THEN greatest(0, c.start_year + k.old_lifetime_yr - s.analysis_year) END AS remaining_life_yr
    FROM candidates AS c
    CROSS JOIN settings AS s
    JOIN key_texts AS k
        ON k.country_iso3 IS NOT DISTINCT FROM c.country_iso3 AND k.fuel_class = c.fuel_class
        AND k.technology_assumed = c.technology_assumed AND k.vintage = c.vintage
        AND k.to_fuel_class IS NOT DISTINCT FROM c.to_fuel_class AND k.to_technology = c.to_technology
        AND k.builds_instead = (c.unit_source = 'case' OR NOT c.is_operating)
    LEFT JOIN project_eff_key AS pe
        ON pe.to_fuel_class IS NOT DISTINCT FROM c.to_fuel_class
        AND pe.to_technology IS NOT DISTINCT FROM c.to_technology
        AND pe.capacity_mw IS NOT DISTINCT FROM c.capacity_mw
    LEFT JOIN benchmark_key AS bm
        ON bm.fuel_class IS NOT DISTINCT FROM c.fuel_class
        AND bm.technology_assumed IS NOT DISTINCT FROM c.technology_assumed
        AND bm.capacity_mw IS NOT DISTINCT FROM c.capacity_mw
),

money AS (
    SELECT
        c.*,
        coalesce(c.case_premium_usd_per_kw, c.catalogue_capex_usd_per_kw) * c.capacity_mw * 1000
            AS incremental_capex_usd,
        CASE WHEN c.decision = 'replace'
             THEN c.old_capex_usd_per_kw * c.capacity_mw * 1000 * c.remaining_life_yr / c.old_lifetime_yr
             ELSE 0 END AS stranded_value_usd,
        coalesce(c.case_delta_om_usd_per_yr,
            c.d_fixed_om * c.capacity_mw * 1000 + c.d_variable_om * c.net_generation_mwh_per_yr)
            AS delta_om_usd_per_yr,
        CASE WHEN c.case_premium_usd_per_kw IS NOT NULL
             THEN 'case capex_premium_usd_per_kw (as given)'
             ELSE c.catalogue_cost_basis
        END AS cost_basis
    FROM joined AS c
),

-- The reference efficiency is the highest candidate; the rule that won is recorded (ties: first listed).
reference AS (
    SELECT
        m.*,
        m.incremental_capex_usd + m.stranded_value_usd AS upfront_cost_usd,
        greatest(m.efficiency_lhv, m.eta_tool07, m.eta_benchmark) AS efficiency_reference_lhv,
        CASE
            WHEN m.efficiency_lhv >= greatest(m.eta_tool07, m.eta_benchmark) THEN 'bau_efficiency'
            WHEN m.eta_tool07 >= m.eta_benchmark THEN 'tool07_default'
            ELSE m.benchmark_label
        END || CASE WHEN m.is_fuel_switch THEN '; ef: baseline ipcc_lower, project ipcc_upper'
                    WHEN m.unit_source = 'case' AND m.co2_ef_t_per_tj = m.co2_ef_t_per_tj_lower
                        THEN '; ef: measured (case), both sides'
                    ELSE '; ef: ipcc_lower, both sides' END AS reference_rule
    FROM money AS m
),

physics AS (
    SELECT
        r.*,
        r.net_generation_mwh_per_yr * 0.0036 / r.efficiency_project_lhv AS project_fuel_tj_per_yr,
        r.net_generation_mwh_per_yr * 0.0036 / r.efficiency_project_lhv * r.ef_project_central
            AS project_co2_t_per_yr,
        r.net_generation_mwh_per_yr * 0.0036 / r.efficiency_project_lhv * r.ef_project_conservative
            AS project_co2_conservative_t_per_yr,
        r.net_generation_mwh_per_yr * 0.0036 / r.efficiency_reference_lhv * r.co2_ef_t_per_tj_lower
            AS reference_co2_t_per_yr,
        -- An upgrade lowers the CO2 per MWh on central values (same fuel: a higher efficiency).
        coalesce(r.ef_project_central / r.efficiency_project_lhv < r.co2_ef_t_per_tj / r.efficiency_lhv, false)
            AS is_upgrade,
        CASE WHEN r.discount_rate = 0 THEN 1 / r.lifetime_yr
             ELSE r.discount_rate * pow(1 + r.discount_rate, r.lifetime_yr)
                / (pow(1 + r.discount_rate, r.lifetime_yr) - 1) END AS crf,
        -- Present value of 1 USD a year over the lifetime at the hurdle rate.
        CASE WHEN r.hurdle_rate = 0 THEN r.lifetime_yr
             ELSE (1 - pow(1 + r.hurdle_rate, -r.lifetime_yr)) / r.hurdle_rate END AS hurdle_annuity
    FROM reference AS r
),

economics AS (
    SELECT
        p.*,
        p.co2_t_per_yr - p.project_co2_t_per_yr AS reduction_bau_t_per_yr,
        CASE WHEN p.is_upgrade
             THEN greatest(0, p.reference_co2_t_per_yr - p.project_co2_conservative_t_per_yr)
             ELSE 0 END AS reduction_creditable_t_per_yr,
        p.fuel_tj_per_yr - p.project_fuel_tj_per_yr AS fuel_saved_tj_per_yr,
        -- TJ x 1000 GJ/TJ x USD/GJ; a fuel switch pays the project fuel's price for what it burns.
        p.fuel_tj_per_yr * 1000 * p.price_low - p.project_fuel_tj_per_yr * 1000 * p.project_price_low
            AS fuel_savings_low_usd_per_yr,
        p.fuel_tj_per_yr * 1000 * p.price_central - p.project_fuel_tj_per_yr * 1000 * p.project_price_central
            AS fuel_savings_usd_per_yr,
        p.fuel_tj_per_yr * 1000 * p.price_high - p.project_fuel_tj_per_yr * 1000 * p.project_price_high
            AS fuel_savings_high_usd_per_yr,
        p.upfront_cost_usd * p.crf + p.delta_om_usd_per_yr AS annualised_cost_usd_per_yr
    FROM physics AS p
),

-- The investment test without credits: NPV at the hurdle rate under each fuel-price scenario.
tested AS (
    SELECT
        e.*,
        -e.upfront_cost_usd + (e.fuel_savings_low_usd_per_yr - e.delta_om_usd_per_yr) * e.hurdle_annuity
            AS npv_hurdle_low_usd,
        -e.upfront_cost_usd + (e.fuel_savings_usd_per_yr - e.delta_om_usd_per_yr) * e.hurdle_annuity
            AS npv_hurdle_central_usd,
        -e.upfront_cost_usd + (e.fuel_savings_high_usd_per_yr - e.delta_om_usd_per_yr) * e.hurdle_annuity
            AS npv_hurdle_high_usd
    FROM economics AS e
),

-- The investment test's rule, in words: its text depends only on the hurdle rate and the lifetime, so it is
-- written once per pair that occurs (the scenario's, a case's own lifetime), not per row (a ~250-character
-- printf per row was ~0.3 s of ~2.5 s at 1 M units).
rule_texts AS (
    SELECT s.hurdle_rate, l.lifetime_yr,
        printf('NPV without credits at the %.1f %% hurdle over %.0f yr at the low / central / high fuel '
               || 'price: not_additional if >= 0 at central; depends_on_price if < 0 at central but >= 0 '
               || 'at low or high; additional if < 0 at all three', s.hurdle_rate * 100, l.lifetime_yr)
            AS additionality_rule
    FROM settings AS s
    CROSS JOIN (
        SELECT lifetime_yr FROM settings
        UNION
        SELECT lifetime_yr FROM project_cases WHERE lifetime_yr IS NOT NULL
    ) AS l
)

SELECT
    t.unit_source || ':' || t.unit_id || ':' || t.to_technology AS swap_id,
    t.unit_id,
    t.unit_source,
    t.country_iso3,
    'power_' || t.fuel_class AS sector,
    CASE WHEN t.is_fuel_switch THEN 'fuel_switch' ELSE 'efficiency_upgrade' END AS swap_type,
    t.technology AS from_technology,
    t.to_technology,
    t.is_upgrade,
    t.capacity_mw,
    t.net_generation_mwh_per_yr,
    t.co2_t_per_yr AS baseline_co2_t_per_yr,
    t.project_co2_t_per_yr,
    t.reduction_bau_t_per_yr,
    t.reference_co2_t_per_yr,
    t.reduction_creditable_t_per_yr,
    t.reference_rule,
    t.co2_t_per_yr - t.reference_co2_t_per_yr AS bau_reference_gap_t_per_yr,
    t.fuel_saved_tj_per_yr,
    t.fuel_savings_usd_per_yr,
    t.incremental_capex_usd,
    t.annualised_cost_usd_per_yr,
    -- Constant yearly net benefit over the lifetime: NPV = -upfront + benefit / CRF.
    -t.upfront_cost_usd + (t.fuel_savings_usd_per_yr - t.delta_om_usd_per_yr) / t.crf AS npv_usd,
    CASE WHEN t.fuel_savings_usd_per_yr - t.delta_om_usd_per_yr > 0
         THEN greatest(0, t.upfront_cost_usd / (t.fuel_savings_usd_per_yr - t.delta_om_usd_per_yr)) END
        AS simple_payback_yr,
    CASE WHEN t.reduction_bau_t_per_yr > 0
         THEN (t.annualised_cost_usd_per_yr - t.fuel_savings_usd_per_yr) / t.reduction_bau_t_per_yr END
        AS mac_usd_per_t,
    -- greatest() skips nulls: the explicit null test keeps an unknown cost from reading as a price of 0.
    CASE WHEN t.reduction_creditable_t_per_yr > 0
            AND t.annualised_cost_usd_per_yr - t.fuel_savings_usd_per_yr IS NOT NULL
         THEN greatest(0, (t.annualised_cost_usd_per_yr - t.fuel_savings_usd_per_yr)
                          / t.reduction_creditable_t_per_yr) END AS breakeven_credit_price_usd_per_t,
    nullif(concat_ws(';',
        t.flags,
        CASE WHEN NOT t.is_upgrade THEN 'not_an_upgrade:creditable_zero' END,
        CASE WHEN t.is_upgrade AND t.reduction_creditable_t_per_yr = 0 THEN 'reference_at_or_above_project' END,
        CASE WHEN t.case_premium_usd_per_kw IS NULL THEN t.catalogue_capex_flag END,
        CASE WHEN t.cost_source = 'replace' AND t.old_capex_usd_per_kw IS NULL THEN t.no_old_capex_flag
             WHEN t.cost_source = 'replace' AND t.start_year IS NULL
             THEN 'no_start_year:stranded_value_unknown'
             WHEN t.cost_source = 'replace' AND t.remaining_life_yr = 0 THEN 'beyond_lifetime:no_stranded_value' END,
        CASE WHEN NOT t.in_price_year THEN 'capex_price_year_not_in_price_deflators' END,
        CASE WHEN t.case_premium_usd_per_kw IS NULL THEN t.proxy_region_flag END,
        CASE WHEN t.delta_om_usd_per_yr IS NULL AND t.incremental_capex_usd IS NOT NULL
             THEN 'no_om_in_catalogue' END,
        CASE WHEN t.efficiency_project_lhv IS NULL THEN 'no_project_efficiency' END,
        CASE WHEN t.price_central IS NULL OR t.project_price_central IS NULL THEN 'no_fuel_price' END
    ), '') AS flags,
    -- Beyond the shared swap columns: the parameters behind each row.
    t.status,
    t.fuel,
    t.efficiency_lhv AS efficiency_bau_lhv,
    t.efficiency_reference_lhv,
    t.efficiency_project_lhv,
    t.co2_ef_t_per_tj AS co2_ef_baseline_t_per_tj,
    t.project_co2_conservative_t_per_yr,
    CASE WHEN NOT t.is_fuel_switch THEN t.fuel_saved_tj_per_yr / t.ncv_tj_per_gg * 1000 END
        AS fuel_saved_t_per_yr,
    t.price_central AS fuel_price_usd_per_gj,
    t.project_price_central AS project_fuel_price_usd_per_gj,
    t.delta_om_usd_per_yr,
    t.discount_rate,
    t.lifetime_yr,
    t.crf,
    t.decision,
    t.cost_basis,
    t.usd_price_year,
    t.incremental_capex_usd / (t.capacity_mw * 1000) AS capex_usd_per_kw,
    CASE WHEN t.decision = 'replace' THEN t.remaining_life_yr END AS remaining_life_yr,
    t.stranded_value_usd,
    t.upfront_cost_usd,
    t.price_low AS fuel_price_low_usd_per_gj,
    t.price_high AS fuel_price_high_usd_per_gj,
    t.fuel_savings_low_usd_per_yr,
    t.fuel_savings_high_usd_per_yr,
    t.hurdle_rate,
    t.npv_hurdle_low_usd,
    t.npv_hurdle_central_usd,
    t.npv_hurdle_high_usd,
    -- The central price decides (methodology notes §14); low and high test the verdict.
    CASE WHEN NOT t.is_upgrade THEN NULL
         WHEN t.npv_hurdle_central_usd >= 0 THEN 'not_additional'
         WHEN t.npv_hurdle_low_usd >= 0 OR t.npv_hurdle_high_usd >= 0 THEN 'depends_on_price'
         WHEN t.npv_hurdle_low_usd < 0 AND t.npv_hurdle_high_usd < 0 THEN 'additional' END AS additionality,
    CASE WHEN NOT t.is_upgrade THEN 'not run: not an upgrade'
         WHEN t.npv_hurdle_central_usd IS NULL OR t.npv_hurdle_low_usd IS NULL OR t.npv_hurdle_high_usd IS NULL
         THEN 'not run: ' || CASE WHEN t.upfront_cost_usd IS NULL THEN 'capex unknown'
                                  WHEN t.delta_om_usd_per_yr IS NULL THEN 'O&M unknown'
                                  ELSE 'fuel price unknown' END
         ELSE rt.additionality_rule
    END AS additionality_rule
FROM tested AS t
LEFT JOIN rule_texts AS rt ON rt.hurdle_rate = t.hurdle_rate AND rt.lifetime_yr = t.lifetime_yr

UNION ALL BY NAME
-- Grid-displacement projects: no unit, no fuel of their own (their efficiency and fuel EF columns stay
-- null); their decision, costs, energy value and investment test come with them (grid_displacement_swaps).
SELECT * FROM grid_displacement_swaps

UNION ALL BY NAME
-- Steel plants and end-use programme cases (issue 16): their own SQL, the same column contract.
SELECT * FROM steel_swaps
UNION ALL BY NAME
SELECT * FROM end_use_swaps
