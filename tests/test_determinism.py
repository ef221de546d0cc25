"""Same inputs, same warehouse: the mart SQL gives identical tables whatever order the rows of its inputs are
stored in (a parallel CREATE TABLE AS does not fix row order, and the manifest's content hash compares the
exact values)."""

from __future__ import annotations

import shutil
from graphlib import TopologicalSorter

import duckdb

from bcm_pipeline import warehouse
from bcm_pipeline.assets.marts import MARTS


def test_marts_do_not_depend_on_the_stored_row_order(full_build, tmp_path):
    built, _ = full_build
    db = tmp_path / "shuffled.duckdb"
    shutil.copyfile(built / "warehouse" / "bcm.duckdb", db)
    con = duckdb.connect(str(db))
    published = {m.name: warehouse.table_fingerprint(con, m.name) for m in MARTS}
    # Every table the marts read, rows stored in a random order.
    inputs = {d for m in MARTS for d in m.deps} - {m.name for m in MARTS}
    for table in sorted(inputs):
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM "{table}" ORDER BY random()')
    by_name = {m.name: m for m in MARTS}
    order = TopologicalSorter({m.name: [d for d in m.deps if d in by_name] for m in MARTS}).static_order()
    rebuilt = {}
    for name in order:
        warehouse.build_sql_table(con, name, warehouse.sql_text(by_name[name].sql_file))
        # Downstream marts read this one in a random order too.
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "{name}" ORDER BY random()')
        rebuilt[name] = warehouse.table_fingerprint(con, name)
    con.close()
    assert rebuilt == published
