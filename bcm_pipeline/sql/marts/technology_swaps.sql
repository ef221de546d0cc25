-- technology_swaps: each unit x each candidate technology (scenario_parameters 'swap_target'), same output.
-- Two reductions side by side (methodology notes §1, §9):
--   BAU        = unit as it is (central EF, its own efficiency) - project (central EF, project efficiency);
--   creditable = conservative reference - conservative project, where the reference efficiency is the
--                highest of the unit's own, the TOOL07 default and a top-performer benchmark; same fuel:
--                one EF (the IPCC lower bound, or a case's measured EF) on both sides; fuel switch:
--                baseline fuel at its lower bound, project fuel at its upper bound.
-- Economics (§6): CRF = r(1+r)^n/((1+r)^n-1); MAC = (capex x CRF + dO&M - fuel savings) / BAU reduction.
-- Grid-displacement rows (solar PV, wind, efficiency) come from grid_displacement_swaps, unioned at the end,
-- on the same MAC basis (the BAU reduction) so one MAC curve can rank plant swaps and grid projects.

WITH
settings AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'discount_rate') AS discount_rate,
        max(value) FILTER (WHERE parameter = 'economic_lifetime_yr') AS lifetime_yr,
        max(value) FILTER (WHERE parameter = 'fuel_price_window_months') AS price_window_months
    FROM scenario_parameters
),

-- Fuel price per series: the mean of the last N months that have an energy price.
series_price AS (
    -- An exact decimal mean: a float sum would depend on the order rows are stored in.
    SELECT series_code, avg(CAST(price_usd_per_gj AS DECIMAL(38, 10))) AS price_usd_per_gj
    FROM (
        SELECT f.series_code, f.price_usd_per_gj,
            row_number() OVER (PARTITION BY f.series_code ORDER BY f.month DESC) AS months_back
        FROM fuel_prices_monthly AS f
        WHERE f.price_usd_per_gj IS NOT NULL
    )
    WHERE months_back <= (SELECT price_window_months FROM settings)
    GROUP BY series_code
),

-- Price per country x fuel class: an explicit override row wins, else the mapped World Bank series
-- (a country's own mapping beats the '*' row).
country_price AS (
    SELECT c.country_iso3, fc.fuel_class,
        coalesce(
            (SELECT p.value FROM scenario_parameters AS p
             WHERE p.parameter = 'fuel_price_usd_per_gj' AND p.fuel_class = fc.fuel_class
                AND p.country_iso3 IN ('*', c.country_iso3)
             ORDER BY (p.country_iso3 <> '*') DESC LIMIT 1),
            (SELECT sp.price_usd_per_gj FROM scenario_parameters AS p
             JOIN series_price AS sp ON sp.series_code = p.value_text
             WHERE p.parameter = 'fuel_price_series' AND p.fuel_class = fc.fuel_class
                AND p.country_iso3 IN ('*', c.country_iso3)
             ORDER BY (p.country_iso3 <> '*') DESC LIMIT 1)
        ) AS price_usd_per_gj
    FROM (SELECT DISTINCT country_iso3 FROM plant_baselines) AS c
    CROSS JOIN (
        SELECT fuel_class FROM plant_baselines
        UNION
        SELECT value_text FROM scenario_parameters WHERE parameter = 'swap_target'
    ) AS fc
),

targets AS (
    SELECT fuel_class AS from_fuel_class, key AS to_technology, value_text AS to_fuel_class
    FROM scenario_parameters
    WHERE parameter = 'swap_target'
),

-- Candidates: tracker units get every target of their fuel class except their own technology;
-- a project case gets exactly its own to_technology.
candidates AS (
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
                 pc.fuel_class) AS to_fuel_class
    FROM plant_baselines AS b
    JOIN project_cases AS pc ON b.unit_source = 'case' AND b.unit_id = pc.case_id
),

-- Each catalogue pick below depends only on a few attributes of the candidate: it is made once per
-- distinct key, then joined back (IS NOT DISTINCT FROM: a null key gets the pick a null would get).

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

project_eff AS (
    SELECT c.baseline_id, c.to_technology, k.net_efficiency_lhv, k.technology_id
    FROM candidates AS c
    JOIN project_eff_key AS k
        ON k.to_fuel_class IS NOT DISTINCT FROM c.to_fuel_class
        AND k.to_technology IS NOT DISTINCT FROM c.to_technology
        AND k.capacity_mw IS NOT DISTINCT FROM c.capacity_mw
),

-- Costs: a capex row for the country's own region wins, else any row with a capex.
capex_side AS (
    SELECT c.baseline_id, c.to_technology, c.country_iso3, side.side,
        CASE side.side WHEN 'from' THEN c.fuel_class ELSE c.to_fuel_class END AS fuel_class,
        CASE side.side WHEN 'from' THEN c.technology_assumed ELSE c.to_technology END AS technology
    FROM candidates AS c
    CROSS JOIN (VALUES ('from'), ('to')) AS side(side)
),

capex_key AS (
    SELECT s.fuel_class, s.technology, s.country_iso3, t.capex_usd_per_kw, t.fixed_om_usd_per_kw_yr,
        t.variable_om_usd_per_mwh, t.technology_id
    FROM (SELECT DISTINCT fuel_class, technology, country_iso3 FROM capex_side) AS s
    LEFT JOIN countries AS k ON k.country_iso3 = s.country_iso3
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'catalogue' AND t.capex_usd_per_kw IS NOT NULL
        AND t.fuel_class = s.fuel_class AND t.technology = s.technology
    QUALIFY row_number() OVER (
        PARTITION BY s.fuel_class, s.technology, s.country_iso3
        ORDER BY (t.capex_region = k.country_name) DESC, (t.net_efficiency_lhv IS NOT NULL) DESC, t.technology_id
    ) = 1
),

capex_row AS (
    SELECT s.baseline_id, s.to_technology, s.side, k.capex_usd_per_kw, k.fixed_om_usd_per_kw_yr,
        k.variable_om_usd_per_mwh, k.technology_id
    FROM capex_side AS s
    JOIN capex_key AS k
        ON k.fuel_class IS NOT DISTINCT FROM s.fuel_class AND k.technology IS NOT DISTINCT FROM s.technology
        AND k.country_iso3 IS NOT DISTINCT FROM s.country_iso3
),

-- Reference candidates for the baseline technology (as assumed for unknown technology).
tool07_key AS (
    SELECT k.fuel_class, k.technology_assumed, k.vintage, t.net_efficiency_lhv
    FROM (SELECT DISTINCT fuel_class, technology_assumed, vintage FROM candidates) AS k
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'tool07_default' AND t.fuel_class = k.fuel_class
        AND t.technology = k.technology_assumed AND t.vintage IN ('any', k.vintage)
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.technology_assumed, k.vintage ORDER BY t.technology_id
    ) = 1
),

tool07 AS (
    SELECT c.baseline_id, c.to_technology, k.net_efficiency_lhv
    FROM candidates AS c
    JOIN tool07_key AS k
        ON k.fuel_class IS NOT DISTINCT FROM c.fuel_class
        AND k.technology_assumed IS NOT DISTINCT FROM c.technology_assumed
        AND k.vintage IS NOT DISTINCT FROM c.vintage
),

-- Top-performer benchmark of the same technology, the nearest size class; else the top of the
-- catalogue's efficiency range for that technology.
benchmark_key AS (
    SELECT k.fuel_class, k.technology_assumed, k.capacity_mw, t.net_efficiency_lhv, t.technology_id
    FROM (SELECT DISTINCT fuel_class, technology_assumed, capacity_mw FROM candidates) AS k
    JOIN technology_catalogue AS t
        ON t.parameter_set = 'top_performer' AND t.fuel_class = k.fuel_class
        AND t.technology = k.technology_assumed AND t.net_efficiency_lhv IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY k.fuel_class, k.technology_assumed, k.capacity_mw
        ORDER BY abs(coalesce(t.size_min_mw, k.capacity_mw) - k.capacity_mw), t.technology_id
    ) = 1
),

benchmark AS (
    SELECT c.baseline_id, c.to_technology, k.net_efficiency_lhv, k.technology_id
    FROM candidates AS c
    JOIN benchmark_key AS k
        ON k.fuel_class IS NOT DISTINCT FROM c.fuel_class
        AND k.technology_assumed IS NOT DISTINCT FROM c.technology_assumed
        AND k.capacity_mw IS NOT DISTINCT FROM c.capacity_mw
),

project_fuel AS (
    SELECT p.fuel_class, f.fuel, f.co2_ef_t_per_tj, f.co2_ef_t_per_tj_upper, f.ncv_tj_per_gg
    FROM scenario_parameters AS p
    JOIN fuel_defaults AS f ON f.fuel = p.value_text AND f.is_primary
    WHERE p.parameter = 'fuel_map' AND p.key = '*'
),

joined AS (
    SELECT
        c.*,
        c.fuel_class <> c.to_fuel_class AS is_fuel_switch,
        coalesce(pc.to_efficiency_lhv, pe.net_efficiency_lhv) AS efficiency_project_lhv,
        coalesce(tool07.net_efficiency_lhv, 0) AS eta_tool07,
        coalesce(bm.net_efficiency_lhv, c.efficiency_lhv_high, 0) AS eta_benchmark,
        CASE WHEN bm.technology_id IS NOT NULL THEN 'top_performer:' || bm.technology_id
             ELSE 'catalogue_high' END AS benchmark_label,
        -- Same fuel: the baseline's own fuel; fuel switch: the target class's fuel.
        CASE WHEN c.fuel_class = c.to_fuel_class THEN c.co2_ef_t_per_tj ELSE pf.co2_ef_t_per_tj END
            AS ef_project_central,
        CASE WHEN c.fuel_class = c.to_fuel_class THEN c.co2_ef_t_per_tj_lower
             ELSE pf.co2_ef_t_per_tj_upper END AS ef_project_conservative,
        coalesce(pc.fuel_price_usd_per_gj, bp.price_usd_per_gj) AS fuel_price_usd_per_gj,
        CASE WHEN c.fuel_class = c.to_fuel_class THEN coalesce(pc.fuel_price_usd_per_gj, bp.price_usd_per_gj)
             ELSE tp.price_usd_per_gj END AS project_fuel_price_usd_per_gj,
        coalesce(pc.capex_premium_usd_per_kw, cto.capex_usd_per_kw - cfrom.capex_usd_per_kw)
            * c.capacity_mw * 1000 AS incremental_capex_usd,
        coalesce(pc.delta_om_usd_per_yr,
            (coalesce(cto.fixed_om_usd_per_kw_yr, 0) - coalesce(cfrom.fixed_om_usd_per_kw_yr, 0))
                * c.capacity_mw * 1000
            + (coalesce(cto.variable_om_usd_per_mwh, 0) - coalesce(cfrom.variable_om_usd_per_mwh, 0))
                * c.net_generation_mwh_per_yr) AS delta_om_usd_per_yr,
        coalesce(pc.discount_rate, s.discount_rate) AS discount_rate,
        coalesce(pc.lifetime_yr, s.lifetime_yr) AS lifetime_yr,
        pc.capex_premium_usd_per_kw IS NULL AND (cto.capex_usd_per_kw IS NULL OR cfrom.capex_usd_per_kw IS NULL)
            AS no_capex
    FROM candidates AS c
    CROSS JOIN settings AS s
    LEFT JOIN (
        SELECT case_id, to_efficiency_lhv, fuel_price_usd_per_gj, capex_premium_usd_per_kw,
            delta_om_usd_per_yr, discount_rate, lifetime_yr
        FROM project_cases
    ) AS pc ON c.unit_source = 'case' AND pc.case_id = c.unit_id
    LEFT JOIN project_eff AS pe USING (baseline_id, to_technology)
    LEFT JOIN tool07 USING (baseline_id, to_technology)
    LEFT JOIN benchmark AS bm USING (baseline_id, to_technology)
    LEFT JOIN capex_row AS cfrom
        ON cfrom.baseline_id = c.baseline_id AND cfrom.to_technology = c.to_technology AND cfrom.side = 'from'
    LEFT JOIN capex_row AS cto
        ON cto.baseline_id = c.baseline_id AND cto.to_technology = c.to_technology AND cto.side = 'to'
    LEFT JOIN project_fuel AS pf ON pf.fuel_class = c.to_fuel_class
    LEFT JOIN country_price AS bp ON bp.country_iso3 = c.country_iso3 AND bp.fuel_class = c.fuel_class
    LEFT JOIN country_price AS tp ON tp.country_iso3 = c.country_iso3 AND tp.fuel_class = c.to_fuel_class
),

-- The reference efficiency is the highest candidate; the rule that won is recorded (ties: first listed).
reference AS (
    SELECT
        j.*,
        greatest(j.efficiency_lhv, j.eta_tool07, j.eta_benchmark) AS efficiency_reference_lhv,
        CASE
            WHEN j.efficiency_lhv >= greatest(j.eta_tool07, j.eta_benchmark) THEN 'bau_efficiency'
            WHEN j.eta_tool07 >= j.eta_benchmark THEN 'tool07_default'
            ELSE j.benchmark_label
        END || CASE WHEN j.is_fuel_switch THEN '; ef: baseline ipcc_lower, project ipcc_upper'
                    WHEN j.unit_source = 'case' AND j.co2_ef_t_per_tj = j.co2_ef_t_per_tj_lower
                        THEN '; ef: measured (case), both sides'
                    ELSE '; ef: ipcc_lower, both sides' END AS reference_rule
    FROM joined AS j
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
                / (pow(1 + r.discount_rate, r.lifetime_yr) - 1) END AS crf
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
        p.fuel_tj_per_yr * 1000 * p.fuel_price_usd_per_gj
            - p.project_fuel_tj_per_yr * 1000 * p.project_fuel_price_usd_per_gj AS fuel_savings_usd_per_yr,
        p.incremental_capex_usd * p.crf + p.delta_om_usd_per_yr AS annualised_cost_usd_per_yr
    FROM physics AS p
)

SELECT
    e.unit_source || ':' || e.unit_id || ':' || e.to_technology AS swap_id,
    e.unit_id,
    e.unit_source,
    e.country_iso3,
    'power_' || e.fuel_class AS sector,
    CASE WHEN e.is_fuel_switch THEN 'fuel_switch' ELSE 'efficiency_upgrade' END AS swap_type,
    e.technology AS from_technology,
    e.to_technology,
    e.is_upgrade,
    e.capacity_mw,
    e.net_generation_mwh_per_yr,
    e.co2_t_per_yr AS baseline_co2_t_per_yr,
    e.project_co2_t_per_yr,
    e.reduction_bau_t_per_yr,
    e.reference_co2_t_per_yr,
    e.reduction_creditable_t_per_yr,
    e.reference_rule,
    e.co2_t_per_yr - e.reference_co2_t_per_yr AS bau_reference_gap_t_per_yr,
    e.fuel_saved_tj_per_yr,
    e.fuel_savings_usd_per_yr,
    e.incremental_capex_usd,
    e.annualised_cost_usd_per_yr,
    -- Constant yearly net benefit over the lifetime: NPV = -capex + benefit / CRF.
    -e.incremental_capex_usd + (e.fuel_savings_usd_per_yr - e.delta_om_usd_per_yr) / e.crf AS npv_usd,
    CASE WHEN e.incremental_capex_usd <= 0 THEN 0
         WHEN e.fuel_savings_usd_per_yr - e.delta_om_usd_per_yr > 0
         THEN e.incremental_capex_usd / (e.fuel_savings_usd_per_yr - e.delta_om_usd_per_yr) END
        AS simple_payback_yr,
    CASE WHEN e.reduction_bau_t_per_yr > 0
         THEN (e.annualised_cost_usd_per_yr - e.fuel_savings_usd_per_yr) / e.reduction_bau_t_per_yr END
        AS mac_usd_per_t,
    CASE WHEN e.reduction_creditable_t_per_yr > 0
         THEN greatest(0, (e.annualised_cost_usd_per_yr - e.fuel_savings_usd_per_yr)
                          / e.reduction_creditable_t_per_yr) END AS breakeven_credit_price_usd_per_t,
    nullif(concat_ws(';',
        e.flags,
        CASE WHEN NOT e.is_upgrade THEN 'not_an_upgrade:creditable_zero' END,
        CASE WHEN e.is_upgrade AND e.reduction_creditable_t_per_yr = 0 THEN 'reference_at_or_above_project' END,
        CASE WHEN e.no_capex THEN 'no_capex_in_catalogue' END,
        CASE WHEN e.efficiency_project_lhv IS NULL THEN 'no_project_efficiency' END,
        CASE WHEN e.fuel_price_usd_per_gj IS NULL THEN 'no_fuel_price' END
    ), '') AS flags,
    -- Beyond the shared swap columns: the parameters behind each row.
    e.status,
    e.fuel,
    e.efficiency_lhv AS efficiency_bau_lhv,
    e.efficiency_reference_lhv,
    e.efficiency_project_lhv,
    e.co2_ef_t_per_tj AS co2_ef_baseline_t_per_tj,
    e.project_co2_conservative_t_per_yr,
    CASE WHEN NOT e.is_fuel_switch THEN e.fuel_saved_tj_per_yr / e.ncv_tj_per_gg * 1000 END
        AS fuel_saved_t_per_yr,
    e.fuel_price_usd_per_gj,
    e.project_fuel_price_usd_per_gj,
    e.delta_om_usd_per_yr,
    e.discount_rate,
    e.lifetime_yr,
    e.crf
FROM economics AS e

UNION ALL BY NAME
-- Grid-displacement projects: no unit, no fuel; their efficiency and fuel EF columns stay null.
SELECT * FROM grid_displacement_swaps
