"""The methodology marts, one host country at a time, and their export as country-partitioned Parquet.

Plain functions on a DuckDB connection (no Dagster, no `bcm` resource), so any engine or script can use
them. A country rerun runs the very same SQL files through build.run_marts: the country's units and cases
go into a scratch catalog where they shadow the full tables, every mart between them and the
country-partitioned marts (the catalogue's `country_column`) is rebuilt there, and the country's rows of
the real marts are replaced in one transaction. The full, unpartitioned run is untouched.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bcm_pipeline import build, catalogue, warehouse
from bcm_pipeline.schemas.base import quote_ident, sql_literal

# The tables that hold units or cases of a country: filtered to it in a rerun (everything else the SQL
# reads is reference data or grid data of every host, read whole).
COUNTRY_INPUTS = ("coal_units", "gas_oil_units", "project_cases")
# Computed from the units of every country and read whole (activity data, issue 12: the calibration year
# depends on the whole tracker, the CEA matches on all of India): a scenario rerun keeps them as built.
HELD = {"tracker_duplicate_units", "cea_gem_unit_matches", "calibrated_capacity_factors"}


def host_countries(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT country_iso3 FROM host_countries ORDER BY 1").fetchall()]


def rerun_country(con: duckdb.DuckDBPyConnection, country_iso3: str) -> dict[str, int]:
    """Rebuild the rows of one host country in every country-partitioned mart. Returns rows per mart."""
    base = quote_ident(con.execute("SELECT current_database()").fetchone()[0]) + ".main"
    iso = sql_literal(country_iso3)
    marts = catalogue.country_marts()
    with build.scratch(con) as schema:
        inputs = {t: f"SELECT * FROM {base}.{t} WHERE country_iso3 = {iso}" for t in COUNTRY_INPUTS}
        build.run_marts(con, set(marts), inputs, schema, held=HELD)
        counts = {}
        con.execute("BEGIN TRANSACTION")
        try:
            for mart, column in marts.items():
                col = quote_ident(column)
                warehouse.forget_key(con, mart)  # rows rewritten outside a table's step: no build key
                con.execute(f"DELETE FROM {base}.{mart} WHERE {col} = {iso}")
                con.execute(
                    f"INSERT INTO {base}.{mart} BY NAME SELECT * FROM {schema}.{mart} WHERE {col} = {iso}"
                )
                counts[mart] = con.execute(
                    f"SELECT count(*) FROM {base}.{mart} WHERE {col} = {iso}"
                ).fetchone()[0]
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return counts


def export_partitioned_parquet(
    database: Path, out_dir: Path, marts: dict[str, str] | None = None
) -> list[Path]:
    """Write each mart as Hive-partitioned Parquet, out_dir/<mart>/country_iso3=<ISO3>/*.parquet, for
    engines beyond one machine (Spark, Trino, BigQuery, DuckDB itself). Reads the database read-only."""
    marts = marts or catalogue.country_marts()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(database), read_only=True) as con:
        for mart, column in marts.items():
            target = out_dir / mart
            # Every mart is partitioned on a column named country_iso3 (credits: its host country).
            select = (
                f"SELECT * FROM {mart}"
                if column == "country_iso3"
                else f"SELECT *, {quote_ident(column)} AS country_iso3 FROM {mart}"
            )
            con.execute(
                f"COPY ({select}) TO {sql_literal(str(target))} "
                "(FORMAT parquet, PARTITION_BY (country_iso3), OVERWRITE_OR_IGNORE)"
            )
            written.append(target)
    return written
