"""Country briefs: one static HTML page with PNG charts per host country, from the analyst views.

build_brief(con, "VNM", out_root) writes out_root/VNM/index.html and its PNGs. The connection is the
published warehouse, read-only; every number comes from a v_* view, so a brief shows what a query shows.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from bcm_pipeline.briefs import charts

# Start decades for the fleet chart: GEM start years, null = unknown.
DECADE_SQL = """
CASE WHEN start_year IS NULL THEN 'unknown'
     WHEN start_year < 1980 THEN 'before 1980'
     ELSE CAST(start_year // 10 * 10 AS VARCHAR) || 's' END
"""


def host_countries(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT country_iso3 FROM host_countries ORDER BY 1").fetchall()]


def _objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()"
    ).fetchall()
    return {r[0] for r in rows}


def fleet_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Operating MW per commissioning decade and technology (its readable name; GEM's code for units of other
    fuels, which have none), decades in time order (unknown last)."""
    return con.execute(
        f"""WITH units AS (
                SELECT {DECADE_SQL} AS decade, start_year,
                       coalesce(technology_name, fuel_class || ' ' || gem_technology) AS category, capacity_mw
                FROM v_fleet WHERE country_iso3 = ? AND status = 'operating')
            SELECT decade, category, sum(capacity_mw) AS capacity_mw,
                   min(min(start_year)) OVER (PARTITION BY decade) AS decade_start
            FROM units GROUP BY decade, category ORDER BY decade_start NULLS LAST, category""",
        [iso3],
    ).df()


def baseline_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    return con.execute(
        """SELECT coalesce(t.name, b.technology) AS category,
                  CASE WHEN b.is_operating THEN 'operating' ELSE 'pipeline' END AS status_group,
                  count(*) AS units, sum(b.capacity_mw) AS capacity_mw, sum(b.co2_t_per_yr) AS co2_t_per_yr
           FROM plant_baselines AS b
           LEFT JOIN (SELECT DISTINCT technology, name FROM technologies) AS t USING (technology)
           WHERE b.country_iso3 = ? AND b.unit_source <> 'case'
             AND b.status IN ('operating', 'construction', 'permitted', 'pre-permit', 'announced')
           GROUP BY ALL ORDER BY co2_t_per_yr DESC""",
        [iso3],
    ).df()


def reconciliation_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Plant sums against national totals (national_reconciliation), TWh and Mt."""
    return con.execute(
        """SELECT fuel_class AS fuel, year, plant_generation_mwh / 1e6 AS plant_twh,
                  national_generation_mwh / 1e6 AS national_twh, generation_ratio,
                  reported_share, calibrated_share, plant_co2_t / 1e6 AS plant_co2_mt,
                  national_co2_t / 1e6 AS independent_co2_mt, co2_ratio, national_co2_basis, note
           FROM national_reconciliation WHERE country_iso3 = ?
           ORDER BY CASE fuel_class WHEN 'coal' THEN 1 WHEN 'gas' THEN 2 WHEN 'oil' THEN 3 ELSE 4 END""",
        [iso3],
    ).df()


def tier_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Where the operating fleet's activity data come from: units, MW and CO2 per estimation tier."""
    return con.execute(
        """SELECT fuel_class AS fuel, estimation_tier, min(activity_year) AS activity_year, count(*) AS units,
                  sum(capacity_mw) AS capacity_mw, sum(co2_t_per_yr) / 1e6 AS co2_mt_per_yr
           FROM plant_baselines WHERE country_iso3 = ? AND is_operating AND unit_source <> 'case'
           GROUP BY ALL ORDER BY fuel, estimation_tier""",
        [iso3],
    ).df()


def mac_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """v_mac_curve in MAC order, with the target technology's readable name (the chart's legend)."""
    return con.execute(
        """SELECT m.*, coalesce(t.name, m.to_technology) AS to_technology_name
           FROM v_mac_curve AS m
           LEFT JOIN (SELECT DISTINCT technology, name FROM technologies) AS t ON t.technology = m.to_technology
           WHERE m.country_iso3 = ? ORDER BY m.mac_rank""",
        [iso3],
    ).df()


def top_units(con: duckdb.DuckDBPyConnection, iso3: str, n: int = 10) -> pd.DataFrame:
    """The n units with the largest creditable reduction, each at its chosen option (MAC curve)."""
    return con.execute(
        """SELECT plant_name, unit_name, status, CAST(start_year AS INTEGER) AS start_year, capacity_mw,
                  from_technology, to_technology, reduction_creditable_t_per_yr, mac_usd_per_t,
                  left(source_sha256, 12) AS source_sha256_start
           FROM v_mac_curve WHERE country_iso3 = ? AND reduction_creditable_t_per_yr > 0
           ORDER BY reduction_creditable_t_per_yr DESC, mac_rank LIMIT ?""",
        [iso3, n],
    ).df()


def credits_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    return con.execute(
        """SELECT agreement_name AS agreement, signed_date, count(DISTINCT unit_id) AS units,
                  sum(credited_t_per_yr) AS credited_t_per_yr,
                  sum(host_credits_t_per_yr) AS host_credits_t_per_yr,
                  sum(partner_credits_t_per_yr) AS partner_credits_t_per_yr,
                  sum(partner_revenue_usd_per_yr) AS partner_revenue_usd_per_yr
           -- one option per unit already (chosen_options): the rows add up
           FROM (SELECT * FROM v_credits WHERE host_country_iso3 = ? AND in_force)
           GROUP BY ALL ORDER BY agreement""",
        [iso3],
    ).df()


def itmo_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """ITMOs per agreement in force and vintage (v_itmo_vintages)."""
    return con.execute(
        """SELECT agreement_name AS agreement, vintage_year, units, issued_t, transferred_t, host_retained_t,
                  sop_t, omge_t
           FROM v_itmo_vintages WHERE host_country_iso3 = ? AND in_force
           ORDER BY agreement, vintage_year""",
        [iso3],
    ).df()


def exposure_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Host NDC exposure in the first and the last vintage (host_ndc_exposure)."""
    return con.execute(
        """SELECT vintage_year, transferred_t, host_power_co2_t_per_yr, share_of_power_co2, ndc_target_t_co2e,
                  share_of_ndc_target, overselling_flag, flag_reason
           FROM host_ndc_exposure WHERE host_country_iso3 = ?
           QUALIFY vintage_year IN (min(vintage_year) OVER (), max(vintage_year) OVER ())
           ORDER BY vintage_year""",
        [iso3],
    ).df()


def nesting_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Units already under a CDM or JCM project (registered_unit_matches), per list and rule."""
    return con.execute(
        """SELECT registry, registry_list, nesting_rule, count(*) AS units, sum(capacity_mw) AS capacity_mw
           FROM registered_unit_matches WHERE country_iso3 = ? GROUP BY ALL ORDER BY ALL""",
        [iso3],
    ).df()


def grid_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    return con.execute(
        """SELECT publisher, factor, vintage, ef_t_per_mwh,
                  publisher || ': ' || factor || ' (' || vintage || ')' AS label
           FROM v_grid_factors
           -- the chart compares the latest vintage of each factor; CEA's imports-included variants left out
           WHERE country_iso3 = ? AND factor NOT LIKE '%imports included%'
           QUALIFY vintage = max(vintage) OVER (PARTITION BY publisher, factor)
           ORDER BY publisher, factor""",
        [iso3],
    ).df()


def steel_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Operating steel plants by route: capacity, production and CO2 (Mt/yr), from steel_baselines."""
    return con.execute(
        """SELECT route_id AS route, count(DISTINCT gem_plant_id) AS plants,
                  sum(capacity_t_per_yr) / 1e6 AS capacity_mt_per_yr,
                  sum(production_t_per_yr) / 1e6 AS production_mt_per_yr,
                  sum(direct_co2_t_per_yr) / 1e6 AS direct_co2_mt_per_yr,
                  sum(indirect_co2_t_per_yr) / 1e6 AS indirect_co2_mt_per_yr,
                  sum(total_co2_t_per_yr) / 1e6 AS total_co2_mt_per_yr
           FROM steel_baselines WHERE country_iso3 = ? GROUP BY ALL ORDER BY total_co2_mt_per_yr DESC""",
        [iso3],
    ).df()


def release_changes_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Units per change type between the two latest tracker releases, with the capacity they carry."""
    return con.execute(
        """SELECT source_id, old_version || ' -> ' || new_version AS releases, change_type,
                  count(*) AS units, sum(old_capacity_mw) AS old_capacity_mw, sum(new_capacity_mw) AS new_capacity_mw
           FROM release_changes WHERE country_iso3 = ?
           GROUP BY ALL ORDER BY source_id, change_type""",
        [iso3],
    ).df()


def steel_options_data(con: duckdb.DuckDBPyConnection, iso3: str) -> pd.DataFrame:
    """Steel options (steel_swaps in technology_swaps) per target: plants offered it, plants it was chosen for,
    reductions over all plants (alternatives of one plant: do not add across rows), credits of the chosen."""
    return con.execute(
        """SELECT s.to_technology AS option, s.swap_type, count(*) AS plants,
                  count(o.swap_id) AS chosen_for,
                  sum(s.reduction_bau_t_per_yr) / 1e6 AS bau_mt_per_yr,
                  sum(s.reduction_creditable_t_per_yr) / 1e6 AS creditable_mt_per_yr,
                  coalesce(sum(c.credited_t_per_yr), 0) / 1e6 AS credited_mt_per_yr,
                  median(s.mac_usd_per_t) AS median_mac_usd_per_t
           FROM technology_swaps AS s
           LEFT JOIN chosen_options AS o USING (swap_id)
           LEFT JOIN (SELECT swap_id, max(credited_t_per_yr) AS credited_t_per_yr FROM credits GROUP BY 1) AS c
               USING (swap_id)
           WHERE s.sector = 'steel' AND s.country_iso3 = ?
           GROUP BY ALL ORDER BY creditable_mt_per_yr DESC""",
        [iso3],
    ).df()


def steel_comparison(con: duckdb.DuckDBPyConnection, iso3: str, production_mt: float) -> str:
    """One sentence: modelled production against the cited national production (steel_defaults)."""
    row = con.execute(
        """SELECT value / 1e6, source_document FROM steel_defaults
           WHERE parameter = 'crude_steel_production_2023' AND country_iso3 = ?""",
        [iso3],
    ).fetchone()
    if row is None or production_mt == 0:
        return ""
    national_mt, source = row
    return (
        f"Modelled production of the tracked plants: {production_mt:,.1f} Mt/yr, {production_mt / national_mt:.2f} "
        f"times the national crude steel production of 2023 ({national_mt:,.1f} Mt; {source}). GIST covers "
        "the larger plants: small induction and arc furnace works may be missing from it, and the "
        "utilisation is national or world-wide, not the plant's own."
    )


def _table(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p class='none'>None.</p>"
    return df.to_html(
        index=False,
        border=0,
        classes="data",
        na_rep="",
        float_format=lambda v: f"{v:,.3g}" if abs(v) < 10 else f"{v:,.0f}",
    )


def _header(con: duckdb.DuckDBPyConnection, iso3: str) -> tuple[str, str]:
    name = con.execute("SELECT country_name FROM countries WHERE country_iso3 = ?", [iso3]).fetchone()
    version = ""
    if "manifest" in _objects(con):
        row = con.execute("SELECT version, built_at FROM manifest LIMIT 1").fetchone()
        version = f"warehouse {row[0]}, built {row[1]}" if row else ""
    return (name[0] if name else iso3), version


def build_brief(con: duckdb.DuckDBPyConnection, iso3: str, out_root: Path) -> Path:
    """Write out_root/<ISO3>/index.html and six PNG charts; returns the HTML path."""
    out = out_root / iso3
    out.mkdir(parents=True, exist_ok=True)
    name, version = _header(con, iso3)
    have = _objects(con)

    fleet = fleet_data(con, iso3)
    charts.fleet_by_technology_and_age(fleet, out / "fleet.png")
    baseline = baseline_data(con, iso3) if "plant_baselines" in have else pd.DataFrame()
    charts.baseline_by_technology(baseline, out / "baseline.png")
    mac = (
        mac_data(con, iso3)
        if "v_mac_curve" in have
        else pd.DataFrame(columns=["mac_usd_per_t", "reduction_creditable_t_per_yr", "to_technology_name"])
    )
    charts.mac_curve(mac, out / "mac_curve.png")
    top = top_units(con, iso3) if "v_mac_curve" in have else pd.DataFrame()
    credits = credits_data(con, iso3) if "v_credits" in have else pd.DataFrame()
    charts.credits_by_agreement(credits, out / "credits.png")
    grid = grid_data(con, iso3)
    charts.grid_factors(grid, out / "grid_factors.png")
    reconciliation = reconciliation_data(con, iso3) if "national_reconciliation" in have else pd.DataFrame()
    tiers = tier_data(con, iso3) if "plant_baselines" in have else pd.DataFrame()
    states = (
        con.execute("SELECT * FROM v_india_state_reconciliation").df()
        if iso3 == "IND" and "v_india_state_reconciliation" in have
        else None
    )
    states_html = (
        "<p>India's coal and lignite CO2 by state: CEA's stations against our baselines of the units matched to "
        "them (v_india_state_reconciliation).</p>" + _table(states)
        if states is not None
        else ""
    )
    steel = steel_data(con, iso3) if "steel_baselines" in have else pd.DataFrame()
    steel_options = (
        steel_options_data(con, iso3)
        if {"technology_swaps", "chosen_options", "credits"} <= have
        else pd.DataFrame()
    )
    steel_note = (
        steel_comparison(con, iso3, steel["production_mt_per_yr"].sum())
        if len(steel) and "steel_defaults" in have
        else ""
    )
    itmos = itmo_data(con, iso3) if "v_itmo_vintages" in have else pd.DataFrame()
    charts.itmos_by_vintage(itmos, out / "itmos.png")
    exposure = exposure_data(con, iso3) if "host_ndc_exposure" in have else pd.DataFrame()
    nesting = nesting_data(con, iso3) if "registered_unit_matches" in have else pd.DataFrame()

    operating_gw = fleet["capacity_mw"].sum() / 1000
    baseline_mt = (
        baseline.loc[baseline["status_group"] == "operating", "co2_t_per_yr"].sum() / 1e6
        if len(baseline)
        else 0.0
    )
    potential_mt = mac["reduction_creditable_t_per_yr"].clip(lower=0).sum() / 1e6 if len(mac) else 0.0
    credited_mt = credits["credited_t_per_yr"].sum() / 1e6 if len(credits) else 0.0
    changes = release_changes_data(con, iso3) if "release_changes" in have else pd.DataFrame()
    sources = con.execute(
        "SELECT source_id, version AS release, sha256, retrieved_at FROM raw_files ORDER BY source_id"
    ).df()

    page = TEMPLATE.format(
        title=html.escape(f"{name} ({iso3})"),
        version=html.escape(version),
        today=date.today().isoformat(),
        operating_gw=f"{operating_gw:,.1f}",
        baseline_mt=f"{baseline_mt:,.1f}",
        potential_mt=f"{potential_mt:,.2f}",
        credited_mt=f"{credited_mt:,.2f}",
        baseline_table=_table(baseline),
        top_table=_table(top),
        credits_table=_table(credits),
        grid_table=_table(grid.drop(columns=["label"])),
        steel_table=_table(steel),
        steel_options_table=_table(steel_options),
        steel_note=html.escape(steel_note),
        itmo_table=_table(itmos[itmos["vintage_year"] <= 2035] if len(itmos) else itmos),
        exposure_table=_table(exposure),
        nesting_table=_table(nesting),
        tiers_table=_table(tiers),
        reconciliation_table=_table(reconciliation),
        states_html=states_html,
        changes_table=_table(changes),
        sources_table=_table(sources),
        iso3=iso3,
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def build_all(con: duckdb.DuckDBPyConnection, out_root: Path) -> list[Path]:
    return [build_brief(con, iso3, out_root) for iso3 in host_countries(con)]


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Bilateral crediting brief: {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; line-height: 1.4; }}
h1 {{ margin-bottom: 0.2rem; }} .meta {{ color: #666; font-size: 0.9rem; }}
.kpi {{ display: flex; gap: 1rem; margin: 1rem 0; }} .kpi div {{ background: #f3f6f9; padding: 0.6rem 1rem; flex: 1; }}
.kpi b {{ display: block; font-size: 1.4rem; }}
table.data {{ border-collapse: collapse; font-size: 0.82rem; margin: 0.5rem 0 1rem; }}
table.data th, table.data td {{ border-bottom: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; }}
table.data th {{ background: #f3f6f9; }} img {{ max-width: 100%; }} .none {{ color: #777; }}
</style></head><body>
<h1>{title}: bilateral crediting brief</h1>
<p class="meta">{version}; brief written {today}. Figures from the warehouse views (v_fleet, v_mac_curve,
v_credits, v_grid_factors) and plant_baselines; reproduce any of them with <code>bcm query</code>.</p>
<div class="kpi">
<div><b>{operating_gw} GW</b>operating coal, gas and oil capacity</div>
<div><b>{baseline_mt} Mt/yr</b>CO2 baseline of the operating fleet</div>
<div><b>{potential_mt} Mt/yr</b>creditable reduction, each unit at its chosen option (on the MAC curve)</div>
<div><b>{credited_mt} Mt/yr</b>credits under the agreements in force, each unit at its largest eligible upgrade</div>
</div>
<h2>1. Fleet by technology and age</h2>
<img src="fleet.png" alt="Operating capacity by technology and commissioning decade">
<h2>2. CO2 baseline</h2>
<img src="baseline.png" alt="CO2 baseline by technology">
{baseline_table}
<h3>Activity data and the national totals</h3>
<p>Where each unit's generation comes from (estimation_tier): <i>reported</i> (India: its CEA station's net
generation and specific emissions), <i>calibrated</i> (this country's own capacity factor: OWID/Ember national
generation ÷ the trackers' capacity online), <i>default</i> (a fleet value of another place, labelled).</p>
{tiers_table}
<p>The plants summed against the national totals (national_reconciliation): generation on OWID's gross basis,
CO2 against an independent estimate; flagged outside ±10 %.</p>
{reconciliation_table}
{states_html}
<h2>3. Marginal abatement cost curve</h2>
<img src="mac_curve.png" alt="MAC curve">
<h2>4. Top candidate units</h2>
<p>The ten units with the largest conservative (creditable) reduction, each at the option chosen for it.
Capacity from the GEM tracker file whose sha256 starts as shown (see Sources; full value in v_mac_curve).</p>
{top_table}
<h2>5. Credits under the agreements in force</h2>
<img src="credits.png" alt="Credits per agreement">
{credits_table}
<h2>6. Grid emission factors compared</h2>
<img src="grid_factors.png" alt="Grid emission factors">
{grid_table}
<h2>7. Iron and steel plants</h2>
<p>Operating plants of GEM's Global Iron and Steel Tracker by route (steel_baselines, Mt/yr). Total CO2
includes the indirect CO2 of grid electricity (EAF, DRI), which the power baseline above already counts:
add only the direct CO2 to it. {steel_note}</p>
{steel_table}
<p>Steel options of the BF-BOF plants, operating and in the pipeline (steel_swaps): route switches (scrap EAF,
gas DRI-EAF) and measures (top-pressure recovery turbine, sinter-cooler heat recovery). A plant's options exclude
each other: the reductions are over every plant offered the option (do not add the rows); credited counts each
plant's chosen option only, and is part of the credits above. Route switches have no MAC: their raw materials
(scrap, iron ore) are not in the data.</p>
{steel_options_table}
<h2>8. Article 6.2: ITMOs per vintage</h2>
<p>Each unit's largest eligible option, credited vintage by vintage: the reference falls each year, crediting
stops at the end of the crediting period or when the unit would have retired (credit_vintages); the ledger
splits every vintage into share of proceeds, OMGE cancellation, host-retained and transferred ITMOs
(itmo_ledger). Vintages to 2035:</p>
<img src="itmos.png" alt="ITMOs per vintage">
{itmo_table}
<p>Host NDC exposure, first and last vintage: authorised transfers against the power-sector CO2 of the
operating fleet in the warehouse and, where an agreement file gives it, the NDC target (host_ndc_exposure;
the flag marks shares above the thresholds in scenario_parameters):</p>
{exposure_table}
<p>Units already under a CDM or JCM project (registered_unit_matches), left out of new credits
(excluded) or credited net of the registered project (netted):</p>
{nesting_table}
<h2>9. What the latest tracker release changed</h2>
<p>Units of this country added, removed or changed between the two latest listed releases of each compared
tracker (capacity of the units concerned, in each release). One unit may have several changes.</p>
{changes_table}
<h2>Sources</h2>
{sources_table}
<p class="meta">Query this country yourself: <code>bcm query "SELECT * FROM v_mac_curve WHERE country_iso3 = '{iso3}'"</code></p>
</body></html>
"""
