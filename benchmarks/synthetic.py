"""A synthetic fleet of any size, drawn from the real trackers, run through the real mart SQL in DuckDB.

Units are a bootstrap of the real coal_units / gas_oil_units rows: each synthetic unit copies a random real
unit (so the joint mix of country, technology, fuel, status, size and vintage is the trackers' own), gets a
new id, its capacity scaled by a factor in [0.8, 1.2) and its start year moved by -2..+2 years, so no two
units are identical. The coal : gas/oil split is the trackers' own. Everything is deterministic for a seed.

The other tables the marts read (reference tables, scenario parameters, agreements, CEA units, prices) are
copied from a built warehouse, unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from bcm_pipeline import build, catalogue, warehouse

UNIT_TABLES = ("coal_units", "gas_oil_units")
# The methodology chain: every mart between the units and the host-country programmes, in build order. The
# TOOL07 grid tables stay as built from the real fleet (a synthetic fleet is no grid), so they are inputs.
GRID_TABLES = {"grid_margins_computed", "grid_bm_sample_units"}
# Nesting (issue 15): synthetic unit ids match no registered project, so the matches are an input as built.
# The activity tables of issue 12 (Python: the units in both trackers, India's CEA station of each unit, each
# country's capacity factor calibrated to its national generation) are as built from the real fleet too: a
# synthetic fleet is no country's real fleet, so matching it to CEA stations or calibrating it against
# national generation would mean nothing; the marts take the real fleet's calibrated factors by country,
# fuel and technology (synthetic ids match no duplicate and no CEA station). The pandas and Polars
# references read them as inputs alike. benchmarks/run.py times them apart on the 1 M fleet.
ACTIVITY_TABLES = {"tracker_duplicate_units", "cea_gem_unit_matches", "calibrated_capacity_factors"}
# Grid-displacement projects (solar PV, wind, efficiency: one per host country and type) value a MWh by the
# host's real operating fleet and grid margins, so they are held too, like the grid tables. The steel and
# end-use options do not read the power units (steel_swaps reads fuel_price_scenarios, of the chain, only for
# the fuel prices of the steel plants' countries: held as built). All three are unioned into technology_swaps
# as they are: the SQL, pandas and Polars chains read them as inputs alike.
HELD = GRID_TABLES | {"registered_unit_matches", "grid_displacement_swaps", "steel_swaps"} | ACTIVITY_TABLES
CHAIN = tuple(build.marts_between(set(UNIT_TABLES), {"host_country_programmes"}, held=HELD))
UNIONED = ("grid_displacement_swaps", "steel_swaps", "end_use_swaps")
# Tables of the chain computed in Python, if any: the references would read them as computed, like inputs.
PYTHON_IN_CHAIN = tuple(m for m in CHAIN if catalogue.table(m).kind == "python")
COMPUTED_INPUTS = PYTHON_IN_CHAIN
INPUT_TABLES = tuple(
    sorted(set().union(*(catalogue.reads(catalogue.table(m)) for m in CHAIN)) - set(CHAIN) - set(UNIT_TABLES))
)  # fmt: skip
# What the pandas and Polars references read: the inputs, the units, and the chain's Python tables as built.
REFERENCE_INPUTS = (*INPUT_TABLES, *UNIT_TABLES, *COMPUTED_INPUTS)


def copy_tables(con: duckdb.DuckDBPyConnection, source_db: Path, tables: tuple[str, ...]) -> None:
    """Copy tables from another DuckDB file (opened read-only) into con."""
    con.execute(f"ATTACH '{source_db}' AS src (READ_ONLY)")
    try:
        for table in tables:
            con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM src."{table}"')
    finally:
        con.execute("DETACH src")


def generate_units(
    con: duckdb.DuckDBPyConnection, n_units: int, template: str, seed: int = 0
) -> dict[str, int]:
    """Replace coal_units and gas_oil_units in con with n_units synthetic units drawn from the tables of the
    same names in schema/catalog `template`. Returns the number of units of each table."""
    counts = {t: con.execute(f'SELECT count(*) FROM {template}."{t}"').fetchone()[0] for t in UNIT_TABLES}
    n_coal = round(n_units * counts["coal_units"] / sum(counts.values()))
    sizes = {"coal_units": n_coal, "gas_oil_units": n_units - n_coal}
    for salt, table in enumerate(UNIT_TABLES):
        n_template = counts[table]
        # hash(i, seed, salt) picks the template row; further hashes give the jitters.
        con.execute(
            f"""
            CREATE OR REPLACE TABLE "{table}" AS
            WITH template AS (
                SELECT *, row_number() OVER (ORDER BY gem_unit_id) - 1 AS _row FROM {template}."{table}"
            ),
            draws AS (
                SELECT range AS i, hash(range, {seed}, {salt}) % {n_template} AS _row FROM range({sizes[table]})
            )
            SELECT t.* EXCLUDE (_row) REPLACE (
                'SYN{salt}-' || d.i AS gem_unit_id,
                round(t.capacity_mw * (0.8 + 0.4 * (hash(d.i, {seed}, {salt}, 1) % 1000) / 1000.0), 1)
                    AS capacity_mw,
                t.start_year + CAST(hash(d.i, {seed}, {salt}, 2) % 5 AS INTEGER) - 2 AS start_year
            )
            FROM draws AS d JOIN template AS t USING (_row)
            """
        )
    return sizes


def run_chain(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, int]]:
    """Build each mart of CHAIN as the pipeline does. {mart: (seconds, rows)}; Python tables that come out
    of one computation share its time equally."""
    out: dict[str, tuple[float, int]] = {}
    for mart in CHAIN:
        if mart in out:
            continue
        start = time.perf_counter()
        built = build.computed_table(con, mart)
        seconds = time.perf_counter() - start
        for b in built:
            out[b.table.name] = (seconds / len(built), b.rows)
    return out


def inputs_from_code(con: duckdb.DuckDBPyConnection, raw_files: dict[str, Path] | None = None) -> None:
    """The input tables without a built warehouse (tests): authored tables from their parsers, marts computed
    from authored tables only by their SQL; tables parsed from a raw file only if raw_files gives its path;
    others (and the other marts) empty with the model's columns."""
    import pandas as pd

    from bcm_pipeline.schemas.base import validate

    raw_files = raw_files or {}
    for name in catalogue.build_order(INPUT_TABLES):
        t = catalogue.table(name)
        if t.kind == "sql" and all(catalogue.table(r).kind == "authored" for r in catalogue.reads(t)):
            build.sql_table(con, t)  # e.g. host_countries: computed from authored tables only
            continue
        if t.kind == "authored" or name in raw_files:
            df = t.parse(raw_files[name]) if t.kind == "source" else t.parse(None)
            if "source_sha256" in t.model.to_schema().columns:
                df["source_sha256"] = "0" * 64
            df, _ = validate(t.model, df, t.source_id or "reference", None)
        else:
            df = pd.DataFrame(columns=list(t.model.to_schema().columns))
        warehouse.write_table(con, t.model, df)


def prepare(
    db_path: Path, warehouse_path: Path, n_units: int, seed: int = 0, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A fresh DuckDB file at db_path holding the input tables and n_units synthetic units."""
    db_path.unlink(missing_ok=True)
    con = duckdb.connect(str(db_path), config=warehouse.build_config(memory_limit))  # the build's settings
    copy_tables(con, warehouse_path, INPUT_TABLES)
    con.execute(f"ATTACH '{warehouse_path}' AS tmpl (READ_ONLY)")
    generate_units(con, n_units, "tmpl", seed)
    con.execute("DETACH tmpl")
    con.execute("CHECKPOINT")
    return con
