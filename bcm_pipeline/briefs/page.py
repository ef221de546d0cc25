"""The brief's page: its sections' HTML, tables formatted by unit, each figure's and table's data as a CSV
file beside the page, and the template (styles for screen and A4/letter print)."""

from __future__ import annotations

import csv
import datetime as dt
import math
import numbers
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bcm_pipeline.briefs.data import Query, Store

# Column-name suffix -> unit shown in the header (longest suffixes first).
UNITS = [
    ("_kt_per_yr", "kt/yr"),
    ("_mt_per_yr", "Mt/yr"),
    ("_t_per_yr", "t/yr"),
    ("_musd_per_yr", "million USD/yr"),
    ("_usd_per_gj", "USD/GJ"),
    ("_usd_per_t", "USD/t"),
    ("_t_per_mwh", "t/MWh"),
    ("_mt_co2e", "Mt CO2e"),
    ("_usd", "USD"),
    ("_twh", "TWh"),
    ("_mw", "MW"),
    ("_gw", "GW"),
    ("_mt", "Mt"),
    ("_yr", "yr"),
]


# Shorter headers where the column name is long (the CSV keeps the column names).
LABELS = {
    "estimation_tier": "tier",
    "plant_unit": "plant, unit",
    "capacity_factor_min": "CF min",
    "capacity_factor_mean": "CF mean (MW-weighted)",
    "capacity_factor_max": "CF max",
    "reduction_creditable_kt_per_yr": "creditable reduction, kt/yr",
    "reduction_creditable_mt_per_yr": "creditable reduction, Mt/yr",
    "operating_credited_mt_per_yr": "of which operating, Mt/yr",
    "pipeline_credited_mt_per_yr": "of which pipeline, Mt/yr",
    "partner_revenue_musd_per_yr": "partner's credit value, million USD/yr",
    "host_power_co2_mt_per_yr": "host power CO2, Mt/yr",
}


def header_label(column: str) -> str:
    """A column's header: words and its unit, e.g. credited_mt_per_yr -> 'credited, Mt/yr'."""
    if column in LABELS:
        return LABELS[column]
    for suffix, unit in UNITS:
        if column.endswith(suffix) and len(column) > len(suffix):
            return f"{column[: -len(suffix)].replace('_', ' ')}, {unit}"
    return column.replace("_", " ")


def cell(column: str, value: object) -> tuple[str, str]:
    """(text, css class) of one value: numbers right-aligned with thousands separators and a precision by
    size, years without separator, shares with two decimals; unknown (null) shows as a dash."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "–", "null"
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), "text"
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d"), "text"
    if isinstance(value, dt.date):
        return value.isoformat(), "text"
    is_year = "year" in column
    if isinstance(value, numbers.Integral) or (is_year and isinstance(value, float) and value.is_integer()):
        return (str(int(value)) if is_year else f"{int(value):,}"), "num"
    if isinstance(value, numbers.Real):
        value = float(value)
        if any(word in column for word in ("share", "ratio", "rate", "quantile")):
            return f"{value:.2f}", "num"
        size = abs(value)
        if size >= 100 or value == 0:
            return f"{value:,.0f}", "num"
        if size >= 10:
            return f"{value:,.1f}", "num"
        if size >= 1:
            return f"{value:.2f}", "num"
        return (f"{value:.3f}" if size >= 0.01 else f"{value:.2g}"), "num"
    text = str(value)
    # Identifiers (coal_supercritical, mac_curve_min_grid_ef_t_per_mwh) may break anywhere; words may not.
    return text, ("text long" if max(map(len, text.split()), default=0) > 14 else "text")


def html_table(columns: list[str], rows: list[list], caption: str = "") -> str:
    """An HTML table of rows (lists of plain values, in the order of columns), headers with their units."""
    if not rows:
        return "<p class='none'>None.</p>"
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    head = "".join(f"<th>{escape(header_label(c))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = "".join(
            f"<td class='{css}'>{escape(text)}</td>"
            for text, css in (cell(c, v) for c, v in zip(columns, row, strict=True))
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table class='data'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _csv_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return value


def rows_of(df: pd.DataFrame) -> list[list]:
    """The frame's rows as lists of plain Python values (one conversion for the CSV and the HTML)."""
    return df.to_numpy(dtype=object).tolist()


@dataclass
class Page:
    """One country's brief under construction: what the warehouse holds, where the files go, and the
    CSV files written so far (each linked from the page)."""

    con: duckdb.DuckDBPyConnection
    store: Store
    iso3: str
    out: Path
    have: set[str]
    registry: dict = field(default_factory=dict)  # source id -> SourceEntry (sources.yaml)
    csvs: list[str] = field(default_factory=list)

    def get(self, query: Query) -> pd.DataFrame:
        """This country's rows of a query (briefs/data.py), run once for all the briefs of a run."""
        return self.store.get(query, self.iso3)

    def csv(self, name: str, df: pd.DataFrame, rows: list[list] | None = None) -> str:
        """Write <name>.csv beside the page (the data behind a figure or table); returns the link."""
        path = self.out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(df.columns)
            writer.writerows(
                [_csv_value(v) for v in row] for row in (rows if rows is not None else rows_of(df))
            )
        self.csvs.append(path.name)
        return f"<a class='csv' href='{escape(path.name)}'>data: {escape(path.name)}</a>"

    def table(
        self, name: str | None, df: pd.DataFrame, show: list[str] | None = None, caption: str = ""
    ) -> str:
        """The table (the columns in `show`, or all) and its CSV <name>.csv (every column; no CSV when name
        is None: the data are a figure's, whose CSV is linked under it)."""
        if df.empty:
            return "<p class='none'>None.</p>"
        rows, columns = rows_of(df), list(df.columns)
        link = self.csv(name, df, rows) if name else ""
        if show is not None:
            at = [columns.index(c) for c in show]
            rows, columns = [[row[i] for i in at] for row in rows], show
        return f"<div class='table'>{html_table(columns, rows, caption)}{link}</div>"

    def transposed(self, name: str, df: pd.DataFrame, key: str, show: list[str]) -> str:
        """A table of few rows and many columns turned round (one row per column in `show`, one column per
        value of `key`), so it fits the page; the CSV keeps the frame as it is."""
        if df.empty:
            return "<p class='none'>None.</p>"
        link = self.csv(name, df)
        rows = [[header_label(c), *(cell(c, v)[0] for v in df[c])] for c in show]
        return f"<div class='table'>{html_table(['', *map(str, df[key])], rows)}{link}</div>"

    def figure(self, name: str, svg: str, df: pd.DataFrame | None, caption: str = "") -> str:
        """An inline SVG chart with a caption and the link to its data (None: the table below it has them)."""
        cap = f"{escape(caption)} " if caption else ""
        link = self.csv(name, df) if df is not None and not df.empty else ""
        return f"<figure id='fig-{escape(name)}'>{svg}<figcaption>{cap}{link}</figcaption></figure>"


CSS = """
:root { --ink: #222; --muted: #666; --rule: #ddd; --panel: #f3f6f9; }
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: var(--ink);
       line-height: 1.4; overflow-wrap: break-word; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--rule); }
.meta, figcaption, caption, .def { color: var(--muted); font-size: 0.85rem; }
.kpi { display: grid; grid-template-columns: repeat(2, 1fr); gap: 0.8rem; margin: 1rem 0; }
.kpi div { background: var(--panel); padding: 0.6rem 0.8rem; min-width: 0; overflow-wrap: anywhere; }
.kpi b { display: block; font-size: 1.4rem; }
.kpi .def { display: block; margin-top: 0.3rem; }
figure { margin: 0.5rem 0 1rem; break-inside: avoid; }
svg.chart { width: 100%; height: auto; display: block; }
.table { max-width: 100%; margin: 0.5rem 0 1rem; }
table.data { border-collapse: collapse; font-size: 0.8rem; width: 100%; }
table.data caption { text-align: left; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: 0.15rem 0.35rem; vertical-align: top;
                               overflow-wrap: break-word; }
table.data th { background: var(--panel); text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.null { text-align: center; color: #999; }
table.data td.long { overflow-wrap: anywhere; }
a.csv { font-size: 0.8rem; }
.none { color: #777; }
dl.assume dt { font-weight: 600; margin-top: 0.4rem; } dl.assume dd { margin-left: 1rem; }
ol.cite li { margin-bottom: 0.3rem; font-size: 0.9rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  table.data { font-size: 8pt; }
  h2 { break-after: avoid; } tr { break-inside: avoid; }
  a.csv::after { content: " (" attr(href) ")"; }
}
"""

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bilateral crediting brief: {title}</title>
<style>{css}</style></head><body>
<h1>{title}: bilateral crediting brief</h1>
<p class="meta">{version}; brief written {today}. Every figure comes from the warehouse's tables and v_* views
(named under each figure; reproduce any of them with <code>bcm query</code>); each chart's and table's data is a
CSV file beside this page. What each figure assumes: <a href="#assumptions">Assumptions</a>; whose data:
<a href="#sources">Sources and citations</a>.</p>
{body}
<p class="meta">Query this country yourself:
<code>bcm query "SELECT * FROM v_mac_curve WHERE country_iso3 = '{iso3}'"</code></p>
</body></html>
"""
