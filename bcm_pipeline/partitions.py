"""The methodology marts, one host country at a time, and their export as country-partitioned Parquet.

Plain functions on a DuckDB connection (no Dagster, no `bcm` resource), so any engine or script can use
them. A country rerun runs the very same sql/marts/*.sql files: inside the connection, temporary views
named coal_units, gas_oil_units and project_cases show only that country's rows and shadow the tables
(DuckDB resolves temporary objects first), the SQL builds temporary marts from them, and the country's
rows of the real marts are replaced in one transaction. The full, unpartitioned run is untouched.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bcm_pipeline import warehouse

# The chain a scenario rerun rebuilds, in order, with the column that holds each row's host country.
COUNTRY_MARTS = {
    "plant_baselines": "country_iso3",
    "technology_swaps": "country_iso3",
    "credits": "host_country_iso3",
    "host_country_programmes": "country_iso3",
}
# Unit tables filtered to the country (everything else the SQL reads is reference data, read whole).
COUNTRY_INPUTS = ("coal_units", "gas_oil_units", "project_cases")


def host_countries(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Host countries: flagged in the countries reference, or the host of an agreement."""
    rows = con.execute(
        "SELECT country_iso3 FROM countries WHERE is_host_country "
        "UNION SELECT host_country_iso3 FROM agreements ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def rerun_country(con: duckdb.DuckDBPyConnection, country_iso3: str) -> dict[str, int]:
    """Rebuild the rows of one host country in every mart of COUNTRY_MARTS. Returns rows per mart."""
    db = warehouse.quote_ident(con.execute("SELECT current_database()").fetchone()[0])
    literal = "'" + country_iso3.replace("'", "''") + "'"
    created = []
    try:
        for table in COUNTRY_INPUTS:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS "
                f"SELECT * FROM {db}.main.{table} WHERE country_iso3 = {literal}"
            )
            created.append(f"VIEW temp.main.{table}")
        for mart in COUNTRY_MARTS:
            sql = warehouse.sql_text(f"marts/{mart}.sql").strip().rstrip(";")
            con.execute(f"CREATE OR REPLACE TEMP TABLE {mart} AS {sql}")
            created.append(f"TABLE temp.main.{mart}")
        counts = {}
        con.execute("BEGIN TRANSACTION")
        try:
            for mart, column in COUNTRY_MARTS.items():
                con.execute(f"DELETE FROM {db}.main.{mart} WHERE {column} = {literal}")
                con.execute(
                    f"INSERT INTO {db}.main.{mart} BY NAME SELECT * FROM temp.main.{mart} WHERE {column} = {literal}"
                )
                counts[mart] = con.execute(
                    f"SELECT count(*) FROM {db}.main.{mart} WHERE {column} = {literal}"
                ).fetchone()[0]
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return counts
    finally:
        for obj in reversed(created):
            con.execute(f"DROP {obj.split()[0]} IF EXISTS {obj.split()[1]}")


def export_partitioned_parquet(
    database: Path, out_dir: Path, marts: dict[str, str] | None = None
) -> list[Path]:
    """Write each mart as Hive-partitioned Parquet, out_dir/<mart>/country_iso3=<ISO3>/*.parquet, for
    engines beyond one machine (Spark, Trino, BigQuery, DuckDB itself). Reads the database read-only."""
    marts = marts or COUNTRY_MARTS
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(database), read_only=True) as con:
        for mart, column in marts.items():
            target = out_dir / mart
            # Every mart is partitioned on a column named country_iso3 (credits: its host country).
            select = (
                f"SELECT * FROM {mart}"
                if column == "country_iso3"
                else (f"SELECT *, {column} AS country_iso3 FROM {mart}")
            )
            con.execute(
                f"COPY ({select}) TO '{target}' (FORMAT parquet, PARTITION_BY (country_iso3), OVERWRITE_OR_IGNORE)"
            )
            written.append(target)
    return written
