"""Same inputs, same warehouse: the mart SQL gives identical tables whatever order the rows of its inputs are
stored in (a parallel CREATE TABLE AS does not fix row order, and the manifest's content hash compares the
exact values); so do the analyst views (a float sum follows the order it adds in: the views sum exactly)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from bcm_pipeline import build, catalogue, dictionary, warehouse

pytestmark = pytest.mark.slow

MARTS = [t.name for t in catalogue.tables("sql")]
VIEWS = [v.name for v in dictionary.view_specs()]


def test_marts_and_views_do_not_depend_on_the_stored_row_order(full_build, tmp_path):
    built, _ = full_build
    db = tmp_path / "shuffled.duckdb"
    shutil.copyfile(built / "warehouse" / "bcm.duckdb", db)
    con = duckdb.connect(str(db))
    published = {m: warehouse.table_fingerprint(con, m) for m in MARTS + VIEWS}
    # Every table the marts read, rows stored in a random order.
    inputs = set().union(*(catalogue.reads(catalogue.table(m)) for m in MARTS)) - set(MARTS)
    for table in sorted(inputs):
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM "{table}" ORDER BY random()')
    rebuilt = {}
    for name in catalogue.build_order(MARTS):
        build.computed_table(con, name)
        # Downstream marts read this one in a random order too.
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "{name}" ORDER BY random()')
        rebuilt[name] = warehouse.table_fingerprint(con, name)
    # The views (created in the build) now read every table in a random order.
    rebuilt |= {v: warehouse.table_fingerprint(con, v) for v in VIEWS}
    con.close()
    assert rebuilt == published
