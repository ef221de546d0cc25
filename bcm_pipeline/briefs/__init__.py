"""Country briefs: one static HTML page per host country, its charts inline (SVG), each chart's and table's
data as a CSV file beside it, from the published warehouse.

build_brief(con, "VNM", out_root) writes out_root/VNM/index.html and its CSV files. The connection is the
published warehouse, read-only; every number comes from its tables and v_* views (briefs/data.py), so a
brief shows what a query shows. The page is a list of sections (SECTIONS), one function per topic: a new
topic adds a data function, a section function and one line in SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

import duckdb
import pandas as pd

from bcm_pipeline.briefs import charts, data
from bcm_pipeline.briefs.data import Store, fleet_data, host_countries
from bcm_pipeline.briefs.page import CSS, TEMPLATE, Page
from bcm_pipeline.sources.registry import SourceEntry, load_sources


def _h2(anchor: str, title: str) -> str:
    return f"<h2 id='{anchor}'>{escape(title)}</h2>"


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


# --- sections: each (page) -> HTML ------------------------------------------------------------------------


def cards_section(p: Page) -> str:
    """The four headline figures, each with what it sums and where it comes from."""
    h = p.get(data.headline)
    figures = {r["figure"]: {k: (0 if pd.isna(v) else v) for k, v in r.items()} for r in h.to_dict("records")}
    fleet, base = figures["operating_capacity"], figures["co2_baseline_operating"]
    chosen, credited = figures["creditable_reduction_chosen_options"], figures["credits_agreements_in_force"]

    def kinds(f: dict) -> str:
        parts = [(f["power_units"], "power units"), (f["grid_projects"], "representative grid projects"),
                 (f["other_options"], "other options (e.g. steel plants)")]  # fmt: skip
        return ", ".join(f"{int(n):,} {what}" for n, what in parts if n)

    cards = [
        (f"{fleet['value']:,.1f} GW", "operating capacity",
         f"Coal, gas and oil units with status operating in GEM's trackers (v_fleet): {int(fleet['units']):,} "
         "units."),
        (f"{base['value']:,.1f} Mt CO2/yr", "CO2 baseline of the operating fleet",
         f"Sum of plant_baselines.co2_t_per_yr over the {int(base['units']):,} operating units, each at the "
         "capacity factor of its activity tier (see Assumptions); pipeline units not included."),
        (f"{chosen['value']:,.2f} Mt CO2/yr", "creditable reduction, one option per unit",
         f"Sum of chosen_options.reduction_creditable_t_per_yr over {kinds(chosen) or 'no option'}, each at "
         f"the one option chosen for it (a unit's other options exclude it and are not added). Operating fleet "
         f"{chosen['operating_value']:,.2f} Mt/yr ({int(chosen['operating_units']):,} units); pipeline units "
         f"and new grid projects {chosen['value'] - chosen['operating_value']:,.2f} Mt/yr."),
        (f"{credited['value']:,.2f} Mt CO2/yr", "credits a year, agreements in force",
         f"The chosen options an agreement in force covers ({kinds(credited) or 'none'}): creditable "
         "reduction × (1 − haircut) × (1 − SOP − OMGE), units under a CDM/JCM project left out or netted "
         f"(v_credits). Operating fleet {credited['operating_value']:,.2f} Mt/yr; pipeline units and new grid "
         f"projects {credited['value'] - credited['operating_value']:,.2f} Mt/yr. At most the creditable "
         "reduction."),
    ]  # fmt: skip
    html = "".join(
        f"<div><b>{escape(value)}</b>{escape(label)}<span class='def'>{escape(definition)}</span></div>"
        for value, label, definition in cards
    )
    order = ["operating_capacity", "co2_baseline_operating", "creditable_reduction_chosen_options",
             "credits_agreements_in_force"]  # fmt: skip
    table = pd.DataFrame(
        [{**figures[f], "label": c[1], "definition": c[2]} for f, c in zip(order, cards, strict=True)]
    )
    return f"<div class='kpi'>{html}</div>{p.csv('headline', table)}"


def fleet_section(p: Page) -> str:
    fleet = p.get(fleet_data)
    return _h2("fleet", "Fleet by technology and age") + p.figure(
        "fleet",
        charts.fleet_by_technology_and_age(fleet),
        fleet,
        "Operating coal, gas and oil units of GEM's trackers (v_fleet), GW by the decade of their start year.",
    )


def baseline_section(p: Page) -> str:
    baseline = (
        p.get(data.baseline_data)
        if "plant_baselines" in p.have
        else _empty(["category", "status_group", "co2_mt_per_yr"])
    )
    out = [
        _h2("baseline", "CO2 baseline"),
        p.figure(
            "baseline",
            charts.baseline_by_technology(baseline),
            baseline,
            "Each unit's CO2 a year at its capacity factor (plant_baselines): operating units and the pipeline "
            "(construction, permitted, pre-permit, announced).",
        ),
    ]
    if "national_reconciliation" in p.have:
        out += [
            "<h3>The plants summed against the national totals</h3>"
            "<p>national_reconciliation: the plants' generation against OWID/Ember's national generation "
            "(gross basis), their CO2 against an independent estimate; flagged outside ±10 %.</p>",
            _reconciliation(p),
        ]
    if p.iso3 == "IND" and "v_india_state_reconciliation" in p.have:
        out += [
            "<p>India's coal and lignite CO2 by state: CEA's stations against our baselines of the units "
            "matched to them (v_india_state_reconciliation).</p>",
            p.table("india_states", p.get(data.global_india_states)),
        ]
    return "".join(out)


def _reconciliation(p: Page) -> str:
    rows = p.get(data.reconciliation_data)
    bases = [f"{f}: {b}" for f, b in zip(rows["fuel"], rows["national_co2_basis"], strict=True)
             if isinstance(b, str) and not b.startswith("none")]  # fmt: skip
    basis = f"<p class='def'>Independent CO2: {escape('; '.join(bases))}.</p>" if bases else ""
    show = [c for c in rows.columns if c != "national_co2_basis"]
    return p.table("national_reconciliation", rows, show=show) + basis


def mac_section(p: Page) -> str:
    mac = (
        p.get(data.mac_data)
        if "mac_curve" in p.have
        else _empty(["mac_usd_per_t", "reduction_creditable_mt_per_yr", "to_technology_name"])
    )
    coverage = p.get(data.mac_coverage) if "chosen_options" in p.have else pd.DataFrame()
    on = coverage[coverage["on_the_curve"] == "on the curve"] if len(coverage) else coverage
    n_on = int(on["units"].sum()) if len(on) else 0
    mt_on = float(on["reduction_creditable_mt_per_yr"].sum()) if len(on) else 0.0
    n_all = int(coverage["units"].sum()) if len(coverage) else 0
    mt_all = float(coverage["reduction_creditable_mt_per_yr"].sum()) if len(coverage) else 0.0
    text = (
        f"<p>The curve ranks the chosen options by their marginal abatement cost (mac_curve): {n_on:,} of the "
        f"{n_all:,} chosen options, {mt_on:,.2f} of their {mt_all:,.2f} Mt/yr of creditable reduction. The others "
        "have no MAC the curve can show (unknown capex, O&amp;M or fuel price, or a MAC outside the plausible "
        "range): their reduction counts in the headline figures, not on the curve.</p>"
    )
    return (
        _h2("mac", "Marginal abatement cost curve")
        + text
        + p.figure(
            "mac_curve",
            charts.mac_curve(mac),
            mac,
            "Bar width: creditable reduction of the unit's chosen option (Mt CO2/yr); height: its MAC (USD/t) "
            "at the central fuel price.",
        )
        + p.table("mac_coverage", coverage, caption="Chosen options on and off the curve")
    )


def candidates_section(p: Page) -> str:
    top = p.get(data.top_units) if "chosen_options" in p.have else pd.DataFrame()
    show = ["plant_unit", "status", "start_year", "capacity_mw", "upgrade", "reduction_creditable_kt_per_yr",
            "mac_usd_per_t", "additionality"]  # fmt: skip
    if len(top):  # the unit's name under its plant's (one column less: the table fits A4)
        top = top.assign(
            plant_unit=[
                f"{p}, {u}" if isinstance(u, str) else p
                for p, u in zip(top["plant"], top["unit"], strict=True)
            ]
        )
    return (
        _h2("candidates", "Top candidate units")
        + "<p>The ten units with the largest creditable reduction, each at the option chosen for it "
        "(chosen_options). MAC – : unknown (the reason is in the CSV's mac_curve_exclusion). The CSV adds the "
        "swap and unit ids and the sha256 of the GEM file the capacity came from.</p>"
        + p.table("top_candidates", top, show=show)
    )


def credits_section(p: Page) -> str:
    credits = p.get(data.credits_data) if "v_credits" in p.have else pd.DataFrame()
    show = ["agreement", "signed_date", "units", "credited_mt_per_yr", "operating_credited_mt_per_yr",
            "pipeline_credited_mt_per_yr", "host_credits_mt_per_yr", "partner_credits_mt_per_yr",
            "partner_revenue_musd_per_yr"]  # fmt: skip
    return (
        _h2("credits", "Credits under the agreements in force")
        + "<p>Per agreement in force, over the chosen options it covers (v_credits): credited = creditable "
        "reduction × (1 − haircut) × (1 − SOP − OMGE); the host keeps its share, the partner receives the rest "
        "(parameters in Assumptions).</p>"
        + p.figure(
            "credits",
            charts.credits_by_agreement(
                credits
                if len(credits)
                else _empty(["agreement", "host_credits_mt_per_yr", "partner_credits_mt_per_yr"])
            ),
            None,
        )
        + p.table("credits", credits, show=show if len(credits) else None)
    )


def grid_section(p: Page) -> str:
    grid = p.get(data.grid_data)
    return (
        _h2("grid", "Grid emission factors compared")
        + p.figure(
            "grid_factors",
            charts.grid_factors(grid),
            None,
            "The latest vintage of each published or computed factor (v_grid_factors); CEA's imports-included "
            "variants left out.",
        )
        + p.table("grid_factors", grid.drop(columns=["label"]))
    )


def steel_comparison(national: pd.DataFrame, production_mt: float) -> str:
    """One sentence: modelled production against the cited national production (steel_defaults)."""
    if national.empty or production_mt == 0:
        return ""
    national_mt, source = national["production_mt"].iloc[0], national["source_document"].iloc[0]
    return (
        f"Modelled production of the tracked plants: {production_mt:,.1f} Mt/yr, {production_mt / national_mt:.2f} "
        f"times the national crude steel production of 2023 ({national_mt:,.1f} Mt; {source}). GIST covers "
        "the larger plants: small induction and arc furnace works may be missing from it, and the "
        "utilisation is national or world-wide, not the plant's own."
    )


def steel_section(p: Page) -> str:
    steel = p.get(data.steel_data) if "steel_baselines" in p.have else pd.DataFrame()
    national = p.get(data.steel_national) if "steel_defaults" in p.have else pd.DataFrame()
    note = steel_comparison(national, float(steel["production_mt_per_yr"].sum())) if len(steel) else ""
    options = (
        p.get(data.steel_options_data)
        if {"technology_swaps", "chosen_options", "credits"} <= p.have
        else pd.DataFrame()
    )
    return (
        _h2("steel", "Iron and steel plants")
        + "<p>Operating plants of GEM's Global Iron and Steel Tracker by route (steel_baselines, Mt/yr). Total "
        "CO2 includes the indirect CO2 of grid electricity (EAF, DRI), which the power baseline above already "
        f"counts: add only the direct CO2 to it. {escape(note)}</p>"
        + p.table("steel", steel)
        + "<p>Steel options of the BF-BOF plants, operating and in the pipeline (steel_swaps): route switches "
        "(scrap EAF, gas DRI-EAF) and measures (top-pressure recovery turbine, sinter-cooler heat recovery). A "
        "plant's options exclude each other: the reductions are over every plant offered the option (do not add "
        "the rows); credited counts each plant's chosen option only, and is part of the credits above. Route "
        "switches have no MAC: their raw materials (scrap, iron ore) are not in the data.</p>"
        + p.table("steel_options", options)
    )


def article6_section(p: Page) -> str:
    itmos = p.get(data.itmo_data) if "v_itmo_vintages" in p.have else pd.DataFrame()
    out = [
        _h2("article6", "Article 6.2: ITMOs per vintage"),
        "<p>Each unit's chosen option, credited vintage by vintage: the reference falls each year, crediting "
        "stops at the end of the crediting period or when the unit would have retired (credit_vintages); the "
        "ledger splits every vintage into share of proceeds, OMGE cancellation, host-retained and transferred "
        "ITMOs (itmo_ledger, Mt CO2e).</p>",
    ]
    if itmos.empty:
        out.append(
            charts.empty("ITMOs per vintage, Article 6.2 ledger", "No agreement in force credits a unit")
        )
    for i, (agreement, rows) in enumerate(itmos.groupby("agreement", sort=True) if len(itmos) else []):
        out.append(p.figure(f"itmos_{i + 1}", charts.itmos_by_vintage(rows, agreement), rows))
    if len(itmos):
        out.append(
            p.table(
                None, itmos[itmos["vintage_year"] <= 2035], caption="Vintages to 2035 (all: the CSV above)"
            )
        )
    exposure = p.get(data.exposure_data) if "host_ndc_exposure" in p.have else pd.DataFrame()
    nesting = p.get(data.nesting_data) if "registered_unit_matches" in p.have else pd.DataFrame()
    out += [
        "<p>Host NDC exposure, first and last vintage: authorised transfers against the power-sector CO2 of "
        "the operating fleet in the warehouse and, where an agreement file gives it, the NDC target "
        "(host_ndc_exposure; the flag marks shares above the thresholds in scenario_parameters):</p>",
        p.table("ndc_exposure", exposure),
        "<p>Units already under a CDM or JCM project (registered_unit_matches), left out of new credits "
        "(excluded) or credited net of the registered project (netted):</p>",
        p.table("nesting", nesting),
    ]
    return "".join(out)


def releases_section(p: Page) -> str:
    changes = p.get(data.release_changes_data) if "release_changes" in p.have else pd.DataFrame()
    return (
        _h2("releases", "What the latest tracker release changed")
        + "<p>Units of this country added, removed or changed between the two latest listed releases of each "
        "compared tracker (capacity of the units concerned, in each release). One unit may have several "
        "changes.</p>" + p.table("release_changes", changes)
    )


def assumptions_section(p: Page) -> str:
    out = [_h2("assumptions", "Assumptions")]
    if "plant_baselines" in p.have:
        out += [
            "<h3>Activity data: capacity factors by tier</h3><p>Where each operating unit's generation comes "
            "from (plant_baselines.estimation_tier): <i>reported</i> (India: its CEA station's own net "
            "generation), <i>calibrated</i> (this country's own capacity factor: OWID/Ember national "
            "generation ÷ the trackers' capacity online, clamped to a plausible range), <i>default</i> (a fleet "
            "value of another place or of GEM's global workbook, labelled in capacity_factor_source). Capacity "
            "share: of the fuel's operating MW.</p>",
            p.table(
                "activity_tiers",
                p.get(data.tier_data),
                show=[
                    "fuel",
                    "estimation_tier",
                    "activity_year",
                    "units",
                    "capacity_mw",
                    "capacity_share",
                    "capacity_factor_min",
                    "capacity_factor_mean",
                    "capacity_factor_max",
                    "co2_mt_per_yr",
                ],
            ),  # fmt: skip
        ]
    out += [
        "<h3>Economics</h3><p>Discount and hurdle rates, lifetime and price year of every option "
        "(scenario_parameters, each with its source): MAC and NPV at the discount rate; the investment test "
        "(additionality) at the hurdle rate and the low, central and high fuel price.</p>",
        p.table(
            "economic_parameters",
            p.get(data.global_economic_parameters),
            show=["parameter", "key", "value", "unit", "source_document"],
        ),
    ]
    if "technology_swaps" in p.have:
        out += [
            "<p>Fuel prices the options were valued at (technology_swaps; real USD of the price year per GJ): "
            "quantiles of the World Bank Pink Sheet series over the months shown.</p>",
            p.table(
                "fuel_prices",
                p.get(data.fuel_price_data),
                show=[
                    "fuel",
                    "used_for",
                    "options",
                    "series_name",
                    "first_month",
                    "last_month",
                    "low_usd_per_gj",
                    "central_usd_per_gj",
                    "high_usd_per_gj",
                    "usd_price_year",
                ],
            ),  # fmt: skip
        ]
    agreements = p.get(data.agreement_parameters)
    out += [
        "<h3>Agreements</h3><p>The host's bilateral agreements (agreements/*.yaml; in force per "
        "agreement_status) and the parameters credits and the ledger apply. The CSV adds the eligible "
        "technologies and statuses, the file and its sources.</p>",
        p.transposed(
            "agreements",
            agreements,
            "agreement",
            [
                "mechanism",
                "partner",
                "in_force",
                "start_date",
                "host_share",
                "haircut",
                "sop_share",
                "omge_share",
                "credit_price_usd_per_t",
                "crediting_period_yr",
                "crediting_period_renewals",
                "capex_subsidy_share",
                "authorised_use",
            ],
        ),  # fmt: skip
    ]
    return "".join(out)


def sources_table(used: pd.DataFrame, registry: dict[str, SourceEntry]) -> pd.DataFrame:
    """The source releases used (raw_files) with their title, publisher, licence, citation (the release's,
    else the source's) and release date (source_releases, else the registry's; none: 'not stated')."""
    rows = []
    for r in used.to_dict("records"):
        entry = registry.get(r["source_id"])
        rel = next((x for x in entry.releases if x.version == r["release"]), None) if entry else None
        released = r["release_date"] if pd.notna(r["release_date"]) else (rel.release_date if rel else None)
        rows.append(
            {
                **r,
                "release_date": pd.Timestamp(released).date().isoformat() if released else "not stated",
                "title": entry.title if entry else r["source_id"],
                "publisher": entry.publisher if entry else "",
                "licence": entry.licence if entry else "not in the sources registry",
                "citation": (rel.citation if rel and rel.citation else None)
                or (entry.citation if entry else ""),
            }
        )
    return pd.DataFrame(rows, columns=[*used.columns, "title", "publisher", "licence", "citation"])


def sources_section(p: Page) -> str:
    """Every source release the warehouse was built from: release date, licence, and the citation its
    publisher asks for (sources.yaml)."""
    used = p.store.memo("sources", lambda: sources_table(p.get(data.global_sources_used), p.registry))
    items = "".join(
        f"<li>{escape(c)} <i>Licence: {escape(lic)}.</i></li>"
        for c, lic in dict.fromkeys(zip(used["citation"], used["licence"], strict=True))
    )
    return (
        _h2("sources", "Sources and citations")
        + "<p>The source releases this warehouse was built from (raw_files, source_releases): a release without "
        "a date is updated in place by its publisher (the retrieval time says which state was read).</p>"
        + p.table(
            "sources",
            used,
            show=["title", "release", "release_date", "retrieved_on", "licence"],
        )
        + "<p>Cite the data as their publishers ask (CC BY 4.0 requires the attribution):</p>"
        + f"<ol class='cite'>{items}</ol>"
        + "<p class='meta'>Defaults of the reference tables (capex, efficiencies, emission factors, grid "
        "project defaults) name their own documents in the tables (source_document); how the figures are "
        "computed: docs/methodology.md of the bcm-pipeline repository.</p>"
    )


Section = Callable[[Page], str]
SECTIONS: list[Section] = [
    cards_section,
    fleet_section,
    baseline_section,
    mac_section,
    candidates_section,
    credits_section,
    grid_section,
    steel_section,
    article6_section,
    releases_section,
    assumptions_section,
    sources_section,
]


def build_brief(
    con: duckdb.DuckDBPyConnection,
    iso3: str,
    out_root: Path,
    registry: dict[str, SourceEntry] | None = None,
    store: Store | None = None,
) -> Path:
    """Write out_root/<ISO3>/index.html and the CSV of each of its figures and tables; returns the HTML path.

    registry: the sources (load_sources(); pass the user's sources file's view of them where there is one).
    store: the queries' results shared by the briefs of one run (build_all); alone, the queries run for iso3."""
    out = out_root / iso3
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.png"), *out.glob("*.csv")]:  # an earlier brief's files (PNG charts are SVG now)
        old.unlink()
    store = store if store is not None else Store(con, [iso3])
    registry = registry if registry is not None else load_sources()
    p = Page(con=con, store=store, iso3=iso3, out=out, have=store.have, registry=registry)
    head = p.get(data.header)
    name = head["country_name"].iloc[0] if len(head) else iso3
    version = head["version"].iloc[0] if len(head) else ""
    body = "".join(section(p) for section in SECTIONS)
    page = TEMPLATE.format(
        title=escape(f"{name} ({iso3})"),
        version=escape(version or ""),
        today=date.today().isoformat(),
        css=CSS,
        body=body,
        iso3=iso3,
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def build_all(
    con: duckdb.DuckDBPyConnection, out_root: Path, registry: dict[str, SourceEntry] | None = None
) -> list[Path]:
    """Every host country's brief; each query runs once for all of them."""
    countries = host_countries(con)
    store = Store(con, countries)
    registry = registry if registry is not None else load_sources()
    return [build_brief(con, iso3, out_root, registry, store) for iso3 in countries]


__all__ = ["SECTIONS", "Store", "build_all", "build_brief", "fleet_data", "host_countries"]
