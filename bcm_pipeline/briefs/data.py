"""The brief's data: one query per figure or table, against the published warehouse (read-only).

Every function reads the warehouse's own tables and v_* views for a list of host countries ($1) and returns
a DataFrame whose first column is country_iso3, in the units its column names say (Mt/yr, GW, USD/t ...): the
page shows a country's rows and writes them as CSV beside the page. One query serves every brief of a run
(Store), so writing 30 briefs costs the queries once, not 30 times. Totals come from the chosen options
(chosen_options, credits, host_country_programmes): a unit's alternatives exclude each other and are never
summed. Functions without a country column (global_*) return the same rows for every brief.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

# Start decades for the fleet chart: GEM start years, null = unknown.
DECADE_SQL = """
CASE WHEN start_year IS NULL THEN 'unknown'
     WHEN start_year < 1980 THEN 'before 1980'
     ELSE CAST(start_year // 10 * 10 AS VARCHAR) || 's' END
"""

TECH_NAMES = "(SELECT DISTINCT technology, name FROM technologies)"

Query = Callable[[duckdb.DuckDBPyConnection, list[str]], pd.DataFrame]


def _df(con: duckdb.DuckDBPyConnection, sql: str, countries: list[str]) -> pd.DataFrame:
    return con.execute(sql, [countries]).df()


def host_countries(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT country_iso3 FROM host_countries ORDER BY 1").fetchall()]


def objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()"
    ).fetchall()
    return {r[0] for r in rows}


class Store:
    """Each query run once for the countries of a run, its rows handed out per country."""

    def __init__(self, con: duckdb.DuckDBPyConnection, countries: list[str]):
        self.con, self.countries = con, countries
        self.have = objects(con)
        self._memo: dict[str, pd.DataFrame] = {}
        self._frames: dict[Query, tuple[dict[str, pd.DataFrame], pd.DataFrame]] = {}

    def memo(self, key: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A frame the same in every brief of the run, made once."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def get(self, query: Query, iso3: str) -> pd.DataFrame:
        if query not in self._frames:
            df = query(self.con, self.countries)
            if "country_iso3" in df.columns:
                rows = df.drop(columns="country_iso3")
                parts = {k: g.reset_index(drop=True) for k, g in rows.groupby(df["country_iso3"], sort=False)}
                self._frames[query] = (parts, rows.iloc[:0])
            else:
                self._frames[query] = ({}, df)
        parts, other = self._frames[query]
        return parts.get(iso3, other)


def header(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The country's name and the warehouse version line."""
    version = "NULL"
    if "manifest" in objects(con):
        version = "(SELECT 'warehouse ' || version || ', built ' || built_at FROM manifest LIMIT 1)"
    return _df(
        con,
        f"""SELECT country_iso3, country_name, {version} AS version
            FROM countries WHERE list_contains($1, country_iso3)""",
        countries,
    )


def headline(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The four cards, each one figure with what it sums: operating capacity (v_fleet), operating CO2
    baseline (plant_baselines), creditable reduction of the chosen options (chosen_options) and credits under
    the agreements in force (credits of the chosen options; per option the largest over the agreements in
    force, as host_country_programmes does: two agreements cannot credit the same tonne)."""
    kinds = """count(*) FILTER (WHERE sector LIKE 'power%') AS power_units,
                       count(*) FILTER (WHERE swap_type = 'grid_displacement') AS grid_projects,
                       count(*) FILTER (WHERE sector NOT LIKE 'power%' AND swap_type <> 'grid_displacement')
                           AS other_options"""
    return _df(
        con,
        """WITH hosts AS (SELECT unnest($1) AS country_iso3),
            fleet AS (
                SELECT country_iso3, count(*) AS units, sum(capacity_mw) / 1e3 AS gw
                FROM v_fleet WHERE list_contains($1, country_iso3) AND status = 'operating' GROUP BY 1),
            baseline AS (
                SELECT country_iso3, count(*) AS units, sum(co2_t_per_yr) / 1e6 AS mt
                FROM plant_baselines
                WHERE list_contains($1, country_iso3) AND is_operating AND unit_source <> 'case' GROUP BY 1),
            chosen AS (
                SELECT country_iso3, count(*) AS units, sum(reduction_creditable_t_per_yr) / 1e6 AS mt,
                       coalesce(sum(reduction_creditable_t_per_yr) FILTER (WHERE status_group = 'operating'), 0)
                           / 1e6 AS operating_mt,
                       count(*) FILTER (WHERE status_group = 'operating') AS operating_units,
                       {KINDS}
                FROM chosen_options WHERE list_contains($1, country_iso3) GROUP BY 1),
            per_option AS (
                SELECT host_country_iso3 AS country_iso3, swap_id, any_value(status) AS status,
                       any_value(sector) AS sector, any_value(swap_type) AS swap_type,
                       max(credited_t_per_yr) AS credited_t_per_yr
                FROM v_credits WHERE list_contains($1, host_country_iso3) AND in_force GROUP BY 1, 2),
            credited AS (
                SELECT country_iso3, count(*) AS units, sum(credited_t_per_yr) / 1e6 AS mt,
                       coalesce(sum(credited_t_per_yr) FILTER (WHERE status = 'operating'), 0) / 1e6
                           AS operating_mt,
                       count(*) FILTER (WHERE status = 'operating') AS operating_units,
                       {KINDS}
                FROM per_option GROUP BY 1)
            SELECT h.country_iso3, 'operating_capacity' AS figure, coalesce(f.gw, 0) AS value, 'GW' AS unit,
                   coalesce(f.units, 0) AS units, NULL AS operating_value, NULL AS operating_units,
                   NULL AS power_units, NULL AS grid_projects, NULL AS other_options, 'v_fleet' AS source
            FROM hosts AS h LEFT JOIN fleet AS f USING (country_iso3)
            UNION ALL
            SELECT h.country_iso3, 'co2_baseline_operating', coalesce(b.mt, 0), 'Mt CO2/yr',
                   coalesce(b.units, 0), NULL, NULL, NULL, NULL, NULL, 'plant_baselines'
            FROM hosts AS h LEFT JOIN baseline AS b USING (country_iso3)
            UNION ALL
            SELECT h.country_iso3, 'creditable_reduction_chosen_options', coalesce(c.mt, 0), 'Mt CO2/yr',
                   coalesce(c.units, 0), coalesce(c.operating_mt, 0), coalesce(c.operating_units, 0),
                   coalesce(c.power_units, 0), coalesce(c.grid_projects, 0), coalesce(c.other_options, 0),
                   'chosen_options'
            FROM hosts AS h LEFT JOIN chosen AS c USING (country_iso3)
            UNION ALL
            SELECT h.country_iso3, 'credits_agreements_in_force', coalesce(k.mt, 0), 'Mt CO2/yr',
                   coalesce(k.units, 0), coalesce(k.operating_mt, 0), coalesce(k.operating_units, 0),
                   coalesce(k.power_units, 0), coalesce(k.grid_projects, 0), coalesce(k.other_options, 0),
                   'v_credits (chosen options), agreement_status.in_force'
            FROM hosts AS h LEFT JOIN credited AS k USING (country_iso3)""".replace("{KINDS}", kinds),
        countries,
    )


def fleet_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Operating MW per commissioning decade and technology (its readable name; GEM's code for units of other
    fuels, which have none), decades in time order (unknown last)."""
    return _df(
        con,
        f"""WITH units AS (
                SELECT country_iso3, {DECADE_SQL} AS decade, start_year,
                       coalesce(technology_name, coalesce(fuel_class, 'fuel not given') || ' '
                                || coalesce(gem_technology, 'technology not given')) AS category, capacity_mw
                FROM v_fleet WHERE list_contains($1, country_iso3) AND status = 'operating')
            SELECT country_iso3, decade, category, units, capacity_mw
            FROM (SELECT country_iso3, decade, category, count(*) AS units, sum(capacity_mw) AS capacity_mw,
                         min(min(start_year)) OVER (PARTITION BY country_iso3, decade) AS decade_start
                  FROM units GROUP BY country_iso3, decade, category)
            ORDER BY country_iso3, decade_start NULLS LAST, category""",
        countries,
    )


def baseline_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """CO2 baseline per technology and status group (operating / pipeline), units and MW."""
    return _df(
        con,
        f"""SELECT b.country_iso3, coalesce(t.name, b.technology) AS category,
                  CASE WHEN b.is_operating THEN 'operating' ELSE 'pipeline' END AS status_group,
                  count(*) AS units, sum(b.capacity_mw) AS capacity_mw, sum(b.co2_t_per_yr) / 1e6 AS co2_mt_per_yr
           FROM plant_baselines AS b
           LEFT JOIN {TECH_NAMES} AS t USING (technology)
           WHERE list_contains($1, b.country_iso3) AND b.unit_source <> 'case'
           GROUP BY ALL ORDER BY b.country_iso3, co2_mt_per_yr DESC, category, status_group""",
        countries,
    )


def reconciliation_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Plant sums against national totals (national_reconciliation), TWh and Mt."""
    return _df(
        con,
        """SELECT country_iso3, fuel_class AS fuel, year, plant_generation_mwh / 1e6 AS plant_twh,
                  national_generation_mwh / 1e6 AS national_twh, generation_ratio,
                  plant_co2_t / 1e6 AS plant_co2_mt, national_co2_t / 1e6 AS independent_co2_mt, co2_ratio,
                  national_co2_basis, note
           FROM national_reconciliation WHERE list_contains($1, country_iso3)
           ORDER BY country_iso3,
                    CASE fuel_class WHEN 'coal' THEN 1 WHEN 'gas' THEN 2 WHEN 'oil' THEN 3 ELSE 4 END""",
        countries,
    )


def global_india_states(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    return con.execute("SELECT * FROM v_india_state_reconciliation").df()


def tier_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Where the operating fleet's activity data come from: per fuel and estimation tier, units, MW (and
    share of the fuel's MW), CO2 and the range of capacity factors used."""
    return _df(
        con,
        """SELECT country_iso3, fuel_class AS fuel, estimation_tier, min(activity_year) AS activity_year,
                  count(*) AS units, sum(capacity_mw) AS capacity_mw,
                  sum(capacity_mw) / sum(sum(capacity_mw)) OVER (PARTITION BY country_iso3, fuel_class)
                      AS capacity_share,
                  min(capacity_factor) AS capacity_factor_min,
                  sum(capacity_factor * capacity_mw) / sum(capacity_mw) AS capacity_factor_mean,
                  max(capacity_factor) AS capacity_factor_max,
                  sum(co2_t_per_yr) / 1e6 AS co2_mt_per_yr,
                  mode(capacity_factor_source ORDER BY capacity_factor_source) AS capacity_factor_source_most_units
           FROM plant_baselines
           WHERE list_contains($1, country_iso3) AND is_operating AND unit_source <> 'case'
           GROUP BY country_iso3, fuel_class, estimation_tier ORDER BY country_iso3, fuel, estimation_tier""",
        countries,
    )


def mac_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """mac_curve in MAC order, with the target technology's readable name (the chart's legend)."""
    return _df(
        con,
        f"""SELECT m.country_iso3, m.mac_rank, m.swap_id, m.unit_id, m.status, m.from_technology,
                  m.to_technology, coalesce(t.name, m.to_technology) AS to_technology_name, m.additionality,
                  m.mac_usd_per_t, m.reduction_creditable_t_per_yr / 1e6 AS reduction_creditable_mt_per_yr,
                  m.cumulative_reduction_creditable_t_per_yr / 1e6 AS cumulative_reduction_creditable_mt_per_yr
           FROM mac_curve AS m
           LEFT JOIN {TECH_NAMES} AS t ON t.technology = m.to_technology
           WHERE list_contains($1, m.country_iso3) ORDER BY m.country_iso3, m.mac_rank""",
        countries,
    )


def mac_coverage(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The chosen options on the MAC curve and the ones left off it, with the reason (mac_curve_exclusion)."""
    return _df(
        con,
        """SELECT country_iso3, coalesce(mac_curve_exclusion, 'on the curve') AS on_the_curve, count(*) AS units,
                  sum(reduction_creditable_t_per_yr) / 1e6 AS reduction_creditable_mt_per_yr
           FROM chosen_options WHERE list_contains($1, country_iso3)
           GROUP BY 1, 2 ORDER BY 1, on_the_curve <> 'on the curve', reduction_creditable_mt_per_yr DESC, 2""",
        countries,
    )


def top_units(con: duckdb.DuckDBPyConnection, countries: list[str], n: int = 10) -> pd.DataFrame:
    """The n units with the largest creditable reduction, each at its chosen option (chosen_options), MAC
    included where known (null: unknown, reason in mac_curve_exclusion)."""
    return con.execute(
        f"""SELECT c.country_iso3, coalesce(b.plant_name, c.unit_id) AS plant, b.unit_name AS unit, c.status,
                  CAST(b.start_year AS INTEGER) AS start_year, c.capacity_mw,
                  coalesce(f.name, c.from_technology) || ' → ' || coalesce(t.name, c.to_technology) AS upgrade,
                  c.reduction_creditable_t_per_yr / 1e3 AS reduction_creditable_kt_per_yr,
                  c.mac_usd_per_t, c.additionality, c.mac_curve_exclusion,
                  c.swap_id, c.unit_id, v.source_sha256
           FROM chosen_options AS c
           LEFT JOIN plant_baselines AS b ON b.unit_source = c.unit_source AND b.unit_id = c.unit_id
           LEFT JOIN {TECH_NAMES} AS f ON f.technology = c.from_technology
           LEFT JOIN {TECH_NAMES} AS t ON t.technology = c.to_technology
           LEFT JOIN v_fleet AS v ON v.gem_unit_id = c.unit_id
           WHERE list_contains($1, c.country_iso3)
           QUALIFY row_number() OVER (
               PARTITION BY c.country_iso3 ORDER BY c.reduction_creditable_t_per_yr DESC, c.swap_id) <= $2
           ORDER BY c.country_iso3, c.reduction_creditable_t_per_yr DESC, c.swap_id""",
        [countries, n],
    ).df()


def credits_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Credits per agreement in force over the chosen options it covers, split operating / pipeline and host
    / partner (credits: creditable x (1 - haircut) x (1 - SOP - OMGE), the host's share to the host)."""
    return _df(
        con,
        """SELECT host_country_iso3 AS country_iso3, agreement_name AS agreement, signed_date,
                  count(DISTINCT unit_id) AS units,
                  sum(credited_t_per_yr) / 1e6 AS credited_mt_per_yr,
                  coalesce(sum(credited_t_per_yr) FILTER (WHERE status = 'operating'), 0) / 1e6
                      AS operating_credited_mt_per_yr,
                  coalesce(sum(credited_t_per_yr) FILTER (WHERE status <> 'operating'), 0) / 1e6
                      AS pipeline_credited_mt_per_yr,
                  sum(host_credits_t_per_yr) / 1e6 AS host_credits_mt_per_yr,
                  sum(partner_credits_t_per_yr) / 1e6 AS partner_credits_mt_per_yr,
                  sum(partner_revenue_usd_per_yr) / 1e6 AS partner_revenue_musd_per_yr
           FROM v_credits WHERE list_contains($1, host_country_iso3) AND in_force
           GROUP BY ALL ORDER BY 1, agreement""",
        countries,
    )


def itmo_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """ITMOs per agreement in force and vintage (v_itmo_vintages), Mt."""
    return _df(
        con,
        """SELECT host_country_iso3 AS country_iso3, agreement_name AS agreement, vintage_year, units,
                  issued_t / 1e6 AS issued_mt, transferred_t / 1e6 AS transferred_mt,
                  host_retained_t / 1e6 AS host_retained_mt, sop_t / 1e6 AS sop_mt, omge_t / 1e6 AS omge_mt
           FROM v_itmo_vintages WHERE list_contains($1, host_country_iso3) AND in_force
           ORDER BY 1, agreement, vintage_year""",
        countries,
    )


def exposure_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Host NDC exposure in the first and the last vintage (host_ndc_exposure)."""
    return _df(
        con,
        """SELECT host_country_iso3 AS country_iso3, vintage_year, transferred_t / 1e6 AS transferred_mt,
                  host_power_co2_t_per_yr / 1e6 AS host_power_co2_mt_per_yr, share_of_power_co2,
                  ndc_target_t_co2e / 1e6 AS ndc_target_mt_co2e, share_of_ndc_target, overselling_flag,
                  flag_reason
           FROM host_ndc_exposure WHERE list_contains($1, host_country_iso3)
           WINDOW w AS (PARTITION BY host_country_iso3)
           QUALIFY vintage_year IN (min(vintage_year) OVER w, max(vintage_year) OVER w)
           ORDER BY 1, vintage_year""",
        countries,
    )


def nesting_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Units already under a CDM or JCM project (registered_unit_matches), per list and rule."""
    return _df(
        con,
        """SELECT country_iso3, registry, registry_list, nesting_rule, count(*) AS units,
                  sum(capacity_mw) AS capacity_mw
           FROM registered_unit_matches WHERE list_contains($1, country_iso3) GROUP BY ALL ORDER BY ALL""",
        countries,
    )


def grid_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    return _df(
        con,
        """SELECT country_iso3, publisher, factor, vintage, ef_t_per_mwh,
                  publisher || ': ' || factor || ' (' || vintage || ')' AS label
           FROM v_grid_factors
           -- the chart compares the latest vintage of each factor; CEA's imports-included variants left out
           WHERE list_contains($1, country_iso3) AND factor NOT LIKE '%imports included%'
           QUALIFY vintage = max(vintage) OVER (PARTITION BY country_iso3, publisher, factor)
           ORDER BY country_iso3, publisher, factor""",
        countries,
    )


def steel_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Operating steel plants by route: capacity, production and CO2 (Mt/yr), from steel_baselines."""
    return _df(
        con,
        """SELECT country_iso3, route_id AS route, count(DISTINCT gem_plant_id) AS plants,
                  sum(capacity_t_per_yr) / 1e6 AS capacity_mt_per_yr,
                  sum(production_t_per_yr) / 1e6 AS production_mt_per_yr,
                  sum(direct_co2_t_per_yr) / 1e6 AS direct_co2_mt_per_yr,
                  sum(indirect_co2_t_per_yr) / 1e6 AS indirect_co2_mt_per_yr,
                  sum(total_co2_t_per_yr) / 1e6 AS total_co2_mt_per_yr
           FROM steel_baselines WHERE list_contains($1, country_iso3)
           GROUP BY ALL ORDER BY 1, total_co2_mt_per_yr DESC""",
        countries,
    )


def steel_options_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Steel options (steel_swaps in technology_swaps) per target: plants offered it, plants it was chosen for,
    reductions over all plants (alternatives of one plant: do not add across rows), credits of the chosen."""
    return _df(
        con,
        """SELECT s.country_iso3, s.to_technology AS option, s.swap_type, count(*) AS plants,
                  count(o.swap_id) AS chosen_for,
                  sum(s.reduction_bau_t_per_yr) / 1e6 AS bau_mt_per_yr,
                  sum(s.reduction_creditable_t_per_yr) / 1e6 AS creditable_mt_per_yr,
                  coalesce(sum(c.credited_t_per_yr), 0) / 1e6 AS credited_mt_per_yr,
                  median(s.mac_usd_per_t) AS median_mac_usd_per_t
           FROM technology_swaps AS s
           LEFT JOIN chosen_options AS o USING (swap_id)
           LEFT JOIN (SELECT swap_id, max(credited_t_per_yr) AS credited_t_per_yr FROM credits GROUP BY 1) AS c
               USING (swap_id)
           WHERE s.sector = 'steel' AND list_contains($1, s.country_iso3)
           GROUP BY ALL ORDER BY 1, creditable_mt_per_yr DESC""",
        countries,
    )


def steel_national(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The cited national crude steel production of 2023 (steel_defaults), Mt."""
    return _df(
        con,
        """SELECT country_iso3, value / 1e6 AS production_mt, source_document FROM steel_defaults
           WHERE parameter = 'crude_steel_production_2023' AND list_contains($1, country_iso3)""",
        countries,
    )


def release_changes_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Units per change type between the two latest tracker releases, with the capacity they carry."""
    return _df(
        con,
        """SELECT country_iso3, source_id, old_version || ' -> ' || new_version AS releases, change_type,
                  count(*) AS units, sum(old_capacity_mw) AS old_capacity_mw, sum(new_capacity_mw) AS new_capacity_mw
           FROM release_changes WHERE list_contains($1, country_iso3)
           GROUP BY ALL ORDER BY 1, source_id, change_type""",
        countries,
    )


# --- assumptions ------------------------------------------------------------------------------------------

ECONOMIC_PARAMETERS = [
    "discount_rate",
    "hurdle_rate",
    "economic_lifetime_yr",
    "usd_price_year",
    "analysis_year",
    "fuel_price_history_months",
    "fuel_price_quantile",
    "mac_curve_max_abs_usd_per_t",
    "mac_curve_min_grid_ef_t_per_mwh",
]


def global_economic_parameters(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The economics' scenario parameters (scenario_parameters), each with its source."""
    return con.execute(
        """SELECT parameter, key,
                  -- text: the column mixes years, rates and prices
                  CASE WHEN unit = 'year' THEN printf('%d', CAST(value AS INTEGER)) ELSE printf('%g', value) END
                      AS value,
                  unit, source_document, source_table, source_page
           FROM scenario_parameters WHERE list_contains($1, parameter)
           ORDER BY list_position($1, parameter), value""",
        [ECONOMIC_PARAMETERS],
    ).df()


def fuel_price_data(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The fuel prices each country's options were valued at (technology_swaps: low / central / high, real USD
    per GJ), per fuel, with the World Bank series and the months of the window they are quantiles of."""
    return _df(
        con,
        """WITH swaps AS (
                SELECT s.*, b.fuel_class
                FROM technology_swaps AS s
                JOIN plant_baselines AS b ON b.unit_source = s.unit_source AND b.unit_id = s.unit_id
                WHERE list_contains($1, s.country_iso3) AND s.unit_source <> 'case'),
            used AS (
                SELECT country_iso3, fuel_class AS fuel, 'the unit''s own fuel' AS used_for,
                       fuel_price_low_usd_per_gj AS low, fuel_price_usd_per_gj AS central,
                       fuel_price_high_usd_per_gj AS high, usd_price_year
                FROM swaps
                UNION ALL
                SELECT country_iso3, 'gas', 'project fuel of a switch to gas', NULL, project_fuel_price_usd_per_gj,
                       NULL, usd_price_year
                FROM swaps WHERE swap_type = 'fuel_switch' AND fuel_class <> 'gas'),
            prices AS (
                SELECT country_iso3, fuel, used_for, count(*) AS options, min(low) AS low_usd_per_gj,
                       min(central) AS central_usd_per_gj, min(high) AS high_usd_per_gj,
                       max(central) AS central_max_usd_per_gj, min(usd_price_year) AS usd_price_year
                FROM used GROUP BY ALL),
            series AS (  -- the series mapped to each fuel: a country's own row beats the '*' row
                SELECT h.country_iso3, p.fuel_class AS fuel, p.value_text AS series_code
                FROM (SELECT unnest($1) AS country_iso3) AS h
                JOIN scenario_parameters AS p
                    ON p.parameter = 'fuel_price_series' AND p.country_iso3 IN ('*', h.country_iso3)
                QUALIFY row_number() OVER (PARTITION BY h.country_iso3, p.fuel_class
                                           ORDER BY p.country_iso3 = '*') = 1),
            window_months AS (
                SELECT series_code, any_value(series_name) AS series_name, min(month) AS first_month,
                       max(month) AS last_month, count(*) AS months
                FROM (SELECT *, row_number() OVER (PARTITION BY series_code ORDER BY month DESC) AS back
                      FROM fuel_prices_monthly WHERE price_usd_per_gj IS NOT NULL)
                WHERE back <= (SELECT max(value) FROM scenario_parameters
                               WHERE parameter = 'fuel_price_history_months')
                GROUP BY series_code)
            SELECT p.country_iso3, p.fuel, p.used_for, p.options, s.series_code, w.series_name,
                   strftime(w.first_month, '%Y-%m') AS first_month, strftime(w.last_month, '%Y-%m') AS last_month,
                   w.months, p.low_usd_per_gj, p.central_usd_per_gj, p.high_usd_per_gj,
                   -- an override (a parameter's own price) would make the options' prices differ
                   p.central_max_usd_per_gj <> p.central_usd_per_gj AS prices_differ, p.usd_price_year
            FROM prices AS p
            LEFT JOIN series AS s USING (country_iso3, fuel)
            LEFT JOIN window_months AS w USING (series_code)
            ORDER BY 1, p.fuel, p.used_for DESC""",
        countries,
    )


def agreement_parameters(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """The host's agreements, in force or not, with the parameters credits and the ledger apply."""
    return _df(
        con,
        """SELECT a.host_country_iso3 AS country_iso3, a.name AS agreement, a.mechanism,
                  a.partner_country_iso3 AS partner, s.in_force, CAST(s.start_date AS DATE) AS start_date,
                  s.date_source, a.host_share, a.haircut, a.sop_share, a.omge_share, a.credit_price_usd_per_t,
                  a.crediting_period_yr, a.crediting_period_renewals, a.capex_subsidy_share, a.authorised_use,
                  a.eligible_to_technologies, a.eligible_statuses, a.file, a.sources
           FROM agreements AS a LEFT JOIN agreement_status AS s USING (agreement_id)
           WHERE list_contains($1, a.host_country_iso3) ORDER BY 1, a.name""",
        countries,
    )


def global_sources_used(con: duckdb.DuckDBPyConnection, countries: list[str]) -> pd.DataFrame:
    """Every source release the warehouse was built from (raw_files), with its release date
    (source_releases), one row per source and release."""
    return con.execute(
        """SELECT r.source_id, r.version AS release, any_value(s.release_date) AS release_date,
                  left(CAST(min(r.retrieved_at) AS VARCHAR), 10) AS retrieved_on, count(DISTINCT r.sha256) AS files,
                  string_agg(DISTINCT left(r.sha256, 12), ' ') AS sha256_start
           FROM raw_files AS r
           LEFT JOIN source_releases AS s ON s.source_id = r.source_id AND s.version = r.version AND s.is_used
           GROUP BY ALL ORDER BY r.source_id"""
    ).df()
