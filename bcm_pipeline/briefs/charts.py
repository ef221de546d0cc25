"""The brief's charts, one function per chart: a DataFrame in, a PNG file out (matplotlib, no pyplot state)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

# 90 dpi × 8 in = 720 px, the page's width. Rendering text dominates the briefs' cost: margins are set in
# inches up front instead of a tight_layout pass per chart (which lays out every label once more).
DPI = 90
WIDTH_IN = 8.0
CHAR_WIDTH_EM = 0.6  # DejaVu Sans, matplotlib's default font: a generous mean character width
PALETTE = ["#1b4f72", "#2e86c1", "#85c1e9", "#d35400", "#f0b27a", "#196f3d", "#7dcea0", "#7d3c98", "#bfc9ca"]
MANY = [matplotlib.colormaps["tab20"](i) for i in range(20)]  # for charts with many categories


def _figure(height_in: float, labels=(), fontsize: float = 10.0) -> tuple[Figure, Axes]:
    """A figure with one axes and fixed margins: room for the title, the x label and the longest y label."""
    label_in = max((len(str(s)) for s in labels), default=0) * fontsize * CHAR_WIDTH_EM / 72
    left_in = max(0.75, label_in + 0.2)
    fig = Figure(figsize=(WIDTH_IN, height_in))
    fig.subplots_adjust(
        left=min(left_in / WIDTH_IN, 0.7), right=0.97, top=1 - 0.4 / height_in, bottom=0.55 / height_in
    )
    return fig, fig.subplots()


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=DPI)
    return path


def _empty(path: Path, title: str, message: str) -> Path:
    fig, ax = _figure(2.2)
    ax.set_axis_off()
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=10, color="#555")
    return _save(fig, path)


def fleet_by_technology_and_age(fleet: pd.DataFrame, path: Path) -> Path:
    """Stacked bars: operating GW by commissioning decade, one colour per fuel/technology.

    fleet columns: decade (label, sortable), category, capacity_mw.
    """
    title = "Operating fleet by technology and commissioning decade"
    if fleet.empty:
        return _empty(path, title, "No operating coal, gas or oil unit in the GEM trackers")
    table = fleet.pivot_table(
        index="decade", columns="category", values="capacity_mw", aggfunc="sum", fill_value=0
    )
    table = table.reindex(list(dict.fromkeys(fleet["decade"])))  # keep the caller's time order
    table = table[table.sum().sort_values(ascending=False).index] / 1000
    fig, ax = _figure(4)
    bottom = pd.Series(0.0, index=table.index)
    for i, col in enumerate(table.columns):
        ax.bar(table.index, table[col], bottom=bottom, label=col, color=MANY[i % len(MANY)])
        bottom += table[col]
    ax.set_ylabel("capacity, GW")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.legend(fontsize=8, frameon=False, ncols=2)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def baseline_by_technology(baseline: pd.DataFrame, path: Path) -> Path:
    """Horizontal bars: CO2 baseline, Mt/yr, per fuel/technology, operating vs pipeline.

    baseline columns: category, status_group ('operating' | 'pipeline'), co2_t_per_yr.
    """
    title = "CO2 baseline by technology (operating fleet and pipeline)"
    if baseline.empty:
        return _empty(path, title, "No unit baseline in plant_baselines")
    table = baseline.pivot_table(
        index="category", columns="status_group", values="co2_t_per_yr", aggfunc="sum", fill_value=0
    )
    table = table.loc[table.sum(axis=1).sort_values().index] / 1e6
    fig, ax = _figure(0.9 + 0.38 * len(table), table.index)
    left = pd.Series(0.0, index=table.index)
    for col, color in (("operating", PALETTE[0]), ("pipeline", PALETTE[3])):
        if col in table:
            ax.barh(table.index, table[col], left=left, label=col, color=color)
            left += table[col]
    ax.set_xlabel("CO2, Mt/yr")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def mac_curve(options: pd.DataFrame, path: Path) -> Path:
    """Step MAC curve: bar width = creditable reduction (Mt/yr), height = MAC (USD/t), sorted by MAC.

    options columns (in MAC order): mac_usd_per_t, reduction_creditable_t_per_yr, to_technology_name.
    """
    title = "Marginal abatement cost curve (one option per unit, conservative reduction)"
    options = options[options["reduction_creditable_t_per_yr"] > 0]
    if options.empty:
        return _empty(path, title, "No upgrade with a creditable reduction")
    widths = options["reduction_creditable_t_per_yr"].to_numpy() / 1e6
    lefts = widths.cumsum() - widths
    techs = list(dict.fromkeys(options["to_technology_name"]))
    colors = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(techs)}
    fig, ax = _figure(4)
    # One collection of rectangles, not one bar patch per option (thousands in the large fleets).
    heights = options["mac_usd_per_t"].to_numpy(dtype=float)
    boxes = [[(x, 0), (x, h), (x + w, h), (x + w, 0)] for x, w, h in zip(lefts, widths, heights, strict=True)]
    ax.add_collection(
        PolyCollection(boxes, facecolors=[colors[t] for t in options["to_technology_name"]], linewidths=0)
    )
    ax.autoscale_view()
    handles = [Patch(color=colors[t], label=f"to {t}") for t in techs]
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("cumulative creditable reduction, Mt CO2/yr")
    ax.set_ylabel("MAC, USD/t CO2")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.legend(handles=handles, fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def credits_by_agreement(credits: pd.DataFrame, path: Path) -> Path:
    """Stacked horizontal bars: host and partner credits, Mt/yr, per agreement.

    credits columns: agreement, host_credits_t_per_yr, partner_credits_t_per_yr.
    """
    title = "Credits per year, host / partner share"
    if credits.empty:
        return _empty(path, title, "No agreement in force covers an eligible unit")
    table = credits.set_index("agreement")[["host_credits_t_per_yr", "partner_credits_t_per_yr"]] / 1e6
    fig, ax = _figure(1.2 + 0.5 * len(table), table.index)
    ax.barh(table.index, table["host_credits_t_per_yr"], color=PALETTE[5], label="host")
    ax.barh(table.index, table["partner_credits_t_per_yr"], left=table["host_credits_t_per_yr"],
            color=PALETTE[1], label="partner")  # fmt: skip
    ax.set_xlabel("credits, Mt CO2/yr")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def grid_factors(factors: pd.DataFrame, path: Path) -> Path:
    """Horizontal bars: each published or computed grid factor, tCO2/MWh.

    factors columns: label, publisher, ef_t_per_mwh.
    """
    title = "Grid emission factors compared, tCO2/MWh"
    factors = factors.dropna(subset=["ef_t_per_mwh"])
    if factors.empty:
        return _empty(path, title, "No grid factor published for this country")
    publishers = list(dict.fromkeys(factors["publisher"]))
    colors = {p: PALETTE[(2 * i) % len(PALETTE)] for i, p in enumerate(publishers)}
    fig, ax = _figure(1.0 + 0.32 * len(factors), factors["label"])
    ax.barh(factors["label"], factors["ef_t_per_mwh"], color=[colors[p] for p in factors["publisher"]])
    for label, value in zip(factors["label"], factors["ef_t_per_mwh"], strict=True):
        ax.text(value, label, f" {value:.3f}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("tCO2/MWh")
    ax.set_xlim(0, factors["ef_t_per_mwh"].max() * 1.18)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def itmos_by_vintage(vintages: pd.DataFrame, path: Path) -> Path:
    """Stacked bars per vintage year: ITMOs transferred to the partner, kept by the host, and deducted
    (SOP + OMGE), Mt; one group of bars per agreement (side by side when a host has several).

    vintages columns: agreement, vintage_year, transferred_t, host_retained_t, sop_t, omge_t.
    """
    title = "ITMOs per vintage, Article 6.2 ledger"
    if vintages.empty:
        return _empty(path, title, "No agreement in force credits a unit of this country")
    agreements = list(dict.fromkeys(vintages["agreement"]))
    width = 0.8 / len(agreements)
    fig, ax = _figure(3.6)
    parts = [("transferred_t", "transferred to partner", PALETTE[1]), ("host_retained_t", "kept by host", PALETTE[5]),
             ("deducted_t", "SOP + OMGE", PALETTE[4])]  # fmt: skip
    for i, name in enumerate(agreements):
        rows = vintages[vintages["agreement"] == name].sort_values("vintage_year")
        rows = rows.assign(deducted_t=rows["sop_t"] + rows["omge_t"])
        x = rows["vintage_year"] + (i - (len(agreements) - 1) / 2) * width
        bottom = pd.Series(0.0, index=rows.index)
        for column, label, color in parts:
            values = rows[column] / 1e6
            ax.bar(x, values, width=width, bottom=bottom, color=color, label=label if i == 0 else None)
            bottom = bottom + values
    ax.set_ylabel("ITMOs, Mt CO2e")
    ax.set_xlabel("vintage year" + (f" ({', '.join(agreements)})" if len(agreements) > 1 else ""))
    fig.suptitle(
        f"{title}: {agreements[0]}" if len(agreements) == 1 else title, x=0.01, ha="left", fontsize=11
    )
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)
