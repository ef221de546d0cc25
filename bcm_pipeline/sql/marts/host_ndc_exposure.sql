-- host_ndc_exposure: how much of its own mitigation a host transfers away, per vintage (methodology notes
-- §15, overselling risk). Authorised ITMOs transferred (itmo_ledger, agreements in force, all partners)
-- against (a) the CO2 of the host's operating coal, gas and oil units in the warehouse and (b) the host's
-- NDC target emissions where an agreement file gives one. A share above its threshold
-- (scenario_parameters overselling_threshold_share) raises the flag: the host must over-achieve by that
-- much to meet its own NDC.

WITH
thresholds AS (
    SELECT
        max(value) FILTER (WHERE parameter = 'overselling_threshold_share' AND key = 'power_co2') AS power_share,
        max(value) FILTER (WHERE parameter = 'overselling_threshold_share' AND key = 'ndc_target') AS ndc_share
    FROM scenario_parameters
),

transfers AS (
    SELECT host_country_iso3, CAST(vintage_year AS BIGINT) AS vintage_year,
        -- Summed as exact decimals (row order must not change the result).
        CAST(sum(CAST(transferred_t AS DECIMAL(38, 6))) AS DOUBLE) AS transferred_t,
        string_agg(DISTINCT agreement_id, ';' ORDER BY agreement_id) AS agreements
    FROM itmo_ledger
    WHERE in_force
    GROUP BY ALL
),

power_co2 AS (
    SELECT country_iso3 AS host_country_iso3,
        CAST(sum(CAST(co2_t_per_yr AS DECIMAL(38, 6))) AS DOUBLE) AS host_power_co2_t_per_yr
    FROM plant_baselines
    WHERE is_operating AND unit_source IN ('coal_units', 'gas_oil_units')
    GROUP BY ALL
),

-- The NDC target an agreement file gives for the host (the smallest if two files disagree: conservative).
ndc AS (
    SELECT host_country_iso3, min(host_ndc_target_t_co2e) AS ndc_target_t_co2e,
        CAST(arg_min(host_ndc_target_year, host_ndc_target_t_co2e) AS BIGINT) AS ndc_target_year
    FROM agreements
    WHERE host_ndc_target_t_co2e IS NOT NULL
    GROUP BY ALL
),

shares AS (
    SELECT t.*, p.host_power_co2_t_per_yr, n.ndc_target_t_co2e, n.ndc_target_year,
        t.transferred_t / nullif(p.host_power_co2_t_per_yr, 0) AS share_of_power_co2,
        t.transferred_t / n.ndc_target_t_co2e AS share_of_ndc_target,
        th.power_share AS threshold_power_share, th.ndc_share AS threshold_ndc_share
    FROM transfers AS t
    CROSS JOIN thresholds AS th
    LEFT JOIN power_co2 AS p USING (host_country_iso3)
    LEFT JOIN ndc AS n USING (host_country_iso3)
)

SELECT
    host_country_iso3,
    vintage_year,
    transferred_t,
    host_power_co2_t_per_yr,
    share_of_power_co2,
    ndc_target_t_co2e,
    ndc_target_year,
    share_of_ndc_target,
    threshold_power_share,
    threshold_ndc_share,
    coalesce(share_of_power_co2 > threshold_power_share, false)
        OR coalesce(share_of_ndc_target > threshold_ndc_share, false) AS overselling_flag,
    nullif(concat_ws('; ',
        CASE WHEN share_of_power_co2 > threshold_power_share THEN 'transfers ' || round(100 * share_of_power_co2, 1)
            || ' % of power-sector CO2 > ' || round(100 * threshold_power_share, 1) || ' %' END,
        CASE WHEN share_of_ndc_target > threshold_ndc_share THEN 'transfers ' || round(100 * share_of_ndc_target, 2)
            || ' % of the NDC target > ' || round(100 * threshold_ndc_share, 2) || ' %' END
    ), '') AS flag_reason,
    agreements
FROM shares
