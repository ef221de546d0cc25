"""The brief's charts, one function per chart: a DataFrame in, an SVG string out (inlined in the page).

The charts are plain bar charts (stacked bars, horizontal bars, a step MAC curve), so they are written as
SVG here rather than drawn by a plotting library: a chart costs well under a millisecond instead of ~0.2 s of
matplotlib rendering (the briefs drew ~180 PNGs), stays sharp when printed or zoomed, and the page needs no
script or network. Sizes are in SVG user units (px at 100 %); the SVG scales to the page width (viewBox).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

WIDTH = 720.0
FONT = 12.0  # px: labels and ticks; titles one size up
CHAR_EM = 0.56  # mean character width of a sans-serif font, in em: sizes the label margins
PALETTE = ["#1b4f72", "#2e86c1", "#85c1e9", "#d35400", "#f0b27a", "#196f3d", "#7dcea0", "#7d3c98", "#bfc9ca"]
MANY = [  # Tableau 20 (matplotlib's tab20), for charts with many categories
    "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896", "#9467bd", "#c5b0d5",
    "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d", "#17becf", "#9edae5",
]  # fmt: skip
TITLE_H = 24.0
AXIS_H = 40.0  # room under the plot for tick labels and the axis label
RIGHT = 16.0


def _text_px(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_EM


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 x 10^k apart) covering [lo, hi]; lo <= 0 <= hi is not required."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks = []
    t = first
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def tick_label(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


class _Svg:
    """An SVG document under construction: elements appended as text, in drawing order."""

    def __init__(self, height: float, title: str):
        self.height = height
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_num(WIDTH)} {_num(height)}" '
            f'role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif" font-size="{_num(FONT)}">',
            f"<title>{escape(title)}</title>",
            f'<text x="4" y="16" font-size="{_num(FONT + 2)}" font-weight="600">{escape(title)}</text>',
        ]

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, text: str, anchor: str = "start", **attrs: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        self.parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{extra}>{escape(str(text))}</text>'
        )

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> None:
        tip_el = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0))}" height="{_num(max(h, 0))}" '
            f'fill="{fill}">{tip_el}</rect>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#ccc", width: float = 1
    ) -> None:
        self.parts.append(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{stroke}" '
            f'stroke-width="{_num(width)}"/>'
        )

    def legend(self, y: float, items: Sequence[tuple[str, str]], left: float = 4) -> float:
        """Swatches and names in rows that wrap at the chart's width; returns the y below the legend."""
        x = left
        for name, color in items:
            w = 16 + _text_px(name, FONT - 1) + 14
            if x + w > WIDTH - RIGHT and x > left:
                x, y = left, y + 16
            self.rect(x, y - 9, 10, 10, color)
            self.text(x + 14, y, name, font_size=_num(FONT - 1))
            x += w
        return y + 12

    def done(self) -> str:
        return "\n".join([*self.parts, "</svg>"])


def _legend_height(items: Sequence[str], left: float = 4) -> float:
    x, rows = left, 1
    for name in items:
        w = 16 + _text_px(name, FONT - 1) + 14
        if x + w > WIDTH - RIGHT and x > left:
            x, rows = left, rows + 1
        x += w
    return rows * 16 + 4


def empty(title: str, message: str) -> str:
    svg = _Svg(64, title)
    svg.text(WIDTH / 2, 46, message, anchor="middle", fill="#555")
    return svg.done()


def stacked_columns(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], y_label: str,
    height: float = 300,
) -> str:  # fmt: skip
    """Vertical bars per category, the series stacked (non-negative values); series: (name, colour, values)."""
    legend_h = _legend_height([s[0] for s in series])
    top = TITLE_H + legend_h
    svg = _Svg(top + height + AXIS_H, title)
    svg.legend(TITLE_H + 12, [(s[0], s[1]) for s in series])
    totals = [sum(s[2][i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(0, max(totals, default=0) or 1)
    left = max(48, max(_text_px(tick_label(t)) for t in ticks) + 24)
    plot_w, y_max = WIDTH - left - RIGHT, ticks[-1]

    def y(v: float) -> float:
        return top + height - v / y_max * height

    for t in ticks:
        svg.line(left, y(t), WIDTH - RIGHT, y(t), "#e5e5e5")
        svg.text(left - 6, y(t) + 4, tick_label(t), anchor="end")
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.7
    # Every n-th category labelled when the labels would overlap (e.g. 30 vintage years).
    every = math.ceil((max((_text_px(str(c)) for c in categories), default=0) + 8) / slot)
    for i, category in enumerate(categories):
        x, base = left + i * slot + (slot - bar_w) / 2, 0.0
        for name, color, values in series:
            v = values[i]
            if v > 0:
                svg.rect(x, y(base + v), bar_w, y(base) - y(base + v), color, f"{category}, {name}: {v:,.3g}")
                base += v
        if i % every == 0:
            svg.text(left + (i + 0.5) * slot, top + height + 16, category, anchor="middle")
    svg.line(left, y(0), WIDTH - RIGHT, y(0), "#333")
    svg.add(
        f'<text transform="translate(14 {_num(top + height / 2)}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    return svg.done()


def stacked_bars(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], x_label: str,
    value_labels: bool = False, row_h: float = 22,
) -> str:  # fmt: skip
    """Horizontal bars per label (top to bottom as given), the series stacked (non-negative values)."""
    legend_h = _legend_height([s[0] for s in series]) if len(series) > 1 else 4
    top = TITLE_H + legend_h
    height = row_h * len(labels)
    svg = _Svg(top + height + AXIS_H, title)
    if len(series) > 1:
        svg.legend(TITLE_H + 12, [(s[0], s[1]) for s in series])
    totals = [sum(s[2][i] for s in series) for i in range(len(labels))]
    longest = max((_text_px(str(label)) for label in labels), default=0)
    left = min(max(60, longest + 12), WIDTH * 0.5)
    room = 56 if value_labels else 0
    ticks = nice_ticks(0, max(totals, default=0) or 1)
    plot_w, x_max = WIDTH - left - RIGHT - room, ticks[-1]

    def x(v: float) -> float:
        return left + v / x_max * plot_w

    for t in ticks:
        svg.line(x(t), top, x(t), top + height, "#e5e5e5")
        svg.text(x(t), top + height + 16, tick_label(t), anchor="middle")
    max_chars = int((left - 12) / (FONT * CHAR_EM))
    for i, label in enumerate(labels):
        y0, base = top + i * row_h, 0.0
        text = str(label) if len(str(label)) <= max_chars else str(label)[: max_chars - 1] + "…"
        svg.text(left - 6, y0 + row_h / 2 + 4, text, anchor="end")
        for name, color, values in series:
            v = values[i]
            if v > 0:
                svg.rect(
                    x(base), y0 + 3, x(base + v) - x(base), row_h - 6, color, f"{label}, {name}: {v:,.4g}"
                )
                base += v
        if value_labels:
            svg.text(x(base) + 4, y0 + row_h / 2 + 4, f"{totals[i]:,.3f}", font_size=_num(FONT - 1))
    svg.line(left, top, left, top + height, "#333")
    svg.text(left + plot_w / 2, top + height + 34, x_label, anchor="middle")
    return svg.done()


def steps(
    title: str, widths: Sequence[float], heights: Sequence[float], groups: Sequence[str],
    colors: dict[str, str], x_label: str, y_label: str, height: float = 300,
) -> str:  # fmt: skip
    """Bars side by side, each as wide as its width and as high as its height (a MAC curve); one path per
    group (colour), so thousands of options stay a small file."""
    legend_h = _legend_height(list(colors))
    top = TITLE_H + legend_h
    svg = _Svg(top + height + AXIS_H, title)
    svg.legend(TITLE_H + 12, list(colors.items()))
    total = sum(widths)
    y_ticks = nice_ticks(min(0.0, min(heights, default=0)), max(0.0, max(heights, default=0)) or 1)
    x_ticks = nice_ticks(0, total or 1)
    left = max(48, max(_text_px(tick_label(t)) for t in y_ticks) + 24)
    plot_w = WIDTH - left - RIGHT
    y_lo, y_hi, x_max = y_ticks[0], y_ticks[-1], x_ticks[-1]

    def x(v: float) -> float:
        return left + v / x_max * plot_w

    def y(v: float) -> float:
        return top + (y_hi - v) / (y_hi - y_lo) * height

    for t in y_ticks:
        svg.line(left, y(t), WIDTH - RIGHT, y(t), "#e5e5e5")
        svg.text(left - 6, y(t) + 4, tick_label(t), anchor="end")
    for t in x_ticks:
        svg.text(x(t), top + height + 16, tick_label(t), anchor="middle")
    paths: dict[str, list[str]] = {g: [] for g in colors}
    at = 0.0
    for w, h, g in zip(widths, heights, groups, strict=True):
        x0, x1, y0, y1 = x(at), x(at + w), y(0), y(h)
        paths[g].append(f"M{x0:.2f} {y0:.2f}H{x1:.2f}V{y1:.2f}H{x0:.2f}Z")
        at += w
    for g, d in paths.items():
        if d:
            svg.add(
                f'<path fill="{colors[g]}" shape-rendering="crispEdges" d="{"".join(d)}">'
                f"<title>{escape(g)}</title></path>"
            )
    svg.line(left, y(0), WIDTH - RIGHT, y(0), "#333")
    svg.text(left + plot_w / 2, top + height + 34, x_label, anchor="middle")
    svg.add(
        f'<text transform="translate(14 {_num(top + height / 2)}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    return svg.done()


# --- the brief's charts -----------------------------------------------------------------------------------


def _crosstab(rows: pd.DataFrame, index: str, columns: str, values: str) -> dict[str, dict[str, float]]:
    """{index value: {column value: sum}}, index values in first-seen order (a few dozen rows: plain Python
    beats pandas' pivot machinery here by far)."""
    out: dict[str, dict[str, float]] = {}
    for i, c, v in zip(rows[index], rows[columns], rows[values], strict=True):
        cell = out.setdefault(str(i), {})
        cell[str(c)] = cell.get(str(c), 0.0) + float(v or 0)
    return out


def fleet_by_technology_and_age(fleet: pd.DataFrame) -> str:
    """Stacked columns: operating GW by commissioning decade, one colour per fuel/technology (largest first).

    fleet columns: decade (in the caller's order), category, capacity_mw.
    """
    title = "Operating fleet by technology and commissioning decade"
    if fleet.empty:
        return empty(title, "No operating coal, gas or oil unit in the GEM trackers")
    table = _crosstab(fleet, "decade", "category", "capacity_mw")
    totals: dict[str, float] = {}
    for by_category in table.values():
        for c, v in by_category.items():
            totals[c] = totals.get(c, 0.0) + v
    categories = sorted(totals, key=lambda c: (-totals[c], c))
    series = [
        (c, MANY[i % len(MANY)], [table[d].get(c, 0.0) / 1000 for d in table])
        for i, c in enumerate(categories)
    ]
    return stacked_columns(title, list(table), series, "capacity, GW")


def baseline_by_technology(baseline: pd.DataFrame) -> str:
    """Horizontal bars: CO2 baseline, Mt/yr, per technology (largest first), operating and pipeline stacked.

    baseline columns: category, status_group ('operating' | 'pipeline'), co2_mt_per_yr.
    """
    title = "CO2 baseline by technology, Mt/yr (operating fleet and pipeline)"
    if baseline.empty:
        return empty(title, "No unit baseline in plant_baselines")
    table = _crosstab(baseline, "category", "status_group", "co2_mt_per_yr")
    labels = sorted(table, key=lambda c: (-sum(table[c].values()), c))
    series = [
        (group, color, [table[c].get(group, 0.0) for c in labels])
        for group, color in (("operating", PALETTE[0]), ("pipeline", PALETTE[3]))
        if any(group in table[c] for c in labels)
    ]
    return stacked_bars(title, labels, series, "CO2, Mt/yr")


def mac_curve(options: pd.DataFrame) -> str:
    """Step MAC curve: bar width = creditable reduction (Mt/yr), height = MAC (USD/t), in MAC order.

    options columns (in MAC order): mac_usd_per_t, reduction_creditable_mt_per_yr, to_technology_name.
    """
    title = "Marginal abatement cost curve (chosen option per unit, creditable reduction)"
    options = options[options["reduction_creditable_mt_per_yr"] > 0]
    if options.empty:
        return empty(title, "No chosen option with a known MAC and a creditable reduction")
    techs = list(dict.fromkeys(options["to_technology_name"]))
    colors = {f"to {t}": PALETTE[i % len(PALETTE)] for i, t in enumerate(techs)}
    return steps(
        title,
        options["reduction_creditable_mt_per_yr"].tolist(),
        options["mac_usd_per_t"].astype(float).tolist(),
        [f"to {t}" for t in options["to_technology_name"]],
        colors,
        "cumulative creditable reduction, Mt CO2/yr",
        "MAC, USD/t CO2",
    )


def credits_by_agreement(credits: pd.DataFrame) -> str:
    """Stacked horizontal bars: host and partner credits, Mt/yr, per agreement in force.

    credits columns: agreement, host_credits_mt_per_yr, partner_credits_mt_per_yr.
    """
    title = "Credits per year under the agreements in force, host and partner shares"
    if credits.empty:
        return empty(title, "No agreement in force credits a unit of this country")
    series = [
        ("host", PALETTE[5], credits["host_credits_mt_per_yr"].tolist()),
        ("partner", PALETTE[1], credits["partner_credits_mt_per_yr"].tolist()),
    ]
    return stacked_bars(title, list(credits["agreement"]), series, "credits, Mt CO2/yr", row_h=28)


def grid_factors(factors: pd.DataFrame) -> str:
    """Horizontal bars: each published or computed grid factor, tCO2/MWh, coloured by publisher.

    factors columns: label, publisher, ef_t_per_mwh.
    """
    title = "Grid emission factors compared, tCO2/MWh"
    factors = factors[factors["ef_t_per_mwh"].notna()]
    if factors.empty:
        return empty(title, "No grid factor published for this country")
    publishers = list(dict.fromkeys(factors["publisher"]))
    colors = {p: PALETTE[(2 * i) % len(PALETTE)] for i, p in enumerate(publishers)}
    # One series per publisher (zero elsewhere): the bars take their publisher's colour and the legend names it.
    series = [
        (p, colors[p], [v if q == p else 0.0 for q, v in zip(factors["publisher"], factors["ef_t_per_mwh"], strict=True)])
        for p in publishers
    ]  # fmt: skip
    return stacked_bars(title, list(factors["label"]), series, "tCO2/MWh", value_labels=True)


def itmos_by_vintage(vintages: pd.DataFrame, agreement: str) -> str:
    """Stacked columns per vintage year of one agreement: ITMOs transferred to the partner, kept by the host,
    and deducted (share of proceeds + OMGE), Mt.

    vintages columns: vintage_year, transferred_mt, host_retained_mt, sop_mt, omge_mt.
    """
    title = f"ITMOs per vintage, Article 6.2 ledger: {agreement}"
    if vintages.empty:
        return empty(title, "No vintage credited")
    rows = vintages.sort_values("vintage_year")
    series = [
        ("transferred to partner", PALETTE[1], rows["transferred_mt"].tolist()),
        ("kept by host", PALETTE[5], rows["host_retained_mt"].tolist()),
        ("share of proceeds + OMGE", PALETTE[4], (rows["sop_mt"] + rows["omge_mt"]).tolist()),
    ]
    return stacked_columns(title, [str(int(v)) for v in rows["vintage_year"]], series, "ITMOs, Mt CO2e", 240)
